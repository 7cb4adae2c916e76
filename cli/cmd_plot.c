/*
 * ltr plot: a picture of a recording with what the detector saw and found.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Without --events the detector runs over the recording from its start (it needs the
 * warm-up) with ltr_detector_process_traced: the conditioned signal, the statistic,
 * background and thresholds are decimated into pixel columns as they stream past
 * (plot.h), and its events give the shaded twitches and hatched artifacts. With
 * --events the recorded signal is drawn with the given events and the detector is not
 * run (an overview of an hour in seconds). Either way memory follows the picture's
 * width, not the recording's length.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "events_tsv.h"
#include "interrupt.h"
#include "options.h"
#include "plot.h"
#include "run.h"

enum { ID_HELP = 1, ID_OUTPUT, ID_EVENTS, ID_FROM, ID_TO, ID_WIDTH, ID_HEIGHT, ID_QUIET };

static const cli_option plot_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"output", 'o', "OUT", ID_OUTPUT, "the picture: OUT.png, OUT.svg or OUT.pdf (required)"},
    {"events", 0, "TSV", ID_EVENTS,
     "draw these events (BIDS events.tsv) over the recorded signal; the detector is not run"},
    {"from", 0, "S", ID_FROM, "start of the window drawn, s (default 0)"},
    {"to", 0, "S", ID_TO, "end of the window drawn, s (default: the end of the recording)"},
    {"width", 0, "PX", ID_WIDTH, "width, pixels (points for SVG/PDF; default 1600)"},
    {"height", 0, "PX", ID_HEIGHT, "height, pixels (default 900)"},
    {"quiet", 'q', NULL, ID_QUIET, "no summary on standard error"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct plot_args {
    cli_common common;
    const char *output, *events;
    double from, to;
    unsigned width, height;
    int help, quiet;
} plot_args;

static int handle(void *ctx, int id, const char *value)
{
    plot_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_OUTPUT: a->output = value; return 0;
    case ID_EVENTS: a->events = value; return 0;
    case ID_FROM:
    case ID_TO:
        if (cli_parse_double(value, id == ID_FROM ? &a->from : &a->to) != 0 ||
            (id == ID_FROM ? a->from : a->to) < 0.0) {
            fprintf(stderr, "ltr plot: --%s '%s' is not a time in seconds (>= 0)\n",
                    id == ID_FROM ? "from" : "to", value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    case ID_WIDTH:
    case ID_HEIGHT: {
        unsigned *v = id == ID_WIDTH ? &a->width : &a->height;
        if (cli_parse_unsigned(value, v) != 0 || *v < 100 || *v > 20000) {
            fprintf(stderr, "ltr plot: --%s '%s': give 100 to 20000 pixels\n",
                    id == ID_WIDTH ? "width" : "height", value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    }
    case ID_QUIET: a->quiet = 1; return 0;
    }
    return cli_common_handle(&a->common, "plot", id, value);
}

static void help(void)
{
    fputs("usage: ltr plot [OPTIONS] FILE -o OUT.{png,svg,pdf}\n\n"
          "Draw a recording with what the detector saw and found: per channel the\n"
          "conditioned signal (band-passed, mains and ECG removed) and the decision statistic\n"
          "on a dB axis with its background and on/off thresholds; twitches shaded from onset\n"
          "to offset with their BEGIN (the moment the detector was sure) marked; artifacts and\n"
          "needle movements hatched; needling sites a strip along the top; time in seconds,\n"
          "units from the file. The detector runs\n"
          "as 'ltr detect FILE' would (sidecar, --emg/--acc, settings). With --events it is\n"
          "not run: the recorded signal is drawn with the given events (a quick overview of a\n"
          "long recording). Long recordings are decimated (minimum and maximum per pixel) as\n"
          "they are read, never held in memory. Readable at 1600x900 for a 60 s window.\n\n"
          "Output:\n",
          stdout);
    cli_print_options(stdout, plot_options);
    cli_print_common_help(stdout, 1);
}

/* Frames in the recording: from the header, else counted by reading it once. */
static int count_frames(const plot_args *a, const char *path, cli_input *in, uint64_t *frames)
{
    if (in->info.n_frames >= 0) {
        *frames = (uint64_t)in->info.n_frames;
        return 0;
    }
    if (!strcmp(path, "-")) {
        snprintf(in->message, sizeof in->message,
                 "standard input: its length is not known: give --to");
        return LTR_EXIT_USAGE;
    }
    float buf[4096];
    const size_t block = 4096 / in->n;
    uint64_t total = 0;
    for (;;) {
        size_t n = 0;
        ltr_io_status s = ltr_io_reader_read(in->reader, buf, block, &n);
        total += n;
        if (s != LTR_IO_OK) {
            snprintf(in->message, sizeof in->message, "%s", ltr_io_reader_error(in->reader)->message);
            return cli_exit_io(s);
        }
        if (n == 0)
            break;
    }
    cli_input_close(in);
    const int rc = cli_input_open(in, path, &a->common);
    *frames = total;
    return rc;
}

