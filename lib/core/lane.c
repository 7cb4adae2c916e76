/*
 * Per-lane hysteresis state machine (libltr core). See lane.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>

#include "lane.h"
#include "timebase.h"

/* How far below its peak a twitch has ended, dB (energy). Twitches up to ~26 dB over the
 * floor end at the off threshold as usual; only stronger ones end here. */
#define TAIL_DB 20.0

/* An accelerometer event's onset is where its main hump rose through this many dB under
 * its peak, when that is later than where it left the floor: a jolt of the hand (or of
 * the needle) 20-90 ms before the twitch it elicits (reflex latency 10-40 ms, Hong 1994;
 * electromechanical delay 10-50 ms, Cavanagh & Komi 1979) otherwise gives the twitch its
 * own onset. 10 dB: an amplitude-relative onset criterion (a tenth of the peak power),
 * on levels 3 dB apart (LEVEL_DB). Assumption, measured on fresh simulated seeds. */
#define HUMP_LEVELS 3u
#define LEVEL_DB 3.0

/* An accelerometer twitch leaves the floor at most this long before its envelope crosses
 * the on threshold, ms. A twitch's acceleration is largest early in the contraction and
 * peaks within half its contraction time: under 45 ms, for contraction times of 30-90 ms
 * (Fuglevand et al. 1993), plus a few ms of the 20 Hz envelope smoother. An envelope that
 * left the floor longer before that hovered under the threshold on something else (the
 * tail of an earlier event, hand motion, the jolt of a needle stroke before the twitch it
 * elicits), and "the last frame near the floor" would date the twitch there: tens of ms
 * too early, a false twitch and a missed one (issue 9 point 5). Measured on tune seeds:
 * 40-60 ms alike, 80 ms keeps most of those onsets. */
#define RISE_MAX_MS 50.0

/* An accelerometer twitch has ended once its envelope has stayed under its half-way
 * level (in dB between the floor and its peak, track_peak) for this long, ms, even if
 * it is still above the off threshold: sustained movement under it (the 8-12 Hz
 * physiological tremor of a voluntary contraction, Elble 2003) is no more of the
 * twitch, and would hold the event open until it ran too long (cancelled as voluntary,
 * the twitch with it). A twitch's own mechanical response (10-30 Hz, Fuglevand 1993)
 * dips under that level for less than a period of it; 100 ms: a period of the slowest
 * tremor and more (assumption). */
#define FADED_MS 100.0

/* How deep a valley inside an accelerometer event must be to split it, dB (assumption). */
#define VALLEY_DB 6.0

/* Surface EMG (TKEO envelope): a twitch whose envelope stays above its half-way level
 * for less than min_duration still stands if the band-passed signal itself does, for at
 * least AMP_SPAN_MS: from its first to its last sample at AMP_NOISE times the
 * background's amplitude (sqrt of the envelope floor) or more. The envelope's duration of
 * a brief event is that of the smoother's impulse response (50 Hz: ~12 ms), so it cannot
 * tell a compound response (motor-evoked or twitch potential of many motor units, 10-40
 * ms, Rossini et al. 2015) 15-20 dB over the background from a lone spike of the same
 * height, whose phases last 1-4 ms (the spike component of a motor-unit potential,
 * Stalberg et al. 1986); the band-passed signal can: resting motor-unit potentials stay
 * above 6x the background amplitude for 1-4 frames, real MEPs 5-11 (a baseline-relative
 * amplitude criterion as for MEP onsets and offsets, mean + k SD of the background,
 * Rossini 2015, here k = 6: assumption). The level is the background's alone, not half
 * the event's own peak as well: a brief, strong MEP (a 10-15 ms triphasic potential 13 dB
 * over the background, peak 15x its amplitude) is at half its peak for its tallest phase
 * only, 4 frames at 1 kHz, while its other phases stay far above the background
 * (BioSPPy rest with MEPFeatX MEPs, bench/injected.py: 5 MEPs of 9.4-12.9 dB cancelled
 * as too short, 4 of them found now, no new false twitch).
 * The rescue needs an envelope duration of SHORT_FRACTION x min_duration: a needle
 * movement's brief transient (10-14 ms in the simulator) stays cancelled. Measured on
 * real backgrounds with real MEPs (bench/injected.py seeds 1-3) and fresh simulated
 * seeds. */
