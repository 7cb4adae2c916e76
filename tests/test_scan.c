/*
 * Tests of lib/core/scan.c, driven directly: squared samples of white noise with a
 * known variance go through ltri_scan_push, and what the scan says is checked: quiet on
 * the background, on for a burst 5 dB over it with its onset found, deaf to a single
 * transient, taught nothing by frames the lane says are not background, and quick to
 * follow a background that falls.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "scan.h"
#include "signals.h"

#define FS 2000.0

typedef struct fixture {
    ltri_scan_design d;
    ltri_scan s;
    sig_rng rng;
    ltri_lane_frame t;
    ltri_lane_frame onset; /* ltri_scan_onset where it first began (the lane's moment) */
} fixture;

static void setup(fixture *f)
{
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    /* the noise floor's block: 4 ms */
    ltri_scan_design_init(&f->d, &cfg, LTR_SENSOR_EMG, 8);
    assert_true(f->d.enabled);
    ltri_scan_reset(&f->s);
    sig_rng_seed(&f->rng, 7);
    f->t = 1;
}

/* `seconds` of white noise of variance `var`, squared; counts the frames the scan is
 * on, and the first of them (0: none). */
static size_t push(fixture *f, double var, double seconds, int background,
                   ltri_lane_frame *first_on)
{
    size_t on = 0;
    const size_t frames = (size_t)(seconds * FS);
    for (size_t i = 0; i < frames; i++, f->t++) {
        const double x = sqrt(var) * sig_gauss(&f->rng);
        ltri_scan_push(&f->d, &f->s, f->t, (float)(x * x), background);
        if (ltri_scan_begins(&f->d, &f->s, f->t)) {
            if (first_on && *first_on == 0) {
                *first_on = f->t;
                f->onset = ltri_scan_onset(&f->d, &f->s);
            }
            on++;
        }
    }
    return on;
}

/* After its 2 s of learning, a steady background almost never turns the scan on. */
static void test_quiet_on_background(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    assert_int_equal(push(&f, 1.0, 2.0, 1, NULL), 0); /* learning: no verdicts */
    const size_t on = push(&f, 1.0, 30.0, 1, NULL);
    if (on > (size_t)(0.005 * 30.0 * FS))
        fail_msg("on for %zu of %zu background frames", on, (size_t)(30.0 * FS));
}

/* A 150 ms burst 5 dB over the background is found within it, dated within 12 ms of
 * its start, and held while it lasts. */
static void test_finds_weak_burst(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    push(&f, 1.0, 6.0, 1, NULL);
    const ltri_lane_frame start = f.t;
    ltri_lane_frame first = 0;
    push(&f, pow(10.0, 0.5), 0.15, 0, &first);
    if (first == 0)
        fail_msg("a 150 ms burst 5 dB over the background was not found");
    assert_true(first < start + (ltri_lane_frame)(0.15 * FS));
    const double err_ms = ((double)f.onset - (double)start) / FS * 1e3;
    if (fabs(err_ms) > 12.0)
        fail_msg("onset %.1f ms from the burst's start", err_ms);
    assert_true(f.s.hold);
}

/* One block of a transient 30 dB over the background (a stimulus artifact) turns
 * nothing on. */
static void test_deaf_to_one_transient(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    push(&f, 1.0, 6.0, 1, NULL);
    ltri_lane_frame first = 0;
    push(&f, 1000.0, 0.004, 1, &first);
    push(&f, 1.0, 0.3, 1, &first);
    assert_int_equal(first, 0);
}

/* Frames the lane says are not background (a twitch, an artifact) teach the scan
 * nothing: its background level stays where the background put it. */
static void test_frozen_frames_teach_nothing(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    push(&f, 1.0, 6.0, 1, NULL);
    const float bg = f.s.bg;
    push(&f, 100.0, 2.0, 0, NULL);
    assert_true(f.s.bg == bg);
    /* and after a twitch, the scan waits its memory before it may begin another */
    ltri_scan_free(&f.s, f.t);
    assert_false(ltri_scan_begins(&f.d, &f.s, f.t + f.d.memory - 1) && f.s.on);
}

/* A blip the lane forgets (an envelope excursion never confirmed: 20 ms 15 dB over the
 * background) turns nothing on after it and does not date a later burst; the scan does not wait
 * its memory after it: a 5 dB burst 40 ms later is found, dated from its own start. */
static void test_forgotten_blip(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    push(&f, 1.0, 6.0, 1, NULL);
    const ltri_lane_frame from = f.t;
    /* (the lane's candidate holds the scan off while the blip lasts) */
    push(&f, pow(10.0, 1.5), 0.02, 1, NULL);
    ltri_lane_frame first = 0;
    ltri_scan_forget(&f.d, &f.s, from, f.t - 1);
    assert_false(f.s.on);
    for (uint32_t i = 1; i <= 5u; i++) /* the blip's 5 blocks */
        assert_true(f.s.ring[(f.s.pos - i) & (LTRI_SCAN_RING - 1u)] <= f.s.bg);
    push(&f, 1.0, 0.04, 1, &first);
    assert_int_equal(first, 0);
    const ltri_lane_frame start = f.t;
    push(&f, pow(10.0, 0.5), 0.15, 0, &first);
    if (first == 0)
        fail_msg("a 5 dB burst 40 ms after a forgotten blip was not found");
    assert_true(first < start + (ltri_lane_frame)(0.15 * FS));
    assert_true(f.onset >= start - f.d.block);
}

/* Resting surface EMG drifts in level over seconds (tonic activity): a 100 ms burst 5 dB
 * over the background, two seconds after the background fell 5 dB, is judged against the
 * background as it is now (a 2 s average still read it 2.5 dB higher: missed). */
static void test_follows_falling_background(void **state)
{
    (void)state;
    fixture f;
    setup(&f);
    push(&f, 1.0, 6.0, 1, NULL);
    const double fallen = pow(10.0, -0.5);
    assert_int_equal(push(&f, fallen, 2.0, 1, NULL), 0);
    const ltri_lane_frame start = f.t;
    ltri_lane_frame first = 0;
    push(&f, fallen * pow(10.0, 0.5), 0.1, 0, &first);
    if (first == 0)
        fail_msg("a 5 dB burst two seconds after the background fell 5 dB was not found");
    assert_true(f.onset >= start - f.d.block);
}

/* Off where the design leaves it off: accelerometer lanes, needle-rate EMG. */
static void test_enabled_only_for_surface_emg(void **state)
{
    (void)state;
    ltr_config cfg;
    ltri_scan_design d;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    ltri_scan_design_init(&d, &cfg, LTR_SENSOR_ACC, 8);
    assert_false(d.enabled);
    assert_int_equal(ltr_config_default(&cfg, 10000.0, 1, NULL), LTR_OK);
    ltri_scan_design_init(&d, &cfg, LTR_SENSOR_EMG, 40);
    assert_false(d.enabled);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quiet_on_background),
        cmocka_unit_test(test_finds_weak_burst),
        cmocka_unit_test(test_deaf_to_one_transient),
        cmocka_unit_test(test_frozen_frames_teach_nothing),
        cmocka_unit_test(test_forgotten_blip),
        cmocka_unit_test(test_enabled_only_for_surface_emg),
        cmocka_unit_test(test_follows_falling_background),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
