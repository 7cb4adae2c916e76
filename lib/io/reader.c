/*
 * The reader front end: format choice, channel selection, common checks
 * (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

const char *ltr_io_status_string(ltr_io_status status)
{
    switch (status) {
    case LTR_IO_OK: return "success";
    case LTR_IO_ERR_ARGUMENT: return "invalid argument";
    case LTR_IO_ERR_OPEN: return "cannot open the input";
    case LTR_IO_ERR_FORMAT: return "unknown, empty, truncated or corrupt format";
    case LTR_IO_ERR_CHANNEL: return "no such channel or column";
    case LTR_IO_ERR_RATE: return "missing, absurd or irregular sample rate";
    case LTR_IO_ERR_DATA: return "a sample is not a finite number";
    case LTR_IO_ERR_WRITE: return "cannot write the output";
    case LTR_IO_ERR_MEMORY: return "out of memory";
    case LTR_IO_ERR_READ: return "read error";
    }
    return "unknown status";
}

ltr_io_status ltri_io_fail(ltr_io_error *err, ltr_io_status status, uint64_t line,
                           const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        err->status = status;
        err->line = line;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void ltri_io_strlcpy(char *dst, const char *src, size_t size)
{
    if (!size)
        return;
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

void ltr_io_options_default(ltr_io_options *opts)
{
    if (!opts)
        return;
    memset(opts, 0, sizeof *opts);
    opts->format = LTR_IO_FORMAT_AUTO;
    opts->raw_gain = 1.0;
    opts->text_header = -1;
}

const char *ltr_io_format_name(ltr_io_format format)
{
    switch (format) {
    case LTR_IO_FORMAT_AUTO: return "auto";
    case LTR_IO_FORMAT_SNDFILE: return "audio (libsndfile)";
    case LTR_IO_FORMAT_EDF: return "EDF/BDF";
    case LTR_IO_FORMAT_TEXT: return "text (CSV/TSV)";
    case LTR_IO_FORMAT_RAW_F32LE: return "raw f32le";
    case LTR_IO_FORMAT_RAW_S16LE: return "raw s16le";
    case LTR_IO_FORMAT_WFDB: return "WFDB";
    case LTR_IO_FORMAT_MAT: return "MATLAB .mat";
    }
    return "unknown";
}

ltr_io_format ltr_io_format_from_name(const char *path)
{
    static const struct {
        const char *ext;
        ltr_io_format format;
    } table[] = {
        {"wav", LTR_IO_FORMAT_SNDFILE},  {"wave", LTR_IO_FORMAT_SNDFILE},
        {"flac", LTR_IO_FORMAT_SNDFILE}, {"aif", LTR_IO_FORMAT_SNDFILE},
        {"aiff", LTR_IO_FORMAT_SNDFILE}, {"aifc", LTR_IO_FORMAT_SNDFILE},
        {"au", LTR_IO_FORMAT_SNDFILE},   {"snd", LTR_IO_FORMAT_SNDFILE},
        {"caf", LTR_IO_FORMAT_SNDFILE},  {"w64", LTR_IO_FORMAT_SNDFILE},
        {"rf64", LTR_IO_FORMAT_SNDFILE}, {"ogg", LTR_IO_FORMAT_SNDFILE},
        {"oga", LTR_IO_FORMAT_SNDFILE},  {"opus", LTR_IO_FORMAT_SNDFILE},
        {"wv", LTR_IO_FORMAT_SNDFILE},   {"edf", LTR_IO_FORMAT_EDF},
        {"bdf", LTR_IO_FORMAT_EDF},      {"csv", LTR_IO_FORMAT_TEXT},
        {"tsv", LTR_IO_FORMAT_TEXT},     {"txt", LTR_IO_FORMAT_TEXT},
        {"f32", LTR_IO_FORMAT_RAW_F32LE}, {"s16", LTR_IO_FORMAT_RAW_S16LE},
        {"hea", LTR_IO_FORMAT_WFDB},     {"mat", LTR_IO_FORMAT_MAT},
    };
    if (!path)
        return LTR_IO_FORMAT_AUTO;
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot || dot == path || dot[-1] == '/')
        return LTR_IO_FORMAT_AUTO;
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (!strcasecmp(dot + 1, table[i].ext))
            return table[i].format;
    return LTR_IO_FORMAT_AUTO;
}

ltr_io_status ltri_reader_alloc(ltr_io_reader **out, const char *name, unsigned n_channels,
                                ltr_io_error *err)
{
    ltr_io_reader *r = calloc(1, sizeof *r);
    if (!r)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
    r->name = strdup(name);
    r->channels = calloc(n_channels ? n_channels : 1, sizeof *r->channels);
    if (!r->name || !r->channels) {
        free(r->name);
        free(r->channels);
        free(r);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
    }
    r->info.n_channels = n_channels;
    r->info.n_frames = -1;
    for (unsigned c = 0; c < n_channels; c++) {
        snprintf(r->channels[c].name, sizeof r->channels[c].name, "ch%u", c);
        r->channels[c].n_samples = -1;
    }
    *out = r;
    return LTR_IO_OK;
}

void ltri_io_pick(const float *all, size_t n, unsigned n_all, const unsigned *sel, unsigned n_sel,
                  float *out)
{
    for (size_t i = 0; i < n; i++)
        for (unsigned k = 0; k < n_sel; k++)
            out[i * n_sel + k] = all[i * n_all + sel[k]];
}

/* The format of an unnamed file from its first bytes. */
static ltr_io_status sniff(const char *path, ltr_io_format *format, ltr_io_error *err)
{
    unsigned char head[512];
    FILE *f = fopen(path, "rb");
    if (!f)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    if (n == 0)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: empty file", path);
    static const char *const audio[] = {"RIFF", "RIFX", "RF64", "FORM", "fLaC", "OggS",
                                        ".snd", "caff", "wvpk", "riff"};
    for (size_t i = 0; i < sizeof audio / sizeof audio[0]; i++)
        if (n >= 4 && !memcmp(head, audio[i], 4)) {
            *format = LTR_IO_FORMAT_SNDFILE;
            return LTR_IO_OK;
        }
    if ((n >= 8 && !memcmp(head, "0       ", 8)) || (n >= 8 && !memcmp(head, "\xff" "BIOSEMI", 8))) {
        *format = LTR_IO_FORMAT_EDF;
        return LTR_IO_OK;
    }
    if (n >= 10 && (!memcmp(head, "MATLAB 5.0", 10) || !memcmp(head, "MATLAB 7.3", 10))) {
        *format = LTR_IO_FORMAT_MAT;
        return LTR_IO_OK;
    }
    size_t printable = 0;
    for (size_t i = 0; i < n; i++) {
        if (head[i] == 0)
            break;
        if (isprint(head[i]) || isspace(head[i]) || head[i] >= 0x80)
            printable++;
    }
    if (printable == n) {
        *format = LTR_IO_FORMAT_TEXT;
        return LTR_IO_OK;
    }
    return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                        "%s: unknown format (not audio, EDF/BDF or text); name it with "
                        "--input-format audio|edf|text|f32le|s16le",
                        path);
}

