/*
 * Scoring needling sites and the "twitches have stopped" cue (libltr-eval).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr_eval.h"

/* A stroke's chance to elicit a twitch before the rule counts it a miss, s: the
 * detector's STROKE_WAIT_S (lib/core/session.c), so that the truth is the rule an
 * ideal detector would apply. */
#define STROKE_WAIT_S 0.25
/* A cue at the neighbouring stroke, or this close to the true one, is on time, s. */
#define CUE_WINDOW_S 1.0

void ltr_eval_site_options_default(ltr_eval_site_options *opt)
{
    if (!opt)
        return;
    opt->tolerance_s = 0.5;
    opt->stop_strokes = 5;
    opt->stop_s = 10.0;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : (x > y ? 1 : 0);
}

static int cmp_stroke(const void *a, const void *b)
{
    const ltr_eval_stroke *x = a, *y = b;
    return x->onset_s < y->onset_s ? -1 : (x->onset_s > y->onset_s ? 1 : 0);
}

/* Type 7 quantile of sorted v. */
static double quantile(const double *v, size_t n, double q)
{
    if (n == 0)
        return NAN;
    const double h = (double)(n - 1) * q;
    const size_t lo = (size_t)floor(h);
    const size_t hi = lo + 1 < n ? lo + 1 : lo;
    return v[lo] + (h - (double)lo) * (v[hi] - v[lo]);
}

static size_t count_in(const double *t, size_t n, double from, double to)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += t[i] >= from && t[i] < to;
    return k;
}

/* A true site: strokes s[0..n) (sorted; s[0] its insertion), ending at end. */
typedef struct true_site {
    const ltr_eval_stroke *s;
    size_t n;
    double onset, end;
    double stop;          /* the stroke at which the rule says stopped; NaN none */
    double last_twitch;   /* onset of its last twitch; NaN none */
    size_t twitches;
} true_site;

/* The stop rule on the truth: at each stroke, once its wait has passed. */
static void true_stop(true_site *ts, const double *tw, size_t n_tw,
                      const ltr_eval_site_options *opt)
{
    ts->stop = NAN;
    for (size_t k = 0; k < ts->n; k++) {
        const double at = ts->s[k].onset_s;
        /* the last twitch of the site begun by the time the stroke's chance is over */
        double last = NAN;
        for (size_t i = 0; i < n_tw; i++)
            if (tw[i] >= ts->onset && tw[i] < ts->end && tw[i] <= at + STROKE_WAIT_S &&
                (isnan(last) || tw[i] > last))
                last = tw[i];
        if (isnan(last))
            continue;
        size_t since = 0;
        for (size_t j = 0; j <= k; j++)
            since += ts->s[j].onset_s > last;
        if ((opt->stop_strokes && since >= opt->stop_strokes) ||
            (opt->stop_s > 0.0 && since >= 1 && at - last >= opt->stop_s)) {
            ts->stop = at;
            return;
        }
    }
}

/* Strokes of the site strictly between a and b. */
static size_t strokes_between(const true_site *ts, double a, double b)
{
    const double lo = a < b ? a : b, hi = a < b ? b : a;
    size_t k = 0;
    for (size_t i = 0; i < ts->n; i++)
        k += ts->s[i].onset_s > lo + 1e-9 && ts->s[i].onset_s < hi - 1e-9;
    return k;
}

