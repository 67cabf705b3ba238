"""The three-way assessment's sentences read as Finnish: a status differs *from* another (elative, poikkeaa …sta)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.assessment import three_way
from kpi.paths import DATA_RAW

YEAR_END = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def sentence(inputs, goal: str, administration, audit_committee, data) -> str:
    """The sentence of one goal whose assessments are set here (the embedded data's rows, with these statuses)."""
    assessments = inputs["assessments"].copy()
    now = (assessments.period_end == pd.Timestamp(YEAR_END)) & (assessments.goal_id == goal)
    assessments.loc[now, "administration_status"] = administration
    assessments.loc[now, "audit_committee_status"] = audit_committee
    statuses = pd.DataFrame({"goal_id": [goal], "status": [data]})
    return three_way(inputs.strategy, assessments, statuses, YEAR_END).set_index("goal_id").sentence[goal]


class TestSentences:
    def test_data_differs_from_both(self, inputs):
        assert sentence(inputs, "H1", "toteutunut", "ei toteutunut", "osittain toteutunut") == (
            "Tietoihin perustuva arvio (osittain toteutunut) poikkeaa hallinnon arviosta (toteutunut) ja "
            "tarkastuslautakunnan arviosta (ei toteutunut)."
        )

    def test_data_differs_from_the_administration_and_agrees_with_the_audit_committee(self, inputs):
        assert sentence(inputs, "H1", "toteutunut", "osittain toteutunut", "osittain toteutunut") == (
            "Tietoihin perustuva arvio (osittain toteutunut) poikkeaa hallinnon arviosta (toteutunut), mutta on "
            "sama kuin tarkastuslautakunnan arvio."
        )

    def test_data_differs_from_the_audit_committee_only(self, inputs):
        assert sentence(inputs, "H1", "toteutunut", "ei toteutunut", "toteutunut") == (
            "Tietoihin perustuva arvio (toteutunut) poikkeaa tarkastuslautakunnan arviosta (ei toteutunut), mutta on "
            "sama kuin hallinnon arvio."
        )

    def test_one_assessment_given(self, inputs):
        assert sentence(inputs, "H1", None, "ei toteutunut", "toteutunut") == (
            "Tietoihin perustuva arvio (toteutunut) poikkeaa tarkastuslautakunnan arviosta (ei toteutunut)."
        )

    def test_no_sentence_has_a_colon_before_the_differing_assessments(self, inputs):
        t = three_way(inputs.strategy, inputs["assessments"], _all(inputs, "toteutunut"), YEAR_END)
        differing = t[t.sentence.str.contains("poikkea")]
        assert len(differing) and not differing.sentence.str.contains("poikkeaa:").any()
        assert not differing.sentence.str.contains(r"poikkeaa.*\barvio \(", regex=True).any()


def _all(inputs, status: str) -> pd.DataFrame:
    return pd.DataFrame({"goal_id": [g.id for g in inputs.strategy.goals], "status": status})
