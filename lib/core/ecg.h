/*
 * ECG crosstalk cancellation on one band-passed EMG channel (internal to
 * libltr): QRS detection by a matched filter on the learnt beat template and
 * subtraction of the template, scaled to each beat, at the beat's sub-sample
 * position.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input and output are the channel's band-passed EMG (after the EMG band-pass
 * and mains notches, before the energy operator). The output is the input
 * delayed by exactly ltri_ecg_delay() frames, with every detected QRS complex
 * minus the template; where no beat is detected, or before a template has
 * been learnt, it is the delayed input bit for bit (no ECG: no harm).
 *
 * How it works (details and sources in ecg.c):
 *  - a decimated copy u of the input (box average of M frames, fs/M in
 *    [1000, 2000) Hz; M = 1 below 2 kHz) carries detection and learning;
 *  - bootstrap: the most QRS-like moment of a 2 s search (the largest ratio
 *    of the last 20 ms's energy to the slow energy before them: a brief
 *    complex in calm, not merely the largest thing) gives a provisional
 *    template, shifted so that the complex's onset lies 12 ms into it;
 *  - a matched filter (the template's first LTRI_ECG_WINDOW_MS) runs on u;
 *    a peak with normalised correlation >= 0.6 (and rho^2 >= half the running
 *    level of the learnt beats') and an amplitude 0.4-2.5 of
 *    the template's, the best within LTRI_ECG_HOLD_MS and >= 250 ms after
 *    the previous beat, is a beat. Once the template is learnt, a peak that
 *    is not on time (0.75-1.3 or 1.75-2.3 running RRs after the last beat
 *    that was, or > 2.5 of them: the rhythm lost) needs a correlation
 *    >= 0.85: bursts of EMG between the beats are not taken for beats. A later
 *    peak that matches clearly better and is on time from the beat before replaces
 *    the last detection (search-back: a twitch just before the beat had taken its
 *    place). 9 ms later (the output has then reached
 *    the QRS onset) its position and amplitude are refined over everything
 *    the ring holds (~42 ms of the complex): a parabola through the
 *    correlation at three lags gives the sub-sample position, the
 *    least-squares fit the amplitude;
 *  - the whole beat (template length) is then read back aligned and judged:
 *    it updates the template (running mean of the first beats, then
 *    exponential averaging over ~LTRI_ECG_AVERAGE beats) only if its
 *    correlation with the template over the full length is >= 0.6, its
 *    amplitude within a factor 2 and its RR interval 0.3-2 s and, once
 *    locked, on time and 0.6-1.6 of the running RR. These rules decide what is *learnt*;
 *    they never gate the EMG itself: a twitch on top of a beat stays in the
 *    output (only the template is removed), and a twitch away from beats is
 *    not touched unless it matches the template's shape and size;
 *  - subtraction starts once LTRI_ECG_LOCK_BEATS beats were learnt (the
 *    template is then re-centred on its onset once more); a provisional
 *    template that learns no beat within 2.5 s, or a learnt one that detects
 *    none within 10 s, is dropped and the search starts again.
 *
 * Delay: D = (window + hold) decimated samples + 1 frame, 33-34 ms at every
 * rate from 1 kHz (ltri_ecg_delay: 34 frames at 1 kHz, 67 at 2 kHz, 69 at
 * 2048 Hz, 133 at 4 kHz, 331 at 10 kHz; 48 ms at 250 Hz, LTRI_ECG_WINDOW_MIN).
 * It is the time from the start of the template (12 ms before the complex's
 * onset) until the matched filter has seen enough of the complex; a caller adds it to its latency only when the
 * canceller is on. The part of a complex more than ~12 ms before its onset
 * (a Q wave's beginning) is not subtracted: with the test's synthetic ECG
 * this bounds the reduction near 21 dB; a 43 ms delay would lift it to ~25.
 *
 * Memory: a channel is a ltri_ecg_channel header (~280 bytes) followed by a
 * float area sized by the design: the input delay line (D + 1 floats), the
 * decimated ring (twice its length, so that every window is contiguous), the
 * template and one beat buffer (125 ms at fs/M each). ltri_ecg_channel_size()
 * gives the bytes: 1824 at 1 kHz, 1960 at 2 kHz, 2000 at 2048 Hz, 2224 at
 * 4 kHz, 3016 at 10 kHz, 8296 at 50 kHz (48 of them LTR_ECG_AUTO's heart evidence).
 * States hold no pointers: a channel
 * may be memcpy'd.
 *
 * Cost per input frame: the box sum and the delay line every frame; every
 * M-th frame a W-tap matched filter (W = 30 decimated samples), i.e. at most
 * 30/M multiply-adds per frame (30 at 1 kHz, 15 at 2 kHz, 3 at 10 kHz), and none
 * where the window is too weak to hold a beat (ecg.c, SKIP_ENERGY); during
 * a beat a cubic interpolation per output frame; once per beat a refinement
 * (3 x ~45 multiply-adds at fs/M) and, for ~T/M frames, up to four
 * interpolations per decimated sample to read the beat back; once per learnt
 * beat one pass over the template (<= 250 multiply-adds; at lock a second
 * one). No libm call on the sample path; bounded work per frame.
 *
 * Thread safety: a design is read-only after init; distinct channels may be
 * run concurrently against one design. Nothing allocates, locks or prints.
 */
