/*
 * The simulator object: background processes (tonic EMG, amplifier noise,
 * end-plate noise, mains, baseline wander, accelerometer noise and gravity),
 * streaming generation in chunks, and the output stage (ADC range,
 * quantisation, data loss).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Block-size invariance: every background process advances one frame at a
 * time from its own random stream, slow processes are updated at fixed
 * "ticks" (about 1 ms, counted from frame 0) and interpolated in between, and
 * elements draw their random waveforms from their own streams: whatever the
 * split into ltr_sim_generate calls, the same frames come out.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- background -------------------------------------------------------------- */

static void emg_band(const ltr_sim *sim, double *lo, double *hi)
{
    const ltr_sim_params *p = &sim->p;
    *lo = p->emg_band_lo_hz > 0.0 ? p->emg_band_lo_hz : 20.0;
    *hi = p->emg_band_hi_hz > 0.0 ? p->emg_band_hi_hz
                                  : (p->electrode == LTR_SIM_NEEDLE_ELECTRODE ? 5000.0 : 450.0);
    if (*hi > 0.45 * sim->fs)
        *hi = 0.45 * sim->fs;
    if (*lo > 0.5 * *hi)
        *lo = 0.5 * *hi;
}

static void design_band(const ltr_sim *sim, ltrs_emg_state *st)
{
    double lo, hi;
    emg_band(sim, &lo, &hi);
    ltrs_biquad_highpass(&st->hp[0], sim->fs, lo, LTRS_BW4_Q1);
    ltrs_biquad_highpass(&st->hp[1], sim->fs, lo, LTRS_BW4_Q2);
    ltrs_biquad_lowpass(&st->lp[0], sim->fs, hi, LTRS_BW4_Q1);
    ltrs_biquad_lowpass(&st->lp[1], sim->fs, hi, LTRS_BW4_Q2);
    st->use_lp = 1;
}

static double band_run(ltrs_emg_state *st, double x)
{
    x = ltrs_biquad_run(&st->hp[0], x);
    x = ltrs_biquad_run(&st->hp[1], x);
    x = ltrs_biquad_run(&st->lp[0], x);
    return ltrs_biquad_run(&st->lp[1], x);
}

static double wander_step(ltrs_emg_state *st, double b)
{
    const double g = ltrs_gauss(&st->wander_rng);
    st->wander_s1 = b * st->wander_s1 + (1.0 - b) * g;
    st->wander_s2 = b * st->wander_s2 + (1.0 - b) * st->wander_s1;
    return st->wander_s2;
}

/* End-plate potentials as impulse responses of pole chains (a = exp(-1/(tau fs))):
 * a miniature end-plate potential -e (t/tau) exp(-t/tau), tau = 0.3 ms (lasting
 * 1-2 ms, monophasic negative), an end-plate spike -(x - x^2/2) exp(-x) / 0.2306,
 * x = t / 0.7 ms (3-5 ms, negative then positive). Peak |value| 1 per unit impulse. */
#define MEPP_TAU_S 0.0003
#define SPIKE_TAU_S 0.0007
#define SPIKE_PEAK 0.23061395567830254

