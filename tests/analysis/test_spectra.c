/*
 * Spectra of known signals: a sine's PSD peak and power, white noise's flat
 * spectrum, the mains found and measured, a band-limited burst's median
 * frequency (within 2 % of its design), half-energy duration, and the
 * quality index flagging what was put into a channel.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltr/ltr_analysis.h"
#include "near.h"

static const double pi = 3.14159265358979323846;

static uint32_t rng_state = 12345u;
static double uniform(void) /* [0, 1) */
{
    rng_state = 1664525u * rng_state + 1013904223u;
    return rng_state / 4294967296.0;
}
static double gauss(void) /* Box-Muller */
{
    double u = uniform() + 1e-12, v = uniform();
    return sqrt(-2.0 * log(u)) * cos(2 * pi * v);
}

static void sine_peak_and_power(void **state)
{
    (void)state;
    const double fs = 2000, f = 250.0, a = 0.7; /* f on a bin: 250 / (2000/512) = 64 */
    const size_t n = 20000;
    float *x = malloc(sizeof(float) * n);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(a * sin(2 * pi * f * (double)i / fs));
    ltr_welch *w;
    assert_int_equal(ltr_welch_create(&w, fs, 512, 256), LTR_OK);
    ltr_welch_push(w, x, n, 1);
    unsigned bins = ltr_welch_bins(w);
    double *psd = malloc(sizeof(double) * bins), df = ltr_welch_bin_hz(w);
    assert_int_equal(ltr_welch_psd(w, psd), LTR_OK);
    unsigned peak = 0;
    double total = 0;
    for (unsigned k = 0; k < bins; k++) {
        if (psd[k] > psd[peak])
            peak = k;
        total += psd[k] * df;
    }
    assert_int_equal(peak, 64);
    assert_near(total, a * a / 2, 1e-4 * a * a); /* a sine's power is a^2 / 2 */
    free(psd);
    free(x);
    ltr_welch_destroy(w);
}

static void white_noise_is_flat(void **state)
{
    (void)state;
    const double fs = 1000, sigma = 0.5;
    const size_t n = 400000;
    ltr_welch *w;
    assert_int_equal(ltr_welch_create(&w, fs, 256, 128), LTR_OK);
    float buf[1000];
    for (size_t i = 0; i < n; i += 1000) {
        for (int j = 0; j < 1000; j++)
            buf[j] = (float)(sigma * gauss());
        ltr_welch_push(w, buf, 1000, 1);
    }
    unsigned bins = ltr_welch_bins(w);
    double psd[129];
    assert_int_equal(ltr_welch_psd(w, psd), LTR_OK);
    /* One-sided density of white noise: sigma^2 / (fs / 2) at every bin but DC/Nyquist.
     * ~3100 segments (half overlapped): each bin within 10 %. */
    const double level = sigma * sigma / (fs / 2);
    for (unsigned k = 2; k < bins - 2; k++)
        assert_near(psd[k], level, 0.1 * level);
    ltr_welch_destroy(w);
}

static void bad_arguments_are_refused(void **state)
{
    (void)state;
    ltr_welch *w;
    assert_int_equal(ltr_welch_create(&w, 1000, 4, 0), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_welch_create(&w, 1000, 256, 256), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_welch_create(NULL, 1000, 256, 0), LTR_ERR_NULL);
    assert_int_equal(ltr_welch_create(&w, 1000, 256, 128), LTR_OK);
    double psd[129];
    assert_int_equal(ltr_welch_psd(w, psd), LTR_ERR_ARGUMENT); /* no segment yet */
    ltr_welch_destroy(w);
    ltr_spectrum *s;
    assert_int_equal(ltr_spectrum_create(&s, 1000, 100), LTR_OK);
    ltr_spectrum_bands b = {.lo_hz = 10, .hi_hz = 600}; /* above Nyquist */
    ltr_spectrum_result r;
    float x[200] = {0};
    assert_int_equal(ltr_spectrum_compute(s, x, 100, 1, &b, &r), LTR_ERR_ARGUMENT);
    b.hi_hz = 400;
    assert_int_equal(ltr_spectrum_compute(s, x, 101, 1, &b, &r), LTR_ERR_ARGUMENT); /* > max_len */
    ltr_spectrum_destroy(s);
}

/* 60 s at fs of noise plus a mains line at f_line with harmonics. */
static void mains_signal(float *x, size_t n, double fs, double f_line, double amp)
{
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / fs, v = 0.05 * gauss();
        for (int h = 1; h <= 3; h++)
            v += amp / h * sin(2 * pi * h * f_line * t);
        x[i] = (float)v;
    }
}

