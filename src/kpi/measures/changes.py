"""Changes of indicator values against the previous period end, the same period a year earlier and the baseline."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from kpi import fi
from kpi.inputs.strategy import Strategy
from kpi.measures.status import StatusRules, effective_target


def previous_period_end(period_end: dt.date) -> dt.date:
    """30.6. → 31.12. of the year before; 31.12. → 30.6. of the same year."""
    return dt.date(period_end.year - 1, 12, 31) if fi.is_half_year(period_end) else dt.date(period_end.year, 6, 30)


def year_earlier(period_end: dt.date) -> dt.date:
    """The same period end a year earlier."""
    return period_end.replace(year=period_end.year - 1)


def crosses_break(strategy: Strategy, indicator_id: str, start: dt.date, end: dt.date) -> str | None:
    """The name of a series break of the indicator dated after `start` and on or before `end`, if any."""
    for brk in strategy.breaks_for(indicator_id):
        if start < brk.date <= end:
            return brk.name
    return None


def break_note(strategy: Strategy, indicator_id: str, start: dt.date, end: dt.date) -> str:
    """Why a change across a series break is not computed: ``sarjakatko 1.1.2023 (sote-uudistus): muutosta ei
    lasketa``. The break's name stands mid-sentence, so a capital that only starts it goes lower case
    (``Sote-uudistus`` → ``sote-uudistus``; an acronym such as ``THL`` stays)."""
    brk = next(b for b in strategy.breaks_for(indicator_id) if start < b.date <= end)
    name = brk.name
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        name = name[0].lower() + name[1:]
    return f"sarjakatko {fi.date(brk.date)} ({name}): muutosta ei lasketa"


def indicator_changes(strategy: Strategy, observations: pd.DataFrame, period_end: dt.date) -> pd.DataFrame:
    """Each indicator's value at `period_end` and its changes against three reference points.

    A change is left empty, with a Finnish note, when the two values are not comparable: a series break
    lies between them (the 1.1.2023 sote reform, say); or the indicator is a ``flow`` and one value is a
    January–June total while the other is a whole year (30.6. against 31.12. or against the baseline).

    Returns
    -------
    pandas.DataFrame
        ``indicator_id``, ``value``, ``previous`` / ``year_ago`` / ``baseline`` (values), ``change_previous``,
        ``change_year_ago``, ``change_baseline`` (differences), the same as ``pct_*`` (% of the reference),
        ``note_previous``, ``note_year_ago``, ``note_baseline`` (why that change is missing: each shown change
        carries only its own comparison's note) and ``note`` (all of them, joined).
    """
    values = observations.dropna(subset=["value"]).drop_duplicates(["indicator_id", "period_end"])
    values = values.set_index(["indicator_id", "period_end"]).value
    baseline_end = strategy.baseline_period_end
    refs = {"previous": previous_period_end(period_end), "year_ago": year_earlier(period_end), "baseline": baseline_end}
    rows = []
    for ind in strategy.indicators:
        now = values.get((ind.id, pd.Timestamp(period_end)))
        row = {"indicator_id": ind.id, "value": now}
        notes: dict[str, str] = {}
        for name, ref in refs.items():
            before = values.get((ind.id, pd.Timestamp(ref))) if ref < period_end else None
            if name == "baseline" and before is None and ref < period_end:
                before = ind.baseline
            row[name] = before
            change = pct = None
            if now is not None and before is not None:
                brk = crosses_break(strategy, ind.id, ref, period_end)
                if brk:
                    notes[name] = break_note(strategy, ind.id, ref, period_end)
                elif ind.kind == "flow" and ref.month != period_end.month:
                    notes[name] = (
                        f"ei laskettu: kertymää 1.1.–{fi.date(period_end)} ei verrata koko vuoden {ref.year} lukuun"
                        if fi.is_half_year(period_end)
                        else f"ei laskettu: koko vuoden kertymää (1–12) ei verrata kertymään 1.1.–{fi.date(ref)}"
                    )
                else:
                    change = now - before
                    pct = change / abs(before) * 100 if before else None
            row[f"change_{name}"] = change
            row[f"pct_{name}"] = pct
        for name in refs:
            row[f"note_{name}"] = notes.get(name, "")
        row["note"] = "; ".join(dict.fromkeys(notes.values()))
        rows.append(row)
    columns = [
        "value",
        "previous",
        "year_ago",
        "baseline",
        "change_previous",
        "change_year_ago",
        "change_baseline",
        "pct_previous",
        "pct_year_ago",
        "pct_baseline",
    ]
    return pd.DataFrame(rows).astype({c: "float64" for c in columns})


def series(
    strategy: Strategy,
    observations: pd.DataFrame,
    indicator_id: str,
    until: dt.date | None = None,
    rules: StatusRules | None = None,
) -> pd.DataFrame:
    """One indicator over the period ends, with its target of each year and whether a break precedes the point.

    `until` is the period end a report describes: later values are left out, so a rerun of 30.6.2022 shows
    what was known then even when the data already holds 2023.

    Returns
    -------
    pandas.DataFrame
        ``period_end``, ``value``, ``is_example``, ``target`` (the year's target; for a band its middle),
        ``target_low``, ``target_high``, ``after_break`` (the first point after a series break), and the target
        the status `rules` compare each value with (:func:`kpi.measures.status.effective_target`):
        ``compared_target`` (a band's middle), ``compared_low``, ``compared_high`` and ``halved`` (half the
        year's target, for a January–June total).
    """
    rules = rules or StatusRules()
    ind = strategy.indicator(indicator_id)
    obs = observations[observations.indicator_id == indicator_id].sort_values("period_end")
    if until is not None:
        obs = obs[obs.period_end <= pd.Timestamp(until)]
    rows = []
    previous = None
    for r in obs.itertuples():
        day = r.period_end.date()
        t = ind.target_for(day.year)
        low, high = t if isinstance(t, tuple) else (None, None)
        c = effective_target(ind, day, rules)
        c_low, c_high = c if isinstance(c, tuple) else (None, None)
        rows.append(
            {
                "period_end": r.period_end,
                "value": r.value,
                "is_example": bool(r.is_example),
                "target": (low + high) / 2 if low is not None and high is not None else t,
                "target_low": low,
                "target_high": high,
                "after_break": previous is not None
                and crosses_break(strategy, indicator_id, previous, day) is not None,
                "compared_target": (c_low + c_high) / 2 if c_low is not None and c_high is not None else c,
                "compared_low": c_low,
                "compared_high": c_high,
                "halved": c is not None and c != t,
            }
        )
        previous = day
    floats = ["target", "target_low", "target_high", "compared_target", "compared_low", "compared_high"]
    return pd.DataFrame(
        rows,
        columns=[
            "period_end",
            "value",
            "is_example",
            "target",
            "target_low",
            "target_high",
            "after_break",
            "compared_target",
            "compared_low",
            "compared_high",
            "halved",
        ],
    ).astype(dict.fromkeys(floats, "float64"))
