/*
 * Tests of lib/core/mains.c, measured on signals: mains lines (with drift,
 * amplitude steps, only a third harmonic...) over EMG-like band-limited
 * noise go through ltri_mains_step, and what comes out is measured: the
 * status and frequency the tracker reports, each line's residual, the
 * distortion of noise and of twitch-like bursts.
 *
 * Line residuals are measured free of the noise by running the same noise
 * with the lines added and with the lines subtracted: the canceller is
 * (once converged) linear, so (out+ - out-) / 2 is what is left of the
 * lines alone.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mains.h"
#include "signals.h"

static const double pi = 3.14159265358979323846;

#ifdef TEST_MAINS_REPORT /* print every check and keep going (tuning) */
#include <stdio.h>
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        printf("%s ", (cond) ? "ok  " : "FAIL");                                                 \
        printf(__VA_ARGS__);                                                                       \
        printf("\n");                                                                             \
    } while (0)
#else
#define EXPECT(cond, ...)                                                                          \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fail_msg(__VA_ARGS__);                                                                 \
    } while (0)
#endif

/* The EMG band the detector keeps: 30-450 Hz, 30-2000 Hz from 4 kHz, below 0.45 fs. */
static double emg_top(double fs)
{
    return fmin(fs >= 4000.0 ? 2000.0 : 450.0, 0.45 * fs);
}

/* ----------------------------------------------------------------- signals */

/* Mains: harmonic k has amplitude amp[k-1]; the fundamental moves linearly
 * from f_start to f_end over the buffer; amplitudes are multiplied by gain1
 * from t1_s on and by gain2 from t2_s on (0: no step). */
typedef struct mains_sig {
    double f_start, f_end;
    double amp[LTRI_MAINS_MAX_LINES];
    double t1_s, gain1, t2_s, gain2;
} mains_sig;

static void add_mains(float *buf, size_t n, double fs, const mains_sig *m, double sign)
{
    double phase = 0.0; /* cycles of the fundamental */
    for (size_t i = 0; i < n; i++) {
        const double t = (double)i / fs;
        double g = sign;
        if (m->t1_s > 0.0 && t >= m->t1_s)
            g *= m->gain1;
        if (m->t2_s > 0.0 && t >= m->t2_s)
            g *= m->gain2;
        double v = 0.0;
        for (unsigned k = 1; k <= LTRI_MAINS_MAX_LINES; k++)
            if (m->amp[k - 1] != 0.0)
                v += m->amp[k - 1] * sin(2.0 * pi * fmod(k * phase, 1.0) + 0.7 * k);
        buf[i] += (float)(g * v);
        const double f = m->f_start + (m->f_end - m->f_start) * (double)i / (double)n;
        phase = fmod(phase + f / fs, 1.0);
    }
}

/* EMG background, unit RMS, in the detector's band. */
static float *emg(size_t n, double fs, uint64_t seed)
{
    float *x = sig_alloc(n, 1);
    sig_rng rng;
    sig_rng_seed(&rng, seed);
    sig_add_emg_noise(x, n, 1, 0, fs, 1.0, 30.0, emg_top(fs), &rng);
    return x;
}

/* Harmonics 1/k from amplitude a, as far as the band reaches. */
static mains_sig mains_1_over_k(double f0, double a, double fs)
{
    mains_sig m;
    memset(&m, 0, sizeof m);
    m.f_start = m.f_end = f0;
    for (unsigned k = 1; k <= 8 && k * f0 <= emg_top(fs) - 5.0; k++)
        m.amp[k - 1] = a / k;
    return m;
}

/* ------------------------------------------------------------ measurement */

typedef struct run_out {
    ltri_mains_status status_at_lock; /* status just after the search */
    ltri_mains_status status;         /* at the end */
    double freq_hz;                   /* at the end */
} run_out;

static run_out run(const ltri_mains_design *d, const float *x, float *y, size_t n)
{
    ltri_mains_tracker t;
    ltri_mains_channel ch;
    ltri_mains_tracker_reset(d, &t);
    ltri_mains_channel_reset(d, &ch);
    run_out r;
    r.status_at_lock = LTRI_MAINS_SEARCHING;
    const size_t decided = (size_t)(0.52 * d->fs_hz);
    for (size_t i = 0; i < n; i++) {
        y[i] = ltri_mains_step(d, &t, &ch, x[i]);
        ltri_mains_advance(d, &t);
        if (i == decided)
            r.status_at_lock = ltri_mains_query(d, &t, NULL);
    }
    r.status = ltri_mains_query(d, &t, &r.freq_hz);
    return r;
}

