/*
 * ltr eval: score detected twitches against ground truth (libltr-eval).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 *   ltr eval [OPTIONS] DETECTIONS TRUTH [DETECTIONS TRUTH ...]
 *
 * Both files are BIDS events tables: a header row naming the columns, then
 * one row per event, tab-separated (comma-separated with RFC 4180 quoting if
 * the name ends in .csv). Columns are found by name, in any order:
 *
 *   DETECTIONS (as `ltr detect` writes them): onset (s, required), duration
 *     (s, "n/a" = 0), trial_type (rows of the --detection-types are
 *     detections, default "twitch" and "ltr"; without the column every row
 *     is one), latency_ms (the real-time latency; "n/a" or absent: unknown),
 *     source (several recordings in one file: choose one with --source).
 *   TRUTH (as `ltr simulate` writes it): onset, duration, trial_type: "ltr"
 *     (or "twitch") is a twitch to find; any other kind (needle, stim,
 *     voluntary, ecg, ...) is an element a detection must not be, and false
 *     positives overlapping one are counted against it. Without trial_type
 *     every row is a twitch.
 *
 * Several pairs are scored one by one and pooled (their timelines laid end to
 * end, 10 s apart, so no window spans two recordings).
 *
 * Exit codes (cli/commands.h): 2 bad command line, 3 a file cannot be read,
 * 4 not an events table (no header, no onset column, a row with too few
 * fields), 7 a value that is not a number where one must be, 8 the report
 * cannot be written. Messages name the file and the line.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "ltr/ltr_eval.h"
#include "ltr/ltr_io.h"
#include "options.h"

#define MAX_FIELDS 256
#define MAX_TYPES 16
#define POOL_GAP_S 10.0

enum { ID_HELP = 1, ID_TOLERANCE, ID_JSON, ID_TABLE, ID_MARKDOWN, ID_MATCHES, ID_TYPES, ID_SOURCE,
       ID_OUTPUT, ID_NAME, ID_STOP_STROKES, ID_STOP_AFTER };

static const cli_option eval_options[] = {
    {"help", 'h', NULL, ID_HELP, "show this help"},
    {"tolerance-ms", 't', "MS", ID_TOLERANCE, "largest |detected - true onset| of a match (50)"},
    {"json", 0, NULL, ID_JSON, "JSON instead of text"},
    {"table", 0, NULL, ID_TABLE, "one table row per pair (and a pooled row 'all')"},
    {"markdown", 0, NULL, ID_MARKDOWN, "the same table in Markdown (for a README)"},
    {"matches", 0, NULL, ID_MATCHES, "text: also list every twitch, miss and false positive"},
    {"detection-types", 0, "LIST", ID_TYPES,
     "trial_type values that are detections (twitch,ltr)"},
    {"source", 0, "NAME", ID_SOURCE, "only the detection rows of this source (ltr detect A B)"},
    {"name", 'n', "NAME", ID_NAME, "name of the pair in table/JSON (repeat per pair)"},
    {"output", 'o', "FILE", ID_OUTPUT, "write the report to FILE (default: standard output)"},
    {"stop-strokes", 0, "N", ID_STOP_STROKES,
     "sites: the truth's 'twitches have stopped' after N strokes without one (5)"},
    {"stop-after", 0, "MS", ID_STOP_AFTER, "sites: ... or this long of needling without one (10000)"},
    {NULL, 0, NULL, 0, NULL},
};

typedef struct eval_args {
    int help, json, table, markdown, matches;
    ltr_eval_options opt;
    ltr_eval_site_options site_opt;
    char types_buf[512];
    const char *types[MAX_TYPES];
    size_t n_types;
    const char *source;
    const char *output;
    const char **names;
    size_t n_names;
} eval_args;

static int set_types(eval_args *a, const char *list)
{
    if (strlen(list) >= sizeof a->types_buf)
        return -1;
    strcpy(a->types_buf, list);
    a->n_types = 0;
    char *save = NULL;
    for (char *t = strtok_r(a->types_buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (a->n_types == MAX_TYPES)
            return -1;
        a->types[a->n_types++] = t;
    }
    return a->n_types ? 0 : -1;
}

static int handle(void *ctx, int id, const char *v)
{
    eval_args *a = ctx;
    double d;
    switch (id) {
    case ID_HELP: a->help = 1; return 0;
    case ID_JSON: a->json = 1; return 0;
    case ID_TABLE: a->table = 1; return 0;
    case ID_MARKDOWN: a->markdown = 1; return 0;
    case ID_MATCHES: a->matches = 1; return 0;
    case ID_SOURCE: a->source = v; return 0;
    case ID_OUTPUT: a->output = v; return 0;
    case ID_NAME: a->names[a->n_names++] = v; return 0;
    case ID_TOLERANCE:
        if (cli_parse_double(v, &d) || !(d >= 0.0) || d > 1e6) {
            fprintf(stderr, "ltr eval: --tolerance-ms: '%s' is not a time in ms (>= 0)\n", v);
            return LTR_EXIT_USAGE;
        }
        a->opt.tolerance_s = d / 1000.0;
        return 0;
    case ID_STOP_STROKES:
        if (cli_parse_double(v, &d) || !(d >= 0.0) || d > 1000.0 || d != floor(d)) {
            fprintf(stderr, "ltr eval: --stop-strokes: '%s' is not a count (0-1000)\n", v);
            return LTR_EXIT_USAGE;
        }
        a->site_opt.stop_strokes = (unsigned)d;
        return 0;
    case ID_STOP_AFTER:
        if (cli_parse_double(v, &d) || !(d >= 0.0) || d > 600000.0) {
            fprintf(stderr, "ltr eval: --stop-after: '%s' is not a time in ms (0-600000)\n", v);
            return LTR_EXIT_USAGE;
        }
        a->site_opt.stop_s = d / 1000.0;
        return 0;
    case ID_TYPES:
        if (set_types(a, v)) {
            fprintf(stderr, "ltr eval: --detection-types: '%s' is not a list of up to %d names\n",
                    v, MAX_TYPES);
            return LTR_EXIT_USAGE;
        }
        return 0;
    }
    return LTR_EXIT_USAGE;
}

static void help(void)
{
    fputs("usage: ltr eval [OPTIONS] DETECTIONS TRUTH [DETECTIONS TRUTH ...]\n\n"
          "Score detected twitches against ground truth, as WFDB's bxb scores beats: each true\n"
          "twitch matched to at most one detection within the tolerance, closest pairs first;\n"
          "then sensitivity TP/(TP+FN), positive predictivity TP/(TP+FP), F1, onset error\n"
          "(detected - true: signed median, |median|, |95th percentile|), latency (from the\n"
          "detections' latency_ms) and the false positives that fell on each kind of non-twitch\n"
          "element of the truth (needle, stim, voluntary, ecg, motion, ...).\n\n"
          "DETECTIONS: a BIDS events.tsv as 'ltr detect' writes it (onset, duration, trial_type,\n"
          "...latency_ms); rows whose trial_type is a detection type count. TRUTH: onset,\n"
          "duration, trial_type as 'ltr simulate' writes it ('ltr' = a twitch). Tab-separated,\n"
          "or comma-separated if the name ends in .csv. Several pairs: each scored, then pooled.\n\n"
          "Needling sites (text report): when the truth's needle rows carry series_position (1:\n"
          "the insertion that begins a site, as 'ltr simulate' writes them), the detections'\n"
          "site and site_stopped rows are scored too: sites found (first movement within 0.5 s),\n"
          "missed and false; twitch count per site; the 'twitches have stopped' cue against the\n"
          "stop rule applied to the true strokes and twitches (--stop-strokes, --stop-after, as\n"
          "given to ltr detect): on time (the true stroke's neighbour or within 1 s), before the\n"
          "last true twitch, its delay.\n\n"
          "Options:\n",
          stdout);
    cli_print_options(stdout, eval_options);
    fputs("\nExit codes: 0 scored, 2 bad command line, 3 a file cannot be read, 4 not an events\n"
          "table (line named), 7 a value is not a number (line named), 8 cannot write.\n\n"
          "Example: ltr simulate stim -o stim.flac\n"
          "         ltr detect stim.flac --emg 0 --acc 1-3 -o det.tsv\n"
          "         ltr eval det.tsv stim_events.tsv\n",
          stdout);
}

/* --- reading events tables --------------------------------------------------- */

