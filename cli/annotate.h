/*
 * ltr detect's annotation outputs: an EDF+/BDF+ copy of the signals with the events as
 * annotations (--annotate), and MNE's annotation text (--annotations).
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef LTR_CLI_ANNOTATE_H
#define LTR_CLI_ANNOTATE_H

#include <stddef.h>
#include <stdint.h>

#include "ltr/ltr.h"
#include "ltr/ltr_io.h"
#include "options.h"
#include "run.h"

/* The events of one run, kept for the annotation outputs (a cli_input sink). */
typedef struct cli_annotations {
    unsigned kinds;      /* which events are kept (LTR_IO_KIND bits) */
    ltr_event *events;
    size_t n, cap;
} cli_annotations;

/* cli_input.sink: keeps a copy of each event of a kept kind. */
int cli_annotations_sink(void *ctx, const ltr_event *event);
void cli_annotations_free(cli_annotations *a);

/* MNE's annotation text (LTR_IO_EVENTS_MNE) at path, atomically. Returns an exit code;
 * msg says why on error. */
int cli_write_mne(const char *path, const cli_input *in, const cli_annotations *a, char *msg,
                  size_t size);

/* An EDF+ (BDF+ when path ends in .bdf) copy of `input`'s channels at the detector's rate,
 * read again with the command line's input options, with the input's own EDF+ annotations
 * and the kept events as annotations (ltr_io_event_description's texts). n_frames: the
 * frames the run read. Written atomically. Returns an exit code; notes says what was
 * written, msg why on error. */
int cli_write_annotated_edf(const char *path, const char *input, const cli_common *c,
                            const cli_input *in, const cli_annotations *a, uint64_t n_frames,
                            char *notes, size_t notes_size, char *msg, size_t size);

#endif /* LTR_CLI_ANNOTATE_H */
