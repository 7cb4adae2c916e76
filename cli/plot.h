/*
 * Pictures of a recording and its events for `ltr plot` and `ltr report` (cairo; part of
 * the tool, never of libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * A plot is built in two steps. First the samples are decimated as they stream past
 * (plot_data_add_*): each pixel column of the plot keeps the minimum and maximum of
 * the samples that fall in it (of the conditioned or recorded signal, and of the
 * detector's statistic), and the latest background and thresholds, so the memory is
 * that of the picture, not of the recording. Then plot_render draws it: per channel
 * the signal and, when the detector's trace was taken, its statistic on a dB axis with
 * the background and thresholds; twitches shaded from onset to offset with their BEGIN
 * marked, artifacts and needle movements hatched; a time axis in seconds, the units
 * from the file, a legend.
 */
#ifndef LTR_CLI_PLOT_H
#define LTR_CLI_PLOT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"

/* What a span of time on the plot is. */
/* PLOT_SITE: a needling site (session tracking), drawn as a band along each panel's top. */
typedef enum { PLOT_TWITCH, PLOT_ARTIFACT, PLOT_NEEDLE, PLOT_SITE } plot_span_kind;

typedef struct plot_span {
    plot_span_kind kind;
    double from_s, to_s;  /* onset, offset */
    double begin_s;       /* twitch: when the detector said BEGIN (< 0: unknown) */
} plot_span;

/* One channel, decimated: per pixel column (NAN where no sample fell). */
typedef struct plot_series {
    float *lo, *hi;           /* signal */
    float *stat_lo, *stat_hi; /* statistic (trace only) */
    float *bg, *on, *off;     /* background, thresholds at the column's last frame (trace only) */
} plot_series;

typedef struct plot_data {
    unsigned n_ch, cols;
    double from_s, to_s;      /* the time window drawn */
    double rate_hz;
    uint64_t first, frames;   /* input frames of the window: [first, first + frames) */
    int trace;                /* the statistic, background and thresholds were taken */
    int conditioned;          /* the signal is the detector's conditioned signal, not the recording */
    char title[256];
    char names[LTR_MAX_CHANNELS][64];
    char units[LTR_MAX_CHANNELS][16];
    plot_series ch[LTR_MAX_CHANNELS];
    plot_span *spans;
    size_t n_spans, cap_spans;
} plot_data;

/* Columns for n_ch channels over frames [first, first + frames) at rate_hz. Returns 0, or
 * -1 out of memory. */
int plot_data_init(plot_data *p, unsigned n_ch, unsigned cols, double rate_hz, uint64_t first,
                   uint64_t frames, int trace);
void plot_data_free(plot_data *p);

/* The column of input frame f, or -1 outside the window. */
static inline long plot_column(const plot_data *p, uint64_t f)
{
    if (f < p->first || f >= p->first + p->frames)
        return -1;
    return (long)((f - p->first) * (uint64_t)p->cols / p->frames);
}

/* Samples of channel c at frame f: the signal; the statistic with its background and
 * thresholds. Non-finite values are skipped (a gap). */
void plot_data_add_signal(plot_data *p, unsigned c, uint64_t f, float v);
void plot_data_add_trace(plot_data *p, unsigned c, uint64_t f, float stat, float bg, float on,
                         float off);
/* A twitch, artifact or needle movement (kept even if outside the window: it is
 * clipped when drawn). Returns 0 or -1 out of memory. */
int plot_data_add_span(plot_data *p, plot_span_kind kind, double from_s, double to_s,
                       double begin_s);

typedef enum { PLOT_PNG, PLOT_SVG, PLOT_PDF } plot_format;

/* The format a file name asks for (.png, .svg, .pdf, any case); -1 for another. */
int plot_format_from_name(const char *path);

/* The pixel columns of a plot width pixels wide (its drawing area): plot_data_init's cols. */
unsigned plot_columns(int width, int compact);

/* Draw p at width x height pixels (points for SVG and PDF) to f. Compact: no legend,
 * axis labels or title (thumbnails). Returns 0, or -1 with the reason in msg. */
int plot_render_file(const plot_data *p, FILE *f, plot_format format, int width, int height,
                     int compact, char *msg, size_t msg_size);

/* The same as SVG written to f, without the XML declaration and with every id prefixed
 * by id_prefix, so that several can be inlined in one HTML page. */
int plot_render_svg_inline(const plot_data *p, FILE *f, const char *id_prefix, int width,
                           int height, int compact, char *msg, size_t msg_size);

/* 1 if the tool was built with cairo (else plot_render_* fail and say so). */
int plot_available(void);

/* Give back what cairo and fontconfig keep for the process (their font caches), once
 * nothing is drawn any more: at the end of ltr plot and ltr report. */
void plot_release(void);

#endif /* LTR_CLI_PLOT_H */
