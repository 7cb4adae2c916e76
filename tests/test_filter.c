/*
 * Tests of lib/core/filter.c, measured on signals: sines and tone bursts are
 * filtered through ltri_cascade_run and what comes out is compared with the
 * textbook response of the design (and with ltri_cascade_gain /
 * ltri_cascade_group_delay, which must describe the realised filter).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "filter.h"

static const double pi = 3.14159265358979323846;

/* Sample rates the library supports, low to high (LTR_MIN/MAX_SAMPLE_RATE_HZ). */
static const double rates[] = {250.0, 1000.0, 10000.0, 50000.0};
#define N_RATES (sizeof rates / sizeof rates[0])

#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail_msg(__VA_ARGS__);                                                                 \
    } while (0)

static double db(double g)
{
    return 20.0 * log10(g);
}

/* Filter a unit sine at f_hz through a fresh state, let the transient die
 * for settle_s, then least-squares fit a cos + b sin over >= 10 periods (and
 * >= 0.2 s). Returns the output amplitude; *phase (if not NULL) is the
 * phase of the output relative to the input sine, radians. */
static double measure_sine(const ltri_cascade *c, double f_hz, double fs_hz, double settle_s,
                           double *phase)
{
    ltri_cascade_state s;
    ltri_cascade_state_reset(&s);
    const long n_settle = (long)(settle_s * fs_hz);
    const long n_meas = (long)fmax(0.2 * fs_hz, 10.0 * fs_hz / f_hz);
    double scc = 0, sss = 0, scs = 0, syc = 0, sys = 0;
    for (long n = 0; n < n_settle + n_meas; n++) {
        const double ph = 2.0 * pi * fmod(f_hz * (double)n, fs_hz) / fs_hz;
        const double y = ltri_cascade_run(c, &s, (float)sin(ph));
        if (n >= n_settle) {
            const double cs = cos(ph), sn = sin(ph);
            scc += cs * cs;
            sss += sn * sn;
            scs += cs * sn;
            syc += y * cs;
            sys += y * sn;
        }
    }
    const double det = scc * sss - scs * scs;
    const double a = (syc * sss - sys * scs) / det; /* cos weight */
    const double b = (sys * scc - syc * scs) / det; /* sin weight */
    if (phase != NULL)
        *phase = atan2(a, b);
    return hypot(a, b);
}

/* Slowest time constant of a Butterworth of this order, seconds: the pole
 * pair with damping sin(pi / (2 order)). Settling for 20 of them leaves the
 * transient e^-20 below its start. */
static double butter_settle_s(unsigned order, double fc_hz)
{
    return 20.0 / (2.0 * pi * fc_hz * sin(pi / (2.0 * order)));
}

/* Textbook bilinear Butterworth magnitude (Oppenheim & Schafer 7.2.3):
 * |H|^2 = 1 / (1 + (tan(pi f/fs) / tan(pi fc/fs))^(+-2N)). */
static double butter_ref(int highpass, unsigned order, double fc_hz, double f_hz, double fs_hz)
{
    double r = tan(pi * f_hz / fs_hz) / tan(pi * fc_hz / fs_hz);
    if (highpass)
        r = 1.0 / r;
    return 1.0 / sqrt(1.0 + pow(r, 2.0 * order));
}

/* One Butterworth checked at fc/4, fc/2, fc, 2fc, 4fc (below 0.45 fs):
 * the measured gain equals the textbook design and ltri_cascade_gain within
 * 0.1 dB, which also pins -3.01 dB at fc. */
