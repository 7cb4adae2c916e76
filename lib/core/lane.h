/*
 * One detection lane: the hysteresis state machine that turns an envelope into
 * twitches (internal to libltr). Every EMG channel is a lane; all accelerometer
 * axes together are one lane.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 *   IDLE --env > on--> CANDIDATE --above off for confirm--> ACTIVE (BEGIN)
 *   IDLE --the scan is on (surface EMG, scan.h)--> ACTIVE (BEGIN; it lasts while the
 *       scan holds it or the envelope is above off)
 *   CANDIDATE --env < off--> IDLE (a blip: nothing reported)
 *   ACTIVE --env < off--> GAP --back above off--> ACTIVE
 *   GAP --below off (or 20 dB under the peak) for gap--> IDLE, or BUSY while the
 *       envelope is still above off (END, or CANCEL if shorter than min duration)
 *   ACTIVE (accelerometer) --under the twitch's half-way level for faded, above off
 *       (sustained movement)--> BUSY (END)
 *   ACTIVE/GAP --longer than max duration--> BUSY (CANCEL: voluntary contraction)
 *   BUSY --below off for gap--> IDLE
 *   BUSY in a twitch's tail (accelerometer without EMG) --a new hump out of a deep
 *       valley, as loud as the twitch's body--> CANDIDATE
 * A blocked lane (artifact, recovery) cancels what it had begun, learns nothing, and
 * then, if its envelope is still up (and it was not an electrode step), waits in BUSY
 * until it has settled below the off threshold.
 */
#ifndef LTR_CORE_LANE_H
#define LTR_CORE_LANE_H

#include <stdint.h>

#include "filter.h"
#include "noise.h"
#include "scan.h"
#include "timebase.h"

typedef enum { LANE_IDLE, LANE_CANDIDATE, LANE_ACTIVE, LANE_GAP, LANE_BUSY } ltri_lane_state;

/* Why a lane step is blocked (0: it is not). */
enum {
    LANE_BLOCKED = 1,
    LANE_BLOCKED_REARM = 1 | 2, /* bit 2: no settling after (electrode step, marked pulse) */
    LANE_BLOCKED_PULSE = 1 | 4  /* bit 4: a stimulation pulse: a twitch past its minimum
                                 * duration ends there */
};

/* What a lane step reports. */
typedef enum { LANE_NONE = 0, LANE_BEGIN, LANE_END, LANE_CANCEL } ltri_lane_news;

typedef struct ltri_lane_design {
    ltri_noise_design noise;
    ltri_scan_design scan;   /* surface EMG: the multi-scale energy scan (scan.h) */
    uint32_t confirm, min_duration, max_duration, gap, refractory; /* frames */
    uint32_t faded;          /* accelerometer: a twitch has ended once its envelope has
                                stayed under its half-way level this long, frames (lane.c,
                                FADED_MS); 0 = only at the off threshold */
    float tail_ratio;        /* a twitch has ended below peak * tail_ratio */
    int split_valleys;       /* a deep valley before a higher peak starts the twitch anew */
    uint32_t rise_max;       /* accelerometer: an onset at most this long before the on
                                crossing, frames (lane.c, RISE_MAX_MS); 0 = none */
    float valley_ratio;      /* how deep, as an envelope ratio */
    float level_step;        /* hump tracker: ratio between levels */
    int hump_onset;          /* accelerometer with no EMG: onset where the main hump rose */
    uint32_t min_span;       /* surface EMG (TKEO envelope): a twitch shorter than
                                min_duration stands if its band-passed signal spans this
                                long over the noise level (lane.c, AMP_SPAN_MS); 0 = never */
    uint32_t min_short;      /* ... and lasts this long (frames) */
    float span_noise;        /* ... over this many times the envelope floor (power) */
    uint32_t min_loud;       /* needle EMG (RMS envelope): a twitch needs this many frames
                                of band-passed signal at loud_noise or more (lane.c,
                                LOUD_MS); 0 = no such need */
    float loud_noise;        /* ... times the envelope floor (power) */
    float spiky_alpha;       /* per frame: smoothing of ltri_lane.spiky */
    float spiky_min;         /* min_loud applies when ltri_lane.spiky is over this */
    int mu_on;               /* needle EMG: it measures the motor-unit band (lane.c, MU_BAND_HZ) */
    ltri_biquad mu_band[1];  /* ... that band's low-pass */
    float mu_alpha;          /* ... per frame, smoothing of that band's background
                                (ltri_lane.mu_bg) */
    float mu_rise;           /* ... an event whose mean power in it stays under this many
                                times its background is mu_quiet (lane.c, MU_RISE_DB) */
} ltri_lane_design;

