"""The setup works on every supported Python: the one lock, the choice of interpreter and the rebuild of .venv."""

from __future__ import annotations

import importlib.metadata
import os
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kpi.paths import PROJECT_ROOT

CHOOSE = PROJECT_ROOT / "tools" / "choose-python"
SUPPORTED = ["3.11", "3.12", "3.13"]  # what README and the issue promise; requires-python must say the same


def supported() -> list[str]:
    done = subprocess.run(["bash", str(CHOOSE), "--supported"], capture_output=True, text=True, check=True, timeout=30)
    return done.stdout.split()


def linux(python: str) -> dict[str, str]:
    """The marker environment of CPython `python` (3.12.0) on Linux x86-64, whatever Python runs the test."""
    env = dict(default_environment())
    env.update(
        python_version=".".join(python.split(".")[:2]),
        python_full_version=python,
        implementation_name="cpython",
        implementation_version=python,
        platform_python_implementation="CPython",
        platform_system="Linux",
        platform_machine="x86_64",
        sys_platform="linux",
        os_name="posix",
        extra="",
    )
    return env


# the first and a late patch release of each supported version: markers like python_full_version >= '3.11.5' differ
ENVIRONMENTS = {f"{v}.{patch}": linux(f"{v}.{patch}") for v in SUPPORTED for patch in (0, 30)}


def lock_entries() -> list[tuple[Requirement, list[str]]]:
    """Every requirement of requirements.lock with its hashes, as pip reads them (a backslash continues a line)."""
    text = (PROJECT_ROOT / "requirements.lock").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    entries = []
    for line in logical.splitlines():
        line = line.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        spec, *options = re.split(r"\s+(?=--)", line)
        hashes = [o.removeprefix("--hash=sha256:") for o in options if o.startswith("--hash=sha256:")]
        assert len(hashes) == len(options), f"an option pip's hash mode would not expect: {line[:120]}"
        entries.append((Requirement(spec), hashes))
    return entries


def applicable(entries, env: dict[str, str]) -> dict[str, Requirement]:
    """The lock as pip installs it into `env`: one pin per name, the ones whose marker is false left out."""
    chosen: dict[str, Requirement] = {}
    for req, _ in entries:
        if req.marker is None or req.marker.evaluate(env):
            name = canonicalize_name(req.name)
            assert name not in chosen, f"{name} is pinned twice for Python {env['python_full_version']}"
            chosen[name] = req
    return chosen


class TestOneLockForEverySupportedPython:
    def test_requires_python_is_the_supported_versions(self):
        pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        spec = SpecifierSet(pyproject["project"]["requires-python"])
        for version in SUPPORTED:
            assert spec.contains(f"{version}.0") and spec.contains(f"{version}.30"), version
        assert not spec.contains("3.10.13")
        assert supported() == SUPPORTED  # the Makefile's choice reads the same range

    def test_every_requirement_is_pinned_with_hashes_and_a_valid_marker(self):
        entries = lock_entries()
        assert len(entries) > 100
        for req, hashes in entries:
            specs = list(req.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", f"pip's hash mode wants {req.name} pinned with =="
            assert hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes), req.name
            assert not req.extras and req.url is None, req.name

    @pytest.mark.parametrize("python", ENVIRONMENTS)
    def test_each_python_gets_one_pin_per_package_and_every_direct_dependency(self, python):
        env = ENVIRONMENTS[python]
        chosen = applicable(lock_entries(), env)
        pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        project = pyproject["project"]
        for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate(env):
                name = canonicalize_name(req.name)
                assert name in chosen, f"{name} is not locked for Python {python}: run `make lock`"
                assert req.specifier.contains(str(next(iter(chosen[name].specifier)).version), prereleases=True)

    @pytest.mark.parametrize("python", ENVIRONMENTS)
    def test_what_each_locked_package_requires_is_locked_too(self, python):
        """pip's hash mode refuses a requirement the lock does not pin ("aiohttp>=3.9 … must have their versions pinned
        with ==": papermill needs aiohttp on 3.12 only), and a pin whose Requires-Python excludes the Python. The
        metadata comes from the packages installed here, so every pin installed in this environment is checked."""
        env = ENVIRONMENTS[python]
        chosen = applicable(lock_entries(), env)
        checked = 0
        for name, pin in chosen.items():
            version = str(next(iter(pin.specifier)).version)
            try:
                dist = importlib.metadata.distribution(name)
            except importlib.metadata.PackageNotFoundError:
                continue
            if dist.version != version:
                continue
            checked += 1
            requires_python = dist.metadata.get("Requires-Python")
            if requires_python:
                assert SpecifierSet(requires_python).contains(python), (
                    f"{name}=={version} needs Python {requires_python}"
                )
            for line in dist.requires or []:
                req = Requirement(line)
                if req.marker is not None and not req.marker.evaluate(env):
                    continue
                dep = canonicalize_name(req.name)
                assert dep in chosen, f"{name}=={version} requires {req} on Python {python}, which the lock lacks"
                locked = str(next(iter(chosen[dep].specifier)).version)
                assert req.specifier.contains(locked, prereleases=True), (name, str(req), locked)
        assert checked > 100, "the locked packages are not installed here: run the tests in .venv (make setup)"


