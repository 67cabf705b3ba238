"""Staff figures per unit are published with small counts hidden, in every form a period is published in.

Two real runs of 31.12.2022 (``privacy.min_count`` 5, the default, and 10) are read back as a reader gets them:
the pillar page's table and chart table (HTML), the Excel sheet, the Word draft and manifest.json. In each, no
count from 1 to min_count − 1 and no figure of a hidden unit may show, the markers and the footnote must; and
the larger limit must hide more units than the smaller one.
"""

from __future__ import annotations

import datetime as dt
import json

import docx
import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from kpi.inputs.datasets import STAFF
from kpi.inputs.readers import read_table
from kpi.paths import DATA_RAW
from kpi.present.text import COUNT_GENITIVES
from kpi.run.runner import run_period

PERIOD = dt.date(2022, 12, 31)
LIMITS = (5, 10)
pytestmark = pytest.mark.xdist_group("privacy_outputs")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """min_count → the published period folder."""
    out = {}
    for limit in LIMITS:
        root = tmp_path_factory.mktemp(f"privacy{limit}")
        run_period(
            PERIOD,
            data_dir=DATA_RAW,
            overrides=[f"privacy.min_count={limit}"],
            outputs_dir=root / "outputs",
            processed_dir=root / "processed",
            reports_dir=root / "outputs" / "laatu",
        )
        out[limit] = root / "outputs" / PERIOD.isoformat()
    return out


@pytest.fixture(scope="module")
def raw_units():
    """The units of the period as the input file has them (the numbers that must not leak)."""
    staff = read_table(DATA_RAW / STAFF.file_name, STAFF)
    return staff[staff.period_end == pd.Timestamp(PERIOD)].set_index("unit")


def small_units(raw_units, limit):
    return set(raw_units.index[(raw_units.head_count > 0) & (raw_units.head_count < limit)])


def check_rows(rows: dict[str, dict[str, str]], raw_units, limit, *, columns: dict[str, str]):
    """`rows`: unit → header → the text shown. `columns`: header → raw field, for the columns the table has."""
    hidden = small_units(raw_units, limit)
    assert hidden and set(rows) >= set(raw_units.index), rows.keys()
    for unit, cells in rows.items():
        if unit not in raw_units.index:
            continue  # the whole staff's total
        for header, field in columns.items():
            shown = cells[header].replace("\u00a0", "").replace(",", ".").strip()
            if unit in hidden:
                # every figure of a small unit is a marker: the count "< N", the rest "x"
                assert shown in {f"< {limit}", "x"}, (unit, header, shown)
            elif field in ("head_count", "respondents"):
                raw = raw_units.at[unit, field]
                if pd.notna(raw) and 0 < raw < limit:  # a small survey in a larger unit
                    assert shown == f"< {limit}", (unit, header, shown)
                elif shown not in ("", "–", "x"):
                    count = int(float(shown))
                    assert count == 0 or count >= limit, (unit, header, shown)
        if unit in hidden:
            assert cells[next(h for h, f in columns.items() if f == "head_count")] == f"< {limit}"


def html_tables(page: str, caption: str) -> dict[str, dict[str, str]]:
    soup = BeautifulSoup(page, "lxml")
    table = next(t for t in soup.find_all("table") if t.caption and t.caption.get_text(strip=True) == caption)
    headers = [th.get_text(strip=True) for th in table.thead.find_all("th")]
    rows = {}
    for tr in table.tbody.find_all("tr"):
        cells = dict(zip(headers, (td.get_text(strip=True) for td in tr.find_all(["td", "th"]))))
        rows[cells["Yksikkö"]] = cells
    return rows


TABLE_COLUMNS = {
    "Henkilöstö": "head_count",
    "HTV": "person_years",
    "Sairauspoissaolopäivät": "sick_leave_days",
    "Sairauspoissaolot pv/HTV": "sick_days_per_htv",
    "Kyselyyn vastanneet": "respondents",
    "Työtyytyväisyys (1–5)": "satisfaction",
}


