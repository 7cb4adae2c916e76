/*
 * Fuzz harness of the MATLAB .mat reader (matio: v4, v5, v7.3 through HDF5):
 * the file is written to an in-memory temporary file and opened by its path as
 * .mat, read, and closed on every run.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices (byte 0: a rate option), then the
 * file. Checks: those of fuzz_reader.h (a .mat is loaded whole at open, so its
 * frame count is known and must be what reading yields); NaN and Inf are
 * allowed: a double matrix may hold them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "fuzz_reader.h"

#define HARNESS "reader_mat"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t control[FUZZ_READER_CONTROL] = {0};
    const size_t nc = size < sizeof control ? size : sizeof control;
    memcpy(control, data, nc);
    fuzz_bytes ctl = {control, sizeof control};

    const uint8_t b0 = fuzz_u8(&ctl);
    static const double rates[4] = {0, 0, 1000, 12345.5};
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.format = LTR_IO_FORMAT_MAT; /* the memory file has no .mat name */
    o.sample_rate_hz = rates[b0 % 4u];

    char path[64];
    if (fuzz_memfile(data + nc, size - nc, path, sizeof path) < 0)
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
    FUZZ_CHECK(HARNESS, info.format == LTR_IO_FORMAT_MAT && info.n_frames >= 0,
               "a .mat opened as format %d with %lld frames", (int)info.format,
               (long long)info.n_frames);
    fuzz_read res;
    fuzz_reader_exercise(HARNESS, r, &ctl, 0, &res);
    ltr_io_reader_close(r);
    free(res.frames);
    return 0;
}
