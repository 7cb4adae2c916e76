/*
 * The classic EMG onset detectors libltr is compared with, each implemented
 * from its paper (the paper and its parameters are in each file's header):
 *
 *   hodges_bui.c  Hodges & Bui (1996): moving average of the rectified, 50 Hz
 *                 low-passed EMG over a rest mean + h SD
 *   bonato.c      Bonato, D'Alessio & Knaflitz (1998): double threshold
 *   solnik.c      Solnik et al. (2010): Teager-Kaiser energy + threshold
 *   lidierth.c    Lidierth (1986): threshold with minimum active time and
 *                 tolerated dips
 *   cusum.c       Page (1954) CUSUM of the log-likelihood ratio of a variance
 *                 change, onset at the maximum-likelihood change time
 *                 (the AGLR family, Staude & Wolf 1999; Staude et al. 2001)
 *
 * They all need statistics of a rest (baseline) stretch, as their papers do:
 * the caller names it (bl_input.rest). In the benchmark it is picked from the
 * whole record (harness.c: bl_median_rest_window), so every baseline is OFFLINE in that
 * sense; their decisions themselves are causal, which makes their latency
 * (decided - true onset) measurable. They get the same front end as libltr's
 * defaults (its EMG band and mains notch) unless their paper prescribes
 * another, and the same event assembly (bl_finish) with libltr's default
 * gap, minimum and maximum durations unless their paper has its own.
 *
 * Benchmark code: allocates freely, not real-time.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_BENCH_BASELINES_H
#define LTR_BENCH_BASELINES_H

#include <stddef.h>
#include <stdint.h>

#include "ltr/ltr.h"

/** A stretch of frames [start, end). */
typedef struct bl_interval {
    size_t start, end;
} bl_interval;

/** One channel to scan. */
typedef struct bl_input {
    const float *x;       /**< samples (non-finite values are read as 0) */
    size_t n;
    double fs;            /**< Hz */
    int is_acc;           /**< x is an accelerometer magnitude, already band-passed: no EMG front end */
    double band_lo_hz;    /**< EMG front-end band-pass edges, Hz */
    double band_hi_hz;
    double mains_hz;      /**< 0: no notch */
    unsigned mains_harmonics;
    const bl_interval *rest; /**< rest reference stretches (at least one) */
    size_t n_rest;
} bl_input;

/** A detected burst, frames. decided: when the method would have known. */
typedef struct bl_event {
    uint64_t onset, offset, decided;
} bl_event;

typedef struct bl_events {
    bl_event *ev;
    size_t n, cap;
} bl_events;

void bl_events_push(bl_events *e, uint64_t onset, uint64_t offset, uint64_t decided);
void bl_events_free(bl_events *e);

typedef struct bl_method {
    const char *name;     /**< short name for tables */
    const char *source;   /**< citation */
    const char *params;   /**< the parameters used, one line */
    int offline;          /**< 1: needs the whole record (e.g. its rest statistics) */
    void (*run)(const bl_input *in, bl_events *out);
} bl_method;

extern const bl_method bl_hodges_bui;
extern const bl_method bl_bonato;
extern const bl_method bl_solnik;
extern const bl_method bl_lidierth;
extern const bl_method bl_cusum;

/* --- shared pieces (common.c) ---------------------------------------------- */

/** A biquad section, transposed direct form II, double precision. */
typedef struct bl_biquad {
    double b0, b1, b2, a1, a2;
    double z1, z2;
} bl_biquad;

/** Butterworth sections after the RBJ audio-EQ cookbook (bilinear transform). */
void bl_biquad_lowpass(bl_biquad *q, double fs, double fc, double Q);
void bl_biquad_highpass(bl_biquad *q, double fs, double fc, double Q);
/** Notch of -3 dB width bw_hz. */
void bl_biquad_notch(bl_biquad *q, double fs, double f0, double bw_hz);
double bl_biquad_step(bl_biquad *q, double x);

/** Q of the two sections of a 4th-order Butterworth filter, and of a 2nd-order one. */
#define BL_Q4_A 0.54119610014619698
#define BL_Q4_B 1.30656296487637653
#define BL_Q2 0.70710678118654752

/**
 * The EMG front end, causal: 4th-order Butterworth high-pass at lo_hz and
 * low-pass at hi_hz, notches (4 Hz wide) at mains_hz and its harmonics below
 * hi_hz (at most mains_harmonics). Accelerometer input (in->is_acc) is copied.
 * Non-finite input samples are taken as 0. out has in->n samples.
 */
void bl_frontend(const bl_input *in, double lo_hz, double hi_hz, float *out);

/** Mean and (population) standard deviation of v over the rest stretches. */
void bl_rest_stats(const float *v, const bl_input *in, double *mean, double *sd);

/** Causal moving average of w samples (the first w-1 outputs average fewer). */
void bl_moving_average(const float *in, size_t n, size_t w, float *out);

/** Runs of v >= thr: pushes [start - shift, end - shift) with decided = the run's
 *  first sample, onset clamped at 0. */
void bl_runs(const float *v, size_t n, double thr, size_t shift, bl_events *raw);

/** Event assembly: bursts separated by less than gap_ms are merged (first onset,
 *  first decision), then bursts shorter than min_ms or longer than max_ms are
 *  dropped; decided becomes max(decided, onset + min_ms). */
void bl_finish(const bl_events *raw, double fs, double gap_ms, double min_ms, double max_ms,
               bl_events *out);

/** libltr's defaults for the assembly (gap_ms, min_duration_ms, max_duration_ms). */
#define BL_GAP_MS 20.0
#define BL_MIN_MS 10.0
#define BL_MAX_MS 1000.0

/* --- how the benchmarks feed them a recording (harness.c) ------------------ */

/** Every method, in the order of the tables. */
#define BL_N_METHODS 5
extern const bl_method *const bl_methods[BL_N_METHODS];

/** Their one channel of an interleaved recording (nc channels): the first EMG
 *  channel, or without EMG the magnitude of the accelerometer axes band-passed
 *  5-100 Hz (libltr's accelerometer band). malloc'ed; *is_acc says which. */
float *bl_channel(const float *x, size_t n_frames, unsigned nc, const ltr_sensor *sensors,
                  double fs, int *is_acc);

/** `in` for channel y: libltr's default front end for these sensors
 *  (ltr_config_default's EMG band and mains harmonics) at mains_hz (0: no
 *  notch); no rest stretch yet. */
void bl_input_init(bl_input *in, const float *y, size_t n, double fs, int is_acc, unsigned nc,
                   const ltr_sensor *sensors, double mains_hz);

/** The rest reference taken from the whole record (offline): the 500 ms window,
 *  from 1 s on, whose front-end power is the median of all such windows. */
bl_interval bl_median_rest_window(const bl_input *in);

#endif /* LTR_BENCH_BASELINES_H */
