/*
 * Sidecars: what each channel of a recording is, and the mains (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * A recording rarely says what its channels are (WAV and FLAC have no
 * labels); the files beside it do: data/'s JSON sidecar ("Channels" with a
 * type each), BIDS's *_emg.json (PowerLineFrequency) and *_channels.tsv
 * (name, type, units, status). What neither sidecar types is guessed from the
 * file's own labels and units (EDF, text headers). The layering, per field:
 * channels.tsv over the JSON's "Channels" over the file's own labels.
 *
 * JSON is parsed with Jansson (MIT; Debian libjansson-dev): it reports the
 * line and column of a syntax error, which a person needs to fix a
 * hand-edited sidecar. The channels.tsv parser is ours: BIDS TSV is plain
 * tab-separated text with a header and "n/a" for missing values.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "io_internal.h"

/* A sidecar is a few kB; this keeps a mistaken name from loading a recording. */
#define SIDECAR_MAX_BYTES (4L << 20)
/* SamplingFrequency this far off the file's rate (relative) is a mismatch: text time
 * columns give rates like 1925.93 where a sidecar writes 1926. */
#define RATE_TOLERANCE 1e-3

struct ltr_io_sidecar {
    ltr_io_sidecar_info info;
    ltr_io_channel_desc *channels;
    char *json_path, *channels_path;
    char *notes;
    size_t notes_len, notes_cap;
};

/* One channel as a sidecar file describes it, before it is matched to the file's. */
typedef struct entry {
    char name[64], type[24], unit[16];
    double full_scale;
    long index; /* JSON "index"; -1: by position */
    int bad;
} entry;

/* --- small helpers ------------------------------------------------------------- */

static void note(ltr_io_sidecar *sc, const char *fmt, ...) LTRI_PRINTF(2, 3);

static void note(ltr_io_sidecar *sc, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t need = sc->notes_len + strlen(line) + 2;
    if (need > sc->notes_cap) {
        size_t cap = need * 2;
        char *more = realloc(sc->notes, cap);
        if (!more)
            return; /* a note lost to a failed allocation is not worth failing for */
        sc->notes = more;
        sc->notes_cap = cap;
    }
    sc->notes_len += (size_t)sprintf(sc->notes + sc->notes_len, "%s\n", line);
}

static int is_na(const char *s) { return !s[0] || !strcasecmp(s, "n/a"); }

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* path without its extension (the last ".xxx" of the base name). */
static char *path_stem(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - path) : strlen(path);
    char *s = malloc(n + 1);
    if (s) {
        memcpy(s, path, n);
        s[n] = '\0';
    }
    return s;
}

static char *concat(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *s = malloc(na + nb + 1);
    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, b, nb + 1);
    }
    return s;
}

/* A name the reader made up ("ch<N>") says nothing. */
static int generic_name(const char *name, unsigned index)
{
    char buf[24];
    snprintf(buf, sizeof buf, "ch%u", index);
    return !strcmp(name, buf);
}

/* --- types ------------------------------------------------------------------------ */

const char *ltr_io_channel_type_name(ltr_io_channel_type type)
{
    switch (type) {
    case LTR_IO_CHANNEL_EMG: return "EMG";
    case LTR_IO_CHANNEL_ACC: return "accelerometer";
    case LTR_IO_CHANNEL_OTHER: return "other";
    case LTR_IO_CHANNEL_UNKNOWN: break;
    }
    return "unknown";
}

ltr_io_channel_type ltr_io_channel_type_parse(const char *type)
{
    if (!type || is_na(type))
        return LTR_IO_CHANNEL_UNKNOWN;
    if (!strcasecmp(type, "EMG"))
        return LTR_IO_CHANNEL_EMG;
    /* BIDS writes ACCEL; data/ (and many devices) ACC. */
    if (!strcasecmp(type, "ACCEL") || !strcasecmp(type, "ACC") ||
        !strcasecmp(type, "ACCELEROMETER"))
        return LTR_IO_CHANNEL_ACC;
    return LTR_IO_CHANNEL_OTHER;
}

/* Signals that are neither EMG nor acceleration, as labels name them: whole words (a
 * prefix rule would take the temporalis muscle for a temperature), and the four
 * electrode signals as prefixes (ECG1, EEGFp1). */