static void endplate_constants(ltr_sim *sim)
{
    const double fs = sim->fs;
    sim->mepp_a = exp(-1.0 / (MEPP_TAU_S * fs));
    sim->spike_a = exp(-1.0 / (SPIKE_TAU_S * fs));
    sim->spike_tau_s = SPIKE_TAU_S;
    sim->mepp_scale = exp(1.0) / MEPP_TAU_S;
    sim->spike_scale = 1.0 / SPIKE_PEAK;
    /* mean and variance by Campbell's theorem on the discrete responses */
    double s1 = 1.0, s2 = 0.0, sum = 0.0, sum2 = 0.0;
    double t1 = 1.0, t2 = 0.0, t3 = 0.0, ssum = 0.0, ssum2 = 0.0;
    const size_t n = (size_t)(0.05 * fs) + 16;
    for (size_t i = 0; i < n; i++) {
        const double h = -sim->mepp_scale * s2;
        sum += h;
        sum2 += h * h;
        s2 = sim->mepp_a * (s2 + s1 / fs);
        s1 *= sim->mepp_a;
        const double x = t2 / SPIKE_TAU_S - t3 / (2.0 * SPIKE_TAU_S * SPIKE_TAU_S);
        const double hs = -sim->spike_scale * x;
        ssum += hs;
        ssum2 += hs * hs;
        t3 = sim->spike_a * (t3 + 2.0 * t2 / fs + t1 / (fs * fs));
        t2 = sim->spike_a * (t2 + t1 / fs);
        t1 *= sim->spike_a;
    }
    const ltr_sim_params *p = &sim->p;
    const ltr_sim_range na = p->endplate_noise_uv, sa = p->endplate_spike_uv;
    const double ea = 0.5 * (na.min + na.max);
    const double ea2 = (na.min * na.min + na.min * na.max + na.max * na.max) / 3.0;
    const double es2 = (sa.min * sa.min + sa.min * sa.max + sa.max * sa.max) / 3.0;
    const double lm = p->endplate_noise_rate_hz / fs, ls = p->endplate_spike_rate_hz / fs;
    sim->mepp_mean = lm * ea * sum + ls * 0.5 * (sa.min + sa.max) * ssum;
    double var = lm * ea2 * sum2 + ls * es2 * ssum2;
    sim->ep_rms_uv = p->electrode == LTR_SIM_NEEDLE_ELECTRODE ? sqrt(var) : 0.0;
}

static void background_init(ltr_sim *sim)
{
    const ltr_sim_params *p = &sim->p;
    const double fs = sim->fs;
    sim->tick = (uint64_t)llround(fs / 1000.0);
    if (sim->tick < 1)
        sim->tick = 1;
    const double tick_s = (double)sim->tick / fs;
    sim->tonic_a = exp(-tick_s / p->emg_tonic_period_s);
    sim->wander_a = exp(-LTRS_TWO_PI * p->wander_hz * tick_s);
    {
        const double b = sim->wander_a;
        const double e = pow(1.0 - b, 4.0) * (1.0 + b * b) / pow(1.0 - b * b, 3.0);
        sim->wander_norm = 1.0 / sqrt(e);
    }
    endplate_constants(sim);

    for (unsigned c = 0; c < p->n_emg; c++) {
        ltrs_emg_state *st = &sim->emg[c];
        memset(st, 0, sizeof *st);
        ltrs_rng_seed(&st->noise_rng, p->seed, LTRS_STREAM_EMG_NOISE, c);
        ltrs_rng_seed(&st->amp_rng, p->seed, LTRS_STREAM_AMP_NOISE, c);
        ltrs_rng_seed(&st->tonic_rng, p->seed, LTRS_STREAM_TONIC, c);
        ltrs_rng_seed(&st->ep_rng, p->seed, LTRS_STREAM_ENDPLATE, c);
        ltrs_rng_seed(&st->wander_rng, p->seed, LTRS_STREAM_WANDER, c);
        /* 1 / RMS of unit white noise through the band: the impulse response energy */
        design_band(sim, st);
        double e = 0.0;
        const size_t n = (size_t)fs + 1000;
        for (size_t i = 0; i < n; i++) {
            const double h = band_run(st, i == 0 ? 1.0 : 0.0);
            e += h * h;
        }
        st->noise_norm = e > 0.0 ? 1.0 / sqrt(e) : 0.0;
        /* start stationary: run the filters in on their own noise */
        design_band(sim, st);
        const size_t warm = (size_t)(0.25 * fs);
        for (size_t i = 0; i < warm; i++)
            (void)band_run(st, ltrs_gauss(&st->noise_rng));
        st->tonic_y0 = ltrs_gauss(&st->tonic_rng);
        st->tonic_y1 = sim->tonic_a * st->tonic_y0 +
                       sqrt(1.0 - sim->tonic_a * sim->tonic_a) * ltrs_gauss(&st->tonic_rng);
        const size_t wwarm = (size_t)(10.0 / (1.0 - sim->wander_a)) + 10;
        for (size_t i = 0; i < wwarm; i++)
            (void)wander_step(st, sim->wander_a);
        st->wander_y0 = st->wander_s2 * sim->wander_norm;
        st->wander_y1 = wander_step(st, sim->wander_a) * sim->wander_norm;
        if (p->endplate_noise_rate_hz > 0.0)
            st->next_mepp_s = ltrs_exponential(&st->ep_rng, 1.0 / p->endplate_noise_rate_hz);
        if (p->endplate_spike_rate_hz > 0.0)
            st->next_spike_s = ltrs_exponential(&st->ep_rng, 1.0 / p->endplate_spike_rate_hz);
    }
    ltrs_rng_seed(&sim->acc_rng, p->seed, LTRS_STREAM_ACC_NOISE, 0);
    sim->acc_noise_g = p->acc_noise_ug_per_rthz * 1e-6 * sqrt(0.5 * fs);

    /* mains: harmonic amplitudes (none at or above Nyquist: the ADC's anti-alias
     * filter removes them), random initial phase, frequency drift */
    ltrs_rng_seed(&sim->mains_rng, p->seed, LTRS_STREAM_MAINS, 0);
    memset(sim->mains_amp, 0, sizeof sim->mains_amp);
    if (p->mains_hz > 0.0) {
        for (unsigned k = 1; k <= p->mains_harmonics && k <= 32; k++) {
            if ((double)k * (p->mains_hz + p->mains_drift_hz * 4.0) >= 0.5 * fs)
                break;
            double a = p->mains_uv * pow(p->mains_harmonic_decay, (double)(k - 1));
            if (k % 2 == 0)
                a *= 0.3;
            sim->mains_amp[k - 1] = a;
        }
    }
    sim->mains_phase = LTRS_TWO_PI * ltrs_uniform(&sim->mains_rng);
    sim->mains_drift_y = ltrs_gauss(&sim->mains_rng);
    memset(sim->prev_frame, 0, sizeof sim->prev_frame);
}

