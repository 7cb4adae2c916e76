/*
 * ltr detect --annotate OUT.edf and --annotations OUT.txt: the twitches and
 * artifacts of one recording as annotations other tools read (EDFbrowser and
 * MNE: an EDF+/BDF+ copy of the signals; mne.read_annotations: MNE's text).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "annotate.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "commands.h"
#include "interrupt.h"

int cli_annotations_sink(void *ctx, const ltr_event *e)
{
    cli_annotations *a = ctx;
    if ((unsigned)e->kind >= 32 || !(a->kinds & LTR_IO_KIND(e->kind)))
        return 0;
    /* Sites and stop cues describe the session, not a stretch of signal; and their texts
     * ("site") would come back as insertion marks from the annotated copy. */
    if (e->kind == LTR_EVENT_SITE || e->kind == LTR_EVENT_EXHAUSTED || e->kind == LTR_EVENT_SITE_END)
        return 0;
    if (a->n == a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 256;
        ltr_event *more = realloc(a->events, cap * sizeof *more);
        if (!more)
            return LTR_EXIT_FAILURE;
        a->events = more;
        a->cap = cap;
    }
    a->events[a->n++] = *e;
    return 0;
}

void cli_annotations_free(cli_annotations *a)
{
    free(a->events);
    a->events = NULL;
    a->n = a->cap = 0;
}

int cli_write_mne(const char *path, const cli_input *in, const cli_annotations *a, char *msg,
                  size_t size)
{
    ltr_io_atomic_file *af;
    ltr_io_error err;
    ltr_io_event_writer *w = NULL;
    if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
        snprintf(msg, size, "%s", err.message);
        return LTR_EXIT_OUTPUT;
    }
    int rc = 0;
    if (ltr_io_event_writer_create(&w, ltr_io_atomic_stream(af), LTR_IO_EVENTS_MNE,
                                   in->info.sample_rate_hz, in->name_ptrs, in->n, a->kinds,
                                   NULL) != LTR_IO_OK)
        rc = LTR_EXIT_OUTPUT;
    for (size_t i = 0; rc == 0 && i < a->n; i++)
        if (ltr_io_event_writer_write(w, &a->events[i]) != LTR_IO_OK)
            rc = LTR_EXIT_OUTPUT;
    ltr_io_event_writer_destroy(w);
    if (rc != 0) {
        snprintf(msg, size, "%s: cannot write: %s", path, strerror(errno ? errno : EIO));
        cli_atomic_abort(af);
        return rc;
    }
    if (cli_atomic_commit(af, &err) != LTR_IO_OK) {
        snprintf(msg, size, "%s", err.message);
        return LTR_EXIT_OUTPUT;
    }
    return 0;
}

/* The channels copied: every channel of the file at the detector's rate (at most
 * LTR_MAX_CHANNELS: a reader's selection). */
static unsigned copy_channels(ltr_io_reader *r, double fs, unsigned *sel, ltr_io_channel *ch,
                              unsigned *left_out)
{
    ltr_io_info info;
    ltr_io_reader_info(r, &info);
    unsigned n = 0;
    *left_out = 0;
    for (unsigned c = 0; c < info.n_channels; c++) {
        const ltr_io_channel *p = ltr_io_reader_channel(r, c);
        if (n == LTR_MAX_CHANNELS || fabs(p->sample_rate_hz - fs) > 1e-9 * fs) {
            (*left_out)++;
            continue;
        }
        sel[n] = c;
        ch[n++] = *p;
    }
    return n;
}

/* A reader over the same file, its copied channels selected. */
static int reopen(const char *input, const cli_common *c, double fs, ltr_io_reader **r,
                  unsigned *sel, ltr_io_channel *ch, unsigned *n, unsigned *left_out, char *msg,
                  size_t size)
{
    ltr_io_error err;
    ltr_io_status s = ltr_io_reader_open(r, input, &c->io, &err);
    if (s != LTR_IO_OK) {
        snprintf(msg, size, "%s", err.message);
        return cli_exit_io(s);
    }
    *n = copy_channels(*r, fs, sel, ch, left_out);
    if (*n == 0 || ltr_io_reader_select(*r, sel, *n) != LTR_IO_OK) {
        snprintf(msg, size, "%s: no channel at %g Hz to copy", input, fs);
        ltr_io_reader_close(*r);
        *r = NULL;
        return LTR_EXIT_CHANNEL;
    }
    return 0;
}

/* Physical ranges for the channels whose file states none: the samples' own extremes
 * (one pass), so that quantisation spans what is there. */
