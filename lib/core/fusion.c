/*
 * Fusion of lane news into twitches, and their confidence (libltr core). See fusion.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <string.h>

#include "exp10.h"
#include "fusion.h"

/* An accelerometer onset this much before the EMG onset still confirms it: onset estimates
 * of the two lanes differ by a few ms. */
#define FUSION_EARLY_S 0.01
/* The shortest electromechanical delay: a muscle moves 10-50 ms after its EMG rises
 * (Cavanagh & Komi 1979). */
#define EMD_MIN_S 0.01
/* The shortest latency of an LTR after the needle movement that elicits it: 10-40 ms
 * (Hong 1994). */
#define LTR_LATENCY_MIN_S 0.01
/* An EMG event this long, s, is sustained activity (a voluntary contraction that ended
 * before max_duration_ms), not one twitch's burst: LTR bursts last tens to a few hundred
 * ms (25-250 ms in the simulator; assumption for real data). An accelerometer twitch in
 * it that begins later than the electromechanical delay after the EMG onset is timed by
 * its own onset (describe_end). Measured on fresh seeds: 0.5 s keeps heavy_needle's
 * 0.36-0.44 s EMG events with a late accelerometer as they were (with no limit,
 * heavy_needle 0.712 -> 0.695), while voluntary contractions of 0.67-0.98 s that hid a
 * twitch are retimed (voluntary 0.911 -> 0.932). */
#define SUSTAINED_S 0.5
/* Confidence: logistic in the margin over the on threshold, this many dB per e-fold;
 * one sensor alone reaches at most SINGLE_SENSOR_MAX (assumptions, documented in ltr.h). */
#define CONFIDENCE_DB_SCALE 4.0f
#define SINGLE_SENSOR_MAX 0.8f
/* An event that began at an electrode step and was over this soon after its onset is the
 * needle movement's own disturbance: a twitch the movement elicits begins 10-40 ms after
 * it (Hong 1994) and moves the muscle for its contraction time, 30-90 ms (Fuglevand et
 * al. 1993), and a relaxation about as long (Buchthal & Schmalbruch 1970), so the fused
 * event holding it outlasts 100 ms, while the hand's jolt and the electrode's step are
 * over sooner. Simulated (tune seeds): stroke-alone events 46-99 ms, stroke-begun
 * twitches 133 ms and more. */
#define STROKE_ALONE_S 0.1

void ltri_fusion_design_init(ltri_fusion_design *fd, const ltr_config *cfg, int has_emg,
                             int has_acc, uint64_t latency)
{
    const double fs = cfg->sample_rate_hz;
    fd->window = ltri_frames_ms(cfg->fusion_window_ms, fs, LTRI_ROUND_UP, 0);
    fd->early = ltri_frames(FUSION_EARLY_S, fs, LTRI_ROUND_UP, 0);
    fd->emd_min = ltri_frames(EMD_MIN_S, fs, LTRI_ROUND_UP, 0);
    fd->latency_min = ltri_frames(LTR_LATENCY_MIN_S, fs, LTRI_ROUND_UP, 0);
    fd->sustained = ltri_frames(SUSTAINED_S, fs, LTRI_ROUND_UP, 0);
    fd->stroke_alone = ltri_frames(STROKE_ALONE_S, fs, LTRI_ROUND_UP, 0);
    fd->latency = latency;
    fd->threshold_on_db = (float)cfg->threshold_on_db;
    fd->has[LTR_SENSOR_EMG] = has_emg;
    fd->has[LTR_SENSOR_ACC] = has_acc;
    fd->acc_confirms = cfg->acc_confirms && has_emg && has_acc;
}

static void twitch_clear(ltri_twitch *tw)
{
    memset(tw, 0, sizeof *tw);
    for (unsigned k = 0; k < LTRI_N_SENSORS; k++) {
        tw->onset_of[k] = LTRI_NO_FRAME;
        tw->ended_of[k] = LTRI_NO_FRAME;
        tw->snr_of[k] = -1.0f;
    }
    tw->weak_onset = LTRI_NO_FRAME;
}

void ltri_fusion_reset_stream(ltri_fusion *f) { twitch_clear(&f->tw); }

void ltri_fusion_reset(ltri_fusion *f)
{
    ltri_fusion_reset_stream(f);
    f->next_id = 1;
}

