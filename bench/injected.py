#!/usr/bin/python3
"""Real backgrounds with real evoked bursts injected: how libltr does on what it never saw.

No public recording of local twitch responses with annotations exists, so this builds the
closest honest stand-in from ../shared/data (read in place, never copied): real EMG
backgrounds (surface rest, concentric-needle EMG, trunk EMG with heavy ECG) with real
motor-evoked potentials (MEPFeatX, the trials whose reference amplitude is >= 50 uV)
cut out of their TMS trials (from 5 ms before the reference latency, so the TMS artifact
stays out) and added at random times 2-5 s apart, scaled to 3-20 dB over the background
(the burst's RMS over its reference duration against the background's RMS in the EMG
band, 30-450 Hz, over the whole record). The truth onset is the reference latency's sample. Each recording is written
as a float WAV with a sidecar (channel type EMG, no mains given: the detector finds it),
run through `ltr detect` with no options and scored with `ltr eval` (50 ms tolerance, as
the simulated scenarios).

Beside libltr, the five classic onset detectors of bench/baselines run on the same files
(bench_baselines, built beside the tool in build/bench/): the first EMG channel, libltr's
front end, and a rest reference taken OFFLINE from the whole record (the 500 ms window of
median power), an advantage libltr, which learns its background as it goes, does not have.
A table gives each method's F1 per background and pooled, and which one wins; a second
gives them the rest an online detector has instead (the 500 ms from 0.5 s, before the
first MEP at >= 1.5 s).

usage: bench/injected.py LTR DATA_DIR [--seeds 1-3] [--keep DIR] [--baselines BENCH_BASELINES]
Needs numpy and scipy (Debian: python3-numpy python3-scipy). Deterministic per seed.
SPDX-License-Identifier: BSD-3-Clause
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import scipy.io.wavfile as wavfile
import scipy.signal as sps

MEP_FS = 3000.0
MEP_PULSE = 150  # row of the TMS pulse in the MEPFeatX trials


def read_backgrounds(data):
    """(name, fs, samples) of each background: stretches at rest or with their own
    nuisances, none with evoked bursts of its own."""
    out = []
    # surface EMG near rest, 1 kHz, 12-bit counts (BioSPPy)
    x = np.loadtxt(os.path.join(data, "biosppy", "emg.txt"), comments="#")
    out.append(("biosppy rest (surface 1 kHz)", 1000.0, x - np.median(x)))
    # concentric-needle EMG, 4 kHz, 16-bit, 10000 counts/mV (PhysioNet emgdb)
    for rec in ("emg_healthy", "emg_myopathy"):
        raw = np.fromfile(os.path.join(data, "physionet-emgdb", rec + ".dat"), dtype="<i2")
        out.append((f"emgdb {rec[4:]} (needle 4 kHz)", 4000.0, raw.astype(float) / 10000.0))
    # trunk EMG with heavy ECG, 2048 Hz (emgGO), two of its eight channels
    path = os.path.join(data, "emggo", "ecg_contaminated.csv")
    m = np.loadtxt(path, delimiter=",", skiprows=2)
    for ch in (0, 3):
        out.append((f"emggo ECG ch{ch + 1} (trunk 2048 Hz)", 2048.0, m[:, ch]))
    return out


def read_meps(data):
    """MEP bursts at 3 kHz, each from 5 ms before its reference latency to 10 ms past its
    reference duration, with the onset's index in the cut."""
    out = []
    d = os.path.join(data, "mepfeatx-tms-mep")
    for sub in ("ID01", "ID03", "ID05", "ID06", "ID10_1"):
        m = np.loadtxt(os.path.join(d, "csv", sub + ".csv"), delimiter=",", skiprows=2)
        with open(os.path.join(d, "reference", "features", sub + "_features.csv")) as f:
            feats = list(csv.DictReader(f))
        for t, row in enumerate(feats):
            try:
                amp, lat, dur = float(row["Amplitude"]), float(row["Latency"]), float(row["Duration"])
            except ValueError:
                continue
            if not (amp >= 50.0 and np.isfinite(lat) and np.isfinite(dur) and dur > 0):
                continue
            on = MEP_PULSE + int(round(lat * MEP_FS / 1000.0))
            a = on - int(0.005 * MEP_FS)
            b = min(on + int((dur + 10.0) * MEP_FS / 1000.0), m.shape[0])
            if a <= MEP_PULSE + int(0.008 * MEP_FS) or b - a < 30:
                continue  # too close to the TMS pulse to cut it out clean
            seg = m[a:b, t] - np.median(m[a:on, t])
            seg *= sps.windows.tukey(len(seg), 0.2)
            out.append((seg, on - a, dur / 1000.0))
    return out


