"""Versions of a period's reports: each run kept whole under outputs/versiot/<period>/<NNN>/, one of them marked final."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from kpi.errors import UsageError
from kpi.files import write_atomically
from kpi.paths import NOTEBOOKS_DIR

VERSIONS_DIR_NAME = "versiot"
FINAL_FILE = "lopullinen.json"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Version:
    """One kept run of a period."""

    period_end: dt.date
    number: int
    path: Path
    manifest: dict[str, Any]
    final: bool

    @property
    def label(self) -> str:
        return f"versio {self.number} ({'lopullinen' if self.final else 'luonnos'})"


def versions_dir(outputs_dir: Path, period_end: dt.date) -> Path:
    return outputs_dir / VERSIONS_DIR_NAME / period_end.isoformat()


def folder_name(number: int) -> str:
    return f"{number:03d}"


def final_number(outputs_dir: Path, period_end: dt.date) -> int | None:
    """The version marked final, or None."""
    marker = versions_dir(outputs_dir, period_end) / FINAL_FILE
    return json.loads(marker.read_text(encoding="utf-8"))["version"] if marker.exists() else None


def list_versions(outputs_dir: Path, period_end: dt.date) -> list[Version]:
    """Every complete version of a period, oldest first (a folder without manifest.json is not a version)."""
    root = versions_dir(outputs_dir, period_end)
    final = final_number(outputs_dir, period_end)
    found = []
    for manifest in sorted(root.glob("[0-9][0-9][0-9]/manifest.json")):
        number = int(manifest.parent.name)
        found.append(
            Version(
                period_end, number, manifest.parent, json.loads(manifest.read_text(encoding="utf-8")), number == final
            )
        )
    return found


def next_number(outputs_dir: Path, period_end: dt.date) -> int:
    root = versions_dir(outputs_dir, period_end)
    taken = [int(p.name) for p in root.glob("[0-9][0-9][0-9]")] if root.exists() else []
    return max(taken, default=0) + 1


def mark_final(outputs_dir: Path, period_end: dt.date, number: int | None = None) -> Version:
    """Mark a version final (default: the newest); a later run then makes drafts beside it.

    Raises
    ------
    UsageError
        The period has no versions, or no version `number`.
    """
    versions = list_versions(outputs_dir, period_end)
    if not versions:
        raise UsageError(
            f"period {period_end.isoformat()} has no versions yet: run `kpi run --period "
            f"{period_end.isoformat()}` first"
        )
    chosen = versions[-1] if number is None else next((v for v in versions if v.number == number), None)
    if chosen is None:
        raise UsageError(
            f"period {period_end.isoformat()} has no version {number}; it has "
            f"{', '.join(str(v.number) for v in versions)} (`kpi versions --period {period_end.isoformat()}`)"
        )
    marker = versions_dir(outputs_dir, period_end) / FINAL_FILE
    write_atomically(
        marker, json.dumps({"version": chosen.number, "marked": dt.datetime.now().isoformat(timespec="seconds")})
    )
    return Version(period_end, chosen.number, chosen.path, chosen.manifest, True)


def final_marked_at(outputs_dir: Path, period_end: dt.date) -> dt.datetime | None:
    marker = versions_dir(outputs_dir, period_end) / FINAL_FILE
    return (
        dt.datetime.fromisoformat(json.loads(marker.read_text(encoding="utf-8"))["marked"]) if marker.exists() else None
    )


@functools.lru_cache(maxsize=4)
def code_hash(notebooks_dir: Path = NOTEBOOKS_DIR) -> str:
    """sha256 over the code that shapes a report: the kpi package (with its templates) and the workbooks."""
    digest = hashlib.sha256()
    files = sorted(p for p in PACKAGE_DIR.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    files += sorted(Path(notebooks_dir).glob("*.ipynb"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


#: The packages whose versions shape a report (recorded in every manifest, part of the fingerprint).
PACKAGES = (
    "kpi",
    "pandas",
    "numpy",
    "great-expectations",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "matplotlib",
    "seaborn",
    "pyarrow",
    "openpyxl",
    "python-docx",
    "pyyaml",
)


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape a report (and of Python)."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def data_hashes(data_dir: Path) -> dict[str, str]:
    """sha256 of every file in the input folder (its README aside): any change there means a new run."""
    found = {}
    for path in sorted(Path(data_dir).iterdir()):
        if path.is_file() and path.name != "README.md":
            found[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def run_fingerprint(params: dict[str, Any], data_dir: Path, notebooks_dir: Path = NOTEBOOKS_DIR) -> str | None:
    """The fingerprint of a run about to start; None when the input folder cannot be read (the gate will say why)."""
    try:
        hashes = data_hashes(data_dir)
    except OSError:
        return None
    return fingerprint(hashes, params, package_versions(), notebooks_dir=notebooks_dir)


def unchanged(
    period_end: dt.date,
    params: dict[str, Any],
    *,
    data_dir: Path,
    outputs_dir: Path,
    notebooks_dir: Path = NOTEBOOKS_DIR,
) -> Version | None:
    """The newest version when a run now would repeat it (same fingerprint, still published), else None.

    Cheap on purpose (hashes and JSON, no pandas or great-expectations): an unchanged rerun answers in a moment.
    """
    kept = list_versions(outputs_dir, period_end)
    if not kept or not (outputs_dir / period_end.isoformat() / "manifest.json").exists():
        return None
    fp = run_fingerprint(params, data_dir, notebooks_dir)
    return kept[-1] if fp and kept[-1].manifest.get("fingerprint") == fp else None


def fingerprint(
    input_files: dict[str, str],
    params: dict[str, Any],
    versions: dict[str, str],
    *,
    notebooks_dir: Path = NOTEBOOKS_DIR,
) -> str:
    """What a run's result depends on: the input files, the merged parameters, the code and package versions.

    Two runs with the same fingerprint make the same reports, so the second one can be skipped.
    """
    payload = json.dumps(
        {"inputs": input_files, "params": params, "code": code_hash(notebooks_dir), "versions": versions},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
