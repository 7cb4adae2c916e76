#!/bin/sh
# The detector's accuracy on the recordings of data/, and the floors it must
# not fall below (the meson test `data_accuracy` runs this with --check).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: sh tests/data/accuracy.sh LTR [DATA_DIR] [MODE] [--device-options]
#   LTR       the ltr tool (e.g. build/cli/ltr)
#   DATA_DIR  default: the data/ next to tests/
#   MODE      --table (default)  per recording and pooled: ltr eval --table
#             --markdown         the same as a Markdown table (for README.md)
#             --json             the same as JSON
#             --compare          F1, sensitivity and PPV with no options beside those with
#                                the device options, per recording and pooled
#             --print-floors     the FLOORS block below, filled with today's values
#             --check            fail if a recording's F1 or sensitivity is under its floor
#   --device-options  run `ltr detect` with the options data/recordings.tsv gives each
#             recording (its channels and mains, as a device would be set up) instead of
#             none
#
# By default each recording is run through `ltr detect FILE` with no options, as a
# new user would: the channels and mains come from the recording's sidecar
# (data/NAME.json). With --device-options, through `ltr detect OPTIONS FILE`;
# everything else is default either way. Then scored with `ltr eval` against its
# _events.tsv (tolerance 50 ms). Everything is deterministic: the same build
# gives the same numbers on every run.

set -eu

# ---- FLOORS: begin ------------------------------------------------------------
# Columns: recording, F1 floor, sensitivity floor: rounded DOWN to 0.05 from what the detector
# achieved when they were set. After an improvement, replace this block with
# the output of:  sh tests/data/accuracy.sh build/cli/ltr --print-floors
# (never lower a floor to make a test pass without saying why in the commit).
FLOORS='
surface_basic    1.00  1.00
surface_acc      1.00  1.00
needle_10k       0.80  0.65
needle_60hz_20k  0.90  1.00
acc_only         0.80  0.80
mains_60hz       1.00  1.00
stim             0.90  0.85
heavy_needle     0.80  1.00
voluntary        0.90  0.85
low_snr          0.50  0.30
ecg_trunk        0.85  0.85
artifacts        1.00  1.00
'
# ---- FLOORS: end --------------------------------------------------------------

LTR=
DATA=
MODE=--table
HOW=none
while [ $# -gt 0 ]; do
    case $1 in
        --table | --markdown | --json | --compare | --print-floors | --check) MODE=$1 ;;
        --device-options) HOW=device ;;
        --no-options) HOW=none ;;
        -*) echo "accuracy.sh: unknown option $1" >&2; exit 2 ;;
        *) if [ -z "$LTR" ]; then LTR=$1; elif [ -z "$DATA" ]; then DATA=$1; else
               echo "accuracy.sh: too many arguments" >&2; exit 2; fi ;;
    esac
    shift
done
[ -n "$LTR" ] || { echo "usage: sh $0 LTR [DATA_DIR] [--table|--markdown|--json|--compare|--print-floors|--check] [--device-options]" >&2; exit 2; }
[ -n "$DATA" ] || DATA=$(cd "$(dirname "$0")/../../data" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-accuracy.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TAB=$(printf '\t')

# detect_all none|device: every recording into $WORK/<how>/<name>_detections.tsv.
detect_all() {
    mkdir -p "$WORK/$1"
    while IFS=$TAB read -r name file sim det; do
        case $name in '' | '#'*) continue ;; esac
        opts=
        [ "$1" = device ] && opts=$det
        # shellcheck disable=SC2086 # the options are a word list on purpose
        if ! "$LTR" detect -q $opts "$DATA/$file" -o "$WORK/$1/${name}_detections.tsv"; then
            echo "FAIL: $name: 'ltr detect $opts data/$file' failed" >&2
            exit 1
        fi
    done <"$DATA/recordings.tsv"
}

# eval_all none|device EVAL-OPTIONS...: ltr eval over every recording's detections.
eval_all() {
    how=$1
    shift
    while IFS=$TAB read -r name file sim det; do
        case $name in '' | '#'*) continue ;; esac
        set -- "$@" --name "$name" "$WORK/$how/${name}_detections.tsv" "$DATA/${file%.*}_events.tsv"
    done <"$DATA/recordings.tsv"
    "$LTR" eval "$@"
}

