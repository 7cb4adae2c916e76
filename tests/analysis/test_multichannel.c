/*
 * Multichannel analysis on constructed signals: PCA of a known mixture,
 * whitening, the common mode, spatial features of a twitch, k-means on
 * separated groups, and an exact exponential habituation.
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

static const double pi = 3.14159265358979323846;

static uint32_t rng_state = 777u;
static double uniform(void)
{
    rng_state = 1664525u * rng_state + 1013904223u;
    return rng_state / 4294967296.0;
}

/* Two sources of variance 9 and 1, orthogonal over whole periods, rotated by
 * 30 degrees into two channels: the PCA must return variances 9 and 1 and the
 * rotation's columns. */
static void pca_of_a_known_mixture(void **state)
{
    (void)state;
    const size_t n = 10000; /* 100 periods of s1, 170 of s2 */
    const double th = pi / 6, c = cos(th), s = sin(th);
    float *x = malloc(sizeof(float) * 2 * n);
    for (size_t i = 0; i < n; i++) {
        double s1 = 3 * sqrt(2.0) * sin(2 * pi * 100 * (double)i / n);
        double s2 = sqrt(2.0) * sin(2 * pi * 170 * (double)i / n);
        x[2 * i] = (float)(c * s1 - s * s2);
        x[2 * i + 1] = (float)(s * s1 + c * s2);
    }
    ltr_covariance *cv;
    assert_int_equal(ltr_covariance_create(&cv, 2), LTR_OK);
    ltr_covariance_push(cv, x, n);
    assert_int_equal(ltr_covariance_frames(cv), n);
    double cov[4], mean[2], vals[2], vecs[4], w[4];
    assert_int_equal(ltr_covariance_get(cv, cov, mean), LTR_OK);
    assert_near(mean[0], 0, 1e-6);
    assert_int_equal(ltr_pca(cov, 2, vals, vecs, w), LTR_OK);
    /* n-1 normalisation: variance n/(n-1) * 9. */
    assert_near(vals[0], 9.0 * n / (n - 1), 1e-4);
    assert_near(vals[1], 1.0 * n / (n - 1), 1e-4);
    /* Component 0 = (cos, sin), component 1 = (-sin, cos) up to sign (largest entry > 0). */
    assert_near(vecs[0 * 2 + 0], c, 1e-5);
    assert_near(vecs[1 * 2 + 0], s, 1e-5);
    assert_near(fabs(vecs[0 * 2 + 1]), s, 1e-5);
    assert_near(fabs(vecs[1 * 2 + 1]), c, 1e-5);
    assert_true(vecs[1 * 2 + 1] > 0);
    /* Whitening: W S W^T = I. */
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++) {
            double v = 0;
            for (int k = 0; k < 2; k++)
                for (int l = 0; l < 2; l++)
                    v += w[i * 2 + k] * cov[k * 2 + l] * w[j * 2 + l];
            assert_near(v, i == j ? 1.0 : 0.0, 1e-9);
        }
    /* Independent channels: common mode (c + s)^2 9 + (c - s)^2 1 over 2 * 10. */
    assert_near(ltr_common_mode_fraction(cov, 2),
                ((c + s) * (c + s) * 9 + (c - s) * (c - s)) / 20.0, 1e-3);
    ltr_covariance_destroy(cv);
    free(x);
}

static void common_mode(void **state)
{
    (void)state;
    enum { C = 4, N = 5000 };
    static float x[C * N];
    for (size_t i = 0; i < N; i++) {
        double shared = sin(2 * pi * 50 * (double)i / 1000);
        for (int j = 0; j < C; j++)
            x[i * C + j] = (float)(100.0 + shared); /* large offset: no cancellation */
    }
    ltr_covariance *cv;
    assert_int_equal(ltr_covariance_create(&cv, C), LTR_OK);
    ltr_covariance_push(cv, x, N);
    double cov[C * C];
    assert_int_equal(ltr_covariance_get(cv, cov, NULL), LTR_OK);
    assert_near(ltr_common_mode_fraction(cov, C), 1.0, 1e-6);
    ltr_covariance_destroy(cv);
    /* Independent noise: about 1/C. */
    for (size_t i = 0; i < C * N; i++)
        x[i] = (float)(uniform() - 0.5);
    assert_int_equal(ltr_covariance_create(&cv, C), LTR_OK);
    ltr_covariance_push(cv, x, N);
    assert_int_equal(ltr_covariance_get(cv, cov, NULL), LTR_OK);
    assert_near(ltr_common_mode_fraction(cov, C), 1.0 / C, 0.05);
    ltr_covariance_destroy(cv);
    /* Removing the common mode leaves frames that sum to zero. */
    for (size_t i = 0; i < N; i++)
        x[i * C + 2] += 5.0f;
    ltr_common_mode_remove(x, N, C);
    for (size_t i = 0; i < N; i += 97)
        assert_near(x[i * C] + x[i * C + 1] + x[i * C + 2] + x[i * C + 3], 0, 1e-5);
    /* Fewer than 2 frames: no covariance. */
    assert_int_equal(ltr_covariance_create(&cv, C), LTR_OK);
    ltr_covariance_push(cv, x, 1);
    assert_int_equal(ltr_covariance_get(cv, cov, NULL), LTR_ERR_ARGUMENT);
    ltr_covariance_destroy(cv);
}

