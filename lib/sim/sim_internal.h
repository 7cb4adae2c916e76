/*
 * libltr-sim internals: random numbers, small filters, waveform shapes, the
 * element schedule and the simulator object. Nothing here is exported.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_SIM_INTERNAL_H
#define LTR_SIM_INTERNAL_H

#include "ltr/ltr_sim.h"

#include <stddef.h>
#include <stdint.h>

/* Strict C11 has no M_PI. */
#define LTRS_PI 3.14159265358979323846
#define LTRS_TWO_PI 6.28318530717958647692

/* --- random numbers (rng.c) ---------------------------------------------- */

/* xoshiro256** (Blackman & Vigna 2018) seeded through splitmix64. */
typedef struct ltrs_rng {
    uint64_t s[4];
    double spare;
    int has_spare;
} ltrs_rng;

/* Independent streams: the same (seed, stream, index) always gives the same
 * sequence, and different streams do not overlap in practice. */
void ltrs_rng_seed(ltrs_rng *rng, uint64_t seed, uint64_t stream, uint64_t index);
double ltrs_uniform(ltrs_rng *rng);                 /* [0, 1) */
double ltrs_gauss(ltrs_rng *rng);                   /* N(0, 1), Box-Muller */
double ltrs_range(ltrs_rng *rng, ltr_sim_range r);  /* uniform in [min, max] */
double ltrs_logrange(ltrs_rng *rng, ltr_sim_range r); /* log-uniform (min > 0) */
double ltrs_exponential(ltrs_rng *rng, double mean);
unsigned ltrs_irange(ltrs_rng *rng, ltr_sim_range r); /* integer in [round(min), round(max)] */
void ltrs_unit_vector(ltrs_rng *rng, double v[3]);  /* uniform on the sphere */

/* Stream identifiers. */
enum {
    LTRS_STREAM_SCHEDULE = 1,
    LTRS_STREAM_ELEMENT = 2,
    LTRS_STREAM_EMG_NOISE = 3,
    LTRS_STREAM_AMP_NOISE = 4,
    LTRS_STREAM_TONIC = 5,
    LTRS_STREAM_ENDPLATE = 6,
    LTRS_STREAM_ACC_NOISE = 7,
    LTRS_STREAM_WANDER = 8,
    LTRS_STREAM_MAINS = 9,
    LTRS_STREAM_LAYOUT = 10
};

/* --- biquads (biquad.c) ---------------------------------------------------- */

typedef struct ltrs_biquad {
    double b0, b1, b2, a1, a2;
    double z1, z2;
} ltrs_biquad;

/* Bilinear-transform designs (RBJ cookbook forms), prewarped at fc. */
void ltrs_biquad_lowpass(ltrs_biquad *bq, double fs, double fc, double q);
void ltrs_biquad_highpass(ltrs_biquad *bq, double fs, double fc, double q);
double ltrs_biquad_run(ltrs_biquad *bq, double x);

/* Q of the two sections of a 4th-order Butterworth. */
#define LTRS_BW4_Q1 0.54119610014619698
#define LTRS_BW4_Q2 1.30656296487637653

/* --- waveform shapes (waves.c) --------------------------------------------- */

/* A motor-unit action potential: Hermite-Rodriguez functions (Lo Conte et al.
 * 1994), order 1 (biphasic) or 2 (triphasic), or a polyphasic sum; lasting
 * duration_s (support), peak |value| 1. */
typedef struct ltrs_muap {
    int order;           /* 1, 2, or 3 = polyphasic */
    double duration_s;
    double sign;
    double poly_offset[3];
    double poly_weight[3];
} ltrs_muap;

void ltrs_muap_draw(ltrs_muap *m, ltrs_rng *rng, double duration_s, double polyphasic_p);
/* Value at t seconds from the start of the MUAP's support [0, duration_s). */
double ltrs_muap_value(const ltrs_muap *m, double t);
/* Add amplitude * MUAP whose support starts at time t0_s into buf[0..n) (frames
 * at fs, frame k at time k / fs); only frames inside the support are touched. */
void ltrs_muap_add(float *buf, size_t n, double fs, const ltrs_muap *m, double t0_s,
                   double amplitude);

/* --- elements (schedule.c, render.c) ------------------------------------------ */

#define LTRS_NP 12

typedef struct ltrs_element {
    ltr_sim_event ev;     /* its ground truth */
    uint64_t start, end;  /* frames it may touch: [start, end) */
    uint64_t id;          /* stream index of its own random numbers */
    double p[LTRS_NP];    /* kind-specific parameters (see schedule.c) */
    /* cache, built when first touched, freed when passed */
    float *emg;           /* EMG waveform (uV, channel gain 1) from `start` */
    size_t emg_len;
    float *acc;           /* scalar acceleration (g) from `start + acc_off` */
    size_t acc_len;
    uint64_t acc_off;
    int built;
} ltrs_element;

