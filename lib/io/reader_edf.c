/*
 * EDF, EDF+, BDF and BDF+ through EDFlib (Teunis van Beelen, BSD-3; Debian
 * package libedf-dev) (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * We use EDFlib rather than a parser of our own: it validates the header
 * thoroughly (field syntax, record sizes against the file size) and is what
 * EDFbrowser reads with. Samples come out in physical units (the header's
 * physical dimension); the physical min/max are the ADC range, so a sample
 * there may be clipped. Signals may have different rates: the reader says so
 * and refuses a selection that mixes them (no silent resampling).
 *
 * EDFlib keeps a process-wide table of open files and its open and close are
 * not thread-safe (see edflib.h): both are serialised by one mutex here.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "io_internal.h"

static pthread_mutex_t edflib_lock = PTHREAD_MUTEX_INITIALIZER;

typedef struct edf_impl {
    int handle;
    double *scratch;  /* LTRI_IO_BLOCK samples of one signal */
    int64_t read;     /* samples read per selected signal */
} edf_impl;

static ltr_io_status edf_read(ltr_io_reader *r, float *frames, size_t max, size_t *n)
{
    edf_impl *e = r->impl;
    size_t done = 0;
    const int64_t total = r->channels[r->sel[0]].n_samples;
    while (done < max && e->read < total) {
        size_t want = max - done < LTRI_IO_BLOCK ? max - done : LTRI_IO_BLOCK;
        if ((int64_t)want > total - e->read)
            want = (size_t)(total - e->read);
        for (unsigned k = 0; k < r->n_sel; k++) {
            /* Each signal has its own position in EDFlib: read a repeated one again. */
            if (k > 0)
                for (unsigned j = 0; j < k; j++)
                    if (r->sel[j] == r->sel[k])
                        edfseek(e->handle, (int)r->sel[k], e->read, EDFSEEK_SET);
            int got = edfread_physical_samples(e->handle, (int)r->sel[k], (int)want, e->scratch);
            if (got < 0 || (size_t)got != want) {
                *n = done;
                return ltri_io_fail(&r->err, LTR_IO_ERR_READ, 0,
                                    "%s: cannot read signal %s at sample %lld", r->name,
                                    r->channels[r->sel[k]].name, (long long)e->read);
            }
            for (size_t i = 0; i < want; i++)
                frames[(done + i) * r->n_sel + k] = (float)e->scratch[i];
        }
        done += want;
        e->read += (int64_t)want;
    }
    *n = done;
    return LTR_IO_OK;
}

static void edf_close_impl(ltr_io_reader *r)
{
    edf_impl *e = r->impl;
    if (!e)
        return;
    pthread_mutex_lock(&edflib_lock);
    edfclose_file(e->handle);
    pthread_mutex_unlock(&edflib_lock);
    free(e->scratch);
    free(e);
}

static const ltri_reader_ops edf_ops = {edf_read, edf_close_impl};

static ltr_io_status open_error(int code, const char *path, ltr_io_error *err)
{
    switch (code) {
    case EDFLIB_MALLOC_ERROR:
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    case EDFLIB_NO_SUCH_FILE_OR_DIRECTORY:
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: cannot open", path);
    case EDFLIB_FILE_READ_ERROR:
        /* The file opened (we checked): a header read that fails means it is too short. */
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: not a valid EDF/BDF file (shorter than its header)", path);
    case EDFLIB_FILE_IS_DISCONTINUOUS:
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: discontinuous EDF+D/BDF+D recordings are not supported", path);
    case EDFLIB_MAXFILES_REACHED:
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: too many EDF files open at once",
                            path);
    default:
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: not a valid EDF/BDF file (EDFlib error %d: bad header, or "
                            "the file size does not match it: truncated?)",
                            path, code);
    }
}

/* EDF header fields are space-padded. */
static void trim_copy(char *dst, size_t size, const char *src)
{
    while (*src == ' ')
        src++;
    ltri_io_strlcpy(dst, src, size);
    size_t n = strlen(dst);
    while (n > 0 && dst[n - 1] == ' ')
        dst[--n] = '\0';
}

ltr_io_status ltri_open_edf(ltr_io_reader **out, const char *path, const ltr_io_options *o,
                            ltr_io_error *err)
{
    struct edf_hdr_struct *hdr = calloc(1, sizeof *hdr); /* ~140 kB: not on the stack */
    if (!hdr)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    pthread_mutex_lock(&edflib_lock);
    int rc = edfopen_file_readonly(path, hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS);
    pthread_mutex_unlock(&edflib_lock);
    if (rc != 0) {
        ltr_io_status st = open_error(hdr->filetype, path, err);
        free(hdr);
        return st;
    }
    ltr_io_reader *r = NULL;
    edf_impl *e = calloc(1, sizeof *e);
    double *scratch = malloc(LTRI_IO_BLOCK * sizeof *scratch);
    ltr_io_status st = LTR_IO_OK;
    if (!e || !scratch)
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    else if (hdr->edfsignals <= 0)
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no signals", path);
    else if (hdr->datarecord_duration <= 0)
        st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0, "%s: data record duration is 0", path);
    else
        st = ltri_reader_alloc(&r, path, (unsigned)hdr->edfsignals, err);
    if (st != LTR_IO_OK) {
        pthread_mutex_lock(&edflib_lock);
        edfclose_file(hdr->handle);
        pthread_mutex_unlock(&edflib_lock);
        free(e);
        free(scratch);
        free(hdr);
        return st;
    }
    e->handle = hdr->handle;
    e->scratch = scratch;
    r->impl = e;
    r->ops = &edf_ops;

    static const char *const types[] = {"EDF", "EDF+", "BDF", "BDF+"};
    r->info.format = LTR_IO_FORMAT_EDF;
    ltri_io_strlcpy(r->info.format_name,
                    hdr->filetype >= 0 && hdr->filetype <= 3 ? types[hdr->filetype] : "EDF",
                    sizeof r->info.format_name);
    ltri_io_strlcpy(r->info.rate_source, o->sample_rate_hz > 0 ? "option" : "header",
                    sizeof r->info.rate_source);
    const double record_s = (double)hdr->datarecord_duration / (double)EDFLIB_TIME_DIMENSION;
    /* A rate given as an option replaces signal 0's and scales the others alike (a
     * mislabelled record duration is the only way an EDF rate can be wrong). */
    const double fs0 = (double)hdr->signalparam[0].smp_in_datarecord / record_s;
    const double scale = o->sample_rate_hz > 0 && fs0 > 0 ? o->sample_rate_hz / fs0 : 1.0;
    for (unsigned c = 0; c < r->info.n_channels; c++) {
        const struct edf_param_struct *p = &hdr->signalparam[c];
        ltr_io_channel *ch = &r->channels[c];
        trim_copy(ch->name, sizeof ch->name, p->label);
        if (!ch->name[0])
            snprintf(ch->name, sizeof ch->name, "ch%u", c);
        trim_copy(ch->unit, sizeof ch->unit, p->physdimension);
        ch->sample_rate_hz = (double)p->smp_in_datarecord / record_s * scale;
        ch->n_samples = p->smp_in_file;
        ch->has_range = 1;
        ch->range_min = p->phys_min < p->phys_max ? p->phys_min : p->phys_max;
        ch->range_max = p->phys_min < p->phys_max ? p->phys_max : p->phys_min;
    }
    r->info.n_frames = r->channels[0].n_samples;
    free(hdr);
    *out = r;
    return LTR_IO_OK;
}
