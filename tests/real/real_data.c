/*
 * The detector on the real recordings of ../shared/data, measured and held to
 * the limits of real_limits.h (issue 4, point 5).
 *
 *   ltr-real-data DATA_DIR            check: exit 0 all within limits, 1 not,
 *                                     77 (skip) when DATA_DIR is absent
 *   ltr-real-data DATA_DIR --print    today's values as real_limits.h rows, then a
 *                                     Markdown report for README.md
 *
 * 1. Motor-evoked potentials (real_mep.h): detection rate, onset error and
 *    BEGIN latency against MEPFeatX's reference features, other detections.
 * 2. Recordings without twitches (rest, ECG crosstalk, needle EMG, voluntary
 *    contractions, gestures): twitches per minute, each channel on its own
 *    detector; on the ECG-contaminated file, how many fall on a QRS complex.
 * Every recording runs through the public API (ltr.h) with the default
 * configuration, 256-frame blocks, one EMG channel per detector: what a
 * device maker who knows nothing about the recording would get. None of the
 * recordings shows mains hum (the 50/60 Hz bins are below their neighbours),
 * so the default 50 Hz notch changes nothing.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "real_detect.h"
#include "real_ecg.h"
#include "real_io.h"
#include "real_mep.h"
#include "real_stats.h"

#define SKIP 77 /* meson: test skipped */

/* --- the limits table -------------------------------------------------------------- */

enum { AT_LEAST, AT_MOST };

typedef struct real_limit {
    const char *recording, *metric;
    int bound;
    double limit;
} real_limit;

static const real_limit limits[] = {
#include "real_limits.h"
    {NULL, NULL, 0, 0.0},
};

/* --- measured values --------------------------------------------------------------- */

#define MAX_MEASURES 256

typedef struct measure {
    char recording[64];
    const char *metric;
    int bound;
    double value, limit; /* limit: today's value with the margin, for --print */
} measure;

typedef struct measures {
    measure m[MAX_MEASURES];
    size_t n;
} measures;

/* Rounding of today's values into limits (see real_limits.h). */
static double floor_to(double x, double step) { return floor(x / step + 1e-9) * step; }
static double ceil_to(double x, double step) { return ceil(x / step - 1e-9) * step; }

static void add_rate_floor(measures *ms, const char *rec, const char *metric, double v)
{
    measure *m = &ms->m[ms->n++];
    snprintf(m->recording, sizeof m->recording, "%s", rec);
    m->metric = metric;
    m->bound = AT_LEAST;
    m->value = v;
    m->limit = floor_to(v, 0.05);
}

static void add_ms_ceiling(measures *ms, const char *rec, const char *metric, double v)
{
    measure *m = &ms->m[ms->n++];
    snprintf(m->recording, sizeof m->recording, "%s", rec);
    m->metric = metric;
    m->bound = AT_MOST;
    m->value = v;
    m->limit = floor(v) + 1.0; /* the next whole ms */
}

/* count events in `minutes`: ceiling at +20% or one more event, whichever is larger */
static void add_per_min_ceiling(measures *ms, const char *rec, const char *metric, size_t count,
                                double minutes)
{
    measure *m = &ms->m[ms->n++];
    snprintf(m->recording, sizeof m->recording, "%s", rec);
    m->metric = metric;
    m->bound = AT_MOST;
    m->value = (double)count / minutes;
    const double more = (double)count * 1.2 > (double)count + 1.0 ? (double)count * 1.2
                                                                   : (double)count + 1.0;
    m->limit = ceil_to(more / minutes, 0.1);
}

/* --- the MEP files ----------------------------------------------------------------- */

typedef struct mep_file {
    const char *id, *what;
} mep_file;

/* reference/data/metadata_table.xlsx. ID10_2 is left out: in this copy its
 * samples and features are identical to ID10_1's. */
static const mep_file mep_files[] = {
    {"ID01", "FDI, single pulse"},   {"ID02", "TA, LICI (pairs 100 ms apart, joined)"},
    {"ID03", "TA, repetitive (1 s)"}, {"ID04", "TA, SICF 1.4 ms"},
    {"ID05", "TA, SICF 3.0 ms"},     {"ID06", "TA, SICF 7.0 ms"},
    {"ID10_1", "ECR, recruitment curve"},
};
#define N_MEP (sizeof mep_files / sizeof mep_files[0])