#ifndef LTR_CORE_ECG_H
#define LTR_CORE_ECG_H

#include <stddef.h>
#include <stdint.h>

/* Template: from 15 ms before the QRS onset, 125 ms long. The band-passed
 * QRS is a 40-60 ms complex, its high-pass ringing and T-wave remnant follow
 * it. */
#define LTRI_ECG_TEMPLATE_MS 125.0
/* Matched-filter window: the template's first 30 ms (QRS onset to just past
 * its largest deflection); the canceller's delay follows from it. */
#define LTRI_ECG_WINDOW_MS 30.0
/* ... and at least this many samples (below 334 Hz): at 250 Hz 30 ms are 7.5 samples,
 * too few to tell a QRS from a chance match of the EMG (emggo's tibialis recording:
 * 242 twitches, 187 within 100 ms of an R peak; with 10 samples, 40 ms, 217 and 150,
 * the delay 48 ms instead of 40; test_low_rate_few_false_beats). */
#define LTRI_ECG_WINDOW_MIN 10u
/* A filter peak is kept only if no larger one follows within this time
 * (a side lobe of the complex's autocorrelation must not win). */
#define LTRI_ECG_HOLD_MS 3.0
/* Beats learnt before the template is subtracted: the bootstrap beat and one
 * more. With 4, emggo's ECG-contaminated recording (104 bpm, half the beats
 * inside muscle bursts and not learnt) was subtracted only from ~4-5 s on, and
 * its beats of seconds 2-5 became twitches (14 QRS-like twitches over its 8
 * channels; 1 with 2). A 2-beat template holds more EMG noise (it is averaged
 * on over LTRI_ECG_AVERAGE beats): at 250 Hz (emggo's tibialis recording) that
 * costs more than it gains (twitches within 100 ms of an R peak 155 -> 183). */
#define LTRI_ECG_LOCK_BEATS 2u
/* LTR_ECG_AUTO: the median beat-to-beat change of the RR interval a heart has at least
 * (a stimulator's train has none; ecg.c, heart_evidence, for the sources). */
#define LTRI_ECG_HRV_MS 3.0
/* ... and a beat-to-beat change below this is a clock's (a stimulator's train, within
 * the latency jitter of its responses) */
#define LTRI_ECG_CLOCK_MS 2.0
/* Exponential averaging of the template over about this many beats. */
#define LTRI_ECG_AVERAGE 16u

/** Immutable design of the canceller for one sample rate (shared by all the
 *  channels of a detector). All lengths in decimated samples unless said. */
typedef struct ltri_ecg_design {
    double fs_hz;          /**< input sample rate */
    uint32_t decim;        /**< M: input frames per decimated sample */
    float inv_decim;       /**< 1 / M */
    uint32_t n_tmpl;       /**< template length */
    uint32_t n_pre;        /**< bootstrap snippet: samples before its largest |u| */
    uint32_t n_margin;     /**< template samples before the QRS onset */
    uint32_t n_refine;     /**< alignment refined this long after detection */
    uint32_t n_gap;        /**< longest gap within the complex when its onset is sought */
    uint32_t n_win;        /**< matched-filter window (template front) */
    uint32_t n_hold;       /**< peak hold */
    uint32_t n_taper_in;   /**< template taper at its start */
    uint32_t n_taper_out;  /**< ... and at its end */
    uint32_t n_uring;      /**< decimated ring length (stored twice) */
    uint32_t delay;        /**< D, input frames */
    uint32_t n_ring;       /**< input delay line, D + 1 frames */
    uint32_t refractory;   /**< shortest time between two beats on time */
    uint32_t one_beat;     /**< shortest time between two detections (one beat subtracted at a time) */
    uint32_t n_replace;    /**< a detection may replace a weak one this long after it */
    uint32_t rr_min, rr_max; /**< RR intervals a learnt beat may have */
    uint32_t search;       /**< bootstrap search period */
    uint32_t n_short;      /**< bootstrap: short energy window */
    uint32_t n_settle;     /**< bootstrap: scores ignored this long after a (re)start */
    float slow_gain;       /**< bootstrap: one-pole gain of the slow energy */
    uint32_t provisional_timeout; /**< a provisional template is dropped after this without a learnt beat */
    uint32_t lost_timeout; /**< a learnt template is dropped after this without a detected beat */
    uint32_t hr_rr_min, hr_rr_max; /**< running RR of a heart (ltri_ecg_heart): 40-180 bpm */
    float hrv_step;        /**< a beat-to-beat RR change of at least this is a heart's (LTRI_ECG_HRV_MS) */
    float clock_step;      /**< ... of less than this a clock's (LTRI_ECG_CLOCK_MS) */
    uint32_t off_uring, off_tmpl, off_beat; /**< float offsets in ltri_ecg_channel.mem */
    size_t channel_size;   /**< bytes of one channel */
} ltri_ecg_design;

