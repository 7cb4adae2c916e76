/*
 * Drawing the elements: each element adds its contribution to a chunk of
 * frames. Elements with random waveforms (twitch bursts, needle activity,
 * voluntary contractions) build them once, from their own random stream, the
 * first time a chunk touches them, and free them once passed: the samples do
 * not depend on how the recording is split into chunks, and memory stays
 * bounded by the elements under way. The others are computed sample by sample.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

uint32_t ltrs_kind_component(ltr_sim_kind kind)
{
    switch (kind) {
    case LTR_SIM_LTR: return LTR_SIM_C_LTR;
    case LTR_SIM_VOLUNTARY: return LTR_SIM_C_VOLUNTARY;
    case LTR_SIM_NEEDLE: return LTR_SIM_C_NEEDLE;
    case LTR_SIM_STIM: return LTR_SIM_C_STIM;
    case LTR_SIM_ECG: return LTR_SIM_C_ECG;
    case LTR_SIM_MOTION: return LTR_SIM_C_MOTION;
    case LTR_SIM_ELECTROLYSIS: return LTR_SIM_C_ELECTROLYSIS;
    case LTR_SIM_CLIP: return LTR_SIM_C_CLIP;
    case LTR_SIM_DROPOUT:
    case LTR_SIM_NAN: return LTR_SIM_C_DEFECTS;
    }
    return 0;
}

void ltrs_element_release(ltrs_element *e)
{
    free(e->emg);
    free(e->acc);
    e->emg = NULL;
    e->acc = NULL;
    e->built = 0;
}

static void normalise_rms(float *w, size_t n, double target)
{
    double ss = 0.0;
    for (size_t i = 0; i < n; i++)
        ss += (double)w[i] * (double)w[i];
    if (n == 0 || ss <= 0.0)
        return;
    const double g = target / sqrt(ss / (double)n);
    for (size_t i = 0; i < n; i++)
        w[i] = (float)((double)w[i] * g);
}

static void normalise_peak(float *w, size_t n, double target)
{
    double peak = 0.0;
    for (size_t i = 0; i < n; i++)
        peak = fmax(peak, fabs((double)w[i]));
    if (peak <= 0.0)
        return;
    const double g = target / peak;
    for (size_t i = 0; i < n; i++)
        w[i] = (float)((double)w[i] * g);
}

/* MUAP duration range of the electrode, s: needle 2-15 ms (normal MUAPs,
 * Daube & Rubin 2009); surface 8-25 ms (assumption: volume conduction through
 * the tissue widens them). */
static ltr_sim_range muap_duration(const ltr_sim *sim)
{
    ltr_sim_range r;
    if (sim->p.electrode == LTR_SIM_NEEDLE_ELECTRODE) {
        r.min = 0.002;
        r.max = 0.015;
    } else {
        r.min = 0.008;
        r.max = 0.025;
    }
    /* at least 4 samples per potential */
    const double floor_s = 4.0 / sim->fs;
    if (r.min < floor_s)
        r.min = floor_s;
    if (r.max < r.min)
        r.max = r.min;
    return r;
}

static double polyphasic_share(const ltr_sim *sim)
{
    /* up to 10-15 % of normal needle MUAPs are polyphasic (Daube & Rubin 2009) */
    return sim->p.electrode == LTR_SIM_NEEDLE_ELECTRODE ? 0.12 : 0.05;
}

/* --- LTR ------------------------------------------------------------------------ */

