/*
 * libltr-eval on small hand-made cases whose answers are known: empty inputs,
 * exact matches, tolerance edges, closest-first matching, ties, percentiles,
 * latency, per-kind false positives, bad arguments, and the writers.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Times are chosen exactly representable in binary (multiples of 1/64 s) so
 * that the tolerance edges are exact.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltr/ltr_eval.h"

static ltr_eval_truth tw(double onset)
{
    ltr_eval_truth t = {onset, 0.125, LTR_EVAL_TWITCH};
    return t;
}

static ltr_eval_truth other(double onset, double dur, ltr_eval_kind kind)
{
    ltr_eval_truth t = {onset, dur, kind};
    return t;
}

static ltr_eval_detection det(double onset)
{
    ltr_eval_detection d = {onset, 0.0, NAN};
    return d;
}

static ltr_eval_result score(const ltr_eval_truth *t, size_t nt, const ltr_eval_detection *d,
                             size_t nd, double tol, ptrdiff_t *tm, ptrdiff_t *dm)
{
    ltr_eval_options o;
    ltr_eval_options_default(&o);
    o.tolerance_s = tol;
    ltr_eval_result r;
    assert_int_equal(ltr_eval_score(t, nt, d, nd, &o, &r, tm, dm), LTR_EVAL_OK);
    return r;
}

static void test_empty(void **state)
{
    (void)state;
    ltr_eval_result r = score(NULL, 0, NULL, 0, 0.05, NULL, NULL);
    assert_int_equal(r.tp + r.fp + r.fn, 0);
    assert_true(isnan(r.sensitivity) && isnan(r.ppv) && isnan(r.f1));
    assert_true(isnan(r.onset_error_abs_median_s) && isnan(r.latency_median_s));

    const ltr_eval_truth t[2] = {tw(1.0), tw(2.0)};
    r = score(t, 2, NULL, 0, 0.05, NULL, NULL);
    assert_int_equal(r.fn, 2);
    assert_float_equal(r.sensitivity, 0.0, 0.0);
    assert_true(isnan(r.ppv));
    assert_float_equal(r.f1, 0.0, 0.0);

    const ltr_eval_detection d[3] = {det(1.0), det(2.0), det(3.0)};
    r = score(NULL, 0, d, 3, 0.05, NULL, NULL);
    assert_int_equal(r.fp, 3);
    assert_int_equal(r.fp_unexplained, 3);
    assert_true(isnan(r.sensitivity));
    assert_float_equal(r.ppv, 0.0, 0.0);
}

static void test_counts_and_ratios(void **state)
{
    (void)state;
    /* 4 twitches; detections: 2 good, 1 far off, 1 duplicate */
    const ltr_eval_truth t[4] = {tw(1.0), tw(2.0), tw(3.0), tw(4.0)};
    const ltr_eval_detection d[4] = {det(1.015625), det(2.0), det(2.03125), det(9.0)};
    ptrdiff_t tm[4], dm[4];
    ltr_eval_result r = score(t, 4, d, 4, 0.05, tm, dm);
    assert_int_equal(r.n_truth, 4);
    assert_int_equal(r.n_detections, 4);
    assert_int_equal(r.tp, 2);
    assert_int_equal(r.fp, 2);
    assert_int_equal(r.fn, 2);
    assert_float_equal(r.sensitivity, 0.5, 1e-12);
    assert_float_equal(r.ppv, 0.5, 1e-12);
    assert_float_equal(r.f1, 0.5, 1e-12);
    assert_int_equal(tm[0], 0);
    assert_int_equal(tm[1], 1); /* the exact one, not the duplicate */
    assert_int_equal(tm[2], -1);
    assert_int_equal(dm[2], -1);
    assert_int_equal(dm[3], -1);
}

