/*
 * Session tracking (lib/core/session.c) driven through the detector: sites from
 * insertion marks and, without marks, from the needle movements the detector finds;
 * strokes and twitches per site, habituation, the "twitches have stopped" cue,
 * pistoning without twitches, a series that restarts after a redirection; the same
 * events for any block split; session off changes no twitch. (cmocka)
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

#include "events.h"
#include "ltr/ltr.h"
#include "run.h"
#include "session.h"
#include "signals.h"

#define FS 4000.0

/* One site: its first stroke (the insertion), strokes every STROKE_S, and twitches
 * TWITCH_DELAY_S after the first n_twitch strokes, each weaker than the one before. */
#define STROKE_S 0.6
#define TWITCH_DELAY_S 0.08
typedef struct site_plan {
    double start_s;
    unsigned strokes, twitches;
    double amp[4];
} site_plan;

/* Site 1: four habituating twitches, then six strokes without (the cue after the
 * fifth); site 2 (a redirection): the series restarts, three twitches then five
 * strokes without; site 3: pistoning without any twitch. */
static const site_plan plan[3] = {
    {1.0, 10, 4, {10.0, 8.0, 6.5, 5.0}},
    {10.0, 8, 3, {9.0, 7.0, 5.0, 0.0}},
    {20.0, 8, 0, {0}},
};
#define DURATION_S 28.0

typedef struct mark_at {
    uint64_t frame;
    ltr_mark kind;
} mark_at;

typedef struct scene {
    float *x;
    size_t n;
    mark_at marks[64];
    unsigned n_marks;
} scene;

/* The recording; with marks = 0 the needle movements are electrode transients in the
 * signal (what the detector finds), else the device marks them. */
static void make_scene(scene *s, int marks)
{
    memset(s, 0, sizeof *s);
    s->n = sig_frame(DURATION_S, FS);
    s->x = sig_alloc(s->n, 1);
    sig_rng rng;
    sig_rng_seed(&rng, 11);
    sig_add_emg_noise(s->x, s->n, 1, 0, FS, 1.0, 20.0, 1000.0, &rng);
    for (unsigned k = 0; k < 3; k++) {
        const site_plan *p = &plan[k];
        for (unsigned i = 0; i < p->strokes; i++) {
            const double t = p->start_s + STROKE_S * i;
            if (marks)
                s->marks[s->n_marks++] = (mark_at){
                    sig_frame(t, FS), i == 0 ? LTR_MARK_INSERTION : LTR_MARK_NEEDLE};
            else
                sig_add_needle_transient(s->x, s->n, 1, 0, FS, t, 300.0);
            if (i < p->twitches)
                sig_add_twitch_emg(s->x, s->n, 1, 0, FS, t + TWITCH_DELAY_S, 0.12, p->amp[i],
                                   &rng);
        }
    }
}

/* Feed the scene in blocks (1, 37, ...; 0 = the whole at once), each mark given before
 * the block that holds its frame; then flush. */
static void feed(ltr_detector *det, const scene *s, size_t block, run_events *out)
{
    if (!block)
        block = s->n;
    ltr_event ev[512];
    unsigned next_mark = 0;
    for (size_t at = 0; at < s->n; at += block) {
        const size_t len = at + block <= s->n ? block : s->n - at;
        while (next_mark < s->n_marks && s->marks[next_mark].frame < at + len) {
            assert_int_equal(ltr_detector_mark(det, s->marks[next_mark].kind,
                                               s->marks[next_mark].frame),
                             LTR_OK);
            next_mark++;
        }
        size_t n = 0;
        /* sized by the bound: no event ever waits (LTR_OK, never LTR_MORE_EVENTS) */
        const size_t max = ltr_detector_max_events(det, len);
        ltr_event *got = malloc(max * sizeof *got);
        assert_non_null(got);
        assert_int_equal(ltr_detector_process(det, s->x + at, len, got, max, &n), LTR_OK);
        for (size_t i = 0; i < n; i++) {
            if (out->n == out->cap) {
                out->cap = out->cap ? 2 * out->cap : 256;
                out->ev = realloc(out->ev, out->cap * sizeof *out->ev);
                assert_non_null(out->ev);
            }
            out->ev[out->n++] = got[i];
        }
        free(got);
    }
    ltr_status st;
    do {
        size_t n = 0;
        st = ltr_detector_flush(det, ev, sizeof ev / sizeof ev[0], &n);
        assert_true(st == LTR_OK || st == LTR_MORE_EVENTS);
        for (size_t i = 0; i < n; i++) {
            if (out->n == out->cap) {
                out->cap = out->cap ? 2 * out->cap : 256;
                out->ev = realloc(out->ev, out->cap * sizeof *out->ev);
                assert_non_null(out->ev);
            }
            out->ev[out->n++] = ev[i];
        }
    } while (st == LTR_MORE_EVENTS);
}

