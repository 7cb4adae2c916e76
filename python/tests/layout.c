/*
 * Prints the size and field offsets of every public structure the Python package
 * mirrors with ctypes (python/ltr/_lib.py), as JSON, compiled with the same headers
 * as the libraries. python/tests/test_layout.py compares them: a layout change in
 * ltr.h or ltr_io.h cannot go unnoticed by the bindings.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stddef.h>
#include <stdio.h>

#include "ltr/ltr.h"
#include "ltr/ltr_io.h"

static int first_struct = 1, first_field;

static void open_struct(const char *name, size_t size)
{
    printf("%s\n  \"%s\": {\"size\": %zu, \"fields\": {", first_struct ? "{" : ",", name, size);
    first_struct = 0;
    first_field = 1;
}

static void field(const char *name, size_t offset, size_t size)
{
    printf("%s\"%s\": [%zu, %zu]", first_field ? "" : ", ", name, offset, size);
    first_field = 0;
}

#define S(type) open_struct(#type, sizeof(type))
#define F(type, member) field(#member, offsetof(type, member), sizeof(((type *)0)->member))
#define E() printf("}}")

int main(void)
{
    S(ltr_config);
    F(ltr_config, struct_size); F(ltr_config, sample_rate_hz); F(ltr_config, n_channels);
    F(ltr_config, sensors); F(ltr_config, emg_highpass_hz); F(ltr_config, emg_lowpass_hz);
    F(ltr_config, acc_highpass_hz); F(ltr_config, acc_lowpass_hz); F(ltr_config, mains_hz);
    F(ltr_config, mains_harmonics); F(ltr_config, notch_width_hz); F(ltr_config, emg_envelope);
    F(ltr_config, emg_smoothing_hz); F(ltr_config, acc_smoothing_hz);
    F(ltr_config, threshold_on_db); F(ltr_config, threshold_off_db);
    F(ltr_config, threshold_spread_factor); F(ltr_config, confirm_ms);
    F(ltr_config, min_duration_ms); F(ltr_config, max_duration_ms); F(ltr_config, gap_ms);
    F(ltr_config, refractory_ms); F(ltr_config, floor_rise_db_per_s);
    F(ltr_config, floor_fall_db_per_s); F(ltr_config, warmup_ms); F(ltr_config, fusion_window_ms);
    F(ltr_config, spike_threshold_db); F(ltr_config, stim_blank_ms); F(ltr_config, needle_blank_ms);
    F(ltr_config, clip_level); F(ltr_config, dropout_ms); F(ltr_config, acc_min_duration_ms);
    F(ltr_config, ecg_cancel); F(ltr_config, acc_confirms);
    F(ltr_config, session); F(ltr_config, site_gap_ms); F(ltr_config, stop_strokes);
    F(ltr_config, stop_ms);
    E();
    S(ltr_session_stats);
    F(ltr_session_stats, sites); F(ltr_session_stats, sites_without_twitch);
    F(ltr_session_stats, sites_stopped); F(ltr_session_stats, strokes);
    F(ltr_session_stats, twitches); F(ltr_session_stats, twitches_outside);
    F(ltr_session_stats, site); F(ltr_session_stats, site_strokes);
    F(ltr_session_stats, site_twitches); F(ltr_session_stats, strokes_since_twitch);
    F(ltr_session_stats, stopped); F(ltr_session_stats, site_onset);
    F(ltr_session_stats, frames_since_twitch); F(ltr_session_stats, first_amplitude);
    F(ltr_session_stats, last_amplitude); F(ltr_session_stats, habituation);
    E();
    S(ltr_event);
    F(ltr_event, kind); F(ltr_event, id); F(ltr_event, onset); F(ltr_event, peak);
    F(ltr_event, offset); F(ltr_event, detected); F(ltr_event, amplitude); F(ltr_event, snr_db);
    F(ltr_event, confidence); F(ltr_event, channels); F(ltr_event, flags); F(ltr_event, stimulus);
    E();
    S(ltr_io_options);
    F(ltr_io_options, format); F(ltr_io_options, sample_rate_hz); F(ltr_io_options, raw_channels);
    F(ltr_io_options, raw_gain); F(ltr_io_options, text_delimiter); F(ltr_io_options, text_header);
    F(ltr_io_options, text_time_column); F(ltr_io_options, allow_nonfinite);
    E();
    S(ltr_io_error);
    F(ltr_io_error, status); F(ltr_io_error, line); F(ltr_io_error, message);
    E();
    S(ltr_io_channel);
    F(ltr_io_channel, name); F(ltr_io_channel, unit); F(ltr_io_channel, sample_rate_hz);
    F(ltr_io_channel, n_samples); F(ltr_io_channel, has_range); F(ltr_io_channel, range_min);
    F(ltr_io_channel, range_max);
    E();
    S(ltr_io_info);
    F(ltr_io_info, format); F(ltr_io_info, format_name); F(ltr_io_info, n_channels);
    F(ltr_io_info, n_selected); F(ltr_io_info, sample_rate_hz); F(ltr_io_info, n_frames);
    F(ltr_io_info, rate_source);
    E();
    S(ltr_io_channel_desc);
    F(ltr_io_channel_desc, type); F(ltr_io_channel_desc, type_source);
    F(ltr_io_channel_desc, type_text); F(ltr_io_channel_desc, name); F(ltr_io_channel_desc, unit);
    F(ltr_io_channel_desc, full_scale); F(ltr_io_channel_desc, bad);
    E();
    S(ltr_io_sidecar_info);
    F(ltr_io_sidecar_info, json_path); F(ltr_io_sidecar_info, channels_path);
    F(ltr_io_sidecar_info, sample_rate_hz); F(ltr_io_sidecar_info, power_line_hz);
    F(ltr_io_sidecar_info, n_channels); F(ltr_io_sidecar_info, n_typed);
    F(ltr_io_sidecar_info, n_from_sidecar); F(ltr_io_sidecar_info, notes);
    E();
    S(ltr_io_annotation);
    F(ltr_io_annotation, onset_s); F(ltr_io_annotation, duration_s); F(ltr_io_annotation, text);
    E();
    printf("\n}\n");
    return 0;
}
