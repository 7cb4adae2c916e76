/*
 * ECG crosstalk cancellation by QRS detection and adaptive template
 * subtraction (libltr core). See ecg.h for the contract.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Template subtraction is the classic remedy for ECG on trunk EMG; a
 * high-pass alone (30 Hz here, as in the detector) leaves the QRS's steep
 * slopes, and the subtraction's quality is set by the beat detection and the
 * precision of the alignment (Drake & Callaghan 2006, J Electromyogr Kinesiol
 * 16:175; Xu et al. 2020, Sensors 20:4890, a comparative review; Kahl &
 * Hofmann 2019, Curr Dir Biomed Eng 5:361, on alignment). Alignment here is
 * sub-sample: at 1 kHz a 0.3 ms error on a 60 Hz component already limits
 * the cancellation to about -19 dB.
 *
 * Detection works in two steps, as Pan & Tompkins (1985, IEEE TBME 32:230)
 * separate feature and decision, but with the feature a matched filter on the
 * learnt template: the band-passed QRS has the spectrum of the EMG
 * (30-150 Hz) and an energy detector alone cannot tell it from a twitch. The
 * filter runs on a decimated copy (fs/M in [1, 2) kHz: the band-passed QRS
 * holds little above 200 Hz), so its cost is W taps per M frames.
 *
 * Time bases: n counts input frames, m decimated samples; u[m] is the mean of
 * input frames mM .. mM + M - 1 and stands for time mM + (M - 1)/2. A beat is
 * the template position q (decimated, fractional) of its first sample;
 * template sample k (a function of continuous decimated time) sits at q + k,
 * i.e. at input time s + kM with s = qM + (M - 1)/2.
 */
#include "hints.h"
#include "ecg.h"
#include "filter.h"
#include "timebase.h"

#include <float.h>
#include <math.h>
#include <stdalign.h>
#include <string.h>

/* Bootstrap: the most QRS-like moment of this search period starts a
 * template (2 s hold a beat at >= 30 bpm): the energy of the last SHORT_MS
 * over the slow energy (time constant SLOW_MS) of what came before them. */
#define SEARCH_S 2.0
#define SHORT_MS 20.0
#define SLOW_MS 100.0
/* The slow energy needs this long before scores count (and the band-pass
 * its start transient). */
#define SETTLE_S 0.3
/* A provisional template (fewer than LOCK beats) that learns nothing for this
 * long is dropped (longest RR of 2 s, plus margin). */
#define PROVISIONAL_S 2.5
/* A learnt template is dropped after this long without a detected beat (a
 * strong contraction hides beats for seconds; the ECG may also be gone). */
#define LOST_S 10.0
/* "Locked": a beat detected within this time. */
#define LOCKED_S 2.0
/* Shortest time between beats: 240 bpm; also longer than one template plus
 * the delay, so that one beat is subtracted at a time. */
#define REFRACTORY_S 0.25
/* RR intervals (40-180 bpm with margin) a beat must have to be learnt, and
 * its ratio to the running RR (ectopic beats and twitches are not learnt). */
#define RR_MIN_S 0.3
#define RR_MAX_S 2.0
#define RR_RATIO_MIN 0.6f
#define RR_RATIO_MAX 1.6f
#define RR_GAIN 0.25f
#define RR_STEP 0.25f
/* Detection: normalised correlation of the window with the template front,
 * and amplitude (least squares over the window) relative to the template. A
 * twitch of the same energy as the QRS on top of it leaves rho ~ 0.7. */
#define RHO_DETECT 0.6f
/* ... and, once the template is learnt, for a peak earlier than RR_RATIO_MIN
 * of the running RR after the last beat on time: a burst of EMG with the QRS's
 * spectrum reaches 0.6 now and then (emggo's ECG-contaminated recording: 16 of
 * 41 detections in its bursts, each then blocking the true beat for the
 * refractory time); an ectopic beat still matches the template closely. */
#define RHO_DETECT_EARLY 0.85f
/* "On time" (see on_time()): sinus rhythm at rest varies beat to beat by a few
 * percent, with breathing by up to ~10-15 % (respiratory sinus arrhythmia;
 * emggo's recording: RR CV 5 %), and the running RR lags a change of rate. */
#define RR_EARLY 0.75f
#define RR_LATE 1.3f
#define RR_LOST 2.5f
/* Search-back: a detection is replaced by a later peak that matches the template
 * better (squared correlation higher by RHO_REPLACE_GAIN) and is on time counted from
 * the beat before it, but not from it (or falls within its refractory time), at least
 * REPLACE_MIN_MS after it (past the side lobes of its own complex): the first was not
 * the beat. Its subtraction stops where it is, its read-back is not learnt, the rhythm
 * is taken back to the beat before it. Pan & Tompkins (1985) search back for a beat
 * their threshold missed; here the search reaches back over the last detection, which
 * a better match later in the interval shows to have been wrong (Hamilton & Tompkins
 * 1986 likewise judge a peak within 360 ms of a detection against it). Without it a
 * twitch with the QRS's spectrum shortly before the beat
 * (a motor-evoked or twitch potential matches at rho 0.6-0.8) took the beat's place:
 * the template was subtracted from the twitch, the beat was left whole in the
 * refractory time (a QRS-shaped false twitch) and, as the rhythm's reference, it made
 * the next beats late (held to RHO_DETECT_EARLY, missed). Tune seeds, ecg_trunk:
 * 0.855 -> 0.883 (fp 9 -> 5, fn 15 -> 14); the gain (0.05-0.2) changes nothing there. */
