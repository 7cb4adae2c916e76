/*
 * Channels together: the covariance of a stream of frames, the common mode,
 * PCA and whitening, and where a twitch lies across channels. The
 * covariance is accumulated in double by cblas_dsyrk over blocks of frames
 * shifted by the first frame (no cancellation with large offsets); the
 * eigen-decomposition is LAPACK's dsyevd (divide and conquer).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cblas.h>
#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr_analysis.h"

#define BLOCK 256 /* frames per dsyrk call: 256 x 32 doubles = 64 KiB, in L2 */

struct ltr_covariance {
    unsigned c;
    uint64_t frames;
    double *shift, *sum, *xtx, *block;
    unsigned fill;
};

ltr_status ltr_covariance_create(ltr_covariance **cov, unsigned c)
{
    if (!cov)
        return LTR_ERR_NULL;
    *cov = NULL;
    if (c == 0 || c > LTR_MAX_CHANNELS)
        return LTR_ERR_ARGUMENT;
    ltr_covariance *v = calloc(1, sizeof *v);
    if (!v)
        return LTR_ERR_MEMORY;
    v->c = c;
    v->shift = calloc(c, sizeof(double));
    v->sum = calloc(c, sizeof(double));
    v->xtx = calloc((size_t)c * c, sizeof(double));
    v->block = malloc(sizeof(double) * BLOCK * c);
    if (!v->shift || !v->sum || !v->xtx || !v->block) {
        ltr_covariance_destroy(v);
        return LTR_ERR_MEMORY;
    }
    *cov = v;
    return LTR_OK;
}

void ltr_covariance_destroy(ltr_covariance *v)
{
    if (!v)
        return;
    free(v->shift);
    free(v->sum);
    free(v->xtx);
    free(v->block);
    free(v);
}

static void flush_block(ltr_covariance *v)
{
    if (v->fill == 0)
        return;
    /* xtx (upper) += B^T B, B being fill x c row-major. */
    cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, (int)v->c, (int)v->fill, 1.0, v->block,
                (int)v->c, 1.0, v->xtx, (int)v->c);
    v->fill = 0;
}

void ltr_covariance_push(ltr_covariance *v, const float *frames, size_t n)
{
    const unsigned c = v->c;
    for (size_t i = 0; i < n; i++) {
        const float *f = frames + i * c;
        int finite = 1;
        for (unsigned j = 0; j < c; j++)
            finite &= isfinite(f[j]) != 0;
        if (!finite)
            continue;
        if (v->frames == 0)
            for (unsigned j = 0; j < c; j++)
                v->shift[j] = f[j];
        double *row = v->block + (size_t)v->fill * c;
        for (unsigned j = 0; j < c; j++) {
            row[j] = f[j] - v->shift[j];
            v->sum[j] += row[j];
        }
        v->frames++;
        if (++v->fill == BLOCK)
            flush_block(v);
    }
}

uint64_t ltr_covariance_frames(const ltr_covariance *v)
{
    return v->frames;
}

ltr_status ltr_covariance_get(ltr_covariance *cv, double *out, double *mean)
{
    if (!cv || !out)
        return LTR_ERR_NULL;
    if (cv->frames < 2)
        return LTR_ERR_ARGUMENT;
    flush_block(cv); /* the frames still in the block */
    const unsigned c = cv->c;
    const double n = (double)cv->frames;
    for (unsigned i = 0; i < c; i++)
        for (unsigned j = i; j < c; j++) {
            double s = (cv->xtx[i * c + j] - cv->sum[i] * cv->sum[j] / n) / (n - 1.0);
            out[i * c + j] = out[j * c + i] = s;
        }
    if (mean)
        for (unsigned i = 0; i < c; i++)
            mean[i] = cv->shift[i] + cv->sum[i] / n;
    return LTR_OK;
}

double ltr_common_mode_fraction(const double *cov, unsigned c)
{
    double all = 0, trace = 0;
    for (unsigned i = 0; i < c; i++) {
        trace += cov[i * c + i];
        for (unsigned j = 0; j < c; j++)
            all += cov[i * c + j];
    }
    return trace > 0 ? all / (c * trace) : NAN;
}

