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

import numpy as np
import pandas as pd

from kpi.errors import InputFileError, format_problems
from kpi.paths import display

ColumnType = Literal["str", "float", "int", "date", "bool"]

#: The column of every frame that holds the row number as the analyst sees it in Excel (header = row 1).
SOURCE_ROW = "source_row"
#: The column of a raw frame that counts non-empty cells beyond the header's width (a stray separator).
EXTRA_CELLS = "extra_cells"
CELLS_DETAIL = "cells_detail"

_EXCEL_ERRORS = (
    "#DIV/0!",
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#ARVO!",
    "#JAKO/0!",
    "#PUUTTUU",
    "#VIITTAUS!",
    "#NIMI?",
    "#LUKU!",
    "#TYHJÄ!",
)
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


#: The reasons a cell is refused, in Finnish for the quality report (the terminal shows the English ones).
REASONS_FI = {
    "an Excel formula error": "Excelin kaavavirhe",
    "a point: in this file the decimal mark is a comma and thousands are separated by a space": "piste: tiedostossa desimaalierotin on pilkku ja tuhaterotin välilyönti",
    "a comma: in this file the decimal mark is a point": "pilkku: tiedostossa desimaalierotin on piste",
    "a percent sign; give the number only": "prosenttimerkki; anna pelkkä luku",
    "not a number": "ei luku",
    "not a calendar date": "ei kalenterin päivä",
    "a year outside 1900–2100": "vuosi ei ole väliltä 1900–2100",
    "too large a whole number": "liian suuri kokonaisluku",
    "not a date": "ei päivämäärä",
    "a true/false value": "totuusarvo",
    "not a whole number": "ei kokonaisluku",
    "not kyllä/ei": "ei kyllä/ei",
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
    if other in text and re.fullmatch(rf"-?[\d \u00a0\u202f{re.escape(other)}]+(?:\{decimal}\d+)?", text):
        # '12.363' may be a decimal or a thousands point: either way it is not this file's convention
        if decimal == ",":
            raise _CellError("a point: in this file the decimal mark is a comma and thousands are separated by a space")
        raise _CellError("a comma: in this file the decimal mark is a point")
    if text.endswith("%"):
        raise _CellError("a percent sign; give the number only")
    raise _CellError("not a number")


def parse_date(raw: Any) -> dt.date:
    """Parse a date given as a date object, ``d.m.yyyy`` (Finnish) or ``yyyy-mm-dd``, in the years 1900–2100."""
    if isinstance(raw, dt.datetime):
        return _plausible(raw.date())
    if isinstance(raw, dt.date):
        return _plausible(raw)
    text = str(raw).strip()
    m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", text)
    try:
        if m:
            date = dt.date(int(m[3]), int(m[2]), int(m[1]))
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            date = dt.date.fromisoformat(text)
        else:
            raise _CellError("not a date")
    except _CellError:
        raise
    except ValueError:
        raise _CellError("not a calendar date") from None
    return _plausible(date)


def _plausible(date: dt.date) -> dt.date:
    # 30.6.1021 is a typing slip, not history; pandas could not even hold it (its dates end at 1677 and 2262)
    if not 1900 <= date.year <= 2100:
        raise _CellError("a year outside 1900–2100")
    return date


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
            if abs(value) >= 2**63:  # beyond a 64-bit column (pandas' Int64)
                raise _CellError("too large a whole number")
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
    return raw is None or (isinstance(raw, float) and raw != raw) or (isinstance(raw, str) and not raw.strip())


# ---------------------------------------------------------------- file level


@dataclass(frozen=True)
class RawTable:
    """A file read as text: one column per header (spec headers where they match), cells as stripped text or
    None, plus ``source_row``; `decimal` is the file's decimal mark. The quality gate checks this first."""

    path: Path
    spec: TableSpec
    frame: pd.DataFrame
    decimal: Literal[",", "."]
    header: tuple[str, ...]


def read_raw(path: Path, spec: TableSpec, *, fast: bool = True) -> RawTable:
    """Read one input file as text, without typing it.

    Parameters
    ----------
    path : Path
        A ``.csv`` (semicolon or comma separated; UTF-8 with or without BOM, or Windows-1252) or ``.xlsx``.
    spec : TableSpec
        The table the file should hold; its headers are matched without case or surrounding spaces.
    fast : bool
        Parse a well-formed CSV file in C++ (pyarrow); anything unusual still goes row by row through Python's
        `csv`, which words the messages. False always reads row by row (the tests compare the two).

    Returns
    -------
    RawTable
        xlsx cells become text as Finnish Excel shows them (numbers with a decimal comma, dates as
        ``yyyy-mm-dd``), so one set of text rules checks both formats.

    Raises
    ------
    InputFileError
        When there is no table to check at all: the file is missing, empty, of another type, in an
        unreadable encoding, has title rows above the header (xlsx) or a header and no data rows.
    """
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{display(path)}: file not found ({spec.title})")
    if path.stat().st_size == 0:
        raise InputFileError(
            f"{display(path)}: the file is empty; expected {spec.title} with the columns "
            f"{', '.join(c.header for c in spec.columns)}"
        )
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text, sep = _csv_text(path)
        decimal: Literal[",", "."] = "." if sep == "," else ","
        parsed = _fast_csv_cells(text, sep) if fast else None
        if parsed is not None:
            names = _column_names(parsed[0], spec)
            return RawTable(path, spec, _fast_frame(names, parsed[1], parsed[2]), decimal, tuple(names))
        header, rows = _csv_records(path, text, sep)
    elif suffix == ".xlsx":
        header, rows = _xlsx_records(path, spec)
        decimal = ","  # text cells typed by hand in Finnish Excel use a decimal comma
    else:
        raise InputFileError(f"{display(path)}: unsupported file type {suffix!r}; use .csv or .xlsx")
    if not rows:
        raise InputFileError(f"{display(path)} ({spec.title}): the file has a header but no data rows")
    names = _column_names(header, spec)
    width = len(names)
    data: dict[str, list[Any]] = {SOURCE_ROW: [n for n, _ in rows]}
    if suffix == ".csv" and all(len(r) == width for _, r in rows):
        # the usual CSV: every cell is text and every row as wide as the header; transposing in C is much faster
        columns = list(zip(*(r for _, r in rows)))
        for k, name in enumerate(names):
            if name not in data:  # a duplicated header is reported by the gate and by type_table
                data[name] = [c.strip() or None for c in columns[k]]
        data[EXTRA_CELLS] = [0] * len(rows)
    else:
        for k, name in enumerate(names):
            if name not in data:
                data[name] = [_cell_text(r[k], decimal) if k < len(r) else None for _, r in rows]
        data[EXTRA_CELLS] = [sum(1 for c in r[width:] if not _is_empty(c)) for _, r in rows]
    data[CELLS_DETAIL] = [f"{width + k} cells" for k in data[EXTRA_CELLS]]
    # object columns keep None as None (a str column would turn it into NaN)
    frame = pd.DataFrame({k: pd.Series(v, dtype="object") for k, v in data.items()})
    frame[SOURCE_ROW] = frame[SOURCE_ROW].astype("int64")
    frame[EXTRA_CELLS] = frame[EXTRA_CELLS].astype("int64")
    return RawTable(path, spec, frame, decimal, tuple(names))


def _column_names(header: list[str], spec: TableSpec) -> list[str]:
    """The frame's column names: the spec's spelling of a header that matches one, a made-up name for a blank one."""
    by_lower = {c.header.lower(): c.header for c in spec.columns}
    return [by_lower.get(h.lower(), h) if h else f"(column {n + 1} without a name)" for n, h in enumerate(header)]


def _fast_frame(names: list[str], numbers: np.ndarray, columns: list[np.ndarray]) -> pd.DataFrame:
    """The raw frame of :func:`read_raw` from whole columns: the same columns, order and dtypes as row by row."""
    count, width = len(numbers), len(names)
    data: dict[str, np.ndarray] = {SOURCE_ROW: numbers}
    for name, column in zip(names, columns):
        if name not in data:  # a duplicated header is reported by the gate and by type_table
            data[name] = column
    data[EXTRA_CELLS] = np.zeros(count, dtype="int64")  # the fast path only takes rows as wide as the header
    data[CELLS_DETAIL] = np.full(count, f"{width} cells", dtype=object)
    # explicit dtypes: pandas 3 would turn an object array of text into its 'str' dtype (NaN for None)
    return pd.DataFrame({k: pd.Series(v, dtype=v.dtype) for k, v in data.items()})


def _cell_text(value: Any, decimal: str) -> str | None:
    """A cell as the text rules see it: stripped text, or None when empty."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, dt.datetime | dt.date):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, int | float):
        text = _format_float(float(value)) if isinstance(value, float) else str(value)
        return text.replace(".", decimal)
    text = str(value).strip()
    return text or None


def type_pattern(column_type: ColumnType, decimal: Literal[",", "."]) -> str | None:
    """The regular expression a cell of `column_type` must match (None for free text)."""
    number = rf"[-\u2212]?(?:{_GROUPED}|\d+)"
    return {
        "str": None,
        "float": rf"^{number}(?:\{decimal}\d+)?$",
        "int": rf"^{number}$",
        "date": r"^(?:\d{1,2}\.\d{1,2}\.\d{4}|\d{4}-\d{2}-\d{2})$",
        "bool": "(?i)^(?:" + "|".join(sorted(_TRUE | _FALSE)) + ")$",
    }[column_type]


def explain_cell(raw: Any, column_type: ColumnType, decimal: Literal[",", "."]) -> str:
    """Say in a few words why a cell is not of its column's type ('' when it is)."""
    try:
        parse_cell(raw, column_type, decimal=decimal)
    except _CellError as exc:
        return str(exc)
    return ""


def read_table(path: Path, spec: TableSpec) -> pd.DataFrame:
    """Read and type one input file: :func:`read_raw` then :func:`type_table` (same errors)."""
    return type_table(read_raw(path, spec))


#: A byte-order mark as text, and the same mark read as Windows-1252 ('ï»¿') by a tool that then saved it as UTF-8.
BYTE_ORDER_MARKS = ("\ufeff", "\u00ef\u00bb\u00bf")


def strip_marks(text: str) -> str:
    """`text` without any number of byte-order marks at its start (the marks of every tool that saved it again)."""
    while text.startswith(BYTE_ORDER_MARKS):
        text = text[1:] if text.startswith("\ufeff") else text[3:]
    return text


def column_name(cell: Any) -> str:
    """A header cell as a column name: without byte-order marks anywhere in it (a file pasted together from two
    'CSV UTF-8' files, or a CSV with its mark opened and saved in Excel, keeps them in the cell) and trimmed."""
    if cell is None:
        return ""
    text = str(cell)
    for mark in BYTE_ORDER_MARKS:
        text = text.replace(mark, "")
    return text.strip()


class Undecodable(Exception):
    """Why bytes are not text (:func:`decode_text`); each reader words it for its own users.

    `kind` is ``"mixed"`` (a UTF-8 mark, then bytes that are not UTF-8: saved in two encodings), ``"neither"``
    (neither UTF-8 nor Windows-1252) or ``"mojibake"`` (text converted between encodings twice: `found` is
    the pair like ``'Ã¤'`` where a letter like 'ä' belongs). `line` is the 1-based line, `byte` the first
    undecodable byte and `position` its offset.
    """

    def __init__(
        self,
        kind: Literal["mixed", "neither", "mojibake"],
        *,
        line: int,
        byte: int = 0,
        position: int = 0,
        found: str = "",
    ) -> None:
        super().__init__(kind)
        self.kind, self.line, self.byte, self.position, self.found = kind, line, byte, position, found


def decode_text(data: bytes) -> str:
    """Text of `data`: UTF-8 after any number of byte-order marks, else UTF-8, else Windows-1252 (which reads
    ISO-8859-1's letters too); without marks at its start. Raises :class:`Undecodable`."""
    if data.startswith(b"\xef\xbb\xbf"):
        # any number of byte-order marks: a file saved as 'CSV UTF-8' again by a tool that adds one more
        while data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise Undecodable("mixed", line=line, byte=data[exc.start], position=exc.start) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Excel on a Finnish Windows saves plain 'CSV' in Windows-1252 and PxWeb downloads ISO-8859-1; five
            # byte values (0x81, 0x8d, 0x8f, 0x90, 0x9d) are undefined there and never occur in real text
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise Undecodable("neither", line=line, byte=data[exc.start], position=exc.start) from None
    text = strip_marks(text)
    bad = _MOJIBAKE.search(text)
    if bad:
        raise Undecodable("mojibake", line=text.count("\n", 0, bad.start()) + 1, found=bad.group())
    return text


def _decode(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputFileError(
            f"{display(path)}: the file is UTF-16 (Excel's 'Unicode text'); "
            "save it as 'CSV UTF-8' or 'CSV (luetteloerotin)'"
        )
    try:
        text, problem = decode_text(data), None
    except Undecodable as why:
        text, problem = "", why
    if problem and problem.kind == "mixed":
        raise InputFileError(
            f"{display(path)}: the file starts with a UTF-8 mark but row {problem.line} is not UTF-8 (byte "
            f"0x{problem.byte:02x}); it was saved in two encodings: export it again as 'CSV UTF-8'"
        )
    if problem and problem.kind == "neither":
        raise InputFileError(
            f"{display(path)}: the text encoding is neither UTF-8 nor Windows-1252 "
            f"(byte 0x{problem.byte:02x} at position {problem.position}); save it as 'CSV UTF-8'"
        )
    if b"\x00" in data:  # a zero byte is NUL in UTF-8 and in Windows-1252 alike; bytes are searched 10× faster
        raise InputFileError(f"{display(path)}: the file contains NUL bytes; is it really a CSV file?")
    if problem:
        raise InputFileError(
            f"{display(path)}: row {problem.line} has {problem.found!r} where a letter like 'ä' or 'ö' belongs: "
            "the file was converted between encodings twice; export it again as 'CSV UTF-8'"
        )
    return text


def _csv_text(path: Path) -> tuple[str, str]:
    """The decoded text of a CSV file and its separator, told by its first line with more than whitespace."""
    text = _decode(path, path.read_bytes())
    first = _first_line(text)
    return text, ";" if ";" in first else "\t" if "\t" in first else ","


def _first_line(text: str) -> str:
    """The first line of `text` (as `str.splitlines` splits it) with more than whitespace, or ''."""
    # lines complete within a prefix are the same lines: splitting a 100 MB file only to find its header takes 0,1 s
    for line in text[:65536].splitlines()[:-1]:
        if line.strip():
            return line
    return next((line for line in text.splitlines() if line.strip()), "")


#: A well-formed quoted cell per separator: it starts and ends at a cell boundary, holds no line break and
#: doubles its quotes. The lookbehind sits after the first quote so that the search can jump from quote to quote.
_QUOTED = {
    sep: re.compile(rf'"(?<![^{re.escape(sep)}\r\n]")[^"\r\n]*(?:""[^"\r\n]*)*"(?=[{re.escape(sep)}\r\n]|\Z)')
    for sep in (";", "\t", ",")
}


def _fast_csv_cells(text: str, sep: str) -> tuple[list[str], np.ndarray, list[np.ndarray]] | None:
    """Parse a well-formed CSV text with pyarrow's C++ reader: the header, the Excel row numbers of the rows
    with a value and their cells (stripped text, None when empty), exactly as :func:`_csv_records` and
    :func:`read_raw` would give them. None when the text is anything but plain, so that the row-by-row reader
    reads it and words its messages: quotes that are not whole cells on one line, blank or title lines above
    the header, rows narrower or wider than the header, cells beyond `csv`'s field size limit.
    """
    if '"' in text and "".join(_QUOTED[sep].findall(text)).count('"') != text.count('"'):
        return None  # a quote that csv reads otherwise (inside a cell, a line break within quotes, text after it)
    end = re.search("[\r\n]", text)
    try:
        header = next(csv.reader([text[: end.start()] if end else text], delimiter=sep, strict=True), [])
    except csv.Error:
        return None
    if not any(c.strip() for c in header):
        return None  # the header is not on the first line; the records know on which
    import pyarrow as pa  # only the CSV reader needs pyarrow itself
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    data = text.encode("utf-8")
    size = len(data)
    while size and data[size - 1] in b"\r\n":
        size -= 1  # blank lines at the end (csv drops them; pyarrow would make rows of them)
    keys = [f"f{k}" for k in range(len(header))]
    try:
        table = pa_csv.read_csv(
            pa.BufferReader(pa.py_buffer(data)[:size]),
            read_options=pa_csv.ReadOptions(column_names=keys),
            # every line one row, blank ones too, so that row k is Excel row k + 1; a row of another width fails
            parse_options=pa_csv.ParseOptions(delimiter=sep, newlines_in_values=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(keys, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        limit = csv.field_size_limit()
        columns: list[np.ndarray] = []
        empty = np.ones(table.num_rows - 1, dtype=bool)
        for key in keys:
            # each distinct text is stripped once in Python: ids, dates and units repeat on every row
            encoded = pc.dictionary_encode(table.column(key).combine_chunks())
            distinct = encoded.dictionary.to_pylist()
            if distinct and max(map(len, distinct)) >= limit:
                return None  # csv refuses a cell this long
            stripped = np.array([c.strip() or None for c in distinct], dtype=object)
            codes = encoded.indices.to_numpy()[1:]  # row 0 is the header
            columns.append(stripped[codes])
            empty &= np.array([c is None for c in stripped], dtype=bool)[codes]
    except pa.ArrowException:
        return None  # ragged rows, a row longer than a block: the row-by-row reader says what is wrong
    numbers = np.arange(2, table.num_rows + 1, dtype="int64")
    if empty.all():
        return None  # no data rows: read_raw's row-by-row path says so
    if empty.any():  # rows without a value (blank lines, ';;;;' left by Excel) are skipped, their numbers kept
        numbers = numbers[~empty]
        columns = [column[~empty] for column in columns]
    return [column_name(c) for c in header], numbers, columns


def _csv_records(path: Path, text: str, sep: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputFileError(f"{display(path)}: row {reader.line_num}: the CSV structure is broken ({exc})") from None
    header_at = next((n for n, r in enumerate(records) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise InputFileError(f"{display(path)}: the file has no header row and no data")
    # a byte-order mark inside the text (a file pasted together from two 'CSV UTF-8' files) is no part of a name
    header = [column_name(c) for c in records[header_at]]
    # Excel row number = record index + 1 (a quoted cell with a line break is still one Excel row).
    rows = [(n + 1, r) for n, r in enumerate(records) if n > header_at and "".join(r).strip()]
    return header, rows


def _xlsx_records(path: Path, spec: TableSpec) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook  # openpyxl is only needed for xlsx; keep it out of CSV-only imports

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, xml, key errors) for a broken file
        raise InputFileError(
            f"{display(path)}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc})"
        ) from None
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
    header = [column_name(c) for c in header_cells]
    while header and not header[-1]:
        header.pop()
    if header_row != 1 or sum(1 for h in header if h) < 2:
        raise InputFileError(
            f"{display(path)}: row 1 must hold the column names ({', '.join(c.header for c in spec.columns)}); "
            f"found {[h for h in header if h]!r} on row {header_row}. Remove title rows above the table."
        )
    return header, [(n, r[: len(header)]) for n, r in nonempty[1:]]


def type_table(raw: RawTable) -> pd.DataFrame:
    """Turn a :class:`RawTable` into a typed frame.

    Returns
    -------
    pandas.DataFrame
        One column per spec column (by ``field``), typed: ``str`` → string, ``float`` → float64,
        ``int`` → Int64, ``date`` → datetime64, ``bool`` → bool; plus ``source_row``, the row number in
        the file as Excel shows it (header = 1).

    Raises
    ------
    InputFileError
        Naming the file and every problem: missing columns, rows with more cells than the header, and per
        column the rows whose cells are empty or not of the expected type (up to five examples each).
    """
    path, spec, frame, decimal = raw.path, raw.spec, raw.frame, raw.decimal
    problems: list[str] = []
    dupes = sorted({h for h in raw.header if raw.header.count(h) > 1})
    if dupes:
        problems.append(f"column names used twice: {', '.join(dupes)}")
    missing = [c.header for c in spec.columns if c.header not in frame.columns]
    if missing:
        problems.append(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(repr(m) for m in missing)} "
            f"(columns in the file: {', '.join(repr(h) for h in raw.header)})"
        )
        if len(raw.header) == 1 and (";" in raw.header[0] or "," in raw.header[0]):
            problems.append("the header is one column: the separator is not ';' or ','")
        raise InputFileError(format_problems(f"{display(path)} ({spec.title}):", problems))

    extra = frame[frame[EXTRA_CELLS] > 0]
    if len(extra):
        sample = ", ".join(
            f"row {r} has {len(raw.header) + k}"
            for r, k in extra[[SOURCE_ROW, EXTRA_CELLS]].head(5).itertuples(index=False)
        )
        problems.append(
            f"{len(extra)} row{'s' if len(extra) > 1 else ''} with more cells than the "
            f"{len(raw.header)} columns of the header ({sample}); a stray separator, or a decimal comma in a "
            "comma-separated file?"
        )

    rows = frame[SOURCE_ROW].to_numpy()
    values: dict[str, pd.Series] = {}
    for column in spec.columns:
        values[column.field], empty, bad = _typed_column(frame[column.header], rows, column, decimal)
        if empty:
            problems.append(
                f"column '{column.header}': {len(empty)} empty cell{'s' if len(empty) > 1 else ''} where "
                f"{_EXPECTED[column.type]} is required (rows {_rows(empty)})"
            )
        if bad:
            sample = "; ".join(f"row {n}: {str(cell)!r} ({why})" for n, cell, why in bad[:5])
            more = f"; … {len(bad) - 5} more" if len(bad) > 5 else ""
            problems.append(
                f"column '{column.header}': expected {expected_text(column.type, decimal)}; {len(bad)} "
                f"{'rows differ' if len(bad) > 1 else 'row differs'}: {sample}{more}"
            )
    if problems:
        n = len(problems)
        raise InputFileError(
            format_problems(f"{display(path)} ({spec.title}) has {n} problem{'s' if n > 1 else ''}:", problems)
        )

    typed = pd.DataFrame({SOURCE_ROW: rows})
    for column in spec.columns:
        typed[column.field] = values[column.field]
    return typed


def _typed_column(
    cells: pd.Series, rows: Any, column: Column, decimal: Literal[",", "."]
) -> tuple[pd.Series, list[int], list[tuple[int, Any, str]]]:
    """One column typed with :func:`parse_cell`: the typed values, the rows left empty where a value is
    required, and the rows whose cells are not of the type (row, cell, why).

    Each distinct cell text is parsed once (ids, dates and units repeat on every row), so a million-row
    file costs a few distinct values and one vectorised lookup rather than a million parses.
    """
    codes, uniques = pd.factorize(cells, use_na_sentinel=True)
    empty_value = False if column.type == "bool" else None
    parsed: list[Any] = []
    state = []  # per distinct value: "" typed, "empty", or why it is refused
    for raw in uniques:
        if _is_empty(raw):
            parsed.append(empty_value)
            state.append("empty")
            continue
        try:
            parsed.append(parse_cell(raw, column.type, decimal=decimal))
            state.append("")
        except _CellError as exc:
            parsed.append(None)
            state.append(str(exc))
    parsed.append(empty_value)  # code -1 (a missing cell) takes the last entry
    state.append("empty")
    typed = _series(parsed, column.type).take(codes).reset_index(drop=True)
    # states compared per distinct value then spread as booleans: comparing a million texts costs 30 ms a column
    empty_at = np.array([s == "empty" for s in state], dtype=bool)[codes]
    bad_at = np.array([s not in ("", "empty") for s in state], dtype=bool)[codes]
    empty = rows[empty_at].tolist() if column.required else []
    bad = [(int(n), uniques[c], state[c]) for n, c in zip(rows[bad_at], codes[bad_at])]
    return typed, empty, bad


def expected_text(column_type: ColumnType, decimal: Literal[",", "."]) -> str:
    """Plain words for what a cell of `column_type` looks like in a file with this decimal mark."""
    text = _EXPECTED[column_type]
    if column_type == "float":
        text += " with a decimal comma, like 1 234,5" if decimal == "," else " with a decimal point, like 1234.5"
    return text


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
