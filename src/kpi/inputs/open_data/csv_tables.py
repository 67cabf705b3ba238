"""PxWeb CSV downloads and long CSV tables keyed by municipality and time, read into the reader's cells."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data import indicators
from kpi.inputs.open_data.classification import Classification
from kpi.inputs.open_data.frame import Cells, rows_text
from kpi.inputs.open_data.textfile import (
    MISSING_MARKS,
    CsvTable,
    guess_decimal,
    name,
    parse_numbers,
    periods_of,
    split_header,
    why_not_number,
)

#: Header words of a time column (compared as :func:`indicators.label_key` writes them).
TIME_WORDS = frozenset(
    {
        "vuosi",
        "year",
        "ar",
        "aika",
        "time",
        "tid",
        "kuukausi",
        "month",
        "manad",
        "vuosineljannes",
        "neljannes",
        "quarter",
        "kvartal",
        "date",
        "paivamaara",
        "pvm",
        "period",
        "ajanjakso",
    }
)
_GEO_WORDS = re.compile(r"\b(alue|region|omrade|kunta|kunnat|municipality|kommun|area|code|koodi)")
_NUMBER_LIKE = re.compile(r"[-\u2212+]?[\d\s.,\u00a0]+")
_DATE_LIKE = re.compile(r"(?:19|20)\d{2}(?:M\d{2}|Q[1-4]|-\d{2}(?:-\d{2})?)|\d{1,2}\.\d{1,2}\.(?:19|20)\d{2}")


def time_column(table: CsvTable, *, dates_only: bool = False) -> int | None:
    """The column holding periods: one headed like Vuosi/Year/time whose cells are years, months or dates, else
    one whose every cell is a month or a date (2020M10, 2020-10-01). With `dates_only`, only a column of months
    or dates (not bare years) counts."""

    def distinct(k: int) -> pd.Series:
        return pd.Series(pd.unique(table.frame[k]), dtype=object)

    for k, header in enumerate(table.header):
        if indicators.label_key(header) in TIME_WORDS:
            cells = distinct(k)
            if dates_only and not cells.str.fullmatch(_DATE_LIKE).all():
                continue
            if not periods_of(cells)[1]:
                return k
    for k in range(len(table.header)):
        if _DATE_LIKE.fullmatch(table.frame[k].iloc[0]) and distinct(k).str.fullmatch(_DATE_LIKE).all():
            return k
    return None


def place_columns(table: CsvTable, classification: Classification, skip: set[int]) -> list[int]:
    """The columns of municipalities, best first: those whose distinct cells match the classification's names (or
    its codes, in a column headed like a region or code column, or written KU320 / 005), at least half of them.
    PxWeb's "code and text" download has two such columns; the first is read, the other is not a label."""
    scores: list[tuple[float, int]] = []
    for k, header in enumerate(table.header):
        if k in skip:
            continue
        values = [v for v in pd.unique(table.frame[k]) if v not in MISSING_MARKS]
        if not values:
            continue
        label, period = split_header(header)
        # codes only in a column headed like one ("Alue", "kunta", "municipality_code"; "Väkiluku, 2021" is data) or
        # written as codes are (KU320, 005)
        codes_allowed = period is None and (
            bool(_GEO_WORDS.search(indicators.label_key(label)))
            or all(re.fullmatch(r"(?i)KU\d{3}|\d{3}|SSS", v) for v in values)
        )
        if not codes_allowed and sum(bool(_NUMBER_LIKE.fullmatch(v)) for v in values) * 2 > len(values):
            continue  # a column of numbers, not of names
        hits = 0
        for v in values:
            if re.fullmatch(r"(?i)(?:KU)?\d{1,3}|SSS", v):
                hits += codes_allowed and classification.code_of(v) is not None
            else:
                hits += classification.code_of(v) is not None
        if hits / len(values) >= 0.5:
            scores.append((-hits / len(values), k))
    return [k for _, k in sorted(scores)]


