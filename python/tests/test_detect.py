"""ltr.detect and ltr.Detector on synthetic signals: events where the bursts are, any block
split gives the same events, float32 input goes to C uncopied, errors are clear."""
import numpy as np
import pandas as pd
import pytest

import ltr
from conftest import acc_response, twitch_signal


def test_detect_finds_each_burst_at_its_onset():
    x, onsets = twitch_signal()
    df = ltr.detect(x, 2000, mains_hz=0)
    assert list(df.columns) == list(ltr.COLUMNS)
    tw = df[df.trial_type == "twitch"]
    assert len(tw) == len(onsets)
    # onsets within 15 ms of the burst (the detector searches back to where the envelope
    # left the background; README: median onset errors of a few ms)
    assert np.all(np.abs(tw.onset.to_numpy() - onsets) < 0.015), tw.onset.tolist()
    assert np.all(tw.duration > 0.02) and np.all(tw.peak >= tw.onset)
    assert np.all(tw.snr_db > 12) and np.all((tw.confidence > 0) & (tw.confidence <= 1))
    assert (tw.channels == "0").all() and tw["flags"].str.contains("emg").all()
    assert np.all(tw.latency_ms > 0) and np.all(tw.latency_ms < 100)


def test_quiet_signal_has_no_twitch():
    x = np.random.default_rng(3).normal(0, 0.01, (16000, 1)).astype(np.float32)
    df = ltr.detect(x, 2000, mains_hz=0)
    assert (df.trial_type == "twitch").sum() == 0


def test_block_split_gives_the_same_events():
    x, _ = twitch_signal(seed=7)
    whole = ltr.detect(x, 2000, mains_hz=0, kinds="all")
    rng = np.random.default_rng(0)
    with ltr.Detector(2000, mains_hz=0) as det:
        parts, start = [], 0
        while start < len(x):
            n = int(rng.integers(1, 3000))
            parts.append(det.process(x[start:start + n]))
            start += n
        parts.append(det.flush())
        split = det.to_frame(np.concatenate(parts), kinds="all")
    pd.testing.assert_frame_equal(whole, split)


def test_float32_contiguous_input_is_not_copied(monkeypatch):
    x, _ = twitch_signal()
    det = ltr.Detector(2000, mains_hz=0)

    def no_copy(*a, **k):
        raise AssertionError("float32 C-contiguous input was converted")

    monkeypatch.setattr(np, "ascontiguousarray", no_copy)
    det.process(x)
    det.process(x[:, 0])  # 1-D, one channel
    monkeypatch.undo()
    # A strided float64 view is converted and gives the events of the float32 copy.
    x64 = np.repeat(x.astype(np.float64), 2, axis=1)[:, ::2]
    assert not x64.flags.c_contiguous
    a = ltr.detect(x64, 2000, mains_hz=0)
    b = ltr.detect(np.ascontiguousarray(x64, dtype=np.float32), 2000, mains_hz=0)
    pd.testing.assert_frame_equal(a, b)


def test_int16_counts_with_gain_match_float():
    x, _ = twitch_signal()
    gain = 1e-4
    counts = np.clip(np.round(x / gain), -32767, 32767).astype(np.int16)
    a = ltr.detect(counts, 2000, gain=gain, mains_hz=0)
    b = ltr.detect(counts.astype(np.float32) * np.float32(gain), 2000, mains_hz=0)
    assert (a.trial_type == "twitch").sum() == 3
    pd.testing.assert_frame_equal(a, b, check_exact=False, atol=1e-6)


def test_sensors_channels_and_names():
    x, onsets = twitch_signal()
    acc = acc_response(len(x), onsets)
    df = ltr.detect(np.hstack([x, acc]), 2000, sensors="emg,acc,acc,acc",
                    channel_names=["m1", "ax", "ay", "az"], mains_hz=0)
    tw = df[df.trial_type == "twitch"]
    assert len(tw) == 3 and tw.channels.str.startswith("m1").all()
    assert tw["flags"].str.contains("fused").all()
    # An accelerometer that sees nothing: the EMG bursts are dropped (acc_confirms=1, the
    # default), unless it is not on the muscle (acc_confirms=0).
    still = np.random.default_rng(5).normal(0, 1e-3, (len(x), 3)).astype(np.float32)
    quiet = ltr.detect(np.hstack([x, still]), 2000, sensors="emg,acc,acc,acc", mains_hz=0,
                       kinds="all")
    assert (quiet.trial_type == "twitch").sum() == 0
    assert quiet[quiet.trial_type == "twitch_cancel"]["flags"].str.contains("unseen").any()
    off = ltr.detect(np.hstack([x, still]), 2000, sensors="emg,acc,acc,acc", mains_hz=0,
                     acc_confirms=0)
    assert (off.trial_type == "twitch").sum() == 3
    with ltr.Detector(2000, sensors=["emg", "acc", "acc", "acc"]) as det:
        assert det.config["sensors"] == ["emg", "acc", "acc", "acc"]
        assert det.latency_frames > 0 and not det.ready


