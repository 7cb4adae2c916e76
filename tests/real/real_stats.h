/*
 * Order statistics for the real-data report (test helper).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_REAL_STATS_H
#define LTR_TESTS_REAL_STATS_H

#include <stddef.h>

/* The q-quantile (0..1) of x[0..n) by linear interpolation between order
 * statistics (numpy's default); with abs_values, of |x|. NaN when n == 0.
 * x is not modified. */
double real_quantile(const double *x, size_t n, double q, int abs_values);

#endif /* LTR_TESTS_REAL_STATS_H */
