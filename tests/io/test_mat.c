/*
 * The MATLAB .mat reader of libltr-io on files written here with matio itself, in
 * v5 and v7.3 (HDF5): samples, rate, channel count and names, the channels x samples
 * layout, integer classes, the choice among several matrices, --rate, and each
 * refusal with its reason (no rate, no numeric matrix, complex data, structs only,
 * a file that is not a .mat).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <matio.h>

#include "ltr/ltr_io.h"

static char dir[200];

static const enum mat_ft versions[] = {MAT_FT_MAT5, MAT_FT_MAT73};

static void path_of(char *buf, size_t size, const char *name, enum mat_ft ver)
{
    snprintf(buf, size, "%s/%s%s.mat", dir, name, ver == MAT_FT_MAT73 ? "_73" : "_5");
}

static mat_t *create(const char *name, enum mat_ft ver)
{
    char path[512];
    path_of(path, sizeof path, name, ver);
    mat_t *m = Mat_CreateVer(path, NULL, ver);
    assert_non_null(m);
    return m;
}

static void put(mat_t *m, const char *name, enum matio_classes cls, enum matio_types type,
                size_t rows, size_t cols, void *data)
{
    size_t dims[2] = {rows, cols};
    matvar_t *v = Mat_VarCreate(name, cls, type, 2, dims, data, 0);
    assert_non_null(v);
    assert_int_equal(Mat_VarWrite(m, v, MAT_COMPRESSION_NONE), 0);
    Mat_VarFree(v);
}

static void put_scalar(mat_t *m, const char *name, double value)
{
    put(m, name, MAT_C_DOUBLE, MAT_T_DOUBLE, 1, 1, &value);
}

static void put_labels(mat_t *m, const char *name, const char *const *labels, size_t n)
{
    size_t dims[2] = {1, n};
    matvar_t *cell = Mat_VarCreate(name, MAT_C_CELL, MAT_T_CELL, 2, dims, NULL, 0);
    assert_non_null(cell);
    for (size_t i = 0; i < n; i++) {
        size_t d[2] = {1, strlen(labels[i])};
        matvar_t *s = Mat_VarCreate(NULL, MAT_C_CHAR, MAT_T_UTF8, 2, d, (void *)labels[i], 0);
        assert_non_null(s);
        Mat_VarSetCell(cell, (int)i, s);
    }
    assert_int_equal(Mat_VarWrite(m, cell, MAT_COMPRESSION_NONE), 0);
    Mat_VarFree(cell);
}

static ltr_io_reader *open_path(const char *name, enum mat_ft ver, double rate,
                                ltr_io_status want, const char *in_message)
{
    char path[512];
    path_of(path, sizeof path, name, ver);
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.sample_rate_hz = rate;
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    memset(&err, 0, sizeof err);
    ltr_io_status st = ltr_io_reader_open(&r, path, &o, &err);
    if (st != want || (in_message && !strstr(err.message, in_message)))
        fail_msg("%s: status %d (%s), want %d with '%s'", path, st, err.message, want,
                 in_message ? in_message : "");
    if (want != LTR_IO_OK)
        assert_null(r);
    return r;
}

static size_t read_all(ltr_io_reader *r, float *buf, size_t max)
{
    size_t total = 0, n;
    while (total < max) {
        assert_int_equal(ltr_io_reader_read(r, buf + total, 7, &n), LTR_IO_OK);
        if (n == 0)
            break;
        total += n; /* one channel selected below, or multiplied by the caller */
    }
    return total;
}