#define AMP_SPAN_MS 5.0
#define AMP_NOISE 6.0
#define SHORT_FRACTION 0.75

/* Needle EMG (RMS envelope): a twitch is a burst of many motor units, an interference
 * pattern of 5-15 ms bi- and triphasic potentials (Stalberg et al. 1986) firing together
 * for tens of ms; the background at a trigger point is end-plate activity, whose spikes
 * are brief (3-5 ms, main phase 1-2 ms, initially negative) and irregular (5-50/s)
 * (Wiederholt 1970; Simons, Hong & Simons 2002). One or two spikes 15-20 dB over the
 * floor lift the smoothed envelope over the on threshold for as long as a twitch (its
 * impulse response: ~12 ms at 50 Hz), but keep the band-passed signal at LOUD_NOISE x
 * the background's amplitude (sqrt of the envelope floor) or more for only ~1-2 ms
 * each; so a twitch must be that loud for LOUD_MS in all, counted from where it crossed
 * the on threshold. Only where the background is itself spiky: over SPIKY_MIN of its
 * frames that loud (averaged over SPIKY_TAU_S; simulated needle backgrounds 3-6 %,
 * Gaussian noise ~1e-5, surface EMG at 4 kHz with stimulation ~0.1 %), so weak twitches
 * on a smooth background (a 7 dB one is that loud for 3 ms) are left alone.
 * 5x, 5 ms, 1 %: assumptions, measured on tune seeds (end-plate false twitches 1-6 ms
 * loud, needle twitches 22 ms and more). */
#define LOUD_MS 5.0
#define LOUD_NOISE 5.0
#define SPIKY_TAU_S 5.0
#define SPIKY_MIN 0.01

/* Needle EMG (RMS envelope): a twitch must raise the motor-unit band. A twitch is a burst
 * of motor units, whose potentials last 5-15 ms (Stalberg et al. 1986) and fire at
 * 20-60/s for tens of ms: much of its energy lies under MU_BAND_HZ (a 10 ms potential's
 * main lobe reaches ~1/T = 100 Hz), and it holds that band up for the whole event. A
 * needle movement's insertional activity is a run of single-fibre potentials of 1-5 ms,
 * like fibrillation potentials (Dumitru, Amato & Zwarts 2002), and end-plate spikes last
 * 3-5 ms (Wiederholt 1970): both are brief and sparse, with their energy above a few
 * hundred Hz, and lift the smoothed envelope over the on threshold without moving the
 * band under MU_BAND_HZ much. So an event whose mean power under MU_BAND_HZ (from its
 * onset to its end) stays within MU_RISE_DB of that band's background (its mean while
 * the lane is idle, over MU_TAU_S) is cancelled (LTR_FLAG_TOO_SHORT: potentials too brief
 * for motor units), and its crossing taken back from the false-alarm loop, which holds
 * down what is reported (noise.h). Measured on the detector's own band (tune seeds 20-39
 * of needle_10k and needle_60hz_20k, 180 events): false twitches 0.9-13.7 dB, median 3.7
 * (60 of 77 under 6 dB), twitches -0.0-26 dB, median 15 (9 of 103 under 6 dB). 150 Hz,
 * 6 dB (four times the power), 2 s: assumptions. On a white background the low phases of
 * 2-3 ms fibre potentials 10x its rms reach 6 dB and more (tests/test_detector.c). */
#define MU_BAND_HZ 150.0
#define MU_RISE_DB 6.0
#define MU_TAU_S 2.0

/* A duration of the configuration, in frames: at least one. */
static uint32_t frames_of(double ms, double fs)
{
    return (uint32_t)ltri_frames_ms(ms, fs, LTRI_ROUND_UP, 1);
}

