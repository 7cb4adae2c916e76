/*
 * Internals shared by the readers and writers of libltr-io.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_IO_INTERNAL_H
#define LTR_IO_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>

#include "ltr/ltr_io.h"

#if defined(__GNUC__) || defined(__clang__)
#define LTRI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define LTRI_PRINTF(fmt, args)
#endif

/* Frames each backend moves per internal step: bounds the scratch memory. */
#define LTRI_IO_BLOCK 4096u

typedef struct ltri_reader_ops {
    /* Read up to max frames of the selected channels (r->sel[0..n_sel)) interleaved. */
    ltr_io_status (*read)(ltr_io_reader *r, float *frames, size_t max, size_t *n);
    /* Free the backend state (r->impl); the common part is freed by the caller. */
    void (*close)(ltr_io_reader *r);
} ltri_reader_ops;

struct ltr_io_reader {
    const ltri_reader_ops *ops;
    void *impl;
    char *name;                      /* the path or name, for messages */
    ltr_io_info info;
    ltr_io_channel *channels;        /* info.n_channels of them */
    unsigned sel[LTR_MAX_CHANNELS];  /* the selection (file channel indices) */
    unsigned n_sel;                  /* 0 until chosen: then every channel */
    int started;                     /* a read happened: the selection is fixed */
    ltr_io_status failed;            /* a read failed: every later read fails the same */
    ltr_io_error err;
    /* EDF+/BDF+ annotations (reader_edf.c), NULL/0 for other formats; a message when the
     * file's annotations could not be parsed (then none are listed). */
    ltr_io_annotation *annotations;
    size_t n_annotations;
    char *annotations_problem;
};

/* Fill err (if not NULL) with a status and a formatted message; returns status. */
ltr_io_status ltri_io_fail(ltr_io_error *err, ltr_io_status status, uint64_t line,
                           const char *fmt, ...) LTRI_PRINTF(4, 5);

/* Allocate the common part of a reader with n_channels channels named "ch<N>". */
ltr_io_status ltri_reader_alloc(ltr_io_reader **r, const char *name, unsigned n_channels,
                                ltr_io_error *err);

/* Copy the selected channels of n interleaved frames of n_all channels to out. */
void ltri_io_pick(const float *all, size_t n, unsigned n_all, const unsigned *sel, unsigned n_sel,
                  float *out);

/* Bounded copy that always terminates dst. */
void ltri_io_strlcpy(char *dst, const char *src, size_t size);

/* Backends: each fills r's info, channels, ops and impl, or fails with err. */
ltr_io_status ltri_open_sndfile(ltr_io_reader **r, const char *path, const ltr_io_options *o,
                                ltr_io_error *err);
/* Check an EDF/BDF header field by field (edf_header.c): LTR_IO_OK, or an error whose
 * message names the field, its value and its bytes. */
ltr_io_status ltri_edf_check_header(const char *path, ltr_io_error *err);
ltr_io_status ltri_open_edf(ltr_io_reader **r, const char *path, const ltr_io_options *o,
                            ltr_io_error *err);
/* A PhysioNet WFDB record, `path` its .hea header (reader_wfdb.c). */
ltr_io_status ltri_open_wfdb(ltr_io_reader **r, const char *path, const ltr_io_options *o,
                             ltr_io_error *err);
/* A MATLAB .mat file through matio (reader_mat.c; a message saying so without matio). */
ltr_io_status ltri_open_mat(ltr_io_reader **r, const char *path, const ltr_io_options *o,
                            ltr_io_error *err);
/* EDFlib's open and close use one process-wide table and are not thread-safe:
 * every call of edfopen_* and edfclose_file holds this (reader_edf.c, writer_edf.c). */
extern pthread_mutex_t ltri_edflib_lock;

/* fd: an open descriptor the reader takes over (closes) when own_fd is set. */
ltr_io_status ltri_open_text(ltr_io_reader **r, int fd, int own_fd, const char *name,
                             const ltr_io_options *o, ltr_io_error *err);
ltr_io_status ltri_open_raw(ltr_io_reader **r, int fd, int own_fd, const char *name,
                            const ltr_io_options *o, ltr_io_error *err);

#endif /* LTR_IO_INTERNAL_H */
