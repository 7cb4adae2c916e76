/*
 * Tests of the synthetic-signal generator (tests/signals.c): every property
 * the library's tests rely on is measured on the generated signals.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "signals.h"

#define assert_near(actual, expected, tol)                                              \
    do {                                                                                \
        const double a_ = (actual), e_ = (expected), t_ = (tol);                        \
        if (!(fabs(a_ - e_) <= t_))                                                     \
            fail_msg("%s = %.9g, expected %s = %.9g +- %.3g", #actual, a_, #expected, e_, \
                     t_);                                                               \
    } while (0)

#define assert_rel(actual, expected, rel) \
    assert_near((actual), (expected), (rel) * fabs((double)(expected)))

/* Largest |x| of ch over frames [from, to). */
static double peak_abs(const float *buf, unsigned n_ch, unsigned ch, size_t from, size_t to)
{
    double m = 0.0;
    for (size_t i = from; i < to; i++)
        m = fmax(m, fabs((double)buf[i * n_ch + ch]));
    return m;
}

/* Count of samples of ch in [from, to) that are not exactly 0. */
static size_t count_nonzero(const float *buf, unsigned n_ch, unsigned ch, size_t from, size_t to)
{
    size_t c = 0;
    for (size_t i = from; i < to; i++)
        c += buf[i * n_ch + ch] != 0.0f;
    return c;
}

/* Mean of tone_amplitude^2 over freq = f0, f0 + step, ... <= f1, each averaged
 * over 16 consecutive segments (Welch): a spectral density estimate with a
 * spread of a few percent, so that band comparisons do not hinge on luck. */
static double mean_power(const float *buf, size_t n, unsigned n_ch, unsigned ch, double fs,
                         double f0, double f1, double step)
{
    const size_t n_seg = 16, len = n / n_seg;
    double sum = 0.0;
    unsigned k = 0;
    for (double f = f0; f <= f1; f += step) {
        for (size_t s = 0; s < n_seg; s++, k++) {
            const double a = sig_tone_amplitude(buf, n, n_ch, ch, s * len, (s + 1) * len, fs, f);
            sum += a * a;
        }
    }
    return k ? sum / k : 0.0;
}

/* --- random numbers ---------------------------------------------------------- */

static void test_rng_deterministic(void **state)
{
    (void)state;
    sig_rng a, b, c;
    sig_rng_seed(&a, 42);
    sig_rng_seed(&b, 42);
    sig_rng_seed(&c, 43);
    unsigned differ = 0;
    for (unsigned i = 0; i < 1000; i++) {
        const double x = sig_uniform(&a), y = sig_uniform(&b), z = sig_uniform(&c);
        assert_true(x == y);
        differ += x != z;
    }
    assert_true(differ > 990);
}

static void test_rng_moments(void **state)
{
    (void)state;
    sig_rng r;
    sig_rng_seed(&r, 0); /* seed 0 must work too */
    const unsigned n = 200000;
    double su = 0.0, su2 = 0.0, sg = 0.0, sg2 = 0.0, sg4 = 0.0;
    double umin = 1.0, umax = 0.0;
    for (unsigned i = 0; i < n; i++) {
        const double u = sig_uniform(&r);
        umin = fmin(umin, u);
        umax = fmax(umax, u);
        su += u;
        su2 += u * u;
        const double g = sig_gauss(&r);
        sg += g;
        sg2 += g * g;
        sg4 += g * g * g * g;
    }
    assert_true(umin >= 0.0 && umax < 1.0);
    assert_near(su / n, 0.5, 0.005);
    assert_near(su2 / n - (su / n) * (su / n), 1.0 / 12.0, 0.002);
    assert_near(sg / n, 0.0, 0.01);
    assert_near(sg2 / n, 1.0, 0.015);
    assert_near(sg4 / n, 3.0, 0.1); /* Gaussian kurtosis */
}

/* --- band-limited EMG noise ---------------------------------------------------- */

