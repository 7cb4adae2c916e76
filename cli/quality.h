/*
 * The quality warnings of libltr-analysis as text, for the subcommands that show
 * them (analyze, info, batch). Only with LTR_HAVE_ANALYSIS.
 * SPDX-License-Identifier: BSD-3-Clause (a tool built with it links libltr-analysis: GPL)
 */
#ifndef LTR_CLI_QUALITY_H
#define LTR_CLI_QUALITY_H

#include <stdint.h>
#include <stdio.h>

#include "ltr/ltr_analysis.h"

/* The names of the warnings set in `warnings`, joined by sep ("mains, low_freq"), into
 * buf; "" if none (or if even the first does not fit). Returns the length written. */
static inline size_t cli_quality_names(uint32_t warnings, const char *sep, char *buf, size_t size)
{
    size_t len = 0;
    if (size)
        buf[0] = '\0';
    for (int b = 0; b < LTR_QUALITY_N_WARNINGS; b++)
        if (warnings >> b & 1u) {
            int k = snprintf(buf + len, size - len, "%s%s", len ? sep : "",
                             ltr_quality_warning_name((ltr_quality_warning)(1u << b)));
            if (k < 0 || (size_t)k >= size - len) {
                buf[len] = '\0';
                break;
            }
            len += (size_t)k;
        }
    return len;
}

#endif /* LTR_CLI_QUALITY_H */
