/*
 * Time in the core (internal to libltr): the one conversion from a duration to a
 * count of frames (or of samples at any rate: decimated, per block).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Durations in the configuration are in ms, constants of the modules in s; every
 * module turns them into frames here, once, at init.
 */
#ifndef LTR_CORE_TIMEBASE_H
#define LTR_CORE_TIMEBASE_H

#include <math.h>
#include <stdint.h>

typedef enum {
    LTRI_ROUND_UP,      /* at least the duration: confirmation, blanking, windows */
    LTRI_ROUND_NEAREST  /* closest to it: block and tick lengths, template sizes */
} ltri_rounding;

/* Samples at rate_hz that make `seconds`, rounded as asked, and at least at_least
 * (init time; seconds * rate_hz is well below 2^53). */
static inline uint64_t ltri_frames(double seconds, double rate_hz, ltri_rounding r,
                                   uint64_t at_least)
{
    const double f = r == LTRI_ROUND_UP ? ceil(seconds * rate_hz)
                                        : floor(seconds * rate_hz + 0.5);
    return f < (double)at_least ? at_least : (uint64_t)f;
}

/* The same for a duration in ms (the configuration's unit). */
static inline uint64_t ltri_frames_ms(double ms, double rate_hz, ltri_rounding r,
                                      uint64_t at_least)
{
    return ltri_frames(ms * 1e-3, rate_hz, r, at_least);
}

#endif /* LTR_CORE_TIMEBASE_H */
