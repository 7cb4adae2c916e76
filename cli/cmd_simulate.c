/*
 * ltr simulate: write a simulated recording (libltr-sim), its ground truth
 * as a BIDS events.tsv, and a JSON sidecar with every parameter.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 *   ltr simulate [SCENARIO] [OPTIONS] -o OUT.flac|OUT.wav
 *
 * OUT.wav holds 32-bit float samples in physical units (EMG mV, acceleration
 * g). OUT.flac holds 24-bit (or --pcm 16) integers: FLAC has no float
 * samples, so each channel is scaled to its input range (EMG: adc_range_mv,
 * accelerometer: acc_range_g), which is what a reader sees as +-1 full scale
 * (libsndfile, libltr-io); the sidecar states that full scale per channel.
 * A sample beyond the range is clipped, as the ADC of the simulated
 * amplifier would. EDF output is not offered: libltr-io has no EDF writer.
 *
 * Next to OUT go <stem>_events.tsv (the truth, BIDS: onset, duration,
 * trial_type, then libltr-sim's columns; stem drops a BIDS "_emg" suffix as
 * `ltr detect --outdir` does) and <OUT without extension>.json. Every output
 * is written under a temporary name and renamed when complete.
 *
 * The files are a function of the parameters alone, bit for bit: the
 * simulator is deterministic per seed and block-size invariant, the WAV
 * writer is told not to add its PEAK chunk (it holds a time stamp), and
 * nothing else carries a date, a version or a path. (FLAC frames depend on
 * the libFLAC encoder; a different libFLAC version may encode the same
 * samples differently.)
 *
 * Memory is constant: the recording is generated and written in blocks.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sndfile.h>

#include "commands.h"
#include "interrupt.h"
#include "ltr/ltr_io.h"
#include "ltr/ltr_sim.h"
#include "options.h"
#include "run.h"

#define BLOCK_FRAMES 4096u

/* --- the simulator's parameters as options ---------------------------------- */

enum ptype { P_DOUBLE, P_RANGE, P_UNSIGNED, P_U64, P_BOOL, P_ELECTRODE, P_MAINS };

/* X(field, option, metavar, type, help): the main switches of ltr_sim_params.
 * Ranges are given as LO:HI (or one value: fixed). */
#define SIM_OPTIONS(X)                                                                          \
    X(seed, "seed", "N", P_U64, "random seed: same seed, same recording")                       \
    X(sample_rate_hz, "rate", "HZ", P_DOUBLE, "sample rate, Hz (whole number for files)")        \
    X(duration_s, "duration", "S", P_DOUBLE, "length, s")                                       \
    X(n_emg, "emg", "N", P_UNSIGNED, "EMG channels (0-8)")                                      \
    X(acc, "acc", "Y|N", P_BOOL, "a 3-axis accelerometer after the EMG channels")            \
    X(electrode, "electrode", "KIND", P_ELECTRODE, "surface or needle EMG electrode")           \
    X(emg_rest_rms_uv, "rest-uv", "UV", P_DOUBLE, "resting (tonic) EMG, uV RMS")                \
    X(amp_noise_rms_uv, "amp-noise-uv", "UV", P_DOUBLE, "amplifier noise, uV RMS")              \
    X(endplate_noise_rate_hz, "endplate-rate", "HZ", P_DOUBLE,                                  \
      "end-plate noise potentials per s (needle; 0: off)")                                      \
    X(ltr_follow_needle, "ltr-after-needle", "Y|N", P_BOOL,                                  \
      "twitches follow needle movements (else in series)")                                       \
    X(ltr_probability, "ltr-probability", "P", P_DOUBLE, "chance a needle movement elicits one") \
    X(ltr_interval_s, "ltr-interval", "S:S", P_RANGE, "interval between twitches of a series, s") \
    X(ltr_duration_ms, "ltr-duration", "MS:MS", P_RANGE, "twitch EMG burst duration, ms")      \
    X(ltr_snr_db, "ltr-snr", "DB:DB", P_RANGE, "first twitch of a series over background, dB")  \
    X(ltr_habituation, "ltr-habituation", "X:X", P_RANGE, "amplitude factor twitch to twitch")  \
    X(ltr_emd_ms, "ltr-emd", "MS:MS", P_RANGE, "electromechanical delay EMG -> accelerometer, ms") \
    X(ltr_acc_peak_g, "ltr-acc-peak", "G:G", P_RANGE, "twitch peak acceleration, g")           \
    X(mains_hz, "mains", "HZ", P_MAINS, "mains frequency: 50, 60 or 0 (off)")                   \
    X(mains_uv, "mains-uv", "UV", P_DOUBLE, "mains fundamental amplitude, uV")                  \
    X(mains_harmonics, "mains-harmonics", "N", P_UNSIGNED, "mains harmonics (fundamental = 1)") \
    X(wander_uv, "wander-uv", "UV", P_DOUBLE, "baseline wander, uV RMS (0: off)")               \
    X(motion_per_min, "motion", "N", P_DOUBLE, "hand/patient motion episodes per minute")       \
    X(needle_bouts_per_min, "needle-bouts", "N", P_DOUBLE, "needling bouts per minute (0: none)") \
    X(needle_movements, "needle-movements", "N:N", P_RANGE, "needle movements per bout")        \
    X(needle_rate_hz, "needle-rate", "HZ:HZ", P_RANGE, "needle movements per s within a bout")   \
    X(needle_bout_gap_s, "needle-gap", "S:S", P_RANGE,                                          \
      "gap between bouts (sites), s (0:0: exponential, mean 60/needle-bouts)")                  \
    X(needle_site_miss, "site-miss", "P", P_DOUBLE, "chance a site gives no twitch")             \
    X(stim_trains_per_min, "stim-trains", "N", P_DOUBLE, "stimulation trains per minute")       \
    X(stim_high_rate_fraction, "stim-high-fraction", "F", P_DOUBLE,                             \
      "fraction of trains at 80-100 Hz (else 2-4 Hz)")                                          \
    X(voluntary_per_min, "voluntary", "N", P_DOUBLE, "voluntary contractions per minute")       \
    X(ecg_uv, "ecg-uv", "UV", P_DOUBLE, "ECG crosstalk R-peak, uV (0: off)")                    \
    X(electrolysis_per_min, "electrolysis", "N", P_DOUBLE, "DC electrolysis episodes per minute") \
    X(clip_per_min, "clip", "N", P_DOUBLE, "out-of-range artifacts per minute")                 \
    X(dropout_per_min, "dropouts", "N", P_DOUBLE, "dropouts (held samples) per minute")         \
    X(nan_per_min, "nan-runs", "N", P_DOUBLE, "NaN runs per minute (WAV output only)")          \
    X(adc_range_mv, "adc-range-mv", "MV", P_DOUBLE, "EMG input range +-mV (FLAC full scale)")   \
    X(acc_range_g, "acc-range-g", "G", P_DOUBLE, "accelerometer range +-g (FLAC full scale)")   \
    X(adc_bits, "adc-bits", "N", P_UNSIGNED, "ADC resolution, bits (0: none)")

