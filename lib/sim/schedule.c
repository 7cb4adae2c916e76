/*
 * The schedule: every element of a recording (twitches, needle movements,
 * stimulation trains, heartbeats, artifacts...) drawn once, at create time,
 * from the parameters. This is the ground truth; render.c draws the samples.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Each kind draws from its own random stream, so switching one nuisance on or
 * off never moves the others (the same twitches with and without stimulation,
 * say). LTRs driven by needle movements follow the needle schedule, by design.
 */
#include "sim_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct builder {
    ltr_sim *sim;
    size_t cap;
    uint32_t seq[LTR_SIM_N_KINDS];
    int failed;
} builder;

static uint64_t frame_of(const ltr_sim *sim, double t_s)
{
    if (!(t_s > 0.0))
        return 0;
    return (uint64_t)llround(t_s * sim->fs);
}

static double time_of(const ltr_sim *sim, uint64_t frame)
{
    return (double)frame / sim->fs;
}

static uint32_t emg_mask(const ltr_sim *sim)
{
    return sim->p.n_emg == 0 ? 0u : (uint32_t)((UINT64_C(1) << sim->p.n_emg) - 1u);
}

static uint32_t acc_mask(const ltr_sim *sim)
{
    return sim->p.acc ? (uint32_t)(7u << sim->p.n_emg) : 0u;
}

/* Append an element; NULL on allocation failure (recorded in b->failed). */
static ltrs_element *push(builder *b, ltr_sim_kind kind, uint64_t onset, uint64_t duration,
                          uint64_t start, uint64_t end)
{
    ltr_sim *sim = b->sim;
    if (sim->n_el == b->cap) {
        const size_t cap = b->cap ? 2 * b->cap : 256;
        ltrs_element *el = realloc(sim->el, cap * sizeof *el);
        if (el == NULL) {
            b->failed = 1;
            return NULL;
        }
        sim->el = el;
        b->cap = cap;
    }
    ltrs_element *e = &sim->el[sim->n_el++];
    memset(e, 0, sizeof *e);
    e->ev.kind = kind;
    e->ev.onset = onset;
    e->ev.duration = duration;
    e->ev.emg_onset = onset;
    e->ev.acc_onset = onset;
    e->start = start;
    e->end = end;
    e->id = ((uint64_t)kind << 32) | b->seq[kind]++;
    return e;
}

static void set_dir(ltrs_element *e, const double d[3])
{
    e->p[LTRS_P_DIR_X] = d[0];
    e->p[LTRS_P_DIR_Y] = d[1];
    e->p[LTRS_P_DIR_Z] = d[2];
}

static double bg_ref(const ltr_sim *sim)
{
    /* SNRs are relative to the nominal background; a background-free
     * simulation takes 1 uV as its reference. */
    return sim->bg_rms_uv > 0.0 ? sim->bg_rms_uv : 1.0;
}

/* --- LTRs ------------------------------------------------------------------- */

typedef struct ltr_state {
    uint64_t last_end;  /* first frame after the previous twitch's EMG burst */
    int any;
} ltr_state;

/* One twitch at t_s, habituation factor `factor` relative to the first of
 * its series (whose SNR is series_snr_db); skipped if it would overlap the
 * previous one or run past the end. */