/* Least-squares amplitude of a sinusoid at f_hz in y[n0, n1). */
static double fit_amp(const float *y, size_t n0, size_t n1, double f_hz, double fs)
{
    double scc = 0, sss = 0, scs = 0, syc = 0, sys = 0;
    for (size_t i = n0; i < n1; i++) {
        const double ph = 2.0 * pi * fmod(f_hz * (double)i / fs, 1.0);
        const double c = cos(ph), s = sin(ph);
        scc += c * c;
        sss += s * s;
        scs += c * s;
        syc += y[i] * c;
        sys += y[i] * s;
    }
    const double det = scc * sss - scs * scs;
    return hypot((syc * sss - sys * scs) / det, (sys * scc - syc * scs) / det);
}

static double energy(const float *y, size_t n0, size_t n1)
{
    double e = 0.0;
    for (size_t i = n0; i < n1; i++)
        e += (double)y[i] * y[i];
    return e;
}

static double db(double power_ratio)
{
    return 10.0 * log10(power_ratio);
}

/* Run noise + lines and noise - lines; res = what is left of the lines. */
static run_out residual_of_lines(const ltri_mains_design *d, const float *noise, const mains_sig *m,
                                 size_t n, float *res, float *lines)
{
    float *xp = sig_alloc(n, 1), *xm = sig_alloc(n, 1), *ym = sig_alloc(n, 1);
    memcpy(xp, noise, n * sizeof *xp);
    memcpy(xm, noise, n * sizeof *xm);
    add_mains(xp, n, d->fs_hz, m, 1.0);
    add_mains(xm, n, d->fs_hz, m, -1.0);
    memset(lines, 0, n * sizeof *lines);
    add_mains(lines, n, d->fs_hz, m, 1.0);
    const run_out r = run(d, xp, res, n);
    (void)run(d, xm, ym, n);
    for (size_t i = 0; i < n; i++)
        res[i] = 0.5f * (res[i] - ym[i]);
    sig_free(xp);
    sig_free(xm);
    sig_free(ym);
    return r;
}

/* ------------------------------------------------------------------ tests */

static const double rates[] = {250.0, 2000.0, 10000.0, 50000.0};
#define N_RATES (sizeof rates / sizeof rates[0])

/* Auto mode finds 50 and 60 Hz, drifted by 0.8 Hz or not, at every rate, and
 * reports the fundamental within 0.03 Hz after 2 s (instantaneous value:
 * the loop's jitter is largest at 250 Hz, where one line carries it). */
static void test_detects_50_and_60(void **state)
{
    (void)state;
    static const double freqs[] = {50.0, 60.0, 49.2, 60.8};
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        const size_t n = (size_t)(2.0 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        float *noise = emg(n, fs, 11 + r), *x = sig_alloc(n, 1), *y = sig_alloc(n, 1);
        for (size_t i = 0; i < sizeof freqs / sizeof freqs[0]; i++) {
            const mains_sig m = mains_1_over_k(freqs[i], 10.0, fs);
            memcpy(x, noise, n * sizeof *x);
            add_mains(x, n, fs, &m, 1.0);
            const run_out o = run(&d, x, y, n);
            EXPECT(o.status_at_lock == LTRI_MAINS_LOCKED && o.status == LTRI_MAINS_LOCKED,
                   "fs %g, mains %g Hz: status %d after the search, %d at 2 s", fs, freqs[i],
                   (int)o.status_at_lock, (int)o.status);
            EXPECT(fabs(o.freq_hz - freqs[i]) < 0.03, "fs %g, mains %g Hz: tracked %.4f Hz", fs,
                   freqs[i], o.freq_hz);
        }
        sig_free(noise);
        sig_free(x);
        sig_free(y);
    }
}

/* Only the 3rd harmonic is strong (a high-passed recording); the others are
 * 30 dB under it and under the EMG. And 60 Hz whose 5th harmonic (300 Hz,
 * also 50 Hz's 6th) dominates is still 60 Hz; 50 Hz with a strong 6th is 50. */
