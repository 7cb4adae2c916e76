/*
 * Per-channel artifact detection and blanking (libltr core). See artifact.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <string.h>

#include "hints.h"
#include "artifact.h"
#include "exp10.h"
#include "timebase.h"

/* Look-ahead: stimulation pulses last 50-500 us (issue spec; typical TENS/EMS pulse
 * widths); 1 ms sees a pulse and its return, even one the amplifier's
 * anti-aliasing filter spread over a few samples. */
#define LOOKAHEAD_S 0.001
/* A pulse has returned when the signal is within this fraction of its jump of the
 * level before it. */
#define RETURN_FRACTION 0.25f
/* A jump this many times larger than the one before it came out of calm signal. */
#define SHARPNESS 8.0f
/* Typical jump follows the signal over ~50 ms. */
#define SCALE_TAU_S 0.05
/* Baseline for clip detection follows over ~1 s. */
#define BASELINE_TAU_S 1.0
/* Samples before the typical jump is trusted. */
#define SCALE_WARMUP 16u
/* A run of identical values this far from the baseline, in typical jumps, is clipping. */
#define CLIP_DISTANCE 20.0f
/* Identical samples that make a clip run (3: one repeat could be quantisation). */
#define CLIP_RUN 3u
/* Smeared pulses. A stimulation artifact is the pulse itself (50-500 us, spread by the
 * anti-alias filter over a frame or three) followed by the amplifier's recovery, an
 * exponential decay of a few ms (McGill et al. 1982, IEEE TBME 29:129; Hashimoto et
 * al. 2002, J Neurosci Methods 113:181: blanking plus subtraction of the decaying tail,
 * the standard removal). A sample is calm when its jump is within CALM typical jumps;
 * a smeared pulse rises from the last calm sample to SPREAD_RATIO typical jumps within
 * SPREAD_RISE frames; its tail's first step is at most SPREAD_FIRST of that rise, no
 * later step is steeper than the first (by more than SPREAD_TOL typical jumps: noise),
 * none goes away from the base, and at the end of the look-ahead it holds between
 * SPREAD_KEEP and SPREAD_DECAYED of the excursion (one that does not decay is an
 * electrode step, left to the sharp-edge rule). A calm sample: two jumps in a row
 * within CALM typical jumps (the top of a wave has one small jump). */
#define CALM LTRI_ARTIFACT_CALM
#define SPREAD_RATIO 30.0f
#define SPREAD_RISE 4u
#define SPREAD_FIRST 0.25f
#define SPREAD_TOL 2.0f
#define SPREAD_STEADY 0.5f
#define SPREAD_KEEP 0.4f
#define SPREAD_DECAYED 0.9f
/* spread_n of a candidate whose tail broke within its rise: it needs a new peak */
#define SPREAD_BROKEN UINT32_MAX

/* Electrode steps. A needle movement shifts the electrode's half-cell potential, which
 * then relaxes (an exponential, as the stimulation tail above): the blanking with
 * sample-and-hold only postpones that step to the blanking's end, where the band-pass
 * turns it into a burst as large as a twitch. Blanking plus subtraction of the decaying
 * level (as for stimulation tails: Hashimoto et al. 2002): the level is low-passed over
 * STEP_LP_S from the edge, its decay time read from the excursion half-way through the
 * blanking and at its end, and what is left of the step is subtracted from what follows. */
#define STEP_LP_S 0.001
/* longest decay time estimated, s (beyond it the step is taken as lasting) */
#define STEP_TAU_MAX_S 2.0
/* An edge still at this fraction of its peak a quarter of the way through the blanking
 * (3.75 ms), on the same side all along, is a step even if it is back by the end: a
 * pulse (50-500 us) is over by then and its amplifier tail down to a few per cent (20 %,
 * tau 3 ms, is 6 %), while a relaxing electrode potential (tau >= 4 ms) still holds
 * 40 %. An evoked M-wave may hold as much, but crosses back over the base. */
