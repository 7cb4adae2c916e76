/*
 * libltr: real-time detection of the local twitch response (LTR) in EMG and
 * accelerometer signals.
 *
 * Copyright (c) 2026 The libltr authors. SPDX-License-Identifier: BSD-3-Clause
 *
 * Overview
 * --------
 * A detector is configured once (ltr_config), placed in memory given by the
 * caller (ltr_detector_size + ltr_detector_init) or by the library
 * (ltr_detector_create), then fed interleaved frames of any block size. It
 * returns events: LTR_EVENT_BEGIN as soon as it is sure a twitch started,
 * LTR_EVENT_END with the twitch's full description when it is over (or
 * LTR_EVENT_CANCEL when what began turned out not to be a twitch), and
 * LTR_EVENT_ARTIFACT for stretches of input it could not use.
 *
 * Conventions
 * -----------
 * - Times are uint64_t frame indices counted from the first frame after
 *   init or reset. A frame holds one sample of every channel.
 * - Every function returns an ltr_status (LTR_OK = 0, errors < 0) unless it
 *   cannot fail. ltr_status_string() explains a status.
 * - Real-time safety: functions marked [RT] neither allocate, lock, block,
 *   print nor touch global state, and their work is bounded by their input
 *   size. Functions marked [init] may allocate or take time.
 * - Thread safety: a detector is used by one thread at a time; distinct
 *   detectors are fully independent (the library has no global mutable state).
 * - ABI: the layouts of ltr_config and ltr_event are part of the ABI. Since
 *   1.0 ltr_config opens with struct_size, set by ltr_config_default() to the
 *   sizeof(ltr_config) the caller was compiled with and checked by every
 *   function that takes a config: new fields are only ever appended behind
 *   it, and a later library fills the fields an older caller does not know
 *   with their defaults. A change of an existing field's layout bumps the
 *   SONAME major version (libltr.so.1 since 1.0). Always fill a config with
 *   ltr_config_default().
 */
#ifndef LTR_LTR_H
#define LTR_LTR_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(LTR_BUILDING_DLL)
#define LTR_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define LTR_API __attribute__((visibility("default")))
#else
#define LTR_API
#endif

/*
 * LTR_NODISCARD marks the functions whose status must not be dropped: an
 * ignored LTR_MORE_EVENTS or LTR_ERR_EVENT_OVERFLOW loses events, an ignored
 * init failure leaves *det unset, an ignored LTR_ERR_TOO_MANY_MARKS leaves an
 * artifact unblanked. gcc and clang then warn at every call that drops it
 * (gcc even through a (void) cast: test the status instead). It is not
 * `nonnull`: NULL arguments are documented and return LTR_ERR_NULL, and
 * `nonnull` would let the compiler delete those checks.
 */
#if defined(__GNUC__) || defined(__clang__)
#define LTR_NODISCARD __attribute__((warn_unused_result))
#else
#define LTR_NODISCARD
#endif

#define LTR_VERSION_MAJOR 1
#define LTR_VERSION_MINOR 0
#define LTR_VERSION_PATCH 0

/** Most channels one detector takes (event.channels is a 32-bit mask). */
#define LTR_MAX_CHANNELS 32u

/** ltr_config.mains_hz: find 50 or 60 Hz (or none) in the stream itself. */
#define LTR_MAINS_AUTO (-1.0)

/** Sample rates the conditioning can be designed for, in Hz. */
#define LTR_MIN_SAMPLE_RATE_HZ 250.0
#define LTR_MAX_SAMPLE_RATE_HZ 50000.0

/** Status codes. LTR_OK is 0, LTR_MORE_EVENTS is a positive notice, errors are negative. */
typedef enum ltr_status {
    LTR_OK = 0,
    /** Not an error: events are waiting; call process (n_frames may be 0) or flush again. */
    LTR_MORE_EVENTS = 1,
    LTR_ERR_NULL = -1,             /**< a required pointer argument was NULL */
    LTR_ERR_SAMPLE_RATE = -2,      /**< sample rate outside [LTR_MIN_SAMPLE_RATE_HZ, LTR_MAX_SAMPLE_RATE_HZ] or not finite */
    LTR_ERR_CHANNELS = -3,         /**< n_channels is 0 or above LTR_MAX_CHANNELS */
    LTR_ERR_SENSOR = -4,           /**< a sensor value is not an ltr_sensor */
    LTR_ERR_MAINS = -5,            /**< mains_hz is not LTR_MAINS_AUTO, 0, 50 or 60, or the harmonics/width are out of range */
    LTR_ERR_BAND = -6,             /**< a band edge is not finite, low >= high, or high >= Nyquist */
    LTR_ERR_THRESHOLD = -7,        /**< thresholds not finite, off > on, or on <= 0 dB */
    LTR_ERR_TIMING = -8,           /**< a duration/time field is negative, not finite or inconsistent */
    LTR_ERR_MEMORY = -9,           /**< memory block too small, misaligned, or allocation failed */
    LTR_ERR_ARGUMENT = -10,        /**< another argument is invalid (e.g. a mark kind, a gain) */
    LTR_ERR_EVENT_OVERFLOW = -11,  /**< events were lost: the internal queue overflowed (see ltr_detector_max_events) */
    LTR_ERR_TOO_MANY_MARKS = -12,  /**< more pending marks than LTR_MAX_PENDING_MARKS */
    LTR_ERR_ENVELOPE = -13,        /**< unknown envelope kind */
    LTR_ERR_VERSION = -14,         /**< config.struct_size is not a layout this library knows: fill the config with ltr_config_default() */
    LTR_ERR_UNSUPPORTED = -15      /**< the config asks for a feature this build of the library leaves out (ecg_cancel = 1 in a core built with meson -Decg=false) */
} ltr_status;

