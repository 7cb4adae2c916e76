/*
 * libltr-eval: scoring twitch detections against ground truth.
 *
 * Copyright (c) 2026 The libltr authors. SPDX-License-Identifier: BSD-3-Clause
 *
 * The discipline is that of WFDB's bxb and the ECG detector standards
 * (ANSI/AAMI EC57): every true twitch is matched to at most one detection and
 * every detection to at most one true twitch, within a tolerance window on the
 * onset, the closest pairs first. Then:
 *
 *   TP = matched pairs, FN = unmatched true twitches, FP = unmatched detections
 *   sensitivity = TP / (TP + FN)      positive predictivity = TP / (TP + FP)
 *   F1 = 2 TP / (2 TP + FP + FN)
 *
 * onset error = detected onset - true onset (matched pairs; signed median, and
 * median and 95th percentile of its absolute value), and latency = the time the
 * detector decided - true onset (matched pairs whose detection carries it).
 * A false positive whose interval overlaps a truth element of another kind
 * (a needle movement, a stimulation train, a voluntary contraction, an ECG
 * beat...) is counted against that kind, so one sees how many needle movements
 * were called twitches. Percentiles interpolate linearly between order
 * statistics (the "type 7" definition of R and numpy).
 *
 * Times are seconds (double). Nothing here depends on the detector or the
 * simulator: score any annotated recording. The library never prints except
 * into a FILE* it is given. Thread safety: no global state.
 */
#ifndef LTR_LTR_EVAL_H
#define LTR_LTR_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(LTR_BUILDING_DLL)
#define LTR_EVAL_API __declspec(dllexport)
#elif defined(__GNUC__) || defined(__clang__)
#define LTR_EVAL_API __attribute__((visibility("default")))
#else
#define LTR_EVAL_API
#endif

/** Status codes (0 = success, errors < 0). */
typedef enum ltr_eval_status {
    LTR_EVAL_OK = 0,
    LTR_EVAL_ERR_NULL = -1,     /**< a required pointer was NULL (with a count > 0) */
    LTR_EVAL_ERR_ARGUMENT = -2, /**< a time is not finite, a duration negative, a kind invalid, a bad option */
    LTR_EVAL_ERR_MEMORY = -3,   /**< allocation failed */
    LTR_EVAL_ERR_IO = -4        /**< writing to the FILE* failed */
} ltr_eval_status;

/** A static English description of a status. Never NULL. */
LTR_EVAL_API const char *ltr_eval_status_string(ltr_eval_status status);

/**
 * Kinds of truth elements. LTR_EVAL_TWITCH is the target; the others are what
 * a detector must not call a twitch. Names (BIDS trial_type) are those of
 * libltr-sim: "ltr" (also accepted: "twitch"), "voluntary", "needle", "stim",
 * "ecg", "motion", "electrolysis", "clip", "dropout", "nan"; anything else is
 * LTR_EVAL_OTHER.
 */
typedef enum ltr_eval_kind {
    LTR_EVAL_TWITCH = 0,
    LTR_EVAL_VOLUNTARY = 1,
    LTR_EVAL_NEEDLE = 2,
    LTR_EVAL_STIM = 3,
    LTR_EVAL_ECG = 4,
    LTR_EVAL_MOTION = 5,
    LTR_EVAL_ELECTROLYSIS = 6,
    LTR_EVAL_CLIP = 7,
    LTR_EVAL_DROPOUT = 8,
    LTR_EVAL_NAN = 9,
    LTR_EVAL_OTHER = 10
} ltr_eval_kind;
#define LTR_EVAL_N_KINDS 11u

/** Name of a kind ("ltr", "needle", ...; "other"); "unknown" if invalid. */
LTR_EVAL_API const char *ltr_eval_kind_name(ltr_eval_kind kind);
/** Kind of a trial_type name; LTR_EVAL_OTHER if unknown (NULL too). */
LTR_EVAL_API ltr_eval_kind ltr_eval_kind_from_name(const char *name);

/** One ground-truth element. */
typedef struct ltr_eval_truth {
    double onset_s;
    double duration_s;   /**< >= 0 */
    ltr_eval_kind kind;
} ltr_eval_truth;

/** One detection. */
typedef struct ltr_eval_detection {
    double onset_s;      /**< the detector's onset of the twitch */
    double duration_s;   /**< >= 0 (0 if unknown: the detection is an instant) */
    /** When the detector decided (e.g. its BEGIN event), seconds from the start of
     *  the recording; NaN if unknown. Latency = decided_s - true onset. */
    double decided_s;
} ltr_eval_detection;

/** Scoring options. */
typedef struct ltr_eval_options {
    /** Largest |detected onset - true onset| of a match, s. Default 0.05 s
     *  (our choice: LTR bursts last 25-250 ms and the electromechanical delay is
     *  10-50 ms, so a detector that fires within 50 ms of the burst's onset has
     *  found it; EC57's 150 ms is for beats a second apart). Inclusive. */
    double tolerance_s;
} ltr_eval_options;

/** Fill the default options. */
LTR_EVAL_API void ltr_eval_options_default(ltr_eval_options *opt);

/** Scores of one recording (or of several pooled). NaN where undefined (e.g. PPV
 *  without detections, onset error without matches). */