#define RHO_REPLACE_GAIN 0.1f
#define REPLACE_MIN_MS 60.0
/* Adaptive detection level: a peak on time must also reach SPK_FRAC of the running
 * level of the beats' squared correlation (SPK: the detection rho^2 of each beat that
 * was learnt, averaged with gain 1/8 as Pan & Tompkins 1985 average their signal peak
 * level SPKI; their threshold lies a quarter of the way from the noise level to it,
 * here the floor RHO_DETECT plays the noise level's part). Where the ECG stands well
 * over the EMG (emggo: beats at rho 0.9-0.99, SPK ~0.85-0.9) a burst's chance match
 * under rho ~0.66 is no longer a beat; where it does not (the simulated trunk: 0.74-0.9)
 * the level stays near RHO_DETECT. Tune ecg_trunk 0.883 -> 0.896 (0.4: 0.883, 0.6: 0.902, 0.7: 0.909, 0.8:
 * 0.842), but from 0.6 a beat with a twitch on it is no longer found, its QRS left
 * in the twitch (test_twitch_on_qrs_survives, test_twitch_train_with_ecg fail). */
#define SPK_GAIN 0.125f
#define SPK_FRAC 0.5f
#define AMP_DETECT_MIN 0.4f
#define AMP_DETECT_MAX 2.5f
/* The matched filter is computed only where it may peak as a beat: a beat needs
 * z >= AMP_DETECT_MIN hh, and z^2 <= e hh (Cauchy-Schwarz), so a window of energy
 * e < AMP_DETECT_MIN^2 hh cannot hold one. Skipped below half that bound (the running
 * energy's rounding), i.e. most of the time between the beats of an ECG, and on a limb
 * muscle whose provisional template is a brief burst. A skipped z stands as Z_SKIPPED,
 * below every value: the peak tests come out as with its true value (below
 * AMP_DETECT_MIN hh, hence below any peak that passes them); a candidate's neighbours,
 * which commit's parabola needs, are then computed from the ring. */
#define SKIP_ENERGY (0.5f * AMP_DETECT_MIN * AMP_DETECT_MIN)
#define Z_SKIPPED (-FLT_MAX)
/* Learning: correlation over the whole template length, amplitude. 0.75
 * learnt 10-15 of emggo's 34 beats (a beat against the ideal template,
 * averaged offline over all 34: median correlation 0.77-0.84 over
 * R - 60 .. R + 120 ms, so a fair share fell below 0.75); 0.6 learns 13-17. */
#define RHO_LEARN 0.6f
/* ... while the template is a single beat or a few (its own noise lowers the
 * correlation) */
#define RHO_LEARN_PROVISIONAL 0.6f
#define AMP_LEARN_MIN 0.5f
#define AMP_LEARN_MAX 2.0f
/* LTR_ECG_AUTO's heart (ltri_ecg_heart, heart_evidence()): the rules that tell a
 * heart from a train of evoked responses (a stimulator's, MEPFeatX's TMS trials) or of
 * twitches, which a template learns as well (alike in shape, at a steady rate).
 *  - Rate: a running RR of 40-180 bpm (resting to exercise sinus rhythm).
 *  - Heart-rate variability: the sinus node is never a clock. Beat-to-beat RR changes
 *    (RMSSD) are 27 +- 12 ms in healthy adults at rest (Task Force of the ESC and
 *    NASPE 1996, Circulation 93:1043), and a few ms even with the lowest HRV
 *    (denervated or failing hearts); a stimulator fires on its clock, to the sample, and
 *    an evoked response follows it within its latency jitter (MEP onset latency varies
 *    by ~1 ms trial to trial). Measured here at the refined sub-sample beat positions:
 *    MEPFeatX's trains (3 kHz) median |dRR| 0.2-1.7 ms; emggo's ECG (2048 Hz) 7-18 ms,
 *    its 250 Hz recording 7 samples; the simulator's 4 % RR jitter ~30 ms. The rule,
 *    over the successive single-RR pairs since the template was started (at least
 *    HRV_PAIRS, i.e. 6 beats): more than half differ by >= LTRI_ECG_HRV_MS (median |dRR| >= 3 ms)
 *    and at most a fifth by < LTRI_ECG_CLOCK_MS (a clock's). The second is needed:
 *    MEPFeatX ID04's canceller, misled by false detections between the MEPs, sees
 *    |dRR| of 13-90 ms in 9 of its first 12 pairs, but 3 of them are clock-exact
 *    (a heart with RMSSD 15 ms has |dRR| < 2 ms in ~1 pair in 10); with a fifth it
 *    never locks. Tried and not kept: a QRS width of 60-120 ms (the band-passed
 *    template is 13-56 ms wide at 25 % of its peak on MEPFeatX, 60-62 on emggo's ECG,
 *    48-100 at 10 %: no margin), a clock grid (beats on t0 + kP).
 *  - Steadiness: sinus rhythm changes little from beat to beat (RMSSD ~3 % of the RR
 *    at rest; the simulator's 4 % jitter gives |dRR| > 12 % of the RR in ~4 % of
 *    pairs); at most an eighth of the pairs may differ by more than HRV_STEADY of the
 *    RR. The matched filter's chance detections in needle EMG and on stimulus trains
 *    (fresh simulated needle, mains and stim recordings: 32 of 220 switched without
 *    this rule, 8 with a quarter and 5 pairs, 1 with an eighth and 8 pairs, 2 with an
 *    eighth and 4 pairs: both needle_10k, no F1 change) come at
 *    intervals that the single-RR rule bounds to 0.75-1.3 of the last, and differ by
 *    more than 12 % in about half of the pairs. A real heart may change that much
 *    more often (respiratory sinus arrhythmia is large in the young; the canceller's
 *    own misplaced detections add some): emggo's 250 Hz tibialis recording (82 bpm)
 *    shows it in 6 of its first 28 pairs and was never recognised with an eighth (its
 *    QRS left as 244 twitches within 100 ms of an R peak, 187 now). From HRV_LONG
 *    pairs on, a fifth will do: chance detections reach it far more rarely then (one
 *    needle_10k tune recording switched with a quarter from 12 pairs; none of the
 *    fresh or tune recordings with a fifth from 16).
 *  - Continuity: the heart beats on; the run of evidence restarts whenever no beat was
 *    detected for more than 1 + RR_LATE running RRs (more than one beat missing), and
 *    only beats one RR after the previous detected beat count.
 *  - Morphology: the beats are the template's (detection rho >= 0.6, learning 0.6, the
 *    rules above), and the template must be learnt (LTRI_ECG_LOCK_BEATS). */
