/*
 * The detector: the public API, its memory layout and the per-frame loop
 * (libltr core).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Per input frame and channel: artifact look-ahead and blanking (artifact.c) ->
 * band-pass, mains and ECG cancelling (filter.c, mains.c, ecg.c) -> energy
 * (envelope.h); the band-pass runs over all channels of a sensor at once, side by side
 * (vectorised across channels), a single-channel detector in one pass; then per lane, one lane frame later: smoothing -> noise floor ->
 * hysteresis state machine (lane.c, noise.c). Lane news become twitches in fusion.c;
 * events leave through events.c. The two time bases, input frame and lane frame, are
 * described in timebase.h. Session tracking (session.c) follows the events and the
 * marks. Everything runs frame by frame from state kept in the
 * detector, so any block split gives the same events.
 */
#include <math.h>
#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "hints.h"
#include "artifact.h"
#include "config.h"
#include "ecg.h"
#include "envelope.h"
#include "events.h"
#include "filter.h"
#include "fusion.h"
#include "lane.h"
#include "ltr/ltr.h"
#include "mains.h"
#include "session.h"
#include "timebase.h"

/* Artifacts closer than this are reported as one stretch. */
#define ARTIFACT_MERGE_S 0.1
/* Shortest recovery after a blanked stretch: the band-pass settles (~2 periods of 20 Hz
 * would be 100 ms, but the sample-and-hold leaves it almost nothing to settle from). */
#define RECOVERY_MIN_S 0.01
/* An accelerometer axis at its rail is a knock or a cable tug, never a twitch (an LTR
 * moves the skin by a fraction of a g, far inside any sensor's range). Its band-pass
 * rings after it: the 8th-order Butterworth high-pass's sharpest pole pair has
 * Q = 1 / (2 sin(pi/16)) = 2.56, an envelope time constant 2Q / (2 pi fc) = 0.16 s at
 * 5 Hz, and a knock 30-40 dB over a twitch's movement stays above it for ~2 periods of
 * the corner. The accelerometer lane waits that long after the last clipped sample. */
#define ACC_KNOCK_PERIODS 2.0
/* Slow movement against twitch (motion_like): the twitch band starts at MOTION_SPLIT x
 * the accelerometer's high-pass; an event with less than MOTION_RATIO of its energy there
 * is movement. Measured on fresh simulated seeds 100-109 (acc_only, surface_acc,
 * heavy_needle, stim): twitches 0.345-0.95 (median 0.58-0.70), hand motion leaking through
 * the high-pass 0.09-0.18, the fused (tetanic) contraction of a stimulation train 0.21;
 * 0.25 keeps every twitch (0.35 lost 5 of 1731, 0.2 kept the tetanic ones). */
#define MOTION_SPLIT 2.0
#define MOTION_RATIO 0.25
/* The mains canceller's convergence before the EMG lanes learn, s (mains.h). */
#define MAINS_SETTLE_S 0.0
/* Band-pass orders (the reasons are at design_emg and design_acc). They are fixed, so
 * every cascade's section count is a constant the per-frame loop is compiled for
 * (ltri_cascade_run_n: no dispatch, sections unrolled). */
#define EMG_HP_ORDER 4u
#define EMG_LP_ORDER 4u
#define ACC_HP_ORDER 8u
#define ACC_LP_ORDER 2u
#define EMG_BAND_SECTIONS ((EMG_HP_ORDER + EMG_LP_ORDER) / 2u)
#define ACC_BAND_SECTIONS ((ACC_HP_ORDER + ACC_LP_ORDER) / 2u)
/* Every channel of one sensor fits in one band-pass block (columns rounded up to groups). */
_Static_assert(LTRI_SOA_MAX >= LTR_MAX_CHANNELS && LTRI_SOA_MAX % LTRI_SOA_GROUP == 0,
               "band-pass columns");
_Static_assert(LTR_MAX_PENDING_MARKS <= 32u, "mark_stim holds a bit per pending mark");
/* Sensor kinds, the index of chain_offset (ltr_sensor: EMG 0, accelerometer 1). */
#define N_SENSORS LTRI_N_SENSORS

/* What is designed once per sensor kind: its conditioning and envelope filters, its
 * lanes' settings, and the delays they cause (immutable after init). */
typedef struct sensor_chain {
    ltri_cascade band;        /* conditioning: band-pass (EMG), high- and low-pass (acc.) */
    ltri_biquad smooth[LTRI_ENVELOPE_SECTIONS]; /* envelope smoother (not a whole cascade:
                                                   124 bytes less a sensor) */
    ltri_lane_design lane;    /* hysteresis, durations, noise floor */
    /* accelerometer: the high-pass that splits the twitch band from the band-pass's
     * lower edge, where hand motion leaks (motion_like) */
    ltri_biquad split[1];
    float motion_ratio;       /* twitch band under this share of the band: motion (0: off) */
    uint64_t delay;           /* band-pass + smoother delay, frames */
    uint64_t band_delay;      /* band-pass delay, frames */
} sensor_chain;

typedef struct channel_state {
    uint32_t sensor;          /* its ltr_sensor */
    /* index among the channels of its sensor: its band-pass column, and for an EMG
     * channel the index of its mains weights and its ECG canceller */
    uint32_t slot;
    uint32_t why;             /* this frame's blanking reasons (condition_frame) */
    ltri_energy energy;      /* the energy operator's previous samples */
    ltri_real split_z[1][2]; /* accelerometer axis: its twitch-band high-pass state */
    uint32_t split_tick;
    uint32_t blank_run;      /* consecutive blanked frames */
    uint32_t lane;           /* lane index */
} channel_state;

typedef struct artifact_segment {
    int open;
    ltri_frame onset, last;   /* first and last blanked input frame */
    uint32_t flags, channels;
} artifact_segment;

struct ltr_detector {
    ltr_config cfg;
    /* Where ltr_detector_create allocated it (NULL: caller memory). Compared, never
     * followed: a memcpy'd copy has another address, so destroy does not free it. */
    const void *allocation;
    unsigned n_lanes;

    /* immutable after init */
    /* Each present sensor's chain (indexed by ltr_sensor) sits at chain_offset[k] after
     * the struct, 0 for a sensor no channel has: a one-sensor detector does not carry
     * the other's filters (280 bytes, issue 10). */
    size_t chain_offset[N_SENSORS];
    int has_mains;                        /* EMG channels go through the mains canceller */
    size_t mains_offset;                  /* the EMG channels' weights, by slot */
    ltri_mains_design mains;
    uint64_t mains_settle;                /* frames the canceller needs before lanes learn */
    int has_ecg;                          /* EMG channels go through the ECG canceller */
    uint32_t ecg_stride;                  /* bytes from one EMG channel's canceller to the
                                             next (aligned; 0: none) */
    uint32_t ecg_delay;                   /* its delay, frames */
    uint32_t ecg_lag;                     /* how late the lanes run: ecg_delay, or 0 while
                                             LTR_ECG_AUTO has found no heart rhythm */
    uint32_t ecg_skip;                    /* lane steps still to skip after the switch */
    /* byte offsets of the ECG design (only with ECG cancelling: 144 bytes), the ECG
     * channels, the accelerometer ring */
    size_t ecg_design_offset, ecg_offset, acc_ring_offset;
    ltri_artifact_design art;
    ltri_fusion_design fusion;            /* twitches from lane news */
    ltri_session_design session;          /* sites and the stop rule */
    uint64_t recovery_min, recovery_max, merge_gap;
    uint64_t acc_knock;                   /* the accelerometer lane's wait after a clipped axis */
    uint64_t stim_blank, needle_blank, latency;

    /* stream state */
    ltri_frame n;             /* input frames consumed (the next one's index) */
    uint64_t n_real;          /* frames given by the caller (flush adds virtual ones) */
    ltri_frame start;         /* first input frame of the current stream (after reset or flush) */
    int dirty;                /* frames since the last reset/flush */
    int padding;              /* flush is pushing the line out with copies of the last sample */
    ltri_frame last_artifact; /* last blanked input frame + 1, 0 = none */
    ltri_frame step_onset, step_end; /* latest electrode step's blanking: first frame, last + 1 */
    ltri_frame pulse_end;     /* last input frame of the latest pulse's blanking + 1, 0 = none */
    ltri_frame pulse_onset;   /* first blanked input frame of that pulse */
    ltri_fusion fu;               /* the twitch being assembled, the next id */
    /* sites, strokes, twitches per site (ltri_session) at this offset, only with session
     * tracking on (config.session: 296 bytes x86-64 a detector without it does not carry) */
    size_t sess_offset;
    ltri_mains_tracker mains_tr;  /* the mains grid: frequency, oscillators, search */
    uint32_t acc_ring_pos;        /* ECG cancelling: the accelerometer lane's delay line */
    artifact_segment seg;
    /* the input frames the caller marked, in order; bit i of mark_stim: mark i is a
     * stimulation pulse, of mark_insertion: an insertion (else a needle movement). 8
     * bytes a mark, not 16. */
    ltri_frame mark_frame[LTR_MAX_PENDING_MARKS];
    uint32_t mark_stim, mark_insertion;
    unsigned n_marks;
    ltri_events events;       /* the caller's array for this call, and the queue */

    /* The channels follow the struct at CHANNELS_OFFSET, the lanes at lanes_offset:
     * offsets, not pointers, so that the detector's memory may be copied (memcpy) to
     * another aligned block of the same size and go on there, as an opus state may. */
    size_t lanes_offset;
    /* the EMG channels' level-step tests (ltri_level, by slot), only where they run
     * (uses_levels): 0 = none (32 bytes an EMG channel that most detectors do not use) */
    size_t level_offset;
    size_t art_offset, art_stride; /* channel c's artifact stage: art_offset + c art_stride */
    /* Each sensor's band-pass states, its channels side by side (filter.h,
     * ltri_sections_run_soa_n): band_cols columns (channels rounded up to 4) from
     * band_offset; one flush counter a sensor. */
    size_t band_offset[N_SENSORS];
    uint32_t band_cols[N_SENSORS], band_count[N_SENSORS], band_tick[N_SENSORS];
};

