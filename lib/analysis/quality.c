/*
 * A signal-quality index per channel and per window (a minute by default),
 * from the window's Welch spectrum and a few counts over its samples. Each
 * impairment gives a score in 0..1; the index is their product, so one bad
 * property is enough to mark a channel, and each flagged property comes
 * with a sentence a clinician can act on.
 *
 * No standard defines an EMG quality index; the properties are those the
 * surface-EMG literature names as the usual faults (De Luca et al. 2010:
 * baseline noise, movement artifact below 20 Hz, mains; Merletti & Parker
 * 2004 ch. 4: clipping, lost contact), the thresholds are this project's
 * choices, stated once below.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr_analysis.h"

#define LOW_HZ 20.0            /* movement artifact lies below 20 Hz (De Luca et al. 2010) */
#define SUB_S 0.1              /* 100 ms RMS blocks, as ltr info's noise floor */
#define FLOOR_PERCENTILE 0.10  /* the quietest tenth is background, as ltr info */
#define FLAT_S 0.05            /* 50 ms of identical samples: no amplifier noise is that quiet */
#define HIGHPASS_HZ 10.0       /* offset and drift off the floor estimate, as ltr info */
#define WARN_MAINS 0.30
#define WARN_LOW 0.50
#define WARN_CLIPPED 0.001
#define WARN_FLAT 0.01
#define WARN_SNR_DB 6.0        /* the detector's own threshold_off_db default */
#define SNR_GOOD_DB 12.0       /* twitches this far over the floor score 1 */
#define CLIP_ZERO 0.01         /* 1 % clipped scores 0 */
#define HIST_MIN_DB (-300.0)
#define HIST_STEP_DB 0.25
#define HIST_BINS 2400

typedef struct chan {
    ltr_quality_channel cfg;
    ltr_welch *welch;
    double *total_psd;          /* sum over closed windows of psd * segments */
    uint64_t total_segments;
    /* the current window */
    uint64_t n, clipped, flat, nonfinite;
    double shift, sum, sum2;    /* shifted sums: rms without cancellation */
    double extreme_min, extreme_max;
    uint64_t at_min, at_max;
    float last;
    uint64_t run;
    double hp_x, hp_y, sub_sum;
    unsigned sub_pos, n_sub;
    float *sub_rms;             /* 100 ms RMS values of the window */
    unsigned twitches;
    double twitch_rms_sum;
    /* the recording */
    uint64_t tot_n, tot_clipped, tot_flat, tot_nonfinite;
    double tot_power;           /* sum of rms^2 * n */
    unsigned tot_twitches;
    double tot_twitch_rms_sum;
    double mains_min, mains_max;
    uint32_t hist[HIST_BINS];
    uint64_t hist_n;
    ltr_quality_row row, summary;
} chan;

struct ltr_quality {
    double rate, mains_hz;
    unsigned n_channels;
    uint64_t window_len, pos, first_frame;
    unsigned sub_len, flat_len, max_sub, bins;
    double bin_hz, hp_a;
    int ready;
    double *psd;
    float *scratch;
    chan ch[];
};

static const double pi = 3.14159265358979323846;

void ltr_quality_destroy(ltr_quality *q)
{
    if (!q)
        return;
    for (unsigned c = 0; c < q->n_channels; c++) {
        ltr_welch_destroy(q->ch[c].welch);
        free(q->ch[c].total_psd);
        free(q->ch[c].sub_rms);
    }
    free(q->psd);
    free(q->scratch);
    free(q);
}

static void window_clear(chan *c)
{
    ltr_welch_reset(c->welch);
    c->n = c->clipped = c->flat = c->nonfinite = 0;
    c->sum = c->sum2 = 0;
    c->extreme_min = INFINITY;
    c->extreme_max = -INFINITY;
    c->at_min = c->at_max = 0;
    c->n_sub = 0;
    c->twitches = 0;
    c->twitch_rms_sum = 0;
}

