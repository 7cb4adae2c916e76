/*
 * Helper of analyze.py: writes the input of the `ltr analyze` benchmark, a
 * 16-channel 2 kHz float WAV of simulated sessions, block by block (constant
 * memory whatever the length).
 *
 *   bench_analyze_input OUT.wav [MINUTES]      (default 60)
 *
 * Channels 0-10: libltr-sim's "surface_acc" scenario with 8 EMG channels and
 * the 3-axis accelerometer (seed 1); channels 11-15: the same scenario with 5
 * EMG channels and no accelerometer (seed 2): two independent sessions side by
 * side, so the channels are neither identical nor all silent. Written without
 * a sidecar: `ltr detect` and `ltr analyze` take all 16 as EMG alike.
 * FLAC holds at most 8 channels, hence WAV (32-bit float, 460 MB for an hour).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

#include "ltr/ltr_sim.h"

#define RATE 2000.0
#define BLOCK 4096

static ltr_sim *make(unsigned n_emg, int acc, uint64_t seed, double seconds)
{
    ltr_sim_params p;
    if (ltr_sim_scenario("surface_acc", &p) != LTR_SIM_OK)
        return NULL;
    p.sample_rate_hz = RATE;
    p.duration_s = seconds;
    p.n_emg = n_emg;
    p.acc = acc;
    p.seed = seed;
    ltr_sim *s = NULL;
    ltr_sim_status st = ltr_sim_create(&s, &p);
    if (st != LTR_SIM_OK)
        fprintf(stderr, "bench_analyze_input: %s\n", ltr_sim_status_string(st));
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_analyze_input OUT.wav [MINUTES]\n");
        return 2;
    }
    double minutes = argc == 3 ? atof(argv[2]) : 60.0;
    if (!(minutes > 0)) {
        fprintf(stderr, "bench_analyze_input: MINUTES must be > 0\n");
        return 2;
    }
    ltr_sim *a = make(8, 1, 1, minutes * 60), *b = make(5, 0, 2, minutes * 60);
    if (!a || !b)
        return 1;
    const unsigned na = ltr_sim_channels(a), nb = ltr_sim_channels(b), n = na + nb;
    SF_INFO info = {.samplerate = (int)RATE, .channels = (int)n,
                    .format = SF_FORMAT_WAV | SF_FORMAT_FLOAT};
    if (minutes * 60 * RATE * n * 4 > 4.0e9)
        info.format = SF_FORMAT_RF64 | SF_FORMAT_FLOAT; /* a WAV stops at 4 GiB */
    SNDFILE *out = sf_open(argv[1], SFM_WRITE, &info);
    if (!out) {
        fprintf(stderr, "bench_analyze_input: %s: %s\n", argv[1], sf_strerror(NULL));
        return 1;
    }
    float *fa = malloc(sizeof(float) * BLOCK * na), *fb = malloc(sizeof(float) * BLOCK * nb);
    float *f = malloc(sizeof(float) * BLOCK * n);
    int rc = fa && fb && f ? 0 : 1;
    while (rc == 0) {
        size_t ga = 0, gb = 0;
        if (ltr_sim_generate(a, fa, BLOCK, &ga) != LTR_SIM_OK ||
            ltr_sim_generate(b, fb, BLOCK, &gb) != LTR_SIM_OK || ga != gb) {
            rc = 1;
            break;
        }
        if (ga == 0)
            break;
        for (size_t i = 0; i < ga; i++) {
            for (unsigned c = 0; c < na; c++)
                f[i * n + c] = fa[i * na + c];
            for (unsigned c = 0; c < nb; c++)
                f[i * n + na + c] = fb[i * nb + c];
        }
        if (sf_writef_float(out, f, (sf_count_t)ga) != (sf_count_t)ga)
            rc = 1;
    }
    if (sf_close(out) != 0)
        rc = 1;
    if (rc)
        fprintf(stderr, "bench_analyze_input: failed writing %s\n", argv[1]);
    free(fa);
    free(fb);
    free(f);
    ltr_sim_destroy(a);
    ltr_sim_destroy(b);
    return rc;
}
