"""ltr.bids: `ltr bids` on a small BIDS-EMG dataset, its derivatives read back."""
import json
import os

import numpy as np
import pytest

import ltr


def test_run_writes_derivatives_and_skips_on_rerun(dataset, cli):
    summary = ltr.bids.run(dataset, jobs=2)
    assert list(summary.status) == ["ok", "ok"]
    out = dataset / "derivatives" / "libltr"
    desc = json.loads((out / "dataset_description.json").read_text())
    assert desc["DatasetType"] == "derivative" and desc["GeneratedBy"][0]["Name"] == "libltr"
    ev = ltr.bids.read_events(out)
    tw = ev[ev.trial_type == "twitch"]
    assert sorted(tw.subject.unique()) == ["01", "02"]
    assert (tw[tw.subject == "02"].session == "1").all()
    for sub, onsets in (("01", [2.0, 4.0, 6.0]), ("02", [3.0, 5.0])):
        got = tw[tw.subject == sub].onset.to_numpy()
        assert len(got) == len(onsets) and np.all(np.abs(got - onsets) < 0.02), got
    assert (tw.channels == "A").all()  # channels.tsv: B is MISC, left out
    again = ltr.bids.run(dataset)
    assert list(again.status) == ["skipped", "skipped"]


def test_same_events_as_detect_file(dataset, cli):
    ltr.bids.run(dataset)
    ev = ltr.bids.read_events(dataset / "derivatives" / "libltr")
    rec = dataset / "sub-01" / "emg" / "sub-01_task-n_emg.edf"
    py = ltr.detect_file(rec)
    c = ev[ev.subject == "01"].reset_index(drop=True)
    assert c.trial_type.tolist() == py.trial_type.tolist()
    np.testing.assert_allclose(c.onset, py.onset, atol=1e-6)


def test_a_missing_dataset_is_an_error(tmp_path):
    if not os.environ.get("LTR_CLI"):
        pytest.skip("LTR_CLI not set")
    with pytest.raises(ltr.Error, match="exit 3"):
        ltr.bids.run(tmp_path / "nothere")