#define PENUM(field, name, arg, type, help) SP_##field,
enum { SIM_OPTIONS(PENUM) N_SIM_OPTIONS };

typedef struct sim_field {
    size_t offset;
    enum ptype type;
} sim_field;

#define PFIELD(field, name, arg, type, help) {offsetof(ltr_sim_params, field), type},
static const sim_field sim_fields[] = {SIM_OPTIONS(PFIELD)};

enum { ID_HELP = 1, ID_LIST, ID_OUTPUT, ID_PCM, ID_WITHOUT, ID_QUIET, ID_PARAM = 100 };

static const cli_option simulate_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help (scenarios and every default)"},
    {"list", 'l', NULL, ID_LIST, "list the scenarios, one per line: name, description"},
    {"output", 'o', "FILE", ID_OUTPUT, "the recording: FILE.flac (24-bit) or FILE.wav (float)"},
    {"pcm", 0, "BITS", ID_PCM, "FLAC sample size: 24 (default) or 16"},
    {"without", 0, "LIST", ID_WITHOUT,
     "leave components out (truth unchanged): background,ltr,mains,..."},
    {"quiet", 'q', NULL, ID_QUIET, "no summary on standard error"},
    {NULL, 0, NULL, 0, NULL},
};

#define POPTION(field, name, arg, type, help) {name, 0, arg, ID_PARAM + SP_##field, help},
static const cli_option param_options[] = {SIM_OPTIONS(POPTION){NULL, 0, NULL, 0, NULL}};

/* Component names of --without, in LTR_SIM_C_* bit order. */
static const char *const component_names[] = {
    "background", "ltr", "mains", "wander", "gravity", "motion", "needle",
    "stim", "voluntary", "ecg", "electrolysis", "clip", "defects",
};
#define N_COMPONENTS (sizeof component_names / sizeof component_names[0])

/* --- arguments ---------------------------------------------------------------- */

typedef struct sim_args {
    int help, list, quiet;
    const char *output;
    unsigned pcm_bits;
    uint32_t without;
    int set[N_SIM_OPTIONS];
    double value[N_SIM_OPTIONS];
    ltr_sim_range range[N_SIM_OPTIONS];
    uint64_t u64[N_SIM_OPTIONS];
} sim_args;

static int bad(const char *option, const char *value, const char *want)
{
    fprintf(stderr, "ltr simulate: --%s: '%s' is not %s\n", option, value, want);
    return LTR_EXIT_USAGE;
}