@pytest.mark.parametrize("limit", LIMITS)
def test_html_table_and_chart_table_hide_small_units_and_say_why(runs, raw_units, limit):
    page = (runs[limit] / "01_hyvinvointi.html").read_text(encoding="utf-8")
    check_rows(html_tables(page, "Henkilöstö yksiköittäin"), raw_units, limit, columns=TABLE_COLUMNS)
    chart = html_tables(page, "Luvut: Sairauspoissaolopäivät henkilötyövuotta kohden yksiköittäin")
    check_rows(
        chart,
        raw_units,
        limit,
        columns={"Henkilöstö": "head_count", "Sairauspoissaolot pv/HTV": "sick_days_per_htv"},
    )
    assert f"(raja {limit}, asetus privacy.min_count)" in page and f"alle {limit} henkilöä" in page
    hidden = len(small_units(raw_units, limit))
    count = COUNT_GENITIVES[hidden] if hidden <= 10 else str(hidden)
    assert f"Tietosuojan vuoksi on piilotettu {count} yksikön luvut" in page  # the chart's alt text


@pytest.mark.parametrize("limit", LIMITS)
def test_excel_sheet_hides_small_units_and_says_why(runs, raw_units, limit):
    book = openpyxl.load_workbook(next(runs[limit].glob("arviointikertomus_*.xlsx")))
    ws = book["Henkilöstö"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    headers = values[0]
    rows = {}
    for row in values[1:]:
        if row[1] and row[2] is not None:
            rows[row[1]] = {
                h: "" if v is None else (v if isinstance(v, str) else f"{v:g}") for h, v in zip(headers, row)
            }
    check_rows(rows, raw_units, limit, columns=TABLE_COLUMNS)
    notes = [row[0] for row in values if row[0] and str(row[0]).startswith(f"< {limit} = ")]
    assert notes and f"(raja {limit}, asetus privacy.min_count)" in notes[0]


@pytest.mark.parametrize("limit", LIMITS)
def test_word_table_hides_small_units_and_says_why(runs, raw_units, limit):
    doc = docx.Document(str(next(runs[limit].glob("havainnot_*.docx"))))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Yksikkö")
    headers = [c.text for c in table.rows[0].cells]
    rows = {r.cells[1].text: {h: c.text for h, c in zip(headers, r.cells)} for r in table.rows[1:]}
    check_rows(rows, raw_units, limit, columns=TABLE_COLUMNS)
    assert any(f"(raja {limit}, asetus privacy.min_count)" in p.text for p in doc.paragraphs)


@pytest.mark.parametrize("limit", LIMITS)
def test_manifest_keeps_only_what_is_published(runs, raw_units, limit):
    manifest = json.loads((runs[limit] / "manifest.json").read_text(encoding="utf-8"))
    staff = manifest["results"]["staff"]
    assert staff["min_count"] == limit and manifest["params"]["privacy"]["min_count"] == limit
    rows = {
        u["unit"]: {
            h: "" if u[f] is None else (u[f] if isinstance(u[f], str) else f"{u[f]:g}")
            for h, f in TABLE_COLUMNS.items()
        }
        for u in staff["units"]
    }
    check_rows(rows, raw_units, limit, columns=TABLE_COLUMNS)


def test_a_larger_limit_hides_more(runs, raw_units):
    shown = {}
    for limit in LIMITS:
        page = (runs[limit] / "01_hyvinvointi.html").read_text(encoding="utf-8")
        rows = html_tables(page, "Henkilöstö yksiköittäin")
        shown[limit] = {u for u, cells in rows.items() if not cells["Henkilöstö"].startswith("<")}
    assert shown[10] < shown[5]  # a strict subset: e.g. a unit of 7 persons is shown at 5 and hidden at 10
    assert small_units(raw_units, 10) - small_units(raw_units, 5) == shown[5] - shown[10]
