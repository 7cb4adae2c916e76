/*
 * ltr batch: every recording of folders and files, in parallel, one events
 * file each in an output folder, and a summary table.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Worker threads take the inputs one by one; each input has its own reader,
 * detector and output (no shared state but the job counter and the
 * terminal). A failing input is recorded and never stops the others.
 * Outputs are written under a temporary name and renamed when complete, so
 * an output that exists is complete: a rerun skips inputs whose output is
 * there and not older than the input (--force redoes them).
 *
 * Interrupted (SIGINT, SIGTERM, SIGHUP: interrupt.h), the workers stop at their
 * next block and remove their temporaries; the main thread waits for them a
 * moment, writes summary.tsv with what finished (the rest: interrupted or
 * not_run), says so, and ends by the signal. A rerun first removes the
 * temporaries a killed run left in the output folder.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch.h"
#include "commands.h"
#include "interrupt.h"
#include "options.h"
#include "progress.h"
#include "run.h"

#ifdef LTR_HAVE_ANALYSIS
#include "quality.h"
#endif

enum { ID_HELP = 1, ID_OUTDIR, ID_JOBS, ID_FORMAT, ID_SIDECAR, ID_FORCE, ID_RECURSIVE,
       ID_NO_PROGRESS, ID_ALL_EVENTS, ID_INCLUDE, ID_EXCLUDE, ID_PROGRESS };

static const cli_option batch_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"outdir", 'o', "DIR", ID_OUTDIR, "output folder (required; created if missing)"},
    {"jobs", 'j', "N", ID_JOBS, "recordings processed at once (default: the CPU count)"},
    {"format", 0, "FMT", ID_FORMAT, "events files: tsv (BIDS, default), csv or jsonl"},
    {"sidecar", 0, NULL, ID_SIDECAR, "also write <name>_events.json describing the columns"},
    {"force", 0, NULL, ID_FORCE, "redo inputs whose output is already complete"},
    {"recursive", 'r', NULL, ID_RECURSIVE, "look into sub-folders too"},
    {"no-progress", 0, NULL, ID_NO_PROGRESS, "no progress bar (there is none off a terminal)"},
    {"progress", 0, NULL, ID_PROGRESS,
     "progress as JSON lines on standard error: {file, fraction, eta_s}; file null: the batch"},
    {"all-events", 0, NULL, ID_ALL_EVENTS, "also write twitch_begin and twitch_cancel rows"},
    {"include", 0, "GLOB", ID_INCLUDE,
     "folder scans take only files matching GLOB (name or path below the folder; repeatable)"},
    {"exclude", 0, "GLOB", ID_EXCLUDE,
     "folder scans leave out files and sub-folders matching GLOB (repeatable)"},
    {NULL, 0, NULL, 0, NULL},
};

/* The subcommand's name in messages: "batch", or "bids" (cmd_bids.c runs this engine). */
static const char *g_cmd = "batch";

enum { JOB_PENDING, JOB_RUNNING, JOB_DONE }; /* changed under the batch's lock */

typedef struct job {
    char *input;
    char *output;
    char *outdir;         /* the folder of its output: OUTDIR, or OUTDIR/<sub-folder> */
    int not_recording;    /* a folder scan found it and judged it no recording (message: why) */
    int rc;               /* exit code of this input, or CLI_RC_INTERRUPTED */
    int state;
    int skipped;
    double duration_s;    /* NAN: unknown */
    unsigned twitches;
    int has_sites;        /* run here (not skipped): the session columns are known */
    unsigned sites, sites_without, site_twitches;
    double habituation;   /* mean last/first over sites with >= 2 twitches; NAN: none */
    char warnings[512];
    char message[1024];
    /* progress (under the batch's lock): the fraction of its frames read, from when */
    double fraction, started, last_json;
    uint64_t total_frames;
    long long bytes;      /* its size, the weight of its share of the batch's progress */
} job;

typedef struct batch {
    cli_common common;
    const char *outdir;
    unsigned jobs;
    ltr_io_events_format format;
    unsigned kinds;
    int sidecar, force, recursive, help;
    int no_progress, progress_json;
    cli_progress_mode progress; /* chosen once the options are read */
    double start, last_draw;    /* the batch's start, the last redraw (progress.h clock) */
#define BATCH_MAX_GLOBS 32
    const char *include[BATCH_MAX_GLOBS], *exclude[BATCH_MAX_GLOBS];
    unsigned n_include, n_exclude;
    /* the shared options given (input, channels, detector), in order: OUTDIR/settings.tsv */
#define BATCH_MAX_GIVEN 64
    int given_id[BATCH_MAX_GIVEN];
    const char *given_value[BATCH_MAX_GIVEN];
    unsigned n_given;
    job *list;
    size_t n, cap;
    size_t next, finished;
    unsigned workers_done;
    pthread_mutex_t lock;
} batch;

