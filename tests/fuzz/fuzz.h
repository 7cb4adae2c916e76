/*
 * Shared by the fuzz harnesses of tests/fuzz: reading structured choices out
 * of the fuzzer's bytes, in-memory files, and reporting a broken invariant.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Each harness defines LLVMFuzzerTestOneInput. It is linked either with
 * libFuzzer (-Dfuzzing, clang) or with replay.c, a plain main() that runs
 * every file of the corpora through it (any compiler, every build).
 */
#ifndef LTR_FUZZ_H
#define LTR_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The entry point libFuzzer calls; 0 always (a bad input is not an error). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#if defined(__GNUC__) || defined(__clang__)
#define FUZZ_NORETURN __attribute__((noreturn))
#define FUZZ_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define FUZZ_NORETURN
#define FUZZ_PRINTF(fmt, args)
#endif

/* Report a broken invariant on stderr ("ltr-fuzz: <harness>: ...") and abort(),
 * so that libFuzzer saves the input as a crash and the replay test fails. */
FUZZ_NORETURN void fuzz_fail(const char *harness, const char *fmt, ...) FUZZ_PRINTF(2, 3);

/* Check cond; on failure say which invariant and where. */
#define FUZZ_CHECK(harness, cond, ...)                                                   \
    do {                                                                                  \
        if (!(cond))                                                                      \
            fuzz_fail(harness, __VA_ARGS__);                                              \
    } while (0)

/* The fuzzer's bytes, taken from the front. Past the end every read gives 0s,
 * so any input, however short, means something. */
typedef struct fuzz_bytes {
    const uint8_t *p;
    size_t n;
} fuzz_bytes;

uint8_t fuzz_u8(fuzz_bytes *b);
uint16_t fuzz_u16(fuzz_bytes *b);
uint32_t fuzz_u32(fuzz_bytes *b);
float fuzz_f32(fuzz_bytes *b);    /* the 4 bytes as they are: NaN, Inf, denormals included */
double fuzz_f64(fuzz_bytes *b);
/* An integer in [lo, hi] (inclusive) from one or two bytes. */
unsigned fuzz_range(fuzz_bytes *b, unsigned lo, unsigned hi);

/* A small deterministic generator (splitmix64) for what the bytes do not spell out. */
typedef struct fuzz_rng {
    uint64_t s;
} fuzz_rng;

uint64_t fuzz_rng_next(fuzz_rng *r);
/* Uniform in [0, n) (n > 0). */
uint64_t fuzz_rng_below(fuzz_rng *r, uint64_t n);
/* Uniform in [-1, 1). */
double fuzz_rng_unit(fuzz_rng *r);

/*
 * An in-memory file holding data: a memfd (Linux) or a temporary file
 * otherwise, made once per process and rewritten on every call. Its name, for
 * functions that take a path, is written to path. Returns the descriptor
 * (positioned at 0), or -1 (errno set).
 */
int fuzz_memfile(const uint8_t *data, size_t size, char *path, size_t path_size);

#endif /* LTR_FUZZ_H */
