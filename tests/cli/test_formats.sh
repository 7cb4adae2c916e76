#!/bin/sh
# ltr detect finds the twitches of generated recordings in every input format,
# and writes every output format.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

WANT="2.0 4.5 7.0"

# Audio formats through libsndfile, float and integer.
"$GEN" wav sig.wav
"$GEN" wav16 sig16.wav
"$GEN" flac sig.flac
"$GEN" --rate 10000 wav fast.wav
for f in sig.wav sig16.wav sig.flac fast.wav; do
    expect_rc 0 "$LTR" detect -q -o "$f.tsv" "$f"
    check_onsets "$f.tsv" "$WANT"
done

# EDF+ and BDF+ through EDFlib: two channels, physical units (mV).
"$GEN" --channels 2 edf sig.edf
"$GEN" --channels 2 bdf sig.bdf
for f in sig.edf sig.bdf; do
    expect_rc 0 "$LTR" detect -q -o "$f.tsv" "$f"
    check_onsets "$f.tsv" "$WANT"
    grep -q 'EMG1,EMG2' "$f.tsv" || fail "$f: channel names from the EDF labels expected"
done
# One channel of a mixed-rate EDF, by name.
"$GEN" --channels 2 --edf-rates 2000,1000 edf mixed.edf
expect_rc 0 "$LTR" detect -q --emg EMG2 -o mixed.tsv mixed.edf
check_onsets mixed.tsv "$WANT"

# Text: a time column (rate derived), TSV, no header with --rate, standard input.
"$GEN" csv sig.csv
"$GEN" tsv sig.tsv
"$GEN" csv-notime notime.csv
expect_rc 0 "$LTR" detect -q -o csv.tsv sig.csv
check_onsets csv.tsv "$WANT"
expect_rc 0 "$LTR" detect -q -o tsv.tsv sig.tsv
check_onsets tsv.tsv "$WANT"
expect_rc 0 "$LTR" detect -q --rate 2000 -o notime.tsv notime.csv
check_onsets notime.tsv "$WANT"
expect_rc 0 "$LTR" detect -q --emg emg1 --input-format text -o stdin.tsv - < sig.csv
check_onsets stdin.tsv "$WANT"

# Raw samples, from a file and from standard input.
"$GEN" raw-f32 sig.f32
"$GEN" raw-s16 sig.s16
expect_rc 0 "$LTR" detect -q --raw f32le --rate 2000 --channels 1 -o f32.tsv sig.f32
check_onsets f32.tsv "$WANT"
expect_rc 0 "$LTR" detect -q --raw s16le --rate 2000 --channels 1 --gain 0.001 -o s16.tsv - < sig.s16
check_onsets s16.tsv "$WANT"

# The same twitches whatever the container: float WAV, CSV and raw f32 hold the same samples.
cmp sig.wav.tsv f32.tsv >/dev/null 2>&1 || {
    cut -f1-7 sig.wav.tsv > a.txt
    cut -f1-7 f32.tsv > b.txt
    cmp a.txt b.txt || fail "WAV and raw f32 of the same samples gave different events"
}

# Output formats: CSV, JSON Lines, the sidecar (valid JSON), several inputs with a source column.
expect_rc 0 "$LTR" detect -q --format csv -o ev.csv sig.wav
head -1 ev.csv | grep -q '^onset,duration,trial_type,peak,amplitude,snr_db,confidence,channels,flags,latency_ms,id$' ||
    fail "CSV header: $(head -1 ev.csv)"
[ "$(grep -c ',twitch,' ev.csv)" -eq 3 ] || fail "CSV: 3 twitch rows expected"
expect_rc 0 "$LTR" detect -q --format jsonl --sidecar -o ev.jsonl sig.wav
[ "$(grep -c '"trial_type":"twitch"' ev.jsonl)" -eq 3 ] || fail "JSONL: 3 twitch rows expected"
[ -f ev.json ] || fail "the sidecar ev.json is missing"
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json, sys
for line in open("ev.jsonl"):
    e = json.loads(line)
    assert set(e) >= {"onset", "duration", "trial_type", "peak", "amplitude", "snr_db", "confidence", "channels", "flags", "latency_ms", "id"}, e
d = json.load(open("ev.json"))
assert d["onset"]["Units"] == "s" and "twitch" in d["trial_type"]["Levels"], d
assert d["ltr_config"]["sample_rate_hz"] == 2000, d["ltr_config"]' || fail "JSON output does not parse or lacks keys"
fi
expect_rc 0 "$LTR" detect -q -o both.tsv sig.wav sig.edf
# BIDS: onset and duration first, the source column after them.
head -1 both.tsv | grep -q '^onset	duration	source	trial_type	' || fail "several inputs: onset, duration, then source expected"
[ "$(grep -c '	twitch	' both.tsv)" -eq 6 ] || fail "several inputs: 6 twitch rows expected"

# --outdir: one file per input, named after it; no temporary files left.
mkdir out
expect_rc 0 "$LTR" detect -q --outdir out sig.wav sig.edf
[ -f out/sig_events.tsv ] || fail "--outdir: out/sig_events.tsv missing"
ls out | grep -q tmp && fail "temporary files left in out/: $(ls out)"

# An output that is not a regular file (a FIFO, /dev/null) is written in place, never
# renamed over.
mkfifo out.fifo
cat out.fifo > from_fifo.tsv &
expect_rc 0 "$LTR" detect -q -o out.fifo sig.wav
wait
[ -p out.fifo ] || fail "the FIFO output was replaced"
check_onsets from_fifo.tsv "$WANT"

# Integer PCM states its full scale: twitches that reach it are flagged clipped.
"$GEN" --gain 200 --clip 1.0 wav16 clip.wav
expect_rc 0 "$LTR" detect -q -o clip.tsv clip.wav
[ "$(awk -F'\t' '$3 == "twitch" && $9 ~ /clipped/' clip.tsv | wc -l)" -eq 3 ] ||
    fail "3 clipped twitches expected: $(cat clip.tsv)"

# Detector settings are applied: an impossible threshold finds nothing.
expect_rc 0 "$LTR" detect -q --threshold-on 80 --threshold-off 70 -o none.tsv sig.wav
[ "$(onsets none.tsv | wc -l)" -eq 0 ] || fail "--threshold-on 80 should find no twitch"
echo "ok"
