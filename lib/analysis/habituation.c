/*
 * Habituation of a twitch series: log amplitude against time, fitted by
 * linear least squares (LAPACKE_dgels, QR). The exponential model is the
 * classic description of response decrement under repeated stimulation
 * (Thompson & Spencer 1966); for LTRs Hong (1994) reports amplitudes that
 * fall with repeated needling of one trigger point.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>

#include "ltr/ltr_analysis.h"

ltr_status ltr_habituation_fit(const double *t_s, const double *amp, size_t n, ltr_habituation *out)
{
    if (!t_s || !amp || !out)
        return LTR_ERR_NULL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        m += isfinite(t_s[i]) && isfinite(amp[i]) && amp[i] > 0;
    if (m < 3)
        return LTR_ERR_ARGUMENT;
    double *a = malloc(sizeof(double) * m * 2), *b = malloc(sizeof(double) * m);
    if (!a || !b) {
        free(a);
        free(b);
        return LTR_ERR_MEMORY;
    }
    double mean_y = 0;
    size_t r = 0;
    for (size_t i = 0; i < n; i++)
        if (isfinite(t_s[i]) && isfinite(amp[i]) && amp[i] > 0) {
            a[r * 2] = 1.0;
            a[r * 2 + 1] = t_s[i];
            b[r] = log(amp[i]);
            mean_y += b[r];
            r++;
        }
    mean_y /= (double)m;
    double ss_tot = 0;
    for (size_t i = 0; i < m; i++)
        ss_tot += (b[i] - mean_y) * (b[i] - mean_y);
    /* Keep the design matrix's values to compute the residuals after dgels overwrites it. */
    double *y = malloc(sizeof(double) * m), *t = malloc(sizeof(double) * m);
    if (!y || !t) {
        free(a), free(b), free(y), free(t);
        return LTR_ERR_MEMORY;
    }
    for (size_t i = 0; i < m; i++) {
        y[i] = b[i];
        t[i] = a[i * 2 + 1];
    }
    lapack_int info = LAPACKE_dgels(LAPACK_ROW_MAJOR, 'N', (lapack_int)m, 2, 1, a, 2, b, 1);
    ltr_status st = LTR_OK;
    if (info != 0) {
        st = LTR_ERR_ARGUMENT; /* rank deficient: every point at one time */
    } else {
        double c0 = b[0], c1 = b[1], ss_res = 0;
        for (size_t i = 0; i < m; i++) {
            double e = y[i] - (c0 + c1 * t[i]);
            ss_res += e * e;
        }
        out->amplitude0 = exp(c0);
        out->rate_per_s = -c1;
        out->half_life_s = c1 < 0 ? log(2.0) / -c1 : INFINITY;
        out->r2 = ss_tot > 0 ? 1.0 - ss_res / ss_tot : 1.0;
        out->n = m;
    }
    free(a), free(b), free(y), free(t);
    return st;
}