static void test_noise_deterministic(void **state)
{
    (void)state;
    const size_t n = 5000;
    float *a = sig_alloc(n, 2), *b = sig_alloc(n, 2), *c = sig_alloc(n, 2);
    sig_rng ra, rb, rc;
    sig_rng_seed(&ra, 7);
    sig_rng_seed(&rb, 7);
    sig_rng_seed(&rc, 8);
    sig_add_emg_noise(a, n, 2, 1, 1000.0, 1.0, 20.0, 450.0, &ra);
    sig_add_emg_noise(b, n, 2, 1, 1000.0, 1.0, 20.0, 450.0, &rb);
    sig_add_emg_noise(c, n, 2, 1, 1000.0, 1.0, 20.0, 450.0, &rc);
    assert_memory_equal(a, b, n * 2 * sizeof *a);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += a[2 * i + 1] != c[2 * i + 1];
    assert_true(differ > n * 99 / 100);
    /* The generators were advanced identically, too. */
    assert_true(sig_uniform(&ra) == sig_uniform(&rb));
    sig_free(a);
    sig_free(b);
    sig_free(c);
}

static void test_noise_rms(void **state)
{
    (void)state;
    static const struct {
        double fs, rms, lo, hi;
    } cases[] = {
        {1000.0, 1.0, 20.0, 450.0},    /* surface EMG */
        {10000.0, 5e-3, 20.0, 2000.0}, /* needle EMG, volts */
        {2000.0, 30.0, 0.0, 0.0},      /* white */
        {250.0, 0.2, 5.0, 100.0},      /* lowest library rate */
        {4000.0, 2.0, 0.0, 300.0},     /* low-pass only */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const size_t n = (size_t)(10.0 * cases[k].fs);
        float *buf = sig_alloc(n, 3);
        sig_rng r;
        sig_rng_seed(&r, 100 + k);
        sig_add_emg_noise(buf, n, 3, 1, cases[k].fs, cases[k].rms, cases[k].lo, cases[k].hi, &r);
        assert_rel(sig_rms(buf, n, 3, 1, 0, n), cases[k].rms, 0.02);
        /* Stationary from frame 0: the filters were run in beforehand. */
        assert_rel(sig_rms(buf, n, 3, 1, 0, n / 20), cases[k].rms, 0.15);
        assert_rel(sig_rms(buf, n, 3, 1, n - n / 20, n), cases[k].rms, 0.15);
        /* Only the asked channel. */
        assert_int_equal(count_nonzero(buf, 3, 0, 0, n), 0);
        assert_int_equal(count_nonzero(buf, 3, 2, 0, n), 0);
        sig_free(buf);
    }
}

/* Stationary from the very first frame: the filters are run in before it, so
 * the ensemble RMS of the first frames (over many seeds) is the requested one.
 * A slow low-pass started from rest would begin near 0. */
static void test_noise_starts_stationary(void **state)
{
    (void)state;
    const double fs = 4000.0;
    const size_t n = 2000, head = 4, n_seeds = 400;
    float *buf = sig_alloc(n, 1);
    double sum_sq = 0.0;
    for (uint64_t seed = 0; seed < n_seeds; seed++) {
        memset(buf, 0, n * sizeof *buf);
        sig_rng r;
        sig_rng_seed(&r, 1000 + seed);
        sig_add_emg_noise(buf, n, 1, 0, fs, 1.0, 10.0, 100.0, &r);
        for (size_t i = 0; i < head; i++)
            sum_sq += (double)buf[i] * buf[i];
    }
    assert_rel(sqrt(sum_sq / (double)(head * n_seeds)), 1.0, 0.15);
    sig_free(buf);
}

static void test_noise_band_limited(void **state)
{
    (void)state;
    const double fs = 2000.0, lo = 40.0, hi = 300.0;
    const size_t n = 65536;
    float *buf = sig_alloc(n, 1);
    sig_rng r;
    sig_rng_seed(&r, 5);
    sig_add_emg_noise(buf, n, 1, 0, fs, 1.0, lo, hi, &r);
    const double in_band = mean_power(buf, n, 1, 0, fs, 100.0, 250.0, 5.0);
    const double below = mean_power(buf, n, 1, 0, fs, 2.0, lo / 2.0, 1.0);
    const double above = mean_power(buf, n, 1, 0, fs, 2.0 * hi, 990.0, 10.0);
    /* 4th-order edges: -24 dB an octave out; ask for 20 dB on average. */
    if (!(below < in_band / 100.0 && above < in_band / 100.0))
        fail_msg("in band %g, below f_lo/2 %g, above 2 f_hi %g", in_band, below, above);
    /* And the band itself is passed: its two halves have similar density. */
    const double low_half = mean_power(buf, n, 1, 0, fs, 60.0, 150.0, 3.0);
    const double high_half = mean_power(buf, n, 1, 0, fs, 150.0, 260.0, 3.0);
    assert_rel(low_half, high_half, 0.25);
    sig_free(buf);
}

