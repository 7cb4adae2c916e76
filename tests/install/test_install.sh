#!/bin/sh
# What `meson install` gives works as README says (issue 13): installed into a
# DESTDIR, the ltr tool runs with no LD_LIBRARY_PATH (its rpath finds the installed
# libltr-io.so.1 and libltr.so.1, not the build tree's), examples/device_loop.c
# builds with README's pkg-config line and runs, and a CMake project finds libltr
# with find_package(libltr) and links the static archive (skipped without cmake).
# SPDX-License-Identifier: BSD-3-Clause
#
# usage: sh tests/install/test_install.sh BUILD_DIR SOURCE_DIR CC PREFIX LIBDIR BINDIR

set -eu
BUILD=$1 SRC=$2 CC=$3 PREFIX=$4 LIBDIR=$5 BINDIR=$6
WORK=$(mktemp -d "${TMPDIR:-/tmp}/ltr-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
case $LIBDIR in /*) ;; *) LIBDIR=$PREFIX/$LIBDIR ;; esac
case $BINDIR in /*) ;; *) BINDIR=$PREFIX/$BINDIR ;; esac
ROOT=$WORK/root

meson install -C "$BUILD" --no-rebuild --quiet --destdir "$ROOT" >"$WORK/install.log" 2>&1 ||
    { cat "$WORK/install.log" >&2; fail "meson install --destdir failed"; }
LTR=$ROOT$BINDIR/ltr
[ -x "$LTR" ] || fail "no $LTR after meson install"
for f in libltr.so.1 libltr.a libltr-io.so.1 pkgconfig/libltr.pc cmake/libltr/libltrConfig.cmake \
         cmake/libltr/libltrConfigVersion.cmake; do
    [ -e "$ROOT$LIBDIR/$f" ] || fail "$LIBDIR/$f not installed"
done

# 1. The installed tool, with nothing on the library path, loads the installed libraries.
unset LD_LIBRARY_PATH
if command -v ldd >/dev/null 2>&1; then
    ldd "$LTR" >"$WORK/ldd" 2>&1 || true
    for lib in libltr.so.1 libltr-io.so.1; do
        found=$(awk -v lib="$lib" '$1 == lib && $2 == "=>" { print ($3 == "not" ? "(not found)" : $3) }' "$WORK/ldd")
        [ -n "$found" ] && [ "$(realpath "$found")" = "$(realpath "$ROOT$LIBDIR/$lib")" ] ||
            { cat "$WORK/ldd" >&2; fail "installed ltr loads $lib from '$found', not the install"; }
    done
fi
"$LTR" --version >/dev/null || fail "installed ltr --version failed"
"$LTR" detect -q "$SRC/data/stim.flac" -o "$WORK/ev.tsv" || fail "installed ltr detect failed"
[ "$(grep -c '	twitch	' "$WORK/ev.tsv")" -gt 5 ] || fail "installed ltr found no twitches in data/stim.flac"

# 2. README's link line for device makers, against the installed libltr.pc. pkg-config's
# sysroot prefixes the DESTDIR to -I and -L as a real install would not need.
PKG_CONFIG_PATH=$ROOT$LIBDIR/pkgconfig PKG_CONFIG_SYSROOT_DIR=$ROOT
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR
flags=$(pkg-config --cflags --libs libltr) || fail "pkg-config does not find the installed libltr"
case $flags in *"$ROOT"*) ;; *) fail "pkg-config flags do not point into the install: $flags" ;; esac
# shellcheck disable=SC2086 # the flags are a word list
"$CC" -std=c11 -o "$WORK/device_loop" "$SRC/examples/device_loop.c" $flags -lm ||
    fail "README's line: cc examples/device_loop.c \$(pkg-config --cflags --libs libltr) -lm"
LD_LIBRARY_PATH=$ROOT$LIBDIR "$WORK/device_loop" >"$WORK/loop.txt" || fail "device_loop failed"
[ "$(grep -c '^END' "$WORK/loop.txt")" -ge 5 ] || fail "device_loop reported fewer than 5 twitches"
# The static archive as firmware links it: libltr.a and libm, nothing else.
# shellcheck disable=SC2046
"$CC" -std=c11 -o "$WORK/device_loop_static" "$SRC/examples/device_loop.c" \
    $(pkg-config --cflags libltr) "$ROOT$LIBDIR/libltr.a" -lm || fail "static link failed"
cmp -s "$WORK/loop.txt" "$(cd "$WORK" && "$WORK/device_loop_static" >loop_static.txt && echo "$WORK/loop_static.txt")" ||
    fail "static and shared device_loop differ"

# 3. CMake: find_package(libltr) from the installed tree.
if command -v cmake >/dev/null 2>&1; then
    cmake -S "$SRC/tests/install/cmake" -B "$WORK/cmake" -DCMAKE_C_COMPILER="$CC" \
        -DCMAKE_PREFIX_PATH="$ROOT$PREFIX" -DLTR_EXAMPLE="$SRC/examples/device_loop.c" \
        >"$WORK/cmake.log" 2>&1 || { cat "$WORK/cmake.log" >&2; fail "cmake: find_package(libltr) failed"; }
    cmake --build "$WORK/cmake" >>"$WORK/cmake.log" 2>&1 ||
        { cat "$WORK/cmake.log" >&2; fail "cmake --build against libltr::ltr_static failed"; }
    "$WORK/cmake/device_loop_static" >"$WORK/loop_cmake.txt" || fail "CMake-built device_loop failed"
    cmp -s "$WORK/loop.txt" "$WORK/loop_cmake.txt" || fail "CMake-built device_loop differs"
    LD_LIBRARY_PATH=$ROOT$LIBDIR "$WORK/cmake/device_loop_shared" >/dev/null ||
        fail "CMake-built device_loop (libltr::ltr) failed"
    echo "CMake: find_package(libltr) and libltr::ltr_static, libltr::ltr work"
else
    echo "cmake not installed: the CMake config was installed but not tried"
fi
echo "installed tree works: ltr, pkg-config link line, static archive"