static void test_tolerance_edges(void **state)
{
    (void)state;
    const ltr_eval_truth t[1] = {tw(1.0)};
    ltr_eval_detection d[1] = {det(1.25)};
    assert_int_equal(score(t, 1, d, 1, 0.25, NULL, NULL).tp, 1); /* inclusive */
    d[0] = det(0.75);
    assert_int_equal(score(t, 1, d, 1, 0.25, NULL, NULL).tp, 1);
    d[0] = det(nextafter(1.25, 2.0));
    assert_int_equal(score(t, 1, d, 1, 0.25, NULL, NULL).tp, 0);
    d[0] = det(nextafter(0.75, 0.0));
    assert_int_equal(score(t, 1, d, 1, 0.25, NULL, NULL).tp, 0);
    d[0] = det(1.0);
    assert_int_equal(score(t, 1, d, 1, 0.0, NULL, NULL).tp, 1);
    /* the default tolerance is 50 ms */
    ltr_eval_options o;
    ltr_eval_options_default(&o);
    assert_float_equal(o.tolerance_s, 0.05, 0.0);
    ltr_eval_result r;
    d[0] = det(1.046875);
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_OK);
    assert_int_equal(r.tp, 1);
    d[0] = det(1.0625);
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_OK);
    assert_int_equal(r.tp, 0);
}

/* Closest pairs first: a detection goes to the nearer truth even when an
 * earlier truth could also take it (in-order greedy matching would not). */
static void test_closest_first(void **state)
{
    (void)state;
    const ltr_eval_truth t[2] = {tw(1.0), tw(1.09375)};
    const ltr_eval_detection d[1] = {det(1.078125)};
    ptrdiff_t tm[2], dm[1];
    ltr_eval_result r = score(t, 2, d, 1, 0.1, tm, dm);
    assert_int_equal(r.tp, 1);
    assert_int_equal(tm[0], -1);
    assert_int_equal(tm[1], 0);
    assert_int_equal(dm[0], 1);

    /* and the globally closest pairing: two truths, two detections */
    const ltr_eval_truth t2[2] = {tw(1.0), tw(1.125)};
    const ltr_eval_detection d2[2] = {det(1.09375), det(1.0625)};
    ptrdiff_t tm2[2];
    r = score(t2, 2, d2, 2, 0.1, tm2, NULL);
    assert_int_equal(r.tp, 2);
    assert_int_equal(tm2[1], 0); /* |1.09375 - 1.125| = 1/32 is the closest pair */
    assert_int_equal(tm2[0], 1);
}

/* Equal distances: the earlier truth wins, whatever the input order. */
static void test_ties(void **state)
{
    (void)state;
    ltr_eval_truth t[2] = {tw(1.0), tw(1.5)};
    const ltr_eval_detection d[1] = {det(1.25)};
    ptrdiff_t tm[2];
    ltr_eval_result r = score(t, 2, d, 1, 0.25, tm, NULL);
    assert_int_equal(r.tp, 1);
    assert_int_equal(tm[0], 0);
    assert_int_equal(tm[1], -1);
    /* reversed input order */
    t[0] = tw(1.5);
    t[1] = tw(1.0);
    r = score(t, 2, d, 1, 0.25, tm, NULL);
    assert_int_equal(tm[1], 0);
    assert_int_equal(tm[0], -1);
    /* two detections equally close to one truth: the earlier detection */
    const ltr_eval_truth t1[1] = {tw(2.0)};
    const ltr_eval_detection dd[2] = {det(2.125), det(1.875)};
    ptrdiff_t dm[2];
    r = score(t1, 1, dd, 2, 0.25, NULL, dm);
    assert_int_equal(r.tp, 1);
    assert_int_equal(dm[1], 0);
    assert_int_equal(dm[0], -1);
    assert_float_equal(r.onset_error_median_s, -0.125, 0.0);
}

