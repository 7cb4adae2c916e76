/*
 * Accuracy and latency: libltr against the classic onset detectors
 * (bench/baselines), on the same recordings, through the same scorer
 * (libltr-eval: one-to-one matching within a tolerance on the onset).
 *
 * Recordings:
 *  - every named scenario of libltr-sim (the 1-hour "session" only with
 *    --session), generated in memory with its exact ground truth;
 *  - the real motor-evoked potentials of ../shared/data/mepfeatx-tms-mep
 *    (see its README.txt), skipped when the folder is absent. Each file's
 *    trials (-50..+150 or +100 ms around a TMS pulse, 3 kHz) are joined into
 *    one stream, each trial shifted by its pre-stimulus mean. A trial holds a
 *    twitch if MEPFeatX's reference features give it a peak-to-peak amplitude
 *    >= 50 uV (the usual MEP criterion) and a latency; its true onset is the
 *    stimulus + that latency (an algorithm's output, the best reference the
 *    data has). The TMS pulse itself is a "stim" truth element, so that the
 *    detections it causes are counted as such.
 *
 * libltr runs with ltr_config_default() for the recording's sensors (the mains
 * it finds itself), in 32-frame blocks; a twitch is its END event (onset..offset),
 * decided at its BEGIN event's frame. On the MEP streams it also runs with
 * the stimulus announced by ltr_detector_mark (as a stimulator would), and on
 * simulated recordings with needle movements with each movement announced
 * (LTR_MARK_NEEDLE at its true onset), as a needling device could.
 * Baselines see the first EMG channel (or, without EMG, the magnitude of the
 * accelerometer band-passed 5-100 Hz), and a rest reference: the 500 ms window
 * of median power of the whole record (MEP: the pre-stimulus stretches).
 *
 * Fresh seeds: every scenario again at seeds 100-119 (3 with --quick), which no
 * tuning ever looked at (data/ and the tables above use the scenarios' own seeds
 * 1 or 5 and +1000, +2000, ...): libltr's F1 there beside the tuned seeds', and the
 * best baseline's, pooled per scenario and over all.
 *
 * usage: bench_accuracy [--data DIR] [--session] [--quick] [--mep-only] [--json PATH]
 *        (--mep-only: the MEP recordings alone, for quick checks of a change)
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baselines/baselines.h"
#include "bench_util.h"
#include "ltr/ltr.h"
#include "ltr/ltr_eval.h"
#include "ltr/ltr_sim.h"

/* --- recordings ------------------------------------------------------------------ */

typedef struct recording {
    char name[64];
    const char *group;      /* "sim" or "mep" */
    double fs;
    unsigned nc;
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    double mains_hz;
    float *x;               /* interleaved */
    size_t n_frames;
    ltr_eval_truth *truth;
    size_t n_truth;
    double tolerance_s;
    int acc_only;
    /* MEP only: stimulus frames and the documented onset window, ms after it */
    uint64_t *stim;
    size_t n_stim;
    /* what a device would announce with ltr_detector_mark: the MEP stimuli, or the
     * simulated needle movements */
    uint64_t *mark;
    ltr_mark *mark_kind;
    size_t n_mark;
    double window_lo_ms, window_hi_ms;
} recording;

static void recording_free(recording *r)
{
    free(r->x);
    free(r->truth);
    free(r->stim);
    free(r->mark);
    free(r->mark_kind);
    memset(r, 0, sizeof *r);
}