static int build_ltr(ltr_sim *sim, ltrs_element *e, ltrs_rng *rng)
{
    const ltr_sim_params *p = &sim->p;
    const double fs = sim->fs;
    if (p->n_emg > 0) {
        const size_t n = e->emg_len;
        e->emg = calloc(n, sizeof *e->emg);
        if (e->emg == NULL)
            return 0;
        const double dur = (double)n / fs;
        const unsigned units = ltrs_irange(rng, p->ltr_units);
        const ltr_sim_range dr = muap_duration(sim);
        for (unsigned u = 0; u < units; u++) {
            ltrs_muap m;
            double d = ltrs_logrange(rng, dr);
            if (d > dur)
                d = dur;
            ltrs_muap_draw(&m, rng, d, polyphasic_share(sim));
            /* motor-unit sizes spread ~5:1 (assumption after the exponential
             * distribution of unit sizes, Fuglevand et al. 1993) */
            const double amp = exp(log(5.0) * ltrs_uniform(rng));
            const double rate = ltrs_range(rng, p->ltr_unit_rate_hz);
            double t = 0.0;
            if (u > 0)
                t = fmax(0.0, fmin(0.3 * dur, dur - d)) * ltrs_uniform(rng);
            double last = -1.0;
            while (t + d <= dur + 1e-12) {
                ltrs_muap_add(e->emg, n, fs, &m, t, amp);
                last = t;
                double isi = (1.0 + 0.2 * ltrs_gauss(rng)) / rate;
                if (isi < 0.3 / rate)
                    isi = 0.3 / rate;
                t += isi;
            }
            /* the first unit also discharges at the very end: the burst spans
             * exactly [onset, onset + duration) */
            if (u == 0 && last < dur - d - 0.5 * d)
                ltrs_muap_add(e->emg, n, fs, &m, dur - d, amp);
        }
        normalise_rms(e->emg, n, e->p[LTRS_P_RMS_UV]);
    }
    if (p->acc && e->acc_len > 0) {
        /* Mechanical twitch: force f(t) = (t/T) exp(1 - t/T) (Fuglevand et al.
         * 1993); the skin's acceleration follows its second derivative,
         * (u - 2) exp(1 - u) / T^2 with u = t/T, seen through the soft tissue's
         * resonance (2nd-order low-pass, Q 1.5: a damped transient). */
        const size_t n = e->acc_len;
        e->acc = calloc(n, sizeof *e->acc);
        if (e->acc == NULL)
            return 0;
        const double tc = e->p[LTRS_P_CONTRACTION_S];
        ltrs_biquad res;
        ltrs_biquad_lowpass(&res, fs, e->p[LTRS_P_RESONANCE_HZ], 1.5);
        const size_t taper0 = n - n / 5;
        for (size_t i = 0; i < n; i++) {
            const double u = (double)i / fs / tc;
            double a = ltrs_biquad_run(&res, (u - 2.0) * exp(1.0 - u));
            if (i >= taper0)
                a *= 0.5 * (1.0 + cos(LTRS_PI * (double)(i - taper0) / (double)(n - taper0)));
            e->acc[i] = (float)a;
        }
        normalise_peak(e->acc, n, e->p[LTRS_P_ACC_G]);
    }
    return 1;
}

/* --- needle movement ------------------------------------------------------------------ */

