"""Readers for the tables analysts receive: CSV as Finnish Excel writes it, and .xlsx, into typed frames."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kpi.errors import InputFileError, format_problems
from kpi.paths import display

ColumnType = Literal["str", "float", "int", "date", "bool"]

#: The column of every frame that holds the row number as the analyst sees it in Excel (header = row 1).
SOURCE_ROW = "source_row"

_EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#ARVO!", "#JAKO/0!",
                 "#PUUTTUU", "#VIITTAUS!", "#NIMI?", "#LUKU!", "#TYHJÄ!")
_TRUE = {"kyllä", "k", "x", "true", "1", "yes", "tosi"}
_FALSE = {"ei", "e", "false", "0", "no", "epätosi"}
# Digits grouped by a space, a no-break space or a narrow no-break space, as Excel's Finnish number formats write.
_GROUPED = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+"
_MOJIBAKE = re.compile("Ã[\u00a4\u00b6\u00a5\u0096\u0084\u00a9\u0085]")  # 'ä' 'ö' 'å' 'Ö' 'Ä' 'é' 'Å' read twice


@dataclass(frozen=True)
class Column:
    """One column of an input table.

    Attributes
    ----------
    header : str
        The column name in the file (Finnish, as the analyst sees it).
    field : str
        The column name in the typed frame (English, as the code uses it).
    type : {"str", "float", "int", "date", "bool"}
        How cells are read; see :func:`parse_cell`.
    required : bool
        Whether every row must have a value.
    """

    header: str
    field: str
    type: ColumnType
    required: bool = True


@dataclass(frozen=True)
class TableSpec:
    """What one input file must hold: its name, a Finnish title for messages, and its columns."""

    file_name: str
    title: str
    columns: tuple[Column, ...]
    sheet: str | None = None  # xlsx only; None takes the first sheet

    @property
    def fields(self) -> list[str]:
        return [c.field for c in self.columns]


_EXPECTED = {
    "str": "text",
    "float": "a number",
    "int": "a whole number",
    "date": "a date like 30.6.2023 or 2023-06-30",
    "bool": "kyllä or ei",
}


class _CellError(ValueError):
    """A cell that cannot be read as its column's type; the text says what was found."""


def parse_number(raw: str, *, decimal: Literal[",", "."]) -> float:
    """Parse a number as Finnish Excel writes it.

    Parameters
    ----------
    raw : str
        The cell text, e.g. ``"1 234,5"`` (space, no-break space or narrow no-break space between
        thousands), ``"-3,2"`` or ``"−3,2"`` (a Unicode minus).
    decimal : {",", "."}
        The decimal mark of the file: a comma in semicolon-separated files, a point in comma-separated ones.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        When the text is not a number in that convention; the message says why.
    """
    text = raw.strip().replace("\u2212", "-")
    if text.upper() in _EXCEL_ERRORS:
        raise _CellError("an Excel formula error")
    other = "." if decimal == "," else ","
    sign = r"-?"
    body = rf"(?:{_GROUPED}|\d+)"
    fraction = rf"(?:\{decimal}\d+)?"
    if re.fullmatch(sign + body + fraction, text):
        return float(re.sub(r"[ \u00a0\u202f]", "", text).replace(decimal, "."))
    if other in text and re.fullmatch(rf"-?\d+\{other}\d+", text):
        mark = "point" if other == "." else "comma"
        raise _CellError(f"a decimal {mark} where this file uses a decimal {'comma' if decimal == ',' else 'point'}")
    if re.fullmatch(r"-?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?", text):
        raise _CellError("thousands separated by a point or comma; use a space or none")
    if text.endswith("%"):
        raise _CellError("a percent sign; give the number only")
    raise _CellError("not a number")


def parse_date(raw: Any) -> dt.date:
    """Parse a date given as a date object, ``d.m.yyyy`` (Finnish) or ``yyyy-mm-dd``."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = str(raw).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        raise _CellError("not a calendar date") from None
    raise _CellError("not a date")


def parse_cell(raw: Any, column_type: ColumnType, *, decimal: Literal[",", "."] = ",") -> Any:
    """Convert one non-empty cell (text from CSV, or a value from xlsx) to the column's Python type."""
    if column_type == "str":
        return " ".join(str(raw).split()) if not isinstance(raw, float) else _format_float(raw)
    if column_type in ("float", "int"):
        if isinstance(raw, bool):
            raise _CellError("a true/false value")
        if isinstance(raw, int | float):
            value = float(raw)
        else:
            value = parse_number(str(raw), decimal=decimal)
        if column_type == "int":
            if not value.is_integer():
                raise _CellError("not a whole number")
            return int(value)
        return value
    if column_type == "date":
        return parse_date(raw)
    if column_type == "bool":
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise _CellError("not kyllä/ei")
    raise ValueError(f"unknown column type {column_type!r}")


