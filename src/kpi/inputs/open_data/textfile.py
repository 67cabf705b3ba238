"""Bytes to text and text to CSV records for the open-data readers: encodings, delimiters, numbers, periods."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.readers import Undecodable, column_name, decode_text, strip_marks
from kpi.paths import display

#: The marks statistics offices write where a value is missing: PxWeb's "..", ".", "...", "-" and R's "NA".
MISSING_MARKS = frozenset({"", ".", "..", "...", "-", "NA"})

_SPACE_AT_EDGE = re.compile(r"\s\x00|\x00\s")
_GROUPING = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}(?:\D|$))")


def name(path: Path) -> str:
    """The file as messages name it: relative to the project root when inside it."""
    return display(Path(path))


def _line(data: bytes, position: int) -> int:
    return data.count(b"\n", 0, position) + 1


def read_text(path: Path) -> str:
    """Read `path` as text: UTF-8 (with or without BOM), UTF-16 with a BOM, or ISO-8859-1/Windows-1252.

    Raises
    ------
    InputFileError
        When the file is missing, empty, binary, not text in any of those encodings, or converted twice.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{name(path)}: file not found")
    data = path.read_bytes()
    if not data.strip():
        raise InputFileError(
            f"{name(path)}: the file is empty; expected open data: a PxWeb CSV download, a json-stat2 file, "
            "Sotkanet data or a CSV table by municipality"
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return strip_marks(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"{name(path)}: the file starts with a UTF-16 mark but byte {exc.start} is not UTF-16; "
                "expected UTF-8 or ISO-8859-1 text"
            ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputFileError(
            f"{name(path)}: undecodable bytes: a NUL byte at position {nul} (row {_line(data, nul)}); "
            "this is a binary file (a workbook, an archive?), expected CSV or JSON text in UTF-8 or ISO-8859-1"
        )
    try:
        return decode_text(data)
    except Undecodable as why:
        if why.kind == "mixed":
            raise InputFileError(
                f"{name(path)}: undecodable bytes: the file starts with a UTF-8 mark but row {why.line} has byte "
                f"0x{why.byte:02x}, which is not UTF-8; it was saved in two encodings: download or save it "
                "again as UTF-8"
            ) from None
        if why.kind == "neither":
            raise InputFileError(
                f"{name(path)}: undecodable bytes: byte 0x{why.byte:02x} on row {why.line} is neither UTF-8 "
                "nor ISO-8859-1/Windows-1252 text; expected CSV or JSON text in one of those encodings"
            ) from None
        raise InputFileError(
            f"{name(path)}: row {why.line} has {why.found!r} where a letter like 'ä' or 'ö' belongs: the file "
            "was converted between encodings twice; download it again"
        ) from None


@dataclass
class CsvTable:
    """A CSV file split into records: the header, the data rows (as wide as the header) with their row numbers
    as a spreadsheet numbers them (the first line is row 1), a title above the header and notes below the data."""

    path: Path
    delimiter: str
    header: list[str]
    frame: pd.DataFrame  # columns 0..n-1 as stripped text (str, object dtype), in header order
    rows: np.ndarray  # the spreadsheet row number of each frame row
    title: str = ""
    notes: list[str] = field(default_factory=list)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most, and equally many, cells (';', tab or ',')."""
    lines = [line for line in text.splitlines()[:30] if line.strip()][:8]
    best, best_score = ",", (0, 0)
    for sep in (";", "\t", ","):
        try:
            widths = [len(r) for r in csv.reader(lines, delimiter=sep)]
        except csv.Error:
            continue
        if not widths:
            continue
        top = max(widths)
        score = (sum(1 for w in widths if w == top and w > 1), top)
        if score > best_score:
            best, best_score = sep, score
    return best


def split_csv(path: Path, text: str) -> CsvTable:
    """Split CSV text into a header and rows; a one-cell title above the header and one-cell notes below are kept
    apart (PxWeb writes both in some download formats).

    Raises
    ------
    InputFileError
        When the CSV quoting is broken or a row has more or fewer cells than the header.
    """
    sep = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise InputFileError(f"{name(path)}: row {reader.line_num}: the CSV quoting is broken ({exc})") from None
    header_at = next((n for n, r in enumerate(records) if sum(1 for c in r if c.strip()) > 1), None)
    if header_at is None:
        raise InputFileError(f"{name(path)}: no header row: expected a row of column names and rows of data")
    title = " ".join(c.strip() for n in range(header_at) for c in records[n] if c.strip())
    header = [column_name(c) for c in records[header_at]]
    width = len(header)
    body = records[header_at + 1 :]
    if width > 1 and all(len(r) == width for r in body):
        # the usual file: every row as wide as the header; blank rows and stray spaces are found column-wise in C
        frame = pd.DataFrame(body, columns=range(width), dtype=object)
        blank = np.ones(len(frame), dtype=bool)
        for k in range(width):
            column = frame[k]
            if _SPACE_AT_EDGE.search("\x00" + "\x00".join(column) + "\x00"):
                column = frame[k] = column.str.strip()
            blank &= (column == "").to_numpy()
        numbers: np.ndarray | list[int] = np.arange(header_at + 2, header_at + 2 + len(frame))[~blank]
        frame = frame.loc[~blank].reset_index(drop=True)
        notes: list[str] = []
    else:
        frame, numbers, notes = _ragged(path, sep, header, records, header_at)
    if frame.empty:
        raise InputFileError(f"{name(path)}: the file has a header but no rows of data")
    if width > 1 and not header[-1] and (frame[width - 1] == "").all():
        header = header[:-1]  # a delimiter at the end of every line
        frame = frame.drop(columns=width - 1)
    return CsvTable(path, sep, header, frame, np.asarray(numbers, dtype=np.int64), title, notes)


def _ragged(
    path: Path, sep: str, header: list[str], records: list[list[str]], header_at: int
) -> tuple[pd.DataFrame, list[int], list[str]]:
    """The rows of a file whose rows are not all as wide as the header: one-cell notes below the table are kept
    apart, trailing empty cells dropped, and any other row of another width refused."""
    width = len(header)
    data: list[list[str]] = []
    numbers: list[int] = []
    notes: list[str] = []
    wrong: list[str] = []
    for n in range(header_at + 1, len(records)):
        record = records[n]
        if not "".join(record).strip():
            continue
        if len(record) == 1 and width > 1:
            notes.append(record[0].strip())  # a footnote line below the table
            continue
        if len(record) > width and not any(c.strip() for c in record[width:]):
            record = record[:width]  # trailing delimiters
        if len(record) != width:
            wrong.append(f"row {n + 1} has {len(record)}")
        elif notes:
            wrong.append(f"row {n + 1} comes after the one-cell row {notes[-1]!r}")
        else:
            data.append([c.strip() for c in record])
            numbers.append(n + 1)
    if wrong:
        raise InputFileError(
            f"{name(path)}: {len(wrong)} row{'s do' if len(wrong) > 1 else ' does'} not fit the header of {width} "
            f"cells ({'; '.join(wrong[:5])}{'; …' if len(wrong) > 5 else ''}); expected every row as wide as the "
            f"header (a stray {sep!r}, a decimal comma in a comma-separated file, or a file cut short?)"
        )
    return pd.DataFrame(data, columns=range(width), dtype=object), numbers, notes


def guess_decimal(columns: list[pd.Series], delimiter: str) -> str:
    """The decimal mark of a file: a point in comma-separated files; in others the mark its numbers use."""
    if delimiter == ",":
        return "."
    commas = points = 0
    for cells in columns:
        text = cells.fillna("").map(str) if cells.dtype != object else cells.fillna("")
        commas += int(text.str.fullmatch(r"\s*[-\u2212]?\d[\d \u00a0\u202f]*,\d+\s*").sum())
        points += int(text.str.fullmatch(r"\s*[-\u2212]?\d+\.\d+\s*").sum())
    return "." if points > commas else ","


@dataclass(frozen=True)
class Numbers:
    """Cells read as numbers: the values (NaN where missing or bad), which were missing marks, which were not
    numbers at all."""

    values: np.ndarray
    missing: np.ndarray
    bad: np.ndarray


def parse_numbers(cells: pd.Series, decimal: str) -> Numbers:
    """Parse a column of text cells as numbers with `decimal` as the decimal mark, vectorised.

    Thousands may be grouped with a space, a no-break space or a narrow no-break space; a Unicode minus is a minus.
    The marks in :data:`MISSING_MARKS` are missing values; anything else that is not a number is `bad`.
    """
    codes, uniques = pd.factorize(cells.fillna(""), use_na_sentinel=False)
    text = pd.Series([str(u) for u in uniques], dtype=object).str.strip()
    missing = text.isin(MISSING_MARKS).to_numpy()
    clean = text.str.replace("\u2212", "-", regex=False).str.replace(_GROUPING, "", regex=True)
    if decimal == ",":
        ok = clean.str.fullmatch(r"-?\d+(?:,\d+)?")
        clean = clean.str.replace(",", ".", regex=False)
    else:
        ok = clean.str.fullmatch(r"-?\d+(?:\.\d+)?")
    ok_arr = ok.fillna(False).to_numpy(dtype=bool)
    values = pd.to_numeric(clean.where(ok_arr), errors="coerce").to_numpy(dtype=float)
    return Numbers(values[codes], missing[codes], (~missing & ~ok_arr)[codes])


def why_not_number(text: str, decimal: str) -> str:
    """A few words on why `text` is not a number in a file with this decimal mark."""
    t = text.strip()
    if decimal == "," and re.fullmatch(r"-?\d+\.\d+", t):
        return "a decimal point, but this file's numbers have a decimal comma"
    if decimal == "." and re.fullmatch(r"-?\d+,\d+", t):
        return "a decimal comma, but this file's numbers have a decimal point"
    if t.endswith("%"):
        return "a per cent sign; the number only"
    return "not a number"


# ---------------------------------------------------------------- periods

_YEAR = re.compile(r"(?:19|20)\d{2}")
_PERIOD_IN_HEADER = re.compile(r"^(?P<label>.*?)[,;\s]\s*(?P<period>(?:19|20)\d{2}(?:M\d{2}|Q[1-4])?)\s*$")
_PERIOD_FIRST = re.compile(r"^(?P<period>(?:19|20)\d{2}(?:M\d{2}|Q[1-4])?)\s+(?P<label>.+)$")


def split_header(header: str) -> tuple[str, str | None]:
    """Split a PxWeb column header into its label and period: ``"Population, 2021"`` → ``("Population", "2021")``,
    ``"2020M10 Työttömät"`` → ``("Työttömät", "2020-10")``, ``"2021"`` → ``("", "2021")``; no period → None."""
    text = header.strip()
    only = normal_period(text)
    if only is not None and re.fullmatch(r"(?:19|20)\d{2}(?:M\d{2}|Q[1-4])?", text):
        return "", only
    m = _PERIOD_IN_HEADER.match(text) or _PERIOD_FIRST.match(text)
    if m:
        return m["label"].strip().rstrip(",").strip(), normal_period(m["period"])
    return text, None


def normal_period(text: str) -> str | None:
    """A period as the long table writes it: ``"2021"``, ``"2020M10"`` → ``"2020-10"``, ``"2020Q1"`` →
    ``"2020-Q1"``, ``"2020-10"``; None when `text` is none of these (dates are handled by :func:`periods_of`)."""
    t = text.strip()
    if _YEAR.fullmatch(t):
        return t
    m = re.fullmatch(r"((?:19|20)\d{2})M(\d{1,2})", t)
    if m and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{int(m[2]):02d}"
    m = re.fullmatch(r"((?:19|20)\d{2})Q([1-4])", t)
    if m:
        return f"{m[1]}-Q{m[2]}"
    m = re.fullmatch(r"((?:19|20)\d{2})-(\d{2})", t)
    if m and 1 <= int(m[2]) <= 12:
        return t
    return None


def _is_date(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def periods_of(values: pd.Series) -> tuple[pd.Series, list[int]]:
    """Turn a column of years, months or dates into periods, vectorised over its distinct values.

    Dates (``2020-10-01``, ``1.10.2020``) become months (``"2020-10"``) when every date of the column is the first
    of its month, years when every date is 31 December, else stay ISO dates. Returns the periods and the
    positions of cells that are none of these.
    """
    codes, found = pd.factorize(values.fillna(""))
    uniques = [str(u).strip() for u in found]
    parsed: list[str | None] = [normal_period(u) for u in uniques]
    dates: dict[int, tuple[int, int, int]] = {}
    for k, u in enumerate(uniques):
        if parsed[k] is not None:
            continue
        m = re.fullmatch(r"((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[T ][\d:.]+Z?)?", u)
        if m:
            dates[k] = (int(m[1]), int(m[2]), int(m[3]))
            continue
        m = re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})", u)
        if m:
            dates[k] = (int(m[3]), int(m[2]), int(m[1]))
    valid = {k: d for k, d in dates.items() if _is_date(*d)}
    if valid:
        firsts = all(d[2] == 1 for d in valid.values())
        year_ends = all((d[1], d[2]) == (12, 31) for d in valid.values())
        for k, (y, mo, day) in valid.items():
            parsed[k] = f"{y}-{mo:02d}" if firsts else str(y) if year_ends else f"{y}-{mo:02d}-{day:02d}"
    table = np.array([p if p is not None else "" for p in parsed] + [""], dtype=object)
    out = pd.Series(table[codes], index=values.index, dtype=object)
    bad = [int(i) for i in np.flatnonzero(np.array([p is None for p in parsed] + [True])[codes])]
    return out, bad