static const char *const other_words[] = {
    "trig",  "trigger", "triggers", "status", "marker", "markers", "resp", "respiration",
    "temp",  "temperature", "gsr", "eda", "ppg", "spo2", "gyro", "gyroscope", "mag", "magn",
    "event", "events", "sync", "stim", "stimulus", "annotations", "misc", "pulse", "hr", "bp",
};
static const char *const other_prefixes[] = {"ecg", "ekg", "eeg", "eog", "heog", "veog"};

static int is_other_word(const char *tok)
{
    for (size_t i = 0; i < sizeof other_words / sizeof other_words[0]; i++)
        if (!strcmp(tok, other_words[i]))
            return 1;
    for (size_t i = 0; i < sizeof other_prefixes / sizeof other_prefixes[0]; i++)
        if (!strncmp(tok, other_prefixes[i], strlen(other_prefixes[i])))
            return 1;
    return 0;
}

static int is_acceleration_unit(const char *unit)
{
    static const char *const units[] = {"m/s^2", "m/s2", "m/s\xc2\xb2", "m s-2", "m.s-2",
                                        "ms-2", "m/s/s", "m*s^-2"};
    if (!strcmp(unit, "g") || !strcmp(unit, "mg"))  /* "mG" is a milligauss */
        return 1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (!strcasecmp(unit, units[i]))
            return 1;
    return 0;
}

ltr_io_channel_type ltr_io_channel_type_guess(const char *label, const char *unit)
{
    int emg = 0, acc = 0, other = 0;
    char tok[64];
    const char *p = label ? label : "";
    while (*p) {
        size_t n = 0;
        /* Words: runs of letters, or of digits ("EMG1" is "emg" "1"). */
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const int digits = isdigit((unsigned char)*p) != 0;
        while (*p && isalnum((unsigned char)*p) && (isdigit((unsigned char)*p) != 0) == digits) {
            if (n + 1 < sizeof tok)
                tok[n++] = (char)tolower((unsigned char)*p);
            p++;
        }
        tok[n] = '\0';
        if (!n || digits)
            continue;
        if (strstr(tok, "emg"))  /* EMG1, sEMG, emg_left */
            emg = 1;
        else if (!strncmp(tok, "acc", 3) || strstr(tok, "accel"))  /* ACC X, AccX, Accel */
            acc = 1;
        else if (is_other_word(tok))
            other = 1;
    }
    if (emg != acc)
        return emg ? LTR_IO_CHANNEL_EMG : LTR_IO_CHANNEL_ACC;
    if (!emg && other)
        return LTR_IO_CHANNEL_OTHER;
    if (!emg && unit && is_acceleration_unit(unit))
        return LTR_IO_CHANNEL_ACC;
    return LTR_IO_CHANNEL_UNKNOWN;
}

/* --- the JSON sidecar ------------------------------------------------------------- */

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "a boolean";
    case JSON_NULL: return "null";
    }
    return "something else";
}

/* A frequency field: a positive number, or "n/a"/absent (0). */
static ltr_io_status json_hz(const json_t *root, const char *key, const char *path, double *hz,
                             ltr_io_error *err)
{
    const json_t *v = json_object_get(root, key);
    *hz = 0.0;
    if (!v || json_is_null(v) || (json_is_string(v) && is_na(json_string_value(v))))
        return LTR_IO_OK;
    if (!json_is_number(v))
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: %s is %s, not a number in Hz", path,
                            key, json_kind(v));
    double x = json_number_value(v);
    if (!(x > 0.0) || !isfinite(x))
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: %s is %g: not a frequency in Hz",
                            path, key, x);
    *hz = x;
    return LTR_IO_OK;
}

/* A string field of a channel object into dst ("" if absent or null). */
static ltr_io_status json_text(const json_t *obj, const char *key, char *dst, size_t size,
                               const char *path, size_t i, ltr_io_error *err)
{
    const json_t *v = json_object_get(obj, key);
    dst[0] = '\0';
    if (!v || json_is_null(v))
        return LTR_IO_OK;
    if (!json_is_string(v))
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: Channels[%zu].%s is %s, not a string",
                            path, i, key, json_kind(v));
    ltri_io_strlcpy(dst, json_string_value(v), size);
    return LTR_IO_OK;
}

