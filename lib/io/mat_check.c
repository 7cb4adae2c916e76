/*
 * The variables of a MATLAB v5 file checked before matio reads them (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * matio 1.5 trusts the sizes a v5 file states: a struct whose field-name
 * length or dimensions are garbage made it allocate and clear 1.9 GB (the
 * reader_mat fuzz harness; matio's own issue tbeu/matio#347 is of the same
 * kind). So every top-level variable (miMATRIX, or miCOMPRESSED inflated with
 * zlib) is walked here, after MATLAB's "MAT-File Format" (v5, "Data Element
 * Format" and "miMATRIX Format"): every element lies inside its parent; array
 * flags, dimensions (rank 2-32) and name come first; a numeric or char array
 * holds at least one byte per element in its data (MATLAB may store doubles
 * as smaller integer types, never in less than a byte); a cell holds one
 * nested miMATRIX per element (a function handle too, as matio reads it) and a struct
 * one per element and field, after
 * a field-name length of 1-64 and the names; nesting ends within 16 levels.
 * Compressed variables are inflated as far as their header (64 KiB), cells
 * and structs in full (at most LTRI_MAT_MAX_INFLATED bytes).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "mat_check.h"

/* v5 data types (MAT-File Format, table 1-1) and array classes (table 1-3). */
enum { MI_INT8 = 1, MI_INT32 = 5, MI_UINT32 = 6, MI_MATRIX = 14, MI_COMPRESSED = 15 };
enum { MX_CELL = 1, MX_STRUCT = 2, MX_OBJECT = 3, MX_CHAR = 4, MX_SPARSE = 5, MX_UINT64 = 15,
       MX_FUNCTION = 16 };

/* Classes whose data are nested variables: a function handle's too, which matio 1.5
 * reads element by element as a cell's, and leaks on a broken one (reader_mat fuzz
 * harness). */
static int nests(unsigned cls)
{
    return cls == MX_CELL || cls == MX_STRUCT || cls == MX_OBJECT || cls == MX_FUNCTION;
}

typedef struct elem {
    uint32_t type, bytes;
    size_t data;  /* offset of its data in the buffer */
} elem;