static int build_needle(ltr_sim *sim, ltrs_element *e, ltrs_rng *rng)
{
    const ltr_sim_params *p = &sim->p;
    const double fs = sim->fs;
    if (p->n_emg > 0 && e->emg_len > 0) {
        const size_t n = e->emg_len;
        e->emg = calloc(n, sizeof *e->emg);
        if (e->emg == NULL)
            return 0;
        const double dur = (double)n / fs;
        /* electrode movement transient: a step decaying with tau, tapered to
         * exactly 0 over the last fifth of the element */
        const double sign = ltrs_uniform(rng) < 0.5 ? -1.0 : 1.0;
        const double tau = e->p[LTRS_P_TRANSIENT_TAU_S];
        const size_t taper0 = n - n / 5;
        for (size_t i = 0; i < n; i++) {
            double v = sign * e->p[LTRS_P_TRANSIENT_UV] * exp(-(double)i / fs / tau);
            if (i >= taper0)
                v *= 0.5 * (1.0 + cos(LTRS_PI * (double)(i - taper0) / (double)(n - taper0)));
            e->emg[i] = (float)v;
        }
        /* insertional activity: brief fiber potentials (1-4 ms, biphasic,
         * positive-going), rate 200/s decaying over the element (assumption on
         * rate and shape; duration from Daube & Rubin 2009 / Wheeless) */
        const double rate_max = 200.0;
        const double decay = dur / 3.0;
        double t = 0.0;
        for (;;) {
            t += ltrs_exponential(rng, 1.0 / rate_max);
            double d = 0.001 + 0.003 * ltrs_uniform(rng);
            if (d < 4.0 / fs)
                d = 4.0 / fs;
            const double accept = ltrs_uniform(rng);
            const double amp = e->p[LTRS_P_INSERTIONAL_UV] * (0.3 + 0.7 * ltrs_uniform(rng));
            if (t + d > dur)
                break;
            if (accept > exp(-t / decay))
                continue;
            ltrs_muap m;
            memset(&m, 0, sizeof m);
            m.order = 1;
            m.duration_s = d;
            m.sign = -1.0; /* positive phase first: hr1 is negative first */
            ltrs_muap_add(e->emg, n, fs, &m, t, amp);
        }
    }
    if (p->acc && e->acc_len > 0) {
        /* the hand's jolt on the needle: one smooth biphasic pulse */
        const size_t n = e->acc_len;
        e->acc = calloc(n, sizeof *e->acc);
        if (e->acc == NULL)
            return 0;
        ltrs_muap m;
        memset(&m, 0, sizeof m);
        m.order = 1;
        m.duration_s = (double)n / fs;
        m.sign = 1.0;
        ltrs_muap_add(e->acc, n, fs, &m, 0.0, e->p[LTRS_P_JOLT_G]);
    }
    return 1;
}

/* --- voluntary contraction ---------------------------------------------------------------- */

static double vol_envelope(double t, double dur, double up, double down)
{
    if (up > 0.45 * dur)
        up = 0.45 * dur;
    if (down > 0.45 * dur)
        down = 0.45 * dur;
    if (t < 0.0 || t >= dur)
        return 0.0;
    if (t < up)
        return 0.5 * (1.0 - cos(LTRS_PI * t / up));
    if (t > dur - down)
        return 0.5 * (1.0 - cos(LTRS_PI * (dur - t) / down));
    return 1.0;
}

static int build_voluntary(ltr_sim *sim, ltrs_element *e, ltrs_rng *rng)
{
    const ltr_sim_params *p = &sim->p;
    const double fs = sim->fs;
    const size_t n = e->emg_len;
    const double dur = (double)n / fs;
    const double up = e->p[7], down = e->p[8];
    if (p->n_emg > 0) {
        e->emg = calloc(n, sizeof *e->emg);
        if (e->emg == NULL)
            return 0;
        /* A pool of units recruited in order of size as the drive rises, each
         * firing 8-25 Hz with its excitation (onion-skin scheme, De Luca &
         * Hostage 2010), inter-spike CV 0.15. Surface electrodes see many units
         * (40), needle electrodes a few (12) (assumption). */
        const unsigned units = p->electrode == LTR_SIM_NEEDLE_ELECTRODE ? 12u : 40u;
        const ltr_sim_range dr = muap_duration(sim);
        for (unsigned u = 0; u < units; u++) {
            const double theta = 0.7 * (double)u / (double)units;
            const double amp = exp(2.0 * (double)u / (double)units);
            ltrs_muap m;
            ltrs_muap_draw(&m, rng, ltrs_logrange(rng, dr), polyphasic_share(sim));
            double t = 0.002 * ltrs_uniform(rng);
            while (t + m.duration_s < dur) {
                const double env = vol_envelope(t, dur, up, down);
                if (env <= theta) {
                    t += 0.005;
                    continue;
                }
                ltrs_muap_add(e->emg, n, fs, &m, t, amp);
                const double rate = 8.0 + 17.0 * (env - theta) / (1.0 - theta);
                double isi = (1.0 + 0.15 * ltrs_gauss(rng)) / rate;
                if (isi < 0.02)
                    isi = 0.02;
                t += isi;
            }
        }
        normalise_rms(e->emg, n, e->p[LTRS_P_RMS_UV]);
    }
    if (p->acc) {
        e->acc = calloc(n, sizeof *e->acc);
        if (e->acc == NULL)
            return 0;
        /* the limb moves (one smooth excursion and back) with physiological
         * tremor (8-12 Hz) riding on it, 10 % (assumption) */
        const double ftrem = 8.0 + 4.0 * ltrs_uniform(rng);
        const double ph = LTRS_TWO_PI * ltrs_uniform(rng);
        for (size_t i = 0; i < n; i++) {
            const double t = (double)i / fs;
            const double env = vol_envelope(t, dur, up, down);
            const double move = sin(LTRS_TWO_PI * t / dur) * sin(LTRS_PI * t / dur);
            e->acc[i] = (float)(move + 0.1 * env * sin(LTRS_TWO_PI * ftrem * t + ph));
        }
        normalise_peak(e->acc, n, e->p[LTRS_P_ACC_G]);
    }
    return 1;
}

