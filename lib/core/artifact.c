/*
 * Per-channel artifact detection and blanking (libltr core). See artifact.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>

#include "artifact.h"

/* Look-ahead: 0.5 ms catches the leading edge of a stimulation pulse that the
 * amplifier's anti-aliasing filter spread over a few samples. */
#define LOOKAHEAD_S 0.0005
/* Typical jump follows the signal over ~50 ms, so a twitch's own motor-unit
 * potentials raise it within a few of them; a stimulation pulse (blanked) does not. */
#define SCALE_TAU_S 0.05
/* Baseline for clip detection follows over ~1 s. */
#define BASELINE_TAU_S 1.0
/* Samples before the typical jump is trusted. */
#define SCALE_WARMUP 16u
/* A run of identical values this far from the baseline, in typical jumps, is clipping. */
#define CLIP_DISTANCE 20.0f
/* Consecutive over-threshold jumps after which the typical jump is learnt again:
 * 1 ms, far longer than a pulse edge (50-500 us). */
#define RELEARN_S 0.001
#define RELEARN_MIN 8u
/* Identical samples that make a clip run (3: one repeat could be quantisation). */
#define CLIP_RUN 3u

void ltri_artifact_design_init(ltri_artifact_design *d, const ltr_config *cfg)
{
    const double fs = cfg->sample_rate_hz;
    uint32_t la = (uint32_t)ceil(LOOKAHEAD_S * fs);
    if (la < 1)
        la = 1;
    if (la > LTRI_MAX_LOOKAHEAD)
        la = LTRI_MAX_LOOKAHEAD;
    d->lookahead = la;
    d->stim_blank = (uint32_t)ceil(cfg->stim_blank_ms * 1e-3 * fs);
    d->dropout = (uint32_t)ceil(cfg->dropout_ms * 1e-3 * fs);
    if (d->dropout < 2)
        d->dropout = 2;
    d->spike_ratio = (float)pow(10.0, cfg->spike_threshold_db / 20.0);
    d->scale_alpha = (float)(1.0 / (SCALE_TAU_S * fs));
    d->baseline_alpha = (float)(1.0 / (BASELINE_TAU_S * fs));
    d->clip_level = (float)cfg->clip_level;
    d->relearn = (uint32_t)ceil(RELEARN_S * fs);
    if (d->relearn < RELEARN_MIN)
        d->relearn = RELEARN_MIN;
}

void ltri_artifact_reset(ltri_artifact *a)
{
    for (unsigned i = 0; i <= LTRI_MAX_LOOKAHEAD; i++) {
        a->line[i] = 0.0f;
        a->reason[i] = 0;
    }
    a->last = a->hold = a->scale = a->baseline = a->origin = 0.0f;
    a->scale_n = a->same = a->spikes = a->future_flags = a->started = 0;
    a->next = a->blank_until = 0;
    a->last_clip = 0;
}

void ltri_artifact_blank(const ltri_artifact_design *d, ltri_artifact *a, uint64_t from,
                         uint64_t until, uint32_t flags)
{
    const uint32_t la = d->lookahead;
    /* The line holds frames next-1-la .. next-1 in slots 0..la (slot 0 leaves next). */
    const uint64_t first = a->next > la ? a->next - 1 - la : 0;
    for (uint64_t f = from > first ? from : first; f < until && f < a->next; f++)
        a->reason[la - (a->next - 1 - f)] |= flags;
    if (until > a->next) {
        if (a->blank_until <= a->next)
            a->future_flags = 0;
        if (until > a->blank_until)
            a->blank_until = until;
        a->future_flags |= flags;
    }
}

static void inspect(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n,
                    int s16_clipped)
{
    const uint64_t behind = n >= d->lookahead ? n - d->lookahead : 0;
    if (!isfinite(x)) {
        ltri_artifact_blank(d, a, behind, n + 1, LTR_FLAG_NONFINITE);
        a->same = 0;
        return;
    }
    if (!a->started) {
        /* Fill the line with the first value so the filters start without a step. */
        for (unsigned i = 0; i <= LTRI_MAX_LOOKAHEAD; i++)
            a->line[i] = x;
        a->last = a->hold = a->baseline = a->origin = x;
        a->started = 1;
    }
    const float jump = fabsf(x - a->last);
    a->same = (x == a->last) ? a->same + 1 : 0;
    const int warm = a->scale_n >= SCALE_WARMUP;
    if (warm && a->scale > 0.0f && jump > d->spike_ratio * a->scale) {
        ltri_artifact_blank(d, a, behind, n + 1 + d->stim_blank, LTR_FLAG_STIM);
        /* A pulse edge lasts a few samples. Jumps "too large" for much longer mean
         * the typical jump is stale (the signal changed its scale, e.g. after a
         * dropout): learn it again rather than blank forever. */
        if (++a->spikes > d->relearn) {
            a->scale_n = 0;
            a->spikes = 0;
        }
    } else {
        a->spikes = 0;
        /* Learn the typical jump from clean samples only: not inside a blanked
         * stretch, not from a stuck run (which would teach it zero). */
        if (n >= a->blank_until && a->same < CLIP_RUN - 1) {
            if (warm) {
                a->scale += d->scale_alpha * (jump - a->scale);
            } else {
                a->scale_n++;
                a->scale += (jump - a->scale) / (float)a->scale_n;
            }
            a->baseline += d->baseline_alpha * (x - a->baseline);
        }
    }
    if (a->same + 1 >= d->dropout) {
        const uint64_t run = n - a->same;
        ltri_artifact_blank(d, a, run > behind ? run : behind, n + 1, LTR_FLAG_DROPOUT);
    }
    const int clipped = s16_clipped || (d->clip_level > 0.0f && fabsf(x) >= d->clip_level) ||
                        (d->clip_level == 0.0f && a->same + 1 >= CLIP_RUN &&
                         fabsf(x - a->baseline) > CLIP_DISTANCE * a->scale);
    if (clipped)
        a->last_clip = n + 1;
    a->last = x;
}

float ltri_artifact_step(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n,
                         int s16_clipped, uint32_t *flags)
{
    const uint32_t la = d->lookahead;
    /* The line is a shift register: cheap for the few frames it holds, and simple. */
    for (uint32_t i = 0; i < la; i++) {
        a->line[i] = a->line[i + 1];
        a->reason[i] = a->reason[i + 1];
    }
    a->line[la] = x;
    a->reason[la] = n < a->blank_until ? a->future_flags : 0;
    a->next = n + 1;
    inspect(d, a, x, n, s16_clipped);
    const float out = a->line[0];
    *flags = a->reason[0];
    if (!(*flags) && isfinite(out))
        a->hold = out;
    /* Relative to the first value: the filters start from rest without a step
     * (gravity on an accelerometer axis, an electrode's DC offset). */
    return a->hold - a->origin;
}
