"""The project's own setup files agree: pyproject ranges, the lock, environment.yml, the Makefile, README and CI."""

from __future__ import annotations

import re
import subprocess
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
        out = subprocess.run(["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True).stdout
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
    wrong = [str(p.relative_to(root)) for p in files
             if re.search(r"tilintarkastaj\w* (arvi|perustel)|\bauditors?\b", p.read_text(encoding="utf-8"), re.I)]
    assert len(files) > 20 and wrong == []
