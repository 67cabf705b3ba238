"""The facts each report opens with, on the embedded data: counts, movers, budget and what cannot be assessed."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from kpi.fi import EI_ARVIOITAVISSA, STATUSES
from kpi.inputs.comparison import classification_of, read_comparison
from kpi.inputs.datasets import load_inputs
from kpi.inputs.gate import GateResult
from kpi.measures import comparison as cmp
from kpi.measures.changes import previous_period_end
from kpi.measures.period import compute, statuses
from kpi.measures.summary import comparison_summary, quality_summary, report_summary
from kpi.paths import DATA_RAW
from kpi.run.params import complete_params

YEAR_END, MID_YEAR = dt.date(2022, 12, 31), dt.date(2022, 6, 30)


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


@pytest.fixture(scope="module")
def figures(inputs):
    return {p: compute(inputs, p, complete_params({"period_end": p})) for p in (YEAR_END, MID_YEAR)}


class TestReportSummary:
    def test_counts_are_those_of_the_period_figures(self, inputs, figures):
        facts = report_summary(inputs, figures[YEAR_END])
        counts = figures[YEAR_END].goals.status.value_counts()
        assert facts.goals == 15 == len(figures[YEAR_END].goals)
        assert list(facts.counts) == list(STATUSES)
        assert facts.counts == {s: int(counts.get(s, 0)) for s in STATUSES}
        # 31.12.2022 on the embedded data: six goals met, nine partly
        assert facts.counts == {STATUSES[0]: 6, STATUSES[1]: 9, STATUSES[2]: 0, STATUSES[3]: 0}

    def test_a_pillar_counts_only_its_goals(self, inputs, figures):
        goals = figures[YEAR_END].goals
        mine = goals[goals.pillar_id == "elinvoima"]
        facts = report_summary(inputs, figures[YEAR_END], pillar="elinvoima")
        assert facts.goals == len(mine) == 5
        assert facts.counts == {s: int((mine.status == s).sum()) for s in STATUSES}
        assert {m["id"] for m in facts.goal_moves} <= set(mine.goal_id)

    def test_goal_movers_changed_status_largest_score_change_first(self, inputs, figures):
        f = figures[YEAR_END]
        facts = report_summary(inputs, f, limit=15)
        before = statuses(inputs, previous_period_end(YEAR_END), f.rules)[3].set_index("goal_id")
        now = f.goals.set_index("goal_id")
        changed = {g for g in now.index if now.status[g] != before.status[g]}
        assert {m["id"] for m in facts.goal_moves} == changed
        for m in facts.goal_moves:
            assert (m["before"], m["after"]) == (before.status[m["id"]], now.status[m["id"]])
            assert m["change"] == pytest.approx(now.score[m["id"]] - before.score[m["id"]])
        sizes = [abs(m["change"]) for m in facts.goal_moves]
        assert sizes == sorted(sizes, reverse=True)
        # the three biggest: I1 and I5 from 0 to 1, E5 from 0,25 to 1
        assert [m["id"] for m in report_summary(inputs, f).goal_moves] == ["I1", "I5", "E5"]

    def test_indicator_movers_are_the_largest_relative_changes(self, inputs, figures):
        f = figures[YEAR_END]
        facts = report_summary(inputs, f, limit=2)
        comparable = f.changes.dropna(subset=["pct_previous"])
        top = comparable.reindex(comparable.pct_previous.abs().sort_values(ascending=False).index).head(2)
        assert [m["id"] for m in facts.indicator_moves] == list(top.indicator_id)
        first = facts.indicator_moves[0]
        assert (first["id"], first["before"], first["after"]) == ("kertynyt_ylijaama_meur", 2.0, 10.5)
        assert first["pct"] == pytest.approx(425.0) and first["unit"] == "M€"

    def test_budget_is_the_whole_citys_operating_costs(self, inputs, figures):
        for period, expected in ((YEAR_END, 100.0), (MID_YEAR, 50.0)):
            totals = figures[period].totals
            budget = report_summary(inputs, figures[period], pillar="hyvinvointi").budget
            assert budget["actual"] == pytest.approx(totals.costs_actual.sum())
            assert budget["budget"] == pytest.approx(totals.costs_budget.sum())
            assert budget["realised_pct"] == pytest.approx(totals.costs_actual.sum() / totals.costs_budget.sum() * 100)
            assert budget["expected_pct"] == expected

    def test_not_assessable_is_counted_by_reason(self, inputs, figures):
        assert report_summary(inputs, figures[YEAR_END]).not_assessable == {}
        f = figures[MID_YEAR]
        facts = report_summary(inputs, f)
        parts = pd.concat([f.indicators[["status", "reason"]], f.milestones[["status", "reason"]]])
        expected = parts[parts.status == EI_ARVIOITAVISSA].reason.value_counts().to_dict()
        assert facts.not_assessable == expected == {"ei arvoa kaudelta": 7}
        assert facts.not_assessable_goals == int((f.goals.status == EI_ARVIOITAVISSA).sum())

    def test_as_dict_holds_plain_values(self, inputs, figures):
        facts = report_summary(inputs, figures[YEAR_END]).as_dict()
        assert facts["period_end"] == YEAR_END and facts["previous_end"] == MID_YEAR
        assert isinstance(facts["goal_moves"], list) and isinstance(facts["budget"], dict)


class TestComparisonSummary:
    def test_key_figures_split_by_the_sign_of_the_difference(self):
        params = complete_params({"period_end": YEAR_END})
        compared = cmp.compare(read_comparison(DATA_RAW), classification_of(DATA_RAW), params["comparison"], YEAR_END)
        facts = comparison_summary(compared)
        key = compared.key.summary
        assert facts.city == compared.city_name and facts.peers == len(compared.peers)
        assert len(facts.above) + len(facts.below) + len(facts.same) + len(facts.missing) == len(key)
        above = key[key.difference > 0].indicator_name
        assert set(facts.above) <= set(above) and facts.findings == len(compared.findings)
        own = compared.index.summary[compared.index.summary.role == cmp.CITY].iloc[0]
        assert facts.population["change_pct"] == pytest.approx(own.change_pct)


class TestQualitySummary:
    def test_counts_the_checks_and_the_files_with_errors(self):
        def finding(passed, severity, file):
            return SimpleNamespace(passed=passed, severity=severity, check=SimpleNamespace(file=file))

        result = GateResult(
            YEAR_END,
            DATA_RAW,
            findings=[finding(True, "hard", "a.csv"), finding(False, "hard", "b.csv"), finding(False, "soft", "c.csv")],
        )
        facts = quality_summary(result, coverage=None, example_rows=None)
        assert (facts.checks, facts.passed_checks, facts.hard, facts.soft) == (3, 1, 1, 1)
        assert facts.hard_files == ["b.csv"] and not facts.readable and facts.example_values is None

    def test_example_values_come_from_the_coverage(self):
        coverage = {"values": 57, "example_values": 53, "indicators": 57, "no_data": 0}
        facts = quality_summary(GateResult(YEAR_END, DATA_RAW), coverage=coverage, example_rows=125)
        assert (facts.example_values, facts.example_indicator_values, facts.values) == (125, 53, 57)