typedef struct stopped_row {
    uint32_t site;
    double stroke_s, cue_s;
} stopped_row;

typedef struct events {
    ltr_eval_truth *truth;
    ltr_eval_detection *det;
    size_t n, cap;
    double end_s; /* latest onset + duration */
    /* needling sites: the truth's needle movements (series_position 1: an insertion);
     * the detections' site rows and site_stopped rows (joined by id) */
    ltr_eval_stroke *strokes;
    size_t n_strokes, cap_strokes, n_insertions;
    ltr_eval_site *sites;
    uint32_t *site_id;
    size_t n_sites, cap_sites, cap_site_id;
    stopped_row *stopped;
    size_t n_stopped, cap_stopped;
} events;

/* Make room for one more item of size `size` in *arr (n used, *cap allocated). */
static int grow_array(void **arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    const size_t c = *cap ? 2 * *cap : 64;
    void *p = realloc(*arr, c * size);
    if (!p)
        return -1;
    *arr = p;
    *cap = c;
    return 0;
}

/* Split line in place into fields. TSV: at every tab. CSV: RFC 4180 quotes. */
static int split(char *line, char delim, char **fields, int max)
{
    int n = 0;
    char *p = line;
    for (;;) {
        if (n == max)
            return -1;
        if (delim == ',' && *p == '"') {
            char *w = p, *r = p + 1;
            fields[n++] = w;
            for (;;) {
                if (*r == '\0')
                    return -1; /* unterminated quote */
                if (*r == '"' && r[1] == '"') {
                    *w++ = '"';
                    r += 2;
                } else if (*r == '"') {
                    r++;
                    break;
                } else {
                    *w++ = *r++;
                }
            }
            if (*r != delim && *r != '\0')
                return -1;
            char next = *r;
            *w = '\0';
            if (next == '\0')
                return n;
            p = r + 1;
        } else {
            fields[n++] = p;
            char *e = strchr(p, delim);
            if (!e)
                return n;
            *e = '\0';
            p = e + 1;
        }
    }
}

