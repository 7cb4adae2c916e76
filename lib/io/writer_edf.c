/*
 * EDF+ and BDF+ output through EDFlib (libltr-io): a copy of a recording's
 * signals with annotations, which EDFbrowser, MNE (mne.io.read_raw_edf) and
 * libltr-io itself read.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Samples are buffered one data record at a time and handed to EDFlib signal
 * by signal (edfwrite_physical_samples), which quantises them to 16 bits (EDF)
 * or 24 bits (BDF) over each channel's physical range. The range goes into
 * 8-character header fields (EDF spec, "physical minimum/maximum"): it is
 * widened outward to a decimal that fits, so the header and the quantisation
 * agree. EDFlib writes the annotations at close, spread over the annotation
 * signals of the data records (one annotation per signal and record, plus the
 * time-keeping one): the room is sized at open from the length and the number
 * of annotations to come, and checked at close.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "io_internal.h"

/* EDFlib's limit of annotation signals per data record (edflib.c, EDFLIB_MAX_ANNOTATION_CHANNELS). */
#define EDF_MAX_ANNOTATION_SIGNALS 64

struct ltr_io_edf_writer {
    int handle;
    char *path;
    unsigned n_channels;
    int spr;                 /* samples per signal per data record */
    int fill;                /* samples of the current record buffered */
    double *record;          /* n_channels x spr, signal after signal */
    double *last;            /* each channel's last sample: pads the last record */
    uint64_t frames;         /* frames written */
    uint64_t nonfinite;      /* NaN/Inf samples written as 0 */
    size_t annotations, max_annotations, capacity_per_record;
    ltr_io_status failed;
    char message[512];
};

/* An EDF header number field holds 8 characters: v rounded outward (up for a
 * maximum, down for a minimum) to the most decimals that fit. */
static double edf_bound(double v, int up)
{
    const double a = fabs(v);
    int int_digits = a < 1.0 ? 1 : (int)floor(log10(a)) + 1;
    int decimals = 8 - int_digits - 1 - (v < 0 || (!up && v <= 0));
    if (decimals < 0)
        decimals = 0;
    const double scale = pow(10.0, decimals);
    double r = up ? ceil(v * scale - 1e-9) / scale : floor(v * scale + 1e-9) / scale;
    return r == 0.0 ? 0.0 : r; /* no "-0" */
}

static ltr_io_status edf_fail(ltr_io_edf_writer *w, ltr_io_error *err, ltr_io_status st,
                              const char *what, int code)
{
    if (w->failed == LTR_IO_OK) {
        w->failed = st;
        snprintf(w->message, sizeof w->message, "%s: %s (EDFlib error %d)", w->path, what, code);
    }
    return ltri_io_fail(err, w->failed, 0, "%s", w->message);
}

static void writer_free(ltr_io_edf_writer *w)
{
    free(w->record);
    free(w->last);
    free(w->path);
    free(w);
}

