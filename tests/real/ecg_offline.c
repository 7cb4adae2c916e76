/*
 * The ECG canceller (lib/core/ecg.c) offline on the real 8-channel 2048 Hz
 * recording ../shared/data/emggo/ecg_contaminated.csv: each channel is
 * band-passed 30-450 Hz as the detector does and run through the canceller;
 * QRS windows (R - 60 .. R + 120 ms around the R peaks real_ecg_rpeaks finds
 * in the raw channel, after 5 s of learning) are compared before and after,
 * raw and as the excess over the local background (R - 350 .. - 150 ms and
 * R + 250 .. + 350 ms), over all beats and over the calmer half. A report,
 * not a test: build/tests/real/ltr-ecg-offline ../shared/data/emggo/ecg_contaminated.csv
 * [DUMP.f32 [beats]]: DUMP.f32 receives, per channel, the band-passed input
 * and the canceller's output (float32, n frames each, the delay removed) for
 * a look offline; a third argument lists every beat as it is detected.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <stdint.h>
#include "filter.h"
#include "ecg.h"
#include "real_io.h"
#include "real_ecg.h"
int main(int argc, char **argv)
{
    real_table t;
    if (argc < 2 || real_table_read(argv[1], &t)) return 1;
    const double fs = 2048.0;
    ltri_ecg_design d; ltri_ecg_design_init(&d, fs);
    const uint32_t D = ltri_ecg_delay(&d);
    printf("delay %u frames (%.1f ms), %zu bytes/channel\n", D, 1e3 * D / fs, ltri_ecg_channel_size(&d));
    double tot_in = 0, tot_out = 0, tot_bg = 0;
    FILE *dump = argc > 2 ? fopen(argv[2], "wb") : NULL; /* optional: per channel, band-passed input then output, float32 */
    for (size_t ch = 0; ch < t.cols; ch++) {
        float *x = real_table_column(&t, ch, 0.0);
        const size_t n = t.rows;
        ltri_cascade c; ltri_cascade_clear(&c);
        ltri_cascade_add_butter_highpass(&c, 4, 30, fs); ltri_cascade_add_butter_lowpass(&c, 4, 450, fs);
        ltri_cascade_state s; ltri_cascade_state_reset(&s);
        float *y = calloc(n, sizeof *y), *o = calloc(n, sizeof *o);
        void *mem = aligned_alloc(64, (ltri_ecg_channel_size(&d) + 63) / 64 * 64);
        ltri_ecg_channel *e = ltri_ecg_channel_init(&d, mem, ltri_ecg_channel_size(&d));
        uint64_t last_beat = UINT64_MAX;
        for (size_t i = 0; i < n; i++) {
            y[i] = ltri_cascade_run(&c, &s, x[i]);
            const float v = ltri_ecg_step(&d, e, y[i]);
            if (argc > 3) { /* list the beats as they are detected (s, learnt, subtracting) */
                ltri_ecg_info bi; ltri_ecg_query(&d, e, &bi);
                if (bi.last_beat != UINT64_MAX && bi.last_beat != last_beat)
                    printf("  ch%zu beat %.3f s learnt %u%s\n", ch + 1, bi.last_beat / fs, bi.beats_learnt, bi.subtracting ? " subtracting" : "");
                last_beat = bi.last_beat;
            }
            if (i >= D) o[i - D] = v;
        }
        ltri_ecg_info info; ltri_ecg_query(&d, e, &info);
        uint64_t pk[256]; const size_t np = real_ecg_rpeaks(x, n, fs, pk, 256);
        /* per reference beat after 5 s: window R-60..R+120 ms; local background from
         * R-350..R-150 and R+250..R+350 ms of the input; "calm": background below the median */
        const size_t a0 = (size_t)(0.06 * fs), b0 = (size_t)(0.12 * fs);
        double bgs[256]; size_t nbg = 0;
        double win_in[256], win_out[256], win_bg[256];
        for (size_t k = 0; k < np; k++) {
            if (pk[k] < 5 * fs || pk[k] + (size_t)(0.35 * fs) + D >= n) continue;
            double ei = 0, eo = 0, eb = 0; size_t nbs = 0;
            for (size_t i = pk[k] - a0; i < pk[k] + b0; i++) { ei += (double)y[i] * y[i]; eo += (double)o[i] * o[i]; }
            for (size_t i = pk[k] - (size_t)(0.35 * fs); i < pk[k] - (size_t)(0.15 * fs); i++) { eb += (double)y[i] * y[i]; nbs++; }
            for (size_t i = pk[k] + (size_t)(0.25 * fs); i < pk[k] + (size_t)(0.35 * fs); i++) { eb += (double)y[i] * y[i]; nbs++; }
            win_in[nbg] = ei; win_out[nbg] = eo; win_bg[nbg] = eb / nbs * (double)(a0 + b0); bgs[nbg] = win_bg[nbg]; nbg++;
        }
        double sorted[256]; for (size_t k = 0; k < nbg; k++) sorted[k] = bgs[k];
        for (size_t i = 1; i < nbg; i++) for (size_t j = i; j > 0 && sorted[j-1] > sorted[j]; j--) { double tmp = sorted[j]; sorted[j] = sorted[j-1]; sorted[j-1] = tmp; }
        const double med = nbg ? sorted[nbg / 2] : 0;
        double ein = 0, eout = 0, bgw = 0, cin = 0, cout = 0, cbg = 0; size_t ncalm = 0;
        for (size_t k = 0; k < nbg; k++) {
            ein += win_in[k]; eout += win_out[k]; bgw += win_bg[k];
            if (win_bg[k] <= med) { cin += win_in[k]; cout += win_out[k]; cbg += win_bg[k]; ncalm++; }
        }
        printf("ch%zu: %u detected (%zu ref), %u learnt, %s, %.0f bpm | all %zu: %.1f dB, excess %.1f dB | calm %zu: %.1f dB, excess %.1f dB (QRS/bg %.1f dB)\n",
               ch + 1, info.beats_detected, np, info.beats_learnt, info.locked ? "locked" : "unlocked", (double)info.heart_rate_bpm,
               nbg, 10 * log10(ein / eout), 10 * log10((ein - bgw) / fmax(eout - bgw, 1e-3 * (ein - bgw))),
               ncalm, 10 * log10(cin / cout), 10 * log10((cin - cbg) / fmax(cout - cbg, 1e-3 * (cin - cbg))), 10 * log10(cin / cbg));
        tot_in += ein; tot_out += eout; tot_bg += bgw;
        if (dump) { fwrite(y, sizeof *y, n, dump); fwrite(o, sizeof *o, n, dump); }
        free(y); free(o); free(mem); free(x);
    }
    real_table_free(&t);
    if (dump) fclose(dump);
    printf("all channels: QRS windows %.1f dB, excess over local background %.1f dB\n", 10 * log10(tot_in / tot_out), 10 * log10((tot_in - tot_bg) / (tot_out - tot_bg)));
    return 0;
}
