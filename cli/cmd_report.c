/*
 * ltr report: one self-contained HTML page over what `ltr batch` (or `ltr bids`) wrote.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Reads OUTDIR/summary.tsv, each recording's events file, the recordings themselves (for
 * their pictures) and OUTDIR/settings.tsv (the options the batch was given, replayed to
 * show the settings each recording ran with). Writes one HTML file: no script, no
 * network, no external file; every picture an inline SVG (the recordings through cairo,
 * plot.h, their ids prefixed per file; the charts written here).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands.h"
#include "events_tsv.h"
#include "interrupt.h"
#include "options.h"
#include "plot.h"
#include "run.h"

enum { ID_HELP = 1, ID_OUTPUT, ID_TITLE, ID_NO_PLOTS, ID_QUIET };

static const cli_option report_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"output", 'o', "HTML", ID_OUTPUT, "the report (required)"},
    {"title", 0, "TEXT", ID_TITLE, "the page's title (default: the summary's folder)"},
    {"no-plots", 0, NULL, ID_NO_PLOTS, "no pictures of the recordings (tables and charts only)"},
    {"quiet", 'q', NULL, ID_QUIET, "no summary on standard error"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct report_args {
    const char *output, *title;
    int help, no_plots, quiet;
} report_args;

static int handle(void *ctx, int id, const char *value)
{
    report_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_OUTPUT: a->output = value; return 0;
    case ID_TITLE: a->title = value; return 0;
    case ID_NO_PLOTS: a->no_plots = 1; return 0;
    case ID_QUIET: a->quiet = 1; return 0;
    }
    return -1;
}

static void help(void)
{
    fputs("usage: ltr report [OPTIONS] DIR|SUMMARY.tsv -o REPORT.html\n\n"
          "One HTML page over the output folder of 'ltr batch' or 'ltr bids' (its summary.tsv):\n"
          "a table of the recordings (duration, twitches, rate, warnings, quality) with a\n"
          "thumbnail of each linking to its larger picture, each recording's twitch amplitude\n"
          "over time (habituation), histograms of latency and confidence over all twitches,\n"
          "and the settings each recording ran with (the batch's options, from settings.tsv,\n"
          "over each recording's sidecar). Self-contained: inline SVG, no script, no network;\n"
          "opens offline in any browser. Recordings are found where the summary names them\n"
          "(relative to the current folder, else to the folders above the summary's, up to\n"
          "four: a BIDS dataset's parent); one not found is listed without pictures.\n\n"
          "Options:\n",
          stdout);
    cli_print_options(stdout, report_options);
}

/* ------------------------------------------------------------------ inputs */

typedef struct file_row {
    char *file, *status, *warnings, *output;
    double duration_s, rate;
    long twitches;
    char recording[4096]; /* where it was found, "" if not */
    cli_events ev;
    int have_events;
    ltr_config cfg;
    int have_cfg;
    char channels[512];   /* names and types, for the settings table */
    char *large_svg;      /* its larger picture (inline SVG), NULL: none */
    char mains[128];
} file_row;

static char *dup_cell(const char *s) { return strdup(!strcmp(s, "n/a") ? "" : s); }