/* Levels of the accelerometer hump tracker: 3 dB apart from the floor up (48 dB). */
#define LTRI_LANE_LEVELS 16u

/* The hump tracker's last upward crossing of each level. Only a lane that times its
 * twitches by their hump (ltri_lane_design.hump_onset: accelerometer axes without EMG)
 * has them, outside the lane (ltri_lane.levels_at): 128 bytes an EMG lane does not
 * carry (issue 10). */
typedef struct ltri_lane_levels {
    ltri_lane_frame up[LTRI_LANE_LEVELS];
} ltri_lane_levels;

/* Levels of the band-passed amplitude tracker: 3 dB apart (power), 48 dB. */
#define LTRI_AMP_LEVELS 16u

/* Where the squared band-passed amplitude first reached each level since the envelope
 * was last near the floor (a lane with ltri_lane_design.min_span): enough to find where
 * it first reached a level known only later (the floor when the twitch ends). */
typedef struct ltri_amp_span {
    float base;                    /* level 0 (0: nothing since the reset) */
    float next;                    /* the next level: base * 2^n */
    ltri_lane_frame t0;            /* frame of the first sample since the reset */
    ltri_lane_frame last_over;     /* last frame at the noise level or more (span_push) */
    uint32_t n;                    /* levels reached */
    uint16_t up[LTRI_AMP_LEVELS];  /* first frame at or above base * 2^k, minus t0 */
    uint32_t loud;                 /* frames at ltri_lane_design.loud_noise or more */
} ltri_amp_span;

/* A lane's twitch, in lane frames (timebase.h; filter delays not removed). */

typedef struct ltri_lane_twitch {
    ltri_lane_frame onset, peak, offset;
    ltri_lane_frame peak_amp;  /* of the largest |band-passed sample| (band-pass delay only) */
    ltri_lane_frame last_loud; /* last above the half-way level between floor and peak */
    ltri_lane_frame valley;    /* of the lowest envelope since the latest peak */
    ltri_lane_frame split;     /* start of the main hump after a deep valley, 0 = none */
    ltri_lane_frame hump;      /* accelerometer: where the main hump rose through HUMP_DB under
                                  its peak (0 = not known) */
    float level;               /* the envelope's level: floor x LEVEL_STEP^level_i */
    uint32_t level_i;
    float valley_env;
    float peak_env;      /* envelope maximum */
    float floor_lin;     /* noise floor when it began */
    float peak_sq;       /* largest squared band-passed amplitude */
    uint32_t flags;      /* LTR_FLAG_TOO_LONG, _TOO_SHORT, _ARTIFACT, _TRUNCATED */
    float band_all, band_hi; /* accelerometer: energy summed over the event, all of the
                                band and its twitch band (ltri_lane_note_band) */
    int by_scan;         /* begun by the scan, and the envelope has not crossed the on
                            threshold since */
    float mu_sum;        /* needle EMG: motor-unit band power summed over the event */
    uint32_t mu_n;       /* ... over this many frames */
    int mu_quiet;        /* set at its end: it did not raise the motor-unit band (lane.c) */
} ltri_lane_twitch;

