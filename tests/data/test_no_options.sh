#!/bin/sh
# `ltr detect data/X` needs no options: every recording of data/ detected with
# none (channels and mains from its sidecar, data/X.json) gives exactly the
# events it gives with the options data/recordings.tsv lists (the channels and
# mains a device would be set to), every column of every row.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: sh tests/data/test_no_options.sh LTR DATA_DIR
set -eu
LTR=$1
DATA=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-no-options.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TAB=$(printf '\t')
status=0
n=0
while IFS=$TAB read -r name file sim det; do
    case $name in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2086 # the options are a word list on purpose
    "$LTR" detect -q $det -o "$WORK/$name.opts.tsv" "$DATA/$file" ||
        { echo "FAIL: $name: 'ltr detect $det' failed" >&2; status=1; continue; }
    "$LTR" detect -o "$WORK/$name.none.tsv" "$DATA/$file" 2>"$WORK/$name.err" ||
        { echo "FAIL: $name: 'ltr detect' with no options failed: $(cat "$WORK/$name.err")" >&2; status=1; continue; }
    grep -q "channels .* from $DATA/${file%.*}.json" "$WORK/$name.err" ||
        { echo "FAIL: $name: the channels did not come from its sidecar: $(cat "$WORK/$name.err")" >&2; status=1; }
    if ! cmp -s "$WORK/$name.opts.tsv" "$WORK/$name.none.tsv"; then
        echo "FAIL: $name: no options and '$det' give different events:" >&2
        diff "$WORK/$name.opts.tsv" "$WORK/$name.none.tsv" | head -6 >&2
        status=1
    fi
    n=$((n + 1))
done <"$DATA/recordings.tsv"
[ "$n" -gt 0 ] || { echo "FAIL: no recording in $DATA/recordings.tsv" >&2; exit 1; }
[ "$status" -eq 0 ] && echo "ok: $n recordings, the same events with no options"
exit "$status"
