/*
 * MATLAB v5 variables checked before matio reads them (mat_check.c; libltr-io built
 * with matio only).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_IO_MAT_CHECK_H
#define LTR_IO_MAT_CHECK_H

#include "io_internal.h"

/* A compressed variable inflates to at most this many bytes here (2 GiB: 268 M doubles,
 * 9 hours of 4 channels at 2 kHz). */
#define LTRI_MAT_MAX_INFLATED ((size_t)1 << 31)

/* Walk the data elements of the v5 file at path: LTR_IO_OK, or LTR_IO_ERR_FORMAT with a
 * message when one runs past the end of the file or a variable does not hold together
 * (mat_check.c says what is checked). */
ltr_io_status ltri_mat_check_v5(const char *path, ltr_io_error *err);

#endif /* LTR_IO_MAT_CHECK_H */
