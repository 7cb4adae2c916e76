/*
 * ltr info: what a recording holds (format, channels, rates, duration,
 * units, amplitude range, clipping, noise floor, mains frequency).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * One pass over the samples per group of channels of one rate, in blocks:
 * constant memory whatever the length. The noise floor is the 10th
 * percentile of the RMS of 100 ms windows of the signal high-passed at
 * 10 Hz (offset and drift removed), kept in a histogram of 0.25 dB bins.
 * The mains frequency compares the power at 50 and 60 Hz with the power at
 * 45, 55, 65 and 70 Hz (Goertzel, 1-second blocks): a line must stand 10 dB
 * above its neighbours and 6 dB above the other candidate.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "run.h"
#ifdef LTR_HAVE_ANALYSIS
#include "quality.h"
#endif

enum { ID_HELP = 1 };

static const cli_option info_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {NULL, 0, NULL, 0, NULL},
};

#define HIST_MIN_DB (-300.0)
#define HIST_STEP_DB 0.25
#define HIST_BINS 2400 /* -300 .. +300 dB */
#define NOISE_PERCENTILE 0.10
#define WINDOW_S 0.1
#define HIGHPASS_HZ 10.0

typedef struct channel_stats {
    double min, max;
    uint64_t n, nonfinite, clipped;
    uint64_t at_min, at_max;   /* samples equal to the running extremes (no known range) */
    double hp_prev_x, hp_prev_y, hp_a;
    double win_sum;
    size_t win_len, win_pos;
    uint32_t hist[HIST_BINS];
    uint64_t windows;
    cli_mains mains;
} channel_stats;

typedef struct info_args {
    cli_common common;
    int help;
} info_args;

static int handle(void *ctx, int id, const char *value)
{
    info_args *a = ctx;
    if (id == ID_HELP) {
        a->help = 1;
        return 0;
    }
    return cli_common_handle(&a->common, "info", id, value);
}

static void stats_init(channel_stats *s, double rate)
{
    const double pi = 3.14159265358979323846;
    memset(s, 0, sizeof *s);
    s->min = INFINITY;
    s->max = -INFINITY;
    s->hp_a = 1.0 / (1.0 + 2.0 * pi * HIGHPASS_HZ / rate); /* one-pole high-pass (RC) */
    s->win_len = (size_t)(WINDOW_S * rate + 0.5);
    if (s->win_len == 0)
        s->win_len = 1;
    cli_mains_init(&s->mains, rate);
}

static void stats_push(channel_stats *s, const ltr_io_channel *ch, float xf)
{
    double x = xf;
    s->n++;
    if (!isfinite(x)) {
        s->nonfinite++;
        return;
    }
    if (x < s->min) {
        s->min = x;
        s->at_min = 0;
    }
    if (x > s->max) {
        s->max = x;
        s->at_max = 0;
    }
    if (x == s->min)
        s->at_min++;
    if (x == s->max)
        s->at_max++;
    if (ch->has_range) {
        /* 2e-5 of the range covers the last step of 16-bit PCM (32767/32768). */
        double tol = 2e-5 * (ch->range_max - ch->range_min);
        if (x >= ch->range_max - tol || x <= ch->range_min + tol)
            s->clipped++;
    }
    double y = s->hp_a * (s->hp_prev_y + x - s->hp_prev_x);
    s->hp_prev_x = x;
    s->hp_prev_y = y;
    s->win_sum += y * y;
    if (++s->win_pos == s->win_len) {
        double rms = sqrt(s->win_sum / (double)s->win_len);
        double db = rms > 0 ? 20.0 * log10(rms) : HIST_MIN_DB;
        long bin = lround((db - HIST_MIN_DB) / HIST_STEP_DB);
        bin = bin < 0 ? 0 : bin >= HIST_BINS ? HIST_BINS - 1 : bin;
        s->hist[bin]++;
        s->windows++;
        s->win_sum = 0.0;
        s->win_pos = 0;
    }
    cli_mains_push(&s->mains, xf);
}

static double noise_floor(const channel_stats *s)
{
    if (s->windows == 0)
        return NAN;
    uint64_t target = (uint64_t)ceil(NOISE_PERCENTILE * (double)s->windows), acc = 0;
    for (int b = 0; b < HIST_BINS; b++) {
        acc += s->hist[b];
        if (acc >= target && acc > 0)
            return b == 0 ? 0.0 : pow(10.0, (HIST_MIN_DB + b * HIST_STEP_DB) / 20.0);
    }
    return NAN;
}

