"""The project's own setup files agree: pyproject ranges, the lock, environment.yml, the Makefile, README and CI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kpi.paths import PROJECT_ROOT


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def locked() -> dict[str, str]:
    text = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {canonicalize_name(m[1]): m[2] for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", text, re.M)}


class TestLock:
    def test_every_dependency_is_pinned_inside_its_range(self, pyproject, locked):
        project = pyproject["project"]
        for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
            req = Requirement(line)
            name = canonicalize_name(req.name)
            assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
            assert req.specifier.contains(locked[name], prereleases=True), (name, locked[name], str(req.specifier))

    def test_every_pin_has_hashes(self):
        text = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
        entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 1)[1] if text.startswith("#") else text)
        pins = [e for e in entries if "==" in e.split("\n", 1)[0]]
        assert pins and all("--hash=sha256:" in e for e in pins)

    def test_lock_runs_on_python_3_11(self, pyproject):
        assert SpecifierSet(pyproject["project"]["requires-python"]).contains("3.11.7")


class TestEnvironmentYml:
    def test_parses_and_installs_this_project_only_through_pip(self, pyproject):
        env = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text(encoding="utf-8"))
        conda = [d for d in env["dependencies"] if isinstance(d, str)]
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        python = next(d for d in conda if d.startswith("python"))
        version = python.split("=", 1)[1]
        assert SpecifierSet(pyproject["project"]["requires-python"]).contains(f"{version}.0")
        assert sorted(conda) == ["pip", python]  # nothing else: pyproject stays the one list of dependencies
        assert pip == ["-e .[test]"]
        assert "test" in pyproject["project"]["optional-dependencies"]


class TestCommands:
    def test_make_help_lists_every_target(self):
        out = subprocess.run(
            ["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
        ).stdout
        makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
        phony = re.search(r"^\.PHONY:(.*)$", makefile, re.M)[1].split()
        for target in phony:
            assert f"make {target}" in out, target

    def test_readme_gives_the_two_commands_and_ci_runs_the_test_one(self):
        readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
        assert "make report" in readme and "make test" in readme
        assert re.search(r"^make test$", (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8"), re.M)


def test_the_audit_committee_is_never_called_the_auditor():
    """tarkastuslautakunta (the council's audit committee) writes the evaluation report; tilintarkastaja (the auditor)
    is another body: no code, notebook or template may label an assessment as the auditor's."""
    root = Path(__file__).resolve().parents[1]
    files = [*root.glob("src/kpi/**/*.py"), *root.glob("src/kpi/**/*.j2"), *root.glob("notebooks/*.ipynb")]
    wrong = [
        str(p.relative_to(root))
        for p in files
        if re.search(r"tilintarkastaj\w* (arvi|perustel)|\bauditors?\b", p.read_text(encoding="utf-8"), re.I)
    ]
    assert len(files) > 20 and wrong == []


class TestLayers:
    """`make lint` runs import-linter on the layers in pyproject.toml; the contract must hold and must be able to fail."""

    def _lint(self, src: Path) -> subprocess.CompletedProcess:
        root = Path(__file__).resolve().parents[1]
        linter = Path(sys.executable).parent / "lint-imports"
        return subprocess.run(
            [str(linter), "--config", str(root / "pyproject.toml"), "--no-cache"],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            text=True,
            timeout=120,
            cwd=root,
        )

    def test_the_package_keeps_its_layers(self):
        done = self._lint(Path(__file__).resolve().parents[1] / "src")
        assert done.returncode == 0, done.stdout + done.stderr
        assert "1 kept, 0 broken" in done.stdout

    @pytest.mark.parametrize(
        ("module", "forbidden"),
        [
            ("measures/status.py", "kpi.present.charts"),  # measures and present meet only in notebooks and the runner
            ("inputs/readers.py", "kpi.measures.status"),  # inputs imports neither
            ("fi.py", "kpi.inputs.readers"),  # the bottom imports nothing above it
        ],
    )
    def test_a_forbidden_import_breaks_the_contract(self, tmp_path, module, forbidden):
        root = Path(__file__).resolve().parents[1]
        shutil.copytree(root / "src" / "kpi", tmp_path / "kpi")
        path = tmp_path / "kpi" / module
        path.write_text(path.read_text(encoding="utf-8") + f"\nimport {forbidden}  # noqa\n", encoding="utf-8")
        done = self._lint(tmp_path)
        assert done.returncode != 0 and "BROKEN" in done.stdout
        assert f"is not allowed to import {forbidden.rsplit('.', 1)[0]}" in done.stdout
