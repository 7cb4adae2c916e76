"""Reading recordings through libltr-io: every format it reads, with the sidecars' channel types."""
import ctypes
import os

import numpy as np

from . import _lib
from ._errors import Error

_BLOCK_FRAMES = 65536


def _io_error(err, fallback):
    msg = err.message.decode(errors="replace") or fallback
    return Error(msg, err.status)


class _Reader:
    """An open ltr_io_reader with its sidecar (closed on exit)."""

    def __init__(self, path, format=None, rate=None, raw_channels=None, raw_gain=None,
                 time_column=None, sidecar=True):
        self.path = os.fspath(path)
        opts = _lib.IoOptions()
        _lib.io_options_default(ctypes.byref(opts))
        if format is not None:
            if format not in _lib.IO_FORMATS:
                raise ValueError(f"format {format!r}: one of {', '.join(_lib.IO_FORMATS)}")
            opts.format = _lib.IO_FORMATS[format]
        if rate is not None:
            opts.sample_rate_hz = float(rate)
        if raw_channels is not None:
            opts.raw_channels = int(raw_channels)
        if raw_gain is not None:
            opts.raw_gain = float(raw_gain)
        self._time_column = None if time_column is None else time_column.encode()
        opts.text_time_column = self._time_column
        self.reader = ctypes.c_void_p()
        self.sidecar = ctypes.c_void_p()
        err = _lib.IoError()
        st = _lib.io_reader_open(ctypes.byref(self.reader), self.path.encode(),
                                 ctypes.byref(opts), ctypes.byref(err))
        if st != 0:
            raise _io_error(err, _lib.io_status_string(st).decode())
        st = _lib.io_sidecar_read(ctypes.byref(self.sidecar), self.reader,
                                  self.path.encode() if sidecar else None, ctypes.byref(err))
        if st != 0:
            self.close()
            raise _io_error(err, _lib.io_status_string(st).decode())

    def close(self):
        if self.sidecar:
            _lib.io_sidecar_destroy(self.sidecar)
            self.sidecar = ctypes.c_void_p()
        if self.reader:
            _lib.io_reader_close(self.reader)
            self.reader = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def info(self):
        info = _lib.IoInfo()
        _lib.io_reader_info(self.reader, ctypes.byref(info))
        return info

    def sidecar_info(self):
        si = _lib.IoSidecarInfo()
        _lib.io_sidecar_info_get(self.sidecar, ctypes.byref(si))
        return si

    def channels(self):
        """One dict per channel of the file (file order)."""
        rows = []
        for c in range(self.info().n_channels):
            ch = _lib.io_reader_channel(self.reader, c).contents
            d = _lib.io_sidecar_channel(self.sidecar, c).contents
            rows.append({
                "index": c,
                "name": d.name.decode(errors="replace") or ch.name.decode(errors="replace"),
                "file_name": ch.name.decode(errors="replace"),
                "type": _lib.IO_TYPE_NAMES.get(d.type, "unknown"),
                "type_source": _lib.IO_SOURCE_NAMES.get(d.type_source, "none"),
                "unit": d.unit.decode(errors="replace") or ch.unit.decode(errors="replace"),
                "sample_rate_hz": ch.sample_rate_hz,
                "n_samples": ch.n_samples,
                "range_min": ch.range_min if ch.has_range else np.nan,
                "range_max": ch.range_max if ch.has_range else np.nan,
                "full_scale": d.full_scale,
                "bad": bool(d.bad),
            })
        return rows

    def select(self, indices):
        arr = (ctypes.c_uint * len(indices))(*indices)
        st = _lib.io_reader_select(self.reader, arr, len(indices))
        if st != 0:
            raise _io_error(_lib.io_reader_error(self.reader).contents, "select")

    def find(self, key):
        """A channel by 0-based index, the file's name, or the sidecar's name (a FLAC
        has no names: data/'s FILE.json gives them), as `ltr detect --emg` finds it."""
        if isinstance(key, (int, np.integer)):
            key = str(int(key))
        idx = ctypes.c_uint()
        st = _lib.io_reader_find_channel(self.reader, key.encode(), ctypes.byref(idx))
        if st == 0:
            return idx.value
        names = [row["name"] for row in self.channels()]
        for fold in (str, str.lower):
            hits = [i for i, n in enumerate(names) if fold(n) == fold(key)]
            if hits:
                return hits[0]
        raise Error(f"{self.path}: no channel {key!r} (the channels: "
                    f"{', '.join(f'{i}={n}' for i, n in enumerate(names))})", st)

    def read_all(self):
        """Every frame of the selection. When the file states its length the frames are
        read straight into the result (one copy: the reader's); else block by block."""
        info = self.info()
        n_sel = info.n_selected
        n = ctypes.c_size_t()
        if info.n_frames > 0:
            x = np.empty((info.n_frames, n_sel), np.float32)
            pos = 0
            while pos < len(x):
                want = min(_BLOCK_FRAMES, len(x) - pos)
                st = _lib.io_reader_read(self.reader, x[pos:].ctypes.data, want,
                                         ctypes.byref(n))
                if st != 0:
                    raise _io_error(_lib.io_reader_error(self.reader).contents, "read")
                if n.value == 0:
                    return x[:pos]  # shorter than its header said (the reader's count)
                pos += n.value
            return x
        # Length unknown (raw, some text): read straight into chunks of 1 M frames, then
        # one concatenation (a single chunk is returned as it is).
        chunks, chunk, pos = [], np.empty((1 << 20, n_sel), np.float32), 0
        while True:
            if pos == len(chunk):
                chunks.append(chunk)
                chunk, pos = np.empty((1 << 20, n_sel), np.float32), 0
            want = min(_BLOCK_FRAMES, len(chunk) - pos)
            st = _lib.io_reader_read(self.reader, chunk[pos:].ctypes.data, want,
                                     ctypes.byref(n))
            if st != 0:
                raise _io_error(_lib.io_reader_error(self.reader).contents, "read")
            if n.value == 0:
                break
            pos += n.value
        chunks.append(chunk[:pos])
        return chunks[0] if len(chunks) == 1 else np.concatenate(chunks)

