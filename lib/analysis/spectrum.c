/*
 * The spectrum of one twitch: a Hann-windowed periodogram of the segment,
 * zero-padded to a fixed power of two, and the features surface-EMG work
 * reads from it: median frequency (splits the power in halves) and mean
 * power frequency (Merletti & Parker 2004; Phinyomark, Phukpattaranont &
 * Limsakul 2012), the share of each band, and how long the central half of
 * the energy lasts.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <math.h>
#include <stdlib.h>

#include "fft.h"
#include "ltr/ltr_analysis.h"

struct ltr_spectrum {
    double rate;
    unsigned max_len, nfft, bins;
    double *power;
    ltri_fft *fft;
};

static const double pi = 3.14159265358979323846;

ltr_status ltr_spectrum_create(ltr_spectrum **spectrum, double rate, unsigned max_len)
{
    if (!spectrum)
        return LTR_ERR_NULL;
    *spectrum = NULL;
    if (!(rate > 0) || !isfinite(rate) || max_len < 8 || max_len > (1u << 24))
        return LTR_ERR_ARGUMENT;
    ltr_spectrum *s = calloc(1, sizeof *s);
    if (!s)
        return LTR_ERR_MEMORY;
    s->rate = rate;
    s->max_len = max_len;
    s->nfft = 8;
    while (s->nfft < max_len)
        s->nfft *= 2;
    s->bins = s->nfft / 2 + 1;
    s->power = malloc(sizeof(double) * s->bins);
    s->fft = ltri_fft_create(s->nfft);
    if (!s->power || !s->fft) {
        ltr_spectrum_destroy(s);
        return LTR_ERR_MEMORY;
    }
    *spectrum = s;
    return LTR_OK;
}

void ltr_spectrum_destroy(ltr_spectrum *s)
{
    if (!s)
        return;
    ltri_fft_destroy(s->fft);
    free(s->power);
    free(s);
}

unsigned ltr_spectrum_max_len(const ltr_spectrum *s)
{
    return s->max_len;
}

/* Time (in samples, interpolated) at which the cumulative energy reaches target. */
static double energy_time(const float *x, size_t n, size_t stride, double mean, double target)
{
    double cum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = isfinite(x[i * stride]) ? x[i * stride] - mean : 0.0, e = v * v;
        if (cum + e >= target)
            return (double)i + (e > 0 ? (target - cum) / e : 0.0);
        cum += e;
    }
    return (double)n;
}

ltr_status ltr_spectrum_compute(ltr_spectrum *s, const float *x, size_t n, size_t stride,
                                const ltr_spectrum_bands *b, ltr_spectrum_result *out)
{
    if (!s || !x || !b || !out)
        return LTR_ERR_NULL;
    const double nyquist = s->rate / 2, df = s->rate / s->nfft;
    if (n < 8 || n > s->max_len || stride == 0 || !(b->lo_hz >= 0) || !(b->hi_hz > b->lo_hz) ||
        b->hi_hz > nyquist + 1e-9 || b->n_bands > LTR_SPECTRUM_MAX_BANDS)
        return LTR_ERR_ARGUMENT;
    for (unsigned j = 0; j < b->n_bands; j++)
        if (!(b->band_hz[j][1] > b->band_hz[j][0]) || b->band_hz[j][0] < 0)
            return LTR_ERR_ARGUMENT;

    double mean = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        mean += isfinite(v) ? v : 0.0;
    }
    mean /= (double)n;
    float *in = ltri_fft_input(s->fft);
    double sum2 = 0.0, energy = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = isfinite(x[i * stride]) ? x[i * stride] - mean : 0.0;
        double w = 0.5 - 0.5 * cos(2.0 * pi * (double)i / (double)(n - 1)); /* symmetric Hann */
        in[i] = (float)(v * w);
        sum2 += w * w;
        energy += v * v;
    }
    for (size_t i = n; i < s->nfft; i++)
        in[i] = 0.0f;
    ltri_fft_power(s->fft, s->power);
    /* Density scaling (one-sided): sum(P) * df is the window-weighted mean square. */
    const double scale = 2.0 / (s->rate * sum2);

    double total = 0.0, moment = 0.0;
    for (unsigned k = 0; k < s->bins; k++) {
        double f = k * df;
        if (f < b->lo_hz || f >= b->hi_hz)
            continue;
        double p = s->power[k] * scale * df;
        total += p;
        moment += p * f;
    }
    out->power = total;
    out->mean_hz = total > 0 ? moment / total : NAN;
    out->median_hz = NAN;
    if (total > 0) {
        double cum = 0.0, half = total / 2;
        for (unsigned k = 0; k < s->bins; k++) {
            double f = k * df;
            if (f < b->lo_hz || f >= b->hi_hz)
                continue;
            double p = s->power[k] * scale * df;
            if (cum + p >= half) {
                /* Bin k covers [f - df/2, f + df/2): interpolate within it. */
                out->median_hz = f - df / 2 + (p > 0 ? (half - cum) / p : 0.5) * df;
                break;
            }
            cum += p;
        }
    }
    for (unsigned j = 0; j < b->n_bands; j++) {
        double bp = 0.0;
        for (unsigned k = 0; k < s->bins; k++) {
            double f = k * df;
            if (f >= b->band_hz[j][0] && f < b->band_hz[j][1] && f >= b->lo_hz && f < b->hi_hz)
                bp += s->power[k] * scale * df;
        }
        out->band_fraction[j] = total > 0 ? bp / total : NAN;
    }
    out->rms = sqrt(energy / (double)n);
    if (energy > 0) {
        double t25 = energy_time(x, n, stride, mean, 0.25 * energy);
        double t75 = energy_time(x, n, stride, mean, 0.75 * energy);
        out->half_energy_ms = (t75 - t25) / s->rate * 1000.0;
    } else {
        out->half_energy_ms = 0.0;
    }
    return LTR_OK;
}
