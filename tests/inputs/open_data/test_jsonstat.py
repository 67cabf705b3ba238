"""json-stat2: the real StatFin response (API v1 naming) and a synthetic v2-style cube, checked at computed positions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import COLUMNS, read_open_file
from tests.inputs.open_data.conftest import JSONSTAT


@pytest.fixture(scope="module")
def document(open_dir):
    return json.loads((open_dir / JSONSTAT).read_text(encoding="utf-8"))


def test_the_real_file_row_for_row(open_dir, classification, document):
    frame = read_open_file(open_dir / JSONSTAT, classification)
    assert list(frame.columns) == COLUMNS
    assert len(frame) == sum(v is not None for v in document["value"]) == 90
    assert frame.attrs["missing"] == 0
    assert set(frame["municipality_code"]) == {"SSS"}  # no geo dimension: the whole country
    assert set(frame["municipality"]) == {"Koko maa"}
    assert set(frame["table_id"]) == {"statfin_vaerak_pxt_11rc"}
    assert set(frame["source"]) == {"Statistikcentralen, befolkningsstruktur"}
    assert set(frame["retrieved"]) == {"2023-03-31"}  # the file's `updated`
    assert set(frame["unit"]) == {"henkilöä"}
    assert frame["indicator"].nunique() == 3 * 10  # sex × age; year is the period

    # id = [Vuosi, Sukupuoli, Ikä, Tiedot], size = [3, 3, 10, 1]: row-major, the last dimension fastest
    ids, size = document["id"], document["size"]
    assert ids == ["Vuosi", "Sukupuoli", "Ikä", "Tiedot"] and size == [3, 3, 10, 1]
    year, sex, age = 1, 1, 0  # 2021, men ("1"), 20–24
    flat = ((year * size[1] + sex) * size[2] + age) * size[3]
    assert flat == 40
    row = frame[(frame.indicator == "vaesto_sukupuoli_1_ika_20_24") & (frame.period == "2021")]
    assert len(row) == 1
    assert row["value"].iloc[0] == document["value"][flat]
    assert row["indicator_name"].iloc[0] == "Väestö 31.12., Män, 20 - 24"
    women_65_69_2022 = frame[(frame.indicator == "vaesto_sukupuoli_2_ika_65_69") & (frame.period == "2022")]
    assert women_65_69_2022["value"].iloc[0] == document["value"][((2 * 3 + 2) * 10 + 9)]
    # the totals are the sum of men and women
    by = frame.set_index(["indicator", "period"])["value"]
    assert by["vaesto_sukupuoli_sss_ika_40_44", "2020"] == (
        by["vaesto_sukupuoli_1_ika_40_44", "2020"] + by["vaesto_sukupuoli_2_ika_40_44", "2020"]
    )


AREAS = ["KU320", "KU240", "SSS", "MK19", "KU851"]
YEARS = ["2021", "2022"]
CONTENTS = ["vaesto", "vm01"]


def cube_value(i: int, j: int, k: int) -> float | None:
    """The synthetic cube's value at area i, year j, content k; None for KU851 2021 births."""
    if (i, j, k) == (4, 0, 1):
        return None
    return 1000.0 * (i + 1) + 10.0 * j + k + 0.5


def v2_document() -> dict:
    """A document shaped as StatFin's PxWeb API v2 answers: versioned geo id, contentscode, role geo/time/metric."""
    values = [cube_value(i, j, k) for i in range(len(AREAS)) for j in range(len(YEARS)) for k in range(len(CONTENTS))]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "Väestönmuutokset alueittain",
        "source": "Tilastokeskus",
        "updated": "2025-04-25T05:00:00Z",
        "id": ["alue_23_20260101", "timeperiod_y", "contentscode"],
        "size": [len(AREAS), len(YEARS), len(CONTENTS)],
        "role": {"geo": ["alue_23_20260101"], "time": ["timeperiod_y"], "metric": ["contentscode"]},
        "dimension": {
            "alue_23_20260101": {
                "label": "Alue",
                "category": {
                    "index": {code: n for n, code in enumerate(AREAS)},
                    "label": {
                        "KU320": "Kemijärvi",
                        "KU240": "Kemi",
                        "SSS": "KOKO MAA",
                        "MK19": "Lappi",
                        "KU851": "Tornio",
                    },  # fmt: skip
                },
            },
            "timeperiod_y": {"label": "Vuosi", "category": {"index": {y: n for n, y in enumerate(YEARS)}}},
            "contentscode": {
                "label": "Tiedot",
                "category": {
                    "index": {c: n for n, c in enumerate(CONTENTS)},
                    "label": {"vaesto": "Väkiluku", "vm01": "Elävänä syntyneet"},
                    "unit": {"vaesto": {"base": "lukumäärä"}, "vm01": {"base": "lukumäärä"}},
                },
            },
        },
        "extension": {"px": {"tableid": "11re"}},
        "value": values,
    }


