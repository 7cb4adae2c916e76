/*
 * ltr analyze: what each twitch looks like in frequency and across channels,
 * how the twitches group, and whether the recording can be trusted.
 * SPDX-License-Identifier: GPL-2.0-or-later (links libltr-analysis, which links FFTW)
 *
 * One pass over the recording in blocks, memory bounded by the blocks, a
 * ring of recent frames and the twitches, never by the recording's length:
 * - the detector runs on each block (unless --events gives the twitches);
 * - the last few seconds of frames stay in a ring, long enough to hold a
 *   twitch of max_duration_ms plus the detector's delay, so each twitch is
 *   analysed as soon as it is reported (spectrum, spatial features);
 * - the quality index takes the frames window by window (a minute), the
 *   covariance all of them;
 * - at the end the twitches' feature matrix is standardised and clustered
 *   (k-means) and the habituation of their amplitude fitted.
 * Outputs: OUTDIR/STEM_features.tsv (+ .json describing each column, and
 * the recording-level results), OUTDIR/STEM_quality.tsv.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "ltr/ltr_analysis.h"
#include "options.h"
#include "quality.h"
#include "run.h"

enum { ID_HELP = 1, ID_EVENTS, ID_OUTDIR, ID_CLUSTERS, ID_WINDOW, ID_QUIET };

static const cli_option analyze_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"events", 'e', "FILE", ID_EVENTS,
     "analyse these twitches (events.tsv: onset, duration[, trial_type]) instead of detecting"},
    {"outdir", 'd', "DIR", ID_OUTDIR, "write DIR/<name>_features.tsv, .json, _quality.tsv (default .)"},
    {"clusters", 'k', "K", ID_CLUSTERS, "group the twitches into K shapes by k-means (3; 0: no grouping)"},
    {"window", 0, "S", ID_WINDOW, "quality rows every S seconds (60: per minute)"},
    {"quiet", 'q', NULL, ID_QUIET, "no summary on standard output"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct analyze_args {
    cli_common common;
    int help, quiet;
    const char *events, *outdir;
    unsigned clusters;
    double window_s;
} analyze_args;

static int handle(void *ctx, int id, const char *value)
{
    analyze_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_EVENTS: a->events = value; return 0;
    case ID_OUTDIR: a->outdir = value; return 0;
    case ID_QUIET: a->quiet = 1; return 0;
    case ID_CLUSTERS:
        if (cli_parse_unsigned(value, &a->clusters) != 0 || a->clusters > 20) {
            fprintf(stderr, "ltr analyze: --clusters: '%s' is not a whole number from 0 to 20\n", value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    case ID_WINDOW:
        if (cli_parse_double(value, &a->window_s) != 0 || !(a->window_s >= 1) || a->window_s > 86400) {
            fprintf(stderr, "ltr analyze: --window: '%s' is not a number of seconds from 1 to 86400\n",
                    value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    }
    return cli_common_handle(&a->common, "analyze", id, value);
}

/* --- twitches given in a file --------------------------------------------- */

typedef struct given {
    double onset_s, duration_s;
} given;

static int cmp_given(const void *a, const void *b)
{
    double x = ((const given *)a)->onset_s, y = ((const given *)b)->onset_s;
    return (x > y) - (x < y);
}

/* Split a tab-separated line in place. */
static int split_tabs(char *line, char **f, int max)
{
    int n = 0;
    line[strcspn(line, "\r\n")] = '\0';
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *t = strchr(p, '\t');
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

/* Read onset/duration of the rows whose trial_type is a twitch ("twitch" as ltr
 * detect writes, "ltr" as ltr simulate's truth), or of every row if there is
 * no trial_type column. Returns an exit code; the message says why. */
static int read_given(const char *path, given **out, size_t *n_out, char *msg, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, size, "%s: cannot open the events file", path);
        return LTR_EXIT_INPUT;
    }
    char *line = NULL;
    size_t cap = 0, n = 0, room = 0;
    unsigned long lineno = 0;
    given *g = NULL;
    int c_onset = -1, c_dur = -1, c_type = -1, rc = 0;
    char *fields[64];
    while (getline(&line, &cap, f) > 0) {
        lineno++;
        int nf = split_tabs(line, fields, 64);
        if (lineno == 1) {
            for (int i = 0; i < nf; i++) {
                if (!strcasecmp(fields[i], "onset"))
                    c_onset = i;
                else if (!strcasecmp(fields[i], "duration"))
                    c_dur = i;
                else if (!strcasecmp(fields[i], "trial_type"))
                    c_type = i;
            }
            if (c_onset < 0) {
                snprintf(msg, size, "%s:1: no 'onset' column: not a BIDS events.tsv", path);
                rc = LTR_EXIT_FORMAT;
                break;
            }
            continue;
        }
        if (nf == 1 && fields[0][0] == '\0')
            continue;
        if (nf <= c_onset || (c_dur >= 0 && nf <= c_dur) || (c_type >= 0 && nf <= c_type)) {
            snprintf(msg, size, "%s:%lu: %d fields, fewer than the header's columns", path, lineno, nf);
            rc = LTR_EXIT_FORMAT;
            break;
        }
        if (c_type >= 0 && strcmp(fields[c_type], "twitch") && strcmp(fields[c_type], "ltr"))
            continue;
        char *end;
        double on = strtod(fields[c_onset], &end);
        if (end == fields[c_onset] || *end || !isfinite(on) || on < 0) {
            snprintf(msg, size, "%s:%lu: onset '%s' is not a time in seconds", path, lineno,
                     fields[c_onset]);
            rc = LTR_EXIT_DATA;
            break;
        }
        double dur = 0.0;
        if (c_dur >= 0 && strcmp(fields[c_dur], "n/a")) {
            dur = strtod(fields[c_dur], &end);
            if (end == fields[c_dur] || *end || !isfinite(dur) || dur < 0) {
                snprintf(msg, size, "%s:%lu: duration '%s' is not a time in seconds", path, lineno,
                         fields[c_dur]);
                rc = LTR_EXIT_DATA;
                break;
            }
        }
        if (n == room) {
            room = room ? 2 * room : 64;
            given *m = realloc(g, room * sizeof *g);
            if (!m) {
                snprintf(msg, size, "out of memory");
                rc = LTR_EXIT_FAILURE;
                break;
            }
            g = m;
        }
        g[n].onset_s = on;
        g[n].duration_s = dur;
        n++;
    }
    if (rc == 0 && lineno == 0) {
        snprintf(msg, size, "%s: empty events file", path);
        rc = LTR_EXIT_FORMAT;
    }
    free(line);
    fclose(f);
    if (rc) {
        free(g);
        return rc;
    }
    if (n > 1)
        qsort(g, n, sizeof *g, cmp_given);
    *out = g;
    *n_out = n;
    return 0;
}

