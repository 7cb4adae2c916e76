/*
 * libltr-io's EDF+/BDF+ writer and the annotations of its EDF reader, driven
 * directly: a signal written and read back (every sample within one
 * quantisation step of its range, rate and length kept, the last data record
 * padded), annotations read back with their onset, duration and text, NaN
 * written as 0 and counted, records of several seconds for a fractional rate,
 * and every refusal (no range, a rate without whole samples per record, more
 * annotations than announced).
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

static void path_of(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", dir, name);
}

static ltr_io_channel channel(const char *name, const char *unit, double lo, double hi)
{
    ltr_io_channel c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    snprintf(c.unit, sizeof c.unit, "%s", unit);
    c.has_range = 1;
    c.range_min = lo;
    c.range_max = hi;
    return c;
}

/* Two channels of different ranges, 2.5 s at 1 kHz (the third record half full). */
static void write_and_read(void **state, int bdf)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, bdf ? "w.bdf" : "w.edf");
    const double fs = 1000.0;
    enum { N = 2500 };
    ltr_io_channel ch[2] = {channel("EMG1", "mV", -2.0, 2.0), channel("ACC X", "g", -8.0, 8.0)};
    static float x[N * 2];
    for (int i = 0; i < N; i++) {
        x[2 * i] = (float)(1.9 * sin(2.0 * 3.141592653589793 * 7.0 * i / fs));
        x[2 * i + 1] = (float)(-7.5 + 15.0 * i / N);
    }
    x[2 * 100] = NAN;
    x[2 * 200 + 1] = 100.0f; /* outside the range: clipped to it */
    ltr_io_edf_writer *w;
    ltr_io_error err;
    assert_int_equal(ltr_io_edf_writer_open(&w, path, bdf, fs, ch, 2, N, 3, &err), LTR_IO_OK);
    for (int i = 0; i < N; i += 333) /* blocks that straddle the records */
        assert_int_equal(ltr_io_edf_writer_write(w, x + 2 * i, (size_t)(N - i < 333 ? N - i : 333)),
                         LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 0.5, 0.25, "twitch"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 1.2345, -1, "Stimulus"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 2.0, 0.0, "BAD_artifact"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 2.1, 0.0, "one too many"), LTR_IO_ERR_ARGUMENT);
    uint64_t nonfinite = 0;
    /* The refused annotation is the writer's first error: close reports it. */
    assert_int_equal(ltr_io_edf_writer_close(w, &nonfinite, &err), LTR_IO_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "more annotations than"));
    assert_int_equal(nonfinite, 1);

    /* Again without the refused one: a clean file. */
    assert_int_equal(ltr_io_edf_writer_open(&w, path, bdf, fs, ch, 2, N, 3, &err), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_write(w, x, N), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 0.5, 0.25, "twitch"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 1.2345, -1, "Stimulus"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_annotate(w, 2.0, 0.0, "BAD_artifact"), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_close(w, &nonfinite, &err), LTR_IO_OK);

    ltr_io_reader *r;
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_OK);
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_string_equal(info.format_name, bdf ? "BDF+" : "EDF+");
    assert_int_equal(info.n_channels, 2);
    assert_true(fabs(info.sample_rate_hz - fs) < 1e-9);
    assert_int_equal(info.n_frames, 3000); /* three 1 s records */
    assert_string_equal(ltr_io_reader_channel(r, 1)->name, "ACC X");
    assert_string_equal(ltr_io_reader_channel(r, 1)->unit, "g");
    static float y[3000 * 2];
    size_t got = 0, n;
    while (ltr_io_reader_read(r, y + 2 * got, 3000 - got, &n) == LTR_IO_OK && n > 0)
        got += n;
    assert_int_equal(got, 3000);
    const double levels = bdf ? 16777215.0 : 65535.0;
    for (int c = 0; c < 2; c++) {
        const double step = (ch[c].range_max - ch[c].range_min) / levels;
        for (int i = 0; i < N; i++) {
            double want = x[2 * i + c];
            if (!isfinite(want))
                want = 0.0;
            want = want > ch[c].range_max ? ch[c].range_max : want;
            if (fabs(y[2 * i + c] - want) > 1.01 * step)
                fail_msg("channel %d sample %d: %g read, %g written (step %g)", c, i,
                         (double)y[2 * i + c], want, step);
        }
        for (int i = N; i < 3000; i++) /* padding: the last sample */
            assert_true(fabs(y[2 * i + c] - y[2 * (N - 1) + c]) <= 1.01 * step);
    }
    const ltr_io_annotation *a;
    size_t na;
    assert_int_equal(ltr_io_reader_annotations(r, &a, &na, &err), LTR_IO_OK);
    assert_int_equal(na, 3);
    assert_true(fabs(a[0].onset_s - 0.5) < 1e-9 && fabs(a[0].duration_s - 0.25) < 1e-9);
    assert_string_equal(a[0].text, "twitch");
    assert_true(fabs(a[1].onset_s - 1.2345) < 1e-9 && a[1].duration_s < 0);
    assert_string_equal(a[1].text, "Stimulus");
    assert_true(fabs(a[2].onset_s - 2.0) < 1e-9);
    assert_string_equal(a[2].text, "BAD_artifact");
    ltr_io_reader_close(r);
    unlink(path);
}

