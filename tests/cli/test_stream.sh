#!/bin/sh
# ltr stream on a pipe gives the same twitches and artifacts as ltr detect on the
# same samples, and prints each event while the input is still coming.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

"$GEN" --duration 12 --bursts 2,4.5,7,9.5 raw-f32 sig.f32
"$GEN" --duration 12 --bursts 2,4.5,7,9.5 --channels 3 raw-s16 sig3.s16

# 1. Same events as detect, through a pipe, in the default (all events) mode: the
#    twitch and artifact rows are identical; twitch_begin rows come first.
expect_rc 0 "$LTR" detect -q --raw f32le --rate 2000 --channels 1 -o detect.tsv sig.f32
cat sig.f32 | "$LTR" stream --raw f32le --rate 2000 --channels 1 > stream.tsv ||
    fail "ltr stream failed"
awk -F'\t' 'NR == 1 || $3 == "twitch" || $3 == "artifact"' stream.tsv > stream_results.tsv
cmp detect.tsv stream_results.tsv || fail "stream and detect differ: $(diff detect.tsv stream_results.tsv)"
check_onsets detect.tsv "2.0 4.5 7.0 9.5"
[ "$(grep -c '	twitch_begin	' stream.tsv)" -eq 4 ] || fail "4 twitch_begin rows expected"
# each twitch_begin precedes its twitch row
awk -F'\t' 'NR > 1 && $3 == "twitch_begin" { b[$11] = NR } NR > 1 && $3 == "twitch" { if (!(b[$11] && b[$11] < NR)) exit 1 }' stream.tsv ||
    fail "a twitch row came before its twitch_begin"

# 2. Multichannel s16, tiny blocks, typed channels, JSON Lines: same rows as detect.
expect_rc 0 "$LTR" detect -q --raw s16le --rate 2000 --channels 3 --emg 0 --acc 1,2 \
    --format jsonl -o detect3.jsonl sig3.s16
cat sig3.s16 | "$LTR" stream --raw s16le --rate 2000 --channels 3 --emg 0 --acc 1,2 \
    --block 7 --results-only --format jsonl > stream3.jsonl || fail "ltr stream (s16, 3 channels) failed"
cmp detect3.jsonl stream3.jsonl || fail "stream (s16, blocks of 7) and detect differ"

# 3. Live: with the input stalled after 5 s of samples, the first twitch (at 2 s) must
#    already be printed. The writer waits up to 10 s for it, then sends the rest.
mkfifo live.fifo
frames5=$((2000 * 5 * 4))
(
    head -c "$frames5" sig.f32
    i=0
    while [ $i -lt 100 ] && ! grep -q '	twitch	' live.tsv 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if grep -q '	twitch	' live.tsv 2>/dev/null; then echo yes > seen.txt; else echo no > seen.txt; fi
    tail -c +"$((frames5 + 1))" sig.f32
) > live.fifo &
"$LTR" stream --raw f32le --rate 2000 --channels 1 < live.fifo > live.tsv || fail "live stream failed"
wait
[ "$(cat seen.txt)" = yes ] || fail "the first twitch was not printed while the input was stalled"
awk -F'\t' 'NR == 1 || $3 == "twitch" || $3 == "artifact"' live.tsv > live_results.tsv
cmp detect.tsv live_results.tsv || fail "live stream and detect differ"

# 4. A stream cut inside a frame ends with a format error, after printing what came before.
head -c 40002 sig.f32 | "$LTR" stream --raw f32le --rate 2000 --channels 1 > cut.tsv 2> cut.err && fail "cut stream: exit 0"
grep -q 'truncated' cut.err || fail "cut stream: $(cat cut.err)"
grep -q '	twitch	' cut.tsv || fail "cut stream: the twitch before the cut was not printed"
echo "ok"