static size_t align_up(size_t x) { return (x + LTR_DETECTOR_ALIGN - 1) & ~(size_t)(LTR_DETECTOR_ALIGN - 1); }

#define CHANNELS_OFFSET align_up(sizeof(struct ltr_detector))

/* The channels and lanes of d (offsets are multiples of LTR_DETECTOR_ALIGN from an
 * aligned block). Const in, mutable out, as strchr: the callers know which they hold. */
static inline channel_state *chans(const ltr_detector *d)
{
    return (channel_state *)(void *)((unsigned char *)(uintptr_t)d + CHANNELS_OFFSET);
}

static inline ltri_artifact *art_of(const ltr_detector *d, unsigned c)
{
    return (ltri_artifact *)(void *)((unsigned char *)(uintptr_t)d + d->art_offset +
                                     c * d->art_stride);
}

static inline ltri_real *band_state(const ltr_detector *d, unsigned sensor)
{
    return (ltri_real *)(void *)((unsigned char *)(uintptr_t)d + d->band_offset[sensor]);
}

static inline ltri_lane_slot *lanes_of(const ltr_detector *d)
{
    return (ltri_lane_slot *)(void *)((unsigned char *)(uintptr_t)d + d->lanes_offset);
}

/* An EMG channel's level-step test (level_offset != 0). */
static inline ltri_level *level_of(const ltr_detector *d, const channel_state *ch)
{
    return (ltri_level *)(void *)((unsigned char *)(uintptr_t)d + d->level_offset) + ch->slot;
}

/* The session tracker (session.on only). */
static inline ltri_session *sess_of(const ltr_detector *d)
{
    return (ltri_session *)(void *)((unsigned char *)(uintptr_t)d + d->sess_offset);
}

/* Sensor k's chain; only for a sensor some channel has (chain_offset != 0). */
static inline sensor_chain *chain_of(const ltr_detector *d, unsigned k)
{
    return (sensor_chain *)(void *)((unsigned char *)(uintptr_t)d + d->chain_offset[k]);
}

static inline int has_sensor(const ltr_detector *d, unsigned k) { return d->chain_offset[k] != 0; }

/* An EMG channel's mains weights (has_mains). */
static inline ltri_mains_channel *mains_of(const ltr_detector *d, const channel_state *ch)
{
    return (ltri_mains_channel *)(void *)((unsigned char *)(uintptr_t)d + d->mains_offset) +
           ch->slot;
}

static inline ltri_ecg_design *ecg_design(const ltr_detector *d)
{
    return (ltri_ecg_design *)(void *)((unsigned char *)(uintptr_t)d + d->ecg_design_offset);
}

static const ltri_lane_design *lane_design(const ltr_detector *d, const ltri_lane_slot *s)
{
    return &chain_of(d, s->sensor)->lane;
}


/* ------------------------------------------------------------------ memory */

LTRI_COLD static unsigned count_lanes(const ltr_config *cfg)
{
    unsigned emg = 0, acc = 0;
    for (unsigned c = 0; c < cfg->n_channels; c++)
        if (cfg->sensors[c] == LTR_SENSOR_ACC)
            acc++;
        else
            emg++;
    return emg + (acc ? 1u : 0u);
}

/* The memory after the detector struct: channels, lanes, each channel's artifact stage
 * (its look-ahead line sized for the rate), each sensor's band-pass states, the chain of
 * each sensor present, then with ECG cancelling its design, one canceller per EMG
 * channel and the accelerometer lane's delay line (energy, amplitude). */
typedef struct layout {
    size_t channels, lanes, levels, scans, steps, art, band[N_SENSORS], chain[N_SENSORS], mains, sess,
        ecg_design, ecg, acc_ring, total;
    uint32_t band_cols[N_SENSORS];
    size_t art_stride, ecg_stride;
    uint32_t ecg_delay;
} layout;

/* Does an EMG channel run the level-step test (process_frame)? Surface EMG (the TKEO
 * envelope) with an accelerometer that confirms its twitches (fusion.c, acc_confirms). */
LTRI_COLD static int uses_levels(const ltr_config *cfg, unsigned n_emg, unsigned n_acc)
{
    return n_emg && n_acc && cfg->acc_confirms && cfg->emg_envelope == LTR_ENVELOPE_TKEO;
}

LTRI_COLD static int plan_layout(const ltr_config *cfg, layout *lo, ltri_ecg_design *ecg)
{
    unsigned n_emg = 0, n_acc = 0;
    for (unsigned c = 0; c < cfg->n_channels; c++)
        cfg->sensors[c] == LTR_SENSOR_ACC ? n_acc++ : n_emg++;
    memset(lo, 0, sizeof *lo);
    lo->channels = CHANNELS_OFFSET;
    lo->lanes = lo->channels + align_up(cfg->n_channels * sizeof(channel_state));
    lo->levels = lo->lanes + align_up(count_lanes(cfg) * sizeof(ltri_lane_slot));
    /* the hump levels of the one lane that times by its hump: the accelerometer's, when
     * no channel is EMG (ltri_lane_design_init's hump_onset); EMG lanes have none */
    lo->scans = lo->levels + (n_acc && !n_emg ? align_up(sizeof(ltri_lane_levels)) : 0);
    /* the scans of the EMG lanes, where they scan (scan.h) */
    lo->steps = lo->scans + (ltri_scan_wanted(cfg, LTR_SENSOR_EMG) ? n_emg * align_up(sizeof(ltri_scan))
                                                                    : 0);
    /* the EMG channels' level-step tests, where they run (uses_levels) */
    lo->art = lo->steps + (uses_levels(cfg, n_emg, n_acc) ? align_up(n_emg * sizeof(ltri_level)) : 0);
    ltri_artifact_design art;
    ltri_artifact_design_init(&art, cfg);
    lo->art_stride = align_up(ltri_artifact_size(&art));
    /* Band-pass states: one column for a single channel (run as one cascade), else whole
     * groups of LTRI_SOA_GROUP columns (the unused ones filter zeros). */
    const unsigned count[N_SENSORS] = {n_emg, n_acc};
    const unsigned sections[N_SENSORS] = {EMG_BAND_SECTIONS, ACC_BAND_SECTIONS};
    size_t at = lo->art + cfg->n_channels * lo->art_stride;
    for (unsigned k = 0; k < N_SENSORS; k++) {
        lo->band[k] = at;
        lo->band_cols[k] = count[k] <= 1u ? count[k]
                                          : (count[k] + LTRI_SOA_GROUP - 1u) /
                                                LTRI_SOA_GROUP * LTRI_SOA_GROUP;
        at += align_up(2u * sections[k] * lo->band_cols[k] * sizeof(ltri_real));
    }
    for (unsigned k = 0; k < N_SENSORS; k++) {
        lo->chain[k] = count[k] ? at : 0;
        at += count[k] ? align_up(sizeof(sensor_chain)) : 0;
    }
    /* the mains canceller's weights: EMG channels only (an accelerometer axis has none) */
    lo->mains = at;
    if (n_emg && cfg->mains_hz != 0.0 && cfg->mains_harmonics > 0)
        at += align_up(n_emg * sizeof(ltri_mains_channel));
    /* session tracking: only when it is on */
    lo->sess = cfg->session ? at : 0;
    at += cfg->session ? align_up(sizeof(ltri_session)) : 0;
    lo->ecg = at;
    lo->total = lo->ecg;
#if LTRI_HAVE_ECG /* else ltr_config_validate refused ecg_cancel (meson -Decg=false) */
    if (cfg->ecg_cancel && n_emg) {
        if (ltri_ecg_design_init(ecg, cfg->sample_rate_hz) != 0)
            return -1;
        lo->ecg_design = at;
        lo->ecg = at + align_up(sizeof(ltri_ecg_design));
        lo->ecg_stride = align_up(ltri_ecg_channel_size(ecg));
        lo->ecg_delay = ltri_ecg_delay(ecg);
        lo->acc_ring = lo->ecg + n_emg * lo->ecg_stride;
        lo->total = lo->acc_ring + (n_acc ? align_up(3u * lo->ecg_delay * sizeof(float)) : 0);
    }
#else
    (void)ecg;
#endif
    return 0;
}

LTRI_COLD size_t ltr_detector_size(const ltr_config *cfg)
{
    if (ltr_config_validate(cfg) != LTR_OK)
        return 0;
    /* the layout reads fields a 1.0 caller's config does not have: their defaults */
    ltr_config full;
    if (ltri_config_load(cfg, &full) != 0)
        return 0;
    layout lo;
    ltri_ecg_design ecg;
    return plan_layout(&full, &lo, &ecg) == 0 ? lo.total : 0;
}

/* ------------------------------------------------------------------ design */

/* A filter delay in whole frames (delays are positive; guard anyway). */
LTRI_COLD static uint64_t frames_round(double frames) { return frames > 0.0 ? (uint64_t)lround(frames) : 0; }

/* The smoother, and the delays of a chain whose band-pass delays by band_delay frames. */
LTRI_COLD static ltr_status design_envelope(sensor_chain *ch, double smoothing_hz, double band_delay,
                                  double fs)
{
    ltri_cascade smooth;
    if (ltri_envelope_design(&smooth, smoothing_hz, fs) ||
        smooth.n_sections != LTRI_ENVELOPE_SECTIONS)
        return LTR_ERR_BAND;
    memcpy(ch->smooth, smooth.sections, sizeof ch->smooth);
    ch->band_delay = frames_round(band_delay);
    ch->delay = frames_round(band_delay + ltri_envelope_delay(&smooth, fs));
    return LTR_OK;
}