static int is_na(const char *s)
{
    return *s == '\0' || !strcmp(s, "n/a");
}

typedef struct reader {
    const char *path;
    FILE *f;
    char *line;
    size_t cap;
    unsigned long lineno;
    char delim;
} reader;

/* The next line that is neither empty nor a '#' comment, end-of-line
 * removed; NULL at the end (or on a read error: *err set). */
static char *next_line(reader *r, int *err)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&r->line, &r->cap, r->f);
        if (len < 0) {
            *err = ferror(r->f) ? (errno ? errno : EIO) : 0;
            return NULL;
        }
        r->lineno++;
        while (len > 0 && (r->line[len - 1] == '\n' || r->line[len - 1] == '\r'))
            r->line[--len] = '\0';
        char *s = r->line;
        if (r->lineno == 1 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF)
            s += 3; /* UTF-8 byte order mark */
        if (*s == '\0' || *s == '#')
            continue;
        return s;
    }
}

static int grow(events *ev, int truth)
{
    if (ev->n < ev->cap)
        return 0;
    size_t cap = ev->cap ? 2 * ev->cap : 256;
    if (truth) {
        ltr_eval_truth *t = realloc(ev->truth, cap * sizeof *t);
        if (!t)
            return -1;
        ev->truth = t;
    } else {
        ltr_eval_detection *d = realloc(ev->det, cap * sizeof *d);
        if (!d)
            return -1;
        ev->det = d;
    }
    ev->cap = cap;
    return 0;
}

static int number(const reader *r, const char *col, const char *s, double *v)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(x)) {
        fprintf(stderr, "ltr eval: %s:%lu: %s '%s' is not a number\n", r->path, r->lineno, col,
                s);
        return LTR_EXIT_DATA;
    }
    *v = x;
    return 0;
}

static int ends_with_csv(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && !strcasecmp(path + n - 4, ".csv");
}

