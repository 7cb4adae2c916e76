/*
 * The WFDB reader of libltr-io on records made here, byte by byte after WFDB's
 * signal(5): formats 16, 212 (pairs packed across frames: three signals, so a pair
 * straddles two frames) and 80, signals in two files, gain and baseline, the invalid
 * codes as NaN, a length from the file size, and every refusal with its reason.
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

#include "ltr/ltr_io.h"

static char dir[200];
static char *created[32];
static unsigned n_created;

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static void write_bytes(const char *name, const void *data, size_t n)
{
    char path[512];
    path_of(path, sizeof path, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
    if (n_created < sizeof created / sizeof created[0])
        created[n_created++] = strdup(path);
}

static void write_text(const char *name, const char *text)
{
    write_bytes(name, text, strlen(text));
}

/* Format 212: samples a, b (12-bit two's complement) into three bytes (signal(5)). */
static void pack212(unsigned char *p, int a, int b)
{
    unsigned ua = (unsigned)a & 0xfffu, ub = (unsigned)b & 0xfffu;
    p[0] = (unsigned char)(ua & 0xffu);
    p[1] = (unsigned char)(((ua >> 8) & 0x0fu) | ((ub >> 8) & 0x0fu) << 4);
    p[2] = (unsigned char)(ub & 0xffu);
}

static ltr_io_reader *open_ok(const char *name)
{
    char path[512];
    path_of(path, sizeof path, name);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    ltr_io_status st = ltr_io_reader_open(&r, path, NULL, &err);
    if (st != LTR_IO_OK)
        fail_msg("%s: %s", name, err.message);
    return r;
}

static void expect_open_error(const char *name, ltr_io_status want, const char *text)
{
    char path[512];
    path_of(path, sizeof path, name);
    ltr_io_reader *r = NULL;
    ltr_io_error err;
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), want);
    assert_null(r);
    if (!strstr(err.message, text))
        fail_msg("%s: '%s' expected in '%s'", name, text, err.message);
}

/* Three signals in format 212, 5 frames: 15 samples, so pairs straddle frames. */
static void test_format_212_three_signals(void **state)
{
    (void)state;
    const int v[5][3] = {{0, 1, -1}, {2047, -2047, 100}, {-5, 7, -2048}, {300, -300, 12}, {1, 2, 3}};
    int flat[16] = {0};
    for (int i = 0; i < 15; i++)
        flat[i] = v[i / 3][i % 3];
    unsigned char bytes[24];
    for (int k = 0; k < 8; k++)
        pack212(bytes + 3 * k, flat[2 * k], flat[2 * k + 1]);
    write_bytes("r212.dat", bytes, 24); /* 16 samples: the last one is padding */
    write_text("r212.hea", "r212 3 500 5\n"
                           "# a comment line\n"
                           "r212.dat 212 100(10)/uV 12 0 0 0 0 EMG left\n"
                           "r212.dat 212 50/g 12 0 1 0 0 ACC X\n"
                           "r212.dat 212 0 12 0 -1 0 0\n");
    ltr_io_reader *r = open_ok("r212.hea");
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_int_equal(info.format, LTR_IO_FORMAT_WFDB);
    assert_int_equal(info.n_channels, 3);
    assert_true(info.sample_rate_hz == 500.0);
    assert_int_equal(info.n_frames, 5);
    assert_string_equal(info.rate_source, "header");
    assert_string_equal(ltr_io_reader_channel(r, 0)->name, "EMG left");
    assert_string_equal(ltr_io_reader_channel(r, 0)->unit, "uV");
    assert_string_equal(ltr_io_reader_channel(r, 1)->name, "ACC X");
    assert_string_equal(ltr_io_reader_channel(r, 1)->unit, "g");
    assert_string_equal(ltr_io_reader_channel(r, 2)->name, "ch2");       /* no description */
    assert_string_equal(ltr_io_reader_channel(r, 2)->unit, "mV");        /* header(5) default */
    float x[5 * 3];
    size_t n = 0;
    assert_int_equal(ltr_io_reader_read(r, x, 5, &n), LTR_IO_OK);
    assert_int_equal(n, 5);
    for (int f = 0; f < 5; f++) {
        assert_float_equal(x[f * 3 + 0], (v[f][0] - 10) / 100.0, 1e-6); /* gain 100, baseline 10 */
        assert_float_equal(x[f * 3 + 1], v[f][1] / 50.0, 1e-6);
        if (v[f][2] == -2048)
            assert_true(isnan(x[f * 3 + 2])); /* the invalid code */
        else
            assert_float_equal(x[f * 3 + 2], v[f][2] / 200.0, 1e-6); /* gain 0: default 200 */
    }
    assert_int_equal(ltr_io_reader_read(r, x, 5, &n), LTR_IO_OK);
    assert_int_equal(n, 0); /* the header's 5 frames: the padding sample is not a frame */
    ltr_io_reader_close(r);
}

