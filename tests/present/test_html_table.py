"""present.pages.html_table: the markup every report table has, and which tables print as a block per row."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from kpi.present.pages import CARD_COLUMNS, html_table


def table(frame: pd.DataFrame, **kwargs):
    return BeautifulSoup(html_table(frame, "Otsikko", **kwargs), "html.parser").table


def test_each_cell_carries_its_column_header_escaped():
    frame = pd.DataFrame({'Arvo "x" <b>': [1234.5], "Nimi": ["<i>Kemijärvi</i>"]})
    t = table(frame)
    cells = t.tbody.find_all("td")
    assert [c["data-label"] for c in cells] == ['Arvo "x" <b>', "Nimi"]  # the attribute holds the text, unparsed
    assert cells[0].get_text() == "1\u00a0234,5" and "num" in cells[0]["class"]
    assert cells[1].get_text() == "<i>Kemijärvi</i>" and cells[1].find("i") is None
    assert [th.get_text() for th in t.thead.find_all("th")] == ['Arvo "x" <b>', "Nimi"]


def test_an_index_column_is_a_row_header_with_its_label():
    frame = pd.DataFrame({"Arvo": [1, 2]}, index=pd.Index(["a", "b"], name="Kunta"))
    t = table(frame, index=True)
    heads = t.tbody.find_all("th")
    assert [(h["scope"], h["data-label"], h.get_text()) for h in heads] == [
        ("row", "Kunta", "a"),
        ("row", "Kunta", "b"),
    ]
    assert [c["data-label"] for c in t.tbody.find_all("td")] == ["Arvo", "Arvo"]


def test_only_wide_tables_print_as_cards():
    narrow = pd.DataFrame({f"c{n}": ["x"] for n in range(CARD_COLUMNS - 1)})
    wide = pd.DataFrame({f"c{n}": ["x"] for n in range(CARD_COLUMNS)})
    assert "kpi-cards" not in (table(narrow).get("class") or [])
    assert table(wide)["class"] == ["kpi-cards"]
    # the index column counts: six columns and the index are seven on paper
    assert table(narrow.set_axis(pd.Index(["r"], name="i")), index=True)["class"] == ["kpi-cards"]
