/*
 * Fusion of lane news into twitches, and their confidence (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The first lane that begins opens a twitch (BEGIN at once); other lanes join while
 * it is open; it closes (END, or CANCEL when no lane saw it through or an EMG lane
 * ran too long with no accelerometer twitch in it) when every lane is done and the
 * accelerometer had its electromechanical delay to confirm. EMG and accelerometer
 * agreeing within that delay make a FUSED twitch (fused_flags in fusion.c, the one place of that rule),
 * which gets a higher confidence than either sensor alone.
 *
 * Frames: lanes report on their lane frames; fusion puts onsets, peaks and offsets
 * on the input time base by removing each lane's filter delays (timebase.h).
 * Real-time safe: no allocation, work bounded by the number of lanes.
 */
#ifndef LTR_CORE_FUSION_H
#define LTR_CORE_FUSION_H

#include <stdint.h>

#include "lane.h"
#include "ltr/ltr.h"
#include "timebase.h"

/* Sensor kinds, indexed by ltr_sensor (EMG 0, accelerometer 1). */
#define LTRI_N_SENSORS 2

/* No frame (an onset not seen). */
#define LTRI_NO_FRAME UINT64_MAX

/* A lane as the detector runs it: the state machine, what it looks at, the delays
 * that put its lane frames on the input time base (fusion reads these), and the
 * per-frame loop's own bookkeeping. */
typedef struct ltri_lane_slot {
    ltri_lane lane;
    ltri_lane_frame blocked_until; /* blocked before this lane frame (artifact recovery) */
    int blocked_as;          /* what the last blocking was: LANE_BLOCKED, _REARM, _PULSE */
    uint64_t delay;          /* band-pass + smoother delay, removed from peaks and offsets, frames */
    uint64_t onset_delay;    /* band-pass delay only, removed from onsets (see lane_onset) */
    uint32_t channels;       /* channel mask */
    ltr_sensor sensor;
    float energy, amp_sq;    /* this frame's inputs */
    float hi;                /* accelerometer: this frame's energy in the twitch band */
    float y;                 /* EMG: this frame's conditioned sample (lane.c: MU_BAND_HZ) */
} ltri_lane_slot;

typedef struct ltri_fusion_design {
    uint64_t window;         /* electromechanical delay an accelerometer may confirm in, frames */
    uint64_t early;          /* an accelerometer onset this much before the EMG's still confirms */
    uint64_t emd_min;        /* shortest electromechanical delay: an accelerometer-only stir
                                beginning sooner after the EMG onset is a needle movement */
    uint64_t latency_min;    /* shortest LTR latency after the needle movement, frames */
    uint64_t sustained;      /* an EMG event this long is sustained activity (fusion.c) */
    uint64_t stroke_alone;   /* an event begun at an electrode step and shorter than this is
                                the needle movement alone, frames */
    uint64_t latency;        /* the detector's fixed delay, frames (CANCEL offsets) */
    float threshold_on_db;   /* confidence: its midpoint */
    int has[LTRI_N_SENSORS]; /* the sensors present */
    int acc_confirms;        /* an EMG twitch the accelerometer did not stir for is cancelled */
} ltri_fusion_design;

/* The twitch being assembled from lane news. Lane masks: bit l = lane l. */
typedef struct ltri_twitch {
    int open;
    uint32_t id;
    uint64_t active, done, cancelled;  /* lanes in it, ended, cancelled */
    ltri_frame opened;                 /* input frame of the first BEGIN */
    uint32_t cancel_flags;
    int voluntary;                     /* an EMG lane ran too long */
    int best_emg;                      /* the describing lane is an EMG lane */
    ltri_frame onset, offset, peak;
    ltri_frame onset_of[LTRI_N_SENSORS]; /* earliest onset per sensor, LTRI_NO_FRAME = none */
    ltri_frame ended_of[LTRI_N_SENSORS]; /* earliest onset per sensor of the lanes that
                                            ended (not cancelled), LTRI_NO_FRAME = none */
    float snr_db, amplitude;           /* of the lane that describes it */
    float snr_of[LTRI_N_SENSORS];      /* best per sensor, -1 = none */
    ltri_frame weak_onset;             /* EMG onset of sub-threshold activity, LTRI_NO_FRAME = none */
    uint32_t weak_channels;            /* the EMG channels that showed it */
    uint32_t channels;
} ltri_twitch;

typedef struct ltri_fusion {
    ltri_twitch tw;
    uint32_t next_id;
} ltri_fusion;

/* A twitch event as fusion describes it: the detector adds the artifact context
 * (flags, stimulus), then the confidence from snr_of (BEGIN and END only). */
typedef struct ltri_fused_event {
    ltr_event ev;
    float snr_of[LTRI_N_SENSORS]; /* evidence per sensor, dB, -1 = that sensor did not see it */
} ltri_fused_event;

void ltri_fusion_design_init(ltri_fusion_design *fd, const ltr_config *cfg, int has_emg,
                             int has_acc, uint64_t latency);
/* New stream: no twitch open. */
void ltri_fusion_reset_stream(ltri_fusion *f);
/* Also restart the ids at 1. */
void ltri_fusion_reset(ltri_fusion *f);

/* Lane l began at input frame n. Returns 1 with a BEGIN in *out when it opens a twitch,
 * 0 when it joins the open one. */
int ltri_fusion_begin(const ltri_fusion_design *fd, ltri_fusion *f, const ltri_lane_slot *lanes,
                      unsigned n_lanes, unsigned l, ltri_frame n, ltri_fused_event *out);
/* Lane l ended its part of the twitch. */
void ltri_fusion_end(ltri_fusion *f, const ltri_lane_slot *lanes, unsigned l);
/* Lane l cancelled its part. */
void ltri_fusion_cancel(ltri_fusion *f, const ltri_lane_slot *lanes, unsigned l);
/* The open twitch may close at input frame n: every lane is done, and the
 * accelerometer had its delay to confirm. */
int ltri_fusion_due(const ltri_fusion_design *fd, const ltri_fusion *f, ltri_frame n);
/* Close the open twitch at input frame n: END or CANCEL in *out. step_onset..step_end
 * (input frames, end exclusive; step_end 0 = none) is the latest electrode step's
 * blanking (a needle movement, found or marked). */
void ltri_fusion_close(const ltri_fusion_design *fd, ltri_fusion *f, const ltri_lane_slot *lanes,
                       unsigned n_lanes, ltri_frame n, ltri_frame step_onset, ltri_frame step_end,
                       ltri_fused_event *out);

/* Confidence of a twitch from each sensor's evidence (snr_of) and its flags. */
float ltri_fusion_confidence(const ltri_fusion_design *fd, const float *snr_of, uint32_t flags);

#endif /* LTR_CORE_FUSION_H */
