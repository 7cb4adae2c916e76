/*
 * Driver for callgrind.py: runs one detector over SECONDS of the bench_synth
 * recording in BLOCK-frame blocks and nothing else worth counting. callgrind
 * counts the instructions inside ltr_detector_process only
 * (--toggle-collect); callgrind.py runs two lengths and divides the
 * difference by the extra samples, so start-up and warm-up cancel out.
 *
 *   bench_ir RATE CHANNELS ACC_CHANNELS SECONDS BLOCK
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench_util.h"
#include "ltr/ltr.h"

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: bench_ir RATE CHANNELS ACC_CHANNELS SECONDS BLOCK\n");
        return 2;
    }
    const double fs = atof(argv[1]);
    const unsigned nc = (unsigned)atoi(argv[2]);
    const unsigned n_acc = (unsigned)atoi(argv[3]);
    const double seconds = atof(argv[4]);
    const size_t block = (size_t)atol(argv[5]);
    if (nc < 1 || nc > LTR_MAX_CHANNELS || n_acc > nc || block < 1 || !(seconds > 0.0)) {
        fprintf(stderr, "bench_ir: bad arguments\n");
        return 2;
    }
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < nc; c++)
        sensors[c] = c + n_acc >= nc ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
    ltr_config cfg;
    bench_check(ltr_config_default(&cfg, fs, nc, sensors), "ltr_config_default");
    const size_t n_frames = (size_t)llround(seconds * fs);
    float *buf = bench_xmalloc(n_frames * nc * sizeof *buf);
    bench_synth s;
    bench_synth_init(&s, fs, nc, sensors, 5u);
    bench_synth_fill(&s, buf, n_frames, 0, NULL, 0, NULL);

    ltr_detector *det;
    bench_check(ltr_detector_create(&det, &cfg), "ltr_detector_create");
    const size_t max_events = ltr_detector_max_events(det, block);
    ltr_event *events = bench_xcalloc(max_events, sizeof *events);
    size_t n_events = 0, got;
    for (size_t i = 0; i < n_frames; i += block) {
        const size_t n = n_frames - i < block ? n_frames - i : block;
        ltr_status st = ltr_detector_process(det, buf + i * nc, n, events, max_events, &got);
        if (st < 0)
            bench_check(st, "ltr_detector_process");
        n_events += got;
    }
    printf("frames %zu samples %zu events %zu\n", n_frames, n_frames * nc, n_events);
    ltr_detector_destroy(det);
    free(events);
    free(buf);
    return 0;
}
