"""Real headless Chromium for the reader-facing tests: Debian's chromium driven by Playwright, axe-core from npm."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kpi.paths import PROJECT_ROOT

CHROMIUM = Path(os.environ.get("KPI_CHROMIUM", "/usr/bin/chromium"))
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
# As the machines need them: no sandbox as root, and no background calls to Google that a closed network refuses.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test worker; a clear failure (not a skip) when the project's setup did not run."""
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if missing:
        pytest.fail(
            f"browser tests need {', '.join(missing)}: run `make browser` (installs Debian's chromium and "
            "axe-core from package-lock.json); `make test` does it first",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")
