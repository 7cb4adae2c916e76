/*
 * Shared helpers of the benchmark programs: a monotonic clock, order
 * statistics, a deterministic synthetic EMG/accelerometer generator, a small
 * JSON writer and the "where does the JSON go" rule.
 *
 * Benchmark code, not library code: it prints, allocates and exits freely.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_BENCH_UTIL_H
#define LTR_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"

/** pi, spelled out: strict C11 has no M_PI. */
#define BENCH_PI 3.14159265358979323846

/* --- time --------------------------------------------------------------- */

/** CLOCK_MONOTONIC, nanoseconds. */
uint64_t bench_now_ns(void);

/** Median cost of one bench_now_ns() call pair (back-to-back reads), ns. */
double bench_timer_overhead_ns(void);

/* --- statistics --------------------------------------------------------- */

/** Sort v[0..n) in place (ascending). */
void bench_sort(double *v, size_t n);

/** Percentile p (0..100) of sorted v[0..n), linear interpolation between order
 *  statistics ("type 7", as R and numpy). NaN if n == 0. */
double bench_percentile_sorted(const double *v, size_t n, double p);

/** Median of v[0..n) (v is sorted in place). */
double bench_median(double *v, size_t n);

/* --- deterministic test signals -------------------------------------------- */

/** A small xoshiro128+-style generator (no global state). */
typedef struct bench_rng {
    uint64_t s;
} bench_rng;

void bench_rng_seed(bench_rng *r, uint64_t seed);
/** Uniform in [0, 1). */
double bench_uniform(bench_rng *r);
/** Standard normal (Box-Muller). */
double bench_gauss(bench_rng *r);

/**
 * Fill buf[n_frames * n_channels] with a surface-EMG-like recording: coloured
 * Gaussian background (10 units RMS), 50 Hz hum (20 units), and on every
 * channel a burst of 30-200 ms at 10-25 dB every 1-3 s; accelerometer
 * channels (sensors[c] == LTR_SENSOR_ACC, NULL = all EMG) get gravity, noise
 * and a damped 20 Hz ringing 20 ms after each burst. `first_frame` is the frame
 * index of buf[0] in the whole (infinite) recording, so consecutive calls make
 * one continuous recording. The same seed gives the same samples. If onsets is
 * not NULL, the onset frames of the bursts that start inside the buffer are
 * written there (at most max_onsets) and *n_onsets gets how many.
 */
typedef struct bench_synth {
    bench_rng rng;
    double fs;
    unsigned n_channels;
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    double colour[LTR_MAX_CHANNELS];
    uint64_t next_burst;  /* onset frame of the next burst */
    uint64_t burst_start, burst_len;
    double burst_gain;
} bench_synth;

void bench_synth_init(bench_synth *s, double fs, unsigned n_channels, const ltr_sensor *sensors,
                      uint64_t seed);
void bench_synth_fill(bench_synth *s, float *buf, size_t n_frames, uint64_t first_frame,
                      uint64_t *onsets, size_t max_onsets, size_t *n_onsets);

/* --- output ----------------------------------------------------------------- */

/**
 * Where a benchmark writes its JSON: the path given after --json on the
 * command line, else $LTR_BENCH_JSON_DIR/<default_name>, else ./<default_name>.
 * Returns a static buffer.
 */
const char *bench_json_path(int argc, char **argv, const char *default_name);

/** True if `flag` (e.g. "--quick") is among argv. */
int bench_has_flag(int argc, char **argv, const char *flag);

/** Open the JSON file and write the common header object fields: "benchmark",
 *  "libltr_version", "compiler", "timer_overhead_ns". Leaves the top-level
 *  object open; finish with bench_json_close(). NULL (and a message) on error. */
FILE *bench_json_open(const char *path, const char *benchmark);
void bench_json_close(FILE *f, const char *path);

/** JSON number (NaN/Inf as null). */
void bench_json_num(FILE *f, double v);

/** The compiler that built this file, e.g. "gcc 12.2.0". */
const char *bench_compiler(void);

/** Allocate or die. */
void *bench_xmalloc(size_t n);
void *bench_xcalloc(size_t n, size_t size);

/** Die with a message if st is an error. */
void bench_check(ltr_status st, const char *what);

#endif /* LTR_BENCH_UTIL_H */