static const ltr_event *find(const run_events *e, ltr_event_kind kind, uint32_t id)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->ev[i].kind == kind && e->ev[i].id == id)
            return &e->ev[i];
    return NULL;
}

/* The frame of stroke i of site k. */
static uint64_t stroke_frame(unsigned k, unsigned i)
{
    return sig_frame(plan[k].start_s + STROKE_S * i, FS);
}

/* What both modes must give: three sites in order, their counts, the cue once the
 * fifth stroke without a twitch has had its chance, none for the site without twitches,
 * and its end flagged. tolerance: frames between a stroke and the site onset. */
static void check_sites(const run_events *e, uint64_t tolerance)
{
    run_print(e, FS);
    assert_int_equal(run_count(e, LTR_EVENT_SITE, 0), 3);
    assert_int_equal(run_count(e, LTR_EVENT_SITE_END, 0), 3);
    assert_int_equal(run_count(e, LTR_EVENT_EXHAUSTED, 0), 2);
    assert_int_equal(run_count(e, LTR_EVENT_END, 0), 7);
    for (unsigned k = 0; k < 3; k++) {
        const site_plan *p = &plan[k];
        const ltr_event *b = find(e, LTR_EVENT_SITE, k + 1);
        const ltr_event *end = find(e, LTR_EVENT_SITE_END, k + 1);
        assert_non_null(b);
        assert_non_null(end);
        const uint64_t at = stroke_frame(k, 0);
        assert_true(b->onset + tolerance >= at && b->onset <= at + tolerance);
        assert_int_equal(end->onset, b->onset);
        assert_int_equal(ltr_event_site_strokes(end), p->strokes);
        assert_int_equal(ltr_event_site_twitches(end), p->twitches);
        const ltr_event *cue = find(e, LTR_EVENT_EXHAUSTED, k + 1);
        if (!p->twitches) {
            assert_null(cue);
            assert_true(end->flags & LTR_FLAG_NO_TWITCH);
            assert_false(end->flags & LTR_FLAG_STOPPED);
            assert_true(end->amplitude == 0.0f);
            continue;
        }
        assert_false(end->flags & LTR_FLAG_NO_TWITCH);
        assert_true(end->flags & LTR_FLAG_STOPPED);
        /* habituation: the last twitch weaker than the first, as planned (amplitudes
         * are band-passed peaks: within a wide margin of the RMS ratio) */
        const double planned = p->amp[p->twitches - 1] / p->amp[0];
        print_message("site %u: habituation %.3f (planned RMS ratio %.3f)\n", k + 1,
                      (double)end->amplitude, planned);
        assert_true(end->amplitude > 0.5 * planned && end->amplitude < 1.0);
        /* the cue: at the fifth stroke after the last twitch, after it had its chance
         * (0.25 s) and within a second; never before the last twitch */
        assert_non_null(cue);
        const uint64_t fifth = stroke_frame(k, p->twitches - 1 + 5);
        assert_true(cue->offset + tolerance >= fifth && cue->offset <= fifth + tolerance);
        assert_true(cue->detected >= cue->offset + sig_frame(0.25, FS));
        assert_true(cue->detected <= fifth + sig_frame(1.0, FS));
        assert_true(cue->onset == cue->offset && cue->peak == cue->offset);
        const uint64_t last_twitch = stroke_frame(k, p->twitches - 1) + sig_frame(TWITCH_DELAY_S, FS);
        assert_true(end->peak + sig_frame(0.03, FS) >= last_twitch); /* the site's last twitch */
        assert_true(end->peak <= last_twitch + sig_frame(0.03, FS));
        assert_true(cue->detected > last_twitch);
        assert_int_equal(ltr_event_site_twitches(cue), p->twitches);
        assert_int_equal(ltr_event_site_strokes(cue), p->twitches - 1 + 5 + 1);
        /* every twitch of the site lies inside it */
        for (size_t i = 0; i < e->n; i++)
            if (e->ev[i].kind == LTR_EVENT_END && e->ev[i].onset >= end->onset &&
                e->ev[i].onset < end->offset)
                assert_true(e->ev[i].onset > b->onset);
    }
}

