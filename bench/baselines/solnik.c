/*
 * Solnik et al. (2010), Teager-Kaiser energy conditioning + threshold.
 *
 *   S. Solnik, P. Rider, K. Steinweg, P. DeVita, T. Hortobagyi, "Teager-Kaiser
 *   energy operator signal conditioning improves EMG onset detection",
 *   European Journal of Applied Physiology 110(3):489-498, 2010.
 *
 * Conditioning as the paper describes it: band-pass 30-300 Hz (Butterworth),
 * the Teager-Kaiser energy operator psi[n] = x[n]^2 - x[n-1] x[n+1],
 * full-wave rectification, low-pass 50 Hz (2nd-order Butterworth). Onset
 * where the conditioned signal exceeds the rest mean + j rest SD. The paper
 * defines the threshold this way and studies several j; we use j = 8 (our
 * choice). Here the band-pass is 4th order and the TKEO is computed one
 * sample late (psi of x[n-1] when x[n] arrives), which keeps it causal.
 *
 * Offline: the rest statistics come from a rest stretch chosen in the whole
 * record. Event assembly: libltr's defaults. On an accelerometer magnitude the
 * 30-300 Hz band-pass is skipped (the magnitude arrives band-passed 5-100 Hz).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdlib.h>

#define SOLNIK_LO_HZ 30.0
#define SOLNIK_HI_HZ 300.0
#define SOLNIK_LOWPASS_HZ 50.0
#define SOLNIK_J 8.0

static void run(const bl_input *in, bl_events *out)
{
    float *v = malloc(in->n * sizeof *v);
    if (!v)
        return;
    const double hi = SOLNIK_HI_HZ < 0.45 * in->fs ? SOLNIK_HI_HZ : 0.45 * in->fs;
    bl_frontend(in, SOLNIK_LO_HZ, hi, v);
    bl_biquad lp;
    bl_biquad_lowpass(&lp, in->fs, SOLNIK_LOWPASS_HZ, BL_Q2);
    double xm2 = 0.0, xm1 = 0.0;
    for (size_t i = 0; i < in->n; i++) {
        const double x = v[i];
        const double psi = xm1 * xm1 - xm2 * x; /* energy of x[i-1] */
        xm2 = xm1;
        xm1 = x;
        v[i] = (float)bl_biquad_step(&lp, fabs(psi));
    }
    double mean, sd;
    bl_rest_stats(v, in, &mean, &sd);
    bl_events raw = {0};
    bl_runs(v, in->n, mean + SOLNIK_J * sd, 1, &raw);
    bl_finish(&raw, in->fs, BL_GAP_MS, BL_MIN_MS, BL_MAX_MS, out);
    bl_events_free(&raw);
    free(v);
}

const bl_method bl_solnik = {
    "solnik-tkeo", "Solnik et al. 2010",
    "30-300 Hz, |TKEO|, 50 Hz low-pass > rest mean + 8 SD", 1, run,
};
