"""The embedded dataset: complete for every period end, internally consistent, real figures kept with their source."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kpi.inputs.datasets import TABLES, load_inputs
from kpi.paths import DATA_RAW

PERIOD_ENDS = [
    pd.Timestamp(p)
    for p in ("2020-12-31", "2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31")
]


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def value(inputs, indicator_id, period):
    obs = inputs["observations"]
    return obs[(obs.indicator_id == indicator_id) & (obs.period_end == pd.Timestamp(period))].iloc[0]


class TestCompleteness:
    def test_every_indicator_has_a_row_for_each_of_the_seven_period_ends(self, inputs):
        obs = inputs["observations"]
        for indicator in inputs.strategy.indicators:
            periods = sorted(obs.loc[obs.indicator_id == indicator.id, "period_end"])
            assert periods == PERIOD_ENDS, indicator.id

    def test_every_milestone_has_a_status_for_each_period_end(self, inputs):
        ms = inputs["milestones"]
        for m in inputs.strategy.milestones:
            assert sorted(ms.loc[ms.measure_id == m.id, "period_end"]) == PERIOD_ENDS, m.id

    def test_yearly_indicators_have_an_explicit_no_data_mark_at_30_6(self, inputs):
        for indicator in inputs.strategy.indicators:
            if indicator.frequency == "year":
                row = value(inputs, indicator.id, "2022-06-30")
                assert row.no_data and pd.isna(row.value), indicator.id

    def test_budget_population_assessments_and_programmes_cover_the_periods(self, inputs):
        assert sorted(inputs["population"].period_end) == PERIOD_ENDS
        assert sorted(inputs["budget"].period_end.unique()) == PERIOD_ENDS
        budget = inputs["budget"]
        assert budget.loc[budget.period_end.dt.month == 6, "forecast"].notna().all()
        assert budget.loc[budget.period_end.dt.month == 12, "forecast"].isna().all()
        assessments = inputs["assessments"]
        assert len(assessments) == 15 * 3
        assert set(inputs["programmes"].programme_id) == {p.id for p in inputs.strategy.programmes}


class TestRealFiguresAndExamples:
    @pytest.mark.parametrize(
        ("period", "population"),
        [("2020-12-31", 7191), ("2021-12-31", 7105), ("2022-12-31", 6996), ("2023-12-31", 7029)],  # 2022: Sotkanet
    )
    def test_real_population_with_its_source(self, inputs, period, population):
        pop = inputs["population"]
        row = pop[pop.period_end == pd.Timestamp(period)].iloc[0]
        assert row.population == population and not row.is_example and row.source.startswith("https://")

    @pytest.mark.parametrize(
        ("indicator_id", "period", "expected"),
        [
            ("tilikauden_tulos_meur", "2022-12-31", 8.5),
            ("kertynyt_ylijaama_meur", "2022-12-31", 10.5),
            ("tuloveroprosentti", "2022-12-31", 21.5),
            ("tuloveroprosentti", "2023-12-31", 8.86),
            ("osallistuva_budjetointi_ehdotukset", "2022-12-31", 47),
            ("osallistuva_budjetointi_aanestajat", "2023-12-31", 174),
        ],
    )
    def test_real_observations_are_not_marked_as_examples(self, inputs, indicator_id, period, expected):
        row = value(inputs, indicator_id, period)
        assert row.value == expected and not row.is_example and row.source.startswith("https://")

    def test_every_value_is_either_real_with_a_url_or_an_example(self, inputs):
        obs = inputs["observations"]
        real = obs[obs.value.notna() & ~obs.is_example]
        assert len(real) >= 9
        assert real.source.str.startswith("https://").all()

    @pytest.mark.parametrize(
        ("indicator", "real"), [("vuosikate_eur_asukas", 695.9), ("lainakanta_eur_asukas", 5573.6)]
    )
    def test_2020_key_figures_are_the_official_ones(self, inputs, indicator, real):
        # Tilastokeskus, kuntien avainluvut 2021: the same figures are in vertailu.csv
        row = value(inputs, indicator, "2020-12-31")
        assert row.value == real and not row.is_example and "kuntien avainluvut" in row.note
        assert next(i for i in inputs.strategy.indicators if i.id == indicator).baseline == real

    def test_2022_adjustment_savings_total_the_real_1_3_meur(self, inputs):
        adj = inputs["adjustment"]
        total = adj.loc[adj.period_end == pd.Timestamp("2022-12-31"), "realised_eur"].sum()
        assert total == pytest.approx(1_300_000, abs=1_000)

    def test_the_sote_reform_shows_in_the_data(self, inputs):
        budget = inputs["budget"]
        assert "sote" not in set(budget.loc[budget.period_end.dt.year == 2023, "responsible_area"])
        assert (
            value(inputs, "toimintakulut_per_asukas", "2023-12-31").value
            < 0.6 * value(inputs, "toimintakulut_per_asukas", "2022-12-31").value
        )
        assert "Sarjakatko" in value(inputs, "tuloveroprosentti", "2023-12-31").note


class TestConsistency:
    @pytest.mark.parametrize("period", PERIOD_ENDS)
    def test_cost_per_resident_equals_budget_costs_over_population(self, inputs, period):
        budget = inputs["budget"]
        costs = budget.loc[(budget.period_end == period) & (budget.account_group != "Toimintatuotot"), "actual"].sum()
        pop = inputs["population"].set_index("period_end").population[period]
        assert value(inputs, "toimintakulut_per_asukas", period).value == round(costs / pop)

    def test_real_2022_changes_in_operating_income_and_costs(self, inputs):
        budget = inputs["budget"]
        year_end = budget[budget.period_end.dt.month == 12]
        income = year_end[year_end.account_group == "Toimintatuotot"].groupby(year_end.period_end.dt.year).actual.sum()
        costs = year_end[year_end.account_group != "Toimintatuotot"].groupby(year_end.period_end.dt.year).actual.sum()
        assert income[2022] - income[2021] == pytest.approx(1.3e6, abs=1e4)  # tilinpäätös 2022: +1,3 M€
        assert costs[2022] - costs[2021] == pytest.approx(4.3e6, abs=1e4)  # tilinpäätös 2022: +4,3 M€

    def test_cumulative_adjustment_indicator_matches_the_programme_file(self, inputs):
        adj = inputs["adjustment"]
        year_ends = adj[adj.period_end.dt.month == 12]
        cumulative = year_ends.groupby(year_ends.period_end).realised_eur.sum().cumsum() / 1e6
        for period, total in cumulative.items():
            assert value(inputs, "sopeutus_saasto_kertyma", period).value == pytest.approx(total, abs=0.01)

    def test_units_match_the_strategy(self, inputs):
        units = {i.id: i.unit for i in inputs.strategy.indicators}
        obs = inputs["observations"]
        assert (obs.unit == obs.indicator_id.map(units)).all()


class TestDataDictionary:
    def test_every_file_and_column_is_documented(self):
        readme = (DATA_RAW / "README.md").read_text(encoding="utf-8")
        for spec in TABLES.values():
            assert f"`{spec.file_name}`" in readme, spec.file_name
            for column in spec.columns:
                assert re.search(rf"\|\s*`{re.escape(column.header)}`\s*\|", readme), (spec.file_name, column.header)
        assert "`strategia.yaml`" in readme

    def test_each_csv_dialect_and_xlsx_is_shipped(self):
        raw = {p.name: p.read_bytes() for p in DATA_RAW.iterdir()}
        assert raw["havainnot.csv"].startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
        text = raw["vaesto.csv"].decode("cp1252")  # Windows-1252 ...
        with pytest.raises(UnicodeDecodeError):
            raw["vaesto.csv"].decode("utf-8")
        assert "\u00a0" in text  # ... with no-break-space thousands
        assert any(name.endswith(".xlsx") for name in raw)
