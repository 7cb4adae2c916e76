"""The ctypes structures and the NumPy event dtype match the C headers exactly (ABI 1.0)."""
import ctypes
import json
import os
import subprocess

import numpy as np
import pytest

import ltr
from ltr import _lib


def test_config_size_is_the_librarys():
    # ltr_config_default writes the library's own sizeof(ltr_config) into struct_size:
    # this check needs no compiler and runs wherever the package is installed.
    cfg = _lib.Config()
    st = _lib.config_default(ctypes.byref(cfg), 2000.0, 1, None)
    assert st == 0
    assert cfg.struct_size == ctypes.sizeof(_lib.Config)


def test_config_defaults_land_in_their_fields():
    # Documented defaults (ltr.h) read back through the ctypes offsets: a field shifted
    # by a layout change would read another field's value.
    cfg = _lib.Config()
    sensors = (ctypes.c_int * 2)(_lib.SENSOR_EMG, _lib.SENSOR_ACC)
    assert _lib.config_default(ctypes.byref(cfg), 2000.0, 2, sensors) == 0
    assert cfg.sample_rate_hz == 2000.0 and cfg.n_channels == 2
    assert list(cfg.sensors)[:2] == [0, 1]
    assert (cfg.emg_highpass_hz, cfg.emg_lowpass_hz) == (30.0, 450.0)
    assert (cfg.acc_highpass_hz, cfg.acc_lowpass_hz) == (5.0, 100.0)
    assert cfg.mains_hz == _lib.MAINS_AUTO and cfg.mains_harmonics == 8
    assert (cfg.threshold_on_db, cfg.threshold_off_db) == (12.0, 6.0)
    assert (cfg.confirm_ms, cfg.min_duration_ms, cfg.max_duration_ms) == (12.0, 20.0, 1000.0)
    assert (cfg.refractory_ms, cfg.warmup_ms, cfg.fusion_window_ms) == (100.0, 300.0, 60.0)
    assert (cfg.stim_blank_ms, cfg.needle_blank_ms, cfg.dropout_ms) == (15.0, 30.0, 20.0)
    assert cfg.acc_min_duration_ms == 80.0 and cfg.ecg_cancel == _lib.ECG_AUTO


def test_no_config_field_unknown_to_ctypes():
    # A field appended to ltr_config may fit in the struct's tail padding (sizeof does not
    # change) and be left out of the probe too: ltr_config_default must write no byte that
    # no ctypes field covers (acc_confirms, default 1, was found this way).
    buf = (ctypes.c_ubyte * (ctypes.sizeof(_lib.Config) + 64))()
    cfg = ctypes.cast(buf, ctypes.POINTER(_lib.Config)).contents
    assert _lib.config_default(ctypes.byref(cfg), 2000.0, 1, None) == 0
    covered = bytearray(len(buf))
    for name, _ in _lib.Config._fields_:
        d = getattr(_lib.Config, name)
        covered[d.offset:d.offset + d.size] = b"\x01" * d.size
    stray = [i for i in range(len(buf)) if buf[i] and not covered[i]]
    assert not stray, f"ltr_config_default wrote bytes {stray} that no ctypes field covers"


def test_header_fields_are_mirrored():
    # The public header itself: every member of ltr_config and ltr_event is in ctypes.
    import pathlib
    import re
    header = pathlib.Path(os.environ.get("LTR_INCLUDE_DIR", pathlib.Path(__file__).parents[2]
                                         / "include")) / "ltr" / "ltr.h"
    if not header.exists():
        pytest.skip(f"{header} not here")
    text = re.sub(r"/\*.*?\*/", "", header.read_text(), flags=re.S)
    for cname, st in (("ltr_config", _lib.Config), ("ltr_event", _lib.Event)):
        body = re.search(r"typedef struct %s \{(.*?)\} %s;" % (cname, cname), text, re.S).group(1)
        names = re.findall(r"(\w+)(?:\[\w+\])?;", body)
        assert names == [f for f, _ in st._fields_], cname


def _probe():
    exe = os.environ.get("LTR_LAYOUT")
    if not exe:
        pytest.skip("LTR_LAYOUT (the layout probe meson builds: build/python/ltr_layout) not set")
    return json.loads(subprocess.run([exe], check=True, capture_output=True,
                                     text=True).stdout)


@pytest.mark.parametrize("name", sorted(_lib.STRUCTS))
def test_struct_matches_c(name):
    c = _probe()[name]
    st = _lib.STRUCTS[name]
    assert ctypes.sizeof(st) == c["size"], f"sizeof({name})"
    py_fields = [f for f, _ in st._fields_]
    assert py_fields == list(c["fields"]), f"{name}: fields or their order differ"
    for f, (offset, size) in c["fields"].items():
        d = getattr(st, f)
        assert (d.offset, d.size) == (offset, size), f"{name}.{f}"


def test_event_dtype_matches_c():
    c = _probe()["ltr_event"]
    assert ltr.EVENT_DTYPE.itemsize == c["size"]
    for f, (offset, size) in c["fields"].items():
        dt, off = ltr.EVENT_DTYPE.fields[f][:2]
        assert (off, dt.itemsize) == (offset, size), f"ltr_event.{f}"
    assert ltr.EVENT_DTYPE.itemsize == ctypes.sizeof(_lib.Event)
    assert np.dtype(ltr.EVENT_DTYPE).isalignedstruct
