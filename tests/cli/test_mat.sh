#!/bin/sh
# ltr detect on MATLAB .mat files (v5 and v7.3, samples x channels and channels x
# samples) made from a recording of data/ finds the very twitches it finds in the
# FLAC: identical events, onsets included. `ltr info` names the variable read.
# SPDX-License-Identifier: BSD-3-Clause
#   $1: ltr, $2: mat-from-io; LTR_SRC_DATA: the project's data/ folder
. "$(dirname "$0")/common.sh" "$@"

SRC=${LTR_SRC_DATA:?LTR_SRC_DATA: the data/ folder}
name=surface_acc
cp "$SRC/$name.flac" "$SRC/$name.json" .
expect_rc 0 "$LTR" detect -q -o flac.tsv "$name.flac"
[ "$(onsets flac.tsv | wc -w)" -gt 0 ] || fail "$name.flac: no twitch found"
for v in 5 73; do
    for layout in n t; do
        out=${name}_v${v}$layout
        expect_rc 0 "$GEN" "$name.flac" "$out.mat" "$v" "$layout"
        cp "$name.json" "$out.json" # the same channel types as the FLAC's
        expect_rc 0 "$LTR" detect -q -o "$out.tsv" "$out.mat"
        [ "$(onsets "$out.tsv")" = "$(onsets flac.tsv)" ] ||
            fail "$out.mat: onsets $(onsets "$out.tsv") differ from the FLAC's $(onsets flac.tsv)"
        cmp -s "$out.tsv" flac.tsv || fail "$out.mat: events differ from the FLAC's"
    done
done
expect_rc 0 "$LTR" info ${name}_v73t.mat
grep -q "MAT v7.3, 'data'" out.txt || fail "ltr info: the variable read expected: $(cat out.txt)"
grep -q "channels x samples" out.txt || fail "ltr info: the layout expected"
echo ok