typedef struct mep_row {
    char name[32];
    const char *what;
    real_mep_result r;
} mep_row;

static void mep_measures(measures *ms, const mep_row *row)
{
    const real_mep_result *r = &row->r;
    add_rate_floor(ms, row->name, "detection_rate",
                   r->references ? (double)r->detected / (double)r->references : 0.0);
    add_ms_ceiling(ms, row->name, "onset_err_abs_p95_ms", r->err_abs_p95_ms);
    add_ms_ceiling(ms, row->name, "begin_latency_median_ms", r->latency_median_ms);
    add_per_min_ceiling(ms, row->name, "other_per_min", r->other, r->minutes);
}

/* --- the recordings without twitches ---------------------------------------------- */

typedef struct rest_row {
    char name[64];    /* recording/channel */
    const char *what;
    double seconds;
    real_run run;
    long on_qrs;      /* twitches with onset within 100 ms of an R peak; -1: not an ECG file */
    size_t beats;
    double bpm;
    double qrs_chance; /* fraction of the recording within the window of a beat */
    long in_gesture;  /* UCI: twitches with onset in a cued gesture; -1: not UCI */
} rest_row;

#define MAX_REST 32

typedef struct report {
    mep_row mep[N_MEP + 1]; /* + all files pooled */
    size_t n_mep;
    rest_row rest[MAX_REST];
    size_t n_rest;
    measures ms;
} report;

static rest_row *rest_new(report *rp, const char *name, const char *what)
{
    if (rp->n_rest == MAX_REST)
        return NULL;
    rest_row *r = &rp->rest[rp->n_rest++];
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", name);
    r->what = what;
    r->on_qrs = -1;
    r->in_gesture = -1;
    return r;
}

/* One column of a text table as one recording: the column's median removed
 * (ADC mid-scale), detected at fs_hz. */
static int run_column(report *rp, const real_table *t, size_t col, double fs_hz,
                      const char *name, const char *what)
{
    rest_row *r = rest_new(rp, name, what);
    if (!r)
        return -1;
    double *c = malloc(t->rows * sizeof *c);
    if (!c)
        return -1;
    for (size_t i = 0; i < t->rows; i++)
        c[i] = t->v[i * t->cols + col];
    const double mid = real_quantile(c, t->rows, 0.5, 0);
    free(c);
    float *x = real_table_column(t, col, mid);
    const int rc = x ? real_detect(x, NULL, 0.0f, t->rows, fs_hz, &r->run) : -1;
    free(x);
    r->seconds = (double)t->rows / fs_hz;
    return rc;
}

static int run_text(report *rp, const char *dir, const char *file, size_t first_col,
                    double fs_hz, const char *what)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    real_table t;
    if (real_table_read(path, &t) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    if (fs_hz <= 0.0) /* from the time column, s */
        fs_hz = (double)(t.rows - 1) / (t.v[(t.rows - 1) * t.cols] - t.v[0]);
    int rc = 0;
    for (size_t c = first_col; c < t.cols && rc == 0; c++) {
        char name[64];
        if (t.cols - first_col > 1)
            snprintf(name, sizeof name, "%s ch%zu", file, c - first_col + 1);
        else
            snprintf(name, sizeof name, "%s", file);
        rc = run_column(rp, &t, c, fs_hz, name, what);
    }
    real_table_free(&t);
    return rc;
}

/* Recordings with ECG crosstalk: which detections fall on a QRS complex. The
 * beats are taken from the channel whose RR intervals are the most regular
 * (the ECG is one source, seen by every channel). */
#define QRS_WINDOW_MS 100.0

