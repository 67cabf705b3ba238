"""Sotkanet: the R client's CSV in the open folder, and the REST API's JSON and CSV with its region list."""

from __future__ import annotations

import json
import shutil

import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import read_open_file
from tests.inputs.open_data.conftest import KEMIJARVI, KEY_FIGURES, PEERS, SOTKANET


@pytest.fixture(scope="module")
def population(open_dir, classification):
    return read_open_file(open_dir / SOTKANET, classification, unknown="drop")


def value(frame, code, period, indicator="vakiluku"):
    hit = frame[(frame.municipality_code == code) & (frame.period == period) & (frame.indicator == indicator)]
    assert len(hit) == 1, (code, period, indicator)
    return hit["value"].iloc[0]


def test_kemijarvi_population(population):
    assert value(population, KEMIJARVI, "2021") == 7105
    assert value(population, KEMIJARVI, "2022") == 6996
    assert set(population["table_id"]) == {"sotkanet:127"}
    assert set(population["source"]) == {"THL Sotkanet"}
    assert set(population.loc[population.indicator == "vakiluku", "unit"]) == {"henkilöä"}


def test_the_same_population_as_the_key_figures(open_dir, classification, population):
    key_figures = read_open_file(open_dir / KEY_FIGURES, classification, unknown="drop")
    both = key_figures[(key_figures.indicator == "vakiluku") & (key_figures.period == "2021")].merge(
        population[population.period == "2021"], on=["municipality_code", "indicator", "period"]
    )
    assert len(both) == 308  # every municipality of the 2025 classification
    assert value(key_figures, KEMIJARVI, "2021") == value(population, KEMIJARVI, "2021") == 7105
    assert (both["value_x"] == both["value_y"]).all()  # the same figure from two sources


def test_every_year_of_the_peers(population):
    for code in [KEMIJARVI, *PEERS]:
        assert sorted(population.loc[population.municipality_code == code, "period"]) == [
            str(y) for y in range(2000, 2023)
        ]


def test_a_code_not_in_the_classification(open_dir, classification, population):
    # Pertunmaa (588) is missing from the 2025 classification file: an error unless dropped
    assert population.attrs["dropped_municipalities"] == {"588": 23}
    with pytest.raises(
        InputFileError,
        match=r"sotkanet-127-vakiluku-2000-2022\.csv: 1 municipality is not in the classification.*'588' \(rows 42, 157",
    ):
        read_open_file(open_dir / SOTKANET, classification)


# ---------------------------------------------------------------- the REST API

# The shapes documented for https://sotkanet.fi/rest/1.1/json?indicator=127&years=2021&years=2022&genders=…
# and https://sotkanet.fi/rest/1.1/regions (ids are Sotkanet's own; codes are municipality codes for KUNTA).
REGIONS = [
    {"id": 5, "code": "320", "category": "KUNTA", "title": {"fi": "Kemijärvi", "sv": "Kemijärvi", "en": "Kemijärvi"}},
    {"id": 6, "code": "240", "category": "KUNTA", "title": {"fi": "Kemi", "sv": "Kemi", "en": "Kemi"}},
    {"id": 658, "code": "246", "category": "MAA", "title": {"fi": "Suomi", "sv": "Finland", "en": "Finland"}},
    {"id": 971, "code": "21", "category": "HYVINVOINTIALUE", "title": {"fi": "Lapin hyvinvointialue"}},
]
DATA = [
    {"indicator": 127, "region": 5, "year": 2021, "gender": "total", "value": 7105, "absValue": 7105},
    {"indicator": 127, "region": 5, "year": 2021, "gender": "male", "value": 3571, "absValue": 3571},
    {"indicator": 127, "region": 5, "year": 2021, "gender": "female", "value": 3534, "absValue": 3534},
    {"indicator": 127, "region": 5, "year": 2022, "gender": "total", "value": 6996, "absValue": 6996},
    {"indicator": 127, "region": 6, "year": 2022, "gender": "total", "value": None, "absValue": None},
    {"indicator": 127, "region": 658, "year": 2022, "gender": "total", "value": 5563970, "absValue": 5563970},
    {"indicator": 127, "region": 971, "year": 2022, "gender": "total", "value": 176000, "absValue": 176000},
]


