/*
 * Deterministic synthetic signals for libltr's unit tests.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Small building blocks that tests add, one after another, into one buffer of
 * interleaved frames (buf[frame * n_ch + ch]) to compose a scenario: EMG
 * background, a twitch burst, the accelerometer's answer, mains hum, stimulation
 * pulses, dropouts... This is test code, not the public simulator.
 *
 * Conventions
 * -----------
 * - Times are seconds. A time t maps to the frame sig_frame(t, fs) =
 *   llround(t * fs) (negative times to frame 0). A stretch starting at t0 and
 *   lasting d seconds covers frames [sig_frame(t0, fs), sig_frame(t0 + d, fs)),
 *   clipped to the buffer.
 * - Every sig_add_* function ADDS its component to what the channel holds; the
 *   sig_set_* functions and sig_clip overwrite.
 * - Random parts draw from a caller-owned sig_rng (xoshiro256** seeded through
 *   splitmix64, Gaussian by Box-Muller): the same seed and the same calls give
 *   the same buffer, bit for bit, on a given platform. rand() is never used and
 *   there is no global state.
 * - To work on part of a buffer, pass buf + first_frame * n_ch and the number of
 *   frames of the part: every function works on any stretch of frames.
 * - Wrong arguments (NULL buffer, ch >= n_ch, fs <= 0, ...) are programming
 *   errors of a test: they print a message to stderr and abort(), so a test never
 *   silently runs on a signal it did not ask for. Allocation failure aborts too.
 */
#ifndef LTR_TESTS_SIGNALS_H
#define LTR_TESTS_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

/** In an axes[3] array: this axis does not exist (nothing is written for it). */
#define SIG_NO_AXIS 0xFFFFFFFFu

/* --- random numbers ------------------------------------------------------- */

/** Pseudo-random generator state (xoshiro256**, Blackman & Vigna 2018). */
typedef struct sig_rng {
    uint64_t s[4];
    double spare;  /**< second Box-Muller deviate, valid if has_spare */
    int has_spare;
} sig_rng;

/** Seed the generator (any seed, 0 included, gives a valid state). */
void sig_rng_seed(sig_rng *rng, uint64_t seed);
/** Uniform deviate in [0, 1), 53 random bits. */
double sig_uniform(sig_rng *rng);
/** Standard normal deviate (mean 0, variance 1). */
double sig_gauss(sig_rng *rng);

/* --- buffers and times ---------------------------------------------------- */

/** calloc a zeroed buffer of n_frames * n_channels floats (aborts on failure). */
float *sig_alloc(size_t n_frames, unsigned n_channels);
/** Free a buffer from sig_alloc (NULL is ignored). */
void sig_free(float *buf);

/** The frame of time t_s at rate fs: llround(t_s * fs); 0 for t_s <= 0. */
size_t sig_frame(double t_s, double fs);

/* --- EMG components ------------------------------------------------------- */

/**
 * Background EMG/amplifier noise: white Gaussian noise through a 4th-order
 * Butterworth high-pass at f_lo and a 4th-order Butterworth low-pass at f_hi
 * (RBJ biquads, written here independently of lib/core/filter.c). f_lo <= 0: no
 * high-pass; f_hi <= 0 or f_hi >= fs/2: no low-pass. The filters are run in
 * before the first frame, so the noise is stationary from frame 0. The added
 * component is scaled so that its RMS over the n_frames frames is exactly rms.
 */
void sig_add_emg_noise(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                       double rms, double f_lo, double f_hi, sig_rng *rng);

/**
 * A local twitch response as seen by an EMG electrode: a reflex burst of 4-8
 * motor units, each firing at 10-50 Hz (inter-spike interval CV 0.15) with a
 * biphasic or triphasic MUAP (first/second Hermite-Rodriguez function, Lo Conte
 * et al. 1994) lasting 2-15 ms (and at least 3 frames), shorter for faster units.
 * The sum is multiplied by an envelope that is 0 at the onset frame, rises as a
 * raised cosine for min(0.2 * duration, 15 ms), then falls as a raised cosine to 0
 * at onset + duration: the burst is weak in its first milliseconds (4% of its peak
 * envelope 2 ms into a 15 ms rise), so a detector's onset may fairly lag by a few ms. Frames outside [sig_frame(onset_s), sig_frame(onset_s + duration_s))
 * get exactly nothing; the burst's RMS over that stretch is exactly amplitude_rms
 * (nothing is added if the stretch is shorter than 2 frames). One unit always
 * fires near the end of the rise, so even a short twitch has content.
 */
void sig_add_twitch_emg(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                        double onset_s, double duration_s, double amplitude_rms, sig_rng *rng);

/**
 * A voluntary contraction: band-limited Gaussian noise (20 Hz to min(450 Hz,
 * 0.45 fs), the interference pattern of many units) with raised-cosine ramps of
 * min(0.3 s, duration / 4) up and down. Nothing outside
 * [sig_frame(onset_s), sig_frame(onset_s + duration_s)); RMS over that stretch
 * exactly amplitude_rms.
 */
void sig_add_voluntary(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                       double onset_s, double duration_s, double amplitude_rms, sig_rng *rng);