static ltr_io_status json_channels(const json_t *arr, const char *path, entry **out, unsigned *n,
                                   ltr_io_error *err)
{
    size_t count = json_array_size(arr);
    entry *e = calloc(count ? count : 1, sizeof *e);
    if (!e)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    ltr_io_status st = LTR_IO_OK;
    size_t with_index = 0;
    for (size_t i = 0; i < count && st == LTR_IO_OK; i++) {
        const json_t *c = json_array_get(arr, i);
        e[i].index = -1;
        if (!json_is_object(c)) {
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: Channels[%zu] is %s, not an object",
                              path, i, json_kind(c));
            break;
        }
        if ((st = json_text(c, "name", e[i].name, sizeof e[i].name, path, i, err)) ||
            (st = json_text(c, "type", e[i].type, sizeof e[i].type, path, i, err)) ||
            (st = json_text(c, "units", e[i].unit, sizeof e[i].unit, path, i, err)))
            break;
        const json_t *v = json_object_get(c, "index");
        if (v && !json_is_null(v)) {
            if (!json_is_integer(v) || json_integer_value(v) < 0) {
                st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                                  "%s: Channels[%zu].index is not a channel index (0, 1, ...)",
                                  path, i);
                break;
            }
            e[i].index = (long)json_integer_value(v);
            with_index++;
        }
        v = json_object_get(c, "full_scale");
        if (v && !json_is_null(v)) {
            if (!json_is_number(v) || !(json_number_value(v) > 0)) {
                st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                                  "%s: Channels[%zu].full_scale is not a positive number", path,
                                  i);
                break;
            }
            e[i].full_scale = json_number_value(v);
        }
    }
    if (st == LTR_IO_OK && with_index != 0 && with_index != count)
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                          "%s: some Channels have an \"index\" and some not: give it to all or "
                          "none (none: array order)",
                          path);
    if (st != LTR_IO_OK) {
        free(e);
        return st;
    }
    *out = e;
    *n = (unsigned)count;
    return LTR_IO_OK;
}

static ltr_io_status read_json(ltr_io_sidecar *sc, const char *path, entry **entries,
                               unsigned *n_entries, ltr_io_error *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && st.st_size > SIDECAR_MAX_BYTES)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: %lld bytes: too big for a JSON sidecar (a recording named "
                            ".json?)",
                            path, (long long)st.st_size);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line <= 0)
            return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: cannot read the sidecar: %s", path,
                                je.text);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, (uint64_t)je.line,
                            "%s:%d:%d: broken JSON sidecar: %s", path, je.line, je.column,
                            je.text);
    }
    ltr_io_status s = LTR_IO_OK;
    double mains = 0.0;
    if (!json_is_object(root))
        s = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                         "%s: the sidecar is %s, not a JSON object of fields", path,
                         json_kind(root));
    else if ((s = json_hz(root, "SamplingFrequency", path, &sc->info.sample_rate_hz, err)) ==
                 LTR_IO_OK &&
             (s = json_hz(root, "PowerLineFrequency", path, &mains, err)) == LTR_IO_OK) {
        if (mains == 50.0 || mains == 60.0)
            sc->info.power_line_hz = mains;
        else if (mains > 0.0)
            note(sc, "%s: PowerLineFrequency %g Hz is neither 50 nor 60: not used", path, mains);
        const json_t *ch = json_object_get(root, "Channels");
        if (ch && !json_is_null(ch)) {
            if (!json_is_array(ch))
                s = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: Channels is %s, not an array",
                                 path, json_kind(ch));
            else
                s = json_channels(ch, path, entries, n_entries, err);
        }
    }
    json_decref(root);
    return s;
}

/* --- the BIDS channels.tsv --------------------------------------------------------- */

/* Split a line at tabs in place (trailing CR/LF removed). Returns the field count. */
static unsigned split_tabs(char *line, char **fields, unsigned max)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    unsigned k = 0;
    char *p = line;
    for (;;) {
        char *tab = strchr(p, '\t');
        if (k < max)
            fields[k] = p;
        k++;
        if (!tab)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    return k;
}

#define TSV_MAX_COLUMNS 64
#define TSV_MAX_LINE 4096

