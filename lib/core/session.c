/*
 * Session tracking: sites, habituation, "twitches have stopped" (libltr core).
 * See session.h for what feeds it and when it decides.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "session.h"

#include <string.h>

/* A stroke's chance to elicit a twitch before the stop rule counts it as a miss, s:
 * the reflex latency (10-40 ms after the needle reaches the trigger point; the
 * simulator's assumption, lib/sim) plus the detector's delay and confirmation
 * (< 120 ms on the accelerometer lane, bench/README), with a margin. A twitch that has
 * begun by then holds the decision until it is over. */
#define STROKE_WAIT_S 0.25
/* Movements found this close together are one: an electrode step (artifact.c) and the
 * jolt the fusion judges a needle movement come from the same stroke, up to a blanking
 * and a confirmation apart; pistoning strokes come >= 0.5 s apart (1-2 Hz, the
 * simulator's assumption, lib/sim/scenario.c). */
#define STROKE_MERGE_S 0.2
/* A finished site takes late reports this long beyond the longest twitch and the
 * accelerometer's confirmation window, s (a twitch's END comes after its offset). */
#define SETTLE_MARGIN_S 0.1

void ltri_session_design_init(ltri_session_design *sd, const ltr_config *cfg)
{
    const double fs = cfg->sample_rate_hz;
    memset(sd, 0, sizeof *sd);
    sd->on = cfg->session != 0;
    sd->gap = ltri_frames_ms(cfg->site_gap_ms, fs, LTRI_ROUND_UP, 1);
    sd->stop_strokes = cfg->stop_strokes;
    sd->stop_frames = cfg->stop_ms > 0.0 ? ltri_frames_ms(cfg->stop_ms, fs, LTRI_ROUND_UP, 1) : 0;
    sd->wait = ltri_frames(STROKE_WAIT_S, fs, LTRI_ROUND_UP, 1);
    sd->merge = ltri_frames(STROKE_MERGE_S, fs, LTRI_ROUND_UP, 1);
    sd->settle = ltri_frames_ms(cfg->max_duration_ms + cfg->fusion_window_ms, fs, LTRI_ROUND_UP, 1) +
                 ltri_frames(SETTLE_MARGIN_S, fs, LTRI_ROUND_UP, 0);
}

static void site_clear(ltri_site *x)
{
    memset(x, 0, sizeof *x);
    x->last_twitch = x->prev_twitch = LTRI_NO_FRAME;
}

void ltri_session_reset_stream(ltri_session *s)
{
    site_clear(&s->cur);
    site_clear(&s->prev);
    s->due = s->cue_due = s->end_due = LTRI_NO_FRAME;
    s->last_stroke = s->last_activity = s->resume = LTRI_NO_FRAME;
    s->marks = s->insertions = 0;
    s->twitch_open = 0;
}

void ltri_session_reset(ltri_session *s)
{
    memset(s, 0, sizeof *s);
    ltri_session_reset_stream(s);
}

static void set_due(ltri_session *s) { s->due = s->cue_due < s->end_due ? s->cue_due : s->end_due; }

static uint32_t strokes_since(const ltri_site *x) { return x->strokes - x->strokes_at_twitch; }

static ltri_frame newest_stroke(const ltri_site *x)
{
    return x->stroke[(x->strokes - 1u) % LTRI_SESSION_STROKES];
}

/* N strokes, or T of needling up to its newest stroke, without a twitch (after one). */
static int stop_rule(const ltri_session_design *sd, const ltri_site *x)
{
    if (!x->id || !x->twitches || x->stopped)
        return 0;
    const uint32_t since = strokes_since(x);
    if (sd->stop_strokes && since >= sd->stop_strokes)
        return 1;
    return sd->stop_frames && since >= 1 && newest_stroke(x) >= x->last_twitch + sd->stop_frames;
}

static float habituation(const ltri_site *x)
{
    /* amplitudes at the edge of float range (inf / inf) give no ratio */
    const float r = x->twitches && x->first_amp > 0.0f ? x->last_amp / x->first_amp : 0.0f;
    return r - r == 0.0f ? r : 0.0f;
}

