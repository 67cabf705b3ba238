"""detect_format judges every open file by its content: the real files, renamed copies and files of no format."""

from __future__ import annotations

import shutil

import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import FORMATS, detect_format, load_pxweb_query, read_open_file
from tests.inputs.open_data.conftest import CLASSIFICATION, JSONSTAT, KEY_FIGURES, QUERY, SOTKANET, TYONV

EXPECTED = {
    KEY_FIGURES: "pxweb_csv",
    SOTKANET: "sotkanet",
    CLASSIFICATION: "classification",
    TYONV: "long_csv",
    JSONSTAT: "jsonstat2",
    QUERY: "pxweb_query",
}


def test_every_open_file_is_covered(open_dir):
    assert {p.name for p in open_dir.iterdir() if p.suffix in (".csv", ".json")} == set(EXPECTED)


@pytest.mark.parametrize(("file_name", "fmt"), sorted(EXPECTED.items()))
def test_each_real_file(open_dir, file_name, fmt):
    assert detect_format(open_dir / file_name) == fmt


@pytest.mark.parametrize(("file_name", "fmt"), sorted(EXPECTED.items()))
def test_by_content_not_by_name(open_dir, tmp_path, file_name, fmt):
    renamed = tmp_path / "download.txt"
    shutil.copyfile(open_dir / file_name, renamed)
    assert detect_format(renamed) == fmt


def test_the_query_reads_and_matches_its_response(open_dir, classification):
    query = load_pxweb_query(open_dir / QUERY)
    assert query.response_format == "json-stat2"
    assert query.selection["Vuosi"] == ["2020", "2021", "2022"]
    assert query.selection["Sukupuoli"] == ["SSS", "1", "2"]
    frame = read_open_file(open_dir / JSONSTAT, classification)
    assert sorted(frame["period"].unique()) == query.selection["Vuosi"]
    assert frame["indicator"].str.contains("_ika_20_24").any() and frame["indicator"].str.contains("_ika_65_69").any()


def test_the_classification_and_the_query_hold_no_statistics(open_dir, classification):
    with pytest.raises(InputFileError, match=r"kuntaluokitus-2025\.csv: .*classification.*load_classification"):
        read_open_file(open_dir / CLASSIFICATION, classification)
    with pytest.raises(InputFileError, match=r"query\.json: .*PxWeb API query.*load_pxweb_query"):
        read_open_file(open_dir / QUERY, classification)


def test_a_file_of_no_known_format_names_the_known_ones(tmp_path):
    path = tmp_path / "muistio.csv"
    path.write_text("otsikko;teksti\nhuomio;jotain\n", encoding="utf-8")
    with pytest.raises(InputFileError) as err:
        detect_format(path)
    message = str(err.value)
    assert "muistio.csv: not a file of a known format" in message
    assert "'otsikko', 'teksti'" in message
    for words in FORMATS.values():
        assert words in message


def test_json_of_no_known_format(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"name": "x", "rows": []}', encoding="utf-8")
    with pytest.raises(
        InputFileError, match=r"other\.json: not a file of a known format \(a JSON dict with the keys name, rows\)"
    ):
        detect_format(path)


def test_json_stat_version_1_is_named(tmp_path):
    path = tmp_path / "old.json"
    path.write_text('{"dataset": {"dimension": {}, "value": []}}', encoding="utf-8")
    with pytest.raises(InputFileError, match="json-stat version 1"):
        detect_format(path)


def test_a_sotkanet_region_list_is_not_data(tmp_path):
    path = tmp_path / "regions.json"
    path.write_text('[{"id": 1, "code": "320", "category": "KUNTA", "title": {"fi": "Kemijärvi"}}]', encoding="utf-8")
    with pytest.raises(InputFileError, match="a Sotkanet region list, not data"):
        detect_format(path)