#define STEP_HELD 0.4f
/* Level steps too small for the jump test (ltri_artifact_level_step): the slow band
 * LEVEL_LO_HZ-LEVEL_HI_HZ holds a step that decays over 5-50 ms (a half-cell potential
 * relaxing) but little of surface EMG, whose power lies over 20 Hz (De Luca et al. 2010
 * take 20 Hz as the high-pass that removes movement artifacts), nor of the baseline's
 * wander (under 1 Hz). A step is the band leaving LEVEL_K background deviations (its
 * variance followed over LEVEL_VAR_S while inside), the usual onset threshold of
 * mean + 3 SD of the baseline (Hodges & Bui 1996). */
#define LEVEL_LO_HZ 1.0
#define LEVEL_HI_HZ 15.0
#define LEVEL_VAR_S 1.0
#define LEVEL_K 3.0f

/* A usable sample: finite and within +-LTRI_SAMPLE_LIMIT (any unit: volts to ADC counts
 * are far inside it), so that differences, filter states and squares stay finite in
 * single precision (a stream between -3e38 and 3e38 made NaN twitch amplitudes). One
 * comparison, false for NaN; exact without -ffast-math, which the core is never built
 * with. */
/* (LTRI_SAMPLE_LIMIT: artifact.h) */
static inline int finite_x(float x) { return ltri_artifact_finite(x); }

#define SLOT(d, f) LTRI_ARTIFACT_SLOT(d, f)

LTRI_COLD void ltri_artifact_design_init(ltri_artifact_design *d, const ltr_config *cfg)
{
    const double fs = cfg->sample_rate_hz;
    /* + 2: a biphasic pulse fills up to two frames at low rates and is back on the third */
    uint32_t la = (uint32_t)ltri_frames(LOOKAHEAD_S, fs, LTRI_ROUND_UP, 0) + 2;
    if (la > LTRI_LINE - 2)
        la = LTRI_LINE - 2;
    d->lookahead = la;
    uint32_t len = 8u;
    while (len < la + 2u)
        len *= 2u;
    d->line_len = len;
    d->stim_blank = (uint32_t)ltri_frames_ms(cfg->stim_blank_ms, fs, LTRI_ROUND_UP, 0);
    d->dropout = (uint32_t)ltri_frames_ms(cfg->dropout_ms, fs, LTRI_ROUND_UP, 2);
    d->spike_ratio = (float)ltri_exp(cfg->spike_threshold_db / 20.0 * 2.30258509299404568402); /* ln 10 */
    d->scale_alpha = (float)(1.0 / (SCALE_TAU_S * fs));
    d->baseline_alpha = (float)(1.0 / (BASELINE_TAU_S * fs));
    d->clip_level = (float)cfg->clip_level;
    /* the rise and the checked tail share the look-ahead: the blanking still reaches
     * the calm frame before the rise when the tail is judged */
    d->spread_rise = la >= SPREAD_RISE + 2u ? SPREAD_RISE : la - 2u;
    d->spread_decay = la + 1u - d->spread_rise;
    d->spread_ratio = SPREAD_RATIO;
    d->step_alpha = (float)(1.0 / (STEP_LP_S * fs));
    if (d->step_alpha > 1.0f)
        d->step_alpha = 1.0f;
    const uint32_t half = d->stim_blank / 2u;
    d->step_inv_half = half ? 1.0f / (float)half : 0.0f;
    d->step_decay_max = (float)ltri_exp(-1.0 / (STEP_TAU_MAX_S * fs));
    /* |x| < quiet_limit: finite_x(x) and not at a known clip level (one comparison, false
     * for NaN) */
    ltri_cascade band;
    ltri_cascade_clear(&band);
    if (ltri_cascade_add_butter_highpass(&band, 2, LEVEL_LO_HZ, fs) != 0 ||
        ltri_cascade_add_butter_lowpass(&band, 2, LEVEL_HI_HZ, fs) != 0)
        ltri_cascade_clear(&band); /* a rate under 30 Hz: no band, the test never fires */
    memset(d->level_band, 0, sizeof d->level_band);
    memcpy(d->level_band, band.sections, band.n_sections * sizeof *band.sections);
    d->level_var = (float)(1.0 / (LEVEL_VAR_S * fs));
    d->level_warm = (uint32_t)(LEVEL_VAR_S * fs);
    d->quiet_limit = nextafterf(LTRI_SAMPLE_LIMIT, INFINITY);
    if (d->clip_level > 0.0f && d->clip_level < d->quiet_limit)
        d->quiet_limit = d->clip_level;
}

