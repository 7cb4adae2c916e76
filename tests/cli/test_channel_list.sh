#!/bin/sh
# A channel name that names none of the columns: exit 5 and a message that lists
# the channels the file has, as many as fit, cut with "..." - and never a write
# past the list's buffer (issue 8, defect 1: a header of many long column names
# once made the list write ", ..." and its NUL one byte past a 320-byte buffer;
# an AddressSanitizer build of this test caught it).
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

# csv_with_names FILE NAME...: a CSV with a time column and these columns, 2 kHz.
csv_with_names() {
    file=$1
    shift
    {
        printf 'time'
        for name in "$@"; do printf ',%s' "$name"; done
        printf '\n'
        for i in 0 1 2 3; do
            printf '0.%04d' $((i * 5))
            for name in "$@"; do printf ',0.%d' "$i"; done
            printf '\n'
        done
    } > "$file"
}

# name N CHAR: N times CHAR.
name() {
    awk -v n="$1" -v c="$2" 'BEGIN { s = ""; for (i = 0; i < n; i++) s = s c; print s }'
}

L50=$(name 50 a)

check_list() {
    file=$1
    first=$2
    expect_rc 5 "$LTR" detect --emg nosuch "$file"
    grep -q "no channel 'nosuch'" err.txt || fail "$file: no 'no channel' message: $(cat err.txt)"
    grep -q "(the file has [0-9]* channels*: 0=$first" err.txt ||
        grep -q "(the file has [0-9]*: 0=$first" err.txt ||
        fail "$file: the message does not list the channels: $(cat err.txt)"
}

# The case of the issue: five 50-character names, one of 43, then more 50-character
# names: the list ends exactly where the old code put ", ..." one byte too far.
csv_with_names exact.csv "$L50" "$L50" "$L50" "$L50" "$L50" "$(name 43 b)" \
    "$L50" "$L50" "$L50" "$L50" "$L50" "$L50" "$L50" "$L50" "$L50" "$L50"
check_list exact.csv "$L50"
grep -q ', \.\.\.)' err.txt || fail "exact.csv: a cut list does not end with ', ...': $(cat err.txt)"

# Every length of the name that fills the list, so that every place the list may be
# cut at is tried.
s=1
while [ "$s" -le 63 ]; do
    csv_with_names "cut$s.csv" "$L50" "$L50" "$L50" "$L50" "$L50" "$(name "$s" c)" \
        "$L50" "$L50" "$L50" "$L50" "$L50" "$L50"
    check_list "cut$s.csv" "$L50"
    s=$((s + 1))
done

# One name longer than the whole list can hold (63 characters, 40 columns).
L63=$(name 63 d)
set --
i=0
while [ "$i" -lt 40 ]; do set -- "$@" "$L63"; i=$((i + 1)); done
csv_with_names many.csv "$@"
check_list many.csv "$L63"

# A short list is given whole.
csv_with_names short.csv emg acc_x
expect_rc 5 "$LTR" detect --emg nosuch short.csv
grep -q "0=emg, 1=acc_x)" err.txt || fail "short.csv: the whole list expected: $(cat err.txt)"
echo "ok"
