/*
 * Tests of lib/core/noise.c, driven directly: envelopes with a known background
 * go through ltri_noise_push and the floor and thresholds it reports are measured
 * against that background: where the floor settles, how fast it follows a step,
 * that frozen blocks teach it nothing, that a background dipping deep between spikes
 * gets its on threshold from its upper half, and that the constant-false-alarm-rate loop
 * raises the on threshold under frequent blips and lowers it again after.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "noise.h"
#include "signals.h"

#define FS 2000.0

static void setup(ltri_noise_design *d, ltri_noise *n)
{
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    ltri_noise_design_init(d, &cfg);
    ltri_noise_reset(n);
}

/* A log-normal background of median `median` (linear) and log deviation 2 dB: env =
 * median * 10^(g * 0.2), g standard normal. Pushes `seconds` of it; blips_per_s > 0
 * also counts that many crossings per second, evenly spaced. */
static void push_background(const ltri_noise_design *d, ltri_noise *n, sig_rng *rng,
                            double median, double seconds, int freeze, double blips_per_s)
{
    const size_t frames = (size_t)(seconds * FS);
    const size_t every = blips_per_s > 0.0 ? (size_t)(FS / blips_per_s) : 0;
    for (size_t i = 0; i < frames; i++) {
        if (every && i % every == 0)
            ltri_noise_count_blip(n);
        const double env = median * pow(10.0, 0.2 * sig_gauss(rng));
        ltri_noise_push(d, n, (float)env, freeze);
    }
}

static double db(double x) { return 10.0 * log10(x); }

/* On a steady background the floor settles below its median (a low quantile: the
 * background does not cross the thresholds), and the on threshold is >= 12 dB above
 * the floor and above the background's upper tail. */
static void test_floor_settles_on_background(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 1);
    push_background(&d, &n, &rng, 1e-3, 0.2, 0, 0.0);
    assert_false(ltri_noise_ready(&d, &n)); /* warm-up: 300 ms */
    push_background(&d, &n, &rng, 1e-3, 10.0, 0, 0.0);
    assert_true(ltri_noise_ready(&d, &n));
    /* 4 ms block means of a 2 dB log-normal: within about 1 dB of -30 dB; the floor
     * sits a little below (rise 3 dB/s, fall 20 dB/s: the 13th percentile) */
    const double floor = db(n.floor_lin);
    if (!(floor < -30.0 && floor > -33.0))
        fail_msg("floor %.2f dB, expected -33..-30 dB", floor);
    const double on = db(n.thr_on) - floor, off = db(n.thr_off) - floor;
    if (!(on >= 12.0 && on < 20.0 && off >= 6.0 && off < on))
        fail_msg("on %.2f dB, off %.2f dB over the floor", on, off);
    /* the background's 99.9th percentile (+6.2 dB) stays below the on threshold */
    assert_true(-30.0 + 6.2 < db(n.thr_on));
    assert_true(n.cfar_db == 0.0f);
}

/* A background of sparse spikes (needle EMG of a myopathy) dips deep between them: its
 * block levels spread 12 dB below their median, 1.5 dB above. Only the upper half makes
 * false alarms: the on threshold sits a few dB over the median, above the 99th
 * percentile (+3.5 dB), not three spreads over the low floor (+16 dB over the median:
 * over every twitch). */
static void test_on_threshold_from_upper_half(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 3);
    const double median = 1e-3;
    for (size_t b = 0; b < (size_t)(20.0 * FS) / d.block; b++) {
        const double g = sig_gauss(&rng);
        const double env = median * pow(10.0, 0.1 * (g > 0.0 ? 1.5 * g : 12.0 * g));
        for (uint32_t i = 0; i < d.block; i++)
            ltri_noise_push(&d, &n, (float)env, 0);
    }
    const double on = db(n.thr_on) - db(median);
    if (!(on > 3.5 && on < 8.0))
        fail_msg("on threshold %.2f dB over the median, expected 3.5..8", on);
    assert_true(n.thr_off < n.thr_on);
}

