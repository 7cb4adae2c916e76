/*
 * An interrupted run leaves no temporary files behind (see interrupt.h).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * The table of temporaries is static (no allocation in the handler) and each
 * entry is published with an atomic state: the handler, on any thread, only
 * unlinks paths whose entry is complete. An output is registered with the
 * signals blocked from its creation to its registration (a NOW handler then
 * cannot run in between and miss it); on abort the file is removed before its
 * entry, on commit it is renamed before: a handler that runs in between
 * unlinks a name that no longer exists, which is harmless (the name holds our
 * process id: nobody else creates it).
 */
#define _POSIX_C_SOURCE 200809L
#include "interrupt.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* batch: at most 32 workers, each with an events file then a sidecar, and the
 * summary; detect: an events file and a sidecar. */
#define SLOTS 80
#define SLOT_PATH 4352 /* output paths are < 4096 bytes; ".tmp-<pid>-<n>" fits in the rest */

enum { SLOT_FREE, SLOT_BUSY, SLOT_READY };

static struct slot {
    atomic_int state;
    const ltr_io_atomic_file *owner;
    char path[SLOT_PATH];
} slots[SLOTS];

static const int handled[] = {SIGINT, SIGTERM, SIGHUP};
#define N_HANDLED (sizeof handled / sizeof handled[0])

static volatile sig_atomic_t got_signal;
static volatile sig_atomic_t graceful;
static sem_t wake;
static int wake_ready;

static void remove_all(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load_explicit(&slots[i].state, memory_order_acquire) == SLOT_READY)
            unlink(slots[i].path);
}

static void on_signal(int sig)
{
    int saved = errno;
    if (graceful && !got_signal) {
        got_signal = sig;
        if (wake_ready)
            sem_post(&wake);
        errno = saved;
        return;
    }
    got_signal = sig;
    remove_all();
    signal(sig, SIG_DFL);
    raise(sig); /* delivered when the handler returns: the signal is blocked meanwhile */
    errno = saved;
}

void cli_interrupt_install(cli_interrupt_mode mode)
{
    graceful = mode == CLI_INTERRUPT_GRACEFUL;
    if (!wake_ready && sem_init(&wake, 0, 0) == 0)
        wake_ready = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaddset(&sa.sa_mask, handled[i]);
    /* No SA_RESTART: a main thread blocked in a read sees EINTR and looks at the flag. */
    sa.sa_flags = 0;
    for (size_t i = 0; i < N_HANDLED; i++) {
        struct sigaction old;
        if (sigaction(handled[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue; /* ignored by whoever started us: keep it so */
        sigaction(handled[i], &sa, NULL);
    }
}

int cli_interrupted(void) { return got_signal; }

int cli_interrupt_sleep(double timeout_s)
{
    if (!wake_ready) {
        /* No semaphore (sem_init failed): poll. */
        struct timespec nap = {0, 50000000L};
        nanosleep(&nap, NULL);
        return -1;
    }
    if (timeout_s < 0) {
        while (sem_wait(&wake) != 0)
            if (errno != EINTR)
                return -1;
        return 0;
    }
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    double whole = (double)(long)timeout_s;
    until.tv_sec += (time_t)whole;
    until.tv_nsec += (long)((timeout_s - whole) * 1e9);
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    while (sem_timedwait(&wake, &until) != 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

void cli_interrupt_wake(void)
{
    if (wake_ready)
        sem_post(&wake);
}

void cli_interrupt_block(int block)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaddset(&set, handled[i]);
    pthread_sigmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

_Noreturn void cli_interrupt_finish(void)
{
    int sig = got_signal ? got_signal : SIGTERM;
    remove_all();
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    raise(sig);
    _exit(128 + sig); /* not reached: the default action of these signals ends the process */
}

const char *cli_signal_name(int sig)
{
    static char buf[32];
    switch (sig) {
    case SIGINT: return "SIGINT";
    case SIGTERM: return "SIGTERM";
    case SIGHUP: return "SIGHUP";
    }
    snprintf(buf, sizeof buf, "signal %d", sig);
    return buf;
}

/* --- the table of temporaries ---------------------------------------------------- */

static void add(const ltr_io_atomic_file *file)
{
    const char *tmp = ltr_io_atomic_temp_path(file);
    if (!tmp || strlen(tmp) >= SLOT_PATH)
        return;
    for (int i = 0; i < SLOTS; i++) {
        int expect = SLOT_FREE;
        if (atomic_compare_exchange_strong(&slots[i].state, &expect, SLOT_BUSY)) {
            slots[i].owner = file;
            memcpy(slots[i].path, tmp, strlen(tmp) + 1);
            atomic_store_explicit(&slots[i].state, SLOT_READY, memory_order_release);
            return;
        }
    }
    /* Table full (cannot happen with the callers' limits): the file is still written
     * and renamed, only a signal would leave it behind. */
}

/* The entry of a registered file, -1 if none. */
static int find(const ltr_io_atomic_file *file)
{
    for (int i = 0; i < SLOTS; i++)
        if (atomic_load_explicit(&slots[i].state, memory_order_acquire) == SLOT_READY &&
            slots[i].owner == file)
            return i;
    return -1;
}

static void drop(int i)
{
    if (i < 0)
        return;
    atomic_store_explicit(&slots[i].state, SLOT_BUSY, memory_order_relaxed);
    slots[i].owner = NULL;
    atomic_store_explicit(&slots[i].state, SLOT_FREE, memory_order_release);
}

ltr_io_status cli_atomic_open(ltr_io_atomic_file **file, const char *path, ltr_io_error *err)
{
    sigset_t set, old;
    sigemptyset(&set);
    for (size_t i = 0; i < N_HANDLED; i++)
        sigaddset(&set, handled[i]);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    ltr_io_status st = ltr_io_atomic_open(file, path, err);
    if (st == LTR_IO_OK)
        add(*file);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return st;
}

/* The entry is found before the file is freed, and dropped after the temporary is gone
 * (renamed or removed). */
ltr_io_status cli_atomic_commit(ltr_io_atomic_file *file, ltr_io_error *err)
{
    int i = find(file);
    ltr_io_status st = ltr_io_atomic_commit(file, err);
    drop(i);
    return st;
}

void cli_atomic_abort(ltr_io_atomic_file *file)
{
    int i = file ? find(file) : -1;
    ltr_io_atomic_abort(file);
    drop(i);
}
