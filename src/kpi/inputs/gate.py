"""The data-quality gate: runs the great-expectations suites on every input and turns the results into findings."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from kpi.errors import DataError, InputFileError, ParameterError, StrategyError
from kpi.inputs.datasets import TABLES, Inputs, input_hashes
from kpi.inputs.readers import CELLS_DETAIL, EXTRA_CELLS, REASONS_FI, format_date_fi, SOURCE_ROW, RawTable, explain_cell, read_raw, type_table
from kpi.inputs.strategy import Strategy, load_strategy
from kpi.inputs.suites import ACCOUNT_GROUPS, Check, all_check_ids, coverage_checks, raw_checks, strategy_checks, table_checks
from kpi.paths import STRATEGY_FILE_NAME, display


@cache
def great_expectations() -> tuple[Any, Any, float]:
    """Import great-expectations once per process; return the module, its expectations and the import seconds."""
    # GX would otherwise send usage statistics: reports are built offline and must stay that way.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    # jsonschema (imported by great-expectations, later by nbformat) compiles an IRI grammar at import when the
    # optional rfc3987-syntax is installed (jupyter brings it): about 3 s here for an "iri" format check this
    # project never uses. Marking it absent makes jsonschema skip that one checker.
    sys.modules.setdefault("rfc3987_syntax", None)
    begin = time.perf_counter()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe, time.perf_counter() - begin


@dataclass(frozen=True)
class Sample:
    """One failing row or item: its row number (or id), the value shown, and why it is refused when known."""

    key: Any
    shown: str = ""
    reason: str = ""

    def text(self, *, finnish: bool = False) -> str:
        label = (f"rivi {self.key}" if finnish else f"row {self.key}") if self.is_row else str(self.key)
        reason = REASONS_FI.get(self.reason, self.reason) if finnish else self.reason
        return label + (f": {self.shown}" if self.shown else "") + (f" ({reason})" if reason else "")

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
        return f"{self.where}: expected {self.check.expected}; {count}: {'; '.join(x.text() for x in self.samples)}{more}"


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
        lines = [f"The data in {display(self.data_dir)} did not pass the quality gate for "
                 f"{format_date_fi(self.period_end)}: {n} problem{'s' if n != 1 else ''}."]
        if self.inputs is None:
            lines.append("(The checks across files run once every file can be read and has passed its own checks.)")
        lines += [f"  - {f.message()}" for f in failures]
        return "\n".join(lines)

    def summary_text(self) -> str:
        """A one-screen summary: checks per file, passed, hard failures and soft findings, then the soft findings."""
        frame = self.findings_frame()
        lines = [f"Quality gate {format_date_fi(self.period_end)}: {'PASSED' if self.passed else 'FAILED'} — "
                 f"{len(frame)} checks, {int(frame.passed.sum())} passed, {len(self.hard_failures)} failed, "
                 f"{len(self.soft_findings)} soft findings"]
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
        return pd.DataFrame([
            {"check_id": f.check.id, "file": f.check.file, "column": f.check.column or "",
             "expected": f.check.expected, "expected_fi": f.check.expected_fi, "severity": f.severity,
             "passed": f.passed, "unexpected": f.unexpected, "total": f.total,
             "samples": "; ".join(x.text() for x in f.samples) or f.detail,
             "samples_fi": "; ".join(x.text(finnish=True) for x in f.samples) or f.detail}
            for f in self.findings
        ], columns=["check_id", "file", "column", "expected", "expected_fi", "severity", "passed", "unexpected",
                    "total", "samples", "samples_fi"])


class DataQualityError(DataError):
    """The gate found hard failures; `result` holds every finding (for the HTML report)."""

    def __init__(self, result: GateResult) -> None:
        super().__init__(result.failure_text())
        self.result = result


# ---------------------------------------------------------------- frames the suites run on

def _fi_date(value: Any) -> str:
    return format_date_fi(value)


def _table_frame(name: str, frame: pd.DataFrame, strategy: Strategy, period_end: dt.date) -> pd.DataFrame:
    """One typed table with the derived columns its own checks read (month-day of the period end, ranges …)."""
    f = frame.copy()
    f["period_md"] = _per_value(f.period_end, lambda d: d.strftime("%m-%d"))
    f["example_at_period"] = f.is_example & (f.period_end == pd.Timestamp(period_end))
    derive = _DERIVED.get(name)
    return derive(f, strategy) if derive else f


def _observations_frame(obs: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    ind = {i.id: i for i in strategy.indicators}
    # an unknown id is reported by its own check; do not report it again as a wrong unit or range
    known = obs.indicator_id.isin(list(ind)).to_numpy(dtype=bool)
    obs["expected_unit"] = pd.Series(obs.indicator_id.map({k: i.unit for k, i in ind.items()}), dtype="object") \
        .where(known, obs.unit.astype("object"))
    wrong_unit = (obs.unit.astype("object") != obs.expected_unit).to_numpy(dtype=bool)
    # the details are shown only for failing rows: written for those rows alone (a million rows stay cheap)
    obs["unit_detail"] = _detail(obs, wrong_unit, lambda r: f"{r.unit!r} for {r.indicator_id} (the strategy says "
                                                            f"{r.expected_unit!r})")
    low = obs.indicator_id.map({k: i.valid_range[0] for k, i in ind.items()}).astype("float64")
    high = obs.indicator_id.map({k: i.valid_range[1] for k, i in ind.items()}).astype("float64")
    obs["in_range"] = obs.value.isna() | ((low.isna() | (obs.value >= low)) & (high.isna() | (obs.value <= high)))
    obs["range_detail"] = _detail(obs.assign(low=low, high=high), ~obs.in_range.to_numpy(dtype=bool), lambda r: (
        f"{r.value:g} for {r.indicator_id} (valid: {'' if pd.isna(r.low) else f'{r.low:g}'}…"
        f"{'' if pd.isna(r.high) else f'{r.high:g}'})"))
    obs["value_xor_no_data"] = obs.value.notna() != obs.no_data
    return obs


def _population_frame(pop: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    pop = pop.sort_values("period_end")
    previous = pop.population.shift(1).astype("float64")
    pop["change_pct"] = (pop.population.astype("float64") / previous - 1) * 100
    pop["change_detail"] = [f"{p} (previous {'' if pd.isna(q) else int(q)}, {'' if pd.isna(c) else f'{c:+.1f} %'})"
                            for p, q, c in zip(pop.population, previous, pop.change_pct)]
    return pop


def _budget_frame(budget: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    budget["forecast_ok"] = ~((budget.period_md == "06-30") & budget.forecast.isna())
    return budget


def _programmes_frame(programmes: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    programmes["period_year"] = programmes.period_end.dt.year
    return programmes


#: The derived columns a typed table's own checks need beyond the common ones, per table.
_DERIVED = {"observations": _observations_frame, "population": _population_frame, "budget": _budget_frame,
            "programmes": _programmes_frame}


def _per_value(column: pd.Series, func: Any) -> pd.Series:
    """`func` applied to each distinct value of `column` once (missing values stay missing), spread to every row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = pd.Series([func(u) for u in uniques] + [None], dtype="object")
    return pd.Series(mapped.to_numpy()[codes], index=column.index, dtype="object")


