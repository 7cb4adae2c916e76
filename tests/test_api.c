/*
 * API contract: every bad configuration and argument is refused with its own
 * status; memory, queue and mark rules hold. (cmocka)
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <setjmp.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltr/ltr.h"
#include "signals.h"

static void test_status_strings(void **state)
{
    (void)state;
    const ltr_status all[] = {LTR_OK, LTR_MORE_EVENTS, LTR_ERR_NULL, LTR_ERR_SAMPLE_RATE,
                              LTR_ERR_CHANNELS, LTR_ERR_SENSOR, LTR_ERR_MAINS, LTR_ERR_BAND,
                              LTR_ERR_THRESHOLD, LTR_ERR_TIMING, LTR_ERR_MEMORY,
                              LTR_ERR_ARGUMENT, LTR_ERR_EVENT_OVERFLOW,
                              LTR_ERR_TOO_MANY_MARKS, LTR_ERR_ENVELOPE, LTR_ERR_VERSION,
                              LTR_ERR_UNSUPPORTED};
    const size_t n = sizeof all / sizeof all[0];
    for (size_t i = 0; i < n; i++) {
        const char *s = ltr_status_string(all[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 5);
        assert_string_not_equal(s, "unknown status");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, ltr_status_string(all[j]));
    }
    assert_string_equal(ltr_status_string((ltr_status)-999), "unknown status");
    char v[32];
    snprintf(v, sizeof v, "%d.%d.%d", LTR_VERSION_MAJOR, LTR_VERSION_MINOR, LTR_VERSION_PATCH);
    assert_string_equal(ltr_version_string(), v);
}

/* Defaults are valid at every supported rate and sensor mix, and build a detector. */
static void test_defaults_valid(void **state)
{
    (void)state;
    const double rates[] = {250, 500, 1000, 1024, 2000, 2048, 4000, 10000, 20000, 50000};
    const ltr_sensor mix[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    const ltr_sensor acc[3] = {LTR_SENSOR_ACC, LTR_SENSOR_ACC, LTR_SENSOR_ACC};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        ltr_config cfg;
        for (int kind = 0; kind < 3; kind++) {
            const ltr_sensor *s = kind == 0 ? NULL : kind == 1 ? mix : acc;
            const unsigned n = kind == 0 ? 2 : kind == 1 ? 4 : 3;
            assert_int_equal(ltr_config_default(&cfg, rates[i], n, s), LTR_OK);
            assert_true(cfg.emg_lowpass_hz < 0.5 * rates[i]);
            ltr_detector *det = NULL;
            assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
            assert_non_null(det);
            /* the fixed delay stays inside the 50 ms latency budget at every rate */
            const double lat_ms = 1e3 * (double)ltr_detector_latency_frames(det) / rates[i];
            assert_true(lat_ms > 0.0);
            assert_true(lat_ms < 50.0);
            ltr_detector_destroy(det);
        }
    }
    /* needle rates widen the EMG band */
    ltr_config cfg;
    ltr_config_default(&cfg, 1000, 1, NULL);
    assert_true(fabs(cfg.emg_lowpass_hz - 450.0) < 1e-9);
    ltr_config_default(&cfg, 10000, 1, NULL);
    assert_true(fabs(cfg.emg_lowpass_hz - 2000.0) < 1e-9);
}

