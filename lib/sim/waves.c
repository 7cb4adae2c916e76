/*
 * Motor-unit action potential shapes.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * MUAPs are modelled with Hermite-Rodriguez functions (Lo Conte, Merletti &
 * Sandri 1994): the first order is biphasic, the second triphasic, which are the
 * normal MUAP configurations; 10-15 % of normal MUAPs are polyphasic (five or
 * more phases; Daube & Rubin 2009), modelled here as a sum of three shifted
 * first-order functions. The support [0, duration) holds the whole potential:
 * at its edges the Gaussian factor is below 2e-3 of the peak, and the value is
 * forced to 0 outside it so that ground-truth onsets and offsets are exact.
 */
#include "sim_internal.h"

#include <math.h>

/* Support half-width in units of the HR scale lambda. */
#define HALF_WIDTH 2.5

void ltrs_muap_draw(ltrs_muap *m, ltrs_rng *rng, double duration_s, double polyphasic_p)
{
    m->duration_s = duration_s;
    m->sign = ltrs_uniform(rng) < 0.5 ? -1.0 : 1.0;
    const double u = ltrs_uniform(rng);
    if (u < polyphasic_p)
        m->order = 3;
    else
        m->order = ltrs_uniform(rng) < 0.5 ? 1 : 2;
    for (int i = 0; i < 3; i++) {
        m->poly_offset[i] = (double)(i - 1) * 0.9 + 0.2 * (ltrs_uniform(rng) - 0.5);
        m->poly_weight[i] = (i == 1 ? 1.0 : 0.4 + 0.5 * ltrs_uniform(rng)) *
                            (ltrs_uniform(rng) < 0.3 ? -1.0 : 1.0);
    }
}

static double hr1(double x)
{
    /* 0.4289 = max of x exp(-x^2), at x = 1/sqrt(2). */
    return x * exp(-x * x) / 0.42888194248035339;
}

static double hr2(double x)
{
    return (1.0 - 2.0 * x * x) * exp(-x * x);
}

double ltrs_muap_value(const ltrs_muap *m, double t)
{
    if (t < 0.0 || t >= m->duration_s)
        return 0.0;
    const double lambda = m->duration_s / (2.0 * HALF_WIDTH);
    const double x = (t - 0.5 * m->duration_s) / lambda;
    double v;
    switch (m->order) {
    case 1:
        v = hr1(x);
        break;
    case 2:
        v = hr2(x);
        break;
    default: {
        /* polyphasic: three narrower biphasic waves across the support */
        v = 0.0;
        for (int i = 0; i < 3; i++)
            v += m->poly_weight[i] * hr1(2.2 * (x - m->poly_offset[i]));
        v *= 0.8;
        break;
    }
    }
    return m->sign * v;
}

void ltrs_muap_add(float *buf, size_t n, double fs, const ltrs_muap *m, double t0_s,
                   double amplitude)
{
    double first = ceil(t0_s * fs);
    if (first < 0.0)
        first = 0.0;
    for (double k = first; k < (double)n; k += 1.0) {
        const double t = k / fs - t0_s;
        if (t >= m->duration_s)
            break;
        buf[(size_t)k] += (float)(amplitude * ltrs_muap_value(m, t));
    }
}