/* At frame f, a multiple of the tick: advance the slow processes. */
static void tick_advance(ltr_sim *sim, uint64_t f)
{
    const ltr_sim_params *p = &sim->p;
    if (f > 0) {
        const double a = sim->tonic_a, sa = sqrt(1.0 - a * a);
        for (unsigned c = 0; c < p->n_emg; c++) {
            ltrs_emg_state *st = &sim->emg[c];
            st->tonic_y0 = st->tonic_y1;
            st->tonic_y1 = a * st->tonic_y0 + sa * ltrs_gauss(&st->tonic_rng);
            st->wander_y0 = st->wander_y1;
            st->wander_y1 = wander_step(st, sim->wander_a) * sim->wander_norm;
        }
    }
    /* mains: exact phasor at the tick, rotation per frame within it; the drift
     * is an AR(1) with a 1 s correlation time */
    const double tick_s = (double)sim->tick / sim->fs;
    const double da = exp(-tick_s);
    sim->mains_drift_y = da * sim->mains_drift_y +
                         sqrt(1.0 - da * da) * ltrs_gauss(&sim->mains_rng);
    const double freq = p->mains_hz + p->mains_drift_hz * sim->mains_drift_y;
    const double w = LTRS_TWO_PI * freq / sim->fs;
    sim->mains_zr = cos(sim->mains_phase);
    sim->mains_zi = sin(sim->mains_phase);
    sim->mains_rr = cos(w);
    sim->mains_ri = sin(w);
    sim->mains_phase = fmod(sim->mains_phase + w * (double)sim->tick, LTRS_TWO_PI);
}