/* --- twitch EMG ---------------------------------------------------------------------- */

static void test_twitch_emg_support_and_rms(void **state)
{
    (void)state;
    static const double rates[] = {250.0, 1000.0, 4000.0, 10000.0};
    static const double durations[] = {0.015, 0.05, 0.2, 0.5};
    uint64_t seed = 1;
    for (size_t ri = 0; ri < 4; ri++) {
        for (size_t di = 0; di < 4; di++, seed++) {
            const double fs = rates[ri], dur = durations[di], onset = 0.5003;
            const size_t n = (size_t)(1.5 * fs);
            float *buf = sig_alloc(n, 2);
            sig_rng r;
            sig_rng_seed(&r, seed);
            sig_add_twitch_emg(buf, n, 2, 1, fs, onset, dur, 0.8, &r);
            const size_t on = sig_frame(onset, fs), end = sig_frame(onset + dur, fs);
            assert_int_equal(on, (size_t)llround(onset * fs));
            /* Exactly nothing before onset, after the end, or on other channels. */
            assert_int_equal(count_nonzero(buf, 2, 1, 0, on + 1), 0); /* envelope 0 at onset */
            assert_int_equal(count_nonzero(buf, 2, 1, end, n), 0);
            assert_int_equal(count_nonzero(buf, 2, 0, 0, n), 0);
            /* The requested RMS over the burst (promised exact; asked: 20%). */
            const double rms = sig_rms(buf, n, 2, 1, on, end);
            assert_rel(rms, 0.8, 0.01);
            /* Content right after the rise: activity starts at the onset. */
            const size_t rise_end = on + (size_t)ceil(fmin(0.2 * dur, 0.015) * fs * 1.5) + 1;
            assert_true(count_nonzero(buf, 2, 1, on, rise_end) > 0);
            /* Zero-mean MUAPs: a long burst has almost no DC. */
            if (dur >= 0.2) {
                double mean = 0.0;
                for (size_t i = on; i < end; i++)
                    mean += (double)buf[2 * i + 1];
                mean /= (double)(end - on);
                assert_true(fabs(mean) < 0.1 * rms);
            }
            /* Quick rise, slower decay: more energy in the first half. */
            if (dur >= 0.05 && fs >= 1000.0) {
                const size_t mid = on + (end - on) / 2;
                assert_true(sig_rms(buf, n, 2, 1, on, mid) > sig_rms(buf, n, 2, 1, mid, end));
            }
            sig_free(buf);
        }
    }
}

static void test_twitch_emg_deterministic_and_varied(void **state)
{
    (void)state;
    const double fs = 4000.0;
    const size_t n = 4000;
    float *a = sig_alloc(n, 1), *b = sig_alloc(n, 1), *c = sig_alloc(n, 1);
    sig_rng ra, rb, rc;
    sig_rng_seed(&ra, 99);
    sig_rng_seed(&rb, 99);
    sig_rng_seed(&rc, 100);
    sig_add_twitch_emg(a, n, 1, 0, fs, 0.2, 0.1, 1.0, &ra);
    sig_add_twitch_emg(b, n, 1, 0, fs, 0.2, 0.1, 1.0, &rb);
    sig_add_twitch_emg(c, n, 1, 0, fs, 0.2, 0.1, 1.0, &rc);
    assert_memory_equal(a, b, n * sizeof *a);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++)
        differ += a[i] != c[i];
    assert_true(differ > 200); /* most of the 400 burst frames */
    /* A second twitch from the same generator is a different burst. */
    float *d = sig_alloc(n, 1);
    sig_add_twitch_emg(d, n, 1, 0, fs, 0.2, 0.1, 1.0, &ra);
    assert_true(memcmp(a, d, n * sizeof *a) != 0);
    sig_free(a);
    sig_free(b);
    sig_free(c);
    sig_free(d);
}

