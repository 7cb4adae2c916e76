/*
 * The detector's accuracy on every named simulator scenario.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * usage: sim_accuracy [--seeds N] [--tolerance-ms T] [--json] [--session] [scenario...]
 *
 * For each scenario and seeds 1..N (default 3), the recording is generated in
 * blocks and fed to a detector built with the public API only
 * (ltr_config_default for the recording's rate and channels, mains_hz set to
 * the scenario's mains as a device would be configured, everything else
 * default). A twitch is an LTR_EVENT_END event: its onset and offset, and the
 * `detected` frame of the BEGIN event with the same id as the decision time
 * (latency = decision - true onset). The seeds of a scenario are pooled (their
 * timelines laid end to end) and scored with libltr-eval. The one-hour
 * "session" scenario runs only with --session.
 *
 * This program reports; it never fails on a score (floors belong in tests).
 */
#include "ltr/ltr.h"
#include "ltr/ltr_eval.h"
#include "ltr/ltr_sim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512u

typedef struct vec_t {
    ltr_eval_truth *v;
    size_t n, cap;
} vec_t;

typedef struct vec_d {
    ltr_eval_detection *v;
    size_t n, cap;
} vec_d;

static void *grow(void *p, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return p;
    *cap = *cap ? 2 * *cap : 256;
    void *q = realloc(p, *cap * size);
    if (q == NULL) {
        fprintf(stderr, "sim_accuracy: out of memory\n");
        exit(2);
    }
    return q;
}

typedef struct begin_rec {
    uint32_t id;
    uint64_t detected;
} begin_rec;

/* Run one recording; append its truth and detections shifted by t_off seconds. */
static int run_one(const ltr_sim_params *p, double t_off, vec_t *truth, vec_d *dets)
{
    ltr_sim *sim = NULL;
    ltr_sim_status ss = ltr_sim_create(&sim, p);
    if (ss != LTR_SIM_OK) {
        fprintf(stderr, "sim_accuracy: %s\n", ltr_sim_status_string(ss));
        return -1;
    }
    const unsigned nch = ltr_sim_channels(sim);
    const double fs = p->sample_rate_hz;
    ltr_sensor sensors[LTR_MAX_CHANNELS];
    for (unsigned c = 0; c < nch; c++)
        sensors[c] = ltr_sim_channel_sensor(sim, c);
    ltr_config cfg;
    ltr_config_default(&cfg, fs, nch, sensors);
    cfg.mains_hz = p->mains_hz;
    ltr_detector *det = NULL;
    ltr_status st = ltr_detector_create(&det, &cfg);
    if (st != LTR_OK) {
        fprintf(stderr, "sim_accuracy: detector: %s\n", ltr_status_string(st));
        ltr_sim_destroy(sim);
        return -1;
    }
    const size_t max_ev = ltr_detector_max_events(det, BLOCK) + LTR_EVENT_QUEUE;
    ltr_event *ev = malloc(max_ev * sizeof *ev);
    float *buf = malloc((size_t)BLOCK * nch * sizeof *buf);
    begin_rec begins[64];
    size_t n_begins = 0;
    if (ev == NULL || buf == NULL) {
        fprintf(stderr, "sim_accuracy: out of memory\n");
        exit(2);
    }
    int flushing = 0;
    for (;;) {
        size_t n = 0, n_ev = 0;
        if (!flushing) {
            ltr_sim_generate(sim, buf, BLOCK, &n);
            if (n == 0) {
                flushing = 1;
                continue;
            }
            st = ltr_detector_process(det, buf, n, ev, max_ev, &n_ev);
        } else {
            st = ltr_detector_flush(det, ev, max_ev, &n_ev);
        }
        if (st < 0) {
            fprintf(stderr, "sim_accuracy: detector: %s\n", ltr_status_string(st));
            break;
        }
        for (size_t i = 0; i < n_ev; i++) {
            const ltr_event *e = &ev[i];
            if (e->kind == LTR_EVENT_BEGIN) {
                begins[n_begins % 64].id = e->id;
                begins[n_begins % 64].detected = e->detected;
                n_begins++;
            } else if (e->kind == LTR_EVENT_END) {
                double decided = (double)e->detected / fs;
                for (size_t k = 0; k < 64 && k < n_begins; k++)
                    if (begins[k].id == e->id)
                        decided = (double)begins[k].detected / fs;
                dets->v = grow(dets->v, &dets->cap, dets->n, sizeof *dets->v);
                ltr_eval_detection *d = &dets->v[dets->n++];
                d->onset_s = t_off + (double)e->onset / fs;
                d->duration_s = e->offset > e->onset ? (double)(e->offset - e->onset) / fs : 0.0;
                d->decided_s = t_off + decided;
            }
        }
        if (flushing && st != LTR_MORE_EVENTS)
            break;
    }
    size_t nt = 0;
    const ltr_sim_event *tr = ltr_sim_truth(sim, &nt);
    for (size_t i = 0; i < nt; i++) {
        truth->v = grow(truth->v, &truth->cap, truth->n, sizeof *truth->v);
        ltr_eval_truth *t = &truth->v[truth->n++];
        t->onset_s = t_off + (double)tr[i].onset / fs;
        t->duration_s = (double)tr[i].duration / fs;
        t->kind = ltr_eval_kind_from_name(ltr_sim_kind_name(tr[i].kind));
    }
    free(ev);
    free(buf);
    ltr_detector_destroy(det);
    ltr_sim_destroy(sim);
    return 0;
}

