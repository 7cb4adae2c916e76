/*
 * Text recordings: CSV, TSV, semicolon- or whitespace-separated numbers
 * (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * One frame a line. Lines starting with '#' or '%' are comments; blank lines
 * are skipped. The first other line is a header of column names if one of its
 * fields is not a number (or as told). The sample rate comes, in this order,
 * from the option, from a time column (seconds; the rate is derived from the
 * first rows and every later interval is checked against it, so a gap or a
 * jitter is an error with its line number), or from a comment such as
 * "# fs=2048 Hz" or OpenSignals' "# Sampling Rate (Hz):= 1000.00". Every
 * sample must be a finite number: text, NaN, Inf and empty fields are errors
 * naming the line and column (unless allow_nonfinite). Only the selected
 * columns are parsed. Memory is constant: one line at a time, plus the first
 * rows kept while the rate is derived.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

/* Rows kept to derive the rate from a time column. */
#define RATE_ROWS 1000u
/* An interval may differ from the derived one by this fraction of it (printed
 * times are rounded: 5 decimals at 2 kHz is a 2% jitter). */
#define INTERVAL_TOLERANCE 0.3
/* Longest line (a text file of 32 channels needs far less). */
#define MAX_LINE (1u << 20)

typedef struct text_impl {
    FILE *f;
    char *line;
    size_t cap;
    uint64_t line_no;
    char delim;            /* ',', '\t', ';' or ' ' (runs of blanks) */
    unsigned n_cols;
    int time_col;          /* -1: none */
    int check_times;       /* the rate came from the time column: check every interval */
    unsigned *chan_col;    /* channel -> column */
    char **fields;         /* n_cols + 1 field pointers into line */
    /* Rows read at open (while deriving the rate), returned first. */
    char **pending;
    uint64_t *pending_line;
    size_t n_pending, pending_pos;
    double dt, t_prev;
    int have_prev;
    int allow_nonfinite;
    int eof;
    int is_stream;         /* not a regular file: return line by line */
} text_impl;

/* Next line that is neither blank nor a comment; NULL at the end. Comments go to meta. */
typedef void (*comment_fn)(void *ctx, const char *comment);

static int next_line(ltr_io_reader *r, text_impl *t, char **out, comment_fn on_comment,
                     void *ctx)
{
    for (;;) {
        errno = 0;
        ssize_t len = getline(&t->line, &t->cap, t->f);
        if (len < 0) {
            if (ferror(t->f))
                return ltri_io_fail(&r->err, LTR_IO_ERR_READ, t->line_no, "%s: read error: %s",
                                    r->name, strerror(errno ? errno : EIO));
            *out = NULL;
            return LTR_IO_OK;
        }
        t->line_no++;
        if ((size_t)len != strlen(t->line))
            return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, t->line_no,
                                "%s:%llu: binary data (a NUL byte): not a text file", r->name,
                                (unsigned long long)t->line_no);
        if ((size_t)len > MAX_LINE)
            return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, t->line_no,
                                "%s:%llu: line longer than %u bytes", r->name,
                                (unsigned long long)t->line_no, MAX_LINE);
        while (len > 0 && (t->line[len - 1] == '\n' || t->line[len - 1] == '\r'))
            t->line[--len] = '\0';
        char *p = t->line;
        if (t->line_no == 1 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3; /* UTF-8 byte order mark */
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\0')
            continue;
        if (*p == '#' || *p == '%') {
            if (on_comment)
                on_comment(ctx, p + 1);
            continue;
        }
        *out = p;
        return LTR_IO_OK;
    }
}

/* Split s in place at delim (' ': runs of blanks), honouring "quoted" fields.
 * Stores up to max pointers; returns the field count. */
