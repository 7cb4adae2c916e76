"""ltr.detect_file gives the events of `ltr detect FILE` on every recording of data/."""
import os
import subprocess

import numpy as np
import pandas as pd
import pytest

import ltr
from conftest import data_dir

RECORDINGS = sorted(p.name for p in data_dir().glob("*.flac")) + \
    sorted(p.name for p in data_dir().glob("*.wav"))


def read_tsv(path):
    return pd.read_csv(path, sep="\t", na_values=["n/a"], keep_default_na=False)


@pytest.mark.parametrize("name", RECORDINGS or ["(none)"])
def test_same_events_as_the_c_tool(name, data, tmp_path):
    cli = os.environ.get("LTR_CLI")
    if not cli:
        pytest.skip("LTR_CLI (the ltr tool: build/cli/ltr) not set")
    out = tmp_path / "c.tsv"
    subprocess.run([cli, "detect", "-q", str(data / name), "-o", str(out)], check=True)
    c = read_tsv(out)
    py = ltr.detect_file(data / name)
    assert list(c.columns) == list(py.columns) == list(ltr.COLUMNS)
    assert len(c) == len(py), f"{name}: {len(c)} rows from ltr detect, {len(py)} from Python"
    assert len(c) > 0
    for col in ("trial_type", "channels", "flags"):
        assert c[col].fillna("").tolist() == py[col].fillna("").tolist(), col
    assert c["id"].tolist() == py["id"].tolist()
    # The tool prints %.6f seconds, %.6g amplitudes, %.2f dB and ms, %.3f confidence.
    for col, atol, rtol in (("onset", 6e-7, 0), ("duration", 1.2e-6, 0), ("peak", 6e-7, 0),
                            ("amplitude", 0, 6e-6), ("snr_db", 0.0051, 0),
                            ("confidence", 5.1e-4, 0), ("latency_ms", 0.0051, 0)):
        np.testing.assert_allclose(py[col].to_numpy(float), c[col].to_numpy(float),
                                   atol=atol, rtol=rtol, equal_nan=True, err_msg=col)
