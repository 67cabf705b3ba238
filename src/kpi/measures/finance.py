"""Budget follow-up per responsibility area and account group, the city's key figures, and per-resident figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi

INCOME = "Toimintatuotot"


def budget_follow_up(
    budget: pd.DataFrame, period_end: dt.date, *, expected_share_30_6: float = 50.0, overrun_threshold_pct: float = 2.0
) -> pd.DataFrame:
    """Realisation of the budget at `period_end` per responsibility area and account group.

    Parameters
    ----------
    budget : pandas.DataFrame
        The typed ``talousarvioseuranta.xlsx``.
    period_end : datetime.date
    expected_share_30_6 : float
        % of the year's budget expected to be realised by 30.6. (100 at 31.12.).
    overrun_threshold_pct : float
        A cost whose realisation exceeds the expected share by more than this many % points, or an income
        that falls short by more, is flagged.

    Returns
    -------
    pandas.DataFrame
        ``responsible_area``, ``account_group``, ``is_income``, ``original_budget``, ``budget_changes``,
        ``budget`` (original + changes), ``actual``, ``realisation_pct`` (actual / budget), ``expected_pct``,
        ``expected`` (€ by now), ``variance`` (actual − expected, €), ``variance_pct`` (% points),
        ``forecast`` and ``forecast_variance`` (forecast − budget; 30.6. only), ``flag`` (overrun or shortfall).
    """
    now = budget[budget.period_end == pd.Timestamp(period_end)].copy()
    expected_pct = expected_share_30_6 if fi.is_half_year(period_end) else 100.0
    now["is_income"] = now.account_group == INCOME
    now["budget"] = now.original_budget + now.budget_changes
    now["realisation_pct"] = now.actual / now.budget * 100
    now["expected_pct"] = expected_pct
    now["expected"] = now.budget * expected_pct / 100
    now["variance"] = now.actual - now.expected
    now["variance_pct"] = now.realisation_pct - expected_pct
    now["forecast_variance"] = now.forecast - now.budget
    over = ~now.is_income & (now.variance_pct > overrun_threshold_pct)
    short = now.is_income & (now.variance_pct < -overrun_threshold_pct)
    now["flag"] = ""
    now.loc[over, "flag"] = "ylitys"
    now.loc[short, "flag"] = "alitus"
    columns = [
        "responsible_area",
        "account_group",
        "is_income",
        "original_budget",
        "budget_changes",
        "budget",
        "actual",
        "realisation_pct",
        "expected_pct",
        "expected",
        "variance",
        "variance_pct",
        "forecast",
        "forecast_variance",
        "flag",
    ]
    return now[columns].reset_index(drop=True)


def area_totals(follow_up: pd.DataFrame) -> pd.DataFrame:
    """Per responsibility area: operating income, operating costs and their difference (toimintakate).

    Returns
    -------
    pandas.DataFrame
        ``responsible_area``, ``income``, ``costs``, ``net`` (income − costs), each as budget, actual and
        (at 30.6.) forecast: ``income_budget``, ``income_actual``, ``income_forecast`` and so on; and
        ``expected_pct``, the share of the budget expected by the period end (``finance.expected_share_30_6``).
    """
    rows = []
    for area, g in follow_up.groupby("responsible_area", sort=False):
        inc, cost = g[g.is_income], g[~g.is_income]
        row = {"responsible_area": area, "expected_pct": float(g.expected_pct.iloc[0])}
        for what in ("budget", "actual", "forecast"):
            row[f"income_{what}"] = inc[what].sum(min_count=1)
            row[f"costs_{what}"] = cost[what].sum(min_count=1)
            row[f"net_{what}"] = row[f"income_{what}"] - row[f"costs_{what}"]
        rows.append(row)
    return pd.DataFrame(rows)


def per_resident(amount: float, population: pd.DataFrame, period_end: dt.date) -> float:
    """`amount` per resident with the population of the same period end (NaN when it is not known)."""
    pop = population[population.period_end == pd.Timestamp(period_end)].population
    return float(amount) / float(pop.iloc[0]) if len(pop) and pop.iloc[0] else float("nan")


KEY_FIGURES = {  # indicator id → (Finnish name, unit)
    "vuosikate_eur_asukas": ("Vuosikate asukasta kohden", "€/asukas"),
    "tilikauden_tulos_meur": ("Tilikauden tulos", "M€"),
    "lainakanta_eur_asukas": ("Lainakanta asukasta kohden", "€/asukas"),
    "kertynyt_ylijaama_meur": ("Taseen kertynyt ylijäämä", "M€"),
    "tuloveroprosentti": ("Tuloveroprosentti", "%"),
}
#: At 30.6. the figures of a period (not of a moment) cover January–June only: their names say so
#: (``Toimintakate 1–6/2022``), so that a half-year figure is not read as the year's. A half year is no tilikausi.
HALF_YEAR_NAMES = {
    "Toimintakate": "Toimintakate",
    "Vuosikate asukasta kohden": "Vuosikate asukasta kohden",
    "Tilikauden tulos": "Tulos",
}


def figure_name(name: str, period_end: dt.date) -> str:
    """`name` as the key-figure table shows it at `period_end`: a period's figure at 30.6. with the months,
    ``Tulos 1–6/2022``; a moment's figure (väkiluku, lainakanta, ylijäämä, veroprosentti) and 31.12. as such."""
    if not fi.is_half_year(period_end) or name not in HALF_YEAR_NAMES:
        return name
    return f"{HALF_YEAR_NAMES[name]} 1–6/{period_end.year}"


