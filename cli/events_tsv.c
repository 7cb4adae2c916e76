/*
 * Reading an events table back (see events_tsv.h).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "events_tsv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_ONSET, COL_DURATION, COL_TYPE, COL_FLAGS, COL_LATENCY, COL_AMPLITUDE, COL_CONFIDENCE,
       COL_SNR, N_COLS };
static const char *const col_names[N_COLS] = {"onset", "duration", "trial_type", "flags",
                                              "latency_ms", "amplitude", "confidence", "snr_db"};

/* Split line in place at tabs (the newline removed); returns the field count. */
static int split(char *line, char **fields, int max)
{
    line[strcspn(line, "\r\n")] = '\0';
    int n = 0;
    for (char *s = line; n < max;) {
        fields[n++] = s;
        char *t = strchr(s, '\t');
        if (!t)
            break;
        *t = '\0';
        s = t + 1;
    }
    return n;
}

static double number(const char *s, int *ok)
{
    if (!strcmp(s, "n/a") || !*s)
        return NAN;
    char *end;
    errno = 0;
    const double v = strtod(s, &end);
    if (*end || errno) {
        *ok = 0;
        return NAN;
    }
    return v;
}

int cli_events_read(cli_events *ev, const char *path, char *msg, size_t msg_size)
{
    memset(ev, 0, sizeof *ev);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msg_size, "%s: %s", path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, n_rows = 0, cap_rows = 0;
    int col[N_COLS], line_no = 0, rc = 0;
    char *fields[64];
    for (int k = 0; k < N_COLS; k++)
        col[k] = -1;
    while (getline(&line, &cap, f) >= 0) {
        line_no++;
        const int n = split(line, fields, 64);
        if (line_no == 1) {
            for (int i = 0; i < n; i++)
                for (int k = 0; k < N_COLS; k++)
                    if (!strcmp(fields[i], col_names[k]))
                        col[k] = i;
            if (col[COL_ONSET] < 0 || col[COL_DURATION] < 0 || col[COL_TYPE] < 0) {
                snprintf(msg, msg_size,
                         "%s:1: not an events table (the header needs onset, duration and "
                         "trial_type, tab-separated)", path);
                rc = -1;
                break;
            }
            continue;
        }
        if (n == 1 && !fields[0][0])
            continue; /* an empty line */
        cli_event_row r = {.latency_ms = NAN, .amplitude = NAN, .confidence = NAN, .snr_db = NAN};
        int ok = 1;
        double *num[N_COLS] = {&r.onset_s, &r.duration_s, NULL, NULL, &r.latency_ms,
                               &r.amplitude, &r.confidence, &r.snr_db};
        for (int k = 0; k < N_COLS; k++) {
            if (col[k] < 0)
                continue;
            if (col[k] >= n) {
                ok = 0;
                break;
            }
            if (num[k])
                *num[k] = number(fields[col[k]], &ok);
        }
        if (!ok || !isfinite(r.onset_s) || !(r.duration_s >= 0.0)) {
            snprintf(msg, msg_size, "%s:%d: onset and duration must be numbers in seconds", path,
                     line_no);
            rc = -1;
            break;
        }
        snprintf(r.type, sizeof r.type, "%s", fields[col[COL_TYPE]]);
        if (col[COL_FLAGS] >= 0)
            snprintf(r.flags, sizeof r.flags, "%s", fields[col[COL_FLAGS]]);
        if (n_rows == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 64;
            cli_event_row *rows = realloc(ev->rows, cap_rows * sizeof *rows);
            if (!rows) {
                snprintf(msg, msg_size, "out of memory");
                rc = -1;
                break;
            }
            ev->rows = rows;
        }
        ev->rows[n_rows++] = r;
        ev->n = n_rows;
    }
    if (rc == 0 && line_no == 0) {
        snprintf(msg, msg_size, "%s: empty (no header)", path);
        rc = -1;
    }
    free(line);
    fclose(f);
    if (rc != 0)
        cli_events_free(ev);
    return rc;
}

void cli_events_free(cli_events *ev)
{
    free(ev->rows);
    ev->rows = NULL;
    ev->n = 0;
}

int cli_event_is_twitch(const cli_event_row *r)
{
    return !strcmp(r->type, "twitch") || !strcmp(r->type, "ltr") || !strcmp(r->type, "evoked");
}

int cli_event_is_artifact(const cli_event_row *r)
{
    /* ours (artifact), and the ground truth's nuisances that blank or corrupt the signal */
    static const char *const kinds[] = {"artifact", "needle", "stim", "motion", "electrolysis",
                                        "clip", "dropout", "nan"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(r->type, kinds[i]))
            return 1;
    return 0;
}

int cli_event_is_needle(const cli_event_row *r)
{
    if (!strcmp(r->type, "needle"))
        return 1;
    /* the flags column is a comma-separated list of names */
    const char *s = r->flags;
    while (*s) {
        const size_t len = strcspn(s, ",");
        if (len == 6 && !strncmp(s, "needle", 6))
            return 1;
        s += len + (s[len] == ',');
    }
    return 0;
}
