/*
 * An interrupted run (SIGINT, SIGTERM, SIGHUP) leaves no temporary files
 * behind, and still ends with the signal (shells see 128 + N).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Every output is written under a temporary name (ltr_io_atomic_file). The
 * commands open, commit and abort them through cli_atomic_*, which keep the
 * temporaries' paths in a fixed table the signal handler can read: unlink(2)
 * is async-signal-safe, so the handler removes them and re-raises the signal
 * with its default action.
 *
 * Two ways to stop:
 * - CLI_INTERRUPT_NOW (detect, simulate): the handler removes the
 *   temporaries and ends the process at once: outputs already committed
 *   stay, the one being written never appears.
 * - CLI_INTERRUPT_GRACEFUL (batch): the first signal only raises a flag
 *   (cli_interrupted) and wakes the main thread (cli_interrupt_sleep), which
 *   lets the workers stop at their next block, writes what finished, then
 *   calls cli_interrupt_finish. A second signal ends the process at once.
 * A signal ignored when the program starts (nohup, a background job of a
 * non-interactive shell) stays ignored.
 */
#ifndef LTR_CLI_INTERRUPT_H
#define LTR_CLI_INTERRUPT_H

#include "ltr/ltr_io.h"

typedef enum cli_interrupt_mode { CLI_INTERRUPT_NOW, CLI_INTERRUPT_GRACEFUL } cli_interrupt_mode;

/* Install the handlers of SIGINT, SIGTERM and SIGHUP. Call once, before any thread. */
void cli_interrupt_install(cli_interrupt_mode mode);

/* The signal received (graceful mode), 0 if none. Any thread. */
int cli_interrupted(void);

/* Wait until cli_interrupt_wake is called or a signal arrives, at most timeout_s
 * seconds (< 0: no limit). Returns 0 if woken, -1 on timeout. */
int cli_interrupt_sleep(double timeout_s);

/* Wake the thread in cli_interrupt_sleep (a worker that finished). Any thread. */
void cli_interrupt_wake(void);

/* Remove every registered temporary and end the process by the signal received
 * (its default action). Does not return. */
_Noreturn void cli_interrupt_finish(void);

/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N". */
const char *cli_signal_name(int sig);

/* Block (1) or unblock (0) the three signals in the calling thread: workers block
 * them, so the main thread is the one that receives them. */
void cli_interrupt_block(int block);

/* ltr_io_atomic_open/commit/abort with the temporary registered meanwhile. */
ltr_io_status cli_atomic_open(ltr_io_atomic_file **file, const char *path, ltr_io_error *err);
ltr_io_status cli_atomic_commit(ltr_io_atomic_file *file, ltr_io_error *err);
void cli_atomic_abort(ltr_io_atomic_file *file);

#endif /* LTR_CLI_INTERRUPT_H */
