/*
 * One-to-one matching of detections to true twitches (bxb discipline) and the
 * scores that follow. See include/ltr/ltr_eval.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "ltr/ltr_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *ltr_eval_status_string(ltr_eval_status status)
{
    switch (status) {
    case LTR_EVAL_OK: return "success";
    case LTR_EVAL_ERR_NULL: return "a required pointer was NULL";
    case LTR_EVAL_ERR_ARGUMENT: return "an invalid time, duration, kind or option";
    case LTR_EVAL_ERR_MEMORY: return "out of memory";
    case LTR_EVAL_ERR_IO: return "writing the output failed";
    }
    return "unknown status";
}

static const char *const kind_names[LTR_EVAL_N_KINDS] = {
    "ltr", "voluntary", "needle", "stim", "ecg", "motion", "electrolysis", "clip", "dropout",
    "nan", "other",
};

const char *ltr_eval_kind_name(ltr_eval_kind kind)
{
    if ((unsigned)kind >= LTR_EVAL_N_KINDS)
        return "unknown";
    return kind_names[kind];
}

ltr_eval_kind ltr_eval_kind_from_name(const char *name)
{
    if (name == NULL)
        return LTR_EVAL_OTHER;
    if (strcmp(name, "twitch") == 0)
        return LTR_EVAL_TWITCH;
    for (unsigned k = 0; k < LTR_EVAL_N_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (ltr_eval_kind)k;
    return LTR_EVAL_OTHER;
}

void ltr_eval_options_default(ltr_eval_options *opt)
{
    if (opt != NULL)
        opt->tolerance_s = 0.05;
}

/* --- sorting helpers ----------------------------------------------------------- */

typedef struct keyed {
    double t;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->i < y->i ? -1 : (x->i > y->i ? 1 : 0);
}

typedef struct pair {
    double err;   /* |detection - truth| */
    double t_on;  /* truth onset, for the tie rule "earlier truth first" */
    double d_on;
    size_t ti, di;
} pair;

