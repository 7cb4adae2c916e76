/*
 * Deterministic synthetic signals for libltr's unit tests (see signals.h).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Deliberately independent of the library: its own PRNG, its own filter design
 * (RBJ biquads), so that a bug in lib/core cannot hide itself by shaping the very
 * signals it is tested with.
 */
#include "signals.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define SIG_PI 3.14159265358979323846

/* --- argument checks: a wrong call is a bug in the test, so fail loudly ---- */

static void sig_fail(const char *func, const char *what)
{
    fprintf(stderr, "signals.c: %s: requirement failed: %s\n", func, what);
    abort();
}

#define SIG_REQUIRE(cond)                   \
    do {                                    \
        if (!(cond))                        \
            sig_fail(__func__, #cond);      \
    } while (0)

#define SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch) \
    do {                                             \
        SIG_REQUIRE((buf) != NULL || (n_frames) == 0); \
        SIG_REQUIRE((n_ch) > 0);                     \
        SIG_REQUIRE((ch) < (n_ch));                  \
    } while (0)

#define SIG_REQUIRE_RATE(fs) SIG_REQUIRE(isfinite(fs) && (fs) > 0.0)

static void require_axes(const char *func, const unsigned axes[3], unsigned n_ch)
{
    if (axes == NULL)
        sig_fail(func, "axes != NULL");
    for (unsigned k = 0; k < 3; k++)
        if (axes[k] != SIG_NO_AXIS && axes[k] >= n_ch)
            sig_fail(func, "axes[k] < n_ch or SIG_NO_AXIS");
}

/* --- random numbers --------------------------------------------------------- */

/* splitmix64 (Steele, Lea & Flood 2014): expands any 64-bit seed into a
 * well-mixed xoshiro state, as recommended by xoshiro's authors. */
static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint64_t rotl64(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman & Vigna 2018, public domain reference code). */
static uint64_t rng_next(sig_rng *rng)
{
    uint64_t *s = rng->s;
    const uint64_t result = rotl64(s[1] * 5u, 7) * 9u;
    const uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

void sig_rng_seed(sig_rng *rng, uint64_t seed)
{
    SIG_REQUIRE(rng != NULL);
    uint64_t x = seed;
    for (unsigned i = 0; i < 4; i++)
        rng->s[i] = splitmix64(&x);
    rng->spare = 0.0;
    rng->has_spare = 0;
}

double sig_uniform(sig_rng *rng)
{
    SIG_REQUIRE(rng != NULL);
    return (double)(rng_next(rng) >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

double sig_gauss(sig_rng *rng)
{
    SIG_REQUIRE(rng != NULL);
    if (rng->has_spare) {
        rng->has_spare = 0;
        return rng->spare;
    }
    /* Box-Muller; u1 in (0, 1] so log(u1) is finite. */
    const double u1 = 1.0 - sig_uniform(rng);
    const double u2 = sig_uniform(rng);
    const double r = sqrt(-2.0 * log(u1));
    rng->spare = r * sin(2.0 * SIG_PI * u2);
    rng->has_spare = 1;
    return r * cos(2.0 * SIG_PI * u2);
}

/* --- buffers and times ------------------------------------------------------ */

float *sig_alloc(size_t n_frames, unsigned n_channels)
{
    SIG_REQUIRE(n_channels > 0);
    SIG_REQUIRE(n_frames <= SIZE_MAX / n_channels / sizeof(float));
    const size_t count = n_frames * n_channels;
    float *buf = calloc(count > 0 ? count : 1, sizeof *buf);
    if (buf == NULL)
        sig_fail(__func__, "calloc");
    return buf;
}

void sig_free(float *buf)
{
    free(buf);
}

size_t sig_frame(double t_s, double fs)
{
    const double x = t_s * fs;
    if (!(x > 0.0))
        return 0;
    if (x >= 9.0e18 || x >= (double)SIZE_MAX)
        return SIZE_MAX;
    return (size_t)llround(x);
}

/* Frames [a, b) of the stretch starting at start_s lasting dur_s, clipped to n. */
static void stretch(double start_s, double dur_s, double fs, size_t n, size_t *a, size_t *b)
{
    size_t lo = sig_frame(start_s, fs);
    size_t hi = sig_frame(start_s + dur_s, fs);
    if (lo > n)
        lo = n;
    if (hi > n)
        hi = n;
    if (hi < lo)
        hi = lo;
    *a = lo;
    *b = hi;
}

/* --- band-limited noise ------------------------------------------------------- */

typedef struct biquad {
    double b0, b1, b2, a1, a2; /* a0 normalised to 1 */
    double z1, z2;             /* transposed direct form II memory */
} biquad;

/* RBJ Audio EQ Cookbook low-/high-pass: bilinear transform pre-warped at f0. */
static biquad biquad_design(int highpass, double f0, double q, double fs)
{
    const double w0 = 2.0 * SIG_PI * f0 / fs;
    const double c = cos(w0);
    const double alpha = sin(w0) / (2.0 * q);
    const double a0 = 1.0 + alpha;
    biquad bq;
    if (highpass) {
        bq.b0 = (1.0 + c) / 2.0 / a0;
        bq.b1 = -(1.0 + c) / a0;
    } else {
        bq.b0 = (1.0 - c) / 2.0 / a0;
        bq.b1 = (1.0 - c) / a0;
    }
    bq.b2 = bq.b0;
    bq.a1 = -2.0 * c / a0;
    bq.a2 = (1.0 - alpha) / a0;
    bq.z1 = 0.0;
    bq.z2 = 0.0;
    return bq;
}

static double biquad_run(biquad *bq, double x)
{
    const double y = bq->b0 * x + bq->z1;
    bq->z1 = bq->b1 * x - bq->a1 * y + bq->z2;
    bq->z2 = bq->b2 * x - bq->a2 * y;
    return y;
}

/* White Gaussian noise through 4th-order Butterworth high- and low-passes. */
typedef struct bandnoise {
    biquad sec[4];
    unsigned n_sec;
} bandnoise;

/* Q of the two sections of a 4th-order Butterworth: 1 / (2 cos(pi/8)), 1 / (2 cos(3 pi/8)). */
static const double butter4_q[2] = {0.54119610014619698, 1.30656296487637653};

static double bandnoise_next(bandnoise *bn, sig_rng *rng)
{
    double x = sig_gauss(rng);
    for (unsigned i = 0; i < bn->n_sec; i++)
        x = biquad_run(&bn->sec[i], x);
    return x;
}

/* Design, then run the filters in for ~10 time constants of the slowest edge so
 * that the first returned sample is already stationary. */
static void bandnoise_init(bandnoise *bn, double fs, double f_lo, double f_hi, sig_rng *rng)
{
    const int hp = f_lo > 0.0;
    const int lp = f_hi > 0.0 && f_hi < 0.5 * fs;
    bn->n_sec = 0;
    for (unsigned i = 0; i < 2 && hp; i++)
        bn->sec[bn->n_sec++] = biquad_design(1, f_lo, butter4_q[i], fs);
    for (unsigned i = 0; i < 2 && lp; i++)
        bn->sec[bn->n_sec++] = biquad_design(0, f_hi, butter4_q[i], fs);
    const double slowest_hz = hp ? f_lo : (lp ? f_hi : 0.0);
    const size_t n_pre = slowest_hz > 0.0 ? (size_t)ceil(4.0 * fs / slowest_hz) : 0;
    for (size_t i = 0; i < n_pre; i++)
        (void)bandnoise_next(bn, rng);
}

/* Raised-cosine ramps of ramp frames at both ends of a stretch of len frames:
 * 0 at i = 0 (and at i = len, just outside), 1 in between. ramp <= 0: flat 1. */
static double ramp_envelope(size_t i, size_t len, double ramp)
{
    if (ramp <= 0.0)
        return 1.0;
    const double up = (double)i;
    const double down = (double)(len - i);
    const double d = up < down ? up : down;
    return d >= ramp ? 1.0 : 0.5 * (1.0 - cos(SIG_PI * d / ramp));
}

/* Add band-limited noise times ramp_envelope to frames [a, b) of ch, scaled so
 * that the added part has exactly the given RMS over [a, b). Two passes over the
 * same random stream (no allocation): measure, then add. */
static void add_band_noise(float *buf, unsigned n_ch, unsigned ch, size_t a, size_t b,
                           double fs, double rms, double f_lo, double f_hi, double ramp,
                           sig_rng *rng)
{
    const size_t len = b - a;
    if (len == 0 || rms == 0.0)
        return;
    const sig_rng start = *rng;
    bandnoise bn;
    double sum_sq = 0.0;
    bandnoise_init(&bn, fs, f_lo, f_hi, rng);
    for (size_t i = 0; i < len; i++) {
        const double x = bandnoise_next(&bn, rng) * ramp_envelope(i, len, ramp);
        sum_sq += x * x;
    }
    if (!(sum_sq > 0.0))
        return;
    const double gain = rms / sqrt(sum_sq / (double)len);
    *rng = start;
    bandnoise_init(&bn, fs, f_lo, f_hi, rng);
    for (size_t i = 0; i < len; i++) {
        const double x = bandnoise_next(&bn, rng) * ramp_envelope(i, len, ramp);
        buf[(a + i) * n_ch + ch] += (float)(gain * x);
    }
}

void sig_add_emg_noise(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                       double rms, double f_lo, double f_hi, sig_rng *rng)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(rng != NULL);
    SIG_REQUIRE(isfinite(rms) && rms >= 0.0);
    SIG_REQUIRE(isfinite(f_lo) && isfinite(f_hi));
    add_band_noise(buf, n_ch, ch, 0, n_frames, fs, rms, f_lo, f_hi, 0.0, rng);
}

void sig_add_voluntary(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                       double onset_s, double duration_s, double amplitude_rms, sig_rng *rng)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(rng != NULL);
    SIG_REQUIRE(isfinite(onset_s) && isfinite(duration_s) && duration_s >= 0.0);
    SIG_REQUIRE(isfinite(amplitude_rms) && amplitude_rms >= 0.0);
    size_t a, b;
    stretch(onset_s, duration_s, fs, n_frames, &a, &b);
    /* 20-450 Hz: the surface-EMG band (SENIAM, Hermens et al. 2000). */
    const double f_hi = fmin(450.0, 0.45 * fs);
    const double ramp = fmin(0.3, duration_s / 4.0) * fs;
    add_band_noise(buf, n_ch, ch, a, b, fs, amplitude_rms, 20.0, f_hi, ramp, rng);
}

/* --- twitch EMG: a burst of motor-unit action potentials ----------------------- */

#define SIG_MAX_UNITS 8u

/* Hermite-Rodriguez functions (Lo Conte, Merletti & Sandri 1994), peak |value| 1:
 * the first is a biphasic MUAP, the second a triphasic one. */
static double muap_shape(double x, int triphasic)
{
    const double g = exp(-x * x);
    if (triphasic)
        return (1.0 - 2.0 * x * x) * g;
    return x * g / 0.42888194248035300; /* peak of x exp(-x^2): 2^-1/2 e^-1/2 */
}

/* Add one MUAP of duration dur_s centred at tc_s (seconds from frame 0 of tmp). */
static void muap_render(double *tmp, size_t len, double fs, double tc_s, double dur_s,
                        double amp, int triphasic)
{
    const double lambda = dur_s / 6.0; /* +-3 lambda: the shape is below 0.2% of its peak */
    double first = ceil((tc_s - 0.5 * dur_s) * fs);
    double last = floor((tc_s + 0.5 * dur_s) * fs);
    if (first < 0.0)
        first = 0.0;
    if (last > (double)len - 1.0)
        last = (double)len - 1.0;
    for (double fi = first; fi <= last; fi += 1.0) {
        const size_t i = (size_t)fi;
        tmp[i] += amp * muap_shape((fi / fs - tc_s) / lambda, triphasic);
    }
}

void sig_add_twitch_emg(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                        double onset_s, double duration_s, double amplitude_rms, sig_rng *rng)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(rng != NULL);
    SIG_REQUIRE(isfinite(onset_s) && isfinite(duration_s) && duration_s >= 0.0);
    SIG_REQUIRE(isfinite(amplitude_rms) && amplitude_rms >= 0.0);

    /* The nominal stretch (not clipped to the buffer) sets the shape, so that a
     * twitch running past the buffer's end looks the same, only cut. */
    const size_t on = sig_frame(onset_s, fs);
    const size_t end = sig_frame(onset_s + duration_s, fs);
    if (end <= on || end - on < 2 || amplitude_rms == 0.0)
        return;
    const size_t len = end - on;
    const double len_s = (double)len / fs;
    /* Quick rise, slower decay: rise over 20% of the burst, at most 15 ms. */
    const double rise_s = fmin(0.2 * len_s, 0.015);

    double *tmp = calloc(len, sizeof *tmp);
    if (tmp == NULL)
        sig_fail(__func__, "calloc");

    const unsigned n_units = 4u + (unsigned)(sig_uniform(rng) * 5.0); /* 4..8 */
    for (unsigned u = 0; u < n_units && u < SIG_MAX_UNITS; u++) {
        /* Reflex discharge rates 10-50 Hz; faster units have shorter, sharper
         * MUAPs: 15 ms at 10 Hz down to 4 ms at 50 Hz, +-15%, within 2-15 ms
         * (and at least 3 frames, so that a low rate still samples it). */
        const double rate_hz = 10.0 + 40.0 * sig_uniform(rng);
        double dur_s = (15.0 - 11.0 * (rate_hz - 10.0) / 40.0) * 1e-3;
        dur_s *= 0.85 + 0.3 * sig_uniform(rng);
        dur_s = fmin(fmax(dur_s, 2e-3), 15e-3);
        dur_s = fmax(dur_s, 3.0 / fs);
        const double sign = sig_uniform(rng) < 0.5 ? -1.0 : 1.0;
        const double amp = sign * (0.5 + sig_uniform(rng));
        const int triphasic = sig_uniform(rng) < 0.5;
        const double isi_s = 1.0 / rate_hz;
        /* Unit 0 fires near the envelope's peak, so every burst has content. */
        double t = u == 0 ? rise_s * (0.6 + 0.8 * sig_uniform(rng)) : isi_s * sig_uniform(rng);
        while (t - 0.5 * dur_s < len_s) {
            muap_render(tmp, len, fs, t, dur_s, amp, triphasic);
            /* Inter-spike interval variability, CV ~0.15 (De Luca & Hostage 2010). */
            const double step = isi_s * (1.0 + 0.15 * sig_gauss(rng));
            t += fmax(step, 0.5 * isi_s);
        }
    }

    /* Envelope: raised-cosine rise from 0 at the onset frame, raised-cosine fall
     * to 0 at the end frame (exclusive); then scale to the requested RMS. */
    const double rise = rise_s * fs;
    const double fall = (double)len - rise;
    double sum_sq = 0.0;
    for (size_t i = 0; i < len; i++) {
        const double x = (double)i;
        const double e = x < rise ? 0.5 * (1.0 - cos(SIG_PI * x / rise))
                                  : 0.5 * (1.0 + cos(SIG_PI * (x - rise) / fall));
        tmp[i] *= e;
        sum_sq += tmp[i] * tmp[i];
    }
    if (sum_sq > 0.0) {
        const double gain = amplitude_rms / sqrt(sum_sq / (double)len);
        for (size_t i = 0; i < len && on + i < n_frames; i++)
            buf[(on + i) * n_ch + ch] += (float)(gain * tmp[i]);
    }
    free(tmp);
}

/* --- deterministic EMG-side components ---------------------------------------- */

void sig_add_sine(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                  double freq_hz, double amplitude, double phase_rad)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(freq_hz) && isfinite(amplitude) && isfinite(phase_rad));
    const double w = 2.0 * SIG_PI * freq_hz / fs;
    for (size_t i = 0; i < n_frames; i++)
        buf[i * n_ch + ch] += (float)(amplitude * sin(w * (double)i + phase_rad));
}