static void test_detects_by_harmonics(void **state)
{
    (void)state;
    static const double rate[] = {2000.0, 10000.0, 50000.0};
    static const struct {
        double f0;
        unsigned strong;
    } cases[] = {{49.2, 3}, {60.8, 3}, {50.0, 3}, {60.0, 5}, {59.3, 5}, {50.0, 6}, {50.7, 6}};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(2.0 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        float *noise = emg(n, fs, 21 + r), *x = sig_alloc(n, 1), *y = sig_alloc(n, 1);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            mains_sig m;
            memset(&m, 0, sizeof m);
            m.f_start = m.f_end = cases[c].f0;
            for (unsigned k = 1; k <= 7; k++)
                m.amp[k - 1] = k == cases[c].strong ? 10.0 : 0.3;
            memcpy(x, noise, n * sizeof *x);
            add_mains(x, n, fs, &m, 1.0);
            const run_out o = run(&d, x, y, n);
            EXPECT(o.status == LTRI_MAINS_LOCKED && fabs(o.freq_hz - cases[c].f0) < 0.02,
                   "fs %g, mains %g Hz, harmonic %u strong: status %d, %.4f Hz", fs, cases[c].f0,
                   cases[c].strong, (int)o.status, o.freq_hz);
        }
        sig_free(noise);
        sig_free(x);
        sig_free(y);
    }
}

/* Each harmonic (all as strong as 10x the EMG RMS) is suppressed >= 30 dB
 * from 1 s on, also with 1 Hz of drift, in fixed and auto mode. */
static void test_suppression_each_harmonic(void **state)
{
    (void)state;
    static const double rate[] = {250.0, 2000.0, 10000.0, 50000.0};
    static const double modes[] = {LTRI_MAINS_AUTO, 50.0, 60.0};
    static const double drift[] = {0.0, -1.0, 1.0};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(2.0 * fs), n0 = (size_t)(1.0 * fs);
        float *noise = emg(n, fs, 31 + r), *res = sig_alloc(n, 1), *lines = sig_alloc(n, 1);
        for (size_t mo = 0; mo < sizeof modes / sizeof modes[0]; mo++)
            for (size_t dr = 0; dr < sizeof drift / sizeof drift[0]; dr++) {
                const double nominal = modes[mo] == 60.0 ? 60.0 : 50.0;
                const double f0 = nominal + drift[dr];
                ltri_mains_design d;
                assert_int_equal(ltri_mains_design_init(&d, fs, modes[mo], 8, emg_top(fs)), 0);
                mains_sig m;
                memset(&m, 0, sizeof m);
                m.f_start = m.f_end = f0;
                for (unsigned k = 1; k <= d.n_lock[nominal == 60.0]; k++)
                    m.amp[k - 1] = 10.0;
                (void)residual_of_lines(&d, noise, &m, n, res, lines);
                for (unsigned k = 1; k <= d.n_lock[nominal == 60.0]; k++) {
                    const double in = fit_amp(lines, n0, n, k * f0, fs);
                    const double out = fit_amp(res, n0, n, k * f0, fs);
                    const double supp = 20.0 * log10(in / out);
                    EXPECT(supp >= 30.0, "fs %g, mode %g, mains %g Hz, harmonic %u: %.1f dB", fs,
                           modes[mo], f0, k, supp);
                }
                /* and nothing else grew: all of the lines' residual, any frequency */
                const double tot = db(energy(res, n0, n) / energy(lines, n0, n));
                EXPECT(tot <= -30.0, "fs %g, mode %g, mains %g Hz: total residual %.1f dB", fs,
                       modes[mo], f0, tot);
            }
        sig_free(noise);
        sig_free(res);
        sig_free(lines);
    }
}

/* Residual of the lines, 50 ms windows: first time it stays 30 dB down. */
static double convergence_s(const float *res, const float *lines, size_t n, double fs)
{
    const size_t w = (size_t)(0.05 * fs);
    double t = -1.0;
    for (size_t i = 0; i + w <= n; i += w) {
        const double r = db(energy(res, i, i + w) / energy(lines, i, i + w));
#ifdef TEST_MAINS_REPORT
        printf("  %.2f:%.0f", (double)(i + w) / fs, r);
#endif
        if (r > -30.0)
            t = -1.0;
        else if (t < 0.0)
            t = (double)(i + w) / fs;
    }
    return t;
}

/* 30 dB (all lines together): fixed mode on the nominal frequency within
 * 0.35 s; 0.5 Hz off nominal within 0.6 s (the frequency loop pulls 4 Hz at
 * the 8th harmonic first); auto mode within 0.65 s (the search cancels
 * both families' first 6 lines meanwhile, the 7th and 8th come after the
 * lock at 0.5 s). */
