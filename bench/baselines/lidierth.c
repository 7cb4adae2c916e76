/*
 * Lidierth (1986), threshold with a minimum active time and tolerated dips.
 *
 *   M. Lidierth, "A computer based method for automated measurement of the
 *   periods of muscular activity from an EMG and its application to
 *   locomotor EMGs", Electroencephalography and Clinical Neurophysiology
 *   64(4):378-380, 1986.
 *
 * The rectified, smoothed EMG is compared with the rest mean + h rest SD. An
 * excursion above it starts an activity period only if the signal stays
 * above for at least T1, where dips below lasting at most T2 do not
 * interrupt it; the period ends at the first dip longer than T2. Smoothing:
 * the rectified EMG's moving mean over 25 ms (as in Hodges & Bui, so that the
 * two differ only by their decision rule). Parameters: h = 3 SD,
 * T1 = 25 ms, T2 = 10 ms: the paper gives the rule; these values are our
 * choice for brief twitches (its locomotor bursts last hundreds of ms).
 *
 * Offline: the rest statistics come from a rest stretch chosen in the whole
 * record. Event assembly: libltr's maximum duration; T1 and T2 act as minimum
 * duration and gap.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdlib.h>

#define LID_WINDOW_MS 25.0
#define LID_H_SD 3.0
#define LID_T1_MS 25.0
#define LID_T2_MS 10.0

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
    for (size_t i = 0; i < in->n; i++)
        v[i] = fabsf(v[i]);
    const size_t w = (size_t)llround(LID_WINDOW_MS * 1e-3 * in->fs);
    bl_moving_average(v, in->n, w, m);
    double mean, sd;
    bl_rest_stats(m, in, &mean, &sd);
    const double thr = mean + LID_H_SD * sd;
    const size_t t1 = (size_t)llround(LID_T1_MS * 1e-3 * in->fs);
    const size_t t2 = (size_t)llround(LID_T2_MS * 1e-3 * in->fs);

    bl_events raw = {0};
    /* candidate: first sample above; confirmed once it lasted t1 (dips <= t2
     * tolerated); a confirmed period ends at the first dip longer than t2 */
    int candidate = 0, active = 0;
    size_t start = 0, last_above = 0;
    for (size_t i = 0; i < in->n; i++) {
        const int above = m[i] >= thr;
        if (above)
            last_above = i;
        if (!candidate && !active) {
            if (above) {
                candidate = 1;
                start = i;
            }
            continue;
        }
        if (i - last_above > t2) { /* a dip longer than T2 */
            if (active)
                raw.ev[raw.n - 1].offset = last_above + 1;
            candidate = active = 0;
            continue;
        }
        if (candidate && i - start + 1 >= t1) {
            candidate = 0;
            active = 1;
            bl_events_push(&raw, start > w / 2 ? start - w / 2 : 0, i + 1, i);
        }
        if (active)
            raw.ev[raw.n - 1].offset = last_above + 1;
    }
    /* the w/2 centring applies to offsets too */
    for (size_t i = 0; i < raw.n; i++)
        if (raw.ev[i].offset > raw.ev[i].onset + w / 2)
            raw.ev[i].offset -= w / 2;
    bl_finish(&raw, in->fs, 0.0, 0.0, BL_MAX_MS, out);
    bl_events_free(&raw);
    free(v);
    free(m);
}

const bl_method bl_lidierth = {
    "lidierth", "Lidierth 1986",
    "25 ms moving mean > rest mean + 3 SD for T1 = 25 ms, dips <= T2 = 10 ms", 1, run,
};
