#!/bin/sh
# Check that the core shared library links libm and libc and nothing else.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: check_needed.sh path/to/libltr.so.X.Y.Z [B_SANITIZE]
#
# B_SANITIZE is meson's b_sanitize option: in a sanitizer build the
# sanitizer runtimes (libasan, libubsan, ...) are allowed as well.
set -eu

READELF=${READELF:-readelf}

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
