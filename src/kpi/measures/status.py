"""Status rules: indicator values against targets, milestones, measures and goals, and the rules as Finnish sentences."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import pandas as pd

from kpi.errors import ParameterError
from kpi.fi import EI_ARVIOITAVISSA, EI_TOTEUTUNUT, OSITTAIN, STATUSES, TOTEUTUNUT, is_half_year
from kpi.inputs.strategy import Indicator, Strategy

#: Scores of the assessable statuses; a goal's score is the mean over its assessable measures.
SCORES = {TOTEUTUNUT: 1.0, OSITTAIN: 0.5, EI_TOTEUTUNUT: 0.0}


@dataclass(frozen=True)
class StatusRules:
    """The parameters of the status rules (``params: status``); see ``params/default.yaml`` for each."""

    tolerance_pct: float = 5.0
    flow_at_30_6: str = "prorate"
    example_values: str = "assess"
    measure_rule: str = "worst"
    goal_full_score: float = 0.8
    goal_partial_score: float = 0.4
    goal_min_assessable: float = 0.5
    milestones: Mapping[str, str] = field(
        default_factory=lambda: {"valmis": TOTEUTUNUT, "käynnissä": OSITTAIN, "ei aloitettu": EI_TOTEUTUNUT}
    )

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> StatusRules:
        """Build the rules from the merged parameters' ``status`` section, refusing values that make no sense."""
        s = dict(params.get("status", params))
        rules = cls(**{k: v for k, v in s.items() if k in cls.__dataclass_fields__})
        problems = []
        if rules.tolerance_pct < 0:
            problems.append("status.tolerance_pct must be 0 or more")
        if rules.flow_at_30_6 not in ("prorate", "full_year"):
            problems.append("status.flow_at_30_6 must be prorate or full_year")
        if rules.example_values not in ("assess", "not_assessable"):
            problems.append("status.example_values must be assess or not_assessable")
        if rules.measure_rule not in ("worst", "mean"):
            problems.append("status.measure_rule must be worst or mean")
        if not 0 <= rules.goal_partial_score <= rules.goal_full_score <= 1:
            problems.append("status: 0 ≤ goal_partial_score ≤ goal_full_score ≤ 1 is required")
        if not 0 <= rules.goal_min_assessable <= 1:
            problems.append("status.goal_min_assessable must be between 0 and 1")
        if set(rules.milestones.values()) - set(STATUSES):
            problems.append(f"status.milestones: the statuses must be among {', '.join(STATUSES)}")
        if problems:
            raise ParameterError("; ".join(problems))
        return rules


def status_from_score(score: float, rules: StatusRules) -> str:
    """Map a mean score (0…1) to a status with the goal thresholds."""
    if score >= rules.goal_full_score:
        return TOTEUTUNUT
    if score >= rules.goal_partial_score:
        return OSITTAIN
    return EI_TOTEUTUNUT


def effective_target(
    indicator: Indicator, period_end: dt.date, rules: StatusRules
) -> float | tuple[float, float] | None:
    """The target a value of `period_end` is compared with.

    The year's target as such, except for a ``flow`` indicator at 30.6. under ``flow_at_30_6: prorate``: its
    value is January–June, so half the year's target (a band is halved at both ends).
    """
    target = indicator.target_for(period_end.year)
    if target is None:
        return None
    if indicator.kind == "flow" and is_half_year(period_end) and rules.flow_at_30_6 == "prorate":
        return (target[0] / 2, target[1] / 2) if isinstance(target, tuple) else target / 2
    return target


