/*
 * ltr_io_sidecar on small hand-made recordings and sidecars: the type words
 * and label rules, the layering (channels.tsv over the JSON's Channels over
 * labels), matching rows by name or position, and every refusal with the
 * values or the line it must name.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
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
static char *created[32]; /* removed at the end */
static unsigned n_created;

static void remember(const char *path)
{
    for (unsigned i = 0; i < n_created; i++)
        if (!strcmp(created[i], path))
            return;
    if (n_created < sizeof created / sizeof created[0])
        created[n_created++] = strdup(path);
}

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    remember(path);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

/* A 1 kHz CSV recording with a time column and the given column names (comma-separated). */
static void write_recording(const char *name, const char *columns, unsigned n_columns)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    remember(path);
    fprintf(f, "time,%s\n", columns);
    for (int i = 0; i < 50; i++) {
        fprintf(f, "%.3f", i / 1000.0);
        for (unsigned c = 0; c < n_columns; c++)
            fprintf(f, ",%g", 0.001 * (i % 7) - 0.003 * c);
        fputc('\n', f);
    }
    fclose(f);
}

/* Open DIR/name and read its sidecar; returns the status, *sc set on success. */
static ltr_io_status read_sidecar(const char *name, ltr_io_sidecar **sc, ltr_io_error *err,
                                  const ltr_io_options *opts)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    ltr_io_reader *r;
    ltr_io_error rerr;
    assert_int_equal(ltr_io_reader_open(&r, path, opts, &rerr), LTR_IO_OK);
    ltr_io_status s = ltr_io_sidecar_read(sc, r, path, err);
    ltr_io_reader_close(r);
    return s;
}

static void test_type_words(void **state)
{
    (void)state;
    assert_int_equal(ltr_io_channel_type_parse("EMG"), LTR_IO_CHANNEL_EMG);
    assert_int_equal(ltr_io_channel_type_parse("emg"), LTR_IO_CHANNEL_EMG);
    assert_int_equal(ltr_io_channel_type_parse("ACCEL"), LTR_IO_CHANNEL_ACC);
    assert_int_equal(ltr_io_channel_type_parse("ACC"), LTR_IO_CHANNEL_ACC);
    assert_int_equal(ltr_io_channel_type_parse("ECG"), LTR_IO_CHANNEL_OTHER);
    assert_int_equal(ltr_io_channel_type_parse("MISC"), LTR_IO_CHANNEL_OTHER);
    assert_int_equal(ltr_io_channel_type_parse("TRIG"), LTR_IO_CHANNEL_OTHER);
    assert_int_equal(ltr_io_channel_type_parse("n/a"), LTR_IO_CHANNEL_UNKNOWN);
    assert_int_equal(ltr_io_channel_type_parse(""), LTR_IO_CHANNEL_UNKNOWN);
    assert_int_equal(ltr_io_channel_type_parse(NULL), LTR_IO_CHANNEL_UNKNOWN);
    assert_string_equal(ltr_io_channel_type_name(LTR_IO_CHANNEL_ACC), "accelerometer");
}

