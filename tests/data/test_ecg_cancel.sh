#!/bin/sh
# ECG cancelling (ltr_config.ecg_cancel, --ecg-cancel 1) end to end:
#  - on data/ecg_trunk no detection falls on a QRS complex (and on no true twitch), where
#    without it some do;
#  - the twitches it finds without cancelling are still found;
#  - a recording whose beats start right at the edge of the canceller's ring does not
#    crash it (surface_basic seed 102 read outside the ring before the fix).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: sh tests/data/test_ecg_cancel.sh LTR DATA_DIR

set -eu
LTR=$1
DATA=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-ecg.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

ecg_fp() { # the false positives that fell on an ECG element and on no true twitch (a
    # twitch dated beyond the tolerance that overlaps a QRS complex is not one the QRS made)
    "$LTR" eval --matches "$1" "$DATA/ecg_trunk_events.tsv" |
        sed -n '/false positives (s):/,$p' | grep -v 'a twitch' | grep -c 'ecg$' || true
}
tp() { "$LTR" eval "$1" "$DATA/ecg_trunk_events.tsv" | sed -n 's/^ *TP \([0-9]*\) .*/\1/p'; }

"$LTR" detect -q --ecg-cancel 0 "$DATA/ecg_trunk.flac" -o "$WORK/off.tsv"
"$LTR" detect -q --ecg-cancel 1 "$DATA/ecg_trunk.flac" -o "$WORK/on.tsv"
off=$(ecg_fp "$WORK/off.tsv"); on=$(ecg_fp "$WORK/on.tsv")
[ -n "$off" ] && [ -n "$on" ] || fail "no 'ecg' false-positive count in ltr eval's report"
[ "$off" -gt 0 ] || fail "without cancelling no detection falls on the ECG: the test shows nothing"
[ "$on" -eq 0 ] || fail "with --ecg-cancel 1, $on detections still fall on QRS complexes (without: $off)"
[ "$(tp "$WORK/on.tsv")" -ge "$(tp "$WORK/off.tsv")" ] ||
    fail "cancelling lost twitches: $(tp "$WORK/on.tsv") found, $(tp "$WORK/off.tsv") without"

"$LTR" simulate surface_basic --seed 102 -q -o "$WORK/sb102.flac"
"$LTR" detect -q --ecg-cancel 1 "$WORK/sb102.flac" -o "$WORK/sb102.tsv" ||
    fail "ltr detect --ecg-cancel 1 on surface_basic seed 102 exited $?"
echo "ECG cancelling: QRS detections $off -> $on on ecg_trunk; seed 102 runs"