static void mains_found_and_measured(void **state)
{
    (void)state;
    const double fs = 1000;
    const size_t n = 30000;
    float *x = malloc(sizeof(float) * n);
    double psd[513];
    ltr_welch *w;
    assert_int_equal(ltr_welch_create(&w, fs, ltr_welch_default_nperseg(fs), 512), LTR_OK);
    assert_int_equal(ltr_welch_bins(w), 513);
    const double lines[] = {50.2, 59.7};
    for (int c = 0; c < 2; c++) {
        mains_signal(x, n, fs, lines[c], 0.3);
        ltr_welch_reset(w);
        ltr_welch_push(w, x, n, 1);
        assert_int_equal(ltr_welch_psd(w, psd), LTR_OK);
        ltr_mains_estimate m;
        assert_int_equal(ltr_psd_mains(psd, 513, ltr_welch_bin_hz(w), 0, &m), LTR_OK);
        assert_near(m.nominal_hz, c == 0 ? 50 : 60, 0);
        assert_near(m.frequency_hz, lines[c], 0.05);
        assert_true(m.harmonic_db[0] > 30);
        assert_true(m.harmonic_db[1] > 20); /* second harmonic, half the amplitude */
        /* The lines' power: 0.3^2 (1 + 1/4 + 1/9) / 2 of 0.05^2 + that. */
        double lines_p = 0.09 * (1 + 0.25 + 1.0 / 9) / 2;
        assert_near(m.line_fraction, lines_p / (lines_p + 0.0025), 0.02);
    }
    /* Noise alone: no line. */
    for (size_t i = 0; i < n; i++)
        x[i] = (float)(0.05 * gauss());
    ltr_welch_reset(w);
    ltr_welch_push(w, x, n, 1);
    assert_int_equal(ltr_welch_psd(w, psd), LTR_OK);
    ltr_mains_estimate m;
    assert_int_equal(ltr_psd_mains(psd, 513, ltr_welch_bin_hz(w), 0, &m), LTR_OK);
    assert_near(m.nominal_hz, 0, 0);
    assert_near(m.line_fraction, 0, 0);
    ltr_welch_destroy(w);
    free(x);
}

static const double burst_ms = 200.0;

/* A band-limited burst: equal-amplitude sines every 5 Hz from lo to hi under a
 * raised-cosine envelope, with random phases mirrored about the band's centre
 * (phase j = phase N-1-j) so that the power spectrum, leakage and all, is
 * symmetric about it: median and mean frequency are (lo + hi) / 2 by design. */
static size_t burst(float *x, double fs, double lo, double hi)
{
    size_t n = (size_t)(burst_ms / 1000 * fs);
    double ph[512];
    int nf = (int)((hi - lo) / 5) + 1;
    for (int j = 0; j < nf; j++)
        ph[j] = j < (nf + 1) / 2 ? 2 * pi * uniform() : ph[nf - 1 - j];
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / fs, v = 0;
        for (int j = 0; j < nf; j++)
            v += sin(2 * pi * (lo + 5 * j) * t + ph[j]);
        x[i] = (float)(v * (0.5 - 0.5 * cos(2 * pi * (double)i / (double)n)));
    }
    return n;
}

static void burst_median_frequency(void **state)
{
    (void)state;
    const double fs = 2000;
    float x[4000];
    ltr_spectrum *s;
    assert_int_equal(ltr_spectrum_create(&s, fs, 2000), LTR_OK);
    ltr_spectrum_bands b = {.lo_hz = 10, .hi_hz = 450, .n_bands = 3,
                            .band_hz = {{10, 50}, {50, 150}, {150, 450}}};
    const double designs[][2] = {{60, 140}, {150, 350}, {30, 90}};
    for (int d = 0; d < 3; d++) {
        size_t n = burst(x, fs, designs[d][0], designs[d][1]);
        ltr_spectrum_result r;
        assert_int_equal(ltr_spectrum_compute(s, x, n, 1, &b, &r), LTR_OK);
        double design = (designs[d][0] + designs[d][1]) / 2;
        assert_near(r.median_hz, design, 0.02 * design); /* issue 12: within 2 % */
        assert_near(r.mean_hz, design, 0.03 * design);
        double sum = r.band_fraction[0] + r.band_fraction[1] + r.band_fraction[2];
        assert_near(sum, 1.0, 1e-9); /* the bands tile lo..hi */
    }
    /* 60-140 Hz lies in the middle band. */
    size_t n = burst(x, fs, 60, 140);
    ltr_spectrum_result r;
    assert_int_equal(ltr_spectrum_compute(s, x, n, 1, &b, &r), LTR_OK);
    assert_true(r.band_fraction[1] > 0.9);
    /* Stride: the same burst as channel 1 of 2 interleaved channels. */
    float y[8000];
    for (size_t i = 0; i < n; i++) {
        y[2 * i] = 100.0f;
        y[2 * i + 1] = x[i];
    }
    ltr_spectrum_result r2;
    assert_int_equal(ltr_spectrum_compute(s, y + 1, n, 2, &b, &r2), LTR_OK);
    assert_near(r2.median_hz, r.median_hz, 1e-9);
    ltr_spectrum_destroy(s);
}