/* --- the features of one twitch -------------------------------------------- */

/* Bands of EMG power (Hz): low (motion, tremor-like), the bulk of surface EMG
 * power, its upper part to the 450 Hz SENIAM edge (Hermens et al. 2000), and
 * what only a needle electrode sampled fast enough sees (to the detector's
 * 2 kHz needle edge). Each is cut at the analysis band's upper edge. */
#define N_BANDS 4
static const double band_edges[N_BANDS][2] = {{10, 50}, {50, 150}, {150, 450}, {450, 2000}};
/* Numeric features clustered (z-scored): those that describe a shape, not a size or a time. */
#define N_CLUSTER_FEATURES 7

typedef struct twitch_row {
    double onset_s, duration_s;
    int detected;                 /* from the detector: amplitude, snr_db below are set */
    double amplitude, snr_db;
    unsigned peak_channel, above_half;
    int peak_is_emg, truncated;
    ltr_spectrum_result spec;
    int spec_ok;
    double spread;
    float relative[LTR_MAX_CHANNELS]; /* each channel's RMS / the peak channel's; NAN: not compared */
    unsigned cluster;
} twitch_row;

typedef struct analysis {
    const cli_input *in;
    double rate;
    unsigned c;
    uint32_t emg_mask;
    /* the ring of recent frames */
    float *ring;
    uint64_t ring_frames, frames_in; /* capacity, frames pushed so far */
    float *seg;                      /* one twitch's frames, contiguous */
    ltr_spectrum *spectrum;
    ltr_quality *quality;
    ltr_covariance *cov;
    /* The covariance takes the channels of one kind (EMG if any, else the
     * accelerometer axes): variances in mV^2 and g^2 do not compare. */
    unsigned cov_c, cov_sel[LTR_MAX_CHANNELS];
    float *cov_block;
    twitch_row *rows;
    size_t n_rows, cap_rows;
    FILE *quality_out;
} analysis;

static void ring_push(analysis *an, const float *frames, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t slot = (an->frames_in + i) % an->ring_frames;
        memcpy(an->ring + slot * an->c, frames + i * an->c, sizeof(float) * an->c);
    }
    an->frames_in += n;
}