static void check_butter(int highpass, unsigned order, double fc_hz, double fs_hz)
{
    ltri_cascade c;
    ltri_cascade_clear(&c);
    const int rc = highpass ? ltri_cascade_add_butter_highpass(&c, order, fc_hz, fs_hz)
                            : ltri_cascade_add_butter_lowpass(&c, order, fc_hz, fs_hz);
    assert_int_equal(rc, 0);
    static const double mult[] = {0.25, 0.5, 1.0, 2.0, 4.0};
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        const double f = fc_hz * mult[i];
        if (f >= 0.45 * fs_hz)
            continue;
        const double ref = db(butter_ref(highpass, order, fc_hz, f, fs_hz));
        if (ref < -80.0)
            continue; /* below what a float sine can show cleanly */
        const double meas = db(measure_sine(&c, f, fs_hz, butter_settle_s(order, fc_hz), NULL));
        const double des = db(ltri_cascade_gain(&c, f, fs_hz));
        EXPECT(fabs(meas - ref) <= 0.1,
               "%s%u fc %g Hz at fs %g Hz, f %g Hz: measured %.4f dB, design %.4f dB",
               highpass ? "HP" : "LP", order, fc_hz, fs_hz, f, meas, ref);
        EXPECT(fabs(meas - des) <= 0.1,
               "%s%u fc %g Hz at fs %g Hz, f %g Hz: measured %.4f dB, ltri_cascade_gain %.4f dB",
               highpass ? "HP" : "LP", order, fc_hz, fs_hz, f, meas, des);
    }
}

/* The two hardest cases at every rate: poles crowd z = 1 at 50 kHz. */
static void test_highpass_gain_measured(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        check_butter(1, 4, 20.0, fs); /* EMG high-pass */
        check_butter(1, 2, 5.0, fs);  /* accelerometer high-pass, 2nd order */
        check_butter(1, 4, 5.0, fs);  /* ... and 4th order, as detector.c builds it */
    }
}

static void test_lowpass_gain_measured(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        check_butter(0, 4, fmin(450.0, 0.2 * fs), fs); /* EMG low-pass, stopband below Nyquist */
        check_butter(0, 2, 20.0, fs);                  /* envelope smoothing */
        check_butter(0, 4, 100.0 < 0.45 * fs ? 100.0 : 0.2 * fs, fs); /* accelerometer */
    }
}

static void test_higher_orders_gain_measured(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        check_butter(1, 6, 20.0, fs);
        check_butter(1, 8, 20.0, fs);
        check_butter(0, 6, 0.1 * fs, fs);
        check_butter(0, 8, 0.1 * fs, fs);
    }
}

/* Spec figures stated outright: -3 dB at fc, >= 47 dB down at fc/4 for the
 * 4th-order EMG high-pass, flat passband. */
static void test_butter_spec_points(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        ltri_cascade c;
        ltri_cascade_clear(&c);
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, fs), 0);
        const double settle = butter_settle_s(4, 20.0);
        const double at_fc = db(measure_sine(&c, 20.0, fs, settle, NULL));
        const double at_q = db(measure_sine(&c, 5.0, fs, settle, NULL));
        const double pass = db(measure_sine(&c, 100.0, fs, settle, NULL));
        EXPECT(fabs(at_fc + 3.0103) <= 0.1, "fs %g: HP4 at fc %.4f dB", fs, at_fc);
        EXPECT(at_q <= -47.0, "fs %g: HP4 at fc/4 only %.2f dB", fs, at_q);
        EXPECT(fabs(pass) <= 0.01, "fs %g: HP4 passband at 5 fc %.4f dB", fs, pass);
    }
}

/* Passband gain exactly 1: a low-pass passes DC, a high-pass passes the
 * Nyquist tone (+1, -1, ...), at full amplitude. */
