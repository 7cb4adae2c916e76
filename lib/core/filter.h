/*
 * IIR filter design and biquad cascades (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Design (init time, double precision, libm only) is kept apart from
 * running (per sample, no allocation): a ltri_cascade holds immutable
 * coefficients shared by every channel of one sensor kind, a
 * ltri_cascade_state holds one channel's memory.
 *
 * Every second-order section is run as a trapezoidal (bilinear)
 * state-variable filter, not as a direct-form biquad: its transfer function
 * is exactly that of the bilinear-transformed analog section, but its
 * coefficients stay well conditioned when the poles crowd z = 1 (a 5 Hz
 * high-pass at 50 kHz), where float direct-form coefficients misplace the
 * poles (measured: 0.45 dB error). See filter.c for the derivation.
 *
 * Precision: coefficients and state are float (issue 10: the sample path
 * runs on a single-precision FPU, where every double operation is a library
 * call of tens of cycles). Designed in double and rounded once, the float
 * SVF realises the design within 2e-5 dB at 250 Hz .. 50 kHz, including a
 * 5 Hz high-pass at 50 kHz (tests/test_filter.c measures it). What float
 * costs is the round-off of a large DC offset, which leaks into the output
 * at about 2e-6 of that offset at 50 kHz (1e-7 at 1 kHz; double: 1e-11):
 * the detector feeds the filters its input minus the stream's first sample
 * (artifact.c), so an electrode offset or gravity is not that offset.
 * Define LTRI_FILTER_DOUBLE to run double coefficients and state instead
 * (a reference for tests; it changes struct layouts: define it, or not,
 * for every file of the library and its tests alike).
 *
 * Thread safety: designs and states are plain data; distinct states may be
 * run concurrently against one shared (read-only) cascade.
 */
#ifndef LTR_CORE_FILTER_H
#define LTR_CORE_FILTER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef LTRI_FILTER_DOUBLE
typedef double ltri_real;
#else
typedef float ltri_real;
#endif

/** Most channels ltri_sections_run_soa_n runs side by side (LTR_MAX_CHANNELS). */
#define LTRI_SOA_MAX 32u

/** Most second-order sections one cascade holds: the longest chain the
 *  detector builds is the accelerometer's 8th-order high-pass and 2nd-order
 *  low-pass (5 sections); the EMG band-pass has 4, the envelope smoother 1.
 *  Mains are cancelled by mains.c, not by notches here. Every cascade and
 *  every channel's state reserves this many (state: 8 bytes a section). */
#define LTRI_MAX_SECTIONS 6

/** One second-order section, as a trapezoidal state-variable filter with
 *  band-pass state s1 and low-pass state s2. Per sample, input x:
 *      v  = x - s2
 *      y  = cx*x + cv*v + cs*s1
 *      s1 = s1 + (e*v  - d*s1)
 *      s2 = s2 + (e*s1 + f*v)        (s1 before its update)
 *  d, e, f are small near z = 1 and keep their relative precision. */
typedef struct ltri_biquad {
    ltri_real cx, cv, cs; /**< output mix */
    ltri_real d, e, f;    /**< state update */
} ltri_biquad;

/** Immutable coefficients of a cascade of second-order sections. */
typedef struct ltri_cascade {
    unsigned n_sections;
    ltri_biquad sections[LTRI_MAX_SECTIONS];
} ltri_cascade;

/** Per-channel memory of a cascade: s1, s2 of each section, and a sample
 *  counter that schedules the subnormal flush. */
typedef struct ltri_cascade_state {
    ltri_real z[LTRI_MAX_SECTIONS][2];
    uint32_t tick;
} ltri_cascade_state;

/** Empty the cascade (it then passes samples unchanged). [init] */
void ltri_cascade_clear(ltri_cascade *c);

/** Append a Butterworth high-pass / low-pass of even order (2, 4, 6, 8, ...)
 *  with -3 dB cut-off fc_hz at sample rate fs_hz (bilinear transform with
 *  pre-warping). Passband gain is 1 (0 dB at DC for the low-pass, at Nyquist
 *  for the high-pass). Returns 0, or -1 (cascade unchanged) if c is NULL, the
 *  order is odd or 0, the sections do not fit in LTRI_MAX_SECTIONS, or
 *  0 < fc_hz < fs_hz / 2 fails (NaN included). [init] */