def _format_float(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


def _is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# ---------------------------------------------------------------- file level

def read_table(path: Path, spec: TableSpec) -> pd.DataFrame:
    """Read one input file into a typed frame.

    Parameters
    ----------
    path : Path
        A ``.csv`` (semicolon or comma separated; UTF-8 with or without BOM, or Windows-1252) or ``.xlsx``.
    spec : TableSpec
        The columns the file must have and their types.

    Returns
    -------
    pandas.DataFrame
        One column per spec column (by ``field``), typed: ``str`` → string, ``float`` → float64,
        ``int`` → Int64, ``date`` → datetime64, ``bool`` → bool; plus ``source_row``, the row number in
        the file as Excel shows it (header = 1). Fully empty rows are skipped.

    Raises
    ------
    InputFileError
        Naming the file and every problem: missing columns, rows of the wrong width, and per column the
        rows whose cells are empty or not of the expected type (up to five examples each).
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{display(path)}: file not found ({spec.title})")
    if path.stat().st_size == 0:
        raise InputFileError(f"{display(path)}: the file is empty; expected {spec.title} with the columns "
                             f"{', '.join(c.header for c in spec.columns)}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, rows, decimal = _csv_records(path)
    elif suffix == ".xlsx":
        header, rows = _xlsx_records(path, spec)
        decimal = ","  # text cells typed by hand in Finnish Excel use a decimal comma
    else:
        raise InputFileError(f"{display(path)}: unsupported file type {suffix!r}; use .csv or .xlsx")
    return _typed_frame(path, spec, header, rows, decimal)


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="strict")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(f"{display(path)}: the file is UTF-16 (Excel's 'Unicode text'); "
                             "save it as 'CSV UTF-8' or 'CSV (luetteloerotin)'")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel on a Finnish Windows saves plain 'CSV' in Windows-1252; five byte values are undefined there.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"{display(path)}: the text encoding is neither UTF-8 nor Windows-1252 "
                    f"(byte 0x{data[exc.start]:02x} at position {exc.start}); save it as 'CSV UTF-8'") from None
    if "\x00" in text:
        raise InputFileError(f"{display(path)}: the file contains NUL bytes; is it really a CSV file?")
    bad = _MOJIBAKE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise InputFileError(
            f"{display(path)}: row {line} has {bad.group()!r} where a letter like 'ä' or 'ö' belongs: the file "
            "was converted between encodings twice; export it again as 'CSV UTF-8'")
    return text


def _csv_records(path: Path) -> tuple[list[str], list[tuple[int, list[str]]], Literal[",", "."]]:
    text = _decode(path, path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    sep = ";" if ";" in first else "\t" if "\t" in first else ","
    decimal: Literal[",", "."] = "." if sep == "," else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputFileError(f"{display(path)}: row {reader.line_num}: the CSV structure is broken ({exc})") from None
    header_at = next((n for n, r in enumerate(records) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise InputFileError(f"{display(path)}: the file has no header row and no data")
    header = [c.strip() for c in records[header_at]]
    # Excel row number = record index + 1 (a quoted cell with a line break is still one Excel row).
    rows = [(n + 1, r) for n, r in enumerate(records) if n > header_at and any(c.strip() for c in r)]
    return header, rows, decimal


def _xlsx_records(path: Path, spec: TableSpec) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook  # openpyxl is only needed for xlsx; keep it out of CSV-only imports

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a broken file
        raise InputFileError(f"{display(path)}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})") from None
    try:
        if spec.sheet and spec.sheet not in wb.sheetnames:
            raise InputFileError(f"{display(path)}: no sheet {spec.sheet!r} (sheets: {', '.join(wb.sheetnames)})")
        ws = wb[spec.sheet] if spec.sheet else wb.worksheets[0]
        all_rows = [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()
    nonempty = [(n, r) for n, r in all_rows if any(not _is_empty(c) for c in r)]
    if not nonempty:
        raise InputFileError(f"{display(path)}: the sheet is empty")
    header_row, header_cells = nonempty[0]
    header = ["" if c is None else str(c).strip() for c in header_cells]
    while header and not header[-1]:
        header.pop()
    if header_row != 1 or sum(1 for h in header if h) < 2:
        raise InputFileError(
            f"{display(path)}: row 1 must hold the column names ({', '.join(c.header for c in spec.columns)}); "
            f"found {[h for h in header if h]!r} on row {header_row}. Remove title rows above the table.")
    return header, [(n, r[:len(header)]) for n, r in nonempty[1:]]


def _typed_frame(path: Path, spec: TableSpec, header: list[str], rows: list[tuple[int, list[Any]]],
                 decimal: Literal[",", "."]) -> pd.DataFrame:
    problems: list[str] = []
    index = {h.lower(): n for n, h in enumerate(header) if h}
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        problems.append(f"column names used twice: {', '.join(dupes)}")
    missing = [c.header for c in spec.columns if c.header.lower() not in index]
    if missing:
        problems.append(f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
                        f"(columns in the file: {', '.join(repr(h) for h in header if h)})")
        if len(header) == 1 and (";" in header[0] or "," in header[0]):
            problems.append("the header is one column: the separator is not ';' or ','")
        raise InputFileError(format_problems(f"{display(path)} ({spec.title}):", problems))
    if not rows:
        raise InputFileError(f"{display(path)} ({spec.title}): the file has a header but no data rows")

    width = len(header)
    wrong_width = [(n, len(r)) for n, r in rows if len(r) != width and any(not _is_empty(c) for c in r[width:])]
    if wrong_width:
        sample = ", ".join(f"row {n} has {k}" for n, k in wrong_width[:5])
        problems.append(f"{len(wrong_width)} row{'s' if len(wrong_width) > 1 else ''} with more cells than the "
                        f"{width} columns of the header ({sample}); a stray separator, or a decimal comma in a "
                        "comma-separated file?")

    values: dict[str, list[Any]] = {c.field: [] for c in spec.columns}
    for column in spec.columns:
        k = index[column.header.lower()]
        empty: list[int] = []
        bad: list[tuple[int, Any, str]] = []
        out = values[column.field]
        for n, r in rows:
            raw = r[k] if k < len(r) else None
            if _is_empty(raw):
                out.append(False if column.type == "bool" else None)
                if column.required:
                    empty.append(n)
                continue
            try:
                out.append(parse_cell(raw, column.type, decimal=decimal))
            except _CellError as exc:
                out.append(None)
                bad.append((n, raw, str(exc)))
        if empty:
            problems.append(f"column '{column.header}': {len(empty)} empty cell{'s' if len(empty) > 1 else ''} where "
                            f"{_EXPECTED[column.type]} is required (rows {_rows(empty)})")
        if bad:
            expected = _EXPECTED[column.type]
            if column.type == "float":
                expected += " with a decimal comma, like 1 234,5" if decimal == "," else " with a decimal point, like 1234.5"
            sample = "; ".join(f"row {n}: {str(raw)!r} ({why})" for n, raw, why in bad[:5])
            more = f"; … {len(bad) - 5} more" if len(bad) > 5 else ""
            problems.append(f"column '{column.header}': expected {expected}; {len(bad)} "
                            f"{'rows differ' if len(bad) > 1 else 'row differs'}: {sample}{more}")
    if problems:
        n = len(problems)
        raise InputFileError(format_problems(
            f"{display(path)} ({spec.title}) has {n} problem{'s' if n > 1 else ''}:", problems))

    frame = pd.DataFrame({SOURCE_ROW: [n for n, _ in rows]})
    for column in spec.columns:
        frame[column.field] = _series(values[column.field], column.type)
    return frame


def _series(values: list[Any], column_type: ColumnType) -> pd.Series:
    if column_type == "str":
        return pd.Series(values, dtype="string")
    if column_type == "float":
        return pd.Series([float("nan") if v is None else v for v in values], dtype="float64")
    if column_type == "int":
        return pd.Series(values, dtype="Int64")
    if column_type == "date":
        return pd.to_datetime(pd.Series(values, dtype="object")).astype("datetime64[ns]")
    return pd.Series(values, dtype="bool")


def _rows(numbers: Iterable[int], limit: int = 5) -> str:
    numbers = list(numbers)
    shown = ", ".join(str(n) for n in numbers[:limit])
    return shown + (f", … {len(numbers) - limit} more" if len(numbers) > limit else "")