static int two_sensors(const ltri_fusion_design *fd)
{
    return fd->has[LTR_SENSOR_EMG] && fd->has[LTR_SENSOR_ACC];
}

/* ------------------------------------------------------------ confidence */

/* Evidence from one sensor: logistic in the SNR margin over the on threshold, capped so
 * that one sensor alone never reaches the confidence of two that agree. */
static float sensor_evidence(const ltri_fusion_design *fd, float snr_db)
{
    const float margin = snr_db - fd->threshold_on_db;
    /* e^-u as 10^(-u log10(e)) (exp10.h: no libm) */
    return SINGLE_SENSOR_MAX /
           (1.0f + ltri_exp10f(-margin / CONFIDENCE_DB_SCALE * 0.43429448190325182765f));
}

float ltri_fusion_confidence(const ltri_fusion_design *fd, const float *snr_of, uint32_t flags)
{
    const float snr_emg = snr_of[LTR_SENSOR_EMG], snr_acc = snr_of[LTR_SENSOR_ACC];
    float c;
    if (flags & LTR_FLAG_FUSED) {
        /* independent evidence combined: 1 - (1 - p_emg)(1 - p_acc) */
        c = 1.0f - (1.0f - sensor_evidence(fd, snr_emg)) * (1.0f - sensor_evidence(fd, snr_acc));
    } else {
        c = sensor_evidence(fd, snr_emg >= 0.0f ? snr_emg : snr_acc);
        if (two_sensors(fd))
            c *= 0.75f; /* the other sensor was there and saw nothing */
    }
    if (flags & LTR_FLAG_NEAR_ARTIFACT)
        c *= 0.5f;
    if (flags & LTR_FLAG_CLIPPED)
        c *= 0.9f;
    return c;
}

/* ------------------------------------------------------------ lanes */

/* A lane's onset is the last frame its envelope was still near the floor: the smoother
 * starts to rise at once when energy arrives (its group delay moves the middle of the
 * rise, not its start), so only the band-pass delay is removed. */
static ltri_frame lane_onset(const ltri_lane_slot *s)
{
    return ltri_lane_to_input(s->lane.tw.onset, s->onset_delay);
}

/* The onset an ended lane gives its twitch: the accelerometer's is where its main hump
 * rose, when a jolt came before it (lane.c). */
static ltri_frame lane_final_onset(const ltri_lane_slot *s)
{
    const ltri_lane_twitch *lt = &s->lane.tw;
    if (lt->hump > lt->onset && lt->hump <= lt->peak)
        return ltri_lane_to_input(lt->hump, s->onset_delay);
    return lane_onset(s);
}

/* A lane's peak is its largest band-passed sample (the one `amplitude` reports), on the
 * same time base as its onset; never before the onset (a valley split may move it). */
static ltri_frame lane_peak(const ltri_lane_slot *s)
{
    const ltri_frame peak = ltri_lane_to_input(s->lane.tw.peak_amp, s->onset_delay);
    const ltri_frame onset = lane_onset(s);
    return peak > onset ? peak : onset;
}

static float snr_of(const ltri_lane_twitch *tw)
{
    if (tw->floor_lin <= 0.0f)
        return 99.0f; /* rose out of digital silence */
    const float r = tw->peak_env / tw->floor_lin;
    return r > 0.0f ? 10.0f * ltri_log10f(r) : 0.0f;
}

static uint32_t sensor_flag(ltr_sensor s) { return s == LTR_SENSOR_ACC ? LTR_FLAG_ACC : LTR_FLAG_EMG; }

/* The sensor flags of the lanes in a mask. */
static uint32_t lanes_flags(const ltri_lane_slot *lanes, unsigned n_lanes, uint64_t mask)
{
    uint32_t f = 0;
    for (unsigned l = 0; l < n_lanes; l++)
        if (mask >> l & 1u)
            f |= sensor_flag(lanes[l].sensor);
    return f;
}

/* An accelerometer twitch without an EMG twitch: did an EMG lane rise above its off
 * threshold within the electromechanical delay before the mechanical onset? Then that
 * rise is when the muscle fired (EMD 10-50 ms, Cavanagh & Komi 1979). */
