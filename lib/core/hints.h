/*
 * Compiler hints of the core (internal to libltr): what runs rarely, what must be
 * inlined. They change where code goes, never what it computes.
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * LTRI_COLD marks a function that runs at init (design, validation, layout) or
 * rarely (reset), never per sample. GCC and clang then optimise it for size and
 * place it apart from the sample path (.text.unlikely), as CMSIS-DSP keeps its init
 * functions small: on a Cortex-M4F flash is the scarce resource, and init code runs
 * once (issue 10: the core's .text had to fit in 24 KiB).
 *
 * LTRI_INLINE marks a function of the sample path that must be inlined into its one
 * caller's loop (LTRI_NOINLINE keeps that loop itself one function), which a compiler's size heuristics would otherwise keep as a call per
 * frame (detector.c: process_frame, 20 instructions a frame, callgrind).
 */
#ifndef LTR_CORE_HINTS_H
#define LTR_CORE_HINTS_H

#if defined(__GNUC__)
#define LTRI_COLD __attribute__((cold))
#define LTRI_INLINE inline __attribute__((always_inline))
/* One copy of a function that holds an inlined loop (gcc would otherwise clone it per
 * constant argument: two copies of the whole pipeline). */
#if defined(__clang__)
#define LTRI_NOINLINE __attribute__((noinline))
#else
#define LTRI_NOINLINE __attribute__((noinline, noclone))
#endif
#else
#define LTRI_COLD
#define LTRI_INLINE inline
#define LTRI_NOINLINE
#endif

#endif /* LTR_CORE_HINTS_H */