/* samples x channels, double, with fs and labels: every sample, the rate, the names. */
static void test_samples_by_channels(void **state)
{
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        mat_t *m = create("basic", versions[k]);
        enum { N = 50, C = 3 };
        double x[N * C]; /* column-major: channel c at c * N */
        for (int c = 0; c < C; c++)
            for (int i = 0; i < N; i++)
                x[c * N + i] = 100.0 * c + i + 0.25;
        put(m, "emg", MAT_C_DOUBLE, MAT_T_DOUBLE, N, C, x);
        put_scalar(m, "fs", 2000.0);
        static const char *const labels[] = {"EMG1", "EMG2", "accX"};
        put_labels(m, "labels", labels, C);
        Mat_Close(m);

        ltr_io_reader *r = open_path("basic", versions[k], 0, LTR_IO_OK, NULL);
        ltr_io_info info;
        assert_int_equal(ltr_io_reader_info(r, &info), LTR_IO_OK);
        assert_int_equal(info.format, LTR_IO_FORMAT_MAT);
        assert_int_equal(info.n_channels, C);
        assert_int_equal(info.n_frames, N);
        assert_true(info.sample_rate_hz == 2000.0);
        assert_string_equal(info.rate_source, "variable fs");
        assert_non_null(strstr(info.format_name, "'emg' 50x3 double"));
        assert_non_null(strstr(info.format_name, versions[k] == MAT_FT_MAT73 ? "v7.3" : "v5"));
        for (unsigned c = 0; c < C; c++)
            assert_string_equal(ltr_io_reader_channel(r, c)->name, labels[c]);
        unsigned idx;
        assert_int_equal(ltr_io_reader_find_channel(r, "accX", &idx), LTR_IO_OK);
        assert_int_equal(idx, 2);
        float buf[N * C];
        size_t n = 0, total = 0;
        do {
            assert_int_equal(ltr_io_reader_read(r, buf + total * C, 16, &n), LTR_IO_OK);
            total += n;
        } while (n > 0 && total < N);
        assert_int_equal(total, N);
        for (int i = 0; i < N; i++)
            for (int c = 0; c < C; c++)
                assert_true(buf[i * C + c] == (float)(100.0 * c + i + 0.25));
        assert_int_equal(ltr_io_reader_read(r, buf, 16, &n), LTR_IO_OK);
        assert_int_equal(n, 0);
        ltr_io_reader_close(r);
    }
}

/* channels x samples (the first dimension the smaller), single, rate named srate;
 * a selection of one channel; labels of the wrong count are ignored. */
static void test_transposed_single(void **state)
{
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        mat_t *m = create("transposed", versions[k]);
        enum { N = 40, C = 2 };
        float x[C * N]; /* C x N column-major: (c, i) at c + i * C */
        for (int i = 0; i < N; i++)
            for (int c = 0; c < C; c++)
                x[c + i * C] = (float)(c ? -i : i) * 0.5f;
        put(m, "data", MAT_C_SINGLE, MAT_T_SINGLE, C, N, x);
        put_scalar(m, "srate", 1000.0);
        static const char *const three[] = {"a", "b", "c"};
        put_labels(m, "channels", three, 3);
        Mat_Close(m);

        ltr_io_reader *r = open_path("transposed", versions[k], 0, LTR_IO_OK, NULL);
        ltr_io_info info;
        assert_int_equal(ltr_io_reader_info(r, &info), LTR_IO_OK);
        assert_int_equal(info.n_channels, C);
        assert_int_equal(info.n_frames, N);
        assert_true(info.sample_rate_hz == 1000.0);
        assert_non_null(strstr(info.format_name, "channels x samples"));
        assert_string_equal(ltr_io_reader_channel(r, 1)->name, "ch1");
        const unsigned sel[1] = {1};
        assert_int_equal(ltr_io_reader_select(r, sel, 1), LTR_IO_OK);
        float buf[N];
        assert_int_equal(read_all(r, buf, N), N);
        for (int i = 0; i < N; i++)
            assert_true(buf[i] == (float)(-i) * 0.5f);
        ltr_io_reader_close(r);
    }
}

/* int16 counts as floats; several matrices: the one named 'signal' over a larger one,
 * else the largest; --rate without a rate variable; the rate option over the file's. */
