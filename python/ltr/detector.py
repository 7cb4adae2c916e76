"""The real-time detector (libltr) for NumPy arrays: configuration, streaming, events."""
import ctypes

import numpy as np

from . import _lib
from ._errors import Error

# ltr_event as a NumPy structured dtype: aligned as the C compiler lays it out, so an
# array of it is handed to ltr_detector_process as the events buffer (no copy either
# way). tests/test_layout.py checks its offsets against _lib.Event and the C library.
EVENT_DTYPE = np.dtype([
    ("kind", "<i4"), ("id", "<u4"), ("onset", "<u8"), ("peak", "<u8"), ("offset", "<u8"),
    ("detected", "<u8"), ("amplitude", "<f4"), ("snr_db", "<f4"), ("confidence", "<f4"),
    ("channels", "<u4"), ("flags", "<u4"), ("stimulus", "<u8"),
], align=True)

KIND_NAMES = {_lib.EVENT_BEGIN: "begin", _lib.EVENT_END: "end", _lib.EVENT_CANCEL: "cancel",
              _lib.EVENT_ARTIFACT: "artifact"}

_SENSORS = {"emg": _lib.SENSOR_EMG, "acc": _lib.SENSOR_ACC, "accel": _lib.SENSOR_ACC,
            "accelerometer": _lib.SENSOR_ACC}
_ENVELOPES = {"tkeo": 0, "rms": 1}
_MARKS = {"stim": _lib.MARK_STIM, "needle": _lib.MARK_NEEDLE, "insertion": _lib.MARK_INSERTION}
# Fields the stream itself sets; everything else of ltr_config is a keyword.
_STREAM_FIELDS = {"struct_size", "sample_rate_hz", "n_channels", "sensors"}
CONFIG_FIELDS = tuple(n for n, _ in _lib.Config._fields_ if n not in _STREAM_FIELDS)

# Frames per call into the C library: bounds the events buffer (ltr_detector_max_events
# grows with the block) while costing one Python round trip per 64 k frames.
_CHUNK_FRAMES = 65536


def _check(status, what):
    if status < 0:
        raise Error(f"{what}: {_lib.status_string(status).decode()}", status)
    return status


def parse_sensors(sensors, n_channels):
    """Sensor codes for n_channels from None (all EMG), "emg,acc,acc,acc", or a sequence
    of names ("emg", "acc"/"accel") or ltr_sensor values."""
    if sensors is None:
        return [_lib.SENSOR_EMG] * n_channels
    if isinstance(sensors, str):
        sensors = [s.strip() for s in sensors.split(",")]
    codes = []
    for s in sensors:
        if isinstance(s, str):
            if s.lower() not in _SENSORS:
                raise ValueError(f"unknown sensor {s!r}: emg or acc")
            codes.append(_SENSORS[s.lower()])
        elif int(s) in (_lib.SENSOR_EMG, _lib.SENSOR_ACC):
            codes.append(int(s))
        else:
            raise ValueError(f"unknown sensor {s!r}: emg (0) or acc (1)")
    if len(codes) != n_channels:
        raise ValueError(f"{len(codes)} sensors given for {n_channels} channels")
    return codes


def make_config(sample_rate_hz, n_channels, sensors=None, **overrides):
    """An ltr_config (ctypes) from ltr_config_default, then the keyword overrides, which are
    the ltr_config field names (ltr.h: units in the names, defaults and sources there):
    mains_hz (50, 60, 0, or "auto"), threshold_on_db, refractory_ms, ecg_cancel, ...
    The configuration is validated here: a bad value raises ltr.Error with its status."""
    if not 1 <= n_channels <= _lib.MAX_CHANNELS:
        raise Error(f"{n_channels} channels: the detector takes 1..{_lib.MAX_CHANNELS}",
                    -3)
    codes = parse_sensors(sensors, n_channels)
    cfg = _lib.Config()
    arr = (ctypes.c_int * n_channels)(*codes)
    _check(_lib.config_default(ctypes.byref(cfg), float(sample_rate_hz), n_channels, arr),
           f"sample rate {sample_rate_hz} Hz")
    for key, value in overrides.items():
        if key not in CONFIG_FIELDS:
            raise TypeError(f"unknown detector setting {key!r}; settings are the fields of "
                            f"ltr_config: {', '.join(CONFIG_FIELDS)}")
        if key == "mains_hz" and isinstance(value, str):
            if value.lower() != "auto":
                raise ValueError(f"mains_hz={value!r}: 50, 60, 0 or 'auto'")
            value = _lib.MAINS_AUTO
        if key == "emg_envelope" and isinstance(value, str):
            if value.lower() not in _ENVELOPES:
                raise ValueError(f"emg_envelope={value!r}: 'tkeo' or 'rms'")
            value = _ENVELOPES[value.lower()]
        if key in ("mains_harmonics", "ecg_cancel", "emg_envelope"):
            value = int(value)
        setattr(cfg, key, value)
    _check(_lib.config_validate(ctypes.byref(cfg)), "detector settings")
    return cfg


