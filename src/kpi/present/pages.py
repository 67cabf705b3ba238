"""HTML fragments of the published pages: accessible tables, navigation, provenance footer and the index page."""

from __future__ import annotations

import datetime as dt
import html
import textwrap
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


#: From this many columns a table is printed as one block per row ("Otsikko: arvo" lines): eleven columns in the
#: width of A4 leave each too narrow for a word, and Chromium breaks "Lähtötaso" into "Lähtöt" / "aso".
CARD_COLUMNS = 7


def html_table(frame: Any, caption: str, *, index: bool = False, notes: list[str] | None = None) -> str:
    """An accessible HTML table (caption, header cells with scope, escaped text) in its own scrolling box.

    Numbers are written the Finnish way; `notes` become footnotes under the table (e.g. why a count is hidden).
    Each data cell carries its column's header in ``data-label``; a table of :data:`CARD_COLUMNS` or more
    columns is marked ``kpi-cards``, which the print stylesheet lays out as a block per row with those labels.
    """
    headers = [str(c) for c in ([frame.index.name or ""] if index else []) + list(frame.columns)]
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    labels = [html.escape(h, quote=True) for h in headers]
    body = []
    for idx, row in frame.iterrows():
        cells = [f'<th scope="row" data-label="{labels[0]}">{html.escape(str(idx))}</th>'] if index else []
        for label, value in zip(labels[1:] if index else labels, row, strict=True):
            cls = ' class="num"' if isinstance(value, int | float) and not isinstance(value, bool) else ""
            cells.append(f'<td{cls} data-label="{label}">{html.escape(cell_text(value))}</td>')
        body.append(f"<tr>{''.join(cells)}</tr>")
    foot = "".join(f'<p class="kpi-note">{html.escape(n)}</p>' for n in notes or [])
    cards = ' class="kpi-cards"' if len(headers) >= CARD_COLUMNS else ""
    return (
        f'<div class="scroll" role="region" aria-label="{html.escape(caption)}" tabindex="0"><table{cards}>'
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


def _data_dir(recorded: str) -> str:
    """The data folder as the manifest records it; a relative one is already the project's (not the cwd's)."""
    path = Path(recorded)
    return display(path) if path.is_absolute() else recorded


def footer(manifest: dict[str, Any]) -> str:
    """The provenance line on every page: when, from which files, with which parameters and software."""
    files = ", ".join(f"{name} ({digest[:8]})" for name, digest in manifest["input_files"].items())
    status = manifest["params"]["status"]
    tolerance = float(status["tolerance_pct"])
    commit = manifest.get("commit")
    text = (
        f"Tehty {fi.timestamp(manifest['finished'])} aineistosta {_data_dir(manifest['data_dir'])}. "
        f"Syötetiedostot ja niiden tarkistussummat: {files}. Parametrit: params/default.yaml ← "
        f"params/{manifest['period_end']}.yaml"
        f"{' ← ' + ', '.join(manifest['overrides']) if manifest['overrides'] else ''}. Osittaisen toteutumisen "
        f"raja {fi.percent(tolerance, 0 if tolerance.is_integer() else 1)}. "
        f"Ohjelmaversio: kpi {manifest['versions'].get('kpi')}{f' (git {commit})' if commit else ''}. "
        "Kaikki tiedot: manifest.json."
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
    goals: dict[str, str] = field(default_factory=dict)  # goal id → data-driven status (manifest results.goals)
    summary_href: str = ""  # the consolidated follow-up page, from outputs/ (the matrix's column header links here)


def _pillar_text(pillars: list[str]) -> str:
    if len(pillars) == 1:
        return "pilari " + pillars[0]
    return "pilarit" + (" " + ", ".join(pillars[:-1]) + " ja " + pillars[-1] if pillars else "")


#: How the index's intro names a report, by its page name without the number (``04_seuranta`` → ``seuranta``);
#: a pillar's page is named with the other pillars, any other page by its title.
_REPORT_PHRASES = {
    "tietojen_laatu": "tietojen laatu",
    "seuranta": "koottu seuranta",
    "vertailu": "vertailu muihin kuntiin",
}


def _reports_text(periods: list[IndexPeriod], pillars: list[str]) -> str:
    """`` Kunkin kauden raportit: tietojen laatu, pilarit A, B ja C, koottu seuranta sekä vertailu muihin kuntiin.``:
    the newest period's reports in reading order, as its pages list them (empty without a published period)."""
    parts: list[str] = []
    for href, title in periods[0].pages if periods else []:
        if title in pillars:
            if pillars and _pillar_text(pillars) not in parts:
                parts.append(_pillar_text(pillars))
            continue
        kind = Path(href).stem.split("_", 1)[-1]
        parts.append(_REPORT_PHRASES.get(kind, title[:1].lower() + title[1:]))
    if not parts:
        return ""
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " sekä " + parts[-1]
    return f" Kunkin kauden raportit: {listed}."


#: The index's matrix cells take the status colours of kpi.fi (black text on each, at least 4,5:1).
_STATUS_CLASSES = {s: f"st{n}" for n, s in enumerate(fi.STATUSES)}
_MATRIX_CSS = "".join(
    f"td.{cls}{{background:{fi.STATUS_COLOURS[s][0]};color:{fi.STATUS_COLOURS[s][1]}}}"
    for s, cls in _STATUS_CLASSES.items()
)
#: A goal's name in the matrix is cut to this many characters (the reports have it whole).
SHORT_NAME = 40


def status_matrix(periods: list[IndexPeriod], goal_names: dict[str, str]) -> str:
    """The goals × published period ends table of the index: each cell the status's symbol and words.

    Rows are the goals in `goal_names` order (id and a short name), columns the periods as given (newest first),
    each column header a link to that period's consolidated follow-up; a goal a period does not have shows "–".
    An accessible table (caption, ``<th scope>``) in a scrolling region that takes the keyboard focus.
    """
    caption = "Tavoitteiden tila kausittain"
    head = '<th scope="col">Tavoite</th>' + "".join(
        f'<th scope="col"><a href="{html.escape(p.summary_href)}">{html.escape(fi.period_label(p.period_end))}</a>'
        f"<br>{fi.date(p.period_end)}</th>"
        if p.summary_href
        else f'<th scope="col">{html.escape(fi.period_label(p.period_end))}<br>{fi.date(p.period_end)}</th>'
        for p in periods
    )
    rows = []
    for gid, name in goal_names.items():
        short = textwrap.shorten(name, SHORT_NAME, placeholder=" …")
        cells = []
        for p in periods:
            status = p.goals.get(gid)
            cls = f' class="{_STATUS_CLASSES[status]}"' if status in _STATUS_CLASSES else ""
            cells.append(f"<td{cls}>{html.escape(fi.status_label(status))}</td>")
        rows.append(f'<tr><th scope="row">{html.escape(gid)} {html.escape(short)}</th>{"".join(cells)}</tr>')
    return (
        '<p class="lead">Tietoihin perustuva arvio kunkin kauden lopussa, uusin kausi ensin. Kauden otsikko vie sen '
        "koottuun seurantaan.</p>"
        f'<div class="scroll" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
        f'<table class="matrix"><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def index_page(
    periods: list[IndexPeriod],
    *,
    title: str,
    pillars: list[str],
    now: dt.datetime,
    goal_names: dict[str, str] | None = None,
) -> str:
    """``outputs/index.html``: the goals × periods status matrix, then every published period, newest first, with its
    reports, version and goal statuses.

    `goal_names` (id → name, in the strategy's order) are the matrix's rows; without them the goals the periods
    have, in their order.
    """
    if goal_names is None:
        goal_names = {gid: "" for p in periods for gid in p.goals}
    matrix = status_matrix(periods, goal_names) if periods and goal_names else ""
    sections = []
    for p in periods:
        summary = ", ".join(f"{html.escape(s)} {n}" for s, n in p.goal_statuses.items() if n)
        if summary:
            summary += f" (yhteensä {sum(p.goal_statuses.values())})"
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
            f"<p>Tavoitteiden tila tietojen perusteella: {summary or 'ei tietoa'}. "
            f"{'Sisältää esimerkkiarvoja' if p.example_values else 'Ei esimerkkiarvoja'}. "
            f"Tehty {fi.timestamp(p.finished)}.</p></section>"
        )
    body = "".join(sections) if sections else "<p>Ei julkaistuja kausia.</p>"
    return f"""<!DOCTYPE html>
<html lang="fi"><head><meta charset="utf-8">{CSP_META}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:0;padding:1rem;line-height:1.5;color:#1a1a1a}}
main{{max-width:72rem;margin:auto}} .scroll{{overflow-x:auto}} table{{border-collapse:collapse}}
h1{{font-size:clamp(1.5rem,5vw,2rem);line-height:1.25;overflow-wrap:break-word;hyphens:auto;margin:.5rem 0}}
section{{border-top:1px solid #767676;margin-top:1.5rem}} h2{{font-size:1.3rem;margin:.75rem 0 .25rem}}
ul.reports{{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}} .state{{font-weight:600}}
th,td{{border:1px solid #767676;padding:.4rem .6rem;text-align:left;vertical-align:top}} thead th{{background:#f0f0f0}}
a{{color:#0b57a4}} :focus-visible{{outline:3px solid #0b57a4;outline-offset:2px}}
table.matrix{{font-size:.85rem;margin:.25rem 0}} table.matrix th,table.matrix td{{padding:.15rem .4rem;white-space:nowrap}}
table.matrix caption{{text-align:left;font-weight:600;padding:.25rem 0}} p.lead{{margin:.5rem 0 0}} {_MATRIX_CSS}
@media (max-width:40rem){{table.matrix th[scope=row]{{white-space:normal;min-width:8rem;max-width:10rem;position:sticky;left:0;background:#fff}}}}
</style></head>
<body><main><h1>{html.escape(title)}</h1>
<p>Tarkastuslautakunnan seurantaraportit kausittain.{html.escape(_reports_text(periods, pillars))} Päivitetty {fi.timestamp(now)}.</p>
{matrix}{body}</main></body></html>
"""