static int parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+' || *s == '\0')
        return -1;
    unsigned long long x = strtoull(s, &end, 0);
    if (*end || errno == ERANGE)
        return -1;
    *v = (uint64_t)x;
    return 0;
}

/* "LO:HI" or "X". */
static int parse_range(const char *s, ltr_sim_range *r)
{
    char buf[128];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    char *colon = strchr(buf, ':');
    if (colon)
        *colon = '\0';
    if (cli_parse_double(buf, &r->min))
        return -1;
    r->max = r->min;
    if (colon && cli_parse_double(colon + 1, &r->max))
        return -1;
    return r->min <= r->max ? 0 : -1;
}

static int parse_components(const char *list, uint32_t *mask)
{
    char buf[512];
    if (strlen(list) >= sizeof buf)
        return -1;
    strcpy(buf, list);
    char *save = NULL;
    for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        size_t k = 0;
        while (k < N_COMPONENTS && strcasecmp(t, component_names[k]) != 0)
            k++;
        if (k == N_COMPONENTS)
            return -1;
        *mask |= 1u << k;
    }
    return 0;
}

static int handle_param(sim_args *a, size_t i, const char *v)
{
    const char *name = param_options[i].name;
    double d;
    unsigned u;
    switch (sim_fields[i].type) {
    case P_DOUBLE:
        if (cli_parse_double(v, &d))
            return bad(name, v, "a number");
        a->value[i] = d;
        break;
    case P_RANGE:
        if (parse_range(v, &a->range[i]))
            return bad(name, v, "a number or a range LO:HI with LO <= HI");
        break;
    case P_UNSIGNED:
        if (cli_parse_unsigned(v, &u))
            return bad(name, v, "a whole number >= 0");
        a->value[i] = u;
        break;
    case P_U64:
        if (parse_u64(v, &a->u64[i]))
            return bad(name, v, "a whole number >= 0 (64-bit)");
        break;
    case P_BOOL:
        if (!strcasecmp(v, "yes") || !strcasecmp(v, "y") || !strcmp(v, "1") || !strcasecmp(v, "on"))
            a->value[i] = 1;
        else if (!strcasecmp(v, "no") || !strcasecmp(v, "n") || !strcmp(v, "0") || !strcasecmp(v, "off"))
            a->value[i] = 0;
        else
            return bad(name, v, "Y (yes) or N (no)");
        break;
    case P_ELECTRODE:
        if (!strcasecmp(v, "surface"))
            a->value[i] = LTR_SIM_SURFACE;
        else if (!strcasecmp(v, "needle"))
            a->value[i] = LTR_SIM_NEEDLE_ELECTRODE;
        else
            return bad(name, v, "surface or needle");
        break;
    case P_MAINS:
        if (!strcasecmp(v, "off") || !strcasecmp(v, "none"))
            d = 0.0;
        else if (cli_parse_double(v, &d) || (d != 0.0 && d != 50.0 && d != 60.0))
            return bad(name, v, "50, 60 or 0 (off)");
        a->value[i] = d;
        break;
    }
    a->set[i] = 1;
    return 0;
}

static int handle(void *ctx, int id, const char *v)
{
    sim_args *a = ctx;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_LIST: a->list = 1; return 0;
    case ID_OUTPUT: a->output = v; return 0;
    case ID_QUIET: a->quiet = 1; return 0;
    case ID_PCM:
        if (strcmp(v, "16") != 0 && strcmp(v, "24") != 0)
            return bad("pcm", v, "16 or 24");
        a->pcm_bits = (unsigned)atoi(v);
        return 0;
    case ID_WITHOUT:
        if (parse_components(v, &a->without)) {
            fprintf(stderr, "ltr simulate: --without: '%s' is not a list of components (", v);
            for (size_t k = 0; k < N_COMPONENTS; k++)
                fprintf(stderr, "%s%s", k ? ", " : "", component_names[k]);
            fputs(")\n", stderr);
            return LTR_EXIT_USAGE;
        }
        return 0;
    }
    if (id >= ID_PARAM && id < ID_PARAM + (int)N_SIM_OPTIONS)
        return handle_param(a, (size_t)(id - ID_PARAM), v);
    return LTR_EXIT_USAGE;
}

static void apply(const sim_args *a, ltr_sim_params *p)
{
    for (size_t i = 0; i < N_SIM_OPTIONS; i++) {
        if (!a->set[i])
            continue;
        char *base = (char *)p + sim_fields[i].offset;
        switch (sim_fields[i].type) {
        case P_RANGE: memcpy(base, &a->range[i], sizeof a->range[i]); break;
        case P_U64: memcpy(base, &a->u64[i], sizeof a->u64[i]); break;
        case P_UNSIGNED: {
            unsigned u = (unsigned)a->value[i];
            memcpy(base, &u, sizeof u);
            break;
        }
        case P_BOOL: {
            int b = (int)a->value[i];
            memcpy(base, &b, sizeof b);
            break;
        }
        case P_ELECTRODE: {
            ltr_sim_electrode e = (ltr_sim_electrode)(int)a->value[i];
            memcpy(base, &e, sizeof e);
            break;
        }
        default: memcpy(base, &a->value[i], sizeof a->value[i]); break;
        }
    }
    p->components &= ~a->without;
}

