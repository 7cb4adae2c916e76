/*
 * Fuzz harness of the real-time core (ltr/ltr.h): the input chooses a
 * configuration and spells out a stream, which is run through two detectors
 * with different block splits and event arrays; every event must hold
 * together and both detectors must give the same events.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Input, read from the front (missing bytes read as 0):
 *   config   rate, channel count, sensors, then optional groups of fields
 *            (mains, thresholds, timing, floor, envelope, artifacts, bands,
 *            fusion), each scaled around its default: most configurations are
 *            valid, the rest must be refused the same way by validate, size,
 *            init and create.
 *   stream   run options (s16 gain, splits, event-array sizes, a third
 *            "free" run), then a program of operations, each making frames or
 *            scheduling something at the current frame: background noise,
 *            bursts (twitch-like), sines (mains), stuck values, NaN/Inf/
 *            denormal/huge runs, raw float samples, steps, spikes, device
 *            marks, flush, reset, and a switch between ltr_detector_process
 *            and ltr_detector_process_s16.
 *
 * Runs:
 *   A  ltr_detector_create; random blocks; events array of exactly
 *      ltr_detector_max_events(det, n) for each call (heap-allocated to that
 *      size, so AddressSanitizer sees any write past it): no event may ever
 *      wait (status LTR_OK every time).
 *   B  ltr_detector_init in caller memory; other random blocks; arrays of
 *      0-3 events, drained after LTR_MORE_EVENTS. Without a queue overflow its
 *      events must equal A's field for field (floats bit for bit); with one,
 *      they must be A's minus exactly the ltr_detector_lost_events of them.
 *   C  (when the input asks) marks issued at other times, also in the past
 *      within the look-ahead, extra empty calls: the event rules only.
 *
 * Event rules (every run): kind known; onset <= peak <= offset; onset <=
 * detected; onset inside the frames fed so far (A, B: an event cannot start
 * in input that was never given); BEGIN: offset == detected, a fresh id above the last; END and
 * CANCEL only for an open BEGIN of the same id; no twitch left open after a
 * flush; detected never decreasing between flushes; channels within the
 * configuration and not empty for a twitch; confidence in [0, 1]; no NaN in
 * amplitude or SNR; ltr_detector_frames counts the frames fed; not ready
 * after reset or flush.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "ltr/ltr.h"

#define HARNESS "core"

/* Samples (frames x channels) per input: bounds the time of one run. */
#define MAX_SAMPLES (1u << 13)
/* Operations of the stream program. */
#define MAX_OPS 512u
/* Flush, reset and marks of one stream. */
#define MAX_ACTIONS 64u
/* Twitches open at once that the checker follows. */
#define MAX_OPEN 256u

static const double two_pi = 6.283185307179586;

/* ------------------------------------------------------------------ config */

/* A value around a default: 0, its negative, NaN, Inf, or def x 2^(-4..4). */
static double tweak(double def, uint8_t b)
{
    switch (b) {
    case 0: return 0.0;
    case 1: return -def;
    case 2: return NAN;
    case 3: return INFINITY;
    default: return def * exp2(((double)b - 128.0) / 32.0);
    }
}

static const double rates[16] = {250,  300,  500,  512,   1000,  1024,  2000,  2048,
                                 4000, 4096, 5000, 8000, 10000, 20000, 44100, 50000};

