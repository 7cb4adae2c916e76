/*
 * Output files that appear complete or not at all (libltr-io).
 * SPDX-License-Identifier: BSD-3-Clause
 *
 * Write to "<path>.tmp-<pid>-<n>" in the target's own directory (so rename
 * is atomic: same file system), fsync, then rename over the target. The
 * temporary is created with O_EXCL and mode 0666, so the umask applies as
 * for any new file and two writers never share a temporary. mkstemp is not
 * used because its 0600 mode would need a process-wide umask() dance to fix,
 * which is not thread-safe.
 *
 * A process killed before commit or abort leaves its temporary behind; the
 * name says which process made it, so a later run can tell a temporary whose
 * writer is gone (ltr_io_atomic_stale_name, ltr_io_atomic_remove_stale) from
 * one that another running process is still writing.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_internal.h"

struct ltr_io_atomic_file {
    FILE *stream;
    char *path;  /* NULL: standard output */
    char *tmp;   /* NULL: written in place (a device or a pipe: nothing to rename) */
};

ltr_io_status ltr_io_atomic_open(ltr_io_atomic_file **file, const char *path, ltr_io_error *err)
{
    if (!file || !path)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    *file = NULL;
    ltr_io_atomic_file *a = calloc(1, sizeof *a);
    if (!a)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    if (!strcmp(path, "-")) {
        a->stream = stdout;
        *file = a;
        return LTR_IO_OK;
    }
    /* /dev/null, a FIFO, a terminal: write in place; renaming over them would replace them. */
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        if (S_ISDIR(sb.st_mode) || !(a->stream = fopen(path, "w")) || !(a->path = strdup(path))) {
            int e = S_ISDIR(sb.st_mode) ? EISDIR : errno;
            if (a->stream)
                fclose(a->stream);
            free(a);
            return ltri_io_fail(err, LTR_IO_ERR_WRITE, 0, "%s: cannot write: %s", path,
                                strerror(e));
        }
        *file = a;
        return LTR_IO_OK;
    }
    size_t size = strlen(path) + 64;
    a->path = strdup(path);
    a->tmp = malloc(size);
    if (!a->path || !a->tmp) {
        free(a->path);
        free(a->tmp);
        free(a);
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    }
    int fd = -1;
    for (unsigned n = 0; n < 1000 && fd < 0; n++) {
        snprintf(a->tmp, size, "%s.tmp-%ld-%u", path, (long)getpid(), n);
        fd = open(a->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0 || !(a->stream = fdopen(fd, "w"))) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
            unlink(a->tmp);
        }
        ltr_io_status st = ltri_io_fail(err, LTR_IO_ERR_WRITE, 0, "%s: cannot create: %s", path,
                                        strerror(e));
        free(a->path);
        free(a->tmp);
        free(a);
        return st;
    }
    *file = a;
    return LTR_IO_OK;
}

FILE *ltr_io_atomic_stream(ltr_io_atomic_file *file) { return file ? file->stream : NULL; }

const char *ltr_io_atomic_temp_path(const ltr_io_atomic_file *file)
{
    return file ? file->tmp : NULL;
}

/* Digits only, at least one, into *value (no sign, no overflow). */
static int parse_digits(const char *s, size_t n, unsigned long long *value)
{
    unsigned long long v = 0;
    if (n == 0 || n > 18)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        v = v * 10 + (unsigned long long)(s[i] - '0');
    }
    *value = v;
    return 1;
}

