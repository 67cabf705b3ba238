"""The period's Excel workbook for the evaluation report: real numbers with Finnish headers, frozen headers, example values marked."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi import fi
from kpi.export import AUTHOR, document_title
from kpi.inputs.datasets import Inputs
from kpi.inputs.strategy import Strategy
from kpi.measures.compare import flatten
from kpi.measures.comparison import Comparison, unit_decimals
from kpi.measures.period import PeriodFigures
from kpi.present import tables

# Excel's own format codes: Excel shows them with the reader's separators (1 234,5 in a Finnish Excel).
EUR = '#,##0 "€"'
DEC1 = "#,##0.0"
DEC2 = "#,##0.00"
PCT1 = '0.0 "%"'
INT = "#,##0"
EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: an example value, not a real figure
HEADER_FONT = Font(bold=True)
# CWE-1236: Excel (and LibreOffice) run a cell starting with one of these as a formula, so text from analysts,
# the strategy and input files that starts with one is written as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, the frame, and a number format per column that holds numbers (or, in `row_formats`,
    one per row of a column whose rows are in different units)."""

    name: str
    frame: pd.DataFrame
    formats: dict[str, str]
    note: str = ""  # under the table; each line of it in a row of its own
    row_formats: dict[str, list[str]] = field(default_factory=dict)


def decimals_format(decimals: int) -> str:
    """Excel's format code for a number with thousands grouped and `decimals` decimals (``#,##0.0``)."""
    return INT + ("." + "0" * decimals if decimals else "")


def unit_formats(frame: pd.DataFrame, columns: list[str], units: pd.Series) -> list[str]:
    """Per row, the format of `columns` in that row's unit, with the decimals the reports write it with
    (:func:`kpi.fi.unit_decimals`): ``27 kpl``, ``3,6`` on a 1–5 scale, ``1,25 M€`` — never ``27,00 kpl``. A row's
    value, target and range share one format, the most decimals any of them needs (half a count target: ``1,5``)."""
    formats = []
    for k, unit in enumerate(units):
        numbers = [float(v) for v in frame[columns].iloc[k] if not _missing(v)]
        formats.append(decimals_format(max((fi.unit_decimals(v, unit) for v in numbers), default=0)))
    return formats


def write_cell(ws: Any, row: int, column: int, value: Any) -> Cell:
    """Write one cell; text that Excel would read as a formula stays plain text.

    Parameters
    ----------
    ws : openpyxl.worksheet.worksheet.Worksheet
        The sheet to write to.
    row, column : int
        The cell's position, 1-based as in Excel.
    value : Any
        The value. Numbers, dates and ``None`` are written as they are; only text is ever changed.

    Returns
    -------
    openpyxl.cell.cell.Cell
        The written cell, for styling.

    Notes
    -----
    Text starting with one of :data:`FORMULA_STARTS` is stored as a string (openpyxl would otherwise
    store a leading ``=`` as a formula) with Excel's quote prefix, so Excel shows it as text and keeps it
    text when the user edits the cell (CWE-1236, formula injection). The text itself is not altered.
    """
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def _yes(flag: Any) -> str:
    return "kyllä" if bool(flag) else "ei"


def goals_sheet(strategy: Strategy, figures: PeriodFigures) -> Sheet:
    pillars = {p.id: p.name for p in strategy.pillars}
    a = figures.assessment.merge(figures.goals[["goal_id", "score", "reason"]], on="goal_id", how="left")
    frame = pd.DataFrame(
        {
            "Pilari": a.pillar_id.map(pillars),
            "Tunnus": a.goal_id,
            "Tavoite": a.goal,
            # the order of the HTML and Word tables: the data's assessment and its reason, then the two others
            tables.ASSESSMENTS[0]: a.data,
            "Pisteet (0–1)": a.score,
            "Peruste": a.reason,
            tables.ASSESSMENTS[1]: a.administration,
            tables.ASSESSMENTS[2]: a.audit_committee,
            "Arviot poikkeavat": a.disagree.map(_yes),
            "Hallinnon perustelu": a.administration_text,
            "Tarkastuslautakunnan perustelu": a.audit_committee_text,
        }
    )
    return Sheet("Tavoitteet", frame, {"Pisteet (0–1)": DEC2})


