/*
 * Block-size invariance and determinism: the same frames give the same events
 * whether fed in one call, frame by frame, in blocks of 32 or 4096, or in
 * random splits; and twice in a row, after reset, or in another detector. (cmocka)
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

/* EMG + 3-axis accelerometer with twitches, hum, stimulation, NaN, a dropout and clipping:
 * every path of the detector runs. */
static float *busy_session(double fs, size_t *n_frames)
{
    const double dur = 12.0;
    const size_t n = sig_frame(dur, fs);
    float *x = sig_alloc(n, 4);
    sig_rng rng;
    sig_rng_seed(&rng, 99);
    sig_add_emg_noise(x, n, 4, 0, fs, 1.0, 20, 0.45 * fs < 450 ? 0.45 * fs : 450, &rng);
    sig_add_sine(x, n, 4, 0, fs, 50, 3.0, 0.0);
    const unsigned axes[3] = {1, 2, 3};
    const double g[3] = {0.5, 0.5, 9.7};
    sig_add_gravity(x, n, 4, axes, g);
    for (unsigned k = 1; k < 4; k++)
        sig_add_emg_noise(x, n, 4, k, fs, 0.01, 1, 0.4 * fs, &rng);
    sig_add_hand_motion(x, n, 4, axes, fs, 0.1, &rng);
    const double dir[3] = {1, 0, 0};
    for (int k = 0; k < 8; k++) {
        const double t = 0.8 + 1.3 * k;
        sig_add_twitch_emg(x, n, 4, 0, fs, t, 0.05 + 0.02 * k, 6.0 - 0.5 * k, &rng);
        sig_add_twitch_acc(x, n, 4, axes, fs, t + 0.02, 0.5, 20, 0.05, dir);
    }
    sig_add_stim_pulses(x, n, 4, 0, fs, 3.3, 4.0, 4.0, 0.0002, 400.0);
    sig_add_voluntary(x, n, 4, 0, fs, 9.2, 1.6, 8.0, &rng);
    sig_set_nan(x, n, 4, 0, fs, 5.5, 0.05);
    sig_set_dropout(x, n, 4, 2, fs, 6.9, 0.3, 1.0f);
    sig_clip(x, n, 4, 0, 30.0);
    *n_frames = n;
    return x;
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
        /* bit-identical floats: the same arithmetic in the same order */
        assert_memory_equal(&x->amplitude, &y->amplitude, sizeof x->amplitude);
        assert_memory_equal(&x->snr_db, &y->snr_db, sizeof x->snr_db);
        assert_memory_equal(&x->confidence, &y->confidence, sizeof x->confidence);
    }
}

static void invariance_at(double fs, unsigned ecg_cancel)
{
    size_t n;
    float *x = busy_session(fs, &n);
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, fs, 4, sensors), LTR_OK);
    cfg.ecg_cancel = ecg_cancel;
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);

    run_events ref = {0};
    run_detector(det, x, n, n, 0, 0, &ref); /* one call */
    /* the session exercises twitches, cancels and artifacts */
    assert_true(run_count(&ref, LTR_EVENT_END, 0) >= 5);
    assert_true(run_count(&ref, LTR_EVENT_ARTIFACT, 0) >= 2);

    const size_t fixed[] = {1, 32, 4096};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        ltr_detector_reset(det);
        run_events e = {0};
        run_detector(det, x, n, fixed[i], 0, 0, &e);
        assert_same_events(&ref, &e);
        run_events_free(&e);
    }
    for (unsigned seed = 1; seed <= 12; seed++) {
        ltr_detector_reset(det);
        run_events e = {0};
        run_detector(det, x, n, 0, seed % 3 == 0 ? 5 : 700, seed, &e);
        assert_same_events(&ref, &e);
        run_events_free(&e);
    }
    /* a second, independent detector in caller memory gives the same */
    const size_t size = ltr_detector_size(&cfg);
    void *mem = aligned_alloc(LTR_DETECTOR_ALIGN, (size + LTR_DETECTOR_ALIGN - 1) / LTR_DETECTOR_ALIGN * LTR_DETECTOR_ALIGN);
    ltr_detector *other;
    assert_int_equal(ltr_detector_init(&other, mem, size, &cfg), LTR_OK);
    run_events e = {0};
    run_detector(other, x, n, 333, 0, 0, &e);
    assert_same_events(&ref, &e);
    run_events_free(&e);
    free(mem);
    run_events_free(&ref);
    ltr_detector_destroy(det);
    sig_free(x);
}

