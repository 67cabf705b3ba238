"""The Excel workbook and the Word draft open with openpyxl / python-docx and hold the expected rows, numbers intact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import docx
import openpyxl
import pytest

from kpi import fi
from kpi.export.excel import EXAMPLE_FILL, write_cell, write_workbook
from kpi.export.word import write_findings
from kpi.inputs.datasets import load_inputs
from kpi.measures.compare import period_changes, version_changes
from kpi.measures.period import compute, snapshot, statuses
from kpi.paths import DATA_RAW
from kpi.present import tables
from kpi.run.params import load_params

PERIOD = dt.date(2022, 12, 31)
AUTHOR = "kpi – Kemijärven toimenpideohjelman seuranta"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    inputs = load_inputs(DATA_RAW)
    params = load_params(PERIOD, overrides=["status.tolerance_pct=15"])
    figures = compute(inputs, PERIOD, params)
    base = load_params(PERIOD)
    old = {"params": base, "input_files": inputs.file_hashes, "results": snapshot(compute(inputs, PERIOD, base))}
    new = {"params": params, "input_files": inputs.file_hashes, "results": snapshot(figures)}
    by_version = version_changes(old, new, inputs.strategy)
    by_period = period_changes(
        figures.goals,
        statuses(inputs, dt.date(2022, 6, 30), figures.rules)[3],
        inputs.strategy,
        period_end=PERIOD,
        previous_end=dt.date(2022, 6, 30),
    )
    root = tmp_path_factory.mktemp("exports")
    xlsx = write_workbook(
        root / "a.xlsx",
        strategy=inputs.strategy,
        figures=figures,
        params=params,
        version_changes=by_version,
        period_changes=by_period,
        title="Testi",
        inputs=inputs,
    )
    word = write_findings(root / "h.docx", strategy=inputs.strategy, figures=figures, title="Testi")
    return inputs, figures, by_version, by_period, xlsx, word


def rows(ws):
    """The header and the data rows up to the first blank row (a sheet's note comes after one)."""
    header, found = [c.value for c in ws[1]], []
    for r in ws.iter_rows(min_row=2):
        if all(c.value is None for c in r):
            break
        found.append(dict(zip(header, (c.value for c in r))))
    return header, found


class TestExcel:
    def test_sheets_with_finnish_headers_frozen_and_filtered(self, made):
        book = openpyxl.load_workbook(made[4])
        assert book.sheetnames == [
            "Tavoitteet",
            "Mittarit",
            "Talousarvio",
            "Sopeuttamisohjelma",
            "Henkilöstö",
            "Havainnot",
            "Muutokset",
            "Parametrit",
        ]
        for ws in book:
            assert ws.freeze_panes == "A2" and all(c.font.bold for c in ws[1] if c.value), ws.title
            assert all(10 <= ws.column_dimensions[c.column_letter].width <= 60 for c in ws[1]), ws.title

    def test_goal_statuses_side_by_side(self, made):
        figures = made[1]
        header, goals = rows(openpyxl.load_workbook(made[4])["Tavoitteet"])
        # the order of the HTML table and Word: the data's assessment first (issue 18's review)
        assert [h for h in header if h.endswith("arvio")] == list(tables.ASSESSMENTS)
        assert list(tables.ASSESSMENTS) == [
            "Tietoihin perustuva arvio",
            "Hallinnon arvio",
            "Tarkastuslautakunnan arvio",
        ]
        assert len(goals) == 15 and [g["Tunnus"] for g in goals] == list(figures.assessment.goal_id)
        assert all(isinstance(g["Pisteet (0–1)"], int | float) for g in goals if g["Pisteet (0–1)"] is not None)

    def test_measures_are_numbers_with_formats_and_example_rows_marked(self, made):
        ws = openpyxl.load_workbook(made[4])["Mittarit"]
        header, measures = rows(ws)
        assert len([m for m in measures if m["Indikaattori"] != "virstanpylväs"]) == 57
        cost = next(m for m in measures if m["Indikaattori"] == "Toimintakulut asukasta kohden")
        assert cost["Arvo"] == pytest.approx(13536.0) and isinstance(cost["Arvo"], int | float)
        # each row in its unit's decimals, as the reports write it: never "27,00 kpl" (issue 18's review)
        formats = {}
        for k, m in enumerate(measures, start=2):
            for column in ("Arvo", "Tavoitearvo", "Tavoitevälin alaraja", "Tavoitevälin yläraja"):
                formats.setdefault(m["Yksikkö"], set()).add(
                    ws.cell(row=k, column=header.index(column) + 1).number_format
                )
        assert formats["€/asukas"] == {"#,##0"} and formats["asteikko 1–5"] == {"#,##0.0"}
        assert formats["M€"] == {"#,##0.00"} and formats["€/ateria"] == {"#,##0.00"}
        assert formats["kpl"] <= {"#,##0", "#,##0.0"} and "#,##0" in formats["kpl"]  # 1,5 kpl: half an odd target
        whole = [m for m in measures if m["Yksikkö"] == "kpl" and float(m["Arvo"] or 0).is_integer()]
        assert whole and all(
            ws.cell(row=measures.index(m) + 2, column=header.index("Arvo") + 1).number_format == "#,##0"
            for m in whole
            if all(
                float(m[c] or 0).is_integer() for c in ("Tavoitearvo", "Tavoitevälin alaraja", "Tavoitevälin yläraja")
            )
        )
        example_row = next(k for k, m in enumerate(measures, start=2) if m["Esimerkkiarvo"] == "kyllä")
        real_row = next(
            (
                k
                for k, m in enumerate(measures, start=2)
                if m["Esimerkkiarvo"] == "ei" and m["Tavoitearvo on esimerkki"] == "ei"
            ),
            None,
        )
        assert ws.cell(row=example_row, column=1).fill.fgColor.rgb.endswith(EXAMPLE_FILL.fgColor.rgb[-6:])
        if real_row:
            assert ws.cell(row=real_row, column=1).fill.fill_type is None
        assert all(m["Lähde"] for m in measures)

    def test_measures_sheet_has_the_milestones_and_the_observations_own_sources(self, made):
        inputs, figures = made[0], made[1]
        header, measures = rows(openpyxl.load_workbook(made[4])["Mittarit"])
        # every measure of the strategy has a row: 57 indicators and the six milestones
        assert {m["Mittari"] for m in measures} == {m.id for m in inputs.strategy.measures}
        milestones = [m for m in measures if m["Indikaattori"] == "virstanpylväs"]
        assert len(milestones) == 6 and len(measures) == 57 + 6
        shown = figures.milestones.set_index("measure_id")
        for m in milestones:
            assert m["Tila"] == shown.status[m["Mittari"]] and m["Peruste"] == shown.reason[m["Mittari"]]
            assert m["Näyttö"] == shown.evidence[m["Mittari"]] and m["Arvo"] is None
        # the source of the period's own value (a URL where the row has one), not the strategy's general source
        obs = inputs["observations"]
        now = obs[obs.period_end == str(PERIOD)].set_index("indicator_id").source
        names = {i.name: i.id for i in inputs.strategy.indicators}
        for m in measures:
            if m["Indikaattori"] in names:
                assert m["Lähde"] == now[names[m["Indikaattori"]]], m["Indikaattori"]
        assert any(str(m["Lähde"]).startswith("http") for m in measures)
        # without the inputs (an older caller) the strategy's sources, as before
        plain = write_workbook(made[4].with_name("plain.xlsx"), strategy=inputs.strategy, figures=figures, params={})
        sources = {i.name: i.source for i in inputs.strategy.indicators}
        _, found = rows(openpyxl.load_workbook(plain)["Mittarit"])
        assert all(m["Lähde"] == sources[m["Indikaattori"]] for m in found if m["Indikaattori"] in sources)

    def test_budget_in_euros_and_the_rest(self, made):
        book = openpyxl.load_workbook(made[4])
        header, budget = rows(book["Talousarvio"])
        assert budget and all(isinstance(b["Toteuma"], int | float) for b in budget)
        assert book["Talousarvio"].cell(row=2, column=header.index("Toteuma") + 1).number_format == '#,##0 "€"'
        assert len(rows(book["Sopeuttamisohjelma"])[1]) == len(made[1].progress["by_action"])
        assert len(rows(book["Havainnot"])[1]) == len(made[1].findings)
        _, changes = rows(book["Muutokset"])
        assert len(changes) == len(made[2]) + len(made[3])
        assert any("status.tolerance_pct" in c["Muutos"] for c in changes)
        params = {r["Parametri"]: r["Arvo"] for r in rows(book["Parametrit"])[1]}
        assert params["status.tolerance_pct"] == 15 and params["period_end"] == "2022-12-31"
        # a Finnish note beside the keys, and no Python syntax in the values
        notes = {r["Parametri"]: r["Selite"] for r in rows(book["Parametrit"])[1]}
        assert notes["status.tolerance_pct"] == "osittaisen toteutumisen raja, % tavoitteesta"
        assert not any(str(v).startswith(("{", "[")) or "{'" in str(v) for v in params.values())
        # the budget sheet in the terms of a municipal budget follow-up, the ranges with their bounds
        assert {"Talousarvio muutosten jälkeen", "Toteutumisaste, %", "Odotettu toteutumisaste, %", "Havainto"} <= set(
            header
        )
        assert {"Tavoitevälin alaraja", "Tavoitevälin yläraja"} <= set(rows(book["Mittarit"])[0])
        assert rows(book["Muutokset"])[0][0] == "Verrattu"  # not "Vertailu", the name of the peer sheet


class TestDocumentProperties:
    """Office files carry the project as their author and the period in their title (File → Properties)."""

    def test_word_author_and_title(self, made):
        props = docx.Document(str(made[5])).core_properties
        assert props.author == AUTHOR and props.last_modified_by == AUTHOR
        assert "python-docx" not in (props.author, props.last_modified_by, props.comments)
        assert props.title == "Testi – tilinpäätös 2022" and props.language == "fi-FI"
        assert props.created.year >= 2024  # the run's time, not the 2013 of python-docx's template

    def test_excel_author_and_title(self, made):
        props = openpyxl.load_workbook(made[4]).properties
        assert props.creator == AUTHOR and props.lastModifiedBy == AUTHOR
        assert props.title == "Testi – tilinpäätös 2022"

    def test_a_title_that_names_the_period_already_is_kept(self, made, tmp_path):
        inputs, figures = made[0], made[1]
        title = "Kemijärven toimenpideohjelman 2021–2023 seuranta – tilinpäätös 2022"
        word = write_findings(tmp_path / "h.docx", strategy=inputs.strategy, figures=figures, title=title)
        assert docx.Document(str(word)).core_properties.title == title
        xlsx = write_workbook(tmp_path / "a.xlsx", strategy=inputs.strategy, figures=figures, params={}, title="")
        assert openpyxl.load_workbook(xlsx).properties.title == "Arviointikertomuksen taulukot – tilinpäätös 2022"


class TestWord:
    def test_headings_per_pillar_findings_and_goal_tables(self, made):
        figures = made[1]
        doc = docx.Document(str(made[5]))
        headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
        # the period's name stands mid-heading after the dash: lower case, as fi.period_label writes it
        assert headings[0] == ("Heading 1", "Havainnot – tilinpäätös 2022 (31.12.2022)")
        assert [t for s, t in headings if s == "Heading 2"] == [
            "Hyvinvointi",
            "Elinvoima",
            "Identiteetti",
            "Henkilöstö yksiköittäin 31.12.2022",
            # the heading names the budget only when a budget finding is under it
            "Talous ja tietojen laatu"
            if (figures.findings.category == "Talousarvion ylitykset ja alitukset").any()
            else "Tietojen laatu",
        ]
        assert len(doc.tables) == 4  # a goal table per pillar, then the staff per unit (small counts hidden)
        for table, pillar in zip(doc.tables, ("hyvinvointi", "elinvoima", "identiteetti")):
            first = table.rows[0]
            assert first._tr.trPr is not None and first._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
            assert [c.text for c in first.cells] == [
                "Tavoite",
                "Tietoihin perustuva arvio",
                "Hallinnon arvio",
                "Tarkastuslautakunnan arvio",
            ]
            body = [[c.text for c in row.cells] for row in table.rows[1:]]
            shown = figures.assessment.set_index("goal_id")
            for cells in body:
                goal = cells[0].split(" ", 1)[0]
                assert cells[1:] == [
                    fi.status_label(shown.data[goal]),
                    fi.status_label(shown.administration[goal]),
                    fi.status_label(shown.audit_committee[goal]),
                ]
            assert len(table.rows) == 1 + (figures.assessment.pillar_id == pillar).sum()
        bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
        assert sorted(bullets) == sorted(figures.findings.text)
        assert "esimerkkiarvoja" in doc.paragraphs[1].text


INJECTED = '=HYPERLINK("http://example.invalid";"x")'


class TestFormulaInjection:
    """CWE-1236: text from analysts, the strategy and input files never becomes a live Excel formula."""

    @pytest.mark.parametrize("text", ["=1+1", "+1", "-x", "@SUM(A1)", "\tA", "\rA"])
    def test_text_that_looks_like_a_formula_stays_text(self, text):
        cell = write_cell(openpyxl.Workbook().active, 1, 1, text)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)

    def test_other_text_and_numbers_are_untouched(self):
        ws = openpyxl.Workbook().active
        normal = write_cell(ws, 1, 1, "normal")
        assert (normal.value, normal.data_type, normal.quotePrefix) == ("normal", "s", False)
        # a negative number starts with '-' only when shown as text: it must stay a number
        for k, number in enumerate([-3, 1.5, Decimal("-2.5"), dt.date(2022, 12, 31)], start=2):
            cell = write_cell(ws, k, 1, number)
            assert cell.value == number and cell.data_type in ("n", "d") and not cell.quotePrefix, number
        assert write_cell(ws, 9, 1, None).value is None

    def test_commentary_goal_name_and_input_text_are_not_formulas_in_the_workbook(self, data_copy, tmp_path):
        # the same text through three routes: the strategy (a goal name), an input file (an assessment's
        # justification in arviot.csv, read by the real reader) and a parameter (the analyst's commentary)
        strategy_file = data_copy / "strategia.yaml"
        name = "    name: Oikein mitoitetut, laadukkaat ja taloudellisesti toteutetut palvelut\n"
        text = strategy_file.read_text(encoding="utf-8")
        assert text.count(name) == 1
        strategy_file.write_text(text.replace(name, f"    name: '{INJECTED}'\n"), encoding="utf-8")
        assessments = data_copy / "arviot.csv"
        justification = '"Talous tasapainossa; sopeuttamisohjelman säästöt 1,3 M€."'
        text = assessments.read_text(encoding="utf-8")
        assert text.count(justification) == 1
        assessments.write_text(text.replace(justification, '"' + INJECTED.replace('"', '""') + '"'), encoding="utf-8")
        inputs = load_inputs(data_copy)
        params = load_params(PERIOD)
        params["report"]["commentary"] = INJECTED
        figures = compute(inputs, PERIOD, params)
        path = write_workbook(
            tmp_path / "a.xlsx", strategy=inputs.strategy, figures=figures, params=params, title="Testi"
        )

        book = openpyxl.load_workbook(path)  # not data_only: a formula would come back with data_type 'f'
        formulas = [
            (ws.title, c.coordinate, c.value) for ws in book for r in ws.iter_rows() for c in r if c.data_type == "f"
        ]
        assert formulas == []
        _, goals = rows(book["Tavoitteet"])
        h1 = next(g for g in goals if g["Tunnus"] == "H1")
        assert h1["Tavoite"] == INJECTED and h1["Hallinnon perustelu"] == INJECTED
        params_rows = {r["Parametri"]: r["Arvo"] for r in rows(book["Parametrit"])[1]}
        assert params_rows["report.commentary"] == INJECTED
        shown = [c for ws in book for r in ws.iter_rows() for c in r if c.value == INJECTED]
        assert len(shown) >= 3 and all(c.data_type == "s" and c.quotePrefix for c in shown)


