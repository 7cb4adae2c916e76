"""ltr.bids: `ltr bids` on a small BIDS-EMG dataset, its derivatives read back."""
import json
import os

import numpy as np
import pytest

import ltr
from conftest import twitch_signal, write_edf


@pytest.fixture
def dataset(tmp_path):
    if not os.environ.get("LTR_CLI"):
        pytest.skip("LTR_CLI (the ltr tool) not set")
    root = tmp_path / "ds"
    (root / "sub-01" / "emg").mkdir(parents=True)
    (root / "sub-02" / "ses-1" / "emg").mkdir(parents=True)
    (root / "dataset_description.json").write_text('{"Name": "t", "BIDSVersion": "1.9.0"}')
    for sub, onsets in (("sub-01/emg/sub-01_task-n", (2.0, 4.0, 6.0)),
                        ("sub-02/ses-1/emg/sub-02_ses-1_task-n", (3.0, 5.0))):
        x, _ = twitch_signal(fs=1000.0, seconds=8.0, onsets=onsets)
        noise = np.random.default_rng(9).normal(0, 0.01, len(x))
        write_edf(root / f"{sub}_emg.edf", [x[:, 0], noise], 1000, ["A", "B"], ["mV", "mV"],
                  phys=(-2.0, 2.0))
        (root / f"{sub}_channels.tsv").write_text(
            "name\ttype\tunits\nA\tEMG\tmV\nB\tMISC\tmV\n")
        (root / f"{sub}_emg.json").write_text('{"PowerLineFrequency": 50}')
    return root


def test_run_writes_derivatives_and_skips_on_rerun(dataset):
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


def test_same_events_as_detect_file(dataset):
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