typedef void (*mutate_fn)(ltr_config *);
static void m_rate0(ltr_config *c) { c->sample_rate_hz = 0; }
static void m_rate_nan(ltr_config *c) { c->sample_rate_hz = NAN; }
static void m_rate_low(ltr_config *c) { c->sample_rate_hz = 100; }
static void m_rate_high(ltr_config *c) { c->sample_rate_hz = 60000; }
static void m_ch0(ltr_config *c) { c->n_channels = 0; }
static void m_ch33(ltr_config *c) { c->n_channels = LTR_MAX_CHANNELS + 1; }
static void m_sensor(ltr_config *c) { c->sensors[1] = (ltr_sensor)7; }
static void m_mains55(ltr_config *c) { c->mains_hz = 55; }
static void m_notch0(ltr_config *c) { c->notch_width_hz = 0; }
static void m_harm(ltr_config *c) { c->mains_harmonics = 1000; }
static void m_band_order(ltr_config *c) { c->emg_highpass_hz = 500; }
static void m_band_nyq(ltr_config *c) { c->emg_lowpass_hz = 0.5 * c->sample_rate_hz; }
static void m_band_nan(ltr_config *c) { c->acc_highpass_hz = NAN; }
static void m_smooth(ltr_config *c) { c->emg_smoothing_hz = -1; }
static void m_on0(ltr_config *c) { c->threshold_on_db = 0; }
static void m_off_gt_on(ltr_config *c) { c->threshold_off_db = c->threshold_on_db + 1; }
static void m_spread(ltr_config *c) { c->threshold_spread_factor = -1; }
static void m_spike(ltr_config *c) { c->spike_threshold_db = INFINITY; }
static void m_confirm(ltr_config *c) { c->confirm_ms = c->min_duration_ms + 1; }
static void m_minmax(ltr_config *c) { c->min_duration_ms = c->max_duration_ms + 1; }
static void m_refr(ltr_config *c) { c->refractory_ms = -1; }
static void m_rise(ltr_config *c) { c->floor_rise_db_per_s = 0; }
static void m_dropout(ltr_config *c) { c->dropout_ms = 0; }
static void m_hour(ltr_config *c) { c->max_duration_ms = 3.6e6; }
static void m_env(ltr_config *c) { c->emg_envelope = (ltr_envelope)9; }
static void m_size0(ltr_config *c) { c->struct_size = 0; }
static void m_size_old(ltr_config *c) { c->struct_size = (uint32_t)sizeof *c - 8; }
static void m_clip(ltr_config *c) { c->clip_level = -1; }
static void m_acc_min(ltr_config *c) { c->acc_min_duration_ms = 0.5 * c->confirm_ms; }

static void test_bad_config_refused(void **state)
{
    (void)state;
    static const struct {
        mutate_fn fn;
        ltr_status want;
    } cases[] = {
        {m_rate0, LTR_ERR_SAMPLE_RATE}, {m_rate_nan, LTR_ERR_SAMPLE_RATE},
        {m_rate_low, LTR_ERR_SAMPLE_RATE}, {m_rate_high, LTR_ERR_SAMPLE_RATE},
        {m_ch0, LTR_ERR_CHANNELS}, {m_ch33, LTR_ERR_CHANNELS}, {m_sensor, LTR_ERR_SENSOR},
        {m_mains55, LTR_ERR_MAINS}, {m_notch0, LTR_ERR_MAINS}, {m_harm, LTR_ERR_MAINS},
        {m_band_order, LTR_ERR_BAND}, {m_band_nyq, LTR_ERR_BAND}, {m_band_nan, LTR_ERR_BAND},
        {m_smooth, LTR_ERR_BAND}, {m_on0, LTR_ERR_THRESHOLD}, {m_off_gt_on, LTR_ERR_THRESHOLD},
        {m_spread, LTR_ERR_THRESHOLD}, {m_spike, LTR_ERR_THRESHOLD}, {m_confirm, LTR_ERR_TIMING},
        {m_minmax, LTR_ERR_TIMING}, {m_refr, LTR_ERR_TIMING}, {m_rise, LTR_ERR_TIMING},
        {m_dropout, LTR_ERR_TIMING}, {m_hour, LTR_ERR_TIMING}, {m_env, LTR_ERR_ENVELOPE}, {m_size0, LTR_ERR_VERSION}, {m_size_old, LTR_ERR_VERSION},
        {m_clip, LTR_ERR_ARGUMENT}, {m_acc_min, LTR_ERR_TIMING},
    };
    const ltr_sensor mix[2] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC};
    static alignas(16) unsigned char mem[1 << 16];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ltr_config cfg;
        assert_int_equal(ltr_config_default(&cfg, 2000, 2, mix), LTR_OK);
        cases[i].fn(&cfg);
        assert_int_equal(ltr_config_validate(&cfg), cases[i].want);
        assert_int_equal(ltr_detector_size(&cfg), 0);
        ltr_detector *det = (ltr_detector *)&cfg; /* must be cleared on failure */
        assert_int_equal(ltr_detector_create(&det, &cfg), cases[i].want);
        assert_null(det);
        assert_int_equal(ltr_detector_init(&det, mem, sizeof mem, &cfg), cases[i].want);
        assert_null(det);
    }
    /* the defaults themselves report a bad rate */
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 50, 1, NULL), LTR_ERR_SAMPLE_RATE);
    assert_int_equal(ltr_config_default(NULL, 1000, 1, NULL), LTR_ERR_NULL);
    assert_int_equal(ltr_config_validate(NULL), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_size(NULL), 0);
}

