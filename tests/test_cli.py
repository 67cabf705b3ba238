"""The kpi command: documented exit codes, one readable message per mistake, nothing written on failure."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import types

import pytest

from kpi import cli
from kpi.paths import PROJECT_ROOT


@pytest.fixture()
def processed(tmp_path, monkeypatch):
    """Point the CLI's processed-data and quality-report folders into tmp_path."""
    out = tmp_path / "processed"
    monkeypatch.setattr(cli, "DATA_PROCESSED", out)
    monkeypatch.setattr(cli, "QUALITY_REPORTS_DIR", tmp_path / "laatu")
    monkeypatch.setattr(cli, "OUTPUTS_DIR", tmp_path / "outputs")
    return out


def run(capsys, *args):
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


class TestRun:
    def test_latest_period_publishes_and_ends_with_the_index(self, capsys, processed, tmp_path):
        code, out, err = run(capsys, "run", "--latest")
        assert code == 0, err
        assert "31.12.2023 (tilinpäätös 2023): 57 indicators" in out
        assert out.rstrip().splitlines()[-1] == f"Index of all periods: {tmp_path / 'outputs' / 'index.html'}"
        assert {p.name for p in processed.iterdir()} >= {"observations.parquet", "goals.parquet", "inputs.json"}
        assert (tmp_path / "outputs" / "2023-12-31" / "04_seuranta.html").exists()
        assert (
            "(00_tietojen_laatu.html, 01_hyvinvointi.html, 02_elinvoima.html, 03_identiteetti.html, 04_seuranta.html, "
            in out
        )

    def test_all_runs_every_period_with_params_in_order(self, capsys, processed, monkeypatch):
        # the period loop only: each real run is tested in tests/run/test_runner.py
        seen = []

        def fake_run(period, **kwargs):
            seen.append(period.isoformat())
            if len(seen) == 6:
                raise cli.UsageError("stop here")
            coverage = {
                "indicators": 0,
                "values": 0,
                "example_values": 0,
                "no_data": 0,
                "milestones": 0,
                "milestones_valmis": 0,
                "milestones_käynnissä": 0,
                "milestones_ei aloitettu": 0,
            }
            return types.SimpleNamespace(
                period_end=period,
                label="",
                coverage=coverage,
                report_dir=processed,
                index=processed,
                skipped=False,
                version=1,
                version_changes=None,
                final_version=None,
                reports=(),
            )

        monkeypatch.setattr(cli, "run_period", fake_run)
        code, _, err = run(capsys, "run", "--all")
        assert seen == ["2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31"]
        assert code == 2 and "stop here" in err

    def test_all_overlaps_two_periods_and_reports_them_in_order(self, capsys, processed, monkeypatch):
        """The next period starts once the one before has handed its workbooks to the kernels; never three at once."""
        import threading
        import time

        lock, running, most, events = threading.Lock(), [0], [0], []

        def fake_run(period, *, on_workbooks=None, **kwargs):
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                events.append(("start", period.isoformat()))
            time.sleep(0.05)  # the gate
            on_workbooks()
            time.sleep(0.3)  # the workbooks, beside the next period's gate
            with lock:
                running[0] -= 1
                events.append(("end", period.isoformat()))
            return types.SimpleNamespace(period_end=period)

        said = []
        monkeypatch.setattr(cli, "run_period", fake_run)
        monkeypatch.setattr(cli, "_run_summary", lambda result: said.append(result.period_end.isoformat()))
        monkeypatch.setattr("kpi.run.publish.write_index", lambda outputs: outputs / "index.html")
        code, out, err = run(capsys, "run", "--all", "--force")
        assert code == 0, err
        periods = ["2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31"]
        assert said == periods  # reported in period order
        assert most[0] == 2  # overlapped, two at a time
        starts = [p for kind, p in events if kind == "start"]
        assert starts == periods
        # the second period started before the first one ended
        assert events.index(("start", periods[1])) < events.index(("end", periods[0]))
        assert out.rstrip().splitlines()[-1].startswith("Index of all periods:")

    def test_overrides_are_checked(self, capsys, processed):
        code, _, err = run(capsys, "run", "--period", "2022-12-31", "--set", "report.nope=1")
        assert code == 2 and "unknown parameter 'report.nope'" in err and not processed.exists()

    def test_bad_data_exits_3_and_leaves_processed_data_untouched(self, capsys, processed, data_copy):
        assert run(capsys, "run", "--latest")[0] == 0
        before = {p.name: p.read_bytes() for p in processed.iterdir()}
        text = (data_copy / "havainnot.csv").read_text(encoding="utf-8-sig")
        (data_copy / "havainnot.csv").write_text(text.replace(";12363;", ";12.363;"), encoding="utf-8-sig")
        code, out, err = run(capsys, "run", "--latest", "--data-dir", str(data_copy))
        assert code == 3
        assert "havainnot.csv" in err and "column 'arvo'" in err and "row 2: '12.363' (a point" in err
        assert "Traceback" not in err and out == ""
        assert {p.name: p.read_bytes() for p in processed.iterdir()} == before


