"""The long comparison table every reader ends in: places to codes and names, missing values out, one shape."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data.classification import Classification
from kpi.inputs.open_data.textfile import name

#: The columns of the long comparison table, in order.
COLUMNS = [
    "municipality_code",
    "municipality",
    "indicator",
    "indicator_name",
    "period",
    "value",
    "unit",
    "source",
    "table_id",
    "retrieved",
]

Unknown = Literal["error", "drop"]


@dataclass
class Cells:
    """What a reader found, one row per value: ``place`` (a name or code as written), ``indicator``,
    ``indicator_name``, ``unit``, ``period``, ``value`` (float, NaN where missing), ``missing`` (bool) and ``pos``
    (the row number or list position, for messages)."""

    frame: pd.DataFrame
    source: str
    table_id: str
    retrieved: str | None  # an ISO date the file itself gives (json-stat `updated`), else None
    #: how a message names a place's occurrences: place → e.g. "rows 12, 40"
    where_place: Callable[[str], str]
    #: how a message names one value: pos → e.g. "row 12" or "value[17]"
    where_value: Callable[[int], str]
    attrs: dict[str, object] = field(default_factory=dict)


def file_date(path: Path) -> str:
    """The date the file was last modified, as an ISO date."""
    return dt.date.fromtimestamp(Path(path).stat().st_mtime).isoformat()


def finish(
    path: Path,
    cells: Cells,
    classification: Classification,
    *,
    fmt: str,
    retrieved: dt.date | None,
    unknown: Unknown,
) -> pd.DataFrame:
    """Turn a reader's cells into the long table of :data:`COLUMNS`.

    Places are mapped through the classification; unknown ones raise (``unknown="error"``) or are dropped and
    counted in ``attrs["dropped_municipalities"]`` (``"drop"``). Rows without a value are dropped and counted in
    ``attrs["missing"]``. Two values for the same municipality, indicator and period raise.
    """
    if unknown not in ("error", "drop"):
        raise ValueError(f"unknown must be 'error' or 'drop', not {unknown!r}")
    frame = cells.frame
    places, place_codes = pd.factorize(frame["place"].astype(str), use_na_sentinel=False)
    resolved = [classification.code_of(p) for p in place_codes]
    former = {p: classification.former(p) for p, code in zip(place_codes, resolved) if code is None}
    unknown_places = [p for p, code in zip(place_codes, resolved) if code is None and not former[p]]
    dropped: dict[str, int] = {}
    counts = np.bincount(places, minlength=len(place_codes))
    merged = {former[p]: int(counts[k]) for k, p in enumerate(place_codes) if resolved[k] is None and former[p]}
    if unknown_places:
        if unknown == "error":
            shown = "; ".join(f"{p!r} ({cells.where_place(p)})" for p in unknown_places[:5])
            more = f"; … {len(unknown_places) - 5} more" if len(unknown_places) > 5 else ""
            year = f" of {classification.year}" if classification.year else ""
            raise InputFileError(
                f"{name(path)}: {len(unknown_places)} municipalit{'ies are' if len(unknown_places) > 1 else 'y is'} "
                f"not in the classification{year} ({name(classification.path)}): {shown}{more}; expected a "
                "municipality's Finnish, Swedish or English name or its code (a municipality merged into another since "
                "belongs in kpi/inputs/open_data/former_municipalities.csv, whose rows are left out and counted)"
            )
        dropped = {p: int(counts[k]) for k, p in enumerate(place_codes) if resolved[k] is None and not former[p]}
    code_table = np.array([c if c is not None else "" for c in resolved], dtype=object)
    codes = code_table[places]
    keep = codes != ""
    out = frame.loc[keep].copy()
    out["municipality_code"] = codes[keep]
    key = ["municipality_code", "indicator", "period"]
    twice = out.duplicated(key, keep=False)  # a missing value given twice is as wrong as a number
    if twice.any():
        first = out.loc[twice].sort_values([*key, "pos"]).head(10)
        pairs = []
        for (code, indicator, period), group in first.groupby(key, sort=False):
            where = " and ".join(cells.where_value(int(p)) for p in group["pos"])
            pairs.append(f"{where} both give {indicator} {period} of {code} {classification.name_of(code)}")
        n = int(out.loc[twice, key].drop_duplicates().shape[0])
        raise InputFileError(
            f"{name(path)}: {n} value{'s are' if n > 1 else ' is'} given twice for the same municipality, indicator "
            f"and period: {'; '.join(pairs[:5])}; expected one value each (the same municipality under two names?)"
        )

    missing = out["missing"].to_numpy(dtype=bool)
    n_missing = int(missing.sum())
    out = out.loc[~missing]
    names = {c: classification.name_of(c) or "" for c in out["municipality_code"].unique()}
    result = pd.DataFrame(
        {
            "municipality_code": out["municipality_code"].astype(str),
            "municipality": out["municipality_code"].map(names).astype(str),
            "indicator": out["indicator"].astype(str),
            "indicator_name": out["indicator_name"].astype(str),
            "period": out["period"].astype(str),
            "value": out["value"].astype("float64"),
            "unit": out["unit"].astype(str),
            "source": cells.source,
            "table_id": cells.table_id,
            "retrieved": cells.retrieved or (retrieved.isoformat() if retrieved else file_date(path)),
        },
        columns=COLUMNS,
    ).reset_index(drop=True)
    result.attrs.update(cells.attrs)
    result.attrs["missing"] = n_missing
    result.attrs["dropped_municipalities"] = dropped
    result.attrs["former_municipalities"] = merged  # always left out: "Honkajoki (liitetty 2021 …)" → rows
    result.attrs["format"] = fmt
    result.attrs["path"] = str(path)
    return result


def rows_text(rows: list[int], limit: int = 5) -> str:
    """Row numbers for a message: ``"row 7"``, ``"rows 7, 9, 12, … (40 rows)"``."""
    if len(rows) == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(r) for r in rows[:limit])
    return f"rows {shown}{f', … ({len(rows)} rows)' if len(rows) > limit else ''}"
