/*
 * The trace (ltr_detector_process_traced): the same events as ltr_detector_process for
 * any block split, a trace that is itself block-size invariant, and values that mean
 * what the header says: the statistic crosses the on threshold before every BEGIN, peaks
 * inside the twitch once the delays are removed, and the conditioned signal is loudest
 * where the END puts the peak. (cmocka)
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltr/ltr.h"
#include "run.h"
#include "signals.h"

enum { N_ARRAYS = 5 };

typedef struct traced_run {
    run_events ev;
    float *a[N_ARRAYS]; /* signal, statistic, background, threshold_on, threshold_off */
} traced_run;

/* EMG + 3-axis accelerometer: twitches, mains, a stimulation pulse, a NaN run. */
static float *session(double fs, size_t *n_frames)
{
    const size_t n = sig_frame(8.0, fs);
    float *x = sig_alloc(n, 4);
    sig_rng rng;
    sig_rng_seed(&rng, 14);
    sig_add_emg_noise(x, n, 4, 0, fs, 1.0, 20, 450, &rng);
    sig_add_sine(x, n, 4, 0, fs, 50, 2.0, 0.0);
    const unsigned axes[3] = {1, 2, 3};
    const double g[3] = {0.3, 0.4, 9.7};
    sig_add_gravity(x, n, 4, axes, g);
    for (unsigned k = 1; k < 4; k++)
        sig_add_emg_noise(x, n, 4, k, fs, 0.01, 1, 0.4 * fs, &rng);
    const double dir[3] = {0, 1, 0};
    for (int k = 0; k < 5; k++) {
        const double t = 1.5 + 1.2 * k;
        sig_add_twitch_emg(x, n, 4, 0, fs, t, 0.06, 7.0, &rng);
        sig_add_twitch_acc(x, n, 4, axes, fs, t + 0.02, 0.5, 20, 0.05, dir);
    }
    sig_add_stim_pulses(x, n, 4, 0, fs, 4.1, 4.0, 4.0, 0.0002, 400.0);
    sig_set_nan(x, n, 4, 0, fs, 5.0, 0.02);
    *n_frames = n;
    return x;
}

/* Run det over x in blocks of `block` frames (0: random 1..1400 from seed) with the trace. */
static void run_traced(ltr_detector *det, const float *x, size_t n, size_t block, unsigned seed,
                       traced_run *out)
{
    const unsigned n_ch = ltr_detector_config(det)->n_channels;
    memset(out, 0, sizeof *out);
    for (int k = 0; k < N_ARRAYS; k++) {
        out->a[k] = malloc(n * n_ch * sizeof(float));
        assert_non_null(out->a[k]);
        for (size_t i = 0; i < n * n_ch; i++)
            out->a[k][i] = -12345.0f; /* every row must be written */
    }
    sig_rng rng;
    sig_rng_seed(&rng, seed);
    const size_t cap = ltr_detector_max_events(det, n) + 16;
    ltr_event *ev = malloc(cap * sizeof *ev);
    assert_non_null(ev);
    run_events *e = &out->ev;
    e->ev = malloc(cap * sizeof *ev);
    assert_non_null(e->ev);
    for (size_t i = 0; i < n;) {
        size_t len = block ? block : 1 + (size_t)(sig_uniform(&rng) * 1400.0);
        if (len > n - i)
            len = n - i;
        const size_t o = i * n_ch;
        const ltr_trace tr = {out->a[0] + o, out->a[1] + o, out->a[2] + o, out->a[3] + o,
                              out->a[4] + o};
        size_t got = 0;
        assert_int_equal(ltr_detector_process_traced(det, x + o, len, ev, cap, &got, &tr), LTR_OK);
        memcpy(e->ev + e->n, ev, got * sizeof *ev);
        e->n += got;
        i += len;
    }
    size_t got = 0;
    assert_int_equal(ltr_detector_flush(det, ev, cap, &got), LTR_OK);
    assert_true(e->n + got <= cap);
    memcpy(e->ev + e->n, ev, got * sizeof *ev);
    e->n += got;
    free(ev);
    for (size_t i = 0; i < n * n_ch; i++)
        for (int k = 0; k < N_ARRAYS; k++)
            assert_true(out->a[k][i] != -12345.0f);
}

static void traced_free(traced_run *r)
{
    run_events_free(&r->ev);
    for (int k = 0; k < N_ARRAYS; k++)
        free(r->a[k]);
}