static void make_config(fuzz_bytes *in, ltr_config *cfg)
{
    const uint8_t r = fuzz_u8(in);
    double rate;
    if (r >= 0xF8) {
        rate = fuzz_f64(in); /* anything: NaN, 0, negative, out of range */
    } else {
        rate = rates[r % 16];
        if (r & 0x80)
            rate *= 1.0 + ((double)fuzz_u8(in) - 128.0) / 256.0;
    }
    const uint8_t c = fuzz_u8(in);
    const unsigned n_ch = c < 0xC0 ? 1u + c % 4u : c < 0xF0 ? 1u + c % 16u : fuzz_u8(in) % 34u;
    const uint32_t acc_mask = fuzz_u32(in);
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned k = 0; k < LTR_MAX_CHANNELS; k++)
        sensors[k] = (acc_mask >> k & 1u) ? LTR_SENSOR_ACC : LTR_SENSOR_EMG;
    ltr_config_default(cfg, rate, n_ch, sensors);
    if (c == 0xFF) /* a sensor that is none */
        cfg->sensors[fuzz_u8(in) % (n_ch ? n_ch : 1u)] = (ltr_sensor)(2 + fuzz_u8(in));

    const uint8_t groups = fuzz_u8(in);
    if (groups & 0x01) {
        static const double mains[5] = {LTR_MAINS_AUTO, 0.0, 50.0, 60.0, 55.0};
        cfg->mains_hz = mains[fuzz_u8(in) % 5];
        cfg->mains_harmonics = fuzz_u8(in) % 14u;
        cfg->notch_width_hz = tweak(cfg->notch_width_hz, fuzz_u8(in));
    }
    if (groups & 0x02) {
        cfg->threshold_on_db = tweak(cfg->threshold_on_db, fuzz_u8(in));
        cfg->threshold_off_db = tweak(cfg->threshold_off_db, fuzz_u8(in));
        cfg->threshold_spread_factor = tweak(cfg->threshold_spread_factor, fuzz_u8(in));
    }
    if (groups & 0x04) {
        cfg->confirm_ms = tweak(cfg->confirm_ms, fuzz_u8(in));
        cfg->min_duration_ms = tweak(cfg->min_duration_ms, fuzz_u8(in));
        cfg->max_duration_ms = tweak(cfg->max_duration_ms, fuzz_u8(in));
        cfg->gap_ms = tweak(cfg->gap_ms, fuzz_u8(in));
        cfg->refractory_ms = tweak(cfg->refractory_ms, fuzz_u8(in));
    }
    if (groups & 0x08) {
        cfg->floor_rise_db_per_s = tweak(cfg->floor_rise_db_per_s, fuzz_u8(in));
        cfg->floor_fall_db_per_s = tweak(cfg->floor_fall_db_per_s, fuzz_u8(in));
        /* short warm-ups let short inputs reach the decision */
        cfg->warmup_ms = tweak(cfg->warmup_ms / 16.0, fuzz_u8(in));
    }
    if (groups & 0x10) {
        const uint8_t e = fuzz_u8(in);
        cfg->emg_envelope = (ltr_envelope)(e % 3u);
        if (e == 0xFF) /* a config of another layout */
            cfg->struct_size -= 8;
        cfg->emg_smoothing_hz = tweak(cfg->emg_smoothing_hz, fuzz_u8(in));
        cfg->acc_smoothing_hz = tweak(cfg->acc_smoothing_hz, fuzz_u8(in));
    }
    if (groups & 0x20) {
        cfg->spike_threshold_db = tweak(cfg->spike_threshold_db, fuzz_u8(in));
        cfg->stim_blank_ms = tweak(cfg->stim_blank_ms, fuzz_u8(in));
        cfg->needle_blank_ms = tweak(cfg->needle_blank_ms, fuzz_u8(in));
        cfg->dropout_ms = tweak(cfg->dropout_ms, fuzz_u8(in));
        const uint8_t clip = fuzz_u8(in);
        cfg->clip_level = clip < 4 ? tweak(1.0, clip) : pow(10.0, ((double)clip - 128.0) / 16.0);
    }
    if (groups & 0x40) {
        cfg->emg_highpass_hz = tweak(cfg->emg_highpass_hz, fuzz_u8(in));
        cfg->emg_lowpass_hz = tweak(cfg->emg_lowpass_hz, fuzz_u8(in));
        cfg->acc_highpass_hz = tweak(cfg->acc_highpass_hz, fuzz_u8(in));
        cfg->acc_lowpass_hz = tweak(cfg->acc_lowpass_hz, fuzz_u8(in));
    }
    if (groups & 0x80) {
        cfg->fusion_window_ms = tweak(cfg->fusion_window_ms, fuzz_u8(in));
        cfg->acc_min_duration_ms = tweak(cfg->acc_min_duration_ms, fuzz_u8(in));
        const uint8_t e = fuzz_u8(in);
        cfg->ecg_cancel = e % 3u; /* 2: not a boolean */
        /* the session's rules from the same byte: short gaps and rules (and none), so
         * that short inputs reach sites and the stop cue */
        if (e & 0x04) {
            cfg->site_gap_ms = 20.0 * (1.0 + (double)(e >> 3 & 7u));
            cfg->stop_strokes = e >> 6 & 3u;
            cfg->stop_ms = e & 0x20 ? 0.0 : 150.0;
        }
    }
}

/* ------------------------------------------------------------------ stream */

typedef enum action_kind {
    ACT_MARK_STIM = 1, ACT_MARK_NEEDLE, ACT_FLUSH, ACT_RESET, ACT_MARK_INSERTION
} action_kind;

static int is_mark(action_kind k)
{
    return k == ACT_MARK_STIM || k == ACT_MARK_NEEDLE || k == ACT_MARK_INSERTION;
}

typedef struct action {
    uint64_t frame;  /* a mark's frame; where a flush or reset happens */
    action_kind kind;
    int lead;        /* run C: a mark is issued this many frames before its frame (<0: after) */
} action;

typedef struct stream {
    unsigned n_ch;
    size_t n_frames;
    float *x;         /* n_frames x n_ch */
    int16_t *q;       /* the same as ADC counts, for the frames fed through _s16 */
    uint8_t *s16;     /* per frame: 1 = fed through ltr_detector_process_s16 */
    float gain;       /* s16: units per count */
    action act[MAX_ACTIONS];
    size_t n_act;
    unsigned n_marks;
} stream;

typedef enum op {
    OP_NOISE, OP_BURST, OP_SINE, OP_CONST, OP_SPECIAL, OP_RAW, OP_STEP, OP_SPIKE,
    OP_BACKGROUND, OP_MARK, OP_FLUSH, OP_RESET, OP_S16, OP_SILENCE, OP_COUNT
} op;

/* 0, or 10^((b - 128) / 16): 1e-8 .. 1e8. */
static double level(uint8_t b)
{
    return b == 0 ? 0.0 : pow(10.0, ((double)b - 128.0) / 16.0);
}

/* Channel c is chosen by a mask byte (repeated every 8 channels). */
static int chosen(uint8_t mask, unsigned c)
{
    return mask >> (c % 8u) & 1u;
}

static void add_action(stream *s, uint64_t frame, action_kind kind, int lead)
{
    if (s->n_act >= MAX_ACTIONS)
        return;
    if (is_mark(kind)) {
        if (s->n_marks >= LTR_MAX_PENDING_MARKS)
            return; /* more could legitimately be refused in one run and not another */
        s->n_marks++;
    }
    /* Keep them sorted by frame, stable. */
    size_t i = s->n_act;
    while (i > 0 && s->act[i - 1].frame > frame) {
        s->act[i] = s->act[i - 1];
        i--;
    }
    s->act[i] = (action){.frame = frame, .kind = kind, .lead = lead};
    s->n_act++;
}

