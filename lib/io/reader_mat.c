/*
 * MATLAB .mat files through matio (libltr-io): v4, v5 and v7.3 (HDF5).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Layout read: one numeric 2-D matrix (samples x channels, or channels x samples
 * when the first dimension is the smaller: it is then the channel count) and the
 * sampling rate from a real scalar named fs, Fs, FS, srate, sample_rate,
 * sampling_rate or SampleRate (or the rate option). When several matrices are
 * stored, the one named data, emg, EMG, signal, x or y is taken, else the largest;
 * the reader's format name says which. Channel names come from a cell array of
 * strings named labels, channels or channel_names holding one per channel.
 * double and single are read as they are, integer classes converted to float
 * (counts, unscaled); NaN and Inf are passed on (the detector flags them).
 * Refused with a message: no numeric matrix, complex data, a file of structs only,
 * a file matio cannot read. The matrix is loaded whole at open (a .mat file is not
 * streamed: v5 compresses variables as a whole).
 *
 * matio and HDF5 (v7.3) are used only while a file is opened, under one lock: Debian's
 * HDF5 is not thread-safe. HDF5's own diagnostics, printed to stderr by default, are
 * turned off during the open and restored after (libltr-io never prints).
 *
 * Compiled without matio (LTR_IO_HAVE_MATIO undefined) the format is known but
 * refused with a message saying so.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io_internal.h"

#ifndef LTR_IO_HAVE_MATIO

ltr_io_status ltri_open_mat(ltr_io_reader **out, const char *path, const ltr_io_options *o,
                            ltr_io_error *err)
{
    (void)o;
    *out = NULL;
    return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                        "%s: MATLAB .mat files need matio: this libltr-io was built without "
                        "it (install libmatio-dev and rebuild)",
                        path);
}

#else

#include <matio.h>

#include "mat_check.h"
#include <pthread.h>
#ifdef LTR_IO_HAVE_HDF5
#include <hdf5.h>
#endif

static const char *const rate_names[] = {"fs", "Fs", "FS", "srate", "sample_rate",
                                         "sampling_rate", "SampleRate"};
static const char *const data_names[] = {"data", "emg", "EMG", "signal", "x", "y"};
static const char *const label_names[] = {"labels", "channels", "channel_names"};
#define RATE_LIST "fs, Fs, FS, srate, sample_rate, sampling_rate or SampleRate"
#define MAT_MAX_CHANNELS 4096u

typedef struct mat_impl {
    float *frames;   /* every channel, interleaved */
    size_t n_frames, pos;
    unsigned n_ch;
} mat_impl;

static ltr_io_status mat_read(ltr_io_reader *r, float *frames, size_t max, size_t *n)
{
    mat_impl *m = r->impl;
    size_t k = m->n_frames - m->pos;
    if (k > max)
        k = max;
    ltri_io_pick(m->frames + m->pos * m->n_ch, k, m->n_ch, r->sel, r->n_sel, frames);
    m->pos += k;
    *n = k;
    return LTR_IO_OK;
}

static void mat_close(ltr_io_reader *r)
{
    mat_impl *m = r->impl;
    if (m) {
        free(m->frames);
        free(m);
    }
}

static const ltri_reader_ops mat_ops = {mat_read, mat_close};

static int is_numeric(enum matio_classes c)
{
    switch (c) {
    case MAT_C_DOUBLE:
    case MAT_C_SINGLE:
    case MAT_C_INT8:
    case MAT_C_UINT8:
    case MAT_C_INT16:
    case MAT_C_UINT16:
    case MAT_C_INT32:
    case MAT_C_UINT32:
    case MAT_C_INT64:
    case MAT_C_UINT64:
        return 1;
    default:
        return 0;
    }
}

static const char *class_name(enum matio_classes c)
{
    switch (c) {
    case MAT_C_DOUBLE: return "double";
    case MAT_C_SINGLE: return "single";
    case MAT_C_INT8: return "int8";
    case MAT_C_UINT8: return "uint8";
    case MAT_C_INT16: return "int16";
    case MAT_C_UINT16: return "uint16";
    case MAT_C_INT32: return "int32";
    case MAT_C_UINT32: return "uint32";
    case MAT_C_INT64: return "int64";
    case MAT_C_UINT64: return "uint64";
    case MAT_C_CELL: return "cell";
    case MAT_C_STRUCT: return "struct";
    case MAT_C_CHAR: return "char";
    case MAT_C_SPARSE: return "sparse";
    default: return "other";
    }
}

