/*
 * Multi-scale energy scan of a surface EMG lane (libltr core). See scan.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>

#include "exp10.h"
#include "scan.h"

/* Background: ~2 s of blocks (as the noise floor's spread); blocks capped at 4x it, so a
 * missed burst drags it up by little; window entries capped at 8x (assumptions). */
#define BG_TAU_S 2.0
#define BG_CAP 4.0f
#define RING_CAP 8.0f
#define LEARN_S 2.0
/* Blocks of the reference segment before the scan tests (again, after a twitch): 128 ms,
 * as long as its longest window. */
#define REF_MIN 32u
/* After a twitch or an artifact the envelope's tail and the filters' ringing are no
 * background: the scan waits this long (its longest window) before beginning one. */
#define MEMORY_S 0.128
/* 99.5th percentile tracker: up 0.1 dB per block above it, down 0.1/199 below
 * (P(r > q) = down / (up + down) = 0.5 %); started at mean + 3.2 mean absolute
 * deviations (2.56 standard deviations of a normal: its 99.5th percentile). */
#define Q_UP_DB 0.1f
#define Q_SHARE 0.005
#define Q_START_MAD 3.2f
#define MARGIN_DB 2.0f
#define MIN_DB 3.0f
#define PERSIST 2u
/* A heavy-tailed background: its 128 ms window's 99.5th percentile this far over it. */
#define GATE_DB 3.0f
/* Hold: the 16 ms window over the background's mean + 2 mean absolute deviations. */
#define HOLD_MAD 2.0f
/* Constant false-alarm rate of the scan's rises: 0.4/s averaged over ~5 s; the margin
 * moves 4 dB/s up, 0.5 dB/s down, 0..12 dB (as noise.c's loop, for a rarer event). */
#define CFAR_RATE_HZ 0.4f
#define CFAR_TAU_S 5.0
#define CFAR_UP_DB_PER_S 4.0
#define CFAR_DOWN_DB_PER_S 0.5
#define CFAR_MAX_DB 12.0f

static float lin(float db) { return ltri_exp10f(0.1f * db); }

void ltri_scan_design_init(ltri_scan_design *d, const ltr_config *cfg, ltr_sensor sensor,
                           uint32_t block)
{
    const double fs = cfg->sample_rate_hz;
    const double block_s = block / fs;
    d->enabled = ltri_scan_wanted(cfg, sensor);
    d->block = block;
    d->learn_blocks = (uint32_t)ceil(LEARN_S / block_s);
    d->memory = (uint32_t)ltri_frames(MEMORY_S, fs, LTRI_ROUND_UP, 1);
    d->bg_alpha = (float)(block_s / BG_TAU_S);
    const float q_down_db = (float)(Q_UP_DB * Q_SHARE / (1.0 - Q_SHARE));
    d->q_up_f = (float)pow(10.0, 0.1 * Q_UP_DB);
    d->q_down_f = (float)pow(10.0, -0.1 * q_down_db);
    d->blocks_per_s = (float)(1.0 / block_s);
    d->gate = (float)pow(10.0, 0.1 * GATE_DB);
    d->min_ratio = (float)pow(10.0, 0.1 * MIN_DB);
    d->cfar_alpha = (float)(block_s / CFAR_TAU_S);
    d->cfar_up = (float)(CFAR_UP_DB_PER_S * block_s);
    d->cfar_down = (float)(CFAR_DOWN_DB_PER_S * block_s);
}

void ltri_scan_reset(ltri_scan *s) { *s = (ltri_scan){0}; }

/* The windows' sums (the ring's newest 4, 8, 16, 32 blocks) in one pass. */
static void window_sums(const ltri_scan *s, float *sum)
{
    float acc = 0.0f;
    unsigned k = 0;
    for (uint32_t i = 1; i <= LTRI_SCAN_RING; i++) {
        acc += s->ring[(s->pos - i) & (LTRI_SCAN_RING - 1u)];
        if (i == 4u << k)
            sum[k++] = acc;
    }
}