ltr_status ltr_quality_create(ltr_quality **out, double rate, unsigned n_channels,
                              const ltr_quality_channel *channels, double window_s,
                              double mains_hz)
{
    if (!out)
        return LTR_ERR_NULL;
    *out = NULL;
    if (!(rate >= 20) || !isfinite(rate) || n_channels == 0 || n_channels > LTR_MAX_CHANNELS ||
        !(window_s >= 1.0) || !isfinite(window_s) ||
        (mains_hz != 0 && mains_hz != 50 && mains_hz != 60))
        return LTR_ERR_ARGUMENT;
    ltr_quality *q = calloc(1, sizeof *q + n_channels * sizeof(chan));
    if (!q)
        return LTR_ERR_MEMORY;
    q->rate = rate;
    q->mains_hz = mains_hz;
    q->n_channels = n_channels;
    q->window_len = (uint64_t)llround(window_s * rate);
    q->sub_len = (unsigned)lround(SUB_S * rate);
    q->flat_len = (unsigned)lround(FLAT_S * rate);
    q->max_sub = (unsigned)(q->window_len / q->sub_len + 1);
    q->hp_a = 1.0 / (1.0 + 2.0 * pi * HIGHPASS_HZ / rate); /* one-pole RC high-pass */
    unsigned nperseg = ltr_welch_default_nperseg(rate);
    q->scratch = malloc(sizeof(float) * q->max_sub);
    ltr_status st = q->scratch ? LTR_OK : LTR_ERR_MEMORY;
    for (unsigned c = 0; c < n_channels && st == LTR_OK; c++) {
        chan *h = &q->ch[c];
        if (channels)
            h->cfg = channels[c];
        else
            h->cfg.is_emg = 1;
        st = ltr_welch_create(&h->welch, rate, nperseg, nperseg / 2);
        if (st != LTR_OK)
            break;
        q->bins = ltr_welch_bins(h->welch);
        q->bin_hz = ltr_welch_bin_hz(h->welch);
        h->total_psd = calloc(q->bins, sizeof(double));
        h->sub_rms = malloc(sizeof(float) * q->max_sub);
        if (!h->total_psd || !h->sub_rms)
            st = LTR_ERR_MEMORY;
        h->last = NAN; /* the first sample starts a run */
        h->mains_min = INFINITY;
        h->mains_max = -INFINITY;
        window_clear(h);
    }
    if (st == LTR_OK && !(q->psd = malloc(sizeof(double) * q->bins)))
        st = LTR_ERR_MEMORY;
    if (st != LTR_OK) {
        ltr_quality_destroy(q);
        return st;
    }
    *out = q;
    return LTR_OK;
}