typedef struct ltri_lane {
    ltri_cascade_state smooth;
    ltri_noise noise;
    ltri_lane_state state;
    ltri_lane_frame last_quiet; /* last frame the envelope was near the floor */
    ltri_lane_frame since;      /* CANDIDATE start / GAP start / BUSY quiet start */
    ltri_lane_frame refractory_until;
    int above_off;              /* the envelope is above the off threshold */
    ltri_lane_frame weak_onset, weak_rise; /* latest rise above off: its onset and frame (0 = none) */
    int settling;               /* how the last blocked stretch ended (LANE_BLOCKED...) */
    int tail;                   /* BUSY in the tail of a twitch (accelerometer): a new hump may begin */
    float tail_loud;            /* the twitch's half-way level (lane.c, track_peak) */
    float tail_min;             /* the tail's lowest envelope so far, and its frame */
    ltri_lane_frame tail_min_t;
    ltri_lane_twitch tw;
    ltri_amp_span span;         /* a lane with min_span (loud: with min_loud) only */
    float spiky;                /* with min_loud: fraction of the background's frames at
                                   loud_noise or more (end-plate spikes; ~0 in Gaussian noise) */
    float spiky_w;              /* the weight spiky has gathered: spiky / spiky_w is the
                                   mean so far (bias correction, as noise.c's CFAR rate) */
    ltri_real mu_z[1][2];       /* with mu_rise: the motor-unit band's low-pass state */
    uint32_t mu_tick;
    float mu_bg, mu_w;          /* ... that band's power while idle, and the weight it has
                                   gathered (the same bias correction as spiky's) */
    /* Byte offset from this lane to its hump levels (a lane with hump_onset), 0 = none.
     * An offset, not a pointer: the lane may be memcpy'd along with its levels. Set by
     * ltri_lane_attach_levels; ltri_lane_reset keeps it. */
    uint32_t levels_at;
    /* The same for its scan (a lane whose design scans), 0 = none: ltri_lane_attach_scan. */
    uint32_t scan_at;
} ltri_lane;

/* Give a lane its hump levels (after ltri_lane_reset or before; lv after l in memory,
 * both in the block that is copied as one). Needed by a lane whose design has
 * hump_onset. */
static inline void ltri_lane_attach_levels(ltri_lane *l, ltri_lane_levels *lv)
{
    l->levels_at = (uint32_t)((unsigned char *)lv - (unsigned char *)l);
}

/* Give a lane its scan (the same rules as its levels). Needed by a lane whose design
 * scans (ltri_scan_wanted). */
static inline void ltri_lane_attach_scan(ltri_lane *l, ltri_scan *sc)
{
    l->scan_at = (uint32_t)((unsigned char *)sc - (unsigned char *)l);
}

static inline ltri_scan *ltri_lane_scan_of(ltri_lane *l)
{
    return (ltri_scan *)(void *)((unsigned char *)l + l->scan_at);
}

static inline ltri_lane_levels *ltri_lane_levels_of(ltri_lane *l)
{
    return (ltri_lane_levels *)(void *)((unsigned char *)l + l->levels_at);
}

void ltri_lane_design_init(ltri_lane_design *d, const ltr_config *cfg, ltr_sensor sensor);
void ltri_lane_reset(ltri_lane *l);

/*
 * One step at lane frame t: env = smoothed envelope, amp_sq = squared band-passed
 * amplitude, y = the conditioned sample (EMG; needle EMG measures its motor-unit band
 * from it, lane.c: MU_BAND_HZ; 0 for an accelerometer), blocked = artifact or recovery (LANE_BLOCKED, with the bits of
 * LANE_BLOCKED_REARM: no settling afterwards, and of LANE_BLOCKED_PULSE: a pulse). Returns news; BEGIN/END/CANCEL
 * describe l->tw.
 */
ltri_lane_news ltri_lane_step(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t,
                              float env, float amp_sq, float y, int blocked);

/* Accelerometer: after a step, add this frame's energy (all of the band, and its
 * twitch band) to the event in progress, if one is. [RT] */
static inline void ltri_lane_note_band(ltri_lane *l, float all, float hi)
{
    if (l->state == LANE_CANDIDATE || l->state == LANE_ACTIVE || l->state == LANE_GAP) {
        l->tw.band_all += all;
        l->tw.band_hi += hi;
    }
}

/* End of stream: close an open twitch (END with LTR_FLAG_TRUNCATED, or CANCEL). */
ltri_lane_news ltri_lane_finish(const ltri_lane_design *d, ltri_lane *l, ltri_lane_frame t);

#endif /* LTR_CORE_LANE_H */