void ltri_lane_design_init(ltri_lane_design *d, const ltr_config *cfg, ltr_sensor sensor)
{
    /* Accelerometer only: its twitch response is one smooth hump, so a valley means two
     * events; an EMG burst is bumpy by nature (motor-unit potentials). */
    d->split_valleys = sensor == LTR_SENSOR_ACC;
    d->rise_max = sensor == LTR_SENSOR_ACC ? frames_of(RISE_MAX_MS, cfg->sample_rate_hz) : 0;
    d->valley_ratio = (float)pow(10.0, -VALLEY_DB / 10.0);
    d->level_step = (float)pow(10.0, LEVEL_DB / 10.0);
    /* With EMG the twitch's onset is electrical, and the accelerometer's own onset (before
     * the electromechanical delay) is the better estimate of it: only an accelerometer
     * alone times a twitch by its hump. */
    int emg = 0;
    for (unsigned c = 0; c < cfg->n_channels; c++)
        emg |= cfg->sensors[c] == LTR_SENSOR_EMG;
    d->hump_onset = sensor == LTR_SENSOR_ACC && !emg;
    const double fs = cfg->sample_rate_hz;
    ltri_noise_design_init(&d->noise, cfg);
    ltri_scan_design_init(&d->scan, cfg, sensor, d->noise.block);
    d->confirm = frames_of(cfg->confirm_ms, fs);
    d->min_duration = frames_of(sensor == LTR_SENSOR_ACC ? cfg->acc_min_duration_ms
                                                         : cfg->min_duration_ms, fs);
    d->max_duration = frames_of(cfg->max_duration_ms, fs);
    d->gap = frames_of(cfg->gap_ms, fs);
    d->faded = sensor == LTR_SENSOR_ACC ? frames_of(FADED_MS, fs) : 0;
    d->refractory = (uint32_t)ltri_frames_ms(cfg->refractory_ms, fs, LTRI_ROUND_UP, 0);
    d->tail_ratio = (float)pow(10.0, -TAIL_DB / 10.0);
    /* needle EMG (RMS envelope, >= 4 kHz) is left as it is: end-plate spikes come in
     * trains there, whose span is long */
    d->min_span = sensor == LTR_SENSOR_EMG && cfg->emg_envelope == LTR_ENVELOPE_TKEO
                      ? frames_of(AMP_SPAN_MS, fs)
                      : 0;
    d->min_short = frames_of(SHORT_FRACTION * cfg->min_duration_ms, fs); /* EMG lanes */
    d->span_noise = (float)(AMP_NOISE * AMP_NOISE);
    d->min_loud = sensor == LTR_SENSOR_EMG && cfg->emg_envelope == LTR_ENVELOPE_RMS
                      ? frames_of(LOUD_MS, fs)
                      : 0;
    d->loud_noise = (float)(LOUD_NOISE * LOUD_NOISE);
    d->spiky_alpha = (float)(1.0 / (SPIKY_TAU_S * fs));
    d->spiky_min = (float)SPIKY_MIN;
    d->mu_alpha = (float)(1.0 / (MU_TAU_S * fs));
    d->mu_rise = 0.0f;
    d->mu_on = 0;
    d->mu_band[0] = (ltri_biquad){0};
    ltri_cascade mu;
    ltri_cascade_clear(&mu);
    if (d->min_loud && MU_BAND_HZ < 0.5 * cfg->emg_lowpass_hz &&
        ltri_cascade_add_butter_lowpass(&mu, 2u, MU_BAND_HZ, fs) == 0 && mu.n_sections == 1u) {
        d->mu_band[0] = mu.sections[0];
        d->mu_rise = (float)pow(10.0, MU_RISE_DB / 10.0);
        d->mu_on = 1;
    }
}

static void span_reset(ltri_amp_span *s)
{
    s->base = s->next = 0.0f;
    s->n = 0;
    s->loud = 0;
}