/** A human-readable, static, English description of a status. Never NULL. [RT] */
LTR_API const char *ltr_status_string(ltr_status status);

/** The library version as "MAJOR.MINOR.PATCH". [RT] */
LTR_API const char *ltr_version_string(void);

/** What a channel measures. */
typedef enum ltr_sensor {
    /** Electromyogram, surface or needle electrode, any unit (V, mV, uV, ADC counts). */
    LTR_SENSOR_EMG = 0,
    /**
     * One axis of an accelerometer (any unit: g, m/s^2, counts). All ACC
     * channels of a stream are taken as the axes of one accelerometer: they
     * are band-passed and combined into one orientation-free magnitude.
     */
    LTR_SENSOR_ACC = 1
} ltr_sensor;

/** The energy operator used for EMG envelopes. */
typedef enum ltr_envelope {
    /** Teager-Kaiser energy, |x[n]^2 - x[n-1] x[n+1]| (Solnik et al. 2010), smoothed. */
    LTR_ENVELOPE_TKEO = 0,
    /** Mean square of the band-passed signal (rectified RMS, squared), smoothed. */
    LTR_ENVELOPE_RMS = 1
} ltr_envelope;

/**
 * Detector configuration. Fill it with ltr_config_default(), then change
 * what you need. Every field is checked by ltr_detector_size/_init/_create;
 * a bad field is refused there with its status, never discovered mid-stream.
 */
