#!/usr/bin/env python3
# `ltr analyze` against `ltr detect` on the same long multichannel file: wall
# and CPU time, peak resident memory (bench_rusage), at two lengths so that
# memory can be seen not to grow with the recording.
#
# Three runs per length: ltr detect; ltr analyze (detector included); ltr
# analyze --events with the detector's own twitches (the analysis alone).
# Input: bench_analyze_input's 16-channel 2 kHz float WAV (simulated
# surface_acc sessions), 10 and 60 minutes (quick: 1 and 6). Each program
# runs once per length, one after the other, OPENBLAS_NUM_THREADS=1 (one
# core), the file read once beforehand so that both find it in the page cache.
#
# usage: analyze.py --ltr PATH --input-tool PATH --rusage PATH [--outdir DIR]
#                   [--json PATH] [--quick]
# SPDX-License-Identifier: GPL-2.0-or-later
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def run_child(rusage, cmd, env):
    """Run cmd under bench_rusage: (status, max RSS kB, wall s, user+sys s)."""
    t0 = time.monotonic()
    r, w = os.pipe()
    p = subprocess.Popen([rusage, "--fd", str(w), "--"] + cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, pass_fds=(w,), env=env)
    os.close(w)
    err = p.stderr.read()
    code = p.wait()
    wall = time.monotonic() - t0
    with os.fdopen(r) as report:
        words = report.read().split()
    get = lambda k: float(words[words.index(k) + 1]) if k in words else -1.0
    if code != 0:
        sys.stderr.write(err.decode(errors="replace"))
    return code, int(get("maxrss_kb")), wall, get("utime_s") + get("stime_s")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ltr", required=True)
    ap.add_argument("--input-tool", required=True)
    ap.add_argument("--rusage", required=True)
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--json")
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    minutes = [1, 6] if a.quick else [10, 60]
    rows = []
    print("ltr analyze vs ltr detect, 16 channels at 2000 Hz (float WAV), one core")
    print()
    print("%-22s %7s %10s %9s %9s %11s" % ("program", "minutes", "file MB", "wall s", "cpu s",
                                           "max RSS kB"))
    with tempfile.TemporaryDirectory(dir=a.outdir) as tmp:
        for m in minutes:
            wav = os.path.join(tmp, "bench16_%dmin.wav" % m)
            subprocess.run([a.input_tool, wav, str(m)], check=True)
            with open(wav, "rb") as f:  # into the page cache: both runs read from memory
                while f.read(1 << 24):
                    pass
            mb = os.path.getsize(wav) / 1e6
            res = {}
            ev = os.path.join(tmp, "ev.tsv")
            for name, cmd in (("detect", [a.ltr, "detect", "-q", "-o", ev, wav]),
                              ("analyze", [a.ltr, "analyze", "-q", "-d", tmp, wav]),
                              # the analysis alone: the detector's twitches given
                              ("analyze --events", [a.ltr, "analyze", "-q", "-d", tmp,
                                                    "--events", ev, wav])):
                code, rss, wall, cpu = run_child(a.rusage, cmd, env)
                if code != 0:
                    print("%s failed (exit %d)" % (name, code))
                    return 1
                res[name] = {"wall_s": wall, "cpu_s": cpu, "maxrss_kb": rss}
                print("%-22s %7d %10.0f %9.2f %9.2f %11d" % ("ltr " + name, m, mb, wall, cpu, rss))
            with open(os.path.join(tmp, "bench16_%dmin_features.tsv" % m)) as f:
                twitches = sum(1 for _ in f) - 1
            ratio = res["analyze"]["cpu_s"] / res["detect"]["cpu_s"]
            print("%-22s %7d  analyze/detect CPU time %.2f, %d twitches" % ("", m, ratio, twitches))
            rows.append({"minutes": m, "file_mb": mb, "twitches": twitches, "ratio_cpu": ratio, **res})
            os.unlink(wav)
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"rows": rows}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
