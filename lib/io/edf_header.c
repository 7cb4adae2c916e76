/*
 * Our own check of an EDF/BDF header, before EDFlib opens the file
 * (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * EDFlib refuses a bad header with one code (-3, "format error") whatever is
 * wrong. A person with a broken recording needs to know which field holds
 * what: so the header is read here first, field by field, with the rules
 * EDFlib applies (EDF: Kemp et al. 1992; EDF+: Kemp & Olivan 2003; BDF:
 * BioSemi), and the first field that breaks one is named with its value and
 * its byte offset (for a hex editor). What passes here EDFlib then opens; the
 * finer EDF+ subfield rules (patient and recording fields) are left to it.
 *
 * Layout: a 256-byte main header, then ns signal headers stored field by
 * field (ns labels, then ns transducers, ...), 256 bytes per signal in all;
 * then data records, each holding every signal's samples per record as
 * 2-byte (EDF) or 3-byte (BDF) little-endian integers.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io_internal.h"

#define EDF_MAX_SIGNALS 640                       /* EDFLIB_MAXSIGNALS of EDFlib 1.2x */
#define EDF_MAX_RECORD_BYTES (10LL * 1024 * 1024) /* EDFlib's limit for EDF ... */
#define BDF_MAX_RECORD_BYTES (15LL * 1024 * 1024) /* ... and for BDF */

typedef struct hdr {
    const char *path;
    ltr_io_error *err;
    const unsigned char *bytes; /* the whole header (256 * (ns + 1) bytes once known) */
    int ns, bdf, plus;
} hdr;

/* "<path>: not a valid EDF/BDF file: <what>". */
static ltr_io_status bad(const hdr *h, ltr_io_status status, const char *fmt, ...)
    LTRI_PRINTF(3, 4);
