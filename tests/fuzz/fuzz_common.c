/*
 * Shared by the fuzz harnesses: byte reader, generator, in-memory file, failure report.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "fuzz.h"

void fuzz_fail(const char *harness, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "ltr-fuzz: %s: invariant broken: ", harness);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    abort();
}

uint8_t fuzz_u8(fuzz_bytes *b)
{
    if (b->n == 0)
        return 0;
    b->n--;
    return *b->p++;
}

uint16_t fuzz_u16(fuzz_bytes *b)
{
    const uint16_t lo = fuzz_u8(b);
    return (uint16_t)(lo | (uint16_t)fuzz_u8(b) << 8);
}

uint32_t fuzz_u32(fuzz_bytes *b)
{
    const uint32_t lo = fuzz_u16(b);
    return lo | (uint32_t)fuzz_u16(b) << 16;
}

float fuzz_f32(fuzz_bytes *b)
{
    const uint32_t u = fuzz_u32(b);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

double fuzz_f64(fuzz_bytes *b)
{
    const uint64_t lo = fuzz_u32(b); /* two statements: the order of the reads is fixed */
    const uint64_t u = lo | (uint64_t)fuzz_u32(b) << 32;
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

unsigned fuzz_range(fuzz_bytes *b, unsigned lo, unsigned hi)
{
    if (hi <= lo)
        return lo;
    const unsigned span = hi - lo + 1u;
    const unsigned v = span <= 256u ? fuzz_u8(b) : span <= 65536u ? fuzz_u16(b) : fuzz_u32(b);
    return lo + v % span;
}

uint64_t fuzz_rng_next(fuzz_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

uint64_t fuzz_rng_below(fuzz_rng *r, uint64_t n)
{
    return fuzz_rng_next(r) % n;
}

double fuzz_rng_unit(fuzz_rng *r)
{
    return (double)(fuzz_rng_next(r) >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/* The one in-memory file of the process (readers run one at a time). */
static int memfile_fd = -1;
static char memfile_path[64];

#if !defined(__linux__)
static void memfile_remove(void)
{
    unlink(memfile_path);
}
#endif

static int memfile_create(void)
{
#if defined(__linux__)
    memfile_fd = memfd_create("ltr-fuzz", 0);
    if (memfile_fd < 0)
        return -1;
    snprintf(memfile_path, sizeof memfile_path, "/proc/self/fd/%d", memfile_fd);
#else
    const char *dir = getenv("TMPDIR");
    snprintf(memfile_path, sizeof memfile_path, "%s/ltr-fuzz-XXXXXX", dir && *dir ? dir : "/tmp");
    memfile_fd = mkstemp(memfile_path);
    if (memfile_fd < 0)
        return -1;
    atexit(memfile_remove);
#endif
    return 0;
}

int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t path_size)
{
    if (memfile_fd < 0 && memfile_create() != 0)
        return -1;
    if (ftruncate(memfile_fd, 0) != 0)
        return -1;
    size_t done = 0;
    while (done < size) {
        const ssize_t k = pwrite(memfile_fd, data + done, size - done, (off_t)done);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        done += (size_t)k;
    }
    if (lseek(memfile_fd, 0, SEEK_SET) != 0)
        return -1;
    if (path && path_size)
        snprintf(path, path_size, "%s", memfile_path);
    return memfile_fd;
}