ltr_io_status ltr_io_edf_writer_open(ltr_io_edf_writer **out, const char *path, int bdf,
                                     double fs, const ltr_io_channel *channels,
                                     unsigned n_channels, uint64_t n_frames,
                                     size_t max_annotations, ltr_io_error *err)
{
    if (!out || !path || !channels || n_channels == 0 || n_channels > EDFLIB_MAXSIGNALS)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "EDF output: bad arguments");
    *out = NULL;
    /* Data records of 1 s (EDF's usual), else the shortest whole number of seconds up
     * to 60 (EDFlib's limit) that holds a whole number of samples. */
    int seconds = 0;
    for (int d = 1; d <= 60 && !seconds; d++) {
        const double spr = fs * d;
        if (spr >= 1.0 && fabs(spr - floor(spr + 0.5)) < 1e-9 * spr)
            seconds = d;
    }
    if (!(fs > 0) || !seconds)
        return ltri_io_fail(err, LTR_IO_ERR_RATE, 0,
                            "%s: EDF stores whole samples per data record (1-60 s): %g Hz gives "
                            "none",
                            path, fs);
    for (unsigned c = 0; c < n_channels; c++)
        if (!channels[c].has_range || !(channels[c].range_min < channels[c].range_max) ||
            !isfinite(channels[c].range_min) || !isfinite(channels[c].range_max))
            return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0,
                                "%s: channel %u (%s) has no physical range", path, c,
                                channels[c].name);
    const int spr = (int)floor(fs * seconds + 0.5);
    const uint64_t records = n_frames ? (n_frames + (uint64_t)spr - 1) / (uint64_t)spr : 1;
    /* Room for the annotations: one per annotation signal and record. */
    const uint64_t per_record = (max_annotations + records - 1) / records;
    if (per_record > EDF_MAX_ANNOTATION_SIGNALS)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0,
                            "%s: %zu annotations do not fit in %llu data records of EDF+ "
                            "(at most %d per record)",
                            path, max_annotations, (unsigned long long)records,
                            EDF_MAX_ANNOTATION_SIGNALS);

    ltr_io_edf_writer *w = calloc(1, sizeof *w);
    if (w) {
        w->path = strdup(path);
        w->record = malloc((size_t)n_channels * (size_t)spr * sizeof *w->record);
        w->last = calloc(n_channels, sizeof *w->last);
    }
    if (!w || !w->path || !w->record || !w->last) {
        if (w)
            writer_free(w);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    w->n_channels = n_channels;
    w->spr = spr;
    w->max_annotations = max_annotations;
    w->capacity_per_record = per_record ? (size_t)per_record : 1;

    pthread_mutex_lock(&ltri_edflib_lock);
    w->handle = edfopen_file_writeonly(path, bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS,
                                       (int)n_channels);
    pthread_mutex_unlock(&ltri_edflib_lock);
    if (w->handle < 0) {
        int code = w->handle;
        ltr_io_status st = ltri_io_fail(err, code == EDFLIB_NO_SUCH_FILE_OR_DIRECTORY
                                                 ? LTR_IO_ERR_WRITE : LTR_IO_ERR_ARGUMENT,
                                        0, "%s: EDFlib cannot create it (error %d)", path, code);
        writer_free(w);
        return st;
    }
    const int dig_max = bdf ? 8388607 : 32767, dig_min = bdf ? -8388608 : -32768;
    int bad = seconds != 1 && edf_set_datarecord_duration(w->handle, seconds * 100000) != 0;
    bad = bad || edf_set_number_of_annotation_signals(w->handle, (int)w->capacity_per_record) != 0;
    for (unsigned c = 0; c < n_channels && !bad; c++) {
        const ltr_io_channel *ch = &channels[c];
        double lo = edf_bound(ch->range_min, 0), hi = edf_bound(ch->range_max, 1);
        if (!(lo < hi))
            hi = edf_bound(lo + fabs(lo) * 1e-3 + 1e-6, 1);
        bad = edf_set_samplefrequency(w->handle, (int)c, spr) != 0 ||
              edf_set_physical_maximum(w->handle, (int)c, hi) != 0 ||
              edf_set_physical_minimum(w->handle, (int)c, lo) != 0 ||
              edf_set_digital_maximum(w->handle, (int)c, dig_max) != 0 ||
              edf_set_digital_minimum(w->handle, (int)c, dig_min) != 0 ||
              edf_set_label(w->handle, (int)c, ch->name) != 0 ||
              edf_set_physical_dimension(w->handle, (int)c, ch->unit) != 0;
    }
    if (bad) {
        ltr_io_status st = edf_fail(w, err, LTR_IO_ERR_ARGUMENT,
                                    "EDFlib refuses the header's parameters", -1);
        pthread_mutex_lock(&ltri_edflib_lock);
        edfclose_file(w->handle);
        pthread_mutex_unlock(&ltri_edflib_lock);
        writer_free(w);
        return st;
    }
    *out = w;
    return LTR_IO_OK;
}

