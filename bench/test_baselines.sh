#!/bin/sh
# bench_baselines on two recordings of data/ (surface EMG; accelerometer only):
# every method writes a BIDS events.tsv (onset, duration, trial_type twitch)
# that `ltr eval` scores against the recording's truth, with at least one
# twitch found on the EMG recording. --rest-at (an online rest) writes them too,
# and is refused past the record's end.
# usage: test_baselines.sh BENCH_BASELINES LTR DATA_DIR
# SPDX-License-Identifier: BSD-3-Clause
set -eu
tool=$1 ltr=$2 data=$3
out=$(mktemp -d "${TMPDIR:-/tmp}/ltr-bench-baselines.XXXXXX")
trap 'rm -rf "$out"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for rec in surface_basic acc_only; do
    "$tool" --out-dir "$out" "$data/$rec.flac" > "$out/$rec.log" ||
        fail "$rec: bench_baselines exited $?"
    n=0
    for m in hodges-bui bonato solnik-tkeo lidierth cusum; do
        f="$out/${rec}_$m.tsv"
        [ -s "$f" ] || fail "$rec: no $f"
        head -n 1 "$f" | grep -q "^onset	duration	trial_type	" || fail "$f: not an events.tsv header"
        awk -F '\t' 'NR > 1 && ($3 != "twitch" || $1 + 0 < 0 || $2 + 0 <= 0) { bad = 1 }
                     END { exit bad }' "$f" || fail "$f: a row is not a twitch with an onset and a duration"
        "$ltr" eval "$f" "$data/${rec}_events.tsv" > "$out/eval.txt" 2>&1 ||
            fail "$rec: ltr eval refuses $f: $(cat "$out/eval.txt")"
        n=$((n + $(tail -n +2 "$f" | wc -l)))
    done
    [ "$rec" = acc_only ] || [ "$n" -gt 0 ] || fail "$rec: no method found a twitch"
    echo "$rec: 5 tables, $n twitches"
done

"$tool" --rest-at 0.5 --out-dir "$out" "$data/surface_basic.flac" > "$out/online.log" ||
    fail "--rest-at 0.5: exited $?"
[ "$(wc -l < "$out/online.log")" -eq 5 ] || fail "--rest-at 0.5: not 5 tables: $(cat "$out/online.log")"
if "$tool" --rest-at 1000 --out-dir "$out" "$data/surface_basic.flac" > /dev/null 2>&1; then
    fail "--rest-at 1000 on a 60 s record accepted"
fi
echo "--rest-at: 5 tables; past the end refused"
