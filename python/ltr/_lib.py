"""ctypes bindings of libltr (include/ltr/ltr.h) and libltr-io (include/ltr/ltr_io.h).

The structures below mirror the C headers field by field (ABI 1.0). They are
part of the libraries' ABI, so a change there must be made here too:
tests/test_layout.py compares every size and offset with what the C compiler
says (tests/layout.c, built by meson) and fails on any difference.

Finding the shared libraries, in this order:
  1. LTR_LIB_DIR: directories (os.pathsep-separated) holding libltr.so.1 and
     libltr-io.so.1, e.g. a meson build tree: "build:build/lib/io";
  2. the libdir pkg-config reports for libltr (an installed prefix: set
     PKG_CONFIG_PATH to PREFIX/lib/<triplet>/pkgconfig for a private prefix);
  3. the dynamic loader's own search (ld.so.cache after `ldconfig`, LD_LIBRARY_PATH).
No compiler is needed at import.
"""
import ctypes
import os
import shutil
import subprocess

MAX_CHANNELS = 32  # LTR_MAX_CHANNELS
MAINS_AUTO = -1.0  # LTR_MAINS_AUTO
ECG_AUTO = 2  # LTR_ECG_AUTO: ecg_cancel once a heart is found (the default)
DETECTOR_ALIGN = 16  # LTR_DETECTOR_ALIGN

# ltr_status (ltr.h)
OK = 0
MORE_EVENTS = 1

# ltr_event_kind
EVENT_BEGIN, EVENT_END, EVENT_CANCEL, EVENT_ARTIFACT = 1, 2, 3, 4
# session events (ltr.h 1.1): a site begins, its twitches have stopped, it is over
EVENT_SITE, EVENT_EXHAUSTED, EVENT_SITE_END = 5, 6, 7

# ltr_sensor
SENSOR_EMG, SENSOR_ACC = 0, 1

# ltr_mark
MARK_STIM, MARK_NEEDLE, MARK_INSERTION = 1, 2, 3

# LTR_FLAG_* bit names, in bit order, as ltr_io_flags_string writes them.
FLAG_EVOKED = 1 << 14


class Config(ctypes.Structure):
    """struct ltr_config (ltr.h, layout 1.1)."""
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("sample_rate_hz", ctypes.c_double),
        ("n_channels", ctypes.c_uint),
        ("sensors", ctypes.c_int * MAX_CHANNELS),
        ("emg_highpass_hz", ctypes.c_double),
        ("emg_lowpass_hz", ctypes.c_double),
        ("acc_highpass_hz", ctypes.c_double),
        ("acc_lowpass_hz", ctypes.c_double),
        ("mains_hz", ctypes.c_double),
        ("mains_harmonics", ctypes.c_uint),
        ("notch_width_hz", ctypes.c_double),
        ("emg_envelope", ctypes.c_int),
        ("emg_smoothing_hz", ctypes.c_double),
        ("acc_smoothing_hz", ctypes.c_double),
        ("threshold_on_db", ctypes.c_double),
        ("threshold_off_db", ctypes.c_double),
        ("threshold_spread_factor", ctypes.c_double),
        ("confirm_ms", ctypes.c_double),
        ("min_duration_ms", ctypes.c_double),
        ("max_duration_ms", ctypes.c_double),
        ("gap_ms", ctypes.c_double),
        ("refractory_ms", ctypes.c_double),
        ("floor_rise_db_per_s", ctypes.c_double),
        ("floor_fall_db_per_s", ctypes.c_double),
        ("warmup_ms", ctypes.c_double),
        ("fusion_window_ms", ctypes.c_double),
        ("spike_threshold_db", ctypes.c_double),
        ("stim_blank_ms", ctypes.c_double),
        ("needle_blank_ms", ctypes.c_double),
        ("clip_level", ctypes.c_double),
        ("dropout_ms", ctypes.c_double),
        ("acc_min_duration_ms", ctypes.c_double),
        ("ecg_cancel", ctypes.c_uint),
        ("acc_confirms", ctypes.c_uint),
        # added in 1.1
        ("session", ctypes.c_uint),
        ("site_gap_ms", ctypes.c_double),
        ("stop_strokes", ctypes.c_uint),
        ("stop_ms", ctypes.c_double),
    ]