static int weak_emg(const ltri_fusion_design *fd, const ltri_lane_slot *lanes, unsigned n_lanes,
                    ltri_frame acc_onset, ltri_twitch *tw)
{
    for (unsigned l = 0; l < n_lanes; l++) {
        const ltri_lane_slot *s = &lanes[l];
        if (s->sensor != LTR_SENSOR_EMG || s->lane.weak_rise == 0)
            continue;
        const ltri_frame on = ltri_lane_to_input(s->lane.weak_onset, s->onset_delay);
        const ltri_frame rise = ltri_lane_to_input(s->lane.weak_rise, s->delay);
        if (on <= acc_onset + fd->early && rise + fd->window >= acc_onset &&
            (tw->weak_onset == LTRI_NO_FRAME || on > tw->weak_onset)) {
            tw->weak_onset = on;
            tw->weak_channels = s->channels;
        }
    }
    return tw->weak_onset != LTRI_NO_FRAME;
}

/* The FUSED rule, the one place of it: given the sensors whose lanes saw the twitch
 * (LTR_FLAG_EMG, LTR_FLAG_ACC), the twitch is FUSED when the two sensors agree within
 * the electromechanical delay (Cavanagh & Komi 1979): both saw it, the accelerometer's
 * onset from `early` before to `window` after the EMG's; or only the accelerometer
 * saw it and sub-threshold EMG activity within that delay timed it (weak_emg), which
 * then counts as the EMG. */
static uint32_t fused_flags(const ltri_fusion_design *fd, const ltri_twitch *tw, uint32_t seen)
{
    uint32_t flags = seen;
    const ltri_frame emg_onset = tw->onset_of[LTR_SENSOR_EMG];
    const ltri_frame acc_onset = tw->onset_of[LTR_SENSOR_ACC];
    if ((seen & LTR_FLAG_EMG) && (seen & LTR_FLAG_ACC) && emg_onset != LTRI_NO_FRAME &&
        acc_onset != LTRI_NO_FRAME && acc_onset + fd->early >= emg_onset &&
        acc_onset <= emg_onset + fd->window)
        flags |= LTR_FLAG_FUSED;
    if (tw->weak_onset != LTRI_NO_FRAME && !(seen & LTR_FLAG_EMG))
        flags |= LTR_FLAG_EMG | LTR_FLAG_FUSED;
    return flags;
}

/* Sub-threshold EMG that timed an accelerometer twitch is weak evidence: 0 dB. */
static void weak_evidence(float *snr_of, uint32_t seen, uint32_t flags)
{
    if (!(seen & LTR_FLAG_EMG) && (flags & LTR_FLAG_EMG) && snr_of[LTR_SENSOR_EMG] < 0.0f)
        snr_of[LTR_SENSOR_EMG] = 0.0f;
}

/* ------------------------------------------------------------ news */

static void note_onset(ltri_twitch *tw, ltr_sensor sensor, ltri_frame onset)
{
    if (tw->onset_of[sensor] == LTRI_NO_FRAME || onset < tw->onset_of[sensor])
        tw->onset_of[sensor] = onset;
}

int ltri_fusion_begin(const ltri_fusion_design *fd, ltri_fusion *f, const ltri_lane_slot *lanes,
                      unsigned n_lanes, unsigned l, ltri_frame n, ltri_fused_event *out)
{
    const ltri_lane_slot *s = &lanes[l];
    const ltri_lane_twitch *lt = &s->lane.tw;
    const ltri_frame onset = lane_onset(s);
    ltri_twitch *tw = &f->tw;
    note_onset(tw, s->sensor, onset);
    if (tw->open) {
        tw->active |= 1ull << l;
        return 0;
    }
    ltri_frame onset_of[LTRI_N_SENSORS];
    memcpy(onset_of, tw->onset_of, sizeof onset_of);
    twitch_clear(tw);
    tw->open = 1;
    tw->id = f->next_id++;
    tw->active = 1ull << l;
    tw->opened = n;
    tw->onset = onset;
    memcpy(tw->onset_of, onset_of, sizeof onset_of);
    const uint32_t seen = sensor_flag(s->sensor);
    uint32_t channels = s->channels;
    if (s->sensor == LTR_SENSOR_ACC && fd->has[LTR_SENSOR_EMG] &&
        weak_emg(fd, lanes, n_lanes, onset, tw)) {
        /* confirmed mechanically, timed electrically */
        tw->onset = tw->weak_onset;
        channels |= tw->weak_channels;
    }
    const float snr = snr_of(lt);
    *out = (ltri_fused_event){
        .ev = {.kind = LTR_EVENT_BEGIN, .id = tw->id, .onset = tw->onset,
               .peak = lane_peak(s), .offset = n, .detected = n,
               .amplitude = sqrtf(lt->peak_sq), .snr_db = snr,
               .channels = channels, .flags = fused_flags(fd, tw, seen)},
        .snr_of = {-1.0f, -1.0f},
    };
    out->snr_of[s->sensor] = snr;
    weak_evidence(out->snr_of, seen, out->ev.flags);
    return 1;
}

