/*
 * Scores as text for people and JSON for programs. The caller owns the FILE*.
 * Numbers use the C locale's decimal point (the library never calls setlocale).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "ltr/ltr_eval.h"

#include <math.h>

/* "%.*f" of x * scale, or "n/a" (text) / "null" (JSON) for NaN. */
static int put_num(FILE *f, double x, double scale, int prec, int width, const char *none)
{
    if (isnan(x))
        return fprintf(f, "%*s", width, none);
    return fprintf(f, "%*.*f", width, prec, x * scale);
}

#define TRY(expr)                      \
    do {                               \
        if ((expr) < 0)                \
            return LTR_EVAL_ERR_IO;    \
    } while (0)

ltr_eval_status ltr_eval_write_text(FILE *f, const ltr_eval_result *r, const char *title)
{
    if (f == NULL || r == NULL)
        return LTR_EVAL_ERR_NULL;
    if (title != NULL)
        TRY(fprintf(f, "%s\n", title));
    TRY(fprintf(f, "  twitches %zu, detections %zu, tolerance %.0f ms\n", r->n_truth,
                r->n_detections, r->tolerance_s * 1000.0));
    TRY(fprintf(f, "  TP %zu  FP %zu  FN %zu\n", r->tp, r->fp, r->fn));
    TRY(fprintf(f, "  sensitivity "));
    TRY(put_num(f, r->sensitivity, 1.0, 3, 0, "n/a"));
    TRY(fprintf(f, "  PPV "));
    TRY(put_num(f, r->ppv, 1.0, 3, 0, "n/a"));
    TRY(fprintf(f, "  F1 "));
    TRY(put_num(f, r->f1, 1.0, 3, 0, "n/a"));
    TRY(fprintf(f, "\n  onset error ms: median "));
    TRY(put_num(f, r->onset_error_median_s, 1000.0, 1, 0, "n/a"));
    TRY(fprintf(f, ", |median| "));
    TRY(put_num(f, r->onset_error_abs_median_s, 1000.0, 1, 0, "n/a"));
    TRY(fprintf(f, ", |p95| "));
    TRY(put_num(f, r->onset_error_abs_p95_s, 1000.0, 1, 0, "n/a"));
    TRY(fprintf(f, "\n  latency ms (%zu): median ", r->n_latency));
    TRY(put_num(f, r->latency_median_s, 1000.0, 1, 0, "n/a"));
    TRY(fprintf(f, ", p95 "));
    TRY(put_num(f, r->latency_p95_s, 1000.0, 1, 0, "n/a"));
    TRY(fprintf(f, "\n  false positives by kind:"));
    int any = 0;
    for (unsigned k = 1; k < LTR_EVAL_N_KINDS; k++) {
        if (r->kind_total[k] == 0 && r->fp_by_kind[k] == 0)
            continue;
        TRY(fprintf(f, " %s %zu (%zu of %zu hit)", ltr_eval_kind_name((ltr_eval_kind)k),
                    r->fp_by_kind[k], r->kind_hit[k], r->kind_total[k]));
        any = 1;
    }
    TRY(fprintf(f, "%s unexplained %zu\n", any ? "," : "", r->fp_unexplained));
    return LTR_EVAL_OK;
}

ltr_eval_status ltr_eval_write_table_header(FILE *f)
{
    if (f == NULL)
        return LTR_EVAL_ERR_NULL;
    TRY(fprintf(f, "%-18s %5s %5s %4s %4s %4s %6s %6s %6s %8s %8s %8s %8s %8s  %s\n", "scenario",
                "true", "det", "TP", "FP", "FN", "sens", "PPV", "F1", "err_med", "|err|50",
                "|err|95", "lat_med", "lat_p95", "FP by kind"));
    return LTR_EVAL_OK;
}