LTRI_COLD size_t ltri_artifact_size(const ltri_artifact_design *d)
{
    return sizeof(ltri_artifact) + d->line_len * sizeof(ltri_artifact_slot);
}

int ltri_artifact_level_step(const ltri_artifact_design *d, ltri_level *lv, float y)
{
    const float b = ltri_sections_run_zn(d->level_band, lv->z, &lv->tick, y, 2u), b2 = b * b;
    if (lv->n < d->level_warm) { /* the mean square so far */
        lv->n++;
        lv->var += (b2 - lv->var) / (float)lv->n;
        return 0;
    }
    const int was = lv->out;
    lv->out = b2 > LEVEL_K * LEVEL_K * lv->var;
    if (!lv->out)
        lv->var += d->level_var * (b2 - lv->var);
    return lv->out && !was;
}

LTRI_COLD void ltri_artifact_reset(const ltri_artifact_design *d, ltri_artifact *a)
{
    memset(a, 0, ltri_artifact_size(d));
    a->quiet_from = UINT64_MAX;
}

void ltri_artifact_blank(const ltri_artifact_design *d, ltri_artifact *a, uint64_t from,
                         uint64_t until, uint32_t flags)
{
    /* The line holds frames next-1-lookahead .. next-1 (the oldest leaves next). */
    const uint64_t first = a->next > d->lookahead ? a->next - 1 - d->lookahead : 0;
    for (uint64_t f = from > first ? from : first; f < until && f < a->next; f++)
        a->line[SLOT(d, f)].reason |= flags;
    if (until > a->next) {
        if (a->blank_until <= a->next)
            a->future_flags = 0;
        if (until > a->blank_until)
            a->blank_until = until;
        if (a->quiet_from < until)
            a->quiet_from = until;
        a->future_flags |= flags;
    }
}

/* A pulse found at frame n: does it follow another one (not its own other phase, within
 * the look-ahead) by less than two blankings (faster than the blanking, or one pulse of
 * it unseen)? Then it is part of a train. */
static int after_pulse(const ltri_artifact_design *d, ltri_artifact *a, uint64_t n)
{
    const int train = a->edge_at && n > a->edge_at + d->lookahead &&
                      n < a->edge_at + 2u * d->stim_blank;
    if (!a->edge_at || n > a->edge_at + d->lookahead)
        a->edge_at = n; /* a pulse's other phase does not move its start */
    return train;
}

/* A suspected pulse is confirmed when the signal is back; forgotten when it is not
 * back within the look-ahead (then it was a real, large, slower wave). */
LTRI_NOINLINE static void follow_pulse(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n)
{
    const uint64_t at = a->pulse_at - 1;
    if (fabsf(x - a->pulse_base) <= RETURN_FRACTION * a->pulse_jump) {
        /* from the frame before the jump (its edge may have started there) */
        const int train = after_pulse(d, a, at);
        ltri_artifact_blank(d, a, at > 0 ? at - 1 : 0, n + 1 + d->stim_blank,
                            LTR_FLAG_STIM | LTRI_REASON_PULSE | (train ? LTRI_REASON_TRAIN : 0u));
        a->pulse_at = 0;
    } else if (n - at + 1 >= d->lookahead) {
        a->pulse_at = 0; /* the frame before the jump is about to leave the line */
    }
}

/* An edge out of calm signal: blank it now; at the end of the blanking, a signal back
 * at base makes it a stimulation pulse (with an amplifier tail), one still away an
 * electrode step (needle movement). from: the first frame to blank. */
