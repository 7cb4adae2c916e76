"""BIDS datasets: `ltr bids` from Python, and its derivatives read back as one DataFrame."""
import os
import pathlib
import shutil
import subprocess

from ._errors import Error


def find_tool(ltr=None):
    """The `ltr` executable: the argument, else LTR_CLI, else `ltr` on PATH, else
    <prefix>/bin/ltr of the libltr pkg-config knows."""
    for cand in (ltr, os.environ.get("LTR_CLI"), shutil.which("ltr")):
        if cand and os.access(cand, os.X_OK):
            return str(cand)
    if shutil.which("pkg-config"):
        out = subprocess.run(["pkg-config", "--variable=prefix", "libltr"],
                             capture_output=True, text=True)
        cand = os.path.join(out.stdout.strip(), "bin", "ltr")
        if out.returncode == 0 and os.access(cand, os.X_OK):
            return cand
    raise Error("the ltr tool was not found: give ltr=PATH, set LTR_CLI, or put it on PATH "
                "(meson install)")


def run(root, out=None, jobs=None, force=False, ltr=None, options=(), check=True):
    """Run `ltr bids ROOT` (every sub-*/[ses-*/]emg/*_emg.* recording, each with its own
    *_channels.tsv and *_emg.json) into `out` (default ROOT/derivatives/libltr): one
    *_events.tsv + JSON sidecar per recording, mirroring the tree, and
    dataset_description.json; finished recordings are skipped unless force.
    options: more command-line options (["--mains", "50"], ...). Returns the summary
    (summary.tsv) as a DataFrame; raises ltr.Error if a recording failed and check."""
    import pandas as pd
    cmd = [find_tool(ltr), "bids", "--no-progress", os.fspath(root)]
    if out is not None:
        cmd += ["-o", os.fspath(out)]
    if jobs:
        cmd += ["-j", str(int(jobs))]
    if force:
        cmd.append("--force")
    cmd += list(options)
    res = subprocess.run(cmd, capture_output=True, text=True)
    outdir = pathlib.Path(out) if out is not None else pathlib.Path(root) / "derivatives" / "libltr"
    summary_path = outdir / "summary.tsv"
    if res.returncode != 0 and (check or not summary_path.exists()):
        raise Error(f"ltr bids {root}: exit {res.returncode}: {res.stderr.strip()}",
                    res.returncode)
    return pd.read_csv(summary_path, sep="\t", na_values=["n/a"], keep_default_na=False)


def read_events(derivatives):
    """Every *_events.tsv below a derivatives folder as one DataFrame, with the BIDS
    entities of each file as columns (subject, session, task, run, ... when present) and
    its path relative to the folder."""
    import pandas as pd
    base = pathlib.Path(derivatives)
    frames = []
    for p in sorted(base.rglob("*_events.tsv")):
        df = pd.read_csv(p, sep="\t", na_values=["n/a"], keep_default_na=False)
        ent = dict(kv.split("-", 1) for kv in p.name[:-len("_events.tsv")].split("_")
                   if "-" in kv)
        names = {"sub": "subject", "ses": "session", "task": "task", "run": "run",
                 "acq": "acquisition"}
        for k, v in ent.items():
            df[names.get(k, k)] = v
        df["path"] = str(p.relative_to(base))
        frames.append(df)
    if not frames:
        return pd.DataFrame()
    return pd.concat(frames, ignore_index=True)
