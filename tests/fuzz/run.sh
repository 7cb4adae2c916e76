#!/bin/sh
# Runs the libFuzzer harnesses of a -Dfuzzing build, each for a bounded time,
# and fails on any crash, sanitizer report, leak, timeout, memory blow-up or
# broken invariant. CI runs it (.ci/run); long campaigns too (README.md here).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: tests/fuzz/run.sh [-t SECONDS] [-o DIR] [-m] [-f] BUILD_DIR [HARNESS...]
#   -t SECONDS  time per harness (default 55: seven harnesses in under 7 minutes)
#   -o DIR      keep the new inputs and crash reproducers there (default: a
#               temporary folder, removed at the end unless something failed)
#   -m          afterwards merge the new inputs that add coverage into
#               tests/fuzz/corpus/<harness>/ (libFuzzer -merge=1: minimal set)
#   -f          campaign mode: -fork=1 -ignore_crashes=1 (one job at a time),
#               every distinct crash is saved and the run goes on
#   HARNESS     core reader_sndfile reader_edf reader_text reader_raw reader_wfdb
#               reader_mat (default: all that the build has; reader_mat needs matio)
#
# The committed corpus is read only: libFuzzer writes what it finds to DIR/<h>/new.
# Each harness runs in its own process with a per-input time limit (-timeout),
# RSS and malloc limits, leak detection on and the LeakSanitizer suppressions
# of lsan.supp (third-party code only). The harnesses keep no state between
# inputs (EDF files are closed, the in-memory file is rewritten), so they are
# as safe under -fork and -jobs as in one process.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
seconds=55
out=
merge=0
fork=0
while getopts t:o:mf opt; do
    case $opt in
        t) seconds=$OPTARG ;;
        o) out=$OPTARG ;;
        m) merge=1 ;;
        f) fork=1 ;;
        *) sed -n '6,20p' "$0" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { sed -n '6,20p' "$0" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
if [ $# -gt 0 ]; then
    harnesses=$*
else
    harnesses=
    for h in core reader_sndfile reader_edf reader_text reader_raw reader_wfdb reader_mat; do
        [ -x "$build/tests/fuzz/fuzz-$h" ] && harnesses="$harnesses $h"
    done
fi

keep=1
if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/ltr-fuzz.XXXXXX")
    keep=0
fi
mkdir -p "$out"

# Sanitizer settings: leaks are errors, third-party ones named in lsan.supp are not.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=1:allocator_may_return_null=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$here/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}halt_on_error=1:print_stacktrace=1"

# Longest input per harness: room for a cut of a recording, not for megabytes.
max_len() {
    case $1 in
        core) echo 65536 ;;
        reader_sndfile) echo 131072 ;;
        *) echo 65536 ;;
    esac
}
dict() {
    case $1 in
        reader_text) echo "-dict=$here/text.dict" ;;
        reader_sndfile) echo "-dict=$here/sndfile.dict" ;;
        reader_edf) echo "-dict=$here/edf.dict" ;;
        reader_wfdb) echo "-dict=$here/wfdb.dict" ;;
    esac
}

failed=
ran=0
printf '%-16s %12s %10s %8s  %s\n' harness executions exec/s corpus result
for h in $harnesses; do
    bin=$build/tests/fuzz/fuzz-$h
    if [ ! -x "$bin" ]; then
        echo "run.sh: $bin: not built (meson setup -Dfuzzing=enabled with CC=clang)" >&2
        exit 2
    fi
    work=$out/$h
    mkdir -p "$work/new" "$work/artifacts"
    extra=
    [ "$fork" = 1 ] && extra="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1"
    set +e
    # shellcheck disable=SC2046,SC2086
    nice -n "${LTR_FUZZ_NICE:-10}" "$bin" \
        -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -malloc_limit_mb=2048 \
        -max_len="$(max_len "$h")" $(dict "$h") -detect_leaks=1 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/" $extra \
        "$work/new" "$here/corpus/$h" > "$work/log" 2>&1
    rc=$?
    set -e
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -n 1)
    if [ -z "$execs" ]; then # fork mode prints no final stats: the last status line
        execs=$(grep -o '^#[0-9]*' "$work/log" | tail -n 1 | tr -d '#')
    fi
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/log" | tail -n 1)
    crashes=$(find "$work/artifacts" -type f | wc -l)
    result=ok
    if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
        result="FAILED (exit $rc, $crashes reproducer(s))"
        failed="$failed $h"
    fi
    printf '%-16s %12s %10s %8s  %s\n' "$h" "${execs:-?}" "${rate:-?}" \
        "$(find "$work/new" -type f | wc -l)" "$result"
    ran=$((ran + 1))
    if [ "$merge" = 1 ]; then
        "$bin" -merge=1 -max_len="$(max_len "$h")" "$here/corpus/$h" "$work/new" \
            > "$work/merge.log" 2>&1 || failed="$failed $h(merge)"
    fi
done

if [ -n "$failed" ]; then
    for h in $failed; do
        h=${h%(merge)}
        echo
        echo "=== $h: $out/$h/log (last lines)"
        grep -E 'ltr-fuzz:|ERROR|SUMMARY|leak|Test unit written' "$out/$h/log" | tail -n 20
        n=0
        for f in "$out/$h"/artifacts/*; do
            [ -f "$f" ] || continue
            n=$((n + 1))
            [ "$n" -le 5 ] || continue
            echo "reproducer: $f"
            echo "  replay:   $build/tests/fuzz/fuzz-$h $f"
            echo "  keep it:  cp $f $here/corpus/$h/crash-<what> (the fuzz_$h test then replays it)"
        done
        [ "$n" -le 5 ] || echo "... and $((n - 5)) more reproducer(s) in $out/$h/artifacts"
    done
    echo
    echo "run.sh: FAILED:$failed" >&2
    exit 1
fi
[ "$keep" = 1 ] || rm -rf "$out"
echo "run.sh: $ran harness(es), no crash, leak or broken invariant"