LTRI_COLD static ltr_status design_emg(ltr_detector *d)
{
    const ltr_config *cfg = &d->cfg;
    const double fs = cfg->sample_rate_hz;
    sensor_chain *emg = chain_of(d, LTR_SENSOR_EMG);
    ltri_cascade_clear(&emg->band);
    /* 4th-order Butterworth band edges: -24 dB/octave keeps movement artifacts and
     * high-frequency noise out without much ringing. */
    if (ltri_cascade_add_butter_highpass(&emg->band, EMG_HP_ORDER, cfg->emg_highpass_hz, fs) ||
        ltri_cascade_add_butter_lowpass(&emg->band, EMG_LP_ORDER, cfg->emg_lowpass_hz, fs) ||
        emg->band.n_sections != EMG_BAND_SECTIONS)
        return LTR_ERR_BAND;
    /* Delay of the band-pass alone, at its geometric centre (sqrtf: a firmware links
     * no double sqrt; the delay hardly moves over a relative 1e-7 of frequency). */
    const double band_delay = ltri_cascade_group_delay(
        &emg->band, sqrtf((float)(cfg->emg_highpass_hz * cfg->emg_lowpass_hz)), fs);
    /* Mains: an adaptive canceller after the band-pass (mains.c), which finds 50 or 60 Hz
     * itself (LTR_MAINS_AUTO) and follows a drift of +-1 Hz at every harmonic; a fixed
     * notch 4 Hz wide removes 0.3-12 dB of a line drifted by 0.5-1 Hz. Harmonics up to
     * 1.2 x the low-pass edge: the 4th-order low-pass takes only a few dB off a line
     * just above it. */
    if (cfg->mains_hz != 0.0 && cfg->mains_harmonics > 0) {
        double top = 1.2 * cfg->emg_lowpass_hz;
        if (top > 0.49 * fs)
            top = 0.49 * fs;
        /* No line below the band edge (a low-pass under 50 Hz): nothing to cancel, as the
         * fixed notches skipped harmonics above it; ltr_config_validate passed the
         * settings, so they are not refused here. */
        d->has_mains = ltri_mains_design_init(&d->mains,
                                              fs, cfg->mains_hz == LTR_MAINS_AUTO
                                                      ? LTRI_MAINS_AUTO
                                                      : cfg->mains_hz,
                                              cfg->mains_harmonics, top) == 0;
    }
    return design_envelope(emg, cfg->emg_smoothing_hz, band_delay, fs);
}

LTRI_COLD static ltr_status design_acc(ltr_detector *d)
{
    const ltr_config *cfg = &d->cfg;
    const double fs = cfg->sample_rate_hz;
    sensor_chain *acc = chain_of(d, LTR_SENSOR_ACC);
    ltri_cascade_clear(&acc->band);
    /* 8th-order high-pass: gravity and therapist hand motion (< 5 Hz) are far larger than
     * a twitch and sit just below its band; -48 dB/octave keeps 4 Hz motion 20 dB down
     * (4th order let slow motion through as false twitches on synthetic sessions). */
    if (ltri_cascade_add_butter_highpass(&acc->band, ACC_HP_ORDER, cfg->acc_highpass_hz, fs) ||
        ltri_cascade_add_butter_lowpass(&acc->band, ACC_LP_ORDER, cfg->acc_lowpass_hz, fs) ||
        acc->band.n_sections != ACC_BAND_SECTIONS)
        return LTR_ERR_BAND;
    const double band_delay = ltri_cascade_group_delay(
        &acc->band, sqrtf((float)(cfg->acc_highpass_hz * cfg->acc_lowpass_hz)), fs);
    /* The twitch band starts an octave above the band's lower edge (motion_like); with
     * no room for it under the low-pass, no motion test. */
    ltri_cascade split;
    ltri_cascade_clear(&split);
    const double split_hz = MOTION_SPLIT * cfg->acc_highpass_hz;
    acc->motion_ratio = 0.0f;
    if (split_hz < 0.5 * cfg->acc_lowpass_hz &&
        ltri_cascade_add_butter_highpass(&split, 2u, split_hz, fs) == 0 && split.n_sections == 1u) {
        acc->split[0] = split.sections[0];
        acc->motion_ratio = (float)MOTION_RATIO;
    } else
        acc->split[0] = (ltri_biquad){0};
    return design_envelope(acc, cfg->acc_smoothing_hz, band_delay, fs);
}

#if LTRI_HAVE_ECG
/* The ECG canceller of an EMG channel (ECG cancelling on). */
static ltri_ecg_channel *ecg_channel(ltr_detector *d, const channel_state *ch)
{
    /* offsets are multiples of LTR_DETECTOR_ALIGN from an aligned block */
    return (void *)((unsigned char *)d + d->ecg_offset + (size_t)ch->slot * d->ecg_stride);
}
#endif

/* ECG cancelling delays the EMG by ecg_delay frames; the accelerometer lane's energy and
 * amplitude wait as long in this line, so that every lane runs on one time base. */
static float *acc_ring(ltr_detector *d) { return (void *)((unsigned char *)d + d->acc_ring_offset); }

LTRI_COLD static void reset_stream(ltr_detector *d)
{
    if (d->has_ecg) {
#if LTRI_HAVE_ECG
        for (unsigned c = 0; c < d->cfg.n_channels; c++)
            if (d->cfg.sensors[c] == LTR_SENSOR_EMG)
                ltri_ecg_channel_init(ecg_design(d), ecg_channel(d, &chans(d)[c]),
                                      ecg_design(d)->channel_size);
#endif
        if (has_sensor(d, LTR_SENSOR_ACC))
            memset(acc_ring(d), 0, 3u * d->ecg_delay * sizeof(float));
        d->acc_ring_pos = 0;
    }
    d->ecg_lag = d->has_ecg && d->cfg.ecg_cancel != LTR_ECG_AUTO ? d->ecg_delay : 0;
    d->ecg_skip = 0;
    d->fusion.latency = d->latency - d->ecg_delay + d->ecg_lag; /* CANCEL offsets */
    if (d->has_mains)
        ltri_mains_tracker_reset(&d->mains, &d->mains_tr);
    static const unsigned sections[N_SENSORS] = {EMG_BAND_SECTIONS, ACC_BAND_SECTIONS};
    for (unsigned k = 0; k < N_SENSORS; k++) {
        memset(band_state(d, k), 0, 2u * sections[k] * d->band_cols[k] * sizeof(ltri_real));
        d->band_tick[k] = 0;
    }
    for (unsigned c = 0; c < d->cfg.n_channels; c++) {
        channel_state *ch = &chans(d)[c];
        ltri_artifact_reset(&d->art, art_of(d, c));
        if (d->has_mains && ch->sensor == LTR_SENSOR_EMG)
            ltri_mains_channel_reset(&d->mains, mains_of(d, ch));
        ltri_energy_reset(&ch->energy);
        ch->split_z[0][0] = ch->split_z[0][1] = 0;
        ch->split_tick = 0;
        ch->blank_run = 0;
        if (d->level_offset && ch->sensor == LTR_SENSOR_EMG)
            memset(level_of(d, ch), 0, sizeof(ltri_level));
    }
    for (unsigned l = 0; l < d->n_lanes; l++) {
        ltri_lane_reset(&lanes_of(d)[l].lane);
        lanes_of(d)[l].blocked_until = 0;
        lanes_of(d)[l].blocked_as = 0;
        lanes_of(d)[l].energy = lanes_of(d)[l].amp_sq = lanes_of(d)[l].hi = 0.0f;
    }
    ltri_fusion_reset_stream(&d->fu);
    memset(&d->seg, 0, sizeof d->seg);
    d->n_marks = 0;
    d->mark_stim = d->mark_insertion = 0;
    d->last_artifact = 0;
    d->pulse_end = d->pulse_onset = 0;
    d->step_end = d->step_onset = 0;
    d->dirty = 0;
}

