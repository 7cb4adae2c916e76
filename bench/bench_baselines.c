/*
 * The classic onset detectors (bench/baselines) on any recording, for tables
 * that put them beside `ltr detect` (bench/injected.py).
 *
 * The file is read with libltr-io and its channels chosen as `ltr detect`
 * chooses them with no options (the sidecar's or the labels' types; none:
 * every channel is EMG): the baselines see the first EMG channel, or without
 * one the accelerometer magnitude (bl_channel). Mains: --mains HZ, else the
 * sidecar's PowerLineFrequency, else found from the whole record (50 or 60 Hz
 * if its 1 Hz bin stands 6 dB over its neighbours', else no notch). Rest
 * reference, front end and methods exactly as bench_accuracy's
 * (baselines/harness.c): offline, the 500 ms window of median power of the
 * whole record, an advantage libltr (online) does not have. --rest-at S: the
 * 500 ms from S seconds instead, the rest an online detector has when it
 * starts (the record's beginning, after the filters settle).
 *
 * Writes OUT_DIR/STEM_METHOD.tsv for each method (STEM: the file's name
 * without its extension): a BIDS events.tsv of `twitch` rows as `ltr detect`
 * writes them (libltr-io's event writer), which `ltr eval` reads.
 *
 * usage: bench_baselines [--mains HZ] [--rest-at S] [--out-dir DIR] FILE
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baselines/baselines.h"
#include "bench_util.h"
#include "ltr/ltr.h"
#include "ltr/ltr_io.h"

static int usage(void)
{
    fprintf(stderr, "usage: bench_baselines [--mains HZ] [--rest-at S] [--out-dir DIR] FILE\n");
    return 2;
}

/* `ltr detect`'s choice with no options (cli/run.c): typed EMG channels in file order,
 * then accelerometer axes at the EMG's rate; nothing typed: every channel as EMG. Only
 * the first EMG channel, or the axes, matter to the baselines. */
static unsigned choose(const ltr_io_reader *rd, const ltr_io_sidecar *sc, unsigned n_file,
                       unsigned *sel, ltr_sensor *sensors)
{
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    if (si.n_typed == 0) {
        sel[0] = 0;
        sensors[0] = LTR_SENSOR_EMG;
        return 1;
    }
    for (unsigned c = 0; c < n_file; c++)
        if (ltr_io_sidecar_channel(sc, c)->type == LTR_IO_CHANNEL_EMG) {
            sel[0] = c;
            sensors[0] = LTR_SENSOR_EMG;
            return 1;
        }
    unsigned n = 0;
    double rate = 0.0;
    for (unsigned c = 0; c < n_file && n < LTR_MAX_CHANNELS; c++) {
        const double fs = ltr_io_reader_channel(rd, c)->sample_rate_hz;
        if (ltr_io_sidecar_channel(sc, c)->type != LTR_IO_CHANNEL_ACC || (rate && fs != rate))
            continue;
        rate = fs;
        sel[n] = c;
        sensors[n++] = LTR_SENSOR_ACC;
    }
    return n;
}

/* The mains found offline: power in 1 Hz bins (Goertzel over 1 s blocks) at 50 and 60 Hz
 * against broadband EMG at 45, 55, 65 and 70 Hz; the stronger line if it stands 6 dB
 * (4x) over the loudest neighbour, else 0. */
