"""The data-quality workbook runs under papermill with a period's params file and renders its checks in Finnish."""

from __future__ import annotations

import json

import papermill as pm

from kpi.paths import NOTEBOOKS_DIR, PARAMS_DIR

NOTEBOOK = NOTEBOOKS_DIR / "00_tietojen_laatu.ipynb"


def outputs_text(nb_path) -> str:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    texts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            texts.append("".join(data.get("text/markdown", "")) + "".join(data.get("text/html", "")))
            assert out.get("output_type") != "error", out
    return "\n".join(texts)


class TestQualityNotebook:
    def test_committed_without_outputs_with_a_parameters_cell(self):
        nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c.get("execution_count") is None for c in code)
        assert "parameters" in code[0]["metadata"]["tags"]
        assert not any(
            line.lstrip().startswith(("def ", "class ")) for c in code for line in "".join(c["source"]).splitlines()
        )

    def test_runs_with_the_params_file_of_a_30_6_period(self, tmp_path):
        import yaml

        out = tmp_path / "00.ipynb"
        params = yaml.safe_load((PARAMS_DIR / "2022-06-30.yaml").read_text(encoding="utf-8"))
        pm.execute_notebook(str(NOTEBOOK), str(out), parameters=params, cwd=str(NOTEBOOKS_DIR), progress_bar=False)
        text = outputs_text(out)
        assert "Osavuosikatsaus 1–6/2022 (30.6.2022)" in text
        assert "Estäviä virheitä ei ollut" in text
        for heading in (
            "### havainnot.csv",
            "Kattavuus kausittain",
            "Syötetiedostot",
            "Esimerkkiarvot",
            "Huomautuksia on 7.",
        ):
            assert heading in text, heading
        # one meaning per symbol across the reports: ○ is an example value, as in the charts
        assert "– ei tietoa" in text and "○ esimerkkiarvo" in text and "◐" not in text
        assert "Esimerkkiarvoja on " in text and " rivillä." in text
