"""The comparison table (vertailu.csv, official statistics of every municipality) and its classification: read, checked, merged, written."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi.files import write_atomically
from kpi.inputs.open_data import COLUMNS, Classification, load_classification
from kpi.inputs.readers import Column, TableSpec, read_table

COMPARISON_FILE = "vertailu.csv"
CLASSIFICATION_FILE = "kuntaluokitus.csv"
#: vertailu.csv: the file's header → the frame's field (the columns of kpi.inputs.open_data.COLUMNS).
COMPARISON = TableSpec(
    COMPARISON_FILE,
    "vertailutiedot (avoin data)",
    (
        Column("kuntakoodi", "municipality_code", "str"),
        Column("kunta", "municipality", "str"),
        Column("indikaattori", "indicator", "str"),
        Column("indikaattorin_nimi", "indicator_name", "str"),
        Column("kausi", "period", "str"),
        Column("arvo", "value", "float"),
        Column("yksikkö", "unit", "str", required=False),
        Column("lähde", "source", "str"),
        Column("taulukko", "table_id", "str"),
        Column("haettu", "retrieved", "date"),
    ),
)
KEY = ["municipality_code", "indicator", "period"]
assert [c.field for c in COMPARISON.columns] == COLUMNS
# CWE-1236: a spreadsheet runs a cell starting with one of these as a formula. vertailu.csv is opened in Excel, and
# its texts come from files off the internet: such a text is written after an apostrophe (OWASP's advice for CSV)
# and read back without it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value` as written to vertailu.csv: an apostrophe first when a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def plain_text(value: str) -> str:
    """The text :func:`safe_text` wrote, without the apostrophe it added."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def read_comparison(data_dir: Path) -> pd.DataFrame:
    """vertailu.csv of `data_dir` as the long table of :data:`kpi.inputs.open_data.COLUMNS` (empty when absent).

    ``municipality_code`` keeps its leading zeros, ``retrieved`` is an ISO date text, texts lose the apostrophe that
    kept them from being formulas.
    """
    path = Path(data_dir) / COMPARISON_FILE
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else object) for c in COLUMNS})
    return comparison_frame(read_table(path, COMPARISON))


