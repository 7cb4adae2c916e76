/*
 * Mains interference canceller with 50/60 Hz auto-detection and drift
 * tracking (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * What it does. Removes the mains fundamental and its harmonics from EMG
 * channels with an adaptive noise canceller (Widrow et al., "Adaptive noise
 * cancelling: principles and applications", Proc. IEEE 63(12), 1975): per
 * harmonic a unit sin/cos reference pair and two LMS weights; the weights
 * follow the line's amplitude and phase, the output is input minus the
 * weighted references. With unit references the canceller is, for each
 * line, an exact LTI notch whose -3 dB width is g fs / (2 pi) Hz, whatever
 * the signal level: 5 Hz while it converges (30 dB in ~0.2 s), then 4 Hz.
 * The references come from one recursive phasor per mains family (no libm
 * call per sample), retuned by a frequency-locked loop driven by the
 * rotation of the weights, so a drift of +-1 Hz (k Hz at the k-th harmonic)
 * is followed exactly instead of being notched by a wide filter.
 *
 * Auto mode. For the first 0.5 s both families (50 Hz: up to 6 lines,
 * 60 Hz: up to 6 lines) are cancelled jointly, each with its own
 * frequency loop; over 0.25..0.5 s each line's power (|w|^2) is compared
 * with the local noise seen by its weights (their random walk over 10 ms),
 * summed over channels. A line is present when it is 10 dB over its local
 * noise; the family whose distinctive lines (not 300 Hz, which 50 and 60 Hz
 * share) hold more power wins and is locked, keeping its weights (the
 * loser's share of a shared line is rotated into the winner's weight).
 * With no distinctive line the state is "none": the output is the input,
 * bit for bit, and a silent search (output = input) is retried every 5 s.
 *
 * Protection of twitches. A twitch is broad-band (20-450 Hz): a 4 Hz line
 * takes a small share of it (0.5 dB for 8 lines). Adaptation is not frozen
 * during bursts: under strong mains a frozen canceller drifts off the line
 * and its residual becomes a false twitch (mains.c).
 *
 * Shape. A design (immutable, one per detector) holds what init computes;
 * a tracker (one per stream: mains is one grid) holds the oscillators, the
 * frequency estimate and the search; a channel holds one channel's weights.
 * All three are plain data without pointers: memcpy copies them.
 * Per frame: ltri_mains_step for every cancelled channel, then
 * ltri_mains_advance once. The output of sample n depends on inputs up to n
 * only: no latency.
 *
 * Sample path in float; design in double. Thread safety: distinct trackers
 * (with their channels) may run concurrently against one design.
 */
#ifndef LTR_CORE_MAINS_H
#define LTR_CORE_MAINS_H

#include <stdint.h>

/** mains_hz value asking for detection of 50 or 60 Hz. */
#define LTRI_MAINS_AUTO (-1.0)

/** Most lines (fundamental + harmonics) cancelled; lines searched per family
 *  in auto mode is half of it. 12 slots = 3 groups of 4 (vectorisable). */
#define LTRI_MAINS_MAX_LINES 12u
#define LTRI_MAINS_SEARCH_LINES 6u

/** What the tracker knows. */
typedef enum ltri_mains_status {
    LTRI_MAINS_SEARCHING = 0, /**< deciding 50 / 60 / none (auto mode, first 0.5 s) */
    LTRI_MAINS_LOCKED = 1,    /**< cancelling one family, frequency tracked */
    LTRI_MAINS_NONE = 2       /**< no mains found: output = input (search retried) */
} ltri_mains_status;

/** Immutable design, computed at init. */
typedef struct ltri_mains_design {
    double fs_hz;
    int auto_mode;              /**< 1: search; 0: fixed family */
    unsigned fixed_family;      /**< 0: 50 Hz, 1: 60 Hz (fixed mode) */
    unsigned n_search[2];       /**< lines per family while searching */
    unsigned n_lock[2];         /**< lines per family when locked */
    uint32_t search_shared[2];  /**< bit k-1: search line k is shared with the other family */
    float w_nom[2];             /**< nominal fundamental, rad/sample */
    float rot_re[2], rot_im[2]; /**< exp(j w_nom) */
    float dw_max;               /**< drift clamp, rad/sample */
    float merge_w;              /**< lines of the two families closer than this are one, rad/sample */
    float g_fast, g_slow;       /**< LMS gains (= notch width, rad/sample) */
    float gear_keep;            /**< per-tick relaxation of the gain toward its target */
    float fll_fast, fll_slow, fll_keep; /**< frequency-loop gain per tick, its relaxation */
    uint32_t tick;              /**< samples per tick (10 ms) */
    float inv_tick;
    uint32_t search_ticks, measure_from, retry_ticks;
    float snr_min;              /**< line power over local noise for "present" */
} ltri_mains_design;