/* Analyse the twitch [onset, offset) (frames) now in the ring. */
static int analyse_twitch(analysis *an, uint64_t onset, uint64_t offset, const ltr_event *ev)
{
    if (an->n_rows == an->cap_rows) {
        size_t cap = an->cap_rows ? 2 * an->cap_rows : 256;
        twitch_row *r = realloc(an->rows, cap * sizeof *r);
        if (!r)
            return -1;
        an->rows = r;
        an->cap_rows = cap;
    }
    twitch_row *row = &an->rows[an->n_rows++];
    memset(row, 0, sizeof *row);
    row->onset_s = (double)onset / an->rate;
    row->duration_s = (double)(offset - onset) / an->rate;
    if (ev) {
        row->detected = 1;
        row->amplitude = ev->amplitude;
        row->snr_db = ev->snr_db;
    }
    /* What the ring still holds, and at least 8 frames for a spectrum. */
    uint64_t oldest = an->frames_in > an->ring_frames ? an->frames_in - an->ring_frames : 0;
    if (offset < onset + 8)
        offset = onset + 8;
    if (offset > an->frames_in)
        offset = an->frames_in;
    if (onset < oldest) {
        onset = oldest;
        row->truncated = 1;
    }
    if (offset - onset > ltr_spectrum_max_len(an->spectrum)) {
        offset = onset + ltr_spectrum_max_len(an->spectrum);
        row->truncated = 1;
    }
    if (offset < onset + 8) /* the recording ended right after it */
        return 0;
    size_t n = (size_t)(offset - onset);
    for (size_t i = 0; i < n; i++)
        memcpy(an->seg + i * an->c, an->ring + ((onset + i) % an->ring_frames) * an->c,
               sizeof(float) * an->c);
    ltr_spatial_result sp;
    uint32_t mask = an->emg_mask ? an->emg_mask : 0;
    if (ltr_spatial(an->seg, n, an->c, mask, &sp) != LTR_OK)
        return 0;
    row->peak_channel = sp.peak_channel;
    row->above_half = sp.above_half;
    row->spread = sp.spread;
    for (unsigned ch = 0; ch < an->c; ch++)
        row->relative[ch] = !mask || (mask >> ch & 1u) ? (float)sp.relative[ch] : NAN;
    row->peak_is_emg = an->in->cfg.sensors[sp.peak_channel] == LTR_SENSOR_EMG;
    const double nyq = an->rate / 2;
    ltr_spectrum_bands b;
    memset(&b, 0, sizeof b);
    const ltr_config *cfg = &an->in->cfg;
    if (row->peak_is_emg) {
        /* From 10 Hz (motion and the low tail show: not high-passed away) to the
         * detector's own upper edge: 450 Hz for surface EMG (SENIAM), up to 2 kHz
         * for needle EMG sampled at >= 4 kHz (ltr_config_default). */
        b.lo_hz = 10;
        b.hi_hz = fmin(cfg->emg_lowpass_hz, 0.95 * nyq);
        for (unsigned j = 0; j < N_BANDS; j++)
            if (band_edges[j][0] < b.hi_hz) {
                b.band_hz[b.n_bands][0] = band_edges[j][0];
                b.band_hz[b.n_bands][1] = fmin(band_edges[j][1], b.hi_hz);
                b.n_bands++;
            }
    } else {
        /* The detector's accelerometer band (5-100 Hz by default: the mechanomyogram band). */
        b.lo_hz = cfg->acc_highpass_hz;
        b.hi_hz = fmin(cfg->acc_lowpass_hz, 0.95 * nyq);
    }
    row->spec_ok = ltr_spectrum_compute(an->spectrum, an->seg + sp.peak_channel, n, an->c, &b,
                                        &row->spec) == LTR_OK;
    for (unsigned j = b.n_bands; j < N_BANDS; j++)
        row->spec.band_fraction[j] = NAN; /* above Nyquist at this rate */
    if (row->spec_ok)
        ltr_quality_add_twitch(an->quality, sp.peak_channel, sqrt(row->spec.power));
    return 0;
}

static void warnings_text(uint32_t w, char *buf, size_t size)
{
    if (!cli_quality_names(w, ",", buf, size))
        snprintf(buf, size, "n/a");
}

static void num(FILE *f, double v, const char *fmt)
{
    if (isfinite(v))
        fprintf(f, fmt, v);
    else
        fputs("n/a", f);
}

static void quality_row_write(FILE *f, const char *scope, const char *name, const ltr_quality_row *r,
                              double rate)
{
    char w[160];
    warnings_text(r->warnings, w, sizeof w);
    fprintf(f, "%s\t%s\t", scope, name);
    if (!strcmp(scope, "window"))
        fprintf(f, "%.3f\t", (double)r->first_frame / rate);
    else
        fputs("0\t", f);
    fprintf(f, "%.3f\t%.3f\t", (double)r->n_frames / rate, r->index);
    num(f, r->rms, "%.6g");
    fputc('\t', f);
    num(f, r->floor_rms, "%.6g");
    fputc('\t', f);
    num(f, r->mains_hz > 0 ? r->mains_hz : NAN, "%.2f");
    fputc('\t', f);
    num(f, strcmp(scope, "window") ? r->mains_drift_hz : NAN, "%.2f");
    fprintf(f, "\t%.4f\t%.4f\t%.6f\t%.6f\t%.6f\t%u\t", r->line_fraction, r->low_fraction,
            r->clipped_fraction, r->flat_fraction, r->nonfinite_fraction, r->twitches);
    num(f, r->twitch_snr_db, "%.1f");
    fprintf(f, "\t%s\n", w);
}

static const char *const quality_header =
    "scope\tchannel\tonset\tduration\tquality_index\trms\tfloor_rms\tmains_hz\tmains_drift_hz\t"
    "line_fraction\tlow_freq_fraction\tclipped_fraction\tflat_fraction\tnonfinite_fraction\t"
    "twitches\ttwitch_snr_db\twarnings\n";

/* Rows of the ready window, the twitches reported so far counted in. */
static void quality_window_out(analysis *an)
{
    for (unsigned ch = 0; ch < an->c; ch++) {
        ltr_quality_row r;
        if (ltr_quality_window(an->quality, ch, &r) == LTR_OK)
            quality_row_write(an->quality_out, "window", an->in->names[ch], &r, an->rate);
    }
    ltr_quality_next(an->quality);
}