/* A step of the background up by 20 dB is followed at about 3 dB/s (not at once: a
 * twitch must not drag it up), a step down at about 20 dB/s. */
static void test_floor_follows_steps_slowly_up_fast_down(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 2);
    push_background(&d, &n, &rng, 1e-3, 5.0, 0, 0.0);
    const double before = n.floor_db;
    push_background(&d, &n, &rng, 1e-1, 2.0, 0, 0.0);
    const double rise = n.floor_db - before;
    if (!(rise > 4.5 && rise < 7.5))
        fail_msg("rose %.2f dB in 2 s, expected about 6 (3 dB/s)", rise);
    push_background(&d, &n, &rng, 1e-1, 8.0, 0, 0.0); /* settled up there */
    const double up = n.floor_db;
    assert_true(up - before > 18.0);
    push_background(&d, &n, &rng, 1e-3, 0.5, 0, 0.0);
    const double fall = up - n.floor_db;
    if (!(fall > 8.0 && fall < 12.0))
        fail_msg("fell %.2f dB in 0.5 s, expected about 10 (20 dB/s)", fall);
}

/* Frozen blocks (a twitch, an artifact) teach the floor nothing, however loud; the
 * same envelope unfrozen does drag it up. */
static void test_frozen_blocks_ignored(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise a, b;
    setup(&d, &a);
    ltri_noise_reset(&b);
    sig_rng ra, rb;
    sig_rng_seed(&ra, 3);
    sig_rng_seed(&rb, 3);
    push_background(&d, &a, &ra, 1e-3, 3.0, 0, 0.0);
    push_background(&d, &b, &rb, 1e-3, 3.0, 0, 0.0);
    const float floor = a.floor_db, spread = a.spread_db, on = a.thr_on;
    push_background(&d, &a, &ra, 1.0, 2.0, 1, 0.0); /* +30 dB, frozen */
    push_background(&d, &b, &rb, 1.0, 2.0, 0, 0.0); /* the same, learned */
    assert_true(a.floor_db == floor);
    assert_true(a.spread_db == spread);
    assert_true(a.thr_on == on);
    if (!(b.floor_db - floor > 4.0))
        fail_msg("unfrozen: rose only %.2f dB", b.floor_db - floor);
}

/* Constant false-alarm rate: blips at 5/s (end-plate spikes) raise the on threshold
 * (4 dB/s, up to 12 dB) but not the floor or the off threshold; once they stop, it
 * comes back down (0.5 dB/s after the rate has decayed); blips at 0.5/s (a twitch
 * series) leave it alone. */
static void test_cfar_raises_and_lowers_on_threshold(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 4);
    push_background(&d, &n, &rng, 1e-3, 3.0, 0, 0.0);
    const double on0 = db(n.thr_on) - db(n.floor_lin);
    const double off0 = db(n.thr_off) - db(n.floor_lin);
    push_background(&d, &n, &rng, 1e-3, 20.0, 0, 0.5);
    if (!(n.cfar_db < 0.5f))
        fail_msg("0.5 blips/s raised the threshold by %.2f dB", n.cfar_db);
    push_background(&d, &n, &rng, 1e-3, 3.0, 0, 5.0);
    const double on3 = db(n.thr_on) - db(n.floor_lin);
    if (!(on3 - on0 > 4.0 && on3 - on0 < 12.5))
        fail_msg("after 3 s of 5 blips/s: on threshold +%.2f dB, expected 4-12", on3 - on0);
    push_background(&d, &n, &rng, 1e-3, 7.0, 0, 5.0);
    const double on10 = db(n.thr_on) - db(n.floor_lin);
    if (!(on10 - on0 > 11.5 && on10 - on0 < 12.5))
        fail_msg("after 10 s: on threshold +%.2f dB, expected the 12 dB cap", on10 - on0);
    const double off10 = db(n.thr_off) - db(n.floor_lin);
    assert_true(fabs(off10 - off0) < 1.0); /* the off threshold does not move */
    push_background(&d, &n, &rng, 1e-3, 20.0, 0, 0.0);
    const double on30 = db(n.thr_on) - db(n.floor_lin);
    if (!(on30 < on10 - 3.0 && on30 > on0))
        fail_msg("20 s after: +%.2f dB, expected lower than +%.2f but not back", on30 - on0,
                 on10 - on0);
    push_background(&d, &n, &rng, 1e-3, 40.0, 0, 0.0);
    assert_true(n.cfar_db == 0.0f);
}

