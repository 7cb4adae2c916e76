#!/bin/sh
# libltr-io exports ltr_io_* only (and its version node) and links only what it
# should; libltr itself never links libsndfile, EDFlib, Jansson, matio or HDF5.
# SPDX-License-Identifier: BSD-3-Clause
set -eu
io_so=$1
core_so=$2
bad=$(${NM:-nm} -D --defined-only "$io_so" | awk '{ print $NF }' | grep -v -e '^ltr_io_' -e '^LTR_IO_0$' || true)
[ -z "$bad" ] || { echo "FAIL: $io_so exports: $bad" >&2; exit 1; }
if ${READELF:-readelf} -d "$core_so" | grep -q -e sndfile -e libedf -e jansson -e matio -e hdf5; then
    echo "FAIL: $core_so links libsndfile, EDFlib, Jansson, matio or HDF5" >&2
    exit 1
fi
# libltr-io links the core, its readers' libraries (matio, HDF5 and zlib when built with
# MATLAB .mat input: zlib inflates compressed variables to check them before matio reads
# them) and the C runtime, nothing else (plus the sanitizer runtimes in a sanitizer build).
for lib in $(${READELF:-readelf} -d "$io_so" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p'); do
    case $lib in
        libltr.so.* | libsndfile.so.* | libedf.so.* | libjansson.so.* | libm.so.* | libc.so.* | \
            libmatio.so.* | libhdf5.so.* | libhdf5_serial.so.* | libz.so.* | \
            libpthread.so.* | libasan.so.* | libubsan.so.* | liblsan.so.* | libclang_rt.*) ;;
        *) echo "FAIL: $io_so needs $lib: add it here only on purpose" >&2; exit 1 ;;
    esac
done
echo ok