def _annotations(r):
    """[(onset_s, duration_s or None, text)] of an open _Reader (EDF+/BDF+; [] otherwise)."""
    lst = ctypes.POINTER(_lib.IoAnnotation)()
    n = ctypes.c_size_t()
    err = _lib.IoError()
    st = _lib.io_reader_annotations(r.reader, ctypes.byref(lst), ctypes.byref(n),
                                    ctypes.byref(err))
    if st != 0:
        raise _io_error(err, "annotations")
    return [(lst[i].onset_s, lst[i].duration_s if lst[i].duration_s >= 0 else None,
             lst[i].text.decode("utf-8", errors="replace")) for i in range(n.value)]


# What `ltr detect` takes for a device mark (cli/options.c, cli_mark_kind): a text holding
# one of these words, any case, tried in this order ("needle_insertion" is an insertion);
# or, given mark_text, exactly one of its texts.
_MARK_WORDS = (("stim", ("stim", "pulse", "tms")), ("insertion", ("insertion", "redirect", "site")),
               ("needle", ("needle", "piston", "stroke")))


def mark_kind(text, mark_text=None):
    """"stim", "needle", "insertion" or None: the device mark an annotation's (or events
    row's) text stands for, as `ltr detect` reads it. mark_text: {text: "stim"|"needle"|"insertion"} exact texts
    (any case, spaces around ignored) instead of the built-in words (--mark-text)."""
    t = text.strip()
    if mark_text:
        for k, v in mark_text.items():
            if k.strip().lower() == t.lower():
                return v
        return None
    low = t.lower()
    for kind, words in _MARK_WORDS:
        if any(w in low for w in words):
            return kind
    return None