/* seed 0: the scenario's own seed + seed_offset; else exactly that seed */
static int load_sim(const char *scenario, uint64_t seed_offset, uint64_t seed, recording *r)
{
    ltr_sim_params p;
    if (ltr_sim_scenario(scenario, &p) != LTR_SIM_OK)
        return -1;
    p.seed = seed ? seed : p.seed + seed_offset;
    ltr_sim *sim;
    ltr_sim_status st = ltr_sim_create(&sim, &p);
    if (st != LTR_SIM_OK) {
        fprintf(stderr, "%s: %s\n", scenario, ltr_sim_status_string(st));
        return -1;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", scenario);
    r->group = "sim";
    r->fs = p.sample_rate_hz;
    r->nc = ltr_sim_channels(sim);
    for (unsigned c = 0; c < r->nc; c++)
        r->sensors[c] = ltr_sim_channel_sensor(sim, c);
    r->mains_hz = p.mains_hz;
    r->acc_only = p.n_emg == 0;
    r->n_frames = (size_t)ltr_sim_total_frames(sim);
    r->x = bench_xmalloc(r->n_frames * r->nc * sizeof *r->x);
    size_t got = 0;
    while (got < r->n_frames) {
        size_t n = 0;
        st = ltr_sim_generate(sim, r->x + got * r->nc, r->n_frames - got, &n);
        if (st != LTR_SIM_OK || n == 0)
            break;
        got += n;
    }
    r->n_frames = got;
    size_t nt = 0;
    const ltr_sim_event *truth = ltr_sim_truth(sim, &nt);
    r->truth = bench_xcalloc(nt, sizeof *r->truth);
    r->mark = bench_xcalloc(nt, sizeof *r->mark);
    r->mark_kind = bench_xcalloc(nt, sizeof *r->mark_kind);
    for (size_t i = 0; i < nt; i++) {
        if (truth[i].kind == LTR_SIM_NEEDLE) {
            r->mark[r->n_mark] = truth[i].onset;
            r->mark_kind[r->n_mark++] = LTR_MARK_NEEDLE;
        }
        r->truth[i].onset_s = (double)truth[i].onset / r->fs;
        r->truth[i].duration_s = (double)truth[i].duration / r->fs;
        r->truth[i].kind = ltr_eval_kind_from_name(ltr_sim_kind_name(truth[i].kind));
    }
    r->n_truth = nt;
    ltr_eval_options opt;
    ltr_eval_options_default(&opt);
    r->tolerance_s = opt.tolerance_s;
    ltr_sim_destroy(sim);
    return 0;
}

/* --- MEP data: CSV columns of trials, MEPFeatX features -------------------------------- */

typedef struct mep_file {
    const char *id;
    const char *muscle;
    double lo_ms, hi_ms; /* adult onset window, reference/data/onset_threshold.xlsx */
} mep_file;

static const mep_file mep_files[] = {
    {"ID01", "FDI (hand)", 18.0, 28.0},     {"ID02", "TA (tibialis)", 25.0, 42.0},
    {"ID03", "TA (tibialis)", 25.0, 42.0},  {"ID04", "TA (tibialis)", 25.0, 42.0},
    {"ID05", "TA (tibialis)", 25.0, 42.0},  {"ID06", "TA (tibialis)", 25.0, 42.0},
    {"ID10_1", "ECR (forearm)", 13.0, 22.0},
    /* ID10_2 is left out: in this copy its samples and its features are identical to
     * ID10_1's (only the CSV comment differs), so it would count the same trials twice. */
};
#define N_MEP_FILES (sizeof mep_files / sizeof mep_files[0])
#define MEP_FS 3000.0
#define MEP_STIM_INDEX 150u /* the TMS pulse, 0-based row of every trial */

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = bench_xmalloc((size_t)len + 1);
    size_t got = fread(s, 1, (size_t)len, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

/* Skip '#' lines and the header row; parse rows of comma-separated numbers into a
 * rows x cols matrix (row-major). Returns rows, or 0 on error. */
static size_t parse_matrix(char *text, size_t *cols, double **out)
{
    char *line = text;
    while (*line == '#') {
        line = strchr(line, '\n');
        if (!line)
            return 0;
        line++;
    }
    /* header row: count columns */
    size_t nc = 1;
    char *eol = strchr(line, '\n');
    if (!eol)
        return 0;
    for (char *c = line; c < eol; c++)
        nc += *c == ',';
    line = eol + 1;
    size_t cap = 1024, rows = 0;
    double *m = bench_xmalloc(cap * nc * sizeof *m);
    while (*line) {
        char *end;
        if (*line == '\n' || *line == '\r') {
            line++;
            continue;
        }
        if (rows == cap) {
            cap *= 2;
            double *g = realloc(m, cap * nc * sizeof *m);
            if (!g) {
                free(m);
                return 0;
            }
            m = g;
        }
        for (size_t c = 0; c < nc; c++) {
            m[rows * nc + c] = strtod(line, &end);
            if (end == line) {
                m[rows * nc + c] = NAN;
            }
            line = end;
            while (*line == ',' || *line == ' ' || *line == '\r')
                line++;
        }
        while (*line && *line != '\n')
            line++;
        rows++;
    }
    *cols = nc;
    *out = m;
    return rows;
}

/* rest_s > 0: rest_s seconds of rest go before every trial, as the 4-6 s between pulses
 * of the real session would (they were not recorded): the trial's own pre-stimulus rows
 * (-50 .. -0.3 ms) played back and forth, as tests/real does, so that the rest has the
 * spectrum of the trial's background. (Until 12/2026 it was white Gaussian noise of the
 * same SD: its in-band power differs from the EMG's, and a detector sensitive to a few dB
 * saw a step at every trial's start.) */
static size_t mirror_pre(size_t d)
{
    const size_t period = 2u * (MEP_STIM_INDEX - 1u);
    const size_t m = d % period;
    return m <= MEP_STIM_INDEX - 1u ? m : period - m;
}

static int load_mep(const char *data_dir, const mep_file *mf, double rest_s, recording *r)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/mepfeatx-tms-mep/csv/%s.csv", data_dir, mf->id);
    char *text = slurp(path);
    if (!text)
        return -1;
    size_t n_trials = 0;
    double *m = NULL;
    const size_t len = parse_matrix(text, &n_trials, &m);
    free(text);
    snprintf(path, sizeof path, "%s/mepfeatx-tms-mep/reference/features/%s_features.csv",
             data_dir, mf->id);
    text = slurp(path);
    if (!text || len <= MEP_STIM_INDEX) {
        free(text);
        free(m);
        return -1;
    }
    size_t n_feat_cols = 0;
    double *feat = NULL;
    const size_t n_feat = parse_matrix(text, &n_feat_cols, &feat);
    free(text);
    if (n_feat != n_trials || n_feat_cols < 7) {
        fprintf(stderr, "%s: %zu feature rows for %zu trials\n", mf->id, n_feat, n_trials);
        free(feat);
        free(m);
        return -1;
    }
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "mep %s %s%s", mf->id, mf->muscle,
             rest_s > 0.0 ? " + rest" : "");
    r->group = "mep";
    r->fs = MEP_FS;
    r->nc = 1;
    r->sensors[0] = LTR_SENSOR_EMG;
    r->mains_hz = 50.0; /* recorded in Finland */
    const size_t gap = (size_t)llround(rest_s * MEP_FS);
    const size_t stride = gap + len;
    r->n_frames = stride * n_trials;
    bench_rng rng;
    bench_rng_seed(&rng, 2024u);
    r->x = bench_xmalloc(r->n_frames * sizeof *r->x);
    r->truth = bench_xcalloc(2 * n_trials, sizeof *r->truth);
    r->stim = bench_xcalloc(n_trials, sizeof *r->stim);
    r->mark = bench_xcalloc(n_trials, sizeof *r->mark);
    r->mark_kind = bench_xcalloc(n_trials, sizeof *r->mark_kind);
    r->window_lo_ms = mf->lo_ms;
    r->window_hi_ms = mf->hi_ms;
    r->tolerance_s = 0.010;
    const size_t pre = MEP_STIM_INDEX - 30; /* pre-stimulus mean: -50 .. -10 ms */
    for (size_t t = 0; t < n_trials; t++) {
        double mean = 0.0;
        for (size_t i = 0; i < pre; i++)
            mean += m[i * n_trials + t];
        mean /= (double)pre;
        double var = 0.0;
        for (size_t i = 0; i < pre; i++)
            var += (m[i * n_trials + t] - mean) * (m[i * n_trials + t] - mean);
        const double sd = isfinite(var) ? sqrt(var / (double)pre) : 0.0;
        (void)sd;
        for (size_t i = 0; i < gap; i++) {
            const double v = m[mirror_pre(gap - i) * n_trials + t];
            r->x[t * stride + i] = (float)(isfinite(v) ? v - mean : 0.0);
        }
        const size_t t0 = t * stride + gap;
        for (size_t i = 0; i < len; i++) {
            const double v = m[i * n_trials + t];
            r->x[t0 + i] = (float)(isfinite(v) ? v - mean : 0.0);
        }
        const double stim_s = (double)(t0 + MEP_STIM_INDEX) / MEP_FS;
        r->stim[r->n_stim++] = t0 + MEP_STIM_INDEX;
        r->mark[r->n_mark] = t0 + MEP_STIM_INDEX;
        r->mark_kind[r->n_mark++] = LTR_MARK_STIM;
        ltr_eval_truth *st = &r->truth[r->n_truth++];
        st->onset_s = stim_s;
        st->duration_s = 0.005;
        st->kind = LTR_EVAL_STIM;
        /* features: Amplitude (uV), Latency (ms), AUC, Thickness, nTurns, nPhases, Duration (ms) */
        const double amp = feat[t * n_feat_cols + 0];
        const double lat_ms = feat[t * n_feat_cols + 1];
        const double dur_ms = feat[t * n_feat_cols + 6];
        if (isfinite(amp) && amp >= 50.0 && isfinite(lat_ms) && lat_ms > 0.0) {
            ltr_eval_truth *tw = &r->truth[r->n_truth++];
            tw->onset_s = stim_s + lat_ms * 1e-3;
            tw->duration_s = isfinite(dur_ms) && dur_ms > 0.0 ? dur_ms * 1e-3 : 0.02;
            tw->kind = LTR_EVAL_TWITCH;
        }
    }
    free(m);
    free(feat);
    return 0;
}

