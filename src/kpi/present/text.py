"""Finnish sentences generated from the computed frames ("Viidestä tavoitteesta kolme toteutui …")."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kpi import fi
from kpi.fi import count_phrase

_VERBS = {
    "toteutunut": ("toteutui", "toteutui"),
    "osittain toteutunut": ("toteutui osittain", "toteutui osittain"),
    "ei toteutunut": ("ei toteutunut", "ei toteutunut"),
    "ei arvioitavissa": ("ei ole arvioitavissa", "ei ole arvioitavissa"),
}


def goals_summary_fi(statuses: pd.Series, *, noun_elative: str = "tavoitteesta") -> str:
    """A sentence counting goals (or measures) by status, e.g. "Viidestä tavoitteesta kolme toteutui, …"."""
    total = len(statuses)
    counts = statuses.value_counts()
    parts = []
    for status, (verb, _) in _VERBS.items():
        n = int(counts.get(status, 0))
        if n:
            parts.append(f"{fi.NUMBER_WORDS[n] if n <= 10 else n} {verb}")
    if not parts:
        return f"Ei {noun_elative.removesuffix('sta')}ja."
    head = count_phrase(0, total, noun_elative).rsplit(" ", 1)[0]  # "viidestä tavoitteesta"
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " ja " + parts[-1]
    return f"{head[0].upper()}{head[1:]} {body}."


def goal_chart_alt(goals: pd.DataFrame, names: dict[str, str]) -> str:
    """Alt text of the goal-status chart: the counts, and the weakest goal."""
    counts = goals.status.value_counts()
    parts = [f"{int(counts[s])} {s}" for s in _VERBS if counts.get(s, 0)]
    weakest = goals.sort_values("score", na_position="first").iloc[0]
    return (
        f"Pylväskaavio {len(goals)} tavoitteen tilasta: "
        + ", ".join(parts)
        + f". Heikoin: {weakest.goal_id} {names.get(weakest.goal_id, '')} ({weakest.status})."
    )


def trend_alt(indicator, points: pd.DataFrame) -> str:
    """Alt text of a trend chart: how the value moved from the first to the last point, and against the target.

    A ``flow`` indicator (a year's total) moves from year value to year value; a 30.6. total that ends the
    series is told apart and set against the target the status rules compare it with (`points` from
    :func:`kpi.measures.changes.series` with the run's rules carry it: half the year's under
    ``flow_at_30_6: prorate``).
    """
    have = points.dropna(subset=["value"])
    if have.empty:
        return f"{indicator.name}: ei arvoja."
    half_year = indicator.kind == "flow" and fi.is_half_year(have.period_end.iloc[-1])
    trend = have[have.period_end.dt.month == 12] if indicator.kind == "flow" else have
    if len(trend) >= 2:
        first, last = trend.iloc[0], trend.iloc[-1]
        move = "nousi" if last.value > first.value else "laski" if last.value < first.value else "pysyi ennallaan"
        text = (
            f"{indicator.name} {move}: {fi.with_unit(first.value, indicator.unit)} ({fi.date(first.period_end)}) → "
            f"{fi.with_unit(last.value, indicator.unit)} ({fi.date(last.period_end)})."
        )
    elif len(trend):
        text = f"{indicator.name} oli {fi.with_unit(trend.iloc[0].value, indicator.unit)} ({fi.date(trend.iloc[0].period_end)})."
    else:
        text = f"{indicator.name}:"
    latest = have.iloc[-1]
    if half_year:
        text += (
            f" Tammi–kesäkuun kertymä {fi.date(latest.period_end)} oli {fi.with_unit(latest.value, indicator.unit)}."
        )
    target = (
        (latest.compared_low, latest.compared_high)
        if pd.notna(latest.compared_low)
        else None
        if pd.isna(latest.compared_target)
        else latest.compared_target
    )
    text += _against_target(indicator, latest.value, target, halved=bool(latest.halved))
    if points.after_break.any():
        text += " Sarjassa on sarjakatko, jonka yli arvot eivät ole vertailukelpoisia."
    if points.is_example.any():
        text += " Osa arvoista on esimerkkiarvoja."
    return text


def _against_target(indicator, value: float, target, *, halved: bool) -> str:
    """ " Vuoden tavoite 30 % saavutettiin." or " Viimeisin arvo on tavoitevälin sisällä." (empty without a target).

    `halved`: the target is half the year's, for a January–June total.
    """
    if target is None:
        return ""
    if isinstance(target, tuple):
        band = "puolitetun tavoitevälin" if halved else "tavoitevälin"
        return f" Viimeisin arvo on {band} {'sisällä' if target[0] <= value <= target[1] else 'ulkopuolella'}."
    better = value >= target if indicator.direction == "higher_better" else value <= target
    what = (
        f"Puolet vuoden tavoitteesta ({fi.with_unit(target, indicator.unit)})"
        if halved
        else f"Vuoden tavoite {fi.with_unit(target, indicator.unit)}"
    )
    return f" {what} {'saavutettiin' if better else 'jäi saavuttamatta'}."


def budget_sentence(totals: pd.DataFrame, period_end) -> str:
    """The period's operating costs and income against the budget, in one or two sentences."""
    costs, budget = totals.costs_actual.sum(), totals.costs_budget.sum()
    income = totals.income_actual.sum()
    # the run's finance.expected_share_30_6 at 30.6., as the follow-up compared with it (measures.finance)
    expected = float(totals.expected_pct.iloc[0])
    text = (
        f"Toimintakuluja kertyi {fi.date(period_end)} mennessä {fi.euros(costs)} eli "
        f"{fi.percent(costs / budget * 100)} talousarviosta (odotettu {fi.percent(expected, 0)}); toimintatuottoja "
        f"{fi.euros(income)}."
    )
    if fi.is_half_year(period_end) and totals.costs_forecast.notna().any():
        forecast = totals.costs_forecast.sum()
        text += (
            f" Vuoden lopun ennuste on {fi.euros(forecast)}, "
            f"{fi.euros(abs(forecast - budget))} {'yli' if forecast > budget else 'alle'} talousarvion."
        )
    return text


def budget_alt(totals: pd.DataFrame, names: dict[str, str], period_end) -> str:
    """Alt text of the budget chart: the sentence plus the area furthest ahead of its budget."""
    share = totals.costs_actual / totals.costs_budget
    top = totals.loc[share.idxmax()]
    return (
        budget_sentence(totals, period_end) + f" Suurin toteumaprosentti: {names.get(top.responsible_area, '')} "
        f"{fi.percent(share.max() * 100)}."
    )


def adjustment_alt(progress: dict) -> str:
    """Alt text of the adjustment chart."""
    t = progress["totals"]
    return (
        f"Sopeuttamisohjelman säästöjä on kertynyt {fi.euros(t['realised_eur'])}; tasaisen polun mukaan "
        f"pitäisi olla {fi.euros(t['expected_eur'])}."
    )


def version_changes_fi(changes_file: str) -> str:
    """The change list a run wrote for workbook 04 (``muutokset.json``) as a Markdown list, text escaped."""
    if not changes_file:
        return "Versiovertailu näytetään, kun raportti tehdään komennolla `kpi run`."
    data = json.loads(Path(changes_file).read_text(encoding="utf-8"))
    rows = data.get("version_changes")
    if rows is None:
        return f"Tämä on kauden ensimmäinen versio (versio {data['version']})."
    if not rows:
        return (
            f"Versio {data['version']}: ei muutoksia versioon {data['previous_version']} verrattuna "
            "(ajo tehtiin pakotettuna)."
        )
    head = f"Versio {data['version']} verrattuna versioon {data['previous_version']}, {len(rows)} muutosta:\n\n"
    return head + "\n".join(f"- {fi.escape_markdown(r['text'])}" for r in rows)


def staff_alt(staff: pd.DataFrame) -> str:
    """The finding of the staff chart: where sick leave per person-year is highest and lowest, and how many units
    are hidden (``measures.privacy.staff_by_unit(...).frame``)."""
    units = staff[~staff.is_total.astype(bool)]
    shown = units[units.sick_days_per_htv.map(lambda v: not isinstance(v, str) and pd.notna(v))]
    total = staff[staff.is_total.astype(bool)].sick_days_per_htv
    hidden = len(units) - len(shown)
    parts = []
    if len(shown):
        rate = shown.sick_days_per_htv.astype("float64")
        high, low = shown.loc[rate.idxmax()], shown.loc[rate.idxmin()]
        parts.append(
            f"Sairauspoissaolopäiviä henkilötyövuotta kohden oli eniten yksikössä {high.unit} "
            f"({fi.number(high.sick_days_per_htv, 1)}) ja vähiten yksikössä {low.unit} ({fi.number(low.sick_days_per_htv, 1)})"
        )
    if len(total) and not isinstance(total.iloc[0], str):
        parts.append(f"koko henkilöstössä {fi.number(total.iloc[0], 1)}")
    text = ", ".join(parts) + "." if parts else "Yksiköiden sairauspoissaoloja ei voi näyttää."
    if hidden:
        text += f" {hidden} yksikön luvut on piilotettu tietosuojan vuoksi, eikä niitä ole kaaviossa."
    return text
