/*
 * Per-channel artifact detection and blanking (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Each raw sample enters a short look-ahead line (1 ms). A sample is inspected as
 * it enters; a bad one opens a blanking window over the frames still in the line,
 * so what is blanked never reaches the filters. Blanked samples leave the line
 * replaced by the last good sample (sample-and-hold): the filters see no step and
 * do not ring.
 *
 * Bad means:
 * - NaN/Inf;
 * - a stimulation pulse or an electrode step: a jump far above the recent typical
 *   jump that comes out of calm signal in one frame (judged at the end of its
 *   blanking: back at its level, a pulse; still away, a step, i.e. a needle
 *   movement), or that is back at its old level within the look-ahead. A twitch's
 *   own motor-unit or evoked potentials grow as large but steepen over several
 *   frames and do not come back that fast, so they are not blanked;
 * - a smeared stimulation pulse: the anti-alias filter spreads a short biphasic pulse
 *   over a few frames, whose phases mostly cancel, and what remains is the amplifier's
 *   recovery tail: a rise out of calm signal within spread_rise frames to far above
 *   the typical jump, then a decay straight back toward the old level whose steps are
 *   small beside the rise and shrink (an exponential). A motor-unit potential of the
 *   same size turns as steeply as it rose, its fall speeding up after its peak, and
 *   crosses back; it is not blanked. Judged like a sharp edge at the blanking's end;
 * - a run of identical values longer than the dropout time (dropout, DC saturation).
 * Clipping (at a known level, or short identical runs far from the baseline) is
 * flagged but not blanked: a clipped twitch is still a twitch.
 */
#ifndef LTR_CORE_ARTIFACT_H
#define LTR_CORE_ARTIFACT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "ltr/ltr.h"
#include "filter.h"
#include "timebase.h"

/* Internal blanking reason (never in a public event): this frame ends a confirmed
 * stimulation pulse, whose evoked responses the detector must also wait out. */
#define LTRI_REASON_PULSE (1u << 31)
/* Internal: that pulse came before the previous one was judged (a train faster than
 * the blanking, 80-100 Hz): no response is time-locked to one of its pulses. */
#define LTRI_REASON_TRAIN (1u << 30)
#define LTRI_REASONS (LTRI_REASON_PULSE | LTRI_REASON_TRAIN)

/* Most frames a line holds (a power of two, more than the longest look-ahead:
 * 1 ms at 50 kHz is 50 frames). A channel's line is sized for its rate
 * (ltri_artifact_design.line_len: 8 frames at 2 kHz, 16 at 10 kHz). */
#define LTRI_LINE 64u

typedef struct ltri_artifact_design {
    uint32_t lookahead;      /* frames of delay, >= 3 */
    uint32_t line_len;       /* frames the line holds: a power of two >= lookahead + 2 */
    uint32_t stim_blank;     /* frames blanked after a pulse */
    uint32_t dropout;        /* identical frames that make a dropout */
    float spike_ratio;       /* jump / typical jump that may start a pulse */
    float scale_alpha;       /* per-frame smoothing of the typical jump */
    float baseline_alpha;    /* per-frame smoothing of the baseline */
    float clip_level;        /* 0: unknown */
    float spread_ratio;      /* excursion / typical jump that may start a smeared pulse */
    uint32_t spread_rise;    /* frames a smeared pulse may take to rise out of calm */
    uint32_t spread_decay;   /* frames of its tail checked before it is blanked */
    float step_alpha;        /* per-frame smoothing of the level after an edge */
    float step_inv_half;     /* 1 / frames in half the blanking (0: none) */
    float step_decay_max;    /* slowest per-frame decay of a step's level */
    float quiet_limit;       /* |x| below this: finite and not at clip_level (quiet path) */
    ltri_biquad level_band[2]; /* level-step test: its slow band (2nd-order Butterworth) */
    float level_var;         /* its per-frame smoothing of the background's variance */
    uint32_t level_warm;     /* frames before the level-step test is trusted */
} ltri_artifact_design;

/* A channel's level-step test (ltri_artifact_level_step): its slow level band, and the
 * background's variance in that band. */
typedef struct ltri_level {
    ltri_real z[2][2];       /* its band-pass */
    uint32_t tick;
    float var;
    uint32_t n;              /* frames seen (warm-up) */
    int out;                 /* the band is beyond the background now */
} ltri_level;

/* One frame in the line: its raw sample and its blanking reasons (0 = clean), side by
 * side so that a frame in and a frame out touch one slot each. */
typedef struct ltri_artifact_slot {
    float x;
    uint32_t reason;
} ltri_artifact_slot;