def measures_sheet(strategy: Strategy, figures: PeriodFigures, inputs: Inputs | None = None) -> Sheet:
    """Every measure of the strategy: one row per indicator, then one per milestone (its state, status and evidence).

    ``Lähde`` is the source of the period's own value (a URL where ``havainnot.csv`` / ``virstanpylvaat.csv``
    gives one), falling back to the indicator's source in the strategy; without `inputs`, the strategy's.
    """
    by_id = {i.id: i for i in strategy.indicators}
    goal_of = {m.id: m.goal_id for m in strategy.measures}
    names = {m.id: m.name for m in strategy.measures}
    ind = figures.indicators
    own = _period_sources(inputs["observations"] if inputs else None, "indicator_id", figures.period_end)
    own_milestone = _period_sources(inputs["milestones"] if inputs else None, "measure_id", figures.period_end)
    frame = pd.DataFrame(
        {
            "Tavoite": ind.measure_id.map(goal_of),
            "Mittari": ind.measure_id,
            "Mittarin nimi": ind.measure_id.map(names),
            "Indikaattori": [by_id[i].name for i in ind.indicator_id],
            "Arvo": ind.value,
            "Yksikkö": [by_id[i].unit for i in ind.indicator_id],
            "Tavoitearvo": ind.target,
            "Tavoitevälin alaraja": ind.target_low,
            "Tavoitevälin yläraja": ind.target_high,
            "Tila": ind.status,
            "Peruste": ind.reason,
            "Näyttö": "",
            "Esimerkkiarvo": ind.is_example.map(_yes),
            "Tavoitearvo on esimerkki": ind.target_is_example.map(_yes),
            "Lähde": [own.get(i) or by_id[i].source or "" for i in ind.indicator_id],
        }
    )
    ms = figures.milestones
    milestones = pd.DataFrame(
        {
            "Tavoite": ms.measure_id.map(goal_of),
            "Mittari": ms.measure_id,
            "Mittarin nimi": ms.measure_id.map(names),
            "Indikaattori": "virstanpylväs",
            "Arvo": None,
            "Yksikkö": "",
            "Tavoitearvo": None,
            "Tavoitevälin alaraja": None,
            "Tavoitevälin yläraja": None,
            "Tila": ms.status,
            "Peruste": ms.reason,
            "Näyttö": ms.evidence.fillna(""),
            "Esimerkkiarvo": ms.is_example.map(_yes),
            "Tavoitearvo on esimerkki": "ei",
            "Lähde": [own_milestone.get(m, "") for m in ms.measure_id],
        }
    )
    both = pd.concat([frame, milestones], ignore_index=True)
    numbers = ["Arvo", "Tavoitearvo", "Tavoitevälin alaraja", "Tavoitevälin yläraja"]
    per_row = unit_formats(both, numbers, both["Yksikkö"])
    return Sheet(
        "Mittarit",
        both,
        {},
        row_formats={c: per_row for c in numbers},
        note="Keltainen rivi: arvo tai tavoite on esimerkkiarvo (ei todellinen luku). Virstanpylväällä ei ole "
        "lukuarvoa: sen tila tulee virstanpylvään tilasta (valmis / käynnissä / ei aloitettu).",
    )


def _period_sources(rows: pd.DataFrame | None, key: str, period_end) -> dict[str, str]:
    """The non-empty ``source`` of each `key` in the period's rows of an input table."""
    if rows is None or "source" not in rows:
        return {}
    now = rows[(rows.period_end == pd.Timestamp(period_end)) & rows.source.notna()]
    now = now[now.source.astype(str).str.strip() != ""].drop_duplicates(key)
    return dict(zip(now[key], now.source.astype(str)))


