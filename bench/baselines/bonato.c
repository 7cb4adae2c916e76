/*
 * Bonato, D'Alessio & Knaflitz (1998), double-threshold detector.
 *
 *   P. Bonato, T. D'Alessio, M. Knaflitz, "A statistical method for the
 *   measurement of muscle activation intervals from surface myoelectric
 *   signal during gait", IEEE Transactions on Biomedical Engineering
 *   45(3):287-299, 1998.
 *
 * With sigma^2 the rest variance of the (band-passed) EMG, the test function on
 * pairs of successive samples is z_k = (x[2k]^2 + x[2k+1]^2) / sigma^2, a
 * chi-square with 2 degrees of freedom at rest. First threshold: z_k > zeta.
 * Second threshold: the muscle is active while at least r0 of the last m
 * values of z exceed zeta. zeta follows from the false-alarm probability Pfa of
 * the whole test: with p = P(z > zeta) = exp(-zeta / 2),
 * Pfa = sum_{i >= r0} C(m, i) p^i (1 - p)^(m - i). Activations shorter than
 * 30 ms are discarded (the paper's post-processing).
 * Parameters: m = 5, r0 = 1, Pfa = 0.05 (the values the paper proposes for
 * gait EMG), minimum activation 30 ms. Onset: the first pair above zeta of
 * the window that turned the state on.
 *
 * Offline: sigma^2 comes from a rest stretch chosen in the whole record. Event
 * assembly: libltr's gap and maximum duration, the paper's 30 ms minimum.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdlib.h>

#define BONATO_M 5
#define BONATO_R0 1
#define BONATO_PFA 0.05
#define BONATO_MIN_MS 30.0

/* P(at least r0 of m Bernoulli(p) trials succeed) */
static double tail(double p)
{
    double sum = 0.0, c = 1.0; /* C(m, i) */
    for (int i = 0; i <= BONATO_M; i++) {
        if (i > 0)
            c = c * (BONATO_M - i + 1) / i;
        if (i >= BONATO_R0)
            sum += c * pow(p, i) * pow(1.0 - p, BONATO_M - i);
    }
    return sum;
}

/* zeta such that the test has false-alarm probability BONATO_PFA (bisection on p) */
static double zeta_for_pfa(void)
{
    double lo = 0.0, hi = 1.0;
    for (int it = 0; it < 100; it++) {
        const double mid = 0.5 * (lo + hi);
        if (tail(mid) > BONATO_PFA)
            hi = mid;
        else
            lo = mid;
    }
    return -2.0 * log(0.5 * (lo + hi));
}

static void run(const bl_input *in, bl_events *out)
{
    float *v = malloc(in->n * sizeof *v);
    if (!v)
        return;
    bl_frontend(in, in->band_lo_hz, in->band_hi_hz, v);
    /* rest variance about the rest mean */
    double mean, sd;
    bl_rest_stats(v, in, &mean, &sd);
    const double var = sd > 0.0 ? sd * sd : 1e-30;
    const double zeta = zeta_for_pfa();

    bl_events raw = {0};
    int above[BONATO_M] = {0}; /* last m first-threshold outcomes, ring */
    int count = 0, active = 0;
    size_t onset = 0;
    size_t first_above[BONATO_M] = {0};
    for (size_t k = 0; 2 * k + 1 < in->n; k++) {
        const double a = v[2 * k] - mean, b = v[2 * k + 1] - mean;
        const double z = (a * a + b * b) / var;
        const int slot = (int)(k % BONATO_M);
        count -= above[slot];
        above[slot] = z > zeta;
        first_above[slot] = 2 * k;
        count += above[slot];
        const int now = count >= BONATO_R0;
        if (now && !active) {
            /* onset: the earliest pair above zeta in the window */
            size_t first = 2 * k;
            for (int j = 0; j < BONATO_M; j++)
                if (above[j] && first_above[j] < first)
                    first = first_above[j];
            onset = first;
            active = 1;
            bl_events_push(&raw, onset, 2 * k + 2, 2 * k + 1);
        } else if (active && now) {
            raw.ev[raw.n - 1].offset = 2 * k + 2;
        } else if (active && !now) {
            active = 0;
        }
    }
    /* offsets: the last pair above zeta, not the end of the m-window */
    for (size_t i = 0; i < raw.n; i++) {
        const uint64_t lag = 2 * (BONATO_M - 1);
        if (raw.ev[i].offset > raw.ev[i].onset + lag)
            raw.ev[i].offset -= lag;
    }
    bl_finish(&raw, in->fs, BL_GAP_MS, BONATO_MIN_MS, BL_MAX_MS, out);
    bl_events_free(&raw);
    free(v);
}

const bl_method bl_bonato = {
    "bonato", "Bonato et al. 1998",
    "pairs z=(x1^2+x2^2)/s^2 > zeta (Pfa 0.05), r0=1 of m=5, >= 30 ms", 1, run,
};