static void edf_round_trip(void **state) { write_and_read(state, 0); }
static void bdf_round_trip(void **state) { write_and_read(state, 1); }

/* 500.5 Hz has no whole number of samples in 1 s: records of 2 s (1001 samples). */
static void fractional_rate(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "frac.edf");
    ltr_io_channel ch = channel("EMG", "uV", -100.0, 100.0);
    float x[3003];
    for (int i = 0; i < 3003; i++)
        x[i] = (float)(i % 50);
    ltr_io_edf_writer *w;
    ltr_io_error err;
    assert_int_equal(ltr_io_edf_writer_open(&w, path, 0, 500.5, &ch, 1, 3003, 0, &err), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_write(w, x, 3003), LTR_IO_OK);
    assert_int_equal(ltr_io_edf_writer_close(w, NULL, &err), LTR_IO_OK);
    ltr_io_reader *r;
    assert_int_equal(ltr_io_reader_open(&r, path, NULL, &err), LTR_IO_OK);
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    assert_true(fabs(info.sample_rate_hz - 500.5) < 1e-9);
    assert_int_equal(info.n_frames, 3003);
    const ltr_io_annotation *a;
    size_t na = 99;
    assert_int_equal(ltr_io_reader_annotations(r, &a, &na, &err), LTR_IO_OK);
    assert_int_equal(na, 0);
    ltr_io_reader_close(r);
    unlink(path);
}

static void refusals(void **state)
{
    (void)state;
    char path[512];
    path_of(path, sizeof path, "bad.edf");
    ltr_io_channel ch = channel("EMG", "mV", -1.0, 1.0);
    ltr_io_edf_writer *w = (ltr_io_edf_writer *)&ch;
    ltr_io_error err;
    /* 314.159265 Hz: no whole number of samples in 1..60 s. */
    assert_int_equal(ltr_io_edf_writer_open(&w, path, 0, 314.159265, &ch, 1, 100, 0, &err),
                     LTR_IO_ERR_RATE);
    assert_null(w);
    assert_non_null(strstr(err.message, "whole samples per data record"));
    ch.has_range = 0;
    assert_int_equal(ltr_io_edf_writer_open(&w, path, 0, 1000.0, &ch, 1, 100, 0, &err),
                     LTR_IO_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "no physical range"));
    ch.has_range = 1;
    /* 65 annotations per 1 s record do not fit (EDFlib: 64 annotation signals). */
    assert_int_equal(ltr_io_edf_writer_open(&w, path, 0, 1000.0, &ch, 1, 1000, 65, &err),
                     LTR_IO_ERR_ARGUMENT);
    assert_non_null(strstr(err.message, "do not fit"));
    path_of(path, sizeof path, "no/such/dir.edf");
    assert_int_not_equal(ltr_io_edf_writer_open(&w, path, 0, 1000.0, &ch, 1, 1000, 0, &err),
                         LTR_IO_OK);
    assert_null(w);
    assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/ltr-edf-write-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(edf_round_trip),
        cmocka_unit_test(bdf_round_trip),
        cmocka_unit_test(fractional_rate),
        cmocka_unit_test(refusals),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    rmdir(dir);
    return rc;
}
