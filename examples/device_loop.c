/*
 * device_loop: libltr as firmware would use it.
 *
 * The detector lives in a static buffer (ltr_detector_size + ltr_detector_init: no
 * malloc anywhere), samples arrive in 32-frame blocks as from an ADC's DMA, and
 * every event is printed with its latency in ms. With no argument the "ADC" is a
 * small built-in generator: 2 kHz surface EMG with 50 Hz hum and a needling session
 * the device announces with ltr_detector_mark: an insertion, pistoning strokes every
 * 0.75 s whose first four elicit twitches that weaken (habituation) and stop, then a
 * redirection where the series starts again. The device shows what a clinician
 * needs at a glance: the twitch counter of the current site (ltr_detector_session)
 * and the "twitches have stopped" cue (LTR_EVENT_EXHAUSTED), then moves on.
 * With a file argument it reads raw little-endian float32 samples of one EMG
 * channel at 2 kHz instead ("-" for standard input; no marks, so sites come from
 * the needle movements the detector finds).
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
#define SECONDS 13.0

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

/* The session: two sites, strokes every 0.75 s; a stroke elicits a twitch 50 ms later
 * while its site's series lasts, each 0.8 times the previous one. */
#define STROKE_S 0.75
static const struct { double at_s; unsigned strokes, twitches; } sites[2] = {
    {1.0, 10, 4}, /* the cue comes at the fifth stroke without a twitch (default stop_strokes) */
    {9.0, 4, 2},  /* a redirection: the series starts again */
};

/* Stroke k of site i, in frames. */
static uint64_t stroke_frame(unsigned i, unsigned k)
{
    return (uint64_t)llround((sites[i].at_s + STROKE_S * k) * FS_HZ);
}

static float fake_adc_sample(uint64_t n)
{
    const double t = (double)n / FS_HZ;
    static float lp;
    lp = 0.6f * lp + 0.4f * gauss(); /* a little colour, like surface EMG */
    float x = 10.0f * lp + 20.0f * (float)sin(2.0 * 3.14159265358979 * 50.0 * t);
    /* a twitch: 80 ms of bursting activity 50 ms after a stroke that elicits one */
    for (unsigned i = 0; i < 2; i++)
        for (unsigned k = 0; k < sites[i].twitches; k++) {
            const double since = t - (sites[i].at_s + STROKE_S * k + 0.05);
            if (since >= 0.0 && since < 0.08)
                x += 80.0f * (float)pow(0.8, k) * (float)sin(3.14159265358979 * since / 0.08) *
                     gauss();
        }
    return x;
}

/* The device marks its own needle movements as it makes them: the first of a site is an
 * insertion (a new site), the others strokes. */
static ltr_status mark_strokes(ltr_detector *det, uint64_t from, uint64_t to)
{
    for (unsigned i = 0; i < 2; i++)
        for (unsigned k = 0; k < sites[i].strokes; k++) {
            const uint64_t f = stroke_frame(i, k);
            if (f >= from && f < to) {
                const ltr_status st =
                    ltr_detector_mark(det, k ? LTR_MARK_NEEDLE : LTR_MARK_INSERTION, f);
                if (st != LTR_OK)
                    return st;
            }
        }
    return LTR_OK;
}

static void print_event(const ltr_event *ev, const char *kind)
{
    const double ms = 1000.0 / FS_HZ;
    if (ev->kind == LTR_EVENT_ARTIFACT) {
        printf("%-8s        %8.1f ms .. %8.1f ms  flags 0x%04x\n", kind, ev->onset * ms,
               ev->offset * ms, (unsigned)ev->flags);
        return;
    }
    if (ev->kind == LTR_EVENT_SITE) {
        printf("%-8s site %u begins at %.1f ms: counter 0\n", kind, (unsigned)ev->id,
               ev->onset * ms);
        return;
    }
    if (ev->kind == LTR_EVENT_EXHAUSTED) { /* the cue a device shows: move on */
        printf("%-8s *** site %u: twitches have stopped (%u twitches, %u strokes; last/first "
               "amplitude %.2f), cue %.1f ms after the stroke ***\n",
               kind, (unsigned)ev->id, ltr_event_site_twitches(ev), ltr_event_site_strokes(ev),
               ev->amplitude, (double)(ev->detected - ev->onset) * ms);
        return;
    }
    if (ev->kind == LTR_EVENT_SITE_END) {
        printf("%-8s site %u: %8.1f .. %8.1f ms, %u strokes, %u twitches%s\n", kind,
               (unsigned)ev->id, ev->onset * ms, ev->offset * ms, ltr_event_site_strokes(ev),
               ltr_event_site_twitches(ev),
               (ev->flags & LTR_FLAG_NO_TWITCH) ? " - none: superficial, or the trigger point missed"
               : (ev->flags & LTR_FLAG_STOPPED) ? " - stopped"
                                                : "");
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
    static const char *names[] = {"?", "BEGIN", "END", "CANCEL", "ARTIFACT", "SITE", "STOPPED",
                                  "SITE_END"};
    for (size_t i = 0; i < n; i++)
        print_event(&events[i], names[events[i].kind <= 7 ? events[i].kind : 0]);
}

/* The device's display: the current site's twitch counter, shown when it changes. */
static void show_counter(const ltr_detector *det)
{
    static uint32_t shown_site, shown_twitches;
    ltr_session_stats s;
    if (ltr_detector_session(det, &s, sizeof s) != LTR_OK || !s.site)
        return;
    if (s.site == shown_site && s.site_twitches == shown_twitches)
        return;
    shown_site = s.site;
    shown_twitches = s.site_twitches;
    printf("         [display] site %u: %u twitch%s, %u stroke%s, habituation %.2f\n",
           (unsigned)s.site, (unsigned)s.site_twitches, s.site_twitches == 1 ? "" : "es",
           (unsigned)s.site_strokes, s.site_strokes == 1 ? "" : "s", s.habituation);
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
            /* the device moved the needle in this block and says so */
            st = mark_strokes(det, n, n + BLOCK);
            if (st != LTR_OK) /* a mark that is not taken leaves its artifact unblanked */
                fprintf(stderr, "mark: %s\n", ltr_status_string(st));
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
        show_counter(det);
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