static void test_passband_gain_is_one(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        ltri_cascade lp, hp;
        ltri_cascade_clear(&lp);
        ltri_cascade_clear(&hp);
        assert_int_equal(ltri_cascade_add_butter_lowpass(&lp, 4, 0.2 * fs, fs), 0);
        assert_int_equal(ltri_cascade_add_butter_lowpass(&lp, 2, 20.0, fs), 0);
        assert_int_equal(ltri_cascade_add_butter_highpass(&hp, 4, 20.0, fs), 0);
        assert_int_equal(ltri_cascade_add_butter_highpass(&hp, 2, 5.0, fs), 0);
        ltri_cascade_state sl, sh;
        ltri_cascade_state_reset(&sl);
        ltri_cascade_state_reset(&sh);
        const long n = (long)(3.0 * fs); /* >> slowest time constant, 45 ms */
        float yl = 0.0f, yh = 0.0f;
        for (long i = 0; i < n; i++) {
            yl = ltri_cascade_run(&lp, &sl, 1.0f);
            yh = ltri_cascade_run(&hp, &sh, (i & 1) ? -1.0f : 1.0f);
        }
        EXPECT(fabs(yl - 1.0) <= 1e-5, "fs %g: low-pass DC gain %.8f", fs, (double)yl);
        EXPECT(fabs(fabs(yh) - 1.0) <= 1e-5, "fs %g: high-pass Nyquist gain %.8f", fs,
               (double)fabs(yh));
    }
}

/* Mains notches: the fundamental and its harmonics up to n_max x (below
 * 0.45 fs), 4 Hz wide. */
static void build_mains(ltri_cascade *c, double mains_hz, double fs_hz, unsigned n_max)
{
    ltri_cascade_clear(c);
    for (unsigned h = 1; h <= n_max && h * mains_hz < 0.45 * fs_hz; h++)
        assert_int_equal(ltri_cascade_add_notch(c, h * mains_hz, 4.0, fs_hz), 0);
}

static void test_notch_attenuates_mains(void **state)
{
    (void)state;
    static const double mains[] = {50.0, 60.0};
    const double settle = 20.0 / (pi * 4.0); /* 20 time constants of a 4 Hz notch */
    for (size_t r = 0; r < N_RATES; r++) {
        for (size_t m = 0; m < 2; m++) {
            const double fs = rates[r], f0 = mains[m];
            ltri_cascade c;
            build_mains(&c, f0, fs, 3);
            /* The fundamental and the 3rd harmonic (150 / 180 Hz), if below Nyquist. */
            for (unsigned h = 1; h <= 3; h += 2) {
                if (h * f0 >= 0.45 * fs)
                    continue;
                const double g = db(measure_sine(&c, h * f0, fs, settle, NULL));
                EXPECT(g <= -30.0, "fs %g: notch at %g Hz only %.1f dB", fs, h * f0, g);
            }
        }
    }
}

/* A single notch loses < 0.5 dB at f0 +- 3 width, and its -3 dB band is
 * width wide at every rate (also at 250 Hz, where the plain RBJ Q = f0/width
 * would give 3.0 Hz instead of 4 Hz). */
static void test_notch_width(void **state)
{
    (void)state;
    const double f0 = 50.0, width = 4.0, settle = 20.0 / (pi * width);
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        ltri_cascade c;
        ltri_cascade_clear(&c);
        assert_int_equal(ltri_cascade_add_notch(&c, f0, width, fs), 0);
        for (int side = -1; side <= 1; side += 2) {
            const double f = f0 + side * 3.0 * width;
            const double g = db(measure_sine(&c, f, fs, settle, NULL));
            EXPECT(g >= -0.5, "fs %g: notch loses %.3f dB at %g Hz", fs, -g, f);
        }
        /* -3 dB edges located on the design by bisection, then measured. */
        double edge[2];
        for (int k = 0; k < 2; k++) {
            double lo = k ? f0 : f0 - 5.0 * width, hi = k ? f0 + 5.0 * width : f0;
            for (int it = 0; it < 60; it++) {
                const double mid = 0.5 * (lo + hi);
                const int below = ltri_cascade_gain(&c, mid, fs) < sqrt(0.5);
                if ((below && k == 0) || (!below && k == 1))
                    hi = mid;
                else
                    lo = mid;
            }
            edge[k] = 0.5 * (lo + hi);
            const double g = db(measure_sine(&c, edge[k], fs, settle, NULL));
            EXPECT(fabs(g + 3.0103) <= 0.1, "fs %g: at notch edge %.3f Hz measured %.3f dB", fs,
                   edge[k], g);
        }
        EXPECT(fabs(edge[1] - edge[0] - width) <= 0.01 * width,
               "fs %g: notch -3 dB width %.4f Hz, wanted %g", fs, edge[1] - edge[0], width);
    }
}

