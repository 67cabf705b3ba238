"""Structural mutations of the embedded input files, seeded, for the fuzz test of the quality gate.

Each case picks one input file of ``data/raw`` and applies one to three mutations of the kinds an analyst's
tools produce: rows duplicated, shuffled or truncated; columns dropped, swapped, renamed or duplicated; cells
blanked, given text, huge or negative numbers, other date formats or decimal marks; other encodings,
delimiters, line endings and BOMs; workbooks with extra, merged, formula or empty sheets; YAML with wrong
types, missing keys, duplicate ids and anchors. ``case(seed, n)`` is deterministic, so a failing case id
reproduces exactly.
"""

from __future__ import annotations

import copy
import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml
from openpyxl import load_workbook

from kpi.paths import DATA_RAW

CSV_FILES = ("havainnot.csv", "vaesto.csv", "virstanpylvaat.csv", "ohjelmat.csv", "arviot.csv", "henkilosto.csv")
XLSX_FILES = ("talousarvioseuranta.xlsx", "sopeuttamisohjelma.xlsx")
YAML_FILES = ("strategia.yaml",)
FILES = CSV_FILES + XLSX_FILES + YAML_FILES

TEXTS = [
    "",
    " ",
    "n/a",
    "-",
    "x",
    "12,3,4",
    "1 2 3",
    "yhteensä",
    "#DIV/0!",
    "=SUM(A1:A2)",
    "ä" * 300,
    "NaN",
    "inf",
    "None",
    "kyllä",
    "31.12.2022",
    "\u00a0",
    "0x10",
    "1e5",
    "'1",
    '"',
    ";",
]
NUMBERS = [
    "-1",
    "-999999",
    "0",
    "1e308",
    "99999999999999999999999",
    "1.5",
    "1,5",
    "1 234,5",
    "1.234,5",
    "1,234.5",
    "-0,0",
    "+7",
    "12.363",
    "7\u00a0191",
    "1E-300",
    "½",
]
DATES = [
    "2022-12-31",
    "31/12/2022",
    "12/31/2022",
    "31.12.22",
    "31-12-2022",
    "2022-06-31",
    "30.6.2122",
    "1.1.1800",
    "0.0.0",
    "44926",
    "2022-12-31T00:00:00",
    "31.12.2022 12:00",
    "30.06.2022",
]


@dataclass(frozen=True)
class Case:
    """One fuzz case: which file, what was done to it, and the bytes that replace it."""

    file: str
    mutations: tuple[str, ...]
    content: bytes

    @property
    def label(self) -> str:
        return f"{self.file}: {' + '.join(self.mutations)}"


def case(seed: int, n: int, raw: Path = DATA_RAW) -> Case:
    """The `n`-th case of the run with `seed`: one file of `raw` with one to three mutations."""
    rng = random.Random(f"{seed}:{n}")
    file = rng.choice(FILES)
    data = (raw / file).read_bytes()
    kind = _csv if file in CSV_FILES else _xlsx if file in XLSX_FILES else _yaml
    content, names = kind(rng, data)
    return Case(file, tuple(names), content)


