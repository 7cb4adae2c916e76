/*
 * ltr stream: real-time detection on standard input (or a file), one event
 * line printed and flushed the moment the detector emits it.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"
#include "run.h"

enum { ID_HELP = 1, ID_FORMAT, ID_RESULTS_ONLY, ID_BLOCK };

static const cli_option stream_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"format", 0, "FMT", ID_FORMAT, "tsv (default), csv or jsonl"},
    {"results-only", 0, NULL, ID_RESULTS_ONLY,
     "only twitch and artifact rows (as 'ltr detect'), no twitch_begin/twitch_cancel"},
    {"block", 0, "FRAMES", ID_BLOCK, "most frames handed to the detector at once (default 256)"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct stream_args {
    cli_common common;
    ltr_io_events_format format;
    unsigned kinds, block;
    int help;
} stream_args;

static int handle(void *ctx, int id, const char *value)
{
    stream_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_FORMAT: return cli_parse_events_format("stream", value, &a->format);
    case ID_RESULTS_ONLY: a->kinds = LTR_IO_KINDS_RESULTS; return 0;
    case ID_BLOCK:
        if (cli_parse_unsigned(value, &a->block) || a->block == 0 || a->block > 1000000) {
            fprintf(stderr, "ltr stream: --block: '%s' is not 1..1000000\n", value);
            return LTR_EXIT_USAGE;
        }
        return 0;
    }
    return cli_common_handle(&a->common, "stream", id, value);
}

static void help(void)
{
    fputs("usage: ltr stream [OPTIONS] [INPUT]\n\n"
          "Real-time detection: reads samples as they arrive (INPUT '-' or none: standard\n"
          "input, e.g. --raw f32le --rate 2000 --channels 1) and prints one line per event the\n"
          "moment the detector emits it, flushed: twitch_begin as soon as a twitch is sure\n"
          "(the low-latency signal), then twitch (or twitch_cancel) with its description, and\n"
          "artifact. Same columns as 'ltr detect'; the twitch and artifact rows are the\n"
          "same as 'ltr detect' gives for the same samples.\n\n"
          "Output:\n",
          stdout);
    cli_print_options(stdout, stream_options);
    cli_print_common_help(stdout, 1);
}

int cmd_stream(int argc, char **argv)
{
    stream_args a;
    memset(&a, 0, sizeof a);
    cli_common_init(&a.common);
    a.format = LTR_IO_EVENTS_TSV;
    a.kinds = LTR_IO_KINDS_ALL;
    a.block = 256;
    const cli_option *const tables[] = {stream_options, cli_input_options, cli_channel_options,
                                        cli_detector_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("stream", argc, argv, tables, handle, &a, pos, &n);
    const char *input = n > 0 ? pos[0] : "-";
    free(pos);
    if (rc)
        return rc;
    if (a.help) {
        help();
        return 0;
    }
    if (n > 1) {
        fprintf(stderr, "ltr stream: one input at most\n");
        return LTR_EXIT_USAGE;
    }
    cli_input in;
    if ((rc = cli_input_open(&in, input, &a.common)) != 0) {
        fprintf(stderr, "ltr stream: %s\n", in.message);
        return rc;
    }
    /* The writer is destroyed on every path, the header failing to go out included
     * (stdout on a full disk): issue 8.5 found it leaked there. */
    ltr_io_event_writer *w = NULL;
    errno = 0;
    if (ltr_io_event_writer_create(&w, stdout, a.format, in.info.sample_rate_hz, in.name_ptrs,
                                   in.n, a.kinds, NULL) != LTR_IO_OK || fflush(stdout) != 0) {
        fprintf(stderr, "ltr stream: standard output: cannot write the events: %s\n",
                strerror(errno ? errno : EIO));
        ltr_io_event_writer_destroy(w);
        cli_input_close(&in);
        return LTR_EXIT_OUTPUT;
    }
    cli_stats st;
    rc = cli_run(&in, w, stdout, a.block, &st);
    ltr_io_event_writer_destroy(w);
    errno = 0;
    if (rc == 0 && fflush(stdout) != 0) {
        snprintf(in.message, sizeof in.message, "standard output: cannot write the events: %s",
                 strerror(errno ? errno : EIO));
        rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0 && !st.searched) {
        char why[300];
        cli_not_searched(&in, &st, why, sizeof why);
        fprintf(stderr, "ltr stream: warning: %s: %s\n", !strcmp(input, "-") ? "standard input"
                : input, why);
    }
    if (rc)
        fprintf(stderr, "ltr stream: %s\n", in.message);
    cli_input_close(&in);
    return rc;
}