/* MUAPs of 2-15 ms put the burst's power at tens to hundreds of Hz, as in
 * real EMG, not at kHz: checked on needle-EMG rate. */
static void test_twitch_emg_spectrum(void **state)
{
    (void)state;
    const double fs = 10000.0;
    const size_t n = 10000;
    float *buf = sig_alloc(n, 1);
    sig_rng r;
    sig_rng_seed(&r, 17);
    sig_add_twitch_emg(buf, n, 1, 0, fs, 0.2, 0.6, 1.0, &r);
    const double in_band = mean_power(buf, n, 1, 0, fs, 50.0, 400.0, 25.0);
    const double above = mean_power(buf, n, 1, 0, fs, 2000.0, 4500.0, 100.0);
    if (!(above < in_band / 100.0))
        fail_msg("50-400 Hz %g, 2-4.5 kHz %g", in_band, above);
    sig_free(buf);
}

/* Components add: noise + twitch minus noise alone is the twitch alone. */
static void test_components_add(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = 4000;
    float *both = sig_alloc(n, 1), *noise = sig_alloc(n, 1), *twitch = sig_alloc(n, 1);
    sig_rng r1, r2, r3, r4;
    sig_rng_seed(&r1, 1);
    sig_rng_seed(&r2, 2);
    sig_rng_seed(&r3, 1);
    sig_rng_seed(&r4, 2);
    sig_add_emg_noise(both, n, 1, 0, fs, 0.1, 20.0, 450.0, &r1);
    sig_add_twitch_emg(both, n, 1, 0, fs, 1.0, 0.1, 1.0, &r2);
    sig_add_emg_noise(noise, n, 1, 0, fs, 0.1, 20.0, 450.0, &r3);
    sig_add_twitch_emg(twitch, n, 1, 0, fs, 1.0, 0.1, 1.0, &r4);
    for (size_t i = 0; i < n; i++)
        assert_near(both[i] - noise[i], twitch[i], 1e-6);
    sig_free(both);
    sig_free(noise);
    sig_free(twitch);
}

/* --- accelerometer -------------------------------------------------------------------- */

static void test_twitch_acc(void **state)
{
    (void)state;
    const double fs = 1000.0, onset = 0.3, amp = 0.5, freq = 20.0, decay = 0.04;
    const size_t n = 1000;
    const unsigned axes[3] = {0, 1, 2};
    const double dir[3] = {1.0, 2.0, -2.0}; /* |dir| = 3 */
    float *buf = sig_alloc(n, 4);
    sig_add_twitch_acc(buf, n, 4, axes, fs, onset, amp, freq, decay, dir);
    const size_t on = sig_frame(onset, fs);
    for (unsigned k = 0; k < 3; k++) {
        assert_int_equal(count_nonzero(buf, 4, k, 0, on + 1), 0); /* sin(0) = 0 at onset */
        assert_true(count_nonzero(buf, 4, k, on + 1, on + 10) == 9);
    }
    assert_int_equal(count_nonzero(buf, 4, 3, 0, n), 0);
    /* Projection on the direction: axis 1 = 2 x axis 0 = -axis 2, sample by sample. */
    for (size_t i = on; i < n; i++) {
        assert_near(buf[4 * i + 1], 2.0 * buf[4 * i], 1e-6);
        assert_near(buf[4 * i + 2], -buf[4 * i + 1], 1e-6);
    }
    /* Magnitude: first peak ~ exp(-12.5 ms / 40 ms) = 0.73 of amplitude, never above. */
    double peak = 0.0;
    for (size_t i = 0; i < n; i++) {
        const double x = buf[4 * i], y = buf[4 * i + 1], z = buf[4 * i + 2];
        peak = fmax(peak, sqrt(x * x + y * y + z * z));
    }
    assert_near(peak, amp * exp(-0.0125 / decay), 0.02);
    /* Oscillates at freq_hz. */
    const double at_f = sig_tone_amplitude(buf, n, 4, 0, on, n, fs, freq);
    assert_true(at_f > 4.0 * sig_tone_amplitude(buf, n, 4, 0, on, n, fs, 2.0 * freq));
    assert_true(at_f > 4.0 * sig_tone_amplitude(buf, n, 4, 0, on, n, fs, 0.4 * freq));
    /* Decays exponentially with decay_s (and is not cut short): axis 0 carries
     * 1/3 of the magnitude, and a half period after 5 time constants holds one
     * extremum of |sin|, so its peak lies between the envelope's values at the
     * two ends of that half period. */
    const double half_period = 0.5 / freq;
    const size_t t5 = on + (size_t)(5.0 * decay * fs);
    const size_t t5h = t5 + (size_t)(half_period * fs);
    const double late_peak = peak_abs(buf, 4, 0, t5, t5h);
    assert_true(late_peak <= 1.01 * amp / 3.0 * exp(-5.0));
    assert_true(late_peak >= 0.95 * amp / 3.0 * exp(-5.0 - half_period / decay));
    assert_true(peak_abs(buf, 4, 0, on + (size_t)(10.0 * decay * fs), n) < 1e-4 * amp);
    sig_free(buf);

    /* A missing axis is left alone. */
    const unsigned two_axes[3] = {0, SIG_NO_AXIS, 1};
    float *b2 = sig_alloc(n, 2);
    sig_add_twitch_acc(b2, n, 2, two_axes, fs, onset, amp, freq, decay, dir);
    for (size_t i = on; i < n; i++)
        assert_near(b2[2 * i + 1], -2.0 * b2[2 * i], 1e-6);
    assert_true(count_nonzero(b2, 2, 0, 0, n) > 0);
    sig_free(b2);
}