static void add_ltr(builder *b, ltrs_rng *rng, ltr_state *st, double t_s, double series_snr_db,
                    double factor, uint32_t position)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    const double dur_s = ltrs_logrange(rng, p->ltr_duration_ms) / 1000.0;
    /* the series' first twitch has series_snr_db; habituation scales the rest */
    const double snr_db = series_snr_db + 20.0 * log10(factor);
    const double emd_s = ltrs_range(rng, p->ltr_emd_ms) / 1000.0;
    const double acc_g = ltrs_range(rng, p->ltr_acc_peak_g) * factor;
    const double tc_s = ltrs_range(rng, p->ltr_contraction_ms) / 1000.0;
    const double res_hz = ltrs_range(rng, p->ltr_acc_resonance_hz);
    double dir[3];
    /* Direction: within ~30 degrees of the skin normal (sim->twitch_dir). */
    double jitter[3];
    ltrs_unit_vector(rng, jitter);
    for (int k = 0; k < 3; k++)
        dir[k] = sim->twitch_dir[k] + 0.5 * jitter[k];

    const uint64_t emg_onset = frame_of(sim, t_s);
    uint64_t emg_len = frame_of(sim, dur_s);
    if (emg_len < 3)
        emg_len = 3;
    const uint64_t acc_onset = emg_onset + frame_of(sim, emd_s);
    /* the twitch model's acceleration lasts ~8 contraction times; plus ringing */
    const uint64_t acc_len = frame_of(sim, 8.0 * tc_s + 3.0 / res_hz);
    const uint64_t acc_truth_len = frame_of(sim, 5.0 * tc_s);

    uint64_t end = emg_onset + emg_len;
    if (p->acc && acc_onset + acc_len > end)
        end = acc_onset + acc_len;
    if (end >= sim->total)
        return;
    if (st->any && emg_onset < st->last_end + frame_of(sim, 0.02))
        return;

    const int has_emg = p->n_emg > 0;
    const uint64_t onset = has_emg ? emg_onset : acc_onset;
    const uint64_t duration = has_emg ? emg_len : acc_truth_len;
    ltrs_element *e = push(b, LTR_SIM_LTR, onset, duration, emg_onset, end);
    if (e == NULL)
        return;
    e->ev.emg_onset = emg_onset;
    e->ev.acc_onset = p->acc ? acc_onset : emg_onset;
    e->ev.amplitude_uv = bg_ref(sim) * pow(10.0, snr_db / 20.0);
    e->ev.snr_db = snr_db;
    e->ev.acc_peak_g = p->acc ? acc_g : 0.0;
    e->ev.series_position = position;
    e->ev.channels = emg_mask(sim) | acc_mask(sim);
    e->emg_len = (size_t)emg_len;
    e->acc_off = acc_onset - emg_onset;
    e->acc_len = (size_t)acc_len;
    e->p[LTRS_P_RMS_UV] = e->ev.amplitude_uv;
    e->p[LTRS_P_ACC_G] = acc_g;
    e->p[LTRS_P_CONTRACTION_S] = tc_s;
    e->p[LTRS_P_RESONANCE_HZ] = res_hz;
    set_dir(e, dir);
    st->last_end = emg_onset + emg_len;
    st->any = 1;
}

static void schedule_ltr_renewal(builder *b)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    ltrs_rng rng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_LTR);
    ltr_state st = {0, 0};
    double t = ltrs_range(&rng, p->ltr_interval_s);
    while (t < p->duration_s && !b->failed) {
        const unsigned len = ltrs_irange(&rng, p->ltr_series_len);
        const double snr = ltrs_range(&rng, p->ltr_snr_db);
        double factor = 1.0;
        for (unsigned i = 0; i < len && t < p->duration_s; i++) {
            add_ltr(b, &rng, &st, t, snr, factor, i + 1);
            factor *= ltrs_range(&rng, p->ltr_habituation);
            if (i + 1 < len)
                t += ltrs_range(&rng, p->ltr_interval_s);
        }
        t += ltrs_range(&rng, p->ltr_series_gap_s) + ltrs_range(&rng, p->ltr_interval_s);
    }
}

/* --- needle movements (and the LTRs they elicit) ----------------------------------- */

