"""The index's goals × periods status matrix (read from the manifests), and the reports' own small stylesheet."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kpi.fi import STATUSES, status_label
from kpi.present.pages import IndexPeriod, status_matrix
from kpi.run.publish import export_html, write_index

REPORTS = [
    {"name": "00_tietojen_laatu", "notebook": "00_tietojen_laatu.ipynb", "title": "Tietojen laatu"},
    {
        "name": "01_hyvinvointi",
        "notebook": "pilari.ipynb",
        "title": "Hyvinvointi",
        "parameters": {"pillar": "hyvinvointi"},
    },
    {"name": "02_seuranta", "notebook": "04_seuranta.ipynb", "title": "Seuranta"},
]


def manifest(period: str, goals: dict[str, str], names: dict[str, str] | None) -> dict:
    m = {
        "period_end": period,
        "finished": f"{period}T12:00:00",
        "reports": REPORTS,
        "results": {"goals": {g: {"status": s, "score": None} for g, s in goals.items()}},
    }
    if names is not None:
        m["goal_names"] = names
    return m


class _Table(HTMLParser):
    """The matrix as rows of (tag, scope, text, href) cells, and its caption."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[tuple[str, str, str, str]]] = []
        self.caption, self.region = "", {}
        self._cell: list | None = None
        self._in_caption = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div" and a.get("role") == "region":
            self.region = a
        if tag == "tr":
            self.rows.append([])
        if tag in ("th", "td"):
            self._cell = [tag, a.get("scope", ""), "", ""]
        if tag == "a" and self._cell is not None:
            self._cell[3] = a.get("href", "")
        self._in_caption = self._in_caption or tag == "caption"

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.rows[-1].append(tuple(self._cell))
            self._cell = None
        if tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[2] += data
        elif self._in_caption:
            self.caption += data


def matrix_of(page: str) -> _Table:
    table = _Table()
    table.feed(page[page.index('<div class="scroll"') : page.index("</table>") + 8])
    return table


class TestWriteIndex:
    def test_goals_by_period_with_status_symbol_and_words(self, tmp_path):
        for period, goals, names in (
            ("2022-06-30", {"H1": STATUSES[2], "H2": STATUSES[3]}, None),  # an older manifest: no goal_names
            (
                "2022-12-31",
                {"H1": STATUSES[0], "H2": STATUSES[1], "E1": STATUSES[2]},
                {"H1": "Palvelut", "H2": "Yritykset", "E1": "Talous"},
            ),
        ):
            (tmp_path / period).mkdir()
            (tmp_path / period / "manifest.json").write_text(
                json.dumps(manifest(period, goals, names)), encoding="utf-8"
            )
        page = write_index(tmp_path).read_text(encoding="utf-8")
        table = matrix_of(page)
        assert table.caption == "Tavoitteiden tila kausittain"
        assert table.region["aria-label"] == table.caption and table.region["tabindex"] == "0"
        head, *rows = table.rows
        # newest first, each column header a link to the period's consolidated follow-up
        assert [(tag, scope, href) for tag, scope, _, href in head] == [
            ("th", "col", ""),
            ("th", "col", "2022-12-31/02_seuranta.html"),
            ("th", "col", "2022-06-30/02_seuranta.html"),
        ]
        assert head[1][2] == "tilinpäätös 202231.12.2022"
        assert [[c[2] for c in r] for r in rows] == [
            ["H1 Palvelut", status_label(STATUSES[0]), status_label(STATUSES[2])],
            ["H2 Yritykset", status_label(STATUSES[1]), status_label(STATUSES[3])],
            ["E1 Talous", status_label(STATUSES[2]), "–"],
        ]
        assert all(r[0][:2] == ("th", "row") for r in rows)
        # above the periods' sections, so a reader sees it first
        assert page.index('class="matrix"') < page.index("<section>")

    def test_no_periods_no_matrix(self, tmp_path):
        assert 'class="matrix"' not in write_index(tmp_path).read_text(encoding="utf-8")