static void test_gravity_and_hand_motion(void **state)
{
    (void)state;
    const double fs = 500.0;
    const size_t n = (size_t)(40.0 * fs);
    const unsigned axes[3] = {2, 0, 1};
    const double g[3] = {0.0, 0.0, -9.81};
    float *buf = sig_alloc(n, 3);
    sig_add_gravity(buf, n, 3, axes, g);
    for (size_t i = 0; i < n; i++) {
        assert_true(buf[3 * i + 2] == 0.0f && buf[3 * i + 0] == 0.0f);
        assert_true(buf[3 * i + 1] == (float)-9.81);
    }
    memset(buf, 0, n * 3 * sizeof *buf);
    sig_rng r;
    sig_rng_seed(&r, 11);
    sig_add_hand_motion(buf, n, 3, axes, fs, 0.3, &r);
    for (unsigned k = 0; k < 3; k++) {
        assert_rel(sig_rms(buf, n, 3, k, 0, n), 0.3, 0.2);
        /* Nothing at or above 5 Hz (Hann leakage from <= 4 Hz is far below 1e-3). */
        static const double f_out[] = {5.0, 6.0, 8.0, 12.0, 20.0, 50.0};
        for (size_t j = 0; j < sizeof f_out / sizeof f_out[0]; j++)
            assert_true(sig_tone_amplitude(buf, n, 3, k, 0, n, fs, f_out[j]) < 1e-3 * 0.3);
    }
    /* The axes are independent. */
    double corr = 0.0;
    for (size_t i = 0; i < n; i++)
        corr += (double)buf[3 * i] * buf[3 * i + 1];
    corr /= n * sig_rms(buf, n, 3, 0, 0, n) * sig_rms(buf, n, 3, 1, 0, n);
    assert_true(fabs(corr) < 0.5);
    sig_free(buf);
}

/* --- deterministic components ---------------------------------------------------------- */

static void test_sine(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = 10000;
    float *buf = sig_alloc(n, 2);
    sig_add_sine(buf, n, 2, 0, fs, 50.0, 0.3, 0.5);
    assert_near(buf[0], 0.3 * sin(0.5), 1e-7);
    assert_near(peak_abs(buf, 2, 0, 0, n), 0.3, 0.3 * 0.01);
    assert_rel(sig_rms(buf, n, 2, 0, 0, n), 0.3 / sqrt(2.0), 0.001);
    /* A harmonic by a second call. */
    sig_add_sine(buf, n, 2, 0, fs, 150.0, 0.1, 0.0);
    assert_rel(sig_tone_amplitude(buf, n, 2, 0, 0, n, fs, 50.0), 0.3, 0.005);
    assert_rel(sig_tone_amplitude(buf, n, 2, 0, 0, n, fs, 150.0), 0.1, 0.005);
    assert_true(sig_tone_amplitude(buf, n, 2, 0, 0, n, fs, 100.0) < 1e-4);
    assert_int_equal(count_nonzero(buf, 2, 1, 0, n), 0);
    /* Off-bin frequency over a short stretch still reads right. */
    assert_rel(sig_tone_amplitude(buf, n, 2, 0, 123, 123 + 777, fs, 50.0), 0.3, 0.01);
    sig_free(buf);
}

