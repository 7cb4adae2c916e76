/*
 * Configuration defaults and validation (libltr core).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Every default cites its source in include/ltr/ltr.h next to its field.
 */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "config.h"
#include "hints.h"
#include "ltr/ltr.h"

/* Band edges must stay this far below Nyquist so the bilinear design keeps its shape. */
#define NYQUIST_MARGIN 0.49
/* Most notched mains multiples: the notches share the cascade's sections with the band-pass. */
#define MAX_HARMONICS 12u

static double min_d(double a, double b) { return a < b ? a : b; }

LTRI_COLD ltr_status ltr_config_default(ltr_config *cfg, double sample_rate_hz, unsigned n_channels,
                              const ltr_sensor *sensors)
{
    if (!cfg)
        return LTR_ERR_NULL;
    memset(cfg, 0, sizeof *cfg);
    cfg->struct_size = (uint32_t)sizeof *cfg;
    cfg->sample_rate_hz = sample_rate_hz;
    cfg->n_channels = n_channels;
    for (unsigned c = 0; c < LTR_MAX_CHANNELS; c++)
        cfg->sensors[c] = (sensors && c < n_channels) ? sensors[c] : LTR_SENSOR_EMG;

    const double fs = isfinite(sample_rate_hz) && sample_rate_hz > 0 ? sample_rate_hz : 1000.0;
    /* Up to 450 Hz for surface EMG (SENIAM; De Luca et al. 2010); needle EMG (>= 4 kHz
     * sampling) keeps motor-unit potential energy up to 2 kHz. Below 0.45 fs at low rates. */
    /* 30 Hz rather than 20: removes most ECG crosstalk, whose QRS energy lies below
     * 30 Hz, while keeping EMG amplitude (Drake & Callaghan 2006) - trigger points
     * are often on the trunk and shoulder, where ECG is strong. */
    cfg->emg_highpass_hz = 30.0;
    cfg->emg_lowpass_hz = min_d(fs >= 4000.0 ? 2000.0 : 450.0, 0.45 * fs);
    /* 5-100 Hz: mechanomyogram band (Orizio 1993; Beck et al. 2005). */
    cfg->acc_highpass_hz = 5.0;
    cfg->acc_lowpass_hz = min_d(100.0, 0.4 * fs);
    cfg->mains_hz = LTR_MAINS_AUTO; /* no settings needed: the canceller finds it */
    cfg->mains_harmonics = 8;
    cfg->notch_width_hz = 4.0;

    /* TKEO (Solnik et al. 2010, validated at 1-2 kHz) weighs each component by its
     * frequency squared in units of the sample rate; at needle-EMG rates that favours the
     * kHz noise floor over the twitch, so the plain energy is the default there. */
    cfg->emg_envelope = fs >= 4000.0 ? LTR_ENVELOPE_RMS : LTR_ENVELOPE_TKEO;
    /* Solnik et al. 2010: 50 Hz low-pass of the TKEO output. At low sample rates the EMG
     * band is narrow and so is its energy's: smooth to at most 1/20 of the rate. */
    cfg->emg_smoothing_hz = min_d(50.0, 0.05 * fs);
    cfg->acc_smoothing_hz = min_d(20.0, 0.2 * fs);

    cfg->threshold_on_db = 12.0;
    cfg->threshold_off_db = 6.0;
    cfg->threshold_spread_factor = 3.0;
    cfg->confirm_ms = 12.0;
    cfg->min_duration_ms = 20.0;
    cfg->max_duration_ms = 1000.0;
    cfg->gap_ms = 20.0;
    cfg->refractory_ms = 100.0;
    cfg->floor_rise_db_per_s = 3.0;
    cfg->floor_fall_db_per_s = 20.0;
    cfg->warmup_ms = 300.0;

    cfg->fusion_window_ms = 60.0;

    cfg->spike_threshold_db = 40.0;
    cfg->stim_blank_ms = 15.0;
    cfg->needle_blank_ms = 30.0;
    cfg->clip_level = 0.0;
    cfg->dropout_ms = 20.0;
    cfg->acc_min_duration_ms = 80.0;
    cfg->ecg_cancel = LTRI_HAVE_ECG ? LTR_ECG_AUTO : 0u; /* a core without the canceller: off */
    cfg->acc_confirms = 1;
    /* session tracking: the sources are at the fields in ltr.h */
    cfg->session = 1;
    cfg->site_gap_ms = 2000.0;
    cfg->stop_strokes = 5;
    cfg->stop_ms = 10000.0;
    return ltr_config_validate(cfg);
}

