/*
 * Shared helpers of the benchmark programs (see bench_util.h).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "bench_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

double bench_timer_overhead_ns(void)
{
    enum { N = 2001 };
    static double d[N];
    for (size_t i = 0; i < N; i++) {
        const uint64_t a = bench_now_ns();
        const uint64_t b = bench_now_ns();
        d[i] = (double)(b - a);
    }
    return bench_median(d, N);
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void bench_sort(double *v, size_t n)
{
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_double);
}

double bench_percentile_sorted(const double *v, size_t n, double p)
{
    if (n == 0)
        return NAN;
    if (n == 1)
        return v[0];
    const double h = (double)(n - 1) * p / 100.0;
    size_t lo = (size_t)floor(h);
    if (lo >= n - 1)
        return v[n - 1];
    const double frac = h - (double)lo;
    return v[lo] + frac * (v[lo + 1] - v[lo]);
}

double bench_median(double *v, size_t n)
{
    bench_sort(v, n);
    return bench_percentile_sorted(v, n, 50.0);
}

/* --- random numbers: splitmix64 (Steele, Lea & Flood 2014) ---------------- */

void bench_rng_seed(bench_rng *r, uint64_t seed)
{
    r->s = seed ^ 0x9E3779B97F4A7C15ull;
}

static uint64_t next_u64(bench_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

double bench_uniform(bench_rng *r)
{
    return (double)(next_u64(r) >> 11) * (1.0 / 9007199254740992.0);
}

double bench_gauss(bench_rng *r)
{
    double u = bench_uniform(r);
    if (u < 1e-300)
        u = 1e-300;
    const double v = bench_uniform(r);
    return sqrt(-2.0 * log(u)) * cos(2.0 * BENCH_PI * v);
}

/* --- synthetic recording --------------------------------------------------- */

void bench_synth_init(bench_synth *s, double fs, unsigned n_channels, const ltr_sensor *sensors,
                      uint64_t seed)
{
    memset(s, 0, sizeof *s);
    bench_rng_seed(&s->rng, seed);
    s->fs = fs;
    s->n_channels = n_channels;
    for (unsigned c = 0; c < n_channels && c < LTR_MAX_CHANNELS; c++)
        s->sensors[c] = sensors ? sensors[c] : LTR_SENSOR_EMG;
    s->next_burst = (uint64_t)(1.0 * fs); /* first burst after 1 s */
    s->burst_len = 0;
}

static void schedule_burst(bench_synth *s, uint64_t frame)
{
    s->burst_start = frame;
    s->burst_len = (uint64_t)((0.03 + 0.17 * bench_uniform(&s->rng)) * s->fs);
    s->burst_gain = pow(10.0, (10.0 + 15.0 * bench_uniform(&s->rng)) / 20.0);
    s->next_burst = frame + (uint64_t)((1.0 + 2.0 * bench_uniform(&s->rng)) * s->fs);
}

void bench_synth_fill(bench_synth *s, float *buf, size_t n_frames, uint64_t first_frame,
                      uint64_t *onsets, size_t max_onsets, size_t *n_onsets)
{
    const unsigned nc = s->n_channels;
    const double w_mains = 2.0 * BENCH_PI * 50.0 / s->fs;
    const double w_ring = 2.0 * BENCH_PI * 20.0 / s->fs;
    const double emd = 0.02 * s->fs;   /* electromechanical delay, frames */
    const double ring_tau = 0.03 * s->fs;
    size_t found = 0;
    for (size_t i = 0; i < n_frames; i++) {
        const uint64_t n = first_frame + i;
        if (n >= s->next_burst) {
            schedule_burst(s, n);
            if (onsets && found < max_onsets)
                onsets[found] = n;
            found++;
        }
        double burst = 0.0; /* envelope of the EMG burst, 0 outside */
        if (s->burst_len > 0 && n >= s->burst_start && n < s->burst_start + s->burst_len)
            burst = s->burst_gain *
                    sin(BENCH_PI * (double)(n - s->burst_start) / (double)s->burst_len);
        double ring = 0.0; /* accelerometer ringing after the burst */
        if (s->burst_len > 0 && (double)n >= (double)s->burst_start + emd) {
            const double t = (double)n - (double)s->burst_start - emd;
            if (t < 8.0 * ring_tau)
                ring = 0.05 * exp(-t / ring_tau) * sin(w_ring * t);
        }
        const double hum = 20.0 * sin(w_mains * (double)(n % (uint64_t)(s->fs * 1000.0)));
        for (unsigned c = 0; c < nc; c++) {
            const double g = bench_gauss(&s->rng);
            double x;
            if (s->sensors[c] == LTR_SENSOR_ACC) {
                x = 0.57735 + 0.002 * g + ring;
            } else {
                s->colour[c] = 0.6 * s->colour[c] + 0.4 * g;
                /* 0.4 / sqrt(1 - 0.36) = 0.5: the coloured noise has RMS 0.5 */
                x = 20.0 * s->colour[c] * (1.0 + burst) + hum;
            }
            buf[i * nc + c] = (float)x;
        }
    }
    if (n_onsets)
        *n_onsets = found < max_onsets ? found : max_onsets;
}

/* --- output -------------------------------------------------------------------- */

const char *bench_json_path(int argc, char **argv, const char *default_name)
{
    static char path[4096];
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--json") == 0)
            return argv[i + 1];
    const char *dir = getenv("LTR_BENCH_JSON_DIR");
    if (dir && *dir)
        snprintf(path, sizeof path, "%s/%s", dir, default_name);
    else
        snprintf(path, sizeof path, "%s", default_name);
    return path;
}

int bench_has_flag(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], flag) == 0)
            return 1;
    return 0;
}

const char *bench_compiler(void)
{
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "unknown";
#endif
}

FILE *bench_json_open(const char *path, const char *benchmark)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        return NULL;
    }
    fprintf(f, "{\n  \"benchmark\": \"%s\",\n  \"libltr_version\": \"%s\",\n", benchmark,
            ltr_version_string());
    fprintf(f, "  \"compiler\": \"%s\",\n  \"timer_overhead_ns\": ", bench_compiler());
    bench_json_num(f, bench_timer_overhead_ns());
    fprintf(f, ",\n");
    return f;
}

void bench_json_close(FILE *f, const char *path)
{
    if (!f)
        return;
    fprintf(f, "}\n");
    if (fclose(f) != 0)
        fprintf(stderr, "error writing %s\n", path);
    else
        printf("\nJSON: %s\n", path);
}

void bench_json_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, "%.6g", v);
    else
        fprintf(f, "null");
}

void *bench_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory (%zu bytes)\n", n);
        exit(1);
    }
    return p;
}

void *bench_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

void bench_check(ltr_status st, const char *what)
{
    if (st < 0) {
        fprintf(stderr, "%s: %s\n", what, ltr_status_string(st));
        exit(1);
    }
}