def _detail(frame: pd.DataFrame, rows: Any, func: Any) -> pd.Series:
    """A sample text for the rows a check refuses (`rows`, a boolean mask): `func` of each such row, '' elsewhere."""
    detail = pd.Series("", index=frame.index, dtype="object")
    if rows.any():
        detail[rows] = [func(r) for r in frame[rows].itertuples(index=False)]
    return detail


def _strategy_frames(strategy: Strategy) -> dict[str, pd.DataFrame]:
    indicators = strategy.indicators_frame()
    targets = strategy.targets_frame().merge(indicators[["indicator_id", "valid_min", "valid_max"]], on="indicator_id")
    values = targets.target.fillna(targets.target_low)
    values_high = targets.target.fillna(targets.target_high)
    targets["in_range"] = ((targets.valid_min.isna() | (values >= targets.valid_min))
                           & (targets.valid_max.isna() | (values_high <= targets.valid_max)))
    targets["range_detail"] = [f"{y}: {v:g}" for y, v in zip(targets.year, values)]
    measures = strategy.measures_frame()
    areas = {a.id for a in strategy.responsible_areas}
    measures["area_known"] = measures.responsible_area.isin(sorted(areas))
    return {"strategy:goals": strategy.goals_frame(), "strategy:indicators": indicators,
            "strategy:targets": targets, "strategy:measures": measures}


