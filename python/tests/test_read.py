"""ltr.read: every format libltr-io reads, with the sidecar's channel types."""
import numpy as np
import pytest

import ltr
from conftest import write_edf


def test_flac_with_its_sidecar(data):
    x, fs, chans = ltr.read(data / "stim.flac")
    assert x.dtype == np.float32 and x.shape == (240000, 4) and fs == 4000.0
    assert list(chans.name) == ["emg0", "acc_x", "acc_y", "acc_z"]
    assert list(chans.type) == ["EMG", "ACC", "ACC", "ACC"]
    assert (chans.type_source == "json").all()
    assert chans.attrs["power_line_hz"] == 50.0 and chans.attrs["rate_source"] == "header"
    assert np.abs(x).max() <= 1.0  # integer PCM scaled to +-1 full scale


def test_select_channels_by_name_and_index(data):
    x, _, _ = ltr.read(data / "stim.flac")
    y, _, chans = ltr.read(data / "stim.flac", channels=["acc_z", 0])
    assert list(chans.name) == ["acc_z", "emg0"]
    np.testing.assert_array_equal(y, x[:, [3, 0]])


def test_edf_labels_and_units(tmp_path):
    fs = 500
    t = np.arange(4 * fs) / fs
    emg = 0.5 * np.sin(2 * np.pi * 40 * t)
    acc = 0.1 * np.cos(2 * np.pi * 7 * t)
    ecg = np.zeros_like(t)
    write_edf(tmp_path / "r.edf", [emg, acc, ecg], fs, ["EMG tib", "ACC X", "ECG"],
              ["mV", "g", "mV"])
    x, rate, chans = ltr.read(tmp_path / "r.edf")
    assert rate == 500.0 and x.shape == (2000, 3)
    assert list(chans.type) == ["EMG", "ACC", "other"]
    assert list(chans.type_source) == ["label"] * 3
    assert list(chans.unit) == ["mV", "g", "mV"]
    np.testing.assert_allclose(x[:, 0], emg, atol=2e-4)  # 16-bit over +-5 mV
    np.testing.assert_allclose(x[:, 1], acc, atol=2e-4)


def test_csv_rate_from_time_column(tmp_path):
    p = tmp_path / "r.csv"
    t = np.arange(600) / 1000.0
    with open(p, "w") as f:
        f.write("time,emg,acc_x\n")
        for i, ti in enumerate(t):
            f.write(f"{ti:.3f},{np.sin(i / 5):.6f},{i * 1e-3:.6f}\n")
    x, fs, chans = ltr.read(p)
    assert fs == pytest.approx(1000.0) and x.shape == (600, 2)
    assert chans.attrs["rate_source"] == "time column"
    assert list(chans.type) == ["EMG", "ACC"]
    assert x[10, 1] == pytest.approx(0.010)


def test_raw_f32(tmp_path):
    y = np.arange(3000, dtype="<f4").reshape(1000, 3)
    (tmp_path / "r.f32").write_bytes(y.tobytes())
    x, fs, chans = ltr.read(tmp_path / "r.f32", format="f32le", raw_channels=3, rate=2000)
    np.testing.assert_array_equal(x, y)
    assert fs == 2000.0 and len(chans) == 3


def test_errors_name_the_file(tmp_path):
    with pytest.raises(ltr.Error, match="nope.flac") as e:
        ltr.read(tmp_path / "nope.flac")
    assert e.value.status == -2  # LTR_IO_ERR_OPEN
    (tmp_path / "bad.csv").write_text("emg\n0.1\nabc\n")
    with pytest.raises(ltr.Error, match="bad.csv:3") as e:
        ltr.read(tmp_path / "bad.csv", rate=1000)
    assert e.value.status == -6  # LTR_IO_ERR_DATA
    with pytest.raises(ltr.Error, match="channel"):
        ltr.read(tmp_path / "bad.csv", rate=1000, channels=["nothere"])


def test_wfdb_real_record_matches_its_bytes():
    # PhysioNet EMG database (Goldberger et al. 2000), format 16, read two ways: libltr-io
    # and the bytes decoded here with the header's gain and baseline.
    import os
    import pathlib
    d = pathlib.Path(os.environ.get("LTR_REAL_DATA_DIR", "/work/shared/data")) / "physionet-emgdb"
    hea = d / "emg_healthy.hea"
    if not hea.exists():
        pytest.skip(f"{hea} not here")
    x, fs, chans = ltr.read(hea)
    assert fs == 4000.0 and x.shape == (50860, 1)
    assert chans.type.iloc[0] == "EMG" and chans.unit.iloc[0] == "mV"
    fields = hea.read_text().splitlines()[1].split()
    gain, baseline = float(fields[2].split("/")[0]), float(fields[4])  # ADC zero
    raw = np.fromfile(d / fields[0], dtype="<i2").astype(np.float64)
    np.testing.assert_allclose(x[:, 0], (raw - baseline) / gain, rtol=1e-6, atol=1e-9)