#define HR_MIN_BPM 40.0
#define HR_MAX_BPM 180.0
#define HRV_PAIRS 4u
#define HRV_STEADY 0.12f
#define HRV_LONG 16u
#define HRV_RUN 3u

/* The scan is hushed (ltri_ecg_in_beat) over the part of a subtracted beat whose
 * template is at least this fraction of its largest sample (-20 dB): the residual
 * there is the canceller's error on the QRS; after it (the T wave and the band-pass's
 * ringing, band-passed at 30 Hz) the residual is far under the background, and a
 * twitch starting there must be seen from its onset. */
#define HUSH_LEVEL 0.1f

/* Template tapers: short at the start (the QRS onset must be subtracted),
 * longer at the end (the high-pass ringing dies out). */
#define TAPER_IN_MS 4.0
#define TAPER_OUT_MS 30.0
/* Where the template starts: the first deflection of at least ONSET_LEVEL of
 * the complex's largest is placed ONSET_MARGIN_MS after the template's start
 * (the Q wave and the onset of the R upstroke lie before it, a few percent of
 * the complex's amplitude but up to -20 dB of its energy). The first captured
 * beat is taken from BOOT_PRE_MS before its largest |u| to find that onset. */
#define ONSET_LEVEL 0.25f
#define ONSET_GAP_MS 6.0
#define ONSET_MARGIN_MS 12.0
#define BOOT_PRE_MS 50.0
/* The alignment is refined this long after detection (see refine()). */
#define REFINE_MS 9.0
/* Beat samples read back per decimated sample (catching up after a beat's
 * detection: the first W + H are already there). */
#define CAPTURE_PER_STEP 4u

/* Decimated samples in a duration (nearest), at least at_least. */
static uint32_t to_count(double seconds, double rate, uint32_t at_least)
{
    return (uint32_t)ltri_frames(seconds, rate, LTRI_ROUND_NEAREST, at_least);
}

LTRI_COLD int ltri_ecg_design_init(ltri_ecg_design *d, double fs_hz)
{
    if (!d || !(fs_hz >= 200.0) || !(fs_hz <= 1e6))
        return -1;
    ltri_ecg_design g;
    memset(&g, 0, sizeof g);
    g.fs_hz = fs_hz;
    g.decim = fs_hz >= 2000.0 ? (uint32_t)floor(fs_hz / 1000.0) : 1u;
    g.inv_decim = 1.0f / (float)g.decim;
    const double fd = fs_hz / g.decim;
    g.n_tmpl = to_count(LTRI_ECG_TEMPLATE_MS * 1e-3, fd, 8);
    g.n_pre = to_count(BOOT_PRE_MS * 1e-3, fd, 2);
    g.n_margin = to_count(ONSET_MARGIN_MS * 1e-3, fd, 1);
    g.n_gap = to_count(ONSET_GAP_MS * 1e-3, fd, 1);
    g.n_win = to_count(LTRI_ECG_WINDOW_MS * 1e-3, fd, LTRI_ECG_WINDOW_MIN);
    g.n_hold = to_count(LTRI_ECG_HOLD_MS * 1e-3, fd, 1);
    g.n_taper_in = to_count(TAPER_IN_MS * 1e-3, fd, 1);
    g.n_taper_out = to_count(TAPER_OUT_MS * 1e-3, fd, 1);
    g.n_refine = to_count(REFINE_MS * 1e-3, fd, 1);
    /* The ring must hold the matched-filter window plus the samples before
     * it that the refinement and the read-back of a beat need (W + H +
     * n_refine + 3), and the bootstrap snippet's pre-fiducial part. */
    g.n_uring = g.n_win + g.n_hold + g.n_refine + 8;
    if (g.n_uring < g.n_pre + 2)
        g.n_uring = g.n_pre + 2;
    /* A peak at decimated index c is committed at c + H; the template then
     * starts at (c - W + 1 + delta)M + (M - 1)/2 >= (c + H)M + M - 1 - D + 1/2
     * for D = (W + H)M + 1 (delta >= -1/2): no sample of the beat has left. */
    g.delay = (g.n_win + g.n_hold) * g.decim + 1;
    g.n_ring = g.delay + 1;
    g.refractory = to_count(REFRACTORY_S, fd, 1);
    g.one_beat = g.n_tmpl + g.delay / g.decim + 4;
    if (g.refractory < g.one_beat)
        g.refractory = g.one_beat;
    g.n_replace = to_count(REPLACE_MIN_MS * 1e-3, fd, 1);
    g.rr_min = to_count(RR_MIN_S, fd, 1);
    g.rr_max = to_count(RR_MAX_S, fd, 1);
    g.search = to_count(SEARCH_S, fd, 1);
    g.n_short = to_count(SHORT_MS * 1e-3, fd, 1);
    g.n_settle = to_count(SETTLE_S, fd, 1);
    g.slow_gain = (float)(1.0 - exp(-1.0 / (SLOW_MS * 1e-3 * fd)));
    g.provisional_timeout = to_count(PROVISIONAL_S, fd, 1);
    g.lost_timeout = to_count(LOST_S, fd, 1);
    g.hr_rr_min = to_count(60.0 / HR_MAX_BPM, fd, 1);
    g.hr_rr_max = to_count(60.0 / HR_MIN_BPM, fd, 1);
    g.hrv_step = (float)(LTRI_ECG_HRV_MS * 1e-3 * fd);
    g.clock_step = (float)(LTRI_ECG_CLOCK_MS * 1e-3 * fd);
    g.off_uring = g.n_ring;
    g.off_tmpl = g.off_uring + 2 * g.n_uring;
    g.off_beat = g.off_tmpl + g.n_tmpl;
    const size_t n_floats = (size_t)g.off_beat + g.n_tmpl;
    const size_t al = alignof(ltri_ecg_channel);
    const size_t bytes = offsetof(ltri_ecg_channel, mem) + n_floats * sizeof(float);
    g.channel_size = (bytes + al - 1) / al * al;
    *d = g;
    return 0;
}