/* Energy centroid (samples) of x^2. */
static double centroid(const float *x, long n)
{
    double m0 = 0.0, m1 = 0.0;
    for (long i = 0; i < n; i++) {
        const double e = (double)x[i] * x[i];
        m0 += e;
        m1 += e * (double)i;
    }
    return m1 / m0;
}

/* Group delay seen by a Gaussian tone burst at f: the shift of its energy
 * centroid, which equals the group delay averaged over the burst's (narrow)
 * spectrum (the centroid of |y|^2 is that of |x|^2 plus the |Y|^2-weighted
 * mean of the group delay). */
#define BURST_MAX 1000000
static float burst_in[BURST_MAX], burst_out[BURST_MAX];

static double measure_burst_delay(const ltri_cascade *c, double f_hz, double fs_hz, double sigma_s)
{
    const long n = (long)(12.0 * sigma_s * fs_hz);
    const double n0 = 0.35 * (double)n, sigma = sigma_s * fs_hz; /* room for the delay after */
    assert_true(n <= BURST_MAX);
    ltri_cascade_state s;
    ltri_cascade_state_reset(&s);
    for (long i = 0; i < n; i++) {
        const double t = ((double)i - n0) / sigma;
        burst_in[i] = (float)(exp(-0.5 * t * t) * sin(2.0 * pi * f_hz * (double)i / fs_hz));
        burst_out[i] = ltri_cascade_run(c, &s, burst_in[i]);
    }
    return centroid(burst_out, n) - centroid(burst_in, n);
}

static void test_group_delay_matches_tone_burst(void **state)
{
    (void)state;
    struct {
        const char *name;
        double fs, f, sigma_s;
        int kind; /* 0 HP4 20 Hz, 1 HP2 5 Hz, 2 LP4, 3 EMG chain with notches */
    } cases[] = {
        {"HP4 20 Hz @ 250", 250.0, 60.0, 0.4, 0},
        {"HP4 20 Hz @ 1k", 1000.0, 60.0, 0.4, 0},
        {"HP4 20 Hz @ 50k", 50000.0, 80.0, 0.5, 0},
        {"HP2 5 Hz @ 10k", 10000.0, 20.0, 1.0, 1},
        {"HP2 5 Hz @ 50k", 50000.0, 30.0, 1.0, 1},
        {"HP2 5 Hz @ 50k near fc", 50000.0, 10.0, 1.5, 1},
        {"HP4 20 Hz @ 50k near fc", 50000.0, 40.0, 1.0, 0},
        {"LP4 @ 1k", 1000.0, 150.0, 0.2, 2},
        {"LP4 @ 10k", 10000.0, 300.0, 0.1, 2},
        {"EMG chain @ 2k", 2000.0, 75.0, 0.5, 3},
        {"EMG chain @ 250", 250.0, 75.0, 0.5, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const double fs = cases[i].fs;
        ltri_cascade c;
        ltri_cascade_clear(&c);
        switch (cases[i].kind) {
        case 0: assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, fs), 0); break;
        case 1: assert_int_equal(ltri_cascade_add_butter_highpass(&c, 2, 5.0, fs), 0); break;
        case 2: assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 0.25 * fs, fs), 0); break;
        default: /* the EMG band-pass with two notches: a full cascade */
            build_mains(&c, 50.0, fs, 2);
            assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, fs), 0);
            assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, fmin(450.0, 0.45 * fs), fs), 0);
            break;
        }
        const double des = ltri_cascade_group_delay(&c, cases[i].f, fs);
        const double meas = measure_burst_delay(&c, cases[i].f, fs, cases[i].sigma_s);
        /* measured agreement: <= 0.003 samples, 0.1 near a corner (spectral averaging) */
        EXPECT(fabs(meas - des) <= fmax(0.05, 0.001 * des),
               "%s at %g Hz: group delay %.2f samples, tone burst delayed %.2f", cases[i].name,
               cases[i].f, des, meas);
    }
}

