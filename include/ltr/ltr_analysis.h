/*
 * libltr-analysis: offline analysis of recordings and their twitches.
 *
 * Copyright (c) 2026 The libltr authors. SPDX-License-Identifier: GPL-2.0-or-later
 *
 * LICENSE: this library links FFTW (GPL-2.0-or-later), so it and every program
 * linking it (the `ltr` tool when built with -Danalysis=enabled) are
 * distributed under the GPL-2.0-or-later. The real-time core (libltr) and
 * libltr-io, libltr-sim and libltr-eval never link FFTW or BLAS and stay
 * BSD-3-Clause (tests/check_needed.sh holds them to it).
 *
 * What is here
 * ------------
 * Spectra (FFTW, single precision, plans made once at create and reused):
 *   ltr_welch        Welch power spectral density, streamed segment by segment
 *   ltr_psd_mains    mains frequency, harmonic levels and line power from a PSD
 *   ltr_spectrum     one twitch's spectrum: median and mean power frequency,
 *                    band powers, duration of the central half of its energy
 *   ltr_quality      a signal-quality index per channel and per window (minute)
 *                    with plain-language warnings
 * Multichannel (OpenBLAS through CBLAS, LAPACK through LAPACKE):
 *   ltr_covariance   channel covariance, streamed; common-mode fraction
 *   ltr_pca          eigen-decomposition of a covariance: PCA and whitening
 *   ltr_spatial      which channels saw a twitch, their relative amplitudes, spread
 *   ltr_features_standardize, ltr_kmeans   grouping twitches by shape
 *   ltr_habituation_fit                   exponential decline of a series (least squares)
 *
 * Conventions
 * -----------
 * - Functions return an ltr_status (ltr/ltr.h): LTR_OK, LTR_ERR_NULL,
 *   LTR_ERR_ARGUMENT, LTR_ERR_MEMORY; ltr_status_string() explains it.
 * - Nothing here prints or exits. Frames are interleaved floats, as the core takes them.
 * - None of this is real-time code: objects allocate at create. After create,
 *   the push/compute calls named below allocate nothing (Welch, spectrum,
 *   quality, covariance); ltr_pca, ltr_kmeans and ltr_habituation_fit allocate
 *   their workspace per call.
 * - Thread safety: one object per thread. The create and destroy functions of
 *   FFTW-backed objects serialise FFTW's planner (not thread safe, FFTW manual
 *   5.4) behind one internal lock, so distinct objects may be made on distinct
 *   threads. BLAS threads: set OPENBLAS_NUM_THREADS=1 to keep one core.
 */
#ifndef LTR_LTR_ANALYSIS_H
#define LTR_LTR_ANALYSIS_H

#include <stddef.h>
#include <stdint.h>

#include "ltr/ltr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Welch power spectral density
 * ------------------------------------------------------------------------- */

/**
 * A Welch estimator (Welch 1967): segments of nperseg samples starting every
 * nperseg - noverlap samples, each detrended by its mean, multiplied by a
 * periodic Hann window, transformed (fftwf r2c); the one-sided periodograms
 * are averaged. Density scaling: units^2/Hz, sum(psd) * bin_hz = the power.
 * Identical to scipy.signal.welch(x, fs, 'hann', nperseg, noverlap,
 * detrend='constant', scaling='density') (a trailing partial segment is
 * dropped, as scipy does); tests/analysis holds it to that.
 */
typedef struct ltr_welch ltr_welch;

/** nperseg >= 8; noverlap < nperseg (nperseg/2 is the usual choice). [init] */
LTR_API ltr_status ltr_welch_create(ltr_welch **welch, double sample_rate_hz, unsigned nperseg,
                                    unsigned noverlap);
