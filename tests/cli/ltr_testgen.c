/*
 * ltr-testgen: writes small synthetic recordings with twitch-like bursts at
 * known times, in every format the `ltr` tool reads, for the CLI tests.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * This is test code, not the simulator (lib/sim): the signal is deliberately
 * simple. Background: white Gaussian noise band-passed 20-450 Hz (two RBJ
 * biquads). Bursts: the same kind of noise, `--gain` times (default 10) larger,
 * with 5 ms raised-cosine ramps, on every channel. Deterministic (xorshift +
 * Box-Muller, fixed seed), so the files are identical on every run.
 *
 * usage: ltr-testgen [options] FORMAT OUTPUT
 *   FORMAT: wav | wav16 | flac | edf | bdf | csv | tsv | csv-notime | raw-f32 | raw-s16 | wfdb
 *   (wfdb: OUTPUT is NAME.hea, the samples go to NAME.dat: format 16, 50 adu per mV)
 *   OUTPUT: a path, or - for standard output (raw and text formats)
 *   --rate HZ (2000)  --channels N (1)  --duration S (10)
 *   --bursts T1,T2,... (2,4.5,7: onsets, s)  --burst-ms MS (100)  --gain G (10)
 *   --rms X (0.01: background RMS)  --seed N (1)
 *   --edf-rates R1,R2,... (EDF/BDF: a sample rate per channel, to make mixed-rate files)
 *   --hum HZ --hum-amp A (a mains sine added, default none)  --clip L (samples clipped to +-L)
 *   --labels L1,L2,... (EDF/BDF labels and text column names; default EMG1.. / emg1..)
 *   --units U1,U2,... (EDF/BDF physical dimensions; default mV)
 *   --annotations T:TEXT,T:TEXT,... (EDF+/BDF+: annotations at T s, no duration)
 */
#include <edflib.h>
#include <errno.h>
#include <math.h>
#include <sndfile.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CH 16
#define MAX_BURSTS 64

typedef struct biquad {
    double b0, b1, b2, a1, a2, x1, x2, y1, y2;
} biquad;

static double biquad_run(biquad *q, double x)
{
    double y = q->b0 * x + q->b1 * q->x1 + q->b2 * q->x2 - q->a1 * q->y1 - q->a2 * q->y2;
    q->x2 = q->x1;
    q->x1 = x;
    q->y2 = q->y1;
    q->y1 = y;
    return y;
}

/* RBJ cookbook high-pass (hp = 1) or low-pass, Q = 1/sqrt(2). */
static void biquad_design(biquad *q, double f, double fs, int hp)
{
    const double pi = 3.14159265358979323846;
    double w = 2.0 * pi * f / fs, c = cos(w), alpha = sin(w) / (2.0 * 0.70710678118654752);
    double a0 = 1.0 + alpha;
    memset(q, 0, sizeof *q);
    if (hp) {
        q->b0 = (1.0 + c) / 2.0 / a0;
        q->b1 = -(1.0 + c) / a0;
    } else {
        q->b0 = (1.0 - c) / 2.0 / a0;
        q->b1 = (1.0 - c) / a0;
    }
    q->b2 = q->b0;
    q->a1 = -2.0 * c / a0;
    q->a2 = (1.0 - alpha) / a0;
}

static uint64_t rng_state = 1;

static double uniform01(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return ((double)(rng_state >> 11) + 0.5) / 9007199254740992.0;
}

static double gauss(void)
{
    const double pi = 3.14159265358979323846;
    return sqrt(-2.0 * log(uniform01())) * cos(2.0 * pi * uniform01());
}

typedef struct gen {
    double rate, duration, burst_s, gain, rms;
    unsigned channels;
    double bursts[MAX_BURSTS];
    unsigned n_bursts;
    double edf_rates[MAX_CH];
    unsigned n_edf_rates;
    double hum_hz, hum_amp, clip;
    const char *labels, *units; /* comma-separated, NULL: defaults */
    const char *annotations;    /* "T:TEXT,..." (EDF+/BDF+), NULL: none */
} gen;

/* Item c of a comma-separated list into buf, or the default if there is none. */
static const char *list_item(const char *list, unsigned c, const char *def, char *buf,
                             size_t size)
{
    for (unsigned k = 0; list && *list; k++) {
        size_t len = strcspn(list, ",");
        if (k == c) {
            snprintf(buf, size, "%.*s", (int)len, list);
            return buf;
        }
        list += len + (list[len] == ',');
    }
    snprintf(buf, size, "%s", def);
    return buf;
}