def read_annotations(path, format=None):
    """The annotations of an EDF+/BDF+ recording (EDFlib, through libltr-io) as a pandas
    DataFrame: onset (s from the first sample), duration (s, NaN if none), description,
    and mark (the device mark `ltr detect` takes from it: "stim", "needle", "insertion" or None).
    Other formats have none (an empty frame). Raises ltr.Error if the file's
    annotations cannot be parsed."""
    import pandas as pd

    with _Reader(path, format=format, sidecar=False) as r:
        rows = _annotations(r)
    return pd.DataFrame({
        "onset": [o for o, _, _ in rows],
        "duration": [float("nan") if d is None else d for _, d, _ in rows],
        "description": [t for _, _, t in rows],
        "mark": [mark_kind(t) for _, _, t in rows],
    }, columns=["onset", "duration", "description", "mark"])


def read(path, channels=None, format=None, rate=None, raw_channels=None, raw_gain=None,
         time_column=None, sidecar=True):
    """Read a whole recording with libltr-io: WAV, FLAC, AIFF, ... (libsndfile, +-1 full
    scale), EDF/EDF+/BDF (physical units), CSV/TSV text, raw f32le/s16le (format="f32le",
    raw_channels=N, rate=HZ).

    Returns (x, fs, chans): x float32 of shape (n_frames, n_channels), fs in Hz, and a
    pandas DataFrame with one row per channel read (name, type EMG/ACC/other/unknown as
    the sidecar FILE.json, BIDS *_channels.tsv or the labels say, type_source, unit,
    sample_rate_hz, ...). chans.attrs holds power_line_hz (0: not stated), the sidecar
    paths, format and rate_source. channels: names or indices to read (EDF channels of
    different rates must be chosen so that they share one). sidecar=False ignores the
    files beside the recording (labels only)."""
    import pandas as pd

    with _Reader(path, format, rate, raw_channels, raw_gain, time_column, sidecar) as r:
        rows = r.channels()
        if channels is not None:
            if isinstance(channels, (str, int)):
                channels = [channels]
            sel = [r.find(c) for c in channels]
            r.select(sel)
        else:
            sel = list(range(len(rows)))
        x = r.read_all()
        info = r.info()
        si = r.sidecar_info()
        chans = pd.DataFrame([rows[i] for i in sel])
        chans.attrs.update({
            "path": r.path,
            "format": info.format_name.decode(errors="replace"),
            "rate_source": info.rate_source.decode(errors="replace"),
            "power_line_hz": si.power_line_hz,
            "json_path": si.json_path.decode() if si.json_path else None,
            "channels_path": si.channels_path.decode() if si.channels_path else None,
            "notes": si.notes.decode(errors="replace") if si.notes else "",
        })
        return x, float(info.sample_rate_hz), chans


def choose_channels(chans):
    """The detector's channels for a recording as `ltr detect FILE` chooses them with no
    option: EMG channels in file order, then the accelerometer axes at the EMG's rate;
    other, bad and untyped channels left out; every channel as EMG when nothing is typed.
    Returns (row positions in chans, sensors)."""
    types = list(chans["type"])
    if not any(t in ("EMG", "ACC", "other") for t in types):
        return list(range(len(types))), ["emg"] * len(types)
    pos, sensors, rate = [], [], None
    for want, sensor in (("EMG", "emg"), ("ACC", "acc")):
        for i, t in enumerate(types):
            if t != want:
                continue
            fs = chans["sample_rate_hz"].iloc[i]
            if rate is None or want == "EMG":
                rate = fs
            elif fs != rate:
                continue  # the detector takes one rate (the CLI notes it)
            pos.append(i)
            sensors.append(sensor)
    if not pos:
        raise Error(f"{chans.attrs.get('path', 'the recording')}: no EMG or accelerometer "
                    "channel; read it with ltr.read and give sensors= to ltr.detect", -4)
    return pos, sensors


def clip_level(chans):
    """The clipping level the format states (as `ltr detect` takes it): the symmetric
    full-scale range of every chosen channel, a hair below it (the largest positive code
    of 16-bit PCM reads 32767/32768); 0 (the detector's own heuristic) otherwise."""
    level = np.inf
    for lo, hi in zip(chans["range_min"], chans["range_max"]):
        if not (hi > 0 and lo < 0):
            return 0.0
        lo = -lo
        if abs(lo - hi) > 0.01 * hi:
            return 0.0
        level = min(level, lo, hi)
    return float(level * 0.9999) if np.isfinite(level) else 0.0
