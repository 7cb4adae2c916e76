/*
 * libltr-analysis against NumPy/SciPy: reference.h holds what
 * make_reference.py computed once from the same samples (scipy.signal.welch,
 * np.cov, np.linalg.eigh, np.polyfit). Targets of issue 12: Welch total power
 * within 1e-4 relative, every bin above -60 dB of the peak within 1e-3.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "ltr/ltr_analysis.h"
#include "near.h"
#include "reference.h"

static const double pi = 3.14159265358979323846;

/* make_reference.py's lcg_uniform, bit for bit. */
static void lcg_uniform(uint32_t seed, size_t n, double *out)
{
    uint32_t x = seed;
    for (size_t i = 0; i < n; i++) {
        x = 1664525u * x + 1013904223u;
        out[i] = x / 4294967296.0;
    }
}

static float *signal_a(size_t *n, double *fs)
{
    *fs = 1000.0;
    *n = 10000;
    double *u = malloc(sizeof(double) * *n);
    float *x = malloc(sizeof(float) * *n);
    lcg_uniform(1, *n, u);
    for (size_t i = 0; i < *n; i++) {
        double t = (double)i / *fs;
        x[i] = (float)(sin(2 * pi * 123.4 * t) + 0.5 * sin(2 * pi * 50.0 * t + 0.3) +
                       0.2 * (u[i] - 0.5));
    }
    free(u);
    return x;
}

static float *signal_b(size_t *n, double *fs)
{
    *fs = 2000.0;
    *n = 5003;
    double *u = malloc(sizeof(double) * *n);
    float *x = malloc(sizeof(float) * *n);
    lcg_uniform(7, *n, u);
    for (size_t i = 0; i < *n; i++) {
        double t = (double)i / *fs;
        x[i] = (float)(3.0 + 0.2 * sin(2 * pi * 317.0 * t) + 2.0 * (u[i] - 0.5));
    }
    free(u);
    return x;
}

static void check_welch(const float *x, size_t n, double fs, unsigned nperseg, unsigned noverlap,
                        const double *ref, unsigned ref_bins, size_t block)
{
    ltr_welch *w;
    assert_int_equal(ltr_welch_create(&w, fs, nperseg, noverlap), LTR_OK);
    assert_int_equal(ltr_welch_bins(w), ref_bins);
    for (size_t i = 0; i < n; i += block)
        ltr_welch_push(w, x + i, n - i < block ? n - i : block, 1);
    double *psd = malloc(sizeof(double) * ref_bins);
    assert_int_equal(ltr_welch_psd(w, psd), LTR_OK);
    double peak = 0, total = 0, ref_total = 0, worst = 0;
    for (unsigned k = 0; k < ref_bins; k++) {
        peak = fmax(peak, ref[k]);
        total += psd[k];
        ref_total += ref[k];
    }
    unsigned checked = 0;
    for (unsigned k = 0; k < ref_bins; k++)
        if (ref[k] >= peak * 1e-6) { /* -60 dB of the peak */
            double e = fabs(psd[k] - ref[k]) / ref[k];
            worst = fmax(worst, e);
            checked++;
            if (e > 1e-3)
                fail_msg("bin %u: %.9g vs scipy %.9g (rel. error %.3g)", k, psd[k], ref[k], e);
        }
    assert_true(checked > ref_bins / 2);
    double total_err = fabs(total - ref_total) / ref_total;
    if (total_err > 1e-4)
        fail_msg("total power %.9g vs scipy %.9g (rel. error %.3g)", total, ref_total, total_err);
    free(psd);
    ltr_welch_destroy(w);
}

static void welch_matches_scipy(void **state)
{
    (void)state;
    size_t n;
    double fs;
    float *x = signal_a(&n, &fs);
    check_welch(x, n, fs, 256, 128, ref_welch_a, 129, n);
    check_welch(x, n, fs, 256, 128, ref_welch_a, 129, 37); /* pushed in odd blocks: the same */
    free(x);
    x = signal_b(&n, &fs); /* odd nperseg/noverlap ratio, an offset, a trailing partial segment */
    check_welch(x, n, fs, 200, 50, ref_welch_b, 101, n);
    free(x);
}

static void mixture(float *x, size_t n)
{
    static const double mix[4][3] = {{1.0, 0.5, 0.0}, {0.8, -0.3, 0.2}, {0.1, 0.9, 0.4},
                                     {0.0, 0.2, 1.5}};
    double *s = malloc(sizeof(double) * 3 * n);
    for (unsigned j = 0; j < 3; j++)
        lcg_uniform(11 + j, n, s + j * n);
    for (size_t i = 0; i < n; i++)
        for (unsigned c = 0; c < 4; c++) {
            double v = 0;
            for (unsigned j = 0; j < 3; j++)
                v += mix[c][j] * (s[j * n + i] - 0.5);
            x[i * 4 + c] = (float)v;
        }
    free(s);
}

static void covariance_and_pca_match_numpy(void **state)
{
    (void)state;
    const size_t n = 5000;
    float *x = malloc(sizeof(float) * 4 * n);
    mixture(x, n);
    ltr_covariance *cv;
    assert_int_equal(ltr_covariance_create(&cv, 4), LTR_OK);
    ltr_covariance_push(cv, x, 1000);
    ltr_covariance_push(cv, x + 4 * 1000, n - 1000);
    double cov[16], vals[4], vecs[16];
    assert_int_equal(ltr_covariance_get(cv, cov, NULL), LTR_OK);
    for (int i = 0; i < 16; i++)
        assert_near(cov[i], ref_cov[i], 1e-9 * fabs(ref_cov[0]));
    assert_int_equal(ltr_pca(cov, 4, vals, vecs, NULL), LTR_OK);
    for (int i = 0; i < 4; i++)
        assert_near(vals[i], ref_eig[i], 1e-9 * ref_eig[0]);
    /* Three sources in four channels: the fourth eigenvalue is (numerically) zero. */
    assert_true(vals[3] < 1e-6 * vals[0]);
    ltr_covariance_destroy(cv);
    free(x);
}

static void habituation_matches_polyfit(void **state)
{
    (void)state;
    double t[20], a[20], u[20];
    lcg_uniform(21, 20, u);
    for (int i = 0; i < 20; i++) {
        t[i] = i * 3.0;
        a[i] = 5.0 * exp(-0.05 * t[i]) * (0.8 + 0.4 * u[i]);
    }
    ltr_habituation h;
    assert_int_equal(ltr_habituation_fit(t, a, 20, &h), LTR_OK);
    assert_near(log(h.amplitude0), ref_habituation[0], 1e-9);
    assert_near(-h.rate_per_s, ref_habituation[1], 1e-11);
    assert_int_equal(h.n, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(welch_matches_scipy),
        cmocka_unit_test(covariance_and_pca_match_numpy),
        cmocka_unit_test(habituation_matches_polyfit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
