#!/bin/sh
# ltr report (issue 14): one self-contained HTML page over a batch's output folder. It
# names every recording, shows the settings the batch was given, is valid HTML
# (html5lib, strict; tidy when installed), every link and SVG reference resolves inside
# the page, nothing is fetched from outside, and a headless Chromium renders it without
# a console error (skipped without chromium). The refusals.
# SPDX-License-Identifier: BSD-3-Clause
PNGPX=$(cd "$(dirname "$0")" && pwd)/png_pixels.py
. "$(dirname "$0")/common.sh" "$@"
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3   # Debian's, with python3-html5lib

mkdir rec
"$GEN" wav rec/one.wav                                  # bursts at 2.0 4.5 7.0
"$GEN" --channels 2 --bursts 1,3,5,8 flac rec/two.flac

expect_rc 0 "$LTR" batch --no-progress --threshold-on 10 -o out rec
[ -f out/settings.tsv ] || fail "batch wrote no settings.tsv"
grep -q "^threshold-on	10$" out/settings.tsv || fail "settings.tsv: $(cat out/settings.tsv)"

# pictures need cairo: without it the report has none (and says so)
PICS=2
set +e
"$LTR" plot -q rec/one.wav -o probe.svg 2>probe.txt
set -e
grep -q 'built without cairo' probe.txt && PICS=0
expect_rc 0 "$LTR" report out -o report.html
grep -q "report.html: 2 recordings, 2 with events, $PICS pictures" err.txt ||
    fail "summary: $(cat err.txt)"
for name in rec/one.wav rec/two.flac; do
    grep -q "$name" report.html || fail "report.html does not name $name"
done
grep -q -- '--threshold-on 10' report.html || fail "the batch's option is not shown"
grep -q '<td class="n">10 / 6</td>' report.html || fail "threshold 10 / 6 not in the settings table"
grep -qi '<script' report.html && fail "a script in the report"
grep -Eqi '(src|href)="(https?:|//|file:)' report.html && fail "a reference outside the page"
# the summary's path works too
expect_rc 0 "$LTR" report -q out/summary.tsv -o report2.html --title "Two recordings"
grep -q '<title>Two recordings</title>' report2.html || fail "--title"

if "$PY" -c 'import html5lib' 2>/dev/null; then
    "$PY" - report.html "$PICS" <<'PY' || fail "report.html is not valid or a link does not resolve"
import re, sys, html5lib
doc = open(sys.argv[1], "rb").read()
parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
tree = parser.parse(doc)                     # raises on any parse error
ids = [e.get("id") for e in tree.iter() if e.get("id")]
assert len(ids) == len(set(ids)), "duplicate ids"
ids = set(ids)
refs = 0
for e in tree.iter():
    for k, v in e.attrib.items():
        if k.endswith("href"):
            assert v.startswith("#") and v[1:] in ids, "unresolved link %s=%s" % (k, v)
            refs += 1
        if k == "src":
            raise AssertionError("external resource " + v)
    style = e.get("style") or ""
    assert "url(" not in style or "url(#" in style
for m in re.finditer(rb'url\(#([^)]+)\)', doc):
    assert m.group(1).decode() in ids, "unresolved url(#%s)" % m.group(1).decode()
# every thumbnail links to a recording's section with its larger picture
sections = [e for e in tree.iter("section")]
assert len(sections) == 2, "%d sections" % len(sections)
pics = int(sys.argv[2])
for s in sections:
    assert s.find(".//svg") is not None or s.find(".//{http://www.w3.org/2000/svg}svg") is not None
thumbs = [a for a in tree.iter("a") if a.get("class") == "thumb"]
assert len(thumbs) == pics and all(a.get("href") in ("#f0", "#f1", "#f2") for a in thumbs), thumbs
print("html5lib: valid,", refs, "links resolved")
PY
else
    echo "python3-html5lib missing: HTML validation skipped"
fi
if command -v tidy >/dev/null 2>&1; then
    set +e
    tidy -q -e report.html >tidy.txt 2>&1
    trc=$?
    set -e
    [ "$trc" -eq 0 ] || fail "tidy ($trc): $(head -5 tidy.txt)"
fi

if command -v chromium >/dev/null 2>&1; then
    mkdir -p chrome
    set +e
    HOME=$WORK timeout 120 chromium --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$WORK/chrome" --enable-logging=stderr --v=0 \
        --window-size=1000,1400 --screenshot="$WORK/shot.png" "file://$WORK/report.html" \
        >chrome.out 2>chrome.err
    crc=$?
    set -e
    [ "$crc" -eq 0 ] || fail "chromium exited $crc: $(tail -5 chrome.err)"
    [ -s shot.png ] || fail "chromium wrote no screenshot"
    grep -E 'CONSOLE|Uncaught|Failed to load|ERR_FILE_NOT_FOUND' chrome.err &&
        fail "chromium's console has errors"
    if command -v python3 >/dev/null 2>&1; then
        [ "$(python3 "$PNGPX" shot.png size)" = "1000 1400" ] || fail "screenshot size"
        # something drawn: the first table's thumbnails make non-white pixels
        python3 "$PNGPX" shot.png column 900 0 700 |
            awk '$0 != "255 255 255" { n++ } END { exit !(n > 0) }' || fail "the screenshot is blank"
    fi
else
    echo "chromium missing: rendering skipped"
fi

# ltr bids: ROOT/derivatives/libltr/summary.tsv names the recordings from where bids ran;
# the report finds them from elsewhere too.
mkdir -p ds/sub-01/emg
"$GEN" wav ds/sub-01/emg/sub-01_task-needling_emg.wav
expect_rc 0 "$LTR" bids ds
(cd ds/derivatives && "$LTR" report libltr -o ../../bids.html) 2>bids.err ||
    fail "report over bids: $(cat bids.err)"
grep -Eq 'bids.html: 1 recording, 1 with events, [01] pictures?$' bids.err ||
    fail "report over bids: $(cat bids.err)"

# Refusals.
expect_rc 2 "$LTR" report out
grep -q 'is required' err.txt || fail "no -o: $(cat err.txt)"
expect_rc 3 "$LTR" report nothere -o r.html
printf 'a\tb\n1\t2\n' >bad.tsv
expect_rc 4 "$LTR" report bad.tsv -o r.html
grep -q 'bad.tsv:1: not a summary of ltr batch' err.txt || fail "bad summary: $(cat err.txt)"
[ ! -e r.html ] || fail "r.html written by a refused run"
echo "ok"
