/*
 * Pictures of a recording and its events (see plot.h): decimation, and drawing with
 * cairo when the tool is built with it (LTR_HAVE_CAIRO).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include "plot.h"

#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#ifdef LTR_HAVE_CAIRO
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <png.h>
#endif

/* ------------------------------------------------------------------ data */

int plot_data_init(plot_data *p, unsigned n_ch, unsigned cols, double rate_hz, uint64_t first,
                   uint64_t frames, int trace)
{
    memset(p, 0, sizeof *p);
    p->n_ch = n_ch;
    p->cols = cols ? cols : 1;
    p->rate_hz = rate_hz;
    p->first = first;
    p->frames = frames ? frames : 1;
    p->from_s = (double)first / rate_hz;
    p->to_s = (double)(first + p->frames) / rate_hz;
    p->trace = trace;
    for (unsigned c = 0; c < n_ch; c++) {
        float **arr[] = {&p->ch[c].lo, &p->ch[c].hi, &p->ch[c].stat_lo, &p->ch[c].stat_hi,
                         &p->ch[c].bg, &p->ch[c].on, &p->ch[c].off};
        const unsigned n_arr = trace ? 7u : 2u;
        for (unsigned k = 0; k < n_arr; k++) {
            *arr[k] = malloc(p->cols * sizeof(float));
            if (!*arr[k]) {
                plot_data_free(p);
                return -1;
            }
            for (unsigned i = 0; i < p->cols; i++)
                (*arr[k])[i] = NAN;
        }
    }
    return 0;
}

void plot_data_free(plot_data *p)
{
    for (unsigned c = 0; c < p->n_ch; c++) {
        plot_series *s = &p->ch[c];
        free(s->lo);
        free(s->hi);
        free(s->stat_lo);
        free(s->stat_hi);
        free(s->bg);
        free(s->on);
        free(s->off);
        memset(s, 0, sizeof *s);
    }
    free(p->spans);
    p->spans = NULL;
    p->n_spans = p->cap_spans = 0;
}

static void widen(float *lo, float *hi, long i, float v)
{
    if (!isfinite(v))
        return;
    if (!(lo[i] <= v)) /* NaN (empty) or above */
        lo[i] = v;
    if (!(hi[i] >= v))
        hi[i] = v;
}

void plot_data_add_signal(plot_data *p, unsigned c, uint64_t f, float v)
{
    const long i = plot_column(p, f);
    if (i >= 0)
        widen(p->ch[c].lo, p->ch[c].hi, i, v);
}

void plot_data_add_trace(plot_data *p, unsigned c, uint64_t f, float stat, float bg, float on,
                         float off)
{
    const long i = plot_column(p, f);
    if (i < 0 || !p->trace)
        return;
    plot_series *s = &p->ch[c];
    widen(s->stat_lo, s->stat_hi, i, stat);
    s->bg[i] = bg;
    s->on[i] = on;
    s->off[i] = off;
}

int plot_data_add_span(plot_data *p, plot_span_kind kind, double from_s, double to_s,
                       double begin_s)
{
    if (p->n_spans == p->cap_spans) {
        const size_t cap = p->cap_spans ? 2 * p->cap_spans : 64;
        plot_span *s = realloc(p->spans, cap * sizeof *s);
        if (!s)
            return -1;
        p->spans = s;
        p->cap_spans = cap;
    }
    p->spans[p->n_spans++] = (plot_span){kind, from_s, to_s, begin_s};
    return 0;
}

int plot_format_from_name(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return -1;
    char ext[8] = {0};
    for (size_t i = 0; i < sizeof ext - 1 && dot[1 + i]; i++)
        ext[i] = (char)tolower((unsigned char)dot[1 + i]);
    if (!strcmp(ext, "png"))
        return PLOT_PNG;
    if (!strcmp(ext, "svg"))
        return PLOT_SVG;
    if (!strcmp(ext, "pdf"))
        return PLOT_PDF;
    return -1;
}

