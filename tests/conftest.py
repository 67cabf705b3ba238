"""Shared fixtures: the embedded data folder, copies of it to break, and the seed text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi.paths import DATA_RAW, PROJECT_ROOT

SEED_NAME = "kemijarvi-toimenpideohjelma-2021-2023.txt"
SHARED_SEED = PROJECT_ROOT.parent / "shared" / "seed" / SEED_NAME
FIXTURE_SEED = Path(__file__).parent / "fixtures" / "seed" / SEED_NAME


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed: the shared copy where the project sits beside shared/, else the committed copy."""
    path = SHARED_SEED if SHARED_SEED.exists() else FIXTURE_SEED
    return path.read_text(encoding="utf-8")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of data/raw for tests that break one file."""
    target = tmp_path / "raw"
    shutil.copytree(DATA_RAW, target, ignore=shutil.ignore_patterns("README.md"))
    return target