static void test_wander(void **state)
{
    (void)state;
    const double fs = 250.0;
    const size_t n = (size_t)(60.0 * fs);
    float *buf = sig_alloc(n, 1);
    sig_add_wander(buf, n, 1, 0, fs, 2.0, 0.3);
    const double peak = peak_abs(buf, 1, 0, 0, n);
    assert_true(peak <= 2.0 + 1e-6 && peak > 1.5);
    /* Slow: a sample-to-sample step is at most 2 pi f A / fs. */
    double step = 0.0;
    for (size_t i = 1; i < n; i++)
        step = fmax(step, fabs((double)buf[i] - buf[i - 1]));
    assert_true(step <= 2.0 * 3.15 * 0.3 * 2.0 / fs);
    assert_true(sig_tone_amplitude(buf, n, 1, 0, 0, n, fs, 5.0) < 1e-3);
    sig_free(buf);
}

/* The QRS: its R peak where asked (Q and S pull it down by less than 1 %), the S wave
 * below the baseline after it, nothing beyond +-80 ms x scale, only the asked channel. */
static void test_qrs(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = 1000;
    for (int k = 0; k < 2; k++) {
        const double scale = k ? 0.6 : 1.0;
        float *buf = sig_alloc(n, 2);
        sig_add_qrs(buf, n, 2, 1, fs, 0.5, 10.0, scale);
        assert_float_equal(buf[500 * 2 + 1], 10.0, 0.1);
        assert_true(peak_abs(buf, 2, 1, 0, n) <= 10.0 + 1e-6);
        assert_true(buf[(500 + (size_t)(30 * scale)) * 2 + 1] < -2.0);
        const size_t half = (size_t)ceil(80 * scale);
        assert_true(peak_abs(buf, 2, 1, 0, 500 - half) == 0.0);
        assert_true(peak_abs(buf, 2, 1, 500 + half, n) == 0.0);
        assert_true(peak_abs(buf, 2, 0, 0, n) == 0.0);
        sig_free(buf);
    }
}

static void test_stim_pulses(void **state)
{
    (void)state;
    static const struct {
        double fs, start, end, rate, width;
        size_t count;
    } cases[] = {
        {2000.0, 1.0, 3.0, 10.0, 200e-6, 20}, /* phase narrower than a sample */
        {20000.0, 0.5, 1.0, 20.0, 250e-6, 10}, /* 5 frames per phase */
        {2000.0, 0.25, 1.25, 7.0, 100e-6, 7},  /* k / 7 < 1: k = 0..6 */
    };
    const double amp = 100.0;
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const double fs = cases[c].fs;
        const size_t n = (size_t)(4.0 * fs);
        float *buf = sig_alloc(n, 2);
        sig_add_stim_pulses(buf, n, 2, 1, fs, cases[c].start, cases[c].end, cases[c].rate,
                            cases[c].width, amp);
        const long long w = llround(cases[c].width * fs);
        const size_t phase = w < 1 ? 1 : (size_t)w;
        size_t count = 0, pos = 0, neg = 0, prev = 0;
        double sum = 0.0;
        for (size_t i = 0; i < n; i++) {
            const float x = buf[2 * i + 1];
            sum += x;
            pos += x == (float)amp;
            neg += x == (float)-amp;
            if (x > amp / 2 && (i == 0 || buf[2 * (i - 1) + 1] <= amp / 2)) {
                /* Pulse k starts at sig_frame(start + k / rate): no drift. */
                assert_int_equal(i, sig_frame(cases[c].start + (double)count / cases[c].rate, fs));
                if (count > 0)
                    assert_near((double)(i - prev), fs / cases[c].rate, 1.0);
                prev = i;
                count++;
            }
        }
        assert_int_equal(count, cases[c].count);
        assert_int_equal(pos, cases[c].count * phase);
        assert_int_equal(neg, cases[c].count * phase);
        assert_near(sum, 0.0, 1e-3); /* biphasic: charge-balanced */
        assert_int_equal(count_nonzero(buf, 2, 1, 0, n), 2 * phase * cases[c].count);
        assert_int_equal(count_nonzero(buf, 2, 0, 0, n), 0);
        sig_free(buf);
    }
}