/* Margins of the drawing area, pixels. */
#define LEFT(compact) ((compact) ? 4 : 84)
#define RIGHT(compact) ((compact) ? 4 : 18)
#define TOP(compact) ((compact) ? 4 : 48)
#define BOTTOM(compact) ((compact) ? 4 : 40)

unsigned plot_columns(int width, int compact)
{
    const int w = width - LEFT(compact) - RIGHT(compact);
    return w > 1 ? (unsigned)w : 1u;
}

#ifndef LTR_HAVE_CAIRO

int plot_available(void) { return 0; }

void plot_release(void) {}

int plot_render_file(const plot_data *p, FILE *f, plot_format format, int width, int height,
                     int compact, char *msg, size_t msg_size)
{
    (void)p, (void)f, (void)format, (void)width, (void)height, (void)compact;
    snprintf(msg, msg_size, "this ltr was built without cairo (Debian libcairo2-dev): no plots");
    return -1;
}

int plot_render_svg_inline(const plot_data *p, FILE *f, const char *id_prefix, int width,
                           int height, int compact, char *msg, size_t msg_size)
{
    (void)id_prefix;
    return plot_render_file(p, f, PLOT_SVG, width, height, compact, msg, msg_size);
}

#else

int plot_available(void) { return 1; }

void plot_release(void)
{
    /* cairo's font caches, then fontconfig's: what the process keeps until it ends,
     * given back so that leak checkers (ASan in CI) see none */
    cairo_debug_reset_static_data();
    FcFini();
}

/* ------------------------------------------------------------------ drawing */

typedef struct rgba {
    double r, g, b, a;
} rgba;

static const rgba C_SIGNAL = {0.10, 0.25, 0.55, 1.0};
static const rgba C_STAT = {0.45, 0.15, 0.55, 1.0};
static const rgba C_BG = {0.45, 0.45, 0.45, 1.0};
static const rgba C_ON = {0.85, 0.10, 0.10, 1.0};
static const rgba C_OFF = {0.95, 0.55, 0.10, 1.0};
static const rgba C_TWITCH = {0.15, 0.70, 0.30, 0.25};
static const rgba C_BEGIN = {0.05, 0.50, 0.15, 1.0};
static const rgba C_ARTIFACT = {0.35, 0.35, 0.35, 0.8};
static const rgba C_NEEDLE = {0.90, 0.45, 0.00, 0.9};
static const rgba C_SITE = {0.45, 0.20, 0.65, 0.55};
/* Height of the sites' strip, px. */
#define SITE_STRIP 6.0
static const rgba C_AXIS = {0.15, 0.15, 0.15, 1.0};
static const rgba C_GRID = {0.85, 0.85, 0.85, 1.0};

static void color(cairo_t *cr, rgba c) { cairo_set_source_rgba(cr, c.r, c.g, c.b, c.a); }

typedef struct box {
    double x, y, w, h;
} box;

/* A step of 1, 2 or 5 x 10^k giving at most max_ticks ticks over span. */
static double nice_step(double span, int max_ticks)
{
    if (!(span > 0.0) || max_ticks < 1)
        return 1.0;
    const double raw = span / max_ticks;
    const double mag = pow(10.0, floor(log10(raw)));
    const double r = raw / mag;
    return (r <= 1.0 ? 1.0 : r <= 2.0 ? 2.0 : r <= 5.0 ? 5.0 : 10.0) * mag;
}