void ltri_fusion_end(ltri_fusion *f, const ltri_lane_slot *lanes, unsigned l)
{
    const ltri_lane_slot *s = &lanes[l];
    const ltri_lane_twitch *lt = &s->lane.tw;
    ltri_twitch *tw = &f->tw;
    /* the first lane to end (a lane may end twice while another holds the twitch open:
     * its second event must not replace the onset of its first) */
    const int first = tw->done == 0;
    tw->active &= ~(1ull << l);
    tw->done |= 1ull << l;
    const ltri_frame onset = lane_final_onset(s);
    const ltri_frame offset = ltri_lane_to_input(lt->offset, s->delay);
    if (first || onset < tw->onset)
        tw->onset = onset;
    if (tw->ended_of[s->sensor] == LTRI_NO_FRAME || onset < tw->ended_of[s->sensor])
        tw->ended_of[s->sensor] = onset;
    if (offset > tw->offset)
        tw->offset = offset;
    tw->channels |= s->channels;
    /* The twitch is described by its strongest EMG lane (EMG onsets are sharper);
     * by the accelerometer only when no EMG lane saw it. */
    const float snr = snr_of(lt);
    const int emg = s->sensor == LTR_SENSOR_EMG;
    if (snr > tw->snr_of[s->sensor])
        tw->snr_of[s->sensor] = snr;
    if (first || (emg && !tw->best_emg) || (emg == tw->best_emg && snr > tw->snr_db)) {
        tw->best_emg = emg;
        tw->snr_db = snr;
        tw->amplitude = sqrtf(lt->peak_sq);
        tw->peak = lane_peak(s);
    }
}

void ltri_fusion_cancel(ltri_fusion *f, const ltri_lane_slot *lanes, unsigned l)
{
    const ltri_lane_slot *s = &lanes[l];
    ltri_twitch *tw = &f->tw;
    tw->active &= ~(1ull << l);
    tw->cancelled |= 1ull << l;
    tw->cancel_flags |= s->lane.tw.flags;
    if (s->sensor == LTR_SENSOR_EMG && (s->lane.tw.flags & LTR_FLAG_TOO_LONG))
        tw->voluntary = 1;
}

int ltri_fusion_due(const ltri_fusion_design *fd, const ltri_fusion *f, ltri_frame n)
{
    const ltri_twitch *tw = &f->tw;
    if (!tw->open || tw->active != 0)
        return 0;
    /* Give the accelerometer its electromechanical delay to confirm an EMG twitch. */
    const uint64_t wait = two_sensors(fd) ? fd->window : 0;
    return n >= tw->opened + wait;
}

static void describe_cancel(const ltri_fusion_design *fd, const ltri_twitch *tw,
                            const ltri_lane_slot *lanes, unsigned n_lanes, ltri_frame n,
                            ltr_event *ev)
{
    ev->kind = LTR_EVENT_CANCEL;
    ev->onset = tw->onset;
    ev->peak = tw->onset;
    ev->offset = n > fd->latency ? n - fd->latency : 0;
    ev->flags = tw->cancel_flags | lanes_flags(lanes, n_lanes, tw->cancelled);
    for (unsigned l = 0; l < n_lanes; l++)
        if (tw->cancelled >> l & 1u)
            ev->channels |= lanes[l].channels;
}

/* How the accelerometer answered an EMG twitch it saw no twitch of its own in. */
typedef enum {
    ACC_STILL,      /* it did not stir within the electromechanical delay */
    ACC_STIRRED,    /* it stirred after the EMG onset, or was busy and cannot tell */
    ACC_MOVED_WITH  /* it stirred at the EMG onset itself: the electrode was moved */
} acc_answer;