static void put(ltri_events *q, ltr_event_kind kind, const ltri_site *x, ltri_frame onset,
                ltri_frame peak, ltri_frame offset, ltri_frame n, uint32_t flags)
{
    const ltr_event ev = {
        .kind = kind, .id = x->id, .onset = onset, .peak = peak, .offset = offset,
        .detected = n, .amplitude = habituation(x), .channels = x->channels, .flags = flags,
        .stimulus = (uint64_t)x->strokes << 32 | x->twitches,
    };
    ltri_events_push(q, &ev);
}

static ltri_frame last_twitch_or_onset(const ltri_site *x)
{
    return x->last_twitch != LTRI_NO_FRAME && x->last_twitch > x->onset ? x->last_twitch
                                                                       : x->onset;
}

static void exhausted(ltri_session *s, ltri_site *x, ltri_frame n, ltri_events *q)
{
    x->stopped = 1;
    s->sites_stopped++;
    const ltri_frame stroke = newest_stroke(x);
    put(q, LTR_EVENT_EXHAUSTED, x, stroke, stroke, stroke, n, 0);
}

static void site_end(ltri_session *s, ltri_site *x, ltri_frame n, ltri_events *q)
{
    uint32_t flags = x->stopped ? LTR_FLAG_STOPPED : 0u;
    if (!x->twitches) {
        flags |= LTR_FLAG_NO_TWITCH;
        s->sites_without++;
    }
    const ltri_frame peak = last_twitch_or_onset(x);
    put(q, LTR_EVENT_SITE_END, x, x->onset, peak, x->end > peak ? x->end : peak, n, flags);
    site_clear(x);
}

/* A twitch of amplitude amp beginning at onset, seen on channels, joins site x. */
static void add_twitch(ltri_site *x, ltri_frame onset, float amp, uint32_t channels)
{
    x->twitches++;
    x->channels |= channels;
    if (x->twitches == 1u)
        x->first_amp = amp;
    x->prev_amp = x->last_amp;
    x->prev_twitch = x->last_twitch;
    x->last_amp = amp;
    if (x->last_twitch == LTRI_NO_FRAME || onset > x->last_twitch)
        x->last_twitch = onset;
    /* the strokes it came after: all but those of the kept ones after its onset */
    const uint32_t kept = x->strokes < LTRI_SESSION_STROKES ? x->strokes : LTRI_SESSION_STROKES;
    uint32_t after = 0;
    for (uint32_t i = 0; i < kept; i++)
        after += x->stroke[i] > x->last_twitch;
    x->strokes_at_twitch = x->strokes - after;
}

/* A site begins at frame `frame` (its first movement, or the activity that began it). */
static void begin_site(const ltri_session_design *sd, ltri_session *s, ltri_frame frame,
                       ltri_frame n, ltri_events *q)
{
    ltri_site *old = &s->cur;
    /* Twitches reported before the movement that began this site, but after it: found
     * movements come when their artifact stretch closes, a site dated back to its first
     * activity begins before the movement. The last two are known: they move. */
    float moved_amp[2] = {0.0f, 0.0f};
    ltri_frame moved_onset[2] = {0, 0};
    unsigned moved = 0;
    if (old->id) {
        /* its stop rule may not wait for the new site */
        if (s->cue_due != LTRI_NO_FRAME && stop_rule(sd, old))
            exhausted(s, old, n, q);
        s->cue_due = LTRI_NO_FRAME;
        while (moved < 2 && old->twitches && old->last_twitch != LTRI_NO_FRAME &&
               old->last_twitch >= frame) {
            moved_onset[moved] = old->last_twitch;
            moved_amp[moved++] = old->last_amp;
            old->twitches--;
            old->last_twitch = old->prev_twitch;
            old->last_amp = old->prev_amp;
            old->prev_twitch = LTRI_NO_FRAME; /* not known further back */
            if (!old->twitches)
                old->first_amp = old->last_amp = 0.0f;
        }
        old->end = frame;
        if (s->prev.id)
            site_end(s, &s->prev, n, q); /* two sites within the settling time */
        s->prev = *old;
        s->end_due = n + sd->settle;
    }
    site_clear(&s->cur);
    ltri_site *x = &s->cur;
    x->id = ++s->next_id;
    x->onset = frame;
    x->strokes = 1;
    x->stroke[0] = frame;
    s->sites++;
    put(q, LTR_EVENT_SITE, x, frame, frame, frame, n, 0);
    for (; moved; moved--) /* the earlier first */
        add_twitch(x, moved_onset[moved - 1], moved_amp[moved - 1], 0);
    s->resume = LTRI_NO_FRAME;
    set_due(s);
}

