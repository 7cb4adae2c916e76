/*
 * Command-line options shared by the subcommands of `ltr`.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"

/* --- the parser ------------------------------------------------------------ */

static const cli_option *find_long(const cli_option *const *tables, const char *name, size_t len)
{
    for (; *tables; tables++)
        for (const cli_option *o = *tables; o->name; o++)
            if (strlen(o->name) == len && !strncmp(o->name, name, len))
                return o;
    return NULL;
}

static const cli_option *find_short(const cli_option *const *tables, char c)
{
    for (; *tables; tables++)
        for (const cli_option *o = *tables; o->name; o++)
            if (o->short_name == c)
                return o;
    return NULL;
}

int cli_parse(const char *cmd, int argc, char **argv, const cli_option *const *tables,
              cli_handler handler, void *ctx, char **pos, int *n_pos)
{
    *n_pos = 0;
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (only_positional || a[0] != '-' || a[1] == '\0') {
            pos[(*n_pos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_positional = 1;
            continue;
        }
        const cli_option *o;
        const char *value = NULL;
        if (a[1] == '-') {
            const char *name = a + 2, *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            o = find_long(tables, name, len);
            if (!o) {
                fprintf(stderr, "ltr %s: unknown option '%.*s' (see 'ltr %s --help')\n", cmd,
                        (int)(len + 2), a, cmd);
                return LTR_EXIT_USAGE;
            }
            if (eq) {
                if (!o->arg) {
                    fprintf(stderr, "ltr %s: option '--%s' takes no value\n", cmd, o->name);
                    return LTR_EXIT_USAGE;
                }
                value = eq + 1;
            }
        } else {
            o = find_short(tables, a[1]);
            if (!o) {
                fprintf(stderr, "ltr %s: unknown option '-%c' (see 'ltr %s --help')\n", cmd, a[1],
                        cmd);
                return LTR_EXIT_USAGE;
            }
            if (a[2]) {
                if (!o->arg) {
                    fprintf(stderr, "ltr %s: option '-%c' takes no value\n", cmd, a[1]);
                    return LTR_EXIT_USAGE;
                }
                value = a + 2;
            }
        }
        if (o->arg && !value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "ltr %s: option '--%s' needs a value (%s)\n", cmd, o->name,
                        o->arg);
                return LTR_EXIT_USAGE;
            }
            value = argv[++i];
        }
        int rc = handler(ctx, o->id, value);
        if (rc != 0)
            return rc;
    }
    return 0;
}

void cli_print_options(FILE *f, const cli_option *t)
{
    for (; t->name; t++) {
        char left[64];
        if (t->short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", t->short_name, t->name, t->arg ? " " : "",
                     t->arg ? t->arg : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", t->name, t->arg ? " " : "",
                     t->arg ? t->arg : "");
        fprintf(f, "  %-28s %s\n", left, t->help);
    }
}

int cli_parse_double(const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(x))
        return -1;
    *v = x;
    return 0;
}

int cli_parse_unsigned(const char *s, unsigned *v)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+')
        return -1;
    unsigned long x = strtoul(s, &end, 10);
    if (end == s || *end || errno == ERANGE || x > 1000000000ul)
        return -1;
    *v = (unsigned)x;
    return 0;
}

int cli_parse_events_format(const char *cmd, const char *value, ltr_io_events_format *format)
{
    int f = ltr_io_events_format_parse(value);
    if (f == LTR_IO_EVENTS_MNE && strcmp(cmd, "detect") != 0) {
        fprintf(stderr, "ltr %s: --format mne (MNE's annotation text) is for ltr detect\n", cmd);
        return LTR_EXIT_USAGE;
    }
    if (f >= 0) {
        *format = (ltr_io_events_format)f;
        return 0;
    }
    static const char *const inputs[] = {"text", "audio", "sndfile", "wav", "flac", "edf",
                                         "bdf", "wfdb", "mat", "f32le", "s16le", "raw", "auto"};
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++)
        if (!strcasecmp(value, inputs[i])) {
            fprintf(stderr,
                    "ltr %s: --format is the format of the events written: tsv (default), csv%s "
                    "jsonl; '%s' is an input format: --input-format %s\n",
                    cmd, strcmp(cmd, "detect") ? " or" : ", mne or", value, value);
            return LTR_EXIT_USAGE;
        }
    fprintf(stderr, "ltr %s: --format: '%s' is not tsv, csv%s jsonl (the events written)\n",
            cmd, value, strcmp(cmd, "detect") ? " or" : ", mne or");
    return LTR_EXIT_USAGE;
}

