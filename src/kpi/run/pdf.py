"""Printing a period's published report pages to A4 PDF files with headless Chromium, for the meeting papers."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kpi import fi
from kpi.errors import ChromiumError, UsageError
from kpi.files import write_atomically
from kpi.paths import OUTPUTS_DIR, display
from kpi.run.progress import Progress
from kpi.run.publish import Report, manifest_reports, stop_kernels
from kpi.run.versions import Version, final_number

#: Where Chromium is, when not on the PATH under one of :data:`CHROMIUM_NAMES` (as for the browser tests).
CHROMIUM_ENV = "KPI_CHROMIUM"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Seconds one page may take to print; a page takes 2–5 s on the 2-core machines.
PAGE_TIMEOUT = 180
# Quiet on a closed network: no background calls to Google that would only wait and fail.
QUIET_FLAGS = (
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
)


class NothingPublished(UsageError):
    """The period has no published reports to print (exit code 2): it has not been run yet."""


@dataclass(frozen=True)
class PrintedReport:
    """One report printed: its page name, title, the PDF written and its number of pages."""

    name: str
    title: str
    path: Path
    pages: int


@dataclass(frozen=True)
class PrintedPeriod:
    """The PDFs of a period: its folder, the version printed (``versio 3 (luonnos)``) and the reports in order."""

    folder: Path
    version: str
    reports: tuple[PrintedReport, ...]


def find_chromium() -> Path:
    """The Chromium to print with: ``$KPI_CHROMIUM`` when set, else the first of :data:`CHROMIUM_NAMES` on the PATH.

    Raises
    ------
    ChromiumError
        When neither gives a program that exists, with what to install and how to name another one.
    """
    named = os.environ.get(CHROMIUM_ENV, "").strip()
    if named:
        path = Path(named)
        if path.is_file() and os.access(path, os.X_OK):
            return path
        where = f"{CHROMIUM_ENV}={named} is not a program that exists"
    else:
        found = next((shutil.which(name) for name in CHROMIUM_NAMES if shutil.which(name)), None)
        if found:
            return Path(found)
        where = f"none of {', '.join(CHROMIUM_NAMES)} is on the PATH"
    raise ChromiumError(
        f"printing PDFs needs the Chromium browser, but {where}. Install it (`make browser`, or on Debian "
        f"`apt-get install chromium`) or set {CHROMIUM_ENV} to its path. Nothing was written. "
        f"(PDF-tiedostojen tekoon tarvitaan Chromium-selain: asenna se tai anna sen polku muuttujassa {CHROMIUM_ENV}.)"
    )


def css_string(text: str) -> str:
    """`text` as a CSS string literal; quotes, backslashes, line ends and ``<`` (``</style>``) escaped."""
    return '"' + "".join(f"\\{ord(c):x} " if c in '"\\<>' or ord(c) < 0x20 else c for c in text) + '"'


def print_css(footer: str) -> str:
    """The print stylesheet put into the copy of a page that is printed: A4, the footer line, page numbers.

    The page numbers are ``Sivu 3 / 12``; nothing a reader needs whole (a table row, a chart) is cut between pages,
    a chart taller than a page is shrunk to fit one, a long table repeats its header row on every page, and a
    heading stays with what follows it. Navigation links
    mean nothing on paper and are left out.
    """
    small = "font-family: system-ui, sans-serif; font-size: 8pt; color: #333"
    return f"""