static void make_stream(fuzz_bytes *in, const ltr_config *cfg, stream *s)
{
    const unsigned n_ch = cfg->n_channels;
    const double fs = cfg->sample_rate_hz;
    const size_t max_frames = MAX_SAMPLES / n_ch;
    memset(s, 0, sizeof *s);
    s->n_ch = n_ch;
    s->x = malloc(max_frames * n_ch * sizeof *s->x);
    s->q = malloc(max_frames * n_ch * sizeof *s->q);
    s->s16 = malloc(max_frames);
    if (!s->x || !s->q || !s->s16)
        abort();
    const uint8_t g = fuzz_u8(in);
    s->gain = g < 0xF0 ? (float)exp2(((double)g - 128.0) / 8.0) : 1.0f;

    fuzz_rng rng = {fuzz_u32(in)};
    double bg = level(fuzz_u8(in));
    double dc[LTR_MAX_CHANNELS] = {0};
    int s16 = 0;
    size_t n = 0;
    for (unsigned ops = 0; ops < MAX_OPS && in->n > 0 && n < max_frames; ops++) {
        const op o = (op)(fuzz_u8(in) % OP_COUNT);
        size_t len = 0;
        uint8_t mask = 0xFF;
        switch (o) {
        case OP_NOISE: case OP_BURST: case OP_SINE: case OP_CONST: case OP_SILENCE:
            len = 1u + fuzz_u16(in) % 4096u;
            mask = fuzz_u8(in);
            break;
        case OP_SPECIAL:
            len = 1u + fuzz_u8(in) % 64u;
            mask = fuzz_u8(in);
            break;
        case OP_RAW:
            len = 1u + fuzz_u8(in) % 16u;
            mask = fuzz_u8(in);
            break;
        case OP_STEP: case OP_SPIKE:
            len = 1;
            mask = fuzz_u8(in);
            break;
        default:
            break;
        }
        if (len > max_frames - n)
            len = max_frames - n;
        const double amp = (o == OP_NOISE || o == OP_BURST || o == OP_SINE || o == OP_STEP ||
                            o == OP_SPIKE) ? level(fuzz_u8(in)) : 0.0;
        const double freq = o == OP_SINE ? fs * 0.5 * fuzz_u16(in) / 65536.0 : 0.0;
        float value = 0.0f;
        if (o == OP_CONST)
            value = fuzz_f32(in);
        if (o == OP_SPECIAL) {
            static const float special[8] = {NAN, INFINITY, -INFINITY, 1e-45f, 1e-40f,
                                             3.4028235e38f, -3.4028235e38f, -0.0f};
            value = special[fuzz_u8(in) % 8u];
        }
        if (o == OP_STEP)
            for (unsigned c = 0; c < n_ch; c++)
                if (chosen(mask, c))
                    dc[c] += fuzz_u8(in) & 1u ? amp : -amp;
        switch (o) {
        case OP_BACKGROUND: bg = level(fuzz_u8(in)); break;
        case OP_MARK: {
            const uint8_t k = fuzz_u8(in);
            const uint64_t at = n + fuzz_u8(in);
            /* a needle movement with bit 1 set is an insertion (a new site): blanked the
             * same, so older corpora drive the same twitch paths */
            add_action(s, at,
                       !(k & 1u) ? ACT_MARK_STIM : k & 2u ? ACT_MARK_INSERTION : ACT_MARK_NEEDLE,
                       (int)(k >> 1) - 16);
            break;
        }
        case OP_FLUSH: add_action(s, n, ACT_FLUSH, 0); break;
        case OP_RESET: add_action(s, n, ACT_RESET, 0); break;
        case OP_S16: s16 = !s16; break;
        default: break;
        }
        for (size_t i = 0; i < len; i++, n++) {
            s->s16[n] = (uint8_t)s16;
            const double hann = o == OP_BURST ? 0.5 - 0.5 * cos(two_pi * (double)(i + 1) / (double)(len + 1)) : 0.0;
            for (unsigned c = 0; c < n_ch; c++) {
                double v = o == OP_SILENCE && chosen(mask, c) ? 0.0 : bg * fuzz_rng_unit(&rng) + dc[c];
                if (chosen(mask, c)) {
                    switch (o) {
                    case OP_NOISE: v += amp * fuzz_rng_unit(&rng); break;
                    case OP_BURST: v += amp * hann * fuzz_rng_unit(&rng); break;
                    case OP_SINE: v += amp * sin(two_pi * freq * (double)n / fs); break;
                    case OP_SPIKE: v += amp; break;
                    case OP_CONST: case OP_SPECIAL: v = value; break;
                    case OP_RAW: v = fuzz_f32(in); break;
                    default: break;
                    }
                }
                s->x[n * n_ch + c] = (float)v;
            }
        }
    }
    s->n_frames = n;
    /* The same frames as ADC counts (saturating at the rails) where _s16 feeds them. */
    for (size_t i = 0; i < n * n_ch; i++) {
        const double k = (double)s->x[i] / (double)s->gain;
        s->q[i] = isnan(k) ? 0 : k >= 32767.0 ? INT16_MAX : k <= -32768.0 ? INT16_MIN
                                                                           : (int16_t)lrint(k);
    }
}

static void free_stream(stream *s)
{
    free(s->x);
    free(s->q);
    free(s->s16);
}

/* ------------------------------------------------------------------ checks */

typedef struct events {
    ltr_event *ev;
    size_t n, cap;
} events;

static void events_add(events *e, const ltr_event *ev)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 64;
        e->ev = realloc(e->ev, e->cap * sizeof *e->ev);
        if (!e->ev)
            abort();
    }
    e->ev[e->n++] = *ev;
}

typedef struct checker {
    const char *run;
    unsigned n_ch;
    uint64_t last_detected;
    int have_last;
    uint32_t last_id;
    uint32_t open[MAX_OPEN];
    unsigned n_open;
    int lost;             /* events were lost: BEGIN/END pairing cannot be followed */
    uint64_t fed;         /* frames fed since the last reset */
    int in_input;         /* every event starts inside the frames fed (not run C: its marks
                           * may be announced for frames the stream never reaches) */
    events all;
} checker;

