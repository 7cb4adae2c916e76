/*
 * Grouping twitches by their features: z-scored columns, then k-means
 * (Lloyd 1982) seeded by k-means++ (Arthur & Vassilvitskii 2007). The
 * squared distances of all rows to all centroids come from one cblas_dgemm
 * per iteration (|x|^2 + |c|^2 - 2 X C^T), the form that makes k-means a
 * matrix product. Deterministic: the seeding draws from a splitmix64
 * generator started at the caller's seed.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ltr/ltr_analysis.h"

void ltr_features_standardize(double *x, size_t n, unsigned d)
{
    if (!x || n == 0)
        return;
    for (unsigned j = 0; j < d; j++) {
        double s = 0, s2 = 0;
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i * d + j])) {
                s += x[i * d + j];
                m++;
            }
        double mean = m ? s / (double)m : 0.0;
        for (size_t i = 0; i < n; i++)
            if (isfinite(x[i * d + j]))
                s2 += (x[i * d + j] - mean) * (x[i * d + j] - mean);
        double sd = m > 1 ? sqrt(s2 / (double)(m - 1)) : 0.0;
        for (size_t i = 0; i < n; i++) {
            double v = x[i * d + j];
            x[i * d + j] = isfinite(v) && sd > 0 ? (v - mean) / sd : 0.0;
        }
    }
}

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *s)
{
    return (double)(splitmix64(s) >> 11) * 0x1.0p-53;
}

/* dist[i*k + j] = |x_i - c_j|^2 for all rows and centroids. */
static void distances(const double *x, const double *xn, size_t n, unsigned d, const double *cent,
                      unsigned k, double *cn, double *dist)
{
    for (unsigned j = 0; j < k; j++)
        cn[j] = cblas_ddot((int)d, cent + (size_t)j * d, 1, cent + (size_t)j * d, 1);
    /* dist = -2 X C^T, then the norms added. */
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)k, (int)d, -2.0, x, (int)d,
                cent, (int)d, 0.0, dist, (int)k);
    for (size_t i = 0; i < n; i++)
        for (unsigned j = 0; j < k; j++) {
            double v = dist[i * k + j] + xn[i] + cn[j];
            dist[i * k + j] = v > 0 ? v : 0.0;
        }
}

ltr_status ltr_kmeans(const double *x, size_t n, unsigned d, unsigned k, unsigned max_iter,
                      uint64_t seed, unsigned *labels, double *centroids, double *inertia)
{
    if (!x || !labels)
        return LTR_ERR_NULL;
    if (n == 0 || d == 0 || k == 0 || k > n)
        return LTR_ERR_ARGUMENT;
    double *cent = malloc(sizeof(double) * k * d), *dist = malloc(sizeof(double) * n * k);
    double *xn = malloc(sizeof(double) * n), *cn = malloc(sizeof(double) * k);
    double *best = malloc(sizeof(double) * n);
    size_t *count = malloc(sizeof(size_t) * k);
    unsigned *order = malloc(sizeof(unsigned) * k), *rank = malloc(sizeof(unsigned) * k);
    if (!cent || !dist || !xn || !cn || !best || !count || !order || !rank) {
        free(cent), free(dist), free(xn), free(cn), free(best), free(count), free(order), free(rank);
        return LTR_ERR_MEMORY;
    }
    for (size_t i = 0; i < n; i++)
        xn[i] = cblas_ddot((int)d, x + i * d, 1, x + i * d, 1);

    /* k-means++: the first centroid uniformly, each next with probability
     * proportional to the squared distance to the nearest chosen one. */
    uint64_t rng = seed;
    size_t first = (size_t)(uniform(&rng) * (double)n);
    memcpy(cent, x + (first < n ? first : n - 1) * d, sizeof(double) * d);
    for (unsigned j = 1; j < k; j++) {
        distances(x, xn, n, d, cent, j, cn, dist);
        double total = 0;
        for (size_t i = 0; i < n; i++) {
            double m = dist[i * j];
            for (unsigned l = 1; l < j; l++)
                m = fmin(m, dist[i * j + l]);
            best[i] = m;
            total += m;
        }
        size_t pick = 0;
        if (total > 0) {
            double r = uniform(&rng) * total, acc = 0;
            for (pick = 0; pick < n - 1; pick++) {
                acc += best[pick];
                if (acc > r)
                    break;
            }
        } else {
            pick = (size_t)(uniform(&rng) * (double)n) % n; /* all rows equal */
        }
        memcpy(cent + (size_t)j * d, x + pick * d, sizeof(double) * d);
    }

    for (size_t i = 0; i < n; i++)
        labels[i] = k; /* no label yet: the first pass changes every one */
    double sse = 0;
    for (unsigned it = 0; it < (max_iter ? max_iter : 100); it++) {
        distances(x, xn, n, d, cent, k, cn, dist);
        size_t changed = 0;
        sse = 0;
        for (size_t i = 0; i < n; i++) {
            unsigned arg = 0;
            for (unsigned j = 1; j < k; j++)
                if (dist[i * k + j] < dist[i * k + arg])
                    arg = j;
            sse += dist[i * k + arg];
            changed += labels[i] != arg;
            labels[i] = arg;
        }
        if (changed == 0)
            break;
        /* Centroids: the means of their rows; an empty group keeps its centroid. */
        memset(count, 0, sizeof(size_t) * k);
        for (size_t i = 0; i < n; i++)
            count[labels[i]]++;
        for (unsigned j = 0; j < k; j++)
            if (count[j])
                memset(cent + (size_t)j * d, 0, sizeof(double) * d);
        for (size_t i = 0; i < n; i++)
            cblas_daxpy((int)d, 1.0 / (double)count[labels[i]], x + i * d, 1,
                        cent + (size_t)labels[i] * d, 1);
    }
    /* Number the groups by decreasing size (ties: by old number), for stable output. */
    memset(count, 0, sizeof(size_t) * k);
    for (size_t i = 0; i < n; i++)
        count[labels[i]]++;
    for (unsigned j = 0; j < k; j++)
        order[j] = j;
    for (unsigned a = 1; a < k; a++) {
        unsigned v = order[a], b = a;
        for (; b > 0 && count[order[b - 1]] < count[v]; b--)
            order[b] = order[b - 1];
        order[b] = v;
    }
    for (unsigned j = 0; j < k; j++)
        rank[order[j]] = j;
    for (size_t i = 0; i < n; i++)
        labels[i] = rank[labels[i]];
    if (centroids)
        for (unsigned j = 0; j < k; j++)
            memcpy(centroids + (size_t)j * d, cent + (size_t)order[j] * d, sizeof(double) * d);
    if (inertia)
        *inertia = sse;
    free(cent), free(dist), free(xn), free(cn), free(best), free(count), free(order), free(rank);
    return LTR_OK;
}