static int run_ecg(report *rp, const char *dir, const char *file, double fs, const char *what)
{
    const size_t first = rp->n_rest;
    if (run_text(rp, dir, file, 0, fs, what) != 0)
        return -1;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    real_table t;
    if (real_table_read(path, &t) != 0)
        return -1;
    const size_t max_beats = (size_t)((double)t.rows / fs * 4.0) + 4;
    uint64_t *beats = malloc(max_beats * sizeof *beats), *best = malloc(max_beats * sizeof *best);
    size_t n_best = 0;
    double best_cv = INFINITY, best_bpm = 0.0;
    for (size_t c = 0; c < t.cols && beats && best; c++) {
        float *x = real_table_column(&t, c, 0.0);
        const size_t nb = x ? real_ecg_rpeaks(x, t.rows, fs, beats, max_beats) : 0;
        free(x);
        double bpm;
        const double cv = real_ecg_rr_cv(beats, nb, fs, &bpm);
        if (cv < best_cv && bpm >= 40.0 && bpm <= 180.0) {
            best_cv = cv;
            best_bpm = bpm;
            n_best = nb;
            memcpy(best, beats, nb * sizeof *best);
        }
    }
    const size_t n = t.rows;
    real_table_free(&t);
    free(beats);
    if (!best || n_best == 0) {
        fprintf(stderr, "%s: no regular heartbeat found\n", file);
        free(best);
        return -1;
    }
    /* the part of the recording within the window of a beat: the chance that
     * a detection placed at random falls on a QRS */
    const double win = QRS_WINDOW_MS * 1e-3 * fs;
    double covered = 0.0, reach = 0.0;
    for (size_t b = 0; b < n_best; b++) {
        const double lo = fmax((double)best[b] - win, reach), hi = fmin((double)best[b] + win, (double)n);
        covered += hi > lo ? hi - lo : 0.0;
        reach = fmax(reach, hi);
    }
    for (size_t i = first; i < rp->n_rest; i++) {
        rest_row *r = &rp->rest[i];
        r->on_qrs = 0;
        r->beats = n_best;
        r->bpm = best_bpm;
        r->qrs_chance = covered / (double)n;
        for (size_t k = 0; k < r->run.n; k++) {
            for (size_t b = 0; b < n_best; b++) {
                if (fabs((double)r->run.tw[k].onset - (double)best[b]) <= win) {
                    r->on_qrs++;
                    break;
                }
            }
        }
    }
    free(best);
    return 0;
}

/* PhysioNet emgdb: raw counts through the int16 entry point (the rails of the
 * neuropathy record are flagged as clipping). */
static int run_wfdb(report *rp, const char *dir, const char *rec, const char *what)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/physionet-emgdb/%s.hea", dir, rec);
    real_wfdb w;
    if (real_wfdb_read(path, &w) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    char name[64];
    snprintf(name, sizeof name, "physionet-emgdb/%s", rec);
    rest_row *r = rest_new(rp, name, what);
    int rc = -1;
    if (r && w.baseline == 0.0) {
        r->seconds = (double)w.n / w.fs_hz;
        rc = real_detect(NULL, w.counts, (float)(1.0 / w.gain_per_unit), w.n, w.fs_hz, &r->run);
    }
    real_wfdb_free(&w);
    return rc;
}

/* UCI gestures: rows at a nominal 1 ms with gaps, the Myo's ~200 Hz held.
 * Resampled onto a uniform 1 kHz grid by holding the last row (what the
 * file's own duplicate rows already do); twitches whose onset lies in a cued
 * gesture (class 2..7) are counted apart. */
