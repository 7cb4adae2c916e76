/*
 * Reading an events table back (BIDS events.tsv as `ltr detect` and `ltr batch` write it,
 * or a ground truth): for `ltr plot --events` and `ltr report`.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CLI_EVENTS_TSV_H
#define LTR_CLI_EVENTS_TSV_H

#include <stddef.h>

/* One row; NAN for a column the table lacks or an "n/a". */
typedef struct cli_event_row {
    double onset_s, duration_s;
    char type[32];         /* trial_type: twitch, artifact, ltr, stim, needle, ... */
    char flags[96];        /* our flags column ("emg,acc,fused", "needle,marked"), "" if none */
    double latency_ms, amplitude, confidence, snr_db;
} cli_event_row;

typedef struct cli_events {
    cli_event_row *rows;
    size_t n;
} cli_events;

/* Read a tab-separated table whose header names at least onset, duration and trial_type.
 * Returns 0, or -1 with the reason (file and line) in msg. */
int cli_events_read(cli_events *ev, const char *path, char *msg, size_t msg_size);
void cli_events_free(cli_events *ev);

/* A row is a twitch (trial_type twitch or evoked as ltr detect writes them, ltr as the
 * ground truth calls it). */
int cli_event_is_twitch(const cli_event_row *r);
/* A row is an artifact (trial_type artifact, or a nuisance of the ground truth: needle,
 * stim, motion, electrolysis, clip, dropout, nan); voluntary contractions, ECG beats and
 * other rows are neither. */
int cli_event_is_artifact(const cli_event_row *r);
/* A row is a needle movement (trial_type needle, or an artifact flagged needle). */
int cli_event_is_needle(const cli_event_row *r);

#endif /* LTR_CLI_EVENTS_TSV_H */