/** NULL is ignored. */
LTR_API void ltr_welch_destroy(ltr_welch *welch);
/** Bins of the one-sided PSD: nperseg / 2 + 1; bin k is at k * ltr_welch_bin_hz(). */
LTR_API unsigned ltr_welch_bins(const ltr_welch *welch);
LTR_API double ltr_welch_bin_hz(const ltr_welch *welch);
/** Feed n samples taken every `stride` floats from x (stride = channels for
 *  one channel of interleaved frames). Non-finite samples are replaced by 0
 *  (count them elsewhere). No allocation. */
LTR_API void ltr_welch_push(ltr_welch *welch, const float *x, size_t n, size_t stride);
/** Complete segments averaged so far. */
LTR_API uint64_t ltr_welch_segments(const ltr_welch *welch);
/** The averaged PSD into psd[ltr_welch_bins()]. LTR_ERR_ARGUMENT if no segment is complete. */
LTR_API ltr_status ltr_welch_psd(const ltr_welch *welch, double *psd);
/** Forget every segment and the partial one (the plan is kept). */
LTR_API void ltr_welch_reset(ltr_welch *welch);

/** nperseg for a sample rate: the power of two nearest to one second (about
 *  1 Hz resolution, enough to tell 50 from 60 Hz and follow the mains' drift). */
LTR_API unsigned ltr_welch_default_nperseg(double sample_rate_hz);

/* ---------------------------------------------------------------------------
 * Mains from a PSD
 * ------------------------------------------------------------------------- */

#define LTR_ANALYSIS_MAINS_HARMONICS 5

typedef struct ltr_mains_estimate {
    double nominal_hz;   /**< 50, 60, or 0: no line stands 10 dB over its neighbours */
    double frequency_hz; /**< power-weighted centre of the fundamental's line, Hz (0 if none) */
    /** Each harmonic k = 1..5 over the spectrum beside it, dB (NAN above Nyquist or if none). */
    double harmonic_db[LTR_ANALYSIS_MAINS_HARMONICS];
    double line_fraction; /**< power in the lines (+-1 Hz around each harmonic) / total power */
} ltr_mains_estimate;

/**
 * Look for a 50 or 60 Hz line in a one-sided density PSD (bins at k * bin_hz).
 * nominal_hz = 50 or 60 looks only there; 0 chooses the stronger line. The
 * 10 dB criterion is the one `ltr info` uses (a line against the median of
 * the spectrum 3-10 Hz beside it). Needs bin_hz <= 2 Hz.
 */
LTR_API ltr_status ltr_psd_mains(const double *psd, unsigned bins, double bin_hz,
                                 double nominal_hz, ltr_mains_estimate *out);

/* ---------------------------------------------------------------------------
 * Spectrum of one twitch
 * ------------------------------------------------------------------------- */

#define LTR_SPECTRUM_MAX_BANDS 8

typedef struct ltr_spectrum_bands {
    double lo_hz, hi_hz;                   /**< range of median/mean frequency and of the total */
    unsigned n_bands;                      /**< 0..LTR_SPECTRUM_MAX_BANDS */
    double band_hz[LTR_SPECTRUM_MAX_BANDS][2]; /**< [lo, hi) of each band, Hz */
} ltr_spectrum_bands;

typedef struct ltr_spectrum_result {
    double median_hz;     /**< frequency that splits the power in [lo, hi) in halves (interpolated) */
    double mean_hz;       /**< mean power frequency: sum(f P) / sum(P) over [lo, hi) */
    double power;         /**< power in [lo, hi), units^2 */
    double band_fraction[LTR_SPECTRUM_MAX_BANDS]; /**< power of each band / power */
    double rms;           /**< RMS of the segment, mean removed, units */
    double half_energy_ms; /**< time from 25 % to 75 % of the segment's cumulative energy */
} ltr_spectrum_result;

/**
 * Spectra of segments up to max_len samples: Hann window over the segment,
 * zero-padded to a power of two >= max_len (fftwf plan made here, reused).
 * Median and mean power frequency as in surface-EMG fatigue work
 * (Merletti & Parker 2004, ch. 9; Phinyomark et al. 2012).
 */
