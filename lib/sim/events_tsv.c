/*
 * The ground truth as a BIDS events.tsv (onset, duration in seconds,
 * trial_type, then our columns). The caller owns the FILE*.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "sim_internal.h"

static int write_channels(const ltr_sim *sim, FILE *f, uint32_t mask)
{
    int first = 1;
    for (unsigned c = 0; c < ltr_sim_channels(sim); c++) {
        if (!(mask & (1u << c)))
            continue;
        if (fprintf(f, "%s%s", first ? "" : ",", ltr_sim_channel_name(sim, c)) < 0)
            return -1;
        first = 0;
    }
    if (first && fputs("n/a", f) < 0)
        return -1;
    return 0;
}

ltr_sim_status ltr_sim_write_events_tsv(const ltr_sim *sim, FILE *f, uint32_t kinds_mask)
{
    if (sim == NULL || f == NULL)
        return LTR_SIM_ERR_NULL;
    const double fs = sim->fs;
    if (fputs("onset\tduration\ttrial_type\tsample\tamplitude_uv\tsnr_db\tacc_peak_g\t"
              "acc_onset\tseries_position\tchannels\n", f) < 0)
        return LTR_SIM_ERR_IO;
    for (size_t i = 0; i < sim->n_truth; i++) {
        const ltr_sim_event *e = &sim->truth[i];
        if (kinds_mask != 0 && !(kinds_mask & (1u << e->kind)))
            continue;
        int r = fprintf(f, "%.6f\t%.6f\t%s\t%llu\t", (double)e->onset / fs,
                        (double)e->duration / fs, ltr_sim_kind_name(e->kind),
                        (unsigned long long)e->onset);
        if (r >= 0)
            r = e->amplitude_uv > 0.0 ? fprintf(f, "%.3f\t", e->amplitude_uv) : fprintf(f, "n/a\t");
        if (r >= 0)
            r = (e->kind == LTR_SIM_LTR || e->kind == LTR_SIM_VOLUNTARY)
                    ? fprintf(f, "%.2f\t", e->snr_db)
                    : fprintf(f, "n/a\t");
        if (r >= 0)
            r = e->acc_peak_g > 0.0 ? fprintf(f, "%.4f\t", e->acc_peak_g) : fprintf(f, "n/a\t");
        if (r >= 0)
            r = e->kind == LTR_SIM_LTR      ? fprintf(f, "%.6f\t%u\t", (double)e->acc_onset / fs,
                                                      (unsigned)e->series_position)
                : e->kind == LTR_SIM_NEEDLE ? fprintf(f, "n/a\t%u\t", (unsigned)e->series_position)
                                            : fprintf(f, "n/a\tn/a\t");
        if (r < 0 || write_channels(sim, f, e->channels) != 0 || fputc('\n', f) == EOF)
            return LTR_SIM_ERR_IO;
    }
    return LTR_SIM_OK;
}