/* LTR_ECG_AUTO. 30 s of one EMG channel and an accelerometer: background EMG, twitches
 * every 1.7 s, and either a heart (sig_add_qrs at 0.6 of the simulator's widths, R peak 30 times
 * the EMG's rms, larger than the twitches, RR 0.8 s with 4 %
 * beat-to-beat jitter, as ltr simulate's) or an evoked train (one fixed MEP-like
 * response of the same size, exactly every 0.8 s: a stimulator's clock). */
static float *auto_session(double fs, int heart, size_t *n_frames)
{
    const double dur = 30.0;
    const size_t n = sig_frame(dur, fs);
    float *x = sig_alloc(n, 4);
    sig_rng rng;
    sig_rng_seed(&rng, 77);
    sig_add_emg_noise(x, n, 4, 0, fs, 1.0, 20, 0.45 * fs < 450 ? 0.45 * fs : 450, &rng);
    const unsigned axes[3] = {1, 2, 3};
    const double g[3] = {0.5, 0.5, 9.7};
    sig_add_gravity(x, n, 4, axes, g);
    for (unsigned k = 1; k < 4; k++)
        sig_add_emg_noise(x, n, 4, k, fs, 0.01, 1, 0.4 * fs, &rng);
    const double dir[3] = {1, 0, 0};
    for (double t = 1.1; t < dur - 1.0; t += 1.7) {
        sig_add_twitch_emg(x, n, 4, 0, fs, t, 0.08, 5.0, &rng);
        sig_add_twitch_acc(x, n, 4, axes, fs, t + 0.02, 0.5, 20, 0.05, dir);
    }
    const size_t period = sig_frame(0.8, fs);
    double t_r = 0.5;
    for (size_t k = 0; t_r < dur - 0.5; k++) {
        if (heart) {
            sig_add_qrs(x, n, 4, 0, fs, t_r, 30.0, 0.6);
        } else {
            const size_t r = sig_frame(0.5, fs) + k * period;
            for (size_t i = r - sig_frame(0.06, fs); i < r + sig_frame(0.06, fs) && i < n; i++) {
                const double u = ((double)i - (double)r) / fs;
                const double v = exp(-0.5 * pow((u + 0.008) / 0.003, 2)) -
                                 1.3 * exp(-0.5 * pow(u / 0.004, 2)) +
                                 0.5 * exp(-0.5 * pow((u - 0.010) / 0.005, 2));
                x[i * 4] += (float)(30.0 * v);
            }
        }
        t_r += 0.8 * (1.0 + 0.04 * sig_gauss(&rng));
    }
    *n_frames = n;
    return x;
}

/* A heart switches the lanes to the cancelled EMG mid-stream (the latency grows by the
 * canceller's delay) and the events are the same for any split into blocks; an evoked
 * train does not switch them: its events are those without ECG cancelling, bit for
 * bit. */
