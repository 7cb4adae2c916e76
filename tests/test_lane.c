/*
 * Tests of lib/core/lane.c, driven directly: envelopes with steps of known
 * frames go through ltri_lane_step and the news (BEGIN, END, CANCEL) and the
 * twitch it describes are checked against them: onset and offset frames,
 * confirmation time, too-short and too-long twitches cancelled, gaps shorter
 * than gap_ms bridged, refractory time, blocking by artifacts.
 * At 1 kHz a frame is a millisecond.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "lane.h"

#define FS 1000.0
#define BACKGROUND 1.0f  /* a flat background: floor 0 dB, on 12 dB, off 6 dB */
#define LOUD 100.0f      /* 20 dB: above the on threshold */
#define WARM 1000u       /* frames of background first (warm-up is 300 ms) */

typedef struct news_log {
    unsigned n;
    ltri_lane_news kind[16];
    ltri_lane_frame at[16];
    ltri_lane_twitch tw[16];
} news_log;

typedef struct lane_run {
    ltri_lane_design d;
    ltri_lane l;
    ltri_lane_levels levels; /* the hump levels of an accelerometer lane */
    ltri_scan scan;          /* the scan of a surface EMG lane */
    ltri_lane_frame t;
    news_log log;
} lane_run;

static void start(lane_run *r, ltr_sensor sensor)
{
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, &sensor), LTR_OK);
    ltri_lane_design_init(&r->d, &cfg, sensor);
    ltri_lane_attach_levels(&r->l, &r->levels);
    ltri_lane_attach_scan(&r->l, &r->scan);
    ltri_lane_reset(&r->l);
    r->t = 0;
    r->log.n = 0;
}

/* One frame: envelope env, squared band-passed amplitude amp_sq. */
static void step_amp(lane_run *r, float env, float amp_sq, int blocked)
{
    const ltri_lane_news news = ltri_lane_step(&r->d, &r->l, r->t, env, amp_sq, 0.0f, blocked);
    if (news != LANE_NONE && r->log.n < 16) {
        r->log.kind[r->log.n] = news;
        r->log.at[r->log.n] = r->t;
        r->log.tw[r->log.n] = r->l.tw;
        r->log.n++;
    }
    r->t++;
}

static void step(lane_run *r, float env, int blocked) { step_amp(r, env, env, blocked); }

static void feed(lane_run *r, float env, unsigned frames)
{
    for (unsigned i = 0; i < frames; i++)
        step(r, env, 0);
}

/* A 50 ms step: BEGIN confirm_ms (12) after it rose, onset at its first frame; END
 * gap_ms (20) after it fell, offset at its end (last loud frame + 1). */
static void test_step_begins_and_ends(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    assert_true(ltri_noise_ready(&r.d.noise, &r.l.noise));
    assert_int_equal(r.log.n, 0); /* the background alone: nothing */
    feed(&r, LOUD, 50);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[0], LANE_BEGIN);
    assert_int_equal(r.log.at[0], WARM + 12 - 1);
    assert_int_equal(r.log.tw[0].onset, WARM);
    assert_int_equal(r.log.kind[1], LANE_END);
    assert_int_equal(r.log.tw[1].onset, WARM);
    assert_int_equal(r.log.tw[1].offset, WARM + 50);
    assert_int_equal(r.log.at[1], WARM + 50 + 20 - 1);
    assert_int_equal(r.log.tw[1].peak_env, LOUD);
    assert_int_equal(r.log.tw[1].flags, 0);
}

/* Shorter than confirm: a blip, never reported. Longer than confirm but shorter than
 * min_duration (20 ms EMG), its band-passed signal a lone spike: BEGIN, then CANCEL
 * flagged too short. The same envelope over a band-passed signal that stays at its peak,
 * or far over the background below a sharp peak (a compound response, lane.c
 * AMP_SPAN_MS), is a twitch: BEGIN, END. */