/* ECG cancelling in a core built with it (meson -Decg=true, the default) builds a
 * detector; in one built without it (-Decg=false) it is refused with
 * LTR_ERR_UNSUPPORTED by every call that takes the config, and size is 0. */
static void test_ecg_by_build(void **state)
{
    (void)state;
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 2000.0, 1, NULL), LTR_OK);
    cfg.ecg_cancel = 1;
    ltr_detector *det = NULL;
    const ltr_status st = ltr_detector_create(&det, &cfg);
#if LTRI_HAVE_ECG
    assert_int_equal(ltr_config_validate(&cfg), LTR_OK);
    assert_int_equal(st, LTR_OK);
    assert_true(ltr_detector_size(&cfg) > 0);
    ltr_detector_destroy(det);
#else
    assert_int_equal(ltr_config_validate(&cfg), LTR_ERR_UNSUPPORTED);
    assert_int_equal(st, LTR_ERR_UNSUPPORTED);
    assert_null(det);
    assert_int_equal(ltr_detector_size(&cfg), 0);
#endif
    cfg.ecg_cancel = 0; /* the rest of the core is the same in either build */
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    ltr_detector_destroy(det);
}

static void test_memory_rules(void **state)
{
    (void)state;
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 1000, 4, NULL), LTR_OK);
    const size_t need = ltr_detector_size(&cfg);
    assert_true(need > 0);
    /* more channels, more memory */
    ltr_config cfg1;
    ltr_config_default(&cfg1, 1000, 1, NULL);
    assert_true(ltr_detector_size(&cfg1) < need);

    unsigned char *raw = malloc(need + 64);
    assert_non_null(raw);
    unsigned char *aligned = raw + (16 - ((uintptr_t)raw % 16)) % 16;
    ltr_detector *det = NULL;
    assert_int_equal(ltr_detector_init(&det, aligned, need - 1, &cfg), LTR_ERR_MEMORY);
    assert_null(det);
    assert_int_equal(ltr_detector_init(&det, aligned + 4, need + 8, &cfg), LTR_ERR_MEMORY);
    assert_int_equal(ltr_detector_init(NULL, aligned, need, &cfg), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_init(&det, NULL, need, &cfg), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_init(&det, aligned, need, NULL), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_create(NULL, &cfg), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_init(&det, aligned, need, &cfg), LTR_OK);
    assert_ptr_equal(det, aligned);
    assert_int_equal(ltr_detector_config(det)->n_channels, 4);
    /* destroy must not free caller memory */
    ltr_detector_destroy(det);
    ltr_detector_destroy(NULL);
    free(raw);
}

/* What ltr_config_validate accepts, ltr_detector_create builds: an EMG band under the
 * mains frequency leaves the canceller nothing to cancel, which is no error (fuzzing found
 * create refusing it). */
static void test_valid_config_builds(void **state)
{
    (void)state;
    const double mains[] = {50.0, 60.0, LTR_MAINS_AUTO};
    for (size_t i = 0; i < 3; i++) {
        ltr_config cfg;
        assert_int_equal(ltr_config_default(&cfg, 1000, 1, NULL), LTR_OK);
        cfg.emg_highpass_hz = 10.0;
        cfg.emg_lowpass_hz = 35.0;
        cfg.mains_hz = mains[i];
        assert_int_equal(ltr_config_validate(&cfg), LTR_OK);
        ltr_detector *det = NULL;
        assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
        assert_true(ltr_detector_mains_hz(det) == 0.0 || ltr_detector_mains_hz(det) == LTR_MAINS_AUTO);
        ltr_detector_destroy(det);
    }
}

/* ltr_detector_ready: 0 through the warm-up (a 0.15 s trial never gets there), 1 after
 * it, 0 again after flush and reset. */
