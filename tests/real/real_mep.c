/*
 * The detector on the real motor-evoked potentials of MEPFeatX (test helper).
 * See real_mep.h for the stream and the scoring.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real_mep.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real_detect.h"
#include "real_io.h"
#include "real_stats.h"

/* Row of the pre-stimulus stretch that sits d samples before trial row 0:
 * rows bounce 0..149..0 with period 298 and d = 1 is row 1. */
static size_t mirror_row(size_t d)
{
    const size_t period = 2u * (REAL_MEP_STIM_ROW - 1u);
    const size_t m = d % period;
    return m <= REAL_MEP_STIM_ROW - 1u ? m : period - m;
}

/* The shift S (>= 50 ms) by which trial b repeats trial a (b[i] == a[i + S] on all
 * shared rows), or 0. In the LICI file the test pulse's trial is the
 * conditioning pulse's trial 100 ms later: the two are one recording, joined
 * rather than each given a rest (the test trial's "pre-stimulus" is the
 * conditioning MEP). */
static size_t overlap_shift(const real_table *tr, size_t a, size_t b)
{
    const size_t len = tr->rows, nc = tr->cols;
    for (size_t s = 1; s + REAL_MEP_STIM_ROW <= len; s++) {
        size_t i = 0;
        while (i + s < len && tr->v[i * nc + b] == tr->v[(i + s) * nc + a])
            i++;
        if (i + s == len)
            return s;
    }
    return 0;
}

/* features: Amplitude (uV), Latency (ms), ... one row per trial */
enum { FEAT_AMPLITUDE = 0, FEAT_LATENCY = 1 };