size_t ltri_ecg_channel_size(const ltri_ecg_design *d) { return d ? d->channel_size : 0; }

uint32_t ltri_ecg_delay(const ltri_ecg_design *d) { return d ? d->delay : 0; }

/* The run of heart evidence starts again (heart_evidence). */
static void heart_restart(ltri_ecg_channel *c)
{
    c->hv_have = 0;
    c->hv_rr = 0.0f;
    c->hv_run = 0;
}

static void drop_template(ltri_ecg_channel *c)
{
    heart_restart(c);
    c->hv_pairs = c->hv_varied = c->hv_exact = c->hv_wild = 0;
    c->heart = 0;
    c->n_learnt = 0;
    c->det_rho2 = 1.0f; /* no weak detection to replace */
    c->spk = 0.0f;
    c->hh = c->tt = 0.0f;
    c->rr_avg = 0.0f;
    c->cand = 0;
    c->capturing = 0;
    c->pending_blend = 0;
    c->k_cap = 0;
    c->z[0] = c->z[1] = c->z[2] = 0.0f;
    c->boot_start = c->m;
    c->boot_max = 0.0f;
    c->e_short = c->e_slow = 0.0f;
}

LTRI_COLD void ltri_ecg_reset(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    memset(c, 0, d->channel_size);
}

LTRI_COLD ltri_ecg_channel *ltri_ecg_channel_init(const ltri_ecg_design *d, void *mem, size_t size)
{
    if (!d || !mem || size < d->channel_size ||
        ((uintptr_t)mem & (alignof(ltri_ecg_channel) - 1)) != 0)
        return NULL;
    ltri_ecg_channel *c = mem;
    ltri_ecg_reset(d, c);
    return c;
}

/* u[m - age] from the decimated ring (age < n_uring). */
static float u_at(const ltri_ecg_design *d, const ltri_ecg_channel *c, uint64_t age)
{
    return c->mem[d->off_uring + c->upos + d->n_uring - (uint32_t)age];
}

/* Catmull-Rom cubic through p0..p3, at f in [0, 1] between p1 and p2. */
static float cubic(float p0, float p1, float p2, float p3, float f)
{
    return p1 + 0.5f * f *
                    (p2 - p0 +
                     f * (2.0f * p0 - 5.0f * p1 + 4.0f * p2 - p3 + f * (3.0f * (p1 - p2) + p3 - p0)));
}

/* Template value at fractional index p >= 0 (zero outside the template). */
static float template_at(const ltri_ecg_design *d, const ltri_ecg_channel *c, float p)
{
    const float *t = c->mem + d->off_tmpl;
    const int n = (int)d->n_tmpl;
    const int i = (int)p;
    const float f = p - (float)i;
    const float p0 = i >= 1 ? t[i - 1] : 0.0f;
    const float p1 = i < n ? t[i] : 0.0f;
    const float p2 = i + 1 < n ? t[i + 1] : 0.0f;
    const float p3 = i + 2 < n ? t[i + 2] : 0.0f;
    return cubic(p0, p1, p2, p3, f);
}

/* Smoothstep taper weight of template sample k. */
static float taper(const ltri_ecg_design *d, uint32_t k)
{
    float x = 1.0f;
    if (k < d->n_taper_in)
        x = (float)k / (float)d->n_taper_in;
    else if (k + d->n_taper_out >= d->n_tmpl)
        x = (float)(d->n_tmpl - 1 - k) / (float)d->n_taper_out;
    return x * x * (3.0f - 2.0f * x);
}

static void template_energies(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    const float *t = c->mem + d->off_tmpl;
    float hh = 0.0f, tt = 0.0f, top = 0.0f;
    for (uint32_t k = 0; k < d->n_tmpl; k++) {
        tt += t[k] * t[k];
        top = fmaxf(top, fabsf(t[k]));
        if (k + 1 == d->n_win)
            hh = tt;
    }
    c->hh = hh;
    c->tt = tt;
    /* the loud part of the beat (ltri_ecg_in_beat): up to its last sample of at least
     * HUSH_LEVEL of the largest */
    uint32_t end = 0;
    for (uint32_t k = 0; k < d->n_tmpl; k++)
        if (fabsf(t[k]) >= HUSH_LEVEL * top)
            end = k + 1;
    c->loud_end = (float)end;
}