static int run_uci(report *rp, const char *dir)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/uci-emg-gestures/01/1_raw_data_13-12_22.03.16.txt", dir);
    real_table t;
    if (real_table_read(path, &t) != 0 || t.cols != 10) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    const double t0 = t.v[0], t1 = t.v[(t.rows - 1) * t.cols];
    const size_t n = (size_t)(t1 - t0) + 1;
    float *x = malloc(n * sizeof *x);
    unsigned char *cls = malloc(n);
    int rc = x && cls ? 0 : -1;
    for (size_t c = 1; c <= 8 && rc == 0; c++) {
        size_t row = 0;
        for (size_t i = 0; i < n; i++) {
            while (row + 1 < t.rows && t.v[(row + 1) * t.cols] <= t0 + (double)i)
                row++;
            x[i] = (float)t.v[row * t.cols + c];
            cls[i] = (unsigned char)t.v[row * t.cols + 9];
        }
        char name[64];
        snprintf(name, sizeof name, "uci-emg-gestures ch%zu", c);
        rest_row *r = rest_new(rp, name, "Myo armband, 7 held gestures x2");
        if (!r || real_detect(x, NULL, 0.0f, n, 1000.0, &r->run) != 0) {
            rc = -1;
            break;
        }
        r->seconds = (double)n / 1000.0;
        r->in_gesture = 0;
        for (size_t k = 0; k < r->run.n; k++)
            r->in_gesture += r->run.tw[k].onset < n && cls[r->run.tw[k].onset] >= 2;
    }
    free(x);
    free(cls);
    real_table_free(&t);
    return rc;
}

/* --- measuring everything ---------------------------------------------------------- */

static int measure_all(report *rp, const char *dir)
{
    /* 1. MEPs, per file and pooled */
    mep_row *all = &rp->mep[N_MEP];
    snprintf(all->name, sizeof all->name, "mep all");
    all->what = "all files pooled";
    size_t max_det = 0;
    for (size_t i = 0; i < N_MEP; i++) {
        mep_row *row = &rp->mep[rp->n_mep];
        snprintf(row->name, sizeof row->name, "mep %s", mep_files[i].id);
        row->what = mep_files[i].what;
        if (real_mep_run(dir, mep_files[i].id, &row->r) != 0)
            return -1;
        rp->n_mep++;
        max_det += row->r.detected;
    }
    real_mep_result *p = &all->r;
    p->err_ms = malloc((max_det + 1) * sizeof *p->err_ms);
    p->latency_ms = malloc((max_det + 1) * sizeof *p->latency_ms);
    if (!p->err_ms || !p->latency_ms)
        return -1;
    for (size_t i = 0; i < rp->n_mep; i++) {
        const real_mep_result *r = &rp->mep[i].r;
        memcpy(p->err_ms + p->detected, r->err_ms, r->detected * sizeof *r->err_ms);
        memcpy(p->latency_ms + p->detected, r->latency_ms, r->detected * sizeof *r->latency_ms);
        p->trials += r->trials;
        p->scored += r->scored;
        p->references += r->references;
        p->detected += r->detected;
        p->other += r->other;
        p->early += r->early;
        p->joined += r->joined;
        p->minutes += r->minutes;
    }
    p->err_median_ms = real_quantile(p->err_ms, p->detected, 0.5, 0);
    p->err_abs_p95_ms = real_quantile(p->err_ms, p->detected, 0.95, 1);
    p->latency_median_ms = real_quantile(p->latency_ms, p->detected, 0.5, 0);
    p->latency_p95_ms = real_quantile(p->latency_ms, p->detected, 0.95, 0);
    for (size_t i = 0; i <= rp->n_mep; i++)
        mep_measures(&rp->ms, &rp->mep[i]);

    /* 2. recordings without twitches; fs 0: from the time column */
    if (run_text(rp, dir, "biosppy/emg.txt", 0, 1000.0, "surface EMG, near rest") != 0 ||
        run_ecg(rp, dir, "emggo/ecg_contaminated.csv", 2048.0,
                "surface EMG, heavy ECG crosstalk") != 0 ||
        run_wfdb(rp, dir, "emg_healthy", "needle EMG, gentle contraction then rest") != 0 ||
        run_wfdb(rp, dir, "emg_myopathy", "needle EMG, myopathy") != 0 ||
        run_wfdb(rp, dir, "emg_neuropathy", "needle EMG, neuropathy (clipped)") != 0 ||
        run_text(rp, dir, "biosppy/emg_1.txt", 0, 1000.0, "surface EMG, activations") != 0 ||
        run_text(rp, dir, "kineticstoolkit-emg/emg_biceps_brachii.csv", 1, 0.0,
                 "biceps EMG, bursts every ~0.4 s") != 0 ||
        run_ecg(rp, dir, "emggo/sample_data.csv", 250.0,
                "tibialis EMG, ballistic dorsiflexions (250 Hz), ECG crosstalk") != 0 ||
        run_uci(rp, dir) != 0)
        return -1;
    for (size_t i = 0; i < rp->n_rest; i++) {
        const rest_row *r = &rp->rest[i];
        const double minutes = r->seconds / 60.0;
        for (size_t k = 0; getenv("LTR_REAL_VERBOSE") && k < r->run.n; k++)
            fprintf(stderr, "%s: twitch at %.3f s, %.1f ms long, amplitude %.4g, flags 0x%x\n",
                    r->name, (double)r->run.tw[k].onset / r->run.fs_hz,
                    1e3 * (double)(r->run.tw[k].offset - r->run.tw[k].onset) / r->run.fs_hz,
                    (double)r->run.tw[k].amplitude, (unsigned)r->run.tw[k].flags);
        add_per_min_ceiling(&rp->ms, r->name, "twitches_per_min", r->run.n, minutes);
        if (r->on_qrs >= 0)
            add_per_min_ceiling(&rp->ms, r->name, "on_qrs_per_min", (size_t)r->on_qrs, minutes);
    }
    return 0;
}

