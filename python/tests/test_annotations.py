"""EDF+ annotations: ltr.read_annotations, and ltr.detect_file's device marks from them, as
`ltr detect` takes them (the file written through libltr-io's EDF+ writer, via ctypes)."""
import ctypes
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import ltr
from ltr import _lib
from conftest import twitch_signal

ANNOTATIONS = [(3.0, "Needle insertion"), (5.5, "Stimulus"), (6.0, "Patient moved")]


def write_edfplus(path, x, fs, annotations):
    """x (n, 1) in mV through ltr_io_edf_writer_*, with annotations (onset, text)."""
    io = _lib.io
    P = ctypes.POINTER
    w_p = ctypes.c_void_p
    io.ltr_io_edf_writer_open.argtypes = [P(w_p), ctypes.c_char_p, ctypes.c_int, ctypes.c_double,
                                          P(_lib.IoChannel), ctypes.c_uint, ctypes.c_uint64,
                                          ctypes.c_size_t, P(_lib.IoError)]
    io.ltr_io_edf_writer_write.argtypes = [w_p, ctypes.c_void_p, ctypes.c_size_t]
    io.ltr_io_edf_writer_annotate.argtypes = [w_p, ctypes.c_double, ctypes.c_double,
                                              ctypes.c_char_p]
    io.ltr_io_edf_writer_close.argtypes = [w_p, P(ctypes.c_uint64), P(_lib.IoError)]
    ch = _lib.IoChannel()
    ch.name, ch.unit = b"EMG1", b"mV"
    ch.has_range, ch.range_min, ch.range_max = 1, -50.0, 50.0
    w, err = w_p(), _lib.IoError()
    assert io.ltr_io_edf_writer_open(ctypes.byref(w), str(path).encode(), 0, fs, ctypes.byref(ch),
                                     1, len(x), len(annotations), ctypes.byref(err)) == 0, \
        err.message
    a = np.ascontiguousarray(x, dtype=np.float32)
    assert io.ltr_io_edf_writer_write(w, a.ctypes.data, len(a)) == 0
    for onset, text in annotations:
        assert io.ltr_io_edf_writer_annotate(w, onset, -1.0, text.encode()) == 0
    assert io.ltr_io_edf_writer_close(w, None, ctypes.byref(err)) == 0, err.message


@pytest.fixture
def edfplus(tmp_path):
    x, onsets = twitch_signal(fs=2000.0, seconds=10.0, onsets=(2.0, 4.5, 7.0))
    path = tmp_path / "rec.edf"
    write_edfplus(path, x * 10.0, 2000.0, ANNOTATIONS)
    return path, onsets


def marked(df):
    rows = df[(df.trial_type == "artifact") & df["flags"].fillna("").str.contains("marked")]
    return [(round(o, 3), "needle" if "needle" in f else "stim")
            for o, f in zip(rows.onset, rows["flags"])]


def test_read_annotations(edfplus):
    path, _ = edfplus
    a = ltr.read_annotations(path)
    assert list(a.columns) == ["onset", "duration", "description", "mark"]
    assert a.description.tolist() == [t for _, t in ANNOTATIONS]
    np.testing.assert_allclose(a.onset, [o for o, _ in ANNOTATIONS], atol=1e-9)
    assert a.duration.isna().all()
    assert a.mark.tolist() == ["insertion", "stim", None]  # an insertion: a new needling site
    assert ltr.mark_kind("Patient moved", {"patient MOVED": "needle"}) == "needle"
    assert ltr.mark_kind("Stimulus", {"patient moved": "needle"}) is None


def test_annotations_are_marks_as_in_the_tool(edfplus, tmp_path):
    path, onsets = edfplus
    py = ltr.detect_file(path)
    assert marked(py) == [(3.0, "needle"), (5.5, "stim")]
    tw = py[py.trial_type == "twitch"].onset.to_numpy()
    assert len(tw) == len(onsets) and np.all(np.abs(tw - onsets) < 0.04), tw
    assert marked(ltr.detect_file(path, annotation_marks=False)) == []
    assert marked(ltr.detect_file(path, mark_text={"Patient moved": "needle"})) == \
        [(6.0, "needle")]
    cli = os.environ.get("LTR_CLI")
    if not cli:
        pytest.skip("LTR_CLI (the ltr tool: build/cli/ltr) not set")
    out = tmp_path / "c.tsv"
    subprocess.run([cli, "detect", "-q", str(path), "-o", str(out)], check=True)
    c = pd.read_csv(out, sep="\t", na_values=["n/a"], keep_default_na=False)
    assert c.trial_type.tolist() == py.trial_type.tolist()
    assert c["flags"].fillna("").tolist() == py["flags"].fillna("").tolist()
    np.testing.assert_allclose(py.onset, c.onset, atol=6e-7)


def test_no_annotations_elsewhere(tmp_path, data):
    # An EDF+ file without annotations, and a FLAC (no annotations in the format): none.
    x, _ = twitch_signal()
    path = tmp_path / "none.edf"
    write_edfplus(path, x, 2000.0, [])
    assert len(ltr.read_annotations(path)) == 0
    assert len(ltr.read_annotations(data / "stim.flac")) == 0
