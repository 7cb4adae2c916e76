#!/bin/sh
# Check what a shared library of the project links (its NEEDED entries).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: check_needed.sh path/to/libltr.so.X.Y.Z [B_SANITIZE]
#        check_needed.sh --no-gpl path/to/libltr-io.so.X.Y.Z
#        check_needed.sh --needs PATTERN path/to/libltr-analysis.so.X.Y.Z
#
# The first form: the core links libm and libc and nothing else. B_SANITIZE
# is meson's b_sanitize option: in a sanitizer build the sanitizer runtimes
# (libasan, libubsan, ...) are allowed as well.
# --no-gpl: a BSD companion library (libltr-io, -sim, -eval) links neither
# FFTW (GPL-2+) nor BLAS/LAPACK (only libltr-analysis may).
# --needs PATTERN: the library does link something matching the shell
# pattern (so the checks above are known to see what they look for).
set -eu

READELF=${READELF:-readelf}

needed_of() {
    "$READELF" -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'
}

case ${1:-} in
--no-gpl|--needs)
    mode=$1
    if [ "$mode" = --needs ]; then
        [ "$#" -eq 3 ] || { echo "usage: $0 --needs PATTERN SHARED_LIB" >&2; exit 2; }
        pattern=$2
        so=$3
    else
        [ "$#" -eq 2 ] || { echo "usage: $0 --no-gpl SHARED_LIB" >&2; exit 2; }
        so=$2
    fi
    [ -f "$so" ] || { echo "FAIL: no such file: $so" >&2; exit 1; }
    needed=$(needed_of "$so")
    status=0
    found=0
    for lib in $needed; do
        if [ "$mode" = --needs ]; then
            # shellcheck disable=SC2254
            case $lib in $pattern) found=1 ;; esac
            continue
        fi
        case $lib in
            libfftw3*|libopenblas*|libblas*|libcblas*|liblapack*|libgfortran*)
                echo "FAIL: $so needs $lib: only libltr-analysis may link FFTW/BLAS/LAPACK" >&2
                status=1 ;;
        esac
    done
    if [ "$mode" = --needs ] && [ "$found" -eq 0 ]; then
        echo "FAIL: $so links nothing matching $pattern (NEEDED:" $needed ")" >&2
        status=1
    fi
    [ "$status" -eq 0 ] && echo "ok: NEEDED:" $needed
    exit "$status"
    ;;
esac

if [ "$#" -lt 1 ] || [ "$#" -gt 2 ]; then
    echo "usage: $0 SHARED_LIB [B_SANITIZE]" >&2
    exit 2
fi
so=$1
sanitize=${2:-none}

if [ ! -f "$so" ]; then
    echo "FAIL: no such file: $so" >&2
    exit 1
fi

needed=$("$READELF" -d "$so" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p')
status=0
for lib in $needed; do
    case $lib in
        libm.so.*|libc.so.*) ;;
        libasan.so.*|libubsan.so.*|liblsan.so.*|libtsan.so.*|libclang_rt.*)
            if [ "$sanitize" = none ] || [ -z "$sanitize" ]; then
                echo "FAIL: $so needs $lib, but this is not a sanitizer build" >&2
                status=1
            fi ;;
        *)
            echo "FAIL: $so needs $lib: the core may link only libm and libc" >&2
            status=1 ;;
    esac
done
if [ "$status" -eq 0 ]; then
    echo "ok: NEEDED:" $needed
fi
exit "$status"