static void schedule_needle(builder *b)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    const int follow = p->ltr_follow_needle;
    ltrs_rng rng, lrng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_NEEDLE);
    ltrs_rng_seed(&lrng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_LTR);
    ltr_state st = {0, 0};
    const double mean_gap = 60.0 / p->needle_bouts_per_min;
    const double surface = p->electrode == LTR_SIM_SURFACE ? p->needle_surface_factor : 1.0;
    /* Sites: the gaps between bouts and the sites that miss draw from their own stream,
     * and only when asked for, so that older recordings stay the same. */
    ltrs_rng srng;
    ltrs_rng_seed(&srng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_N_KINDS + LTR_SIM_NEEDLE);
    const int fixed_gap = p->needle_bout_gap_s.max > 0.0;
    double t = 0.5 + (fixed_gap ? ltrs_range(&srng, p->needle_bout_gap_s)
                                : ltrs_exponential(&rng, mean_gap));
    while (t < p->duration_s && !b->failed) {
        const unsigned n = ltrs_irange(&rng, p->needle_movements);
        const double rate = ltrs_range(&rng, p->needle_rate_hz);
        const int miss = p->needle_site_miss > 0.0 && ltrs_uniform(&srng) < p->needle_site_miss;
        double factor = 1.0;
        uint32_t position = 0, stroke = 0;
        const double snr = ltrs_range(&lrng, p->ltr_snr_db);
        double last_end = t;
        double prev_tm = -1.0;
        double at = t; /* sites: each stroke 1/rate after the previous, jittered by 10 % */
        for (unsigned i = 0; i < n; i++) {
            /* without sites the jitter grows with the position in the bout (as it always
             * has: older recordings stay the same) */
            const double jitter = 1.0 + 0.1 * ltrs_gauss(&rng);
            if (fixed_gap && i > 0)
                at += jitter / rate;
            const double tm = fixed_gap ? at : t + (double)i / rate * jitter;
            const double ins_s = ltrs_range(&rng, p->needle_insertional_ms) / 1000.0;
            double dir[3];
            ltrs_unit_vector(&rng, dir);
            const double tr_uv = ltrs_range(&rng, p->needle_transient_uv) * surface;
            const double tau_s = ltrs_range(&rng, p->needle_transient_ms) / 1000.0;
            const double ins_uv = ltrs_range(&rng, p->needle_insertional_uv) * surface;
            const double jolt = ltrs_range(&rng, p->needle_jolt_g);
            /* the LTR draw happens for every movement, elicited or not, so that
             * the random sequence does not depend on the outcome */
            const double u = ltrs_uniform(&lrng);
            const double lat_s = ltrs_range(&lrng, p->ltr_reflex_latency_ms) / 1000.0;
            const double h = ltrs_range(&lrng, p->ltr_habituation);
            if (tm >= p->duration_s || tm < prev_tm + 0.1)
                continue;
            prev_tm = tm;
            const uint64_t onset = frame_of(sim, tm);
            uint64_t dur = frame_of(sim, ins_s);
            if (onset >= sim->total)
                continue;
            if (onset + dur > sim->total)
                dur = sim->total - onset;
            ltrs_element *e = push(b, LTR_SIM_NEEDLE, onset, dur, onset, onset + dur);
            if (e == NULL)
                return;
            e->ev.amplitude_uv = tr_uv;
            e->ev.series_position = ++stroke; /* 1: the insertion that begins the site */
            e->ev.acc_peak_g = p->acc ? jolt : 0.0;
            e->ev.channels = emg_mask(sim) | acc_mask(sim);
            e->emg_len = (size_t)dur;
            e->acc_len = (size_t)(dur < frame_of(sim, 0.05) ? dur : frame_of(sim, 0.05));
            e->p[LTRS_P_TRANSIENT_UV] = tr_uv;
            e->p[LTRS_P_TRANSIENT_TAU_S] = tau_s;
            e->p[LTRS_P_INSERTIONAL_UV] = ins_uv;
            e->p[LTRS_P_JOLT_G] = jolt;
            set_dir(e, dir);
            if (tm + ins_s > last_end)
                last_end = tm + ins_s;
            if (follow && !miss && u < p->ltr_probability * factor) {
                add_ltr(b, &lrng, &st, tm + lat_s, snr, factor, ++position);
                factor *= h;
            }
        }
        t = last_end + (fixed_gap ? ltrs_range(&srng, p->needle_bout_gap_s)
                                  : ltrs_exponential(&rng, mean_gap));
    }
}

