"""The gate's order of work: read every file, check it, type it, check the typed tables, then the checks across files."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kpi.errors import InputFileError, ParameterError, StrategyError
from kpi.inputs.comparison import (
    CLASSIFICATION_FILE,
    COMPARISON,
    COMPARISON_FILE,
    checked_at_import,
    checked_frame,
    classification_of,
    comparison_frame,
)
from kpi.inputs.datasets import TABLES, Inputs, input_hashes, sha256
from kpi.inputs.gate.frames import coverage_frames, strategy_frames, table_frame
from kpi.inputs.gate.result import Finding, GateResult, file_finding, load_result, unexpected, with_reasons
from kpi.inputs.gate.validator import Validator, great_expectations
from kpi.inputs.readers import RawTable, read_raw, type_table
from kpi.inputs.strategy import load_strategy, outside_programme
from kpi.inputs.suites import (
    Check,
    all_check_ids,
    comparison_checks,
    coverage_checks,
    raw_checks,
    strategy_checks,
    table_checks,
)
from kpi.paths import STRATEGY_FILE_NAME

# What the gate learns about a file that no period changes (the text as read, its own checks, its typed table),
# kept for the process by the file's sha256: `kpi run --all` reads, types and checks each file once and only
# the checks that depend on the period run again. Small: one entry per file and kind, replaced when a file changes.
_shared: dict[tuple[str, str], tuple[str, Any]] = {}
_shared_lock = threading.Lock()


def _once(kind: str, path: Path, extra: Any, make: Any) -> Any:
    """`make()`, or what it returned for the same file content (and `extra`) earlier in this process."""
    key = (kind, str(Path(path).resolve()))
    try:
        stamp = f"{sha256(path)}|{extra!r}"
    except OSError:  # a missing file: nothing to share, the reader says what is wrong
        return make()
    with _shared_lock:
        hit = _shared.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    value = make()
    with _shared_lock:
        _shared[key] = (stamp, value)
    return value


def forget_shared() -> None:
    """Drop what earlier gates of this process kept (tests that compare a first read with a later one)."""
    with _shared_lock:
        _shared.clear()


def _severities(checks: Iterable[Check], soft: Iterable[str], hard: Iterable[str], known: set[str]) -> dict[str, str]:
    soft, hard = set(soft), set(hard)
    unknown = sorted((soft | hard) - known)
    if unknown:
        raise ParameterError(
            f"quality.soft / quality.hard: unknown check id{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(unknown)} (see `kpi checks` for the list)"
        )
    return {c.id: "soft" if c.id in soft else "hard" if c.id in hard else c.severity for c in checks}


def run_gate(data_dir: Path, period_end: dt.date, *, soft: Iterable[str] = (), hard: Iterable[str] = ()) -> GateResult:
    """Read every input of `data_dir` and run every suite for `period_end`.

    The gate goes as far as the data allows and reports everything it found on the way: a file that
    cannot be read, missing columns and badly formed cells stop the checks of that file only; the checks
    that tie the files together run once every file is readable.

    Parameters
    ----------
    data_dir : Path
        Folder with ``strategia.yaml`` and the input tables.
    period_end : datetime.date
        The period being reported.
    soft, hard : iterable of str
        Check ids whose default severity is overridden (``params: quality.soft / quality.hard``).

    Returns
    -------
    GateResult
        With ``inputs`` set when every file was read and typed. Check ``passed``; the caller decides
        what a failure means (``kpi validate`` and ``kpi run`` exit with code 3).

    Raises
    ------
    ParameterError
        When `soft` or `hard` name a check that does not exist.
    """
    data_dir = Path(data_dir)
    result = GateResult(period_end, data_dir)
    _, _, import_seconds = great_expectations()
    result.seconds["import great-expectations"] = import_seconds
    begin = time.perf_counter()
    validators: list[Validator] = []  # made on first use: a rerun whose files are all known may need few checks
    reading = 0.0  # reading, parsing and typing the files, apart from the great-expectations validations

    strategy = None
    step = time.perf_counter()
    try:
        strategy_path = data_dir / STRATEGY_FILE_NAME
        strategy = _once("strategy", strategy_path, None, lambda: load_strategy(strategy_path))
        outside = outside_programme(strategy, period_end)
        if outside:  # no target for the period's year: nothing could be assessed, and the tables are not checked
            result.findings.append(file_finding(STRATEGY_FILE_NAME, f"{STRATEGY_FILE_NAME}: {outside}"))
            return _finish(result, begin, 0.0)
    except StrategyError as exc:
        result.findings.append(file_finding(STRATEGY_FILE_NAME, str(exc)))
    except Exception as exc:  # whatever a broken file does, the gate names it instead of crashing
        result.findings.append(unexpected(STRATEGY_FILE_NAME, "reading", exc))

    raw: dict[str, RawTable] = {}
    for name, spec in TABLES.items():
        try:
            path = data_dir / spec.file_name
            raw[name] = _once("raw", path, spec.file_name, lambda p=path, t=spec: read_raw(p, t))
        except InputFileError as exc:
            result.findings.append(file_finding(spec.file_name, str(exc)))
        except Exception as exc:
            result.findings.append(unexpected(spec.file_name, "reading", exc))
    # the comparison table (official statistics, kpi import) is optional: checked when the data folder has it
    comparison_raw = None
    checked_when = checked_at_import(data_dir) if (data_dir / COMPARISON_FILE).exists() else None
    if checked_when:
        result.findings.append(_checked_at_import(checked_when))
    elif (data_dir / COMPARISON_FILE).exists():
        try:
            comparison_raw = read_raw(data_dir / COMPARISON_FILE, COMPARISON)
        except InputFileError as exc:
            result.findings.append(file_finding(COMPARISON_FILE, str(exc)))
        except Exception as exc:
            result.findings.append(unexpected(COMPARISON_FILE, "reading", exc))
    reading += time.perf_counter() - step

    all_checks = [
        c
        for name, table in raw.items()
        for c in raw_checks(name, table.spec, table.decimal, set(table.frame.columns), len(table.header))
    ]
    if comparison_raw is not None:
        all_checks += raw_checks(
            "comparison",
            COMPARISON,
            comparison_raw.decimal,
            set(comparison_raw.frame.columns),
            len(comparison_raw.header),
        )
    later = table_checks(strategy) + strategy_checks() + coverage_checks(period_end) if strategy else []
    later += comparison_checks() if comparison_raw is not None else []
    severity = _severities([*all_checks, *later], soft, hard, set(all_check_ids()))
    typed: dict[str, pd.DataFrame] = {}

    def validate(frame_name: str, file: str, make_frame: Any, table: RawTable | None = None) -> list[Finding]:
        """Validate one frame; anything unexpected while deriving or checking it becomes a finding naming `file`."""
        checks = [c for c in [*all_checks, *later] if c.frame == frame_name]
        try:
            if not validators:
                validators.append(Validator())
            findings = validators[0].validate(frame_name, make_frame(), checks, severity)
            return [with_reasons(f, table) for f in findings] if table else findings
        except Exception as exc:  # a frame no check foresaw must still end as a named failure
            return [unexpected(file, "checking", exc)]

    for name, table in raw.items():
        file = table.spec.file_name
        findings = _once(
            "raw checks",
            table.path,
            _severity_of(f"raw:{name}", all_checks, severity),
            lambda n=name, f=file, t=table: validate(f"raw:{n}", f, lambda: t.frame, t),
        )
        result.findings += findings
        if any(not f.passed and f.severity == "hard" for f in findings):
            continue
        step = time.perf_counter()
        try:
            # a copy: the typed tables become the period's inputs, and no period may see another's changes
            typed[name] = _once("typed", table.path, None, lambda t=table: type_table(t)).copy()
        except InputFileError as exc:  # a cell the patterns let through but that is no calendar date, say
            result.findings.append(file_finding(file, str(exc)))
        except Exception as exc:
            result.findings.append(unexpected(file, "typing", exc))
        reading += time.perf_counter() - step

    if comparison_raw is not None:
        result.findings += _check_comparison(data_dir, comparison_raw, validate)
    if strategy is None:
        return _finish(result, begin, reading)
    # each file's own checks first; the checks that combine files run only on files that passed theirs, so a
    # duplicated or malformed row is reported by its own check instead of breaking a sum across files
    for name, frame in typed.items():
        result.findings += validate(
            name, TABLES[name].file_name, lambda n=name, f=frame: table_frame(n, f, strategy, period_end)
        )

    def check_strategy() -> list[Finding]:
        try:
            strategy_tables = strategy_frames(strategy)
        except Exception as exc:  # a strategy the loader let through that no frame foresaw is still named
            return [unexpected(STRATEGY_FILE_NAME, "checking", exc)]
        return [
            f
            for name, frame in strategy_tables.items()
            for f in validate(name, STRATEGY_FILE_NAME, lambda frame=frame: frame)
        ]

    result.findings += _once(
        "strategy checks", data_dir / STRATEGY_FILE_NAME, _severity_of("strategy", later, severity), check_strategy
    )
    if len(typed) < len(TABLES) or result.hard_failures:
        return _finish(result, begin, reading)

    step = time.perf_counter()
    try:
        coverage = coverage_frames(typed, strategy, period_end)
    except Exception as exc:
        coverage = {}
        result.findings.append(unexpected(", ".join(spec.file_name for spec in TABLES.values()), "checking", exc))
    reading += time.perf_counter() - step
    for frame_name, frame in coverage.items():
        files = sorted({c.file for c in later if c.frame == frame_name})
        result.findings += validate(frame_name, ", ".join(files), lambda f=frame: f)
    result.inputs = Inputs(data_dir, strategy, typed, input_hashes(data_dir))
    return _finish(result, begin, reading)


def _severity_of(frames: str, checks: list[Check], severity: dict[str, str]) -> list[tuple[str, str]]:
    """The severities of the checks of the frames whose names start with `frames` (part of a shared result's key)."""
    return sorted((c.id, severity[c.id]) for c in checks if c.frame.startswith(frames))


def _checked_at_import(when: str) -> Finding:
    check = Check(
        "vertailu.checked_at_import",
        "file:vertailu.csv",
        COMPARISON_FILE,
        None,
        "every comparison check passed when kpi import wrote the file, and neither it nor kuntaluokitus.csv changed",
        "vertailutiedot läpäisivät kaikki tarkistukset tuonnin yhteydessä, eikä tiedosto tai kuntaluokitus ole sen "
        "jälkeen muuttunut",
        lambda gxe: None,
    )
    return Finding(check, "hard", True, detail=f"checked by kpi import {when}; unchanged since (sha256)")


def _check_comparison(data_dir: Path, raw: RawTable, validate: Any) -> list[Finding]:
    """vertailu.csv: its own raw checks, then its rows against the classification (kuntaluokitus.csv)."""
    findings = validate("raw:comparison", COMPARISON_FILE, lambda: raw.frame, raw)
    if any(not f.passed and f.severity == "hard" for f in findings):
        return findings
    try:
        classification = classification_of(data_dir)
    except InputFileError as exc:
        return [*findings, file_finding(CLASSIFICATION_FILE, str(exc))]
    except Exception as exc:
        return [*findings, unexpected(CLASSIFICATION_FILE, "reading", exc)]
    return findings + validate(
        "comparison", COMPARISON_FILE, lambda: checked_frame(comparison_frame(type_table(raw)), classification)
    )


def _finish(result: GateResult, begin: float, reading: float) -> GateResult:
    result.seconds["validate"] = time.perf_counter() - begin
    result.seconds["read and type"] = reading
    return result


def gate_result(gate_file: str, data_dir: Path, period_end: dt.date, quality: dict[str, list[str]]) -> GateResult:
    """The gate's result for a workbook: the one `kpi run` just made (`gate_file`), else a fresh run of the gate.

    Reading the run's result saves a second import of great-expectations and a second validation in the
    kernel of workbook 00; run on its own (JupyterLab, plain papermill) the workbook validates by itself.
    """
    if gate_file:
        result = load_result(Path(gate_file))
        if result.period_end == period_end:
            return result
    return run_gate(data_dir, period_end, **quality)
