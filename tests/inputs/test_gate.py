"""The quality gate: the embedded data passes, soft findings flag without stopping, severities are parameters."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from kpi.errors import ParameterError
from kpi.inputs.gate import GateResult, Validator, consistency_frame, run_gate
from kpi.inputs.suites import Check, all_check_ids, all_checks
from kpi.paths import DATA_RAW


@pytest.fixture(scope="module")
def year_end() -> GateResult:
    return run_gate(DATA_RAW, dt.date(2022, 12, 31))


@pytest.fixture(scope="module")
def mid_year() -> GateResult:
    return run_gate(DATA_RAW, dt.date(2022, 6, 30))


class TestEmbeddedData:
    def test_passes_at_year_end_with_every_input_checked(self, year_end):
        assert year_end.passed and year_end.inputs is not None
        files = set(year_end.findings_frame().file)
        assert files == {
            "strategia.yaml",
            "havainnot.csv",
            "virstanpylvaat.csv",
            "vaesto.csv",
            "talousarvioseuranta.xlsx",
            "sopeuttamisohjelma.xlsx",
            "ohjelmat.csv",
            "arviot.csv",
            "henkilosto.csv",
            "vertailu.csv",
        }
        assert len(year_end.findings) > 140

    def test_the_baseline_year_is_not_a_follow_up_period(self):
        """2020 holds the baselines but no targets: a report of it would assess nothing, so the gate refuses it."""
        result = run_gate(DATA_RAW, dt.date(2020, 12, 31))
        assert not result.passed
        assert "period 31.12.2020 is outside the years 2021–2023" in result.failure_text()

    def test_example_values_are_soft_findings_not_failures(self, year_end):
        soft = {f.check.id for f in year_end.soft_findings}
        assert "havainnot.example_values" in soft and not year_end.hard_failures

    def test_yearly_indicators_without_a_30_6_value_are_flagged(self, mid_year):
        finding = next(f for f in mid_year.soft_findings if f.check.id == "havainnot.value_for_period")
        keys = {s.key for s in finding.samples}
        assert finding.unexpected == 7 and "tyotyytyvaisyys" in keys
        assert next(s for s in finding.samples if s.key == "tyotyytyvaisyys").shown == "31.12.2021"

    def test_summary_fits_one_screen(self, mid_year):
        text = mid_year.summary_text()
        assert text.startswith("Quality gate 30.6.2022: PASSED") and len(text.splitlines()) <= 20

    def test_gx_import_time_is_recorded(self, year_end):
        assert year_end.seconds["import great-expectations"] > 0 and year_end.seconds["validate"] > 0


class TestSeverityParameters:
    def test_a_soft_check_made_hard_stops_the_run(self):
        result = run_gate(DATA_RAW, dt.date(2022, 6, 30), hard=["havainnot.value_for_period"])
        assert not result.passed
        assert [f.check.id for f in result.hard_failures] == ["havainnot.value_for_period"]
        assert "tyotyytyvaisyys: 31.12.2021" in result.failure_text()

    def test_a_hard_check_made_soft_only_flags(self, data_copy):
        path = data_copy / "ohjelmat.csv"
        path.write_text(path.read_text(encoding="utf-8-sig").replace(";2019;", ";2030;", 1), encoding="utf-8-sig")
        assert not run_gate(data_copy, dt.date(2022, 12, 31)).passed
        assert run_gate(data_copy, dt.date(2022, 12, 31), soft=["ohjelmat.updated_year.plausible"]).passed

    def test_unknown_check_id_is_a_parameter_error(self):
        with pytest.raises(ParameterError, match="unknown check id havainnot.nope"):
            run_gate(DATA_RAW, dt.date(2022, 6, 30), soft=["havainnot.nope"])


class TestChecks:
    def test_ids_are_unique_and_every_check_says_what_it_expects_in_both_languages(self):
        ids = all_check_ids()
        assert len(ids) == len(set(ids)) > 100
        for check in all_checks():
            assert check.expected and check.expected_fi and check.severity in ("hard", "soft")

    def test_missing_column_reported_through_exception_info_reads_clearly(self):
        check = Check(
            "x.value.between",
            "raw:x",
            "x.csv",
            "arvo",
            "a number",
            "luku",
            lambda gxe: gxe.ExpectColumnValuesToBeBetween(column="arvo", min_value=0),
            value="arvo",
        )
        (finding,) = Validator().validate(
            "raw:x", pd.DataFrame({"source_row": [2, 3], "muu": [1, 2]}), [check], {"x.value.between": "hard"}
        )
        assert (
            not finding.passed
            and finding.message() == "x.csv, column 'arvo': could not be checked: column 'arvo' is missing"
        )


class TestConsistencyFrame:
    def test_given_totals_against_their_parts(self):
        p = pd.Timestamp("2022-12-31")
        tables = {
            "observations": pd.DataFrame(
                {
                    "indicator_id": ["toimintakulut_per_asukas", "sopeutus_saasto_kertyma"],
                    "period_end": [p, p],
                    "value": [101.0, 0.5],
                }
            ),
            "budget": pd.DataFrame(
                {
                    "period_end": [p, p, p],
                    "account_group": ["Toimintatuotot", "Henkilöstökulut", "Avustukset"],
                    "actual": [999.0, 600.0, 400.0],
                }
            ),
            "population": pd.DataFrame({"period_end": [p], "population": [10]}),
            "adjustment": pd.DataFrame(
                {
                    "period_end": [pd.Timestamp("2021-12-31"), p],
                    "realised_eur": [200_000.0, 300_000.0],
                    "realised_htv": [1.0, 2.0],
                    "planned_eur": [0.0, 0.0],
                    "planned_htv": [0.0, 0.0],
                }
            ),
            "staff": pd.DataFrame(
                {
                    "period_end": [p, p],
                    "head_count": [3, 10],
                    "person_years": [2.0, 8.0],
                    "sick_leave_days": [50, 130],
                    "respondents": [2, 8],
                    "satisfaction": [4.0, 3.5],
                }
            ),
        }
        tables["observations"] = pd.concat(
            [
                tables["observations"],
                pd.DataFrame(
                    {
                        "indicator_id": ["sairauspoissaolot_pv_htv", "tyotyytyvaisyys"],
                        "period_end": [p, p],
                        "value": [18.3, 3.5],
                    }
                ),
            ],
            ignore_index=True,
        )
        frame = consistency_frame(tables).set_index("check")
        # the city's figures from its units: 180 days / 10 person-years; (2 × 4,0 + 8 × 3,5) / 10 respondents
        assert frame.loc["sairauspoissaolot_pv_htv 31.12.2022", "computed"] == pytest.approx(18.0)
        assert frame.loc["sairauspoissaolot_pv_htv 31.12.2022", "abs_difference"] == pytest.approx(0.3)  # > ±0,1
        assert frame.loc["tyotyytyvaisyys 31.12.2022", "computed"] == pytest.approx(3.6)
        assert frame.loc["toimintakulut_per_asukas 31.12.2022", "computed"] == 100
        assert frame.loc["toimintakulut_per_asukas 31.12.2022", "abs_difference"] == 1.0  # within ±1 € rounding
        assert frame.loc["sopeutus_saasto_kertyma 31.12.2022", "computed"] == pytest.approx(0.5)
        assert "sopeutus_htv_kertyma 31.12.2022" not in frame.index  # no given value: nothing to compare


class TestKeptResult:
    def test_a_saved_result_is_what_workbook_00_shows(self, year_end, tmp_path, monkeypatch):
        from kpi.inputs import gate

        path = gate.save_result(year_end, tmp_path / "gate.pickle")
        monkeypatch.setattr(gate.run, "run_gate", lambda *a, **k: pytest.fail("the gate ran again"))
        kept = gate.gate_result(str(path), DATA_RAW, year_end.period_end, {"soft": [], "hard": []})
        assert [f.message() for f in kept.findings] == [f.message() for f in year_end.findings]
        assert kept.passed and len(kept.inputs["observations"]) == len(year_end.inputs["observations"])

    def test_another_period_or_no_file_runs_the_gate(self, year_end, tmp_path, monkeypatch):
        from kpi.inputs import gate

        path = gate.save_result(year_end, tmp_path / "gate.pickle")
        calls = []
        monkeypatch.setattr(gate.run, "run_gate", lambda *a, **k: calls.append(a) or "fresh")
        assert gate.gate_result(str(path), DATA_RAW, dt.date(2021, 6, 30), {"soft": [], "hard": []}) == "fresh"
        assert gate.gate_result("", DATA_RAW, year_end.period_end, {"soft": [], "hard": []}) == "fresh"
        assert len(calls) == 2


class TestNothingCrashesTheGate:
    """Anything the gate did not foresee ends as a hard failure naming the file, never as an exception."""

    @pytest.mark.parametrize(
        ("target", "file"),
        [
            ("population", "vaesto.csv"),  # deriving a table's own columns
            ("load_strategy", "strategia.yaml"),  # reading the strategy
            ("read_raw", "havainnot.csv"),  # reading a table (the first one read)
            ("coverage_frames", "havainnot.csv, virstanpylvaat.csv"),  # the checks across files: all named
        ],
    )
    def test_an_unexpected_error_becomes_a_finding_naming_the_file(self, monkeypatch, target, file):
        from kpi.inputs import gate

        def broken(*args, **kwargs):
            raise ZeroDivisionError("something no check foresaw")

        if target in gate.DERIVED:
            monkeypatch.setitem(gate.DERIVED, target, broken)
        else:
            monkeypatch.setattr(gate.run, target, broken)
        # what an earlier gate of this process read is kept by file content; the broken reader must be called
        gate.run.forget_shared()
        result = run_gate(DATA_RAW, dt.date(2022, 12, 31))
        assert not result.passed
        text = result.failure_text()
        assert f"  - {file}" in text and "could not be read or checked" in text
        assert "ZeroDivisionError: something no check foresaw" in text

    def test_checks_across_files_wait_for_each_file_to_pass_its_own(self, data_copy):
        text = (data_copy / "havainnot.csv").read_bytes().decode("utf-8-sig")
        header, *rows = text.rstrip("\r\n").split("\r\n")
        (data_copy / "havainnot.csv").write_text("\r\n".join([header, *rows, *rows]) + "\r\n", encoding="utf-8-sig")
        result = run_gate(data_copy, dt.date(2022, 12, 31))
        assert [f.check.id for f in result.hard_failures] == ["havainnot.unique"]
        assert result.inputs is None and "passed its own checks" in result.failure_text()
        assert not {"indicator_coverage", "consistency"} & {f.check.frame for f in result.findings}


class TestPeriodWords:
    """What is missing for the period is said in words, in the terminal and on the Finnish page (issue 18)."""

    def test_a_deleted_row_names_the_period_and_the_indicator(self, data_copy):
        path = data_copy / "havainnot.csv"
        text = path.read_text(encoding="utf-8-sig")
        kept = [line for line in text.split("\n") if not line.startswith("lahiruoka_osuus;31.12.2022;")]
        path.write_text("\n".join(kept), encoding="utf-8-sig")
        result = run_gate(data_copy, dt.date(2022, 12, 31))
        failed = {f.check.id: f for f in result.hard_failures}
        finding = failed["havainnot.complete_for_period"]
        name = "Lähiruoan osuus ruokapalveluiden tuotannosta"
        assert finding.message().endswith(
            f"1 item differs: no row for 31.12.2022 for indicator lahiruoka_osuus ({name})"
        )
        row = result.findings_frame().set_index("check_id").loc["havainnot.complete_for_period"]
        assert row.samples_fi == f"ei riviä kaudelle 31.12.2022 indikaattorille lahiruoka_osuus ({name})"

    def test_a_period_outside_the_programme_is_one_finding_of_the_strategy(self):
        result = run_gate(DATA_RAW, dt.date(2024, 6, 30))
        assert [f.check.file for f in result.hard_failures] == ["strategia.yaml"]
        assert result.hard_failures[0].message() == (
            "strategia.yaml: period 30.6.2024 is outside the years 2021–2023 of the action programme: "
            "data/raw/strategia.yaml has no targets for 2024. Add the targets of 2024 to the strategy file, or take "
            "a new strategy file into use."
        )


def test_finnish_samples_quote_texts_the_finnish_way():
    """A sample in the Finnish tables shows a text in ”…”, not in Python's '…', and an empty cell as "tyhjä"."""
    from kpi.inputs.gate.result import Sample

    assert Sample(8, "'toimintakulut_per_asukas'").text(finnish=True) == "rivi 8: ”toimintakulut_per_asukas”"
    assert Sample(8, "'toimintakulut_per_asukas'").text() == "row 8: 'toimintakulut_per_asukas'"  # the CLI as before
    assert (
        Sample(3, "empty").text(finnish=True) == "rivi 3: tyhjä"
        and Sample(4, "12.5").text(finnish=True) == "rivi 4: 12.5"
    )