/* --- other kinds -------------------------------------------------------------------- */

static void schedule_voluntary(builder *b)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    ltrs_rng rng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_VOLUNTARY);
    const double mean = 60.0 / p->voluntary_per_min;
    double t = 1.0 + ltrs_exponential(&rng, mean);
    while (t < p->duration_s && !b->failed) {
        const double d = ltrs_range(&rng, p->voluntary_s);
        const double db = ltrs_range(&rng, p->voluntary_db);
        const double g = ltrs_range(&rng, p->voluntary_acc_g);
        const double up = 0.2 + 0.3 * ltrs_uniform(&rng);
        const double down = 0.2 + 0.3 * ltrs_uniform(&rng);
        double dir[3];
        ltrs_unit_vector(&rng, dir);
        const uint64_t onset = frame_of(sim, t);
        const uint64_t dur = frame_of(sim, d);
        if (onset + dur < sim->total) {
            ltrs_element *e = push(b, LTR_SIM_VOLUNTARY, onset, dur, onset, onset + dur);
            if (e == NULL)
                return;
            e->ev.amplitude_uv = bg_ref(sim) * pow(10.0, db / 20.0);
            e->ev.snr_db = db;
            e->ev.acc_peak_g = p->acc ? g : 0.0;
            e->ev.channels = emg_mask(sim) | acc_mask(sim);
            e->emg_len = (size_t)dur;
            e->acc_len = (size_t)dur;
            e->p[LTRS_P_RMS_UV] = e->ev.amplitude_uv;
            e->p[LTRS_P_ACC_G] = g;
            e->p[7] = up;
            e->p[8] = down;
            set_dir(e, dir);
        }
        t += d + 1.0 + ltrs_exponential(&rng, mean);
    }
}

static void schedule_stim(builder *b)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    ltrs_rng rng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_STIM);
    const double mean = 60.0 / p->stim_trains_per_min;
    double t = 0.5 + ltrs_exponential(&rng, mean);
    while (t < p->duration_s && !b->failed) {
        const double train = ltrs_range(&rng, p->stim_train_s);
        const int high = ltrs_uniform(&rng) < p->stim_high_rate_fraction;
        const double rate = ltrs_range(&rng, high ? p->stim_high_rate_hz : p->stim_rate_hz);
        const double width = ltrs_range(&rng, p->stim_width_us) * 1e-6;
        double pulses = floor(train * rate);
        if (pulses < 1.0)
            pulses = 1.0;
        const double last = (pulses - 1.0) / rate;
        double tail = 5.0 * p->stim_tail_ms / 1000.0;
        if (p->stim_evoked_uv > 0.0 && tail < 0.03)
            tail = 0.03;
        if (p->acc && p->stim_evoked_g > 0.0)
            tail = fmax(tail, rate <= 10.0 ? 0.4 : 0.3);
        const uint64_t onset = frame_of(sim, t);
        uint64_t end = frame_of(sim, t + last + 2.0 * width + tail) + 1;
        if (onset < sim->total) {
            if (end > sim->total)
                end = sim->total;
            ltrs_element *e = push(b, LTR_SIM_STIM, onset, end - onset, onset, end);
            if (e == NULL)
                return;
            e->ev.amplitude_uv = p->stim_uv;
            e->ev.acc_peak_g = p->acc ? p->stim_evoked_g : 0.0;
            e->ev.channels = emg_mask(sim) | (p->stim_evoked_g > 0.0 ? acc_mask(sim) : 0u);
            e->p[LTRS_P_RATE_HZ] = rate;
            e->p[LTRS_P_WIDTH_S] = width;
            e->p[LTRS_P_PULSES] = pulses;
            e->p[LTRS_P_PULSE_UV] = p->stim_uv;
            set_dir(e, sim->twitch_dir);
        }
        t += train + ltrs_exponential(&rng, mean);
    }
}

