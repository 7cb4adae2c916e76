/*
 * Tests of lib/core/artifact.c, driven directly: a noisy signal with defects at
 * known frames goes through ltri_artifact_step, and the frames that come out
 * blanked (their flags), the values that come out (sample-and-hold, never a bad
 * sample) and the clipping mark are checked: NaN runs, a stimulation pulse, a
 * dropout are blanked; clipping is flagged and not blanked.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "artifact.h"
#include "signals.h"

#define FS 2000.0
#define N 8000u /* 4 s */

typedef struct art_run {
    ltri_artifact_design d;
    ltri_artifact *a; /* ltri_artifact_size(&d) bytes */
    float out[N];
    uint32_t flags[N]; /* of input frame i (out and flags shifted back by the look-ahead) */
    unsigned clipped;  /* frames found clipped */
} art_run;

/* Gaussian noise of RMS 1 (a band-passed EMG background, seen raw). */
static float *noise_signal(uint64_t seed)
{
    float *x = sig_alloc(N, 1);
    sig_rng rng;
    sig_rng_seed(&rng, seed);
    for (unsigned i = 0; i < N; i++)
        x[i] = (float)sig_gauss(&rng);
    return x;
}

/* exact: every frame on the exact path (quiet_from reset before each step); quiet:
 * frames the quiet path could take (counted before each step) */
static art_run *run_paths(const float *x, double clip_level, int exact, unsigned *quiet)
{
    art_run *r = calloc(1, sizeof *r);
    assert_non_null(r);
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    cfg.clip_level = clip_level;
    ltri_artifact_design_init(&r->d, &cfg);
    r->a = malloc(ltri_artifact_size(&r->d));
    assert_non_null(r->a);
    ltri_artifact_reset(&r->d, r->a);
    const uint32_t la = r->d.lookahead;
    for (unsigned n = 0; n < N; n++) {
        uint32_t f;
        if (exact)
            r->a->quiet_from = UINT64_MAX;
        if (quiet)
            *quiet += n >= r->a->quiet_from;
        const float y = ltri_artifact_step(&r->d, r->a, x[n], n, 0, &f);
        r->clipped += r->a->last_clip == n + 1u;
        if (n >= la) {
            r->out[n - la] = y;
            r->flags[n - la] = f;
        }
    }
    return r;
}

static art_run *run(const float *x, double clip_level)
{
    return run_paths(x, clip_level, 0, NULL);
}

/* Blanked frames in [from, to), and outside it. */
static unsigned blanked(const art_run *r, unsigned from, unsigned to, uint32_t why)
{
    unsigned k = 0;
    for (unsigned i = from; i < to && i < N - r->d.lookahead; i++)
        k += (r->flags[i] & why) != 0;
    return k;
}

static void assert_all_finite(const art_run *r)
{
    for (unsigned i = 0; i < N - r->d.lookahead; i++)
        if (!isfinite(r->out[i]))
            fail_msg("frame %u: %g left the artifact stage", i, (double)r->out[i]);
}

/* Clean noise: nothing blanked, nothing flagged, the samples pass unchanged (less the
 * first sample, which the output is relative to). */
static void test_clean_passes(void **state)
{
    (void)state;
    float *x = noise_signal(1);
    art_run *r = run(x, 0.0);
    assert_int_equal(blanked(r, 0, N, ~0u), 0);
    assert_true(r->a->last_clip == 0);
    for (unsigned i = 0; i < N - r->d.lookahead; i++)
        assert_true(r->out[i] == x[i] - x[0]);
    free(r->a);
    free(r);
    sig_free(x);
}

/* A 5 ms NaN run is blanked, frame for frame, and the held value comes out. */
static void test_nan_run_blanked(void **state)
{
    (void)state;
    float *x = noise_signal(2);
    sig_set_nan(x, N, 1, 0, FS, 1.0, 0.005);
    const unsigned from = (unsigned)sig_frame(1.0, FS), to = (unsigned)sig_frame(1.005, FS);
    art_run *r = run(x, 0.0);
    assert_int_equal(blanked(r, from, to, LTR_FLAG_NONFINITE), to - from);
    assert_int_equal(blanked(r, 0, N, ~0u), to - from);
    assert_all_finite(r);
    for (unsigned i = from; i < to; i++)
        assert_true(r->out[i] == x[from - 1] - x[0]); /* sample-and-hold */
    free(r->a);
    free(r);
    sig_free(x);
}

/* A biphasic stimulation pulse (300x the noise) is blanked with its tail
 * (stim_blank_ms, 15 ms, from its second edge), flagged STIM, and judged a pulse at the
 * end of the blanking, never an electrode step; what comes out stays at noise level.
 * Phases of 2 frames (1 ms), and of one frame (200 us at 2 kHz: the second edge
 * follows the first at once; judged an electrode step before dcbf501). */
