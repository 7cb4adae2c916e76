/*
 * Memory: bytes of detector state (ltr_detector_size) for 1, 4, 16 and 32
 * channels, at the rates devices use, and per channel; the target is at most
 * 2 KiB per channel.
 *
 * (Peak resident memory of a whole stream is measured by rss.py with
 * bench_stream and, when it is built, the `ltr` tool.)
 *
 * usage: bench_memory [--json PATH]
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>

#include "bench_util.h"
#include "ltr/ltr.h"

static const unsigned channel_counts[] = {1, 4, 16, 32};
static const double rates[] = {1000.0, 2000.0, 10000.0, 20000.0};
#define N_COUNTS (sizeof channel_counts / sizeof channel_counts[0])
#define N_RATES (sizeof rates / sizeof rates[0])

static size_t size_for(double fs, unsigned n, unsigned n_acc)
{
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < n; c++)
        sensors[c] = c + n_acc >= n ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
    ltr_config cfg;
    bench_check(ltr_config_default(&cfg, fs, n, sensors), "ltr_config_default");
    return ltr_detector_size(&cfg);
}

int main(int argc, char **argv)
{
    const char *json = bench_json_path(argc, argv, "memory.json");
    printf("libltr %s: detector state, ltr_detector_size (bytes), all channels EMG\n\n",
           ltr_version_string());
    printf("%-9s", "rate");
    for (size_t i = 0; i < N_COUNTS; i++)
        printf(" %8u ch %8s", channel_counts[i], "B/ch");
    printf(" %14s\n", "marginal B/ch");

    FILE *f = bench_json_open(json, "memory");
    if (!f)
        return 1;
    fprintf(f, "  \"state_bytes\": [\n");
    double worst_per_ch = 0.0, worst_marginal = 0.0;
    int first = 1;
    for (size_t r = 0; r < N_RATES; r++) {
        printf("%6.0f Hz", rates[r]);
        for (size_t i = 0; i < N_COUNTS; i++) {
            const unsigned n = channel_counts[i];
            const size_t bytes = size_for(rates[r], n, 0);
            const double per = (double)bytes / n;
            if (per > worst_per_ch)
                worst_per_ch = per;
            printf(" %11zu %8.0f", bytes, per);
            fprintf(f, "%s    {\"rate_hz\": %.0f, \"channels\": %u, \"acc_channels\": 0, "
                       "\"bytes\": %zu, \"bytes_per_channel\": %.1f}",
                    first ? "" : ",\n", rates[r], n, bytes, per);
            first = 0;
        }
        /* what one more channel costs, from 1 to 32 channels */
        const double marginal =
            (double)(size_for(rates[r], 32, 0) - size_for(rates[r], 1, 0)) / 31.0;
        if (marginal > worst_marginal)
            worst_marginal = marginal;
        printf(" %14.0f\n", marginal);
    }
    /* with an accelerometer */
    const size_t acc4 = size_for(2000.0, 4, 3);
    printf("\n1 emg + 3 acc @ 2 kHz: %zu bytes (%.0f B/ch)\n", acc4, acc4 / 4.0);
    fprintf(f, ",\n    {\"rate_hz\": 2000, \"channels\": 4, \"acc_channels\": 3, \"bytes\": %zu, "
               "\"bytes_per_channel\": %.1f}",
            acc4, acc4 / 4.0);

    const int met = worst_per_ch <= 2048.0;
    fprintf(f, "\n  ],\n  \"target\": {\"name\": \"state per channel\", \"goal_bytes\": 2048, "
               "\"measured_bytes\": %.1f, \"marginal_bytes\": %.1f, \"met\": %s}\n",
            worst_per_ch, worst_marginal, met ? "true" : "false");
    printf("\nB/ch = bytes / channels (includes the fixed part); marginal = (size(32) - "
           "size(1)) / 31.\n");
    printf("Target: state <= 2 KiB per channel: worst %.0f B/ch (marginal %.0f B/ch) -> %s\n",
           worst_per_ch, worst_marginal, met ? "MET" : "MISSED");
    bench_json_close(f, json);
    return 0;
}