static double find_mains(const float *y, size_t n, double fs)
{
    static const double f[6] = {50.0, 60.0, 45.0, 55.0, 65.0, 70.0};
    double p[6] = {0};
    const size_t w = (size_t)fs;
    for (size_t k = 0; w > 0 && k < 6; k++) {
        const double c = 2.0 * cos(2.0 * BENCH_PI * f[k] / fs);
        for (size_t b = 0; b + w <= n; b += w) {
            double s1 = 0.0, s2 = 0.0;
            for (size_t i = b; i < b + w; i++) {
                const double s0 = (isfinite(y[i]) ? y[i] : 0.0) + c * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            p[k] += s1 * s1 + s2 * s2 - c * s1 * s2;
        }
    }
    const double line = fmax(p[0], p[1]);
    const double neighbour = fmax(fmax(p[2], p[3]), fmax(p[4], p[5]));
    if (!(line > 4.0 * neighbour))
        return 0.0;
    return p[0] >= p[1] ? 50.0 : 60.0;
}

/* FILE's name without its directory and extension */
static void stem_of(const char *path, char *out, size_t size)
{
    const char *base = strrchr(path, '/');
    snprintf(out, size, "%s", base ? base + 1 : path);
    char *dot = strrchr(out, '.');
    if (dot && dot != out)
        *dot = '\0';
}

int main(int argc, char **argv)
{
    const char *path = NULL, *out_dir = ".";
    double mains = -1.0, rest_at = -1.0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mains") && i + 1 < argc)
            mains = atof(argv[++i]);
        else if (!strcmp(argv[i], "--rest-at") && i + 1 < argc)
            rest_at = atof(argv[++i]);
        else if (!strcmp(argv[i], "--out-dir") && i + 1 < argc)
            out_dir = argv[++i];
        else if (argv[i][0] == '-' || path)
            return usage();
        else
            path = argv[i];
    }
    if (!path)
        return usage();

    ltr_io_reader *rd;
    ltr_io_sidecar *sc;
    ltr_io_error err;
    if (ltr_io_reader_open(&rd, path, NULL, &err) != LTR_IO_OK) {
        fprintf(stderr, "bench_baselines: %s\n", err.message);
        return 1;
    }
    if (ltr_io_sidecar_read(&sc, rd, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "bench_baselines: %s\n", err.message);
        ltr_io_reader_close(rd);
        return 1;
    }
    ltr_io_info info;
    ltr_io_reader_info(rd, &info);
    unsigned sel[LTR_MAX_CHANNELS];
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    const unsigned nc = choose(rd, sc, info.n_channels, sel, sensors);
    ltr_io_sidecar_info si;
    ltr_io_sidecar_info_get(sc, &si);
    if (nc == 0 || ltr_io_reader_select(rd, sel, nc) != LTR_IO_OK) {
        fprintf(stderr, "bench_baselines: %s: no EMG or accelerometer channel to read\n", path);
        return 1;
    }
    ltr_io_reader_info(rd, &info);
    const double fs = info.sample_rate_hz;

    size_t n = 0, cap = 1u << 16;
    float *x = bench_xmalloc(cap * nc * sizeof *x);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            float *g = realloc(x, cap * nc * sizeof *x);
            if (!g) {
                fprintf(stderr, "out of memory\n");
                return 1;
            }
            x = g;
        }
        size_t got = 0;
        ltr_io_status st = ltr_io_reader_read(rd, x + n * nc, cap - n, &got);
        n += got;
        if (st != LTR_IO_OK) {
            fprintf(stderr, "bench_baselines: %s\n", ltr_io_reader_error(rd)->message);
            return 1;
        }
        if (got == 0)
            break;
    }

    int is_acc = 0;
    float *y = bl_channel(x, n, nc, sensors, fs, &is_acc);
    const char *mains_from = "--mains";
    if (mains < 0.0 && si.power_line_hz > 0.0) {
        mains = si.power_line_hz;
        mains_from = "the sidecar";
    } else if (mains < 0.0) {
        mains = is_acc ? 0.0 : find_mains(y, n, fs);
        mains_from = "found in the whole record";
    }
    bl_input in;
    bl_input_init(&in, y, n, fs, is_acc, nc, sensors, mains);
    bl_interval rest = bl_median_rest_window(&in);
    if (rest_at >= 0.0) {
        rest.start = (size_t)(rest_at * fs);
        rest.end = rest.start + (size_t)(0.5 * fs);
        if (rest.end > n) {
            fprintf(stderr, "bench_baselines: %s: --rest-at %g s: the record is %.1f s\n", path,
                    rest_at, (double)n / fs);
            return 1;
        }
    }
    in.rest = &rest;
    in.n_rest = 1;
    fprintf(stderr, "%s: %s, %.0f Hz, %.1f s; mains %g Hz (%s); rest %.2f-%.2f s\n", path,
            is_acc ? "accelerometer magnitude" : ltr_io_sidecar_channel(sc, sel[0])->name, fs,
            (double)n / fs, mains, mains_from, (double)rest.start / fs, (double)rest.end / fs);

    char stem[256];
    stem_of(path, stem, sizeof stem);
    const char *name = is_acc ? "acc" : ltr_io_sidecar_channel(sc, sel[0])->name;
    int rc = 0;
    for (size_t m = 0; m < BL_N_METHODS && rc == 0; m++) {
        bl_events be = {0};
        bl_methods[m]->run(&in, &be);
        char out[4096];
        snprintf(out, sizeof out, "%s/%s_%s.tsv", out_dir, stem, bl_methods[m]->name);
        FILE *f = fopen(out, "w");
        ltr_io_event_writer *w = NULL;
        if (!f || ltr_io_event_writer_create(&w, f, LTR_IO_EVENTS_TSV, fs, &name, 1,
                                             LTR_IO_KIND(LTR_EVENT_END), NULL) != LTR_IO_OK) {
            fprintf(stderr, "bench_baselines: cannot write %s\n", out);
            rc = 1;
        }
        for (size_t i = 0; rc == 0 && i < be.n; i++) {
            const ltr_event ev = {
                .kind = LTR_EVENT_END, .id = (uint32_t)(i + 1), .onset = be.ev[i].onset,
                .peak = be.ev[i].onset, .offset = be.ev[i].offset, .detected = be.ev[i].decided,
                .channels = 1u, .flags = is_acc ? LTR_FLAG_ACC : LTR_FLAG_EMG,
            };
            rc = ltr_io_event_writer_write(w, &ev) != LTR_IO_OK;
        }
        ltr_io_event_writer_destroy(w);
        if (f && fclose(f) != 0)
            rc = 1;
        if (rc == 0)
            printf("%-12s %5zu twitches  %s\n", bl_methods[m]->name, be.n, out);
        bl_events_free(&be);
    }
    free(y);
    free(x);
    ltr_io_sidecar_destroy(sc);
    ltr_io_reader_close(rd);
    return rc;
}