@page {{
  size: A4;
  margin: 15mm 12mm 18mm 12mm;
  @bottom-left {{ content: {css_string(footer)}; {small}; }}
  @bottom-right {{ content: "Sivu " counter(page) " / " counter(pages); {small}; }}
}}
@media print {{
  body {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  nav.kpi-nav, .kpi-skip, a[href^="#"].skip-link {{ display: none !important; }}
  tr, figure, img, .jp-OutputArea-output img {{ break-inside: avoid; page-break-inside: avoid; }}
  /* a chart taller than a page (one bar per goal) is shrunk to fit one, keeping its shape, rather than cut */
  figure img, .jp-OutputArea-output img {{ max-height: 230mm; object-fit: contain; object-position: left top; }}
  thead {{ display: table-header-group; }}
  h1, h2, h3, h4, caption {{ break-after: avoid; page-break-after: avoid; }}
}}
"""


def with_print_css(page: str, footer: str) -> str:
    """The page with :func:`print_css` as the last style of its head, so that it wins over the page's own rules."""
    style = f"<style>{print_css(footer)}</style>"
    at = page.lower().rfind("</head>")
    return page[:at] + style + page[at:] if at >= 0 else style + page


def chromium_command(chromium: Path, source: Path, target: Path, profile: Path) -> list[str]:
    """The command that prints `source` (an HTML file) to `target` (A4 PDF, no browser header or footer)."""
    command = [
        str(chromium),
        "--headless",
        *QUIET_FLAGS,
        f"--user-data-dir={profile}",  # its own profile: two printers at a time, nothing left in the user's home
        "--no-pdf-header-footer",
        f"--print-to-pdf={target}",
        source.resolve().as_uri(),
    ]
    if os.name == "posix" and os.geteuid() == 0:  # Chromium refuses to start as root inside its sandbox
        command.insert(2, "--no-sandbox")
    return command


def page_count(pdf: bytes) -> int:
    """How many pages a PDF has, from its page objects (Chromium writes them uncompressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf))


def print_page(chromium: Path, page: Path, target: Path, *, footer: str, workdir: Path) -> bytes:
    """Print one HTML page to A4 PDF at `target` (in `workdir`) through a copy with :func:`print_css`; return it.

    Raises
    ------
    ChromiumError
        When Chromium fails, takes longer than :data:`PAGE_TIMEOUT` or writes no PDF.
    """
    copy = workdir / page.name  # beside no other file: the pages are self-contained
    copy.write_text(with_print_css(page.read_text(encoding="utf-8"), footer), encoding="utf-8")
    profile = workdir / f".profile-{page.stem}"
    try:
        done = subprocess.run(
            chromium_command(chromium, copy, target, profile),
            capture_output=True,
            text=True,
            timeout=PAGE_TIMEOUT,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise ChromiumError(
            f"Chromium ({chromium}) did not print {page.name} in {PAGE_TIMEOUT} s; nothing was written"
        ) from None
    except OSError as exc:
        raise ChromiumError(f"Chromium ({chromium}) could not be started: {exc}; nothing was written") from None
    pdf = target.read_bytes() if target.exists() else b""
    if done.returncode != 0 or not pdf.startswith(b"%PDF"):
        # Chromium logs much that is harmless (no D-Bus in a container); its last lines say what went wrong
        said = [line for line in done.stderr.splitlines() if "dbus" not in line.lower()][-3:]
        raise ChromiumError(
            f"Chromium ({chromium}) could not print {page.name} (exit code {done.returncode}"
            + (f": {' / '.join(said)}" if said else "")
            + "); nothing was written"
        )
    return pdf


def published(period_end: dt.date, outputs_dir: Path = OUTPUTS_DIR) -> tuple[Path, dict[str, Any], list[Report]]:
    """The published folder of a period, its manifest and the report pages in it, in reading order.

    Raises
    ------
    NothingPublished
        The period has no published folder with a manifest, or none of its pages (exit code 2).
    """
    period = period_end.isoformat()
    folder = Path(outputs_dir) / period
    manifest_file = folder / "manifest.json"
    if not manifest_file.exists():
        raise NothingPublished(
            f"{period} has no published reports to print: {display(folder)}/ "
            f"{'has no manifest.json' if folder.is_dir() else 'does not exist'}. Run `kpi run --period {period}` "
            f"first. (Kaudella {fi.date(period_end)} ei ole julkaistuja raportteja: aja ensin kpi run.)"
        )
    manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    pages = [r for r in manifest_reports(manifest) if (folder / f"{r.name}.html").exists()]
    if not pages:
        raise NothingPublished(
            f"{period}: none of the reports listed in {display(manifest_file)} is in {display(folder)}/; "
            f"run `kpi run --period {period} --force` to publish it again"
        )
    return folder, manifest, pages


def print_period(
    period_end: dt.date, *, outputs_dir: Path = OUTPUTS_DIR, progress: Progress | None = None
) -> PrintedPeriod:
    """Print every published report of a period to ``outputs/<period>/<page>.pdf`` (A4, one PDF per page).

    The pages are those the period's ``manifest.json`` lists, in reading order. Each PDF's footer names the report,
    the period and the version (``Seuranta · tilinpäätös 2023 · versio 3 (luonnos)``) and numbers the pages
    (``Sivu 1 / 12``). Every PDF is printed before any is written, and each is written atomically: a failure keeps
    the folder as it was. A later run or ``kpi final`` publishes the folder anew, without these PDFs.

    Raises
    ------
    NothingPublished
        The period has no published folder with a manifest, or none of its pages (exit code 2).
    ChromiumError
        Chromium is missing or failed (exit code 5); nothing was written.
    """
    progress = progress or Progress(enabled=False)
    period = period_end.isoformat()
    folder, manifest, pages = published(period_end, outputs_dir)
    chromium = find_chromium()
    number = manifest.get("version")
    version = (
        Version(period_end, number, folder, manifest, number == final_number(outputs_dir, period_end)).label
        if number
        else ""
    )
    label = fi.period_label(period_end)

    with tempfile.TemporaryDirectory(prefix="kpi-pdf-") as tmp:
        workdir = Path(tmp)

        def one(report: Report) -> tuple[str, bytes]:
            begin = time.perf_counter()
            pdf = print_page(
                chromium,
                folder / f"{report.name}.html",
                workdir / f"{report.name}.pdf",
                footer=" · ".join(filter(None, [report.title, label, version])),
                workdir=workdir,
            )
            progress.timed(f"  PDF of {report.name}", time.perf_counter() - begin)
            return report.name, pdf

        reports = f"{len(pages)} report" + ("s" if len(pages) > 1 else "")
        with progress.step(f"Printing {reports} of {period} to A4 PDF with Chromium"):
            # each Chromium is several processes of its own; as many at a time as there are cores
            pool = ThreadPoolExecutor(max_workers=max(1, min(len(pages), os.cpu_count() or 1)))
            try:
                printed = dict(pool.map(one, pages))
            except KeyboardInterrupt:
                # Ctrl-C or SIGTERM: end the printers now rather than at the end of their page
                stop_kernels()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
    written = []
    for report in pages:
        target = write_atomically(folder / f"{report.name}.pdf", printed[report.name])
        written.append(PrintedReport(report.name, report.title, target, page_count(printed[report.name])))
    progress.kept.append(f"the PDFs of {period} in {display(folder)}/")
    return PrintedPeriod(folder, version, tuple(written))