/* summary.tsv: file, status, duration_s, twitches, rate_per_min, warnings, output. */
static int read_summary(const char *path, file_row **rows, size_t *n, char *msg, size_t msg_size)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(msg, msg_size, "%.900s: %s", path, strerror(errno));
        return LTR_EXIT_INPUT;
    }
    enum { C_FILE, C_STATUS, C_DURATION, C_TWITCHES, C_RATE, C_WARNINGS, C_OUTPUT, N_C };
    static const char *const names[N_C] = {"file", "status", "duration_s", "twitches",
                                           "rate_per_min", "warnings", "output"};
    int col[N_C];
    for (int k = 0; k < N_C; k++)
        col[k] = -1;
    char *line = NULL;
    size_t cap = 0, cap_rows = 0;
    int line_no = 0, rc = 0;
    *rows = NULL;
    *n = 0;
    while (getline(&line, &cap, f) >= 0) {
        line_no++;
        line[strcspn(line, "\r\n")] = '\0';
        char *fields[32];
        int nf = 0;
        for (char *s = line; nf < 32;) {
            fields[nf++] = s;
            char *t = strchr(s, '\t');
            if (!t)
                break;
            *t = '\0';
            s = t + 1;
        }
        if (line_no == 1) {
            for (int i = 0; i < nf; i++)
                for (int k = 0; k < N_C; k++)
                    if (!strcmp(fields[i], names[k]))
                        col[k] = i;
            if (col[C_FILE] < 0 || col[C_STATUS] < 0 || col[C_OUTPUT] < 0) {
                snprintf(msg, msg_size,
                         "%.900s:1: not a summary of ltr batch (the header needs file, status and "
                         "output)", path);
                rc = LTR_EXIT_FORMAT;
                break;
            }
            continue;
        }
        int max = 0;
        for (int k = 0; k < N_C; k++)
            max = col[k] > max ? col[k] : max;
        if (nf <= max) {
            snprintf(msg, msg_size, "%.900s:%d: %d columns, the header has more", path, line_no,
                     nf);
            rc = LTR_EXIT_FORMAT;
            break;
        }
        if (*n == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 32;
            file_row *r = realloc(*rows, cap_rows * sizeof *r);
            if (!r) {
                rc = LTR_EXIT_FAILURE;
                break;
            }
            *rows = r;
        }
        file_row *r = &(*rows)[(*n)++];
        memset(r, 0, sizeof *r);
        r->file = dup_cell(fields[col[C_FILE]]);
        r->status = dup_cell(fields[col[C_STATUS]]);
        r->output = dup_cell(fields[col[C_OUTPUT]]);
        r->warnings = dup_cell(col[C_WARNINGS] >= 0 ? fields[col[C_WARNINGS]] : "");
        r->duration_s = col[C_DURATION] >= 0 ? strtod(fields[col[C_DURATION]], NULL) : NAN;
        r->rate = col[C_RATE] >= 0 ? strtod(fields[col[C_RATE]], NULL) : NAN;
        r->twitches = col[C_TWITCHES] >= 0 ? strtol(fields[col[C_TWITCHES]], NULL, 10) : -1;
        if (col[C_DURATION] >= 0 && !strcmp(fields[col[C_DURATION]], "n/a"))
            r->duration_s = NAN;
        if (col[C_RATE] >= 0 && !strcmp(fields[col[C_RATE]], "n/a"))
            r->rate = NAN;
        if (col[C_TWITCHES] >= 0 && !strcmp(fields[col[C_TWITCHES]], "n/a"))
            r->twitches = -1;
    }
    if (rc == 0 && line_no == 0) {
        snprintf(msg, msg_size, "%.900s: empty", path);
        rc = LTR_EXIT_FORMAT;
    }
    free(line);
    fclose(f);
    return rc;
}

/* settings.tsv (ltr batch): the shared options it was given, replayed into c. The lines
 * starting with # (command, version) go to *command and *version. */
static int read_settings(const char *path, cli_common *c, char *given, size_t given_size,
                         char *msg, size_t msg_size)
{
    FILE *f = fopen(path, "r");
    given[0] = '\0';
    if (!f)
        return 0; /* an older batch: defaults and sidecars */
    char *line = NULL;
    size_t cap = 0, used = 0;
    int line_no = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        line_no++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line_no == 1 || line[0] == '#' || !line[0])
            continue;
        char *tab = strchr(line, '\t');
        const char *value = tab ? tab + 1 : "";
        if (tab)
            *tab = '\0';
        const cli_option *o = cli_shared_option_by_name(line);
        if (!o) {
            snprintf(msg, msg_size, "%.600s:%d: unknown option '%.200s'", path, line_no, line);
            rc = LTR_EXIT_FORMAT;
            break;
        }
        if (cli_common_handle(c, "report", o->id, o->arg ? value : NULL) != 0) {
            snprintf(msg, msg_size, "%.600s:%d: --%s '%.200s' refused", path, line_no, o->name, value);
            rc = LTR_EXIT_FORMAT;
            break;
        }
        const int w = snprintf(given + used, given_size - used, "%s--%s%s%s", used ? " " : "",
                               o->name, o->arg ? " " : "", o->arg ? value : "");
        if (w > 0 && (size_t)w < given_size - used)
            used += (size_t)w;
    }
    free(line);
    fclose(f);
    return rc;
}