static void test_ecg_auto_2k(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    for (int heart = 1; heart >= 0; heart--) {
        size_t n;
        float *x = auto_session(fs, heart, &n);
        ltr_config cfg;
        assert_int_equal(ltr_config_default(&cfg, fs, 4, sensors), LTR_OK);
        cfg.ecg_cancel = LTR_ECG_AUTO;
        ltr_detector *det;
        assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
        const uint64_t lat0 = ltr_detector_latency_frames(det);
        /* the latency at the end of the stream, before a flush ends it */
        const size_t cap = ltr_detector_max_events(det, 4096);
        ltr_event *ev = malloc(cap * sizeof *ev);
        assert_non_null(ev);
        for (size_t i = 0; i < n; i += 4096) {
            size_t got = 0;
            assert_int_equal(ltr_detector_process(det, x + 4 * i, n - i < 4096 ? n - i : 4096, ev, cap, &got), LTR_OK);
        }
        const uint64_t lat1 = ltr_detector_latency_frames(det);
        free(ev);
        ltr_detector_reset(det);
        assert_int_equal(ltr_detector_latency_frames(det), lat0);
        run_events ref = {0};
        run_detector(det, x, n, n, 0, 0, &ref);
        print_message("%s: latency %.1f -> %.1f ms, %zu END events\n", heart ? "heart" : "evoked train",
                      1e3 * (double)lat0 / fs, 1e3 * (double)lat1 / fs, run_count(&ref, LTR_EVENT_END, 0));
        assert_true(run_count(&ref, LTR_EVENT_END, 0) >= 8);
        if (heart) {
            assert_true(lat1 > lat0 + (uint64_t)(0.03 * fs)); /* switched: +33.5 ms */
            const size_t fixed[] = {1, 32, 4096};
            for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
                ltr_detector_reset(det);
                assert_int_equal(ltr_detector_latency_frames(det), lat0);
                run_events e = {0};
                run_detector(det, x, n, fixed[i], 0, 0, &e);
                assert_same_events(&ref, &e);
                run_events_free(&e);
            }
            for (unsigned seed = 1; seed <= 6; seed++) {
                ltr_detector_reset(det);
                run_events e = {0};
                run_detector(det, x, n, 0, seed % 3 == 0 ? 5 : 700, seed, &e);
                assert_same_events(&ref, &e);
                run_events_free(&e);
            }
        } else {
            assert_int_equal(lat1, lat0); /* never switched */
            ltr_config off = cfg;
            off.ecg_cancel = 0;
            ltr_detector *d0;
            assert_int_equal(ltr_detector_create(&d0, &off), LTR_OK);
            assert_int_equal(ltr_detector_latency_frames(d0), lat0);
            run_events e = {0};
            run_detector(d0, x, n, 333, 0, 0, &e);
            assert_same_events(&ref, &e);
            run_events_free(&e);
            ltr_detector_destroy(d0);
        }
        run_events_free(&ref);
        ltr_detector_destroy(det);
        sig_free(x);
    }
}

static void test_invariance_1k(void **state) { (void)state; invariance_at(1000, 0); }
static void test_invariance_4k(void **state) { (void)state; invariance_at(4000, 0); }
/* ECG cancelling delays the EMG lanes and, through a line, the accelerometer lane */
static void test_invariance_ecg_2k(void **state) { (void)state; invariance_at(2000, 1); }

/* Feed frames [from, to) of x in blocks of `block` frames, without flushing. */
static void feed(ltr_detector *det, const float *x, size_t from, size_t to, size_t block,
                 run_events *out)
{
    const unsigned n_ch = ltr_detector_config(det)->n_channels;
    for (size_t i = from; i < to;) {
        const size_t len = to - i < block ? to - i : block;
        const size_t cap = ltr_detector_max_events(det, len);
        ltr_event *ev = malloc((cap ? cap : 1) * sizeof *ev);
        assert_non_null(ev);
        size_t n = 0;
        assert_int_equal(ltr_detector_process(det, x + i * n_ch, len, ev, cap, &n), LTR_OK);
        for (size_t k = 0; k < n; k++) {
            out->ev = realloc(out->ev, (out->n + 1) * sizeof *out->ev);
            assert_non_null(out->ev);
            out->ev[out->n++] = ev[k];
        }
        free(ev);
        i += len;
    }
}

static void finish(ltr_detector *det, run_events *out)
{
    const size_t cap = ltr_detector_max_events(det, 0);
    ltr_event *ev = malloc(cap * sizeof *ev);
    assert_non_null(ev);
    size_t n = 0;
    assert_int_equal(ltr_detector_flush(det, ev, cap, &n), LTR_OK);
    for (size_t k = 0; k < n; k++) {
        out->ev = realloc(out->ev, (out->n + 1) * sizeof *out->ev);
        assert_non_null(out->ev);
        out->ev[out->n++] = ev[k];
    }
    free(ev);
}

