#!/bin/sh
# ltr bids on a small BIDS-EMG dataset made here (issue 13): the recordings of
# sub-*/[ses-*/]emg are found and nothing else (derivatives/, sourcedata/, tables), each
# is read with its own *_channels.tsv and *_emg.json, the events and their sidecars land
# in derivatives/libltr mirroring the tree, with dataset_description.json; a rerun skips.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

R=ds
mkdir -p $R/sub-01/emg $R/sub-02/ses-01/emg $R/sourcedata/sub-01 $R/derivatives/other/sub-01/emg
printf '{"Name": "needling", "BIDSVersion": "1.9.0"}\n' > $R/dataset_description.json
printf 'participant_id\tage\nsub-01\t34\nsub-02\t41\n' > $R/participants.tsv
printf 'BIDS test dataset\n' > $R/README

# sub-01: labels say nothing; channels.tsv types them (ECG left out), JSON gives 50 Hz.
A=$R/sub-01/emg/sub-01_task-needling
"$GEN" --channels 3 --labels CH1,CH2,CH3 --hum 50 --hum-amp 0.02 edf ${A}_emg.edf
printf 'name\ttype\tunits\tstatus\nCH1\tEMG\tmV\tgood\nCH2\tACCEL\tg\tgood\nCH3\tECG\tmV\tgood\n' > ${A}_channels.tsv
printf '{"SamplingFrequency": 2000, "PowerLineFrequency": 50, "TaskName": "needling"}\n' > ${A}_emg.json
# sub-02, a session and a run: BDF, 60 Hz, bursts elsewhere.
B=$R/sub-02/ses-01/emg/sub-02_ses-01_task-needling_run-01
"$GEN" --channels 2 --bursts 1.5,5 --labels X1,X2 bdf ${B}_emg.bdf
printf 'name\ttype\tunits\nX1\tEMG\tuV\nX2\tEMG\tuV\n' > ${B}_channels.tsv
printf '{"PowerLineFrequency": 60}\n' > ${B}_emg.json
# Not raw data: never taken.
"$GEN" edf $R/sourcedata/sub-01/raw_emg.edf
"$GEN" edf $R/derivatives/other/sub-01/emg/sub-01_task-needling_emg.edf

expect_rc 0 "$LTR" bids -j 2 $R
D=$R/derivatives/libltr
# sub-01 has an accelerometer (ACCEL): the core keeps only the EMG twitches it also saw
# (acc_confirms); every twitch reported is one of the bursts. (The generator writes each
# burst on every channel at once: an accelerometer moving with the EMG's first rise, not
# 10-50 ms after it, reads as a needle movement, so only some bursts stay twitches.)
onsets $D/sub-01/emg/sub-01_task-needling_events.tsv | awk '
    { ok = 0; split("2.0 4.5 7.0", t, " "); for (i in t) { d = $1 - t[i]; if (d < 0) d = -d; if (d <= 0.04) ok = 1 }
      if (!ok) bad = 1; n++ }
    END { exit bad || n < 1 }' || fail "sub-01: twitches away from the bursts: $(onsets $D/sub-01/emg/sub-01_task-needling_events.tsv)"
check_onsets $D/sub-02/ses-01/emg/sub-02_ses-01_task-needling_run-01_events.tsv "1.5 5.0"
[ "$(awk -F'\t' 'NR > 1' $D/summary.tsv | wc -l)" -eq 2 ] || fail "2 recordings expected: $(cat $D/summary.tsv)"
grep -q 'sourcedata\|derivatives/other' $D/summary.tsv && fail "sourcedata or another derivative was taken"
head -1 $D/sub-01/emg/sub-01_task-needling_events.tsv | grep -q '^onset	duration	trial_type' ||
    fail "events.tsv: BIDS columns first"
grep -q '	CH1,CH2	\|	CH1	' $D/sub-01/emg/sub-01_task-needling_events.tsv ||
    fail "sub-01: channels.tsv names not used: $(cat $D/sub-01/emg/sub-01_task-needling_events.tsv)"
grep -q 'CH3' $D/sub-01/emg/sub-01_task-needling_events.tsv && fail "sub-01: the ECG channel was used"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$D" <<'PY' || fail "derivative JSON files"
import json, sys
d = sys.argv[1]
desc = json.load(open(d + "/dataset_description.json"))
assert desc["DatasetType"] == "derivative" and desc["BIDSVersion"], desc
assert desc["GeneratedBy"][0]["Name"] == "libltr" and desc["GeneratedBy"][0]["Version"], desc
assert desc["SourceDatasets"][0]["URL"].startswith("file:///"), desc
a = json.load(open(d + "/sub-01/emg/sub-01_task-needling_events.json"))
assert a["ltr_config"]["sensors"] == ["emg", "acc"], a["ltr_config"]
assert a["ltr_config"]["mains_hz"] == 50, a["ltr_config"]["mains_hz"]
b = json.load(open(d + "/sub-02/ses-01/emg/sub-02_ses-01_task-needling_run-01_events.json"))
assert b["ltr_config"]["mains_hz"] == 60 and b["ltr_config"]["sensors"] == ["emg", "emg"], b
PY
fi

# A rerun skips what is finished; -o elsewhere; errors.
expect_rc 0 "$LTR" bids $R
[ "$(awk -F'\t' '$2 == "skipped"' $D/summary.tsv | wc -l)" -eq 2 ] || fail "rerun: 2 skipped expected"
expect_rc 0 "$LTR" bids -o elsewhere $R
[ -f elsewhere/sub-01/emg/sub-01_task-needling_events.tsv ] && [ -f elsewhere/dataset_description.json ] ||
    fail "-o: outputs missing"
expect_rc 3 "$LTR" bids nothere
expect_rc 2 "$LTR" bids $R $R
mkdir empty
expect_rc 3 "$LTR" bids empty
grep -q 'no dataset_description.json' err.txt || fail "a folder without dataset_description.json: no note"
echo "ok"