int main(int argc, char **argv)
{
    unsigned seeds = 3;
    int json = 0, session = 0;
    ltr_eval_options opt;
    ltr_eval_options_default(&opt);
    const char *only[64];
    size_t n_only = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seeds") == 0 && i + 1 < argc)
            seeds = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--tolerance-ms") == 0 && i + 1 < argc)
            opt.tolerance_s = strtod(argv[++i], NULL) / 1000.0;
        else if (strcmp(argv[i], "--json") == 0)
            json = 1;
        else if (strcmp(argv[i], "--session") == 0)
            session = 1;
        else if (argv[i][0] != '-' && n_only < 64)
            only[n_only++] = argv[i];
        else {
            fprintf(stderr, "usage: %s [--seeds N] [--tolerance-ms T] [--json] [--session] "
                            "[scenario...]\n", argv[0]);
            return 2;
        }
    }
    if (seeds == 0)
        seeds = 1;
    if (json)
        printf("[\n");
    else {
        printf("libltr %s, %u seed(s) per scenario, tolerance %.0f ms\n", ltr_version_string(),
               seeds, opt.tolerance_s * 1000.0);
        ltr_eval_write_table_header(stdout);
    }
    int first = 1;
    for (size_t s = 0; s < ltr_sim_scenario_count(); s++) {
        const char *name = ltr_sim_scenario_name(s);
        int wanted = n_only == 0;
        for (size_t k = 0; k < n_only; k++)
            wanted |= strcmp(only[k], name) == 0;
        if (!wanted || (n_only == 0 && !session && strcmp(name, "session") == 0))
            continue;
        vec_t truth = {0};
        vec_d dets = {0};
        double t_off = 0.0;
        for (unsigned seed = 1; seed <= seeds; seed++) {
            ltr_sim_params p;
            ltr_sim_scenario(name, &p);
            p.seed = seed;
            if (run_one(&p, t_off, &truth, &dets) != 0)
                return 1;
            t_off += p.duration_s + 10.0;
        }
        ltr_eval_result r;
        ltr_eval_status es = ltr_eval_score(truth.v, truth.n, dets.v, dets.n, &opt, &r, NULL, NULL);
        if (es != LTR_EVAL_OK) {
            fprintf(stderr, "sim_accuracy: %s\n", ltr_eval_status_string(es));
            return 1;
        }
        if (json) {
            printf("%s  ", first ? "" : ",\n");
            ltr_eval_write_json(stdout, &r, name);
        } else {
            ltr_eval_write_table_row(stdout, name, &r);
        }
        first = 0;
        fflush(stdout);
        free(truth.v);
        free(dets.v);
    }
    if (json)
        printf("\n]\n");
    return 0;
}
