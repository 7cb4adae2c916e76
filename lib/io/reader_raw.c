/*
 * Raw interleaved samples, f32le or s16le, from a file or a pipe (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Made for devices and acquisition programs that pipe samples into
 * `ltr stream`: a read returns the whole frames that have arrived and blocks
 * only while not even one frame has. Byte order is decoded explicitly, so
 * the stream means the same on any host.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_internal.h"

#define RAW_BUFFER (64u * 1024u)
#define RAW_MAX_CHANNELS 1024u

typedef struct raw_impl {
    int fd, own_fd, eof;
    unsigned sample_bytes;  /* 4 (f32) or 2 (s16) */
    float gain;             /* s16: units per count */
    size_t buffered;        /* bytes in buf */
    uint64_t frames;        /* frames returned so far */
    unsigned char *buf;     /* RAW_BUFFER bytes */
    float *scratch;         /* every channel of the frames being decoded */
} raw_impl;

static float decode(const unsigned char *p, const raw_impl *w)
{
    if (w->sample_bytes == 2) {
        uint16_t u = (uint16_t)(p[0] | (p[1] << 8));
        int32_t v = u >= 0x8000u ? (int32_t)u - 0x10000 : (int32_t)u;
        return (float)v * w->gain;
    }
    uint32_t u = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
                 ((uint32_t)p[3] << 24);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static ltr_io_status raw_read(ltr_io_reader *r, float *frames, size_t max, size_t *n)
{
    raw_impl *w = r->impl;
    const unsigned n_all = r->info.n_channels;
    const size_t frame_bytes = (size_t)n_all * w->sample_bytes;
    *n = 0;
    /* Block only until one whole frame is there. */
    while (w->buffered < frame_bytes && !w->eof) {
        ssize_t k = read(w->fd, w->buf + w->buffered, RAW_BUFFER - w->buffered);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            return ltri_io_fail(&r->err, LTR_IO_ERR_READ, 0, "%s: read error: %s", r->name,
                                strerror(errno));
        if (k == 0)
            w->eof = 1;
        w->buffered += (size_t)k;
    }
    if (w->buffered < frame_bytes) {
        if (w->buffered > 0)
            return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, 0,
                                "%s: truncated: %zu trailing bytes after frame %llu are not a "
                                "whole frame of %u channels",
                                r->name, w->buffered, (unsigned long long)w->frames, n_all);
        return LTR_IO_OK;
    }
    size_t count = w->buffered / frame_bytes;
    if (count > max)
        count = max;
    size_t done = 0;
    while (done < count) {
        size_t step = count - done < LTRI_IO_BLOCK / 4 ? count - done : LTRI_IO_BLOCK / 4;
        const unsigned char *p = w->buf + done * frame_bytes;
        for (size_t i = 0; i < step * n_all; i++)
            w->scratch[i] = decode(p + i * w->sample_bytes, w);
        ltri_io_pick(w->scratch, step, n_all, r->sel, r->n_sel, frames + done * r->n_sel);
        done += step;
    }
    size_t used = count * frame_bytes;
    memmove(w->buf, w->buf + used, w->buffered - used);
    w->buffered -= used;
    w->frames += count;
    *n = count;
    return LTR_IO_OK;
}

static void raw_close(ltr_io_reader *r)
{
    raw_impl *w = r->impl;
    if (!w)
        return;
    if (w->own_fd)
        close(w->fd);
    free(w->buf);
    free(w->scratch);
    free(w);
}

static const ltri_reader_ops raw_ops = {raw_read, raw_close};

ltr_io_status ltri_open_raw(ltr_io_reader **out, int fd, int own_fd, const char *name,
                            const ltr_io_options *o, ltr_io_error *err)
{
    ltr_io_status st = LTR_IO_OK;
    if (o->raw_channels < 1 || o->raw_channels > RAW_MAX_CHANNELS)
        st = ltri_io_fail(err, LTR_IO_ERR_CHANNEL, 0,
                          "%s: raw input needs its channel count (--channels 1..%u)", name,
                          RAW_MAX_CHANNELS);
    else if (!(o->sample_rate_hz > 0) || !isfinite(o->sample_rate_hz))
        st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0, "%s: raw input needs its sample rate (--rate)",
                          name);
    else if (o->format == LTR_IO_FORMAT_RAW_S16LE && !(o->raw_gain > 0 && isfinite(o->raw_gain)))
        st = ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "%s: the gain must be > 0", name);
    if (st != LTR_IO_OK) {
        if (own_fd)
            close(fd);
        return st;
    }
    ltr_io_reader *r;
    st = ltri_reader_alloc(&r, name, o->raw_channels, err);
    raw_impl *w = st == LTR_IO_OK ? calloc(1, sizeof *w) : NULL;
    if (w) {
        w->buf = malloc(RAW_BUFFER);
        w->scratch = malloc((size_t)(LTRI_IO_BLOCK / 4) * o->raw_channels * sizeof *w->scratch);
    }
    if (!w || !w->buf || !w->scratch) {
        if (w) {
            free(w->buf);
            free(w->scratch);
            free(w);
        }
        if (st == LTR_IO_OK) {
            ltr_io_reader_close(r);
            st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
        }
        if (own_fd)
            close(fd);
        return st;
    }
    w->fd = fd;
    w->own_fd = own_fd;
    const int s16 = o->format == LTR_IO_FORMAT_RAW_S16LE;
    w->sample_bytes = s16 ? 2 : 4;
    w->gain = (float)o->raw_gain;
    r->impl = w;
    r->ops = &raw_ops;
    r->info.format = o->format;
    ltri_io_strlcpy(r->info.format_name, s16 ? "raw s16le" : "raw f32le",
                    sizeof r->info.format_name);
    ltri_io_strlcpy(r->info.rate_source, "option", sizeof r->info.rate_source);
    for (unsigned c = 0; c < r->info.n_channels; c++) {
        ltr_io_channel *ch = &r->channels[c];
        ch->sample_rate_hz = o->sample_rate_hz;
        if (s16) {
            ltri_io_strlcpy(ch->unit, o->raw_gain == 1.0 ? "counts" : "", sizeof ch->unit);
            ch->has_range = 1;
            ch->range_min = -32768.0 * o->raw_gain;
            ch->range_max = 32767.0 * o->raw_gain;
        }
    }
    *out = r;
    return LTR_IO_OK;
}
