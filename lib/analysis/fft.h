/*
 * The one place libltr-analysis meets FFTW: a real-to-complex transform of a
 * fixed size, planned once. Like speexdsp's FFT wrapper, it keeps the backend
 * behind a small interface.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef LTR_ANALYSIS_FFT_H
#define LTR_ANALYSIS_FFT_H

#include <stddef.h>

typedef struct ltri_fft ltri_fft;

/* A transform of n real samples to n/2 + 1 complex bins. NULL on failure.
 * Serialises FFTW's planner (FFTW manual 5.4: only fftw_execute is thread safe). */
ltri_fft *ltri_fft_create(unsigned n);
void ltri_fft_destroy(ltri_fft *fft);
/* The input buffer (n floats, SIMD-aligned) to fill before ltri_fft_power. */
float *ltri_fft_input(ltri_fft *fft);
/* Transform the input and write |X_k|^2 for k = 0..n/2 into power. No allocation. */
void ltri_fft_power(ltri_fft *fft, double *power);

#endif