/* Did an accelerometer lane stir (rise above its off threshold, even without a twitch of
 * its own) from `early` before to `window` after the EMG onset? A lane that is busy
 * (still above its off threshold from something earlier) cannot tell: it counts as
 * stirred. A stir that began less than the shortest electromechanical delay after the
 * EMG onset (from `early` before it) was not caused by that EMG: a muscle moves 10-50 ms
 * after it fires (Cavanagh & Komi 1979), while a jolt of the needle or the hand moves
 * the accelerometer and the electrode at the same moment, the electrode's movement
 * artifact starting the EMG burst (De Luca et al. 2010). */
static acc_answer acc_stirred(const ltri_fusion_design *fd, const ltri_lane_slot *lanes,
                              unsigned n_lanes, ltri_frame emg_onset)
{
    for (unsigned l = 0; l < n_lanes; l++) {
        const ltri_lane_slot *s = &lanes[l];
        if (s->sensor != LTR_SENSOR_ACC)
            continue;
        if (s->lane.state != LANE_IDLE || s->lane.above_off)
            return ACC_STIRRED;
        if (s->lane.weak_rise == 0)
            continue;
        const ltri_frame on = ltri_lane_to_input(s->lane.weak_onset, s->onset_delay);
        if (on + fd->early >= emg_onset && on < emg_onset + fd->emd_min)
            return ACC_MOVED_WITH;
        if (on + fd->early >= emg_onset && on <= emg_onset + fd->window)
            return ACC_STIRRED;
    }
    return ACC_STILL;
}

/* Only the scan (scan.h) found the EMG side of the twitch: its evidence is a few dB, and
 * with an accelerometer on the muscle an LTR must also move it visibly (Hong 1994). */
static int scan_only(const ltri_lane_slot *lanes, unsigned n_lanes, uint64_t done)
{
    int any = 0;
    for (unsigned l = 0; l < n_lanes; l++) {
        if (!(done >> l & 1u) || lanes[l].sensor != LTR_SENSOR_EMG)
            continue;
        if (!lanes[l].lane.tw.by_scan)
            return 0;
        any = 1;
    }
    return any;
}

static void describe_end(const ltri_fusion_design *fd, const ltri_twitch *tw,
                         const ltri_lane_slot *lanes, unsigned n_lanes, ltri_fused_event *out)
{
    ltr_event *ev = &out->ev;
    ev->kind = LTR_EVENT_END;
    ev->onset = tw->onset;
    ev->peak = tw->peak;
    ev->offset = tw->offset;
    ev->amplitude = tw->amplitude;
    ev->snr_db = tw->snr_db;
    ev->channels = tw->channels;
    const uint32_t seen = lanes_flags(lanes, n_lanes, tw->done);
    uint32_t flags = fused_flags(fd, tw, seen);
    for (unsigned l = 0; l < n_lanes; l++)
        if (tw->done >> l & 1u)
            flags |= lanes[l].lane.tw.flags & LTR_FLAG_TRUNCATED;
    /* The EMG began long before the accelerometer's twitch, not within its
     * electromechanical delay (not FUSED), and lasted as a contraction does: the twitch
     * rode on sustained activity, and began where the accelerometer's did. */
    const ltri_frame emg_on = tw->ended_of[LTR_SENSOR_EMG], acc_on = tw->ended_of[LTR_SENSOR_ACC];
    if (!(flags & LTR_FLAG_FUSED) && emg_on != LTRI_NO_FRAME && acc_on != LTRI_NO_FRAME &&
        acc_on > emg_on + fd->window && tw->offset - emg_on >= fd->sustained) {
        ev->onset = acc_on;
        if (ev->peak < acc_on)
            ev->peak = acc_on;
    }
    if (tw->weak_onset != LTRI_NO_FRAME && !(seen & LTR_FLAG_EMG)) {
        /* timed by sub-threshold EMG activity (fused_flags) */
        ev->onset = tw->weak_onset < ev->onset ? tw->weak_onset : ev->onset;
        ev->channels |= tw->weak_channels;
    }
    ev->flags = flags;
    memcpy(out->snr_of, tw->snr_of, sizeof out->snr_of);
    weak_evidence(out->snr_of, seen, flags);
}

/* Did the twitch begin with an electrode step: from the fusion window before its first
 * blanked frame (the hand's jolt may move the accelerometer first) to the shortest
 * electromechanical delay after that frame? */