typedef struct ltr_spectrum ltr_spectrum;

LTR_API ltr_status ltr_spectrum_create(ltr_spectrum **spectrum, double sample_rate_hz,
                                       unsigned max_len);
LTR_API void ltr_spectrum_destroy(ltr_spectrum *spectrum);
/** The longest segment ltr_spectrum_compute takes. */
LTR_API unsigned ltr_spectrum_max_len(const ltr_spectrum *spectrum);
/** Analyse n (8..max_len) samples x[0], x[stride], ... No allocation.
 *  LTR_ERR_ARGUMENT if n is out of range, a band is empty or above Nyquist. */
LTR_API ltr_status ltr_spectrum_compute(ltr_spectrum *spectrum, const float *x, size_t n,
                                        size_t stride, const ltr_spectrum_bands *bands,
                                        ltr_spectrum_result *out);

/* ---------------------------------------------------------------------------
 * Signal quality per channel and per window
 * ------------------------------------------------------------------------- */

/** Warnings of a quality row (bits). ltr_quality_warning_text() says each in plain words. */
typedef enum ltr_quality_warning {
    LTR_QUALITY_MAINS = 1u << 0,     /**< mains lines carry > 30 % of the power */
    LTR_QUALITY_LOW_FREQ = 1u << 1,  /**< EMG: > 50 % of the power below 20 Hz (motion, drift) */
    LTR_QUALITY_CLIPPED = 1u << 2,   /**< > 0.1 % of the samples at the input's limits */
    LTR_QUALITY_FLAT = 1u << 3,      /**< > 1 % of the time flat (identical samples >= 50 ms) */
    LTR_QUALITY_NONFINITE = 1u << 4, /**< NaN or Inf samples */
    LTR_QUALITY_LOW_SNR = 1u << 5,   /**< twitches stand < 6 dB over the background */
    LTR_QUALITY_SILENT = 1u << 6     /**< RMS is exactly 0: nothing is connected */
} ltr_quality_warning;
#define LTR_QUALITY_N_WARNINGS 7

/** One channel over one window (or, from ltr_quality_summary, the whole recording). */
typedef struct ltr_quality_row {
    uint64_t first_frame, n_frames;
    double rms;                /**< input units, mean removed */
    double floor_rms;          /**< 10th percentile of the 100 ms RMS of the window, input units */
    double mains_hz;           /**< the fundamental's measured frequency, 0 if no line */
    double mains_drift_hz;     /**< summary only: max - min of the windows' mains frequencies */
    double line_fraction;      /**< power in the mains lines / total */
    double low_fraction;       /**< power below 20 Hz / total (EMG channels; 0 otherwise) */
    double clipped_fraction;   /**< samples at the channel's limits */
    double flat_fraction;      /**< samples in runs of identical values >= 50 ms */
    double nonfinite_fraction; /**< NaN/Inf samples */
    unsigned twitches;         /**< twitches given by ltr_quality_add_twitch in the window */
    double twitch_snr_db;      /**< mean twitch RMS over floor_rms, dB; NAN without twitches */
    double index;              /**< 0 (unusable) .. 1 (clean): the product of the scores below */
    uint32_t warnings;         /**< LTR_QUALITY_* bits */
} ltr_quality_row;

/** Per-channel settings of a quality estimator. */
typedef struct ltr_quality_channel {
    int is_emg;                 /**< 1: EMG (the low-frequency ratio applies), 0: other */
    int has_range;              /**< 1: range_min/range_max are the input's limits (clipping) */
    double range_min, range_max;
} ltr_quality_channel;

typedef struct ltr_quality ltr_quality;

/**
 * sample_rate_hz >= 20 (50 ms flat runs must be a sample or more). window_s >= 1:
 * length of a row (60 s: "per minute"). mains_hz: 50, 60, or 0 to
 * find it. channels[n_channels] (1..LTR_MAX_CHANNELS) may be NULL: every
 * channel EMG without a known range (clipping then counts runs >= 3 at the
 * extremes, as `ltr info` does). Allocates per channel a Welch estimator
 * (nperseg = ltr_welch_default_nperseg, half overlap), the recording's summed
 * spectrum and the window's 100 ms RMS values: memory set by the window, not
 * by the recording's length.
 */
