#!/bin/sh
# Interrupted runs leave no debris (issue 8.3): ltr detect and ltr batch,
# stopped by SIGINT, SIGTERM or SIGHUP in the middle of an input, remove their
# temporary files and end by the signal (exit status 128 + N); batch first
# writes summary.tsv with what finished and says it was interrupted; a rerun
# removes the temporaries that a killed run (SIGKILL) left.
#
# The inputs are FIFOs that this script holds open, so a run is stopped in the
# middle of its input for certain, whatever the machine's speed.
# SPDX-License-Identifier: BSD-3-Clause
. "$(dirname "$0")/common.sh" "$@"

"$GEN" --duration 12 --bursts 2,4.5,7,9.5 raw-f32 sig.f32
RAW="--raw f32le --rate 2000 --channels 1"
# 5 s of samples: enough for the first twitches to be written.
head -c $((2000 * 5 * 4)) sig.f32 > part.f32

# A background job of a non-interactive shell ignores SIGINT (and a program keeps an
# ignored signal ignored); GNU env can restore its default for the SIGINT cases.
if env --default-signal=INT true 2>/dev/null; then
    DFL_INT="env --default-signal=INT"
else
    DFL_INT=""
fi

signum() { case $1 in INT) echo 2 ;; HUP) echo 1 ;; TERM) echo 15 ;; esac; }

# wait_for GLOB: until a file matching GLOB exists (10 s at most).
wait_for() {
    i=0
    while [ $i -lt 100 ]; do
        for f in $1; do [ -e "$f" ] && return 0; done
        sleep 0.1
        i=$((i + 1))
    done
    fail "nothing matching $1 appeared"
}

no_debris() {
    left=$(find "$1" -name '*.tmp-*' | tr '\n' ' ')
    [ -z "$left" ] || fail "$2: temporaries left: $left"
}

# --- ltr detect -o FILE, stopped in the middle of a stream -----------------------
for sig in INT TERM HUP; do
    pre=""
    if [ $sig = INT ]; then
        [ -n "$DFL_INT" ] || { echo "skip: SIGINT (no env --default-signal)"; continue; }
        pre=$DFL_INT
    fi
    rm -f detect.fifo && mkfifo detect.fifo
    exec 3<>detect.fifo
    # shellcheck disable=SC2086
    $pre "$LTR" detect -q $RAW -o out.tsv - < detect.fifo 2> detect.err &
    pid=$!
    cat part.f32 >&3
    wait_for 'out.tsv.tmp-*'
    sleep 0.3
    kill -$sig $pid
    set +e
    wait $pid
    rc=$?
    set -e
    exec 3>&-
    [ $rc -eq $((128 + $(signum $sig))) ] || fail "detect, SIG$sig: exit status $rc, expected $((128 + $(signum $sig)))"
    [ ! -e out.tsv ] || fail "detect, SIG$sig: a partial out.tsv was left"
    no_debris . "detect, SIG$sig"
done

# --- a rerun removes what a killed run left --------------------------------------
# A temporary of ours whose process is gone (this short-lived shell's id) goes; one
# whose process is alive (pid 1) may be a run in progress and stays; other names stay.
dead=$(sh -c 'echo $$')
echo partial > "out.tsv.tmp-$dead-0"
echo busy > out.tsv.tmp-1-0
echo mine > out.tsv.tmp-notes
expect_rc 0 "$LTR" detect -q $RAW -o out.tsv sig.f32
[ -s out.tsv ] || fail "rerun: no out.tsv"
[ ! -e "out.tsv.tmp-$dead-0" ] || fail "rerun: the stale temporary of a dead process was kept"
[ -e out.tsv.tmp-1-0 ] || fail "rerun: the temporary of a live process was removed"
[ -e out.tsv.tmp-notes ] || fail "rerun: a file not named like our temporaries was removed"
grep -q "removed 1 temporary file of out.tsv left by an interrupted run" err.txt ||
    fail "rerun: no word of the removed temporary: $(cat err.txt)"
rm -f out.tsv.tmp-1-0 out.tsv.tmp-notes