/* Burst envelope at time t: 1 outside bursts, `gain` inside, 5 ms ramps. */
static double burst_gain(const gen *g, double t)
{
    const double pi = 3.14159265358979323846, ramp = 0.005;
    for (unsigned b = 0; b < g->n_bursts; b++) {
        double u = t - g->bursts[b];
        if (u < 0.0 || u >= g->burst_s)
            continue;
        double w = 1.0;
        if (u < ramp)
            w = 0.5 - 0.5 * cos(pi * u / ramp);
        else if (g->burst_s - u < ramp)
            w = 0.5 - 0.5 * cos(pi * (g->burst_s - u) / ramp);
        return 1.0 + (g->gain - 1.0) * w;
    }
    return 1.0;
}

/* The whole recording, channel-major: sig[c][i]. Small files only. */
static float **make_signal(const gen *g, const double *rates, size_t *n_out)
{
    float **sig = calloc(g->channels, sizeof *sig);
    if (!sig)
        return NULL;
    for (unsigned c = 0; c < g->channels; c++) {
        double fs = rates[c];
        size_t n = (size_t)llround(g->duration * fs);
        n_out[c] = n;
        sig[c] = malloc((n ? n : 1) * sizeof **sig);
        if (!sig[c])
            return NULL;
        biquad hp, lp;
        biquad_design(&hp, 20.0, fs, 1);
        biquad_design(&lp, fs > 1000.0 ? 450.0 : 0.4 * fs, fs, 0);
        for (int i = 0; i < 2000; i++) /* settle the filters */
            biquad_run(&lp, biquad_run(&hp, gauss()));
        for (size_t i = 0; i < n; i++) {
            const double pi = 3.14159265358979323846;
            double x = biquad_run(&lp, biquad_run(&hp, gauss()));
            double v = x * g->rms * 1.6 * burst_gain(g, (double)i / fs);
            if (g->hum_hz > 0)
                v += g->hum_amp * sin(2.0 * pi * g->hum_hz * (double)i / fs);
            if (g->clip > 0)
                v = v > g->clip ? g->clip : v < -g->clip ? -g->clip : v;
            sig[c][i] = (float)v;
        }
    }
    return sig;
}

static int write_sndfile(const gen *g, float **sig, size_t n, const char *path, int fmt)
{
    SF_INFO info = {0};
    info.samplerate = (int)g->rate;
    info.channels = (int)g->channels;
    info.format = fmt;
    SNDFILE *sf = sf_open(path, SFM_WRITE, &info);
    if (!sf) {
        fprintf(stderr, "ltr-testgen: %s: %s\n", path, sf_strerror(NULL));
        return 1;
    }
    float *frame = malloc(g->channels * sizeof *frame);
    for (size_t i = 0; i < n && frame; i++) {
        for (unsigned c = 0; c < g->channels; c++)
            frame[c] = sig[c][i];
        sf_writef_float(sf, frame, 1);
    }
    free(frame);
    return sf_close(sf) != 0;
}

/* A PhysioNet WFDB record (header(5), signal(5) format 16): path NAME.hea, NAME.dat beside it. */
static int write_wfdb(const gen *g, float **sig, size_t n, const char *path)
{
    const size_t len = strlen(path);
    if (len < 5 || strcmp(path + len - 4, ".hea") != 0 || len > 900) {
        fprintf(stderr, "ltr-testgen: wfdb: the output must be NAME.hea\n");
        return 2;
    }
    char dat[1024], label[32], def[16];
    snprintf(dat, sizeof dat, "%.*s.dat", (int)(len - 4), path);
    const char *base = strrchr(dat, '/') ? strrchr(dat, '/') + 1 : dat;
    const char *rec = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    FILE *h = fopen(path, "w"), *d = fopen(dat, "wb");
    if (!h || !d) {
        fprintf(stderr, "ltr-testgen: %s: %s\n", h ? dat : path, strerror(errno));
        return 1;
    }
    const double gain = 50.0; /* adu per mV; the samples are in V */
    fprintf(h, "%.*s %u %g %zu\n", (int)strlen(rec) - 4, rec, g->channels, g->rate, n);
    for (unsigned c = 0; c < g->channels; c++) {
        snprintf(def, sizeof def, "EMG%u", c + 1);
        list_item(g->labels, c, def, label, sizeof label);
        long first = lround(fmax(-32767.0, fmin(32767.0, sig[c][0] * 1000.0 * gain)));
        fprintf(h, "%s 16 %g(0)/mV 16 0 %ld 0 0 %s\n", base, gain, first, label);
    }
    for (size_t i = 0; i < n; i++)
        for (unsigned c = 0; c < g->channels; c++) {
            long v = lround(fmax(-32767.0, fmin(32767.0, sig[c][i] * 1000.0 * gain)));
            unsigned char b[2] = {(unsigned char)(v & 0xff), (unsigned char)((v >> 8) & 0xff)};
            fwrite(b, 1, 2, d);
        }
    int bad = ferror(h) || ferror(d);
    bad |= fclose(h) != 0;
    bad |= fclose(d) != 0;
    return bad;
}

