"""Every path the project uses, anchored on the project root rather than the current directory."""

from __future__ import annotations

import os
from pathlib import Path

# src/kpi/paths.py -> parents[2] is the project root. KPI_PROJECT_ROOT lets tests point elsewhere.
PROJECT_ROOT = Path(os.environ.get("KPI_PROJECT_ROOT", Path(__file__).resolve().parents[2]))

DATA_RAW = PROJECT_ROOT / "data" / "raw"
# KPI_PROCESSED_DIR and KPI_OUTPUTS_DIR move the generated files elsewhere (the benchmark, a second workspace);
# the workbooks' kernels inherit them, so both sides of a run agree.
DATA_PROCESSED = Path(os.environ.get("KPI_PROCESSED_DIR", PROJECT_ROOT / "data" / "processed"))
PARAMS_DIR = PROJECT_ROOT / "params"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
OUTPUTS_DIR = Path(os.environ.get("KPI_OUTPUTS_DIR", PROJECT_ROOT / "outputs"))
# The gate's own pages live apart from the published reports, so a failed check never replaces one.
QUALITY_REPORTS_DIR = OUTPUTS_DIR / "laatu"

STRATEGY_FILE_NAME = "strategia.yaml"
DEFAULT_PARAMS_FILE = PARAMS_DIR / "default.yaml"


def display(path: Path) -> str:
    """Return `path` relative to the project root when it lies inside it, for short messages."""
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT.resolve()))
    except ValueError:
        return str(path)


def quality_page_path(data_dir: Path, period: str, reports_dir: Path | None = None) -> Path:
    """Where the gate's page for `data_dir` goes: ``outputs/laatu/<period>.html`` for the real data in data/raw,
    beside the data for any other folder (``<folder>-laatu-<period>.html``), so a check of scratch data never
    replaces the real data's page."""
    data_dir = Path(data_dir).resolve()
    if data_dir == DATA_RAW.resolve():
        return (reports_dir or QUALITY_REPORTS_DIR) / f"{period}.html"
    return data_dir.parent / f"{data_dir.name}-laatu-{period}.html"


def project_path(path: str | Path | None, default: Path) -> Path:
    """Resolve a path given in parameters: empty means `default`, a relative one is taken from the project root."""
    if path is None or str(path).strip() == "":
        return default
    path = Path(path)
    return path if path.is_absolute() else PROJECT_ROOT / path