/* --- help ----------------------------------------------------------------------- */

static void print_default(FILE *f, size_t i, const ltr_sim_params *p)
{
    const char *base = (const char *)p + sim_fields[i].offset;
    switch (sim_fields[i].type) {
    case P_RANGE: {
        ltr_sim_range r;
        memcpy(&r, base, sizeof r);
        if (r.min == r.max)
            fprintf(f, "%g", r.min);
        else
            fprintf(f, "%g:%g", r.min, r.max);
        break;
    }
    case P_U64: {
        uint64_t u;
        memcpy(&u, base, sizeof u);
        fprintf(f, "%" PRIu64, u);
        break;
    }
    case P_UNSIGNED: {
        unsigned u;
        memcpy(&u, base, sizeof u);
        fprintf(f, "%u", u);
        break;
    }
    case P_BOOL: {
        int b;
        memcpy(&b, base, sizeof b);
        fputs(b ? "yes" : "no", f);
        break;
    }
    case P_ELECTRODE: {
        ltr_sim_electrode e;
        memcpy(&e, base, sizeof e);
        fputs(e == LTR_SIM_NEEDLE_ELECTRODE ? "needle" : "surface", f);
        break;
    }
    default: {
        double d;
        memcpy(&d, base, sizeof d);
        fprintf(f, "%g", d);
        break;
    }
    }
}

static void list_scenarios(FILE *f, int indent)
{
    for (size_t i = 0; i < ltr_sim_scenario_count(); i++)
        fprintf(f, indent ? "  %-16s %s\n" : "%s\t%s\n", ltr_sim_scenario_name(i),
                ltr_sim_scenario_description(i));
}

static void help(void)
{
    fputs("usage: ltr simulate [SCENARIO] [OPTIONS] -o OUT.flac|OUT.wav\n"
          "       ltr simulate --list\n\n"
          "Write a simulated dry-needling recording (libltr-sim) with its exact ground truth.\n"
          "SCENARIO (default: 'default', the simulator's defaults) sets every parameter; the\n"
          "options below change some of them. Outputs, each written whole or not at all:\n"
          "  OUT.flac         24-bit integers, each channel scaled so that +-1 full scale is\n"
          "                   its input range (EMG --adc-range-mv, accelerometer --acc-range-g)\n"
          "  OUT.wav          32-bit float in physical units: EMG mV, acceleration g\n"
          "  STEM_events.tsv  the truth (BIDS): onset, duration, trial_type (ltr, needle, stim,\n"
          "                   voluntary, ecg, motion, electrolysis, clip, dropout, nan), sample,\n"
          "                   amplitude_uv, snr_db, acc_peak_g, acc_onset, series_position, channels\n"
          "  OUT.json         sidecar: rate, channels (name, type, units, full scale), every\n"
          "                   simulator parameter\n"
          "Channels: emg0..emgN-1, then acc_x, acc_y, acc_z. Same options and seed, same files,\n"
          "bit for bit. EDF output is not available (libltr-io has no EDF writer yet).\n\n"
          "Options:\n",
          stdout);
    cli_print_options(stdout, simulate_options);
    fputs("\nSimulation (defaults of the 'default' scenario; a scenario changes some):\n",
          stdout);
    ltr_sim_params p;
    ltr_sim_params_default(&p);
    for (size_t i = 0; i < N_SIM_OPTIONS; i++) {
        const cli_option *o = &param_options[i];
        char left[64];
        snprintf(left, sizeof left, "    --%s %s", o->name, o->arg);
        fprintf(stdout, "  %-28s %s (", left, o->help);
        print_default(stdout, i, &p);
        fputs(")\n", stdout);
    }
    fputs("\nScenarios (ltr simulate --list):\n  default          the simulator's defaults\n",
          stdout);
    list_scenarios(stdout, 1);
    fputs("\nExample: ltr simulate needle_10k --seed 7 -o needle.flac\n"
          "         ltr detect needle.flac -o det.tsv && ltr eval det.tsv needle_events.tsv\n",
          stdout);
}

/* --- the JSON sidecar ------------------------------------------------------------ */