typedef struct ltr_config {
    /** sizeof(ltr_config) as the caller was compiled: set by ltr_config_default(), checked
     *  by ltr_config_validate() and everything that takes a config (LTR_ERR_VERSION). */
    uint32_t struct_size;

    /* --- the stream --- */
    double sample_rate_hz;                 /**< frames per second, LTR_MIN..LTR_MAX_SAMPLE_RATE_HZ */
    unsigned n_channels;                   /**< channels per frame, 1..LTR_MAX_CHANNELS */
    ltr_sensor sensors[LTR_MAX_CHANNELS];  /**< sensor of each channel; entries >= n_channels unused */

    /* --- conditioning (designed at init) --- */
    /** EMG band-pass edges, Hz (4th-order Butterworth high-pass, 4th-order low-pass).
     *  Default 30 Hz - 450 Hz for surface rates (upper edge: SENIAM, Hermens et al. 2000;
     *  high-pass 30 Hz rather than 20 to remove ECG crosstalk, Drake & Callaghan 2006),
     *  and up to 2 kHz above 4 kHz sampling (needle EMG, whose motor-unit potentials
     *  carry energy to several kHz; Stalberg & Trontelj), always below 0.45 x sample rate. */
    double emg_highpass_hz;
    double emg_lowpass_hz;
    /** Accelerometer band-pass edges, Hz. Default 5 - 100 Hz: the mechanomyogram band
     *  (Orizio 1993; Beck et al. 2005), which also removes gravity and hand motion (< 5 Hz). */
    double acc_highpass_hz;
    double acc_lowpass_hz;
    /** Mains frequency, Hz: LTR_MAINS_AUTO (default: found in the first 0.5 s of the
     *  stream, 50 or 60 Hz or none, and tracked), 50, 60, or 0 for none. Mains and its
     *  harmonics are removed from EMG channels by an adaptive canceller (Widrow et al.
     *  1975: per line a sin/cos reference and two LMS weights), which follows a drift of
     *  +-1 Hz and amplitude changes; with no mains it leaves the signal untouched. */
    double mains_hz;
    /** How many multiples of mains_hz to cancel (1 = fundamental only), at most 12;
     *  multiples above 1.2 x the EMG low-pass edge are skipped. Default 8; 0 = none. */
    unsigned mains_harmonics;
    /** Unused since 1.0 (the canceller's lines are 5 Hz wide while it converges, then
     *  4 Hz); still checked (0 < width < mains_hz / 2) for old callers. Default 4 Hz. */
    double notch_width_hz;

    /* --- envelope --- */
    /** Default LTR_ENVELOPE_TKEO below 4 kHz sampling, LTR_ENVELOPE_RMS from 4 kHz
     *  (the one-sample TKEO weighs frequencies by (f/fs)^2: at needle-EMG rates it
     *  favours the kHz noise floor over the twitch). */
    ltr_envelope emg_envelope;
    /** Cut-off of the envelope smoothing low-pass (2nd-order Butterworth), Hz.
     *  Default 50 Hz for EMG (Solnik et al. 2010 low-pass the TKEO output at 50 Hz),
     *  at most 1/20 of the sample rate, and 20 Hz for the accelerometer magnitude. */
    double emg_smoothing_hz;
    double acc_smoothing_hz;

    /* --- decision --- */
    /** The envelope must rise this many dB above the noise floor to start a twitch. Default 12 dB. */
    double threshold_on_db;
    /** A twitch ends when the envelope falls below this many dB above the floor. Default 6 dB. */
    double threshold_off_db;
    /** Adaptive part of both thresholds: they are at least this many times the
     *  background's own spread (mean rise of the log envelope above the floor, dB).
     *  Default 3. 0 disables it. */
    double threshold_spread_factor;
    /** A twitch is confirmed (BEGIN) once its envelope stayed above the off threshold
     *  this long after crossing the on threshold, ms: the latency/false-start trade-off
     *  (tuned on simulated sessions). Default 12 ms. Must not exceed min_duration_ms. */
    double confirm_ms;
    /** Shortest EMG twitch, ms: an LTR is a burst of several motor-unit potentials
     *  lasting tens of ms (Hong & Torigoe 1994); a lone spike or an electrode click,
     *  stretched by the filters, lasts ~10 ms. Default 20 ms. */
    double min_duration_ms;
    /** Longest twitch, ms. An LTR is a brief (sub-second) contraction (Hong 1994;
     *  Simons, Travell & Simons 1999); a contraction lasting a second or more is
     *  voluntary and is cancelled, unless the accelerometer saw a twitch of its own in
     *  it (reported, timed by the accelerometer, when the contraction is cancelled).
     *  Default 1000 ms. */
    double max_duration_ms;
    /** A drop below the off threshold shorter than this does not end a twitch, ms
     *  (bridges the gaps of a polyphasic burst). Default 20 ms. */
    double gap_ms;
    /** After a twitch ends, no new twitch starts for this long, ms. Default 100 ms. */
    double refractory_ms;
    /** Noise-floor tracking rates, dB per second: how fast the floor may rise and fall.
     *  Slow rise, faster fall, frozen during twitches: the floor follows the background,
     *  never the twitches. Defaults 3 dB/s and 20 dB/s. */
    double floor_rise_db_per_s;
    double floor_fall_db_per_s;
    /** Time at the start of a stream (and after artifacts) spent learning the background
     *  before any twitch may start, ms. Default 300 ms. With mains_hz = LTR_MAINS_AUTO the
     *  EMG lanes start learning once the mains search is over (0.5 s into the stream):
     *  0.8 s in all; fix mains_hz (50, 60, 0) for short trials. */
    double warmup_ms;

    /* --- fusion --- */
    /** Electromechanical delay window, ms: an accelerometer transient starting up to
     *  this long after an EMG onset confirms it (EMD 10-50 ms: Cavanagh & Komi 1979;
     *  Zhou et al. 1995). Default 60 ms. */
    double fusion_window_ms;

    /* --- artifacts --- */
    /** A sample-to-sample jump this many dB above the signal's recent typical jump may be
     *  a stimulation pulse or an electrode step: it is blanked if it also comes out of
     *  calm signal in one frame or returns within the 1 ms look-ahead (a twitch's own
     *  potentials steepen over several frames and are never blanked). Default 40 dB (x100). */
    double spike_threshold_db;
    /** Blanking after a detected or marked stimulation pulse, ms: the pulse (50-500 us),
     *  the amplifier's recovery and the evoked M-wave (within ~15 ms of the stimulus;
     *  stimulus-artifact blanking, e.g. Hines et al. 1996). After a pulse the device
     *  marks, a response that begins within fusion_window_ms after the blanking (a
     *  motor-evoked potential 18-30 ms after a TMS pulse, an evoked twitch) is reported,
     *  flagged LTR_FLAG_EVOKED; after a pulse found in the signal every lane waits the
     *  fusion window out (the jump may have been a needle click). Default 15 ms. */
    double stim_blank_ms;
    /** Blanking after a marked needle movement, ms: the electrode's mechanical transient.
     *  EMG channels only (the accelerometer sees the hand's jolt, judged as movement).
     *  Default 30 ms. */
    double needle_blank_ms;
    /** |x| >= clip_level (input units) is clipping; 0 = unknown: runs of identical
     *  values at the signal's extreme are taken as clipping/saturation. Default 0. */
    double clip_level;
    /** A channel stuck at one exact value this long is a dropout, ms. Default 20 ms. */
    double dropout_ms;

    /* --- added in 0.1 (fields are only ever appended) --- */
    /** Shortest twitch on the accelerometer, ms. A twitch's mechanical response lasts
     *  its contraction plus relaxation time, 100 ms and more (twitch contraction times
     *  30-100 ms, Fuglevand et al. 1993), while a jolt of the therapist's hand on the
     *  needle is over in a few tens of ms. Default 80 ms. */
    double acc_min_duration_ms;

    /* --- added in 1.0 --- */
    /** Cancel ECG crosstalk on the EMG channels (trunk and shoulder muscles, where the
     *  heart's QRS complex is larger than a twitch): 1 on, 0 off, LTR_ECG_AUTO (2) on once
     *  a heart rhythm is found. Each channel learns the
     *  beat's template (QRS detection by a matched filter, Pan & Tompkins 1985 for the
     *  rules, template averaging over ~16 beats) and subtracts it from every beat, so QRS
     *  complexes do not become twitches and a twitch on top of a beat keeps its own
     *  energy (template subtraction, Drake & Callaghan 2006). Costs 33-34 ms of latency
     *  (the matched filter must see the complex before it can be subtracted from its
     *  start) and 1.8-8 KB per EMG channel (more at higher rates); with no ECG present it
     *  changes nothing but the delay. With LTR_ECG_AUTO the cancellers learn from the
     *  start but the lanes read the EMG undelayed until one EMG channel's canceller has
     *  recognised a heart: a learnt template whose beats come at 40-180 bpm and whose
     *  successive RR intervals vary as a sinus node's do (median beat-to-beat change
     *  >= 3 ms, at most a fifth of them < 2 ms, over >= 5 pairs of a run without a
     *  missing beat; heart-rate variability, Task Force ESC/NASPE 1996). A train of
     *  evoked responses (a stimulator's clock: MEPs, M-waves) or of twitches is learnt
     *  alike but is clock-exact or irregular, and never switches. Then every lane pauses
     *  for the 33-34 ms once and runs on the cancelled EMG from there
     *  (ltr_detector_latency_frames grows by it). A recording without ECG keeps the
     *  latency and the events it has without cancelling, bit for bit; QRS complexes
     *  before the heart is recognised (the first 5-15 s) are not cancelled. Default
     *  LTR_ECG_AUTO (0 in a core built without the canceller). A
     *  core built with meson -Decg=false (for devices that never cancel ECG: ~5.3 KiB less
     *  code on a Cortex-M4) refuses 1 and LTR_ECG_AUTO with LTR_ERR_UNSUPPORTED. */
    unsigned ecg_cancel;
#define LTR_ECG_AUTO 2u /**< ecg_cancel: cancel once a heart is recognised (the default) */
    /** With both EMG and an accelerometer: 1 = an EMG twitch the accelerometer did not
     *  see, not even below its threshold, within fusion_window_ms is cancelled
     *  (LTR_FLAG_UNSEEN). An LTR is by definition a visible or palpable contraction
     *  (Hong 1994; Simons, Travell & Simons 1999), so an accelerometer on the muscle moves
     *  with every one; EMG bursts it does not see are needle and insertional activity,
     *  spikes or crosstalk. 0 for an accelerometer that is not on the muscle (on the
     *  needle handle, say). Default 1. */
    unsigned acc_confirms;

    /* --- added in 1.1: session tracking (lib/core/session.c) --- */
    /** Follow the needling session: sites (one insertion or redirection each), their
     *  strokes and twitches, habituation, and the "twitches have stopped" cue
     *  (LTR_EVENT_SITE, LTR_EVENT_EXHAUSTED, LTR_EVENT_SITE_END; ltr_detector_session).
     *  1 on, 0 off (no session events; the twitch events are the same either way).
     *  Default 1. */
    unsigned session;
    /** Without LTR_MARK_INSERTION marks, a needle movement (a marked LTR_MARK_NEEDLE,
     *  or an electrode step, needle click or brief accelerometer jolt the detector
     *  found) after this long without one begins a new site, ms. With no marks at all,
     *  "without one" means without any activity (no movement found, no twitch: found
     *  movements miss some strokes), and the site is dated back to the first
     *  twitch-like activity after the gap (the insertional activity of an insertion the
     *  detector did not find). Pistoning runs at about 1-2 strokes a second (Hong 1994,
     *  "fast-in fast-out"), so strokes of one bout are < 1.2 s apart; moving to another
     *  site takes longer (assumption). Default 2000 ms. */
    double site_gap_ms;
    /** "Twitches have stopped": a site that gave twitches has gone this many strokes
     *  without one. Clinicians piston until local twitch responses are no longer
     *  elicited (Hong 1994; Dommerholt & Fernandez-de-las-Penas 2013); no count is
     *  published: 5 strokes (2.5-5 s of pistoning) is an assumption. 0 = no stroke rule.
     *  Default 5. */
    unsigned stop_strokes;
    /** ... or this long of needling (from its last twitch to a stroke) without one, ms.
     *  Assumption, as above: 10 s. 0 = no time rule. Default 10000 ms. */
    double stop_ms;
} ltr_config;