/** One channel's state. Variable size: the float area `mem` at its end holds
 *  the delay line, the decimated ring, the template and the beat buffer at
 *  the design's offsets. Place it with ltri_ecg_channel_init. */
typedef struct ltri_ecg_channel {
    uint64_t n;            /* input frames consumed */
    uint64_t m;            /* decimated samples produced */
    uint32_t w;            /* input delay line: next write position */
    uint32_t upos;         /* decimated ring: position of the newest sample */
    uint32_t phase;        /* input frames in the current box sum */
    uint32_t refresh;      /* decimated samples since the window energy was summed afresh */
    float acc;             /* box sum */
    float e, e_prev;       /* energy of the last n_win decimated samples, now and one sample ago */
    float z[3];            /* matched filter at m-2, m-1, m */
    float hh, tt;          /* template energy: first n_win samples, all */
    uint32_t n_learnt;     /* beats averaged into the template (0: no template) */
    uint32_t n_detected;   /* beats detected since reset */
    uint64_t last_det;     /* decimated index of the last detected beat (fiducial peak) */
    uint64_t last_learn;   /* ... of the last learnt beat */
    uint64_t last_ok;      /* ... of the last beat detected on time (the rhythm's reference) */
    float rr_avg;          /* running RR, decimated samples (0: none yet) */
    int rr_boot;           /* the next interval starts at the bootstrap beat (not an RR) */
    /* best filter peak waiting for its hold time */
    int cand, cand_replace;
    float cand_rho2, det_rho2; /* squared correlation of the candidate, of the last detection */
    uint64_t prev_det, prev_ok; /* last_det, last_ok before the last detection */
    float prev_rr;
    float spk;             /* running rho^2 of the learnt beats' detections (ecg.c, SPK_FRAC) */
    uint64_t cand_m;
    float cand_z[3];
    /* the beat being subtracted from the output */
    int subtract;          /* this beat is subtracted (the template is learnt) */
    int active, pending_blend;
    int loud;              /* the output is in the loud part of the beat (ltri_ecg_in_beat) */
    float loud_end;        /* template samples from its start to the end of the loud part */
    uint64_t s_int;        /* start of the template in input frames: s_int + s_frac */
    float s_frac;
    float amp;             /* template scale (0: detected but not subtracted) */
    /* the beat being refined, then read back from the decimated ring */
    uint64_t refine_at;    /* decimated index of the refinement, 0: none */
    int capturing, rr_ok;
    uint64_t cap_base;     /* decimated index of template sample 0, integer part */
    float cap_frac;        /* its fractional part, [0, 1) */
    uint32_t k_cap;        /* beat samples read so far */
    float bt, bb;          /* sums: beat x template, beat x beat */
    /* heart evidence (ltri_ecg_heart): successive RR intervals of beats each one
     * running RR after the last, at the refined sub-sample position */
    int heart;             /* a heart's rhythm was recognised (sticky until the template is dropped) */
    int hv_single;         /* the beat being refined came one RR after the previous detected one */
    float hv_int;          /* the interval between the last two detected beats, decimated */
    int hv_have;           /* hv_base/hv_frac hold the previous beat's position */
    uint64_t hv_base;      /* previous beat's refined position, decimated: integer part */
    float hv_frac;         /* ... fractional part */
    float hv_rr;           /* the last single RR, decimated samples (0: none) */
    uint32_t hv_run;       /* successive single-RR pairs since the last gap in the beats */
    uint32_t hv_pairs;     /* successive single-RR pairs since the template was started */
    uint32_t hv_varied;    /* ... of which differ by >= LTRI_ECG_HRV_MS */
    uint32_t hv_exact;     /* ... of which differ by < LTRI_ECG_CLOCK_MS */
    uint32_t hv_wild;      /* ... of which differ by > HRV_STEADY of the RR */
    /* bootstrap search */
    uint64_t boot_start, boot_m;
    float boot_max;        /* best score */
    float e_short, e_slow; /* energies of the score */
    float mem[];           /* n_ring + 2 n_uring + 2 n_tmpl floats */
} ltri_ecg_channel;