/* --events: the recorded signal, the given events. */
static int draw_given(const plot_args *a, cli_input *in, plot_data *p, uint64_t end)
{
    cli_events ev;
    char msg[512];
    if (cli_events_read(&ev, a->events, msg, sizeof msg) != 0) {
        snprintf(in->message, sizeof in->message, "--events %s", msg);
        return LTR_EXIT_INPUT;
    }
    for (size_t i = 0; i < ev.n; i++) {
        const cli_event_row *r = &ev.rows[i];
        const int twitch = cli_event_is_twitch(r), site = !strcmp(r->type, "site");
        if (!twitch && !site && !cli_event_is_artifact(r))
            continue; /* a voluntary contraction, an ECG beat: not drawn */
        const plot_span_kind kind = twitch                   ? PLOT_TWITCH
                                    : site                   ? PLOT_SITE
                                    : cli_event_is_needle(r) ? PLOT_NEEDLE
                                                             : PLOT_ARTIFACT;
        const double begin = twitch && isfinite(r->latency_ms) ? r->onset_s + r->latency_ms / 1000.0
                                                                : -1.0;
        if (plot_data_add_span(p, kind, r->onset_s, r->onset_s + r->duration_s, begin) != 0) {
            cli_events_free(&ev);
            snprintf(in->message, sizeof in->message, "out of memory");
            return LTR_EXIT_FAILURE;
        }
    }
    cli_events_free(&ev);
    const size_t block = 8192;
    float *buf = malloc(block * in->n * sizeof *buf);
    if (!buf) {
        snprintf(in->message, sizeof in->message, "out of memory");
        return LTR_EXIT_FAILURE;
    }
    uint64_t f = 0;
    int rc = 0;
    while (f < end) {
        if (cli_interrupted()) {
            rc = CLI_RC_INTERRUPTED;
            break;
        }
        size_t n = 0;
        const ltr_io_status s = ltr_io_reader_read(in->reader, buf, block, &n);
        for (size_t i = 0; i < n && f + i < end; i++) {
            if (f + i < p->first)
                continue;
            for (unsigned c = 0; c < in->n; c++)
                plot_data_add_signal(p, c, f + i, buf[i * in->n + c]);
        }
        f += n;
        if (s != LTR_IO_OK) {
            snprintf(in->message, sizeof in->message, "%s", ltr_io_reader_error(in->reader)->message);
            rc = cli_exit_io(s);
            break;
        }
        if (n == 0)
            break;
    }
    free(buf);
    return rc;
}

/* The detector's events into spans: BEGIN frames kept by id for their twitch's END. */
typedef struct begins {
    uint32_t id[64];
    uint64_t frame[64];
} begins;

static int add_events(plot_data *p, begins *b, const ltr_event *ev, size_t n, double fs,
                      unsigned *twitches)
{
    for (size_t i = 0; i < n; i++) {
        const ltr_event *e = &ev[i];
        if (e->kind == LTR_EVENT_BEGIN) {
            b->id[e->id % 64] = e->id;
            b->frame[e->id % 64] = e->detected;
        } else if (e->kind == LTR_EVENT_END) {
            const double begin = b->id[e->id % 64] == e->id ? (double)b->frame[e->id % 64] / fs : -1.0;
            (*twitches)++;
            if (plot_data_add_span(p, PLOT_TWITCH, (double)e->onset / fs, (double)e->offset / fs,
                                   begin) != 0)
                return -1;
        } else if (e->kind == LTR_EVENT_ARTIFACT) {
            if (plot_data_add_span(p, e->flags & LTR_FLAG_NEEDLE ? PLOT_NEEDLE : PLOT_ARTIFACT,
                                   (double)e->onset / fs, (double)e->offset / fs, -1.0) != 0)
                return -1;
        } else if (e->kind == LTR_EVENT_SITE_END) {
            if (plot_data_add_span(p, PLOT_SITE, (double)e->onset / fs, (double)e->offset / fs,
                                   -1.0) != 0)
                return -1;
        }
    }
    return 0;
}

/* The detector with its trace, from the start of the recording until the window and the
 * twitches that may still close after it are through. */