void ltr_common_mode_remove(float *frames, size_t n, unsigned c)
{
    for (size_t i = 0; i < n; i++) {
        float *f = frames + i * c;
        double m = 0;
        for (unsigned j = 0; j < c; j++)
            m += f[j];
        m /= c;
        for (unsigned j = 0; j < c; j++)
            f[j] = (float)(f[j] - m);
    }
}

ltr_status ltr_pca(const double *cov, unsigned c, double *values, double *vectors, double *whitening)
{
    if (!cov || !values || !vectors)
        return LTR_ERR_NULL;
    if (c == 0 || c > LTR_MAX_CHANNELS)
        return LTR_ERR_ARGUMENT;
    double *a = malloc(sizeof(double) * c * c), *w = malloc(sizeof(double) * c);
    if (!a || !w) {
        free(a);
        free(w);
        return LTR_ERR_MEMORY;
    }
    memcpy(a, cov, sizeof(double) * c * c);
    /* Eigenvalues ascending in w, eigenvectors in the columns of a. */
    lapack_int info = LAPACKE_dsyevd(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)c, a, (lapack_int)c, w);
    if (info != 0) {
        free(a);
        free(w);
        return info < 0 ? LTR_ERR_ARGUMENT : LTR_ERR_MEMORY;
    }
    for (unsigned k = 0; k < c; k++) {
        unsigned src = c - 1 - k; /* decreasing order */
        values[k] = w[src];
        unsigned big = 0;
        for (unsigned i = 1; i < c; i++)
            if (fabs(a[i * c + src]) > fabs(a[big * c + src]))
                big = i;
        double sign = a[big * c + src] < 0 ? -1.0 : 1.0;
        for (unsigned i = 0; i < c; i++)
            vectors[i * c + k] = sign * a[i * c + src];
    }
    if (whitening) {
        const double eps = 1e-12 * (values[0] > 0 ? values[0] : 1.0);
        for (unsigned k = 0; k < c; k++) {
            double g = values[k] > eps ? 1.0 / sqrt(values[k] + eps) : 0.0;
            for (unsigned i = 0; i < c; i++)
                whitening[k * c + i] = g * vectors[i * c + k];
        }
    }
    free(a);
    free(w);
    return LTR_OK;
}

ltr_status ltr_spatial(const float *frames, size_t n, unsigned c, uint32_t mask,
                       ltr_spatial_result *out)
{
    if (!frames || !out)
        return LTR_ERR_NULL;
    if (n < 2 || c == 0 || c > LTR_MAX_CHANNELS)
        return LTR_ERR_ARGUMENT;
    if (mask == 0)
        mask = c == 32 ? 0xffffffffu : (1u << c) - 1u;
    memset(out, 0, sizeof *out);
    double best = -1, sum = 0, sum2 = 0;
    for (unsigned j = 0; j < c; j++) {
        if (!(mask >> j & 1u))
            continue;
        /* RMS about the mean: |x|^2 / n - mean^2, |x| by cblas_snrm2 on the strided channel. */
        double nrm = cblas_snrm2((int)n, frames + j, (int)c);
        double m = 0;
        for (size_t i = 0; i < n; i++)
            m += frames[i * c + j];
        m /= (double)n;
        double var = nrm * nrm / (double)n - m * m;
        double r = var > 0 && isfinite(var) ? sqrt(var) : 0.0;
        out->rms[j] = r;
        if (r > best) {
            best = r;
            out->peak_channel = j;
        }
    }
    for (unsigned j = 0; j < c; j++) {
        if (!(mask >> j & 1u))
            continue;
        double rel = best > 0 ? out->rms[j] / best : 0.0;
        out->relative[j] = rel;
        out->above_half += rel >= 0.5;
        sum += rel;
        sum2 += rel * rel;
    }
    out->spread = sum2 > 0 ? sum * sum / sum2 : 0.0;
    return LTR_OK;
}
