#!/bin/sh
# `ltr analyze` and the quality index of `ltr info`, end to end, on data/ (the
# project's simulated recordings) and, when present, ../shared/data.
# usage: test_analyze.sh LTR SOURCE_ROOT   (LTR_DATA_DIR: the shared data folder)
# SPDX-License-Identifier: GPL-2.0-or-later
set -eu
case $1 in /*) LTR=$1 ;; *) LTR=$(pwd)/$1 ;; esac
SRC=$2
DATA=${LTR_DATA_DIR:-}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-analyze-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
fail() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() {
    want=$1; shift
    set +e; "$@" >out.txt 2>err.txt; rc=$?; set -e
    [ "$rc" -eq "$want" ] || { cat err.txt >&2; fail "$* exited $rc, expected $want"; }
}
col() { # col FILE NAME: the values of column NAME (header row excluded)
    awk -F '\t' -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next }
                              c { print $c }' "$1"
}

# 1. Detected twitches: one row each, the features filled in, groups 0..2.
f=$SRC/data/surface_basic.flac
expect_rc 0 "$LTR" analyze -d "$WORK" "$f"
[ -f surface_basic_features.tsv ] && [ -f surface_basic_features.json ] && [ -f surface_basic_quality.tsv ] ||
    fail "outputs missing: $(ls)"
expect_rc 0 "$LTR" detect -q -o det.tsv "$f"
want=$(col det.tsv trial_type | grep -c '^twitch$')
got=$(($(wc -l < surface_basic_features.tsv) - 1))
[ "$want" -gt 0 ] && [ "$got" -eq "$want" ] || fail "$got feature rows for $want detected twitches"
awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "onset") o = i; if ($i == "trial_type") t = i }; next }
              $t == "twitch" { printf "%.4f\n", $o }' det.tsv > det_onsets.txt
[ "$(col surface_basic_features.tsv onset)" = "$(cat det_onsets.txt)" ] ||
    fail "feature onsets differ from the detector's: $(col surface_basic_features.tsv onset) vs $(cat det_onsets.txt)"
for m in $(col surface_basic_features.tsv median_freq_hz); do
    awk -v m="$m" 'BEGIN { exit !(m >= 10 && m <= 450) }' || fail "median frequency $m outside 10-450 Hz"
done
col surface_basic_features.tsv cluster | sort -u | grep -qv '^[012]$' && fail "cluster not in 0..2"
for c in onset duration median_freq_hz mean_freq_hz band_power_10_50_hz half_energy_ms cluster; do
    grep -q "\"$c\": {\"Description\"" surface_basic_features.json || fail "sidecar lacks $c"
done
grep -q '"habituation"' surface_basic_features.json || fail "no habituation fit in the sidecar"
# A valid JSON document (meson needs Python 3, so it is there).
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' surface_basic_features.json ||
        fail "the sidecar is not valid JSON"
fi
[ "$(col surface_basic_quality.tsv scope | sort -u | tr '\n' ' ')" = "recording window " ] ||
    fail "quality.tsv scopes: $(col surface_basic_quality.tsv scope)"

# 2. Given twitches (the simulator's truth: trial_type 'ltr'): one row each, no detector values.
expect_rc 0 "$LTR" analyze -q -d "$WORK" --events "$SRC/data/surface_basic_events.tsv" "$f"
want=$(col "$SRC/data/surface_basic_events.tsv" trial_type | grep -c '^ltr$')
got=$(($(wc -l < surface_basic_features.tsv) - 1))
[ "$got" -eq "$want" ] || fail "--events: $got rows for $want true twitches"
[ "$(col surface_basic_features.tsv amplitude | sort -u)" = "n/a" ] || fail "--events: amplitude should be n/a"
[ -s out.txt ] && fail "-q printed: $(cat out.txt)"

# 3. The 60 Hz recording: its mains found at 60 Hz and flagged.
expect_rc 0 "$LTR" analyze -d "$WORK" "$SRC/data/mains_60hz.flac"
awk -F '\t' '$1 == "recording" { exit !($8 > 59.5 && $8 < 60.5 && $17 ~ /mains/) }' mains_60hz_quality.tsv ||
    fail "60 Hz not found or not flagged: $(cat mains_60hz_quality.tsv)"
grep -q 'warning: mains hum' out.txt || fail "no plain-language mains warning: $(cat out.txt)"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys; json.load(open(sys.argv[1]))' mains_60hz_features.json ||
        fail "the mains_60hz sidecar is not valid JSON"
fi

# 4. NaN, clipping, flat stretches: flagged on the channels that have them.
expect_rc 0 "$LTR" analyze -q -d "$WORK" "$SRC/data/artifacts.wav"
awk -F '\t' '$1 == "recording" && $2 == "emg0" { exit !($17 ~ /nonfinite/ && $17 ~ /clipped/) }' \
    artifacts_quality.tsv || fail "artifacts.wav: $(cat artifacts_quality.tsv)"

# 5. Errors are clear.
expect_rc 3 "$LTR" analyze -d "$WORK" --events "$WORK/none.tsv" "$f"
grep -q 'none.tsv' err.txt || fail "missing events file not named: $(cat err.txt)"
printf 'a\tb\n1\t2\n' > bad.tsv
expect_rc 4 "$LTR" analyze -d "$WORK" --events bad.tsv "$f"
expect_rc 2 "$LTR" analyze --clusters 99 "$f"
expect_rc 0 "$LTR" analyze --help
grep -q 'GPL-2.0-or-later' out.txt || fail "--help does not state the license"
expect_rc 0 "$LTR" --version
grep -q '^License: GPL-2.0-or-later' out.txt || fail "--version does not state the license: $(cat out.txt)"

# 6. ltr info: a quality index and the flagged channels on every recording that opens.
n=0
for r in "$SRC"/data/*.flac "$SRC"/data/*.wav; do
    expect_rc 0 "$LTR" info "$r"
    grep -Eq '^quality      (flagged: |no channel flagged)' out.txt || fail "ltr info $r: no quality line"
    n=$((n + 1))
done
"$LTR" info "$SRC/data/mains_60hz.flac" | grep -q '^quality      flagged: ch0 (mains' ||
    fail "ltr info does not flag the 60 Hz channel"

# 7. ltr batch copies each channel's quality warnings into summary.tsv's warnings.
mkdir batch_in
cp "$SRC/data/mains_60hz.flac" "$SRC/data/mains_60hz.json" batch_in/
expect_rc 0 "$LTR" batch batch_in -o batch_out
awk -F '\t' 'NR > 1 && $1 ~ /mains_60hz/ { found = ($6 ~ /quality emg0: mains/) } END { exit !found }' \
    batch_out/summary.tsv || fail "batch summary lacks the quality warning: $(cat batch_out/summary.tsv)"
if [ -n "$DATA" ] && [ -d "$DATA" ]; then
    for r in $(find "$DATA" -type f \( -name '*.csv' -o -name '*.txt' -o -name '*.edf' -o -name '*.bdf' \
               -o -name '*.wav' -o -name '*.flac' \) | sort); do
        set +e; "$LTR" info "$r" >out.txt 2>err.txt; rc=$?; set -e
        [ "$rc" -eq 0 ] || continue # not a recording libltr-io opens (a README, a features table)
        grep -Eq '^quality      (flagged: |no channel flagged)' out.txt || fail "ltr info $r: no quality line"
        n=$((n + 1))
    done
fi
echo "ok: $n recordings with a quality index"
