/*
 * ltr: find local twitch responses in EMG and accelerometer recordings.
 * The dispatcher: `ltr COMMAND [OPTIONS] ...`.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "ltr/ltr.h"

typedef struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

/* One line per subcommand. simulate and eval are reserved for lib/sim and lib/eval:
 * meson defines LTR_HAVE_SIMULATE / LTR_HAVE_EVAL when cli/cmd_simulate.c / cli/cmd_eval.c exist. */
static const command commands[] = {
    {"detect", cmd_detect, "find twitches in recordings; events as BIDS events.tsv, CSV or JSONL"},
    {"batch", cmd_batch, "every recording of folders/files, in parallel, into an output folder"},
    {"bids", cmd_bids, "a BIDS-EMG dataset into BIDS derivatives (derivatives/libltr)"},
    {"stream", cmd_stream, "real-time detection on standard input, one line per event, flushed"},
    {"info", cmd_info, "format, channels, rate, duration, levels, clipping, noise, mains"},
    {"plot", cmd_plot, "a picture (PNG, SVG, PDF) of a recording with what the detector found"},
    {"report", cmd_report, "one self-contained HTML page over the output of batch or bids"},
#ifdef LTR_HAVE_SIMULATE
    {"simulate", cmd_simulate, "write a simulated recording with ground-truth twitches"},
#endif
#ifdef LTR_HAVE_EVAL
    {"eval", cmd_eval, "score detected events against ground truth"},
#endif
#ifdef LTR_HAVE_ANALYSIS
    {"analyze", cmd_analyze, "per-twitch spectral and spatial features, shape groups, quality index"},
#endif
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

/* Names no build may use for anything else. */
static const char *const reserved[] = {"simulate", "eval", "analyze"};

static void usage(FILE *f)
{
    fputs("usage: ltr COMMAND [OPTIONS] [ARGS]\n"
          "       ltr COMMAND --help\n"
          "       ltr --version\n\n"
          "Find local twitch responses (brief involuntary muscle twitches during dry\n"
          "needling) in EMG and accelerometer recordings.\n\n"
          "Commands:\n",
          f);
    for (size_t i = 0; i < N_COMMANDS; i++)
        fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
    fputs("\nExit codes:\n"
          "  0  success\n"
          "  1  internal error (out of memory, detector failure, lost events)\n"
          "  2  usage error (unknown option, bad value, setting refused by the detector)\n"
          "  3  an input is missing or cannot be read\n"
          "  4  unknown format, or an empty, truncated or corrupt input (no samples)\n"
          "  5  a channel or column does not exist (or too many channels)\n"
          "  6  sample rate missing, absurd, irregular, or mixed across channels\n"
          "  7  NaN, Inf or text where a sample must be (the line is named)\n"
          "  8  an output cannot be written (or would overwrite an input)\n"
          "  9  batch: some inputs failed, the others were processed\n"
          "  128+N  ended by signal N (SIGINT, SIGTERM, SIGHUP: temporary files removed)\n\n"
          "See ltr(1) for more.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return LTR_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        if (argc > 2 && strcmp(name, "help") == 0) {
            char *args[] = {argv[2], "--help", NULL};
            for (size_t i = 0; i < N_COMMANDS; i++)
                if (!strcmp(argv[2], commands[i].name))
                    return commands[i].run(2, args);
        }
        usage(stdout);
        return LTR_EXIT_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("ltr %s (libltr %s)\n", LTR_CLI_VERSION, ltr_version_string());
#ifdef LTR_HAVE_ANALYSIS
        /* FFTW is GPL-2.0-or-later: so is a program linking it (README, LICENSE). */
        puts("License: GPL-2.0-or-later (built with libltr-analysis, which links FFTW);\n"
             "the libraries libltr, libltr-io, libltr-sim, libltr-eval: BSD-3-Clause.");
#else
        puts("License: BSD-3-Clause (built without libltr-analysis)");
#endif
        return LTR_EXIT_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++)
        if (!strcmp(name, reserved[i])) {
            fprintf(stderr, "ltr: '%s' is not part of this build\n", name);
            return LTR_EXIT_USAGE;
        }
    fprintf(stderr, "ltr: unknown command '%s' (see 'ltr --help')\n", name);
    return LTR_EXIT_USAGE;
}
