/*
 * libltr-sim: simulated dry-needling recordings (EMG and accelerometer) with
 * exact ground truth.
 *
 * Copyright (c) 2026 The libltr authors. SPDX-License-Identifier: BSD-3-Clause
 *
 * Overview
 * --------
 * Fill an ltr_sim_params (ltr_sim_params_default() or a named scenario,
 * ltr_sim_scenario()), create a simulator (ltr_sim_create), then pull the
 * recording in blocks of any size with ltr_sim_generate(): the output is
 * identical, bit for bit, whatever the block sizes, and the same parameters
 * and seed give the same recording on every run of a given build. A recording
 * of any length can be produced in constant memory (only the elements under
 * way are held). The ground truth (every twitch, needle movement, stimulation
 * train, ECG beat, artifact... with onset and duration) is known as soon as
 * the simulator is created: ltr_sim_truth().
 *
 * What is simulated, and where its numbers come from, is documented field by
 * field in ltr_sim_params below and in lib/sim/README.md. A range either cites
 * its source or says plainly that it is an assumption.
 *
 * Units
 * -----
 * - EMG samples are millivolts (mV) at the amplifier input; EMG amplitude
 *   fields are microvolts (uV), as the literature states them.
 * - Accelerometer samples and fields are standard gravities (g).
 * - Times in parameters are seconds (_s) or milliseconds (_ms) as named;
 *   times in the ground truth are frame indices (uint64_t) from frame 0.
 *
 * Channels
 * --------
 * Frames are interleaved: n_emg EMG channels first (0 .. n_emg-1), then, if
 * params.acc is set, the accelerometer's x, y and z axes.
 *
 * Thread safety: a simulator is used by one thread at a time; distinct
 * simulators are independent (no global mutable state). The library never
 * prints (except into a FILE* it is given) and never exits.
 */
#ifndef LTR_LTR_SIM_H
#define LTR_LTR_SIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes of libltr-sim (0 = success, errors < 0). */
typedef enum ltr_sim_status {
    LTR_SIM_OK = 0,
    LTR_SIM_ERR_NULL = -1,        /**< a required pointer was NULL */
    LTR_SIM_ERR_SAMPLE_RATE = -2, /**< sample rate outside [LTR_MIN_SAMPLE_RATE_HZ, LTR_MAX_SAMPLE_RATE_HZ] */
    LTR_SIM_ERR_CHANNELS = -3,    /**< no channel at all, or n_emg > LTR_SIM_MAX_EMG */
    LTR_SIM_ERR_DURATION = -4,    /**< duration not finite, <= 0 or longer than LTR_SIM_MAX_DURATION_S */
    LTR_SIM_ERR_PARAM = -5,       /**< another parameter is out of range (see ltr_sim_params_check) */
    LTR_SIM_ERR_MEMORY = -6,      /**< allocation failed */
    LTR_SIM_ERR_SCENARIO = -7,    /**< no scenario of that name */
    LTR_SIM_ERR_IO = -8           /**< writing to the FILE* failed */
} ltr_sim_status;

/** A static English description of a status. Never NULL. */
LTR_API const char *ltr_sim_status_string(ltr_sim_status status);

/** Most EMG channels a simulator makes. */
#define LTR_SIM_MAX_EMG 8u
/** Longest recording, seconds (24 h). */
#define LTR_SIM_MAX_DURATION_S 86400.0

/** What a ground-truth element is. */
typedef enum ltr_sim_kind {
    LTR_SIM_LTR = 0,          /**< "ltr": a local twitch response (the target) */
    LTR_SIM_VOLUNTARY = 1,    /**< "voluntary": a voluntary contraction (seconds) */
    LTR_SIM_NEEDLE = 2,       /**< "needle": a needle movement: transient + insertional activity */
    LTR_SIM_STIM = 3,         /**< "stim": an electrical stimulation pulse train */
    LTR_SIM_ECG = 4,          /**< "ecg": one heartbeat's QRS complex (crosstalk) */
    LTR_SIM_MOTION = 5,       /**< "motion": therapist hand / patient motion episode */
    LTR_SIM_ELECTROLYSIS = 6, /**< "electrolysis": DC current through the needle, amplifier saturated, then recovery */
    LTR_SIM_CLIP = 7,         /**< "clip": an artifact driving the amplifier/ADC out of range */
    LTR_SIM_DROPOUT = 8,      /**< "dropout": samples lost, held at the last value (or 0) */
    LTR_SIM_NAN = 9           /**< "nan": samples lost, written as NaN */
} ltr_sim_kind;
#define LTR_SIM_N_KINDS 10u

