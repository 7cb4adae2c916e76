/*
 * Envelope of a band-passed signal (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * EMG: Teager-Kaiser energy psi[n-1] = y[n-1]^2 - y[n-2] y[n] (Kaiser 1990), which
 * weighs amplitude by instantaneous frequency and so lifts motor-unit action
 * potentials above slow movement artifacts; Solnik et al. (2010) showed it
 * sharpens EMG onset detection. Or the plain square y^2 (RMS envelope).
 * Accelerometer: the squared magnitude of the band-passed axes, which does not
 * depend on orientation, with gravity removed by the high-pass.
 * Either is then smoothed by a 2nd-order Butterworth low-pass.
 */
#ifndef LTR_CORE_ENVELOPE_H
#define LTR_CORE_ENVELOPE_H

#include <math.h>

#include "filter.h"

/* Energy of the previous sample (one frame of delay for every lane). */
static inline float ltri_tkeo(float y2, float y1, float y0) { return fabsf(y1 * y1 - y2 * y0); }

/* Design the smoothing low-pass; returns 0 or -1. */
int ltri_envelope_design(ltri_cascade *smooth, double cutoff_hz, double fs_hz);

/* Group delay of the smoother near DC, frames (init time). */
double ltri_envelope_delay(const ltri_cascade *smooth, double fs_hz);

#endif /* LTR_CORE_ENVELOPE_H */
