"""HTML fragments of the published pages: accessible tables, navigation, provenance footer and the index page."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi import fi
from kpi.paths import display
from kpi.present.csp import CSP_META

# ---------------------------------------------------------------- tables

#: The style of the pages kpi writes itself (quality page); the reports take theirs from the nbconvert template.
PAGE_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a;background:#fff}
main{max-width:72rem;margin:auto}
h1{font-size:1.6rem} h2{font-size:1.25rem;margin-top:2rem}
.status{font-weight:bold;padding:.5rem .75rem;border-left:.4rem solid;display:inline-block}
.ok{border-color:#1b7837} .fail{border-color:#b2182b}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0;font-size:.95rem}
th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f0f0}
td.num{text-align:right}
footer{margin-top:2rem;font-size:.85rem;color:#444}
@media print{.scroll{overflow:visible} table{page-break-inside:auto} tr{page-break-inside:avoid}}
"""


def html_table(frame: Any, caption: str, *, index: bool = False, notes: list[str] | None = None) -> str:
    """An accessible HTML table (caption, header cells with scope, escaped text) in its own scrolling box.

    Numbers are written the Finnish way; `notes` become footnotes under the table (e.g. why a count is hidden).
    """
    head = "".join(
        f'<th scope="col">{html.escape(str(c))}</th>'
        for c in ([frame.index.name or ""] if index else []) + list(frame.columns)
    )
    body = []
    for idx, row in frame.iterrows():
        cells = [f'<th scope="row">{html.escape(str(idx))}</th>'] if index else []
        for value in row:
            cls = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
            cells.append(f"<td{cls}>{html.escape(cell_text(value))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    foot = "".join(f'<p class="kpi-note">{html.escape(n)}</p>' for n in notes or [])
    return (
        f'<div class="scroll" role="region" aria-label="{html.escape(caption)}" tabindex="0"><table>'
        f"<caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>{foot}"
    )


def cell_text(value: Any) -> str:
    """A cell's text: numbers the Finnish way (``1 234,5``; as many decimals as the value has, at most three)."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if value != value:  # NaN
        return "–"
    text = repr(float(value))
    decimals = 0 if float(value).is_integer() or "e" in text else min(3, len(text.split(".")[1]))
    return fi.number(value, decimals)


# ---------------------------------------------------------------- navigation and footer

NAV_START, NAV_END = "<!--kpi-nav-->", "<!--/kpi-nav-->"
FOOT_START, FOOT_END = "<!--kpi-footer-->", "<!--/kpi-footer-->"


def _strip(page: str, start: str, end: str) -> str:
    if start in page:
        page = page[: page.index(start)] + page[page.index(end) + len(end) :]
    return page


def decorate(page: str, *, nav: str, footer: str | None = None) -> str:
    """Put the navigation at the top of the page's body and the provenance footer at its end.

    Idempotent: a page decorated before gets its navigation (and footer, when given) replaced, so a version
    can be re-labelled (final, newer draft) or moved to another folder depth without exporting it again.
    """
    page = _strip(page, NAV_START, NAV_END)
    at = page.index(">", page.index("<body")) + 1
    page = page[:at] + NAV_START + nav + NAV_END + page[at:]
    if footer is not None:
        page = _strip(page, FOOT_START, FOOT_END)
        end = page.rindex("</body>")
        page = page[:end] + FOOT_START + footer + FOOT_END + page[end:]
    return page


def version_line(number: int, final: int | None) -> str:
    """``Versio 3 · luonnos (lopullinen on versio 2)``: which run of the period the reader is looking at."""
    if final == number:
        return f"Versio {number} · lopullinen"
    return f"Versio {number} · luonnos" + (f" (lopullinen on versio {final})" if final else "")


def navigation(
    period_end: dt.date,
    name: str,
    periods: list[dt.date],
    *,
    titles: dict[str, str],
    root: str = "../",
    version: str = "",
) -> str:
    """Links to the index, the other reports of the period, and the same report of the neighbouring periods.

    `titles` maps the period's page names to their titles, in reading order (``{r.name: r.title for r in
    reports}``); `root` leads from the page's folder to ``outputs/`` (``../`` for a published period, deeper for
    a kept version); `version` is the version line shown above the links.
    """
    links = [f'<li><a href="{root}index.html">Kaikki kaudet (etusivu)</a></li>']
    for other, title in titles.items():
        current = ' aria-current="page"' if other == name else ""
        links.append(f'<li><a href="{other}.html"{current}>{html.escape(title)}</a></li>')
    k = periods.index(period_end) if period_end in periods else -1
    if k > 0:
        p = periods[k - 1]
        links.append(
            f'<li><a href="{root}{p.isoformat()}/{name}.html">← {html.escape(titles[name])}: edellinen kausi, '
            f"{html.escape(fi.period_label(p))}</a></li>"
        )
    if 0 <= k < len(periods) - 1:
        p = periods[k + 1]
        links.append(
            f'<li><a href="{root}{p.isoformat()}/{name}.html">{html.escape(titles[name])}: seuraava kausi, '
            f"{html.escape(fi.period_label(p))} →</a></li>"
        )
    line = f'<p class="kpi-version">{html.escape(version)}</p>' if version else ""
    return f'<nav class="kpi-nav" aria-label="Raportit">{line}<ul>{"".join(links)}</ul></nav>'


def footer(manifest: dict[str, Any]) -> str:
    """The provenance line on every page: when, from which files, with which parameters and software."""
    files = ", ".join(f"{name} ({digest[:8]})" for name, digest in manifest["input_files"].items())
    status = manifest["params"]["status"]
    text = (
        f"Tehty {fi.timestamp(manifest['finished'])} ({display(Path(manifest['data_dir']))}). Syötetiedostot ja "
        f"tarkisteet: {files}. Parametrit: params/default.yaml ← params/{manifest['period_end']}.yaml"
        f"{' ← ' + ', '.join(manifest['overrides']) if manifest['overrides'] else ''}; osittaisen toteuman "
        f"raja {fi.number(status['tolerance_pct'], 1)} %. Ohjelmisto: kpi {manifest['versions'].get('kpi')}, "
        f"commit {manifest.get('commit') or 'ei tiedossa'}. Täydet tiedot: manifest.json."
    )
    return f'<footer class="kpi-footer"><p>{html.escape(text)}</p></footer>'


# ---------------------------------------------------------------- the index of all periods


@dataclass(frozen=True)
class IndexPeriod:
    """What the index says about one published period (read from its manifest and versions by kpi.run)."""

    period_end: dt.date
    pages: list[tuple[str, str]]  # (href from outputs/, title), in reading order
    finished: dt.datetime
    goal_statuses: dict[str, int] = field(default_factory=dict)
    example_values: bool = False
    version: int | None = None
    final_marked: dt.datetime | None = None  # when the shown version was marked final
    newer_draft: tuple[str, int, dt.datetime] | None = None  # (href, version number, made at)


def _pillar_text(pillars: list[str]) -> str:
    if len(pillars) == 1:
        return "pilari " + pillars[0]
    return "pilarit" + (" " + ", ".join(pillars[:-1]) + " ja " + pillars[-1] if pillars else "")


def index_page(periods: list[IndexPeriod], *, title: str, pillars: list[str], now: dt.datetime) -> str:
    """``outputs/index.html``: every published period, newest first, with its reports, version and goal statuses."""
    sections = []
    for p in periods:
        summary = ", ".join(f"{html.escape(fi.status_label(s))}: {n}" for s, n in p.goal_statuses.items() if n)
        links = "".join(f'<li><a href="{href}">{html.escape(t)}</a></li>' for href, t in p.pages)
        state = ""
        if p.version is not None:
            state = (
                f"Versio {p.version} · lopullinen (merkitty {fi.date(p.final_marked)})"
                if p.final_marked
                else f"Versio {p.version} · luonnos"
            )
            if p.newer_draft:
                href, number, made = p.newer_draft
                state += f' · uudempi luonnos: <a href="{href}">versio {number}, {fi.timestamp(made)}</a>'
            state = f'<p class="state">{state}</p>'
        sections.append(
            f"<section><h2>{html.escape(fi.period_label(p.period_end, long=True))}</h2>{state}"
            f'<ul class="reports">{links}</ul>'
            f"<p>Tavoitteiden tila tietojen perusteella: {summary or 'ei tietoa'}. Esimerkkiarvoja: "
            f"{'kyllä' if p.example_values else 'ei'}. Tehty {fi.timestamp(p.finished)}.</p></section>"
        )
    body = "".join(sections) if sections else "<p>Ei julkaistuja kausia.</p>"
    return f"""<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8">{CSP_META}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a}}
main{{max-width:72rem;margin:auto}} .scroll{{overflow-x:auto}} table{{border-collapse:collapse}}
h1{{font-size:clamp(1.5rem,5vw,2.2rem);line-height:1.25;overflow-wrap:break-word;hyphens:auto}}
section{{border-top:1px solid #767676;margin-top:1.5rem}} h2{{font-size:1.3rem;margin:.75rem 0 .25rem}}
ul.reports{{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}} .state{{font-weight:600}}
th,td{{border:1px solid #767676;padding:.4rem .6rem;text-align:left;vertical-align:top}} thead th{{background:#f0f0f0}}
a{{color:#0b57a4}}</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>Tarkastuslautakunnan seurantaraportit kausittain. Kunkin kauden raportit: tietojen laatu, {html.escape(_pillar_text(pillars))}
sekä koottu seuranta. Päivitetty {fi.timestamp(now)}.</p>
{body}</main></body></html>
"""
