/*
 * Fuzz harness of the libsndfile reader (WAV, FLAC, AIFF, CAF, W64, Ogg, ...):
 * the file is opened through ltr_io_reader_open from an in-memory file (so the
 * whole reader runs: sniffing, the truncation check, the channel picking), and
 * every frame it returns is compared with what libsndfile itself decodes from
 * the same bytes in memory through sf_open_virtual.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices, then the file. Checks: those of
 * fuzz_reader.h; the reader's channels and frame count are libsndfile's; each
 * selected sample is libsndfile's sample of that channel, bit for bit.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <sndfile.h>

#include "fuzz_reader.h"

#define HARNESS "reader_sndfile"

/* ------------------------------------------------------------ bytes as a file */

typedef struct memory_file {
    const uint8_t *data;
    sf_count_t size, pos;
} memory_file;

static sf_count_t mem_length(void *user)
{
    return ((memory_file *)user)->size;
}

static sf_count_t mem_seek(sf_count_t offset, int whence, void *user)
{
    memory_file *m = user;
    sf_count_t to = whence == SEEK_SET ? offset : whence == SEEK_CUR ? m->pos + offset
                                                                        : m->size + offset;
    if (to < 0 || to > m->size)
        return -1;
    m->pos = to;
    return to;
}

static sf_count_t mem_read(void *ptr, sf_count_t count, void *user)
{
    memory_file *m = user;
    if (count < 0)
        return 0;
    if (count > m->size - m->pos)
        count = m->size - m->pos;
    memcpy(ptr, m->data + m->pos, (size_t)count);
    m->pos += count;
    return count;
}

static sf_count_t mem_write(const void *ptr, sf_count_t count, void *user)
{
    (void)ptr;
    (void)count;
    (void)user;
    return 0; /* read only */
}

static sf_count_t mem_tell(void *user)
{
    return ((memory_file *)user)->pos;
}

/* libsndfile's own decoding of the first n frames; NULL if it cannot open the bytes. */
static float *reference(const uint8_t *file, size_t size, size_t n, SF_INFO *info, size_t *got)
{
    SF_VIRTUAL_IO io = {mem_length, mem_seek, mem_read, mem_write, mem_tell};
    memory_file m = {file, (sf_count_t)size, 0};
    memset(info, 0, sizeof *info);
    SNDFILE *sf = sf_open_virtual(&io, SFM_READ, info, &m);
    if (!sf)
        return NULL;
    float *frames = NULL;
    *got = 0;
    if (info->channels > 0) {
        frames = malloc((n ? n : 1) * (size_t)info->channels * sizeof *frames);
        if (!frames)
            abort();
        while (*got < n) {
            const sf_count_t k = sf_readf_float(sf, frames + *got * (size_t)info->channels,
                                                (sf_count_t)(n - *got));
            if (k <= 0)
                break;
            *got += (size_t)k;
        }
    }
    sf_close(sf);
    return frames;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t control[FUZZ_READER_CONTROL] = {0};
    const size_t nc = size < sizeof control ? size : sizeof control;
    memcpy(control, data, nc);
    fuzz_bytes ctl = {control, sizeof control};
    const uint8_t *file = data + nc;
    const size_t file_size = size - nc;

    const uint8_t b0 = fuzz_u8(&ctl);
    static const double rates[4] = {0, 0, 1000, 12345.5};
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.format = b0 & 1u ? LTR_IO_FORMAT_AUTO : LTR_IO_FORMAT_SNDFILE;
    o.sample_rate_hz = rates[b0 / 2u % 4u];

    char path[64];
    if (fuzz_memfile(file, file_size, path, sizeof path) < 0)
        abort();
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    const ltr_io_status st = ltr_io_reader_open(&r, path, &o, &err);
    if (st != LTR_IO_OK) {
        FUZZ_CHECK(HARNESS, r == NULL, "a failed open left a reader");
        fuzz_reader_check_open_error(HARNESS, st, &err);
        return 0;
    }
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    fuzz_read res;
    fuzz_reader_exercise(HARNESS, r, &ctl, 0, &res);
    ltr_io_reader_close(r);
    if (info.format != LTR_IO_FORMAT_SNDFILE || res.end == LTR_IO_ERR_CHANNEL) {
        free(res.frames);
        return 0; /* sniffed as another format, or too many channels unselected */
    }

    SF_INFO sfi;
    size_t got = 0;
    float *ref = reference(file, file_size, res.n_frames, &sfi, &got);
    FUZZ_CHECK(HARNESS, ref != NULL, "the reader opened what libsndfile cannot open from memory: %s",
               sf_strerror(NULL));
    FUZZ_CHECK(HARNESS, (unsigned)sfi.channels == info.n_channels,
               "the reader says %u channels, libsndfile %d", info.n_channels, sfi.channels);
    FUZZ_CHECK(HARNESS, info.n_frames == (int64_t)sfi.frames,
               "the reader says %lld frames, libsndfile %lld", (long long)info.n_frames,
               (long long)sfi.frames);
    FUZZ_CHECK(HARNESS, got == res.n_frames,
               "the reader returned %zu frames, libsndfile decodes %zu of them", res.n_frames, got);
    for (size_t i = 0; i < res.n_frames; i++)
        for (unsigned k = 0; k < res.n_sel; k++) {
            const float want = ref[i * (size_t)sfi.channels + res.sel[k]];
            const float have = res.frames[i * res.n_sel + k];
            FUZZ_CHECK(HARNESS, fuzz_same_float(have, want),
                       "frame %zu, selected channel %u (file channel %u): read %a, libsndfile %a",
                       i, k, res.sel[k], (double)have, (double)want);
        }
    free(ref);
    free(res.frames);
    return 0;
}