static int draw_detected(cli_input *in, plot_data *p, uint64_t end, unsigned *twitches)
{
    ltr_detector *det;
    ltr_status s = ltr_detector_create(&det, &in->cfg);
    if (s != LTR_OK) {
        snprintf(in->message, sizeof in->message, "cannot create the detector: %s",
                 ltr_status_string(s));
        return cli_exit_config(s);
    }
    const unsigned n_ch = in->n;
    uint64_t sd[LTR_MAX_CHANNELS], td[LTR_MAX_CHANNELS], max_delay = 0;
    for (unsigned c = 0; c < n_ch; c++) {
        if (ltr_detector_trace_delays(det, c, &sd[c], &td[c]) != LTR_OK)
            sd[c] = td[c] = 0;
        if (td[c] > max_delay)
            max_delay = td[c];
    }
    /* a twitch drawn in the window may end (and be reported) up to its longest duration
     * and the detector's delay after the window */
    const double fs = in->info.sample_rate_hz;
    const uint64_t stop = end + max_delay + (uint64_t)((in->cfg.max_duration_ms + 500.0) * 1e-3 * fs);
    const size_t block = 4096;
    float *buf = malloc(block * n_ch * sizeof *buf);
    float *arr[5];
    for (int k = 0; k < 5; k++)
        arr[k] = malloc(block * n_ch * sizeof(float));
    size_t max_ev = ltr_detector_max_events(det, block);
    ltr_event *ev = malloc(max_ev * sizeof *ev);
    int rc = 0;
    if (!buf || !ev || !arr[0] || !arr[1] || !arr[2] || !arr[3] || !arr[4]) {
        snprintf(in->message, sizeof in->message, "out of memory");
        rc = LTR_EXIT_FAILURE;
    }
    const ltr_trace tr = {arr[0], arr[1], arr[2], arr[3], arr[4]};
    begins b;
    memset(&b, 0, sizeof b);
    uint64_t f = 0;
    size_t next_mark = 0;
    while (rc == 0 && f < stop) {
        if (cli_interrupted()) {
            rc = CLI_RC_INTERRUPTED;
            break;
        }
        size_t n = 0, n_ev = 0;
        const ltr_io_status rs = ltr_io_reader_read(in->reader, buf, block, &n);
        /* --marks: each given when its frame is the next one, as cli_run does */
        for (size_t done = 0; rc == 0 && done < n;) {
            size_t piece = n - done;
            while (next_mark < in->n_marks && in->mark_frame[next_mark] <= f) {
                if (ltr_detector_mark(det, in->mark_kind[next_mark++], f) < 0) {
                    snprintf(in->message, sizeof in->message, "--marks: too many marks at once");
                    rc = LTR_EXIT_FAILURE;
                }
            }
            if (next_mark < in->n_marks && in->mark_frame[next_mark] - f < piece)
                piece = (size_t)(in->mark_frame[next_mark] - f);
            const ltr_trace part = tr;
            s = ltr_detector_process_traced(det, buf + done * n_ch, piece, ev, max_ev, &n_ev, &part);
            if (s < 0) {
                snprintf(in->message, sizeof in->message, "detector: %s", ltr_status_string(s));
                rc = LTR_EXIT_FAILURE;
                break;
            }
            if (add_events(p, &b, ev, n_ev, fs, twitches) != 0)
                rc = LTR_EXIT_FAILURE;
            for (size_t i = 0; i < piece; i++)
                for (unsigned c = 0; c < n_ch; c++) {
                    const uint64_t row = f + i;
                    const size_t k = i * n_ch + c;
                    if (row >= sd[c])
                        plot_data_add_signal(p, c, row - sd[c], arr[0][k]);
                    if (row >= td[c])
                        plot_data_add_trace(p, c, row - td[c], arr[1][k], arr[2][k], arr[3][k],
                                            arr[4][k]);
                }
            f += piece;
            done += piece;
        }
        if (rc)
            break;
        if (rs != LTR_IO_OK) {
            snprintf(in->message, sizeof in->message, "%s", ltr_io_reader_error(in->reader)->message);
            rc = cli_exit_io(rs);
            break;
        }
        if (n == 0)
            break;
    }
    /* what is still open closes (a twitch at the end of the window is drawn truncated) */
    while (rc == 0) {
        size_t n_ev = 0;
        s = ltr_detector_flush(det, ev, max_ev, &n_ev);
        if (add_events(p, &b, ev, n_ev, fs, twitches) != 0)
            rc = LTR_EXIT_FAILURE;
        if (s != LTR_MORE_EVENTS)
            break;
    }
    ltr_detector_destroy(det);
    for (int k = 0; k < 5; k++)
        free(arr[k]);
    free(buf);
    free(ev);
    return rc;
}

