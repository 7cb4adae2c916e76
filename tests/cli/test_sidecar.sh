#!/bin/sh
# No settings needed: channel types and mains come from the recording's
# sidecar (data/-style FILE.json; BIDS *_emg.json + *_channels.tsv) or its
# EDF labels; explicit options override them; broken or mismatching sidecars
# are refused with a message that names the file, the line or both values.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

WANT="2.0 4.5 7.0"

# The events of two runs are the same (every column).
same_events() {
    cmp -s "$1" "$2" || fail "$1 and $2 differ: $(diff "$1" "$2" | head -5)"
}

# --- data/-style sidecar: FILE.json beside FILE.wav ------------------------------
"$GEN" --channels 4 wav rec.wav
cat >rec.json <<'EOF'
{
  "SamplingFrequency": 2000,
  "PowerLineFrequency": 60,
  "Channels": [
    {"index": 0, "name": "emg0", "type": "EMG", "units": "mV", "full_scale": 5},
    {"index": 1, "name": "acc_x", "type": "ACC", "units": "g", "full_scale": 8},
    {"index": 2, "name": "acc_y", "type": "ACC", "units": "g", "full_scale": 8},
    {"index": 3, "name": "acc_z", "type": "ACC", "units": "g", "full_scale": 8}
  ]
}
EOF
expect_rc 0 "$LTR" detect -o none.tsv rec.wav
grep -q 'channels emg0 (EMG), acc_x (acc), acc_y (acc), acc_z (acc) from rec.json' err.txt ||
    fail "sidecar channels not reported: $(cat err.txt)"
grep -q 'mains 60 Hz from PowerLineFrequency in rec.json' err.txt || fail "sidecar mains: $(cat err.txt)"
expect_rc 0 "$LTR" detect -q --emg 0 --acc 1-3 --mains 60 -o opts.tsv rec.wav
same_events none.tsv opts.tsv
check_onsets none.tsv "$WANT"
awk -F'\t' 'NR > 1 && $8 !~ /emg0/ { exit 1 }' none.tsv || fail "sidecar names not used: $(head -3 none.tsv)"
# Sidecar names work as --emg/--acc names.
expect_rc 0 "$LTR" detect -q --emg emg0 --acc acc_x,acc_y,acc_z --mains 60 -o names.tsv rec.wav
same_events none.tsv names.tsv

# Explicit options override the sidecar: one channel, mains 50.
expect_rc 0 "$LTR" detect --emg 0 --mains 50 -o over.tsv rec.wav
grep -q 'channels emg0 (EMG) from --emg/--acc' err.txt || fail "--emg does not override: $(cat err.txt)"
grep -q 'mains 50 Hz from --mains' err.txt || fail "--mains does not override: $(cat err.txt)"
expect_rc 0 "$LTR" detect -q --emg 0 --mains 50 --no-sidecar -o over2.tsv rec.wav
# Same detection; only the channel name differs (ch0 without the sidecar).
sed 's/\temg0\t/\tch0\t/' over.tsv | cmp -s - over2.tsv || fail "override: $(diff over.tsv over2.tsv | head -4)"
expect_rc 0 "$LTR" detect --no-sidecar -o nosc.tsv rec.wav
grep -q 'every channel as EMG' err.txt || fail "--no-sidecar: $(cat err.txt)"

# ltr info says what was taken from where.
expect_rc 0 "$LTR" info rec.wav
grep -q '^sidecar      rec.json (SamplingFrequency 2000 Hz, PowerLineFrequency 60 Hz)' out.txt ||
    fail "info: sidecar line: $(cat out.txt)"
grep -q '^  1  acc_x  *accelerometer  *ACC  *g  *8  *rec.json' out.txt || fail "info: types: $(cat out.txt)"
grep -q '^ltr detect: mains 60 Hz from PowerLineFrequency in rec.json' out.txt ||
    fail "info: plan: $(cat out.txt)"

