"""What a reader sees, in real headless Chromium: offline, accessible (axe-core), Finnish, phone- and print-ready.

One 30.6. and one 31.12. period are published from the embedded data; every page of both and the index is
opened at desktop and phone width. Screenshots go to test-artifacts/screenshots/ for a person to look at.
Every page any test opens must carry the Content-Security-Policy and break none of it (pages.opened checks).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW
from kpi.present.csp import CSP_META
from kpi.run.publish import reports
from kpi.run.runner import run_period
from tests.browser.conftest import ARTIFACTS
from tests.browser.pages import (
    A4_CONTENT,
    DESKTOP,
    PHONE,
    axe_violations,
    opened,
    sideways_overflow,
    structure,
    tab_stops,
    text_past_edge,
)

# Everything here shares one published folder: keep it on one xdist worker so it is built once.
pytestmark = pytest.mark.xdist_group("browser")

PERIODS = [dt.date(2022, 6, 30), dt.date(2022, 12, 31)]
REPORTS = [r.name for r in reports(load_strategy(DATA_RAW / "strategia.yaml"))]
PAGES = [("index", None)] + [(name, p) for p in PERIODS for name in REPORTS]
IDS = ["index"] + [f"{p.isoformat()}-{name}" for p in PERIODS for name in REPORTS]
VAGUE_LINK_TEXTS = {"", "¶", "tästä", "linkki", "lue lisää", "klikkaa", "tässä"}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    for period in PERIODS:
        run_period(
            period,
            outputs_dir=root / "outputs",
            processed_dir=root / "processed",
            reports_dir=root / "outputs" / "laatu",
        )
    return root / "outputs"


def page_path(outputs, name, period):
    return outputs / "index.html" if period is None else outputs / period.isoformat() / f"{name}.html"


@pytest.mark.parametrize("period", PERIODS, ids=[p.isoformat() for p in PERIODS])
def test_quality_page_is_offline_and_keeps_its_policy(browser, axe_source, outputs, period):
    path = outputs / "laatu" / f"{period.isoformat()}.html"
    with opened(browser, path, DESKTOP) as found:
        violations = axe_violations(found.page, axe_source)
        assert not found.external, f"requests that leave the machine: {found.external}"
    assert not violations, f"axe-core serious/critical violations: {violations}"


PAGE = (
    '<!DOCTYPE html><html lang="fi"><head><meta charset="utf-8">{}<title>t</title>{}</head>'
    "<body><h1>t</h1>{}</body></html>"
)
STYLE = "<style>h1{color:#1a1a1a}</style>"
# a page the check must fail, and the words that say why
BROKEN = {
    "no-policy": (PAGE.format("", STYLE, ""), "0 CSP meta tags"),
    "policy-after-style": (PAGE.format("", STYLE + CSP_META, ""), "not in <head> before"),
    "network-source": (
        PAGE.format(CSP_META.replace("img-src data:", "img-src data: https:"), STYLE, ""),
        "allows eval or the network",
    ),
    "unsafe-eval": (
        PAGE.format(CSP_META.replace("'none';", "'none'; script-src 'unsafe-eval';", 1), STYLE, ""),
        "allows eval or the network",
    ),
    "blocked-image": (
        PAGE.format(CSP_META, STYLE, '<img alt="x" src="https://example.invalid/x.png">'),
        "img-src blocked https://example.invalid/x.png",
    ),
    "blocked-script": (
        PAGE.format(CSP_META, STYLE, "<script>document.title = 'x'</script>"),
        "script-src-elem blocked inline",
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_the_policy_check_fails_a_page_without_or_against_the_policy(browser, tmp_path, case):
    """The check in pages.opened is not vacuous: a page without the policy, or one breaking it, fails it."""
    page, why = BROKEN[case]
    path = tmp_path / f"{case}.html"
    path.write_text(page, encoding="utf-8")
    with pytest.raises(AssertionError, match="Content-Security-Policy") as failed:
        with opened(browser, path, DESKTOP):
            pass
    assert why in str(failed.value)


def test_the_policy_check_passes_inline_styles_and_data_images(browser, tmp_path):
    path = tmp_path / "good.html"
    gif = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="
    path.write_text(
        PAGE.format(CSP_META, STYLE, f'<p style="color:#1a1a1a">x</p><img alt="" src="{gif}">'), encoding="utf-8"
    )
    with opened(browser, path, DESKTOP) as found:
        assert found.page.evaluate("document.querySelector('img').naturalWidth") == 1
    assert len(found.csp_pages) == 1


@pytest.mark.parametrize(("name", "period"), PAGES, ids=IDS)
def test_page_is_offline_accessible_and_fits_a_phone(browser, axe_source, outputs, name, period):
    path = page_path(outputs, name, period)
    label = "index" if period is None else f"{period.isoformat()}-{name}"
    shots = ARTIFACTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)

    with opened(browser, path, DESKTOP) as desk:
        violations = axe_violations(desk.page, axe_source)
        seen = structure(desk.page)
        desk.page.screenshot(path=str(shots / f"{label}-desktop.png"), full_page=True)
        assert not desk.external, f"{label}: requests that leave the machine: {desk.external}"
    assert not violations, f"{label}: axe-core serious/critical violations: {violations}"

    assert seen["lang"] == "fi"
    levels = [level for level, _ in seen["headings"]]
    assert levels.count(1) == 1 and levels[0] == 1, f"{label}: one h1 first, got {seen['headings'][:5]}"
    skips = [(a, b) for a, b in zip(seen["headings"], seen["headings"][1:]) if b[0] > a[0] + 1]
    assert not skips, f"{label}: headings skip a level: {skips}"
    assert not any("¶" in text for _, text in seen["headings"])
    for img in seen["imgs"]:
        assert img["alt"] and img["alt"].strip(), f"{label}: an img without alt text"
        assert img["figureTable"] and not img["detailsOpen"], f"{label}: chart without its collapsed number table"
    for table in seen["tables"]:
        assert table["caption"] and table["headers"] and all(table["headers"]), f"{label}: table {table}"
        assert table["scoped"] and table["inScrollBox"], f"{label}: table {table['caption']}"
    for link in seen["links"]:
        assert link["text"].lower() not in VAGUE_LINK_TEXTS, f"{label}: link text {link!r} does not say where it goes"

    with opened(browser, path, PHONE) as phone:
        overflow = sideways_overflow(phone.page)
        past_edge = text_past_edge(phone.page)
        phone.page.screenshot(path=str(shots / f"{label}-phone.png"), full_page=True)
        assert not phone.external
    assert overflow <= 0, f"{label}: the page scrolls sideways by {overflow} px at 390 px"
    assert not past_edge, f"{label}: text runs past its box at 390 px: {past_edge}"


@pytest.mark.parametrize(("name", "period"), PAGES[1:], ids=IDS[1:])
def test_report_top_says_period_data_date_and_example_values(browser, outputs, name, period):
    with opened(browser, page_path(outputs, name, period), DESKTOP) as found:
        top = structure(found.page)["top"]
    label = "Osavuosikatsaus 1–6/2022" if period.month == 6 else "Tilinpäätös 2022"
    assert label in top and f"Tietojen ajankohta: {period.day}.{period.month}.{period.year}" in top, top[:400]
    # the comparison page shows only published open statistics, never the city's example values
    assert f"Sisältää esimerkkiarvoja: {'ei' if name.endswith('_vertailu') else 'kyllä'}" in top


@pytest.mark.parametrize("name", ["01_hyvinvointi", "04_seuranta"])
def test_print_puts_the_report_on_a4_without_cutting(browser, outputs, name):
    path = page_path(outputs, name, PERIODS[1])
    with opened(browser, path, A4_CONTENT, media="print") as printed:
        overflow = sideways_overflow(printed.page)
        nav_shown = printed.page.evaluate("getComputedStyle(document.querySelector('nav.kpi-nav')).display")
        wide = printed.page.evaluate(
            """w => [...document.querySelectorAll('table, img, figure')]
              .filter(e => e.getBoundingClientRect().right > w + 1).map(e => e.tagName + ' ' + (e.caption ? e.caption.innerText : ''))""",
            A4_CONTENT["width"],
        )
        pdf = printed.page.pdf(format="A4", print_background=True)
        (ARTIFACTS / "print").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "print" / f"{PERIODS[1].isoformat()}-{name}.pdf").write_bytes(pdf)
    assert overflow <= 0 and not wide, f"wider than A4: {wide}"
    assert nav_shown == "none"
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") > 1


def test_keyboard_reaches_every_link_and_chart_table(browser, outputs):
    with opened(browser, page_path(outputs, "04_seuranta", PERIODS[1]), DESKTOP) as found:
        # what a sighted keyboard user can reach: the tables inside collapsed <details> open with their summary
        wanted = found.page.evaluate(
            "[...document.querySelectorAll('a[href], summary, [tabindex=\"0\"]')]"
            ".filter(e => e.checkVisibility()).length"
        )
        stops = tab_stops(found.page, wanted + 5)
    assert stops[0] == "A:../index.html", "the first Tab goes to the link to the index"
    assert len(stops) == wanted, f"Tab reached {len(stops)} of {wanted} controls"
    assert any(s.startswith("SUMMARY:") for s in stops)


def test_navigation_moves_between_reports_and_periods(browser, outputs):
    with opened(browser, page_path(outputs, "01_hyvinvointi", PERIODS[0]), DESKTOP) as found:
        page = found.page
        page.get_by_role("link", name="Seuranta", exact=True).click()
        assert page.url.endswith("2022-06-30/04_seuranta.html")
        page.get_by_role("link", name="Seuranta: seuraava kausi, tilinpäätös 2022 →").click()
        assert page.url.endswith("2022-12-31/04_seuranta.html")
        assert page.get_by_role("link", name="Seuranta", exact=True).get_attribute("aria-current") == "page"
        page.get_by_role("link", name="Kaikki kaudet (etusivu)").click()
        assert page.url.endswith("/index.html")
        page.get_by_role("link", name="Identiteetti").first.click()
        assert page.url.endswith("2022-12-31/03_identiteetti.html")
        assert not found.external


INJECTED_NAME = 'Palvelut <script>window.__pwned = "nimi"</script><img src="https://example.invalid/x.png" onerror="window.__pwned = 1">'
INJECTED_PILLAR = 'Hyvinvointi <script>window.__pwned = "pilari"</script>'
INJECTED_COMMENT = 'Kommentti <b>lihava</b> <script>window.__pwned = "kommentti"</script> [linkki](javascript:alert(1))'


def test_text_from_input_files_shows_as_text_and_runs_nothing(browser, data_copy, tmp_path):
    """A goal and a pillar name (strategia.yaml) and a commentary (--set) with HTML in them: shown literally, nothing executes."""
    from kpi.run.params import load_params
    from kpi.run.publish import execute_notebooks, export_html

    strategy = data_copy / "strategia.yaml"
    text = strategy.read_text(encoding="utf-8")
    original = "name: Oikein mitoitetut, laadukkaat ja taloudellisesti toteutetut palvelut"
    assert text.count(original) == 1
    pillar = "{id: hyvinvointi, name: Hyvinvointi}"
    assert text.count(pillar) == 1
    strategy.write_text(
        text.replace(original, f"name: '{INJECTED_NAME}'").replace(
            pillar, f"{{id: hyvinvointi, name: '{INJECTED_PILLAR}'}}"
        ),
        encoding="utf-8",
    )
    period = PERIODS[1]
    params = load_params(period, overrides=[f"report.commentary={INJECTED_COMMENT}"])
    pages = [r for r in reports(load_strategy(strategy)) if r.name in ("01_hyvinvointi", "04_seuranta")]
    executed = execute_notebooks(
        params, reports=pages, data_dir=data_copy, workdir=tmp_path / "nb", failed_dir=tmp_path / "failed"
    )
    for nb in executed:
        page = tmp_path / f"{nb.name}.html"
        page.write_text(export_html(nb.path, title=nb.name), encoding="utf-8")
        with opened(browser, page, DESKTOP) as found:
            pwned = found.page.evaluate("window.__pwned === undefined ? null : String(window.__pwned)")
            shown = found.page.evaluate("document.body.innerText")
            bold = found.page.evaluate("document.querySelectorAll('main b').length")
            js_links = found.page.evaluate("[...document.querySelectorAll('a[href^=\"javascript:\"]')].length")
            assert pwned is None, f"{nb.name}: injected script ran ({pwned})"
            assert not found.external, f"{nb.name}: injected markup made a request: {found.external}"
        assert '<script>window.__pwned = "nimi"</script>' in shown, f"{nb.name}: the name is not shown as text"
        assert "Kommentti <b>lihava</b>" in shown and bold == 0 and js_links == 0
        if nb.name == "01_hyvinvointi":
            assert INJECTED_PILLAR in shown, "the pillar name is not shown as text"


# What a reader needs first (issue 18): a laptop's first screen shows the summary of a report and the status matrix
# of the index; no chart is taller than that screen.
LAPTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("name", ["04_seuranta", "01_hyvinvointi", "05_vertailu", "00_tietojen_laatu"])
def test_the_summary_is_on_the_first_screen(browser, outputs, name):
    with opened(browser, page_path(outputs, name, PERIODS[1]), LAPTOP) as found:
        heading = found.page.get_by_role("heading", name="Tiivistelmä", exact=True)
        top = heading.bounding_box()["y"]
        # the summary's first sentence starts on the same screen
        text_top = found.page.evaluate(
            "h => h.closest('.jp-Cell').nextElementSibling.getBoundingClientRect().top", heading.element_handle()
        )
    assert top < LAPTOP["height"] and text_top < LAPTOP["height"], f"{name}: Tiivistelmä at {top}, text at {text_top}"


def test_the_status_matrix_is_on_the_first_screen_and_scrolls_on_a_phone(browser, outputs):
    with opened(browser, outputs / "index.html", LAPTOP) as found:
        table = found.page.get_by_role("table", name="Tavoitteiden tila kausittain")
        top = table.bounding_box()["y"]
        rows = table.locator("tbody tr").count()
        heads = table.locator("thead a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert top < LAPTOP["height"], f"the matrix starts at {top} px"
    assert rows == 15 and heads == [f"{p.isoformat()}/04_seuranta.html" for p in reversed(PERIODS)]
    with opened(browser, outputs / "index.html", PHONE) as phone:
        region = phone.page.get_by_role("region", name="Tavoitteiden tila kausittain")
        assert region.get_attribute("tabindex") == "0"
        top = region.bounding_box()["y"]
        overflow = sideways_overflow(phone.page)
    assert top < PHONE["height"] and overflow <= 0


@pytest.mark.parametrize(("name", "period"), PAGES[1:], ids=IDS[1:])
def test_no_chart_is_taller_than_a_laptop_screen(browser, outputs, name, period):
    with opened(browser, page_path(outputs, name, period), LAPTOP) as found:
        heights = found.page.evaluate(
            "[...document.querySelectorAll('figure img')].map(i => i.getBoundingClientRect().height)"
        )
    assert max(heights, default=0) <= LAPTOP["height"], f"{name}: chart heights {sorted(heights)[-3:]}"