static void report_free(report *rp)
{
    for (size_t i = 0; i <= N_MEP; i++)
        real_mep_free(&rp->mep[i].r);
    for (size_t i = 0; i < rp->n_rest; i++)
        real_run_free(&rp->rest[i].run);
}

/* --- output ------------------------------------------------------------------------ */

static void print_limits(const measures *ms)
{
    printf("/* ===================== LIMITS: the detector on real recordings =====================\n"
           " * Rows of the limits table in real_data.c (included inside its initialiser).\n"
           " * {recording, metric, AT_LEAST or AT_MOST, limit}: today's values with a margin\n"
           " * (detection rate rounded down to 0.05; p95 |onset error| and median BEGIN latency\n"
           " * up to the next whole ms; rates per minute +20%% or +1 event, rounded up to 0.1).\n"
           " * To update after a change of the detector, print today's rows and paste them here:\n"
           " *     build/tests/real/ltr-real-data ../shared/data --print\n"
           " * (the rows come first, then the Markdown report for README.md).\n"
           " * ==================================================================================== */\n");
    for (size_t i = 0; i < ms->n; i++) {
        const measure *m = &ms->m[i];
        char rec[80], met[48];
        snprintf(rec, sizeof rec, "\"%s\",", m->recording);
        snprintf(met, sizeof met, "\"%s\",", m->metric);
        printf("{%-38s %-27s %-9s %6.2f}, /* today %.3f */\n", rec, met,
               m->bound == AT_LEAST ? "AT_LEAST," : "AT_MOST,", m->limit, m->value);
    }
}