class SessionStats(ctypes.Structure):
    """struct ltr_session_stats (ltr.h 1.1)."""
    _fields_ = [
        ("sites", ctypes.c_uint32),
        ("sites_without_twitch", ctypes.c_uint32),
        ("sites_stopped", ctypes.c_uint32),
        ("strokes", ctypes.c_uint32),
        ("twitches", ctypes.c_uint32),
        ("twitches_outside", ctypes.c_uint32),
        ("site", ctypes.c_uint32),
        ("site_strokes", ctypes.c_uint32),
        ("site_twitches", ctypes.c_uint32),
        ("strokes_since_twitch", ctypes.c_uint32),
        ("stopped", ctypes.c_uint32),
        ("site_onset", ctypes.c_uint64),
        ("frames_since_twitch", ctypes.c_uint64),
        ("first_amplitude", ctypes.c_float),
        ("last_amplitude", ctypes.c_float),
        ("habituation", ctypes.c_float),
    ]


class Event(ctypes.Structure):
    """struct ltr_event (ltr.h)."""
    _fields_ = [
        ("kind", ctypes.c_int),
        ("id", ctypes.c_uint32),
        ("onset", ctypes.c_uint64),
        ("peak", ctypes.c_uint64),
        ("offset", ctypes.c_uint64),
        ("detected", ctypes.c_uint64),
        ("amplitude", ctypes.c_float),
        ("snr_db", ctypes.c_float),
        ("confidence", ctypes.c_float),
        ("channels", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("stimulus", ctypes.c_uint64),
    ]


class IoOptions(ctypes.Structure):
    """struct ltr_io_options (ltr_io.h)."""
    _fields_ = [
        ("format", ctypes.c_int),
        ("sample_rate_hz", ctypes.c_double),
        ("raw_channels", ctypes.c_uint),
        ("raw_gain", ctypes.c_double),
        ("text_delimiter", ctypes.c_char),
        ("text_header", ctypes.c_int),
        ("text_time_column", ctypes.c_char_p),
        ("allow_nonfinite", ctypes.c_int),
    ]


class IoError(ctypes.Structure):
    """struct ltr_io_error."""
    _fields_ = [
        ("status", ctypes.c_int),
        ("line", ctypes.c_uint64),
        ("message", ctypes.c_char * 512),
    ]


class IoChannel(ctypes.Structure):
    """struct ltr_io_channel."""
    _fields_ = [
        ("name", ctypes.c_char * 64),
        ("unit", ctypes.c_char * 16),
        ("sample_rate_hz", ctypes.c_double),
        ("n_samples", ctypes.c_int64),
        ("has_range", ctypes.c_int),
        ("range_min", ctypes.c_double),
        ("range_max", ctypes.c_double),
    ]


class IoInfo(ctypes.Structure):
    """struct ltr_io_info."""
    _fields_ = [
        ("format", ctypes.c_int),
        ("format_name", ctypes.c_char * 64),
        ("n_channels", ctypes.c_uint),
        ("n_selected", ctypes.c_uint),
        ("sample_rate_hz", ctypes.c_double),
        ("n_frames", ctypes.c_int64),
        ("rate_source", ctypes.c_char * 64),
    ]


class IoChannelDesc(ctypes.Structure):
    """struct ltr_io_channel_desc."""
    _fields_ = [
        ("type", ctypes.c_int),
        ("type_source", ctypes.c_int),
        ("type_text", ctypes.c_char * 24),
        ("name", ctypes.c_char * 64),
        ("unit", ctypes.c_char * 16),
        ("full_scale", ctypes.c_double),
        ("bad", ctypes.c_int),
    ]


class IoSidecarInfo(ctypes.Structure):
    """struct ltr_io_sidecar_info."""
    _fields_ = [
        ("json_path", ctypes.c_char_p),
        ("channels_path", ctypes.c_char_p),
        ("sample_rate_hz", ctypes.c_double),
        ("power_line_hz", ctypes.c_double),
        ("n_channels", ctypes.c_uint),
        ("n_typed", ctypes.c_uint),
        ("n_from_sidecar", ctypes.c_uint),
        ("notes", ctypes.c_char_p),
    ]


class IoAnnotation(ctypes.Structure):
    """struct ltr_io_annotation (an EDF+/BDF+ annotation)."""
    _fields_ = [
        ("onset_s", ctypes.c_double),
        ("duration_s", ctypes.c_double),
        ("text", ctypes.c_char * 512),
    ]


# The structures tests/layout.c reports, by their C names.
STRUCTS = {
    "ltr_config": Config,
    "ltr_event": Event,
    "ltr_session_stats": SessionStats,
    "ltr_io_options": IoOptions,
    "ltr_io_error": IoError,
    "ltr_io_channel": IoChannel,
    "ltr_io_info": IoInfo,
    "ltr_io_channel_desc": IoChannelDesc,
    "ltr_io_sidecar_info": IoSidecarInfo,
    "ltr_io_annotation": IoAnnotation,
}

# ltr_io_channel_type
IO_CHANNEL_UNKNOWN, IO_CHANNEL_EMG, IO_CHANNEL_ACC, IO_CHANNEL_OTHER = 0, 1, 2, 3
IO_TYPE_NAMES = {0: "unknown", 1: "EMG", 2: "ACC", 3: "other"}
IO_SOURCE_NAMES = {0: "none", 1: "channels.tsv", 2: "json", 3: "label", 4: "unit"}

# ltr_io_format
IO_FORMATS = {"auto": 0, "sndfile": 1, "edf": 2, "text": 3, "f32le": 4, "s16le": 5, "wfdb": 6,
              "mat": 7}


def _candidate_dirs():
    env = os.environ.get("LTR_LIB_DIR")
    if env:
        return [d for d in env.split(os.pathsep) if d], "LTR_LIB_DIR"
    if shutil.which("pkg-config"):
        try:
            out = subprocess.run(["pkg-config", "--variable=libdir", "libltr"],
                                 capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and out.stdout.strip():
                return [out.stdout.strip()], "pkg-config"
        except (OSError, subprocess.SubprocessError):
            pass
    return [], "the dynamic loader"


def _load(soname, dirs, how):
    tried = []
    for d in dirs:
        path = os.path.join(d, soname)
        tried.append(path)
        if os.path.exists(path):
            return ctypes.CDLL(path)
    if how == "LTR_LIB_DIR":
        raise ImportError(f"{soname} is not in LTR_LIB_DIR ({', '.join(tried)})")
    try:
        return ctypes.CDLL(soname)
    except OSError as e:
        raise ImportError(
            f"cannot load {soname} ({e}); install libltr (meson install) and run ldconfig, "
            "or set LTR_LIB_DIR to the directories holding libltr.so.1 and libltr-io.so.1 "
            "(a build tree: LTR_LIB_DIR=build:build/lib/io)") from None


_dirs, _how = _candidate_dirs()
# libltr first: libltr-io's DT_NEEDED libltr.so.1 then resolves to this very copy (same SONAME).
core = _load("libltr.so.1", _dirs, _how)
io = _load("libltr-io.so.1", _dirs, _how)
LIBRARY_PATHS = (core._name, io._name)


def _fn(lib, name, restype, *argtypes):
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)
    return f


P = ctypes.POINTER
c_size_p = P(ctypes.c_size_t)
_det_p = ctypes.c_void_p

status_string = _fn(core, "ltr_status_string", ctypes.c_char_p, ctypes.c_int)
version_string = _fn(core, "ltr_version_string", ctypes.c_char_p)
config_default = _fn(core, "ltr_config_default", ctypes.c_int, P(Config), ctypes.c_double,
                     ctypes.c_uint, P(ctypes.c_int))
config_validate = _fn(core, "ltr_config_validate", ctypes.c_int, P(Config))
detector_size = _fn(core, "ltr_detector_size", ctypes.c_size_t, P(Config))
detector_create = _fn(core, "ltr_detector_create", ctypes.c_int, P(_det_p), P(Config))
detector_destroy = _fn(core, "ltr_detector_destroy", None, _det_p)
detector_reset = _fn(core, "ltr_detector_reset", None, _det_p)
detector_config = _fn(core, "ltr_detector_config", P(Config), _det_p)
detector_process = _fn(core, "ltr_detector_process", ctypes.c_int, _det_p, ctypes.c_void_p,
                       ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, c_size_p)
detector_process_s16 = _fn(core, "ltr_detector_process_s16", ctypes.c_int, _det_p,
                           ctypes.c_void_p, ctypes.c_size_t, ctypes.c_float, ctypes.c_void_p,
                           ctypes.c_size_t, c_size_p)
detector_flush = _fn(core, "ltr_detector_flush", ctypes.c_int, _det_p, ctypes.c_void_p,
                     ctypes.c_size_t, c_size_p)
detector_max_events = _fn(core, "ltr_detector_max_events", ctypes.c_size_t, _det_p,
                          ctypes.c_size_t)
detector_latency_frames = _fn(core, "ltr_detector_latency_frames", ctypes.c_uint64, _det_p)
detector_frames = _fn(core, "ltr_detector_frames", ctypes.c_uint64, _det_p)
detector_lost_events = _fn(core, "ltr_detector_lost_events", ctypes.c_uint64, _det_p)
detector_ready = _fn(core, "ltr_detector_ready", ctypes.c_int, _det_p)
detector_mains_hz = _fn(core, "ltr_detector_mains_hz", ctypes.c_double, _det_p)
detector_mark = _fn(core, "ltr_detector_mark", ctypes.c_int, _det_p, ctypes.c_int,
                    ctypes.c_uint64)
detector_session = _fn(core, "ltr_detector_session", ctypes.c_int, _det_p, P(SessionStats),
                       ctypes.c_size_t)

_reader_p = ctypes.c_void_p
_sidecar_p = ctypes.c_void_p
io_status_string = _fn(io, "ltr_io_status_string", ctypes.c_char_p, ctypes.c_int)
io_options_default = _fn(io, "ltr_io_options_default", None, P(IoOptions))
io_reader_open = _fn(io, "ltr_io_reader_open", ctypes.c_int, P(_reader_p), ctypes.c_char_p,
                     P(IoOptions), P(IoError))
io_reader_close = _fn(io, "ltr_io_reader_close", None, _reader_p)
io_reader_info = _fn(io, "ltr_io_reader_info", ctypes.c_int, _reader_p, P(IoInfo))
io_reader_channel = _fn(io, "ltr_io_reader_channel", P(IoChannel), _reader_p, ctypes.c_uint)
io_reader_find_channel = _fn(io, "ltr_io_reader_find_channel", ctypes.c_int, _reader_p,
                             ctypes.c_char_p, P(ctypes.c_uint))
io_reader_select = _fn(io, "ltr_io_reader_select", ctypes.c_int, _reader_p, P(ctypes.c_uint),
                       ctypes.c_uint)
io_reader_read = _fn(io, "ltr_io_reader_read", ctypes.c_int, _reader_p, ctypes.c_void_p,
                     ctypes.c_size_t, c_size_p)
io_reader_error = _fn(io, "ltr_io_reader_error", P(IoError), _reader_p)
io_reader_annotations = _fn(io, "ltr_io_reader_annotations", ctypes.c_int, _reader_p,
                            P(P(IoAnnotation)), c_size_p, P(IoError))
io_sidecar_read = _fn(io, "ltr_io_sidecar_read", ctypes.c_int, P(_sidecar_p), _reader_p,
                      ctypes.c_char_p, P(IoError))
io_sidecar_destroy = _fn(io, "ltr_io_sidecar_destroy", None, _sidecar_p)
io_sidecar_info_get = _fn(io, "ltr_io_sidecar_info_get", ctypes.c_int, _sidecar_p,
                          P(IoSidecarInfo))
io_sidecar_channel = _fn(io, "ltr_io_sidecar_channel", P(IoChannelDesc), _sidecar_p,
                         ctypes.c_uint)
io_flags_string = _fn(io, "ltr_io_flags_string", None, ctypes.c_uint32, ctypes.c_char_p,
                      ctypes.c_size_t)
io_channel_type_guess = _fn(io, "ltr_io_channel_type_guess", ctypes.c_int, ctypes.c_char_p,
                            ctypes.c_char_p)
