"""A full run and publish of one period, and failure isolation: a failing workbook publishes nothing."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil

import nbformat
import pytest

from kpi import cli
from kpi.run import publish
from kpi.run.publish import REPORTS
from kpi.run.runner import run_period

PERIOD = dt.date(2023, 6, 30)
# The tests share one published period: on one xdist worker it is built once.
pytestmark = pytest.mark.xdist_group("runner")


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    result = run_period(PERIOD, outputs_dir=root / "outputs", processed_dir=root / "processed",
                        reports_dir=root / "outputs" / "laatu")
    return root, result


class TestPublishedPeriod:
    def test_five_reports_manifest_and_index(self, published):
        root, result = published
        folder = root / "outputs" / "2023-06-30"
        assert result.report_dir == folder and result.index == root / "outputs" / "index.html"
        assert {p.name for p in folder.glob("*.html")} == {f"{n}.html" for n in REPORTS}
        assert (folder / "manifest.json").exists() and len(list((folder / "notebooks").glob("*.ipynb"))) == 5
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
        assert "jp-CodeMirrorEditor" not in page.split("</style>")[-1] and "from kpi" not in page and "In&nbsp;[" not in page
        assert 'class="kpi-nav"' in page and 'href="../index.html"' in page
        assert 'class="kpi-footer"' in page and "Tehty " in page and "params/2023-06-30.yaml" in page
        assert "← " in page  # a link to the same report of the previous period

    def test_manifest_records_provenance(self, published):
        root, _ = published
        m = json.loads((root / "outputs" / "2023-06-30" / "manifest.json").read_text(encoding="utf-8"))
        assert m["period_end"] == "2023-06-30" and m["params"]["status"]["tolerance_pct"] == 5.0
        assert len(m["input_files"]) == 8 and all(len(h) == 64 for h in m["input_files"].values())
        assert {"pandas", "great-expectations", "papermill", "nbconvert", "python"} <= set(m["versions"])
        assert m["gate"]["passed"] and sum(m["goal_statuses"].values()) == 15
        assert dt.datetime.fromisoformat(m["finished"]) >= dt.datetime.fromisoformat(m["started"])
        assert set(m["notebook_seconds"]) == set(REPORTS)


class TestFailureIsolation:
    def test_failing_workbook_exits_4_and_keeps_the_published_version(self, published, tmp_path, monkeypatch, capsys):
        root, _ = published
        outputs = root / "outputs"
        before = (outputs / "2023-06-30" / "manifest.json").read_bytes()
        notebooks = tmp_path / "notebooks"
        shutil.copytree(publish.NOTEBOOKS_DIR, notebooks)
        nb = nbformat.read(notebooks / "02_elinvoima.ipynb", as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell('raise RuntimeError("testivirhe")'))
        nbformat.write(nb, notebooks / "02_elinvoima.ipynb")
        monkeypatch.setattr(publish, "NOTEBOOKS_DIR", notebooks)
        monkeypatch.setattr(cli, "OUTPUTS_DIR", outputs)
        monkeypatch.setattr(cli, "DATA_PROCESSED", root / "processed")
        monkeypatch.setattr(cli, "QUALITY_REPORTS_DIR", outputs / "laatu")

        code = cli.main(["run", "--period", "2023-06-30"])
        err = capsys.readouterr().err
        assert code == 4
        assert "notebook 02_elinvoima.ipynb failed in cell" in err and "RuntimeError: testivirhe" in err
        kept = outputs / "epaonnistuneet" / "2023-06-30" / "02_elinvoima.ipynb"
        assert kept.exists() and "nothing was published" in err and str(kept.name) in err
        assert (outputs / "2023-06-30" / "manifest.json").read_bytes() == before
        assert not list(outputs.glob(".staging-*"))

    @pytest.mark.parametrize("period", ["../x", "2023-07-01", "30.6"])
    def test_bad_period_exits_2_before_any_work(self, period, tmp_path, monkeypatch, capsys):
        monkeypatch.setattr(cli, "OUTPUTS_DIR", tmp_path / "outputs")
        assert cli.main(["run", "--period", period]) == 2
        assert not (tmp_path / "outputs").exists() and "kpi: period" in capsys.readouterr().err
