"""One reporting period end to end: parameters, the quality gate, its page, and the processed data."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.inputs.gate import DataQualityError, GateResult, great_expectations, run_gate
from kpi.inputs.processed import write_processed
from kpi.inputs.quality import completeness_matrix, period_coverage
from kpi.measures.status import STATUSES, StatusRules, goal_statuses, indicator_statuses, measure_statuses, milestone_statuses
from kpi.paths import DATA_PROCESSED, DATA_RAW, OUTPUTS_DIR, PARAMS_DIR, QUALITY_REPORTS_DIR
from kpi.present.quality import render_quality_page
from kpi.run.params import load_params, quality_settings
from kpi.run.periods import period_label, periods_with_params
from kpi.run.progress import Progress
from kpi.run.publish import (FAILED_DIR_NAME, PREVIOUS_DIR_NAME, REPORTS, decorate, execute_notebooks, export_html,
                             footer, git_commit, make_staging, navigation, package_versions, publish, write_index)


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
    report_dir: Path | None = None
    index: Path | None = None


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
               outputs_dir: Path = OUTPUTS_DIR, progress: Progress | None = None) -> PeriodResult:
    """Run one period end to end and publish its reports.

    gate → processed parquet → the five workbooks with papermill (in parallel) → HTML with nbconvert →
    ``outputs/<period>/`` swapped in whole (the version it replaces is kept under ``outputs/edelliset/``)
    → ``outputs/index.html``. Parameters are checked before any data is read; a failure at any step
    publishes nothing and leaves earlier outputs as they were.

    Raises
    ------
    ParameterError
        Bad parameters (exit code 2).
    DataQualityError
        The gate failed (exit code 3); ``processed_dir`` and the outputs are left as they were.
    NotebookError
        A workbook failed (exit code 4); the executed notebook is kept under ``outputs/epaonnistuneet/``.
    """
    progress = progress or Progress(enabled=False)
    started = dt.datetime.now()
    with progress.step(f"Parameters for {period_end.isoformat()}"):
        params = load_params(period_end, params_dir=params_dir, extra_file=params_file, overrides=overrides)
        rules = StatusRules.from_params(params)
    quality = {"soft": list(params["quality"]["soft"]), "hard": list(params["quality"]["hard"])}
    result, page = _gate(period_end, data_dir, quality, progress, reports_dir)
    with progress.step("Writing processed data"):
        files = write_processed(result.inputs, processed_dir)
    period = period_end.isoformat()
    staging = make_staging(outputs_dir, period_end)
    try:
        with progress.step(f"Running {len(REPORTS)} workbooks with papermill"):
            executed = execute_notebooks(params, data_dir=data_dir, workdir=staging / "notebooks",
                                         failed_dir=outputs_dir / FAILED_DIR_NAME / period,
                                         on_done=lambda nb: progress.timed(f"  workbook {nb.name}", nb.seconds))
        coverage = period_coverage(result.inputs, period_end)
        manifest = _manifest(period_end, params, overrides, result, coverage, rules, data_dir, started,
                             {nb.name: round(nb.seconds, 2) for nb in executed})
        periods = sorted({*periods_with_params(params_dir), period_end})
        with progress.step("Exporting HTML with nbconvert"):
            for name, title in REPORTS.items():
                html_page = export_html(staging / "notebooks" / f"{name}.ipynb",
                                        title=f"{title} – {period_label(period_end)}")
                html_page = decorate(html_page, nav=navigation(period_end, name, periods), footer=footer(manifest))
                (staging / f"{name}.html").write_text(html_page, encoding="utf-8")
        with progress.step(f"Publishing outputs/{period}"):
            (staging / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False, default=str),
                                                   encoding="utf-8")
            publish(staging, outputs_dir / period, outputs_dir / PREVIOUS_DIR_NAME)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after a publish; removes a half-built one on failure
    index = write_index(outputs_dir)
    return PeriodResult(period_end, period_label(period_end), result, page, coverage, params, tuple(files),
                        outputs_dir / period, index)


def _manifest(period_end: dt.date, params: dict[str, Any], overrides: Iterable[str], result: GateResult,
              coverage: dict[str, int], rules: StatusRules, data_dir: Path, started: dt.datetime,
              notebook_seconds: dict[str, float]) -> dict[str, Any]:
    """Provenance of a published period: parameters, input hashes, versions, commit, times, gate and goal statuses."""
    inputs = result.inputs
    s = inputs.strategy
    ind = indicator_statuses(s, inputs["observations"], period_end, rules=rules)
    ms = milestone_statuses(s, inputs["milestones"], period_end, rules=rules)
    goals = goal_statuses(s, measure_statuses(s, ind, ms, rules=rules), rules=rules)
    counts = goals.status.value_counts()
    return {
        "period_end": period_end.isoformat(), "data_dir": str(Path(data_dir).resolve()),
        "params": params, "overrides": list(overrides),
        "input_files": inputs.file_hashes, "versions": package_versions(), "commit": git_commit(),
        "started": started.isoformat(timespec="seconds"), "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "gate": {"passed": result.passed, "checks": len(result.findings), "soft_findings": len(result.soft_findings),
                 "seconds": {k: round(v, 2) for k, v in result.seconds.items()}},
        "notebook_seconds": notebook_seconds,
        "goal_statuses": {status: int(counts.get(status, 0)) for status in STATUSES},
        "example_values": coverage["example_values"], "coverage": coverage,
    }