def test_status_cells_take_the_status_colour_classes():
    import datetime as dt

    period = IndexPeriod(dt.date(2023, 12, 31), [], dt.datetime(2024, 1, 1), goals={"H1": STATUSES[0]})
    html = status_matrix([period], {"H1": "Oikein mitoitetut, laadukkaat ja taloudellisesti toteutetut palvelut"})
    assert '<td class="st0">✓ toteutunut</td>' in html
    assert "H1 Oikein mitoitetut, laadukkaat ja …" in html  # a short name; the reports have it whole


def test_report_pages_carry_only_their_own_small_stylesheet(tmp_path):
    """No JupyterLab or pygments CSS (≈ 260 kB a page before): one stylesheet of the rules the reports use."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Otsikko\n\nTeksti."),
            new_code_cell("x", outputs=[new_output("display_data", data={"text/markdown": "**lihava**"})]),
        ]
    )
    path = tmp_path / "t.ipynb"
    nbformat.write(nb, str(path))
    page = export_html(path, title="Testi")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    assert len(styles) == 1 and len(styles[0].encode()) < 6000
    assert "jp-" not in styles[0] and "--jp" not in styles[0] and ".highlight" not in styles[0]
    # what the reports rely on: focus outlines, scrolling tables, charts no taller than a laptop screen, print
    for rule in (
        ":focus-visible",
        ".scroll { overflow-x: auto",
        "max-height: 45rem",
        "@media print",
        "@media (max-width: 40rem)",
    ):
        assert rule in styles[0], rule
    assert len(page.encode()) < 15000


def test_index_names_every_report_and_counts_the_statuses_in_prose(tmp_path):
    """The intro lists the reports a period has (the comparison too), from the manifest, not from a fixed text."""
    (tmp_path / "2023-12-31").mkdir()
    m = manifest("2023-12-31", {"H1": STATUSES[0]}, {"H1": "Palvelut"})
    m["reports"] = [*REPORTS, {"name": "03_vertailu", "notebook": "05_vertailu.ipynb", "title": "Vertailu"}]
    m["goal_statuses"] = {STATUSES[0]: 3, STATUSES[1]: 11, STATUSES[2]: 1, STATUSES[3]: 0}
    m["example_values"] = 54
    (tmp_path / "2023-12-31" / "manifest.json").write_text(json.dumps(m), encoding="utf-8")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert (
        "Kunkin kauden raportit: tietojen laatu, pilari Hyvinvointi, koottu seuranta sekä vertailu muihin kuntiin."
        in page
    )
    assert (
        "Tavoitteiden tila tietojen perusteella: toteutunut 3, osittain toteutunut 11, ei toteutunut 1 "
        "(yhteensä 15). Sisältää esimerkkiarvoja. Tehty " in page
    )


def test_footer_names_the_data_the_checksums_and_the_software_in_finnish():
    import datetime as dt

    from kpi.present.pages import footer

    text = footer(
        {
            "finished": dt.datetime(2026, 11, 30, 8, 15).isoformat(),
            "data_dir": "data/raw",
            "input_files": {"havainnot.csv": "0123456789abcdef"},
            "params": {"status": {"tolerance_pct": 5.0}},
            "period_end": "2023-12-31",
            "overrides": [],
            "versions": {"kpi": "0.1.0"},
            "commit": "2611901b69a7",
        }
    )
    assert "Tehty 30.11.2026 klo 8.15 aineistosta data/raw." in text
    assert "Syötetiedostot ja niiden tarkistussummat: havainnot.csv (01234567)." in text
    # the limit as the rules and the cells write it: "5 %", not "5,0 %"
    assert "Osittaisen toteutumisen raja 5\u00a0%." in text
    assert "Ohjelmaversio: kpi 0.1.0 (git 2611901b69a7). Kaikki tiedot: manifest.json." in text
    assert "commit" not in text and "toteuman" not in text
