/*
 * Running libltr over one real signal (test helper). See real_detect.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real_detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr.h"

#define BLOCK 256u /* frames per call, as a device's DMA buffer */
#define MAX_OPEN 8u

typedef struct collector {
    real_run *r;
    uint32_t open_id[MAX_OPEN];
    uint64_t open_detected[MAX_OPEN];
    size_t n_open;
} collector;

static int take(collector *c, const ltr_event *ev, size_t n)
{
    real_run *r = c->r;
    for (size_t i = 0; i < n; i++) {
        const ltr_event *e = &ev[i];
        if (e->kind == LTR_EVENT_BEGIN) {
            if (c->n_open == MAX_OPEN)
                return -1;
            c->open_id[c->n_open] = e->id;
            c->open_detected[c->n_open++] = e->detected;
            continue;
        }
        if (e->kind >= LTR_EVENT_SITE)
            continue; /* session events: sites, not twitches */
        if (e->kind == LTR_EVENT_ARTIFACT) {
            r->artifacts++;
            r->dropouts += (e->flags & LTR_FLAG_DROPOUT) != 0;
            continue;
        }
        /* END or CANCEL: close the BEGIN with this id */
        size_t k = 0;
        while (k < c->n_open && c->open_id[k] != e->id)
            k++;
        if (k == c->n_open)
            return -1; /* END without BEGIN: the API promises otherwise */
        const uint64_t begin = c->open_detected[k];
        c->open_id[k] = c->open_id[c->n_open - 1];
        c->open_detected[k] = c->open_detected[--c->n_open];
        if (e->kind == LTR_EVENT_CANCEL) {
            if (e->flags & LTR_FLAG_TOO_LONG)
                r->cancelled_long++;
            else
                r->cancelled_other++;
            continue;
        }
        if (r->n == r->cap) {
            r->cap = 2 * r->cap + 64;
            real_twitch *g = realloc(r->tw, r->cap * sizeof *g);
            if (!g)
                return -1;
            r->tw = g;
        }
        r->tw[r->n++] = (real_twitch){e->onset, e->offset, begin, e->amplitude, e->flags};
    }
    return 0;
}

int real_detect(const float *x, const int16_t *counts, float gain, size_t n, double fs_hz,
                real_run *out)
{
    memset(out, 0, sizeof *out);
    out->fs_hz = fs_hz;
    ltr_config cfg;
    ltr_sensor sensor = LTR_SENSOR_EMG;
    ltr_status st = ltr_config_default(&cfg, fs_hz, 1, &sensor);
    ltr_detector *det = NULL;
    if (st == LTR_OK)
        st = ltr_detector_create(&det, &cfg);
    if (st != LTR_OK) {
        fprintf(stderr, "detector at %.1f Hz: %s\n", fs_hz, ltr_status_string(st));
        return -1;
    }
    const size_t cap = ltr_detector_max_events(det, BLOCK);
    ltr_event *ev = malloc(cap * sizeof *ev);
    collector c = {.r = out};
    int rc = ev ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i += BLOCK) {
        const size_t len = n - i < BLOCK ? n - i : BLOCK;
        size_t got = 0;
        st = counts ? ltr_detector_process_s16(det, counts + i, len, gain, ev, cap, &got)
                    : ltr_detector_process(det, x + i, len, ev, cap, &got);
        rc = st == LTR_OK ? take(&c, ev, got) : -1;
    }
    st = LTR_MORE_EVENTS;
    while (rc == 0 && st == LTR_MORE_EVENTS) {
        size_t got = 0;
        st = ltr_detector_flush(det, ev, cap, &got);
        rc = st == LTR_OK || st == LTR_MORE_EVENTS ? take(&c, ev, got) : -1;
    }
    if (rc != 0)
        fprintf(stderr, "detector: %s\n",
                st == LTR_OK ? "inconsistent events" : ltr_status_string(st));
    out->frames = n;
    free(ev);
    ltr_detector_destroy(det);
    if (rc != 0)
        real_run_free(out);
    return rc;
}

void real_run_free(real_run *r)
{
    free(r->tw);
    memset(r, 0, sizeof *r);
}
