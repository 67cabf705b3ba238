"""The adjustment programme's progress, the three-way assessment and small-count suppression."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.adjustment import adjustment_progress
from kpi.measures.assessment import three_way
from kpi.measures.privacy import STAFF_GROUPS, TOTAL_UNIT, staff_by_unit, suppress
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
        assert not t.loc["I5", "disagree"] and t.loc["I5", "sentence"] == "Kaikki arviot ovat samat: toteutunut."
        assert t.loc["H3", "disagree"]
        assert (
            "poikkeaa" in t.loc["H3", "sentence"]
            and "tarkastuslautakunnan arviosta (ei toteutunut)" in t.loc["H3", "sentence"]
        )

    def test_admin_and_audit_committee_differ_while_data_agrees_with_one(self, inputs):
        data = pd.DataFrame({"goal_id": ["H1"], "status": ["osittain toteutunut"]})
        t = three_way(inputs.strategy, inputs["assessments"], data, dt.date(2022, 12, 31)).set_index("goal_id")
        assert "poikkeaa hallinnon arviosta (toteutunut)" in t.loc["H1", "sentence"]

    def test_at_30_6_only_the_data_status(self, inputs):
        data = pd.DataFrame({"goal_id": ["H1"], "status": ["osittain toteutunut"]})
        t = three_way(inputs.strategy, inputs["assessments"], data, dt.date(2022, 6, 30)).set_index("goal_id")
        assert t.loc["H1", "administration"] is None
        assert t.loc["H1", "sentence"].endswith(
            "Hallinnon arvio annetaan tilinpäätöksessä (toimintakertomuksessa) ja tarkastuslautakunnan arvio "
            "arviointikertomuksessa."
        )


class TestPrivacy:
    @staticmethod
    def units(**columns):
        frame = pd.DataFrame(
            {
                "unit": ["A", "B", "C", "Yhteensä"],
                "head_count": [3, 8, 20, 31],
                "person_years": [3.0, 7.5, 19.0, 29.5],
                "sick_leave_days": [30, 80, 200, 310],
                "respondents": [2, 6, 15, 23],
                "satisfaction": [3.0, 3.5, 3.8, 3.6],
            }
        )
        return frame.assign(**columns)

    def test_a_small_unit_is_hidden_with_its_figures_and_a_footnote(self):
        frame = self.units()
        out = suppress(frame, STAFF_GROUPS, min_count=5)
        a = out.frame.set_index("unit").loc["A"]
        assert a.head_count == "< 5" and a.respondents == "< 5"
        assert [a.person_years, a.sick_leave_days, a.satisfaction] == ["x", "x", "x"]
        assert out.frame.set_index("unit").loc["C"].tolist() == [20, 19.0, 200, 15, 3.8]
        assert (
            len(out.notes) == 1
            and "(raja 5, asetus privacy.min_count)" in out.notes[0]
            and "alle 5 henkilöä" in out.notes[0]
        )
        assert out.hidden == 5

    def test_with_a_total_the_next_smallest_unit_is_hidden_too(self):
        # A alone hidden: the total 31 minus B and C would give A's 3 back
        frame = self.units()
        out = suppress(frame, STAFF_GROUPS, min_count=5, total=frame.unit == "Yhteensä").frame.set_index("unit")
        assert out.loc["B"].tolist() == ["x"] * 5 and out.loc["C"].head_count == 20
        assert out.loc["Yhteensä"].head_count == 31

    def test_two_small_units_need_no_complementary_hiding(self):
        frame = self.units(head_count=[3, 4, 20, 27], respondents=[2, 3, 15, 20])
        out = suppress(frame, STAFF_GROUPS, min_count=5, total=frame.unit == "Yhteensä")
        assert out.frame.set_index("unit").loc["C"].head_count == 20 and len(out.notes) == 1

    def test_zero_is_published_and_the_limit_is_the_parameter(self):
        frame = self.units(head_count=[0, 8, 20, 28], respondents=[0, 6, 15, 21], satisfaction=[None, 3.5, 3.8, 3.7])
        assert suppress(frame, STAFF_GROUPS, min_count=5).hidden == 0
        eight = suppress(frame, STAFF_GROUPS, min_count=8).frame.set_index("unit")
        assert eight.loc["B"].head_count == 8 and eight.loc["B"].respondents == "< 8"
        nine = suppress(frame, STAFF_GROUPS, min_count=9).frame.set_index("unit")
        assert nine.loc["B"].head_count == "< 9" and nine.loc["B"].satisfaction == "x"

    def test_embedded_staff_adds_up_to_the_city_figures(self, inputs):
        names = {a.id: a.name for a in inputs.strategy.responsible_areas}
        obs = inputs["observations"].set_index(["indicator_id", "period_end"]).value
        for period in (dt.date(2021, 12, 31), dt.date(2022, 6, 30), dt.date(2023, 12, 31)):
            staff = staff_by_unit(inputs["staff"], names, period, min_count=5)
            total = staff.frame[staff.frame.is_total].iloc[0]
            assert (
                total.unit == TOTAL_UNIT
                and round(total.sick_days_per_htv, 1) == obs[("sairauspoissaolot_pv_htv", pd.Timestamp(period))]
            )
            units = staff.frame[~staff.frame.is_total]
            assert ("Sosiaalipalvelut" in set(units.unit)) == (period.year < 2023)  # sote left the city in 2023
            assert (units.head_count == "< 5").sum() >= 2 and staff.notes

    def test_a_period_without_staff_rows_gives_an_empty_table(self, inputs):
        staff = staff_by_unit(inputs["staff"], {}, dt.date(2019, 12, 31), min_count=5)
        assert staff.frame.empty and staff.notes == [] and staff.hidden == 0


class TestProgrammeTargets:
    def test_from_the_strategy(self, inputs):
        from kpi.measures.adjustment import programme_targets

        assert programme_targets(inputs.strategy) == {"target_eur": 5e6, "target_htv": 50.0, "years": YEARS}
