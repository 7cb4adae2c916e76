/*
 * Adaptive noise floor of an envelope (libltr core). See noise.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>

#include "exp10.h"
#include "noise.h"
#include "timebase.h"

/* The floor learns from block means of the envelope, 4 ms long: far shorter than any
 * change of background it must follow, and it keeps the log and the threshold
 * update (a few exp10, exp10.h) off the per-sample path. */
#define BLOCK_S 0.004
/* Floor for log of an all-zero envelope (digital silence), dB. */
#define SILENCE_DB (-300.0f)
/* Deepest dip below the floor a block may show, dB: an energy that touches zero
 * (the smoother undershoots at low sample rates) would otherwise read as -inf. */
#define MAX_DIP_DB 30.0f
/* Constant false-alarm-rate control (assumptions): crossings of the on threshold faster
 * than once a second on average are taken as background (end-plate spikes come at
 * 5-50/s, Simons, Hong & Simons 2002; ECG at 1-1.7/s) and raise the on threshold;
 * LTR series are sparser (twitches fade within a few pistoning strokes, Hong 1994).
 * The rate is averaged over ~5 s; the extra threshold moves at 4 dB/s up, 0.5 dB/s
 * down, within 0..12 dB: no more than the on threshold's own rise again. In a needling
 * bout the strokes and the twitches they elicit come at 1-2/s and feed the loop
 * themselves; with 20 dB it lifted the on threshold 30-35 dB over a needle recording's
 * floor, above twitches 10-26 dB over the background (fresh needle_60hz_20k: 50 of 85
 * twitches missed). */
#define CFAR_RATE_HZ 1.0f
#define CFAR_TAU_S 5.0
#define CFAR_UP_DB_PER_S 4.0
#define CFAR_DOWN_DB_PER_S 0.5
#define CFAR_MAX_DB 12.0f
/* The on threshold is also never higher than UPPER_K mean rises above the median (the
 * mean rise of the blocks above their median, the upper half's own scale: 0.4 s for a
 * normal log-envelope of deviation s, so 7 of them are 2.8 s, its 99.7th percentile,
 * a fixed false-alarm level; on a normal background floor + 3 spreads, 2.5 s over the
 * median, is lower and stands). Only the upper tail makes false alarms; a background
 * of sparse spikes (needle EMG of a myopathy, emgdb) dips deep between them, which
 * widens the spread above the low floor (10 dB) without coming near the threshold:
 * there floor + 3 spreads sat 17-19 dB over the median, 8 dB over the background's
 * 99.9th percentile and above injected MEPs of +5-16 dB (5 of 23 found). Measured
 * (injected seeds 1-3 / 4-6, real emgdb myopathy at rest): 6.2 found 15 / 16 of 23 but
 * 3 false twitches at rest (6.5/min); 7: 10 / 15, 1 (2.2/min); 8: 6 / 13, 0. */
#define UPPER_K 7.0f
/* The median is followed by steps of this many dB per second up or down (a stochastic
 * approximation of the median: each block moves it a fixed step toward itself). */
#define MEDIAN_DB_PER_S 5.0
/* Warm-up blocks before the provisional on threshold (and the spread) mean something. */
#define WARM_SETTLE_BLOCKS 8
/* The warm-up is also cut into sub-windows of SUB_S, and the quietest whole one is kept
 * (the minimum of sub-window statistics, Martin 2001): a stream that starts on a burst
 * train (MEPs at 5/s, twitches, a contraction: bursts of 10-100 ms, Rossini et al.
 * 2015) leaves gaps of >= 100 ms, each of which holds a whole 50 ms sub-window. */
#define SUB_S 0.05
/* Spread assumed before any data: a typical value for smoothed EMG energy, dB. */
#define INITIAL_SPREAD_DB 2.0f
/* The spread follows the background over about this many seconds. */
#define SPREAD_TAU_S 2.0

