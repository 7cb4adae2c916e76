/*
 * Audio-style files through libsndfile: WAV, FLAC, AIFF, CAF, W64, ...
 * (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * libsndfile reads integer samples as floats scaled to +-1 full scale
 * (unit "FS", range [-1, 1]: a sample at either end may be clipped) and float
 * samples as they are (unit unknown). The file's frame count is known at open;
 * a file that ends before it is reported as truncated.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "io_internal.h"

static pthread_mutex_t open_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct sf_impl {
    SNDFILE *sf;
    float *scratch;       /* LTRI_IO_BLOCK frames of every channel */
    int64_t frames_read;
} sf_impl;

static ltr_io_status sf_read(ltr_io_reader *r, float *frames, size_t max, size_t *n)
{
    sf_impl *s = r->impl;
    const unsigned n_all = r->info.n_channels;
    size_t done = 0;
    while (done < max) {
        size_t want = max - done < LTRI_IO_BLOCK ? max - done : LTRI_IO_BLOCK;
        sf_count_t got = sf_readf_float(s->sf, s->scratch, (sf_count_t)want);
        if (got < 0)
            got = 0;
        ltri_io_pick(s->scratch, (size_t)got, n_all, r->sel, r->n_sel, frames + done * r->n_sel);
        done += (size_t)got;
        s->frames_read += got;
        if ((size_t)got < want) {
            *n = done;
            if (sf_error(s->sf) != SF_ERR_NO_ERROR)
                return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, 0, "%s: corrupt data after frame %lld: %s",
                                    r->name, (long long)s->frames_read, sf_strerror(s->sf));
            if (r->info.n_frames >= 0 && s->frames_read < r->info.n_frames)
                return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, 0,
                                    "%s: truncated: %lld of %lld frames", r->name,
                                    (long long)s->frames_read, (long long)r->info.n_frames);
            return LTR_IO_OK;
        }
    }
    *n = done;
    return LTR_IO_OK;
}

static void sf_close_impl(ltr_io_reader *r)
{
    sf_impl *s = r->impl;
    if (!s)
        return;
    if (s->sf)
        sf_close(s->sf);
    free(s->scratch);
    free(s);
}

static const ltri_reader_ops sf_ops = {sf_read, sf_close_impl};

/* "WAV (Microsoft), 16 bit PCM" from libsndfile's own format names. */
static void format_name(int format, char *buf, size_t size)
{
    SF_FORMAT_INFO major = {.format = format & SF_FORMAT_TYPEMASK};
    SF_FORMAT_INFO sub = {.format = format & SF_FORMAT_SUBMASK};
    const char *mname = sf_command(NULL, SFC_GET_FORMAT_INFO, &major, sizeof major) == 0
                            ? major.name : "audio";
    const char *sname = sf_command(NULL, SFC_GET_FORMAT_INFO, &sub, sizeof sub) == 0
                            ? sub.name : "";
    snprintf(buf, size, "%s%s%s", mname, *sname ? ", " : "", sname);
}

/* libsndfile opens a WAV/AIFF whose data chunk is cut short and reads what is there,
 * noting "data : 80000 (should be 2920)" in its log. A recording cut short is damaged:
 * say so rather than process part of it silently. Returns 1 and the sizes if so. */
static int truncated_chunk(SNDFILE *sf, long long *announced, long long *present)
{
    char log[4096];
    sf_command(sf, SFC_GET_LOG_INFO, log, sizeof log);
    for (const char *line = log; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "data", 4) != 0 && strncmp(line, "SSND", 4) != 0)
            continue;
        long long a, b;
        const char *colon = strchr(line, ':');
        if (colon && sscanf(colon + 1, " %lld (should be %lld)", &a, &b) == 2 && b < a) {
            *announced = a;
            *present = b;
            return 1;
        }
    }
    return 0;
}

static int is_float_subtype(int format)
{
    int sub = format & SF_FORMAT_SUBMASK;
    return sub == SF_FORMAT_FLOAT || sub == SF_FORMAT_DOUBLE || sub == SF_FORMAT_VORBIS ||
           sub == SF_FORMAT_OPUS;
}

/* libsndfile refuses a WAV whose fmt chunk says 0 Hz or 0 channels with "SF_INFO struct
 * incomplete", which tells a person nothing. When an open fails, look at the fmt chunk
 * ourselves: 1 and a description if that is why. */
