"""Everything computed for one period end from the checked inputs: the one place the workbook 04, the exports and the manifest read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from kpi.inputs.datasets import Inputs
from kpi.inputs.quality import period_coverage
from kpi.measures import adjustment, changes, finance
from kpi.measures import status as st
from kpi.measures.assessment import three_way
from kpi.measures.findings import evaluation_findings
from kpi.measures.privacy import Suppressed, staff_by_unit


@dataclass(frozen=True)
class PeriodFigures:
    """The computed frames of one period end (see the function that makes each)."""

    period_end: dt.date
    rules: st.StatusRules
    indicators: pd.DataFrame  # status.indicator_statuses
    milestones: pd.DataFrame  # status.milestone_statuses
    measures: pd.DataFrame  # status.measure_statuses
    goals: pd.DataFrame  # status.goal_statuses
    assessment: pd.DataFrame  # assessment.three_way
    changes: pd.DataFrame  # changes.indicator_changes
    follow_up: pd.DataFrame  # finance.budget_follow_up
    totals: pd.DataFrame  # finance.area_totals
    targets: dict[str, Any]  # adjustment.programme_targets
    progress: dict[str, Any]  # adjustment.adjustment_progress
    findings: pd.DataFrame  # findings.evaluation_findings
    coverage: dict[str, int]  # inputs.quality.period_coverage
    staff: Suppressed  # privacy.staff_by_unit, small counts hidden by params privacy.min_count


def statuses(inputs: Inputs, period_end: dt.date, rules: st.StatusRules) -> tuple[pd.DataFrame, ...]:
    """Indicator, milestone, measure and goal statuses of one period end."""
    s = inputs.strategy
    indicators = st.indicator_statuses(s, inputs["observations"], period_end, rules=rules)
    milestones = st.milestone_statuses(s, inputs["milestones"], period_end, rules=rules)
    measures = st.measure_statuses(s, indicators, milestones, rules=rules)
    return indicators, milestones, measures, st.goal_statuses(s, measures, rules=rules)


def compute(inputs: Inputs, period_end: dt.date, params: dict[str, Any]) -> PeriodFigures:
    """Statuses, assessment, changes, budget follow-up, adjustment programme and findings of one period end.

    Parameters
    ----------
    inputs : Inputs
        The checked inputs (:func:`kpi.inputs.processed.open_inputs` or the gate's).
    period_end : datetime.date
    params : dict
        Merged run parameters (:func:`kpi.run.params.load_params` or ``complete_params``).
    """
    s = inputs.strategy
    rules = st.StatusRules.from_params(params)
    indicators, milestones, measures, goals = statuses(inputs, period_end, rules)
    assessment = three_way(s, inputs["assessments"], goals, period_end)
    follow_up = finance.budget_follow_up(inputs["budget"], period_end, **params["finance"])
    targets = adjustment.programme_targets(s)
    coverage = period_coverage(inputs, period_end)
    findings = evaluation_findings(
        assessment=assessment,
        measures=measures,
        measure_names={m.id: m.name for m in s.measures},
        follow_up=follow_up,
        area_names={a.id: a.name for a in s.responsible_areas},
        coverage=coverage,
        period_end=period_end,
    )
    return PeriodFigures(
        period_end,
        rules,
        indicators,
        milestones,
        measures,
        goals,
        assessment,
        changes.indicator_changes(s, inputs["observations"], period_end),
        follow_up,
        finance.area_totals(follow_up),
        targets,
        adjustment.adjustment_progress(inputs["adjustment"], period_end, **targets),
        findings,
        coverage,
        staff_by_unit(
            inputs["staff"],
            {a.id: a.name for a in s.responsible_areas},
            period_end,
            min_count=int(params["privacy"]["min_count"]),
        ),
    )


def snapshot(figures: PeriodFigures) -> dict[str, Any]:
    """The results of a run as plain JSON (kept in manifest.json): what a later version is compared against."""

    def number(v: float) -> float | None:
        return None if pd.isna(v) else float(v)

    return {
        "indicators": {
            r.indicator_id: {"value": number(r.value), "status": r.status, "reason": r.reason}
            for r in figures.indicators.itertuples()
        },
        "measures": {r.measure_id: {"status": r.status, "reason": r.reason} for r in figures.measures.itertuples()},
        "goals": {r.goal_id: {"status": r.status, "score": number(r.score)} for r in figures.goals.itertuples()},
        # as published: a hidden count is its marker here too, never the number
        "staff": {
            "min_count": figures.staff.min_count,
            "hidden_cells": figures.staff.hidden,
            "units": [
                {k: (v if isinstance(v, str | bool | int) or pd.notna(v) else None) for k, v in row.items()}
                for row in figures.staff.frame.drop(columns=["is_example"]).to_dict("records")
            ],
        },
    }