static int cmp_pair(const void *a, const void *b)
{
    const pair *x = a, *y = b;
    if (x->err != y->err)
        return x->err < y->err ? -1 : 1;
    if (x->t_on != y->t_on)
        return x->t_on < y->t_on ? -1 : 1;
    if (x->ti != y->ti)
        return x->ti < y->ti ? -1 : 1;
    if (x->d_on != y->d_on)
        return x->d_on < y->d_on ? -1 : 1;
    return x->di < y->di ? -1 : (x->di > y->di ? 1 : 0);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* Linear interpolation between order statistics (type 7); v sorted. */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    const double h = (double)(n - 1) * q;
    const size_t lo = (size_t)floor(h);
    const size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static double ratio(size_t num, size_t den)
{
    return den == 0 ? NAN : (double)num / (double)den;
}

/* --- scoring -------------------------------------------------------------------- */

static ltr_eval_status check_inputs(const ltr_eval_truth *truth, size_t n_truth,
                                    const ltr_eval_detection *det, size_t n_det)
{
    if ((truth == NULL && n_truth > 0) || (det == NULL && n_det > 0))
        return LTR_EVAL_ERR_NULL;
    for (size_t i = 0; i < n_truth; i++)
        if (!isfinite(truth[i].onset_s) || !isfinite(truth[i].duration_s) ||
            truth[i].duration_s < 0.0 || (unsigned)truth[i].kind >= LTR_EVAL_N_KINDS)
            return LTR_EVAL_ERR_ARGUMENT;
    for (size_t i = 0; i < n_det; i++)
        if (!isfinite(det[i].onset_s) || !isfinite(det[i].duration_s) ||
            det[i].duration_s < 0.0 || isinf(det[i].decided_s))
            return LTR_EVAL_ERR_ARGUMENT;
    return LTR_EVAL_OK;
}

typedef struct scratch {
    keyed *tw, *dk;
    pair *pairs;
    ptrdiff_t *tm, *dm;
    double *err, *abs_err, *lat;
    keyed *other;
} scratch;

static void scratch_free(scratch *s)
{
    free(s->tw);
    free(s->dk);
    free(s->pairs);
    free(s->tm);
    free(s->dm);
    free(s->err);
    free(s->abs_err);
    free(s->lat);
    free(s->other);
}

/* Count, for every unmatched detection, the kinds of the non-twitch truth
 * elements its interval [onset, onset + duration] overlaps (closed intervals:
 * an instant detection inside or on the edge of an element counts). */
static void count_kinds(const ltr_eval_truth *truth, size_t n_truth,
                        const ltr_eval_detection *det, size_t n_det, const ptrdiff_t *dm,
                        keyed *other, ltr_eval_result *res)
{
    size_t n_other = 0;
    double max_dur = 0.0;
    for (size_t i = 0; i < n_truth; i++) {
        res->kind_total[truth[i].kind]++;
        if (truth[i].kind != LTR_EVAL_TWITCH) {
            other[n_other].t = truth[i].onset_s;
            other[n_other].i = i;
            n_other++;
            if (truth[i].duration_s > max_dur)
                max_dur = truth[i].duration_s;
        }
    }
    qsort(other, n_other, sizeof *other, cmp_keyed);
    unsigned char *hit = calloc(n_truth ? n_truth : 1, 1);
    for (size_t j = 0; j < n_det; j++) {
        if (dm[j] >= 0)
            continue;
        const double d0 = det[j].onset_s, d1 = d0 + det[j].duration_s;
        int seen[LTR_EVAL_N_KINDS] = {0};
        int any = 0;
        /* also an overlap with a true twitch that was matched to another detection
         * explains nothing: only non-twitch kinds are counted */
        /* first element whose onset >= d0 - max_dur */
        size_t lo = 0, hi = n_other;
        while (lo < hi) {
            const size_t mid = lo + (hi - lo) / 2;
            if (other[mid].t < d0 - max_dur)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < n_other && other[k].t <= d1; k++) {
            const ltr_eval_truth *t = &truth[other[k].i];
            if (t->onset_s + t->duration_s < d0)
                continue;
            seen[t->kind] = 1;
            any = 1;
            if (hit != NULL && !hit[other[k].i]) {
                hit[other[k].i] = 1;
                res->kind_hit[t->kind]++;
            }
        }
        for (unsigned k = 0; k < LTR_EVAL_N_KINDS; k++)
            res->fp_by_kind[k] += (size_t)seen[k];
        if (!any) {
            /* overlapping a true twitch (matched elsewhere) is not "unexplained"
             * either: look for one */
            for (size_t i = 0; i < n_truth; i++) {
                if (truth[i].kind == LTR_EVAL_TWITCH && truth[i].onset_s <= d1 &&
                    truth[i].onset_s + truth[i].duration_s >= d0) {
                    any = 1;
                    break;
                }
            }
        }
        if (!any)
            res->fp_unexplained++;
    }
    free(hit);
}

ltr_eval_status ltr_eval_score(const ltr_eval_truth *truth, size_t n_truth,
                               const ltr_eval_detection *det, size_t n_det,
                               const ltr_eval_options *opt, ltr_eval_result *res,
                               ptrdiff_t *truth_match, ptrdiff_t *det_match)
{
    if (res == NULL)
        return LTR_EVAL_ERR_NULL;
    memset(res, 0, sizeof *res);
    ltr_eval_options o;
    ltr_eval_options_default(&o);
    if (opt != NULL)
        o = *opt;
    if (!isfinite(o.tolerance_s) || o.tolerance_s < 0.0)
        return LTR_EVAL_ERR_ARGUMENT;
    ltr_eval_status st = check_inputs(truth, n_truth, det, n_det);
    if (st != LTR_EVAL_OK)
        return st;

    scratch s;
    memset(&s, 0, sizeof s);
    const size_t nt1 = n_truth ? n_truth : 1, nd1 = n_det ? n_det : 1;
    s.tw = malloc(nt1 * sizeof *s.tw);
    s.dk = malloc(nd1 * sizeof *s.dk);
    s.tm = malloc(nt1 * sizeof *s.tm);
    s.dm = malloc(nd1 * sizeof *s.dm);
    s.other = malloc(nt1 * sizeof *s.other);
    if (!s.tw || !s.dk || !s.tm || !s.dm || !s.other) {
        scratch_free(&s);
        return LTR_EVAL_ERR_MEMORY;
    }

    /* true twitches and detections, each sorted by onset */
    size_t n_tw = 0;
    for (size_t i = 0; i < n_truth; i++) {
        s.tm[i] = -1;
        if (truth[i].kind == LTR_EVAL_TWITCH) {
            s.tw[n_tw].t = truth[i].onset_s;
            s.tw[n_tw].i = i;
            n_tw++;
        }
    }
    for (size_t j = 0; j < n_det; j++) {
        s.dm[j] = -1;
        s.dk[j].t = det[j].onset_s;
        s.dk[j].i = j;
    }
    qsort(s.tw, n_tw, sizeof *s.tw, cmp_keyed);
    qsort(s.dk, n_det, sizeof *s.dk, cmp_keyed);

    /* every candidate pair within the tolerance (two pointers over the sorted lists) */
    size_t n_pairs = 0, cap = 0;
    size_t first = 0;
    for (size_t a = 0; a < n_tw; a++) {
        const double t = s.tw[a].t;
        while (first < n_det && s.dk[first].t < t - o.tolerance_s)
            first++;
        for (size_t b = first; b < n_det && s.dk[b].t <= t + o.tolerance_s; b++) {
            const double e = fabs(s.dk[b].t - t);
            if (e > o.tolerance_s)
                continue;
            if (n_pairs == cap) {
                cap = cap ? 2 * cap : 64;
                pair *np = realloc(s.pairs, cap * sizeof *np);
                if (np == NULL) {
                    scratch_free(&s);
                    return LTR_EVAL_ERR_MEMORY;
                }
                s.pairs = np;
            }
            pair *p = &s.pairs[n_pairs++];
            p->err = e;
            p->t_on = t;
            p->d_on = s.dk[b].t;
            p->ti = s.tw[a].i;
            p->di = s.dk[b].i;
        }
    }
    /* closest first; each truth and each detection used at most once */
    if (n_pairs > 0)
        qsort(s.pairs, n_pairs, sizeof *s.pairs, cmp_pair);
    for (size_t k = 0; k < n_pairs; k++) {
        const pair *p = &s.pairs[k];
        if (s.tm[p->ti] < 0 && s.dm[p->di] < 0) {
            s.tm[p->ti] = (ptrdiff_t)p->di;
            s.dm[p->di] = (ptrdiff_t)p->ti;
        }
    }

    res->tolerance_s = o.tolerance_s;
    res->n_truth = n_tw;
    res->n_detections = n_det;
    s.err = malloc(nt1 * sizeof *s.err);
    s.abs_err = malloc(nt1 * sizeof *s.abs_err);
    s.lat = malloc(nt1 * sizeof *s.lat);
    if (!s.err || !s.abs_err || !s.lat) {
        scratch_free(&s);
        return LTR_EVAL_ERR_MEMORY;
    }
    size_t n_lat = 0;
    for (size_t a = 0; a < n_tw; a++) {
        const size_t i = s.tw[a].i;
        if (s.tm[i] < 0)
            continue;
        const ltr_eval_detection *d = &det[s.tm[i]];
        s.err[res->tp] = d->onset_s - truth[i].onset_s;
        s.abs_err[res->tp] = fabs(s.err[res->tp]);
        res->tp++;
        if (!isnan(d->decided_s))
            s.lat[n_lat++] = d->decided_s - truth[i].onset_s;
    }
    res->fn = n_tw - res->tp;
    res->fp = n_det - res->tp;
    res->sensitivity = ratio(res->tp, n_tw);
    res->ppv = ratio(res->tp, n_det);
    res->f1 = ratio(2 * res->tp, 2 * res->tp + res->fp + res->fn);
    qsort(s.err, res->tp, sizeof *s.err, cmp_double);
    qsort(s.abs_err, res->tp, sizeof *s.abs_err, cmp_double);
    qsort(s.lat, n_lat, sizeof *s.lat, cmp_double);
    res->onset_error_median_s = quantile(s.err, res->tp, 0.5);
    res->onset_error_abs_median_s = quantile(s.abs_err, res->tp, 0.5);
    res->onset_error_abs_p95_s = quantile(s.abs_err, res->tp, 0.95);
    res->n_latency = n_lat;
    res->latency_median_s = quantile(s.lat, n_lat, 0.5);
    res->latency_p95_s = quantile(s.lat, n_lat, 0.95);

    count_kinds(truth, n_truth, det, n_det, s.dm, s.other, res);

    if (truth_match != NULL)
        memcpy(truth_match, s.tm, n_truth * sizeof *truth_match);
    if (det_match != NULL)
        memcpy(det_match, s.dm, n_det * sizeof *det_match);
    scratch_free(&s);
    return LTR_EVAL_OK;
}
