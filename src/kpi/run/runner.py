"""One reporting period end to end: parameters, reading and checking the inputs, writing processed data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.inputs.checks import check_inputs, period_coverage
from kpi.inputs.datasets import Inputs, load_inputs
from kpi.inputs.processed import write_processed
from kpi.paths import DATA_PROCESSED, DATA_RAW, PARAMS_DIR
from kpi.run.params import load_params
from kpi.run.periods import period_label
from kpi.run.progress import Progress


@dataclass(frozen=True)
class PeriodResult:
    """What a run of one period produced."""

    period_end: dt.date
    label: str
    coverage: dict[str, int]
    params: dict[str, Any] = field(default_factory=dict)
    processed_files: tuple[Path, ...] = ()


def validate_period(period_end: dt.date, *, data_dir: Path = DATA_RAW, progress: Progress | None = None) -> PeriodResult:
    """Read and check every input for one period end; write nothing.

    Raises
    ------
    StrategyError, InputFileError, DataCheckError
        With every problem found (exit code 3 in the CLI).
    """
    progress = progress or Progress(enabled=False)
    inputs = _checked_inputs(period_end, data_dir, progress)
    return PeriodResult(period_end, period_label(period_end), period_coverage(inputs, period_end))


def run_period(period_end: dt.date, *, data_dir: Path = DATA_RAW, params_dir: Path = PARAMS_DIR,
               params_file: Path | None = None, overrides: Iterable[str] = (),
               processed_dir: Path = DATA_PROCESSED, progress: Progress | None = None) -> PeriodResult:
    """Run one period: merge parameters, read and check the inputs, then write processed parquet.

    Parameters are checked before any data is read, and nothing is written unless every check passed.

    Raises
    ------
    ParameterError
        Bad parameters (exit code 2).
    StrategyError, InputFileError, DataCheckError
        Bad data (exit code 3); ``processed_dir`` is left as it was.
    """
    progress = progress or Progress(enabled=False)
    with progress.step(f"Parameters for {period_end.isoformat()}"):
        params = load_params(period_end, params_dir=params_dir, extra_file=params_file, overrides=overrides)
    inputs = _checked_inputs(period_end, data_dir, progress)
    with progress.step("Writing processed data"):
        files = write_processed(inputs, processed_dir)
    return PeriodResult(period_end, period_label(period_end), period_coverage(inputs, period_end), params,
                        tuple(files))


def _checked_inputs(period_end: dt.date, data_dir: Path, progress: Progress) -> Inputs:
    with progress.step(f"Reading the strategy and data from {data_dir}"):
        inputs = load_inputs(data_dir)
    with progress.step(f"Checking the data for {period_end.isoformat()}"):
        check_inputs(inputs, period_end)
    return inputs
