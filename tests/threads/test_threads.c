/*
 * Threads: detectors, simulators, readers and event writers used on several
 * threads at once give what the same work gives done one job after another
 * on the main thread: the same samples (hashed), the same events (every field)
 * and the same events.tsv text.
 *
 *   test_threads DATA_DIR [FILE...]
 *
 * DATA_DIR is the repository's data/ (FLAC and WAV); the FILEs are more
 * recordings (EDF, BDF, CSV, TSV, WAV written by ltr-testgen at build time).
 * Plain C and pthreads, not cmocka: cmocka's assertions longjmp to the test's
 * own stack and cannot be used from other threads. Workers only record
 * results; the main thread compares them.
 *
 * The jobs:
 *  - memory: a recording simulated beforehand (libltr-sim, several scenarios),
 *    shared read-only by all threads, through a detector of its own, with a
 *    block size of its own, from ltr_detector_create or from caller memory
 *    (ltr_detector_init);
 *  - sim: a simulator run on the thread itself, its samples into a detector;
 *  - file: a libltr-io reader (libsndfile, EDFlib, text) into a detector.
 * Each job's events are also written as events.tsv (libltr-io's writer) to a
 * memory stream. The reference is every job run once on the main thread;
 * then LTR_TEST_THREADS workers (default 8, on any number of cores) take the
 * jobs, each job ROUNDS times, from a shared queue, so the same job runs on
 * several threads at once; EDF/BDF jobs run once per round at most (EDFlib
 * refuses a second open of a file that is open already, whichever thread
 * holds it: see EDF below).
 *
 * EDF: EDFlib (1.23, Debian libedf) keeps a process-wide table of open files
 * (hdrlist[], edf_files_open). Its header says edfopen_file_readonly,
 * edfclose_file and edflib_get_handle are always MT-unsafe and that every
 * call is MT-unsafe on the same file; reads of distinct files are safe.
 * libltr-io serialises open and close with one mutex (lib/io/reader_edf.c)
 * and a reader is used by one thread at a time, so distinct EDF files may be
 * read on distinct threads: three of them are here, read concurrently.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr.h"
#include "ltr/ltr_io.h"
#include "ltr/ltr_sim.h"

#define ROUNDS 3
#define MAX_JOBS 64
#define DEFAULT_THREADS 8

/* --- jobs and their results -------------------------------------------------------- */

typedef enum job_kind { JOB_MEMORY, JOB_SIM, JOB_FILE } job_kind;

typedef struct job {
    char name[160];
    job_kind kind;
    size_t block;         /* frames per ltr_detector_process / read call */
    int caller_memory;    /* ltr_detector_init in our memory instead of _create */
    int exclusive;        /* EDF/BDF: never two readers of this file at once */
    double mains_hz;
    unsigned n_emg;       /* channels 0..n_emg-1 are EMG, the rest accelerometer axes */
    /* JOB_MEMORY */
    const float *frames;
    size_t n_frames;
    unsigned n_channels;
    double rate_hz;
    /* JOB_SIM, and how a JOB_MEMORY recording was made */
    ltr_sim_params sim;
    /* JOB_FILE */
    char path[1024];
} job;

typedef struct result {
    int failed;
    char error[512];
    uint64_t frames;
    uint64_t hash;  /* FNV-1a of the samples' bits */
    ltr_event *ev;
    size_t n, cap;
    char *tsv;      /* events.tsv as libltr-io writes it */
    size_t tsv_len;
} result;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void fail(result *r, const char *fmt, ...)
{
    if (!r->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->error, sizeof r->error, fmt, ap);
        va_end(ap);
    }
    r->failed = 1;
}

static int push(result *r, const ltr_event *ev, size_t n)
{
    if (n == 0)
        return 0;
    if (r->n + n > r->cap) {
        size_t cap = 2 * (r->n + n) + 16;
        ltr_event *p = realloc(r->ev, cap * sizeof *p);
        if (!p)
            return -1;
        r->ev = p;
        r->cap = cap;
    }
    memcpy(r->ev + r->n, ev, n * sizeof *ev);
    r->n += n;
    return 0;
}

