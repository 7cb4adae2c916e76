#!/bin/sh
# Every recording of data/ is what its command in data/recordings.tsv makes,
# bit for bit: the recording, its _events.tsv and its .json sidecar. Also:
# data/README.md gives each command exactly, data/ holds nothing else, and
# stays under 25 MB.
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: test_regenerate.sh LTR DATA_DIR

set -eu
[ $# -eq 2 ] || { echo "usage: $0 LTR DATA_DIR" >&2; exit 2; }
LTR=$1
DATA=$2
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-data-test.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
TAB=$(printf '\t')
failed=0

fail() {
    echo "FAIL: $*" >&2
    failed=1
}

# The libFLAC that encoded a file (FLAC frames are only reproducible with the same one).
flac_vendor() {
    grep -a -o 'reference libFLAC [0-9.]* [0-9]*' "$1" | head -n 1 || true
}

expected="README.md recordings.tsv"
n=0
while IFS=$TAB read -r name file sim det; do
    case $name in '' | '#'*) continue ;; esac
    n=$((n + 1))
    stem=${file%.*}
    expected="$expected $file ${stem}_events.tsv $stem.json"
    # shellcheck disable=SC2086 # the arguments are a word list on purpose
    if ! "$LTR" simulate $sim -q -o "$WORK/$file"; then
        fail "$name: 'ltr simulate $sim -o $file' failed"
        continue
    fi
    for f in "$file" "${stem}_events.tsv" "$stem.json"; do
        if [ ! -f "$DATA/$f" ]; then
            fail "$name: data/$f is missing (regenerate: ltr simulate $sim -o data/$file)"
        elif ! cmp -s "$DATA/$f" "$WORK/$f"; then
            fail "$name: data/$f differs from what 'ltr simulate $sim -o data/$file' writes now"
            case $f in
                *.flac)
                    a=$(flac_vendor "$DATA/$f")
                    b=$(flac_vendor "$WORK/$f")
                    [ "$a" = "$b" ] ||
                        echo "  (encoded by '$a', this build's libsndfile uses '$b':" \
                            "FLAC frames differ between libFLAC versions)" >&2
                    ;;
                *.tsv | *.json) diff "$DATA/$f" "$WORK/$f" | head -n 10 >&2 || true ;;
            esac
        fi
    done
    grep -qF "ltr simulate $sim -o data/$file" "$DATA/README.md" ||
        fail "$name: data/README.md does not give the command 'ltr simulate $sim -o data/$file'"
    grep -qF "ltr detect $det data/$file" "$DATA/README.md" ||
        fail "$name: data/README.md does not give the command 'ltr detect $det data/$file'"
done <"$DATA/recordings.tsv"

[ "$n" -ge 10 ] || fail "data/recordings.tsv lists $n recordings (expected about ten)"

# Nothing in data/ that the list does not account for.
for path in "$DATA"/* "$DATA"/.[!.]*; do
    [ -e "$path" ] || continue
    f=$(basename "$path")
    case " $expected " in
        *" $f "*) ;;
        *) fail "data/$f is not a recording listed in data/recordings.tsv" ;;
    esac
done

kb=$(du -sk "$DATA" | cut -f1)
[ "$kb" -lt 25600 ] || fail "data/ holds $kb KiB: keep it under 25 MB"

[ "$failed" -eq 0 ] || exit 1
echo "$n recordings regenerated bit for bit; data/ is $kb KiB"
