"""Fuzz test of the quality gate: structurally broken copies of every input end in exit 0 or 3, never a traceback.

A bounded, seeded run is part of ``make test``; ``make fuzz`` runs many more cases (``FUZZ_CASES``,
``FUZZ_SEED``). A failing case's id reproduces it: ``pytest tests/fuzz -k 'case-0042'``. Every crash this
ever finds becomes a named case in ``tests/bad_inputs/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kpi import cli
from kpi.paths import DATA_PROCESSED, DATA_RAW, OUTPUTS_DIR
from tests.fuzz.mutate import FILES, case

SEED = int(os.environ.get("FUZZ_SEED", "20261130"))
CASES = int(os.environ.get("FUZZ_CASES", "100"))
PERIODS = ("2021-06-30", "2022-12-31", "2023-12-31")


def _state(*folders: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under `folders`: any write to them changes this."""
    return {
        str(p): (p.stat().st_size, p.stat().st_mtime_ns)
        for folder in folders
        if folder.exists()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def untouched():
    """The real outputs/ and data/processed/ as they were before the first case."""
    return _state(OUTPUTS_DIR, DATA_PROCESSED)


@pytest.mark.parametrize("n", range(CASES), ids=lambda n: f"case-{n:04d}")
def test_mutated_input_is_refused_or_passes_never_crashes(n, untouched, tmp_path, capsys):
    broken = case(SEED, n)
    data = tmp_path / "raw"
    shutil.copytree(DATA_RAW, data, ignore=shutil.ignore_patterns("README.md"))
    (data / broken.file).write_bytes(broken.content)
    period = PERIODS[n % len(PERIODS)]

    code = cli.main(["validate", "--period", period, "--data-dir", str(data)])
    out, err = capsys.readouterr()

    assert code in (0, 3), f"{broken.label}: exit {code}\n{err}"
    assert "Traceback" not in err, broken.label
    # the gate's last resort names the file instead of crashing; the fuzz test wants the cause handled properly
    assert "could not be read or checked" not in err, f"{broken.label}: an unforeseen error\n{err}"
    if code == 3:
        assert any(name in err for name in FILES), f"{broken.label}: no file named in\n{err}"
        assert (tmp_path / f"raw-laatu-{period}.html").exists()
    assert _state(OUTPUTS_DIR, DATA_PROCESSED) == untouched, f"{broken.label}: outputs/ or data/processed/ changed"