static void quality_push(analysis *an, const float *frames, size_t n)
{
    size_t done = 0;
    while (done < n) {
        done += ltr_quality_push(an->quality, frames + done * an->c, n - done);
        if (ltr_quality_window_ready(an->quality))
            quality_window_out(an);
    }
}

/* --- outputs ------------------------------------------------------------------ */

static const struct {
    const char *name, *description, *units;
} feature_columns[] = {
    {"onset", "Start of the twitch from the first sample (BIDS)", "s"},
    {"duration", "Length of the twitch (BIDS)", "s"},
    {"trial_type", "Always 'twitch'", NULL},
    {"peak_channel", "Channel with the largest RMS over the twitch (EMG channels if any): the spectral columns describe it", NULL},
    {"sensor", "What the peak channel measures: emg or acc (acc: spectrum over the detector's accelerometer band, 5-100 Hz by default, no band columns)", NULL},
    {"amplitude", "Largest band-passed sample (EMG) or acceleration magnitude, as the detector reported it; n/a with --events", "input units"},
    {"snr_db", "Envelope peak over the noise floor, as the detector reported it; n/a with --events", "dB"},
    {"rms", "RMS of the peak channel over the twitch, mean removed", "input units"},
    {"median_freq_hz", "Median frequency: splits the power of the peak channel in halves, over 10 Hz to the detector's EMG upper edge (450 Hz surface, up to 2000 Hz needle; Hann-windowed periodogram of the twitch)", "Hz"},
    {"mean_freq_hz", "Mean power frequency: sum(f P) / sum(P) over the same band", "Hz"},
    {"band_power_10_50_hz", "Share of the band's power in 10-50 Hz (EMG)", "fraction"},
    {"band_power_50_150_hz", "Share of the band's power in 50-150 Hz (EMG)", "fraction"},
    {"band_power_150_450_hz", "Share of the band's power in 150-450 Hz (EMG; cut at the band's upper edge)", "fraction"},
    {"band_power_450_2000_hz", "Share of the band's power in 450-2000 Hz (EMG; n/a when the band ends at 450 Hz, as for surface EMG)", "fraction"},
    {"half_energy_ms", "Time from 25 % to 75 % of the twitch's cumulative energy on the peak channel", "ms"},
    {"spatial_spread", "Participation ratio (sum r)^2 / sum r^2 of the channels' relative RMS r: 1 = one channel, N = all alike", "channels"},
    {"channels_above_half", "Channels whose RMS is at least half the peak channel's", "channels"},
    {"relative_rms", "Each analysed channel's RMS over the twitch relative to the peak channel's, comma-separated in the order of ltr_analysis.channels (n/a: a channel of the other kind, not compared)", "fraction"},
    {"truncated", "1 if the twitch was longer than the analysed span (only its first part was analysed)", NULL},
    {"cluster", "Group of similar shapes (k-means on z-scored median/mean frequency, band shares, log half-energy time, log duration, spread), 0 = the largest group; n/a if not grouped", NULL},
};
#define N_FEATURE_COLUMNS (sizeof feature_columns / sizeof feature_columns[0])

static void features_write(FILE *f, const analysis *an, int clustered)
{
    for (size_t j = 0; j < N_FEATURE_COLUMNS; j++)
        fprintf(f, "%s%s", j ? "\t" : "", feature_columns[j].name);
    fputc('\n', f);
    for (size_t i = 0; i < an->n_rows; i++) {
        const twitch_row *r = &an->rows[i];
        const ltr_spectrum_result *s = &r->spec;
        int ok = r->spec_ok, emg = ok && r->peak_is_emg;
        fprintf(f, "%.4f\t%.4f\ttwitch\t%s\t%s\t", r->onset_s, r->duration_s,
                an->in->names[r->peak_channel], r->peak_is_emg ? "emg" : "acc");
        num(f, r->detected ? r->amplitude : NAN, "%.6g");
        fputc('\t', f);
        num(f, r->detected ? r->snr_db : NAN, "%.2f");
        fputc('\t', f);
        num(f, ok ? s->rms : NAN, "%.6g");
        fputc('\t', f);
        num(f, ok ? s->median_hz : NAN, "%.2f");
        fputc('\t', f);
        num(f, ok ? s->mean_hz : NAN, "%.2f");
        for (unsigned b = 0; b < N_BANDS; b++) {
            fputc('\t', f);
            num(f, emg ? s->band_fraction[b] : NAN, "%.4f");
        }
        fputc('\t', f);
        num(f, ok ? s->half_energy_ms : NAN, "%.1f");
        fprintf(f, "\t%.3f\t%u\t", r->spread, r->above_half);
        for (unsigned ch = 0; ch < an->c; ch++) {
            if (ch)
                fputc(',', f);
            num(f, r->relative[ch], "%.3f");
        }
        fprintf(f, "\t%d\t", r->truncated);
        if (clustered)
            fprintf(f, "%u\n", r->cluster);
        else
            fputs("n/a\n", f);
    }
}

typedef struct summary {
    int pca_ok, hab_ok;
    double eig[LTR_MAX_CHANNELS], total_var, common_mode;
    ltr_habituation hab;
    unsigned k;
    size_t sizes[20];
    double centroids[20][N_CLUSTER_FEATURES];
} summary;

