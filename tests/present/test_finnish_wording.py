"""The Finnish of the generated sentences, one test per sentence family a native reader corrected: agreement of
the verb with a plural name, the partitive after a numeral, one scale of euros per sentence or column, decimals
by unit, the singular of one file, no numeral starting a sentence."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from kpi import fi
from kpi.measures import findings as mf
from kpi.measures import status as st
from kpi.present import tables, text

NB = fi.NBSP


class TestGoalCounts:
    @pytest.mark.parametrize(
        ("statuses", "said"),
        [
            (["osittain toteutunut"] * 5, "Kaikki viisi tavoitetta toteutuivat osittain."),
            (["toteutunut"] * 2, "Kaikki kaksi tavoitetta toteutuivat."),
            (["ei toteutunut"] * 3, "Kaikki kolme tavoitetta jäivät toteutumatta."),
            (["ei arvioitavissa"] * 4, "Kaikki neljä tavoitetta eivät ole arvioitavissa."),
            (["toteutunut"], "Tavoite toteutui."),
            (
                ["toteutunut"] * 3 + ["osittain toteutunut"] * 2,
                "Tavoitteita on viisi: niistä kolme toteutui ja kaksi toteutui osittain.",
            ),
            # one count above ten: digits for all of them, never "kolme … 11 … yksi"
            (
                ["toteutunut"] * 3 + ["osittain toteutunut"] * 11 + ["ei toteutunut"],
                "Tavoitteita on 15: niistä 3 toteutui, 11 toteutui osittain ja 1 jäi toteutumatta.",
            ),
            ([], "Ei tavoitteita."),
        ],
    )
    def test_the_summary_agrees_with_its_count(self, statuses, said):
        assert text.goals_summary_fi(pd.Series(statuses, dtype=object)) == said

    def test_the_chart_alt_puts_the_status_before_its_count(self):
        goals = pd.DataFrame(
            {
                "goal_id": ["A", "B", "C", "D", "E"],
                "status": ["osittain toteutunut"] * 3 + ["ei toteutunut"] * 2,
                "score": [0.5, 0.5, 0.5, 0.0, 0.2],
            }
        )
        alt = text.goal_chart_alt(goals, {"D": "Nimi"})
        # "3 osittain toteutunut" would need the partitive ("toteutunutta"); the status first needs none
        assert alt.startswith("Pylväskaavio viiden tavoitteen tilasta: osittain toteutunut 3, ei toteutunut 2.")


def _points(values, *, after_break=False, halved=False, target=None):
    ends = [pd.Timestamp(d) for d in ("2020-12-31", "2021-12-31", "2022-06-30")][: len(values)]
    return pd.DataFrame(
        {
            "period_end": ends,
            "value": values,
            "is_example": False,
            "after_break": [False] * (len(values) - 1) + [after_break],
            "compared_target": target,
            "compared_low": float("nan"),
            "compared_high": float("nan"),
            "halved": halved,
        }
    )


class TestTrendAlt:
    @pytest.mark.parametrize("name", ["Sopeuttamisohjelman kertyneet menosäästöt", "Uudet yritykset", "Kustannus"])
    def test_the_verb_agrees_with_arvo_whatever_the_name(self, name):
        indicator = SimpleNamespace(name=name, unit="kpl", kind="stock", direction="higher_better")
        alt = text.trend_alt(indicator, _points([5.0, 8.0]))
        assert alt.startswith(f"{name}: arvo nousi 5{NB}kpl (31.12.2020) → 8{NB}kpl (31.12.2021).")

    def test_a_break_is_said_before_the_move(self):
        indicator = SimpleNamespace(name="Toimintakulut asukasta kohden", unit="€/asukas", kind="stock")
        alt = text.trend_alt(indicator, _points([12363.0, 6530.0], after_break=True))
        assert alt.startswith(
            "Toimintakulut asukasta kohden: sarjassa on sarjakatko, joten arvot ennen sitä ja sen jälkeen eivät ole "
            "vertailukelpoisia. Arvo laski"
        )

    def test_a_half_year_total_against_the_half_target(self):
        indicator = SimpleNamespace(name="Uudet yritykset", unit="kpl", kind="flow", direction="higher_better")
        alt = text.trend_alt(indicator, _points([14.0, 17.0, 5.0], halved=True, target=7.5))
        assert f"Tammi–kesäkuun 2022 kertymä oli 5{NB}kpl." in alt
        assert f"Puolivuotistavoite (puolet vuoden tavoitteesta, 7,5{NB}kpl) jäi saavuttamatta." in alt


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "unit", "shown"),
        [
            (1.5, "kpl", f"1,5{NB}kpl"),  # half of an odd target keeps its half
            (27.0, "kpl", f"27{NB}kpl"),
            (7.1, "pv/HTV", f"7,1{NB}pv/HTV"),
            (13.9, "pv/HTV", f"13,9{NB}pv/HTV"),
            (3.6, "asteikko 1–5", "3,6 (asteikolla 1–5)"),
            (0.5, "M€", f"0,50{NB}M€"),
            (11.9, "M€", f"11,90{NB}M€"),
            (9.8, "€/matka", f"9,80{NB}€/matka"),
            (10.4, "€/matka", f"10,40{NB}€/matka"),
            (695.9, "€/asukas", f"696{NB}€/asukas"),
            (8.86, "%", f"8,86{NB}%"),
        ],
    )
    def test_decimals_by_unit_not_by_size(self, value, unit, shown):
        assert fi.with_unit(value, unit) == shown

    def test_a_range_has_an_unspaced_dash_and_the_unit_once(self):
        assert fi.range_with_unit(3, 5, "€/m²") == f"3,00–5,00{NB}€/m²"
        assert fi.range_with_unit(80_000, 95_000, "€") == f"80{NB}000–95{NB}000{NB}€"
        assert fi.range_with_unit(11.3, 19.7, "%") == f"11,3–19,7{NB}%"

    def test_one_scale_of_euros_for_amounts_read_together(self):
        column = fi.euro_scale([1_200_000, 859_200, -114_682])
        assert [column(v) for v in (1_200_000, 859_200, -114_682)] == [
            f"1,20{NB}M€",
            f"0,86{NB}M€",
            f"\u22120,11{NB}M€",
        ]
        small = fi.euro_scale([305_000, 585_000])
        assert small(305_000) == f"305{NB}000{NB}€"


class TestMoneySentences:
    def test_adjustment_sentence_one_scale_and_a_clear_subject(self):
        totals = {
            "realised_eur": 1_625_000,
            "share_eur": 32.5,
            "expected_eur": 2_500_000,
            "behind_eur": 875_000,
            "realised_htv": 14,
            "share_htv": 28.0,
            "gap_eur": 3_375_000,
            "gap_htv": 36,
        }
        said = tables.adjustment_sentence({"totals": totals})
        assert said == (
            f"Sopeuttamisohjelman säästöjä on kertynyt 1,6{NB}M€ eli 32,5{NB}% tavoitteesta. Tasaisella tahdilla "
            f"kertymän pitäisi olla 2,5{NB}M€, joten ohjelma on 0,9{NB}M€ jäljessä. Henkilötyövuosia on vähennetty "
            f"14 (28{NB}% tavoitteesta). Tavoitteeseen puuttuu 3,4{NB}M€ ja 36 HTV."
        )

    def _totals(self, forecast=float("nan")):
        return pd.DataFrame(
            {
                "costs_actual": [45_900_000.0],
                "costs_budget": [46_000_000.0],
                "income_actual": [9_400_000.0],
                "expected_pct": [100.0],
                "costs_forecast": [forecast],
            }
        )

    def test_budget_sentence_at_the_year_end(self):
        said = text.budget_sentence(self._totals(), dt.date(2023, 12, 31))
        assert said == (
            f"Toimintakulut olivat 45,9{NB}M€ eli 99,8{NB}% muutetusta talousarviosta; toimintatuotot olivat 9,4{NB}M€."
        )

    def test_budget_sentence_at_30_6_says_the_period_and_the_forecast_of_what(self):
        said = text.budget_sentence(self._totals(47_000_000.0), dt.date(2022, 6, 30))
        assert said.startswith(f"Toimintakuluja kertyi 1.1.–30.6.2022 45,9{NB}M€ eli ")
        assert f"; toimintatuottoja kertyi 9,4{NB}M€." in said
        assert said.endswith(f" Toimintakulujen ennuste koko vuodelle on 47,0{NB}M€ eli 1,0{NB}M€ yli talousarvion.")


class TestRulesAndFindings:
    def test_rules_compare_the_value_and_say_the_worse_side(self):
        lines = st.rules_fi(st.StatusRules())
        assert (
            lines[-1]
            == "Sarjakatkon yli ei lasketa muutosta; kunkin vuoden arvoa verrataan saman vuoden tavoitteeseen."
        )
        assert (
            "Osittain toteutunut, kun arvo poikkeaa tavoitteesta huonompaan suuntaan enintään 5 % (tavoitevälin "
            "tapauksessa lähimmästä rajasta)" in lines[0]
        )
        assert "tavoitevälissä" not in lines[0]

    def test_lower_is_better_target_reached_is_not_alitettu(self):
        assert st.compare(4.0, 5.0, "lower_better", 5) == ("toteutunut", "tavoite saavutettu (enintään tavoitetaso)")

    def _findings(self, *, follow_up=None, coverage=None, period=dt.date(2022, 6, 30)):
        empty_follow = pd.DataFrame(columns=["flag", "responsible_area", "account_group", "realisation_pct"])
        return mf.evaluation_findings(
            assessment=pd.DataFrame(columns=["goal_id", "goal", "data", "disagree", "sentence"]),
            measures=pd.DataFrame(columns=["measure_id", "status", "reason"]),
            measure_names={},
            follow_up=empty_follow if follow_up is None else follow_up,
            area_names={"konsernihallinto": "Konsernihallinto"},
            coverage=coverage or {},
            period_end=period,
        )

    def test_a_realisation_is_larger_than_expected_not_exceeded(self):
        follow = pd.DataFrame(
            {
                "flag": ["ylitys", "alitus"],
                "responsible_area": ["konsernihallinto"] * 2,
                "account_group": ["Aineet, tarvikkeet ja tavarat", "Toimintatuotot"],
                "realisation_pct": [52.0, 40.0],
                "expected_pct": [50.0, 50.0],
            }
        )
        f = self._findings(follow_up=follow)
        assert f.text.tolist() == [
            f"Konsernihallinto – aineet, tarvikkeet ja tavarat: toteuma 52,0{NB}% talousarviosta on odotettua "
            f"suurempi (odotettu 50{NB}%).",
            f"Konsernihallinto – toimintatuotot: toteuma 40,0{NB}% talousarviosta on odotettua pienempi "
            f"(odotettu 50{NB}%).",
        ]
        assert set(f.subject) == {"Konsernihallinto"}  # the area's name, not its id

    @pytest.mark.parametrize(
        ("n", "period", "said"),
        [
            (7, dt.date(2022, 6, 30), "Seitsemältä indikaattorilta puuttuu arvo kaudelta 1–6/2022."),
            (1, dt.date(2023, 12, 31), "Yhdeltä indikaattorilta puuttuu arvo kaudelta 2023."),
            (12, dt.date(2023, 12, 31), "Kaudelta 2023 puuttuu arvo 12 indikaattorilta."),
        ],
    )
    def test_missing_values_no_numeral_first(self, n, period, said):
        f = self._findings(coverage={"no_data": n}, period=period)
        assert f.text.tolist() == [said] and f.subject.tolist() == ["Puuttuvat arvot"]


def test_a_plural_check_needs_no_agreeing_verb():
    from kpi.inputs.suites import all_checks

    by_id = {c.id: c for c in all_checks()}
    assert by_id["henkilosto.person_years.not_negative"].expected_fi == "henkilötyövuodet: ei negatiivisia arvoja"
