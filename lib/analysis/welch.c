/*
 * Welch power spectral density (Welch 1967), streamed: the samples of the
 * current segment wait in a buffer; each complete segment is detrended
 * (mean), windowed (periodic Hann, as scipy.signal.get_window('hann', n)),
 * transformed and its |X|^2 added to a double accumulator. The scaling is
 * scipy's 'density': 1 / (fs * sum(w^2)), doubled for every bin but DC and
 * Nyquist (one-sided).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fft.h"
#include "ltr/ltr_analysis.h"

struct ltr_welch {
    double rate;
    unsigned nperseg, hop, bins;
    unsigned fill;       /* samples in seg */
    uint64_t segments;
    double scale;        /* 1 / (fs sum w^2) */
    double *seg, *win, *acc, *power;
    ltri_fft *fft;
};

static const double pi = 3.14159265358979323846;

ltr_status ltr_welch_create(ltr_welch **welch, double rate, unsigned nperseg, unsigned noverlap)
{
    if (!welch)
        return LTR_ERR_NULL;
    *welch = NULL;
    if (!(rate > 0) || !isfinite(rate) || nperseg < 8 || noverlap >= nperseg)
        return LTR_ERR_ARGUMENT;
    ltr_welch *w = calloc(1, sizeof *w);
    if (!w)
        return LTR_ERR_MEMORY;
    w->rate = rate;
    w->nperseg = nperseg;
    w->hop = nperseg - noverlap;
    w->bins = nperseg / 2 + 1;
    w->seg = malloc(sizeof(double) * nperseg);
    w->win = malloc(sizeof(double) * nperseg);
    w->acc = calloc(w->bins, sizeof(double));
    w->power = malloc(sizeof(double) * w->bins);
    w->fft = ltri_fft_create(nperseg);
    if (!w->seg || !w->win || !w->acc || !w->power || !w->fft) {
        ltr_welch_destroy(w);
        return LTR_ERR_MEMORY;
    }
    double sum2 = 0.0;
    for (unsigned i = 0; i < nperseg; i++) {
        w->win[i] = 0.5 - 0.5 * cos(2.0 * pi * i / nperseg); /* periodic ("DFT-even") Hann */
        sum2 += w->win[i] * w->win[i];
    }
    w->scale = 1.0 / (rate * sum2);
    *welch = w;
    return LTR_OK;
}

void ltr_welch_destroy(ltr_welch *w)
{
    if (!w)
        return;
    ltri_fft_destroy(w->fft);
    free(w->seg);
    free(w->win);
    free(w->acc);
    free(w->power);
    free(w);
}

unsigned ltr_welch_bins(const ltr_welch *w)
{
    return w->bins;
}

double ltr_welch_bin_hz(const ltr_welch *w)
{
    return w->rate / w->nperseg;
}

uint64_t ltr_welch_segments(const ltr_welch *w)
{
    return w->segments;
}

void ltr_welch_reset(ltr_welch *w)
{
    w->fill = 0;
    w->segments = 0;
    memset(w->acc, 0, sizeof(double) * w->bins);
}

unsigned ltr_welch_default_nperseg(double rate)
{
    unsigned n = 8;
    while (n < (1u << 24) && (double)n * 1.5 < rate)
        n *= 2;
    return n;
}

static void segment_done(ltr_welch *w)
{
    const unsigned n = w->nperseg;
    double mean = 0.0;
    for (unsigned i = 0; i < n; i++)
        mean += w->seg[i];
    mean /= n;
    float *in = ltri_fft_input(w->fft);
    for (unsigned i = 0; i < n; i++)
        in[i] = (float)((w->seg[i] - mean) * w->win[i]);
    ltri_fft_power(w->fft, w->power);
    for (unsigned k = 0; k < w->bins; k++)
        w->acc[k] += w->power[k];
    w->segments++;
    /* Keep the overlap: the next segment starts hop samples later. */
    memmove(w->seg, w->seg + w->hop, sizeof(double) * (n - w->hop));
    w->fill = n - w->hop;
}

void ltr_welch_push(ltr_welch *w, const float *x, size_t n, size_t stride)
{
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        w->seg[w->fill++] = isfinite(v) ? v : 0.0;
        if (w->fill == w->nperseg)
            segment_done(w);
    }
}

ltr_status ltr_welch_psd(const ltr_welch *w, double *psd)
{
    if (!w || !psd)
        return LTR_ERR_NULL;
    if (w->segments == 0)
        return LTR_ERR_ARGUMENT;
    const double s = w->scale / (double)w->segments;
    for (unsigned k = 0; k < w->bins; k++) {
        /* One-sided: the negative frequencies' power folded in, except at DC
         * and, for even nperseg, at Nyquist (their own mirror images). */
        int single = k == 0 || (w->nperseg % 2 == 0 && k == w->bins - 1);
        psd[k] = w->acc[k] * s * (single ? 1.0 : 2.0);
    }
    return LTR_OK;
}