static void test_convergence_time(void **state)
{
    (void)state;
    static const double rate[] = {2000.0, 10000.0};
    static const struct {
        double mode, f0, limit_s;
    } cases[] = {{50.0, 50.0, 0.35}, {60.0, 60.0, 0.35}, {50.0, 49.5, 0.6}, {60.0, 60.5, 0.6},
                 {LTRI_MAINS_AUTO, 49.5, 0.65}, {LTRI_MAINS_AUTO, 60.5, 0.65}};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(2.0 * fs);
        float *noise = emg(n, fs, 41 + r), *res = sig_alloc(n, 1), *lines = sig_alloc(n, 1);
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            const mains_sig m = mains_1_over_k(cases[c].f0, 30.0, fs);
            ltri_mains_design d;
            assert_int_equal(ltri_mains_design_init(&d, fs, cases[c].mode, 8, emg_top(fs)), 0);
            (void)residual_of_lines(&d, noise, &m, n, res, lines);
            const double t = convergence_s(res, lines, n, fs);
            EXPECT(t > 0.0 && t <= cases[c].limit_s,
                   "fs %g, mode %g, mains %g Hz: 30 dB after %.3f s", fs, cases[c].mode,
                   cases[c].f0, t);
        }
        sig_free(noise);
        sig_free(res);
        sig_free(lines);
    }
}

/* Pure noise (EMG-like and white, several seeds, every rate): never locked,
 * and after the search the output is the input, bit for bit. During the
 * search the joint canceller removes less than 1.5 dB of it. */
static void test_no_lock_on_noise(void **state)
{
    (void)state;
    for (size_t r = 0; r < N_RATES; r++) {
        const double fs = rates[r];
        const size_t n = (size_t)(1.5 * fs), n_search = (size_t)(0.5 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        for (uint64_t seed = 1; seed <= 6; seed++) {
            float *x = sig_alloc(n, 1), *y = sig_alloc(n, 1);
            sig_rng rng;
            sig_rng_seed(&rng, seed);
            if (seed % 2)
                sig_add_emg_noise(x, n, 1, 0, fs, 1.0, 30.0, emg_top(fs), &rng);
            else
                for (size_t i = 0; i < n; i++)
                    x[i] = (float)sig_gauss(&rng);
            const run_out o = run(&d, x, y, n);
            EXPECT(o.status == LTRI_MAINS_NONE, "fs %g, seed %u: status %d (%.3f Hz)", fs,
                   (unsigned)seed, (int)o.status, o.freq_hz);
            size_t diff = 0;
            for (size_t i = n_search + (size_t)d.tick; i < n; i++)
                diff += y[i] != x[i];
            EXPECT(diff == 0, "fs %g, seed %u: %zu samples changed after the search", fs,
                   (unsigned)seed, diff);
            for (size_t i = 0; i < n_search; i++)
                y[i] -= x[i];
            const double removed = db(energy(y, 0, n_search) / energy(x, 0, n_search));
            EXPECT(removed < -5.0, "fs %g, seed %u: change during the search %.1f dB", fs,
                   (unsigned)seed, removed);
            sig_free(x);
            sig_free(y);
        }
    }
}

/* Fixed mode on pure noise: a 4 Hz notch per line takes only a small
 * share of broad-band noise: the change is 8 dB under the signal (the fixed
 * 4 Hz notch cascade it replaced: 9.6 dB). */
static void test_fixed_mode_on_noise_is_mild(void **state)
{
    (void)state;
    static const double rate[] = {2000.0, 10000.0};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(3.0 * fs), n0 = (size_t)(1.0 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, 50.0, 8, emg_top(fs)), 0);
        float *x = emg(n, fs, 51 + r), *y = sig_alloc(n, 1);
        (void)run(&d, x, y, n);
        for (size_t i = 0; i < n; i++)
            y[i] -= x[i];
        const double change = db(energy(y, n0, n) / energy(x, n0, n));
        EXPECT(change < -8.0, "fs %g: fixed-mode change on noise %.1f dB", fs, change);
        sig_free(x);
        sig_free(y);
    }
}

/* A twitch-like burst (band-limited noise 20-450 Hz, 30-300 ms, 20 dB over
 * the background) under strong mains passes with its energy within 1 dB,
 * and leaves little ringing (energy after it 8 dB under its own; the fixed
 * 4 Hz notches it replaced: 10.5 dB for 30 ms). The burst as
 * passed is out(with) - out(without): mains, background and their
 * cancellation drop out. */
