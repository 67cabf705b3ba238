"""The input files of a data folder: what each must hold, and loading them all into one `Inputs` bundle."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.inputs.readers import Column, TableSpec, read_table
from kpi.inputs.strategy import Strategy, load_strategy
from kpi.paths import STRATEGY_FILE_NAME

#: Milestone statuses (virstanpylväiden tila).
MILESTONE_STATUSES = ("valmis", "käynnissä", "ei aloitettu")

OBSERVATIONS = TableSpec(
    "havainnot.csv",
    "mittareiden havainnot",
    (
        Column("indikaattori_id", "indicator_id", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("arvo", "value", "float", required=False),
        Column("yksikkö", "unit", "str"),
        Column("lähde", "source", "str"),
        Column("esimerkkiarvo", "is_example", "bool"),
        Column("ei_tietoa", "no_data", "bool", required=False),
        Column("huomautus", "note", "str", required=False),
    ),
)
MILESTONES = TableSpec(
    "virstanpylvaat.csv",
    "virstanpylväiden tila",
    (
        Column("mittari_id", "measure_id", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("tila", "status", "str"),
        Column("kuvaus", "evidence", "str"),
        Column("lähde", "source", "str"),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
)
POPULATION = TableSpec(
    "vaesto.csv",
    "väkiluku kauden lopussa",
    (
        Column("kauden_loppu", "period_end", "date"),
        Column("väkiluku", "population", "int"),
        Column("lähde", "source", "str"),
        Column("esimerkkiarvo", "is_example", "bool"),
        Column("huomautus", "note", "str", required=False),
    ),
)
BUDGET = TableSpec(
    "talousarvioseuranta.xlsx",
    "talousarvioseuranta vastuualueittain",
    (
        Column("kauden_loppu", "period_end", "date"),
        Column("vastuualue", "responsible_area", "str"),
        Column("tiliryhmä", "account_group", "str"),
        Column("alkuperäinen_talousarvio", "original_budget", "float"),
        Column("talousarviomuutokset", "budget_changes", "float"),
        Column("toteuma", "actual", "float"),
        Column("ennuste", "forecast", "float", required=False),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
    sheet="Talousarvioseuranta",
)
ADJUSTMENT = TableSpec(
    "sopeuttamisohjelma.xlsx",
    "sopeuttamisohjelman toimenpiteet",
    (
        Column("toimenpide_id", "action_id", "str"),
        Column("toimenpide", "action", "str"),
        Column("vastuualue", "responsible_area", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("suunniteltu_eur", "planned_eur", "float"),
        Column("toteutunut_eur", "realised_eur", "float"),
        Column("suunniteltu_htv", "planned_htv", "float"),
        Column("toteutunut_htv", "realised_htv", "float"),
        Column("lähde", "source", "str"),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
    sheet="Sopeuttamisohjelma",
)
PROGRAMMES = TableSpec(
    "ohjelmat.csv",
    "läpileikkaavien ohjelmien tila",
    (
        Column("ohjelma_id", "programme_id", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("tila", "status", "str"),
        Column("päivitetty_vuonna", "updated_year", "int"),
        Column("kommentti", "comment", "str", required=False),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
)
ASSESSMENTS = TableSpec(
    "arviot.csv",
    "tavoitteiden arviot",
    (
        Column("tavoite_id", "goal_id", "str"),
        Column("kauden_loppu", "period_end", "date"),
        Column("hallinnon_arvio", "administration_status", "str"),
        Column("hallinnon_perustelu", "administration_text", "str", required=False),
        Column("tarkastuslautakunnan_arvio", "audit_committee_status", "str"),
        Column("tarkastuslautakunnan_perustelu", "audit_committee_text", "str", required=False),
        Column("esimerkkiarvo", "is_example", "bool"),
    ),
)
STAFF = TableSpec(
    "henkilosto.csv",
    "henkilöstö yksiköittäin",
    (
        Column("kauden_loppu", "period_end", "date"),
        Column("vastuualue", "responsible_area", "str"),
        Column("yksikkö", "unit", "str"),
        Column("henkilöstö", "head_count", "int"),
        Column("htv", "person_years", "float"),
        Column("sairauspoissaolopäivät", "sick_leave_days", "int"),
        Column("kyselyyn_vastanneet", "respondents", "int", required=False),
        Column("työtyytyväisyys", "satisfaction", "float", required=False),
        Column("esimerkkiarvo", "is_example", "bool"),
        Column("huomautus", "note", "str", required=False),
    ),
)

#: Every data table of a data folder, by the name the rest of the code uses.
TABLES: dict[str, TableSpec] = {
    "observations": OBSERVATIONS,
    "milestones": MILESTONES,
    "population": POPULATION,
    "budget": BUDGET,
    "adjustment": ADJUSTMENT,
    "programmes": PROGRAMMES,
    "assessments": ASSESSMENTS,
    "staff": STAFF,
}


@dataclass(frozen=True)
class Inputs:
    """Everything read from one data folder: the strategy, the typed tables and each file's sha256."""

    data_dir: Path
    strategy: Strategy
    tables: dict[str, pd.DataFrame]
    file_hashes: dict[str, str]

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]


def sha256(path: Path) -> str:
    """Return the hex sha256 of a file, for provenance and for noticing changed inputs."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_inputs(data_dir: Path) -> Inputs:
    """Read the strategy and every table of a data folder.

    Parameters
    ----------
    data_dir : Path
        A folder with ``strategia.yaml`` and the files named in :data:`TABLES`.

    Returns
    -------
    Inputs

    Raises
    ------
    StrategyError, InputFileError
        For the first file that cannot be read; the message names the file, columns and rows.
    """
    data_dir = Path(data_dir)
    strategy = load_strategy(data_dir / STRATEGY_FILE_NAME)
    tables = {name: read_table(data_dir / spec.file_name, spec) for name, spec in TABLES.items()}
    return Inputs(data_dir, strategy, tables, input_hashes(data_dir))


def input_files() -> list[str]:
    """The names of every input file of a data folder: the strategy, then the tables."""
    return [STRATEGY_FILE_NAME, *(spec.file_name for spec in TABLES.values())]


#: Files a data folder may have: the comparison table of official statistics and its classification (kpi import).
OPTIONAL_FILES = ("vertailu.csv", "kuntaluokitus.csv")


def input_hashes(data_dir: Path) -> dict[str, str]:
    """The sha256 of every input file of `data_dir` (all must exist, the optional ones when present), by file name."""
    found = [f for f in OPTIONAL_FILES if (Path(data_dir) / f).exists()]
    return {f: sha256(Path(data_dir) / f) for f in [*input_files(), *found]}
