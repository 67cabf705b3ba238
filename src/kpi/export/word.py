"""The Word draft of the findings section (havainnot): headings per pillar, findings as text, goal tables with header rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from kpi import fi
from kpi.export import AUTHOR, document_title
from kpi.inputs.strategy import Strategy
from kpi.measures.comparison import Comparison
from kpi.measures.findings import CATEGORIES
from kpi.measures.period import PeriodFigures
from kpi.present import comparison as present_comparison
from kpi.present import tables

GENERAL = "Talous ja tietojen laatu"
QUALITY = "Tietojen laatu"
TABLE_HEADERS = ("Tavoite", *tables.ASSESSMENTS)


def mark_header_row(row) -> None:
    """Mark a table row as a header row (``w:tblHeader``): Word repeats it on each page and screen readers read it as headers."""
    properties = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def add_table(doc: Any, frame: pd.DataFrame) -> Any:
    """A table of `frame`'s text: bold header cells in a row marked as the header row, one row per frame row."""
    table = doc.add_table(rows=1, cols=len(frame.columns))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, frame.columns):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    mark_header_row(table.rows[0])
    for values in frame.itertuples(index=False):
        for cell, text in zip(table.add_row().cells, values):
            cell.text = str(text)
    return table


def pillar_of_subject(strategy: Strategy) -> dict[str, str]:
    """The pillar of each finding's subject: a goal id or a measure id; anything else is general."""
    goal_pillar = {g.id: g.pillar_id for g in strategy.goals}
    return {**goal_pillar, **{m.id: goal_pillar[m.goal_id] for m in strategy.measures}}


def write_findings(
    path: Path, *, strategy: Strategy, figures: PeriodFigures, title: str, comparison: Comparison | None = None
) -> Path:
    """Write ``havainnot_<P>.docx``, ready to paste into the evaluation report.

    Per pillar: a heading, the goal-status table (administration, audit committee and data side by side, the
    first row marked as a header row) and that pillar's findings as paragraphs; then the budget and data
    quality findings. Example values are declared at the top. The file's properties name the project as
    author (not python-docx's template) and the period in the title.
    """
    doc = Document()
    period = figures.period_end
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    props = doc.core_properties
    props.title = document_title(title, period, default="Havainnot")
    props.subject = f"Havainnot arviointikertomukseen – {fi.period_label(period)}"
    props.author = props.last_modified_by = AUTHOR
    props.comments = props.keywords = ""
    props.created = props.modified = now
    props.revision = 1
    props.language = "fi-FI"
    doc.styles["Normal"].font.size = Pt(11)
    # the period's name mid-heading, after the dash: lower case as kpi.fi.period_label writes it
    doc.add_heading(f"Havainnot – {fi.period_label(period)} ({fi.date(period)})", level=1)
    cov = figures.coverage
    intro = (
        f"Luonnos arviointikertomukseen: {title}. Tiedot ovat tilanteesta {fi.date(period)}. Tavoitteiden tila on "
        "laskettu tiedoista säännöillä, jotka on kuvattu seurantaraportissa."
    )
    if cov.get("example_values"):
        intro += (
            f" Aineisto sisältää esimerkkiarvoja ({cov['example_values']} kauden {cov['values']} "
            "indikaattoriarvosta); niihin perustuvat havainnot on tarkistettava ennen julkaisua."
        )
    doc.add_paragraph(intro)
    where = pillar_of_subject(strategy)
    findings = figures.findings.assign(pillar=figures.findings.subject.map(where))
    assessment = figures.assessment
    for pillar in strategy.pillars:
        doc.add_heading(pillar.name, level=2)
        rows = assessment[assessment.pillar_id == pillar.id]
        table = doc.add_table(rows=1, cols=len(TABLE_HEADERS))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, TABLE_HEADERS):
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = True
        mark_header_row(table.rows[0])
        for r in rows.itertuples():
            cells = table.add_row().cells
            for cell, text in zip(
                cells,
                (
                    f"{r.goal_id} {r.goal}",
                    fi.status_label(r.data),
                    fi.status_label(r.administration),
                    fi.status_label(r.audit_committee),
                ),
            ):
                cell.text = text
        doc.add_paragraph()
        own = findings[findings.pillar == pillar.id]
        if own.empty:
            doc.add_paragraph("Ei havaintoja tämän pilarin tavoitteista.")
        for text in own.text:
            doc.add_paragraph(text, style="List Bullet")
    staff = figures.staff
    if len(staff.frame):
        # as published: small counts hidden with their markers and the footnotes that say why
        doc.add_heading(f"Henkilöstö yksiköittäin {fi.date(period)}", level=2)
        add_table(doc, tables.staff_table(staff.frame))
        for note in staff.notes:
            doc.add_paragraph(note)
    if comparison is not None and comparison.findings:
        # the city beside its peers: the sentences, the key figures as a table, and where they come from
        doc.add_heading("Vertailu muihin kuntiin", level=2)
        doc.add_paragraph(f"Vertailukunnat: {', '.join(comparison.peer_names)}.")
        for text in comparison.findings:
            doc.add_paragraph(text, style="List Bullet")
        add_table(doc, present_comparison.key_figures_table(comparison.key.summary, comparison.city_name))
        doc.add_paragraph("Lähde: Tilastokeskus, THL ja TEM (työnvälitystilasto), avoin data, lisenssi CC BY 4.0.")
    general = findings[findings.pillar.isna()]
    # the heading promises budget findings only when there are some
    budget = general.category.eq(CATEGORIES[3]).any()
    doc.add_heading(GENERAL if budget else QUALITY, level=2)
    if general.empty:
        doc.add_paragraph("Ei havaintoja.")
    for text in general.text:
        doc.add_paragraph(text, style="List Bullet")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path