LTRI_NOINLINE static void open_edge(const ltri_artifact_design *d, ltri_artifact *a, uint64_t from, uint64_t n,
                      float base, float peak)
{
    ltri_artifact_blank(d, a, from, n + 1 + d->stim_blank, LTR_FLAG_STIM);
    /* bit 0: edges faster than the blanking (judged a pulse whatever the level);
     * bit 1: a train's pulse (after_pulse) */
    a->in_train = (a->verdict_at != 0) | after_pulse(d, a, n) << 1;
    a->verdict_at = n + d->stim_blank;
    a->edge_base = base;
    a->edge_peak = peak;
    a->step_lp = a->last; /* the level just before the edge's frame */
    a->step_mid = a->step_early = 0.0f;
    a->step_sign = 0.0f;
}

/* An edge judged an electrode step at input frame n: subtract what is left of it from
 * the output frames after the blanking, decaying at the rate it decayed during it. */
LTRI_NOINLINE static void start_step(const ltri_artifact_design *d, ltri_artifact *a, uint64_t n)
{
    const float e2 = a->step_lp - a->edge_base, e1 = a->step_mid;
    /* single precision, once a step: the per-frame decay over half the blanking */
    float decay = 1.0f;
    if (e1 * e2 > 0.0f && fabsf(e2) < fabsf(e1) && d->step_inv_half > 0.0f)
        decay = ltri_exp10f(ltri_log10f(e2 / e1) * d->step_inv_half); /* (e2/e1)^(1/half) */
    if (decay > d->step_decay_max)
        decay = d->step_decay_max;
    /* the low-pass lags an exponential: its level is 1 / (1 - tau_lp / tau) too high */
    const float tau_ratio = (1.0f - decay) / d->step_alpha; /* tau_lp / tau */
    const float level = tau_ratio < 1.0f ? e2 * (1.0f - tau_ratio) : 0.0f;
    /* the output continues from the held sample: the step's level over it */
    a->step_off = level + a->edge_base - a->hold;
    a->step_decay = decay;
    a->step_at = n + 2; /* output frame n + 1 on */
}

/* Follow a suspected smeared pulse (see CALM .. SPREAD_KEEP): still rising, its tail
 * checked frame by frame, confirmed as an edge after spread_decay tail frames, or
 * forgotten at the first frame that does not fit. */
LTRI_NOINLINE static void follow_spread(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n)
{
    const uint64_t calm = a->spread_from - 1;
    const int rising = n - calm <= d->spread_rise; /* the pulse's own frames */
    if (rising && (fabsf(x - a->spread_base) >= a->spread_peak || a->spread_n == SPREAD_BROKEN)) {
        /* a new peak (its phases alternate: the tail starts after the last turn) */
        a->spread_sign = x > a->spread_base ? 1.0f : -1.0f;
        a->spread_peak = a->spread_prev = fabsf(x - a->spread_base);
        a->spread_n = 0;
        return;
    }
    const float e = a->spread_sign * (x - a->spread_base);
    const float step = a->spread_prev - e; /* toward the base */
    const float tol = SPREAD_TOL * a->scale;
    a->spread_prev = e;
    if (a->spread_n == SPREAD_BROKEN) {
        if (!rising)
            a->spread_from = 0;
        return;
    }
    const int fits = e > 0.0f && step >= -tol &&
                     (a->spread_n == 0 ? step <= SPREAD_FIRST * a->spread_peak
                                       : step <= a->spread_step + tol &&
                                             step >= SPREAD_STEADY * a->spread_step - tol);
    if (!fits) {
        /* no tail (yet): within the rise a larger peak may still come */
        if (rising)
            a->spread_n = SPREAD_BROKEN;
        else
            a->spread_from = 0;
        return;
    }
    if (a->spread_n == 0)
        a->spread_step = step; /* the tail's first step is its steepest */
    if (++a->spread_n >= d->spread_decay) {
        a->spread_from = 0;
        if (e >= SPREAD_KEEP * a->spread_peak && e <= SPREAD_DECAYED * a->spread_peak)
            open_edge(d, a, calm, n, a->spread_base, a->spread_peak);
    }
}