static void schedule_ecg(builder *b)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    ltrs_rng rng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, LTR_SIM_ECG);
    const double bpm = ltrs_range(&rng, p->ecg_bpm);
    const double rr0 = 60.0 / bpm;
    double t_r = 0.3 + rr0 * ltrs_uniform(&rng);
    while (!b->failed) {
        double rr = rr0 * (1.0 + 0.04 * ltrs_gauss(&rng));
        if (rr < 0.6 * rr0)
            rr = 0.6 * rr0;
        const double s = sqrt(rr);
        const double r_uv = p->ecg_uv * (1.0 + 0.05 * ltrs_gauss(&rng));
        const double t0 = t_r - 0.25 * s;
        const double t1 = t_r + 0.45 * s;
        if (t1 >= p->duration_s)
            break;
        /* ground truth: the QRS complex, 50 ms either side of the R peak */
        ltrs_element *e = push(b, LTR_SIM_ECG, frame_of(sim, t_r - 0.05), frame_of(sim, 0.1),
                               frame_of(sim, t0), frame_of(sim, t1) + 1);
        if (e == NULL)
            return;
        e->ev.amplitude_uv = r_uv;
        e->ev.channels = emg_mask(sim);
        e->p[LTRS_P_R_UV] = r_uv;
        e->p[LTRS_P_R_TIME_S] = t_r;
        e->p[LTRS_P_RR_S] = rr;
        t_r += rr;
    }
}

/* Poisson-scheduled kinds with one duration each: motion, electrolysis, clip,
 * dropout, nan. */
static void schedule_simple(builder *b, ltr_sim_kind kind, double per_min, ltr_sim_range dur_r,
                            double dur_scale)
{
    ltr_sim *sim = b->sim;
    const ltr_sim_params *p = &sim->p;
    ltrs_rng rng;
    ltrs_rng_seed(&rng, p->seed, LTRS_STREAM_SCHEDULE, kind);
    const double mean = 60.0 / per_min;
    double t = 0.5 + ltrs_exponential(&rng, mean);
    const double range_uv = p->adc_range_mv > 0.0 ? p->adc_range_mv * 1000.0 : 5000.0;
    while (t < p->duration_s && !b->failed) {
        const double d = ltrs_range(&rng, dur_r) * dur_scale;
        const double a = ltrs_uniform(&rng);
        const double c = ltrs_uniform(&rng);
        double dir[3];
        ltrs_unit_vector(&rng, dir);
        const uint64_t onset = frame_of(sim, t);
        uint64_t dur = frame_of(sim, d);
        if (dur < 1)
            dur = 1;
        uint64_t end = onset + dur;
        double extra = 0.0;
        if (kind == LTR_SIM_ELECTROLYSIS) {
            /* the offset (2.5 x range) decays with tau after the current stops:
             * truth until it is within 3 x background, rendering until 1 % of it */
            const double tau = ltrs_range(&rng, p->electrolysis_recovery_s);
            const double level = 2.5 * range_uv;
            const double bg = bg_ref(sim);
            extra = tau;
            dur += frame_of(sim, tau * log(fmax(level / (3.0 * bg), 1.0)));
            end = onset + frame_of(sim, d) + frame_of(sim, tau * log(fmax(level / (0.01 * bg), 1.0)));
        }
        if (onset >= sim->total)
            break;
        if (end > sim->total)
            end = sim->total;
        if (onset + dur > sim->total)
            dur = sim->total - onset;
        if (onset + dur > end)
            end = onset + dur;
        ltrs_element *e = push(b, kind, onset, dur, onset, end);
        if (e == NULL)
            return;
        e->ev.channels = emg_mask(sim) | acc_mask(sim);
        set_dir(e, dir);
        switch (kind) {
        case LTR_SIM_MOTION:
            e->p[LTRS_P_PEAK_G] = ltrs_range(&rng, p->motion_peak_g);
            e->ev.acc_peak_g = p->acc ? e->p[LTRS_P_PEAK_G] : 0.0;
            e->ev.amplitude_uv = p->n_emg ? p->motion_emg_uv : 0.0;
            if (p->motion_emg_uv <= 0.0)
                e->ev.channels = acc_mask(sim);
            break;
        case LTR_SIM_ELECTROLYSIS:
            e->p[LTRS_P_ON_S] = d;
            e->p[LTRS_P_TAU_S] = extra;
            e->p[LTRS_P_SIGN] = a < 0.5 ? -1.0 : 1.0;
            e->ev.amplitude_uv = 2.5 * range_uv;
            e->ev.channels = emg_mask(sim);
            break;
        case LTR_SIM_CLIP:
            e->p[LTRS_P_FACTOR] = 1.5 + 2.5 * a;
            e->p[LTRS_P_SIGN] = c < 0.5 ? -1.0 : 1.0;
            e->ev.amplitude_uv = e->p[LTRS_P_FACTOR] * range_uv;
            break;
        default:
            break;
        }
        t = time_of(sim, end) + ltrs_exponential(&rng, mean);
    }
}