void sig_add_wander(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                    double amplitude, double freq_hz)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(freq_hz) && isfinite(amplitude));
    /* A second, incommensurate (golden-ratio) component keeps it from repeating. */
    const double w = 2.0 * SIG_PI * freq_hz / fs;
    for (size_t i = 0; i < n_frames; i++) {
        const double x = (double)i;
        const double v = 0.75 * sin(w * x) + 0.25 * sin(0.618 * w * x + 1.3);
        buf[i * n_ch + ch] += (float)(amplitude * v);
    }
}

void sig_add_qrs(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double t_r_s, double r_amplitude, double scale)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(t_r_s) && isfinite(r_amplitude) && isfinite(scale) && scale > 0.0);
    static const double wave[3][3] = {
        /* centre s, width s, height (lib/sim/render.c) */
        {-0.028, 0.008, -0.12},
        {0.0, 0.009, 1.0},
        {0.030, 0.010, -0.30},
    };
    const double r = t_r_s * fs, half = 0.08 * scale * fs;
    for (double f = ceil(r - half); f < r + half; f++) {
        if (f < 0.0 || f >= (double)n_frames)
            continue;
        const double u = (f - r) / fs;
        double v = 0.0;
        for (int k = 0; k < 3; k++) {
            const double x = (u - scale * wave[k][0]) / (scale * wave[k][1]);
            v += wave[k][2] * exp(-0.5 * x * x);
        }
        buf[(size_t)f * n_ch + ch] += (float)(r_amplitude * v);
    }
}

