"""The "Tiivistelmä" sentences: numbers written the Finnish way, names escaped, nothing left out."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.period import compute
from kpi.measures.summary import report_summary
from kpi.paths import DATA_RAW
from kpi.present import summary as ps
from kpi.run.params import complete_params

YEAR_END = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def facts():
    inputs = load_inputs(DATA_RAW)
    figures = compute(inputs, YEAR_END, complete_params({"period_end": YEAR_END}))
    return report_summary(inputs, figures).as_dict()


def sentences(text: str) -> int:
    # a sentence ends in a full stop before a capital letter or at the end ("1–6/2022):" and "2 M€" do not end one)
    return len(re.findall(r"\.(?=\s+[A-ZÅÄÖ]|$)", text))


class TestReportSummary:
    def test_real_numbers_of_31_12_2022(self, facts):
        text = ps.report_summary_fi(facts)
        # only the statuses that occur: no "✗ ei toteutunut 0" for the reader to skip
        assert text.startswith("Tietoihin perustuva arvio 15 tavoitteesta: ✓ toteutunut 6 ja ◐ osittain toteutunut 9. ")
        assert (
            "(osavuosikatsaus 1–6/2022): I1 Ennakkoluulottomasti kohti uusia avauksia (ei toteutunut → toteutunut)"
            in text
        )
        assert "Taseen kertynyt ylijäämä (2,00\u00a0M€ → 10,50\u00a0M€, +425,0\u00a0%)" in text  # M€ in two decimals
        assert "Toimintakulut olivat 94,7\u00a0M€ eli 102,8\u00a0% muutetusta talousarviosta." in text
        assert text.endswith("Kaikki mittarit ovat arvioitavissa.")
        assert 3 <= sentences(text) <= 5

    def test_a_pillar_page_says_the_budget_is_the_whole_citys(self, facts):
        assert "Koko kaupungin toimintakulut olivat" in ps.report_summary_fi(facts, whole_city_budget=True)

    def test_budget_worded_as_the_budget_sentence_of_the_follow_up(self):
        # the same wording as kpi.present.text.budget_sentence: a half-year accrues, a year's costs "were"
        budget = {"actual": 46_700_000.0, "budget": 91_500_000.0, "realised_pct": 51.04, "expected_pct": 50.0}
        assert ps.budget_fi(budget, dt.date(2022, 6, 30)) == (
            "Toimintakuluja kertyi 1.1.–30.6.2022 46,7\u00a0M€ eli 51,0\u00a0% muutetusta talousarviosta "
            "(odotettu 50\u00a0%)."
        )
        assert ps.budget_fi(budget, dt.date(2022, 6, 30), whole_city=True).startswith(
            "Koko kaupungin toimintakuluja kertyi 1.1.–30.6.2022 "
        )
        assert ps.budget_fi(budget, YEAR_END, whole_city=True) == (
            "Koko kaupungin toimintakulut olivat 46,7\u00a0M€ eli 51,0\u00a0% muutetusta talousarviosta."
        )

    def test_no_movers(self):
        text = ps.movers_fi([], [], dt.date(2022, 6, 30))
        assert text == "Yhdenkään tavoitteen tila ei muuttunut edellisestä kaudesta (osavuosikatsaus 1–6/2022)."

    def test_not_assessable_by_reason(self):
        assert ps.not_assessable_fi({"ei arvoa kaudelta": 5, "vuodelle 2023 ei ole tavoitetta": 2}, 1) == (
            "Arvioitavissa ei ole 7 indikaattoria tai virstanpylvästä: ei arvoa kaudelta (5) ja vuodelle 2023 ei ole "
            "tavoitetta (2). Tavoitteista 1 ei ole arvioitavissa, koska liian harva niiden mittareista on."
        )
        assert ps.not_assessable_fi({"ei tilatietoa kaudelta": 1}, 0).startswith("Yksi indikaattori tai virstanpylväs")

    def test_names_from_input_files_are_escaped(self):
        moves = [{"id": "H1", "name": "<b>x</b> *y*", "before": "ei toteutunut", "after": "toteutunut", "change": 1.0}]
        text = ps.movers_fi(moves, [], dt.date(2022, 6, 30))
        assert "<b>" not in text and "&lt;b&gt;x&lt;/b&gt; \\*y\\*" in text


class TestComparisonSummary:
    FACTS = {
        "city": "Kemijärvi",
        "peers": 8,
        "population": {"first": 2000, "last": 2022, "change_pct": -33.3, "peers_median_pct": -17.9},
        "above": ["Vuosikate", "Lainakanta"],
        "below": ["Työllisyysaste"],
        "same": [],
        "missing": ["Verotulot"],
        "unemployment": {"year": 2020, "rate": 16.4, "median": 15.7},
        "findings": 12,
    }

    def test_sentences(self):
        text = ps.comparison_summary_fi(self.FACTS)
        assert text.startswith("Vertailussa ovat Kemijärvi ja 8 vertailukuntaa.")
        assert (
            "Kaupungin väkiluku muuttui vuosina 2000–2022 −33,3\u00a0% (vertailukuntien mediaani −17,9\u00a0%)." in text
        )
        assert "suurempi 2 keskeisessä tunnusluvussa (Vuosikate ja Lainakanta) ja pienempi 1" in text
        assert "Verrata ei voi 1 tunnuslukua" in text and "(Verotulot)" in text
        # TEM's registered jobseekers, not Statistics Finland's työttömyysaste
        assert "Työttömien työnhakijoiden osuus työvoimasta oli 16,4\u00a0% vuonna 2020" in text
        assert text.endswith("Havaintoja arviointikertomukseen on 12.")
        assert 3 <= sentences(text) <= 6


class TestQualitySummary:
    BASE = {
        "period_end": YEAR_END,
        "checks": 184,
        "passed_checks": 177,
        "hard": 0,
        "soft": 7,
        "hard_files": [],
        "readable": True,
        "example_values": 125,
        "example_indicator_values": 53,
        "values": 57,
        "indicators": 57,
        "no_data": 0,
    }

    def test_passed_gate_and_example_values(self):
        text = ps.quality_summary_fi(self.BASE)
        # the period named as everywhere else (kpi.fi.period_label), in the genitive; the same as the laatu page
        assert text.startswith(
            "Tilinpäätöksen 2022 (31.12.2022) tiedoille tehtiin 184 tarkistusta, joista 177 oli kunnossa."
        )
        half = ps.quality_summary_fi({**self.BASE, "period_end": dt.date(2022, 6, 30)})
        assert half.startswith("Osavuosikatsauksen 1–6/2022 (30.6.2022) tiedoille tehtiin")
        assert "Estäviä virheitä ei ollut" in text and "Huomautuksia on 7" in text
        assert "Esimerkkiarvoiksi merkittyjä rivejä on 125; kauden 57 indikaattoriarvosta 53 on esimerkkiarvoja" in text

    def test_failed_gate_names_the_files(self):
        text = ps.quality_summary_fi({**self.BASE, "hard": 2, "hard_files": ["havainnot.csv"], "readable": False})
        assert "Estäviä virheitä on 2 (tiedostot havainnot.csv), joten raportteja ei tehdä" in text
        assert "kaikkia tiedostoja ei voitu lukea" in text
