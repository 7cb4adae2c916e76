/*
 * Hodges & Bui (1996), threshold on a moving average.
 *
 *   P. W. Hodges, B. H. Bui, "A comparison of computer-based methods for the
 *   determination of onset of muscle contraction using electromyography",
 *   Electroencephalography and Clinical Neurophysiology 101(6):511-519, 1996.
 *
 * The EMG is full-wave rectified and low-pass filtered (2nd-order Butterworth,
 * 50 Hz: the cut-off of the combination the paper found closest to visual
 * onsets); onset is where the mean of the last W samples exceeds the rest mean
 * + h rest SD of that signal. Parameters: W = 25 ms, h = 3 SD, the
 * combination usually quoted from the paper. The onset of a crossing at
 * sample k is the window centre, k - W/2; the burst ends where the mean falls
 * below the threshold again.
 *
 * Offline: the rest mean and SD come from a rest stretch chosen in the whole
 * record. Event assembly: libltr's defaults (the paper detects one onset per
 * trial and defines no offset or minimum duration).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdlib.h>

#define HB_LOWPASS_HZ 50.0
#define HB_WINDOW_MS 25.0
#define HB_H_SD 3.0

static void run(const bl_input *in, bl_events *out)
{
    float *v = malloc(in->n * sizeof *v);
    float *m = malloc(in->n * sizeof *m);
    if (!v || !m) {
        free(v);
        free(m);
        return;
    }
    bl_frontend(in, in->band_lo_hz, in->band_hi_hz, v);
    bl_biquad lp;
    bl_biquad_lowpass(&lp, in->fs, HB_LOWPASS_HZ, BL_Q2);
    for (size_t i = 0; i < in->n; i++)
        v[i] = (float)bl_biquad_step(&lp, fabs(v[i]));
    double mean, sd;
    bl_rest_stats(v, in, &mean, &sd);
    const size_t w = (size_t)llround(HB_WINDOW_MS * 1e-3 * in->fs);
    bl_moving_average(v, in->n, w, m);
    bl_events raw = {0};
    bl_runs(m, in->n, mean + HB_H_SD * sd, w / 2, &raw);
    bl_finish(&raw, in->fs, BL_GAP_MS, BL_MIN_MS, BL_MAX_MS, out);
    bl_events_free(&raw);
    free(v);
    free(m);
}

const bl_method bl_hodges_bui = {
    "hodges-bui", "Hodges & Bui 1996",
    "rectify, 50 Hz low-pass, 25 ms moving mean > rest mean + 3 SD", 1, run,
};
