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
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
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