static const char *const cluster_feature_names[N_CLUSTER_FEATURES] = {
    "median_freq_hz", "mean_freq_hz", "band_power_10_50_hz", "band_power_150_450_hz",
    "log_half_energy_ms", "log_duration_s", "spatial_spread"};

static void sidecar_write(FILE *f, const analysis *an, const summary *s, const char *input)
{
    fputs("{\n", f);
    for (size_t j = 0; j < N_FEATURE_COLUMNS; j++) {
        fprintf(f, "  \"%s\": {\"Description\": ", feature_columns[j].name);
        ltr_io_json_string(f, feature_columns[j].description);
        if (feature_columns[j].units)
            fprintf(f, ", \"Units\": \"%s\"", feature_columns[j].units);
        fputs("},\n", f);
    }
    fputs("  \"ltr_analysis\": {\n    \"input\": ", f);
    ltr_io_json_string(f, input);
    fprintf(f, ",\n    \"sample_rate_hz\": %.10g,\n    \"channels\": [", an->rate);
    for (unsigned c = 0; c < an->c; c++) {
        fputs(c ? ", " : "", f);
        ltr_io_json_string(f, an->in->names[c]);
    }
    fprintf(f, "],\n    \"twitches\": %zu,\n", an->n_rows);
    if (s->pca_ok) {
        fputs("    \"pca_channels\": [", f);
        for (unsigned c = 0; c < an->cov_c; c++) {
            fputs(c ? ", " : "", f);
            ltr_io_json_string(f, an->in->names[an->cov_sel[c]]);
        }
        fputs("],\n    \"pca_explained_variance\": [", f);
        for (unsigned c = 0; c < an->cov_c; c++)
            fprintf(f, "%s%.6f", c ? ", " : "", s->total_var > 0 ? s->eig[c] / s->total_var : 0.0);
        fprintf(f, "],\n    \"common_mode_fraction\": %.6f,\n",
                isfinite(s->common_mode) ? s->common_mode : 0.0);
    }
    if (s->hab_ok) {
        /* half_life_s null: the RMS does not decrease (JSON has no infinity). */
        char hl[32] = "null";
        if (isfinite(s->hab.half_life_s))
            snprintf(hl, sizeof hl, "%.6g", s->hab.half_life_s);
        fprintf(f,
                "    \"habituation\": {\"model\": \"rms = a0 exp(-rate t), least squares on log rms, "
                "t = onset in s\", \"a0\": %.6g, \"rate_per_s\": %.6g, \"half_life_s\": %s, "
                "\"r2\": %.4f, \"n\": %zu},\n",
                s->hab.amplitude0, s->hab.rate_per_s, hl, s->hab.r2, s->hab.n);
    }
    fprintf(f, "    \"clusters\": {\"k\": %u, \"features\": [", s->k);
    for (unsigned j = 0; j < N_CLUSTER_FEATURES; j++)
        fprintf(f, "%s\"%s\"", j ? ", " : "", cluster_feature_names[j]);
    fputs("], \"sizes\": [", f);
    for (unsigned j = 0; j < s->k; j++)
        fprintf(f, "%s%zu", j ? ", " : "", s->sizes[j]);
    fputs("], \"centroids_z\": [", f);
    for (unsigned j = 0; j < s->k; j++) {
        fputs(j ? ", [" : "[", f);
        for (unsigned d = 0; d < N_CLUSTER_FEATURES; d++)
            fprintf(f, "%s%.4f", d ? ", " : "", s->centroids[j][d]);
        fputc(']', f);
    }
    fputs("]}\n  }\n}\n", f);
}