def _coverage_frames(tables: dict[str, pd.DataFrame], strategy: Strategy, period_end: dt.date) -> dict[str, pd.DataFrame]:
    stamp = pd.Timestamp(period_end)
    obs = tables["observations"]
    now = obs[obs.period_end == stamp]
    rows_now = now.indicator_id.value_counts()
    with_value = obs[obs.value.notna() & (obs.period_end <= stamp)]
    latest = with_value.groupby("indicator_id").period_end.max()
    indicator_coverage = pd.DataFrame([
        {"indicator_id": i.id, "rows_at_period": int(rows_now.get(i.id, 0)),
         "latest_value": _fi_date(latest.get(i.id)) or "no value"}
        for i in strategy.indicators])

    ms = tables["milestones"]
    ms_now = ms[ms.period_end == stamp].measure_id.value_counts()
    milestone_coverage = pd.DataFrame([{"measure_id": m.id, "rows_at_period": int(ms_now.get(m.id, 0))}
                                       for m in strategy.milestones])
    pop = tables["population"]
    population_coverage = pd.DataFrame([{"period": f"{format_date_fi(period_end)}",
                                         "rows_at_period": int((pop.period_end == stamp).sum())}])
    budget = tables["budget"]
    b_now = budget[budget.period_end == stamp].groupby(["responsible_area", "account_group"]).size()
    active = [a for a in strategy.responsible_areas if a.valid_until is None or a.valid_until >= period_end]
    budget_coverage = pd.DataFrame([{"area_group": f"{a.id} / {g}", "rows_at_period": int(b_now.get((a.id, g), 0))}
                                    for a in active for g in ACCOUNT_GROUPS])
    ass = tables["assessments"]
    a_now = ass[ass.period_end == stamp].goal_id.value_counts()
    assessment_coverage = pd.DataFrame([{"goal_id": g.id, "rows_at_period": int(a_now.get(g.id, 0))}
                                        for g in strategy.goals])
    return {"indicator_coverage": indicator_coverage, "milestone_coverage": milestone_coverage,
            "population_coverage": population_coverage, "budget_coverage": budget_coverage,
            "assessment_coverage": assessment_coverage, "consistency": consistency_frame(tables)}


