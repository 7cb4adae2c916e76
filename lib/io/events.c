/*
 * Event rows: BIDS events.tsv, CSV, JSON Lines (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * BIDS (Brain Imaging Data Structure, "Task events"): onset and duration in
 * seconds come first, then trial_type, then our own columns; missing values
 * are "n/a". The same columns are written as CSV (RFC 4180 quoting) and as
 * JSON Lines (channels and flags as arrays there). Numbers are printed in
 * the C locale (the library never calls setlocale).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io_internal.h"

static const char *const flag_names[] = {
    "emg", "acc", "fused", "clipped", "near_artifact", "too_long", "artifact",
    "truncated", "stim", "needle", "nonfinite", "dropout", "marked", "too_short",
    "evoked", "unseen", "no_twitch", "stopped", "motion",
};
#define N_FLAGS (sizeof flag_names / sizeof flag_names[0])

void ltr_io_flags_string(uint32_t flags, char *buf, size_t size)
{
    if (!buf || !size)
        return;
    buf[0] = '\0';
    size_t used = 0;
    for (unsigned b = 0; b < N_FLAGS; b++) {
        if (!(flags & (1u << b)))
            continue;
        int k = snprintf(buf + used, size - used, "%s%s", used ? "," : "", flag_names[b]);
        if (k < 0 || (size_t)k >= size - used)
            return;
        used += (size_t)k;
    }
}

int ltr_io_events_format_parse(const char *name)
{
    if (!name)
        return -1;
    if (!strcasecmp(name, "tsv"))
        return LTR_IO_EVENTS_TSV;
    if (!strcasecmp(name, "csv"))
        return LTR_IO_EVENTS_CSV;
    if (!strcasecmp(name, "jsonl") || !strcasecmp(name, "json") || !strcasecmp(name, "ndjson"))
        return LTR_IO_EVENTS_JSONL;
    if (!strcasecmp(name, "mne") || !strcasecmp(name, "mne-txt"))
        return LTR_IO_EVENTS_MNE;
    return -1;
}

struct ltr_io_event_writer {
    FILE *f;
    ltr_io_events_format format;
    double fs;
    char **names;
    unsigned n_names;
    unsigned kinds;
    char *source;
    /* When each recent twitch was first reported (BEGIN), by id: the latency of a
     * twitch row is that of its BEGIN, the moment a real-time user learns of it. */
    uint32_t begin_id[64];
    uint64_t begin_detected[64];
};

static const char *const columns[] = {"onset", "duration", "trial_type", "peak",
                                      "amplitude", "snr_db", "confidence", "channels",
                                      "flags", "latency_ms", "id"};
#define N_COLUMNS (sizeof columns / sizeof columns[0])
/* The source column (several inputs in one table) goes after onset and duration: BIDS
 * tools take the first two columns as onset and duration. */
#define SOURCE_AT 2

/* A text cell: TSV cells lose tabs and newlines (no quoting in BIDS TSV), CSV cells are quoted
 * when needed. */
static void cell(ltr_io_event_writer *w, const char *s, int first)
{
    if (!first)
        fputc(w->format == LTR_IO_EVENTS_TSV ? '\t' : ',', w->f);
    if (w->format == LTR_IO_EVENTS_TSV) {
        for (; *s; s++)
            fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, w->f);
        return;
    }
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, w->f);
        return;
    }
    fputc('"', w->f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', w->f);
        fputc(*s, w->f);
    }
    fputc('"', w->f);
}

static void free_names(ltr_io_event_writer *w)
{
    for (unsigned c = 0; w->names && c < w->n_names; c++)
        free(w->names[c]);
    free(w->names);
    w->names = NULL;
    w->n_names = 0;
}

ltr_io_status ltr_io_event_writer_set_input(ltr_io_event_writer *w, double fs,
                                            const char *const *channel_names, unsigned n_names,
                                            const char *source)
{
    if (!w || !(fs > 0) || n_names > LTR_MAX_CHANNELS)
        return LTR_IO_ERR_ARGUMENT;
    free_names(w);
    w->fs = fs;
    if (channel_names && n_names) {
        w->names = calloc(n_names, sizeof *w->names);
        if (!w->names)
            return LTR_IO_ERR_MEMORY;
        w->n_names = n_names;
        for (unsigned c = 0; c < n_names; c++)
            if (!(w->names[c] = strdup(channel_names[c] ? channel_names[c] : "")))
                return LTR_IO_ERR_MEMORY;
    }
    if (w->source && source) {
        char *copy = strdup(source);
        if (!copy)
            return LTR_IO_ERR_MEMORY;
        free(w->source);
        w->source = copy;
    }
    return LTR_IO_OK;
}

