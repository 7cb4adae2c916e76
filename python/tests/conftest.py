"""Shared helpers of the Python tests: where the C tool, the layout probe and data/ are."""
import os
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def data_dir():
    return pathlib.Path(os.environ.get("LTR_DATA_DIR", ROOT / "data"))


@pytest.fixture
def data():
    d = data_dir()
    if not (d / "stim.flac").exists():
        pytest.skip(f"no data/ recordings in {d}")
    return d


def acc_response(n, onsets, fs=2000.0, seed=2):
    """Three accelerometer axes (n, 3): background noise and, 20 ms after each onset, the
    muscle's mechanical twitch (a 10 Hz half-wave bump, 200 ms): what an accelerometer on
    the muscle sees of an LTR (the core drops EMG twitches it does not see, acc_confirms)."""
    rng = np.random.default_rng(seed)
    a = rng.normal(0.0, 1e-3, (n, 3))
    k = int(0.2 * fs)
    bump = 0.05 * np.sin(np.pi * np.arange(k) / k) * np.sin(2 * np.pi * 10 * np.arange(k) / fs)
    for t0 in onsets:
        i = int((t0 + 0.02) * fs)
        a[i:i + k] += bump[:max(0, min(k, n - i)), None]
    return a.astype(np.float32)


def twitch_signal(fs=2000.0, seconds=8.0, onsets=(2.0, 4.0, 6.0), burst_s=0.08, seed=1):
    """Surface-EMG-like noise with bursts of 150 Hz-ish activity at the given onsets:
    (x float32 (n, 1), onsets). Bursts are 30x the background's RMS (about 30 dB SNR)."""
    rng = np.random.default_rng(seed)
    n = int(fs * seconds)
    x = rng.normal(0.0, 0.01, n)
    t = np.arange(n) / fs
    for t0 in onsets:
        m = (t >= t0) & (t < t0 + burst_s)
        x[m] += 0.3 * rng.normal(0.0, 1.0, m.sum()) * np.hanning(m.sum())
    return x.astype(np.float32)[:, None], list(onsets)


def write_edf(path, signals, fs, labels, units, phys=(-5.0, 5.0)):
    """A minimal EDF (Kemp et al. 1992): one-second records of 16-bit samples."""
    n_sig = len(signals)
    n_rec = len(signals[0]) // int(fs)
    head = ("0".ljust(8) + "X X X X".ljust(80) + "Startdate X X X X".ljust(80) +
            "01.01.01" + "00.00.00" + str(256 * (n_sig + 1)).ljust(8) + "".ljust(44) +
            str(n_rec).ljust(8) + "1".ljust(8) + str(n_sig).ljust(4))
    cols = [[l.ljust(16) for l in labels], ["".ljust(80)] * n_sig, [u.ljust(8) for u in units],
            [f"{phys[0]:g}".ljust(8)] * n_sig, [f"{phys[1]:g}".ljust(8)] * n_sig,
            ["-32768".ljust(8)] * n_sig, ["32767".ljust(8)] * n_sig, ["".ljust(80)] * n_sig,
            [str(int(fs)).ljust(8)] * n_sig, ["".ljust(32)] * n_sig]
    head += "".join("".join(c) for c in cols)
    scale = 65535.0 / (phys[1] - phys[0])
    digital = [np.round((np.asarray(s) - phys[0]) * scale - 32768).astype("<i2")
               for s in signals]
    with open(path, "wb") as f:
        f.write(head.encode("ascii"))
        for r in range(n_rec):
            for d in digital:
                f.write(d[r * int(fs):(r + 1) * int(fs)].tobytes())


@pytest.fixture
def dataset(tmp_path):
    root = tmp_path / "ds"
    (root / "sub-01" / "emg").mkdir(parents=True)
    (root / "sub-02" / "ses-1" / "emg").mkdir(parents=True)
    (root / "dataset_description.json").write_text('{"Name": "t", "BIDSVersion": "1.9.0"}')
    for sub, onsets in (("sub-01/emg/sub-01_task-n", (2.0, 4.0, 6.0)),
                        ("sub-02/ses-1/emg/sub-02_ses-1_task-n", (3.0, 5.0))):
        x, _ = twitch_signal(fs=1000.0, seconds=8.0, onsets=onsets)
        noise = np.random.default_rng(9).normal(0, 0.01, len(x))
        write_edf(root / f"{sub}_emg.edf", [x[:, 0], noise], 1000, ["A", "B"], ["mV", "mV"],
                  phys=(-2.0, 2.0))
        (root / f"{sub}_channels.tsv").write_text(
            "name\ttype\tunits\nA\tEMG\tmV\nB\tMISC\tmV\n")
        (root / f"{sub}_emg.json").write_text('{"PowerLineFrequency": 50}')
    return root


@pytest.fixture
def cli():
    exe = os.environ.get("LTR_CLI")
    if not exe:
        pytest.skip("LTR_CLI (the ltr tool: build/cli/ltr) not set")
    return exe
