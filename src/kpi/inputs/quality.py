"""What the data holds for a period: coverage counts, the completeness matrix, freshness of sources, example values."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi.inputs.datasets import MILESTONE_STATUSES, TABLES, Inputs

#: Completeness codes of one indicator at one period end, in the order they are shown.
COMPLETENESS_CODES = ("value", "example", "no_data", "missing")


def period_coverage(inputs: Inputs, period_end: dt.date) -> dict[str, int]:
    """Count what the data holds for one period end.

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


def completeness_matrix(inputs: Inputs, *, until: dt.date | None = None) -> pd.DataFrame:
    """One row per indicator, one column per period end (up to `until`): what the data holds there.

    Returns
    -------
    pandas.DataFrame
        Index ``indicator_id``; columns the period ends as ``datetime.date``; cells one of
        ``value`` (a real value), ``example`` (an example value), ``no_data`` (the explicit no-data mark)
        or ``missing`` (no row at all).
    """
    obs = inputs["observations"]
    if until is not None:
        obs = obs[obs.period_end <= pd.Timestamp(until)]
    code = pd.Series("value", index=obs.index)
    code[obs.is_example] = "example"
    code[obs.no_data | obs.value.isna()] = "no_data"
    table = (
        obs.assign(code=code, period=obs.period_end.dt.date)
        .drop_duplicates(["indicator_id", "period"])
        .pivot(index="indicator_id", columns="period", values="code")
    )
    order = [i.id for i in inputs.strategy.indicators]
    table = table.reindex(index=order).fillna("missing")
    table.columns.name = None
    return table


def source_freshness(inputs: Inputs, period_end: dt.date) -> pd.DataFrame:
    """How current each input file is: its latest period end, and whether it has rows for `period_end`.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``title``, ``latest_period_end``, ``rows_at_period``, ``covers_period``, ``sha256``
        (first 12 hex digits, to tell versions apart).
    """
    stamp = pd.Timestamp(period_end)
    rows = []
    for name, spec in TABLES.items():
        frame = inputs[name]
        rows.append(
            {
                "file": spec.file_name,
                "title": spec.title,
                "latest_period_end": frame.period_end.max().date() if len(frame) else None,
                "rows_at_period": int((frame.period_end == stamp).sum()),
                "covers_period": bool((frame.period_end == stamp).any()),
                "sha256": inputs.file_hashes.get(spec.file_name, "")[:12],
            }
        )
    return pd.DataFrame(rows)


def indicator_freshness(inputs: Inputs, period_end: dt.date) -> pd.DataFrame:
    """Per indicator: the latest period end with a value up to `period_end`, its age in months, and its source.

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``source``, ``latest_value_period`` (date or None), ``months_old`` (0 when the
        value is of the period itself; None when there is no value at all).
    """
    obs = inputs["observations"]
    have = obs[obs.value.notna() & (obs.period_end <= pd.Timestamp(period_end))]
    latest = have.groupby("indicator_id").period_end.max()
    rows = []
    for i in inputs.strategy.indicators:
        when = latest.get(i.id)
        months = None if when is None else (period_end.year - when.year) * 12 + period_end.month - when.month
        rows.append(
            {
                "indicator_id": i.id,
                "source": i.source,
                "latest_value_period": None if when is None else when.date(),
                "months_old": months,
            }
        )
    return pd.DataFrame(rows)


def example_values(inputs: Inputs, period_end: dt.date) -> pd.DataFrame:
    """Every row of the period that is marked as an example value, by file.

    Returns
    -------
    pandas.DataFrame
        ``file``, ``row`` (as in the file), ``item`` (indicator, measure, area … the row is about), ``value``.
    """
    stamp = pd.Timestamp(period_end)
    item_of = {
        "observations": "indicator_id",
        "milestones": "measure_id",
        "population": "population",
        "budget": "responsible_area",
        "adjustment": "action_id",
        "programmes": "programme_id",
        "assessments": "goal_id",
        "staff": "unit",
    }
    value_of: dict[str, str | None] = {
        "observations": "value",
        "milestones": "status",
        "population": "population",
        "budget": "actual",
        "adjustment": "realised_eur",
        "programmes": "status",
        "assessments": "administration_status",
        "staff": None,  # a unit's head count may be small: staff figures are published only through privacy
    }
    parts = []
    for name, spec in TABLES.items():
        frame = inputs[name]
        hit = frame[(frame.period_end == stamp) & frame.is_example]
        if name == "budget":
            item = hit.responsible_area.astype(str) + " / " + hit.account_group.astype(str)
        else:
            item = hit[item_of[name]].astype(str)
        column = value_of[name]
        value = hit[column].astype(str) if column else pd.Series("", index=hit.index, dtype=str)
        parts.append(pd.DataFrame({"file": spec.file_name, "row": hit.source_row, "item": item, "value": value}))
    return pd.concat(parts, ignore_index=True)