static void test_labels(void **state)
{
    (void)state;
    static const struct {
        const char *label, *unit;
        ltr_io_channel_type want;
    } cases[] = {
        {"EMG1", "uV", LTR_IO_CHANNEL_EMG},     {"sEMG left", NULL, LTR_IO_CHANNEL_EMG},
        {"emg0", NULL, LTR_IO_CHANNEL_EMG},     {"ACC X", "g", LTR_IO_CHANNEL_ACC},
        {"AccX", NULL, LTR_IO_CHANNEL_ACC},     {"Accel Z", NULL, LTR_IO_CHANNEL_ACC},
        {"acc_x", NULL, LTR_IO_CHANNEL_ACC},    {"ECG", "mV", LTR_IO_CHANNEL_OTHER},
        {"EKG II", NULL, LTR_IO_CHANNEL_OTHER}, {"Status", NULL, LTR_IO_CHANNEL_OTHER},
        {"Trigger", NULL, LTR_IO_CHANNEL_OTHER}, {"ch0", NULL, LTR_IO_CHANNEL_UNKNOWN},
        {"Z", "g", LTR_IO_CHANNEL_ACC},         {"x", "m/s^2", LTR_IO_CHANNEL_ACC},
        {"Z", "mG", LTR_IO_CHANNEL_UNKNOWN},    {"EMG", "g", LTR_IO_CHANNEL_EMG},
        {"Biceps", "uV", LTR_IO_CHANNEL_UNKNOWN}, {"ECG", "g", LTR_IO_CHANNEL_OTHER},
        {"Temporalis", "uV", LTR_IO_CHANNEL_UNKNOWN}, {"Temp", "degC", LTR_IO_CHANNEL_OTHER},
        {"ECG1", NULL, LTR_IO_CHANNEL_OTHER},   {"EEG Fp1", NULL, LTR_IO_CHANNEL_OTHER},
        {"Trigeminal", NULL, LTR_IO_CHANNEL_UNKNOWN}, {"EMG2-EMG3", NULL, LTR_IO_CHANNEL_EMG},
        {"Accelerometer_Y", NULL, LTR_IO_CHANNEL_ACC}, {"Stimulus", NULL, LTR_IO_CHANNEL_OTHER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ltr_io_channel_type got = ltr_io_channel_type_guess(cases[i].label, cases[i].unit);
        if (got != cases[i].want)
            fail_msg("'%s' [%s]: %s, expected %s", cases[i].label,
                     cases[i].unit ? cases[i].unit : "-", ltr_io_channel_type_name(got),
                     ltr_io_channel_type_name(cases[i].want));
    }
}

static void test_no_sidecar(void **state)
{
    (void)state;
    write_recording("plain.csv", "biceps,accel_y,ecg", 3);
    ltr_io_sidecar *sc;
    ltr_io_error err;
    assert_int_equal(read_sidecar("plain.csv", &sc, &err, NULL), LTR_IO_OK);
    ltr_io_sidecar_info si;
    assert_int_equal(ltr_io_sidecar_info_get(sc, &si), LTR_IO_OK);
    assert_null(si.json_path);
    assert_null(si.channels_path);
    assert_int_equal(si.n_channels, 3);
    assert_int_equal(si.n_typed, 2);
    assert_int_equal(si.n_from_sidecar, 0);
    assert_true(si.power_line_hz == 0.0);
    assert_int_equal(ltr_io_sidecar_channel(sc, 0)->type, LTR_IO_CHANNEL_UNKNOWN);
    assert_int_equal(ltr_io_sidecar_channel(sc, 1)->type, LTR_IO_CHANNEL_ACC);
    assert_int_equal(ltr_io_sidecar_channel(sc, 1)->type_source, LTR_IO_SOURCE_LABEL);
    assert_int_equal(ltr_io_sidecar_channel(sc, 2)->type, LTR_IO_CHANNEL_OTHER);
    assert_null(ltr_io_sidecar_channel(sc, 3));
    ltr_io_sidecar_destroy(sc);
}

static void test_json_channels(void **state)
{
    (void)state;
    write_recording("rec.csv", "a,b,c", 3);
    /* By index, in another order than the array's. */
    write_file("rec.json", "{\"SamplingFrequency\": 1000, \"PowerLineFrequency\": 60,\n"
                           " \"Channels\": [\n"
                           "  {\"index\": 2, \"name\": \"acc_z\", \"type\": \"ACC\", \"units\": "
                           "\"g\", \"full_scale\": 8},\n"
                           "  {\"index\": 0, \"name\": \"emg0\", \"type\": \"EMG\", \"units\": "
                           "\"mV\", \"full_scale\": 5},\n"
                           "  {\"index\": 1, \"name\": \"ecg\", \"type\": \"ECG\"}]}\n");
    ltr_io_sidecar *sc;
    ltr_io_error err;
    assert_int_equal(read_sidecar("rec.csv", &sc, &err, NULL), LTR_IO_OK);
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    assert_non_null(si.json_path);
    assert_non_null(strstr(si.json_path, "rec.json"));
    assert_true(si.sample_rate_hz == 1000.0);
    assert_true(si.power_line_hz == 60.0);
    assert_int_equal(si.n_from_sidecar, 3);
    const ltr_io_channel_desc *d = ltr_io_sidecar_channel(sc, 0);
    assert_string_equal(d->name, "emg0");
    assert_int_equal(d->type, LTR_IO_CHANNEL_EMG);
    assert_int_equal(d->type_source, LTR_IO_SOURCE_JSON);
    assert_string_equal(d->unit, "mV");
    assert_true(d->full_scale == 5.0);
    assert_int_equal(ltr_io_sidecar_channel(sc, 1)->type, LTR_IO_CHANNEL_OTHER);
    assert_string_equal(ltr_io_sidecar_channel(sc, 1)->type_text, "ECG");
    assert_int_equal(ltr_io_sidecar_channel(sc, 2)->type, LTR_IO_CHANNEL_ACC);
    assert_string_equal(ltr_io_sidecar_channel(sc, 2)->name, "acc_z");
    ltr_io_sidecar_destroy(sc);
    remove_file("rec.json");
}

static void test_bids_channels_tsv(void **state)
{
    (void)state;
    write_recording("sub-01_task-x_emg.csv", "EMG1,AX,AY,Status", 4);
    write_file("sub-01_task-x_emg.json", "{\"PowerLineFrequency\": \"n/a\"}\n");
    /* Rows by name, in another order; a bad channel; type n/a leaves the label's. */
    write_file("sub-01_task-x_channels.tsv", "name\ttype\tunits\tstatus\n"
                                             "AY\tACCEL\tg\tgood\n"
                                             "EMG1\tn/a\tuV\tgood\n"
                                             "AX\tACCEL\tg\tbad\n"
                                             "Status\tTRIG\tn/a\tn/a\n");
    ltr_io_sidecar *sc;
    ltr_io_error err;
    assert_int_equal(read_sidecar("sub-01_task-x_emg.csv", &sc, &err, NULL), LTR_IO_OK);
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    assert_non_null(si.channels_path);
    assert_true(si.power_line_hz == 0.0);
    assert_int_equal(ltr_io_sidecar_channel(sc, 0)->type, LTR_IO_CHANNEL_EMG);
    assert_int_equal(ltr_io_sidecar_channel(sc, 0)->type_source, LTR_IO_SOURCE_LABEL);
    assert_string_equal(ltr_io_sidecar_channel(sc, 0)->unit, "uV");
    assert_int_equal(ltr_io_sidecar_channel(sc, 1)->type, LTR_IO_CHANNEL_OTHER);
    assert_true(ltr_io_sidecar_channel(sc, 1)->bad);
    assert_int_equal(ltr_io_sidecar_channel(sc, 2)->type, LTR_IO_CHANNEL_ACC);
    assert_int_equal(ltr_io_sidecar_channel(sc, 2)->type_source, LTR_IO_SOURCE_CHANNELS_TSV);
    assert_int_equal(ltr_io_sidecar_channel(sc, 3)->type, LTR_IO_CHANNEL_OTHER);
    assert_string_equal(si.notes, "");
    ltr_io_sidecar_destroy(sc);
    remove_file("sub-01_task-x_emg.json");
    remove_file("sub-01_task-x_channels.tsv");
}

static void expect_refusal(const char *recording, ltr_io_status want, const char *text1,
                           const char *text2, uint64_t line, const ltr_io_options *opts)
{
    ltr_io_sidecar *sc = (ltr_io_sidecar *)1;
    ltr_io_error err;
    memset(&err, 0, sizeof err);
    ltr_io_status s = read_sidecar(recording, &sc, &err, opts);
    if (s != want)
        fail_msg("status %d, expected %d (%s)", s, want, err.message);
    assert_null(sc);
    if (!strstr(err.message, text1) || (text2 && !strstr(err.message, text2)))
        fail_msg("message '%s' lacks '%s' or '%s'", err.message, text1, text2 ? text2 : "");
    assert_int_equal(err.line, line);
}

static void test_refusals(void **state)
{
    (void)state;
    write_recording("r.csv", "a,b", 2);
    write_file("r.json", "{\n \"SamplingFrequency\": 1000,\n \"Channels\": [,]\n}\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "r.json:3:", "broken JSON", 3, NULL);
    write_file("r.json", "[1, 2]\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "not a JSON object", NULL, 0, NULL);
    write_file("r.json", "{\"SamplingFrequency\": 2000}\n");
    expect_refusal("r.csv", LTR_IO_ERR_RATE, "SamplingFrequency 2000 Hz", "at 1000 Hz", 0, NULL);
    write_file("r.json", "{\"SamplingFrequency\": \"1000\"}\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "SamplingFrequency is a string", NULL, 0, NULL);
    write_file("r.json", "{\"Channels\": [{\"type\": \"EMG\"}]}\n");
    expect_refusal("r.csv", LTR_IO_ERR_CHANNEL, "describes 1 channel", "has 2", 0, NULL);
    write_file("r.json", "{\"Channels\": [{\"index\": 0}, {\"index\": 0}]}\n");
    expect_refusal("r.csv", LTR_IO_ERR_CHANNEL, "index 0 appears twice", NULL, 0, NULL);
    write_file("r.json", "{\"Channels\": [{\"index\": 0}, {\"type\": \"EMG\"}]}\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "give it to all or none", NULL, 0, NULL);
    write_file("r.json", "{\"PowerLineFrequency\": 50, \"PowerLineFrequency\": 60}\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "r.json:1:", "duplicate", 1, NULL);
    remove_file("r.json");

    write_file("r_channels.tsv", "name\ttype\tunits\na\tEMG\tmV\nb\tACCEL\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "r_channels.tsv:3:", "2 tab-separated fields", 3,
                   NULL);
    write_file("r_channels.tsv", "name,type\na,EMG\n");
    expect_refusal("r.csv", LTR_IO_ERR_FORMAT, "r_channels.tsv:1:", "'type'", 1, NULL);
    write_file("r_channels.tsv", "name\ttype\na\tEMG\nb\tEMG\nc\tEMG\n");
    expect_refusal("r.csv", LTR_IO_ERR_CHANNEL, "describes 3 channels (rows)", "has 2", 0, NULL);
    remove_file("r_channels.tsv");

    /* A rate given as an option wins: a note, no refusal. */
    write_file("r.json", "{\"SamplingFrequency\": 2000, \"PowerLineFrequency\": 55}\n");
    ltr_io_options o;
    ltr_io_options_default(&o);
    o.sample_rate_hz = 500;
    ltr_io_sidecar *sc;
    ltr_io_error err;
    assert_int_equal(read_sidecar("r.csv", &sc, &err, &o), LTR_IO_OK);
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    assert_non_null(strstr(si.notes, "SamplingFrequency 2000 Hz; 500 Hz as given"));
    assert_non_null(strstr(si.notes, "PowerLineFrequency 55 Hz is neither 50 nor 60"));
    assert_true(si.power_line_hz == 0.0);
    ltr_io_sidecar_destroy(sc);
    remove_file("r.json");
}

static void test_arguments(void **state)
{
    (void)state;
    ltr_io_sidecar *sc;
    assert_int_equal(ltr_io_sidecar_read(&sc, NULL, "x", NULL), LTR_IO_ERR_ARGUMENT);
    assert_int_equal(ltr_io_sidecar_info_get(NULL, NULL), LTR_IO_ERR_ARGUMENT);
    assert_null(ltr_io_sidecar_channel(NULL, 0));
    ltr_io_sidecar_destroy(NULL);
}

int main(void)
{
    snprintf(dir, sizeof dir, "%s/ltr-sidecar-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_type_words),   cmocka_unit_test(test_labels),
        cmocka_unit_test(test_no_sidecar),   cmocka_unit_test(test_json_channels),
        cmocka_unit_test(test_bids_channels_tsv), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_arguments),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    for (unsigned i = 0; i < n_created; i++) {
        unlink(created[i]);
        free(created[i]);
    }
    rmdir(dir);
    return rc;
}