static double clipped_fraction(const channel_stats *s, const ltr_io_channel *ch)
{
    uint64_t finite = s->n - s->nonfinite;
    if (finite == 0)
        return 0.0;
    if (ch->has_range)
        return (double)s->clipped / (double)finite;
    /* No known range: runs of identical samples at the extremes mean saturation; a few
     * equal extremes happen by chance in quantised data. */
    uint64_t c = (s->at_min >= 3 ? s->at_min : 0) + (s->at_max >= 3 ? s->at_max : 0);
    return (double)c / (double)finite;
}

/* Read the channels chosen (one rate) and accumulate their statistics. */
static int scan(ltr_io_reader *r, const unsigned *sel, unsigned n, channel_stats *stats,
                uint64_t *frames, void *quality, char *msg, size_t msg_size)
{
    ltr_io_status s = ltr_io_reader_select(r, sel, n);
    if (s != LTR_IO_OK) {
        snprintf(msg, msg_size, "%s", ltr_io_reader_error(r)->message);
        return cli_exit_io(s);
    }
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    for (unsigned k = 0; k < n; k++)
        stats_init(&stats[k], info.sample_rate_hz);
    float *buf = malloc(4096u * n * sizeof *buf);
    if (!buf) {
        snprintf(msg, msg_size, "out of memory");
        return LTR_EXIT_FAILURE;
    }
    *frames = 0;
    size_t got;
    while ((s = ltr_io_reader_read(r, buf, 4096, &got)) == LTR_IO_OK && got > 0) {
        for (size_t i = 0; i < got; i++)
            for (unsigned k = 0; k < n; k++)
                stats_push(&stats[k], ltr_io_reader_channel(r, sel[k]), buf[i * n + k]);
        *frames += got;
#ifdef LTR_HAVE_ANALYSIS
        for (size_t done = 0; quality && done < got;) {
            done += ltr_quality_push(quality, buf + done * n, got - done);
            ltr_quality_next(quality); /* only the recording's summary is shown */
        }
#else
        (void)quality;
#endif
    }
    free(buf);
    if (s != LTR_IO_OK) {
        snprintf(msg, msg_size, "%s", ltr_io_reader_error(r)->message);
        return cli_exit_io(s);
    }
    return 0;
}

static void print_channel(unsigned index, const ltr_io_channel *ch, const channel_stats *s,
                          int *mains_found, double *best_line_db)
{
    double margin, line;
    double mains = cli_mains_result(&s->mains, &margin, &line);
    char mains_text[48];
    if (s->mains.blocks == 0)
        snprintf(mains_text, sizeof mains_text, "n/a (< 1 s)");
    else if (mains > 0)
        snprintf(mains_text, sizeof mains_text, "%g Hz (+%.0f dB)", mains, line);
    else
        snprintf(mains_text, sizeof mains_text, "none");
    if (mains > 0 && line > *best_line_db) {
        *best_line_db = line;
        *mains_found = (int)mains;
    }
    double finite = (double)(s->n - s->nonfinite);
    printf("%3u  %-16s %-6s %10g %12.6g %12.6g %8.3f%% %12.6g  %s%s\n", index, ch->name,
           ch->unit[0] ? ch->unit : "-", ch->sample_rate_hz, finite > 0 ? s->min : NAN,
           finite > 0 ? s->max : NAN, 100.0 * clipped_fraction(s, ch), noise_floor(s), mains_text,
           s->nonfinite ? "  (has NaN/Inf)" : "");
}

#ifdef LTR_HAVE_ANALYSIS
/* The quality index of each channel (libltr-analysis): a line per channel into
 * lines, and "name (warning, ...)" of each flagged one into flagged. A channel
 * is flagged when a warning applies or its index is below 0.5. */
