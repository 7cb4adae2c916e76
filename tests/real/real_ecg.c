/*
 * R peaks of the ECG in an EMG channel (test helper). See real_ecg.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real_ecg.h"

#include <math.h>
#include <stdlib.h>

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

size_t real_ecg_rpeaks(const float *x, size_t n, double fs_hz, uint64_t *peaks, size_t max_peaks)
{
    const size_t L = (size_t)lround(0.016 * fs_hz);  /* moving average, 16 ms */
    const size_t k = (size_t)lround(0.008 * fs_hz);  /* slope over +-8 ms */
    const size_t refractory = (size_t)lround(fs_hz * 60.0 / 180.0);
    const size_t win = (size_t)lround(1.5 * fs_hz);
    if (L < 1 || n < win || n < 2 * k + L)
        return 0;
    double *y = calloc(n, sizeof *y), *a = calloc(n, sizeof *a);
    double *mx = calloc(n / win + 1, sizeof *mx);
    size_t found = 0;
    if (!y || !a || !mx)
        goto out;
    double s = 0.0;
    for (size_t i = 0; i < n; i++) {
        s += x[i];
        if (i >= L)
            s -= x[i - L];
        y[i] = s / (double)L; /* centre of the average is at i - L/2: a constant delay */
    }
    for (size_t i = L + k; i + k < n; i++)
        a[i] = fabs(y[i + k] - y[i - k]);
    size_t n_win = 0;
    for (size_t w = 0; w + win <= n; w += win) {
        double m = 0.0;
        for (size_t i = w; i < w + win; i++)
            m = a[i] > m ? a[i] : m;
        mx[n_win++] = m;
    }
    qsort(mx, n_win, sizeof *mx, cmp_double);
    const double thr = 0.5 * mx[n_win / 2];
    const size_t shift = L / 2; /* undo the average's delay */
    for (size_t i = 1; i + 1 < n; i++) {
        if (!(a[i] > thr && a[i] >= a[i - 1] && a[i] > a[i + 1]))
            continue;
        const uint64_t at = i >= shift ? i - shift : 0;
        if (found && at - peaks[found - 1] < refractory) {
            if (a[i] > a[peaks[found - 1] + shift])
                peaks[found - 1] = at; /* the steeper one of two within 1/3 s */
        } else if (found < max_peaks) {
            peaks[found++] = at;
        }
    }
out:
    free(y);
    free(a);
    free(mx);
    return found;
}

double real_ecg_rr_cv(const uint64_t *peaks, size_t n, double fs_hz, double *median_bpm)
{
    *median_bpm = 0.0;
    if (n < 3)
        return INFINITY;
    double *rr = malloc((n - 1) * sizeof *rr);
    if (!rr)
        return INFINITY;
    double sum = 0.0, sum2 = 0.0;
    for (size_t i = 0; i + 1 < n; i++) {
        rr[i] = (double)(peaks[i + 1] - peaks[i]) / fs_hz;
        sum += rr[i];
        sum2 += rr[i] * rr[i];
    }
    const double m = sum / (double)(n - 1);
    const double var = sum2 / (double)(n - 1) - m * m;
    qsort(rr, n - 1, sizeof *rr, cmp_double);
    *median_bpm = 60.0 / rr[(n - 1) / 2];
    free(rr);
    return sqrt(var > 0.0 ? var : 0.0) / m;
}