static ltr_io_status check_opened(ltr_io_reader *r, ltr_io_error *err)
{
    if (r->info.n_channels == 0)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no signal channels", r->name);
    /* One rate for everything unless a channel differs (EDF): then 0 until a selection. */
    double fs = r->channels[0].sample_rate_hz;
    for (unsigned c = 1; c < r->info.n_channels; c++)
        if (r->channels[c].sample_rate_hz != fs)
            fs = 0.0;
    r->info.sample_rate_hz = fs;
    r->info.n_selected = r->info.n_channels;
    return LTR_IO_OK;
}

static ltr_io_status open_fd_as(ltr_io_reader **reader, int fd, int own, const char *name,
                                const ltr_io_options *o, ltr_io_format format, ltr_io_error *err)
{
    switch (format) {
    case LTR_IO_FORMAT_TEXT:
        return ltri_open_text(reader, fd, own, name, o, err);
    case LTR_IO_FORMAT_RAW_F32LE:
    case LTR_IO_FORMAT_RAW_S16LE: {
        ltr_io_options oo = *o;
        oo.format = format;
        return ltri_open_raw(reader, fd, own, name, &oo, err);
    }
    default:
        if (own)
            close(fd);
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0,
                            "%s: %s cannot be read from a pipe; give a file, or "
                            "--input-format text or --raw f32le|s16le",
                            name, ltr_io_format_name(format));
    }
}

static ltr_io_status finish_open(ltr_io_reader **reader, ltr_io_status st, ltr_io_error *err)
{
    if (st != LTR_IO_OK) {
        *reader = NULL;
        return st;
    }
    st = check_opened(*reader, err);
    if (st != LTR_IO_OK) {
        ltr_io_reader_close(*reader);
        *reader = NULL;
    }
    return st;
}