static ltr_detector *make_detector(void)
{
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    cfg.mains_hz = 0.0;
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &cfg), LTR_OK);
    return det;
}

static void test_sites_marked(void **state)
{
    (void)state;
    scene s;
    make_scene(&s, 1);
    ltr_detector *det = make_detector();
    run_events e = {0};
    feed(det, &s, 4096, &e);
    check_sites(&e, 0);
    run_events_free(&e);
    ltr_detector_destroy(det);
    sig_free(s.x);
}

static void test_sites_found(void **state)
{
    (void)state;
    scene s;
    make_scene(&s, 0);
    ltr_detector *det = make_detector();
    run_events e = {0};
    feed(det, &s, 4096, &e);
    check_sites(&e, sig_frame(0.002, FS));
    run_events_free(&e);
    ltr_detector_destroy(det);
    sig_free(s.x);
}

/* Surface EMG and an accelerometer, no marks: a surface electrode shows no electrode
 * step, the accelerometer shows each stroke as a jolt too brief to be a twitch. Site 1:
 * eight strokes, the first three each eliciting a twitch; site 2 (5 s later): eight
 * strokes without any. Both sites are found at their first stroke's activity, site 1's
 * three twitches are counted and its cue comes after the last; site 2 is flagged. */
#define ACC_STROKE_S 1.2
static void test_sites_found_on_accelerometer(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = sig_frame(32.0, fs);
    float *x = sig_alloc(n, 4);
    sig_rng rng;
    sig_rng_seed(&rng, 5);
    sig_add_emg_noise(x, n, 4, 0, fs, 1.0, 20.0, 450.0, &rng);
    const unsigned axes[3] = {1, 2, 3};
    const double g[3] = {0.0, 0.5, 0.87};
    sig_add_gravity(x, n, 4, axes, g);
    for (unsigned k = 1; k < 4; k++)
        sig_add_emg_noise(x, n, 4, k, fs, 0.003, 1.0, 400.0, &rng);
    const double jolt_dir[3] = {0.7, 0.7, 0.0}, twitch_dir[3] = {0.0, 0.6, 0.8};
    const double start[2] = {1.0, 16.0};
    for (unsigned k = 0; k < 2; k++)
        for (unsigned i = 0; i < 8; i++) {
            const double t = start[k] + ACC_STROKE_S * i;
            sig_add_twitch_acc(x, n, 4, axes, fs, t, 0.1, 25.0, 0.012, jolt_dir);
            if (k == 0 && i < 3) {
                sig_add_twitch_emg(x, n, 4, 0, fs, t + TWITCH_DELAY_S, 0.12, 8.0 - i, &rng);
                sig_add_twitch_acc(x, n, 4, axes, fs, t + TWITCH_DELAY_S + 0.03, 0.05, 20.0,
                                   0.04, twitch_dir);
            }
        }
    const ltr_sensor sensors[4] = {LTR_SENSOR_EMG, LTR_SENSOR_ACC, LTR_SENSOR_ACC,
                                   LTR_SENSOR_ACC};
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, fs, 4, sensors), LTR_OK);
    cfg.mains_hz = 0.0;
    run_events e = {0};
    run_config(&cfg, x, n, &e);
    run_print(&e, fs);
    assert_int_equal(run_count(&e, LTR_EVENT_SITE, 0), 2);
    assert_int_equal(run_count(&e, LTR_EVENT_END, 0), 3);
    for (unsigned k = 0; k < 2; k++) {
        const ltr_event *b = find(&e, LTR_EVENT_SITE, k + 1);
        const ltr_event *end = find(&e, LTR_EVENT_SITE_END, k + 1);
        assert_non_null(b);
        assert_non_null(end);
        const uint64_t at = sig_frame(start[k], fs);
        assert_true(b->onset + sig_frame(0.01, fs) >= at);
        assert_true(b->onset <= at + sig_frame(TWITCH_DELAY_S + 0.01, fs));
        /* the strokes that elicited a twitch are inside it: the others are each counted */
        assert_true(ltr_event_site_strokes(end) >= 8u - (k ? 0u : 3u));
        assert_true(ltr_event_site_strokes(end) <= 8u);
        assert_int_equal(ltr_event_site_twitches(end), k ? 0 : 3);
        assert_int_equal(!!(end->flags & LTR_FLAG_NO_TWITCH), k);
    }
    const ltr_event *cue = find(&e, LTR_EVENT_EXHAUSTED, 1);
    assert_non_null(cue);
    assert_true(cue->offset > sig_frame(start[0] + 2.0 * ACC_STROKE_S + TWITCH_DELAY_S, fs));
    assert_null(find(&e, LTR_EVENT_EXHAUSTED, 2));
    run_events_free(&e);
    sig_free(x);
}