/* --- detections -------------------------------------------------------------------- */

typedef struct detections {
    ltr_eval_detection *d;
    size_t n, cap;
} detections;

static void det_push(detections *ds, double onset_s, double dur_s, double decided_s)
{
    if (ds->n == ds->cap) {
        ds->cap = ds->cap ? 2 * ds->cap : 64;
        ltr_eval_detection *p = realloc(ds->d, ds->cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        ds->d = p;
    }
    ltr_eval_detection *d = &ds->d[ds->n++];
    d->onset_s = onset_s;
    d->duration_s = dur_s >= 0.0 ? dur_s : 0.0;
    d->decided_s = decided_s;
}

/* BEGIN frames by id, to give each END its decision time */
typedef struct begin_map {
    uint64_t *frame; /* indexed by id % cap */
    uint32_t *id;
    size_t cap;
} begin_map;

/* What libltr emitted, to tell the lead why it missed or over-detected. */
typedef struct ltr_counts {
    size_t begin, end, evoked, cancel_long, cancel_short, cancel_artifact, artifact, marked;
} ltr_counts;

static void collect(const recording *r, const ltr_event *ev, size_t n, begin_map *bm,
                    double offset_s, ltr_counts *cnt, detections *out)
{
    for (size_t i = 0; i < n; i++) {
        const ltr_event *e = &ev[i];
        if (e->kind == LTR_EVENT_CANCEL) {
            cnt->cancel_long += (e->flags & LTR_FLAG_TOO_LONG) != 0;
            cnt->cancel_short += (e->flags & LTR_FLAG_TOO_SHORT) != 0;
            cnt->cancel_artifact += (e->flags & LTR_FLAG_ARTIFACT) != 0;
        } else if (e->kind == LTR_EVENT_ARTIFACT) {
            cnt->artifact++;
            cnt->marked += (e->flags & LTR_FLAG_MARKED) != 0;
        }
        if (e->kind == LTR_EVENT_BEGIN) {
            cnt->begin++;
            bm->frame[e->id % bm->cap] = e->detected;
            bm->id[e->id % bm->cap] = e->id;
        } else if (e->kind == LTR_EVENT_END && (e->flags & LTR_FLAG_EVOKED) &&
                   strcmp(r->group, "mep") != 0) {
            cnt->evoked++; /* a response to a stimulation pulse: not an LTR */
        } else if (e->kind == LTR_EVENT_END) {
            double decided = NAN;
            cnt->end++;
            if (bm->id[e->id % bm->cap] == e->id)
                decided = offset_s + (double)bm->frame[e->id % bm->cap] / r->fs;
            det_push(out, offset_s + (double)e->onset / r->fs,
                     (double)(e->offset - e->onset) / r->fs, decided);
        }
    }
}

/* Run libltr over the recording in 32-frame blocks; returns the processing time, ns. */
static double run_libltr(const recording *r, int use_marks, double offset_s, ltr_counts *cnt,
                         detections *out, uint64_t *fixed_delay)
{
    ltr_config cfg;
    bench_check(ltr_config_default(&cfg, r->fs, r->nc, r->sensors), "ltr_config_default");
    /* no settings: libltr finds the mains itself (LTR_MAINS_AUTO, the default); the
     * baselines are given the recording's true mains frequency */
    ltr_detector *det;
    bench_check(ltr_detector_create(&det, &cfg), "ltr_detector_create");
    *fixed_delay = ltr_detector_latency_frames(det);
    enum { BLOCK = 32 };
    const size_t max_events = ltr_detector_max_events(det, BLOCK);
    ltr_event *ev = bench_xcalloc(max_events, sizeof *ev);
    begin_map bm = {bench_xcalloc(4096, sizeof(uint64_t)), bench_xcalloc(4096, sizeof(uint32_t)),
                    4096};
    for (size_t i = 0; i < bm.cap; i++)
        bm.id[i] = UINT32_MAX;
    size_t next_mark = 0;
    double ns = 0.0;
    for (size_t i = 0; i < r->n_frames; i += BLOCK) {
        const size_t n = r->n_frames - i < BLOCK ? r->n_frames - i : BLOCK;
        /* announce a stimulus or needle movement one block before it arrives */
        while (use_marks && next_mark < r->n_mark && r->mark[next_mark] < i + 2 * BLOCK) {
            bench_check(ltr_detector_mark(det, r->mark_kind[next_mark], r->mark[next_mark]),
                        "mark");
            next_mark++;
        }
        size_t got = 0;
        const uint64_t t0 = bench_now_ns();
        ltr_status st = ltr_detector_process(det, r->x + i * r->nc, n, ev, max_events, &got);
        ns += (double)(bench_now_ns() - t0);
        if (st < 0)
            bench_check(st, "ltr_detector_process");
        collect(r, ev, got, &bm, offset_s, cnt, out);
    }
    ltr_status st;
    do {
        size_t got = 0;
        st = ltr_detector_flush(det, ev, max_events, &got);
        collect(r, ev, got, &bm, offset_s, cnt, out);
    } while (st == LTR_MORE_EVENTS);
    ltr_detector_destroy(det);
    free(ev);
    free(bm.frame);
    free(bm.id);
    return ns;
}

/* --- baselines ------------------------------------------------------------------- */

/* bl_methods, their channel, front end and rest: baselines/harness.c */

static void print_header(int mep);

/* --- scoring ----------------------------------------------------------------------- */

#define N_ROWS (BL_N_METHODS + 2) /* libltr, libltr + marks, baselines */
#define GAP_BETWEEN_RECORDINGS_S 10.0

typedef struct score {
    ltr_eval_result res;
    double ns_per_frame;
    double lat_med_ms, lat_p90_ms, lat_max_ms; /* decided - true onset, matched twitches */
    size_t n_lat;
    double in_window; /* MEP: fraction of matched onsets inside the documented window */
    int offline;
} score;

/* A latency sample pool (pooled targets). */
typedef struct pool {
    double *v;
    size_t n, cap;
} pool;

static void pool_push(pool *p, double v)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 256;
        double *g = realloc(p->v, p->cap * sizeof *g);
        if (!g) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        p->v = g;
    }
    p->v[p->n++] = v;
}

