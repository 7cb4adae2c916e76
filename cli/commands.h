/*
 * The `ltr` tool: subcommand entry points and exit codes.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Every subcommand lives in its own file cli/cmd_<name>.c and is called as
 * int cmd_<name>(int argc, char **argv), argv[0] being the subcommand's name;
 * it returns one of the exit codes below. To add one: declare it here, add a
 * line to the table in cli/ltr.c, and the file to cli/meson.build.
 */
#ifndef LTR_CLI_COMMANDS_H
#define LTR_CLI_COMMANDS_H

/* Exit codes, documented in `ltr --help` and ltr(1). Each error class has its own. */
enum {
    LTR_EXIT_OK = 0,       /* success */
    LTR_EXIT_FAILURE = 1,  /* internal error: out of memory, detector failure, lost events */
    LTR_EXIT_USAGE = 2,    /* bad command line: unknown option, bad value, rejected setting */
    LTR_EXIT_INPUT = 3,    /* an input is missing or cannot be read */
    LTR_EXIT_FORMAT = 4,   /* unknown format, empty, truncated or corrupt input */
    LTR_EXIT_CHANNEL = 5,  /* a channel or column does not exist, or too many */
    LTR_EXIT_RATE = 6,     /* sample rate missing, absurd, irregular, or mixed */
    LTR_EXIT_DATA = 7,     /* NaN, Inf or text where a number must be */
    LTR_EXIT_OUTPUT = 8,   /* an output cannot be written (or would overwrite an input) */
    LTR_EXIT_PARTIAL = 9   /* batch: some inputs failed, the others were processed */
};

int cmd_detect(int argc, char **argv);
int cmd_batch(int argc, char **argv);
int cmd_bids(int argc, char **argv);
int cmd_stream(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
/* Provided by cli/cmd_simulate.c and cli/cmd_eval.c when they exist
 * (meson then defines LTR_HAVE_SIMULATE / LTR_HAVE_EVAL). */
int cmd_simulate(int argc, char **argv);
int cmd_eval(int argc, char **argv);
/* cli/cmd_analyze.c, with libltr-analysis (meson defines LTR_HAVE_ANALYSIS). */
int cmd_analyze(int argc, char **argv);

#endif /* LTR_CLI_COMMANDS_H */
