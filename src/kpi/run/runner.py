"""One reporting period end to end: parameters, the quality gate, its page, and the processed data."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.inputs.gate import DataQualityError, GateResult, run_gate
from kpi.inputs.processed import write_processed
from kpi.inputs.quality import completeness_matrix, period_coverage
from kpi.paths import DATA_PROCESSED, DATA_RAW, PARAMS_DIR, QUALITY_REPORTS_DIR
from kpi.present.quality import render_quality_page
from kpi.run.params import load_params, quality_settings
from kpi.run.periods import period_label
from kpi.run.progress import Progress


@dataclass(frozen=True)
class PeriodResult:
    """What a run of one period produced."""

    period_end: dt.date
    label: str
    gate: GateResult
    quality_page: Path
    coverage: dict[str, int]
    params: dict[str, Any] = field(default_factory=dict)
    processed_files: tuple[Path, ...] = ()


def write_text_atomically(path: Path, text: str) -> None:
    """Write a text file through a temporary file and a rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def _gate(period_end: dt.date, data_dir: Path, quality: dict[str, list[str]], progress: Progress,
          reports_dir: Path) -> tuple[GateResult, Path]:
    """Run the gate, write its page, and raise DataQualityError (with the page's path) on hard failures."""
    with progress.step("Loading great-expectations"):
        from kpi.inputs.gate import great_expectations

        great_expectations()
    with progress.step(f"Quality gate for {period_end.isoformat()} ({data_dir})"):
        result = run_gate(data_dir, period_end, soft=quality["soft"], hard=quality["hard"])
    page = reports_dir / f"{period_end.isoformat()}.html"
    matrix = completeness_matrix(result.inputs, until=period_end) if result.inputs else None
    write_text_atomically(page, render_quality_page(result, made_at=dt.datetime.now(), matrix=matrix))
    if not result.passed:
        error = DataQualityError(result)
        error.report_path = page
        raise error
    return result, page


def validate_period(period_end: dt.date, *, data_dir: Path = DATA_RAW, params_dir: Path = PARAMS_DIR,
                    reports_dir: Path = QUALITY_REPORTS_DIR, progress: Progress | None = None) -> PeriodResult:
    """Run the quality gate for one period end and write its page; write nothing else.

    Raises
    ------
    DataQualityError
        With every hard failure and ``report_path``, the quality page (exit code 3 in the CLI).
    ParameterError
        When the period's ``quality`` parameters name unknown checks (exit code 2).
    """
    progress = progress or Progress(enabled=False)
    result, page = _gate(period_end, data_dir, quality_settings(period_end, params_dir=params_dir), progress,
                         reports_dir)
    return PeriodResult(period_end, period_label(period_end), result, page, period_coverage(result.inputs, period_end))


def run_period(period_end: dt.date, *, data_dir: Path = DATA_RAW, params_dir: Path = PARAMS_DIR,
               params_file: Path | None = None, overrides: Iterable[str] = (),
               processed_dir: Path = DATA_PROCESSED, reports_dir: Path = QUALITY_REPORTS_DIR,
               progress: Progress | None = None) -> PeriodResult:
    """Run one period: merge parameters, pass the quality gate, then write the processed parquet.

    Parameters are checked before any data is read, and nothing but the quality page is written unless
    the gate passed.

    Raises
    ------
    ParameterError
        Bad parameters (exit code 2).
    DataQualityError
        The gate failed (exit code 3); ``processed_dir`` is left as it was.
    """
    progress = progress or Progress(enabled=False)
    with progress.step(f"Parameters for {period_end.isoformat()}"):
        params = load_params(period_end, params_dir=params_dir, extra_file=params_file, overrides=overrides)
    quality = {"soft": list(params["quality"]["soft"]), "hard": list(params["quality"]["hard"])}
    result, page = _gate(period_end, data_dir, quality, progress, reports_dir)
    with progress.step("Writing processed data"):
        files = write_processed(result.inputs, processed_dir)
    return PeriodResult(period_end, period_label(period_end), result, page, period_coverage(result.inputs, period_end),
                        params, tuple(files))