/* A channel's state: ltri_artifact_size(design) bytes, the line at its end. */
typedef struct ltri_artifact {
    float last;              /* previous finite raw sample */
    float hold;              /* last good sample that left the line */
    float scale;             /* typical |jump| of clean signal */
    float baseline;          /* slow mean of the signal */
    float origin;            /* first finite sample, subtracted from the output */
    float pulse_base;        /* level before a suspected pulse */
    float pulse_jump;        /* its jump */
    float edge_base;         /* level before a sharp edge awaiting its verdict */
    float edge_peak;         /* largest |x - edge_base| since that edge */
    float last_jump;         /* |jump| into the previous sample */
    float calm_x;            /* the last calm sample (its jump small) */
    float spread_base;       /* a smeared pulse's level before it (calm_x then) */
    float spread_sign;       /* +1 / -1: the side of its excursion */
    float spread_peak;       /* its largest excursion so far, signed by spread_sign */
    float spread_prev;       /* its excursion at the previous frame */
    float spread_step;       /* its tail's first step toward the base */
    float step_lp;           /* low-passed level since an edge (electrode-step subtraction) */
    float step_mid;          /* its excursion from edge_base half-way through the blanking */
    float step_early;        /* ... and a quarter of the way */
    float step_sign;         /* +1 / -1: the side of the edge's first frame, 0 = not yet;
                                NAN: the level crossed back over edge_base since */
    float step_off;          /* an electrode step's decaying level, subtracted from the output */
    float step_decay;        /* its per-frame decay */
    uint64_t calm_at;        /* frame of that calm sample */
    uint64_t step_at;        /* first output frame step_off applies to + 1, 0 = none */
    uint64_t spread_from;    /* calm frame before a suspected smeared pulse + 1, 0 = none */
    uint64_t pulse_at;       /* frame of a suspected pulse + 1, 0 = none */
    uint64_t verdict_at;     /* frame at which a sharp jump is judged pulse or step, 0 = none */
    uint64_t edge_at;        /* frame at which the latest edge was found, 0 = none */
    int in_train;            /* 1: it came before the one before was judged; 2: a train's */
    uint32_t scale_n;        /* samples in scale so far (warm-up) */
    uint32_t same;           /* identical consecutive samples so far */
    uint32_t future_flags;   /* reasons for frames [next, blank_until) */
    uint32_t started;        /* a first finite sample was seen */
    uint32_t spread_n;       /* a smeared pulse's tail frames checked so far */
    uint64_t next;           /* frames taken so far = the frame the next step takes */
    uint64_t blank_until;    /* frames before this, not yet taken, are blanked */
    uint64_t last_clip;      /* input frame of the last clipped sample + 1, 0 = none */
    uint64_t quiet_from;     /* frames from this one on may take the quiet path (no edge,
                                pulse, smeared pulse or step open, warm, past the
                                blanking and the look-ahead's start); UINT64_MAX: none */
    ltri_artifact_slot line[]; /* line_len frames, frame f in slot f % line_len */
} ltri_artifact;

void ltri_artifact_design_init(ltri_artifact_design *d, const ltr_config *cfg);

/* Bytes of a channel's state (the line sized for the rate): 256 at 2 kHz (168 before
 * the smeared-pulse rule, 224 before the electrode-step subtraction). */
size_t ltri_artifact_size(const ltri_artifact_design *d);

/* A step of the electrode's level too small for the jump test: a needle movement moves
 * the half-cell potential of a surface electrode by 10-100 uV, some 40 dB under the jump
 * test, yet well over the background's slow level. y: the artifact stage's output. 1 on
 * the frame the level leaves the background's band. */
int ltri_artifact_level_step(const ltri_artifact_design *d, ltri_level *lv, float y);

/* Start a stream; a holds ltri_artifact_size(d) bytes. */
void ltri_artifact_reset(const ltri_artifact_design *d, ltri_artifact *a);

/* Blank input frames [from, until) for the reasons in flags. Frames that already
 * left the look-ahead line are not touched. */
void ltri_artifact_blank(const ltri_artifact_design *d, ltri_artifact *a, ltri_frame from,
                         ltri_frame until, uint32_t flags);

/* What a caller knows about a sample (ltri_artifact_step's `how`). */
enum {
    LTRI_SAMPLE_CLIPPED = 1, /* an ADC sample at its rail */
    LTRI_SAMPLE_PADDING = 2  /* not a sample: flush pushing the line out (never inspected) */
};

