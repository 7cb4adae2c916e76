"""MNE-Python interchange (optional: Debian python3-mne)."""

import numpy as np

from . import _lib


def _mne():
    try:
        import mne
    except ImportError:
        raise ImportError("MNE-Python is not installed (Debian: apt-get install python3-mne)") \
            from None
    return mne


def to_annotations(events, orig_time=None):
    mne = _mne()
    onset = np.asarray(events["onset"], dtype=np.float64)
    duration = np.nan_to_num(np.asarray(events["duration"], dtype=np.float64), nan=0.0)
    return mne.Annotations(onset=onset, duration=duration,
                           description=[str(t) for t in events["trial_type"]],
                           orig_time=orig_time)


def from_raw(raw, picks=None):
    import pandas as pd
    _mne()
    if picks is not None:
        raw = raw.copy().pick(picks)
    x = np.ascontiguousarray(raw.get_data().T, dtype=np.float32)
    fs = float(raw.info["sfreq"])
    rows = []
    for i, (name, kind) in enumerate(zip(raw.ch_names, raw.get_channel_types())):
        if kind == "emg":
            typ, src = "EMG", "mne"
        else:
            code = _lib.io_channel_type_guess(name.encode(), b"")
            typ, src = _lib.IO_TYPE_NAMES.get(code, "unknown"), "label"
            if typ == "unknown" and kind in ("eeg", "ecg", "eog", "stim", "resp", "bio"):
                typ, src = "other", "mne"
        rows.append({"index": i, "name": name, "file_name": name, "type": typ,
                     "type_source": src, "unit": "V" if kind in ("emg", "eeg", "ecg", "eog")
                     else "", "sample_rate_hz": fs, "n_samples": x.shape[0],
                     "range_min": np.nan, "range_max": np.nan, "full_scale": 0.0,
                     "bad": name in raw.info["bads"]})
    chans = pd.DataFrame(rows)
    line = raw.info.get("line_freq")
    chans.attrs.update({"path": None, "format": "mne.io.Raw", "rate_source": "header",
                        "power_line_hz": float(line) if line else 0.0})
    return x, fs, chans