static void quality_collect(ltr_quality *q, const ltr_io_reader *r, const unsigned *sel,
                            unsigned n, char *lines, size_t lsize, char *flagged, size_t fsize)
{
    for (unsigned k = 0; k < n; k++) {
        ltr_quality_row row;
        if (ltr_quality_summary(q, k, &row) != LTR_OK || row.n_frames == 0)
            continue;
        char w[256];
        const size_t wl = cli_quality_names(row.warnings, ", ", w, sizeof w);
        const char *name = ltr_io_reader_channel(r, sel[k])->name;
        size_t ll = strlen(lines);
        snprintf(lines + ll, lsize - ll, "%3u  %-16s %7.2f  %s\n", sel[k], name, row.index,
                 wl ? w : "-");
        if (row.warnings || row.index < 0.5) {
            size_t fl = strlen(flagged);
            snprintf(flagged + fl, fsize - fl, "%s%s (%s)", fl ? "; " : "", name,
                     wl ? w : "low index");
        }
    }
}
#endif

/* What the sidecar says of the recording, as read by libltr-io. */
static void print_sidecar_header(const ltr_io_sidecar *sc)
{
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    if (si.json_path) {
        printf("sidecar      %s (", si.json_path);
        if (si.sample_rate_hz > 0)
            printf("SamplingFrequency %g Hz", si.sample_rate_hz);
        else
            printf("no SamplingFrequency");
        if (si.power_line_hz > 0)
            printf(", PowerLineFrequency %g Hz)\n", si.power_line_hz);
        else
            printf(", no PowerLineFrequency)\n");
    } else {
        printf("sidecar      none\n");
    }
    if (si.channels_path)
        printf("channels.tsv %s\n", si.channels_path);
}

static const char *source_name(const ltr_io_sidecar *sc, ltr_io_source source)
{
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    switch (source) {
    case LTR_IO_SOURCE_CHANNELS_TSV: return si.channels_path;
    case LTR_IO_SOURCE_JSON: return si.json_path;
    case LTR_IO_SOURCE_LABEL: return "label";
    case LTR_IO_SOURCE_UNIT: return "unit";
    case LTR_IO_SOURCE_NONE: break;
    }
    return "-";
}

/* Each channel's type, where it came from, the sidecar's unit and full scale. */
static void print_types(const ltr_io_sidecar *sc)
{
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    printf("\n  #  %-16s %-14s %-10s %-6s %10s  %s\n", "described as", "type", "as written",
           "unit", "full_scale", "from");
    for (unsigned ch = 0; ch < si.n_channels; ch++) {
        const ltr_io_channel_desc *d = ltr_io_sidecar_channel(sc, ch);
        char fs[32] = "-";
        if (d->full_scale > 0)
            snprintf(fs, sizeof fs, "%g", d->full_scale);
        printf("%3u  %-16s %-14s %-10s %-6s %10s  %s%s\n", ch, d->name,
               ltr_io_channel_type_name(d->type), d->type_text[0] ? d->type_text : "-",
               d->unit[0] ? d->unit : "-", fs, source_name(sc, d->type_source),
               d->bad ? " (bad)" : "");
    }
    if (si.notes[0])
        printf("note         %s", si.notes);
}

/* What `ltr detect FILE` with these options would take, and from where. */
static void print_plan(const char *path, const cli_common *c)
{
    cli_input in;
    if (cli_input_open(&in, path, c) != 0) {
        printf("ltr detect   would refuse it: %s\n", in.message);
        return;
    }
    cli_input_describe(stdout, &in, "ltr detect");
    cli_input_close(&in);
}

/* An EDF+/BDF+ file's annotations, and which of them ltr detect takes for device marks. */
static void print_annotations(const ltr_io_reader *r, const cli_common *c)
{
    const ltr_io_annotation *a;
    size_t n;
    ltr_io_error err;
    if (ltr_io_reader_annotations(r, &a, &n, &err) != LTR_IO_OK) {
        printf("\nannotations  unreadable: %s\n", err.message);
        return;
    }
    if (n == 0)
        return;
    size_t stim = 0, needle = 0;
    for (size_t i = 0; i < n; i++) {
        ltr_mark kind;
        if (a[i].onset_s >= 0 && cli_mark_kind(c, a[i].text, &kind))
            kind == LTR_MARK_STIM ? stim++ : needle++;
    }
    printf("\nannotations  %zu: %zu stimulation pulse%s and %zu needle movement%s %s\n", n, stim,
           stim == 1 ? "" : "s", needle, needle == 1 ? "" : "s",
           c->no_annotation_marks ? "by their text (--annotation-marks off: no marks)"
                                  : "for ltr detect's device marks (--mark-text, "
                                    "--annotation-marks)");
    const size_t shown = n < 20 ? n : 20;
    printf("\n  %10s %10s  %-7s %s\n", "onset_s", "duration_s", "mark", "text");
    for (size_t i = 0; i < shown; i++) {
        ltr_mark kind;
        const char *m = a[i].onset_s >= 0 && cli_mark_kind(c, a[i].text, &kind)
                            ? (kind == LTR_MARK_STIM ? "stim" : "needle") : "-";
        char dur[32] = "n/a";
        if (a[i].duration_s >= 0)
            snprintf(dur, sizeof dur, "%.4f", a[i].duration_s);
        printf("  %10.4f %10s  %-7s %s\n", a[i].onset_s, dur, m, a[i].text);
    }
    if (shown < n)
        printf("  ... and %zu more\n", n - shown);
}

