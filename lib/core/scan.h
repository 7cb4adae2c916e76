/*
 * Multi-scale energy scan of a surface EMG lane (internal to libltr): finds twitches a
 * few dB over a calm background, which the smoothed Teager-Kaiser envelope buries.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Why: the TKEO weighs white amplifier noise by the square of its frequency, so at a
 * 2 kHz rate its envelope's ripple hides a twitch that is only 3-8 dB over the
 * background in plain energy (measured on low_snr: twitches 5-9 dB over their own
 * duration, background windows at most 1-3 dB). The scan looks at the plain energy
 * (squared band-passed samples) instead, on 4 ms block means:
 *
 *  - background: an exponential average of the block means over ~1.5 s, learnt only from
 *    the background (the lane says when) and with each block capped at 4x it;
 *  - reference segment: the mean of the last 64 background blocks (256 ms) before the
 *    windows, each taken once it has left the ring with 128 ms of background after it
 *    (so the start of a burst the scan is about to see is not in it), emptied at the
 *    end of every twitch and needing 32 blocks before the scan tests again: the windows
 *    are tested against the higher of it and the background. A tonic level that
 *    drifts (several dB over seconds) lifts the 1.5 s average's ratios for seconds, and
 *    the quantile trackers learn the lift; a reference segment right before the test
 *    windows is the two-segment test of a change in variance (Basseville & Nikiforov
 *    1993, sec. 2.6; Staude et al. 2001), restarted after each alarm; the higher of the
 *    two keeps a quiet stretch before a stimulus from making its artifact's tail a
 *    burst (MEPFeatX);
 *  - windows of 16, 32, 64 and 128 ms ending now (4, 8, 16, 32 blocks; each block capped
 *    at 8x the background, so one spike cannot fill a window); r_k = their mean energy
 *    over the background, dB. A window as long as the burst is the matched one: the
 *    energy detector over an unknown duration, evaluated at a few octave-spaced
 *    durations (cf. the multi-window GLR of Staude et al. 2001);
 *  - each window's false-alarm level is learnt from the background itself: its 99.5th
 *    percentile (asymmetric quantile trackers, started from the mean and mean absolute
 *    deviation after a 2 s learning period), tracked directly for the 16 and 32 ms
 *    windows (frequent artifact tails lift it) and extrapolated from the median and the
 *    90th percentile in dB for the 64 and 128 ms ones (the background's own twitches, a
 *    few % of the time, do not lift it); plus 2 dB, plus a constant-false-alarm-rate margin that holds
 *    rises of the scan to 0.4/s; and never under 3 dB;
 *  - a background whose 128 ms window is itself heavy-tailed (its tracked 99.5th
 *    percentile, fed with the ratios under the detection level only, at 3 dB or more:
 *    ECG, end-plate spikes, insertional activity) turns the scan off: its small
 *    excesses are then not evidence of anything (the classic envelope rule holds
 *    those backgrounds);
 *  - onset: Page's CUSUM over the ring of the block energies' log-likelihood ratio
 *    (exponential model, a rise to 2.5x the same level; Page 1954, Basseville &
 *    Nikiforov 1993 sec. 2.2), the block after its last zero;
 *  - hold: a scan-begun twitch lasts while the 16 ms window stays over the background's
 *    mean + 2 mean absolute deviations.
 *
 * Work: a sum per frame; once per block a few adds, the windows' running sums, one
 * log10f and 2 powf (the quantile trackers run on linear ratios after the learning
 * period); at a begin, 32 multiply-adds for the onset. State: ltri_scan (568 bytes on
 * x86-64, 268 of them the reference segment), only in lanes that scan.
 */
#ifndef LTR_CORE_SCAN_H
#define LTR_CORE_SCAN_H

#include <stdint.h>

#include "timebase.h"

#include "ltr/ltr.h"

#define LTRI_SCAN_RING 32u   /* blocks: the longest window (a power of two) */
#define LTRI_SCAN_WINDOWS 4u /* 4, 8, 16, 32 blocks */
#define LTRI_SCAN_REF 64u    /* blocks of the reference segment (a power of two) */

typedef struct ltri_scan_design {
    int enabled;
    uint32_t block;          /* frames per block (the noise floor's, ~4 ms) */
    uint32_t learn_blocks;   /* blocks of background before any verdict */
    uint32_t memory;         /* frames after a twitch or artifact before it may begin one */
    float bg_alpha;          /* background average, per block */
    float q_up_f, q_down_f;  /* the gate's tracker's rise and fall per block, as factors */
    float m_up_f, h_down_f;  /* the median's step and the 90th percentile's fall, factors */
    float onset_a, onset_b;  /* the onset CUSUM's slope and offset */
    float gate, min_ratio;   /* GATE_DB, MIN_DB as energy ratios */
    float cfar_alpha, cfar_up, cfar_down, blocks_per_s;
} ltri_scan_design;

