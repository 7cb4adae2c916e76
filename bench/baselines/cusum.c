/*
 * Sequential change detection of the EMG variance: Page's CUSUM of the
 * log-likelihood ratio, the model behind the (approximated) generalized
 * likelihood-ratio onset detectors of Staude and Wolf.
 *
 *   E. S. Page, "Continuous inspection schemes", Biometrika 41(1/2):100-115,
 *   1954.
 *   G. Staude, W. Wolf, "Objective motor response onset detection in surface
 *   myoelectric signals", Medical Engineering & Physics 21:449-467, 1999.
 *   G. Staude, C. Flachenecker, M. Daumer, W. Wolf, "Onset detection in surface
 *   electromyographic signals: a systematic comparison of methods", EURASIP
 *   Journal on Applied Signal Processing 2001(2):67-81, 2001.
 *   M. Basseville, I. Nikiforov, "Detection of Abrupt Changes", Prentice Hall,
 *   1993 (section 2.2: CUSUM, onset as the maximum-likelihood change time).
 *
 * The band-passed EMG is modelled as zero-mean Gaussian with the rest variance
 * s0^2 before a twitch and s1^2 = nu s0^2 during it. The log-likelihood ratio
 * of a sample is l = -ln(nu)/2 + x^2 / (2 s0^2) (1 - 1/nu); the CUSUM
 * g = max(0, g + l) raises an alarm at g > h, and the onset is the last sample
 * at which g was 0 (the maximum-likelihood change time). The end of the burst
 * is found the same way with -l (the change back to s0^2). Parameters:
 * nu = 4 (a +6 dB change) and h = 20 nats (our choice: about 12 ms of delay
 * for a 6 dB burst at 2 kHz). Staude et al. whiten the signal with an AR model
 * first; this version does not (the band-pass leaves it nearly white at
 * surface rates).
 *
 * Offline: s0^2 comes from a rest stretch chosen in the whole record. Event
 * assembly: libltr's defaults.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdlib.h>

#define CUSUM_NU 4.0
#define CUSUM_H 20.0

static void run(const bl_input *in, bl_events *out)
{
    float *v = malloc(in->n * sizeof *v);
    if (!v)
        return;
    bl_frontend(in, in->band_lo_hz, in->band_hi_hz, v);
    double mean, sd;
    bl_rest_stats(v, in, &mean, &sd);
    const double inv2var = sd > 0.0 ? 1.0 / (2.0 * sd * sd) : 1e30;
    const double bias = -0.5 * log(CUSUM_NU), gain = 1.0 - 1.0 / CUSUM_NU;

    bl_events raw = {0};
    double g = 0.0;
    int active = 0;
    size_t zero_at = 0; /* last sample at which the running statistic was 0 */
    for (size_t i = 0; i < in->n; i++) {
        const double x = v[i] - mean;
        const double l = bias + gain * x * x * inv2var;
        g += active ? -l : l;
        if (g <= 0.0) {
            g = 0.0;
            zero_at = i;
        }
        if (g > CUSUM_H) {
            if (!active) {
                bl_events_push(&raw, zero_at + 1, i + 1, i);
            } else {
                raw.ev[raw.n - 1].offset = zero_at + 1;
            }
            active = !active;
            g = 0.0;
            zero_at = i;
        }
    }
    if (active) /* still active at the end */
        raw.ev[raw.n - 1].offset = in->n;
    bl_finish(&raw, in->fs, BL_GAP_MS, BL_MIN_MS, BL_MAX_MS, out);
    bl_events_free(&raw);
    free(v);
}

const bl_method bl_cusum = {
    "cusum", "Page 1954; Staude et al. 2001",
    "variance-change CUSUM, nu = 4 (+6 dB), h = 20, onset = ML change time", 1, run,
};