static int build(ltr_sim *sim, ltrs_element *e)
{
    ltrs_rng rng;
    ltrs_rng_seed(&rng, sim->p.seed, LTRS_STREAM_ELEMENT, e->id);
    int ok = 1;
    switch (e->ev.kind) {
    case LTR_SIM_LTR: ok = build_ltr(sim, e, &rng); break;
    case LTR_SIM_NEEDLE: ok = build_needle(sim, e, &rng); break;
    case LTR_SIM_VOLUNTARY: ok = build_voluntary(sim, e, &rng); break;
    default: break;
    }
    if (!ok) {
        ltrs_element_release(e);
        return 0;
    }
    e->built = 1;
    return 1;
}

/* --- writing into the chunk ----------------------------------------------------------------- */

static void add_emg(ltr_sim *sim, double *frame, double uv)
{
    for (unsigned c = 0; c < sim->p.n_emg; c++)
        frame[c] += sim->emg_gain[c] * uv;
}

static void add_acc(ltr_sim *sim, double *frame, const double dir[3], double g)
{
    if (!sim->p.acc)
        return;
    double *a = frame + sim->p.n_emg;
    a[0] += g * dir[0];
    a[1] += g * dir[1];
    a[2] += g * dir[2];
}

static void unit_dir(const ltrs_element *e, double d[3])
{
    d[0] = e->p[LTRS_P_DIR_X];
    d[1] = e->p[LTRS_P_DIR_Y];
    d[2] = e->p[LTRS_P_DIR_Z];
    const double norm = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    if (norm > 0.0) {
        d[0] /= norm;
        d[1] /= norm;
        d[2] /= norm;
    }
}

/* Overlap length of [a0, a1) and [b0, b1). */
static double overlap(double a0, double a1, double b0, double b1)
{
    const double lo = fmax(a0, b0), hi = fmin(a1, b1);
    return hi > lo ? hi - lo : 0.0;
}

