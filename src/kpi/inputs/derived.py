"""Quantities derived from the inputs that both the gate and the KPI code need, each computed once, here."""

from __future__ import annotations

import datetime as dt

import pandas as pd

ADJUSTMENT_AMOUNTS = ["planned_eur", "realised_eur", "planned_htv", "realised_htv"]


def adjustment_by_year(adjustment: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """The adjustment programme's planned and realised euros and person-years per year, as known at `period_end`.

    The latest row of each year up to the period end holds that year's total so far (31.12. for a past year,
    30.6. for the current half-year).

    Returns
    -------
    pandas.DataFrame
        ``year``, ``planned_eur``, ``realised_eur``, ``planned_htv``, ``realised_htv``, one row per year that
        has rows, in year order.
    """
    latest = adjustment_latest_rows(adjustment, period_end)
    return latest.groupby(latest.period_end.dt.year.rename("year"))[ADJUSTMENT_AMOUNTS].sum().reset_index()


def adjustment_latest_rows(adjustment: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """The rows :func:`adjustment_by_year` adds up: per action, the latest row of each year up to `period_end`."""
    upto = adjustment[adjustment.period_end <= pd.Timestamp(period_end)]
    years = upto.period_end.dt.year
    return upto[upto.period_end == upto.period_end.groupby(years).transform("max")]


def staff_totals(units: pd.DataFrame) -> dict[str, float]:
    """The whole staff's figures from the rows of its units (``henkilosto.csv`` of one period end).

    Returns
    -------
    dict
        ``head_count``, ``person_years``, ``sick_leave_days``, ``respondents`` (sums; respondents NaN when no
        unit was surveyed), ``sick_days_per_htv`` (days / person-years) and ``satisfaction`` (the units' scores
        weighted by their respondents; NaN without respondents).
    """
    respondents = units.respondents.astype("float64")
    surveyed = respondents.fillna(0) > 0
    weight = respondents[surveyed].sum()
    person_years = float(units.person_years.sum())
    return {
        "head_count": float(units.head_count.astype("float64").sum()),
        "person_years": person_years,
        "sick_leave_days": float(units.sick_leave_days.astype("float64").sum()),
        "respondents": float(weight) if surveyed.any() else float("nan"),
        "sick_days_per_htv": float(units.sick_leave_days.astype("float64").sum()) / person_years
        if person_years > 0
        else float("nan"),
        "satisfaction": float((units.satisfaction[surveyed] * respondents[surveyed]).sum() / weight)
        if weight > 0
        else float("nan"),
    }