/* A detector copied with memcpy mid-stream (issue 10: offsets, not pointers, as opus
 * states) goes on in the copy as the original would have: the same events, bit for
 * bit, even after the original's memory is overwritten; ltr_detector_destroy ignores
 * the copy (it would be a double free under ASan). Split points fall before, inside
 * and after twitches, a stimulation pulse, the NaN run and the dropout. */
static void copy_at(double fs, unsigned ecg_cancel)
{
    size_t n;
    float *x = busy_session(fs, &n);
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, fs, 4, sensors), LTR_OK);
    cfg.ecg_cancel = ecg_cancel;
    const size_t size = ltr_detector_size(&cfg);
    const size_t alloc = (size + LTR_DETECTOR_ALIGN - 1) / LTR_DETECTOR_ALIGN * LTR_DETECTOR_ALIGN;

    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    run_events ref = {0};
    run_detector(det, x, n, 64, 0, 0, &ref);
    assert_true(run_count(&ref, LTR_EVENT_END, 0) >= 5);

    const double split_s[] = {0.3, 0.85, 3.301, 5.52, 7.0, 9.9};
    for (size_t k = 0; k < sizeof split_s / sizeof split_s[0]; k++) {
        const size_t at = (size_t)(split_s[k] * fs);
        ltr_detector_reset(det);
        run_events e = {0};
        feed(det, x, 0, at, 64, &e);
        void *mem = aligned_alloc(LTR_DETECTOR_ALIGN, alloc);
        assert_non_null(mem);
        memcpy(mem, det, size);
        ltr_detector *copy = mem;
        memset(det, 0xA5, size); /* nothing of the original may be reached from the copy */
        feed(copy, x, at, n, 37, &e);
        finish(copy, &e);
        assert_same_events(&ref, &e);
        ltr_detector_destroy(copy); /* caller memory: ignored */
        memcpy(det, copy, size);    /* and back: the original block works again */
        free(mem);
        run_events_free(&e);
    }
    ltr_detector_destroy(det); /* frees the block create allocated (its copy came back) */
    run_events_free(&ref);
    sig_free(x);
}

static void test_copy_mid_stream_1k(void **state) { (void)state; copy_at(1000, 0); }
static void test_copy_mid_stream_ecg_2k(void **state) { (void)state; copy_at(2000, 1); }

/* After flush the stream can go on: frame counters continue and ids keep counting. */
static void test_flush_continues(void **state)
{
    (void)state;
    const double fs = 1000;
    size_t n;
    float *x = busy_session(fs, &n);
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    ltr_config cfg;
    ltr_config_default(&cfg, fs, 4, sensors);
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    run_events first = {0}, second = {0};
    run_detector(det, x, n, 512, 0, 0, &first);
    assert_int_equal(ltr_detector_frames(det), n);
    run_detector(det, x, n, 512, 0, 0, &second);
    assert_int_equal(ltr_detector_frames(det), 2 * n);
    assert_int_equal(first.n, second.n);
    unsigned max_id = 0;
    for (size_t i = 0; i < first.n; i++)
        if (first.ev[i].id > max_id)
            max_id = first.ev[i].id;
    for (size_t i = 0; i < second.n; i++) {
        assert_int_equal(second.ev[i].kind, first.ev[i].kind);
        assert_int_equal(second.ev[i].onset, first.ev[i].onset + n);
        if (second.ev[i].id)
            assert_int_equal(second.ev[i].id, first.ev[i].id + max_id);
    }
    run_events_free(&first);
    run_events_free(&second);
    ltr_detector_destroy(det);
    sig_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invariance_1k),
        cmocka_unit_test(test_invariance_4k),
        cmocka_unit_test(test_invariance_ecg_2k),
        cmocka_unit_test(test_ecg_auto_2k),
        cmocka_unit_test(test_flush_continues),
        cmocka_unit_test(test_copy_mid_stream_1k),
        cmocka_unit_test(test_copy_mid_stream_ecg_2k),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