/** The BIDS trial_type name of a kind ("ltr", "needle", ...); "unknown" if invalid. */
LTR_API const char *ltr_sim_kind_name(ltr_sim_kind kind);
/** The kind of a name as ltr_sim_kind_name writes it; -1 if unknown. */
LTR_API int ltr_sim_kind_from_name(const char *name);

/** One ground-truth element. */
typedef struct ltr_sim_event {
    ltr_sim_kind kind;
    uint32_t index;       /**< 0, 1, 2 ... among the elements of its kind, in onset order */
    uint64_t onset;       /**< first frame of the element as the recording shows it (see below) */
    uint64_t duration;    /**< frames; the element adds nothing at or after onset + duration,
                               except the tails named below */
    /** LTR: first frame of the EMG burst and of the mechanical (accelerometer)
     *  response (emg_onset + electromechanical delay). onset = emg_onset if the
     *  recording has EMG, acc_onset if it is accelerometer only. Other kinds:
     *  both equal onset. */
    uint64_t emg_onset;
    uint64_t acc_onset;
    /** LTR: EMG burst RMS over [emg_onset, emg_onset + duration), uV, and its ratio to
     *  the nominal background RMS (dB, 20 log10); peak acceleration, g. Voluntary:
     *  the same for the contraction. Needle: transient peak, uV. Stim: pulse
     *  amplitude, uV. ECG: R-peak, uV. Motion: peak acceleration, g. Other: 0. */
    double amplitude_uv;
    double snr_db;
    double acc_peak_g;
    /** LTR: 1-based position in its habituation series (1 = first twitch after a rest).
     *  Needle: 1-based position of the movement in its bout; 1 = the insertion (or
     *  redirection) that begins a needling site, the others are its strokes. */
    uint32_t series_position;
    /** Bit c set: channel c carries the element. */
    uint32_t channels;
} ltr_sim_event;

/** Components, for ltr_sim_params.components (render only some of them, e.g.
 *  to measure one). Masking a component never changes the ground truth or any
 *  other component: each has its own random stream. */
enum {
    LTR_SIM_C_BACKGROUND = 1u << 0,  /**< tonic EMG, amplifier noise, end-plate noise, accelerometer noise */
    LTR_SIM_C_LTR = 1u << 1,
    LTR_SIM_C_MAINS = 1u << 2,
    LTR_SIM_C_WANDER = 1u << 3,
    LTR_SIM_C_GRAVITY = 1u << 4,
    LTR_SIM_C_MOTION = 1u << 5,
    LTR_SIM_C_NEEDLE = 1u << 6,
    LTR_SIM_C_STIM = 1u << 7,
    LTR_SIM_C_VOLUNTARY = 1u << 8,
    LTR_SIM_C_ECG = 1u << 9,
    LTR_SIM_C_ELECTROLYSIS = 1u << 10,
    LTR_SIM_C_CLIP = 1u << 11,       /**< the out-of-range artifacts (kind clip) */
    LTR_SIM_C_DEFECTS = 1u << 12,    /**< the output stage: ADC range clipping, quantisation, dropouts, NaN */
    LTR_SIM_C_ALL = (1u << 13) - 1u
};

