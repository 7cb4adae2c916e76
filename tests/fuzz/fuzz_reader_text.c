/*
 * Fuzz harness of the text reader (CSV, TSV, semicolon- or blank-separated
 * numbers): the file is opened by path (as text, or by sniffing), from a
 * descriptor, or from a pipe (line by line), with options the input chooses.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices, then the file. Checks: those of
 * fuzz_reader.h, and every sample finite unless allow_nonfinite.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_reader.h"

#define HARNESS "reader_text"

/* Bytes a pipe takes without a reader (Linux: 64 KiB). */
#define PIPE_BYTES 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t control[FUZZ_READER_CONTROL] = {0};
    const size_t nc = size < sizeof control ? size : sizeof control;
    memcpy(control, data, nc);
    fuzz_bytes ctl = {control, sizeof control};
    const uint8_t *file = data + nc;
    const size_t file_size = size - nc;

    const uint8_t how = fuzz_u8(&ctl) % 4u;
    const uint8_t b1 = fuzz_u8(&ctl), b2 = fuzz_u8(&ctl);
    static const char delims[6] = {0, ',', '\t', ';', ' ', '|'};
    static const char *const time_cols[8] = {NULL, "", "none", "time", "0", "1", "2", "nosuch"};
    static const double rates[8] = {0, 0, 0, 1000, 2000.5, 0.001, 1e9, -5};
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.format = LTR_IO_FORMAT_TEXT;
    o.text_delimiter = delims[b1 % 6u];
    o.text_header = (int)(b1 / 6u % 3u) - 1;
    o.allow_nonfinite = (b1 & 0x80) != 0;
    o.text_time_column = time_cols[b2 % 8u];
    o.sample_rate_hz = rates[b2 / 8u % 8u];

    char path[64];
    const int fd = fuzz_memfile(file, file_size, path, sizeof path);
    if (fd < 0)
        abort();
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    ltr_io_status st;
    int pipe_fd = -1;
    if (how == 0 || how == 1) {
        if (how == 1)
            o.format = LTR_IO_FORMAT_AUTO; /* sniffed: text, or what the bytes look like */
        st = ltr_io_reader_open(&r, path, &o, &err);
    } else if (how == 2 || file_size > PIPE_BYTES) {
        st = ltr_io_reader_open_fd(&r, fd, "memfd.csv", &o, &err);
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
        st = ltr_io_reader_open_fd(&r, pipe_fd, "pipe.csv", &o, &err);
    }
    if (st != LTR_IO_OK) {
        FUZZ_CHECK(HARNESS, r == NULL, "a failed open left a reader");
        fuzz_reader_check_open_error(HARNESS, st, &err);
    } else {
        ltr_io_info info;
        ltr_io_reader_info(r, &info);
        const int finite = info.format == LTR_IO_FORMAT_TEXT && !o.allow_nonfinite;
        fuzz_reader_exercise(HARNESS, r, &ctl, finite, NULL);
        ltr_io_reader_close(r);
    }
    if (pipe_fd >= 0)
        close(pipe_fd);
    return 0;
}
