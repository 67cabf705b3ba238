"""One reporting period end to end: parameters, the quality gate, its page, and the processed data."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.export.excel import write_workbook
from kpi.export.word import write_findings
from kpi.fi import STATUSES, period_label
from kpi.files import make_readable, write_atomically
from kpi.inputs.comparison import COMPARISON_FILE, classification_of, read_comparison
from kpi.inputs.datasets import Inputs
from kpi.inputs.gate import DataQualityError, GateResult, great_expectations, run_gate, save_result
from kpi.inputs.processed import write_processed
from kpi.inputs.quality import completeness_matrix, period_coverage
from kpi.inputs.strategy import check_programme_period
from kpi.interrupts import uninterrupted
from kpi.measures.changes import previous_period_end
from kpi.measures.compare import period_changes, version_changes
from kpi.measures.comparison import Comparison, compare
from kpi.measures.period import PeriodFigures, compute, snapshot, statuses
from kpi.measures.status import StatusRules
from kpi.paths import (
    DATA_PROCESSED,
    DATA_RAW,
    NOTEBOOKS_DIR,
    OUTPUTS_DIR,
    PARAMS_DIR,
    QUALITY_REPORTS_DIR,
    STRATEGY_FILE_NAME,
    display,
    quality_page_path,
)
from kpi.present.pages import decorate, footer, navigation, version_line
from kpi.present.quality import render_quality_page
from kpi.run import versions
from kpi.run.kernels import KernelPool
from kpi.run.params import load_params, quality_settings
from kpi.run.periods import periods_with_params
from kpi.run.progress import Progress
from kpi.run.publish import (
    FAILED_DIR_NAME,
    ExecutedNotebook,
    Report,
    execute_notebooks,
    export_html,
    git_commit,
    make_staging,
    publish,
    relabel,
    reports,
    workbooks,
    write_index,
)
from kpi.run.versions import (
    Version,
    final_number,
    folder_name,
    list_versions,
    next_number,
    package_versions,
    run_fingerprint,
    unchanged,
    versions_dir,
)


@dataclass(frozen=True)
class PeriodResult:
    """What a run of one period produced."""

    period_end: dt.date
    label: str
    gate: GateResult | None  # None when the run was skipped (nothing changed)
    quality_page: Path
    coverage: dict[str, int]
    params: dict[str, Any] = field(default_factory=dict)
    processed_files: tuple[Path, ...] = ()
    report_dir: Path | None = None
    index: Path | None = None
    version: int | None = None
    skipped: bool = False
    final_version: int | None = None
    version_changes: Any = None  # pandas.DataFrame of kpi.measures.compare.version_changes, None for a first version
    period_changes: Any = None
    reports: tuple[Report, ...] = ()  # the pages of the run (kpi.run.publish.reports of the strategy); () when skipped


_one_gate_at_a_time = threading.Lock()


def _gate(
    period_end: dt.date, data_dir: Path, quality: dict[str, list[str]], progress: Progress, reports_dir: Path
) -> tuple[GateResult, Path]:
    """Run the gate, write its page, and raise DataQualityError (with the page's path) on hard failures."""
    with _one_gate_at_a_time:  # periods run side by side (kpi run --all) take turns: one GX context at a time
        with progress.step("Loading great-expectations"):
            great_expectations()
        with progress.step(f"Quality gate for {period_end.isoformat()} ({data_dir})"):
            result = run_gate(data_dir, period_end, soft=quality["soft"], hard=quality["hard"])
    page = quality_page_path(data_dir, period_end.isoformat(), reports_dir)
    matrix = completeness_matrix(result.inputs, until=period_end) if result.inputs else None
    write_atomically(page, render_quality_page(result, made_at=dt.datetime.now(), matrix=matrix))
    if not result.passed or result.inputs is None:  # inputs are set whenever every check passed
        error = DataQualityError(result)
        error.report_path = page
        raise error
    return result, page


def _checked(result: GateResult) -> Inputs:
    """The inputs of a gate result that passed (the gate sets them whenever every check passed)."""
    if result.inputs is None:
        raise DataQualityError(result)
    return result.inputs


def validate_period(
    period_end: dt.date,
    *,
    data_dir: Path = DATA_RAW,
    params_dir: Path = PARAMS_DIR,
    reports_dir: Path = QUALITY_REPORTS_DIR,
    progress: Progress | None = None,
) -> PeriodResult:
    """Run the quality gate for one period end and write its page; write nothing else.

    Raises
    ------
    DataQualityError
        With every hard failure and ``report_path``, the quality page (exit code 3 in the CLI).
    DataCheckError
        When the period's year has no targets in the strategy (exit code 3); nothing is written.
    ParameterError
        When the period's ``quality`` parameters name unknown checks (exit code 2).
    """
    progress = progress or Progress(enabled=False)
    check_programme_period(Path(data_dir) / STRATEGY_FILE_NAME, period_end)  # a period without targets: exit 2
    result, page = _gate(
        period_end, data_dir, quality_settings(period_end, params_dir=params_dir), progress, reports_dir
    )
    return PeriodResult(
        period_end, period_label(period_end), result, page, period_coverage(_checked(result), period_end)
    )


def run_period(
    period_end: dt.date,
    *,
    data_dir: Path = DATA_RAW,
    params_dir: Path = PARAMS_DIR,
    params_file: Path | None = None,
    overrides: Iterable[str] = (),
    force: bool = False,
    processed_dir: Path = DATA_PROCESSED,
    reports_dir: Path = QUALITY_REPORTS_DIR,
    outputs_dir: Path = OUTPUTS_DIR,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    progress: Progress | None = None,
    kernels: KernelPool | None = None,
    on_workbooks: Callable[[], None] | None = None,
) -> PeriodResult:
    """Run one period end to end, keep the run as a new version, and publish it unless a final version exists.

    parameters → (skip when inputs, parameters and code equal the newest version's) → gate → processed parquet
    → computed figures and the change list against the previous version → the workbooks with papermill, one page per
    report of :func:`kpi.run.publish.reports` (quality, one per pillar of the strategy, the consolidated follow-up)
    (in parallel) → Excel and Word exports → HTML with nbconvert → ``outputs/versiot/<period>/<NNN>/``
    → ``outputs/<period>/`` (only while no version is marked final) → ``outputs/index.html``. A failure at any
    step keeps nothing of the run and leaves every earlier version and the published folder as they were.

    Parameters
    ----------
    force : bool
        Run even when nothing changed since the newest version (which otherwise returns it, skipped).
    kernels : KernelPool, optional
        Warm kernels shared by several periods (``kpi run --all``); without one, the run starts its own before
        the gate and shuts it down at the end.
    on_workbooks : callable, optional
        Called when the period's workbooks are handed to the kernels (``kpi run --all`` then starts the next
        period's gate beside them).

    Raises
    ------
    ParameterError
        Bad parameters (exit code 2).
    DataQualityError
        The gate failed (exit code 3); ``processed_dir`` and the outputs are left as they were.
    DataCheckError
        The period's year has no targets in the strategy (exit code 3); nothing is read or written.
    NotebookError
        A workbook failed (exit code 4); the executed notebook is kept under ``outputs/epaonnistuneet/``.
    """
    progress = progress or Progress(enabled=False)
    first_timing = len(progress.timings)  # one Progress serves every period of `kpi run --all`
    started = dt.datetime.now()
    period = period_end.isoformat()
    check_programme_period(Path(data_dir) / STRATEGY_FILE_NAME, period_end)  # a period without targets: exit 2
    with progress.step(f"Parameters for {period}"):
        params = load_params(period_end, params_dir=params_dir, extra_file=params_file, overrides=overrides)
        StatusRules.from_params(params)  # the rules are checked before any data is read
    with progress.step("Comparing inputs, parameters and code with the newest version"):
        same = (
            None
            if force
            else unchanged(period_end, params, data_dir=data_dir, outputs_dir=outputs_dir, notebooks_dir=notebooks_dir)
        )
        fp = run_fingerprint(params, data_dir, notebooks_dir)
        kept = list_versions(outputs_dir, period_end)
        newest = kept[-1] if kept else None
    if same:
        return PeriodResult(
            period_end,
            period_label(period_end),
            None,
            quality_page_path(data_dir, period, reports_dir),
            same.manifest.get("coverage", {}),
            params,
            (),
            outputs_dir / period,
            outputs_dir / "index.html",
            version=same.number,
            skipped=True,
        )

    # the kernels start and import their libraries while the gate runs: that reads no input (gate-first is about data)
    with _kernel_pool(kernels, notebooks_dir) as pool:
        quality = {"soft": list(params["quality"]["soft"]), "hard": list(params["quality"]["hard"])}
        result, page = _gate(period_end, data_dir, quality, progress, reports_dir)
        inputs = _checked(result)
        with progress.step("Writing processed data"):
            files = write_processed(inputs, processed_dir)
        progress.kept.append(f"{display(processed_dir)}/ updated with the checked data of {period}")
        strategy = inputs.strategy
        with progress.step("Computing statuses, changes and findings"):
            figures = compute(inputs, period_end, params)
            compared = _comparison(data_dir, params, period_end)
            previous_end = previous_period_end(period_end)
            previous_goals = statuses(inputs, previous_end, figures.rules)[3]
            by_period = period_changes(
                figures.goals, previous_goals, strategy, period_end=period_end, previous_end=previous_end
            )
            number = next_number(outputs_dir, period_end)
            manifest = _manifest(period_end, params, overrides, result, figures, data_dir, started, fp, number)
            pages = reports(strategy)
            titles = {r.name: r.title for r in pages}
            manifest["reports"] = [r.to_json() for r in pages]  # relabel and the index read a version's pages here
            manifest["goal_names"] = {g.id: g.name for g in strategy.goals}  # the rows of the index's status matrix
            by_version = version_changes(newest.manifest, manifest, strategy) if newest else None
        staging = make_staging(outputs_dir, period_end)
        final = final_number(outputs_dir, period_end)
        periods = sorted({*periods_with_params(params_dir), period_end})
        try:
            changes_file = staging / "muutokset.json"
            changes_file.write_text(
                json.dumps(
                    {
                        "version": number,
                        "previous_version": newest.number if newest else None,
                        "version_changes": None if by_version is None else by_version.to_dict("records"),
                        "period_changes": by_period.to_dict("records"),
                    },
                    indent=1,
                    ensure_ascii=False,
                    default=str,
                ),
                encoding="utf-8",
            )
            gate_file = save_result(
                result, staging / ".gate.pickle"
            )  # workbook 00 shows it instead of validating again
            deep = "../../../"  # from outputs/versiot/<period>/<NNN>/ back to outputs/

            def to_html(nb: ExecutedNotebook) -> None:
                """Each page is exported as soon as its workbook is done, while the other kernels still run."""
                progress.timed(f"  workbook {nb.name}", nb.seconds)
                begin = time.perf_counter()
                page = export_html(nb.path, title=f"{titles[nb.name]} – {period_label(period_end)}")
                page = decorate(
                    page,
                    footer=footer(manifest),
                    nav=navigation(
                        period_end, nb.name, periods, titles=titles, root=deep, version=version_line(number, final)
                    ),
                )
                (staging / f"{nb.name}.html").write_text(page, encoding="utf-8")
                progress.timed(f"  HTML of {nb.name} with nbconvert", time.perf_counter() - begin)

            if on_workbooks:
                on_workbooks()
            with progress.step(f"Running {len(pages)} workbooks with papermill, each exported to HTML as it ends"):
                executed = execute_notebooks(
                    {**params, "changes_file": str(changes_file), "gate_file": str(gate_file)},
                    reports=pages,
                    data_dir=data_dir,
                    workdir=staging / "notebooks",
                    failed_dir=outputs_dir / FAILED_DIR_NAME / period,
                    notebooks_dir=notebooks_dir,
                    on_done=to_html,
                    kernels=pool,
                )
            gate_file.unlink()
            manifest["notebook_seconds"] = {nb.name: round(nb.seconds, 2) for nb in executed}
            with progress.step("Writing the Excel workbook and the Word draft"):
                title = f"{params['report']['title']} – {period_label(period_end)}"
                write_workbook(
                    staging / f"arviointikertomus_{period}.xlsx",
                    strategy=strategy,
                    figures=figures,
                    params=params,
                    version_changes=by_version,
                    period_changes=by_period,
                    title=title,
                    comparison=compared,
                    inputs=inputs,
                )
                write_findings(
                    staging / f"havainnot_{period}.docx",
                    strategy=strategy,
                    figures=figures,
                    title=title,
                    comparison=compared,
                )
            # the version, its publication and the index belong together: an interrupt waits until all three are done
            with (
                progress.step(f"Keeping version {number}" + ("" if final else f" and publishing outputs/{period}")),
                uninterrupted(),
            ):
                manifest["finished"] = dt.datetime.now().isoformat(timespec="seconds")
                (staging / "manifest.json").write_text(
                    json.dumps(manifest, indent=2, ensure_ascii=False, default=str), encoding="utf-8"
                )
                target = versions_dir(outputs_dir, period_end) / folder_name(number)
                target.parent.mkdir(parents=True, exist_ok=True)
                make_readable(staging)
                os.replace(staging, target)
                if final is None:
                    publish(
                        target,
                        outputs_dir / period,
                        period_end=period_end,
                        periods=periods,
                        version=version_line(number, None),
                    )
                index = write_index(outputs_dir)
                progress.kept.append(
                    f"version {number} of {period}"
                    + ("" if final else f", published as {display(outputs_dir / period)}/")
                )
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # gone after the rename; removes a half-built one on failure
        # the stage times of this run beside its version, for `make bench` and for anyone asking why a run was slow
        (target / "ajoajat.json").write_text(
            json.dumps(
                {
                    "total": round(
                        sum(t for name, t in progress.timings[first_timing:] if not name.startswith("  ")), 3
                    ),
                    "stages": [[name.strip(), round(t, 3)] for name, t in progress.timings[first_timing:]],
                },
                indent=1,
            ),
            encoding="utf-8",
        )
        return PeriodResult(
            period_end,
            period_label(period_end),
            result,
            page,
            figures.coverage,
            params,
            tuple(files),
            outputs_dir / period if final is None else target,
            index,
            version=number,
            final_version=final,
            version_changes=by_version,
            period_changes=by_period,
            reports=tuple(pages),
        )


def mark_final(
    period_end: dt.date, *, number: int | None = None, params_dir: Path = PARAMS_DIR, outputs_dir: Path = OUTPUTS_DIR
) -> Version:
    """Mark a version final (default: the newest), publish it as ``outputs/<period>/`` and relabel its pages."""
    version = versions.mark_final(outputs_dir, period_end, number)
    periods = sorted({*periods_with_params(params_dir), period_end})
    relabel(version.path, period_end, periods, root="../../../", version=version_line(version.number, version.number))
    publish(
        version.path,
        outputs_dir / period_end.isoformat(),
        period_end=period_end,
        periods=periods,
        version=version_line(version.number, version.number),
    )
    write_index(outputs_dir)
    return version


@contextlib.contextmanager
def _kernel_pool(kernels: KernelPool | None, notebooks_dir: Path) -> Iterator[KernelPool]:
    """The given pool, or one started now for this run alone and shut down when it ends."""
    if kernels is not None:
        yield kernels.start()
        return
    with KernelPool(workbooks(notebooks_dir), cwd=notebooks_dir) as pool:
        yield pool


def _comparison(data_dir: Path, params: dict[str, Any], period_end: dt.date) -> Comparison | None:
    """The city beside its peers for the exports, when the data folder has official statistics (vertailu.csv)."""
    if not (Path(data_dir) / COMPARISON_FILE).exists():
        return None
    return compare(read_comparison(data_dir), classification_of(data_dir), params["comparison"], period_end)


def _manifest(
    period_end: dt.date,
    params: dict[str, Any],
    overrides: Iterable[str],
    result: GateResult,
    figures: PeriodFigures,
    data_dir: Path,
    started: dt.datetime,
    fp: str | None,
    number: int,
) -> dict[str, Any]:
    """Provenance of a version: parameters, input hashes, versions, commit, times, gate, statuses and results."""
    counts = figures.goals.status.value_counts()
    return {
        "period_end": period_end.isoformat(),
        "version": number,
        "fingerprint": fp,
        "data_dir": str(Path(data_dir).resolve()),
        "params": params,
        "overrides": list(overrides),
        "input_files": _checked(result).file_hashes,
        "versions": package_versions(),
        "commit": git_commit(),
        "started": started.isoformat(timespec="seconds"),
        "finished": dt.datetime.now().isoformat(timespec="seconds"),
        "gate": {
            "passed": result.passed,
            "checks": len(result.findings),
            "soft_findings": len(result.soft_findings),
            "seconds": {k: round(v, 2) for k, v in result.seconds.items()},
        },
        "goal_statuses": {status: int(counts.get(status, 0)) for status in STATUSES},
        "example_values": figures.coverage["example_values"],
        "coverage": figures.coverage,
        "results": snapshot(figures),
    }