/* Onset errors and latency statistics, type-7 percentiles. */
static void test_errors_and_latency(void **state)
{
    (void)state;
    ltr_eval_truth t[5];
    ltr_eval_detection d[5];
    const double err[5] = {0.0, -0.015625, 0.03125, 0.046875, -0.0078125};
    for (int i = 0; i < 5; i++) {
        t[i] = tw(10.0 * (i + 1));
        d[i] = det(t[i].onset_s + err[i]);
        d[i].decided_s = i < 4 ? t[i].onset_s + 0.015625 * (i + 1) : NAN;
    }
    ltr_eval_result r = score(t, 5, d, 5, 0.05, NULL, NULL);
    assert_int_equal(r.tp, 5);
    /* signed errors sorted: -1/64 -1/128 0 1/32 3/64 -> median 0 */
    assert_float_equal(r.onset_error_median_s, 0.0, 1e-15);
    /* |errors| sorted: 0 1/128 1/64 1/32 3/64 -> median 1/64; p95: h = 3.8 ->
     * 1/32 + 0.8 (3/64 - 1/32) */
    assert_float_equal(r.onset_error_abs_median_s, 0.015625, 1e-15);
    assert_float_equal(r.onset_error_abs_p95_s, 0.03125 + 0.8 * 0.015625, 1e-15);
    /* latencies 1/64, 2/64, 3/64, 4/64 (the fifth has none): median 2.5/64,
     * p95: h = 2.85 -> 3/64 + 0.85/64 */
    assert_int_equal(r.n_latency, 4);
    assert_float_equal(r.latency_median_s, 2.5 / 64.0, 1e-15);
    assert_float_equal(r.latency_p95_s, 3.85 / 64.0, 1e-15);
}

/* False positives are charged to the kinds they overlap. */
static void test_per_kind(void **state)
{
    (void)state;
    const ltr_eval_truth t[5] = {
        tw(1.0),
        other(2.0, 0.5, LTR_EVAL_NEEDLE),
        other(3.0, 10.0, LTR_EVAL_STIM),
        other(4.0, 0.5, LTR_EVAL_NEEDLE),
        other(20.0, 3.0, LTR_EVAL_VOLUNTARY),
    };
    ltr_eval_detection d[7] = {
        det(1.0),     /* TP */
        det(2.25),    /* needle */
        det(2.375),   /* the same needle movement again */
        det(4.0),     /* needle (edge) and stim */
        det(30.0),    /* nothing */
        det(19.875),  /* an interval reaching into the voluntary contraction */
        det(2.5),     /* the first needle movement's last instant (closed intervals) */
    };
    d[5].duration_s = 0.25;
    ltr_eval_result r = score(t, 5, d, 7, 0.05, NULL, NULL);
    assert_int_equal(r.tp, 1);
    assert_int_equal(r.fp, 6);
    assert_int_equal(r.kind_total[LTR_EVAL_NEEDLE], 2);
    assert_int_equal(r.fp_by_kind[LTR_EVAL_NEEDLE], 4);
    assert_int_equal(r.kind_hit[LTR_EVAL_NEEDLE], 2);
    assert_int_equal(r.fp_by_kind[LTR_EVAL_STIM], 1);
    assert_int_equal(r.fp_by_kind[LTR_EVAL_VOLUNTARY], 1);
    assert_int_equal(r.kind_hit[LTR_EVAL_VOLUNTARY], 1);
    assert_int_equal(r.fp_unexplained, 1);
    /* non-twitch kinds never count as truths to find */
    assert_int_equal(r.n_truth, 1);
    assert_int_equal(r.fn, 0);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    ltr_eval_result r;
    ltr_eval_truth t[1] = {tw(NAN)};
    ltr_eval_detection d[1] = {det(1.0)};
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_ERR_ARGUMENT);
    t[0] = tw(1.0);
    t[0].duration_s = -1.0;
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_ERR_ARGUMENT);
    t[0] = tw(1.0);
    t[0].kind = (ltr_eval_kind)99;
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_ERR_ARGUMENT);
    t[0] = tw(1.0);
    d[0].onset_s = INFINITY;
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_ERR_ARGUMENT);
    d[0] = det(1.0);
    assert_int_equal(ltr_eval_score(NULL, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_ERR_NULL);
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, NULL, NULL, NULL), LTR_EVAL_ERR_NULL);
    ltr_eval_options o = {-0.001};
    assert_int_equal(ltr_eval_score(t, 1, d, 1, &o, &r, NULL, NULL), LTR_EVAL_ERR_ARGUMENT);
    assert_int_equal(ltr_eval_score(t, 1, d, 1, NULL, &r, NULL, NULL), LTR_EVAL_OK);
}