int ltr_io_atomic_stale_name(const char *name, size_t *target_len)
{
    if (!name)
        return 0;
    /* "<target>.tmp-<pid>-<n>": the last ".tmp-" of the name. */
    const char *tag = NULL;
    for (const char *p = strstr(name, ".tmp-"); p; p = strstr(p + 1, ".tmp-"))
        tag = p;
    if (!tag || tag == name || strchr(name, '/'))
        return 0;
    const char *pid_s = tag + 5, *dash = strchr(pid_s, '-');
    unsigned long long pid, n;
    if (!dash || !parse_digits(pid_s, (size_t)(dash - pid_s), &pid) ||
        !parse_digits(dash + 1, strlen(dash + 1), &n) || pid == 0 || pid > 0x7fffffffULL)
        return 0;
    /* Our own id: left by an earlier process that had it (the caller cleans up before
     * it opens the target itself). Else stale only if no such process exists. */
    if ((pid_t)pid != getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
        return 0;
    if (target_len)
        *target_len = (size_t)(tag - name);
    return 1;
}

ltr_io_status ltr_io_atomic_remove_stale(const char *path, unsigned *removed, ltr_io_error *err)
{
    if (removed)
        *removed = 0;
    if (!path)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    struct stat sb;
    if (!strcmp(path, "-") || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)))
        return LTR_IO_OK; /* written in place: never had temporaries */
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    size_t dir_len = slash ? (size_t)(slash - path) : 0;
    char *dir = malloc(dir_len + 2);
    if (!dir)
        return ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
    if (slash) {
        memcpy(dir, path, dir_len);
        dir[dir_len] = '\0';
        if (dir_len == 0)
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    DIR *d = opendir(dir);
    if (!d) {
        /* No folder: no temporaries; opening the target will say what is wrong. */
        free(dir);
        return LTR_IO_OK;
    }
    const size_t base_len = strlen(base);
    ltr_io_status st = LTR_IO_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t target;
        if (strncmp(e->d_name, base, base_len) != 0 ||
            !ltr_io_atomic_stale_name(e->d_name, &target) || target != base_len)
            continue;
        size_t size = strlen(dir) + strlen(e->d_name) + 2;
        char *tmp = malloc(size);
        if (!tmp) {
            st = ltri_io_fail(err, LTR_IO_ERR_MEMORY, 0, "%s: out of memory", path);
            break;
        }
        snprintf(tmp, size, "%s/%s", dir, e->d_name);
        if (unlink(tmp) == 0) {
            if (removed)
                (*removed)++;
        } else if (errno != ENOENT) {
            st = ltri_io_fail(err, LTR_IO_ERR_WRITE, 0, "%s: cannot remove: %s", tmp,
                              strerror(errno));
        }
        free(tmp);
    }
    closedir(d);
    free(dir);
    return st;
}

static void release(ltr_io_atomic_file *a)
{
    free(a->path);
    free(a->tmp);
    free(a);
}

ltr_io_status ltr_io_atomic_commit(ltr_io_atomic_file *a, ltr_io_error *err)
{
    if (!a)
        return ltri_io_fail(err, LTR_IO_ERR_ARGUMENT, 0, "NULL argument");
    if (!a->path) {
        int bad = fflush(a->stream) != 0 || ferror(a->stream);
        release(a);
        return bad ? ltri_io_fail(err, LTR_IO_ERR_WRITE, 0, "standard output: %s",
                                  strerror(errno))
                   : LTR_IO_OK;
    }
    if (!a->tmp) {
        int bad = ferror(a->stream) != 0;
        if (fclose(a->stream) != 0)
            bad = 1;
        ltr_io_status status = bad ? ltri_io_fail(err, LTR_IO_ERR_WRITE, 0,
                                                  "%s: cannot write: %s", a->path,
                                                  strerror(errno ? errno : EIO))
                                   : LTR_IO_OK;
        release(a);
        return status;
    }
    int bad = ferror(a->stream) || fflush(a->stream) != 0 || fsync(fileno(a->stream)) != 0;
    int e = errno;
    if (fclose(a->stream) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    if (!bad && rename(a->tmp, a->path) != 0) {
        bad = 1;
        e = errno;
    }
    ltr_io_status st = LTR_IO_OK;
    if (bad) {
        unlink(a->tmp);
        st = ltri_io_fail(err, LTR_IO_ERR_WRITE, 0, "%s: cannot write: %s", a->path,
                          strerror(e ? e : EIO));
    }
    release(a);
    return st;
}

void ltr_io_atomic_abort(ltr_io_atomic_file *a)
{
    if (!a)
        return;
    if (a->path) {
        fclose(a->stream);
        if (a->tmp)
            unlink(a->tmp);
    } else {
        fflush(a->stream);
    }
    release(a);
}