def config_dict(cfg):
    """A ctypes ltr_config as a plain dict (sensors cut to n_channels)."""
    d = {n: getattr(cfg, n) for n, _ in _lib.Config._fields_ if n != "sensors"}
    d["sensors"] = ["emg" if s == _lib.SENSOR_EMG else "acc"
                    for s in list(cfg.sensors)[:cfg.n_channels]]
    return d


class Detector:
    """A streaming detector (ltr_detector): feed blocks of any size, get events.

        det = ltr.Detector(2000, sensors="emg,acc,acc,acc", mains_hz=50)
        for block in blocks:                 # (frames, channels) arrays
            ev = det.process(block)          # NumPy structured array of ltr_event
        ev = det.flush()
        df = det.to_frame(all_events)        # BIDS columns, as `ltr detect` writes them

    A float32 C-contiguous block is passed to the C library as it is (no copy);
    other dtypes are converted first. An int16 block goes to ltr_detector_process_s16
    (raw ADC counts, scaled by `gain`, rails flagged as clipping). Events are the C
    structures themselves (EVENT_DTYPE): times in frames from the first frame.
    Not thread-safe: one thread per detector (distinct detectors are independent).
    """

    def __init__(self, sample_rate_hz, sensors=None, n_channels=None, channel_names=None,
                 **config):
        if n_channels is None:
            if sensors is None:
                n_channels = 1
            elif isinstance(sensors, str):
                n_channels = len(sensors.split(","))
            else:
                n_channels = len(sensors)
        self._cfg = make_config(sample_rate_hz, n_channels, sensors, **config)
        self._det = ctypes.c_void_p()
        _check(_lib.detector_create(ctypes.byref(self._det), ctypes.byref(self._cfg)),
               "ltr_detector_create")
        self.sample_rate_hz = float(self._cfg.sample_rate_hz)
        self.n_channels = n_channels
        self.channel_names = (list(channel_names) if channel_names is not None
                              else [str(c) for c in range(n_channels)])
        if len(self.channel_names) != n_channels:
            raise ValueError(f"{len(self.channel_names)} channel names for {n_channels} "
                             "channels")
        # When each twitch was first reported (its BEGIN's frame), by id: a twitch row's
        # latency is that of its BEGIN, as ltr_io_event_writer computes it.
        self._begin_detected = {}
        self._buf = np.empty(0, EVENT_DTYPE)

    # --- lifetime ---
    def close(self):
        """Free the C detector (also done when the object is collected)."""
        if self._det:
            _lib.detector_destroy(self._det)
            self._det = ctypes.c_void_p()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown: the library may be gone already
            pass

    def _handle(self):
        if not self._det:
            raise ValueError("the detector is closed")
        return self._det

    # --- state ---
    @property
    def config(self):
        """The configuration the detector runs with, as a dict."""
        return config_dict(_lib.detector_config(self._handle()).contents)

    @property
    def frames(self):
        """Frames consumed since creation or reset."""
        return int(_lib.detector_frames(self._handle()))

    @property
    def latency_frames(self):
        """The fixed algorithmic delay, frames (already removed from reported onsets)."""
        return int(_lib.detector_latency_frames(self._handle()))

    @property
    def ready(self):
        """True once the warm-up is over and twitches can be reported."""
        return bool(_lib.detector_ready(self._handle()))

    @property
    def mains_hz(self):
        """The mains frequency being removed (0: none; -1: still searching)."""
        return float(_lib.detector_mains_hz(self._handle()))

    @property
    def lost_events(self):
        return int(_lib.detector_lost_events(self._handle()))

    def reset(self):
        """Forget the stream; the configuration is kept."""
        _lib.detector_reset(self._handle())
        self._begin_detected.clear()

    # --- processing ---
    def _events_buffer(self, n):
        if len(self._buf) < n:
            self._buf = np.empty(n, EVENT_DTYPE)
        return self._buf

    def _collect(self, call, n_frames, out):
        """Run call(events_ptr, max_events, n_ptr) until no event waits (LTR_MORE_EVENTS)."""
        cap = int(_lib.detector_max_events(self._det, n_frames))
        buf = self._events_buffer(cap)
        n = ctypes.c_size_t()
        while True:
            st = call(buf.ctypes.data, cap, ctypes.byref(n))
            if st < 0:
                raise Error(f"ltr_detector_process: {_lib.status_string(st).decode()}", st)
            if n.value:
                out.append(buf[:n.value].copy())
            if st != _lib.MORE_EVENTS:
                return
            call = self._drain
            n_frames = 0

    def _drain(self, events, cap, n):
        return _lib.detector_process(self._det, None, 0, events, cap, n)

    def _remember(self, ev):
        begins = ev[ev["kind"] == _lib.EVENT_BEGIN]
        for i, d in zip(begins["id"].tolist(), begins["detected"].tolist()):
            self._begin_detected[i] = d
        if len(self._begin_detected) > 4096:  # twitches long over: keep the recent ones
            for k in sorted(self._begin_detected)[:2048]:
                del self._begin_detected[k]

    def process(self, block, gain=1.0):
        """Feed a block of frames: (n_frames, n_channels), or 1-D (interleaved, or one
        channel). Returns the events it completed (EVENT_DTYPE array, maybe empty).
        float32 C-contiguous input is not copied; int16 goes to the s16 entry point with
        `gain` (input units per count)."""
        det = self._handle()
        x = np.asarray(block)
        s16 = x.dtype == np.int16
        if not s16 and (x.dtype != np.float32 or not x.flags.c_contiguous):
            x = np.ascontiguousarray(x, dtype=np.float32)
        elif s16 and not x.flags.c_contiguous:
            x = np.ascontiguousarray(x)
        if x.ndim == 2 and x.shape[1] != self.n_channels:
            raise ValueError(f"block has {x.shape[1]} channels, the detector {self.n_channels}")
        if x.ndim > 2 or x.size % self.n_channels:
            raise ValueError(f"block of shape {x.shape} is not whole frames of "
                             f"{self.n_channels} channels")
        n_frames = x.size // self.n_channels
        out = []
        base = x.ctypes.data
        step = x.itemsize * self.n_channels
        for start in range(0, n_frames, _CHUNK_FRAMES):
            n = min(_CHUNK_FRAMES, n_frames - start)
            ptr = base + start * step
            if s16:
                call = (lambda e, c, k, p=ptr, m=n:
                        _lib.detector_process_s16(det, p, m, float(gain), e, c, k))
            else:
                call = lambda e, c, k, p=ptr, m=n: _lib.detector_process(det, p, m, e, c, k)
            self._collect(call, n, out)
        ev = np.concatenate(out) if out else np.empty(0, EVENT_DTYPE)
        self._remember(ev)
        return ev

    def flush(self):
        """End the stream: close what is open and return the last events."""
        det = self._handle()
        out = []
        self._collect(lambda e, c, k: _lib.detector_flush(det, e, c, k), 0, out)
        ev = np.concatenate(out) if out else np.empty(0, EVENT_DTYPE)
        self._remember(ev)
        return ev

    def session(self):
        """The needling session so far (ltr_detector_session) as a dict: sites,
        sites_without_twitch, sites_stopped, strokes, twitches, twitches_outside, and the
        current site (site = 0: none yet): site, site_strokes, site_twitches,
        strokes_since_twitch, stopped, site_onset and frames_since_twitch (frames),
        first_amplitude, last_amplitude, habituation (last over first)."""
        st = _lib.SessionStats()
        _check(_lib.detector_session(self._handle(), ctypes.byref(st), ctypes.sizeof(st)),
               "ltr_detector_session")
        return {name: getattr(st, name) for name, _ in _lib.SessionStats._fields_}

    def mark(self, kind, frame=None):
        """Tell the detector the device fired a stimulation pulse ("stim"), moved the
        needle ("needle": a stroke) or inserted or redirected it ("insertion": a new
        needling site) at `frame` (default: the next frame to be processed)."""
        code = _MARKS.get(kind, kind) if isinstance(kind, str) else int(kind)
        if code not in _MARKS.values():
            raise ValueError(f"unknown mark {kind!r}: 'stim', 'needle' or 'insertion'")
        frame = self.frames if frame is None else int(frame)
        _check(_lib.detector_mark(self._handle(), code, frame), "ltr_detector_mark")

    def to_frame(self, events, kinds="results"):
        """Events as a pandas DataFrame with BIDS columns (see ltr.events_frame), using
        the BEGINs this detector has seen for the latency of twitch rows."""
        from .events import events_frame
        return events_frame(events, self.sample_rate_hz, self.channel_names, kinds=kinds,
                            begin_detected=self._begin_detected)