static const char *kind_name(ltr_event_kind k)
{
    switch (k) {
    case LTR_EVENT_BEGIN: return "BEGIN";
    case LTR_EVENT_END: return "END";
    case LTR_EVENT_CANCEL: return "CANCEL";
    case LTR_EVENT_ARTIFACT: return "ARTIFACT";
    case LTR_EVENT_SITE: return "SITE";
    case LTR_EVENT_EXHAUSTED: return "EXHAUSTED";
    case LTR_EVENT_SITE_END: return "SITE_END";
    }
    return "?";
}

#define EV_FMT "%s id=%u onset=%llu peak=%llu offset=%llu detected=%llu amplitude=%g snr_db=%g confidence=%g channels=0x%x flags=0x%x stimulus=%llu"
#define EV_ARGS(e)                                                                        \
    kind_name((e)->kind), (e)->id, (unsigned long long)(e)->onset,                        \
        (unsigned long long)(e)->peak, (unsigned long long)(e)->offset,                   \
        (unsigned long long)(e)->detected, (double)(e)->amplitude, (double)(e)->snr_db,   \
        (double)(e)->confidence, (e)->channels, (e)->flags, (unsigned long long)(e)->stimulus

static void check_event(checker *k, const ltr_event *e)
{
    const size_t i = k->all.n;
    FUZZ_CHECK(HARNESS, e->kind >= LTR_EVENT_BEGIN && e->kind <= LTR_EVENT_SITE_END,
               "run %s, event %zu: unknown kind %d", k->run, i, (int)e->kind);
    FUZZ_CHECK(HARNESS, e->onset <= e->peak && e->peak <= e->offset,
               "run %s, event %zu: onset <= peak <= offset does not hold: " EV_FMT, k->run, i,
               EV_ARGS(e));
    FUZZ_CHECK(HARNESS, e->onset <= e->detected,
               "run %s, event %zu: onset after detected: " EV_FMT, k->run, i, EV_ARGS(e));
    FUZZ_CHECK(HARNESS, !k->in_input || e->onset < k->fed,
               "run %s, event %zu: starts at or after the end of the %llu frames fed: " EV_FMT,
               k->run, i, (unsigned long long)k->fed, EV_ARGS(e));
    FUZZ_CHECK(HARNESS, !k->have_last || e->detected >= k->last_detected,
               "run %s, event %zu: detected goes back (previous event at %llu): " EV_FMT, k->run,
               i, (unsigned long long)k->last_detected, EV_ARGS(e));
    const uint32_t all_ch = k->n_ch >= 32 ? 0xFFFFFFFFu : (1u << k->n_ch) - 1u;
    FUZZ_CHECK(HARNESS, (e->channels & ~all_ch) == 0,
               "run %s, event %zu: channels beyond the %u configured: " EV_FMT, k->run, i, k->n_ch,
               EV_ARGS(e));
    FUZZ_CHECK(HARNESS, e->confidence >= 0.0f && e->confidence <= 1.0f,
               "run %s, event %zu: confidence outside [0, 1]: " EV_FMT, k->run, i, EV_ARGS(e));
    FUZZ_CHECK(HARNESS, !isnan(e->amplitude) && !isnan(e->snr_db),
               "run %s, event %zu: NaN in amplitude or SNR: " EV_FMT, k->run, i, EV_ARGS(e));
    const int session = e->kind >= LTR_EVENT_SITE;
    if (session) /* the site's counts: strokes >= 1 (the one that began it) */
        FUZZ_CHECK(HARNESS, ltr_event_site_strokes(e) >= 1,
                   "run %s, event %zu: a site without a stroke: " EV_FMT, k->run, i, EV_ARGS(e));
    else if (e->flags & LTR_FLAG_EVOKED)
        FUZZ_CHECK(HARNESS, e->stimulus <= e->onset,
                   "run %s, event %zu: evoked before its stimulus: " EV_FMT, k->run, i, EV_ARGS(e));
    else
        FUZZ_CHECK(HARNESS, e->stimulus == 0,
                   "run %s, event %zu: a stimulus frame without LTR_FLAG_EVOKED: " EV_FMT, k->run,
                   i, EV_ARGS(e));
    k->have_last = 1;
    k->last_detected = e->detected;

    if (e->kind == LTR_EVENT_ARTIFACT || session)
        return;
    if (e->kind != LTR_EVENT_CANCEL)
        FUZZ_CHECK(HARNESS, e->channels != 0,
                   "run %s, event %zu: a twitch seen on no channel: " EV_FMT, k->run, i,
                   EV_ARGS(e));
    if (e->kind == LTR_EVENT_BEGIN) {
        FUZZ_CHECK(HARNESS, e->offset == e->detected,
                   "run %s, event %zu: BEGIN with offset != detected: " EV_FMT, k->run, i,
                   EV_ARGS(e));
        FUZZ_CHECK(HARNESS, e->id > k->last_id,
                   "run %s, event %zu: BEGIN id not above the last (%u): " EV_FMT, k->run, i,
                   k->last_id, EV_ARGS(e));
        k->last_id = e->id;
        FUZZ_CHECK(HARNESS, k->n_open < MAX_OPEN, "run %s, event %zu: %u twitches open at once",
                   k->run, i, k->n_open);
        k->open[k->n_open++] = e->id;
        return;
    }
    /* END or CANCEL: its BEGIN came first and is still open. */
    unsigned j = 0;
    while (j < k->n_open && k->open[j] != e->id)
        j++;
    if (j == k->n_open) {
        FUZZ_CHECK(HARNESS, k->lost, "run %s, event %zu: %s without an open BEGIN of id %u: " EV_FMT,
                   k->run, i, kind_name(e->kind), e->id, EV_ARGS(e));
        return;
    }
    k->open[j] = k->open[--k->n_open];
}