# ---------------------------------------------------------------- CSV


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _csv(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    text, encoding = _decode(data)
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    names = []
    for _ in range(rng.randint(1, 3)):
        name, mutate = rng.choice(_TABLE_MUTATIONS)
        rows = mutate(rng, rows)
        names.append(name)
    line_end = "\r\n"
    if rng.random() < 0.25:
        line_end = rng.choice(["\n", "\r", "\r\n"])
        names.append(f"line endings {line_end!r}")
    if rng.random() < 0.2:
        delimiter = rng.choice([",", "\t", "|", ";"])
        names.append(f"delimiter {delimiter!r}")
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    text = out.getvalue()
    if rng.random() < 0.25:
        encoding = rng.choice(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16", "utf-16-le", "mac-roman"])
        names.append(f"encoding {encoding}")
    content = text.encode(encoding, errors="replace")
    if rng.random() < 0.15:
        content = b"\xef\xbb\xbf" * rng.randint(1, 3) + content
        names.append("extra BOM")
    if rng.random() < 0.1:
        content = content[: rng.randint(0, len(content))]
        names.append("truncated bytes")
    return content, names


def _rows_duplicated(rng: random.Random, rows: list[list]) -> list[list]:
    if not rows:
        return rows
    body = rows[1:]
    if rng.random() < 0.3:
        return [rows[0], *body, *body]  # every row twice: a paste done twice
    picks = [rng.randrange(len(body)) for _ in range(rng.randint(1, 5))] if body else []
    return [rows[0], *body, *(body[k] for k in picks)]


def _rows_shuffled(rng: random.Random, rows: list[list]) -> list[list]:
    if not rows:
        return rows
    body = rows[1:]
    rng.shuffle(body)
    return [rows[0], *body]


def _rows_truncated(rng: random.Random, rows: list[list]) -> list[list]:
    keep = rng.randint(0, len(rows))
    cut = rows[:keep]
    if cut and rng.random() < 0.5:
        last = cut[-1]
        cut[-1] = last[: rng.randint(0, len(last))]  # a row cut mid-way
    return cut


def _column_dropped(rng: random.Random, rows: list[list]) -> list[list]:
    k = rng.randrange(max(1, len(rows[0]))) if rows else 0
    return [r[:k] + r[k + 1 :] for r in rows]


def _columns_swapped(rng: random.Random, rows: list[list]) -> list[list]:
    if not rows or len(rows[0]) < 2:
        return rows
    a, b = rng.sample(range(len(rows[0])), 2)
    out = []
    for r in rows:
        r = list(r)
        if max(a, b) < len(r):
            r[a], r[b] = r[b], r[a]
        out.append(r)
    if rng.random() < 0.5:  # the header swapped back: the data moved under the wrong names
        out[0] = list(rows[0])
    return out


def _column_renamed(rng: random.Random, rows: list[list]) -> list[list]:
    if not rows or not rows[0]:
        return rows
    header = list(rows[0])
    k = rng.randrange(len(header))
    header[k] = rng.choice(
        [
            header[k].upper(),
            f" {header[k]} ",
            header[k] + "_2",
            "",
            header[k].replace("ä", "a"),
            rng.choice(header),
            "\ufeff" + header[k],
        ]
    )
    return [header, *rows[1:]]


def _column_duplicated(rng: random.Random, rows: list[list]) -> list[list]:
    if not rows or not rows[0]:
        return rows
    k = rng.randrange(len(rows[0]))
    return [r + [r[k]] if k < len(r) else r for r in rows]


def _cells(values: list[str]) -> Callable[[random.Random, list[list]], list[list]]:
    def mutate(rng: random.Random, rows: list[list]) -> list[list]:
        rows = [list(r) for r in rows]
        for _ in range(rng.randint(1, 6)):
            if len(rows) < 2:
                break
            r = rng.randrange(1, len(rows))
            if rows[r]:
                rows[r][rng.randrange(len(rows[r]))] = rng.choice(values)
        return rows

    return mutate


def _header_cell(rng: random.Random, rows: list[list]) -> list[list]:
    return [[rng.choice(TEXTS + NUMBERS) for _ in rows[0]], *rows[1:]] if rows else rows


_TABLE_MUTATIONS: list[tuple[str, Callable[[random.Random, list[list]], list[list]]]] = [
    ("rows duplicated", _rows_duplicated),
    ("rows shuffled", _rows_shuffled),
    ("rows truncated", _rows_truncated),
    ("column dropped", _column_dropped),
    ("columns swapped", _columns_swapped),
    ("column renamed", _column_renamed),
    ("column duplicated", _column_duplicated),
    ("cells blanked", _cells(["", "", " "])),
    ("cells given text", _cells(TEXTS)),
    ("cells given numbers", _cells(NUMBERS)),
    ("cells given dates", _cells(DATES)),
    ("header replaced", _header_cell),
]


# ---------------------------------------------------------------- xlsx


def _xlsx(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    names = []
    for _ in range(rng.randint(1, 3)):
        name, mutate = rng.choice(_XLSX_MUTATIONS)
        mutate(rng, book, sheet)
        names.append(name)
    out = io.BytesIO()
    book.save(out)
    content = out.getvalue()
    if rng.random() < 0.08:
        content = content[: rng.randint(0, len(content))]
        names.append("truncated bytes")
    return content, names


def _sheet_rows(sheet) -> list[list]:
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def _rewrite(sheet, rows: list[list]) -> None:
    sheet.delete_rows(1, sheet.max_row)
    for r in rows:
        sheet.append(r)


def _xlsx_table(mutate: Callable[[random.Random, list[list]], list[list]]) -> Callable:
    def apply(rng: random.Random, book, sheet) -> None:
        _rewrite(sheet, mutate(rng, _sheet_rows(sheet)))

    return apply


def _extra_sheet(rng: random.Random, book, sheet) -> None:
    extra = book.create_sheet("Ohje", index=rng.choice([0, len(book.sheetnames)]))
    extra.append(["Tämä välilehti ei ole dataa"])
    if rng.random() < 0.5:
        book.active = 0


def _merged(rng: random.Random, book, sheet) -> None:
    top = rng.randint(1, max(1, sheet.max_row - 1))
    left = rng.randint(1, max(1, sheet.max_column - 1))
    sheet.merge_cells(
        start_row=top, start_column=left, end_row=top + rng.randint(0, 2), end_column=left + rng.randint(1, 2)
    )


def _formula(rng: random.Random, book, sheet) -> None:
    for _ in range(rng.randint(1, 3)):
        row, column = rng.randint(1, sheet.max_row), rng.randint(1, sheet.max_column)
        sheet.cell(row, column).value = rng.choice(
            ["=1/0", "=SUM(A1:A3)", '=HYPERLINK("http://example.invalid")', "=D2*2", "=#REF!"]
        )


def _emptied(rng: random.Random, book, sheet) -> None:
    if rng.random() < 0.5:
        sheet.delete_rows(1, sheet.max_row)
    else:
        for extra in book.sheetnames[1:]:
            del book[extra]
        book.create_sheet("Tyhjä", index=0)
        book.active = 0


def _typed_cells(rng: random.Random, book, sheet) -> None:
    for _ in range(rng.randint(1, 5)):
        row, column = rng.randint(2, max(2, sheet.max_row)), rng.randint(1, sheet.max_column)
        sheet.cell(row, column).value = rng.choice(
            [-1, -1e9, 1e308, 10**30, 0.5, True, "", None, "n. 100", "12,5", "1.234,5", "30.6.2022", 44926, "#N/A"]
        )


_XLSX_MUTATIONS: list[tuple[str, Callable]] = [
    ("extra sheet", _extra_sheet),
    ("merged cells", _merged),
    ("formulas", _formula),
    ("empty sheet", _emptied),
    ("cells given odd values", _typed_cells),
    *(
        (f"{name} (xlsx)", _xlsx_table(m))
        for name, m in _TABLE_MUTATIONS
        if name
        in {
            "rows duplicated",
            "rows shuffled",
            "rows truncated",
            "column dropped",
            "columns swapped",
            "column renamed",
            "column duplicated",
            "cells given text",
            "cells given dates",
        }
    ),
]


# ---------------------------------------------------------------- YAML


def _yaml(rng: random.Random, data: bytes) -> tuple[bytes, list[str]]:
    doc = yaml.safe_load(data.decode("utf-8"))
    names = []
    for _ in range(rng.randint(1, 3)):
        name, mutate = rng.choice(_YAML_MUTATIONS)
        doc = mutate(rng, doc)
        names.append(name)
    # yaml.dump writes a node that occurs twice as an anchor and an alias: the "duplicate" mutations test both
    text = (
        yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
        if rng.random() < 0.5
        else yaml.dump(doc, allow_unicode=True, sort_keys=False)
    )
    if rng.random() < 0.1:
        text = text[: rng.randint(0, len(text))]
        names.append("truncated text")
    return text.encode("utf-8"), names


def _containers(doc, path=()) -> list[tuple]:
    """Every (path, container) in the tree, so a mutation can pick one anywhere."""
    found = [(path, doc)] if isinstance(doc, (dict, list)) else []
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        found += _containers(value, (*path, key))
    return found


def _pick(rng: random.Random, doc):
    containers = [c for _, c in _containers(doc) if c]
    return rng.choice(containers) if containers else None


def _wrong_type(rng: random.Random, doc):
    doc = copy.deepcopy(doc)
    target = _pick(rng, doc)
    if target is None:
        return doc
    key = rng.choice(list(target)) if isinstance(target, dict) else rng.randrange(len(target))
    target[key] = rng.choice([None, 0, -1, 1e308, "", "teksti", True, [], {}, [1, 2], {"a": 1}, "2022-13-45", 10**30])
    return doc


def _missing_key(rng: random.Random, doc):
    doc = copy.deepcopy(doc)
    dicts = [c for _, c in _containers(doc) if isinstance(c, dict) and c]
    if dicts:
        target = rng.choice(dicts)
        del target[rng.choice(list(target))]
    return doc


def _duplicate_item(rng: random.Random, doc):
    doc = copy.deepcopy(doc)
    lists = [c for _, c in _containers(doc) if isinstance(c, list) and c]
    if lists:
        target = rng.choice(lists)
        item = rng.choice(target)
        # the same object twice: an id twice, and written back as an anchor and an alias
        target.insert(rng.randrange(len(target) + 1), item if rng.random() < 0.5 else copy.deepcopy(item))
    return doc


def _emptied_list(rng: random.Random, doc):
    doc = copy.deepcopy(doc)
    lists = [c for _, c in _containers(doc) if isinstance(c, list) and c]
    if lists:
        rng.choice(lists).clear()
    return doc


def _whole_document(rng: random.Random, doc):
    return rng.choice([None, [], "teksti", 42, {"pillars": None}, [doc]])


_YAML_MUTATIONS: list[tuple[str, Callable]] = [
    ("wrong type", _wrong_type),
    ("wrong type", _wrong_type),
    ("missing key", _missing_key),
    ("duplicate item", _duplicate_item),
    ("emptied list", _emptied_list),
    ("whole document replaced", _whole_document),
]
