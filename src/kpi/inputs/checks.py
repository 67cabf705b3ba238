"""Checks that the typed tables fit the strategy and each other for one period end (ids, vocabularies, completeness)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.errors import DataCheckError, format_problems
from kpi.inputs.datasets import MILESTONE_STATUSES, STATUSES, TABLES, Inputs
from kpi.inputs.readers import SOURCE_ROW


def _where(frame: pd.DataFrame, mask: pd.Series, column: str, limit: int = 5) -> str:
    """Describe the rows under `mask` as 'rows 3, 7: 'x', 'y''; row numbers are the file's own."""
    hits = frame.loc[mask, [SOURCE_ROW, column]]
    shown = ", ".join(f"row {r}: {v!r}" for r, v in hits.head(limit).itertuples(index=False))
    more = f", … {len(hits) - limit} more" if len(hits) > limit else ""
    return f"{len(hits)} row{'s' if len(hits) > 1 else ''} ({shown}{more})"


def _unknown(problems: list[str], table: str, frame: pd.DataFrame, field: str, known: set[str], what: str) -> None:
    spec = TABLES[table]
    header = next(c.header for c in spec.columns if c.field == field)
    mask = ~frame[field].isin(sorted(known))
    if mask.any():
        problems.append(f"{spec.file_name}, column '{header}': {what}: {_where(frame, mask, field)}")


def check_inputs(inputs: Inputs, period_end: dt.date) -> None:
    """Check that the inputs can be reported for `period_end`.

    Parameters
    ----------
    inputs : Inputs
        As returned by :func:`kpi.inputs.datasets.load_inputs`.
    period_end : datetime.date
        The period end being reported (30.6 or 31.12).

    Raises
    ------
    DataCheckError
        Listing every problem: period ends that are not 30.6 or 31.12, unknown ids and statuses, duplicate
        rows, units that differ from the strategy, and indicators or milestones without a row for the period.
    """
    s = inputs.strategy
    problems: list[str] = []
    stamp = pd.Timestamp(period_end)

    for name, frame in inputs.tables.items():
        spec = TABLES[name]
        bad = ~(((frame.period_end.dt.month == 6) & (frame.period_end.dt.day == 30))
                | ((frame.period_end.dt.month == 12) & (frame.period_end.dt.day == 31)))
        if bad.any():
            problems.append(f"{spec.file_name}, column 'kauden_loppu': a period end is 30.6. or 31.12.; "
                            f"{_where(frame.assign(period_end=frame.period_end.dt.strftime('%d.%m.%Y')), bad, 'period_end')}")

    obs = inputs["observations"]
    indicators = {i.id: i for i in s.indicators}
    _unknown(problems, "observations", obs, "indicator_id", set(indicators), "indicator ids not in the strategy")
    dup = obs.duplicated(["indicator_id", "period_end"], keep=False)
    if dup.any():
        problems.append(f"havainnot.csv: more than one row for the same indicator and period end: "
                        f"{_where(obs, dup, 'indicator_id')}")
    expected_unit = obs.indicator_id.map({k: v.unit for k, v in indicators.items()})
    wrong_unit = expected_unit.notna() & (obs.unit != expected_unit)
    if wrong_unit.any():
        sample = obs.loc[wrong_unit].head(5)
        problems.append("havainnot.csv, column 'yksikkö': unit differs from the strategy: " + "; ".join(
            f"row {r.source_row}: {r.unit!r} for {r.indicator_id} (expected {indicators[r.indicator_id].unit!r})"
            for r in sample.itertuples()))
    both = obs.value.notna() & obs.no_data
    if both.any():
        problems.append(f"havainnot.csv: a row has both a value and the 'ei_tietoa' mark: {_where(obs, both, 'indicator_id')}")
    neither = obs.value.isna() & ~obs.no_data
    if neither.any():
        problems.append("havainnot.csv, column 'arvo': empty value without the 'ei_tietoa' mark "
                        f"(write kyllä in 'ei_tietoa' when there is no data): {_where(obs, neither, 'indicator_id')}")
    at_period = set(obs.loc[obs.period_end == stamp, "indicator_id"])
    missing = [i for i in indicators if i not in at_period]
    if missing:
        problems.append(f"havainnot.csv: no row for {period_end:%d.%m.%Y} for {len(missing)} indicator"
                        f"{'s' if len(missing) > 1 else ''}: {', '.join(missing[:10])}"
                        f"{' …' if len(missing) > 10 else ''} (give a value, or kyllä in 'ei_tietoa')")

    ms = inputs["milestones"]
    milestone_ids = {m.id for m in s.milestones}
    _unknown(problems, "milestones", ms, "measure_id", milestone_ids, "not a milestone measure of the strategy")
    _unknown(problems, "milestones", ms, "status", set(MILESTONE_STATUSES),
             f"status must be one of {', '.join(MILESTONE_STATUSES)}")
    missing = sorted(milestone_ids - set(ms.loc[ms.period_end == stamp, "measure_id"]))
    if missing:
        problems.append(f"virstanpylvaat.csv: no status for {period_end:%d.%m.%Y} for {', '.join(missing)}")

    pop = inputs["population"]
    if not (pop.period_end == stamp).any():
        problems.append(f"vaesto.csv: no population for {period_end:%d.%m.%Y}")

    budget = inputs["budget"]
    areas = {a.id for a in s.responsible_areas}
    _unknown(problems, "budget", budget, "responsible_area", areas, "responsibility areas not in the strategy")
    if not (budget.period_end == stamp).any():
        problems.append(f"talousarvioseuranta.xlsx: no rows for {period_end:%d.%m.%Y}")

    _unknown(problems, "adjustment", inputs["adjustment"], "responsible_area", areas,
             "responsibility areas not in the strategy")
    programmes = inputs["programmes"]
    _unknown(problems, "programmes", programmes, "programme_id", {p.id for p in s.programmes},
             "programme ids not in the strategy")
    _unknown(problems, "programmes", programmes, "status", set(STATUSES), f"status must be one of {', '.join(STATUSES)}")
    assessments = inputs["assessments"]
    _unknown(problems, "assessments", assessments, "goal_id", {g.id for g in s.goals}, "goal ids not in the strategy")
    for field in ("administration_status", "auditors_status"):
        _unknown(problems, "assessments", assessments, field, set(STATUSES), f"status must be one of {', '.join(STATUSES)}")

    if problems:
        n = len(problems)
        raise DataCheckError(format_problems(
            f"The data in {inputs.data_dir} cannot be reported for {period_end:%d.%m.%Y} "
            f"({n} problem{'s' if n > 1 else ''}):", problems))


def period_coverage(inputs: Inputs, period_end: dt.date) -> dict[str, int]:
    """Count what the data holds for one period end: indicators with a value, example values, no-data marks, milestones.

    Returns
    -------
    dict
        ``indicators``, ``values``, ``example_values``, ``no_data``, ``milestones`` and one
        ``milestones_<status>`` count per milestone status.
    """
    stamp = pd.Timestamp(period_end)
    obs = inputs["observations"]
    now = obs[obs.period_end == stamp]
    ms = inputs["milestones"]
    ms_now = ms[ms.period_end == stamp]
    counts = {
        "indicators": len(inputs.strategy.indicators),
        "values": int(now.value.notna().sum()),
        "example_values": int((now.value.notna() & now.is_example).sum()),
        "no_data": int(now.no_data.sum()),
        "milestones": len(inputs.strategy.milestones),
    }
    for status in MILESTONE_STATUSES:
        counts[f"milestones_{status}"] = int((ms_now.status == status).sum())
    return counts