static void test_integers_choice_and_rate(void **state)
{
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        enum { N = 30 };
        int16_t s[N];
        double big[N * 4], small[N];
        for (int i = 0; i < N; i++) {
            s[i] = (int16_t)(i * 1000 - 15000);
            small[i] = i;
        }
        for (int i = 0; i < N * 4; i++)
            big[i] = -1.0;

        mat_t *m = create("named", versions[k]);
        put(m, "other", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 4, big);
        put(m, "signal", MAT_C_INT16, MAT_T_INT16, N, 1, s);
        put_scalar(m, "SampleRate", 500.0);
        Mat_Close(m);
        ltr_io_reader *r = open_path("named", versions[k], 0, LTR_IO_OK, NULL);
        ltr_io_info info;
        assert_int_equal(ltr_io_reader_info(r, &info), LTR_IO_OK);
        assert_int_equal(info.n_channels, 1);
        assert_true(info.sample_rate_hz == 500.0);
        assert_non_null(strstr(info.format_name, "'signal' 30x1 int16"));
        assert_non_null(strstr(info.format_name, "by name"));
        float buf[N];
        assert_int_equal(read_all(r, buf, N), N);
        for (int i = 0; i < N; i++)
            assert_true(buf[i] == (float)(i * 1000 - 15000));
        ltr_io_reader_close(r);

        m = create("largest", versions[k]);
        put(m, "a", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 1, small);
        put(m, "b", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 4, big);
        Mat_Close(m);
        open_path("largest", versions[k], 0, LTR_IO_ERR_RATE,
                  "fs, Fs, FS, srate, sample_rate, sampling_rate or SampleRate");
        r = open_path("largest", versions[k], 250.0, LTR_IO_OK, NULL);
        assert_int_equal(ltr_io_reader_info(r, &info), LTR_IO_OK);
        assert_int_equal(info.n_channels, 4);
        assert_true(info.sample_rate_hz == 250.0);
        assert_string_equal(info.rate_source, "option");
        assert_non_null(strstr(info.format_name, "'b' 30x4 double"));
        assert_non_null(strstr(info.format_name, "the largest"));
        ltr_io_reader_close(r);
    }
}

