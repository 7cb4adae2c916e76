/*
 * Running a detector over a test signal (test helper).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_RUN_H
#define LTR_TESTS_RUN_H

#include <stddef.h>

#include "ltr/ltr.h"

typedef struct run_events {
    ltr_event *ev;
    size_t n, cap;
} run_events;

/* Feed n_frames of buf through det in blocks (block = 0: random sizes 1..2*max_block from
 * seed; else fixed), then flush; every event is appended to out (grown as needed). Fails
 * the test on any status other than LTR_OK. */
void run_detector(ltr_detector *det, const float *buf, size_t n_frames, size_t block,
                  size_t max_block, unsigned seed, run_events *out);

/* Build a detector for cfg, run it over buf in one call, destroy it. */
void run_config(const ltr_config *cfg, const float *buf, size_t n_frames, run_events *out);

void run_events_free(run_events *e);

/* Count events of a kind; with flags_all != 0 only those having all these flags. */
size_t run_count(const run_events *e, ltr_event_kind kind, unsigned flags_all);

/* The BEGIN event of an id, or NULL. */
const ltr_event *run_begin_of(const run_events *e, unsigned id);



/* Print the events when LTR_TEST_VERBOSE is set (for debugging a failing test). */
void run_print(const run_events *e, double fs);
#endif /* LTR_TESTS_RUN_H */