/* Shift the template so that its QRS onset sits n_margin samples after its
 * start; the part shifted in is 0 and is learnt from the next beats. The
 * onset: walking back from the largest |t|, the earliest sample of at least
 * ONSET_LEVEL of it reached without a gap longer than n_gap (the zero
 * crossings between the phases of the complex). Once when the first beat is
 * taken and once at lock. O(n_tmpl). Returns the shift (samples the
 * content moved towards the start). */
static int recentre(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    float *t = c->mem + d->off_tmpl;
    const int n = (int)d->n_tmpl;
    int top = 0;
    for (int k = 1; k < n; k++)
        top = fabsf(t[k]) > fabsf(t[top]) ? k : top;
    const float level = ONSET_LEVEL * fabsf(t[top]);
    int on = top;
    for (int k = top - 1; k >= 0 && on - k <= (int)d->n_gap; k--)
        if (fabsf(t[k]) >= level)
            on = k;
    const int shift = on - (int)d->n_margin;
    if (shift > 0) {
        for (int k = 0; k < n; k++)
            t[k] = k + shift < n ? t[k + shift] : 0.0f;
    } else if (shift < 0) {
        for (int k = n - 1; k >= 0; k--)
            t[k] = k + shift >= 0 ? t[k + shift] : 0.0f;
    }
    for (int k = 0; k < n; k++)
        t[k] *= taper(d, (uint32_t)k);
    template_energies(d, c);
    return shift;
}

/* Average the beat buffer into the template: running mean of the first
 * beats, then exponential over LTRI_ECG_AVERAGE beats. Once per learnt beat,
 * O(n_tmpl). */
static void blend(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    float *t = c->mem + d->off_tmpl;
    const float *b = c->mem + d->off_beat;
    const uint32_t n = c->n_learnt < LTRI_ECG_AVERAGE ? c->n_learnt + 1 : LTRI_ECG_AVERAGE;
    const float alpha = 1.0f / (float)n;
    for (uint32_t k = 0; k < d->n_tmpl; k++) {
        float v = t[k] + alpha * (taper(d, k) * b[k] - t[k]);
        t[k] = fabsf(v) < 1e-30f ? 0.0f : v; /* no subnormals */
    }
    c->n_learnt++;
    c->pending_blend = 0;
    if (c->n_learnt == LTRI_ECG_LOCK_BEATS)
        (void)recentre(d, c);
    else
        template_energies(d, c);
}

/* Bootstrap: remember the snippet around the most QRS-like moment of the
 * search period; at its end (snippet complete) it becomes the provisional
 * template. QRS-like: the energy of the last n_short samples over the slow
 * energy of what came before them (a brief complex in calm, not the largest
 * thing: an EMG burst or a filter transient can be much larger than the QRS,
 * and is not brief against its own surroundings). */
static void bootstrap(const ltri_ecg_design *d, ltri_ecg_channel *c, float u)
{
    float *b = c->mem + d->off_beat;
    const float old = u_at(d, c, d->n_short);
    c->e_short += u * u - old * old;
    if (c->e_short < 0.0f)
        c->e_short = 0.0f;
    c->e_slow += d->slow_gain * (old * old * (float)d->n_short - c->e_slow);
    const float score = c->e_short / (c->e_slow + 1e-30f);
    if (c->m - c->boot_start > d->n_settle && score > c->boot_max) {
        c->boot_max = score;
        c->boot_m = c->m;
        for (uint32_t k = 0; k <= d->n_pre; k++)
            b[k] = u_at(d, c, d->n_pre - k);
        c->k_cap = d->n_pre + 1;
    } else if (c->k_cap < d->n_tmpl) {
        b[c->k_cap++] = u;
    }
    if (c->m - c->boot_start >= d->search && c->k_cap == d->n_tmpl && c->boot_max > 0.0f) {
        memset(c->mem + d->off_tmpl, 0, d->n_tmpl * sizeof(float));
        c->n_learnt = 0;
        blend(d, c); /* n_learnt 0 -> 1: the template is the snippet */
        const int shift = recentre(d, c);
        /* the decimated index at which the matched filter will peak on this
         * beat: the end of the window, in the snippet's time */
        c->last_det = c->boot_m - d->n_pre + (uint64_t)((int64_t)d->n_win - 1 + shift);
        c->last_learn = c->last_ok = c->last_det;
        c->rr_boot = 1;
        c->k_cap = 0;
    }
}

/* Put the beat (template sample 0 at decimated index base + frac) in place:
 * for the output if it is subtracted, for the read-back. */
static void place(const ltri_ecg_design *d, ltri_ecg_channel *c, uint64_t base, float frac, float amp)
{
    if (c->subtract) {
        const float off = frac * (float)d->decim + 0.5f * (float)(d->decim - 1);
        const float off_int = floorf(off);
        c->active = 1;
        c->s_int = base * d->decim + (uint64_t)off_int;
        c->s_frac = off - off_int;
        c->amp = amp;
    }
    c->cap_base = base;
    c->cap_frac = frac;
}

/* Once the template is learnt and the rhythm known: is a peak at decimated
 * index at where the next beat is expected, counted from the last beat that
 * was on time: within RR_EARLY..RR_LATE of one running RR, or of two (a beat
 * missed under a contraction, an ectopic beat's compensatory pause), or after
 * RR_LOST of them (the rhythm is lost: every peak counts again). */