/* --- sorting ------------------------------------------------------------------------- */

static int cmp_element(const void *a, const void *b)
{
    const ltrs_element *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

static int cmp_event(const void *a, const void *b)
{
    const ltr_sim_event *x = a, *y = b;
    if (x->onset != y->onset)
        return x->onset < y->onset ? -1 : 1;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index ? 1 : 0);
}

ltr_sim_status ltrs_schedule(ltr_sim *sim)
{
    const ltr_sim_params *p = &sim->p;
    builder b;
    memset(&b, 0, sizeof b);
    b.sim = sim;

    const int needle = p->needle_bouts_per_min > 0.0;
    if (needle)
        schedule_needle(&b);
    if (!(needle && p->ltr_follow_needle) && p->ltr_probability > 0.0)
        schedule_ltr_renewal(&b);
    if (p->voluntary_per_min > 0.0)
        schedule_voluntary(&b);
    if (p->stim_trains_per_min > 0.0)
        schedule_stim(&b);
    if (p->ecg_uv > 0.0 && p->n_emg > 0)
        schedule_ecg(&b);
    if (p->motion_per_min > 0.0)
        schedule_simple(&b, LTR_SIM_MOTION, p->motion_per_min, p->motion_duration_s, 1.0);
    if (p->electrolysis_per_min > 0.0 && p->n_emg > 0)
        schedule_simple(&b, LTR_SIM_ELECTROLYSIS, p->electrolysis_per_min, p->electrolysis_s, 1.0);
    if (p->clip_per_min > 0.0)
        schedule_simple(&b, LTR_SIM_CLIP, p->clip_per_min, p->clip_ms, 1e-3);
    if (p->dropout_per_min > 0.0)
        schedule_simple(&b, LTR_SIM_DROPOUT, p->dropout_per_min, p->dropout_ms, 1e-3);
    if (p->nan_per_min > 0.0)
        schedule_simple(&b, LTR_SIM_NAN, p->nan_per_min, p->nan_ms, 1e-3);
    if (b.failed)
        return LTR_SIM_ERR_MEMORY;

    if (sim->n_el > 0)
        qsort(sim->el, sim->n_el, sizeof *sim->el, cmp_element);
    sim->n_truth = sim->n_el;
    sim->truth = malloc((sim->n_el ? sim->n_el : 1) * sizeof *sim->truth);
    if (sim->truth == NULL)
        return LTR_SIM_ERR_MEMORY;
    for (size_t i = 0; i < sim->n_el; i++) {
        sim->truth[i] = sim->el[i].ev;
        sim->truth[i].index = (uint32_t)(sim->el[i].id & 0xFFFFFFFFu);
    }
    if (sim->n_truth > 0)
        qsort(sim->truth, sim->n_truth, sizeof *sim->truth, cmp_event);
    uint32_t count[LTR_SIM_N_KINDS] = {0};
    for (size_t i = 0; i < sim->n_truth; i++)
        sim->truth[i].index = count[sim->truth[i].kind]++;
    return LTR_SIM_OK;
}