LTR_API ltr_status ltr_quality_create(ltr_quality **q, double sample_rate_hz, unsigned n_channels,
                                      const ltr_quality_channel *channels, double window_s,
                                      double mains_hz);
LTR_API void ltr_quality_destroy(ltr_quality *q);
/**
 * Feed interleaved frames, up to the end of the current window: returns how
 * many frames were taken (< n when the window filled up). When
 * ltr_quality_window_ready() says so, read its rows, then ltr_quality_next().
 * No allocation.
 */
LTR_API size_t ltr_quality_push(ltr_quality *q, const float *frames, size_t n);
/** 1 if the current window is complete (or, after ltr_quality_finish, a last partial one). */
LTR_API int ltr_quality_window_ready(const ltr_quality *q);
/** Row of channel ch for the current window. */
LTR_API ltr_status ltr_quality_window(const ltr_quality *q, unsigned ch, ltr_quality_row *row);
/** Close the current window (its data go into the summary) and start the next. */
LTR_API void ltr_quality_next(ltr_quality *q);
/** End of the recording: a partial window of at least one Welch segment
 *  becomes ready (returns 1), a shorter one goes into the summary only (0). */
LTR_API int ltr_quality_finish(ltr_quality *q);
/** A twitch on channel ch of the current window, with its RMS (input units,
 *  in the band the twitch is analysed in: ltr_spectrum_result.power's root).
 *  While a window is ready (not yet ltr_quality_next), it counts in that
 *  window: a detector reports a twitch after its last frame was pushed. */
LTR_API void ltr_quality_add_twitch(ltr_quality *q, unsigned ch, double rms);
/** The whole recording so far (closed windows) for channel ch, mains drift included. */
LTR_API ltr_status ltr_quality_summary(const ltr_quality *q, unsigned ch, ltr_quality_row *row);
/** A static plain-language sentence for one warning bit, e.g. "mains hum ...". */
LTR_API const char *ltr_quality_warning_text(ltr_quality_warning warning);
/** Short name of a warning bit ("mains", "low_freq", ...), for tables. */
LTR_API const char *ltr_quality_warning_name(ltr_quality_warning warning);

/* ---------------------------------------------------------------------------
 * Multichannel: covariance, common mode, PCA, spatial features
 * ------------------------------------------------------------------------- */

/** Channel covariance of a stream of frames (double accumulation through cblas_dsyrk). */
typedef struct ltr_covariance ltr_covariance;

LTR_API ltr_status ltr_covariance_create(ltr_covariance **cov, unsigned n_channels);
LTR_API void ltr_covariance_destroy(ltr_covariance *cov);
/** Add frames (finite samples; a frame with a NaN/Inf is skipped). No allocation. */
LTR_API void ltr_covariance_push(ltr_covariance *cov, const float *frames, size_t n);
/** Frames taken. */
LTR_API uint64_t ltr_covariance_frames(const ltr_covariance *cov);
/** The sample covariance (n-1 normalised) into out[c*c], row-major, and the
 *  channel means into mean[c] (may be NULL). LTR_ERR_ARGUMENT below 2 frames.
 *  Folds the frames still waiting in the block in (pushing may go on after). */
LTR_API ltr_status ltr_covariance_get(ltr_covariance *cov, double *out, double *mean);

/** Common-mode fraction of a c x c covariance: the power of the channels'
 *  average over their average power, 1^T S 1 / (c trace S): 1 when every
 *  channel carries the same signal, 1/c for independent channels of equal
 *  power. NAN if the trace is 0. */
LTR_API double ltr_common_mode_fraction(const double *cov, unsigned c);