/**
 * Fill cfg with defaults for a stream of n_channels at sample_rate_hz whose
 * channels measure sensors[0..n_channels-1] (NULL: all EMG). The defaults
 * work out of the box for surface EMG (~1-2 kHz), needle EMG (>= 4 kHz)
 * and accelerometers. Returns the status a detector would refuse the
 * defaults with (e.g. LTR_ERR_SAMPLE_RATE); cfg is filled in any case
 * unless it is NULL. [RT]
 */
LTR_API ltr_status ltr_config_default(ltr_config *cfg, double sample_rate_hz,
                                      unsigned n_channels, const ltr_sensor *sensors);

/** Check a configuration without building a detector. [init] */
LTR_API LTR_NODISCARD ltr_status ltr_config_validate(const ltr_config *cfg);

/** Event kinds. */
typedef enum ltr_event_kind {
    /** A twitch has started. onset and peak-so-far are known; offset = detected. */
    LTR_EVENT_BEGIN = 1,
    /** The twitch with this id is over; every field describes it. */
    LTR_EVENT_END = 2,
    /** What began with this id was not a twitch (flags say why: LTR_FLAG_TOO_LONG,
     *  LTR_FLAG_TOO_SHORT, LTR_FLAG_ARTIFACT, LTR_FLAG_UNSEEN). No END follows. */
    LTR_EVENT_CANCEL = 3,
    /** A stretch of input the detector could not use (flags say why); onset..offset. */
    LTR_EVENT_ARTIFACT = 4,
    /* Session events (config.session; lib/core/session.c). id is the site's number
     * (1, 2, ... since init or reset); amplitude is the site's habituation: the last
     * twitch's amplitude over its first's (0 before any twitch); channels are the
     * channels that saw its twitches; its stroke and twitch counts are read with
     * ltr_event_site_strokes() and ltr_event_site_twitches(). onset <= peak <= offset
     * <= detected as for every event. */
    /** A site begins (an insertion or redirection): onset = peak = offset = its first
     *  frame (the movement that began it). */
    LTR_EVENT_SITE = 5,
    /** Twitches have stopped at site id: it gave twitches, then stop_strokes strokes or
     *  stop_ms of needling without one. onset = peak = offset = the stroke that completed
     *  the rule (detected - onset: the cue's delay). At most once a site. */
    LTR_EVENT_EXHAUSTED = 6,
    /** Site id is over (the next one began, or the stream ended): onset = its first
     *  frame, peak = its last twitch's onset (onset if none), offset = its end. Flags:
     *  LTR_FLAG_NO_TWITCH (superficial, or the trigger point was missed),
     *  LTR_FLAG_STOPPED (LTR_EVENT_EXHAUSTED was given for it). */
    LTR_EVENT_SITE_END = 7
} ltr_event_kind;

