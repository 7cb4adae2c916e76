/*
 * Opening an input with the command line's choices, and running the
 * detector over it (shared by detect, batch and stream).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CLI_RUN_H
#define LTR_CLI_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"
#include "ltr/ltr_io.h"
#include "options.h"

/* An input opened, its channels chosen and typed, its detector configured. */
typedef struct cli_input {
    const char *path;                           /* as given to cli_input_open ("-": stdin) */
    ltr_io_reader *reader;
    ltr_io_info info;
    ltr_config cfg;
    unsigned n;                                 /* detector channels */
    unsigned sel[LTR_MAX_CHANNELS];             /* file channel of detector channel c */
    char names[LTR_MAX_CHANNELS][64];           /* name of detector channel c */
    const char *name_ptrs[LTR_MAX_CHANNELS];    /* names[c], for the event writer */
    ltr_io_sidecar *sidecar;                    /* what the sidecar and labels say; NULL: none read */
    char channels_from[256];                    /* where the channel types came from, for a person */
    char mains_from[256];                       /* where the mains came from, for a person */
    char notes[1024];                           /* channels left out and why ("" if none) */
    const char *output;                         /* where cli_run writes, for messages
                                                   (NULL: standard output) */
    char message[1024];                         /* what went wrong, for a person */
    /* --marks: device marks sorted by frame (NULL: none), given to the detector by cli_run */
    uint64_t *mark_frame;
    ltr_mark *mark_kind;
    size_t n_marks;
    /* Called by cli_run with every block of frames it reads (interleaved, n channels),
     * before the detector sees them; NULL: none. ltr batch's quality index uses it. */
    void (*tap)(void *ctx, const float *frames, size_t n_frames);
    void *tap_ctx;
    /* Called by cli_run after every block with the frames consumed so far; NULL: none.
     * Progress lines (progress.h). */
    void (*progress)(void *ctx, uint64_t frames_done);
    void *progress_ctx;
    /* not NULL: cli_run writes a row per site here (cli_sites_header first) */
    FILE *sites_table;
    /* Called by cli_run with every event the detector emits, before it is written; returns
     * 0, or an exit code that stops the run (in->message set). NULL: none. */
    int (*sink)(void *ctx, const ltr_event *event);
    void *sink_ctx;
} cli_input;

/* Open `path` ("-": standard input). Returns an exit code; on error the
 * message says why and nothing stays open.
 *
 * Channels: --emg/--acc if given (in batch only for files whose channels no
 * sidecar types), else the types the sidecar or the file's labels give (EMG
 * channels in file order, then accelerometer axes; other and unknown
 * channels left out, in notes), else every channel as EMG. Mains: --mains,
 * else the sidecar's PowerLineFrequency, else ltr_config_default's (LTR_MAINS_AUTO
 * once the core has it). */
int cli_input_open(cli_input *in, const char *path, const cli_common *c);
void cli_input_close(cli_input *in);

/* Print what was taken from where (channels, mains, notes), "prefix: ..." lines. */
void cli_input_describe(FILE *f, const cli_input *in, const char *prefix);

/* What a run found. */
typedef struct cli_stats {
    uint64_t frames;
    unsigned twitches, artifacts, cancelled, truncated, clipped;
    uint64_t lost;
    int searched;  /* the detector was ready (warm-up over) at the end: 0 = no twitch
                      could have been reported (cli_not_searched says why) */
    double mains_hz; /* what the detector removed at the end (ltr_detector_mains_hz) */
    /* session tracking (site and site_stopped events) */
    unsigned sites, sites_without, sites_stopped, site_twitches;
    double habituation_sum; /* last twitch over first, summed over sites with >= 2 twitches */
    unsigned habituation_n;
    uint32_t stop_site;     /* the last site_stopped: its site and time, s */
    double stop_s;
} cli_stats;

/* The per-site table (ltr detect --session): its header, then cli_run's rows. */
void cli_sites_header(FILE *f);

/* Why a run with stats->searched == 0 found nothing, for a warning: "0.15 s is too short
 * for the detector's warm-up (0.3 s ...): it was not searched for twitches". */
void cli_not_searched(const cli_input *in, const cli_stats *stats, char *buf, size_t size);

/* What cli_run returns when cli_interrupted() stopped it (not an exit code: the
 * process then ends by the signal). */
#define CLI_RC_INTERRUPTED (-1)

/*
 * Feed the whole input to a detector, `block` frames per read, and write
 * every event to w. If flush_stream is not NULL it is flushed after every
 * event (live output). Returns an exit code, or CLI_RC_INTERRUPTED if a
 * signal asked it to stop (checked before every block); in->message says why
 * on error. An input without a single frame is an error (LTR_EXIT_FORMAT).
 */
int cli_run(cli_input *in, ltr_io_event_writer *w, FILE *flush_stream, size_t block,
            cli_stats *stats);

/* Estimate the mains frequency of a file from its first seconds (the
 * selected channels): 50, 60, or 0 if no line stands out. */

/* --- outputs ------------------------------------------------------------------ */

/* "tsv", "csv" or "jsonl". */
const char *cli_events_ext(ltr_io_events_format format);

/* OUTDIR/<stem><suffix>: stem is the input's base name without its extension
 * and without a BIDS "_emg" suffix ("sub-01_task-x_emg.edf" ->
 * "sub-01_task-x"); standard input gives "stdin". Returns 0, or -1 if too long. */
int cli_output_path(char *buf, size_t size, const char *outdir, const char *input,
                    const char *suffix);

/* Remove the temporaries of `path` that an interrupted run left (its own naming,
 * their process gone), saying so on standard error; `cmd` names the subcommand. */
void cli_remove_stale(const char *cmd, const char *path);

/* 1 if both paths exist and are the same file. */
int cli_same_file(const char *a, const char *b);

/* path with its extension replaced by ext (".json"). Returns 0, or -1 if too long. */
int cli_replace_ext(char *buf, size_t size, const char *path, const char *ext);

/* --- a mains-frequency detector (Goertzel at 50 and 60 Hz and neighbours) --- */
#define CLI_MAINS_BINS 6
typedef struct cli_mains {
    double coeff[CLI_MAINS_BINS];
    double s1[CLI_MAINS_BINS], s2[CLI_MAINS_BINS];
    double power[CLI_MAINS_BINS];  /* summed over complete 1-second blocks */
    size_t block, pos;
    uint64_t blocks;
} cli_mains;

void cli_mains_init(cli_mains *m, double rate);
void cli_mains_push(cli_mains *m, float x);
/* 50, 60 or 0; *margin_db: the winner over the loser (dB), *line_db: the winner over
 * its neighbours (dB). Needs at least one complete second. */
double cli_mains_result(const cli_mains *m, double *margin_db, double *line_db);

#endif /* LTR_CLI_RUN_H */