/*
 * Take raw sample x of input frame n (every frame here is an input frame); return the
 * sample of frame n - lookahead minus the stream's first finite sample (the hold
 * value if blanked) and set *flags to the blanking reasons of that frame (0 = clean).
 * `how`: LTRI_SAMPLE_* bits.
 */
float ltri_artifact_step(const ltri_artifact_design *d, ltri_artifact *a, float x, ltri_frame n,
                         unsigned how, uint32_t *flags);

/* ltri_artifact_step's two paths. The quiet one is inline, for the one-channel loop
 * (detector.c, process_emg1): no call, and the flags stay in a register (callgrind,
 * 1 EMG at 2 kHz: ~14 instructions a sample); every other caller takes
 * ltri_artifact_step, one copy of it. */

/* A usable sample: finite and within +-LTRI_SAMPLE_LIMIT (any unit: volts to ADC counts
 * are far inside it), so that differences, filter states and squares stay finite in
 * single precision (a stream between -3e38 and 3e38 made NaN twitch amplitudes). One
 * comparison, false for NaN; exact without -ffast-math, which the core is never built
 * with. */
#define LTRI_SAMPLE_LIMIT 1e12f
static inline int ltri_artifact_finite(float x) { return fabsf(x) <= LTRI_SAMPLE_LIMIT; }

/* Frame f's slot in the line (line_len a power of two). */
#define LTRI_ARTIFACT_SLOT(d, f) ((uint32_t)(f) & ((d)->line_len - 1u))
/* A sample is calm when its jump is within this many typical jumps (artifact.c). */
#define LTRI_ARTIFACT_CALM 4.0f

/* The frame y leaves the line with its reason: a flagged or unusable one repeats the last
 * clean value (hold). Relative to the first value: the filters start from rest without a
 * step (gravity on an accelerometer axis, an electrode's DC offset). Both paths of
 * ltri_artifact_step end here. */
static inline float ltri_artifact_leave(ltri_artifact *a, float y, uint32_t reason,
                                        uint32_t *flags)
{
    *flags = reason;
    if (!reason && ltri_artifact_finite(y))
        a->hold = y;
    return a->hold - a->origin;
}

/* Every frame's exact path: inspect, then the frame that leaves the line. */
float ltri_artifact_step_exact(const ltri_artifact_design *d, ltri_artifact *a, float x,
                               ltri_frame n, unsigned how, uint32_t *flags);

/* The quiet path: no edge, pulse, smeared pulse or step open, warm, past any blanking
 * (quiet_from), a plain sample (how 0). Then a frame does exactly what step_exact would
 * do unless something starts at it, which the tests below see before any state changes:
 * a sample not finite or at the clip level, a repeat (a stuck or clipped run), a jump
 * over spike_ratio typical jumps, an excursion over spread_ratio from the last calm
 * sample. Any of them, and the frame takes the exact path. (scale > 0 need not be
 * checked: with scale 0, any jump, never 0 here, fails the spike test.) */
static inline float ltri_artifact_step_inline(const ltri_artifact_design *d, ltri_artifact *a,
                                              float x, ltri_frame n, unsigned how,
                                              uint32_t *flags)
{
    if (n < a->quiet_from || how)
        return ltri_artifact_step_exact(d, a, x, n, how, flags);
    const float jump = fabsf(x - a->last);
    /* the typical jump as inspect learns it (every clean sample), before the tests that
     * read it */
    const float scale = a->scale + d->scale_alpha * (jump - a->scale);
    if (!(fabsf(x) < d->quiet_limit) || x == a->last || jump > d->spike_ratio * a->scale ||
        (fabsf(x - a->calm_x) > d->spread_ratio * scale && n - a->calm_at <= d->spread_rise))
        return ltri_artifact_step_exact(d, a, x, n, how, flags);
    ltri_artifact_slot *in = &a->line[LTRI_ARTIFACT_SLOT(d, n)];
    in->x = x;
    in->reason = 0;
    a->next = n + 1;
    a->same = 0;
    a->scale = scale;
    a->baseline += d->baseline_alpha * (x - a->baseline);
    if (jump <= LTRI_ARTIFACT_CALM * scale && a->last_jump <= LTRI_ARTIFACT_CALM * scale) {
        a->calm_x = x;
        a->calm_at = n;
    }
    a->last = x;
    a->last_jump = jump;
    const ltri_artifact_slot *out = &a->line[LTRI_ARTIFACT_SLOT(d, n - d->lookahead)];
    return ltri_artifact_leave(a, out->x, out->reason, flags);
}

#endif /* LTR_CORE_ARTIFACT_H */