/* --- the detector settings: one option per ltr_config field ----------------- */

enum field_type { F_DOUBLE, F_UNSIGNED, F_ENVELOPE, F_MAINS };

/* X(field, option, metavar, type, help) */
#define CONFIG_FIELDS(X)                                                                        \
    X(emg_highpass_hz, "emg-highpass", "HZ", F_DOUBLE, "EMG band-pass lower edge, Hz")           \
    X(emg_lowpass_hz, "emg-lowpass", "HZ", F_DOUBLE, "EMG band-pass upper edge, Hz")             \
    X(acc_highpass_hz, "acc-highpass", "HZ", F_DOUBLE, "accelerometer band-pass lower edge, Hz") \
    X(acc_lowpass_hz, "acc-lowpass", "HZ", F_DOUBLE, "accelerometer band-pass upper edge, Hz")   \
    X(mains_hz, "mains", "HZ", F_MAINS, "mains: auto (found in the signal), 50, 60 or 0/off")    \
    X(mains_harmonics, "mains-harmonics", "N", F_UNSIGNED, "mains multiples removed (0: none)")   \
    X(notch_width_hz, "notch-width", "HZ", F_DOUBLE, "unused since 1.0 (adaptive canceller), Hz") \
    X(emg_envelope, "envelope", "KIND", F_ENVELOPE, "EMG energy operator: tkeo or rms")          \
    X(emg_smoothing_hz, "emg-smoothing", "HZ", F_DOUBLE, "EMG envelope low-pass, Hz")            \
    X(acc_smoothing_hz, "acc-smoothing", "HZ", F_DOUBLE, "accelerometer envelope low-pass, Hz")  \
    X(threshold_on_db, "threshold-on", "DB", F_DOUBLE, "rise over the noise floor to start, dB") \
    X(threshold_off_db, "threshold-off", "DB", F_DOUBLE, "level over the floor that ends it, dB") \
    X(threshold_spread_factor, "threshold-spread", "X", F_DOUBLE,                                \
      "thresholds >= X times the background's spread (0: off)")                                  \
    X(confirm_ms, "confirm", "MS", F_DOUBLE, "time above threshold before BEGIN, ms")            \
    X(min_duration_ms, "min-duration", "MS", F_DOUBLE, "shortest twitch, ms")                    \
    X(max_duration_ms, "max-duration", "MS", F_DOUBLE, "longest twitch (longer: voluntary), ms") \
    X(gap_ms, "gap", "MS", F_DOUBLE, "dips shorter than this do not end a twitch, ms")           \
    X(refractory_ms, "refractory", "MS", F_DOUBLE, "no new twitch this long after one, ms")      \
    X(floor_rise_db_per_s, "floor-rise", "DB/S", F_DOUBLE, "noise floor may rise this fast, dB/s") \
    X(floor_fall_db_per_s, "floor-fall", "DB/S", F_DOUBLE, "noise floor may fall this fast, dB/s") \
    X(warmup_ms, "warmup", "MS", F_DOUBLE, "learning time at start and after artifacts, ms")     \
    X(fusion_window_ms, "fusion-window", "MS", F_DOUBLE, "accelerometer may confirm EMG within, ms") \
    X(spike_threshold_db, "spike-threshold", "DB", F_DOUBLE, "sample jump that is an artifact, dB") \
    X(stim_blank_ms, "stim-blank", "MS", F_DOUBLE, "blanking after a stimulation pulse, ms")     \
    X(needle_blank_ms, "needle-blank", "MS", F_DOUBLE, "blanking after a needle movement, ms")   \
    X(clip_level, "clip-level", "X", F_DOUBLE, "|x| >= X is clipping, input units (0: auto; ltr uses the format's full scale if known)")    \
    X(dropout_ms, "dropout", "MS", F_DOUBLE, "stuck this long is a dropout, ms")               \
    X(acc_min_duration_ms, "acc-min-duration", "MS", F_DOUBLE, "shortest accelerometer twitch, ms") \
    X(ecg_cancel, "ecg-cancel", "0|1|2", F_UNSIGNED, "cancel ECG crosstalk on EMG (trunk muscles; +34 ms latency): 1 on, 2 once a heart is recognised (default)") \
    X(acc_confirms, "acc-confirms", "0|1", F_UNSIGNED, "EMG twitches the accelerometer does not see are dropped (0: accelerometer not on the muscle)") \
    X(session, "sites", "0|1", F_UNSIGNED, "follow needling sites, habituation and 'twitches have stopped' (site rows)") \
    X(site_gap_ms, "site-gap", "MS", F_DOUBLE, "without insertion marks, a needle movement after this long without one begins a site, ms") \
    X(stop_strokes, "stop-strokes", "N", F_UNSIGNED, "twitches have stopped after N strokes without one (0: no stroke rule)") \
    X(stop_ms, "stop-after", "MS", F_DOUBLE, "... or after this long of needling without one, ms (0: no time rule)")

