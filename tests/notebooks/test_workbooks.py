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

from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW, NOTEBOOKS_DIR, PARAMS_DIR
from kpi.run.publish import QUALITY_REPORT, reports

STRATEGY = load_strategy(DATA_RAW / "strategia.yaml")
WORKBOOKS = [r for r in reports(STRATEGY) if r.name != QUALITY_REPORT]  # 00 has its own test
NOTEBOOKS = sorted(p.name for p in NOTEBOOKS_DIR.glob("*.ipynb"))


def run(report, period: str, tmp_path: Path) -> str:
    out = tmp_path / f"{report.name}-{period}.ipynb"
    params = {**yaml.safe_load((PARAMS_DIR / f"{period}.yaml").read_text(encoding="utf-8")), **report.parameters}
    pm.execute_notebook(
        str(NOTEBOOKS_DIR / report.notebook),
        str(out),
        parameters=params,
        cwd=str(NOTEBOOKS_DIR),
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for o in cell.get("outputs", []):
            assert o.get("output_type") != "error", o
            data = o.get("data", {})
            texts.append("".join(data.get("text/markdown", "")) + "".join(data.get("text/html", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("period", ["2022-06-30", "2023-12-31"])
@pytest.mark.parametrize("report", WORKBOOKS, ids=[r.name for r in WORKBOOKS])
def test_workbook_runs_for_a_period(report, period, tmp_path):
    text = run(report, period, tmp_path)
    assert "Tietojen ajankohta:" in text and "Sisältää esimerkkiarvoja:" in text
    assert ("Osavuosikatsaus 1–6/2022" if period.endswith("06-30") else "Tilinpäätös 2023") in text
    assert 'alt="' in text and "Kaavion luvut taulukkona" in text
    # no value that failed to format, and no unfilled placeholder, reaches the reader
    assert not re.search(r"\b(nan|NaN|None|NaT)\b|\{[a-z_]+\}", re.sub(r"<[^>]+>", " ", text))
    if report.notebook == "04_seuranta.ipynb":
        for caption in (
            "Talousarvion toteutuminen vastuualueittain",
            "Sopeuttamisohjelman toimenpiteet",
            "Ohjelmien tila",
            "Keskeiset tunnusluvut",
            "Mittareiden tila vastuualueittain",
            "### Tavoitteet, jotka eivät toteutuneet",
            "### Tietojen laatu",
        ):
            assert caption in text, caption
        assert ("ennuste 31.12." in text) == period.endswith("06-30")
    elif report.notebook == "05_vertailu.ipynb":
        assert text.startswith("# Vertailu\n\nKemijärvi ja kahdeksan vertailukuntaa – Kemi, Tornio,")
        for caption in (
            "Väkiluvun muutos",
            "Keskeiset tunnusluvut ja vertailukuntien mediaani",
            "Työttömien työnhakijoiden osuus työvoimasta vuosittain, %",
            "- Kemijärvi menetti väestöstään",
            "Vertailun lähteet",
        ):
            assert caption in text, caption
        assert "Lähde: Tilastokeskus, kuntien avainluvut 2020–2021, CC BY 4.0." in text
        # open figures published after the period end are left out, and the page says how old its newest one is
        latest = {"2022-06-30": "2021", "2023-12-31": "2022"}[period]
        assert f"Uusimmat avoimet tiedot ovat vuodelta {latest}; raportti koskee" in text
        assert ("Väkiluku 2022" in text) == (period == "2023-12-31")
    else:
        assert "tavoitteesta" in text and "Arviot:" in text
        # the pillar's own title and goals, and no other pillar's
        pillar = next(p for p in STRATEGY.pillars if p.id == report.parameters["pillar"])
        assert text.startswith(
            f"# {pillar.name}\n\nToimenpideohjelman 2021–2023 {pillar.name}-pilarin tavoitteiden seuranta."
        )
        headings = re.findall(r"^### (\w+) ", text, flags=re.M)
        assert headings == [g.id for g in pillar.goals]
        # a chart shows what was known at the period end: the 2022 half-year has no later values in it
        chart_tables = re.findall(r"Kaavion luvut taulukkona(.*?)</details>", text, flags=re.S)
        assert chart_tables
        later = {"2022-06-30": ("31.12.2022", "30.6.2023", "31.12.2023"), "2023-12-31": ()}[period]
        assert not [t for t in chart_tables if any(day in t for day in later)]


def test_one_workbook_per_kind_of_report():
    # a pillar's page is the one pillar workbook run with the pillar as a parameter, never a copy per pillar
    declaring = [n for n in NOTEBOOKS if "pillar" in pm.inspect_notebook(str(NOTEBOOKS_DIR / n))]
    assert declaring == ["pilari.ipynb"]
    assert {r.notebook for r in reports(STRATEGY)} == set(NOTEBOOKS)
    # no pillar is written in it beyond the default that lets it run as it is in JupyterLab
    cells = json.loads((NOTEBOOKS_DIR / "pilari.ipynb").read_text(encoding="utf-8"))["cells"]
    source = "\n".join("".join(c["source"]) for c in cells)
    below = source.split('pillar: str = "hyvinvointi"', 1)[1]
    assert not [p.id for p in STRATEGY.pillars if p.name in source or f'"{p.id}"' in below]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_clean_with_documented_parameters(name):
    nb = json.loads((NOTEBOOKS_DIR / name).read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("id") for c in nb["cells"])  # nbformat 4.5 cells need ids (a hard error in future nbformat)
    assert all(not c["outputs"] and c.get("execution_count") is None for c in code)
    assert "parameters" in code[0]["metadata"]["tags"]
    sources = "\n".join("".join(c["source"]) for c in code)
    assert not any(line.startswith(("def ", "class ")) for line in sources.splitlines())
    assert "2023-12-31" not in sources.split("period_end", 1)[1].split("\n", 1)[1]  # no date below the parameters
    help_text = subprocess.run(
        [str(Path(sys.executable).parent / "papermill"), "--help-notebook", str(NOTEBOOKS_DIR / name)],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for line in "".join(code[0]["source"]).splitlines():
        param, comment = line.split(":", 1)[0], line.split("#", 1)[1].strip()
        assert f"  {param}: " in help_text, param  # papermill lists each parameter as "  name: type …"
        assert " ".join(comment.split())[:30] in " ".join(help_text.split()), param
