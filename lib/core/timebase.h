/*
 * Time in the core (internal to libltr): the two time bases frames are counted on,
 * and the one conversion from a duration to a count of frames (or of samples at any
 * rate: decimated, per block).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input frame (ltri_frame): a frame as the caller gave it, counted from 0 at reset
 * (flush goes on counting). The detector consumes input frame n in one step (an
 * event's `detected`); the artifact stage blanks input frames; the onsets, peaks and
 * offsets of events are the input frames of the samples they describe.
 *
 * Lane frame (ltri_lane_frame): what a lane is looking at. Lane frame t indexes the
 * input sample whose energy the lane sees in that step; the lanes run behind the
 * input by the artifact look-ahead and one frame of the energy operator, and with ECG
 * cancelling on by the canceller's ecg_delay too: lane frame t is processed at input
 * frame t + lookahead + 1 + ecg_delay. A lane's envelope shows a sample later still,
 * by its filters' delay: ltri_lane_to_input removes it, putting the lane's news on
 * input frames.
 *
 * Durations in the configuration are in ms, constants of the modules in s; every
 * module turns them into frames with ltri_frames, once, at init.
 */
#ifndef LTR_CORE_TIMEBASE_H
#define LTR_CORE_TIMEBASE_H

#include <stdint.h>

typedef uint64_t ltri_frame;      /* input frame */
typedef uint64_t ltri_lane_frame; /* lane frame */

/* The input frame of what a lane saw at lane frame t through `delay` frames of its
 * filters (0 when that would be before the stream). */
static inline ltri_frame ltri_lane_to_input(ltri_lane_frame t, uint64_t delay)
{
    return t > delay ? t - delay : 0;
}

typedef enum {
    LTRI_ROUND_UP,      /* at least the duration: confirmation, blanking, windows */
    LTRI_ROUND_NEAREST  /* closest to it: block and tick lengths, template sizes */
} ltri_rounding;

/* Samples at rate_hz that make `seconds`, rounded as asked, and at least at_least
 * (init time; seconds * rate_hz is well below 2^53). */
uint64_t ltri_frames(double seconds, double rate_hz, ltri_rounding r, uint64_t at_least);

/* The same for a duration in ms (the configuration's unit). */
uint64_t ltri_frames_ms(double ms, double rate_hz, ltri_rounding r, uint64_t at_least);

#endif /* LTR_CORE_TIMEBASE_H */
