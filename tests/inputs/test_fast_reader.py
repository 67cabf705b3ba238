"""The fast CSV path of read_raw (pyarrow's C++ reader) against the row-by-row one (Python's csv): the same raw
tables, cell for cell and row number for row number, and the same messages for every file the fast path refuses.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pandas as pd
import pytest

from kpi.errors import InputFileError
from kpi.inputs import readers
from kpi.inputs.comparison import COMPARISON
from kpi.inputs.datasets import TABLES
from kpi.inputs.readers import Column, TableSpec, read_raw, type_table
from kpi.paths import DATA_RAW
from tests.fuzz.mutate import CSV_FILES, case

SPECS = {spec.file_name: spec for spec in (*TABLES.values(), COMPARISON)}
BAD_INPUTS = Path(__file__).parents[1] / "bad_inputs"
SPEC = TableSpec(
    "t.csv",
    "testitaulukko",
    (
        Column("nimi", "name", "str"),
        Column("arvo", "value", "float", required=False),
        Column("määrä", "count", "int"),
    ),
)
H = "nimi;arvo;määrä"

#: Files the fast path reads itself: quoting as Excel writes it, blank and ';;' rows, every line ending.
WELL_FORMED: dict[str, str | bytes] = {
    "plain": f"{H}\r\na;1,5;2\r\nb;;3\r\n",
    "quoted_cells": f'{H}\r\n"a; b";"1,5";2\r\n"sanoi ""hei""";"";3\r\n"";"";""\r\n',
    "every_cell_quoted": '"nimi";"arvo";"määrä"\r\n"a";"1";"2"\r\n"b";"2";"3"\r\n',
    "blank_and_separator_rows_keep_row_numbers": f'{H}\r\na;1;2\r\n\r\n;;\r\n ; ;\r\n"";;\r\nb;2;3\r\n\r\n\r\n',
    "whitespace_around_and_in_cells": f"{H}\n  a b ;\u00a01\u00a0;\t2\nb;   ;3 \n",
    "line_ends_cr": f"{H}\ra;1;2\rb;2;3\r",
    "line_ends_mixed": f"{H}\na;1;2\r\nb;2;3\r\r\nc;3;4",
    "no_final_line_break": f"{H}\r\na;1;2",
    "comma_separated": 'nimi,arvo,määrä\r\n"a, b",1.5,2\r\nc,,3\r\n',
    "tab_separated": "nimi\tarvo\tmäärä\r\na\t1\t2\r\n",
    "header_case_and_spaces": " NIMI ;Arvo; määrä \r\na;1;2\r\n",
    "duplicate_header": "nimi;arvo;nimi;määrä\r\na;1;b;2\r\n",
    "reserved_header_names": "nimi;source_row;extra_cells;cells_detail;arvo;määrä\r\na;x;y;z;1;2\r\n",
    "blank_header_cell": "nimi;;arvo;määrä\r\na;x;1;2\r\n",
    "byte_order_marks_inside": f"\ufeff\ufeff{H}\r\n\ufeffa;1;2\r\nb;\ufeff;3\r\n",
    "single_column": "nimi\r\na\r\n\r\n  \r\nb\r\n",
    "line_separators_inside_cells": f"{H}\r\na\u2028b;1;2\r\nc\x85d;\x0c;3\r\n",
    "windows_1252": f"{H}\r\nkyllä;1;2\r\n€;2;3\r\n".encode("cp1252"),
    "typed_cells_refused": f"{H}\r\na;1.5;x\r\n;24 %;\r\n",
}
#: Files the fast path leaves to the row-by-row reader, which says what is wrong or knows the rows.
LEFT_TO_CSV: dict[str, str | bytes] = {
    "line_break_in_quotes": f'{H}\r\n"a\r\nb";1;2\r\nc;2;3\r\n',
    "quote_inside_cell": f'{H}\r\na"b;1;2\r\n',
    "text_after_closing_quote": f'{H}\r\n"a"b;1;2\r\n',
    "unterminated_quote": f'{H}\r\n"a;1;2\r\nb;2;3\r\n',
    "space_before_quote": f'{H}\r\n "a";1;2\r\n',
    "space_after_quote": f'{H}\r\n"a" ;1;2\r\n',
    "quote_in_header": '"nimi;arvo;määrä\r\na;1;2\r\n',
    "short_row": f"{H}\r\na;1\r\nb;2;3\r\n",
    "long_row": f"{H}\r\na;1;2;x\r\nb;2;3\r\n",
    "trailing_separators": f"{H}\r\na;1;2;;\r\n",
    "blank_lines_above_header": f"\r\n;;\r\n{H}\r\na;1;2\r\n",
    "header_only": f"{H}\r\n",
    "header_and_blank_rows": f"{H}\r\n;;\r\n\r\n",
    "no_header": "\r\n;;\r\n",
}


def _outcome(path: Path, spec: TableSpec, *, fast: bool) -> tuple[str, object, object]:
    """What read_raw and then type_table make of a file: each one's frame, or its message."""
    try:
        raw = read_raw(path, spec, fast=fast)
    except InputFileError as exc:
        return "read_raw refuses", str(exc), None
    try:
        return "read", raw, type_table(raw)
    except InputFileError as exc:
        return "type_table refuses", raw, str(exc)