/* Cluster the twitches and fit their habituation. */
static int summarise(analysis *an, unsigned k_wanted, summary *s)
{
    memset(s, 0, sizeof *s);
    double cov[LTR_MAX_CHANNELS * LTR_MAX_CHANNELS], vecs[LTR_MAX_CHANNELS * LTR_MAX_CHANNELS];
    if (ltr_covariance_get(an->cov, cov, NULL) == LTR_OK &&
        ltr_pca(cov, an->cov_c, s->eig, vecs, NULL) == LTR_OK) {
        s->pca_ok = 1;
        for (unsigned c = 0; c < an->cov_c; c++)
            s->total_var += s->eig[c];
        s->common_mode = ltr_common_mode_fraction(cov, an->cov_c);
    }
    size_t n = an->n_rows;
    double *t = malloc(sizeof(double) * (n + 1)), *a = malloc(sizeof(double) * (n + 1));
    if (!t || !a) {
        free(t);
        free(a);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        t[i] = an->rows[i].onset_s;
        a[i] = an->rows[i].spec_ok ? an->rows[i].spec.rms : NAN;
    }
    s->hab_ok = ltr_habituation_fit(t, a, n, &s->hab) == LTR_OK;
    free(t);
    free(a);

    unsigned k = k_wanted;
    if (k > n)
        k = (unsigned)n;
    if (k == 0 || n < 2)
        return 0;
    double *x = malloc(sizeof(double) * n * N_CLUSTER_FEATURES);
    unsigned *labels = malloc(sizeof(unsigned) * n);
    double *cent = malloc(sizeof(double) * k * N_CLUSTER_FEATURES);
    if (!x || !labels || !cent) {
        free(x);
        free(labels);
        free(cent);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        const twitch_row *r = &an->rows[i];
        double *v = x + i * N_CLUSTER_FEATURES;
        int ok = r->spec_ok;
        v[0] = ok ? r->spec.median_hz : NAN;
        v[1] = ok ? r->spec.mean_hz : NAN;
        v[2] = ok && r->peak_is_emg ? r->spec.band_fraction[0] : NAN;
        v[3] = ok && r->peak_is_emg ? r->spec.band_fraction[2] : NAN; /* NAN: standardised to 0 */
        v[4] = ok && r->spec.half_energy_ms > 0 ? log(r->spec.half_energy_ms) : NAN;
        v[5] = r->duration_s > 0 ? log(r->duration_s) : NAN;
        v[6] = r->spread;
    }
    ltr_features_standardize(x, n, N_CLUSTER_FEATURES);
    /* Seed fixed: the same recording gives the same groups. */
    if (ltr_kmeans(x, n, N_CLUSTER_FEATURES, k, 100, 1, labels, cent, NULL) == LTR_OK) {
        s->k = k;
        for (size_t i = 0; i < n; i++) {
            an->rows[i].cluster = labels[i];
            s->sizes[labels[i]]++;
        }
        for (unsigned j = 0; j < k; j++)
            for (unsigned d = 0; d < N_CLUSTER_FEATURES; d++)
                s->centroids[j][d] = cent[j * N_CLUSTER_FEATURES + d];
    }
    free(x);
    free(labels);
    free(cent);
    return 0;
}

/* --- the run ------------------------------------------------------------------ */

