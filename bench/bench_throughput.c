/*
 * Throughput of ltr_detector_process: frames/s and samples/s on one core, for
 * 1, 4 and 16 EMG channels (and 1 EMG + 3 accelerometer axes), at 2 kHz and
 * 10 kHz, fed in blocks of 1, 32 and 1024 frames. Each configuration runs on
 * the same synthetic recording (bench_synth: coloured EMG noise, 50 Hz hum,
 * a burst every 1-3 s) several times with a fresh detector; the table shows
 * the median and the spread (min..max) of the repeats.
 *
 * usage: bench_throughput [--quick] [--json PATH]
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "ltr/ltr.h"

typedef struct tp_config {
    const char *name;
    unsigned n_channels;
    unsigned n_acc; /* the last n_acc channels are accelerometer axes */
} tp_config;

static const tp_config configs[] = {
    {"1 emg", 1, 0},
    {"4 emg", 4, 0},
    {"16 emg", 16, 0},
    {"1 emg + 3 acc", 4, 3},
};
static const double rates[] = {2000.0, 10000.0};
static const size_t blocks[] = {1, 32, 1024};

#define N_CONFIGS (sizeof configs / sizeof configs[0])
#define N_RATES (sizeof rates / sizeof rates[0])
#define N_BLOCKS (sizeof blocks / sizeof blocks[0])

/* One timed pass over the buffer with a fresh detector, ns. */
static double one_run(const ltr_config *cfg, const float *buf, size_t n_frames, size_t block,
                      ltr_event *events, size_t max_events, size_t *n_events_total)
{
    ltr_detector *det;
    bench_check(ltr_detector_create(&det, cfg), "ltr_detector_create");
    const unsigned nc = cfg->n_channels;
    size_t total = 0;
    const uint64_t t0 = bench_now_ns();
    for (size_t i = 0; i < n_frames; i += block) {
        const size_t n = n_frames - i < block ? n_frames - i : block;
        size_t got = 0;
        ltr_status st = ltr_detector_process(det, buf + i * nc, n, events, max_events, &got);
        total += got;
        if (st < 0)
            bench_check(st, "ltr_detector_process");
    }
    const uint64_t t1 = bench_now_ns();
    ltr_detector_destroy(det);
    *n_events_total = total;
    return (double)(t1 - t0);
}

int main(int argc, char **argv)
{
    const int quick = bench_has_flag(argc, argv, "--quick");
    const size_t samples_per_run = quick ? 400000 : 2000000;
    const size_t repeats = quick ? 3 : 7;
    const char *json = bench_json_path(argc, argv, "throughput.json");

    printf("libltr %s: ltr_detector_process throughput, one thread (%s)\n", ltr_version_string(),
           bench_compiler());
    printf("%zu samples per run, median of %zu runs (fresh detector each), spread = min..max\n\n",
           samples_per_run, repeats);
    printf("%-14s %7s %6s %12s %12s %9s %17s %7s\n", "channels", "rate", "block", "Mframes/s",
           "Msamples/s", "ns/sample", "spread ns/sample", "events");

    FILE *f = bench_json_open(json, "throughput");
    if (!f)
        return 1;
    fprintf(f, "  \"samples_per_run\": %zu,\n  \"repeats\": %zu,\n  \"results\": [\n",
            samples_per_run, repeats);

    double best_1ch = 0.0; /* Msamples/s, single channel, best block size */
    int first = 1;
    for (size_t ci = 0; ci < N_CONFIGS; ci++) {
        const tp_config *tc = &configs[ci];
        ltr_sensor sensors[LTR_MAX_CHANNELS];
        for (unsigned c = 0; c < tc->n_channels; c++)
            sensors[c] = c + tc->n_acc >= tc->n_channels ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
        for (size_t ri = 0; ri < N_RATES; ri++) {
            const double fs = rates[ri];
            ltr_config cfg;
            bench_check(ltr_config_default(&cfg, fs, tc->n_channels, sensors),
                        "ltr_config_default");
            const size_t n_frames = samples_per_run / tc->n_channels;
            float *buf = bench_xmalloc(n_frames * tc->n_channels * sizeof *buf);
            bench_synth synth;
            bench_synth_init(&synth, fs, tc->n_channels, sensors, 42u + ci * 10u + ri);
            bench_synth_fill(&synth, buf, n_frames, 0, NULL, 0, NULL);

            for (size_t bi = 0; bi < N_BLOCKS; bi++) {
                const size_t block = blocks[bi];
                ltr_detector *probe;
                bench_check(ltr_detector_create(&probe, &cfg), "ltr_detector_create");
                const size_t max_events = ltr_detector_max_events(probe, block);
                ltr_detector_destroy(probe);
                ltr_event *events = bench_xcalloc(max_events, sizeof *events);
                double ns[16];
                size_t n_events = 0;
                (void)one_run(&cfg, buf, n_frames, block, events, max_events, &n_events); /* warm-up */
                for (size_t r = 0; r < repeats; r++)
                    ns[r] = one_run(&cfg, buf, n_frames, block, events, max_events, &n_events);
                free(events);
                const double samples = (double)n_frames * tc->n_channels;
                const double med = bench_median(ns, repeats);
                const double ns_per_sample = med / samples;
                const double lo = ns[0] / samples, hi = ns[repeats - 1] / samples;
                const double mfps = (double)n_frames / med * 1e3;
                const double msps = samples / med * 1e3;
                if (tc->n_channels == 1 && msps > best_1ch)
                    best_1ch = msps;
                printf("%-14s %5.0fHz %6zu %12.2f %12.2f %9.2f %8.2f..%-8.2f %7zu\n", tc->name,
                       fs, block, mfps, msps, ns_per_sample, lo, hi, n_events);
                fprintf(f,
                        "%s    {\"channels\": %u, \"acc_channels\": %u, \"rate_hz\": %.0f, "
                        "\"block\": %zu, \"frames_per_s\": ",
                        first ? "" : ",\n", tc->n_channels, tc->n_acc, fs, block);
                bench_json_num(f, mfps * 1e6);
                fprintf(f, ", \"samples_per_s\": ");
                bench_json_num(f, msps * 1e6);
                fprintf(f, ", \"ns_per_sample_median\": ");
                bench_json_num(f, ns_per_sample);
                fprintf(f, ", \"ns_per_sample_min\": ");
                bench_json_num(f, lo);
                fprintf(f, ", \"ns_per_sample_max\": ");
                bench_json_num(f, hi);
                fprintf(f, ", \"events\": %zu}", n_events);
                first = 0;
            }
            free(buf);
        }
    }
    fprintf(f, "\n  ],\n  \"target\": {\"name\": \"single-channel throughput\", "
               "\"goal_msamples_per_s\": 100, \"measured_msamples_per_s\": ");
    bench_json_num(f, best_1ch);
    fprintf(f, ", \"met\": %s}\n", best_1ch >= 100.0 ? "true" : "false");

    printf("\nTarget: single-channel throughput >= 100 Msamples/s/core: best %.1f Msamples/s -> %s\n",
           best_1ch, best_1ch >= 100.0 ? "MET" : "MISSED");
    bench_json_close(f, json);
    return 0;
}