static uint64_t fnv1a(uint64_t h, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
        for (int b = 0; b < 4; b++) {
            h ^= (u >> (8 * b)) & 0xFFu;
            h *= 0x100000001B3ull;
        }
    }
    return h;
}
#define FNV_START 0xCBF29CE484222325ull

/* --- one detector over a job ------------------------------------------------------- */

typedef struct run {
    ltr_detector *det;
    void *mem;
    ltr_event *ev;
    size_t max_ev;
} run;

static int run_open(run *d, const job *j, double rate_hz, unsigned n_channels, result *r)
{
    memset(d, 0, sizeof *d);
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < n_channels && c < LTR_MAX_CHANNELS; c++)
        sensors[c] = c < j->n_emg ? LTR_SENSOR_EMG : LTR_SENSOR_ACC;
    ltr_config cfg;
    ltr_status st = ltr_config_default(&cfg, rate_hz, n_channels, sensors);
    if (st == LTR_OK) {
        cfg.mains_hz = j->mains_hz;
        st = ltr_config_validate(&cfg);
    }
    if (st != LTR_OK) {
        fail(r, "%s: config: %s", j->name, ltr_status_string(st));
        return -1;
    }
    if (j->caller_memory) {
        size_t size = ltr_detector_size(&cfg);
        size = (size + LTR_DETECTOR_ALIGN - 1) / LTR_DETECTOR_ALIGN * LTR_DETECTOR_ALIGN;
        d->mem = aligned_alloc(LTR_DETECTOR_ALIGN, size);
        st = d->mem ? ltr_detector_init(&d->det, d->mem, size, &cfg) : LTR_ERR_MEMORY;
    } else {
        st = ltr_detector_create(&d->det, &cfg);
    }
    if (st != LTR_OK) {
        fail(r, "%s: detector: %s", j->name, ltr_status_string(st));
        free(d->mem);
        return -1;
    }
    d->max_ev = ltr_detector_max_events(d->det, j->block);
    d->ev = malloc(d->max_ev * sizeof *d->ev);
    if (!d->ev) {
        fail(r, "%s: out of memory", j->name);
        return -1;
    }
    return 0;
}

static int run_feed(run *d, const float *frames, size_t n, int flush, const job *j, result *r)
{
    ltr_status st;
    do {
        size_t got = 0;
        st = flush ? ltr_detector_flush(d->det, d->ev, d->max_ev, &got)
                   : ltr_detector_process(d->det, frames, n, d->ev, d->max_ev, &got);
        if (st < 0) {
            fail(r, "%s: %s: %s", j->name, flush ? "ltr_detector_flush" : "ltr_detector_process",
                 ltr_status_string(st));
            return -1;
        }
        if (push(r, d->ev, got) != 0) {
            fail(r, "%s: out of memory", j->name);
            return -1;
        }
        n = 0; /* LTR_MORE_EVENTS: collect the rest */
    } while (st == LTR_MORE_EVENTS);
    return 0;
}

static void run_close(run *d)
{
    if (d->det && !d->mem)
        ltr_detector_destroy(d->det);
    free(d->mem);
    free(d->ev);
    memset(d, 0, sizeof *d);
}

/* The events as events.tsv, into r->tsv (every kind, channel names "0", "1", ...). */
static void write_tsv(const job *j, double rate_hz, result *r)
{
    FILE *f = open_memstream(&r->tsv, &r->tsv_len);
    ltr_io_event_writer *w = NULL;
    if (!f || ltr_io_event_writer_create(&w, f, LTR_IO_EVENTS_TSV, rate_hz, NULL, 0,
                                         LTR_IO_KINDS_ALL, j->name) != LTR_IO_OK) {
        fail(r, "%s: cannot create the event writer", j->name);
    } else {
        for (size_t i = 0; i < r->n; i++)
            if (ltr_io_event_writer_write(w, &r->ev[i]) != LTR_IO_OK) {
                fail(r, "%s: event writer failed", j->name);
                break;
            }
    }
    ltr_io_event_writer_destroy(w);
    if (f)
        fclose(f);
}

