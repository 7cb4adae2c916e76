/*
 * Running libltr over one real signal through its public API, the way a
 * device would (test helper): default configuration, 256-frame blocks, flush
 * at the end.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_REAL_DETECT_H
#define LTR_TESTS_REAL_DETECT_H

#include <stddef.h>
#include <stdint.h>

/* One reported twitch (an END event) and the frame of its BEGIN. */
typedef struct real_twitch {
    uint64_t onset, offset;  /* frames, as the END event reports them */
    uint64_t begin_detected; /* frame of the BEGIN event */
    float amplitude;
    uint32_t flags;
} real_twitch;

typedef struct real_run {
    real_twitch *tw;
    size_t n, cap;
    size_t cancelled_long;  /* CANCEL with LTR_FLAG_TOO_LONG: contractions >= 1 s */
    size_t cancelled_other; /* CANCEL for another reason (too short, artifact) */
    size_t artifacts;       /* ARTIFACT events */
    size_t dropouts;        /* of them flagged LTR_FLAG_DROPOUT (a channel stuck at one value) */
    uint64_t frames;
    double fs_hz;
} real_run;

/* Detect on one EMG channel: float samples (x) or raw counts (counts, with
 * gain in units per count; then x is NULL). Returns 0, or -1 with a message. */
int real_detect(const float *x, const int16_t *counts, float gain, size_t n, double fs_hz,
                real_run *out);

void real_run_free(real_run *r);

#endif /* LTR_TESTS_REAL_DETECT_H */