/* The delay is finite where a notch zero sits, and in between its
 * neighbours (the notch's poles make a smooth bump there). */
static void test_group_delay_finite_at_notch(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        ltri_cascade c;
        build_mains(&c, 50.0, fs, LTRI_MAX_SECTIONS);
        const double at = ltri_cascade_group_delay(&c, 100.0, fs);
        const double below = ltri_cascade_group_delay(&c, 99.0, fs);
        const double above = ltri_cascade_group_delay(&c, 101.0, fs);
        EXPECT(isfinite(at) && at > 0.0 && at < 2.0 * fs, "fs %g: delay at a notch %g", fs, at);
        EXPECT(at >= fmin(below, above) && at <= 1.5 * fmax(below, above),
               "fs %g: delay at notch %g vs neighbours %g, %g", fs, at, below, above);
    }
}

/* The impulse response of each stable design dies away: after 40 slowest
 * time constants its energy is < 1e-12 of the first part's. */
static void test_impulse_response_decays(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        ltri_cascade c;
        build_mains(&c, 50.0, fs, 1);
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, fs), 0);
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, 2, 5.0, fs), 0);
        assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 0.4 * fs, fs), 0);
        ltri_cascade_state s;
        ltri_cascade_state_reset(&s);
        const long n = (long)(40.0 / (pi * 4.0) * fs); /* the 4 Hz notches are slowest */
        double head = 0.0, tail = 0.0;
        for (long i = 0; i < n; i++) {
            const double y = ltri_cascade_run(&c, &s, i == 0 ? 1.0f : 0.0f);
            EXPECT(isfinite(y), "fs %g: impulse response not finite at %ld", fs, i);
            if (i < n / 10)
                head += y * y;
            else if (i >= n - n / 10)
                tail += y * y;
        }
        EXPECT(head > 0.0 && tail <= 1e-12 * head, "fs %g: impulse energy head %g tail %g", fs,
               head, tail);
    }
}

static void test_empty_cascade_is_identity(void **state)
{
    (void)state;
    static const float xs[] = {0.0f, -0.0f, 1.0f, -3.5f, 1e-30f, 1e-40f /* subnormal */,
                               3e38f, -1e-20f, 12345.678f, INFINITY};
    ltri_cascade c;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_notch(&c, 50.0, 4.0, 1000.0), 0);
    ltri_cascade_clear(&c); /* a used cascade, emptied */
    ltri_cascade_state s;
    ltri_cascade_state_reset(&s);
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        const float y = ltri_cascade_run(&c, &s, xs[i]);
        EXPECT(memcmp(&y, &xs[i], sizeof y) == 0, "empty cascade changed %g into %g",
               (double)xs[i], (double)y);
    }
}

/* One cascade, several channels: interleaving states gives each channel the
 * output it would have alone (no hidden state in the cascade). */
static void test_channels_independent(void **state)
{
    (void)state;
    ltri_cascade c;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, 1000.0), 0);
    assert_int_equal(ltri_cascade_add_notch(&c, 50.0, 4.0, 1000.0), 0);
    ltri_cascade_state a, b, alone;
    ltri_cascade_state_reset(&a);
    ltri_cascade_state_reset(&b);
    ltri_cascade_state_reset(&alone);
    for (int i = 0; i < 5000; i++) {
        const float xa = (float)sin(0.05 * i), xb = (float)(i % 17) - 8.0f;
        const float ya = ltri_cascade_run(&c, &a, xa);
        (void)ltri_cascade_run(&c, &b, xb);
        const float y1 = ltri_cascade_run(&c, &alone, xa);
        EXPECT(ya == y1, "sample %d: %g interleaved, %g alone", i, (double)ya, (double)y1);
    }
}