/* --- the three kinds of job ---------------------------------------------------------- */

static void job_memory(const job *j, result *r)
{
    run d;
    if (run_open(&d, j, j->rate_hz, j->n_channels, r) != 0)
        return;
    r->hash = FNV_START;
    for (size_t i = 0; i < j->n_frames && !r->failed;) {
        const size_t n = j->n_frames - i < j->block ? j->n_frames - i : j->block;
        const float *x = j->frames + i * j->n_channels;
        r->hash = fnv1a(r->hash, x, n * j->n_channels);
        run_feed(&d, x, n, 0, j, r);
        i += n;
    }
    r->frames = j->n_frames;
    if (!r->failed)
        run_feed(&d, NULL, 0, 1, j, r);
    run_close(&d);
    write_tsv(j, j->rate_hz, r);
}

static void job_sim(const job *j, result *r)
{
    ltr_sim *sim = NULL;
    ltr_sim_status ss = ltr_sim_create(&sim, &j->sim);
    if (ss != LTR_SIM_OK) {
        fail(r, "%s: ltr_sim_create: %s", j->name, ltr_sim_status_string(ss));
        return;
    }
    const unsigned nc = ltr_sim_channels(sim);
    float *buf = malloc(j->block * nc * sizeof *buf);
    run d;
    if (!buf || run_open(&d, j, j->sim.sample_rate_hz, nc, r) != 0) {
        fail(r, "%s: set-up failed", j->name);
        free(buf);
        ltr_sim_destroy(sim);
        return;
    }
    r->hash = FNV_START;
    for (;;) {
        size_t n = 0;
        if ((ss = ltr_sim_generate(sim, buf, j->block, &n)) != LTR_SIM_OK) {
            fail(r, "%s: ltr_sim_generate: %s", j->name, ltr_sim_status_string(ss));
            break;
        }
        if (n == 0)
            break;
        r->hash = fnv1a(r->hash, buf, n * nc);
        r->frames += n;
        if (run_feed(&d, buf, n, 0, j, r) != 0)
            break;
    }
    if (!r->failed)
        run_feed(&d, NULL, 0, 1, j, r);
    run_close(&d);
    free(buf);
    ltr_sim_destroy(sim);
    write_tsv(j, j->sim.sample_rate_hz, r);
}

static void job_file(const job *j, result *r)
{
    ltr_io_reader *rd = NULL;
    ltr_io_error err;
    if (ltr_io_reader_open(&rd, j->path, NULL, &err) != LTR_IO_OK) {
        fail(r, "%s", err.message);
        return;
    }
    ltr_io_info info;
    ltr_io_reader_info(rd, &info);
    float *buf = malloc(j->block * info.n_selected * sizeof *buf);
    run d;
    if (!buf || run_open(&d, j, info.sample_rate_hz, info.n_selected, r) != 0) {
        fail(r, "%s: set-up failed", j->name);
        free(buf);
        ltr_io_reader_close(rd);
        return;
    }
    r->hash = FNV_START;
    for (;;) {
        size_t n = 0;
        ltr_io_status st = ltr_io_reader_read(rd, buf, j->block, &n);
        if (st != LTR_IO_OK) {
            fail(r, "%s", ltr_io_reader_error(rd)->message);
            break;
        }
        if (n == 0)
            break;
        r->hash = fnv1a(r->hash, buf, n * info.n_selected);
        r->frames += n;
        if (run_feed(&d, buf, n, 0, j, r) != 0)
            break;
    }
    if (!r->failed)
        run_feed(&d, NULL, 0, 1, j, r);
    run_close(&d);
    free(buf);
    ltr_io_reader_close(rd);
    write_tsv(j, info.sample_rate_hz, r);
}

static void job_run(const job *j, result *r)
{
    memset(r, 0, sizeof *r);
    switch (j->kind) {
    case JOB_MEMORY: job_memory(j, r); break;
    case JOB_SIM: job_sim(j, r); break;
    case JOB_FILE: job_file(j, r); break;
    }
}

