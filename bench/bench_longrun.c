/*
 * Helper of longrun.py (a long run: memory and time of hours of streaming).
 *
 * The input is libltr-sim's "session" scenario (every nuisance: needling
 * bouts with insertional activity, stimulation trains, voluntary
 * contractions, hand motion, ECG, electrolysis, clipping, dropouts, NaN runs,
 * 16-bit ADC) made 4 channels (1 surface EMG + 3 accelerometer axes) at
 * 10 kHz, one simulated 10-minute session after another (seed, seed + 1,
 * ...) for as long as asked, rendered block by block: never a file on disk.
 *
 *   bench_longrun run [OPTIONS]
 *       stream the recording through one detector (ltr_config_default for
 *       its channels: what `ltr stream --emg 0 --acc 1-3` uses) in 256-frame
 *       blocks, as `ltr stream` does, and print one line per checkpoint:
 *         checkpoint HOURS frames N vmrss_kb N vmhwm_kb N heap_kb N seconds S
 *             cpu_seconds S detector_seconds S begin N end N cancel N artifact N
 *       (VmRSS and VmHWM from /proc/self/status; heap in use from glibc's
 *       mallinfo2, -1 elsewhere; seconds: wall clock since the first sample;
 *       cpu_seconds: CPU time of the process; detector_seconds: CPU time
 *       inside ltr_detector_process/_flush only).
 *       The first checkpoint (0 h) is after set-up, before the first sample.
 *       --events PATH also writes every event as `ltr stream` prints it (TSV,
 *       all kinds), so the two can be compared.
 *   bench_longrun generate [OPTIONS]
 *       write the same recording to standard output as raw f32le (for
 *       `ltr stream --raw f32le --rate 10000 --channels 4`: the very samples
 *       the in-process run sees) and, once the frames of each checkpoint are
 *       all written, the line "checkpoint HOURS frames N" on standard error;
 *       with --ack it then waits for a line on standard input before going on
 *       (or ending the stream), so that whoever reads the consumer's memory
 *       finds it still running.
 *
 * OPTIONS: --hours H (default 10), --every H (checkpoint interval, default 1),
 *          --segment H (one simulated session, default 1/6), --seed N (default 1),
 *          --rate HZ (default 10000).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
#include <malloc.h>
#define HAVE_MALLINFO2 1
#endif

#include "bench_util.h"
#include "ltr/ltr.h"
#include "ltr/ltr_io.h"
#include "ltr/ltr_sim.h"

/* Frames per detector call and per write: `ltr stream`'s default --block. */
#define BLOCK 256u

typedef struct longrun_args {
    double hours, every_hours, rate_hz, segment_hours;
    uint64_t seed;
    const char *events_path;
    int ack;
} longrun_args;

static int usage(void)
{
    fprintf(stderr, "usage: bench_longrun run [--hours H] [--every H] [--segment H] [--seed N] "
                    "[--rate HZ] [--events PATH]\n"
                    "       bench_longrun generate [--hours H] [--every H] [--segment H] "
                    "[--seed N] [--rate HZ] [--ack]\n");
    return 2;
}

static int parse_args(int argc, char **argv, longrun_args *a)
{
    a->hours = 10.0;
    a->every_hours = 1.0;
    a->rate_hz = 10000.0;
    a->segment_hours = 1.0 / 6.0;
    a->seed = 1;
    a->events_path = NULL;
    a->ack = 0;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--ack")) {
            a->ack = 1;
            continue;
        }
        if (i + 1 >= argc)
            return -1;
        const char *opt = argv[i], *val = argv[++i];
        if (!strcmp(opt, "--hours"))
            a->hours = atof(val);
        else if (!strcmp(opt, "--every"))
            a->every_hours = atof(val);
        else if (!strcmp(opt, "--segment"))
            a->segment_hours = atof(val);
        else if (!strcmp(opt, "--rate"))
            a->rate_hz = atof(val);
        else if (!strcmp(opt, "--seed"))
            a->seed = strtoull(val, NULL, 10);
        else if (!strcmp(opt, "--events"))
            a->events_path = val;
        else
            return -1;
    }
    if (!(a->hours > 0.0) || !(a->every_hours > 0.0) || !(a->segment_hours > 0.0) ||
        a->segment_hours * 3600.0 > LTR_SIM_MAX_DURATION_S)
        return -1;
    return 0;
}