static void test_ready_after_warmup(void **state)
{
    (void)state;
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 2000, 2, NULL), LTR_OK);
    ltr_detector *det = NULL;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    assert_int_equal(ltr_detector_ready(NULL), 0);
    assert_int_equal(ltr_detector_ready(det), 0);
    float x[2 * 100];
    uint32_t rng = 1;
    ltr_event ev[64];
    size_t n_ev;
    size_t fed = 0;
    const size_t warm = (size_t)(cfg.warmup_ms * 1e-3 * cfg.sample_rate_hz);
    while (!ltr_detector_ready(det) && fed < 10 * warm) {
        for (size_t i = 0; i < 200; i++) {
            rng = rng * 1664525u + 1013904223u;
            x[i] = (float)((int32_t)rng) * 1e-9f;
        }
        assert_true(ltr_detector_process(det, x, 100, ev, 64, &n_ev) >= 0);
        fed += 100;
        if (fed <= 300) /* 0.15 s at 2 kHz: still learning */
            assert_int_equal(ltr_detector_ready(det), 0);
    }
    assert_int_equal(ltr_detector_ready(det), 1);
    /* the warm-up follows the mains search (LTR_MAINS_AUTO, the default: 0.5 s) */
    assert_true(fed >= warm + (size_t)(0.5 * cfg.sample_rate_hz));
    assert_true(fed < warm + (size_t)(0.55 * cfg.sample_rate_hz) + 200);
    assert_true(ltr_detector_flush(det, ev, 64, &n_ev) >= 0);
    assert_int_equal(ltr_detector_ready(det), 0);
    ltr_detector_reset(det);
    assert_int_equal(ltr_detector_ready(det), 0);
    ltr_detector_destroy(det);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    ltr_config cfg;
    ltr_config_default(&cfg, 1000, 2, NULL);
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    float frames[8] = {0};
    ltr_event ev[4];
    size_t n = 99;
    assert_int_equal(ltr_detector_process(NULL, frames, 4, ev, 4, &n), LTR_ERR_NULL);
    assert_int_equal(n, 0);
    assert_int_equal(ltr_detector_process(det, NULL, 4, ev, 4, &n), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_process(det, frames, 4, NULL, 4, &n), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_process(det, frames, 4, ev, 4, NULL), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_process(det, NULL, 0, NULL, 0, &n), LTR_OK);
    assert_int_equal(ltr_detector_frames(det), 0);
    assert_int_equal(ltr_detector_process(det, frames, 4, ev, 4, &n), LTR_OK);
    assert_int_equal(ltr_detector_frames(det), 4);
    int16_t s16[8] = {0};
    assert_int_equal(ltr_detector_process_s16(det, s16, 4, 0.0f, ev, 4, &n), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_detector_process_s16(det, s16, 4, NAN, ev, 4, &n), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_detector_process_s16(det, s16, 4, 1e-6f, ev, 4, &n), LTR_OK);
    assert_int_equal(ltr_detector_frames(det), 8);
    assert_int_equal(ltr_detector_flush(det, NULL, 0, NULL), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_flush(det, ev, 4, &n), LTR_OK);
    assert_int_equal(ltr_detector_frames(det), 8);

    /* marks */
    assert_int_equal(ltr_detector_mark(NULL, LTR_MARK_STIM, 10), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_mark(det, (ltr_mark)0, 10), LTR_ERR_ARGUMENT);
    for (unsigned i = 0; i < LTR_MAX_PENDING_MARKS; i++)
        assert_int_equal(ltr_detector_mark(det, LTR_MARK_STIM, 1000 + i), LTR_OK);
    assert_int_equal(ltr_detector_mark(det, LTR_MARK_NEEDLE, 5000), LTR_ERR_TOO_MANY_MARKS);
    ltr_detector_reset(det);
    assert_int_equal(ltr_detector_frames(det), 0);
    float *zeros = sig_alloc(2000, 2);
    assert_int_equal(ltr_detector_process(det, zeros, 2000, ev, 4, &n), LTR_OK);
    assert_int_equal(ltr_detector_mark(det, LTR_MARK_STIM, 10), LTR_ERR_ARGUMENT); /* long past */
    assert_int_equal(ltr_detector_mark(det, LTR_MARK_STIM, 1999), LTR_OK);         /* just past */
    assert_int_equal(ltr_detector_mark(det, LTR_MARK_STIM, UINT64_MAX), LTR_OK);   /* far future */
    sig_free(zeros);
    ltr_detector_destroy(det);
}

/* A recording with several twitches, for the queue tests. */
static float *twitchy(double fs, size_t *n_frames)
{
    const double dur = 6.0;
    *n_frames = sig_frame(dur, fs);
    float *x = sig_alloc(*n_frames, 1);
    sig_rng rng;
    sig_rng_seed(&rng, 7);
    sig_add_emg_noise(x, *n_frames, 1, 0, fs, 1.0, 20, 450, &rng);
    for (int k = 0; k < 8; k++)
        sig_add_twitch_emg(x, *n_frames, 1, 0, fs, 1.0 + 0.6 * k, 0.08, 10.0, &rng);
    return x;
}

