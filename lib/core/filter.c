/*
 * IIR filter design and biquad cascades (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Structure. Each second-order section is the trapezoidal-integrator
 * state-variable filter ("TPT"/"ZDF" SVF: V. Zavalishin, The Art of VA Filter
 * Design, 2012, ch. 4; A. Simper, "Linear trapezoidal integrated SVF",
 * Cytomic technical paper SvfLinearTrapOptimised2, 2013). Trapezoidal
 * integration *is* the bilinear transform, so with g = tan(pi fc / fs) a
 * section realises exactly the bilinear transform, pre-warped at fc, of the
 * analog section (n2 s^2 + n1 s + n0) / (s^2 + k s + 1) mixed from the SVF
 * outputs (bilinear transform and pre-warping: Oppenheim & Schafer,
 * Discrete-Time Signal Processing, 3rd ed., sec. 7.2.2).
 *
 * Why not (transposed) direct form: for a 5 Hz high-pass at 50 kHz the
 * poles sit 4e-4 from z = 1 and a1 = -2 + 9e-4, a2 = 1 - 9e-4; the pole
 * frequency lives in 1 + a1 + a2 ~ 4e-7, which float a1/a2 (ulp 1.2e-7) do
 * not hold. Measured by filtering sines: float DF2T errs by 0.45 dB at 1.25 Hz
 * (0.12 dB for the 20 Hz 4th-order EMG high-pass), and double *state* does
 * not help because the error is in the coefficients. In the SVF the pole
 * frequency is carried by g ~ 3e-4 itself, stored with full relative
 * precision: even float coefficients realise the design within 2e-5 dB
 * (double: 1e-11 dB), measured at 250 Hz .. 50 kHz.
 *
 * Simper's update, with v = x - s2, a1 = 1/(1 + g (g + k)), a2 = g a1,
 * a3 = g a2, k = 1/Q,
 *     v1 = a1 s1 + a2 v;   v2 = s2 + a2 s1 + a3 v;
 *     s1' = 2 v1 - s1;     s2' = 2 v2 - s2;     y = m0 x + m1 v1 + m2 v2,
 * is rewritten here in
 * "delta" form s' = s + (small) * (...), with d = 2 (1 - a1), e = 2 a2,
 * f = 2 a3 computed in double, and the output expressed from x, v and s1
 * (cx = m0 + m2, cv = m1 a2 + m2 a3 - m2, cs = m1 a1 + m2 a2). This keeps
 * 1 - a1 at full relative precision (it is the damping near z = 1), makes
 * the high-pass DC zero (cx = 0) and the low-pass/notch unit DC gain
 * (cx = 1) exact whatever the rounding of the other coefficients, and
 * shortens the x -> y dependency chain to subtract, multiply, add.
 */
#include "hints.h"
#include "exp10.h"
#include "filter.h"

#include <math.h>
#include <string.h>

static const double ltri_pi = 3.14159265358979323846;

/* ---------------------------------------------------------------- design */

/* The analog section H(s) = (n2 s^2 + n1 s + n0) / (s^2 + k s + 1), s in
 * units of the pre-warped corner, realised from the SVF outputs
 * (x = (s^2+ks+1)/(...), v1 = s/(...), v2 = 1/(...)) as y = m0 x + m1 v1 + m2 v2
 * with m0 = n2, m1 = n1 - k n2, m2 = n0 - n2 (Simper 2013, "mixing"). */
LTRI_COLD static ltri_biquad svf_section(double g, double k, double n2, double n1, double n0)
{
    const double a1 = 1.0 / (1.0 + g * (g + k));
    const double a2 = g * a1;
    const double m1 = n1 - k * n2, m2 = n0 - n2;
    ltri_biquad b;
    b.d = (ltri_real)(2.0 * g * (g + k) * a1); /* = 2 (1 - a1), without cancelling */
    b.e = (ltri_real)(2.0 * a2);
    b.f = (ltri_real)(2.0 * g * a2);
    b.cx = (ltri_real)n0; /* = m0 + m2: the DC gain, exact */
    /* m1 a2 + m2 a3 - m2, with 1 - a3 = a1 (1 + g k) to avoid cancelling. */
    b.cv = (ltri_real)(m1 * a2 - m2 * a1 * (1.0 + g * k));
    b.cs = (ltri_real)(m1 * a1 + m2 * a2);
    return b;
}