static int readable(const char *path)
{
    struct stat st;
    return path[0] && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* A path the summary names: as it is (relative to the current folder, where the batch
 * ran), else relative to the summary's folder's parent and the folders above it, up to
 * four (ltr bids writes ROOT/derivatives/libltr/summary.tsv with paths from where it ran,
 * usually ROOT's parent), else "" */
static void locate(char *out, size_t size, const char *path, const char *dir)
{
    out[0] = '\0';
    if (readable(path)) {
        snprintf(out, size, "%s", path);
        return;
    }
    if (path[0] == '/')
        return;
    char up[64] = "";
    for (int level = 1; level <= 4; level++) {
        strcat(up, "/..");
        char p[4096];
        if (snprintf(p, sizeof p, "%.2000s%s/%.2000s", dir, up, path) < (int)sizeof p &&
            readable(p)) {
            snprintf(out, size, "%s", p);
            return;
        }
    }
}

/* ------------------------------------------------------------------ HTML */

static void html(FILE *f, const char *s)
{
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
}

static void num(FILE *f, double v, int digits)
{
    if (isfinite(v))
        fprintf(f, "%.*f", digits, v);
    else
        fputs("n/a", f);
}

/* The quality warnings of a summary's warnings cell ("quality emg0: mains, low_freq; ..."),
 * "" if none. */
static void quality_of(const char *warnings, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (const char *s = warnings; (s = strstr(s, "quality ")) != NULL;) {
        const size_t len = strcspn(s, ";");
        const int w = snprintf(out + used, size - used, "%s%.*s", used ? "; " : "", (int)len - 8,
                               s + 8);
        if (w > 0 && (size_t)w < size - used)
            used += (size_t)w;
        s += len;
    }
}

/* A chart's frame: axes with ticks, labels; returns the drawing box through x0..y1. */
typedef struct chart {
    double x0, y0, x1, y1;    /* drawing area, SVG units (y0 top) */
    double xlo, xhi, ylo, yhi;
} chart;

static double tick_step(double span, int ticks)
{
    if (!(span > 0.0))
        return 1.0;
    const double raw = span / ticks, mag = pow(10.0, floor(log10(raw))), r = raw / mag;
    return (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 5.0 ? 5.0 : 10.0) * mag;
}

static double cx(const chart *c, double x) { return c->x0 + (x - c->xlo) / (c->xhi - c->xlo) * (c->x1 - c->x0); }
static double cy(const chart *c, double y) { return c->y1 - (y - c->ylo) / (c->yhi - c->ylo) * (c->y1 - c->y0); }

static void chart_open(FILE *f, chart *c, int w, int h, const char *title, const char *xlabel,
                       const char *ylabel)
{
    c->x0 = 56;
    c->x1 = w - 12;
    c->y0 = 26;
    c->y1 = h - 38;
    fprintf(f, "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
               "role=\"img\" aria-label=\"", w, h, w, h);
    html(f, title);
    fprintf(f, "\"><rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>", w, h);
    fprintf(f, "<text x=\"%g\" y=\"16\" class=\"t\">", c->x0);
    html(f, title);
    fputs("</text>", f);
    const double xs = tick_step(c->xhi - c->xlo, 6), ys = tick_step(c->yhi - c->ylo, 4);
    for (double v = ceil(c->xlo / xs) * xs; v <= c->xhi + 1e-9 * xs; v += xs)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"g\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" class=\"a\" text-anchor=\"middle\">%.4g</text>",
                cx(c, v), c->y0, cx(c, v), c->y1, cx(c, v), c->y1 + 14, fabs(v) < xs * 1e-6 ? 0.0 : v);
    for (double v = ceil(c->ylo / ys) * ys; v <= c->yhi + 1e-9 * ys; v += ys)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"g\"/>"
                   "<text x=\"%.1f\" y=\"%.1f\" class=\"a\" text-anchor=\"end\">%.4g</text>",
                c->x0, cy(c, v), c->x1, cy(c, v), c->x0 - 4, cy(c, v) + 4, fabs(v) < ys * 1e-6 ? 0.0 : v);
    fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"b\"/>", c->x0,
            c->y0, c->x1 - c->x0, c->y1 - c->y0);
    fprintf(f, "<text x=\"%.1f\" y=\"%d\" class=\"a\" text-anchor=\"middle\">", (c->x0 + c->x1) / 2, h - 6);
    html(f, xlabel);
    fprintf(f, "</text><text transform=\"translate(12 %.1f) rotate(-90)\" class=\"a\" "
               "text-anchor=\"middle\">", (c->y0 + c->y1) / 2);
    html(f, ylabel);
    fputs("</text>", f);
}