static void test_short_steps(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 8);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 0);
    for (unsigned i = 0; i < 15; i++) /* the band-passed signal: one loud frame */
        step_amp(&r, LOUD, i == 3 ? LOUD : BACKGROUND, 0);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[0], LANE_BEGIN);
    assert_int_equal(r.log.kind[1], LANE_CANCEL);
    assert_true(r.log.tw[1].flags & LTR_FLAG_TOO_SHORT);
    assert_int_equal(r.log.tw[1].offset - r.log.tw[1].onset, 15);
    feed(&r, LOUD, 15); /* the band-passed signal as loud throughout */
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 4);
    assert_int_equal(r.log.kind[2], LANE_BEGIN);
    assert_int_equal(r.log.kind[3], LANE_END);
    assert_int_equal(r.log.tw[3].flags, 0);
    assert_int_equal(r.log.tw[3].offset - r.log.tw[3].onset, 15);
    /* a brief strong compound potential: one frame at 100x the background's amplitude,
     * the others at 10x (over AMP_NOISE, 6x, but under half its peak): a twitch */
    for (unsigned i = 0; i < 15; i++)
        step_amp(&r, LOUD, i == 3 ? 100.0f * LOUD * LOUD : LOUD, 0);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 6);
    assert_int_equal(r.log.kind[4], LANE_BEGIN);
    assert_int_equal(r.log.kind[5], LANE_END);
    assert_int_equal(r.log.tw[5].flags, 0);
}

/* The accelerometer's minimum is 80 ms: a 50 ms jolt is cancelled there, where the
 * EMG lane ended it (test_step_begins_and_ends). */
static void test_acc_minimum_duration(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_ACC);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 50);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_CANCEL);
    assert_true(r.log.tw[1].flags & LTR_FLAG_TOO_SHORT);
    feed(&r, LOUD, 100);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 4);
    assert_int_equal(r.log.kind[3], LANE_END);
}

/* Longer than max_duration (1 s): a voluntary contraction, cancelled at 1 s, and no
 * new twitch while it lasts. */
static void test_too_long_cancelled(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 1500);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_CANCEL);
    assert_true(r.log.tw[1].flags & LTR_FLAG_TOO_LONG);
    assert_int_equal(r.log.at[1], WARM + 1000);
}

/* An accelerometer twitch (20 dB, 100 ms) with sustained movement after it between
 * the off threshold and its half-way level (8 dB: a voluntary contraction's tremor):
 * the twitch ends 100 ms (FADED_MS) after its last loud frame, its offset there, and the
 * lane waits (BUSY) until the movement is over; an EMG lane holds the same envelope
 * open until it runs too long. */
static void test_acc_twitch_ends_on_sustained(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_ACC);
    const float tremor = 6.3f; /* 8 dB */
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 100);
    feed(&r, tremor, 1500);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_END);
    assert_int_equal(r.log.tw[1].offset, WARM + 100);
    assert_int_equal(r.log.at[1], WARM + 100 + 100 - 1);
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 100);
    feed(&r, tremor, 1500);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_CANCEL);
    assert_true(r.log.tw[1].flags & LTR_FLAG_TOO_LONG);
}

/* A dip below the off threshold shorter than gap_ms (20) is bridged: one twitch to
 * the end of the second part. A longer one ends the twitch at the dip. */
static void test_gaps_bridged(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 40);
    feed(&r, BACKGROUND, 10);
    feed(&r, LOUD, 40);
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_END);
    assert_int_equal(r.log.tw[1].onset, WARM);
    assert_int_equal(r.log.tw[1].offset, WARM + 90);

    const ltri_lane_frame t0 = r.t;
    feed(&r, LOUD, 40);
    feed(&r, BACKGROUND, 30);
    feed(&r, LOUD, 40);
    feed(&r, BACKGROUND, 200);
    assert_true(r.log.n >= 4);
    assert_int_equal(r.log.kind[3], LANE_END);
    assert_int_equal(r.log.tw[3].onset, t0);
    assert_int_equal(r.log.tw[3].offset, t0 + 40);
}