/* 0 < f < fs / 2 with fs finite; false for NaN. */
LTRI_COLD static int below_nyquist(double f_hz, double fs_hz)
{
    return isfinite(fs_hz) && f_hz > 0.0 && f_hz < 0.5 * fs_hz;
}

LTRI_COLD void ltri_cascade_clear(ltri_cascade *c)
{
    memset(c, 0, sizeof *c);
}

LTRI_COLD static int add_butter(ltri_cascade *c, unsigned order, double fc_hz, double fs_hz, int highpass)
{
    if (c == NULL || order == 0u || order % 2u != 0u || !below_nyquist(fc_hz, fs_hz))
        return -1;
    const unsigned n = order / 2u;
    if (c->n_sections > LTRI_MAX_SECTIONS || n > LTRI_MAX_SECTIONS - c->n_sections)
        return -1;

    /* Pre-warp: the analog corner tan(pi fc / fs) (in units of 2 fs) maps to
     * exactly fc under the bilinear transform (Oppenheim & Schafer 7.2.2). */
    const double g = ltri_tan(ltri_pi * fc_hz / fs_hz);
    /* Unity passband gain: s^2/(...) -> 1 as s -> inf (Nyquist), 1/(...) at DC. */
    const double n2 = highpass ? 1.0 : 0.0, n0 = highpass ? 0.0 : 1.0;
    for (unsigned i = 0; i < n; i++) {
        /* Butterworth prototype poles exp(j pi (2i + 1 + order) / (2 order))
         * pair up into s^2 + k s + 1 with k = 1/Q = 2 sin((2i + 1) pi / (2 order))
         * (Butterworth 1930; Oppenheim & Schafer, DTSP 3rd ed., app. B). */
        const double k = 2.0 * ltri_sin((double)(2u * i + 1u) * ltri_pi / (2.0 * (double)order));
        c->sections[c->n_sections++] = svf_section(g, k, n2, 0.0, n0);
    }
    return 0;
}

LTRI_COLD int ltri_cascade_add_butter_highpass(ltri_cascade *c, unsigned order, double fc_hz, double fs_hz)
{
    return add_butter(c, order, fc_hz, fs_hz, 1);
}

LTRI_COLD int ltri_cascade_add_butter_lowpass(ltri_cascade *c, unsigned order, double fc_hz, double fs_hz)
{
    return add_butter(c, order, fc_hz, fs_hz, 0);
}

LTRI_COLD int ltri_cascade_add_notch(ltri_cascade *c, double f0_hz, double width_hz, double fs_hz)
{
    if (c == NULL || c->n_sections >= LTRI_MAX_SECTIONS || !below_nyquist(f0_hz, fs_hz) ||
        !below_nyquist(width_hz, fs_hz))
        return -1;
    /* RBJ Audio EQ Cookbook notch: H(s) = (s^2 + 1) / (s^2 + s/Q + 1), giving
     * a = [1 + alpha, -2 cos w0, 1 - alpha], alpha = sin(w0) / (2 Q). With
     * Q = f0 / width the -3 dB band is `width` wide only before the bilinear
     * transform squeezes it (by sin(w0)/w0: 3.0 Hz instead of 4 Hz for 50 Hz
     * at 250 Hz). The digital -3 dB width is exactly Dw when
     * alpha = tan(Dw / 2) (Orfanidis, Introduction to Signal Processing,
     * sec. 11.3, second-order notch filters; RBJ's bandwidth-in-octaves variant
     * makes the same w0/sin(w0) correction), i.e.
     * Q = sin(w0) / (2 tan(pi width / fs)) ~ f0 / width.
     * In SVF terms g = tan(w0 / 2) and k = 1/Q = 2 alpha / sin(w0). */
    const double w0 = 2.0 * ltri_pi * f0_hz / fs_hz;
    const double alpha = ltri_tan(ltri_pi * width_hz / fs_hz);
    const double k = 2.0 * alpha / ltri_sin(w0);
    c->sections[c->n_sections++] = svf_section(ltri_tan(0.5 * w0), k, 1.0, 0.0, 1.0);
    return 0;
}

/* ------------------------------------------------------------------- run */

/* ltri_cascade_run and its subnormal guard are in filter.h (inline: it runs twice per
 * sample and channel, and the call cost as much as a section). */