/* Read one table into ev: truth (truth != 0) or detections. Returns an exit code. */
static int read_events(const char *path, int truth, const eval_args *a, events *ev)
{
    memset(ev, 0, sizeof *ev);
    reader r = {path, NULL, NULL, 0, 0, ends_with_csv(path) ? ',' : '\t'};
    r.f = fopen(path, "r");
    if (!r.f) {
        fprintf(stderr, "ltr eval: %s: %s\n", path, strerror(errno));
        return LTR_EXIT_INPUT;
    }
    int rc = 0, err = 0;
    char *fields[MAX_FIELDS];
    int c_onset = -1, c_dur = -1, c_type = -1, c_lat = -1, c_src = -1, c_pos = -1, c_id = -1,
        n_cols = 0;
    int looks_detected = 0;
    const char *first_source = NULL;
    char first_source_buf[256] = "";
    char *s = next_line(&r, &err);
    if (!s) {
        if (err)
            fprintf(stderr, "ltr eval: %s: %s\n", path, strerror(err));
        else
            fprintf(stderr, "ltr eval: %s: empty file: an events table starts with a header row "
                            "(onset, duration, trial_type, ...)\n",
                    path);
        rc = err ? LTR_EXIT_INPUT : LTR_EXIT_FORMAT;
        goto done;
    }
    if (*s == '{' || *s == '[') {
        fprintf(stderr, "ltr eval: %s:%lu: JSON is not read: give a BIDS events table (ltr detect "
                        "--format tsv or csv)\n",
                path, r.lineno);
        rc = LTR_EXIT_FORMAT;
        goto done;
    }
    n_cols = split(s, r.delim, fields, MAX_FIELDS);
    if (n_cols < 0) {
        fprintf(stderr, "ltr eval: %s:%lu: header: more than %d columns or a bad quote\n", path,
                r.lineno, MAX_FIELDS);
        rc = LTR_EXIT_FORMAT;
        goto done;
    }
    for (int i = 0; i < n_cols; i++) {
        const char *h = fields[i];
        int *slot = !strcasecmp(h, "onset")        ? &c_onset
                    : !strcasecmp(h, "duration")   ? &c_dur
                    : !strcasecmp(h, "trial_type") ? &c_type
                    : !strcasecmp(h, "latency_ms") ? &c_lat
                    : !strcasecmp(h, "source")     ? &c_src
                    : !strcasecmp(h, "series_position") ? &c_pos
                    : !strcasecmp(h, "id")         ? &c_id
                                                   : NULL;
        if (slot && *slot < 0)
            *slot = i;
        looks_detected |= !strcasecmp(h, "confidence") || !strcasecmp(h, "latency_ms");
    }
    if (c_onset < 0) {
        fprintf(stderr, "ltr eval: %s:%lu: no 'onset' column in the header (%d %s-separated "
                        "column%s): not a BIDS events table%s\n",
                path, r.lineno, n_cols, r.delim == ',' ? "comma" : "tab", n_cols == 1 ? "" : "s",
                r.delim == '\t' && strchr(fields[0], ',') ? " (comma-separated? name it .csv)"
                                                          : "");
        rc = LTR_EXIT_FORMAT;
        goto done;
    }
    if (truth && looks_detected)
        fprintf(stderr, "ltr eval: warning: %s looks like detections (it has a confidence or "
                        "latency_ms column): the arguments are DETECTIONS TRUTH\n",
                path);
    while ((s = next_line(&r, &err)) != NULL) {
        int n = split(s, r.delim, fields, MAX_FIELDS);
        if (n < 0 || n < n_cols) {
            fprintf(stderr, "ltr eval: %s:%lu: %s (the header has %d columns)\n", path, r.lineno,
                    n < 0 ? "a bad quote or too many fields" : "too few fields", n_cols);
            rc = LTR_EXIT_FORMAT;
            goto done;
        }
        const char *type = c_type >= 0 ? fields[c_type] : NULL;
        /* the detector's needling sites (ltr detect: site and site_stopped rows) */
        const int site_row = !truth && type && c_id >= 0 &&
                             (!strcmp(type, "site") || !strcmp(type, "site_stopped"));
        if (!truth) {
            if (type && !site_row) {
                int want = 0;
                for (size_t k = 0; k < a->n_types; k++)
                    want |= !strcmp(type, a->types[k]);
                if (!want)
                    continue;
            }
            if (c_src >= 0) {
                const char *src = fields[c_src];
                if (a->source && strcmp(src, a->source) != 0)
                    continue;
                if (!a->source) {
                    if (!first_source) {
                        snprintf(first_source_buf, sizeof first_source_buf, "%s", src);
                        first_source = first_source_buf;
                    } else if (strcmp(first_source, src) != 0) {
                        fprintf(stderr, "ltr eval: %s:%lu: detections of several recordings "
                                        "('%s', '%s', ...): choose one with --source NAME\n",
                                path, r.lineno, first_source, src);
                        rc = LTR_EXIT_USAGE;
                        goto done;
                    }
                }
            }
        }
        double onset, dur = 0.0, lat = NAN;
        if ((rc = number(&r, "onset", fields[c_onset], &onset)) != 0)
            goto done;
        if (c_dur >= 0 && !is_na(fields[c_dur])) {
            if ((rc = number(&r, "duration", fields[c_dur], &dur)) != 0)
                goto done;
            if (dur < 0.0) {
                fprintf(stderr, "ltr eval: %s:%lu: duration '%s' is negative\n", path, r.lineno,
                        fields[c_dur]);
                rc = LTR_EXIT_DATA;
                goto done;
            }
        }
        if (!truth && c_lat >= 0 && !is_na(fields[c_lat]) &&
            (rc = number(&r, "latency_ms", fields[c_lat], &lat)) != 0)
            goto done;
        if (site_row) {
            double id;
            if ((rc = number(&r, "id", fields[c_id], &id)) != 0)
                goto done;
            int bad;
            if (!strcmp(type, "site")) {
                bad = grow_array((void **)&ev->sites, ev->n_sites, &ev->cap_sites,
                                 sizeof *ev->sites) ||
                      grow_array((void **)&ev->site_id, ev->n_sites, &ev->cap_site_id,
                                 sizeof *ev->site_id);
                if (!bad) {
                    ev->sites[ev->n_sites] =
                        (ltr_eval_site){.onset_s = onset, .end_s = onset + dur, .stopped_s = NAN,
                                        .cue_s = NAN};
                    ev->site_id[ev->n_sites++] = (uint32_t)id;
                }
            } else {
                bad = grow_array((void **)&ev->stopped, ev->n_stopped, &ev->cap_stopped,
                                 sizeof *ev->stopped);
                if (!bad)
                    ev->stopped[ev->n_stopped++] = (stopped_row){
                        (uint32_t)id, onset, isnan(lat) ? onset : onset + lat / 1000.0};
            }
            if (bad) {
                fprintf(stderr, "ltr eval: out of memory\n");
                rc = LTR_EXIT_FAILURE;
                goto done;
            }
            continue;
        }
        if (truth && type && ltr_eval_kind_from_name(type) == LTR_EVAL_NEEDLE && c_pos >= 0 &&
            !is_na(fields[c_pos])) {
            double pos;
            if ((rc = number(&r, "series_position", fields[c_pos], &pos)) != 0)
                goto done;
            if (grow_array((void **)&ev->strokes, ev->n_strokes, &ev->cap_strokes,
                           sizeof *ev->strokes)) {
                fprintf(stderr, "ltr eval: out of memory\n");
                rc = LTR_EXIT_FAILURE;
                goto done;
            }
            ev->strokes[ev->n_strokes++] = (ltr_eval_stroke){onset, pos == 1.0};
            ev->n_insertions += pos == 1.0;
        }
        if (grow(ev, truth)) {
            fprintf(stderr, "ltr eval: out of memory\n");
            rc = LTR_EXIT_FAILURE;
            goto done;
        }
        if (truth) {
            ltr_eval_truth *t = &ev->truth[ev->n++];
            t->onset_s = onset;
            t->duration_s = dur;
            t->kind = type ? ltr_eval_kind_from_name(type) : LTR_EVAL_TWITCH;
        } else {
            ltr_eval_detection *d = &ev->det[ev->n++];
            d->onset_s = onset;
            d->duration_s = dur;
            d->decided_s = isnan(lat) ? NAN : onset + lat / 1000.0;
        }
        if (onset + dur > ev->end_s)
            ev->end_s = onset + dur;
    }
    if (err) {
        fprintf(stderr, "ltr eval: %s:%lu: %s\n", path, r.lineno + 1, strerror(err));
        rc = LTR_EXIT_INPUT;
    }
    /* each site's stop cue (its site_stopped row comes before its site row) */
    for (size_t i = 0; i < ev->n_stopped; i++)
        for (size_t k = 0; k < ev->n_sites; k++)
            if (ev->site_id[k] == ev->stopped[i].site) {
                ev->sites[k].stopped_s = ev->stopped[i].stroke_s;
                ev->sites[k].cue_s = ev->stopped[i].cue_s;
            }
done:
    free(r.line);
    fclose(r.f);
    return rc;
}

