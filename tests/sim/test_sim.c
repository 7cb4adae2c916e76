/*
 * libltr-sim: reproducibility, block-size invariance, measured statistics
 * (duration, rate, SNR, background level, mains frequency) and ground truth
 * consistent with the samples.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ltr/ltr_sim.h"

#define TEST_PI 3.14159265358979323846

/* --- helpers ---------------------------------------------------------------- */

static ltr_sim *make(const ltr_sim_params *p)
{
    ltr_sim *sim = NULL;
    const ltr_sim_status st = ltr_sim_create(&sim, p);
    if (st != LTR_SIM_OK)
        fail_msg("ltr_sim_create: %s", ltr_sim_status_string(st));
    return sim;
}

/* The whole recording, generated in blocks of `block` frames. */
static float *render_all(ltr_sim *sim, size_t block, size_t *n_frames)
{
    const unsigned nch = ltr_sim_channels(sim);
    const uint64_t total = ltr_sim_total_frames(sim);
    float *buf = malloc((size_t)total * nch * sizeof *buf + 1);
    assert_non_null(buf);
    size_t done = 0;
    while (done < total) {
        size_t n = 0;
        assert_int_equal(ltr_sim_generate(sim, buf + done * nch, block, &n), LTR_SIM_OK);
        assert_true(n > 0);
        done += n;
    }
    size_t n = 1;
    assert_int_equal(ltr_sim_generate(sim, buf, block, &n), LTR_SIM_OK);
    assert_int_equal(n, 0);
    *n_frames = done;
    return buf;
}

static double rms(const float *buf, unsigned nch, unsigned ch, size_t from, size_t to)
{
    double ss = 0.0;
    for (size_t i = from; i < to; i++)
        ss += (double)buf[i * nch + ch] * (double)buf[i * nch + ch];
    return to > from ? sqrt(ss / (double)(to - from)) : 0.0;
}

/* Amplitude of a sinusoid at f (Hann-windowed Goertzel, 2|X|/sum(w)). */
static double tone(const float *buf, unsigned nch, unsigned ch, size_t from, size_t to, double fs,
                   double f)
{
    const double w = 2.0 * TEST_PI * f / fs, coeff = 2.0 * cos(w);
    double s1 = 0.0, s2 = 0.0, wsum = 0.0;
    const size_t n = to - from;
    for (size_t i = 0; i < n; i++) {
        const double win = 0.5 - 0.5 * cos(2.0 * TEST_PI * (double)i / (double)(n - 1));
        const double s0 = win * (double)buf[(from + i) * nch + ch] + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        wsum += win;
    }
    const double re = s1 - s2 * cos(w), im = s2 * sin(w);
    return 2.0 * sqrt(re * re + im * im) / wsum;
}

/* --- reproducibility -------------------------------------------------------------- */

