"""The city beside its peers: peer rule, population index, key figures, unemployment, findings (real and hand-made)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.errors import ParameterError
from kpi.inputs.comparison import classification_of, read_comparison
from kpi.measures import comparison as cmp
from kpi.paths import DATA_RAW, DEFAULT_PARAMS_FILE
from kpi.yamlio import load_yaml

DEFAULTS = load_yaml(DEFAULT_PARAMS_FILE, error=ParameterError)["comparison"]
PEERS = ["240", "851", "305", "758", "732", "614", "583", "698"]


@pytest.fixture(scope="module")
def classification():
    return classification_of(DATA_RAW)


@pytest.fixture(scope="module")
def table():
    return read_comparison(DATA_RAW)


def rows(*cells, indicator="vakiluku", source="THL Sotkanet", table_id="sotkanet:127", unit="henkilöä"):
    """A comparison table from (code, period, value) cells."""
    return pd.DataFrame(
        [
            {
                "municipality_code": code,
                "municipality": {"320": "Kemijärvi", "SSS": "Koko maa"}.get(code, f"Kunta {code}"),
                "indicator": indicator,
                "indicator_name": indicator.capitalize(),
                "period": period,
                "value": float(value),
                "unit": unit,
                "source": source,
                "table_id": table_id,
                "retrieved": "2024-01-15",
            }
            for code, period, value in cells
        ]
    )


class TestPeerCodes:
    def test_the_listed_peers_as_codes_in_their_order(self, classification, table):
        assert cmp.peer_codes(DEFAULTS, classification, table) == PEERS

    def test_the_city_and_repeats_are_dropped_and_short_codes_padded(self, classification, table):
        params = {**DEFAULTS, "peers": [320, 5, "240", 240]}
        assert cmp.peer_codes(params, classification, table) == ["005", "240"]

    @pytest.mark.parametrize("bad", [999, "Kemi", "SSS"])
    def test_a_code_not_in_the_classification_names_the_parameter_and_the_code(self, classification, table, bad):
        with pytest.raises(ParameterError, match=rf"comparison\.peers: {bad!r} is not a municipality code"):
            cmp.peer_codes({**DEFAULTS, "peers": [240, bad]}, classification, table)

    def test_an_unknown_city_names_comparison_municipality(self, classification, table):
        with pytest.raises(ParameterError, match="comparison.municipality: 1 is not"):
            cmp.peer_codes({**DEFAULTS, "municipality": 1}, classification, table)

    def test_by_seutukunta_every_other_municipality_of_itä_lappi(self, classification, table):
        params = {**DEFAULTS, "peers": [], "peer_group": "seutukunta"}
        names = [classification.name_of(c) for c in cmp.peer_codes(params, classification, table)]
        assert names == ["Pelkosenniemi", "Posio", "Salla", "Savukoski"]
        assert cmp.group_name(params, classification) == "Itä-Lappi"

    def test_by_maakunta_within_a_population_range(self, classification, table):
        params = {**DEFAULTS, "peers": [], "peer_group": "maakunta", "peer_population": [1000, 20000]}
        codes = cmp.peer_codes(params, classification, table)
        population = cmp.latest_population(table)
        m = classification.municipalities.set_index("municipality_code")
        assert codes and "320" not in codes
        assert set(m.maakunta[codes]) == {"Lappi"}
        assert all(1000 <= population[c] <= 20000 for c in codes)
        names = {classification.name_of(c) for c in codes}
        assert "Kemi" in names  # 19 499 in 2022
        assert not names & {"Rovaniemi", "Tornio", "Pelkosenniemi"}  # 64 535, 21 227 and 947
        everyone = cmp.peer_codes({**params, "peer_population": [0, 0]}, classification, table)
        assert len(everyone) == 20 and set(codes) < set(everyone)

    def test_a_minimum_alone_keeps_the_larger_ones(self, classification, table):
        params = {**DEFAULTS, "peers": [], "peer_group": "maakunta", "peer_population": [15000, 0]}
        names = {classification.name_of(c) for c in cmp.peer_codes(params, classification, table)}
        assert names == {"Kemi", "Tornio", "Rovaniemi"}  # Kuusamo (15 146) is in Pohjois-Pohjanmaa

    def test_by_kuntaryhmitys_the_same_group(self, classification, table):
        params = {**DEFAULTS, "peers": [], "peer_group": "kuntaryhmitys"}
        codes = cmp.peer_codes(params, classification, table)
        m = classification.municipalities.set_index("municipality_code")
        assert len(codes) > 100 and set(m.kuntaryhmitys_code[codes]) == {m.kuntaryhmitys_code["320"]}

    def test_no_peers_and_no_group_is_a_parameter_error(self, classification, table):
        with pytest.raises(ParameterError, match="comparison.peer_group: ''"):
            cmp.peer_codes({**DEFAULTS, "peers": []}, classification, table)

    @pytest.mark.parametrize("limits", [[5000, 1000], [1000], "1000-5000", [-1, 0]])
    def test_a_population_range_that_is_not_min_max_is_a_parameter_error(self, classification, table, limits):
        params = {**DEFAULTS, "peers": [], "peer_group": "maakunta", "peer_population": limits}
        with pytest.raises(ParameterError, match="comparison.peer_population"):
            cmp.peer_codes(params, classification, table)


class TestKnownAt:
    def test_a_half_year_report_leaves_out_what_ended_later(self):
        t = rows(("320", "2021", 1), ("320", "2022", 2), ("320", "2022-06", 3), ("320", "2022-07", 4))
        assert list(cmp.known_at(t, dt.date(2022, 6, 30)).period) == ["2021", "2022-06"]
        assert len(cmp.known_at(t, dt.date(2022, 12, 31))) == 4

    def test_the_period_end_of_a_month_and_a_year(self):
        assert cmp.period_end_of("2020-02") == dt.date(2020, 2, 29)
        assert cmp.period_end_of("2020-12") == dt.date(2020, 12, 31)
        assert cmp.period_end_of("2021") == dt.date(2021, 12, 31)


class TestPopulationIndex:
    def test_kemijärvi_from_the_embedded_data(self, table):
        index = cmp.population_index(table, ["320", *PEERS])
        f = index.frame
        assert index.base_year == 2000
        assert (f[f.year == 2000]["index"] == 100).all() and f[f.year == 2000].municipality_code.nunique() == 10
        kemijarvi = f[f.municipality_code == "320"].set_index("year")
        assert kemijarvi.population[2022] == 6996 and kemijarvi.population[2021] == 7105
        assert kemijarvi["index"][2022] == pytest.approx(6996 / kemijarvi.population[2000] * 100)
        s = index.summary.set_index("municipality")
        assert list(index.summary.role) == ["city"] + ["peer"] * 8 + ["country"]
        assert s.loc["Rovaniemi", "rank"] == 1 and s.loc["Salla", "rank"] == 9 and s.loc["Kemijärvi", "rank"] == 7

    def test_the_country_is_the_sum_of_the_municipalities_when_its_own_rows_do_not_cover_the_years(self):
        t = rows(
            ("320", "2000", 100), ("320", "2001", 90), ("240", "2000", 50), ("240", "2001", 60), ("SSS", "2001", 1)
        )
        index = cmp.population_index(t, ["320", "240"])
        country = index.frame[index.frame.role == "country"].set_index("year").population
        assert list(country) == [150, 150]
        assert index.notes and "summa" in index.notes[0] and "(2)" in index.notes[0]

    def test_the_countrys_own_rows_when_they_cover_every_year(self):
        t = rows(("320", "2000", 100), ("320", "2001", 90), ("SSS", "2000", 1000), ("SSS", "2001", 1100))
        index = cmp.population_index(t, ["320"])
        country = index.frame[index.frame.role == "country"]
        assert list(country["index"]) == [100, pytest.approx(110)] and not index.notes

    def test_the_first_common_year_is_100_and_a_later_start_moves_it(self):
        t = rows(
            ("320", "2000", 100), ("320", "2001", 80), ("320", "2002", 60), ("240", "2001", 10), ("240", "2002", 11)
        )
        index = cmp.population_index(t, ["320", "240"])
        assert index.base_year == 2001
        assert list(index.frame[index.frame.municipality_code == "320"]["index"]) == [100, 75]

    def test_a_chosen_first_year_leaves_out_a_series_without_it(self):
        t = rows(("320", "2000", 100), ("320", "2001", 80), ("240", "2001", 10))
        index = cmp.population_index(t, ["320", "240"], first_year=2000)
        assert set(index.frame.municipality_code) == {"320", "SSS"}
        assert any("Kunta 240: ei väkilukua vuodelta 2000" in n for n in index.notes)

    def test_one_source_per_series_when_two_tables_give_the_same_year(self):
        t = pd.concat(
            [
                rows(("320", "2020", 100), ("320", "2021", 90)),
                rows(("320", "2021", 95), source="Tilastokeskus, kuntien avainluvut", table_id="avainluvut"),
            ]
        )
        index = cmp.population_index(t, ["320"])
        city = index.frame[index.frame.role == "city"]
        assert list(city.population) == [100, 90] and set(city.source) == {"THL Sotkanet"}


def key_table():
    figure = dict(indicator="vuosikate_euroa_asukas", source="Tilastokeskus, kuntien avainluvut", table_id="t")
    return pd.concat(
        [
            rows(("320", "2019", 1), ("320", "2020", 10), ("240", "2020", 5), ("851", "2020", 10), **figure),
            rows(("305", "2020", 20), ("758", "2019", 99), ("SSS", "2020", 7), **figure),
        ]
    ).assign(unit="€/asukas", indicator_name="Vuosikate")


class TestKeyFigures:
    def test_median_of_the_peers_and_a_shared_rank(self):
        key = cmp.key_figures(key_table(), "320", ["240", "851", "305", "758"])
        s = key.summary.iloc[0]
        assert s.year == 2020 and s.city == 10 and s["median"] == 10  # of 5, 10, 20; 758 has no 2020 value
        assert s["rank"] == 2 and s.ranked == 4  # 20 first, then 10 and 10 share the second place, 5 is fourth
        assert (s.lowest, s.highest, s.country, s.difference) == (5, 20, 7, 0)
        values = key.values.set_index("municipality_code")
        assert list(values.index) == ["320", "240", "851", "305", "758"]
        assert values["rank"]["851"] == 2 and values["rank"]["240"] == 4 and pd.isna(values.value["758"])

    def test_the_latest_year_the_city_has(self):
        t = key_table()
        key = cmp.key_figures(t[~((t.municipality_code == "320") & (t.period == "2020"))], "320", ["240", "758"])
        assert key.summary.year.iloc[0] == 2019 and key.summary.city.iloc[0] == 1
        assert key.summary["median"].iloc[0] == 99  # only 758 has 2019

    def test_kemijärvi_from_the_embedded_data(self, table):
        key = cmp.key_figures(table, "320", PEERS)
        s = key.summary.set_index("indicator")
        assert list(s.index) == list(cmp.KEY_FIGURES)
        v = s.loc["vuosikate_euroa_asukas"]
        assert (v.year, v.city, v["median"], v["rank"], v.ranked) == (2020, 695.9, pytest.approx(571.3), 3, 9)
        assert v.source == "Tilastokeskus, kuntien avainluvut"
        assert s.loc["ika_yli_64_osuus"].year == 2021 and s.loc["taloudellinen_huoltosuhde"]["rank"] == 1


class TestUnemployment:
    def test_the_yearly_rate_is_the_mean_of_the_months_with_both_values(self):
        unemployed = [("320", f"2019-{m:02d}", 10) for m in range(1, 13)] + [
            ("320", "2020-01", 10),
            ("320", "2020-02", 40),
            ("320", "2020-03", 30),
        ]
        force = [("320", f"2019-{m:02d}", 100) for m in range(1, 13)] + [
            ("320", "2020-01", 100),
            ("320", "2020-03", 100),
        ]
        t = pd.concat([rows(*unemployed, indicator="tyottomat"), rows(*force, indicator="tyovoima")])
        rates = cmp.unemployment(t, ["320"]).set_index("year")
        assert rates.rate[2019] == pytest.approx(10) and rates.months[2019] == 12
        assert rates.rate[2020] == pytest.approx(20) and rates.months[2020] == 2  # February has no labour force

    def test_rank_and_the_peers_median_per_year(self):
        cells = {"320": 30, "240": 10, "851": 20, "305": 40}
        t = pd.concat(
            [
                rows(*[(c, "2020-01", v) for c, v in cells.items()], indicator="tyottomat"),
                rows(*[(c, "2020-01", 100) for c in cells], indicator="tyovoima"),
            ]
        )
        rates = cmp.unemployment(t, ["320", "240", "851", "305"]).set_index("municipality_code")
        assert rates["rank"]["320"] == 2 and rates["median"]["320"] == pytest.approx(20)

    def test_kemijärvi_2020_has_ten_months(self, table):
        rates = cmp.unemployment(table, ["320", *PEERS])
        city = rates[rates.municipality_code == "320"].set_index("year")
        assert list(city.index) == list(range(2006, 2021)) and city.months[2020] == 10 and city.months[2019] == 12
        assert 5 < city.rate[2020] < 30


class TestFindings:
    def test_sentences_on_the_embedded_data(self, table):
        index = cmp.population_index(table, ["320", *PEERS])
        key = cmp.key_figures(table, "320", PEERS)
        rates = cmp.unemployment(table, ["320", *PEERS])
        text = cmp.findings(index, key, rates, city="Kemijärvi")
        assert text[0].startswith(
            "Kemijärvi menetti väestöstään 33,3\u00a0% vuosina 2000–2022 (10\u00a0484 → 6\u00a0996)"
        )
        assert (
            "Vuosikate: 696\u00a0€/asukas vuonna 2020, 125\u00a0€/asukas suurempi kuin vertailukuntien mediaani "
            "(571\u00a0€/asukas)." in text
        )
        assert any(t.startswith("Työllisyysaste: 62,3") and t.endswith("vertailun pienin.") for t in text)
        assert text[-1].startswith("Työnvälitystilaston mukaan") and "(10 kuukauden keskiarvo)" in text[-1]

    def test_equal_and_most(self):
        key = cmp.key_figures(key_table(), "320", ["240", "851", "305"])
        index = cmp.population_index(
            rows(("320", "2000", 100), ("320", "2001", 50), ("240", "2000", 9), ("240", "2001", 9)), ["320", "240"]
        )
        text = cmp.findings(index, key, cmp.unemployment(key_table(), ["320"]), city="Kemijärvi")
        assert "eniten vertailukunnista" in text[0]
        # whole numbers as published keep no decimals
        assert ", sama kuin vertailukuntien mediaani (10\u00a0€/asukas)" in text[1]


class TestSources:
    def test_each_source_with_its_years_and_the_licence(self, table):
        index = cmp.population_index(table, ["320", *PEERS])
        key = cmp.key_figures(table, "320", PEERS)
        s = cmp.sources(index.frame, key.values).set_index("source")
        assert (s.loc["THL Sotkanet", "first"], s.loc["THL Sotkanet", "last"]) == (2000, 2022)
        assert (
            s.loc["Tilastokeskus, kuntien avainluvut", "first"],
            s.loc["Tilastokeskus, kuntien avainluvut", "last"],
        ) == (2020, 2021)
        assert set(s.licence) == {"CC BY 4.0"} and all(s.retrieved)

    def test_the_latest_year_of_the_city(self, table):
        assert cmp.latest_year(table, "320") == 2022 and cmp.latest_year(table, "999") is None
