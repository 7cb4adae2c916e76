#!/bin/sh
# A corpus of broken inputs and bad command lines: each gets its exit code and a
# message that says what is wrong (and where), and leaves no output behind.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

"$GEN" wav good.wav
"$GEN" flac good.flac
"$GEN" --channels 2 edf good.edf
"$GEN" raw-f32 good.f32

# Broken files, made here.
: > empty.wav
: > empty.csv
head -c 3000 good.wav > truncated.wav
head -c 3000 good.flac > truncated.flac
head -c 20000 good.edf > truncated.edf
printf 'hello, this is not an EDF header' > short.edf
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) printf "%c", int(rand() * 256) }' > garbage.wav
printf '\000\001\002\003binary\000\377' > garbage.bin
printf '# comment only\n\n' > comments.csv
printf 'time,emg\n0,1\n0.0005,2\n0.001,abc\n' > text.csv
printf 'time,emg\n0,1\n0.0005,2\n0.001,nan\n' > nan.csv
printf 'time,emg\n0,1\n0.0005,2\n0.001,\n' > emptyfield.csv
printf 'time,emg\n0,1\n0.0005,2\n0.001,3\n0.003,4\n' > gap.csv
printf 'time,emg\n0,1\n0.0005,2\n0.0004,3\n' > backwards.csv
printf 'emg\n1\n2\n3\n' > norate.csv
printf 'time,emg\n0,1\n0.0005,2\n0.001,3,4\n' > fields.csv
printf 'time,emg\n0,1\n1,2\n2,3\n' > slow.csv
head -c 4003 good.f32 > cut.f32
"$GEN" --channels 2 --edf-rates 2000,1000 edf mixed.edf

# case: exit code | message substring | ltr arguments
while IFS='|' read -r code message args; do
    [ -n "$code" ] || continue
    # shellcheck disable=SC2086
    expect_rc "$code" "$LTR" $args
    grep -q -- "$message" err.txt || fail "ltr $args: message '$message' expected, got: $(cat err.txt)"
done <<'CASES'
3|No such file or directory|detect missing.wav
3|is a directory|detect .
4|empty file|detect empty.wav
4|empty file|detect empty.csv
4|truncated: the header announces|detect truncated.wav
4|corrupt data|detect truncated.flac
4|not a valid EDF/BDF file|detect truncated.edf
4|not a valid EDF/BDF file|detect short.edf
4|not a readable audio file|detect garbage.wav
4|unknown format|detect garbage.bin
4|no data|detect comments.csv
4|fields.csv:4: 3 fields where the file has 2 columns|detect fields.csv
4|not a whole frame|detect --raw f32le --rate 2000 --channels 1 cut.f32
5|no channel 'foo' (the file has 1: 0=ch0)|detect --emg foo good.wav
5|no channel '7'|detect --acc 7 good.edf
5|chosen twice|detect --emg 0 --acc 0 good.edf
5|channel count|detect --raw f32le --rate 2000 --channels 0 good.f32
6|no sample rate|detect norate.csv
6|raw input needs its sample rate|detect --raw f32le --channels 1 good.f32
6|gap.csv:5: irregular sampling|detect gap.csv
6|backwards.csv:4: time 0.0004 does not increase|detect backwards.csv
6|outside what the detector supports|detect slow.csv
6|is the time column in seconds|detect slow.csv
6|outside what the detector supports|detect --rate 100000 --force-rate good.wav
6|its header says 2000 Hz, --rate says 1000 Hz|detect --rate 1000 good.wav
6|10.0 s would read as 20.0 s|detect --rate 1000 good.wav
6|--force-rate|detect --rate 1000 good.flac
6|its time column says 2000 Hz, --rate says 4000 Hz|detect --rate 4000 gap.csv
6|its header says 2000 Hz|batch -o outrate --rate 1000 good.wav
2|need --channels N|detect --raw f32le --rate 2000 good.f32
2|need --channels N|detect --rate 2000 good.f32
2|need --channels N|stream --raw s16le --rate 2000
6|not a sample rate|detect --rate abc good.wav
6|different sample rates|detect mixed.edf
7|text.csv:4: column 2 (emg): 'abc' is not a number|detect text.csv
7|nan.csv:4: column 2 (emg): 'nan' is not finite|detect nan.csv
7|emptyfield.csv:4: column 2 (emg): empty field|detect emptyfield.csv
2|unknown option '--bogus'|detect --bogus good.wav
2|needs a value|detect good.wav --rate
2|'abc' is not a number|detect --threshold-on abc good.wav
2|the detector refuses these settings|detect --threshold-off 20 good.wav
2|the detector refuses these settings|detect --emg-lowpass 5000 good.wav
2|is not 50, 60, 0 (off) or auto|detect --mains 55 good.wav
2|no input|detect
2|unknown command 'frobnicate'|frobnicate
8|cannot create|detect -o nodir/x.tsv good.wav
8|would overwrite an input|detect -o good.wav good.wav
3|No such file or directory|info missing.wav
4|empty file|info empty.wav
4|truncated|info truncated.wav
CASES

# --rate equal to the file's own rate (within 0.1 %) is accepted; --force-rate replaces it
# with a note, and the onsets follow the new time base (2.0 s at 2 kHz read at 4 kHz: 1.0 s).
expect_rc 0 "$LTR" detect -q --rate 2000 -o same.tsv good.wav
expect_rc 0 "$LTR" detect -q -o own.tsv good.wav
cmp -s same.tsv own.tsv || fail "--rate equal to the header's changed the events"
expect_rc 0 "$LTR" detect --rate 4000 --force-rate -o forced.tsv good.wav
grep -q 'force-rate: 4000 Hz replaces the 2000 Hz of its header' err.txt ||
    fail "--force-rate: no note: $(cat err.txt)"
check_onsets forced.tsv "1.0 2.25 3.5"

# NaN in text is accepted on request (and flagged by the detector).
expect_rc 0 "$LTR" detect -q --allow-nonfinite nan.csv

# A failed run leaves no output and no temporary file; an existing output is kept.
echo "old" > keep.tsv
expect_rc 7 "$LTR" detect -q -o keep.tsv text.csv
[ "$(cat keep.tsv)" = old ] || fail "a failed run replaced the existing output"
expect_rc 4 "$LTR" detect -q -o new.tsv truncated.wav
[ ! -e new.tsv ] || fail "a failed run left new.tsv"
ls | grep -q '\.tmp-' && fail "temporary files left: $(ls | grep tmp)"
echo "ok"