static void events_free(events *ev)
{
    free(ev->truth);
    free(ev->det);
    free(ev->strokes);
    free(ev->sites);
    free(ev->site_id);
    free(ev->stopped);
    memset(ev, 0, sizeof *ev);
}

/* --- reporting ------------------------------------------------------------------- */

/* Name of a pair: --name, else the truth file's base name without "_events.tsv". */
static void pair_name(char *buf, size_t size, const eval_args *a, size_t i, const char *truth)
{
    if (i < a->n_names) {
        snprintf(buf, size, "%s", a->names[i]);
        return;
    }
    const char *base = strrchr(truth, '/');
    base = base ? base + 1 : truth;
    snprintf(buf, size, "%s", base);
    char *cut = strstr(buf, "_events.");
    if (!cut)
        cut = strrchr(buf, '.');
    if (cut && cut != buf)
        *cut = '\0';
}

/* The kinds of the truth elements a detection [on, on+dur] overlaps, as text. */
static void overlaps(char *buf, size_t size, const events *tr, const ltr_eval_detection *d)
{
    size_t len = 0;
    buf[0] = '\0';
    unsigned seen = 0;
    for (size_t i = 0; i < tr->n; i++) {
        const ltr_eval_truth *t = &tr->truth[i];
        if (seen & (1u << t->kind))
            continue;
        if (d->onset_s <= t->onset_s + t->duration_s && t->onset_s <= d->onset_s + d->duration_s) {
            seen |= 1u << t->kind;
            int k = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                             t->kind == LTR_EVAL_TWITCH ? "a twitch, beyond the tolerance"
                                                        : ltr_eval_kind_name(t->kind));
            if (k < 0 || (size_t)k >= size - len)
                break;
            len += (size_t)k;
        }
    }
}

