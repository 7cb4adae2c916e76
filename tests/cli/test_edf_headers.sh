#!/bin/sh
# Broken EDF/BDF headers (issue 8.4): each is refused with the documented exit
# code and a message that names the file, the field, its value (and its bytes),
# never EDFlib's bare "error -3".
#
# A valid one-signal EDF is written here field by field (EDF spec, Kemp et al.
# 1992), then each case copies it and breaks one field with dd.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

# field OFFSET WIDTH VALUE FILE: write VALUE, space-padded to WIDTH, at byte OFFSET.
field() {
    printf "%-$2s" "$3" | dd of="$4" bs=1 seek="$1" conv=notrunc 2>/dev/null
}

# The header: 256 bytes, then one signal header of 256 bytes; 3 one-second data
# records of 2000 16-bit samples (testgen's noise, as raw s16le).
head -c 512 /dev/zero | tr '\0' ' ' > good.edf
field 0 8 "0" good.edf
field 8 80 "X X X X" good.edf
field 88 80 "Startdate X X X X" good.edf
field 168 8 "01.02.26" good.edf
field 176 8 "10.30.00" good.edf
field 184 8 "512" good.edf
field 236 8 "3" good.edf
field 244 8 "1" good.edf
field 252 4 "1" good.edf
field 256 16 "EMG" good.edf
field 352 8 "uV" good.edf      # physical dimension: 256 + 96 * ns
field 360 8 "-1000" good.edf   # physical minimum:   256 + 104 * ns
field 368 8 "1000" good.edf    # physical maximum
field 376 8 "-32768" good.edf  # digital minimum
field 384 8 "32767" good.edf   # digital maximum
field 472 8 "2000" good.edf    # samples per data record: 256 + 216 * ns
"$GEN" --duration 3 --rms 0.1 raw-s16 data.s16
cat data.s16 >> good.edf
[ "$(wc -c < good.edf)" -eq 12512 ] || fail "the crafted EDF is $(wc -c < good.edf) bytes, not 12512"
expect_rc 0 "$LTR" detect -q good.edf
expect_rc 0 "$LTR" info good.edf

# broken NAME OFFSET WIDTH VALUE: good.edf with one field changed.
broken() {
    cp good.edf "$1.edf"
    field "$2" "$3" "$4" "$1.edf"
}
broken records_negative 236 8 "-5"
broken records_zero 236 8 "0"
broken records_unfinished 236 8 "-1"
broken records_text 236 8 "three"
broken records_more 236 8 "4"
broken records_fewer 236 8 "2"
broken samples_huge 472 8 "99999999"
broken samples_zero 472 8 "0"
broken duration_zero 244 8 "0"
broken duration_text 244 8 "1s"
broken duration_negative 244 8 "-1"
broken signals_zero 252 4 "0"
broken signals_text 252 4 "one"
broken signals_many 252 4 "9999"
broken header_size 184 8 "768"
broken version 0 8 "1.0"
broken start_date 168 8 "32.13.26"
broken start_time 176 8 "25:00:00"
broken physical_equal 368 8 "-1000"
broken physical_text 360 8 "low"
broken digital_equal 384 8 "-32768"
broken digital_max_range 384 8 "-32769"
broken digital_reversed 376 8 "100"
field 384 8 "50" digital_reversed.edf
broken digital_range 376 8 "-40000"
broken edfplus_no_annotations 192 44 "EDF+C"
cp good.edf nonprintable.edf
printf '\001' | dd of=nonprintable.edf bs=1 seek=20 conv=notrunc 2>/dev/null
head -c 8000 good.edf > truncated_data.edf
head -c 300 good.edf > truncated_header.edf
head -c 100 good.edf > truncated_main.edf
"$GEN" --channels 2 bdf good.bdf
cp good.bdf bdf_records.bdf
field 236 8 "0" bdf_records.bdf
cp good.bdf bdf_digital.bdf
field $((256 + 128 * 3)) 8 "9000000" bdf_digital.bdf   # digital maximum of signal 0 (3 signals)

# case: exit code | message (after "FILE: not a valid EDF/BDF file: ") | file
while IFS='|' read -r code message file; do
    [ -n "$code" ] || continue
    expect_rc "$code" "$LTR" detect -q "$file"
    grep -qF -- "$file: not a valid EDF/BDF file: $message" err.txt ||
        fail "$file: message '$message' expected, got: $(cat err.txt)"
    grep -q 'EDFlib error' err.txt && fail "$file: EDFlib's bare error code: $(cat err.txt)"
    [ "$(wc -l < err.txt)" -eq 1 ] || fail "$file: one line expected: $(cat err.txt)"