static void render_stim(ltr_sim *sim, const ltrs_element *e, uint64_t f0, uint64_t f1,
                        uint64_t c0, double *work)
{
    const ltr_sim_params *p = &sim->p;
    const double fs = sim->fs, h = 0.5 / fs;
    const unsigned n_ch = sim->n_ch;
    const double ts = (double)e->ev.onset / fs;
    const double rate = e->p[LTRS_P_RATE_HZ], w = e->p[LTRS_P_WIDTH_S];
    const long pulses = (long)e->p[LTRS_P_PULSES];
    const double a = e->p[LTRS_P_PULSE_UV];
    const double tail = p->stim_tail_ms / 1000.0;
    double dir[3];
    unit_dir(e, dir);
    /* the evoked M-wave: biphasic, 10 ms, 3 ms after the pulse (assumption) */
    ltrs_muap mw;
    memset(&mw, 0, sizeof mw);
    mw.order = 1;
    mw.duration_s = 0.010;
    mw.sign = -1.0;
    const double w_emg = 2.0 * w + 5.0 * tail + (p->stim_evoked_uv > 0.0 ? 0.015 : 0.0) + 2.0 * h;
    const double t0 = (double)f0 / fs, t1 = (double)f1 / fs;

    if (p->n_emg > 0) {
        long k_lo = (long)floor((t0 - w_emg - ts) * rate);
        long k_hi = (long)floor((t1 - ts) * rate);
        if (k_lo < 0)
            k_lo = 0;
        if (k_hi > pulses - 1)
            k_hi = pulses - 1;
        for (long k = k_lo; k <= k_hi; k++) {
            const double tk = ts + (double)k / rate;
            uint64_t g0 = (uint64_t)fmax(0.0, floor((tk - h) * fs));
            uint64_t g1 = (uint64_t)ceil((tk + w_emg) * fs) + 1;
            if (g0 < f0)
                g0 = f0;
            if (g1 > f1)
                g1 = f1;
            for (uint64_t f = g0; f < g1; f++) {
                const double tau = (double)f / fs - tk;
                /* the pulse as an ADC with an ideal anti-alias filter would see it:
                 * its area within the sample interval (area-preserving) */
                double v = a * fs * (overlap(tau - h, tau + h, 0.0, w) -
                                     overlap(tau - h, tau + h, w, 2.0 * w));
                /* amplifier recovery after the pulse (assumption: 20 %, tau = stim_tail_ms) */
                if (tail > 0.0 && tau >= 2.0 * w)
                    v += 0.2 * a * exp(-(tau - 2.0 * w) / tail);
                if (p->stim_evoked_uv > 0.0)
                    v += p->stim_evoked_uv * ltrs_muap_value(&mw, tau - 0.003);
                add_emg(sim, work + (size_t)(f - c0) * n_ch, v);
            }
        }
    }
    if (p->acc && p->stim_evoked_g > 0.0) {
        if (rate <= 10.0) {
            /* a twitch per pulse, 15 ms after it, ringing at 12 Hz (assumption) */
            long k_lo = (long)floor((t0 - 0.4 - ts) * rate);
            long k_hi = (long)floor((t1 - ts) * rate);
            if (k_lo < 0)
                k_lo = 0;
            if (k_hi > pulses - 1)
                k_hi = pulses - 1;
            for (long k = k_lo; k <= k_hi; k++) {
                const double tk = ts + (double)k / rate + 0.015;
                for (uint64_t f = f0; f < f1; f++) {
                    const double tau = (double)f / fs - tk;
                    if (tau < 0.0 || tau >= 0.4)
                        continue;
                    const double g = p->stim_evoked_g * exp(-tau / 0.04) *
                                     sin(LTRS_TWO_PI * 12.0 * tau) / 0.75;
                    add_acc(sim, work + (size_t)(f - c0) * n_ch, dir, g);
                }
            }
        } else {
            /* a fused (tetanic) contraction: the limb moves at the train's start
             * and back at its end */
            ltrs_muap m;
            memset(&m, 0, sizeof m);
            m.order = 1;
            m.duration_s = 0.3;
            m.sign = 1.0;
            const double tend = ts + (double)(pulses - 1) / rate;
            for (uint64_t f = f0; f < f1; f++) {
                const double t = (double)f / fs;
                const double g = p->stim_evoked_g *
                                 (ltrs_muap_value(&m, t - ts) - ltrs_muap_value(&m, t - tend));
                add_acc(sim, work + (size_t)(f - c0) * n_ch, dir, g);
            }
        }
    }
}

static void render_ecg(ltr_sim *sim, const ltrs_element *e, uint64_t f0, uint64_t f1,
                       uint64_t c0, double *work)
{
    /* PQRST as a sum of Gaussians (after McSharry et al. 2003), times relative
     * to the R peak, P and T scaled with sqrt(RR) (Bazett). Unit R height. */
    const double s = sqrt(e->p[LTRS_P_RR_S]);
    const double tw[5][3] = {
        /* centre s, width s, height */
        {-0.17 * s, 0.022, 0.12},
        {-0.028, 0.008, -0.12},
        {0.0, 0.009, 1.0},
        {0.030, 0.010, -0.30},
        {0.26 * s, 0.055 * s, 0.30},
    };
    const double tr = e->p[LTRS_P_R_TIME_S];
    for (uint64_t f = f0; f < f1; f++) {
        const double t = (double)f / sim->fs - tr;
        double v = 0.0;
        for (int i = 0; i < 5; i++) {
            const double x = (t - tw[i][0]) / tw[i][1];
            v += tw[i][2] * exp(-0.5 * x * x);
        }
        add_emg(sim, work + (size_t)(f - c0) * sim->n_ch, e->p[LTRS_P_R_UV] * v);
    }
}