static void test_burst_passes(void **state)
{
    (void)state;
    static const double rate[] = {2000.0, 10000.0};
    static const double dur[] = {0.03, 0.1, 0.3};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(3.0 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        float *x = emg(n, fs, 61 + r), *y0 = sig_alloc(n, 1), *y1 = sig_alloc(n, 1);
        float *xb = sig_alloc(n, 1), *burst = sig_alloc(n, 1);
        const mains_sig m = mains_1_over_k(50.4, 30.0, fs);
        add_mains(x, n, fs, &m, 1.0);
        (void)run(&d, x, y0, n);
        for (size_t b = 0; b < sizeof dur / sizeof dur[0]; b++) {
            const double t0 = 2.0;
            const size_t i0 = sig_frame(t0, fs), i1 = sig_frame(t0 + dur[b], fs);
            const size_t i2 = sig_frame(t0 + dur[b] + 0.3, fs);
            sig_rng rng;
            sig_rng_seed(&rng, 71 + b);
            memset(burst, 0, n * sizeof *burst);
            sig_add_voluntary(burst, n, 1, 0, fs, t0, dur[b], 10.0, &rng);
            for (size_t i = 0; i < n; i++)
                xb[i] = x[i] + burst[i];
            (void)run(&d, xb, y1, n);
            for (size_t i = 0; i < n; i++)
                y1[i] -= y0[i];
            const double gain = db(energy(y1, i0, i1) / energy(burst, i0, i1));
            const double ring = db(energy(y1, i1, i2) / energy(burst, i0, i1));
            EXPECT(fabs(gain) <= 1.0, "fs %g, burst %g s: energy changed by %.2f dB", fs, dur[b],
                   gain);
            EXPECT(ring <= -8.0, "fs %g, burst %g s: ringing after it %.1f dB", fs, dur[b], ring);
        }
        sig_free(x);
        sig_free(y0);
        sig_free(y1);
        sig_free(xb);
        sig_free(burst);
    }
}

/* Mains 10x up at 2 s, then 10x down at 4 s: the residual is back 30 dB
 * under the new level within 1 s of each step. */
