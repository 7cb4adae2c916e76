/*
 * Opening an input with the command line's choices, and running the
 * detector over it (shared by detect, batch and stream).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "run.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "commands.h"
#include "interrupt.h"

#if defined(__GNUC__) || defined(__clang__)
#define LTR_CLI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LTR_CLI_PRINTF(fmt, args)
#endif

/* --- channels --------------------------------------------------------------- */

/* "a-b" with two decimal indices. */
static int parse_range(const char *s, unsigned *a, unsigned *b)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return 0;
    unsigned long x = strtoul(s, &end, 10);
    if (*end != '-' || !isdigit((unsigned char)end[1]))
        return 0;
    unsigned long y = strtoul(end + 1, &end, 10);
    if (*end || x > y || y > 100000)
        return 0;
    *a = (unsigned)x;
    *b = (unsigned)y;
    return 1;
}

/* A channel by name or index: the file's names first, then the sidecar's. */
static int find_channel(cli_input *in, const char *key, unsigned *index)
{
    if (ltr_io_reader_find_channel(in->reader, key, index) == LTR_IO_OK)
        return 1;
    for (int fold = 0; fold < 2 && in->sidecar; fold++)
        for (unsigned c = 0; c < in->info.n_channels; c++) {
            const char *name = ltr_io_sidecar_channel(in->sidecar, c)->name;
            if (fold ? !strcasecmp(name, key) : !strcmp(name, key)) {
                *index = c;
                return 1;
            }
        }
    return 0;
}

static int add_channels(cli_input *in, const char *list, ltr_sensor sensor, const char *option,
                        unsigned *sel, ltr_sensor *sensors, unsigned *n)
{
    char buf[1024];
    if (strlen(list) >= sizeof buf) {
        snprintf(in->message, sizeof in->message, "--%s: list too long", option);
        return LTR_EXIT_USAGE;
    }
    strcpy(buf, list);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (*tok == ' ')
            tok++;
        unsigned idx, a, b;
        if (find_channel(in, tok, &idx)) {
            a = b = idx;
        } else if (!parse_range(tok, &a, &b) || b >= in->info.n_channels) {
            snprintf(in->message, sizeof in->message, "--%s: %s", option,
                     ltr_io_reader_error(in->reader)->message);
            return LTR_EXIT_CHANNEL;
        }
        for (unsigned c = a; c <= b; c++) {
            for (unsigned k = 0; k < *n; k++)
                if (sel[k] == c) {
                    snprintf(in->message, sizeof in->message,
                             "channel %s is chosen twice (--emg/--acc)",
                             ltr_io_reader_channel(in->reader, c)->name);
                    return LTR_EXIT_CHANNEL;
                }
            if (*n >= LTR_MAX_CHANNELS) {
                snprintf(in->message, sizeof in->message,
                         "more than %u channels chosen: the detector takes at most %u",
                         LTR_MAX_CHANNELS, LTR_MAX_CHANNELS);
                return LTR_EXIT_CHANNEL;
            }
            sel[*n] = c;
            sensors[*n] = sensor;
            (*n)++;
        }
    }
    return 0;
}

/* Append to a sep-separated text, "..." once it is full. */
static void append(char *buf, size_t size, const char *sep, const char *fmt, ...) LTR_CLI_PRINTF(4, 5);