static void print_markdown(const report *rp)
{
    printf("\nMotor-evoked potentials (MEPFeatX, 3 kHz, one EMG channel; each trial after ~1 s of "
           "its own pre-stimulus EMG mirrored; detected: a twitch onset within %.0f ms of "
           "MEPFeatX's onset; onset error = detected onset - stimulus - reference latency; "
           "BEGIN latency from the reference onset; other detections include the twitches of "
           "the missed MEPs whose onset was found > %.0f ms early):\n\n",
           REAL_MEP_MATCH_MS, REAL_MEP_MATCH_MS);
    printf("| file | muscle, paradigm | trials | reference MEPs | detected | detection rate | "
           "onset error median (ms) | abs. onset error p95 (ms) | BEGIN latency median (ms) | "
           "BEGIN latency p95 (ms) | missed: onset > %.0f ms early | other detections | "
           "other per min |\n", REAL_MEP_MATCH_MS);
    printf("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
    for (size_t i = 0; i <= rp->n_mep; i++) {
        const mep_row *m = &rp->mep[i];
        const real_mep_result *r = &m->r;
        const int bold = i == rp->n_mep;
        printf("| %s%s%s | %s | %zu | %zu | %zu | %.3f | %.1f | %.1f | %.1f | %.1f | %zu | %zu | "
               "%.2f |\n",
               bold ? "**" : "", m->name + 4, bold ? "**" : "", m->what, r->trials, r->references,
               r->detected, r->references ? (double)r->detected / (double)r->references : 0.0,
               r->err_median_ms, r->err_abs_p95_ms, r->latency_median_ms, r->latency_p95_ms,
               r->early, r->other, (double)r->other / r->minutes);
    }
    printf("\nRecordings without twitches: rest, ECG crosstalk, needle EMG, voluntary activity "
           "(each channel on its own detector):\n\n");
    printf("| recording | what | duration (s) | twitches | per min | cancelled >= 1 s | "
           "artifacts (dropouts) | of the twitches |\n");
    printf("|---|---|--:|--:|--:|--:|--:|---|\n");
    for (size_t i = 0; i < rp->n_rest; i++) {
        const rest_row *r = &rp->rest[i];
        char note[128] = "-";
        if (r->on_qrs >= 0)
            snprintf(note, sizeof note,
                     "%ld within %.0f ms of an R peak (chance %.1f; %zu beats, %.0f bpm)",
                     r->on_qrs, QRS_WINDOW_MS, r->qrs_chance * (double)r->run.n, r->beats, r->bpm);
        else if (r->in_gesture >= 0)
            snprintf(note, sizeof note, "%ld in a cued gesture", r->in_gesture);
        printf("| %s | %s | %.1f | %zu | %.1f | %zu | %zu (%zu) | %s |\n", r->name, r->what,
               r->seconds, r->run.n, (double)r->run.n / (r->seconds / 60.0),
               r->run.cancelled_long, r->run.artifacts, r->run.dropouts, note);
    }
}

/* Check the measures against the table; every measure needs a row and every
 * row a measure. Returns the number of failures. */
static int check(const measures *ms)
{
    int failed = 0;
    for (size_t i = 0; i < ms->n; i++) {
        const measure *m = &ms->m[i];
        const real_limit *l = limits;
        while (l->recording && !(strcmp(l->recording, m->recording) == 0 &&
                                 strcmp(l->metric, m->metric) == 0))
            l++;
        if (!l->recording) {
            printf("NO LIMIT  %-38s %-26s %8.3f (add it: --print)\n", m->recording, m->metric,
                   m->value);
            failed++;
            continue;
        }
        const int ok = l->bound == AT_LEAST ? m->value >= l->limit - 1e-9
                                            : m->value <= l->limit + 1e-9;
        printf("%-9s %-38s %-26s %8.3f %s %.2f\n", ok ? "ok" : "FAIL", m->recording, m->metric,
               m->value, l->bound == AT_LEAST ? ">=" : "<=", l->limit);
        failed += !ok;
    }
    for (const real_limit *l = limits; l->recording; l++) {
        size_t i = 0;
        while (i < ms->n && !(strcmp(l->recording, ms->m[i].recording) == 0 &&
                              strcmp(l->metric, ms->m[i].metric) == 0))
            i++;
        if (i == ms->n) {
            printf("NOT MEASURED  %s %s: remove the row or restore the measure\n", l->recording,
                   l->metric);
            failed++;
        }
    }
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--print") != 0)) {
        fprintf(stderr, "usage: %s DATA_DIR [--print]\n", argv[0]);
        return 2;
    }
    struct stat st;
    if (stat(argv[1], &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("%s: no such folder: real-data checks skipped\n", argv[1]);
        return SKIP;
    }
    static report rp; /* large: kept off the stack */
    if (measure_all(&rp, argv[1]) != 0) {
        fprintf(stderr, "%s: a recording could not be read or run\n", argv[1]);
        report_free(&rp);
        return 1;
    }
    int rc = 0;
    if (argc == 3) {
        print_limits(&rp.ms);
        print_markdown(&rp);
    } else {
        const int failed = check(&rp.ms);
        if (failed)
            printf("\n%d of the checks failed. If the change is intended, re-print the table:\n"
                   "    %s %s --print\n",
                   failed, argv[0], argv[1]);
        rc = failed ? 1 : 0;
    }
    report_free(&rp);
    return rc;
}