/* The stream starts again (reset): ids and frames restart, open twitches are forgotten. */
static void checker_reset(checker *k)
{
    k->have_last = 0;
    k->last_id = 0;
    k->n_open = 0;
}

/* A flush ended the stream: nothing may stay open; frames and ids go on. */
static void checker_flushed(checker *k)
{
    FUZZ_CHECK(HARNESS, k->n_open == 0 || k->lost,
               "run %s: after flush, %u twitch(es) still open (first id %u): no END or CANCEL",
               k->run, k->n_open, k->n_open ? k->open[0] : 0);
    k->n_open = 0;
    k->have_last = 0; /* flush pushes padding frames: later events may be detected earlier */
}

/* ------------------------------------------------------------------ runs */

static void trace_event(const checker *k, const ltr_event *e);

typedef enum run_kind { RUN_A, RUN_B, RUN_C } run_kind;

typedef struct runner {
    ltr_detector *det;
    const stream *s;
    run_kind kind;
    fuzz_rng rng;      /* splits, array sizes, issue times */
    unsigned split;    /* split policy */
    unsigned tiny;     /* B, C: largest events array */
    uint64_t fed;      /* frames since init/reset */
    uint64_t lost;     /* events lost to the queue before the last reset */
    checker ck;
} runner;

static size_t next_block(runner *r, size_t left)
{
    size_t b;
    switch (r->split) {
    case 0: b = left; break;                                   /* one call per stretch */
    case 1: b = 1; break;                                      /* frame by frame */
    case 2: b = 1 + (size_t)fuzz_rng_below(&r->rng, 7); break; /* tiny */
    case 3: b = 32; break;                                     /* a device's block */
    default: b = 1 + (size_t)fuzz_rng_below(&r->rng, 1 + r->split * 97u); break;
    }
    return b < left ? b : left;
}

/* Collect the events of one call into the checker, with the status rules of the run. */
static void take(runner *r, const ltr_event *ev, size_t n, size_t max, ltr_status st,
                 const char *call)
{
    FUZZ_CHECK(HARNESS, n <= max, "run %s: %s returned %zu events into an array of %zu",
               r->ck.run, call, n, max);
    for (size_t i = 0; i < n; i++) {
        trace_event(&r->ck, &ev[i]);
        check_event(&r->ck, &ev[i]);
        events_add(&r->ck.all, &ev[i]);
    }
    if (r->kind == RUN_A)
        FUZZ_CHECK(HARNESS, st == LTR_OK,
                   "run A: %s returned status %d (%s) with an events array of "
                   "ltr_detector_max_events = %zu: no event may wait or be lost",
                   call, (int)st, ltr_status_string(st), max);
    else
        FUZZ_CHECK(HARNESS, st == LTR_OK || st == LTR_MORE_EVENTS || st == LTR_ERR_EVENT_OVERFLOW,
                   "run %s: %s returned status %d (%s)", r->ck.run, call, (int)st,
                   ltr_status_string(st));
    if (st == LTR_ERR_EVENT_OVERFLOW) {
        FUZZ_CHECK(HARNESS, ltr_detector_lost_events(r->det) > 0,
                   "run %s: %s said LTR_ERR_EVENT_OVERFLOW but ltr_detector_lost_events is 0",
                   r->ck.run, call);
        r->ck.lost = 1;
    }
}

static size_t array_size(runner *r, size_t n_frames)
{
    if (r->kind == RUN_A)
        return ltr_detector_max_events(r->det, n_frames);
    return (size_t)fuzz_rng_below(&r->rng, r->tiny + 1u);
}

/* One process call (float or s16) of n frames from frame `at` of the stream. */
static ltr_status call_process(runner *r, size_t at, size_t n, int s16, size_t max)
{
    const stream *s = r->s;
    ltr_event *ev = max ? malloc(max * sizeof *ev) : NULL; /* exactly max: ASan sees overruns */
    if (max && !ev)
        abort();
    size_t got = 0;
    ltr_status st;
    if (s16)
        st = ltr_detector_process_s16(r->det, n ? s->q + at * s->n_ch : NULL, n, s->gain, ev, max,
                                      &got);
    else
        st = ltr_detector_process(r->det, n ? s->x + at * s->n_ch : NULL, n, ev, max, &got);
    r->fed += n; /* before the events: they may start in these frames */
    r->ck.fed = r->fed;
    take(r, ev, got, max, st, s16 ? "ltr_detector_process_s16" : "ltr_detector_process");
    free(ev);
    const double mains = ltr_detector_mains_hz(r->det);
    FUZZ_CHECK(HARNESS, mains == LTR_MAINS_AUTO || mains == 0.0 || (mains >= 40.0 && mains <= 70.0),
               "run %s: ltr_detector_mains_hz says %g Hz", r->ck.run, mains);
    if (n) {
        FUZZ_CHECK(HARNESS, ltr_detector_frames(r->det) == r->fed,
                   "run %s: ltr_detector_frames is %llu after %llu frames", r->ck.run,
                   (unsigned long long)ltr_detector_frames(r->det), (unsigned long long)r->fed);
    }
    return st;
}

/* Empty the queue after LTR_MORE_EVENTS, or after LTR_ERR_EVENT_OVERFLOW, which does not
 * say whether events still wait (arrays of at least one event). */