/* Channels side by side (structure of arrays, the detector's band-pass across channels)
 * get bit for bit what each gets alone from ltri_cascade_run, for 4, 12 and 32 channels of
 * different signals (sines, a step, noise, silence), including across the periodic
 * subnormal flush. */
static void test_soa_channels_match_single(void **state)
{
    (void)state;
    ltri_cascade c;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, 2000.0), 0);
    assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 450.0, 2000.0), 0);
    assert_int_equal(c.n_sections, 4);
    static const unsigned counts[] = {LTRI_SOA_GROUP, 3u * LTRI_SOA_GROUP, LTRI_SOA_MAX};
    for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
        const unsigned n_ch = counts[k];
        const size_t stride = n_ch + 5u; /* any stride >= n_ch */
        static ltri_real z[2u * 4u * (LTRI_SOA_MAX + 5u)];
        memset(z, 0, sizeof z);
        uint32_t tick = 0;
        ltri_cascade_state alone[LTRI_SOA_MAX];
        for (unsigned ch = 0; ch < n_ch; ch++)
            ltri_cascade_state_reset(&alone[ch]);
        uint32_t rng = 4242u;
        long differ = 0;
        for (int i = 0; i < 3000; i++) {
            float x[LTRI_SOA_MAX], ref[LTRI_SOA_MAX];
            for (unsigned ch = 0; ch < n_ch; ch++) {
                rng = rng * 1664525u + 1013904223u;
                const float noise = (float)((double)(rng >> 8) / 8388608.0 - 1.0);
                x[ch] = ch % 4u == 0u   ? (float)sin(0.01 * (ch + 1) * i)
                        : ch % 4u == 1u ? (i > 700 ? 3.0f : 0.0f)
                        : ch % 4u == 2u ? noise
                                        : 0.0f;
                ref[ch] = ltri_cascade_run(&c, &alone[ch], x[ch]);
            }
            ltri_sections_run_soa_n(c.sections, z, stride, x, n_ch, &tick, 4u);
            for (unsigned ch = 0; ch < n_ch; ch++)
                differ += memcmp(&x[ch], &ref[ch], sizeof x[ch]) != 0;
        }
        EXPECT(differ == 0, "%u channels side by side: %ld outputs differ from one alone", n_ch,
               differ);
        /* and the states are the same numbers */
        for (unsigned ch = 0; ch < n_ch; ch++)
            for (unsigned i = 0; i < 4u; i++)
                EXPECT(z[(2u * i) * stride + ch] == alone[ch].z[i][0] &&
                           z[(2u * i + 1u) * stride + ch] == alone[ch].z[i][1],
                       "channel %u section %u: state differs", ch, i);
    }
}

/* A NaN poisons a state; reset makes it as good as new. */
static void test_reset_recovers_from_nan(void **state)
{
    (void)state;
    ltri_cascade c;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 100.0, 1000.0), 0);
    ltri_cascade_state s, fresh;
    ltri_cascade_state_reset(&s);
    ltri_cascade_state_reset(&fresh);
    (void)ltri_cascade_run(&c, &s, NAN);
    assert_true(isnan(ltri_cascade_run(&c, &s, 0.0f)));
    ltri_cascade_state_reset(&s);
    for (int i = 0; i < 100; i++) {
        const float x = i == 0 ? 1.0f : 0.0f;
        const float y = ltri_cascade_run(&c, &s, x), y0 = ltri_cascade_run(&c, &fresh, x);
        EXPECT(y == y0, "sample %d after reset: %g, fresh %g", i, (double)y, (double)y0);
    }
}

static int same(const ltri_cascade *a, const ltri_cascade *b)
{
    return memcmp(a, b, sizeof *a) == 0;
}

