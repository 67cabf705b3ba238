"""Material for the evaluation report: the Excel workbook and the Word draft of the findings."""

from __future__ import annotations

import datetime as dt

from kpi import fi

#: The author of every Office file the project writes (File → Properties), never the library's default.
AUTHOR = "kpi – Kemijärven toimenpideohjelman seuranta"


def document_title(title: str, period_end: dt.date, *, default: str) -> str:
    """The title stored in a file's properties: `title` (or `default`) with the period's name, once.

    ``"Seuranta"`` → ``"Seuranta – tilinpäätös 2023"``; a title that already names the period is kept as it is.
    """
    label = fi.period_label(period_end)
    title = title.strip() or default
    return title if label in title else f"{title} – {label}"
