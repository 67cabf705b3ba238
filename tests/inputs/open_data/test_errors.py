"""Broken copies of the real files: each raises InputFileError with one message naming the file and the problem."""

from __future__ import annotations

import json

import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import detect_format, read_open_file
from tests.inputs.open_data.conftest import JSONSTAT, KEY_FIGURES, SOTKANET, TYONV


def error_of(path, classification, **options) -> str:
    with pytest.raises(InputFileError) as err:
        read_open_file(path, classification, **options)
    message = str(err.value)
    assert path.name in message
    assert "\n" not in message  # one message, one line
    return message


def test_truncated_json(copy_of, classification):
    path = copy_of(JSONSTAT)
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    message = error_of(path, classification)
    assert "unreadable JSON (the file ends in the middle of it: cut short?)" in message
    assert "line " in message and "column " in message


def test_value_list_one_short(copy_of, classification):
    path = copy_of(JSONSTAT)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["value"].pop()
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    message = error_of(path, classification)
    assert "'value' has 89 values but 'size' [3, 3, 10, 1] makes 90 (3 × 3 × 10 × 1)" in message


def test_unknown_municipality_name(copy_of, classification):
    path = copy_of(KEY_FIGURES)
    text = path.read_text(encoding="iso-8859-1").replace('"Kemijärvi"', '"Kemijärwi"')
    path.write_text(text, encoding="iso-8859-1")
    message = error_of(path, classification)
    assert "2 municipalities are not in the classification of 2025" in message
    assert "'Kemijärwi' (row 89)" in message and "'Pertunmaa' (row 194)" in message


def test_unknown_municipalities_list_five(copy_of, classification):
    path = copy_of(TYONV)
    lines = path.read_text(encoding="utf-8").splitlines()[:3000]  # the first 17 municipalities are enough
    lines += [f"1,2,3,2020-10-01,Kuntala {n}" for n in range(7)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = error_of(path, classification)
    assert "7 municipalities are not in the classification" in message
    assert "'Kuntala 2' (row 3003)" in message
    assert "'Kuntala 4' (row 3005); … 2 more" in message


def test_a_text_in_a_number_column(copy_of, classification):
    path = copy_of(KEY_FIGURES)
    text = path.read_text(encoding="iso-8859-1").replace('"Kemijärvi",70.0,7105,', '"Kemijärvi",70.0,"7 105 as",')
    path.write_text(text, encoding="iso-8859-1")
    message = error_of(path, classification, unknown="drop")
    assert "1 cell of number columns is text: row 89, column 'Population, 2021': '7 105 as' (not a number)" in message
    assert "expected numbers with a decimal point" in message


def test_a_decimal_comma_in_a_point_file(copy_of, classification):
    path = copy_of(SOTKANET)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[5] = '74,"1103,5",2020'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = error_of(path, classification, unknown="drop")
    assert (
        "row 6, column 'primary.value': '1103,5' (a decimal comma, but this file's numbers have a decimal point)"
        in message
    )


def test_empty_file(tmp_path, classification):
    path = tmp_path / TYONV
    path.write_bytes(b"")
    assert "the file is empty" in error_of(path, classification)
    path.write_bytes(b"  \n\n")
    assert "the file is empty" in error_of(path, classification)


def test_unknown_format(tmp_path, classification):
    path = tmp_path / KEY_FIGURES
    path.write_text("Nimi;Osoite\nKaupungintalo;Vapaudenkatu 8\n", encoding="utf-8")
    message = error_of(path, classification)
    assert "not a file of a known format" in message
    assert "json-stat2 from the PxWeb API" in message and "a PxWeb CSV download" in message


def test_undecodable_bytes(copy_of, classification):
    path = copy_of(KEY_FIGURES)
    data = bytearray(path.read_bytes())
    at = data.index("Kemijärvi".encode("iso-8859-1"))
    data[at + 4] = 0x81  # a byte that is text in neither UTF-8 nor ISO-8859-1/Windows-1252
    path.write_bytes(bytes(data))
    message = error_of(path, classification)
    assert "undecodable bytes: byte 0x81 on row 89" in message


def test_binary_file(tmp_path, classification):
    path = tmp_path / "kuntien-avainluvut.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    assert "undecodable bytes: a NUL byte" in error_of(path, classification)


def test_text_converted_twice(copy_of, classification):
    path = copy_of(KEY_FIGURES)
    text = path.read_text(encoding="iso-8859-1")
    path.write_text(text.encode("utf-8").decode("iso-8859-1"), encoding="utf-8")
    assert "converted between encodings twice" in error_of(path, classification)


def test_a_row_of_another_width(copy_of, classification):
    path = copy_of(TYONV)
    lines = path.read_text(encoding="utf-8").splitlines()[:3000]  # the first 17 municipalities are enough
    lines[2] = "1068,7873,NA,2006-02-01,Akaa,extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = error_of(path, classification)
    assert "1 row does not fit the header of 5 cells (row 3 has 6)" in message


def test_a_bad_period(copy_of, classification):
    path = copy_of(TYONV)
    lines = path.read_text(encoding="utf-8").splitlines()[:3000]  # the first 17 municipalities are enough
    lines[4] = "941,7873,12,2006-13-01,Akaa"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert detect_format(path) == "long_csv"
    message = error_of(path, classification)
    assert "column 'time': 1 cell is not a period (row 5: '2006-13-01'); expected a year (2021)" in message
    lines[4] = "941,7873,12,huhtikuu,Akaa"
    lines[0] = "Tyottomat,Tyovoima,Avoimet_tyopaikat,aika,kunta"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="not a file of a known format"):
        read_open_file(path, classification)


class TestByteOrderMarks:
    """Any number of byte-order marks before the text, also one read as Windows-1252 and saved again (issue 18)."""

    @pytest.mark.parametrize(
        ("data"),
        [
            b"\xef\xbb\xbf" * 3 + "Alue;Väkiluku\r\n320 Kemijärvi;7 000\r\n".encode("utf-8"),
            "\ufeff\ufeffAlue;Väkiluku\r\n320 Kemijärvi;7 000\r\n".encode("utf-16"),
            "\u00ef\u00bb\u00bfAlue;Väkiluku\r\n320 Kemijärvi;7 000\r\n".encode("utf-8-sig"),
        ],
        ids=["three-utf8-marks", "utf16-two-marks", "mark-as-windows-1252"],
    )
    def test_the_text_starts_with_the_first_column(self, tmp_path, data):
        from kpi.inputs.open_data.textfile import read_text, split_csv

        path = tmp_path / "t.csv"
        path.write_bytes(data)
        text = read_text(path)
        assert text.startswith("Alue;Väkiluku")
        assert split_csv(path, text).header == ["Alue", "Väkiluku"]
