"""ltr.dask on a LocalCluster of 2 workers: the events of `ltr bids`, file for file
(skipped without Debian's python3-distributed)."""
import os

import numpy as np
import pytest

import ltr

distributed = pytest.importorskip("distributed")
import ltr.dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Worker processes inherit LTR_LIB_DIR and find the same libraries.
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def test_detect_many_writes_what_ltr_bids_writes(dataset, cli, client, tmp_path):
    ltr.bids.run(dataset, out=tmp_path / "c")
    out = tmp_path / "dask"
    ev = ltr.dask.detect_many(dataset, client, out=out)
    files = sorted(p.relative_to(tmp_path / "c") for p in (tmp_path / "c").rglob("*_events.tsv"))
    assert [str(f) for f in files] == [
        "sub-01/emg/sub-01_task-n_events.tsv", "sub-02/ses-1/emg/sub-02_ses-1_task-n_events.tsv"]
    for f in files:
        assert (out / f).read_bytes() == (tmp_path / "c" / f).read_bytes(), f
    tw = ev[ev.trial_type == "twitch"]
    assert len(tw) == 5 and tw.path.str.endswith("_emg.edf").all()
    assert list(ev.columns[:3]) == ["onset", "duration", "path"]


def test_rerun_reads_finished_files_back(dataset, client, tmp_path):
    out = tmp_path / "d"
    first = ltr.dask.detect_many(dataset, client, out=out)
    stamp = {p: p.stat().st_mtime_ns for p in out.rglob("*_events.tsv")}
    again = ltr.dask.detect_many(dataset, client, out=out)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*_events.tsv")} == stamp
    np.testing.assert_allclose(first.onset, again.onset, atol=1e-6)
    assert first.trial_type.tolist() == again.trial_type.tolist()


def test_a_list_of_files_and_a_bad_one(dataset, client, tmp_path):
    recs = ltr.dask.bids_recordings(dataset)
    ev = ltr.dask.detect_many([str(r) for r in recs], client, mains_hz=0)
    assert set(ev.path) == {str(r) for r in recs}
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF1234WAVEjunk")
    with pytest.raises(ltr.Error, match="bad.wav"):
        ltr.dask.detect_many([str(recs[0]), str(bad)], client)