void ltri_noise_design_init(ltri_noise_design *d, const ltr_config *cfg)
{
    d->cfar_alpha = 0.0f; /* set below, once the block length is known */
    const double fs = cfg->sample_rate_hz;
    const uint32_t block = (uint32_t)ltri_frames(BLOCK_S, fs, LTRI_ROUND_NEAREST, 1);
    const double block_s = block / fs;
    d->block = block;
    d->warmup_blocks = (uint32_t)ceil(cfg->warmup_ms / 1000.0 / block_s);
    if (d->warmup_blocks < 1)
        d->warmup_blocks = 1;
    d->rise_db = (float)(cfg->floor_rise_db_per_s * block_s);
    d->fall_db = (float)(cfg->floor_fall_db_per_s * block_s);
    d->spread_alpha = (float)(block_s / SPREAD_TAU_S);
    d->median_db = (float)(MEDIAN_DB_PER_S * block_s);
    d->on_db = (float)cfg->threshold_on_db;
    d->off_db = (float)cfg->threshold_off_db;
    d->spread_factor = (float)cfg->threshold_spread_factor;
    d->blocks_per_s = (float)(1.0 / block_s);
    d->cfar_alpha = (float)(block_s / CFAR_TAU_S);
    d->cfar_up_db = (float)(CFAR_UP_DB_PER_S * block_s);
    d->cfar_down_db = (float)(CFAR_DOWN_DB_PER_S * block_s);
    /* The warm-up's largest block is the level the background passes about once in the
     * warm-up (rate 1 / warm_s); the loop wants it passed at no more than half its rate:
     * for an exponential tail of scale s (the spread: mean rise above the floor) that is
     * s * ln(rate ratio) higher. Never below the peak itself. */
    const double warm_s = d->warmup_blocks * block_s;
    const double ratio = 1.0 / (warm_s * 0.5 * CFAR_RATE_HZ);
    d->warm_tail = ratio > 1.0 ? (float)log(ratio) : 0.0f;
    d->sub_blocks = (uint32_t)(SUB_S / block_s + 0.5);
}

void ltri_noise_reset(ltri_noise *n)
{
    n->sum = 0.0f;
    n->count = 0;
    n->frozen = 0;
    n->blocks = 0;
    n->floor_db = SILENCE_DB;
    n->spread_db = INITIAL_SPREAD_DB;
    n->median_db = SILENCE_DB;
    n->upper_db = INITIAL_SPREAD_DB;
    n->warm_rise = 0.0f;
    n->warm_peak = SILENCE_DB;
    n->warm_blips = n->warm_above = 0;
    n->sub_mean = n->sub_rise = n->best_rise = 0.0f;
    n->best_mean = INFINITY;
    n->loud_mean = -INFINITY;
    n->blip_rate = n->cfar_db = n->rate_weight = 0.0f;
    n->blips = 0;
    n->floor_lin = 0.0f;
    /* Until warm, nothing can cross the on threshold. */
    n->thr_on = INFINITY;
    n->thr_off = INFINITY;
    n->thr_quiet = 0.0f;
}

static float db_to_lin(float db) { return db <= SILENCE_DB ? 0.0f : ltri_exp10f(0.1f * db); }

/* On threshold over the floor without the CFAR's extra, dB. */
static float on_over_floor(const ltri_noise_design *d, float spread_db)
{
    const float k = d->spread_factor * spread_db;
    return d->on_db > k ? d->on_db : k;
}

/* ... and never higher than the upper half's fixed false-alarm level (UPPER_K). */
static float on_over(const ltri_noise_design *d, const ltri_noise *n)
{
    const float upper = n->median_db + UPPER_K * n->upper_db - n->floor_db;
    return ltri_maxf(ltri_minf(on_over_floor(d, n->spread_db), upper), d->on_db);
}

static void update_thresholds(const ltri_noise_design *d, ltri_noise *n)
{
    const float k = d->spread_factor * n->spread_db;
    const float on = on_over(d, n);
    const float off_k = 0.5f * k;
    const float off = d->off_db > off_k ? d->off_db : off_k;
    /* Onset back-search level: the envelope is "quiet" within two spreads of the floor,
     * about one deviation above the background median: low enough to sit at the foot of
     * a twitch's rise, high enough that background ripple does not pull onsets early. */
    const float quiet = n->spread_db * 2.0f > 1.0f ? n->spread_db * 2.0f : 1.0f;
    n->floor_lin = db_to_lin(n->floor_db);
    n->thr_on = db_to_lin(n->floor_db + on + n->cfar_db);
    n->thr_off = db_to_lin(n->floor_db + (off < on ? off : on));
    n->thr_quiet = db_to_lin(n->floor_db + (quiet < off ? quiet : off));
}

