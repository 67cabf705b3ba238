"""Report tables: a change in its own unit (percentage points for per cents), the note of its own comparison,
and a chart's number table with the target the status was decided against."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import fi
from kpi.inputs.datasets import load_inputs
from kpi.measures import changes as ch
from kpi.measures import status as st
from kpi.paths import DATA_RAW
from kpi.present import tables

NBSP = fi.NBSP


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def indicator_rows(inputs, period: dt.date, goal: str):
    s = inputs.strategy
    rules = st.StatusRules()
    statuses = st.indicator_statuses(s, inputs["observations"], period, rules=rules)
    changes = ch.indicator_changes(s, inputs["observations"], period)
    table = tables.indicator_table(s, goal, statuses, changes, inputs["observations"], period)
    return table.set_index("Indikaattori")


class TestChangeColumn:
    def test_a_change_of_a_percentage_is_in_percentage_points_with_its_sign(self, inputs):
        t = indicator_rows(inputs, dt.date(2022, 12, 31), "H2")
        name = inputs.strategy.indicator("lahiruoka_osuus").name
        assert t.loc[name, "Kauden arvo"] == f"24{NBSP}%"  # a value stays a per cent
        assert t.loc[name, "Muutos"] == f"+1{NBSP}%-yks."  # 23 % → 24 %: one percentage point

    def test_other_changes_are_signed_in_their_unit(self, inputs):
        t = indicator_rows(inputs, dt.date(2022, 12, 31), "H1")
        changes = ch.indicator_changes(inputs.strategy, inputs["observations"], dt.date(2022, 12, 31))
        moved = changes.dropna(subset=["change_previous"]).set_index("indicator_id")
        for name, change in t.Muutos.items():
            ind = next(i for i in inputs.strategy.indicators if i.name == name)
            if ind.id in moved.index and ind.unit != "%":
                value = moved.change_previous[ind.id]
                assert change == ("+" if fi.rounded(value, 2) > 0 else "") + fi.with_unit(value, ind.unit), name

    @pytest.mark.parametrize("goal", ["H1", "H2", "E1", "E3", "I1"])
    def test_a_change_shows_only_its_own_comparisons_note(self, inputs, goal):
        # 30.6.2023 → 31.12.2023 crosses no break: no row may say that a break stopped the change
        t = indicator_rows(inputs, dt.date(2023, 12, 31), goal)
        assert not t.Muutos.str.contains("sarjakatko").any(), t.Muutos.tolist()

    def test_a_break_between_the_period_and_the_previous_is_still_said(self, inputs):
        t = indicator_rows(inputs, dt.date(2023, 6, 30), "E1")  # 31.12.2022 → 30.6.2023 crosses 1.1.2023
        name = inputs.strategy.indicator("tuloveroprosentti").name
        assert t.loc[name, "Muutos"] == "sarjakatko 1.1.2023 (sote-uudistus): muutosta ei lasketa"


class TestSeriesTable:
    def test_a_half_year_total_is_shown_with_the_target_it_was_compared_with(self, inputs):
        points = ch.series(inputs.strategy, inputs["observations"], "uudet_yritykset_lkm", until=dt.date(2022, 6, 30))
        table = tables.series_table(points, "kpl").set_index("Kausi")
        half = points.iloc[-1]
        assert half.halved
        assert table.loc["30.6.2022", "Tavoitetaso"] == (
            f"{fi.with_unit(half.target / 2, 'kpl')} (puolet vuoden tavoitteesta {fi.with_unit(half.target, 'kpl')})"
        )
        year_end = points[points.period_end.dt.month == 12].dropna(subset=["target"]).iloc[-1]
        assert table.loc[fi.date(year_end.period_end), "Tavoitetaso"] == fi.with_unit(year_end.target, "kpl")

    def test_under_full_year_rules_the_whole_target_is_shown(self, inputs):
        points = ch.series(
            inputs.strategy,
            inputs["observations"],
            "uudet_yritykset_lkm",
            until=dt.date(2022, 6, 30),
            rules=st.StatusRules(flow_at_30_6="full_year"),
        )
        table = tables.series_table(points, "kpl").set_index("Kausi")
        assert table.loc["30.6.2022", "Tavoitetaso"] == fi.with_unit(points.iloc[-1].target, "kpl")

    def test_a_stock_indicator_and_a_band_keep_the_years_target(self, inputs):
        points = ch.series(inputs.strategy, inputs["observations"], "yritystontti_hinta")
        table = tables.series_table(points, "€/m²")
        # a band with an unspaced en dash and the unit once; a price in euros and cents
        assert table.Tavoitetaso.iloc[1] == f"3,00–5,00{NBSP}€/m²"