static int on_time_from(const ltri_ecg_channel *c, uint64_t ref, float rr, uint64_t at)
{
    if (c->n_learnt < LTRI_ECG_LOCK_BEATS || !(rr > 0.0f))
        return 1;
    const float ph = (float)(at - ref) / rr;
    return (ph >= RR_EARLY && ph <= RR_LATE) || (ph >= 1.0f + RR_EARLY && ph <= 1.0f + RR_LATE) ||
           ph > RR_LOST;
}

static int on_time(const ltri_ecg_channel *c, uint64_t at)
{
    return on_time_from(c, c->last_ok, c->rr_avg, at);
}

/* The detected beat: subtract it from the output, read it back to learn it. */
static void commit(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    if (c->cand_replace) {
        /* the last detection was not a beat: its subtraction and read-back stop where
         * they are, the rhythm is taken back to the beat before it */
        c->active = 0;
        c->pending_blend = 0;
        c->capturing = 0;
        c->refine_at = 0;
        c->last_det = c->prev_det;
        c->last_ok = c->prev_ok;
        c->rr_avg = c->prev_rr;
        c->n_detected--;
    }
    c->prev_det = c->last_det;
    c->prev_ok = c->last_ok;
    c->prev_rr = c->rr_avg;
    c->det_rho2 = c->cand_rho2;
    const float zm = c->cand_z[0], z0 = c->cand_z[1], zp = c->cand_z[2];
    const float den = zm - 2.0f * z0 + zp;
    float delta = den < 0.0f ? 0.5f * (zm - zp) / den : 0.0f;
    delta = delta > 0.5f ? 0.5f : delta < -0.5f ? -0.5f : delta;
    uint64_t base = c->cand_m + 1 - d->n_win;
    float frac = delta;
    if (frac < 0.0f) {
        base -= 1;
        frac += 1.0f;
    }
    /* RR plausibility: an absolute range always; once the template is learnt,
     * also a ratio to the running RR (ectopic beats, a twitch that happens to
     * match). The running RR moves at most RR_STEP of itself per beat, so a
     * missed beat or a false one barely moves it, and a wrong start or a fast
     * change of rate is still followed within a few beats. */
    const int timely = on_time(c, c->cand_m);
    const uint64_t rr = c->cand_m - c->last_det;
    const float rrf = (float)rr;
    /* heart evidence: a beat as far from the last as that one was from the one before
     * counts (the running RR follows too slowly at the start); more than one beat
     * missing (a gap over 1 + RR_LATE running RRs) restarts the run */
    c->hv_single = rrf >= RR_EARLY * c->hv_int && rrf <= RR_LATE * c->hv_int;
    c->hv_int = rrf;
    if (c->rr_avg > 0.0f && rrf > (1.0f + RR_LATE) * c->rr_avg)
        heart_restart(c);
    int rr_ok = rr >= d->rr_min && rr <= d->rr_max;
    if (rr_ok) {
        if (c->rr_avg > 0.0f && c->n_learnt >= LTRI_ECG_LOCK_BEATS)
            rr_ok = timely && rrf >= RR_RATIO_MIN * c->rr_avg && rrf <= RR_RATIO_MAX * c->rr_avg;
        if (c->rr_boot) {
            /* the interval from the bootstrap beat spans the beats of the search
             * period, which the matched filter did not run on (emggo's ECG: 1.6 s
             * for an RR of 0.58 s, the running RR then took 8 s to come down and
             * every true beat meanwhile was early, held to RHO_DETECT_EARLY): not
             * an RR */
        } else if (c->rr_avg > 0.0f) {
            const float step = RR_STEP * c->rr_avg, dr = rrf - c->rr_avg;
            c->rr_avg += RR_GAIN * (dr > step ? step : dr < -step ? -step : dr);
        } else {
            c->rr_avg = rrf;
        }
    }
    c->rr_boot = 0;
    c->last_det = c->cand_m;
    if (timely)
        c->last_ok = c->cand_m;
    c->n_detected++;
    c->cand = 0;

    c->subtract = c->n_learnt >= LTRI_ECG_LOCK_BEATS;
    if (c->subtract)
        c->pending_blend = 0;
    place(d, c, base, frac, z0 / c->hh);
    c->rr_ok = rr_ok;
    c->refine_at = c->m + d->n_refine;
}

/* A detected beat's refined position (template sample 0 at decimated base + frac):
 * the heart rules above. O(1) once per beat. */
static void heart_evidence(const ltri_ecg_design *d, ltri_ecg_channel *c, uint64_t base, float frac)
{
    if (c->hv_have && c->hv_single) {
        const float rr = (float)(base - c->hv_base) + (frac - c->hv_frac);
        if (c->hv_rr > 0.0f) {
            const float drr = fabsf(rr - c->hv_rr);
            c->hv_run++;
            c->hv_pairs++;
            c->hv_varied += drr >= d->hrv_step;
            c->hv_exact += drr < d->clock_step;
            c->hv_wild += drr > HRV_STEADY * c->hv_rr;
        }
        c->hv_rr = rr;
    } else {
        c->hv_rr = 0.0f;
    }
    c->hv_base = base;
    c->hv_frac = frac;
    c->hv_have = 1;
    if (!c->heart && c->n_learnt >= LTRI_ECG_LOCK_BEATS && c->hv_run >= HRV_RUN &&
        c->hv_pairs >= HRV_PAIRS && 2u * c->hv_varied > c->hv_pairs &&
        5u * c->hv_exact <= c->hv_pairs &&
        (8u * c->hv_wild <= c->hv_pairs || (c->hv_pairs >= HRV_LONG && 5u * c->hv_wild <= c->hv_pairs)) &&
        c->rr_avg >= (float)d->hr_rr_min && c->rr_avg <= (float)d->hr_rr_max) {
        c->heart = 1;
    }
}