/* An open edge (verdict_at set): its excursion followed through the blanking, judged at
 * its end. Out of line: rare, and the common path then saves fewer registers. */
LTRI_NOINLINE static void follow_edge(const ltri_artifact_design *d, ltri_artifact *a, float x,
                                      uint64_t n)
{
    if (a->verdict_at && n < a->verdict_at) {
        if (fabsf(x - a->edge_base) > a->edge_peak)
            a->edge_peak = fabsf(x - a->edge_base);
        a->step_lp += d->step_alpha * (x - a->step_lp);
        if (a->step_sign == 0.0f)
            a->step_sign = x >= a->edge_base ? 1.0f : -1.0f;
        else if (a->step_sign * (a->step_lp - a->edge_base) < 0.0f)
            a->step_sign = NAN; /* crossed back: a biphasic wave, no relaxing step */
        if (n + d->stim_blank - d->stim_blank / 4u == a->verdict_at)
            a->step_early = a->step_lp - a->edge_base;
        if (n + d->stim_blank / 2u == a->verdict_at)
            a->step_mid = a->step_lp - a->edge_base;
    }
    if (a->verdict_at && n >= a->verdict_at) {
        a->verdict_at = 0;
        /* Back within a quarter of the artifact's largest excursion from the level
         * before its edge: a pulse. (The edge's own fields: the falling side of the
         * pulse may start a suspected pulse of its own meanwhile, from the top.) */
        if (a->in_train)
            ltri_artifact_blank(d, a, n, n + 1,
                                LTRI_REASON_PULSE | (a->in_train & 2 ? LTRI_REASON_TRAIN : 0u));
        else if (fabsf(x - a->edge_base) <= RETURN_FRACTION * a->edge_peak &&
                 !(fabsf(a->step_early) >= STEP_HELD * a->edge_peak && !isnan(a->step_sign)))
            ltri_artifact_blank(d, a, n, n + 1, LTRI_REASON_PULSE);
        else {
            a->step_lp += d->step_alpha * (x - a->step_lp);
            ltri_artifact_blank(d, a, n > d->lookahead ? n - d->lookahead : 0, a->blank_until,
                                LTR_FLAG_NEEDLE);
            start_step(d, a, n);
        }
    }
}