/* Events that do not fit wait in the queue and come out in order; none is lost. */
static void test_event_queue(void **state)
{
    (void)state;
    const double fs = 2000;
    size_t n_frames;
    float *x = twitchy(fs, &n_frames);
    ltr_config cfg;
    ltr_config_default(&cfg, fs, 1, NULL);
    ltr_detector *ref, *det;
    assert_int_equal(ltr_detector_create(&ref, &cfg), LTR_OK);
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);

    size_t cap = ltr_detector_max_events(ref, n_frames);
    ltr_event *all = calloc(cap, sizeof *all);
    size_t n_all = 0, n = 0;
    assert_int_equal(ltr_detector_process(ref, x, n_frames, all, cap, &n_all), LTR_OK);
    assert_true(n_all >= 8);

    /* one event slot per call: the rest waits, LTR_MORE_EVENTS says so */
    ltr_event got[64];
    size_t n_got = 0;
    int saw_more = 0;
    for (size_t i = 0; i < n_frames; i += 100) {
        const size_t len = n_frames - i < 100 ? n_frames - i : 100;
        ltr_event one;
        const ltr_status st = ltr_detector_process(det, x + i, len, &one, 1, &n);
        assert_true(st == LTR_OK || st == LTR_MORE_EVENTS);
        saw_more |= st == LTR_MORE_EVENTS;
        if (n)
            got[n_got++] = one;
    }
    ltr_status st;
    do {
        ltr_event one;
        st = ltr_detector_process(det, NULL, 0, &one, 1, &n);
        if (n)
            got[n_got++] = one;
    } while (st == LTR_MORE_EVENTS);
    assert_int_equal(st, LTR_OK);
    assert_int_equal(n_got, n_all);
    for (size_t i = 0; i < n_all; i++) {
        assert_int_equal(got[i].kind, all[i].kind);
        assert_int_equal(got[i].onset, all[i].onset);
        assert_int_equal(got[i].detected, all[i].detected);
    }
    (void)saw_more;
    assert_int_equal(ltr_detector_lost_events(det), 0);

    /* never asking for events overflows the queue: reported, counted, not silent */
    ltr_detector_reset(det);
    st = ltr_detector_process(det, x, n_frames, NULL, 0, &n);
    if (n_all > LTR_EVENT_QUEUE) {
        assert_int_equal(st, LTR_ERR_EVENT_OVERFLOW);
        assert_int_equal(ltr_detector_lost_events(det), n_all - LTR_EVENT_QUEUE);
    } else {
        assert_int_equal(st, LTR_MORE_EVENTS);
    }
    free(all);
    sig_free(x);
    ltr_detector_destroy(ref);
    ltr_detector_destroy(det);
}

/* The documented bound holds on a busy recording, for many block sizes. */
static void test_max_events_bound(void **state)
{
    (void)state;
    const double fs = 1000;
    size_t n_frames;
    float *x = twitchy(fs, &n_frames);
    sig_add_stim_pulses(x, n_frames, 1, 0, fs, 0.5, 5.5, 4.0, 0.0002, 500.0);
    ltr_config cfg;
    ltr_config_default(&cfg, fs, 1, NULL);
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    const size_t blocks[] = {1, 7, 32, 333, 4096};
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        ltr_detector_reset(det);
        for (size_t i = 0; i < n_frames; i += blocks[b]) {
            const size_t len = n_frames - i < blocks[b] ? n_frames - i : blocks[b];
            const size_t cap = ltr_detector_max_events(det, len);
            ltr_event *ev = calloc(cap, sizeof *ev);
            size_t n;
            assert_int_equal(ltr_detector_process(det, x + i, len, ev, cap, &n), LTR_OK);
            assert_true(n <= cap);
            free(ev);
        }
    }
    sig_free(x);
    ltr_detector_destroy(det);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_strings),   cmocka_unit_test(test_defaults_valid),
        cmocka_unit_test(test_bad_config_refused), cmocka_unit_test(test_memory_rules),
        cmocka_unit_test(test_bad_arguments),    cmocka_unit_test(test_event_queue),
        cmocka_unit_test(test_max_events_bound), cmocka_unit_test(test_ecg_by_build),
        cmocka_unit_test(test_ready_after_warmup),
        cmocka_unit_test(test_valid_config_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