static int step_begun(const ltri_fusion_design *fd, const ltri_twitch *tw, ltri_frame step_onset,
                      ltri_frame step_end)
{
    return step_end != 0 && tw->onset + fd->window >= step_onset &&
           tw->onset <= step_onset + fd->emd_min;
}

/* Was the twitch the disturbance of a needle movement alone: begun with an electrode step
 * (step_begun) and over within stroke_alone? Not an event that begins once the blanking is over: the twitch the
 * step hid (10-40 ms after it) is found there, however brief (sites_surface with marks,
 * held-out seeds 301-303: 6 more twitches lost with the window up to the blanking's end).
 * Only with both sensors: the fused event's end is then the end of the muscle's movement,
 * which a twitch has and a step lacks; the EMG of a needle twitch alone may last 20 ms
 * (lane.c). */
static int stroke_alone(const ltri_fusion_design *fd, const ltri_twitch *tw, ltri_frame step_onset,
                        ltri_frame step_end)
{
    return two_sensors(fd) && step_begun(fd, tw, step_onset, step_end) &&
           tw->offset < tw->onset + fd->stroke_alone;
}

void ltri_fusion_close(const ltri_fusion_design *fd, ltri_fusion *f, const ltri_lane_slot *lanes,
                       unsigned n_lanes, ltri_frame n, ltri_frame step_onset, ltri_frame step_end,
                       ltri_fused_event *out)
{
    const ltri_twitch *tw = &f->tw;
    *out = (ltri_fused_event){.ev = {.id = tw->id, .detected = n}, .snr_of = {-1.0f, -1.0f}};
    const uint32_t seen = lanes_flags(lanes, n_lanes, tw->done);
    acc_answer acc = ACC_STILL;
    /* An EMG lane that ran too long was a voluntary contraction; a twitch during it (its
     * EMG burst lost in the contraction's, 10 dB and more under it) still moves the
     * muscle fast: voluntary movement lies below 4-5 Hz (Mansur et al. 2007, Elble 2003),
     * under the accelerometer's band, and its slow leaks are cancelled as motion
     * (detector.c, motion_like). An accelerometer lane that ended a twitch of its own
     * inside the contraction reports it (fresh voluntary 0.888 -> 0.911: 10 of the 31
     * twitches missed, 2 more false ones). */
    if (tw->done == 0 || (tw->voluntary && !(seen & LTR_FLAG_ACC))) {
        describe_cancel(fd, tw, lanes, n_lanes, n, &out->ev);
    } else if (fd->acc_confirms && !(seen & LTR_FLAG_ACC) &&
               (acc = acc_stirred(fd, lanes, n_lanes, tw->onset_of[LTR_SENSOR_EMG])) ==
                   ACC_MOVED_WITH) {
        /* the accelerometer moved with the EMG's first rise, not after it: a needle
         * movement (pistoning, insertion) jolted the electrode */
        describe_cancel(fd, tw, lanes, n_lanes, n, &out->ev);
        out->ev.flags |= LTR_FLAG_NEEDLE | seen;
    } else if (fd->acc_confirms && !(seen & LTR_FLAG_ACC) &&
               (scan_only(lanes, n_lanes, tw->done) || acc == ACC_STILL)) {
        /* an LTR moves the muscle: EMG alone, with the accelerometer still, is not one */
        describe_cancel(fd, tw, lanes, n_lanes, n, &out->ev);
        out->ev.flags |= LTR_FLAG_UNSEEN | seen;
    } else if (stroke_alone(fd, tw, step_onset, step_end)) {
        /* an electrode step and what it stirred, no twitch after it */
        describe_cancel(fd, tw, lanes, n_lanes, n, &out->ev);
        out->ev.flags |= LTR_FLAG_NEEDLE | seen;
    } else {
        describe_end(fd, tw, lanes, n_lanes, out);
        /* Begun with an electrode step: what the lanes saw first was the needle movement
         * (the electrode's step, the hand's jolt); the twitch it elicited began no sooner
         * than the shortest LTR latency after it. */
        const ltri_frame earliest = step_onset + fd->latency_min;
        if (step_begun(fd, tw, step_onset, step_end) && out->ev.onset < earliest &&
            out->ev.offset > earliest) {
            out->ev.onset = earliest;
            if (out->ev.peak < out->ev.onset)
                out->ev.peak = out->ev.onset;
        }
    }
    twitch_clear(&f->tw);
}
