#!/bin/sh
# End-to-end tests of `ltr simulate` and `ltr eval`: what the files hold,
# options that change them, scores of a hand-made case with a known answer,
# and the exit code and message of every kind of bad input.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: test_simulate_eval.sh LTR

set -eu
[ $# -eq 1 ] || { echo "usage: $0 LTR" >&2; exit 2; }
case $1 in /*) LTR=$1 ;; *) LTR=$(pwd)/$1 ;; esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-simeval-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_rc WANT CMD...: stdout to out.txt, stderr to err.txt, check the exit code.
expect_rc() {
    want=$1
    shift
    set +e
    "$@" >out.txt 2>err.txt
    rc=$?
    set -e
    if [ "$rc" -ne "$want" ]; then
        cat err.txt >&2
        fail "'$*' exited $rc, expected $want"
    fi
}

# expect_err TEXT: err.txt contains TEXT.
expect_err() {
    grep -qF -- "$1" err.txt || { cat err.txt >&2; fail "stderr lacks '$1'"; }
}

# json_field NAME FILE: the value of the first "NAME": in a one-line JSON object.
json_field() {
    grep -o "\"$1\": [^,}]*" "$2" | head -n 1 | sed 's/^[^:]*: //'
}

# --- ltr simulate ----------------------------------------------------------------

expect_rc 0 "$LTR" simulate --list
[ "$(wc -l <out.txt)" -ge 12 ] || fail "simulate --list lists $(wc -l <out.txt) scenarios"
grep -q '^needle_10k	' out.txt || fail "simulate --list lacks needle_10k"
expect_rc 0 "$LTR" simulate --help
grep -q -- '--seed N' out.txt && grep -q 'surface_basic' out.txt || fail "simulate --help"

# A short EMG + accelerometer recording, as FLAC and WAV: same truth, same rate and length.
expect_rc 0 "$LTR" simulate stim --duration 8 --rate 1000 --seed 3 --stim-trains 20 -o rec.flac
expect_rc 0 "$LTR" simulate stim --duration 8 --rate 1000 --seed 3 --stim-trains 20 -o rec.wav
[ -s rec.flac ] && [ -s rec.wav ] && [ -s rec_events.tsv ] && [ -s rec.json ] || fail "outputs missing"
head -n 1 rec_events.tsv | grep -q '^onset	duration	trial_type	' || fail "events.tsv header"
expect_rc 0 "$LTR" info rec.flac
grep -q 'channels *4' out.txt || fail "rec.flac: not 4 channels"
grep -q '1000 Hz' out.txt || fail "rec.flac: not 1000 Hz"
grep -q '8.000 s' out.txt || fail "rec.flac: not 8 s"
grep -q '"SamplingFrequency": 1000,' rec.json || fail "sidecar: SamplingFrequency"
grep -q '"seed": 3,' rec.json || fail "sidecar: seed"
grep -q '"name": "acc_z", "type": "ACC", "units": "g"' rec.json || fail "sidecar: channels"
grep -q '"stim_trains_per_min": 20,' rec.json || fail "sidecar: the option's value"
awk -F'\t' 'NR > 1 && $3 == "stim"' rec_events.tsv | grep -q . || fail "no stim train in the truth"

# Same options, same bytes; another seed, other bytes.
expect_rc 0 "$LTR" simulate stim --duration 8 --rate 1000 --seed 3 --stim-trains 20 -q -o again.flac
cmp -s rec.flac again.flac || fail "the same command wrote different FLAC"
expect_rc 0 "$LTR" simulate stim --duration 8 --rate 1000 --seed 4 --stim-trains 20 -q -o other.flac
cmp -s rec.flac other.flac && fail "seed 4 wrote the same FLAC as seed 3"

# Options reach the simulator: 60 Hz mains is what `ltr info` finds; channels.
expect_rc 0 "$LTR" simulate default --duration 4 --mains 60 --mains-uv 200 --emg 2 --acc Y -q -o m.flac
expect_rc 0 "$LTR" info m.flac
grep -q 'channels *5' out.txt || fail "--emg 2 --acc Y: not 5 channels"
grep -q '^mains *60 Hz' out.txt || fail "--mains 60: ltr info does not find 60 Hz"
# A BIDS "_emg" name: the truth drops the suffix, the sidecar keeps it.
expect_rc 0 "$LTR" simulate surface_basic --duration 3 -q -o sub-01_emg.wav
[ -f sub-01_events.tsv ] && [ -f sub-01_emg.json ] || fail "BIDS names"

# Refusals: nothing is left behind.
expect_rc 2 "$LTR" simulate surface_basic
expect_err "no output"
expect_rc 2 "$LTR" simulate no_such_scenario -o x.flac
expect_err "no scenario 'no_such_scenario'"
expect_rc 2 "$LTR" simulate surface_basic -o x.edf
expect_err "EDF"
expect_rc 2 "$LTR" simulate surface_basic -o x.mp3
expect_rc 2 "$LTR" simulate artifacts -o x.flac
expect_err "NaN"
expect_rc 6 "$LTR" simulate surface_basic --rate 100 -o x.wav
expect_rc 6 "$LTR" simulate surface_basic --rate 1000.5 -o x.wav
expect_rc 5 "$LTR" simulate surface_basic --emg 0 -o x.wav
expect_rc 2 "$LTR" simulate surface_basic --ltr-snr 9:3 -o x.wav
expect_rc 2 "$LTR" simulate surface_basic --mains 55 -o x.wav
expect_rc 2 "$LTR" simulate surface_basic --without nothing -o x.wav
expect_rc 2 "$LTR" simulate surface_basic --ltr-probability 1.5 -o x.wav
expect_err "ltr_probability"
expect_rc 8 "$LTR" simulate surface_basic --duration 1 -o no/such/dir/x.wav
ls x* no 2>/dev/null | grep -q . && fail "a refused simulate left files: $(ls x* 2>/dev/null)"

# --- ltr eval: a hand-made case with a known answer -------------------------------

T=$(printf '\t')
{
    echo "onset${T}duration${T}trial_type"
    echo "1.000${T}0.100${T}ltr"
    echo "2.000${T}0.100${T}ltr"
    echo "3.000${T}0.100${T}ltr"
    echo "5.000${T}0.500${T}needle"
    echo "8.000${T}3.000${T}voluntary"
} >truth.tsv
# As ltr detect writes them (begin and artifact rows are not detections):
# 1.010 matches 1.000 (+10 ms, latency 20 ms); 2.200 is 200 ms late (a false
# positive within 50 ms, a match within 250 ms); 5.100 falls on the needle
# movement, 9.000 on the voluntary contraction; 3.000 is missed.
{
    echo "onset${T}duration${T}trial_type${T}peak${T}amplitude${T}snr_db${T}confidence${T}channels${T}flags${T}latency_ms${T}id"
    echo "1.010${T}n/a${T}twitch_begin${T}n/a${T}n/a${T}n/a${T}n/a${T}0${T}n/a${T}20.0${T}1"
    echo "1.010${T}0.080${T}twitch${T}1.03${T}0.1${T}12${T}0.8${T}0${T}emg${T}20.0${T}1"
    echo "2.200${T}0.050${T}twitch${T}2.21${T}0.1${T}9${T}0.5${T}0${T}emg${T}30.0${T}2"
    echo "3.000${T}0.002${T}artifact${T}3.0${T}5${T}n/a${T}n/a${T}0${T}spike${T}n/a${T}n/a"
    echo "5.100${T}0.060${T}twitch${T}5.12${T}0.1${T}9${T}0.5${T}0${T}emg${T}n/a${T}3"
    echo "9.000${T}0.200${T}twitch${T}9.1${T}0.1${T}9${T}0.5${T}0${T}emg${T}25.0${T}4"
} >det.tsv

expect_rc 0 "$LTR" eval --json det.tsv truth.tsv
[ "$(json_field n_truth out.txt)" = 3 ] || fail "eval: n_truth $(json_field n_truth out.txt)"
[ "$(json_field n_detections out.txt)" = 4 ] || fail "eval: n_detections"
[ "$(json_field tp out.txt)" = 1 ] && [ "$(json_field fp out.txt)" = 3 ] &&
    [ "$(json_field fn out.txt)" = 2 ] || fail "eval: TP/FP/FN: $(cat out.txt)"
[ "$(json_field onset_error_median_s out.txt)" = 0.01 ] || fail "eval: onset error"
# latency = detected onset + latency_ms - true onset = 1.010 + 0.020 - 1.000
[ "$(json_field latency_median_s out.txt)" = 0.03 ] || fail "eval: latency"
grep -q '"needle": {"total": 1, "fp": 1, "hit": 1}' out.txt || fail "eval: needle FP"
grep -q '"voluntary": {"total": 1, "fp": 1, "hit": 1}' out.txt || fail "eval: voluntary FP"

expect_rc 0 "$LTR" eval --tolerance-ms 250 --json det.tsv truth.tsv
[ "$(json_field tp out.txt)" = 2 ] || fail "eval --tolerance-ms 250: TP $(json_field tp out.txt)"

expect_rc 0 "$LTR" eval --matches det.tsv truth.tsv
grep -q 'sensitivity 0.333  PPV 0.250  F1 0.286' out.txt || fail "eval text: $(cat out.txt)"
grep -q '3.0000  missed' out.txt || fail "eval --matches: the miss"
grep -q '5.1000  needle' out.txt || fail "eval --matches: what a false positive fell on"

# Comma-separated, quoted fields; a source column with two recordings.
{
    echo 'source,onset,duration,trial_type,channels,latency_ms'
    echo 'a.flac,1.005,0.1,twitch,"emg0,acc_x",15'
    echo 'b.flac,7.000,0.1,twitch,"emg0",15'
} >det.csv
expect_rc 2 "$LTR" eval det.csv truth.tsv
expect_err "--source"
expect_rc 0 "$LTR" eval --source a.flac --json det.csv truth.tsv
[ "$(json_field tp out.txt)" = 1 ] && [ "$(json_field fp out.txt)" = 0 ] || fail "eval csv --source"

# Several pairs: a row each and a pooled row.
expect_rc 0 "$LTR" eval --table det.tsv truth.tsv det.tsv truth.tsv
grep -q '^truth ' out.txt && grep -q '^all  .*  *6  *8  *2  *6  *4 ' out.txt || fail "eval pooled: $(cat out.txt)"
expect_rc 0 "$LTR" eval --markdown --name one det.tsv truth.tsv
grep -q '^| one | 3 | 4 | 1 | 3 | 2 |' out.txt || fail "eval --markdown: $(cat out.txt)"

# Bad inputs: exit code, file and line.
expect_rc 2 "$LTR" eval det.tsv
expect_rc 2 "$LTR" eval --tolerance-ms -5 det.tsv truth.tsv
expect_rc 3 "$LTR" eval missing.tsv truth.tsv
expect_err "missing.tsv"
: >empty.tsv
expect_rc 4 "$LTR" eval empty.tsv truth.tsv
expect_err "empty"
printf 'start\tstop\n1\t2\n' >noonset.tsv
expect_rc 4 "$LTR" eval det.tsv noonset.tsv
expect_err "noonset.tsv:1: no 'onset' column"
echo '{"onset": 1.0, "duration": 0.1, "trial_type": "twitch"}' >det.jsonl
expect_rc 4 "$LTR" eval det.jsonl truth.tsv
expect_err "det.jsonl:1: JSON is not read"
printf 'onset\tduration\ttrial_type\n1.0\t0.1\tltr\n2.0\t0.1\n' >short.tsv
expect_rc 4 "$LTR" eval det.tsv short.tsv
expect_err "short.tsv:3: too few fields"
printf 'onset\tduration\ttrial_type\n1.0\t0.1\tltr\n\n# a comment\nsoon\t0.1\tltr\n' >text.tsv
expect_rc 7 "$LTR" eval det.tsv text.tsv
expect_err "text.tsv:5: onset 'soon' is not a number"
printf 'onset\tduration\ttrial_type\n1.0\t-0.1\tltr\n' >neg.tsv
expect_rc 7 "$LTR" eval det.tsv neg.tsv
expect_err "neg.tsv:2: duration"
expect_rc 8 "$LTR" eval -o no/such/dir/report.txt det.tsv truth.tsv
# Arguments the wrong way round still score, with a warning.
expect_rc 0 "$LTR" eval truth.tsv det.tsv
expect_err "looks like detections"

echo "ltr simulate and ltr eval: all checks passed"