void ltri_cascade_state_reset(ltri_cascade_state *s)
{
    memset(s, 0, sizeof *s);
}

/* -------------------------------------------------------------- analysis */

typedef struct cplx {
    double re, im;
} cplx;

static cplx c_mul(cplx a, cplx b)
{
    cplx r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
    return r;
}

static double c_abs(cplx a)
{
    return hypot(a.re, a.im);
}

/* A section as a rational function of w = z - 1, H = N(w) / Q(w). From the
 * state-space form s' = (I - M) s + B x, y = C s + D x with
 * M = [[d, e], [-e, f]], B = [e, f], C = [cs, -cv], D = cx + cv:
 *   Q = w^2 + (d + f) w + (d f + e^2)
 *   N = D w^2 + (cx (d + f) + cv d + cs e) w + cx (d f + e^2).
 * Working in w rather than z keeps the small distances of poles and zeros
 * from z = 1 exact in double (no 1 - cos cancellation). */
typedef struct section_poly {
    double n2, n1, n0, q1, q0;
} section_poly;

static section_poly poly_of(const ltri_biquad *b)
{
    const double d = b->d, e = b->e, f = b->f, cx = b->cx, cv = b->cv, cs = b->cs;
    section_poly p;
    p.q1 = d + f;
    p.q0 = d * f + e * e;
    p.n2 = cx + cv;
    p.n1 = cx * (d + f) + cv * d + cs * e;
    p.n0 = cx * p.q0;
    return p;
}

static cplx quad_at(double a2, double a1, double a0, cplx w)
{
    cplx r = c_mul(w, w);
    r.re = a2 * r.re + a1 * w.re + a0;
    r.im = a2 * r.im + a1 * w.im;
    return r;
}

/* w = exp(j omega) - 1 without cancellation. */
static cplx w_at(double f_hz, double fs_hz)
{
    const double om = 2.0 * ltri_pi * f_hz / fs_hz;
    const double sh = ltri_sin(0.5 * om);
    cplx w = {-2.0 * sh * sh, ltri_sin(om)};
    return w;
}

LTRI_COLD double ltri_cascade_gain(const ltri_cascade *c, double f_hz, double fs_hz)
{
    const cplx w = w_at(f_hz, fs_hz);
    double gain = 1.0;
    for (unsigned i = 0; i < c->n_sections; i++) {
        const section_poly p = poly_of(&c->sections[i]);
        gain *= c_abs(quad_at(p.n2, p.n1, p.n0, w)) / c_abs(quad_at(1.0, p.q1, p.q0, w));
    }
    return gain;
}

/* The group delay in closed form. Every section here is the bilinear transform,
 * pre-warped by g, of an analog section N(s) / (s^2 + k s + 1) whose zeros lie at s = 0
 * (high-pass), at infinity (low-pass) or on the j axis (notch): N's phase is constant
 * between its zeros, so the delay is the poles' alone,
 *     tau_a(W) = k (1 + W^2) / ((1 - W^2)^2 + k^2 W^2)       (W in units of the corner),
 * and the bilinear transform, W = tan(omega / 2) / g, stretches it by
 * dW / d omega = (1 + tan^2(omega / 2)) / (2 g) (Oppenheim & Schafer, DTSP 3rd ed.,
 * sec. 7.2.2). g and k come back from the stored coefficients: e = 2 g a1 and
 * f = 2 g^2 a1 give g = f / e, d = e (g + k) gives k = d / e - g (svf_section). In
 * float: the delays are rounded to frames, and single precision holds them within
 * 1e-5 samples here (test_filter measures them with tone bursts); no soft-float double
 * arithmetic on a Cortex-M4F (issue 10: the complex double form was 1.9 KiB of it). */
LTRI_COLD double ltri_cascade_group_delay(const ltri_cascade *c, double f_hz, double fs_hz)
{
    const float t = (float)ltri_tan(ltri_pi * f_hz / fs_hz), stretch = 0.5f * (1.0f + t * t);
    float tau = 0.0f;
    for (unsigned i = 0; i < c->n_sections; i++) {
        const ltri_biquad *b = &c->sections[i];
        const float g = b->f / b->e, k = b->d / b->e - g;
        const float w = t / g, w2 = w * w, u = 1.0f - w2;
        tau += k * (1.0f + w2) / (u * u + k * k * w2) * stretch / g;
    }
    return tau;
}
