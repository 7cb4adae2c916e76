#!/usr/bin/env python3
# Instructions per sample of ltr_detector_process, counted by valgrind's
# callgrind (repeatable on a noisy machine), and the core's hot spots.
#
# For each configuration the driver (bench_ir) runs twice, a short and a long
# stream, with --toggle-collect=ltr_detector_process: only instructions inside
# the processing call are counted. (Ir(long) - Ir(short)) / extra samples is
# the steady-state cost per sample, free of start-up and warm-up. The long run
# of the first configuration is then annotated (callgrind_annotate) for the
# functions that take the most instructions.
#
# Exits 77 (meson: skipped) when valgrind is not installed.
#
# usage: callgrind.py --driver PATH [--outdir DIR] [--json PATH] [--quick]
# SPDX-License-Identifier: BSD-3-Clause
import argparse
import json
import os
import re
import shutil
import subprocess
import sys

# name, rate Hz, channels, accelerometer channels, short s, long s, block
CONFIGS = [
    ("1 emg @ 2 kHz", 2000, 1, 0, 2.0, 12.0, 32),
    ("1 emg @ 10 kHz", 10000, 1, 0, 1.0, 4.0, 32),
    ("4 emg @ 2 kHz", 2000, 4, 0, 2.0, 6.0, 32),
    ("1 emg + 3 acc @ 2 kHz", 2000, 4, 3, 2.0, 6.0, 32),
    ("16 emg @ 2 kHz", 2000, 16, 0, 1.0, 3.0, 32),
    ("1 emg @ 2 kHz, block 1", 2000, 1, 0, 2.0, 6.0, 1),
]

ANNOTATE_LINE = re.compile(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*?)\s*$")


def run_callgrind(valgrind, driver, outfile, cfg, seconds):
    _, rate, ch, acc, _, _, block = cfg
    cmd = [valgrind, "--tool=callgrind", "--toggle-collect=ltr_detector_process",
           "--callgrind-out-file=" + outfile, driver, str(rate), str(ch), str(acc),
           str(seconds), str(block)]
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit("callgrind run failed: " + " ".join(cmd))
    m = re.search(r"samples (\d+)", r.stdout)
    samples = int(m.group(1)) if m else 0
    total = None
    with open(outfile) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    if total is None:
        raise SystemExit("no totals in " + outfile)
    return total, samples


def annotate(annotate_tool, outfile, top):
    r = subprocess.run([annotate_tool, "--inclusive=no", "--auto=no", "--threshold=99", outfile],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rows = []
    if r.returncode != 0:
        return rows, r.stderr
    in_table = False
    for line in r.stdout.splitlines():
        if "file:function" in line:
            in_table = True
            continue
        m = ANNOTATE_LINE.match(line)
        if not in_table or not m:
            continue
        where = re.sub(r"\s*\[[^\]]*\]$", "", m.group(3))  # drop the object file
        where = re.sub(r"^.*?/(lib/|sysdeps/)", r"\1", where)  # shorten the path
        rows.append({"ir": int(m.group(1).replace(",", "")), "percent": float(m.group(2)),
                     "function": where})
        if len(rows) >= top:
            break
    return rows, r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--driver", required=True)
    ap.add_argument("--outdir", default=".")
    ap.add_argument("--json", default=None)
    ap.add_argument("--quick", action="store_true")
    a = ap.parse_args()
    json_path = a.json or os.path.join(os.environ.get("LTR_BENCH_JSON_DIR", a.outdir),
                                       "callgrind.json")

    valgrind = shutil.which("valgrind")
    if not valgrind:
        print("valgrind not found: instruction counts skipped")
        return 77
    annotate_tool = shutil.which("callgrind_annotate")
    os.makedirs(a.outdir, exist_ok=True)
    configs = CONFIGS[:2] if a.quick else CONFIGS

    print("libltr: instructions (Ir) per sample inside ltr_detector_process, valgrind callgrind")
    print("steady state: (Ir(long run) - Ir(short run)) / extra samples\n")
    print("%-24s %7s %7s %12s %12s" % ("configuration", "short", "long", "Ir/sample", "Ir/frame"))
    results = []
    profile_file = None
    for i, cfg in enumerate(configs):
        name, short, long_ = cfg[0], cfg[4], cfg[5]
        f_short = os.path.join(a.outdir, "callgrind.out.%d.short" % i)
        f_long = os.path.join(a.outdir, "callgrind.out.%d.long" % i)
        ir_s, n_s = run_callgrind(valgrind, a.driver, f_short, cfg, short)
        ir_l, n_l = run_callgrind(valgrind, a.driver, f_long, cfg, long_)
        per_sample = (ir_l - ir_s) / float(n_l - n_s)
        per_frame = per_sample * cfg[2]
        print("%-24s %6.1fs %6.1fs %12.1f %12.1f" % (name, short, long_, per_sample, per_frame))
        results.append({"name": name, "rate_hz": cfg[1], "channels": cfg[2],
                        "acc_channels": cfg[3], "block": cfg[6], "ir_short": ir_s,
                        "ir_long": ir_l, "samples_short": n_s, "samples_long": n_l,
                        "ir_per_sample": per_sample, "ir_per_frame": per_frame,
                        "ir_per_sample_incl_warmup": ir_l / float(n_l)})
        if i == 0:
            profile_file = f_long
        else:
            os.remove(f_long)
        os.remove(f_short)

    hot = []
    if annotate_tool and profile_file:
        hot, _ = annotate(annotate_tool, profile_file, 15)
        print("\nHot spots (self Ir) of ltr_detector_process, %s, %s:" %
              (configs[0][0], os.path.basename(profile_file)))
        print("%14s %7s  %s" % ("Ir", "share", "function"))
        for h in hot:
            print("%14d %6.2f%%  %s" % (h["ir"], h["percent"], h["function"]))
        print("\n(line level: callgrind_annotate --auto=yes %s)" % profile_file)

    with open(json_path, "w") as f:
        json.dump({"benchmark": "callgrind", "results": results, "hot_spots": hot,
                   "profile_file": profile_file}, f, indent=2)
        f.write("\n")
    print("\nJSON: %s" % json_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