/* Detector activity (a movement found, a twitch) from `from` to `to`: without
 * marks, the first activity after a quiet gap dates the next site back to it (an
 * insertion the detector did not find as a movement still shows insertional activity). */
static void activity(const ltri_session_design *sd, ltri_session *s, ltri_frame from,
                     ltri_frame to)
{
    if (s->marks)
        return;
    if (s->last_activity == LTRI_NO_FRAME || from >= s->last_activity + sd->gap)
        s->resume = from;
    if (s->last_activity == LTRI_NO_FRAME || to > s->last_activity)
        s->last_activity = to;
}

void ltri_session_stroke(const ltri_session_design *sd, ltri_session *s, ltri_frame frame,
                         ltri_stroke how, ltri_frame n, ltri_events *q)
{
    if (!sd->on)
        return;
    if (how == LTRI_STROKE_FOUND && s->marks)
        return; /* the device tells its movements: the ones found would count twice */
    if (how == LTRI_STROKE_FOUND && s->last_stroke != LTRI_NO_FRAME &&
        (frame > s->last_stroke ? frame - s->last_stroke : s->last_stroke - frame) < sd->merge)
        return; /* one movement found twice: its electrode step, then its jolt */
    if (how != LTRI_STROKE_FOUND)
        s->marks = 1;
    if (how == LTRI_STROKE_INSERTION)
        s->insertions = 1;
    s->strokes++;
    int new_site = how == LTRI_STROKE_INSERTION ||
                   (!s->insertions && (!s->cur.id || s->last_stroke == LTRI_NO_FRAME ||
                                       frame >= s->last_stroke + sd->gap));
    ltri_frame onset = frame;
    if (how == LTRI_STROKE_FOUND) {
        /* Found movements miss some strokes: quiet is no activity at all, not only no
         * movement found; a site begins at the first activity after a quiet gap. */
        const int resumed = s->resume != LTRI_NO_FRAME && (!s->cur.id || s->resume > s->cur.onset);
        new_site = !s->cur.id || resumed ||
                   (s->last_activity != LTRI_NO_FRAME ? frame >= s->last_activity + sd->gap
                                                      : new_site);
        /* dated back only over activity that went on up to this movement */
        if (resumed && s->resume < frame && s->last_activity != LTRI_NO_FRAME &&
            frame < s->last_activity + sd->gap)
            onset = s->resume;
        activity(sd, s, frame, frame);
    }
    s->last_stroke = frame;
    if (new_site) {
        begin_site(sd, s, onset, n, q);
        if (onset != frame) { /* this movement is the site's second */
            ltri_site *x = &s->cur;
            x->stroke[x->strokes % LTRI_SESSION_STROKES] = frame;
            x->strokes++;
        }
        return;
    }
    ltri_site *x = &s->cur;
    if (!x->id)
        return; /* insertions are marked and none came yet */
    x->stroke[x->strokes % LTRI_SESSION_STROKES] = frame;
    x->strokes++;
    if (stop_rule(sd, x)) {
        const ltri_frame due = frame + sd->wait;
        s->cue_due = due > n ? due : n;
        set_due(s);
    }
}

/* A cancelled twitch that was a needle movement: the fusion saw the accelerometer move
 * with the EMG's first rise (LTR_FLAG_NEEDLE: a jolt of the needle), or the accelerometer
 * jolted for less than the shortest twitch moves it (acc_min_duration_ms; a twitch's
 * contraction and relaxation take 100 ms or more, Fuglevand et al. 1993). On a surface
 * electrode, which shows no electrode step, the accelerometer is what sees the strokes.
 * A marked movement was counted from its mark. */
