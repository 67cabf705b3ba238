"""PxWeb CSV downloads: the real key figures, the same table in Swedish and in another dialect, and other layouts."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from kpi.errors import InputFileError, KpiError
from kpi.inputs.open_data import COLUMNS, read_open_file
from kpi.inputs.open_data.indicators import INDICATORS_FILE
from kpi.yamlio import load_yaml
from tests.inputs.open_data.conftest import KEMIJARVI, KEY_FIGURES, PEERS


def raw_key_figures(open_dir) -> tuple[list[str], list[list[str]]]:
    """The key-figures file as plain CSV records, read without the package."""
    text = (open_dir / KEY_FIGURES).read_text(encoding="iso-8859-1")
    header, *rows = list(csv.reader(io.StringIO(text)))
    return header, rows


@pytest.fixture(scope="module")
def key_figures(open_dir, classification):
    return read_open_file(open_dir / KEY_FIGURES, classification, unknown="drop")


def value(frame, code, indicator, period):
    hit = frame[(frame.municipality_code == code) & (frame.indicator == indicator) & (frame.period == period)]
    assert len(hit) == 1, (code, indicator, period, len(hit))
    return hit["value"].iloc[0]


def test_shape_and_types(key_figures):
    assert list(key_figures.columns) == COLUMNS
    assert key_figures["value"].dtype == "float64"
    assert key_figures["municipality_code"].str.fullmatch(r"\d{3}|SSS").all()
    # 309 municipalities + the whole country × 32 indicators, less Pertunmaa (not in the 2025 classification)
    assert len(key_figures) == (309 + 1 - 1) * 32
    assert key_figures.attrs["missing"] == 0
    assert key_figures.attrs["dropped_municipalities"] == {"Pertunmaa": 32}
    assert key_figures.attrs["format"] == "pxweb_csv"
    assert set(key_figures["source"]) == {"Tilastokeskus, kuntien avainluvut"}
    assert set(key_figures["table_id"]) == {"statfin-kuntien-avainluvut-2021"}


def test_kemijarvi_values_equal_the_file(open_dir, key_figures):
    header, rows = raw_key_figures(open_dir)
    row = next(r for r in rows if r[0] == "Kemijärvi")
    cell = dict(zip(header, row))
    assert value(key_figures, KEMIJARVI, "vakiluku", "2021") == 7105
    assert value(key_figures, KEMIJARVI, "vuosikate_euroa_asukas", "2020") == float(
        cell["Annual contribution margin, EUR per capita, 2020"]
    )
    assert value(key_figures, KEMIJARVI, "lainakanta_euroa_asukas", "2020") == float(
        cell["Loan stock, EUR per capita, 2020"]
    )
    assert value(key_figures, KEMIJARVI, "vuosikate_euroa_asukas", "2020") == 695.9
    assert value(key_figures, KEMIJARVI, "lainakanta_euroa_asukas", "2020") == 5573.6
    kemijarvi = key_figures[key_figures.municipality_code == KEMIJARVI]
    assert set(kemijarvi["municipality"]) == {"Kemijärvi"}
    by_id = kemijarvi.set_index("indicator")
    assert by_id.loc["vuosikate_euroa_asukas", ["indicator_name", "unit"]].tolist() == ["Vuosikate", "€/asukas"]
    assert by_id.loc["lainakanta_euroa_asukas", ["indicator_name", "unit"]].tolist() == ["Lainakanta", "€/asukas"]
    assert by_id.loc["vakiluku", ["indicator_name", "unit"]].tolist() == ["Väkiluku", "henkilöä"]
    assert by_id.loc["tyottomien_osuus", ["indicator_name", "unit"]].tolist() == ["Työttömien osuus työvoimasta", "%"]


def test_every_value_of_the_file_is_kept(open_dir, key_figures, classification):
    header, rows = raw_key_figures(open_dir)
    total = sum(float(cell) for r in rows if r[0] != "Pertunmaa" for cell in r[1:])
    assert key_figures["value"].sum() == pytest.approx(total)


def test_all_32_indicators_are_known_with_finnish_names(key_figures):
    names = key_figures.drop_duplicates("indicator").set_index("indicator")["indicator_name"]
    assert len(names) == 32
    assert not any(name.isascii() and "," in name for name in names)  # no English label left as a name
    assert names["ika_yli_64_osuus"] == "Yli 64-vuotiaiden osuus väestöstä"
    assert names["taloudellinen_huoltosuhde"] == "Taloudellinen huoltosuhde"
    periods = key_figures.drop_duplicates("indicator").set_index("indicator")["period"]
    assert periods["vakiluku"] == "2021" and periods["tyollisyysaste"] == "2020"


def test_the_peers_and_the_whole_country(key_figures):
    present = dict(zip(key_figures["municipality_code"], key_figures["municipality"]))
    assert {code: present[code] for code in PEERS} == PEERS
    assert present["SSS"] == "Koko maa"
    assert value(key_figures, "SSS", "vakiluku", "2021") == 5548241


def test_unknown_municipalities_are_an_error_by_default(open_dir, classification):
    with pytest.raises(InputFileError) as err:
        read_open_file(open_dir / KEY_FIGURES, classification)
    message = str(err.value)
    assert KEY_FIGURES in message
    assert "1 municipality is not in the classification of 2025" in message
    assert "'Pertunmaa' (row 194)" in message
    assert "former_municipalities.csv" in message  # where a merged municipality is to be listed


def test_retrieved_is_the_callers_date_else_the_files(open_dir, classification, key_figures):
    frame = read_open_file(open_dir / KEY_FIGURES, classification, unknown="drop", retrieved=dt.date(2022, 5, 1))
    assert set(frame["retrieved"]) == {"2022-05-01"}
    mtime = dt.date.fromtimestamp((open_dir / KEY_FIGURES).stat().st_mtime).isoformat()
    assert set(key_figures["retrieved"]) == {mtime}


# ---------------------------------------------------------------- the same table in other dialects


def labels_by_language() -> dict[str, list[str]]:
    """English label → [English, Finnish, Swedish] from indicators.yaml (the key figures' 32 indicators)."""
    data = load_yaml(INDICATORS_FILE, error=KpiError)
    return {e["labels"][0]: e["labels"] for e in data["indicators"] if len(e["labels"]) == 3}


def translated(open_dir, classification, language: int) -> tuple[list[str], list[list[str]]]:
    header, rows = raw_key_figures(open_dir)
    labels = labels_by_language()
    new_header = [["Region 2021", "Alue 2021", "Område 2021"][language]]
    for column in header[1:]:
        label, year = column.rsplit(", ", 1)
        assert label in labels, f"the English label {label!r} of the real file is not in indicators.yaml"
        new_header.append(f"{labels[label][language]}, {year}")
    whole = ["WHOLE COUNTRY", "KOKO MAA", "HELA LANDET"][language]
    frame = classification.municipalities
    names = dict(zip(frame["municipality"], frame[["municipality", "municipality", "municipality_sv"][language]]))
    new_rows = [[whole if r[0] == "WHOLE COUNTRY" else names.get(r[0], r[0]), *r[1:]] for r in rows]
    return new_header, new_rows


def comparable(frame):
    return (
        frame[["municipality_code", "indicator", "period", "value", "unit"]]
        .sort_values(["municipality_code", "indicator", "period"])
        .reset_index(drop=True)
    )


def test_swedish_labels_and_names_read_to_the_same_values(open_dir, tmp_path, classification, key_figures):
    header, rows = translated(open_dir, classification, language=2)
    assert "Folkmängd, 2021" in header and "Årsbidrag, €/invånare, 2020" in header
    assert any(r[0] == "Torneå" for r in rows) and any(r[0] == "HELA LANDET" for r in rows)
    path = tmp_path / "sv.csv"
    with path.open("w", encoding="cp1252", newline="") as out:  # ISO-8859-1 has no en dash (15–64-åringar)
        csv.writer(out, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    swedish = read_open_file(path, classification, unknown="drop")
    assert comparable(swedish).equals(comparable(key_figures))


def test_semicolons_utf8_bom_and_decimal_commas_read_to_the_same_values(
    open_dir, tmp_path, classification, key_figures
):
    header, rows = translated(open_dir, classification, language=1)
    rows = [[r[0], *(cell.replace(".", ",") for cell in r[1:])] for r in rows]
    path = tmp_path / "fi.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL).writerows([header, *rows])
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    finnish = read_open_file(path, classification, unknown="drop")
    assert finnish.attrs["decimal"] == "," and finnish.attrs["delimiter"] == ";"
    assert comparable(finnish).equals(comparable(key_figures))


# ---------------------------------------------------------------- other PxWeb layouts


def write(tmp_path, text, name="px.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_year_column_codes_missing_marks_title_and_notes(tmp_path, classification):
    text = (
        '"Väestö alueittain"\n\n'
        '"Alue";"Vuosi";"Väkiluku";"Keskimääräinen ikä"\n'
        '"KU320 Kemijärvi";"2021";"7105";"52,1"\n'
        '"KU320 Kemijärvi";"2022";"6996";".."\n'
        '"SSS Koko maa";"2022";"5563970";"-"\n'
        '"KU240 Kemi";"2022";"19676";"..."\n'
        "\n"
        '"Lähde: Tilastokeskus"\n'
    )
    frame = read_open_file(write(tmp_path, text), classification)
    assert frame.attrs["format"] == "pxweb_csv"
    assert frame.attrs["missing"] == 3
    assert frame.attrs["title"] == "Väestö alueittain"
    assert frame.attrs["notes"] == ["Lähde: Tilastokeskus"]
    got = {(r.municipality_code, r.indicator, r.period): r.value for r in frame.itertuples()}
    assert got == {
        ("320", "vakiluku", "2021"): 7105,
        ("320", "vakiluku", "2022"): 6996,
        ("SSS", "vakiluku", "2022"): 5563970,
        ("240", "vakiluku", "2022"): 19676,
        ("320", "keskimaarainen_ika", "2021"): 52.1,
    }
    assert set(frame.loc[frame.indicator == "keskimaarainen_ika", "indicator_name"]) == {"Keskimääräinen ikä"}
    assert set(frame["source"]) == {"Tilastokeskus, kuntien avainluvut"}  # the known indicator's table


def test_months_in_the_headers_and_a_tiedot_column(tmp_path, classification):
    text = (
        "Kunta,Tiedot,2020M09,2020M10\n"
        "Kemijärvi,Työttömät työnhakijat,820,801\n"
        "Kemijärvi,Avoimet työpaikat,40,38\n"
        "Salla,Työttömät työnhakijat,240,251\n"
        "Salla,Avoimet työpaikat,.,12\n"
    )
    frame = read_open_file(write(tmp_path, text), classification, source="TEM")
    assert frame.attrs["missing"] == 1
    assert value(frame, "320", "tyottomat", "2020-10") == 801
    assert value(frame, "732", "avoimet_tyopaikat", "2020-10") == 12
    assert set(frame["period"]) == {"2020-09", "2020-10"}
    assert set(frame["source"]) == {"TEM"}


def test_an_unknown_label_gets_a_slug_and_its_unit(tmp_path, classification):
    text = 'Region 2021,"Sauna density, per 1000 persons, 2021","Lake area, %, 2021"\nKemijärvi,410,12.5\n'
    frame = read_open_file(write(tmp_path, text), classification)
    rows = frame.set_index("indicator")
    assert rows.loc["lake_area", ["indicator_name", "unit", "value"]].tolist() == ["Lake area, %", "%", 12.5]
    assert rows.loc["sauna_density_per_1000_persons", "unit"] == ""
    assert set(frame["source"]) == {""}


def test_a_region_header_year_covers_columns_without_one(tmp_path, classification):
    frame = read_open_file(write(tmp_path, "Alue 2021;Väkiluku\nKemijärvi;7105\n"), classification)
    assert value(frame, "320", "vakiluku", "2021") == 7105


def test_a_column_without_a_year(tmp_path, classification):
    with pytest.raises(InputFileError, match=r"px\.csv: column 'Väkiluku' has no year"):
        read_open_file(write(tmp_path, "Alue;Väkiluku;Taajama-aste, %, 2020\nKemijärvi;7105;70\n"), classification)


def test_a_name_twice(tmp_path, classification):
    text = 'Alue,"Population, 2021"\nMaarianhamina,11743\nMariehamn,11743\n'
    with pytest.raises(
        InputFileError,
        match=r"px\.csv: 1 value is given twice.*row 2 and row 3 both give vakiluku 2021 of 478 Maarianhamina",
    ):
        read_open_file(write(tmp_path, text), classification)


def test_no_municipality_column(tmp_path, classification):
    with pytest.raises(InputFileError, match=r"px\.csv: no column of municipalities"):
        read_open_file(write(tmp_path, 'Maa,"Population, 2021"\nRuotsi,10400000\nNorja,5400000\n'), classification)


def test_code_and_text_columns_and_small_numbers_under_a_region_word(tmp_path, classification):
    # PxWeb's "code and text" download: two municipality columns; the numbers of a column headed "Alueella …" are
    # data, not municipality codes, however small they are
    text = (
        'Alue (koodi),Alue,"Alueella olevien työpaikkojen lukumäärä, 2020","Väkiluku, 2021"\n'
        "KU320,Kemijärvi,20,7105\nKU583,Pelkosenniemi,5,924\nKU742,Savukoski,91,998\n"
    )
    frame = read_open_file(write(tmp_path, text), classification)
    assert sorted(frame["indicator"].unique()) == ["tyopaikkojen_lukumaara", "vakiluku"]
    assert value(frame, "583", "tyopaikkojen_lukumaara", "2020") == 5
    assert value(frame, "742", "vakiluku", "2021") == 998