/* Once per beat, n_refine decimated samples after its detection (the output
 * has then reached the QRS onset, the main deflections are still to come):
 * correlate the template over all the samples the ring now holds (W + H +
 * n_refine) at the three integer lags around the first estimate; a parabola
 * gives the position, the least-squares fit the amplitude. Then the beat is
 * read back for learning. O(3 (W + H + n_refine)) once per beat. */
static void refine(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    const float *t = c->mem + d->off_tmpl;
    const uint64_t m = c->m;
    const uint64_t b0 = c->cap_base + (c->cap_frac >= 0.5f ? 1u : 0u);
    if (b0 >= m || m - b0 + 1 >= d->n_uring) {
        /* the beat's start is not (or no longer) in the ring: it cannot be aligned */
        c->refine_at = 0;
        c->hv_have = 0;
        return;
    }
    uint64_t avail = m - b0; /* template samples available at lag +1 */
    const uint32_t K = avail < d->n_tmpl ? (uint32_t)avail : d->n_tmpl;
    float zm = 0.0f, z0 = 0.0f, zp = 0.0f, tk = 0.0f;
    for (uint32_t k = 0; k < K; k++) {
        const uint64_t age = m - (b0 + k); /* u[b0 + k] */
        tk += t[k] * t[k];
        zm += t[k] * u_at(d, c, age + 1);
        z0 += t[k] * u_at(d, c, age);
        zp += t[k] * u_at(d, c, age - 1);
    }
    c->refine_at = 0;
    c->capturing = 1;
    c->k_cap = 0;
    c->bt = c->bb = 0.0f;
    if (!(tk > 0.0f)) {
        c->hv_have = 0;
        return;
    }
    float delta, z;
    if (z0 >= zm && z0 >= zp) {
        const float den = zm - 2.0f * z0 + zp;
        delta = den < 0.0f ? 0.5f * (zm - zp) / den : 0.0f;
        z = z0 - 0.25f * (zm - zp) * delta;
    } else {
        delta = zm > zp ? -1.0f : 1.0f; /* the first estimate was off by more than a sample */
        z = zm > zp ? zm : zp;
    }
    uint64_t base = b0;
    float frac = delta;
    if (frac < 0.0f) {
        base -= 1;
        frac += 1.0f;
    }
    if (frac >= 1.0f) {
        base += 1;
        frac -= 1.0f;
    }
    float amp = z / tk;
    if (!(amp > 0.0f))
        amp = 0.0f;
    place(d, c, base, frac, amp);
    heart_evidence(d, c, base, frac);
}

/* Read the detected beat back from the ring, aligned to the template, as far
 * as the ring has it; judge it once complete. */
static void capture(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    const float *t = c->mem + d->off_tmpl;
    float *b = c->mem + d->off_beat;
    for (unsigned i = 0; i < CAPTURE_PER_STEP && c->k_cap < d->n_tmpl; i++) {
        const uint64_t at = c->cap_base + c->k_cap; /* u index of the sample's left neighbour */
        if (at + 2 > c->m)
            break;
        const uint64_t age = c->m - at;
        const float v = cubic(u_at(d, c, age + 1), u_at(d, c, age), u_at(d, c, age - 1),
                              u_at(d, c, age - 2), c->cap_frac);
        b[c->k_cap] = v;
        c->bt += v * t[c->k_cap];
        c->bb += v * v;
        c->k_cap++;
    }
    if (c->k_cap < d->n_tmpl)
        return;
    c->capturing = 0;
    const float a = c->bt / c->tt;
    const float rho = c->n_learnt < LTRI_ECG_LOCK_BEATS ? RHO_LEARN_PROVISIONAL : RHO_LEARN;
    const int ok = c->rr_ok && c->bt > 0.0f && c->bt * c->bt >= rho * rho * c->bb * c->tt &&
                   a >= AMP_LEARN_MIN && a <= AMP_LEARN_MAX;
    if (!ok)
        return;
    c->last_learn = c->last_det;
    c->spk += SPK_GAIN * (c->det_rho2 - c->spk);
    if (c->active)
        c->pending_blend = 1; /* after this beat has been subtracted */
    else
        blend(d, c);
}

/* The matched filter's sum of products (the template's front against the window),
 * in four interleaved partial sums: one SSE or NEON register where there is one
 * (filter.h's ltri_v4), the same operations in the same order otherwise, so every
 * build computes the same value. A single running sum is a chain of W dependent
 * additions that the compiler may not reorder. */
