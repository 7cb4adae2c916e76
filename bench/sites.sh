#!/bin/sh
# Needling sites (issue 11) on fresh simulated sessions: for each scenario (sites: needle
# EMG 10 kHz + accelerometer; sites_surface: surface EMG 2 kHz + accelerometer) and seed,
# detect without marks and with the device's marks (the truth's needle movements, the
# first of each bout an insertion), then score twitches and sites with ltr eval, pooled
# over the seeds. Prints the pooled reports. Deterministic: the same build gives the same
# numbers.
#
# usage: bench/sites.sh LTR [FIRST_SEED [N_SEEDS]]
# SPDX-License-Identifier: BSD-3-Clause
set -eu
[ $# -ge 1 ] || { echo "usage: $0 LTR [FIRST_SEED [N_SEEDS]]" >&2; exit 2; }
LTR=$1
FIRST=${2:-101}
N=${3:-5}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-sites.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
for sc in sites sites_surface; do
    for how in nomarks marks; do
        set --
        seed=$FIRST
        while [ "$seed" -lt $((FIRST + N)) ]; do
            rec="$WORK/${sc}_$seed"
            [ -f "$rec.flac" ] || "$LTR" simulate "$sc" --seed "$seed" -q -o "$rec.flac"
            if [ "$how" = marks ]; then
                awk -F'\t' 'BEGIN { OFS = "\t"; print "onset", "trial_type" }
                            NR > 1 && $3 == "needle" { print $1, ($9 == 1 ? "insertion" : "needle") }' \
                    "${rec}_events.tsv" >"$rec.marks.tsv"
                "$LTR" detect -q --marks "$rec.marks.tsv" -o "$rec.$how.tsv" "$rec.flac"
            else
                "$LTR" detect -q -o "$rec.$how.tsv" "$rec.flac"
            fi
            set -- "$@" "$rec.$how.tsv" "${rec}_events.tsv"
            seed=$((seed + 1))
        done
        echo "== $sc, $how, seeds $FIRST..$((FIRST + N - 1))"
        "$LTR" eval "$@" | sed -n '/^all /,$p'
    done
done