def compare(value: float, target: float | tuple[float, float], direction: str, tolerance_pct: float) -> tuple[str, str]:
    """Status of one value against one target, with the reason in Finnish.

    Parameters
    ----------
    value : float
    target : float or (low, high)
    direction : {"higher_better", "lower_better", "target_band"}
    tolerance_pct : float
        The width of "osittain toteutunut" beyond the target, in % of the target (of the nearer limit for
        a band). A target of zero has no relative width: there only the target itself counts.

    Returns
    -------
    (status, reason)
    """
    tol = tolerance_pct / 100
    if direction == "target_band":
        low, high = cast(tuple[float, float], target)
        if low <= value <= high:
            return TOTEUTUNUT, "tavoitevälillä"
        if low * (1 - tol) <= value <= high * (1 + tol):
            return OSITTAIN, f"enintään {tolerance_pct:g} % tavoitevälin ulkopuolella"
        return EI_TOTEUTUNUT, f"yli {tolerance_pct:g} % tavoitevälin ulkopuolella"
    target = cast(float, target)  # one number for every direction but a band
    margin = abs(target) * tol
    if direction == "higher_better":
        if value >= target:
            return TOTEUTUNUT, "tavoite saavutettu"
        if target != 0 and value >= target - margin:
            return OSITTAIN, f"enintään {tolerance_pct:g} % alle tavoitteen"
        return EI_TOTEUTUNUT, ("alle nollatavoitteen" if target == 0 else f"yli {tolerance_pct:g} % alle tavoitteen")
    if direction == "lower_better":
        if value <= target:
            return TOTEUTUNUT, "tavoite saavutettu (enintään tavoitetaso)"
        if target != 0 and value <= target + margin:
            return OSITTAIN, f"enintään {tolerance_pct:g} % yli tavoitteen"
        return EI_TOTEUTUNUT, ("yli nollatavoitteen" if target == 0 else f"yli {tolerance_pct:g} % yli tavoitteen")
    raise ValueError(f"unknown direction {direction!r}")


def indicator_statuses(
    strategy: Strategy, observations: pd.DataFrame, period_end: dt.date, *, rules: StatusRules
) -> pd.DataFrame:
    """The status of every indicator of the strategy at `period_end`.

    Parameters
    ----------
    strategy : Strategy
    observations : pandas.DataFrame
        The typed ``havainnot.csv`` (``indicator_id``, ``period_end``, ``value``, ``is_example``, ``no_data``).
    period_end : datetime.date
    rules : StatusRules

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``indicator_id``, ``measure_id``, ``value``, ``target`` (number, or None
        for a band), ``target_low``, ``target_high``, ``target_is_example``, ``is_example``, ``status``,
        ``reason`` (Finnish). Outcomes: no value → "ei arvioitavissa" (ei arvoa kaudelta); no target for
        the year (the baseline, or a measure started later) → "ei arvioitavissa"; an example value is
        assessed and marked, or "ei arvioitavissa" under ``example_values: not_assessable``.
    """
    stamp = pd.Timestamp(period_end)
    now = observations[observations.period_end == stamp].drop_duplicates("indicator_id").set_index("indicator_id")
    rows = []
    for ind in strategy.indicators:
        value = now.value.get(ind.id) if ind.id in now.index else None
        value = None if value is None or pd.isna(value) else float(value)
        is_example = bool(now.is_example.get(ind.id, False)) if value is not None else False
        target = effective_target(ind, period_end, rules)
        low, high = target if isinstance(target, tuple) else (None, None)
        row = {
            "indicator_id": ind.id,
            "measure_id": ind.measure_id,
            "value": value,
            "target": None if isinstance(target, tuple) else target,
            "target_low": low,
            "target_high": high,
            "target_is_example": ind.target_is_example(period_end.year),
            "is_example": is_example,
        }
        if value is None:
            status, reason = EI_ARVIOITAVISSA, "ei arvoa kaudelta"
        elif target is None:
            status, reason = EI_ARVIOITAVISSA, f"vuodelle {period_end.year} ei ole tavoitetta"
        elif is_example and rules.example_values == "not_assessable":
            status, reason = EI_ARVIOITAVISSA, "arvo on esimerkkiarvo"
        else:
            status, reason = compare(value, target, ind.direction, rules.tolerance_pct)
            if ind.kind == "flow" and is_half_year(period_end) and rules.flow_at_30_6 == "prorate":
                reason += " (puolet vuoden tavoitteesta)"
        rows.append({**row, "status": status, "reason": reason})
    return pd.DataFrame(rows).astype(
        {"value": "float64", "target": "float64", "target_low": "float64", "target_high": "float64"}
    )


