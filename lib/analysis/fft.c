/*
 * fftwf real-to-complex transforms, planned once (FFTW_ESTIMATE: planning
 * costs microseconds, and the sizes here are powers of two for which
 * FFTW's estimate is close to its measured plans).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "fft.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdlib.h>

struct ltri_fft {
    unsigned n;
    float *in;
    fftwf_complex *out;
    fftwf_plan plan;
};

/* FFTW's planner shares global state: every planner call (plan, destroy_plan,
 * malloc is safe) is serialised here; execution needs no lock. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

ltri_fft *ltri_fft_create(unsigned n)
{
    if (n < 2)
        return NULL;
    ltri_fft *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    f->n = n;
    f->in = fftwf_malloc(sizeof(float) * n);
    f->out = fftwf_malloc(sizeof(fftwf_complex) * (n / 2 + 1));
    if (f->in && f->out) {
        pthread_mutex_lock(&planner_lock);
        f->plan = fftwf_plan_dft_r2c_1d((int)n, f->in, f->out, FFTW_ESTIMATE);
        pthread_mutex_unlock(&planner_lock);
    }
    if (!f->plan) {
        ltri_fft_destroy(f);
        return NULL;
    }
    return f;
}

void ltri_fft_destroy(ltri_fft *f)
{
    if (!f)
        return;
    if (f->plan) {
        pthread_mutex_lock(&planner_lock);
        fftwf_destroy_plan(f->plan);
        pthread_mutex_unlock(&planner_lock);
    }
    fftwf_free(f->in);
    fftwf_free(f->out);
    free(f);
}

float *ltri_fft_input(ltri_fft *f)
{
    return f->in;
}

void ltri_fft_power(ltri_fft *f, double *power)
{
    fftwf_execute(f->plan);
    for (unsigned k = 0; k <= f->n / 2; k++) {
        double re = f->out[k][0], im = f->out[k][1];
        power[k] = re * re + im * im;
    }
}