static void half_energy_duration(void **state)
{
    (void)state;
    const double fs = 1000;
    float x[1000];
    /* A constant-amplitude 100 Hz burst of 200 ms in 600 ms of silence: the middle
     * half of its energy takes 100 ms. */
    for (int i = 0; i < 600; i++)
        x[i] = (i >= 200 && i < 400) ? (float)sin(2 * pi * 100 * i / fs) : 0.0f;
    ltr_spectrum *s;
    assert_int_equal(ltr_spectrum_create(&s, fs, 1000), LTR_OK);
    ltr_spectrum_bands b = {.lo_hz = 10, .hi_hz = 450};
    ltr_spectrum_result r;
    assert_int_equal(ltr_spectrum_compute(s, x, 600, 1, &b, &r), LTR_OK);
    assert_near(r.half_energy_ms, 100.0, 2.0);
    assert_near(r.median_hz, 100.0, 2.0);
    ltr_spectrum_destroy(s);
}

/* 150 s, 4 channels: clean noise, mains-laden, flat half the time, clipped. */
static void quality_flags_what_was_put_in(void **state)
{
    (void)state;
    const double fs = 1000;
    ltr_quality_channel ch[4] = {{1, 1, -1, 1}, {1, 1, -1, 1}, {1, 1, -1, 1}, {1, 1, -1, 1}};
    ltr_quality *q;
    assert_int_equal(ltr_quality_create(&q, fs, 4, ch, 60.0, 0), LTR_OK);
    float frames[4 * 1000];
    int windows = 0;
    uint32_t seen[4] = {0};
    double mains_first = 0, mains_last = 0;
    for (int sec = 0; sec < 150; sec++) {
        for (int i = 0; i < 1000; i++) {
            double t = sec + i / fs;
            /* The line drifts from 50.0 Hz to 50.3 Hz over the recording
             * (instantaneous frequency 50 + 0.3 t / 150: its phase integrated). */
            double ph = 2 * pi * (50.0 * t + 0.3 * t * t / 300);
            frames[4 * i + 0] = (float)(0.05 * gauss());
            frames[4 * i + 1] = (float)(0.05 * gauss() + 0.3 * sin(ph));
            frames[4 * i + 2] = sec >= 75 ? 0.0f : (float)(0.05 * gauss());
            double v = 0.05 * gauss() + ((sec % 10) == 0 && i < 50 ? 2.0 : 0.0);
            frames[4 * i + 3] = (float)(v > 1 ? 1 : v);
        }
        size_t done = 0;
        while (done < 1000) {
            done += ltr_quality_push(q, frames + 4 * done, 1000 - done);
            if (ltr_quality_window_ready(q)) {
                for (unsigned c = 0; c < 4; c++) {
                    ltr_quality_row r;
                    assert_int_equal(ltr_quality_window(q, c, &r), LTR_OK);
                    seen[c] |= r.warnings;
                    if (c == 1 && windows == 0)
                        mains_first = r.mains_hz;
                    else if (c == 1)
                        mains_last = r.mains_hz;
                }
                windows++;
                ltr_quality_next(q);
            }
        }
    }
    assert_int_equal(windows, 2);
    assert_int_equal(ltr_quality_finish(q), 1); /* the last 30 s */
    ltr_quality_row r;
    assert_int_equal(ltr_quality_window(q, 0, &r), LTR_OK);
    assert_int_equal(r.first_frame, 120000);
    assert_int_equal(r.n_frames, 30000);
    ltr_quality_next(q);
    assert_int_equal(seen[0], 0);
    assert_int_equal(seen[1], LTR_QUALITY_MAINS);
    assert_true(seen[2] & LTR_QUALITY_FLAT);
    assert_true(seen[3] & LTR_QUALITY_CLIPPED);
    assert_true(mains_last > mains_first + 0.05);
    ltr_quality_row s0, s1, s2;
    assert_int_equal(ltr_quality_summary(q, 0, &s0), LTR_OK);
    assert_int_equal(ltr_quality_summary(q, 1, &s1), LTR_OK);
    assert_int_equal(ltr_quality_summary(q, 2, &s2), LTR_OK);
    assert_int_equal(s0.n_frames, 150000);
    assert_true(s0.index > 0.9);
    assert_true(s1.index < 0.3);
    assert_near(s2.flat_fraction, 0.5, 0.01);
    /* The clean channel's floor is its own RMS, the noise's sigma (within a few %). */
    assert_near(s0.floor_rms, 0.05, 0.01);
    assert_true(s1.mains_drift_hz > 0.05);
    /* Every warning has words. */
    for (int b = 0; b < LTR_QUALITY_N_WARNINGS; b++)
        assert_true(strlen(ltr_quality_warning_text((ltr_quality_warning)(1u << b))) > 20);
    ltr_quality_destroy(q);
}