static int write_edf(const gen *g, float **sig, const size_t *n, const double *rates,
                     const char *path, int bdf)
{
    int h = edfopen_file_writeonly(path, bdf ? EDFLIB_FILETYPE_BDFPLUS : EDFLIB_FILETYPE_EDFPLUS,
                                   (int)g->channels);
    if (h < 0) {
        fprintf(stderr, "ltr-testgen: %s: EDFlib error %d\n", path, h);
        return 1;
    }
    for (unsigned c = 0; c < g->channels; c++) {
        char label[32], def[16], unit[16];
        snprintf(def, sizeof def, "EMG%u", c + 1);
        list_item(g->labels, c, def, label, sizeof label);
        list_item(g->units, c, "mV", unit, sizeof unit);
        edf_set_samplefrequency(h, (int)c, (int)rates[c]);
        edf_set_physical_maximum(h, (int)c, 1000.0);
        edf_set_physical_minimum(h, (int)c, -1000.0);
        edf_set_digital_maximum(h, (int)c, bdf ? 8388607 : 32767);
        edf_set_digital_minimum(h, (int)c, bdf ? -8388608 : -32768);
        edf_set_label(h, (int)c, label);
        edf_set_physical_dimension(h, (int)c, unit);
    }
    for (const char *a = g->annotations; a && *a;) {
        size_t len = strcspn(a, ",");
        char item[128];
        snprintf(item, sizeof item, "%.*s", (int)len, a);
        char *colon = strchr(item, ':');
        if (colon) {
            *colon = '\0';
            edfwrite_annotation_utf8(h, llround(atof(item) * 10000.0), -1, colon + 1);
        }
        a += len + (a[len] == ',');
    }
    /* One-second data records: write each channel's second in turn. */
    size_t seconds = (size_t)ceil(g->duration);
    double *buf = malloc(sizeof *buf * 50001);
    for (size_t s = 0; s < seconds && buf; s++) {
        for (unsigned c = 0; c < g->channels; c++) {
            size_t per = (size_t)rates[c];
            for (size_t i = 0; i < per; i++) {
                size_t k = s * per + i;
                buf[i] = k < n[c] ? (double)sig[c][k] * 1000.0 : 0.0; /* V -> mV */
            }
            if (edfwrite_physical_samples(h, buf) != 0) {
                fprintf(stderr, "ltr-testgen: %s: write failed\n", path);
                free(buf);
                edfclose_file(h);
                return 1;
            }
        }
    }
    free(buf);
    return edfclose_file(h) != 0;
}

static int write_text(const gen *g, float **sig, size_t n, FILE *f, char sep, int with_time)
{
    fprintf(f, "# ltr-testgen: %u channel(s) at %g Hz\n", g->channels, g->rate);
    if (with_time) {
        fprintf(f, "time");
        for (unsigned c = 0; c < g->channels; c++) {
            char label[32], def[16];
            snprintf(def, sizeof def, "emg%u", c + 1);
            fprintf(f, "%c%s", sep, list_item(g->labels, c, def, label, sizeof label));
        }
        fputc('\n', f);
    }
    for (size_t i = 0; i < n; i++) {
        if (with_time)
            fprintf(f, "%.6f%c", (double)i / g->rate, sep);
        for (unsigned c = 0; c < g->channels; c++)
            fprintf(f, "%s%.9g", c ? (char[]){sep, 0} : "", (double)sig[c][i]);
        fputc('\n', f);
    }
    return ferror(f) != 0;
}

static int write_raw(const gen *g, float **sig, size_t n, FILE *f, int s16)
{
    for (size_t i = 0; i < n; i++) {
        for (unsigned c = 0; c < g->channels; c++) {
            unsigned char b[4];
            if (s16) {
                long v = lrint((double)sig[c][i] * 32767.0);
                v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
                uint16_t u = (uint16_t)(int16_t)v;
                b[0] = (unsigned char)(u & 0xFF);
                b[1] = (unsigned char)(u >> 8);
                fwrite(b, 1, 2, f);
            } else {
                uint32_t u;
                memcpy(&u, &sig[c][i], 4);
                for (int k = 0; k < 4; k++)
                    b[k] = (unsigned char)(u >> (8 * k));
                fwrite(b, 1, 4, f);
            }
        }
    }
    return ferror(f) != 0;
}