static int cmp_float(const void *a, const void *b)
{
    const float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The range that holds all but the extreme 0.5 % of the finite values of a and b (n each),
 * padded by 10 %, so that a stimulation spike does not flatten the rest. */
static void robust_range(const float *a, const float *b, unsigned n, double *lo, double *hi,
                         int decibels)
{
    float *v = malloc(2 * (size_t)n * sizeof *v);
    size_t m = 0;
    for (unsigned i = 0; v && i < n; i++) {
        const float x[2] = {a[i], b[i]};
        for (int k = 0; k < 2; k++)
            if (isfinite(x[k]) && (!decibels || x[k] > 0.0f))
                v[m++] = decibels ? 10.0f * log10f(x[k]) : x[k];
    }
    if (m == 0) {
        *lo = decibels ? -60.0 : -1.0;
        *hi = decibels ? 0.0 : 1.0;
        free(v);
        return;
    }
    qsort(v, m, sizeof *v, cmp_float);
    double l = v[(size_t)(0.005 * (double)(m - 1))], h = v[(size_t)(0.995 * (double)(m - 1))];
    free(v);
    if (!(h > l)) {
        const double d = fabs(l) > 0 ? fabs(l) * 0.1 : 1.0;
        l -= d, h += d;
    }
    const double pad = 0.1 * (h - l);
    *lo = l - pad;
    *hi = h + pad;
}

static double x_of(const plot_data *p, box b, double t)
{
    return b.x + (t - p->from_s) / (p->to_s - p->from_s) * b.w;
}

static void text(cairo_t *cr, double x, double y, const char *s, double align)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - align * e.x_advance, y);
    cairo_show_text(cr, s);
}

/* A panel's name, on a white backing so that the signal under it does not hide it. */
static void label(cairo_t *cr, double x, double y, const char *s)
{
    cairo_set_font_size(cr, 11.0);
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_set_source_rgba(cr, 1, 1, 1, 0.8);
    cairo_rectangle(cr, x - 3, y - 11, e.x_advance + 6, 15);
    cairo_fill(cr);
    color(cr, C_AXIS);
    text(cr, x, y, s, 0.0);
}

