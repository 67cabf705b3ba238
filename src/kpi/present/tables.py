"""Finnish report tables built from the computed frames: goals, measures with values, budget, programmes, findings."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.inputs.strategy import Strategy


def goals_table(strategy: Strategy, goals: pd.DataFrame, assessment: pd.DataFrame) -> pd.DataFrame:
    """Goals with the data-driven status, its reason and the two assessments (where given)."""
    a = assessment.set_index("goal_id")
    pillars = {p.id: p.name for p in strategy.pillars}
    return pd.DataFrame(
        {
            "Pilari": [pillars[p] for p in goals.pillar_id],
            "Tavoite": [f"{g} {strategy.goal(g).name}" for g in goals.goal_id],
            "Tietoihin perustuva arvio": goals.status.map(fi.status_label),
            "Peruste": goals.reason,
            "Hallinnon arvio": [fi.status_label(a.administration.get(g)) for g in goals.goal_id],
            "Tarkastuslautakunnan arvio": [fi.status_label(a.audit_committee.get(g)) for g in goals.goal_id],
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
                f"{fi.with_unit(s.target_low, i.unit)} – {fi.with_unit(s.target_high, i.unit)}"
                if pd.notna(s.target_low)
                else fi.with_unit(s.target, i.unit)
            )
            if s.target_is_example and target != "–":
                target += " (esimerkki)"
            real = "esimerkkiarvo" if s.is_example else ("ei arvoa" if pd.isna(s.value) else "todellinen")
            source = str(now.source.get(i.id, "")) if i.id in now.index else ""
            change = fi.with_unit(c.change_previous, i.unit) if pd.notna(c.change_previous) else (c.note or "–")
            rows.append(
                {
                    "Mittari": m.name,
                    "Indikaattori": i.name,
                    "Lähtötaso": fi.with_unit(i.baseline, i.unit),
                    "Tavoite": target,
                    "Edellinen kausi": fi.with_unit(c.previous, i.unit),
                    "Kauden arvo": fi.with_unit(s.value, i.unit),
                    "Muutos": change,
                    "Tila": fi.status_label(s.status),
                    "Peruste": s.reason,
                    "Tieto": real,
                    "Lähde": source,
                }
            )
    return pd.DataFrame(rows)


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
                "Tieto": "esimerkkiarvo" if r.is_example else "todellinen",
            }
        )
    return pd.DataFrame(rows)


def budget_table(totals: pd.DataFrame, area_names: dict[str, str], *, forecast: bool) -> pd.DataFrame:
    """Per responsibility area: operating income and costs, budget and actual (and forecast), toimintakate."""
    rows = []
    for r in totals.itertuples():
        row = {
            "Vastuualue": area_names.get(r.responsible_area, r.responsible_area),
            "Toimintatuotot, talousarvio": fi.euros(r.income_budget),
            "Toimintatuotot, toteuma": fi.euros(r.income_actual),
            "Toimintakulut, talousarvio": fi.euros(r.costs_budget),
            "Toimintakulut, toteuma": fi.euros(r.costs_actual),
            "Toteumaprosentti (kulut)": fi.percent(r.costs_actual / r.costs_budget * 100),
            "Toimintakate, toteuma": fi.euros(r.net_actual),
        }
        if forecast:
            row["Toimintakulut, ennuste 31.12."] = fi.euros(r.costs_forecast)
            row["Poikkeama ennuste − talousarvio"] = fi.euros(r.costs_forecast - r.costs_budget)
        rows.append(row)
    return pd.DataFrame(rows)


def budget_flags_table(follow_up: pd.DataFrame, area_names: dict[str, str]) -> pd.DataFrame:
    """Account groups whose realisation differs from the expected share by more than the threshold."""
    flagged = follow_up[follow_up.flag != ""]
    return pd.DataFrame(
        {
            "Vastuualue": [area_names.get(a, a) for a in flagged.responsible_area],
            "Tiliryhmä": flagged.account_group,
            "Talousarvio": flagged.budget.map(fi.euros),
            "Toteuma": flagged.actual.map(fi.euros),
            "Toteumaprosentti": flagged.realisation_pct.map(fi.percent),
            "Odotettu": flagged.expected_pct.map(lambda v: fi.percent(v, 0)),
            "Poikkeama": flagged.variance.map(fi.euros),
            "Havainto": flagged.flag,
        }
    )


def adjustment_tables(progress: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The adjustment programme by year and by action, in Finnish."""
    y = progress["by_year"]
    by_year = pd.DataFrame(
        {
            "Vuosi": y.year.astype(str),
            "Suunniteltu": y.planned_eur.map(fi.euros),
            "Toteutunut": y.realised_eur.map(fi.euros),
            "Kertymä": y.cumulative_eur.map(fi.euros),
            "HTV suunniteltu": y.planned_htv.map(lambda v: fi.number(v, 0)),
            "HTV toteutunut": y.realised_htv.map(lambda v: fi.number(v, 0)),
            "HTV kertymä": y.cumulative_htv.map(lambda v: fi.number(v, 0)),
        }
    )
    a = progress["by_action"]
    by_action = pd.DataFrame(
        {
            "Toimenpide": a.action,
            "Vastuualue": a.responsible_area,
            "Suunniteltu": a.planned_eur.map(fi.euros),
            "Toteutunut": a.realised_eur.map(fi.euros),
            "Toteutunut suunnitellusta": a.realised_pct.map(fi.percent),
            "HTV toteutunut": a.realised_htv.map(lambda v: fi.number(v, 0)),
        }
    )
    return by_year, by_action