static int commit_or_say(ltr_io_atomic_file *af)
{
    ltr_io_error err;
    if (ltr_io_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr analyze: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static int open_out(ltr_io_atomic_file **af, const char *path)
{
    ltr_io_error err;
    cli_remove_stale("analyze", path);
    if (ltr_io_atomic_open(af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr analyze: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static void print_summary(const analysis *an, const summary *s, const char *input,
                          const char *features_path, const char *quality_path)
{
    printf("%s: %zu twitches analysed", input, an->n_rows);
    if (s->k)
        printf(", %u groups of shapes (sizes", s->k);
    for (unsigned j = 0; j < s->k; j++)
        printf(" %zu", s->sizes[j]);
    printf("%s\n", s->k ? ")" : "");
    if (s->hab_ok && isfinite(s->hab.half_life_s))
        printf("  habituation: RMS falls %.3g %% per second (half-life %.1f s, r2 %.2f, %zu twitches)\n",
               100.0 * s->hab.rate_per_s, s->hab.half_life_s, s->hab.r2, s->hab.n);
    else if (s->hab_ok)
        printf("  habituation: none, RMS does not fall over the %zu twitches\n", s->hab.n);
    if (s->pca_ok && s->total_var > 0 && an->cov_c > 1)
        printf("  %s channels: first component %.0f %% of the variance, common mode %.0f %%\n",
               an->emg_mask ? "EMG" : "accelerometer", 100.0 * s->eig[0] / s->total_var,
               100.0 * s->common_mode);
    for (unsigned ch = 0; ch < an->c; ch++) {
        ltr_quality_row r;
        ltr_quality_summary(an->quality, ch, &r);
        printf("  quality %-12s %.2f", an->in->names[ch], r.index);
        if (r.mains_hz > 0)
            printf("  (mains %.2f Hz, drift %.2f Hz)", r.mains_hz, r.mains_drift_hz);
        putchar('\n');
        for (int b = 0; b < LTR_QUALITY_N_WARNINGS; b++)
            if (r.warnings >> b & 1u)
                printf("    warning: %s\n", ltr_quality_warning_text((ltr_quality_warning)(1u << b)));
    }
    printf("  wrote %s (+ .json), %s\n", features_path, quality_path);
}

static int analyze_file(const char *path, const analyze_args *a)
{
    cli_input in;
    int open_rc = cli_input_open(&in, path, &a->common);
    if (open_rc != 0) {
        fprintf(stderr, "ltr analyze: %s\n", in.message);
        return open_rc;
    }
    const char *outdir = a->outdir ? a->outdir : ".";
    char fpath[4096], jpath[4096], qpath[4096];
    if (cli_output_path(fpath, sizeof fpath, outdir, path, "_features.tsv") ||
        cli_output_path(jpath, sizeof jpath, outdir, path, "_features.json") ||
        cli_output_path(qpath, sizeof qpath, outdir, path, "_quality.tsv")) {
        fprintf(stderr, "ltr analyze: output path too long\n");
        cli_input_close(&in);
        return LTR_EXIT_USAGE;
    }
    int rc = 0;
    given *gv = NULL;
    size_t n_given = 0, next_given = 0;
    char msg[1024];
    if (a->events && (rc = read_given(a->events, &gv, &n_given, msg, sizeof msg)) != 0) {
        fprintf(stderr, "ltr analyze: %s\n", msg);
        cli_input_close(&in);
        return rc;
    }

    analysis an;
    memset(&an, 0, sizeof an);
    an.in = &in;
    an.rate = in.cfg.sample_rate_hz;
    an.c = in.n;
    ltr_quality_channel qc[LTR_MAX_CHANNELS];
    for (unsigned ch = 0; ch < an.c; ch++) {
        const ltr_io_channel *fc = ltr_io_reader_channel(in.reader, in.sel[ch]);
        qc[ch].is_emg = in.cfg.sensors[ch] == LTR_SENSOR_EMG;
        qc[ch].has_range = fc && fc->has_range;
        qc[ch].range_min = fc ? fc->range_min : 0;
        qc[ch].range_max = fc ? fc->range_max : 0;
        if (qc[ch].is_emg)
            an.emg_mask |= 1u << ch;
    }
    for (unsigned ch = 0; ch < an.c; ch++)
        if (!an.emg_mask || (an.emg_mask >> ch & 1u))
            an.cov_sel[an.cov_c++] = ch;
    ltr_detector *det = NULL;
    ltr_event *ev = NULL;
    const size_t block = 4096;
    size_t max_ev = 0;
    uint64_t latency = 0;
    if (!gv) {
        ltr_status st = ltr_detector_create(&det, &in.cfg);
        if (st != LTR_OK) {
            fprintf(stderr, "ltr analyze: cannot create the detector: %s\n", ltr_status_string(st));
            cli_input_close(&in);
            return cli_exit_config(st);
        }
        max_ev = ltr_detector_max_events(det, block);
        if (max_ev < LTR_EVENT_QUEUE)
            max_ev = LTR_EVENT_QUEUE;
        ev = malloc(max_ev * sizeof *ev);
        latency = ltr_detector_latency_frames(det);
    }
    /* The ring holds the longest twitch, the detector's delay, a block and a second
     * to spare: every twitch is still there when it is reported. */
    double span_s = in.cfg.max_duration_ms / 1000.0;
    an.ring_frames = (uint64_t)ceil((span_s + 1.0) * an.rate) + latency + block;
    unsigned max_len = (unsigned)ceil(span_s * an.rate) + 1;
    double mains = in.cfg.mains_hz == 50 || in.cfg.mains_hz == 60 ? in.cfg.mains_hz : 0;
    an.ring = malloc(sizeof(float) * an.ring_frames * an.c);
    an.seg = malloc(sizeof(float) * max_len * an.c);
    float *frames = malloc(sizeof(float) * block * an.c);
    ltr_io_atomic_file *qf = NULL;
    if (!an.ring || !an.seg || !frames || (!gv && !ev) ||
        ltr_spectrum_create(&an.spectrum, an.rate, max_len) != LTR_OK ||
        ltr_quality_create(&an.quality, an.rate, an.c, qc, a->window_s, mains) != LTR_OK ||
        !(an.cov_block = malloc(sizeof(float) * block * an.c)) ||
        ltr_covariance_create(&an.cov, an.cov_c) != LTR_OK) {
        fprintf(stderr, "ltr analyze: out of memory (or a sample rate below 20 Hz: %g Hz)\n",
                an.rate);
        rc = LTR_EXIT_FAILURE;
    }
    if (rc == 0 && (rc = open_out(&qf, qpath)) == 0) {
        an.quality_out = ltr_io_atomic_stream(qf);
        fputs(quality_header, an.quality_out);
    }

    while (rc == 0) {
        size_t got = 0, n_ev = 0;
        ltr_io_status rs = ltr_io_reader_read(in.reader, frames, block, &got);
        if (got > 0) {
            ring_push(&an, frames, got);
            for (size_t i = 0; i < got; i++)
                for (unsigned k = 0; k < an.cov_c; k++)
                    an.cov_block[i * an.cov_c + k] = frames[i * an.c + an.cov_sel[k]];
            ltr_covariance_push(an.cov, an.cov_block, got);
            if (det) {
                ltr_status st = ltr_detector_process(det, frames, got, ev, max_ev, &n_ev);
                for (;;) {
                    for (size_t i = 0; i < n_ev && rc == 0; i++)
                        if (ev[i].kind == LTR_EVENT_END &&
                            analyse_twitch(&an, ev[i].onset, ev[i].offset, &ev[i]) != 0)
                            rc = LTR_EXIT_FAILURE;
                    if (st != LTR_MORE_EVENTS || rc)
                        break;
                    st = ltr_detector_process(det, frames, 0, ev, max_ev, &n_ev);
                }
            } else {
                /* Given twitches whose end the frames have reached. */
                while (next_given < n_given && rc == 0) {
                    uint64_t on = (uint64_t)llround(gv[next_given].onset_s * an.rate);
                    uint64_t off = on + (uint64_t)llround(gv[next_given].duration_s * an.rate);
                    if (off > an.frames_in)
                        break;
                    if (analyse_twitch(&an, on, off, NULL) != 0)
                        rc = LTR_EXIT_FAILURE;
                    next_given++;
                }
            }
            quality_push(&an, frames, got);
        }
        if (rc)
            break;
        if (rs != LTR_IO_OK) {
            fprintf(stderr, "ltr analyze: %s\n", ltr_io_reader_error(in.reader)->message);
            rc = cli_exit_io(rs);
            break;
        }
        if (got == 0)
            break;
    }
    if (rc == 0 && an.frames_in == 0) {
        fprintf(stderr, "ltr analyze: %s: no samples (0 frames)\n", path);
        rc = LTR_EXIT_FORMAT;
    }
    if (rc == 0 && det) {
        size_t n_ev = 0;
        ltr_status st;
        do {
            st = ltr_detector_flush(det, ev, max_ev, &n_ev);
            for (size_t i = 0; i < n_ev && rc == 0; i++)
                if (ev[i].kind == LTR_EVENT_END &&
                    analyse_twitch(&an, ev[i].onset, ev[i].offset, &ev[i]) != 0)
                    rc = LTR_EXIT_FAILURE;
        } while (rc == 0 && st == LTR_MORE_EVENTS);
    }
    for (; rc == 0 && next_given < n_given; next_given++) { /* they end after the last frame */
        uint64_t on = (uint64_t)llround(gv[next_given].onset_s * an.rate);
        uint64_t off = on + (uint64_t)llround(gv[next_given].duration_s * an.rate);
        if (on + 8 <= an.frames_in && analyse_twitch(&an, on, off, NULL) != 0)
            rc = LTR_EXIT_FAILURE;
    }
    if (rc == 0 && ltr_quality_finish(an.quality))
        quality_window_out(&an);
    summary sm;
    if (rc == 0 && summarise(&an, a->clusters, &sm) != 0) {
        fprintf(stderr, "ltr analyze: out of memory\n");
        rc = LTR_EXIT_FAILURE;
    }
    if (rc == 0) {
        for (unsigned ch = 0; ch < an.c; ch++) {
            ltr_quality_row r;
            ltr_quality_summary(an.quality, ch, &r);
            quality_row_write(an.quality_out, "recording", in.names[ch], &r, an.rate);
        }
        rc = commit_or_say(qf);
        qf = NULL;
    }
    ltr_io_atomic_file *ff = NULL, *jf = NULL;
    if (rc == 0 && (rc = open_out(&ff, fpath)) == 0) {
        features_write(ltr_io_atomic_stream(ff), &an, sm.k > 0);
        rc = commit_or_say(ff);
    }
    if (rc == 0 && (rc = open_out(&jf, jpath)) == 0) {
        sidecar_write(ltr_io_atomic_stream(jf), &an, &sm, path);
        rc = commit_or_say(jf);
    }
    if (rc == 0 && !a->quiet)
        print_summary(&an, &sm, path, fpath, qpath);
    ltr_io_atomic_abort(qf);
    ltr_detector_destroy(det);
    ltr_spectrum_destroy(an.spectrum);
    ltr_quality_destroy(an.quality);
    ltr_covariance_destroy(an.cov);
    free(an.cov_block);
    free(an.ring);
    free(an.seg);
    free(an.rows);
    free(frames);
    free(ev);
    free(gv);
    cli_input_close(&in);
    return rc;
}

int cmd_analyze(int argc, char **argv)
{
    analyze_args a;
    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    a.clusters = 3;
    a.window_s = 60.0;
    const cli_option *const tables[] = {analyze_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("analyze", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        fputs("usage: ltr analyze [OPTIONS] FILE...\n\n"
              "Offline analysis of recordings (libltr-analysis: FFTW, OpenBLAS). For each FILE,\n"
              "runs the detector (or takes --events), then writes to the output folder:\n"
              "  NAME_features.tsv   one row per twitch: median and mean power frequency, band\n"
              "                      shares, half-energy time, peak channel, spatial spread and\n"
              "                      the group of similar shapes (k-means) it falls in\n"
              "  NAME_features.json  what each column means, and the recording's PCA, common\n"
              "                      mode, habituation fit (RMS against time) and groups\n"
              "  NAME_quality.tsv    a quality index (0..1) per channel per window and for the\n"
              "                      recording, with the mains line and drift, the share of power\n"
              "                      below 20 Hz, clipped, flat and NaN samples, twitch SNR, and\n"
              "                      warnings (mains, low_freq, clipped, flat, nonfinite, low_snr,\n"
              "                      silent) also printed in plain words\n"
              "Memory is bounded by a few seconds of frames and the twitches, not by the\n"
              "recording's length. Built with FFTW: this program is GPL-2.0-or-later.\n\n",
              stdout);
        cli_print_options(stdout, analyze_options);
        cli_print_common_help(stdout, 1);
    } else if (rc == 0 && n == 0) {
        fprintf(stderr, "ltr analyze: no input (see 'ltr analyze --help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0) {
        if (a.events && n > 1) {
            fprintf(stderr, "ltr analyze: --events goes with one FILE, not %d\n", n);
            rc = LTR_EXIT_USAGE;
        }
        for (int i = 0; i < n; i++) { /* a failed file does not stop the others */
            int r = analyze_file(pos[i], &a);
            if (r && !rc)
                rc = r;
        }
    }
    free(pos);
    return rc;
}