static uint32_t rd32(const unsigned char *b, int swap)
{
    return swap ? (uint32_t)b[3] | (uint32_t)b[2] << 8 | (uint32_t)b[1] << 16 | (uint32_t)b[0] << 24
                : (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/* The element at *at of a buffer holding `have` of `full` bytes: its tag must be in
 * the buffer, its data within `full`. Advances *at past it (padded to 8). */
static int next_elem(const unsigned char *b, size_t have, size_t full, size_t *at, int swap,
                     elem *e)
{
    if (*at + 8 > have)
        return -1;
    const uint32_t w0 = rd32(b + *at, swap);
    if (w0 >> 16) { /* small element: up to 4 bytes of data in the tag */
        e->type = w0 & 0xffffu;
        e->bytes = w0 >> 16;
        if (e->bytes > 4)
            return -1;
        e->data = *at + 4;
        *at += 8;
        return 0;
    }
    e->type = w0;
    e->bytes = rd32(b + *at + 4, swap);
    if ((uint64_t)*at + 8 + e->bytes > full)
        return -1;
    e->data = *at + 8;
    const uint64_t next = (uint64_t)*at + 8 + (((uint64_t)e->bytes + 7) & ~(uint64_t)7);
    *at = next < full ? (size_t)next : full;
    return 0;
}

/* Bytes of one value of a data type, 0 if unknown. */
static unsigned type_size(uint32_t t)
{
    switch (t) {
    case 1: case 2: case 16: return 1;   /* int8, uint8, utf8 */
    case 3: case 4: case 17: return 2;   /* int16, uint16, utf16 */
    case 5: case 6: case 7: case 18: return 4; /* int32, uint32, single, utf32 */
    case 9: case 12: case 13: return 8;  /* double, int64, uint64 */
    default: return 0;
    }
}

/* The payload of one miMATRIX (`have` of its `full` bytes in b). NULL if it holds
 * together, else why not. */
static const char *check_matrix(const unsigned char *b, size_t have, size_t full, int swap,
                                int depth)
{
    if (depth > 16)
        return "variables nested more than 16 deep";
    if (full == 0)
        return NULL; /* an empty element: an empty cell */
    size_t at = 0;
    elem flags, dims, name;
    if (next_elem(b, have, full, &at, swap, &flags) || flags.type != MI_UINT32 ||
        flags.bytes != 8)
        return "a variable without its array flags";
    const unsigned cls = rd32(b + flags.data, swap) & 0xffu;
    /* A function handle is never a signal, and matio 1.5 leaks on more broken ones than
     * the nesting rules below catch (reader_mat fuzz harness, twice): refused whole. */
    if (cls == MX_FUNCTION)
        return "a function handle (not data; matio cannot be trusted to read a broken one)";
    if (next_elem(b, have, full, &at, swap, &dims) || dims.type != MI_INT32 ||
        dims.bytes % 4 || dims.bytes < 8 || dims.bytes > 4 * 32 || dims.data + dims.bytes > have)
        return "a variable with no dimensions, or more than 32";
    uint64_t nelem = 1;
    for (uint32_t k = 0; k < dims.bytes / 4; k++) {
        const int32_t d = (int32_t)rd32(b + dims.data + 4 * k, swap);
        if (d < 0)
            return "a negative dimension";
        nelem = d == 0 || nelem == 0 ? 0 : nelem * (uint64_t)d;
        if (nelem > ((uint64_t)1 << 40))
            return "dimensions of more than 2^40 elements";
    }
    if (next_elem(b, have, full, &at, swap, &name) || name.type != MI_INT8)
        return "a variable without its name";
    if (nests(cls)) {
        if (have < full)
            return "internal: a cell or struct not read whole";
        uint64_t n_nested = nelem;
        if (cls == MX_OBJECT) {
            elem class_name;
            if (next_elem(b, have, full, &at, swap, &class_name) || class_name.type != MI_INT8)
                return "an object without its class name";
        }
        if (cls == MX_STRUCT || cls == MX_OBJECT) {
            elem len, names;
            if (next_elem(b, have, full, &at, swap, &len) || len.type != MI_INT32 ||
                len.bytes != 4)
                return "a struct without its field-name length";
            const uint32_t l = rd32(b + len.data, swap);
            if (next_elem(b, have, full, &at, swap, &names) || names.type != MI_INT8)
                return "a struct without its field names";
            if (names.bytes && (l < 1 || l > 64 || names.bytes % l))
                return "a struct field-name length out of 1-64, or not dividing the names";
            n_nested = names.bytes ? nelem * (names.bytes / l) : 0;
        }
        if (n_nested > (full - at) / 8)
            return "more nested variables than the bytes hold";
        for (uint64_t i = 0; i < n_nested; i++) {
            elem e;
            if (next_elem(b, have, full, &at, swap, &e) || e.type != MI_MATRIX)
                return "a cell, struct field or function handle element that is no variable";
            const char *why = check_matrix(b + e.data, e.bytes, e.bytes, swap, depth + 1);
            if (why)
                return why;
        }
        return NULL;
    }
    if (cls < MX_CHAR || cls > MX_UINT64 || cls == MX_SPARSE || nelem == 0)
        return NULL; /* sparse, opaque objects: bounds only */
    elem data;
    if (next_elem(b, have, full, &at, swap, &data))
        return "a numeric variable without its data";
    const unsigned size = type_size(data.type);
    if (!size)
        return "an unknown data type";
    if ((uint64_t)data.bytes / size < nelem)
        return "fewer values in the data than the dimensions say";
    return NULL;
}

/* A miCOMPRESSED element inflated into *out (malloc'd), up to `limit` bytes, or only
 * its first `limit` when `prefix` (then *complete says whether that was all). */
static int inflate_all(const unsigned char *in, size_t n, size_t limit, unsigned char **out,
                       size_t *len, int *complete)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return -1;
    size_t cap = 1 << 16;
    unsigned char *buf = malloc(cap);
    int rc = buf ? Z_OK : Z_MEM_ERROR;
    z.next_in = (unsigned char *)in;
    z.avail_in = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
    *complete = 0;
    while (rc == Z_OK) {
        if (z.total_out == cap) {
            if (cap >= limit)
                break;
            size_t more = cap * 2 > limit ? limit : cap * 2;
            unsigned char *nb = realloc(buf, more);
            if (!nb) {
                rc = Z_MEM_ERROR;
                break;
            }
            buf = nb;
            cap = more;
        }
        z.next_out = buf + z.total_out;
        z.avail_out = (uInt)(cap - z.total_out);
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc == Z_BUF_ERROR && z.avail_in == 0)
            break; /* cut short: what came out is checked */
        if (rc == Z_BUF_ERROR)
            rc = Z_OK;
    }
    if (rc == Z_STREAM_END)
        *complete = 1;
    *len = z.total_out;
    inflateEnd(&z);
    if (rc == Z_MEM_ERROR || rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
        free(buf);
        return rc == Z_MEM_ERROR ? -2 : -1;
    }
    *out = buf;
    return 0;
}