/** Event flags (bitwise OR). */
enum {
    LTR_FLAG_EMG = 1u << 0,           /**< seen on an EMG channel */
    LTR_FLAG_ACC = 1u << 1,           /**< seen on the accelerometer */
    LTR_FLAG_FUSED = 1u << 2,         /**< EMG onset confirmed by the accelerometer within fusion_window_ms */
    LTR_FLAG_CLIPPED = 1u << 3,       /**< input clipped or saturated during the twitch or artifact */
    LTR_FLAG_NEAR_ARTIFACT = 1u << 4, /**< an artifact or a mark lies within fusion_window_ms of the twitch */
    LTR_FLAG_TOO_LONG = 1u << 5,      /**< cancelled: longer than max_duration_ms (voluntary contraction) */
    LTR_FLAG_ARTIFACT = 1u << 6,      /**< cancelled: an artifact interrupted it within min_duration_ms (a longer twitch ends there, LTR_FLAG_NEAR_ARTIFACT) */
    LTR_FLAG_TRUNCATED = 1u << 7,     /**< the stream ended (flush) before the twitch did */
    LTR_FLAG_STIM = 1u << 8,          /**< artifact: stimulation pulse(s) or spike(s) */
    LTR_FLAG_NEEDLE = 1u << 9,        /**< artifact: needle movement (marked, or an electrode step) */
    LTR_FLAG_NONFINITE = 1u << 10,    /**< artifact: NaN or Inf samples (or beyond +-1e12) */
    LTR_FLAG_DROPOUT = 1u << 11,      /**< artifact: signal stuck at one value */
    LTR_FLAG_MARKED = 1u << 12,       /**< artifact: told by the device through ltr_detector_mark */
    LTR_FLAG_TOO_SHORT = 1u << 13,    /**< cancelled: ended before min_duration_ms */
    /** twitch: it began within fusion_window_ms after a stimulation pulse the device
     *  marked had been blanked: a response the pulse evoked (an M-wave's tail, a motor-
     *  evoked potential, an evoked twitch), not a spontaneous LTR. event.stimulus holds
     *  the pulse's frame. A TMS or e-stim user wants these; a needling device drops them. */
    LTR_FLAG_EVOKED = 1u << 14,
    /** cancelled: an EMG twitch the accelerometer did not see at all (acc_confirms) */
    LTR_FLAG_UNSEEN = 1u << 15,
    /** LTR_EVENT_SITE_END: the site gave no twitch */
    LTR_FLAG_NO_TWITCH = 1u << 16,
    /** LTR_EVENT_SITE_END: its twitches had stopped (LTR_EVENT_EXHAUSTED was given) */
    LTR_FLAG_STOPPED = 1u << 17,
    /** cancelled: an accelerometer event whose energy lay at the band's lower edge, below
     *  the twitch band: hand motion, not a twitch */
    LTR_FLAG_MOTION = 1u << 18
};