def consistency_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Given totals against the sum of their parts, for every period end where both are present.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``given``, ``computed``, ``abs_difference``, ``tolerance``, ``detail``. Rows: costs per
        resident (``toimintakulut_per_asukas`` = the budget's operating costs / population, ±1 € for
        rounding) and the adjustment programme's cumulative savings and person-years (= the sum of
        ``sopeuttamisohjelma.xlsx`` rows of earlier year ends and of this period, ±0,01 M€ / ±0,5 HTV).
    """
    obs = tables["observations"].dropna(subset=["value"]).set_index(["indicator_id", "period_end"]).value
    budget = tables["budget"]
    costs = budget[budget.account_group != "Toimintatuotot"].groupby("period_end").actual.sum()
    pop = tables["population"].drop_duplicates("period_end").set_index("period_end").population.astype("float64")
    rows = []

    def add(indicator_id: str, period: pd.Timestamp, computed: float, tolerance: float) -> None:
        given = obs.get((indicator_id, period))
        if given is None or pd.isna(computed):
            return
        rows.append({"check": f"{indicator_id} {format_date_fi(period)}", "given": float(given), "computed": float(computed),
                     "abs_difference": abs(float(given) - float(computed)), "tolerance": tolerance,
                     "detail": f"given {float(given):g}, computed from its parts {float(computed):g}"})

    for period in costs.index:
        if period in pop.index:
            add("toimintakulut_per_asukas", period, round(costs[period] / pop[period]), 1.0)
    adj = tables["adjustment"]
    for period in sorted(adj.period_end.unique()):
        earlier = adj[(adj.period_end.dt.month == 12) & (adj.period_end.dt.year < period.year)]
        current = adj[adj.period_end == period]
        add("sopeutus_saasto_kertyma", period, (earlier.realised_eur.sum() + current.realised_eur.sum()) / 1e6, 0.01)
        add("sopeutus_htv_kertyma", period, earlier.realised_htv.sum() + current.realised_htv.sum(), 0.5)
    return pd.DataFrame(rows, columns=["check", "given", "computed", "abs_difference", "tolerance", "detail"])


# ---------------------------------------------------------------- running great-expectations

class _Validator:
    """One ephemeral great-expectations context for the whole run; validates a frame against its checks."""

    def __init__(self) -> None:
        gx, self.gxe, _ = great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in logs
        self.source = self.context.data_sources.add_pandas("kpi")
        self.gx = gx

    def _suite(self, name: str, checks: list[Check]) -> Any:
        suite = self.gx.ExpectationSuite(name=name)
        for check in checks:
            expectation = check.build(self.gxe)
            expectation.meta = {"check_id": check.id}
            suite.add_expectation(expectation)
        return suite

    def validate(self, name: str, frame: pd.DataFrame, checks: list[Check], severity: dict[str, str]) -> list[Finding]:
        if not checks:
            return []
        asset_name = name.replace(":", "_")
        asset = self.source.add_dataframe_asset(name=asset_name)
        batch = asset.add_batch_definition_whole_dataframe(asset_name).get_batch(batch_parameters={"dataframe": frame})
        # Pass or fail first (BOOLEAN_ONLY: no counts, no row lists; much cheaper when all is well, as usual),
        # then only the failing checks again with the rows that failed them.
        results = {r.expectation_config.meta["check_id"]: r
                   for r in batch.validate(self._suite(asset_name, checks),
                                           result_format={"result_format": "BOOLEAN_ONLY"}).results}
        failed = [c for c in checks if not results[c.id].success]
        if failed:
            detailed = batch.validate(self._suite(f"{asset_name}_failed", failed),
                                      result_format={"result_format": "COMPLETE",
                                                     "unexpected_index_column_names": [checks[0].key]})
            results.update({r.expectation_config.meta["check_id"]: r for r in detailed.results})
        findings = [_finding(c, severity[c.id], results[c.id].to_json_dict(), frame) for c in checks]
        order = {c.id: n for n, c in enumerate(checks)}
        return sorted(findings, key=lambda f: order[f.check.id])


def _finding(check: Check, severity: str, r: dict, frame: pd.DataFrame) -> Finding:
    res = r.get("result") or {}
    info = r.get("exception_info") or {}
    errors = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    if info.get("raised_exception"):
        errors.append(info.get("exception_message"))
    if errors:
        missing = check.value if check.value and check.value not in frame.columns else None
        detail = f"could not be checked: column '{check.column or missing}' is missing" if missing else \
            f"could not be checked: {errors[0]}"
        return Finding(check, severity, False, detail=detail)
    if r["success"]:
        return Finding(check, severity, True, total=int(res.get("element_count") or len(frame)))
    mismatched = (res.get("details") or {}).get("mismatched")
    if mismatched is not None:  # the column-set expectation
        missing = mismatched.get("missing") or []
        present = [c for c in (res.get("observed_value") or []) if c not in (SOURCE_ROW, EXTRA_CELLS, CELLS_DETAIL)]
        return Finding(check, severity, False, unexpected=len(missing),
                       detail=f"missing column{'s' if len(missing) != 1 else ''} "
                              f"{', '.join(repr(m) for m in missing)} (columns in the file: "
                              f"{', '.join(repr(c) for c in present)})")
    keys = [row[check.key] for row in res.get("unexpected_index_list") or []]
    keys = list(dict.fromkeys(keys))
    count = int(res.get("unexpected_count") or len(keys))
    return Finding(check, severity, False, unexpected=count, total=int(res.get("element_count") or len(frame)),
                   samples=tuple(_sample(check, frame, k) for k in keys[:5]))


def _sample(check: Check, frame: pd.DataFrame, key: Any) -> Sample:
    if hasattr(key, "item"):
        key = key.item()
    if not check.value or check.value not in frame.columns:
        return Sample(key)
    value = frame.loc[frame[check.key] == key, check.value].iloc[0]
    if hasattr(value, "item"):  # a numpy scalar: show it as the plain number it is
        value = value.item()
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return Sample(key, "empty")
    if isinstance(value, pd.Timestamp):
        text = repr(_fi_date(value))
    elif check.value == "detail" or check.value.endswith("_detail") or check.key != SOURCE_ROW:
        text = str(value)
    else:
        text = repr(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)
    return Sample(key, text)


# ---------------------------------------------------------------- the gate

def _severities(checks: Iterable[Check], soft: Iterable[str], hard: Iterable[str], known: set[str]) -> dict[str, str]:
    soft, hard = set(soft), set(hard)
    unknown = sorted((soft | hard) - known)
    if unknown:
        raise ParameterError(f"quality.soft / quality.hard: unknown check id{'s' if len(unknown) > 1 else ''} "
                             f"{', '.join(unknown)} (see `kpi checks` for the list)")
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
    validator = _Validator()
    reading = 0.0  # reading, parsing and typing the files, apart from the great-expectations validations

    strategy = None
    step = time.perf_counter()
    try:
        strategy = load_strategy(data_dir / STRATEGY_FILE_NAME)
    except StrategyError as exc:
        result.findings.append(_file_finding(STRATEGY_FILE_NAME, str(exc)))
    except Exception as exc:  # noqa: BLE001 - whatever a broken file does, the gate names it instead of crashing
        result.findings.append(_unexpected(STRATEGY_FILE_NAME, "reading", exc))

    raw: dict[str, RawTable] = {}
    for name, spec in TABLES.items():
        try:
            raw[name] = read_raw(data_dir / spec.file_name, spec)
        except InputFileError as exc:
            result.findings.append(_file_finding(spec.file_name, str(exc)))
        except Exception as exc:  # noqa: BLE001
            result.findings.append(_unexpected(spec.file_name, "reading", exc))
    reading += time.perf_counter() - step

    all_checks = [c for name, table in raw.items()
                  for c in raw_checks(name, table.spec, table.decimal, set(table.frame.columns), len(table.header))]
    later = table_checks(strategy) + strategy_checks() + coverage_checks(period_end) if strategy else []
    severity = _severities([*all_checks, *later], soft, hard, set(all_check_ids()))
    typed: dict[str, pd.DataFrame] = {}

    def validate(frame_name: str, file: str, make_frame: Any, table: RawTable | None = None) -> list[Finding]:
        """Validate one frame; anything unexpected while deriving or checking it becomes a finding naming `file`."""
        checks = [c for c in [*all_checks, *later] if c.frame == frame_name]
        try:
            findings = validator.validate(frame_name, make_frame(), checks, severity)
            return [_with_reasons(f, table) for f in findings] if table else findings
        except Exception as exc:  # noqa: BLE001 - a frame no check foresaw must still end as a named failure
            return [_unexpected(file, "checking", exc)]

    for name, table in raw.items():
        file = table.spec.file_name
        findings = validate(f"raw:{name}", file, lambda t=table: t.frame, table)
        result.findings += findings
        if any(not f.passed and f.severity == "hard" for f in findings):
            continue
        step = time.perf_counter()
        try:
            typed[name] = type_table(table)
        except InputFileError as exc:  # a cell the patterns let through but that is no calendar date, say
            result.findings.append(_file_finding(file, str(exc)))
        except Exception as exc:  # noqa: BLE001
            result.findings.append(_unexpected(file, "typing", exc))
        reading += time.perf_counter() - step

    if strategy is None:
        return _finish(result, begin, reading)
    # each file's own checks first; the checks that combine files run only on files that passed theirs, so a
    # duplicated or malformed row is reported by its own check instead of breaking a sum across files
    for name, frame in typed.items():
        result.findings += validate(name, TABLES[name].file_name,
                                    lambda n=name, f=frame: _table_frame(n, f, strategy, period_end))
    step = time.perf_counter()
    try:
        strategy_frames = _strategy_frames(strategy)
    except Exception as exc:  # noqa: BLE001
        strategy_frames = {}
        result.findings.append(_unexpected(STRATEGY_FILE_NAME, "checking", exc))
    reading += time.perf_counter() - step
    for frame_name, frame in strategy_frames.items():
        result.findings += validate(frame_name, STRATEGY_FILE_NAME, lambda f=frame: f)
    if len(typed) < len(TABLES) or result.hard_failures:
        return _finish(result, begin, reading)

    step = time.perf_counter()
    try:
        coverage = _coverage_frames(typed, strategy, period_end)
    except Exception as exc:  # noqa: BLE001
        coverage = {}
        result.findings.append(_unexpected(", ".join(spec.file_name for spec in TABLES.values()), "checking", exc))
    reading += time.perf_counter() - step
    for frame_name, frame in coverage.items():
        files = sorted({c.file for c in later if c.frame == frame_name})
        result.findings += validate(frame_name, ", ".join(files), lambda f=frame: f)
    result.inputs = Inputs(data_dir, strategy, typed, input_hashes(data_dir))
    return _finish(result, begin, reading)


def _finish(result: GateResult, begin: float, reading: float) -> GateResult:
    result.seconds["validate"] = time.perf_counter() - begin
    result.seconds["read and type"] = reading
    return result


def _unexpected(file: str, doing: str, exc: Exception) -> Finding:
    """A failure the gate did not foresee, as a finding that names the file instead of a traceback."""
    return _file_finding(file, f"{file}: could not be read or checked ({doing} stopped at "
                               f"{type(exc).__name__}: {exc}); please check the file's layout against "
                               "data/raw/README.md, and report this message if the file looks right")


def _file_finding(file: str, message: str) -> Finding:
    check = Check(f"{file.rsplit('.', 1)[0]}.readable", f"file:{file}", file, None, "a readable file",
                  "luettava tiedosto", lambda gxe: None)
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


def _with_reasons(finding: Finding, table: RawTable) -> Finding:
    """Add the reader's reason to each sample of a failed type check ('a decimal point where …')."""
    if finding.passed or not finding.check.id.endswith(".type"):
        return finding
    column = next(c for c in table.spec.columns if c.header == finding.check.column)
    cells = table.frame.set_index(SOURCE_ROW)[column.header]
    samples = tuple(Sample(x.key, x.shown, explain_cell(cells[x.key], column.type, table.decimal))
                    for x in finding.samples)
    return dataclasses.replace(finding, samples=samples)


def save_result(result: GateResult, path: Path) -> Path:
    """Keep a gate result for the workbooks of the same run (pickle: written and read by this process tree only)."""
    # a check's `build` makes its GX expectation (a lambda, not picklable); the workbook only reads the outcomes
    light = dataclasses.replace(result, findings=[dataclasses.replace(f, check=dataclasses.replace(f.check, build=None))
                                                  for f in result.findings])
    with open(path, "wb") as fh:
        pickle.dump(light, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def gate_result(gate_file: str, data_dir: Path, period_end: dt.date, quality: dict[str, list[str]]) -> GateResult:
    """The gate's result for a workbook: the one `kpi run` just made (`gate_file`), else a fresh run of the gate.

    Reading the run's result saves a second import of great-expectations and a second validation in the
    kernel of workbook 00; run on its own (JupyterLab, plain papermill) the workbook validates by itself.
    """
    if gate_file:
        with open(gate_file, "rb") as fh:
            result = pickle.load(fh)  # noqa: S301 - our own file from the same run, never user input
        if result.period_end == period_end:
            return result
    return run_gate(data_dir, period_end, **quality)
