"""ltr.read: every format libltr-io reads, with the sidecar's channel types."""
import struct

import numpy as np
import pytest

import ltr


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