def _assert_same(path: Path, spec: TableSpec) -> None:
    (fast_kind, fast_raw, fast_typed), (slow_kind, slow_raw, slow_typed) = (
        _outcome(path, spec, fast=True),
        _outcome(path, spec, fast=False),
    )
    assert fast_kind == slow_kind
    if fast_kind == "read_raw refuses":
        assert fast_raw == slow_raw
        return
    assert isinstance(fast_raw, readers.RawTable) and isinstance(slow_raw, readers.RawTable)
    pd.testing.assert_frame_equal(fast_raw.frame, slow_raw.frame, check_exact=True)
    assert (fast_raw.header, fast_raw.decimal) == (slow_raw.header, slow_raw.decimal)
    if fast_kind == "type_table refuses":
        assert fast_typed == slow_typed
    else:
        pd.testing.assert_frame_equal(fast_typed, slow_typed, check_exact=True)


@pytest.fixture()
def fast_taken(monkeypatch) -> list[bool]:
    """Whether each CSV read took the fast path (True) or was left to the row-by-row reader (False)."""
    taken: list[bool] = []
    parse = readers._fast_csv_cells

    def spy(text: str, sep: str):
        cells = parse(text, sep)
        taken.append(cells is not None)
        return cells

    monkeypatch.setattr(readers, "_fast_csv_cells", spy)
    return taken


def _write(tmp_path: Path, content: str | bytes, name: str = "t.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("path", sorted(DATA_RAW.glob("*.csv")), ids=lambda p: p.name)
def test_embedded_files_take_the_fast_path_and_read_the_same(path, fast_taken):
    _assert_same(path, SPECS.get(path.name, TableSpec(path.name, path.stem, ())))
    assert fast_taken == [True]


@pytest.mark.parametrize("path", sorted(BAD_INPUTS.glob("*/*.csv")), ids=lambda p: p.parent.name)
def test_bad_input_corpus_reads_the_same(path):
    _assert_same(path, SPECS[path.name])


@pytest.mark.parametrize("name", WELL_FORMED)
def test_well_formed_files_take_the_fast_path(name, tmp_path, fast_taken):
    _assert_same(_write(tmp_path, WELL_FORMED[name]), SPEC)
    assert fast_taken == [True]


@pytest.mark.parametrize("name", LEFT_TO_CSV)
def test_unusual_files_are_left_to_the_row_by_row_reader(name, tmp_path, fast_taken):
    _assert_same(_write(tmp_path, LEFT_TO_CSV[name]), SPEC)
    assert fast_taken == [False]


def test_blank_rows_keep_the_row_numbers_of_the_file(tmp_path):
    raw = read_raw(_write(tmp_path, WELL_FORMED["blank_and_separator_rows_keep_row_numbers"]), SPEC)
    assert raw.frame["source_row"].tolist() == [2, 7]
    assert raw.frame["nimi"].tolist() == ["a", "b"]


@pytest.fixture()
def small_field_limit():
    limit = csv.field_size_limit(40)
    yield
    csv.field_size_limit(limit)


@pytest.mark.parametrize("length", [39, 40, 41])
def test_a_cell_beyond_the_field_size_limit_is_refused_as_csv_refuses_it(length, tmp_path, small_field_limit):
    _assert_same(_write(tmp_path, f"{H}\r\n{'x' * length};1;2\r\n"), SPEC)


def _random_text(rng: random.Random) -> str:
    """Rows of mostly three cells: plain, blank, quoted, now and then a stray quote; blank lines, any line end."""
    if rng.random() < 0.15:  # or no structure at all
        return "".join(rng.choice([*'a1;;;""\r\n ,\tä', "\ufeff", "\u00a0", "1,5"]) for _ in range(rng.randint(0, 40)))
    cells = ["a", "1,5", "2", "", "", " ", "\u00a0b ", '"x;y"', '"q""r"', '""', "ä", "\ufeff"]
    lines = [H]
    for _ in range(rng.randint(0, 6)):
        width = 3 if rng.random() < 0.95 else rng.choice([1, 2, 4])
        row = [
            rng.choice(cells) if rng.random() < 0.97 else rng.choice(['"', 'a"b', '"a"b', '"a\nb"'])
            for _ in range(width)
        ]
        lines.append("" if rng.random() < 0.1 else ";".join(row))
    return "".join(line + rng.choice(["\r\n", "\r\n", "\n", "\r"]) for line in lines)[
        : None if rng.random() < 0.8 else -2
    ]


def test_random_texts_read_the_same(tmp_path, fast_taken):
    rng = random.Random(20261130)
    for _ in range(400):
        text = _random_text(rng)
        try:
            _assert_same(_write(tmp_path, text or ";"), SPEC)
        except AssertionError as exc:
            raise AssertionError(f"text {text!r}: {exc}") from None
    assert fast_taken.count(True) > 150  # the fast path took a fair share of them


def test_mutated_embedded_files_read_the_same(tmp_path, fast_taken):
    # the gate's fuzz mutations: rows and columns shuffled, dropped or duplicated, other delimiters, line ends, encodings
    for n in range(60):
        mutated = case(17, n)
        if mutated.file in CSV_FILES:
            try:
                _assert_same(_write(tmp_path, mutated.content, mutated.file), SPECS[mutated.file])
            except AssertionError as exc:
                raise AssertionError(f"case {n} ({mutated.label}): {exc}") from None
    assert fast_taken.count(True) > 10
