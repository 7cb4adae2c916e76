"""Beyond one machine: many recordings over a Dask cluster (Debian python3-distributed).

    from dask.distributed import Client, LocalCluster
    import ltr.dask
    with LocalCluster(n_workers=2, threads_per_worker=1) as cluster, Client(cluster) as client:
        events = ltr.dask.detect_many("/data/bids-ds", client, out="/data/bids-ds/derivatives/libltr")

Each task runs the C detector on one file in a worker (ltr.detect_file: the channel types
and mains from the file's own sidecars, as `ltr detect` and `ltr bids` take them); the
events are gathered into one DataFrame and, with out=, written as BIDS derivatives that
mirror the tree, in the same format as `ltr bids` writes them. The same call runs on a
Slurm or Kubernetes Dask cluster: give it a client of dask_jobqueue.SLURMCluster or
dask_kubernetes' KubeCluster whose workers can import ltr and load libltr (LTR_LIB_DIR).
"""
import os
import pathlib

from ._errors import Error

# The numbers as ltr_io_event_writer prints them (lib/io/events.c), so that files written
# here are byte for byte those of `ltr bids` for the same events.
_FORMATS = {"onset": "%.6f", "duration": "%.6f", "peak": "%.6f", "amplitude": "%.6g",
            "snr_db": "%.2f", "confidence": "%.3f", "latency_ms": "%.2f", "id": "%d"}
# Recording extensions libltr-io reads (ltr_io_format_from_name).
_EXTS = {".wav", ".wave", ".flac", ".aif", ".aiff", ".aifc", ".au", ".snd", ".caf", ".w64",
         ".rf64", ".ogg", ".oga", ".opus", ".wv", ".edf", ".bdf", ".csv", ".tsv", ".txt",
         ".hea", ".mat"}


def bids_recordings(root):
    """The BIDS-EMG recordings below root, as `ltr bids` finds them:
    sub-*/emg/*_emg.<ext> and sub-*/ses-*/emg/*_emg.<ext>, sorted."""
    root = pathlib.Path(root)
    found = list(root.glob("sub-*/emg/*_emg.*")) + list(root.glob("sub-*/ses-*/emg/*_emg.*"))
    return sorted(p for p in found if p.suffix.lower() in _EXTS and p.is_file())


def output_path(out, path, root=None):
    """Where `ltr bids`/`ltr batch` write the events of `path`: OUT/<folder below root>/
    <stem>_events.tsv, the stem without its extension and a BIDS "_emg" suffix."""
    path = pathlib.Path(path)
    stem = path.stem[:-4] if path.stem.endswith("_emg") and len(path.stem) > 4 else path.stem
    rel = path.parent.relative_to(root) if root is not None else pathlib.Path()
    return pathlib.Path(out) / rel / f"{stem}_events.tsv"


def write_events(df, path):
    """Write an events DataFrame as `ltr detect` writes events.tsv: tab-separated, "n/a"
    for missing values, its number formats. Written to a temporary name and renamed."""
    from .events import COLUMNS
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(COLUMNS)]
    for row in df[list(COLUMNS)].itertuples(index=False):
        cells = []
        for name, v in zip(COLUMNS, row):
            if v is None or (isinstance(v, float) and v != v) or v == "":
                cells.append("n/a")
            elif name in _FORMATS:
                cells.append(_FORMATS[name] % v)
            else:
                cells.append(str(v).replace("\t", " ").replace("\n", " "))
        lines.append("\t".join(cells))
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    tmp.write_text("\n".join(lines) + "\n")
    os.replace(tmp, path)


def _detect_one(path, config):
    """One task: the events of one file (runs in a worker)."""
    from . import detect_file
    df = detect_file(path, **config)
    df.insert(2, "path", str(path))
    return df


def detect_many(paths_or_root, client, out=None, force=False, **config):
    """Detect in many recordings on a dask.distributed cluster, one task per file.

    paths_or_root: a BIDS dataset folder (its sub-*/[ses-*/]emg/*_emg.* recordings) or a
    list of files; client: a dask.distributed.Client; out: write each file's events to
    OUT/<tree>/<stem>_events.tsv as `ltr bids` does (a BIDS root's default derivatives
    folder is ROOT/derivatives/libltr: pass it explicitly); files whose output exists and
    is newer are read back instead of redone unless force; config: ltr_config fields for
    every file. Returns one DataFrame: the events columns with `path` after duration.
    A failing file raises ltr.Error naming it (the others' results are lost: rerun with
    out= to keep what finished)."""
    import pandas as pd
    root = None
    if isinstance(paths_or_root, (str, os.PathLike)) and os.path.isdir(paths_or_root):
        root = pathlib.Path(paths_or_root)
        paths = bids_recordings(root)
        if not paths:
            raise Error(f"{root}: no sub-*/[ses-*/]emg/*_emg.* recording", -2)
    else:
        paths = [pathlib.Path(p) for p in paths_or_root]
    todo, done = [], []
    for p in paths:
        target = output_path(out, p, root) if out is not None else None
        if (target is not None and not force and target.exists()
                and target.stat().st_mtime_ns >= p.stat().st_mtime_ns):
            df = pd.read_csv(target, sep="\t", na_values=["n/a"], keep_default_na=False)
            df.insert(2, "path", str(p))
            done.append(df)
        else:
            todo.append(p)
    futures = client.map(_detect_one, [str(p) for p in todo], config=config, pure=False)
    results = []
    for p, fut in zip(todo, futures):
        try:
            df = fut.result()
        except Exception as e:  # a worker's exception, re-raised here
            raise Error(f"{p}: {e}") from e
        if out is not None:
            write_events(df.drop(columns="path"), output_path(out, p, root))
        results.append(df)
    frames = [f for f in done + results if len(f.columns)]
    if not frames:
        return pd.DataFrame()
    all_events = pd.concat(frames, ignore_index=True)
    return all_events.sort_values(["path", "onset"], kind="stable").reset_index(drop=True)