void sig_add_stim_pulses(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                         double start_s, double end_s, double rate_hz, double width_s,
                         double amplitude)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(start_s) && isfinite(end_s));
    SIG_REQUIRE(isfinite(rate_hz) && rate_hz > 0.0);
    SIG_REQUIRE(isfinite(width_s) && width_s >= 0.0);
    SIG_REQUIRE(isfinite(amplitude));
    long long w = llround(width_s * fs);
    const size_t phase = w < 1 ? 1u : (size_t)w;
    for (uint64_t k = 0;; k++) {
        /* Computed from k, not accumulated, so pulse times do not drift. */
        const double t = start_s + (double)k / rate_hz;
        if (!(t < end_s))
            break;
        const size_t f0 = sig_frame(t, fs);
        if (f0 >= n_frames)
            break;
        for (size_t j = 0; j < 2 * phase && f0 + j < n_frames; j++)
            buf[(f0 + j) * n_ch + ch] += (float)(j < phase ? amplitude : -amplitude);
    }
}

void sig_add_needle_transient(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                              double t_s, double amplitude)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(t_s) && isfinite(amplitude));
    const double tau_s = 5e-3;     /* decays over ~5-20 ms */
    const double length_s = 60e-3; /* 12 time constants: exp(-12) ~ 6e-6 */
    const size_t f0 = sig_frame(t_s, fs);
    const size_t n = (size_t)ceil(length_s * fs);
    for (size_t i = 0; i < n && f0 + i < n_frames && f0 < n_frames; i++)
        buf[(f0 + i) * n_ch + ch] += (float)(amplitude * exp(-(double)i / (tau_s * fs)));
}