/* A stream that starts on a burst train (MEPs back to back at 5/s: 60 ms bursts 30 dB
 * over the background every 200 ms, the stream starting in one's tail) still takes its
 * thresholds from the background between the bursts, the quietest 50 ms of the
 * warm-up: the on threshold ends within 20 dB of the background's median, under the
 * next bursts, and the CFAR loop starts at 0 dB (its rate counts the bursts). Before,
 * the warm-up's mean and spread and the loop at its 12 dB cap put the on threshold
 * 35-40 dB over the background (MEPFeatX ID04, ID05). A spiky background (sub-windows within 12 dB)
 * keeps the plain warm-up (test_on_threshold_from_upper_half). */
static void test_warmup_starting_on_bursts(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 5);
    const double bg = 1e-3, burst = 1.0;
    push_background(&d, &n, &rng, burst, 0.03, 0, 0.0);
    while (!ltri_noise_ready(&d, &n)) {
        push_background(&d, &n, &rng, bg, 0.14, 0, 0.0);
        push_background(&d, &n, &rng, burst, 0.06, 0, 0.0);
    }
    assert_true(n.cfar_db < 1.0f); /* from 0 dB, up at most 4 dB/s since */
    const double on = db(n.thr_on) - db(bg);
    if (!(on > 6.0 && on < 20.0))
        fail_msg("on threshold %.2f dB over the background, expected 6-20", on);
}

/* A blip the caller takes back (ltri_noise_uncount_blip: an event its own test
 * recognised and cancelled, lane.c MU_RISE_DB) does not feed the loop: 5 blips/s, each
 * taken back 50 ms later (an event's length, blocks later), leave the on threshold where
 * it was, where the same blips kept raise it (test_cfar_raises_and_lowers_on_threshold). */
static void test_cfar_blip_taken_back(void **state)
{
    (void)state;
    ltri_noise_design d;
    ltri_noise n;
    setup(&d, &n);
    sig_rng rng;
    sig_rng_seed(&rng, 5);
    push_background(&d, &n, &rng, 1e-3, 3.0, 0, 0.0);
    const size_t every = (size_t)(FS / 5.0), later = (size_t)(0.05 * FS);
    for (size_t i = 0; i < (size_t)(10.0 * FS); i++) {
        if (i % every == 0)
            ltri_noise_count_blip(&n);
        if (i % every == later)
            ltri_noise_uncount_blip(&d, &n);
        ltri_noise_push(&d, &n, (float)(1e-3 * pow(10.0, 0.2 * sig_gauss(&rng))), 0);
    }
    if (!(n.cfar_db < 0.5f))
        fail_msg("blips taken back raised the threshold by %.2f dB", n.cfar_db);
    assert_true(n.blip_rate >= 0.0f && n.blip_rate < 0.1f * n.rate_weight);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_floor_settles_on_background),
        cmocka_unit_test(test_floor_follows_steps_slowly_up_fast_down),
        cmocka_unit_test(test_on_threshold_from_upper_half),
        cmocka_unit_test(test_frozen_blocks_ignored),
        cmocka_unit_test(test_cfar_raises_and_lowers_on_threshold),
        cmocka_unit_test(test_warmup_starting_on_bursts),
        cmocka_unit_test(test_cfar_blip_taken_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
