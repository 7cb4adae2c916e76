/*
 * 10^x in single precision without libm (internal to libltr).
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

#endif /* LTR_CORE_EXP10_H */