/** amplitude * sin(2 pi freq_hz n / fs + phase_rad) on every frame n (mains hum and its
 *  harmonics by repeated calls). */
void sig_add_sine(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                  double freq_hz, double amplitude, double phase_rad);

/** Baseline wander: amplitude * (0.75 sin(2 pi f t) + 0.25 sin(2 pi 0.618 f t + 1.3)),
 *  |wander| <= amplitude, not periodic within a stream. freq_hz is meant to be < 1 Hz. */
void sig_add_wander(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                    double amplitude, double freq_hz);

/** A QRS complex with its R peak at t_r_s: Gaussian Q, R and S waves as ltr simulate's
 *  (after McSharry et al. 2003: Q -0.12 at -28 ms, width 8 ms; R 1 at 0, 9 ms; S -0.30 at
 *  +30 ms, 10 ms), times and widths scaled by `scale` (1: the simulator's; < 1 narrower),
 *  times r_amplitude; added within +-(80 ms x scale) of the R peak. */
void sig_add_qrs(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double t_r_s, double r_amplitude, double scale);

/**
 * Electrical stimulation: a biphasic rectangular pulse (+amplitude for width_s,
 * then -amplitude for width_s) starting at frames sig_frame(start_s + k / rate_hz)
 * for k = 0, 1, ... while start_s + k / rate_hz < end_s (and the frame is in the
 * buffer). Each phase lasts max(1, llround(width_s * fs)) frames at full
 * amplitude: not area-preserving, because an amplifier shows a pulse shorter than
 * a sample as a full-scale spike all the same. Typical: width 50-500 us,
 * amplitude ~100x the EMG RMS.
 */
void sig_add_stim_pulses(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                         double start_s, double end_s, double rate_hz, double width_s,
                         double amplitude);

/** A needle-movement/electrode transient at sig_frame(t_s): a one-frame jump to
 *  amplitude decaying exponentially with a 5 ms time constant (< 1% after 25 ms,
 *  exactly 0 from 60 ms on). Nothing before t_s. */
void sig_add_needle_transient(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                              double t_s, double amplitude);

/* --- accelerometer components ---------------------------------------------- */

/**
 * The mechanical twitch: a(t) = amplitude * exp(-t / decay_s) * sin(2 pi freq_hz t)
 * for t = (frame - sig_frame(onset_s)) / fs >= 0 (0 before; the caller adds the
 * electromechanical delay to onset_s), projected on the unit vector along
 * direction (normalised here; a zero vector adds nothing): axes[k] gets
 * a(t) * direction[k] / |direction|. Computed until 25 time constants
 * (exp(-25) ~ 1e-11). Typical: 15-30 Hz, decay 20-60 ms.
 */
void sig_add_twitch_acc(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                        double fs, double onset_s, double amplitude, double freq_hz,
                        double decay_s, const double direction[3]);

/** Constant gravity: axes[k] += g[k] on every frame. */
void sig_add_gravity(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                     const double g[3]);

/** Slow hand/patient motion on each axis: a sum of 6 sines at random frequencies in
 *  0.3-4 Hz (nothing at or above 5 Hz) with random phases and weights, independent
 *  per axis, scaled to an RMS of `amplitude` per axis (exact in the long run; over
 *  a stretch of a few seconds within ~20%). */
void sig_add_hand_motion(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                         double fs, double amplitude, sig_rng *rng);

/* --- defects ---------------------------------------------------------------- */

/** Overwrite frames [sig_frame(start_s), sig_frame(start_s + dur_s)) of ch with NaN. */
void sig_set_nan(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double start_s, double dur_s);
/** The same with +Inf (use sig_set_dropout with -INFINITY for -Inf). */
void sig_set_inf(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double start_s, double dur_s);
/** The same with a constant value: a channel stuck (dropout, frozen ADC). */
void sig_set_dropout(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                     double start_s, double dur_s, float value);
/** Clamp every sample of ch to [-level, level] (level >= 0). Returns how many
 *  samples were changed. NaN stays NaN. */
size_t sig_clip(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double level);

/* --- measurements ------------------------------------------------------------- */

/** RMS of ch over frames [from, to) (to is clipped to n_frames); 0 if empty. */
double sig_rms(const float *buf, size_t n_frames, unsigned n_ch, unsigned ch, size_t from,
               size_t to);

/** Amplitude of the sinusoid at freq_hz in ch over frames [from, to): a
 *  Hann-windowed single-frequency DFT (Goertzel), 2 |X| / sum(w). A pure sine of
 *  amplitude A whose frequency lies well inside (0, fs/2) and which spans many
 *  cycles reads A within a fraction of a percent; 0 if empty. */
double sig_tone_amplitude(const float *buf, size_t n_frames, unsigned n_ch, unsigned ch,
                          size_t from, size_t to, double fs, double freq_hz);

/** Convert n_values floats to int16 ADC counts, llround(x * counts_per_unit)
 *  saturated to [-32768, 32767]; NaN becomes 0. Returns how many saturated
 *  (+-Inf included). */
size_t sig_to_s16(const float *in, size_t n_values, double counts_per_unit, int16_t *out);

#endif /* LTR_TESTS_SIGNALS_H */
