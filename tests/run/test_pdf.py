"""kpi pdf: a published period printed to A4 PDF by real headless Chromium, read back with pypdf."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kpi import cli, fi
from kpi.run import pdf
from kpi.run.progress import Progress
from kpi.run.publish import manifest_reports
from kpi.run.runner import run_period
from tests.browser.conftest import CHROMIUM

pypdf = pytest.importorskip("pypdf")
BeautifulSoup = pytest.importorskip("bs4").BeautifulSoup

# One published period and its PDFs are shared by the module: keep it on one xdist worker so they are made once.
pytestmark = pytest.mark.xdist_group("pdf")

PERIOD = dt.date(2023, 12, 31)
A4 = (595.28, 841.89)  # points
SPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def chromium() -> Path:
    """Debian's chromium, as for tests/browser: a clear failure (not a skip) when the project's setup did not run."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"PDF tests need {CHROMIUM}: run `make browser` (installs Debian's chromium); `make test` does it first",
            pytrace=False,
        )
    return CHROMIUM


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    """The newest period run once from the embedded data into a temporary outputs/."""
    root = tmp_path_factory.mktemp("pdf")
    run_period(
        PERIOD, outputs_dir=root / "outputs", processed_dir=root / "processed", reports_dir=root / "outputs" / "laatu"
    )
    return root / "outputs"


def kpi(outputs: Path, *args: str, **env: str) -> tuple[int, str, str]:
    """`kpi ARGS` in this process with its outputs/ in `outputs`; exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "OUTPUTS_DIR", outputs)
        for name, value in env.items():
            mp.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def printed(outputs, chromium) -> dict:
    """`kpi pdf --latest` once: its exit code and output, the period's pages and each PDF read by pypdf."""
    code, out, err = kpi(outputs, "pdf", "--latest", KPI_CHROMIUM=str(chromium))
    folder = outputs / PERIOD.isoformat()
    pages = manifest_reports(json.loads((folder / "manifest.json").read_text(encoding="utf-8")))
    return {
        "code": code,
        "out": out,
        "err": err,
        "folder": folder,
        "pages": pages,
        "pdfs": {
            p.name: pypdf.PdfReader(folder / f"{p.name}.pdf") for p in pages if (folder / f"{p.name}.pdf").exists()
        },
    }


def summary_page(printed) -> str:
    return next(p.name for p in printed["pages"] if p.name.endswith("_seuranta"))


def texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def snapshot(folder: Path) -> dict[str, float]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")} if folder.exists() else {}


def printed_tables(html: str) -> list:
    """The tables a printed page shows: those outside a <details> (a chart's number table stays closed on paper)."""
    return [t for t in BeautifulSoup(html, "html.parser").find_all("table") if t.find_parent("details") is None]


def split_rows(rows: list[list[str]], pages: list[str], html_text: str) -> list[str]:
    """The rows whose words are found on two different pages: the start of a row on one, its end on the next.

    A word that occurs once in the page's HTML (so only in its row) and is found on one page of the PDF pins its row
    to that page; a row pinned to two pages was cut. (A long word wrapped in a narrow column is not found whole, and
    a word found elsewhere too pins nothing.)
    """
    once = {w for w, n in Counter(re.findall(r"\w{4,}", html_text)).items() if n == 1}
    words_on = [set(re.findall(r"\w{4,}", text)) for text in pages]
    found = []
    for row in rows:
        pinned = set()
        for word in set(re.findall(r"\w{4,}", " ".join(row))) & once:
            where = [n for n, words in enumerate(words_on) if word in words]
            if len(where) == 1:
                pinned.add(where[0])
        if len(pinned) > 1:
            found.append(f"{' | '.join(row)[:80]} (pages {sorted(n + 1 for n in pinned)})")
    return found