# --- ltr batch -j 2: two inputs finish, two are cut, one never starts ------------
mkdir in
cp sig.f32 in/a.f32
cp sig.f32 in/b.f32
mkfifo in/c.f32 in/d.f32
cp sig.f32 in/e.f32
for sig in TERM INT HUP; do
    pre=""
    if [ $sig = INT ]; then
        [ -n "$DFL_INT" ] || { echo "skip: SIGINT (no env --default-signal)"; continue; }
        pre=$DFL_INT
    fi
    rm -rf out
    exec 4<>in/c.f32 5<>in/d.f32
    # shellcheck disable=SC2086
    $pre "$LTR" batch -j 2 $RAW -o out in > batch.out 2> batch.err &
    pid=$!
    cat part.f32 >&4
    cat part.f32 >&5
    wait_for 'out/c_events.tsv.tmp-*'
    wait_for 'out/d_events.tsv.tmp-*'
    [ -f out/a_events.tsv ] && [ -f out/b_events.tsv ] || fail "batch: a and b should be done"
    sleep 0.3
    kill -$sig $pid
    set +e
    wait $pid
    rc=$?
    set -e
    exec 4>&- 5>&-
    [ $rc -eq $((128 + $(signum $sig))) ] || fail "batch, SIG$sig: exit status $rc: $(cat batch.err)"
    no_debris out "batch, SIG$sig"
    grep -q "interrupted by SIG$sig: 2 of 5 recordings finished, 2 cut short (no output), 1 not started; out/summary.tsv lists them" batch.err ||
        fail "batch, SIG$sig: stderr does not say it was interrupted: $(cat batch.err)"
    [ -f out/summary.tsv ] || fail "batch, SIG$sig: no summary.tsv"
    [ "$(awk -F'\t' 'NR > 1' out/summary.tsv | wc -l)" -eq 5 ] || fail "batch, SIG$sig: 5 summary rows expected"
    awk -F'\t' '$1 == "in/a.f32" && $2 == "ok" && $4 == 4 && $7 == "out/a_events.tsv" { ok = 1 } END { exit !ok }' out/summary.tsv ||
        fail "batch, SIG$sig: row of a: $(grep a.f32 out/summary.tsv)"
    for f in c d; do
        awk -F'\t' -v f="in/$f.f32" -v code=$((128 + $(signum $sig))) -v s="SIG$sig" \
            '$1 == f && $2 == "interrupted" && $7 == "n/a" && $8 == code && index($9, "interrupted by " s) { ok = 1 } END { exit !ok }' out/summary.tsv ||
            fail "batch, SIG$sig: row of $f: $(grep $f.f32 out/summary.tsv)"
        [ ! -e out/${f}_events.tsv ] || fail "batch, SIG$sig: $f, cut short, has an output"
    done
    awk -F'\t' '$1 == "in/e.f32" && $2 == "not_run" && $8 == "n/a" { ok = 1 } END { exit !ok }' out/summary.tsv ||
        fail "batch, SIG$sig: row of e: $(grep e.f32 out/summary.tsv)"
    check_onsets out/a_events.tsv "2.0 4.5 7.0 9.5"
done

# A second signal does not wait: the run ends at once, still without debris.
rm -rf out
exec 4<>in/c.f32 5<>in/d.f32
# shellcheck disable=SC2086
"$LTR" batch -j 2 $RAW -o out in > batch.out 2> batch.err &
pid=$!
wait_for 'out/c_events.tsv.tmp-*'
wait_for 'out/d_events.tsv.tmp-*'
kill -TERM $pid
sleep 0.1
kill -TERM $pid 2>/dev/null || true
set +e
wait $pid
rc=$?
set -e
exec 4>&- 5>&-
[ $rc -eq 143 ] || fail "batch, two SIGTERMs: exit status $rc"
no_debris out "batch, two SIGTERMs"

# A rerun after SIGKILL (nothing can clean up then): the stale temporaries of our
# outputs and summary go, with a word; a file of someone else's stays.
rm -rf out
mkdir out
echo partial > "out/c_events.tsv.tmp-$dead-0"
echo partial > "out/summary.tsv.tmp-$dead-2"
echo partial > "out/a_events.json.tmp-$dead-0"
echo theirs > "out/notes.txt.tmp-$dead-0"
rm in/c.f32 in/d.f32
expect_rc 0 "$LTR" batch -j 2 $RAW -o out in
grep -q "removed 3 temporary files left by an interrupted run in out" err.txt ||
    fail "batch rerun: no word of the removed temporaries: $(cat err.txt)"
[ -e "out/notes.txt.tmp-$dead-0" ] || fail "batch rerun: removed a file that is not ours"
rm "out/notes.txt.tmp-$dead-0"
no_debris out "batch rerun"
awk -F'\t' 'NR > 1 && $2 != "ok" { exit 1 }' out/summary.tsv || fail "batch rerun: every row should be ok"
echo "ok"