/* A histogram of v[0..n) over bins of [lo, hi). */
static void histogram(FILE *f, const double *v, size_t n, double lo, double hi, int bins,
                      const char *title, const char *xlabel)
{
    unsigned count[64] = {0}, top = 1;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(v[i]))
            continue;
        int b = (int)floor((v[i] - lo) / (hi - lo) * bins);
        b = b < 0 ? 0 : b >= bins ? bins - 1 : b; /* the extremes go to the end bins */
        if (++count[b] > top)
            top = count[b];
    }
    chart c = {.xlo = lo, .xhi = hi, .ylo = 0, .yhi = top * 1.1};
    chart_open(f, &c, 460, 240, title, xlabel, "twitches");
    for (int b = 0; b < bins; b++) {
        const double x = cx(&c, lo + (hi - lo) * b / bins), x2 = cx(&c, lo + (hi - lo) * (b + 1) / bins);
        fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"bar\">"
                   "<title>%.4g to %.4g: %u</title></rect>",
                x + 0.5, cy(&c, count[b]), x2 - x - 1.0, c.y1 - cy(&c, count[b]),
                lo + (hi - lo) * b / bins, lo + (hi - lo) * (b + 1) / bins, count[b]);
    }
    fputs("</svg>\n", f);
}

/* Twitch amplitude over time: a point per twitch; habituation shows as a falling cloud. */
static void amplitude_chart(FILE *f, const cli_events *ev, double duration_s, const char *title)
{
    double amax = 0.0;
    size_t n = 0;
    for (size_t i = 0; i < ev->n; i++)
        if (cli_event_is_twitch(&ev->rows[i]) && isfinite(ev->rows[i].amplitude)) {
            amax = fmax(amax, ev->rows[i].amplitude);
            n++;
        }
    chart c = {.xlo = 0, .xhi = isfinite(duration_s) && duration_s > 0 ? duration_s : 1,
               .ylo = 0, .yhi = amax > 0 ? amax * 1.1 : 1};
    chart_open(f, &c, 460, 240, title, "time (s)", "amplitude (input units)");
    if (n == 0)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" class=\"a\" text-anchor=\"middle\">no twitch "
                   "with an amplitude</text>", (c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2);
    for (size_t i = 0; i < ev->n; i++) {
        const cli_event_row *r = &ev->rows[i];
        if (!cli_event_is_twitch(r) || !isfinite(r->amplitude))
            continue;
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"pt\"><title>%.3f s: %.4g"
                   "</title></circle>", cx(&c, r->onset_s), cy(&c, r->amplitude), r->onset_s,
                r->amplitude);
    }
    fputs("</svg>\n", f);
}

static const char style[] =
    "body{font-family:'DejaVu Sans',Verdana,sans-serif;margin:1.5em;color:#222;max-width:1300px}"
    "table{border-collapse:collapse;margin:0.5em 0 1.5em}"
    "th,td{border:1px solid #ccc;padding:0.25em 0.5em;text-align:left;vertical-align:middle;"
    "font-size:0.9em}"
    "td.n{text-align:right}th{background:#f0f0f0}"
    "svg.chart text.t{font-size:13px}svg.chart text.a{font-size:11px}"
    "svg.chart line.g{stroke:#e4e4e4}svg.chart rect.b{fill:none;stroke:#444}"
    "svg.chart rect.bar{fill:#5b7fbf}svg.chart circle.pt{fill:#7a2f8f;opacity:0.75}"
    ".charts{display:flex;flex-wrap:wrap;gap:1em}"
    "section.file{border-top:1px solid #bbb;margin-top:1.5em}"
    ".warn{color:#8a4b00}.muted{color:#777}a.thumb svg{display:block}";