/* The fields a 1.0 caller knows end where the 1.1 session fields begin. */
#define CONFIG_SIZE_1_0 offsetof(ltr_config, session)

int ltri_config_load(const ltr_config *in, ltr_config *out)
{
    if (in->struct_size == sizeof *in) {
        *out = *in;
        return 0;
    }
    if (in->struct_size != CONFIG_SIZE_1_0)
        return -1;
    /* a 1.0 caller: its fields, then the defaults of what it does not know (the
     * defaults of the later fields depend on no earlier one) */
    ltr_config def;
    (void)ltr_config_default(&def, in->sample_rate_hz, in->n_channels, in->sensors);
    memcpy(out, in, CONFIG_SIZE_1_0);
    memcpy((unsigned char *)out + CONFIG_SIZE_1_0, (const unsigned char *)&def + CONFIG_SIZE_1_0,
           sizeof *out - CONFIG_SIZE_1_0);
    out->struct_size = (uint32_t)sizeof *out;
    return 0;
}

/* Calls, not inlined: on a Cortex-M4F every double comparison is a library call, and 40
 * inlined copies of these cost 1 KiB of flash (issue 10). */
LTRI_COLD LTRI_NOINLINE static int finite_pos(double x) { return isfinite(x) && x > 0.0; }
LTRI_COLD LTRI_NOINLINE static int finite_nonneg(double x) { return isfinite(x) && x >= 0.0; }

LTRI_COLD static ltr_status check_band(double lo, double hi, double fs)
{
    if (!finite_pos(lo) || !finite_pos(hi) || lo >= hi || hi >= NYQUIST_MARGIN * fs)
        return LTR_ERR_BAND;
    return LTR_OK;
}