static int info_file(const char *path, const cli_common *c)
{
    ltr_io_reader *r;
    ltr_io_error err;
    ltr_io_status s = ltr_io_reader_open(&r, path, &c->io, &err);
    if (s != LTR_IO_OK) {
        fprintf(stderr, "ltr info: %s\n", err.message);
        return cli_exit_io(s);
    }
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    const unsigned n_ch = info.n_channels;
    printf("file         %s\n", path);
    printf("format       %s\n", info.format_name);
    printf("channels     %u\n", n_ch);
    if (info.sample_rate_hz > 0)
        printf("sample rate  %g Hz (from the %s)\n", info.sample_rate_hz, info.rate_source);
    else
        printf("sample rate  differs between channels (below); the detector takes channels of "
               "one rate at a time\n");
    ltr_io_sidecar *sc = NULL;
    int sidecar_rc = 0;
    s = ltr_io_sidecar_read(&sc, r, c->no_sidecar ? NULL : path, &err);
    if (s != LTR_IO_OK) {
        printf("sidecar      unusable: %s\n", err.message);
        fprintf(stderr, "ltr info: %s\n", err.message);
        sidecar_rc = cli_exit_io(s);
    } else {
        print_sidecar_header(sc);
    }

    /* One reading pass per group of up to LTR_MAX_CHANNELS channels of one rate. A
     * file is reopened for each further pass (only EDF with mixed rates, or > 32 columns). */
    char *done = calloc(n_ch, 1);
    channel_stats *stats = calloc(LTR_MAX_CHANNELS, sizeof *stats);
    if (!done || !stats) {
        free(done);
        free(stats);
        ltr_io_reader_close(r);
        fprintf(stderr, "ltr info: out of memory\n");
        return LTR_EXIT_FAILURE;
    }
    int rc = 0, header = 0, mains_found = 0;
    double best_line = -INFINITY;
#ifdef LTR_HAVE_ANALYSIS
    char qlines[8192] = "", flagged[2048] = "";
#endif
    uint64_t frames0 = 0;
    for (unsigned first = 0; first < n_ch && rc == 0; first++) {
        if (done[first])
            continue;
        unsigned sel[LTR_MAX_CHANNELS], n = 0;
        double fs = ltr_io_reader_channel(r, first)->sample_rate_hz;
        for (unsigned ch = first; ch < n_ch && n < LTR_MAX_CHANNELS; ch++)
            if (!done[ch] && ltr_io_reader_channel(r, ch)->sample_rate_hz == fs) {
                sel[n++] = ch;
                done[ch] = 1;
            }
        if (header) {
            ltr_io_reader_close(r);
            if ((s = ltr_io_reader_open(&r, path, &c->io, &err)) != LTR_IO_OK) {
                fprintf(stderr, "ltr info: %s\n", err.message);
                r = NULL;
                rc = cli_exit_io(s);
                break;
            }
        }
        uint64_t frames = 0;
        char msg[1024];
        void *quality = NULL;
#ifdef LTR_HAVE_ANALYSIS
        ltr_quality_channel qc[LTR_MAX_CHANNELS];
        for (unsigned k = 0; k < n; k++) {
            const ltr_io_channel *fc = ltr_io_reader_channel(r, sel[k]);
            const ltr_io_channel_desc *d = sc ? ltr_io_sidecar_channel(sc, sel[k]) : NULL;
            qc[k].is_emg = !d || d->type == LTR_IO_CHANNEL_EMG || d->type == LTR_IO_CHANNEL_UNKNOWN;
            qc[k].has_range = fc->has_range;
            qc[k].range_min = fc->range_min;
            qc[k].range_max = fc->range_max;
        }
        ltr_quality *q = NULL;
        if (ltr_quality_create(&q, fs, n, qc, 60.0, 0) == LTR_OK)
            quality = q;
#endif
        rc = scan(r, sel, n, stats, &frames, quality, msg, sizeof msg);
        if (rc) {
            fprintf(stderr, "ltr info: %s\n", msg);
            break;
        }
        if (!header) {
            frames0 = frames;
            if (info.sample_rate_hz > 0)
                printf("duration     %.3f s (%llu frames)\n", (double)frames / info.sample_rate_hz,
                       (unsigned long long)frames);
            printf("\n  #  %-16s %-6s %10s %12s %12s %9s %12s  %s\n", "name", "unit", "rate_hz",
                   "min", "max", "clipped", "noise_rms", "mains");
            header = 1;
        }
        for (unsigned k = 0; k < n; k++)
            print_channel(sel[k], ltr_io_reader_channel(r, sel[k]), &stats[k], &mains_found,
                          &best_line);
#ifdef LTR_HAVE_ANALYSIS
        if (quality) {
            if (ltr_quality_finish(quality))
                ltr_quality_next(quality);
            quality_collect(quality, r, sel, n, qlines, sizeof qlines, flagged, sizeof flagged);
            ltr_quality_destroy(quality);
        }
#endif
    }
#ifdef LTR_HAVE_ANALYSIS
    if (rc == 0 && qlines[0]) {
        printf("\n  #  %-16s %7s  %s\n%s", "quality", "index", "warnings", qlines);
        if (flagged[0])
            printf("quality      flagged: %s\n", flagged);
        else
            printf("quality      no channel flagged\n");
    }
#endif
    if (rc == 0 && sc)
        print_types(sc);
    if (rc == 0 && r)
        print_annotations(r, c);
    if (rc == 0) {
        if (mains_found)
            printf("\nmains        %d Hz in the signal (--mains %d, or --mains auto)\n",
                   mains_found, mains_found);
        else
            printf("\nmains        no 50/60 Hz line found\n");
        (void)frames0;
    }
    free(done);
    free(stats);
    ltr_io_reader_close(r);
    ltr_io_sidecar_destroy(sc);
    /* After closing: EDFlib opens a file once at a time. */
    if (rc == 0 && sidecar_rc == 0 && strcmp(path, "-") != 0)
        print_plan(path, c);
    printf("\n");
    return rc ? rc : sidecar_rc;
}

