"""Coverage counts, the completeness matrix, freshness and example values of a period."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.inputs.datasets import load_inputs
from kpi.inputs.quality import (
    completeness_matrix,
    example_values,
    indicator_freshness,
    period_coverage,
    source_freshness,
)
from kpi.paths import DATA_RAW


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


class TestPeriodCoverage:
    def test_counts_at_30_6_include_no_data_marks_of_yearly_indicators(self, inputs):
        c = period_coverage(inputs, dt.date(2022, 6, 30))
        assert c["indicators"] == 57 and c["no_data"] == 7 and c["values"] + c["no_data"] == 57
        assert c["milestones_valmis"] + c["milestones_käynnissä"] + c["milestones_ei aloitettu"] == 6


class TestCompletenessMatrix:
    def test_codes_per_indicator_and_period(self, inputs):
        m = completeness_matrix(inputs, until=dt.date(2022, 6, 30))
        assert list(m.columns) == [
            dt.date(2020, 12, 31),
            dt.date(2021, 6, 30),
            dt.date(2021, 12, 31),
            dt.date(2022, 6, 30),
        ]
        assert len(m) == 57
        assert m.loc["tyotyytyvaisyys", dt.date(2022, 6, 30)] == "no_data"
        assert m.loc["lahiruoka_osuus", dt.date(2022, 6, 30)] == "example"
        assert m.loc["tuloveroprosentti", dt.date(2022, 6, 30)] == "value"  # the real 21,50 %

    def test_missing_rows_show_as_missing(self, inputs):
        assert (completeness_matrix(inputs).loc[:, dt.date(2023, 12, 31)] != "missing").all()


class TestFreshness:
    def test_every_file_covers_the_year_end(self, inputs):
        f = source_freshness(inputs, dt.date(2022, 12, 31))
        assert f.covers_period.all() and len(f) == 8 and (f.sha256.str.len() == 12).all()

    def test_programmes_only_at_year_end(self, inputs):
        f = source_freshness(inputs, dt.date(2022, 6, 30)).set_index("file")
        assert not f.loc["ohjelmat.csv", "covers_period"] and f.loc["havainnot.csv", "covers_period"]

    def test_yearly_indicators_are_six_months_old_at_30_6(self, inputs):
        f = indicator_freshness(inputs, dt.date(2022, 6, 30)).set_index("indicator_id")
        assert f.loc["tyotyytyvaisyys", "months_old"] == 6 and f.loc["lahiruoka_osuus", "months_old"] == 0


class TestExampleValues:
    def test_lists_the_example_rows_of_the_period_only(self, inputs):
        ex = example_values(inputs, dt.date(2022, 12, 31))
        assert set(ex.file) >= {"havainnot.csv", "talousarvioseuranta.xlsx"}
        obs = ex[ex.file == "havainnot.csv"]
        assert "tilikauden_tulos_meur" not in set(obs.item)  # the real 8,5 M€
        assert "lahiruoka_osuus" in set(obs.item)