def budget_sheet(strategy: Strategy, figures: PeriodFigures) -> Sheet:
    areas = {a.id: a.name for a in strategy.responsible_areas}
    f = figures.follow_up
    frame = pd.DataFrame(
        {
            "Vastuualue": f.responsible_area.map(areas),
            "Tiliryhmä": f.account_group,
            "Alkuperäinen talousarvio": f.original_budget,
            "Talousarviomuutokset": f.budget_changes,
            "Talousarvio muutosten jälkeen": f.budget,
            "Toteuma": f.actual,
            "Toteutumisaste, %": f.realisation_pct,
            "Odotettu toteutumisaste, %": f.expected_pct,
            "Poikkeama odotetusta": f.variance,
            "Ennuste 31.12.": f.forecast,
            "Ennusteen poikkeama": f.forecast_variance,
            "Havainto": f.flag,
        }
    )
    formats = {
        c: EUR
        for c in (
            "Alkuperäinen talousarvio",
            "Talousarviomuutokset",
            "Talousarvio muutosten jälkeen",
            "Toteuma",
            "Poikkeama odotetusta",
            "Ennuste 31.12.",
            "Ennusteen poikkeama",
        )
    }
    return Sheet("Talousarvio", frame, {**formats, "Toteutumisaste, %": PCT1, "Odotettu toteutumisaste, %": PCT1})


def adjustment_sheet(strategy: Strategy, figures: PeriodFigures) -> Sheet:
    areas = {a.id: a.name for a in strategy.responsible_areas}
    a = figures.progress["by_action"]
    frame = pd.DataFrame(
        {
            "Tunnus": a.action_id,
            "Toimenpide": a.action,
            "Vastuualue": a.responsible_area.map(areas),
            "Suunniteltu säästö": a.planned_eur,
            "Toteutunut säästö": a.realised_eur,
            "Suunniteltu HTV-vähennys": a.planned_htv,
            "Toteutunut HTV-vähennys": a.realised_htv,
            "Toteutunut suunnitellusta, %": a.realised_pct,
        }
    )
    return Sheet(
        "Sopeuttamisohjelma",
        frame,
        {
            "Suunniteltu säästö": EUR,
            "Toteutunut säästö": EUR,
            "Suunniteltu HTV-vähennys": DEC1,
            "Toteutunut HTV-vähennys": DEC1,
            "Toteutunut suunnitellusta, %": PCT1,
        },
    )


def staff_sheet(figures: PeriodFigures) -> Sheet:
    """Staff per unit as published: a hidden count is its marker (``< 5``, ``x``) here too, never the number."""
    staff = figures.staff.frame
    frame = pd.DataFrame({tables.STAFF_COLUMNS[c]: staff[c] for c in tables.STAFF_COLUMNS})
    frame["Esimerkkiarvo"] = staff.is_example.map(_yes)
    formats = {
        tables.STAFF_COLUMNS["head_count"]: INT,
        tables.STAFF_COLUMNS["person_years"]: DEC1,
        tables.STAFF_COLUMNS["sick_leave_days"]: INT,
        tables.STAFF_COLUMNS["sick_days_per_htv"]: DEC1,
        tables.STAFF_COLUMNS["respondents"]: INT,
        tables.STAFF_COLUMNS["satisfaction"]: DEC1,
    }
    note = "\n".join(figures.staff.notes) if len(staff) else "Ei henkilöstölukuja tältä kaudelta."
    return Sheet("Henkilöstö", frame.reset_index(drop=True), formats, note=note)


def findings_sheet(figures: PeriodFigures, comparison: Comparison | None = None) -> Sheet:
    f = figures.findings
    frame = pd.DataFrame({"Luokka": f.category, "Kohde": f.subject, "Havainto": f.text})
    if comparison is not None:  # where the city stands beside its peers, from the open statistics
        extra = pd.DataFrame(
            {"Luokka": "Vertailu muihin kuntiin", "Kohde": comparison.city_name, "Havainto": comparison.findings}
        )
        frame = pd.concat([frame, extra], ignore_index=True)
    return Sheet("Havainnot", frame, {})


