"""Build the bad-input corpus: broken variants of the embedded files, each with the message it must produce.

Run it after changing the embedded data (``.venv/bin/python tests/bad_inputs/make_corpus.py``); it rewrites
``tests/bad_inputs/<case>/<file>`` and ``cases.yaml``. The tests only read what it wrote, so the corpus is
ordinary files an analyst can open.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from openpyxl import load_workbook

HERE = Path(__file__).parent
RAW = HERE.parents[1] / "data" / "raw"
PERIOD = "2022-12-31"

CSV_ENCODING = {
    "havainnot.csv": "utf-8-sig",
    "vaesto.csv": "cp1252",
    "virstanpylvaat.csv": "utf-8-sig",
    "ohjelmat.csv": "utf-8-sig",
    "arviot.csv": "utf-8-sig",
    "henkilosto.csv": "utf-8-sig",
}


def text(name: str) -> str:
    return (RAW / name).read_bytes().decode(CSV_ENCODING[name])


def csv_case(name: str, change: Callable[[str], str], *, encoding: str | None = None) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        target.write_bytes(change(text(name)).encode(encoding or CSV_ENCODING[name]))

    return write


def bytes_case(data: bytes) -> Callable[[Path], None]:
    return lambda target: target.write_bytes(data)


def xlsx_case(name: str, change: Callable) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        wb = load_workbook(RAW / name)
        change(wb.active)
        wb.save(target)

    return write


def parsed_strategy_case(change: Callable[[dict], None]) -> Callable[[Path], None]:
    """The strategy file with one change made to its parsed form (a wrong type, say), written back as YAML."""

    def write(target: Path) -> None:
        doc = yaml.safe_load((RAW / "strategia.yaml").read_text(encoding="utf-8"))
        change(doc)
        target.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    return write


def _first_indicator(doc: dict) -> tuple[dict, dict, dict]:
    """The first goal, measure and indicator that has example targets."""
    return next(
        (g, m, i)
        for g in doc["goals"]
        for m in g["measures"]
        for i in m.get("indicators") or []
        if "example_targets" in i
    )


def every_row_twice(s: str) -> str:
    """What pasting the rows in Excel twice does."""
    header, *rows = s.rstrip("\r\n").split("\r\n")
    return "\r\n".join([header, *rows, *rows]) + "\r\n"


def replace_once(old: str, new: str) -> Callable[[str], str]:
    def change(s: str) -> str:
        assert old in s, f"corpus: {old!r} not found"
        return s.replace(old, new, 1)

    return change


def drop_column(header: str) -> Callable[[str], str]:
    def change(s: str) -> str:
        lines = s.split("\r\n")
        k = lines[0].split(";").index(header)
        return "\r\n".join(
            ";".join(c for n, c in enumerate(line.split(";")) if n != k) if line else line for line in lines
        )

    return change


def duplicate_line(startswith: str) -> Callable[[str], str]:
    def change(s: str) -> str:
        lines = s.split("\r\n")
        n = next(k for k, line in enumerate(lines) if line.startswith(startswith))
        return "\r\n".join(lines[: n + 1] + [lines[n]] + lines[n + 1 :])

    return change


def drop_line(startswith: str) -> Callable[[str], str]:
    return lambda s: "\r\n".join(line for line in s.split("\r\n") if not line.startswith(startswith))


def header_only(s: str) -> str:
    return s.split("\r\n", 1)[0] + "\r\n"


def as_comma_separated_with_decimal_commas(s: str) -> str:
    # What happens when a ';' file is saved with ',' as separator but numbers keep their decimal comma
    return s.replace(";", ",")


def mojibake(s: str) -> str:
    return s.encode("utf-8").decode("cp1252", errors="replace")


def stray_title_rows(ws) -> None:
    ws.insert_rows(1, amount=2)
    ws["A1"] = "Kemijärven kaupunki – talousarvioseuranta"


def merged_area_cells(ws) -> None:
    # Excel leaves only the first cell of a merged range filled: here the area of rows 3–5
    for row in (3, 4, 5):
        ws.cell(row=row, column=2).value = None


def cell(row: int, column: int, value) -> Callable:
    def change(ws) -> None:
        ws.cell(row=row, column=column).value = value

    return change


def total_row(ws) -> None:
    ws.append([dt.datetime(2023, 12, 31), "Yhteensä", "Kaikki tiliryhmät", 1.0, 0.0, 1.0, None, "kyllä"])


def drop_area_rows(area: str, period: dt.datetime) -> Callable:
    def change(ws) -> None:
        for row in range(ws.max_row, 1, -1):
            if ws.cell(row=row, column=2).value == area and ws.cell(row=row, column=1).value == period:
                ws.delete_rows(row)

    return change


def adjustment_realised_off(ws) -> None:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row=row, column=1).value == "S3" and ws.cell(row=row, column=4).value == dt.datetime(2022, 12, 31):
            ws.cell(row=row, column=6).value = ws.cell(row=row, column=6).value + 250_000


def strategy_case(old: str, new: str) -> Callable[[Path], None]:
    def write(target: Path) -> None:
        s = (RAW / "strategia.yaml").read_text(encoding="utf-8")
        assert old in s, f"corpus: {old!r} not found"
        target.write_text(s.replace(old, new, 1), encoding="utf-8")

    return write


# case: (file it replaces, how it is broken, words the message must contain)
COMPARISON_HEAD = "kuntakoodi;kunta;indikaattori;indikaattorin_nimi;kausi;arvo;yksikkö;lähde;taulukko;haettu\r\n"

CASES: dict[str, tuple[str, Callable[[Path], None], list[str]]] = {
    "missing_column": (
        "havainnot.csv",
        csv_case("havainnot.csv", drop_column("arvo")),
        ["havainnot.csv", "missing column 'arvo'", "columns in the file"],
    ),
    "renamed_column": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("yksikkö;", "yksikko;")),
        ["missing column 'yksikkö'", "'yksikko'"],
    ),
    "text_in_number_column": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";12723;", ";n. 12 700;")),
        ["column 'arvo'", "expected a number with a decimal comma", "'n. 12 700' (not a number)"],
    ),
    "decimal_point_in_semicolon_file": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";4,95;", ";4.95;")),
        ["column 'arvo'", "'4.95'", "the decimal mark is a comma"],
    ),
    "decimal_comma_in_comma_file": (
        "havainnot.csv",
        csv_case("havainnot.csv", as_comma_separated_with_decimal_commas),
        ["havainnot.csv", "at most 8 cells per row", "row 2: 9 cells", "decimal comma in a comma-separated file"],
    ),
    "thousands_separated_by_point": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";205000;", ";205.000;")),
        ["column 'arvo'", "'205.000'", "thousands are separated by a space"],
    ),
    "percent_sign": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("lahiruoka_osuus;31.12.2022;24;", "lahiruoka_osuus;31.12.2022;24 %;")),
        ["column 'arvo'", "'24 %' (a percent sign"],
    ),
    "excel_formula_error": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";9,40;", ";#DIV/0!;")),
        ["column 'arvo'", "'#DIV/0!' (an Excel formula error)"],
    ),
    "period_end_15_7": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";30.6.2021;", ";15.7.2021;")),
        ["column 'kauden_loppu'", "a period end: 30.6. or 31.12.", "'15.7.2021'"],
    ),
    "bad_date": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";30.6.2021;", ";kesäkuu 2021;")),
        ["column 'kauden_loppu'", "a date like 30.6.2023", "'kesäkuu 2021' (not a date)"],
    ),
    "year_typo": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";31.12.2021;", ";31.12.1021;")),
        ["column 'kauden_loppu'", "'31.12.1021' (a year outside 1900–2100)"],
    ),
    # found by the fuzz test (tests/fuzz): a crash before the fix, now a named problem
    "every_row_twice": (
        "havainnot.csv",
        csv_case("havainnot.csv", every_row_twice),
        ["havainnot.csv", "one row per indicator and period end", "rows differ"],
    ),
    "bom_then_windows_1252": (
        "vaesto.csv",
        lambda target: target.write_bytes(b"\xef\xbb\xbf" + (RAW / "vaesto.csv").read_bytes()),
        ["vaesto.csv", "starts with a UTF-8 mark but row 1 is not UTF-8", "export it again"],
    ),
    "strategy_example_targets_mapping": (
        "strategia.yaml",
        parsed_strategy_case(lambda d: _first_indicator(d)[2].__setitem__("example_targets", [{"vuosi": 2021}])),
        ["strategia.yaml", "'example_targets' must list years that have a target"],
    ),
    "strategy_measures_a_number": (
        "strategia.yaml",
        parsed_strategy_case(lambda d: d["goals"][0].__setitem__("measures", 5)),
        ["strategia.yaml", "goals[0] H1: 'measures' must be a non-empty list"],
    ),
    "strategy_indicators_true": (
        "strategia.yaml",
        parsed_strategy_case(lambda d: _first_indicator(d)[1].__setitem__("indicators", True)),
        ["strategia.yaml", "measures[0] H1-M1: 'indicators' must be a non-empty list"],
    ),
    "duplicate_rows": (
        "havainnot.csv",
        csv_case("havainnot.csv", duplicate_line("lahiruoka_osuus;31.12.2022")),
        ["indikaattori_id + kauden_loppu", "one row per indicator and period end", "2 rows differ"],
    ),
    "unknown_indicator_id": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("\r\neva_lkm;31.12.2022;", "\r\neva_lukumaara;31.12.2022;")),
        ["column 'indikaattori_id'", "an indicator id of strategia.yaml", "'eva_lukumaara'"],
    ),
    "share_140_percent": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("lahiruoka_osuus;31.12.2022;24;", "lahiruoka_osuus;31.12.2022;140;")),
        ["column 'arvo'", "valid range", "140 for lahiruoka_osuus (valid: 0…100)"],
    ),
    "negative_count": (
        "havainnot.csv",
        csv_case(
            "havainnot.csv", replace_once("uudet_yritykset_lkm;31.12.2022;33;", "uudet_yritykset_lkm;31.12.2022;-33;")
        ),
        ["column 'arvo'", "-33 for uudet_yritykset_lkm (valid: 0…)"],
    ),
    "wrong_unit": (
        "havainnot.csv",
        csv_case(
            "havainnot.csv", replace_once("lahiruoka_osuus;31.12.2022;24;%;", "lahiruoka_osuus;31.12.2022;24;kpl;")
        ),
        ["column 'yksikkö'", "the unit the strategy gives the indicator", "'kpl' for lahiruoka_osuus"],
    ),
    "value_and_no_data_mark": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("tyotyytyvaisyys;30.6.2022;;", "tyotyytyvaisyys;30.6.2022;3,7;")),
        ["column 'arvo'", "a value, or an empty value with kyllä in 'ei_tietoa' (not both)", "tyotyytyvaisyys"],
    ),
    "empty_value_without_mark": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once("lahiruoka_osuus;31.12.2022;24;%;", "lahiruoka_osuus;31.12.2022;;%;")),
        ["column 'arvo'", "a value, or an empty value with kyllä in 'ei_tietoa'", "lahiruoka_osuus"],
    ),
    "missing_row_for_period": (
        "havainnot.csv",
        csv_case("havainnot.csv", drop_line("lahiruoka_osuus;31.12.2022")),
        [
            "havainnot.csv, column 'indikaattori_id'",
            "a row for 31.12.2022 for every indicator",
            "1 item differs: no row for 31.12.2022 for indicator lahiruoka_osuus (Lähiruoan osuus "
            "ruokapalveluiden tuotannosta)",
        ],
    ),
    "bad_yes_no": (
        "havainnot.csv",
        csv_case("havainnot.csv", replace_once(";kyllä;;", ";joo;;")),
        ["column 'esimerkkiarvo'", "expected kyllä or ei", "'joo' (not kyllä/ei)"],
    ),
    "trailing_total_row_csv": (
        "havainnot.csv",
        csv_case("havainnot.csv", lambda s: s + "Yhteensä;31.12.2023;1;kpl;x;ei;;\r\n"),
        ["column 'indikaattori_id'", "no total row", "'Yhteensä'"],
    ),
    "empty_file": ("havainnot.csv", bytes_case(b""), ["havainnot.csv", "the file is empty"]),
    "header_only": ("havainnot.csv", csv_case("havainnot.csv", header_only), ["has a header but no data rows"]),
    "double_encoded": (
        "havainnot.csv",
        csv_case("havainnot.csv", mojibake, encoding="utf-8"),
        ["havainnot.csv", "converted between encodings twice"],
    ),
    "utf16": (
        "vaesto.csv",
        csv_case("vaesto.csv", lambda s: "\ufeff" + s, encoding="utf-16-le"),
        ["vaesto.csv", "UTF-16"],
    ),
    "population_typo": (
        "vaesto.csv",
        csv_case("vaesto.csv", replace_once("7\u00a0058", "70\u00a0580")),
        ["vaesto.csv, column 'väkiluku'", "a change of at most 10 %", "70580 (previous 7081"],
    ),
    "population_missing_for_period": (
        "vaesto.csv",
        csv_case("vaesto.csv", drop_line("31.12.2022;")),
        ["vaesto.csv", "the population at 31.12.2022", "no row for 31.12.2022 for the population"],
    ),
    "xlsx_stray_header_rows": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", stray_title_rows),
        ["talousarvioseuranta.xlsx", "row 1 must hold the column names", "Remove title rows"],
    ),
    "xlsx_merged_cell_leftovers": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", merged_area_cells),
        ["column 'vastuualue'", "a value in every row", "3 rows differ: row 3: empty; row 4: empty; row 5: empty"],
    ),
    "xlsx_formula_error": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", cell(10, 6, "#DIV/0!")),
        ["column 'toteuma'", "row 10: '#DIV/0!' (an Excel formula error)"],
    ),
    "xlsx_negative_cost": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", cell(12, 6, -15000.0)),
        ["column 'toteuma'", "an actual of zero or more", "row 12: -15000"],
    ),
    "xlsx_trailing_total_row": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", total_row),
        ["column 'vastuualue'", "no total row", "'Yhteensä'"],
    ),
    "xlsx_area_missing_for_period": (
        "talousarvioseuranta.xlsx",
        xlsx_case("talousarvioseuranta.xlsx", drop_area_rows("elinvoimapalvelut", dt.datetime(2022, 12, 31))),
        [
            "talousarvioseuranta.xlsx",
            "every active responsibility area and account group",
            "no row for 31.12.2022 for responsibility area / account group elinvoimapalvelut / Toimintatuotot",
        ],
    ),
    "xlsx_sum_of_parts_differs": (
        "sopeuttamisohjelma.xlsx",
        xlsx_case("sopeuttamisohjelma.xlsx", adjustment_realised_off),
        [
            "derived indicators equal their parts",
            "sopeutus_saasto_kertyma 31.12.2022: given 2.34, computed from its parts 2.59",
        ],
    ),
    "unknown_milestone_status": (
        "virstanpylvaat.csv",
        csv_case("virstanpylvaat.csv", replace_once(";valmis;", ";valmistunut;")),
        ["virstanpylvaat.csv, column 'tila'", "valmis, käynnissä, ei aloitettu", "'valmistunut'"],
    ),
    "unknown_assessment_status": (
        "arviot.csv",
        csv_case("arviot.csv", replace_once(";toteutunut;", ";hyvä;")),
        ["arviot.csv, column 'hallinnon_arvio'", "one of: toteutunut", "'hyvä'"],
    ),
    "unknown_programme": (
        "ohjelmat.csv",
        csv_case("ohjelmat.csv", replace_once("viestintaohjelma;", "viestintäohjelma;")),
        ["ohjelmat.csv, column 'ohjelma_id'", "a programme id of strategia.yaml", "'viestintäohjelma'"],
    ),
    "programme_updated_in_future": (
        "ohjelmat.csv",
        csv_case("ohjelmat.csv", replace_once(";2019;", ";2030;")),
        ["ohjelmat.csv, column 'päivitetty_vuonna'", "a year no later than the period's year"],
    ),
    "strategy_unknown_pillar": (
        "strategia.yaml",
        strategy_case("pillar: elinvoima", "pillar: elinvoma"),
        ["strategia.yaml", "unknown pillar 'elinvoma'"],
    ),
    "staff_respondents_exceed_head_count": (
        "henkilosto.csv",
        csv_case(
            "henkilosto.csv",
            replace_once(
                "31.12.2022;sivistyspalvelut;Lukio;15;12,9;142;9;", "31.12.2022;sivistyspalvelut;Lukio;15;12,9;142;19;"
            ),
        ),
        [
            "henkilosto.csv",
            "column 'kyselyyn_vastanneet'",
            "at most as many respondents as the unit has staff",
            "19 of 15 (Lukio)",
        ],
    ),
    "staff_total_row": (
        "henkilosto.csv",
        csv_case(
            "henkilosto.csv",
            lambda s: s.rstrip("\r\n") + "\r\n31.12.2022;elinvoimapalvelut;Yhteensä;661;598,8;11018;485;3,6;kyllä;\r\n",
        ),
        ["henkilosto.csv", "column 'yksikkö'", "no total row"],
    ),
    # vertailu.csv (official statistics from kpi import): a short file in place of the 3 MB one is enough
    "comparison_unknown_municipality": (
        "vertailu.csv",
        bytes_case(
            (
                COMPARISON_HEAD
                + "320;Kemijärvi;vakiluku;Väkiluku;2022;6996;henkilöä;THL Sotkanet;sotkanet:127;2026-11-30\r\n"
                "999;Tuntematon;vakiluku;Väkiluku;2022;1234;henkilöä;THL Sotkanet;sotkanet:127;2026-11-30\r\n"
            ).encode("utf-8-sig")
        ),
        ["vertailu.csv", "column 'kuntakoodi'", "a municipality code of the classification", "999 Tuntematon"],
    ),
    "comparison_text_in_value": (
        "vertailu.csv",
        bytes_case(
            (
                COMPARISON_HEAD
                + "320;Kemijärvi;vakiluku;Väkiluku;2022;noin 7000;henkilöä;THL Sotkanet;sotkanet:127;2026-11-30\r\n"
            ).encode("utf-8-sig")
        ),
        ["vertailu.csv", "column 'arvo'", "'noin 7000'"],
    ),
    "strategy_indicator_without_unit": (
        "strategia.yaml",
        strategy_case("            unit: €/ateria\n", ""),
        ["strategia.yaml", "ruokapalvelu_ateriahinta", "'unit' is missing"],
    ),
}


def main() -> None:
    cases = []
    for name, (file, write, words) in CASES.items():
        folder = HERE / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir()
        write(folder / file)
        cases.append({"case": name, "file": file, "period": PERIOD, "exit": 3, "words": words})
    header = (
        "# Generated by make_corpus.py: one broken variant of an embedded file per case. The file in the case's\n"
        "# folder replaces its namesake in a copy of data/raw; `kpi run --period <period>` must exit with <exit>\n"
        "# and print every one of <words>, and must leave earlier outputs untouched.\n"
    )
    (HERE / "cases.yaml").write_text(
        header + yaml.safe_dump(cases, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8"
    )
    print(f"{len(cases)} cases written to {HERE}")


if __name__ == "__main__":
    main()
