#!/usr/bin/env python3
"""What the Python binding costs over C (issue 13 target: ltr.detect < 10 % over the C tool).

One hour of 4 channels at 2 kHz (EMG + 3 accelerometer axes, noise with a burst every
7.3 s) is written as raw f32le, then timed, interleaved, --repeat times each:
  tool     `ltr detect --raw f32le ... FILE -o /dev/null` (reads the file, detects, writes)
  core     the C detector alone on the array in memory, one ctypes call (no Python work)
  detect   ltr.detect(x, fs, ...) on the same array: chunking, events, the DataFrame
  read     ltr.read(FILE): libltr-io into a NumPy array
Medians and minima (s); a shared machine makes the minimum the fairer figure.
usage: LTR_LIB_DIR=build:build/lib/io python3 python/bench_overhead.py LTR [--repeat N] [--hours H]
"""
import argparse
import ctypes
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ltr  # noqa: E402
from ltr import _lib, detector  # noqa: E402

FS = 2000.0
SENSORS = "emg,acc,acc,acc"


def make(path, hours):
    rng = np.random.default_rng(0)
    n = int(FS * 3600 * hours)
    x = rng.normal(0.0, 0.01, (n, 4)).astype(np.float32)
    for t0 in np.arange(5.0, n / FS - 1.0, 7.3):
        i = int(t0 * FS)
        x[i:i + 160, 0] += (0.3 * rng.normal(0, 1, 160) * np.hanning(160)).astype(np.float32)
        bump = 0.05 * np.sin(np.arange(400) / 10.0) * np.hanning(400)
        x[i + 40:i + 440, 1:] += bump.astype(np.float32)[:, None]
    x.tofile(path)
    return x


def core_only(x):
    cfg = detector.make_config(FS, 4, SENSORS, mains_hz=0)
    det = ctypes.c_void_p()
    _lib.detector_create(ctypes.byref(det), ctypes.byref(cfg))
    cap = _lib.detector_max_events(det, len(x))
    buf = np.empty(cap, ltr.EVENT_DTYPE)
    n = ctypes.c_size_t()
    _lib.detector_process(det, x.ctypes.data, len(x), buf.ctypes.data, cap, ctypes.byref(n))
    k = n.value
    _lib.detector_flush(det, buf[k:].ctypes.data, cap - k, ctypes.byref(n))
    _lib.detector_destroy(det)
    ev = buf[:k + n.value]
    return int(((ev["kind"] == _lib.EVENT_END)).sum())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ltr")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--hours", type=float, default=1.0)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "hour.f32")
        x = make(path, a.hours)
        ltr.detect(x[:20000], FS, sensors=SENSORS, mains_hz=0)  # imports pandas once
        tool = [a.ltr, "detect", "-q", "--raw", "f32le", "--rate", "2000", "--channels", "4",
                "--emg", "0", "--acc", "1-3", "--mains", "0", path, "-o", os.devnull]
        t = {"tool": [], "core": [], "detect": [], "read": []}
        counts = {}
        for _ in range(a.repeat):
            s = time.perf_counter()
            subprocess.run(tool, check=True)
            t["tool"].append(time.perf_counter() - s)
            s = time.perf_counter()
            counts["core"] = core_only(x)
            t["core"].append(time.perf_counter() - s)
            s = time.perf_counter()
            df = ltr.detect(x, FS, sensors=SENSORS, mains_hz=0)
            t["detect"].append(time.perf_counter() - s)
            counts["detect"] = int((df.trial_type != "artifact").sum())
            s = time.perf_counter()
            y, _, _ = ltr.read(path, format="f32le", raw_channels=4, rate=FS)
            t["read"].append(time.perf_counter() - s)
            assert y.shape == x.shape
        assert counts["core"] == counts["detect"], counts
    print(f"{a.hours:g} h, 4 channels at {FS:g} Hz ({x.nbytes / 1e6:.0f} MB float32), "
          f"{counts['detect']} twitches, {a.repeat} interleaved runs")
    print(f"{'':8} {'min s':>8} {'median s':>9}")
    for k, v in t.items():
        print(f"{k:8} {min(v):8.3f} {statistics.median(v):9.3f}")
    for base in ("core", "tool"):
        print(f"ltr.detect over {base}: min {100 * (min(t['detect']) / min(t[base]) - 1):+.1f} %, "
              f"median {100 * (statistics.median(t['detect']) / statistics.median(t[base]) - 1):+.1f} %")
    both = [r + d for r, d in zip(t["read"], t["detect"])]
    print(f"ltr.read + ltr.detect over the tool: min {100 * (min(both) / min(t['tool']) - 1):+.1f} %, "
          f"median {100 * (statistics.median(both) / statistics.median(t['tool']) - 1):+.1f} %")


if __name__ == "__main__":
    main()