static void test_amplitude_step_followed(void **state)
{
    (void)state;
    static const double rate[] = {2000.0, 10000.0};
    for (size_t r = 0; r < sizeof rate / sizeof rate[0]; r++) {
        const double fs = rate[r];
        const size_t n = (size_t)(6.0 * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        float *noise = emg(n, fs, 81 + r), *res = sig_alloc(n, 1), *lines = sig_alloc(n, 1);
        mains_sig m = mains_1_over_k(50.3, 3.0, fs);
        m.t1_s = 2.0;
        m.gain1 = 10.0;
        m.t2_s = 4.0;
        m.gain2 = 0.1;
        (void)residual_of_lines(&d, noise, &m, n, res, lines);
        static const double check[][2] = {{1.5, 2.0}, {3.0, 4.0}, {5.0, 6.0}};
        for (size_t c = 0; c < 3; c++) {
            const size_t a = sig_frame(check[c][0], fs), b = sig_frame(check[c][1], fs);
            const double rr = db(energy(res, a, b) / energy(lines, a, b));
            EXPECT(rr <= -30.0, "fs %g: residual %.1f dB over %g-%g s", fs, rr, check[c][0],
                   check[c][1]);
        }
        sig_free(noise);
        sig_free(res);
        sig_free(lines);
    }
}

/* NaN, Inf and absurd values mid-stream: they come out as they went in (a
 * NaN stays NaN), the state is not poisoned: suppression is intact after.
 * A reset makes a channel and tracker as good as new. */
static void test_bad_samples_do_not_poison(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = (size_t)(3.0 * fs);
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
    float *x = emg(n, fs, 91), *y = sig_alloc(n, 1), *y_ref = sig_alloc(n, 1);
    const mains_sig m = mains_1_over_k(50.0, 30.0, fs);
    add_mains(x, n, fs, &m, 1.0);
    (void)run(&d, x, y_ref, n);
    const size_t bad0 = sig_frame(1.5, fs);
    x[bad0] = NAN;
    x[bad0 + 1] = INFINITY;
    x[bad0 + 2] = -INFINITY;
    x[bad0 + 3] = 1e30f;
    (void)run(&d, x, y, n);
    assert_true(isnan(y[bad0]));
    assert_true(isinf(y[bad0 + 1]) && isinf(y[bad0 + 2]));
    /* Only 4 adaptation steps were skipped: the output after them is what
     * it was without them, within a small fraction of the cleaned signal. */
    for (size_t i = bad0 + 4; i < n; i++) {
        EXPECT(isfinite(y[i]), "sample %zu after the bad ones: %g", i, (double)y[i]);
        y[i] -= y_ref[i];
    }
    const double dev = db(energy(y, bad0 + 4, n) / energy(y_ref, bad0 + 4, n));
    EXPECT(dev < -30.0, "after the bad samples the output deviates by %.1f dB", dev);

    /* Reset: a poisoned-looking state (garbage weights) becomes a fresh one. */
    ltri_mains_tracker t, t_fresh;
    ltri_mains_channel ch, ch_fresh;
    ltri_mains_tracker_reset(&d, &t);
    ltri_mains_channel_reset(&d, &ch);
    for (size_t i = 0; i < 2000; i++) {
        (void)ltri_mains_step(&d, &t, &ch, x[i]);
        ltri_mains_advance(&d, &t);
    }
    for (unsigned k = 0; k < LTRI_MAINS_MAX_LINES; k++)
        ch.a[k] = NAN;
    ltri_mains_tracker_reset(&d, &t);
    ltri_mains_channel_reset(&d, &ch);
    ltri_mains_tracker_reset(&d, &t_fresh);
    ltri_mains_channel_reset(&d, &ch_fresh);
    for (size_t i = 0; i < n; i++) {
        const float a = ltri_mains_step(&d, &t, &ch, x[i]);
        const float b = ltri_mains_step(&d, &t_fresh, &ch_fresh, x[i]);
        ltri_mains_advance(&d, &t);
        ltri_mains_advance(&d, &t_fresh);
        EXPECT(a == b || (isnan(a) && isnan(b)), "sample %zu after reset: %g, fresh %g", i,
               (double)a, (double)b);
    }
    sig_free(x);
    sig_free(y);
    sig_free(y_ref);
}

/* A blanked stretch (50 ms held with ltri_mains_hold) does not disturb
 * the canceller: right after it the output is 30 dB under the mains. */
static void test_hold_through_blanking(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = (size_t)(3.0 * fs), b0 = sig_frame(2.0, fs), b1 = sig_frame(2.05, fs);
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
    float *x = emg(n, fs, 95), *y = sig_alloc(n, 1), *lines = sig_alloc(n, 1);
    const mains_sig m = mains_1_over_k(50.6, 30.0, fs);
    add_mains(lines, n, fs, &m, 1.0);
    for (size_t i = 0; i < n; i++)
        x[i] += lines[i];
    ltri_mains_tracker t;
    ltri_mains_channel ch;
    ltri_mains_tracker_reset(&d, &t);
    ltri_mains_channel_reset(&d, &ch);
    for (size_t i = 0; i < n; i++) {
        if (i >= b0 && i < b1) {
            ltri_mains_hold(&d, &t, &ch);
            y[i] = 0.0f;
        } else {
            y[i] = ltri_mains_step(&d, &t, &ch, x[i]);
        }
        ltri_mains_advance(&d, &t);
    }
    /* what is left over the noise, 100 ms right after the blank */
    float *clean = emg(n, fs, 95);
    for (size_t i = 0; i < n; i++)
        y[i] -= clean[i];
    const size_t b2 = b1 + (size_t)(0.1 * fs);
    const double rr = db(energy(y, b1, b2) / energy(lines, b1, b2));
    EXPECT(rr <= -30.0, "after the blank: output minus EMG %.1f dB under the mains", rr);
    sig_free(x);
    sig_free(y);
    sig_free(lines);
    sig_free(clean);
}

/* Two channels with one tracker; at 1 s the whole state (tracker and both
 * channels) is memcpy'd; original and copy then give identical outputs. */
static void test_copies_run_identically(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = (size_t)(3.0 * fs);
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
    float *x0 = emg(n, fs, 101), *x1 = emg(n, fs, 102);
    mains_sig m = mains_1_over_k(59.4, 10.0, fs);
    add_mains(x0, n, fs, &m, 1.0);
    add_mains(x1, n, fs, &m, -0.5);
    struct {
        ltri_mains_tracker t;
        ltri_mains_channel ch[2];
    } a, b;
    ltri_mains_tracker_reset(&d, &a.t);
    ltri_mains_channel_reset(&d, &a.ch[0]);
    ltri_mains_channel_reset(&d, &a.ch[1]);
    const size_t split = sig_frame(1.0, fs);
    for (size_t i = 0; i < n; i++) {
        if (i == split)
            memcpy(&b, &a, sizeof a);
        const float ya0 = ltri_mains_step(&d, &a.t, &a.ch[0], x0[i]);
        const float ya1 = ltri_mains_step(&d, &a.t, &a.ch[1], x1[i]);
        ltri_mains_advance(&d, &a.t);
        if (i >= split) {
            const float yb0 = ltri_mains_step(&d, &b.t, &b.ch[0], x0[i]);
            const float yb1 = ltri_mains_step(&d, &b.t, &b.ch[1], x1[i]);
            ltri_mains_advance(&d, &b.t);
            EXPECT(ya0 == yb0 && ya1 == yb1, "sample %zu: %g %g vs copy %g %g", i, (double)ya0,
                   (double)ya1, (double)yb0, (double)yb1);
        }
    }
    assert_int_equal(ltri_mains_query(&d, &a.t, NULL), LTRI_MAINS_LOCKED);
    sig_free(x0);
    sig_free(x1);
}

/* A drift of the grid, 49.5 -> 50.5 Hz over 20 s (0.05 Hz/s: fast for a
 * grid, whose frequency moves by less than 0.01 Hz/s in normal operation):
 * followed within 0.02 Hz, the lines stay 30 dB down. */
static void test_frequency_ramp_followed(void **state)
{
    (void)state;
    const double fs = 2000.0;
    const size_t n = (size_t)(20.0 * fs);
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
    float *noise = emg(n, fs, 111), *res = sig_alloc(n, 1), *lines = sig_alloc(n, 1);
    mains_sig m = mains_1_over_k(0.0, 10.0, fs);
    m.f_start = 49.5;
    m.f_end = 50.5;
    const run_out o = residual_of_lines(&d, noise, &m, n, res, lines);
    EXPECT(o.status == LTRI_MAINS_LOCKED && fabs(o.freq_hz - 50.5) < 0.02, "status %d, %.4f Hz",
           (int)o.status, o.freq_hz);
    const double rr = db(energy(res, (size_t)fs, n) / energy(lines, (size_t)fs, n));
    EXPECT(rr <= -30.0, "residual during the ramp %.1f dB", rr);
    sig_free(noise);
    sig_free(res);
    sig_free(lines);
}

/* Silence first (electrodes not yet on): none found; the retry 5 s later
 * finds the mains that arrived meanwhile. */
static void test_retry_after_none(void **state)
{
    (void)state;
    const double fs = 1000.0;
    const size_t n = (size_t)(8.0 * fs), on = sig_frame(2.0, fs);
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
    float *x = emg(n, fs, 121), *y = sig_alloc(n, 1);
    const mains_sig m = mains_1_over_k(60.0, 10.0, fs);
    add_mains(x + on, n - on, fs, &m, 1.0);
    for (size_t i = 0; i < on; i++)
        x[i] = 0.0f;
    const run_out o = run(&d, x, y, n);
    assert_int_equal(o.status_at_lock, LTRI_MAINS_NONE);
    EXPECT(o.status == LTRI_MAINS_LOCKED && fabs(o.freq_hz - 60.0) < 0.02, "status %d, %.4f Hz",
           (int)o.status, o.freq_hz);
    /* the retry searched quietly: output = input until it locked at 5.5 s */
    for (size_t i = 0; i < sig_frame(5.5, fs); i++)
        EXPECT(y[i] == x[i], "sample %zu changed before the lock", i);
    sig_free(x);
    sig_free(y);
}

/* ltri_mains_step_one (one channel: step and advance in one call, update and turn in
 * one pass) gives exactly what ltri_mains_step (or _hold) then ltri_mains_advance give,
 * sample for sample and in the whole state: through the search and the lock, a
 * blanked stretch, NaN and absurd samples, at 1, 2 and 50 kHz; and on a silent start
 * (none found, with a blanked stretch meanwhile: step_one's own "none" path; the quiet
 * retry, the lock 5 s later). */
static void test_step_one_is_step_and_advance(void **state)
{
    (void)state;
    const double fs_list[] = {1000.0, 2000.0, 50000.0};
    for (unsigned r = 0; r < 3; r++) {
        const double fs = fs_list[r];
        const int silent_start = r == 0;
        const size_t n = (size_t)((silent_start ? 7.0 : 1.5) * fs);
        ltri_mains_design d;
        assert_int_equal(ltri_mains_design_init(&d, fs, LTRI_MAINS_AUTO, 8, emg_top(fs)), 0);
        float *x = emg(n, fs, 131 + r);
        const mains_sig m = mains_1_over_k(r == 1 ? 59.6 : 50.4, 20.0, fs);
        const size_t on = silent_start ? sig_frame(2.0, fs) : 0;
        add_mains(x + on, n - on, fs, &m, 1.0);
        for (size_t i = 0; i < on; i++)
            x[i] = 0.0f;
        const size_t nan_at = sig_frame(0.9, fs), big_at = nan_at + 7;
        x[nan_at] = NAN;
        x[big_at] = 1e20f;
        const size_t b0 = n - sig_frame(0.3, fs), b1 = b0 + sig_frame(0.02, fs);
        const size_t h0 = sig_frame(1.2, fs), h1 = silent_start ? h0 + sig_frame(0.02, fs) : h0;
        ltri_mains_tracker ta, tb;
        ltri_mains_channel ca, cb;
        ltri_mains_tracker_reset(&d, &ta);
        ltri_mains_tracker_reset(&d, &tb);
        ltri_mains_channel_reset(&d, &ca);
        ltri_mains_channel_reset(&d, &cb);
        for (size_t i = 0; i < n; i++) {
            const int held = (i >= b0 && i < b1) || (i >= h0 && i < h1);
            float ya = x[i];
            if (held)
                ltri_mains_hold(&d, &ta, &ca);
            else
                ya = ltri_mains_step(&d, &ta, &ca, x[i]);
            ltri_mains_advance(&d, &ta);
            const float yb = ltri_mains_step_one(&d, &tb, &cb, x[i], held);
            EXPECT(memcmp(&ya, &yb, sizeof ya) == 0, "%.0f Hz, sample %zu: %g vs %g", fs, i,
                   (double)ya, (double)yb);
        }
        /* the whole state but step_one's own look-ahead (y_next, y_next_at: last) */
        EXPECT(memcmp(&ta, &tb, sizeof ta) == 0 &&
                   memcmp(&ca, &cb, offsetof(ltri_mains_channel, y_next)) == 0,
               "%.0f Hz: states differ", fs);
        assert_int_equal(ltri_mains_query(&d, &tb, NULL), LTRI_MAINS_LOCKED);
        sig_free(x);
    }
}

static void test_design_refuses_bad_arguments(void **state)
{
    (void)state;
    ltri_mains_design d;
    assert_int_equal(ltri_mains_design_init(NULL, 2000.0, 50.0, 8, 450.0), -1);
    assert_int_equal(ltri_mains_design_init(&d, NAN, 50.0, 8, 450.0), -1);
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 55.0, 8, 450.0), -1);
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 0.0, 8, 450.0), -1);
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 50.0, 0, 450.0), -1);
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 50.0, LTRI_MAINS_MAX_LINES + 1u, 450.0),
                     -1);
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 50.0, 8, 40.0), -1); /* no line fits */
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, 60.0, 8, NAN), -1);
    /* 250 Hz: 50 and 100 Hz fit under 112.5 Hz, 60 Hz alone for 60 Hz */
    assert_int_equal(ltri_mains_design_init(&d, 250.0, LTRI_MAINS_AUTO, 8, 112.5), 0);
    assert_int_equal(d.n_lock[0], 2);
    assert_int_equal(d.n_lock[1], 1);
    /* the max frequency caps the lines: 8 x 50 Hz = 400 <= 450, 7 x 60 = 420 */
    assert_int_equal(ltri_mains_design_init(&d, 2000.0, LTRI_MAINS_AUTO, 12, 450.0), 0);
    assert_int_equal(d.n_lock[0], 9);
    assert_int_equal(d.n_lock[1], 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_detects_50_and_60),
        cmocka_unit_test(test_detects_by_harmonics),
        cmocka_unit_test(test_suppression_each_harmonic),
        cmocka_unit_test(test_convergence_time),
        cmocka_unit_test(test_no_lock_on_noise),
        cmocka_unit_test(test_fixed_mode_on_noise_is_mild),
        cmocka_unit_test(test_burst_passes),
        cmocka_unit_test(test_amplitude_step_followed),
        cmocka_unit_test(test_bad_samples_do_not_poison),
        cmocka_unit_test(test_hold_through_blanking),
        cmocka_unit_test(test_copies_run_identically),
        cmocka_unit_test(test_frequency_ramp_followed),
        cmocka_unit_test(test_retry_after_none),
        cmocka_unit_test(test_step_one_is_step_and_advance),
        cmocka_unit_test(test_design_refuses_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