/* The input, one simulated session after another (10 minutes each, a new seed
 * each, the sensor left where it was: a clinician moving on to the next
 * trigger point), so that the generator's own memory (a simulator holds its
 * whole schedule, the ground truth, about 2 MB for an hour of this scenario)
 * stays that of one short session whatever the length, and what grows, if
 * anything, is the detector's. */
typedef struct source {
    const longrun_args *args;
    ltr_sim *sim;
    unsigned segment;
    uint64_t total, done;
} source;

static ltr_sim *make_segment(const longrun_args *a, unsigned segment, uint64_t frames_left)
{
    ltr_sim_params p;
    if (ltr_sim_scenario("session", &p) != LTR_SIM_OK) {
        fprintf(stderr, "libltr-sim has no 'session' scenario\n");
        exit(1);
    }
    p.sample_rate_hz = a->rate_hz;
    const double left_s = (double)frames_left / a->rate_hz;
    const double segment_s = a->segment_hours * 3600.0;
    p.duration_s = left_s < segment_s ? left_s : segment_s;
    p.seed = a->seed + segment;
    p.n_emg = 1;
    p.acc = 1;
    /* one sensor orientation for the whole run (tilted; normalised by the simulator) */
    p.acc_random_orientation = 0;
    const double gravity[3] = {0.3, -0.5, -0.8}, twitch[3] = {0.2, 0.1, 1.0};
    memcpy(p.gravity_dir, gravity, sizeof gravity);
    memcpy(p.twitch_dir, twitch, sizeof twitch);
    ltr_sim *sim;
    const char *what = NULL;
    ltr_sim_status st = ltr_sim_params_check(&p, &what);
    if (st == LTR_SIM_OK)
        st = ltr_sim_create(&sim, &p);
    if (st != LTR_SIM_OK) {
        fprintf(stderr, "ltr_sim_create: %s%s%s\n", ltr_sim_status_string(st),
                what ? ": " : "", what ? what : "");
        exit(1);
    }
    return sim;
}

static void source_open(source *src, const longrun_args *a)
{
    memset(src, 0, sizeof *src);
    src->args = a;
    src->total = (uint64_t)llround(a->hours * 3600.0 * a->rate_hz);
    src->sim = make_segment(a, 0, src->total);
}

static void source_close(source *src)
{
    ltr_sim_destroy(src->sim);
    src->sim = NULL;
}

/* The next n frames (n <= what is left). */
static void source_fill(source *src, float *buf, size_t n)
{
    const unsigned nc = ltr_sim_channels(src->sim);
    while (n > 0) {
        size_t got = 0;
        ltr_sim_status st = ltr_sim_generate(src->sim, buf, n, &got);
        if (st != LTR_SIM_OK) {
            fprintf(stderr, "ltr_sim_generate: %s\n", ltr_sim_status_string(st));
            exit(1);
        }
        src->done += got;
        buf += got * nc;
        n -= got;
        if (n > 0) { /* this session is over: the next one */
            if (got == 0 && ltr_sim_position(src->sim) < ltr_sim_total_frames(src->sim)) {
                fprintf(stderr, "ltr_sim_generate: no progress\n");
                exit(1);
            }
            ltr_sim_destroy(src->sim);
            src->sim = make_segment(src->args, ++src->segment, src->total - src->done);
        }
    }
}

/* The frame of checkpoint k (k * every hours), capped at the end. */
static uint64_t checkpoint_frame(const longrun_args *a, unsigned k, uint64_t total)
{
    const double f = (double)k * a->every_hours * 3600.0 * a->rate_hz;
    return f >= (double)total ? total : (uint64_t)llround(f);
}

/* --- generate: raw f32le on standard output -------------------------------------- */

