"""What the gate found: samples, findings, the result of one period, and the error that stops a run."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from kpi import fi
from kpi.errors import DataError
from kpi.inputs.datasets import Inputs
from kpi.inputs.readers import REASONS_FI, SOURCE_ROW, RawTable, explain_cell
from kpi.inputs.suites import Check
from kpi.paths import display


def _shown_fi(shown: str) -> str:
    """A sample value for Finnish text: a quoted text in Finnish quotes (``'abc'`` → ``”abc”``, not Python's repr),
    an empty cell as ``tyhjä``; a number as it is."""
    if shown == "empty":
        return "tyhjä"
    if len(shown) >= 2 and shown[0] == shown[-1] and shown[0] in "'\"":
        try:
            value = ast.literal_eval(shown)
        except (ValueError, SyntaxError):
            return shown
        if isinstance(value, str):
            return f"”{value}”"
    return shown


@dataclass(frozen=True)
class Sample:
    """One failing row or item: its row number (or id), the value shown, and why it is refused when known."""

    key: Any
    shown: str = ""
    reason: str = ""
    sentence: str = ""  # what is wrong in words, in place of key and value ("no row for 31.12.2022 for indicator …")
    sentence_fi: str = ""

    def text(self, *, finnish: bool = False) -> str:
        if self.sentence:
            return self.sentence_fi if finnish and self.sentence_fi else self.sentence
        label = (f"rivi {self.key}" if finnish else f"row {self.key}") if self.is_row else str(self.key)
        reason = REASONS_FI.get(self.reason, self.reason) if finnish else self.reason
        shown = _shown_fi(self.shown) if finnish else self.shown
        return label + (f": {shown}" if shown else "") + (f" ({reason})" if reason else "")

    @property
    def is_row(self) -> bool:
        return isinstance(self.key, int)


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: passed or not, how many rows failed, and up to five of them as the file shows them."""

    check: Check
    severity: str
    passed: bool
    unexpected: int = 0
    total: int = 0
    samples: tuple[Sample, ...] = ()
    detail: str = ""

    @property
    def where(self) -> str:
        column = f", column '{self.check.column}'" if self.check.column else ""
        return f"{self.check.file}{column}"

    def message(self) -> str:
        """One line: file, column, what was expected, how many rows, and samples with their row numbers."""
        if self.passed:
            return f"{self.where}: ok ({self.check.expected})"
        if self.detail and not self.samples:
            return f"{self.where}: {self.detail}"
        noun = "row" if self.check.key == SOURCE_ROW else "item"
        count = f"{self.unexpected} {noun}s differ" if self.unexpected != 1 else f"1 {noun} differs"
        more = f"; … {self.unexpected - len(self.samples)} more" if self.unexpected > len(self.samples) else ""
        return (
            f"{self.where}: expected {self.check.expected}; {count}: {'; '.join(x.text() for x in self.samples)}{more}"
        )


@dataclass
class GateResult:
    """Everything the gate found for one period; `inputs` is set only when every file could be read and typed."""

    period_end: dt.date
    data_dir: Path
    findings: list[Finding] = field(default_factory=list)
    inputs: Inputs | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def hard_failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed and f.severity == "hard"]

    @property
    def soft_findings(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed and f.severity == "soft"]

    @property
    def passed(self) -> bool:
        return not self.hard_failures

    def failure_text(self) -> str:
        """The hard failures as one readable message for the terminal, grouped under their files."""
        failures = self.hard_failures
        n = len(failures)
        lines = [
            f"The data in {display(self.data_dir)} did not pass the quality gate for "
            f"{fi.date(self.period_end)}: {n} problem{'s' if n != 1 else ''}."
        ]
        if self.inputs is None:
            lines.append("(The checks across files run once every file can be read and has passed its own checks.)")
        lines += [f"  - {f.message()}" for f in failures]
        return "\n".join(lines)

    def summary_text(self) -> str:
        """A one-screen summary: checks per file, passed, hard failures and soft findings, then the soft findings."""
        frame = self.findings_frame()
        lines = [
            f"Quality gate {fi.date(self.period_end)}: {'PASSED' if self.passed else 'FAILED'} — "
            f"{len(frame)} checks, {int(frame.passed.sum())} passed, {len(self.hard_failures)} failed, "
            f"{len(self.soft_findings)} soft findings"
        ]
        by_file = frame.groupby("file", sort=False).agg(checks=("passed", "size"), passed=("passed", "sum"))
        for file, row in by_file.iterrows():
            lines.append(f"  {file:<28} {int(row.passed):>3}/{int(row.checks):<3} passed")
        if self.soft_findings:
            lines.append("Soft findings (they do not stop the run; the reports flag them):")
            for f in self.soft_findings:
                what = f.check.flag or f"rows not as expected ({f.check.expected})"
                lines.append(f"  - {f.check.file} — {what}: {f.unexpected}")
        return "\n".join(lines)

    def findings_frame(self) -> pd.DataFrame:
        """One row per check: id, file, column, expectation in Finnish and English, severity, outcome, samples."""
        return pd.DataFrame(
            [
                {
                    "check_id": f.check.id,
                    "file": f.check.file,
                    "column": f.check.column or "",
                    "expected": f.check.expected,
                    "expected_fi": f.check.expected_fi,
                    "severity": f.severity,
                    "passed": f.passed,
                    "unexpected": f.unexpected,
                    "total": f.total,
                    "samples": "; ".join(x.text() for x in f.samples) or f.detail,
                    "samples_fi": "; ".join(x.text(finnish=True) for x in f.samples) or f.detail,
                }
                for f in self.findings
            ],
            columns=[
                "check_id",
                "file",
                "column",
                "expected",
                "expected_fi",
                "severity",
                "passed",
                "unexpected",
                "total",
                "samples",
                "samples_fi",
            ],
        )