static void append(char *buf, size_t size, const char *sep, const char *fmt, ...)
{
    size_t used = strlen(buf);
    if (used + 4 >= size)
        return;
    char part[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    int k = snprintf(buf + used, size - used, "%s%s", used ? sep : "", part);
    if (k < 0 || (size_t)k >= size - used)
        strcpy(buf + size - 4, "...");
}

static const char *source_text(const cli_input *in, ltr_io_source source)
{
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(in->sidecar, &si);
    switch (source) {
    case LTR_IO_SOURCE_CHANNELS_TSV: return si.channels_path;
    case LTR_IO_SOURCE_JSON: return si.json_path;
    case LTR_IO_SOURCE_LABEL: return "its label";
    case LTR_IO_SOURCE_UNIT: return "its unit";
    case LTR_IO_SOURCE_NONE: break;
    }
    return "nowhere";
}

/* The channels the sidecar or the labels type: EMG in file order, then the accelerometer
 * axes; the rest left out, in the notes. Accelerometer axes sampled at another rate than
 * the EMG (EDF) are left out too: the detector takes one rate. EMG channels of different
 * rates are refused by the reader, as when they are chosen by hand. */
static int choose_described(cli_input *in, const char *path, unsigned *sel, ltr_sensor *sensors,
                            unsigned *n)
{
    double rate = 0.0;
    char unknown[512] = "";
    for (int pass = 0; pass < 2; pass++) {
        const ltr_io_channel_type want = pass ? LTR_IO_CHANNEL_ACC : LTR_IO_CHANNEL_EMG;
        for (unsigned c = 0; c < in->info.n_channels; c++) {
            const ltr_io_channel_desc *d = ltr_io_sidecar_channel(in->sidecar, c);
            const double fs = ltr_io_reader_channel(in->reader, c)->sample_rate_hz;
            if (d->type != want)
                continue;
            if (rate == 0.0 || (want == LTR_IO_CHANNEL_EMG && fs != rate)) {
                rate = fs;
            } else if (fs != rate) {
                append(in->notes, sizeof in->notes, "; ",
                       "%s (%s) left out: at %g Hz, and the detector takes one rate (%g Hz)",
                       d->name, ltr_io_channel_type_name(d->type), fs, rate);
                continue;
            }
            if (*n >= LTR_MAX_CHANNELS) {
                snprintf(in->message, sizeof in->message,
                         "the sidecar types more than %u EMG and accelerometer channels; the "
                         "detector takes at most %u: choose them with --emg/--acc",
                         LTR_MAX_CHANNELS, LTR_MAX_CHANNELS);
                return LTR_EXIT_CHANNEL;
            }
            sel[*n] = c;
            sensors[(*n)++] = pass ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
        }
    }
    for (unsigned c = 0; c < in->info.n_channels; c++) {
        const ltr_io_channel_desc *d = ltr_io_sidecar_channel(in->sidecar, c);
        if (d->type == LTR_IO_CHANNEL_OTHER && !d->bad)
            append(in->notes, sizeof in->notes, "; ", "%s left out: type %s (from %s)", d->name,
                   d->type_text, source_text(in, d->type_source));
        else if (d->type == LTR_IO_CHANNEL_OTHER)
            append(in->notes, sizeof in->notes, "; ", "%s left out: marked bad (%s)", d->name,
                   source_text(in, d->type_source));
        else if (d->type == LTR_IO_CHANNEL_UNKNOWN)
            append(unknown, sizeof unknown, ", ", "%s", d->name);
    }
    if (unknown[0])
        append(in->notes, sizeof in->notes, "; ",
               "left out, type not known (give --emg/--acc to use them): %s", unknown);
    if (*n == 0) {
        snprintf(in->message, sizeof in->message,
                 "%.200s: no EMG or accelerometer channel (%.700s); choose them with --emg/--acc",
                 path, in->notes);
        return LTR_EXIT_CHANNEL;
    }
    /* Where the types came from, e.g. "data/x.json" or "x_channels.tsv, labels". */
    int from[LTR_IO_SOURCE_UNIT + 1] = {0};
    for (unsigned k = 0; k < *n; k++)
        from[ltr_io_sidecar_channel(in->sidecar, sel[k])->type_source] = 1;
    for (int s = LTR_IO_SOURCE_CHANNELS_TSV; s <= LTR_IO_SOURCE_UNIT; s++)
        if (from[s])
            append(in->channels_from, sizeof in->channels_from, ", ", "%s",
                   s == LTR_IO_SOURCE_LABEL  ? "the file's labels"
                   : s == LTR_IO_SOURCE_UNIT ? "the file's units"
                                             : source_text(in, (ltr_io_source)s));
    return 0;
}

static int choose_channels(cli_input *in, const char *path, const cli_common *c,
                           ltr_sensor *sensors)
{
    unsigned sel[LTR_MAX_CHANNELS];
    unsigned n = 0;
    int rc;
    ltr_io_sidecar_info si = {0};
    if (in->sidecar)
        ltr_io_sidecar_info_get(in->sidecar, &si);
    const int options = (c->emg || c->acc) && !(c->channel_options_fallback && si.n_from_sidecar);
    if (options) {
        if (c->emg && (rc = add_channels(in, c->emg, LTR_SENSOR_EMG, "emg", sel, sensors, &n)))
            return rc;
        if (c->acc && (rc = add_channels(in, c->acc, LTR_SENSOR_ACC, "acc", sel, sensors, &n)))
            return rc;
        if (n == 0) {
            snprintf(in->message, sizeof in->message, "no channel chosen");
            return LTR_EXIT_CHANNEL;
        }
        snprintf(in->channels_from, sizeof in->channels_from, "--emg/--acc");
    } else if (si.n_typed > 0) {
        if ((rc = choose_described(in, path, sel, sensors, &n)))
            return rc;
    } else {
        if (in->info.n_channels > LTR_MAX_CHANNELS) {
            snprintf(in->message, sizeof in->message,
                     "the file has %u channels; the detector takes at most %u: choose them with "
                     "--emg/--acc",
                     in->info.n_channels, LTR_MAX_CHANNELS);
            return LTR_EXIT_CHANNEL;
        }
        for (unsigned ch = 0; ch < in->info.n_channels; ch++) {
            sel[n] = ch;
            sensors[n++] = LTR_SENSOR_EMG;
        }
        snprintf(in->channels_from, sizeof in->channels_from,
                 "no sidecar or label says: every channel as EMG");
    }
    ltr_io_status s = ltr_io_reader_select(in->reader, sel, n);
    if (s != LTR_IO_OK) {
        snprintf(in->message, sizeof in->message, "%s", ltr_io_reader_error(in->reader)->message);
        return cli_exit_io(s);
    }
    in->n = n;
    memcpy(in->sel, sel, n * sizeof *sel);
    for (unsigned k = 0; k < n; k++) {
        /* A sidecar's name where the file has none (WAV, FLAC: "ch0"). */
        const char *name = in->sidecar ? ltr_io_sidecar_channel(in->sidecar, sel[k])->name
                                       : ltr_io_reader_channel(in->reader, sel[k])->name;
        snprintf(in->names[k], sizeof in->names[k], "%s", name);
        in->name_ptrs[k] = in->names[k];
    }
    return 0;
}

/* --- opening ------------------------------------------------------------------ */

/* The clipping level the format states: its full scale (integer PCM: +-1; EDF: the
 * physical range of the ADC), if every chosen channel has one and it is symmetric;
 * a hair below it, as the largest positive code of 16-bit PCM reads 32767/32768.
 * 0 (the detector's own heuristic) otherwise. */
static double full_scale(const cli_input *in)
{
    double level = INFINITY;
    for (unsigned k = 0; k < in->n; k++) {
        const ltr_io_channel *ch = ltr_io_reader_channel(in->reader, in->sel[k]);
        if (!ch->has_range || !(ch->range_max > 0) || !(ch->range_min < 0))
            return 0.0;
        double lo = -ch->range_min, hi = ch->range_max;
        if (fabs(lo - hi) > 0.01 * hi)
            return 0.0;
        level = fmin(level, fmin(lo, hi));
    }
    return isfinite(level) ? level * 0.9999 : 0.0;
}

/* Read the sidecar and labels (the labels only for standard input or --no-sidecar). */
static int read_sidecar(cli_input *in, const char *path, const cli_common *c)
{
    ltr_io_error err;
    ltr_io_status s =
        ltr_io_sidecar_read(&in->sidecar, in->reader, c->no_sidecar ? NULL : path, &err);
    if (s != LTR_IO_OK) {
        snprintf(in->message, sizeof in->message, "%.900s (--no-sidecar ignores it)",
                 err.message);
        return cli_exit_io(s);
    }
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(in->sidecar, &si);
    /* The library's notes are one a line; ours are "; "-separated. */
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", si.notes);
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
        append(in->notes, sizeof in->notes, "; ", "%s", line);
    return 0;
}

/* The mains: --mains, else the sidecar's PowerLineFrequency, else auto. */
static void choose_mains(cli_input *in, const cli_common *c)
{
    ltr_io_sidecar_info si = {0};
    if (in->sidecar)
        ltr_io_sidecar_info_get(in->sidecar, &si);
    if (cli_common_is_set(c, "mains")) {
        snprintf(in->mains_from, sizeof in->mains_from, "--mains");
    } else if (si.power_line_hz > 0) {
        in->cfg.mains_hz = si.power_line_hz;
        snprintf(in->mains_from, sizeof in->mains_from, "PowerLineFrequency in %.200s",
                 si.json_path);
    } else {
        snprintf(in->mains_from, sizeof in->mains_from, "the default: the detector finds 50 or "
                 "60 Hz itself");
    }
}

static int is_raw(const cli_common *c, const char *path)
{
    ltr_io_format f = c->io.format;
    if (f == LTR_IO_FORMAT_AUTO && strcmp(path, "-") != 0)
        f = ltr_io_format_from_name(path);
    return f == LTR_IO_FORMAT_RAW_F32LE || f == LTR_IO_FORMAT_RAW_S16LE;
}

/* --rate on a file that states its own rate (a header, a time column, a comment) must not
 * silently replace it: a 4 kHz FLAC read "at 1000 Hz" lasts 4 times as long and every onset
 * is wrong. The same rate is fine; another one is refused unless --force-rate says the
 * header is wrong (then a note says what was replaced). Standard input is read once and
 * is raw or headerless text: nothing to compare. */
static int check_rate_option(cli_input *in, const char *path, const cli_common *c)
{
    const double given = c->io.sample_rate_hz;
    if (!(given > 0) || !strcmp(path, "-") || is_raw(c, path))
        return 0;
    ltr_io_options own = c->io;
    own.sample_rate_hz = 0.0;
    ltr_io_reader *r;
    if (ltr_io_reader_open(&r, path, &own, NULL) != LTR_IO_OK)
        return 0; /* no rate of its own (text without a time column), or the open below fails */
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    double fs = info.sample_rate_hz;
    if (!(fs > 0)) /* EDF channels of several rates: the first channel's */
        fs = ltr_io_reader_channel(r, 0) ? ltr_io_reader_channel(r, 0)->sample_rate_hz : 0.0;
    const double seconds = info.n_frames > 0 && fs > 0 ? (double)info.n_frames / fs : -1.0;
    char source[64];
    snprintf(source, sizeof source, "%s", info.rate_source);
    ltr_io_reader_close(r);
    /* 0.1 %: the tolerance the sidecar check allows between SamplingFrequency and a file */
    if (!(fs > 0) || fabs(given - fs) <= 1e-3 * fs)
        return 0;
    char length[128] = "";
    if (seconds > 0)
        snprintf(length, sizeof length, " (%.1f s would read as %.1f s)", seconds,
                 seconds * fs / given);
    if (!c->force_rate) {
        snprintf(in->message, sizeof in->message,
                 "%s: its %s says %g Hz, --rate says %g Hz: that would rescale its time by "
                 "%.3gx%s. --rate is for raw input and text without a time column; leave it "
                 "out, or add --force-rate if the file's rate is wrong",
                 path, source, fs, given, fs / given, length);
        return LTR_EXIT_RATE;
    }
    append(in->notes, sizeof in->notes, "; ", "--force-rate: %g Hz replaces the %g Hz of its %s%s",
           given, fs, source, length);
    return 0;
}

/* --marks FILE: a BIDS-style events file (tab- or comma-separated, a header naming `onset`
 * in seconds and `trial_type`, `value` or `type`); rows whose type is a mark (cli_mark_kind:
 * stim, pulse, tms; insertion, redirect, site; needle, piston, stroke; or the --mark-text texts) become
 * marks at round(onset x rate); other rows (twitches, ...) are skipped, counted in a note.
 * EDF+/BDF+ annotations of the input itself are read the same way (annotation_marks). */

/* One more mark, unsorted (sort_marks orders them at the end). */
static int add_mark(cli_input *in, size_t *cap, uint64_t frame, ltr_mark kind)
{
    if (in->n_marks == *cap) {
        size_t more = *cap ? 2 * *cap : 64;
        uint64_t *f = realloc(in->mark_frame, more * sizeof *f);
        if (f)
            in->mark_frame = f;
        ltr_mark *k = f ? realloc(in->mark_kind, more * sizeof *k) : NULL;
        if (!k) {
            snprintf(in->message, sizeof in->message, "out of memory");
            return LTR_EXIT_FAILURE;
        }
        in->mark_kind = k;
        *cap = more;
    }
    in->mark_frame[in->n_marks] = frame;
    in->mark_kind[in->n_marks++] = kind;
    return 0;
}

/* Rows of {frame, position, kind}: by frame, then position. */
static int cmp_marks(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

static int load_marks(cli_input *in, const cli_common *c, const char *file, double fs,
                      size_t *cap)
{
    FILE *f = fopen(file, "r");
    if (!f) {
        snprintf(in->message, sizeof in->message, "--marks %s: %s", file, strerror(errno));
        return LTR_EXIT_INPUT;
    }
    char line[4096];
    int c_onset = -1, c_type = -1, line_no = 0, rc = 0;
    char sep = '\t';
    size_t other = 0, before = in->n_marks;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        line_no++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0] || line[0] == '#')
            continue;
        char *fields[64];
        int n = 0;
        if (c_onset < 0 && !strchr(line, '\t') && strchr(line, ','))
            sep = ',';
        for (char *p = line; n < 64;) {
            fields[n++] = p;
            char *e = strchr(p, sep);
            if (!e)
                break;
            *e = '\0';
            p = e + 1;
        }
        if (c_onset < 0) { /* the header */
            for (int k = 0; k < n; k++) {
                if (!strcasecmp(fields[k], "onset"))
                    c_onset = k;
                else if (c_type < 0 && (!strcasecmp(fields[k], "trial_type") ||
                                        !strcasecmp(fields[k], "value") ||
                                        !strcasecmp(fields[k], "type")))
                    c_type = k;
            }
            if (c_onset < 0 || c_type < 0) {
                snprintf(in->message, sizeof in->message,
                         "--marks %s:%d: the header needs an onset column and a trial_type "
                         "(or value, type) column",
                         file, line_no);
                rc = LTR_EXIT_FORMAT;
            }
            continue;
        }
        ltr_mark kind;
        if (c_onset >= n || c_type >= n || !cli_mark_kind(c, fields[c_type], &kind)) {
            other++;
            continue;
        }
        char *end;
        double t = strtod(fields[c_onset], &end);
        if (end == fields[c_onset] || *end || !isfinite(t) || t < 0) {
            snprintf(in->message, sizeof in->message,
                     "--marks %s:%d: onset '%s' is not a time in seconds", file, line_no,
                     fields[c_onset]);
            rc = LTR_EXIT_DATA;
            break;
        }
        if ((rc = add_mark(in, cap, (uint64_t)llround(t * fs), kind)) != 0)
            break;
    }
    fclose(f);
    if (rc == 0 && c_onset < 0) {
        snprintf(in->message, sizeof in->message, "--marks %s: no header line", file);
        rc = LTR_EXIT_FORMAT;
    }
    if (rc == 0)
        append(in->notes, sizeof in->notes, "; ", "%zu device mark%s from %s%s",
               in->n_marks - before, in->n_marks - before == 1 ? "" : "s", file,
               other ? " (other rows skipped: not stim or needle)" : "");
    return rc;
}