#define ENUM_ENTRY(field, name, arg, type, help) CF_##field,
enum { CONFIG_FIELDS(ENUM_ENTRY) N_CONFIG_FIELDS };

typedef struct config_field {
    size_t offset;
    enum field_type type;
} config_field;

#define FIELD_ENTRY(field, name, arg, type, help) {offsetof(ltr_config, field), type},
static const config_field config_fields[] = {CONFIG_FIELDS(FIELD_ENTRY)};

#define OPTION_ENTRY(field, name, arg, type, help) {name, 0, arg, CLI_ID_CONFIG + CF_##field, help},
const cli_option cli_detector_options[] = {CONFIG_FIELDS(OPTION_ENTRY){NULL, 0, NULL, 0, NULL}};

_Static_assert(N_CONFIG_FIELDS <= CLI_MAX_CONFIG, "raise CLI_MAX_CONFIG");

static double field_get(const ltr_config *cfg, size_t i)
{
    const char *base = (const char *)cfg + config_fields[i].offset;
    switch (config_fields[i].type) {
    case F_UNSIGNED: {
        unsigned u;
        memcpy(&u, base, sizeof u);
        return u;
    }
    case F_ENVELOPE: {
        ltr_envelope e;
        memcpy(&e, base, sizeof e);
        return (double)e;
    }
    default: {
        double d;
        memcpy(&d, base, sizeof d);
        return d;
    }
    }
}

static void field_set(ltr_config *cfg, size_t i, double v)
{
    char *base = (char *)cfg + config_fields[i].offset;
    switch (config_fields[i].type) {
    case F_UNSIGNED: {
        unsigned u = (unsigned)v;
        memcpy(base, &u, sizeof u);
        break;
    }
    case F_ENVELOPE: {
        ltr_envelope e = v == (double)LTR_ENVELOPE_RMS ? LTR_ENVELOPE_RMS : LTR_ENVELOPE_TKEO;
        memcpy(base, &e, sizeof e);
        break;
    }
    default:
        memcpy(base, &v, sizeof v);
        break;
    }
}

/* --- input and channel options ------------------------------------------------ */

enum {
    ID_INPUT_FORMAT = CLI_ID_INPUT,
    ID_RAW,
    ID_RATE,
    ID_CHANNELS,
    ID_GAIN,
    ID_DELIMITER,
    ID_HEADER,
    ID_TIME_COLUMN,
    ID_ALLOW_NONFINITE,
    ID_FORCE_RATE,
    ID_EMG = CLI_ID_CHANNELS,
    ID_ACC,
    ID_NO_SIDECAR,
    ID_MARKS,
    ID_ANNOTATION_MARKS,
    ID_MARK_TEXT
};

const cli_option cli_input_options[] = {
    {"input-format", 0, "FMT", ID_INPUT_FORMAT,
     "auto (default), audio, edf, text, wfdb, mat, f32le, s16le"},
    {"raw", 0, "ENC", ID_RAW, "raw samples: f32le or s16le (needs --rate, --channels)"},
    {"rate", 0, "HZ", ID_RATE,
     "sample rate of raw input and of text without a time column; a file's own rate is "
     "never silently replaced (a different one is refused)"},
    {"force-rate", 0, NULL, ID_FORCE_RATE,
     "let --rate replace the rate a file states (its header is wrong): time is rescaled"},
    {"channels", 0, "N", ID_CHANNELS, "raw input: channels per frame"},
    {"gain", 0, "X", ID_GAIN, "raw s16le input: units per count (default 1)"},
    {"delimiter", 0, "C", ID_DELIMITER, "text: tab, comma, semicolon, space (default: guess)"},
    {"header", 0, "WHEN", ID_HEADER, "text: first line is a header: yes, no, auto (default)"},
    {"time-column", 0, "COL", ID_TIME_COLUMN,
     "text: time column (name or index), or none (default: 'time', 't', ...)"},
    {"allow-nonfinite", 0, NULL, ID_ALLOW_NONFINITE,
     "text: pass NaN/Inf/empty samples to the detector (flagged) instead of failing"},
    {NULL, 0, NULL, 0, NULL},
};

