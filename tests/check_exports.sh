#!/bin/sh
# Check that every function the public header declares LTR_API is defined and
# exported by the shared library (a declared but never written function would
# otherwise only show up as a link error in a user's program).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: check_exports.sh path/to/libltr.so.X.Y.Z path/to/ltr.h [MACRO]
#        MACRO is the export macro the header uses (LTR_API; LTR_IO_API for ltr_io.h)
set -eu

NM=${NM:-nm}

if [ "$#" -lt 2 ] || [ "$#" -gt 3 ]; then
    echo "usage: $0 SHARED_LIB HEADER [MACRO]" >&2
    exit 2
fi
so=$1
header=$2
api=${3:-LTR_API}

# Each declaration names its function on the line of its export macro.
declared=$(grep "^[[:space:]]*$api[[:space:]]" "$header" |
           sed -n 's/[^(]*[^a-zA-Z0-9_]\(ltr_[a-zA-Z0-9_]*\)[[:space:]]*(.*/\1/p' | sort -u)
exported=$("$NM" -D --defined-only "$so" | awk 'NF >= 3 { print $3 }' | sed 's/@.*//' | sort -u)

if [ -z "$declared" ]; then
    echo "FAIL: found no $api declaration in $header" >&2
    exit 1
fi

missing=$(printf '%s\n' "$declared" | while read -r f; do
    printf '%s\n' "$exported" | grep -qx "$f" || printf '    %s\n' "$f"
done)
if [ -n "$missing" ]; then
    echo "FAIL: declared $api in $header but not exported by $so:" >&2
    printf '%s\n' "$missing" >&2
    exit 1
fi
echo "ok: all $(printf '%s\n' "$declared" | wc -l) $api functions are exported"