static void test_voluntary(void **state)
{
    (void)state;
    const double fs = 4000.0, onset = 1.0, dur = 3.0;
    const size_t n = (size_t)(5.0 * fs);
    float *buf = sig_alloc(n, 1);
    sig_rng r;
    sig_rng_seed(&r, 3);
    sig_add_voluntary(buf, n, 1, 0, fs, onset, dur, 0.5, &r);
    const size_t on = sig_frame(onset, fs), end = sig_frame(onset + dur, fs);
    assert_int_equal(count_nonzero(buf, 1, 0, 0, on + 1), 0);
    assert_int_equal(count_nonzero(buf, 1, 0, end, n), 0);
    assert_rel(sig_rms(buf, n, 1, 0, on, end), 0.5, 0.01);
    /* Ramped: the first and last 50 ms are much weaker than the plateau. */
    const size_t ms50 = (size_t)(0.05 * fs);
    const double plateau = sig_rms(buf, n, 1, 0, on + (end - on) / 3, end - (end - on) / 3);
    assert_true(sig_rms(buf, n, 1, 0, on, on + ms50) < 0.2 * plateau);
    assert_true(sig_rms(buf, n, 1, 0, end - ms50, end) < 0.2 * plateau);
    /* Dense: nearly every plateau sample is non-zero and the level is steady. */
    const size_t a = on + (size_t)(0.5 * fs);
    assert_rel(sig_rms(buf, n, 1, 0, a, a + ms50), plateau, 0.35);
    /* An interference pattern in the surface-EMG band, 20-450 Hz. */
    const double in_band = mean_power(buf, n, 1, 0, fs, 50.0, 300.0, 10.0);
    const double below = mean_power(buf, n, 1, 0, fs, 2.0, 8.0, 1.0);
    const double above = mean_power(buf, n, 1, 0, fs, 1000.0, 1900.0, 50.0);
    if (!(below < in_band / 100.0 && above < in_band / 100.0))
        fail_msg("in band %g, below 8 Hz %g, above 1 kHz %g", in_band, below, above);
    sig_free(buf);
}

static void test_needle_transient(void **state)
{
    (void)state;
    const double fs = 4000.0, t = 0.25, amp = -50.0;
    const size_t n = 4000;
    float *buf = sig_alloc(n, 1);
    sig_add_needle_transient(buf, n, 1, 0, fs, t, amp);
    const size_t f0 = sig_frame(t, fs);
    assert_int_equal(count_nonzero(buf, 1, 0, 0, f0), 0);
    assert_near(buf[f0], amp, 1e-6); /* a one-frame jump */
    assert_near(peak_abs(buf, 1, 0, 0, n), fabs(amp), 1e-6);
    const size_t ms5 = (size_t)(0.005 * fs);
    assert_near(buf[f0 + ms5], amp * exp(-1.0), 0.01 * fabs(amp));
    assert_true(peak_abs(buf, 1, 0, f0 + (size_t)(0.025 * fs), n) < 0.01 * fabs(amp));
    assert_int_equal(count_nonzero(buf, 1, 0, f0 + (size_t)(0.060 * fs), n), 0);
    sig_free(buf);
}

/* --- defects --------------------------------------------------------------------------- */

