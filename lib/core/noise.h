/*
 * Adaptive noise floor of an envelope (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The floor is tracked in dB on 4 ms block means of the envelope: a slow,
 * asymmetric quantile tracker (rises slowly, falls faster) so it settles on a
 * low percentile of the background and is never dragged up by twitches, which
 * the caller hides from it (frozen blocks). The spread of the background
 * (mean rise of the log envelope above the floor, dB) makes the thresholds adapt to
 * how rough the envelope is, which differs between surface EMG, needle EMG and
 * accelerometers.
 */
#ifndef LTR_CORE_NOISE_H
#define LTR_CORE_NOISE_H

#include <stdint.h>

#include "ltr/ltr.h"

typedef struct ltri_noise_design {
    uint32_t block;          /* frames per update (about 4 ms) */
    uint32_t warmup_blocks;  /* blocks of plain averaging before tracking */
    float rise_db;           /* floor rise per block, dB */
    float fall_db;           /* floor fall per block, dB */
    float spread_alpha;      /* smoothing of the spread estimate per block */
    float median_db;         /* the median tracker's step per block, dB */
    float on_db, off_db, spread_factor;
    float blocks_per_s;      /* for the blip rate */
    float cfar_alpha;        /* per-block smoothing of the blip rate */
    float cfar_up_db, cfar_down_db; /* extra-threshold steps per block */
    float warm_tail;         /* spreads from the warm-up's peak out to half the CFAR rate */
    uint32_t sub_blocks;     /* warm-up sub-window, blocks (noise.c, SUB_S) */
} ltri_noise_design;

typedef struct ltri_noise {
    float sum;               /* envelope sum over the current block (<= 200 frames at 50 kHz) */
    uint32_t count;          /* frames in the current block */
    uint32_t frozen;         /* nonzero: current block is discarded */
    uint32_t blocks;         /* blocks learned since reset */
    float floor_db, spread_db;
    float median_db;         /* the background's median block, dB (quantile tracker) */
    float upper_db;          /* mean rise of the blocks above that median, dB */
    float warm_rise;         /* warm-up: mean rise above the running mean, dB */
    float warm_peak;         /* warm-up: largest block, dB */
    uint32_t warm_blips;     /* warm-up: crossings of the provisional on threshold */
    uint32_t warm_above;     /* warm-up: the last block was above it */
    float sub_mean, sub_rise;   /* warm-up: the current sub-window's mean and mean rise, dB */
    float best_mean, best_rise; /* ... and those of its quietest whole sub-window so far */
    float loud_mean;            /* ... and the mean of its loudest one, dB */
    float blip_rate;         /* crossings of the on threshold per second (smoothed) */
    float rate_weight;       /* the smoothing's weight so far: blip_rate / rate_weight is unbiased */
    float cfar_db;           /* extra on threshold that keeps the blip rate down, dB */
    uint32_t blips;          /* crossings in the current block (ltri_noise_count_blip) */
    float floor_lin;         /* linear thresholds, updated each block */
    float thr_on, thr_off, thr_quiet;
} ltri_noise;

void ltri_noise_design_init(ltri_noise_design *d, const ltr_config *cfg);
void ltri_noise_reset(ltri_noise *n);
/* Add one envelope sample; freeze = do not learn from the block it falls in. */
void ltri_noise_block(const ltri_noise_design *d, ltri_noise *n);
/* Inline: a sum a frame, the block's work (ltri_noise_block) once a block. [RT] */
static inline void ltri_noise_push(const ltri_noise_design *d, ltri_noise *n, float env, int freeze)
{
    n->sum += env;
    n->frozen |= (uint32_t)(freeze != 0);
    if (++n->count >= d->block)
        ltri_noise_block(d, n);
}
/* The envelope crossed the on threshold (the lane says so): the constant-false-alarm-
 * rate loop counts these. */
static inline void ltri_noise_count_blip(ltri_noise *n) { n->blips++; }

/* A crossing counted by ltri_noise_count_blip turned out to be no false alarm the loop
 * must hold down: a caller's test recognised it (lane.c, MU_RISE_DB) and it is not
 * reported. Its share of the blip rate is taken back. */
static inline void ltri_noise_uncount_blip(const ltri_noise_design *d, ltri_noise *n)
{
    if (n->blips) {
        n->blips--;
        return;
    }
    n->blip_rate -= d->cfar_alpha * d->blocks_per_s;
    if (n->blip_rate < 0.0f)
        n->blip_rate = 0.0f;
}

/* Nonzero once the warm-up is over and thresholds mean something. */
static inline int ltri_noise_ready(const ltri_noise_design *d, const ltri_noise *n)
{
    return n->blocks >= d->warmup_blocks;
}

#endif /* LTR_CORE_NOISE_H */