LTRI_COLD ltr_status ltr_detector_init(ltr_detector **det, void *mem, size_t mem_size, const ltr_config *cfg)
{
    if (!det || !mem || !cfg)
        return LTR_ERR_NULL;
    *det = NULL;
    const ltr_status st = ltr_config_validate(cfg);
    if (st != LTR_OK)
        return st;
    const size_t need = ltr_detector_size(cfg);
    if (mem_size < need || ((uintptr_t)mem % LTR_DETECTOR_ALIGN) != 0)
        return LTR_ERR_MEMORY;
    memset(mem, 0, need);
    ltr_detector *d = mem;
    if (ltri_config_load(cfg, &d->cfg) != 0) /* a 1.0 caller's config gets the later defaults */
        return LTR_ERR_VERSION;
    d->n_lanes = count_lanes(cfg);
    layout lo;
    ltri_ecg_design ecg;
    if (plan_layout(&d->cfg, &lo, &ecg) != 0)
        return LTR_ERR_ARGUMENT;
    /* the block is LTR_DETECTOR_ALIGN-aligned and every part starts at a multiple of it */
    d->lanes_offset = lo.lanes;
    d->level_offset = lo.art != lo.steps ? lo.steps : 0;
    d->art_offset = lo.art;
    d->art_stride = lo.art_stride;
    for (unsigned k = 0; k < N_SENSORS; k++) {
        d->band_offset[k] = lo.band[k];
        d->band_cols[k] = lo.band_cols[k];
    }
    for (unsigned k = 0; k < N_SENSORS; k++)
        d->chain_offset[k] = lo.chain[k];
    d->mains_offset = lo.mains;
    d->sess_offset = lo.sess;
    d->has_ecg = lo.ecg_stride != 0;
    d->ecg_stride = (uint32_t)lo.ecg_stride;
    d->ecg_delay = lo.ecg_delay;
    d->ecg_design_offset = lo.ecg_design;
#if LTRI_HAVE_ECG
    if (d->has_ecg)
        *ecg_design(d) = ecg;
#endif
    d->ecg_offset = lo.ecg;
    d->acc_ring_offset = lo.acc_ring;

    const double fs = cfg->sample_rate_hz;
    unsigned lane = 0;
    int acc_lane = -1;
    for (unsigned c = 0; c < cfg->n_channels; c++) {
        if (cfg->sensors[c] == LTR_SENSOR_EMG) {
            chans(d)[c].slot = d->band_count[LTR_SENSOR_EMG]++;
            chans(d)[c].sensor = LTR_SENSOR_EMG;
            lanes_of(d)[lane].sensor = LTR_SENSOR_EMG;
            lanes_of(d)[lane].channels = 1u << c;
            chans(d)[c].lane = lane++;
        } else {
            chans(d)[c].slot = d->band_count[LTR_SENSOR_ACC]++;
            chans(d)[c].sensor = LTR_SENSOR_ACC;
            if (acc_lane < 0) {
                acc_lane = (int)lane++;
                lanes_of(d)[acc_lane].sensor = LTR_SENSOR_ACC;
            }
            lanes_of(d)[acc_lane].channels |= 1u << c;
            chans(d)[c].lane = (uint32_t)acc_lane;
        }
    }
    if (lo.scans != lo.levels) /* the accelerometer lane is the only one */
        ltri_lane_attach_levels(&lanes_of(d)[0].lane,
                                (ltri_lane_levels *)(void *)((unsigned char *)d + lo.levels));
    if (lo.art != lo.scans) /* one scan per EMG lane, in lane order */
        for (unsigned l = 0, k = 0; l < d->n_lanes; l++)
            if (lanes_of(d)[l].sensor == LTR_SENSOR_EMG)
                ltri_lane_attach_scan(&lanes_of(d)[l].lane,
                                      (ltri_scan *)(void *)((unsigned char *)d + lo.scans +
                                                            k++ * align_up(sizeof(ltri_scan))));
    ltr_status ds;
    if (has_sensor(d, LTR_SENSOR_EMG) && (ds = design_emg(d)) != LTR_OK)
        return ds;
    if (has_sensor(d, LTR_SENSOR_ACC) && (ds = design_acc(d)) != LTR_OK)
        return ds;
    ltri_artifact_design_init(&d->art, cfg);
    for (unsigned k = 0; k < N_SENSORS; k++)
        if (has_sensor(d, k))
            ltri_lane_design_init(&chain_of(d, k)->lane, cfg, (ltr_sensor)k);
    for (unsigned l = 0; l < d->n_lanes; l++) /* plan_layout gave levels where they are used */
        if (lane_design(d, &lanes_of(d)[l])->hump_onset != (lanes_of(d)[l].lane.levels_at != 0) ||
            lane_design(d, &lanes_of(d)[l])->scan.enabled != (lanes_of(d)[l].lane.scan_at != 0))
            return LTR_ERR_ARGUMENT;

    uint64_t max_delay = 0;
    for (unsigned l = 0; l < d->n_lanes; l++) {
        ltri_lane_slot *s = &lanes_of(d)[l];
        s->delay = chain_of(d, s->sensor)->delay;
        s->onset_delay = chain_of(d, s->sensor)->band_delay;
        if (s->delay > max_delay)
            max_delay = s->delay;
    }
    /* look-ahead + one frame of energy operator + filters */
    d->latency = d->art.lookahead + 1 + max_delay + d->ecg_delay;
    /* The canceller removes 30 dB in about 0.2 s (0.65 s for every line in auto mode,
     * whose joint search cancels both families meanwhile): the EMG lanes start learning
     * their background after the first 0.2 s, not from the mains. */
    d->mains_settle = d->has_mains ? ltri_frames(MAINS_SETTLE_S, fs, LTRI_ROUND_UP, 0) : 0;
    d->recovery_min = ltri_frames(RECOVERY_MIN_S, fs, LTRI_ROUND_UP, 0);
    d->recovery_max = ltri_frames_ms(cfg->warmup_ms, fs, LTRI_ROUND_UP, 0);
    /* acc_highpass_hz is validated only with an accelerometer axis */
    d->acc_knock = has_sensor(d, LTR_SENSOR_ACC)
                       ? ltri_frames(ACC_KNOCK_PERIODS / cfg->acc_highpass_hz, fs, LTRI_ROUND_UP, 0)
                       : 0;
    if (d->recovery_max < d->recovery_min)
        d->recovery_max = d->recovery_min;
    ltri_fusion_design_init(&d->fusion, cfg, has_sensor(d, LTR_SENSOR_EMG),
                            has_sensor(d, LTR_SENSOR_ACC), d->latency);
    d->merge_gap = ltri_frames(ARTIFACT_MERGE_S, fs, LTRI_ROUND_UP, 0);
    d->stim_blank = ltri_frames_ms(cfg->stim_blank_ms, fs, LTRI_ROUND_UP, 1);
    d->needle_blank = ltri_frames_ms(cfg->needle_blank_ms, fs, LTRI_ROUND_UP, 1);
    ltri_session_design_init(&d->session, &d->cfg);
    ltr_detector_reset(d);
    *det = d;
    return LTR_OK;
}

LTRI_COLD ltr_status ltr_detector_create(ltr_detector **det, const ltr_config *cfg)
{
    if (!det || !cfg)
        return LTR_ERR_NULL;
    *det = NULL;
    const size_t need = ltr_detector_size(cfg);
    if (need == 0)
        return ltr_config_validate(cfg);
    void *mem = aligned_alloc(LTR_DETECTOR_ALIGN, align_up(need));
    if (!mem)
        return LTR_ERR_MEMORY;
    const ltr_status st = ltr_detector_init(det, mem, need, cfg);
    if (st != LTR_OK) {
        free(mem);
        return st;
    }
    (*det)->allocation = mem;
    return LTR_OK;
}

LTRI_COLD void ltr_detector_destroy(ltr_detector *det)
{
    if (det && det->allocation == det)
        free(det);
}

LTRI_COLD void ltr_detector_reset(ltr_detector *det)
{
    if (!det)
        return;
    reset_stream(det);
    det->n = det->n_real = det->start = 0;
    ltri_fusion_reset(&det->fu);
    if (det->session.on)
        ltri_session_reset(sess_of(det));
    ltri_events_reset(&det->events);
}

const ltr_config *ltr_detector_config(const ltr_detector *det) { return det ? &det->cfg : NULL; }
/* latency holds the canceller's delay whenever the canceller is built in (fusion's
 * bound); LTR_ECG_AUTO's lanes run that late only once a heart was found (ecg_lag) */
uint64_t ltr_detector_latency_frames(const ltr_detector *det)
{
    return det ? det->latency - det->ecg_delay + det->ecg_lag : 0;
}
uint64_t ltr_detector_frames(const ltr_detector *det) { return det ? det->n_real : 0; }
uint64_t ltr_detector_lost_events(const ltr_detector *det) { return det ? det->events.lost : 0; }

double ltr_detector_mains_hz(const ltr_detector *det)
{
    if (!det)
        return NAN;
    if (!det->has_mains)
        return 0.0;
    double hz = 0.0;
    switch (ltri_mains_query(&det->mains, &det->mains_tr, &hz)) {
    case LTRI_MAINS_SEARCHING: return det->mains_tr.quiet ? 0.0 : LTR_MAINS_AUTO;
    case LTRI_MAINS_LOCKED: return hz;
    case LTRI_MAINS_NONE: break;
    }
    return 0.0;
}

int ltr_detector_ready(const ltr_detector *det)
{
    if (!det)
        return 0;
    for (unsigned l = 0; l < det->n_lanes; l++) {
        const ltri_lane_slot *s = &lanes_of(det)[l];
        if (!ltri_noise_ready(&lane_design(det, s)->noise, &s->lane.noise))
            return 0;
    }
    return 1;
}

size_t ltr_detector_max_events(const ltr_detector *det, size_t n_frames)
{
    if (!det)
        return 0;
    /* Each lane begins at most once per confirm time; each twitch gives BEGIN plus
     * END or CANCEL; artifact stretches are at least merge_gap apart; +2 for what
     * flush closes; plus what waits in the queue. */
    /* confirm_ms is shared by EMG and accelerometer lanes: the first lane's */
    const size_t per_lane = n_frames / lane_design(det, &lanes_of(det)[0])->confirm + 2;
    size_t bound = 2 * det->n_lanes * per_lane + n_frames / det->merge_gap + 2;
    /* Session: each stroke (a pending mark, or a found movement: one artifact stretch
     * each, or a cancelled twitch that was a jolt: at most one per twitch begun) may end
     * a site, begin one and give a stop cue (3); a cue and a site end may fall due (2);
     * flush gives a cue and ends two sites (3), and its padding frames may close one
     * more artifact stretch (3). */
    if (det->session.on)
        bound += 3 * (det->n_marks + n_frames / det->merge_gap + det->n_lanes * per_lane + 2) + 5;
    return bound + ltri_events_waiting(&det->events);
}

/* ------------------------------------------------------------------ events */

/* Every twitch and artifact event goes out here; session tracking follows them. */
static void emit(ltr_detector *d, const ltr_event *ev)
{
    ltri_events_push(&d->events, ev);
    if (d->session.on)
        ltri_session_event(&d->session, sess_of(d), ev, ev->detected, &d->events);
}

/* Flags from what surrounds a twitch beginning at onset: artifacts, clipping, and
 * the stimulation pulse that evoked it (its frame in *stimulus). */
static uint32_t context_flags(const ltr_detector *d, ltri_frame onset, uint32_t channels,
                              uint64_t *stimulus)
{
    uint32_t f = 0;
    if (d->last_artifact && d->last_artifact + d->fusion.window > onset)
        f |= LTR_FLAG_NEAR_ARTIFACT;
    for (unsigned c = 0; c < d->cfg.n_channels; c++)
        if ((channels >> c & 1u) && art_of(d, c)->last_clip > onset)
            f |= LTR_FLAG_CLIPPED;
    /* A response beginning within the electromechanical window after a pulse's blanking
     * was evoked by it (an MEP 18-30 ms after TMS, an evoked twitch); never one that began
     * before the pulse (its blanked stretch may be shorter than stim_blank). */
    if (d->pulse_end && onset + d->stim_blank >= d->pulse_end && onset >= d->pulse_onset &&
        onset < d->pulse_end + d->fusion.window) {
        f |= LTR_FLAG_EVOKED;
        *stimulus = d->pulse_onset;
    }
    return f;
}

