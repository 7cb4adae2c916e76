/*
 * Parameter defaults and checks, status strings and kind names.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The sources of the defaults are given in include/ltr/ltr_sim.h, field by
 * field, and summarised in lib/sim/README.md.
 */
#include "sim_internal.h"

#include <math.h>
#include <string.h>

const char *ltr_sim_status_string(ltr_sim_status status)
{
    switch (status) {
    case LTR_SIM_OK: return "success";
    case LTR_SIM_ERR_NULL: return "a required pointer was NULL";
    case LTR_SIM_ERR_SAMPLE_RATE: return "sample rate outside 250 Hz .. 50 kHz";
    case LTR_SIM_ERR_CHANNELS: return "no channel, or too many EMG channels";
    case LTR_SIM_ERR_DURATION: return "duration not finite, not positive, or longer than 24 h";
    case LTR_SIM_ERR_PARAM: return "a simulation parameter is out of range";
    case LTR_SIM_ERR_MEMORY: return "out of memory";
    case LTR_SIM_ERR_SCENARIO: return "no scenario of that name";
    case LTR_SIM_ERR_IO: return "writing the file failed";
    }
    return "unknown status";
}

static const char *const kind_names[LTR_SIM_N_KINDS] = {
    "ltr", "voluntary", "needle", "stim", "ecg", "motion", "electrolysis", "clip", "dropout",
    "nan",
};

const char *ltr_sim_kind_name(ltr_sim_kind kind)
{
    if ((unsigned)kind >= LTR_SIM_N_KINDS)
        return "unknown";
    return kind_names[kind];
}

