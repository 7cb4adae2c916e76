/*
 * What every reader harness checks on an opened ltr_io_reader (tests/fuzz).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fuzz_reader.h"

int fuzz_same_float(float a, float b)
{
    return (isnan(a) && isnan(b)) || !memcmp(&a, &b, sizeof a);
}

/* A string of a fixed-size field ends inside it. */
static int terminated(const char *s, size_t size)
{
    return memchr(s, '\0', size) != NULL;
}

static int valid_status(ltr_io_status st)
{
    return st <= LTR_IO_OK && st >= LTR_IO_ERR_READ;
}

void fuzz_reader_check_open_error(const char *harness, ltr_io_status st, const ltr_io_error *err)
{
    FUZZ_CHECK(harness, st < 0 && valid_status(st), "open returned status %d", (int)st);
    FUZZ_CHECK(harness, err->status == st, "open returned %d but its error says %d", (int)st,
               (int)err->status);
    FUZZ_CHECK(harness, terminated(err->message, sizeof err->message) && err->message[0],
               "open failed (%d) without a message", (int)st);
}

/* The reader's last error is this status, with a message. */
static void check_error(const char *harness, const ltr_io_reader *r, ltr_io_status st,
                        const char *call)
{
    const ltr_io_error *e = ltr_io_reader_error(r);
    FUZZ_CHECK(harness, valid_status(st), "%s returned status %d", call, (int)st);
    FUZZ_CHECK(harness, e->status == st, "%s returned %d but the reader's error says %d", call,
               (int)st, (int)e->status);
    FUZZ_CHECK(harness, terminated(e->message, sizeof e->message) && e->message[0],
               "%s failed (%d) without a message", call, (int)st);
}

static int is_index(const char *s, unsigned long *v)
{
    if (!isdigit((unsigned char)s[0]))
        return 0;
    char *end;
    *v = strtoul(s, &end, 10);
    return *end == '\0';
}

static void check_find(const char *harness, ltr_io_reader *r, const ltr_io_info *info,
                       fuzz_bytes *ctl)
{
    /* Every channel (up to 8 of them) by its name, and an index. */
    const unsigned n_try = info->n_channels < 8 ? info->n_channels : 8;
    for (unsigned c = 0; c < n_try; c++) {
        const char *name = ltr_io_reader_channel(r, c)->name;
        unsigned idx = ~0u;
        const ltr_io_status st = ltr_io_reader_find_channel(r, name, &idx);
        FUZZ_CHECK(harness, st == LTR_IO_OK && idx < info->n_channels,
                   "channel %u '%s' not found by its name (%d)", c, name, (int)st);
        const char *found = ltr_io_reader_channel(r, idx)->name;
        unsigned long v;
        FUZZ_CHECK(harness, !strcasecmp(found, name) || (is_index(name, &v) && v == idx),
                   "looking up '%s' gave channel %u '%s'", name, idx, found);
    }
    char key[24];
    snprintf(key, sizeof key, "%u", fuzz_u8(ctl) % (info->n_channels + 1u));
    unsigned idx = ~0u;
    ltr_io_status st = ltr_io_reader_find_channel(r, key, &idx);
    if (st == LTR_IO_OK)
        FUZZ_CHECK(harness, idx < info->n_channels, "'%s' found as channel %u of %u", key, idx,
                   info->n_channels);
    else
        check_error(harness, r, st, "ltr_io_reader_find_channel");

    /* A name that is none: refused, and the message lists what there is (issue 8: this
     * list once wrote past its buffer when the names were many and long). */
    char nosuch[160] = "nosuch";
    const size_t len = 6 + fuzz_u8(ctl) % (sizeof nosuch - 7);
    memset(nosuch + 6, 'x', len - 6);
    nosuch[len] = '\0';
    int exists = 0;
    for (unsigned c = 0; c < info->n_channels; c++)
        exists |= !strcasecmp(ltr_io_reader_channel(r, c)->name, nosuch);
    st = ltr_io_reader_find_channel(r, nosuch, &idx);
    if (!exists) {
        FUZZ_CHECK(harness, st == LTR_IO_ERR_CHANNEL, "no channel '%s', yet find_channel gave %d",
                   nosuch, (int)st);
        check_error(harness, r, st, "ltr_io_reader_find_channel");
        FUZZ_CHECK(harness, strstr(ltr_io_reader_error(r)->message, "no channel") != NULL,
                   "the message of a missing channel does not say so: %s",
                   ltr_io_reader_error(r)->message);
    }
}

