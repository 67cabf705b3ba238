"""Findings for the evaluation report (havainnot arviointikertomukseen), generated from the computed frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.measures.status import EI_ARVIOITAVISSA, EI_TOTEUTUNUT

#: Counts 0–10 in the ablative: "seitsemältä indikaattorilta".
_ABLATIVES = (
    "nollalta",
    "yhdeltä",
    "kahdelta",
    "kolmelta",
    "neljältä",
    "viideltä",
    "kuudelta",
    "seitsemältä",
    "kahdeksalta",
    "yhdeksältä",
    "kymmeneltä",
)

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
        # a budget is exceeded (ylittyy), a realisation is larger or smaller than expected
        what = "on odotettua suurempi" if r.flag == "ylitys" else "on odotettua pienempi"
        area = area_names.get(r.responsible_area, r.responsible_area)
        rows.append(
            (
                CATEGORIES[3],
                area,
                # a dash, not a comma, between the area and an account group that itself holds commas
                f"{area} – {r.account_group.lower()}: toteuma {fi.percent(r.realisation_pct)} talousarviosta "
                f"{what} (odotettu {fi.percent(r.expected_pct, 0)}).",
            )
        )
    if coverage.get("example_values"):
        rows.append(
            (
                CATEGORIES[4],
                "Esimerkkiarvot",
                f"Kauden {coverage['values']} indikaattoriarvosta {coverage['example_values']} on esimerkkiarvoja; "
                "niihin perustuvat tilat on merkitty.",
            )
        )
    if coverage.get("no_data"):
        n = int(coverage["no_data"])
        # not a numeral at the start of a sentence, and a period named, not dated: "kaudelta 1–6/2022"
        period = f"1–6/{period_end.year}" if fi.is_half_year(period_end) else str(period_end.year)
        text = (
            f"{_ABLATIVES[n].capitalize()} indikaattorilta puuttuu arvo kaudelta {period}."
            if n < len(_ABLATIVES)
            else f"Kaudelta {period} puuttuu arvo {n} indikaattorilta."
        )
        rows.append((CATEGORIES[4], "Puuttuvat arvot", text))
    return pd.DataFrame(rows, columns=["category", "subject", "text"])