int ltr_sim_kind_from_name(const char *name)
{
    if (name == NULL)
        return -1;
    for (unsigned k = 0; k < LTR_SIM_N_KINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return (int)k;
    return -1;
}

static ltr_sim_range rg(double lo, double hi)
{
    ltr_sim_range r = {lo, hi};
    return r;
}

void ltr_sim_params_default(ltr_sim_params *p)
{
    if (p == NULL)
        return;
    memset(p, 0, sizeof *p);
    p->sample_rate_hz = 2000.0;
    p->duration_s = 60.0;
    p->seed = 1;
    p->n_emg = 1;
    p->acc = 0;
    p->electrode = LTR_SIM_SURFACE;
    p->components = LTR_SIM_C_ALL;

    p->emg_rest_rms_uv = 4.0;
    p->emg_tonic_log_sd = 0.25;
    p->emg_tonic_period_s = 10.0;
    p->amp_noise_rms_uv = 1.0;
    p->emg_band_lo_hz = 0.0;
    p->emg_band_hi_hz = 0.0;
    p->endplate_noise_rate_hz = 300.0;
    p->endplate_noise_uv = rg(10.0, 50.0);
    p->endplate_spike_rate_hz = 10.0;
    p->endplate_spike_uv = rg(100.0, 200.0);
    p->acc_noise_ug_per_rthz = 150.0;

    p->ltr_follow_needle = 1;
    p->ltr_probability = 0.5;
    p->ltr_reflex_latency_ms = rg(10.0, 40.0);
    p->ltr_interval_s = rg(1.5, 8.0);
    p->ltr_duration_ms = rg(25.0, 250.0);
    p->ltr_snr_db = rg(6.0, 20.0);
    p->ltr_units = rg(3.0, 10.0);
    p->ltr_unit_rate_hz = rg(20.0, 60.0);
    p->ltr_habituation = rg(0.75, 0.95);
    p->ltr_series_len = rg(3.0, 8.0);
    p->ltr_series_gap_s = rg(3.0, 10.0);
    p->ltr_emd_ms = rg(10.0, 50.0);
    p->ltr_acc_peak_g = rg(0.02, 0.2);
    p->ltr_contraction_ms = rg(30.0, 90.0);
    p->ltr_acc_resonance_hz = rg(10.0, 30.0);

    p->mains_hz = 50.0;
    p->mains_uv = 20.0;
    p->mains_harmonics = 7;
    p->mains_harmonic_decay = 0.35;
    p->mains_drift_hz = 0.05;
    p->wander_uv = 50.0;
    p->wander_hz = 0.5;

    p->motion_per_min = 0.0;
    p->motion_duration_s = rg(1.0, 6.0);
    p->motion_peak_g = rg(0.05, 0.3);
    p->motion_emg_uv = 20.0;

    p->needle_bouts_per_min = 0.0;
    p->needle_movements = rg(3.0, 10.0);
    p->needle_rate_hz = rg(1.0, 2.0);
    p->needle_transient_uv = rg(200.0, 2000.0);
    p->needle_transient_ms = rg(5.0, 50.0);
    p->needle_insertional_ms = rg(300.0, 500.0);
    p->needle_insertional_uv = rg(50.0, 300.0);
    p->needle_surface_factor = 0.05;
    p->needle_jolt_g = rg(0.01, 0.08);

    p->stim_trains_per_min = 0.0;
    p->stim_train_s = rg(5.0, 15.0);
    p->stim_rate_hz = rg(2.0, 4.0);
    p->stim_high_rate_hz = rg(80.0, 100.0);
    p->stim_high_rate_fraction = 0.0;
    p->stim_width_us = rg(50.0, 250.0);
    p->stim_uv = 2000.0;
    p->stim_tail_ms = 3.0;
    p->stim_evoked_uv = 200.0;
    p->stim_evoked_g = 0.03;

    p->electrolysis_per_min = 0.0;
    p->electrolysis_s = rg(3.0, 3.0);
    p->electrolysis_recovery_s = rg(0.3, 1.0);

    p->voluntary_per_min = 0.0;
    p->voluntary_s = rg(1.0, 5.0);
    p->voluntary_db = rg(15.0, 30.0);
    p->voluntary_acc_g = rg(0.02, 0.1);

    p->ecg_uv = 0.0;
    p->ecg_bpm = rg(60.0, 90.0);

    p->clip_per_min = 0.0;
    p->clip_ms = rg(20.0, 200.0);
    p->adc_range_mv = 5.0;
    p->acc_range_g = 8.0;
    p->adc_bits = 0;

    p->dropout_per_min = 0.0;
    p->dropout_ms = rg(10.0, 300.0);
    p->dropout_hold = 1;
    p->nan_per_min = 0.0;
    p->nan_ms = rg(10.0, 300.0);

    p->acc_random_orientation = 1;
    p->needle_bout_gap_s = rg(0.0, 0.0);
    p->needle_site_miss = 0.0;
    p->gravity_dir[0] = 0.0;
    p->gravity_dir[1] = 0.0;
    p->gravity_dir[2] = -1.0;
    p->twitch_dir[0] = 0.0;
    p->twitch_dir[1] = 0.0;
    p->twitch_dir[2] = 1.0;
}

static int finite_nonneg(double x)
{
    return isfinite(x) && x >= 0.0;
}

static int range_ok(ltr_sim_range r, int positive)
{
    if (!isfinite(r.min) || !isfinite(r.max) || r.min > r.max)
        return 0;
    return positive ? r.min > 0.0 : r.min >= 0.0;
}

#define BAD(field)                  \
    do {                            \
        if (what != NULL)           \
            *what = field;          \
        return LTR_SIM_ERR_PARAM;   \
    } while (0)
#define CHECK_RANGE(field, positive)           \
    do {                                       \
        if (!range_ok(p->field, positive))     \
            BAD(#field);                       \
    } while (0)
#define CHECK_NONNEG(field)                    \
    do {                                       \
        if (!finite_nonneg(p->field))          \
            BAD(#field);                       \
    } while (0)

ltr_sim_status ltr_sim_params_check(const ltr_sim_params *p, const char **what)
{
    if (what != NULL)
        *what = NULL;
    if (p == NULL)
        return LTR_SIM_ERR_NULL;
    if (!isfinite(p->sample_rate_hz) || p->sample_rate_hz < LTR_MIN_SAMPLE_RATE_HZ ||
        p->sample_rate_hz > LTR_MAX_SAMPLE_RATE_HZ) {
        if (what != NULL)
            *what = "sample_rate_hz";
        return LTR_SIM_ERR_SAMPLE_RATE;
    }
    if (!isfinite(p->duration_s) || p->duration_s <= 0.0 ||
        p->duration_s > LTR_SIM_MAX_DURATION_S) {
        if (what != NULL)
            *what = "duration_s";
        return LTR_SIM_ERR_DURATION;
    }
    if (p->n_emg > LTR_SIM_MAX_EMG || (p->n_emg == 0 && !p->acc)) {
        if (what != NULL)
            *what = "n_emg";
        return LTR_SIM_ERR_CHANNELS;
    }
    if (p->electrode != LTR_SIM_SURFACE && p->electrode != LTR_SIM_NEEDLE_ELECTRODE)
        BAD("electrode");
    const double nyq = 0.5 * p->sample_rate_hz;
    CHECK_NONNEG(emg_rest_rms_uv);
    CHECK_NONNEG(emg_tonic_log_sd);
    if (!(p->emg_tonic_log_sd <= 2.0))
        BAD("emg_tonic_log_sd");
    if (!(isfinite(p->emg_tonic_period_s) && p->emg_tonic_period_s > 0.0))
        BAD("emg_tonic_period_s");
    CHECK_NONNEG(amp_noise_rms_uv);
    CHECK_NONNEG(emg_band_lo_hz);
    CHECK_NONNEG(emg_band_hi_hz);
    if (p->emg_band_lo_hz >= nyq * 0.9)
        BAD("emg_band_lo_hz");
    if (p->emg_band_hi_hz > 0.0 && p->emg_band_hi_hz <= p->emg_band_lo_hz)
        BAD("emg_band_hi_hz");
    CHECK_NONNEG(endplate_noise_rate_hz);
    CHECK_NONNEG(endplate_spike_rate_hz);
    CHECK_RANGE(endplate_noise_uv, 0);
    CHECK_RANGE(endplate_spike_uv, 0);
    CHECK_NONNEG(acc_noise_ug_per_rthz);

    if (!(isfinite(p->ltr_probability) && p->ltr_probability >= 0.0 && p->ltr_probability <= 1.0))
        BAD("ltr_probability");
    if (!(isfinite(p->needle_site_miss) && p->needle_site_miss >= 0.0 && p->needle_site_miss <= 1.0))
        BAD("needle_site_miss");
    CHECK_RANGE(needle_bout_gap_s, 0);
    CHECK_RANGE(ltr_reflex_latency_ms, 0);
    CHECK_RANGE(ltr_interval_s, 1);
    if (p->ltr_interval_s.min < 0.05)
        BAD("ltr_interval_s");
    CHECK_RANGE(ltr_duration_ms, 1);
    if (p->ltr_duration_ms.min < 3.0 || p->ltr_duration_ms.max > 2000.0)
        BAD("ltr_duration_ms");
    if (!isfinite(p->ltr_snr_db.min) || !isfinite(p->ltr_snr_db.max) ||
        p->ltr_snr_db.min > p->ltr_snr_db.max || p->ltr_snr_db.max > 80.0)
        BAD("ltr_snr_db");
    CHECK_RANGE(ltr_units, 1);
    if (p->ltr_units.max > 100.0)
        BAD("ltr_units");
    CHECK_RANGE(ltr_unit_rate_hz, 1);
    CHECK_RANGE(ltr_habituation, 1);
    if (p->ltr_habituation.max > 1.0)
        BAD("ltr_habituation");
    CHECK_RANGE(ltr_series_len, 1);
    CHECK_RANGE(ltr_series_gap_s, 0);
    CHECK_RANGE(ltr_emd_ms, 0);
    CHECK_RANGE(ltr_acc_peak_g, 0);
    CHECK_RANGE(ltr_contraction_ms, 1);
    CHECK_RANGE(ltr_acc_resonance_hz, 1);
    if (p->ltr_acc_resonance_hz.max >= nyq * 0.8)
        BAD("ltr_acc_resonance_hz");

    if (!(p->mains_hz == 0.0 || (isfinite(p->mains_hz) && p->mains_hz >= 40.0 &&
                                 p->mains_hz <= 70.0)))
        BAD("mains_hz");
    CHECK_NONNEG(mains_uv);
    if (p->mains_harmonics > 32)
        BAD("mains_harmonics");
    CHECK_NONNEG(mains_harmonic_decay);
    CHECK_NONNEG(mains_drift_hz);
    if (p->mains_drift_hz > 2.0)
        BAD("mains_drift_hz");
    CHECK_NONNEG(wander_uv);
    if (!(isfinite(p->wander_hz) && p->wander_hz > 0.0 && p->wander_hz <= 10.0))
        BAD("wander_hz");

    CHECK_NONNEG(motion_per_min);
    CHECK_RANGE(motion_duration_s, 1);
    CHECK_RANGE(motion_peak_g, 0);
    CHECK_NONNEG(motion_emg_uv);

    CHECK_NONNEG(needle_bouts_per_min);
    CHECK_RANGE(needle_movements, 1);
    CHECK_RANGE(needle_rate_hz, 1);
    CHECK_RANGE(needle_transient_uv, 0);
    CHECK_RANGE(needle_transient_ms, 1);
    CHECK_RANGE(needle_insertional_ms, 1);
    CHECK_RANGE(needle_insertional_uv, 0);
    CHECK_NONNEG(needle_surface_factor);
    CHECK_RANGE(needle_jolt_g, 0);

    CHECK_NONNEG(stim_trains_per_min);
    CHECK_RANGE(stim_train_s, 1);
    CHECK_RANGE(stim_rate_hz, 1);
    CHECK_RANGE(stim_high_rate_hz, 1);
    if (p->stim_rate_hz.max > 1000.0 || p->stim_high_rate_hz.max > 1000.0)
        BAD("stim_rate_hz");
    if (!(isfinite(p->stim_high_rate_fraction) && p->stim_high_rate_fraction >= 0.0 &&
          p->stim_high_rate_fraction <= 1.0))
        BAD("stim_high_rate_fraction");
    CHECK_RANGE(stim_width_us, 1);
    if (p->stim_width_us.max > 2000.0)
        BAD("stim_width_us");
    CHECK_NONNEG(stim_uv);
    CHECK_NONNEG(stim_tail_ms);
    CHECK_NONNEG(stim_evoked_uv);
    CHECK_NONNEG(stim_evoked_g);

    CHECK_NONNEG(electrolysis_per_min);
    CHECK_RANGE(electrolysis_s, 1);
    CHECK_RANGE(electrolysis_recovery_s, 1);

    CHECK_NONNEG(voluntary_per_min);
    CHECK_RANGE(voluntary_s, 1);
    if (p->voluntary_s.min < 0.5)
        BAD("voluntary_s");
    if (!isfinite(p->voluntary_db.min) || !isfinite(p->voluntary_db.max) ||
        p->voluntary_db.min > p->voluntary_db.max || p->voluntary_db.max > 80.0)
        BAD("voluntary_db");
    CHECK_RANGE(voluntary_acc_g, 0);

    CHECK_NONNEG(ecg_uv);
    CHECK_RANGE(ecg_bpm, 1);
    if (p->ecg_bpm.min < 20.0 || p->ecg_bpm.max > 220.0)
        BAD("ecg_bpm");

    CHECK_NONNEG(clip_per_min);
    CHECK_RANGE(clip_ms, 1);
    CHECK_NONNEG(adc_range_mv);
    CHECK_NONNEG(acc_range_g);
    if (p->adc_bits > 32)
        BAD("adc_bits");
    if (p->adc_bits > 0 && (p->adc_range_mv <= 0.0 || (p->acc && p->acc_range_g <= 0.0)))
        BAD("adc_bits");

    CHECK_NONNEG(dropout_per_min);
    CHECK_RANGE(dropout_ms, 1);
    CHECK_NONNEG(nan_per_min);
    CHECK_RANGE(nan_ms, 1);

    const double *g = p->gravity_dir, *t = p->twitch_dir;
    if (!p->acc_random_orientation) {
        if (!(isfinite(g[0]) && isfinite(g[1]) && isfinite(g[2]) &&
              g[0] * g[0] + g[1] * g[1] + g[2] * g[2] > 0.0))
            BAD("gravity_dir");
        if (!(isfinite(t[0]) && isfinite(t[1]) && isfinite(t[2]) &&
              t[0] * t[0] + t[1] * t[1] + t[2] * t[2] > 0.0))
            BAD("twitch_dir");
    }
    /* event rates: at most one per 100 ms on average, or the schedule explodes */
    const double rates[] = {p->motion_per_min, p->needle_bouts_per_min, p->stim_trains_per_min,
                            p->electrolysis_per_min, p->voluntary_per_min, p->clip_per_min,
                            p->dropout_per_min, p->nan_per_min};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++)
        if (rates[i] > 600.0)
            BAD("an event rate (per minute) above 600");
    return LTR_SIM_OK;
}