/* The settings table: the detector configuration of each recording that ran. */
static void settings_table(FILE *f, const file_row *rows, size_t n)
{
    fputs("<table><tr><th>recording</th><th>rate (Hz)</th><th>channels</th><th>mains</th>"
          "<th>threshold on / off (dB)</th><th>duration min / max (ms)</th>"
          "<th>refractory (ms)</th><th>confirm (ms)</th><th>warm-up (ms)</th>"
          "<th>ECG cancel</th></tr>\n", f);
    for (size_t i = 0; i < n; i++) {
        const file_row *r = &rows[i];
        if (!r->have_cfg)
            continue;
        const ltr_config *c = &r->cfg;
        fputs("<tr><td>", f);
        html(f, r->file);
        fprintf(f, "</td><td class=\"n\">%g</td><td>", c->sample_rate_hz);
        html(f, r->channels);
        fputs("</td><td>", f);
        html(f, r->mains);
        fprintf(f, "</td><td class=\"n\">%g / %g</td><td class=\"n\">%g / %g</td>"
                   "<td class=\"n\">%g</td><td class=\"n\">%g</td><td class=\"n\">%g</td>"
                   "<td>%s</td></tr>\n",
                c->threshold_on_db, c->threshold_off_db, c->min_duration_ms, c->max_duration_ms,
                c->refractory_ms, c->confirm_ms, c->warmup_ms,
                c->ecg_cancel == LTR_ECG_AUTO ? "auto" : c->ecg_cancel ? "on" : "off");
    }
    fputs("</table>\n", f);
}

/* A recording's pictures: a thumbnail and a larger plot, decimated in one read. */
static int pictures(const file_row *r, const cli_common *common, plot_data *thumb,
                    plot_data *large, char *msg, size_t msg_size)
{
    cli_input in;
    int rc = cli_input_open(&in, r->recording, common);
    if (rc != 0) {
        snprintf(msg, msg_size, "%.500s", in.message);
        return rc;
    }
    const double fs = in.info.sample_rate_hz;
    uint64_t frames = in.info.n_frames >= 0 ? (uint64_t)in.info.n_frames
                                            : (uint64_t)llround(r->duration_s * fs);
    if (frames == 0) {
        snprintf(msg, msg_size, "%.400s: length unknown", r->recording);
        cli_input_close(&in);
        return LTR_EXIT_FORMAT;
    }
    if (plot_data_init(thumb, in.n, plot_columns(300, 1), fs, 0, frames, 0) != 0 ||
        plot_data_init(large, in.n, plot_columns(1200, 0), fs, 0, frames, 0) != 0) {
        cli_input_close(&in);
        return LTR_EXIT_FAILURE;
    }
    for (unsigned c = 0; c < in.n; c++) {
        const ltr_io_channel *ch = ltr_io_reader_channel(in.reader, in.sel[c]);
        snprintf(large->names[c], sizeof large->names[c], "%s", in.names[c]);
        snprintf(large->units[c], sizeof large->units[c], "%s", ch ? ch->unit : "");
    }
    const size_t block = 8192;
    float *buf = malloc(block * in.n * sizeof *buf);
    uint64_t f = 0;
    while (buf) {
        size_t n = 0;
        const ltr_io_status s = ltr_io_reader_read(in.reader, buf, block, &n);
        for (size_t i = 0; i < n; i++)
            for (unsigned c = 0; c < in.n; c++) {
                plot_data_add_signal(thumb, c, f + i, buf[i * in.n + c]);
                plot_data_add_signal(large, c, f + i, buf[i * in.n + c]);
            }
        f += n;
        if (s != LTR_IO_OK) {
            snprintf(msg, msg_size, "%.500s", ltr_io_reader_error(in.reader)->message);
            rc = cli_exit_io(s);
            break;
        }
        if (n == 0 || cli_interrupted())
            break;
    }
    if (!buf)
        rc = LTR_EXIT_FAILURE;
    free(buf);
    cli_input_close(&in);
    for (size_t i = 0; rc == 0 && i < r->ev.n; i++) {
        const cli_event_row *e = &r->ev.rows[i];
        const int twitch = cli_event_is_twitch(e);
        if (!twitch && !cli_event_is_artifact(e))
            continue; /* a voluntary contraction, an ECG beat: not drawn */
        const plot_span_kind kind = twitch ? PLOT_TWITCH
                                    : cli_event_is_needle(e) ? PLOT_NEEDLE
                                                             : PLOT_ARTIFACT;
        const double begin = twitch && isfinite(e->latency_ms) ? e->onset_s + e->latency_ms / 1e3 : -1;
        if (plot_data_add_span(thumb, kind, e->onset_s, e->onset_s + e->duration_s, begin) ||
            plot_data_add_span(large, kind, e->onset_s, e->onset_s + e->duration_s, begin))
            rc = LTR_EXIT_FAILURE;
    }
    return rc;
}

