"""The adjustment programme (sopeuttamisohjelma): savings and person-years by year and action against the targets."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pandas as pd

from kpi import fi
from kpi.inputs.derived import adjustment_by_year, adjustment_latest_rows
from kpi.inputs.strategy import Strategy


def adjustment_progress(
    adjustment: pd.DataFrame, period_end: dt.date, *, target_eur: float, target_htv: float, years: tuple[int, ...]
) -> dict[str, pd.DataFrame | dict]:
    """Progress of the programme at `period_end`.

    Parameters
    ----------
    adjustment : pandas.DataFrame
        The typed ``sopeuttamisohjelma.xlsx``: per action and period end the year's planned and realised
        euros and person-years (realised up to that period end).
    period_end : datetime.date
    target_eur, target_htv : float
        The programme's targets over its whole span (5 M€ and 50 HTV in the seed).
    years : tuple of int
        The programme's years; "where it should be by now" assumes an even pace over them.

    Returns
    -------
    dict
        ``by_year`` (frame: ``year``, ``planned_eur``, ``realised_eur``, ``planned_htv``, ``realised_htv``,
        ``cumulative_eur``, ``cumulative_htv``, ``expected_eur``, ``expected_htv`` (the even pace's cumulative
        target at that year's end, or at `period_end` in its own year), ``partial`` (True for the year of a
        30.6. period end)), ``by_action`` (frame: per action the totals so far) and
        ``totals`` (dict: ``realised_eur``, ``realised_htv``, ``share_eur`` and ``share_htv`` (% of target),
        ``gap_eur``, ``gap_htv`` (what remains), ``expected_eur``, ``expected_htv`` (by now, at an even pace),
        ``behind_eur``, ``behind_htv`` (expected − realised; positive = behind)).
    """
    # the same per-year totals the gate checks the cumulative indicators against (kpi.inputs.derived)
    latest = adjustment_latest_rows(adjustment, period_end)
    by_year = (
        adjustment_by_year(adjustment, period_end).set_index("year").reindex(list(years), fill_value=0.0).reset_index()
    )
    by_year = by_year[by_year.year <= period_end.year]
    by_year["cumulative_eur"] = by_year.realised_eur.cumsum()
    by_year["cumulative_htv"] = by_year.realised_htv.cumsum()
    # the even pace at each bar's own date: a year's end for the years before, the period end in its own year; so
    # the last point of the chart is the "pitäisi olla" of the sentence, not the year-end figure
    half = fi.is_half_year(period_end)
    elapsed_by_year = [_years_elapsed(years, year, half and year == period_end.year) for year in by_year.year]
    by_year["expected_eur"] = [target_eur * e / len(years) for e in elapsed_by_year]
    by_year["expected_htv"] = [target_htv * e / len(years) for e in elapsed_by_year]
    by_year["partial"] = (by_year.year == period_end.year) & half
    by_action = (
        latest.groupby(["action_id", "action", "responsible_area"])[
            ["planned_eur", "realised_eur", "planned_htv", "realised_htv"]
        ]
        .sum()
        .reset_index()
    )
    by_action["realised_pct"] = by_action.realised_eur / by_action.planned_eur.where(by_action.planned_eur > 0) * 100
    done_eur, done_htv = float(by_year.realised_eur.sum()), float(by_year.realised_htv.sum())
    share = _years_elapsed(years, period_end.year, half) / len(years)
    totals = {
        "realised_eur": done_eur,
        "realised_htv": done_htv,
        "share_eur": done_eur / target_eur * 100,
        "share_htv": done_htv / target_htv * 100,
        "gap_eur": max(target_eur - done_eur, 0.0),
        "gap_htv": max(target_htv - done_htv, 0.0),
        "expected_eur": target_eur * share,
        "expected_htv": target_htv * share,
        "elapsed_share": share * 100,
    }
    totals["behind_eur"] = totals["expected_eur"] - done_eur
    totals["behind_htv"] = totals["expected_htv"] - done_htv
    return {"by_year": by_year, "by_action": by_action, "totals": totals}


def _years_elapsed(years: tuple[int, ...], year: int, half: bool) -> float:
    """How many of the programme's `years` have passed by the end of `year` (by its 30.6. when `half`)."""
    if year < min(years):
        return 0.0
    if year > max(years):
        return float(len(years))
    # whole years before this one, and half or all of this year
    return sum(1.0 for y in years if y < year) + (0.5 if half else 1.0)


def programme_targets(strategy: Strategy) -> dict[str, Any]:
    """The programme's targets as the strategy states them: the final-year targets of its two indicators.

    Returns
    -------
    dict
        ``target_eur`` (euros), ``target_htv`` and ``years`` — ready for :func:`adjustment_progress`.
    """
    eur = strategy.indicator("sopeutus_saasto_kertyma")
    htv = strategy.indicator("sopeutus_htv_kertyma")
    last = max(eur.targets)
    # the programme's targets are single numbers (strategia.yaml gives no band for them)
    return {
        "target_eur": float(cast(float, eur.targets[last])) * 1e6,
        "target_htv": float(cast(float, htv.targets[last])),
        "years": tuple(sorted(eur.targets)),
    }