static void drain(runner *r, ltr_status st, int flushing)
{
    for (unsigned guard = 0; st == LTR_MORE_EVENTS || st == LTR_ERR_EVENT_OVERFLOW; guard++) {
        FUZZ_CHECK(HARNESS, guard < 10000, "run %s: LTR_MORE_EVENTS never ends", r->ck.run);
        const size_t max = 1 + (size_t)fuzz_rng_below(&r->rng, r->tiny > 0 ? r->tiny : 1);
        if (flushing) {
            ltr_event *ev = malloc(max * sizeof *ev);
            if (!ev)
                abort();
            size_t got = 0;
            st = ltr_detector_flush(r->det, ev, max, &got);
            take(r, ev, got, max, st, "ltr_detector_flush");
            free(ev);
        } else {
            st = call_process(r, 0, 0, 0, max);
        }
    }
}

static void do_flush(runner *r)
{
    const size_t max = array_size(r, 0);
    ltr_event *ev = max ? malloc(max * sizeof *ev) : NULL;
    if (max && !ev)
        abort();
    size_t got = 0;
    const ltr_status st = ltr_detector_flush(r->det, ev, max, &got);
    take(r, ev, got, max, st, "ltr_detector_flush");
    free(ev);
    drain(r, st, 1);
    checker_flushed(&r->ck);
    FUZZ_CHECK(HARNESS, !ltr_detector_ready(r->det), "run %s: ready right after a flush",
               r->ck.run);
}

static void do_reset(runner *r)
{
    r->lost += ltr_detector_lost_events(r->det);
    ltr_detector_reset(r->det);
    r->fed = r->ck.fed = 0;
    checker_reset(&r->ck);
    r->ck.lost = 0;
    FUZZ_CHECK(HARNESS, ltr_detector_frames(r->det) == 0 && ltr_detector_lost_events(r->det) == 0,
               "run %s: frames or lost events not 0 after reset", r->ck.run);
    FUZZ_CHECK(HARNESS, !ltr_detector_ready(r->det), "run %s: ready right after a reset",
               r->ck.run);
}

static void issue_mark(runner *r, const action *a)
{
    const ltr_mark kind = a->kind == ACT_MARK_STIM        ? LTR_MARK_STIM
                          : a->kind == ACT_MARK_INSERTION ? LTR_MARK_INSERTION
                                                          : LTR_MARK_NEEDLE;
    const ltr_status st = ltr_detector_mark(r->det, kind, a->frame);
    if (r->kind == RUN_C)
        FUZZ_CHECK(HARNESS, st == LTR_OK || st == LTR_ERR_ARGUMENT || st == LTR_ERR_TOO_MANY_MARKS,
                   "run C: ltr_detector_mark at %llu returned %d (%s)",
                   (unsigned long long)a->frame, (int)st, ltr_status_string(st));
    else
        FUZZ_CHECK(HARNESS, st == LTR_OK,
                   "run %s: ltr_detector_mark(%d, frame %llu) at frame %llu returned %d (%s)",
                   r->ck.run, (int)kind, (unsigned long long)a->frame,
                   (unsigned long long)ltr_detector_frames(r->det), (int)st,
                   ltr_status_string(st));
}

/* The frame at which run r issues mark a: A and B when the block holding it starts
 * (never in the past, so every split does the same); C lead frames earlier or later. */
static uint64_t issue_at(const runner *r, const action *a)
{
    if (r->kind != RUN_C)
        return a->frame;
    if (a->lead >= 0)
        return a->frame > (uint64_t)a->lead ? a->frame - (uint64_t)a->lead : 0;
    return a->frame + (uint64_t)(-a->lead);
}

static void run_stream(runner *r)
{
    const stream *s = r->s;
    /* The marks in the order this run issues them. */
    size_t order[MAX_ACTIONS];
    size_t n_marks = 0;
    for (size_t j = 0; j < s->n_act; j++) {
        if (!is_mark(s->act[j].kind))
            continue;
        size_t i = n_marks++;
        while (i > 0 && issue_at(r, &s->act[order[i - 1]]) > issue_at(r, &s->act[j])) {
            order[i] = order[i - 1];
            i--;
        }
        order[i] = j;
    }
    /* Mark frames count from the last reset, as the detector's frames do. */
    uint64_t base = 0;
    size_t pos = 0, next = 0, next_mark = 0;
    size_t stretch = 0; /* end of the run of frames of one entry point that pos is in */
    for (;;) {
        /* flush and reset at this frame, in program order */
        while (next < s->n_act && s->act[next].frame <= pos) {
            const action *a = &s->act[next];
            if (a->kind == ACT_FLUSH) {
                do_flush(r);
            } else if (a->kind == ACT_RESET) {
                do_reset(r);
                base = pos;
            }
            next++;
        }
        if (pos >= s->n_frames)
            break;
        /* A block never crosses a flush, reset or change of entry point. */
        size_t end = s->n_frames;
        for (size_t j = next; j < s->n_act; j++)
            if (s->act[j].kind == ACT_FLUSH || s->act[j].kind == ACT_RESET) {
                end = (size_t)s->act[j].frame;
                break;
            }
        if (stretch <= pos) {
            stretch = pos + 1;
            while (stretch < s->n_frames && s->s16[stretch] == s->s16[pos])
                stretch++;
        }
        const size_t n = next_block(r, (end < stretch ? end : stretch) - pos);
        /* Marks due before the end of this block (A and B: never one in the past). */
        while (next_mark < n_marks && issue_at(r, &s->act[order[next_mark]]) < pos + n) {
            action rel = s->act[order[next_mark++]];
            if (rel.frame < base)
                continue; /* meant for before a reset */
            rel.frame -= base;
            issue_mark(r, &rel);
        }
        if (r->kind == RUN_C && fuzz_rng_below(&r->rng, 8) == 0)
            drain(r, call_process(r, 0, 0, 0, array_size(r, 0)), 0);
        const ltr_status st = call_process(r, pos, n, s->s16[pos], array_size(r, n));
        if (r->kind != RUN_A)
            drain(r, st, 0);
        pos += n;
    }
    do_flush(r);
}