int ltri_cascade_add_butter_highpass(ltri_cascade *c, unsigned order, double fc_hz, double fs_hz);
int ltri_cascade_add_butter_lowpass(ltri_cascade *c, unsigned order, double fc_hz, double fs_hz);

/** Append a second-order notch at f0_hz whose -3 dB band is width_hz wide
 *  (RBJ Audio EQ Cookbook notch, Q = f0 / width corrected for the bilinear
 *  warping of the bandwidth, so the width holds exactly at any fs).
 *  Gain 1 at DC and Nyquist. Returns 0, or -1 (cascade unchanged) if it does
 *  not fit, 0 < f0_hz < fs_hz / 2 fails or 0 < width_hz < fs_hz / 2 fails. [init] */
int ltri_cascade_add_notch(ltri_cascade *c, double f0_hz, double width_hz, double fs_hz);

/** Zero a state. [RT] */
void ltri_cascade_state_reset(ltri_cascade_state *s);

/* Subnormal guard. A decaying state (silence, dropout) would otherwise
 * pass through subnormals, which cost ~100 cycles per operation on x86 and
 * leak into the output. Measured on the 12-section EMG chain at 50 kHz
 * (HP4 + LP4 + 8 notches) without a guard: after ~1 min of digital silence
 * (double), or at once with input noise around 1e-38 (float), all 24 states
 * are subnormal and a sample costs 59 ns instead of 27 ns.
 * (v + B) - B rounds v to a multiple of ulp(B) and leaves |v| >> B
 * untouched: ulp(2^-500) = 2^-552 for double, ulp(2^-37) >= 2^-61 for
 * float, far enough above the smallest normal that products with
 * coefficients >= 2^-41 (g^2 for fc >= 0.01 Hz at 50 kHz) stay normal.
 * From there a state needs hundreds of samples to decay into the subnormal
 * range (at least ~50 for float, even with poles at |z| = 0.4), so the states
 * are flushed every LTRI_FLUSH_PERIOD samples, not every sample: flushing
 * every sample cost 30% (35 vs 27 ns), this costs ~2%. The input (float
 * may be subnormal) and the output are flushed every sample, which is cheap.
 * No global FPU mode (FTZ/DAZ) is touched: the library owns no global
 * state. Needs strict IEEE evaluation (FLT_EVAL_METHOD 0, no -ffast-math /
 * -fassociative-math, which would fold the flush away). */
#ifdef LTRI_FILTER_DOUBLE
#define LTRI_STATE_BIAS 0x1p-500
#else
#define LTRI_STATE_BIAS 0x1p-37f
#endif
#define LTRI_FLUSH_PERIOD 16u
/* Output guard: ulp(2^-38) >= 2^-62, so a nonzero output is >= 2^-62 and its
 * square (energy, TKEO) >= 2^-124 is still a normal float. */
#define LTRI_OUT_BIAS 0x1p-38f

static inline ltri_real ltri_flush_state(ltri_real v)
{
    return (v + LTRI_STATE_BIAS) - LTRI_STATE_BIAS;
}

static inline float ltri_flush_out(float v)
{
    return (v + LTRI_OUT_BIAS) - LTRI_OUT_BIAS;
}

/* n sections, n a constant at each call site below: the loop is then unrolled
 * and the coefficients stay in registers across the chain (callgrind, 1 EMG
 * channel at 2 kHz, band-pass of 4 sections: the loop over a run-time count
 * cost 11 instructions a section more). */