/* The level the windows are tested against: the reference segment's mean (once it has
 * REF_MIN blocks) or the background average, whichever is higher. */
static float local_level(const ltri_scan *s)
{
    if (s->ref_filled < REF_MIN || !(s->ref_sum > 0.0f))
        return s->bg;
    return fmaxf(s->ref_sum / (float)s->ref_filled, s->bg);
}

/* Maximum-likelihood change time: the number of newest blocks j that best fit a new
 * level P_j against the level L the windows are tested against, for exponentially
 * distributed block energies: log-likelihood ratio j (P/L - 1 - ln(P/L)). */
static uint32_t change_blocks(const ltri_scan *s, uint32_t span)
{
    float sum = 0.0f, best = 0.0f;
    uint32_t best_j = 1;
    const float level = local_level(s);
    for (uint32_t j = 1; j <= span && j <= s->filled; j++) {
        sum += s->ring[(s->pos - j) & (LTRI_SCAN_RING - 1u)];
        const float ratio = sum / ((float)j * level);
        if (ratio <= 1.0f)
            continue;
        const float llr = (float)j * (ratio - 1.0f - logf(ratio));
        if (llr > best) {
            best = llr;
            best_j = j;
        }
    }
    return best_j;
}

/* ratio: each window's energy over the background; r0: window 0's, dB. During the
 * learning period every window's mean and mean absolute deviation in dB start its
 * quantile tracker; after it the trackers run on the linear ratios (a step of Q_UP_DB is
 * a factor: no logarithm a window and block) and only window 0's mean and deviation are
 * kept (the hold). */
static void learn(const ltri_scan_design *d, ltri_scan *s, const float *ratio, float r0)
{
    if (s->blocks < d->learn_blocks) {
        const float w = 1.0f / (float)(s->blocks + 1);
        for (unsigned k = 0; k < LTRI_SCAN_WINDOWS; k++) {
            const float r = k ? 10.0f * log10f(ratio[k] + 1e-30f) : r0;
            s->mu[k] += w * (r - s->mu[k]);
            s->mad[k] += w * (fabsf(r - s->mu[k]) - s->mad[k]);
            if (s->blocks + 1 == d->learn_blocks)
                s->q[k] = lin(s->mu[k] + Q_START_MAD * s->mad[k]);
        }
    } else {
        for (unsigned k = 0; k < LTRI_SCAN_WINDOWS; k++)
            s->q[k] *= ratio[k] > s->q[k] ? d->q_up_f : d->q_down_f;
        s->mu[0] += d->bg_alpha * (r0 - s->mu[0]);
        s->mad[0] += d->bg_alpha * (fabsf(r0 - s->mu[0]) - s->mad[0]);
    }
    s->blocks++;
}

ltri_lane_frame ltri_scan_onset(const ltri_scan_design *d, const ltri_scan *s)
{
    /* the change is sought within twice the shortest window that saw it: a burst is not
     * dated back to an unrelated transient further back in the ring */
    const ltri_lane_frame back = (ltri_lane_frame)change_blocks(s, 2u * s->shortest) * d->block;
    const ltri_lane_frame onset = s->at + 1 > back ? s->at + 1 - back : 0;
    return onset > s->free_from ? onset : s->free_from;
}

