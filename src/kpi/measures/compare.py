"""What changed: between two runs (versions) of one period, and between two period ends, in Finnish sentences."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from kpi import fi
from kpi.inputs.strategy import Strategy

# Better is higher; "ei arvioitavissa" has no place on the scale (a change to or from it is not a trend).
RANK = {"toteutunut": 2, "osittain toteutunut": 1, "ei toteutunut": 0}
COLUMNS = ["kind", "subject", "before", "after", "text"]
COMMENTARY = "report.commentary"


def flatten(params: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"status": {"tolerance_pct": 5}}`` → ``{"status.tolerance_pct": 5}`` (lists and scalars are leaves)."""
    flat: dict[str, Any] = {}
    for key, value in params.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def _value(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return {True: "kyllä", False: "ei", None: "ei asetettu"}[v]
    if isinstance(v, int | float):
        return fi.number(v, 0 if float(v).is_integer() else 2)
    if isinstance(v, list):
        return ", ".join(map(str, v)) or "tyhjä"
    return str(v) or "tyhjä"


def _arrow(before: Any, after: Any, unit: str = "") -> str:
    unit = f"{fi.NBSP}{unit}" if unit else ""
    return f"{_value(before)}{unit} → {_value(after)}{unit}"


#: The parameters that move statuses, named for a reader of the report (the key in brackets), with their unit.
PARAMS_FI = {
    "status.tolerance_pct": ("osittaisen toteutumisen raja", "%"),
    "status.flow_at_30_6": ("kertymän vertailu 30.6.", ""),
    "status.example_values": ("esimerkkiarvojen käsittely", ""),
    "status.measure_rule": ("mittarin tilan sääntö", ""),
    "status.goal_full_score": ("toteutuneen tavoitteen pisteraja", ""),
    "status.goal_partial_score": ("osittain toteutuneen tavoitteen pisteraja", ""),
    "status.goal_min_assessable": ("arvioitavien mittareiden vähimmäisosuus", ""),
    "finance.overrun_threshold_pct": ("talousarviopoikkeaman raja", "%-yks."),
    "finance.expected_share_30_6": ("odotettu toteutumisaste 30.6.", "%"),
}


def _param_change(key: str, before: Any, after: Any) -> str:
    """``osittaisen toteutumisen raja (status.tolerance_pct) muuttui (5 % → 10 %)``; ``parametri x muuttui (…)``."""
    name, unit = PARAMS_FI.get(key, (None, ""))
    if name is None and key.startswith("status.milestones."):
        name = f"virstanpylvään tilan ”{key.removeprefix('status.milestones.')}” arvio"
    said = f"{name} ({key})" if name else f"parametri {key}"
    return f"{said} muuttui ({_arrow(before, after, unit)})"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]


def _joined(parts: list[str], limit: int = 4) -> str:
    """At most `limit` reasons and how many more, joined the Finnish way."""
    shown = parts[:limit] + ([f"{len(parts) - limit} muuta"] if len(parts) > limit else [])
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " ja " + shown[-1]


