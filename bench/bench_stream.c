/*
 * Helper of rss.py (peak resident memory of a long stream):
 *
 *   bench_stream write PATH SECONDS RATE CHANNELS
 *       write SECONDS of the bench_synth recording as raw interleaved s16le
 *       (one count = 0.1 input units), for `ltr detect --raw s16le`;
 *   bench_stream detect SECONDS RATE CHANNELS
 *       stream SECONDS of the recording, generated 1024 frames at a time,
 *       through one detector and print "frames N events N maxrss_kb N".
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench_util.h"
#include "ltr/ltr.h"

#define CHUNK 1024u

static int usage(void)
{
    fprintf(stderr, "usage: bench_stream write PATH SECONDS RATE CHANNELS\n"
                    "       bench_stream detect SECONDS RATE CHANNELS\n");
    return 2;
}

static int write_raw(const char *path, double seconds, double fs, unsigned nc)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "cannot write %s\n", path);
        return 1;
    }
    bench_synth s;
    bench_synth_init(&s, fs, nc, NULL, 99u);
    float *buf = bench_xmalloc((size_t)CHUNK * nc * sizeof *buf);
    unsigned char *out = bench_xmalloc((size_t)CHUNK * nc * 2);
    const uint64_t total = (uint64_t)llround(seconds * fs);
    for (uint64_t done = 0; done < total;) {
        const size_t n = total - done < CHUNK ? (size_t)(total - done) : CHUNK;
        bench_synth_fill(&s, buf, n, done, NULL, 0, NULL);
        for (size_t i = 0; i < n * nc; i++) {
            long v = lround(buf[i] * 10.0f);
            v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
            const uint16_t u = (uint16_t)(int16_t)v;
            out[2 * i] = (unsigned char)(u & 0xFFu);
            out[2 * i + 1] = (unsigned char)(u >> 8);
        }
        if (fwrite(out, 2, n * nc, f) != n * nc) {
            fprintf(stderr, "error writing %s\n", path);
            fclose(f);
            return 1;
        }
        done += n;
    }
    free(buf);
    free(out);
    return fclose(f) == 0 ? 0 : 1;
}

static int detect(double seconds, double fs, unsigned nc)
{
    ltr_config cfg;
    bench_check(ltr_config_default(&cfg, fs, nc, NULL), "ltr_config_default");
    ltr_detector *det;
    bench_check(ltr_detector_create(&det, &cfg), "ltr_detector_create");
    const size_t max_events = ltr_detector_max_events(det, CHUNK);
    ltr_event *events = bench_xcalloc(max_events, sizeof *events);
    bench_synth s;
    bench_synth_init(&s, fs, nc, NULL, 99u);
    float *buf = bench_xmalloc((size_t)CHUNK * nc * sizeof *buf);
    const uint64_t total = (uint64_t)llround(seconds * fs);
    size_t n_events = 0, got;
    for (uint64_t done = 0; done < total;) {
        const size_t n = total - done < CHUNK ? (size_t)(total - done) : CHUNK;
        bench_synth_fill(&s, buf, n, done, NULL, 0, NULL);
        ltr_status st = ltr_detector_process(det, buf, n, events, max_events, &got);
        if (st < 0)
            bench_check(st, "ltr_detector_process");
        n_events += got;
        done += n;
    }
    bench_check(ltr_detector_flush(det, events, max_events, &got), "ltr_detector_flush");
    n_events += got;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("frames %llu events %zu maxrss_kb %ld\n", (unsigned long long)total, n_events,
           ru.ru_maxrss);
    ltr_detector_destroy(det);
    free(events);
    free(buf);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "write") == 0)
        return write_raw(argv[2], atof(argv[3]), atof(argv[4]), (unsigned)atoi(argv[5]));
    if (argc == 5 && strcmp(argv[1], "detect") == 0)
        return detect(atof(argv[2]), atof(argv[3]), (unsigned)atoi(argv[4]));
    return usage();
}