static void quality_twitch_snr(void **state)
{
    (void)state;
    ltr_quality *q;
    assert_int_equal(ltr_quality_create(&q, 1000, 1, NULL, 10.0, 50), LTR_OK);
    float x[10000];
    for (int i = 0; i < 10000; i++)
        x[i] = (float)(0.01 * gauss());
    assert_int_equal(ltr_quality_push(q, x, 10000), 10000);
    ltr_quality_add_twitch(q, 0, 0.02); /* 2x the floor: 6 dB, but below ... */
    ltr_quality_add_twitch(q, 0, 0.01); /* ... with this one the mean is 1.5x: 3.5 dB */
    assert_true(ltr_quality_window_ready(q));
    ltr_quality_row r;
    ltr_quality_window(q, 0, &r);
    assert_int_equal(r.twitches, 2);
    /* The floor is the 10th percentile of 100 ms RMS values, a bit under sigma. */
    assert_near(r.twitch_snr_db, 20 * log10(0.015 / r.floor_rms), 1e-9);
    assert_true(r.twitch_snr_db < 6);
    assert_true(r.warnings & LTR_QUALITY_LOW_SNR);
    ltr_quality_destroy(q);
}

/* Rows of a 2-channel, 25 s recording in 10 s windows, pushed in blocks of `block`. */
static int quality_rows(const float *x, size_t n, size_t block, ltr_quality_row *rows, int max)
{
    ltr_quality *q;
    assert_int_equal(ltr_quality_create(&q, 1000, 2, NULL, 10.0, 0), LTR_OK);
    int k = 0;
    for (size_t i = 0; i < n;) {
        size_t want = n - i < block ? n - i : block;
        i += ltr_quality_push(q, x + 2 * i, want);
        if (ltr_quality_window_ready(q)) {
            for (unsigned c = 0; c < 2 && k < max; c++)
                ltr_quality_window(q, c, &rows[k++]);
            ltr_quality_next(q);
        }
    }
    if (ltr_quality_finish(q)) {
        for (unsigned c = 0; c < 2 && k < max; c++)
            ltr_quality_window(q, c, &rows[k++]);
        ltr_quality_next(q);
    }
    for (unsigned c = 0; c < 2 && k < max; c++)
        ltr_quality_summary(q, c, &rows[k++]);
    ltr_quality_destroy(q);
    return k;
}

static void quality_same_for_any_block_size(void **state)
{
    (void)state;
    enum { N = 25000 };
    static float x[2 * N];
    for (size_t i = 0; i < N; i++) {
        x[2 * i] = (float)(0.1 * gauss() + 0.2 * sin(2 * pi * 60 * (double)i / 1000));
        x[2 * i + 1] = i % 7000 < 500 ? 0.25f : (float)(0.1 * gauss());
    }
    x[2 * 1234] = NAN;
    ltr_quality_row a[16], b[16];
    const size_t blocks[] = {1, 37, 4096, N};
    int na = quality_rows(x, N, N, a, 16);
    assert_int_equal(na, 8); /* 10 s, 10 s, the last 5 s, then the summary; 2 channels each */
    for (int j = 0; j < 3; j++) {
        int nb = quality_rows(x, N, blocks[j], b, 16);
        assert_int_equal(nb, na);
        for (int r = 0; r < na; r++) {
            assert_int_equal(a[r].first_frame, b[r].first_frame);
            assert_int_equal(a[r].n_frames, b[r].n_frames);
            assert_int_equal(a[r].warnings, b[r].warnings);
            assert_near(a[r].index, b[r].index, 1e-12);
            assert_near(a[r].rms, b[r].rms, 1e-12);
            assert_near(a[r].line_fraction, b[r].line_fraction, 1e-12);
            assert_near(a[r].flat_fraction, b[r].flat_fraction, 0);
        }
    }
    assert_true(a[0].warnings & LTR_QUALITY_NONFINITE);
    assert_true(a[1].warnings & LTR_QUALITY_FLAT);
    assert_near(a[0].mains_hz, 60, 0.1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sine_peak_and_power),
        cmocka_unit_test(white_noise_is_flat),
        cmocka_unit_test(bad_arguments_are_refused),
        cmocka_unit_test(mains_found_and_measured),
        cmocka_unit_test(burst_median_frequency),
        cmocka_unit_test(half_energy_duration),
        cmocka_unit_test(quality_flags_what_was_put_in),
        cmocka_unit_test(quality_twitch_snr),
        cmocka_unit_test(quality_same_for_any_block_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