static int generate(const longrun_args *a)
{
    source src;
    source_open(&src, a);
    const unsigned nc = ltr_sim_channels(src.sim);
    const uint64_t total = src.total;
    float *buf = bench_xmalloc((size_t)BLOCK * nc * sizeof *buf);
    unsigned char *out = bench_xmalloc((size_t)BLOCK * nc * 4);
    unsigned k = 1;
    uint64_t next = checkpoint_frame(a, k, total);
    for (uint64_t done = 0; done < total;) {
        uint64_t n = next - done < BLOCK ? next - done : BLOCK;
        source_fill(&src, buf, (size_t)n);
        for (size_t i = 0; i < n * nc; i++) {
            uint32_t u;
            memcpy(&u, &buf[i], 4);
            out[4 * i] = (unsigned char)(u & 0xFFu);
            out[4 * i + 1] = (unsigned char)((u >> 8) & 0xFFu);
            out[4 * i + 2] = (unsigned char)((u >> 16) & 0xFFu);
            out[4 * i + 3] = (unsigned char)(u >> 24);
        }
        if (fwrite(out, 4, n * nc, stdout) != n * nc) {
            fprintf(stderr, "bench_longrun generate: write error: %s\n", strerror(errno));
            return 1;
        }
        done += n;
        if (done == next) {
            /* the consumer has everything up to here once it drains the pipe */
            if (fflush(stdout) != 0)
                return 1;
            fprintf(stderr, "checkpoint %.6g frames %llu\n", (double)k * a->every_hours,
                    (unsigned long long)done);
            fflush(stderr);
            char line[16];
            if (a->ack && !fgets(line, sizeof line, stdin))
                return 1;
            next = checkpoint_frame(a, ++k, total);
        }
    }
    free(buf);
    free(out);
    source_close(&src);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* --- run: the detector in this process ------------------------------------------- */

/* VmRSS and VmHWM of this process, kB (-1 if /proc is not there). */
static void read_status(long *rss_kb, long *hwm_kb)
{
    *rss_kb = *hwm_kb = -1;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "VmRSS:", 6))
            *rss_kb = atol(line + 6);
        else if (!strncmp(line, "VmHWM:", 6))
            *hwm_kb = atol(line + 6);
    }
    fclose(f);
}

typedef struct run_state {
    ltr_detector *det;
    ltr_event *ev;
    size_t max_ev;
    uint64_t counts[LTR_EVENT_ARTIFACT + 1]; /* by ltr_event_kind */
    uint64_t detector_ns;
    ltr_io_event_writer *writer;
} run_state;

static void take(run_state *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned)s->ev[i].kind <= (unsigned)LTR_EVENT_ARTIFACT)
            s->counts[s->ev[i].kind]++;
        if (s->writer && ltr_io_event_writer_write(s->writer, &s->ev[i]) != LTR_IO_OK) {
            fprintf(stderr, "bench_longrun: cannot write the events\n");
            exit(1);
        }
    }
}

/* CPU time of this thread, ns: what the detector costs, whatever else runs on
 * the machine (a wall clock would count the time other processes hold the core). */