static size_t n_elements(const matvar_t *v)
{
    if (!v->dims || v->rank < 1)
        return 0;
    size_t n = 1;
    for (int d = 0; d < v->rank; d++)
        n *= v->dims[d];
    return n;
}

/* Element i of a numeric variable's data as a double (class_type decides the type). */
static double element(const matvar_t *v, size_t i)
{
    const void *p = v->data;
    switch (v->class_type) {
    case MAT_C_DOUBLE: return ((const double *)p)[i];
    case MAT_C_SINGLE: return ((const float *)p)[i];
    case MAT_C_INT8: return ((const int8_t *)p)[i];
    case MAT_C_UINT8: return ((const uint8_t *)p)[i];
    case MAT_C_INT16: return ((const int16_t *)p)[i];
    case MAT_C_UINT16: return ((const uint16_t *)p)[i];
    case MAT_C_INT32: return ((const int32_t *)p)[i];
    case MAT_C_UINT32: return ((const uint32_t *)p)[i];
    case MAT_C_INT64: return (double)((const int64_t *)p)[i];
    case MAT_C_UINT64: return (double)((const uint64_t *)p)[i];
    default: return NAN;
    }
}

/* The element size matio uses for a class, to check data_size before indexing. */
static int class_size(enum matio_classes c)
{
    switch (c) {
    case MAT_C_DOUBLE: case MAT_C_INT64: case MAT_C_UINT64: return 8;
    case MAT_C_SINGLE: case MAT_C_INT32: case MAT_C_UINT32: return 4;
    case MAT_C_INT16: case MAT_C_UINT16: return 2;
    case MAT_C_INT8: case MAT_C_UINT8: return 1;
    default: return 0;
    }
}

static int data_ok(const matvar_t *v)
{
    return v && v->data && !v->isComplex && is_numeric(v->class_type) &&
           v->data_size == class_size(v->class_type) &&
           v->nbytes >= n_elements(v) * (size_t)v->data_size;
}

/* A char variable's text into buf (non-ASCII as '?'). */
static int char_text(const matvar_t *c, char *buf, size_t size)
{
    if (!c || c->class_type != MAT_C_CHAR || !c->data || size == 0)
        return 0;
    size_t n = n_elements(c), k = 0;
    for (size_t i = 0; i < n && k + 1 < size; i++) {
        unsigned ch;
        if (c->data_size == 1)
            ch = ((const unsigned char *)c->data)[i];
        else if (c->data_size == 2)
            ch = ((const uint16_t *)c->data)[i];
        else if (c->data_size == 4)
            ch = ((const uint32_t *)c->data)[i];
        else
            return 0;
        if (ch == 0)
            break;
        buf[k++] = ch < 0x80 ? (char)ch : '?';
    }
    buf[k] = '\0';
    return 1;
}

typedef struct var_info {
    char *name;
    enum matio_classes cls;
    int complex, logical, rank;
    size_t rows, cols, n;
} var_info;

static void free_vars(var_info *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}

static int in_list(const char *name, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(name, list[i]))
            return (int)i;
    return -1;
}

/* "a, b, c" of the variables (as many as fit). */
static void list_vars(const var_info *v, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 1 < size; i++) {
        int k = snprintf(buf + used, size - used, "%s%s (%s)", i ? ", " : "", v[i].name,
                         class_name(v[i].cls));
        if (k < 0 || (size_t)k >= size - used) {
            buf[used] = '\0';
            break;
        }
        used += (size_t)k;
    }
}

