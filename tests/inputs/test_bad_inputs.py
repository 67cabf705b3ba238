"""The bad-input corpus: every broken file stops the run with exit code 3, a message naming file, column and rows,
a quality page, and nothing else written or overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kpi import cli

CORPUS = Path(__file__).parents[1] / "bad_inputs"
CASES = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))


def test_corpus_is_large_enough_and_every_case_has_its_file():
    assert len(CASES) >= 25
    for case in CASES:
        assert (CORPUS / case["case"] / case["file"]).is_file(), case["case"]


@pytest.mark.parametrize("case", CASES, ids=[c["case"] for c in CASES])
def test_broken_input_is_refused_and_loses_nothing(case, data_copy, tmp_path, monkeypatch, capsys):
    shutil.copyfile(CORPUS / case["case"] / case["file"], data_copy / case["file"])
    processed, outputs = tmp_path / "processed", tmp_path / "outputs"
    earlier = {
        processed / "observations.parquet": b"earlier processed data",
        outputs / case["period"] / "index.html": b"<p>earlier published report</p>",
    }
    for path, content in earlier.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    monkeypatch.setattr(cli, "DATA_PROCESSED", processed)
    monkeypatch.setattr(cli, "QUALITY_REPORTS_DIR", outputs / "laatu")
    monkeypatch.setattr(cli, "OUTPUTS_DIR", outputs)

    code = cli.main(["run", "--period", case["period"], "--data-dir", str(data_copy)])
    out, err = capsys.readouterr()

    assert code == case["exit"]
    assert "Traceback" not in err and out == ""
    for words in case["words"]:
        assert words in err, f"{words!r} not in:\n{err}"
    for path, content in earlier.items():
        assert path.read_bytes() == content
    assert sorted(p.name for p in processed.iterdir()) == ["observations.parquet"]
    # scratch data gets its page beside it: the real data's page in outputs/laatu/ is never replaced
    page = tmp_path / f"raw-laatu-{case['period']}.html"
    assert f"Quality report: {page}" in err
    assert '<html lang="fi">' in page.read_text(encoding="utf-8")
    assert not (outputs / "laatu").exists()