typedef struct ltri_scan {
    float sum;               /* amp_sq over the current block */
    uint32_t count;
    uint32_t blocks;         /* background blocks learnt */
    uint32_t pos, filled;    /* ring cursor and fill */
    float bg;                /* background energy (linear) */
    float ring[LTRI_SCAN_RING];
    float wsum[LTRI_SCAN_WINDOWS]; /* the windows' sums: the ring's newest 4, 8, 16, 32 */
    float ref[LTRI_SCAN_REF];  /* reference segment: background blocks that left the ring */
    float ref_sum;             /* their sum */
    uint32_t ref_pos, ref_filled; /* its cursor and fill (0 after every twitch) */
    uint32_t idle_run;         /* background blocks in a row, up to 255 */
    float q[LTRI_SCAN_WINDOWS];   /* false-alarm level of each window's energy ratio (linear) */
    float med[LTRI_SCAN_WINDOWS]; /* median of the same (the robust windows) */
    float hi[LTRI_SCAN_WINDOWS];  /* 90th percentile of the same (the robust windows) */
    float tail;                   /* the gate's 99.5th percentile of the 128 ms window */
    float mu[LTRI_SCAN_WINDOWS];  /* mean of its ratio in dB (after learning: window 0's) */
    float mad[LTRI_SCAN_WINDOWS]; /* mean absolute deviation of the same, dB */
    float rate, cfar_db;     /* rises per second, and the margin they raise */
    float margin;            /* MARGIN_DB + cfar_db as a factor (0: not yet computed) */
    uint32_t rises;          /* rises in the current block */
    uint8_t on, hold, was_on, frozen; /* verdicts; frozen: this block does not learn */
    uint8_t hushed;            /* this block is in a heartbeat being cancelled: no verdict */
    uint8_t run;               /* verdicts in a row with a window on */
    ltri_lane_frame at;        /* lane frame of the latest verdict */
    ltri_lane_frame free_from; /* last end of a twitch, artifact or busy stretch */
} ltri_scan;

/* Does a lane of this sensor scan? Surface EMG at the rates where the Teager-Kaiser
 * envelope is used (< 4 kHz by default); a needle recording (RMS envelope) has a spiky
 * background the scan has no model of, and an accelerometer no such bursts. */
static inline int ltri_scan_wanted(const ltr_config *cfg, ltr_sensor sensor)
{
    return sensor == LTR_SENSOR_EMG && cfg->emg_envelope == LTR_ENVELOPE_TKEO;
}

void ltri_scan_design_init(ltri_scan_design *d, const ltr_config *cfg, ltr_sensor sensor,
                           uint32_t block);
void ltri_scan_reset(ltri_scan *s);

/* Lane frame t's squared band-passed sample; learn = the lane is in the background
 * (idle, not blocked). At each block's end the verdicts (s->on, s->hold) are
 * renewed; between block ends they hold. */
void ltri_scan_block(const ltri_scan_design *d, ltri_scan *s, ltri_lane_frame t);

/* Inline: a sum a frame, the block's work once a block. [RT] */
static inline void ltri_scan_push(const ltri_scan_design *d, ltri_scan *s, ltri_lane_frame t,
                                  float amp_sq, int learn)
{
    s->sum += amp_sq;
    s->frozen |= (uint8_t)(!learn || t < s->free_from + d->memory);
    if (++s->count >= d->block)
        ltri_scan_block(d, s, t);
}

/* This frame is no background to learn from (a heartbeat the ECG canceller is
 * subtracting: its residual is periodic, not the background's tail). [RT] */
static inline void ltri_scan_hush(ltri_scan *s) { s->frozen = s->hushed = 1; }

/* Nonzero when the scan may begin a twitch at lane frame t (it is on, and it is long
 * enough after the last twitch or artifact). */
static inline int ltri_scan_begins(const ltri_scan_design *d, const ltri_scan *s,
                                   ltri_lane_frame t)
{
    return d->enabled && s->on && t >= s->free_from + d->memory;
}

/* Where the burst the scan is on for began: the maximum-likelihood change time, not
 * before the last twitch or artifact. */
ltri_lane_frame ltri_scan_onset(const ltri_scan_design *d, const ltri_scan *s);

/* The envelope rose over the on threshold at lane frame `from` and fell back under the
 * off threshold at t without being confirmed (a blip): the blocks since then (and the
 * one being summed) enter the windows at most at the background, so a blip is no
 * evidence of a burst, and the scan goes on at once instead of waiting its memory. */
void ltri_scan_forget(const ltri_scan_design *d, ltri_scan *s, ltri_lane_frame from,
                      ltri_lane_frame t);

/* The lane is no longer in a twitch or an artifact from lane frame t on. */
static inline void ltri_scan_free(ltri_scan *s, ltri_lane_frame t) { s->free_from = t; }

/* A twitch has ended: the reference segment restarts after it (its tail, and what
 * follows a twitch, is not the background before it). */
static inline void ltri_scan_restart(ltri_scan *s)
{
    s->ref_filled = s->ref_pos = 0;
    s->ref_sum = 0.0f;
}

#endif /* LTR_CORE_SCAN_H */
