/*
 * ltr detect: find the twitches in recordings and write them as events.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annotate.h"
#include "commands.h"
#include "interrupt.h"
#include "options.h"
#include "progress.h"
#include "run.h"

enum { ID_HELP = 1, ID_OUTPUT, ID_OUTDIR, ID_FORMAT, ID_SIDECAR, ID_ALL_EVENTS, ID_TWITCHES_ONLY,
       ID_QUIET, ID_PROGRESS, ID_NO_PROGRESS, ID_SESSION, ID_ANNOTATE, ID_ANNOTATIONS };

static const cli_option detect_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"output", 'o', "FILE", ID_OUTPUT, "write the events to FILE (default: standard output)"},
    {"outdir", 'd', "DIR", ID_OUTDIR, "write DIR/<name>_events.<format> for each input"},
    {"format", 0, "FMT", ID_FORMAT, "tsv (BIDS events.tsv, default), csv or jsonl"},
    {"sidecar", 0, NULL, ID_SIDECAR, "also write the JSON sidecar describing the columns"},
    {"all-events", 0, NULL, ID_ALL_EVENTS, "also write twitch_begin and twitch_cancel rows"},
    {"twitches-only", 0, NULL, ID_TWITCHES_ONLY, "leave out the artifact and site rows"},
    {"session", 0, NULL, ID_SESSION,
     "print a table of the needling sites (standard output, or standard error when the "
     "events go there)"},
    {"quiet", 'q', NULL, ID_QUIET, "no summary on standard error"},
    {"progress", 0, NULL, ID_PROGRESS,
     "progress as JSON lines on standard error: {file, fraction, eta_s}, for every input"},
    {"no-progress", 0, NULL, ID_NO_PROGRESS,
     "no progress line (shown on a terminal for recordings over a minute)"},
    {"annotate", 0, "OUT.edf", ID_ANNOTATE,
     "also write an EDF+ copy of the signals (BDF+ for .bdf) with the events as annotations"},
    {"annotations", 0, "OUT.txt", ID_ANNOTATIONS,
     "also write the events as MNE annotations (mne.read_annotations reads the .txt)"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct detect_args {
    cli_common common;
    const char *output, *outdir;
    const char *annotate, *annotations;
    ltr_io_events_format format;
    int sidecar, quiet, help, session;
    int progress_json, no_progress;
    unsigned kinds;
} detect_args;

/* --session: the sites table goes to standard output, unless the events do. */
static FILE *sites_stream(const detect_args *a)
{
    return a->outdir || (a->output && strcmp(a->output, "-")) ? stdout : stderr;
}

static int handle(void *ctx, int id, const char *value)
{
    detect_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_OUTPUT: a->output = value; return 0;
    case ID_OUTDIR: a->outdir = value; return 0;
    case ID_FORMAT: return cli_parse_events_format("detect", value, &a->format);
    case ID_SIDECAR: a->sidecar = 1; return 0;
    case ID_ALL_EVENTS: a->kinds = LTR_IO_KINDS_ALL; return 0;
    case ID_TWITCHES_ONLY: a->kinds = LTR_IO_KIND(LTR_EVENT_END); return 0;
    case ID_QUIET: a->quiet = 1; return 0;
    case ID_PROGRESS: a->progress_json = 1; return 0;
    case ID_NO_PROGRESS: a->no_progress = 1; return 0;
    case ID_SESSION: a->session = 1; return 0;
    case ID_ANNOTATE: a->annotate = value; return 0;
    case ID_ANNOTATIONS: a->annotations = value; return 0;
    }
    return cli_common_handle(&a->common, "detect", id, value);
}

