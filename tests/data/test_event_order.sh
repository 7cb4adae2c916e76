#!/bin/sh
# Every twitch row ltr detect writes for the recordings of data/ holds together:
# onset <= peak <= onset + duration, duration > 0 (issue 8: 25 of 105 rows had
# their peak before their onset); the header starts with onset and duration, as BIDS
# wants; artifact rows have no latency (n/a: issue 13).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: sh tests/data/test_event_order.sh LTR DATA_DIR

set -eu
LTR=$1
DATA=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-order.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TAB=$(printf '\t')
status=0
rows=0
while IFS=$TAB read -r name file sim det; do
    case $name in '' | '#'*) continue ;; esac
    for opts in "$det" ""; do
        # shellcheck disable=SC2086 # the options are a word list on purpose
        "$LTR" detect -q $opts "$DATA/$file" -o "$WORK/out.tsv" 2>/dev/null ||
            { [ -z "$opts" ] && continue; echo "FAIL: $name: ltr detect $opts failed" >&2; exit 1; }
        # columns: onset duration trial_type peak ...
        awk -F '\t' -v name="$name" -v opts="$opts" '
            NR == 1 {
                for (i = 1; i <= NF; i++) col[$i] = i
                if ($1 != "onset" || $2 != "duration") {
                    printf "FAIL: %s (%s): header %s %s ..., BIDS wants onset, duration first\n", name, opts, $1, $2
                    bad = 1
                }
                next
            }
            $col["trial_type"] == "artifact" && $col["latency_ms"] != "n/a" {
                printf "FAIL: %s (%s): artifact at %s with latency_ms %s (expected n/a)\n", name, opts, $1, $col["latency_ms"]
                bad = 1
            }
            $col["trial_type"] == "twitch" {
                rows++
                on = $col["onset"] + 0; du = $col["duration"] + 0; pk = $col["peak"] + 0
                if (!(du > 0) || pk + 1e-9 < on || pk > on + du + 1e-9) {
                    printf "FAIL: %s (%s): onset %s duration %s peak %s\n", name, opts, $1, $2, pk
                    bad = 1
                }
            }
            END { printf "%d\n", rows > "/dev/stderr"; exit bad }' "$WORK/out.tsv" 2>>"$WORK/rows" || status=1
    done
done <"$DATA/recordings.tsv"
rows=$(awk '{ s += $1 } END { print s + 0 }' "$WORK/rows")
[ "$rows" -gt 50 ] || { echo "FAIL: only $rows twitch rows checked" >&2; exit 1; }
[ "$status" -eq 0 ] && echo "$rows twitch rows: every onset <= peak <= offset"
exit "$status"