def fake_python(folder: Path, name: str, version: str | None) -> Path:
    """An executable `name` that answers like a Python of `version`; None = one that does not run (a pyenv shim of a
    version not selected)."""
    path = folder / name
    if version is None:
        path.write_text(f"#!/bin/sh\necho 'pyenv: {name}: command not found' >&2\nexit 127\n", encoding="utf-8")
    else:
        path.write_text(f'#!/bin/sh\necho "{version} $0"\n', encoding="utf-8")
    path.chmod(0o755)
    return path


@pytest.fixture
def path_dir(tmp_path) -> Path:
    """A PATH of the few tools the script uses and nothing else, so the machine's own Pythons stay out of it."""
    tools = tmp_path / "tools"
    tools.mkdir()
    for tool in ["sed", "grep", "head", "tail", "dirname", "rm", "cat"]:
        (tools / tool).symlink_to(shutil.which(tool))
    fakes = tmp_path / "bin"
    fakes.mkdir()
    return fakes


def choose(path_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": f"{path_dir}:{path_dir.parent / 'tools'}", "HOME": str(path_dir.parent)}
    return subprocess.run(
        [shutil.which("bash"), str(CHOOSE), *args], capture_output=True, text=True, env=env, timeout=30
    )


class TestChoosePython:
    def test_picks_the_newest_supported_python_on_the_path(self, path_dir):
        fake_python(path_dir, "python3", "3.10.13")
        fake_python(path_dir, "python3.11", "3.11.9")
        newest = fake_python(path_dir, "python3.13", "3.13.1")
        fake_python(path_dir, "python3.12", "3.12.4")
        done = choose(path_dir)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(newest)
        assert f"Python 3.13.1 ({newest})" in done.stderr

    def test_skips_a_python_that_does_not_run_and_falls_back_to_python3_in_range(self, path_dir):
        fake_python(path_dir, "python3.13", None)
        python3 = fake_python(path_dir, "python3", "3.12.0")
        done = choose(path_dir)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == str(python3)

    def test_refuses_an_unsupported_python_with_a_sentence(self, path_dir):
        old = fake_python(path_dir, "python3.10", "3.10.13")
        done = choose(path_dir, str(old))
        assert done.returncode == 1 and done.stdout == ""
        assert "is Python 3.10.13, which kpi does not support: it needs Python 3.11, 3.12 or 3.13" in done.stderr

    def test_says_so_when_no_supported_python_is_found(self, path_dir):
        fake_python(path_dir, "python3", "3.14.0")
        fake_python(path_dir, "python3.12", None)
        done = choose(path_dir)
        assert done.returncode == 1 and done.stdout == ""
        assert "no supported Python on the PATH (python3.12 does not run; python3 is 3.14.0)" in done.stderr
        assert "kpi needs Python 3.11, 3.12 or 3.13" in done.stderr

    def test_names_an_explicit_python_that_does_not_run(self, path_dir):
        fake_python(path_dir, "python3.12", None)
        done = choose(path_dir, "python3.12")
        assert done.returncode == 1
        assert "PYTHON=python3.12 does not run (pyenv: python3.12: command not found)" in done.stderr


def fake_venv(root: Path, version: str, *, stamp: bool) -> Path:
    venv = root / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text(f"home = /opt/python/bin\nversion = {version}\n", encoding="utf-8")
    fake_python(venv / "bin", "python", version)
    if stamp:
        (venv / ".installed").touch()
    return venv


class TestRebuild:
    def test_a_venv_of_another_python_is_rebuilt(self, path_dir, tmp_path):
        python = fake_python(path_dir, "python3.13", "3.13.0")
        venv = fake_venv(tmp_path, "3.11.7", stamp=True)
        done = choose(path_dir, "--venv", str(venv), str(python))
        assert done.returncode == 0, done.stderr
        assert f"Rebuilding {venv}: it was made by Python 3.11.7, this setup uses 3.13.0." in done.stderr
        assert not venv.exists()

    def test_a_half_installed_venv_is_rebuilt(self, path_dir, tmp_path):
        python = fake_python(path_dir, "python3.13", "3.13.0")
        venv = fake_venv(tmp_path, "3.13.0", stamp=False)
        done = choose(path_dir, "--venv", str(venv), str(python))
        assert f"Rebuilding {venv}: an earlier setup did not finish installing into it" in done.stderr
        assert not venv.exists()

    def test_a_venv_that_fits_is_kept(self, path_dir, tmp_path):
        python = fake_python(path_dir, "python3.13", "3.13.0")
        venv = fake_venv(tmp_path, "3.13.0", stamp=True)
        done = choose(path_dir, "--venv", str(venv), str(python))
        assert done.returncode == 0 and "ebuild" not in done.stderr
        assert (venv / ".installed").exists()

    def test_make_n_setup_says_it_would_rebuild_and_removes_nothing(self, tmp_path):
        bin_dir = tmp_path / "bin"
        bin_dir.mkdir()
        python = fake_python(bin_dir, "python3.12", "3.12.4")
        venv = fake_venv(tmp_path, "3.11.7", stamp=True)
        done = subprocess.run(
            ["make", "-n", "--no-print-directory", "setup", f"PYTHON={python}", f"VENV={venv}"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MAKEFLAGS": ""},
        )
        assert done.returncode == 0, done.stderr
        assert f"Would rebuild {venv}: it was made by Python 3.11.7, this setup uses 3.12.4." in done.stderr
        assert f"Python 3.12.4 ({python})" in done.stderr
        assert (venv / ".installed").exists()

    def test_make_setup_refuses_an_unsupported_python(self, tmp_path):
        python = fake_python(tmp_path, "python3.10", "3.10.13")
        done = subprocess.run(
            ["make", "-n", "setup", f"PYTHON={python}", f"VENV={tmp_path / '.venv'}"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "MAKEFLAGS": ""},
        )
        assert done.returncode != 0
        assert "which kpi does not support: it needs Python 3.11, 3.12 or 3.13" in done.stderr
        assert "pip install" not in done.stdout

    def test_distclean_removes_the_environments_and_clean_keeps_them(self):
        def dry(target: str) -> str:
            return subprocess.run(
                ["make", "-n", target], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True, timeout=60
            ).stdout

        assert ".venv" not in dry("clean")
        assert re.search(r"^rm -rf \.venv node_modules$", dry("distclean"), re.M)


def test_ci_runs_make_test_then_make_report_with_every_other_supported_python():
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert ci.index("\nmake test\n") < ci.index("choose-python --supported") < ci.index("report PYTHON=")
    assert "git clone" in ci and "/shared" in ci


def test_readme_names_the_supported_versions():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert f"Python {SUPPORTED[0]}–{SUPPORTED[-1]}" in readme
