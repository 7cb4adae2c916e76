/*
 * The detector on the real motor-evoked potentials of MEPFeatX (test helper).
 *
 * Each file holds trials of 451 or 601 samples at 3 kHz, the TMS pulse at row
 * 150. The 4-6 s between pulses were not recorded, so each trial gets ~1 s of
 * rest before it made of its own 50 ms pre-stimulus stretch (rows 0..149)
 * mirrored back and forth without repeating the edge sample: the rest ends
 * ..., row 2, row 1 and the trial follows with row 0, so the signal is
 * continuous where the trial begins (a step there would be a false jump).
 * A trial that repeats the previous one shifted (LICI: the test pulse's trial
 * is the conditioning pulse's, 100 ms on) is not padded but joined to it, as
 * recorded. The trials are joined into one stream per file and run through
 * the detector as one EMG channel with the default configuration.
 *
 * Scoring against MEPFeatX's reference features (an algorithm's output, not
 * expert annotation): a trial has a reference MEP when its Amplitude > 0 and
 * its Latency (ms after the pulse) is finite; a trial whose features are NaN
 * is not scored (its detections count nowhere). A reference MEP is detected
 * when a twitch's onset lies within REAL_MEP_MATCH_MS of the reference onset
 * (the nearest one); every other twitch of the stream is an "other" detection.
 * A missed MEP inside a twitch that began earlier (e.g. at a TMS artifact) is
 * counted as "early".
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_REAL_MEP_H
#define LTR_TESTS_REAL_MEP_H

#include <stddef.h>

#define REAL_MEP_FS_HZ 3000.0
#define REAL_MEP_STIM_ROW 150u
/* Rest before each trial: 10 round trips over rows 0..149 (298 samples each),
 * 2980 samples = 0.993 s, so that it also starts at row 0. */
#define REAL_MEP_REST_SAMPLES (10u * 2u * (REAL_MEP_STIM_ROW - 1u))
/* Match window around the reference onset, ms. */
#define REAL_MEP_MATCH_MS 10.0

typedef struct real_mep_result {
    size_t trials;      /* trials in the file */
    size_t scored;      /* trials with usable features */
    size_t references;  /* trials with a reference MEP */
    size_t detected;    /* reference MEPs matched by a twitch */
    size_t other;       /* twitches matched to no reference MEP */
    size_t early;       /* missed MEPs lying inside an other twitch that began earlier */
    size_t joined;      /* trials joined to the previous one instead of padded */
    double minutes;     /* length of the stream, rest included */
    double err_median_ms, err_abs_p95_ms;         /* onset - stimulus - reference latency */
    double latency_median_ms, latency_p95_ms;     /* BEGIN frame - reference onset */
    double *err_ms, *latency_ms;                  /* per detected MEP (detected of them) */
} real_mep_result;

/* Build, run and score one file (id "ID01", ...). Returns 0, or -1 with a
 * message when the files are missing or inconsistent. */
int real_mep_run(const char *data_dir, const char *id, real_mep_result *res);

void real_mep_free(real_mep_result *res);

#endif /* LTR_TESTS_REAL_MEP_H */