static int wav_fmt_problem(const char *path, char *what, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    unsigned char head[12], chunk[8], fmt[8];
    int found = 0;
    if (fread(head, 1, 12, f) == 12 && !memcmp(head, "RIFF", 4) && !memcmp(head + 8, "WAVE", 4)) {
        /* Chunks: 4-byte id, 4-byte little-endian size, data padded to an even size. */
        for (int k = 0; k < 64 && fread(chunk, 1, 8, f) == 8; k++) {
            unsigned long len = chunk[4] | (chunk[5] << 8) | ((unsigned long)chunk[6] << 16) |
                                ((unsigned long)chunk[7] << 24);
            if (!memcmp(chunk, "fmt ", 4)) {
                found = len >= 8 && fread(fmt, 1, 8, f) == 8;
                break;
            }
            if (fseek(f, (long)(len + (len & 1)), SEEK_CUR) != 0)
                break;
        }
    }
    fclose(f);
    if (!found)
        return 0;
    unsigned channels = fmt[2] | (fmt[3] << 8);
    unsigned long rate = fmt[4] | (fmt[5] << 8) | ((unsigned long)fmt[6] << 16) |
                         ((unsigned long)fmt[7] << 24);
    if (rate == 0)
        snprintf(what, size, "its header (fmt chunk) gives a sample rate of 0 Hz");
    else if (channels == 0)
        snprintf(what, size, "its header (fmt chunk) gives 0 channels");
    else
        return 0;
    return 1;
}

ltr_io_status ltri_open_sndfile(ltr_io_reader **out, const char *path, const ltr_io_options *o,
                                ltr_io_error *err)
{
    SF_INFO info;
    memset(&info, 0, sizeof info);
    /* sf_strerror(NULL) reports the last failed open of the whole process: hold a lock
     * from the open to reading it, so parallel readers (ltr batch) get their own message. */
    pthread_mutex_lock(&open_lock);
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    if (!sf) {
        char why[200];
        snprintf(why, sizeof why, "%s", sf_strerror(NULL));
        pthread_mutex_unlock(&open_lock);
        char what[128];
        if (wav_fmt_problem(path, what, sizeof what))
            return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: not a valid WAV file: %s", path,
                                what);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: not a readable audio file: %s", path,
                            why);
    }
    pthread_mutex_unlock(&open_lock);
    if (info.channels <= 0) {
        sf_close(sf);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no channels", path);
    }
    if (info.frames == 0) {
        sf_close(sf);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no samples (the file holds 0 frames)",
                            path);
    }
    long long announced, present;
    if (truncated_chunk(sf, &announced, &present)) {
        sf_close(sf);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: truncated: the header announces %lld bytes of samples, the file "
                            "holds %lld",
                            path, announced, present);
    }
    ltr_io_reader *r;
    ltr_io_status st = ltri_reader_alloc(&r, path, (unsigned)info.channels, err);
    if (st != LTR_IO_OK) {
        sf_close(sf);
        return st;
    }
    sf_impl *s = calloc(1, sizeof *s);
    float *scratch = s ? malloc((size_t)LTRI_IO_BLOCK * (size_t)info.channels * sizeof *scratch)
                       : NULL;
    if (!s || !scratch) {
        free(s);
        free(scratch);
        sf_close(sf);
        ltr_io_reader_close(r);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    s->sf = sf;
    s->scratch = scratch;
    r->impl = s;
    r->ops = &sf_ops;

    double fs = o->sample_rate_hz > 0 ? o->sample_rate_hz : (double)info.samplerate;
    r->info.format = LTR_IO_FORMAT_SNDFILE;
    format_name(info.format, r->info.format_name, sizeof r->info.format_name);
    ltri_io_strlcpy(r->info.rate_source, o->sample_rate_hz > 0 ? "option" : "header",
                    sizeof r->info.rate_source);
    r->info.n_frames = info.frames >= 0 ? (int64_t)info.frames : -1;
    const int integer = !is_float_subtype(info.format);
    for (unsigned c = 0; c < r->info.n_channels; c++) {
        ltr_io_channel *ch = &r->channels[c];
        ch->sample_rate_hz = fs;
        ch->n_samples = r->info.n_frames;
        if (integer) {
            ltri_io_strlcpy(ch->unit, "FS", sizeof ch->unit);
            ch->has_range = 1;
            ch->range_min = -1.0;
            ch->range_max = 1.0;
        }
    }
    *out = r;
    return LTR_IO_OK;
}