static void test_stim_pulse_blanked(void **state)
{
    (void)state;
    const double widths[2] = {1e-3, 200e-6};
    for (unsigned w = 0; w < 2; w++) {
        float *x = noise_signal(3);
        sig_add_stim_pulses(x, N, 1, 0, FS, 2.0, 2.0001, 1.0, widths[w], 300.0);
        const unsigned at = (unsigned)sig_frame(2.0, FS);
        art_run *r = run(x, 0.0);
        const unsigned span = blanked(r, at - 2, at + 45, LTR_FLAG_STIM);
        if (!(span >= 32 && span <= 38))
            fail_msg("width %g s: %u frames blanked as STIM, expected 2-4 + 30 (15 ms)",
                     widths[w], span);
        assert_true(blanked(r, at - 2, at + 45, LTRI_REASON_PULSE) > 0);
        assert_int_equal(blanked(r, at - 2, at + 45, LTR_FLAG_NEEDLE), 0);
        assert_int_equal(blanked(r, 0, N, ~0u), span);
        for (unsigned i = at - 2; i < at + 45; i++)
            if (fabsf(r->out[i]) > 8.0f)
                fail_msg("frame %u: %g passed (the pulse is 300)", i, (double)r->out[i]);
        free(r->a);
        free(r);
        sig_free(x);
    }
}

/* A stimulation pulse the anti-alias filter smeared (its phases cancel within a frame):
 * what remains rises in 2 frames to 60x the noise, the largest jump 30 (under the
 * 40 dB single-jump rule), and decays as the amplifier recovers (tau 3 ms). It is
 * blanked from its rise with its tail, judged a pulse. A biphasic motor-unit potential
 * of the same peak (Hermite-Rodriguez, 6 ms: a large MUAP rising as fast) is not: it
 * turns and crosses back as steeply as it rose. */
static void test_smeared_pulse_blanked_muap_not(void **state)
{
    (void)state;
    const unsigned at = (unsigned)sig_frame(2.0, FS);
    float *x = noise_signal(4);
    x[at] += 30.0f;
    for (unsigned k = 0; k < 60; k++)
        x[at + 1 + k] += (float)(60.0 * exp(-(double)k / (3e-3 * FS)));
    art_run *r = run(x, 0.0);
    const unsigned span = blanked(r, at - 2, at + 60, LTR_FLAG_STIM);
    if (!(span >= 30 && span <= 40))
        fail_msg("%u frames blanked as STIM, expected the rise, 3 tail frames and 30 (15 ms)",
                 span);
    assert_true(blanked(r, at, at + 1, LTR_FLAG_STIM) == 1); /* from its rise */
    assert_true(blanked(r, at - 2, at + 60, LTRI_REASON_PULSE) > 0);
    assert_int_equal(blanked(r, at - 2, at + 60, LTR_FLAG_NEEDLE), 0);
    assert_int_equal(blanked(r, 0, N, ~0u), span);
    free(r->a);
    free(r);
    sig_free(x);

    for (unsigned phase = 0; phase < 4; phase++) {
        float *m = noise_signal(4);
        const double lambda = 1e-3, tc = 2.0 + 0.25e-3 * phase; /* 6 ms, 4 sampling phases */
        for (unsigned i = at - 20; i < at + 20; i++) {
            const double u = ((double)i / FS - tc) / lambda;
            m[i] += (float)(60.0 * u * exp(-u * u) / 0.42888194248035300);
        }
        art_run *q = run(m, 0.0);
        if (blanked(q, 0, N, ~0u) != 0)
            fail_msg("phase %u: %u frames of a MUAP blanked", phase, blanked(q, 0, N, ~0u));
        free(q->a);
        free(q);
        sig_free(m);
    }
}

/* A 100 ms dropout (the channel stuck at a value) is blanked from its start to its
 * end once it has lasted dropout_ms (20). */
static void test_dropout_blanked(void **state)
{
    (void)state;
    float *x = noise_signal(4);
    sig_set_dropout(x, N, 1, 0, FS, 1.5, 0.1, 0.3f);
    const unsigned from = (unsigned)sig_frame(1.5, FS), to = (unsigned)sig_frame(1.6, FS);
    art_run *r = run(x, 0.0);
    const unsigned k = blanked(r, from, to, LTR_FLAG_DROPOUT);
    /* the line is 1 ms: the first frames of the run leave it before it is known */
    if (!(k >= (to - from) - 45 && k <= to - from))
        fail_msg("%u of %u stuck frames blanked", k, to - from);
    assert_int_equal(blanked(r, to, N, ~0u), 0);
    assert_int_equal(blanked(r, 0, from, ~0u), 0);
    free(r->a);
    free(r);
    sig_free(x);
}