/** EMG electrode. */
typedef enum ltr_sim_electrode {
    /** Bipolar surface electrodes over the muscle: MUAPs low-passed by the tissue
     *  (8-25 ms), background band 20-450 Hz (SENIAM; De Luca et al. 2010). */
    LTR_SIM_SURFACE = 0,
    /** Intramuscular (needle) electrode near the trigger point: MUAPs of 2-15 ms
     *  with fast spikes, content to several kHz, end-plate noise. Wants >= 4 kHz. */
    LTR_SIM_NEEDLE_ELECTRODE = 1
} ltr_sim_electrode;

/** A [min, max] range; a value is drawn uniformly from it (min = max: fixed). */
typedef struct ltr_sim_range {
    double min;
    double max;
} ltr_sim_range;

/**
 * Every parameter of a simulation. Fill with ltr_sim_params_default() or
 * ltr_sim_scenario(), then change what you need. Sources of the defaults are
 * in the comments (and in lib/sim/README.md); "assumption" means we found no
 * published value and chose a plausible one.
 */
typedef struct ltr_sim_params {
    /* --- the recording --- */
    double sample_rate_hz;        /**< 250 .. 50 000 Hz. Default 2000. */
    double duration_s;            /**< Default 60 s. */
    uint64_t seed;                /**< any value; same seed, same recording. Default 1. */
    unsigned n_emg;               /**< EMG channels, 0 .. LTR_SIM_MAX_EMG. Default 1. */
    int acc;                      /**< nonzero: a 3-axis accelerometer follows. Default 0. */
    ltr_sim_electrode electrode;  /**< Default LTR_SIM_SURFACE. */
    uint32_t components;          /**< LTR_SIM_C_* to render. Default LTR_SIM_C_ALL. */

    /* --- background --- */
    /** RMS of the resting (tonic) EMG at the electrode, uV, band-limited to the
     *  electrode's band. Surface at rest: a few uV (assumption consistent with
     *  resting trapezius sEMG of 1-10 uV RMS). Default 4 uV. */
    double emg_rest_rms_uv;
    /** Slow variation of the tonic level: standard deviation of its log-amplitude
     *  (natural log units), correlation time emg_tonic_period_s. Default 0.25,
     *  10 s (assumption: posture and attention change resting tone over seconds). */
    double emg_tonic_log_sd;
    double emg_tonic_period_s;
    /** Amplifier input noise, uV RMS over the recording bandwidth: modern EMG
     *  amplifiers are specified at < 1-2 uV RMS (Merletti & Parker 2004;
     *  Clancy et al. 2002). Default 1 uV. */
    double amp_noise_rms_uv;
    /** EMG band, Hz: surface 20-450 (SENIAM, Hermens et al. 2000; De Luca et
     *  al. 2010); needle 20 Hz - min(5 kHz, 0.45 fs) (needle MUAPs carry energy to
     *  several kHz, Stalberg & Trontelj 1979). 0 = the electrode's default. */
    double emg_band_lo_hz;
    double emg_band_hi_hz;
    /** End-plate noise (needle electrode at the trigger point only): dense
     *  monophasic negative potentials of 10-50 uV lasting 1-2 ms, hundreds per
     *  second, and sparser biphasic end-plate spikes of 100-200 uV, 3-5 ms,
     *  firing irregularly at 5-50 Hz (AAEM glossary; Wiederholt 1970; Simons,
     *  Hong & Simons 2002, endplate noise characteristic of trigger points).
     *  Rates per second; amplitudes uV. Defaults 300/s at 10-50 uV, 10/s at 100-200 uV.
     *  Set the rates to 0 to switch it off. */
    double endplate_noise_rate_hz;
    ltr_sim_range endplate_noise_uv;
    double endplate_spike_rate_hz;
    ltr_sim_range endplate_spike_uv;
    /** Accelerometer white noise density, ug/sqrt(Hz): MEMS parts span about
     *  25 (ADXL355) to 220-300 (LIS3DH, ADXL345) ug/sqrt(Hz) per datasheets.
     *  RMS = density * sqrt(fs / 2). Default 150. */
    double acc_noise_ug_per_rthz;

    /* --- local twitch responses --- */
    /** How LTRs happen. If needle movements are on and ltr_follow_needle is set,
     *  each needle movement elicits one with probability ltr_probability (a
     *  spinal reflex to the needle hitting the trigger point, Hong 1994), after
     *  a reflex latency ltr_reflex_latency_ms (assumption: 10-40 ms, the range
     *  of short-latency spinal reflexes of trunk and limb muscles). Otherwise
     *  LTRs come one after another at intervals drawn from ltr_interval_s
     *  (e.g. snapping palpation, or needling not simulated). */
    int ltr_follow_needle;        /**< Default 1. */
    double ltr_probability;       /**< 0..1. Default 0.5 (assumption). */
    ltr_sim_range ltr_reflex_latency_ms; /**< Default 10..40 (assumption, see above). */
    ltr_sim_range ltr_interval_s; /**< Default 1.5 .. 8 s (assumption; pistoning at ~1 Hz, Hong 1994). */
    /** EMG burst duration, ms, drawn log-uniformly. LTRs are brief (sub-second)
     *  polyphasic bursts (Dexter & Simons 1981; Hong & Torigoe 1994, rabbit:
     *  needle-evoked responses shorter than palpation-evoked ones; Simons,
     *  Travell & Simons 1999). No published distribution we could find:
     *  default 25 .. 250 ms is an assumption within those descriptions. */
    ltr_sim_range ltr_duration_ms;
    /** Burst RMS over the background RMS (emg_rest_rms_uv and amp_noise and
     *  end-plate noise together), dB, of the first twitch of a series. Default
     *  6 .. 20 dB (assumption: surface EMG often barely shows LTRs, Lim 2004). */
    ltr_sim_range ltr_snr_db;
    /** Motor units recruited in the reflex burst and their discharge rate, Hz
     *  (assumption: a few units of the taut band, discharging at 20-60 Hz as in
     *  brief reflex bursts). Defaults 3 .. 10 units, 20 .. 60 Hz. */
    ltr_sim_range ltr_units;
    ltr_sim_range ltr_unit_rate_hz;
    /** Habituation: LTRs come in series (one trigger point being needled); each
     *  twitch of a series has its amplitude (and acceleration) multiplied by a
     *  factor drawn from ltr_habituation relative to the previous one, and in
     *  needle-driven mode the chance of eliciting one falls by the same factor:
     *  successive LTRs get smaller and eventually stop (Hong 1994;
     *  Cruz-Montecinos et al. 2021: the third LTR significantly smaller than the
     *  first). A series holds ltr_series_len twitches (renewal mode) or one needle
     *  bout (needle-driven mode); in renewal mode series are separated by
     *  ltr_series_gap_s (moving to another trigger point). Defaults 0.75 .. 0.95
     *  per twitch, 3 .. 8 twitches, 3 .. 10 s (assumptions). */
    ltr_sim_range ltr_habituation;
    ltr_sim_range ltr_series_len;
    ltr_sim_range ltr_series_gap_s;
    /** Electromechanical delay from EMG onset to the start of the accelerometer
     *  transient, ms: 10-50 ms (Cavanagh & Komi 1979; Zhou et al. 1995 give 20-100
     *  ms for maximal contractions). Default 10 .. 50. */
    ltr_sim_range ltr_emd_ms;
    /** Peak acceleration of the twitch at the skin, g (assumption: evoked-twitch
     *  mechanomyograms of 0.01-0.3 g). Default 0.02 .. 0.2. */
    ltr_sim_range ltr_acc_peak_g;
    /** Twitch contraction time, ms (Fuglevand et al. 1993 twitch model, 30-90 ms;
     *  human motor-unit twitches 47-102 ms, Macefield et al.). Default 30 .. 90. */
    ltr_sim_range ltr_contraction_ms;
    /** Soft-tissue / sensor resonance the twitch rings at, Hz (mechanomyogram
     *  band 5-100 Hz, Orizio 1993; assumption within it). Default 10 .. 30. */
    ltr_sim_range ltr_acc_resonance_hz;

    /* --- nuisances, each switchable --- */
    /** Mains interference: fundamental (50 or 60 Hz, 0 = off) and harmonics,
     *  k-th harmonic amplitude = amplitude * harmonic_decay^(k-1), even
     *  harmonics a further x0.3 (odd harmonics dominate from non-linear loads;
     *  compatibility levels 3rd 5 %, 5th 6 %, IEC 61000-2-2). The frequency wanders
     *  by drift_hz (EN 50160 allows +-1 %; typical grids stay within +-0.1 Hz).
     *  Defaults: 50 Hz, 20 uV, 7 harmonics, decay 0.35, drift 0.05 Hz. */
    double mains_hz;
    double mains_uv;
    unsigned mains_harmonics;
    double mains_harmonic_decay;
    double mains_drift_hz;
    /** Baseline wander (electrode-skin potential, respiration): a random process
     *  below wander_hz, amplitude (RMS) uV. Default 50 uV below 0.5 Hz
     *  (assumption; motion/baseline artifacts lie below 10-20 Hz, De Luca et al. 2010).
     *  0 = off. */
    double wander_uv;
    double wander_hz;
    /** Therapist hand / patient motion episodes on the accelerometer: sums of
     *  sines in 0.3-4 Hz (voluntary movement below 5 Hz) with a taper; small
     *  motion artifact on EMG (below 20 Hz). Rate per minute (0 = off), duration
     *  s, peak g, EMG artifact uV. Defaults off; 1 .. 6 s, 0.05 .. 0.3 g, 20 uV (assumptions). */
    double motion_per_min;
    ltr_sim_range motion_duration_s;
    ltr_sim_range motion_peak_g;
    double motion_emg_uv;
    /** Needle insertion and pistoning: bouts of movements ("fast-in fast-out",
     *  Hong 1994) at needle_rate_hz; each movement makes an electrode transient
     *  (step decaying with needle_transient_ms) and needle_insertional_ms of
     *  insertional activity: brief fiber potentials, rate decaying (normal
     *  insertional activity < 300 ms, Daube & Rubin 2009; 300-500 ms,
     *  Wheeless). The accelerometer sees the hand's jolt. Bouts per minute
     *  (0 = no needle), movements per bout, rate Hz, amplitudes uV/g.
     *  Defaults off; 3 .. 10 movements at 1 .. 2 Hz; transient 200 .. 2000 uV
     *  (needle) scaled by needle_surface_factor 0.05 on surface electrodes;
     *  insertional 300 .. 500 ms at 50 .. 300 uV; jolt 0.01 .. 0.08 g (assumptions
     *  except the durations). */
    double needle_bouts_per_min;
    ltr_sim_range needle_movements;
    ltr_sim_range needle_rate_hz;
    ltr_sim_range needle_transient_uv;
    ltr_sim_range needle_transient_ms;
    ltr_sim_range needle_insertional_ms;
    ltr_sim_range needle_insertional_uv;
    double needle_surface_factor;
    ltr_sim_range needle_jolt_g;
    /** Electrical stimulation trains through the needle or pads: pulse rate Hz
     *  (2-4 Hz "acupuncture-like" and 80-100 Hz, Han 2003), phase width us
     *  (50-250 us), biphasic; artifact amplitude uV at the electrode; amplifier
     *  recovery tail (assumption 1-5 ms, cf. stimulus-artifact blanking of a few
     *  ms, Hines et al. 1996); evoked M-wave uV (0 = none) and evoked twitch on the
     *  accelerometer for rates <= 10 Hz, g. Trains per minute (0 = off), train
     *  length s. Defaults off; 2 .. 4 Hz; 50 .. 250 us; 2000 uV; 3 ms; 200 uV; 0.03 g;
     *  train 5 .. 15 s. stim_high_rate_fraction of trains run at 80 .. 100 Hz. */
    double stim_trains_per_min;
    ltr_sim_range stim_train_s;
    ltr_sim_range stim_rate_hz;
    ltr_sim_range stim_high_rate_hz;
    double stim_high_rate_fraction;
    ltr_sim_range stim_width_us;
    double stim_uv;
    double stim_tail_ms;
    double stim_evoked_uv;
    double stim_evoked_g;
    /** DC percutaneous electrolysis: a galvanic current (commonly 1-3 mA for 3 s,
     *  repeated, Valera-Garrido & Minaya-Munoz) drives the amplifier to a rail;
     *  afterwards the offset decays with the amplifier's recovery time constant
     *  (assumption 0.3 .. 1 s). Events per minute (0 = off), duration s. Default off, 3 s. */
    double electrolysis_per_min;
    ltr_sim_range electrolysis_s;
    ltr_sim_range electrolysis_recovery_s;
    /** Voluntary contractions: ramps of 0.2-0.5 s, plateau, seconds long, a
     *  population of motor units recruited by threshold and firing 8-25 Hz
     *  (De Luca & Hostage 2010), level dB over the background (assumption 15-30 dB),
     *  and a slow limb movement on the accelerometer. Per minute (0 = off).
     *  Defaults off; 1 .. 5 s; 15 .. 30 dB; 0.02 .. 0.1 g. */
    double voluntary_per_min;
    ltr_sim_range voluntary_s;
    ltr_sim_range voluntary_db;
    ltr_sim_range voluntary_acc_g;
    /** ECG crosstalk (trunk and shoulder muscles: trapezius, paraspinals; Drake &
     *  Callaghan 2006): PQRST template (sum of Gaussians after McSharry et al.
     *  2003), heart rate bpm with 4 % beat-to-beat variability (assumption), R-peak uV
     *  (0 = off; assumption 50-500 uV on trunk sEMG). Defaults off, 60 .. 90 bpm. */
    double ecg_uv;
    ltr_sim_range ecg_bpm;
    /** Out-of-range artifacts (cable tug, electrode knock): a pulse of 1.5-4 x
     *  the ADC range lasting clip_ms on EMG, and a knock beyond acc_range_g on the
     *  accelerometer. Per minute (0 = off). Defaults off; 20 .. 200 ms (assumption). */
    double clip_per_min;
    ltr_sim_range clip_ms;
    /** Input range of the EMG amplifier + ADC, +-mV (0 = unlimited) and of the
     *  accelerometer, +-g (0 = unlimited); samples beyond it are clipped to it.
     *  ADC resolution in bits (0 = no quantisation). Defaults 5 mV (gain 1000
     *  into +-5 V), 8 g, 0 bits. */
    double adc_range_mv;
    double acc_range_g;
    unsigned adc_bits;
    /** Data loss: dropouts (all channels held at the last value, or 0 if
     *  dropout_hold is 0) and NaN runs, per minute (0 = off), durations ms
     *  (assumption: lost packets of a wireless link, 10-300 ms). Defaults off. */
    double dropout_per_min;
    ltr_sim_range dropout_ms;
    int dropout_hold;
    double nan_per_min;
    ltr_sim_range nan_ms;

    /* --- accelerometer orientation --- */
    /** Gravity and twitch direction in the sensor frame. If acc_random_orientation
     *  is set (default) both are drawn from the seed: gravity uniform on the sphere,
     *  the twitch within 30 degrees of the skin normal, the normal uniform on the
     *  sphere. Otherwise the two vectors below are used (normalised). */
    int acc_random_orientation;
    double gravity_dir[3];
    double twitch_dir[3];

    /* --- needling sites (appended) --- */
    /** Each needle bout is one site: an insertion or redirection, then pistoning
     *  strokes. Gap from a bout's end (its last insertional activity) to the next
     *  insertion, s: {0, 0} (default) draws it exponentially with mean
     *  60 / needle_bouts_per_min, as before; else uniformly from the range
     *  (assumption: moving to another trigger point takes a few seconds). */
    ltr_sim_range needle_bout_gap_s;
    /** Chance that a site gives no twitch at all: the needle stays superficial or
     *  misses the trigger point (assumption; Hong 1994 elicits LTRs only when the
     *  needle reaches the sensitive loci). 0..1. Default 0. */
    double needle_site_miss;
} ltr_sim_params;