static int write_report(FILE *f, const report_args *a, const char *summary, file_row *rows,
                        size_t n, const cli_common *common, const char *given, int plots,
                        unsigned *n_plots)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", f);
    html(f, a->title ? a->title : "ltr report");
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    html(f, a->title ? a->title : "Twitches found by libltr");
    fputs("</h1>\n<p class=\"muted\">From <code>", f);
    html(f, summary);
    fprintf(f, "</code>, libltr %s. Twitches are shaded green with their BEGIN marked, "
               "artifacts hatched grey, needle movements orange.</p>\n",
            ltr_version_string());

    /* the table of files */
    size_t total_tw = 0;
    fputs("<h2 id=\"files\">Recordings</h2>\n<table>\n<tr><th>recording</th><th>status</th>"
          "<th>duration (s)</th><th>twitches</th><th>per min</th><th>warnings</th>"
          "<th>quality</th><th>picture</th></tr>\n", f);
    for (size_t i = 0; i < n; i++) {
        file_row *r = &rows[i];
        char q[512];
        quality_of(r->warnings, q, sizeof q);
        fputs("<tr><td>", f);
        if (r->have_events)
            fprintf(f, "<a href=\"#f%zu\">", i);
        html(f, r->file);
        fputs(r->have_events ? "</a></td><td>" : "</td><td>", f);
        html(f, r->status);
        fputs("</td><td class=\"n\">", f);
        num(f, r->duration_s, 1);
        fputs("</td><td class=\"n\">", f);
        if (r->twitches >= 0)
            fprintf(f, "%ld", r->twitches);
        else
            fputs("n/a", f);
        fputs("</td><td class=\"n\">", f);
        num(f, r->rate, 2);
        fputs("</td><td class=\"warn\">", f);
        html(f, r->warnings);
        fputs("</td><td>", f);
        html(f, r->have_events ? (q[0] ? q : "no warning") : "");
        fputs("</td><td>", f);
        if (r->twitches > 0)
            total_tw += (size_t)r->twitches;
        plot_data th, lg;
        char msg[512];
        memset(&th, 0, sizeof th);
        memset(&lg, 0, sizeof lg);
        if (plots && r->have_events && r->recording[0] &&
            pictures(r, common, &th, &lg, msg, sizeof msg) == 0) {
            fprintf(f, "<a class=\"thumb\" href=\"#f%zu\" title=\"larger picture\">", i);
            char prefix[32];
            snprintf(prefix, sizeof prefix, "t%zu-", i);
            if (plot_render_svg_inline(&th, f, prefix, 300, 24 + 18 * (int)th.n_ch, 1, msg,
                                       sizeof msg) != 0)
                html(f, msg);
            fputs("</a>", f);
            /* keep the large one for the file's section: render it now into a buffer */
            char *buf = NULL;
            size_t len = 0;
            FILE *mem = open_memstream(&buf, &len);
            snprintf(prefix, sizeof prefix, "p%zu-", i);
            if (mem && plot_render_svg_inline(&lg, mem, prefix, 1200, 60 + 150 * (int)lg.n_ch, 0,
                                              msg, sizeof msg) == 0) {
                fclose(mem);
                mem = NULL;
                r->large_svg = buf; /* printed in the recording's section */
                buf = NULL;
                (*n_plots)++;
            }
            if (mem)
                fclose(mem);
            free(buf);
        } else if (plots && r->have_events && !r->recording[0]) {
            fputs("<span class=\"muted\">recording not found</span>", f);
        }
        plot_data_free(&th);
        plot_data_free(&lg);
        fputs("</td></tr>\n", f);
    }
    fputs("</table>\n", f);

    /* over all twitches */
    double *lat = malloc((total_tw + 1) * sizeof *lat), *conf = malloc((total_tw + 1) * sizeof *conf);
    size_t n_lat = 0, n_conf = 0;
    double lat_max = 50.0;
    for (size_t i = 0; lat && conf && i < n; i++)
        for (size_t k = 0; k < rows[i].ev.n && n_lat < total_tw + 1; k++) {
            const cli_event_row *e = &rows[i].ev.rows[k];
            if (!cli_event_is_twitch(e))
                continue;
            if (isfinite(e->latency_ms)) {
                lat[n_lat++] = e->latency_ms;
                lat_max = fmax(lat_max, e->latency_ms);
            }
            if (isfinite(e->confidence) && n_conf < total_tw + 1)
                conf[n_conf++] = e->confidence;
        }
    fprintf(f, "<h2 id=\"all\">All twitches (%zu)</h2>\n<div class=\"charts\">\n", n_lat);
    if (lat && conf) {
        const double top = ceil(lat_max / 25.0) * 25.0;
        histogram(f, lat, n_lat, 0.0, top > 250 ? 250 : top, 25,
                  "Latency: BEGIN after onset", "latency (ms; longer in the last bar)");
        histogram(f, conf, n_conf, 0.0, 1.0, 20, "Confidence", "confidence");
    }
    fputs("</div>\n", f);
    free(lat);
    free(conf);

    /* settings */
    fputs("<h2 id=\"settings\">Settings</h2>\n<p>Options given to the batch: <code>", f);
    html(f, given[0] ? given : "none (every setting at its default or from the sidecars)");
    fputs("</code>. Each recording ran with these detector settings (its sidecar's channels and "
          "mains, then the options):</p>\n", f);
    settings_table(f, rows, n);

    /* one section per recording */
    for (size_t i = 0; i < n; i++) {
        file_row *r = &rows[i];
        if (!r->have_events)
            continue;
        fprintf(f, "<section class=\"file\" id=\"f%zu\">\n<h2>", i);
        html(f, r->file);
        fputs("</h2>\n<p>", f);
        fprintf(f, "%ld twitch%s in ", r->twitches, r->twitches == 1 ? "" : "es");
        num(f, r->duration_s, 1);
        fputs(" s. <a href=\"#files\">Back to the table</a>.</p>\n", f);
        if (r->large_svg) {
            fputs("<div class=\"plot\">", f);
            fputs(r->large_svg, f);
            fputs("</div>\n", f);
        }
        fputs("<div class=\"charts\">\n", f);
        amplitude_chart(f, &r->ev, r->duration_s, "Twitch amplitude over time");
        fputs("</div>\n</section>\n", f);
    }
    fputs("</body>\n</html>\n", f);
    return ferror(f) ? LTR_EXIT_OUTPUT : 0;
}

