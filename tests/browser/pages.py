"""Opening a published page in Chromium the way a reader does, and reading off what the tests check."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A4 less the print margins (210 mm − 2 × 12 mm) at the 96 px per inch that CSS uses.
A4_CONTENT = {"width": 703, "height": 1000}
SERIOUS = {"serious", "critical"}
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Run in every document before the page itself (CDP init scripts are not subject to the page's CSP): report each
# `securitypolicyviolation`, and once parsed, the document's CSP meta tags and whether one of them precedes
# everything a policy governs. Exposed bindings survive navigations, so a clicked-to page is watched too.
CSP_WATCH = """
document.addEventListener('securitypolicyviolation', e => window.__kpiCspViolation(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${document.URL}`), true);
document.addEventListener('DOMContentLoaded', () => {
  const metas = [...document.querySelectorAll('meta[http-equiv]')]
    .filter(m => m.httpEquiv.toLowerCase() === 'content-security-policy');
  const governed = document.querySelector('style, link, script, base, img, iframe, object, embed, svg');
  window.__kpiCspPage({url: document.URL, policies: metas.map(m => m.content),
    inHead: metas.length > 0 && metas[0].parentElement === document.head,
    first: metas.length > 0 && !(governed && (governed.compareDocumentPosition(metas[0])
                                             & Node.DOCUMENT_POSITION_FOLLOWING))});
});
"""


@dataclass
class Opened:
    page: object
    requests: list[str] = field(default_factory=list)
    csp_pages: list[dict] = field(default_factory=list)  # one per document: its CSP meta tags (CSP_WATCH)
    csp_violations: list[str] = field(default_factory=list)  # securitypolicyviolation events
    csp_console: list[str] = field(default_factory=list)  # console messages about the CSP

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file:", "data:"))]

    def csp_problems(self) -> list[str]:
        """What is wrong with the CSP of every document opened so far; empty when all is well.

        Every document must carry exactly one CSP meta tag in its <head>, before anything the policy governs, with
        `default-src 'none'` and no `'unsafe-eval'` or network source; and nothing may violate it or make Chromium
        complain about it on the console.
        """
        self.page.evaluate("0")  # a round trip, so that the reports the page sent before it have arrived
        problems = [] if self.csp_pages else ["no document reported its CSP (is CSP_WATCH installed?)"]
        for doc in self.csp_pages:
            where, policies = doc["url"].rsplit("/", 1)[-1], doc["policies"]
            if len(policies) != 1:
                problems.append(f"{where}: {len(policies)} CSP meta tags, expected 1")
                continue
            directives = {d.split()[0]: d.split()[1:] for d in policies[0].split(";") if d.strip()}
            if directives.get("default-src") != ["'none'"]:
                problems.append(f"{where}: default-src is {directives.get('default-src')}, not 'none': {policies[0]}")
            if "'unsafe-eval'" in policies[0] or re.search(r"https?:|\*", policies[0]):
                problems.append(f"{where}: the policy allows eval or the network: {policies[0]}")
            if not (doc["inHead"] and doc["first"]):
                problems.append(f"{where}: the CSP meta tag is not in <head> before every style, script and image")
        return (
            problems
            + [f"CSP violation: {v}" for v in self.csp_violations]
            + [f"console: {m}" for m in self.csp_console]
        )


@contextmanager
def opened(browser, path: Path, viewport: dict, *, media: str = "screen"):
    """`path` in a fresh context: every request recorded, anything but file:/data: aborted, `media` emulated.

    On leaving the block (when it did not fail), every document opened in it must have passed
    :meth:`Opened.csp_problems`: a page without the policy, or one that breaks it, fails the test here.
    """
    context = browser.new_context(viewport=viewport, locale="fi-FI", java_script_enabled=True)
    found = Opened(context.new_page())
    context.expose_function("__kpiCspViolation", lambda text: found.csp_violations.append(text))
    context.expose_function("__kpiCspPage", lambda doc: found.csp_pages.append(doc))
    context.add_init_script(CSP_WATCH)
    found.page.on(
        "console",
        lambda m: (
            found.csp_console.append(f"{m.type}: {m.text}") if "content security policy" in m.text.lower() else None
        ),
    )

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
        problems = found.csp_problems()
        assert not problems, f"{path.name}: Content-Security-Policy: {problems}"
    finally:
        context.close()


def axe_violations(page, axe_source: str) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations of impact serious or critical, each with its first few elements."""
    # evaluated over CDP, not added as a <script>: the page's CSP rightly refuses inline scripts
    page.evaluate(axe_source)
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:3]]}
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


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
