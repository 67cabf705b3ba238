"""The long CSV of the employment service statistics: monthly, keyed by the municipality names of its time."""

from __future__ import annotations

import csv

import pytest

from kpi.errors import InputFileError
from kpi.inputs.open_data import COLUMNS, read_open_file
from tests.inputs.open_data.conftest import KEMIJARVI, PEERS, TYONV

GONE = {"Honkajoki", "Pertunmaa"}  # merged into Kankaanpää in 2021 / not in the 2025 classification file


@pytest.fixture(scope="module")
def raw(open_dir) -> list[dict[str, str]]:
    with (open_dir / TYONV).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def labour(open_dir, classification):
    return read_open_file(open_dir / TYONV, classification, unknown="drop")


def test_names_of_their_time_are_reported(open_dir, classification):
    with pytest.raises(InputFileError) as err:
        read_open_file(open_dir / TYONV, classification)
    message = str(err.value)
    assert TYONV in message
    # Pertunmaa is a municipality the 2025 file lacks (data/raw/kuntaluokitus.csv adds it); Honkajoki merged into
    # Kankaanpää in 2021: a former municipality is left out and counted, never an error
    assert "1 municipality is not in the classification of 2025" in message
    assert "'Pertunmaa' (rows" in message and "Honkajoki" not in message


def test_dropped_and_missing_are_counted(labour, raw):
    assert labour.attrs["format"] == "long_csv"
    assert labour.attrs["dropped_municipalities"] == {"Pertunmaa": 3 * 178}
    assert labour.attrs["former_municipalities"] == {"Honkajoki (liitetty 2021 kuntaan Kankaanpää)": 3 * 178}
    kept = [r for r in raw if r["kunta"] not in GONE]
    columns = ("Tyottomat", "Tyovoima", "Avoimet_tyopaikat")
    missing = sum(r[c] == "NA" for r in kept for c in columns)
    assert labour.attrs["missing"] == missing > 0
    assert len(labour) == 3 * len(kept) - missing


def test_three_indicators_by_month(labour):
    assert list(labour.columns) == COLUMNS
    names = labour.drop_duplicates("indicator").set_index("indicator")[["indicator_name", "unit"]]
    assert names.to_dict("index") == {
        "tyottomat": {"indicator_name": "Työttömät työnhakijat", "unit": "henkilöä"},
        "tyovoima": {"indicator_name": "Työvoima", "unit": "henkilöä"},
        "avoimet_tyopaikat": {"indicator_name": "Avoimet työpaikat", "unit": "kpl"},
    }
    periods = sorted(labour["period"].unique())
    assert periods[0] == "2006-01" and periods[-1] == "2020-10" and len(periods) == 178


def test_kemijarvi_and_the_peers_equal_the_file(labour, raw):
    for row in raw:
        if row["kunta"] == "Kemijärvi" and row["time"] == "2020-10-01":
            break
    hit = labour[(labour.municipality_code == KEMIJARVI) & (labour.period == "2020-10")].set_index("indicator")
    assert hit.loc["tyottomat", "value"] == float(row["Tyottomat"])
    assert hit.loc["tyovoima", "value"] == float(row["Tyovoima"])
    present = set(labour["municipality_code"])
    assert set(PEERS) <= present
    assert "478" in present  # "Maarianhamina - Mariehamn" as the table names it
    assert "SSS" not in present


def test_every_number_is_kept(labour, raw):
    expected = sum(
        float(r[c]) for r in raw if r["kunta"] not in GONE for c in ("Tyottomat", "Tyovoima", "Avoimet_tyopaikat")
        if r[c] != "NA"
    )  # fmt: skip
    assert labour["value"].sum() == pytest.approx(expected)