static void render_background(ltr_sim *sim, uint64_t c0, size_t n, double *work)
{
    const ltr_sim_params *p = &sim->p;
    const unsigned n_ch = sim->n_ch;
    const double fs = sim->fs;
    const int bg = (p->components & LTR_SIM_C_BACKGROUND) != 0;
    const int wander = (p->components & LTR_SIM_C_WANDER) && p->wander_uv > 0.0;
    const int mains = (p->components & LTR_SIM_C_MAINS) && p->mains_hz > 0.0;
    const int needle = p->electrode == LTR_SIM_NEEDLE_ELECTRODE;
    const double sd = p->emg_tonic_log_sd;
    const ltr_sim_range na = p->endplate_noise_uv, sa = p->endplate_spike_uv;
    const double tau = sim->spike_tau_s;

    for (size_t i = 0; i < n; i++) {
        const uint64_t f = c0 + i;
        const uint64_t in_tick = f % sim->tick;
        if (in_tick == 0)
            tick_advance(sim, f);
        const double frac = (double)in_tick / (double)sim->tick;
        double *frame = work + i * n_ch;

        /* mains, the same on every EMG channel (common-mode leakage) */
        double hum = 0.0;
        if (mains) {
            double wr = sim->mains_zr, wi = sim->mains_zi;
            for (unsigned k = 0; k < 32 && sim->mains_amp[k] > 0.0; k++) {
                hum += sim->mains_amp[k] * wi;
                const double r = wr * sim->mains_zr - wi * sim->mains_zi;
                wi = wr * sim->mains_zi + wi * sim->mains_zr;
                wr = r;
            }
        }
        {
            const double r = sim->mains_zr * sim->mains_rr - sim->mains_zi * sim->mains_ri;
            sim->mains_zi = sim->mains_zr * sim->mains_ri + sim->mains_zi * sim->mains_rr;
            sim->mains_zr = r;
        }

        for (unsigned c = 0; c < p->n_emg; c++) {
            ltrs_emg_state *st = &sim->emg[c];
            double v = hum;
            if (wander)
                v += p->wander_uv * (st->wander_y0 + (st->wander_y1 - st->wander_y0) * frac);
            if (bg) {
                const double y = st->tonic_y0 + (st->tonic_y1 - st->tonic_y0) * frac;
                const double tonic = exp(sd * y - sd * sd);
                v += band_run(st, ltrs_gauss(&st->noise_rng)) * st->noise_norm *
                     p->emg_rest_rms_uv * tonic;
                v += ltrs_gauss(&st->amp_rng) * p->amp_noise_rms_uv;
                if (needle) {
                    while (p->endplate_noise_rate_hz > 0.0 && st->next_mepp_s * fs <= (double)f) {
                        st->mepp_s1 += ltrs_range(&st->ep_rng, na);
                        st->next_mepp_s += ltrs_exponential(&st->ep_rng, 1.0 / p->endplate_noise_rate_hz);
                    }
                    while (p->endplate_spike_rate_hz > 0.0 && st->next_spike_s * fs <= (double)f) {
                        st->spike_s1 += ltrs_range(&st->ep_rng, sa);
                        st->next_spike_s += ltrs_exponential(&st->ep_rng, 1.0 / p->endplate_spike_rate_hz);
                    }
                    const double mepp = -sim->mepp_scale * st->mepp_s2;
                    const double spike = -sim->spike_scale *
                                         (st->spike_s2 / tau - st->spike_s3 / (2.0 * tau * tau));
                    v += mepp + spike - sim->mepp_mean;
                    st->mepp_s2 = sim->mepp_a * (st->mepp_s2 + st->mepp_s1 / fs);
                    st->mepp_s1 *= sim->mepp_a;
                    st->spike_s3 = sim->spike_a *
                                   (st->spike_s3 + 2.0 * st->spike_s2 / fs + st->spike_s1 / (fs * fs));
                    st->spike_s2 = sim->spike_a * (st->spike_s2 + st->spike_s1 / fs);
                    st->spike_s1 *= sim->spike_a;
                }
            }
            frame[c] += v;
        }
        if (p->acc) {
            double *a = frame + p->n_emg;
            if (p->components & LTR_SIM_C_GRAVITY)
                for (int k = 0; k < 3; k++)
                    a[k] += sim->gravity[k];
            if (bg)
                for (int k = 0; k < 3; k++)
                    a[k] += sim->acc_noise_g * ltrs_gauss(&sim->acc_rng);
        }
    }
}

/* --- output stage ---------------------------------------------------------------- */

static double adc(double v, double range, unsigned bits)
{
    if (range > 0.0) {
        if (v > range)
            v = range;
        else if (v < -range)
            v = -range;
        if (bits > 0) {
            const double lsb = 2.0 * range / ldexp(1.0, (int)bits);
            v = floor(v / lsb + 0.5) * lsb;
            if (v > range - lsb)
                v = range - lsb; /* two's complement: one code fewer above zero */
        }
    }
    return v;
}