ltr_io_status ltr_io_reader_open(ltr_io_reader **reader, const char *path,
                                 const ltr_io_options *opts, ltr_io_error *err)
{
    ltr_io_options defaults;
    if (!opts) {
        ltr_io_options_default(&defaults);
        opts = &defaults;
    }
    if (!reader || !path)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    *reader = NULL;
    if (!strcmp(path, "-"))
        return ltr_io_reader_open_fd(reader, 0, "<stdin>", opts, err);

    struct stat st;
    if (stat(path, &st) != 0)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: is a directory", path);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        close(fd);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: empty file", path);
    }

    ltr_io_format format = opts->format;
    if (format == LTR_IO_FORMAT_AUTO)
        format = ltr_io_format_from_name(path);
    if (format == LTR_IO_FORMAT_AUTO && S_ISREG(st.st_mode)) {
        ltr_io_status s = sniff(path, &format, err);
        if (s != LTR_IO_OK) {
            close(fd);
            return s;
        }
    }
    ltr_io_status s;
    switch (format) {
    case LTR_IO_FORMAT_SNDFILE:
        close(fd);
        s = ltri_open_sndfile(reader, path, opts, err);
        break;
    case LTR_IO_FORMAT_EDF:
        close(fd);
        s = ltri_open_edf(reader, path, opts, err);
        break;
    case LTR_IO_FORMAT_WFDB:
        close(fd);
        s = ltri_open_wfdb(reader, path, opts, err);
        break;
    case LTR_IO_FORMAT_MAT:
        close(fd);
        s = ltri_open_mat(reader, path, opts, err);
        break;
    case LTR_IO_FORMAT_AUTO:
        close(fd);
        s = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                         "%s: unknown format; name it with --input-format "
                         "audio|edf|text|f32le|s16le",
                         path);
        break;
    default:
        s = open_fd_as(reader, fd, 1, path, opts, format, err);
        break;
    }
    return finish_open(reader, s, err);
}

ltr_io_status ltr_io_reader_open_fd(ltr_io_reader **reader, int fd, const char *name,
                                    const ltr_io_options *opts, ltr_io_error *err)
{
    ltr_io_options defaults;
    if (!opts) {
        ltr_io_options_default(&defaults);
        opts = &defaults;
    }
    if (!reader || fd < 0 || !name)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "invalid argument");
    *reader = NULL;
    if (opts->format == LTR_IO_FORMAT_AUTO)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0,
                            "%s: the format of a stream must be given (--raw f32le|s16le or "
                            "--input-format text)",
                            name);
    return finish_open(reader, open_fd_as(reader, fd, 0, name, opts, opts->format, err), err);
}

void ltr_io_reader_close(ltr_io_reader *r)
{
    if (!r)
        return;
    if (r->ops && r->ops->close)
        r->ops->close(r);
    free(r->annotations);
    free(r->annotations_problem);
    free(r->channels);
    free(r->name);
    free(r);
}

ltr_io_status ltr_io_reader_annotations(const ltr_io_reader *r, const ltr_io_annotation **list,
                                        size_t *n, ltr_io_error *err)
{
    if (!r || !list || !n)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    *list = r->annotations;
    *n = r->n_annotations;
    if (r->annotations_problem)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s", r->annotations_problem);
    return LTR_IO_OK;
}

ltr_io_status ltr_io_reader_info(const ltr_io_reader *r, ltr_io_info *info)
{
    if (!r || !info)
        return LTR_IO_ERR_ARGUMENT;
    *info = r->info;
    return LTR_IO_OK;
}

const ltr_io_channel *ltr_io_reader_channel(const ltr_io_reader *r, unsigned index)
{
    if (!r || index >= r->info.n_channels)
        return NULL;
    return &r->channels[index];
}

const ltr_io_error *ltr_io_reader_error(const ltr_io_reader *r)
{
    static const ltr_io_error none = {LTR_IO_ERR_ARGUMENT, 0, "no reader"};
    return r ? &r->err : &none;
}