/* A twitch event from fusion: BEGIN and END get their context, then their confidence. */
static void report(ltr_detector *d, ltri_fused_event *fe)
{
    ltr_event *ev = &fe->ev;
    if (ev->kind != LTR_EVENT_CANCEL) {
        ev->flags |= context_flags(d, ev->onset, ev->channels, &ev->stimulus);
        ev->confidence = ltri_fusion_confidence(&d->fusion, fe->snr_of, ev->flags);
    }
    emit(d, ev);
}

static void on_lane_begin(ltr_detector *d, unsigned l, ltri_frame n)
{
    ltri_fused_event fe;
    if (ltri_fusion_begin(&d->fusion, &d->fu, lanes_of(d), d->n_lanes, l, n, &fe))
        report(d, &fe);
}

static void on_lane_end(ltr_detector *d, unsigned l) { ltri_fusion_end(&d->fu, lanes_of(d), l); }

/* An accelerometer event whose energy lies at the lower edge of the band, not in the
 * twitch band above it: hand motion, not a twitch. Voluntary and therapist hand movement
 * lies below 4-5 Hz (Mansur et al. 2007, Elble 2003: voluntary movement < 4 Hz, against
 * 8-12 Hz physiological tremor), and its strongest components leak through the
 * band-pass's lower edge as a slow wave; a twitch's acceleration is a transient of the
 * contraction (time to peak 30-90 ms) seen through the tissue's 10-30 Hz resonance, most
 * of its energy an octave and more above that edge (mechanomyogram of evoked twitches,
 * Orizio 1993). A fused (tetanic) contraction under an 80-100 Hz stimulation train moves
 * the limb as slowly at its start and end (force rise and relaxation over ~100-300 ms:
 * assumption, the simulator's tetanic movement lasts 300 ms). The share of the event's
 * energy above the split (2nd-order high-pass at twice the band's lower edge) tells them
 * apart: a pure leak at the edge keeps under 1/17 of it. */
static int motion_like(const sensor_chain *chain, const ltri_lane_twitch *tw)
{
    return chain->motion_ratio > 0.0f && tw->band_all > 0.0f &&
           tw->band_hi < chain->motion_ratio * tw->band_all;
}

static void on_lane_cancel(ltr_detector *d, unsigned l) { ltri_fusion_cancel(&d->fu, lanes_of(d), l); }

static void close_twitch(ltr_detector *d, ltri_frame n)
{
    ltri_fused_event fe;
    ltri_fusion_close(&d->fusion, &d->fu, lanes_of(d), d->n_lanes, n, d->step_onset, d->step_end,
                      &fe);
    report(d, &fe);
}

/* ------------------------------------------------------------------ frames */

/* Channel c's sample of input frame m left the line blanked for the reasons in why.
 * The lanes will see that sample at lane frame m (a lane frame indexes the sample it
 * sees, timebase.h): they are blocked until lane frame m + recovery. */
static void note_blank(ltr_detector *d, unsigned c, ltri_frame m, uint32_t why)
{
    channel_state *ch = &chans(d)[c];
    ltri_lane_slot *s = &lanes_of(d)[ch->lane];
    ch->blank_run++;
    /* Recovery grows with what was lost: a long dropout or NaN run costs up to the
     * warm-up time. A pulse, step or marked stretch is short and the sample-and-hold
     * bridges it smoothly: the short recovery is enough. */
    uint64_t rec = (why & (LTR_FLAG_NONFINITE | LTR_FLAG_DROPOUT)) ? 2ull * ch->blank_run : 0;
    if (rec < d->recovery_min)
        rec = d->recovery_min;
    if (rec > d->recovery_max)
        rec = d->recovery_max;
    if (m + rec > s->blocked_until)
        s->blocked_until = m + rec;
    /* an electrode step, detected or marked, re-arms; a stimulation pulse blanks only
     * itself */
    s->blocked_as = (why & LTR_FLAG_NEEDLE)        ? LANE_BLOCKED_REARM
                    : (why & LTR_FLAG_STIM)     ? LANE_BLOCKED_PULSE
                                                : LANE_BLOCKED;
    /* A pulse of a train faster than the blanking (80-100 Hz, LTRI_REASON_TRAIN) is
     * attributed nothing: every frame is within the electromechanical window of some
     * pulse, so no response is time-locked to one, and a train is no needle click. Its
     * channel stays blanked; the other lanes (an accelerometer, which the pulses do not
     * reach) go on. Its pulses still date the evoked window: a response that begins
     * after the train's last pulse is flagged evoked, one with pulses after its onset
     * is not (context_flags). */
    const int in_train = (why & LTRI_REASON_TRAIN) != 0;
    if ((why & LTRI_REASON_PULSE) && !in_train) {
        /* A stimulation pulse disturbs every channel, and evokes responses (an M-wave,
         * a mechanical twitch after the electromechanical delay). After a pulse the
         * device marked, every lane recovers and re-arms: what the pulse evokes is
         * reported, flagged LTR_FLAG_EVOKED (context_flags). A pulse found in the signal
         * may also be a needle click: every lane then waits out the fusion window, as
         * an evoked response cannot be told from a twitch the click hid. */
        const int marked = (why & LTR_FLAG_MARKED) != 0;
        const uint64_t wait = marked || rec > d->fusion.window ? rec : d->fusion.window;
        const ltri_lane_frame guard = m + wait;
        for (unsigned l = 0; l < d->n_lanes; l++)
            if (guard >= lanes_of(d)[l].blocked_until) {
                lanes_of(d)[l].blocked_until = guard;
                lanes_of(d)[l].blocked_as = marked ? LANE_BLOCKED_REARM | LANE_BLOCKED_PULSE
                                                    : LANE_BLOCKED_PULSE;
            }
    }
    d->last_artifact = m + 1;
    artifact_segment *g = &d->seg;
    if (!g->open) {
        g->open = 1;
        g->onset = m;
        g->flags = 0;
        g->channels = 0;
    }
    g->last = m;
    g->flags |= why & ~LTRI_REASONS;
    g->channels |= 1u << c;
    if (why & LTR_FLAG_NEEDLE) {
        d->step_end = m + 1;
        d->step_onset = g->onset;
    }
    if (why & LTRI_REASON_PULSE) {
        d->pulse_end = m + 1;
        d->pulse_onset = g->onset;
    }
}

/* Channel c, an accelerometer axis, clipped at input frame n: a knock (ACC_KNOCK_PERIODS).
 * Reported as a clipping artifact; its lane waits until the band-pass has rung out. */
static void note_knock(ltr_detector *d, unsigned c, ltri_frame m)
{
    note_blank(d, c, m, LTR_FLAG_CLIPPED);
    ltri_lane_slot *s = &lanes_of(d)[chans(d)[c].lane];
    if (m + d->acc_knock > s->blocked_until)
        s->blocked_until = m + d->acc_knock;
}

static void close_segment(ltr_detector *d, ltri_frame n)
{
    artifact_segment *g = &d->seg;
    const ltr_event ev = {
        .kind = LTR_EVENT_ARTIFACT, .id = 0, .onset = g->onset, .peak = g->onset,
        .offset = g->last + 1, .detected = n, .channels = g->channels, .flags = g->flags,
    };
    g->open = 0;
    emit(d, &ev);
}

static void apply_marks(ltr_detector *d, ltri_frame n)
{
    unsigned keep = 0;
    uint32_t keep_stim = 0, keep_insertion = 0;
    for (unsigned i = 0; i < d->n_marks; i++) {
        const ltri_frame frame = d->mark_frame[i];
        const int stim = (d->mark_stim >> i & 1u) != 0;
        const int insertion = (d->mark_insertion >> i & 1u) != 0;
        if (frame > n) {
            keep_stim |= (uint32_t)stim << keep;
            keep_insertion |= (uint32_t)insertion << keep;
            d->mark_frame[keep++] = frame;
            continue;
        }
        const uint64_t len = stim ? d->stim_blank : d->needle_blank;
        const uint32_t why = LTR_FLAG_MARKED | (stim ? LTR_FLAG_STIM | LTRI_REASON_PULSE
                                                     : LTR_FLAG_NEEDLE);
        /* A needle movement disturbs the electrode, not the accelerometer: its axes go
         * on unblanked, their lane sees the hand's jolt whole and judges it as movement
         * (motion_like). Blanking them held the axes for needle_blank_ms while the jolt
         * moved on, and the step at the hold's end rang through the band-pass as a
         * twitch 29 ms after every stroke (issue 11: 'sites' with marks, 197 false
         * twitches against 68 without). */
        for (unsigned c = 0; c < d->cfg.n_channels; c++)
            if (stim || d->cfg.sensors[c] != LTR_SENSOR_ACC)
                ltri_artifact_blank(&d->art, art_of(d, c), frame, frame + len, why);
        if (!stim && !(d->padding && frame >= d->n_real) && /* not a stroke after the end */
            d->session.on)
            ltri_session_stroke(&d->session, sess_of(d), frame,
                                insertion ? LTRI_STROKE_INSERTION : LTRI_STROKE_MARKED, n,
                                &d->events);
    }
    d->n_marks = keep;
    d->mark_stim = keep_stim;
    d->mark_insertion = keep_insertion;
}

/* The EMG lanes learn their background from what the canceller will go on giving them:
 * not while it still searches for the mains (auto: the first 0.5 s, cancelling both
 * families meanwhile), nor while it converges (mains_settle after the start). */
static int mains_settled(const ltr_detector *d, ltri_frame n)
{
    if (!d->has_mains)
        return 1;
    if (n - d->start < d->mains_settle)
        return 0;
    /* the tracker's status read in place: once a frame, not a call per lane */
    return !(d->mains_tr.status == LTRI_MAINS_SEARCHING && !d->mains_tr.quiet);
}

