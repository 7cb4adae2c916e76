/*
 * The detector's event output and queue (libltr core). See events.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "events.h"

void ltri_events_reset(ltri_events *q)
{
    q->head = q->count = 0;
    q->lost = 0;
}

void ltri_events_drain(ltri_events *q)
{
    while (q->count && q->out_n < q->out_max) {
        q->out[q->out_n++] = q->queue[q->head];
        q->head = (q->head + 1) % LTR_EVENT_QUEUE;
        q->count--;
    }
}

/* Events hold together: onset <= peak <= offset (an END's or CANCEL's offset after its
 * onset), onset <= detected. Lanes keep onsets and peaks on the band-pass time base and
 * offsets on the envelope's; at the edges (a twitch cut at flush, a lane split at a
 * valley) the two can cross by a few frames, so the order is restored here, once. */
static void hold_together(ltr_event *ev)
{
    if (ev->kind != LTR_EVENT_BEGIN && ev->kind != LTR_EVENT_END && ev->kind != LTR_EVENT_CANCEL)
        return; /* artifacts and session events are put together by their makers */
    if (ev->onset > ev->detected)
        ev->onset = ev->detected;
    if (ev->peak < ev->onset)
        ev->peak = ev->onset;
    if (ev->kind == LTR_EVENT_BEGIN) {
        if (ev->peak > ev->detected)
            ev->peak = ev->detected;
        ev->offset = ev->detected;
    } else if (ev->offset <= ev->peak) {
        ev->offset = ev->peak + 1;
    }
}

void ltri_events_push(ltri_events *q, const ltr_event *event)
{
    ltr_event ev = *event;
    hold_together(&ev);
    if (q->count == 0 && q->out_n < q->out_max) {
        q->out[q->out_n++] = ev;
    } else if (q->count < LTR_EVENT_QUEUE) {
        q->queue[(q->head + q->count++) % LTR_EVENT_QUEUE] = ev;
    } else {
        q->lost++;
        q->overflowed = 1;
    }
}
