/*
 * ltri_exp10f and ltri_log10f (exp10.h): 10^x and log10(x) in float without libm,
 * measured against double pow and log10.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "exp10.h"

/* Relative error under 1e-7 (Cephes' 9.8e-8; a float's half ulp is 6e-8) over the
 * whole normal range, on 100 000 points, and in particular over the detector's
 * thresholds (-30..+30 dB around any floor is x within -38..38). */
static void test_accuracy(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (unsigned i = 0; i <= 100000u; i++) {
        const float x = (float)(-37.89 + 76.08 * i / 100000.0);
        const double ref = pow(10.0, (double)x);
        const double err = fabs((double)ltri_exp10f(x) - ref) / ref;
        if (err > worst) {
            worst = err;
            at = x;
        }
    }
    if (worst >= 1e-7)
        fail_msg("relative error %g at x = %g", worst, at);
    assert_true(ltri_exp10f(0.0f) == 1.0f);
    /* monotonic on a fine grid: no ripple where the reduction changes n */
    for (float x = -1.0f; x < 1.0f; x += 1.0f / 4096.0f)
        assert_true(ltri_exp10f(x + 1.0f / 4096.0f) > ltri_exp10f(x));
}

/* Outside the normal floats: 0 below, +inf above, NaN stays NaN. */
static void test_range(void **state)
{
    (void)state;
    assert_true(ltri_exp10f(-38.0f) == 0.0f);
    assert_true(ltri_exp10f(-1e30f) == 0.0f);
    assert_true(ltri_exp10f(-INFINITY) == 0.0f);
    assert_true(isinf(ltri_exp10f(38.3f)) && ltri_exp10f(38.3f) > 0.0f);
    assert_true(isinf(ltri_exp10f(INFINITY)));
    assert_true(isnan(ltri_exp10f(NAN)));
    assert_true(isfinite(ltri_exp10f(38.2f)) && ltri_exp10f(-37.9f) >= 1.17549435e-38f);
}

/* log10: error under 2e-7, relative where |log10 x| > 1 and absolute under it (a dB
 * level to 2e-6 dB, within a float's rounding of it) over the whole positive
 * float range, subnormals included, on 200 000 points spaced evenly in log; exact at
 * powers of ten the float holds exactly; increasing; the edges as log10f's. */
static void test_log10(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (unsigned i = 0; i <= 200000u; i++) {
        const float x = (float)pow(10.0, -44.8 + 83.3 * i / 200000.0);
        if (!(x > 0.0f))
            continue;
        const double ref = log10((double)x);
        const double err = fabs((double)ltri_log10f(x) - ref) / (fabs(ref) > 1.0 ? fabs(ref) : 1.0);
        if (err > worst) {
            worst = err;
            at = x;
        }
    }
    if (worst >= 2e-7)
        fail_msg("error %g at x = %g", worst, at);
    assert_true(ltri_log10f(1.0f) == 0.0f);
    assert_true(ltri_log10f(10.0f) == 1.0f && ltri_log10f(100.0f) == 2.0f);
    for (float x = 0.5f; x < 2.0f; x += 1.0f / 4096.0f)
        assert_true(ltri_log10f(x + 1.0f / 4096.0f) > ltri_log10f(x));
    assert_true(isinf(ltri_log10f(0.0f)) && ltri_log10f(0.0f) < 0.0f);
    assert_true(isinf(ltri_log10f(INFINITY)) && ltri_log10f(INFINITY) > 0.0f);
    assert_true(isnan(ltri_log10f(-1.0f)) && isnan(ltri_log10f(NAN)));
}

/* ltri_exp (the designs' e^x in double): within 1e-11 of libm's exp over +-30 (the
 * designs' decays and dB thresholds), 1 at 0, NaN for NaN, and no hang at +-inf. */
static void test_exp_double(void **state)
{
    (void)state;
    double worst = 0.0, at = 0.0;
    for (double x = -30.0; x <= 30.0; x += 0.000731) {
        const double err = fabs(ltri_exp(x) - exp(x)) / exp(x);
        if (err > worst) {
            worst = err;
            at = x;
        }
    }
    if (worst >= 1e-11)
        fail_msg("relative error %g at x = %g", worst, at);
    assert_true(ltri_exp(0.0) == 1.0);
    assert_true(isnan(ltri_exp(NAN)));
    assert_true(ltri_exp(-INFINITY) >= 0.0 && ltri_exp(INFINITY) > 1e300);
}

/* ltri_sin, ltri_cos, ltri_tan (the designs' trigonometry in double): within 4e-16 of
 * libm over |x| <= pi (tan: relative 1e-14 over |x| <= 1.45, past the highest corner
 * a design asks, 0.45 fs), odd and even as they should be. */
static void test_trig_double(void **state)
{
    (void)state;
    double ws = 0.0, wc = 0.0, wt = 0.0;
    for (double x = -3.14159; x <= 3.14159; x += 1e-4) {
        ws = fmax(ws, fabs(ltri_sin(x) - sin(x)));
        wc = fmax(wc, fabs(ltri_cos(x) - cos(x)));
        if (fabs(x) <= 1.45)
            wt = fmax(wt, fabs(ltri_tan(x) - tan(x)) / fmax(fabs(tan(x)), 1e-300));
    }
    if (ws > 4e-16 || wc > 4e-16 || wt > 1e-14)
        fail_msg("sin %g, cos %g, tan %g from libm", ws, wc, wt);
    assert_true(ltri_sin(0.0) == 0.0 && ltri_cos(0.0) == 1.0 && ltri_tan(0.0) == 0.0);
    assert_true(ltri_sin(-0.3) == -ltri_sin(0.3) && ltri_cos(-2.0) == ltri_cos(2.0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_accuracy),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_log10),
        cmocka_unit_test(test_exp_double),
        cmocka_unit_test(test_trig_double),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