static void help(void)
{
    fputs("usage: ltr detect [OPTIONS] FILE...\n\n"
          "Find the twitches in each recording (WAV, FLAC, AIFF, ... EDF/BDF, CSV/TSV, WFDB .hea,\n"
          "MATLAB .mat, raw;\n"
          "'-' reads standard input, with --raw or --input-format text) and write one row per\n"
          "twitch and per artifact: onset, duration, trial_type, peak, amplitude, snr_db,\n"
          "confidence, channels, flags, latency_ms, id. Needling sites (one insertion or\n"
          "redirection each: from an 'insertion' mark, or a needle movement after --site-gap\n"
          "without one) get a 'site' row spanning the site (amplitude: its habituation, last\n"
          "twitch over first; id: its number; flags no_twitch or stopped) and, when its\n"
          "twitches stopped (--stop-strokes/--stop-after), a 'site_stopped' row at the stroke\n"
          "that completed the rule. Several inputs into one output get a\n"
          "'source' column after onset and duration. Files are written to a temporary name and renamed when\n"
          "complete (interrupted by a signal: removed). Stops at the first input that fails\n"
          "(use 'ltr batch' to go on). A recording too short for the warm-up (--warmup) is\n"
          "reported on standard error: no twitch could be found in it.\n\n"
          "No option is needed when the recording has a sidecar: FILE.json (data/), or BIDS\n"
          "*_emg.json and *_channels.tsv, give the channel types and the mains; EDF labels\n"
          "(EMG..., ACC X) type channels too. --emg/--acc/--mains override them; the summary\n"
          "on standard error says what was taken from where.\n\n"
          "Marks: stimulation pulses and needle movements the device or a person noted are\n"
          "given to the detector (blanked, reported as marked artifacts; a response just\n"
          "after a pulse is 'evoked'): from --marks EVENTS.tsv, and from the EDF+/BDF+\n"
          "annotations of the input whose text holds stim, pulse or tms (a pulse),\n"
          "insertion, redirect or site (an insertion: a new site) or needle, piston or\n"
          "stroke (a needle movement), any case; --mark-text lists the\n"
          "exact texts instead, --annotation-marks off ignores the annotations.\n\n"
          "Annotations for other tools (one input): --annotate OUT.edf copies the signals at\n"
          "the detector's rate into EDF+ (BDF+: 24 bits, for OUT.bdf) with the input's own\n"
          "annotations and one per event: 'twitch', 'evoked', 'BAD_artifact' (MNE leaves\n"
          "BAD_ stretches out of epochs); EDFbrowser and mne.io.read_raw_edf open it.\n"
          "--annotations OUT.txt writes the same events as MNE's annotation text\n"
          "(mne.read_annotations; onsets in s from the first sample); --format mne writes\n"
          "that format as the events output itself.\n\n"
          "Output:\n",
          stdout);
    cli_print_options(stdout, detect_options);
    cli_print_common_help(stdout, 1);
}