/* After an END the lane may not begin for refractory_ms (100). */
static void test_refractory(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 40);
    feed(&r, BACKGROUND, 40); /* END at 20 ms of this */
    feed(&r, LOUD, 40);       /* 20 ms after the END: inside the refractory time */
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);
    feed(&r, LOUD, 40); /* long after */
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 4);
    assert_int_equal(r.log.kind[2], LANE_BEGIN);
}

/* A block (artifact) cancels an open twitch, flagged; a lane whose envelope is still
 * up afterwards waits for it to settle, unless the block was an electrode step. */
static void test_blocked(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 30);
    step(&r, LOUD, LANE_BLOCKED);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_CANCEL);
    assert_true(r.log.tw[1].flags & LTR_FLAG_ARTIFACT);
    feed(&r, LOUD, 100); /* still up after the block: not a new twitch */
    feed(&r, BACKGROUND, 200);
    assert_int_equal(r.log.n, 2);

    lane_run s;
    start(&s, LTR_SENSOR_EMG);
    feed(&s, BACKGROUND, WARM);
    step(&s, LOUD, LANE_BLOCKED_REARM);
    feed(&s, LOUD, 100); /* after an electrode step: found at once */
    feed(&s, BACKGROUND, 200);
    assert_int_equal(s.log.n, 2);
    assert_int_equal(s.log.kind[0], LANE_BEGIN);
    assert_int_equal(s.log.kind[1], LANE_END);
}

/* A stimulation pulse landing on a twitch past its minimum duration (20 ms) ends it there,
 * flagged near an artifact; one landing on a younger twitch cancels it. */
static void test_pulse_ends_twitch(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 40);
    const ltri_lane_frame at = r.t;
    step(&r, LOUD, LANE_BLOCKED_PULSE);
    assert_int_equal(r.log.n, 2);
    assert_int_equal(r.log.kind[1], LANE_END);
    assert_int_equal(r.log.tw[1].offset, at);
    assert_true(r.log.tw[1].flags & LTR_FLAG_NEAR_ARTIFACT);
    assert_false(r.log.tw[1].flags & LTR_FLAG_ARTIFACT);

    lane_run s;
    start(&s, LTR_SENSOR_EMG);
    feed(&s, BACKGROUND, WARM);
    feed(&s, LOUD, 12);
    step(&s, LOUD, LANE_BLOCKED_PULSE);
    assert_int_equal(s.log.n, 2);
    assert_int_equal(s.log.kind[1], LANE_CANCEL);
    assert_true(s.log.tw[1].flags & LTR_FLAG_ARTIFACT);
}

/* End of stream inside a twitch: END flagged truncated, offset at the last frame. */
static void test_finish_truncates(void **state)
{
    (void)state;
    lane_run r;
    start(&r, LTR_SENSOR_EMG);
    feed(&r, BACKGROUND, WARM);
    feed(&r, LOUD, 50);
    assert_int_equal(ltri_lane_finish(&r.d, &r.l, r.t - 1), LANE_END);
    assert_true(r.l.tw.flags & LTR_FLAG_TRUNCATED);
    assert_int_equal(r.l.tw.offset, WARM + 49);
    assert_int_equal(ltri_lane_finish(&r.d, &r.l, r.t), LANE_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_step_begins_and_ends),
        cmocka_unit_test(test_short_steps),
        cmocka_unit_test(test_acc_minimum_duration),
        cmocka_unit_test(test_too_long_cancelled),
        cmocka_unit_test(test_acc_twitch_ends_on_sustained),
        cmocka_unit_test(test_gaps_bridged),
        cmocka_unit_test(test_refractory),
        cmocka_unit_test(test_blocked),
        cmocka_unit_test(test_pulse_ends_twitch),
        cmocka_unit_test(test_finish_truncates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
