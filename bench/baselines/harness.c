/*
 * How the benchmarks feed a recording to the baselines (baselines.h): the
 * list of methods, their one channel, libltr's front-end settings and the
 * rest reference picked from the whole record. Shared by bench_accuracy
 * (simulated and MEP recordings) and bench_baselines (any file), so that
 * both tables run the baselines the same way.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const bl_method *const bl_methods[BL_N_METHODS] = {&bl_hodges_bui, &bl_bonato, &bl_solnik,
                                                   &bl_lidierth, &bl_cusum};

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    return p;
}

float *bl_channel(const float *x, size_t n_frames, unsigned nc, const ltr_sensor *sensors,
                  double fs, int *is_acc)
{
    float *y = xmalloc(n_frames * sizeof *y);
    for (unsigned c = 0; c < nc; c++)
        if (sensors[c] == LTR_SENSOR_EMG) {
            for (size_t i = 0; i < n_frames; i++)
                y[i] = x[i * nc + c];
            *is_acc = 0;
            return y;
        }
    /* libltr's accelerometer band, 5-100 Hz, 4th-order Butterworth each side */
    bl_biquad f[LTR_MAX_CHANNELS][4];
    for (unsigned c = 0; c < nc; c++) {
        bl_biquad_highpass(&f[c][0], fs, 5.0, BL_Q4_A);
        bl_biquad_highpass(&f[c][1], fs, 5.0, BL_Q4_B);
        bl_biquad_lowpass(&f[c][2], fs, 100.0, BL_Q4_A);
        bl_biquad_lowpass(&f[c][3], fs, 100.0, BL_Q4_B);
    }
    for (size_t i = 0; i < n_frames; i++) {
        double s = 0.0;
        for (unsigned c = 0; c < nc; c++) {
            double v = x[i * nc + c];
            v = isfinite(v) ? v : 0.0;
            for (int k = 0; k < 4; k++)
                v = bl_biquad_step(&f[c][k], v);
            s += v * v;
        }
        y[i] = (float)sqrt(s);
    }
    *is_acc = 1;
    return y;
}

void bl_input_init(bl_input *in, const float *y, size_t n, double fs, int is_acc, unsigned nc,
                   const ltr_sensor *sensors, double mains_hz)
{
    ltr_config cfg;
    if (ltr_config_default(&cfg, fs, nc, sensors) != LTR_OK) {
        fprintf(stderr, "ltr_config_default refuses %u channels at %g Hz\n", nc, fs);
        exit(1);
    }
    memset(in, 0, sizeof *in);
    in->x = y;
    in->n = n;
    in->fs = fs;
    in->is_acc = is_acc;
    in->band_lo_hz = cfg.emg_highpass_hz;
    in->band_hi_hz = cfg.emg_lowpass_hz;
    in->mains_hz = mains_hz;
    in->mains_harmonics = cfg.mains_harmonics;
}

static int cmp_double(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

bl_interval bl_median_rest_window(const bl_input *in)
{
    const size_t w = (size_t)(0.5 * in->fs), first = (size_t)in->fs;
    const size_t nw = in->n > first ? (in->n - first) / w : 0;
    bl_interval best = {0, in->n < w ? in->n : w};
    if (nw == 0)
        return best;
    float *v = xmalloc(in->n * sizeof *v);
    bl_frontend(in, in->band_lo_hz, in->band_hi_hz, v);
    double *pw = xmalloc(nw * sizeof *pw), *sorted = xmalloc(nw * sizeof *sorted);
    for (size_t k = 0; k < nw; k++) {
        double s = 0.0;
        for (size_t i = first + k * w; i < first + (k + 1) * w; i++)
            s += (double)v[i] * v[i];
        pw[k] = sorted[k] = s;
    }
    qsort(sorted, nw, sizeof *sorted, cmp_double);
    const double med = sorted[nw / 2];
    for (size_t k = 0; k < nw; k++)
        if (pw[k] == med) {
            best.start = first + k * w;
            best.end = best.start + w;
            break;
        }
    free(pw);
    free(sorted);
    free(v);
    return best;
}