int real_mep_run(const char *data_dir, const char *id, real_mep_result *res)
{
    memset(res, 0, sizeof *res);
    char path[4096];
    real_table trials, feat;
    snprintf(path, sizeof path, "%s/mepfeatx-tms-mep/csv/%s.csv", data_dir, id);
    if (real_table_read(path, &trials) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return -1;
    }
    snprintf(path, sizeof path, "%s/mepfeatx-tms-mep/reference/features/%s_features.csv",
             data_dir, id);
    if (real_table_read(path, &feat) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        real_table_free(&trials);
        return -1;
    }
    const size_t len = trials.rows, n_tr = trials.cols;
    if (feat.rows != n_tr || feat.cols <= FEAT_LATENCY || len <= REAL_MEP_STIM_ROW) {
        fprintf(stderr, "%s: %zu feature rows for %zu trials of %zu samples\n", id, feat.rows,
                n_tr, len);
        real_table_free(&trials);
        real_table_free(&feat);
        return -1;
    }
    /* at most one rest before every trial */
    const size_t n_max = (REAL_MEP_REST_SAMPLES + len) * n_tr;
    float *x = malloc(n_max * sizeof *x);
    size_t *start = malloc(n_tr * sizeof *start), *seg_lo = malloc(n_tr * sizeof *seg_lo);
    res->err_ms = malloc(n_tr * sizeof *res->err_ms);
    res->latency_ms = malloc(n_tr * sizeof *res->latency_ms);
    real_run run = {0};
    int rc = -1;
    if (!x || !start || !seg_lo || !res->err_ms || !res->latency_ms)
        goto out;
    size_t n = 0; /* frames written */
    for (size_t t = 0; t < n_tr; t++) {
        const size_t shift = t ? overlap_shift(&trials, t - 1, t) : 0;
        if (shift) {
            /* the trial continues the previous one: rewind over the shared rows */
            start[t] = start[t - 1] + shift;
            seg_lo[t] = start[t];
            res->joined++;
        } else {
            seg_lo[t] = n;
            for (size_t i = 0; i < REAL_MEP_REST_SAMPLES; i++)
                x[n + i] = (float)trials.v[mirror_row(REAL_MEP_REST_SAMPLES - i) * n_tr + t];
            start[t] = n + REAL_MEP_REST_SAMPLES;
        }
        for (size_t i = 0; i < len; i++)
            x[start[t] + i] = (float)trials.v[i * n_tr + t];
        n = start[t] + len;
    }
    if (real_detect(x, NULL, 0.0f, n, REAL_MEP_FS_HZ, &run) != 0)
        goto out;

    const double ms_per_frame = 1000.0 / REAL_MEP_FS_HZ;
    unsigned char *used = calloc(run.n + 1, 1);
    if (!used)
        goto out;
    res->trials = n_tr;
    res->minutes = (double)n / REAL_MEP_FS_HZ / 60.0;
    for (size_t t = 0; t < n_tr; t++) {
        const double amp = feat.v[t * feat.cols + FEAT_AMPLITUDE];
        const double lat = feat.v[t * feat.cols + FEAT_LATENCY];
        const double stim = (double)(start[t] + REAL_MEP_STIM_ROW);
        if (!isfinite(amp) || !isfinite(lat)) {
            /* unscored trial: its detections count nowhere */
            for (size_t k = 0; k < run.n; k++)
                if (run.tw[k].onset >= seg_lo[t] && run.tw[k].onset < start[t] + len)
                    used[k] = 1;
            continue;
        }
        res->scored++;
        if (!(amp > 0.0))
            continue;
        res->references++;
        const double ref = stim + lat / ms_per_frame; /* frames */
        size_t best = run.n;
        double best_d = REAL_MEP_MATCH_MS / ms_per_frame;
        for (size_t k = 0; k < run.n; k++) {
            const double d = fabs((double)run.tw[k].onset - ref);
            if (!used[k] && d <= best_d) {
                best = k;
                best_d = d;
            }
        }
        if (best == run.n) {
            /* found, but with an onset too early: a twitch that began before and lasts into it */
            for (size_t k = 0; k < run.n; k++)
                if (!used[k] && (double)run.tw[k].onset < ref && (double)run.tw[k].offset > ref) {
                    res->early++;
                    break;
                }
            continue;
        }
        used[best] = 1;
        res->err_ms[res->detected] = ((double)run.tw[best].onset - ref) * ms_per_frame;
        res->latency_ms[res->detected] = ((double)run.tw[best].begin_detected - ref) * ms_per_frame;
        res->detected++;
    }
    for (size_t k = 0; k < run.n; k++)
        res->other += !used[k];
    if (getenv("LTR_REAL_VERBOSE")) {
        for (size_t k = 0; k < run.n; k++) {
            size_t t = 0; /* the trial whose pulse is nearest */
            for (size_t j = 1; j < n_tr; j++)
                if (llabs((long long)run.tw[k].onset - (long long)(start[j] + REAL_MEP_STIM_ROW)) <
                    llabs((long long)run.tw[k].onset - (long long)(start[t] + REAL_MEP_STIM_ROW)))
                    t = j;
            const double rel = ((double)run.tw[k].onset - (double)(start[t] + REAL_MEP_STIM_ROW)) *
                               ms_per_frame;
            fprintf(stderr, "%s trial %zu: twitch %s at %+.1f ms from the pulse, %.1f ms long, "
                            "amplitude %.1f; reference amplitude %.0f, latency %.1f ms\n",
                    id, t + 1, used[k] ? "matched" : "OTHER", rel,
                    (double)(run.tw[k].offset - run.tw[k].onset) * ms_per_frame,
                    (double)run.tw[k].amplitude, feat.v[t * feat.cols + FEAT_AMPLITUDE],
                    feat.v[t * feat.cols + FEAT_LATENCY]);
        }
    }
    free(used);
    res->err_median_ms = real_quantile(res->err_ms, res->detected, 0.5, 0);
    res->err_abs_p95_ms = real_quantile(res->err_ms, res->detected, 0.95, 1);
    res->latency_median_ms = real_quantile(res->latency_ms, res->detected, 0.5, 0);
    res->latency_p95_ms = real_quantile(res->latency_ms, res->detected, 0.95, 0);
    rc = 0;
out:
    free(x);
    free(start);
    free(seg_lo);
    real_run_free(&run);
    real_table_free(&trials);
    real_table_free(&feat);
    if (rc != 0)
        real_mep_free(res);
    return rc;
}

void real_mep_free(real_mep_result *res)
{
    free(res->err_ms);
    free(res->latency_ms);
    memset(res, 0, sizeof *res);
}