ltr_io_status ltri_mat_check_v5(const char *path, ltr_io_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    unsigned char head[128];
    long size = -1;
    if (fread(head, 1, sizeof head, f) == sizeof head && fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 128) {
        fclose(f);
        return ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: truncated .mat header", path);
    }
    const int swap = head[126] == 'M' && head[127] == 'I';
    uint64_t at = 128;
    const char *why = NULL;
    ltr_io_status st = LTR_IO_OK;
    while (!why && st == LTR_IO_OK && at + 8 <= (uint64_t)size) {
        unsigned char tag[8];
        if (fseek(f, (long)at, SEEK_SET) != 0 || fread(tag, 1, 8, f) != 8)
            break;
        const uint32_t w0 = rd32(tag, swap);
        uint64_t bytes = w0 >> 16 ? 0 : rd32(tag + 4, swap);
        uint64_t len = w0 >> 16 ? 8 : w0 == MI_COMPRESSED ? 8 + bytes : 8 + ((bytes + 7) & ~7ull);
        if (at + 8 + bytes > (uint64_t)size) {
            /* matio reads a compressed variable cut short without a word. */
            st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                              "%s: truncated: a variable at byte %llu needs %llu bytes, the "
                              "file ends at %ld",
                              path, (unsigned long long)at, (unsigned long long)len, size);
            break;
        }
        if (!(w0 >> 16) && (w0 == MI_MATRIX || w0 == MI_COMPRESSED)) {
            /* A numeric variable's header is within its first bytes; a cell or struct is
             * read whole. */
            const size_t want = w0 == MI_COMPRESSED || bytes <= 65536 ? (size_t)bytes : 65536;
            unsigned char *raw = malloc(want ? want : 1);
            if (!raw || fread(raw, 1, want, f) != want) {
                st = ltri_io_fail(err, raw ? LTR_IO_ERR_READ : LTR_IO_ERR_MEMORY, 0,
                                  "%s: cannot read a variable at byte %llu", path,
                                  (unsigned long long)at);
                free(raw);
                break;
            }
            unsigned char *buf = raw;
            size_t have = want, full = (size_t)bytes;
            if (w0 == MI_COMPRESSED) {
                unsigned char *inf = NULL;
                size_t n_inf = 0;
                int complete = 0;
                /* The header first; a cell or struct in full. */
                int rc = inflate_all(raw, want, 65536, &inf, &n_inf, &complete);
                if (rc == 0 && !complete && n_inf >= 16) {
                    const unsigned cls = rd32(inf + 16, swap) & 0xffu; /* tag, flags tag, flags */
                    if (nests(cls)) {
                        free(inf);
                        inf = NULL;
                        rc = inflate_all(raw, want, LTRI_MAT_MAX_INFLATED, &inf, &n_inf,
                                         &complete);
                    }
                }
                free(raw);
                buf = inf;
                elem e;
                size_t p = 0;
                if (rc == -2)
                    st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
                else if (rc != 0 || n_inf < 8)
                    why = "compressed data that does not inflate";
                else if (!complete && n_inf == LTRI_MAT_MAX_INFLATED)
                    why = "more than 2 GiB once inflated";
                else if (next_elem(buf, n_inf, (size_t)-1, &p, swap, &e) ||
                         e.type != MI_MATRIX)
                    why = NULL; /* not a variable matio reads: it skips or refuses it */
                else {
                    /* The declared size is checked against what inflated. */
                    have = n_inf - e.data < e.bytes ? n_inf - e.data : e.bytes;
                    full = e.bytes;
                    if (have < full && complete)
                        why = "less data inflated than its tag says";
                    else
                        why = check_matrix(buf + e.data, have, full, swap, 0);
                }
            } else {
                if (have < full) { /* read the rest if it is a cell or a struct */
                    const unsigned cls = have >= 16 ? rd32(buf + 8, swap) & 0xffu : 0;
                    if (nests(cls)) {
                        unsigned char *all = realloc(buf, full);
                        if (!all || fread(all + have, 1, full - have, f) != full - have) {
                            free(all ? all : buf);
                            st = ltri_io_fail(err, LTR_IO_ERR_READ, 0,
                                              "%s: cannot read a variable at byte %llu", path,
                                              (unsigned long long)at);
                            break;
                        }
                        buf = all;
                        have = full;
                    }
                }
                why = check_matrix(buf, have, full, swap, 0);
            }
            free(buf);
            if (why && st == LTR_IO_OK)
                st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0,
                                  "%s: not a MATLAB .mat file matio can read safely: the "
                                  "variable at byte %llu: %s",
                                  path, (unsigned long long)at, why);
        }
        at += len;
    }
    fclose(f);
    return st;
}