static void test_same_seed_bit_identical_any_blocks(void **state)
{
    (void)state;
    ltr_sim_params p;
    assert_int_equal(ltr_sim_scenario("artifacts", &p), LTR_SIM_OK);
    p.duration_s = 20.0;
    p.stim_trains_per_min = 6.0; /* every kind at once */
    p.ecg_uv = 80.0;
    p.voluntary_per_min = 6.0;
    p.motion_per_min = 6.0;
    const size_t blocks[] = {100000, 1, 7, 333, 2048, 4097};
    float *ref = NULL;
    size_t n_ref = 0;
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
        ltr_sim *sim = make(&p);
        size_t n = 0;
        if (blocks[b] == 1) {
            /* 1-frame blocks over a 2 s stretch only (speed), then big blocks */
            const unsigned nch = ltr_sim_channels(sim);
            float *buf = malloc((size_t)ltr_sim_total_frames(sim) * nch * sizeof *buf);
            assert_non_null(buf);
            size_t done = 0, k = 0;
            while (done < ltr_sim_total_frames(sim)) {
                const size_t want = done < 4000 ? 1 : 1000;
                assert_int_equal(ltr_sim_generate(sim, buf + done * nch, want, &k), LTR_SIM_OK);
                done += k;
            }
            n = done;
            assert_int_equal(n, n_ref);
            assert_memory_equal(buf, ref, n * nch * sizeof *buf);
            free(buf);
        } else {
            float *buf = render_all(sim, blocks[b], &n);
            if (ref == NULL) {
                ref = buf;
                n_ref = n;
            } else {
                assert_int_equal(n, n_ref);
                assert_memory_equal(buf, ref, n * ltr_sim_channels(sim) * sizeof *buf);
                free(buf);
            }
        }
        ltr_sim_destroy(sim);
    }
    /* rewind replays the same samples; another seed gives others */
    ltr_sim *sim = make(&p);
    size_t n = 0;
    float *a = render_all(sim, 999, &n);
    ltr_sim_rewind(sim);
    float *b2 = render_all(sim, 1234, &n);
    assert_memory_equal(a, ref, n * ltr_sim_channels(sim) * sizeof *a);
    assert_memory_equal(b2, ref, n * ltr_sim_channels(sim) * sizeof *a);
    ltr_sim_destroy(sim);
    p.seed = 2;
    sim = make(&p);
    float *c = render_all(sim, 4096, &n);
    assert_true(memcmp(c, ref, n * ltr_sim_channels(sim) * sizeof *c) != 0);
    ltr_sim_destroy(sim);
    free(a);
    free(b2);
    free(c);
    free(ref);
}

/* Masking one component changes neither the truth nor the other components. */
static void test_components_independent(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_acc", &p);
    p.duration_s = 20.0;
    p.components = LTR_SIM_C_LTR;
    ltr_sim *s1 = make(&p);
    p.components = LTR_SIM_C_LTR | LTR_SIM_C_BACKGROUND | LTR_SIM_C_MAINS;
    ltr_sim *s2 = make(&p);
    p.components = LTR_SIM_C_BACKGROUND | LTR_SIM_C_MAINS;
    ltr_sim *s3 = make(&p);
    size_t n1, n2, t1, t2;
    const ltr_sim_event *e1 = ltr_sim_truth(s1, &t1);
    const ltr_sim_event *e2 = ltr_sim_truth(s2, &t2);
    assert_int_equal(t1, t2);
    assert_memory_equal(e1, e2, t1 * sizeof *e1);
    float *a = render_all(s1, 1000, &n1);
    float *b = render_all(s2, 3000, &n2);
    float *c = render_all(s3, 500, &n2);
    const unsigned nch = ltr_sim_channels(s1);
    double worst = 0.0;
    for (size_t i = 0; i < n1 * nch; i++)
        worst = fmax(worst, fabs((double)b[i] - (double)a[i] - (double)c[i]));
    assert_true(worst < 1e-5); /* float rounding of the sums only */
    free(a);
    free(b);
    free(c);
    ltr_sim_destroy(s1);
    ltr_sim_destroy(s2);
    ltr_sim_destroy(s3);
}

/* --- statistics --------------------------------------------------------------------- */

static void test_duration_and_rates(void **state)
{
    (void)state;
    const double rates[] = {250.0, 1000.0, 2000.0, 10000.0, 50000.0};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        ltr_sim_params p;
        ltr_sim_params_default(&p);
        p.sample_rate_hz = rates[r];
        p.duration_s = 1.37;
        p.acc = 1;
        p.electrode = rates[r] >= 4000.0 ? LTR_SIM_NEEDLE_ELECTRODE : LTR_SIM_SURFACE;
        ltr_sim *sim = make(&p);
        assert_int_equal(ltr_sim_channels(sim), 4);
        assert_int_equal(ltr_sim_channel_sensor(sim, 0), LTR_SENSOR_EMG);
        assert_int_equal(ltr_sim_channel_sensor(sim, 3), LTR_SENSOR_ACC);
        assert_int_equal(ltr_sim_total_frames(sim), (uint64_t)llround(1.37 * rates[r]));
        size_t n = 0;
        float *buf = render_all(sim, 777, &n);
        assert_int_equal(n, (size_t)llround(1.37 * rates[r]));
        assert_int_equal(ltr_sim_position(sim), n);
        for (size_t i = 0; i < n * 4; i++)
            assert_true(isfinite(buf[i]));
        /* gravity: |mean acceleration| is 1 g */
        double m[3] = {0, 0, 0};
        for (size_t i = 0; i < n; i++)
            for (int k = 0; k < 3; k++)
                m[k] += buf[i * 4 + 1 + (size_t)k] / (double)n;
        assert_float_equal(sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]), 1.0, 0.01);
        free(buf);
        ltr_sim_destroy(sim);
    }
}

