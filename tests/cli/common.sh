# Shared by the end-to-end tests of the `ltr` tool (sourced, POSIX sh).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage in a test: . "$(dirname "$0")/common.sh" "$@"
#   $1: the ltr executable, $2: ltr-testgen
# Gives: $LTR, $GEN, $WORK (a fresh temporary folder, removed at exit),
# fail MESSAGE, expect_rc WANT CMD..., onsets FILE (the twitch onsets of an
# events.tsv), check_onsets FILE "2.0 4.5 7.0" (every expected onset found
# within 40 ms, and nothing else).

set -eu
# Absolute paths: the tests run in their own folder.
abspath() {
    case $1 in
        /*) echo "$1" ;;
        *) echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
    esac
}
LTR=$(abspath "$1")
GEN=$(abspath "$2")
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-cli-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# expect_rc WANT CMD...: run CMD (stdout to out.txt, stderr to err.txt), check its exit code.
expect_rc() {
    want=$1
    shift
    set +e
    "$@" >out.txt 2>err.txt
    rc=$?
    set -e
    if [ "$rc" -ne "$want" ]; then
        echo "--- stderr:" >&2
        cat err.txt >&2
        fail "'$*' exited $rc, expected $want"
    fi
}

# The onsets (column 1) of the twitch rows (trial_type, column 3) of a TSV events file.
onsets() {
    awk -F'\t' 'NR > 1 && $3 == "twitch" { print $1 }' "$1"
}

check_onsets() {
    file=$1
    expected=$2
    got=$(onsets "$file" | tr '\n' ' ')
    n_got=$(onsets "$file" | wc -l)
    n_want=$(echo "$expected" | wc -w)
    [ "$n_got" -eq "$n_want" ] || fail "$file: $n_got twitches ($got), expected $n_want ($expected)"
    for t in $expected; do
        onsets "$file" | awk -v t="$t" 'BEGIN { ok = 0 } { d = $1 - t; if (d < 0) d = -d; if (d <= 0.04) ok = 1 } END { exit !ok }' ||
            fail "$file: no twitch onset within 40 ms of $t s (got: $got)"
    done
}