class TestValidate:
    def test_ok_prints_a_one_screen_summary_and_the_report_path(self, capsys, processed, tmp_path):
        code, out, _ = run(capsys, "validate", "--period", "2022-12-31")
        assert code == 0
        assert out.startswith("Quality gate 31.12.2022: PASSED")
        assert "Data OK for 31.12.2022 (tilinpäätös 2022)" in out
        assert len(out.splitlines()) <= 25
        assert (tmp_path / "laatu" / "2022-12-31.html").exists() and not processed.exists()

    def test_missing_file_exits_3(self, capsys, processed, data_copy):
        (data_copy / "vaesto.csv").unlink()
        code, _, err = run(capsys, "validate", "--latest", "--data-dir", str(data_copy))
        assert code == 3 and "vaesto.csv: file not found" in err

    def test_scratch_data_does_not_replace_the_real_data_quality_page(self, capsys, processed, data_copy, tmp_path):
        assert run(capsys, "validate", "--period", "2022-12-31")[0] == 0
        real = tmp_path / "laatu" / "2022-12-31.html"
        before = real.read_bytes()
        (data_copy / "vaesto.csv").unlink()
        code, _, err = run(capsys, "validate", "--period", "2022-12-31", "--data-dir", str(data_copy))
        scratch = data_copy.parent / "raw-laatu-2022-12-31.html"
        assert code == 3 and f"Quality report: {scratch}" in err
        assert real.read_bytes() == before and "vaesto.csv" in scratch.read_text(encoding="utf-8")

    def test_broken_strategy_exits_3(self, capsys, processed, data_copy):
        path = data_copy / "strategia.yaml"
        path.write_text(
            path.read_text(encoding="utf-8").replace("pillar: elinvoima", "pillar: elinvoma", 1), encoding="utf-8"
        )
        code, _, err = run(capsys, "validate", "--latest", "--data-dir", str(data_copy))
        assert code == 3 and "unknown pillar 'elinvoma'" in err