ltr_io_status ltr_io_event_writer_create(ltr_io_event_writer **out, FILE *f,
                                         ltr_io_events_format format, double fs,
                                         const char *const *channel_names, unsigned n_names,
                                         unsigned kinds, const char *source)
{
    if (!out || !f || !(fs > 0) || format < LTR_IO_EVENTS_TSV || format > LTR_IO_EVENTS_MNE ||
        n_names > LTR_MAX_CHANNELS)
        return LTR_IO_ERR_ARGUMENT;
    *out = NULL;
    ltr_io_event_writer *w = calloc(1, sizeof *w);
    if (!w)
        return LTR_IO_ERR_MEMORY;
    w->f = f;
    w->format = format;
    w->kinds = kinds;
    if (source && !(w->source = strdup(source))) {
        free(w);
        return LTR_IO_ERR_MEMORY;
    }
    ltr_io_status st = ltr_io_event_writer_set_input(w, fs, channel_names, n_names, NULL);
    if (st != LTR_IO_OK) {
        ltr_io_event_writer_destroy(w);
        return st;
    }
    if (format == LTR_IO_EVENTS_MNE) {
        /* What mne.Annotations.save writes to a .txt (mne/annotations.py): no orig_time, so
         * onsets are seconds from the first sample, as in raw.annotations of the recording. */
        fputs("# MNE-Annotations\n# onset, duration, description\n", f);
    } else if (format != LTR_IO_EVENTS_JSONL) {
        for (size_t i = 0; i < N_COLUMNS; i++) {
            if (i == SOURCE_AT && w->source)
                cell(w, "source", 0);
            cell(w, columns[i], i == 0);
        }
        fputc('\n', f);
    }
    if (ferror(f)) {
        /* The header did not go out (a full disk, a closed pipe): no writer. */
        ltr_io_event_writer_destroy(w);
        return LTR_IO_ERR_WRITE;
    }
    *out = w;
    return LTR_IO_OK;
}

void ltr_io_event_writer_destroy(ltr_io_event_writer *w)
{
    if (!w)
        return;
    free_names(w);
    free(w->source);
    free(w);
}
static const char *channel_name(const ltr_io_event_writer *w, unsigned c, char *buf, size_t size)
{
    if (c < w->n_names)
        return w->names[c];
    snprintf(buf, size, "%u", c);
    return buf;
}

/* A response a stimulation pulse evoked is its own trial type: scorers and BIDS tools
 * that count twitches do not count it, a TMS or e-stim analysis selects it. */
static const char *trial_type(const ltr_event *e)
{
    const int evoked = (e->flags & LTR_FLAG_EVOKED) != 0;
    switch (e->kind) {
    case LTR_EVENT_BEGIN: return evoked ? "evoked_begin" : "twitch_begin";
    case LTR_EVENT_END: return evoked ? "evoked" : "twitch";
    case LTR_EVENT_CANCEL: return "twitch_cancel";
    case LTR_EVENT_ARTIFACT: return "artifact";
    case LTR_EVENT_SITE: return "site_begin";
    case LTR_EVENT_EXHAUSTED: return "site_stopped";
    case LTR_EVENT_SITE_END: return "site";
    }
    return "unknown";
}

const char *ltr_io_event_description(const ltr_event *e)
{
    if (!e)
        return "unknown";
    /* MNE leaves BAD_* stretches out of epochs and of reject_by_annotation analyses. */
    return e->kind == LTR_EVENT_ARTIFACT ? "BAD_artifact" : trial_type(e);
}

/* Values of one row as text; "" marks n/a. */
typedef struct row {
    char onset[32], duration[32], peak[32], amplitude[32], snr[32], confidence[32], latency[32],
        id[16];
    char channels[LTR_MAX_CHANNELS * 65];
    char flags[256];
} row;

static void number(char *buf, size_t size, const char *fmt, double x)
{
    if (isfinite(x))
        snprintf(buf, size, fmt, x);
    else
        buf[0] = '\0';
}