/* Mains at the requested frequency and harmonic amplitudes, measured. */
static void test_mains_frequency(void **state)
{
    (void)state;
    const double freqs[] = {50.0, 60.0};
    for (int k = 0; k < 2; k++) {
        ltr_sim_params p;
        ltr_sim_params_default(&p);
        p.duration_s = 4.0;
        p.mains_hz = freqs[k];
        p.mains_uv = 100.0;
        p.components = LTR_SIM_C_MAINS;
        ltr_sim *sim = make(&p);
        size_t n = 0;
        float *buf = render_all(sim, 500, &n);
        const double f0 = freqs[k], other = freqs[1 - k];
        const double a1 = tone(buf, 1, 0, 0, n, p.sample_rate_hz, f0);
        const double a3 = tone(buf, 1, 0, 0, n, p.sample_rate_hz, 3.0 * f0);
        const double a2 = tone(buf, 1, 0, 0, n, p.sample_rate_hz, 2.0 * f0);
        assert_float_equal(a1, 0.100, 0.100 * 0.03); /* mV */
        assert_float_equal(a3, 0.100 * 0.35 * 0.35, 0.100 * 0.35 * 0.35 * 0.05);
        assert_float_equal(a2, 0.100 * 0.35 * 0.3, 0.100 * 0.35 * 0.3 * 0.05);
        assert_true(tone(buf, 1, 0, 0, n, p.sample_rate_hz, other) < 0.002);
        free(buf);
        ltr_sim_destroy(sim);
    }
}

/* Background RMS is the nominal one, and each twitch's burst RMS (hence its SNR)
 * is what the truth says; the burst is exactly inside its truth interval. */
static void test_snr_and_burst_truth(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_basic", &p);
    p.emg_tonic_log_sd = 0.0; /* a stationary background, to measure it exactly */
    p.components = LTR_SIM_C_BACKGROUND;
    ltr_sim *bg = make(&p);
    p.components = LTR_SIM_C_LTR;
    ltr_sim *tw = make(&p);
    size_t n = 0, nt = 0;
    float *b = render_all(bg, 4096, &n);
    float *t = render_all(tw, 4096, &n);
    const double bg_mv = rms(b, 1, 0, 0, n);
    assert_float_equal(bg_mv, ltr_sim_background_rms_uv(bg) * 1e-3, ltr_sim_background_rms_uv(bg) * 1e-3 * 0.03);
    const ltr_sim_event *ev = ltr_sim_truth(tw, &nt);
    size_t n_ltr = 0;
    size_t covered = 0;
    for (size_t i = 0; i < nt; i++) {
        if (ev[i].kind != LTR_SIM_LTR)
            continue;
        n_ltr++;
        const size_t a = (size_t)ev[i].onset, z = (size_t)(ev[i].onset + ev[i].duration);
        const double r = rms(t, 1, 0, a, z);
        assert_float_equal(r, ev[i].amplitude_uv * 1e-3, ev[i].amplitude_uv * 1e-3 * 0.002);
        const double snr = 20.0 * log10(r / bg_mv);
        assert_float_equal(snr, ev[i].snr_db, 0.3);
        assert_true(ev[i].snr_db >= p.ltr_snr_db.min - 20.0 && ev[i].snr_db <= p.ltr_snr_db.max + 1e-9);
        /* content right from the first and up to the last 5 % of the interval */
        const size_t q = (z - a) / 20 + 1;
        assert_true(rms(t, 1, 0, a, a + q) > 0.0);
        assert_true(rms(t, 1, 0, z - q, z) > 0.0);
        covered += z - a;
    }
    assert_true(n_ltr >= 5);
    /* nothing outside the truth intervals */
    size_t nonzero_outside = 0, k = 0;
    for (size_t i = 0; i < n; i++) {
        while (k < nt && (ev[k].kind != LTR_SIM_LTR || ev[k].onset + ev[k].duration <= i))
            k++;
        const int inside = k < nt && ev[k].onset <= i;
        if (!inside && t[i] != 0.0f)
            nonzero_outside++;
    }
    assert_int_equal(nonzero_outside, 0);
    assert_true(covered > 0);
    free(b);
    free(t);
    ltr_sim_destroy(bg);
    ltr_sim_destroy(tw);
}