/* The shortest %g that reads back as x (C locale: the tool never sets one). */
static void json_double(FILE *f, double x)
{
    if (!isfinite(x)) {
        fputs("null", f);
        return;
    }
    char buf[40];
    if (x == floor(x) && fabs(x) < 1e15) {
        fprintf(f, "%.0f", x);
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    fputs(buf, f);
}

static void json_range(FILE *f, ltr_sim_range r)
{
    fputc('[', f);
    json_double(f, r.min);
    fputs(", ", f);
    json_double(f, r.max);
    fputc(']', f);
}

/* Every field of ltr_sim_params, in declaration order: X(field, type). */
#define ALL_PARAMS(X)                                                                        \
    X(sample_rate_hz, D) X(duration_s, D) X(seed, U64) X(n_emg, U) X(acc, B) X(electrode, E)  \
    X(components, U) X(emg_rest_rms_uv, D) X(emg_tonic_log_sd, D) X(emg_tonic_period_s, D)    \
    X(amp_noise_rms_uv, D) X(emg_band_lo_hz, D) X(emg_band_hi_hz, D)                          \
    X(endplate_noise_rate_hz, D) X(endplate_noise_uv, R) X(endplate_spike_rate_hz, D)         \
    X(endplate_spike_uv, R) X(acc_noise_ug_per_rthz, D) X(ltr_follow_needle, B)              \
    X(ltr_probability, D) X(ltr_reflex_latency_ms, R) X(ltr_interval_s, R)                    \
    X(ltr_duration_ms, R) X(ltr_snr_db, R) X(ltr_units, R) X(ltr_unit_rate_hz, R)             \
    X(ltr_habituation, R) X(ltr_series_len, R) X(ltr_series_gap_s, R) X(ltr_emd_ms, R)         \
    X(ltr_acc_peak_g, R) X(ltr_contraction_ms, R) X(ltr_acc_resonance_hz, R) X(mains_hz, D)    \
    X(mains_uv, D) X(mains_harmonics, U) X(mains_harmonic_decay, D) X(mains_drift_hz, D)       \
    X(wander_uv, D) X(wander_hz, D) X(motion_per_min, D) X(motion_duration_s, R)              \
    X(motion_peak_g, R) X(motion_emg_uv, D) X(needle_bouts_per_min, D) X(needle_movements, R)  \
    X(needle_rate_hz, R) X(needle_transient_uv, R) X(needle_transient_ms, R)                  \
    X(needle_insertional_ms, R) X(needle_insertional_uv, R) X(needle_surface_factor, D)       \
    X(needle_jolt_g, R) X(stim_trains_per_min, D) X(stim_train_s, R) X(stim_rate_hz, R)       \
    X(stim_high_rate_hz, R) X(stim_high_rate_fraction, D) X(stim_width_us, R) X(stim_uv, D)   \
    X(stim_tail_ms, D) X(stim_evoked_uv, D) X(stim_evoked_g, D) X(electrolysis_per_min, D)    \
    X(electrolysis_s, R) X(electrolysis_recovery_s, R) X(voluntary_per_min, D)                \
    X(voluntary_s, R) X(voluntary_db, R) X(voluntary_acc_g, R) X(ecg_uv, D) X(ecg_bpm, R)      \
    X(clip_per_min, D) X(clip_ms, R) X(adc_range_mv, D) X(acc_range_g, D) X(adc_bits, U)      \
    X(dropout_per_min, D) X(dropout_ms, R) X(dropout_hold, B) X(nan_per_min, D) X(nan_ms, R)   \
    X(acc_random_orientation, B) X(gravity_dir, V3) X(twitch_dir, V3)                         \
    X(needle_bout_gap_s, R) X(needle_site_miss, D)

#define JD(f, v) json_double(f, v)
#define JR(f, v) json_range(f, v)
#define JU(f, v) fprintf(f, "%u", (unsigned)(v))
#define JU64(f, v) fprintf(f, "%" PRIu64, (uint64_t)(v))
#define JB(f, v) fputs((v) ? "true" : "false", f)
#define JE(f, v) fputs((v) == LTR_SIM_NEEDLE_ELECTRODE ? "\"needle\"" : "\"surface\"", f)
#define JV3(f, v)                                                      \
    do {                                                               \
        fputc('[', f);                                                 \
        for (int k_ = 0; k_ < 3; k_++) {                               \
            if (k_)                                                    \
                fputs(", ", f);                                        \
            json_double(f, (v)[k_]);                                   \
        }                                                              \
        fputc(']', f);                                                 \
    } while (0)
#define JPARAM(field, type)                         \
    fprintf(f, "%s\n    \"" #field "\": ", sep);    \
    J##type(f, p->field);                           \
    sep = ",";

static void json_params(FILE *f, const ltr_sim_params *p)
{
    const char *sep = "";
    fputc('{', f);
    ALL_PARAMS(JPARAM)
    fputs("\n  }", f);
}

typedef struct out_format {
    int flac;
    unsigned bits;          /* FLAC: 16 or 24 */
    double full_scale[LTR_MAX_CHANNELS]; /* FLAC: physical value of +1.0 per channel */
} out_format;

static void write_sidecar(FILE *f, const ltr_sim *sim, const char *scenario,
                          const char *description, const char *events_name, const out_format *fmt)
{
    const ltr_sim_params *p = ltr_sim_get_params(sim);
    const unsigned nch = ltr_sim_channels(sim);
    fputs("{\n  \"TaskName\": \"dry needling (simulated)\",\n  \"Description\": ", f);
    char desc[512];
    snprintf(desc, sizeof desc, "libltr-sim scenario '%s': %s", scenario, description);
    ltr_io_json_string(f, desc);
    fputs(",\n  \"GeneratedBy\": [{\"Name\": \"ltr simulate\", \"Description\": "
          "\"libltr-sim, deterministic per seed\"}],\n",
          f);
    fputs("  \"SamplingFrequency\": ", f);
    json_double(f, p->sample_rate_hz);
    fputs(",\n  \"RecordingDuration\": ", f);
    json_double(f, (double)ltr_sim_total_frames(sim) / p->sample_rate_hz);
    fputs(",\n  \"PowerLineFrequency\": ", f);
    if (p->mains_hz > 0.0 && (p->components & LTR_SIM_C_MAINS))
        json_double(f, p->mains_hz);
    else
        fputs("\"n/a\"", f);
    fprintf(f, ",\n  \"EMGChannelCount\": %u,\n  \"ACCChannelCount\": %u,\n", p->n_emg,
            p->acc ? 3u : 0u);
    fprintf(f, "  \"EMGPlacementScheme\": \"%s\",\n",
            p->electrode == LTR_SIM_NEEDLE_ELECTRODE ? "intramuscular needle at a trigger point"
                                                      : "bipolar surface over the muscle");
    if (fmt->flac)
        fprintf(f, "  \"SampleFormat\": \"FLAC, %u-bit integer; physical value = sample (+-1 full "
                   "scale) x full_scale\",\n",
                fmt->bits);
    else
        fputs("  \"SampleFormat\": \"WAV, 32-bit float in physical units\",\n", f);
    fputs("  \"Channels\": [", f);
    for (unsigned c = 0; c < nch; c++) {
        const int emg = ltr_sim_channel_sensor(sim, c) == LTR_SENSOR_EMG;
        fprintf(f, "%s\n    {\"index\": %u, \"name\": \"%s\", \"type\": \"%s\", \"units\": \"%s\"",
                c ? "," : "", c, ltr_sim_channel_name(sim, c), emg ? "EMG" : "ACC",
                emg ? "mV" : "g");
        if (fmt->flac) {
            fputs(", \"full_scale\": ", f);
            json_double(f, fmt->full_scale[c]);
        }
        fputs("}", f);
    }
    fputs("\n  ],\n  \"BackgroundRMS_uV\": ", f);
    json_double(f, ltr_sim_background_rms_uv(sim));
    fputs(",\n  \"EventsFile\": ", f);
    ltr_io_json_string(f, events_name);
    fputs(",\n  \"ltr_sim_scenario\": ", f);
    ltr_io_json_string(f, scenario);
    fputs(",\n  \"ltr_sim\": ", f);
    json_params(f, p);
    fputs("\n}\n", f);
}

/* --- writing --------------------------------------------------------------------- */

static const char *ext_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    return dot ? dot + 1 : "";
}

static const char *base_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The recording, through libsndfile on the atomic file's descriptor. */
static int write_recording(ltr_sim *sim, const char *path, const out_format *fmt)
{
    const ltr_sim_params *p = ltr_sim_get_params(sim);
    const unsigned nch = ltr_sim_channels(sim);
    ltr_io_atomic_file *af;
    ltr_io_error err;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    FILE *stream = ltr_io_atomic_stream(af);
    SF_INFO info;
    memset(&info, 0, sizeof info);
    info.samplerate = (int)p->sample_rate_hz;
    info.channels = (int)nch;
    info.format = fmt->flac ? SF_FORMAT_FLAC | (fmt->bits == 16 ? SF_FORMAT_PCM_16
                                                                : SF_FORMAT_PCM_24)
                            : SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    fflush(stream);
    SNDFILE *sf = sf_open_fd(fileno(stream), SFM_WRITE, &info, SF_FALSE);
    if (sf == NULL) {
        fprintf(stderr, "ltr simulate: %s: %s\n", path, sf_strerror(NULL));
        cli_atomic_abort(af);
        return LTR_EXIT_OUTPUT;
    }
    /* No PEAK chunk in float WAV: it carries a time stamp (files must be reproducible).
     * Integer output clips at full scale rather than wrapping around. */
    sf_command(sf, SFC_SET_ADD_PEAK_CHUNK, NULL, SF_FALSE);
    sf_command(sf, SFC_SET_CLIPPING, NULL, SF_TRUE);

    float *buf = malloc((size_t)BLOCK_FRAMES * nch * sizeof *buf);
    int rc = buf ? 0 : LTR_EXIT_FAILURE;
    float inv[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < nch; c++)
        inv[c] = fmt->flac ? (float)(1.0 / fmt->full_scale[c]) : 1.0f;
    while (rc == 0) {
        size_t n = 0;
        ltr_sim_status ss = ltr_sim_generate(sim, buf, BLOCK_FRAMES, &n);
        if (ss != LTR_SIM_OK) {
            fprintf(stderr, "ltr simulate: %s\n", ltr_sim_status_string(ss));
            rc = LTR_EXIT_FAILURE;
            break;
        }
        if (n == 0)
            break;
        if (fmt->flac) {
            for (size_t i = 0; i < n * nch; i++) {
                if (isnan(buf[i])) {
                    fprintf(stderr, "ltr simulate: %s: FLAC cannot hold NaN samples (--nan-runs): "
                                    "write a .wav\n",
                            path);
                    rc = LTR_EXIT_USAGE;
                    break;
                }
                buf[i] *= inv[i % nch];
            }
        }
        if (rc == 0 && sf_writef_float(sf, buf, (sf_count_t)n) != (sf_count_t)n) {
            fprintf(stderr, "ltr simulate: %s: %s\n", path, sf_strerror(sf));
            rc = LTR_EXIT_OUTPUT;
        }
    }
    free(buf);
    if (sf_close(sf) != 0 && rc == 0) {
        fprintf(stderr, "ltr simulate: %s: cannot finish the file\n", path);
        rc = LTR_EXIT_OUTPUT;
    }
    if (rc != 0) {
        cli_atomic_abort(af);
        return rc;
    }
    /* libsndfile wrote through the descriptor: the FILE's position is stale, but
     * the stream holds no buffered data, so commit only closes and renames. */
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static int write_truth(const ltr_sim *sim, const char *path)
{
    ltr_io_atomic_file *af;
    ltr_io_error err;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    if (ltr_sim_write_events_tsv(sim, ltr_io_atomic_stream(af), 0) != LTR_SIM_OK) {
        fprintf(stderr, "ltr simulate: %s: cannot write\n", path);
        cli_atomic_abort(af);
        return LTR_EXIT_OUTPUT;
    }
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static int write_json(const ltr_sim *sim, const char *path, const char *scenario,
                      const char *description, const char *events_path, const out_format *fmt)
{
    ltr_io_atomic_file *af;
    ltr_io_error err;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    write_sidecar(ltr_io_atomic_stream(af), sim, scenario, description, base_of(events_path),
                  fmt);
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        fprintf(stderr, "ltr simulate: %s\n", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

static void summary(const ltr_sim *sim, const char *out, const char *events, const char *json)
{
    const ltr_sim_params *p = ltr_sim_get_params(sim);
    size_t n = 0, twitches = 0;
    const ltr_sim_event *ev = ltr_sim_truth(sim, &n);
    for (size_t i = 0; i < n; i++)
        twitches += ev[i].kind == LTR_SIM_LTR;
    fprintf(stderr,
            "%s: %.1f s, %u channel%s at %g Hz, %zu twitch%s and %zu other element%s\n"
            "  truth: %s\n  parameters: %s\n",
            out, (double)ltr_sim_total_frames(sim) / p->sample_rate_hz, ltr_sim_channels(sim),
            ltr_sim_channels(sim) == 1 ? "" : "s", p->sample_rate_hz, twitches,
            twitches == 1 ? "" : "es", n - twitches, n - twitches == 1 ? "" : "s", events, json);
}

/* --- the command ---------------------------------------------------------------- */

static int simulate(const sim_args *a, const char *scenario)
{
    ltr_sim_params p;
    const char *description = "the simulator's defaults";
    if (!strcmp(scenario, "default")) {
        ltr_sim_params_default(&p);
    } else if (ltr_sim_scenario(scenario, &p) != LTR_SIM_OK) {
        fprintf(stderr, "ltr simulate: no scenario '%s'; there are:\n  default\n", scenario);
        for (size_t i = 0; i < ltr_sim_scenario_count(); i++)
            fprintf(stderr, "  %s\n", ltr_sim_scenario_name(i));
        return LTR_EXIT_USAGE;
    } else {
        for (size_t i = 0; i < ltr_sim_scenario_count(); i++)
            if (!strcmp(ltr_sim_scenario_name(i), scenario))
                description = ltr_sim_scenario_description(i);
    }
    apply(a, &p);

    out_format fmt;
    memset(&fmt, 0, sizeof fmt);
    const char *ext = ext_of(a->output);
    if (!strcasecmp(ext, "flac")) {
        fmt.flac = 1;
        fmt.bits = a->pcm_bits ? a->pcm_bits : 24;
    } else if (!strcasecmp(ext, "wav")) {
        if (a->pcm_bits) {
            fprintf(stderr, "ltr simulate: --pcm is for FLAC output (WAV is float)\n");
            return LTR_EXIT_USAGE;
        }
    } else if (!strcasecmp(ext, "edf") || !strcasecmp(ext, "bdf")) {
        fprintf(stderr, "ltr simulate: %s: EDF/BDF output is not available yet (libltr-io has "
                        "no EDF writer): write .flac or .wav\n",
                a->output);
        return LTR_EXIT_USAGE;
    } else {
        fprintf(stderr, "ltr simulate: %s: the output must end in .flac or .wav\n", a->output);
        return LTR_EXIT_USAGE;
    }
    if (p.sample_rate_hz != floor(p.sample_rate_hz)) {
        fprintf(stderr, "ltr simulate: --rate %g: audio files hold whole-number rates\n",
                p.sample_rate_hz);
        return LTR_EXIT_RATE;
    }
    if (fmt.flac && p.nan_per_min > 0.0 && (p.components & LTR_SIM_C_DEFECTS)) {
        fprintf(stderr, "ltr simulate: %s: FLAC cannot hold NaN samples (--nan-runs %g): "
                        "write a .wav, or --nan-runs 0\n",
                a->output, p.nan_per_min);
        return LTR_EXIT_USAGE;
    }

    const char *what = NULL;
    ltr_sim_status ss = ltr_sim_params_check(&p, &what);
    if (ss != LTR_SIM_OK) {
        fprintf(stderr, "ltr simulate: %s%s%s\n", ltr_sim_status_string(ss), what ? ": " : "",
                what ? what : "");
        return ss == LTR_SIM_ERR_SAMPLE_RATE ? LTR_EXIT_RATE
               : ss == LTR_SIM_ERR_CHANNELS  ? LTR_EXIT_CHANNEL
                                             : LTR_EXIT_USAGE;
    }
    ltr_sim *sim = NULL;
    if ((ss = ltr_sim_create(&sim, &p)) != LTR_SIM_OK) {
        fprintf(stderr, "ltr simulate: %s\n", ltr_sim_status_string(ss));
        return ss == LTR_SIM_ERR_MEMORY ? LTR_EXIT_FAILURE : LTR_EXIT_USAGE;
    }
    const unsigned nch = ltr_sim_channels(sim);
    for (unsigned c = 0; c < nch; c++) {
        const int emg = ltr_sim_channel_sensor(sim, c) == LTR_SENSOR_EMG;
        /* Unlimited range: a full scale that holds what the simulator makes
         * (assumption: +-50 mV, +-16 g), clipped beyond. */
        double range = emg ? p.adc_range_mv : p.acc_range_g;
        fmt.full_scale[c] = range > 0.0 ? range : emg ? 50.0 : 16.0;
    }

    char events[4096], json[4096], dir[4096];
    const char *slash = strrchr(a->output, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - a->output) + 1 : 0, a->output);
    int rc = 0;
    if (cli_output_path(events, sizeof events, dir, a->output, "_events.tsv") != 0 ||
        cli_replace_ext(json, sizeof json, a->output, ".json") != 0) {
        fprintf(stderr, "ltr simulate: %s: path too long\n", a->output);
        rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0)
        rc = write_recording(sim, a->output, &fmt);
    if (rc == 0)
        rc = write_truth(sim, events);
    if (rc == 0)
        rc = write_json(sim, json, scenario, description, events, &fmt);
    if (rc == 0 && !a->quiet)
        summary(sim, a->output, events, json);
    ltr_sim_destroy(sim);
    return rc;
}

int cmd_simulate(int argc, char **argv)
{
    sim_args a;
    memset(&a, 0, sizeof a);
    const cli_option *const tables[] = {simulate_options, param_options, NULL};
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    int n = 0;
    if (!pos)
        return LTR_EXIT_FAILURE;
    int rc = cli_parse("simulate", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        help();
    } else if (rc == 0 && a.list) {
        list_scenarios(stdout, 0);
    } else if (rc == 0 && n > 1) {
        fprintf(stderr, "ltr simulate: one scenario at a time (got '%s' and '%s')\n", pos[0],
                pos[1]);
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && !a.output) {
        fprintf(stderr, "ltr simulate: no output: -o OUT.flac or -o OUT.wav (see 'ltr simulate "
                        "--help')\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0) {
        cli_interrupt_install(CLI_INTERRUPT_NOW);
        rc = simulate(&a, n ? pos[0] : "default");
    }
    free(pos);
    return rc;
}