/* Only rises above the floor count in the spread: they are what could cross the
 * threshold. Dips are harmless, and in dB they are huge (an energy near zero is
 * -30 dB), so counting them would inflate the spread at low sample rates. */
static float rise_above(float v, float floor_db) { return v > floor_db ? v - floor_db : 0.0f; }

/* The warm-up crossed its own on threshold: a spiky background (end-plate spikes), which
 * the CFAR loop would otherwise learn from false twitches in the first seconds (half of
 * a needle recording's false twitches were in its first 4 s). Start the loop where the
 * warm-up says it would go (cf. order-statistic CFAR, Rohling 1983: the threshold from a
 * high-ranked sample of the reference cells, here the warm-up's largest block, carried
 * out to the loop's rate along the tail, see warm_tail), and count the warm-up's
 * crossings in its rate, as if they had been blips: the loop then moves as it would
 * have, without the false twitches. A warm-up with no crossing leaves the loop as it
 * was (a MEP recording's rough pre-stimulus rest must not start with a higher one). A
 * warm-up that held a burst (burst: learn_block) counts its crossings, as later bursts
 * will count, but its peak was the burst's, not the background's tail: the loop starts
 * at 0 dB. */
static void start_cfar(const ltri_noise_design *d, ltri_noise *n, int burst)
{
    const float above = n->warm_peak + d->warm_tail * n->spread_db -
                        (n->floor_db + on_over(d, n));
    n->cfar_db = burst ? 0.0f : ltri_minf(ltri_maxf(above, 0.0f), CFAR_MAX_DB);
    /* blip_rate / rate_weight is the mean rate so far: the warm-up's crossings over its length */
    n->blip_rate = n->rate_weight * (float)n->warm_blips * d->blocks_per_s / (float)d->warmup_blocks;
}

/* One warm-up block into the current sub-window's running mean and mean rise; a whole
 * sub-window quieter than any before is kept (best_mean, best_rise). */
static void sub_window_step(const ltri_noise_design *d, ltri_noise *n, float v)
{
    const uint32_t k = n->blocks % d->sub_blocks;
    if (k == 0) {
        n->sub_mean = v;
        n->sub_rise = 0.0f;
    } else {
        const float w = 1.0f / (float)(k + 1);
        n->sub_mean += w * (v - n->sub_mean);
        n->sub_rise += w * (rise_above(v, n->sub_mean) - n->sub_rise);
    }
    if (k + 1 == d->sub_blocks && n->sub_mean > n->loud_mean)
        n->loud_mean = n->sub_mean;
    if (k + 1 == d->sub_blocks && n->sub_mean < n->best_mean) {
        n->best_mean = n->sub_mean;
        n->best_rise = n->sub_rise;
    }
}