/* The input frame leaving the look-ahead line at input frame n: the sample the filters
 * take now. Returns 0 (and *m = 0) while the line still holds frames from before
 * this stream. */
static int line_frame(const ltr_detector *d, ltri_frame n, ltri_frame *m)
{
    /* the stream's first sample leaves the line at n = start + lookahead */
    const int timed = n - d->start >= d->art.lookahead;
    *m = timed ? n - d->art.lookahead : 0;
    return timed;
}

/* The lane frame the lanes take at input frame n: the sample whose energy was just
 * computed, one frame behind the line (the energy operator) and, with ECG cancelling,
 * ecg_delay frames more (ecg_lag: from the start, or once LTR_ECG_AUTO found a rhythm). */
static ltri_lane_frame lane_frame_at(const ltr_detector *d, ltri_frame n)
{
    return n - d->art.lookahead - 1 - d->ecg_lag;
}

/* The same, guarded: returns 0 (and *t = 0) while that sample is not of this stream. */
static int lane_frame(const ltr_detector *d, ltri_frame n, ltri_lane_frame *t)
{
    ltri_frame m;
    /* the lanes see sample m - 1 (the energy operator) and ecg_delay frames before it */
    const int timed = line_frame(d, n, &m) && m > d->start + (d->ecg_lag ? d->ecg_lag + 1 : 0);
    *t = timed ? lane_frame_at(d, n) : 0;
    return timed;
}

#if LTRI_HAVE_ECG
/* The lane's scan does not learn from a beat being subtracted: the residual of every
 * complex, once a second, would hold its false-alarm levels up as a heavy-tailed
 * background does and switch it off (scan.h). */
static inline void hush_in_beat(ltr_detector *d, const channel_state *ch, const ltri_ecg_channel *ec)
{
    ltri_lane *l = &lanes_of(d)[ch->lane].lane;
    if (l->scan_at && ltri_ecg_in_beat(ec))
        ltri_scan_hush(ltri_lane_scan_of(l));
}
#endif

/* An EMG channel's conditioning after the band-pass: mains, ECG. *heart is set when
 * LTR_ECG_AUTO should switch (ecg_auto_switch): its canceller has found a heart rhythm
 * while the lanes do not yet run late. */
static float condition_emg(ltr_detector *d, channel_state *ch, float y, uint32_t why, int *heart)
{
    if (d->has_mains) {
        /* a held (blanked) sample has no mains in it: do not cancel any */
        if (why)
            ltri_mains_hold(&d->mains, &d->mains_tr, mains_of(d, ch));
        else
            y = ltri_mains_step(&d->mains, &d->mains_tr, mains_of(d, ch), y);
    }
#if LTRI_HAVE_ECG
    if (d->has_ecg) {
        /* the canceller always learns; the lanes read its (delayed) output once they run
         * late (ecg_lag) */
        ltri_ecg_channel *ec = ecg_channel(d, ch);
        const float c = ltri_ecg_step(ecg_design(d), ec, y);
        if (d->ecg_lag) {
            y = c;
            hush_in_beat(d, ch, ec);
        } else if (ltri_ecg_heart(ec))
            *heart = 1;
    }
#else
    (void)heart;
#endif
    return y;
}

/* Input frame n through every channel's artifact stage, conditioning and energy operator:
 * the lanes' inputs (energy, amp_sq) for this step. */
/* A sensor's band-pass: a single channel as one cascade (its column is laid out as a
 * cascade state), several side by side. n = the sections (a constant at each call). */
static inline void band_pass(ltr_detector *d, unsigned sensor, float *col, unsigned n)
{
    const unsigned cols = d->band_cols[sensor];
    const ltri_biquad *sec = chain_of(d, sensor)->band.sections;
    if (cols == 1u)
        col[0] = ltri_sections_run_zn(sec, (ltri_real(*)[2])(void *)band_state(d, sensor),
                                      &d->band_tick[sensor], col[0], n);
    else if (cols) {
        for (unsigned i = d->band_count[sensor]; i < cols; i++)
            col[i] = 0.0f; /* the unused columns of the last group */
        ltri_sections_run_soa_n(sec, band_state(d, sensor), cols, col, cols,
                                &d->band_tick[sensor], n);
    }
}

/* Returns 1 when LTR_ECG_AUTO should switch (condition_emg). */
static inline int condition_frame(ltr_detector *d, const float *x, uint32_t clip_mask, ltri_frame n)
{
    ltri_frame m;
    const int timed = line_frame(d, n, &m);
    channel_state *chs = chans(d);
    ltri_lane_slot *lanes = lanes_of(d);
    const unsigned n_ch = d->cfg.n_channels;
    /* Only the accelerometer lane sums its axes; an EMG lane's inputs are set below. */
    if (has_sensor(d, LTR_SENSOR_ACC))
        for (unsigned l = 0; l < d->n_lanes; l++)
            lanes[l].energy = lanes[l].amp_sq = lanes[l].hi = 0.0f;
    const unsigned padding = d->padding ? LTRI_SAMPLE_PADDING : 0u;
    /* flush's padding frames were never fed: nothing is reported on them */
    const int report = timed && !(d->padding && m >= d->n_real);
    /* 1. Every channel's artifact stage; its sample goes to its sensor's band-pass column
     * (unused columns stay 0). */
    /* One frame's columns: the EMG block, then the accelerometer block. At most 36:
     * each block is its channel count rounded up to a group (one channel: 1), and the two
     * counts add up to LTR_MAX_CHANNELS at most. Kept small: it is on the stack of
     * ltr_detector_process (a Cortex-M4F has little). */
    float frame_cols[LTRI_SOA_MAX + LTRI_SOA_GROUP];
    float *col[N_SENSORS] = {frame_cols, frame_cols + d->band_cols[LTR_SENSOR_EMG]};
    for (unsigned c = 0; c < n_ch; c++) {
        channel_state *ch = &chs[c];
        const unsigned how = (clip_mask >> c & 1u ? LTRI_SAMPLE_CLIPPED : 0u) | padding;
        col[ch->sensor][ch->slot] =
            ltri_artifact_step(&d->art, art_of(d, c), x[c], n, how, &ch->why);
        if (ch->why && report)
            note_blank(d, c, m, ch->why);
        else
            ch->blank_run = 0;
        /* A surface electrode's step under the jump test dates a needle movement for
         * the fusion's stroke-alone rule (fusion.c), which needs an accelerometer on the
         * muscle (acc_confirms): a twitch's EMG alone may be as brief as a stroke. Surface
         * EMG only (the TKEO envelope's rates): a needle electrode's step is large enough
         * for the jump test, and its insertional activity crosses the slow band too. */
        if (ch->sensor == LTR_SENSOR_EMG && d->level_offset &&
            ltri_artifact_level_step(&d->art, level_of(d, ch), col[ch->sensor][ch->slot]) &&
            report) {
            d->step_onset = m;
            d->step_end = m + 1;
        }
        if (ch->sensor == LTR_SENSOR_ACC && art_of(d, c)->last_clip == n + 1 && report)
            note_knock(d, c, m);
    }
    /* 2. Each sensor's band-pass over all its channels at once (vectorised across them). */
    band_pass(d, LTR_SENSOR_EMG, col[LTR_SENSOR_EMG], EMG_BAND_SECTIONS);
    band_pass(d, LTR_SENSOR_ACC, col[LTR_SENSOR_ACC], ACC_BAND_SECTIONS);
    /* 3. Per channel, in channel order: mains and ECG cancelling, the energy operator. */
    const ltr_envelope envelope = d->cfg.emg_envelope;
    int heart = 0;
    for (unsigned c = 0; c < n_ch; c++) {
        channel_state *ch = &chs[c];
        ltri_lane_slot *ls = &lanes[ch->lane];
        if (ch->sensor == LTR_SENSOR_EMG) {
            const float y = condition_emg(d, ch, col[LTR_SENSOR_EMG][ch->slot], ch->why, &heart);
            ls->energy = ltri_energy_emg(&ch->energy, y, envelope, &ls->amp_sq);
            ls->y = y;
        } else {
            const float y = col[LTR_SENSOR_ACC][ch->slot];
            ltri_energy_acc(&ch->energy, y, &ls->energy);
            ls->amp_sq = ls->energy;
            const float h = ltri_sections_run_zn(chain_of(d, LTR_SENSOR_ACC)->split,
                                                 ch->split_z, &ch->split_tick, y, 1u);
            ls->hi += h * h;
        }
    }
    if (d->has_mains)
        ltri_mains_advance(&d->mains, &d->mains_tr);
    return heart;
}

/* ECG cancelling: the accelerometer lane's inputs wait as long as the canceller delays
 * the EMG, so that every lane takes the same lane frame. */
static void delay_acc_lane(ltr_detector *d)
{
    float *ring = acc_ring(d);
    ltri_lane_slot *acc = &lanes_of(d)[d->n_lanes - 1];
    for (unsigned l = 0; l < d->n_lanes; l++)
        if (lanes_of(d)[l].sensor == LTR_SENSOR_ACC)
            acc = &lanes_of(d)[l];
    const uint32_t i = 3u * d->acc_ring_pos;
    const float e = ring[i], a = ring[i + 1], h = ring[i + 2];
    ring[i] = acc->energy;
    ring[i + 1] = acc->amp_sq;
    ring[i + 2] = acc->hi;
    if (d->ecg_lag) { /* the ring fills from the start: ready when the lanes switch */
        acc->energy = e;
        acc->amp_sq = a;
        acc->hi = h;
    }
    d->acc_ring_pos = d->acc_ring_pos + 1 < d->ecg_delay ? d->acc_ring_pos + 1 : 0;
}

/* A lane's envelope: its energy through the smoother (state z, tick). One definition for
 * run_lanes and for the trace, which runs it again on a copy of the state. */
static inline float lane_envelope(const sensor_chain *chain, ltri_real (*z)[2], uint32_t *tick,
                                  float energy)
{
    const float env = ltri_sections_run_zn(chain->smooth, z, tick, energy, LTRI_ENVELOPE_SECTIONS);
    return env > 0.0f ? env : 0.0f; /* the low-pass undershoots a little after steps */
}

