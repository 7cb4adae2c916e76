#!/bin/sh
# ltr detect --marks FILE (issue 13): stimulation pulses and needle movements from a BIDS
# events file reach the detector as device marks at their frames: each becomes a marked
# artifact row where it was, the twitches stay; other rows are skipped; bad files are
# refused with their line.
# SPDX-License-Identifier: BSD-3-Clause
DATA=$(cd "$(dirname "$0")/../../data" && pwd)
. "$(dirname "$0")/common.sh" "$@"

"$GEN" wav rec.wav                                   # twitches at 2.0 4.5 7.0
printf 'onset\tduration\ttrial_type\n3.000\t0\tneedle\n5.5\t0.001\tstim\n4.5\t0.1\tltr\n' >marks.tsv
expect_rc 0 "$LTR" detect --marks marks.tsv -o with.tsv rec.wav
grep -q '2 device marks from marks.tsv (other rows skipped' err.txt || fail "no note: $(cat err.txt)"
check_onsets with.tsv "2.0 4.5 7.0"
awk -F'\t' '$3 == "artifact" && $9 ~ /marked/ && $9 ~ /needle/ { d = $1 - 3.0; if (d < 0) d = -d; if (d < 0.002) n++ }
            $3 == "artifact" && $9 ~ /marked/ && $9 ~ /stim/ { d = $1 - 5.5; if (d < 0) d = -d; if (d < 0.002) s++ }
            END { exit !(n == 1 && s == 1) }' with.tsv ||
    fail "a marked needle artifact at 3.0 s and a marked stim at 5.5 s expected: $(cat with.tsv)"
expect_rc 0 "$LTR" detect -q -o without.tsv rec.wav
grep -q marked without.tsv && fail "marked rows without --marks"
# CSV with a value column works too.
printf 'onset,value\n3.0,needle insertion\n' >marks.csv
expect_rc 0 "$LTR" detect -q --marks marks.csv -o csv.tsv rec.wav
[ "$(grep -c marked csv.tsv)" -eq 1 ] || fail "CSV marks: $(cat csv.tsv)"

# Refusals.
expect_rc 3 "$LTR" detect -q --marks nothere.tsv rec.wav
grep -q 'nothere.tsv' err.txt || fail "missing marks file: $(cat err.txt)"
printf 'time\tkind\n3.0\tneedle\n' >nohead.tsv
expect_rc 4 "$LTR" detect -q --marks nohead.tsv rec.wav
grep -q 'nohead.tsv:1: the header needs an onset column' err.txt || fail "header: $(cat err.txt)"
printf 'onset\ttrial_type\nsoon\tneedle\n' >bad.tsv
expect_rc 7 "$LTR" detect -q --marks bad.tsv rec.wav
grep -q "bad.tsv:2: onset 'soon'" err.txt || fail "bad onset: $(cat err.txt)"

# data/heavy_needle: its 34 needle movements from the ground truth, each marked where it was
# (some overlap and merge into one row).
if [ -f "$DATA/heavy_needle.flac" ]; then
    expect_rc 0 "$LTR" detect -q --marks "$DATA/heavy_needle_events.tsv" -o hn.tsv "$DATA/heavy_needle.flac"
    awk -F'\t' 'FNR == 1 { next } NR == FNR { if ($3 == "needle") t[++n] = $1; next }
                $3 == "artifact" && $9 ~ /marked/ { rows++; for (i = 1; i <= n; i++) { d = $1 - t[i]; if (d < 0) d = -d; if (d < 0.002) { hit++; break } } }
                END { exit !(rows >= 25 && hit == rows) }' "$DATA/heavy_needle_events.tsv" hn.tsv ||
        fail "heavy_needle: every marked artifact should start at a needle movement: $(grep -c marked hn.tsv) rows"
fi
echo "ok"
