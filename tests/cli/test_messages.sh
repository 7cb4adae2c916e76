#!/bin/sh
# Messages that help, and no silent nothing (issue 8.4 and 8.5): the input
# option is named in hints, --format says what it takes, a full disk names the
# output and the system's reason, a WAV at 0 Hz or with no frames says so, a
# recording shorter than the warm-up is reported (stderr, batch warnings) and
# ltr stream frees everything when its output fails at once (run this test
# under ASan with detect_leaks=1 to hold it to that).
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

# expect CODE MESSAGE CMD...: exit code and a message on stderr (fixed string).
expect() {
    code=$1
    message=$2
    shift 2
    expect_rc "$code" "$@"
    grep -qF -- "$message" err.txt || fail "'$*': message '$message' expected, got: $(cat err.txt)"
    if grep -q 'Sanitizer' err.txt; then fail "'$*': $(cat err.txt)"; fi
}

# le16 N / le32 N: little-endian bytes, for a WAV header made here.
le16() { printf "\\$(printf %03o $(($1 & 255)))\\$(printf %03o $(($1 >> 8 & 255)))"; }
le32() { le16 $(($1 & 65535)); le16 $(($1 >> 16 & 65535)); }
# wav FILE RATE CHANNELS FRAMES: 16-bit PCM, silent.
wav() {
    bytes=$(($4 * $3 * 2))
    {
        printf 'RIFF'; le32 $((36 + bytes)); printf 'WAVEfmt '; le32 16
        le16 1; le16 "$3"; le32 "$2"; le32 $(($2 * $3 * 2)); le16 $(($3 * 2)); le16 16
        printf 'data'; le32 "$bytes"
        head -c "$bytes" /dev/zero
    } > "$1"
}

"$GEN" wav good.wav
printf '\000\001\002\003binary\000\377' > garbage.bin

# --- hints name the input option (--input-format), not the output's (--format) ---
expect 4 "garbage.bin: unknown format (not audio, EDF/BDF or text); name it with --input-format" \
    "$LTR" detect garbage.bin
grep -q -- '--format ' err.txt && fail "a hint names --format: $(cat err.txt)"
expect 2 "the format of a stream must be given (--raw f32le|s16le or --input-format text)" \
    sh -c "'$LTR' detect - < good.wav"
# --input-format text works on standard input.
printf 'time,emg\n0,1\n0.0005,2\n0.001,3\n' > tiny.csv
expect_rc 0 sh -c "'$LTR' detect -q --input-format text - < tiny.csv"

# --- --format is the events' format: a clear word on an input format or a typo ----
expect 2 "--format is the format of the events written: tsv (default), csv, mne or jsonl; 'text' is an input format: --input-format text" \
    "$LTR" detect --format text good.wav
expect 2 "--format: 'xml' is not tsv, csv, mne or jsonl" "$LTR" detect --format xml good.wav
expect 2 "--format is the format of the events written: tsv (default), csv or jsonl; 'text' is an input format: --input-format text" \
    "$LTR" stream --format text good.wav
expect 2 "--format: 'xml' is not tsv, csv or jsonl" "$LTR" stream --format xml good.wav
expect 2 "--format mne (MNE's annotation text) is for ltr detect" "$LTR" stream --format mne good.wav
expect 2 "'edf' is an input format: --input-format edf" "$LTR" batch --format edf -o out good.wav

# --- a full disk names the output and the reason ----------------------------------
if [ -w /dev/full ]; then
    # Enough rows that they fill stdio's buffer while the run goes on.
    "$GEN" --duration 120 --bursts "$(seq -s, 2 2 118)" wav many.wav
    expect 8 "ltr detect: /dev/full: cannot write the events: No space left on device" \
        "$LTR" detect -q -o /dev/full many.wav
    expect 8 "ltr detect: standard output: cannot write the events: No space left on device" \
        sh -c "'$LTR' detect -q many.wav > /dev/full"
    expect 8 "ltr detect: /dev/full: cannot write: No space left on device" \
        "$LTR" detect -q -o /dev/full good.wav
    # ltr stream when standard output fails at once (the header): the message, exit 8,
    # and (under ASan) no leak of its event writer.
    expect 8 "ltr stream: standard output: cannot write the events: No space left on device" \
        sh -c "'$LTR' stream good.wav > /dev/full"
    expect 8 "ltr stream: standard output: cannot write the events: No space left on device" \
        sh -c "'$LTR' stream many.wav > /dev/full"