static void test_design_refuses_bad_arguments(void **state)
{
    (void)state;
    ltri_cascade c, before;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_notch(&c, 50.0, 4.0, 1000.0), 0);
    before = c;
    static const double bad_fc[] = {0.0, -1.0, 500.0, 600.0, NAN, INFINITY};
    for (size_t i = 0; i < sizeof bad_fc / sizeof bad_fc[0]; i++) {
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, bad_fc[i], 1000.0), -1);
        assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 2, bad_fc[i], 1000.0), -1);
        assert_int_equal(ltri_cascade_add_notch(&c, bad_fc[i], 4.0, 1000.0), -1);
        assert_int_equal(ltri_cascade_add_notch(&c, 50.0, bad_fc[i], 1000.0), -1);
    }
    static const double bad_fs[] = {0.0, -1000.0, NAN, INFINITY, 30.0 /* fc 20 >= fs/2 */};
    for (size_t i = 0; i < sizeof bad_fs / sizeof bad_fs[0]; i++) {
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, bad_fs[i]), -1);
        assert_int_equal(ltri_cascade_add_notch(&c, 20.0, 4.0, bad_fs[i]), -1);
    }
    static const unsigned bad_order[] = {0u, 1u, 3u, 5u, 7u};
    for (size_t i = 0; i < sizeof bad_order / sizeof bad_order[0]; i++) {
        assert_int_equal(ltri_cascade_add_butter_highpass(&c, bad_order[i], 20.0, 1000.0), -1);
        assert_int_equal(ltri_cascade_add_butter_lowpass(&c, bad_order[i], 20.0, 1000.0), -1);
    }
    assert_int_equal(ltri_cascade_add_butter_lowpass(NULL, 2, 20.0, 1000.0), -1);
    assert_int_equal(ltri_cascade_add_notch(NULL, 50.0, 4.0, 1000.0), -1);
    assert_true(same(&c, &before)); /* every refusal left it alone */

    /* Capacity (LTRI_MAX_SECTIONS = 6): 1 + 4 = 5 sections; an order-4 (2 sections) no
     * longer fits, a notch does, and then nothing. */
    assert_int_equal(LTRI_MAX_SECTIONS, 6);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 8, 20.0, 1000.0), 0);
    assert_int_equal(c.n_sections, LTRI_MAX_SECTIONS - 1);
    before = c;
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, 1000.0), -1);
    assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 20.0, 1000.0), -1);
    assert_true(same(&c, &before));
    assert_int_equal(ltri_cascade_add_notch(&c, 150.0, 4.0, 1000.0), 0); /* the last one fits */
    before = c;
    assert_int_equal(ltri_cascade_add_notch(&c, 200.0, 4.0, 1000.0), -1);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 2, 20.0, 1000.0), -1);
    assert_true(same(&c, &before));
}

/* Long runs of silence and of tiny noise (down to subnormal floats) through
 * the EMG band-pass with two notches (6 sections, a full cascade) at 50 kHz: no NaN, no subnormal output, and no
 * subnormal state at any sample (subnormal arithmetic is ~100x slower on
 * x86). Without the guard, silence makes all states subnormal after ~1 min
 * (double) and 1e-38 noise at once (float). */
