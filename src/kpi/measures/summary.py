"""The facts a report opens with ("Tiivistelmä"): status counts, the biggest movers, the budget, what cannot be assessed.

Each function returns a small frozen dataclass of plain values; :meth:`as_dict` hands them to
:mod:`kpi.present.summary`, which writes the sentences (present may not import measures).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kpi.fi import EI_ARVIOITAVISSA, STATUSES
from kpi.inputs.datasets import Inputs
from kpi.inputs.gate.result import GateResult
from kpi.measures.changes import previous_period_end
from kpi.measures.comparison import CITY, PEER, Comparison
from kpi.measures.period import PeriodFigures, statuses
from kpi.measures.status import SCORES


class _Plain:
    def as_dict(self) -> dict[str, Any]:
        """The facts as plain values (dates, numbers, texts, lists and dicts of them) for kpi.present.summary."""
        return dataclasses.asdict(self)  # type: ignore[call-overload]


@dataclass(frozen=True)
class ReportSummary(_Plain):
    """The opening facts of a follow-up report (a pillar's or the whole programme's) at one period end.

    Attributes
    ----------
    period_end, previous_end : datetime.date
        The period and the one before it (the movers are measured against that).
    goals : int
        How many goals the report covers.
    counts : dict
        Goals per status of the data-driven assessment, every status of :data:`kpi.fi.STATUSES` in that order.
    goal_moves : list of dict
        Goals whose status changed since `previous_end`, the largest score change first (at most `limit`):
        ``id``, ``name``, ``before``, ``after`` (statuses), ``change`` (score difference, None when either
        side was not assessable).
    indicator_moves : list of dict
        Indicators whose value changed most against `previous_end` in per cent of the earlier value (at most
        `limit`, only comparable pairs: no series break, no half-year total against a whole year): ``id``,
        ``name``, ``unit``, ``before``, ``after``, ``pct``.
    budget : dict
        The whole city's operating costs: ``actual``, ``budget`` (€), ``realised_pct`` and ``expected_pct``
        (the share of the year's budget expected by the period end, ``finance.expected_share_30_6`` at 30.6.).
    not_assessable : dict
        Indicators and milestone measures of the report that cannot be assessed, counted by reason (the
        Finnish reason of :mod:`kpi.measures.status`), the most common first.
    not_assessable_goals : int
        Goals that cannot be assessed (too few assessable measures).
    """

    period_end: dt.date
    previous_end: dt.date
    goals: int
    counts: dict[str, int]
    goal_moves: list[dict[str, Any]] = field(default_factory=list)
    indicator_moves: list[dict[str, Any]] = field(default_factory=list)
    budget: dict[str, float] = field(default_factory=dict)
    not_assessable: dict[str, int] = field(default_factory=dict)
    not_assessable_goals: int = 0


def report_summary(
    inputs: Inputs, figures: PeriodFigures, *, pillar: str | None = None, limit: int = 3
) -> ReportSummary:
    """The opening facts of a report at ``figures.period_end``: of every goal, or of one pillar's.

    Parameters
    ----------
    inputs : Inputs
        The checked inputs the figures were computed from (the previous period's statuses are computed
        from them with the same rules).
    figures : PeriodFigures
        :func:`kpi.measures.period.compute` of the period.
    pillar : str, optional
        A pillar id: only its goals, indicators and milestones count. The budget is always the whole city's
        (the budget follows responsibility areas, not pillars).
    limit : int
        At most this many goals and indicators are named as movers.

    Returns
    -------
    ReportSummary
    """
    strategy = inputs.strategy
    period = figures.period_end
    previous = previous_period_end(period)
    goals = figures.goals if pillar is None else figures.goals[figures.goals.pillar_id == pillar]
    goal_ids = set(goals.goal_id)
    counts = goals.status.value_counts()

    before = statuses(inputs, previous, figures.rules)[3].set_index("goal_id")
    names = {g.id: g.name for g in strategy.goals}
    goal_moves = []
    for r in goals.itertuples():
        old = before.status.get(r.goal_id)
        if old is None or old == r.status:
            continue
        # an assessable status always has a score; "ei arvioitavissa" has none, so its move has no size
        change = float(r.score - before.score[r.goal_id]) if r.status in SCORES and old in SCORES else None
        goal_moves.append(
            {"id": r.goal_id, "name": names[r.goal_id], "before": old, "after": r.status, "change": change}
        )
    # the largest move first; a move from or to "ei arvioitavissa" has no size and comes last
    goal_moves.sort(key=lambda m: -abs(m["change"]) if m["change"] is not None else 1.0)

    mine = {i.id: i for i in strategy.indicators if strategy.measure(i.measure_id).goal_id in goal_ids}
    moved = figures.changes[figures.changes.indicator_id.isin(mine) & figures.changes.pct_previous.notna()]
    moved = moved.reindex(moved.pct_previous.abs().sort_values(ascending=False, kind="stable").index)
    indicator_moves = [
        {
            "id": r.indicator_id,
            "name": mine[r.indicator_id].name,
            "unit": mine[r.indicator_id].unit,
            "before": float(r.previous),
            "after": float(r.value),
            "pct": float(r.pct_previous),
        }
        for r in moved.head(limit).itertuples()
        if r.pct_previous != 0
    ]

    totals = figures.totals
    actual, budget = float(totals.costs_actual.sum()), float(totals.costs_budget.sum())
    costs = {
        "actual": actual,
        "budget": budget,
        "realised_pct": actual / budget * 100 if budget else float("nan"),
        "expected_pct": float(totals.expected_pct.iloc[0]) if len(totals) else float("nan"),
    }

    measure_ids = {m.id for m in strategy.measures if m.goal_id in goal_ids}
    unassessed = pd.concat(
        [
            figures.indicators[figures.indicators.measure_id.isin(measure_ids)][["status", "reason"]],
            figures.milestones[figures.milestones.measure_id.isin(measure_ids)][["status", "reason"]],
        ]
    )
    unassessed = unassessed[unassessed.status == EI_ARVIOITAVISSA]
    by_reason = unassessed.reason.value_counts(sort=True)
    return ReportSummary(
        period_end=period,
        previous_end=previous,
        goals=len(goals),
        counts={s: int(counts.get(s, 0)) for s in STATUSES},
        goal_moves=goal_moves[:limit],
        indicator_moves=indicator_moves,
        budget=costs,
        not_assessable={str(k): int(v) for k, v in by_reason.items()},
        not_assessable_goals=int(counts.get(EI_ARVIOITAVISSA, 0)),
    )


@dataclass(frozen=True)
class ComparisonSummary(_Plain):
    """The opening facts of the peer comparison.

    Attributes
    ----------
    city : str
        The city's name.
    peers : int
        How many peer municipalities.
    population : dict
        The city's population change: ``first``, ``last`` (years), ``change_pct``, and ``peers_median_pct``
        (None without peers); empty without population figures.
    above, below, same : list of str
        The key figures (Finnish names) where the city's value is above, below or equal to the peers' median.
    missing : list of str
        Key figures without the city's value or a peers' median: they cannot be compared.
    unemployment : dict
        The latest year's ``year``, ``rate`` and peers' ``median`` (None without one); empty without figures.
    findings : int
        How many sentences the comparison offers for the evaluation report.
    """

    city: str
    peers: int
    population: dict[str, Any]
    above: list[str]
    below: list[str]
    same: list[str]
    missing: list[str]
    unemployment: dict[str, Any]
    findings: int


def comparison_summary(compared: Comparison) -> ComparisonSummary:
    """The opening facts of workbook 05_vertailu from :func:`kpi.measures.comparison.compare`.

    A key figure counts as equal when the difference rounds to zero at the figure's published decimals, as
    the findings say "oli sama kuin".
    """
    from kpi.fi import rounded

    s = compared.index.summary
    population: dict[str, Any] = {}
    own = s[s.role == CITY] if len(s) else s
    if len(own):
        c = own.iloc[0]
        peers = s[s.role == PEER]
        population = {
            "first": int(c["first"]),
            "last": int(c["last"]),
            "change_pct": float(c.change_pct),
            "peers_median_pct": float(peers.change_pct.median()) if len(peers) else None,
        }
    above: list[str] = []
    below: list[str] = []
    same: list[str] = []
    missing: list[str] = []
    for r in compared.key.summary.itertuples() if len(compared.key.summary) else ():
        if pd.isna(r.city) or pd.isna(r.median):
            missing.append(r.indicator_name)
        elif rounded(r.difference, int(r.decimals)) == 0:
            same.append(r.indicator_name)
        else:
            (above if r.difference > 0 else below).append(r.indicator_name)
    rates = compared.rates
    mine = rates[rates.role == CITY] if len(rates) else rates
    unemployment: dict[str, Any] = {}
    if len(mine):
        last = mine.iloc[-1]
        unemployment = {
            "year": int(last.year),
            "rate": float(last.rate),
            "median": None if pd.isna(last["median"]) else float(last["median"]),
        }
    return ComparisonSummary(
        city=compared.city_name,
        peers=len(compared.peers),
        population=population,
        above=above,
        below=below,
        same=same,
        missing=missing,
        unemployment=unemployment,
        findings=len(compared.findings),
    )


@dataclass(frozen=True)
class QualitySummary(_Plain):
    """The opening facts of workbook 00_tietojen_laatu: the gate's verdict and the example values.

    Attributes
    ----------
    period_end : datetime.date
    checks, passed_checks : int
        Checks run, and how many of them passed.
    hard, soft : int
        Failed hard checks (they stop the run) and soft findings (flagged in the reports).
    hard_files : list of str
        The files with a failed hard check.
    readable : bool
        Every file could be read and typed (else the counts below are unknown and 0).
    example_values : int | None
        The period's rows marked as example values, in every input file (None when the files could not be read).
    example_indicator_values, values, indicators, no_data : int
        The period's indicator values that are example values, all its indicator values, the strategy's
        indicators, and indicator rows marked as missing (no data).
    """

    period_end: dt.date
    checks: int
    passed_checks: int
    hard: int
    soft: int
    hard_files: list[str]
    readable: bool
    example_values: int | None
    example_indicator_values: int
    values: int
    indicators: int
    no_data: int


def quality_summary(result: GateResult, *, coverage: dict[str, int] | None, example_rows: int | None) -> QualitySummary:
    """The opening facts of the quality report.

    Parameters
    ----------
    result : GateResult
        The gate's result for the period.
    coverage : dict, optional
        :func:`kpi.inputs.quality.period_coverage` of the period (None when the files could not be read).
    example_rows : int, optional
        The number of rows :func:`kpi.inputs.quality.example_values` lists (None when unreadable).
    """
    coverage = coverage or {}
    return QualitySummary(
        period_end=result.period_end,
        checks=len(result.findings),
        passed_checks=sum(f.passed for f in result.findings),
        hard=len(result.hard_failures),
        soft=len(result.soft_findings),
        hard_files=sorted({f.check.file for f in result.hard_failures}),
        readable=result.inputs is not None,
        example_values=example_rows,
        example_indicator_values=int(coverage.get("example_values", 0)),
        values=int(coverage.get("values", 0)),
        indicators=int(coverage.get("indicators", 0)),
        no_data=int(coverage.get("no_data", 0)),
    )