/** One detector output. */
typedef struct ltr_event {
    ltr_event_kind kind;
    uint32_t id;          /**< BEGIN, END and CANCEL of one twitch share an id; ids count up from 1 */
    uint64_t onset;       /**< first frame of the twitch in the input signal (filter delay removed) */
    uint64_t peak;        /**< frame of the envelope maximum (filter delay removed) */
    uint64_t offset;      /**< first frame after the twitch (filter delay removed); BEGIN: = detected */
    uint64_t detected;    /**< frame at which the detector decided; detected - onset is the latency */
    float amplitude;      /**< largest |band-passed sample| (EMG) or acceleration magnitude, input units */
    float snr_db;         /**< envelope peak over the noise floor, dB (power ratio) */
    float confidence;     /**< 0..1: grows with snr_db, higher when EMG and accelerometer agree */
    uint32_t channels;    /**< bit c set: channel c saw it */
    uint32_t flags;       /**< LTR_FLAG_* */
    uint64_t stimulus;    /**< LTR_FLAG_EVOKED: first frame of the pulse that evoked it;
                               session events: the site's counts (ltr_event_site_strokes,
                               ltr_event_site_twitches); else 0 */
} ltr_event;

/** Session events (LTR_EVENT_SITE, _EXHAUSTED, _SITE_END): strokes (needle movements,
 *  the first included) and twitches of the site so far. 0 for other kinds. [RT] */
static inline uint32_t ltr_event_site_strokes(const ltr_event *ev)
{
    return ev->kind >= LTR_EVENT_SITE && ev->kind <= LTR_EVENT_SITE_END ? (uint32_t)(ev->stimulus >> 32) : 0u;
}
static inline uint32_t ltr_event_site_twitches(const ltr_event *ev)
{
    return ev->kind >= LTR_EVENT_SITE && ev->kind <= LTR_EVENT_SITE_END ? (uint32_t)(ev->stimulus & 0xFFFFFFFFu) : 0u;
}

/** Opaque detector. */
typedef struct ltr_detector ltr_detector;

/** Bytes of memory a detector for cfg needs, or 0 if cfg is invalid. [init]
 *  With the defaults (x86-64, sessions on; bench/bench_memory has the table): one
 *  EMG channel 6624 bytes at 2 kHz (6496 at 1 kHz, 7168 at 10 kHz, 8624 at 20 kHz),
 *  each further EMG channel 3632 bytes at 2 kHz (5632 at 20 kHz; 32 channels 117472);
 *  1 EMG + 3 accelerometer axes 9376 at 2 kHz. Of these, ECG cancelling
 *  (ecg_cancel = LTR_ECG_AUTO, the default) holds the beat templates and delay lines:
 *  with ecg_cancel = 0 one EMG channel is 4464 bytes at 2 kHz (4080 at 20 kHz) and
 *  each further one 1616 (1232 at 20 kHz); a core built with meson -Decg=false never
 *  carries them (a Cortex-M4F, 32-bit: 4288 bytes for one EMG channel at 2 kHz, 1557
 *  each further one). A further EMG channel at 2 kHz on the M4: its scan 568 bytes
 *  (32 + 64 block energies), lane 448, artifact stage 256 (its look-ahead line sized
 *  for the rate), mains canceller weights 208 (12 lines: both families while
 *  searching), channel record 44, band-pass states 32; a level-step test (32) only
 *  with an accelerometer on surface EMG. Limb-muscle devices can turn ECG off. */
LTR_API size_t ltr_detector_size(const ltr_config *cfg);

/** Alignment the memory block given to ltr_detector_init must have, bytes. */
#define LTR_DETECTOR_ALIGN 16u

/**
 * Build a detector in caller-owned memory (e.g. a static buffer on a
 * microcontroller). mem must be aligned to LTR_DETECTOR_ALIGN and hold
 * ltr_detector_size(cfg) bytes; it stays owned by the caller and must
 * outlive the detector. No allocation. On success *det points into mem.
 * The filter design happens here (libm only). [init, no allocation]
 *
 * Copying: a detector holds no pointer into itself or to the caller, so its
 * ltr_detector_size(cfg) bytes may be copied (memcpy) between calls into
 * another block aligned to LTR_DETECTOR_ALIGN; the copy is a detector that
 * continues the stream exactly as the original would (same events), and
 * the two are then independent (as libopus guarantees for its states).
 * A copy lives in caller memory: ltr_detector_destroy ignores it.
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_init(ltr_detector **det, void *mem, size_t mem_size,
                                                   const ltr_config *cfg);

/** Allocate (malloc) and initialise a detector; free it with ltr_detector_destroy. [init] */
LTR_API LTR_NODISCARD ltr_status ltr_detector_create(ltr_detector **det, const ltr_config *cfg);

/** Free a detector made by ltr_detector_create. NULL is ignored, and so is a
 *  detector made by ltr_detector_init or copied (just reuse or drop its memory). */
LTR_API void ltr_detector_destroy(ltr_detector *det);

/** Forget the stream: filter states, noise floor, pending events and marks;
 *  frame and id counters restart. Configuration is kept. [RT] */
LTR_API void ltr_detector_reset(ltr_detector *det);

/** The configuration the detector runs with (a copy inside the detector). [RT] */
LTR_API const ltr_config *ltr_detector_config(const ltr_detector *det);