/* The running totals, read mid-stream: in site 2 after its third twitch and two
 * strokes without; then at the end of the stream. */
static void test_stats(void **state)
{
    (void)state;
    scene s;
    make_scene(&s, 1);
    scene first = s;
    first.n = stroke_frame(1, 4) + sig_frame(0.3, FS); /* stroke index 4 had its chance */
    ltr_detector *det = make_detector();
    ltr_session_stats st;
    ltr_event ev[512];
    size_t n;
    unsigned m = 0;
    for (; m < s.n_marks && s.marks[m].frame < first.n; m++)
        assert_int_equal(ltr_detector_mark(det, s.marks[m].kind, s.marks[m].frame), LTR_OK);
    assert_int_equal(ltr_detector_process(det, s.x, first.n, ev, 512, &n), LTR_OK);
    assert_int_equal(ltr_detector_session(det, &st, sizeof st), LTR_OK);
    assert_int_equal(st.sites, 2);
    assert_int_equal(st.site, 2);
    assert_int_equal(st.site_strokes, 5);
    assert_int_equal(st.site_twitches, 3);
    assert_int_equal(st.strokes_since_twitch, 2);
    assert_int_equal(st.stopped, 0);
    assert_int_equal(st.twitches, 7);
    assert_int_equal(st.sites_stopped, 1);
    assert_int_equal(st.sites_without_twitch, 0);
    assert_int_equal(st.site_onset, stroke_frame(1, 0));
    assert_true(st.habituation > 0.0f && st.habituation < 1.0f);
    assert_true(st.frames_since_twitch > sig_frame(1.2, FS));
    /* a shorter struct (an older caller) gets its part */
    ltr_session_stats part;
    memset(&part, 0xAB, sizeof part);
    assert_int_equal(ltr_detector_session(det, &part, offsetof(ltr_session_stats, site)), LTR_OK);
    assert_int_equal(part.sites, 2);
    assert_int_equal(part.site, 0xABABABABu);
    for (; m < s.n_marks; m++)
        assert_int_equal(ltr_detector_mark(det, s.marks[m].kind, s.marks[m].frame), LTR_OK);
    assert_int_equal(ltr_detector_process(det, s.x + first.n, s.n - first.n, ev, 512, &n), LTR_OK);
    do
        assert_true(ltr_detector_flush(det, ev, 512, &n) >= 0);
    while (n == 512);
    assert_int_equal(ltr_detector_session(det, &st, sizeof st), LTR_OK);
    assert_int_equal(st.sites, 3);
    assert_int_equal(st.sites_without_twitch, 1);
    assert_int_equal(st.sites_stopped, 2);
    assert_int_equal(st.strokes, 26);
    assert_int_equal(st.site, 0); /* the stream ended: no current site */
    assert_int_equal(ltr_detector_session(det, NULL, sizeof st), LTR_ERR_NULL);
    assert_int_equal(ltr_detector_session(det, &st, 0), LTR_ERR_ARGUMENT);
    ltr_detector_destroy(det);
    sig_free(s.x);
}

static void assert_same(const run_events *a, const run_events *b)
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
        assert_int_equal(x->flags, y->flags);
        assert_int_equal(x->stimulus, y->stimulus);
        assert_memory_equal(&x->amplitude, &y->amplitude, sizeof x->amplitude);
    }
}

