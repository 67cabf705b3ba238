"""check_inputs: the embedded data passes for every period; each kind of mismatch is reported with file and rows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from kpi.errors import DataCheckError
from kpi.inputs.checks import check_inputs, period_coverage
from kpi.inputs.datasets import load_inputs
from kpi.paths import DATA_RAW

PERIODS = [dt.date(2020, 12, 31), dt.date(2021, 6, 30), dt.date(2021, 12, 31), dt.date(2022, 6, 30),
           dt.date(2022, 12, 31), dt.date(2023, 6, 30), dt.date(2023, 12, 31)]


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def with_table(inputs, name, frame):
    return dataclasses.replace(inputs, tables={**inputs.tables, name: frame})


def problems(inputs, period=dt.date(2023, 12, 31)) -> str:
    with pytest.raises(DataCheckError) as err:
        check_inputs(inputs, period)
    return str(err.value)


class TestCheckInputs:
    @pytest.mark.parametrize("period", PERIODS)
    def test_embedded_data_passes_for_every_period(self, inputs, period):
        check_inputs(inputs, period)

    def test_period_without_data(self, inputs):
        message = problems(inputs, dt.date(2024, 6, 30))
        assert "havainnot.csv: no row for 30.06.2024 for 57 indicators" in message
        assert "vaesto.csv: no population for 30.06.2024" in message

    def test_unknown_indicator_names_the_row(self, inputs):
        obs = inputs["observations"].copy()
        obs.loc[5, "indicator_id"] = "kustannus_per_asukas_x"
        message = problems(with_table(inputs, "observations", obs))
        assert "havainnot.csv, column 'indikaattori_id': indicator ids not in the strategy" in message
        assert f"row {obs.loc[5, 'source_row']}: 'kustannus_per_asukas_x'" in message

    def test_missing_row_for_the_period(self, inputs):
        obs = inputs["observations"]
        obs = obs[~((obs.indicator_id == "lahiruoka_osuus") & (obs.period_end == pd.Timestamp("2023-12-31")))]
        assert "no row for 31.12.2023 for 1 indicator: lahiruoka_osuus" in problems(with_table(inputs, "observations", obs))

    def test_period_end_not_30_6_or_31_12(self, inputs):
        obs = inputs["observations"].copy()
        obs.loc[0, "period_end"] = pd.Timestamp("2021-07-15")
        assert "a period end is 30.6. or 31.12.; 1 row (row 2: '15.07.2021')" in problems(
            with_table(inputs, "observations", obs))

    def test_duplicate_rows(self, inputs):
        obs = inputs["observations"]
        obs = pd.concat([obs, obs.iloc[[3]]], ignore_index=True)
        assert "more than one row for the same indicator and period end" in problems(with_table(inputs, "observations", obs))

    def test_empty_value_without_no_data_mark_and_both(self, inputs):
        obs = inputs["observations"].copy()
        obs.loc[1, "value"] = float("nan")
        nodata = obs.index[obs.no_data][0]
        obs.loc[nodata, "value"] = 1.0
        message = problems(with_table(inputs, "observations", obs))
        assert "empty value without the 'ei_tietoa' mark" in message
        assert "both a value and the 'ei_tietoa' mark" in message

    def test_unit_differs_from_strategy(self, inputs):
        obs = inputs["observations"].copy()
        obs.loc[0, "unit"] = "€"
        assert "unit differs from the strategy: row 2: '€' for toimintakulut_per_asukas (expected '€/asukas')" in \
            problems(with_table(inputs, "observations", obs))

    def test_unknown_status_words(self, inputs):
        ms = inputs["milestones"].copy()
        ms.loc[0, "status"] = "valmistunut"
        ass = inputs["assessments"].copy()
        ass.loc[0, "auditors_status"] = "hyvä"
        message = problems(with_table(with_table(inputs, "milestones", ms), "assessments", ass))
        assert "virstanpylvaat.csv, column 'tila': status must be one of valmis, käynnissä, ei aloitettu" in message
        assert "arviot.csv, column 'tarkastuslautakunnan_arvio'" in message

    def test_unknown_responsibility_area(self, inputs):
        budget = inputs["budget"].copy()
        budget.loc[0, "responsible_area"] = "tekninen"
        assert "talousarvioseuranta.xlsx, column 'vastuualue': responsibility areas not in the strategy" in problems(
            with_table(inputs, "budget", budget))


class TestPeriodCoverage:
    def test_counts_at_30_6_include_no_data_marks_of_yearly_indicators(self, inputs):
        c = period_coverage(inputs, dt.date(2022, 6, 30))
        yearly = sum(1 for i in inputs.strategy.indicators if i.frequency == "year")
        assert c["indicators"] == 57 and c["no_data"] >= yearly and c["values"] + c["no_data"] == 57
        assert c["milestones"] == 6
        assert c["milestones_valmis"] + c["milestones_käynnissä"] + c["milestones_ei aloitettu"] == 6