/* --- accelerometer ------------------------------------------------------------ */

void sig_add_twitch_acc(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                        double fs, double onset_s, double amplitude, double freq_hz,
                        double decay_s, const double direction[3])
{
    SIG_REQUIRE((buf != NULL || n_frames == 0) && n_ch > 0);
    require_axes(__func__, axes, n_ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(onset_s) && isfinite(amplitude));
    SIG_REQUIRE(isfinite(freq_hz) && freq_hz >= 0.0);
    SIG_REQUIRE(isfinite(decay_s) && decay_s > 0.0);
    SIG_REQUIRE(direction != NULL);
    SIG_REQUIRE(isfinite(direction[0]) && isfinite(direction[1]) && isfinite(direction[2]));
    const double norm = sqrt(direction[0] * direction[0] + direction[1] * direction[1] +
                             direction[2] * direction[2]);
    if (norm == 0.0)
        return;
    const size_t on = sig_frame(onset_s, fs);
    const size_t n = (size_t)ceil(25.0 * decay_s * fs) + 1u;
    const double w = 2.0 * SIG_PI * freq_hz / fs;
    for (size_t i = 0; i < n && on < n_frames && on + i < n_frames; i++) {
        const double x = (double)i;
        const double a = amplitude * exp(-x / (decay_s * fs)) * sin(w * x);
        for (unsigned k = 0; k < 3; k++)
            if (axes[k] != SIG_NO_AXIS)
                buf[(on + i) * n_ch + axes[k]] += (float)(a * direction[k] / norm);
    }
}