/**
 * Feed n_frames interleaved frames (frames[i * n_channels + c]) and collect
 * the events they complete, in order of `detected`, into events[0..*n_events).
 * NaN/Inf, clipped and stuck samples are accepted and flagged.
 *
 * Events that do not fit in max_events are kept (up to an internal queue of
 * LTR_EVENT_QUEUE) and returned first by the next call, which then returns
 * LTR_MORE_EVENTS while some remain; with max_events >=
 * ltr_detector_max_events(det, n_frames) this never happens. If the queue
 * itself overflows, the lost events are counted and LTR_ERR_EVENT_OVERFLOW is
 * returned: no event is ever dropped silently. The frames are always consumed.
 *
 * Block-size invariant and deterministic: any split of the same frames gives
 * the same events. [RT] O(n_frames * n_channels).
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_process(ltr_detector *det, const float *frames,
                                                      size_t n_frames, ltr_event *events,
                                                      size_t max_events, size_t *n_events);

/**
 * As ltr_detector_process, for raw signed 16-bit ADC counts: sample =
 * counts * gain (gain in input units per count, > 0). Counts at -32768 or
 * 32767 are flagged as clipped. [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_process_s16(ltr_detector *det, const int16_t *frames,
                                                          size_t n_frames, float gain,
                                                          ltr_event *events, size_t max_events,
                                                          size_t *n_events);

/**
 * End the stream: feeds enough silence to flush the fixed delay, closes an
 * open twitch (END with LTR_FLAG_TRUNCATED) or artifact, and returns what
 * remains. The detector then behaves as after ltr_detector_reset, except that
 * the frame and id counters go on. LTR_MORE_EVENTS: call it again. [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_flush(ltr_detector *det, ltr_event *events,
                                                    size_t max_events, size_t *n_events);

/** Capacity of the internal event queue: a twitch's BEGIN and END and an artifact
 *  stretch, with one to spare. It is part of every detector's state (72 bytes an
 *  event), so it is small (issue 10: 16 events were 1152 bytes of a 4.4 KiB
 *  one-channel detector); size the events array with ltr_detector_max_events and
 *  nothing ever waits in it (16 until issue 10). */
#define LTR_EVENT_QUEUE 4u

/**
 * An upper bound on the events one ltr_detector_process call with n_frames
 * frames can return (or ltr_detector_flush with n_frames = 0): size the events
 * array with it and no event ever waits in the queue. [RT]
 */
LTR_API size_t ltr_detector_max_events(const ltr_detector *det, size_t n_frames);

/**
 * The fixed algorithmic delay, frames: the artifact look-ahead plus the group
 * delay of the conditioning and envelope filters. A twitch cannot be reported
 * earlier than about onset + latency + confirm time. Onsets, peaks and offsets
 * in events are already corrected for it. With ecg_cancel = LTR_ECG_AUTO it grows by
 * the ECG canceller's delay (33-34 ms) once a heart has been found. [RT]
 */
LTR_API uint64_t ltr_detector_latency_frames(const ltr_detector *det);

/** Frames consumed since init/reset. [RT] */
LTR_API uint64_t ltr_detector_frames(const ltr_detector *det);

/** Events lost to queue overflow since init/reset (see LTR_ERR_EVENT_OVERFLOW). [RT] */
LTR_API uint64_t ltr_detector_lost_events(const ltr_detector *det);

/**
 * 1 once every lane has learnt its background (the warm-up, warmup_ms of usable
 * input) and twitches can be reported; 0 before, after ltr_detector_reset or
 * flush, or for NULL. A stream that ends while this is still 0 (a recording
 * shorter than the warm-up, or one blanked throughout) was never searched for
 * twitches: say so rather than report "no twitch". [RT]
 */
LTR_API int ltr_detector_ready(const ltr_detector *det);

/** What a device can tell the detector about its own actions. */
typedef enum ltr_mark {
    /** It fired an electrical stimulation pulse (or a TMS pulse): blank stim_blank_ms from
     *  the frame; what it evokes after that is reported, flagged LTR_FLAG_EVOKED. */
    LTR_MARK_STIM = 1,
    /** It moved (inserted, pistoned, rotated) the needle: blank the EMG channels for
     *  needle_blank_ms (the electrode transient); a twitch elicited after it is still
     *  reported. */
    LTR_MARK_NEEDLE = 2,
    /** It inserted or redirected the needle: a new site begins at the frame
     *  (LTR_EVENT_SITE); blanked as LTR_MARK_NEEDLE, and a stroke of the new site. Once
     *  a stream has had one, only these marks begin sites (not movements after a gap). */
    LTR_MARK_INSERTION = 3
} ltr_mark;

/**
 * The mains frequency the detector is removing from its EMG channels, Hz: about 50 or 60
 * (the tracked value, drift included), 0 if it found none or was told mains_hz = 0 (or
 * has no EMG channel), LTR_MAINS_AUTO while it is still searching (the first 0.5 s of
 * a stream with mains_hz = LTR_MAINS_AUTO). NaN for NULL. [RT]
 */
LTR_API double ltr_detector_mains_hz(const ltr_detector *det);

/** Most marks that may wait for their frame. */
#define LTR_MAX_PENDING_MARKS 16u