static void write_matches(FILE *f, const events *tr, const events *dt, const ptrdiff_t *tm,
                          const ptrdiff_t *dm)
{
    fputs("  true twitches (s):\n", f);
    for (size_t i = 0; i < tr->n; i++) {
        if (tr->truth[i].kind != LTR_EVAL_TWITCH)
            continue;
        if (tm[i] >= 0) {
            const ltr_eval_detection *d = &dt->det[tm[i]];
            fprintf(f, "    %10.4f  found at %10.4f  error %+7.1f ms", tr->truth[i].onset_s,
                    d->onset_s, (d->onset_s - tr->truth[i].onset_s) * 1000.0);
            if (!isnan(d->decided_s))
                fprintf(f, "  latency %6.1f ms", (d->decided_s - tr->truth[i].onset_s) * 1000.0);
            fputc('\n', f);
        } else {
            fprintf(f, "    %10.4f  missed\n", tr->truth[i].onset_s);
        }
    }
    fputs("  false positives (s):\n", f);
    for (size_t j = 0; j < dt->n; j++) {
        if (dm[j] >= 0)
            continue;
        char kinds[256];
        overlaps(kinds, sizeof kinds, tr, &dt->det[j]);
        fprintf(f, "    %10.4f  %s\n", dt->det[j].onset_s, kinds[0] ? kinds : "(on nothing)");
    }
}

/* --markdown: the columns of --table, for a README. */
static void md_header(FILE *f)
{
    fputs("| recording | twitches | detections | TP | FP | FN | sensitivity | PPV | F1 | "
          "onset error median (ms) | abs. onset error p95 (ms) | latency median (ms) | "
          "latency p95 (ms) | false positives on |\n"
          "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|\n",
          f);
}

static void md_num(FILE *f, double x, double scale, int prec)
{
    if (isnan(x))
        fputs(" n/a |", f);
    else
        fprintf(f, " %.*f |", prec, x * scale);
}

static void md_row(FILE *f, const char *name, const ltr_eval_result *r)
{
    fprintf(f, "| %s | %zu | %zu | %zu | %zu | %zu |", name, r->n_truth, r->n_detections, r->tp,
            r->fp, r->fn);
    md_num(f, r->sensitivity, 1.0, 3);
    md_num(f, r->ppv, 1.0, 3);
    md_num(f, r->f1, 1.0, 3);
    md_num(f, r->onset_error_median_s, 1000.0, 1);
    md_num(f, r->onset_error_abs_p95_s, 1000.0, 1);
    md_num(f, r->latency_median_s, 1000.0, 1);
    md_num(f, r->latency_p95_s, 1000.0, 1);
    int any = 0;
    for (unsigned k = 1; k < LTR_EVAL_N_KINDS; k++)
        if (r->fp_by_kind[k]) {
            fprintf(f, "%s %s %zu", any ? "," : "", ltr_eval_kind_name((ltr_eval_kind)k),
                    r->fp_by_kind[k]);
            any = 1;
        }
    if (r->fp_unexplained)
        fprintf(f, "%s nothing %zu", any ? "," : "", r->fp_unexplained);
    else if (!any)
        fputs(" -", f);
    fputs(" |\n", f);
}

/* The sites of a pair: scored when its truth has insertions. */
static int score_sites(const eval_args *a, const events *tr, const events *dt,
                       ltr_eval_site_result *res)
{
    double *tw = malloc((tr->n ? tr->n : 1) * sizeof *tw);
    double *dtw = malloc((dt->n ? dt->n : 1) * sizeof *dtw);
    if (!tw || !dtw) {
        free(tw);
        free(dtw);
        fprintf(stderr, "ltr eval: out of memory\n");
        return LTR_EXIT_FAILURE;
    }
    size_t n_tw = 0;
    for (size_t i = 0; i < tr->n; i++)
        if (tr->truth[i].kind == LTR_EVAL_TWITCH)
            tw[n_tw++] = tr->truth[i].onset_s;
    for (size_t j = 0; j < dt->n; j++)
        dtw[j] = dt->det[j].onset_s;
    const double end = tr->end_s > dt->end_s ? tr->end_s : dt->end_s;
    ltr_eval_status es = ltr_eval_score_sites(tr->strokes, tr->n_strokes, tw, n_tw, dt->sites,
                                              dt->n_sites, dtw, dt->n, end, &a->site_opt, res);
    free(tw);
    free(dtw);
    if (es != LTR_EVAL_OK) {
        fprintf(stderr, "ltr eval: sites: %s\n", ltr_eval_status_string(es));
        return es == LTR_EVAL_ERR_MEMORY ? LTR_EXIT_FAILURE : LTR_EXIT_DATA;
    }
    return 0;
}