void sig_add_gravity(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                     const double g[3])
{
    SIG_REQUIRE((buf != NULL || n_frames == 0) && n_ch > 0);
    require_axes(__func__, axes, n_ch);
    SIG_REQUIRE(g != NULL && isfinite(g[0]) && isfinite(g[1]) && isfinite(g[2]));
    for (size_t i = 0; i < n_frames; i++)
        for (unsigned k = 0; k < 3; k++)
            if (axes[k] != SIG_NO_AXIS)
                buf[i * n_ch + axes[k]] += (float)g[k];
}

#define SIG_HAND_SINES 6u

void sig_add_hand_motion(float *buf, size_t n_frames, unsigned n_ch, const unsigned axes[3],
                         double fs, double amplitude, sig_rng *rng)
{
    SIG_REQUIRE((buf != NULL || n_frames == 0) && n_ch > 0);
    require_axes(__func__, axes, n_ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(amplitude));
    SIG_REQUIRE(rng != NULL);
    for (unsigned k = 0; k < 3; k++) {
        /* Drawn for every axis, present or not, so the stream does not depend on axes. */
        double w[SIG_HAND_SINES], phase[SIG_HAND_SINES], weight[SIG_HAND_SINES];
        double power = 0.0;
        for (unsigned j = 0; j < SIG_HAND_SINES; j++) {
            w[j] = 2.0 * SIG_PI * (0.3 + 3.7 * sig_uniform(rng)) / fs; /* 0.3-4 Hz */
            phase[j] = 2.0 * SIG_PI * sig_uniform(rng);
            weight[j] = 0.5 + 0.5 * sig_uniform(rng);
            power += 0.5 * weight[j] * weight[j];
        }
        if (axes[k] == SIG_NO_AXIS)
            continue;
        const double gain = amplitude / sqrt(power);
        for (size_t i = 0; i < n_frames; i++) {
            double v = 0.0;
            for (unsigned j = 0; j < SIG_HAND_SINES; j++)
                v += weight[j] * sin(w[j] * (double)i + phase[j]);
            buf[i * n_ch + axes[k]] += (float)(gain * v);
        }
    }
}