/* Element parameter slots. */
enum {
    /* LTR */
    LTRS_P_RMS_UV = 0, LTRS_P_ACC_G = 1, LTRS_P_CONTRACTION_S = 2, LTRS_P_RESONANCE_HZ = 3,
    /* direction of the mechanical response (all kinds with an ACC part) */
    LTRS_P_DIR_X = 4, LTRS_P_DIR_Y = 5, LTRS_P_DIR_Z = 6,
    /* needle */
    LTRS_P_TRANSIENT_UV = 0, LTRS_P_TRANSIENT_TAU_S = 1, LTRS_P_INSERTIONAL_UV = 2,
    LTRS_P_JOLT_G = 3,
    /* stim */
    LTRS_P_RATE_HZ = 0, LTRS_P_WIDTH_S = 1, LTRS_P_PULSES = 2, LTRS_P_PULSE_UV = 3,
    /* voluntary: RMS_UV, ACC_G as LTR */
    /* ecg */
    LTRS_P_R_UV = 0, LTRS_P_R_TIME_S = 1, LTRS_P_RR_S = 2,
    /* motion */
    LTRS_P_PEAK_G = 0,
    /* electrolysis: current-on time, recovery tau, sign; clip: factor, sign */
    LTRS_P_ON_S = 0, LTRS_P_TAU_S = 1, LTRS_P_SIGN = 2, LTRS_P_FACTOR = 0
};

/* --- the simulator (sim.c) ------------------------------------------------------ */

#define LTRS_CHUNK 2048u
#define LTRS_MAX_CH (LTR_SIM_MAX_EMG + 3u)

typedef struct ltrs_emg_state {
    ltrs_rng noise_rng, amp_rng, tonic_rng, ep_rng, wander_rng;
    ltrs_biquad hp[2], lp[2];
    int use_lp;
    double noise_norm;      /* 1 / RMS of the filtered unit noise */
    /* slow processes at tick rate, linearly interpolated */
    double tonic_y0, tonic_y1;
    double wander_s1, wander_s2, wander_y0, wander_y1;
    /* end-plate noise and spikes: pole chains excited by Poisson impulses */
    double mepp_s1, mepp_s2, spike_s1, spike_s2, spike_s3;
    double next_mepp_s, next_spike_s;
} ltrs_emg_state;

struct ltr_sim {
    ltr_sim_params p;
    double fs;
    unsigned n_ch;
    uint64_t total;
    uint64_t pos;

    ltrs_element *el;       /* sorted by start */
    size_t n_el;
    size_t lo;              /* elements before lo are finished */
    ltr_sim_event *truth;   /* sorted by onset */
    size_t n_truth;

    double bg_rms_uv;
    double emg_gain[LTR_SIM_MAX_EMG];
    double gravity[3];
    double twitch_dir[3];

    /* background */
    ltrs_emg_state emg[LTR_SIM_MAX_EMG];
    ltrs_rng acc_rng;
    double acc_noise_g;
    /* end-plate constants */
    double mepp_a, mepp_scale, mepp_mean, spike_a, spike_tau_s, spike_scale;
    double ep_rms_uv;
    /* ticks */
    uint64_t tick;          /* frames per tick */
    double tonic_a, wander_a, wander_norm;
    /* mains */
    ltrs_rng mains_rng;
    double mains_phase, mains_drift_y;
    double mains_zr, mains_zi, mains_rr, mains_ri;
    double mains_amp[32];

    /* output stage */
    float prev_frame[LTRS_MAX_CH];
    double *work;           /* LTRS_CHUNK * n_ch */
};

/* schedule.c: draw the elements and the truth from the parameters. */
ltr_sim_status ltrs_schedule(ltr_sim *sim);

/* render.c: add element e's contribution to frames [c0, c0 + n) of work
 * (doubles, uV / g, n_ch interleaved). Returns LTR_SIM_ERR_MEMORY if its cache
 * could not be built. */
ltr_sim_status ltrs_render(ltr_sim *sim, ltrs_element *e, uint64_t c0, size_t n, double *work);
/* Overwrite frames with a dropout / NaN run (after the output stage). */
void ltrs_render_loss(ltr_sim *sim, ltrs_element *e, uint64_t c0, size_t n, float *out);
void ltrs_element_release(ltrs_element *e);

/* Which component bit renders a kind. */
uint32_t ltrs_kind_component(ltr_sim_kind kind);

#endif /* LTR_SIM_INTERNAL_H */