/* Any split gives the same session events, marked or found. */
static void test_blocks(void **state)
{
    (void)state;
    for (int marks = 0; marks <= 1; marks++) {
        scene s;
        make_scene(&s, marks);
        run_events ref = {0};
        ltr_detector *det = make_detector();
        feed(det, &s, 8192, &ref); /* at most 16 marks may wait: not all 26 at once */
        assert_int_equal(run_count(&ref, LTR_EVENT_SITE_END, 0), 3);
        static const size_t blocks[] = {1, 37, 4096, 5000};
        for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
            run_events e = {0};
            ltr_detector_reset(det);
            feed(det, &s, blocks[b], &e);
            assert_same(&ref, &e);
            run_events_free(&e);
        }
        run_events_free(&ref);
        ltr_detector_destroy(det);
        sig_free(s.x);
    }
}

/* Session off: no session event, the same twitches and artifacts; the totals refused. */
static void test_off(void **state)
{
    (void)state;
    scene s;
    make_scene(&s, 1);
    ltr_detector *on = make_detector();
    ltr_config cfg = *ltr_detector_config(on);
    cfg.session = 0;
    ltr_detector *off;
    assert_int_equal(ltr_detector_create(&off, &cfg), LTR_OK);
    run_events a = {0}, b = {0};
    feed(on, &s, 4096, &a);
    feed(off, &s, 4096, &b);
    run_events rest = {0};
    for (size_t i = 0; i < a.n; i++)
        if (a.ev[i].kind < LTR_EVENT_SITE) {
            if (rest.n == rest.cap) {
                rest.cap = rest.cap ? 2 * rest.cap : 256;
                rest.ev = realloc(rest.ev, rest.cap * sizeof *rest.ev);
            }
            rest.ev[rest.n++] = a.ev[i];
        }
    assert_true(rest.n < a.n);
    assert_same(&rest, &b);
    ltr_session_stats st;
    assert_int_equal(ltr_detector_session(off, &st, sizeof st), LTR_ERR_ARGUMENT);
    run_events_free(&a);
    run_events_free(&b);
    run_events_free(&rest);
    ltr_detector_destroy(on);
    ltr_detector_destroy(off);
    sig_free(s.x);
}

/* Settings: refused when absurd; a 1.0 caller's config (without the session fields)
 * is accepted and gets their defaults. */
static void test_config(void **state)
{
    (void)state;
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    assert_int_equal(cfg.session, 1);
    assert_true(cfg.site_gap_ms > 0.0 && cfg.stop_strokes > 0 && cfg.stop_ms > 0.0);
    ltr_config bad = cfg;
    bad.site_gap_ms = 0.0;
    assert_int_equal(ltr_config_validate(&bad), LTR_ERR_TIMING);
    bad = cfg;
    bad.stop_ms = NAN;
    assert_int_equal(ltr_config_validate(&bad), LTR_ERR_TIMING);
    bad = cfg;
    bad.session = 2;
    assert_int_equal(ltr_config_validate(&bad), LTR_ERR_TIMING);
    /* a 1.0 layout: the same bytes up to the session fields, garbage after them */
    ltr_config old = cfg;
    old.struct_size = (uint32_t)offsetof(ltr_config, session);
    old.session = 7;
    old.site_gap_ms = -1.0;
    assert_int_equal(ltr_config_validate(&old), LTR_OK);
    ltr_detector *det;
    assert_int_equal(ltr_detector_create(&det, &old), LTR_OK);
    assert_int_equal(ltr_detector_config(det)->session, 1);
    assert_true(ltr_detector_config(det)->site_gap_ms == cfg.site_gap_ms);
    assert_int_equal(ltr_detector_mark(det, (ltr_mark)4, 0), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_detector_mark(det, LTR_MARK_INSERTION, 0), LTR_OK);
    ltr_detector_destroy(det);
}

/* --- session.c driven directly, at 1 kHz: frames are ms ---------------------------- */

typedef struct direct {
    ltri_session_design sd;
    ltri_session s;
    ltri_events q;
    ltr_event out[256];
    size_t n_out;
    ltri_frame n; /* the detector's input frame */
} direct;