/* Format 16 and format 80 in two files; no length in the header: the files' end. */
static void test_two_files_16_and_80(void **state)
{
    (void)state;
    enum { N = 1000 };
    unsigned char b16[2 * N], b80[N];
    for (int i = 0; i < N; i++) {
        int16_t a = (int16_t)(i * 30 - 15000);
        b16[2 * i] = (unsigned char)((uint16_t)a & 0xffu);
        b16[2 * i + 1] = (unsigned char)((uint16_t)a >> 8);
        b80[i] = (unsigned char)(i % 256); /* offset binary: value = byte - 128 */
    }
    write_bytes("two_a.dat", b16, sizeof b16);
    write_bytes("two_b.dat", b80, sizeof b80);
    write_text("two.hea", "two 2 1000\n"
                          "two_a.dat 16 1000/mV 16 0 -15000 0 0 EMG\n"
                          "two_b.dat 80 10/g 8 0 -128 0 0 Accel\n");
    ltr_io_reader *r = open_ok("two.hea");
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_true(info.sample_rate_hz == 1000.0);
    assert_int_equal(info.n_frames, -1); /* two files, no NSAMP: not known before reading */
    static float x[2 * N];
    size_t total = 0, n;
    while (ltr_io_reader_read(r, x + 2 * total, N - total + 10, &n) == LTR_IO_OK && n > 0)
        total += n;
    assert_int_equal(total, N);
    for (int i = 0; i < N; i += 97) {
        assert_float_equal(x[2 * i], (i * 30 - 15000) / 1000.0, 1e-6);
        if (i % 256 == 0)
            assert_true(isnan(x[2 * i + 1])); /* byte 0 = -128: invalid */
        else
            assert_float_equal(x[2 * i + 1], (i % 256 - 128) / 10.0, 1e-6);
    }
    /* The ADC range in physical units: a sample at it may be clipped. */
    const ltr_io_channel *c0 = ltr_io_reader_channel(r, 0);
    assert_true(c0->has_range);
    assert_float_equal(c0->range_max, 32767 / 1000.0, 1e-9);
    ltr_io_reader_close(r);
    /* The sidecar reader types the channels from their descriptions. */
    char path[512];
    path_of(path, sizeof path, "two.hea");
    r = open_ok("two.hea");
    ltr_io_sidecar *sc;
    ltr_io_error err;
    assert_int_equal(ltr_io_sidecar_read(&sc, r, path, &err), LTR_IO_OK);
    assert_int_equal(ltr_io_sidecar_channel(sc, 0)->type, LTR_IO_CHANNEL_EMG);
    assert_int_equal(ltr_io_sidecar_channel(sc, 1)->type, LTR_IO_CHANNEL_ACC);
    ltr_io_sidecar_destroy(sc);
    ltr_io_reader_close(r);
}

/* A length from the file size (one file, no NSAMP), selection of one channel. */
static void test_length_from_size_and_selection(void **state)
{
    (void)state;
    unsigned char b[2 * 2 * 300];
    for (int i = 0; i < 600; i++) {
        b[2 * i] = (unsigned char)(i & 0xff);
        b[2 * i + 1] = 0;
    }
    write_bytes("sz.dat", b, sizeof b);
    write_text("sz.hea", "sz 2 2000\nsz.dat 16 1 16 0 0 0 0 one\nsz.dat 16 1 16 0 1 0 0 two\n");
    ltr_io_reader *r = open_ok("sz.hea");
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_int_equal(info.n_frames, 300);
    unsigned sel = 1;
    assert_int_equal(ltr_io_reader_select(r, &sel, 1), LTR_IO_OK);
    float x[300];
    size_t n;
    assert_int_equal(ltr_io_reader_read(r, x, 300, &n), LTR_IO_OK);
    assert_int_equal(n, 300);
    assert_float_equal(x[0], 1.0, 0);
    assert_float_equal(x[100], (201 & 0xff), 0);
    ltr_io_reader_close(r);
}