static void assert_same_events(const run_events *a, const run_events *b)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++) {
        const ltr_event *x = &a->ev[i], *y = &b->ev[i];
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->id, y->id);
        assert_int_equal(x->onset, y->onset);
        assert_int_equal(x->peak, y->peak);
        assert_int_equal(x->offset, y->offset);
        assert_int_equal(x->detected, y->detected);
        assert_int_equal(x->channels, y->channels);
        assert_int_equal(x->flags, y->flags);
        assert_memory_equal(&x->amplitude, &y->amplitude, sizeof x->amplitude);
        assert_memory_equal(&x->snr_db, &y->snr_db, sizeof x->snr_db);
        assert_memory_equal(&x->confidence, &y->confidence, sizeof x->confidence);
    }
}

static void same_events_at(double fs, unsigned ecg_cancel)
{
    size_t n;
    float *x = session(fs, &n);
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, fs, 4, sensors), LTR_OK);
    cfg.ecg_cancel = ecg_cancel;
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    run_events ref = {0};
    run_detector(det, x, n, n, 0, 0, &ref);
    assert_true(run_count(&ref, LTR_EVENT_END, 0) >= 3);
    assert_true(run_count(&ref, LTR_EVENT_ARTIFACT, 0) >= 1);

    traced_run first;
    ltr_detector_reset(det);
    run_traced(det, x, n, n, 0, &first);
    assert_same_events(&ref, &first.ev);
    const size_t blocks[] = {1, 7, 32, 4096, 0, 0};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        traced_run r;
        ltr_detector_reset(det);
        run_traced(det, x, n, blocks[b], (unsigned)b, &r);
        assert_same_events(&ref, &r.ev);
        for (int k = 0; k < N_ARRAYS; k++)
            assert_memory_equal(first.a[k], r.a[k], n * 4 * sizeof(float));
        traced_free(&r);
    }
    /* the two calls mixed on one stream: still the same events */
    ltr_detector_reset(det);
    run_events mixed = {0};
    const size_t half = n / 2;
    const size_t cap = ltr_detector_max_events(det, n) + 16;
    ltr_event *ev = malloc(cap * sizeof *ev);
    float *sig = malloc(n * 4 * sizeof(float));
    assert_non_null(ev);
    assert_non_null(sig);
    size_t got = 0;
    const ltr_trace tr = {.signal = sig};
    assert_int_equal(ltr_detector_process(det, x, half, ev, cap, &got), LTR_OK);
    mixed.ev = malloc(cap * sizeof *ev);
    memcpy(mixed.ev, ev, got * sizeof *ev);
    mixed.n = got;
    assert_int_equal(ltr_detector_process_traced(det, x + half * 4, n - half, ev, cap, &got, &tr),
                     LTR_OK);
    memcpy(mixed.ev + mixed.n, ev, got * sizeof *ev);
    mixed.n += got;
    assert_int_equal(ltr_detector_flush(det, ev, cap, &got), LTR_OK);
    memcpy(mixed.ev + mixed.n, ev, got * sizeof *ev);
    mixed.n += got;
    assert_same_events(&ref, &mixed);
    /* only the signal was asked for: it is the full run's second half */
    assert_memory_equal(sig, first.a[0] + half * 4, (n - half) * 4 * sizeof(float));
    free(sig);
    free(ev);
    run_events_free(&mixed);
    traced_free(&first);
    run_events_free(&ref);
    ltr_detector_destroy(det);
    sig_free(x);
}

static void test_same_events_2k(void **state) { (void)state; same_events_at(2000, 0); }
static void test_same_events_10k(void **state) { (void)state; same_events_at(10000, 0); }
static void test_same_events_ecg(void **state) { (void)state; same_events_at(2000, 1); }

/* One EMG channel: the statistic rises above the on threshold before each BEGIN and peaks
 * inside each twitch once statistic_frames are removed; the conditioned signal, quiet
 * before the first twitch, is loudest at the END's peak once signal_frames are removed. */
