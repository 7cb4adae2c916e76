/*
 * Reading the real recordings of ../shared/data (test helper). See real_io.h.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "real_io.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *s = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (cap - n < 65536) {
            cap = 2 * cap + 65536;
            char *g = realloc(s, cap + 1);
            if (!g) {
                free(s);
                fclose(f);
                return NULL;
            }
            s = g;
        }
        const size_t got = fread(s + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    s[n] = '\0';
    *len = n;
    return s;
}

static int is_sep(char c)
{
    return c == ',' || c == '\t' || c == ' ' || c == '\r';
}

int real_table_read(const char *path, real_table *t)
{
    memset(t, 0, sizeof *t);
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text)
        return -1;
    size_t cap = 0;
    for (char *line = text; *line;) {
        char *eol = strchr(line, '\n');
        if (eol)
            *eol = '\0';
        char *p = line;
        while (is_sep(*p))
            p++;
        char *end = p;
        if (*p != '#' && *p != '\0' && (strtod(p, &end), end != p)) {
            size_t nc = 0;
            while (*p) {
                const double v = strtod(p, &end);
                if (end == p)
                    goto bad; /* text in a data row */
                if (t->rows * t->cols + nc >= cap) {
                    cap = 2 * cap + 4096;
                    double *g = realloc(t->v, cap * sizeof *g);
                    if (!g)
                        goto bad;
                    t->v = g;
                }
                t->v[t->rows * t->cols + nc++] = v;
                p = end;
                while (is_sep(*p))
                    p++;
                if (t->rows == 0)
                    t->cols = nc; /* the first data row sets the width */
            }
            if (nc != t->cols)
                goto bad;
            t->rows++;
        }
        if (!eol)
            break;
        line = eol + 1;
    }
    free(text);
    return t->rows > 0 ? 0 : (real_table_free(t), -1);
bad:
    fprintf(stderr, "%s: malformed row %zu\n", path, t->rows + 1);
    free(text);
    real_table_free(t);
    return -1;
}

void real_table_free(real_table *t)
{
    free(t->v);
    memset(t, 0, sizeof *t);
}

float *real_table_column(const real_table *t, size_t col, double offset)
{
    float *x = malloc((t->rows ? t->rows : 1) * sizeof *x);
    if (!x)
        return NULL;
    for (size_t i = 0; i < t->rows; i++)
        x[i] = (float)(t->v[i * t->cols + col] - offset);
    return x;
}

int real_wfdb_read(const char *hea, real_wfdb *rec)
{
    memset(rec, 0, sizeof *rec);
    size_t len = 0;
    char *text = slurp(hea, &len);
    if (!text)
        return -1;
    /* record line: name n_signals fs n_samples; then one line per signal:
     * file format gain[(baseline)][/units] adc_res adc_zero init_value ... */
    char name[256], file[256], gain_s[64];
    int n_sig = 0, format = 0, adc_res = 0, adc_zero = 0, init = 0;
    unsigned long n_samples = 0;
    char *line2 = strchr(text, '\n');
    const int ok = sscanf(text, "%255s %d %lf %lu", name, &n_sig, &rec->fs_hz, &n_samples) == 4 &&
                   line2 && sscanf(line2 + 1, "%255s %d %63s %d %d %d", file, &format, gain_s,
                                   &adc_res, &adc_zero, &init) == 6;
    free(text);
    if (!ok || n_sig != 1 || format != 16 || rec->fs_hz <= 0.0) {
        fprintf(stderr, "%s: not a one-signal WFDB format-16 header\n", hea);
        return -1;
    }
    char *p = gain_s;
    rec->gain_per_unit = strtod(gain_s, &p);
    rec->baseline = adc_zero;
    if (*p == '(')
        rec->baseline = strtod(p + 1, &p), p += *p == ')';
    if (*p == '/')
        snprintf(rec->units, sizeof rec->units, "%s", p + 1);
    if (rec->gain_per_unit <= 0.0)
        rec->gain_per_unit = 200.0; /* WFDB: a zero gain means the default, 200 adu/unit */

    char dat[4096];
    snprintf(dat, sizeof dat, "%s", hea);
    char *slash = strrchr(dat, '/');
    snprintf(slash ? slash + 1 : dat, sizeof dat - (size_t)(slash ? slash + 1 - dat : 0), "%s",
             file);
    unsigned char *raw = (unsigned char *)slurp(dat, &len);
    if (!raw || len != 2 * (size_t)n_samples) {
        fprintf(stderr, "%s: %zu bytes for %lu samples\n", dat, len, n_samples);
        free(raw);
        return -1;
    }
    rec->n = n_samples;
    rec->counts = malloc(rec->n * sizeof *rec->counts);
    if (!rec->counts) {
        free(raw);
        return -1;
    }
    for (size_t i = 0; i < rec->n; i++)
        rec->counts[i] = (int16_t)(uint16_t)(raw[2 * i] | (unsigned)raw[2 * i + 1] << 8);
    free(raw);
    if (rec->counts[0] != init) {
        fprintf(stderr, "%s: first sample %d, header says %d\n", dat, rec->counts[0], init);
        real_wfdb_free(rec);
        return -1;
    }
    return 0;
}

void real_wfdb_free(real_wfdb *rec)
{
    free(rec->counts);
    memset(rec, 0, sizeof *rec);
}