# --- broken and mismatching sidecars ----------------------------------------------
"$GEN" --channels 4 wav bad.wav
printf '{\n  "SamplingFrequency": 2000,\n  "Channels": [{"type": "EMG",}]\n}\n' >bad.json
expect_rc 4 "$LTR" detect -q bad.wav
grep -q 'bad.json:3:.*broken JSON' err.txt || fail "bad JSON: no line number: $(cat err.txt)"
grep -q -- '--no-sidecar' err.txt || fail "bad JSON: no way out named: $(cat err.txt)"
expect_rc 4 "$LTR" info bad.wav
grep -q 'bad.json:3:' out.txt || fail "info on bad JSON: $(cat out.txt)"
expect_rc 0 "$LTR" detect -q --no-sidecar -o /dev/null bad.wav

printf '{"SamplingFrequency": 1000, "PowerLineFrequency": 50}\n' >bad.json
expect_rc 6 "$LTR" detect -q bad.wav
grep -q 'SamplingFrequency 1000 Hz, but bad.wav is at 2000 Hz' err.txt || fail "rate mismatch: $(cat err.txt)"
# A rate given as an option wins over both with --force-rate (notes, no error); without
# it a rate that differs from the header's is refused (test_errors.sh).
expect_rc 0 "$LTR" detect --rate 4000 --force-rate -o /dev/null bad.wav
grep -q 'note: .*bad.json: SamplingFrequency 1000 Hz; 4000 Hz as given is used' err.txt ||
    fail "--rate over the sidecar: $(cat err.txt)"

printf '{"Channels": [{"type": "EMG"}, {"type": "ACC"}]}\n' >bad.json
expect_rc 5 "$LTR" detect -q bad.wav
grep -q 'bad.json describes 2 channels (Channels), but bad.wav has 4' err.txt ||
    fail "channel count mismatch: $(cat err.txt)"

printf '{"PowerLineFrequency": "fifty"}\n' >bad.json
expect_rc 4 "$LTR" detect -q bad.wav
grep -q 'PowerLineFrequency is a string, not a number' err.txt || fail "bad field: $(cat err.txt)"

# "n/a" is allowed; a type nothing knows (ECG) is left out with a note.
printf '{"PowerLineFrequency": "n/a", "Channels": [{"type":"EMG"},{"type":"ECG"},{"type":"n/a"},{"type":"emg"}]}\n' >bad.json
expect_rc 0 "$LTR" detect -o /dev/null bad.wav
grep -q 'channels ch0 (EMG), ch3 (EMG) from bad.json' err.txt || fail "types: $(cat err.txt)"
grep -q 'ch1 left out: type ECG (from bad.json)' err.txt || fail "ECG note: $(cat err.txt)"
grep -q 'left out, type not known.*: ch2' err.txt || fail "unknown note: $(cat err.txt)"
rm bad.json

# --- a BIDS tree: sub-01/emg/*_emg.edf + *_emg.json + *_channels.tsv (ACCEL) ----------
mkdir -p bids/sub-01/emg
B=bids/sub-01/emg/sub-01_task-needling
"$GEN" --channels 6 --labels EMG1,EMG2,EMG3,EMG4,EMG5,EMG6 edf "${B}_emg.edf"
printf '{"TaskName": "needling", "SamplingFrequency": 2000, "PowerLineFrequency": 60}\n' >"${B}_emg.json"
# Rows in another order than the file's: matched by name.
printf 'name\ttype\tunits\tstatus\n' >"${B}_channels.tsv"
printf 'EMG6\tTRIG\tV\tgood\nEMG5\tECG\tmV\tgood\nEMG1\tEMG\tmV\tgood\n' >>"${B}_channels.tsv"
printf 'EMG2\tACCEL\tg\tgood\nEMG3\tACCEL\tg\tgood\nEMG4\tACCEL\tg\tn/a\n' >>"${B}_channels.tsv"
expect_rc 0 "$LTR" detect -o bids.tsv "${B}_emg.edf"
grep -q "channels EMG1 (EMG), EMG2 (acc), EMG3 (acc), EMG4 (acc) from ${B}_channels.tsv" err.txt ||
    fail "BIDS channels: $(cat err.txt)"
