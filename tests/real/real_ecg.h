/*
 * R peaks of the ECG that contaminates an EMG channel (test helper): enough to
 * tell whether a detection fell on a QRS complex, not a clinical QRS detector.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_TESTS_REAL_ECG_H
#define LTR_TESTS_REAL_ECG_H

#include <stddef.h>
#include <stdint.h>

/* The steepest QRS slopes of x (n samples at fs_hz), at most one per 1/3 s
 * (180 bpm): x is smoothed over 16 ms (the QRS's 10-25 Hz stay, the EMG's
 * 50-450 Hz go), its slope taken over 16 ms, and every slope peak above half
 * the median of the 1.5-s maxima (1.5 s holds a beat down to 40 bpm) is a
 * beat. Writes at most max_peaks frames to peaks; returns how many were
 * found, or 0 if none / out of memory. */
size_t real_ecg_rpeaks(const float *x, size_t n, double fs_hz, uint64_t *peaks, size_t max_peaks);

/* Regularity of a beat series: the coefficient of variation of its RR
 * intervals (std / mean), and the median heart rate in bpm. */
double real_ecg_rr_cv(const uint64_t *peaks, size_t n, double fs_hz, double *median_bpm);

#endif /* LTR_TESTS_REAL_ECG_H */