static void direct_init(direct *t, unsigned stop_strokes, double stop_ms)
{
    memset(t, 0, sizeof *t);
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, 1000.0, 1, NULL), LTR_OK);
    cfg.stop_strokes = stop_strokes;
    cfg.stop_ms = stop_ms;
    ltri_session_design_init(&t->sd, &cfg);
    ltri_session_reset(&t->s);
    ltri_events_reset(&t->q);
    ltri_events_begin(&t->q, t->out, sizeof t->out / sizeof t->out[0]);
}

/* Run the detector's clock to frame `to`, ticking as process_frame does. */
static void direct_run(direct *t, ltri_frame to)
{
    for (; t->n < to; t->n++)
        if (t->n >= t->s.due)
            ltri_session_tick(&t->sd, &t->s, t->n, &t->q);
}

/* A twitch event of kind k with this onset, reported at the current frame. */
static void direct_twitch(direct *t, ltr_event_kind k, ltri_frame onset, float amp)
{
    const ltr_event ev = {.kind = k, .id = 1, .onset = onset, .peak = onset, .offset = onset + 50,
                          .detected = t->n, .amplitude = amp, .channels = 1, .flags = LTR_FLAG_EMG};
    ltri_session_event(&t->sd, &t->s, &ev, t->n, &t->q);
}

/* A needle movement the detector found (its artifact stretch), reported now. */
static void direct_found(direct *t, ltri_frame at)
{
    const ltr_event ev = {.kind = LTR_EVENT_ARTIFACT, .onset = at, .peak = at, .offset = at + 15,
                          .detected = t->n, .channels = 1, .flags = LTR_FLAG_NEEDLE};
    ltri_session_event(&t->sd, &t->s, &ev, t->n, &t->q);
}

static const ltr_event *direct_find(const direct *t, ltr_event_kind k, uint32_t id)
{
    for (size_t i = 0; i < t->q.out_n; i++)
        if (t->out[i].kind == k && t->out[i].id == id)
            return &t->out[i];
    return NULL;
}

/* A twitch reported before the found movement that began its site (artifact stretches
 * close 0.1 s late) moves to that site; one that began before the site, reported late,
 * stays with the previous site, which ends only once late reports are over. */
static void test_direct_late_reports(void **state)
{
    (void)state;
    direct t;
    direct_init(&t, 5, 10000.0);
    direct_run(&t, 1115);
    direct_found(&t, 1000);
    assert_non_null(direct_find(&t, LTR_EVENT_SITE, 1));
    direct_run(&t, 1200);
    direct_twitch(&t, LTR_EVENT_END, 1050, 2.0f);
    direct_run(&t, 1715);
    direct_found(&t, 1600);
    direct_run(&t, 5100);
    direct_twitch(&t, LTR_EVENT_END, 5030, 4.0f); /* site 2's, reported before its stroke */
    direct_run(&t, 5115);
    direct_found(&t, 5000); /* 3.4 s after the last: site 2 */
    const ltr_event *b2 = direct_find(&t, LTR_EVENT_SITE, 2);
    assert_non_null(b2);
    assert_int_equal(b2->onset, 5000);
    direct_run(&t, 5300);
    direct_twitch(&t, LTR_EVENT_END, 4800, 1.0f); /* site 1's, reported late */
    assert_null(direct_find(&t, LTR_EVENT_SITE_END, 1)); /* still taking late reports */
    direct_run(&t, 7000);
    const ltr_event *e1 = direct_find(&t, LTR_EVENT_SITE_END, 1);
    assert_non_null(e1);
    assert_int_equal(ltr_event_site_twitches(e1), 2);
    assert_int_equal(ltr_event_site_strokes(e1), 2);
    assert_int_equal(e1->offset, 5000);
    assert_int_equal(e1->peak, 4800);
    assert_true(fabsf(e1->amplitude - 0.5f) < 1e-6f); /* last (1.0) over first (2.0) */
    ltr_session_stats st;
    ltri_session_stats(&t.s, t.n, &st);
    assert_int_equal(st.site, 2);
    assert_int_equal(st.site_twitches, 1);
    assert_int_equal(st.twitches, 3);
    ltri_session_finish(&t.sd, &t.s, 9000, 9010, &t.q);
    const ltr_event *e2 = direct_find(&t, LTR_EVENT_SITE_END, 2);
    assert_non_null(e2);
    assert_int_equal(ltr_event_site_twitches(e2), 1);
    assert_int_equal(e2->offset, 9000);
    assert_int_equal(e2->detected, 9010);
}