static ltr_io_status bad(const hdr *h, ltr_io_status status, const char *fmt, ...)
{
    char what[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return ltri_io_fail(h->err, status, 0, "%s: not a valid EDF/BDF file: %s", h->path, what);
}

/* Field text without its trailing spaces (the padding), NUL-terminated. */
static void text(const hdr *h, long off, int len, char *out)
{
    memcpy(out, h->bytes + off, (size_t)len);
    out[len] = '\0';
    for (int i = len - 1; i >= 0 && out[i] == ' '; i--)
        out[i] = '\0';
}

/* An integer as EDF writes it: [+-]digits, then only padding. */
static int parse_int(const char *s, long long *v)
{
    const char *p = s + (*s == '+' || *s == '-');
    if (*p < '0' || *p > '9')
        return 0;
    long long x = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        if ((x = x * 10 + (*p - '0')) > 999999999999LL)
            return 0;
    if (*p)
        return 0;
    *v = *s == '-' ? -x : x;
    return 1;
}

/* A number: [+-]digits[.digits][e[+-]digits], at least one digit before the exponent. */
static int parse_real(const char *s, double *v)
{
    const char *p = s + (*s == '+' || *s == '-');
    int digits = 0, dot = 0;
    for (; (*p >= '0' && *p <= '9') || *p == '.'; p++) {
        if (*p == '.' && dot++)
            return 0;
        digits += *p != '.';
    }
    if (!digits)
        return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        p += *p == '+' || *p == '-';
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    if (*p)
        return 0;
    *v = strtod(s, NULL);
    return 1;
}

/* Printable ASCII (32..126) only, as EDF requires of every header byte. */
static ltr_io_status printable(const hdr *h, long off, int len, const char *field)
{
    for (int i = 0; i < len; i++) {
        unsigned char c = h->bytes[off + i];
        if (c < 32 || c > 126)
            return bad(h, LTR_IO_ERR_FORMAT,
                       "the %s field (bytes %ld-%ld) holds byte 0x%02x at byte %ld; EDF headers "
                       "are printable ASCII",
                       field, off, off + len - 1, c, off + i);
    }
    return LTR_IO_OK;
}

static int two_digits(const unsigned char *p, int *v)
{
    if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
        return 0;
    *v = (p[0] - '0') * 10 + (p[1] - '0');
    return 1;
}

/* "dd.mm.yy" (date) or "hh.mm.ss" (time). */
static ltr_io_status date_time(const hdr *h, long off, int is_date)
{
    const unsigned char *p = h->bytes + off;
    int a, b, c;
    int ok = p[2] == '.' && p[5] == '.' && two_digits(p, &a) && two_digits(p + 3, &b) &&
             two_digits(p + 6, &c);
    if (ok && is_date)
        ok = a >= 1 && a <= 31 && b >= 1 && b <= 12;
    else if (ok)
        ok = a <= 23 && b <= 59 && c <= 59;
    if (ok)
        return LTR_IO_OK;
    char v[9];
    text(h, off, 8, v);
    return bad(h, LTR_IO_ERR_FORMAT, "the start %s (bytes %ld-%ld) is '%s', not %s",
               is_date ? "date" : "time", off, off + 7, v, is_date ? "dd.mm.yy" : "hh.mm.ss");
}

/* Offset of field `k` of signal i: the fields of all signals are stored one after another. */
static long sig_off(const hdr *h, int before, int width, int i)
{
    return 256L + (long)before * h->ns + (long)width * i;
}

/* "signal 2 (EMG3)" */
static void sig_name(const hdr *h, int i, char *out, size_t size)
{
    char label[17];
    text(h, sig_off(h, 0, 16, i), 16, label);
    snprintf(out, size, "signal %d (%s)", i, label[0] ? label : "no label");
}

static ltr_io_status check_signals(const hdr *h, long long *record_bytes)
{
    static const struct {
        const char *name;
        int before, width; /* bytes of the fields before it, per signal; its width */
    } fields[] = {
        {"label", 0, 16},       {"transducer", 16, 80},  {"physical dimension", 96, 8},
        {"physical minimum", 104, 8}, {"physical maximum", 112, 8},
        {"digital minimum", 120, 8},  {"digital maximum", 128, 8},
        {"prefilter", 136, 80}, {"samples per data record", 216, 8}, {"reserved", 224, 32},
    };
    const long long dig_lo = h->bdf ? -8388608 : -32768, dig_hi = h->bdf ? 8388607 : 32767;
    long long samples_total = 0;
    int annotations = 0;
    char name[64], v[81], w[81];
    for (int i = 0; i < h->ns; i++) {
        sig_name(h, i, name, sizeof name);
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            char what[96];
            snprintf(what, sizeof what, "%s %s", name, fields[f].name);
            ltr_io_status st = printable(h, sig_off(h, fields[f].before, fields[f].width, i),
                                         fields[f].width, what);
            if (st != LTR_IO_OK)
                return st;
        }
        char label[17];
        text(h, sig_off(h, 0, 16, i), 16, label);
        annotations += !strcmp(label, h->bdf ? "BDF Annotations" : "EDF Annotations");

        double pmin, pmax;
        long off = sig_off(h, 104, 8, i);
        text(h, off, 8, v);
        if (!parse_real(v, &pmin))
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the physical minimum (bytes %ld-%ld) is '%s', "
                       "not a number", name, off, off + 7, v);
        off = sig_off(h, 112, 8, i);
        text(h, off, 8, w);
        if (!parse_real(w, &pmax))
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the physical maximum (bytes %ld-%ld) is '%s', "
                       "not a number", name, off, off + 7, w);
        if (pmin == pmax)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the physical minimum and maximum are both %s: "
                       "no scale from digital values to %s", name, v,
                       "physical units");

        long long dmin, dmax;
        off = sig_off(h, 120, 8, i);
        text(h, off, 8, v);
        if (!parse_int(v, &dmin) || dmin < dig_lo || dmin > dig_hi)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the digital minimum (bytes %ld-%ld) is '%s', "
                       "not a whole number in %lld..%lld (%s)", name, off, off + 7, v, dig_lo,
                       dig_hi, h->bdf ? "BDF: 24 bits" : "EDF: 16 bits");
        off = sig_off(h, 128, 8, i);
        text(h, off, 8, w);
        if (!parse_int(w, &dmax) || dmax < dig_lo || dmax > dig_hi)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the digital maximum (bytes %ld-%ld) is '%s', "
                       "not a whole number in %lld..%lld (%s)", name, off, off + 7, w, dig_lo,
                       dig_hi, h->bdf ? "BDF: 24 bits" : "EDF: 16 bits");
        if (dmax <= dmin)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the digital minimum is %lld and the maximum "
                       "%lld: the maximum must be larger", name, dmin, dmax);

        long long n;
        off = sig_off(h, 216, 8, i);
        text(h, off, 8, v);
        if (!parse_int(v, &n) || n < 1)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: the samples per data record (bytes %ld-%ld) "
                       "are '%s', not a whole number >= 1", name, off, off + 7, v);
        const long long limit = h->bdf ? BDF_MAX_RECORD_BYTES : EDF_MAX_RECORD_BYTES;
        if (n * (h->bdf ? 3 : 2) > limit)
            return bad(h, LTR_IO_ERR_FORMAT, "%s: %lld samples per data record make records of "
                       "more than %lld MB, the most EDFlib reads: a corrupt field?", name, n,
                       limit / (1024 * 1024));
        samples_total += n;
    }
    if (h->plus && annotations == 0)
        return bad(h, LTR_IO_ERR_FORMAT, "an %s file (reserved field, bytes 192-235) without an "
                   "'%s Annotations' signal", h->bdf ? "BDF+" : "EDF+", h->bdf ? "BDF" : "EDF");
    *record_bytes = samples_total * (h->bdf ? 3 : 2);
    const long long limit = h->bdf ? BDF_MAX_RECORD_BYTES : EDF_MAX_RECORD_BYTES;
    if (*record_bytes > limit)
        return bad(h, LTR_IO_ERR_FORMAT, "the %d signals' samples per data record make records "
                   "of %lld bytes, more than the %lld MB EDFlib reads", h->ns, *record_bytes,
                   limit / (1024 * 1024));
    return LTR_IO_OK;
}