/* The input's own EDF+/BDF+ annotations that are marks (cli_mark_kind), unless
 * --annotation-marks off. Unparsable annotations are a note, not a failure: the samples
 * are fine. */
static int annotation_marks(cli_input *in, const cli_common *c, double fs, size_t *cap)
{
    const ltr_io_annotation *list;
    size_t n, before = in->n_marks, other = 0;
    ltr_io_error err;
    if (ltr_io_reader_annotations(in->reader, &list, &n, &err) != LTR_IO_OK) {
        append(in->notes, sizeof in->notes, "; ", "%s", err.message);
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        ltr_mark kind;
        if (!(list[i].onset_s >= 0) || !cli_mark_kind(c, list[i].text, &kind)) {
            other++;
            continue;
        }
        int rc = add_mark(in, cap, (uint64_t)llround(list[i].onset_s * fs), kind);
        if (rc)
            return rc;
    }
    if (n)
        append(in->notes, sizeof in->notes, "; ", "%zu device mark%s from its EDF+ annotations "
               "(%zu other annotation%s)", in->n_marks - before,
               in->n_marks - before == 1 ? "" : "s", other, other == 1 ? "" : "s");
    return 0;
}

/* The marks in frame order (a stable order for equal frames: the file's). */
static int sort_marks(cli_input *in)
{
    if (in->n_marks < 2)
        return 0;
    uint64_t (*rows)[3] = malloc(in->n_marks * sizeof *rows);
    if (!rows) {
        snprintf(in->message, sizeof in->message, "out of memory");
        return LTR_EXIT_FAILURE;
    }
    for (size_t i = 0; i < in->n_marks; i++) {
        rows[i][0] = in->mark_frame[i];
        rows[i][1] = i;
        rows[i][2] = (uint64_t)in->mark_kind[i];
    }
    qsort(rows, in->n_marks, sizeof *rows, cmp_marks);
    for (size_t i = 0; i < in->n_marks; i++) {
        in->mark_frame[i] = rows[i][0];
        in->mark_kind[i] = (ltr_mark)rows[i][2];
    }
    free(rows);
    return 0;
}