/** Subtract each frame's channel average from its channels (common average reference). */
LTR_API void ltr_common_mode_remove(float *frames, size_t n, unsigned c);

/**
 * PCA of a c x c covariance (LAPACKE_dsyevd): eigenvalues in decreasing order
 * into values[c]; the matching unit eigenvectors as the columns of
 * vectors[c*c] (row-major: vectors[i*c + k] is channel i of component k), sign
 * fixed so that each column's largest entry is positive; whitening[c*c]
 * (may be NULL) = diag(1/sqrt(values + eps)) V^T with eps = 1e-12 * values[0],
 * so that W S W^T = I for the non-degenerate components.
 */
LTR_API ltr_status ltr_pca(const double *cov, unsigned c, double *values, double *vectors,
                           double *whitening);

/** Where a twitch was, across channels. */
typedef struct ltr_spatial_result {
    unsigned peak_channel;            /**< channel of largest RMS */
    double rms[LTR_MAX_CHANNELS];     /**< RMS of each channel over the twitch, mean removed */
    double relative[LTR_MAX_CHANNELS]; /**< rms / rms of the peak channel */
    unsigned above_half;              /**< channels with relative >= 0.5 */
    double spread;                    /**< participation ratio (sum r)^2 / sum r^2: 1 = one channel, c = all equal */
} ltr_spatial_result;

/** Spatial features of n interleaved frames of c channels (cblas_snrm2 per channel).
 *  mask: bit i set = channel i takes part (0: all). */
LTR_API ltr_status ltr_spatial(const float *frames, size_t n, unsigned c, uint32_t mask,
                               ltr_spatial_result *out);

/* ---------------------------------------------------------------------------
 * Grouping twitches: feature matrix, k-means
 * ------------------------------------------------------------------------- */

/** z-score each column of the n x d row-major matrix x in place (a constant
 *  column becomes 0; NaN entries become 0 = the column mean). */
LTR_API void ltr_features_standardize(double *x, size_t n, unsigned d);

/**
 * k-means (Lloyd 1982) of the n x d row-major rows of x into k groups,
 * k-means++ seeding (Arthur & Vassilvitskii 2007) from a deterministic
 * generator started at `seed`; squared distances through cblas_dgemm
 * (|x|^2 + |c|^2 - 2 x.c). labels[n] in 0..k-1, centroids[k*d] (may be NULL),
 * *inertia (may be NULL): sum of squared distances to the centroids. Groups
 * are numbered by decreasing size. 1 <= k <= n. Allocates its workspace.
 */
LTR_API ltr_status ltr_kmeans(const double *x, size_t n, unsigned d, unsigned k, unsigned max_iter,
                              uint64_t seed, unsigned *labels, double *centroids, double *inertia);

/* ---------------------------------------------------------------------------
 * Habituation of a series of twitches
 * ------------------------------------------------------------------------- */

typedef struct ltr_habituation {
    double amplitude0;  /**< fitted amplitude at t = 0 */
    double rate_per_s;  /**< decay rate: amplitude ~ amplitude0 * exp(-rate * t) */
    double half_life_s; /**< ln 2 / rate; INFINITY if the amplitude does not decrease */
    double r2;          /**< coefficient of determination of the fit on log amplitude */
    size_t n;           /**< points used (amplitude > 0, finite) */
} ltr_habituation;

/**
 * Least-squares fit (LAPACKE_dgels) of log amplitude = log a0 - rate t over
 * the points with a finite, positive amplitude: repeated stimulation of a
 * trigger point gives twitches of declining amplitude (Hong 1994), an
 * exponential decline being the usual model of habituation (Thompson &
 * Spencer 1966). LTR_ERR_ARGUMENT with fewer than 3 usable points.
 */
LTR_API ltr_status ltr_habituation_fit(const double *t_s, const double *amplitude, size_t n,
                                       ltr_habituation *out);

#ifdef __cplusplus
}
#endif

#endif /* LTR_LTR_ANALYSIS_H */
