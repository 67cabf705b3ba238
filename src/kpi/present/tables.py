"""Finnish report tables built from the computed frames: goals, measures with values, budget, programmes, findings."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.inputs.strategy import Strategy

#: The three assessments of a goal in the order every output shows them (HTML, Excel, Word): the data's first,
#: as the reports' sentences start from it ("Tietoihin perustuva arvio … poikkeaa hallinnon arviosta …").
ASSESSMENTS = ("Tietoihin perustuva arvio", "Hallinnon arvio", "Tarkastuslautakunnan arvio")

#: The column that tells an example value (esimerkkiarvo) from a real one, and the word for a real one.
KIND, REAL = "Arvon laji", "todellinen arvo"


def goals_table(strategy: Strategy, goals: pd.DataFrame, assessment: pd.DataFrame) -> pd.DataFrame:
    """Goals with the data-driven status, its reason and the two assessments (where given)."""
    a = assessment.set_index("goal_id")
    pillars = {p.id: p.name for p in strategy.pillars}
    return pd.DataFrame(
        {
            "Pilari": [pillars[p] for p in goals.pillar_id],
            "Tavoite": [f"{g} {strategy.goal(g).name}" for g in goals.goal_id],
            ASSESSMENTS[0]: goals.status.map(fi.status_label),
            "Peruste": goals.reason,
            ASSESSMENTS[1]: [fi.status_label(a.administration.get(g)) for g in goals.goal_id],
            ASSESSMENTS[2]: [fi.status_label(a.audit_committee.get(g)) for g in goals.goal_id],
        }
    )


def indicator_table(
    strategy: Strategy,
    goal_id: str,
    statuses: pd.DataFrame,
    changes: pd.DataFrame,
    observations: pd.DataFrame,
    period_end: dt.date,
) -> pd.DataFrame:
    """The measures of one goal, one row per indicator: baseline, target, previous, current, change, status, source."""
    st = statuses.set_index("indicator_id")
    chg = changes.set_index("indicator_id")
    now = observations[observations.period_end == pd.Timestamp(period_end)].set_index("indicator_id")
    rows = []
    for m in strategy.goal(goal_id).measures:
        for i in m.indicators:
            s, c = st.loc[i.id], chg.loc[i.id]
            target = (
                fi.range_with_unit(s.target_low, s.target_high, i.unit)
                if pd.notna(s.target_low)
                else fi.with_unit(s.target, i.unit)
            )
            if s.target_is_example and target != "–":
                target += " (esimerkkiarvo)"
            real = "esimerkkiarvo" if s.is_example else ("ei arvoa" if pd.isna(s.value) else REAL)
            source = str(now.source.get(i.id, "")) if i.id in now.index else ""
            # the note of this comparison only: a break before the year-ago value is no reason here
            change = (
                signed_change(c.change_previous, i.unit) if pd.notna(c.change_previous) else (c.note_previous or "–")
            )
            rows.append(
                {
                    "Mittari": m.name,
                    "Indikaattori": i.name,
                    "Lähtötaso": fi.with_unit(i.baseline, i.unit),
                    "Tavoitetaso": target,
                    "Edellinen kausi": fi.with_unit(c.previous, i.unit),
                    "Kauden arvo": fi.with_unit(s.value, i.unit),
                    "Muutos": change,
                    "Tila": fi.status_label(s.status),
                    "Peruste": s.reason,
                    KIND: real,
                    "Lähde": source,
                }
            )
    return pd.DataFrame(rows)


def signed_change(value: float, unit: str) -> str:
    """A change with its sign in the indicator's unit: ``+3 kpl``, ``−0,05 €/ateria``; a change of a per cent
    is in percentage points, ``+1 %-yks.`` (24 % → 25 % is one point, not one per cent)."""
    if value is None or pd.isna(value):
        return "–"
    # as many decimals as fi.with_unit gives the value; the sign only when it does not round to zero
    decimals = fi.unit_decimals(value, unit)
    sign = "+" if fi.rounded(value, decimals) > 0 else ""
    if unit == "%":
        return f"{sign}{fi.number(value, decimals)}{fi.NBSP}%-yks."
    return sign + fi.with_unit(value, unit, decimals=decimals)


def milestones_table(strategy: Strategy, goal_id: str | None, milestones: pd.DataFrame) -> pd.DataFrame:
    """Milestone measures (of one goal, or all): state, due date, status and evidence."""
    rows = []
    for r in milestones.itertuples():
        m = strategy.measure(r.measure_id)
        if goal_id and m.goal_id != goal_id:
            continue
        rows.append(
            {
                "Mittari": f"{m.id} {m.name}",
                "Tila": r.state or "–",
                "Määräaika": fi.date(r.due),
                "Arvio": fi.status_label(r.status),
                "Peruste": r.reason,
                "Näyttö": r.evidence,
                KIND: "esimerkkiarvo" if r.is_example else REAL,
            }
        )
    return pd.DataFrame(rows)


def budget_table(totals: pd.DataFrame, area_names: dict[str, str], *, forecast: bool) -> pd.DataFrame:
    """Per responsibility area: operating income and costs, budget and actual (and forecast), toimintakate."""
    amounts = ["income_budget", "income_actual", "costs_budget", "costs_actual", "net_actual"]
    amounts += ["costs_forecast"] if forecast else []
    euros = fi.euro_scale(totals[amounts].to_numpy().ravel())  # one scale for the whole table
    rows = []
    for r in totals.itertuples():
        row = {
            "Vastuualue": area_names.get(r.responsible_area, r.responsible_area),
            "Toimintatuotot, muutettu talousarvio": euros(r.income_budget),
            "Toimintatuotot, toteuma": euros(r.income_actual),
            "Toimintakulut, muutettu talousarvio": euros(r.costs_budget),
            "Toimintakulut, toteuma": euros(r.costs_actual),
            "Kulujen toteutumisaste": fi.percent(r.costs_actual / r.costs_budget * 100),
            "Toimintakate, toteuma": euros(r.net_actual),
        }
        if forecast:
            row["Toimintakulut, ennuste 31.12."] = euros(r.costs_forecast)
            row["Ennusteen poikkeama talousarviosta"] = euros(r.costs_forecast - r.costs_budget)
        rows.append(row)
    return pd.DataFrame(rows)


def budget_flags_table(follow_up: pd.DataFrame, area_names: dict[str, str]) -> pd.DataFrame:
    """Account groups whose realisation differs from the expected share by more than the threshold."""
    flagged = follow_up[follow_up.flag != ""]
    euros = fi.euro_scale(flagged[["budget", "actual", "variance"]].to_numpy().ravel())  # one scale for the table
    return pd.DataFrame(
        {
            "Vastuualue": [area_names.get(a, a) for a in flagged.responsible_area],
            "Tiliryhmä": flagged.account_group,
            "Muutettu talousarvio": flagged.budget.map(euros),
            "Toteuma": flagged.actual.map(euros),
            "Toteutumisaste": flagged.realisation_pct.map(fi.percent),
            "Odotettu": flagged.expected_pct.map(lambda v: fi.percent(v, 0)),
            "Poikkeama": flagged.variance.map(euros),
            "Havainto": flagged.flag,
        }
    )


def adjustment_tables(progress: dict, area_names: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The adjustment programme by year and by action, in Finnish; each table's euros on one scale, the
    responsibility areas by their names (`area_names`, as the budget tables show them)."""
    y = progress["by_year"]
    euros = fi.euro_scale(y[["planned_eur", "realised_eur", "cumulative_eur", "expected_eur"]].to_numpy().ravel())
    by_year = pd.DataFrame(
        {
            "Vuosi": [f"1–6/{v}" if partial else str(v) for v, partial in zip(y.year, y.partial, strict=True)],
            "Suunniteltu": y.planned_eur.map(euros),
            "Toteutunut": y.realised_eur.map(euros),
            "Kertymä": y.cumulative_eur.map(euros),
            "Kertymä tasaisella tahdilla": y.expected_eur.map(euros),
            "Suunniteltu vähennys, HTV": y.planned_htv.map(lambda v: fi.number(v, 0)),
            "Toteutunut vähennys, HTV": y.realised_htv.map(lambda v: fi.number(v, 0)),
            "Vähennys yhteensä, HTV": y.cumulative_htv.map(lambda v: fi.number(v, 0)),
        }
    )
    a = progress["by_action"]
    names = area_names or {}
    euros = fi.euro_scale(a[["planned_eur", "realised_eur"]].to_numpy().ravel())
    by_action = pd.DataFrame(
        {
            "Toimenpide": a.action,
            "Vastuualue": [names.get(x, x) for x in a.responsible_area],
            "Suunniteltu": a.planned_eur.map(euros),
            "Toteutunut": a.realised_eur.map(euros),
            "Toteutunut suunnitellusta": a.realised_pct.map(fi.percent),
            "Toteutunut vähennys, HTV": a.realised_htv.map(lambda v: fi.number(v, 0)),
        }
    )
    return by_year, by_action