def version_changes(old: dict[str, Any], new: dict[str, Any], strategy: Strategy) -> pd.DataFrame:
    """Differences between two manifests of the same period: goals, measures, indicators, values, parameters,
    commentary and input files; each status change says why (the values, parameters or parts that moved).

    Parameters
    ----------
    old, new : dict
        ``manifest.json`` of the earlier and the later run (``params``, ``input_files``, ``results``).
    strategy : Strategy
        For the names and units.

    Returns
    -------
    pandas.DataFrame
        ``kind`` (tavoite, mittari, indikaattori, arvo, parametri, kommentti, syötetiedosto), ``subject``,
        ``before``, ``after``, ``text``; goals first. Empty when nothing differs.
    """
    # as JSON sees them: a manifest read back has dates as text, a fresh one has datetime.date
    po, pn = (flatten(json.loads(json.dumps(m.get("params", {}), default=str))) for m in (old, new))
    params = [
        (k, po.get(k), pn.get(k)) for k in sorted(set(po) | set(pn)) if po.get(k) != pn.get(k) and k != COMMENTARY
    ]
    # Status rules and finance thresholds move statuses; the title or the period itself do not explain them.
    rule_params = [_param_change(k, a, b) for k, a, b in params if k.startswith(("status.", "finance."))]
    ro, rn = old.get("results", {}), new.get("results", {})
    indicators = {i.id: i for i in strategy.indicators}
    measure_names = {m.id: m.name for m in strategy.measures}
    goal_names = {g.id: g.name for g in strategy.goals}

    value_rows: list[tuple] = []
    indicator_rows: list[tuple] = []
    moved_indicators: dict[str, Any] = {}
    for iid in sorted(set(ro.get("indicators", {})) | set(rn.get("indicators", {}))):
        a, b = ro.get("indicators", {}).get(iid, {}), rn.get("indicators", {}).get(iid, {})
        ind = indicators.get(iid)
        name, unit = (ind.name, ind.unit) if ind else (iid, "")
        value_changed = a.get("value") != b.get("value")
        if value_changed:
            value_rows.append(
                (
                    "arvo",
                    iid,
                    a.get("value"),
                    b.get("value"),
                    f"Indikaattori ”{name}”: arvo {fi.with_unit(a.get('value'), unit)} → {fi.with_unit(b.get('value'), unit)}.",
                )
            )
        if a.get("status") != b.get("status"):
            because = (
                [f"arvo muuttui {fi.with_unit(a.get('value'), unit)} → {fi.with_unit(b.get('value'), unit)}"]
                if value_changed
                else rule_params
            ) or ["tavoite tai sääntö muuttui"]
            indicator_rows.append(
                (
                    "indikaattori",
                    iid,
                    a.get("status"),
                    b.get("status"),
                    f"Indikaattori ”{name}”: {_arrow(a.get('status'), b.get('status'))}, koska {_joined(because)}.",
                )
            )
            if ind:
                # the name in quotes, so a nominative name stays readable inside the genitive phrase
                moved_indicators.setdefault(ind.measure_id, []).append(
                    f"indikaattorin ”{name}” tila muuttui ({_arrow(a.get('status'), b.get('status'))})"
                )

    measure_rows: list[tuple] = []
    moved_measures: dict[str | None, Any] = {}
    goal_of = {m.id: m.goal_id for m in strategy.measures}
    for mid in sorted(set(ro.get("measures", {})) | set(rn.get("measures", {}))):
        a, b = ro.get("measures", {}).get(mid, {}), rn.get("measures", {}).get(mid, {})
        if a.get("status") != b.get("status"):
            because = moved_indicators.get(mid) or rule_params or ["virstanpylväs tai sääntö muuttui"]
            measure_rows.append(
                (
                    "mittari",
                    mid,
                    a.get("status"),
                    b.get("status"),
                    f"Mittari {mid} ”{measure_names.get(mid, '')}”: {_arrow(a.get('status'), b.get('status'))}, "
                    f"koska {_joined(because)}.",
                )
            )
            moved_measures.setdefault(goal_of.get(mid), []).append(
                f"mittarin {mid} tila muuttui ({_arrow(a.get('status'), b.get('status'))})"
            )

    goal_rows = []
    for gid in sorted(set(ro.get("goals", {})) | set(rn.get("goals", {}))):
        a, b = ro.get("goals", {}).get(gid, {}), rn.get("goals", {}).get(gid, {})
        if a.get("status") != b.get("status"):
            because = moved_measures.get(gid) or rule_params or ["pisteytys muuttui"]
            # the root cause too, when the measures moved under changed rules rather than changed values
            root = f"; taustalla {_joined(rule_params)}" if moved_measures.get(gid) and rule_params else ""
            goal_rows.append(
                (
                    "tavoite",
                    gid,
                    a.get("status"),
                    b.get("status"),
                    f"Tavoite {gid} ”{goal_names.get(gid, '')}”: {_arrow(a.get('status'), b.get('status'))}, "
                    f"koska {_joined(because)}{root}.",
                )
            )

    rows = goal_rows + measure_rows + indicator_rows + value_rows
    rows += [("parametri", k, a, b, _capital(_param_change(k, a, b)) + ".") for k, a, b in params]
    # no commentary, an empty one and one never saved (an older manifest, a null) are the same: none
    was, now = (str(p.get(COMMENTARY) or "").strip() for p in (po, pn))
    if was != now:
        what = "lisättiin" if not was else "poistettiin" if not now else "muuttui"
        rows.append(("kommentti", COMMENTARY, was, now, f"Analyytikon kommentti {what}."))
    fo, fn = old.get("input_files", {}), new.get("input_files", {})
    for name in sorted(set(fo) | set(fn)):
        if fo.get(name) != fn.get(name):
            what = (
                "lisättiin"
                if name not in fo
                else "poistettiin"
                if name not in fn
                else f"muuttui (sha256 {fo[name][:8]} → {fn[name][:8]})"
            )
            rows.append(("syötetiedosto", name, fo.get(name), fn.get(name), f"Syötetiedosto {name} {what}."))
    return pd.DataFrame(rows, columns=COLUMNS)


def period_changes(
    now: pd.DataFrame, before: pd.DataFrame, strategy: Strategy, *, period_end: dt.date, previous_end: dt.date
) -> pd.DataFrame:
    """Goals whose status differs from the previous period end: improved, worsened or not comparable.

    Parameters
    ----------
    now, before : pandas.DataFrame
        :func:`kpi.measures.status.goal_statuses` of this and of the previous period end, with the same rules.

    Returns
    -------
    pandas.DataFrame
        ``goal_id``, ``before``, ``after``, ``direction`` (parani, heikkeni, ei vertailukelpoinen), ``text``.
    """
    names = {g.id: g.name for g in strategy.goals}
    was = dict(zip(before.goal_id, before.status))
    rows = []
    for gid, status in zip(now.goal_id, now.status):
        old = was.get(gid)
        if old is None or old == status:
            continue
        if old in RANK and status in RANK:
            direction = "parani" if RANK[status] > RANK[old] else "heikkeni"
        else:
            direction = "ei vertailukelpoinen"
        rows.append(
            (
                gid,
                old,
                status,
                direction,
                f"Tavoite {gid} ”{names.get(gid, '')}”: {old} ({fi.period_label(previous_end)}) → {status} "
                f"({fi.period_label(period_end)}): {direction}.",
            )
        )
    return pd.DataFrame(rows, columns=["goal_id", "before", "after", "direction", "text"])