static void render_motion(ltr_sim *sim, const ltrs_element *e, uint64_t f0, uint64_t f1,
                          uint64_t c0, double *work)
{
    /* four sines at 0.3-4 Hz (hand movement stays below 5 Hz), each along its
     * own direction, with 0.3 s raised-cosine edges; the EMG sees the first
     * direction's projection as a low-frequency artifact */
    ltrs_rng rng;
    ltrs_rng_seed(&rng, sim->p.seed, LTRS_STREAM_ELEMENT, e->id);
    double fr[4], ph[4], wt[4], dir[4][3], wsum = 0.0;
    for (int i = 0; i < 4; i++) {
        fr[i] = 0.3 + 3.7 * ltrs_uniform(&rng);
        ph[i] = LTRS_TWO_PI * ltrs_uniform(&rng);
        wt[i] = 0.2 + 0.8 * ltrs_uniform(&rng);
        ltrs_unit_vector(&rng, dir[i]);
        wsum += wt[i];
    }
    const double dur = (double)e->ev.duration / sim->fs;
    const double edge = fmin(0.3, 0.25 * dur);
    const double ts = (double)e->ev.onset / sim->fs;
    for (uint64_t f = f0; f < f1; f++) {
        const double t = (double)f / sim->fs - ts;
        double taper = 1.0;
        if (t < edge)
            taper = 0.5 * (1.0 - cos(LTRS_PI * t / edge));
        else if (t > dur - edge)
            taper = 0.5 * (1.0 - cos(LTRS_PI * (dur - t) / edge));
        double *frame = work + (size_t)(f - c0) * sim->n_ch;
        double emg = 0.0;
        for (int i = 0; i < 4; i++) {
            const double v = taper * wt[i] / wsum * sin(LTRS_TWO_PI * fr[i] * t + ph[i]);
            add_acc(sim, frame, dir[i], e->p[LTRS_P_PEAK_G] * v);
            emg += v;
        }
        add_emg(sim, frame, sim->p.motion_emg_uv * emg);
    }
}

static void render_electrolysis(ltr_sim *sim, const ltrs_element *e, uint64_t f0, uint64_t f1,
                                uint64_t c0, double *work)
{
    /* A DC offset far beyond the input range while the current flows, then the
     * amplifier's exponential recovery. Same on every EMG channel (the current
     * drives the common input). */
    const double level = e->ev.amplitude_uv * e->p[LTRS_P_SIGN];
    const double on = e->p[LTRS_P_ON_S], tau = e->p[LTRS_P_TAU_S];
    for (uint64_t f = f0; f < f1; f++) {
        const double t = (double)(f - e->ev.onset) / sim->fs;
        const double v = t < on ? level : level * exp(-(t - on) / tau);
        double *frame = work + (size_t)(f - c0) * sim->n_ch;
        for (unsigned c = 0; c < sim->p.n_emg; c++)
            frame[c] += v;
    }
}

static void render_clip(ltr_sim *sim, const ltrs_element *e, uint64_t f0, uint64_t f1,
                        uint64_t c0, double *work)
{
    /* EMG: a half-sine pulse of 1.5-4 x the input range (cable tug); the
     * accelerometer: a knock of twice its range over the first 20 ms */
    const double d = (double)e->ev.duration / sim->fs;
    const double a = e->ev.amplitude_uv * e->p[LTRS_P_SIGN];
    const double acc_a = 2.0 * (sim->p.acc_range_g > 0.0 ? sim->p.acc_range_g : 8.0);
    double dir[3];
    unit_dir(e, dir);
    ltrs_muap knock;
    memset(&knock, 0, sizeof knock);
    knock.order = 1;
    knock.duration_s = fmin(0.02, d);
    knock.sign = 1.0;
    for (uint64_t f = f0; f < f1; f++) {
        const double t = (double)(f - e->ev.onset) / sim->fs;
        double *frame = work + (size_t)(f - c0) * sim->n_ch;
        const double v = a * sin(LTRS_PI * t / d);
        for (unsigned c = 0; c < sim->p.n_emg; c++)
            frame[c] += v;
        add_acc(sim, frame, dir, acc_a * ltrs_muap_value(&knock, t));
    }
}