static void fill_row(const ltr_io_event_writer *w, const ltr_event *e, row *r)
{
    const double fs = w->fs;
    const int artifact = e->kind == LTR_EVENT_ARTIFACT;
    const int session = e->kind >= LTR_EVENT_SITE;
    memset(r, 0, sizeof *r);
    number(r->onset, sizeof r->onset, "%.6f", (double)e->onset / fs);
    if (e->kind != LTR_EVENT_BEGIN && e->offset >= e->onset)
        number(r->duration, sizeof r->duration, "%.6f", (double)(e->offset - e->onset) / fs);
    if (!artifact) {
        number(r->peak, sizeof r->peak, "%.6f", (double)e->peak / fs);
        number(r->amplitude, sizeof r->amplitude, "%.6g", (double)e->amplitude);
        if (!session) { /* a site has no SNR or confidence; amplitude: its habituation */
            number(r->snr, sizeof r->snr, "%.2f", (double)e->snr_db);
            number(r->confidence, sizeof r->confidence, "%.3f", (double)e->confidence);
        }
    }
    uint64_t detected = e->detected;
    const unsigned slot = e->id % 64u;
    if ((e->kind == LTR_EVENT_END || e->kind == LTR_EVENT_CANCEL) && w->begin_id[slot] == e->id)
        detected = w->begin_detected[slot];
    /* An artifact is a stretch of unusable input, not something reported late: no latency;
     * nor is a site. A stop cue's latency is its delay after the stroke that completed it. */
    if (((!artifact && !session) || e->kind == LTR_EVENT_EXHAUSTED) && detected >= e->onset)
        number(r->latency, sizeof r->latency, "%.2f", (double)(detected - e->onset) * 1000.0 / fs);
    snprintf(r->id, sizeof r->id, "%u", (unsigned)e->id);
    size_t used = 0;
    for (unsigned c = 0; c < LTR_MAX_CHANNELS; c++) {
        if (!(e->channels & (1u << c)))
            continue;
        char num[16];
        int k = snprintf(r->channels + used, sizeof r->channels - used, "%s%s", used ? "," : "",
                         channel_name(w, c, num, sizeof num));
        if (k < 0 || (size_t)k >= sizeof r->channels - used)
            break;
        used += (size_t)k;
    }
    ltr_io_flags_string(e->flags, r->flags, sizeof r->flags);
}

static void json_key_number(FILE *f, const char *key, const char *value, int first)
{
    fprintf(f, "%s\"%s\":%s", first ? "" : ",", key, *value ? value : "null");
}

/* A comma-separated list as a JSON array of strings. */
static void json_list(FILE *f, const char *key, const char *list)
{
    fprintf(f, ",\"%s\":[", key);
    const char *p = list;
    int first = 1;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char item[128];
        ltri_io_strlcpy(item, p, n + 1 < sizeof item ? n + 1 : sizeof item);
        if (!first)
            fputc(',', f);
        ltr_io_json_string(f, item);
        first = 0;
        p += n;
        if (*p == ',')
            p++;
    }
    fputc(']', f);
}

ltr_io_status ltr_io_event_writer_write(ltr_io_event_writer *w, const ltr_event *e)
{
    if (!w || !e)
        return LTR_IO_ERR_ARGUMENT;
    if (e->kind == LTR_EVENT_BEGIN) {
        w->begin_id[e->id % 64u] = e->id;
        w->begin_detected[e->id % 64u] = e->detected;
    }
    if ((unsigned)e->kind >= 32 || !(w->kinds & LTR_IO_KIND(e->kind)))
        return LTR_IO_OK;
    row r;
    fill_row(w, e, &r);
    FILE *f = w->f;
    if (w->format == LTR_IO_EVENTS_MNE) {
        /* mne.read_annotations: np.loadtxt(delimiter=','), three columns, floats first. */
        fprintf(f, "%s, %s, %s\n", r.onset, *r.duration ? r.duration : "0",
                ltr_io_event_description(e));
    } else if (w->format == LTR_IO_EVENTS_JSONL) {
        fputc('{', f);
        json_key_number(f, "onset", r.onset, 1);
        json_key_number(f, "duration", r.duration, 0);
        if (w->source) {
            fputs(",\"source\":", f);
            ltr_io_json_string(f, w->source);
        }
        fprintf(f, ",\"trial_type\":\"%s\"", trial_type(e));
        json_key_number(f, "peak", r.peak, 0);
        json_key_number(f, "amplitude", r.amplitude, 0);
        json_key_number(f, "snr_db", r.snr, 0);
        json_key_number(f, "confidence", r.confidence, 0);
        /* Channel names may hold commas: write them one by one. */
        fputs(",\"channels\":[", f);
        int first = 1;
        for (unsigned c = 0; c < LTR_MAX_CHANNELS; c++) {
            if (!(e->channels & (1u << c)))
                continue;
            char num[16];
            if (!first)
                fputc(',', f);
            ltr_io_json_string(f, channel_name(w, c, num, sizeof num));
            first = 0;
        }
        fputc(']', f);
        json_list(f, "flags", r.flags);
        json_key_number(f, "latency_ms", r.latency, 0);
        json_key_number(f, "id", r.id, 0);
        fputs("}\n", f);
    } else {
        const char *cells[N_COLUMNS] = {r.onset, r.duration, trial_type(e), r.peak,
                                        r.amplitude, r.snr, r.confidence, r.channels,
                                        r.flags, r.latency, r.id};
        for (size_t i = 0; i < N_COLUMNS; i++) {
            if (i == SOURCE_AT && w->source)
                cell(w, w->source, 0);
            cell(w, *cells[i] ? cells[i] : "n/a", i == 0);
        }
        fputc('\n', f);
    }
    return ferror(f) ? LTR_IO_ERR_WRITE : LTR_IO_OK;
}