int cli_input_open(cli_input *in, const char *path, const cli_common *c)
{
    memset(in, 0, sizeof *in);
    in->path = path;
    if (is_raw(c, path) && c->io.raw_channels == 0) {
        snprintf(in->message, sizeof in->message,
                 "%s: raw samples (%s) need --channels N, the channels in each frame, and "
                 "--rate HZ",
                 path, c->io.format == LTR_IO_FORMAT_RAW_S16LE ||
                               (c->io.format == LTR_IO_FORMAT_AUTO &&
                                ltr_io_format_from_name(path) == LTR_IO_FORMAT_RAW_S16LE)
                           ? "s16le" : "f32le");
        return LTR_EXIT_USAGE;
    }
    int rc0 = check_rate_option(in, path, c);
    if (rc0)
        return rc0;
    ltr_io_error err;
    ltr_io_status s = ltr_io_reader_open(&in->reader, path, &c->io, &err);
    if (s != LTR_IO_OK) {
        snprintf(in->message, sizeof in->message, "%s", err.message);
        return cli_exit_io(s);
    }
    ltr_io_reader_info(in->reader, &in->info);
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    int rc = read_sidecar(in, path, c);
    if (rc == 0)
        rc = choose_channels(in, path, c, sensors);
    if (rc) {
        cli_input_close(in);
        return rc;
    }
    ltr_io_reader_info(in->reader, &in->info);
    const double fs = in->info.sample_rate_hz;
    if (!(fs >= LTR_MIN_SAMPLE_RATE_HZ && fs <= LTR_MAX_SAMPLE_RATE_HZ)) {
        snprintf(in->message, sizeof in->message,
                 "%s: sample rate %g Hz (from the %s) is outside what the detector supports "
                 "(%g-%g Hz)%s",
                 path, fs, in->info.rate_source, LTR_MIN_SAMPLE_RATE_HZ, LTR_MAX_SAMPLE_RATE_HZ,
                 !strcmp(in->info.rate_source, "time column")
                     ? ": is the time column in seconds? (else --time-column none --rate HZ)"
                     : "");
        cli_input_close(in);
        return LTR_EXIT_RATE;
    }
    ltr_status st = cli_make_config(c, fs, in->n, sensors, &in->cfg);
    if (st == LTR_OK && !cli_common_is_set(c, "clip-level"))
        in->cfg.clip_level = full_scale(in);
    choose_mains(in, c);
    if (st != LTR_OK) {
        snprintf(in->message, sizeof in->message,
                 "%s: the detector refuses these settings at %g Hz: %s", path, fs,
                 ltr_status_string(st));
        cli_input_close(in);
        return cli_exit_config(st);
    }
    size_t cap = 0;
    if (c->marks)
        rc = load_marks(in, c, c->marks, fs, &cap);
    if (rc == 0 && !c->no_annotation_marks)
        rc = annotation_marks(in, c, fs, &cap);
    if (rc == 0)
        rc = sort_marks(in);
    if (rc) {
        cli_input_close(in);
        return rc;
    }
    return 0;
}

