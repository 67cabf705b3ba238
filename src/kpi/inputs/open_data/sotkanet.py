"""THL Sotkanet data: the REST API's JSON and CSV, its region list, and the R client's CSV by municipality code."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data import indicators
from kpi.inputs.open_data.classification import WHOLE_COUNTRY
from kpi.inputs.open_data.frame import Cells, rows_text
from kpi.inputs.open_data.textfile import CsvTable, guess_decimal, name, parse_numbers, read_text, why_not_number

SOURCE = "THL Sotkanet"
#: Genders read by default: Sotkanet serves each indicator as "total", "male" and "female".
DEFAULT_GENDERS = ("total",)
_GENDER_FI = {"male": "miehet", "female": "naiset"}
_DATA_KEYS = {"indicator", "region", "year", "value"}
_REGION_KEYS = {"id", "code", "category"}
_VALUE_COLUMNS = ("primary.value", "primary value", "primaryvalue", "value", "arvo")


def is_data(doc: Any) -> bool:
    """Whether parsed JSON is Sotkanet data (``/rest/1.1/json``): a list of {indicator, region, year, value …}."""
    return (
        isinstance(doc, list)
        and bool(doc)
        and all(isinstance(i, dict) for i in doc[:50])
        and (_DATA_KEYS <= set(doc[0]))
    )


def is_region_list(doc: Any) -> bool:
    """Whether parsed JSON is Sotkanet's region list (``/rest/1.1/regions``): a list of {id, code, category …}."""
    return isinstance(doc, list) and bool(doc) and isinstance(doc[0], dict) and _REGION_KEYS <= set(doc[0])


def is_sotkanet_csv(header: Iterable[str]) -> bool:
    """Whether CSV column names are Sotkanet's: a ``primary.value`` column, or indicator, region, year, gender."""
    names = {h.strip().lower() for h in header}
    return bool(names & {"primary.value", "primary value"}) or {"indicator", "region", "year", "gender"} <= names


def load_regions(path: Path) -> dict[int, str | None]:
    """Read Sotkanet's region list: region id → municipality code ("320") for category KUNTA, "SSS" for the country
    (category MAA, Finland), None for every other region (hospital districts, wellbeing services counties …)."""
    text = read_text(path)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFileError(
            f"{name(path)}: the Sotkanet region list is not readable JSON ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); expected the list that https://sotkanet.fi/rest/1.1/regions returns"
        ) from None
    if not is_region_list(doc):
        raise InputFileError(
            f"{name(path)}: not a Sotkanet region list; expected a JSON list of objects with id, code, category "
            "and title, as https://sotkanet.fi/rest/1.1/regions returns"
        )
    out: dict[int, str | None] = {}
    for item in doc:
        category = str(item.get("category", "")).upper()
        code = str(item.get("code", "")).strip()
        title = item.get("title") or {}
        title_fi = str(title.get("fi", "") if isinstance(title, dict) else title).strip().casefold()
        if category == "KUNTA" and code.isdigit():
            out[int(item["id"])] = code.zfill(3)
        elif category == "MAA" and (code in ("246", "SSS") or title_fi in ("suomi", "koko maa")):
            out[int(item["id"])] = WHOLE_COUNTRY
        else:
            out[int(item["id"])] = None
    return out


def find_regions(path: Path) -> Path | None:
    """A Sotkanet region list beside `path`: a ``*region*.json`` file in the same folder that is one."""
    for candidate in sorted(Path(path).parent.glob("*.json")):
        if "region" not in candidate.name.lower() or candidate == Path(path):
            continue
        try:
            if is_region_list(json.loads(candidate.read_text(encoding="utf-8-sig"))):
                return candidate
        except (OSError, ValueError):
            continue
    return None


def _regions_for(path: Path, regions: Path | None, first_region: object) -> dict[int, str | None]:
    found = Path(regions) if regions is not None else find_regions(path)
    if found is None:
        raise InputFileError(
            f"{name(path)}: Sotkanet data names regions by Sotkanet's own ids (region {first_region} …); the region "
            "list that maps them to municipality codes is needed: pass sotkanet_regions= (the JSON of "
            "https://sotkanet.fi/rest/1.1/regions) or put it beside the file as sotkanet-regions.json"
        )
    return load_regions(found)


