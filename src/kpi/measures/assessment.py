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
        admin = now.administration_status.get(g.id) if g.id in now.index else None
        audit = now.audit_committee_status.get(g.id) if g.id in now.index else None
        d = data.get(g.id)
        pairs = [("hallinnon arvio", admin), ("tarkastuslautakunnan arvio", audit), ("tietoihin perustuva arvio", d)]
        given = [(n, s) for n, s in pairs if s]
        disagree = len({s for _, s in given}) > 1
        if admin is None and audit is None:
            sentence = (
                f"Tietoihin perustuva arvio: {d}. Hallinnon ja tarkastuslautakunnan arviot annetaan "
                "tilinpäätöksen yhteydessä."
                if fi.is_half_year(period_end)
                else f"Tietoihin perustuva arvio: {d}. Hallinnon ja tarkastuslautakunnan arviot puuttuvat."
            )
        elif not disagree:
            sentence = f"Kaikki arviot ovat yhtä mieltä: {d}."
        else:
            differing = [f"{n} ({s})" for n, s in given[:2] if s != d]
            sentence = (
                f"Tietoihin perustuva arvio ({d}) poikkeaa: " + ", ".join(differing) + "."
                if differing
                else f"Hallinnon arvio ({admin}) ja tarkastuslautakunnan arvio ({audit}) poikkeavat toisistaan."
            )
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
