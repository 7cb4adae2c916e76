"""libltr for Python: find local twitch responses in EMG and accelerometer recordings.

    import ltr
    x, fs, chans = ltr.read("data/stim.flac")           # any format libltr-io reads
    events = ltr.detect(x, fs, sensors=["emg", "acc", "acc", "acc"], mains_hz=50)
    events = ltr.detect_file("data/stim.flac")          # channels and mains from the sidecar,
                                                        # as `ltr detect FILE` takes them
    det = ltr.Detector(fs, sensors="emg,acc,acc,acc")   # streaming, block by block

events are pandas DataFrames with the columns of BIDS events.tsv as `ltr detect` writes
them (onset and duration in seconds first). The C libraries (libltr.so.1, libltr-io.so.1)
are found through LTR_LIB_DIR, pkg-config or the dynamic loader (see ltr._lib).
"""
import numpy as np

from . import _lib, bids
from ._errors import Error
from .detector import CONFIG_FIELDS, EVENT_DTYPE, Detector, make_config
from .events import COLUMNS, events_frame, flags_names
from .io import _annotations, choose_channels, clip_level, mark_kind, read, read_annotations

__all__ = ["Detector", "Error", "read", "read_annotations", "mark_kind", "detect", "detect_file",
           "events_frame", "bids",
           "to_mne_annotations", "from_mne", "COLUMNS", "CONFIG_FIELDS", "EVENT_DTYPE",
           "version", "library_version"]

__version__ = "1.0.0"


def library_version():
    """The version of the loaded libltr ("MAJOR.MINOR.PATCH")."""
    return _lib.version_string().decode()


version = library_version


def _as_frames(x):
    x = np.asarray(x)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise ValueError(f"x must be (n_frames, n_channels) or 1-D, not shape {x.shape}")
    return x


def detect(x, fs, sensors=None, channel_names=None, marks=None, kinds="results", **config):
    """Find the twitches in a whole recording held in memory.

    x: (n_frames, n_channels) array (or 1-D for one channel), any float dtype, or int16
    ADC counts (with gain=... in config units per count); fs: sample rate in Hz;
    sensors: "emg"/"acc" per channel ("emg,acc,acc,acc", a list, or None: all EMG);
    channel_names: names for the channels column; marks: (kind, time_s) pairs the device
    announced, kind "stim", "needle" or "insertion" (a new needling site); kinds: "results"
    (twitches, artifacts and needling sites, as `ltr detect`), "twitches", "sites" or "all";
    config: ltr_config fields (mains_hz=50,
    threshold_on_db=..., ecg_cancel=1, ...; ltr.CONFIG_FIELDS lists them).

    Returns a pandas DataFrame (ltr.COLUMNS: onset, duration, trial_type, peak, amplitude,
    snr_db, confidence, channels, flags, latency_ms, id)."""
    gain = config.pop("gain", 1.0)
    x = _as_frames(x)
    if sensors is None:
        sensors = ["emg"] * x.shape[1]
    with Detector(fs, sensors=sensors, n_channels=x.shape[1], channel_names=channel_names,
                  **config) as det:
        out = []
        start = 0
        for kind, t in sorted(marks or [], key=lambda m: m[1]):
            # round half away from zero, as the tool's llround; a mark at or after the
            # end is never given (the tool gives marks only before frames it processes)
            frame = int(np.floor(float(t) * det.sample_rate_hz + 0.5))
            frame = max(frame, 0)
            if frame >= len(x):
                continue
            if frame > start:
                out.append(det.process(x[start:frame], gain=gain))
                start = frame
            det.mark(kind, frame)
        out.append(det.process(x[start:], gain=gain))
        out.append(det.flush())
        return det.to_frame(np.concatenate(out), kinds=kinds)


def detect_file(path, kinds="results", sidecar=True, annotation_marks=True, mark_text=None,
                **config):
    """`ltr detect FILE` in Python: read the recording, take its channel types and mains
    from its sidecar (FILE.json, BIDS *_emg.json / *_channels.tsv) or labels, and the
    device marks from its EDF+/BDF+ annotations (stimulus, needle movement: see
    ltr.mark_kind; annotation_marks=False: none; mark_text: {text: "stim"|"needle"}), as
    the tool does, and detect. config overrides ltr_config fields (mains_hz=..., ...).
    Returns the events DataFrame; .attrs holds the channels used and the sample rate."""
    from .io import _Reader
    import pandas as pd

    with _Reader(path, sidecar=sidecar) as r:
        marks = []
        if annotation_marks:
            try:
                ann = _annotations(r)
            except Error:
                ann = []  # unparsable annotations: the tool goes on without them too
            for onset, _, text in ann:
                kind = mark_kind(text, mark_text)
                if kind and onset >= 0:
                    marks.append((kind, onset))
        chans = pd.DataFrame(r.channels())
        chans.attrs["path"] = r.path
        pos, sensors = choose_channels(chans)
        r.select(pos)
        x = r.read_all()
        fs = float(r.info().sample_rate_hz)
        power_line = r.sidecar_info().power_line_hz
    used = chans.iloc[pos].reset_index(drop=True)
    if "mains_hz" not in config and power_line > 0:
        config["mains_hz"] = power_line
    if "clip_level" not in config:
        config["clip_level"] = clip_level(used)
    df = detect(x, fs, sensors=sensors, channel_names=list(used["name"]), marks=marks,
                kinds=kinds, **config)
    df.attrs.update({"path": str(path), "sample_rate_hz": fs, "channels": list(used["name"]),
                     "sensors": sensors})
    return df


def to_mne_annotations(events, orig_time=None):
    """The events (a DataFrame from detect/detect_file) as mne.Annotations: onset and
    duration in seconds (0 where unknown), description = trial_type. Needs MNE
    (Debian python3-mne)."""
    from .mne import to_annotations
    return to_annotations(events, orig_time)


def from_mne(raw, picks=None):
    """(x, fs, chans) from an mne.io.Raw, as ltr.read returns them: x float32 (n_frames,
    n_channels) in the Raw's units (volts for EMG), chans with each channel's type
    (MNE's "emg" is EMG; other channels are typed by their names and units, as libltr-io
    types EDF labels: "ACC X", "Accel"...). Needs MNE."""
    from .mne import from_raw
    return from_raw(raw, picks)
