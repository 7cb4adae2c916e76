/*
 * 10^x and log10(x) in single precision without libm (libltr core). See exp10.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hints.h"
#include "exp10.h"

float ltri_exp10f(float x)
{
    if (!(x >= -37.9f)) /* NaN as well */
        return x != x ? x : 0.0f;
    if (x > 38.2f)
        return INFINITY;
    /* n = round(x log2(10)) (floor by a conversion: no libm call; |y| < 128);
     * x - n log10(2) with log10(2) = a + b, a = 77/256 exact */
    const float y = 3.32192809488736234787f * x + 0.5f;
    int32_t i = (int32_t)y;
    if ((float)i > y)
        i--;
    const float n = (float)i;
    float r = x - n * 3.00781250000000000000e-1f;
    r -= n * 2.48745663981195213739e-4f;
    const float p = ((((2.063216740311022e-1f * r + 5.420251702225484e-1f) * r +
                       1.171292686296281e0f) * r + 2.034649854009453e0f) * r +
                     2.650948748208892e0f) * r + 2.302585167056758e0f;
    const float m = 1.0f + r * p;
    /* 2^n, n in -126..127 here */
    const uint32_t bits = (uint32_t)(i + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return m * scale;
}

float ltri_log10f(float x)
{
    if (!(x > 0.0f)) /* 0: -inf; negative or NaN: NaN */
        return x == 0.0f ? -INFINITY : (x - x) / (x - x);
    if (x == INFINITY)
        return x;
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    int32_t e = 0;
    if (bits < 0x00800000u) { /* subnormal: scale by 2^25 into the normals */
        x *= 33554432.0f;
        memcpy(&bits, &x, sizeof bits);
        e = -25;
    }
    /* x = f 2^e with f in [0.5, 1) (frexpf by the bits) */
    e += (int32_t)(bits >> 23) - 126;
    bits = (bits & 0x007fffffu) | 0x3f000000u;
    float f;
    memcpy(&f, &bits, sizeof f);
    if (f < 0.70710678118654752440f) { /* sqrt(1/2): f - 1 in [-0.29, 0.41] */
        e--;
        f = f + f - 1.0f;
    } else {
        f = f - 1.0f;
    }
    const float z = f * f;
    float y = ((((((((7.0376836292e-2f * f - 1.1514610310e-1f) * f + 1.1676998740e-1f) * f -
                    1.2420140846e-1f) * f + 1.4249322787e-1f) * f - 1.6668057665e-1f) * f +
                 2.0000714765e-1f) * f - 2.4999993993e-1f) * f + 3.3333331174e-1f) * f * z;
    y -= 0.5f * z;
    /* log10(e) and log10(2) each split in two (a exact in few bits): the terms summed in
     * order of size */
    const float n = (float)e;
    float r = (f + y) * 7.00731903251827651129e-4f;
    r += y * 4.3359375e-1f;
    r += f * 4.3359375e-1f;
    r += n * 2.48745663981195213739e-4f;
    r += n * 3.00781250000000000000e-1f;
    return r;
}

LTRI_COLD double ltri_exp(double x)
{
    unsigned k = 0;
    while (k < 20u && !(x >= -0x1p-10 && x <= 0x1p-10)) { /* 2^-10 2^20 > 700; NaN stops */
        x *= 0.5;
        k++;
    }
    double y = 1.0 + x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x * (1.0 / 24.0 +
                                                 x * (1.0 / 120.0 + x * (1.0 / 720.0))))));
    while (k--)
        y *= y;
    return y;
}

/* sin and cos on |x| <= pi/4 (Taylor: the first omitted terms are < 1e-18) */
LTRI_COLD LTRI_NOINLINE static double sin_near(double x)
{
    const double x2 = x * x;
    /* sin x = x (1 - x^2/(2 3) (1 - x^2/(4 5) (1 - ...))), from the innermost term */
    double s = 1.0;
    for (unsigned n = 16u; n >= 2u; n -= 2u)
        s = 1.0 - x2 / ((double)n * (double)(n + 1u)) * s;
    return x * s;
}

LTRI_COLD LTRI_NOINLINE static double cos_near(double x)
{
    const double x2 = x * x;
    /* cos x = 1 - x^2/(1 2) (1 - x^2/(3 4) (1 - ...)) */
    double c = 1.0;
    for (unsigned n = 16u; n >= 2u; n -= 2u)
        c = 1.0 - x2 / ((double)(n - 1u) * (double)n) * c;
    return c;
}

static const double pi_2 = 1.57079632679489661923, pi_4 = 0.78539816339744830962;

/* sin and cos of 0 <= x <= pi/2 */
LTRI_COLD static double sin_q(double x) { return x <= pi_4 ? sin_near(x) : cos_near(pi_2 - x); }
LTRI_COLD static double cos_q(double x) { return x <= pi_4 ? cos_near(x) : sin_near(pi_2 - x); }

LTRI_COLD double ltri_sin(double x)
{
    const double a = fabs(x), r = a <= pi_2 ? sin_q(a) : sin_q(2.0 * pi_2 - a);
    return x < 0.0 ? -r : r;
}

LTRI_COLD double ltri_cos(double x)
{
    const double a = fabs(x);
    return a <= pi_2 ? cos_q(a) : -cos_q(2.0 * pi_2 - a);
}

LTRI_COLD double ltri_tan(double x)
{
    const double a = fabs(x), r = sin_q(a) / cos_q(a);
    return x < 0.0 ? -r : r;
}
