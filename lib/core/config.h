/*
 * Configuration layouts (internal to libltr): a caller's config, in any layout this
 * library knows (ltr.h, ABI), made whole.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CORE_CONFIG_H
#define LTR_CORE_CONFIG_H

#include "ltr/ltr.h"

/* Copy the caller's config into *out as this library's layout: its struct_size bytes,
 * the defaults for the fields appended after its layout. -1 (out untouched) if
 * struct_size is no layout this library knows. */
int ltri_config_load(const ltr_config *in, ltr_config *out);

#endif /* LTR_CORE_CONFIG_H */