static int report(const report_args *a, const char *input)
{
    char summary[4096], dir[4096];
    struct stat st;
    if (stat(input, &st) != 0) {
        fprintf(stderr, "ltr report: %s: %s\n", input, strerror(errno));
        return LTR_EXIT_INPUT;
    }
    if (S_ISDIR(st.st_mode))
        snprintf(summary, sizeof summary, "%s/summary.tsv", input);
    else
        snprintf(summary, sizeof summary, "%s", input);
    /* the summary's folder: settings.tsv, the outputs; relative paths start from where the
     * batch ran, looked for above it (locate) */
    snprintf(dir, sizeof dir, "%s", summary);
    char *slash = strrchr(dir, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(dir, sizeof dir, ".");

    file_row *rows = NULL;
    size_t n = 0;
    char msg[1024];
    int rc = read_summary(summary, &rows, &n, msg, sizeof msg);
    cli_common common;
    cli_common_init(&common);
    common.channel_options_fallback = 1; /* as ltr batch reads each file */
    char given[2048], settings[4200];
    snprintf(settings, sizeof settings, "%s/settings.tsv", dir);
    if (rc == 0)
        rc = read_settings(settings, &common, given, sizeof given, msg, sizeof msg);
    if (rc != 0) {
        fprintf(stderr, "ltr report: %s\n", msg);
        goto done;
    }
    unsigned with_events = 0, plots = 0, missing = 0;
    for (size_t i = 0; i < n; i++) {
        file_row *r = &rows[i];
        char ev_path[4096];
        locate(ev_path, sizeof ev_path, r->output, dir);
        if (!ev_path[0] && r->output[0]) {
            /* moved with its folder: the output's name in the summary's folder */
            const char *b = strrchr(r->output, '/');
            if (snprintf(ev_path, sizeof ev_path, "%.2000s/%.2000s", dir, b ? b + 1 : r->output) >=
                    (int)sizeof ev_path || !readable(ev_path))
                ev_path[0] = '\0';
        }
        if (ev_path[0]) {
            if (cli_events_read(&r->ev, ev_path, msg, sizeof msg) != 0) {
                fprintf(stderr, "ltr report: %s\n", msg);
                rc = LTR_EXIT_FORMAT;
                goto done;
            }
            r->have_events = 1;
            with_events++;
        }
        locate(r->recording, sizeof r->recording, r->file, dir);
        if (r->have_events && !r->recording[0])
            missing++;
        if (r->recording[0] && r->have_events) {
            cli_input in;
            if (cli_input_open(&in, r->recording, &common) == 0) {
                r->cfg = in.cfg;
                r->have_cfg = 1;
                size_t used = 0;
                for (unsigned c = 0; c < in.n; c++) {
                    const int w = snprintf(r->channels + used, sizeof r->channels - used,
                                           "%s%s (%s)", c ? ", " : "", in.names[c],
                                           in.cfg.sensors[c] == LTR_SENSOR_ACC ? "acc" : "EMG");
                    if (w > 0 && (size_t)w < sizeof r->channels - used)
                        used += (size_t)w;
                }
                if (in.cfg.mains_hz == LTR_MAINS_AUTO)
                    snprintf(r->mains, sizeof r->mains, "auto (50/60 Hz or none)");
                else if (in.cfg.mains_hz > 0)
                    snprintf(r->mains, sizeof r->mains, "%g Hz", in.cfg.mains_hz);
                else
                    snprintf(r->mains, sizeof r->mains, "none");
                cli_input_close(&in);
            }
        }
    }
    if (with_events == 0) {
        fprintf(stderr, "ltr report: %s: no events file of any recording found\n", summary);
        rc = LTR_EXIT_INPUT;
        goto done;
    }
    const int want_plots = !a->no_plots && plot_available();
    if (!a->no_plots && !plot_available())
        fprintf(stderr, "ltr report: built without cairo: no pictures of the recordings\n");
    ltr_io_atomic_file *af;
    ltr_io_error err;
    cli_remove_stale("report", a->output);
    if (cli_atomic_open(&af, a->output, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr report: %s\n", err.message);
        rc = LTR_EXIT_OUTPUT;
        goto done;
    }
    rc = write_report(ltr_io_atomic_stream(af), a, summary, rows, n, &common, given, want_plots,
                      &plots);
    if (rc != 0)
        cli_atomic_abort(af);
    else if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr report: %s\n", err.message);
        rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "%s: %zu recording%s, %u with events, %u picture%s\n", a->output, n,
                n == 1 ? "" : "s", with_events, plots, plots == 1 ? "" : "s");
    if (rc == 0 && missing && !a->quiet)
        fprintf(stderr, "ltr report: %u recording%s not found (listed without pictures)\n",
                missing, missing == 1 ? "" : "s");
done:
    for (size_t i = 0; i < n; i++) {
        free(rows[i].file);
        free(rows[i].status);
        free(rows[i].warnings);
        free(rows[i].output);
        free(rows[i].large_svg);
        cli_events_free(&rows[i].ev);
    }
    free(rows);
    return rc;
}

int cmd_report(int argc, char **argv)
{
    report_args a;
    memset(&a, 0, sizeof a);
    const cli_option *const tables[] = {report_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("report", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        help();
    } else if (rc == 0 && n != 1) {
        fprintf(stderr, "ltr report: give one output folder of ltr batch or its summary.tsv "
                        "(see 'ltr report --help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && !a.output) {
        fprintf(stderr, "ltr report: -o REPORT.html is required\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0) {
        cli_interrupt_install(CLI_INTERRUPT_NOW);
        rc = report(&a, pos[0]);
        plot_release();
    }
    free(pos);
    return rc;
}
