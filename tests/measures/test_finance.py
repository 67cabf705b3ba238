"""Budget follow-up, area totals, key figures and per-resident figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.finance import area_totals, budget_follow_up, key_figures, per_resident
from kpi.paths import DATA_RAW

MID = pd.Timestamp("2022-06-30")


def budget(rows):
    return pd.DataFrame(
        [
            {
                "period_end": MID,
                "responsible_area": a,
                "account_group": g,
                "original_budget": o,
                "budget_changes": c,
                "actual": x,
                "forecast": f,
                "is_example": True,
            }
            for a, g, o, c, x, f in rows
        ]
    )


class TestBudgetFollowUp:
    @pytest.mark.parametrize(
        ("group", "actual", "flag"),
        [
            ("Palvelujen ostot", 520.0, "ylitys"),  # 52 % at 30.6: +2,0 points, above the 1,9-point threshold
            ("Palvelujen ostot", 530.0, "ylitys"),
            ("Palvelujen ostot", 500.0, ""),
            ("Toimintatuotot", 470.0, "alitus"),
            ("Toimintatuotot", 530.0, ""),
        ],
    )
    def test_flags(self, group, actual, flag):
        f = budget_follow_up(budget([("a", group, 1000.0, 0.0, actual, 1010.0)]), MID.date(), overrun_threshold_pct=1.9)
        assert f.flag.iloc[0] == flag

    def test_figures_at_30_6(self):
        f = budget_follow_up(budget([("a", "Henkilöstökulut", 900.0, 100.0, 560.0, 1080.0)]), MID.date()).iloc[0]
        assert f.budget == 1000 and f.realisation_pct == pytest.approx(56) and f.expected == 500 and f.variance == 60
        assert f.variance_pct == pytest.approx(6) and f.forecast_variance == 80 and f.flag == "ylitys"

    def test_year_end_expects_everything(self):
        b = budget([("a", "Avustukset", 100.0, 0.0, 99.0, None)]).assign(period_end=pd.Timestamp("2022-12-31"))
        f = budget_follow_up(b, dt.date(2022, 12, 31)).iloc[0]
        assert f.expected_pct == 100 and f.variance == -1 and f.flag == ""

    def test_area_totals(self):
        f = budget_follow_up(
            budget(
                [
                    ("a", "Toimintatuotot", 100.0, 0.0, 60.0, 110.0),
                    ("a", "Henkilöstökulut", 300.0, 0.0, 140.0, 290.0),
                    ("a", "Avustukset", 50.0, 0.0, 30.0, 50.0),
                ]
            ),
            MID.date(),
        )
        t = area_totals(f).iloc[0]
        assert (t.income_actual, t.costs_actual, t.net_actual) == (60, 170, -110)
        assert t.net_forecast == 110 - 340


class TestKeyFigures:
    def test_embedded_2022(self):
        inputs = load_inputs(DATA_RAW)
        k = key_figures(inputs["budget"], inputs["observations"], inputs["population"], dt.date(2022, 12, 31))
        k = k.set_index("figure")
        assert k.loc["Tilikauden tulos", "value"] == 8.5 and not k.loc["Tilikauden tulos", "is_example"]
        assert k.loc["Toimintakate", "value"] == pytest.approx(15.6 - 94.7, abs=0.01)
        assert k.loc["Lainakanta", "value"] == pytest.approx(5189 * 6996 / 1e6)  # € per resident × the real population
        assert k.loc["Väkiluku", "value"] == 6996 and not k.loc["Väkiluku", "is_example"]  # Sotkanet, real

    def test_half_year_figures_name_their_months(self):
        # a January–June figure is not the year's: at 30.6. a period's figure says which months it covers
        inputs = load_inputs(DATA_RAW)
        k = key_figures(inputs["budget"], inputs["observations"], inputs["population"], dt.date(2022, 6, 30))
        names = set(k.figure)
        assert "Toimintakate 1–6/2022" in names and "Toimintakate" not in names
        assert not names & {"Tilikauden tulos", "Vuosikate asukasta kohden"}
        assert {"Väkiluku", "Lainakanta"} <= names  # a moment's figure has no months

    def test_per_resident(self):
        pop = pd.DataFrame({"period_end": [MID], "population": [7000]})
        assert per_resident(14_000, pop, MID.date()) == 2
        assert pd.isna(per_resident(14_000, pop, dt.date(2023, 6, 30)))