/* One frame's squared band-passed amplitude a at t. [RT] */
static void span_push(ltri_amp_span *s, ltri_lane_frame t, float a, float noise_sq)
{
    if (s->base > 0.0f && t - s->t0 > 0xffffu)
        span_reset(s); /* a minute without a quiet frame: start over */
    if (s->base <= 0.0f) {
        if (!(a > 0.0f))
            return;
        s->base = a;
        s->next = 2.0f * a;
        s->t0 = s->last_over = t;
        s->up[0] = 0;
        s->n = 1;
        return;
    }
    if (a >= noise_sq)
        s->last_over = t;
    while (a >= s->next) {
        if (s->n == LTRI_AMP_LEVELS) { /* out of levels: drop the lowest */
            for (unsigned k = 1; k < LTRI_AMP_LEVELS; k++)
                s->up[k - 1] = s->up[k];
            s->base *= 2.0f;
            s->n--;
        }
        s->up[s->n++] = (uint16_t)(t - s->t0);
        s->next *= 2.0f;
    }
}

/* Frames from the first to the last sample at or above noise_sq (the first to within a
 * level, 3 dB: at 0.7-1 of that amplitude). */
static uint32_t span_frames(const ltri_amp_span *s, float noise_sq)
{
    if (s->n == 0)
        return 0;
    float level = s->next;
    uint32_t k = s->n;
    while (k > 0 && level > noise_sq) { /* level k (base * 2^k): the highest at or under it */
        level *= 0.5f;
        k--;
    }
    const ltri_lane_frame first = s->t0 + s->up[k];
    return s->last_over >= first ? (uint32_t)(s->last_over - first + 1) : 0;
}

void ltri_lane_reset(ltri_lane *l)
{
    ltri_cascade_state_reset(&l->smooth);
    ltri_noise_reset(&l->noise);
    l->state = LANE_IDLE;
    l->last_quiet = 0;
    l->since = 0;
    l->refractory_until = 0;
    l->above_off = 0;
    l->weak_onset = l->weak_rise = 0;
    l->settling = 0;
    l->tail = 0;
    l->tail_min = l->tail_loud = 0.0f;
    l->tail_min_t = 0;
    l->tw = (ltri_lane_twitch){0};
    span_reset(&l->span);
    l->spiky = l->spiky_w = 0.0f;
    l->mu_z[0][0] = l->mu_z[0][1] = 0;
    l->mu_tick = 0;
    l->mu_bg = l->mu_w = 0.0f;
    if (l->scan_at) /* scan_at itself is kept */
        ltri_scan_reset(ltri_lane_scan_of(l));
    if (l->levels_at) /* levels_at itself is kept */
        *ltri_lane_levels_of(l) = (ltri_lane_levels){0};
}

/* The lane is out of a twitch, blip or busy stretch at t: its scan waits from there. */
static void free_scan(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t)
{
    if (d->scan.enabled)
        ltri_scan_free(ltri_lane_scan_of(l), t);
}

static void track_valley(ltri_lane *l, ltri_lane_frame t, float env)
{
    if (env < l->tw.valley_env) {
        l->tw.valley_env = env;
        l->tw.valley = t;
    }
}

/* Accelerometer hump tracker: the last upward crossing of each level, and at each new
 * peak where the envelope rose through HUMP_LEVELS levels under it. */
static void track_levels(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t, float env)
{
    ltri_lane_twitch *tw = &l->tw;
    ltri_lane_frame *up = ltri_lane_levels_of(l)->up;
    while (tw->level_i + 1 < LTRI_LANE_LEVELS && env >= tw->level * d->level_step) {
        tw->level *= d->level_step;
        up[++tw->level_i] = t;
    }
    while (tw->level_i > 0 && env < tw->level) {
        tw->level /= d->level_step;
        tw->level_i--;
    }
}

static void start_levels(ltri_lane *l, float floor_lin)
{
    ltri_lane_twitch *tw = &l->tw;
    tw->level = floor_lin > 0.0f ? floor_lin : 0.0f;
    tw->level_i = 0;
    tw->hump = 0;
    for (unsigned i = 0; i < LTRI_LANE_LEVELS; i++)
        ltri_lane_levels_of(l)->up[i] = tw->onset;
}