/* Needle electrode: the end-plate noise's measured RMS matches the nominal background. */
static void test_needle_background_level(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("needle_10k", &p);
    p.duration_s = 20.0;
    p.emg_tonic_log_sd = 0.0;
    p.components = LTR_SIM_C_BACKGROUND;
    ltr_sim *sim = make(&p);
    size_t n = 0;
    float *b = render_all(sim, 4096, &n);
    const double want = ltr_sim_background_rms_uv(sim) * 1e-3;
    assert_true(want > 0.01); /* end-plate noise dominates the 3 + 3 uV */
    assert_float_equal(rms(b, 1, 0, 0, n), want, want * 0.10);
    free(b);
    ltr_sim_destroy(sim);
}

/* The accelerometer's twitch starts after the electromechanical delay, at the
 * truth's acc_onset, and peaks at acc_peak_g. */
static void test_acc_twitch_truth(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_acc", &p);
    p.components = LTR_SIM_C_LTR;
    ltr_sim *sim = make(&p);
    size_t n = 0, nt = 0;
    float *buf = render_all(sim, 4096, &n);
    const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
    const double fs = p.sample_rate_hz;
    size_t checked = 0;
    for (size_t i = 0; i < nt; i++) {
        if (ev[i].kind != LTR_SIM_LTR)
            continue;
        const uint64_t emd = ev[i].acc_onset - ev[i].emg_onset;
        assert_true(emd >= (uint64_t)floor(0.010 * fs) && emd <= (uint64_t)ceil(0.050 * fs));
        /* isolated twitch: nothing on the accelerometer from the EMG onset to acc_onset */
        if (i > 0 && ev[i - 1].kind == LTR_SIM_LTR && ev[i].onset - ev[i - 1].onset < 2 * fs)
            continue;
        for (uint64_t f = ev[i].emg_onset; f < ev[i].acc_onset; f++)
            for (int k = 1; k < 4; k++)
                assert_true(buf[f * 4 + (uint64_t)k] == 0.0f);
        double peak = 0.0;
        for (uint64_t f = ev[i].acc_onset; f < ev[i].acc_onset + (uint64_t)(0.5 * fs) && f < n; f++) {
            double m = 0.0;
            for (int k = 1; k < 4; k++)
                m += (double)buf[f * 4 + (uint64_t)k] * buf[f * 4 + (uint64_t)k];
            peak = fmax(peak, sqrt(m));
        }
        assert_float_equal(peak, ev[i].acc_peak_g, ev[i].acc_peak_g * 0.01 + 1e-6);
        assert_true(buf[ev[i].acc_onset * 4 + 1] != 0.0f || buf[ev[i].acc_onset * 4 + 2] != 0.0f);
        checked++;
    }
    assert_true(checked >= 2);
    free(buf);
    ltr_sim_destroy(sim);
}

/* Habituation: within a series each twitch is smaller than the one before. */
static void test_habituation(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_acc", &p);
    p.duration_s = 300.0;
    p.ltr_probability = 1.0;
    ltr_sim *sim = make(&p);
    size_t nt = 0, pairs = 0;
    const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
    const ltr_sim_event *prev = NULL;
    for (size_t i = 0; i < nt; i++) {
        if (ev[i].kind != LTR_SIM_LTR)
            continue;
        if (prev != NULL && ev[i].series_position == prev->series_position + 1) {
            const double ratio = ev[i].amplitude_uv / prev->amplitude_uv;
            assert_true(ratio >= p.ltr_habituation.min - 1e-9 && ratio <= p.ltr_habituation.max + 1e-9);
            pairs++;
        }
        prev = &ev[i];
    }
    assert_true(pairs >= 10);
    ltr_sim_destroy(sim);
}