def comparison_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The typed vertailu.csv (readers.type_table) as the long table of COLUMNS, its row numbers kept in attrs."""
    out = frame[COLUMNS].copy()
    for column in ("municipality", "indicator_name", "unit", "source", "table_id"):
        out[column] = out[column].fillna("").astype(str).map(plain_text)
    out["municipality_code"] = (
        out.municipality_code.astype(str).str.strip().map(lambda c: c if c.upper() == "SSS" else c.zfill(3))
    )
    out["period"] = out.period.astype(str).str.strip()
    out["retrieved"] = pd.to_datetime(out.retrieved).dt.date.map(lambda d: d.isoformat() if pd.notna(d) else "")
    out.attrs["source_row"] = frame.source_row.tolist()
    return out.reset_index(drop=True)


def comparison_text(table: pd.DataFrame) -> str:
    """The table as vertailu.csv holds it: ``;``-separated, decimal comma, UTF-8 with BOM (Excel opens it as such),
    sorted by indicator, municipality and period; formula-like texts made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.header for c in COMPARISON.columns])
    ordered = table.sort_values(["indicator", "municipality_code", "period"], kind="stable")
    for row in ordered[COLUMNS].itertuples(index=False):
        value = repr(float(row.value)).replace(".", ",").removesuffix(",0")
        writer.writerow(
            [
                row.municipality_code,
                safe_text(str(row.municipality)),
                safe_text(str(row.indicator)),
                safe_text(str(row.indicator_name)),
                str(row.period),
                value,
                safe_text(str(row.unit)),
                safe_text(str(row.source)),
                safe_text(str(row.table_id)),
                str(row.retrieved),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def write_comparison(data_dir: Path, table: pd.DataFrame) -> Path:
    """Replace vertailu.csv of `data_dir` in one move (a reader sees the old or the new file, never half of it)."""
    return write_atomically(Path(data_dir) / COMPARISON_FILE, comparison_text(table))


@dataclass
class Merge:
    """What importing rows does to the comparison table: the merged table and, per indicator, the rows counted."""

    table: pd.DataFrame
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # indicator → added / changed / unchanged

    @property
    def changed_anything(self) -> bool:
        return any(c["added"] or c["changed"] for c in self.counts.values())


def merge(existing: pd.DataFrame, incoming: pd.DataFrame) -> Merge:
    """Merge `incoming` rows into `existing` by municipality, indicator and period; a new value replaces the old.

    A row is *changed* when its value or unit differs; the same value from another source or retrieved another day
    is *unchanged* (the row kept as it was), so re-importing a file, or another file that agrees, changes nothing.
    """
    old = existing.set_index(KEY)
    new = incoming.drop_duplicates(KEY, keep="last").set_index(KEY)
    both = new.index.intersection(old.index)
    same = pd.Series(False, index=new.index)
    if len(both):
        a, b = old.loc[both], new.loc[both]
        same.loc[both] = (
            (a.value.astype("float64").round(9) == b.value.astype("float64").round(9))
            & (a.unit.astype(str) == b.unit.astype(str))
        ).to_numpy()
    status = pd.Series("added", index=new.index)
    status[new.index.isin(both)] = "changed"
    status[same.to_numpy(dtype=bool)] = "unchanged"
    counts: dict[str, dict[str, int]] = {}
    for (indicator, what), n in status.groupby([status.index.get_level_values("indicator"), status]).size().items():
        counts.setdefault(str(indicator), {"added": 0, "changed": 0, "unchanged": 0})[str(what)] = int(n)
    replacing = new[status != "unchanged"]
    kept = old.drop(index=replacing.index.intersection(old.index))
    table = pd.concat([kept, replacing]).reset_index()[COLUMNS]
    return Merge(
        table.sort_values(["indicator", "municipality_code", "period"], kind="stable").reset_index(drop=True), counts
    )


#: Written by `kpi import` beside vertailu.csv: the sha256 of the table and of the classification it was checked
#: against. The gate checks an unchanged table once, at import, instead of 20 000 rows again on every run.
RECORD_FILE = "vertailu.tarkistettu.json"


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def checked_record(data_dir: Path) -> dict[str, str]:
    """What the record of the last import must say for the folder's files as they are now."""
    data_dir = Path(data_dir)
    return {
        COMPARISON_FILE: _sha256(data_dir / COMPARISON_FILE),
        CLASSIFICATION_FILE: _sha256(data_dir / CLASSIFICATION_FILE),
    }


def checked_at_import(data_dir: Path) -> str | None:
    """When `kpi import` wrote and checked vertailu.csv, if neither it nor the classification changed since."""
    import json

    path = Path(data_dir) / RECORD_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("files") != checked_record(data_dir):
        return None
    return str(record.get("checked", "")) or None


def write_record(data_dir: Path, when: str) -> Path:
    """Record that vertailu.csv and the classification as they are now passed every comparison check."""
    import json

    body = {"checked": when, "files": checked_record(data_dir), "by": "kpi import"}
    return write_atomically(Path(data_dir) / RECORD_FILE, json.dumps(body, indent=2, ensure_ascii=False) + "\n")


def classification_of(data_dir: Path) -> Classification:
    """The municipality classification of `data_dir` (kuntaluokitus.csv)."""
    return load_classification(Path(data_dir) / CLASSIFICATION_FILE)


def checked_frame(table: pd.DataFrame, classification: Classification, *, today: dt.date | None = None) -> pd.DataFrame:
    """The comparison table with the columns its checks read (suites.comparison_checks): a row id, the year, known codes."""
    f = table.copy()
    rows = table.attrs.get("source_row")
    f["source_row"] = rows if rows is not None and len(rows) == len(f) else range(2, len(f) + 2)
    f["year"] = pd.to_numeric(f.period.astype(str).str[:4], errors="coerce")
    f["period_form_ok"] = f.period.astype(str).str.fullmatch(r"\d{4}(?:-(?:0[1-9]|1[0-2]|Q[1-4]))?")
    f["last_year"] = (today or dt.date.today()).year
    known = set(classification.codes()) | {"SSS"}
    f["code_known"] = f.municipality_code.astype(str).isin(sorted(known))
    f["code_detail"] = f.municipality_code.astype(str) + " " + f.municipality.astype(str)
    f["key"] = f.municipality_code.astype(str) + " " + f.indicator.astype(str) + " " + f.period.astype(str)
    return f
