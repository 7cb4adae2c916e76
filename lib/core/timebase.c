/*
 * Durations to frames (libltr core). See timebase.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>

#include "hints.h"
#include "timebase.h"

/* One copy, called: every module converts its durations at init, and on a Cortex-M4F
 * each inlined copy was a ceil call and three soft-float double calls (issue 10). */
LTRI_COLD uint64_t ltri_frames(double seconds, double rate_hz, ltri_rounding r, uint64_t at_least)
{
    const double f = r == LTRI_ROUND_UP ? ceil(seconds * rate_hz)
                                        : floor(seconds * rate_hz + 0.5);
    return f < (double)at_least ? at_least : (uint64_t)f;
}

LTRI_COLD uint64_t ltri_frames_ms(double ms, double rate_hz, ltri_rounding r, uint64_t at_least)
{
    return ltri_frames(ms * 1e-3, rate_hz, r, at_least);
}
