#!/bin/sh
# EDF+ annotations in and out (issue 13):
# - an EDF+ input's annotations naming a stimulus or a needle movement reach the detector
#   as device marks (marked artifacts where they were); --annotation-marks off ignores
#   them, --mark-text chooses the texts;
# - ltr detect --annotate OUT.edf writes an EDF+ (BDF+) copy of the signals with the
#   input's annotations and the events; our reader and, when python3-mne is installed,
#   mne.io.read_raw_edf read it back: same samples (within one quantisation step), same
#   annotations, same events;
# - --annotations OUT.txt is MNE's annotation text: mne.read_annotations reads it.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

# Twitches at 2.0 4.5 7.0 s; a needle insertion at 3.0, a stimulus at 5.5, and a note.
"$GEN" --channels 2 --labels EMG1,EMG2 \
    --annotations '3.0:Needle insertion,5.5:Stimulus,6.0:Patient moved' edf rec.edf

# --- annotations as marks ---------------------------------------------------------------
expect_rc 0 "$LTR" detect -o ev.tsv rec.edf
grep -q '2 device marks from its EDF+ annotations (1 other annotation)' err.txt ||
    fail "no note on the annotation marks: $(cat err.txt)"
check_onsets ev.tsv "2.0 4.5 7.0"
awk -F'\t' '$3 == "artifact" && $9 ~ /marked/ && $9 ~ /needle/ { d = $1 - 3.0; if (d < 0) d = -d; if (d < 0.002) n++ }
            $3 == "artifact" && $9 ~ /marked/ && $9 ~ /stim/ { d = $1 - 5.5; if (d < 0) d = -d; if (d < 0.002) s++ }
            END { exit !(n == 1 && s == 1) }' ev.tsv ||
    fail "a marked needle artifact at 3.0 s and a marked stim at 5.5 s expected: $(cat ev.tsv)"
expect_rc 0 "$LTR" detect -q --annotation-marks off -o off.tsv rec.edf
grep -q marked off.tsv && fail "--annotation-marks off still marks: $(cat off.tsv)"
check_onsets off.tsv "2.0 4.5 7.0"
# --mark-text: exactly these texts (any case); the built-in words no longer count.
expect_rc 0 "$LTR" detect --mark-text 'needle=patient MOVED' -o text.tsv rec.edf
grep -q '1 device mark from its EDF+ annotations (2 other annotations)' err.txt ||
    fail "--mark-text note: $(cat err.txt)"
[ "$(awk -F'\t' '$3 == "artifact" && $9 ~ /marked/ && $9 ~ /needle/ && $1 > 5.99 && $1 < 6.01' text.tsv | wc -l)" -eq 1 ] ||
    fail "--mark-text: one needle mark at 6.0 s expected: $(cat text.tsv)"
[ "$(grep -c marked text.tsv)" -eq 1 ] || fail "--mark-text: other marks remain: $(cat text.tsv)"
# ... and it applies to --marks files too.
printf 'onset\ttrial_type\n3.0\tS1\n5.5\tstim\n' >m.tsv
expect_rc 0 "$LTR" detect -q --annotation-marks off --marks m.tsv --mark-text stim=s1 -o mt.tsv rec.edf
[ "$(awk -F'\t' '$9 ~ /marked/ && $9 ~ /stim/ && $1 > 2.99 && $1 < 3.01' mt.tsv | wc -l)" -eq 1 ] &&
    [ "$(grep -c marked mt.tsv)" -eq 1 ] || fail "--mark-text on --marks: $(cat mt.tsv)"
expect_rc 2 "$LTR" detect --mark-text 'poke=x' rec.edf
grep -q "'poke=x' is not stim=TEXT, needle=TEXT or insertion=TEXT" err.txt || fail "bad --mark-text: $(cat err.txt)"
expect_rc 2 "$LTR" detect --annotation-marks maybe rec.edf
grep -q "'maybe' is not auto or off" err.txt || fail "bad --annotation-marks: $(cat err.txt)"
# A plain WAV has no annotations: nothing said about them.
"$GEN" wav rec.wav
expect_rc 0 "$LTR" detect -o wav.tsv rec.wav
grep -q 'annotations' err.txt && fail "annotations noted for a WAV: $(cat err.txt)"

# --- --annotate and --annotations -------------------------------------------------------
expect_rc 0 "$LTR" detect -o ev.tsv --annotate copy.edf --annotations ann.txt rec.edf
grep -q 'copy.edf: EDF+ copy of 2 channels with 8 annotations (3 of the input)' err.txt ||
    fail "no note on the copy: $(cat err.txt)"
# MNE's text: the header, then one "onset, duration, description" row per event (sites and
# stop cues describe the session and are left out).
[ "$(sed -n 1p ann.txt)" = "# MNE-Annotations" ] || fail "ann.txt header: $(cat ann.txt)"
awk -F'\t' 'NR > 1 && $3 != "site" && $3 != "site_stopped" { print $1 ", " $2 ", " ($3 == "artifact" ? "BAD_artifact" : $3) }' ev.tsv >want.txt
grep -v '^#' ann.txt | diff want.txt - >/dev/null || fail "ann.txt rows differ from ev.tsv: $(cat ann.txt)"
# Read back by our reader: the same channels, rate and length, and the annotations
# (its marks give the same events: the input's stimulus and needle texts were kept).
expect_rc 0 "$LTR" info copy.edf
grep -q 'EDF+' out.txt && grep -q 'EMG2' out.txt && grep -q '20000 frames' out.txt ||
    fail "ltr info copy.edf: $(cat out.txt)"