/**
 * Tell the detector that the device caused an artifact at `frame` (which may
 * lie in the future, or up to the look-ahead in the past). The stretch is
 * blanked on every channel and reported as an LTR_EVENT_ARTIFACT with
 * LTR_FLAG_MARKED; a twitch already begun inside it is cancelled. A response
 * that begins within fusion_window_ms after a stimulation pulse's blanking (a
 * motor-evoked potential, an evoked twitch) is reported with LTR_FLAG_EVOKED and
 * the pulse's frame in event.stimulus. After a needle
 * movement the lanes re-arm at once: the reflex twitch a movement elicits
 * 10-40 ms later is what the clinician is looking for, and is reported (flagged
 * LTR_FLAG_NEAR_ARTIFACT). [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_mark(ltr_detector *det, ltr_mark kind,
                                                   uint64_t frame);

/**
 * What the detector sees, frame by frame, for plots and debugging (ltr plot):
 * caller-owned arrays of n_frames * n_channels floats, interleaved as the
 * frames are (array[i * n_channels + c]); any of them may be NULL. Channel c's
 * statistic, background and thresholds are those of its lane: every EMG
 * channel is a lane, all accelerometer axes share one (the same values on
 * each axis). Units: signal in input units; the rest in input units squared
 * (energy: 10 log10 gives dB). Thresholds are INFINITY until the lane has
 * learnt its background (warm-up).
 */
typedef struct ltr_trace {
    float *signal;        /**< conditioned signal: band-passed, mains and ECG removed */
    float *statistic;     /**< the decision statistic: the lane's smoothed energy envelope */
    float *background;    /**< the lane's noise floor (adaptive background) */
    float *threshold_on;  /**< a twitch begins when the statistic rises above this */
    float *threshold_off; /**< ... and ends when it stays below this (hysteresis) */
} ltr_trace;

/**
 * ltr_detector_process that also fills `trace` with one row per frame given.
 * The events are exactly those of ltr_detector_process (same frames, same
 * state; the two calls may be mixed on one stream), and the trace is block-size
 * invariant too. Row i shows the values the detector computed while taking frame
 * i: they describe earlier input frames, by the delays ltr_detector_trace_delays
 * gives (subtract them to draw the trace on the input's time axis). Not for a
 * device's loop: it costs 13 % more instructions per frame (callgrind, 1 EMG +
 * 3 accelerometer axes at 2 kHz) and writes up to five floats per sample; it
 * neither allocates nor blocks. ltr_detector_process pays nothing for it. LTR_ERR_NULL if trace is
 * NULL. The frames flush adds are not traced. [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_process_traced(ltr_detector *det, const float *frames,
                                                             size_t n_frames, ltr_event *events,
                                                             size_t max_events, size_t *n_events,
                                                             const ltr_trace *trace);

/**
 * How many frames a trace row lags the input for channel c: row i's signal is
 * the conditioned sample of input frame i - *signal_frames (the artifact
 * look-ahead, the band-pass's group delay and any ECG canceller's), its
 * statistic, background and thresholds that of input frame i - *statistic_frames
 * (the energy operator and the envelope smoother too), on the same time base as
 * the events' onsets and peaks. LTR_ERR_NULL, or LTR_ERR_ARGUMENT for a
 * channel out of range. [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_trace_delays(const ltr_detector *det, unsigned channel,
                                                           uint64_t *signal_frames,
                                                           uint64_t *statistic_frames);
/** Session tracking's running totals (config.session). Sites count from 1. */
typedef struct ltr_session_stats {
    uint32_t sites;                 /**< sites begun since init or reset */
    uint32_t sites_without_twitch;  /**< finished sites that gave none */
    uint32_t sites_stopped;         /**< sites whose twitches stopped (LTR_EVENT_EXHAUSTED) */
    uint32_t strokes;               /**< needle movements (marked or found) */
    uint32_t twitches;              /**< twitches (END events) within sites */
    uint32_t twitches_outside;      /**< twitches before the first site */
    /* the current site (site = 0: none yet) */
    uint32_t site;                  /**< its number */
    uint32_t site_strokes;          /**< its strokes, the first included */
    uint32_t site_twitches;         /**< its twitches */
    uint32_t strokes_since_twitch;  /**< strokes after its last twitch began (all if none) */
    uint32_t stopped;               /**< 1 once LTR_EVENT_EXHAUSTED was given for it */
    uint64_t site_onset;            /**< its first frame */
    uint64_t frames_since_twitch;   /**< frames from its last twitch's onset to now (or from its onset) */
    float first_amplitude;          /**< its first twitch's amplitude (input units), 0 none */
    float last_amplitude;           /**< its last twitch's amplitude, 0 none */
    float habituation;              /**< last over first, 0 none */
} ltr_session_stats;

/**
 * Read the session's running totals into *stats (stats_size = sizeof *stats as the
 * caller was compiled: fields are only appended; a shorter struct gets its part). Any
 * time; the totals include the events returned so far. LTR_ERR_ARGUMENT if the
 * session is off (config.session = 0) or stats_size is 0. [RT]
 */
LTR_API LTR_NODISCARD ltr_status ltr_detector_session(const ltr_detector *det,
                                                      ltr_session_stats *stats,
                                                      size_t stats_size);

#ifdef __cplusplus
}
#endif

#endif /* LTR_LTR_H */