def read_csv_table(path: Path, table: CsvTable, classification: Classification, *, source: str | None = None) -> Cells:
    """Read a PxWeb CSV download or a long CSV into cells: one municipality column (names in fi/sv/en or codes),
    periods in the headers (``"Population, 2021"``), in a time column or in the municipality column's header
    (``"Region 2021"``), and one indicator per number column (with the values of any text columns added to its
    label, as PxWeb writes a ``Tiedot`` column).

    Raises
    ------
    InputFileError
        No municipality column, a number column without a period, a period or a number that cannot be read.
    """
    header = table.header
    time_col = time_column(table)
    geo_cols = place_columns(table, classification, {time_col} if time_col is not None else set())
    if not geo_cols:
        raise InputFileError(
            f"{name(path)}: no column of municipalities: expected one column of municipality names (Kemijärvi, "
            "Torneå, Mariehamn: Finnish, Swedish or English) or codes (320, KU320), at least half of them in the "
            f"classification; the columns are {', '.join(repr(h) for h in header[:8])}{' …' if len(header) > 8 else ''}"
        )
    geo_col = geo_cols[0]
    frame = table.frame
    rest = [k for k in range(len(header)) if k not in (*geo_cols, time_col)]
    split = {k: split_header(header[k]) for k in rest}
    decimal = guess_decimal([frame[k] for k in rest], table.delimiter)
    parsed = {k: parse_numbers(frame[k], decimal) for k in rest}
    value_cols, label_cols = [], []
    for k in rest:
        numbers = parsed[k]
        filled = ~numbers.missing
        numeric_share = (filled & ~numbers.bad).sum() / max(int(filled.sum()), 1)
        if split[k][1] is not None or numeric_share >= 0.5 or not filled.any():
            value_cols.append(k)
        else:
            label_cols.append(k)
    if not value_cols:
        raise InputFileError(
            f"{name(path)}: no column of numbers besides the municipality column {header[geo_col]!r}"
            f"{f' and the time column {header[time_col]!r}' if time_col is not None else ''}; expected one column "
            "per indicator (and year)"
        )

    rows = table.rows
    periods_by_row: pd.Series | None = None
    if time_col is not None:
        periods_by_row, bad = periods_of(frame[time_col])
        if bad:
            sample = "; ".join(f"row {rows[i]}: {str(frame[time_col].iloc[i])!r}" for i in bad[:5])
            raise InputFileError(
                f"{name(path)}: column {header[time_col]!r}: {len(bad)} cell{'s are' if len(bad) > 1 else ' is'} not "
                f"a period ({sample}); expected a year (2021), a month (2020M10, 2020-10) or a date (2020-10-01)"
            )
    geo_period = split_header(header[geo_col])[1]
    label_rows = frame[label_cols].agg(", ".join, axis=1) if label_cols else None

    geo_values = frame[geo_col].to_numpy(dtype=object)
    parts: list[pd.DataFrame] = []
    bad_cells: list[tuple[int, str, str]] = []
    sources: set[str] = set()
    for k in value_cols:
        label, period = split[k]
        numbers = parsed[k]
        for i in np.flatnonzero(numbers.bad)[: max(0, 5 - len(bad_cells))]:
            bad_cells.append((int(rows[i]), header[k], str(frame[k].iloc[i])))
        if period is not None:
            period_values: object = period
        elif periods_by_row is not None:
            period_values = periods_by_row.to_numpy()
        elif geo_period is not None:
            period_values = geo_period
        else:
            raise InputFileError(
                f"{name(path)}: column {header[k]!r} has no year: expected the year in its header "
                "('Population, 2021'), a year column (Vuosi, Year, År) or the year in the region column's header "
                "('Region 2021')"
            )
        if label_rows is not None:
            codes, uniques = pd.factorize(
                pd.Series((label + ", " if label else "") + label_rows.to_numpy(dtype=object))
            )
            found = [indicators.by_label(str(u)) for u in uniques]
            ids = np.array([i.id for i in found], dtype=object)[codes]
            names = np.array([i.name for i in found], dtype=object)[codes]
            units = np.array([i.unit for i in found], dtype=object)[codes]
            sources.update(i.source for i in found)
        elif label:
            item = indicators.by_label(label)
            ids, names, units = np.full(len(rows), item.id, object), item.name, item.unit
            sources.add(item.source)
        else:
            raise InputFileError(f"{name(path)}: column {k + 1} has a year ({period}) but no label")
        parts.append(
            pd.DataFrame(
                {
                    "place": geo_values,
                    "indicator": ids,
                    "indicator_name": names,
                    "unit": units,
                    "period": period_values,
                    "value": numbers.values,
                    "missing": numbers.missing,
                    "pos": rows,
                }
            )
        )
    n_bad = sum(int(parsed[k].bad.sum()) for k in value_cols)
    if n_bad:
        sample = "; ".join(f"row {r}, column {c!r}: {t!r} ({why_not_number(t, decimal)})" for r, c, t in bad_cells[:5])
        mark = "point like 1234.5" if decimal == "." else "comma like 1234,5"
        raise InputFileError(
            f"{name(path)}: {n_bad} cell{'s' if n_bad > 1 else ''} of number columns {'are' if n_bad > 1 else 'is'} "
            f"text: {sample}{'; …' if n_bad > 5 else ''}; expected numbers with a decimal {mark}, or a missing-value "
            "mark (.. . ... - NA)"
        )
    cells = pd.concat(parts, ignore_index=True)
    sources.discard("")  # unknown indicators say nothing of the table's source
    table_source = source if source is not None else (sources.pop() if len(sources) == 1 else "")

    def where_place(place: str) -> str:
        return rows_text([int(r) for r in rows[geo_values == place]])

    attrs: dict[str, object] = {"decimal": decimal, "delimiter": table.delimiter}
    if table.title:
        attrs["title"] = table.title
    if table.notes:
        attrs["notes"] = table.notes
    return Cells(
        frame=cells,
        source=table_source,
        table_id=Path(path).stem,
        retrieved=None,
        where_place=where_place,
        where_value=lambda pos: f"row {pos}",
        attrs=attrs,
    )
