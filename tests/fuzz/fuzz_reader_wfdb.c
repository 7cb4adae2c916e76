/*
 * Fuzz harness of the PhysioNet WFDB reader (libltr-io's own: header(5) and
 * signal(5) formats 16, 212, 80): a header and up to two signal files are
 * written into a folder of this process (made once, emptied at exit), the
 * header is opened by its path, read, and closed on every run.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices (byte 0: format WFDB or
 * automatic from the name, and a rate option; bytes 1-2 and 3-4: the lengths
 * of the header and of r.dat, little-endian), then the header text "r.hea",
 * the bytes of "r.dat", and the rest as "s.dat" (a record may keep signals in
 * two files). Checks: those of fuzz_reader.h, and no sample is infinite (the
 * invalid-sample codes are NaN; the gain and baseline must keep every code a
 * float).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_reader.h"

#define HARNESS "reader_wfdb"

static char folder[256];

static void remove_folder(void)
{
    static const char *const names[] = {"r.hea", "r.dat", "s.dat"};
    char path[300];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", folder, names[i]);
        unlink(path);
    }
    rmdir(folder);
}

static void put(const char *name, const uint8_t *data, size_t size)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", folder, name);
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!folder[0]) {
        /* In memory when the system has /dev/shm: three files written per input. */
        const char *tmp = getenv("TMPDIR");
        if (!tmp || !*tmp)
            tmp = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
        snprintf(folder, sizeof folder, "%s/ltr-fuzz-wfdb-XXXXXX", tmp);
        if (!mkdtemp(folder))
            abort();
        atexit(remove_folder);
    }
    uint8_t control[FUZZ_READER_CONTROL] = {0};
    const size_t nc = size < sizeof control ? size : sizeof control;
    memcpy(control, data, nc);
    fuzz_bytes ctl = {control, sizeof control};
    const uint8_t *rest = data + nc;
    size_t left = size - nc;

    const uint8_t b0 = fuzz_u8(&ctl);
    size_t header_len = fuzz_u16(&ctl), r_len = fuzz_u16(&ctl);
    header_len = header_len < left ? header_len : left;
    put("r.hea", rest, header_len);
    rest += header_len;
    left -= header_len;
    r_len = r_len < left ? r_len : left;
    put("r.dat", rest, r_len);
    put("s.dat", rest + r_len, left - r_len);

    static const double rates[4] = {0, 0, 1000, 12345.5};
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.format = b0 & 1u ? LTR_IO_FORMAT_AUTO : LTR_IO_FORMAT_WFDB;
    o.sample_rate_hz = rates[b0 / 2u % 4u];
    char path[300];
    snprintf(path, sizeof path, "%s/r.hea", folder);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    const ltr_io_status st = ltr_io_reader_open(&r, path, &o, &err);
    if (st != LTR_IO_OK) {
        FUZZ_CHECK(HARNESS, r == NULL, "a failed open left a reader");
        fuzz_reader_check_open_error(HARNESS, st, &err);
        return 0;
    }
    fuzz_read res;
    fuzz_reader_exercise(HARNESS, r, &ctl, 0, &res);
    ltr_io_reader_close(r);
    for (size_t i = 0; i < res.n_frames * res.n_sel; i++)
        FUZZ_CHECK(HARNESS, !isinf(res.frames[i]), "sample %zu (frame %zu) is %g", i,
                   i / res.n_sel, (double)res.frames[i]);
    free(res.frames);
    return 0;
}
