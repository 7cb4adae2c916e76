/*
 * Progress of long work on standard error (ltr detect, batch, bids): a line redrawn in
 * place with the fraction done and an estimate of the time left on a terminal, nothing
 * when standard error is not one, or JSON lines when asked (--progress):
 *   {"file": "rec.edf", "fraction": 0.42, "eta_s": 31.5}
 * one object a line, "file" null for a whole batch. Not thread-safe: the batch calls it
 * under its lock.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CLI_PROGRESS_H
#define LTR_CLI_PROGRESS_H

#include <stdio.h>

typedef enum {
    CLI_PROGRESS_OFF,      /* nothing */
    CLI_PROGRESS_TERMINAL, /* a line redrawn in place (standard error is a terminal) */
    CLI_PROGRESS_JSON      /* one JSON object a line (--progress) */
} cli_progress_mode;

/* Recordings shorter than this show no progress on a terminal (over in a moment). */
#define CLI_PROGRESS_MIN_S 60.0

/* The mode for standard error: JSON if forced (--progress), else the terminal's bar
 * unless off (--no-progress) or standard error is no terminal. */
cli_progress_mode cli_progress_choose(int forced_json, int off);

/* Seconds on a monotonic clock. */
double cli_progress_now(void);

/* The time left, s, for `fraction` done since `start` (now - start elapsed); negative
 * while it cannot be told (nothing done yet). */
double cli_progress_eta(double start, double now, double fraction);

/* "1:05:09", "4:02", "17 s", "?" for negative. */
void cli_progress_clock(double seconds, char *buf, size_t size);

/* A JSON line {"file": ..., "fraction": ..., "eta_s": ...}; file NULL: null. */
void cli_progress_json(FILE *f, const char *file, double fraction, double eta_s);

/* One file's progress for ltr detect: draws (terminal) or prints (JSON) at most every
 * interval, and always at fraction 1. */
typedef struct cli_file_progress {
    cli_progress_mode mode;
    const char *file;
    double start, last;
    unsigned long long total;  /* frames in the file (0: unknown, no progress) */
} cli_file_progress;

void cli_file_progress_start(cli_file_progress *p, cli_progress_mode mode, const char *file,
                             unsigned long long total_frames);
void cli_file_progress_update(cli_file_progress *p, unsigned long long frames_done);
/* The end: the terminal's line cleared, a last JSON line at fraction 1. */
void cli_file_progress_end(cli_file_progress *p);

#endif /* LTR_CLI_PROGRESS_H */
