#!/bin/sh
# Check that every function the public header declares LTR_API is defined and
# exported by the shared library (a declared but never written function would
# otherwise only show up as a link error in a user's program).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: check_exports.sh path/to/libltr.so.X.Y.Z path/to/ltr.h
set -eu

NM=${NM:-nm}

if [ "$#" -ne 2 ]; then
    echo "usage: $0 SHARED_LIB HEADER" >&2
    exit 2
fi
so=$1
header=$2

# Each LTR_API declaration names its function on the LTR_API line.
declared=$(grep '^[[:space:]]*LTR_API' "$header" |
           sed -n 's/[^(]*[^a-zA-Z0-9_]\(ltr_[a-zA-Z0-9_]*\)[[:space:]]*(.*/\1/p' | sort -u)
exported=$("$NM" -D --defined-only "$so" | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' | sort -u)

if [ -z "$declared" ]; then
    echo "FAIL: found no LTR_API declaration in $header" >&2
    exit 1
fi

missing=$(printf '%s\n' "$declared" | while read -r f; do
    printf '%s\n' "$exported" | grep -qx "$f" || printf '    %s\n' "$f"
done)
if [ -n "$missing" ]; then
    echo "FAIL: declared LTR_API in $header but not exported by $so:" >&2
    printf '%s\n' "$missing" >&2
    exit 1
fi
echo "ok: all $(printf '%s\n' "$declared" | wc -l) LTR_API functions are exported"
