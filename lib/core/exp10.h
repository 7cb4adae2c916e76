/*
 * 10^x and log10(x) in single precision without libm (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The noise floor turns its dB levels into thresholds a few times per 4 ms block
 * (noise.c). powf did it: on a Cortex-M4F newlib's powf runs ~200 instructions a
 * call, about 90 instructions a sample of the detector's 1080 (tests/m4, issue 10),
 * and glibc's ~50. This is Moshier's Cephes exp10f (cephes/single/exp10f.c, "peak
 * relative error 9.8e-8 on -38..38"): x = n log10(2) + r with log10(2) split in two
 * so that the reduction is exact, 10^r = 1 + r P(r) on |r| <= log10(2)/2, then the
 * exponent n placed in the float's bits. Plain float arithmetic: the same bits on
 * every IEEE platform (no libm, whose powf differs between glibc and newlib).
 * [RT] O(1), no branch on data but the range guard (exp10.c).
 */
#ifndef LTR_CORE_EXP10_H
#define LTR_CORE_EXP10_H

/* 10^x for x in [-37.9, 38.2] (the normal floats); below: 0, above: +inf, NaN: NaN. A
 * function, not inline: it runs a few times per block, and one copy (270 bytes on a
 * Cortex-M4F) is smaller than one at each call. */
float ltri_exp10f(float x);

/* log10(x) for every float (0: -inf, +inf: +inf, negative or NaN: NaN): Moshier's
 * Cephes log10f (cephes/single/log10f.c; error under 2e-7 absolute, tests/test_exp10.c), x = f 2^e
 * with f in [sqrt(1/2), sqrt(2)), log(f) = (f - 1) - (f - 1)^2 / 2 + (f - 1)^3 P(f - 1).
 * The noise floor and the scan take a block's level in dB with it once a block (and
 * the scan's spreads to a power with it and ltri_exp10f), where log10f and powf were
 * libm calls: newlib's cost ~100-200 instructions a call on a Cortex-M4F (issue 10),
 * and their last bit differs between libms; this gives the same bits everywhere. */
float ltri_log10f(float x);

/* e^x in double for the designs at init, |x| <= 700 (beyond: a value 2^(1024 |x|/700)
 * away from the truth, never a hang; NaN: NaN): x halved k times to |x| <= 2^-10, its
 * Taylor series to x^6 (truncation < 2e-24), squared k times, which multiplies the
 * rounding's relative error by about 2^k: < 1e-12 for |x| <= 30, what the designs
 * ask (a decay per frame or tick, a dB threshold), so their floats are libm's, and a
 * firmware links neither exp nor pow (newlib's: 3.9 KiB on a Cortex-M4F, issue 10).
 * [init] */
double ltri_exp(double x);

/* sin, cos and tan in double for the filter and mains designs at init, |x| <= pi (tan:
 * |x| < pi/2): reduced by symmetry to |x| <= pi/4, where Taylor series to x^17 / x^16
 * leave < 1e-18; within a few ulp of libm (test_exp10), so that the designs' floats are
 * libm's, and a firmware links none of newlib's sin/cos/tan and their argument
 * reduction (5.5 KiB on a Cortex-M4F, issue 10). [init] */
double ltri_sin(double x);
double ltri_cos(double x);
double ltri_tan(double x);

/* The larger and the smaller of two floats that are not NaN: a comparison, where
 * fmaxf and fminf are calls to libm on targets without an instruction with C99's NaN
 * rules (x86-64's maxss is not; a Cortex-M4F has none). For non-NaN operands the
 * same value as fmaxf/fminf (only the sign of a zero could differ on a tie of +0 and -0,
 * which no caller can tell). [RT] */
static inline float ltri_maxf(float a, float b) { return a > b ? a : b; }
static inline float ltri_minf(float a, float b) { return a < b ? a : b; }

#endif /* LTR_CORE_EXP10_H */
