/*
 * Per-block cost: the distribution of the time one ltr_detector_process call
 * takes on a 32-frame block (the number a real-time budget is made of), as a
 * device would call it: one detector, blocks one after another, warm caches.
 * Each block is timed alone with CLOCK_MONOTONIC; the times include one
 * clock read pair (its median cost is printed as "timer").
 *
 * The input is the synthetic recording of bench_synth (bursts every 1-3 s),
 * looped; the first 2 s (the detector's warm-up and filter settling) are not
 * timed.
 *
 * usage: bench_block [--quick] [--json PATH]
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "ltr/ltr.h"

#define BLOCK 32u

typedef struct blk_config {
    const char *name;
    double fs;
    unsigned n_channels;
    unsigned n_acc;
} blk_config;

static const blk_config configs[] = {
    {"1 emg @ 2 kHz", 2000.0, 1, 0},
    {"1 emg @ 10 kHz", 10000.0, 1, 0},
    {"4 emg @ 2 kHz", 2000.0, 4, 0},
    {"1 emg + 3 acc @ 2 kHz", 2000.0, 4, 3},
    {"16 emg @ 2 kHz", 2000.0, 16, 0},
};
#define N_CONFIGS (sizeof configs / sizeof configs[0])

int main(int argc, char **argv)
{
    const int quick = bench_has_flag(argc, argv, "--quick");
    const size_t n_blocks = quick ? 20000 : 200000;
    const char *json = bench_json_path(argc, argv, "block.json");
    const double timer = bench_timer_overhead_ns();

    printf("libltr %s: cost of one ltr_detector_process call on a %u-frame block (%s)\n",
           ltr_version_string(), BLOCK, bench_compiler());
    printf("%zu timed blocks per configuration after 2 s of warm-up; timer pair %.0f ns "
           "(included)\n\n",
           n_blocks, timer);
    printf("%-22s %9s %9s %9s %9s %9s %10s %11s\n", "configuration", "median", "p90", "p99",
           "p99.9", "max", "ns/sample", "budget use");

    FILE *f = bench_json_open(json, "block");
    if (!f)
        return 1;
    fprintf(f, "  \"block_frames\": %u,\n  \"timed_blocks\": %zu,\n  \"results\": [\n", BLOCK,
            n_blocks);

    double p99_1ch = 0.0;
    double *t = bench_xmalloc(n_blocks * sizeof *t);
    for (size_t ci = 0; ci < N_CONFIGS; ci++) {
        const blk_config *bc = &configs[ci];
        ltr_sensor sensors[LTR_MAX_CHANNELS];
        for (unsigned c = 0; c < bc->n_channels; c++)
            sensors[c] = c + bc->n_acc >= bc->n_channels ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
        ltr_config cfg;
        bench_check(ltr_config_default(&cfg, bc->fs, bc->n_channels, sensors), "config");
        /* 30 s of signal, looped (whole blocks) */
        const size_t loop_blocks = (size_t)(30.0 * bc->fs) / BLOCK;
        const size_t loop_frames = loop_blocks * BLOCK;
        const unsigned nc = bc->n_channels;
        float *buf = bench_xmalloc(loop_frames * nc * sizeof *buf);
        bench_synth synth;
        bench_synth_init(&synth, bc->fs, nc, sensors, 7u + ci);
        bench_synth_fill(&synth, buf, loop_frames, 0, NULL, 0, NULL);

        ltr_detector *det;
        bench_check(ltr_detector_create(&det, &cfg), "ltr_detector_create");
        const size_t max_events = ltr_detector_max_events(det, BLOCK);
        ltr_event *events = bench_xcalloc(max_events, sizeof *events);
        const size_t warm_blocks = (size_t)(2.0 * bc->fs) / BLOCK;
        size_t b = 0; /* block index within the loop */
        size_t got;
        for (size_t i = 0; i < warm_blocks; i++, b = (b + 1) % loop_blocks)
            bench_check(ltr_detector_process(det, buf + b * BLOCK * nc, BLOCK, events,
                                             max_events, &got),
                        "process");
        for (size_t i = 0; i < n_blocks; i++, b = (b + 1) % loop_blocks) {
            const float *in = buf + b * BLOCK * nc;
            const uint64_t t0 = bench_now_ns();
            ltr_status st = ltr_detector_process(det, in, BLOCK, events, max_events, &got);
            const uint64_t t1 = bench_now_ns();
            if (st < 0)
                bench_check(st, "process");
            t[i] = (double)(t1 - t0);
        }
        ltr_detector_destroy(det);
        free(events);
        free(buf);

        bench_sort(t, n_blocks);
        const double med = bench_percentile_sorted(t, n_blocks, 50.0);
        const double p90 = bench_percentile_sorted(t, n_blocks, 90.0);
        const double p99 = bench_percentile_sorted(t, n_blocks, 99.0);
        const double p999 = bench_percentile_sorted(t, n_blocks, 99.9);
        const double mx = t[n_blocks - 1];
        const double budget_ns = BLOCK / bc->fs * 1e9; /* real time covered by the block */
        if (ci == 0)
            p99_1ch = p99;
        printf("%-22s %7.0fns %7.0fns %7.0fns %7.0fns %7.0fns %10.2f %10.4f%%\n", bc->name, med,
               p90, p99, p999, mx, med / (BLOCK * nc), 100.0 * p99 / budget_ns);
        fprintf(f,
                "%s    {\"name\": \"%s\", \"rate_hz\": %.0f, \"channels\": %u, \"acc_channels\": %u, "
                "\"median_ns\": %.1f, \"p90_ns\": %.1f, \"p99_ns\": %.1f, \"p999_ns\": %.1f, "
                "\"max_ns\": %.1f, \"block_real_time_ns\": %.1f}",
                ci ? ",\n" : "", bc->name, bc->fs, nc, bc->n_acc, med, p90, p99, p999, mx,
                budget_ns);
    }
    free(t);
    const int met = p99_1ch < 1000.0;
    fprintf(f, "\n  ],\n  \"target\": {\"name\": \"p99 cost of a 32-frame block, 1 emg @ 2 kHz\", "
               "\"goal_ns\": 1000, \"measured_ns\": %.1f, \"met\": %s}\n",
            p99_1ch, met ? "true" : "false");
    printf("\n'budget use' = p99 cost / real time the block covers.\n");
    printf("Target: p99 cost of a 32-frame block < 1 us (1 emg @ 2 kHz): %.0f ns -> %s\n", p99_1ch,
           met ? "MET" : "MISSED");
    bench_json_close(f, json);
    return 0;
}