static void test_refusals(void **state)
{
    (void)state;
    for (size_t k = 0; k < 2; k++) {
        /* no numeric matrix: a scalar rate and a string */
        mat_t *m = create("nomatrix", versions[k]);
        put_scalar(m, "fs", 1000.0);
        const char *text = "hello";
        put(m, "note", MAT_C_CHAR, MAT_T_UTF8, 1, strlen(text), (void *)text);
        Mat_Close(m);
        open_path("nomatrix", versions[k], 0, LTR_IO_ERR_FORMAT, "no numeric 2-D matrix");

        /* complex data */
        enum { N = 8 };
        double re[N], im[N];
        for (int i = 0; i < N; i++) {
            re[i] = i;
            im[i] = -i;
        }
        mat_complex_split_t z = {re, im};
        m = create("complex", versions[k]);
        size_t dims[2] = {N, 1};
        matvar_t *v = Mat_VarCreate("data", MAT_C_DOUBLE, MAT_T_DOUBLE, 2, dims, &z,
                                    MAT_F_COMPLEX);
        assert_non_null(v);
        assert_int_equal(Mat_VarWrite(m, v, MAT_COMPRESSION_NONE), 0);
        Mat_VarFree(v);
        put_scalar(m, "fs", 1000.0);
        Mat_Close(m);
        open_path("complex", versions[k], 0, LTR_IO_ERR_DATA, "'data' is complex");

        /* structs only */
        m = create("structs", versions[k]);
        const char *fields[] = {"emg", "fs", NULL};
        size_t one[2] = {1, 1};
        matvar_t *st = Mat_VarCreateStruct2("rec", 2, one, fields);
        assert_non_null(st);
        size_t d[2] = {N, 1};
        Mat_VarSetStructFieldByName(st, "emg", 0,
                                    Mat_VarCreate(NULL, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, d, re,
                                                  0));
        double fs = 1000.0;
        Mat_VarSetStructFieldByName(st, "fs", 0,
                                    Mat_VarCreate(NULL, MAT_C_DOUBLE, MAT_T_DOUBLE, 2, one,
                                                  &fs, 0));
        assert_int_equal(Mat_VarWrite(m, st, MAT_COMPRESSION_NONE), 0);
        Mat_VarFree(st);
        Mat_Close(m);
        open_path("structs", versions[k], 0, LTR_IO_ERR_FORMAT, "only structs");

        /* a rate that is not one */
        m = create("badrate", versions[k]);
        put(m, "x", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 1, re);
        put_scalar(m, "fs", -5.0);
        Mat_Close(m);
        open_path("badrate", versions[k], 0, LTR_IO_ERR_RATE, "fs = -5");
    }
    /* cut short: a copy of a good file without its last bytes */
    for (size_t k = 0; k < 2; k++) {
        enum { N = 2000 };
        static double big[N];
        for (int i = 0; i < N; i++)
            big[i] = sin(i * 0.01);
        mat_t *m = create("whole", versions[k]);
        put(m, "data", MAT_C_DOUBLE, MAT_T_DOUBLE, N, 1, big);
        put_scalar(m, "fs", 1000.0);
        Mat_Close(m);
        char whole[512], cut[512];
        path_of(whole, sizeof whole, "whole", versions[k]);
        path_of(cut, sizeof cut, "cut", versions[k]);
        FILE *in = fopen(whole, "rb"), *out = fopen(cut, "wb");
        assert_non_null(in);
        assert_non_null(out);
        assert_int_equal(fseek(in, 0, SEEK_END), 0);
        const long size = ftell(in);
        rewind(in);
        for (long i = 0; i < size * 2 / 3; i++)
            fputc(fgetc(in), out);
        fclose(in);
        fclose(out);
        ltr_io_reader_close(open_path("whole", versions[k], 0, LTR_IO_OK, NULL));
        open_path("cut", versions[k], 0, LTR_IO_ERR_FORMAT,
                  versions[k] == MAT_FT_MAT5 ? "truncated" : "no variable matio can read");
    }
    /* not a .mat file */
    char path[512];
    snprintf(path, sizeof path, "%s/garbage.mat", dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 300; i++)
        fputc((i * 37) & 0xff, f);
    fclose(f);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "not a MATLAB .mat file"));
    assert_null(r);
}

/* Level 4 (MATLAB "MAT-File Format"): a 20-byte header (type MOPT, rows, columns, imagf,
 * name length with its NUL), the name, the column-major data. */
static void write_v4(FILE *f, const char *name, int32_t type, int32_t rows, int32_t cols,
                     int32_t namelen, const double *data, size_t n)
{
    const int32_t h[5] = {type, rows, cols, 0, namelen};
    assert_int_equal(fwrite(h, sizeof h, 1, f), 1);
    assert_int_equal(fwrite(name, 1, strlen(name) + 1, f), strlen(name) + 1);
    if (n)
        assert_int_equal(fwrite(data, sizeof *data, n, f), n);
}

static void test_v4(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/level4.mat", dir);
    enum { N = 600 };
    double x[N], fs = 500.0;
    for (int i = 0; i < N; i++)
        x[i] = cos(i * 0.05);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    write_v4(f, "data", 0, N, 1, 5, x, N);
    write_v4(f, "fs", 0, 1, 1, 3, &fs, 1);
    fclose(f);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_OK);
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_int_equal(info.n_frames, N);
    assert_true(info.sample_rate_hz == 500.0);
    float y[N];
    size_t n = 0;
    assert_int_equal(ltr_io_reader_read(r, y, N, &n), LTR_IO_OK);
    assert_int_equal(n, N);
    for (int i = 0; i < N; i++)
        assert_true(y[i] == (float)x[i]);
    ltr_io_reader_close(r);

    /* What matio would take for a v4 header of absurd sizes (a name of 10^9 bytes: matio
     * allocated 1.7 GB for it) or a matrix past the end of the file: refused before matio
     * reads it. */
    f = fopen(path, "wb");
    assert_non_null(f);
    write_v4(f, "data", 0, N, 1, 1000000000, x, N);
    fclose(f);
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "v4 matrix header out of range"));
    f = fopen(path, "wb");
    assert_non_null(f);
    write_v4(f, "data", 0, 100000, 1000, 5, x, N);
    fclose(f);
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "runs past the end of the file"));
    assert_null(r);
}

