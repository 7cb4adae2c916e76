/*
 * EDF, EDF+, BDF and BDF+ through EDFlib (Teunis van Beelen, BSD-3; Debian
 * package libedf-dev) (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * We use EDFlib to read the samples: it is what EDFbrowser reads with. Its
 * verdict on a bad header is one code for everything, so edf_header.c checks
 * the header first and names the field that is wrong. Samples come out in physical units (the header's
 * physical dimension); the physical min/max are the ADC range, so a sample
 * there may be clipped. Signals may have different rates: the reader says so
 * and refuses a selection that mixes them (no silent resampling).
 *
 * EDFlib keeps a process-wide table of open files and its open and close are
 * not thread-safe (see edflib.h): both are serialised by one mutex here. It
 * also refuses to open a path it has open already ("already opened", -6):
 * two readers of one file in one process (a program that reads a file's
 * information and then its samples, threads reading the same recording)
 * therefore share one EDFlib handle here, counted, and each keeps its own
 * position: every read seeks first, under the handle's own lock.
 *
 * EDF+/BDF+ annotations (stimuli, needle movements a device or a person
 * noted) are read by EDFlib at open, all of them, and copied into each reader
 * (ltr_io_reader_annotations). A file whose annotations EDFlib cannot parse
 * is opened again without them: its samples stay readable, and the reader
 * says why it has no annotations.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <edflib.h>

#include "io_internal.h"

/* Serialises EDFlib's open and close here and in writer_edf.c (io_internal.h). */
pthread_mutex_t ltri_edflib_lock = PTHREAD_MUTEX_INITIALIZER;

/* One EDFlib handle and the readers that share it (the list: under ltri_edflib_lock). */
typedef struct edf_file {
    char *path;                   /* as given: EDFlib's table is keyed by it */
    int handle;
    int refs;
    struct edf_hdr_struct *hdr;   /* ~140 kB, what EDFlib read at open */
    int annotations_failed;       /* EDFlib refused the annotations: opened without them */
    pthread_mutex_t lock;         /* one reader's seek + read at a time */
    struct edf_file *next;
} edf_file;

static edf_file *open_files;

typedef struct edf_impl {
    edf_file *file;
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
            /* Each signal has its own position in EDFlib, shared by the readers of the
             * handle (and by a signal selected twice): set it every time. */
            pthread_mutex_lock(&e->file->lock);
            int got = -1;
            if (edfseek(e->file->handle, (int)r->sel[k], e->read, EDFSEEK_SET) == e->read)
                got = edfread_physical_samples(e->file->handle, (int)r->sel[k], (int)want,
                                               e->scratch);
            pthread_mutex_unlock(&e->file->lock);
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

/* Drop one reader of f; the last closes the EDFlib handle. */
static void release_file(edf_file *f)
{
    pthread_mutex_lock(&ltri_edflib_lock);
    int last = --f->refs == 0;
    if (last) {
        edfclose_file(f->handle);
        for (edf_file **p = &open_files; *p; p = &(*p)->next)
            if (*p == f) {
                *p = f->next;
                break;
            }
    }
    pthread_mutex_unlock(&ltri_edflib_lock);
    if (last) {
        pthread_mutex_destroy(&f->lock);
        free(f->hdr);
        free(f->path);
        free(f);
    }
}

static void edf_close_impl(ltr_io_reader *r)
{
    edf_impl *e = r->impl;
    if (!e)
        return;
    if (e->file)
        release_file(e->file);
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
        /* Our own check (edf_header.c) passed: what is left are EDFlib's finer rules. */
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: not a valid EDF/BDF file: EDFlib refuses its header (error %d) "
                            "though its fields and sizes are consistent; in an EDF+/BDF+ file, "
                            "the patient (bytes 8-87) and recording (bytes 88-167) fields must "
                            "follow the EDF+ subfield rules ('X X X X', 'Startdate dd-MMM-yyyy "
                            "...')",
                            path, code);
    }
}

