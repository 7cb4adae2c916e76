/*
 * The detector's event output (internal to libltr): the caller's array for the
 * current call, and a small queue for what did not fit.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Events go straight to the caller's array while it has room and nothing waits;
 * otherwise into a ring of LTR_EVENT_QUEUE events that the next call returns first
 * (so order is kept across calls); beyond that they are counted as lost. Every
 * event passes ltri_events_push once, where its frames are put in order.
 * Real-time safe: no allocation, bounded work.
 */
#ifndef LTR_CORE_EVENTS_H
#define LTR_CORE_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "ltr/ltr.h"

typedef struct ltri_events {
    ltr_event queue[LTR_EVENT_QUEUE];
    unsigned head, count;    /* the ring: oldest at head, count waiting */
    uint64_t lost;           /* events dropped since reset (queue full) */
    /* output of the current call */
    ltr_event *out;
    size_t out_max, out_n;
    int overflowed;          /* an event was lost during this call */
} ltri_events;

/* Empty the queue and forget lost events (detector reset). */
void ltri_events_reset(ltri_events *q);

/* Move waiting events to the caller's array while it has room. */
void ltri_events_drain(ltri_events *q);

/* Begin and end are inline: they run once per call, which may be one frame (a
 * device's sample loop), where a call each costs 1% (callgrind, block 1). */

/* Start a call that may write up to max_events events to `events` (NULL: none);
 * what waits in the queue goes there first. */
static inline void ltri_events_begin(ltri_events *q, ltr_event *events, size_t max_events)
{
    q->out = events;
    q->out_max = events ? max_events : 0;
    q->out_n = 0;
    q->overflowed = 0;
    if (q->count)
        ltri_events_drain(q);
}

/* End the call: *n_events written; LTR_ERR_EVENT_OVERFLOW if one was lost,
 * LTR_MORE_EVENTS if some still wait, else LTR_OK. */
static inline ltr_status ltri_events_end(ltri_events *q, size_t *n_events)
{
    *n_events = q->out_n;
    q->out = NULL;
    q->out_max = q->out_n = 0;
    if (q->overflowed)
        return LTR_ERR_EVENT_OVERFLOW;
    return q->count ? LTR_MORE_EVENTS : LTR_OK;
}

/* Put out one event (to the caller's array, else the queue, else count it lost). */
void ltri_events_push(ltri_events *q, const ltr_event *event);

/* Events waiting in the queue. */
static inline unsigned ltri_events_waiting(const ltri_events *q) { return q->count; }

#endif /* LTR_CORE_EVENTS_H */