static inline ltri_real ltri_run_sections(const ltri_biquad *restrict sec,
                                          ltri_real (*restrict z)[2], unsigned n, ltri_real y)
{
    /* Unrolled at gcc -O2 too (a firmware's usual level keeps the loop): on the
     * Cortex-M4F its counter and pointers cost 4 of a section's ~28 instructions (QEMU,
     * 1 EMG channel at 2 kHz: 1075 -> 1056 instructions a sample, +772 B of .text for
     * the single-column cascades of process_emg1 and condition_frame). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 8
#endif
    for (unsigned i = 0; i < n; i++) {
        const ltri_biquad *b = &sec[i];
        const ltri_real s1 = z[i][0], s2 = z[i][1];
        const ltri_real v = y - s2;
        z[i][0] = s1 + (b->e * v - b->d * s1);
        z[i][1] = s2 + (b->e * s1 + b->f * v);
        y = (b->cx * y + b->cs * s1) + b->cv * v;
    }
    return y;
}

/** Filter one sample. [RT] O(n_sections), no branch on data, no allocation;
 *  every 16th call also flushes the state (4 additions per section more).
 *  With 0 sections it returns x unchanged. Otherwise outputs smaller than
 *  about 1e-19 (input units) are returned as 0, so that neither the output
 *  nor its square is ever subnormal, and the state is kept free of
 *  subnormals (no slowdown on silence). A NaN or Inf input poisons the state
 *  until ltri_cascade_state_reset. Must not be compiled with -ffast-math.
 *  Inline: it runs twice per sample and channel, and a call cost as much
 *  as a section. */
/* The run with the section count n given by the caller, who knows it at compile time
 * (n >= 1): no dispatch, the sections unrolled in place. Sections kept outside a
 * ltri_cascade (a one-section smoother need not reserve LTRI_MAX_SECTIONS) run here. */
static inline float ltri_sections_run_zn(const ltri_biquad *sections, ltri_real (*z)[2],
                                         uint32_t *tick, float x, unsigned n)
{
    ltri_real y = ltri_flush_state((ltri_real)x); /* a subnormal float input */
    y = ltri_run_sections(sections, z, n, y);
    /* A counter branch, the same for any data; see the subnormal guard. */
    if (++*tick % LTRI_FLUSH_PERIOD == 0u) {
        for (unsigned i = 0; i < n; i++) {
            z[i][0] = ltri_flush_state(z[i][0]);
            z[i][1] = ltri_flush_state(z[i][1]);
        }
    }
    return ltri_flush_out((float)y);
}

static inline float ltri_sections_run_n(const ltri_biquad *sections, ltri_cascade_state *s,
                                        float x, unsigned n)
{
    return ltri_sections_run_zn(sections, s->z, &s->tick, x, n);
}

/* The same for a cascade of n sections (n == c->n_sections). */
static inline float ltri_cascade_run_n(const ltri_cascade *c, ltri_cascade_state *s, float x,
                                       unsigned n)
{
    return ltri_sections_run_n(c->sections, s, x, n);
}

static inline float ltri_cascade_run(const ltri_cascade *c, ltri_cascade_state *s, float x)
{
    /* A configuration branch, not a data branch: the detector's chains have 1 (envelope
     * smoother), 4 (EMG band-pass) or 5 (accelerometer band) sections. */
    switch (c->n_sections) {
    case 0: return x;
    case 1: return ltri_cascade_run_n(c, s, x, 1u);
    case 2: return ltri_cascade_run_n(c, s, x, 2u);
    case 4: return ltri_cascade_run_n(c, s, x, 4u);
    case 5: return ltri_cascade_run_n(c, s, x, 5u);
    default: return ltri_cascade_run_n(c, s, x, c->n_sections);
    }
}

/* Several channels through one cascade, side by side (structure of arrays): channel c's
 * state of section i is z[(2 i) * stride + c] (s1) and z[(2 i + 1) * stride + c] (s2);
 * x[0 .. n_ch-1] holds one sample of each channel in and its output out; *tick is the
 * channels' shared flush counter. Each channel gets exactly (bit for bit) what
 * ltri_sections_run_n gives it alone (same operations in the same order). Channels go
 * in groups of LTRI_SOA_GROUP, n_ch a multiple of it (unused columns filter zeros), so
 * that each group is one vector per operation (SSE, NEON) whatever the compiler's cost
 * model: a loop over a run-time channel count measured 60 instructions a section
 * (callgrind) where the groups take 12. n known at compile time (n >= 1). [RT] */
#define LTRI_SOA_GROUP 4u
/* Only where there are vector registers (SSE, NEON, AltiVec, RISC-V V): on a Cortex-M4F
 * the extension is lowered to scalar code that is larger than the plain loop (0.8 KiB of
 * flash, issue 10), for the same operations. */
#if defined(__GNUC__) && !defined(LTRI_FILTER_DOUBLE) && !defined(LTRI_SOA_PLAIN) &&             \
    (defined(__SSE2__) || defined(__ARM_NEON) || defined(__ALTIVEC__) || defined(__riscv_vector))
/* GCC and clang vector extensions: 4 floats, one SSE or NEON register. Element-wise
 * IEEE operations, so each channel still gets exactly the scalar result. LTRI_SOA_PLAIN
 * selects the plain C loop below (other compilers get it anyway); test_filter passes
 * with either. */
typedef float ltri_v4 __attribute__((vector_size(16)));
#define LTRI_SOA_VECTOR 1
#endif
static inline void ltri_sections_run_soa_n(const ltri_biquad *sections, ltri_real *restrict z,
                                           size_t stride, float *restrict x, unsigned n_ch,
                                           uint32_t *tick, unsigned n)
{
    for (unsigned g = 0; g < n_ch; g += LTRI_SOA_GROUP) {
#ifdef LTRI_SOA_VECTOR
        ltri_v4 y;
        memcpy(&y, &x[g], sizeof y);
        y = (y + LTRI_STATE_BIAS) - LTRI_STATE_BIAS; /* ltri_flush_state */
        for (unsigned i = 0; i < n; i++) {
            const ltri_biquad b = sections[i];
            ltri_real *z1 = z + (2u * i) * stride + g, *z2 = z1 + stride;
            ltri_v4 s1, s2;
            memcpy(&s1, z1, sizeof s1);
            memcpy(&s2, z2, sizeof s2);
            const ltri_v4 v = y - s2;
            const ltri_v4 n1 = s1 + (b.e * v - b.d * s1);
            const ltri_v4 n2 = s2 + (b.e * s1 + b.f * v);
            y = (b.cx * y + b.cs * s1) + b.cv * v;
            memcpy(z1, &n1, sizeof n1);
            memcpy(z2, &n2, sizeof n2);
        }
        y = (y + LTRI_OUT_BIAS) - LTRI_OUT_BIAS; /* ltri_flush_out */
        memcpy(&x[g], &y, sizeof y);
#else
        ltri_real y[LTRI_SOA_GROUP];
        for (unsigned c = 0; c < LTRI_SOA_GROUP; c++)
            y[c] = ltri_flush_state((ltri_real)x[g + c]);
        for (unsigned i = 0; i < n; i++) {
            const ltri_biquad b = sections[i];
            ltri_real *restrict z1 = z + (2u * i) * stride + g, *restrict z2 = z1 + stride;
            for (unsigned c = 0; c < LTRI_SOA_GROUP; c++) {
                const ltri_real s1 = z1[c], s2 = z2[c];
                const ltri_real v = y[c] - s2;
                z1[c] = s1 + (b.e * v - b.d * s1);
                z2[c] = s2 + (b.e * s1 + b.f * v);
                y[c] = (b.cx * y[c] + b.cs * s1) + b.cv * v;
            }
        }
        for (unsigned c = 0; c < LTRI_SOA_GROUP; c++)
            x[g + c] = ltri_flush_out((float)y[c]);
#endif
    }
    /* A counter branch, the same for any data; see the subnormal guard. */
    if (++*tick % LTRI_FLUSH_PERIOD == 0u)
        for (unsigned i = 0; i < 2u * n; i++)
            for (unsigned c = 0; c < n_ch; c++)
                z[i * stride + c] = ltri_flush_state(z[i * stride + c]);
}

/** Magnitude |H| of the cascade at f_hz, exactly as realised by the stored
 *  coefficients (design check, init time). [init] */
double ltri_cascade_gain(const ltri_cascade *c, double f_hz, double fs_hz);

/** Group delay of the cascade at f_hz, in samples, exactly as realised by the
 *  stored coefficients (analytic derivative of the phase). [init] */
double ltri_cascade_group_delay(const ltri_cascade *c, double f_hz, double fs_hz);

#endif /* LTR_CORE_FILTER_H */
