"""load_classification on the real 2025 classification: names in three languages, the whole country, groupings."""

from __future__ import annotations

import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import load_classification
from tests.inputs.open_data.conftest import KEMIJARVI, PEERS


def test_every_municipality_once_with_three_digit_codes(classification):
    frame = classification.municipalities
    assert len(frame) == 308
    assert frame["municipality_code"].str.fullmatch(r"\d{3}").all()
    assert frame["municipality_code"].is_unique
    assert classification.year == "2025"
    assert {KEMIJARVI, *PEERS} <= set(frame["municipality_code"])


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kemijärvi", "320"),
        ("  KEMIJÄRVI ", "320"),
        ("kemi", "240"),
        ("Torneå", "851"),  # Swedish
        ("Mariehamn", "478"),  # Swedish and English
        ("Maarianhamina", "478"),
        ("Maarianhamina - Mariehamn", "478"),  # as StatFin's labour-market tables write it
        ("Pedersöre", "599"),
        ("Pedersören  kunta", "599"),
        ("Alajärvi", "005"),
        ("WHOLE COUNTRY", "SSS"),
        ("Koko maa", "SSS"),
        ("HELA LANDET", "SSS"),
        ("KU320", "320"),
        ("5", "005"),
        ("Atlantis", None),
        ("Honkajoki", None),  # merged into Kankaanpää in 2021
        ("999", None),
    ],
)
def test_code_of(classification, name, code):
    assert classification.code_of(name) == code


def test_name_of(classification):
    assert classification.name_of("320") == "Kemijärvi"
    assert classification.name_of("5") == "Alajärvi"
    assert classification.name_of("KU851") == "Tornio"
    assert classification.name_of("SSS") == "Koko maa"
    assert classification.name_of("999") is None


def test_groupings_for_picking_peers(classification):
    frame = classification.municipalities.set_index("municipality_code")
    kemijarvi = frame.loc["320"]
    assert (kemijarvi["maakunta_code"], kemijarvi["maakunta"]) == ("19", "Lappi")
    assert (kemijarvi["seutukunta_code"], kemijarvi["seutukunta"]) == ("194", "Itä-Lappi")
    assert (kemijarvi["kuntaryhmitys_code"], kemijarvi["kuntaryhmitys"]) == ("3", "Maaseutumaiset kunnat")
    assert frame.loc["020", "seutukunta_code"] == "063"  # zero-padded as Statistics Finland writes it
    assert frame.loc["020", "maakunta_code"] == "06"
    itä_lappi = set(frame.index[frame["seutukunta_code"] == "194"])
    assert itä_lappi == {"320", "583", "614", "732", "742"}
    assert set(frame.loc[list(PEERS), "maakunta"]) == {"Lappi", "Pohjois-Pohjanmaa"}  # Kuusamo is not in Lapland


def test_a_file_without_the_classification_columns(tmp_path):
    path = tmp_path / "kunnat.csv"
    path.write_text("kunta,nimi\n320,Kemijärvi\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=r"kunnat\.csv: not a municipality classification.*maakunta_code"):
        load_classification(path)


def test_a_code_twice(tmp_path):
    path = tmp_path / "kunnat.csv"
    path.write_text(
        "kunta;municipality_name_fi;maakunta_code;seutukunta_code;kuntaryhmitys_code\n"
        "320;Kemijärvi;19;194;3\n320;Kemi;19;193;1\n",
        encoding="utf-8",
    )
    with pytest.raises(InputFileError, match=r"kunnat\.csv: a municipality code appears twice: 320 on rows 2, 3"):
        load_classification(path)