static void result_free(result *r)
{
    free(r->ev);
    free(r->tsv);
    memset(r, 0, sizeof *r);
}

/* --- comparing ---------------------------------------------------------------------- */

static int same_float(float a, float b)
{
    uint32_t x, y;
    memcpy(&x, &a, sizeof x);
    memcpy(&y, &b, sizeof y);
    return x == y;
}

/* compare() names every field of ltr_event: a field added after `stimulus`
 * must be added there too, or this test would not see it differ. */
_Static_assert(offsetof(ltr_event, stimulus) + sizeof(uint64_t) == sizeof(ltr_event),
               "ltr_event has a new last field: compare it in compare()");

/* 0 if got is ref; else prints the first difference and returns 1. */
static int compare(const job *j, int round, const result *ref, const result *got)
{
    if (got->failed) {
        printf("FAIL %s (round %d): %s\n", j->name, round, got->error);
        return 1;
    }
    if (got->frames != ref->frames || got->hash != ref->hash) {
        printf("FAIL %s (round %d): samples differ: %llu frames hash %016llx, alone %llu "
               "frames hash %016llx\n",
               j->name, round, (unsigned long long)got->frames, (unsigned long long)got->hash,
               (unsigned long long)ref->frames, (unsigned long long)ref->hash);
        return 1;
    }
    if (got->n != ref->n) {
        printf("FAIL %s (round %d): %zu events, alone %zu\n", j->name, round, got->n, ref->n);
        return 1;
    }
    for (size_t i = 0; i < ref->n; i++) {
        const ltr_event *a = &ref->ev[i], *b = &got->ev[i];
        const char *field = a->kind != b->kind             ? "kind"
                            : a->id != b->id               ? "id"
                            : a->onset != b->onset         ? "onset"
                            : a->peak != b->peak           ? "peak"
                            : a->offset != b->offset       ? "offset"
                            : a->detected != b->detected   ? "detected"
                            : !same_float(a->amplitude, b->amplitude) ? "amplitude"
                            : !same_float(a->snr_db, b->snr_db)       ? "snr_db"
                            : !same_float(a->confidence, b->confidence) ? "confidence"
                            : a->channels != b->channels   ? "channels"
                            : a->flags != b->flags         ? "flags"
                            : a->stimulus != b->stimulus   ? "stimulus"
                                                           : NULL;
        if (field) {
            printf("FAIL %s (round %d): event %zu differs in %s (kind %d/%d, onset %llu/%llu, "
                   "amplitude %.9g/%.9g)\n",
                   j->name, round, i, field, (int)b->kind, (int)a->kind,
                   (unsigned long long)b->onset, (unsigned long long)a->onset,
                   (double)b->amplitude, (double)a->amplitude);
            return 1;
        }
    }
    if (got->tsv_len != ref->tsv_len || memcmp(got->tsv, ref->tsv, ref->tsv_len) != 0) {
        printf("FAIL %s (round %d): events.tsv text differs\n", j->name, round);
        return 1;
    }
    return 0;
}

/* --- the threaded runs ---------------------------------------------------------------- */

typedef struct task {
    const job *job;
    int round;
    result *out;
} task;

typedef struct pool {
    pthread_mutex_t lock;
    pthread_barrier_t start;
    task *tasks;
    size_t n_tasks, next;
} pool;

static void *worker(void *arg)
{
    pool *p = arg;
    pthread_barrier_wait(&p->start);
    for (;;) {
        pthread_mutex_lock(&p->lock);
        const size_t i = p->next < p->n_tasks ? p->next++ : p->n_tasks;
        pthread_mutex_unlock(&p->lock);
        if (i == p->n_tasks)
            return NULL;
        job_run(p->tasks[i].job, p->tasks[i].out);
    }
}

/* --- the jobs ---------------------------------------------------------------------- */

static job jobs[MAX_JOBS];
static size_t n_jobs;
static float *recordings[16];
static size_t n_recordings;