static void test_defects(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = 1000;
    float *buf = sig_alloc(n, 2);
    sig_add_sine(buf, n, 2, 0, fs, 7.0, 1.0, 0.3);
    sig_add_sine(buf, n, 2, 1, fs, 7.0, 1.0, 0.3);
    float *orig = sig_alloc(n, 2);
    memcpy(orig, buf, n * 2 * sizeof *buf);

    sig_set_nan(buf, n, 2, 0, fs, 0.1, 0.02);     /* frames [100, 120) */
    sig_set_inf(buf, n, 2, 0, fs, 0.3, 0.005);    /* [300, 305) */
    sig_set_dropout(buf, n, 2, 0, fs, 0.5, 0.03, 0.25f); /* [500, 530) */
    sig_set_nan(buf, n, 2, 0, fs, 0.99, 1.0);     /* [990, 1000): clipped to the buffer */
    for (size_t i = 0; i < n; i++) {
        const float x = buf[2 * i];
        const int in_nan = (i >= 100 && i < 120) || i >= 990;
        const int in_inf = i >= 300 && i < 305;
        const int in_drop = i >= 500 && i < 530;
        if (isnan(x) != in_nan || (isinf(x) && x > 0) != in_inf)
            fail_msg("frame %zu: %g", i, (double)x);
        if (in_drop)
            assert_true(x == 0.25f);
        else if (!in_nan && !in_inf)
            assert_true(x == orig[2 * i]);
        assert_true(buf[2 * i + 1] == orig[2 * i + 1]); /* the other channel */
    }

    /* Clipping: only samples beyond the level change, to exactly the level. */
    const size_t changed = sig_clip(buf, n, 2, 1, 0.5);
    size_t expected = 0;
    for (size_t i = 0; i < n; i++) {
        const float o = orig[2 * i + 1], x = buf[2 * i + 1];
        if (fabsf(o) > 0.5f) {
            expected++;
            assert_true(x == (o > 0 ? 0.5f : -0.5f));
        } else {
            assert_true(x == o);
        }
    }
    assert_int_equal(changed, expected);
    assert_true(expected > n / 4);
    sig_free(buf);
    sig_free(orig);
}

/* --- helpers ---------------------------------------------------------------------------- */

static void test_frames_and_rms(void **state)
{
    (void)state;
    assert_int_equal(sig_frame(0.5003, 1000.0), 500);
    assert_int_equal(sig_frame(0.5007, 1000.0), 501);
    assert_int_equal(sig_frame(-1.0, 1000.0), 0);
    assert_int_equal(sig_frame(2.0, 48000.0), 96000);
    float b[6] = {1, 10, -1, 20, 1, 30};
    assert_near(sig_rms(b, 3, 2, 0, 0, 3), 1.0, 1e-12);
    assert_near(sig_rms(b, 3, 2, 1, 1, 3), sqrt((400.0 + 900.0) / 2.0), 1e-9);
    assert_near(sig_rms(b, 3, 2, 1, 1, 99), sqrt((400.0 + 900.0) / 2.0), 1e-9); /* clipped */
    assert_near(sig_rms(b, 3, 2, 1, 2, 2), 0.0, 0.0);
}

static void test_to_s16(void **state)
{
    (void)state;
    const float in[7] = {0.0f, 1.0f, -1.0f, 0.00004f, 2.0f, -2.0f, NAN};
    int16_t out[7];
    const size_t sat = sig_to_s16(in, 7, 32767.0, out);
    assert_int_equal(sat, 2);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 32767);
    assert_int_equal(out[2], -32767);
    assert_int_equal(out[3], 1);
    assert_int_equal(out[4], 32767);
    assert_int_equal(out[5], -32768);
    assert_int_equal(out[6], 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_deterministic),
        cmocka_unit_test(test_qrs),
        cmocka_unit_test(test_rng_moments),
        cmocka_unit_test(test_noise_deterministic),
        cmocka_unit_test(test_noise_rms),
        cmocka_unit_test(test_noise_starts_stationary),
        cmocka_unit_test(test_noise_band_limited),
        cmocka_unit_test(test_twitch_emg_support_and_rms),
        cmocka_unit_test(test_twitch_emg_deterministic_and_varied),
        cmocka_unit_test(test_twitch_emg_spectrum),
        cmocka_unit_test(test_components_add),
        cmocka_unit_test(test_twitch_acc),
        cmocka_unit_test(test_gravity_and_hand_motion),
        cmocka_unit_test(test_sine),
        cmocka_unit_test(test_wander),
        cmocka_unit_test(test_stim_pulses),
        cmocka_unit_test(test_voluntary),
        cmocka_unit_test(test_needle_transient),
        cmocka_unit_test(test_defects),
        cmocka_unit_test(test_frames_and_rms),
        cmocka_unit_test(test_to_s16),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
