"""The workbooks: each runs under plain papermill with a 30.6. and a 31.12. params file; parameters are documented."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import papermill as pm
import pytest
import yaml

from kpi.paths import NOTEBOOKS_DIR, PARAMS_DIR
from kpi.run.publish import REPORTS

WORKBOOKS = [n for n in REPORTS if n != "00_tietojen_laatu"]  # 00 has its own test


def run(name: str, period: str, tmp_path: Path) -> str:
    out = tmp_path / f"{name}-{period}.ipynb"
    params = yaml.safe_load((PARAMS_DIR / f"{period}.yaml").read_text(encoding="utf-8"))
    pm.execute_notebook(str(NOTEBOOKS_DIR / f"{name}.ipynb"), str(out), parameters=params, cwd=str(NOTEBOOKS_DIR),
                        progress_bar=False, extra_arguments=["--IPKernelApp.log_level=ERROR"])
    nb = json.loads(out.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            data = o.get("data", {})
            texts.append("".join(data.get("text/markdown", "")) + "".join(data.get("text/html", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("period", ["2022-06-30", "2023-12-31"])
@pytest.mark.parametrize("name", WORKBOOKS)
def test_workbook_runs_for_a_period(name, period, tmp_path):
    text = run(name, period, tmp_path)
    assert "Tietojen ajankohta:" in text and "Sisältää esimerkkiarvoja:" in text
    assert ("Osavuosikatsaus 1–6/2022" if period.endswith("06-30") else "Tilinpäätös 2023") in text
    assert 'alt="' in text and "Kaavion luvut taulukkona" in text
    # no value that failed to format, and no unfilled placeholder, reaches the reader
    assert not re.search(r"\b(nan|NaN|None|NaT)\b|\{[a-z_]+\}", re.sub(r"<[^>]+>", " ", text))
    if name == "04_seuranta":
        for caption in ("Talousarvion toteutuminen vastuualueittain", "Sopeuttamisohjelman toimenpiteet", "Ohjelmien tila",
                        "Keskeiset tunnusluvut", "Mittareiden tila vastuualueittain", "### Tavoitteet, jotka eivät toteutuneet",
                        "### Tietojen laatu"):
            assert caption in text, caption
        assert ("ennuste 31.12." in text) == period.endswith("06-30")
    else:
        assert "tavoitteesta" in text and "Arviot:" in text
        # a chart shows what was known at the period end: the 2022 half-year has no later values in it
        chart_tables = re.findall(r"Kaavion luvut taulukkona(.*?)</details>", text, flags=re.S)
        assert chart_tables
        later = {"2022-06-30": ("31.12.2022", "30.6.2023", "31.12.2023"), "2023-12-31": ()}[period]
        assert not [t for t in chart_tables if any(day in t for day in later)]


@pytest.mark.parametrize("name", list(REPORTS))
def test_committed_clean_with_documented_parameters(name):
    nb = json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("id") for c in nb["cells"])  # nbformat 4.5 cells need ids (a hard error in future nbformat)
    assert all(not c["outputs"] and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0]["metadata"]["tags"]
    sources = "\n".join("".join(c["source"]) for c in code)
    assert not any(line.startswith(("def ", "class ")) for line in sources.splitlines())
    assert "2023-12-31" not in sources.split("period_end", 1)[1].split("\n", 1)[1]  # no date below the parameters
    help_text = subprocess.run([str(Path(sys.executable).parent / "papermill"), "--help-notebook",
                                str(NOTEBOOKS_DIR / f"{name}.ipynb")], capture_output=True, text=True, timeout=120).stdout
    for line in "".join(code[0]["source"]).splitlines():
        param, comment = line.split(":", 1)[0], line.split("#", 1)[1].strip()
        assert f"  {param}: " in help_text, param  # papermill lists each parameter as "  name: type …"
        assert " ".join(comment.split())[:30] in " ".join(help_text.split()), param