grep -q "mains 60 Hz from PowerLineFrequency in ${B}_emg.json" err.txt || fail "BIDS mains: $(cat err.txt)"
grep -q 'EMG5 left out: type ECG' err.txt || fail "BIDS ECG note: $(cat err.txt)"
grep -q 'EMG6 left out: type TRIG' err.txt || fail "BIDS TRIG note: $(cat err.txt)"
expect_rc 0 "$LTR" detect -q --emg EMG1 --acc EMG2,EMG3,EMG4 --mains 60 -o bids_opts.tsv "${B}_emg.edf"
same_events bids.tsv bids_opts.tsv
check_onsets bids.tsv "$WANT"
# A bad channel is left out too.
sed 's/^EMG3\tACCEL\tg\tgood/EMG3\tACCEL\tg\tbad/' "${B}_channels.tsv" >tmp.tsv && mv tmp.tsv "${B}_channels.tsv"
expect_rc 0 "$LTR" detect -o /dev/null "${B}_emg.edf"
grep -q 'EMG3 left out: marked bad' err.txt || fail "bad channel: $(cat err.txt)"
# ltr batch on the tree: participants.tsv and the channels.tsv are not taken for
# recordings (skipped with a note); the file's own map; the tree kept under -o.
printf 'participant_id\tage\nsub-01\t34\n' >bids/participants.tsv
expect_rc 0 "$LTR" batch -r --sidecar --no-progress -o bids_out bids
[ "$(awk -F'\t' '$2 == "ok"' bids_out/summary.tsv | wc -l)" -eq 1 ] &&
    [ "$(awk -F'\t' '$2 == "not_recording"' bids_out/summary.tsv | wc -l)" -eq 2 ] ||
    fail "batch on BIDS: $(cat bids_out/summary.tsv)"
grep -q '"sensors": \["emg", "acc", "acc"\]' bids_out/sub-01/emg/sub-01_task-needling_events.json ||
    fail "batch: BIDS channels not used: $(grep -A2 n_channels bids_out/sub-01/emg/*_events.json)"
# A broken channels.tsv: its line.
printf 'name\ttype\tunits\nEMG1\tEMG\n' >"${B}_channels.tsv"
expect_rc 4 "$LTR" detect -q "${B}_emg.edf"
grep -q '_channels.tsv:2: 2 tab-separated fields, the header has 3' err.txt || fail "broken TSV: $(cat err.txt)"
# Another number of rows than channels.
printf 'name\ttype\tunits\nEMG1\tEMG\tmV\n' >"${B}_channels.tsv"
expect_rc 5 "$LTR" detect -q "${B}_emg.edf"
grep -q 'describes 1 channel (rows), but .*_emg.edf has 6' err.txt || fail "TSV count: $(cat err.txt)"

# --- EDF labels alone -------------------------------------------------------------
"$GEN" --channels 5 --labels "EMG left,ACC X,ACC Y,Accel Z,ECG" edf labels.edf
expect_rc 0 "$LTR" detect -o labels.tsv labels.edf
grep -q "channels EMG left (EMG), ACC X (acc), ACC Y (acc), Accel Z (acc) from the file's labels" err.txt ||
    fail "EDF labels: $(cat err.txt)"
grep -q 'ECG left out: type ECG (from its label)' err.txt || fail "EDF ECG label: $(cat err.txt)"
expect_rc 0 "$LTR" detect -q --emg 0 --acc 1-3 -o labels_opts.tsv labels.edf
same_events labels.tsv labels_opts.tsv
# An unknown label with an acceleration unit is an accelerometer axis.
"$GEN" --channels 2 --labels "EMG,Z" --units "uV,g" edf units.edf
expect_rc 0 "$LTR" detect -o /dev/null units.edf
grep -q "channels EMG (EMG), Z (acc) from the file's labels, the file's units" err.txt ||
    fail "EDF units: $(cat err.txt)"

# --- ltr batch: each file its own map; --emg/--acc for the others --------------------
mkdir -p mix
"$GEN" --channels 4 wav mix/with.wav
cp rec.json mix/with.json
"$GEN" --channels 2 wav mix/without.wav
expect_rc 0 "$LTR" batch --emg 0 --sidecar --no-progress -o mix_out mix
grep -q '"sensors": \["emg", "acc", "acc", "acc"\]' mix_out/with_events.json ||
    fail "batch: the sidecar's map not used: $(grep -A1 '"n_channels"' mix_out/with_events.json)"
grep -q '"mains_hz": 60' mix_out/with_events.json || fail "batch: the sidecar's mains not used"
grep -q '"sensors": \["emg"\]' mix_out/without_events.json ||
    fail "batch: --emg not used: $(grep -A1 '"n_channels"' mix_out/without_events.json)"
echo "ok"
