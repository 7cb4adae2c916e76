/*
 * A valid EDF opened twice in one process is read twice, not called corrupt
 * (issue 8.4: EDFlib refuses a path it has open already, "-6"; libltr-io
 * shares its handle between readers, each with its own position).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Writes a 2-signal EDF+ with EDFlib (a ramp per signal, so every sample says
 * where it is), then: two readers of it at once, read in turns with different
 * block sizes and channel orders, each gets exactly the samples of a reader
 * alone; one closed, the other reads on; a third opens while the second is
 * open; all closed, the file opens again.
 */
#define _POSIX_C_SOURCE 200809L
#include <edflib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ltr/ltr_io.h"

#define RATE 1000
#define SECONDS 5
#define N (RATE * SECONDS)

static int failures;

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) {                                     \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                  \
            fputc('\n', stderr);                           \
            failures++;                                    \
        }                                                  \
    } while (0)

/* Sample i of signal c: a ramp, exact in 16 bits with this scaling. */
static double expected(unsigned c, long i) { return (double)(i % 1000) + 1000.0 * c; }

static int write_edf(const char *path)
{
    int h = edfopen_file_writeonly(path, EDFLIB_FILETYPE_EDFPLUS, 2);
    if (h < 0)
        return -1;
    for (int c = 0; c < 2; c++) {
        edf_set_samplefrequency(h, c, RATE);
        edf_set_physical_maximum(h, c, 32767.0);
        edf_set_physical_minimum(h, c, -32768.0);
        edf_set_digital_maximum(h, c, 32767);
        edf_set_digital_minimum(h, c, -32768);
        edf_set_label(h, c, c ? "ACC" : "EMG");
        edf_set_physical_dimension(h, c, "uV");
    }
    double buf[RATE];
    for (int s = 0; s < SECONDS; s++)
        for (unsigned c = 0; c < 2; c++) {
            for (int i = 0; i < RATE; i++)
                buf[i] = expected(c, (long)s * RATE + i);
            if (edfwrite_physical_samples(h, buf) != 0)
                return -1;
        }
    return edfclose_file(h);
}

static ltr_io_reader *open_sel(const char *path, unsigned first, unsigned second)
{
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    ltr_io_status st = ltr_io_reader_open(&r, path, NULL, &err);
    CHECK(st == LTR_IO_OK, "open %s: %s", path, err.message);
    if (st != LTR_IO_OK)
        return NULL;
    unsigned sel[2] = {first, second};
    CHECK(ltr_io_reader_select(r, sel, 2) == LTR_IO_OK, "select: %s",
          ltr_io_reader_error(r)->message);
    return r;
}

/* Read up to `want` frames into r's stream position *pos, checking every sample. */
static void read_check(ltr_io_reader *r, const char *who, unsigned first, unsigned second,
                       size_t block, long *pos, long want)
{
    float buf[2 * 1024];
    if (block > 1024)
        block = 1024;
    long stop = *pos + want;
    while (*pos < stop) {
        size_t n = 0;
        size_t ask = block < (size_t)(stop - *pos) ? block : (size_t)(stop - *pos);
        ltr_io_status st = ltr_io_reader_read(r, buf, ask, &n);
        CHECK(st == LTR_IO_OK, "%s: read: %s", who, ltr_io_reader_error(r)->message);
        if (st != LTR_IO_OK || n == 0)
            return;
        for (size_t i = 0; i < n; i++) {
            long k = *pos + (long)i;
            if (buf[2 * i] != (float)expected(first, k) ||
                buf[2 * i + 1] != (float)expected(second, k)) {
                CHECK(0, "%s: frame %ld is (%g, %g), expected (%g, %g)", who, k, buf[2 * i],
                      buf[2 * i + 1], expected(first, k), expected(second, k));
                return;
            }
        }
        *pos += (long)n;
    }
}

int main(void)
{
    char dir[] = "/tmp/ltr-edf-twice.XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256];
    snprintf(path, sizeof path, "%s/twice.edf", dir);
    if (write_edf(path) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }

    ltr_io_reader *a = open_sel(path, 0, 1);
    ltr_io_reader *b = open_sel(path, 1, 0); /* the same file, the other order */
    if (a && b) {
        long pa = 0, pb = 0;
        /* In turns, with blocks that do not line up. */
        for (int turn = 0; turn < 6; turn++) {
            read_check(a, "reader a", 0, 1, 777, &pa, 613);
            read_check(b, "reader b", 1, 0, 128, &pb, 401);
        }
        ltr_io_reader_close(a);
        a = NULL;
        /* b goes on alone; a third reader opens meanwhile and starts from the start. */
        ltr_io_reader *c = open_sel(path, 0, 0);
        long pc = 0;
        read_check(b, "reader b after a closed", 1, 0, 500, &pb, N - pb);
        read_check(c, "reader c", 0, 0, 333, &pc, N);
        CHECK(pb == N && pc == N, "b read %ld, c read %ld frames of %d", pb, pc, N);
        size_t n = 1;
        float tail[2];
        CHECK(ltr_io_reader_read(b, tail, 1, &n) == LTR_IO_OK && n == 0, "b: no end");
        ltr_io_reader_close(c);
    }
    ltr_io_reader_close(a);
    ltr_io_reader_close(b);

    /* Every reader closed: the file opens again. */
    ltr_io_reader *d = open_sel(path, 0, 1);
    long pd = 0;
    if (d)
        read_check(d, "reader d", 0, 1, 1000, &pd, N);
    ltr_io_reader_close(d);

    unlink(path);
    rmdir(dir);
    if (failures)
        return 1;
    printf("ok\n");
    return 0;
}