/* Diagonal hatching over [x0, x1] x b. */
static void hatch(cairo_t *cr, double x0, double x1, box b, rgba c)
{
    cairo_save(cr);
    cairo_rectangle(cr, x0, b.y, x1 - x0 > 1.0 ? x1 - x0 : 1.0, b.h);
    cairo_clip(cr);
    color(cr, (rgba){c.r, c.g, c.b, 0.10});
    cairo_paint(cr);
    color(cr, c);
    cairo_set_line_width(cr, 1.0);
    for (double x = x0 - b.h; x < x1 + 1.0; x += 6.0) {
        cairo_move_to(cr, x, b.y + b.h);
        cairo_line_to(cr, x + b.h, b.y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void draw_spans(cairo_t *cr, const plot_data *p, box b, int marks, int compact)
{
    cairo_save(cr);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_clip(cr);
    unsigned sites = 0;
    for (size_t i = 0; i < p->n_spans; i++) {
        const plot_span *s = &p->spans[i];
        if (s->to_s < p->from_s || s->from_s > p->to_s)
            continue;
        const double x0 = x_of(p, b, s->from_s), x1 = x_of(p, b, s->to_s);
        if (s->kind == PLOT_TWITCH) {
            /* a thumbnail squeezes a twitch under a pixel: at least 3, darker */
            const double min_w = compact ? 3.0 : 1.0;
            color(cr, compact ? (rgba){C_TWITCH.r, C_TWITCH.g, C_TWITCH.b, 0.6} : C_TWITCH);
            cairo_rectangle(cr, x0, b.y, x1 - x0 > min_w ? x1 - x0 : min_w, b.h);
            cairo_fill(cr);
            if (marks && s->begin_s >= 0.0) {
                const double xb = x_of(p, b, s->begin_s);
                color(cr, C_BEGIN);
                cairo_set_line_width(cr, 1.2);
                cairo_move_to(cr, xb, b.y);
                cairo_line_to(cr, xb, b.y + b.h);
                cairo_stroke(cr);
                cairo_move_to(cr, xb - 4, b.y);
                cairo_line_to(cr, xb + 4, b.y);
                cairo_line_to(cr, xb, b.y + 7);
                cairo_close_path(cr);
                cairo_fill(cr);
            }
        } else if (s->kind == PLOT_SITE) {
            /* a strip along the top, the sites alternating in shade so that two sites
             * that touch stay two, with a tick where each begins */
            const rgba c = sites++ % 2 ? C_SITE : (rgba){C_SITE.r, C_SITE.g, C_SITE.b, 0.25};
            color(cr, c);
            cairo_rectangle(cr, x0, b.y, x1 - x0 > 1.0 ? x1 - x0 : 1.0, SITE_STRIP);
            cairo_fill(cr);
            color(cr, C_SITE);
            cairo_set_line_width(cr, 1.0);
            cairo_move_to(cr, x0, b.y);
            cairo_line_to(cr, x0, b.y + 2.0 * SITE_STRIP);
            cairo_stroke(cr);
        } else {
            hatch(cr, x0, x1, b, s->kind == PLOT_NEEDLE ? C_NEEDLE : C_ARTIFACT);
        }
    }
    cairo_restore(cr);
}

/* The min/max band of a decimated series, filled: the maxima left to right, then the minima
 * back, at least a pixel thick (a fill costs a fraction of a stroke of the same zigzag). */
static void draw_band(cairo_t *cr, const float *lo, const float *hi, unsigned cols, box b,
                      double vlo, double vhi, int decibels, rgba c)
{
    cairo_save(cr);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_clip(cr);
    color(cr, c);
    const double scale = b.h / (vhi - vlo);
    for (unsigned i = 0; i < cols;) {
        /* one run of columns with values */
        unsigned j = i;
        while (j < cols && isfinite(lo[j]) && isfinite(hi[j]))
            j++;
        if (j == i) {
            i++;
            continue;
        }
        for (int pass = 0; pass < 2; pass++)
            for (unsigned k = 0; k < j - i; k++) {
                const unsigned m = pass ? j - 1 - k : i + k;
                double v = pass ? lo[m] : hi[m];
                if (decibels)
                    v = v > 0.0 ? 10.0 * log10(v) : vlo;
                const double x = b.x + ((double)m + (pass ? 1.0 : 0.0)) * b.w / cols;
                double y = b.y + b.h - (v - vlo) * scale + (pass ? 0.5 : -0.5);
                y = y < b.y - 2 ? b.y - 2 : y > b.y + b.h + 2 ? b.y + b.h + 2 : y;
                if (!pass && k == 0)
                    cairo_move_to(cr, x, y);
                else
                    cairo_line_to(cr, x, y);
                const double x2 = b.x + ((double)m + (pass ? 0.0 : 1.0)) * b.w / cols;
                cairo_line_to(cr, x2, y);
            }
        cairo_close_path(cr);
        i = j;
    }
    cairo_fill(cr);
    cairo_restore(cr);
}

/* A level in dB per column (background, thresholds); gaps where it is not finite. */
static void draw_level(cairo_t *cr, const float *v, unsigned cols, box b, double vlo, double vhi,
                       rgba c, int dashed)
{
    cairo_save(cr);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_clip(cr);
    color(cr, c);
    cairo_set_line_width(cr, 1.4);
    if (dashed) {
        const double d[2] = {5.0, 3.0};
        cairo_set_dash(cr, d, 2, 0.0);
    }
    int open = 0;
    for (unsigned i = 0; i < cols; i++) {
        if (!(isfinite(v[i]) && v[i] > 0.0f)) {
            open = 0;
            continue;
        }
        const double x = b.x + ((double)i + 0.5) * b.w / cols;
        const double y = b.y + b.h - (10.0 * log10(v[i]) - vlo) * b.h / (vhi - vlo);
        if (open)
            cairo_line_to(cr, x, y);
        else
            cairo_move_to(cr, x, y);
        open = 1;
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

static void y_axis(cairo_t *cr, box b, double vlo, double vhi, int ticks)
{
    const double step = nice_step(vhi - vlo, ticks);
    cairo_set_font_size(cr, 10.0);
    for (double v = ceil(vlo / step) * step; v <= vhi; v += step) {
        const double y = b.y + b.h - (v - vlo) * b.h / (vhi - vlo);
        color(cr, C_GRID);
        cairo_set_line_width(cr, 0.6);
        cairo_move_to(cr, b.x, y);
        cairo_line_to(cr, b.x + b.w, y);
        cairo_stroke(cr);
        color(cr, C_AXIS);
        char s[32];
        snprintf(s, sizeof s, "%.4g", fabs(v) < step * 1e-6 ? 0.0 : v);
        text(cr, b.x - 4, y + 3.5, s, 1.0);
    }
}

static void frame_box(cairo_t *cr, box b)
{
    color(cr, C_AXIS);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, b.x, b.y, b.w, b.h);
    cairo_stroke(cr);
}

static void legend(cairo_t *cr, const plot_data *p, double x, double y, int marks)
{
    typedef struct item {
        const char *label;
        rgba c;
        int kind; /* 0 line, 1 fill, 2 hatch, 3 dashed */
    } item;
    const item all[] = {
        {p->conditioned ? "conditioned signal" : "recorded signal", C_SIGNAL, 0},
        {"statistic", C_STAT, 0},
        {"background", C_BG, 3},
        {"threshold on", C_ON, 0},
        {"threshold off", C_OFF, 3},
        {marks ? "twitch (BEGIN marked)" : "twitch", C_TWITCH, 1},
        {"artifact", C_ARTIFACT, 2},
        {"needle", C_NEEDLE, 2},
        {"site", C_SITE, 1},
    };
    cairo_set_font_size(cr, 11.0);
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (!p->trace && i >= 1 && i <= 4)
            continue;
        const item *it = &all[i];
        if (it->kind == 1) {
            color(cr, (rgba){it->c.r, it->c.g, it->c.b, 0.45});
            cairo_rectangle(cr, x, y - 8, 18, 10);
            cairo_fill(cr);
        } else if (it->kind == 2) {
            hatch(cr, x, x + 18, (box){x, y - 8, 18, 10}, it->c);
        } else {
            color(cr, it->c);
            cairo_set_line_width(cr, 2.0);
            if (it->kind == 3) {
                const double d[2] = {4.0, 2.0};
                cairo_set_dash(cr, d, 2, 0.0);
            }
            cairo_move_to(cr, x, y - 3);
            cairo_line_to(cr, x + 18, y - 3);
            cairo_stroke(cr);
            cairo_set_dash(cr, NULL, 0, 0.0);
        }
        color(cr, C_AXIS);
        cairo_text_extents_t e;
        cairo_text_extents(cr, it->label, &e);
        cairo_move_to(cr, x + 22, y);
        cairo_show_text(cr, it->label);
        x += 22 + e.x_advance + 16;
    }
}

/* BEGIN marks only where they stay apart: at most one per 8 pixels of the window on
 * average (an hour's overview of 800 twitches would be a green wall). */
static int begin_marks(const plot_data *p, double w, int compact)
{
    if (compact)
        return 0;
    size_t n = 0;
    for (size_t i = 0; i < p->n_spans; i++)
        n += p->spans[i].kind == PLOT_TWITCH && p->spans[i].to_s >= p->from_s &&
             p->spans[i].from_s <= p->to_s;
    return (double)n * 8.0 <= w;
}

static void draw(cairo_t *cr, const plot_data *p, int width, int height, int compact)
{
    cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    const double left = LEFT(compact), right = RIGHT(compact);
    const double top = TOP(compact), bottom = BOTTOM(compact);
    const double gap = compact ? 2.0 : 14.0, inner = compact ? 1.0 : 4.0;
    const double area_h = height - top - bottom - gap * (p->n_ch > 0 ? p->n_ch - 1 : 0);
    const double per = area_h / (p->n_ch ? p->n_ch : 1);
    const double w = width - left - right;
    const int marks = begin_marks(p, w, compact);
    if (!compact) {
        color(cr, C_AXIS);
        cairo_set_font_size(cr, 13.0);
        text(cr, left, 18, p->title, 0.0);
        legend(cr, p, left, 38, marks);
    }
    for (unsigned c = 0; c < p->n_ch; c++) {
        const plot_series *s = &p->ch[c];
        const double y0 = top + c * (per + gap);
        box sig = {left, y0, w, p->trace ? per * 0.55 - inner / 2 : per};
        box st = {left, y0 + per * 0.55 + inner / 2, w, per * 0.45 - inner / 2};
        double lo, hi;
        robust_range(s->lo, s->hi, p->cols, &lo, &hi, 0);
        const int ticks = sig.h > 120 ? 5 : sig.h > 60 ? 3 : 2;
        if (!compact)
            y_axis(cr, sig, lo, hi, ticks);
        draw_spans(cr, p, sig, marks, compact);
        draw_band(cr, s->lo, s->hi, p->cols, sig, lo, hi, 0, C_SIGNAL);
        if (!compact) {
            frame_box(cr, sig);
            char name[128];
            snprintf(name, sizeof name, "%s%s%s%s", p->names[c], p->units[c][0] ? " (" : "",
                     p->units[c], p->units[c][0] ? ")" : "");
            label(cr, sig.x + 6, sig.y + 13, name);
        }
        if (p->trace) {
            double dlo, dhi;
            robust_range(s->stat_lo, s->stat_hi, p->cols, &dlo, &dhi, 1);
            double blo, bhi;
            robust_range(s->bg, s->on, p->cols, &blo, &bhi, 1);
            if (blo < dlo)
                dlo = blo;
            if (bhi + 3.0 > dhi)
                dhi = bhi + 3.0;
            if (dhi - dlo > 90.0)
                dlo = dhi - 90.0;
            if (!compact)
                y_axis(cr, st, dlo, dhi, st.h > 100 ? 5 : st.h > 50 ? 4 : 2);
            draw_spans(cr, p, st, 0, compact);
            draw_band(cr, s->stat_lo, s->stat_hi, p->cols, st, dlo, dhi, 1, C_STAT);
            draw_level(cr, s->bg, p->cols, st, dlo, dhi, C_BG, 1);
            draw_level(cr, s->off, p->cols, st, dlo, dhi, C_OFF, 1);
            draw_level(cr, s->on, p->cols, st, dlo, dhi, C_ON, 0);
            if (!compact) {
                frame_box(cr, st);
                char name[128];
                snprintf(name, sizeof name, "statistic, dB re 1 %s%s", p->units[c][0] ? p->units[c] : "unit",
                         "\xc2\xb2");
                label(cr, st.x + 6, st.y + 13, name);
            }
        }
    }
    if (compact)
        return;
    /* the time axis under the last panel */
    const double yb = height - bottom;
    const double step = nice_step(p->to_s - p->from_s, (int)(w / 90.0));
    cairo_set_font_size(cr, 10.0);
    color(cr, C_AXIS);
    cairo_set_line_width(cr, 0.8);
    for (double t = ceil(p->from_s / step) * step; t <= p->to_s + 1e-9; t += step) {
        const double x = x_of(p, (box){left, 0, w, 0}, t);
        cairo_move_to(cr, x, yb);
        cairo_line_to(cr, x, yb + 4);
        cairo_stroke(cr);
        char s[32];
        snprintf(s, sizeof s, "%.6g", fabs(t) < step * 1e-6 ? 0.0 : t);
        text(cr, x, yb + 15, s, 0.5);
    }
    cairo_set_font_size(cr, 11.0);
    text(cr, left + w / 2, yb + 31, "time (s)", 0.5);
}

static int finish(cairo_t *cr, cairo_surface_t *surf, char *msg, size_t msg_size)
{
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(surf);
    cairo_surface_destroy(surf);
    if (st != CAIRO_STATUS_SUCCESS) {
        snprintf(msg, msg_size, "cairo: %s", cairo_status_to_string(st));
        return -1;
    }
    return 0;
}

static cairo_status_t write_stream(void *closure, const unsigned char *data, unsigned int length)
{
    return fwrite(data, 1, length, closure) == length ? CAIRO_STATUS_SUCCESS
                                                      : CAIRO_STATUS_WRITE_ERROR;
}

/* An RGB24 image surface as an 8-bit RGB PNG, with zlib's fastest level: cairo's own
 * writer (libpng's default level and adaptive filters) took 40 % of a 60 s plot's
 * instructions (callgrind) for files only a fifth smaller. */
static int write_png(cairo_surface_t *surf, FILE *f)
{
    const int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
    const int stride = cairo_image_surface_get_stride(surf);
    const unsigned char *data = cairo_image_surface_get_data(surf);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    unsigned char *row = malloc((size_t)w * 3);
    if (!png || !info || !row || !data) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        return -1;
    }
    png_init_io(png, f);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_BASE, PNG_FILTER_TYPE_BASE);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        /* RGB24: one native-endian 32-bit word per pixel, 0x00RRGGBB */
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(row);
    return ferror(f) ? -1 : 0;
}

int plot_render_file(const plot_data *p, FILE *f, plot_format format, int width, int height,
                     int compact, char *msg, size_t msg_size)
{
    cairo_surface_t *surf = NULL;
    switch (format) {
    case PLOT_PNG: surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height); break;
    case PLOT_SVG:
        surf = cairo_svg_surface_create_for_stream(write_stream, f, width, height);
        break;
    case PLOT_PDF:
        surf = cairo_pdf_surface_create_for_stream(write_stream, f, width, height);
        break;
    }
    cairo_t *cr = cairo_create(surf);
    draw(cr, p, width, height, compact);
    int rc = 0;
    if (format == PLOT_PNG) {
        cairo_surface_flush(surf);
        if (write_png(surf, f) != 0) {
            snprintf(msg, msg_size, "cannot write the PNG");
            rc = -1;
        }
    }
    if (finish(cr, surf, msg, msg_size) != 0)
        rc = -1;
    if (rc == 0 && ferror(f)) {
        snprintf(msg, msg_size, "write error");
        rc = -1;
    }
    return rc;
}