static void output_stage(const ltr_sim *sim, const double *work, size_t n, float *out)
{
    const ltr_sim_params *p = &sim->p;
    const unsigned n_ch = sim->n_ch;
    const int defects = (p->components & LTR_SIM_C_DEFECTS) != 0;
    for (size_t i = 0; i < n; i++) {
        for (unsigned c = 0; c < n_ch; c++) {
            double v = work[i * n_ch + c];
            if (c < p->n_emg) {
                v *= 1e-3; /* uV -> mV */
                if (defects)
                    v = adc(v, p->adc_range_mv, p->adc_bits);
            } else if (defects) {
                v = adc(v, p->acc_range_g, p->adc_bits);
            }
            out[i * n_ch + c] = (float)v;
        }
    }
}

/* --- the object ---------------------------------------------------------------------- */

static void normalise3(double v[3])
{
    const double n = sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
    if (n > 0.0)
        for (int k = 0; k < 3; k++)
            v[k] /= n;
}

ltr_sim_status ltr_sim_create(ltr_sim **out, const ltr_sim_params *p)
{
    if (out == NULL || p == NULL)
        return LTR_SIM_ERR_NULL;
    *out = NULL;
    ltr_sim_status st = ltr_sim_params_check(p, NULL);
    if (st != LTR_SIM_OK)
        return st;
    ltr_sim *sim = calloc(1, sizeof *sim);
    if (sim == NULL)
        return LTR_SIM_ERR_MEMORY;
    sim->p = *p;
    sim->fs = p->sample_rate_hz;
    sim->n_ch = p->n_emg + (p->acc ? 3u : 0u);
    sim->total = (uint64_t)llround(p->duration_s * p->sample_rate_hz);
    sim->work = malloc((size_t)LTRS_CHUNK * sim->n_ch * sizeof *sim->work);
    if (sim->work == NULL) {
        ltr_sim_destroy(sim);
        return LTR_SIM_ERR_MEMORY;
    }

    /* layout: channel gains (channel 0 at the trigger point: 1; the others
     * farther away: 0.3-1, assumption), accelerometer orientation */
    ltrs_rng lay;
    ltrs_rng_seed(&lay, p->seed, LTRS_STREAM_LAYOUT, 0);
    for (unsigned c = 0; c < LTR_SIM_MAX_EMG; c++)
        sim->emg_gain[c] = c == 0 ? 1.0 : 0.3 + 0.7 * ltrs_uniform(&lay);
    if (p->acc_random_orientation) {
        ltrs_unit_vector(&lay, sim->gravity);
        ltrs_unit_vector(&lay, sim->twitch_dir);
    } else {
        memcpy(sim->gravity, p->gravity_dir, sizeof sim->gravity);
        memcpy(sim->twitch_dir, p->twitch_dir, sizeof sim->twitch_dir);
        normalise3(sim->gravity);
        normalise3(sim->twitch_dir);
    }

    background_init(sim);
    const double rest = p->emg_rest_rms_uv, amp = p->amp_noise_rms_uv;
    sim->bg_rms_uv = sqrt(rest * rest + amp * amp + sim->ep_rms_uv * sim->ep_rms_uv);

    st = ltrs_schedule(sim);
    if (st != LTR_SIM_OK) {
        ltr_sim_destroy(sim);
        return st;
    }
    *out = sim;
    return LTR_SIM_OK;
}

void ltr_sim_destroy(ltr_sim *sim)
{
    if (sim == NULL)
        return;
    for (size_t i = 0; i < sim->n_el; i++)
        ltrs_element_release(&sim->el[i]);
    free(sim->el);
    free(sim->truth);
    free(sim->work);
    free(sim);
}

void ltr_sim_rewind(ltr_sim *sim)
{
    if (sim == NULL)
        return;
    for (size_t i = 0; i < sim->n_el; i++)
        ltrs_element_release(&sim->el[i]);
    sim->pos = 0;
    sim->lo = 0;
    background_init(sim);
}

static int is_loss(const ltrs_element *e)
{
    return e->ev.kind == LTR_SIM_DROPOUT || e->ev.kind == LTR_SIM_NAN;
}