def adjustment_sentence(progress: dict) -> str:
    """Where the programme stands: realised, share of the target, where it should be by now, and the gap."""
    t = progress["totals"]
    behind = t["behind_eur"]
    # one scale for the sentence: "0,9 M€ jäljessä" beside "1,6 M€", never "875 000 €"
    euros = fi.euro_scale([t["realised_eur"], t["expected_eur"], behind, t["gap_eur"]], decimals=1)
    # when the even pace has reached the whole target (the last year-end), the gap says the same: left out
    pace = (
        ""
        if round(t["expected_eur"]) == round(t["realised_eur"] + t["gap_eur"])
        else f" Tasaisella tahdilla kertymän pitäisi olla {euros(t['expected_eur'])}, joten ohjelma on "
        f"{euros(abs(behind))} {'jäljessä' if behind > 0 else 'edellä'}."
    )
    return (
        f"Sopeuttamisohjelman säästöjä on kertynyt {euros(t['realised_eur'])} eli {fi.percent(t['share_eur'])} "
        f"tavoitteesta.{pace} Henkilötyövuosia on vähennetty {fi.number(t['realised_htv'], 0)} "
        f"({fi.percent(t['share_htv'], fi.unit_decimals(t['share_htv'], ''))} tavoitteesta). Tavoitteeseen "
        f"puuttuu {euros(t['gap_eur'])} ja {fi.number(t['gap_htv'], 0)} HTV."
    )