/* A v5 file of one uncompressed variable: the header, then the miMATRIX element. */
static void write_v5(const char *path, const uint32_t *payload, size_t n_words)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    char head[128];
    memset(head, ' ', 116);
    memcpy(head, "MATLAB 5.0 MAT-file", 19);
    memset(head + 116, 0, 8);
    head[124] = 0;
    head[125] = 1;
    head[126] = 'I';
    head[127] = 'M';
    assert_int_equal(fwrite(head, 1, 128, f), 128);
    const uint32_t tag[2] = {14, (uint32_t)(4 * n_words)};
    assert_int_equal(fwrite(tag, 4, 2, f), 2);
    assert_int_equal(fwrite(payload, 4, n_words, f), n_words);
    fclose(f);
}

/* Sizes matio 1.5 would trust: checked before it reads the variables (mat_check.c). */
static void test_v5_sizes_checked(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/sizes.mat", dir);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    /* A struct whose name element says 0x73000001 bytes (matio cleared 1.9 GB for it; the
     * reader_mat fuzz harness). */
    const uint32_t name[] = {6, 8, 2, 0, 5, 8, 1, 1, 1, 0x73000001, 0, 0};
    write_v5(path, name, sizeof name / 4);
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "without its name"));
    /* A struct with a field-name length of 0 for 8 bytes of names. */
    const uint32_t fields[] = {6, 8, 2, 0, 5, 8, 1, 1, 0x00010001, 0x73, 0x00040005, 0,
                               1, 8, 0x61, 0};
    write_v5(path, fields, sizeof fields / 4);
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "field-name length out of 1-64"));
    /* A 1000 x 1000 double matrix with 8 bytes of data. */
    const uint32_t dims[] = {6, 8, 6, 0, 5, 8, 1000, 1000, 0x00040001, 0x61746164, 9, 8, 0, 0};
    write_v5(path, dims, sizeof dims / 4);
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(err.message, "fewer values in the data than the dimensions say"));
    /* The same matrix 2 x 1 with its 16 bytes: read (and refused only for want of a rate). */
    const uint32_t one[] = {6, 8, 6, 0, 5, 8, 2, 1, 0x00040001, 0x61746164, 9, 16,
                            0, 0x3ff00000, 0, 0x40000000};
    write_v5(path, one, sizeof one / 4);
    ltr_io_status st = ltr_io_reader_open(&r, path, NULL, &err);
    if (st != LTR_IO_ERR_RATE)
        fail_msg("%d: %s", (int)st, err.message);
    assert_null(r);
}

static void test_format_from_name(void **state)
{
    (void)state;
    assert_int_equal(ltr_io_format_from_name("a/b.mat"), LTR_IO_FORMAT_MAT);
    assert_int_equal(ltr_io_format_from_name("B.MAT"), LTR_IO_FORMAT_MAT);
    assert_string_equal(ltr_io_format_name(LTR_IO_FORMAT_MAT), "MATLAB .mat");
}

int main(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/ltr_mat_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_samples_by_channels),
        cmocka_unit_test(test_transposed_single),
        cmocka_unit_test(test_integers_choice_and_rate),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_v4),
        cmocka_unit_test(test_v5_sizes_checked),
        cmocka_unit_test(test_format_from_name),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return failed;
}