static int plot_one(const plot_args *a, const char *path, plot_format format)
{
    cli_input in;
    int rc = cli_input_open(&in, path, &a->common);
    if (rc != 0) {
        fprintf(stderr, "ltr plot: %s\n", in.message);
        return rc;
    }
    uint64_t total = 0;
    const double fs = in.info.sample_rate_hz;
    if (a->to > 0.0)
        total = (uint64_t)llround(a->to * fs);
    else
        rc = count_frames(a, path, &in, &total);
    const uint64_t first = (uint64_t)llround(a->from * fs);
    if (rc == 0 && in.info.n_frames >= 0 && total > (uint64_t)in.info.n_frames)
        total = (uint64_t)in.info.n_frames;
    if (rc == 0 && first >= total) {
        snprintf(in.message, sizeof in.message,
                 "%s: the window %.3f..%.3f s holds no sample (the recording lasts %.3f s)", path,
                 a->from, a->to > 0.0 ? a->to : (double)total / fs,
                 in.info.n_frames >= 0 ? (double)in.info.n_frames / fs : (double)total / fs);
        rc = LTR_EXIT_USAGE;
    }
    plot_data p;
    memset(&p, 0, sizeof p);
    if (rc == 0 && plot_data_init(&p, in.n, plot_columns((int)a->width, 0), fs, first,
                                  total - first, !a->events) != 0) {
        snprintf(in.message, sizeof in.message, "out of memory");
        rc = LTR_EXIT_FAILURE;
    }
    unsigned twitches = 0;
    if (rc == 0) {
        p.conditioned = !a->events;
        for (unsigned c = 0; c < in.n; c++) {
            snprintf(p.names[c], sizeof p.names[c], "%s", in.names[c]);
            const ltr_io_channel *ch = ltr_io_reader_channel(in.reader, in.sel[c]);
            snprintf(p.units[c], sizeof p.units[c], "%s", ch ? ch->unit : "");
        }
        rc = a->events ? draw_given(a, &in, &p, total) : draw_detected(&in, &p, total, &twitches);
    }
    if (rc == 0) {
        if (a->events)
            for (size_t i = 0; i < p.n_spans; i++)
                twitches += p.spans[i].kind == PLOT_TWITCH;
        const char *base = strrchr(path, '/');
        snprintf(p.title, sizeof p.title, "%s: %.2f-%.2f s, %u twitch%s%s", base ? base + 1 : path,
                 p.from_s, p.to_s, twitches, twitches == 1 ? "" : "es",
                 a->events ? " (given)" : "");
        ltr_io_atomic_file *af;
        ltr_io_error err;
        char msg[256];
        cli_remove_stale("plot", a->output);
        if (cli_atomic_open(&af, a->output, &err) != LTR_IO_OK) {
            snprintf(in.message, sizeof in.message, "%s", err.message);
            rc = LTR_EXIT_OUTPUT;
        } else if (plot_render_file(&p, ltr_io_atomic_stream(af), (plot_format)format,
                                    (int)a->width, (int)a->height, 0, msg, sizeof msg) != 0) {
            cli_atomic_abort(af);
            snprintf(in.message, sizeof in.message, "%s: %s", a->output, msg);
            rc = LTR_EXIT_OUTPUT;
        } else if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
            snprintf(in.message, sizeof in.message, "%s", err.message);
            rc = LTR_EXIT_OUTPUT;
        }
    }
    if (rc == 0 && !a->quiet)
        fprintf(stderr, "%s: %s, %u channel%s, %.2f-%.2f s, %u twitch%s\n", path, a->output, in.n,
                in.n == 1 ? "" : "s", p.from_s, p.to_s, twitches, twitches == 1 ? "" : "es");
    if (rc > 0 && in.message[0])
        fprintf(stderr, "ltr plot: %s\n", in.message);
    plot_data_free(&p);
    cli_input_close(&in);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    plot_args a;
    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    a.width = 1600;
    a.height = 900;
    const cli_option *const tables[] = {plot_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("plot", argc, argv, tables, handle, &a, pos, &n);
    int format = -1;
    if (rc == 0 && a.help) {
        help();
    } else if (rc == 0 && n != 1) {
        fprintf(stderr, "ltr plot: give one recording (see 'ltr plot --help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && !a.output) {
        fprintf(stderr, "ltr plot: -o OUT.png|OUT.svg|OUT.pdf is required\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && (format = plot_format_from_name(a.output)) < 0) {
        fprintf(stderr, "ltr plot: %s: the name must end in .png, .svg or .pdf\n", a.output);
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.to > 0.0 && a.to <= a.from) {
        fprintf(stderr, "ltr plot: --to %g must be after --from %g\n", a.to, a.from);
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && !plot_available()) {
        fprintf(stderr, "ltr plot: this ltr was built without cairo (Debian libcairo2-dev): "
                        "no plots; rebuild with it\n");
        rc = LTR_EXIT_FAILURE;
    } else if (rc == 0 && cli_same_file(a.output, pos[0])) {
        fprintf(stderr, "ltr plot: %s: the output would overwrite the input\n", a.output);
        rc = LTR_EXIT_OUTPUT;
    } else if (rc == 0) {
        cli_interrupt_install(CLI_INTERRUPT_NOW);
        rc = plot_one(&a, pos[0], format);
        plot_release();
    }
    free(pos);
    return rc;
}