/* Choose channels (maybe badly); returns 1 and the selection if one is in force. */
static int choose(const char *harness, ltr_io_reader *r, const ltr_io_info *info, fuzz_bytes *ctl,
                  fuzz_rng *rng, unsigned *chosen, unsigned *n_chosen)
{
    const uint8_t mode = fuzz_u8(ctl);
    if (mode % 4 == 0)
        return 0; /* every channel, in file order */
    unsigned n = 1u + mode / 4u % 8u;
    if (mode == 0xFF)
        n = 0;
    if (mode == 0xFE)
        n = LTR_MAX_CHANNELS + 1u;
    unsigned sel[LTR_MAX_CHANNELS + 1];
    int out_of_range = 0, mixed = 0;
    for (unsigned k = 0; k < n; k++) {
        /* mostly real channels, sometimes one past the last */
        sel[k] = (unsigned)fuzz_rng_below(rng, info->n_channels + (mode & 0x80 ? 1u : 0u));
        if (sel[k] >= info->n_channels)
            out_of_range = 1;
        else if (!out_of_range && sel[0] < info->n_channels &&
                 ltr_io_reader_channel(r, sel[k])->sample_rate_hz !=
                     ltr_io_reader_channel(r, sel[0])->sample_rate_hz)
            mixed = 1;
    }
    const ltr_io_status st = ltr_io_reader_select(r, sel, n);
    if (n == 0 || n > LTR_MAX_CHANNELS || out_of_range) {
        FUZZ_CHECK(harness, st == LTR_IO_ERR_CHANNEL || (st == LTR_IO_ERR_RATE && mixed),
                   "a selection of %u channels (out of range: %d) gave status %d", n,
                   out_of_range, (int)st);
        check_error(harness, r, st, "ltr_io_reader_select");
        return 0;
    }
    if (mixed) {
        FUZZ_CHECK(harness, st == LTR_IO_ERR_RATE,
                   "channels of different rates selected together: status %d", (int)st);
        check_error(harness, r, st, "ltr_io_reader_select");
        return 0;
    }
    FUZZ_CHECK(harness, st == LTR_IO_OK, "a valid selection of %u channels refused: %d (%s)", n,
               (int)st, ltr_io_reader_error(r)->message);
    ltr_io_info after;
    ltr_io_reader_info(r, &after);
    FUZZ_CHECK(harness, after.n_selected == n, "selected %u channels, info says %u", n,
               after.n_selected);
    memcpy(chosen, sel, n * sizeof *sel);
    *n_chosen = n;
    return 1;
}

static void check_info(const char *harness, const ltr_io_reader *r, const ltr_io_info *info)
{
    FUZZ_CHECK(harness, info->n_channels >= 1, "an opened reader with 0 channels");
    FUZZ_CHECK(harness, info->n_selected == info->n_channels,
               "before any selection %u of %u channels are selected", info->n_selected,
               info->n_channels);
    FUZZ_CHECK(harness, info->n_frames >= -1, "n_frames %lld", (long long)info->n_frames);
    FUZZ_CHECK(harness, terminated(info->format_name, sizeof info->format_name) &&
                            terminated(info->rate_source, sizeof info->rate_source),
               "format name or rate source not terminated");
    for (unsigned c = 0; c < info->n_channels; c++) {
        const ltr_io_channel *ch = ltr_io_reader_channel(r, c);
        FUZZ_CHECK(harness, ch != NULL, "channel %u of %u missing", c, info->n_channels);
        FUZZ_CHECK(harness, terminated(ch->name, sizeof ch->name) && ch->name[0],
                   "channel %u has no name, or it is not terminated", c);
        FUZZ_CHECK(harness, terminated(ch->unit, sizeof ch->unit),
                   "channel %u's unit is not terminated", c);
    }
    FUZZ_CHECK(harness, ltr_io_reader_channel(r, info->n_channels) == NULL,
               "a channel past the last (%u)", info->n_channels);
}