static float dot(const float *win, const float *t, uint32_t n)
{
    uint32_t k = 0;
#ifdef LTRI_SOA_VECTOR
    ltri_v4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
    for (; k + 4u <= n; k += 4u) {
        ltri_v4 a, b;
        memcpy(&a, win + k, sizeof a);
        memcpy(&b, t + k, sizeof b);
        acc += a * b;
    }
#else
    float acc[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (; k + 4u <= n; k += 4u)
        for (unsigned j = 0; j < 4u; j++)
            acc[j] += win[k + j] * t[k + j];
#endif
    float z = (acc[0] + acc[1]) + (acc[2] + acc[3]);
    for (; k < n; k++)
        z += win[k] * t[k];
    return z;
}

/* One decimated sample: ring, matched filter, peak decision, learning. */
static void decimated_step(const ltri_ecg_design *d, ltri_ecg_channel *c, float u)
{
    const uint32_t L = d->n_uring, W = d->n_win;
    float *ur = c->mem + d->off_uring;
    c->upos = c->upos + 1 == L ? 0 : c->upos + 1;
    ur[c->upos] = ur[c->upos + L] = u;
    const float *win = ur + c->upos + L - (W - 1); /* the last W samples, oldest first */

    /* window energy: running, summed afresh every L samples against drift */
    const float old = ur[c->upos + L - W];
    c->e_prev = c->e;
    if (++c->refresh >= L) {
        float e = 0.0f;
        for (uint32_t k = 0; k < W; k++)
            e += win[k] * win[k];
        c->e = e;
        c->refresh = 0;
    } else {
        const float e = c->e + u * u - old * old;
        c->e = e > 0.0f ? e : 0.0f;
    }

    const uint64_t m = c->m;
    if (m >= L) { /* the ring is full */
        if (c->n_learnt == 0) {
            bootstrap(d, c, u);
        } else {
            const float *t = c->mem + d->off_tmpl;
            const float z = c->e < SKIP_ENERGY * c->hh ? Z_SKIPPED : dot(win, t, W);
            c->z[0] = c->z[1];
            c->z[1] = c->z[2];
            c->z[2] = z;
            /* a peak at m - 1, outside the refractory time of the last beat, or one that
             * replaces the last detection (search-back, see RHO_REPLACE_GAIN) */
            const float z1 = c->z[1];
            if (z1 > c->z[0] && z1 >= z && z1 > 0.0f && m - 1 - c->last_det >= d->n_replace &&
                (!c->cand || z1 > c->cand_z[1])) {
                const int free = m - 1 - c->last_det >= d->one_beat &&
                                 m - 1 - c->last_ok >= d->refractory;
                const int timely = on_time(c, m - 1);
                const int replace = c->subtract && (!free || !timely) &&
                                    on_time_from(c, c->prev_ok, c->prev_rr, m - 1);
                float rho2 = timely ? RHO_DETECT * RHO_DETECT : RHO_DETECT_EARLY * RHO_DETECT_EARLY;
                if (timely && SPK_FRAC * c->spk > rho2)
                    rho2 = SPK_FRAC * c->spk;
                if (replace) {
                    const float r2 = c->det_rho2 + RHO_REPLACE_GAIN;
                    rho2 = r2 > RHO_DETECT * RHO_DETECT ? r2 : RHO_DETECT * RHO_DETECT;
                }
                const float a = z1 / c->hh;
                if ((free || replace) && z1 * z1 >= rho2 * c->e_prev * c->hh &&
                    a >= AMP_DETECT_MIN && a <= AMP_DETECT_MAX) {
                    c->cand = 1;
                    c->cand_replace = replace;
                    c->cand_rho2 = z1 * z1 / (c->e_prev * c->hh);
                    c->cand_m = m - 1;
                    /* the parabola's neighbours: computed now if they were skipped */
                    c->cand_z[0] = c->z[0] == Z_SKIPPED ? dot(win - 2, t, W) : c->z[0];
                    c->cand_z[1] = z1;
                    c->cand_z[2] = z == Z_SKIPPED ? dot(win, t, W) : z;
                }
            }
            if (c->cand && m >= c->cand_m + d->n_hold)
                commit(d, c);
            if (c->refine_at && m >= c->refine_at)
                refine(d, c);
            if (c->capturing)
                capture(d, c);
            if (c->n_learnt < LTRI_ECG_LOCK_BEATS ? m - c->last_learn > d->provisional_timeout
                                                  : m - c->last_det > d->lost_timeout)
                drop_template(c);
        }
    }
    c->m = m + 1;
}

/* ltri_ecg_step's rare work, out of line (ecg.h): a decimated sample every M frames ... */
void ltri_ecg_decimate(const ltri_ecg_design *d, ltri_ecg_channel *c)
{
    decimated_step(d, c, c->acc * d->inv_decim);
    c->acc = 0.0f;
    c->phase = 0;
}

/* ... and the beat being subtracted from output y. */
float ltri_ecg_subtract(const ltri_ecg_design *d, ltri_ecg_channel *c, float y)
{
    /* output frame j = n - D against the beat's start s_int + s_frac */
    const int64_t dj = (int64_t)(c->n - d->delay) - (int64_t)c->s_int;
    const float p = ((float)dj - c->s_frac) * d->inv_decim;
    if (p >= (float)(d->n_tmpl - 1)) {
        c->active = 0;
        if (c->pending_blend)
            blend(d, c);
    } else if (p >= 0.0f) {
        y -= c->amp * template_at(d, c, p);
    }
    c->loud = c->active && p < c->loud_end;
    return y;
}

void ltri_ecg_query(const ltri_ecg_design *d, const ltri_ecg_channel *c, ltri_ecg_info *info)
{
    memset(info, 0, sizeof *info);
    const double fd = d->fs_hz / d->decim;
    info->beats_detected = c->n_detected;
    info->beats_learnt = c->n_learnt;
    info->subtracting = c->n_learnt >= LTRI_ECG_LOCK_BEATS;
    info->locked = info->subtracting && c->m - c->last_det <= (uint64_t)(LOCKED_S * fd);
    info->heart_rate_bpm = c->rr_avg > 0.0f ? (float)(60.0 * fd / c->rr_avg) : 0.0f;
    info->amplitude = c->n_learnt ? sqrtf(c->tt / (float)d->n_tmpl) : 0.0f;
    info->last_beat = c->n_detected ? c->last_det * d->decim + (d->decim - 1) / 2 : UINT64_MAX;
}
