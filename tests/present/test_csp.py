"""Every published page carries the one Content-Security-Policy of kpi.present.csp, early in its <head>."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from kpi.inputs.gate import GateResult
from kpi.present.csp import CSP, CSP_META
from kpi.present.quality import render_quality_page
from kpi.run.publish import TEMPLATES, export_html, write_index

META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


class _Head(HTMLParser):
    """The start tags of a page's <head>, in order, with their attributes."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.done = False

    def handle_starttag(self, tag, attrs):
        if tag == "body":
            self.done = True
        if not self.done and tag not in ("html", "head"):
            self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        self.done = self.done or tag == "head"


def policy_of(page: str) -> str:
    """The page's one CSP, checked to come after the charset, before anything it governs (style, script, ...).

    Parsed, not matched: nbconvert re-serialises its pages with BeautifulSoup (attributes reordered, ``/>``).
    """
    parser = _Head()
    parser.feed(page)
    tags = parser.tags
    csp = [
        i
        for i, (tag, attrs) in enumerate(tags)
        if tag == "meta" and attrs.get("http-equiv", "").lower() == "content-security-policy"
    ]
    assert len(csp) == 1, f"expected one CSP meta tag in <head>, found {len(csp)}"
    assert "charset" in tags[0][1], f"the charset comes first: {tags[:2]}"
    before = [tag for tag, _ in tags[: csp[0]]]
    assert set(before) <= {"meta", "title"}, f"{before} before the CSP"
    return tags[csp[0]][1]["content"]


def test_the_policy_allows_no_network_and_no_script():
    directives = dict((d.split(" ", 1) + [""])[:2] for d in (part.strip() for part in CSP.split(";")))
    assert directives["default-src"] == "'none'"
    assert "script-src" not in directives and "'unsafe-eval'" not in CSP
    assert not re.search(r"https?:|\*", CSP)
    assert directives["img-src"] == "data:" and directives["style-src"] == "'unsafe-inline'"
    assert '"' not in CSP and CSP in CSP_META


def test_the_report_template_repeats_the_policy_literally():
    template = (TEMPLATES / "kpi_offline" / "index.html.j2").read_text(encoding="utf-8")
    assert META.findall(template) == [CSP]


def test_quality_page_has_the_policy():
    page = render_quality_page(GateResult(dt.date(2022, 6, 30), Path("data")), made_at=dt.datetime(2026, 1, 1))
    assert policy_of(page) == CSP


def test_index_has_the_policy(tmp_path):
    assert policy_of(write_index(tmp_path).read_text(encoding="utf-8")) == CSP


def test_report_page_has_the_policy_and_no_script(tmp_path):
    """Even a JavaScript or widget output (the workbooks make none) leaves no <script>: its plain text shows."""
    nb = new_notebook(
        cells=[
            new_markdown_cell("# Otsikko"),
            new_code_cell(
                "x",
                outputs=[
                    new_output(
                        "display_data", data={"application/javascript": "window.x = 1", "text/plain": "<JS-tuloste>"}
                    )
                ],
            ),
            new_code_cell(
                "w",
                outputs=[
                    new_output(
                        "display_data",
                        data={
                            "application/vnd.jupyter.widget-view+json": {
                                "model_id": "m",
                                "version_major": 2,
                                "version_minor": 0,
                            },
                            "text/plain": "IntSlider(value=1)",
                        },
                    )
                ],
            ),
        ]
    )
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    page = export_html(path, title="Testi")
    assert policy_of(page) == CSP
    assert "<script" not in page.lower()
    assert "&lt;JS-tuloste&gt;" in page and "IntSlider(value=1)" in page