static ltr_io_status read_channels_tsv(const char *path, entry **out, unsigned *n_out,
                                       ltr_io_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    char *line = malloc(TSV_MAX_LINE);
    char *fields[TSV_MAX_COLUMNS];
    entry *e = NULL;
    unsigned n = 0, cap = 0, n_cols = 0, lineno = 0;
    int col_name = -1, col_type = -1, col_units = -1, col_status = -1;
    ltr_io_status st = line ? LTR_IO_OK
                            : ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    while (st == LTR_IO_OK && fgets(line, TSV_MAX_LINE, f)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, lineno, "%s:%u: line longer than %d bytes",
                              path, lineno, TSV_MAX_LINE - 1);
            break;
        }
        if (lineno == 1) {
            n_cols = split_tabs(line, fields, TSV_MAX_COLUMNS);
            if (n_cols > TSV_MAX_COLUMNS) {
                st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 1, "%s:1: more than %d columns", path,
                                  TSV_MAX_COLUMNS);
                break;
            }
            for (unsigned c = 0; c < n_cols; c++) {
                if (!strcasecmp(fields[c], "name"))
                    col_name = (int)c;
                else if (!strcasecmp(fields[c], "type"))
                    col_type = (int)c;
                else if (!strcasecmp(fields[c], "units"))
                    col_units = (int)c;
                else if (!strcasecmp(fields[c], "status"))
                    col_status = (int)c;
            }
            if (col_name < 0 || col_type < 0)
                st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 1,
                                  "%s:1: a BIDS channels.tsv needs tab-separated 'name' and "
                                  "'type' columns in its header",
                                  path);
            continue;
        }
        if (strspn(line, " \t\r\n") == strlen(line))
            continue; /* a blank line (often the last) */
        unsigned k = split_tabs(line, fields, TSV_MAX_COLUMNS);
        if (k != n_cols) {
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, lineno,
                              "%s:%u: %u tab-separated fields, the header has %u", path, lineno,
                              k, n_cols);
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            entry *more = realloc(e, cap * sizeof *e);
            if (!more) {
                st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
                break;
            }
            e = more;
        }
        entry *x = &e[n++];
        memset(x, 0, sizeof *x);
        x->index = -1;
        ltri_io_strlcpy(x->name, fields[col_name], sizeof x->name);
        ltri_io_strlcpy(x->type, fields[col_type], sizeof x->type);
        if (col_units >= 0 && !is_na(fields[col_units]))
            ltri_io_strlcpy(x->unit, fields[col_units], sizeof x->unit);
        x->bad = col_status >= 0 && !strcasecmp(fields[col_status], "bad");
    }
    if (st == LTR_IO_OK && ferror(f))
        st = ltri_io_fail(err, LTR_IO_ERR_READ, 0, "%s: read error", path);
    if (st == LTR_IO_OK && lineno == 0)
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: empty channels.tsv", path);
    fclose(f);
    free(line);
    if (st != LTR_IO_OK) {
        free(e);
        return st;
    }
    *out = e;
    *n_out = n;
    return LTR_IO_OK;
}

/* --- matching described channels to the file's ----------------------------------- */

/* map[i]: the file channel of entry i. By JSON index, else by name (when the file has
 * names and every entry names a distinct one of them), else by position. */
static ltr_io_status match(ltr_io_sidecar *sc, const ltr_io_reader *r, const char *path,
                           const entry *e, unsigned n, const char *what, unsigned *map,
                           ltr_io_error *err)
{
    const unsigned n_ch = sc->info.n_channels;
    if (n != n_ch)
        return ltri_io_fail(err, LTR_IO_ERR_CHANNEL, 0,
                            "%s describes %u channel%s (%s), but %s has %u: is it the sidecar "
                            "of another recording?",
                            path, n, n == 1 ? "" : "s", what, r->name, n_ch);
    if (n > 0 && e[0].index >= 0) {
        for (unsigned i = 0; i < n; i++) {
            if (e[i].index >= (long)n_ch)
                return ltri_io_fail(err, LTR_IO_ERR_CHANNEL, 0,
                                    "%s: %s index %ld, but %s has channels 0-%u", path, what,
                                    e[i].index, r->name, n_ch - 1);
            for (unsigned k = 0; k < i; k++)
                if (e[k].index == e[i].index)
                    return ltri_io_fail(err, LTR_IO_ERR_CHANNEL, 0,
                                        "%s: %s index %ld appears twice", path, what, e[i].index);
            map[i] = (unsigned)e[i].index;
        }
        return LTR_IO_OK;
    }
    int named = 0, by_name = n > 0;
    for (unsigned c = 0; c < n_ch; c++)
        named |= !generic_name(r->channels[c].name, c);
    for (unsigned i = 0; i < n && by_name; i++) {
        map[i] = n_ch;
        for (unsigned c = 0; c < n_ch; c++)
            if (!strcasecmp(e[i].name, r->channels[c].name)) {
                map[i] = c;
                break;
            }
        for (unsigned k = 0; k < i && map[i] < n_ch; k++)
            if (map[k] == map[i])
                map[i] = n_ch;
        by_name = named && map[i] < n_ch;
    }
    if (by_name)
        return LTR_IO_OK;
    int differ = 0;
    for (unsigned i = 0; i < n; i++) {
        map[i] = i;
        differ |= named && !generic_name(r->channels[i].name, i) &&
                  strcasecmp(e[i].name, r->channels[i].name) != 0;
    }
    if (differ)
        note(sc, "%s: its channel names are not the file's labels: matched in order", path);
    return LTR_IO_OK;
}