static unsigned split(char *s, char delim, char **fields, unsigned max)
{
    unsigned n = 0;
    char *p = s;
    for (;;) {
        if (delim == ' ')
            while (*p == ' ' || *p == '\t')
                p++;
        if (delim == ' ' && *p == '\0')
            break;
        char *start = p;
        if (*p == '"') {
            /* "a ""quoted"" field": unquote in place */
            char *w = p;
            p++;
            while (*p) {
                if (*p == '"' && p[1] == '"') {
                    *w++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    *w++ = *p++;
                }
            }
            char *end = w;
            while (*p && !(delim == ' ' ? (*p == ' ' || *p == '\t') : *p == delim))
                p++;
            *end = '\0';
        } else {
            while (*p && !(delim == ' ' ? (*p == ' ' || *p == '\t') : *p == delim))
                p++;
        }
        int more = *p != '\0';
        if (more)
            *p++ = '\0';
        if (n < max)
            fields[n] = start;
        n++;
        if (!more)
            break;
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* 1 if s is a number (strtod syntax, blanks around allowed). */
static int parse_number(const char *s, double *v)
{
    char *end;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return 0;
    errno = 0;
    *v = strtod(s, &end);
    if (end == s)
        return 0;
    while (*end == ' ' || *end == '\t')
        end++;
    return *end == '\0';
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of v[0..n) (sorts v). */
static double median_of(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static char sniff_delimiter(const char *line)
{
    if (strchr(line, '\t'))
        return '\t';
    if (strchr(line, ','))
        return ',';
    if (strchr(line, ';'))
        return ';';
    return ' ';
}

static int is_time_name(const char *name)
{
    static const char *const names[] = {"time", "t", "time_s", "times", "timestamp",
                                        "time (s)", "time(s)", "time [s]", "time[s]",
                                        "seconds", "time_sec"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(name, names[i]))
            return 1;
    return 0;
}

/* What comments say about the recording. */
typedef struct text_meta {
    double rate;
    char labels[1024];
    char unit[16];
} text_meta;

/* The number after the first '=' or ':' following `key` in the lower-cased comment. */
static int value_after(const char *lower, const char *orig, const char *key, double *v)
{
    const char *k = strstr(lower, key);
    if (!k)
        return 0;
    size_t klen = strlen(key);
    const char *p = orig + (k - lower) + klen;
    if (key[klen - 1] != '=') {
        /* "Sampling Rate (Hz):= 1000": skip to the '=' or ':' shortly after the key */
        const char *q = p;
        while (*q && *q != '=' && *q != ':' && q - p < 16)
            q++;
        if (*q != '=' && *q != ':')
            return 0;
        p = q;
    }
    while (*p == '=' || *p == ':' || *p == ' ' || *p == '\t')
        p++;
    char *end;
    double x = strtod(p, &end);
    if (end == p || !(x > 0) || !isfinite(x))
        return 0;
    *v = x;
    return 1;
}

static void on_comment(void *ctx, const char *comment)
{
    text_meta *m = ctx;
    char lower[512];
    size_t n = 0;
    for (; comment[n] && n + 1 < sizeof lower; n++)
        lower[n] = (char)tolower((unsigned char)comment[n]);
    lower[n] = '\0';
    if (n + 1 >= sizeof lower)
        return;
    double v;
    if (!(m->rate > 0) &&
        (value_after(lower, comment, "sampling rate", &v) ||
         value_after(lower, comment, "sampling_rate", &v) ||
         value_after(lower, comment, "sample rate", &v) ||
         value_after(lower, comment, "samplerate", &v) || value_after(lower, comment, "fs=", &v) ||
         value_after(lower, comment, "fs =", &v)))
        m->rate = v;
    const char *k;
    if ((k = strstr(lower, "labels:=")) != NULL)
        ltri_io_strlcpy(m->labels, comment + (k - lower) + 8, sizeof m->labels);
    if ((k = strstr(lower, "units:=")) != NULL) {
        char unit[64];
        ltri_io_strlcpy(unit, comment + (k - lower) + 7, sizeof unit);
        ltri_io_strlcpy(m->unit, trim(unit), sizeof m->unit);
    }
}

/* Parse the time field of a row line (a copy is split). */
static ltr_io_status row_time(ltr_io_reader *r, text_impl *t, char *line, uint64_t line_no,
                              double *time)
{
    unsigned n = split(line, t->delim, t->fields, t->n_cols + 1);
    if (n != t->n_cols)
        return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, line_no,
                            "%s:%llu: %u fields where the file has %u columns", r->name,
                            (unsigned long long)line_no, n, t->n_cols);
    if (!parse_number(t->fields[t->time_col], time) || !isfinite(*time))
        return ltri_io_fail(&r->err, LTR_IO_ERR_DATA, line_no,
                            "%s:%llu: time '%s' is not a finite number", r->name,
                            (unsigned long long)line_no, trim(t->fields[t->time_col]));
    return LTR_IO_OK;
}

static ltr_io_status check_time(ltr_io_reader *r, text_impl *t, double time, uint64_t line_no)
{
    if (t->have_prev) {
        double d = time - t->t_prev;
        if (!(d > 0))
            return ltri_io_fail(&r->err, LTR_IO_ERR_RATE, line_no,
                                "%s:%llu: time %.9g does not increase (previous %.9g)", r->name,
                                (unsigned long long)line_no, time, t->t_prev);
        if (fabs(d - t->dt) > INTERVAL_TOLERANCE * t->dt)
            return ltri_io_fail(&r->err, LTR_IO_ERR_RATE, line_no,
                                "%s:%llu: irregular sampling: interval %.6g s, expected %.6g s "
                                "(%.6g Hz); a gap or a jitter in the time column",
                                r->name, (unsigned long long)line_no, d, t->dt, 1.0 / t->dt);
    }
    t->t_prev = time;
    t->have_prev = 1;
    return LTR_IO_OK;
}

/* Parse one data line into frame[0..n_sel). */
static ltr_io_status parse_row(ltr_io_reader *r, text_impl *t, char *line, uint64_t line_no,
                               float *frame)
{
    unsigned n = split(line, t->delim, t->fields, t->n_cols + 1);
    if (n != t->n_cols)
        return ltri_io_fail(&r->err, LTR_IO_ERR_FORMAT, line_no,
                            "%s:%llu: %u fields where the file has %u columns", r->name,
                            (unsigned long long)line_no, n, t->n_cols);
    if (t->check_times) {
        double time;
        if (!parse_number(t->fields[t->time_col], &time) || !isfinite(time))
            return ltri_io_fail(&r->err, LTR_IO_ERR_DATA, line_no,
                                "%s:%llu: time '%s' is not a finite number", r->name,
                                (unsigned long long)line_no, trim(t->fields[t->time_col]));
        ltr_io_status st = check_time(r, t, time, line_no);
        if (st != LTR_IO_OK)
            return st;
    }
    for (unsigned k = 0; k < r->n_sel; k++) {
        unsigned col = t->chan_col[r->sel[k]];
        double v;
        const char *field = t->fields[col];
        int ok = parse_number(field, &v);
        if (!ok && t->allow_nonfinite && *trim(t->fields[col]) == '\0') {
            v = NAN;
            ok = 1;
        }
        /* samples are floats: a finite double beyond their range would become Inf */
        const int finite = isfinite(v) && isfinite((float)v);
        if (!ok || (!finite && !t->allow_nonfinite)) {
            char shown[48];
            ltri_io_strlcpy(shown, trim(t->fields[col]), sizeof shown);
            return ltri_io_fail(&r->err, LTR_IO_ERR_DATA, line_no,
                                "%s:%llu: column %u (%s): %s%s%s", r->name,
                                (unsigned long long)line_no, col + 1,
                                r->channels[r->sel[k]].name, *shown ? "'" : "empty field",
                                shown, !*shown ? "" : !ok ? "' is not a number"
                                          : isfinite(v) ? "' is beyond the range of a sample (float)"
                                                        : "' is not finite");
        }
        frame[k] = (float)v;
    }
    return LTR_IO_OK;
}

static ltr_io_status text_read(ltr_io_reader *r, float *frames, size_t max, size_t *n)
{
    text_impl *t = r->impl;
    size_t done = 0;
    ltr_io_status st = LTR_IO_OK;
    while (done < max && st == LTR_IO_OK) {
        char *line;
        uint64_t line_no;
        if (t->pending_pos < t->n_pending) {
            line = t->pending[t->pending_pos];
            line_no = t->pending_line[t->pending_pos];
            t->pending_pos++;
        } else {
            if (t->eof)
                break;
            st = next_line(r, t, &line, NULL, NULL);
            if (st != LTR_IO_OK)
                break;
            if (!line) {
                t->eof = 1;
                break;
            }
            line_no = t->line_no;
        }
        st = parse_row(r, t, line, line_no, frames + done * r->n_sel);
        if (st == LTR_IO_OK)
            done++;
        /* A pipe gives each frame as its line arrives: never wait for a full block. */
        if (t->is_stream && t->pending_pos >= t->n_pending)
            break;
    }
    *n = done;
    return st;
}

static void text_close(ltr_io_reader *r)
{
    text_impl *t = r->impl;
    if (!t)
        return;
    if (t->f)
        fclose(t->f);
    for (size_t i = 0; i < t->n_pending; i++)
        free(t->pending[i]);
    free(t->pending);
    free(t->pending_line);
    free(t->line);
    free(t->chan_col);
    free(t->fields);
    free(t);
}

static const ltri_reader_ops text_ops = {text_read, text_close};

/* Keep a copy of the current data line for later. */
static int keep_pending(text_impl *t, const char *line)
{
    char *copy = strdup(line);
    if (!copy)
        return 0;
    t->pending[t->n_pending] = copy;
    t->pending_line[t->n_pending] = t->line_no;
    t->n_pending++;
    return 1;
}

static ltr_io_status find_column(ltr_io_reader *r, char **names, unsigned n_cols, const char *key,
                                 int *col, ltr_io_error *err)
{
    for (unsigned c = 0; names && c < n_cols; c++)
        if (!strcasecmp(names[c], key)) {
            *col = (int)c;
            return LTR_IO_OK;
        }
    char *end;
    unsigned long v = strtoul(key, &end, 10);
    if (isdigit((unsigned char)key[0]) && !*end && v < n_cols) {
        *col = (int)v;
        return LTR_IO_OK;
    }
    return ltri_io_fail(err, LTR_IO_ERR_CHANNEL, 0, "%s: no time column '%s' (%u columns)",
                        r->name, key, n_cols);
}

ltr_io_status ltri_open_text(ltr_io_reader **out, int fd, int own_fd, const char *name,
                             const ltr_io_options *o, ltr_io_error *err)
{
    text_impl *t = calloc(1, sizeof *t);
    int fd2 = own_fd ? fd : dup(fd);
    FILE *f = fd2 >= 0 ? fdopen(fd2, "r") : NULL;
    if (!t || !f) {
        if (f)
            fclose(f);
        else if (fd2 >= 0)
            close(fd2);
        free(t);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: cannot open: %s", name,
                            strerror(errno));
    }
    t->f = f;
    t->time_col = -1;
    struct stat sb;
    t->is_stream = fstat(fd2, &sb) == 0 && !S_ISREG(sb.st_mode);
    t->allow_nonfinite = o->allow_nonfinite;

    ltr_io_reader tmp; /* for messages until the real reader exists */
    memset(&tmp, 0, sizeof tmp);
    tmp.name = (char *)(uintptr_t)name;
    text_meta meta;
    memset(&meta, 0, sizeof meta);
    char **names = NULL;
    char *header_copy = NULL;
    ltr_io_reader *r = NULL;
    ltr_io_status st;

    char *first = NULL;
    st = next_line(&tmp, t, &first, on_comment, &meta);
    if (st != LTR_IO_OK) {
        *err = tmp.err;
        goto fail;
    }
    if (!first) {
        st = ltri_io_fail(err, LTR_IO_ERR_FORMAT, 0, "%s: no data (empty, or only comments)", name);
        goto fail;
    }
    t->delim = o->text_delimiter ? o->text_delimiter : sniff_delimiter(first);

    /* The first line: its fields give the column count and maybe the names. */
    header_copy = strdup(first);
    if (!header_copy) {
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
        goto fail;
    }
    t->n_cols = split(header_copy, t->delim, NULL, 0);
    free(header_copy);
    header_copy = strdup(first);
    t->fields = calloc(t->n_cols + 1, sizeof *t->fields);
    names = calloc(t->n_cols, sizeof *names);
    t->pending = calloc(RATE_ROWS, sizeof *t->pending);
    t->pending_line = calloc(RATE_ROWS, sizeof *t->pending_line);
    if (!header_copy || !t->fields || !names || !t->pending || !t->pending_line) {
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
        goto fail;
    }
    split(header_copy, t->delim, names, t->n_cols);
    int header = o->text_header;
    if (header < 0) {
        header = 0;
        for (unsigned c = 0; c < t->n_cols; c++) {
            double v;
            if (!parse_number(names[c], &v))
                header = 1;
        }
    }
    uint64_t first_line_no = t->line_no;
    if (header) {
        for (unsigned c = 0; c < t->n_cols; c++)
            names[c] = trim(names[c]);
    } else {
        free(names);
        names = NULL;
        if (!keep_pending(t, first)) {
            st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
            goto fail;
        }
    }

    /* The time column. */
    const char *tc = o->text_time_column;
    if (tc && *tc && strcasecmp(tc, "none") != 0) {
        st = find_column(&tmp, names, t->n_cols, tc, &t->time_col, err);
        if (st != LTR_IO_OK)
            goto fail;
    } else if (!tc && names) {
        for (unsigned c = 0; c < t->n_cols && t->time_col < 0; c++)
            if (is_time_name(names[c]))
                t->time_col = (int)c;
    }
    unsigned n_chan = t->n_cols - (t->time_col >= 0 ? 1u : 0u);
    if (n_chan == 0) {
        st = ltri_io_fail(err, LTR_IO_ERR_CHANNEL, first_line_no,
                          "%s: no signal column (only a time column)", name);
        goto fail;
    }

    /* The rate. */
    double rate = 0.0;
    const char *rate_source = "";
    if (o->sample_rate_hz > 0) {
        rate = o->sample_rate_hz;
        rate_source = "option";
    } else if (t->time_col >= 0) {
        /* Derive it from the first rows, which are kept to be returned later. */
        double t0 = 0, tl = 0, prev = 0;
        size_t k = 0;
        double *intervals = malloc(RATE_ROWS * sizeof *intervals);
        if (!intervals) {
            st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
            goto fail;
        }
        while (t->n_pending < RATE_ROWS) {
            if (t->n_pending > k) {
                /* the first line was kept already (no header) */
            } else {
                char *line;
                st = next_line(&tmp, t, &line, NULL, NULL);
                if (st != LTR_IO_OK) {
                    *err = tmp.err;
                    free(intervals);
                    goto fail;
                }
                if (!line)
                    break;
                if (!keep_pending(t, line)) {
                    free(intervals);
                    st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
                    goto fail;
                }
            }
            char *copy = strdup(t->pending[k]);
            if (!copy) {
                free(intervals);
                st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
                goto fail;
            }
            double time = 0.0;
            st = row_time(&tmp, t, copy, t->pending_line[k], &time);
            free(copy);
            if (st != LTR_IO_OK) {
                *err = tmp.err;
                free(intervals);
                goto fail;
            }
            if (k == 0)
                t0 = time;
            else
                intervals[k - 1] = time - prev;
            prev = tl = time;
            k++;
        }
        /* The mean interval is exact for rounded times; but if one of the first intervals
         * is off (a gap), the median, so that the check names the right line. */
        size_t n_pos = 0; /* the median of the increasing steps: a step back is named below */
        double *steps = malloc(RATE_ROWS * sizeof *steps);
        for (size_t i = 0; steps && i + 1 < k; i++)
            if (intervals[i] > 0)
                steps[n_pos++] = intervals[i];
        double median = n_pos ? median_of(steps, n_pos) : 0.0;
        free(steps);
        int regular = 1;
        for (size_t i = 0; i + 1 < k; i++)
            if (fabs(intervals[i] - median) > INTERVAL_TOLERANCE * median)
                regular = 0;
        free(intervals);
        if (k < 2 || !(tl > t0) || !(median > 0)) {
            st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0,
                              "%s: cannot derive the sample rate from the time column '%s' "
                              "(%zu rows%s); give --rate",
                              name, names ? names[t->time_col] : "", k,
                              k >= 2 ? ", time does not increase" : "");
            goto fail;
        }
        t->dt = regular ? (tl - t0) / (double)(k - 1) : median;
        rate = 1.0 / t->dt;
        t->check_times = 1;
        rate_source = "time column";
    } else if (meta.rate > 0) {
        rate = meta.rate;
        rate_source = "comment";
    } else {
        st = ltri_io_fail(err, LTR_IO_ERR_RATE, 0,
                          "%s: no sample rate: no time column and none in the comments; give "
                          "--rate",
                          name);
        goto fail;
    }

    st = ltri_reader_alloc(&r, name, n_chan, err);
    if (st != LTR_IO_OK)
        goto fail;
    t->chan_col = calloc(n_chan, sizeof *t->chan_col);
    if (!t->chan_col) {
        st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", name);
        goto fail;
    }
    /* OpenSignals-style "# Labels:= a b c" names a headerless file's channels. */
    char *labels[LTR_MAX_CHANNELS];
    unsigned n_labels = 0;
    if (!names && meta.labels[0]) {
        n_labels = split(meta.labels, ' ', labels, LTR_MAX_CHANNELS);
        if (n_labels != n_chan)
            n_labels = 0;
    }
    for (unsigned c = 0, ch = 0; c < t->n_cols; c++) {
        if ((int)c == t->time_col)
            continue;
        t->chan_col[ch] = c;
        if (names && names[c][0])
            ltri_io_strlcpy(r->channels[ch].name, names[c], sizeof r->channels[ch].name);
        else if (n_labels && labels[ch][0])
            ltri_io_strlcpy(r->channels[ch].name, labels[ch], sizeof r->channels[ch].name);
        r->channels[ch].sample_rate_hz = rate;
        ltri_io_strlcpy(r->channels[ch].unit, meta.unit, sizeof r->channels[ch].unit);
        ch++;
    }
    free(names);
    free(header_copy);
    r->info.format = LTR_IO_FORMAT_TEXT;
    snprintf(r->info.format_name, sizeof r->info.format_name, "%s%s",
             t->delim == ',' ? "CSV" : t->delim == '\t' ? "TSV" : t->delim == ';' ? "CSV (;)"
                                                                                   : "text",
             header ? " with header" : "");
    ltri_io_strlcpy(r->info.rate_source, rate_source, sizeof r->info.rate_source);
    r->impl = t;
    r->ops = &text_ops;
    *out = r;
    return LTR_IO_OK;

fail:
    free(names);
    free(header_copy);
    if (r)
        ltr_io_reader_close(r);
    text_close(&(ltr_io_reader){.impl = t});
    return st;
}