static void track_peak(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t, float env,
                       float amp_sq)
{
    track_valley(l, t, env);
    if (d->hump_onset && l->tw.level > 0.0f)
        track_levels(d, l, t, env);
    /* A pulse too short to be a twitch, a deep valley, and a new hump rising out of it
     * (not above the pulse's peak): the pulse was a jolt of the needle or the hand, and
     * the twitch it elicited starts at the valley. A twitch's own mechanical response
     * is one hump at least min_duration long (contraction plus relaxation, Fuglevand
     * 1993). Accelerometer without EMG only: with EMG the accelerometer's own onset
     * stands for the electrical one, and the valley (after the electromechanical delay)
     * made twitches the EMG missed 50-60 ms late (fresh heavy_needle F1 0.667 -> 0.628,
     * while artifacts 0.759 -> 0.775 and stim 0.842 -> 0.864). */
    const ltri_lane_frame from = l->tw.split > l->tw.onset ? l->tw.split : l->tw.onset;
    const float valley_env = l->tw.valley_env > l->tw.floor_lin ? l->tw.valley_env : l->tw.floor_lin;
    if (d->hump_onset && env <= l->tw.peak_env && l->tw.valley > l->tw.peak &&
        l->tw.valley_env < l->tw.peak_env * d->valley_ratio &&
        env * d->valley_ratio > valley_env && l->tw.valley - from < d->min_duration) {
        l->tw.split = l->tw.valley + 1;
        l->tw.peak_env = env;
        l->tw.peak = t;
        l->tw.valley_env = env;
        l->tw.valley = t;
        l->tw.peak_sq = amp_sq;
        l->tw.peak_amp = t;
        l->tw.last_loud = t;
        l->tw.hump = 0;
    }
    if (env > l->tw.peak_env) {
        if (d->hump_onset && l->tw.level_i >= HUMP_LEVELS)
            l->tw.hump = ltri_lane_levels_of(l)->up[l->tw.level_i - HUMP_LEVELS];
        /* A deep valley before this new maximum: what came before was a separate, smaller
         * transient (a jolt of the hand before the twitch it elicited); the twitch starts
         * at the valley. */
        if (d->split_valleys && l->tw.valley_env < l->tw.peak_env * d->valley_ratio)
            l->tw.split = l->tw.valley + 1;
        l->tw.peak_env = env;
        l->tw.peak = t;
        l->tw.valley_env = env;
    }
    if (amp_sq > l->tw.peak_sq) {
        l->tw.peak_sq = amp_sq;
        l->tw.peak_amp = t;
    }
    /* The twitch lasts while its envelope stays above the half-way level (in dB) between
     * the floor and its peak: the off threshold alone would stretch strong twitches by
     * the whole decay of the smoother. */
    if (env * env >= l->tw.peak_env * l->tw.floor_lin)
        l->tw.last_loud = t;
}

/* Leave an open twitch: END if it lasted long enough, else CANCEL. */
static ltri_lane_news close_twitch(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame offset,
                                   uint32_t flags)
{
    l->tw.offset = offset;
    l->tw.flags |= flags;
    /* the motor-unit band's mean over the event against its background (MU_RISE_DB) */
    l->tw.mu_quiet = d->mu_on && l->mu_w > 0.0f && l->tw.mu_n > 0 &&
                     l->tw.mu_sum * l->mu_w < d->mu_rise * l->mu_bg * (float)l->tw.mu_n;
    if (l->tw.split && l->tw.split < offset)
        l->tw.onset = l->tw.split;
    /* The twitch lasts from where it is timed: an accelerometer event timed by its main
     * hump (a jolt of the needle or hand before it) must last the minimum duration from
     * that hump, as a twitch's mechanical response does (contraction time 30-90 ms plus
     * relaxation, Fuglevand 1993); what came before it was the jolt. */
    ltri_lane_frame start = l->tw.onset;
    if (d->hump_onset && l->tw.hump > start && l->tw.hump <= l->tw.peak)
        start = l->tw.hump;
    if (offset - start < d->min_duration &&
        !(d->min_span && offset - start >= d->min_short &&
          span_frames(&l->span, d->span_noise * l->tw.floor_lin) >= d->min_span)) {
        l->tw.flags |= LTR_FLAG_TOO_SHORT;
        return LANE_CANCEL;
    }
    /* fibre potentials (insertional activity) or end-plate spikes: the motor-unit band
     * stayed at its background (MU_RISE_DB) */
    if (l->tw.mu_quiet) {
        ltri_noise_uncount_blip(&d->noise, &l->noise);
        l->tw.flags |= LTR_FLAG_TOO_SHORT;
        return LANE_CANCEL;
    }
    /* a spiky background's isolated spikes (end-plate activity), not a burst of units */
    if (l->span.loud < d->min_loud && l->spiky > d->spiky_min * l->spiky_w) {
        l->tw.flags |= LTR_FLAG_TOO_SHORT;
        return LANE_CANCEL;
    }
    return LANE_END;
}