/* The time rule alone (stop_strokes 0): strokes 1.9 s apart, one twitch 50 ms after the
 * insertion: stopped at the first stroke 10 s after the twitch, 250 ms later. */
static void test_direct_time_rule(void **state)
{
    (void)state;
    direct t;
    direct_init(&t, 0, 10000.0);
    for (unsigned k = 0; k < 8; k++) {
        const ltri_frame at = 10000 + 1900 * k;
        direct_run(&t, at + 115);
        direct_found(&t, at);
        if (k == 0) {
            direct_run(&t, at + 200);
            direct_twitch(&t, LTR_EVENT_END, at + 50, 3.0f);
        }
    }
    direct_run(&t, 30000);
    const ltr_event *cue = direct_find(&t, LTR_EVENT_EXHAUSTED, 1);
    assert_non_null(cue);
    assert_int_equal(cue->onset, 10000 + 1900 * 6); /* 21400 >= 10050 + 10000 */
    assert_int_equal(cue->detected, 10000 + 1900 * 6 + 250);
    assert_int_equal(t.s.sites_stopped, 1);
}

/* A twitch under way when the cue falls due holds it; if it began after the stroke, the
 * stroke was not a miss and no cue comes. */
static void test_direct_twitch_holds_cue(void **state)
{
    (void)state;
    direct t;
    direct_init(&t, 5, 10000.0);
    direct_run(&t, 30000);
    ltri_session_stroke(&t.sd, &t.s, 30000, LTRI_STROKE_INSERTION, t.n, &t.q);
    direct_run(&t, 30200);
    direct_twitch(&t, LTR_EVENT_END, 30050, 3.0f);
    for (unsigned k = 1; k <= 5; k++) {
        direct_run(&t, 30000 + 500 * k);
        ltri_session_stroke(&t.sd, &t.s, t.n, LTRI_STROKE_MARKED, t.n, &t.q);
    }
    assert_int_equal(t.s.cue_due, 32500 + 250);
    direct_run(&t, 32700);
    direct_twitch(&t, LTR_EVENT_BEGIN, 32560, 0.0f);
    direct_run(&t, 32900); /* due at 32750: held */
    assert_null(direct_find(&t, LTR_EVENT_EXHAUSTED, 1));
    direct_twitch(&t, LTR_EVENT_END, 32560, 2.0f);
    direct_run(&t, 40000);
    assert_null(direct_find(&t, LTR_EVENT_EXHAUSTED, 1));
    /* with marks, a movement the detector finds is not counted again */
    const uint32_t strokes = t.s.cur.strokes;
    direct_found(&t, 39000);
    assert_int_equal(t.s.cur.strokes, strokes);
    /* five more strokes without a twitch; what begins as the cue falls due is cancelled
     * (not a twitch): the cue comes when it is */
    for (unsigned k = 1; k <= 5; k++) {
        direct_run(&t, 40000 + 500 * k);
        ltri_session_stroke(&t.sd, &t.s, t.n, LTRI_STROKE_MARKED, t.n, &t.q);
    }
    direct_run(&t, 42700);
    direct_twitch(&t, LTR_EVENT_BEGIN, 42600, 0.0f);
    direct_run(&t, 43000);
    assert_null(direct_find(&t, LTR_EVENT_EXHAUSTED, 1));
    direct_twitch(&t, LTR_EVENT_CANCEL, 42600, 0.0f);
    direct_run(&t, 43002);
    const ltr_event *cue = direct_find(&t, LTR_EVENT_EXHAUSTED, 1);
    assert_non_null(cue);
    assert_int_equal(cue->offset, 42500);
    assert_int_equal(cue->detected, 43000);
}

/* Without marks: a site's insertion the detector did not find still shows as activity (a
 * twitch-like burst): the site is dated back to it; and activity bridges strokes the
 * detector missed (no split), while a quiet gap of no activity at all begins a site. */
