#!/bin/sh
# ltr batch -r on a research folder (issue 13): outputs mirror the input tree (same-named
# files of two sub-folders do not collide), files that are not recordings (documents, BIDS
# tables, feature tables) are skipped with a note instead of failing, --include/--exclude
# choose files, and each file is read with its own sidecar's channel types while
# --emg/--acc type only the files that have none.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

mkdir -p tree/sub-01/emg tree/sub-02/emg
"$GEN" wav tree/sub-01/emg/run.wav                           # bursts at 2.0 4.5 7.0
"$GEN" --bursts 1,3 wav tree/sub-02/emg/run.wav              # the same name, other bursts
"$GEN" csv tree/sub-02/emg/rec.csv
printf 'Read me\n1. install\n2. run\n' > tree/README.txt      # numbered lines: numbers
printf 'BSD 3-Clause\n' > tree/LICENSE.txt
printf 'trial,rms,mdf\n1,0.3,80\n2,0.4,82\n3,0.2,79\n' > tree/features.csv
printf 'subject,rms\nS01,0.5\nS02,0.7\n' > tree/subjects.csv
printf 'name\ttype\tunits\tlow_cutoff\nEMG1\tEMG\tmV\t20\n' > tree/sub-01/emg/sub-01_channels.tsv

expect_rc 0 "$LTR" batch -r -j 2 -o out tree
check_onsets out/sub-01/emg/run_events.tsv "2.0 4.5 7.0"
check_onsets out/sub-02/emg/run_events.tsv "1.0 3.0"
[ -f out/sub-02/emg/rec_events.tsv ] || fail "out/sub-02/emg/rec_events.tsv missing"
[ ! -e out/run_events.tsv ] || fail "outputs were flattened into out/"
for f in README.txt LICENSE.txt features.csv subjects.csv sub-01/emg/sub-01_channels.tsv; do
    awk -F'\t' -v f="tree/$f" '$1 == f && $2 == "not_recording" && $9 != "n/a" { ok = 1 } END { exit !ok }' \
        out/summary.tsv || fail "summary: $f should be not_recording with a note: $(grep "$f" out/summary.tsv)"
    grep -q "note: tree/$f: skipped" err.txt || fail "no note on standard error for $f"
done
grep -q 'features.csv.*--rate' out/summary.tsv || fail "the feature table's note does not say how to read it"
[ "$(awk -F'\t' '$2 == "ok"' out/summary.tsv | wc -l)" -eq 3 ] || fail "3 recordings expected ok"
ls -R out | grep -q '\.tmp-' && fail "temporary files left"

# A rerun skips the finished outputs in the sub-folders too.
expect_rc 0 "$LTR" batch -r -j 2 -o out tree
[ "$(awk -F'\t' '$2 == "skipped"' out/summary.tsv | wc -l)" -eq 3 ] || fail "rerun: 3 skipped expected"

# --include / --exclude: names or paths below the folder.
expect_rc 0 "$LTR" batch -r --include '*.wav' -o inc tree
[ "$(awk -F'\t' 'NR > 1' inc/summary.tsv | wc -l)" -eq 2 ] || fail "--include '*.wav': 2 rows expected: $(cat inc/summary.tsv)"
expect_rc 0 "$LTR" batch -r --exclude sub-02 --exclude 'README*' -o exc tree
grep -q 'sub-02' exc/summary.tsv && fail "--exclude sub-02 did not leave the folder out"
grep -q 'README' exc/summary.tsv && fail "--exclude 'README*' did not leave README.txt out"
[ -f exc/sub-01/emg/run_events.tsv ] || fail "--exclude: sub-01 missing"
expect_rc 0 "$LTR" batch -r --exclude 'sub-02/emg/rec.csv' -o exc2 tree
grep -q 'rec.csv' exc2/summary.tsv && fail "--exclude with a path did not match"
# Files named on the command line are taken as they are: a named non-recording fails.
expect_rc 6 "$LTR" batch -o named tree/features.csv

# Each file's own sidecar: a.wav says channel 1 is its EMG and 0, 2 accelerometer axes
# (the bursts are on every channel); b.wav has none and takes --emg 0.
mkdir mixed
"$GEN" --channels 3 wav mixed/a.wav
printf '{"Channels": [{"name": "ax", "type": "ACC"}, {"name": "m1", "type": "EMG"}, {"name": "ay", "type": "ACC"}]}\n' > mixed/a.json
"$GEN" --channels 2 wav mixed/b.wav
expect_rc 0 "$LTR" batch --emg 0 -o mixout mixed
awk -F'\t' 'NR > 1 && $3 == "twitch" && $col !~ /^m1/ { bad = 1 } END { exit bad }' col=8 mixout/a_events.tsv ||
    fail "a.wav: the sidecar's EMG m1 should lead the channels: $(cat mixout/a_events.tsv)"
grep -q '	m1' mixout/a_events.tsv || fail "a.wav: sidecar names not used"
awk -F'\t' 'NR > 1 && $3 == "twitch" && $8 != "ch0" { bad = 1 } END { exit bad }' mixout/b_events.tsv ||
    fail "b.wav: --emg 0 should give channel 0 only: $(cat mixout/b_events.tsv)"
echo "ok"
