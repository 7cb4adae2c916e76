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