/** Per-stream state shared by all channels (one mains grid). */
typedef struct ltri_mains_tracker {
    ltri_mains_status status;
    unsigned family;            /**< locked family */
    int quiet;                  /**< searching without cancelling (a retry) */
    unsigned n_slots;           /**< lines in use, padded to a multiple of 4 in loops */
    unsigned first[2], count[2];/**< slot range of each family (count 0: inactive) */
    uint32_t epoch;             /**< bumped at every layout change */
    uint32_t tick_left;         /**< samples to the next tick, this one included */
    uint32_t ticks;             /**< ticks since the search or the lock began */
    float p_re[2], p_im[2];     /**< fundamental phasors at the last tick */
    float r_re[2], r_im[2];     /**< per-sample rotation, exp(j (w_nom + dw)) */
    float rot_c[LTRI_MAINS_MAX_LINES], rot_s[LTRI_MAINS_MAX_LINES]; /**< r^k of each slot */
    float dw[2];                /**< frequency offset from nominal, rad/sample */
    float fll_mu;
    float g_target;             /**< notch gain the channels relax to */
    float ref_c[LTRI_MAINS_MAX_LINES], ref_s[LTRI_MAINS_MAX_LINES]; /**< this sample's references */
    float fll_num[2], fll_den[2];                   /**< per tick, summed over channels */
    /* The search's statistics and the last lock's merges are never needed at once: the
     * statistics are read once, at the end of the search, before lock() writes the
     * merges, which every channel applies at its next sample; a new search (a retry
     * after "none") starts from zero statistics and a new epoch. One storage (96 bytes
     * less a detector, issue 10). */
    union {
        struct {
            /** search statistics: line power and local noise, summed over channels and ticks */
            float line_pow[LTRI_MAINS_MAX_LINES], line_noise[LTRI_MAINS_MAX_LINES];
        };
        struct {
            /** the last lock's merges (W rotated by merge_re + j merge_im) */
            float merge_re[LTRI_MAINS_MAX_LINES], merge_im[LTRI_MAINS_MAX_LINES];
        };
    };
    /* the last lock: slot moves the channels apply lazily */
    unsigned char merge_to[LTRI_MAINS_MAX_LINES]; /**< loser slot -> new slot, 255: dropped */
    uint32_t lock_epoch;        /**< epoch the lock created */
} ltri_mains_tracker;

/** Per-channel state: 200 bytes (4 x 12 weights, the gain, an epoch). */
typedef struct ltri_mains_channel {
    float a[LTRI_MAINS_MAX_LINES], b[LTRI_MAINS_MAX_LINES];   /**< cos, sin weights */
    float a0[LTRI_MAINS_MAX_LINES], b0[LTRI_MAINS_MAX_LINES]; /**< weights at the last tick */
    float g;                    /**< LMS gain now */
    uint32_t epoch;
    /* ltri_mains_step_one's own: the canceller's output for the next sample, computed
     * in the pass that updated the weights and turned the references; valid while
     * the tracker's tick_left is y_next_at - 1 (0: not valid). */
    float y_next;
    uint32_t y_next_at;
} ltri_mains_channel;

/** Design for sample rate fs_hz (250 .. 50000), mains_hz 50, 60 or
 *  LTRI_MAINS_AUTO, up to `harmonics` multiples (1 = fundamental only,
 *  at most LTRI_MAINS_MAX_LINES), none above max_freq_hz (e.g. the EMG
 *  low-pass edge) or within 10 % of Nyquist (allowing for 1.5 Hz of drift).
 *  Returns 0, or -1 (d zeroed) for bad arguments or when no line fits. [init] */
int ltri_mains_design_init(ltri_mains_design *d, double fs_hz, double mains_hz, unsigned harmonics,
                           double max_freq_hz);

/** Start (or restart) a stream: searching in auto mode, locked on the
 *  nominal frequency in fixed mode. [RT, O(LTRI_MAINS_MAX_LINES)] */
void ltri_mains_tracker_reset(const ltri_mains_design *d, ltri_mains_tracker *t);

/** Zero a channel (weights forgotten, fast gain). Safe at any time, e.g.
 *  after an artifact. [RT] */
void ltri_mains_channel_reset(const ltri_mains_design *d, ltri_mains_channel *ch);

/** Cancel mains from one sample of one channel; returns the cleaned
 *  sample. [RT] Bounded: O(lines) per sample, plus O(lines) once per 10 ms
 *  tick. A NaN, Inf or |x| > 1e15 passes through (NaN stays NaN) without
 *  touching the state. No libm call, no subnormal (weights flushed every
 *  tick). Must not be compiled with -ffast-math. */
float ltri_mains_step(const ltri_mains_design *d, ltri_mains_tracker *t, ltri_mains_channel *ch,
                      float x);

/** A blanked sample (the artifact stage holds the last good one): the
 *  channel learns nothing and votes nothing, but keeps in step with the
 *  tracker; ltri_mains_advance is still called for the frame. Use it
 *  instead of ltri_mains_step for a blanked EMG sample: a held input lacks
 *  the mains, and cancelling it would write the inverted mains estimate
 *  into the output. [RT] */
void ltri_mains_hold(const ltri_mains_design *d, ltri_mains_tracker *t, ltri_mains_channel *ch);

/** End a frame: call once after ltri_mains_step for every channel. Turns
 *  the oscillators, retunes the frequency (every tick), decides the search.
 *  [RT, O(lines)] */
void ltri_mains_advance(const ltri_mains_design *d, ltri_mains_tracker *t);

/** A detector of one EMG channel: ltri_mains_step (or ltri_mains_hold, held != 0: a
 *  blanked sample, whose x is returned) and ltri_mains_advance in one call, with the
 *  weights' update and the references' turn in one pass over the lines. Exactly the
 *  results of the two calls. [RT] */
float ltri_mains_step_one(const ltri_mains_design *d, ltri_mains_tracker *t,
                          ltri_mains_channel *ch, float x, int held);

/** Current status; *freq_hz (if not NULL) gets the tracked fundamental when
 *  locked, 0 otherwise. [RT] */
ltri_mains_status ltri_mains_query(const ltri_mains_design *d, const ltri_mains_tracker *t,
                                   double *freq_hz);

/** Amplitude (input units) of the k-th harmonic (1 = fundamental) the
 *  channel is cancelling when locked; 0 if not cancelled. [RT] */
float ltri_mains_line_amplitude(const ltri_mains_tracker *t, const ltri_mains_channel *ch,
                                unsigned k);

#endif /* LTR_CORE_MAINS_H */
