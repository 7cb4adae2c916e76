/*
 * mat-from-io IN OUT.mat 5|73 [t]: a recording read through libltr-io written as a
 * MATLAB .mat with matio (the layout reader_mat.c reads): the samples as a double
 * matrix 'data' (samples x channels; channels x samples with t), the rate as 'fs'
 * and the channel names as a cell array 'labels'. For tests/cli/test_mat.sh.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <matio.h>

#include "ltr/ltr_io.h"

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 5) {
        fprintf(stderr, "usage: mat-from-io IN OUT.mat 5|73 [t]\n");
        return 2;
    }
    const int transpose = argc == 5 && !strcmp(argv[4], "t");
    ltr_io_reader *r;
    ltr_io_error err;
    if (ltr_io_reader_open(&r, argv[1], NULL, &err) != LTR_IO_OK) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    const unsigned nc = info.n_channels;
    size_t cap = 1 << 16, n = 0, got;
    float *all = malloc(cap * nc * sizeof *all);
    float block[4096];
    const size_t per = sizeof block / sizeof block[0] / nc;
    while (all && ltr_io_reader_read(r, block, per, &got) == LTR_IO_OK && got > 0) {
        if (n + got > cap) {
            cap *= 2;
            float *more = realloc(all, cap * nc * sizeof *all);
            if (!more) {
                free(all);
                all = NULL;
                break;
            }
            all = more;
        }
        memcpy(all + n * nc, block, got * nc * sizeof *all);
        n += got;
    }
    if (!all || ltr_io_reader_error(r)->status != LTR_IO_OK) {
        fprintf(stderr, "%s: cannot read\n", argv[1]);
        return 1;
    }
    double *x = malloc(n * nc * sizeof *x);
    if (!x)
        return 1;
    for (size_t i = 0; i < n; i++)
        for (unsigned c = 0; c < nc; c++)
            x[transpose ? c + i * nc : i + c * n] = all[i * nc + c];
    mat_t *m = Mat_CreateVer(argv[2], NULL, !strcmp(argv[3], "73") ? MAT_FT_MAT73 : MAT_FT_MAT5);
    if (!m) {
        fprintf(stderr, "%s: cannot create\n", argv[2]);
        return 1;
    }
    size_t dims[2] = {transpose ? nc : n, transpose ? n : nc};
    matvar_t *v = Mat_VarCreate("data", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, x, 0);
    int bad = !v || Mat_VarWrite(m, v, MAT_COMPRESSION_ZLIB) != 0;
    Mat_VarFree(v);
    double fs = info.sample_rate_hz;
    size_t one[2] = {1, 1};
    v = Mat_VarCreate("fs", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one, &fs, 0);
    bad |= !v || Mat_VarWrite(m, v, MAT_COMPRESSION_NONE) != 0;
    Mat_VarFree(v);
    size_t ldims[2] = {1, nc};
    matvar_t *cell = Mat_VarCreate("labels", MAT_C_CELL, MAT_T_CELL, 2, ldims, NULL, 0);
    for (unsigned c = 0; cell && c < nc; c++) {
        const char *name = ltr_io_reader_channel(r, c)->name;
        size_t d[2] = {1, strlen(name)};
        Mat_VarSetCell(cell, (int)c,
                       Mat_VarCreate(NULL, MAT_C_CHAR, MAT_T_UTF8, 2, d, (void *)name, 0));
    }
    bad |= !cell || Mat_VarWrite(m, cell, MAT_COMPRESSION_NONE) != 0;
    Mat_VarFree(cell);
    Mat_Close(m);
    ltr_io_reader_close(r);
    free(all);
    free(x);
    if (bad) {
        fprintf(stderr, "%s: cannot write\n", argv[2]);
        return 1;
    }
    return 0;
}