def write_json(tmp_path, doc, name="cube.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_v2_cube_at_computed_positions(tmp_path, classification):
    doc = v2_document()
    frame = read_open_file(write_json(tmp_path, doc), classification)
    assert frame.attrs["format"] == "jsonstat2"
    assert frame.attrs["missing"] == 1  # KU851 2021 vm01
    assert frame.attrs["dropped_regions"] == {"MK19": 4}  # a region, not a municipality
    assert len(frame) == 4 * 2 * 2 - 1
    size = doc["size"]
    for i, area in enumerate(AREAS):
        for j, year in enumerate(YEARS):
            for k, content in enumerate(CONTENTS):
                flat = (i * size[1] + j) * size[2] + k
                assert doc["value"][flat] == cube_value(i, j, k)
                code = "SSS" if area == "SSS" else area[2:]
                hit = frame[(frame.municipality_code == code) & (frame.period == year) & (frame.indicator == content)]
                if area == "MK19" or doc["value"][flat] is None:
                    assert hit.empty
                else:
                    assert hit["value"].tolist() == [doc["value"][flat]]
    kemi = frame[(frame.municipality_code == "240") & (frame.period == "2022") & (frame.indicator == "vm01")]
    assert kemi["value"].iloc[0] == 2011.5
    assert kemi["municipality"].iloc[0] == "Kemi"
    assert kemi["indicator_name"].iloc[0] == "Elävänä syntyneet"
    assert kemi["unit"].iloc[0] == "lukumäärä"  # unknown content: the unit as published
    assert set(frame.loc[frame.indicator == "vaesto", "indicator_name"]) == {"Väestö 31.12."}  # a known code
    assert set(frame["table_id"]) == {"11re"}
    assert set(frame["retrieved"]) == {"2025-04-25"}


def test_more_dimensions_become_part_of_the_indicator(tmp_path, classification):
    doc = v2_document()
    doc["id"] = ["alue_23_20260101", "sukupuoli_20250101", "timeperiod_y", "contentscode"]
    doc["size"] = [len(AREAS), 2, len(YEARS), len(CONTENTS)]
    doc["dimension"]["sukupuoli_20250101"] = {
        "label": "Sukupuoli",
        "category": {"index": ["1", "2"], "label": {"1": "Miehet", "2": "Naiset"}},
    }
    doc["value"] = list(np.arange(float(np.prod(doc["size"]))))
    frame = read_open_file(write_json(tmp_path, doc), classification)
    row = frame[(frame.indicator == "vm01_sukupuoli_2") & (frame.municipality_code == "851") & (frame.period == "2022")]
    assert row["value"].tolist() == [float(((4 * 2 + 1) * 2 + 1) * 2 + 1)]
    assert row["indicator_name"].tolist() == ["Elävänä syntyneet, Naiset"]


def test_geo_found_without_a_role_and_months(tmp_path, classification):
    doc = v2_document()
    del doc["role"]
    doc["dimension"]["timeperiod_y"]["category"]["index"] = {"2021M01": 0, "2021M02": 1}
    frame = read_open_file(write_json(tmp_path, doc), classification)
    assert set(frame["period"]) == {"2021-01", "2021-02"}
    assert set(frame["municipality_code"]) == {"320", "240", "SSS", "851"}
    assert {"vaesto", "vm01"} <= set(frame["indicator"])


def test_value_list_one_short(tmp_path, classification):
    doc = v2_document()
    doc["value"] = doc["value"][:-1]
    path = write_json(tmp_path, doc, "short.json")
    with pytest.raises(InputFileError) as err:
        read_open_file(path, classification)
    message = str(err.value)
    assert "short.json" in message
    assert "'value' has 19 values but 'size' [5, 2, 2] makes 20 (5 × 2 × 2)" in message


def test_an_unknown_municipality_code_names_its_json_path(tmp_path, classification):
    doc = v2_document()
    doc["dimension"]["alue_23_20260101"]["category"]["index"] = {"KU320": 0, "KU999": 1, "SSS": 2, "MK19": 3,
                                                                 "KU851": 4}  # fmt: skip
    with pytest.raises(
        InputFileError,
        match=r"cube\.json: 1 municipality is not in the classification.*'KU999' \(dimension\.alue_23_20260101\.category\.index\.KU999\)",
    ):
        read_open_file(write_json(tmp_path, doc), classification)


def test_a_text_value(tmp_path, classification):
    doc = v2_document()
    doc["value"][3] = "lots"
    doc["value"][4] = ".."
    with pytest.raises(
        InputFileError, match=r"cube\.json: json-stat2 has 1 value that is not a number \(value\[3\]: 'lots'\)"
    ):
        read_open_file(write_json(tmp_path, doc), classification)


def test_a_category_count_that_differs_from_size(tmp_path, classification):
    doc = v2_document()
    doc["size"][1] = 3
    doc["value"] = doc["value"] + [1.0] * 10
    with pytest.raises(
        InputFileError, match=r"dimension\.timeperiod_y\.category\.index has 2 categories but size\[1\] is 3"
    ):
        read_open_file(write_json(tmp_path, doc), classification)
