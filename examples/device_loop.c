/*
 * device_loop: libltr as firmware would use it.
 *
 * The detector lives in a static buffer (ltr_detector_size + ltr_detector_init: no
 * malloc anywhere), samples arrive in 32-frame blocks as from an ADC's DMA, and
 * every event is printed with its latency in ms. With no argument the "ADC" is a
 * small built-in generator: 2 kHz surface EMG with 50 Hz hum, a twitch every
 * 1.5 s, and one needle movement the device announces with ltr_detector_mark.
 * With a file argument it reads raw little-endian float32 samples of one EMG
 * channel at 2 kHz instead ("-" for standard input).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ltr/ltr.h"

#define FS_HZ 2000.0
#define BLOCK 32
#define SECONDS 12.0

/* Static memory for the detector: sized generously at build time, checked at run time
 * against ltr_detector_size (a real device would size it from a build-time check). */
static _Alignas(LTR_DETECTOR_ALIGN) unsigned char detector_memory[16384];

/* --- a tiny stand-in for an ADC: deterministic EMG-like noise and twitches --- */
static uint32_t rng_state = 12345u;
static float uniform(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return (float)(rng_state >> 8) / 16777216.0f;
}

static float gauss(void)
{
    /* Irwin-Hall: the sum of 12 uniforms minus 6 is close to a standard normal */
    float s = 0.0f;
    for (int i = 0; i < 12; i++)
        s += uniform();
    return s - 6.0f;
}

static float fake_adc_sample(uint64_t n)
{
    const double t = (double)n / FS_HZ;
    static float lp;
    lp = 0.6f * lp + 0.4f * gauss(); /* a little colour, like surface EMG */
    float x = 10.0f * lp + 20.0f * (float)sin(2.0 * 3.14159265358979 * 50.0 * t);
    /* a twitch: 80 ms of bursting activity every 1.5 s from t = 1 s */
    const double since = fmod(t - 1.0, 1.5);
    if (t >= 1.0 && since < 0.08)
        x += 60.0f * (float)sin(3.14159265358979 * since / 0.08) * gauss();
    return x;
}

static void print_event(const ltr_event *ev, const char *kind)
{
    const double ms = 1000.0 / FS_HZ;
    if (ev->kind == LTR_EVENT_ARTIFACT) {
        printf("%-8s        %8.1f ms .. %8.1f ms  flags 0x%04x\n", kind, ev->onset * ms,
               ev->offset * ms, (unsigned)ev->flags);
        return;
    }
    printf("%-8s id %3u  onset %8.1f ms  detected %8.1f ms", kind, (unsigned)ev->id,
           ev->onset * ms, ev->detected * ms);
    if (ev->kind == LTR_EVENT_BEGIN) /* the low-latency signal a device acts on */
        printf("  latency %5.1f ms", (double)(ev->detected - ev->onset) * ms);
    if (ev->kind == LTR_EVENT_END)
        printf("  duration %5.1f ms  amplitude %6.1f  snr %4.1f dB  confidence %.2f",
               (double)(ev->offset - ev->onset) * ms, ev->amplitude, ev->snr_db, ev->confidence);
    printf("\n");
}

static void print_events(const ltr_event *events, size_t n)
{
    static const char *names[] = {"?", "BEGIN", "END", "CANCEL", "ARTIFACT"};
    for (size_t i = 0; i < n; i++)
        print_event(&events[i], names[events[i].kind <= 4 ? events[i].kind : 0]);
}

int main(int argc, char **argv)
{
    FILE *in = NULL;
    if (argc > 1) {
        in = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
        if (!in) {
            perror(argv[1]);
            return 1;
        }
    }
    ltr_config cfg;
    ltr_status st = ltr_config_default(&cfg, FS_HZ, 1, NULL);
    if (st != LTR_OK) {
        fprintf(stderr, "config: %s\n", ltr_status_string(st));
        return 1;
    }
    if (ltr_detector_size(&cfg) > sizeof detector_memory) {
        fprintf(stderr, "detector needs %zu bytes, have %zu\n", ltr_detector_size(&cfg),
                sizeof detector_memory);
        return 1;
    }
    ltr_detector *det;
    st = ltr_detector_init(&det, detector_memory, sizeof detector_memory, &cfg);
    if (st != LTR_OK) {
        fprintf(stderr, "init: %s\n", ltr_status_string(st));
        return 1;
    }
    printf("libltr %s: %zu bytes of detector state, fixed delay %.1f ms\n", ltr_version_string(),
           ltr_detector_size(&cfg), 1000.0 * (double)ltr_detector_latency_frames(det) / FS_HZ);

    /* Events per block are bounded: size the array once, at start-up. */
    ltr_event events[64];
    if (ltr_detector_max_events(det, BLOCK) > sizeof events / sizeof events[0])
        return 1;
    float block[BLOCK];
    uint64_t n = 0;
    const uint64_t total = (uint64_t)(SECONDS * FS_HZ);
    for (;;) {
        size_t got = 0;
        if (in) {
            got = fread(block, sizeof block[0], BLOCK, in);
        } else {
            for (; got < BLOCK && n + got < total; got++)
                block[got] = fake_adc_sample(n + got);
            /* the device moved the needle at 5.2 s and says so */
            const uint64_t needle = (uint64_t)(5.2 * FS_HZ);
            if (n <= needle && needle < n + BLOCK) {
                st = ltr_detector_mark(det, LTR_MARK_NEEDLE, needle);
                if (st != LTR_OK) /* a mark that is not taken leaves its artifact unblanked */
                    fprintf(stderr, "mark: %s\n", ltr_status_string(st));
            }
        }
        if (got == 0)
            break;
        size_t n_events = 0;
        st = ltr_detector_process(det, block, got, events, 64, &n_events);
        if (st < 0) {
            fprintf(stderr, "process: %s\n", ltr_status_string(st));
            return 1;
        }
        print_events(events, n_events);
        n += got;
    }
    /* flush until nothing waits: LTR_MORE_EVENTS asks for another call */
    do {
        size_t n_events = 0;
        st = ltr_detector_flush(det, events, 64, &n_events);
        if (st < 0) {
            fprintf(stderr, "flush: %s\n", ltr_status_string(st));
            return 1;
        }
        print_events(events, n_events);
    } while (st == LTR_MORE_EVENTS);
    if (in && in != stdin)
        fclose(in);
    return 0;
}
