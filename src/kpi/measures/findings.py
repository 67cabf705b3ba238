"""Findings for the evaluation report (havainnot arviointikertomukseen), generated from the computed frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.measures.status import EI_ARVIOITAVISSA, EI_TOTEUTUNUT

CATEGORIES = (
    "Tavoitteet, jotka eivät toteutuneet",
    "Arviot poikkeavat tiedoista",
    "Mittarit, joita ei voi arvioida",
    "Talousarvion ylitykset ja alitukset",
    "Tietojen laatu",
)


def evaluation_findings(
    *,
    assessment: pd.DataFrame,
    measures: pd.DataFrame,
    measure_names: dict[str, str],
    follow_up: pd.DataFrame,
    area_names: dict[str, str],
    coverage: dict[str, int],
    period_end: dt.date,
) -> pd.DataFrame:
    """One row per finding, in the order of :data:`CATEGORIES`.

    Parameters
    ----------
    assessment : pandas.DataFrame
        :func:`kpi.measures.assessment.three_way` of the period.
    measures : pandas.DataFrame
        :func:`kpi.measures.status.measure_statuses` of the period.
    measure_names, area_names : dict
        Finnish names by id.
    follow_up : pandas.DataFrame
        :func:`kpi.measures.finance.budget_follow_up` of the period.
    coverage : dict
        :func:`kpi.inputs.quality.period_coverage` of the period.
    period_end : datetime.date

    Returns
    -------
    pandas.DataFrame
        ``category``, ``subject`` (goal, measure, area …), ``text`` (a Finnish sentence).
    """
    rows = []
    for g in assessment.itertuples():
        if g.data == EI_TOTEUTUNUT:
            rows.append(
                (CATEGORIES[0], g.goal_id, f"Tavoite {g.goal_id} ”{g.goal}” ei toteutunut tietojen perusteella.")
            )
    for g in assessment.itertuples():
        if g.disagree:
            rows.append((CATEGORIES[1], g.goal_id, f"Tavoite {g.goal_id}: {g.sentence}"))
    for m in measures.itertuples():
        if m.status == EI_ARVIOITAVISSA:
            rows.append(
                (
                    CATEGORIES[2],
                    m.measure_id,
                    f"Mittari {m.measure_id} ”{measure_names.get(m.measure_id, '')}” ei ole arvioitavissa: {m.reason}.",
                )
            )
    flagged = follow_up[follow_up.flag != ""]
    for r in flagged.itertuples():
        what = "ylittyy" if r.flag == "ylitys" else "jää alle odotetun"
        rows.append(
            (
                CATEGORIES[3],
                r.responsible_area,
                f"{area_names.get(r.responsible_area, r.responsible_area)}, {r.account_group.lower()}: toteuma "
                f"{fi.percent(r.realisation_pct)} talousarviosta {what} (odotettu {fi.percent(r.expected_pct, 0)}).",
            )
        )
    if coverage.get("example_values"):
        rows.append(
            (
                CATEGORIES[4],
                "esimerkkiarvot",
                f"Kauden {coverage['values']} indikaattoriarvosta {coverage['example_values']} on esimerkkiarvoja; "
                "niihin perustuvat tilat on merkitty.",
            )
        )
    if coverage.get("no_data"):
        rows.append(
            (
                CATEGORIES[4],
                "puuttuvat arvot",
                f"{coverage['no_data']} indikaattorilla ei ole arvoa kaudelta {period_end.day}.{period_end.month}."
                f"{period_end.year}.",
            )
        )
    return pd.DataFrame(rows, columns=["category", "subject", "text"])