ltr_io_status ltri_edf_check_header(const char *path, ltr_io_error *err)
{
    unsigned char main_hdr[256];
    hdr h = {path, err, main_hdr, 0, 0, 0};
    FILE *f = fopen(path, "rb");
    if (!f)
        return ltri_io_fail(err, LTR_IO_ERR_OPEN, 0, "%s: %s", path, strerror(errno));
    struct stat sb;
    long long size = fstat(fileno(f), &sb) == 0 ? (long long)sb.st_size : -1;
    size_t got = fread(main_hdr, 1, sizeof main_hdr, f);
    if (got < sizeof main_hdr) {
        fclose(f);
        return bad(&h, LTR_IO_ERR_FORMAT, "%zu bytes, shorter than the 256-byte header", got);
    }

    /* Version: "0" (EDF), or 0xFF "BIOSEMI" (BDF). */
    if (main_hdr[0] == 0xff && !memcmp(main_hdr + 1, "BIOSEMI", 7)) {
        h.bdf = 1;
    } else if (memcmp(main_hdr, "0       ", 8) != 0) {
        char v[40] = "";
        int len = 8;
        while (len > 0 && main_hdr[len - 1] == ' ')
            len--;
        for (int i = 0; i < len; i++) {
            size_t k = strlen(v);
            if (main_hdr[i] >= 32 && main_hdr[i] <= 126)
                v[k] = (char)main_hdr[i];
            else
                snprintf(v + k, sizeof v - k, "\\x%02x", main_hdr[i]);
        }
        fclose(f);
        return bad(&h, LTR_IO_ERR_FORMAT, "the version (bytes 0-7) is '%s', not '0' (EDF) or "
                   "0xff 'BIOSEMI' (BDF)", v);
    }
    static const struct {
        const char *name;
        long off;
        int len;
    } fields[] = {
        {"patient", 8, 80},          {"recording", 88, 80},
        {"start date", 168, 8},      {"start time", 176, 8},
        {"header size", 184, 8},     {"reserved", 192, 44},
        {"number of data records", 236, 8}, {"data record duration", 244, 8},
        {"number of signals", 252, 4},
    };
    ltr_io_status st = LTR_IO_OK;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0] && st == LTR_IO_OK; i++)
        st = printable(&h, fields[i].off, fields[i].len, fields[i].name);
    if (st == LTR_IO_OK)
        st = date_time(&h, 168, 1);
    if (st == LTR_IO_OK)
        st = date_time(&h, 176, 0);
    if (st != LTR_IO_OK) {
        fclose(f);
        return st;
    }
    h.plus = !memcmp(main_hdr + 192, h.bdf ? "BDF+" : "EDF+", 4);

    char v[16];
    long long ns = 0, header_bytes = 0, records = 0;
    double duration = 0.0;
    text(&h, 252, 4, v);
    int ns_ok = parse_int(v, &ns);
    if (!ns_ok || ns < 1 || ns > EDF_MAX_SIGNALS)
        st = bad(&h, LTR_IO_ERR_FORMAT, "the number of signals (bytes 252-255) is '%s'%s", v,
                 !ns_ok   ? ", not a whole number"
                 : ns < 1 ? ": a recording needs at least one"
                          : ": EDFlib reads at most 640");
    if (st == LTR_IO_OK) {
        h.ns = (int)ns;
        text(&h, 184, 8, v);
        if (!parse_int(v, &header_bytes))
            st = bad(&h, LTR_IO_ERR_FORMAT, "the header size (bytes 184-191) is '%s', not a "
                     "whole number", v);
        else if (header_bytes != 256 * (ns + 1))
            st = bad(&h, LTR_IO_ERR_FORMAT, "the header size (bytes 184-191) is %lld bytes, but "
                     "%lld signal%s (bytes 252-255) make%s a header of %lld bytes: one of the "
                     "two fields is wrong", header_bytes, ns, ns == 1 ? "" : "s",
                     ns == 1 ? "s" : "", 256 * (ns + 1));
    }
    if (st == LTR_IO_OK) {
        text(&h, 236, 8, v);
        if (!parse_int(v, &records))
            st = bad(&h, LTR_IO_ERR_FORMAT, "the number of data records (bytes 236-243) is "
                     "'%s', not a whole number", v);
        else if (records == -1)
            st = bad(&h, LTR_IO_ERR_FORMAT, "the number of data records (bytes 236-243) is -1: "
                     "the recording was never finished (the recorder stopped before writing "
                     "it)");
        else if (records < 1)
            st = bad(&h, LTR_IO_ERR_FORMAT, "the number of data records (bytes 236-243) is "
                     "%lld: %s", records, records == 0 ? "no samples" : "it cannot be negative");
    }
    if (st == LTR_IO_OK) {
        text(&h, 244, 8, v);
        if (!parse_real(v, &duration))
            st = bad(&h, LTR_IO_ERR_FORMAT, "the data record duration (bytes 244-251) is '%s', "
                     "not a number of seconds", v);
        else if (duration < 0)
            st = bad(&h, LTR_IO_ERR_FORMAT, "the data record duration (bytes 244-251) is %s s: "
                     "it cannot be negative", v);
        else if (duration == 0)
            st = bad(&h, LTR_IO_ERR_RATE, "the data record duration (bytes 244-251) is %s s: "
                     "no sample rate can be derived from it", v);
    }
    if (st != LTR_IO_OK) {
        fclose(f);
        return st;
    }

    /* The signal headers. */
    const long hsize = 256L * (long)(ns + 1);
    unsigned char *all = malloc((size_t)hsize);
    if (!all) {
        fclose(f);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    memcpy(all, main_hdr, 256);
    got = fread(all + 256, 1, (size_t)(hsize - 256), f);
    fclose(f);
    if ((long)got < hsize - 256) {
        free(all);
        return bad(&h, LTR_IO_ERR_FORMAT, "the file ends inside the signal headers: %lld bytes, "
                   "where %lld signal%s need%s a header of %ld", (long long)(256 + got), ns,
                   ns == 1 ? "" : "s", ns == 1 ? "s" : "", hsize);
    }
    h.bytes = all;
    long long record_bytes = 0;
    st = check_signals(&h, &record_bytes);
    free(all);
    if (st != LTR_IO_OK || size < 0)
        return st;

    /* The data: records * record size after the header, to the byte. */
    const long long want = hsize + records * record_bytes;
    if (size < want) {
        long long whole = (size - hsize) / record_bytes;
        return bad(&h, LTR_IO_ERR_FORMAT, "truncated: the header announces %lld data records "
                   "of %lld bytes (%lld bytes with the header), the file has %lld bytes "
                   "(%lld whole record%s)", records, record_bytes, want, size, whole,
                   whole == 1 ? "" : "s");
    }
    if (size > want)
        return bad(&h, LTR_IO_ERR_FORMAT, "the file has %lld bytes, %lld more than the %lld "
                   "data records of %lld bytes its header announces (bytes 236-243): a wrong "
                   "record count, or data appended", size, size - want, records, record_bytes);
    return LTR_IO_OK;
}
