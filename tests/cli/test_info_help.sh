#!/bin/sh
# ltr info reports what a recording holds; --help, --version and the man page
# cover every subcommand and every detector setting.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

# A 16-bit WAV with 50 Hz hum and clipping at full scale; a 60 Hz EDF.
"$GEN" --hum 50 --hum-amp 0.05 --gain 200 --clip 1.0 wav16 hum50.wav
"$GEN" --channels 2 --hum 60 --hum-amp 0.05 edf hum60.edf
"$GEN" csv clean.csv

expect_rc 0 "$LTR" info hum50.wav
grep -q 'Signed 16 bit PCM' out.txt || fail "info: format: $(cat out.txt)"
grep -q 'sample rate  2000 Hz (from the header)' out.txt || fail "info: rate"
grep -q 'duration     10.000 s (20000 frames)' out.txt || fail "info: duration"
grep -q '^mains        50 Hz' out.txt || fail "info: 50 Hz mains expected: $(cat out.txt)"
awk '$2 == "ch0" { sub("%", "", $7); exit !($7 > 0.1) }' out.txt || fail "info: clipping expected: $(cat out.txt)"

expect_rc 0 "$LTR" info hum60.edf
grep -q '^mains        60 Hz' out.txt || fail "info: 60 Hz mains expected: $(cat out.txt)"
grep -q 'EMG2 *mV' out.txt || fail "info: EDF labels and units: $(cat out.txt)"

expect_rc 0 "$LTR" info clean.csv
grep -q 'from the time column' out.txt || fail "info: rate from the time column"
grep -q 'no 50/60 Hz line' out.txt || fail "info: no mains expected: $(cat out.txt)"
awk '$2 == "emg1" { exit !($8 > 0.005 && $8 < 0.02) }' out.txt || fail "info: noise floor near 0.01: $(cat out.txt)"

# --mains auto picks the line info found.
expect_rc 0 "$LTR" batch --mains auto -o auto hum60.edf
grep -q 'mains auto: 60 Hz' auto/summary.tsv || fail "--mains auto: $(cat auto/summary.tsv)"

# Help and version.
expect_rc 0 "$LTR" --help
for cmd in detect batch stream info; do
    grep -q "^  $cmd " out.txt || fail "ltr --help does not list $cmd"
done
grep -q '^  9  batch' out.txt || fail "ltr --help does not list the exit codes"
expect_rc 0 "$LTR" --version
grep -q '^ltr [0-9]' out.txt || fail "--version: $(cat out.txt)"
expect_rc 2 "$LTR"
for cmd in detect batch stream info; do
    expect_rc 0 "$LTR" "$cmd" --help
    grep -q "^usage: ltr $cmd" out.txt || fail "ltr $cmd --help"
done
# Every ltr_config field is an option, with its default shown.
expect_rc 0 "$LTR" detect --help
for opt in emg-highpass emg-lowpass acc-highpass acc-lowpass mains mains-harmonics notch-width \
    envelope emg-smoothing acc-smoothing threshold-on threshold-off threshold-spread confirm \
    min-duration max-duration gap refractory floor-rise floor-fall warmup fusion-window \
    spike-threshold stim-blank needle-blank clip-level dropout acc-min-duration ecg-cancel acc-confirms rate emg acc; do
    grep -q -- "--$opt " out.txt || fail "detect --help lacks --$opt"
done
grep -q -- '--emg-lowpass HZ .*(450 at 1 kHz, 2000 at 10 kHz)' out.txt || fail "rate-dependent default not shown"
grep -q -- '--threshold-on DB .*(12)' out.txt || fail "default of --threshold-on not shown"

# No field of ltr_config is left out: as many detector options as fields (the stream's
# rate, channel count and sensors are --rate, --emg/--acc), and every field in the sidecar.
HEADER=$(dirname "$0")/../../include/ltr/ltr.h
fields=$(sed -n '/^typedef struct ltr_config {/,/^} ltr_config;/p' "$HEADER" |
    sed -n 's/^ *\(double\|unsigned\|ltr_envelope\|ltr_sensor\) \([a-z_0-9]*\).*;.*/\2/p' |
    grep -v -e '^sample_rate_hz$' -e '^n_channels$' -e '^sensors$')
n_fields=$(echo "$fields" | wc -l)
n_options=$(sed -n '/^Detector settings/,$p' out.txt | grep -c '^      --')
[ "$n_fields" -eq "$n_options" ] || fail "ltr_config has $n_fields settings, ltr detect --help $n_options options"
"$GEN" wav side.wav
expect_rc 0 "$LTR" detect -q --sidecar -o side.tsv side.wav
for f in $fields; do
    grep -q "\"$f\":" side.json || fail "the sidecar lacks ltr_config.$f"
done
echo "ok"