static void inspect(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n,
                    int s16_clipped)
{
    if (!finite_x(x)) {
        ltri_artifact_blank(d, a, n, n + 1, LTR_FLAG_NONFINITE);
        a->same = 0;
        return;
    }
    if (!a->started) {
        /* Fill the line with the first value so the filters start without a step. */
        for (unsigned i = 0; i < d->line_len; i++)
            a->line[i].x = x;
        a->last = a->hold = a->baseline = a->origin = x;
        a->started = 1;
    }
    const float jump = fabsf(x - a->last);
    a->same = (x == a->last) ? a->same + 1 : 0;
    const int warm = a->scale_n >= SCALE_WARMUP;
    if (a->verdict_at)
        follow_edge(d, a, x, n);
    int sharp = 0;
    if (a->pulse_at) {
        follow_pulse(d, a, x, n);
    } else if (jump > d->spike_ratio * a->scale && warm && a->scale > 0.0f) {
        /* (the rarely true term first: the terms have no side effects) */
        if (a->last_jump * SHARPNESS < jump) {
            /* out of a calm signal in one frame: an artifact edge (physiological waves
             * steepen gradually) */
            open_edge(d, a, n > 0 ? n - 1 : 0, n, a->last, jump);
            sharp = 1;
        } else {
            a->pulse_at = n + 1;
            a->pulse_base = a->last;
            a->pulse_jump = jump;
        }
    } else if (n >= a->blank_until && a->same < CLIP_RUN - 1 && !a->spread_from) {
        /* Learn the typical jump from clean samples only: not inside a blanked or
         * suspected stretch, not from a stuck run (which would teach it zero). */
        if (warm) {
            a->scale += d->scale_alpha * (jump - a->scale);
        } else {
            a->scale_n++;
            a->scale += (jump - a->scale) / (float)a->scale_n;
        }
        a->baseline += d->baseline_alpha * (x - a->baseline);
    }
    if (sharp) {
        a->spread_from = 0; /* a sharp edge: its own rules judge it, and what */
        a->calm_at = 0;     /* follows it is no rise out of calm */
    } else if (a->spread_from) {
        follow_spread(d, a, x, n);
    } else if (fabsf(x - a->calm_x) > d->spread_ratio * a->scale && warm && a->scale > 0.0f &&
               n - a->calm_at <= d->spread_rise) {
        a->spread_from = a->calm_at + 1;
        a->spread_base = a->calm_x;
        a->spread_sign = x > a->calm_x ? 1.0f : -1.0f;
        a->spread_peak = a->spread_prev = fabsf(x - a->calm_x);
        a->spread_n = 0;
    }
    if (warm && jump <= CALM * a->scale && a->last_jump <= CALM * a->scale) {
        a->calm_x = x;
        a->calm_at = n;
    }
    if (a->same + 1 >= d->dropout)
        ltri_artifact_blank(d, a, n - a->same, n + 1, LTR_FLAG_DROPOUT);
    /* the common case first: no identical run (the terms have no side effects) */
    const int clipped = s16_clipped ||
                        (a->same + 1 >= CLIP_RUN && d->clip_level == 0.0f &&
                         fabsf(x - a->baseline) > CLIP_DISTANCE * a->scale) ||
                        (d->clip_level > 0.0f && fabsf(x) >= d->clip_level);
    if (clipped)
        a->last_clip = n + 1;
    a->last = x;
    a->last_jump = jump;
}

#define leave ltri_artifact_leave

/* Every frame's exact path: inspect, then the frame that leaves the line. */
LTRI_NOINLINE float ltri_artifact_step_exact(const ltri_artifact_design *d, ltri_artifact *a,
                                             float x, uint64_t n, unsigned how, uint32_t *flags)
{
    ltri_artifact_slot *in = &a->line[SLOT(d, n)];
    in->x = x;
    in->reason = n < a->blank_until ? a->future_flags : 0;
    a->next = n + 1;
    /* Padding (the last sample, repeated by flush) is not signal: inspected, it would
     * read as a stuck channel wherever it outlasts dropout_ms. */
    if (!(how & LTRI_SAMPLE_PADDING))
        inspect(d, a, x, n, (how & LTRI_SAMPLE_CLIPPED) != 0);
    /* Frame n - lookahead leaves (before the stream's first frames: the first value). */
    const ltri_artifact_slot *out = &a->line[SLOT(d, n - d->lookahead)];
    float y = n >= d->lookahead ? out->x : a->origin;
    if (a->step_at && n >= d->lookahead && n - d->lookahead + 1 >= a->step_at) {
        /* what is left of an electrode step */
        y -= a->step_off;
        a->step_off *= a->step_decay;
        if (!(fabsf(a->step_off) > 0.01f * a->scale))
            a->step_at = 0; /* gone: no denormals */
    }
    /* whether the next frames may take the quiet path (ltri_artifact_step) */
    const int open = !a->started || a->scale_n < SCALE_WARMUP || a->pulse_at ||
                     a->verdict_at || a->spread_from || a->step_at;
    a->quiet_from = open ? UINT64_MAX
                         : a->blank_until > d->lookahead ? a->blank_until : d->lookahead;
    return leave(a, y, n >= d->lookahead ? out->reason : 0, flags);
}

float ltri_artifact_step(const ltri_artifact_design *d, ltri_artifact *a, float x, uint64_t n,
                         unsigned how, uint32_t *flags)
{
    return ltri_artifact_step_inline(d, a, x, n, how, flags);
}
