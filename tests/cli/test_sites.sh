#!/bin/sh
# Needling sites (issue 11): insertion and needle marks become sites with their strokes and
# twitches; 'site' rows span them, 'site_stopped' marks where the twitches stopped;
# --session prints the per-site table; --sites 0 leaves the twitches as they were;
# ltr batch's summary counts the sites.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

"$GEN" wav rec.wav                                   # twitches at 2.0 4.5 7.0
# Site 1: inserted at 1.95 (twitch 2.0), then three strokes without: stopped (--stop-strokes 3).
# Site 2: inserted at 4.4 (twitch 4.5), two strokes, a twitch at 7.0: still twitching.
# Site 3: inserted at 8.0, two strokes, nothing: a site without twitches.
printf 'onset\ttrial_type\n' >marks.tsv
for t in 1.95:insertion 2.5:needle 3.0:needle 3.5:needle 4.4:insertion 5.2:needle 6.0:needle \
    8.0:insertion 8.5:needle 9.0:needle; do
    printf '%s\t%s\n' "${t%%:*}" "${t#*:}" >>marks.tsv
done
expect_rc 0 "$LTR" detect --marks marks.tsv --stop-strokes 3 --session -o ev.tsv rec.wav
check_onsets ev.tsv "2.0 4.5 7.0"
[ "$(awk -F'\t' '$3 == "site"' ev.tsv | wc -l)" -eq 3 ] || fail "3 site rows expected: $(cat ev.tsv)"
# site rows: onset at the insertion, id = the site's number, flags
awk -F'\t' '$3 == "site" { n++; want = (n == 1 ? 1.95 : n == 2 ? 4.4 : 8.0); d = $1 - want; if (d < 0) d = -d;
            if (d > 0.001 || $11 != n) bad = 1;
            if (n == 1 && $9 != "stopped") bad = 1; if (n == 2 && $9 != "n/a") bad = 1;
            if (n == 3 && $9 != "no_twitch") bad = 1 }
            END { exit bad || n != 3 }' ev.tsv || fail "site rows: $(grep site ev.tsv)"
# the cue: one row, at the third stroke without a twitch (3.5 s), 250-1000 ms later
awk -F'\t' '$3 == "site_stopped" { n++; d = $1 - 3.5; if (d < 0) d = -d; if (d > 0.001 || $10 < 250 || $10 > 1000 || $11 != 1) bad = 1 }
            END { exit bad || n != 1 }' ev.tsv || fail "site_stopped: $(grep site_stopped ev.tsv)"
# the table (standard output: the events went to a file)
head -1 out.txt | grep -q '^file	site	onset_s	duration_s	strokes	twitches	habituation	stopped_s	result$' ||
    fail "table header: $(head -1 out.txt)"
awk -F'\t' 'NR == 2 && $2 == 1 && $5 == 4 && $6 == 1 && $9 == "stopped" && $8 != "n/a" { a = 1 }
            NR == 3 && $2 == 2 && $5 == 3 && $6 == 2 && $9 == "twitching" && $7 != "n/a" && $8 == "n/a" { b = 1 }
            NR == 4 && $2 == 3 && $5 == 3 && $6 == 0 && $9 == "no_twitch" && $7 == "n/a" { c = 1 }
            END { exit !(a && b && c && NR == 4) }' out.txt || fail "table: $(cat out.txt)"
grep -q 'rec.wav: 3 sites: 3 twitches in them, 1 without any, 1 where they stopped' err.txt ||
    fail "summary line: $(cat err.txt)"
# Events on standard output: the table goes to standard error.
expect_rc 0 "$LTR" detect -q --marks marks.tsv --session rec.wav
grep -q '^file	site	' err.txt || fail "table on standard error expected: $(cat err.txt)"
grep -q '^file	site	' out.txt && fail "the table mixed into the events"

# --sites 0: no site rows, the same twitch and artifact rows.
expect_rc 0 "$LTR" detect -q --marks marks.tsv --stop-strokes 3 --sites 0 -o off.tsv rec.wav
grep -q 'site' off.tsv && fail "--sites 0 wrote site rows"
grep -v 'site' ev.tsv | cmp -s - off.tsv || fail "--sites 0 changed the other rows"
# Without marks this recording has no needle movement: no site.
expect_rc 0 "$LTR" detect -q -o plain.tsv rec.wav
grep -q 'site' plain.tsv && fail "sites without any needle movement"

# Refusals: a unit mistake, a bad value.
expect_rc 2 "$LTR" detect -q --site-gap 0 rec.wav
expect_rc 2 "$LTR" detect -q --sites 3 rec.wav
expect_rc 2 "$LTR" detect -q --stop-after -5 rec.wav

# ltr batch: the summary's session columns.
mkdir -p in
cp rec.wav in/
expect_rc 0 "$LTR" batch --marks marks.tsv --stop-strokes 3 -o out in
head -1 out/summary.tsv | grep -q '	sites	twitches_per_site	sites_without_twitches	habituation$' ||
    fail "summary header: $(head -1 out/summary.tsv)"
awk -F'\t' '$1 == "in/rec.wav" && $10 == 3 && $11 == "1.00" && $12 == 1 && $13 != "n/a" { ok = 1 } END { exit !ok }' \
    out/summary.tsv || fail "summary row: $(cat out/summary.tsv)"
echo "ok"