static uint64_t cpu_ns(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void process(run_state *s, const float *frames, size_t n, int flush)
{
    size_t got;
    uint64_t t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
    ltr_status st = flush ? ltr_detector_flush(s->det, s->ev, s->max_ev, &got)
                          : ltr_detector_process(s->det, frames, n, s->ev, s->max_ev, &got);
    s->detector_ns += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
    bench_check(st, flush ? "ltr_detector_flush" : "ltr_detector_process");
    take(s, got);
    while (st == LTR_MORE_EVENTS) {
        t0 = cpu_ns(CLOCK_THREAD_CPUTIME_ID);
        st = flush ? ltr_detector_flush(s->det, s->ev, s->max_ev, &got)
                   : ltr_detector_process(s->det, frames, 0, s->ev, s->max_ev, &got);
        s->detector_ns += cpu_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
        bench_check(st, "ltr_detector_process");
        take(s, got);
    }
}

/* Bytes of heap in use (allocated and not freed), kB; -1 where glibc cannot say.
 * Unlike RSS, it falls again when the simulator of an hour is freed: a leak
 * would show here as steady growth. */
static long heap_in_use_kb(void)
{
#ifdef HAVE_MALLINFO2
    const struct mallinfo2 mi = mallinfo2();
    return (long)((mi.uordblks + mi.hblkhd) / 1024u);
#else
    return -1;
#endif
}

static void checkpoint(const run_state *s, double hours, uint64_t frames, uint64_t t_start)
{
    long rss, hwm;
    read_status(&rss, &hwm);
    printf("checkpoint %.6g frames %llu vmrss_kb %ld vmhwm_kb %ld heap_kb %ld seconds %.3f "
           "cpu_seconds %.3f detector_seconds %.3f begin %llu end %llu cancel %llu "
           "artifact %llu\n",
           hours, (unsigned long long)frames, rss, hwm, heap_in_use_kb(),
           (double)(bench_now_ns() - t_start) * 1e-9,
           (double)cpu_ns(CLOCK_PROCESS_CPUTIME_ID) * 1e-9,
           (double)s->detector_ns * 1e-9, (unsigned long long)s->counts[LTR_EVENT_BEGIN],
           (unsigned long long)s->counts[LTR_EVENT_END],
           (unsigned long long)s->counts[LTR_EVENT_CANCEL],
           (unsigned long long)s->counts[LTR_EVENT_ARTIFACT]);
    fflush(stdout);
}

static int run(const longrun_args *a)
{
    source src;
    source_open(&src, a);
    const unsigned nc = ltr_sim_channels(src.sim);
    const uint64_t total = src.total;
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < nc; c++)
        sensors[c] = ltr_sim_channel_sensor(src.sim, c);
    ltr_config cfg;
    bench_check(ltr_config_default(&cfg, a->rate_hz, nc, sensors), "ltr_config_default");
    run_state s;
    memset(&s, 0, sizeof s);
    bench_check(ltr_detector_create(&s.det, &cfg), "ltr_detector_create");
    s.max_ev = ltr_detector_max_events(s.det, BLOCK);
    if (s.max_ev < LTR_EVENT_QUEUE)
        s.max_ev = LTR_EVENT_QUEUE;
    s.ev = bench_xcalloc(s.max_ev, sizeof *s.ev);
    float *buf = bench_xmalloc((size_t)BLOCK * nc * sizeof *buf);

    FILE *events = NULL;
    if (a->events_path) {
        /* the channel names `ltr stream` gives raw input */
        char names[LTR_MAX_CHANNELS][16];
        const char *name_ptrs[LTR_MAX_CHANNELS];
        for (unsigned c = 0; c < nc; c++) {
            snprintf(names[c], sizeof names[c], "ch%u", c);
            name_ptrs[c] = names[c];
        }
        events = fopen(a->events_path, "w");
        if (!events || ltr_io_event_writer_create(&s.writer, events, LTR_IO_EVENTS_TSV,
                                                  a->rate_hz, name_ptrs, nc, LTR_IO_KINDS_ALL,
                                                  NULL) != LTR_IO_OK) {
            fprintf(stderr, "cannot write %s\n", a->events_path);
            return 1;
        }
    }

    printf("detector_bytes %zu channels %u rate_hz %.0f frames %llu\n", ltr_detector_size(&cfg),
           nc, a->rate_hz, (unsigned long long)total);
    const uint64_t t_start = bench_now_ns();
    checkpoint(&s, 0.0, 0, t_start);
    unsigned k = 1;
    uint64_t next = checkpoint_frame(a, k, total);
    for (uint64_t done = 0; done < total;) {
        const uint64_t n = next - done < BLOCK ? next - done : BLOCK;
        source_fill(&src, buf, (size_t)n);
        process(&s, buf, (size_t)n, 0);
        done += n;
        if (done == next) {
            if (done == total)
                process(&s, NULL, 0, 1);
            checkpoint(&s, (double)k * a->every_hours > a->hours ? a->hours
                                                                 : (double)k * a->every_hours,
                       done, t_start);
            next = checkpoint_frame(a, ++k, total);
        }
    }
    const uint64_t lost = ltr_detector_lost_events(s.det);
    printf("lost_events %llu\n", (unsigned long long)lost);
    ltr_io_event_writer_destroy(s.writer);
    if (events && fclose(events) != 0) {
        fprintf(stderr, "error writing %s\n", a->events_path);
        return 1;
    }
    ltr_detector_destroy(s.det);
    source_close(&src);
    free(s.ev);
    free(buf);
    return lost == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    longrun_args a;
    if (argc < 2 || parse_args(argc, argv, &a) != 0)
        return usage();
    if (!strcmp(argv[1], "run"))
        return run(&a);
    if (!strcmp(argv[1], "generate"))
        return generate(&a);
    return usage();
}
