#!/usr/bin/env python3
# Peak resident memory (maximum RSS) of a long stream: it must stay flat as
# the recording grows. Two lengths, 10 and 60 minutes, of a 4-channel 10 kHz
# recording (quick: 1 and 6 minutes):
#
#  - `ltr detect --raw s16le` on a raw file written by `bench_stream write`
#    (only when the ltr tool is built; the file is deleted afterwards);
#  - `bench_stream detect`: the same recording generated in 1024-frame chunks
#    and streamed through one detector inside one process (always).
#
# The RSS of each child is read from wait4()'s rusage, by bench_rusage: Linux
# keeps ru_maxrss across execve(), so a child forked by this script would
# report at least Python's own ~15 MB (which is what this table showed until
# bench_rusage: 14768 kB for every program and length).
#
# usage: rss.py --stream PATH --rusage PATH [--ltr PATH] [--outdir DIR] [--json PATH] [--quick]
# SPDX-License-Identifier: BSD-3-Clause
import argparse
import json
import os
import subprocess
import sys
import time

RATE = 10000
CHANNELS = 4


RUSAGE = None  # bench_rusage


def run_child(cmd):
    """Run cmd under bench_rusage, return (exit status, max RSS kB, seconds, stdout)."""
    t0 = time.monotonic()
    r, w = os.pipe()
    p = subprocess.Popen([RUSAGE, "--fd", str(w), "--"] + cmd, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, pass_fds=(w,))
    os.close(w)
    out = p.stdout.read()
    p.stdout.close()
    code = p.wait()
    dt = time.monotonic() - t0
    with os.fdopen(r) as report:
        words = report.read().split()
    rss = int(words[words.index("maxrss_kb") + 1]) if "maxrss_kb" in words else -1
    text = out.decode(errors="replace")
    if code != 0:
        sys.stderr.write(text)
    return code, rss, dt, text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stream", required=True)
    ap.add_argument("--rusage", required=True, help="bench_rusage")
    ap.add_argument("--ltr", default="")
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    global RUSAGE
    RUSAGE = a.rusage
    json_path = a.json or os.path.join(os.environ.get("LTR_BENCH_JSON_DIR", a.outdir), "rss.json")
    minutes = [1, 6] if a.quick else [10, 60]
    have_ltr = bool(a.ltr) and os.access(a.ltr, os.X_OK)

    print("Peak resident memory, %d channels at %d Hz" % (CHANNELS, RATE))
    if not have_ltr:
        print("(the ltr tool is not built: only the in-process streaming driver is measured)")
    print()
    print("%-34s %8s %12s %10s %10s" % ("program", "minutes", "samples", "max RSS", "seconds"))
    rows = []
    for m in minutes:
        secs = 60.0 * m
        samples = int(secs * RATE) * CHANNELS
        rc, rss, dt, out = run_child([a.stream, "detect", str(secs), str(RATE), str(CHANNELS)])
        if rc != 0:
            raise SystemExit("bench_stream detect failed")
        rows.append({"program": "bench_stream detect (in-process)", "minutes": m,
                     "samples": samples, "max_rss_kb": rss, "seconds": dt})
        print("%-34s %8d %12d %8d kB %9.1fs" % (rows[-1]["program"], m, samples, rss, dt))
        if have_ltr:
            path = os.path.join(a.outdir, "rss_%dmin.s16" % m)
            rc, _, wdt, _ = run_child([a.stream, "write", path, str(secs), str(RATE),
                                       str(CHANNELS)])
            if rc != 0:
                raise SystemExit("bench_stream write failed")
            try:
                rc, rss, dt, _ = run_child([a.ltr, "detect", "--raw", "s16le", "--rate",
                                            str(RATE), "--channels", str(CHANNELS), "--gain",
                                            "0.1", "--quiet", "-o", os.devnull, path])
            finally:
                os.remove(path)
            if rc != 0:
                raise SystemExit("ltr detect failed (status %d)" % rc)
            rows.append({"program": "ltr detect --raw s16le (file)", "minutes": m,
                         "samples": samples, "max_rss_kb": rss, "seconds": dt,
                         "file_bytes": samples * 2})
            print("%-34s %8d %12d %8d kB %9.1fs" % (rows[-1]["program"], m, samples, rss, dt))

    flat = {}
    for prog in sorted(set(r["program"] for r in rows)):
        rs = [r["max_rss_kb"] for r in rows if r["program"] == prog]
        growth = rs[-1] - rs[0]
        flat[prog] = {"growth_kb": growth, "flat": growth <= 1024}
        print("%s: %d min -> %d min: %+d kB (%s)" % (prog, minutes[0], minutes[-1], growth,
                                                    "flat" if growth <= 1024 else "GROWS"))
    with open(json_path, "w") as f:
        json.dump({"benchmark": "rss", "rate_hz": RATE, "channels": CHANNELS,
                   "ltr_cli": have_ltr, "results": rows, "flat": flat}, f, indent=2)
        f.write("\n")
    print("\nJSON: %s" % json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
