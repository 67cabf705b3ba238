"""The real open-data files in ../shared/data/open (read-only) and the classification read from them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kpi.inputs.open_data import Classification, load_classification
from kpi.paths import PROJECT_ROOT

SHARED_OPEN = PROJECT_ROOT.parent / "shared" / "data" / "open"
#: the shared folder when it is beside the checkout, else the unchanged copies committed with the tests
OPEN = SHARED_OPEN if SHARED_OPEN.is_dir() else Path(__file__).parents[2] / "fixtures" / "open"
KEY_FIGURES = "statfin-kuntien-avainluvut-2021.csv"
SOTKANET = "sotkanet-127-vakiluku-2000-2022.csv"
CLASSIFICATION = "statfin-kuntaluokitus-2025.csv"
TYONV = "statfin-tyonv-1001-kunnat-2006-2020.csv"
JSONSTAT = "statfin-vaerak-11rc-jsonstat2.json"
QUERY = "statfin-vaerak-11rc-query.json"

#: Kemijärvi and the peers a Lapland analyst names first.
KEMIJARVI = "320"
PEERS = {"240": "Kemi", "851": "Tornio", "305": "Kuusamo", "758": "Sodankylä", "732": "Salla", "614": "Posio",
         "583": "Pelkosenniemi", "698": "Rovaniemi"}  # fmt: skip


@pytest.fixture(scope="session")
def open_dir() -> Path:
    assert (OPEN / KEY_FIGURES).exists(), OPEN
    return OPEN


@pytest.fixture(scope="session")
def classification(open_dir: Path) -> Classification:
    return load_classification(open_dir / CLASSIFICATION)


@pytest.fixture()
def copy_of(open_dir: Path, tmp_path: Path):
    """A writable copy of one open file (the originals are read-only), under the same name."""

    def copy(file_name: str) -> Path:
        target = tmp_path / file_name
        shutil.copyfile(open_dir / file_name, target)
        target.chmod(0o644)
        return target

    return copy