/* Inter-twitch intervals in renewal mode are within the requested range (or a
 * series gap longer than it). */
static void test_intervals(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_basic", &p);
    p.duration_s = 600.0;
    ltr_sim *sim = make(&p);
    size_t nt = 0, n_ltr = 0;
    const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
    uint64_t last = 0;
    for (size_t i = 0; i < nt; i++) {
        if (ev[i].kind != LTR_SIM_LTR)
            continue;
        if (n_ltr > 0) {
            const double d = (double)(ev[i].onset - last) / p.sample_rate_hz;
            assert_true(d >= p.ltr_interval_s.min - 0.001);
            if (ev[i].series_position > 1)
                assert_true(d <= p.ltr_interval_s.max + 0.001);
        }
        last = ev[i].onset;
        n_ltr++;
    }
    /* mean interval ~ (1.5 + 8) / 2 plus gaps: between 40 and 200 twitches in 10 min */
    assert_true(n_ltr > 40 && n_ltr < 200);
    ltr_sim_destroy(sim);
}

/* Defects and artifacts are where the truth says they are. */
static void test_defect_truth(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("artifacts", &p);
    p.duration_s = 120.0;
    p.nan_per_min = 3.0;
    p.dropout_per_min = 3.0;
    p.stim_trains_per_min = 2.0;
    p.ecg_uv = 100.0;
    ltr_sim *sim = make(&p);
    size_t n = 0, nt = 0;
    float *buf = render_all(sim, 4096, &n);
    const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
    const unsigned nch = ltr_sim_channels(sim);
    unsigned char *in_nan = calloc(n, 1);
    assert_non_null(in_nan);
    size_t seen[LTR_SIM_N_KINDS] = {0};
    for (size_t i = 0; i < nt; i++) {
        const size_t a = (size_t)ev[i].onset, z = (size_t)(ev[i].onset + ev[i].duration);
        assert_true(z <= n);
        seen[ev[i].kind]++;
        switch (ev[i].kind) {
        case LTR_SIM_NAN:
            for (size_t f = a; f < z; f++) {
                in_nan[f] = 1;
                for (unsigned c = 0; c < nch; c++)
                    assert_true(isnan(buf[f * nch + c]));
            }
            break;
        case LTR_SIM_DROPOUT:
            for (size_t f = a + 1; f < z; f++)
                for (unsigned c = 0; c < nch; c++) {
                    const float x = buf[f * nch + c], y = buf[a * nch + c];
                    assert_true(x == y || (isnan(x) && isnan(y)));
                }
            break;
        case LTR_SIM_CLIP:
        case LTR_SIM_ELECTROLYSIS: {
            /* the EMG reaches the rail inside the interval */
            int rail = 0;
            for (size_t f = a; f < z && !rail; f++)
                rail = fabs(buf[f * nch]) >= (float)(p.adc_range_mv * (1.0 - 1e-4));
            assert_true(rail);
            break;
        }
        default:
            break;
        }
    }
    for (size_t f = 0; f < n; f++)
        if (!in_nan[f])
            for (unsigned c = 0; c < nch; c++)
                assert_false(isnan(buf[f * nch + c]));
    for (unsigned k = 0; k < LTR_SIM_N_KINDS; k++)
        if (k != LTR_SIM_VOLUNTARY && k != LTR_SIM_MOTION)
            assert_true(seen[k] > 0);
    /* 16-bit ADC: every EMG sample is a multiple of the LSB */
    const double lsb = 2.0 * p.adc_range_mv / 65536.0;
    for (size_t f = 0; f < n; f += 97) {
        const double v = buf[f * nch];
        if (!isnan(v))
            assert_float_equal(v / lsb, floor(v / lsb + 0.5), 1e-3);
    }
    free(in_nan);
    free(buf);
    ltr_sim_destroy(sim);
}