LTRI_COLD ltr_status ltr_config_validate(const ltr_config *caller_cfg)
{
    if (!caller_cfg)
        return LTR_ERR_NULL;
    /* 1.0 is the first layout with struct_size; later libraries also accept it and
     * default what it lacks (ltri_config_load). */
    ltr_config full;
    if (ltri_config_load(caller_cfg, &full) != 0)
        return LTR_ERR_VERSION;
    const ltr_config *cfg = &full;
    const double fs = cfg->sample_rate_hz;
    if (!isfinite(fs) || fs < LTR_MIN_SAMPLE_RATE_HZ || fs > LTR_MAX_SAMPLE_RATE_HZ)
        return LTR_ERR_SAMPLE_RATE;
    if (cfg->n_channels == 0 || cfg->n_channels > LTR_MAX_CHANNELS)
        return LTR_ERR_CHANNELS;
    unsigned n_emg = 0, n_acc = 0;
    for (unsigned c = 0; c < cfg->n_channels; c++) {
        if (cfg->sensors[c] == LTR_SENSOR_EMG)
            n_emg++;
        else if (cfg->sensors[c] == LTR_SENSOR_ACC)
            n_acc++;
        else
            return LTR_ERR_SENSOR;
    }
    if (cfg->mains_hz != 0.0 && cfg->mains_hz != 50.0 && cfg->mains_hz != 60.0 &&
        cfg->mains_hz != LTR_MAINS_AUTO)
        return LTR_ERR_MAINS;
    if (cfg->mains_harmonics > MAX_HARMONICS || !finite_pos(cfg->notch_width_hz) ||
        (cfg->mains_hz > 0.0 && cfg->notch_width_hz > 0.5 * cfg->mains_hz))
        return LTR_ERR_MAINS;
    ltr_status st;
    if (n_emg && (st = check_band(cfg->emg_highpass_hz, cfg->emg_lowpass_hz, fs)) != LTR_OK)
        return st;
    if (n_acc && (st = check_band(cfg->acc_highpass_hz, cfg->acc_lowpass_hz, fs)) != LTR_OK)
        return st;
    if (!finite_pos(cfg->emg_smoothing_hz) || cfg->emg_smoothing_hz >= NYQUIST_MARGIN * fs ||
        !finite_pos(cfg->acc_smoothing_hz) || cfg->acc_smoothing_hz >= NYQUIST_MARGIN * fs)
        return LTR_ERR_BAND;
    if (cfg->emg_envelope != LTR_ENVELOPE_TKEO && cfg->emg_envelope != LTR_ENVELOPE_RMS)
        return LTR_ERR_ENVELOPE;
    if (!finite_pos(cfg->threshold_on_db) || !finite_nonneg(cfg->threshold_off_db) ||
        cfg->threshold_off_db > cfg->threshold_on_db ||
        !finite_nonneg(cfg->threshold_spread_factor) || !finite_pos(cfg->spike_threshold_db))
        return LTR_ERR_THRESHOLD;
    if (!finite_pos(cfg->confirm_ms) || !finite_pos(cfg->min_duration_ms) ||
        !finite_pos(cfg->max_duration_ms) || cfg->confirm_ms > cfg->min_duration_ms ||
        cfg->min_duration_ms > cfg->max_duration_ms || !finite_pos(cfg->acc_min_duration_ms) ||
        cfg->confirm_ms > cfg->acc_min_duration_ms ||
        cfg->acc_min_duration_ms > cfg->max_duration_ms || !finite_nonneg(cfg->gap_ms) ||
        !finite_nonneg(cfg->refractory_ms) || !finite_pos(cfg->floor_rise_db_per_s) ||
        !finite_pos(cfg->floor_fall_db_per_s) || !finite_nonneg(cfg->warmup_ms) ||
        !finite_nonneg(cfg->fusion_window_ms) || !finite_nonneg(cfg->stim_blank_ms) ||
        !finite_nonneg(cfg->needle_blank_ms) || !finite_pos(cfg->dropout_ms))
        return LTR_ERR_TIMING;
    /* An hour-long twitch or blank is a unit mistake (seconds given as ms is not, hours are). */
    if (cfg->max_duration_ms > 60000.0 || cfg->refractory_ms > 60000.0 ||
        cfg->warmup_ms > 60000.0 || cfg->gap_ms > 60000.0 || cfg->stim_blank_ms > 60000.0 ||
        cfg->needle_blank_ms > 60000.0 || cfg->dropout_ms > 60000.0 ||
        cfg->fusion_window_ms > 60000.0)
        return LTR_ERR_TIMING;
    if (!finite_nonneg(cfg->clip_level) || cfg->ecg_cancel > LTR_ECG_AUTO || cfg->acc_confirms > 1)
        return LTR_ERR_ARGUMENT;
    /* a core built without the ECG canceller (meson -Decg=false) */
    if (cfg->ecg_cancel && !LTRI_HAVE_ECG)
        return LTR_ERR_UNSUPPORTED;
    /* a site gap or a stop time of more than 10 minutes is a unit mistake */
    if (cfg->session > 1 || !finite_pos(cfg->site_gap_ms) || cfg->site_gap_ms > 600000.0 ||
        !finite_nonneg(cfg->stop_ms) || cfg->stop_ms > 600000.0 || cfg->stop_strokes > 1000u)
        return LTR_ERR_TIMING;
    return LTR_OK;
}