ltr_sim_status ltr_sim_generate(ltr_sim *sim, float *out, size_t max_frames, size_t *n_frames)
{
    if (n_frames != NULL)
        *n_frames = 0;
    if (sim == NULL || n_frames == NULL || (out == NULL && max_frames > 0))
        return LTR_SIM_ERR_NULL;
    const uint64_t left = sim->total - sim->pos;
    const size_t todo = (uint64_t)max_frames < left ? max_frames : (size_t)left;
    const unsigned n_ch = sim->n_ch;
    size_t done = 0;
    while (done < todo) {
        size_t n = todo - done;
        if (n > LTRS_CHUNK)
            n = LTRS_CHUNK;
        const uint64_t c0 = sim->pos;
        const uint64_t c1 = c0 + n;
        double *work = sim->work;
        memset(work, 0, n * n_ch * sizeof *work);
        render_background(sim, c0, n, work);

        while (sim->lo < sim->n_el && sim->el[sim->lo].end <= c0) {
            ltrs_element_release(&sim->el[sim->lo]);
            sim->lo++;
        }
        for (size_t i = sim->lo; i < sim->n_el && sim->el[i].start < c1; i++) {
            ltrs_element *e = &sim->el[i];
            if (e->end <= c0 || is_loss(e))
                continue;
            const ltr_sim_status st = ltrs_render(sim, e, c0, n, work);
            if (st != LTR_SIM_OK)
                return st;
        }
        float *o = out + done * n_ch;
        output_stage(sim, work, n, o);
        for (size_t i = sim->lo; i < sim->n_el && sim->el[i].start < c1; i++) {
            ltrs_element *e = &sim->el[i];
            if (e->end > c0 && is_loss(e))
                ltrs_render_loss(sim, e, c0, n, o);
        }
        for (unsigned c = 0; c < n_ch; c++)
            sim->prev_frame[c] = o[(n - 1) * n_ch + c];
        /* free the caches of what this chunk finished */
        for (size_t i = sim->lo; i < sim->n_el && sim->el[i].start < c1; i++)
            if (sim->el[i].end <= c1 && !is_loss(&sim->el[i]))
                ltrs_element_release(&sim->el[i]);
        sim->pos = c1;
        done += n;
    }
    *n_frames = done;
    return LTR_SIM_OK;
}

/* --- accessors ------------------------------------------------------------------------------ */

const ltr_sim_params *ltr_sim_get_params(const ltr_sim *sim)
{
    return sim == NULL ? NULL : &sim->p;
}

unsigned ltr_sim_channels(const ltr_sim *sim)
{
    return sim == NULL ? 0u : sim->n_ch;
}

ltr_sensor ltr_sim_channel_sensor(const ltr_sim *sim, unsigned ch)
{
    if (sim == NULL || ch < sim->p.n_emg)
        return LTR_SENSOR_EMG;
    return LTR_SENSOR_ACC;
}

const char *ltr_sim_channel_name(const ltr_sim *sim, unsigned ch)
{
    static const char *const emg[LTR_SIM_MAX_EMG] = {"emg0", "emg1", "emg2", "emg3",
                                                      "emg4", "emg5", "emg6", "emg7"};
    static const char *const acc[3] = {"acc_x", "acc_y", "acc_z"};
    if (sim == NULL || ch >= sim->n_ch)
        return "none";
    if (ch < sim->p.n_emg)
        return emg[ch];
    return acc[ch - sim->p.n_emg];
}

uint64_t ltr_sim_total_frames(const ltr_sim *sim)
{
    return sim == NULL ? 0 : sim->total;
}

uint64_t ltr_sim_position(const ltr_sim *sim)
{
    return sim == NULL ? 0 : sim->pos;
}

double ltr_sim_background_rms_uv(const ltr_sim *sim)
{
    return sim == NULL ? 0.0 : sim->bg_rms_uv;
}

const ltr_sim_event *ltr_sim_truth(const ltr_sim *sim, size_t *n)
{
    if (n != NULL)
        *n = sim == NULL ? 0 : sim->n_truth;
    return sim == NULL ? NULL : sim->truth;
}
