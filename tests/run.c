/*
 * Running a detector over a test signal (test helper). See run.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "run.h"
#include "signals.h"

static void push(run_events *out, const ltr_event *ev, size_t n)
{
    if (out->n + n > out->cap) {
        out->cap = 2 * (out->n + n) + 16;
        out->ev = realloc(out->ev, out->cap * sizeof *out->ev);
        assert_non_null(out->ev);
    }
    for (size_t i = 0; i < n; i++)
        out->ev[out->n++] = ev[i];
}

void run_detector(ltr_detector *det, const float *buf, size_t n_frames, size_t block,
                  size_t max_block, unsigned seed, run_events *out)
{
    const unsigned n_ch = ltr_detector_config(det)->n_channels;
    sig_rng rng;
    sig_rng_seed(&rng, seed);
    size_t cap = 0;
    ltr_event *ev = NULL;
    for (size_t i = 0; i < n_frames;) {
        size_t len = block ? block : 1 + (size_t)(sig_uniform(&rng) * 2.0 * (double)max_block);
        if (len > n_frames - i)
            len = n_frames - i;
        const size_t need = ltr_detector_max_events(det, len);
        if (need > cap) {
            cap = need;
            ev = realloc(ev, cap * sizeof *ev);
            assert_non_null(ev);
        }
        size_t n = 0;
        assert_int_equal(ltr_detector_process(det, buf + i * n_ch, len, ev, cap, &n), LTR_OK);
        push(out, ev, n);
        i += len;
    }
    const size_t need = ltr_detector_max_events(det, 0);
    if (need > cap) {
        cap = need;
        ev = realloc(ev, cap * sizeof *ev);
    }
    size_t n = 0;
    assert_int_equal(ltr_detector_flush(det, ev, cap, &n), LTR_OK);
    push(out, ev, n);
    free(ev);
}

void run_config(const ltr_config *cfg, const float *buf, size_t n_frames, run_events *out)
{
    ltr_detector *det = NULL;
    assert_int_equal(ltr_detector_create(&det, cfg), LTR_OK);
    run_detector(det, buf, n_frames, n_frames, 0, 0, out);
    ltr_detector_destroy(det);
}

void run_events_free(run_events *e)
{
    free(e->ev);
    e->ev = NULL;
    e->n = e->cap = 0;
}

size_t run_count(const run_events *e, ltr_event_kind kind, unsigned flags_all)
{
    size_t c = 0;
    for (size_t i = 0; i < e->n; i++)
        if (e->ev[i].kind == kind && (e->ev[i].flags & flags_all) == flags_all)
            c++;
    return c;
}

const ltr_event *run_begin_of(const run_events *e, unsigned id)
{
    for (size_t i = 0; i < e->n; i++)
        if (e->ev[i].kind == LTR_EVENT_BEGIN && e->ev[i].id == id)
            return &e->ev[i];
    return NULL;
}

void run_print(const run_events *e, double fs)
{
    if (!getenv("LTR_TEST_VERBOSE"))
        return;
    static const char *kinds[] = {"?", "BEGIN", "END", "CANCEL", "ARTIFACT", "SITE", "EXHAUST", "SITE_END"};
    for (size_t i = 0; i < e->n; i++) {
        const ltr_event *v = &e->ev[i];
        print_message("  %-8s id %3u onset %8.4f peak %8.4f offset %8.4f detected %8.4f amp %8.3g "
                      "snr %5.1f conf %.2f ch %x flags %x\n",
                      kinds[v->kind <= 7 ? v->kind : 0], v->id, v->onset / fs, v->peak / fs,
                      v->offset / fs, v->detected / fs, v->amplitude, v->snr_db, v->confidence,
                      v->channels, v->flags);
    }
}