def milestone_statuses(
    strategy: Strategy, milestones: pd.DataFrame, period_end: dt.date, *, rules: StatusRules
) -> pd.DataFrame:
    """The status of every milestone measure at `period_end`, from its state (valmis / käynnissä / ei aloitettu).

    Returns
    -------
    pandas.DataFrame
        ``measure_id``, ``state``, ``due``, ``late`` (not done after the due date), ``evidence``,
        ``is_example``, ``status``, ``reason``. No row for the period → "ei arvioitavissa".
    """
    now = (
        milestones[milestones.period_end == pd.Timestamp(period_end)]
        .drop_duplicates("measure_id")
        .set_index("measure_id")
    )
    rows = []
    for m in strategy.milestones:
        if m.milestone is None:  # strategy.milestones holds only measures that have one
            continue
        due = m.milestone.due
        if m.id not in now.index:
            rows.append(
                {
                    "measure_id": m.id,
                    "state": None,
                    "due": due,
                    "late": False,
                    "evidence": "",
                    "is_example": False,
                    "status": EI_ARVIOITAVISSA,
                    "reason": "ei tilatietoa kaudelta",
                }
            )
            continue
        state = now.status[m.id]
        late = state != "valmis" and period_end >= due
        # the state is in its own column: the reason adds only what it means against the due date
        reason = state + (f"; määräaika ({due.day}.{due.month}.{due.year}) on ylittynyt" if late else "")
        rows.append(
            {
                "measure_id": m.id,
                "state": state,
                "due": due,
                "late": late,
                "evidence": now.evidence[m.id],
                "is_example": bool(now.is_example[m.id]),
                "status": rules.milestones.get(state, EI_ARVIOITAVISSA),
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def measure_statuses(
    strategy: Strategy, indicators: pd.DataFrame, milestones: pd.DataFrame, *, rules: StatusRules
) -> pd.DataFrame:
    """The status of every measure: its milestone's, or its indicators' by ``measure_rule``.

    ``worst`` takes the weakest assessable indicator; ``mean`` maps the mean score of the assessable ones
    with the goal thresholds. A measure none of whose indicators is assessable is "ei arvioitavissa".

    Returns
    -------
    pandas.DataFrame
        ``goal_id``, ``measure_id``, ``status``, ``assessable`` (count), ``indicators`` (count), ``reason``.
    """
    by_measure = indicators.groupby("measure_id").status.apply(list).to_dict()
    ms = milestones.set_index("measure_id")
    rows = []
    for m in strategy.measures:
        if m.is_milestone:
            status, reason, n, k = ms.status[m.id], ms.reason[m.id], 1, int(ms.status[m.id] != EI_ARVIOITAVISSA)
        else:
            statuses = by_measure.get(m.id, [])
            assessable = [s for s in statuses if s != EI_ARVIOITAVISSA]
            n, k = len(statuses), len(assessable)
            if not assessable:
                status, reason = EI_ARVIOITAVISSA, "yhtäkään sen indikaattoria ei voi arvioida"
            elif rules.measure_rule == "worst":
                status = min(assessable, key=lambda s: SCORES[s])
                reason = f"heikoin {k}/{n} arvioitavasta indikaattorista"
            else:
                score = sum(SCORES[s] for s in assessable) / k
                status = status_from_score(score, rules)
                reason = f"{k}/{n} indikaattorin pistekeskiarvo {score:.2f}".replace(".", ",")
        rows.append(
            {
                "goal_id": m.goal_id,
                "measure_id": m.id,
                "status": status,
                "assessable": k,
                "indicators": n,
                "reason": reason,
            }
        )
    return pd.DataFrame(rows)


def goal_statuses(strategy: Strategy, measures: pd.DataFrame, *, rules: StatusRules) -> pd.DataFrame:
    """The data-driven status of every goal from its measures' statuses.

    Score: toteutunut 1, osittain 0,5, ei toteutunut 0, averaged over the assessable measures. A goal with
    fewer than ``goal_min_assessable`` of its measures assessable is "ei arvioitavissa".

    Returns
    -------
    pandas.DataFrame
        ``pillar_id``, ``goal_id``, ``status``, ``score``, ``assessable``, ``measures`` and one count
        column per status, and ``reason`` (a Finnish sentence).
    """
    rows = []
    for g in strategy.goals:
        mine = measures[measures.goal_id == g.id]
        counts = mine.status.value_counts()
        assessable = mine[mine.status != EI_ARVIOITAVISSA]
        n, k = len(mine), len(assessable)
        score = assessable.status.map(SCORES).mean() if k else float("nan")
        if n == 0 or k / n < rules.goal_min_assessable:
            status = EI_ARVIOITAVISSA
            reason = f"vain {k}/{n} mittaria arvioitavissa (vähintään {rules.goal_min_assessable:.0%} tarvitaan)"
        else:
            status = status_from_score(score, rules)
            reason = f"{k}/{n} mittaria arvioitavissa, pistekeskiarvo {score:.2f}"
        rows.append(
            {
                "pillar_id": g.pillar_id,
                "goal_id": g.id,
                "status": status,
                "score": score,
                "assessable": k,
                "measures": n,
                **{s: int(counts.get(s, 0)) for s in STATUSES},
                "reason": reason.replace(".", ",").replace("%", " %"),
            }
        )
    return pd.DataFrame(rows)


def rules_fi(rules: StatusRules) -> list[str]:
    """The rules in force as Finnish sentences, so a reader knows why a goal has its status."""
    t = f"{rules.tolerance_pct:g}".replace(".", ",")
    full = f"{rules.goal_full_score:.2f}".replace(".", ",")
    partial = f"{rules.goal_partial_score:.2f}".replace(".", ",")
    ms = "; ".join(f"{k} → {v}" for k, v in rules.milestones.items())
    lines = [
        f"Indikaattori on toteutunut, kun arvo on tavoitteen mukainen (suurempi on parempi: vähintään tavoite; "
        f"pienempi on parempi: enintään tavoite; tavoiteväli: välin sisällä). Osittain toteutunut, kun arvo poikkeaa "
        f"tavoitteesta huonompaan suuntaan enintään {t} % (tavoitevälin tapauksessa lähimmästä rajasta); muuten "
        "ei toteutunut. Jos tavoite on nolla, osittain toteutuneen aluetta ei ole.",
        "Indikaattori ei ole arvioitavissa, jos sille ei ole arvoa kaudelta tai kauden vuodelle ei ole tavoitetta.",
        (
            "Osavuosikatsauksessa (30.6.) kertymänä mitattavaa indikaattoria (kulut, määrät vuodessa) verrataan "
            "puoleen vuoden tavoitteesta ja tasoa mittaavaa (osuus, hinta, määrä tiettynä ajankohtana) koko vuoden "
            "tavoitteeseen."
            if rules.flow_at_30_6 == "prorate"
            else "Osavuosikatsauksessa (30.6.) kaikkia indikaattoreita verrataan koko vuoden tavoitteeseen."
        ),
        (
            "Esimerkkiarvot arvioidaan kuten muutkin, ja ne merkitään."
            if rules.example_values == "assess"
            else "Esimerkkiarvoon perustuva indikaattori ei ole arvioitavissa."
        ),
        f"Virstanpylväät: {ms}.",
        (
            "Usean indikaattorin mittarin tila on sen heikoimman arvioitavan indikaattorin tila. Arvioimaton "
            "indikaattori jätetään pois; mittari ei ole arvioitavissa vain, jos mikään sen indikaattoreista ei ole "
            "arvioitavissa."
            if rules.measure_rule == "worst"
            else "Usean indikaattorin mittarin tila määräytyy arvioitavien indikaattoreiden pistekeskiarvosta."
        ),
        f"Tavoitteen tila lasketaan mittareista: toteutunut 1, osittain 0,5, ei toteutunut 0 pistettä; "
        f"arvioitavien mittareiden keskiarvo vähintään {full} → toteutunut, vähintään {partial} → osittain "
        f"toteutunut, muuten ei toteutunut. Jos mittareista alle {rules.goal_min_assessable:.0%} on arvioitavissa, "
        "tavoite ei ole arvioitavissa.".replace("%", " %"),
        "Sarjakatkon yli ei lasketa muutosta; kunkin vuoden arvoa verrataan saman vuoden tavoitteeseen.",
    ]
    return lines