/* --- defects ------------------------------------------------------------------- */

void sig_set_dropout(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                     double start_s, double dur_s, float value)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(start_s) && isfinite(dur_s) && dur_s >= 0.0);
    size_t a, b;
    stretch(start_s, dur_s, fs, n_frames, &a, &b);
    for (size_t i = a; i < b; i++)
        buf[i * n_ch + ch] = value;
}

void sig_set_nan(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double start_s, double dur_s)
{
    sig_set_dropout(buf, n_frames, n_ch, ch, fs, start_s, dur_s, NAN);
}

void sig_set_inf(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double fs,
                 double start_s, double dur_s)
{
    sig_set_dropout(buf, n_frames, n_ch, ch, fs, start_s, dur_s, INFINITY);
}

size_t sig_clip(float *buf, size_t n_frames, unsigned n_ch, unsigned ch, double level)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE(!isnan(level) && level >= 0.0);
    const float hi = (float)level;
    size_t changed = 0;
    for (size_t i = 0; i < n_frames; i++) {
        float *x = &buf[i * n_ch + ch];
        if (*x > hi) {
            *x = hi;
            changed++;
        } else if (*x < -hi) {
            *x = -hi;
            changed++;
        }
    }
    return changed;
}

/* --- measurements --------------------------------------------------------------- */

double sig_rms(const float *buf, size_t n_frames, unsigned n_ch, unsigned ch, size_t from,
               size_t to)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    if (to > n_frames)
        to = n_frames;
    if (from >= to)
        return 0.0;
    double sum_sq = 0.0;
    for (size_t i = from; i < to; i++) {
        const double x = buf[i * n_ch + ch];
        sum_sq += x * x;
    }
    return sqrt(sum_sq / (double)(to - from));
}

double sig_tone_amplitude(const float *buf, size_t n_frames, unsigned n_ch, unsigned ch,
                          size_t from, size_t to, double fs, double freq_hz)
{
    SIG_REQUIRE_CHANNEL(buf, n_frames, n_ch, ch);
    SIG_REQUIRE_RATE(fs);
    SIG_REQUIRE(isfinite(freq_hz));
    if (to > n_frames)
        to = n_frames;
    if (from >= to)
        return 0.0;
    const size_t n = to - from;
    const double w = 2.0 * SIG_PI * freq_hz / fs;
    const double wh = 2.0 * SIG_PI / (double)n; /* periodic Hann: sum of weights n / 2 */
    double re = 0.0, im = 0.0, wsum = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double x = (double)i;
        const double win = 0.5 * (1.0 - cos(wh * x));
        const double v = win * buf[(from + i) * n_ch + ch];
        re += v * cos(w * x);
        im -= v * sin(w * x);
        wsum += win;
    }
    if (!(wsum > 0.0))
        return 0.0;
    return 2.0 * sqrt(re * re + im * im) / wsum;
}

size_t sig_to_s16(const float *in, size_t n_values, double counts_per_unit, int16_t *out)
{
    SIG_REQUIRE((in != NULL && out != NULL) || n_values == 0);
    SIG_REQUIRE(isfinite(counts_per_unit));
    size_t saturated = 0;
    for (size_t i = 0; i < n_values; i++) {
        const double v = (double)in[i] * counts_per_unit;
        if (isnan(v)) {
            out[i] = 0;
        } else if (v >= 32767.5) {
            out[i] = INT16_MAX;
            saturated++;
        } else if (v <= -32768.5) {
            out[i] = INT16_MIN;
            saturated++;
        } else {
            out[i] = (int16_t)lround(v);
        }
    }
    return saturated;
}
