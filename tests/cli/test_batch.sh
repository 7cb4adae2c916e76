#!/bin/sh
# ltr batch: several recordings in parallel, one broken among them, a summary,
# and a rerun that skips what is complete.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

mkdir in
"$GEN" wav in/a.wav
"$GEN" --bursts 1,3 flac in/b.flac
"$GEN" --channels 2 edf in/sub-01_task-needle_emg.edf
"$GEN" csv in/d.csv
head -c 3000 in/a.wav > in/e_broken.wav
echo "not a recording" > in/notes.md          # unknown extension: not taken from a folder

expect_rc 9 "$LTR" batch -j 3 -o out in
grep -q 'e_broken.wav: truncated' err.txt || fail "the broken file's error was not reported: $(cat err.txt)"
for f in a b sub-01_task-needle d; do
    [ -f "out/${f}_events.tsv" ] || fail "out/${f}_events.tsv missing"
done
[ ! -e out/e_broken_events.tsv ] || fail "the broken file has an output"
ls out | grep -q '\.tmp-' && fail "temporary files left: $(ls out)"
check_onsets out/a_events.tsv "2.0 4.5 7.0"
check_onsets out/b_events.tsv "1.0 3.0"

# The summary: one row per input; file, status, duration, twitches, rate per minute, warnings.
[ -f out/summary.tsv ] || fail "out/summary.tsv missing"
head -1 out/summary.tsv | grep -q '^file	status	duration_s	twitches	rate_per_min	warnings' ||
    fail "summary header: $(head -1 out/summary.tsv)"
[ "$(awk -F'\t' 'NR > 1' out/summary.tsv | wc -l)" -eq 5 ] || fail "5 summary rows expected"
awk -F'\t' '$1 == "in/a.wav" && $2 == "ok" && $3 == "10.000" && $4 == 3 && $5 == "18.00" { ok = 1 } END { exit !ok }' out/summary.tsv ||
    fail "summary row of a.wav: $(grep a.wav out/summary.tsv)"
awk -F'\t' '$1 == "in/e_broken.wav" && $2 == "failed" && $8 == 4 { ok = 1 } END { exit !ok }' out/summary.tsv ||
    fail "summary row of the broken file: $(grep broken out/summary.tsv)"
grep -q 'in/a.wav' out.txt || fail "the table was not printed"
# Not a terminal: no progress bar on stderr.
grep -q '\[#' err.txt && fail "a progress bar was drawn off a terminal"

# A rerun skips the complete outputs (the broken file fails again).
touch -d '2000-01-01' in/a.wav
before=$(ls -l --time-style=+%s.%N out/a_events.tsv)
expect_rc 9 "$LTR" batch -j 2 -o out in
[ "$before" = "$(ls -l --time-style=+%s.%N out/a_events.tsv)" ] || fail "a complete output was redone"
awk -F'\t' '$1 == "in/a.wav" && $2 == "skipped" && $4 == 3 && $3 == "10.000" { ok = 1 } END { exit !ok }' out/summary.tsv ||
    fail "rerun: a.wav should be skipped with its 3 twitches: $(grep a.wav out/summary.tsv)"

# --force redoes them; good files only: exit 0. Files can be named one by one.
rm in/e_broken.wav
expect_rc 0 "$LTR" batch --force -j 2 --format jsonl --sidecar -o out2 in/a.wav in/d.csv
[ -f out2/a_events.jsonl ] && [ -f out2/a_events.json ] || fail "--format jsonl --sidecar outputs missing"
awk -F'\t' 'NR > 1 && $2 != "ok" { exit 1 }' out2/summary.tsv || fail "out2: every row should be ok"

# Every input failing alike: that code, not 9.
expect_rc 3 "$LTR" batch -o out3 missing1.wav missing2.wav
echo "ok"