void ltri_scan_block(const ltri_scan_design *d, ltri_scan *s, ltri_lane_frame t)
{
    const float m = s->sum / (float)s->count;
    const int learns = !s->frozen, hushed = s->hushed;
    s->sum = 0.0f;
    s->count = 0;
    s->frozen = s->hushed = 0;
    if (learns) {
        if (s->bg <= 0.0f)
            s->bg = m;
        const float a = s->blocks < d->learn_blocks ? 1.0f / (float)(s->blocks + 1) : d->bg_alpha;
        s->bg += a * (fminf(m, BG_CAP * s->bg) - s->bg);
    }
    /* the windows' sums follow the ring (what enters minus what leaves), recomputed
     * exactly once per turn of it so that rounding cannot pile up */
    const float v = s->bg > 0.0f ? fminf(m, RING_CAP * s->bg) : m;
    /* the block about to leave the ring joins the reference segment if it and every
     * block since were background; its sum is recomputed once per turn */
    s->idle_run = learns ? (s->idle_run < 255u ? s->idle_run + 1u : 255u) : 0u;
    if (s->filled == LTRI_SCAN_RING && s->idle_run > LTRI_SCAN_RING) {
        const float old = s->ring[s->pos];
        s->ref_sum += old - (s->ref_filled == LTRI_SCAN_REF ? s->ref[s->ref_pos] : 0.0f);
        s->ref[s->ref_pos] = old;
        s->ref_pos = (s->ref_pos + 1) & (LTRI_SCAN_REF - 1u);
        if (s->ref_filled < LTRI_SCAN_REF)
            s->ref_filled++;
        if (s->ref_pos == 0) {
            float acc = 0.0f;
            for (uint32_t i = 0; i < LTRI_SCAN_REF; i++)
                acc += s->ref[i];
            s->ref_sum = acc;
        }
    }
    for (unsigned k = 0; k < LTRI_SCAN_WINDOWS; k++)
        s->wsum[k] += v - s->ring[(s->pos - (4u << k)) & (LTRI_SCAN_RING - 1u)];
    s->ring[s->pos] = v;
    s->pos = (s->pos + 1) & (LTRI_SCAN_RING - 1u);
    if (s->pos == 0)
        window_sums(s, s->wsum);
    if (s->filled < LTRI_SCAN_RING)
        s->filled++;
    s->on = s->hold = 0;
    if (!(s->bg > 1e-30f) || s->filled < LTRI_SCAN_RING)
        return;
    float ratio[LTRI_SCAN_WINDOWS];
    const float level = local_level(s);
    for (unsigned k = 0; k < LTRI_SCAN_WINDOWS; k++)
        ratio[k] = s->wsum[k] / ((float)(4u << k) * level);
    const float r0 = 10.0f * log10f(ratio[0] + 1e-30f);
    if (learns)
        learn(d, s, ratio, r0);
    /* the rate loop counts the background's own rises only */
    s->rate += d->cfar_alpha * ((float)s->rises * d->blocks_per_s - s->rate);
    s->rises = 0;
    const float cfar_was = s->cfar_db;
    if (s->rate > CFAR_RATE_HZ)
        s->cfar_db = fminf(s->cfar_db + d->cfar_up, CFAR_MAX_DB);
    else if (s->rate < 0.5f * CFAR_RATE_HZ)
        s->cfar_db = fmaxf(s->cfar_db - d->cfar_down, 0.0f);
    if (s->cfar_db != cfar_was || s->margin == 0.0f)
        s->margin = lin(MARGIN_DB + s->cfar_db);
    if (s->blocks < d->learn_blocks || s->q[LTRI_SCAN_WINDOWS - 1] >= d->gate ||
        s->ref_filled < REF_MIN) {
        s->was_on = 0;
        return;
    }
    uint32_t shortest = 0; /* blocks of the shortest window that is on */
    for (unsigned k = LTRI_SCAN_WINDOWS; k-- > 0;)
        if (ratio[k] > fmaxf(s->q[k] * s->margin, d->min_ratio))
            shortest = 4u << k;
    /* on for PERSIST verdicts in a row: a transient's tail (a stimulus artifact) lifts
     * a window briefly, a burst keeps it up */
    if (hushed)
        shortest = 0;
    s->run = shortest ? (s->run < 255u ? s->run + 1u : 255u) : 0u;
    s->on = s->run >= PERSIST;
    s->hold = r0 > s->mu[0] + HOLD_MAD * s->mad[0];
    if (s->on && !s->was_on && learns)
        s->rises++;
    s->was_on = s->on;
    s->shortest = (uint8_t)shortest;
    s->at = t;
}