static void test_no_subnormals_on_silence_or_tiny_noise(void **state)
{
    (void)state;
    const double fs = 50000.0;
    ltri_cascade c;
    build_mains(&c, 50.0, fs, 2);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 4, 20.0, fs), 0);
    assert_int_equal(ltri_cascade_add_butter_lowpass(&c, 4, 2000.0, fs), 0);
    static const double levels[] = {0.0, 1e-30, 1e-38, 1e-42};
    uint32_t rng = 12345u;
    for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
        ltri_cascade_state s;
        ltri_cascade_state_reset(&s);
        for (int i = 0; i < 5000; i++) /* something to decay from */
            (void)ltri_cascade_run(&c, &s, (float)sin(0.05 * i));
        const long n = levels[l] == 0.0 ? (long)(120.0 * fs) : (long)(10.0 * fs);
        long bad_out = 0, bad_state = 0;
        for (long i = 0; i < n; i++) {
            rng = rng * 1664525u + 1013904223u;
            const float x = (float)(levels[l] * ((double)(rng >> 8) / 8388608.0 - 1.0));
            const float y = ltri_cascade_run(&c, &s, x);
            if (isnan(y) || fpclassify(y) == FP_SUBNORMAL)
                bad_out++;
            for (unsigned k = 0; k < c.n_sections; k++)
                bad_state += (fpclassify(s.z[k][0]) == FP_SUBNORMAL) +
                             (fpclassify(s.z[k][1]) == FP_SUBNORMAL);
        }
        EXPECT(bad_out == 0 && bad_state == 0,
               "noise level %g: %ld NaN/subnormal outputs, %ld subnormal state-samples",
               levels[l], bad_out, bad_state);
    }
}

/* A large DC offset (electrode offset, gravity) must not leak round-off
 * into the output: by linearity, filtering DC + signal and subtracting the
 * filtered signal alone leaves the (decayed) DC response plus round-off.
 * Worst case: accelerometer high-pass 5 Hz at 50 kHz. */
static void test_dc_offset_roundoff(void **state)
{
    (void)state;
#ifdef LTRI_FILTER_DOUBLE
    const double limit = 1e-9; /* double state: ~1e-11 measured */
#else
    const double limit = 5e-6; /* float state: ~2e-6 of the offset measured */
#endif
    const double fs = 50000.0;
    ltri_cascade c;
    ltri_cascade_clear(&c);
    assert_int_equal(ltri_cascade_add_butter_highpass(&c, 2, 5.0, fs), 0);
    ltri_cascade_state with_dc, without;
    ltri_cascade_state_reset(&with_dc);
    ltri_cascade_state_reset(&without);
    uint32_t rng = 777u;
    double err2 = 0.0;
    long cnt = 0;
    for (long i = 0; i < (long)(20.0 * fs); i++) {
        rng = rng * 1664525u + 1013904223u;
        /* multiples of 2^-23, so 1 + sig is exact in float: only the filter rounds */
        const double noise = (double)(rng >> 24) - 128.0;                   /* ~1.5e-5 */
        const double tone = floor(8388608.0 * 1e-3 * sin(2.0 * pi * 100.0 * (double)i / fs));
        const float sig = (float)ldexp(noise + tone, -23);
        const double a = ltri_cascade_run(&c, &with_dc, 1.0f + sig);
        const double b = ltri_cascade_run(&c, &without, sig);
        if (i >= (long)(2.0 * fs)) { /* the DC step response has died (e^-44) */
            err2 += (a - b) * (a - b);
            cnt++;
        }
    }
    const double rms = sqrt(err2 / (double)cnt);
    EXPECT(rms <= limit, "round-off from a DC offset of 1: rms %.3g (limit %.1g)", rms, limit);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_highpass_gain_measured),
        cmocka_unit_test(test_lowpass_gain_measured),
        cmocka_unit_test(test_higher_orders_gain_measured),
        cmocka_unit_test(test_butter_spec_points),
        cmocka_unit_test(test_passband_gain_is_one),
        cmocka_unit_test(test_notch_attenuates_mains),
        cmocka_unit_test(test_notch_width),
        cmocka_unit_test(test_group_delay_matches_tone_burst),
        cmocka_unit_test(test_group_delay_finite_at_notch),
        cmocka_unit_test(test_impulse_response_decays),
        cmocka_unit_test(test_empty_cascade_is_identity),
        cmocka_unit_test(test_channels_independent),
        cmocka_unit_test(test_soa_channels_match_single),
        cmocka_unit_test(test_reset_recovers_from_nan),
        cmocka_unit_test(test_design_refuses_bad_arguments),
        cmocka_unit_test(test_no_subnormals_on_silence_or_tiny_noise),
        cmocka_unit_test(test_dc_offset_roundoff),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