class TestUsage:
    @pytest.mark.parametrize(
        ("args", "words"),
        [
            (["validate", "--period", "2023-07-15"], "not a period end"),
            (["validate"], "one of the arguments --period --latest is required"),
            (["run", "--period", "2023-06-30", "--latest"], "not allowed with argument"),
            (["frobnicate"], "invalid choice"),
            (["validate", "--latest", "--data-dir", "/no/such/dir"], "no such folder"),
        ],
    )
    def test_mistakes_exit_2_with_one_message(self, capsys, processed, args, words):
        code, _, err = run(capsys, *args)
        assert code == 2 and words in err and err.startswith("kpi: ") and "Traceback" not in err

    def test_period_without_params_file_exits_2(self, capsys, processed, tmp_path, monkeypatch):
        params = tmp_path / "params"
        shutil.copytree(PROJECT_ROOT / "params", params)
        (params / "2022-12-31.yaml").unlink()
        monkeypatch.setattr(cli, "PARAMS_DIR", params)
        code, _, err = run(capsys, "run", "--period", "2022-12-31")
        assert code == 2 and "no parameters for period 2022-12-31" in err and "Traceback" not in err

    def test_checks_lists_every_check_with_its_severity(self, capsys):
        code, out, _ = run(capsys, "checks")
        assert code == 0
        assert "havainnot.value_for_period" in out and " soft " in out and " hard " in out
        assert len(out.splitlines()) > 100

    def test_unknown_check_in_quality_params_exits_2(self, capsys, processed):
        code, _, err = run(capsys, "run", "--latest", "--set", "quality.soft=[havainnot.nope]")
        assert code == 2 and "unknown check id havainnot.nope" in err

    def test_periods_lists_the_params_files(self, capsys):
        code, out, _ = run(capsys, "periods")
        assert code == 0 and out.split() == [
            "2021-06-30",
            "2021-12-31",
            "2022-06-30",
            "2022-12-31",
            "2023-06-30",
            "2023-12-31",
        ]

    def test_help_documents_the_exit_codes(self, capsys):
        with pytest.raises(SystemExit) as exit_:
            cli.main(["run", "--help"])
        out = capsys.readouterr().out
        assert exit_.value.code == 0
        for words in ("--period", "--data-dir", "--params", "--set", "3  the data-quality checks failed"):
            assert words in out

    def test_console_script_as_a_user_runs_it(self, tmp_path):
        """The installed `kpi` entry point, in a subprocess: exit code and message, no traceback, quiet in logs."""
        exe = os.path.join(os.path.dirname(sys.executable), "kpi")
        done = subprocess.run(
            [exe, "validate", "--period", "2023-13-01"], capture_output=True, text=True, cwd=tmp_path, timeout=120
        )
        assert done.returncode == 2 and "not a date" in done.stderr and "Traceback" not in done.stderr
        done = subprocess.run(
            [exe, "validate", "--latest", "--data-dir", str(PROJECT_ROOT / "data" / "raw")],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 0 and done.stderr == ""  # progress lines only on a terminal


class TestPeriodOutsideTheProgramme:
    """Rows added for 30.6.2024 while the strategy sets targets for 2021–2023 only: no check passes it silently and
    no report of 'ei arvioitavissa' is published (issue 18). Exit 2: the period asked for is outside the programme."""

    SENTENCE = (
        "period 30.6.2024 is outside the years 2021–2023 of the action programme: {strategy} has no targets for "
        "2024. Add the targets of 2024 to the strategy file, or take a new strategy file into use."
    )

    @pytest.fixture()
    def params_2024(self, tmp_path, monkeypatch):
        params = tmp_path / "params"
        shutil.copytree(PROJECT_ROOT / "params", params)
        (params / "2024-06-30.yaml").write_text("period_end: 2024-06-30\n", encoding="utf-8")
        monkeypatch.setattr(cli, "PARAMS_DIR", params)
        return params

    @pytest.mark.parametrize("command", ["validate", "run"])
    def test_period_stops_with_one_sentence_and_writes_nothing(self, capsys, processed, tmp_path, params_2024, command):
        code, out, err = run(capsys, command, "--period", "2024-06-30")
        assert code == 2 and out == "" and "Traceback" not in err
        assert err == "kpi: " + self.SENTENCE.format(strategy="data/raw/strategia.yaml") + "\n"
        assert not processed.exists() and not (tmp_path / "laatu").exists()
        assert not (tmp_path / "outputs" / "2024-06-30").exists()

    def test_scratch_data_names_its_strategy_file(self, capsys, processed, data_copy, params_2024):
        code, _, err = run(capsys, "validate", "--period", "2024-06-30", "--data-dir", str(data_copy))
        assert code == 2 and self.SENTENCE.format(strategy=data_copy / "strategia.yaml") in err

    @pytest.mark.parametrize("command", ["validate", "run"])
    def test_latest_does_not_take_it_silently(self, capsys, processed, params_2024, command):
        code, out, err = run(capsys, command, "--latest")
        assert code == 2 and out == ""
        assert err.startswith("kpi: " + self.SENTENCE.format(strategy="data/raw/strategia.yaml").removesuffix("."))
        assert err.endswith(
            " (--latest took the newest params file; the newest period within the programme is 31.12.2023: "
            "--period 2023-12-31).\n"
        )

    def test_all_stops_before_running_any_period(self, capsys, processed, params_2024, monkeypatch):
        monkeypatch.setattr(cli, "run_period", lambda *a, **k: pytest.fail("no period may run"))
        code, _, err = run(capsys, "run", "--all")
        assert code == 2 and "period 30.6.2024 is outside the years 2021–2023" in err


class TestClosedOutput:
    """`kpi checks | head -5`: when the reader of the output goes away, kpi ends quietly, as Unix tools do."""

    @pytest.mark.parametrize("args", [["checks"], ["periods"], ["--help"], ["run", "--help"]])
    def test_a_pipe_closed_early_ends_without_a_traceback(self, args):
        read, write = os.pipe()
        os.close(read)  # the reader is gone before kpi writes a line
        code = f"import sys; from kpi.cli import main; sys.exit(main({args!r}))"
        done = subprocess.run(
            [sys.executable, "-c", code], stdout=write, stderr=subprocess.PIPE, text=True, timeout=120
        )
        os.close(write)
        assert done.stderr == "", done.stderr
        assert done.returncode in (0, 141)
