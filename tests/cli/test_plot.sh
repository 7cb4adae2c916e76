#!/bin/sh
# ltr plot (issue 14): PNG, SVG and PDF of the asked size; a twitch shaded exactly where
# the events put it (with --events) and where the detector found it (without); a site's
# strip; the
# refusals. The pixel checks know the layout of cli/plot.c: the drawing area starts 84
# pixels from the left and 48 from the top, and ends 18 from the right.
# SPDX-License-Identifier: BSD-3-Clause
PNGPX=$(cd "$(dirname "$0")" && pwd)/png_pixels.py
. "$(dirname "$0")/common.sh" "$@"

"$GEN" wav rec.wav                      # 10 s, bursts at 2.0 4.5 7.0 (100 ms)
set +e
"$LTR" plot -q rec.wav -o probe.svg 2>probe.txt
set -e
if grep -q 'built without cairo' probe.txt; then
    echo "ltr was built without cairo: skipped"
    exit 77
fi

# The detector's picture in three formats, of the asked size.
expect_rc 0 "$LTR" plot rec.wav --width 800 --height 400 -o det.png
grep -q 'det.png, 1 channel, 0.00-10.00 s, 3 twitches' err.txt || fail "summary: $(cat err.txt)"
expect_rc 0 "$LTR" plot -q rec.wav --width 800 --height 400 -o det.svg
expect_rc 0 "$LTR" plot -q rec.wav --width 640 --height 480 -o det.pdf
[ "$(head -c 5 det.pdf)" = "%PDF-" ] || fail "det.pdf is not a PDF"
grep -q 'viewBox="0 0 800 400"' det.svg || fail "det.svg: no 800x400 viewBox: $(head -c 300 det.svg)"
grep -q 'MediaBox \[ *0 0 640 480 *\]' det.pdf || fail "det.pdf: no 640x480 page"
expect_rc 0 "$LTR" plot -q rec.wav --from 1 --to 3 -o win.svg
grep -q 'viewBox="0 0 1600 900"' win.svg || fail "default size is not 1600x900"

# Given events: one twitch at 3.0-3.3 s (where the signal is quiet) against none.
printf 'onset\tduration\ttrial_type\tlatency_ms\n3.0\t0.3\ttwitch\t20\n' >one.tsv
printf 'onset\tduration\ttrial_type\n' >none.tsv
printf 'onset\tduration\ttrial_type\tflags\n5.5\t0.4\tartifact\tneedle,marked\n' >needle.tsv
expect_rc 0 "$LTR" plot -q rec.wav --events one.tsv --width 800 --height 400 -o one.png
expect_rc 0 "$LTR" plot -q rec.wav --events none.tsv --width 800 --height 400 -o none.png
expect_rc 0 "$LTR" plot -q rec.wav --events needle.tsv --width 800 --height 400 -o needle.png
cmp -s one.png none.png && fail "a twitch changed nothing"
if command -v python3 >/dev/null 2>&1; then
    [ "$(python3 "$PNGPX" det.png size)" = "800 400" ] || fail "det.png: $(python3 "$PNGPX" det.png size)"
    # x of time t: 84 + t / 10 * (800 - 84 - 18)
    x() { awk -v t="$1" 'BEGIN { printf "%d", 84 + t / 10 * 698 }'; }
    # Below the title and legend, the pictures differ in the twitch's columns only.
    # (the BEGIN mark at 3.02 s is a triangle 8 pixels wide)
    d=$(python3 "$PNGPX" one.png none.png diff "$(( $(x 3.0) - 5 ))" "$(( $(x 3.3) + 1 ))" 48)
    [ "$d" = "inside" ] || fail "one.png vs none.png differ outside 3.0-3.3 s or not inside: $d"
    # Green at the top of the panel at 3.15 s with the twitch, white without.
    px=$(python3 "$PNGPX" one.png "$(x 3.15)" 52)
    echo "$px" | awk '{ exit !($2 > $1 + 20 && $2 > $3 + 10) }' || fail "no twitch shade: $px"
    [ "$(python3 "$PNGPX" none.png "$(x 3.15)" 52)" = "255 255 255" ] || fail "shade without twitch"
    # A needling site (a site row, 6.0-8.0 s) is a purple strip along the panel's top, none
    # before it.
    printf 'onset\tduration\ttrial_type\n6.0\t2.0\tsite\n' >site.tsv
    expect_rc 0 "$LTR" plot -q rec.wav --events site.tsv --width 800 --height 400 -o site.png
    px=$(python3 "$PNGPX" site.png "$(x 7.0)" 50)
    echo "$px" | awk '{ exit !($3 > $2 + 20 && $1 > $2 + 10) }' || fail "no site strip at 7.0 s: $px"
    [ "$(python3 "$PNGPX" site.png "$(x 5.0)" 50)" = "255 255 255" ] || fail "site strip before the site"
    # The needle movement is hatched in orange.
    python3 "$PNGPX" needle.png column "$(x 5.7)" 48 360 |
        awk '$1 > 200 && $2 > 100 && $2 < 200 && $3 < 100 { n++ } END { exit !(n >= 3) }' ||
        fail "no orange hatching at 5.7 s"
    # The detector's own twitch at 2.0 s: shaded in the statistic's panel (its lower part),
    # not at 3.15 s.
    shade() { python3 "$PNGPX" det.png column "$(x "$1")" 48 392 |
        awk '$1 >= 190 && $1 <= 215 && $2 >= 225 && $2 <= 245 && $3 >= 200 && $3 <= 220 { n++ } END { print n + 0 }'; }
    [ "$(shade 2.05)" -ge 5 ] || fail "detected twitch at 2.0 s not shaded ($(shade 2.05) pixels)"
    [ "$(shade 3.15)" -eq 0 ] || fail "shade at 3.15 s where nothing was found"
fi

# Refusals.
expect_rc 2 "$LTR" plot rec.wav
grep -q 'is required' err.txt || fail "no -o: $(cat err.txt)"
expect_rc 2 "$LTR" plot rec.wav -o out.jpg
grep -q 'must end in .png, .svg or .pdf' err.txt || fail "bad extension: $(cat err.txt)"
expect_rc 2 "$LTR" plot rec.wav --from 4 --to 3 -o out.png
expect_rc 2 "$LTR" plot rec.wav --from 20 -o out.png
grep -q 'holds no sample (the recording lasts 10.000 s)' err.txt || fail "window: $(cat err.txt)"
expect_rc 2 "$LTR" plot rec.wav --width 10 -o out.png
expect_rc 3 "$LTR" plot nothere.wav -o out.png
printf 'time\tkind\n1\tx\n' >bad.tsv
expect_rc 3 "$LTR" plot rec.wav --events bad.tsv -o out.png
grep -q 'bad.tsv:1: not an events table' err.txt || fail "bad events: $(cat err.txt)"
[ ! -e out.png ] || fail "out.png written by a refused run"
echo "ok"
