/*
 * Session tracking (internal to libltr): sites, their strokes and twitches,
 * habituation, and "twitches have stopped".
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Fed by what the detector already knows, in input frames:
 * - strokes: needle movements the device marks (LTR_MARK_NEEDLE, LTR_MARK_INSERTION)
 *   or, while it marks none, the needle movements the detector finds (artifact
 *   stretches of an electrode step or a needle click: LTR_FLAG_NEEDLE, or an
 *   LTR_FLAG_STIM the device did not mark; cancelled twitches that were a jolt of the
 *   needle or an accelerometer jolt too brief for a twitch), one found twice counted once;
 * - twitches: the detector's own BEGIN, END and CANCEL events.
 * A site begins at an insertion mark or, without those, at a stroke after site_gap of
 * none (without any marks: of no activity at all, movement or twitch, the site then
 * dated back to the first activity after the gap); a site ends when the next begins (or
 * at flush). After a stroke the rule "N
 * strokes or T of needling without a twitch" is checked once the stroke has had its
 * chance to elicit one (STROKE_WAIT_S, and no twitch still open), which gives
 * LTR_EVENT_EXHAUSTED. A finished site takes late twitch reports for SETTLE_S before
 * its LTR_EVENT_SITE_END: twitch ENDs come after the twitch, strokes the detector
 * finds after their artifact stretch closes, so either may arrive first.
 *
 * Real-time safe: no allocation; O(1) per call; the detector calls
 * ltri_session_tick only when the frame reaches `due` (one comparison a frame).
 * Block invariant: everything happens on input frames.
 */
#ifndef LTR_CORE_SESSION_H
#define LTR_CORE_SESSION_H

#include <stdint.h>

#include "events.h"
#include "ltr/ltr.h"
#include "timebase.h"

#ifndef LTRI_NO_FRAME
#define LTRI_NO_FRAME UINT64_MAX /* no frame (as fusion.h) */
#endif

/* Strokes of a site whose frames are kept: to count the strokes after a twitch that
 * is reported after them (strokes come >= 0.3 s apart, a twitch report within ~1 s). */
#define LTRI_SESSION_STROKES 4u

typedef struct ltri_session_design {
    int on;
    uint64_t gap;          /* a stroke after this many frames without one begins a site */
    uint32_t stop_strokes; /* N, 0 = no stroke rule */
    uint64_t stop_frames;  /* T, 0 = no time rule */
    uint64_t merge;        /* movements found within this many frames are one */
    uint64_t wait;         /* frames a stroke has to elicit a twitch before the rule is checked */
    uint64_t settle;       /* frames a finished site still takes late twitch reports */
} ltri_session_design;

typedef struct ltri_site {
    uint32_t id;           /* 0 = no site */
    uint32_t strokes, twitches;
    uint32_t channels;     /* channels that saw its twitches */
    int stopped;           /* LTR_EVENT_EXHAUSTED given */
    ltri_frame onset, end; /* first frame; end (first frame of the next), 0 while current */
    ltri_frame last_twitch, prev_twitch;    /* onsets of its last two twitches, LTRI_NO_FRAME none */
    float first_amp, last_amp, prev_amp;    /* amplitudes: first, last, the one before */
    uint32_t strokes_at_twitch;             /* its strokes up to its last twitch's onset */
    ltri_frame stroke[LTRI_SESSION_STROKES]; /* its last strokes' frames, ring */
} ltri_site;

typedef struct ltri_session {
    ltri_site cur, prev;   /* prev: finished, taking late reports until prev_due */
    ltri_frame due;        /* tick at this input frame (min of the two below), NO_FRAME none */
    ltri_frame cue_due;    /* check the stop rule of cur */
    ltri_frame end_due;    /* SITE_END of prev */
    ltri_frame last_stroke; /* last stroke of the stream, LTRI_NO_FRAME none */
    ltri_frame last_activity; /* without marks: end of the latest activity (movement, twitch) */
    ltri_frame resume;     /* without marks: first activity after a quiet gap, NO_FRAME none */
    int marks;             /* the device marks needle movements: found ones are ignored */
    int insertions;        /* the device marks insertions: only they begin sites */
    int twitch_open;       /* a twitch has begun and is not over */
    uint32_t next_id;
    /* totals */
    uint32_t sites, sites_without, sites_stopped, strokes, twitches, outside;
} ltri_session;

/* How the stroke came to be known. */
typedef enum {
    LTRI_STROKE_FOUND,     /* a needle movement the detector found */
    LTRI_STROKE_MARKED,    /* LTR_MARK_NEEDLE */
    LTRI_STROKE_INSERTION  /* LTR_MARK_INSERTION */
} ltri_stroke;

void ltri_session_design_init(ltri_session_design *sd, const ltr_config *cfg);
/* New stream (flush): no site open; the site numbers go on. */
void ltri_session_reset_stream(ltri_session *s);
/* Also restart the site numbers and totals (ltr_detector_reset). */
void ltri_session_reset(ltri_session *s);

/* A stroke at input frame `frame`, known at input frame n; events go to q. */
void ltri_session_stroke(const ltri_session_design *sd, ltri_session *s, ltri_frame frame,
                         ltri_stroke how, ltri_frame n, ltri_events *q);
/* The detector put out ev at input frame n (its twitches and artifacts). */
void ltri_session_event(const ltri_session_design *sd, ltri_session *s, const ltr_event *ev,
                        ltri_frame n, ltri_events *q);
/* Input frame n reached s->due. */
void ltri_session_tick(const ltri_session_design *sd, ltri_session *s, ltri_frame n,
                       ltri_events *q);
/* The stream ends: its last frame is end - 1, the detector is at input frame n (>= end,
 * flush's padding): the open sites end at `end`. */
void ltri_session_finish(const ltri_session_design *sd, ltri_session *s, ltri_frame end,
                         ltri_frame n, ltri_events *q);
/* The running totals; now = the next input frame. */
void ltri_session_stats(const ltri_session *s, ltri_frame now, ltr_session_stats *out);

#endif /* LTR_CORE_SESSION_H */
