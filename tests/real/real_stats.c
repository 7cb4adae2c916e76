/*
 * Order statistics for the real-data report (test helper). See real_stats.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real_stats.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double real_quantile(const double *x, size_t n, double q, int abs_values)
{
    if (n == 0)
        return NAN;
    double *s = malloc(n * sizeof *s);
    if (!s)
        return NAN;
    for (size_t i = 0; i < n; i++)
        s[i] = abs_values ? fabs(x[i]) : x[i];
    qsort(s, n, sizeof *s, cmp_double);
    const double pos = q * (double)(n - 1);
    const size_t lo = (size_t)pos;
    const double frac = pos - (double)lo;
    const double v = lo + 1 < n ? s[lo] + frac * (s[lo + 1] - s[lo]) : s[lo];
    free(s);
    return v;
}
