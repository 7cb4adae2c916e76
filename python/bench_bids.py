#!/usr/bin/env python3
"""Throughput of `ltr bids` and of ltr.dask on a BIDS-EMG dataset (issue 13 target).

Makes N one-minute recordings (default 100; 4 channels at 2 kHz: 1 EMG + 3 accelerometer
axes, EDF with *_channels.tsv and *_emg.json, a twitch-like burst every 7.3 s), then
times `ltr bids -j J` and ltr.dask.detect_many on a LocalCluster of J single-threaded
worker processes (J default 2), each into its own derivatives folder, and checks that
both wrote the same files byte for byte. Prints files/s and MB/s (of EDF read).
usage: LTR_LIB_DIR=build:build/lib/io python3 python/bench_bids.py LTR [--files N] [--jobs J]
"""
import argparse
import filecmp
import os
import pathlib
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ltr.dask  # noqa: E402

FS = 2000


def write_edf(path, x, labels, units, phys):
    """x: (n, channels) float in physical units; 1-s records of 16-bit samples (Kemp 1992)."""
    n, n_sig = x.shape
    head = ("0".ljust(8) + "X X X X".ljust(80) + "Startdate X X X X".ljust(80) + "01.01.01" +
            "00.00.00" + str(256 * (n_sig + 1)).ljust(8) + "".ljust(44) +
            str(n // FS).ljust(8) + "1".ljust(8) + str(n_sig).ljust(4))
    cols = [[l.ljust(16) for l in labels], ["".ljust(80)] * n_sig, [u.ljust(8) for u in units],
            [f"{-p:g}".ljust(8) for p in phys], [f"{p:g}".ljust(8) for p in phys],
            ["-32768".ljust(8)] * n_sig, ["32767".ljust(8)] * n_sig, ["".ljust(80)] * n_sig,
            [str(FS).ljust(8)] * n_sig, ["".ljust(32)] * n_sig]
    head += "".join("".join(c) for c in cols)
    d = np.empty_like(x, dtype="<i2")
    for c in range(n_sig):
        d[:, c] = np.clip(np.round(x[:, c] / phys[c] * 32767.5 - 0.5), -32768, 32767)
    with open(path, "wb") as f:
        f.write(head.encode("ascii"))
        for r in range(n // FS):
            f.write(np.ascontiguousarray(d[r * FS:(r + 1) * FS].T).tobytes())


def make_dataset(root, n_files):
    rng = np.random.default_rng(1)
    (root / "dataset_description.json").write_text('{"Name": "bench", "BIDSVersion": "1.9.0"}')
    for i in range(1, n_files + 1):
        d = root / f"sub-{i:03d}" / "emg"
        d.mkdir(parents=True)
        stem = d / f"sub-{i:03d}_task-needling"
        x = rng.normal(0, 0.01, (60 * FS, 4))
        x[:, 1:] = rng.normal(0, 0.001, (60 * FS, 3))
        for t0 in np.arange(3.0 + i % 5, 59.0, 7.3):
            k = int(t0 * FS)
            x[k:k + 160, 0] += 0.3 * rng.normal(0, 1, 160) * np.hanning(160)
            x[k + 40:k + 440, 1:] += (0.05 * np.sin(np.arange(400) / 10.0) *
                                      np.hanning(400))[:, None]
        write_edf(f"{stem}_emg.edf", x, ["EMG", "AX", "AY", "AZ"], ["mV", "g", "g", "g"],
                  [2.0, 0.5, 0.5, 0.5])
        (pathlib.Path(f"{stem}_channels.tsv")).write_text(
            "name\ttype\tunits\nEMG\tEMG\tmV\nAX\tACCEL\tg\nAY\tACCEL\tg\nAZ\tACCEL\tg\n")
        (pathlib.Path(f"{stem}_emg.json")).write_text('{"PowerLineFrequency": 50}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ltr")
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    from distributed import Client, LocalCluster
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp) / "ds"
        root.mkdir()
        make_dataset(root, a.files)
        mb = sum(p.stat().st_size for p in root.rglob("*.edf")) / 1e6
        t = time.perf_counter()
        subprocess.run([a.ltr, "bids", "-j", str(a.jobs), "--no-progress", str(root),
                        "-o", f"{tmp}/c"], check=True, stdout=subprocess.DEVNULL)
        t_bids = time.perf_counter() - t
        with LocalCluster(n_workers=a.jobs, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            client.run(lambda: __import__("ltr"))  # workers import the package first
            t = time.perf_counter()
            ev = ltr.dask.detect_many(root, client, out=f"{tmp}/dask")
            t_dask = time.perf_counter() - t
        files = sorted(p.relative_to(f"{tmp}/c") for p in pathlib.Path(f"{tmp}/c").rglob(
            "*_events.tsv"))
        same = all(filecmp.cmp(f"{tmp}/c/{f}", f"{tmp}/dask/{f}", shallow=False) for f in files)
        assert len(files) == a.files, len(files)
    tw = int((ev.trial_type == "twitch").sum())
    print(f"{a.files} recordings x 60 s, 4 channels at {FS} Hz, EDF ({mb:.1f} MB), "
          f"{a.jobs} workers; {tw} twitches")
    print(f"ltr bids -j {a.jobs}:          {t_bids:6.2f} s  {a.files / t_bids:6.1f} files/s "
          f"{mb / t_bids:6.1f} MB/s")
    print(f"ltr.dask LocalCluster({a.jobs}): {t_dask:6.2f} s  {a.files / t_dask:6.1f} files/s "
          f"{mb / t_dask:6.1f} MB/s")
    print(f"identical events files: {'yes' if same else 'NO'} ({len(files)} files)")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
