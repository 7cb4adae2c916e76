#!/bin/sh
# Check what the core libraries export.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: check_symbols.sh path/to/libltr.so.X.Y.Z path/to/libltr.a
#
# Fails if
#  - the shared library's SONAME is not libltr.so.1,
#  - the shared library exports (nm -D --defined-only) any symbol not named
#    ltr_* (linker-made symbols such as _init, _fini, _edata, _end and
#    __bss_start, and the version node LTR_1 itself, are ignored), or none,
#  - the static library defines a global symbol (nm --defined-only -g) not
#    named ltr_* or ltri_* (internal functions are ltri_*, everything else
#    must be static).
# NM and READELF may name the tools to use (meson sets them).
set -eu

NM=${NM:-nm}
READELF=${READELF:-readelf}
EXPECTED_SONAME=libltr.so.1

if [ "$#" -ne 2 ]; then
    echo "usage: $0 SHARED_LIB STATIC_LIB" >&2
    exit 2
fi
so=$1
ar=$2
status=0

for f in "$so" "$ar"; do
    if [ ! -f "$f" ]; then
        echo "FAIL: no such file: $f" >&2
        exit 1
    fi
done

# --- SONAME -------------------------------------------------------------------
soname=$("$READELF" -d "$so" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$soname" != "$EXPECTED_SONAME" ]; then
    echo "FAIL: $so: SONAME is '${soname}', expected '$EXPECTED_SONAME'" >&2
    status=1
else
    echo "ok: SONAME $soname"
fi

# --- exports of the shared library --------------------------------------------
# nm -D lines: "ADDRESS TYPE NAME[@@VERSION]".
exports=$("$NM" -D --defined-only "$so" | awk 'NF >= 3 { print $2, $3 }' |
          sed 's/@.*//')
bad=$(printf '%s\n' "$exports" | awk '
    NF < 2 { next }
    $2 ~ /^ltr_/ { next }
    $1 == "A" && $2 ~ /^LTR_[0-9]/ { next }           # version node
    $2 ~ /^(_init|_fini|_edata|_end|__bss_start|_DYNAMIC|_GLOBAL_OFFSET_TABLE_)$/ { next }
    { print "    " $2 " (" $1 ")" }')
n_ltr=$(printf '%s\n' "$exports" | awk '$2 ~ /^ltr_/' | wc -l)
if [ -n "$bad" ]; then
    echo "FAIL: $so exports symbols outside the ltr_ namespace:" >&2
    printf '%s\n' "$bad" >&2
    echo "  (make them static, or name internal functions ltri_* without LTR_API)" >&2
    status=1
elif [ "$n_ltr" -eq 0 ]; then
    echo "FAIL: $so exports no ltr_ symbol at all" >&2
    status=1
else
    echo "ok: $so exports $n_ltr ltr_ symbols and nothing else"
fi

# --- globals of the static library --------------------------------------------
# nm on an archive prints "member.o:" headers and "ADDRESS TYPE NAME" lines.
# Symbols made by sanitizer or coverage instrumentation are not ours and are
# ignored.
bad=$("$NM" --defined-only -g "$ar" | awk '
    /:$/ { member = $0; sub(/:$/, "", member); next }
    NF < 3 { next }
    $3 ~ /^ltri?_/ { next }
    $3 ~ /^(__odr_asan|__asan_|__ubsan_|__sancov_|__gcov_|__llvm_|__profc_|__profd_|__x86\.get_pc_thunk)/ { next }
    { print "    " $3 " (" $2 ") in " member }')
if [ -n "$bad" ]; then
    echo "FAIL: $ar defines global symbols outside ltr_/ltri_:" >&2
    printf '%s\n' "$bad" >&2
    echo "  (make them static, or rename them ltri_* if other core files need them)" >&2
    status=1
else
    echo "ok: $ar defines only ltr_/ltri_ globals"
fi

exit "$status"