void cli_input_close(cli_input *in)
{
    ltr_io_reader_close(in->reader);
    in->reader = NULL;
    ltr_io_sidecar_destroy(in->sidecar);
    in->sidecar = NULL;
    free(in->mark_frame);
    free(in->mark_kind);
    in->mark_frame = NULL;
    in->mark_kind = NULL;
    in->n_marks = 0;
}

void cli_input_describe(FILE *f, const cli_input *in, const char *prefix)
{
    fprintf(f, "%s: channels ", prefix);
    for (unsigned k = 0; k < in->n; k++)
        fprintf(f, "%s%s (%s)", k ? ", " : "", in->names[k],
                in->cfg.sensors[k] == LTR_SENSOR_ACC ? "acc" : "EMG");
    fprintf(f, " from %s\n", in->channels_from);
    if (in->cfg.mains_hz > 0)
        fprintf(f, "%s: mains %g Hz from %s\n", prefix, in->cfg.mains_hz, in->mains_from);
    else
        fprintf(f, "%s: mains %s from %s\n", prefix, in->cfg.mains_hz < 0 ? "auto" : "off",
                in->mains_from);
    if (in->notes[0])
        fprintf(f, "%s: note: %s\n", prefix, in->notes);
}

/* --- running ------------------------------------------------------------------ */