ltr_eval_status ltr_eval_score_sites(const ltr_eval_stroke *strokes, size_t n_strokes,
                                     const double *twitch_s, size_t n_twitch,
                                     const ltr_eval_site *sites, size_t n_sites,
                                     const double *det_twitch_s, size_t n_det_twitch,
                                     double end_s, const ltr_eval_site_options *opt,
                                     ltr_eval_site_result *res)
{
    if (!res || (n_strokes && !strokes) || (n_twitch && !twitch_s) || (n_sites && !sites) ||
        (n_det_twitch && !det_twitch_s))
        return LTR_EVAL_ERR_NULL;
    ltr_eval_site_options def;
    if (!opt) {
        ltr_eval_site_options_default(&def);
        opt = &def;
    }
    if (!(opt->tolerance_s >= 0.0) || !isfinite(opt->tolerance_s) || !(opt->stop_s >= 0.0) ||
        !isfinite(end_s))
        return LTR_EVAL_ERR_ARGUMENT;
    memset(res, 0, sizeof *res);
    res->cue_delay_median_s = res->cue_delay_p95_s = NAN;
    res->n_detected = n_sites;

    ltr_eval_stroke *s = malloc((n_strokes ? n_strokes : 1) * sizeof *s);
    true_site *ts = malloc((n_strokes ? n_strokes : 1) * sizeof *ts);
    ptrdiff_t *match = malloc((n_strokes ? n_strokes : 1) * sizeof *match);
    unsigned char *taken = calloc(n_sites ? n_sites : 1, 1);
    double *delay = malloc((n_strokes ? n_strokes : 1) * sizeof *delay);
    if (!s || !ts || !match || !taken || !delay) {
        free(s);
        free(ts);
        free(match);
        free(taken);
        free(delay);
        return LTR_EVAL_ERR_MEMORY;
    }
    if (n_strokes)
        memcpy(s, strokes, n_strokes * sizeof *s);
    qsort(s, n_strokes, sizeof *s, cmp_stroke);
    /* the true sites: from each insertion to the next (strokes before the first belong to none) */
    size_t n_ts = 0;
    for (size_t i = 0; i < n_strokes; i++) {
        if (s[i].insertion) {
            ts[n_ts] = (true_site){.s = &s[i], .n = 0, .onset = s[i].onset_s, .end = end_s};
            if (n_ts)
                ts[n_ts - 1].end = s[i].onset_s;
            n_ts++;
        }
        if (n_ts)
            ts[n_ts - 1].n++;
    }
    res->n_true = n_ts;
    for (size_t k = 0; k < n_ts; k++) {
        true_site *t = &ts[k];
        t->twitches = count_in(twitch_s, n_twitch, t->onset, t->end);
        t->last_twitch = NAN;
        for (size_t i = 0; i < n_twitch; i++)
            if (twitch_s[i] >= t->onset && twitch_s[i] < t->end &&
                (isnan(t->last_twitch) || twitch_s[i] > t->last_twitch))
                t->last_twitch = twitch_s[i];
        true_stop(t, twitch_s, n_twitch, opt);
    }
    /* match: each true site to the closest free detected site within the tolerance, in
     * order (sites are seconds apart: no contention in practice) */
    for (size_t k = 0; k < n_ts; k++) {
        match[k] = -1;
        double best = opt->tolerance_s;
        for (size_t j = 0; j < n_sites; j++) {
            const double e = fabs(sites[j].onset_s - ts[k].onset);
            if (!taken[j] && e <= best) {
                best = e;
                match[k] = (ptrdiff_t)j;
            }
        }
        if (match[k] >= 0)
            taken[match[k]] = 1;
    }
    size_t n_delay = 0;
    for (size_t k = 0; k < n_ts; k++) {
        const true_site *t = &ts[k];
        if (match[k] < 0) {
            res->missed++;
            continue;
        }
        res->found++;
        const ltr_eval_site *d = &sites[match[k]];
        res->count_exact += count_in(det_twitch_s, n_det_twitch, d->onset_s, d->end_s) ==
                            t->twitches;
        const int cue = !isnan(d->cue_s);
        if (cue) {
            res->cues++;
            res->cue_early += !isnan(t->last_twitch) && d->cue_s < t->last_twitch;
            res->cue_false += isnan(t->stop);
        }
        if (isnan(t->stop))
            continue;
        res->true_stopped++;
        if (!cue)
            continue;
        res->cue_given++;
        res->cue_within += fabs(d->stopped_s - t->stop) <= CUE_WINDOW_S ||
                           strokes_between(t, d->stopped_s, t->stop) == 0;
        delay[n_delay++] = d->cue_s - t->stop;
    }
    res->false_sites = n_sites - res->found;
    qsort(delay, n_delay, sizeof *delay, cmp_double);
    res->cue_delay_median_s = quantile(delay, n_delay, 0.5);
    res->cue_delay_p95_s = quantile(delay, n_delay, 0.95);
    free(s);
    free(ts);
    free(match);
    free(taken);
    free(delay);
    return LTR_EVAL_OK;
}

static double pct(size_t num, size_t den) { return den ? 100.0 * (double)num / (double)den : NAN; }

ltr_eval_status ltr_eval_write_sites_text(FILE *f, const ltr_eval_site_result *r)
{
    if (!f || !r)
        return LTR_EVAL_ERR_NULL;
    fprintf(f, "  sites        %zu true, %zu detected: found %zu (%.1f %%), missed %zu, false %zu\n",
            r->n_true, r->n_detected, r->found, pct(r->found, r->n_true), r->missed,
            r->false_sites);
    fprintf(f, "  twitches     count exact in %zu of %zu found sites (%.1f %%)\n", r->count_exact,
            r->found, pct(r->count_exact, r->found));
    fprintf(f, "  stopped cue  due in %zu found sites: given in %zu, on time (the true stroke's "
               "neighbour or 1 s) in %zu (%.1f %%)\n",
            r->true_stopped, r->cue_given, r->cue_within, pct(r->cue_within, r->true_stopped));
    fprintf(f, "               %zu cues given: %zu before the last true twitch (%.1f %% after it), "
               "%zu where none was due\n",
            r->cues, r->cue_early, pct(r->cues - r->cue_early, r->cues), r->cue_false);
    if (!isnan(r->cue_delay_median_s))
        fprintf(f, "               delay after the true stroke: median %.0f ms, p95 %.0f ms\n",
                r->cue_delay_median_s * 1000.0, r->cue_delay_p95_s * 1000.0);
    return ferror(f) ? LTR_EVAL_ERR_IO : LTR_EVAL_OK;
}
