/*
 * Pieces the baseline detectors share: biquads, the front end, rest
 * statistics, moving average and event assembly (see baselines.h).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "baselines.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define BL_PI 3.14159265358979323846

void bl_events_push(bl_events *e, uint64_t onset, uint64_t offset, uint64_t decided)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? 2 * e->cap : 64;
        bl_event *p = realloc(e->ev, cap * sizeof *p);
        if (!p) {
            fprintf(stderr, "out of memory\n");
            exit(1);
        }
        e->ev = p;
        e->cap = cap;
    }
    bl_event *ev = &e->ev[e->n++];
    ev->onset = onset;
    ev->offset = offset;
    ev->decided = decided;
}

void bl_events_free(bl_events *e)
{
    free(e->ev);
    e->ev = NULL;
    e->n = e->cap = 0;
}

/* --- biquads (RBJ audio-EQ cookbook) ----------------------------------------- */

static void set_norm(bl_biquad *q, double b0, double b1, double b2, double a0, double a1,
                     double a2)
{
    q->b0 = b0 / a0;
    q->b1 = b1 / a0;
    q->b2 = b2 / a0;
    q->a1 = a1 / a0;
    q->a2 = a2 / a0;
    q->z1 = q->z2 = 0.0;
}

void bl_biquad_lowpass(bl_biquad *q, double fs, double fc, double Q)
{
    const double w = 2.0 * BL_PI * fc / fs, c = cos(w), alpha = sin(w) / (2.0 * Q);
    set_norm(q, (1.0 - c) / 2.0, 1.0 - c, (1.0 - c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

void bl_biquad_highpass(bl_biquad *q, double fs, double fc, double Q)
{
    const double w = 2.0 * BL_PI * fc / fs, c = cos(w), alpha = sin(w) / (2.0 * Q);
    set_norm(q, (1.0 + c) / 2.0, -(1.0 + c), (1.0 + c) / 2.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

void bl_biquad_notch(bl_biquad *q, double fs, double f0, double bw_hz)
{
    const double w = 2.0 * BL_PI * f0 / fs, c = cos(w), alpha = sin(w) / (2.0 * (f0 / bw_hz));
    set_norm(q, 1.0, -2.0 * c, 1.0, 1.0 + alpha, -2.0 * c, 1.0 - alpha);
}

double bl_biquad_step(bl_biquad *q, double x)
{
    const double y = q->b0 * x + q->z1;
    q->z1 = q->b1 * x - q->a1 * y + q->z2;
    q->z2 = q->b2 * x - q->a2 * y;
    return y;
}

/* --- front end ------------------------------------------------------------------ */

#define BL_MAX_SECTIONS 24

void bl_frontend(const bl_input *in, double lo_hz, double hi_hz, float *out)
{
    bl_biquad s[BL_MAX_SECTIONS];
    size_t ns = 0;
    if (!in->is_acc) {
        bl_biquad_highpass(&s[ns++], in->fs, lo_hz, BL_Q4_A);
        bl_biquad_highpass(&s[ns++], in->fs, lo_hz, BL_Q4_B);
        bl_biquad_lowpass(&s[ns++], in->fs, hi_hz, BL_Q4_A);
        bl_biquad_lowpass(&s[ns++], in->fs, hi_hz, BL_Q4_B);
        if (in->mains_hz > 0.0)
            for (unsigned k = 1; k <= in->mains_harmonics && ns < BL_MAX_SECTIONS; k++) {
                const double f0 = k * in->mains_hz;
                if (f0 >= hi_hz || f0 >= 0.45 * in->fs)
                    break;
                bl_biquad_notch(&s[ns++], in->fs, f0, 4.0);
            }
    }
    for (size_t i = 0; i < in->n; i++) {
        double x = isfinite(in->x[i]) ? in->x[i] : 0.0;
        for (size_t k = 0; k < ns; k++)
            x = bl_biquad_step(&s[k], x);
        out[i] = (float)x;
    }
}

void bl_rest_stats(const float *v, const bl_input *in, double *mean, double *sd)
{
    double s = 0.0, s2 = 0.0;
    size_t n = 0;
    for (size_t r = 0; r < in->n_rest; r++)
        for (size_t i = in->rest[r].start; i < in->rest[r].end && i < in->n; i++) {
            s += v[i];
            n++;
        }
    const double m = n ? s / (double)n : 0.0;
    for (size_t r = 0; r < in->n_rest; r++)
        for (size_t i = in->rest[r].start; i < in->rest[r].end && i < in->n; i++)
            s2 += (v[i] - m) * (v[i] - m);
    *mean = m;
    *sd = n > 1 ? sqrt(s2 / (double)n) : 0.0;
}

void bl_moving_average(const float *in, size_t n, size_t w, float *out)
{
    double acc = 0.0;
    if (w < 1)
        w = 1;
    for (size_t i = 0; i < n; i++) {
        acc += in[i];
        if (i >= w)
            acc -= in[i - w];
        out[i] = (float)(acc / (double)(i + 1 < w ? i + 1 : w));
    }
}

void bl_runs(const float *v, size_t n, double thr, size_t shift, bl_events *raw)
{
    size_t i = 0;
    while (i < n) {
        if (v[i] >= thr) {
            const size_t start = i;
            while (i < n && v[i] >= thr)
                i++;
            const size_t on = start > shift ? start - shift : 0;
            const size_t off = i > shift ? i - shift : 0;
            bl_events_push(raw, on, off > on ? off : on + 1, start);
        } else {
            i++;
        }
    }
}

void bl_finish(const bl_events *raw, double fs, double gap_ms, double min_ms, double max_ms,
               bl_events *out)
{
    const uint64_t gap = (uint64_t)llround(gap_ms * 1e-3 * fs);
    const uint64_t min = (uint64_t)llround(min_ms * 1e-3 * fs);
    const uint64_t max = (uint64_t)llround(max_ms * 1e-3 * fs);
    size_t i = 0;
    while (i < raw->n) {
        bl_event cur = raw->ev[i++];
        while (i < raw->n && raw->ev[i].onset < cur.offset + gap) {
            if (raw->ev[i].offset > cur.offset)
                cur.offset = raw->ev[i].offset;
            i++;
        }
        const uint64_t len = cur.offset - cur.onset;
        if (len < min || len > max)
            continue;
        if (cur.decided < cur.onset + min)
            cur.decided = cur.onset + min;
        bl_events_push(out, cur.onset, cur.offset, cur.decided);
    }
}