def comparison_sheet(comparison: Comparison) -> Sheet:
    """The key figures of the city beside its peers: numbers as numbers, the year and source of each."""
    s = comparison.key.summary
    frame = pd.DataFrame(
        {
            "Tunnusluku": s.indicator_name,
            "Yksikkö": s.unit,
            "Vuosi": s.year.astype(str),
            comparison.city_name: s.city,
            "Vertailukuntien mediaani": s["median"],
            "Ero mediaaniin": s.difference,
            "Sija (1 = suurin)": s["rank"],
            "Kuntia": s.ranked,
            "Koko maa": s.country,
            "Lähde": s.source + ", " + s.table_id + " (CC BY 4.0)",
        }
    )
    peers = ", ".join(comparison.peer_names)
    note = f"Vertailukunnat: {peers}. Avoin data: Tilastokeskus, THL ja TEM, lisenssi CC BY 4.0."
    # each figure with the decimals the comparison page writes it with (euros per inhabitant whole, shares in one)
    per_row = [decimals_format(unit_decimals(u, d)) for u, d in zip(s.unit, s.decimals, strict=True)]
    numbers = (comparison.city_name, "Vertailukuntien mediaani", "Ero mediaaniin", "Koko maa")
    return Sheet("Vertailu", frame, {}, note=note, row_formats={c: per_row for c in numbers})


def changes_sheet(version: pd.DataFrame | None, period: pd.DataFrame | None) -> Sheet:
    rows = []
    if version is not None:
        rows += [("Edellisestä versiosta", r.kind, r.subject, r.text) for r in version.itertuples()]
    if period is not None:
        rows += [("Edellisestä kaudesta", "tavoite", r.goal_id, r.text) for r in period.itertuples()]
    frame = pd.DataFrame(rows, columns=["Verrattu", "Laji", "Kohde", "Muutos"])
    return Sheet("Muutokset", frame, {}, note="" if rows else "Ei muutoksia.")


#: What a parameter means, for the committee reading the sheet (the keys and values stay as the run used them).
PARAM_NOTES = {
    "period_end": "kauden loppupäivä",
    "report.title": "raporttien otsikko",
    "report.commentary": "analyytikon kommentti",
    "quality.soft": "tarkistukset, jotka vain merkitään",
    "quality.hard": "tarkistukset, jotka pysäyttävät raportoinnin",
    "status.tolerance_pct": "osittaisen toteutumisen raja, % tavoitteesta",
    "status.example_values": "esimerkkiarvojen käsittely",
    "status.measure_rule": "mittarin tila indikaattoreista",
    "status.goal_full_score": "tavoitteen pistekeskiarvo, josta alkaen se on toteutunut",
    "status.goal_partial_score": "tavoitteen pistekeskiarvo, josta alkaen se on osittain toteutunut",
    "status.goal_min_assessable": "arvioitavien mittareiden vähimmäisosuus tavoitteesta",
    "finance.overrun_threshold_pct": "talousarviopoikkeaman raja, prosenttiyksikköä",
    "finance.expected_share_30_6": "odotettu toteutumisaste 30.6., %",
    "privacy.min_count": "pienin julkaistava henkilö- tai vastaajamäärä",
    "comparison.municipality": "kunnan numero (Tilastokeskus)",
    "comparison.peers": "vertailukuntien numerot",
}
#: The meaning of a word-valued parameter.
VALUE_NOTES = {
    ("status.flow_at_30_6", "prorate"): "30.6. kertymää verrataan puoleen vuoden tavoitteesta",
    ("status.flow_at_30_6", "full_year"): "30.6. kertymää verrataan koko vuoden tavoitteeseen",
    ("status.example_values", "assess"): "esimerkkiarvot arvioidaan ja merkitään",
    ("status.example_values", "not_assessable"): "esimerkkiarvoon perustuva indikaattori ei ole arvioitavissa",
    ("status.measure_rule", "worst"): "mittarin tila on heikoimman arvioitavan indikaattorin tila",
    ("status.measure_rule", "mean"): "mittarin tila arvioitavien indikaattoreiden pistekeskiarvosta",
}


def _param_text(value: Any) -> str:
    """A list or a mapping as a reader writes it (``name: x; select: (Vuosi: 2020, 2021)``), not as Python
    prints it."""
    if isinstance(value, dict):
        return "; ".join(
            f"{k}: " + (f"({_param_text(v)})" if isinstance(v, dict) else _param_text(v)) for k, v in value.items()
        )
    if isinstance(value, list):
        return (" / " if any(isinstance(v, dict) for v in value) else ", ").join(_param_text(v) for v in value)
    return str(value)