/* Little- or big-endian 32-bit word. */
static int32_t word32(const unsigned char *b, int big)
{
    uint32_t u = big ? (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24
                     : (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return (int32_t)u;
}

/* Before matio sees a file: a v5/v7.3 header (bytes 124-127: version 0x0100 or 0x0200 and
 * the endian mark IM/MI), or else a chain of v4 matrices whose headers fit the file. matio
 * 1.5 takes any other file for v4 and allocates what its first 20 bytes say (a name of
 * 10^9 bytes: 1.7 GB and 25 s, found by the reader_mat fuzz harness). The v4 header
 * (MATLAB "MAT-File Format", Level 4): type MOPT (M 0 little- / 1 big-endian, O 0, P the
 * element class 0-5, T 0-2), rows, columns, imagf 0/1, name length with its NUL. */
static ltr_io_status check_header(const char *path, ltr_io_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    unsigned char head[128];
    const size_t got = fread(head, 1, sizeof head, f);
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    /* The version and the mark are 16-bit words in the writer's byte order: "IM" read
     * here means little-endian, version bytes 00 01 (v5) or 00 02 (v7.3). */
    if (got == sizeof head && ((head[126] == 'I' && head[127] == 'M' && head[124] == 0 &&
                                (head[125] == 1 || head[125] == 2)) ||
                               (head[126] == 'M' && head[127] == 'I' && head[125] == 0 &&
                                (head[124] == 1 || head[124] == 2)))) {
        fclose(f);
        return LTR_IO_OK;
    }
    static const unsigned elsize[6] = {8, 4, 4, 2, 2, 1};
    uint64_t at = 0;
    int n_vars = 0;
    const char *why = NULL;
    while (!why && size >= 0 && at + 20 <= (uint64_t)size) {
        unsigned char h[20];
        if (fseek(f, (long)at, SEEK_SET) != 0 || fread(h, 1, 20, f) != 20) {
            why = "unreadable";
            break;
        }
        const int big = word32(h, 0) < 0 || word32(h, 0) >= 1000;
        const int32_t type = word32(h, big), rows = word32(h + 4, big), cols = word32(h + 8, big),
                      imagf = word32(h + 12, big), namelen = word32(h + 16, big);
        if (type < 0 || type / 1000 != big || type / 100 % 10 != 0 || type / 10 % 10 > 5 ||
            type % 10 > 2)
            why = "no v5/v7.3 header, and no v4 matrix type";
        else if (rows < 0 || cols < 0 || (imagf != 0 && imagf != 1) || namelen < 1 ||
                 namelen > 4096)
            why = "no v5/v7.3 header, and a v4 matrix header out of range";
        else {
            const uint64_t bytes = (uint64_t)rows * (uint64_t)cols *
                                   elsize[type / 10 % 10] * (imagf ? 2u : 1u);
            if (at + 20 + (uint64_t)namelen + bytes > (uint64_t)size)
                why = "a v4 matrix runs past the end of the file";
            at += 20 + (uint64_t)namelen + bytes;
            n_vars++;
        }
    }
    fclose(f);
    if (!why && n_vars == 0)
        why = "too short for a header";
    if (why)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: not a MATLAB .mat file matio can read (v4, v5 or v7.3): %s", path,
                            why);
    return LTR_IO_OK;
}

static ltr_io_status open_locked(ltr_io_reader **out, const char *path, const ltr_io_options *o,
                                 ltr_io_error *err)
{
    ltr_io_status hst = check_header(path, err);
    if (hst != LTR_IO_OK)
        return hst;
    mat_t *mat = Mat_Open(path, MAT_ACC_RDONLY);
    if (!mat)
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: not a MATLAB .mat file matio can read (v4, v5 or v7.3)", path);
    const enum mat_ft ver = Mat_GetVersion(mat);
    if (ver == MAT_FT_MAT5) {
        ltr_io_status lst = ltri_mat_check_v5(path, err);
        if (lst != LTR_IO_OK) {
            Mat_Close(mat);
            return lst;
        }
    }

    /* Every variable's header, without its data. */
    var_info *vars = NULL;
    size_t n_vars = 0, cap = 0;
    ltr_io_status st = LTR_IO_OK;
    matvar_t *v;
    while ((v = Mat_VarReadNextInfo(mat)) != NULL) {
        if (n_vars == cap) {
            size_t nc = cap ? 2 * cap : 16;
            var_info *nv = realloc(vars, nc * sizeof *nv);
            if (!nv) {
                Mat_VarFree(v);
                st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
                break;
            }
            vars = nv;
            cap = nc;
        }
        var_info *vi = &vars[n_vars];
        memset(vi, 0, sizeof *vi);
        vi->name = strdup(v->name ? v->name : "");
        vi->cls = v->class_type;
        vi->complex = v->isComplex;
        vi->logical = v->isLogical;
        vi->rank = v->rank;
        vi->rows = v->rank >= 1 && v->dims ? v->dims[0] : 0;
        vi->cols = v->rank >= 2 && v->dims ? v->dims[1] : 0;
        vi->n = n_elements(v);
        Mat_VarFree(v);
        if (!vi->name) {
            st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
            break;
        }
        n_vars++;
    }
    if (st != LTR_IO_OK) {
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    char list[400];
    list_vars(vars, n_vars, list, sizeof list);
    if (n_vars == 0) {
        Mat_Close(mat);
        free(vars);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                            "%s: no variable matio can read (empty, truncated or corrupt file)",
                            path);
    }

    /* The matrix: a preferred name, else the largest numeric 2-D variable. */
    size_t best = n_vars, n_matrices = 0;
    int best_pref = -1;
    unsigned n_struct = 0;
    for (size_t i = 0; i < n_vars; i++) {
        const var_info *vi = &vars[i];
        if (vi->cls == MAT_C_STRUCT || vi->cls == MAT_C_OBJECT)
            n_struct++;
        if (!is_numeric(vi->cls) || vi->logical || vi->rank != 2 || vi->n < 2)
            continue;
        n_matrices++;
        const int pref = in_list(vi->name, data_names, sizeof data_names / sizeof data_names[0]);
        if (best == n_vars ||
            (pref >= 0 && (best_pref < 0 || pref < best_pref)) ||
            (pref < 0 && best_pref < 0 && vi->n > vars[best].n)) {
            best = i;
            best_pref = pref;
        }
    }
    if (best == n_vars) {
        if (n_struct == n_vars)
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                              "%s: only structs (%s): libltr-io reads a numeric matrix stored as "
                              "a variable of its own (in MATLAB: data = s.emg; save(f, 'data', "
                              "'fs'))",
                              path, list);
        else
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                              "%s: no numeric 2-D matrix (samples x channels) among %s", path,
                              list);
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    const var_info *dv = &vars[best];
    if (dv->complex) {
        st = ltri_io_fail(err, LTR_IO_ERR_DATA, 0,
                          "%s: variable '%s' is complex: libltr reads real samples", path,
                          dv->name);
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    /* Orientation: channels x samples when the first dimension is the smaller. */
    const int transposed = dv->rows < dv->cols;
    const size_t n_ch_z = transposed ? dv->rows : dv->cols;
    const size_t n_frames = transposed ? dv->cols : dv->rows;
    if (n_ch_z > MAT_MAX_CHANNELS) {
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                          "%s: variable '%s' is %zux%zu: neither dimension is a channel count "
                          "(at most %u)",
                          path, dv->name, dv->rows, dv->cols, MAT_MAX_CHANNELS);
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    const unsigned n_ch = (unsigned)n_ch_z;
    if (n_frames > SIZE_MAX / sizeof(float) / (n_ch ? n_ch : 1)) {
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: variable '%s' is %zux%zu: too large",
                          path, dv->name, dv->rows, dv->cols);
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    /* The samples (before the rate: a truncated file fails here, saying so). */
    matvar_t *dvar = Mat_VarRead(mat, dv->name);
    if (!data_ok(dvar) || dvar->rank != 2 || dvar->dims[0] != dv->rows ||
        dvar->dims[1] != dv->cols) {
        Mat_VarFree(dvar);
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                          "%s: cannot read variable '%s' (%zux%zu %s): truncated or corrupt file",
                          path, dv->name, dv->rows, dv->cols, class_name(dv->cls));
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }

    /* The rate. */
    double fs = 0.0;
    char rate_var[32] = "";
    for (size_t k = 0; k < sizeof rate_names / sizeof rate_names[0] && !rate_var[0]; k++)
        for (size_t i = 0; i < n_vars; i++)
            if (!strcmp(vars[i].name, rate_names[k]) && is_numeric(vars[i].cls) &&
                vars[i].n == 1 && !vars[i].complex) {
                matvar_t *rv = Mat_VarRead(mat, vars[i].name);
                if (data_ok(rv)) {
                    fs = element(rv, 0);
                    ltri_io_strlcpy(rate_var, vars[i].name, sizeof rate_var);
                }
                Mat_VarFree(rv);
                break;
            }
    if (!(o->sample_rate_hz > 0)) {
        if (!rate_var[0]) {
            st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0,
                              "%s: no sampling rate: no real scalar named " RATE_LIST
                              " (variables: %s); give it with --rate HZ",
                              path, list);
        } else if (!(fs > 0) || !isfinite(fs)) {
            st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0, "%s: %s = %g is not a sampling rate",
                              path, rate_var, fs);
        }
        if (st != LTR_IO_OK) {
            Mat_VarFree(dvar);
            free_vars(vars, n_vars);
            Mat_Close(mat);
            return st;
        }
    }

    ltr_io_reader *r = NULL;
    st = ltri_reader_alloc(&r, path, n_ch, err);
    if (st != LTR_IO_OK) {
        Mat_VarFree(dvar);
        free_vars(vars, n_vars);
        Mat_Close(mat);
        return st;
    }
    mat_impl *m = calloc(1, sizeof *m);
    r->impl = m;
    r->ops = &mat_ops;
    if (m && n_frames > 0)
        m->frames = malloc(n_frames * n_ch * sizeof *m->frames);
    if (!m || (n_frames > 0 && !m->frames)) {
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory (%zu x %u samples)",
                          path, n_frames, n_ch);
        Mat_VarFree(dvar);
        goto fail;
    }
    m->n_ch = n_ch;
    m->n_frames = n_frames;

    /* MATLAB stores column by column: element (i, j) at i + j * rows. */
    for (size_t i = 0; i < n_frames; i++)
        for (unsigned c = 0; c < n_ch; c++) {
            const size_t at = transposed ? c + i * dv->rows : i + (size_t)c * dv->rows;
            m->frames[i * n_ch + c] = (float)element(dvar, at);
        }
    Mat_VarFree(dvar);

    /* Channel names from a cell array of strings, one per channel. */
    int labels_used = 0;
    for (size_t k = 0; k < sizeof label_names / sizeof label_names[0] && !labels_used; k++)
        for (size_t i = 0; i < n_vars; i++) {
            if (strcmp(vars[i].name, label_names[k]) != 0 || vars[i].cls != MAT_C_CELL ||
                vars[i].n != n_ch)
                continue;
            matvar_t *lv = Mat_VarRead(mat, vars[i].name);
            int ok = lv != NULL && lv->class_type == MAT_C_CELL;
            for (unsigned c = 0; ok && c < n_ch; c++) {
                char buf[64];
                ok = char_text(Mat_VarGetCell(lv, (int)c), buf, sizeof buf) && buf[0];
            }
            for (unsigned c = 0; ok && c < n_ch; c++)
                char_text(Mat_VarGetCell(lv, (int)c), r->channels[c].name,
                          sizeof r->channels[c].name);
            labels_used = ok;
            Mat_VarFree(lv);
            break;
        }

    for (unsigned c = 0; c < n_ch; c++) {
        ltr_io_channel *ch = &r->channels[c];
        ch->sample_rate_hz = o->sample_rate_hz > 0 ? o->sample_rate_hz : fs;
        ch->n_samples = (int64_t)n_frames;
    }
    r->info.n_frames = (int64_t)n_frames;
    r->info.format = LTR_IO_FORMAT_MAT;
    snprintf(r->info.format_name, sizeof r->info.format_name, "MAT %s, '%s' %zux%zu %s%s%s",
             ver == MAT_FT_MAT73 ? "v7.3" : ver == MAT_FT_MAT4 ? "v4" : "v5", dv->name, dv->rows,
             dv->cols, class_name(dv->cls), transposed ? " (channels x samples)" : "",
             n_matrices > 1 ? (best_pref >= 0 ? ", by name" : ", the largest") : "");
    if (o->sample_rate_hz > 0)
        ltri_io_strlcpy(r->info.rate_source, "option", sizeof r->info.rate_source);
    else
        snprintf(r->info.rate_source, sizeof r->info.rate_source, "variable %s", rate_var);
    free_vars(vars, n_vars);
    Mat_Close(mat);
    *out = r;
    return LTR_IO_OK;

fail:
    free_vars(vars, n_vars);
    Mat_Close(mat);
    ltr_io_reader_close(r);
    return st;
}

static pthread_mutex_t mat_lock = PTHREAD_MUTEX_INITIALIZER;

ltr_io_status ltri_open_mat(ltr_io_reader **out, const char *path, const ltr_io_options *o,
                            ltr_io_error *err)
{
    *out = NULL;
    pthread_mutex_lock(&mat_lock);
#ifdef LTR_IO_HAVE_HDF5
    H5E_auto2_t h5_func = NULL;
    void *h5_data = NULL;
    const int h5_saved = H5Eget_auto2(H5E_DEFAULT, &h5_func, &h5_data) >= 0;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
#endif
    ltr_io_status st = open_locked(out, path, o, err);
#ifdef LTR_IO_HAVE_HDF5
    if (h5_saved)
        H5Eset_auto2(H5E_DEFAULT, h5_func, h5_data);
#endif
    pthread_mutex_unlock(&mat_lock);
    return st;
}

#endif /* LTR_IO_HAVE_MATIO */