int cmd_info(int argc, char **argv)
{
    info_args a;
    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    const cli_option *const tables[] = {info_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("info", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        fputs("usage: ltr info [OPTIONS] FILE...\n\n"
              "Describe recordings: format, channels, sample rates, duration, units, amplitude\n"
              "range, clipped fraction (samples at the format's limits, or runs at the\n"
              "extremes), noise floor (10th percentile of 100 ms RMS, input units) and mains\n"
              "frequency (50 vs 60 Hz). Channel indices shown are those --emg/--acc take.\n"
              "Then what the sidecar (FILE.json; BIDS *_emg.json, *_channels.tsv) and the\n"
              "file's labels say each channel is, and where from, and what 'ltr detect FILE'\n"
              "would take with the same --emg/--acc/--mains/--no-sidecar options; the\n"
              "annotations of an EDF+/BDF+ file and which it takes for device marks.\n"
#ifdef LTR_HAVE_ANALYSIS
              "With libltr-analysis: a quality index per channel (0..1: mains share, power\n"
              "below 20 Hz for EMG, clipped, flat and NaN samples; see 'ltr analyze --help')\n"
              "and the channels it flags, with their warnings.\n"
#endif
              "\n",
              stdout);
        cli_print_options(stdout, info_options);
        fputs("\nInput:\n", stdout);
        cli_print_options(stdout, cli_input_options);
        fputs("\nChannels and settings, as 'ltr detect' takes them (see 'ltr detect --help'):\n",
              stdout);
        cli_print_options(stdout, cli_channel_options);
        fputs("      --mains HZ, ... and every other detector setting\n", stdout);
    } else if (rc == 0 && n == 0) {
        fprintf(stderr, "ltr info: no input (see 'ltr info --help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0) {
        for (int i = 0; i < n; i++) {
            int r = info_file(pos[i], &a.common);
            if (r && !rc)
                rc = r;
        }
    }
    free(pos);
    return rc;
}