static void test_kind_names(void **state)
{
    (void)state;
    for (unsigned k = 0; k < LTR_EVAL_N_KINDS; k++)
        assert_int_equal(ltr_eval_kind_from_name(ltr_eval_kind_name((ltr_eval_kind)k)), k);
    assert_int_equal(ltr_eval_kind_from_name("twitch"), LTR_EVAL_TWITCH);
    assert_int_equal(ltr_eval_kind_from_name("coffee"), LTR_EVAL_OTHER);
    assert_int_equal(ltr_eval_kind_from_name(NULL), LTR_EVAL_OTHER);
}

static char *slurp(FILE *f)
{
    static char buf[8192];
    rewind(f);
    const size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    return buf;
}

/* Sites: two true sites (insertions at 10 and 30 s); the first gives twitches after its
 * first two strokes (1 s apart), then none: with 3 strokes as the rule its cue is due at
 * the fifth stroke (14 s). The second gives none. Detected: the first site (0.1 s early)
 * with a cue at 15 s (the neighbour stroke), a false site at 50 s; the second missed. */
static void test_sites(void **state)
{
    (void)state;
    ltr_eval_stroke st[12];
    size_t n = 0;
    for (int k = 0; k < 8; k++)
        st[n++] = (ltr_eval_stroke){10.0 + k, k == 0};
    for (int k = 0; k < 4; k++)
        st[n++] = (ltr_eval_stroke){30.0 + k, k == 0};
    const double tw[] = {10.03, 11.03};
    const double det_tw[] = {10.04, 11.02, 12.5}; /* one too many: the count is off */
    ltr_eval_site ds[2] = {
        {9.9, 30.0, 15.0, 15.25},
        {50.0, 60.0, NAN, NAN},
    };
    ltr_eval_site_options opt;
    ltr_eval_site_options_default(&opt);
    assert_true(opt.tolerance_s == 0.5 && opt.stop_strokes == 5 && opt.stop_s == 10.0);
    opt.stop_strokes = 3;
    ltr_eval_site_result r;
    assert_int_equal(ltr_eval_score_sites(st, n, tw, 2, ds, 2, det_tw, 3, 60.0, &opt, &r),
                     LTR_EVAL_OK);
    assert_int_equal(r.n_true, 2);
    assert_int_equal(r.n_detected, 2);
    assert_int_equal(r.found, 1);
    assert_int_equal(r.missed, 1);
    assert_int_equal(r.false_sites, 1);
    assert_int_equal(r.count_exact, 0);
    assert_int_equal(r.true_stopped, 1);
    assert_int_equal(r.cue_given, 1);
    assert_int_equal(r.cue_within, 1);
    assert_int_equal(r.cues, 1);
    assert_int_equal(r.cue_early, 0);
    assert_int_equal(r.cue_false, 0);
    assert_true(fabs(r.cue_delay_median_s - 1.25) < 1e-9); /* 15.25 - the true stroke 14 */
    /* the right count; a cue two strokes off and 2 s late is not on time; one before the
     * last true twitch is early */
    const double det_ok[] = {10.04, 11.02};
    ds[0].stopped_s = 16.0;
    ds[0].cue_s = 16.25;
    assert_int_equal(ltr_eval_score_sites(st, n, tw, 2, ds, 2, det_ok, 2, 60.0, &opt, &r),
                     LTR_EVAL_OK);
    assert_int_equal(r.count_exact, 1);
    assert_int_equal(r.cue_within, 0);
    ds[0].stopped_s = 10.0;
    ds[0].cue_s = 10.5;
    assert_int_equal(ltr_eval_score_sites(st, n, tw, 2, ds, 2, det_ok, 2, 60.0, &opt, &r),
                     LTR_EVAL_OK);
    assert_int_equal(r.cue_early, 1);
    /* a twitch elicited by the fifth stroke (within its 0.25 s) moves the due cue to the
     * third stroke after it, the eighth (17 s) */
    const double tw_late[] = {10.03, 11.03, 14.1};
    const double det_late[] = {10.04, 11.02, 14.12};
    ds[0].stopped_s = 17.0;
    ds[0].cue_s = 17.25;
    assert_int_equal(ltr_eval_score_sites(st, n, tw_late, 3, ds, 2, det_late, 3, 60.0, &opt, &r),
                     LTR_EVAL_OK);
    assert_int_equal(r.true_stopped, 1);
    assert_int_equal(r.cue_within, 1);
    assert_int_equal(r.cue_early, 0);
    assert_int_equal(r.count_exact, 1);
    assert_true(fabs(r.cue_delay_median_s - 0.25) < 1e-9);
    /* with a 4-stroke rule nothing is due in that site: the cue is a false one */
    opt.stop_strokes = 4;
    assert_int_equal(ltr_eval_score_sites(st, n, tw_late, 3, ds, 2, det_late, 3, 60.0, &opt, &r),
                     LTR_EVAL_OK);
    assert_int_equal(r.true_stopped, 0);
    assert_int_equal(r.cue_false, 1);
    assert_int_equal(ltr_eval_score_sites(NULL, 1, tw, 2, ds, 2, det_ok, 2, 60.0, &opt, &r),
                     LTR_EVAL_ERR_NULL);
}