static void count(cli_stats *st, const ltr_event *e)
{
    switch (e->kind) {
    case LTR_EVENT_END:
        st->twitches++;
        if (e->flags & LTR_FLAG_TRUNCATED)
            st->truncated++;
        if (e->flags & LTR_FLAG_CLIPPED)
            st->clipped++;
        break;
    case LTR_EVENT_ARTIFACT: st->artifacts++; break;
    case LTR_EVENT_CANCEL: st->cancelled++; break;
    case LTR_EVENT_SITE_END: {
        const uint32_t tw = ltr_event_site_twitches(e);
        st->sites++;
        st->site_twitches += tw;
        st->sites_without += (e->flags & LTR_FLAG_NO_TWITCH) != 0;
        st->sites_stopped += (e->flags & LTR_FLAG_STOPPED) != 0;
        if (tw >= 2) {
            st->habituation_sum += e->amplitude;
            st->habituation_n++;
        }
        break;
    }
    default: break;
    }
}

void cli_sites_header(FILE *f)
{
    fputs("file\tsite\tonset_s\tduration_s\tstrokes\ttwitches\thabituation\tstopped_s\t"
          "result\n", f);
}

/* A row of the per-site table for a site event; the stop cue is remembered for its row. */
static void site_row(const cli_input *in, cli_stats *st, const ltr_event *e)
{
    const double fs = in->cfg.sample_rate_hz;
    if (e->kind == LTR_EVENT_EXHAUSTED) {
        st->stop_site = e->id;
        st->stop_s = (double)e->detected / fs;
        return;
    }
    if (e->kind != LTR_EVENT_SITE_END)
        return;
    const uint32_t tw = ltr_event_site_twitches(e);
    char hab[32] = "n/a", stop[32] = "n/a";
    if (tw)
        snprintf(hab, sizeof hab, "%.3f", (double)e->amplitude);
    if ((e->flags & LTR_FLAG_STOPPED) && st->stop_site == e->id)
        snprintf(stop, sizeof stop, "%.3f", st->stop_s);
    const char *result = !tw ? "no_twitch" : (e->flags & LTR_FLAG_STOPPED) ? "stopped"
                                                                          : "twitching";
    fprintf(in->sites_table, "%s\t%u\t%.3f\t%.3f\t%u\t%u\t%s\t%s\t%s\n",
            in->path ? in->path : "-", (unsigned)e->id, (double)e->onset / fs,
            (double)(e->offset - e->onset) / fs, ltr_event_site_strokes(e), tw, hab, stop, result);
}

/* "out.tsv: cannot write the events: No space left on device" */
static int write_failed(cli_input *in, int e)
{
    snprintf(in->message, sizeof in->message, "%.900s: cannot write the events: %s",
             in->output ? in->output : "standard output", strerror(e ? e : EIO));
    return LTR_EXIT_OUTPUT;
}

static int emit(cli_input *in, ltr_io_event_writer *w, FILE *flush_stream, const ltr_event *ev,
                size_t n, cli_stats *st)
{
    for (size_t i = 0; i < n; i++) {
        count(st, &ev[i]);
        if (in->sites_table)
            site_row(in, st, &ev[i]);
        if (in->sink) {
            int rc = in->sink(in->sink_ctx, &ev[i]);
            if (rc)
                return rc;
        }
        errno = 0;
        if (ltr_io_event_writer_write(w, &ev[i]) != LTR_IO_OK)
            return write_failed(in, errno);
        if (flush_stream && fflush(flush_stream) != 0)
            return write_failed(in, errno);
    }
    return 0;
}