static int write_sidecar(const char *path, const cli_input *in, const char *input, int source)
{
    ltr_io_atomic_file *af;
    ltr_io_error err;
    cli_remove_stale("detect", path);
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr detect: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    ltr_io_write_sidecar(ltr_io_atomic_stream(af), &in->cfg, input, source);
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr detect: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static void report(const detect_args *a, const char *path, const cli_input *in,
                   const cli_stats *st)
{
    if (st->truncated)
        fprintf(stderr, "ltr detect: %s: the recording ends inside a twitch (flag truncated)\n",
                path);
    if (!st->searched) {
        char why[300];
        cli_not_searched(in, st, why, sizeof why);
        fprintf(stderr, "ltr detect: warning: %s: %s\n", path, why);
    }
    if (a->quiet)
        return;
    cli_input_describe(stderr, in, path);
    if (st->sites)
        fprintf(stderr, "%s: %u site%s: %u twitch%s in them, %u without any, %u where they "
                "stopped\n", path, st->sites, st->sites == 1 ? "" : "s", st->site_twitches,
                st->site_twitches == 1 ? "" : "es", st->sites_without, st->sites_stopped);
    if (in->cfg.mains_hz == LTR_MAINS_AUTO) {
        if (st->mains_hz > 0.0)
            fprintf(stderr, "%s: mains found: %.1f Hz, removed with its harmonics\n", path,
                    st->mains_hz);
        else
            fprintf(stderr, "%s: mains found: none\n", path);
    }
    double seconds = (double)st->frames / in->info.sample_rate_hz;
    fprintf(stderr, "%s: %u twitch%s, %u artifact%s in %.1f s (%u channel%s at %g Hz)\n", path,
            st->twitches, st->twitches == 1 ? "" : "es", st->artifacts,
            st->artifacts == 1 ? "" : "s", seconds, in->n, in->n == 1 ? "" : "s",
            in->info.sample_rate_hz);
}

static void on_progress(void *ctx, uint64_t frames) { cli_file_progress_update(ctx, frames); }

/* cli_run with a progress line: on a terminal for recordings over a minute, as JSON lines
 * for every input with --progress. */
static int run_with_progress(const detect_args *a, cli_input *in, ltr_io_event_writer *w,
                             cli_stats *st)
{
    cli_file_progress p;
    cli_progress_mode mode = cli_progress_choose(a->progress_json, a->no_progress);
    const double seconds = in->info.n_frames >= 0 && in->info.sample_rate_hz > 0
                               ? (double)in->info.n_frames / in->info.sample_rate_hz
                               : 0.0;
    if (mode == CLI_PROGRESS_TERMINAL && seconds <= CLI_PROGRESS_MIN_S)
        mode = CLI_PROGRESS_OFF;
    cli_file_progress_start(&p, mode, in->path,
                            in->info.n_frames > 0 ? (unsigned long long)in->info.n_frames : 0);
    in->progress = on_progress;
    in->progress_ctx = &p;
    const int rc = cli_run(in, w, NULL, 4096, st);
    in->progress = NULL;
    cli_file_progress_end(&p);
    return rc;
}

/* --annotations and --annotate after a run over one input. */
static int write_annotations(const detect_args *a, const char *input, cli_input *in,
                             const cli_annotations *kept, uint64_t frames)
{
    int rc = 0;
    if (a->annotations)
        rc = cli_write_mne(a->annotations, in, kept, in->message, sizeof in->message);
    if (rc == 0 && a->annotate) {
        char notes[1024];
        rc = cli_write_annotated_edf(a->annotate, input, &a->common, in, kept, frames, notes,
                                     sizeof notes, in->message, sizeof in->message);
        if (rc == 0 && !a->quiet)
            fprintf(stderr, "%s\n", notes);
    }
    return rc;
}

/* Refuse an output that is one of the inputs. */
static int check_not_input(const char *out, char **inputs, int n)
{
    for (int i = 0; i < n; i++)
        if (strcmp(out, "-") != 0 && cli_same_file(out, inputs[i])) {
            fprintf(stderr, "ltr detect: %s: the output would overwrite an input\n", out);
            return LTR_EXIT_OUTPUT;
        }
    return 0;
}

/* One input into its own file in --outdir. */
static int detect_to_dir(const detect_args *a, const char *input, char **inputs, int n_inputs)
{
    char out[4096], suffix[32];
    snprintf(suffix, sizeof suffix, "_events.%s", cli_events_ext(a->format));
    if (cli_output_path(out, sizeof out, a->outdir, input, suffix) != 0) {
        fprintf(stderr, "ltr detect: %s: output path too long\n", input);
        return LTR_EXIT_OUTPUT;
    }
    int rc = check_not_input(out, inputs, n_inputs);
    if (rc)
        return rc;
    cli_input in;
    if ((rc = cli_input_open(&in, input, &a->common)) != 0) {
        fprintf(stderr, "ltr detect: %s\n", in.message);
        return rc;
    }
    ltr_io_atomic_file *af;
    ltr_io_error err;
    ltr_io_event_writer *w = NULL;
    cli_remove_stale("detect", out);
    if (cli_atomic_open(&af, out, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr detect: %s\n", err.message);
        cli_input_close(&in);
        return LTR_EXIT_OUTPUT;
    }
    errno = 0;
    if (ltr_io_event_writer_create(&w, ltr_io_atomic_stream(af), a->format,
                                   in.info.sample_rate_hz, in.name_ptrs, in.n, a->kinds,
                                   NULL) != LTR_IO_OK) {
        snprintf(in.message, sizeof in.message, "%.900s: cannot write: %s", out,
                 strerror(errno ? errno : EIO));
        rc = LTR_EXIT_OUTPUT;
    }
    cli_stats st;
    in.output = out;
    in.sites_table = a->session ? sites_stream(a) : NULL;
    if (rc == 0)
        rc = run_with_progress(a, &in, w, &st);
    ltr_io_event_writer_destroy(w);
    if (rc == 0 && cli_atomic_commit(af, &err) != LTR_IO_OK) {
        snprintf(in.message, sizeof in.message, "%s", err.message);
        rc = LTR_EXIT_OUTPUT;
    } else if (rc != 0) {
        cli_atomic_abort(af);
    }
    if (rc == 0 && a->sidecar) {
        char side[4096];
        snprintf(suffix, sizeof suffix, "_events.json");
        cli_output_path(side, sizeof side, a->outdir, input, suffix);
        rc = write_sidecar(side, &in, input, 0);
    }
    if (rc != 0 && in.message[0])
        fprintf(stderr, "ltr detect: %s\n", in.message);
    else if (rc == 0)
        report(a, input, &in, &st);
    cli_input_close(&in);
    return rc;
}

/* Every input into one table (a file or standard output). */
static int detect_to_one(const detect_args *a, char **inputs, int n)
{
    const char *out = a->output ? a->output : "-";
    int rc = check_not_input(out, inputs, n);
    if (rc)
        return rc;
    ltr_io_atomic_file *af;
    ltr_io_error err;
    cli_remove_stale("detect", out);
    if (cli_atomic_open(&af, out, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr detect: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    FILE *f = ltr_io_atomic_stream(af);
    ltr_io_event_writer *w = NULL;
    cli_input in;
    memset(&in, 0, sizeof in);
    for (int i = 0; i < n && rc == 0; i++) {
        if ((rc = cli_input_open(&in, inputs[i], &a->common)) != 0)
            break;
        const char *source = n > 1 ? inputs[i] : NULL;
        errno = 0;
        ltr_io_status s = w ? ltr_io_event_writer_set_input(w, in.info.sample_rate_hz,
                                                            in.name_ptrs, in.n, source)
                            : ltr_io_event_writer_create(&w, f, a->format, in.info.sample_rate_hz,
                                                         in.name_ptrs, in.n, a->kinds, source);
        if (s != LTR_IO_OK) {
            snprintf(in.message, sizeof in.message, "%.900s: cannot write: %s", out,
                     strerror(errno ? errno : EIO));
            rc = cli_exit_io(s);
        }
        cli_stats st;
        cli_annotations kept = {a->kinds, NULL, 0, 0};
        in.output = strcmp(out, "-") ? out : NULL;
        in.sites_table = a->session ? sites_stream(a) : NULL;
        if (a->annotate || a->annotations) {
            in.sink = cli_annotations_sink;
            in.sink_ctx = &kept;
        }
        if (rc == 0)
            rc = run_with_progress(a, &in, w, &st);
        if (rc == 0)
            report(a, inputs[i], &in, &st);
        if (rc == 0)
            rc = write_annotations(a, inputs[i], &in, &kept, st.frames);
        cli_annotations_free(&kept);
        if (rc == 0 && a->sidecar && i + 1 == n) {
            char side[4096];
            if (cli_replace_ext(side, sizeof side, out, ".json") == 0)
                rc = write_sidecar(side, &in, n > 1 ? NULL : inputs[i], n > 1);
        }
        if (rc == 0)
            cli_input_close(&in);
    }
    ltr_io_event_writer_destroy(w);
    if (rc != 0) {
        if (in.message[0])
            fprintf(stderr, "ltr detect: %s\n", in.message);
        cli_input_close(&in);
        cli_atomic_abort(af);
        return rc;
    }
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr detect: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

int cmd_detect(int argc, char **argv)
{
    detect_args a;
    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    a.format = LTR_IO_EVENTS_TSV;
    a.kinds = LTR_IO_KINDS_RESULTS;
    const cli_option *const tables[] = {detect_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("detect", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        help();
    } else if (rc == 0 && n == 0) {
        fprintf(stderr, "ltr detect: no input (see 'ltr detect --help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.output && a.outdir) {
        fprintf(stderr, "ltr detect: give -o or --outdir, not both\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.sidecar && !a.outdir && (!a.output || !strcmp(a.output, "-"))) {
        fprintf(stderr, "ltr detect: --sidecar needs -o FILE or --outdir DIR\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && (a.annotate || a.annotations) && (n != 1 || a.outdir)) {
        fprintf(stderr, "ltr detect: --annotate and --annotations take one input (and no "
                        "--outdir)\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.annotate && !strcmp(pos[0], "-")) {
        fprintf(stderr, "ltr detect: --annotate copies the signals of a file: it cannot "
                        "read standard input twice\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && ((a.annotate && (check_not_input(a.annotate, pos, n) ||
                                           (a.output && !strcmp(a.annotate, a.output)))) ||
                           (a.annotations && (check_not_input(a.annotations, pos, n) ||
                                              (a.output && !strcmp(a.annotations, a.output)))))) {
        if (a.output && ((a.annotate && !strcmp(a.annotate, a.output)) ||
                         (a.annotations && !strcmp(a.annotations, a.output))))
            fprintf(stderr, "ltr detect: -o and --annotate/--annotations name the same file\n");
        rc = LTR_EXIT_OUTPUT;
    } else if (rc == 0 && a.outdir) {
        if (a.session)
            cli_sites_header(sites_stream(&a));
        cli_interrupt_install(CLI_INTERRUPT_NOW);
        for (int i = 0; i < n && rc == 0; i++)
            rc = detect_to_dir(&a, pos[i], pos, n);
    } else if (rc == 0) {
        if (a.session)
            cli_sites_header(sites_stream(&a));
        cli_interrupt_install(CLI_INTERRUPT_NOW);
        rc = detect_to_one(&a, pos, n);
    }
    free(pos);
    return rc;
}