@pytest.fixture()
def api_data(tmp_path):
    path = tmp_path / "sotkanet-127.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    (tmp_path / "sotkanet-regions.json").write_text(json.dumps(REGIONS), encoding="utf-8")
    return path


def test_api_json_with_the_region_list_beside_it(api_data, classification):
    frame = read_open_file(api_data, classification)
    assert frame.attrs["format"] == "sotkanet"
    got = {(r.municipality_code, r.period): r.value for r in frame.itertuples()}
    assert got == {("320", "2021"): 7105, ("320", "2022"): 6996, ("SSS", "2022"): 5563970}
    assert frame.attrs["missing"] == 1  # Kemi 2022 has no value
    assert frame.attrs["dropped_regions"] == {"regions other than municipalities": 1}
    assert set(frame["indicator"]) == {"vakiluku"}


def test_api_json_with_genders(api_data, classification):
    frame = read_open_file(api_data, classification, sotkanet_genders=("total", "male", "female"))
    by = frame.set_index(["indicator", "period"])
    assert by.loc[("vakiluku_male", "2021"), "value"] == 3571
    assert by.loc[("vakiluku_female", "2021"), "indicator_name"] == "Väkiluku (naiset)"
    assert by.loc[("vakiluku", "2021"), "value"] == 7105


def test_api_json_needs_its_region_list(tmp_path, classification):
    path = tmp_path / "data.json"
    path.write_text(json.dumps(DATA), encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"data\.json: Sotkanet data names regions by Sotkanet's own ids \(region 5 …\)"
    ):
        read_open_file(path, classification)
    regions = tmp_path / "elsewhere.json"
    regions.write_text(json.dumps(REGIONS), encoding="utf-8")
    assert len(read_open_file(path, classification, sotkanet_regions=regions)) == 3


def test_api_csv_with_region_ids(tmp_path, classification):
    (tmp_path / "regions.json").write_text(json.dumps(REGIONS), encoding="utf-8")
    path = tmp_path / "data.csv"
    path.write_text(
        "indicator;region;year;gender;primary value;absolute value\n"
        "127;5;2021;total;7105;7105\n127;5;2021;male;3571;3571\n127;6;2021;total;19982;19982\n",
        encoding="utf-8",
    )
    frame = read_open_file(path, classification, sotkanet_regions=tmp_path / "regions.json")
    assert sorted(zip(frame.municipality_code, frame.value)) == [("240", 19982.0), ("320", 7105.0)]


def test_an_unknown_indicator_and_a_region_not_in_the_list(tmp_path, classification):
    (tmp_path / "regions.json").write_text(json.dumps(REGIONS), encoding="utf-8")
    path = tmp_path / "data.json"
    path.write_text(json.dumps([{"indicator": 4242, "region": 5, "year": 2021, "gender": "total", "value": 1.5}]))
    frame = read_open_file(path, classification)
    assert frame[["indicator", "indicator_name", "table_id"]].iloc[0].tolist() == [
        "sotkanet_4242",
        "Sotkanet-indikaattori 4242",
        "sotkanet:4242",
    ]
    path.write_text(json.dumps([{"indicator": 127, "region": 77, "year": 2021, "gender": "total", "value": 1}]))
    with pytest.raises(InputFileError, match=r"data\.json: region ids 77 are not in the Sotkanet region list"):
        read_open_file(path, classification)


def test_a_csv_that_does_not_say_its_indicator(open_dir, tmp_path, classification):
    path = tmp_path / "vakiluku.csv"
    shutil.copyfile(open_dir / SOTKANET, path)
    with pytest.raises(InputFileError, match=r"vakiluku\.csv: the file does not say which Sotkanet indicator"):
        read_open_file(path, classification, unknown="drop")
    frame = read_open_file(path, classification, unknown="drop", sotkanet_indicator=127)
    assert value(frame, KEMIJARVI, "2022") == 6996
