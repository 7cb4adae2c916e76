/*
 * Run a command and report its peak resident memory as the kernel counts it.
 *
 *   bench_rusage --fd N -- COMMAND [ARG...]
 *
 * forks, runs COMMAND (standard input, output and error inherited) and writes
 * to file descriptor N (not inherited by COMMAND):
 *   pid PID                         as soon as COMMAND is started, then
 *   maxrss_kb K utime_s U stime_s S status C
 *                                   when it has ended (wait4's rusage; C: its
 *                                   exit status, 128 + signal if killed).
 * Exits with COMMAND's status.
 *
 * Why not wait4() from the Python scripts directly: Linux keeps a process's
 * ru_maxrss across execve(), so a child forked by Python (~15 MB resident)
 * reports at least Python's size whatever it runs (`/bin/true` shows 14 MB).
 * Forked from this small program, the floor is this program's ~1 MB.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _DEFAULT_SOURCE /* wait4 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: bench_rusage --fd N -- COMMAND [ARG...]\n");
    return 2;
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[1], "--fd") != 0 || strcmp(argv[3], "--") != 0)
        return usage();
    const int fd = atoi(argv[2]);
    FILE *report = fdopen(fd, "w");
    if (fd < 3 || !report || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
        fprintf(stderr, "bench_rusage: --fd %s is not an open descriptor above 2\n", argv[2]);
        return 2;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        perror("bench_rusage: fork");
        return 1;
    }
    if (pid == 0) {
        execvp(argv[4], argv + 4);
        perror(argv[4]);
        _exit(127);
    }
    fprintf(report, "pid %ld\n", (long)pid);
    fflush(report);
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        perror("bench_rusage: wait4");
        return 1;
    }
    const int code = WIFEXITED(status) ? WEXITSTATUS(status)
                     : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
    fprintf(report, "maxrss_kb %ld utime_s %.3f stime_s %.3f status %d\n", ru.ru_maxrss,
            (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6,
            (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6, code);
    fclose(report);
    return code;
}