int plot_render_svg_inline(const plot_data *p, FILE *f, const char *id_prefix, int width,
                           int height, int compact, char *msg, size_t msg_size)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    if (!mem) {
        snprintf(msg, msg_size, "out of memory");
        return -1;
    }
    cairo_surface_t *surf = cairo_svg_surface_create_for_stream(write_stream, mem, width, height);
    cairo_t *cr = cairo_create(surf);
    draw(cr, p, width, height, compact);
    int rc = finish(cr, surf, msg, msg_size);
    fclose(mem);
    if (rc == 0) {
        /* skip the XML declaration; prefix ids and the references to them */
        const char *s = strstr(buf, "<svg");
        s = s ? s : buf;
        /* the root's width and height in pixels: cairo writes points ("300pt"), which HTML
         * validators refuse and browsers scale by 4/3 */
        const char *end = strchr(s, '>');
        while (end && s < end) {
            const char *pt = strstr(s, "pt\"");
            if (!pt || pt > end)
                break;
            fwrite(s, 1, (size_t)(pt - s), f);
            s = pt + 2;
        }
        static const char *const keys[] = {"id=\"", "href=\"#", "url(#"};
        while (*s) {
            size_t best = SIZE_MAX, klen = 0;
            const char *hit = NULL;
            for (size_t k = 0; k < 3; k++) {
                const char *h = strstr(s, keys[k]);
                if (h && (size_t)(h - s) < best) {
                    best = (size_t)(h - s);
                    hit = h;
                    klen = strlen(keys[k]);
                }
            }
            if (!hit) {
                fputs(s, f);
                break;
            }
            fwrite(s, 1, (size_t)(hit - s) + klen, f);
            fputs(id_prefix, f);
            s = hit + klen;
        }
    }
    free(buf);
    return rc;
}

#endif /* LTR_HAVE_CAIRO */