/* A burst (25 Hz, amplitude 10, 200 ms) out of quiet noise, clipped at 5 by the
 * amplifier: flagged (runs of equal values far from the baseline, or the device's
 * clip level), never blanked, passed unchanged; the same burst unclipped is not
 * flagged. */
static void test_clipping_flagged_not_blanked(void **state)
{
    (void)state;
    float *x = noise_signal(5);
    const unsigned from = (unsigned)sig_frame(1.0, FS), to = (unsigned)sig_frame(1.2, FS);
    for (unsigned i = 0; i < N; i++)
        x[i] *= 0.01f;
    for (unsigned i = from; i < to; i++)
        x[i] += (float)(10.0 * sin(2.0 * 3.14159265358979 * 25.0 * (i - from) / FS));
    art_run *clean = run(x, 0.0);
    assert_true(clean->a->last_clip == 0);
    assert_int_equal(blanked(clean, 0, N, ~0u), 0);
    free(clean->a);
    free(clean);
    assert_true(sig_clip(x, N, 1, 0, 5.0) > 100);
    for (unsigned k = 0; k < 2; k++) {
        art_run *r = run(x, k ? 5.0 : 0.0); /* unknown, then the device's clip level */
        if (!(r->a->last_clip > from && r->a->last_clip <= to))
            fail_msg("last clipped frame %llu, expected in the burst [%u, %u)",
                     (unsigned long long)r->a->last_clip, from, to);
        assert_int_equal(blanked(r, 0, N, ~0u), 0);
        for (unsigned i = 0; i < N - r->d.lookahead; i++)
            assert_true(r->out[i] == x[i] - x[0]); /* passed unchanged */
        free(r->a);
        free(r);
    }
    sig_free(x);
}

/* An electrode step (a needle movement): 300x the noise in one frame, relaxing with tau
 * 30 ms. It is blanked and judged a step (NEEDLE) at the end of the blanking, and what
 * is left of it (74 % of the step then) is subtracted from what follows: the output
 * goes on at noise level instead of stepping when the blanking ends. */
static void test_electrode_step_subtracted(void **state)
{
    (void)state;
    float *x = noise_signal(7);
    const unsigned at = (unsigned)sig_frame(2.0, FS);
    for (unsigned i = at; i < N; i++)
        x[i] += 300.0f * expf(-(float)(i - at) / (float)(0.030 * FS));
    art_run *r = run(x, 0.0);
    assert_true(blanked(r, at - 2, at + 45, LTR_FLAG_NEEDLE) > 0);
    assert_int_equal(blanked(r, at - 2, at + 45, LTRI_REASON_PULSE), 0);
    const float held = r->out[at - 3];
    for (unsigned i = at - 2; i < at + 400; i++)
        if (fabsf(r->out[i] - held) > 12.0f)
            fail_msg("frame %u: %g after the step (held %g; the step is 300)", i,
                     (double)r->out[i], (double)held);
    free(r->a);
    free(r);
    sig_free(x);
}

/* A step that relaxes fast (tau 6 ms, 8 % left when the 15 ms blanking ends: judged a
 * pulse before) is still a step: at a quarter of the blanking it held 53 % of its
 * peak, on the same side, where a pulse's tail is down to a few per cent. */
static void test_fast_step_is_needle(void **state)
{
    (void)state;
    float *x = noise_signal(8);
    const unsigned at = (unsigned)sig_frame(2.0, FS);
    for (unsigned i = at; i < N; i++)
        x[i] += 300.0f * expf(-(float)(i - at) / (float)(0.006 * FS));
    art_run *r = run(x, 0.0);
    assert_true(blanked(r, at - 2, at + 45, LTR_FLAG_NEEDLE) > 0);
    assert_int_equal(blanked(r, at - 2, at + 45, LTRI_REASON_PULSE), 0);
    free(r->a);
    free(r);
    sig_free(x);
}

/* The quiet path (frames with no artifact in sight) and the exact path agree, frame for
 * frame, bit for bit, on a signal with every defect: stimulation pulses (a lone one and
 * a train), a smeared pulse, an electrode step, a NaN run, a dropout, a clipped burst
 * (the clip level unknown, then known); and the quiet path takes most frames. */
