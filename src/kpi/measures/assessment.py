"""The three-way assessment of each goal: the administration's, the audit committee's and the data-driven status."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.inputs.strategy import Strategy


def three_way(
    strategy: Strategy, assessments: pd.DataFrame, goal_status: pd.DataFrame, period_end: dt.date
) -> pd.DataFrame:
    """Put the three statuses of every goal side by side and say in Finnish where they disagree.

    The administration and the audit committee assess the year at 31.12.; at 30.6. only the data-driven
    status exists, and the sentence says so.

    Returns
    -------
    pandas.DataFrame
        ``pillar_id``, ``goal_id``, ``goal``, ``administration``, ``audit_committee``, ``data``,
        ``administration_text``, ``audit_committee_text``, ``disagree`` (bool) and ``sentence``.
    """
    now = (
        assessments[assessments.period_end == pd.Timestamp(period_end)].drop_duplicates("goal_id").set_index("goal_id")
    )
    data = goal_status.set_index("goal_id").status
    rows = []
    for g in strategy.goals:
        admin = _status(now.administration_status.get(g.id)) if g.id in now.index else None
        audit = _status(now.audit_committee_status.get(g.id)) if g.id in now.index else None
        d = _status(data.get(g.id))
        given = [s for s in (admin, audit, d) if s]
        disagree = len(set(given)) > 1
        if admin is None and audit is None:
            sentence = (
                # the committee's assessment is not part of the financial statements: it has its own report
                f"Tietoihin perustuva arvio: {d}. Hallinnon arvio annetaan tilinpäätöksessä (toimintakertomuksessa) "
                "ja tarkastuslautakunnan arvio arviointikertomuksessa."
                if fi.is_half_year(period_end)
                else f"Tietoihin perustuva arvio: {d}. Hallinnon ja tarkastuslautakunnan arviot puuttuvat."
            )
        elif not disagree:
            sentence = f"Kaikki arviot ovat samat: {d or admin or audit}."
        elif d is None:
            sentence = f"Hallinnon arvio ({admin}) ja tarkastuslautakunnan arvio ({audit}) poikkeavat toisistaan."
        else:
            sentence = _data_differs(d, admin, audit)
        rows.append(
            {
                "pillar_id": g.pillar_id,
                "goal_id": g.id,
                "goal": g.name,
                "administration": admin,
                "audit_committee": audit,
                "data": d,
                "administration_text": now.administration_text.get(g.id) if g.id in now.index else None,
                "audit_committee_text": now.audit_committee_text.get(g.id) if g.id in now.index else None,
                "disagree": disagree,
                "sentence": sentence,
            }
        )
    return pd.DataFrame(rows)


def _status(value: object) -> str | None:
    """A status, or None for an empty cell (None, NaN or pandas' NA)."""
    return None if value is None or pd.isna(value) or not str(value).strip() else str(value)


def _data_differs(data: str, administration: str | None, audit_committee: str | None) -> str:
    """The sentence of a data-driven status that differs: the assessments it differs from in the elative
    (``poikkeaa hallinnon arviosta (y) ja tarkastuslautakunnan arviosta (z)``), and the one it agrees with, if any."""
    others = [("hallinnon", administration), ("tarkastuslautakunnan", audit_committee)]
    differing = [f"{who} arviosta ({s})" for who, s in others if s and s != data]
    same = [f"{who} arvio" for who, s in others if s == data]
    sentence = f"Tietoihin perustuva arvio ({data}) poikkeaa " + " ja ".join(differing)
    return sentence + (f", mutta on sama kuin {same[0]}." if same else ".")