const cli_option cli_channel_options[] = {
    {"emg", 0, "LIST", ID_EMG,
     "EMG channels: names or indices, e.g. 0,2-3 or EMG1 (default: see below)"},
    {"acc", 0, "LIST", ID_ACC, "accelerometer axes, e.g. 1,2,3 or accX,accY,accZ"},
    {"marks", 0, "FILE", ID_MARKS,
     "device marks from an events file (BIDS onset in s, trial_type stim, needle or insertion)"},
    {"annotation-marks", 0, "WHEN", ID_ANNOTATION_MARKS,
     "auto (default): EDF+/BDF+ annotations naming a stimulus or needle movement are marks; off"},
    {"mark-text", 0, "K=TEXT,...", ID_MARK_TEXT,
     "texts that are marks (K stim, needle or insertion, whole text, any case), e.g. "
     "stim=S1,needle=N (default: texts holding stim, pulse, tms / insertion, redirect, site / "
     "needle, piston, stroke)"},
    {"no-sidecar", 0, NULL, ID_NO_SIDECAR,
     "ignore FILE.json and BIDS *_channels.tsv beside the input"},
    {NULL, 0, NULL, 0, NULL},
};

void cli_common_init(cli_common *c)
{
    memset(c, 0, sizeof *c);
    ltr_io_options_default(&c->io);
}

static int bad_value(const char *cmd, const char *option, const char *value, const char *want)
{
    fprintf(stderr, "ltr %s: --%s: '%s' is not %s\n", cmd, option, value, want);
    return LTR_EXIT_USAGE;
}