def adjustment_sentence(progress: dict) -> str:
    """Where the programme stands: realised, share of the target, where it should be by now, and the gap."""
    t = progress["totals"]
    behind = t["behind_eur"]
    pace = (
        f"tasaisella tahdilla sen pitäisi olla {fi.euros(t['expected_eur'])}, joten se on "
        f"{fi.euros(abs(behind))} {'jäljessä' if behind > 0 else 'edellä'}"
    )
    return (
        f"Sopeuttamisohjelman säästöjä on kertynyt {fi.euros(t['realised_eur'])} eli {fi.percent(t['share_eur'])} "
        f"tavoitteesta; {pace}. Henkilötyövuosia on vähennetty {fi.number(t['realised_htv'], 0)} "
        f"({fi.percent(t['share_htv'])} tavoitteesta). Tavoitteeseen puuttuu {fi.euros(t['gap_eur'])} ja "
        f"{fi.number(t['gap_htv'], 0)} HTV."
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
                    "Tilanne": fi.date(r.period_end),
                    "Päivitetty": str(r.updated_year),
                    "Kommentti": r.comment or "",
                    "Tieto": "esimerkkiarvo" if r.is_example else "todellinen",
                }
            )
        else:
            rows.append(
                {
                    "Ohjelma": p.name,
                    "Tila": fi.status_label("ei arvioitavissa"),
                    "Tilanne": "–",
                    "Päivitetty": "–",
                    "Kommentti": "ei tilatietoa ennen kautta",
                    "Tieto": "–",
                }
            )
    return pd.DataFrame(rows)


def key_figures_table(figures: pd.DataFrame) -> pd.DataFrame:
    """The city's key figures with units, example marks and sources."""
    return pd.DataFrame(
        {
            "Tunnusluku": figures.figure,
            "Arvo": [fi.with_unit(v, u) for v, u in zip(figures.value, figures.unit)],
            "Tieto": figures.is_example.map({True: "esimerkkiarvo", False: "todellinen"}),
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
        f"**Sisältää esimerkkiarvoja:** kyllä, {example_values}/{values} kauden indikaattoriarvoista "
        "(merkitty taulukoihin ja ○-merkillä kaavioihin)"
        if example_values
        else "**Sisältää esimerkkiarvoja:** ei"
    )
    return (
        f"**{title}** · {fi.period_label(period_end, long=True)}  \n"
        f"**Tietojen ajankohta:** {fi.date(period_end)}  \n{examples}"
    )


def series_table(points: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The numbers behind a trend chart."""
    target = [
        f"{fi.with_unit(lo, unit)} – {fi.with_unit(hi, unit)}" if pd.notna(lo) else fi.with_unit(t, unit)
        for t, lo, hi in zip(points.target, points.target_low, points.target_high)
    ]
    return pd.DataFrame(
        {
            "Kausi": points.period_end.map(fi.date),
            "Arvo": points.value.map(lambda v: fi.with_unit(v, unit)),
            "Tavoite": target,
            "Tieto": points.is_example.map({True: "esimerkkiarvo", False: "todellinen"}),
            "Sarjakatko ennen": points.after_break.map({True: "kyllä", False: ""}),
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
    out["Tieto"] = staff.is_example.map({True: "esimerkkiarvo", False: "todellinen"})
    return out.reset_index(drop=True)