void fuzz_reader_exercise(const char *harness, ltr_io_reader *r, fuzz_bytes *ctl, int finite,
                          fuzz_read *out)
{
    ltr_io_info info;
    FUZZ_CHECK(harness, ltr_io_reader_info(r, &info) == LTR_IO_OK, "ltr_io_reader_info failed");
    check_info(harness, r, &info);
    check_find(harness, r, &info, ctl);
    fuzz_rng rng = {fuzz_u32(ctl)};
    fuzz_read res = {.end = LTR_IO_OK};
    const int selected = choose(harness, r, &info, ctl, &rng, res.sel, &res.n_sel);
    if (!selected) {
        res.n_sel = info.n_channels;
        for (unsigned k = 0; k < info.n_channels && k < LTR_MAX_CHANNELS; k++)
            res.sel[k] = k;
    }
    const unsigned n_sel = res.n_sel;
    /* Too many channels and no selection: the first read must refuse (few frames asked). */
    const int refuse = !selected && info.n_channels > LTR_MAX_CHANNELS;
    const uint8_t blocks = fuzz_u8(ctl);
    size_t cap = 0;
    int started = 0; /* a read succeeded: the selection is fixed */
    for (;;) {
        size_t max;
        switch (blocks % 4) {
        case 0: max = 4096; break;
        case 1: max = 1; break;
        case 2: max = 1 + (size_t)fuzz_rng_below(&rng, 64); break;
        default: max = (size_t)fuzz_rng_below(&rng, 5000); break; /* 0 sometimes */
        }
        if (refuse)
            max = 16;
        const size_t width = n_sel;
        if (res.n_frames * width >= FUZZ_READER_MAX_SAMPLES) {
            res.capped = 1;
            break;
        }
        float *buf = max ? malloc(max * width * sizeof *buf) : NULL; /* exactly: ASan sees overruns */
        if (max && !buf)
            abort();
        size_t n = (size_t)-1;
        const ltr_io_status st = ltr_io_reader_read(r, buf, max, &n);
        FUZZ_CHECK(harness, n <= max, "read %zu frames into an array of %zu", n, max);
        started |= st == LTR_IO_OK || n > 0;
        if (refuse) {
            FUZZ_CHECK(harness, st == LTR_IO_ERR_CHANNEL && n == 0,
                       "%u channels read without a selection: status %d", info.n_channels,
                       (int)st);
        }
        if (n > 0) {
            if (res.n_frames + n > cap) {
                cap = 2 * (res.n_frames + n);
                res.frames = realloc(res.frames, cap * width * sizeof *res.frames);
                if (!res.frames)
                    abort();
            }
            memcpy(res.frames + res.n_frames * width, buf, n * width * sizeof *buf);
            if (finite)
                for (size_t i = 0; i < n * width; i++)
                    FUZZ_CHECK(harness, isfinite(buf[i]),
                               "sample %zu of frame %zu is not finite (%g)", i % width,
                               res.n_frames + i / width, (double)buf[i]);
            res.n_frames += n;
        }
        free(buf);
        if (st != LTR_IO_OK) {
            check_error(harness, r, st, "ltr_io_reader_read");
            float one[LTR_MAX_CHANNELS];
            size_t again = 1;
            const ltr_io_status st2 = ltr_io_reader_read(r, one, 1, &again);
            FUZZ_CHECK(harness, st2 == st && again == 0,
                       "a read after a failed read (%d) gave %d and %zu frames", (int)st,
                       (int)st2, again);
            res.end = st;
            break;
        }
        if (n == 0 && max > 0) {
            float one[LTR_MAX_CHANNELS];
            size_t again = 1;
            const ltr_io_status st2 = ltr_io_reader_read(r, one, 1, &again);
            FUZZ_CHECK(harness, st2 == LTR_IO_OK && again == 0,
                       "a read after the end gave status %d and %zu frames", (int)st2, again);
            break;
        }
    }
    /* The selection is fixed once reading started (a first read that refused the default
     * selection - too many channels, mixed rates - did not start it). */
    const unsigned zero = 0;
    if (started)
        FUZZ_CHECK(harness, ltr_io_reader_select(r, &zero, 1) == LTR_IO_ERR_ARGUMENT,
                   "a selection after reading was accepted");
    ltr_io_info now;
    ltr_io_reader_info(r, &now);
    if (res.end == LTR_IO_OK && !res.capped && now.n_frames >= 0)
        FUZZ_CHECK(harness, (int64_t)res.n_frames == now.n_frames,
                   "read %zu frames to the end where the file says %lld", res.n_frames,
                   (long long)now.n_frames);
    if (out)
        *out = res;
    else
        free(res.frames);
}