/* The recordings of one scenario (several seeds) laid on one time line, GAP apart,
 * so that one call of the scorer pools them. */
typedef struct pooled {
    ltr_eval_truth *truth;
    size_t n_truth, cap_truth;
    pool stim_s;
    detections det[N_ROWS];
    double ns[N_ROWS];
    double frames, seconds, offset_s;
    double tolerance_s, window_lo_ms, window_hi_ms;
    ltr_counts counts[2];
    int has_marks, acc_only, mep;
    double fixed_delay_ms, fs;
    unsigned nc;
    size_t n_recordings;
} pooled;

static void accumulate(pooled *P, const recording *r)
{
    const double off = P->offset_s;
    P->fs = r->fs;
    P->nc = r->nc;
    P->tolerance_s = r->tolerance_s;
    P->window_lo_ms = r->window_lo_ms;
    P->window_hi_ms = r->window_hi_ms;
    P->acc_only = r->acc_only;
    P->mep = r->n_stim > 0;
    for (size_t i = 0; i < r->n_truth; i++) {
        if (P->n_truth == P->cap_truth) {
            P->cap_truth = P->cap_truth ? 2 * P->cap_truth : 256;
            ltr_eval_truth *g = realloc(P->truth, P->cap_truth * sizeof *g);
            if (!g)
                exit(1);
            P->truth = g;
        }
        P->truth[P->n_truth] = r->truth[i];
        P->truth[P->n_truth++].onset_s += off;
    }
    for (size_t k = 0; k < r->n_stim; k++)
        pool_push(&P->stim_s, off + (double)r->stim[k] / r->fs);

    uint64_t delay = 0;
    P->ns[0] += run_libltr(r, 0, off, &P->counts[0], &P->det[0], &delay);
    P->fixed_delay_ms = 1e3 * (double)delay / r->fs;
    /* with marks (identical to the run above where there is nothing to mark) */
    P->ns[1] += run_libltr(r, 1, off, &P->counts[1], &P->det[1], &delay);
    P->has_marks |= r->n_mark > 0;

    int is_acc = 0;
    float *y = bl_channel(r->x, r->n_frames, r->nc, r->sensors, r->fs, &is_acc);
    bl_input in;
    bl_input_init(&in, y, r->n_frames, r->fs, is_acc, r->nc, r->sensors, r->mains_hz);
    bl_interval *rest;
    size_t n_rest;
    if (r->n_stim) {
        /* pre-stimulus stretches: -50 .. -2 ms of every trial */
        rest = bench_xcalloc(r->n_stim, sizeof *rest);
        n_rest = r->n_stim;
        for (size_t k = 0; k < r->n_stim; k++) {
            rest[k].start = r->stim[k] - MEP_STIM_INDEX;
            rest[k].end = r->stim[k] - 6;
        }
    } else {
        rest = bench_xcalloc(1, sizeof *rest);
        n_rest = 1;
        rest[0] = bl_median_rest_window(&in);
    }
    in.rest = rest;
    in.n_rest = n_rest;
    for (size_t m = 0; m < BL_N_METHODS; m++) {
        bl_events be = {0};
        const uint64_t t0 = bench_now_ns();
        bl_methods[m]->run(&in, &be);
        P->ns[m + 2] += (double)(bench_now_ns() - t0);
        for (size_t i = 0; i < be.n; i++)
            det_push(&P->det[m + 2], off + (double)be.ev[i].onset / r->fs,
                     (double)(be.ev[i].offset - be.ev[i].onset) / r->fs,
                     off + (double)be.ev[i].decided / r->fs);
        bl_events_free(&be);
    }
    free(rest);
    free(y);
    P->frames += (double)r->n_frames;
    P->seconds += (double)r->n_frames / r->fs;
    P->offset_s += (double)r->n_frames / r->fs + GAP_BETWEEN_RECORDINGS_S;
    P->n_recordings++;
}

static void pooled_free(pooled *P)
{
    free(P->truth);
    free(P->stim_s.v);
    for (size_t k = 0; k < N_ROWS; k++)
        free(P->det[k].d);
    memset(P, 0, sizeof *P);
}