static void push_sample(ltr_quality *q, chan *c, float xf)
{
    double x = xf;
    c->n++;
    if (!isfinite(x)) {
        c->nonfinite++;
        c->run = 0;
        return;
    }
    if (c->n - c->nonfinite == 1)
        c->shift = x;
    double d = x - c->shift;
    c->sum += d;
    c->sum2 += d * d;
    if (c->cfg.has_range) {
        /* 2e-5 of the range covers the last step of 16-bit PCM (as ltr info). */
        double tol = 2e-5 * (c->cfg.range_max - c->cfg.range_min);
        if (x >= c->cfg.range_max - tol || x <= c->cfg.range_min + tol)
            c->clipped++;
    } else {
        if (x < c->extreme_min) {
            c->extreme_min = x;
            c->at_min = 0;
        }
        if (x > c->extreme_max) {
            c->extreme_max = x;
            c->at_max = 0;
        }
        c->at_min += x == c->extreme_min;
        c->at_max += x == c->extreme_max;
    }
    /* Runs of identical samples: a run reaching flat_len counts whole, then each sample. */
    c->run = xf == c->last ? c->run + 1 : 1;
    c->last = xf;
    if (c->run == q->flat_len)
        c->flat += q->flat_len;
    else if (c->run > q->flat_len)
        c->flat++;
    double y = q->hp_a * (c->hp_y + x - c->hp_x);
    c->hp_x = x;
    c->hp_y = y;
    c->sub_sum += y * y;
    if (++c->sub_pos == q->sub_len) {
        double r = sqrt(c->sub_sum / q->sub_len);
        if (c->n_sub < q->max_sub)
            c->sub_rms[c->n_sub++] = (float)r;
        double db = r > 0 ? 20.0 * log10(r) : HIST_MIN_DB;
        long bin = lround((db - HIST_MIN_DB) / HIST_STEP_DB);
        c->hist[bin < 0 ? 0 : bin >= HIST_BINS ? HIST_BINS - 1 : bin]++;
        c->hist_n++;
        c->sub_sum = 0;
        c->sub_pos = 0;
    }
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Scores and warnings of a row whose measurements are filled in. */
static void score(ltr_quality_row *r, int is_emg)
{
    r->warnings = 0;
    if (r->line_fraction > WARN_MAINS)
        r->warnings |= LTR_QUALITY_MAINS;
    if (is_emg && r->low_fraction > WARN_LOW)
        r->warnings |= LTR_QUALITY_LOW_FREQ;
    if (r->clipped_fraction > WARN_CLIPPED)
        r->warnings |= LTR_QUALITY_CLIPPED;
    if (r->flat_fraction > WARN_FLAT)
        r->warnings |= LTR_QUALITY_FLAT;
    if (r->nonfinite_fraction > 0)
        r->warnings |= LTR_QUALITY_NONFINITE;
    if (r->twitches > 0 && !(r->twitch_snr_db >= WARN_SNR_DB))
        r->warnings |= LTR_QUALITY_LOW_SNR;
    if (!(r->rms > 0))
        r->warnings |= LTR_QUALITY_SILENT;
    double s = (1.0 - r->line_fraction) * (is_emg ? 1.0 - r->low_fraction : 1.0);
    double clip = 1.0 - r->clipped_fraction / CLIP_ZERO;
    s *= clip > 0 ? clip : 0.0;
    s *= 1.0 - r->flat_fraction;
    s *= 1.0 - r->nonfinite_fraction;
    if (r->twitches > 0) {
        double t = r->twitch_snr_db / SNR_GOOD_DB;
        s *= !(t > 0) ? 0.0 : t > 1 ? 1.0 : t;
    }
    if (r->warnings & LTR_QUALITY_SILENT)
        s = 0.0;
    r->index = s < 0 ? 0 : s > 1 ? 1 : s;
}

/* Spectral measurements of a PSD into a row. */
static void spectral(const ltr_quality *q, const double *psd, int is_emg, ltr_quality_row *r)
{
    ltr_mains_estimate m;
    r->mains_hz = 0;
    r->line_fraction = 0;
    if (ltr_psd_mains(psd, q->bins, q->bin_hz, q->mains_hz, &m) == LTR_OK) {
        r->mains_hz = m.frequency_hz;
        r->line_fraction = m.line_fraction;
    }
    double total = 0, low = 0;
    for (unsigned k = 1; k < q->bins; k++) {
        total += psd[k];
        if (k * q->bin_hz < LOW_HZ)
            low += psd[k];
    }
    r->low_fraction = is_emg && total > 0 ? low / total : 0;
}

static double frac(uint64_t a, uint64_t n)
{
    return n ? (double)(a > n ? n : a) / (double)n : 0.0;
}

static uint64_t clipped_count(const chan *c, uint64_t clipped, uint64_t at_min, uint64_t at_max)
{
    if (c->cfg.has_range)
        return clipped;
    /* No known range: runs at the extremes mean saturation; a few equal
     * extremes happen by chance in quantised data (as ltr info). */
    return (at_min >= 3 ? at_min : 0) + (at_max >= 3 ? at_max : 0);
}

static double snr_db(double twitch_rms_sum, unsigned twitches, double floor_rms)
{
    if (twitches == 0)
        return NAN;
    double t = twitch_rms_sum / twitches;
    return floor_rms > 0 && t > 0 ? 20.0 * log10(t / floor_rms) : t > 0 ? INFINITY : -INFINITY;
}

static void window_rows(ltr_quality *q)
{
    for (unsigned i = 0; i < q->n_channels; i++) {
        chan *c = &q->ch[i];
        ltr_quality_row *r = &c->row;
        memset(r, 0, sizeof *r);
        r->first_frame = q->first_frame;
        r->n_frames = q->pos;
        uint64_t finite = c->n - c->nonfinite;
        double mean = finite ? c->sum / (double)finite : 0.0;
        double var = finite ? c->sum2 / (double)finite - mean * mean : 0.0;
        r->rms = var > 0 ? sqrt(var) : 0.0;
        r->floor_rms = NAN;
        if (c->n_sub > 0) {
            memcpy(q->scratch, c->sub_rms, sizeof(float) * c->n_sub);
            qsort(q->scratch, c->n_sub, sizeof(float), cmp_float);
            unsigned k = (unsigned)ceil(FLOOR_PERCENTILE * c->n_sub);
            r->floor_rms = q->scratch[k > 0 ? k - 1 : 0];
        }
        if (ltr_welch_psd(c->welch, q->psd) == LTR_OK)
            spectral(q, q->psd, c->cfg.is_emg, r);
        r->mains_drift_hz = 0;
        r->clipped_fraction = frac(clipped_count(c, c->clipped, c->at_min, c->at_max), finite);
        r->flat_fraction = frac(c->flat, c->n);
        r->nonfinite_fraction = frac(c->nonfinite, c->n);
        r->twitches = c->twitches;
        r->twitch_snr_db = snr_db(c->twitch_rms_sum, c->twitches, r->floor_rms);
        score(r, c->cfg.is_emg);
    }
}

size_t ltr_quality_push(ltr_quality *q, const float *frames, size_t n)
{
    if (!q || !frames || q->ready)
        return 0;
    uint64_t room = q->window_len - q->pos;
    size_t take = n < room ? n : (size_t)room;
    const unsigned nc = q->n_channels;
    for (unsigned i = 0; i < nc; i++) {
        chan *c = &q->ch[i];
        ltr_welch_push(c->welch, frames + i, take, nc);
        for (size_t j = 0; j < take; j++)
            push_sample(q, c, frames[j * nc + i]);
    }
    q->pos += take;
    if (q->pos == q->window_len) {
        window_rows(q);
        q->ready = 1;
    }
    return take;
}

int ltr_quality_window_ready(const ltr_quality *q)
{
    return q && q->ready;
}

ltr_status ltr_quality_window(const ltr_quality *q, unsigned ch, ltr_quality_row *row)
{
    if (!q || !row)
        return LTR_ERR_NULL;
    if (ch >= q->n_channels || !q->ready)
        return LTR_ERR_ARGUMENT;
    *row = q->ch[ch].row;
    return LTR_OK;
}

void ltr_quality_add_twitch(ltr_quality *q, unsigned ch, double rms)
{
    if (!q || ch >= q->n_channels || !isfinite(rms))
        return;
    chan *c = &q->ch[ch];
    c->twitches++;
    c->twitch_rms_sum += rms;
    if (q->ready) { /* the window's row is out already: bring it up to date */
        c->row.twitches = c->twitches;
        c->row.twitch_snr_db = snr_db(c->twitch_rms_sum, c->twitches, c->row.floor_rms);
        score(&c->row, c->cfg.is_emg);
    }
}

static double hist_floor(const chan *c)
{
    if (c->hist_n == 0)
        return NAN;
    uint64_t target = (uint64_t)ceil(FLOOR_PERCENTILE * (double)c->hist_n), acc = 0;
    for (int b = 0; b < HIST_BINS; b++) {
        acc += c->hist[b];
        if (acc >= target && acc > 0)
            return b == 0 ? 0.0 : pow(10.0, (HIST_MIN_DB + b * HIST_STEP_DB) / 20.0);
    }
    return NAN;
}

/* Fold the current window into the recording's totals and refresh the summary. */
static void close_window(ltr_quality *q, int with_row)
{
    for (unsigned i = 0; i < q->n_channels; i++) {
        chan *c = &q->ch[i];
        uint64_t segs = ltr_welch_segments(c->welch);
        if (segs > 0 && ltr_welch_psd(c->welch, q->psd) == LTR_OK) {
            for (unsigned k = 0; k < q->bins; k++)
                c->total_psd[k] += q->psd[k] * (double)segs;
            c->total_segments += segs;
        }
        if (with_row && c->row.mains_hz > 0) {
            c->mains_min = fmin(c->mains_min, c->row.mains_hz);
            c->mains_max = fmax(c->mains_max, c->row.mains_hz);
        }
        uint64_t finite = c->n - c->nonfinite;
        double mean = finite ? c->sum / (double)finite : 0.0;
        double var = finite ? c->sum2 / (double)finite - mean * mean : 0.0;
        c->tot_power += (var > 0 ? var : 0.0) * (double)finite;
        c->tot_n += c->n;
        c->tot_clipped += clipped_count(c, c->clipped, c->at_min, c->at_max);
        c->tot_flat += c->flat;
        c->tot_nonfinite += c->nonfinite;
        c->tot_twitches += c->twitches;
        c->tot_twitch_rms_sum += c->twitch_rms_sum;

        ltr_quality_row *r = &c->summary;
        memset(r, 0, sizeof *r);
        r->n_frames = c->tot_n;
        uint64_t tot_finite = c->tot_n - c->tot_nonfinite;
        r->rms = tot_finite ? sqrt(c->tot_power / (double)tot_finite) : 0.0;
        r->floor_rms = hist_floor(c);
        if (c->total_segments > 0) {
            for (unsigned k = 0; k < q->bins; k++)
                q->psd[k] = c->total_psd[k] / (double)c->total_segments;
            spectral(q, q->psd, c->cfg.is_emg, r);
        }
        r->mains_drift_hz = c->mains_max >= c->mains_min ? c->mains_max - c->mains_min : 0.0;
        r->clipped_fraction = frac(c->tot_clipped, tot_finite);
        r->flat_fraction = frac(c->tot_flat, c->tot_n);
        r->nonfinite_fraction = frac(c->tot_nonfinite, c->tot_n);
        r->twitches = c->tot_twitches;
        r->twitch_snr_db = snr_db(c->tot_twitch_rms_sum, c->tot_twitches, r->floor_rms);
        score(r, c->cfg.is_emg);
        window_clear(c);
    }
    q->first_frame += q->pos;
    q->pos = 0;
    q->ready = 0;
}

void ltr_quality_next(ltr_quality *q)
{
    if (q && q->ready)
        close_window(q, 1);
}

int ltr_quality_finish(ltr_quality *q)
{
    if (!q || q->ready)
        return q ? q->ready : 0;
    if (q->pos == 0)
        return 0;
    if (ltr_welch_segments(q->ch[0].welch) > 0) {
        window_rows(q);
        q->ready = 1;
        return 1;
    }
    close_window(q, 0); /* too short for a spectrum: counts go into the summary only */
    return 0;
}

ltr_status ltr_quality_summary(const ltr_quality *q, unsigned ch, ltr_quality_row *row)
{
    if (!q || !row)
        return LTR_ERR_NULL;
    if (ch >= q->n_channels)
        return LTR_ERR_ARGUMENT;
    *row = q->ch[ch].summary;
    return LTR_OK;
}

static int bit_index(ltr_quality_warning w)
{
    for (int i = 0; i < LTR_QUALITY_N_WARNINGS; i++)
        if ((unsigned)w == 1u << i)
            return i;
    return -1;
}

const char *ltr_quality_warning_name(ltr_quality_warning w)
{
    static const char *const names[LTR_QUALITY_N_WARNINGS] = {
        "mains", "low_freq", "clipped", "flat", "nonfinite", "low_snr", "silent"};
    int i = bit_index(w);
    return i < 0 ? "unknown" : names[i];
}

const char *ltr_quality_warning_text(ltr_quality_warning w)
{
    static const char *const text[LTR_QUALITY_N_WARNINGS] = {
        "mains hum carries much of the power: check the reference/ground electrode, "
        "its skin contact and the cables' routing",
        "slow drift or movement below 20 Hz dominates: check electrode contact and fix "
        "the cables so they do not swing",
        "samples hit the input's limits (clipping): lower the amplifier gain or use a "
        "wider input range",
        "the signal stays exactly constant for long stretches: the channel is disconnected, "
        "saturated or its data were lost",
        "the recording holds NaN or Inf samples: dropouts in acquisition or in conversion",
        "twitches barely stand out of the background: reduce the noise or place the "
        "electrode nearer the muscle",
        "the channel is silent (all samples equal): nothing is connected",
    };
    int i = bit_index(w);
    return i < 0 ? "unknown warning" : text[i];
}