static void spatial_features(void **state)
{
    (void)state;
    enum { C = 4, N = 400 };
    static float x[C * N];
    const double amp[C] = {0.5, 1.0, 0.1, 0.6};
    for (size_t i = 0; i < N; i++)
        for (int j = 0; j < C; j++)
            x[i * C + j] = (float)(7.0 + amp[j] * sqrt(2.0) * sin(2 * pi * 10 * (double)i / N));
    ltr_spatial_result r;
    assert_int_equal(ltr_spatial(x, N, C, 0, &r), LTR_OK);
    assert_int_equal(r.peak_channel, 1);
    for (int j = 0; j < C; j++) {
        assert_near(r.rms[j], amp[j], 1e-4);
        assert_near(r.relative[j], amp[j], 1e-4);
    }
    assert_int_equal(r.above_half, 3);
    double sum = 2.2, sum2 = 0.25 + 1 + 0.01 + 0.36;
    assert_near(r.spread, sum * sum / sum2, 1e-3);
    /* Channel 1 left out by the mask: channel 3 leads. */
    assert_int_equal(ltr_spatial(x, N, C, 0xdu, &r), LTR_OK);
    assert_int_equal(r.peak_channel, 3);
    assert_near(r.rms[1], 0, 0);
}

static void kmeans_separates_groups(void **state)
{
    (void)state;
    enum { N = 300, D = 3 };
    static double x[N * D];
    unsigned truth[N], labels[N], labels2[N];
    const double centre[3][D] = {{0, 0, 0}, {10, 0, 5}, {0, 10, -5}};
    const unsigned size[3] = {150, 100, 50};
    size_t r = 0;
    for (unsigned g = 0; g < 3; g++)
        for (unsigned i = 0; i < size[g]; i++, r++) {
            truth[r] = g;
            for (int d = 0; d < D; d++)
                x[r * D + d] = centre[g][d] + (uniform() - 0.5) * 2;
        }
    double cent[3 * D], inertia;
    assert_int_equal(ltr_kmeans(x, N, D, 3, 100, 42, labels, cent, &inertia), LTR_OK);
    /* Groups numbered by decreasing size: they are exactly the truth's numbers. */
    for (size_t i = 0; i < N; i++)
        assert_int_equal(labels[i], truth[i]);
    for (unsigned g = 0; g < 3; g++)
        for (int d = 0; d < D; d++)
            assert_near(cent[g * D + d], centre[g][d], 0.3);
    /* Uniform noise of half-width 1: variance 1/3 per dimension. */
    assert_near(inertia / N, D / 3.0, 0.15);
    /* Deterministic. */
    assert_int_equal(ltr_kmeans(x, N, D, 3, 100, 42, labels2, NULL, NULL), LTR_OK);
    for (size_t i = 0; i < N; i++)
        assert_int_equal(labels2[i], labels[i]);
    assert_int_equal(ltr_kmeans(x, N, D, 0, 100, 42, labels2, NULL, NULL), LTR_ERR_ARGUMENT);
    assert_int_equal(ltr_kmeans(x, 2, D, 3, 100, 42, labels2, NULL, NULL), LTR_ERR_ARGUMENT);
    /* Standardised columns: mean 0, sd 1. */
    ltr_features_standardize(x, N, D);
    for (int d = 0; d < D; d++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < N; i++)
            m += x[i * D + d];
        m /= N;
        for (size_t i = 0; i < N; i++)
            v += (x[i * D + d] - m) * (x[i * D + d] - m);
        assert_near(m, 0, 1e-12);
        assert_near(v / (N - 1), 1, 1e-12);
    }
}

static void habituation_exact(void **state)
{
    (void)state;
    double t[10], a[10];
    for (int i = 0; i < 10; i++) {
        t[i] = 2.0 * i;
        a[i] = 3.0 * exp(-0.1 * t[i]);
    }
    a[4] = NAN; /* skipped */
    ltr_habituation h;
    assert_int_equal(ltr_habituation_fit(t, a, 10, &h), LTR_OK);
    assert_near(h.amplitude0, 3.0, 1e-12);
    assert_near(h.rate_per_s, 0.1, 1e-12);
    assert_near(h.half_life_s, log(2.0) / 0.1, 1e-9);
    assert_near(h.r2, 1.0, 1e-12);
    assert_int_equal(h.n, 9);
    /* Growing amplitudes: no half-life. */
    for (int i = 0; i < 10; i++)
        a[i] = 1.0 + i;
    assert_int_equal(ltr_habituation_fit(t, a, 10, &h), LTR_OK);
    assert_true(isinf(h.half_life_s));
    assert_int_equal(ltr_habituation_fit(t, a, 2, &h), LTR_ERR_ARGUMENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pca_of_a_known_mixture),
        cmocka_unit_test(common_mode),
        cmocka_unit_test(spatial_features),
        cmocka_unit_test(kmeans_separates_groups),
        cmocka_unit_test(habituation_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