typedef struct ltr_eval_result {
    double tolerance_s;
    size_t n_truth;          /**< true twitches (kind LTR_EVAL_TWITCH) */
    size_t n_detections;
    size_t tp, fp, fn;
    double sensitivity, ppv, f1;
    double onset_error_median_s;     /**< signed: > 0 means late */
    double onset_error_abs_median_s;
    double onset_error_abs_p95_s;
    size_t n_latency;                /**< matched detections that carried decided_s */
    double latency_median_s;
    double latency_p95_s;
    /** Per kind: truth elements present; false positives overlapping one (a
     *  detection counts once per kind); and truth elements hit by >= 1 false positive. */
    size_t kind_total[LTR_EVAL_N_KINDS];
    size_t fp_by_kind[LTR_EVAL_N_KINDS];
    size_t kind_hit[LTR_EVAL_N_KINDS];
    size_t fp_unexplained;           /**< false positives overlapping no truth element at all */
} ltr_eval_result;

/**
 * Score detections against truth. Neither array needs to be sorted. opt NULL:
 * defaults. truth_match (n_truth entries, may be NULL) gets, for each truth
 * element, the index of its matched detection or -1 (always -1 for non-twitch
 * kinds); det_match (n_det entries, may be NULL) the index of the matched truth
 * element or -1. Ties (equal |error|) go to the earlier truth element, then the
 * earlier detection, so the result never depends on input order.
 * Allocates scratch memory.
 */
LTR_EVAL_API ltr_eval_status ltr_eval_score(const ltr_eval_truth *truth, size_t n_truth,
                                            const ltr_eval_detection *det, size_t n_det,
                                            const ltr_eval_options *opt, ltr_eval_result *res,
                                            ptrdiff_t *truth_match, ptrdiff_t *det_match);

/** Write one result as a readable block ("title" may be NULL). */
LTR_EVAL_API ltr_eval_status ltr_eval_write_text(FILE *f, const ltr_eval_result *res,
                                                 const char *title);
/** Table of several results, one line each: the header, then a row per result. */
LTR_EVAL_API ltr_eval_status ltr_eval_write_table_header(FILE *f);
LTR_EVAL_API ltr_eval_status ltr_eval_write_table_row(FILE *f, const char *name,
                                                      const ltr_eval_result *res);
/** One result as a JSON object (name may be NULL; no trailing newline). NaN is
 *  written as null. */
LTR_EVAL_API ltr_eval_status ltr_eval_write_json(FILE *f, const ltr_eval_result *res,
                                                 const char *name);

/* --- needling sites ------------------------------------------------------------- */

/**
 * Sites (one insertion or redirection of the needle, then its strokes) and the
 * "twitches have stopped" cue, scored as the detector's session tracking reports
 * them (ltr.h: LTR_EVENT_SITE_END, LTR_EVENT_EXHAUSTED). The truth's sites begin at
 * its insertions and end at the next; its cue is the stop rule applied to its own
 * strokes and twitches: at a stroke whose STROKE_WAIT (0.25 s, as the detector) has
 * passed without a twitch, a site that gave twitches has had stop_strokes strokes
 * after its last twitch began, or stop_s from that twitch to the stroke.
 */

/** A needle movement of the truth. */
typedef struct ltr_eval_stroke {
    double onset_s;
    int insertion;       /**< nonzero: it begins a site (libltr-sim: series_position 1) */
} ltr_eval_stroke;

/** A site as the detector reported it. */
typedef struct ltr_eval_site {
    double onset_s;      /**< its first movement */
    double end_s;        /**< its end (the next site's first movement, or the recording's) */
    double stopped_s;    /**< the stroke at which it said twitches had stopped; NaN: never */
    double cue_s;        /**< when it said so (stopped_s + its delay); NaN: never */
} ltr_eval_site;

/** Site scoring options. */
typedef struct ltr_eval_site_options {
    /** Largest |detected - true| first movement of a matched site, s. Default 0.5 s
     *  (our choice: strokes of one site are >= 0.3 s apart, sites seconds apart). */
    double tolerance_s;
    /** The stop rule applied to the truth: ltr_config's defaults, 5 strokes, 10 s. */
    unsigned stop_strokes;
    double stop_s;
} ltr_eval_site_options;

LTR_EVAL_API void ltr_eval_site_options_default(ltr_eval_site_options *opt);

/** Site scores. NaN where undefined. */
typedef struct ltr_eval_site_result {
    size_t n_true, n_detected;
    size_t found, missed, false_sites;   /**< matched true sites, unmatched true, unmatched detected */
    size_t count_exact;   /**< found sites whose detected twitches (onsets inside the detected
                               site) are as many as the true ones */
    size_t true_stopped;  /**< found sites where the truth's cue falls */
    size_t cue_given;     /**< of those, the detector gave a cue */
    size_t cue_within;    /**< of those, at the true stroke's neighbour or within 1 s of it */
    size_t cues;          /**< cues given in found sites */
    size_t cue_early;     /**< of those, given before the site's last true twitch began */
    size_t cue_false;     /**< of those, in a site where the truth has none */
    double cue_delay_median_s;  /**< cue_s - the true stroke, over cues given where due */
    double cue_delay_p95_s;
} ltr_eval_site_result;

/**
 * Score detected sites against the truth: strokes (any order), true twitch onsets,
 * detected sites and detected twitch onsets (s). opt NULL: defaults. Allocates
 * scratch memory.
 */
LTR_EVAL_API ltr_eval_status ltr_eval_score_sites(const ltr_eval_stroke *strokes, size_t n_strokes,
                                                  const double *twitch_s, size_t n_twitch,
                                                  const ltr_eval_site *sites, size_t n_sites,
                                                  const double *det_twitch_s, size_t n_det_twitch,
                                                  double end_s, const ltr_eval_site_options *opt,
                                                  ltr_eval_site_result *res);

/** Write site scores as a readable block. */
LTR_EVAL_API ltr_eval_status ltr_eval_write_sites_text(FILE *f, const ltr_eval_site_result *res);

#ifdef __cplusplus
}
#endif

#endif /* LTR_LTR_EVAL_H */
