#!/bin/sh
# Progress (issue 14): --progress gives JSON lines {file, fraction, eta_s} on standard
# error (detect: every input; batch and bids: every recording, and the batch as file
# null), ending at fraction 1; nothing when standard error is not a terminal; on a
# terminal (through script(1), when installed) a line with the ETA for recordings over a
# minute, none for short ones.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

"$GEN" --duration 75 --bursts 10,40,70 wav long.wav
"$GEN" wav short.wav                                    # 10 s

# JSON lines: every line an object with the three keys, the last at fraction 1.
json_ok() { # FILE EXPECTED_FILE_VALUE
    awk -v want="$2" '
        !/^\{"file": (null|"[^"]*"), "fraction": [01]\.[0-9][0-9][0-9][0-9], "eta_s": ([0-9]+\.[0-9]|null)\}$/ { bad = 1 }
        { last = $0 }
        END { if (bad || index(last, want) == 0 || index(last, "\"fraction\": 1.0000") == 0) exit 1 }' "$1"
}
expect_rc 0 "$LTR" detect -q --progress -o long.tsv long.wav
json_ok err.txt '"file": "long.wav"' || fail "detect --progress: $(cat err.txt)"
[ "$(wc -l <err.txt)" -ge 2 ] || fail "detect --progress: one line only: $(cat err.txt)"
expect_rc 0 "$LTR" detect -q --progress -o short.tsv short.wav
json_ok err.txt '"file": "short.wav"' || fail "detect --progress, short: $(cat err.txt)"
# same events with and without progress
expect_rc 0 "$LTR" detect -q -o plain.tsv long.wav
cmp -s plain.tsv long.tsv || fail "--progress changed the events"
# off a terminal: silent
[ ! -s err.txt ] || fail "detect wrote to a non-terminal standard error: $(cat err.txt)"

mkdir in
cp long.wav short.wav in/
expect_rc 0 "$LTR" batch --progress -o out in
grep -q '^{"file": "in/long.wav", "fraction": 1.0000, "eta_s": 0.0}$' err.txt ||
    fail "batch --progress: no final line for in/long.wav: $(cat err.txt)"
grep -q '^{"file": "in/short.wav", "fraction": 1.0000' err.txt || fail "batch: short.wav"
json_ok err.txt '"file": null' || fail "batch --progress: the last line is not the batch's at 1: $(cat err.txt)"
expect_rc 0 "$LTR" batch --force -o out2 in
grep -q 'ETA' err.txt && fail "batch drew progress off a terminal"

if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$LTR' detect -q -o t.tsv long.wav" /dev/null >tty.txt 2>&1 || true
    grep -q 'ETA' tty.txt || fail "no progress on a terminal for 75 s: $(cat tty.txt)"
    script -qec "'$LTR' detect -q -o t.tsv short.wav" /dev/null >tty.txt 2>&1 || true
    grep -q 'ETA' tty.txt && fail "progress on a terminal for a 10 s recording"
    script -qec "'$LTR' batch -o out3 in" /dev/null >tty.txt 2>&1 || true
    grep -q '2/2  ETA' tty.txt || fail "no batch progress with ETA on a terminal: $(cat tty.txt)"
    script -qec "'$LTR' detect -q --no-progress -o t.tsv long.wav" /dev/null >tty.txt 2>&1 || true
    grep -q 'ETA' tty.txt && fail "--no-progress drew progress"
else
    echo "script(1) missing: the terminal checks skipped"
fi
echo "ok"