else
    echo "skip: no /dev/full"
fi

# --- WAV headers libsndfile refuses without a useful word --------------------------
wav rate0.wav 0 1 100
wav chan0.wav 2000 0 100
expect 4 "rate0.wav: not a valid WAV file: its header (fmt chunk) gives a sample rate of 0 Hz" \
    "$LTR" detect rate0.wav
grep -q 'SF_INFO' err.txt && fail "libsndfile's internal message: $(cat err.txt)"
expect 4 "chan0.wav: not a valid WAV file: its header (fmt chunk) gives 0 channels" \
    "$LTR" detect chan0.wav

# --- no samples is an error, like an empty CSV --------------------------------------
wav empty.wav 2000 1 0
expect 4 "empty.wav: no samples (the file holds 0 frames)" "$LTR" detect empty.wav
expect 4 "empty.wav: no samples" "$LTR" info empty.wav
expect 4 "standard input: no samples (0 frames)" \
    sh -c "'$LTR' detect --raw f32le --rate 2000 --channels 1 - < /dev/null"
expect 4 "standard input: no samples (0 frames)" \
    sh -c "'$LTR' stream --raw f32le --rate 2000 --channels 1 < /dev/null"
mkdir in
cp empty.wav good.wav in/
expect_rc 9 "$LTR" batch -o out in
awk -F'\t' '$1 == "in/empty.wav" && $2 == "failed" && $8 == 4 && index($9, "no samples") { ok = 1 } END { exit !ok }' out/summary.tsv ||
    fail "batch: the empty WAV: $(grep empty out/summary.tsv)"

# --- shorter than the warm-up: exit 0, but said (one 0.15 s MEP trial) -------------
"$GEN" --duration 0.15 --bursts 0.05 wav trial.wav
warn="trial.wav: 0.15 s is too short for the detector's warm-up (0.8 s: 0.5 s finding the mains, --mains, then 0.3 s learning the background, --warmup): it was not searched for twitches"
expect 0 "ltr detect: warning: $warn" "$LTR" detect -q trial.wav
expect 0 "ltr stream: warning: $warn" "$LTR" stream trial.wav
# The warm-up is --warmup (after the mains search unless --mains is given): 100 ms fits
# in the trial, 1 s does not fit in 0.5 s; a long enough recording has no warning.
expect_rc 0 "$LTR" detect -q --mains 50 --warmup 100 trial.wav
grep -q 'not searched' err.txt && fail "--warmup 100 on 0.15 s: $(cat err.txt)"
"$GEN" --duration 0.5 --bursts 0.2 wav half.wav
expect 0 "half.wav: 0.5 s is too short for the detector's warm-up (1 s learning the background" \
    "$LTR" detect -q --mains 0 --warmup 1000 half.wav
expect_rc 0 "$LTR" detect -q good.wav
grep -q 'not searched' err.txt && fail "a 10 s recording was reported as not searched"
rm -rf in out
mkdir in
cp trial.wav good.wav in/
expect_rc 0 "$LTR" batch -o out in
awk -F'\t' '$1 == "in/trial.wav" && $2 == "ok" && index($6, "too short for the detector'"'"'s warm-up") { ok = 1 } END { exit !ok }' out/summary.tsv ||
    fail "batch: no warning for the short trial: $(grep trial out/summary.tsv)"
awk -F'\t' '$1 == "in/good.wav" && index($6, "warm-up") { bad = 1 } END { exit bad }' out/summary.tsv ||
    fail "batch: a warm-up warning on a 10 s recording: $(grep good out/summary.tsv)"
echo "ok"
