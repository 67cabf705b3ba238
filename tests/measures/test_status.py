"""Status rules: every direction and edge case, milestones, measures, goals, and the rules as sentences."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from kpi.errors import ParameterError
from kpi.inputs.datasets import load_inputs
from kpi.inputs.strategy import Indicator
from kpi.measures.status import (
    EI_ARVIOITAVISSA,
    EI_TOTEUTUNUT,
    OSITTAIN,
    TOTEUTUNUT,
    StatusRules,
    compare,
    effective_target,
    goal_statuses,
    indicator_statuses,
    measure_statuses,
    milestone_statuses,
    rules_fi,
    status_from_score,
)
from kpi.paths import DATA_RAW
from kpi.run.params import load_params

RULES = StatusRules()
PERIODS = [
    dt.date(2021, 6, 30),
    dt.date(2021, 12, 31),
    dt.date(2022, 6, 30),
    dt.date(2022, 12, 31),
    dt.date(2023, 6, 30),
    dt.date(2023, 12, 31),
]


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def indicator(**kw) -> Indicator:
    base = dict(
        id="x",
        name="x",
        unit="kpl",
        direction="higher_better",
        kind="stock",
        frequency="half_year",
        baseline=None,
        targets={2022: 100.0},
        example_targets=frozenset(),
        target_source="t",
        source="s",
        measure_id="M",
    )
    return Indicator(**{**base, **kw})


class TestCompare:
    @pytest.mark.parametrize(
        ("value", "target", "direction", "status"),
        [
            (100, 100, "higher_better", TOTEUTUNUT),
            (120, 100, "higher_better", TOTEUTUNUT),
            (95, 100, "higher_better", OSITTAIN),
            (94.9, 100, "higher_better", EI_TOTEUTUNUT),
            (100, 100, "lower_better", TOTEUTUNUT),
            (80, 100, "lower_better", TOTEUTUNUT),
            (105, 100, "lower_better", OSITTAIN),
            (105.1, 100, "lower_better", EI_TOTEUTUNUT),
            (4, (3, 5), "target_band", TOTEUTUNUT),
            (3, (3, 5), "target_band", TOTEUTUNUT),
            (5.2, (3, 5), "target_band", OSITTAIN),
            (2.9, (3, 5), "target_band", OSITTAIN),
            (5.3, (3, 5), "target_band", EI_TOTEUTUNUT),
            (2.8, (3, 5), "target_band", EI_TOTEUTUNUT),
            # a zero target has no relative tolerance: only the target itself counts
            (0, 0, "higher_better", TOTEUTUNUT),
            (-0.1, 0, "higher_better", EI_TOTEUTUNUT),
            (0.1, 0, "lower_better", EI_TOTEUTUNUT),
            (-1.04, -1, "higher_better", OSITTAIN),
        ],
    )
    def test_table(self, value, target, direction, status):
        assert compare(value, target, direction, 5.0)[0] == status

    def test_reason_is_finnish_and_names_the_tolerance(self):
        assert compare(96, 100, "higher_better", 5.0) == (OSITTAIN, "enintään 5 % alle tavoitteen")

    def test_unknown_direction(self):
        with pytest.raises(ValueError):
            compare(1, 1, "sideways", 5.0)


class TestEffectiveTarget:
    @pytest.mark.parametrize(
        ("kind", "period", "rule", "expected"),
        [
            ("flow", dt.date(2022, 6, 30), "prorate", 50.0),
            ("flow", dt.date(2022, 12, 31), "prorate", 100.0),
            ("stock", dt.date(2022, 6, 30), "prorate", 100.0),
            ("flow", dt.date(2022, 6, 30), "full_year", 100.0),
            ("flow", dt.date(2021, 12, 31), "prorate", None),
        ],
    )
    def test_half_year_logic(self, kind, period, rule, expected):
        rules = dataclasses.replace(RULES, flow_at_30_6=rule)
        assert effective_target(indicator(kind=kind), period, rules) == expected

    def test_band_is_halved_at_both_ends(self):
        ind = indicator(kind="flow", direction="target_band", targets={2022: (80.0, 100.0)})
        assert effective_target(ind, dt.date(2022, 6, 30), RULES) == (40.0, 50.0)


class TestRulesFromParams:
    def test_default_params(self):
        rules = StatusRules.from_params(load_params(dt.date(2022, 6, 30)))
        assert rules == StatusRules()

    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("tolerance_pct", -1),
            ("flow_at_30_6", "x"),
            ("example_values", "x"),
            ("measure_rule", "best"),
            ("goal_full_score", 0.3),
            ("goal_min_assessable", 2),
            ("milestones", {"valmis": "hyvä"}),
        ],
    )
    def test_nonsense_is_refused(self, key, value):
        with pytest.raises(ParameterError, match="status"):
            StatusRules.from_params({"status": {key: value}})

    @pytest.mark.parametrize(
        ("score", "status"),
        [
            (1.0, TOTEUTUNUT),
            (0.8, TOTEUTUNUT),
            (0.79, OSITTAIN),
            (0.4, OSITTAIN),
            (0.39, EI_TOTEUTUNUT),
            (0.0, EI_TOTEUTUNUT),
        ],
    )
    def test_score_thresholds(self, score, status):
        assert status_from_score(score, RULES) == status


class TestIndicatorStatuses:
    def test_defined_outcomes_for_missing_values_targets_and_examples(self, inputs):
        s = indicator_statuses(inputs.strategy, inputs["observations"], dt.date(2022, 6, 30), rules=RULES).set_index(
            "indicator_id"
        )
        assert s.loc["tyotyytyvaisyys", "status"] == EI_ARVIOITAVISSA  # yearly survey: no 30.6 value
        assert s.loc["tyotyytyvaisyys", "reason"] == "ei arvoa kaudelta"
        assert s.loc["uudet_yritykset_lkm", "target"] == 16.0  # flow: half of 32
        assert "puolet vuoden tavoitteesta" in s.loc["uudet_yritykset_lkm", "reason"]
        assert s.loc["lahiruoka_osuus", "is_example"]
        strict = indicator_statuses(
            inputs.strategy,
            inputs["observations"],
            dt.date(2022, 6, 30),
            rules=dataclasses.replace(RULES, example_values="not_assessable"),
        ).set_index("indicator_id")
        assert strict.loc["lahiruoka_osuus", "status"] == EI_ARVIOITAVISSA
        assert strict.loc["tuloveroprosentti", "status"] == TOTEUTUNUT  # a real value stays assessed

    def test_no_target_for_the_year(self, inputs):
        s = indicator_statuses(inputs.strategy, inputs["observations"], dt.date(2020, 12, 31), rules=RULES)
        assert (s.status == EI_ARVIOITAVISSA).all()
        assert s.reason.str.contains("vuodelle 2020 ei ole tavoitetta|ei arvoa kaudelta").all()

    def test_real_values_of_2022(self, inputs):
        s = indicator_statuses(inputs.strategy, inputs["observations"], dt.date(2022, 12, 31), rules=RULES).set_index(
            "indicator_id"
        )
        assert s.loc["tilikauden_tulos_meur", "status"] == TOTEUTUNUT  # 8,5 M€ against 0,5
        assert s.loc["osallistuva_budjetointi_ehdotukset", "status"] == TOTEUTUNUT  # 47 against 30


class TestMilestones:
    def test_states_map_to_statuses_and_lateness_is_noted(self, inputs):
        ms = milestone_statuses(inputs.strategy, inputs["milestones"], dt.date(2022, 12, 31), rules=RULES).set_index(
            "measure_id"
        )
        assert ms.loc["I3-M1", "status"] == TOTEUTUNUT and not ms.loc["I3-M1", "late"]
        assert ms.loc["H3-M2", "status"] == OSITTAIN and ms.loc["H3-M2", "late"]
        assert ms.loc["H3-M2", "reason"] == "käynnissä; määräaika (31.12.2022) on ylittynyt"
        assert ms.loc["E4-M3", "status"] == OSITTAIN

    def test_missing_row(self, inputs):
        ms = milestone_statuses(inputs.strategy, inputs["milestones"].iloc[0:0], dt.date(2022, 12, 31), rules=RULES)
        assert (ms.status == EI_ARVIOITAVISSA).all()


class TestMeasuresAndGoals:
    def frames(self, measure_id, statuses, rule="worst"):
        ind = pd.DataFrame(
            {"indicator_id": [f"i{n}" for n in range(len(statuses))], "measure_id": measure_id, "status": statuses}
        )
        return ind, dataclasses.replace(RULES, measure_rule=rule)

    @pytest.mark.parametrize(
        ("statuses", "rule", "expected"),
        [
            ([TOTEUTUNUT, OSITTAIN, EI_TOTEUTUNUT], "worst", EI_TOTEUTUNUT),
            ([TOTEUTUNUT, EI_ARVIOITAVISSA], "worst", TOTEUTUNUT),
            ([EI_ARVIOITAVISSA, EI_ARVIOITAVISSA], "worst", EI_ARVIOITAVISSA),
            ([TOTEUTUNUT, TOTEUTUNUT, OSITTAIN], "mean", TOTEUTUNUT),
            ([TOTEUTUNUT, EI_TOTEUTUNUT], "mean", OSITTAIN),
        ],
    )
    def test_measure_rules(self, inputs, statuses, rule, expected):
        ind, rules = self.frames("H2-M1", statuses, rule)
        ms = milestone_statuses(inputs.strategy, inputs["milestones"], dt.date(2022, 12, 31), rules=rules)
        m = measure_statuses(inputs.strategy, ind, ms, rules=rules).set_index("measure_id")
        assert m.loc["H2-M1", "status"] == expected

    @pytest.mark.parametrize("period", PERIODS)
    def test_every_goal_status_follows_from_its_score_and_the_rules(self, inputs, period):
        rules = StatusRules.from_params(load_params(period))
        ind = indicator_statuses(inputs.strategy, inputs["observations"], period, rules=rules)
        ms = milestone_statuses(inputs.strategy, inputs["milestones"], period, rules=rules)
        goals = goal_statuses(inputs.strategy, measure_statuses(inputs.strategy, ind, ms, rules=rules), rules=rules)
        assert len(goals) == 15
        for g in goals.itertuples():
            if g.assessable / g.measures < rules.goal_min_assessable:
                assert g.status == EI_ARVIOITAVISSA and g.reason.startswith("vain")
            else:
                assert g.status == status_from_score(g.score, rules)
                assert f"{g.assessable}/{g.measures} mittaria" in g.reason

    def test_goal_with_too_few_assessable_measures(self, inputs):
        measures = pd.DataFrame(
            {"goal_id": "I1", "measure_id": ["I1-M1", "I1-M2"], "status": [EI_ARVIOITAVISSA, EI_ARVIOITAVISSA]}
        )
        goals = goal_statuses(inputs.strategy, measures, rules=RULES).set_index("goal_id")
        assert goals.loc["I1", "status"] == EI_ARVIOITAVISSA and goals.loc["I1", "reason"].startswith("vain 0/2")


class TestRulesText:
    def test_sentences_name_the_parameters_in_force(self):
        text = " ".join(rules_fi(dataclasses.replace(RULES, tolerance_pct=7.5, goal_full_score=0.9)))
        assert "enintään 7,5 %" in text and "vähintään 0,90 → toteutunut" in text
        assert "puoleen vuoden tavoitteesta" in text and "valmis → toteutunut" in text and "Sarjakatkon" in text

    def test_alternatives_are_described(self):
        text = " ".join(
            rules_fi(StatusRules(flow_at_30_6="full_year", example_values="not_assessable", measure_rule="mean"))
        )
        assert "koko vuoden tavoitteeseen" in text and "ei ole arvioitavissa" in text and "pistekeskiarvosta" in text