/* Hand the buffered record to EDFlib, signal after signal. */
static ltr_io_status flush_record(ltr_io_edf_writer *w)
{
    for (unsigned c = 0; c < w->n_channels; c++) {
        int code = edfwrite_physical_samples(w->handle, w->record + (size_t)c * (size_t)w->spr);
        if (code != 0)
            return edf_fail(w, NULL, LTR_IO_ERR_WRITE, "cannot write a data record", code);
    }
    w->fill = 0;
    return LTR_IO_OK;
}

ltr_io_status ltr_io_edf_writer_write(ltr_io_edf_writer *w, const float *frames, size_t n)
{
    if (!w || (!frames && n))
        return LTR_IO_ERR_ARGUMENT;
    if (w->failed != LTR_IO_OK)
        return w->failed;
    for (size_t i = 0; i < n; i++) {
        for (unsigned c = 0; c < w->n_channels; c++) {
            double x = frames[i * w->n_channels + c];
            if (!isfinite(x)) {
                x = 0.0; /* EDF has no NaN: a flat 0 where the input had none */
                w->nonfinite++;
            }
            w->record[(size_t)c * (size_t)w->spr + (size_t)w->fill] = x;
            w->last[c] = x;
        }
        w->frames++;
        if (++w->fill == w->spr && flush_record(w) != LTR_IO_OK)
            return w->failed;
    }
    return LTR_IO_OK;
}

ltr_io_status ltr_io_edf_writer_annotate(ltr_io_edf_writer *w, double onset_s, double duration_s,
                                         const char *text)
{
    if (!w || !text || !(onset_s >= 0) || !isfinite(onset_s))
        return LTR_IO_ERR_ARGUMENT;
    if (w->failed != LTR_IO_OK)
        return w->failed;
    if (w->annotations == w->max_annotations)
        return edf_fail(w, NULL, LTR_IO_ERR_ARGUMENT,
                        "more annotations than the room made for them at open", 0);
    /* EDFlib's writer takes onset and duration in units of 100 us. */
    long long onset = llround(onset_s * 10000.0);
    long long duration = duration_s >= 0 && isfinite(duration_s) ? llround(duration_s * 10000.0)
                                                                   : -1;
    int code = edfwrite_annotation_utf8(w->handle, onset, duration, text);
    if (code != 0)
        return edf_fail(w, NULL, LTR_IO_ERR_WRITE, "cannot add an annotation", code);
    w->annotations++;
    return LTR_IO_OK;
}

ltr_io_status ltr_io_edf_writer_close(ltr_io_edf_writer *w, uint64_t *n_nonfinite,
                                      ltr_io_error *err)
{
    if (!w)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    if (n_nonfinite)
        *n_nonfinite = w->nonfinite;
    /* The last record, partly filled, is padded with each channel's last sample. */
    if (w->failed == LTR_IO_OK && (w->fill > 0 || w->frames == 0)) {
        for (unsigned c = 0; c < w->n_channels; c++)
            for (int i = w->fill; i < w->spr; i++)
                w->record[(size_t)c * (size_t)w->spr + (size_t)i] = w->last[c];
        flush_record(w);
    }
    const uint64_t records = (w->frames + (uint64_t)w->spr - 1) / (uint64_t)w->spr;
    if (w->failed == LTR_IO_OK && w->annotations > (records ? records : 1) * w->capacity_per_record)
        edf_fail(w, NULL, LTR_IO_ERR_ARGUMENT,
                 "the recording is shorter than said at open: its annotations do not fit", 0);
    pthread_mutex_lock(&ltri_edflib_lock);
    int code = edfclose_file(w->handle);
    pthread_mutex_unlock(&ltri_edflib_lock);
    if (code != 0 && w->failed == LTR_IO_OK)
        edf_fail(w, NULL, LTR_IO_ERR_WRITE, "cannot finish the file", code);
    ltr_io_status st = w->failed;
    if (st != LTR_IO_OK)
        ltri_io_fail(err, st, 0, "%s", w->message);
    writer_free(w);
    return st;
}
