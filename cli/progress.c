/*
 * Progress of long work on standard error (see progress.h).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <math.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ltr/ltr_io.h"

/* Redraw at most 5 times a second on a terminal, a JSON line at most every 0.5 s. */
#define TERMINAL_INTERVAL_S 0.2
#define JSON_INTERVAL_S 0.5

cli_progress_mode cli_progress_choose(int forced_json, int off)
{
    if (forced_json)
        return CLI_PROGRESS_JSON;
    return !off && isatty(2) ? CLI_PROGRESS_TERMINAL : CLI_PROGRESS_OFF;
}

double cli_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double cli_progress_eta(double start, double now, double fraction)
{
    if (!(fraction > 0.0) || now <= start)
        return -1.0;
    if (fraction >= 1.0)
        return 0.0;
    /* the rate so far holds for the rest: the work per frame of a recording is constant */
    return (now - start) * (1.0 - fraction) / fraction;
}

void cli_progress_clock(double s, char *buf, size_t size)
{
    if (!(s >= 0.0)) {
        snprintf(buf, size, "?");
        return;
    }
    const long t = lround(s);
    if (t < 60)
        snprintf(buf, size, "%ld s", t);
    else if (t < 3600)
        snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
    else
        snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
}

void cli_progress_json(FILE *f, const char *file, double fraction, double eta_s)
{
    fputs("{\"file\": ", f);
    if (file)
        ltr_io_json_string(f, file);
    else
        fputs("null", f);
    fprintf(f, ", \"fraction\": %.4f, \"eta_s\": ", fraction);
    if (eta_s >= 0.0)
        fprintf(f, "%.1f}\n", eta_s);
    else
        fputs("null}\n", f);
    fflush(f);
}

void cli_file_progress_start(cli_file_progress *p, cli_progress_mode mode, const char *file,
                             unsigned long long total_frames)
{
    memset(p, 0, sizeof *p);
    p->mode = total_frames ? mode : CLI_PROGRESS_OFF;
    p->file = file;
    p->total = total_frames;
    p->start = cli_progress_now();
    p->last = p->start - 1e9; /* the first block is shown at once */
}

void cli_file_progress_update(cli_file_progress *p, unsigned long long done)
{
    if (p->mode == CLI_PROGRESS_OFF)
        return;
    const double now = cli_progress_now();
    const double interval = p->mode == CLI_PROGRESS_JSON ? JSON_INTERVAL_S : TERMINAL_INTERVAL_S;
    if (now - p->last < interval)
        return;
    p->last = now;
    const double fraction = done >= p->total ? 1.0 : (double)done / (double)p->total;
    const double eta = cli_progress_eta(p->start, now, fraction);
    if (p->mode == CLI_PROGRESS_JSON) {
        cli_progress_json(stderr, p->file, fraction, eta);
        return;
    }
    char clock[32];
    cli_progress_clock(eta, clock, sizeof clock);
    const char *base = strrchr(p->file, '/');
    const int width = 30, filled = (int)(fraction * width);
    fprintf(stderr, "\r\033[K[%.*s%*s] %3.0f%%  ETA %s  %.40s", filled,
            "##############################", width - filled, "", 100.0 * fraction, clock,
            base ? base + 1 : p->file);
    fflush(stderr);
}

void cli_file_progress_end(cli_file_progress *p)
{
    if (p->mode == CLI_PROGRESS_TERMINAL) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
    } else if (p->mode == CLI_PROGRESS_JSON) {
        cli_progress_json(stderr, p->file, 1.0, 0.0);
    }
    p->mode = CLI_PROGRESS_OFF;
}
