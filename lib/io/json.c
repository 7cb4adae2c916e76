/*
 * JSON output: string escaping and the events sidecar (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Hand-written rather than through a JSON library (jansson, json-c): we only
 * ever write small, flat documents whose shape is fixed here, never parse
 * any, and one more shared-library dependency for that is not worth it. The
 * only subtle part, string escaping, follows RFC 8259 section 7: '"', '\\'
 * and control characters are escaped, valid UTF-8 passes through, and bytes
 * that are not valid UTF-8 (a Latin-1 channel label in an EDF header) become
 * U+FFFD, so the output is always valid JSON. Non-finite numbers become null.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_internal.h"

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if it is not valid. */
static size_t utf8_length(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n;
    unsigned min;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1Fu;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0Fu;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void ltr_io_json_string(FILE *f, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', f);
    while (*s) {
        unsigned char c = *s;
        if (c == '"' || c == '\\') {
            fputc('\\', f);
            fputc(c, f);
            s++;
        } else if (c < 0x20) {
            switch (c) {
            case '\n': fputs("\\n", f); break;
            case '\r': fputs("\\r", f); break;
            case '\t': fputs("\\t", f); break;
            case '\b': fputs("\\b", f); break;
            case '\f': fputs("\\f", f); break;
            default: fprintf(f, "\\u%04x", c); break;
            }
            s++;
        } else if (c == 0x7F) {
            fputs("\\u007f", f);
            s++;
        } else {
            size_t n = utf8_length(s);
            if (n == 0) {
                fputs("\\ufffd", f);
                s++;
            } else {
                fwrite(s, 1, n, f);
                s += n;
            }
        }
    }
    fputc('"', f);
}

static void json_number(FILE *f, double x)
{
    if (isfinite(x))
        fprintf(f, "%.10g", x);
    else
        fputs("null", f);
}

/* "key": {"LongName": ..., "Description": ..., "Units": ...} */
static void column(FILE *f, const char *key, const char *long_name, const char *description,
                   const char *units)
{
    fputs("  ", f);
    ltr_io_json_string(f, key);
    fputs(": {\n    \"LongName\": ", f);
    ltr_io_json_string(f, long_name);
    fputs(",\n    \"Description\": ", f);
    ltr_io_json_string(f, description);
    if (units) {
        fputs(",\n    \"Units\": ", f);
        ltr_io_json_string(f, units);
    }
    fputs("\n  },\n", f);
}

static void config_field(FILE *f, const char *key, double value, int last)
{
    fputs("    ", f);
    ltr_io_json_string(f, key);
    fputs(": ", f);
    json_number(f, value);
    fputs(last ? "\n" : ",\n", f);
}

ltr_io_status ltr_io_write_sidecar(FILE *f, const ltr_config *cfg, const char *input,
                                   int with_source_column)
{
    if (!f)
        return LTR_IO_ERR_ARGUMENT;
    fputs("{\n", f);
    if (with_source_column)
        column(f, "source", "Input file", "The recording this row was detected in.", NULL);
    column(f, "onset", "Twitch onset",
           "First sample of the twitch (or artifact), seconds from the first sample of the "
           "recording.", "s");
    column(f, "duration", "Twitch duration",
           "Offset minus onset, seconds; n/a for twitch_begin rows (not known yet).", "s");
    fputs("  \"trial_type\": {\n    \"LongName\": \"Event type\",\n"
          "    \"Description\": \"What the detector reported.\",\n"
          "    \"Levels\": {\n"
          "      \"twitch\": \"A local twitch response, fully described (detector END event).\",\n"
          "      \"artifact\": \"A stretch the detector could not use: stimulation pulse, needle "
          "movement, NaN/Inf, dropout (see flags).\",\n"
          "      \"twitch_begin\": \"A twitch has started (low-latency notice; stream only).\",\n"
          "      \"twitch_cancel\": \"What began was not a twitch (see flags; stream only).\",\n"
          "      \"site\": \"A needling site (one insertion or redirection) from its first needle "
          "movement to the next site: amplitude is its habituation (last twitch over first), id its "
          "number, peak its last twitch, flags no_twitch or stopped.\",\n"
          "      \"site_stopped\": \"Twitches have stopped at site id: the needle movement that "
          "completed the rule (stop_strokes strokes or stop_ms of needling without one); "
          "latency_ms is the cue's delay.\",\n"
          "      \"site_begin\": \"A site has begun (stream only).\"\n"
          "    }\n  },\n",
          f);
    column(f, "peak", "Envelope peak time", "Time of the envelope maximum, seconds from the "
           "first sample.", "s");
    column(f, "amplitude", "Peak amplitude",
           "Largest absolute band-passed EMG sample, or accelerometer magnitude, in the units "
           "of the input channel.", NULL);
    column(f, "snr_db", "Signal-to-noise ratio",
           "Envelope peak over the adaptive noise floor, power ratio.", "dB");
    column(f, "confidence", "Confidence",
           "0 to 1; grows with snr_db, higher when EMG and accelerometer agree.", NULL);
    column(f, "channels", "Channels", "Comma-separated names of the channels that saw the event.",
           NULL);
    fputs("  \"flags\": {\n    \"LongName\": \"Flags\",\n"
          "    \"Description\": \"Comma-separated flags, n/a if none.\",\n"
          "    \"Levels\": {\n"
          "      \"emg\": \"seen on an EMG channel\",\n"
          "      \"acc\": \"seen on the accelerometer\",\n"
          "      \"fused\": \"EMG onset confirmed by the accelerometer\",\n"
          "      \"clipped\": \"input clipped or saturated\",\n"
          "      \"near_artifact\": \"an artifact lies within the fusion window\",\n"
          "      \"too_long\": \"cancelled: longer than the maximum twitch duration\",\n"
          "      \"artifact\": \"cancelled: interrupted by an artifact\",\n"
          "      \"truncated\": \"the recording ended before the twitch did\",\n"
          "      \"stim\": \"artifact: stimulation pulse or spike\",\n"
          "      \"needle\": \"artifact: marked needle movement\",\n"
          "      \"nonfinite\": \"artifact: NaN or Inf samples\",\n"
          "      \"dropout\": \"artifact: signal stuck at one value\",\n"
          "      \"marked\": \"artifact: marked by the device\",\n"
          "      \"too_short\": \"cancelled: shorter than the minimum twitch duration\",\n"
          "      \"evoked\": \"evoked by a stimulation pulse just before it (trial_type evoked)\",\n"
          "      \"unseen\": \"cancelled: an EMG twitch the accelerometer did not see\",\n"
          "      \"no_twitch\": \"site: it gave no twitch (superficial, or the trigger point was "
          "missed)\",\n"
          "      \"stopped\": \"site: its twitches had stopped (a site_stopped row)\",\n"
          "      \"motion\": \"cancelled: an accelerometer event below the twitch band (hand "
          "motion)\"\n"
          "    }\n  },\n",
          f);
    column(f, "latency_ms", "Detection latency",
           "Time from onset to the sample at which the detector reported the twitch "
           "(for twitch rows: its twitch_begin notice, the real-time latency).", "ms");
    column(f, "id", "Twitch id", "Shared by the begin, end and cancel rows of one twitch.", NULL);
    fputs("  \"GeneratedBy\": [{\"Name\": \"libltr\", \"Version\": ", f);
    ltr_io_json_string(f, ltr_version_string());
    fputs("}],\n", f);
    if (input) {
        fputs("  \"ltr_input\": ", f);
        ltr_io_json_string(f, input);
        fputs(",\n", f);
    }
    fputs("  \"ltr_config\": {\n", f);
    if (cfg) {
        config_field(f, "sample_rate_hz", cfg->sample_rate_hz, 0);
        config_field(f, "n_channels", cfg->n_channels, 0);
        fputs("    \"sensors\": [", f);
        for (unsigned c = 0; c < cfg->n_channels && c < LTR_MAX_CHANNELS; c++)
            fprintf(f, "%s\"%s\"", c ? ", " : "", cfg->sensors[c] == LTR_SENSOR_ACC ? "acc" : "emg");
        fputs("],\n    \"emg_envelope\": ", f);
        fputs(cfg->emg_envelope == LTR_ENVELOPE_RMS ? "\"rms\",\n" : "\"tkeo\",\n", f);
        const struct {
            const char *key;
            double value;
        } fields[] = {
            {"emg_highpass_hz", cfg->emg_highpass_hz},
            {"emg_lowpass_hz", cfg->emg_lowpass_hz},
            {"acc_highpass_hz", cfg->acc_highpass_hz},
            {"acc_lowpass_hz", cfg->acc_lowpass_hz},
            {"mains_hz", cfg->mains_hz},
            {"mains_harmonics", cfg->mains_harmonics},
            {"notch_width_hz", cfg->notch_width_hz},
            {"emg_smoothing_hz", cfg->emg_smoothing_hz},
            {"acc_smoothing_hz", cfg->acc_smoothing_hz},
            {"threshold_on_db", cfg->threshold_on_db},
            {"threshold_off_db", cfg->threshold_off_db},
            {"threshold_spread_factor", cfg->threshold_spread_factor},
            {"confirm_ms", cfg->confirm_ms},
            {"min_duration_ms", cfg->min_duration_ms},
            {"max_duration_ms", cfg->max_duration_ms},
            {"gap_ms", cfg->gap_ms},
            {"refractory_ms", cfg->refractory_ms},
            {"floor_rise_db_per_s", cfg->floor_rise_db_per_s},
            {"floor_fall_db_per_s", cfg->floor_fall_db_per_s},
            {"warmup_ms", cfg->warmup_ms},
            {"fusion_window_ms", cfg->fusion_window_ms},
            {"spike_threshold_db", cfg->spike_threshold_db},
            {"stim_blank_ms", cfg->stim_blank_ms},
            {"needle_blank_ms", cfg->needle_blank_ms},
            {"clip_level", cfg->clip_level},
            {"dropout_ms", cfg->dropout_ms},
            {"acc_min_duration_ms", cfg->acc_min_duration_ms},
            {"ecg_cancel", cfg->ecg_cancel},
            {"acc_confirms", cfg->acc_confirms},
            {"session", cfg->session},
            {"site_gap_ms", cfg->site_gap_ms},
            {"stop_strokes", cfg->stop_strokes},
            {"stop_ms", cfg->stop_ms},
        };
        const size_t n = sizeof fields / sizeof fields[0];
        for (size_t i = 0; i < n; i++)
            config_field(f, fields[i].key, fields[i].value, i + 1 == n);
    }
    fputs("  }\n}\n", f);
    return ferror(f) ? LTR_IO_ERR_WRITE : LTR_IO_OK;
}
