"""Finnish sentences generated from the computed frames ("Viidestä tavoitteesta kolme toteutui …")."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from kpi import fi

#: A status as the verb of a count: after a numeral (one subject, "kolme toteutui") and of a plural
#: ("kaikki viisi tavoitetta toteutuivat").
_VERBS = {
    "toteutunut": ("toteutui", "toteutuivat"),
    "osittain toteutunut": ("toteutui osittain", "toteutuivat osittain"),
    "ei toteutunut": ("jäi toteutumatta", "jäivät toteutumatta"),
    "ei arvioitavissa": ("ei ole arvioitavissa", "eivät ole arvioitavissa"),
}
#: A noun's nominative, partitive and plural partitive: "tavoite", "tavoitetta", "tavoitteita".
GOAL_FORMS = ("tavoite", "tavoitetta", "tavoitteita")


def _count_word(n: int, words: bool) -> str:
    return fi.NUMBER_WORDS[n] if words else str(n)


def goals_summary_fi(statuses: pd.Series, *, forms: tuple[str, str, str] = GOAL_FORMS) -> str:
    """A sentence counting goals (or measures) by status: "Tavoitteita on viisi: niistä kolme toteutui, kaksi
    toteutui osittain." — "Kaikki viisi tavoitetta toteutuivat osittain." when they share one status.

    Counts are words up to ten, all digits when one is larger (never "kolme … 11 … yksi" in one sentence).
    """
    one, partitive, plural = forms
    total = len(statuses)
    counts = {s: int(n) for s, n in statuses.value_counts().items() if s in _VERBS and n}
    if not counts:
        return f"Ei {plural}."
    words = total <= 10
    if len(counts) == 1:
        status = next(iter(counts))
        singular, many = _VERBS[status]
        if total == 1:
            return f"{one[0].upper()}{one[1:]} {singular}."
        return f"Kaikki {_count_word(total, words)} {partitive} {many}."
    parts = [f"{_count_word(counts[s], words)} {_VERBS[s][0]}" for s in _VERBS if s in counts]
    body = ", ".join(parts[:-1]) + " ja " + parts[-1]
    return f"{plural[0].upper()}{plural[1:]} on {_count_word(total, words)}: niistä {body}."


def goal_chart_alt(goals: pd.DataFrame, names: dict[str, str]) -> str:
    """Alt text of the goal-status chart: the counts (the status first, so no numeral needs a partitive), and the
    weakest goal."""
    counts = goals.status.value_counts()
    parts = [f"{s} {int(counts[s])}" for s in _VERBS if counts.get(s, 0)]
    weakest = goals.sort_values("score", na_position="first").iloc[0]
    total = len(goals)
    of = COUNT_GENITIVES[total] if total <= 10 else str(total)
    return (
        f"Pylväskaavio {of} tavoitteen tilasta: "
        + ", ".join(parts)
        + f". Heikoin: {weakest.goal_id} {names.get(weakest.goal_id, '')} ({weakest.status})."
    )


#: "viiden tavoitteen", "neljän yksikön": a count in the genitive, before a noun in the genitive.
COUNT_GENITIVES = (
    "nollan",
    "yhden",
    "kahden",
    "kolmen",
    "neljän",
    "viiden",
    "kuuden",
    "seitsemän",
    "kahdeksan",
    "yhdeksän",
    "kymmenen",
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
    # "<name>: arvo nousi …": the verb agrees with "arvo", whatever the number of the indicator's name
    said = []
    if points.after_break.any():
        # the break first, so the reader does not take a move across it for a real one
        said.append("Sarjassa on sarjakatko, joten arvot ennen sitä ja sen jälkeen eivät ole vertailukelpoisia.")
    if len(trend) >= 2:
        first, last = trend.iloc[0], trend.iloc[-1]
        move = "nousi" if last.value > first.value else "laski" if last.value < first.value else "pysyi ennallaan"
        said.append(
            f"Arvo {move} {fi.with_unit(first.value, indicator.unit)} ({fi.date(first.period_end)}) → "
            f"{fi.with_unit(last.value, indicator.unit)} ({fi.date(last.period_end)})."
        )
    elif len(trend):
        said.append(
            f"Arvo oli {fi.with_unit(trend.iloc[0].value, indicator.unit)} ({fi.date(trend.iloc[0].period_end)})."
        )
    latest = have.iloc[-1]
    if half_year:
        year = latest.period_end.year
        said.append(f"Tammi–kesäkuun {year} kertymä oli {fi.with_unit(latest.value, indicator.unit)}.")
    target = (
        (latest.compared_low, latest.compared_high)
        if pd.notna(latest.compared_low)
        else None
        if pd.isna(latest.compared_target)
        else latest.compared_target
    )
    said.append(_against_target(indicator, latest.value, target, halved=bool(latest.halved)).strip())
    if points.is_example.any():
        said.append("Osa arvoista on esimerkkiarvoja.")
    said = [x for x in said if x]
    if not said:
        return f"{indicator.name}."
    # after the colon the first sentence goes on in lower case: "Uudet yritykset: arvo nousi …"
    text = f"{indicator.name}: {said[0][0].lower()}{said[0][1:]}"
    return " ".join([text, *said[1:]])


def _against_target(indicator, value: float, target, *, halved: bool) -> str:
    """ " Vuoden tavoite 30 % saavutettiin." or " Viimeisin arvo on tavoitevälin sisällä." (empty without a target).

    `halved`: the target is half the year's, for a January–June total.
    """
    if target is None:
        return ""
    if isinstance(target, tuple):
        band = "puolitetun tavoitevälin" if halved else "tavoitevälin"
        what = "Tammi–kesäkuun kertymä" if halved else "Viimeisin arvo"
        return f" {what} on {band} {'sisällä' if target[0] <= value <= target[1] else 'ulkopuolella'}."
    better = value >= target if indicator.direction == "higher_better" else value <= target
    # "puolet vuoden tavoitteesta jäi saavuttamatta" would say the other half was reached: the half is named
    what = (
        f"Puolivuotistavoite (puolet vuoden tavoitteesta, {fi.with_unit(target, indicator.unit)})"
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
    forecast = totals.costs_forecast.sum() if totals.costs_forecast.notna().any() else None
    euros = fi.euro_scale([costs, income, forecast, None if forecast is None else forecast - budget], decimals=1)
    share = fi.percent(costs / budget * 100)
    if not fi.is_half_year(period_end):
        return (
            f"Toimintakulut olivat {euros(costs)} eli {share} muutetusta talousarviosta; toimintatuotot olivat "
            f"{euros(income)}."
        )
    text = (
        f"Toimintakuluja kertyi 1.1.–{fi.date(period_end)} {euros(costs)} eli {share} muutetusta talousarviosta "
        f"(odotettu {fi.percent(expected, 0)}); toimintatuottoja kertyi {euros(income)}."
    )
    if forecast is not None:
        text += (
            f" Toimintakulujen ennuste koko vuodelle on {euros(forecast)} eli "
            f"{euros(abs(forecast - budget))} {'yli' if forecast > budget else 'alle'} talousarvion."
        )
    return text


def budget_alt(totals: pd.DataFrame, names: dict[str, str], period_end) -> str:
    """Alt text of the budget chart: the sentence plus the area furthest ahead of its budget."""
    share = totals.costs_actual / totals.costs_budget
    top = totals.loc[share.idxmax()]
    return (
        budget_sentence(totals, period_end) + f" Suurin kulujen toteutumisaste: {names.get(top.responsible_area, '')} "
        f"{fi.percent(share.max() * 100)}."
    )


def adjustment_alt(progress: dict) -> str:
    """Alt text of the adjustment chart."""
    t = progress["totals"]
    euros = fi.euro_scale([t["realised_eur"], t["expected_eur"]], decimals=1)
    return (
        f"Sopeuttamisohjelman säästöjä on kertynyt {euros(t['realised_eur'])}; tasaisella tahdilla kertymän "
        f"pitäisi olla {euros(t['expected_eur'])}."
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
            "(raportit tehtiin uudelleen, vaikka mikään ei muuttunut)."
        )
    count = f"{len(rows)} {'muutos' if len(rows) == 1 else 'muutosta'}"  # a count of one takes the nominative
    head = f"Versio {data['version']} verrattuna versioon {data['previous_version']}: {count}.\n\n"
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
        # not a numeral at the start of a sentence: "Tietosuojan vuoksi on piilotettu neljän yksikön luvut"
        count = COUNT_GENITIVES[hidden] if hidden <= 10 else str(hidden)
        text += f" Tietosuojan vuoksi on piilotettu {count} yksikön luvut, eikä niitä ole kaaviossa."
    return text