/* A candidate twitch begins at t, its onset at `onset`; an accelerometer lane timing by
 * humps tracks them from the level `from` (0: it does not, the onset stands). */
static void begin_candidate(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t, float env,
                            float amp_sq, ltri_lane_frame onset, float from)
{
    const ltri_noise *nz = &l->noise;
    l->state = LANE_CANDIDATE;
    l->tail = 0;
    l->span.loud = 0;
    ltri_noise_count_blip(&l->noise);
    l->since = t;
    l->tw = (ltri_lane_twitch){.onset = onset, .peak = t, .peak_env = env,
                               .floor_lin = nz->floor_lin, .peak_sq = amp_sq, .peak_amp = t,
                               .last_loud = t, .valley_env = env, .valley = t};
    if (d->hump_onset && from > 0.0f) {
        start_levels(l, from);
        track_levels(d, l, t, env);
    }
}

/* The twitch in progress has ended at t (its offset: where it was last loud); the lane
 * is idle, or busy while the envelope is still above the off threshold. */
static ltri_lane_news end_twitch(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t,
                                 float env)
{
    /* still above the off threshold: the tail must fade before a new twitch */
    l->state = env >= l->noise.thr_off ? LANE_BUSY : LANE_IDLE;
    l->tail = d->hump_onset;
    l->tail_min = env;
    l->tail_min_t = t;
    l->tail_loud = sqrtf(l->tw.peak_env * l->tw.floor_lin);
    l->since = t + 1;
    l->last_quiet = t;
    l->refractory_until = t + d->refractory;
    free_scan(d, l, t);
    if (d->scan.enabled)
        ltri_scan_restart(ltri_lane_scan_of(l));
    const ltri_lane_news news = close_twitch(d, l, l->tw.last_loud + 1, 0);
    span_reset(&l->span);
    return news;
}

/* Needle EMG: this frame's power in the motor-unit band, before the lane's step: the
 * background's while idle, the event's while one is in progress (MU_RISE_DB). [RT] */
static void note_mu(const ltri_lane_design *d, ltri_lane *l, float y)
{
    const float h = ltri_sections_run_zn(d->mu_band, l->mu_z, &l->mu_tick, y, 1u);
    const float mu = h * h;
    if (l->state == LANE_IDLE) {
        l->mu_bg += d->mu_alpha * (mu - l->mu_bg);
        l->mu_w += d->mu_alpha * (1.0f - l->mu_w);
    } else if (l->state == LANE_CANDIDATE || l->state == LANE_ACTIVE || l->state == LANE_GAP) {
        l->tw.mu_sum += mu;
        l->tw.mu_n++;
    }
}

