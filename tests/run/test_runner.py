"""A full run and publish of one period, and failure isolation: a failing workbook publishes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import nbformat
import pytest

from kpi import cli
from kpi.errors import NotebookError
from kpi.files import umask
from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW
from kpi.run import publish
from kpi.run.publish import reports
from kpi.run.runner import run_period

PERIOD = dt.date(2023, 6, 30)
REPORTS = [r.name for r in reports(load_strategy(DATA_RAW / "strategia.yaml"))]
# The tests share one published period: on one xdist worker it is built once.
pytestmark = pytest.mark.xdist_group("runner")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    result = run_period(
        PERIOD, outputs_dir=root / "outputs", processed_dir=root / "processed", reports_dir=root / "outputs" / "laatu"
    )
    return root, result


class TestPublishedPeriod:
    def test_six_reports_manifest_and_index(self, published):
        root, result = published
        folder = root / "outputs" / "2023-06-30"
        assert result.report_dir == folder and result.index == root / "outputs" / "index.html"
        assert {p.name for p in folder.glob("*.html")} == {f"{n}.html" for n in REPORTS}
        assert (folder / "manifest.json").exists() and len(list((folder / "notebooks").glob("*.ipynb"))) == 6
        assert REPORTS == [
            "00_tietojen_laatu",
            "01_hyvinvointi",
            "02_elinvoima",
            "03_identiteetti",
            "04_seuranta",
            "05_vertailu",
        ]
        index = result.index.read_text(encoding="utf-8")
        assert '<html lang="fi">' in index and "Osavuosikatsaus 1–6/2023" in index
        for name in REPORTS:
            assert f'href="2023-06-30/{name}.html"' in index
        assert not list((root / "outputs").glob(".staging-*"))

    @pytest.mark.parametrize("name", list(REPORTS))
    def test_pages_are_offline_finnish_and_show_no_code(self, published, name):
        root, _ = published
        page = (root / "outputs" / "2023-06-30" / f"{name}.html").read_text(encoding="utf-8")
        assert '<html lang="fi">' in page
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)
        assert (
            "jp-CodeMirrorEditor" not in page.split("</style>")[-1]
            and "from kpi" not in page
            and "In&nbsp;[" not in page
        )
        assert 'class="kpi-nav"' in page and 'href="../index.html"' in page
        assert 'class="kpi-footer"' in page and "Tehty " in page and "params/2023-06-30.yaml" in page
        assert "← " in page  # a link to the same report of the previous period

    def test_every_published_file_and_folder_is_readable_as_the_umask_says(self, published):
        root, _ = published
        mask = umask()
        entries = [root / "outputs", *(root / "outputs").rglob("*")]
        assert len(entries) > 20 and any(p.parent.name == "versiot" for p in entries)
        wrong = [
            (str(p.relative_to(root)), oct(p.stat().st_mode & 0o777))
            for p in entries
            if p.stat().st_mode & 0o777 != (0o777 if p.is_dir() else 0o666) & ~mask
        ]
        assert wrong == []
        if mask == 0o022:  # the usual umask: what a web server copying the folder needs
            assert (root / "outputs" / "index.html").stat().st_mode & 0o777 == 0o644
            assert (root / "outputs" / "2023-06-30").stat().st_mode & 0o777 == 0o755

    def test_manifest_records_provenance(self, published):
        root, _ = published
        m = json.loads((root / "outputs" / "2023-06-30" / "manifest.json").read_text(encoding="utf-8"))
        assert m["period_end"] == "2023-06-30" and m["params"]["status"]["tolerance_pct"] == 5.0
        # the strategy, 8 tables, vertailu.csv and its classification
        assert len(m["input_files"]) == 11 and all(len(h) == 64 for h in m["input_files"].values())
        assert {"pandas", "great-expectations", "papermill", "nbconvert", "python"} <= set(m["versions"])
        assert m["gate"]["passed"] and sum(m["goal_statuses"].values()) == 15
        assert dt.datetime.fromisoformat(m["finished"]) >= dt.datetime.fromisoformat(m["started"])
        assert set(m["notebook_seconds"]) == set(REPORTS)
        assert [(r["name"], r["title"]) for r in m["reports"]][1:4] == [
            ("01_hyvinvointi", "Hyvinvointi"),
            ("02_elinvoima", "Elinvoima"),
            ("03_identiteetti", "Identiteetti"),
        ]


class TestFailureIsolation:
    def test_failing_workbook_exits_4_and_keeps_the_published_version(self, published, tmp_path, monkeypatch, capsys):
        root, _ = published
        outputs = root / "outputs"
        before = (outputs / "2023-06-30" / "manifest.json").read_bytes()
        notebooks = tmp_path / "notebooks"
        shutil.copytree(publish.NOTEBOOKS_DIR, notebooks)
        nb = nbformat.read(notebooks / "pilari.ipynb", as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell('if pillar == "elinvoima":\n    raise RuntimeError("testivirhe")'))
        nbformat.write(nb, notebooks / "pilari.ipynb")
        monkeypatch.setattr(cli, "NOTEBOOKS_DIR", notebooks)
        monkeypatch.setattr(cli, "OUTPUTS_DIR", outputs)
        monkeypatch.setattr(cli, "DATA_PROCESSED", root / "processed")
        monkeypatch.setattr(cli, "QUALITY_REPORTS_DIR", outputs / "laatu")

        code = cli.main(["run", "--period", "2023-06-30"])
        err = capsys.readouterr().err
        assert code == 4
        assert "notebook pilari.ipynb (page 02_elinvoima) failed in cell" in err and "RuntimeError: testivirhe" in err
        kept = outputs / "epaonnistuneet" / "2023-06-30" / "02_elinvoima.ipynb"
        assert kept.exists() and "nothing was published" in err and str(kept.name) in err
        assert (outputs / "2023-06-30" / "manifest.json").read_bytes() == before
        assert not list(outputs.glob(".staging-*"))

    def test_a_failing_workbook_is_reported_even_when_an_earlier_export_failed(self, tmp_path):
        # workbooks run in parallel; the HTML export of one that ended (on_done) may fail too, and must not hide
        # the failing workbook, whose NotebookError is what the analyst needs (exit 4, the kept notebook)
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        for name, code in [("a_hyva", "x = 1"), ("b_rikki", 'raise RuntimeError("testivirhe")')]:
            nbformat.write(
                nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), notebooks / f"{name}.ipynb"
            )

        def export_fails(done):
            raise OSError(f"disk full while exporting {done.name}")

        with pytest.raises(NotebookError, match=r"notebook b_rikki\.ipynb failed in cell .*RuntimeError: testivirhe"):
            publish.execute_notebooks(
                {},
                data_dir=tmp_path,
                workdir=tmp_path / "nb",
                failed_dir=tmp_path / "failed",
                on_done=export_fails,
                notebooks_dir=notebooks,
                reports=[publish.Report(n, f"{n}.ipynb", n) for n in ["a_hyva", "b_rikki"]],
            )
        assert (tmp_path / "failed" / "b_rikki.ipynb").exists()

    def test_an_export_error_alone_is_raised(self, tmp_path):
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), notebooks / "a.ipynb")

        def export_fails(done):
            raise OSError("disk full")

        with pytest.raises(OSError, match="disk full"):
            publish.execute_notebooks(
                {},
                data_dir=tmp_path,
                workdir=tmp_path / "nb",
                failed_dir=tmp_path / "failed",
                on_done=export_fails,
                reports=[publish.Report("a", "a.ipynb", "A")],
                notebooks_dir=notebooks,
            )

    @pytest.mark.parametrize("period", ["../x", "2023-07-01", "30.6"])
    def test_bad_period_exits_2_before_any_work(self, period, tmp_path, monkeypatch, capsys):
        monkeypatch.setattr(cli, "OUTPUTS_DIR", tmp_path / "outputs")
        assert cli.main(["run", "--period", period]) == 2
        assert not (tmp_path / "outputs").exists() and "kpi: period" in capsys.readouterr().err


class TestVersions:
    """One period's life: first version, unchanged rerun, a rerun with a new tolerance, final, failures, a draft."""

    def test_lifecycle(self, published, data_copy, monkeypatch, capsys):
        root, first = published
        outputs = root / "outputs"
        monkeypatch.setattr(cli, "OUTPUTS_DIR", outputs)
        monkeypatch.setattr(cli, "DATA_PROCESSED", root / "processed")
        monkeypatch.setattr(cli, "QUALITY_REPORTS_DIR", outputs / "laatu")
        period = PERIOD.isoformat()
        assert first.version == 1 and (outputs / "versiot" / period / "001" / "manifest.json").exists()
        for name in ("arviointikertomus", "havainnot"):
            assert list((outputs / period).glob(f"{name}_{period}.*"))

        # nothing changed: no new version, and it says so
        assert cli.main(["run", "--period", period]) == 0
        out = capsys.readouterr().out
        assert "nothing changed since version 1" in out and "no new version" in out
        assert not (outputs / "versiot" / period / "002").exists()

        # a new tolerance: version 2, published, its change list names the parameter and the goals it moved
        assert cli.main(["run", "--period", period, "--set", "status.tolerance_pct=15"]) == 0
        out = capsys.readouterr().out
        assert (
            "Version 2:" in out
            and "Osittaisen toteutumisen raja (status.tolerance_pct) muuttui (5\u00a0% → 15\u00a0%)." in out
        )
        v2 = json.loads((outputs / "versiot" / period / "002" / "muutokset.json").read_text(encoding="utf-8"))
        kinds = {r["kind"] for r in v2["version_changes"]}
        assert v2["previous_version"] == 1 and {"parametri", "indikaattori"} <= kinds
        assert json.loads((outputs / period / "manifest.json").read_text(encoding="utf-8"))["version"] == 2
        seuranta = (outputs / period / "04_seuranta.html").read_text(encoding="utf-8")
        assert "Versio 2 verrattuna versioon 1" in seuranta and "status.tolerance_pct" in seuranta
        assert "Versio 2 · luonnos" in seuranta

        # final: version 2 marked; the index says so
        assert cli.main(["final", "--period", period]) == 0
        assert "version 2 marked final" in capsys.readouterr().out
        published_before = {p.name: p.read_bytes() for p in (outputs / period).glob("*.*")}
        assert b"Versio 2 \xc2\xb7 lopullinen" in published_before["04_seuranta.html"]

        # a failed rerun after final changes nothing
        text = (data_copy / "havainnot.csv").read_text(encoding="utf-8-sig")
        (data_copy / "havainnot.csv").write_text(text.replace(";12363;", ";12.363;"), encoding="utf-8-sig")
        assert cli.main(["run", "--period", period, "--data-dir", str(data_copy)]) == 3
        capsys.readouterr()
        assert {p.name: p.read_bytes() for p in (outputs / period).glob("*.*")} == published_before
        assert [v.name for v in sorted((outputs / "versiot" / period).glob("[0-9]*"))] == ["001", "002"]

        # a rerun after final is a draft beside it; the published folder stays the final version
        assert cli.main(["run", "--period", period, "--set", "status.tolerance_pct=10"]) == 0
        out = capsys.readouterr().out
        assert "Version 2 is final, so this run is a draft beside it" in out
        assert {p.name: p.read_bytes() for p in (outputs / period).glob("*.*")} == published_before
        draft = (outputs / "versiot" / period / "003" / "04_seuranta.html").read_text(encoding="utf-8")
        assert "Versio 3 · luonnos (lopullinen on versio 2)" in draft and 'href="../../../index.html"' in draft
        index = (outputs / "index.html").read_text(encoding="utf-8")
        assert "Versio 2 · lopullinen" in index and f'href="versiot/{period}/003/04_seuranta.html"' in index

        assert cli.main(["versions", "--period", period]) == 0
        listing = capsys.readouterr().out.splitlines()
        assert [line.split()[:2] for line in listing[1:4]] == [["1", "draft"], ["2", "final"], ["3", "draft"]]
        assert "status.tolerance_pct=10" in listing[3]
        assert cli.main(["final", "--period", period, "--version", "7"]) == 2
        assert "has no version 7" in capsys.readouterr().err