static void test_writers(void **state)
{
    (void)state;
    const ltr_eval_truth t[3] = {tw(1.0), tw(2.0), other(5.0, 1.0, LTR_EVAL_NEEDLE)};
    const ltr_eval_detection d[2] = {det(1.0), det(5.5)};
    ltr_eval_result r = score(t, 3, d, 2, 0.05, NULL, NULL);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ltr_eval_write_json(f, &r, "case \"1\""), LTR_EVAL_OK);
    const char *s = slurp(f);
    assert_non_null(strstr(s, "\"name\": \"case \\\"1\\\"\""));
    assert_non_null(strstr(s, "\"tp\": 1"));
    assert_non_null(strstr(s, "\"fp\": 1"));
    assert_non_null(strstr(s, "\"fn\": 1"));
    assert_non_null(strstr(s, "\"latency_median_s\": null"));
    assert_non_null(strstr(s, "\"needle\": {\"total\": 1, \"fp\": 1, \"hit\": 1}"));
    assert_non_null(strstr(s, "\"sensitivity\": 0.5"));
    fclose(f);
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ltr_eval_write_table_header(f), LTR_EVAL_OK);
    assert_int_equal(ltr_eval_write_table_row(f, "case", &r), LTR_EVAL_OK);
    assert_int_equal(ltr_eval_write_text(f, &r, "title"), LTR_EVAL_OK);
    s = slurp(f);
    assert_non_null(strstr(s, "scenario"));
    assert_non_null(strstr(s, "needle:1"));
    assert_non_null(strstr(s, "0.500"));
    assert_non_null(strstr(s, "TP 1  FP 1  FN 1"));
    fclose(f);
    assert_int_equal(ltr_eval_write_json(NULL, &r, NULL), LTR_EVAL_ERR_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_counts_and_ratios),
        cmocka_unit_test(test_tolerance_edges),
        cmocka_unit_test(test_closest_first),
        cmocka_unit_test(test_ties),
        cmocka_unit_test(test_errors_and_latency),
        cmocka_unit_test(test_per_kind),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_writers),
        cmocka_unit_test(test_sites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
