/*
 * Command-line options shared by the subcommands of `ltr`.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * A small table-driven parser (GNU style: --name VALUE, --name=VALUE, -x
 * VALUE, -xVALUE, "--" ends the options), so that --help is generated from the
 * same tables that parse, and every ltr_config field is an option whose
 * default is read from ltr_config_default() when help is printed.
 */
#ifndef LTR_CLI_OPTIONS_H
#define LTR_CLI_OPTIONS_H

#include <stdio.h>

#include "ltr/ltr.h"
#include "ltr/ltr_io.h"

typedef struct cli_option {
    const char *name;   /* long name without "--"; NULL ends a table */
    char short_name;    /* 0: none */
    const char *arg;    /* metavariable ("HZ"); NULL: a flag without value */
    int id;             /* handed to the handler */
    const char *help;   /* one line */
} cli_option;

/* Handles one option; returns 0, or an exit code after printing a message. */
typedef int (*cli_handler)(void *ctx, int id, const char *value);

/*
 * Parse argv[1..argc) against the tables (a NULL-terminated array of
 * tables). Positional arguments go to pos[0..*n_pos) (pos holds argc
 * entries). Returns 0 or LTR_EXIT_USAGE (message printed, naming cmd).
 */
int cli_parse(const char *cmd, int argc, char **argv, const cli_option *const *tables,
              cli_handler handler, void *ctx, char **pos, int *n_pos);

/* Print a table as help lines. */
void cli_print_options(FILE *f, const cli_option *table);

/* --- options every file-reading command shares -------------------------- */

/* Ids of the shared options: input 100..199, channels 200..299, detector 300... */
enum { CLI_ID_INPUT = 100, CLI_ID_CHANNELS = 200, CLI_ID_CONFIG = 300 };

/* Detector settings given on the command line (applied over the defaults). */
#define CLI_MAX_CONFIG 48
/* --mark-text entries. */
#define CLI_MAX_MARK_TEXTS 16

typedef struct cli_common {
    ltr_io_options io;
    const char *emg;    /* comma-separated channel names/indices/ranges, NULL: not given */
    const char *acc;
    int config_set[CLI_MAX_CONFIG];
    double config_value[CLI_MAX_CONFIG];
    int no_sidecar;     /* --no-sidecar: read no FILE.json / _channels.tsv (labels still count) */
    /* ltr batch: --emg/--acc type only the files whose channels no sidecar describes
     * (each file with a sidecar keeps its own map); elsewhere they override it. */
    int channel_options_fallback;
    /* --force-rate: --rate replaces a rate the file states itself (header, time column);
     * without it a --rate that differs from the file's own is refused (issue 13). */
    int force_rate;
    /* --marks FILE: stimulation pulses and needle movements from an events file, given to
     * the detector as ltr_detector_mark at their frames (NULL: none). */
    const char *marks;
    /* --annotation-marks off: the EDF+ annotations of an input are not read as marks. */
    int no_annotation_marks;
    /* --mark-text stim=TEXT,needle=TEXT: the texts (whole, any case) that are marks, in
     * --marks files and EDF+ annotations, instead of the built-in words; n_mark_texts 0:
     * the built-in words (cli_mark_kind). */
    unsigned n_mark_texts;
    char mark_text[CLI_MAX_MARK_TEXTS][64];
    ltr_mark mark_text_kind[CLI_MAX_MARK_TEXTS];
} cli_common;

extern const cli_option cli_input_options[];
extern const cli_option cli_channel_options[];
extern const cli_option cli_detector_options[];

/* Defaults for everything. */
void cli_common_init(cli_common *c);

/* Handle a shared option: 0 done, an exit code on a bad value, -1 not a shared id. */
int cli_common_handle(cli_common *c, const char *cmd, int id, const char *value);

/* Help for the shared options: input, channels, and detector settings with defaults. */
void cli_print_common_help(FILE *f, int with_input);

/* Fill cfg from the defaults for (rate, n, sensors), then the given settings.
 * Returns the core's status (validation of the result). */
ltr_status cli_make_config(const cli_common *c, double rate, unsigned n, const ltr_sensor *sensors,
                           ltr_config *cfg);

/* 1 if the detector setting --option was given. */
int cli_common_is_set(const cli_common *c, const char *option);

/* What an annotation's or an events row's text means as a device mark: with --mark-text,
 * one of its texts (whole, any case, spaces around ignored); else a text holding "stim",
 * "pulse" or "tms" is a stimulation pulse, one holding "needle", "insertion" or "piston" a
 * needle movement (any case). Returns 1 and sets *kind, or 0: not a mark. */
int cli_mark_kind(const cli_common *c, const char *text, ltr_mark *kind);

/* Parse a number; 0 on success. */
int cli_parse_double(const char *s, double *v);
int cli_parse_unsigned(const char *s, unsigned *v);
/* --format (the events file): tsv, csv, jsonl. On a bad value, say so on standard error
 * (pointing to --input-format if it names an input format) and return LTR_EXIT_USAGE. */
int cli_parse_events_format(const char *cmd, const char *value, ltr_io_events_format *format);

/* A shared option (input, channels, detector settings) by its id or its long name; NULL
 * if there is none. */
const cli_option *cli_shared_option_by_id(int id);
const cli_option *cli_shared_option_by_name(const char *name);

/* The exit code for an I/O status, and for a core status refusing a configuration. */
int cli_exit_io(ltr_io_status status);
int cli_exit_config(ltr_status status);

#endif /* LTR_CLI_OPTIONS_H */