ltr_sim_status ltrs_render(ltr_sim *sim, ltrs_element *e, uint64_t c0, size_t n, double *work)
{
    if (!(sim->p.components & ltrs_kind_component(e->ev.kind)))
        return LTR_SIM_OK;
    const uint64_t f0 = e->start > c0 ? e->start : c0;
    const uint64_t f1 = e->end < c0 + n ? e->end : c0 + n;
    if (f0 >= f1)
        return LTR_SIM_OK;
    const unsigned n_ch = sim->n_ch;
    switch (e->ev.kind) {
    case LTR_SIM_LTR:
    case LTR_SIM_NEEDLE:
    case LTR_SIM_VOLUNTARY: {
        if (!e->built && !build(sim, e))
            return LTR_SIM_ERR_MEMORY;
        double dir[3];
        unit_dir(e, dir);
        for (uint64_t f = f0; f < f1; f++) {
            double *frame = work + (size_t)(f - c0) * n_ch;
            const uint64_t i = f - e->start;
            if (e->emg != NULL && i < e->emg_len)
                add_emg(sim, frame, (double)e->emg[i]);
            if (e->acc != NULL && i >= e->acc_off && i - e->acc_off < e->acc_len)
                add_acc(sim, frame, dir, (double)e->acc[i - e->acc_off]);
        }
        break;
    }
    case LTR_SIM_STIM: render_stim(sim, e, f0, f1, c0, work); break;
    case LTR_SIM_ECG: render_ecg(sim, e, f0, f1, c0, work); break;
    case LTR_SIM_MOTION: render_motion(sim, e, f0, f1, c0, work); break;
    case LTR_SIM_ELECTROLYSIS: render_electrolysis(sim, e, f0, f1, c0, work); break;
    case LTR_SIM_CLIP: render_clip(sim, e, f0, f1, c0, work); break;
    case LTR_SIM_DROPOUT:
    case LTR_SIM_NAN: break;
    }
    return LTR_SIM_OK;
}

void ltrs_render_loss(ltr_sim *sim, ltrs_element *e, uint64_t c0, size_t n, float *out)
{
    if (!(sim->p.components & LTR_SIM_C_DEFECTS))
        return;
    const uint64_t f0 = e->start > c0 ? e->start : c0;
    const uint64_t f1 = e->end < c0 + n ? e->end : c0 + n;
    if (f0 >= f1)
        return;
    const unsigned n_ch = sim->n_ch;
    if (e->ev.kind == LTR_SIM_NAN) {
        for (uint64_t f = f0; f < f1; f++)
            for (unsigned c = 0; c < n_ch; c++)
                out[(size_t)(f - c0) * n_ch + c] = NAN;
        return;
    }
    /* dropout: the value held is the last frame before it (already final,
     * elements are applied in onset order), or 0 */
    if (!e->built) {
        e->built = 1;
        for (unsigned c = 0; c < n_ch && c < LTRS_NP; c++) {
            double v = 0.0;
            if (sim->p.dropout_hold)
                v = e->start > c0 ? (double)out[(size_t)(e->start - c0 - 1) * n_ch + c]
                                  : (double)sim->prev_frame[c];
            e->p[c] = v;
        }
    }
    for (uint64_t f = f0; f < f1; f++)
        for (unsigned c = 0; c < n_ch && c < LTRS_NP; c++)
            out[(size_t)(f - c0) * n_ch + c] = (float)e->p[c];
}