/* The shared handle of path, opened by EDFlib if no reader has it yet. */
static ltr_io_status acquire_file(const char *path, edf_file **out, ltr_io_error *err)
{
    pthread_mutex_lock(&ltri_edflib_lock);
    for (edf_file *f = open_files; f; f = f->next)
        if (!strcmp(f->path, path)) {
            f->refs++;
            pthread_mutex_unlock(&ltri_edflib_lock);
            *out = f;
            return LTR_IO_OK;
        }
    edf_file *f = calloc(1, sizeof *f);
    if (f) {
        f->hdr = calloc(1, sizeof *f->hdr); /* not on the stack */
        f->path = strdup(path);
    }
    if (!f || !f->hdr || !f->path) {
        pthread_mutex_unlock(&ltri_edflib_lock);
        if (f) {
            free(f->hdr);
            free(f->path);
        }
        free(f);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    int failed = edfopen_file_readonly(path, f->hdr, EDFLIB_READ_ALL_ANNOTATIONS) != 0;
    if (failed && f->hdr->filetype == EDFLIB_FILE_CONTAINS_FORMAT_ERRORS) {
        /* Our header check passed: the annotation signal is what EDFlib refuses. */
        failed = edfopen_file_readonly(path, f->hdr, EDFLIB_DO_NOT_READ_ANNOTATIONS) != 0;
        f->annotations_failed = !failed;
    }
    if (failed) {
        pthread_mutex_unlock(&ltri_edflib_lock);
        ltr_io_status st = open_error(f->hdr->filetype, path, err);
        free(f->hdr);
        free(f->path);
        free(f);
        return st;
    }
    f->handle = f->hdr->handle;
    f->refs = 1;
    pthread_mutex_init(&f->lock, NULL);
    f->next = open_files;
    open_files = f;
    pthread_mutex_unlock(&ltri_edflib_lock);
    *out = f;
    return LTR_IO_OK;
}

/* The file's annotations (EDFlib's list, in 100 ns units) into the reader's own list. */
static ltr_io_status copy_annotations(ltr_io_reader *r, edf_file *f)
{
    if (f->annotations_failed) {
        r->annotations_problem = strdup("the EDF+ annotations cannot be parsed (EDFlib refuses "
                                        "the annotation signal): read without them");
        if (r->annotations_problem) {
            char *full = malloc(strlen(r->name) + strlen(r->annotations_problem) + 3);
            if (full)
                sprintf(full, "%s: %s", r->name, r->annotations_problem);
            free(r->annotations_problem);
            r->annotations_problem = full;
        }
        return r->annotations_problem ? LTR_IO_OK : LTR_IO_ERR_MEMORY;
    }
    const long long n = f->hdr->annotations_in_file;
    if (n <= 0)
        return LTR_IO_OK;
    r->annotations = calloc((size_t)n, sizeof *r->annotations);
    if (!r->annotations)
        return LTR_IO_ERR_MEMORY;
    struct edf_annotation_struct a;
    for (long long i = 0; i < n; i++) {
        pthread_mutex_lock(&f->lock);
        int got = edf_get_annotation(f->handle, (int)i, &a);
        pthread_mutex_unlock(&f->lock);
        if (got != 0)
            break;
        ltr_io_annotation *o = &r->annotations[r->n_annotations++];
        o->onset_s = (double)a.onset / (double)EDFLIB_TIME_DIMENSION;
        o->duration_s = a.duration_l < 0 ? -1.0 : (double)a.duration_l / (double)EDFLIB_TIME_DIMENSION;
        ltri_io_strlcpy(o->text, a.annotation, sizeof o->text);
    }
    return LTR_IO_OK;
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
    ltr_io_status st = ltri_edf_check_header(path, err);
    edf_file *file = NULL;
    if (st == LTR_IO_OK)
        st = acquire_file(path, &file, err);
    if (st != LTR_IO_OK)
        return st;
    const struct edf_hdr_struct *hdr = file->hdr;
    ltr_io_reader *r = NULL;
    edf_impl *e = calloc(1, sizeof *e);
    double *scratch = malloc(LTRI_IO_BLOCK * sizeof *scratch);
    if (!e || !scratch)
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    else if (hdr->edfsignals <= 0)
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no signals", path);
    else if (hdr->datarecord_duration <= 0)
        st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0, "%s: data record duration is 0", path);
    else
        st = ltri_reader_alloc(&r, path, (unsigned)hdr->edfsignals, err);
    if (st != LTR_IO_OK) {
        release_file(file);
        free(e);
        free(scratch);
        return st;
    }
    e->file = file;
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
    if ((st = copy_annotations(r, file)) != LTR_IO_OK) {
        ltr_io_reader_close(r);
        return ltri_io_fail(err, st, 0, "%s: out of memory", path);
    }
    *out = r;
    return LTR_IO_OK;
}
