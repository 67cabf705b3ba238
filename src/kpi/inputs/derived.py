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