def _indicator_columns(frame: pd.DataFrame, genders: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Indicator ids, names and units per row (the gender added when not 'total'), and the table id."""
    numbers = frame["indicator"].astype(int).to_numpy()
    gender = frame["gender"].astype(str).to_numpy() if "gender" in frame else np.full(len(frame), "total")
    titles = frame["title"].astype(str).to_numpy() if "title" in frame else np.full(len(frame), "")
    keys = pd.MultiIndex.from_arrays([numbers, gender, titles])
    codes, uniques = pd.factorize(keys)
    ids, names, units = [], [], []
    for number, sex, title in uniques:
        item = indicators.by_sotkanet(int(number), str(title))
        suffix = "" if sex == "total" or len(genders) == 1 else f"_{sex}"
        ids.append(item.id + suffix)
        names.append(item.name + (f" ({_GENDER_FI.get(sex, sex)})" if suffix else ""))
        units.append(item.unit)
    table_id = "sotkanet:" + ",".join(str(n) for n in sorted(set(int(n) for n in numbers)))
    return (
        np.array(ids, dtype=object)[codes],
        np.array(names, dtype=object)[codes],
        np.array(units, dtype=object)[codes],
        table_id,
    )


def read_sotkanet_json(
    path: Path,
    doc: list[dict[str, Any]],
    *,
    regions: Path | None = None,
    genders: tuple[str, ...] = DEFAULT_GENDERS,
    source: str | None = None,
) -> Cells:
    """Read Sotkanet REST data (``/rest/1.1/json?indicator=…&years=…&genders=…``: a list of objects with
    indicator, region, year, gender, value, absValue) into cells.

    Regions are Sotkanet ids, mapped through the region list (`regions`, or a ``*region*.json`` beside the file);
    only municipalities (category KUNTA) and the whole country are kept, the rest are counted in
    ``attrs["dropped_regions"]``. Only the genders in `genders` are kept ("total" by default; others get the
    gender in the indicator id, e.g. ``vakiluku_male``). ``value`` is the value; ``absValue`` is not used.
    """
    frame = pd.DataFrame.from_records(doc)
    lacking = [k for k in ("indicator", "region", "year", "value") if k not in frame]
    if lacking:
        raise InputFileError(
            f"{name(path)}: Sotkanet data without {', '.join(lacking)}; expected each item to have them"
        )
    frame["pos"] = np.arange(len(frame))
    return _sotkanet_cells(path, frame, regions, genders, source, lambda pos: f"item [{pos}]", False)


def read_sotkanet_csv(
    path: Path,
    table: CsvTable,
    *,
    regions: Path | None = None,
    genders: tuple[str, ...] = DEFAULT_GENDERS,
    indicator: int | None = None,
    source: str | None = None,
) -> Cells:
    """Read a Sotkanet CSV into cells: the REST API's CSV (indicator, region, year, gender, value; regions by
    Sotkanet id), or a table saved from the R client (``municipality_code`` or ``region.code`` with
    ``region.category``, ``primary.value``, ``year``). A file without an indicator column takes the number from
    `indicator` or from its name (``sotkanet-127-…``)."""
    columns = {h.strip().lower(): k for k, h in enumerate(table.header)}
    value_col = next((columns[c] for c in _VALUE_COLUMNS if c in columns), None)
    year_col = columns.get("year", columns.get("vuosi"))
    code_col = next(
        (columns[c] for c in ("municipality_code", "region.code", "kunta", "kuntakoodi") if c in columns), None
    )
    region_col = columns.get("region")
    if value_col is None or year_col is None or (code_col is None and region_col is None):
        raise InputFileError(
            f"{name(path)}: a Sotkanet CSV needs a value column (primary.value or value), year, and municipality_code "
            f"or region; the columns are {', '.join(repr(h) for h in table.header)}"
        )
    data = table.frame
    frame = pd.DataFrame({"pos": table.rows})
    if "indicator" in columns:
        frame["indicator"] = data[columns["indicator"]].astype(str).str.strip().to_numpy()
    else:
        number = indicator
        if number is None:
            m = re.search(r"sotkanet[-_ ]?(\d+)", Path(path).name, re.IGNORECASE)
            number = int(m[1]) if m else None
        if number is None:
            raise InputFileError(
                f"{name(path)}: the file does not say which Sotkanet indicator it holds (no 'indicator' column); "
                "name the file sotkanet-<indicator number>-….csv or pass sotkanet_indicator="
            )
        frame["indicator"] = number
    bad_ind = ~frame["indicator"].astype(str).str.fullmatch(r"\d+")
    if bad_ind.any():
        i = int(np.flatnonzero(bad_ind.to_numpy())[0])
        raise InputFileError(
            f"{name(path)}: row {table.rows[i]}, column 'indicator': {frame['indicator'].iloc[i]!r} is not a Sotkanet "
            "indicator number"
        )
    decimal = guess_decimal([data[value_col]], table.delimiter)
    numbers = parse_numbers(data[value_col], decimal)
    if numbers.bad.any():
        bad = np.flatnonzero(numbers.bad)
        sample = "; ".join(
            f"row {table.rows[i]}, column {table.header[value_col]!r}: {str(data[value_col].iloc[i])!r} "
            f"({why_not_number(str(data[value_col].iloc[i]), decimal)})"
            for i in bad[:5]
        )
        raise InputFileError(
            f"{name(path)}: {len(bad)} cell{'s' if len(bad) > 1 else ''} of the number column "
            f"{'are' if len(bad) > 1 else 'is'} text: {sample}{'; …' if len(bad) > 5 else ''}; expected numbers, or "
            "NA where a value is missing"
        )
    frame["value"] = numbers.values
    frame["missing"] = numbers.missing
    frame["year"] = data[year_col].astype(str).str.strip().to_numpy()
    if "gender" in columns:
        frame["gender"] = data[columns["gender"]].astype(str).str.strip().to_numpy()
    if "indicator.title" in columns:
        frame["title"] = data[columns["indicator.title"]].astype(str).to_numpy()
    if code_col is not None:
        frame["code"] = data[code_col].astype(str).str.strip().to_numpy()
        if "region.category" in columns:
            frame["category"] = data[columns["region.category"]].astype(str).str.strip().str.upper().to_numpy()
    else:
        assert region_col is not None
        frame["region"] = data[region_col].astype(str).str.strip().to_numpy()
    return _sotkanet_cells(path, frame, regions, genders, source, lambda pos: f"row {pos}", True)


def _sotkanet_cells(
    path: Path,
    frame: pd.DataFrame,
    regions: Path | None,
    genders: tuple[str, ...],
    source: str | None,
    where_value: Any,
    parsed: bool,
) -> Cells:
    if "gender" in frame:
        frame = frame.loc[frame["gender"].astype(str).isin(genders)].reset_index(drop=True)
    dropped: dict[str, int] = {}
    if "code" in frame:
        places = frame["code"].astype(str)
        if "category" in frame:
            country = frame["category"].eq("MAA") & places.isin(["246", "SSS"])  # Finland among the countries
            places = places.where(~country, WHOLE_COUNTRY)
            other = ~(frame["category"].eq("KUNTA") | country)
            dropped = {str(k): int(v) for k, v in frame.loc[other, "category"].value_counts().items()}
            frame, places = frame.loc[~other].reset_index(drop=True), places.loc[~other].reset_index(drop=True)
    else:
        ids = pd.to_numeric(frame["region"], errors="coerce")
        if ids.isna().any():
            i = int(np.flatnonzero(ids.isna().to_numpy())[0])
            raise InputFileError(
                f"{name(path)}: {where_value(int(frame['pos'].iloc[i]))}: region {frame['region'].iloc[i]!r} is not a "
                "Sotkanet region id (a whole number)"
            )
        table = _regions_for(path, regions, frame["region"].iloc[0] if len(frame) else "?")
        unknown_ids = sorted({int(r) for r in ids.unique() if int(r) not in table})
        if unknown_ids:
            raise InputFileError(
                f"{name(path)}: region ids {', '.join(str(r) for r in unknown_ids[:5])}"
                f"{' …' if len(unknown_ids) > 5 else ''} are not in the Sotkanet region list; expected the region list "
                "of the same Sotkanet version"
            )
        mapped = ids.astype(int).map(table)
        other = mapped.isna()
        dropped = {"regions other than municipalities": int(other.sum())} if other.any() else {}
        frame = frame.loc[~other].reset_index(drop=True)
        places = mapped.loc[~other].astype(str).reset_index(drop=True)
    if not parsed:
        raw = frame["value"]
        values = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & values.isna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputFileError(
                f"{name(path)}: {where_value(int(frame['pos'].iloc[i]))}.value: {raw.iloc[i]!r} is not a number; "
                "expected a number or null"
            )
        frame["value"] = values.astype(float)
        frame["missing"] = values.isna()
    years = frame["year"].astype(str).str.strip().str.removesuffix(".0")
    bad_year = ~years.str.fullmatch(r"(?:19|20)\d{2}")
    if bad_year.any():
        i = int(np.flatnonzero(bad_year.to_numpy())[0])
        raise InputFileError(
            f"{name(path)}: {where_value(int(frame['pos'].iloc[i]))}: year {frame['year'].iloc[i]!r} is not a year"
        )
    ind_ids, ind_names, ind_units, table_id = _indicator_columns(frame, genders)
    positions = frame["pos"].to_numpy()
    place_values = places.to_numpy()

    def where_place(place: str) -> str:
        hits = [int(p) for p in positions[place_values == place]]
        if parsed:
            return rows_text(hits)
        return (
            f"item{'s' if len(hits) > 1 else ''} "
            + ", ".join(f"[{p}]" for p in hits[:5])
            + (f", … ({len(hits)} items)" if len(hits) > 5 else "")
        )

    cells = pd.DataFrame(
        {
            "place": place_values,
            "indicator": ind_ids,
            "indicator_name": ind_names,
            "unit": ind_units,
            "period": years.to_numpy(),
            "value": frame["value"].to_numpy(dtype=float),
            "missing": frame["missing"].to_numpy(dtype=bool),
            "pos": positions,
        }
    )
    return Cells(
        frame=cells,
        source=source if source is not None else SOURCE,
        table_id=table_id,
        retrieved=None,
        where_place=where_place,
        where_value=where_value,
        attrs={"dropped_regions": dropped, "genders": list(genders)},
    )