static int handle(void *ctx, int id, const char *value)
{
    batch *b = ctx;
    switch (id) {
    case ID_HELP: b->help = 1; return 0;
    case ID_OUTDIR: b->outdir = value; return 0;
    case ID_JOBS:
        if (cli_parse_unsigned(value, &b->jobs) || b->jobs == 0 || b->jobs > 256) {
            fprintf(stderr, "ltr %s: --jobs: '%s' is not 1..256\n", g_cmd, value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    case ID_FORMAT: return cli_parse_events_format(g_cmd, value, &b->format);
    case ID_SIDECAR: b->sidecar = 1; return 0;
    case ID_FORCE: b->force = 1; return 0;
    case ID_RECURSIVE: b->recursive = 1; return 0;
    case ID_NO_PROGRESS: b->no_progress = 1; return 0;
    case ID_PROGRESS: b->progress_json = 1; return 0;
    case ID_ALL_EVENTS: b->kinds = LTR_IO_KINDS_ALL; return 0;
    case ID_INCLUDE:
    case ID_EXCLUDE: {
        const char **list = id == ID_INCLUDE ? b->include : b->exclude;
        unsigned *n = id == ID_INCLUDE ? &b->n_include : &b->n_exclude;
        if (*n == BATCH_MAX_GLOBS) {
            fprintf(stderr, "ltr %s: at most %d --include and %d --exclude patterns\n", g_cmd,
                    BATCH_MAX_GLOBS, BATCH_MAX_GLOBS);
            return LTR_EXIT_USAGE;
        }
        list[(*n)++] = value;
        return 0;
    }
    }
    const int rc = cli_common_handle(&b->common, g_cmd, id, value);
    if (rc == 0 && b->n_given < BATCH_MAX_GIVEN) {
        b->given_id[b->n_given] = id;
        b->given_value[b->n_given++] = value;
    }
    return rc;
}

static int make_dirs(const char *dir);

/* --- collecting the inputs ---------------------------------------------------- */

static job *add_job(batch *b, const char *path)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 64;
        job *list = realloc(b->list, cap * sizeof *list);
        if (!list)
            return NULL;
        b->list = list;
        b->cap = cap;
    }
    job *j = &b->list[b->n];
    memset(j, 0, sizeof *j);
    j->duration_s = NAN;
    if (!(j->input = strdup(path)))
        return NULL;
    b->n++;
    return j;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* Files a folder scan takes: known recording formats, not our own outputs. */
static int wanted(const char *name)
{
    if (name[0] == '.' || strstr(name, ".tmp-") || !strcmp(name, "summary.tsv") ||
        !strcmp(name, "settings.tsv"))
        return 0;
    static const char *const ours[] = {"_events.tsv", "_events.csv", "_events.jsonl",
                                       "_events.json"};
    for (size_t i = 0; i < sizeof ours / sizeof ours[0]; i++)
        if (ends_with(name, ours[i]))
            return 0;
    return ltr_io_format_from_name(name) != LTR_IO_FORMAT_AUTO;
}

/* A table that starts no line with a number (data/recordings.tsv, BIDS participants.tsv
 * and *_channels.tsv) describes recordings and is not one: a folder scan skips it. */
static int holds_samples(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 1; /* let the reader say what is wrong */
    char line[1024];
    int found = 0;
    for (int lines = 0; !found && lines < 64 && fgets(line, sizeof line, f); lines++) {
        char *p = line + strspn(line, " \t");
        char *end;
        if (*p == '#' || *p == '%')
            continue;
        if (*p == '"')
            p++; /* a quoted field */
        (void)strtod(p, &end);
        found = end != p && (*end == '\0' || strchr("\" \t,;\r\n", *end));
    }
    fclose(f);
    return found;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int starts_with_nocase(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* What a folder holds beside its recordings, judged by name: a person's documents and
 * BIDS's metadata tables (which do hold numbers: channels.tsv's low_cutoff, ...). */
static const char *named_not_recording(const char *base)
{
    static const char *const docs[] = {"README", "LICENSE", "LICENCE", "COPYING", "CHANGES",
                                       "CHANGELOG", "NOTICE", "AUTHORS", "CITATION"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++)
        if (starts_with_nocase(base, docs[i]))
            return "a document, not a recording";
    /* BIDS 1.9 tabular metadata: participants, scans, sessions, channels, electrodes. */
    static const char *const bids[] = {"_channels.tsv", "_electrodes.tsv", "_scans.tsv",
                                       "_sessions.tsv", "_events.tsv"};
    if (!strcmp(base, "participants.tsv") || !strcmp(base, "samples.tsv"))
        return "a BIDS metadata table, not a recording";
    for (size_t i = 0; i < sizeof bids / sizeof bids[0]; i++)
        if (ends_with(base, bids[i]))
            return "a BIDS metadata table, not a recording";
    return NULL;
}

/* A table of numbers with no time column and no rate (a feature table, a spreadsheet
 * export) is no recording either: it opens once a rate is given, and none of its columns
 * is a time column the reader would take (ltr_io_options.text_time_column's names). */
static int table_without_rate(const batch *b, const char *path)
{
    if (b->common.io.sample_rate_hz > 0)
        return 0;
    ltr_io_reader *r;
    ltr_io_status st = ltr_io_reader_open(&r, path, &b->common.io, NULL);
    if (st == LTR_IO_OK) {
        ltr_io_reader_close(r);
        return 0;
    }
    if (st != LTR_IO_ERR_RATE)
        return 0;
    ltr_io_options probe = b->common.io;
    probe.sample_rate_hz = 1000.0;
    probe.text_time_column = "none";
    if (ltr_io_reader_open(&r, path, &probe, NULL) != LTR_IO_OK)
        return 0;
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    int time_column = 0;
    for (unsigned c = 0; c < info.n_channels; c++) {
        const char *name = ltr_io_reader_channel(r, c)->name;
        static const char *const times[] = {"time", "t", "time_s", "timestamp", "time (s)"};
        for (size_t k = 0; k < sizeof times / sizeof times[0]; k++)
            time_column |= !strcasecmp(name, times[k]);
    }
    ltr_io_reader_close(r);
    return !time_column; /* with a time column it is a recording whose times are wrong */
}

/* Why a file a folder scan found is not a recording, or NULL if it is one. */
static const char *not_recording(const batch *b, const char *path, const char *base)
{
    const char *why = named_not_recording(base);
    if (why || ltr_io_format_from_name(base) != LTR_IO_FORMAT_TEXT)
        return why;
    if (!holds_samples(path))
        return "a table with no line of numbers, not a recording";
    if (table_without_rate(b, path))
        return "a table without a time column or sample rate (features?), not a recording; "
               "give --rate HZ to read such tables as recordings";
    return NULL;
}

/* --include / --exclude: a glob matches the file's name or its path below the folder. */
static int glob_any(const char *const *globs, unsigned n, const char *base, const char *rel)
{
    for (unsigned i = 0; i < n; i++)
        if (fnmatch(globs[i], base, 0) == 0 || fnmatch(globs[i], rel, FNM_PATHNAME) == 0)
            return 1;
    return 0;
}

static job *add_note(batch *b, const char *path, const char *why)
{
    job *j = add_job(b, path);
    if (j) {
        j->not_recording = 1;
        snprintf(j->message, sizeof j->message, "%s", why);
        fprintf(stderr, "ltr %s: note: %s: skipped: %s\n", g_cmd, path, why);
    }
    return j;
}

/* Scan `dir`, a folder at or below `root` (a folder given on the command line); outputs
 * mirror the tree below root under OUTDIR, so same-named files of two sub-folders keep
 * apart. */
static int scan_dir(batch *b, const char *root, const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        job *j = add_job(b, dir);
        if (!j)
            return -1;
        j->rc = LTR_EXIT_INPUT;
        snprintf(j->message, sizeof j->message, "%s: %s", dir, strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **more = realloc(names, cap * sizeof *names);
            if (!more)
                break;
            names = more;
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        if (!(names[n] = malloc(len)))
            break;
        snprintf(names[n], len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", e->d_name);
        n++;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    const size_t root_len = strlen(root);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        const char *base = strrchr(names[i], '/') + 1;
        const char *rel = names[i] + root_len;
        while (*rel == '/')
            rel++;
        if (rc == 0 && stat(names[i], &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                /* Never descend into the output folder itself. */
                if (b->recursive && base[0] != '.' && !cli_same_file(names[i], b->outdir) &&
                    !glob_any(b->exclude, b->n_exclude, base, rel))
                    rc = scan_dir(b, root, names[i]);
            } else if (wanted(base) && !glob_any(b->exclude, b->n_exclude, base, rel) &&
                       (!b->n_include || glob_any(b->include, b->n_include, base, rel))) {
                const char *why = not_recording(b, names[i], base);
                job *j = why ? add_note(b, names[i], why) : add_job(b, names[i]);
                if (!j)
                    rc = -1;
                else if (!why && rel != base) {
                    /* OUTDIR/<the sub-folder below root> */
                    size_t len = strlen(b->outdir) + 1 + (size_t)(base - rel);
                    if (!(j->outdir = malloc(len + 1)))
                        rc = -1;
                    else
                        snprintf(j->outdir, len + 1, "%s/%.*s", b->outdir,
                                 (int)(base - rel - 1), rel);
                }
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static int collect(batch *b, char **args, int n_args)
{
    for (int i = 0; i < n_args; i++) {
        struct stat st;
        if (stat(args[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            if (scan_dir(b, args[i], args[i]) != 0)
                return -1;
        } else if (!add_job(b, args[i])) {
            return -1; /* a missing file fails in its own job, with its message */
        }
    }
    return 0;
}

/* Outputs: OUTDIR/<stem>_events.<ext>; two inputs must not share one. */
static int plan_outputs(batch *b)
{
    char suffix[32];
    snprintf(suffix, sizeof suffix, "_events.%s", cli_events_ext(b->format));
    for (size_t i = 0; i < b->n; i++) {
        job *j = &b->list[i];
        char out[4096];
        if (j->not_recording)
            continue;
        if (cli_output_path(out, sizeof out, j->outdir ? j->outdir : b->outdir, j->input,
                            suffix) != 0 ||
            !(j->output = strdup(out)))
            return -1;
        for (size_t k = 0; k < i && !j->rc; k++)
            if (!b->list[k].rc && b->list[k].output && !strcmp(b->list[k].output, j->output)) {
                j->rc = LTR_EXIT_OUTPUT;
                snprintf(j->message, sizeof j->message,
                         "%s: its output %s would be the same as that of %s; rename one",
                         j->input, j->output, b->list[k].input);
            }
    }
    return 0;
}

/* --- one input ------------------------------------------------------------------ */

/* Twitch rows of an existing events file. */
static unsigned count_twitches(const char *path, ltr_io_events_format format)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    char line[4096];
    unsigned n = 0;
    const char *key = format == LTR_IO_EVENTS_JSONL ? "\"trial_type\":\"twitch\"" : NULL;
    const char sep = format == LTR_IO_EVENTS_CSV ? ',' : '\t';
    while (fgets(line, sizeof line, f)) {
        if (key) {
            n += strstr(line, key) != NULL;
            continue;
        }
        /* third column */
        char *p = strchr(line, sep);
        p = p ? strchr(p + 1, sep) : NULL;
        if (p && !strncmp(p + 1, "twitch", 6) && (p[7] == sep || p[7] == '\n'))
            n++;
    }
    fclose(f);
    return n;
}

static int up_to_date(const job *j)
{
    struct stat in, out;
    return stat(j->output, &out) == 0 && stat(j->input, &in) == 0 &&
           (out.st_mtim.tv_sec > in.st_mtim.tv_sec ||
            (out.st_mtim.tv_sec == in.st_mtim.tv_sec && out.st_mtim.tv_nsec >= in.st_mtim.tv_nsec));
}

static void add_warning(job *j, const char *text)
{
    size_t used = strlen(j->warnings);
    snprintf(j->warnings + used, sizeof j->warnings - used, "%s%s", used ? "; " : "", text);
}

#ifdef LTR_HAVE_ANALYSIS
/* The quality index of each channel (libltr-analysis), fed the frames cli_run reads;
 * its warnings go into the summary, as `ltr info` shows them. */
typedef struct quality_feed {
    ltr_quality *q;
    unsigned n;
} quality_feed;

static void quality_tap(void *ctx, const float *frames, size_t n_frames)
{
    quality_feed *f = ctx;
    for (size_t done = 0; done < n_frames;) {
        done += ltr_quality_push(f->q, frames + done * f->n, n_frames - done);
        ltr_quality_next(f->q); /* only the recording's summary is used */
    }
}

static void quality_start(cli_input *in, quality_feed *f)
{
    ltr_quality_channel qc[LTR_MAX_CHANNELS];
    for (unsigned k = 0; k < in->n; k++) {
        const ltr_io_channel *fc = ltr_io_reader_channel(in->reader, in->sel[k]);
        qc[k].is_emg = in->cfg.sensors[k] == LTR_SENSOR_EMG;
        qc[k].has_range = fc->has_range;
        qc[k].range_min = fc->range_min;
        qc[k].range_max = fc->range_max;
    }
    f->n = in->n;
    f->q = NULL;
    if (ltr_quality_create(&f->q, in->info.sample_rate_hz, in->n, qc, 60.0, 0) == LTR_OK) {
        in->tap = quality_tap;
        in->tap_ctx = f;
    }
}

/* "quality emg0: mains, low_freq" for each flagged channel. */
static void quality_finish(job *j, const cli_input *in, quality_feed *f)
{
    if (!f->q)
        return;
    if (ltr_quality_finish(f->q))
        ltr_quality_next(f->q);
    for (unsigned k = 0; k < f->n; k++) {
        ltr_quality_row row;
        if (ltr_quality_summary(f->q, k, &row) != LTR_OK || row.n_frames == 0 || !row.warnings)
            continue;
        char names[192], text[256];
        cli_quality_names(row.warnings, ", ", names, sizeof names);
        snprintf(text, sizeof text, "quality %s: %s", in->names[k], names);
        add_warning(j, text);
    }
    ltr_quality_destroy(f->q);
    f->q = NULL;
}
#endif

/* What a running recording's progress callback needs. */
typedef struct job_ctx {
    batch *b;
    job *j;
} job_ctx;

static void draw_progress(batch *b, const job *j, int force);

/* cli_run's progress callback, in a worker: the job's fraction, the batch's line. */
static void job_progress(void *ctx, uint64_t frames)
{
    job_ctx *c = ctx;
    pthread_mutex_lock(&c->b->lock);
    if (c->j->total_frames)
        c->j->fraction = frames >= c->j->total_frames
                             ? 1.0
                             : (double)frames / (double)c->j->total_frames;
    draw_progress(c->b, c->j, 0);
    pthread_mutex_unlock(&c->b->lock);
}

static void run_job(const batch *b, job *j, job_ctx *ctx)
{
    if (!b->force && up_to_date(j)) {
        j->skipped = 1;
        j->twitches = count_twitches(j->output, b->format);
        ltr_io_reader *r;
        if (ltr_io_reader_open(&r, j->input, &b->common.io, NULL) == LTR_IO_OK) {
            ltr_io_info info;
            ltr_io_reader_info(r, &info);
            if (info.n_frames >= 0 && info.sample_rate_hz > 0)
                j->duration_s = (double)info.n_frames / info.sample_rate_hz;
            ltr_io_reader_close(r);
        }
        return;
    }
    if (cli_same_file(j->output, j->input)) {
        j->rc = LTR_EXIT_OUTPUT;
        snprintf(j->message, sizeof j->message, "%s: the output would overwrite the input",
                 j->output);
        return;
    }
    cli_input *in = malloc(sizeof *in);
    if (!in) {
        j->rc = LTR_EXIT_FAILURE;
        snprintf(j->message, sizeof j->message, "%s: out of memory", j->input);
        return;
    }
    if ((j->rc = cli_input_open(in, j->input, &b->common)) != 0) {
        snprintf(j->message, sizeof j->message, "%s", in->message);
        free(in);
        return;
    }
    ltr_io_atomic_file *af = NULL;
    ltr_io_error err;
    ltr_io_event_writer *w = NULL;
    cli_stats st;
    memset(&st, 0, sizeof st);
#ifdef LTR_HAVE_ANALYSIS
    quality_feed quality = {0};
#endif
    if (j->outdir) {
        /* A sub-folder of OUTDIR: made on demand; what a killed run left there goes
         * (remove_stale only looks into OUTDIR itself). */
        if (make_dirs(j->outdir) != 0) {
            j->rc = LTR_EXIT_OUTPUT;
            snprintf(j->message, sizeof j->message, "%s: cannot create the folder: %s",
                     j->outdir, strerror(errno));
            cli_input_close(in);
            free(in);
            return;
        }
        cli_remove_stale(g_cmd, j->output);
    }
    if (cli_atomic_open(&af, j->output, &err) != LTR_IO_OK) {
        j->rc = LTR_EXIT_OUTPUT;
        snprintf(in->message, sizeof in->message, "%s", err.message);
    } else {
        errno = 0;
        if (ltr_io_event_writer_create(&w, ltr_io_atomic_stream(af), b->format,
                                       in->info.sample_rate_hz, in->name_ptrs, in->n, b->kinds,
                                       NULL) != LTR_IO_OK) {
            j->rc = LTR_EXIT_OUTPUT;
            snprintf(in->message, sizeof in->message, "%s: cannot write: %s", j->output,
                     strerror(errno ? errno : EIO));
        } else {
            in->output = j->output;
            if (b->progress != CLI_PROGRESS_OFF && in->info.n_frames > 0) {
                pthread_mutex_lock(&ctx->b->lock);
                j->total_frames = (uint64_t)in->info.n_frames;
                j->started = j->last_json = cli_progress_now();
                pthread_mutex_unlock(&ctx->b->lock);
                in->progress = job_progress;
                in->progress_ctx = ctx;
            }
#ifdef LTR_HAVE_ANALYSIS
            quality_start(in, &quality);
#endif
            j->rc = cli_run(in, w, NULL, 4096, &st);
        }
    }
    ltr_io_event_writer_destroy(w);
    if (af && j->rc == 0 && cli_atomic_commit(af, &err) != LTR_IO_OK) {
        j->rc = LTR_EXIT_OUTPUT;
        snprintf(in->message, sizeof in->message, "%s", err.message);
    } else if (af && j->rc != 0) {
        cli_atomic_abort(af);
    }
    if (j->rc == 0 && b->sidecar) {
        char side[4096];
        if (cli_output_path(side, sizeof side, j->outdir ? j->outdir : b->outdir, j->input,
                            "_events.json") == 0 &&
            cli_atomic_open(&af, side, &err) == LTR_IO_OK) {
            ltr_io_write_sidecar(ltr_io_atomic_stream(af), &in->cfg, j->input, 0);
            if (cli_atomic_commit(af, &err) != LTR_IO_OK)
                add_warning(j, "no sidecar");
        }
    }
    if (j->rc != 0) {
        snprintf(j->message, sizeof j->message, "%s", in->message);
    } else {
        j->duration_s = (double)st.frames / in->info.sample_rate_hz;
        j->twitches = st.twitches;
        j->has_sites = 1;
        j->sites = st.sites;
        j->sites_without = st.sites_without;
        j->site_twitches = st.site_twitches;
        j->habituation = st.habituation_n ? st.habituation_sum / st.habituation_n : NAN;
        char text[64];
        if (st.artifacts) {
            snprintf(text, sizeof text, "%u artifacts", st.artifacts);
            add_warning(j, text);
        }
        if (st.clipped) {
            snprintf(text, sizeof text, "%u clipped twitches", st.clipped);
            add_warning(j, text);
        }
        if (st.truncated)
            add_warning(j, "ends inside a twitch");
        if (!st.searched) {
            char why[300];
            cli_not_searched(in, &st, why, sizeof why);
            add_warning(j, why);
        }
        if (in->cfg.mains_hz == LTR_MAINS_AUTO) {
            /* what the detector found: say it, a person may want to fix it next time */
            if (st.mains_hz > 0.0)
                snprintf(text, sizeof text, "mains auto: %.0f Hz", st.mains_hz);
            else
                snprintf(text, sizeof text, "mains auto: none found");
            add_warning(j, text);
        }
        if (in->notes[0])
            add_warning(j, in->notes);
#ifdef LTR_HAVE_ANALYSIS
        quality_finish(j, in, &quality);
#endif
    }
#ifdef LTR_HAVE_ANALYSIS
    if (quality.q)
        ltr_quality_destroy(quality.q);
#endif
    cli_input_close(in);
    free(in);
}

/* --- workers and progress --------------------------------------------------------- */

/* The batch's progress, under its lock: on a terminal one line redrawn (at most 5 times a
 * second, or when forced: a file finished) with the files done, the time left and the
 * running file's own fraction; as JSON a line per running recording at most every 0.5 s
 * once it has run that long (a short one only gets its final line), a final line per
 * recording, and the batch's ("file": null) when a recording finishes. */
static void draw_progress(batch *b, const job *j, int force)
{
    if (b->progress == CLI_PROGRESS_OFF)
        return;
    const double now = cli_progress_now();
    /* the share of the bytes read: recordings weigh their size (an hour counts 60 times a
     * minute of the same format), known before they are opened */
    double all = 0.0, done = 0.0;
    for (size_t i = 0; i < b->n; i++) {
        const job *k = &b->list[i];
        const double w = k->bytes > 0 ? (double)k->bytes : 1.0;
        all += w;
        done += k->state == JOB_DONE ? w : k->state == JOB_RUNNING ? w * k->fraction : 0.0;
    }
    const double overall = all > 0.0 ? done / all : 1.0;
    const double eta = cli_progress_eta(b->start, now, overall);
    if (b->progress == CLI_PROGRESS_JSON) {
        job *jj = (job *)(uintptr_t)j; /* its last_json: ours to change under the lock */
        if (force) {
            cli_progress_json(stderr, j->input, 1.0, 0.0);
            cli_progress_json(stderr, NULL, overall, eta);
        } else if (now - jj->last_json >= 0.5 && now - jj->started >= 0.5) {
            jj->last_json = now;
            cli_progress_json(stderr, j->input, j->fraction,
                              cli_progress_eta(j->started, now, j->fraction));
        }
        return;
    }
    if (!force && now - b->last_draw < 0.2)
        return;
    b->last_draw = now;
    const int width = 30;
    int filled = (int)(overall * width);
    filled = filled > width ? width : filled;
    char clock[32];
    cli_progress_clock(eta, clock, sizeof clock);
    const char *base = strrchr(j->input, '/');
    fprintf(stderr, "\r\033[K[%.*s%*s] %zu/%zu  ETA %s  %.40s", filled,
            "##############################", width - filled, "", b->finished, b->n, clock,
            base ? base + 1 : j->input);
    if (!force && j->state == JOB_RUNNING)
        fprintf(stderr, " %.0f%%", 100.0 * j->fraction);
    fflush(stderr);
}

static void *worker(void *arg)
{
    batch *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = cli_interrupted() ? b->n : b->next++;
        if (i < b->n)
            b->list[i].state = JOB_RUNNING;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n)
            break;
        job *j = &b->list[i];
        job_ctx ctx = {b, j};
        if (j->rc == 0 && !j->not_recording)
            run_job(b, j, &ctx);
        pthread_mutex_lock(&b->lock);
        j->state = JOB_DONE;
        b->finished++;
        if (j->rc != 0 && j->rc != CLI_RC_INTERRUPTED)
            fprintf(stderr, "%sltr %s: %s\n",
                    b->progress == CLI_PROGRESS_TERMINAL ? "\r\033[K" : "", g_cmd, j->message);
        draw_progress(b, j, 1);
        pthread_mutex_unlock(&b->lock);
    }
    pthread_mutex_lock(&b->lock);
    b->workers_done++;
    pthread_mutex_unlock(&b->lock);
    cli_interrupt_wake();
    return NULL;
}

static unsigned workers_done(batch *b)
{
    pthread_mutex_lock(&b->lock);
    unsigned n = b->workers_done;
    pthread_mutex_unlock(&b->lock);
    return n;
}

static int run_all(batch *b)
{
    unsigned n = b->jobs;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus > 0 ? (unsigned)cpus : 1;
    }
    if (n > 32)
        n = 32; /* EDFlib keeps at most 64 files open per process */
    if (n > b->n)
        n = (unsigned)b->n;
    pthread_t *threads = calloc(n, sizeof *threads);
    if (!threads)
        return -1;
    /* Workers block the signals: the main thread gets them, and stays free to act. */
    cli_interrupt_block(1);
    unsigned started = 0;
    for (; started < n; started++)
        if (pthread_create(&threads[started], NULL, worker, b) != 0)
            break;
    cli_interrupt_block(0);
    if (started == 0)
        worker(b);
    while (workers_done(b) < started && !cli_interrupted())
        cli_interrupt_sleep(-1);
    if (cli_interrupted()) {
        /* Each worker stops at its next block; one stuck on a slow input (a FIFO)
         * is left: its temporary goes with the others in cli_interrupt_finish. */
        for (int k = 0; k < 20 && workers_done(b) < started; k++)
            cli_interrupt_sleep(0.1);
        return 1; /* the threads are not joined: the process ends by the signal */
    }
    for (unsigned t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    free(threads);
    return 0;
}

/* --- the summary ------------------------------------------------------------------ */

static const char *state(const job *j)
{
    if (j->not_recording)
        return "not_recording";
    if (j->rc == CLI_RC_INTERRUPTED || j->state == JOB_RUNNING)
        return "interrupted";
    if (j->state == JOB_PENDING && j->rc == 0)
        return "not_run";
    return j->rc ? "failed" : j->skipped ? "skipped" : "ok";
}

/* The cells of a job's row (summary.tsv and the table). */
typedef struct row {
    char dur[32], tw[16], rate[32], code[16], message[1100];
    char sites[16], per_site[32], without[16], habituation[32];
    const char *warnings, *output;
} row;

static void make_row(const job *j, row *r, int duration_digits)
{
    const int done = j->state == JOB_DONE && j->rc == 0 && !j->not_recording; /* ok, skipped */
    const int sig = cli_interrupted();
    strcpy(r->dur, "n/a");
    strcpy(r->tw, "n/a");
    strcpy(r->rate, "n/a");
    strcpy(r->code, "n/a");
    strcpy(r->sites, "n/a");
    strcpy(r->per_site, "n/a");
    strcpy(r->without, "n/a");
    strcpy(r->habituation, "n/a");
    if (done && j->has_sites) {
        snprintf(r->sites, sizeof r->sites, "%u", j->sites);
        snprintf(r->without, sizeof r->without, "%u", j->sites_without);
        if (j->sites)
            snprintf(r->per_site, sizeof r->per_site, "%.2f", (double)j->site_twitches / j->sites);
        if (isfinite(j->habituation))
            snprintf(r->habituation, sizeof r->habituation, "%.3f", j->habituation);
    }
    r->warnings = done && j->warnings[0] ? j->warnings : "n/a";
    r->output = done && j->output ? j->output : "n/a";
    snprintf(r->message, sizeof r->message, "%s",
             j->rc || j->not_recording ? j->message : "n/a");
    if (done && isfinite(j->duration_s))
        snprintf(r->dur, sizeof r->dur, "%.*f", duration_digits, j->duration_s);
    if (done)
        snprintf(r->tw, sizeof r->tw, "%u", j->twitches);
    if (done && isfinite(j->duration_s) && j->duration_s > 0)
        snprintf(r->rate, sizeof r->rate, "%.2f", j->twitches * 60.0 / j->duration_s);
    const char *st = state(j);
    if (j->not_recording)
        return;
    if (!strcmp(st, "interrupted")) {
        snprintf(r->code, sizeof r->code, "%d", 128 + sig);
        snprintf(r->message, sizeof r->message, "interrupted by %s before the end: no output",
                 cli_signal_name(sig));
    } else if (!strcmp(st, "not_run")) {
        snprintf(r->message, sizeof r->message, "not run: the batch was interrupted by %s",
                 cli_signal_name(sig));
    } else if (j->state == JOB_DONE || j->rc) {
        snprintf(r->code, sizeof r->code, "%d", j->rc);
    }
}

/* A TSV cell: no tabs or newlines. */
static void tsv_cell(FILE *f, const char *s, int last)
{
    for (; *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc(last ? '\n' : '\t', f);
}

static int write_summary(const batch *b)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/summary.tsv", b->outdir) >= (int)sizeof path)
        return LTR_EXIT_OUTPUT;
    ltr_io_atomic_file *af;
    ltr_io_error err;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr %s: %s\n", g_cmd, err.message);
        return LTR_EXIT_OUTPUT;
    }
    FILE *f = ltr_io_atomic_stream(af);
    /* the session columns come last: scripts that read the first nine by position go on */
    fputs("file\tstatus\tduration_s\ttwitches\trate_per_min\twarnings\toutput\texit_code\tmessage\t"
          "sites\ttwitches_per_site\tsites_without_twitches\thabituation\n",
          f);
    for (size_t i = 0; i < b->n; i++) {
        const job *j = &b->list[i];
        row r;
        make_row(j, &r, 3);
        tsv_cell(f, j->input, 0);
        tsv_cell(f, state(j), 0);
        tsv_cell(f, r.dur, 0);
        tsv_cell(f, r.tw, 0);
        tsv_cell(f, r.rate, 0);
        tsv_cell(f, r.warnings, 0);
        tsv_cell(f, r.output, 0);
        tsv_cell(f, r.code, 0);
        tsv_cell(f, r.message, 0);
        tsv_cell(f, r.sites, 0);
        tsv_cell(f, r.per_site, 0);
        tsv_cell(f, r.without, 0);
        tsv_cell(f, r.habituation, 1);
    }
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr %s: %s\n", g_cmd, err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

/* OUTDIR/settings.tsv: the input, channel and detector options the batch was given (one
 * per line: option, value; "" for a flag) and the library's version, for `ltr report`,
 * which replays them to show the settings each recording ran with. */
static int write_settings(const batch *b)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/settings.tsv", b->outdir) >= (int)sizeof path)
        return LTR_EXIT_OUTPUT;
    ltr_io_atomic_file *af;
    ltr_io_error err;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr %s: %s\n", g_cmd, err.message);
        return LTR_EXIT_OUTPUT;
    }
    FILE *f = ltr_io_atomic_stream(af);
    fprintf(f, "option\tvalue\n#command\t%s\n#libltr\t%s\n", g_cmd, ltr_version_string());
    for (unsigned i = 0; i < b->n_given; i++) {
        const cli_option *o = cli_shared_option_by_id(b->given_id[i]);
        if (!o)
            continue;
        tsv_cell(f, o->name, 0);
        tsv_cell(f, b->given_value[i] ? b->given_value[i] : "", 1);
    }
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr %s: %s\n", g_cmd, err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static void print_table(const batch *b)
{
    printf("%-40s %-11s %10s %8s %8s  %s\n", "file", "status", "duration_s", "twitches",
           "per_min", "warnings");
    for (size_t i = 0; i < b->n; i++) {
        const job *j = &b->list[i];
        row r;
        make_row(j, &r, 1);
        printf("%-40s %-11s %10s %8s %8s  %s\n", j->input, state(j), r.dur, r.tw, r.rate,
               strcmp(r.message, "n/a") ? r.message : strcmp(r.warnings, "n/a") ? r.warnings : "");
    }
}

/* Temporaries a killed run left in the output folder: our names (an events file,
 * a sidecar, the summary) with a writer that is gone. */
static void remove_stale(const batch *b)
{
    DIR *d = opendir(b->outdir);
    if (!d)
        return;
    unsigned removed = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len;
        if (!ltr_io_atomic_stale_name(e->d_name, &len))
            continue;
        char target[1024];
        if (len >= sizeof target)
            continue;
        memcpy(target, e->d_name, len);
        target[len] = '\0';
        if (strcmp(target, "summary.tsv") != 0 && strcmp(target, "settings.tsv") != 0 &&
            !ends_with(target, "_events.tsv") &&
            !ends_with(target, "_events.csv") && !ends_with(target, "_events.jsonl") &&
            !ends_with(target, "_events.json"))
            continue;
        char path[4096];
        if (snprintf(path, sizeof path, "%s/%s", b->outdir, e->d_name) >= (int)sizeof path)
            continue;
        if (unlink(path) == 0)
            removed++;
        else if (errno != ENOENT)
            fprintf(stderr, "ltr %s: %s: cannot remove: %s\n", g_cmd, path, strerror(errno));
    }
    closedir(d);
    if (removed)
        fprintf(stderr, "ltr %s: removed %u temporary file%s left by an interrupted run in %s\n", g_cmd,
                removed, removed == 1 ? "" : "s", b->outdir);
}

/* After a signal: the summary of what finished, a word on standard error, and the end
 * by the signal. Called with the lock held: no worker changes a job meanwhile. */
_Noreturn static void interrupted(batch *b)
{
    size_t done = 0, cut = 0, not_run = 0;
    for (size_t i = 0; i < b->n; i++) {
        const char *st = state(&b->list[i]);
        if (!strcmp(st, "interrupted"))
            cut++;
        else if (!strcmp(st, "not_run"))
            not_run++;
        else
            done++;
    }
    if (b->progress == CLI_PROGRESS_TERMINAL)
        fputs("\r\033[K", stderr);
    int wrote = write_summary(b) == 0;
    print_table(b);
    fflush(stdout);
    fprintf(stderr,
            "ltr %s: interrupted by %s: %zu of %zu recordings finished, %zu cut short (no "
            "output), %zu not started%s%s%s\n", g_cmd,
            cli_signal_name(cli_interrupted()), done, b->n, cut, not_run,
            wrote ? "; " : "", wrote ? b->outdir : "", wrote ? "/summary.tsv lists them" : "");
    cli_interrupt_finish();
}

static int make_dirs(const char *dir)
{
    char buf[4096];
    if (strlen(dir) >= sizeof buf)
        return -1;
    strcpy(buf, dir);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return -1;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

static void help(void)
{
    fputs("usage: ltr batch [OPTIONS] DIR|FILE... -o OUTDIR\n\n"
          "Process every recording of the folders (files with a known extension: .wav .flac\n"
          ".aif(f) .edf .bdf .csv .tsv .txt ...; -r for sub-folders) and files given, several\n"
          "at once, into OUTDIR/<name>_events.tsv (a BIDS '_emg' suffix is dropped from the\n"
          "name; files of sub-folders go to the same sub-folders of OUTDIR, so the tree is\n"
          "kept and same-named files do not collide), and write OUTDIR/summary.tsv: file,\n"
          "status (ok, skipped, failed, not_recording), duration,\n"
          "twitches, rate per minute, warnings, output, exit code, message, then the\n"
          "needling sites: sites, twitches per site, sites without twitches, habituation (the\n"
          "mean over sites with two twitches or more of the last twitch's amplitude over the\n"
          "first's; n/a for a skipped input: --force recounts). A failing input\n"
          "never stops the others. Outputs appear complete or not at all; a rerun skips\n"
          "inputs whose output exists and is newer than the input, and removes temporary\n"
          "files a killed run left. SIGINT, SIGTERM or SIGHUP: the workers stop, the\n"
          "summary lists what finished (and 'interrupted', 'not_run'), no temporary file\n"
          "stays, and ltr ends by the signal. A progress bar is drawn on a terminal only.\n"
          "Exit code 0 if every input succeeded, else the inputs' common code if they all\n"
          "failed alike, else 9. With libltr-analysis the warnings include each channel's\n"
          "quality warnings, as 'ltr info' shows them ('quality emg0: mains, low_freq').\n\n"
          "Each recording is read with its own sidecar (FILE.json, BIDS *_emg.json and\n"
          "*_channels.tsv): its channel types and mains. --emg/--acc type only the files\n"
          "whose channels no sidecar describes (--no-sidecar: every file); --mains applies\n"
          "to all.\n\n"
          "A folder scan skips, with a note (status not_recording), what is not a recording:\n"
          "documents (README*, LICENSE*, ...), BIDS tables (participants.tsv, *_channels.tsv,\n"
          "*_scans.tsv, ...), tables that start no line with a number, and tables without a\n"
          "time column or rate (feature tables; --rate reads them as recordings). --include\n"
          "and --exclude GLOB match a file's name or its path below the folder (exclude also\n"
          "sub-folders). Files named on the command line are always taken.\n\n",
          stdout);
    cli_print_options(stdout, batch_options);
    cli_print_common_help(stdout, 1);
}

int cli_batch_run(int argc, char **argv, const cli_batch_mode *mode)
{
    g_cmd = mode->name;
    char bids_out[4096];
    batch b;
    memset(&b, 0, sizeof b);
    cli_common_init(&b.common);
    b.common.channel_options_fallback = 1; /* a file with a sidecar keeps its own channels */
    b.format = LTR_IO_EVENTS_TSV;
    b.kinds = LTR_IO_KINDS_RESULTS;
    const cli_option *const tables[] = {batch_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse(g_cmd, argc, argv, tables, handle, &b, pos, &n);
    b.progress = cli_progress_choose(b.progress_json, b.no_progress);
    b.start = cli_progress_now();
    if (rc == 0 && b.help) {
        (mode->help ? mode->help : help)();
        free(pos);
        return 0;
    }
    struct stat root_st;
    if (rc == 0 && mode->bids) {
        if (n != 1 || stat(pos[0], &root_st) != 0 || !S_ISDIR(root_st.st_mode)) {
            fprintf(stderr, "ltr %s: give one BIDS dataset folder (see 'ltr %s --help')%s%s\n",
                    g_cmd, g_cmd, n == 1 ? ": not a folder: " : "", n == 1 ? pos[0] : "");
            rc = n == 1 ? LTR_EXIT_INPUT : LTR_EXIT_USAGE;
        } else {
            if (!b.outdir) {
                /* BIDS derivatives: <dataset>/derivatives/<pipeline>/ */
                snprintf(bids_out, sizeof bids_out, "%s%sderivatives/libltr", pos[0],
                         ends_with(pos[0], "/") ? "" : "/");
                b.outdir = bids_out;
            }
            b.recursive = 1;
            b.sidecar = 1;
            if (b.n_include == 0) {
                /* BIDS-EMG: sub-<label>/[ses-<label>/]emg/<entities>_emg.<ext> */
                b.include[b.n_include++] = "sub-*/emg/*_emg.*";
                b.include[b.n_include++] = "sub-*/ses-*/emg/*_emg.*";
            }
            static const char *const not_raw[] = {"derivatives", "sourcedata", "code",
                                                  "stimuli"};
            for (size_t k = 0; k < 4 && b.n_exclude < BATCH_MAX_GLOBS; k++)
                b.exclude[b.n_exclude++] = not_raw[k];
        }
    }
    if (rc == 0 && (n == 0 || !b.outdir)) {
        fprintf(stderr, "ltr %s: give inputs and -o OUTDIR (see 'ltr batch --help')\n", g_cmd);
        rc = LTR_EXIT_USAGE;
    }
    for (int i = 0; rc == 0 && i < n; i++)
        if (!strcmp(pos[i], "-")) {
            fprintf(stderr, "ltr %s: standard input is for 'ltr stream' or 'ltr detect -'\n", g_cmd);
            rc = LTR_EXIT_USAGE;
        }
    if (rc == 0)
        cli_interrupt_install(CLI_INTERRUPT_GRACEFUL);
    if (rc == 0 && make_dirs(b.outdir) != 0) {
        fprintf(stderr, "ltr %s: %s: cannot create the folder: %s\n", g_cmd, b.outdir,
                strerror(errno));
        rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0 && mode->prepare)
        rc = mode->prepare(pos[0], b.outdir);
    if (rc == 0 && (collect(&b, pos, n) != 0 || plan_outputs(&b) != 0)) {
        fprintf(stderr, "ltr %s: out of memory\n", g_cmd);
        rc = LTR_EXIT_FAILURE;
    }
    free(pos);
    size_t recordings = 0;
    for (size_t i = 0; i < b.n; i++) {
        recordings += !b.list[i].not_recording;
        struct stat js;
        if (b.progress != CLI_PROGRESS_OFF && stat(b.list[i].input, &js) == 0)
            b.list[i].bytes = (long long)js.st_size;
    }
    if (rc == 0 && recordings == 0) {
        fprintf(stderr, "ltr %s: no recordings found\n", g_cmd);
        rc = LTR_EXIT_INPUT;
    }
    if (rc == 0) {
        remove_stale(&b);
        pthread_mutex_init(&b.lock, NULL);
        int ran = run_all(&b);
        if (ran > 0) {
            pthread_mutex_lock(&b.lock);
            interrupted(&b);
        }
        if (ran < 0)
            rc = LTR_EXIT_FAILURE;
        pthread_mutex_destroy(&b.lock);
        if (b.progress == CLI_PROGRESS_TERMINAL)
            fputs("\r\033[K", stderr);
    }
    if (rc == 0) {
        rc = write_summary(&b);
        if (rc == 0)
            rc = write_settings(&b);
        print_table(&b);
        size_t failed = 0;
        int common = -1;
        for (size_t i = 0; i < b.n; i++)
            if (b.list[i].rc) {
                failed++;
                common = common < 0 || common == b.list[i].rc ? b.list[i].rc : 0;
            }
        if (rc == 0 && failed)
            rc = failed == recordings && common > 0 ? common : LTR_EXIT_PARTIAL;
        if (cli_interrupted()) {
            /* The signal came after the last recording: the summary is whole. */
            fflush(stdout);
            fprintf(stderr, "ltr %s: interrupted by %s after every recording finished\n", g_cmd,
                    cli_signal_name(cli_interrupted()));
            cli_interrupt_finish();
        }
    }
    for (size_t i = 0; i < b.n; i++) {
        free(b.list[i].input);
        free(b.list[i].output);
        free(b.list[i].outdir);
    }
    free(b.list);
    return rc;
}

int cmd_batch(int argc, char **argv)
{
    const cli_batch_mode mode = {"batch", 0, NULL, NULL};
    return cli_batch_run(argc, argv, &mode);
}