/** Defaults: one surface EMG channel at 2 kHz, 60 s, LTRs every 1.5-8 s, 50 Hz
 *  mains, baseline wander; every other nuisance off. */
LTR_API void ltr_sim_params_default(ltr_sim_params *p);

/** Check parameters; on error *what (if not NULL) names the first bad field. */
LTR_API ltr_sim_status ltr_sim_params_check(const ltr_sim_params *p, const char **what);

/* --- named scenarios ------------------------------------------------------ */

/** Number of named scenarios. */
LTR_API size_t ltr_sim_scenario_count(void);
/** Name and one-line description of scenario i (NULL if i is out of range). */
LTR_API const char *ltr_sim_scenario_name(size_t i);
LTR_API const char *ltr_sim_scenario_description(size_t i);
/** Fill p with the named scenario (defaults, then the scenario's changes). */
LTR_API ltr_sim_status ltr_sim_scenario(const char *name, ltr_sim_params *p);

/* --- the simulator -------------------------------------------------------- */

typedef struct ltr_sim ltr_sim;

/** Check p, draw the whole schedule (the ground truth) and prepare the
 *  background processes. Allocates. */
LTR_API ltr_sim_status ltr_sim_create(ltr_sim **sim, const ltr_sim_params *p);
/** Free a simulator (NULL is ignored). */
LTR_API void ltr_sim_destroy(ltr_sim *sim);