class DataQualityError(DataError):
    """The gate found hard failures; `result` holds every finding (for the HTML report)."""

    def __init__(self, result: GateResult) -> None:
        super().__init__(result.failure_text())
        self.result = result
        self.report_path: Path | None = None  # the quality page, set by the runner once it is written


def unexpected(file: str, doing: str, exc: Exception) -> Finding:
    """A failure the gate did not foresee, as a finding that names the file instead of a traceback."""
    return file_finding(
        file,
        f"{file}: could not be read or checked ({doing} stopped at "
        f"{type(exc).__name__}: {exc}); please check the file's layout against "
        "data/raw/README.md, and report this message if the file looks right",
    )


def file_finding(file: str, message: str) -> Finding:
    check = Check(
        f"{file.rsplit('.', 1)[0]}.readable",
        f"file:{file}",
        file,
        None,
        "a readable file",
        "luettava tiedosto",
        lambda gxe: None,
    )
    # the reader's message already starts with the file's path; keep only what follows it, and a bulleted
    # list of problems ("… has 2 problems:" then "  - …" lines) as one line, since the finding is one bullet
    head, *rest = message.split("\n")
    if ":" not in head:
        detail = message
    elif head.endswith(":") and rest:
        detail = "; ".join(line.strip().removeprefix("- ") for line in rest if line.strip())
    else:
        detail = message.split(":", 1)[1].strip()
    return Finding(check, "hard", False, detail=detail)


def with_reasons(finding: Finding, table: RawTable) -> Finding:
    """Add the reader's reason to each sample of a failed type check ('a decimal point where …')."""
    if finding.passed or not finding.check.id.endswith(".type"):
        return finding
    column = next(c for c in table.spec.columns if c.header == finding.check.column)
    cells = table.frame.set_index(SOURCE_ROW)[column.header]
    samples = tuple(
        Sample(x.key, x.shown, explain_cell(cells[x.key], column.type, table.decimal)) for x in finding.samples
    )
    return dataclasses.replace(finding, samples=samples)


def save_result(result: GateResult, path: Path) -> Path:
    """Keep a gate result for the workbooks of the same run (pickle: written and read by this process tree only)."""
    # a check's `build` makes its GX expectation (a lambda, not picklable); the workbook only reads the outcomes
    light = dataclasses.replace(
        result,
        findings=[
            dataclasses.replace(f, check=dataclasses.replace(f.check, build=None))  # type: ignore[arg-type]
            for f in result.findings
        ],
    )
    with open(path, "wb") as fh:
        pickle.dump(light, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def load_result(path: Path) -> GateResult:
    """A gate result kept by :func:`save_result` in the same run."""
    with open(path, "rb") as fh:
        return pickle.load(fh)