/* --mark-text stim=TEXT,needle=TEXT,insertion=TEXT,...: added to the list (the option may be repeated). */
static int parse_mark_texts(cli_common *c, const char *cmd, const char *v)
{
    const char *p = v;
    while (*p) {
        size_t len = strcspn(p, ",");
        const char *eq = memchr(p, '=', len);
        ltr_mark kind = LTR_MARK_STIM;
        size_t klen = eq ? (size_t)(eq - p) : 0;
        if (eq && klen == 4 && !strncasecmp(p, "stim", 4))
            kind = LTR_MARK_STIM;
        else if (eq && klen == 6 && !strncasecmp(p, "needle", 6))
            kind = LTR_MARK_NEEDLE;
        else if (eq && klen == 9 && !strncasecmp(p, "insertion", 9))
            kind = LTR_MARK_INSERTION;
        else
            eq = NULL;
        size_t tlen = eq ? len - klen - 1 : 0;
        if (!eq || tlen == 0 || tlen >= sizeof c->mark_text[0]) {
            fprintf(stderr, "ltr %s: --mark-text: '%.*s' is not stim=TEXT, needle=TEXT or "
                    "insertion=TEXT (a text of 1-63 characters)\n", cmd, (int)len, p);
            return LTR_EXIT_USAGE;
        }
        if (c->n_mark_texts == CLI_MAX_MARK_TEXTS) {
            fprintf(stderr, "ltr %s: --mark-text: at most %d texts\n", cmd, CLI_MAX_MARK_TEXTS);
            return LTR_EXIT_USAGE;
        }
        memcpy(c->mark_text[c->n_mark_texts], eq + 1, tlen);
        c->mark_text[c->n_mark_texts][tlen] = '\0';
        c->mark_text_kind[c->n_mark_texts++] = kind;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

int cli_mark_kind(const cli_common *c, const char *text, ltr_mark *kind)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t n = strlen(text);
    while (n > 0 && isspace((unsigned char)text[n - 1]))
        n--;
    if (c->n_mark_texts) {
        for (unsigned i = 0; i < c->n_mark_texts; i++)
            if (strlen(c->mark_text[i]) == n && !strncasecmp(c->mark_text[i], text, n)) {
                *kind = c->mark_text_kind[i];
                return 1;
            }
        return 0;
    }
    static const char *const stim[] = {"stim", "pulse", "tms"};
    static const char *const site[] = {"insertion", "redirect", "site"};
    static const char *const needle[] = {"needle", "piston", "stroke"};
    char low[256];
    size_t i = 0;
    for (; i < n && i + 1 < sizeof low; i++)
        low[i] = (char)tolower((unsigned char)text[i]);
    low[i] = '\0';
    for (size_t k = 0; k < sizeof stim / sizeof stim[0]; k++)
        if (strstr(low, stim[k])) {
            *kind = LTR_MARK_STIM;
            return 1;
        }
    /* before "needle": "needle_insertion" begins a site (session tracking) */
    for (size_t k = 0; k < sizeof site / sizeof site[0]; k++)
        if (strstr(low, site[k])) {
            *kind = LTR_MARK_INSERTION;
            return 1;
        }
    for (size_t k = 0; k < sizeof needle / sizeof needle[0]; k++)
        if (strstr(low, needle[k])) {
            *kind = LTR_MARK_NEEDLE;
            return 1;
        }
    return 0;
}

static int handle_input(cli_common *c, const char *cmd, int id, const char *v)
{
    double d;
    unsigned u;
    switch (id) {
    case ID_INPUT_FORMAT:
        if (!strcasecmp(v, "auto"))
            c->io.format = LTR_IO_FORMAT_AUTO;
        else if (!strcasecmp(v, "audio") || !strcasecmp(v, "sndfile") || !strcasecmp(v, "wav") ||
                 !strcasecmp(v, "flac"))
            c->io.format = LTR_IO_FORMAT_SNDFILE;
        else if (!strcasecmp(v, "edf") || !strcasecmp(v, "bdf"))
            c->io.format = LTR_IO_FORMAT_EDF;
        else if (!strcasecmp(v, "text") || !strcasecmp(v, "csv") || !strcasecmp(v, "tsv"))
            c->io.format = LTR_IO_FORMAT_TEXT;
        else if (!strcasecmp(v, "wfdb"))
            c->io.format = LTR_IO_FORMAT_WFDB;
        else if (!strcasecmp(v, "mat") || !strcasecmp(v, "matlab"))
            c->io.format = LTR_IO_FORMAT_MAT;
        else if (!strcasecmp(v, "f32le") || !strcasecmp(v, "raw-f32le"))
            c->io.format = LTR_IO_FORMAT_RAW_F32LE;
        else if (!strcasecmp(v, "s16le") || !strcasecmp(v, "raw-s16le"))
            c->io.format = LTR_IO_FORMAT_RAW_S16LE;
        else
            return bad_value(cmd, "input-format", v, "auto, audio, edf, text, wfdb, mat, f32le or s16le");
        return 0;
    case ID_RAW:
        if (!strcasecmp(v, "f32le"))
            c->io.format = LTR_IO_FORMAT_RAW_F32LE;
        else if (!strcasecmp(v, "s16le"))
            c->io.format = LTR_IO_FORMAT_RAW_S16LE;
        else
            return bad_value(cmd, "raw", v, "f32le or s16le");
        return 0;
    case ID_RATE:
        if (cli_parse_double(v, &d) || !(d > 0)) {
            fprintf(stderr, "ltr %s: --rate: '%s' is not a sample rate in Hz\n", cmd, v);
            return LTR_EXIT_RATE;
        }
        c->io.sample_rate_hz = d;
        return 0;
    case ID_CHANNELS:
        if (cli_parse_unsigned(v, &u) || u == 0 || u > 1024) {
            fprintf(stderr, "ltr %s: --channels: '%s' is not a channel count (1-1024)\n", cmd, v);
            return LTR_EXIT_CHANNEL;
        }
        c->io.raw_channels = u;
        return 0;
    case ID_GAIN:
        if (cli_parse_double(v, &d) || !(d > 0))
            return bad_value(cmd, "gain", v, "a positive number");
        c->io.raw_gain = d;
        return 0;
    case ID_DELIMITER:
        if (!strcasecmp(v, "tab") || !strcmp(v, "\\t"))
            c->io.text_delimiter = '\t';
        else if (!strcasecmp(v, "comma"))
            c->io.text_delimiter = ',';
        else if (!strcasecmp(v, "semicolon"))
            c->io.text_delimiter = ';';
        else if (!strcasecmp(v, "space") || !strcasecmp(v, "whitespace"))
            c->io.text_delimiter = ' ';
        else if (strlen(v) == 1)
            c->io.text_delimiter = v[0];
        else
            return bad_value(cmd, "delimiter", v, "tab, comma, semicolon, space or one character");
        return 0;
    case ID_HEADER:
        if (!strcasecmp(v, "yes"))
            c->io.text_header = 1;
        else if (!strcasecmp(v, "no"))
            c->io.text_header = 0;
        else if (!strcasecmp(v, "auto"))
            c->io.text_header = -1;
        else
            return bad_value(cmd, "header", v, "yes, no or auto");
        return 0;
    case ID_TIME_COLUMN:
        c->io.text_time_column = v;
        return 0;
    case ID_ALLOW_NONFINITE:
        c->io.allow_nonfinite = 1;
        return 0;
    case ID_FORCE_RATE:
        c->force_rate = 1;
        return 0;
    case ID_EMG:
        c->emg = v;
        return 0;
    case ID_ACC:
        c->acc = v;
        return 0;
    case ID_NO_SIDECAR:
        c->no_sidecar = 1;
        return 0;
    case ID_MARKS:
        c->marks = v;
        return 0;
    case ID_ANNOTATION_MARKS:
        if (!strcasecmp(v, "auto") || !strcasecmp(v, "on"))
            c->no_annotation_marks = 0;
        else if (!strcasecmp(v, "off") || !strcasecmp(v, "none"))
            c->no_annotation_marks = 1;
        else
            return bad_value(cmd, "annotation-marks", v, "auto or off");
        return 0;
    case ID_MARK_TEXT:
        return parse_mark_texts(c, cmd, v);
    }
    return -1;
}

static int handle_config(cli_common *c, const char *cmd, int id, const char *v)
{
    size_t i = (size_t)(id - CLI_ID_CONFIG);
    const char *name = cli_detector_options[i].name;
    double d;
    unsigned u;
    switch (config_fields[i].type) {
    case F_ENVELOPE:
        if (!strcasecmp(v, "tkeo"))
            d = LTR_ENVELOPE_TKEO;
        else if (!strcasecmp(v, "rms"))
            d = LTR_ENVELOPE_RMS;
        else
            return bad_value(cmd, name, v, "tkeo or rms");
        break;
    case F_MAINS:
        if (!strcasecmp(v, "auto")) {
            /* The core finds 50 or 60 Hz itself, in files and streams alike. */
            c->config_set[i] = 1;
            c->config_value[i] = LTR_MAINS_AUTO;
            return 0;
        }
        if (!strcasecmp(v, "off") || !strcasecmp(v, "none"))
            d = 0.0;
        else if (cli_parse_double(v, &d) || (d != 0.0 && d != 50.0 && d != 60.0))
            return bad_value(cmd, name, v, "50, 60, 0 (off) or auto");
        break;
    case F_UNSIGNED:
        if (cli_parse_unsigned(v, &u))
            return bad_value(cmd, name, v, "a whole number >= 0");
        d = u;
        break;
    default:
        if (cli_parse_double(v, &d))
            return bad_value(cmd, name, v, "a number");
        break;
    }
    c->config_set[i] = 1;
    c->config_value[i] = d;
    return 0;
}

int cli_common_handle(cli_common *c, const char *cmd, int id, const char *value)
{
    if (id >= CLI_ID_CONFIG && id < CLI_ID_CONFIG + N_CONFIG_FIELDS)
        return handle_config(c, cmd, id, value);
    if (id >= CLI_ID_INPUT && id < CLI_ID_CONFIG)
        return handle_input(c, cmd, id, value);
    return -1;
}

int cli_common_is_set(const cli_common *c, const char *option)
{
    for (size_t i = 0; i < N_CONFIG_FIELDS; i++)
        if (!strcmp(cli_detector_options[i].name, option))
            return c->config_set[i];
    return 0;
}

ltr_status cli_make_config(const cli_common *c, double rate, unsigned n, const ltr_sensor *sensors,
                           ltr_config *cfg)
{
    ltr_config_default(cfg, rate, n, sensors);
    for (size_t i = 0; i < N_CONFIG_FIELDS; i++)
        if (c->config_set[i])
            field_set(cfg, i, c->config_value[i]);
    return ltr_config_validate(cfg);
}

/* "450" or, when the default depends on the rate, "450 at 1 kHz, 2000 at 10 kHz". */
static void print_default(FILE *f, size_t i, const ltr_config *lo, const ltr_config *hi)
{
    double a = field_get(lo, i), b = field_get(hi, i);
    if (config_fields[i].type == F_MAINS) {
        if (a < 0)
            fputs("a sidecar's PowerLineFrequency, else auto", f);
        else
            fprintf(f, "a sidecar's PowerLineFrequency, else %g", a);
        return;
    }
    if (config_fields[i].type == F_ENVELOPE) {
        fputs(a == (double)LTR_ENVELOPE_RMS ? "rms" : "tkeo", f);
        return;
    }
    if (a == b)
        fprintf(f, "%g", a);
    else
        fprintf(f, "%g at 1 kHz, %g at 10 kHz", a, b);
}

void cli_print_common_help(FILE *f, int with_input)
{
    if (with_input) {
        fputs("\nInput (format from the extension or the content; '-' is standard input):\n", f);
        cli_print_options(f, cli_input_options);
    }
    fputs("\nChannels (indices count the file's signal channels from 0, a time column "
          "excluded;\n'ltr info' lists them):\n",
          f);
    cli_print_options(f, cli_channel_options);
    fputs("Without --emg/--acc the channels are typed by the recording's sidecar: FILE.json\n"
          "(data/: \"Channels\" with type EMG or ACC) or BIDS *_emg.json + *_channels.tsv (type\n"
          "EMG or ACCEL), else by the file's labels (EDF, text header: EMG..., ACC X, Accel;\n"
          "ECG, TRIG, ... are left out), else every channel is EMG. The mains comes from\n"
          "--mains, else the sidecar's PowerLineFrequency, else the default. 'ltr info FILE'\n"
          "shows what was taken from where.\n",
          f);
    fputs("\nDetector settings (every field of ltr_config; defaults from ltr_config_default):\n",
          f);
    ltr_config lo, hi;
    ltr_config_default(&lo, 1000.0, 1, NULL);
    ltr_config_default(&hi, 10000.0, 1, NULL);
    for (size_t i = 0; i < N_CONFIG_FIELDS; i++) {
        const cli_option *o = &cli_detector_options[i];
        char left[64];
        snprintf(left, sizeof left, "    --%s %s", o->name, o->arg);
        fprintf(f, "  %-28s %s (", left, o->help);
        print_default(f, i, &lo, &hi);
        fputs(")\n", f);
    }
}

int cli_exit_io(ltr_io_status s)
{
    switch (s) {
    case LTR_IO_OK: return LTR_EXIT_OK;
    case LTR_IO_ERR_ARGUMENT: return LTR_EXIT_USAGE;
    case LTR_IO_ERR_OPEN: return LTR_EXIT_INPUT;
    case LTR_IO_ERR_READ: return LTR_EXIT_INPUT;
    case LTR_IO_ERR_FORMAT: return LTR_EXIT_FORMAT;
    case LTR_IO_ERR_CHANNEL: return LTR_EXIT_CHANNEL;
    case LTR_IO_ERR_RATE: return LTR_EXIT_RATE;
    case LTR_IO_ERR_DATA: return LTR_EXIT_DATA;
    case LTR_IO_ERR_WRITE: return LTR_EXIT_OUTPUT;
    case LTR_IO_ERR_MEMORY: return LTR_EXIT_FAILURE;
    }
    return LTR_EXIT_FAILURE;
}

int cli_exit_config(ltr_status s)
{
    switch (s) {
    case LTR_OK: return LTR_EXIT_OK;
    case LTR_ERR_SAMPLE_RATE: return LTR_EXIT_RATE;
    case LTR_ERR_CHANNELS:
    case LTR_ERR_SENSOR: return LTR_EXIT_CHANNEL;
    case LTR_ERR_MEMORY: return LTR_EXIT_FAILURE;
    default: return LTR_EXIT_USAGE;
    }
}

/* --- the shared options by name (ltr batch records them, ltr report replays them) --- */

static const cli_option *const shared_tables[] = {cli_input_options, cli_channel_options,
                                                  cli_detector_options, NULL};

const cli_option *cli_shared_option_by_id(int id)
{
    for (const cli_option *const *t = shared_tables; *t; t++)
        for (const cli_option *o = *t; o->name; o++)
            if (o->id == id)
                return o;
    return NULL;
}

const cli_option *cli_shared_option_by_name(const char *name)
{
    for (const cli_option *const *t = shared_tables; *t; t++)
        for (const cli_option *o = *t; o->name; o++)
            if (!strcmp(o->name, name))
                return o;
    return NULL;
}