/* Score row k of P; the latencies of its matched twitches go to lat_pool if not NULL. */
static void score_row(const pooled *P, size_t k, int offline, score *s, pool *lat_pool,
                      pool *delay_pool)
{
    const detections *ds = &P->det[k];
    memset(s, 0, sizeof *s);
    ltr_eval_options opt;
    ltr_eval_options_default(&opt);
    opt.tolerance_s = P->tolerance_s;
    ptrdiff_t *tm = bench_xcalloc(P->n_truth, sizeof *tm);
    ltr_eval_status st =
        ltr_eval_score(P->truth, P->n_truth, ds->d, ds->n, &opt, &s->res, tm, NULL);
    if (st != LTR_EVAL_OK) {
        fprintf(stderr, "ltr_eval_score: %s\n", ltr_eval_status_string(st));
        exit(1);
    }
    double *lat = bench_xcalloc(P->n_truth, sizeof *lat);
    size_t nl = 0, in_win = 0, matched = 0;
    for (size_t i = 0; i < P->n_truth; i++) {
        if (tm[i] < 0)
            continue;
        const ltr_eval_detection *d = &ds->d[tm[i]];
        matched++;
        if (isfinite(d->decided_s)) {
            lat[nl++] = 1e3 * (d->decided_s - P->truth[i].onset_s);
            if (lat_pool)
                pool_push(lat_pool, lat[nl - 1]);
            if (delay_pool) /* the decision's own delay, whatever was matched */
                pool_push(delay_pool, 1e3 * (d->decided_s - d->onset_s));
        }
        if (P->stim_s.n) {
            /* the stimulus of this twitch: the last one before its true onset */
            double stim = 0.0;
            for (size_t j = 0; j < P->stim_s.n && P->stim_s.v[j] <= P->truth[i].onset_s; j++)
                stim = P->stim_s.v[j];
            const double ms = 1e3 * (d->onset_s - stim);
            in_win += ms >= P->window_lo_ms && ms <= P->window_hi_ms;
        }
    }
    bench_sort(lat, nl);
    s->n_lat = nl;
    s->lat_med_ms = bench_percentile_sorted(lat, nl, 50.0);
    s->lat_p90_ms = bench_percentile_sorted(lat, nl, 90.0);
    s->lat_max_ms = nl ? lat[nl - 1] : NAN;
    s->in_window = matched ? (double)in_win / (double)matched : NAN;
    s->ns_per_frame = P->frames > 0 ? P->ns[k] / P->frames : NAN;
    s->offline = offline;
    free(lat);
    free(tm);
}

static void print_row(const char *method, const score *s, int mep)
{
    const ltr_eval_result *e = &s->res;
    printf("  %-20s %4zu %4zu %4zu %4zu %6.3f %6.3f %6.3f %7.1f %7.1f %7.1f %7.1f %8.1f %s", method,
           e->n_truth, e->tp, e->fp, e->fn, e->sensitivity, e->ppv, e->f1,
           1e3 * e->onset_error_median_s, 1e3 * e->onset_error_abs_median_s, s->lat_med_ms,
           s->lat_p90_ms, s->ns_per_frame, s->offline ? "offline" : "online");
    if (mep)
        printf("  %5.1f%%", 100.0 * s->in_window);
    printf("\n");
}

static void json_row(FILE *f, const char *method, const score *s, int first)
{
    const ltr_eval_result *e = &s->res;
    fprintf(f, "%s        {\"method\": \"%s\", \"offline\": %s, \"n_truth\": %zu, \"tp\": %zu, "
               "\"fp\": %zu, \"fn\": %zu, \"sensitivity\": ",
            first ? "" : ",\n", method, s->offline ? "true" : "false", e->n_truth, e->tp, e->fp,
            e->fn);
    bench_json_num(f, e->sensitivity);
    fprintf(f, ", \"ppv\": ");
    bench_json_num(f, e->ppv);
    fprintf(f, ", \"f1\": ");
    bench_json_num(f, e->f1);
    fprintf(f, ", \"onset_error_median_ms\": ");
    bench_json_num(f, 1e3 * e->onset_error_median_s);
    fprintf(f, ", \"onset_error_abs_median_ms\": ");
    bench_json_num(f, 1e3 * e->onset_error_abs_median_s);
    fprintf(f, ", \"latency_median_ms\": ");
    bench_json_num(f, s->lat_med_ms);
    fprintf(f, ", \"latency_p90_ms\": ");
    bench_json_num(f, s->lat_p90_ms);
    fprintf(f, ", \"latency_max_ms\": ");
    bench_json_num(f, s->lat_max_ms);
    fprintf(f, ", \"ns_per_frame\": ");
    bench_json_num(f, s->ns_per_frame);
    fprintf(f, ", \"onset_in_window\": ");
    bench_json_num(f, s->in_window);
    fprintf(f, ", \"fp_unexplained\": %zu, \"fp_by_kind\": {", e->fp_unexplained);
    int k1 = 1;
    for (unsigned k = 0; k < LTR_EVAL_N_KINDS; k++)
        if (e->fp_by_kind[k]) {
            fprintf(f, "%s\"%s\": %zu", k1 ? "" : ", ", ltr_eval_kind_name((ltr_eval_kind)k),
                    e->fp_by_kind[k]);
            k1 = 0;
        }
    fprintf(f, "}}");
}

/* --- main ---------------------------------------------------------------------- */

#define MAX_RECORDINGS 64

typedef struct result_set {
    char name[64];
    char description[160];
    int mep, acc_only, has_marks;
    size_t n_recordings;
    double seconds, fs, fixed_delay_ms;
    unsigned nc;
    double window_lo_ms, window_hi_ms;
    ltr_counts counts[2];
    score s[N_ROWS];
} result_set;

static const char *row_name(size_t k)
{
    if (k == 0)
        return "libltr";
    if (k == 1)
        return "libltr + marks";
    return bl_methods[k - 2]->name;
}

static void finish(pooled *P, const char *name, const char *description, result_set *out,
                   pool *lat_emg, pool *lat_acc, pool *delay_emg, pool *delay_acc)
{
    memset(out, 0, sizeof *out);
    snprintf(out->name, sizeof out->name, "%s", name);
    snprintf(out->description, sizeof out->description, "%s", description);
    out->mep = P->mep;
    out->acc_only = P->acc_only;
    out->has_marks = P->has_marks;
    out->n_recordings = P->n_recordings;
    out->seconds = P->seconds;
    out->fs = P->fs;
    out->nc = P->nc;
    out->fixed_delay_ms = P->fixed_delay_ms;
    out->window_lo_ms = P->window_lo_ms;
    out->window_hi_ms = P->window_hi_ms;
    out->counts[0] = P->counts[0];
    out->counts[1] = P->counts[1];
    score_row(P, 0, 0, &out->s[0], P->mep ? NULL : P->acc_only ? lat_acc : lat_emg,
              P->mep ? NULL : P->acc_only ? delay_acc : delay_emg);
    if (P->has_marks)
        score_row(P, 1, 0, &out->s[1], NULL, NULL);
    for (size_t m = 0; m < BL_N_METHODS; m++)
        score_row(P, m + 2, bl_methods[m]->offline, &out->s[m + 2], NULL, NULL);
}

