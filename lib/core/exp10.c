/*
 * 10^x in single precision without libm (libltr core). See exp10.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

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