static job *add(job_kind kind, const char *name, size_t block)
{
    if (n_jobs == MAX_JOBS) {
        fprintf(stderr, "too many jobs\n");
        exit(1);
    }
    job *j = &jobs[n_jobs++];
    memset(j, 0, sizeof *j);
    j->kind = kind;
    j->block = block;
    j->mains_hz = 50.0;
    snprintf(j->name, sizeof j->name, "%s", name);
    return j;
}

static void sim_params(ltr_sim_params *p, const char *scenario, double seconds, uint64_t seed)
{
    if (ltr_sim_scenario(scenario, p) != LTR_SIM_OK) {
        fprintf(stderr, "no scenario %s\n", scenario);
        exit(1);
    }
    p->duration_s = seconds;
    p->seed = seed;
}

/* A recording simulated now, on the main thread, for memory jobs. */
static void add_memory(const char *scenario, double seconds, size_t block, int caller_memory)
{
    ltr_sim_params p;
    sim_params(&p, scenario, seconds, 7);
    ltr_sim *sim;
    if (ltr_sim_create(&sim, &p) != LTR_SIM_OK) {
        fprintf(stderr, "cannot simulate %s\n", scenario);
        exit(1);
    }
    const unsigned nc = ltr_sim_channels(sim);
    const size_t n = (size_t)ltr_sim_total_frames(sim);
    float *buf = malloc(n * nc * sizeof *buf);
    size_t got = 0;
    if (!buf || ltr_sim_generate(sim, buf, n, &got) != LTR_SIM_OK || got != n) {
        fprintf(stderr, "cannot simulate %s\n", scenario);
        exit(1);
    }
    recordings[n_recordings++] = buf;
    char name[160];
    snprintf(name, sizeof name, "memory %s, %zu-frame blocks%s", scenario, block,
             caller_memory ? ", caller memory" : "");
    job *j = add(JOB_MEMORY, name, block);
    j->frames = buf;
    j->n_frames = n;
    j->n_channels = nc;
    j->rate_hz = p.sample_rate_hz;
    j->n_emg = p.n_emg;
    j->mains_hz = p.mains_hz == 60.0 ? 60.0 : 50.0;
    j->caller_memory = caller_memory;
    j->sim = p;
    ltr_sim_destroy(sim);
}

static void add_sim(const char *scenario, double seconds, uint64_t seed, size_t block)
{
    char name[160];
    snprintf(name, sizeof name, "sim %s seed %llu, %zu-frame blocks", scenario,
             (unsigned long long)seed, block);
    job *j = add(JOB_SIM, name, block);
    sim_params(&j->sim, scenario, seconds, seed);
    j->n_emg = j->sim.n_emg;
    j->mains_hz = j->sim.mains_hz == 60.0 ? 60.0 : 50.0;
}