static unsigned parse_list(const char *s, double *out, unsigned max)
{
    unsigned n = 0;
    while (*s && n < max) {
        char *end;
        out[n++] = strtod(s, &end);
        if (end == s)
            return 0;
        s = *end == ',' ? end + 1 : end;
    }
    return n;
}

int main(int argc, char **argv)
{
    gen g = {.rate = 2000, .duration = 10, .burst_s = 0.1, .gain = 10, .rms = 0.01,
             .channels = 1, .bursts = {2.0, 4.5, 7.0}, .n_bursts = 3};
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        const char *o = argv[i] + 2, *v = argv[i + 1];
        if (!strcmp(o, "rate"))
            g.rate = atof(v);
        else if (!strcmp(o, "channels"))
            g.channels = (unsigned)atoi(v);
        else if (!strcmp(o, "duration"))
            g.duration = atof(v);
        else if (!strcmp(o, "bursts"))
            g.n_bursts = parse_list(v, g.bursts, MAX_BURSTS);
        else if (!strcmp(o, "burst-ms"))
            g.burst_s = atof(v) / 1000.0;
        else if (!strcmp(o, "gain"))
            g.gain = atof(v);
        else if (!strcmp(o, "rms"))
            g.rms = atof(v);
        else if (!strcmp(o, "seed"))
            rng_state = (uint64_t)strtoull(v, NULL, 10) * 2654435761u + 1u;
        else if (!strcmp(o, "hum"))
            g.hum_hz = atof(v);
        else if (!strcmp(o, "hum-amp"))
            g.hum_amp = atof(v);
        else if (!strcmp(o, "clip"))
            g.clip = atof(v);
        else if (!strcmp(o, "labels"))
            g.labels = v;
        else if (!strcmp(o, "units"))
            g.units = v;
        else if (!strcmp(o, "annotations"))
            g.annotations = v;
        else if (!strcmp(o, "edf-rates"))
            g.n_edf_rates = parse_list(v, g.edf_rates, MAX_CH);
        else {
            fprintf(stderr, "ltr-testgen: unknown option --%s\n", o);
            return 2;
        }
    }
    if (argc - i != 2 || g.channels < 1 || g.channels > MAX_CH || !(g.rate > 0) ||
        !(g.duration > 0)) {
        fprintf(stderr, "usage: ltr-testgen [options] FORMAT OUTPUT (see the source)\n");
        return 2;
    }
    const char *fmt = argv[i], *path = argv[i + 1];
    double rates[MAX_CH];
    size_t n[MAX_CH];
    for (unsigned c = 0; c < g.channels; c++)
        rates[c] = c < g.n_edf_rates ? g.edf_rates[c] : g.rate;
    float **sig = make_signal(&g, rates, n);
    if (!sig) {
        fprintf(stderr, "ltr-testgen: out of memory\n");
        return 1;
    }
    int rc;
    if (!strcmp(fmt, "wav"))
        rc = write_sndfile(&g, sig, n[0], path, SF_FORMAT_WAV | SF_FORMAT_FLOAT);
    else if (!strcmp(fmt, "wav16"))
        rc = write_sndfile(&g, sig, n[0], path, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    else if (!strcmp(fmt, "flac"))
        rc = write_sndfile(&g, sig, n[0], path, SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
    else if (!strcmp(fmt, "edf") || !strcmp(fmt, "bdf"))
        rc = write_edf(&g, sig, n, rates, path, !strcmp(fmt, "bdf"));
    else if (!strcmp(fmt, "wfdb"))
        rc = write_wfdb(&g, sig, n[0], path);
    else {
        FILE *f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
        if (!f) {
            fprintf(stderr, "ltr-testgen: %s: %s\n", path, strerror(errno));
            return 1;
        }
        if (!strcmp(fmt, "csv") || !strcmp(fmt, "tsv") || !strcmp(fmt, "csv-notime"))
            rc = write_text(&g, sig, n[0], f, fmt[0] == 't' ? '\t' : ',',
                            strcmp(fmt, "csv-notime") != 0);
        else if (!strcmp(fmt, "raw-f32") || !strcmp(fmt, "raw-s16"))
            rc = write_raw(&g, sig, n[0], f, !strcmp(fmt, "raw-s16"));
        else {
            fprintf(stderr, "ltr-testgen: unknown format %s\n", fmt);
            rc = 2;
        }
        if (f != stdout && fclose(f) != 0)
            rc = 1;
        else if (f == stdout && fflush(f) != 0)
            rc = 1;
    }
    for (unsigned c = 0; c < g.channels; c++)
        free(sig[c]);
    free(sig);
    return rc;
}