/* Every lane takes its lane frame at input frame n: smoothing, blocking, decision; their
 * news go to fusion. */
static void run_lanes(ltr_detector *d, ltri_frame n)
{
    if (d->ecg_skip) { /* the lanes have seen these samples undelayed already */
        d->ecg_skip--;
        return;
    }
    ltri_lane_frame t;
    const int timed = lane_frame(d, n, &t);
    /* What blocks a lane but depends on the frame only: once a frame. */
    const int emg_waits = has_sensor(d, LTR_SENSOR_EMG) && !mains_settled(d, n);
    ltri_lane_slot *lanes = lanes_of(d);
    for (unsigned l = 0; l < d->n_lanes; l++) {
        ltri_lane_slot *s = &lanes[l];
        const sensor_chain *chain = chain_of(d, s->sensor);
        const float env = lane_envelope(chain, s->lane.smooth.z, &s->lane.smooth.tick, s->energy);
        const int blocked = !timed || t < s->blocked_until ||
                                    (s->sensor == LTR_SENSOR_EMG && emg_waits)
                                ? (s->blocked_as ? s->blocked_as : LANE_BLOCKED)
                                : 0;
        const ltri_lane_news news =
            ltri_lane_step(&chain->lane, &s->lane, t, env, s->amp_sq, s->y, blocked);
        if (s->sensor == LTR_SENSOR_ACC)
            ltri_lane_note_band(&s->lane, s->energy, s->hi);
        switch (news) {
        case LANE_BEGIN: on_lane_begin(d, l, n); break;
        case LANE_END:
            if (s->sensor == LTR_SENSOR_ACC && motion_like(chain, &s->lane.tw)) {
                s->lane.tw.flags |= LTR_FLAG_MOTION;
                on_lane_cancel(d, l);
            } else
                on_lane_end(d, l);
            break;
        case LANE_CANCEL: on_lane_cancel(d, l); break;
        case LANE_NONE: break;
        }
    }
}

/* session.c's next decision, NULL when session tracking is off (end_frame). */
static const ltri_frame *session_due_of(ltr_detector *d)
{
    return d->session.on ? &sess_of(d)->due : NULL;
}

static LTRI_INLINE void end_frame(ltr_detector *d, ltri_frame n, const ltri_frame *due);

/* LTR_ECG_AUTO: once an EMG channel's canceller has found a heart rhythm, every lane
 * runs ecg_delay frames late, on the cancelled EMG. The lanes have already seen the
 * samples the delayed stream brings next: they skip that many steps once (lane frames
 * index samples, so nothing else moves). Their scans start learning again: the
 * uncancelled QRS was a heavy-tailed background that switched them off, and their
 * 99.5th-percentile trackers would take a minute to forget it (0.13 dB/s). */
static void ecg_auto_switch(ltr_detector *d)
{
    d->ecg_lag = d->ecg_skip = d->ecg_delay;
    d->fusion.latency = d->latency;
    for (unsigned l = 0; l < d->n_lanes; l++)
        if (lanes_of(d)[l].lane.scan_at)
            ltri_scan_reset(ltri_lane_scan_of(&lanes_of(d)[l].lane));
}

/* One input frame through the whole pipeline. */
static LTRI_INLINE void process_frame(ltr_detector *d, const float *x, uint32_t clip_mask)
{
    const ltri_frame n = d->n++;
    if (d->n_marks)
        apply_marks(d, n);
    const int heart = condition_frame(d, x, clip_mask, n);
    if (d->has_ecg && has_sensor(d, LTR_SENSOR_ACC) && d->ecg_delay)
        delay_acc_lane(d);
    if (heart) /* an EMG channel's canceller found a heart: the lanes switch once */
        ecg_auto_switch(d);
    run_lanes(d, n);
    end_frame(d, n, session_due_of(d));
    d->dirty = 1;
}

/* The frame's end, after the lanes: a twitch or artifact segment that falls due, the
 * session's decisions. due: session.c's next decision (session_due: NULL when session
 * tracking is off), which a caller may find once a call. */
static LTRI_INLINE void end_frame(ltr_detector *d, ltri_frame n, const ltri_frame *due)
{
    if (d->fu.tw.open && ltri_fusion_due(&d->fusion, &d->fu, n)) /* a call only when open */
        close_twitch(d, n);
    ltri_frame m;
    if (d->seg.open && line_frame(d, n, &m) && m > d->seg.last + d->merge_gap)
        close_segment(d, n);
    if (due && n >= *due) /* a call only when a decision falls due */
        ltri_session_tick(&d->session, sess_of(d), n, &d->events);
}

/* A detector of one EMG channel (the common device case): process_frame's steps in one
 * pass, with no columns to gather (a single channel has nothing to vectorise across) and
 * what does not change within a call (the channel's and the lane's state, its chain,
 * the frames from which the line and the lane are timed) taken once a call instead of
 * once a frame. The same operations in the same order as the general path: the same
 * events, bit for bit (issue 10: 854 -> 738 instructions a sample, 1 EMG channel at
 * 2 kHz, callgrind). */
LTRI_NOINLINE static void process_emg1(ltr_detector *d, const float *x, size_t n_frames,
                                      size_t stride, uint32_t clip_mask)
{
    channel_state *ch = chans(d);
    ltri_lane_slot *ls = lanes_of(d);
    ltri_artifact *art = art_of(d, 0);
    const sensor_chain *chain = chain_of(d, LTR_SENSOR_EMG);
    ltri_real(*z)[2] = (ltri_real(*)[2])(void *)band_state(d, LTR_SENSOR_EMG);
    ltri_mains_channel *mc = d->has_mains ? mains_of(d, ch) : NULL;
    const ltr_envelope envelope = d->cfg.emg_envelope;
    const int padding = d->padding;
    const unsigned how =
        (clip_mask & 1u ? LTRI_SAMPLE_CLIPPED : 0u) | (padding ? LTRI_SAMPLE_PADDING : 0u);
    const uint64_t la = d->art.lookahead;
    /* line_frame: timed from n - start >= la on; lane_frame: from m = n - la > start
     * (+ ecg_lag + 1 once the lanes run late for ECG cancelling) on */
    const ltri_frame line_from = d->start + la;
    /* the mains canceller keeps the lanes waiting before settled_from (mains_settled);
     * none of this call's frames is before it once the call starts after it */
    const int settling = mc && d->n < d->start + d->mains_settle;
    const ltri_frame settled_from = d->start + d->mains_settle;
    /* lane_frame: the lanes' first timed input frame and their lag behind the input
     * (la + 1 + ecg_lag); they change only when LTR_ECG_AUTO switches, within a call at
     * most once (ecg_auto_switch below) */
    uint32_t lag = d->ecg_lag;
    ltri_frame lane_from = line_from + (lag ? lag + 1u : 0u);
    uint64_t lane_back = la + 1u + lag;
    /* session.c's next decision, read in place (sess_of once a call, not once a frame) */
    const ltri_frame *session_due = session_due_of(d);
    /* marks are given between calls: none now, none in this call */
    const int marks = d->n_marks != 0;
#if LTRI_HAVE_ECG
    const int has_ecg = d->has_ecg;
    const ltri_ecg_design *ed = has_ecg ? ecg_design(d) : NULL;
    ltri_ecg_channel *ec = has_ecg ? ecg_channel(d, ch) : NULL;
#endif
    for (size_t i = 0; i < n_frames; i++) {
        const ltri_frame n = d->n++;
        if (marks && d->n_marks)
            apply_marks(d, n);
        const int line_timed = n >= line_from;
        uint32_t why;
        float y = ltri_artifact_step_inline(&d->art, art, x[i * stride], n, how, &why);
        /* flush's padding frames were never fed: nothing is reported on them */
        if (why && line_timed && !(padding && n - la >= d->n_real))
            note_blank(d, 0, n - la, why);
        else
            ch->blank_run = 0;
        y = ltri_sections_run_zn(chain->band.sections, z, &d->band_tick[LTR_SENSOR_EMG], y,
                                 EMG_BAND_SECTIONS);
        /* the mains canceller's step and advance in one call (one channel) */
        if (mc)
            y = ltri_mains_step_one(&d->mains, &d->mains_tr, mc, y, why != 0);
#if LTRI_HAVE_ECG
        if (has_ecg) {
            /* the canceller always learns; the lanes read its (delayed) output once they
             * run late (ecg_lag) */
            const float c = ltri_ecg_step(ed, ec, y);
            if (d->ecg_lag) {
                y = c;
                hush_in_beat(d, ch, ec);
            }
            /* ecg_auto_switch, called only once the one channel has found a heart */
            if (!d->ecg_lag && ltri_ecg_heart(ec)) {
                ecg_auto_switch(d);
                lag = d->ecg_lag;
                lane_from = line_from + (lag ? lag + 1u : 0u);
                lane_back = la + 1u + lag;
            }
        }
#endif
        ls->energy = ltri_energy_emg(&ch->energy, y, envelope, &ls->amp_sq);
        /* run_lanes for its one lane */
        if (d->ecg_skip) { /* the lanes have seen these samples undelayed already */
            d->ecg_skip--;
            end_frame(d, n, session_due);
            continue;
        }
        const int timed = n > lane_from;
        const ltri_lane_frame t = timed ? n - lane_back : 0;
        const int waits = mc && ((settling && n < settled_from) ||
                                 (d->mains_tr.status == LTRI_MAINS_SEARCHING && !d->mains_tr.quiet));
        const float env = lane_envelope(chain, ls->lane.smooth.z, &ls->lane.smooth.tick, ls->energy);
        const int blocked = !timed || t < ls->blocked_until || waits
                                ? (ls->blocked_as ? ls->blocked_as : LANE_BLOCKED)
                                : 0;
        switch (ltri_lane_step(&chain->lane, &ls->lane, t, env, ls->amp_sq, y, blocked)) {
        case LANE_BEGIN: on_lane_begin(d, 0, n); break;
        case LANE_END: on_lane_end(d, 0); break;
        case LANE_CANCEL: on_lane_cancel(d, 0); break;
        case LANE_NONE: break;
        }
        end_frame(d, n, session_due);
    }
    if (n_frames)
        d->dirty = 1;
}

