"""Events as a pandas DataFrame with the columns of BIDS events.tsv, as `ltr detect` writes them."""
import ctypes

import numpy as np

from . import _lib

# The columns of ltr_io_event_writer (ltr_io.h), in its order: BIDS "Task events" wants
# onset and duration (seconds) first; trial_type is BIDS's name for the event's type.
COLUMNS = ("onset", "duration", "trial_type", "peak", "amplitude", "snr_db", "confidence",
           "channels", "flags", "latency_ms", "id")

_SITES = {_lib.EVENT_SITE_END, _lib.EVENT_EXHAUSTED}  # needling sites, their stop cues
_KINDS = {
    "results": {_lib.EVENT_END, _lib.EVENT_ARTIFACT} | _SITES,  # what a results file holds
    "twitches": {_lib.EVENT_END},
    "sites": _SITES,
    "all": {_lib.EVENT_BEGIN, _lib.EVENT_END, _lib.EVENT_CANCEL, _lib.EVENT_ARTIFACT,
            _lib.EVENT_SITE} | _SITES,
}


def flags_names(flags):
    """The LTR_FLAG_* names of a flags word, as ltr_io_flags_string writes them."""
    buf = ctypes.create_string_buffer(256)
    _lib.io_flags_string(int(flags), buf, len(buf))
    return buf.value.decode()


def _trial_type(kind, flags):
    evoked = bool(flags & _lib.FLAG_EVOKED)
    if kind == _lib.EVENT_BEGIN:
        return "evoked_begin" if evoked else "twitch_begin"
    if kind == _lib.EVENT_END:
        return "evoked" if evoked else "twitch"
    if kind == _lib.EVENT_CANCEL:
        return "twitch_cancel"
    if kind == _lib.EVENT_ARTIFACT:
        return "artifact"
    if kind == _lib.EVENT_SITE:
        return "site_begin"
    if kind == _lib.EVENT_EXHAUSTED:
        return "site_stopped"
    if kind == _lib.EVENT_SITE_END:
        return "site"
    return "unknown"


def events_frame(events, sample_rate_hz, channel_names=None, kinds="results",
                 begin_detected=None):
    """A DataFrame of events (an EVENT_DTYPE array from ltr.Detector) with the columns of
    `ltr detect`'s events.tsv: onset, duration, trial_type, peak (s), amplitude (input
    units), snr_db, confidence, channels (names, comma-separated), flags, latency_ms, id.
    (df["flags"], not df.flags, which is pandas's own attribute.) Missing values ("n/a" in
    the file) are NaN / None: duration of a BEGIN, the twitch
    columns and latency of an artifact. kinds: "results" (twitches, artifacts and needling
    sites, the default, as `ltr detect`), "twitches", "sites" (site rows: amplitude is the
    habituation, id the site's number; site_stopped rows: the cue), "all" (BEGIN, CANCEL and
    site_begin rows too), or a set of ltr_event_kind values. A twitch's latency is that of its BEGIN (the real-time
    latency) when the BEGIN is among the events or in begin_detected ({id: frame})."""
    import pandas as pd

    fs = float(sample_rate_hz)
    ev = np.asarray(events)
    begins = dict(begin_detected or {})
    b = ev[ev["kind"] == _lib.EVENT_BEGIN]
    begins.update(zip(b["id"].tolist(), b["detected"].tolist()))
    wanted = _KINDS[kinds] if isinstance(kinds, str) else set(kinds)
    ev = ev[np.isin(ev["kind"], sorted(wanted))]

    kind = ev["kind"]
    onset = ev["onset"].astype(np.float64)
    offset = ev["offset"].astype(np.float64)
    artifact = kind == _lib.EVENT_ARTIFACT
    session = kind >= _lib.EVENT_SITE
    duration = np.where((kind != _lib.EVENT_BEGIN) & (offset >= onset), (offset - onset) / fs,
                        np.nan)

    def twitch_only(values):
        return np.where(artifact, np.nan, values.astype(np.float64))

    def twitch_not_site(values):  # a site has no SNR or confidence
        return np.where(artifact | session, np.nan, values.astype(np.float64))

    # Latency: from onset to the BEGIN (END, CANCEL), or to `detected`; none for an
    # artifact, which is a stretch of unusable input, not something reported late.
    detected = ev["detected"].copy()
    for i in np.flatnonzero((kind == _lib.EVENT_END) | (kind == _lib.EVENT_CANCEL)):
        detected[i] = begins.get(int(ev["id"][i]), detected[i])
    det = detected.astype(np.float64)
    # a site has none either; a stop cue's is its delay after the stroke
    timed = (~artifact & ~session) | (kind == _lib.EVENT_EXHAUSTED)
    latency = np.where(timed & (det >= onset), (det - onset) * 1000.0 / fs, np.nan)

    names = list(channel_names) if channel_names is not None else []

    def channel_list(mask):
        return ",".join(names[c] if c < len(names) else str(c)
                        for c in range(_lib.MAX_CHANNELS) if mask >> c & 1)

    flags = [flags_names(f) or None for f in ev["flags"].tolist()]
    return pd.DataFrame({
        "onset": onset / fs,
        "duration": duration,
        "trial_type": [_trial_type(k, f) for k, f in zip(kind.tolist(), ev["flags"].tolist())],
        "peak": twitch_only(ev["peak"]) / fs,
        "amplitude": twitch_only(ev["amplitude"]),
        "snr_db": twitch_not_site(ev["snr_db"]),
        "confidence": twitch_not_site(ev["confidence"]),
        "channels": [channel_list(m) for m in ev["channels"].tolist()],
        "flags": flags,
        "latency_ms": latency,
        "id": ev["id"].astype(np.int64),
    }, columns=list(COLUMNS))