static void test_quiet_path_exact(void **state)
{
    (void)state;
    float *x = noise_signal(9);
    sig_add_stim_pulses(x, N, 1, 0, FS, 0.5, 0.5001, 1.0, 200e-6, 300.0);
    sig_add_stim_pulses(x, N, 1, 0, FS, 0.8, 0.9, 40.0, 200e-6, 300.0);
    const unsigned smear = (unsigned)sig_frame(1.2, FS);
    for (unsigned i = smear; i < N; i++) /* rises in 2 frames to 60, decays (tau 3 ms) */
        x[i] += i == smear ? 30.0f : 60.0f * expf(-(float)(i - smear - 1) / (float)(0.003 * FS));
    const unsigned step = (unsigned)sig_frame(1.6, FS);
    for (unsigned i = step; i < N; i++)
        x[i] += 300.0f * expf(-(float)(i - step) / (float)(0.030 * FS));
    const unsigned nan_at = (unsigned)sig_frame(2.2, FS), drop_at = (unsigned)sig_frame(2.6, FS);
    for (unsigned i = nan_at; i < nan_at + 10; i++)
        x[i] = NAN;
    for (unsigned i = drop_at; i < drop_at + 200; i++)
        x[i] = x[drop_at - 1];
    const unsigned burst = (unsigned)sig_frame(3.2, FS);
    for (unsigned i = burst; i < burst + 400; i++) { /* at the rail (40) over its peaks */
        x[i] += (float)(50.0 * sin(2.0 * 3.14159265358979 * 25.0 * (i - burst) / FS));
        x[i] = fminf(fmaxf(x[i], -40.0f), 40.0f);
    }
    for (unsigned k = 0; k < 2; k++) {
        unsigned quiet = 0;
        art_run *q = run_paths(x, k ? 40.0 : 0.0, 0, &quiet);
        art_run *e = run_paths(x, k ? 40.0 : 0.0, 1, NULL);
        assert_true(quiet > N / 2);
        assert_true(blanked(e, 0, N, LTR_FLAG_STIM) > 0);
        assert_true(blanked(e, 0, N, LTR_FLAG_NEEDLE) > 0);
        assert_true(blanked(e, 0, N, LTR_FLAG_NONFINITE) > 0);
        assert_true(blanked(e, 0, N, LTR_FLAG_DROPOUT) > 0);
        assert_true(e->a->last_clip > burst);
        assert_true(q->a->last_clip == e->a->last_clip);
        assert_int_equal(q->clipped, e->clipped);
        for (unsigned i = 0; i < N - e->d.lookahead; i++)
            if (!(q->out[i] == e->out[i] && q->flags[i] == e->flags[i]))
                fail_msg("clip level %u, frame %u: quiet path %g (flags %x), exact %g (%x)", k, i,
                         (double)q->out[i], q->flags[i], (double)e->out[i], e->flags[i]);
        free(q->a);
        free(q);
        free(e->a);
        free(e);
    }
    sig_free(x);
}

/* The level-step test: a surface electrode's step (12x the raw background's RMS, relaxing
 * over 20 ms) is found within 20 ms; a zero-mean 100 Hz burst five times the background
 * with a smooth 60 ms envelope (a twitch's EMG) is not. */
static void test_level_step_not_burst(void **state)
{
    (void)state;
    ltr_config cfg;
    assert_int_equal(ltr_config_default(&cfg, FS, 1, NULL), LTR_OK);
    ltri_artifact_design d;
    ltri_artifact_design_init(&d, &cfg);
    float *x = noise_signal(7);
    for (unsigned i = 4000; i < 4120; i++)
        x[i] += 5.0f * (float)(sin(3.14159265358979 * (i - 4000) / 120.0) *
                               sin(2.0 * 3.14159265358979 * 100.0 * (i - 4000) / FS));
    for (unsigned i = 6000; i < N; i++)
        x[i] += 12.0f * (float)exp(-(double)(i - 6000) / (0.02 * FS));
    ltri_level lv;
    memset(&lv, 0, sizeof lv);
    unsigned burst = 0, step = 0;
    for (unsigned i = 0; i < N; i++) {
        const int f = ltri_artifact_level_step(&d, &lv, x[i]);
        burst += f && i >= 4000 && i < 4400;
        step += f && i >= 6000 && i < 6040;
    }
    assert_int_equal(burst, 0);
    assert_int_equal(step, 1);
    sig_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_passes),
        cmocka_unit_test(test_nan_run_blanked),
        cmocka_unit_test(test_stim_pulse_blanked),
        cmocka_unit_test(test_smeared_pulse_blanked_muap_not),
        cmocka_unit_test(test_dropout_blanked),
        cmocka_unit_test(test_clipping_flagged_not_blanked),
        cmocka_unit_test(test_electrode_step_subtracted),
        cmocka_unit_test(test_fast_step_is_needle),
        cmocka_unit_test(test_quiet_path_exact),
        cmocka_unit_test(test_level_step_not_burst),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
