/*
 * Fuzz harness of the raw reader (interleaved f32le / s16le): the bytes are
 * read by path, from a descriptor or from a pipe, with a channel count, rate
 * and gain the input chooses, and every sample returned is compared with the
 * harness's own decoding of the bytes.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices, then the samples. Checks: those
 * of fuzz_reader.h; bad options refused with their status and good ones
 * accepted; the frames are the whole frames of the bytes, exactly, in the
 * selected order; trailing bytes that are not a whole frame end the reading
 * with LTR_IO_ERR_FORMAT, and nothing else does.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_reader.h"

#define HARNESS "reader_raw"
#define PIPE_BYTES 65536u

static float decode(const uint8_t *p, int s16, float gain)
{
    if (s16) {
        const int16_t v = (int16_t)(uint16_t)(p[0] | p[1] << 8);
        return (float)v * gain;
    }
    const uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                       (uint32_t)p[3] << 24;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t control[FUZZ_READER_CONTROL] = {0};
    const size_t nc = size < sizeof control ? size : sizeof control;
    memcpy(control, data, nc);
    fuzz_bytes ctl = {control, sizeof control};
    const uint8_t *file = data + nc;
    const size_t file_size = size - nc;

    const uint8_t how = fuzz_u8(&ctl) % 3u;
    const uint8_t b1 = fuzz_u8(&ctl);
    const uint16_t chans = fuzz_u16(&ctl);
    static const double rates[8] = {2000, 2000, 10000, 50000, 0, -1, NAN, INFINITY};
    static const double gains[8] = {1, 1, 0.5e-3, 3, 0, -1, NAN, INFINITY};
    ltr_io_options o;
    ltr_io_options_default(&o);
    const int s16 = b1 & 1u;
    o.format = s16 ? LTR_IO_FORMAT_RAW_S16LE : LTR_IO_FORMAT_RAW_F32LE;
    o.sample_rate_hz = rates[b1 / 2u % 8u];
    o.raw_gain = gains[b1 / 16u % 8u];
    o.raw_channels = chans < 0xF000u ? 1u + chans % 8u : chans % 1100u; /* 0 and > 1024 too */

    char path[64];
    const int fd = fuzz_memfile(file, file_size, path, sizeof path);
    if (fd < 0)
        abort();
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    ltr_io_status st;
    int pipe_fd = -1;
    if (how == 0) {
        st = ltr_io_reader_open(&r, path, &o, &err);
    } else if (how == 1 || file_size > PIPE_BYTES) {
        st = ltr_io_reader_open_fd(&r, fd, "memfd.raw", &o, &err);
    } else {
        int p[2];
        if (pipe(p) != 0)
            abort();
        size_t done = 0;
        while (done < file_size) {
            const ssize_t k = write(p[1], file + done, file_size - done);
            if (k <= 0)
                abort();
            done += (size_t)k;
        }
        close(p[1]);
        pipe_fd = p[0];
        st = ltr_io_reader_open_fd(&r, pipe_fd, "pipe.raw", &o, &err);
    }

    /* What the options call for. */
    ltr_io_status want = LTR_IO_OK;
    if (how == 0 && file_size == 0)
        want = LTR_IO_ERR_FORMAT; /* an empty file, whatever the options */
    else if (o.raw_channels < 1 || o.raw_channels > 1024)
        want = LTR_IO_ERR_CHANNEL;
    else if (!(o.sample_rate_hz > 0) || !isfinite(o.sample_rate_hz))
        want = LTR_IO_ERR_RATE;
    else if (s16 && !(o.raw_gain > 0 && isfinite(o.raw_gain)))
        want = LTR_IO_ERR_ARGUMENT;
    FUZZ_CHECK(HARNESS, st == want, "open with %u channels, rate %g, gain %g (%s, %zu bytes): "
               "status %d, expected %d (%s)", o.raw_channels, o.sample_rate_hz, o.raw_gain,
               s16 ? "s16le" : "f32le", file_size, (int)st, (int)want,
               st != LTR_IO_OK ? err.message : "");
    if (st != LTR_IO_OK) {
        FUZZ_CHECK(HARNESS, r == NULL, "a failed open left a reader");
        fuzz_reader_check_open_error(HARNESS, st, &err);
        if (pipe_fd >= 0)
            close(pipe_fd);
        return 0;
    }
    fuzz_read res;
    fuzz_reader_exercise(HARNESS, r, &ctl, 0, &res);
    ltr_io_reader_close(r);
    if (pipe_fd >= 0)
        close(pipe_fd);

    const size_t width = (size_t)o.raw_channels * (s16 ? 2u : 4u);
    const size_t whole = file_size / width;
    const float gain = (float)o.raw_gain;
    for (size_t i = 0; i < res.n_frames && res.end != LTR_IO_ERR_CHANNEL; i++)
        for (unsigned k = 0; k < res.n_sel; k++) {
            const float want_v = decode(file + i * width + res.sel[k] * (s16 ? 2u : 4u), s16, gain);
            const float got = res.frames[i * res.n_sel + k];
            FUZZ_CHECK(HARNESS, fuzz_same_float(got, want_v),
                       "frame %zu, selected channel %u (file channel %u): read %a, the bytes say %a",
                       i, k, res.sel[k], (double)got, (double)want_v);
        }
    if (!res.capped && res.end != LTR_IO_ERR_CHANNEL) {
        FUZZ_CHECK(HARNESS, res.n_frames == whole, "read %zu frames of %zu bytes of %zu-byte frames",
                   res.n_frames, file_size, width);
        const ltr_io_status end = file_size % width ? LTR_IO_ERR_FORMAT : LTR_IO_OK;
        FUZZ_CHECK(HARNESS, res.end == end, "%zu bytes of %zu-byte frames ended with %d, expected %d",
                   file_size, width, (int)res.end, (int)end);
    }
    free(res.frames);
    return 0;
}
