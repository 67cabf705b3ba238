"""Writing the checked inputs as typed parquet under data/processed, all files swapped in only when all are written."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd

from kpi.files import make_readable, staging_folder
from kpi.inputs.datasets import TABLES, Inputs, input_files, input_hashes, load_inputs
from kpi.inputs.readers import SOURCE_ROW
from kpi.inputs.strategy import load_strategy
from kpi.interrupts import uninterrupted
from kpi.paths import STRATEGY_FILE_NAME


def processed_frames(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Return every frame the workbooks read: the strategy as tidy tables, then the data tables."""
    s = inputs.strategy
    frames = {
        "goals": s.goals_frame(),
        "actions": s.actions_frame(),
        "measures": s.measures_frame(),
        "indicators": s.indicators_frame(),
        "targets": s.targets_frame(),
    }
    frames.update(inputs.tables)
    return frames


def write_processed(inputs: Inputs, out_dir: Path) -> list[Path]:
    """Write :func:`processed_frames` as ``<name>.parquet`` plus ``inputs.json`` (source file hashes).

    Files are first written to a temporary folder beside `out_dir` and then moved in one by one with
    ``os.replace``, so a failure while writing leaves the previous processed data as it was.

    Parameters
    ----------
    inputs : Inputs
        Inputs that have passed the checks.
    out_dir : Path
        Usually ``data/processed``; created when missing.

    Returns
    -------
    list of Path
        The files written.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = staging_folder(out_dir, ".staging-")
    try:
        names = []
        for name, frame in processed_frames(inputs).items():
            frame.to_parquet(staging / f"{name}.parquet", index=False)
            names.append(f"{name}.parquet")
        (staging / "inputs.json").write_text(
            json.dumps(
                {"data_dir": str(inputs.data_dir), "files": inputs.file_hashes, "source_row_column": SOURCE_ROW},
                indent=2,
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
        names.append("inputs.json")
        make_readable(staging)
        with uninterrupted():  # all files of one run or none: the workbooks trust inputs.json for the set
            for name in names:
                os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out_dir / n for n in names]


def open_inputs(data_dir: Path, processed_dir: Path) -> Inputs:
    """The inputs for a workbook: the processed parquet when it was made from exactly these files, else the raw files.

    A run writes ``data/processed`` after the quality gate; a notebook opened on its own (JupyterLab, plain
    papermill) may find it missing or made from other files, and then reads ``data_dir`` itself.
    """
    data_dir, processed_dir = Path(data_dir), Path(processed_dir)
    manifest = processed_dir / "inputs.json"
    if manifest.exists():
        recorded = json.loads(manifest.read_text(encoding="utf-8")).get("files", {})
        if (
            set(recorded) >= set(input_files())
            and all((data_dir / f).exists() for f in recorded)
            and input_hashes(data_dir) == recorded
        ):
            tables = {name: pd.read_parquet(processed_dir / f"{name}.parquet") for name in TABLES}
            return Inputs(data_dir, load_strategy(data_dir / STRATEGY_FILE_NAME), tables, recorded)
    return load_inputs(data_dir)