grep -q '^annotations  8: 1 stimulation pulse and 1 needle movement' out.txt &&
    grep -Eq '^ +3\.0000 +n/a +needle +Needle insertion$' out.txt &&
    grep -Eq '^ +2\.0[0-9]+ +0\.[0-9]+ +- +twitch$' out.txt || fail "ltr info's annotations: $(cat out.txt)"
expect_rc 0 "$LTR" detect -o back.tsv copy.edf
grep -q '2 device marks from its EDF+ annotations (6 other annotations)' err.txt ||
    fail "the copy's annotations: $(cat err.txt)"
cut -f1-3,8-9 ev.tsv >a.cols
cut -f1-3,8-9 back.tsv >b.cols
diff a.cols b.cols >/dev/null || fail "events of the copy differ: $(diff a.cols b.cols)"
# BDF+ for a .bdf name; a second input, standard input or an input as output are refused.
expect_rc 0 "$LTR" detect -q -o /dev/null --annotate copy.bdf rec.edf
expect_rc 0 "$LTR" info copy.bdf
grep -q 'BDF+' out.txt || fail "copy.bdf is not BDF+: $(cat out.txt)"
expect_rc 2 "$LTR" detect --annotate two.edf rec.edf rec.wav
grep -q 'take one input' err.txt || fail "two inputs: $(cat err.txt)"
expect_rc 2 sh -c "'$LTR' detect --raw f32le --channels 1 --rate 2000 --annotate s.edf - </dev/null"
grep -q 'cannot read standard input twice' err.txt || fail "stdin: $(cat err.txt)"
expect_rc 8 "$LTR" detect --annotate rec.edf rec.edf
[ -f copy.edf.tmp-* ] 2>/dev/null && fail "a temporary was left"
# A WAV (range +-1 full scale) and a CSV (no stated range: measured) copy too.
expect_rc 0 "$LTR" detect -q -o /dev/null --annotate wav.edf rec.wav
"$GEN" csv rec.csv
expect_rc 0 "$LTR" detect -q -o csv_ev.tsv --annotate csv.edf rec.csv
expect_rc 0 "$LTR" detect -q -o csv_back.tsv csv.edf
[ "$(onsets csv_ev.tsv | tr '\n' ' ')" = "$(onsets csv_back.tsv | tr '\n' ' ')" ] ||
    fail "CSV copy: $(onsets csv_ev.tsv) vs $(onsets csv_back.tsv)"

# --- MNE reads both (python3-mne; skipped without it) -----------------------------------
PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import mne' 2>/dev/null; then
    "$PY" - rec.edf copy.edf ann.txt ev.tsv <<'EOF' || fail "MNE does not read them back as written"
import sys, warnings
import numpy as np
import mne
rec, copy, txt, tsv = sys.argv[1:]
rows = [r for r in (l.rstrip("\n").split("\t") for l in open(tsv)) if r[2] not in ("site", "site_stopped")][1:]
want = [(float(r[0]), float(r[1]), "BAD_artifact" if r[2] == "artifact" else r[2]) for r in rows]
a = mne.read_annotations(txt)
got = list(zip(a.onset, a.duration, a.description))
assert len(got) == len(want), (got, want)
for g, w in zip(got, want):
    assert abs(g[0] - w[0]) < 1e-6 and abs(g[1] - w[1]) < 1e-6 and g[2] == w[2], (g, w)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    raw0 = mne.io.read_raw_edf(rec, preload=True, verbose="error")
    raw = mne.io.read_raw_edf(copy, preload=True, verbose="error")
assert raw.ch_names == raw0.ch_names == ["EMG1", "EMG2"], raw.ch_names
assert raw.info["sfreq"] == 2000.0
x0, x = raw0.get_data(), raw.get_data()
assert x.shape == x0.shape, (x.shape, x0.shape)
step = 2000.0e-3 / 65535  # the +-1000 mV range over 16 bits, in V
assert np.max(np.abs(x - x0)) <= 1.01 * step, np.max(np.abs(x - x0))
ann = [(o, d, t) for o, d, t in zip(raw.annotations.onset, raw.annotations.duration,
                                    raw.annotations.description)]
for t in ("Needle insertion", "Stimulus", "Patient moved"):
    assert sum(1 for o, d, s in ann if s == t) == 1, (t, ann)
ours = [(o, d, s) for o, d, s in ann if s in ("twitch", "BAD_artifact")]
assert len(ours) == len(want), (ours, want)
for g, w in zip(sorted(ours), sorted(want)):
    assert abs(g[0] - w[0]) <= 1e-4 and abs(g[1] - w[1]) <= 1e-4 and g[2] == w[2], (g, w)
EOF
else
    echo "note: python3-mne not installed: the MNE checks are skipped"
fi
echo "ok"
