/*
 * Reading the real recordings of ../shared/data (test helper): text tables
 * and WFDB format-16 records. Nothing here is part of libltr.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_REAL_IO_H
#define LTR_TESTS_REAL_IO_H

#include <stddef.h>
#include <stdint.h>

/* A table of numbers, row-major: v[row * cols + col]. */
typedef struct real_table {
    double *v;
    size_t rows, cols;
} real_table;

/* Read a text table: '#' lines and rows whose first field is not a number
 * (header rows) are skipped; fields are separated by commas, tabs or spaces;
 * "NaN" is a number. Every data row must have as many fields as the first.
 * Returns 0, or -1 (file missing or malformed; nothing to free). */
int real_table_read(const char *path, real_table *t);

void real_table_free(real_table *t);

/* One column as float, with `offset` subtracted. Caller frees. */
float *real_table_column(const real_table *t, size_t col, double offset);

/* A single-signal WFDB record in format 16 (little-endian int16), as written
 * by PhysioNet: `hea` is the header's path, the .dat is found beside it.
 * Physical value = (counts - baseline) / gain_per_unit. The first-sample
 * field of the header is checked against the data. Returns 0 or -1. */
typedef struct real_wfdb {
    int16_t *counts;
    size_t n;
    double fs_hz;
    double gain_per_unit; /* ADC units per physical unit (e.g. 10000 per mV) */
    double baseline;      /* counts at 0 physical units */
    char units[16];
} real_wfdb;

int real_wfdb_read(const char *hea, real_wfdb *rec);

void real_wfdb_free(real_wfdb *rec);

#endif /* LTR_TESTS_REAL_IO_H */