static int measure_ranges(ltr_io_reader *r, ltr_io_channel *ch, unsigned n, float *buf,
                          size_t block, char *msg, size_t size)
{
    double lo[LTR_MAX_CHANNELS], hi[LTR_MAX_CHANNELS];
    for (unsigned k = 0; k < n; k++) {
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    size_t got;
    ltr_io_status s;
    while ((s = ltr_io_reader_read(r, buf, block, &got)) == LTR_IO_OK && got > 0)
        for (size_t i = 0; i < got; i++)
            for (unsigned k = 0; k < n; k++) {
                const double x = buf[i * n + k];
                if (isfinite(x)) {
                    lo[k] = x < lo[k] ? x : lo[k];
                    hi[k] = x > hi[k] ? x : hi[k];
                }
            }
    if (s != LTR_IO_OK) {
        snprintf(msg, size, "%s", ltr_io_reader_error(r)->message);
        return cli_exit_io(s);
    }
    for (unsigned k = 0; k < n; k++) {
        if (ch[k].has_range && ch[k].range_min < ch[k].range_max)
            continue;
        if (!(lo[k] <= hi[k]))
            lo[k] = hi[k] = 0.0; /* nothing finite */
        if (lo[k] == hi[k]) {    /* a flat channel: a range around its value */
            const double pad = fabs(lo[k]) > 0 ? fabs(lo[k]) : 1.0;
            lo[k] -= pad;
            hi[k] += pad;
        }
        ch[k].has_range = 1;
        ch[k].range_min = lo[k];
        ch[k].range_max = hi[k];
    }
    return 0;
}

int cli_write_annotated_edf(const char *path, const char *input, const cli_common *c,
                            const cli_input *in, const cli_annotations *a, uint64_t n_frames,
                            char *notes, size_t notes_size, char *msg, size_t size)
{
    const double fs = in->info.sample_rate_hz;
    const size_t block = 4096;
    unsigned sel[LTR_MAX_CHANNELS], n = 0, left_out = 0;
    ltr_io_channel ch[LTR_MAX_CHANNELS];
    ltr_io_reader *r = NULL;
    msg[0] = '\0';
    int rc = reopen(input, c, fs, &r, sel, ch, &n, &left_out, msg, size);
    if (rc)
        return rc;
    float *buf = malloc(block * n * sizeof *buf);
    if (!buf) {
        ltr_io_reader_close(r);
        snprintf(msg, size, "out of memory");
        return LTR_EXIT_FAILURE;
    }
    int need_ranges = 0;
    for (unsigned k = 0; k < n; k++)
        need_ranges |= !ch[k].has_range || !(ch[k].range_min < ch[k].range_max);
    if (need_ranges) {
        rc = measure_ranges(r, ch, n, buf, block, msg, size);
        ltr_io_reader_close(r);
        r = NULL;
        ltr_io_channel measured[LTR_MAX_CHANNELS];
        memcpy(measured, ch, sizeof measured);
        if (rc == 0)
            rc = reopen(input, c, fs, &r, sel, ch, &n, &left_out, msg, size);
        if (rc == 0)
            memcpy(ch, measured, n * sizeof *ch);
    }
    /* The input's own annotations (stimuli, needle movements) are kept beside ours. */
    const ltr_io_annotation *own = NULL;
    size_t n_own = 0;
    if (rc == 0 && ltr_io_reader_annotations(r, &own, &n_own, NULL) != LTR_IO_OK)
        n_own = 0;

    ltr_io_atomic_file *af = NULL;
    ltr_io_edf_writer *w = NULL;
    ltr_io_error err;
    const char *dot = strrchr(path, '.');
    const int bdf = dot && !strcasecmp(dot, ".bdf");
    if (rc == 0) {
        cli_remove_stale("detect", path);
        if (cli_atomic_open(&af, path, &err) != LTR_IO_OK) {
            snprintf(msg, size, "%s", err.message);
            rc = LTR_EXIT_OUTPUT;
        }
    }
    if (rc == 0) {
        const char *target = ltr_io_atomic_temp_path(af) ? ltr_io_atomic_temp_path(af) : path;
        ltr_io_status s = ltr_io_edf_writer_open(&w, target, bdf, fs, ch, n, n_frames,
                                                 n_own + a->n, &err);
        if (s != LTR_IO_OK) {
            snprintf(msg, size, "--annotate %s", err.message);
            rc = s == LTR_IO_ERR_RATE ? LTR_EXIT_RATE : LTR_EXIT_OUTPUT;
        }
    }
    for (size_t i = 0; rc == 0 && i < n_own; i++)
        if (ltr_io_edf_writer_annotate(w, own[i].onset_s, own[i].duration_s, own[i].text) !=
            LTR_IO_OK)
            rc = LTR_EXIT_OUTPUT;
    for (size_t i = 0; rc == 0 && i < a->n; i++) {
        const ltr_event *e = &a->events[i];
        const double dur = e->kind == LTR_EVENT_BEGIN || e->offset < e->onset
                               ? -1.0 : (double)(e->offset - e->onset) / fs;
        if (ltr_io_edf_writer_annotate(w, (double)e->onset / fs, dur,
                                       ltr_io_event_description(e)) != LTR_IO_OK)
            rc = LTR_EXIT_OUTPUT;
    }
    size_t got = 0;
    ltr_io_status s = LTR_IO_OK;
    while (rc == 0 && (s = ltr_io_reader_read(r, buf, block, &got)) == LTR_IO_OK && got > 0) {
        if (cli_interrupted()) {
            rc = CLI_RC_INTERRUPTED;
            break;
        }
        if (ltr_io_edf_writer_write(w, buf, got) != LTR_IO_OK)
            rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0 && s != LTR_IO_OK) {
        snprintf(msg, size, "%s", ltr_io_reader_error(r)->message);
        rc = cli_exit_io(s);
    }
    uint64_t nonfinite = 0;
    if (w && ltr_io_edf_writer_close(w, &nonfinite, &err) != LTR_IO_OK) {
        if (!msg[0])
            snprintf(msg, size, "--annotate %s", err.message);
        if (rc == 0)
            rc = LTR_EXIT_OUTPUT;
    }
    if (rc == 0 && cli_atomic_commit(af, &err) != LTR_IO_OK) {
        snprintf(msg, size, "%s", err.message);
        rc = LTR_EXIT_OUTPUT;
    } else if (rc != 0 && af) {
        cli_atomic_abort(af);
    }
    if (rc == 0) {
        snprintf(notes, notes_size, "%s: %s+ copy of %u channel%s with %zu annotation%s (%zu "
                 "of the input)%s%s",
                 path, bdf ? "BDF" : "EDF", n, n == 1 ? "" : "s", n_own + a->n,
                 n_own + a->n == 1 ? "" : "s", n_own,
                 left_out ? "; channels at another rate left out" : "",
                 nonfinite ? "; NaN/Inf samples written as 0" : "");
    }
    ltr_io_reader_close(r);
    free(buf);
    return rc;
}
