/*
 * LTRI_COLD: marks a function of the core that runs at init (design, validation,
 * layout) or rarely (reset), never per sample (internal to libltr).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * GCC and clang then optimise it for size and place it apart from the sample path
 * (.text.unlikely), as CMSIS-DSP keeps its init functions small: on a Cortex-M4F
 * flash is the scarce resource, and init code runs once (issue 10: the core's
 * .text had to fit in 24 KiB). Nothing changes in what the function computes.
 */
#ifndef LTR_CORE_COLD_H
#define LTR_CORE_COLD_H

#if defined(__GNUC__)
#define LTRI_COLD __attribute__((cold))
#else
#define LTRI_COLD
#endif

#endif /* LTR_CORE_COLD_H */