names=$(awk -F'\t' '$1 != "" && $1 !~ /^#/ { print $1 }' "$DATA/recordings.tsv" | tr '\n' ' ')

if [ "$MODE" = --compare ]; then
    detect_all none
    detect_all device
    eval_all none --table >"$WORK/none.txt"
    eval_all device --table >"$WORK/device.txt"
    # Columns of ltr eval --table: 1 name, 7 sensitivity, 8 PPV, 9 F1.
    echo "no options: 'ltr detect FILE'; device options: 'ltr detect OPTIONS FILE' (data/recordings.tsv)"
    awk 'NR == FNR { if (FNR > 1) { se[$1] = $7; ppv[$1] = $8; f1[$1] = $9 } next }
         FNR == 1 { printf "%-16s %26s   %26s\n", "", "------- no options --------", "----- device options ------"
                    printf "%-16s %8s %8s %8s   %8s %8s %8s   %s\n", "recording", "F1", "sens", "PPV",
                           "F1", "sens", "PPV", "same scores"
                    next }
         { printf "%-16s %8s %8s %8s   %8s %8s %8s   %s\n", $1, f1[$1], se[$1], ppv[$1], $9, $7, $8,
                  (f1[$1] == $9 && se[$1] == $7 && ppv[$1] == $8) ? "yes" : "NO" }' \
        "$WORK/none.txt" "$WORK/device.txt"
    exit 0
fi

detect_all "$HOW"
case $MODE in
    --table) eval_all "$HOW" --table; exit ;;
    --markdown) eval_all "$HOW" --markdown; exit ;;
    --json) eval_all "$HOW" --json; exit ;;
esac

# --print-floors and --check: F1 (column 9) and sensitivity (column 7) of each row.
eval_all "$HOW" --table >"$WORK/table.txt" || { echo "FAIL: ltr eval failed" >&2; exit 1; }

if [ "$MODE" = --print-floors ]; then
    echo "FLOORS='"
    awk 'NR > 1 && $1 != "all" {
        f1 = ($9 == "n/a") ? 0 : $9; se = ($7 == "n/a") ? 0 : $7
        printf "%-16s %.2f  %.2f\n", $1, int(f1 * 20 + 1e-9) / 20, int(se * 20 + 1e-9) / 20
    }' "$WORK/table.txt"
    echo "'"
    exit 0
fi

cat "$WORK/table.txt"
echo "$FLOORS" >"$WORK/floors.txt"
status=0
for name in $names; do
    grep -q "^$name " "$WORK/floors.txt" || {
        echo "FAIL: $name has no floor: add it (sh tests/data/accuracy.sh LTR --print-floors)" >&2
        status=1
    }
done
awk -v names="$names" '
    NR == FNR { if (NF == 3) { f1[$1] = $2; se[$1] = $3 } next }
    FNR > 1 && ($1 in f1) {
        seen[$1] = 1
        got_f1 = ($9 == "n/a") ? 0 : $9; got_se = ($7 == "n/a") ? 0 : $7
        if (got_f1 + 1e-9 < f1[$1]) { printf "FAIL: %s: F1 %.3f under its floor %.2f\n", $1, got_f1, f1[$1]; bad = 1 }
        if (got_se + 1e-9 < se[$1]) { printf "FAIL: %s: sensitivity %.3f under its floor %.2f\n", $1, got_se, se[$1]; bad = 1 }
        if (got_f1 >= f1[$1] + 0.05 || got_se >= se[$1] + 0.05)
            printf "note: %s is above its floors (F1 %.3f, sensitivity %.3f): they may be raised\n", $1, got_f1, got_se
    }
    END {
        for (n in f1) if (!(n in seen)) { printf "FAIL: floor for %s, which is not in data/recordings.tsv\n", n; bad = 1 }
        exit bad
    }' "$WORK/floors.txt" "$WORK/table.txt" >&2 || status=1
[ "$status" -eq 0 ] && echo "every recording at or above its floors"
exit "$status"