static void test_direct_activity(void **state)
{
    (void)state;
    direct t;
    direct_init(&t, 5, 10000.0);
    direct_run(&t, 1000);
    direct_found(&t, 900); /* site 1 */
    direct_run(&t, 10200);
    direct_twitch(&t, LTR_EVENT_END, 10000, 2.0f); /* 9 s of quiet, then activity */
    direct_run(&t, 10615);
    direct_found(&t, 10500);
    const ltr_event *b2 = direct_find(&t, LTR_EVENT_SITE, 2);
    assert_non_null(b2);
    assert_int_equal(b2->onset, 10000);
    assert_int_equal(t.s.cur.strokes, 2);   /* the unseen insertion and this one */
    assert_int_equal(t.s.cur.twitches, 1);  /* the activity's twitch moved with it */
    /* a twitch 1.5 s later, a stroke 1.5 s after it: 3 s without a movement found, but
     * never 2 s without activity: the same site */
    direct_run(&t, 12200);
    direct_twitch(&t, LTR_EVENT_END, 12000, 1.5f);
    direct_run(&t, 13615);
    direct_found(&t, 13500);
    assert_null(direct_find(&t, LTR_EVENT_SITE, 3));
    assert_int_equal(t.s.cur.strokes, 3);
    /* 2.5 s of nothing: a new site at the movement itself */
    direct_run(&t, 16115);
    direct_found(&t, 16000);
    const ltr_event *b3 = direct_find(&t, LTR_EVENT_SITE, 3);
    assert_non_null(b3);
    assert_int_equal(b3->onset, 16000);
}

/* A cancelled twitch the fusion judged a needle movement, or an accelerometer jolt too
 * brief for a twitch, is a stroke; a brief EMG-only burst (a spike) is none; the
 * electrode step and the jolt of one stroke, 30 ms apart, count once. */
static void test_direct_cancels(void **state)
{
    (void)state;
    direct t;
    direct_init(&t, 5, 10000.0);
    direct_run(&t, 1000);
    direct_found(&t, 900); /* site 1: its electrode step ... */
    direct_run(&t, 1100);
    const ltr_event step_jolt = {.kind = LTR_EVENT_CANCEL, .id = 1, .onset = 930, .detected = t.n,
                                 .flags = LTR_FLAG_EMG | LTR_FLAG_ACC | LTR_FLAG_NEEDLE};
    ltri_session_event(&t.sd, &t.s, &step_jolt, t.n, &t.q); /* ... and its jolt */
    assert_int_equal(t.s.cur.strokes, 1);
    direct_run(&t, 1700);
    const ltr_event spike = {.kind = LTR_EVENT_CANCEL, .id = 2, .onset = 1600, .detected = t.n,
                             .flags = LTR_FLAG_EMG | LTR_FLAG_TOO_SHORT};
    ltri_session_event(&t.sd, &t.s, &spike, t.n, &t.q);
    assert_int_equal(t.s.cur.strokes, 1);
    direct_run(&t, 2300);
    const ltr_event jolt = {.kind = LTR_EVENT_CANCEL, .id = 3, .onset = 2200, .detected = t.n,
                            .flags = LTR_FLAG_ACC | LTR_FLAG_TOO_SHORT};
    ltri_session_event(&t.sd, &t.s, &jolt, t.n, &t.q);
    assert_int_equal(t.s.cur.strokes, 2);
    const ltr_event both = {.kind = LTR_EVENT_CANCEL, .id = 4, .onset = 2800, .detected = t.n,
                            .flags = LTR_FLAG_EMG | LTR_FLAG_ACC | LTR_FLAG_TOO_SHORT};
    direct_run(&t, 2900);
    ltri_session_event(&t.sd, &t.s, &both, t.n, &t.q);
    assert_int_equal(t.s.cur.strokes, 3);
    assert_int_equal(t.s.strokes, 3);
    assert_null(direct_find(&t, LTR_EVENT_SITE, 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sites_marked), cmocka_unit_test(test_sites_found),
        cmocka_unit_test(test_sites_found_on_accelerometer),
        cmocka_unit_test(test_stats),        cmocka_unit_test(test_blocks),
        cmocka_unit_test(test_off),          cmocka_unit_test(test_config),
        cmocka_unit_test(test_direct_late_reports),
        cmocka_unit_test(test_direct_time_rule),
        cmocka_unit_test(test_direct_twitch_holds_cue),
        cmocka_unit_test(test_direct_activity),
        cmocka_unit_test(test_direct_cancels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
