/*
 * Energy and envelope smoothing (libltr core). See envelope.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "hints.h"
#include "envelope.h"

LTRI_COLD int ltri_envelope_design(ltri_cascade *smooth, double cutoff_hz, double fs_hz)
{
    ltri_cascade_clear(smooth);
    /* 2nd order: a smooth envelope with little delay (sqrt(2)/(2 pi fc): 4.5 ms at 50 Hz). */
    return ltri_cascade_add_butter_lowpass(smooth, 2, cutoff_hz, fs_hz);
}

LTRI_COLD double ltri_envelope_delay(const ltri_cascade *smooth, double fs_hz)
{
    /* The envelope's content sits near DC; 1 Hz stands for it. */
    return ltri_cascade_group_delay(smooth, 1.0, fs_hz);
}
