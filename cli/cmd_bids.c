/*
 * ltr bids: a BIDS-EMG dataset in, BIDS derivatives out.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The batch engine (cmd_batch.c) on one dataset: every sub-X/[ses-Y/]emg/..._emg.<ext>
 * recording, each read with its own *_channels.tsv (channel types EMG, ACCEL, and
 * status) and *_emg.json (PowerLineFrequency), into
 * ROOT/derivatives/libltr/sub-X/[ses-Y/]emg/<entities>_events.tsv + .json, the tree
 * mirrored, with the derivative's dataset_description.json (BIDS 1.9, "Derivatives":
 * DatasetType, GeneratedBy, SourceDatasets). A rerun skips the finished files.
 */
#define _XOPEN_SOURCE 700
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "commands.h"
#include "interrupt.h"
#include "options.h"
#include "run.h"

#ifndef LTR_CLI_VERSION
#define LTR_CLI_VERSION "unknown"
#endif

static void help(void)
{
    fputs("usage: ltr bids [OPTIONS] ROOT [-o DERIVATIVES]\n\n"
          "Find the twitches in every recording of a BIDS-EMG dataset: the files\n"
          "sub-<label>/[ses-<label>/]emg/*_emg.<ext> (EDF, BDF, and every format 'ltr detect'\n"
          "reads) below ROOT; derivatives/, sourcedata/, code/ and stimuli/ are left out.\n"
          "Each recording is read with its own *_channels.tsv (types EMG and ACCEL; status\n"
          "bad leaves a channel out) and *_emg.json (PowerLineFrequency): no option needed.\n"
          "Writes, mirroring the tree, DERIVATIVES/sub-<label>/.../<entities>_events.tsv\n"
          "(BIDS events: onset, duration, trial_type, ...) with its JSON sidecar, the\n"
          "derivative's dataset_description.json (GeneratedBy, SourceDatasets) and\n"
          "summary.tsv. DERIVATIVES defaults to ROOT/derivatives/libltr. A rerun skips the\n"
          "recordings whose events are complete and newer (--force redoes them).\n"
          "Everything else is as in 'ltr batch' (-j, --format, --include/--exclude, the\n"
          "detector options, exit codes, --progress for JSON progress lines).\n\n"
          "Options: those of 'ltr batch' (see 'ltr batch --help'); -o DIR chooses the\n"
          "derivatives folder.\n",
          stdout);
}

/* DERIVATIVES/dataset_description.json (BIDS 1.9 "Derivatives": DatasetType derivative,
 * GeneratedBy; SourceDatasets names the raw dataset). */
static int prepare(const char *root, const char *outdir)
{
    char path[4096], abs_root[PATH_MAX];
    if (snprintf(path, sizeof path, "%s/dataset_description.json", outdir) >= (int)sizeof path)
        return LTR_EXIT_OUTPUT;
    if (!realpath(root, abs_root))
        snprintf(abs_root, sizeof abs_root, "%s", root);
    ltr_io_atomic_file *af;
    ltr_io_error err;
    cli_remove_stale("bids", path);
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr bids: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    FILE *f = ltr_io_atomic_stream(af);
    const char *base = strrchr(abs_root, '/');
    char name[600];
    snprintf(name, sizeof name, "libltr: local twitch responses in %.500s",
             base && base[1] ? base + 1 : abs_root);
    char url[PATH_MAX + 8];
    snprintf(url, sizeof url, "file://%s", abs_root);
    fputs("{\n  \"Name\": ", f);
    ltr_io_json_string(f, name);
    fputs(",\n  \"BIDSVersion\": \"1.9.0\",\n  \"DatasetType\": \"derivative\",\n"
          "  \"GeneratedBy\": [{\n    \"Name\": \"libltr\",\n    \"Version\": ",
          f);
    ltr_io_json_string(f, LTR_CLI_VERSION);
    fputs(",\n    \"Description\": \"ltr bids: the real-time detector of libltr run offline on "
          "each *_emg recording; one *_events.tsv per recording (onset, duration, trial_type "
          "twitch/evoked/artifact, then peak, amplitude, snr_db, confidence, channels, flags, "
          "latency_ms, id), its columns and the detector configuration in the JSON sidecar "
          "beside it\"\n  }],\n  \"SourceDatasets\": [{\"URL\": ",
          f);
    ltr_io_json_string(f, url);
    fputs("}]\n}\n", f);
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr bids: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    char desc[4096];
    snprintf(desc, sizeof desc, "%s/dataset_description.json", root);
    FILE *raw = fopen(desc, "r");
    if (raw)
        fclose(raw);
    else
        fprintf(stderr, "ltr bids: note: %s has no dataset_description.json: is it a BIDS "
                "dataset?\n", root);
    return 0;
}

int cmd_bids(int argc, char **argv)
{
    const cli_batch_mode mode = {"bids", 1, help, prepare};
    return cli_batch_run(argc, argv, &mode);
}