static void test_values(void **state)
{
    (void)state;
    const double fs = 2000;
    const size_t n = sig_frame(10.0, fs);
    float *x = sig_alloc(n, 1);
    sig_rng rng;
    sig_rng_seed(&rng, 3);
    sig_add_emg_noise(x, n, 1, 0, fs, 1.0, 20, 450, &rng);
    for (int k = 0; k < 6; k++)
        sig_add_twitch_emg(x, n, 1, 0, fs, 2.0 + 1.3 * k, 0.08, 8.0, &rng);
    const ltr_sensor sensors[1] = {LTR_SENSOR_EMG};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, fs, 1, sensors), LTR_OK);
    cfg.mains_hz = 0.0;
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    traced_run r;
    run_traced(det, x, n, 256, 0, &r);
    uint64_t sd = 0, td = 0;
    assert_int_equal(ltr_detector_trace_delays(det, 0, &sd, &td), LTR_OK);
    assert_true(sd > 0 && td > sd);
    assert_true(td <= ltr_detector_latency_frames(det));
    const float *sig = r.a[0], *stat = r.a[1], *bg = r.a[2], *on = r.a[3], *off = r.a[4];
    /* quiet reference: 0.5-1.5 s (after the warm-up's start, before the first twitch) */
    double quiet = 0.0;
    for (size_t i = sig_frame(0.5, fs); i < sig_frame(1.5, fs); i++)
        quiet += (double)sig[i] * sig[i];
    quiet = sqrt(quiet / (double)(sig_frame(1.5, fs) - sig_frame(0.5, fs)));
    assert_true(quiet > 0.2 && quiet < 2.0); /* 1.0 RMS noise, band-passed */
    size_t ends = 0;
    for (size_t e = 0; e < r.ev.n; e++) {
        const ltr_event *ev = &r.ev.ev[e];
        if (ev->kind == LTR_EVENT_BEGIN) {
            /* above the on threshold (and the background below it) within 150 ms before */
            int crossed = 0;
            for (size_t i = ev->detected - sig_frame(0.15, fs); i <= ev->detected && i < n; i++)
                if (stat[i] > on[i] && bg[i] < on[i] && off[i] <= on[i])
                    crossed = 1;
            assert_true(crossed);
        }
        if (ev->kind != LTR_EVENT_END)
            continue;
        ends++;
        /* the event's peak is its largest band-passed sample: the signal's, sd rows later */
        size_t loudest = 0;
        float loud = 0.0f;
        for (uint64_t f = ev->onset; f < ev->offset && f + sd < n; f++)
            if (fabsf(sig[f + sd]) > loud) {
                loud = fabsf(sig[f + sd]);
                loudest = (size_t)(f + sd);
            }
        assert_true(loud > 5.0 * quiet);
        assert_true(llabs((long long)(loudest - sd) - (long long)ev->peak) <= 1);
        /* the statistic peaks inside the twitch once td rows are removed */
        size_t best = 0;
        for (uint64_t f = ev->onset - sig_frame(0.1, fs); f < ev->offset + sig_frame(0.1, fs); f++)
            if (f + td < n && (best == 0 || stat[f + td] > stat[best]))
                best = (size_t)(f + td);
        assert_true(best - td >= ev->onset && best - td < ev->offset);
        /* the statistic's peak over its background is the event's SNR */
        assert_true(fabs(10.0 * log10(stat[best] / bg[best]) - ev->snr_db) < 3.0);
    }
    assert_true(ends >= 5);
    traced_free(&r);
    ltr_detector_destroy(det);
    sig_free(x);
}

static void test_arguments(void **state)
{
    (void)state;
    const ltr_sensor sensors[2] = {LTR_SENSOR_EMG, LTR_SENSOR_EMG};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 2000, 2, sensors), LTR_OK);
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    float x[4] = {0}, s[4];
    ltr_event ev[8];
    size_t got = 99;
    const ltr_trace tr = {.statistic = s};
    assert_int_equal(ltr_detector_process_traced(det, x, 2, ev, 8, &got, NULL), LTR_ERR_NULL);
    assert_int_equal(got, 0);
    assert_int_equal(ltr_detector_process_traced(NULL, x, 2, ev, 8, &got, &tr), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_process_traced(det, NULL, 2, ev, 8, &got, &tr), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_process_traced(det, x, 2, ev, 8, &got, &tr), LTR_OK);
    assert_int_equal(ltr_detector_frames(det), 2);
    uint64_t a, b;
    assert_int_equal(ltr_detector_trace_delays(det, 2, &a, &b), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_detector_trace_delays(det, 0, NULL, &b), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_trace_delays(NULL, 0, &a, &b), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_trace_delays(det, 1, &a, &b), LTR_OK);
    ltr_detector_destroy(det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_events_2k),
        cmocka_unit_test(test_same_events_10k),
        cmocka_unit_test(test_same_events_ecg),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
