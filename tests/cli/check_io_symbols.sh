#!/bin/sh
# libltr-io exports ltr_io_* only (and its version node), and libltr itself
# never links libsndfile or EDFlib.
# SPDX-License-Identifier: BSD-3-Clause
set -eu
io_so=$1
core_so=$2
bad=$(${NM:-nm} -D --defined-only "$io_so" | awk '{ print $NF }' | grep -v -e '^ltr_io_' -e '^LTR_IO_0$' || true)
[ -z "$bad" ] || { echo "FAIL: $io_so exports: $bad" >&2; exit 1; }
if ${READELF:-readelf} -d "$core_so" | grep -q -e sndfile -e libedf; then
    echo "FAIL: $core_so links libsndfile or EDFlib" >&2
    exit 1
fi
echo ok