static void print_result(const result_set *rs)
{
    if (rs->mep)
        printf("%s (%s)\n", rs->name, rs->description);
    else
        printf("%s (%s; %.0f Hz, %u ch, %zu seeds x %.0f s; fixed delay %.1f ms)\n", rs->name,
               rs->description, rs->fs, rs->nc, rs->n_recordings,
               rs->seconds / (double)rs->n_recordings, rs->fixed_delay_ms);
    print_header(rs->mep);
    for (size_t k = 0; k < N_ROWS; k++)
        if (k != 1 || rs->has_marks)
            print_row(row_name(k), &rs->s[k], rs->mep);
    for (size_t k = 0; k < (rs->has_marks ? 2u : 1u); k++) {
        const ltr_counts *c = &rs->counts[k];
        printf("  %s events: begin %zu, end %zu (evoked, not counted: %zu), cancel %zu (too long %zu, too short %zu, "
               "artifact %zu), artifact %zu (marked %zu)\n",
               row_name(k), c->begin, c->end, c->evoked, c->cancel_long + c->cancel_short + c->cancel_artifact,
               c->cancel_long, c->cancel_short, c->cancel_artifact, c->artifact, c->marked);
    }
    printf("\n");
}

static void print_header(int mep)
{
    printf("  %-20s %4s %4s %4s %4s %6s %6s %6s %7s %7s %7s %7s %8s %s%s\n", "method", "true", "tp",
           "fp", "fn", "sens", "ppv", "F1", "err ms", "|err|", "lat ms", "lat p90", "ns/frame",
           "mode", mep ? "    in window" : "");
}

