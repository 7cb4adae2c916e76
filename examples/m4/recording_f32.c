/*
 * recording_f32: a recording (anything libltr-io reads: FLAC, WAV, EDF, CSV,
 * ...) to raw little-endian float32 frames, the form examples/m4 embeds in
 * its firmware image. A host program (it links libltr-io).
 *
 * usage: recording_f32 INPUT OUTPUT [CHANNEL]
 *   CHANNEL: name or 0-based index of the one channel to keep (default 0)
 * Prints "rate_hz channels frames" on standard output.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ltr/ltr_io.h"

/* raw f32le: the bytes of each float in little-endian order, whatever the host */
static int put_f32le(FILE *out, float x)
{
    uint32_t u;
    memcpy(&u, &x, sizeof u);
    const unsigned char b[4] = {(unsigned char)u, (unsigned char)(u >> 8),
                                (unsigned char)(u >> 16), (unsigned char)(u >> 24)};
    return fwrite(b, 1, 4, out) == 4 ? 0 : -1;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s INPUT OUTPUT [CHANNEL]\n", argv[0]);
        return 2;
    }
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    if (ltr_io_reader_open(&r, argv[1], NULL, &err) != LTR_IO_OK) {
        fprintf(stderr, "recording_f32: %s\n", err.message);
        return 3;
    }
    unsigned ch = 0;
    if (ltr_io_reader_find_channel(r, argc > 3 ? argv[3] : "0", &ch) != LTR_IO_OK ||
        ltr_io_reader_select(r, &ch, 1) != LTR_IO_OK) {
        fprintf(stderr, "recording_f32: %s\n", ltr_io_reader_error(r)->message);
        ltr_io_reader_close(r);
        return 5;
    }
    ltr_io_info info;
    if (ltr_io_reader_info(r, &info) != LTR_IO_OK) {
        ltr_io_reader_close(r);
        return 1;
    }
    FILE *out = fopen(argv[2], "wb");
    if (!out) {
        perror(argv[2]);
        ltr_io_reader_close(r);
        return 8;
    }
    float buf[4096];
    size_t n = 0;
    uint64_t frames = 0;
    ltr_io_status st;
    int rc = 0;
    while ((st = ltr_io_reader_read(r, buf, sizeof buf / sizeof buf[0], &n)) == LTR_IO_OK &&
           n > 0) {
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = put_f32le(out, buf[i]);
        frames += n;
    }
    if (st != LTR_IO_OK) {
        fprintf(stderr, "recording_f32: %s\n", ltr_io_reader_error(r)->message);
        rc = 4;
    }
    if (fclose(out) != 0 || rc == -1) {
        fprintf(stderr, "recording_f32: %s: write failed\n", argv[2]);
        rc = 8;
    }
    ltr_io_reader_close(r);
    if (rc != 0)
        return rc;
    printf("%g 1 %llu\n", info.sample_rate_hz, (unsigned long long)frames);
    return 0;
}