/* --- parameters, scenarios, truth file ------------------------------------------------------ */

static void test_params_rejected(void **state)
{
    (void)state;
    ltr_sim_params p;
    const char *what = NULL;
    ltr_sim_params_default(&p);
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_OK);
    p.sample_rate_hz = 100.0;
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_ERR_SAMPLE_RATE);
    ltr_sim_params_default(&p);
    p.duration_s = -1.0;
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_ERR_DURATION);
    ltr_sim_params_default(&p);
    p.n_emg = 0;
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_ERR_CHANNELS);
    ltr_sim_params_default(&p);
    p.ltr_habituation.max = 1.5;
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_ERR_PARAM);
    assert_string_equal(what, "ltr_habituation");
    ltr_sim_params_default(&p);
    p.mains_hz = 55.5e3;
    assert_int_equal(ltr_sim_params_check(&p, &what), LTR_SIM_ERR_PARAM);
    assert_string_equal(what, "mains_hz");
    ltr_sim *sim = (ltr_sim *)&p;
    assert_int_equal(ltr_sim_create(&sim, &p), LTR_SIM_ERR_PARAM);
    assert_null(sim);
    assert_int_equal(ltr_sim_create(NULL, &p), LTR_SIM_ERR_NULL);
}

static void test_scenarios(void **state)
{
    (void)state;
    assert_true(ltr_sim_scenario_count() >= 10);
    for (size_t i = 0; i < ltr_sim_scenario_count(); i++) {
        const char *name = ltr_sim_scenario_name(i);
        assert_non_null(name);
        assert_non_null(ltr_sim_scenario_description(i));
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(name, ltr_sim_scenario_name(j));
        ltr_sim_params p;
        assert_int_equal(ltr_sim_scenario(name, &p), LTR_SIM_OK);
        assert_int_equal(ltr_sim_params_check(&p, NULL), LTR_SIM_OK);
        ltr_sim *sim = make(&p);
        size_t nt = 0, n_ltr = 0;
        const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
        for (size_t k = 0; k < nt; k++) {
            n_ltr += ev[k].kind == LTR_SIM_LTR;
            if (k > 0)
                assert_true(ev[k].onset >= ev[k - 1].onset);
        }
        assert_true(n_ltr > 0);
        ltr_sim_destroy(sim);
    }
    ltr_sim_params p;
    assert_int_equal(ltr_sim_scenario("no such scenario", &p), LTR_SIM_ERR_SCENARIO);
    assert_null(ltr_sim_scenario_name(ltr_sim_scenario_count()));
    for (unsigned k = 0; k < LTR_SIM_N_KINDS; k++)
        assert_int_equal(ltr_sim_kind_from_name(ltr_sim_kind_name((ltr_sim_kind)k)), (int)k);
    assert_int_equal(ltr_sim_kind_from_name("twitchy"), -1);
}

static void test_events_tsv(void **state)
{
    (void)state;
    ltr_sim_params p;
    ltr_sim_scenario("surface_acc", &p);
    ltr_sim *sim = make(&p);
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ltr_sim_write_events_tsv(sim, f, 0), LTR_SIM_OK);
    rewind(f);
    char line[512];
    assert_non_null(fgets(line, sizeof line, f));
    assert_memory_equal(line, "onset\tduration\ttrial_type\t", 26);
    size_t lines = 0, nt = 0;
    const ltr_sim_event *ev = ltr_sim_truth(sim, &nt);
    while (fgets(line, sizeof line, f) != NULL) {
        double onset = 0.0, dur = 0.0;
        char kind[32];
        assert_int_equal(sscanf(line, "%lf\t%lf\t%31s", &onset, &dur, kind), 3);
        assert_true(lines < nt);
        assert_float_equal(onset, (double)ev[lines].onset / p.sample_rate_hz, 1e-6);
        assert_float_equal(dur, (double)ev[lines].duration / p.sample_rate_hz, 1e-6);
        assert_string_equal(kind, ltr_sim_kind_name(ev[lines].kind));
        lines++;
    }
    assert_int_equal(lines, nt);
    fclose(f);
    /* only the twitches */
    f = tmpfile();
    assert_non_null(f);
    assert_int_equal(ltr_sim_write_events_tsv(sim, f, 1u << LTR_SIM_LTR), LTR_SIM_OK);
    rewind(f);
    size_t n_ltr = 0;
    for (size_t i = 0; i < nt; i++)
        n_ltr += ev[i].kind == LTR_SIM_LTR;
    lines = 0;
    while (fgets(line, sizeof line, f) != NULL)
        lines++;
    assert_int_equal(lines, n_ltr + 1);
    fclose(f);
    ltr_sim_destroy(sim);
}