static void apply(ltr_io_sidecar *sc, const entry *e, unsigned n, const unsigned *map,
                  ltr_io_source source)
{
    for (unsigned i = 0; i < n; i++) {
        ltr_io_channel_desc *d = &sc->channels[map[i]];
        if (!is_na(e[i].name))
            ltri_io_strlcpy(d->name, e[i].name, sizeof d->name);
        if (!is_na(e[i].unit))
            ltri_io_strlcpy(d->unit, e[i].unit, sizeof d->unit);
        if (e[i].full_scale > 0)
            d->full_scale = e[i].full_scale;
        ltr_io_channel_type t = ltr_io_channel_type_parse(e[i].type);
        if (t != LTR_IO_CHANNEL_UNKNOWN) {
            d->type = t;
            d->type_source = source;
            ltri_io_strlcpy(d->type_text, e[i].type, sizeof d->type_text);
        }
        if (e[i].bad) {
            d->bad = 1;
            d->type = LTR_IO_CHANNEL_OTHER;
            d->type_source = source;
        }
    }
}

/* Read one sidecar file's channel entries and lay them over the channels. */
static ltr_io_status layer(ltr_io_sidecar *sc, const ltr_io_reader *r, const char *path,
                           entry *e, unsigned n, const char *what, ltr_io_source source,
                           ltr_io_error *err)
{
    unsigned *map = calloc(n ? n : 1, sizeof *map);
    if (!map)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    ltr_io_status st = match(sc, r, path, e, n, what, map, err);
    if (st == LTR_IO_OK)
        apply(sc, e, n, map, source);
    free(map);
    return st;
}

/* --- reading --------------------------------------------------------------------- */

static ltr_io_status check_rate(ltr_io_sidecar *sc, const ltr_io_reader *r, ltr_io_error *err)
{
    const double want = sc->info.sample_rate_hz, have = r->info.sample_rate_hz;
    if (!(want > 0) || !(have > 0) || fabs(want - have) <= RATE_TOLERANCE * have)
        return LTR_IO_OK;
    if (!strcmp(r->info.rate_source, "option")) {
        note(sc, "%s: SamplingFrequency %g Hz; %g Hz as given is used", sc->json_path, want,
             have);
        return LTR_IO_OK;
    }
    return ltri_io_fail(err, LTR_IO_ERR_RATE, 0,
                        "%s: SamplingFrequency %g Hz, but %s is at %g Hz (from the %s): is it "
                        "the sidecar of another recording?",
                        sc->json_path, want, r->name, have, r->info.rate_source);
}

/* What the file's own labels and units say, for the channels no sidecar typed. */
static void guess_from_labels(ltr_io_sidecar *sc, const ltr_io_reader *r)
{
    for (unsigned c = 0; c < sc->info.n_channels; c++) {
        ltr_io_channel_desc *d = &sc->channels[c];
        if (d->type != LTR_IO_CHANNEL_UNKNOWN)
            continue;
        const ltr_io_channel *ch = &r->channels[c];
        ltr_io_channel_type t = ltr_io_channel_type_guess(d->name, NULL);
        const char *why = d->name;
        if (t == LTR_IO_CHANNEL_UNKNOWN && strcmp(d->name, ch->name) != 0)
            t = ltr_io_channel_type_guess(why = ch->name, NULL);
        if (t != LTR_IO_CHANNEL_UNKNOWN) {
            d->type_source = LTR_IO_SOURCE_LABEL;
        } else if (ltr_io_channel_type_guess("", d->unit) == LTR_IO_CHANNEL_ACC) {
            t = LTR_IO_CHANNEL_ACC;
            why = d->unit;
            d->type_source = LTR_IO_SOURCE_UNIT;
        }
        if (t != LTR_IO_CHANNEL_UNKNOWN) {
            d->type = t;
            ltri_io_strlcpy(d->type_text, why, sizeof d->type_text);
        }
    }
}

