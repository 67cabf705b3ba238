"""Hiding small counts of staff figures broken down by unit, so that no person can be identified from them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kpi.inputs.derived import staff_totals

#: Shown for a figure hidden with a small count, or to keep a hidden count from being worked out from a total.
HIDDEN = "x"
TOTAL_UNIT = "Koko henkilöstö"


@dataclass(frozen=True)
class Group:
    """A count of persons and the figures about the same persons, hidden together when the count is small."""

    count: str
    figures: tuple[str, ...]
    persons: str  # what the count counts, in Finnish partitive plural: "henkilöä", "vastaajaa"


@dataclass(frozen=True)
class Suppressed:
    """A table as it may be published: small counts replaced by ``< min_count``, the figures with them by ``x``.

    Attributes
    ----------
    frame : pandas.DataFrame
        The rows with numbers where they may be shown and marker texts where not (object columns).
    notes : list of str
        Finnish footnotes saying what the markers mean and why (empty when nothing was hidden).
    hidden : int
        How many cells were hidden.
    min_count : int
        The smallest count published (``privacy.min_count``).
    """

    frame: pd.DataFrame
    notes: list[str]
    hidden: int
    min_count: int


def suppress(frame: pd.DataFrame, groups: list[Group], *, min_count: int, total: pd.Series | None = None) -> Suppressed:
    """Hide every count from 1 to ``min_count - 1`` with the figures about the same persons.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit; counts of persons and figures about them.
    groups : list of Group
        The counts and their figures; 0 is published (it identifies nobody), a missing count stays missing.
    min_count : int
        The smallest count that may be published.
    total : pandas.Series of bool, optional
        Marks the total row(s). When a total is published and exactly one unit's count is hidden, the unit with
        the next smallest count is hidden too (shown ``x``): otherwise the total minus the published units would
        give the hidden one back.

    Returns
    -------
    Suppressed
    """
    out = frame.copy()
    for column in {c for g in groups for c in (g.count, *g.figures) if c in out.columns}:
        out[column] = out[column].astype(object)  # a hidden figure becomes its marker text
    is_total = (total if total is not None else pd.Series(False, index=frame.index)).to_numpy(dtype=bool)
    hidden_small: set[str] = set()
    complementary = False
    for group in groups:
        counts = pd.to_numeric(frame[group.count], errors="coerce")
        small = (counts > 0) & (counts < min_count)
        columns = [c for c in group.figures if c in out.columns]
        for i in frame.index[small.to_numpy(dtype=bool)]:
            out.at[i, group.count] = f"< {min_count}"
            for c in columns:
                if pd.notna(frame.at[i, c]):
                    out.at[i, c] = HIDDEN
        if small.any():
            hidden_small.add(group.persons)
        # hidden by this group or with an earlier group's count (a small unit's respondents, say)
        hidden_units = out[group.count].map(lambda v: isinstance(v, str)).to_numpy(dtype=bool) & ~is_total
        if is_total.any() and hidden_units.sum() == 1 and not small[is_total].any():
            others = counts[~hidden_units & ~is_total & (counts > 0).to_numpy(dtype=bool)]
            if len(others):
                j = others.idxmin()
                for c in [group.count, *columns]:
                    if pd.notna(frame.at[j, c]) and out.at[j, c] != HIDDEN:
                        out.at[j, c] = HIDDEN
                complementary = True
    hidden = int(
        sum(
            (out[c].map(lambda v: isinstance(v, str)) & ~frame[c].map(lambda v: isinstance(v, str))).sum()
            for c in frame.columns
        )
    )
    notes = []
    if hidden_small:
        who = " tai ".join(sorted(hidden_small))
        notes.append(
            f"< {min_count} = alle {min_count} {who}; x = saman joukon muu luku, joka on piilotettu, koska joukko "
            "on pieni. Pienten joukkojen luvut piilotetaan, jotta yksittäistä henkilöä ei voi tunnistaa (raja "
            f"{min_count}, asetus privacy.min_count)."
        )
    if complementary:
        notes.append(
            f"{HIDDEN} ilman < {min_count} -merkintää: luku on piilotettu, jottei piilotettua lukua voisi laskea "
            "yhteissummasta ja muiden yksiköiden luvuista."
        )
    return Suppressed(out, notes, hidden, min_count)


STAFF_GROUPS = [
    Group(
        "head_count",
        ("person_years", "sick_leave_days", "sick_days_per_htv", "respondents", "satisfaction"),
        "henkilöä",
    ),
    Group("respondents", ("satisfaction",), "vastaajaa"),
]


def staff_by_unit(
    staff: pd.DataFrame, area_names: dict[str, str], period_end: dt.date, *, min_count: int
) -> Suppressed:
    """The staff figures of a period end per unit and for the whole staff, with small counts hidden.

    Returns
    -------
    Suppressed
        ``frame`` columns: ``area``, ``unit``, ``head_count``, ``person_years``, ``sick_leave_days``,
        ``sick_days_per_htv``, ``respondents``, ``satisfaction``, ``is_example``, ``is_total``; units in the order
        of the responsibility areas, then by name; the last row is the whole staff (``TOTAL_UNIT``).
        Empty when the period has no staff rows.
    """
    now = staff[staff.period_end == pd.Timestamp(period_end)]
    columns = [
        "area",
        "unit",
        "head_count",
        "person_years",
        "sick_leave_days",
        "sick_days_per_htv",
        "respondents",
        "satisfaction",
        "is_example",
        "is_total",
    ]
    if now.empty:
        return Suppressed(pd.DataFrame(columns=columns), [], 0, min_count)
    order = {a: k for k, a in enumerate(area_names)}
    now = now.assign(_order=now.responsible_area.map(order)).sort_values(["_order", "unit"])
    rows = [
        {
            "area": area_names.get(r.responsible_area, r.responsible_area),
            "unit": r.unit,
            "head_count": int(r.head_count),
            "person_years": float(r.person_years),
            "sick_leave_days": int(r.sick_leave_days),
            "sick_days_per_htv": r.sick_leave_days / r.person_years if r.person_years > 0 else float("nan"),
            "respondents": float("nan") if pd.isna(r.respondents) else int(r.respondents),
            "satisfaction": float(r.satisfaction) if pd.notna(r.satisfaction) else float("nan"),
            "is_example": bool(r.is_example),
            "is_total": False,
        }
        for r in now.itertuples()
    ]
    totals = staff_totals(now)
    rows.append(
        {
            "area": "",
            "unit": TOTAL_UNIT,
            **totals,
            "head_count": int(totals["head_count"]),
            "sick_leave_days": int(totals["sick_leave_days"]),
            "is_example": bool(now.is_example.any()),
            "is_total": True,
        }
    )
    frame = pd.DataFrame(rows, columns=columns)
    return suppress(frame, STAFF_GROUPS, min_count=min_count, total=frame.is_total)
