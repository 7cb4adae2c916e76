#!/bin/sh
# Real recordings from ../shared/data (never copied into the repository): the
# text formats found in the wild open, their rates are found, and detect runs.
# Skipped (exit 77) when the folder is absent.
# SPDX-License-Identifier: BSD-3-Clause
DATA=${LTR_DATA_DIR:-}
. "$(dirname "$0")/common.sh" "$@"
[ -n "$DATA" ] && [ -d "$DATA" ] || { echo "no data folder: skipped"; exit 77; }

# kineticstoolkit: CSV with a time column in seconds (1925.9 Hz, times rounded to 10 us).
f="$DATA/kineticstoolkit-emg/emg_biceps_brachii.csv"
if [ -f "$f" ]; then
    expect_rc 0 "$LTR" info "$f"
    grep -q 'sample rate  192[0-9.]* Hz (from the time column)' out.txt || fail "kineticstoolkit rate: $(cat out.txt)"
    expect_rc 0 "$LTR" detect -q -o kin.tsv "$f"
    head -1 kin.tsv | grep -q '^onset	duration	trial_type' || fail "kineticstoolkit: no events table"
fi
# BioSPPy/OpenSignals text: rate and labels in '# ...:=' comments.
f="$DATA/biosppy/emg_1.txt"
if [ -f "$f" ]; then
    expect_rc 0 "$LTR" info "$f"
    grep -q 'sample rate  1000 Hz (from the comment)' out.txt || fail "biosppy rate: $(cat out.txt)"
    grep -q ' EMG ' out.txt || fail "biosppy label: $(cat out.txt)"
    expect_rc 0 "$LTR" detect -q -o bio.tsv "$f"
fi
# emggo: '# fs=2048 Hz' comment, 8 channels.
f="$DATA/emggo/ecg_contaminated.csv"
if [ -f "$f" ]; then
    expect_rc 0 "$LTR" detect -q --emg ch1,ch2 -o emggo.tsv "$f"
fi
echo "ok"
