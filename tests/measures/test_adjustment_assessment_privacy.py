"""The adjustment programme's progress, the three-way assessment and small-count suppression."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.adjustment import adjustment_progress
from kpi.measures.assessment import three_way
from kpi.measures.privacy import suppress_small_counts
from kpi.paths import DATA_RAW

YEARS = (2021, 2022, 2023)


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


class TestAdjustment:
    def test_year_end_2022_on_the_embedded_data(self, inputs):
        p = adjustment_progress(inputs["adjustment"], dt.date(2022, 12, 31), target_eur=5e6, target_htv=50, years=YEARS)
        t = p["totals"]
        assert t["realised_eur"] == pytest.approx(2.34e6, abs=5e3)
        assert p["by_year"].set_index("year").realised_eur[2022] == pytest.approx(1.3e6, abs=1e3)  # the real 1,3 M€
        assert t["expected_eur"] == pytest.approx(5e6 * 2 / 3) and t["behind_eur"] > 0
        assert t["gap_eur"] == pytest.approx(5e6 - t["realised_eur"]) and t["share_htv"] == pytest.approx(29 / 50 * 100)

    def test_mid_year_counts_half_a_year(self, inputs):
        t = adjustment_progress(inputs["adjustment"], dt.date(2022, 6, 30), target_eur=5e6, target_htv=50, years=YEARS)[
            "totals"
        ]
        assert t["elapsed_share"] == pytest.approx(50.0)

    @pytest.mark.parametrize(("period", "share"), [(dt.date(2020, 12, 31), 0.0), (dt.date(2024, 6, 30), 100.0)])
    def test_before_and_after_the_programme(self, inputs, period, share):
        t = adjustment_progress(inputs["adjustment"], period, target_eur=5e6, target_htv=50, years=YEARS)["totals"]
        assert t["elapsed_share"] == pytest.approx(share)

    def test_by_action(self, inputs):
        a = adjustment_progress(
            inputs["adjustment"], dt.date(2021, 12, 31), target_eur=5e6, target_htv=50, years=YEARS
        )["by_action"].set_index("action_id")
        assert a.loc["S1", "realised_eur"] == 200_000 and a.loc["S1", "realised_pct"] == 100


class TestThreeWay:
    def test_disagreements_get_a_sentence(self, inputs):
        data = pd.DataFrame({"goal_id": [g.id for g in inputs.strategy.goals], "status": "toteutunut"})
        t = three_way(inputs.strategy, inputs["assessments"], data, dt.date(2022, 12, 31)).set_index("goal_id")
        assert not t.loc["I5", "disagree"] and t.loc["I5", "sentence"] == "Kaikki arviot ovat yhtä mieltä: toteutunut."
        assert t.loc["H3", "disagree"]
        assert (
            "poikkeaa" in t.loc["H3", "sentence"]
            and "tarkastuslautakunnan arvio (ei toteutunut)" in t.loc["H3", "sentence"]
        )

    def test_admin_and_audit_committee_differ_while_data_agrees_with_one(self, inputs):
        data = pd.DataFrame({"goal_id": ["H1"], "status": ["osittain toteutunut"]})
        t = three_way(inputs.strategy, inputs["assessments"], data, dt.date(2022, 12, 31)).set_index("goal_id")
        assert "hallinnon arvio (toteutunut)" in t.loc["H1", "sentence"]

    def test_at_30_6_only_the_data_status(self, inputs):
        data = pd.DataFrame({"goal_id": ["H1"], "status": ["osittain toteutunut"]})
        t = three_way(inputs.strategy, inputs["assessments"], data, dt.date(2022, 6, 30)).set_index("goal_id")
        assert t.loc["H1", "administration"] is None
        assert "annetaan tilinpäätöksen yhteydessä" in t.loc["H1", "sentence"]


class TestPrivacy:
    def test_small_counts_are_hidden_with_a_note(self):
        frame = pd.DataFrame({"unit": ["A", "B", "C"], "spells": [0, 3, 12], "persons": [7, 4, 5]})
        out = suppress_small_counts(frame, count_columns=["spells", "persons"])
        assert out.spells.tolist() == [0, "< 5", 12] and out.persons.tolist() == [7, "< 5", 5]
        assert out.note.tolist() == ["", "alle 5 henkilön luvut piilotettu tietosuojan vuoksi", ""]

    def test_threshold_is_a_parameter(self):
        out = suppress_small_counts(pd.DataFrame({"n": [6, 9]}), count_columns=["n"], min_count=8)
        assert out.n.tolist() == ["< 8", 9]


class TestProgrammeTargets:
    def test_from_the_strategy(self, inputs):
        from kpi.measures.adjustment import programme_targets

        assert programme_targets(inputs.strategy) == {"target_eur": 5e6, "target_htv": 50.0, "years": YEARS}