def params_sheet(params: dict[str, Any]) -> Sheet:
    flat = flatten({k: v for k, v in params.items()})
    # numbers stay numbers (a tolerance is 15, not the text "15"); lists, dates and the rest as text
    values = [v if isinstance(v, int | float) and not isinstance(v, bool) else _param_text(v) for v in flat.values()]
    notes = [
        VALUE_NOTES.get((k, str(v)))
        or PARAM_NOTES.get(k)
        or (f"virstanpylvään tila ”{k.rsplit('.', 1)[1]}” asteikolla" if k.startswith("status.milestones.") else "")
        for k, v in flat.items()
    ]
    frame = pd.DataFrame({"Parametri": list(flat), "Arvo": pd.Series(values, dtype=object), "Selite": notes})
    return Sheet("Parametrit", frame, {})


def write_workbook(
    path: Path,
    *,
    strategy: Strategy,
    figures: PeriodFigures,
    params: dict[str, Any],
    version_changes: pd.DataFrame | None = None,
    period_changes: pd.DataFrame | None = None,
    title: str = "",
    comparison: Comparison | None = None,
    inputs: Inputs | None = None,
) -> Path:
    """Write ``arviointikertomus_<P>.xlsx``: goals, measures, budget, adjustment, staff, findings, changes, parameters.

    Numbers are stored as numbers with a display format; rows holding an example value are filled pale
    yellow and say so in their own column; every sheet's header row is frozen and filterable. Every cell
    goes through :func:`write_cell`, so no text from the inputs or the parameters becomes a live formula.
    The workbook's properties name the project as author and the period in the title. With `inputs` (the
    checked inputs the figures were computed from) the sheet Mittarit shows each value's own source.
    """
    book = Workbook()
    book.remove(book.active)
    sheets = [
        goals_sheet(strategy, figures),
        measures_sheet(strategy, figures, inputs),
        budget_sheet(strategy, figures),
        adjustment_sheet(strategy, figures),
        staff_sheet(figures),
        *([comparison_sheet(comparison)] if comparison is not None else []),
        findings_sheet(figures, comparison),
        changes_sheet(version_changes, period_changes),
        params_sheet(params),
    ]
    for sheet in sheets:
        ws = book.create_sheet(sheet.name)
        headers = list(sheet.frame.columns)
        for k, name in enumerate(headers, start=1):
            cell = write_cell(ws, 1, k, name)
            cell.font = HEADER_FONT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        example_cols = [headers.index(c) for c in ("Esimerkkiarvo", "Tavoitearvo on esimerkki") if c in headers]
        for r, values in enumerate(sheet.frame.itertuples(index=False), start=2):
            cells = [
                write_cell(ws, r, k, None if _missing(v) else (v.item() if hasattr(v, "item") else v))
                for k, v in enumerate(values, start=1)
            ]
            if any(values[k] == "kyllä" for k in example_cols):
                for cell in cells:
                    cell.fill = EXAMPLE_FILL
        for k, name in enumerate(headers, start=1):
            letter = get_column_letter(k)
            if name in sheet.row_formats:
                for cell, number_format in zip(ws[letter][1:], sheet.row_formats[name], strict=False):
                    cell.number_format = number_format
            elif name in sheet.formats:
                for cell in ws[letter][1:]:
                    cell.number_format = sheet.formats[name]
            longest = max([len(str(name))] + [len(_shown(v)) for v in sheet.frame[name]])
            ws.column_dimensions[letter].width = min(max(10, longest + 2), 60)
            if longest > 60:
                for cell in ws[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "A2"
        if len(sheet.frame):
            ws.auto_filter.ref = ws.dimensions
        for k, line in enumerate(sheet.note.splitlines() if sheet.note else []):
            write_cell(ws, ws.max_row + (2 if k == 0 else 1), 1, line).font = Font(italic=True)
    book.properties.title = document_title(title, figures.period_end, default="Arviointikertomuksen taulukot")
    book.properties.creator = book.properties.lastModifiedBy = AUTHOR
    book.properties.language = "fi-FI"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _missing(v: Any) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _shown(v: Any) -> str:
    if _missing(v):
        return ""
    return fi.number(v, 2) if isinstance(v, float) else str(v)