ltr_io_status ltr_io_reader_find_channel(ltr_io_reader *r, const char *key, unsigned *index)
{
    if (!r || !key || !index)
        return LTR_IO_ERR_ARGUMENT;
    for (unsigned c = 0; c < r->info.n_channels; c++)
        if (!strcmp(r->channels[c].name, key)) {
            *index = c;
            return LTR_IO_OK;
        }
    for (unsigned c = 0; c < r->info.n_channels; c++)
        if (!strcasecmp(r->channels[c].name, key)) {
            *index = c;
            return LTR_IO_OK;
        }
    char *end;
    errno = 0;
    unsigned long v = strtoul(key, &end, 10);
    if (*key && isdigit((unsigned char)key[0]) && !*end && errno == 0 && v < r->info.n_channels) {
        *index = (unsigned)v;
        return LTR_IO_OK;
    }
    /* List what there is, as much as fits. An entry is only kept if the ellipsis
     * still fits after it, so cutting the list never writes past it. */
    static const char more[] = ", ...";
    char list[320] = "";
    const size_t room = sizeof list - sizeof more; /* for entries; the rest is for more */
    size_t used = 0;
    for (unsigned c = 0; c < r->info.n_channels; c++) {
        const int k = snprintf(list + used, room + 1 - used, "%s%u=%s", c ? ", " : "", c,
                               r->channels[c].name);
        if (k < 0 || (size_t)k > room - used) {
            /* used <= room: the ellipsis and its NUL end at list[sizeof list - 1] at most */
            memcpy(list + used, c ? more : more + 2, c ? sizeof more : sizeof more - 2);
            break;
        }
        used += (size_t)k;
    }
    return ltri_io_fail(&r->err, LTR_IO_ERR_CHANNEL, 0,
                        "%s: no channel '%s' (the file has %u: %s)", r->name, key,
                        r->info.n_channels, list);
}

ltr_io_status ltr_io_reader_select(ltr_io_reader *r, const unsigned *channels, unsigned n)
{
    if (!r || !channels)
        return LTR_IO_ERR_ARGUMENT;
    if (r->started)
        return ltri_io_fail(&r->err, LTR_IO_ERR_ARGUMENT, 0,
                            "%s: channels must be chosen before reading", r->name);
    if (n == 0 || n > LTR_MAX_CHANNELS)
        return ltri_io_fail(&r->err, LTR_IO_ERR_CHANNEL, 0,
                            "%s: %u channels chosen; choose 1 to %u", r->name, n,
                            LTR_MAX_CHANNELS);
    for (unsigned k = 0; k < n; k++) {
        if (channels[k] >= r->info.n_channels)
            return ltri_io_fail(&r->err, LTR_IO_ERR_CHANNEL, 0,
                                "%s: no channel %u (the file has %u)", r->name, channels[k],
                                r->info.n_channels);
        double fs0 = r->channels[channels[0]].sample_rate_hz;
        double fs = r->channels[channels[k]].sample_rate_hz;
        if (fs != fs0)
            return ltri_io_fail(&r->err, LTR_IO_ERR_RATE, 0,
                                "%s: channels %s (%g Hz) and %s (%g Hz) have different sample "
                                "rates; libltr does not resample: choose channels of one rate",
                                r->name, r->channels[channels[0]].name, fs0,
                                r->channels[channels[k]].name, fs);
    }
    memcpy(r->sel, channels, n * sizeof *channels);
    r->n_sel = n;
    r->info.n_selected = n;
    r->info.sample_rate_hz = r->channels[channels[0]].sample_rate_hz;
    if (r->channels[channels[0]].n_samples >= 0)
        r->info.n_frames = r->channels[channels[0]].n_samples;
    return LTR_IO_OK;
}

ltr_io_status ltr_io_reader_read(ltr_io_reader *r, float *frames, size_t max_frames,
                                 size_t *n_frames)
{
    if (!r || !n_frames || (!frames && max_frames))
        return LTR_IO_ERR_ARGUMENT;
    *n_frames = 0;
    if (!r->started) {
        if (r->n_sel == 0) {
            if (r->info.n_channels > LTR_MAX_CHANNELS)
                return ltri_io_fail(&r->err, LTR_IO_ERR_CHANNEL, 0,
                                    "%s: %u channels; choose at most %u", r->name,
                                    r->info.n_channels, LTR_MAX_CHANNELS);
            unsigned all[LTR_MAX_CHANNELS];
            for (unsigned c = 0; c < r->info.n_channels; c++)
                all[c] = c;
            ltr_io_status s = ltr_io_reader_select(r, all, r->info.n_channels);
            if (s != LTR_IO_OK)
                return s;
        }
        r->started = 1;
    }
    if (r->failed != LTR_IO_OK)
        return r->failed; /* a stream that failed stays failed */
    if (max_frames == 0)
        return LTR_IO_OK;
    ltr_io_status s = r->ops->read(r, frames, max_frames, n_frames);
    if (s != LTR_IO_OK)
        r->failed = s;
    return s;
}