class TestKpiPdf:
    def test_prints_every_published_report_in_reading_order_and_lists_them(self, printed):
        assert printed["code"] == 0, printed["err"]
        lines = printed["out"].splitlines()
        assert lines[0].startswith(f"PDF (A4) of {fi.date(PERIOD)} ({fi.period_label(PERIOD)}), versio 1 (luonnos): ")
        assert [line.split()[0] for line in lines[1:]] == [f"{p.name}.pdf" for p in printed["pages"]]
        assert set(printed["pdfs"]) == {p.name for p in printed["pages"]}
        for line, page in zip(lines[1:], printed["pages"], strict=True):
            pages = len(printed["pdfs"][page.name].pages)
            assert f" {pages} pages  {page.title}" in line

    def test_each_pdf_is_a4_with_pages_and_the_consolidated_report_has_several(self, printed):
        for name, reader in printed["pdfs"].items():
            assert len(reader.pages) >= 1, name
            for page in reader.pages:
                box = page.mediabox
                assert abs(float(box.width) - A4[0]) <= 1 and abs(float(box.height) - A4[1]) <= 1, (name, box)
        assert len(printed["pdfs"][summary_page(printed)].pages) > 1

    def test_heading_footer_page_numbers_and_period_on_every_page(self, printed):
        label = fi.period_label(PERIOD)
        for page in printed["pages"]:
            reader = printed["pdfs"][page.name]
            html = (printed["folder"] / f"{page.name}.html").read_text(encoding="utf-8")
            heading = BeautifulSoup(html, "html.parser").h1.get_text(" ", strip=True)
            found = texts(reader)
            assert heading in found[0], page.name
            n = len(found)
            for number, text in enumerate(found, 1):
                assert f"Sivu {number} / {n}" in text, (page.name, number, text[:200])
                assert f"{page.title} · {label} · versio 1 (luonnos)" in text, (page.name, number, text[:200])

    def test_the_footer_stands_in_the_bottom_margin(self, printed):
        reader = printed["pdfs"][summary_page(printed)]
        seen: list[float] = []

        def at(text, cm, tm, font, size):
            if text.startswith("Sivu "):
                seen.append(pypdf.mult(tm, cm)[5])

        reader.pages[0].extract_text(visitor_text=at)
        assert seen and all(0 < y < 18 / 25.4 * 72 for y in seen), seen  # within the 18 mm bottom margin

    def test_no_page_is_left_empty(self, printed):
        """A chart taller than a page once left a blank page before it: every page has content besides the footer."""
        for name, reader in printed["pdfs"].items():
            for number, page in enumerate(reader.pages, 1):
                body = re.sub(r"Sivu \d+ / \d+", "", page.extract_text()).split("(luonnos)", 1)[-1]
                assert body.strip() or list(page.images), f"{name}: page {number} is empty"

    def test_the_numbers_of_the_tables_are_in_the_pdf_text(self, printed):
        name = summary_page(printed)
        html = (printed["folder"] / f"{name}.html").read_text(encoding="utf-8")
        flat = SPACE.sub("", "".join(texts(printed["pdfs"][name])))
        tables = printed_tables(html)
        first = [c.get_text(" ", strip=True) for c in tables[0].find_all(["th", "td"])]
        assert first and all(SPACE.sub("", cell) in flat for cell in first if len(cell) < 60), first
        numbers = [
            c.get_text(" ", strip=True) for t in tables for c in t.find_all("td") if re.search(r"\d", c.get_text())
        ]
        # a web address longer than its column wraps and is not found whole
        missing = [n for n in numbers if SPACE.sub("", n) not in flat and "://" not in n]
        assert len(numbers) > 20 and not missing, missing

    def test_no_word_of_a_wide_table_is_broken_on_paper(self, printed):
        """A table of many columns prints as a block per row, so each of its words is in the PDF whole. Before,
        eleven equal columns on A4 broke "Lähtötaso" into "Lähtöt" / "aso" and "Toimintakulut" into "Toimint" /
        "akulut" (issue 18: nobody had looked at the PDFs as images)."""
        wide = 0
        for name, reader in printed["pdfs"].items():
            html = (printed["folder"] / f"{name}.html").read_text(encoding="utf-8")
            on_paper = set(re.findall(r"\w+", " ".join(texts(reader))))
            for t in printed_tables(html):
                if "kpi-cards" not in (t.get("class") or []):
                    continue
                wide += 1
                cells = [c.get_text(" ", strip=True) for c in t.find_all(["th", "td"])]
                # letters-only words; a web address may still wrap at the paper's edge
                words = {
                    w for c in cells if "://" not in c for w in re.findall(r"\w+", c) if w.isalpha() and len(w) >= 5
                }
                broken = sorted(words - on_paper)
                assert not broken, (name, t.caption.get_text() if t.caption else "", broken[:10])
        assert wide >= 10  # the indicator tables of the pillars, the quality page's checks, the budget

    def test_no_table_row_of_a_report_is_cut_between_pages(self, printed):
        for name, reader in printed["pdfs"].items():
            html = (printed["folder"] / f"{name}.html").read_text(encoding="utf-8")
            rows = [
                [c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
                for t in printed_tables(html)
                for tr in (t.find("tbody") or t).find_all("tr")
                if not tr.find_parent("thead")
            ]
            html_text = BeautifulSoup(html, "html.parser").get_text(" ")
            assert not split_rows(rows, texts(reader), html_text), name

    def test_a_missing_chromium_is_said_with_exit_5_and_nothing_is_written(self, outputs):
        folder = outputs / PERIOD.isoformat()
        before = snapshot(outputs)
        code, out, err = kpi(outputs, "pdf", "--period", PERIOD.isoformat(), KPI_CHROMIUM="/nonexistent")
        assert code == 5 and out == ""
        assert "needs the Chromium browser" in err and "KPI_CHROMIUM=/nonexistent" in err and "make browser" in err
        assert "Traceback" not in err and "Nothing was written" in err
        assert snapshot(outputs) == before and (folder / "manifest.json").exists()

    def test_run_with_pdf_refuses_before_running_when_chromium_is_missing(self, outputs):
        before = snapshot(outputs)
        code, out, err = kpi(outputs, "run", "--period", PERIOD.isoformat(), "--pdf", KPI_CHROMIUM="/nonexistent")
        assert code == 5 and "needs the Chromium browser" in err and out == ""
        assert snapshot(outputs) == before  # no run, no new version

    def test_the_installed_command_gives_no_traceback(self, outputs):
        done = subprocess.run(
            [sys.executable, "-m", "kpi.cli", "pdf", "--latest"],
            env={**os.environ, "KPI_OUTPUTS_DIR": str(outputs), "KPI_CHROMIUM": "/nonexistent"},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 5 and done.stderr.startswith("kpi: printing PDFs needs the Chromium browser")
        assert "Traceback" not in done.stderr

    def test_a_period_without_published_reports_gives_exit_2_and_writes_nothing(self, outputs):
        before = snapshot(outputs)
        code, out, err = kpi(outputs, "pdf", "--period", "2022-06-30")
        assert code == 2 and out == ""
        assert "2022-06-30 has no published reports to print" in err and "kpi run --period 2022-06-30" in err
        assert "Traceback" not in err
        assert snapshot(outputs) == before and not (outputs / "2022-06-30").exists()

    @pytest.mark.parametrize("unchanged", [True, False], ids=["unchanged-run", "new-version"])
    def test_run_with_pdf_prints_each_period_after_its_run(self, outputs, monkeypatch, unchanged):
        """The wiring of `kpi run --pdf`: after a run, or after a run skipped as unchanged, the period is printed."""
        from kpi.run.runner import PeriodResult

        calls, order = [], []

        def fake_print(period, *, outputs_dir, progress):
            calls.append((period, outputs_dir))
            order.append("pdf")
            return pdf.PrintedPeriod(outputs_dir / period.isoformat(), "versio 1 (luonnos)", ())

        def fake_run(period, **kwargs):
            order.append("run")
            folder = kwargs["outputs_dir"] / period.isoformat()
            index = kwargs["outputs_dir"] / "index.html"
            return PeriodResult(period, "", None, folder, {}, report_dir=folder, index=index, version=1, skipped=True)

        monkeypatch.setattr(pdf, "print_period", fake_print)
        monkeypatch.setattr(pdf, "find_chromium", lambda: Path("/usr/bin/true"))
        monkeypatch.setattr(cli, "unchanged", lambda *a, **k: type("Same", (), {"number": 1})() if unchanged else None)
        monkeypatch.setattr(cli, "run_period", fake_run)
        code, out, err = kpi(outputs, "run", "--period", PERIOD.isoformat(), "--pdf")
        assert code == 0, err
        assert calls == [(PERIOD, outputs)] and order == (["pdf"] if unchanged else ["run", "pdf"])
        assert "PDF (A4) of 31.12.2023 (tilinpäätös 2023), versio 1 (luonnos): " in out
        assert out.rstrip().splitlines()[-1].startswith("Index of all periods:")

    def test_run_without_pdf_prints_nothing(self, outputs, monkeypatch):
        monkeypatch.setattr(pdf, "print_period", lambda *a, **k: pytest.fail("printed without --pdf"))
        monkeypatch.setattr(cli, "unchanged", lambda *a, **k: type("Same", (), {"number": 1})())
        code, out, err = kpi(outputs, "run", "--period", PERIOD.isoformat())
        assert code == 0 and "PDF" not in out, err


class TestPrintCss:
    def test_keeps_rows_charts_and_headings_whole_and_repeats_table_headers(self):
        css = pdf.print_css("Seuranta · tilinpäätös 2023")
        assert re.search(r"tr, figure, img, \.jp-OutputArea-output img \{ break-inside: avoid;", css)
        assert "thead { display: table-header-group; }" in css
        assert re.search(r"h1, h2, h3[^{]*\{ break-after: avoid;", css)
        assert "nav.kpi-nav" in css and "display: none" in css
        assert 'content: "Sivu " counter(page) " / " counter(pages)' in css
        assert "size: A4" in css and "max-height: 230mm" in css

    def test_the_footer_text_cannot_break_out_of_the_stylesheet(self):
        css = pdf.print_css('Raportti "A" \\ </style><script>x</script>')
        footer = re.search(r"@bottom-left \{ content: (\"[^\"]*\");", css)
        assert footer is not None
        assert "</style>" not in css and "<script>" not in css
        assert footer.group(1) == '"Raportti \\22 A\\22  \\5c  \\3c /style\\3e \\3c script\\3e x\\3c /script\\3e "'

    def test_the_style_goes_last_in_the_head(self):
        page = '<html><head><meta http-equiv="Content-Security-Policy" content="x"><style>a{}</style></head><body>'
        out = pdf.with_print_css(page, "f")
        assert out.index("<style>a{}</style>") < out.index("@page") < out.index("</head>")


class TestRowsAcrossPages:
    """Real Chromium on a table of tall rows: the print stylesheet keeps every row whole; without it rows are cut."""

    @staticmethod
    def page(tmp_path: Path, extra_css: str = "") -> tuple[Path, list[list[str]], str]:
        rows = [[f"r{r:02d}", " ".join(f"r{r:02d}w{w:02d}" for w in range(12))] for r in range(30)]
        body = "".join(f"<tr><td>{a}</td><td>{'<br>'.join(b.split())}</td></tr>" for a, b in rows)  # twelve lines a row
        html = (
            f'<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8"><title>t</title><style>{extra_css}</style>'
            f"</head><body><h1>Rivit</h1><table><thead><tr><th>Rivi</th><th>Sanat</th></tr></thead>"
            f"<tbody>{body}</tbody></table></body></html>"
        )
        path = tmp_path / "rivit.html"
        path.write_text(html, encoding="utf-8")
        return path, rows, " ".join(" ".join(row) for row in rows)

    def printed_pages(self, chromium, tmp_path, extra_css="") -> tuple[list[str], list[list[str]], str]:
        source, rows, text = self.page(tmp_path, extra_css)
        work = tmp_path / "work"
        work.mkdir()
        data = pdf.print_page(chromium, source, work / "rivit.pdf", footer="Rivit · testi", workdir=work)
        assert pdf.page_count(data) == len(pypdf.PdfReader(io.BytesIO(data)).pages)
        return texts(pypdf.PdfReader(io.BytesIO(data))), rows, text

    def test_with_the_print_css_no_row_is_cut_and_the_header_repeats(self, chromium, tmp_path):
        pages, rows, text = self.printed_pages(chromium, tmp_path)
        assert len(pages) > 2
        assert not split_rows(rows, pages, text)
        assert all("Rivi Sanat" in text for text in pages)  # the header row on every page

    def test_the_check_finds_cut_rows_when_rows_may_break(self, chromium, tmp_path):
        """Not vacuous: allowing rows to break (a later rule wins) makes Chromium cut some, and the check sees it."""
        pages, rows, text = self.printed_pages(
            chromium, tmp_path, "@media print { tr { break-inside: auto !important } }"
        )
        assert split_rows(rows, pages, text)


class TestFindChromium:
    def test_the_environment_variable_wins(self, monkeypatch, chromium):
        monkeypatch.setenv("KPI_CHROMIUM", str(chromium))
        assert pdf.find_chromium() == chromium

    def test_without_it_the_path_is_searched(self, monkeypatch, tmp_path):
        program = tmp_path / "chromium-browser"
        program.write_text("#!/bin/sh\n", encoding="utf-8")
        program.chmod(0o755)
        monkeypatch.delenv("KPI_CHROMIUM", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        assert pdf.find_chromium() == program

    def test_nothing_found_names_what_was_looked_for(self, monkeypatch, tmp_path):
        monkeypatch.delenv("KPI_CHROMIUM", raising=False)
        monkeypatch.setenv("PATH", str(tmp_path))
        with pytest.raises(pdf.ChromiumError, match="none of chromium, chromium-browser") as raised:
            pdf.find_chromium()
        assert raised.value.exit_code == 5

    def test_a_chromium_that_fails_is_an_error_naming_the_page(self, tmp_path):
        program = tmp_path / "chromium"
        program.write_text("#!/bin/sh\necho 'no display' >&2\nexit 3\n", encoding="utf-8")
        program.chmod(0o755)
        page = tmp_path / "04_seuranta.html"
        page.write_text("<html><head></head><body>x</body></html>", encoding="utf-8")
        work = tmp_path / "work"
        work.mkdir()
        with pytest.raises(pdf.ChromiumError, match=r"could not print 04_seuranta.html \(exit code 3: no display\)"):
            pdf.print_page(program, page, work / "x.pdf", footer="f", workdir=work)


def test_progress_names_the_step_and_each_report(printed, outputs, chromium, monkeypatch):
    """On a terminal the printing is a step with a line per report, like the other long steps."""
    stream = io.StringIO()
    monkeypatch.setenv("KPI_CHROMIUM", str(chromium))
    progress = Progress(stream, enabled=True)
    # one page is enough to see the lines: a manifest listing only the quality report, in a copy of the folder
    copy = outputs.parent / "one" / PERIOD.isoformat()
    copy.mkdir(parents=True)
    manifest = json.loads((printed["folder"] / "manifest.json").read_text(encoding="utf-8"))
    manifest["reports"] = manifest["reports"][:1]
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    name = manifest["reports"][0]["name"]
    (copy / f"{name}.html").write_text((printed["folder"] / f"{name}.html").read_text(encoding="utf-8"), "utf-8")
    done = pdf.print_period(PERIOD, outputs_dir=copy.parent, progress=progress)
    lines = stream.getvalue()
    assert f"Printing 1 report of {PERIOD.isoformat()} to A4 PDF with Chromium …" in lines
    assert f"  PDF of {name}: done" in lines and "with Chromium: done" in lines
    assert [r.name for r in done.reports] == [name] and (copy / f"{name}.pdf").read_bytes().startswith(b"%PDF")
