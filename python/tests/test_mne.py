"""MNE interchange (skipped without MNE: Debian python3-mne)."""
import numpy as np
import pytest

import ltr
from conftest import acc_response, twitch_signal

mne = pytest.importorskip("mne")


def test_events_become_annotations_and_back():
    x, onsets = twitch_signal()
    df = ltr.detect(x, 2000, mains_hz=0)
    ann = ltr.to_mne_annotations(df)
    assert len(ann) == len(df)
    np.testing.assert_allclose(ann.onset, df.onset)
    np.testing.assert_allclose(ann.duration, df.duration.fillna(0))
    assert list(ann.description) == list(df.trial_type)
    # Attached to a Raw, and read back by MNE's own event conversion.
    info = mne.create_info(["EMG1"], 2000.0, ["emg"])
    raw = mne.io.RawArray(x.T.astype(np.float64), info, verbose=False)
    raw.set_annotations(ann)
    events, ids = mne.events_from_annotations(raw, verbose=False)
    assert len(events[events[:, 2] == ids["twitch"]]) == 3


def test_from_mne_gives_what_read_gives():
    x, onsets = twitch_signal()
    acc = acc_response(len(x), onsets)[:, :1]
    info = mne.create_info(["EMG1", "ACC X", "ECG"], 2000.0, ["emg", "misc", "ecg"])
    raw = mne.io.RawArray(np.hstack([x, acc, 0 * acc]).T, info, verbose=False)
    raw.info["line_freq"] = 50.0
    y, fs, chans = ltr.from_mne(raw)
    assert y.dtype == np.float32 and y.shape == (len(x), 3) and fs == 2000.0
    assert list(chans.type) == ["EMG", "ACC", "other"]
    assert chans.attrs["power_line_hz"] == 50.0
    df = ltr.detect(y[:, :2], fs, sensors=["emg", "acc"], mains_hz=0)
    assert (df.trial_type == "twitch").sum() == 3