class TestComparisonInTheAuditMaterial:
    """With official statistics in the data folder, Excel gains the sheet Vertailu and Word a comparison section."""

    @pytest.fixture(scope="class")
    @classmethod
    def with_comparison(cls, tmp_path_factory):
        from kpi.inputs.comparison import classification_of, read_comparison
        from kpi.measures.comparison import compare

        inputs = load_inputs(DATA_RAW)
        params = load_params(PERIOD)
        figures = compute(inputs, PERIOD, params)
        compared = compare(read_comparison(DATA_RAW), classification_of(DATA_RAW), params["comparison"], PERIOD)
        root = tmp_path_factory.mktemp("compared")
        xlsx = write_workbook(
            root / "a.xlsx", strategy=inputs.strategy, figures=figures, params=params, title="T", comparison=compared
        )
        word = write_findings(
            root / "h.docx", strategy=inputs.strategy, figures=figures, title="T", comparison=compared
        )
        return compared, xlsx, word

    def test_excel_sheet_vertailu_has_numbers_with_year_and_source(self, with_comparison):
        compared, xlsx, _ = with_comparison
        book = openpyxl.load_workbook(xlsx)
        assert book.sheetnames.index("Vertailu") == book.sheetnames.index("Henkilöstö") + 1
        _, found = rows(book["Vertailu"])
        margin = {r["Tunnusluku"]: r for r in found}["Vuosikate"]
        assert margin["Kemijärvi"] == pytest.approx(695.9) and margin["Vuosi"] == "2020"
        assert isinstance(margin["Vertailukuntien mediaani"], float)
        # euros per inhabitant whole, as the page writes "696 €/asukas" (was one decimal for every figure)
        ws, header = book["Vertailu"], rows(book["Vertailu"])[0]
        k = next(n for n, r in enumerate(found, start=2) if r["Tunnusluku"] == "Vuosikate")
        assert ws.cell(row=k, column=header.index("Kemijärvi") + 1).number_format == "#,##0"
        assert "kuntien avainluvut" in margin["Lähde"] and "CC BY 4.0" in margin["Lähde"]
        notes = [c.value for c in book["Vertailu"]["A"] if c.value and str(c.value).startswith("Vertailukunnat:")]
        assert notes and "Rovaniemi" in notes[0] and "Tilastokeskus, THL ja TEM" in notes[0]
        findings = [r[2] for r in book["Havainnot"].iter_rows(values_only=True) if r[0] == "Vertailu muihin kuntiin"]
        assert findings == compared.findings and any(f.startswith("Vuosikate: 696") for f in findings)

    def test_word_has_a_comparison_section(self, with_comparison):
        compared, _, word = with_comparison
        doc = docx.Document(str(word))
        headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
        assert "Vertailu muihin kuntiin" in headings
        texts = [p.text for p in doc.paragraphs]
        assert any(t.startswith("Vuosikate: 696\u00a0€/asukas vuonna 2020") for t in texts)
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Tunnusluku")
        assert table.rows[0].cells[2].text == "Kemijärvi" and len(table.rows) == len(compared.key.summary) + 1