/* n_frames input frames, frame i at x + i * stride (stride 0: one frame repeated, as
 * flush pads), all with the clip mask clip_mask. One loop with the frame inlined: a call
 * per frame cost 20 instructions a frame (callgrind). */
LTRI_NOINLINE static void process_frames_all(ltr_detector *d, const float *x, size_t n_frames,
                                            size_t stride, uint32_t clip_mask)
{
    for (size_t i = 0; i < n_frames; i++)
        process_frame(d, x + i * stride, clip_mask);
}

/* The same through the one-EMG-channel loop where it applies. Two functions, not one, so
 * that the one-channel path does not carry the general one's frame of columns on its
 * stack (Cortex-M4F: 136 bytes). */
static void process_frames(ltr_detector *d, const float *x, size_t n_frames, size_t stride,
                           uint32_t clip_mask)
{
    if (d->cfg.n_channels == 1u && chans(d)->sensor == LTR_SENSOR_EMG)
        process_emg1(d, x, n_frames, stride, clip_mask);
    else
        process_frames_all(d, x, n_frames, stride, clip_mask);
}

/* ------------------------------------------------------------------ calls */

static void begin_call(ltr_detector *d, ltr_event *events, size_t max_events)
{
    ltri_events_begin(&d->events, events, max_events);
}

static ltr_status end_call(ltr_detector *d, size_t *n_events)
{
    return ltri_events_end(&d->events, n_events);
}

ltr_status ltr_detector_process(ltr_detector *det, const float *frames, size_t n_frames,
                                ltr_event *events, size_t max_events, size_t *n_events)
{
    if (n_events)
        *n_events = 0;
    if (!det || !n_events || (n_frames && !frames) || (max_events && !events))
        return LTR_ERR_NULL;
    begin_call(det, events, max_events);
    process_frames(det, frames, n_frames, det->cfg.n_channels, 0);
    det->n_real += n_frames;
    return end_call(det, n_events);
}

ltr_status ltr_detector_process_s16(ltr_detector *det, const int16_t *frames, size_t n_frames,
                                    float gain, ltr_event *events, size_t max_events,
                                    size_t *n_events)
{
    if (n_events)
        *n_events = 0;
    if (!det || !n_events || (n_frames && !frames) || (max_events && !events))
        return LTR_ERR_NULL;
    if (!(gain > 0.0f) || !isfinite(gain))
        return LTR_ERR_ARGUMENT;
    begin_call(det, events, max_events);
    const unsigned n_ch = det->cfg.n_channels;
    float x[LTR_MAX_CHANNELS];
    for (size_t i = 0; i < n_frames; i++) {
        uint32_t clip = 0;
        for (unsigned c = 0; c < n_ch; c++) {
            const int16_t v = frames[i * n_ch + c];
            x[c] = (float)v * gain;
            if (v == INT16_MAX || v == INT16_MIN)
                clip |= 1u << c;
        }
        process_frames(det, x, 1, 0, clip);
    }
    det->n_real += n_frames;
    return end_call(det, n_events);
}

ltr_status ltr_detector_flush(ltr_detector *det, ltr_event *events, size_t max_events,
                              size_t *n_events)
{
    if (n_events)
        *n_events = 0;
    if (!det || !n_events || (max_events && !events))
        return LTR_ERR_NULL;
    begin_call(det, events, max_events);
    if (det->dirty) {
        /* Push the last real samples out of the look-ahead and energy delay by repeating
         * each channel's last good value (no step, so nothing new is detected). */
        float x[LTR_MAX_CHANNELS];
        for (unsigned c = 0; c < det->cfg.n_channels; c++)
            x[c] = art_of(det, c)->last;
        det->padding = 1;
        process_frames(det, x, det->art.lookahead + 2, 0, 0);
        /* and out of the ECG canceller's delay if the lanes run late (LTR_ECG_AUTO may
         * have switched them on the way) */
        process_frames(det, x, det->ecg_lag, 0, 0);
        det->padding = 0;
        const ltri_frame n = det->n - 1;
        const ltri_lane_frame t = lane_frame_at(det, n);
        for (unsigned l = 0; l < det->n_lanes; l++) {
            switch (ltri_lane_finish(lane_design(det, &lanes_of(det)[l]), &lanes_of(det)[l].lane, t)) {
            case LANE_END: on_lane_end(det, l); break;
            case LANE_CANCEL: on_lane_cancel(det, l); break;
            default: break;
            }
        }
        if (det->fu.tw.open)
            close_twitch(det, n);
        if (det->seg.open)
            close_segment(det, n);
        if (det->session.on)
            ltri_session_finish(&det->session, sess_of(det), det->n_real, n, &det->events);
        reset_stream(det);
        det->n = det->start = det->n_real;
    }
    return end_call(det, n_events);
}

ltr_status ltr_detector_mark(ltr_detector *det, ltr_mark kind, uint64_t frame)
{
    if (!det)
        return LTR_ERR_NULL;
    if (kind != LTR_MARK_STIM && kind != LTR_MARK_NEEDLE && kind != LTR_MARK_INSERTION)
        return LTR_ERR_ARGUMENT;
    /* The line still holds frames n-lookahead .. n-1. */
    if (frame < det->n && det->n - frame > det->art.lookahead)
        return LTR_ERR_ARGUMENT;
    if (det->n_marks >= LTR_MAX_PENDING_MARKS)
        return LTR_ERR_TOO_MANY_MARKS;
    const uint32_t bit = 1u << det->n_marks;
    det->mark_stim = kind == LTR_MARK_STIM ? det->mark_stim | bit : det->mark_stim & ~bit;
    det->mark_insertion =
        kind == LTR_MARK_INSERTION ? det->mark_insertion | bit : det->mark_insertion & ~bit;
    det->mark_frame[det->n_marks++] = frame;
    return LTR_OK;
}

/* ------------------------------------------------------------------ trace */

/* The trace reads what one frame left in the state (the conditioned sample is the energy
 * operator's newest, the thresholds the noise tracker's) and recomputes the one value that
 * lives only in a local, the smoothed envelope, from a copy of the smoother's state taken
 * before the frame: the normal path pays nothing for it. */
ltr_status ltr_detector_process_traced(ltr_detector *det, const float *frames, size_t n_frames,
                                       ltr_event *events, size_t max_events, size_t *n_events,
                                       const ltr_trace *trace)
{
    if (n_events)
        *n_events = 0;
    if (!det || !n_events || !trace || (n_frames && !frames) || (max_events && !events))
        return LTR_ERR_NULL;
    begin_call(det, events, max_events);
    const unsigned n_ch = det->cfg.n_channels;
    const channel_state *chs = chans(det);
    ltri_lane_slot *lanes = lanes_of(det);
    ltri_real z[LTR_MAX_CHANNELS][LTRI_ENVELOPE_SECTIONS][2];
    uint32_t tick[LTR_MAX_CHANNELS];
    float env[LTR_MAX_CHANNELS];
    for (size_t i = 0; i < n_frames; i++) {
        for (unsigned l = 0; l < det->n_lanes; l++) {
            memcpy(z[l], lanes[l].lane.smooth.z, sizeof z[l]);
            tick[l] = lanes[l].lane.smooth.tick;
        }
        process_frame(det, frames + i * n_ch, 0);
        for (unsigned l = 0; l < det->n_lanes; l++)
            env[l] = lane_envelope(chain_of(det, lanes[l].sensor), z[l], &tick[l], lanes[l].energy);
        for (unsigned c = 0; c < n_ch; c++) {
            const size_t k = i * n_ch + c;
            const unsigned l = chs[c].lane;
            const ltri_noise *nz = &lanes[l].lane.noise;
            if (trace->signal)
                trace->signal[k] = chs[c].energy.y1;
            if (trace->statistic)
                trace->statistic[k] = env[l];
            if (trace->background)
                trace->background[k] = nz->floor_lin;
            if (trace->threshold_on)
                trace->threshold_on[k] = nz->thr_on;
            if (trace->threshold_off)
                trace->threshold_off[k] = nz->thr_off;
        }
    }
    det->n_real += n_frames;
    return end_call(det, n_events);
}

ltr_status ltr_detector_trace_delays(const ltr_detector *det, unsigned channel,
                                     uint64_t *signal_frames, uint64_t *statistic_frames)
{
    if (!det || !signal_frames || !statistic_frames)
        return LTR_ERR_NULL;
    if (channel >= det->cfg.n_channels)
        return LTR_ERR_ARGUMENT;
    const channel_state *ch = &chans(det)[channel];
    const ltri_lane_slot *s = &lanes_of(det)[ch->lane];
    const uint64_t ecg = ch->sensor == LTR_SENSOR_EMG ? det->ecg_lag : 0;
    /* timebase.h: the line, then the band-pass (and the ECG canceller on EMG); a lane
     * frame is one energy-operator frame and ecg_delay behind the line, and its
     * envelope shows it s->delay (band-pass + smoother) later */
    *signal_frames = det->art.lookahead + ecg + s->onset_delay;
    *statistic_frames = det->art.lookahead + 1 + det->ecg_lag + s->delay;
    return LTR_OK;
}

ltr_status ltr_detector_session(const ltr_detector *det, ltr_session_stats *stats,
                                size_t stats_size)
{
    if (!det || !stats)
        return LTR_ERR_NULL;
    if (!det->session.on || stats_size == 0)
        return LTR_ERR_ARGUMENT;
    ltr_session_stats all;
    ltri_session_stats(sess_of(det), det->n, &all);
    memcpy(stats, &all, stats_size < sizeof all ? stats_size : sizeof all);
    return LTR_OK;
}