/* Append the sites of pair (tr, dt) to the pool, shifted by t_off. */
static int pool_sites(events *ptr, events *pdt, const events *tr, const events *dt, double t_off)
{
    for (size_t i = 0; i < tr->n_strokes; i++) {
        if (grow_array((void **)&ptr->strokes, ptr->n_strokes, &ptr->cap_strokes,
                       sizeof *ptr->strokes))
            return -1;
        ptr->strokes[ptr->n_strokes] = tr->strokes[i];
        ptr->strokes[ptr->n_strokes++].onset_s += t_off;
    }
    ptr->n_insertions += tr->n_insertions;
    for (size_t k = 0; k < dt->n_sites; k++) {
        if (grow_array((void **)&pdt->sites, pdt->n_sites, &pdt->cap_sites, sizeof *pdt->sites))
            return -1;
        ltr_eval_site s = dt->sites[k];
        s.onset_s += t_off;
        s.end_s += t_off;
        s.stopped_s += t_off;
        s.cue_s += t_off;
        pdt->sites[pdt->n_sites++] = s;
    }
    return 0;
}

/* Append pair (tr, dt) to the pool, shifted by *t_off. */
static int pool_add(events *ptr, events *pdt, const events *tr, const events *dt, double *t_off)
{
    if (pool_sites(ptr, pdt, tr, dt, *t_off))
        return -1;
    for (size_t i = 0; i < tr->n; i++) {
        if (grow(ptr, 1))
            return -1;
        ptr->truth[ptr->n] = tr->truth[i];
        ptr->truth[ptr->n++].onset_s += *t_off;
    }
    for (size_t j = 0; j < dt->n; j++) {
        if (grow(pdt, 0))
            return -1;
        pdt->det[pdt->n] = dt->det[j];
        pdt->det[pdt->n].onset_s += *t_off;
        pdt->det[pdt->n++].decided_s += *t_off;
    }
    double end = tr->end_s > dt->end_s ? tr->end_s : dt->end_s;
    *t_off += end + POOL_GAP_S;
    return 0;
}

static int score_pair(const eval_args *a, const events *tr, const events *dt,
                      ltr_eval_result *res, ptrdiff_t **tm, ptrdiff_t **dm)
{
    *tm = malloc((tr->n ? tr->n : 1) * sizeof **tm);
    *dm = malloc((dt->n ? dt->n : 1) * sizeof **dm);
    if (!*tm || !*dm) {
        fprintf(stderr, "ltr eval: out of memory\n");
        return LTR_EXIT_FAILURE;
    }
    ltr_eval_status es = ltr_eval_score(tr->truth, tr->n, dt->det, dt->n, &a->opt, res, *tm, *dm);
    if (es != LTR_EVAL_OK) {
        fprintf(stderr, "ltr eval: %s\n", ltr_eval_status_string(es));
        return es == LTR_EVAL_ERR_MEMORY ? LTR_EXIT_FAILURE : LTR_EXIT_DATA;
    }
    return 0;
}

