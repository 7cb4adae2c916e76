/*
 * Energy and envelope of a band-passed signal (internal to libltr).
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

#include "ltr/ltr.h"

/* Energy of the previous sample (one frame of delay for every lane). */
static inline float ltri_tkeo(float y2, float y1, float y0) { return fabsf(y1 * y1 - y2 * y0); }

/* A channel's energy operator: its previous two band-passed samples. Every energy is
 * that of the previous sample, one frame late, so that EMG and accelerometer lanes
 * share one time base (the TKEO needs the next sample). */
typedef struct ltri_energy {
    float y1, y2;            /* previous band-passed samples */
} ltri_energy;

static inline void ltri_energy_reset(ltri_energy *e) { e->y1 = e->y2 = 0.0f; }

/* The energy operators are inline, here in the envelope's header: one call per channel
 * and frame from detector.c cost 1% of the detector's instructions (callgrind, 1 EMG
 * channel at 2 kHz: 873 against 864 per sample). */

/* EMG: take band-passed sample y; return the energy of the previous sample (TKEO, or its
 * square for LTR_ENVELOPE_RMS) and set *amp_sq to its square. [RT] */
static inline float ltri_energy_emg(ltri_energy *e, float y, ltr_envelope kind, float *amp_sq)
{
    const float energy = kind == LTR_ENVELOPE_TKEO ? ltri_tkeo(e->y2, e->y1, y) : e->y1 * e->y1;
    *amp_sq = e->y1 * e->y1;
    e->y2 = e->y1;
    e->y1 = y;
    return energy;
}

/* Accelerometer axis: take band-passed sample y; add the square of the previous sample
 * to *sum, which over all axes is the squared magnitude (orientation-free). [RT] */
static inline void ltri_energy_acc(ltri_energy *e, float y, float *sum)
{
    *sum += e->y1 * e->y1;
    e->y2 = e->y1;
    e->y1 = y;
}

/* The smoother's sections: a 2nd-order low-pass is one. */
#define LTRI_ENVELOPE_SECTIONS 1u

/* Design the smoothing low-pass (LTRI_ENVELOPE_SECTIONS sections); returns 0 or -1. */
int ltri_envelope_design(ltri_cascade *smooth, double cutoff_hz, double fs_hz);

/* Group delay of the smoother near DC, frames (init time). */
double ltri_envelope_delay(const ltri_cascade *smooth, double fs_hz);

#endif /* LTR_CORE_ENVELOPE_H */