/* ------------------------------------------------------------------ compare */

static int same_event(const ltr_event *x, const ltr_event *y)
{
    return x->kind == y->kind && x->id == y->id && x->onset == y->onset && x->peak == y->peak &&
           x->offset == y->offset && x->detected == y->detected && x->channels == y->channels &&
           x->flags == y->flags && x->stimulus == y->stimulus &&
           !memcmp(&x->amplitude, &y->amplitude, sizeof x->amplitude) &&
           !memcmp(&x->snr_db, &y->snr_db, sizeof x->snr_db) &&
           !memcmp(&x->confidence, &y->confidence, sizeof x->confidence);
}

static void compare_runs(const runner *a, const runner *b)
{
    const events *ea = &a->ck.all, *eb = &b->ck.all;
    const uint64_t b_lost = b->lost + ltr_detector_lost_events(b->det);
    if (b_lost == 0) {
        for (size_t i = 0; i < ea->n && i < eb->n; i++)
            FUZZ_CHECK(HARNESS, same_event(&ea->ev[i], &eb->ev[i]),
                       "block splits disagree at event %zu:\n  A (split %u): " EV_FMT
                       "\n  B (split %u): " EV_FMT,
                       i, a->split, EV_ARGS(&ea->ev[i]), b->split, EV_ARGS(&eb->ev[i]));
        FUZZ_CHECK(HARNESS, ea->n == eb->n,
                   "block splits disagree: run A (split %u) gave %zu events, run B (split %u) %zu",
                   a->split, ea->n, b->split, eb->n);
        return;
    }
    /* B lost events to its queue: what it got is A's events minus the lost ones. */
    size_t j = 0;
    for (size_t i = 0; i < eb->n; i++) {
        while (j < ea->n && !same_event(&ea->ev[j], &eb->ev[i]))
            j++;
        FUZZ_CHECK(HARNESS, j < ea->n,
                   "run B (queue overflowed) has an event run A does not: " EV_FMT,
                   EV_ARGS(&eb->ev[i]));
        j++;
    }
    FUZZ_CHECK(HARNESS, eb->n + b_lost == ea->n,
               "run B got %zu events and lost %llu, run A got %zu", eb->n,
               (unsigned long long)b_lost, ea->n);
}

/* ------------------------------------------------------------------ entry */

/* LTR_FUZZ_VERBOSE=1: what each input is (before it runs) and what it gave; 2: also
 * every event of runs A and B (for looking at a corpus or a reproducer). */
static int verbosity(void)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("LTR_FUZZ_VERBOSE") ? atoi(getenv("LTR_FUZZ_VERBOSE")) : 0;
    return verbose;
}

static void describe_input(const ltr_config *cfg, const stream *s, const runner *a,
                           const runner *b, uint8_t opts)
{
    if (!verbosity())
        return;
    fprintf(stderr, "core: %g Hz, %u channels (", cfg->sample_rate_hz, cfg->n_channels);
    for (unsigned c = 0; c < cfg->n_channels; c++)
        fprintf(stderr, "%s%s", c ? " " : "", cfg->sensors[c] == LTR_SENSOR_ACC ? "acc" : "emg");
    fprintf(stderr,
            "), mains %g Hz x%u, ecg_cancel %u, envelope %d, on/off %g/%g dB, confirm %g ms, duration %g-%g "
            "ms (acc %g), gap %g ms, refractory %g ms, warm-up %g ms, dropout %g ms, clip %g; "
            "%zu frames (s16 gain %g); splits A %u, B %u; B arrays <= %u; run C %s\n",
            cfg->mains_hz, cfg->mains_harmonics, cfg->ecg_cancel, (int)cfg->emg_envelope, cfg->threshold_on_db,
            cfg->threshold_off_db, cfg->confirm_ms, cfg->min_duration_ms, cfg->max_duration_ms,
            cfg->acc_min_duration_ms, cfg->gap_ms, cfg->refractory_ms, cfg->warmup_ms,
            cfg->dropout_ms, cfg->clip_level, s->n_frames, (double)s->gain, a->split, b->split,
            b->tiny, opts & 0x80 ? "yes" : "no");
    fprintf(stderr, "  stream:");
    for (size_t i = 0; i < s->n_act; i++)
        fprintf(stderr, " %s@%llu", s->act[i].kind == ACT_FLUSH ? "flush"
                                    : s->act[i].kind == ACT_RESET ? "reset"
                                    : s->act[i].kind == ACT_MARK_STIM ? "mark-stim"
                                    : s->act[i].kind == ACT_MARK_INSERTION ? "mark-insertion"
                                                                           : "mark-needle",
                (unsigned long long)s->act[i].frame);
    for (size_t i = 0; i < s->n_frames; i++)
        if (i == 0 ? s->s16[i] : s->s16[i] != s->s16[i - 1])
            fprintf(stderr, " %s@%zu", s->s16[i] ? "s16" : "float", i);
    fputc('\n', stderr);
    if (verbosity() >= 3)
        for (size_t i = 0; i < s->n_frames && i < 64; i++) {
            fprintf(stderr, "  frame %zu:", i);
            for (unsigned c = 0; c < s->n_ch; c++)
                fprintf(stderr, " %a", (double)s->x[i * s->n_ch + c]);
            fputc('\n', stderr);
        }
}