/** The parameters it runs with. */
LTR_API const ltr_sim_params *ltr_sim_get_params(const ltr_sim *sim);
/** Channels per frame (n_emg + 3 if acc). */
LTR_API unsigned ltr_sim_channels(const ltr_sim *sim);
/** Sensor of channel ch (LTR_SENSOR_EMG or LTR_SENSOR_ACC), for ltr_config_default. */
LTR_API ltr_sensor ltr_sim_channel_sensor(const ltr_sim *sim, unsigned ch);
/** Short name of channel ch: "emg0".."emg7", "acc_x", "acc_y", "acc_z". */
LTR_API const char *ltr_sim_channel_name(const ltr_sim *sim, unsigned ch);
/** Total frames of the recording (llround(duration_s * sample_rate_hz)). */
LTR_API uint64_t ltr_sim_total_frames(const ltr_sim *sim);
/** Frames generated so far. */
LTR_API uint64_t ltr_sim_position(const ltr_sim *sim);
/** The nominal RMS of the EMG background (tonic + amplifier + end-plate noise),
 *  uV: the reference of every snr_db. */
LTR_API double ltr_sim_background_rms_uv(const ltr_sim *sim);

/**
 * Write the next frames: up to max_frames interleaved frames into out
 * (out[i * channels + c]); *n_frames gets how many (fewer only at the end of
 * the recording, 0 after it). Any split into blocks gives the same samples.
 * Allocates only while elements under way are first touched (bounded by the
 * longest element); returns LTR_SIM_ERR_MEMORY if that fails.
 */
LTR_API ltr_sim_status ltr_sim_generate(ltr_sim *sim, float *out, size_t max_frames,
                                        size_t *n_frames);

/** Start the recording again from frame 0 (same samples again). */
LTR_API void ltr_sim_rewind(ltr_sim *sim);

/** The ground truth: every element, sorted by onset (ties: by kind), valid until
 *  ltr_sim_destroy. *n gets the count. */
LTR_API const ltr_sim_event *ltr_sim_truth(const ltr_sim *sim, size_t *n);

/**
 * Write the ground truth as a BIDS events.tsv: columns onset, duration (s),
 * trial_type, then sample (onset frame), amplitude_uv, snr_db, acc_peak_g,
 * acc_onset (s), series_position, channels. Only kinds whose bit is set in
 * kinds_mask (1u << LTR_SIM_LTR ...; 0 = all). Numbers use the C locale's '.'.
 */
LTR_API ltr_sim_status ltr_sim_write_events_tsv(const ltr_sim *sim, FILE *f, uint32_t kinds_mask);

#ifdef __cplusplus
}
#endif

#endif /* LTR_LTR_SIM_H */