ltr_eval_status ltr_eval_write_table_row(FILE *f, const char *name, const ltr_eval_result *r)
{
    if (f == NULL || r == NULL)
        return LTR_EVAL_ERR_NULL;
    TRY(fprintf(f, "%-18s %5zu %5zu %4zu %4zu %4zu ", name != NULL ? name : "", r->n_truth,
                r->n_detections, r->tp, r->fp, r->fn));
    TRY(put_num(f, r->sensitivity, 1.0, 3, 6, "n/a"));
    TRY(fputc(' ', f));
    TRY(put_num(f, r->ppv, 1.0, 3, 6, "n/a"));
    TRY(fputc(' ', f));
    TRY(put_num(f, r->f1, 1.0, 3, 6, "n/a"));
    const double ms[5] = {r->onset_error_median_s, r->onset_error_abs_median_s,
                          r->onset_error_abs_p95_s, r->latency_median_s, r->latency_p95_s};
    for (int i = 0; i < 5; i++) {
        TRY(fputc(' ', f));
        TRY(put_num(f, ms[i], 1000.0, 1, 8, "n/a"));
    }
    TRY(fputs(" ", f));
    int any = 0;
    for (unsigned k = 1; k < LTR_EVAL_N_KINDS; k++) {
        if (r->fp_by_kind[k] == 0)
            continue;
        TRY(fprintf(f, " %s:%zu", ltr_eval_kind_name((ltr_eval_kind)k), r->fp_by_kind[k]));
        any = 1;
    }
    if (r->fp_unexplained > 0 || !any)
        TRY(fprintf(f, " none:%zu", r->fp_unexplained));
    TRY(fputc('\n', f));
    return LTR_EVAL_OK;
}

static int json_num(FILE *f, const char *key, double x)
{
    if (isnan(x) || isinf(x))
        return fprintf(f, "\"%s\": null", key);
    return fprintf(f, "\"%s\": %.9g", key, x);
}

static int json_string(FILE *f, const char *s)
{
    if (fputc('"', f) == EOF)
        return -1;
    for (; *s; s++) {
        const unsigned char c = (unsigned char)*s;
        int r;
        if (c == '"' || c == '\\')
            r = fprintf(f, "\\%c", c);
        else if (c < 0x20)
            r = fprintf(f, "\\u%04x", c);
        else
            r = fputc(c, f) == EOF ? -1 : 0;
        if (r < 0)
            return -1;
    }
    return fputc('"', f) == EOF ? -1 : 0;
}

ltr_eval_status ltr_eval_write_json(FILE *f, const ltr_eval_result *r, const char *name)
{
    if (f == NULL || r == NULL)
        return LTR_EVAL_ERR_NULL;
    TRY(fputc('{', f) == EOF ? -1 : 0);
    if (name != NULL) {
        TRY(fprintf(f, "\"name\": "));
        TRY(json_string(f, name));
        TRY(fprintf(f, ", "));
    }
    TRY(json_num(f, "tolerance_s", r->tolerance_s));
    TRY(fprintf(f, ", \"n_truth\": %zu, \"n_detections\": %zu, \"tp\": %zu, \"fp\": %zu, "
                   "\"fn\": %zu, ",
                r->n_truth, r->n_detections, r->tp, r->fp, r->fn));
    TRY(json_num(f, "sensitivity", r->sensitivity));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "ppv", r->ppv));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "f1", r->f1));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "onset_error_median_s", r->onset_error_median_s));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "onset_error_abs_median_s", r->onset_error_abs_median_s));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "onset_error_abs_p95_s", r->onset_error_abs_p95_s));
    TRY(fprintf(f, ", \"n_latency\": %zu, ", r->n_latency));
    TRY(json_num(f, "latency_median_s", r->latency_median_s));
    TRY(fprintf(f, ", "));
    TRY(json_num(f, "latency_p95_s", r->latency_p95_s));
    TRY(fprintf(f, ", \"by_kind\": {"));
    for (unsigned k = 1; k < LTR_EVAL_N_KINDS; k++) {
        TRY(fprintf(f, "%s\"%s\": {\"total\": %zu, \"fp\": %zu, \"hit\": %zu}", k > 1 ? ", " : "",
                    ltr_eval_kind_name((ltr_eval_kind)k), r->kind_total[k], r->fp_by_kind[k],
                    r->kind_hit[k]));
    }
    TRY(fprintf(f, "}, \"fp_unexplained\": %zu}", r->fp_unexplained));
    return LTR_EVAL_OK;
}