static void test_refusals(void **state)
{
    (void)state;
    write_text("multi.hea", "multi/2 1 250 100\nseg1 50\nseg2 50\n");
    expect_open_error("multi.hea", LTR_IO_ERR_FORMAT, "multi-segment");
    write_text("f310.hea", "f310 1 250 10\nf310.dat 310 200 10 0 0 0 0 EMG\n");
    expect_open_error("f310.hea", LTR_IO_ERR_FORMAT, "formats 16, 212 and 80");
    write_text("x2.hea", "x2 1 250 10\nx2.dat 16x2 200 16 0 0 0 0 EMG\n");
    expect_open_error("x2.hea", LTR_IO_ERR_FORMAT, "several samples per frame");
    write_text("nodat.hea", "nodat 1 250 10\nnodat.dat 16 200 16 0 0 0 0 EMG\n");
    expect_open_error("nodat.hea", LTR_IO_ERR_OPEN, "nodat.dat");
    write_bytes("short.dat", "\0\0\0\0", 4);
    write_text("short.hea", "short 2 250 10\nshort.dat 16 200 16 0 0 0 0 EMG\n");
    expect_open_error("short.hea", LTR_IO_ERR_FORMAT, "1 signal lines where the record line announces 2");
    write_text("rate.hea", "rate 1 -5 10\nrate.dat 16\n");
    expect_open_error("rate.hea", LTR_IO_ERR_RATE, "sampling frequency");
    write_text("neg.hea", "neg 1 250 -4\nneg.dat 16\n");
    expect_open_error("neg.hea", LTR_IO_ERR_FORMAT, "'-4' is not a number of samples");
    /* A gain or baseline that would make samples Inf as floats. */
    unsigned char z[20] = {0};
    write_bytes("res.dat", z, sizeof z);
    write_text("tiny.hea", "tiny 1 250 10\nres.dat 16 1e-300 16 0 0 0 0 EMG\n");
    expect_open_error("tiny.hea", LTR_IO_ERR_FORMAT, "beyond the range of a float");
    write_text("huge.hea", "huge 1 250 10\nres.dat 16 200(1e300) 16 0 0 0 0 EMG\n");
    expect_open_error("huge.hea", LTR_IO_ERR_FORMAT, "beyond the range of a float");
    /* An ADC resolution wider than the format is the format's (range within 16 bits). */
    write_text("res.hea", "res 1 250 10\nres.dat 16 100 64 0 0 0 0 EMG\n");
    ltr_io_reader *rr = open_ok("res.hea");
    assert_true(ltr_io_reader_channel(rr, 0)->range_max == 32767.0 / 100.0);
    ltr_io_reader_close(rr);

    /* Truncated: the header announces 100 frames, the file holds 10. */
    unsigned char b[20] = {0};
    write_bytes("trunc.dat", b, sizeof b);
    write_text("trunc.hea", "trunc 1 250 100\ntrunc.dat 16 200 16 0 0 0 0 EMG\n");
    ltr_io_reader *r = open_ok("trunc.hea");
    float x[100];
    size_t n;
    assert_int_equal(ltr_io_reader_read(r, x, 100, &n), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(ltr_io_reader_error(r)->message, "ends after 10 of the 100 frames"));
    ltr_io_reader_close(r);
    /* The first sample disagrees with the header's initial value: wrong file or format. */
    write_text("init.hea", "init 1 250 10\ntrunc.dat 16 200 16 0 77 0 0 EMG\n");
    r = open_ok("init.hea");
    assert_int_equal(ltr_io_reader_read(r, x, 10, &n), LTR_IO_ERR_FORMAT);
    assert_non_null(strstr(ltr_io_reader_error(r)->message, "initial value is 77"));
    ltr_io_reader_close(r);
}

static void test_format_from_name(void **state)
{
    (void)state;
    assert_int_equal(ltr_io_format_from_name("rec/emg_healthy.hea"), LTR_IO_FORMAT_WFDB);
    assert_int_equal(ltr_io_format_from_name("X.HEA"), LTR_IO_FORMAT_WFDB);
    assert_string_equal(ltr_io_format_name(LTR_IO_FORMAT_WFDB), "WFDB");
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/ltr-wfdb-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_212_three_signals),
        cmocka_unit_test(test_two_files_16_and_80),
        cmocka_unit_test(test_length_from_size_and_selection),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_format_from_name),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (unsigned i = 0; i < n_created; i++) {
        unlink(created[i]);
        free(created[i]);
    }
    rmdir(dir);
    return rc;
}
