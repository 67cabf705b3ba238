"""Kept versions of a period: numbering, the final marker, and the fingerprint that decides whether a rerun is needed."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from kpi.errors import UsageError
from kpi.paths import NOTEBOOKS_DIR
from kpi.present.pages import decorate, navigation, version_line
from kpi.run.publish import LEGACY_REPORTS, Report, manifest_reports
from kpi.run.versions import code_hash, fingerprint, list_versions, mark_final, next_number, versions_dir

PERIOD = dt.date(2022, 12, 31)
TITLES = {r.name: r.title for r in LEGACY_REPORTS}


def keep(outputs, number, **manifest):
    folder = versions_dir(outputs, PERIOD) / f"{number:03d}"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text(json.dumps({"version": number, **manifest}), encoding="utf-8")


def test_numbering_listing_and_final(tmp_path):
    assert list_versions(tmp_path, PERIOD) == [] and next_number(tmp_path, PERIOD) == 1
    keep(tmp_path, 1)
    keep(tmp_path, 2)
    (versions_dir(tmp_path, PERIOD) / "003").mkdir()  # a run that died before its manifest: not a version
    assert [v.number for v in list_versions(tmp_path, PERIOD)] == [1, 2] and next_number(tmp_path, PERIOD) == 4
    assert mark_final(tmp_path, PERIOD, 1).final
    assert [v.final for v in list_versions(tmp_path, PERIOD)] == [True, False]
    assert mark_final(tmp_path, PERIOD).number == 2  # the newest by default; the marker moves
    assert [v.label for v in list_versions(tmp_path, PERIOD)] == ["versio 1 (luonnos)", "versio 2 (lopullinen)"]


def test_final_without_versions_or_with_an_unknown_number(tmp_path):
    with pytest.raises(UsageError, match="no versions yet"):
        mark_final(tmp_path, PERIOD)
    keep(tmp_path, 1)
    with pytest.raises(UsageError, match="has no version 5; it has 1"):
        mark_final(tmp_path, PERIOD, 5)


def test_fingerprint_follows_inputs_parameters_and_versions():
    base = fingerprint({"a.csv": "1"}, {"x": 1}, {"pandas": "2"})
    assert base == fingerprint({"a.csv": "1"}, {"x": 1}, {"pandas": "2"})
    assert (
        len(
            {
                base,
                fingerprint({"a.csv": "2"}, {"x": 1}, {"pandas": "2"}),
                fingerprint({"a.csv": "1"}, {"x": 2}, {"pandas": "2"}),
                fingerprint({"a.csv": "1"}, {"x": 1}, {"pandas": "3"}),
            }
        )
        == 4
    )


def test_decorate_replaces_its_own_navigation():
    page = "<html><body><main>x</main></body></html>"
    once = decorate(
        page,
        nav=navigation(PERIOD, "01_hyvinvointi", [PERIOD], titles=TITLES, root="../../../", version=version_line(3, 2)),
        footer="<footer>f</footer>",
    )
    twice = decorate(
        once, nav=navigation(PERIOD, "01_hyvinvointi", [PERIOD], titles=TITLES, version=version_line(3, 3))
    )
    assert twice.count("<nav") == 1 and twice.count("<footer>") == 1
    assert "Versio 3 · lopullinen" in twice and 'href="../index.html"' in twice and "../../../" not in twice
    assert "Versio 3 · luonnos (lopullinen on versio 2)" in once


def test_unchanged_needs_the_same_files_parameters_and_a_published_folder(tmp_path):
    from kpi.run.versions import data_hashes, run_fingerprint, unchanged

    data = tmp_path / "raw"
    data.mkdir()
    (data / "a.csv").write_text("x", encoding="utf-8")
    (data / "README.md").write_text("not an input", encoding="utf-8")
    assert list(data_hashes(data)) == ["a.csv"]
    params = {"status": {"tolerance_pct": 5}}
    keep(tmp_path, 1, fingerprint=run_fingerprint(params, data))
    assert unchanged(PERIOD, params, data_dir=data, outputs_dir=tmp_path) is None  # nothing published yet
    (tmp_path / PERIOD.isoformat()).mkdir()
    (tmp_path / PERIOD.isoformat() / "manifest.json").write_text("{}", encoding="utf-8")
    assert unchanged(PERIOD, params, data_dir=data, outputs_dir=tmp_path).number == 1
    assert unchanged(PERIOD, {"status": {"tolerance_pct": 6}}, data_dir=data, outputs_dir=tmp_path) is None
    (data / "a.csv").write_text("y", encoding="utf-8")
    assert unchanged(PERIOD, params, data_dir=data, outputs_dir=tmp_path) is None
    assert run_fingerprint(params, tmp_path / "missing") is None


def test_navigation_links_exactly_the_pages_of_the_run():
    titles = {"00_tietojen_laatu": "Tietojen laatu", "01_a": "Aa", "02_b": "Bee", "03_seuranta": "Seuranta"}
    nav = navigation(PERIOD, "02_b", [PERIOD], titles=titles)
    assert re.findall(r'href="([^"]+)"', nav)[1:] == [f"{n}.html" for n in titles]
    assert '<a href="02_b.html" aria-current="page">Bee</a>' in nav and "04_seuranta" not in nav


def test_manifest_reports_are_read_from_the_manifest_with_the_old_list_as_fallback():
    new = {"reports": [Report("01_x", "pilari.ipynb", "Äks", {"pillar": "x"}).to_json()]}
    assert manifest_reports(new) == [Report("01_x", "pilari.ipynb", "Äks", {"pillar": "x"})]
    assert [r.name for r in manifest_reports({})] == [
        "00_tietojen_laatu",
        "01_hyvinvointi",
        "02_elinvoima",
        "03_identiteetti",
        "04_seuranta",
    ]


def test_code_hash_covers_the_pillar_workbook(tmp_path):
    changed = tmp_path / "notebooks"
    changed.mkdir()
    for nb in NOTEBOOKS_DIR.glob("*.ipynb"):
        (changed / nb.name).write_bytes(nb.read_bytes())
    code_hash.cache_clear()  # cached per process: another test of this worker may have hashed older files
    assert code_hash(changed) == code_hash(NOTEBOOKS_DIR)
    (changed / "pilari.ipynb").write_bytes((changed / "pilari.ipynb").read_bytes().replace(b"Arviot:", b"Arvio:"))
    code_hash.cache_clear()
    assert code_hash(changed) != code_hash(NOTEBOOKS_DIR)