/* The 'sites' scenario: bouts begin with an insertion (series_position 1) at least
 * needle_bout_gap_s after the previous bout's activity; a site that misses gives no twitch,
 * about needle_site_miss of them; every twitch follows a needle movement of its site. */
static void test_sites(void **state)
{
    (void)state;
    ltr_sim_params p;
    assert_int_equal(ltr_sim_scenario("sites", &p), LTR_SIM_OK);
    p.duration_s = 600.0;
    p.components = 0; /* the schedule only */
    ltr_sim *sim;
    assert_int_equal(ltr_sim_create(&sim, &p), LTR_SIM_OK);
    size_t n;
    const ltr_sim_event *ev = ltr_sim_truth(sim, &n);
    const double fs = p.sample_rate_hz;
    unsigned sites = 0, without = 0, twitches_here = 0, last_pos = 0;
    double last_end = -1.0;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].kind == LTR_SIM_LTR) {
            assert_true(sites > 0);
            twitches_here++;
            continue;
        }
        if (ev[i].kind != LTR_SIM_NEEDLE)
            continue;
        const double t = (double)ev[i].onset / fs;
        if (ev[i].series_position == 1) {
            if (sites) {
                without += twitches_here == 0;
                assert_true(t - last_end >= p.needle_bout_gap_s.min - 1e-6);
            }
            sites++;
            twitches_here = 0;
        } else {
            assert_int_equal(ev[i].series_position, last_pos + 1);
            assert_true(t - last_end < 2.0); /* strokes of one bout: no site gap */
        }
        last_pos = ev[i].series_position;
        const double end = (double)(ev[i].onset + ev[i].duration) / fs;
        if (end > last_end)
            last_end = end;
    }
    print_message("sites: %u, %u without twitches\n", sites, without);
    assert_true(sites >= 40);
    /* misses (25 %) plus sites whose draws all failed */
    assert_true(without >= sites / 8 && without <= sites / 2);
    ltr_sim_destroy(sim);
    /* a recording without the site parameters is what it was (the gaps and misses draw
     * from their own stream): no site misses, exponential gaps */
    ltr_sim_params q;
    assert_int_equal(ltr_sim_scenario("heavy_needle", &q), LTR_SIM_OK);
    assert_true(q.needle_site_miss == 0.0 && q.needle_bout_gap_s.max == 0.0);
    q.needle_site_miss = 1.5;
    const char *what = NULL;
    assert_int_equal(ltr_sim_params_check(&q, &what), LTR_SIM_ERR_PARAM);
    assert_string_equal(what, "needle_site_miss");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_bit_identical_any_blocks),
        cmocka_unit_test(test_components_independent),
        cmocka_unit_test(test_duration_and_rates),
        cmocka_unit_test(test_mains_frequency),
        cmocka_unit_test(test_snr_and_burst_truth),
        cmocka_unit_test(test_needle_background_level),
        cmocka_unit_test(test_acc_twitch_truth),
        cmocka_unit_test(test_habituation),
        cmocka_unit_test(test_intervals),
        cmocka_unit_test(test_defect_truth),
        cmocka_unit_test(test_params_rejected),
        cmocka_unit_test(test_scenarios),
        cmocka_unit_test(test_events_tsv),
        cmocka_unit_test(test_sites),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