static void add_file(const char *dir, const char *file, unsigned n_emg, double mains_hz,
                     size_t block)
{
    char name[160];
    snprintf(name, sizeof name, "file %s, %zu-frame reads", file, block);
    job *j = add(JOB_FILE, name, block);
    if (dir)
        snprintf(j->path, sizeof j->path, "%s/%s", dir, file);
    else
        snprintf(j->path, sizeof j->path, "%s", file);
    j->n_emg = n_emg;
    j->mains_hz = mains_hz;
    const ltr_io_format f = ltr_io_format_from_name(file);
    j->exclusive = f == LTR_IO_FORMAT_EDF;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_threads DATA_DIR [FILE...]\n");
        return 2;
    }
    const char *data = argv[1];
    const char *env = getenv("LTR_TEST_THREADS");
    const int n_threads = env && atoi(env) > 0 ? atoi(env) : DEFAULT_THREADS;

    /* in memory: several scenarios, rates 1-10 kHz, EMG with and without an
     * accelerometer, odd block sizes, both ways of making a detector */
    add_memory("surface_acc", 30.0, 32, 0);
    add_memory("needle_10k", 15.0, 1000, 1);
    add_memory("stim", 20.0, 7, 0);
    add_memory("artifacts", 30.0, 256, 1);
    add_memory("mains_60hz", 30.0, 4096, 0);
    add_memory("heavy_needle", 10.0, 333, 0);
    /* simulators on the threads themselves */
    add_sim("voluntary", 20.0, 3, 500);
    add_sim("ecg_trunk", 20.0, 4, 64);
    add_sim("acc_only", 30.0, 5, 100);
    /* the bundled recordings (libsndfile), channels as data/recordings.tsv sets them */
    add_file(data, "surface_acc.flac", 1, 50.0, 256);
    add_file(data, "stim.flac", 1, 50.0, 1024);
    add_file(data, "needle_60hz_20k.flac", 1, 60.0, 4000);
    add_file(data, "acc_only.flac", 0, 50.0, 100);
    add_file(data, "voluntary.flac", 1, 50.0, 64);
    add_file(data, "artifacts.wav", 1, 50.0, 512);
    add_file(data, "heavy_needle.flac", 1, 50.0, 2048);
    /* ltr-testgen's files: EDF, BDF, CSV, TSV, WAV, WFDB, and .mat v5 and v7.3 (all EMG) */
    for (int i = 2; i < argc; i++)
        add_file(NULL, argv[i], LTR_MAX_CHANNELS, 50.0, 300);

    /* alone, one after another, on this thread */
    result *ref = calloc(n_jobs, sizeof *ref);
    result *out = calloc(n_jobs * ROUNDS, sizeof *out);
    task *tasks = calloc(n_jobs * ROUNDS, sizeof *tasks);
    if (!ref || !out || !tasks)
        return 1;
    int failures = 0;
    for (size_t i = 0; i < n_jobs; i++) {
        job_run(&jobs[i], &ref[i]);
        if (ref[i].failed) {
            printf("FAIL %s (alone): %s\n", jobs[i].name, ref[i].error);
            failures++;
        }
    }

    /* the same jobs, ROUNDS times each, on n_threads threads at once; round r
     * of every job is queued before round r + 1, so copies of a job overlap */
    pool p;
    memset(&p, 0, sizeof p);
    for (int r = 0; r < ROUNDS; r++)
        for (size_t i = 0; i < n_jobs; i++)
            if (r == 0 || !jobs[i].exclusive)
                tasks[p.n_tasks++] = (task){&jobs[i], r, &out[(size_t)r * n_jobs + i]};
    pthread_mutex_init(&p.lock, NULL);
    pthread_barrier_init(&p.start, NULL, (unsigned)n_threads);
    p.tasks = tasks;
    pthread_t *th = calloc((size_t)n_threads, sizeof *th);
    for (int t = 0; t < n_threads; t++)
        if (pthread_create(&th[t], NULL, worker, &p) != 0) {
            fprintf(stderr, "pthread_create failed\n");
            return 1;
        }
    for (int t = 0; t < n_threads; t++)
        pthread_join(th[t], NULL);

    size_t events = 0, compared = 0;
    for (size_t k = 0; k < p.n_tasks; k++) {
        const size_t i = (size_t)(tasks[k].job - jobs);
        failures += compare(tasks[k].job, tasks[k].round, &ref[i], tasks[k].out);
        compared++;
    }
    for (size_t i = 0; i < n_jobs; i++) {
        events += ref[i].n;
        printf("%-60s %8llu frames %5zu events\n", jobs[i].name,
               (unsigned long long)ref[i].frames, ref[i].n);
    }
    printf("%zu jobs, %zu runs on %d threads compared with the runs alone (%zu events): %d "
           "failure(s)\n",
           n_jobs, compared, n_threads, events, failures);
    /* a test that finds nothing to compare proves nothing */
    if (events == 0) {
        printf("FAIL: no events at all\n");
        failures++;
    }

    for (size_t i = 0; i < n_jobs; i++)
        result_free(&ref[i]);
    for (size_t k = 0; k < n_jobs * ROUNDS; k++)
        result_free(&out[k]);
    for (size_t i = 0; i < n_recordings; i++)
        free(recordings[i]);
    free(ref);
    free(out);
    free(tasks);
    free(th);
    pthread_barrier_destroy(&p.start);
    pthread_mutex_destroy(&p.lock);
    return failures ? 1 : 0;
}