static void learn_block(const ltri_noise_design *d, ltri_noise *n, float v)
{
    if (n->blocks < d->warmup_blocks) {
        /* Warm-up: running mean and mean rise above it (w_rise), then start the tracker
         * a little below the mean, near the low quantile it settles on. For a normal
         * log-envelope of deviation s the mean rise is 0.4 s while the steady spread
         * (mean rise above the ~13th percentile) is about 1.2 s: hence the factor 3. */
        if (n->blocks == 0) {
            n->floor_db = v;
            n->warm_rise = 0.0f;
        } else {
            const float w = 1.0f / (float)(n->blocks + 1);
            n->floor_db += w * (v - n->floor_db);
            n->warm_rise += w * (rise_above(v, n->floor_db) - n->warm_rise);
        }
        n->spread_db = n->blocks < WARM_SETTLE_BLOCKS ? INITIAL_SPREAD_DB : 3.0f * n->warm_rise;
        if (v > n->warm_peak)
            n->warm_peak = v;
        if (n->blocks >= WARM_SETTLE_BLOCKS) {
            /* crossings of the on threshold the warm-up would end on, as it stands now */
            const float on = n->floor_db - 2.0f * n->warm_rise + on_over_floor(d, n->spread_db);
            const uint32_t above = v > on;
            n->warm_blips += above && !n->warm_above;
            n->warm_above = above;
        }
        sub_window_step(d, n, v);
        n->blocks++;
        n->median_db = n->floor_db;
        n->upper_db = n->blocks < WARM_SETTLE_BLOCKS ? INITIAL_SPREAD_DB : n->warm_rise;
        if (n->blocks == d->warmup_blocks) {
            /* The warm-up crossed its own on threshold, and a whole sub-window of it
             * stood more than the on threshold over its quietest: activity of 50 ms or
             * more, not the background's spikes (1-5 ms; the sub-windows of a spiky
             * needle background span 3-6 dB, of MEPs back to back 17-25 dB). The
             * background is the quiet sub-window. */
            const int burst = n->warm_blips > 0 && n->loud_mean - n->best_mean > d->on_db;
            if (burst) {
                n->floor_db = n->median_db = n->best_mean;
                n->warm_rise = n->upper_db = n->best_rise;
                n->spread_db = 3.0f * n->best_rise;
            }
            n->floor_db -= n->warm_rise * 2.0f;
            if (n->warm_blips > 0)
                start_cfar(d, n, burst);
        }
        update_thresholds(d, n);
        return;
    }
    /* Asymmetric quantile tracking (cf. minimum statistics, Martin 2001): the floor
     * settles where P(v > floor) = fall / (rise + fall). */
    if (v > n->floor_db)
        n->floor_db += d->rise_db;
    else
        n->floor_db -= d->fall_db;
    n->spread_db += d->spread_alpha * (rise_above(v, n->floor_db) - n->spread_db);
    n->median_db += v > n->median_db ? d->median_db : -d->median_db;
    n->upper_db += d->spread_alpha * (rise_above(v, n->median_db) - n->upper_db);
    n->blocks++;
    update_thresholds(d, n);
}

void ltri_noise_block(const ltri_noise_design *d, ltri_noise *n)
{
    const float mean = n->sum / (float)n->count;
    const int frozen = n->frozen != 0;
    /* Constant false-alarm rate: the background's own blips (crossings of the on
     * threshold) are counted; when they come faster than any twitch series would
     * (end-plate spikes at a trigger point, ECG, pistoning), the on threshold rises
     * until they are rare again, and falls back when they are. */
    n->blip_rate += d->cfar_alpha * ((float)n->blips * d->blocks_per_s - n->blip_rate);
    n->blips = 0;
    /* An average started at zero reads low until it has seen ~5 s: divided by the weight
     * it has gathered it is the mean rate so far (bias correction, as Adam's moments,
     * Kingma & Ba 2015), so a spiky background raises the threshold from its first
     * seconds on, not after them. */
    n->rate_weight += d->cfar_alpha * (1.0f - n->rate_weight);
    const float rate = n->blip_rate / n->rate_weight;
    if (rate > CFAR_RATE_HZ)
        n->cfar_db = ltri_minf(n->cfar_db + d->cfar_up_db, CFAR_MAX_DB);
    else if (rate < 0.5f * CFAR_RATE_HZ)
        n->cfar_db = ltri_maxf(n->cfar_db - d->cfar_down_db, 0.0f);
    n->sum = 0.0f;
    n->count = 0;
    n->frozen = 0;
    if (frozen)
        return;
    if (!(mean > 1e-30f)) {
        if (n->blocks == 0)
            return; /* nothing to start from */
        learn_block(d, n, n->floor_db - MAX_DIP_DB);
        return;
    }
    /* single precision: one log10 per 4 ms block (exp10.h), never a double or libm call
     * on the sample path */
    float v = 10.0f * ltri_log10f(mean);
    if (n->blocks > 0 && v < n->floor_db - MAX_DIP_DB)
        v = n->floor_db - MAX_DIP_DB;
    learn_block(d, n, v);
}