static ltr_io_status find_files(ltr_io_sidecar *sc, const char *path, ltr_io_error *err)
{
    char *stem = path_stem(path);
    if (!stem)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    char *json = concat(stem, ".json");
    /* BIDS: sub-01_task-x_emg.edf -> sub-01_task-x_channels.tsv */
    size_t n = strlen(stem);
    if (n > 4 && !strcmp(stem + n - 4, "_emg"))
        stem[n - 4] = '\0';
    char *tsv = concat(stem, "_channels.tsv");
    free(stem);
    if (!json || !tsv) {
        free(json);
        free(tsv);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    if (is_file(json))
        sc->json_path = json;
    else
        free(json);
    if (is_file(tsv))
        sc->channels_path = tsv;
    else
        free(tsv);
    return LTR_IO_OK;
}

static ltr_io_status read_all(ltr_io_sidecar *sc, const ltr_io_reader *r, const char *path,
                              ltr_io_error *err)
{
    ltr_io_status st = LTR_IO_OK;
    if (path && strcmp(path, "-") != 0)
        st = find_files(sc, path, err);
    entry *e = NULL;
    unsigned n = 0;
    if (st == LTR_IO_OK && sc->json_path) {
        st = read_json(sc, sc->json_path, &e, &n, err);
        if (st == LTR_IO_OK)
            st = check_rate(sc, r, err);
        if (st == LTR_IO_OK && e)
            st = layer(sc, r, sc->json_path, e, n, "Channels", LTR_IO_SOURCE_JSON, err);
        free(e);
        e = NULL;
    }
    if (st == LTR_IO_OK && sc->channels_path) {
        st = read_channels_tsv(sc->channels_path, &e, &n, err);
        if (st == LTR_IO_OK)
            st = layer(sc, r, sc->channels_path, e, n, "rows", LTR_IO_SOURCE_CHANNELS_TSV, err);
        free(e);
    }
    if (st != LTR_IO_OK)
        return st;
    for (unsigned c = 0; c < sc->info.n_channels; c++)
        if (sc->channels[c].type != LTR_IO_CHANNEL_UNKNOWN)
            sc->info.n_from_sidecar++;
    guess_from_labels(sc, r);
    return LTR_IO_OK;
}

ltr_io_status ltr_io_sidecar_read(ltr_io_sidecar **out, const ltr_io_reader *r, const char *path,
                                  ltr_io_error *err)
{
    if (!out || !r)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    *out = NULL;
    ltr_io_sidecar *sc = calloc(1, sizeof *sc);
    const unsigned n_ch = r->info.n_channels;
    if (sc)
        sc->channels = calloc(n_ch ? n_ch : 1, sizeof *sc->channels);
    if (!sc || !sc->channels) {
        free(sc);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", r->name);
    }
    sc->info.n_channels = n_ch;
    for (unsigned c = 0; c < n_ch; c++) {
        ltri_io_strlcpy(sc->channels[c].name, r->channels[c].name, sizeof sc->channels[c].name);
        ltri_io_strlcpy(sc->channels[c].unit, r->channels[c].unit, sizeof sc->channels[c].unit);
    }
    ltr_io_status st = read_all(sc, r, path, err);
    if (st != LTR_IO_OK) {
        ltr_io_sidecar_destroy(sc);
        return st;
    }
    for (unsigned c = 0; c < n_ch; c++)
        if (sc->channels[c].type != LTR_IO_CHANNEL_UNKNOWN)
            sc->info.n_typed++;
    sc->info.json_path = sc->json_path;
    sc->info.channels_path = sc->channels_path;
    sc->info.notes = sc->notes ? sc->notes : "";
    *out = sc;
    return LTR_IO_OK;
}

void ltr_io_sidecar_destroy(ltr_io_sidecar *sc)
{
    if (!sc)
        return;
    free(sc->channels);
    free(sc->json_path);
    free(sc->channels_path);
    free(sc->notes);
    free(sc);
}

ltr_io_status ltr_io_sidecar_info_get(const ltr_io_sidecar *sc, ltr_io_sidecar_info *info)
{
    if (!sc || !info)
        return LTR_IO_ERR_ARGUMENT;
    *info = sc->info;
    return LTR_IO_OK;
}

const ltr_io_channel_desc *ltr_io_sidecar_channel(const ltr_io_sidecar *sc, unsigned index)
{
    return sc && index < sc->info.n_channels ? &sc->channels[index] : NULL;
}
