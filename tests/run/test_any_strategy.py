"""A strategy with another pillar runs end to end with no code change: its pages, navigation, index and exports follow it."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import docx
import openpyxl
import pytest
import yaml

from kpi.paths import DATA_RAW
from kpi.run.runner import run_period

PERIOD = dt.date(2022, 12, 31)
MOVED = ["H5", "E5"]  # goal ids stay, so arviot.csv, havainnot.csv and virstanpylvaat.csv need no change
PILLARS = {
    "01_hyvinvointi": "Hyvinvointi",
    "02_elinvoima": "Elinvoima",
    "03_identiteetti": "Identiteetti",
    "04_yhteistyo": "Yhteistyö",
}
PAGES = ["00_tietojen_laatu", *PILLARS, "05_seuranta", "06_vertailu"]
pytestmark = pytest.mark.xdist_group("any_strategy")


@pytest.fixture(scope="module")
def four_pillars(tmp_path_factory):
    root = tmp_path_factory.mktemp("four")
    data = root / "raw"
    shutil.copytree(DATA_RAW, data, ignore=shutil.ignore_patterns("README.md"))
    path = data / "strategia.yaml"
    strategy = yaml.safe_load(path.read_text(encoding="utf-8"))
    strategy["pillars"].append({"id": "yhteistyo", "name": "Yhteistyö"})
    for goal in strategy["goals"]:
        if goal["id"] in MOVED:
            goal["pillar"] = "yhteistyo"
    path.write_text(yaml.safe_dump(strategy, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_period(
        PERIOD,
        data_dir=data,
        outputs_dir=root / "outputs",
        processed_dir=root / "processed",
        reports_dir=root / "outputs" / "laatu",
    )
    return root / "outputs", result


def test_one_page_per_pillar_between_quality_and_the_follow_up(four_pillars):
    outputs, result = four_pillars
    assert sorted(p.stem for p in (outputs / PERIOD.isoformat()).glob("*.html")) == PAGES
    assert [r.name for r in result.reports] == PAGES


@pytest.mark.parametrize("name", list(PILLARS))
def test_pillar_page_is_titled_by_its_pillar_and_shows_its_goals(four_pillars, name):
    outputs, _ = four_pillars
    page = (outputs / PERIOD.isoformat() / f"{name}.html").read_text(encoding="utf-8")
    assert re.search(r"<title>(.*?)</title>", page).group(1).startswith(f"{PILLARS[name]} – ")
    assert re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", page, flags=re.S).group(1)) == PILLARS[name]
    assert f"{PILLARS[name]}-pilarin tavoitteiden seuranta." in page
    expected = {
        "01_hyvinvointi": ["H1", "H2", "H3", "H4"],
        "02_elinvoima": ["E1", "E2", "E3", "E4"],
        "03_identiteetti": ["I1", "I2", "I3", "I4", "I5"],
        "04_yhteistyo": MOVED,
    }
    assert re.findall(r"<h3[^>]*>([A-Z]\d) ", page) == expected[name]


@pytest.mark.parametrize("name", PAGES)
def test_navigation_of_every_page_links_all_seven(four_pillars, name):
    outputs, _ = four_pillars
    page = (outputs / PERIOD.isoformat() / f"{name}.html").read_text(encoding="utf-8")
    nav = re.search(r'<nav class="kpi-nav".*?</nav>', page, flags=re.S).group(0)
    assert re.findall(r'<li><a href="(\d\d_\w+)\.html"', nav) == PAGES
    assert f'<a href="{name}.html" aria-current="page">' in nav


def test_index_links_the_pages_and_names_the_pillars(four_pillars):
    outputs, _ = four_pillars
    index = (outputs / "index.html").read_text(encoding="utf-8")
    matrix = re.search(r'<table class="matrix">.*?</table>', index, flags=re.S).group(0)
    # the status matrix's column links to the consolidated follow-up; the period's list links every page in order
    assert re.findall(rf'href="{PERIOD.isoformat()}/(\w+)\.html"', matrix) == ["05_seuranta"]
    assert re.findall(rf'href="{PERIOD.isoformat()}/(\w+)\.html"', index.replace(matrix, "")) == PAGES
    assert (
        re.findall(r'<th scope="row">([A-Z]\d) ', matrix)
        == ["H1", "H2", "H3", "H4", "E1", "E2", "E3", "E4", "I1", "I2", "I3", "I4", "I5"] + MOVED
    )
    assert "pilarit Hyvinvointi, Elinvoima, Identiteetti ja Yhteistyö" in index


def test_excel_goals_sheet_puts_the_moved_goals_under_the_new_pillar(four_pillars):
    outputs, _ = four_pillars
    ws = openpyxl.load_workbook(outputs / PERIOD.isoformat() / f"arviointikertomus_{PERIOD.isoformat()}.xlsx")[
        "Tavoitteet"
    ]
    header = [c.value for c in ws[1]]
    pillar_of = {
        r[header.index("Tunnus")]: r[header.index("Pilari")]
        for r in ws.iter_rows(min_row=2, values_only=True)
        if r[header.index("Tunnus")]
    }
    assert sorted(g for g, p in pillar_of.items() if p == "Yhteistyö") == sorted(MOVED)
    assert pillar_of["H1"] == "Hyvinvointi" and pillar_of["E1"] == "Elinvoima"


def test_word_draft_has_the_new_pillar_with_its_goals(four_pillars):
    outputs, _ = four_pillars
    doc = docx.Document(str(outputs / PERIOD.isoformat() / f"havainnot_{PERIOD.isoformat()}.docx"))
    heading, goals_under = None, {}
    paragraphs, tables = iter(doc.paragraphs), iter(doc.tables)
    for child in doc.element.body.iterchildren():
        if child.tag.endswith("}p"):
            paragraph = next(paragraphs)
            if paragraph.style.name == "Heading 2":
                heading = paragraph.text
        elif child.tag.endswith("}tbl"):
            rows = next(tables).rows[1:]
            goals_under.setdefault(heading, []).extend(r.cells[0].text.split(" ", 1)[0] for r in rows)
    assert goals_under["Yhteistyö"] == MOVED
    assert goals_under["Hyvinvointi"] == ["H1", "H2", "H3", "H4"]