def programmes_table(strategy: Strategy, programmes: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """The cross-cutting programmes at their latest year-end status up to the period."""
    upto = programmes[programmes.period_end <= pd.Timestamp(period_end)]
    latest = upto.sort_values("period_end").drop_duplicates("programme_id", keep="last").set_index("programme_id")
    rows = []
    for p in strategy.programmes:
        if p.id in latest.index:
            r = latest.loc[p.id]
            rows.append(
                {
                    "Ohjelma": p.name,
                    "Tila": fi.status_label(r.status),
                    "Tilannepäivä": fi.date(r.period_end),
                    "Ohjelma päivitetty (vuosi)": str(r.updated_year),
                    "Kommentti": r.comment or "",
                    KIND: "esimerkkiarvo" if r.is_example else REAL,
                }
            )
        else:
            rows.append(
                {
                    "Ohjelma": p.name,
                    "Tila": fi.status_label("ei arvioitavissa"),
                    "Tilannepäivä": "–",
                    "Ohjelma päivitetty (vuosi)": "–",
                    "Kommentti": "ei tilatietoa ennen kautta",
                    KIND: "–",
                }
            )
    return pd.DataFrame(rows)


def key_figures_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The city's key figures with units, example marks and sources."""
    return pd.DataFrame(
        {
            "Tunnusluku": figures.figure,
            "Arvo": [fi.with_unit(v, u) for v, u in zip(figures.value, figures.unit)],
            KIND: figures.is_example.map({True: "esimerkkiarvo", False: REAL}),
            "Lähde": figures.source,
        }
    )


def area_status_table(strategy: Strategy, measures: pd.DataFrame) -> pd.DataFrame:
    """Measures by responsibility area: how many of each status."""
    area_of = {m.id: m.responsible_area for m in strategy.measures}
    names = {a.id: a.name for a in strategy.responsible_areas}
    frame = measures.assign(area=measures.measure_id.map(area_of).map(names))
    table = frame.pivot_table(index="area", columns="status", values="measure_id", aggfunc="count", fill_value=0)
    order = [s for s in fi.STATUSES if s in table.columns]
    table = table[order]
    table.columns = [fi.status_label(c) for c in table.columns]
    table.index.name = "Vastuualue"
    return table.reset_index()


def header_lines(*, title: str, period_end: dt.date, example_values: int, values: int) -> str:
    """The top of every report: title, period, date of the data and whether example values are included."""
    examples = (
        f"**Sisältää esimerkkiarvoja:** kyllä – {example_values} kauden {values} indikaattoriarvosta "
        "(merkitty taulukoihin; kaavioissa ○)"
        if example_values
        else "**Sisältää esimerkkiarvoja:** ei"
    )
    return (
        f"**{title}** · {fi.period_label(period_end, long=True)}  \n"
        f"**Tietojen ajankohta:** {fi.date(period_end)}  \n{examples}"
    )


def series_table(points: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The numbers behind a trend chart, each value beside the target its status was decided against.

    `points` is :func:`kpi.measures.changes.series` with the run's rules: a January–June total of a ``flow``
    indicator is compared with half the year's target (``flow_at_30_6: prorate``), and its row shows that half
    and says so, e.g. ``16 kpl (puolet vuoden tavoitteesta 32 kpl)``.
    """

    def shown(t: float, low: float, high: float) -> str:
        return fi.range_with_unit(low, high, unit) if pd.notna(low) else fi.with_unit(t, unit)

    compared = points.get("compared_target", points.target)
    compared_low = points.get("compared_low", points.target_low)
    compared_high = points.get("compared_high", points.target_high)
    halved = points.get("halved", pd.Series(False, index=points.index)).astype(bool)
    target = [
        f"{shown(c, c_lo, c_hi)} (puolet vuoden tavoitteesta {shown(t, lo, hi)})" if half else shown(c, c_lo, c_hi)
        for c, c_lo, c_hi, half, t, lo, hi in zip(
            compared, compared_low, compared_high, halved, points.target, points.target_low, points.target_high
        )
    ]
    return pd.DataFrame(
        {
            "Kausi": points.period_end.map(fi.date),
            "Arvo": points.value.map(lambda v: fi.with_unit(v, unit)),
            "Tavoitetaso": target,
            KIND: points.is_example.map({True: "esimerkkiarvo", False: REAL}),
            "Sarjakatko ennen tätä kautta": points.after_break.map({True: "kyllä", False: ""}),
        }
    )


STAFF_COLUMNS = {
    "area": "Vastuualue",
    "unit": "Yksikkö",
    "head_count": "Henkilöstö",
    "person_years": "HTV",
    "sick_leave_days": "Sairauspoissaolopäivät",
    "sick_days_per_htv": "Sairauspoissaolot pv/HTV",
    "respondents": "Kyselyyn vastanneet",
    "satisfaction": "Työtyytyväisyys (1–5)",
}
_STAFF_DECIMALS = {"head_count": 0, "person_years": 1, "sick_leave_days": 0, "sick_days_per_htv": 1}


def staff_table(staff: pd.DataFrame) -> pd.DataFrame:
    """The staff figures per unit (``measures.privacy.staff_by_unit(...).frame``) with Finnish headers.

    A hidden figure keeps its marker (``< 5``, ``x``); a missing one (no survey at 30.6.) is a dash.
    """

    def cell(value: object, decimals: int) -> str:
        return value if isinstance(value, str) else fi.number(value, decimals)  # type: ignore[arg-type]

    out = pd.DataFrame({STAFF_COLUMNS["area"]: staff.area, STAFF_COLUMNS["unit"]: staff.unit})
    for column, decimals in {**_STAFF_DECIMALS, "respondents": 0, "satisfaction": 1}.items():
        out[STAFF_COLUMNS[column]] = [cell(v, decimals) for v in staff[column]]
    out[KIND] = staff.is_example.map({True: "esimerkkiarvo", False: REAL})
    return out.reset_index(drop=True)