int cli_run(cli_input *in, ltr_io_event_writer *w, FILE *flush_stream, size_t block,
            cli_stats *st)
{
    memset(st, 0, sizeof *st);
    ltr_detector *det;
    ltr_status s = ltr_detector_create(&det, &in->cfg);
    if (s != LTR_OK) {
        snprintf(in->message, sizeof in->message, "cannot create the detector: %s",
                 ltr_status_string(s));
        return cli_exit_config(s);
    }
    size_t max_ev = ltr_detector_max_events(det, block);
    if (max_ev < LTR_EVENT_QUEUE)
        max_ev = LTR_EVENT_QUEUE;
    float *frames = malloc(block * in->n * sizeof *frames);
    ltr_event *ev = malloc(max_ev * sizeof *ev);
    int rc = 0;
    size_t next_mark = 0;
    if (!frames || !ev) {
        snprintf(in->message, sizeof in->message, "out of memory");
        rc = LTR_EXIT_FAILURE;
    }
    while (rc == 0) {
        if (cli_interrupted()) {
            snprintf(in->message, sizeof in->message, "interrupted by %s",
                     cli_signal_name(cli_interrupted()));
            rc = CLI_RC_INTERRUPTED;
            break;
        }
        size_t n = 0, n_ev = 0;
        ltr_io_status rs = ltr_io_reader_read(in->reader, frames, block, &n);
        if (in->tap && n > 0)
            in->tap(in->tap_ctx, frames, n);
        /* The block in pieces that end where a --marks mark falls: each mark is given
         * when its frame is the next to be processed, as a device would announce it. */
        size_t done = 0;
        while (rc == 0 && done < n) {
            size_t piece = n - done;
            while (next_mark < in->n_marks && in->mark_frame[next_mark] <= st->frames) {
                s = ltr_detector_mark(det, in->mark_kind[next_mark], st->frames);
                next_mark++;
                if (s < 0) {
                    snprintf(in->message, sizeof in->message, "device mark: %s",
                             ltr_status_string(s));
                    rc = LTR_EXIT_FAILURE;
                }
            }
            if (next_mark < in->n_marks && in->mark_frame[next_mark] - st->frames < piece)
                piece = (size_t)(in->mark_frame[next_mark] - st->frames);
            s = ltr_detector_process(det, frames + done * in->n, piece, ev, max_ev, &n_ev);
            st->frames += piece;
            done += piece;
            if (rc == 0)
                rc = emit(in, w, flush_stream, ev, n_ev, st);
            while (rc == 0 && s == LTR_MORE_EVENTS) {
                s = ltr_detector_process(det, frames, 0, ev, max_ev, &n_ev);
                rc = emit(in, w, flush_stream, ev, n_ev, st);
            }
        }
        if (rc)
            break;
        if (in->progress && n > 0)
            in->progress(in->progress_ctx, st->frames);
        if (rs != LTR_IO_OK) {
            snprintf(in->message, sizeof in->message, "%s",
                     ltr_io_reader_error(in->reader)->message);
            rc = cli_exit_io(rs);
            break;
        }
        if (n == 0) {
            /* After the last frame, before the flush (which resets the warm-up). */
            st->searched = ltr_detector_ready(det);
            st->mains_hz = ltr_detector_mains_hz(det);
            if (st->frames == 0) {
                snprintf(in->message, sizeof in->message, "%s: no samples (0 frames)",
                         !in->path || !strcmp(in->path, "-") ? "standard input" : in->path);
                rc = LTR_EXIT_FORMAT;
                break;
            }
            do {
                s = ltr_detector_flush(det, ev, max_ev, &n_ev);
                rc = emit(in, w, flush_stream, ev, n_ev, st);
            } while (rc == 0 && s == LTR_MORE_EVENTS);
            break;
        }
    }
    st->lost = ltr_detector_lost_events(det);
    if (rc == 0 && st->lost > 0) {
        snprintf(in->message, sizeof in->message, "%llu events lost (detector queue overflow)",
                 (unsigned long long)st->lost);
        rc = LTR_EXIT_FAILURE;
    }
    ltr_detector_destroy(det);
    free(frames);
    free(ev);
    return rc;
}

void cli_not_searched(const cli_input *in, const cli_stats *st, char *buf, size_t size)
{
    const double seconds = (double)st->frames / in->cfg.sample_rate_hz;
    const double warmup = in->cfg.warmup_ms / 1000.0;
    int emg = 0;
    for (unsigned c = 0; c < in->cfg.n_channels; c++)
        emg |= in->cfg.sensors[c] == LTR_SENSOR_EMG;
    /* LTR_MAINS_AUTO: the EMG lanes learn after the 0.5 s mains search (ltr.h) */
    const double search = emg && in->cfg.mains_hz == LTR_MAINS_AUTO ? 0.5 : 0.0;
    if (seconds < (search + warmup) * 1.5 && search > 0.0)
        snprintf(buf, size, "%.3g s is too short for the detector's warm-up (%.3g s: %.3g s "
                 "finding the mains, --mains, then %.3g s learning the background, --warmup): "
                 "it was not searched for twitches", seconds, search + warmup, search, warmup);
    else if (seconds < warmup * 1.5)
        snprintf(buf, size, "%.3g s is too short for the detector's warm-up (%.3g s learning "
                 "the background, --warmup): it was not searched for twitches", seconds, warmup);
    else
        snprintf(buf, size, "the detector never finished learning the background (artifacts "
                 "or blanking throughout %.3g s): it was not searched for twitches", seconds);
}

