/*
 * Named scenarios: the defaults plus a few changes each. Every scenario is a
 * plausible piece of a dry-needling session, not an easy case for a detector.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim_internal.h"

#include <string.h>

typedef struct scenario {
    const char *name;
    const char *description;
    void (*apply)(ltr_sim_params *p);
} scenario;

static ltr_sim_range rg(double lo, double hi)
{
    ltr_sim_range r = {lo, hi};
    return r;
}

static void needle_electrode(ltr_sim_params *p, double fs)
{
    p->electrode = LTR_SIM_NEEDLE_ELECTRODE;
    p->sample_rate_hz = fs;
    /* needle at rest: little tonic activity, wide-band amplifier noise
     * (assumption: 3 uV over 5 kHz), +-20 mV input range */
    p->emg_rest_rms_uv = 3.0;
    p->amp_noise_rms_uv = 3.0;
    p->adc_range_mv = 20.0;
    p->wander_uv = 20.0;
    p->ltr_snr_db = rg(10.0, 26.0);
}

static void sc_surface_basic(ltr_sim_params *p)
{
    /* twitches only (snapping palpation style), with mains and wander */
    p->duration_s = 60.0;
    p->ltr_follow_needle = 0;
}

static void sc_surface_acc(ltr_sim_params *p)
{
    p->duration_s = 60.0;
    p->acc = 1;
    p->needle_bouts_per_min = 4.0;
    p->ltr_probability = 0.6;
    p->motion_per_min = 3.0;
}

static void sc_needle_10k(ltr_sim_params *p)
{
    needle_electrode(p, 10000.0);
    p->duration_s = 30.0;
    p->needle_bouts_per_min = 6.0;
    p->ltr_probability = 0.6;
}

static void sc_needle_60hz_20k(ltr_sim_params *p)
{
    needle_electrode(p, 20000.0);
    p->duration_s = 20.0;
    p->mains_hz = 60.0;
    p->mains_uv = 40.0;
    p->needle_bouts_per_min = 8.0;
    p->ltr_probability = 0.6;
}

static void sc_acc_only(ltr_sim_params *p)
{
    p->sample_rate_hz = 500.0;
    p->duration_s = 90.0;
    p->n_emg = 0;
    p->acc = 1;
    p->needle_bouts_per_min = 4.0;
    p->ltr_probability = 0.6;
    p->motion_per_min = 4.0;
}

static void sc_mains_60hz(ltr_sim_params *p)
{
    p->sample_rate_hz = 1000.0;
    p->duration_s = 60.0;
    p->acc = 1;
    p->mains_hz = 60.0;
    p->mains_uv = 300.0; /* a poorly prepared skin in a clinic full of equipment */
    p->mains_harmonic_decay = 0.5;
    p->ltr_follow_needle = 0;
}

static void sc_stim(ltr_sim_params *p)
{
    p->sample_rate_hz = 4000.0;
    p->duration_s = 60.0;
    p->acc = 1;
    p->ltr_follow_needle = 0;
    p->stim_trains_per_min = 3.0;
    p->stim_train_s = rg(5.0, 10.0);
    p->stim_high_rate_fraction = 0.5;
}

static void sc_heavy_needle(ltr_sim_params *p)
{
    needle_electrode(p, 10000.0);
    p->duration_s = 30.0;
    p->acc = 1;
    p->needle_bouts_per_min = 12.0;
    p->needle_movements = rg(6.0, 15.0);
    p->needle_rate_hz = rg(1.5, 3.0);
    p->ltr_probability = 0.25;
    p->motion_per_min = 4.0;
}

static void sc_voluntary(ltr_sim_params *p)
{
    p->duration_s = 60.0;
    p->acc = 1;
    p->ltr_follow_needle = 0;
    p->voluntary_per_min = 5.0;
}

static void sc_low_snr(ltr_sim_params *p)
{
    p->duration_s = 60.0;
    p->ltr_follow_needle = 0;
    p->ltr_snr_db = rg(0.0, 8.0);
    p->emg_tonic_log_sd = 0.4;
}

static void sc_ecg_trunk(ltr_sim_params *p)
{
    /* trapezius / paraspinal surface EMG: the heart is close */
    p->duration_s = 60.0;
    p->ltr_follow_needle = 0;
    p->ecg_uv = 150.0;
    p->ecg_bpm = rg(60.0, 95.0);
}

static void sc_artifacts(ltr_sim_params *p)
{
    p->duration_s = 60.0;
    p->acc = 1;
    p->adc_bits = 16;
    p->needle_bouts_per_min = 4.0;
    p->ltr_probability = 0.6;
    p->electrolysis_per_min = 1.0;
    p->clip_per_min = 2.0;
    p->dropout_per_min = 2.0;
    p->nan_per_min = 2.0;
}