def band_rms(x, fs):
    """RMS of x in the EMG band (30 Hz up to 450 Hz, or 0.45 fs)."""
    hi = min(450.0, 0.45 * fs)
    sos = sps.butter(4, [30.0, hi], btype="band", fs=fs, output="sos")
    return np.sqrt(np.mean(sps.sosfiltfilt(sos, x) ** 2))


def build(bg_name, fs, bg, meps, rng):
    x = bg.astype(float).copy()
    noise = band_rms(x, fs)
    truth = []
    t = 1.0 + rng.uniform(0.5, 2.0)  # after the detector's warm-up
    while True:
        seg, on, dur = meps[rng.integers(len(meps))]
        y = sps.resample_poly(seg, int(round(fs)), int(MEP_FS)) if fs != MEP_FS else seg.copy()
        on_y = int(round(on * fs / MEP_FS))
        n_dur = max(int(dur * fs), 4)
        snr_db = rng.uniform(3.0, 20.0)
        rms = np.sqrt(np.mean(y[on_y:on_y + n_dur] ** 2))
        if not rms > 0:
            continue
        y *= noise * 10.0 ** (snr_db / 20.0) / rms
        start = int(t * fs)
        if start + len(y) >= len(x) - int(0.5 * fs):
            break
        x[start:start + len(y)] += y
        truth.append(((start + on_y) / fs, dur, snr_db))
        t += len(y) / fs + rng.uniform(2.0, 5.0)
    return x, truth