def test_marked_stimulation_is_an_artifact_row():
    x, _ = twitch_signal()
    df = ltr.detect(x, 2000, mains_hz=0, marks=[("stim", 3.0)])
    art = df[df.trial_type == "artifact"]
    assert len(art) == 1 and "marked" in art["flags"].iloc[0] and "stim" in art["flags"].iloc[0]
    assert abs(art.onset.iloc[0] - 3.0) < 0.002
    assert np.isnan(art.latency_ms.iloc[0]) and np.isnan(art.amplitude.iloc[0])


def test_needling_sites_and_session_totals():
    # bursts 50 ms after an insertion (1.95 s) and a stroke (3.95 s); strokes at 4.5, 5.0
    # and an insertion at 5.95 (a new site) with its burst at 6.0
    x, _ = twitch_signal(onsets=(2.0, 4.0, 6.0))
    marks = [("insertion", 1.95), ("needle", 3.95), ("needle", 4.5), ("needle", 5.0),
             ("insertion", 5.95)]
    df = ltr.detect(x, 2000, mains_hz=0, marks=marks)
    sites = df[df.trial_type == "site"]
    assert sites.id.tolist() == [1, 2]
    assert np.allclose(sites.onset.to_numpy(), [1.95, 5.95], atol=0.001)
    assert np.isnan(sites.snr_db).all() and np.isnan(sites.latency_ms).all()
    assert (sites.amplitude > 0).all()  # habituation: last twitch over first
    assert not (df.trial_type == "site_stopped").any()
    assert len(ltr.detect(x, 2000, mains_hz=0, marks=marks, session=0)
               .query("trial_type == 'site'")) == 0
    det = ltr.Detector(2000, mains_hz=0)
    det.mark("insertion", 3900)
    det.process(x)
    s = det.session()
    assert (s["sites"], s["site"], s["site_strokes"]) == (1, 1, 1)
    assert s["site_twitches"] == 3 and s["strokes_since_twitch"] == 0
    assert s["site_onset"] == 3900 and 0.0 < s["habituation"]
    with pytest.raises(ltr.Error):
        ltr.Detector(2000, mains_hz=0, session=0).session()


def test_bad_settings_are_refused_clearly():
    with pytest.raises(ltr.Error, match="sample rate") as e:
        ltr.Detector(100)
    assert e.value.status == -2
    with pytest.raises(ltr.Error) as e:
        ltr.Detector(2000, threshold_on_db=3, threshold_off_db=6)
    assert e.value.status == -7
    with pytest.raises(TypeError, match="unknown detector setting 'treshold_on_db'"):
        ltr.Detector(2000, treshold_on_db=10)
    with pytest.raises(ValueError, match="sensor"):
        ltr.Detector(2000, sensors="emg,gyro")
    det = ltr.Detector(2000, sensors="emg,acc")
    with pytest.raises(ValueError, match="3 channels"):
        det.process(np.zeros((10, 3), np.float32))
    with pytest.raises(ValueError, match="mark"):
        det.mark("tms")
    det.close()
    with pytest.raises(ValueError, match="closed"):
        det.process(np.zeros((10, 2), np.float32))


def test_mains_auto_and_fixed():
    x, _ = twitch_signal()
    t = np.arange(len(x)) / 2000.0
    hum = (x[:, 0] + 0.05 * np.sin(2 * np.pi * 50 * t)).astype(np.float32)
    with ltr.Detector(2000, mains_hz="auto") as det:
        det.process(hum)
        assert abs(det.mains_hz - 50.0) < 1.0
    assert (ltr.detect(hum, 2000).trial_type == "twitch").sum() == 3