/* --- mains ---------------------------------------------------------------------- */

/* 50 and 60 Hz, and neighbours that tell a mains line from broadband EMG. */
static const double mains_freqs[CLI_MAINS_BINS] = {50.0, 60.0, 45.0, 55.0, 65.0, 70.0};

void cli_mains_init(cli_mains *m, double rate)
{
    const double pi = 3.14159265358979323846;
    memset(m, 0, sizeof *m);
    /* One-second blocks: every frequency above sits on an exact DFT bin. */
    m->block = (size_t)llround(rate);
    for (int i = 0; i < CLI_MAINS_BINS; i++)
        m->coeff[i] = 2.0 * cos(2.0 * pi * mains_freqs[i] / rate);
}

void cli_mains_push(cli_mains *m, float x)
{
    if (!isfinite(x) || m->block == 0)
        return;
    for (int i = 0; i < CLI_MAINS_BINS; i++) {
        double s0 = (double)x + m->coeff[i] * m->s1[i] - m->s2[i];
        m->s2[i] = m->s1[i];
        m->s1[i] = s0;
    }
    if (++m->pos == m->block) {
        for (int i = 0; i < CLI_MAINS_BINS; i++) {
            m->power[i] += m->s1[i] * m->s1[i] + m->s2[i] * m->s2[i] -
                           m->coeff[i] * m->s1[i] * m->s2[i];
            m->s1[i] = m->s2[i] = 0.0;
        }
        m->pos = 0;
        m->blocks++;
    }
}

double cli_mains_result(const cli_mains *m, double *margin_db, double *line_db)
{
    *margin_db = 0.0;
    *line_db = 0.0;
    if (m->blocks == 0)
        return 0.0;
    const double tiny = 1e-300;
    double p50 = m->power[0] + tiny, p60 = m->power[1] + tiny;
    double ref = (m->power[2] + m->power[3] + m->power[4] + m->power[5]) / 4.0 + tiny;
    double best = p50 >= p60 ? 50.0 : 60.0;
    double pb = p50 >= p60 ? p50 : p60;
    *margin_db = 10.0 * log10(p50 >= p60 ? p50 / p60 : p60 / p50);
    *line_db = 10.0 * log10(pb / ref);
    /* A line 10 dB over its neighbours, and 6 dB over the other candidate. */
    return *line_db >= 10.0 && *margin_db >= 6.0 ? best : 0.0;
}

/* --- outputs ---------------------------------------------------------------------- */

const char *cli_events_ext(ltr_io_events_format format)
{
    return format == LTR_IO_EVENTS_CSV ? "csv" : format == LTR_IO_EVENTS_JSONL ? "jsonl"
         : format == LTR_IO_EVENTS_MNE   ? "txt"
                                         : "tsv";
}

int cli_output_path(char *buf, size_t size, const char *outdir, const char *input,
                    const char *suffix)
{
    char stem[512];
    if (!strcmp(input, "-")) {
        strcpy(stem, "stdin");
    } else {
        const char *base = strrchr(input, '/');
        base = base ? base + 1 : input;
        if (strlen(base) >= sizeof stem)
            return -1;
        strcpy(stem, base);
        char *dot = strrchr(stem, '.');
        if (dot && dot != stem)
            *dot = '\0';
        size_t n = strlen(stem);
        if (n > 4 && !strcmp(stem + n - 4, "_emg"))
            stem[n - 4] = '\0';
    }
    int k = snprintf(buf, size, "%s%s%s%s", outdir, outdir[0] && outdir[strlen(outdir) - 1] != '/' ? "/" : "",
                     stem, suffix);
    return k < 0 || (size_t)k >= size ? -1 : 0;
}

void cli_remove_stale(const char *cmd, const char *path)
{
    unsigned removed = 0;
    ltr_io_error err;
    if (ltr_io_atomic_remove_stale(path, &removed, &err) != LTR_IO_OK)
        fprintf(stderr, "ltr %s: %s\n", cmd, err.message);
    if (removed)
        fprintf(stderr, "ltr %s: removed %u temporary file%s of %s left by an interrupted run\n",
                cmd, removed, removed == 1 ? "" : "s", path);
}

int cli_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return 0;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int cli_replace_ext(char *buf, size_t size, const char *path, const char *ext)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    size_t stem = dot && dot != path && dot[-1] != '/' ? (size_t)(dot - path) : strlen(path);
    int k = snprintf(buf, size, "%.*s%s", (int)stem, path, ext);
    return k < 0 || (size_t)k >= size ? -1 : 0;
}