static void sc_session(ltr_sim_params *p)
{
    /* an hour with everything: for streaming and soak tests, not for data/ */
    p->duration_s = 3600.0;
    p->acc = 1;
    p->adc_bits = 16;
    p->needle_bouts_per_min = 3.0;
    p->ltr_probability = 0.5;
    p->motion_per_min = 2.0;
    p->stim_trains_per_min = 0.5;
    p->stim_high_rate_fraction = 0.5;
    p->voluntary_per_min = 1.0;
    p->ecg_uv = 60.0;
    p->electrolysis_per_min = 0.2;
    p->clip_per_min = 0.3;
    p->dropout_per_min = 0.5;
    p->nan_per_min = 0.5;
}

/* Needling sites (issue 11): bouts of pistoning, one site each, a few seconds apart;
 * twitch series that habituate and stop within a site; some sites give none. */
static void sites_common(ltr_sim_params *p)
{
    p->duration_s = 240.0;
    p->acc = 1;
    p->needle_bouts_per_min = 6.0;       /* unused with a fixed gap; kept > 0: needling on */
    p->needle_bout_gap_s = rg(3.0, 8.0);
    p->needle_movements = rg(6.0, 14.0);
    p->needle_rate_hz = rg(1.0, 2.0);
    p->ltr_probability = 0.9;            /* the first strokes at a trigger point mostly hit */
    p->ltr_habituation = rg(0.55, 0.85); /* the series fades and stops within a bout */
    p->needle_site_miss = 0.25;
}

static void sc_sites(ltr_sim_params *p)
{
    needle_electrode(p, 10000.0);
    sites_common(p);
}

static void sc_sites_surface(ltr_sim_params *p)
{
    sites_common(p);
}

static const scenario scenarios[] = {
    {"surface_basic", "surface EMG 2 kHz, palpation-style LTRs, 50 Hz mains, wander",
     sc_surface_basic},
    {"surface_acc", "surface EMG + 3-axis accelerometer 2 kHz, needling bouts, hand motion",
     sc_surface_acc},
    {"needle_10k", "needle EMG 10 kHz at a trigger point: end-plate noise, pistoning, insertional activity",
     sc_needle_10k},
    {"needle_60hz_20k", "needle EMG 20 kHz, 60 Hz mains, frequent pistoning", sc_needle_60hz_20k},
    {"acc_only", "accelerometer only 500 Hz, needling jolts and hand motion", sc_acc_only},
    {"mains_60hz", "surface EMG + accelerometer 1 kHz under strong 60 Hz mains with harmonics",
     sc_mains_60hz},
    {"stim", "surface EMG + accelerometer 4 kHz with 2-4 Hz and 80-100 Hz stimulation trains",
     sc_stim},
    {"heavy_needle", "needle EMG 10 kHz + accelerometer, heavy manipulation, few LTRs",
     sc_heavy_needle},
    {"voluntary", "surface EMG + accelerometer with voluntary contractions of 1-5 s", sc_voluntary},
    {"low_snr", "surface EMG, LTRs 0-8 dB above a fluctuating background", sc_low_snr},
    {"ecg_trunk", "trunk surface EMG with ECG crosstalk", sc_ecg_trunk},
    {"artifacts", "surface EMG + accelerometer: electrolysis, clipping, dropouts, NaN runs, 16-bit ADC",
     sc_artifacts},
    {"session", "one hour with every nuisance (streaming, soak)", sc_session},
    {"sites", "needle EMG 10 kHz + accelerometer, 4 min of needling sites: pistoning bouts, "
              "habituating twitch series that stop, sites without any", sc_sites},
    {"sites_surface", "surface EMG + accelerometer 2 kHz, the needling sites of 'sites'",
     sc_sites_surface},
};

#define N_SCENARIOS (sizeof scenarios / sizeof scenarios[0])

size_t ltr_sim_scenario_count(void)
{
    return N_SCENARIOS;
}

const char *ltr_sim_scenario_name(size_t i)
{
    return i < N_SCENARIOS ? scenarios[i].name : NULL;
}

const char *ltr_sim_scenario_description(size_t i)
{
    return i < N_SCENARIOS ? scenarios[i].description : NULL;
}

ltr_sim_status ltr_sim_scenario(const char *name, ltr_sim_params *p)
{
    if (name == NULL || p == NULL)
        return LTR_SIM_ERR_NULL;
    for (size_t i = 0; i < N_SCENARIOS; i++) {
        if (strcmp(name, scenarios[i].name) == 0) {
            ltr_sim_params_default(p);
            scenarios[i].apply(p);
            return LTR_SIM_OK;
        }
    }
    return LTR_SIM_ERR_SCENARIO;
}
