/*
 * Second-order IIR sections for the simulator's band-limited noise and
 * resonances (bilinear transform, RBJ audio-EQ cookbook forms). Kept apart
 * from lib/core/filter.c on purpose: the simulator must not share the
 * detector's code, or a bug in one could hide itself in the other.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim_internal.h"

#include <math.h>

static void set(ltrs_biquad *bq, double b0, double b1, double b2, double a0, double a1,
                double a2)
{
    bq->b0 = b0 / a0;
    bq->b1 = b1 / a0;
    bq->b2 = b2 / a0;
    bq->a1 = a1 / a0;
    bq->a2 = a2 / a0;
    bq->z1 = 0.0;
    bq->z2 = 0.0;
}

void ltrs_biquad_lowpass(ltrs_biquad *bq, double fs, double fc, double q)
{
    const double w0 = LTRS_TWO_PI * fc / fs;
    const double alpha = sin(w0) / (2.0 * q);
    const double c = cos(w0);
    set(bq, (1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

void ltrs_biquad_highpass(ltrs_biquad *bq, double fs, double fc, double q)
{
    const double w0 = LTRS_TWO_PI * fc / fs;
    const double alpha = sin(w0) / (2.0 * q);
    const double c = cos(w0);
    set(bq, (1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

double ltrs_biquad_run(ltrs_biquad *bq, double x)
{
    /* Transposed direct form II. */
    const double y = bq->b0 * x + bq->z1;
    bq->z1 = bq->b1 * x - bq->a1 * y + bq->z2;
    bq->z2 = bq->b2 * x - bq->a2 * y;
    return y;
}
