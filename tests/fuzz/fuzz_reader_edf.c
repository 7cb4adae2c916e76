/*
 * Fuzz harness of the EDF/EDF+/BDF/BDF+ reader (EDFlib): the file is written
 * to an in-memory temporary file, opened by its path, read, and closed on
 * every run (EDFlib keeps a process-wide table of open files: a file left
 * open would make the next run "already opened"). Then EDFlib reads the same
 * file directly and every frame the reader returned must be its samples.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input: FUZZ_READER_CONTROL bytes of choices, then the file. Checks: those of
 * fuzz_reader.h; each selected sample (repeated channels included) is
 * EDFlib's physical sample of that signal at that index.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "fuzz_reader.h"

#define HARNESS "reader_edf"

/* The selected signals' first n samples as EDFlib reads them: ref[k][i]. */
static int reference(const char *path, const fuzz_read *res, double **ref)
{
    static struct edf_hdr_struct hdr; /* ~140 kB */
    memset(&hdr, 0, sizeof hdr);
    if (edfopen_file_readonly(path, &hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0)
        return -1;
    int ok = 1;
    for (unsigned k = 0; k < res->n_sel && ok; k++) {
        ref[k] = malloc((res->n_frames ? res->n_frames : 1) * sizeof **ref);
        if (!ref[k])
            abort();
        ok = res->sel[k] < (unsigned)hdr.edfsignals &&
             edfseek(hdr.handle, (int)res->sel[k], 0, EDFSEEK_SET) == 0 &&
             edfread_physical_samples(hdr.handle, (int)res->sel[k], (int)res->n_frames, ref[k]) ==
                 (int)res->n_frames;
    }
    edfclose_file(hdr.handle);
    return ok ? 0 : -2;
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
    o.format = b0 & 1u ? LTR_IO_FORMAT_AUTO : LTR_IO_FORMAT_EDF;
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
    ltr_io_reader_close(r); /* before EDFlib opens the path again */
    if (info.format != LTR_IO_FORMAT_EDF || res.end == LTR_IO_ERR_CHANNEL || res.n_frames == 0) {
        free(res.frames);
        return 0;
    }
    double *ref[LTR_MAX_CHANNELS] = {0};
    const int rc = reference(path, &res, ref);
    FUZZ_CHECK(HARNESS, rc == 0, "the reader read %zu frames that EDFlib cannot read itself (%d)",
               res.n_frames, rc);
    for (size_t i = 0; i < res.n_frames; i++)
        for (unsigned k = 0; k < res.n_sel; k++) {
            const float want = (float)ref[k][i];
            const float have = res.frames[i * res.n_sel + k];
            FUZZ_CHECK(HARNESS, fuzz_same_float(have, want),
                       "frame %zu, selected channel %u (signal %u): read %a, EDFlib %a", i, k,
                       res.sel[k], (double)have, (double)want);
        }
    for (unsigned k = 0; k < res.n_sel; k++)
        free(ref[k]);
    free(res.frames);
    return 0;
}