/** What a channel knows now. */
typedef struct ltri_ecg_info {
    uint32_t beats_detected; /**< beats found by the matched filter since reset */
    uint32_t beats_learnt;   /**< beats averaged into the template (0: none) */
    int subtracting;         /**< the template is learnt: detected beats are subtracted */
    int locked;              /**< subtracting, and a beat was detected within the last 2 s */
    float heart_rate_bpm;    /**< from the running RR of detected beats, 0 if unknown */
    float amplitude;         /**< RMS of the template over its length, input units (0: none) */
    uint64_t last_beat;      /**< input frame (not delayed) at which the matched filter peaked on the last detected beat, ~18 ms after its onset; UINT64_MAX: none */
} ltri_ecg_info;

/** Design for sample rate fs_hz (any fs >= 200 Hz; meant for 1-50 kHz).
 *  Returns 0, or -1 (d untouched) if d is NULL or fs_hz is not a finite
 *  number >= 200. [init] */
int ltri_ecg_design_init(ltri_ecg_design *d, double fs_hz);

/** Bytes one channel needs (a multiple of alignof(ltri_ecg_channel)); 0 if d
 *  is NULL. [init] */
size_t ltri_ecg_channel_size(const ltri_ecg_design *d);

/** Nonzero while the loud part of a detected beat's template (its samples from the
 *  start to the last of at least a tenth of its largest) is being subtracted from the
 *  output (the output is then not background: a residual of the complex may be in
 *  it). [RT] */
static inline int ltri_ecg_in_beat(const ltri_ecg_channel *c) { return c->loud; }

/** The fixed delay D of ltri_ecg_step, input frames. [RT] */
uint32_t ltri_ecg_delay(const ltri_ecg_design *d);

/** Place a channel in mem (size bytes, aligned for ltri_ecg_channel) and
 *  reset it. Returns the channel, or NULL if an argument is NULL, size is too
 *  small or mem is misaligned. The channel holds no pointer: it may be copied
 *  or moved (with its whole size) to memory aligned the same way. [init] */
ltri_ecg_channel *ltri_ecg_channel_init(const ltri_ecg_design *d, void *mem, size_t size);

/** Forget everything (template included); the delay line is zeroed. [RT]
 *  O(channel size). */
void ltri_ecg_reset(const ltri_ecg_design *d, ltri_ecg_channel *c);

/** Feed one band-passed sample; returns the sample of ltri_ecg_delay() frames
 *  ago with the QRS template subtracted where a beat was detected (0 for the
 *  first D frames after reset). NaN or Inf pass through the delay line but
 *  are read as 0 by the detection. [RT] bounded work, no allocation, no libm. */
void ltri_ecg_decimate(const ltri_ecg_design *d, ltri_ecg_channel *c);
float ltri_ecg_subtract(const ltri_ecg_design *d, ltri_ecg_channel *c, float y);
static inline float ltri_ecg_step(const ltri_ecg_design *d, ltri_ecg_channel *c, float x)
{
    /* Inline: a frame's delay line and box sum; the decimated sample (every M frames)
     * and a beat's subtraction out of line (ecg.c). Called out of line, the whole step
     * saved and restored its registers every frame (issue 10: callgrind). */
    float *ring = c->mem;
    ring[c->w] = x;
    c->w = c->w + 1 == d->n_ring ? 0 : c->w + 1;
    float y = ring[c->w]; /* x[n - D]: the ring holds D + 1 frames */
    /* isfinite(x) as x - x == 0 (NaN for NaN and +-Inf): 2 instructions, not 8 */
    c->acc += x - x == 0.0f ? x : 0.0f;
    if (++c->phase == d->decim)
        ltri_ecg_decimate(d, c);
    if (c->active)
        y = ltri_ecg_subtract(d, c, y);
    c->n++;
    return y;
}

/** Fill *info with the channel's state. [RT] */
void ltri_ecg_query(const ltri_ecg_design *d, const ltri_ecg_channel *c, ltri_ecg_info *info);

/* Nonzero once the channel has recognised a heart (ecg.c, heart_evidence: a learnt
 * template, 40-180 bpm, and a beat-to-beat variation of the RR interval that an evoked
 * train from a stimulator does not have). LTR_ECG_AUTO switches on it. [RT] */
static inline int ltri_ecg_heart(const ltri_ecg_channel *c)
{
    return c->heart;
}

#endif /* LTR_CORE_ECG_H */
