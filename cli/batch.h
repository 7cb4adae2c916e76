/*
 * The engine of `ltr batch`, shared with `ltr bids` (cmd_bids.c): many recordings in
 * parallel into an output tree, with a summary.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CLI_BATCH_H
#define LTR_CLI_BATCH_H

typedef struct cli_batch_mode {
    const char *name;  /* the subcommand, for messages: "batch" or "bids" */
    /* BIDS: exactly one dataset folder, scanned recursively for sub-X/[ses-Y/]emg/X_emg.EXT
     * (unless --include says otherwise; derivatives/, sourcedata/, code/ and stimuli/
     * are left out), outputs by default in ROOT/derivatives/libltr, JSON sidecars on. */
    int bids;
    void (*help)(void);  /* --help */
    /* Called once the output folder exists, before any recording: 0 or an exit code. */
    int (*prepare)(const char *root, const char *outdir);
} cli_batch_mode;

int cli_batch_run(int argc, char **argv, const cli_batch_mode *mode);

#endif /* LTR_CLI_BATCH_H */