static void describe_events(const runner *a, const runner *b)
{
    if (!verbosity())
        return;
    size_t kinds[8] = {0};
    for (size_t i = 0; i < a->ck.all.n; i++)
        kinds[a->ck.all.ev[i].kind % 8u]++;
    fprintf(stderr, "  events: %zu BEGIN, %zu END, %zu CANCEL, %zu ARTIFACT; B lost %llu\n",
            kinds[LTR_EVENT_BEGIN], kinds[LTR_EVENT_END], kinds[LTR_EVENT_CANCEL],
            kinds[LTR_EVENT_ARTIFACT],
            (unsigned long long)(b->lost + ltr_detector_lost_events(b->det)));
    if (verbosity() < 2)
        return;
    for (int k = 0; k < 2; k++) {
        const runner *r = k ? b : a;
        for (size_t i = 0; i < r->ck.all.n; i++)
            fprintf(stderr, "  %s %3zu " EV_FMT "\n", r->ck.run, i, EV_ARGS(&r->ck.all.ev[i]));
    }
}

/* Every event as it comes, with the frames fed so far (LTR_FUZZ_VERBOSE=3). */
static void trace_event(const checker *k, const ltr_event *e)
{
    if (verbosity() >= 3)
        fprintf(stderr, "  %s (fed %llu) " EV_FMT "\n", k->run, (unsigned long long)k->fed,
                EV_ARGS(e));
}

/* Bad configurations are refused alike by every function that takes one. */
static void check_refused(const ltr_config *cfg, ltr_status st)
{
    FUZZ_CHECK(HARNESS, st < 0, "ltr_config_validate returned %d", (int)st);
    FUZZ_CHECK(HARNESS, ltr_detector_size(cfg) == 0,
               "ltr_detector_size is not 0 for a configuration refused with %d (%s)", (int)st,
               ltr_status_string(st));
    ltr_detector *det = (ltr_detector *)1;
    const ltr_status c = ltr_detector_create(&det, cfg);
    FUZZ_CHECK(HARNESS, c == st && det == NULL,
               "ltr_detector_create returned %d for a configuration validate refuses with %d",
               (int)c, (int)st);
    static _Alignas(LTR_DETECTOR_ALIGN) unsigned char mem[1 << 16];
    det = (ltr_detector *)1;
    const ltr_status i = ltr_detector_init(&det, mem, sizeof mem, cfg);
    FUZZ_CHECK(HARNESS, i == st && det == NULL,
               "ltr_detector_init returned %d for a configuration validate refuses with %d",
               (int)i, (int)st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_bytes in = {data, size};
    ltr_config cfg;
    make_config(&in, &cfg);
    const ltr_status valid = ltr_config_validate(&cfg);
    if (valid != LTR_OK) {
        check_refused(&cfg, valid);
        return 0;
    }
    const size_t need = ltr_detector_size(&cfg);
    FUZZ_CHECK(HARNESS, need > 0, "ltr_detector_size is 0 for a valid configuration");

    const uint8_t opts = fuzz_u8(&in);
    const uint8_t split_a = fuzz_u8(&in), split_b = fuzz_u8(&in);
    const uint32_t seed = fuzz_u32(&in);
    stream s;
    make_stream(&in, &cfg, &s);

    runner a = {.s = &s, .kind = RUN_A, .rng = {seed}, .split = split_a % 8u};
    runner b = {.s = &s, .kind = RUN_B, .rng = {seed ^ 0x5bd1e995u}, .split = split_b % 8u,
                .tiny = opts & 3u};
    if (b.split == a.split) /* two different splits */
        b.split = (b.split + 1u + (split_b >> 3) % 7u) % 8u;
    a.ck = (checker){.run = "A", .n_ch = cfg.n_channels, .in_input = 1};
    b.ck = (checker){.run = "B", .n_ch = cfg.n_channels, .in_input = 1};

    FUZZ_CHECK(HARNESS, ltr_detector_create(&a.det, &cfg) == LTR_OK && a.det,
               "ltr_detector_create failed on a valid configuration");
    /* B in caller memory of exactly the size asked for (AddressSanitizer sees a byte
     * past it); smaller or misaligned memory is refused. */
    void *mem = NULL, *probe = malloc(need + 16);
    if (posix_memalign(&mem, LTR_DETECTOR_ALIGN, need) != 0 || !probe)
        abort();
    ltr_detector *tmp = NULL;
    FUZZ_CHECK(HARNESS, ltr_detector_init(&tmp, mem, need - 1, &cfg) == LTR_ERR_MEMORY,
               "ltr_detector_init accepted %zu bytes where ltr_detector_size asks %zu", need - 1,
               need);
    unsigned char *odd = (unsigned char *)probe + ((uintptr_t)probe % 16 == 8 ? 0 : 8);
    FUZZ_CHECK(HARNESS, ltr_detector_init(&tmp, odd, need, &cfg) == LTR_ERR_MEMORY,
               "ltr_detector_init accepted memory misaligned to 8 bytes");
    free(probe);
    FUZZ_CHECK(HARNESS, ltr_detector_init(&b.det, mem, need, &cfg) == LTR_OK && b.det,
               "ltr_detector_init failed in %zu bytes (ltr_detector_size)", need);
    FUZZ_CHECK(HARNESS, ltr_detector_latency_frames(a.det) == ltr_detector_latency_frames(b.det),
               "two detectors of one configuration report different latencies");

    describe_input(&cfg, &s, &a, &b, opts);
    run_stream(&a);
    run_stream(&b);
    describe_events(&a, &b);
    compare_runs(&a, &b);

    if (opts & 0x80) {
        runner c = {.det = b.det, .s = &s, .kind = RUN_C, .rng = {seed * 2654435761u + 1u},
                    .split = (opts >> 2) % 8u, .tiny = 1u + (opts >> 5) % 3u};
        c.ck = (checker){.run = "C", .n_ch = cfg.n_channels};
        do_reset(&c);
        run_stream(&c);
        free(c.ck.all.ev);
    }

    free(a.ck.all.ev);
    free(b.ck.all.ev);
    ltr_detector_destroy(a.det);
    free(mem);
    free_stream(&s);
    return 0;
}