done <<'CASES'
4|the number of data records (bytes 236-243) is -5: it cannot be negative|records_negative.edf
4|the number of data records (bytes 236-243) is 0: no samples|records_zero.edf
4|the number of data records (bytes 236-243) is -1: the recording was never finished|records_unfinished.edf
4|the number of data records (bytes 236-243) is 'three', not a whole number|records_text.edf
4|truncated: the header announces 4 data records of 4000 bytes (16512 bytes with the header), the file has 12512 bytes (3 whole records)|records_more.edf
4|the file has 12512 bytes, 4000 more than the 2 data records of 4000 bytes its header announces|records_fewer.edf
4|signal 0 (EMG): 99999999 samples per data record make records of more than 10 MB|samples_huge.edf
4|signal 0 (EMG): the samples per data record (bytes 472-479) are '0', not a whole number >= 1|samples_zero.edf
6|the data record duration (bytes 244-251) is 0 s: no sample rate can be derived from it|duration_zero.edf
4|the data record duration (bytes 244-251) is '1s', not a number of seconds|duration_text.edf
4|the data record duration (bytes 244-251) is -1 s: it cannot be negative|duration_negative.edf
4|the number of signals (bytes 252-255) is '0': a recording needs at least one|signals_zero.edf
4|the number of signals (bytes 252-255) is 'one', not a whole number|signals_text.edf
4|the number of signals (bytes 252-255) is '9999': EDFlib reads at most 640|signals_many.edf
4|the header size (bytes 184-191) is 768 bytes, but 1 signal (bytes 252-255) makes a header of 512 bytes|header_size.edf
4|the version (bytes 0-7) is '1.0', not '0' (EDF) or 0xff 'BIOSEMI' (BDF)|version.edf
4|the start date (bytes 168-175) is '32.13.26', not dd.mm.yy|start_date.edf
4|the start time (bytes 176-183) is '25:00:00', not hh.mm.ss|start_time.edf
4|signal 0 (EMG): the physical minimum and maximum are both -1000|physical_equal.edf
4|signal 0 (EMG): the physical minimum (bytes 360-367) is 'low', not a number|physical_text.edf
4|signal 0 (EMG): the digital minimum is -32768 and the maximum -32768: the maximum must be larger|digital_equal.edf
4|signal 0 (EMG): the digital maximum (bytes 384-391) is '-32769', not a whole number in -32768..32767 (EDF: 16 bits)|digital_max_range.edf
4|signal 0 (EMG): the digital minimum is 100 and the maximum 50: the maximum must be larger|digital_reversed.edf
4|signal 0 (EMG): the digital minimum (bytes 376-383) is '-40000', not a whole number in -32768..32767 (EDF: 16 bits)|digital_range.edf
4|an EDF+ file (reserved field, bytes 192-235) without an 'EDF Annotations' signal|edfplus_no_annotations.edf
4|the patient field (bytes 8-87) holds byte 0x01 at byte 20; EDF headers are printable ASCII|nonprintable.edf
4|truncated: the header announces 3 data records of 4000 bytes (12512 bytes with the header), the file has 8000 bytes (1 whole record)|truncated_data.edf
4|the file ends inside the signal headers: 300 bytes, where 1 signal needs a header of 512|truncated_header.edf
4|100 bytes, shorter than the 256-byte header|truncated_main.edf
4|the number of data records (bytes 236-243) is 0: no samples|bdf_records.bdf
4|signal 0 (EMG1): the digital maximum (bytes 640-647) is '9000000', not a whole number in -8388608..8388607 (BDF: 24 bits)|bdf_digital.bdf
CASES

# The same through ltr info, and through ltr batch (its summary's message column).
expect_rc 4 "$LTR" info records_zero.edf
grep -qF "records_zero.edf: not a valid EDF/BDF file: the number of data records (bytes 236-243) is 0" err.txt ||
    fail "info: $(cat err.txt)"
mkdir in
cp good.edf samples_huge.edf in/
expect_rc 4 "$LTR" batch -o out in/samples_huge.edf
grep -qF "99999999 samples per data record" out/summary.tsv || fail "batch summary: $(cat out/summary.tsv)"
echo "ok"