def write(path, fs, x, units):
    wavfile.write(path + ".wav", int(round(fs)), x.astype(np.float32))
    side = {"SamplingFrequency": fs, "Channels": [{"index": 0, "name": "emg0", "type": "EMG", "units": units}]}
    with open(path + ".json", "w") as f:
        json.dump(side, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("ltr")
    ap.add_argument("data")
    ap.add_argument("--seeds", default="1-3", help="first-last (default 1-3)")
    ap.add_argument("--keep", help="write the recordings, truth and detections here")
    ap.add_argument("--baselines", help="bench_baselines (default: bench/bench_baselines of "
                    "LTR's build directory; the table shows libltr alone without it)")
    a = ap.parse_args()
    if a.baselines is None:
        guess = os.path.join(os.path.dirname(os.path.abspath(a.ltr)), "..", "bench", "bench_baselines")
        a.baselines = guess if os.access(guess, os.X_OK) else None
    lo, hi = (int(v) for v in a.seeds.split("-"))
    work = a.keep or tempfile.mkdtemp(prefix="ltr-injected.")
    os.makedirs(work, exist_ok=True)
    bgs = read_backgrounds(a.data)
    meps = read_meps(a.data)
    print(f"{len(meps)} MEPs (MEPFeatX, amplitude >= 50 uV), {len(bgs)} backgrounds, seeds {lo}-{hi}")
    rows = []
    methods = ["libltr"]  # then the baselines, in bench_baselines' order
    rests = (("offline", []), ("online", ["--rest-at", "0.5"]))
    for bi, (name, fs, bg) in enumerate(bgs):
        pairs = {"libltr": []}
        for seed in range(lo, hi + 1):
            rng = np.random.default_rng(1000 * seed + bi)
            x, truth = build(name, fs, bg, meps, rng)
            base = os.path.join(work, f"bg{bi}_s{seed}")
            write(base, fs, x, "mV")
            with open(base + "_events.tsv", "w") as f:
                f.write("onset\tduration\ttrial_type\tsnr_db\n")
                for on, dur, snr in truth:
                    f.write(f"{on:.6f}\t{dur:.6f}\tltr\t{snr:.2f}\n")
            subprocess.run([a.ltr, "detect", "-q", "-o", base + "_det.tsv", base + ".wav"], check=True)
            pairs["libltr"] += [base + "_det.tsv", base + "_events.tsv"]
            for rest, opt in rests if a.baselines else ():
                out = os.path.join(work, rest)
                os.makedirs(out, exist_ok=True)
                r = subprocess.run([a.baselines, "--out-dir", out] + opt + [base + ".wav"],
                                   check=True, capture_output=True, text=True)
                for line in r.stdout.splitlines():  # "METHOD  N twitches  PATH"
                    m, path = line.split()[0], line.split()[-1]
                    if m not in methods:
                        methods.append(m)
                    pairs.setdefault((m, rest), []).extend([path, base + "_events.tsv"])
        scores = {}
        for m, p in pairs.items():
            r = subprocess.run([a.ltr, "eval", "--json"] + p, check=True, capture_output=True, text=True)
            j = json.loads(r.stdout)
            scores[m] = j.get("pooled", j)
        rows.append((name, scores))
    def f1(tp, fp, fn):
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    print("\nlibltr (`ltr detect`, no options, online)\n")
    print("| background | bursts | TP | FP | FN | F1 | onset error, median of abs (ms) |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    T = {}
    for name, scores in rows:
        for m, j in scores.items():
            t = T.get(m, [0, 0, 0])
            T[m] = [t[0] + j["tp"], t[1] + j["fp"], t[2] + j["fn"]]
        j = scores["libltr"]
        tp, fp, fn = j["tp"], j["fp"], j["fn"]
        err = j.get("onset_error_abs_median_s")
        err = f"{1000 * err:.1f}" if err is not None else "-"
        print(f"| {name} | {tp + fn} | {tp} | {fp} | {fn} | {f1(tp, fp, fn):.3f} | {err} |")
    tp, fp, fn = T["libltr"]
    print(f"| **pooled** | {tp + fn} | {tp} | {fp} | {fn} | **{f1(tp, fp, fn):.3f}** | |")
    if len(methods) == 1:
        return 0

    # F1 of every method; the best of each row in bold, and named
    def key(m, rest):
        return m if m == "libltr" else (m, rest)

    for rest, title in (("offline", "offline rest: the 500 ms window of median power of the "
                         "whole record"),
                        ("online", "online rest: the 500 ms from 0.5 s, what a device has when "
                         "it starts")):
        print(f"\nF1 beside the classic baselines ({title})\n")
        print("| background | " + " | ".join(methods) + " | best |")
        print("|---|" + "--:|" * len(methods) + "---|")
        table = [(name, {m: f1(scores[key(m, rest)]["tp"], scores[key(m, rest)]["fp"],
                               scores[key(m, rest)]["fn"]) for m in methods})
                 for name, scores in rows]
        table.append(("**pooled**", {m: f1(*T[key(m, rest)]) for m in methods}))
        for name, f in table:
            top = max(f.values())
            cells = [f"**{f[m]:.3f}**" if f[m] == top else f"{f[m]:.3f}" for m in methods]
            print(f"| {name} | " + " | ".join(cells) + " | " +
                  ", ".join(m for m in methods if f[m] == top) + " |")
        print("\npooled TP / FP / FN: " + ", ".join(
            f"{m} {T[key(m, rest)][0]} / {T[key(m, rest)][1]} / {T[key(m, rest)][2]}"
            for m in methods))
    return 0


if __name__ == "__main__":
    sys.exit(main())