int main(int argc, char **argv)
{
    const int quick = bench_has_flag(argc, argv, "--quick");
    const int session = bench_has_flag(argc, argv, "--session");
    const int mep_only = bench_has_flag(argc, argv, "--mep-only");
    const char *json = bench_json_path(argc, argv, "accuracy.json");
    const char *data_dir = getenv("LTR_SHARED_DATA");
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--data") == 0)
            data_dir = argv[i + 1];

    printf("libltr %s against the classic onset detectors; scorer libltr-eval (tolerance 50 ms "
           "on sim, 10 ms on MEPs)\n",
           ltr_version_string());
    printf("err = detected - true onset (signed median), |err| its absolute median; lat = decided - "
           "true onset (median, p90); ns/frame = processing time of the whole record per frame\n");
    printf("baselines: offline = rest statistics taken from the whole record (their decisions "
           "are causal)\n\n");

    static result_set results[MAX_RECORDINGS];
    size_t n_res = 0;
    pool lat_emg = {0}, lat_acc = {0}, delay_emg = {0}, delay_acc = {0};

    const size_t n_seeds = quick ? 1 : 5;
    const size_t n_sc = ltr_sim_scenario_count();
    for (size_t i = 0; i < n_sc && n_res < MAX_RECORDINGS && !mep_only; i++) {
        const char *name = ltr_sim_scenario_name(i);
        if (strcmp(name, "session") == 0 && !session)
            continue;
        if (quick && i % 3 != 0)
            continue;
        pooled P;
        memset(&P, 0, sizeof P);
        for (size_t k = 0; k < n_seeds; k++) {
            recording r;
            if (load_sim(name, 1000u * k, 0, &r) != 0)
                break;
            accumulate(&P, &r);
            recording_free(&r);
        }
        if (P.n_recordings == 0)
            continue;
        finish(&P, name, ltr_sim_scenario_description(i), &results[n_res], &lat_emg, &lat_acc, &delay_emg,
               &delay_acc);
        pooled_free(&P);
        print_result(&results[n_res++]);
    }

    /* --- fresh seeds: never used for tuning --- */
    enum { FRESH_FIRST = 100, FRESH_SEEDS = 20 };
    static result_set fresh[MAX_RECORDINGS];
    size_t n_fresh = 0;
    const size_t fresh_seeds = quick ? 3 : FRESH_SEEDS;
    pool no_lat[4] = {{0}};
    for (size_t i = 0; i < n_sc && n_fresh < MAX_RECORDINGS && !mep_only; i++) {
        const char *name = ltr_sim_scenario_name(i);
        if (strcmp(name, "session") == 0)
            continue;
        pooled P;
        memset(&P, 0, sizeof P);
        for (size_t k = 0; k < fresh_seeds; k++) {
            recording r;
            if (load_sim(name, 0, FRESH_FIRST + k, &r) != 0)
                break;
            accumulate(&P, &r);
            recording_free(&r);
        }
        if (P.n_recordings == 0)
            continue;
        finish(&P, name, "fresh seeds", &fresh[n_fresh++], &no_lat[0], &no_lat[1], &no_lat[2],
               &no_lat[3]);
        pooled_free(&P);
    }
    for (size_t k = 0; k < 4; k++)
        free(no_lat[k].v);
    size_t f_tp = 0, f_fp = 0, f_fn = 0, b_tp = 0, b_fp = 0, b_fn = 0;
    printf("F1 on %zu fresh seeds per scenario (%d-%zu, never used for tuning), beside the tuned "
           "seeds\n", fresh_seeds, FRESH_FIRST, FRESH_FIRST + fresh_seeds - 1);
    printf("  %-18s %8s %8s %6s %6s  %-22s\n", "scenario", "tuned", "fresh", "sens", "PPV",
           "best baseline (fresh)");
    for (size_t i = 0; i < n_fresh; i++) {
        const result_set *rs = &fresh[i];
        double tuned = NAN;
        for (size_t j = 0; j < n_res; j++)
            if (!strcmp(results[j].name, rs->name))
                tuned = results[j].s[0].res.f1;
        size_t best_m = 0;
        for (size_t m = 1; m < BL_N_METHODS; m++)
            if (rs->s[m + 2].res.f1 > rs->s[best_m + 2].res.f1)
                best_m = m;
        const ltr_eval_result *e = &rs->s[0].res, *b = &rs->s[best_m + 2].res;
        f_tp += e->tp;
        f_fp += e->fp;
        f_fn += e->fn;
        b_tp += b->tp;
        b_fp += b->fp;
        b_fn += b->fn;
        printf("  %-18s %8.3f %8.3f %6.3f %6.3f  %-12s %.3f\n", rs->name, tuned, e->f1,
               e->sensitivity, e->ppv, bl_methods[best_m]->name, b->f1);
    }
    const double fresh_f1 = f_tp ? 2.0 * f_tp / (2.0 * f_tp + f_fp + f_fn) : 0.0;
    const double fresh_best = b_tp ? 2.0 * b_tp / (2.0 * b_tp + b_fp + b_fn) : 0.0;
    printf("  %-18s %8s %8.3f %6.3f %6.3f  %-12s %.3f\n\n", "pooled", "", fresh_f1,
           f_tp + f_fn ? (double)f_tp / (double)(f_tp + f_fn) : NAN,
           f_tp + f_fp ? (double)f_tp / (double)(f_tp + f_fp) : NAN, "(each best)", fresh_best);

    int have_mep = 0;
    for (int mep_rest = 0; mep_rest < 2 && data_dir; mep_rest++) {
        for (size_t i = 0; i < N_MEP_FILES && n_res < MAX_RECORDINGS; i++) {
            if (quick && i > 0)
                break;
            recording r;
            if (load_mep(data_dir, &mep_files[i], mep_rest ? 2.0 : 0.0, &r) != 0) {
                if (i == 0 && !mep_rest)
                    printf("MEP data not found under %s/mepfeatx-tms-mep: skipped\n\n", data_dir);
                break;
            }
            have_mep = 1;
            pooled P;
            memset(&P, 0, sizeof P);
            accumulate(&P, &r);
            char desc[160];
            snprintf(desc, sizeof desc,
                     "%zu trials %s, %.0f Hz; onset window %.0f-%.0f ms after the pulse", r.n_stim,
                     mep_rest ? "each after 2 s of synthetic rest" : "joined back to back", r.fs,
                     r.window_lo_ms, r.window_hi_ms);
            finish(&P, r.name, desc, &results[n_res], &lat_emg, &lat_acc, &delay_emg,
               &delay_acc);
            pooled_free(&P);
            print_result(&results[n_res++]);
            recording_free(&r);
        }
    }
    if (!data_dir)
        printf("no --data DIR (../shared/data): MEP recordings skipped\n\n");

    /* --- summary: F1 per recording, and the targets --- */
    printf("F1 per recording (best baseline marked *; libltr wins: +)\n");
    printf("  %-30s %7s", "recording", "libltr");
    for (size_t m = 0; m < BL_N_METHODS; m++)
        printf(" %11s", bl_methods[m]->name);
    printf("\n");
    size_t wins = 0, comparable = 0;
    double mean_ltr = 0.0, mean_bl[BL_N_METHODS] = {0};
    for (size_t i = 0; i < n_res; i++) {
        const result_set *rs = &results[i];
        double best = -1.0;
        size_t best_m = 0;
        for (size_t m = 0; m < BL_N_METHODS; m++)
            if (rs->s[m + 2].res.f1 > best || isnan(best)) {
                best = rs->s[m + 2].res.f1;
                best_m = m;
            }
        const double f = rs->s[0].res.f1;
        const int win = isfinite(f) && (!isfinite(best) || f > best);
        wins += win;
        comparable++;
        mean_ltr += isfinite(f) ? f : 0.0;
        printf("  %-30s %6.3f%c", rs->name, f, win ? '+' : ' ');
        for (size_t m = 0; m < BL_N_METHODS; m++) {
            const double b = rs->s[m + 2].res.f1;
            mean_bl[m] += isfinite(b) ? b : 0.0;
            printf(" %10.3f%c", b, m == best_m ? '*' : ' ');
        }
        printf("\n");
    }
    double best_mean = 0.0;
    const char *best_mean_name = "";
    printf("  %-30s %6.3f ", "mean", n_res ? mean_ltr / n_res : NAN);
    for (size_t m = 0; m < BL_N_METHODS; m++) {
        mean_bl[m] = n_res ? mean_bl[m] / n_res : NAN;
        if (mean_bl[m] > best_mean) {
            best_mean = mean_bl[m];
            best_mean_name = bl_methods[m]->name;
        }
        printf(" %10.3f ", mean_bl[m]);
    }
    printf("\n\n");
    mean_ltr = n_res ? mean_ltr / n_res : NAN;

    bench_sort(lat_emg.v, lat_emg.n);
    bench_sort(lat_acc.v, lat_acc.n);
    const double med_emg = bench_percentile_sorted(lat_emg.v, lat_emg.n, 50.0);
    const double med_acc = bench_percentile_sorted(lat_acc.v, lat_acc.n, 50.0);
    printf("libltr latency (BEGIN.detected - true onset), pooled over the simulated scenarios:\n");
    printf("  with EMG: n %zu, median %.1f ms, p90 %.1f ms, max %.1f ms\n", lat_emg.n, med_emg,
           bench_percentile_sorted(lat_emg.v, lat_emg.n, 90.0),
           lat_emg.n ? lat_emg.v[lat_emg.n - 1] : NAN);
    printf("  accelerometer only: n %zu, median %.1f ms, p90 %.1f ms, max %.1f ms\n", lat_acc.n,
           med_acc, bench_percentile_sorted(lat_acc.v, lat_acc.n, 90.0),
           lat_acc.n ? lat_acc.v[lat_acc.n - 1] : NAN);
    bench_sort(delay_emg.v, delay_emg.n);
    bench_sort(delay_acc.v, delay_acc.n);
    const double dmed_emg = bench_percentile_sorted(delay_emg.v, delay_emg.n, 50.0);
    const double dmed_acc = bench_percentile_sorted(delay_acc.v, delay_acc.n, 50.0);
    printf("libltr decision delay (BEGIN.detected - the event's own onset), same twitches:\n");
    printf("  with EMG: median %.1f ms, p90 %.1f ms; accelerometer only: median %.1f ms, p90 %.1f "
           "ms\n",
           dmed_emg, bench_percentile_sorted(delay_emg.v, delay_emg.n, 90.0), dmed_acc,
           bench_percentile_sorted(delay_acc.v, delay_acc.n, 90.0));
    printf("  (a latency below the decision delay means the match is an early detection: within "
           "the 50 ms tolerance, a needle jolt 10-40 ms before a reflex twitch counts as the "
           "twitch)\n\n");

    /* met only if both the latency from the true onset and the decision's own delay are
     * within the goal (the first can be flattered by early matches) */
    const int met_emg = med_emg <= 30.0 && dmed_emg <= 30.0;
    const int met_acc = med_acc <= 50.0 && dmed_acc <= 50.0;
    const int met_f1 = wins == comparable && comparable > 0;
    const double margin = mean_ltr - best_mean;
    printf("Targets:\n");
    printf("  median latency <= 30 ms with EMG: %.1f ms (decision delay %.1f ms) -> %s\n", med_emg,
           dmed_emg, met_emg ? "MET" : "MISSED");
    printf("  median latency <= 50 ms accelerometer only: %.1f ms (decision delay %.1f ms) -> %s\n",
           med_acc, dmed_acc, lat_acc.n == 0 ? "n/a" : met_acc ? "MET" : "MISSED");
    printf("  better F1 than every baseline on every recording: %zu of %zu -> %s\n", wins,
           comparable, met_f1 ? "MET" : "MISSED");
    printf("  mean F1 %.3f vs best baseline (%s) %.3f: margin %+.3f\n", mean_ltr, best_mean_name,
           best_mean, margin);

    /* --- JSON --- */
    FILE *f = bench_json_open(json, "accuracy");
    if (!f)
        return 1;
    fprintf(f, "  \"mep_data\": %s,\n  \"methods\": [\n", have_mep ? "true" : "false");
    for (size_t m = 0; m < BL_N_METHODS; m++)
        fprintf(f, "%s    {\"name\": \"%s\", \"source\": \"%s\", \"params\": \"%s\", \"offline\": %s}",
                m ? ",\n" : "", bl_methods[m]->name, bl_methods[m]->source, bl_methods[m]->params,
                bl_methods[m]->offline ? "true" : "false");
    fprintf(f, "\n  ],\n  \"recordings\": [\n");
    for (size_t i = 0; i < n_res; i++) {
        const result_set *rs = &results[i];
        fprintf(f, "%s    {\"name\": \"%s\", \"description\": \"%s\", \"mep\": %s, "
                   "\"acc_only\": %s, \"recordings\": %zu, \"seconds\": %.1f, \"rate_hz\": %.0f, "
                   "\"channels\": %u,\n      \"libltr_events\": {\"begin\": %zu, \"end\": %zu, "
                   "\"cancel_too_long\": %zu, \"cancel_too_short\": %zu, \"cancel_artifact\": %zu, "
                   "\"artifact\": %zu},\n      \"fixed_delay_ms\": ",
                i ? ",\n" : "", rs->name, rs->description, rs->mep ? "true" : "false",
                rs->acc_only ? "true" : "false", rs->n_recordings, rs->seconds, rs->fs, rs->nc,
                rs->counts[0].begin, rs->counts[0].end, rs->counts[0].cancel_long,
                rs->counts[0].cancel_short, rs->counts[0].cancel_artifact, rs->counts[0].artifact);
        bench_json_num(f, rs->fixed_delay_ms);
        fprintf(f, ",\n      \"rows\": [\n");
        int first = 1;
        for (size_t k = 0; k < N_ROWS; k++) {
            if (k == 1 && !rs->has_marks)
                continue;
            json_row(f, row_name(k), &rs->s[k], first);
            first = 0;
        }
        fprintf(f, "\n      ]}");
    }
    fprintf(f, "\n  ],\n  \"latency_emg_ms\": {\"n\": %zu, \"median\": ", lat_emg.n);
    bench_json_num(f, med_emg);
    fprintf(f, ", \"p90\": ");
    bench_json_num(f, bench_percentile_sorted(lat_emg.v, lat_emg.n, 90.0));
    fprintf(f, "},\n  \"latency_acc_ms\": {\"n\": %zu, \"median\": ", lat_acc.n);
    bench_json_num(f, med_acc);
    fprintf(f, ", \"p90\": ");
    bench_json_num(f, bench_percentile_sorted(lat_acc.v, lat_acc.n, 90.0));
    fprintf(f, "},\n  \"decision_delay_emg_ms\": ");
    bench_json_num(f, dmed_emg);
    fprintf(f, ",\n  \"decision_delay_acc_ms\": ");
    bench_json_num(f, dmed_acc);
    fprintf(f, ",\n  \"fresh_seeds\": {\"first\": %d, \"count\": %zu, \"pooled_f1\": ",
            FRESH_FIRST, fresh_seeds);
    bench_json_num(f, fresh_f1);
    fprintf(f, ", \"scenarios\": [");
    for (size_t i = 0; i < n_fresh; i++) {
        fprintf(f, "%s\n    {\"name\": \"%s\", \"f1\": ", i ? "," : "", fresh[i].name);
        bench_json_num(f, fresh[i].s[0].res.f1);
        fprintf(f, ", \"sensitivity\": ");
        bench_json_num(f, fresh[i].s[0].res.sensitivity);
        fprintf(f, ", \"ppv\": ");
        bench_json_num(f, fresh[i].s[0].res.ppv);
        fprintf(f, "}");
    }
    fprintf(f, "\n  ]},\n  \"targets\": [\n");
    fprintf(f, "    {\"name\": \"median latency, EMG\", \"goal_ms\": 30, \"decision_delay_ms\": ");
    bench_json_num(f, dmed_emg);
    fprintf(f, ", \"measured_ms\": ");
    bench_json_num(f, med_emg);
    fprintf(f, ", \"met\": %s},\n", met_emg ? "true" : "false");
    fprintf(f, "    {\"name\": \"median latency, accelerometer only\", \"goal_ms\": 50, "
               "\"decision_delay_ms\": ");
    bench_json_num(f, dmed_acc);
    fprintf(f, ", \"measured_ms\": ");
    bench_json_num(f, med_acc);
    fprintf(f, ", \"met\": %s},\n", met_acc ? "true" : "false");
    fprintf(f, "    {\"name\": \"better F1 than every baseline on every recording\", \"wins\": %zu, "
               "\"recordings\": %zu, \"met\": %s},\n",
            wins, comparable, met_f1 ? "true" : "false");
    fprintf(f, "    {\"name\": \"mean F1 margin over the best baseline\", \"libltr\": ");
    bench_json_num(f, mean_ltr);
    fprintf(f, ", \"best_baseline\": \"%s\", \"best_baseline_f1\": ", best_mean_name);
    bench_json_num(f, best_mean);
    fprintf(f, ", \"margin\": ");
    bench_json_num(f, margin);
    fprintf(f, "}\n  ]\n");
    bench_json_close(f, json);
    free(lat_emg.v);
    free(lat_acc.v);
    free(delay_emg.v);
    free(delay_acc.v);
    return 0;
}