ltri_lane_news ltri_lane_step(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t,
                              float env, float amp_sq, float y, int blocked)
{
    if (d->mu_on)
        note_mu(d, l, y);
    const ltri_noise *nz = &l->noise;
    if (blocked) {
        ltri_noise_push(&d->noise, &l->noise, env, 1);
        if (d->scan.enabled) {
            ltri_scan_push(&d->scan, ltri_lane_scan_of(l), t, amp_sq, 0);
            ltri_scan_free(ltri_lane_scan_of(l), t + 1);
        }
        const ltri_lane_state was = l->state;
        /* Afterwards, if the envelope is still up when the lane is unblocked, it must
         * settle (BUSY) before a twitch may begin: one whose start the artifact hid cannot
         * be timed, and filter transients at the end of a blanked stretch are not
         * twitches. If it is already down, a twitch right after the artifact (a response
         * evoked by a stimulus or a needle movement) is found as usual. */
        l->state = LANE_BUSY;
        l->tail = 0;
        l->since = t + 1;
        l->settling = blocked;
        l->last_quiet = t;
        ltri_lane_news news = LANE_NONE;
        if (was == LANE_ACTIVE || was == LANE_GAP) {
            /* A twitch that had already lasted its minimum duration when a stimulation
             * pulse came keeps its evidence: it ends where the pulse's blanking began (a
             * pulse of a 2-4 Hz train landing on a twitch between pulses). A shorter one
             * cannot be told from the pulse's own start; a dropout, clipping or an
             * electrode step may hide anything (a held contraction): both cancel. */
            const int pulse = (blocked & LANE_BLOCKED_PULSE & ~LANE_BLOCKED) != 0;
            if (pulse && t - l->tw.onset >= d->min_duration) {
                news = close_twitch(d, l, t, LTR_FLAG_NEAR_ARTIFACT);
            } else {
                l->tw.offset = t;
                l->tw.flags |= LTR_FLAG_ARTIFACT;
                news = LANE_CANCEL;
            }
        }
        span_reset(&l->span);
        return news;
    }
    if (l->settling) {
        /* after an electrode step the lanes re-arm at once: the twitch a needle
         * movement elicits must stay visible */
        if ((l->settling & LANE_BLOCKED_REARM & ~LANE_BLOCKED) || env < nz->thr_off)
            l->state = LANE_IDLE;
        l->settling = 0;
    }
    if (d->min_span)
        span_push(&l->span, t, amp_sq, d->span_noise * nz->floor_lin);
    if (d->min_loud) {
        const int loud = amp_sq >= d->loud_noise * nz->floor_lin;
        l->span.loud += (uint32_t)loud;
        if (l->state == LANE_IDLE) {
            l->spiky += d->spiky_alpha * ((float)loud - l->spiky);
            l->spiky_w += d->spiky_alpha * (1.0f - l->spiky_w);
        }
    }
    /* The floor learns only from the background: never from a twitch in progress. */
    ltri_noise_push(&d->noise, &l->noise, env,
                    l->state == LANE_CANDIDATE || l->state == LANE_ACTIVE || l->state == LANE_GAP);
    if (d->scan.enabled)
        ltri_scan_push(&d->scan, ltri_lane_scan_of(l), t, amp_sq, l->state == LANE_IDLE);
    /* Sub-threshold activity: where the latest rise above the off threshold began. An
     * accelerometer-confirmed twitch takes its onset from it (detector.c). */
    const int above = env > nz->thr_off;
    if (above && !l->above_off && l->state == LANE_IDLE) {
        l->weak_onset = l->last_quiet + 1;
        l->weak_rise = t;
    }
    l->above_off = above;
    switch (l->state) {
    case LANE_IDLE:
        if (env > nz->thr_on && t >= l->refractory_until && ltri_noise_ready(&d->noise, nz)) {
            ltri_lane_frame onset = l->last_quiet + 1;
            if (d->rise_max && t > onset + d->rise_max)
                onset = t - d->rise_max;
            begin_candidate(d, l, t, env, amp_sq, onset, nz->floor_lin);
        } else if (d->scan.enabled && ltri_scan_begins(&d->scan, ltri_lane_scan_of(l), t) &&
                   t >= l->refractory_until &&
                   ltri_noise_ready(&d->noise, nz)) {
            /* the scan's windows have already weighed the evidence: no confirmation */
            l->state = LANE_ACTIVE;
            l->tw = (ltri_lane_twitch){.onset = ltri_scan_onset(&d->scan, ltri_lane_scan_of(l)),
                                       .peak = t, .peak_env = env,
                                       .floor_lin = nz->floor_lin, .peak_sq = amp_sq,
                                       .peak_amp = t, .last_loud = t, .valley_env = env,
                                       .valley = t, .by_scan = 1};
            return LANE_BEGIN;
        } else if (env <= nz->thr_quiet) {
            l->last_quiet = t;
            span_reset(&l->span);
        }
        return LANE_NONE;
    case LANE_CANDIDATE:
        track_peak(d, l, t, env, amp_sq);
        if (env < nz->thr_off) {
            l->state = LANE_IDLE; /* a blip, never reported */
            /* no evidence for the scan, but no reason to wait either (scan.c) */
            if (d->scan.enabled)
                ltri_scan_forget(&d->scan, ltri_lane_scan_of(l), l->since, t);
            if (env <= nz->thr_quiet) {
                l->last_quiet = t;
                span_reset(&l->span);
            }
            return LANE_NONE;
        }
        if (t + 1 - l->since >= d->confirm) {
            l->state = LANE_ACTIVE;
            return LANE_BEGIN;
        }
        return LANE_NONE;
    case LANE_ACTIVE:
    case LANE_GAP:
        if (t - l->tw.onset >= d->max_duration) {
            l->state = LANE_BUSY;
            l->tail = 0;
            l->since = t;
            l->tw.offset = t;
            l->tw.flags |= LTR_FLAG_TOO_LONG;
            return LANE_CANCEL;
        }
        /* A strong twitch ends once it has fallen TAIL_DB below its peak, even if the
         * filters' ringing (mains notches ring for ~1/(pi width) = 80 ms) keeps the
         * envelope above the off threshold for longer. */
        /* the envelope's own evidence: the twitch is no longer the scan's alone */
        if (env > nz->thr_on)
            l->tw.by_scan = 0;
        /* a scan-begun twitch lasts while the scan holds it */
        const int held = l->tw.by_scan && ltri_lane_scan_of(l)->hold;
        if (held)
            l->tw.last_loud = t;
        if ((env >= nz->thr_off || held) && env >= l->tw.peak_env * d->tail_ratio) {
            track_peak(d, l, t, env, amp_sq);
            l->state = LANE_ACTIVE;
            if (d->faded && t - l->tw.last_loud >= d->faded)
                return end_twitch(d, l, t, env);
            return LANE_NONE;
        }
        track_valley(l, t, env);
        if (l->state == LANE_ACTIVE) {
            l->state = LANE_GAP;
            l->since = t;
        }
        if (t + 1 - l->since >= d->gap)
            return end_twitch(d, l, t, env);
        return LANE_NONE;
    case LANE_BUSY:
        /* In the tail of an accelerometer twitch, a new hump rising out of a deep valley
         * over the on threshold and as loud as the twitch's own body (its half-way level,
         * track_peak) is a new event (the twitch a later needle stroke elicits: strokes
         * come at 1-2/s), not more of the tail: the deceleration phase of a twitch's
         * movement (the second lobe of the force's second derivative, Fuglevand 1993)
         * is much weaker than its acceleration. Accelerometer without EMG only (with
         * EMG, fresh heavy_needle 0.695 -> 0.681, surface_acc 0.842 -> 0.835). */
        if (l->tail && env < l->tail_min) {
            l->tail_min = env;
            l->tail_min_t = t;
        } else if (l->tail && env > nz->thr_on && env > l->tail_loud &&
                   env * d->valley_ratio > l->tail_min &&
                   t >= l->refractory_until && ltri_noise_ready(&d->noise, nz)) {
            begin_candidate(d, l, t, env, amp_sq, l->tail_min_t + 1, 0.0f);
            return LANE_NONE;
        }
        if (env >= nz->thr_off)
            l->since = t + 1;
        else if (t + 1 - l->since >= d->gap) {
            l->state = LANE_IDLE;
            l->last_quiet = t;
            span_reset(&l->span);
            free_scan(d, l, t);
        }
        return LANE_NONE;
    }
    return LANE_NONE;
}

ltri_lane_news ltri_lane_finish(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t)
{
    const ltri_lane_state was = l->state;
    l->state = LANE_IDLE;
    if (was == LANE_ACTIVE)
        return close_twitch(d, l, t, LTR_FLAG_TRUNCATED);
    if (was == LANE_GAP)
        return close_twitch(d, l, l->tw.last_loud + 1, 0);
    return LANE_NONE;
}
