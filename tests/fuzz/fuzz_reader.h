/*
 * What every reader harness checks on an opened ltr_io_reader, whatever the
 * format (tests/fuzz).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input layout of the reader harnesses: FUZZ_READER_CONTROL bytes of choices
 * (options, channels looked up and selected, block sizes), then the file.
 */
#ifndef LTR_FUZZ_READER_H
#define LTR_FUZZ_READER_H

#include "fuzz.h"
#include "ltr/ltr_io.h"

/* Bytes of choices before the file. */
#define FUZZ_READER_CONTROL 16u

/* Samples read per input at most: a tiny compressed file may decode to many. */
#define FUZZ_READER_MAX_SAMPLES (1u << 20)

typedef struct fuzz_read {
    float *frames;          /* what was read, n_frames x n_sel (malloc'd; free it) */
    size_t n_frames;
    unsigned n_sel;
    unsigned sel[LTR_MAX_CHANNELS];
    ltr_io_status end;      /* the status the reading ended with */
    int capped;             /* stopped at FUZZ_READER_MAX_SAMPLES, not at the end */
} fuzz_read;

/* A failed open: a negative status, the same in err, and a message naming the problem. */
void fuzz_reader_check_open_error(const char *harness, ltr_io_status st, const ltr_io_error *err);

/*
 * Exercise an opened reader with choices from ctl: info and channel
 * descriptions hold together, every channel is found by its name and index,
 * a name that is none is refused with a message, a selection (maybe a bad
 * one: refused with its status), then reads of random sizes up to the end or
 * an error (the frames returned fit the array; an error stays; the end
 * stays; n_frames, when known, is what was read). finite: every sample must
 * be finite. The frames read are returned in out (may be NULL).
 */
void fuzz_reader_exercise(const char *harness, ltr_io_reader *r, fuzz_bytes *ctl, int finite,
                          fuzz_read *out);

/* Same float, bit for bit (any NaN equals any NaN). */
int fuzz_same_float(float a, float b);

#endif /* LTR_FUZZ_READER_H */
