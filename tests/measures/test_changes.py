"""Changes against the previous period, a year earlier and the baseline; series breaks and half-year totals."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.changes import crosses_break, indicator_changes, previous_period_end, series, year_earlier
from kpi.paths import DATA_RAW


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


class TestReferencePeriods:
    @pytest.mark.parametrize(
        ("period", "previous", "year_ago"),
        [
            (dt.date(2023, 6, 30), dt.date(2022, 12, 31), dt.date(2022, 6, 30)),
            (dt.date(2023, 12, 31), dt.date(2023, 6, 30), dt.date(2022, 12, 31)),
        ],
    )
    def test_previous_and_year_ago(self, period, previous, year_ago):
        assert previous_period_end(period) == previous and year_earlier(period) == year_ago


class TestIndicatorChanges:
    def test_stock_changes_against_all_three(self, inputs):
        c = indicator_changes(inputs.strategy, inputs["observations"], dt.date(2022, 12, 31)).set_index("indicator_id")
        row = c.loc["lahiruoka_osuus"]
        assert (row.value, row.previous, row.year_ago, row.baseline) == (24, 23, 21, 18)
        assert (row.change_previous, row.change_year_ago, row.change_baseline) == (1, 3, 6)
        assert row.pct_baseline == pytest.approx(100 * 6 / 18)

    def test_flow_at_30_6_is_not_compared_with_a_whole_year(self, inputs):
        c = indicator_changes(inputs.strategy, inputs["observations"], dt.date(2022, 6, 30)).set_index("indicator_id")
        row = c.loc["uudet_yritykset_lkm"]
        assert pd.isna(row.change_previous) and pd.isna(row.change_baseline)
        assert row.change_year_ago == 17 - 14
        assert row.note_previous == "ei laskettu: kertymää 1.1.–30.6.2022 ei verrata koko vuoden 2021 lukuun"

    def test_series_break_is_flagged_not_computed(self, inputs):
        c = indicator_changes(inputs.strategy, inputs["observations"], dt.date(2023, 12, 31)).set_index("indicator_id")
        row = c.loc["toimintakulut_per_asukas"]
        assert pd.isna(row.change_year_ago) and pd.isna(row.change_baseline)
        assert "sarjakatko 1.1.2023 (sote-uudistus)" in row.note
        # flow: the 1–12 total is not compared with the 1–6 total of 30.6.2023, and the note says why
        assert row.previous == 3199 and pd.isna(row.change_previous)
        assert "ei laskettu: koko vuoden kertymää (1–12) ei verrata kertymään 1.1.–30.6.2023" in row.note

    def test_each_change_has_only_its_own_comparisons_note(self, inputs):
        # 30.6.2023 → 31.12.2023 crosses no break; the year-ago and baseline comparisons do (1.1.2023)
        c = indicator_changes(inputs.strategy, inputs["observations"], dt.date(2023, 12, 31)).set_index("indicator_id")
        flow = c.loc["toimintakulut_per_asukas"]
        assert flow.note_previous == "ei laskettu: koko vuoden kertymää (1–12) ei verrata kertymään 1.1.–30.6.2023"
        assert flow.note_year_ago == flow.note_baseline == "sarjakatko 1.1.2023 (sote-uudistus): muutosta ei lasketa"
        stock = c.loc["tuloveroprosentti"]
        assert stock.note_previous == "" and stock.change_previous == 0
        assert "sarjakatko 1.1.2023 (sote-uudistus)" in stock.note_year_ago
        for row in c.itertuples():
            if "sarjakatko" in row.note_previous:
                assert crosses_break(inputs.strategy, row.Index, dt.date(2023, 6, 30), dt.date(2023, 12, 31))
        # the joined note stays for a reader of the whole row
        assert "sarjakatko" in flow.note and "kertymä" in flow.note

    def test_no_value_no_change(self, inputs):
        c = indicator_changes(inputs.strategy, inputs["observations"], dt.date(2022, 6, 30)).set_index("indicator_id")
        assert pd.isna(c.loc["tyotyytyvaisyys", "value"]) and pd.isna(c.loc["tyotyytyvaisyys", "change_year_ago"])


class TestSeries:
    def test_series_with_targets_and_break(self, inputs):
        s = series(inputs.strategy, inputs["observations"], "tuloveroprosentti")
        assert len(s) == 7 and s.after_break.tolist() == [False] * 5 + [True, False]
        assert s.target.iloc[-1] == 8.86 and pd.isna(s.target.iloc[0])

    def test_until_leaves_out_later_period_ends(self, inputs):
        s = series(inputs.strategy, inputs["observations"], "tuloveroprosentti", until=dt.date(2022, 6, 30))
        assert s.period_end.dt.date.tolist() == [
            dt.date(2020, 12, 31),
            dt.date(2021, 6, 30),
            dt.date(2021, 12, 31),
            dt.date(2022, 6, 30),
        ]
        assert not s.after_break.any()

    def test_band_target_middle(self, inputs):
        s = series(inputs.strategy, inputs["observations"], "yritystontti_hinta")
        assert s.target.iloc[1] == 4.0 and s.target_low.iloc[1] == 3.0 and s.target_high.iloc[1] == 5.0


class TestSeriesComparedTarget:
    def test_a_half_year_total_is_compared_with_half_the_target_under_the_rules(self, inputs):
        from kpi.measures.changes import series
        from kpi.measures.status import StatusRules

        prorated = series(inputs.strategy, inputs["observations"], "uudet_yritykset_lkm", until=dt.date(2022, 6, 30))
        whole = series(
            inputs.strategy,
            inputs["observations"],
            "uudet_yritykset_lkm",
            until=dt.date(2022, 6, 30),
            rules=StatusRules(flow_at_30_6="full_year"),
        )
        last, last_whole = prorated.iloc[-1], whole.iloc[-1]
        assert last.halved and last.compared_target == last.target / 2
        assert not last_whole.halved and last_whole.compared_target == last_whole.target
        year_end = prorated[prorated.period_end.dt.month == 12]
        assert year_end.compared_target.equals(year_end.target) and not year_end.halved.any()