static int run(const eval_args *a, char **pos, int n_pos, FILE *out)
{
    const size_t n_pairs = (size_t)n_pos / 2;
    events pool_tr, pool_dt;
    memset(&pool_tr, 0, sizeof pool_tr);
    memset(&pool_dt, 0, sizeof pool_dt);
    double t_off = 0.0;
    int rc = 0;
    if (a->table)
        ltr_eval_write_table_header(out);
    else if (a->markdown)
        md_header(out);
    else if (a->json && n_pairs > 1)
        fputs("{\"recordings\": [\n", out);
    for (size_t i = 0; i < n_pairs && rc == 0; i++) {
        const char *det_path = pos[2 * i], *truth_path = pos[2 * i + 1];
        events dt, tr;
        memset(&tr, 0, sizeof tr);
        rc = read_events(det_path, 0, a, &dt);
        if (rc == 0)
            rc = read_events(truth_path, 1, a, &tr);
        ltr_eval_result res;
        ptrdiff_t *tm = NULL, *dm = NULL;
        if (rc == 0)
            rc = score_pair(a, &tr, &dt, &res, &tm, &dm);
        if (rc == 0 && n_pairs > 1 && pool_add(&pool_tr, &pool_dt, &tr, &dt, &t_off)) {
            fprintf(stderr, "ltr eval: out of memory\n");
            rc = LTR_EXIT_FAILURE;
        }
        if (rc == 0) {
            char name[512], title[1024];
            pair_name(name, sizeof name, a, i, truth_path);
            if (a->table) {
                ltr_eval_write_table_row(out, name, &res);
            } else if (a->markdown) {
                md_row(out, name, &res);
            } else if (a->json) {
                fputs(n_pairs > 1 ? (i ? ",\n  " : "  ") : "", out);
                ltr_eval_write_json(out, &res, name);
                if (n_pairs == 1)
                    fputc('\n', out);
            } else {
                snprintf(title, sizeof title, "%s%s vs %s", i ? "\n" : "", det_path, truth_path);
                ltr_eval_write_text(out, &res, title);
                if (a->matches)
                    write_matches(out, &tr, &dt, tm, dm);
                ltr_eval_site_result sr;
                if (tr.n_insertions && (rc = score_sites(a, &tr, &dt, &sr)) == 0)
                    ltr_eval_write_sites_text(out, &sr);
            }
        }
        free(tm);
        free(dm);
        events_free(&tr);
        events_free(&dt);
    }
    if (rc == 0 && n_pairs > 1) {
        ltr_eval_result res;
        ptrdiff_t *tm = NULL, *dm = NULL;
        rc = score_pair(a, &pool_tr, &pool_dt, &res, &tm, &dm);
        if (rc == 0 && a->table) {
            ltr_eval_write_table_row(out, "all", &res);
        } else if (rc == 0 && a->markdown) {
            md_row(out, "**all (pooled)**", &res);
        } else if (rc == 0 && a->json) {
            fputs("\n], \"pooled\": ", out);
            ltr_eval_write_json(out, &res, "all");
            fputs("}\n", out);
        } else if (rc == 0) {
            char title[64];
            snprintf(title, sizeof title, "\nall %zu pairs, pooled", n_pairs);
            ltr_eval_write_text(out, &res, title);
            ltr_eval_site_result sr;
            if (pool_tr.n_insertions && (rc = score_sites(a, &pool_tr, &pool_dt, &sr)) == 0)
                ltr_eval_write_sites_text(out, &sr);
        }
        free(tm);
        free(dm);
    }
    events_free(&pool_tr);
    events_free(&pool_dt);
    return rc;
}

int cmd_eval(int argc, char **argv)
{
    eval_args a;
    memset(&a, 0, sizeof a);
    ltr_eval_options_default(&a.opt);
    ltr_eval_site_options_default(&a.site_opt);
    set_types(&a, "twitch,ltr");
    char **pos = calloc((size_t)argc + 1, sizeof *pos);
    a.names = calloc((size_t)argc + 1, sizeof *a.names);
    int n = 0;
    if (!pos || !a.names) {
        free(pos);
        free(a.names);
        return LTR_EXIT_FAILURE;
    }
    const cli_option *const tables[] = {eval_options, NULL};
    int rc = cli_parse("eval", argc, argv, tables, handle, &a, pos, &n);
    if (rc == 0 && a.help) {
        help();
    } else if (rc == 0 && (n == 0 || n % 2 != 0)) {
        fprintf(stderr, "ltr eval: give DETECTIONS TRUTH pairs (got %d file%s; see 'ltr eval "
                        "--help')\n",
                n, n == 1 ? "" : "s");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.json + a.table + a.markdown > 1) {
        fprintf(stderr, "ltr eval: give one of --json, --table, --markdown\n");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0 && a.n_names > (size_t)n / 2) {
        fprintf(stderr, "ltr eval: %zu --name for %d pair%s\n", a.n_names, n / 2,
                n / 2 == 1 ? "" : "s");
        rc = LTR_EXIT_USAGE;
    } else if (rc == 0) {
        ltr_io_atomic_file *af = NULL;
        ltr_io_error err;
        if (ltr_io_atomic_open(&af, a.output ? a.output : "-", &err) != LTR_IO_OK) {
            fprintf(stderr, "ltr eval: %s\n", err.message);
            rc = LTR_EXIT_OUTPUT;
        }
        if (rc == 0)
            rc = run(&a, pos, n, ltr_io_atomic_stream(af));
        if (rc == 0 && ltr_io_atomic_commit(af, &err) != LTR_IO_OK) {
            fprintf(stderr, "ltr eval: %s\n", err.message);
            rc = LTR_EXIT_OUTPUT;
        } else if (rc != 0 && af) {
            ltr_io_atomic_abort(af);
        }
    }
    free(pos);
    free(a.names);
    return rc;
}