static int moved_needle(const ltr_event *ev)
{
    if (ev->flags & LTR_FLAG_MARKED)
        return 0;
    const uint32_t jolt = LTR_FLAG_ACC | LTR_FLAG_TOO_SHORT;
    return (ev->flags & LTR_FLAG_NEEDLE) || (ev->flags & jolt) == jolt;
}

void ltri_session_event(const ltri_session_design *sd, ltri_session *s, const ltr_event *ev,
                        ltri_frame n, ltri_events *q)
{
    if (!sd->on)
        return;
    switch (ev->kind) {
    case LTR_EVENT_BEGIN: s->twitch_open = 1; break;
    case LTR_EVENT_CANCEL:
        s->twitch_open = 0; /* a spike, a click: no activity */
        if (moved_needle(ev))
            ltri_session_stroke(sd, s, ev->onset, LTRI_STROKE_FOUND, n, q);
        break;
    case LTR_EVENT_END: {
        s->twitch_open = 0;
        activity(sd, s, ev->onset, ev->offset);
        ltri_site *x = s->cur.id && ev->onset >= s->cur.onset   ? &s->cur
                       : s->prev.id && ev->onset >= s->prev.onset ? &s->prev
                                                                  : NULL;
        if (!x) {
            s->outside++;
            break;
        }
        s->twitches++;
        add_twitch(x, ev->onset, ev->amplitude, ev->channels);
        break;
    }
    case LTR_EVENT_ARTIFACT:
        /* an electrode step, or a click the device did not cause: a needle movement */
        if ((ev->flags & (LTR_FLAG_NEEDLE | LTR_FLAG_STIM)) && !(ev->flags & LTR_FLAG_MARKED))
            ltri_session_stroke(sd, s, ev->onset, LTRI_STROKE_FOUND, n, q);
        break;
    default: break;
    }
}

void ltri_session_tick(const ltri_session_design *sd, ltri_session *s, ltri_frame n,
                       ltri_events *q)
{
    if (n >= s->end_due) {
        site_end(s, &s->prev, n, q);
        s->end_due = LTRI_NO_FRAME;
    }
    if (n >= s->cue_due) {
        if (s->twitch_open) {
            s->cue_due = n + 1; /* the twitch under way may be this stroke's */
        } else {
            s->cue_due = LTRI_NO_FRAME;
            if (stop_rule(sd, &s->cur))
                exhausted(s, &s->cur, n, q);
        }
    }
    set_due(s);
}

void ltri_session_finish(const ltri_session_design *sd, ltri_session *s, ltri_frame end,
                         ltri_frame n, ltri_events *q)
{
    if (!sd->on)
        return;
    if (s->cue_due != LTRI_NO_FRAME && stop_rule(sd, &s->cur))
        exhausted(s, &s->cur, n, q);
    if (s->prev.id)
        site_end(s, &s->prev, n, q);
    if (s->cur.id) {
        s->cur.end = end > s->cur.onset ? end : s->cur.onset;
        site_end(s, &s->cur, n, q);
    }
    ltri_session_reset_stream(s);
}

void ltri_session_stats(const ltri_session *s, ltri_frame now, ltr_session_stats *out)
{
    memset(out, 0, sizeof *out);
    out->sites = s->sites;
    out->sites_without_twitch = s->sites_without;
    out->sites_stopped = s->sites_stopped;
    out->strokes = s->strokes;
    out->twitches = s->twitches;
    out->twitches_outside = s->outside;
    const ltri_site *x = &s->cur;
    if (!x->id)
        return;
    out->site = x->id;
    out->site_strokes = x->strokes;
    out->site_twitches = x->twitches;
    out->strokes_since_twitch = strokes_since(x);
    out->stopped = (uint32_t)x->stopped;
    out->site_onset = x->onset;
    const ltri_frame from = last_twitch_or_onset(x);
    out->frames_since_twitch = now > from ? now - from : 0;
    out->first_amplitude = x->first_amp;
    out->last_amplitude = x->last_amp;
    out->habituation = habituation(x);
}
