/*
 * Replays inputs through a fuzz harness without libFuzzer: every file named
 * on the command line, and every file of every directory named (sorted by
 * name, so runs are reproducible). Registered as a `meson test` per harness
 * on every build, with any compiler, so the corpora (and the crashes saved
 * in them) are run again every time: a fixed bug stays fixed.
 *
 * usage: fuzz-replay-<harness> [-v] [-1] FILE|DIR...
 * Each input runs in a child process, so that every input that breaks an
 * invariant or draws a sanitizer report is named, not only the first; -1
 * runs them in this process instead (stops at the first, for a debugger).
 * Exit 1 if an input failed, or if no input was found at all (a corpus that
 * went missing must not pass silently); 2 on an unreadable input.
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"

static int verbose;
static int in_process;
static size_t replayed, failed;

static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        uint8_t *grown = realloc(buf, cap * 2);
        if (!grown) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    const int bad = ferror(f) || !buf;
    fclose(f);
    if (bad) {
        free(buf);
        return -1;
    }
    *data = buf;
    *size = n;
    return 0;
}

static int replay_file(const char *path)
{
    uint8_t *data;
    size_t size;
    if (read_file(path, &data, &size) != 0) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", path, strerror(errno ? errno : EIO));
        return 2;
    }
    /* Named before it runs: a crash report then says which input it was. */
    if (verbose)
        fprintf(stderr, "fuzz-replay: %s (%zu bytes)\n", path, size);
    fflush(stderr);
    pid_t pid = in_process ? 0 : fork();
    if (pid < 0) {
        perror("fuzz-replay: fork");
        free(data);
        return 2;
    }
    if (pid == 0) {
        /* A copy of exactly its size, so that reading past the input is caught, as
         * libFuzzer does. */
        uint8_t *copy = malloc(size ? size : 1);
        if (!copy)
            abort();
        if (size)
            memcpy(copy, data, size);
        free(data);
        LLVMFuzzerTestOneInput(copy, size);
        free(copy);
        if (!in_process)
            exit(0); /* LeakSanitizer checks the child at its exit */
        replayed++;
        return 0;
    }
    free(data);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            perror("fuzz-replay: waitpid");
            return 2;
        }
    }
    replayed++;
    if (WIFSIGNALED(status) || WEXITSTATUS(status) != 0) {
        failed++;
        if (WIFSIGNALED(status))
            fprintf(stderr, "fuzz-replay: FAILED: %s (signal %d)\n", path, WTERMSIG(status));
        else
            fprintf(stderr, "fuzz-replay: FAILED: %s (exit %d)\n", path, WEXITSTATUS(status));
    }
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz-replay: %s: %s\n", dir, strerror(errno));
        return 2;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown)
                abort();
            names = grown;
        }
        const size_t len = strlen(dir) + 1 + strlen(e->d_name) + 1;
        names[n] = malloc(len);
        if (!names[n])
            abort();
        snprintf(names[n], len, "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, by_name);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (rc == 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode))
            rc = replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = 1;
            continue;
        }
        if (!strcmp(argv[i], "-1")) {
            in_process = 1;
            continue;
        }
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz-replay: %s: %s\n", argv[i], strerror(errno));
            return 2;
        }
        rc = S_ISDIR(st.st_mode) ? replay_dir(argv[i]) : replay_file(argv[i]);
    }
    if (rc != 0)
        return rc;
    if (replayed == 0) {
        fprintf(stderr, "fuzz-replay: no input found: the corpus is missing\n");
        return 1;
    }
    if (failed) {
        fprintf(stderr, "fuzz-replay: %zu of %zu inputs FAILED (named above)\n", failed, replayed);
        return 1;
    }
    fprintf(stderr, "fuzz-replay: %zu inputs replayed, no invariant broken\n", replayed);
    return 0;
}
