"""Opening a published page in Chromium the way a reader does, and reading off what the tests check."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A4 less the print margins (210 mm − 2 × 12 mm) at the 96 px per inch that CSS uses.
A4_CONTENT = {"width": 703, "height": 1000}
SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]


@contextmanager
def opened(browser, path: Path, viewport: dict, *, media: str = "screen"):
    """`path` in a fresh context: every request recorded, anything but file:/data: aborted, `media` emulated."""
    context = browser.new_context(viewport=viewport, locale="fi-FI", java_script_enabled=True)
    found = Opened(context.new_page())

    def guard(route):
        url = route.request.url
        found.requests.append(url)
        (route.continue_() if url.startswith(("file:", "data:")) else route.abort())

    context.route("**/*", guard)
    found.page.on("request", lambda r: None if r.url in found.requests else found.requests.append(r.url))
    found.page.emulate_media(media=media)
    found.page.goto(path.as_uri(), wait_until="load")
    try:
        yield found
    finally:
        context.close()


def axe_violations(page, axe_source: str) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of impact serious or critical, each with its first few elements."""
    page.add_script_tag(content=axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"][:3]]} for v in result["violations"] if v["impact"] in SERIOUS]


def sideways_overflow(page) -> int:
    """How many CSS pixels the page body is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def structure(page) -> dict:
    """Headings, images, tables, links and focusable controls as a reader's tools see them."""
    return page.evaluate("""() => {
      const text = e => (e.innerText || e.textContent || '').trim();
      return {
        lang: document.documentElement.lang,
        headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map(h => [Number(h.tagName[1]), text(h)]),
        imgs: [...document.querySelectorAll('img')].map(i => ({alt: i.getAttribute('alt'),
               figureTable: !!(i.closest('figure') && i.closest('figure').querySelector('details table')),
               detailsOpen: !!(i.closest('figure') && i.closest('figure').querySelector('details[open]'))})),
        tables: [...document.querySelectorAll('table')].map(t => ({
               caption: t.caption ? text(t.caption) : '',
               headers: [...t.querySelectorAll('thead th')].map(text),
               scoped: [...t.querySelectorAll('th')].every(th => th.hasAttribute('scope')),
               inScrollBox: !!t.closest('.scroll')})),
        links: [...document.querySelectorAll('a[href]')].map(a => ({text: text(a), href: a.getAttribute('href')})),
        focusable: document.querySelectorAll('a[href], summary, [tabindex="0"]').length,
        top: text(document.querySelector('main') || document.body).slice(0, 1500),
      };
    }""")


def tab_stops(page, limit: int) -> list[str]:
    """Press Tab up to `limit` times and describe where the keyboard focus went each time."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate("""() => { const e = document.activeElement;
            return e && e !== document.body ? e.tagName + ':' + (e.getAttribute('href') || e.textContent.trim().slice(0, 40)) : null; }""")
        if here is None or (stops and here == stops[0]):
            break  # back at the start (or nowhere): the whole page has been walked
        stops.append(here)
    return stops


def text_past_edge(page) -> list[str]:
    """Text blocks whose words run past their own box (a long Finnish compound in a big heading, say)."""
    return page.evaluate("""() => [...document.querySelectorAll('h1,h2,h3,h4,p,li,figcaption,summary,caption')]
        .filter(e => !e.closest('.scroll') && e.scrollWidth > e.clientWidth + 1)
        .map(e => e.tagName + ': ' + e.textContent.trim().slice(0, 60))""")
