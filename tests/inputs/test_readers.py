"""read_table and the cell parsers: every CSV dialect Finnish Excel writes, xlsx, and each malformed case."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from openpyxl import Workbook

from kpi.errors import InputFileError
from kpi.inputs.readers import Column, TableSpec, parse_cell, parse_date, parse_number, read_table

SPEC = TableSpec(
    "t.csv",
    "testitaulukko",
    (
        Column("nimi", "name", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("arvo", "value", "float", required=False),
        Column("määrä", "count", "int"),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
)
HEADER = "nimi;kauden_loppu;arvo;määrä;esimerkkiarvo"


def write(tmp_path, text, *, encoding="utf-8", name="t.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def read_error(path, spec=SPEC) -> str:
    with pytest.raises(InputFileError) as err:
        read_table(path, spec)
    return str(err.value)


class TestParseNumber:
    @pytest.mark.parametrize(
        ("raw", "decimal", "expected"),
        [
            ("1234,5", ",", 1234.5),
            ("1 234,5", ",", 1234.5),
            ("1\u00a0234\u00a0567,25", ",", 1234567.25),  # no-break space, as Excel's number format writes
            ("1\u202f234", ",", 1234.0),  # narrow no-break space
            ("-3,2", ",", -3.2),
            ("\u22123,2", ",", -3.2),  # Unicode minus
            ("  42 ", ",", 42.0),
            ("1234.5", ".", 1234.5),
            ("0", ".", 0.0),
        ],
    )
    def test_accepted(self, raw, decimal, expected):
        assert parse_number(raw, decimal=decimal) == expected

    @pytest.mark.parametrize(
        ("raw", "decimal", "why"),
        [
            ("12.5", ",", "a point: in this file the decimal mark is a comma"),
            ("12,5", ".", "a comma: in this file the decimal mark is a point"),
            ("1.234.567", ",", "thousands are separated by a space"),
            ("1.234,5", ",", "a point: in this file"),
            ("#DIV/0!", ",", "Excel formula error"),
            ("#jako/0!", ",", "Excel formula error"),
            ("12 %", ",", "percent sign"),
            ("abc", ",", "not a number"),
            ("12 34", ",", "not a number"),
        ],
    )
    def test_rejected_with_reason(self, raw, decimal, why):
        with pytest.raises(ValueError, match=why):
            parse_number(raw, decimal=decimal)


class TestParseCell:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("30.6.2023", dt.date(2023, 6, 30)),
            ("2023-12-31", dt.date(2023, 12, 31)),
            (dt.datetime(2023, 6, 30, 0, 0), dt.date(2023, 6, 30)),
            (dt.date(2021, 12, 31), dt.date(2021, 12, 31)),
        ],
    )
    def test_dates(self, raw, expected):
        assert parse_date(raw) == expected

    @pytest.mark.parametrize("raw", ["31.6.2023", "2023/06/30", "kesäkuu"])
    def test_bad_dates(self, raw):
        with pytest.raises(ValueError):
            parse_date(raw)

    @pytest.mark.parametrize(
        ("raw", "expected"), [("kyllä", True), ("Kyllä", True), ("x", True), ("ei", False), (True, True), ("0", False)]
    )
    def test_bools(self, raw, expected):
        assert parse_cell(raw, "bool") is expected

    def test_int_rejects_fraction(self):
        with pytest.raises(ValueError, match="not a whole number"):
            parse_cell("2,5", "int")

    def test_number_from_xlsx_cell_kept(self):
        assert parse_cell(1234.5, "float") == 1234.5 and parse_cell(7.0, "int") == 7


class TestCsvDialects:
    ROWS = "Kemijärvi;30.6.2023;1 234,5;7 029;kyllä\r\nSalla;31.12.2023;;12;ei\r\n"

    def check(self, frame):
        assert list(frame.columns) == ["source_row", "name", "period_end", "value", "count", "is_example"]
        assert frame.name.tolist() == ["Kemijärvi", "Salla"]
        assert frame.period_end.tolist() == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31")]
        assert frame.value.iloc[0] == 1234.5 and pd.isna(frame.value.iloc[1])
        assert frame["count"].tolist() == [7029, 12]
        assert frame.is_example.tolist() == [True, False]
        assert frame.source_row.tolist() == [2, 3]
        assert str(frame.value.dtype) == "float64" and str(frame["count"].dtype) == "Int64"

    def test_utf8_with_bom_semicolon_decimal_comma(self, tmp_path):
        self.check(read_table(write(tmp_path, "\ufeff" + HEADER + "\r\n" + self.ROWS), SPEC))

    @pytest.mark.parametrize("marks", [2, 3, 5])
    def test_any_number_of_byte_order_marks(self, tmp_path, marks):
        # a 'CSV UTF-8' file saved again by a tool that adds its own mark (issue 18)
        path = tmp_path / "t.csv"
        path.write_bytes(b"\xef\xbb\xbf" * marks + (HEADER + "\r\n" + self.ROWS).encode("utf-8"))
        self.check(read_table(path, SPEC))

    @pytest.mark.parametrize("marks", ["\ufeff\ufeff", "\u00ef\u00bb\u00bf", "\ufeff\u00ef\u00bb\u00bf"])
    def test_a_byte_order_mark_read_as_windows_1252_and_saved_again(self, tmp_path, marks):
        # 'ï»¿' is the UTF-8 mark opened as Windows-1252 text and saved as UTF-8: no part of the first column's name
        self.check(read_table(write(tmp_path, marks + HEADER + "\r\n" + self.ROWS), SPEC))

    def test_utf8_without_bom(self, tmp_path):
        self.check(read_table(write(tmp_path, HEADER + "\n" + self.ROWS), SPEC))

    def test_windows_1252(self, tmp_path):
        self.check(read_table(write(tmp_path, HEADER + "\r\n" + self.ROWS, encoding="cp1252"), SPEC))

    def test_no_break_space_thousands(self, tmp_path):
        rows = self.ROWS.replace("7 029", "7\u00a0029").replace("1 234,5", "1\u00a0234,5")
        self.check(read_table(write(tmp_path, HEADER + "\n" + rows, encoding="cp1252"), SPEC))

    def test_comma_separated_with_decimal_point(self, tmp_path):
        text = HEADER.replace(";", ",") + "\nKemijärvi,2023-06-30,1234.5,7029,kyllä\nSalla,2023-12-31,,12,ei\n"
        self.check(read_table(write(tmp_path, text), SPEC))

    def test_blank_lines_are_skipped_but_row_numbers_stay_those_of_the_file(self, tmp_path):
        text = HEADER + "\n" + "Kemijärvi;30.6.2023;1 234,5;7 029;kyllä\n;;;;\n\nSalla;31.12.2023;;12;ei\n"
        frame = read_table(write(tmp_path, text), SPEC)
        assert frame.source_row.tolist() == [2, 5]

    def test_header_names_are_matched_without_case_and_spaces(self, tmp_path):
        text = " Nimi ;KAUDEN_LOPPU;arvo;Määrä;esimerkkiarvo\n" + self.ROWS
        self.check(read_table(write(tmp_path, text), SPEC))


class TestXlsx:
    def workbook(self, tmp_path, rows, *, title_rows=0, sheet="Data", header=HEADER):
        wb = Workbook()
        ws = wb.active
        ws.title = sheet
        for _ in range(title_rows):
            ws.append(["Talousarvioseuranta 30.6.2023"])
        ws.append(header.split(";"))
        for r in rows:
            ws.append(r)
        path = tmp_path / "t.xlsx"
        wb.save(path)
        return path

    def test_typed_cells_and_excel_row_numbers(self, tmp_path):
        path = self.workbook(
            tmp_path,
            [
                ["Kemijärvi", dt.datetime(2023, 6, 30), 1234.5, 7029, "kyllä"],
                ["Salla", "31.12.2023", "1 234,5", "12", "ei"],
            ],
        )
        frame = read_table(path, SPEC)
        assert frame.value.tolist() == [1234.5, 1234.5]
        assert frame.period_end.tolist() == [pd.Timestamp("2023-06-30"), pd.Timestamp("2023-12-31")]
        assert frame.source_row.tolist() == [2, 3]

    @pytest.mark.parametrize("marks", ["\ufeff", "\ufeff\ufeff", "\u00ef\u00bb\u00bf\ufeff"])
    def test_byte_order_marks_in_a_header_cell(self, tmp_path, marks):
        # a 'CSV UTF-8' file opened in Excel and saved as .xlsx keeps its mark(s) in cell A1 (issue 18: was
        # "missing column 'nimi' (columns in the file: … '\ufeff\ufeffnimi')")
        rows = [["Kemijärvi", dt.datetime(2023, 6, 30), 1.0, 1, "ei"]]
        frame = read_table(self.workbook(tmp_path, rows, header=marks + HEADER), SPEC)
        assert frame["name"].tolist() == ["Kemijärvi"]

    def test_stray_title_rows_above_the_table(self, tmp_path):
        path = self.workbook(tmp_path, [["Kemijärvi", dt.datetime(2023, 6, 30), 1.0, 1, "ei"]], title_rows=2)
        message = read_error(path)
        assert "row 1 must hold the column names" in message and "Remove title rows" in message

    def test_named_sheet_missing(self, tmp_path):
        path = self.workbook(tmp_path, [["Kemijärvi", dt.datetime(2023, 6, 30), 1.0, 1, "ei"]], sheet="Taul1")
        spec = TableSpec("t.xlsx", "testi", SPEC.columns, sheet="Talousarvioseuranta")
        assert "no sheet 'Talousarvioseuranta' (sheets: Taul1)" in read_error(path, spec)

    def test_formula_error_and_merged_cell_leftover(self, tmp_path):
        path = self.workbook(
            tmp_path,
            [
                ["Kemijärvi", dt.datetime(2023, 6, 30), "#DIV/0!", 1, "ei"],
                [None, dt.datetime(2023, 6, 30), 2.0, 1, "ei"],
            ],
        )
        message = read_error(path)
        assert "column 'arvo'" in message and "row 2: '#DIV/0!' (an Excel formula error)" in message
        assert "column 'nimi': 1 empty cell where text is required (rows 3)" in message

    def test_not_a_workbook(self, tmp_path):
        path = tmp_path / "t.xlsx"
        path.write_text("not a zip", encoding="utf-8")
        assert "not a readable .xlsx workbook" in read_error(path)


class TestMalformedCsv:
    def test_missing_column_lists_what_the_file_has(self, tmp_path):
        path = write(tmp_path, "nimi;kauden_loppu;value;määrä;esimerkkiarvo\nA;30.6.2023;1;1;ei\n")
        message = read_error(path)
        assert "t.csv" in message and "missing column 'arvo'" in message and "'value'" in message

    def test_bad_numbers_name_column_rows_and_values(self, tmp_path):
        rows = "".join(f"A;30.6.2023;{v};1;ei\n" for v in ["1,5", "12.5", "abc", "2", "#N/A"])
        message = read_error(write(tmp_path, HEADER + "\n" + rows))
        assert "column 'arvo': expected a number with a decimal comma, like 1 234,5; 3 rows differ" in message
        assert "row 3: '12.5' (a point: in this file the decimal mark is a comma" in message
        assert "row 4: 'abc' (not a number)" in message and "row 6: '#N/A' (an Excel formula error)" in message

    def test_more_than_five_bad_rows_are_counted(self, tmp_path):
        rows = "".join(f"A;30.6.2023;x{n};1;ei\n" for n in range(8))
        assert "8 rows differ" in (m := read_error(write(tmp_path, HEADER + "\n" + rows))) and "… 3 more" in m

    def test_empty_required_cells(self, tmp_path):
        message = read_error(write(tmp_path, HEADER + "\nA;30.6.2023;1;;ei\n;30.6.2023;1;2;ei\n"))
        assert "column 'määrä': 1 empty cell where a whole number is required (rows 2)" in message
        assert "column 'nimi': 1 empty cell where text is required (rows 3)" in message

    def test_bad_date_and_bool(self, tmp_path):
        message = read_error(write(tmp_path, HEADER + "\nA;15.7.2023x;1;1;ehkä\n"))
        assert "column 'kauden_loppu': expected a date like 30.6.2023" in message
        assert "column 'esimerkkiarvo': expected kyllä or ei" in message

    def test_out_of_range_date_and_huge_number_are_findings_not_crashes(self, tmp_path):
        # pandas holds dates only from 1677 to 2262 and Int64 below 2**63: such cells must be refused, not crash
        message = read_error(write(tmp_path, HEADER + "\nA;30.6.1021;1;99999999999999999999;ei\nB;1.1.2301;1;2;ei\n"))
        assert "column 'kauden_loppu': expected a date like 30.6.2023" in message
        assert "row 2: '30.6.1021' (a year outside 1900–2100)" in message
        assert "row 3: '1.1.2301' (a year outside 1900–2100)" in message
        assert "row 2: '99999999999999999999' (too large a whole number)" in message

    def test_row_with_extra_cells(self, tmp_path):
        message = read_error(write(tmp_path, HEADER + "\nA;30.6.2023;1;5;1;ei\n"))
        assert "1 row with more cells than the 5 columns of the header (row 2 has 6)" in message

    def test_empty_file(self, tmp_path):
        message = read_error(write(tmp_path, ""))
        assert "the file is empty" in message and "nimi, kauden_loppu" in message

    def test_header_only(self, tmp_path):
        assert "has a header but no data rows" in read_error(write(tmp_path, HEADER + "\n"))

    def test_utf16(self, tmp_path):
        assert "UTF-16" in read_error(write(tmp_path, "\ufeff" + HEADER + "\n", encoding="utf-16-le"))

    def test_double_encoded_letters(self, tmp_path):
        broken = (HEADER + "\nKemijärvi;30.6.2023;1;1;ei\n").encode("utf-8").decode("cp1252")
        message = read_error(write(tmp_path, broken, encoding="utf-8"))
        assert "converted between encodings twice" in message

    def test_unsupported_suffix(self, tmp_path):
        assert "unsupported file type '.txt'" in read_error(write(tmp_path, HEADER, name="t.txt"))

    def test_missing_file(self, tmp_path):
        assert "file not found" in read_error(tmp_path / "nope.csv")

    def test_every_problem_of_a_file_in_one_message(self, tmp_path):
        message = read_error(write(tmp_path, HEADER + "\nA;30.6.2023;x;y;ehkä\n"))
        assert "has 3 problems" in message
