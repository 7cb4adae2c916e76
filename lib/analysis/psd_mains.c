/*
 * The mains in a power spectral density: which line (50 or 60 Hz), its exact
 * frequency, the level of each harmonic and the share of the power the lines
 * carry. A line is measured against the median of the spectrum 3-10 Hz on
 * either side (robust to the line's own leakage and to a neighbouring
 * harmonic), the same 10 dB criterion `ltr info` applies with Goertzel bins.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>

#include "ltr/ltr_analysis.h"

#define LINE_MIN_DB 10.0    /* a line must stand 10 dB over its neighbours (as ltr info) */
#define SEARCH_HZ 1.5       /* the grid's frequency stays within +-1 % (EN 50160: 50 Hz +-1 %) */
#define LINE_HALF_HZ 1.0    /* a Hann line of 1 Hz bins spreads over +-1 bin; drift over a window more */
#define FLOOR_NEAR_HZ 3.0
#define FLOOR_FAR_HZ 10.0
#define FLOOR_MAX 512

static double median_of(double *v, unsigned n)
{
    for (unsigned i = 1; i < n; i++) { /* insertion sort: n is small (tens) */
        double x = v[i];
        unsigned j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return n == 0 ? NAN : n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Median density 3-10 Hz on both sides of f. */
static double floor_at(const double *psd, unsigned bins, double bin_hz, double f)
{
    double v[FLOOR_MAX];
    unsigned n = 0;
    for (int side = -1; side <= 1; side += 2) {
        long a = lround((f + side * FLOOR_NEAR_HZ) / bin_hz);
        long b = lround((f + side * FLOOR_FAR_HZ) / bin_hz);
        if (a > b) {
            long t = a;
            a = b;
            b = t;
        }
        for (long k = a; k <= b && n < FLOOR_MAX; k++)
            if (k > 0 && k < (long)bins)
                v[n++] = psd[k];
    }
    return median_of(v, n);
}

/* Peak bin of the line near f, its level over the floor (dB), its excess power. */
static double line_at(const double *psd, unsigned bins, double bin_hz, double f, double search_hz,
                      long *peak, double *excess)
{
    long lo = lround((f - search_hz) / bin_hz), hi = lround((f + search_hz) / bin_hz);
    if (lo < 1)
        lo = 1;
    if (hi > (long)bins - 2)
        hi = (long)bins - 2;
    if (hi < lo)
        return NAN;
    long best = lo;
    for (long k = lo; k <= hi; k++)
        if (psd[k] > psd[best])
            best = k;
    double fl = floor_at(psd, bins, bin_hz, best * bin_hz);
    long half = lround(LINE_HALF_HZ / bin_hz);
    if (half < 1)
        half = 1;
    double ex = 0.0;
    for (long k = best - half; k <= best + half; k++)
        if (k > 0 && k < (long)bins && psd[k] > fl)
            ex += (psd[k] - fl) * bin_hz;
    if (peak)
        *peak = best;
    if (excess)
        *excess = ex;
    if (!(fl > 0))
        return psd[best] > 0 ? INFINITY : NAN;
    return 10.0 * log10(psd[best] / fl);
}

ltr_status ltr_psd_mains(const double *psd, unsigned bins, double bin_hz, double nominal_hz,
                         ltr_mains_estimate *out)
{
    if (!psd || !out)
        return LTR_ERR_NULL;
    if (bins < 8 || !(bin_hz > 0) || bin_hz > 2.0 ||
        (nominal_hz != 0 && nominal_hz != 50 && nominal_hz != 60))
        return LTR_ERR_ARGUMENT;
    out->nominal_hz = 0;
    out->frequency_hz = 0;
    out->line_fraction = 0;
    for (int h = 0; h < LTR_ANALYSIS_MAINS_HARMONICS; h++)
        out->harmonic_db[h] = NAN;
    const double nyquist = (bins - 1) * bin_hz;

    double best_db = -INFINITY, f0 = 0;
    for (int c = 0; c < 2; c++) {
        double f = c == 0 ? 50.0 : 60.0;
        if ((nominal_hz != 0 && f != nominal_hz) || f + FLOOR_FAR_HZ > nyquist)
            continue;
        double db = line_at(psd, bins, bin_hz, f, SEARCH_HZ, NULL, NULL);
        if (db >= LINE_MIN_DB && db > best_db) {
            best_db = db;
            f0 = f;
        }
    }
    if (f0 == 0)
        return LTR_OK;

    long peak;
    line_at(psd, bins, bin_hz, f0, SEARCH_HZ, &peak, NULL);
    /* Power-weighted centre of the line (+-2 bins): a Hann window's main lobe
     * is 4 bins wide, so this recovers the frequency to a fraction of a bin. */
    double sw = 0, swf = 0;
    for (long k = peak - 2; k <= peak + 2; k++)
        if (k > 0 && k < (long)bins) {
            sw += psd[k];
            swf += psd[k] * k * bin_hz;
        }
    out->nominal_hz = f0;
    out->frequency_hz = sw > 0 ? swf / sw : f0;

    double total = 0;
    for (unsigned k = 1; k < bins; k++)
        total += psd[k] * bin_hz;
    double excess_sum = 0;
    for (int h = 1; h <= LTR_ANALYSIS_MAINS_HARMONICS; h++) {
        double fh = h * out->frequency_hz;
        if (fh + FLOOR_NEAR_HZ > nyquist)
            break;
        double ex = 0;
        /* Harmonic h drifts h times as far as the fundamental. */
        out->harmonic_db[h - 1] = line_at(psd, bins, bin_hz, fh, SEARCH_HZ * h / 2 + bin_hz, NULL, &ex);
        if (out->harmonic_db[h - 1] >= LINE_MIN_DB / 2)
            excess_sum += ex;
    }
    out->line_fraction = total > 0 ? excess_sum / total : 0;
    if (out->line_fraction > 1)
        out->line_fraction = 1;
    return LTR_OK;
}