def key_figures(
    budget: pd.DataFrame, observations: pd.DataFrame, population: pd.DataFrame, period_end: dt.date
) -> pd.DataFrame:
    """The city's key figures at `period_end`: toimintakate from the budget follow-up, the rest from the indicators.

    Lainakanta in euros is derived from lainakanta per resident and the population of the same period end.

    Returns
    -------
    pandas.DataFrame
        ``figure`` (Finnish name), ``value``, ``unit``, ``is_example``, ``source``.
    """
    stamp = pd.Timestamp(period_end)
    rows = []
    follow = budget_follow_up(budget, period_end)
    if len(follow):
        net = follow[follow.is_income].actual.sum() - follow[~follow.is_income].actual.sum()
        rows.append(
            {
                "figure": figure_name("Toimintakate", period_end),
                "value": net / 1e6,
                "unit": "M€",
                "is_example": bool(budget[budget.period_end == stamp].is_example.any()),
                "source": "talousarvioseuranta (toimintatuotot − toimintakulut)",
            }
        )
    pop = population[population.period_end == stamp]
    if len(pop):
        rows.append(
            {
                "figure": "Väkiluku",
                "value": float(pop.population.iloc[0]),
                "unit": "asukasta",
                "is_example": bool(pop.is_example.iloc[0]),
                "source": str(pop.source.iloc[0]),
            }
        )
    now = observations[observations.period_end == stamp].set_index("indicator_id")
    for iid, (name, unit) in KEY_FIGURES.items():
        if iid in now.index and pd.notna(now.value[iid]):
            rows.append(
                {
                    "figure": figure_name(name, period_end),
                    "value": float(now.value[iid]),
                    "unit": unit,
                    "is_example": bool(now.is_example[iid]),
                    "source": str(now.source[iid]),
                }
            )
            if iid == "lainakanta_eur_asukas" and len(pop):
                rows.append(
                    {
                        "figure": "Lainakanta",
                        "value": float(now.value[iid]) * float(pop.population.iloc[0]) / 1e6,
                        "unit": "M€",
                        "is_example": bool(now.is_example[iid]) or bool(pop.is_example.iloc[0]),
                        "source": "lainakanta asukasta kohden × väkiluku",
                    }
                )
    return pd.DataFrame(rows, columns=["figure", "value", "unit", "is_example", "source"])
