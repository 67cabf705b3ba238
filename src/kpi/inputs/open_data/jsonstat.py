"""json-stat2 datasets from the PxWeb API (old and new dimension naming), read by id, size and role."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data import indicators
from kpi.inputs.open_data.classification import WHOLE_COUNTRY, municipality_code
from kpi.inputs.open_data.frame import Cells
from kpi.inputs.open_data.textfile import MISSING_MARKS, name, normal_period

_GEO_WORDS = re.compile(r"\b(alue|region|omrade|kunta|municipality|kommun|area|geo)")
_MUNICIPALITY = re.compile(r"(?i)KU\d{3}|\d{3}|SSS")


def is_jsonstat(doc: Any) -> bool:
    """Whether a parsed JSON document is a json-stat2 dataset."""
    return isinstance(doc, dict) and (doc.get("class") == "dataset" or {"id", "size", "dimension", "value"} <= set(doc))


def dimension_key(dim_id: str) -> str:
    """A dimension's id for indicator ids, without PxWeb v2's version suffix: ``alue_23_20260101`` → ``alue``."""
    return indicators.slug(re.sub(r"(?:_\d+)*_(?:19|20)\d{6}$", "", dim_id))


class _Dimension:
    """One dimension: its id, label, category codes in index order, their labels and units."""

    def __init__(self, path: Path, dim_id: str, body: Any, size: int, k: int) -> None:
        where = f"dimension.{dim_id}"
        if not isinstance(body, dict):
            raise InputFileError(f"{name(path)}: json-stat2 {where} is missing or not an object; every id needs one")
        category = body.get("category") or {}
        index = category.get("index")
        labels = category.get("label") or {}
        if isinstance(index, list):
            codes = [str(c) for c in index]
        elif isinstance(index, dict):
            codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
        elif isinstance(labels, dict) and labels:
            codes = [str(c) for c in labels]  # json-stat2 allows no index for a dimension of one category
        else:
            raise InputFileError(f"{name(path)}: json-stat2 {where}.category has neither 'index' nor 'label'")
        if len(codes) != size:
            raise InputFileError(
                f"{name(path)}: json-stat2 {where}.category.index has {len(codes)} categories but size[{k}] is "
                f"{size}; expected the same number"
            )
        self.id = dim_id
        self.label = str(body.get("label") or dim_id)
        self.codes = codes
        self.labels = [str(labels.get(c, c)) if isinstance(labels, dict) else c for c in codes]
        units = category.get("unit") or {}
        self.units = [str((units.get(c) or {}).get("base", "")) if isinstance(units, dict) else "" for c in codes]
        self.has_units = bool(units)


def _role(doc: dict[str, Any], key: str) -> list[str]:
    role = doc.get("role") or {}
    value = role.get(key) if isinstance(role, dict) else None
    return [str(v) for v in value] if isinstance(value, list) else []


def _geo_dimension(dims: dict[str, _Dimension], doc: dict[str, Any], taken: set[str]) -> str | None:
    for dim_id in _role(doc, "geo"):
        if dim_id in dims:
            return dim_id
    for dim in dims.values():
        if dim.id in taken:
            continue
        words = _GEO_WORDS.search(indicators.label_key(f"{dim.id} {dim.label}"))
        municipal = [c for c in dim.codes if _MUNICIPALITY.fullmatch(c) and c.upper() != "SSS"]
        prefixed = all(c.upper().startswith("KU") or c.upper() == "SSS" for c in dim.codes)
        if (words and municipal and 2 * len(municipal) >= len(dim.codes)) or prefixed:
            return dim.id
    return None


def _time_dimension(dims: dict[str, _Dimension], doc: dict[str, Any]) -> str | None:
    for dim_id in _role(doc, "time"):
        if dim_id in dims:
            return dim_id
    for dim in dims.values():
        if all(normal_period(c) is not None for c in dim.codes):
            return dim.id
    return None


def _values(path: Path, doc: dict[str, Any], total: int, size: list[int]) -> np.ndarray:
    raw = doc.get("value")
    if isinstance(raw, dict):  # the sparse form: {"position": value}
        flat: list[Any] = [None] * total
        for key, value in raw.items():
            if not str(key).isdigit() or int(key) >= total:
                raise InputFileError(
                    f"{name(path)}: json-stat2 value[{key!r}] is outside the {total} positions that size {size} makes"
                )
            flat[int(key)] = value
        raw = flat
    if not isinstance(raw, list):
        raise InputFileError(f"{name(path)}: json-stat2 'value' is missing or not a list of numbers")
    if len(raw) != total:
        raise InputFileError(
            f"{name(path)}: json-stat2 'value' has {len(raw)} values but 'size' {size} makes {total} "
            f"({' × '.join(str(s) for s in size)}); expected one value per combination of the dimensions' categories "
            "(was the file cut or edited?)"
        )
    try:
        return np.array([math.nan if v is None else v for v in raw], dtype=float)
    except (TypeError, ValueError):
        pass
    out = np.full(total, math.nan)
    bad: list[str] = []
    for i, v in enumerate(raw):
        if v is None or (isinstance(v, str) and v.strip() in MISSING_MARKS):
            continue
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            bad.append(f"value[{i}]: {v!r}")
            continue
        try:
            out[i] = float(v)
        except ValueError:
            bad.append(f"value[{i}]: {v!r}")
    if bad:
        raise InputFileError(
            f"{name(path)}: json-stat2 has {len(bad)} value{'s that are not numbers' if len(bad) > 1 else ' that is not a number'} "
            f"({'; '.join(bad[:5])}{'; …' if len(bad) > 5 else ''}); expected numbers or null"
        )
    return out


def read_jsonstat(path: Path, doc: dict[str, Any], *, source: str | None = None) -> Cells:
    """Read a json-stat2 dataset into cells.

    The dimensions are found by ``role`` (``time``, ``geo``, ``metric``), never by name; without a role, the time
    dimension is the one whose codes are all years or months and the geo dimension one named like a region whose
    codes are municipality codes (``KU320``, ``320``, ``SSS``). No geo dimension means the whole country. Every
    dimension besides geo and time (the metric first) becomes part of the indicator: ``vaesto_sukupuoli_1_ika_20_24``
    and "Väestö 31.12., Män, 20 - 24". Regions that are not municipalities (``MK19``, ``SK194``) are left out and
    counted in ``attrs["dropped_regions"]``.

    Raises
    ------
    InputFileError
        When id, size, dimension and value do not fit together, or a value is not a number.
    """
    ids, size = doc.get("id"), doc.get("size")
    if not isinstance(ids, list) or not isinstance(size, list) or not all(isinstance(s, int) for s in size):
        raise InputFileError(
            f"{name(path)}: json-stat2 needs 'id' (the dimensions) and 'size' (their lengths) as lists; found "
            f"id={type(ids).__name__}, size={type(size).__name__}"
        )
    if len(ids) != len(size):
        raise InputFileError(
            f"{name(path)}: json-stat2 'id' names {len(ids)} dimensions but 'size' gives {len(size)} lengths; "
            "expected one length per dimension"
        )
    body = doc.get("dimension") or {}
    dims = {str(d): _Dimension(path, str(d), body.get(d), int(s), k) for k, (d, s) in enumerate(zip(ids, size))}
    total = int(np.prod(size)) if size else 0
    values = _values(path, doc, total, size)

    time_id = _time_dimension(dims, doc)
    if time_id is None:
        raise InputFileError(
            f"{name(path)}: json-stat2 has no time dimension: 'role.time' is missing and no dimension's categories "
            f"are years or months (dimensions: {', '.join(dims)})"
        )
    geo_id = _geo_dimension(dims, doc, {time_id})
    metric_ids = [d for d in _role(doc, "metric") if d in dims and d not in (time_id, geo_id)]
    if not metric_ids:
        metric_ids = [d.id for d in dims.values() if d.has_units and d.id not in (time_id, geo_id)][:1]
    others = metric_ids + [d for d in dims if d not in (time_id, geo_id, *metric_ids)]

    index = np.unravel_index(np.arange(total), size) if total else tuple(np.zeros(0, int) for _ in size)
    position = {d: k for k, d in enumerate(dims)}
    time_dim = dims[time_id]
    periods = [normal_period(c) or normal_period(lbl) for c, lbl in zip(time_dim.codes, time_dim.labels)]
    if any(p is None for p in periods):
        odd = [c for c, p in zip(time_dim.codes, periods) if p is None]
        raise InputFileError(
            f"{name(path)}: json-stat2 dimension.{time_id}: {', '.join(repr(c) for c in odd[:5])} "
            "is not a year (2021), a month (2020M10) or a quarter (2020Q1)"
        )
    period_values = np.array(periods, dtype=object)[index[position[time_id]]]

    dropped_regions: dict[str, int] = {}
    if geo_id is not None:
        geo = dims[geo_id]
        place_table = np.array(geo.codes, dtype=object)
        places = place_table[index[position[geo_id]]]
        municipal = np.array([municipality_code(c) is not None for c in geo.codes])[index[position[geo_id]]]
        for code in geo.codes:
            if municipality_code(code) is None:
                dropped_regions[code] = int(np.prod(size)) // len(geo.codes)
    else:
        places = np.full(total, WHOLE_COUNTRY, dtype=object)
        municipal = np.ones(total, dtype=bool)

    # one indicator per combination of the metric and the other dimensions' categories
    if others:
        shape = tuple(len(dims[d].codes) for d in others)
        combo = np.ravel_multi_index(tuple(index[position[d]] for d in others), shape)
        found = [
            _indicator(dims, others, metric_ids, [int(p) for p in np.unravel_index(flat, shape)], doc, path)
            for flat in range(int(np.prod(shape)))
        ]
        ind_ids = np.array([i.id for i in found], dtype=object)[combo]
        ind_names = np.array([i.name for i in found], dtype=object)[combo]
        ind_units = np.array([i.unit for i in found], dtype=object)[combo]
        known_sources = {i.source for i in found}
    else:
        base = _table_indicator(doc, path)
        ind_ids = np.full(total, base.id, dtype=object)
        ind_names = np.full(total, base.name, dtype=object)
        ind_units = np.full(total, base.unit, dtype=object)
        known_sources = {base.source}

    cells = pd.DataFrame(
        {
            "place": places,
            "indicator": ind_ids,
            "indicator_name": ind_names,
            "unit": ind_units,
            "period": period_values,
            "value": values,
            "missing": np.isnan(values),
            "pos": np.arange(total),
        }
    )
    if not municipal.all():
        cells = cells.loc[municipal].reset_index(drop=True)

    extension = doc.get("extension") or {}
    px = extension.get("px") or {} if isinstance(extension, dict) else {}
    table_id = str(px.get("tableid") or "") if isinstance(px, dict) else ""
    updated = str(doc.get("updated") or "")
    retrieved = updated[:10] if re.match(r"\d{4}-\d{2}-\d{2}", updated) else None
    published_source = str(doc.get("source") or "")
    if source is None:
        source = published_source or (known_sources.pop() if len(known_sources) == 1 else "")
    geo_name = geo_id or ""
    attrs: dict[str, object] = {"dropped_regions": dropped_regions, "label": str(doc.get("label") or "")}
    return Cells(
        frame=cells,
        source=source,
        table_id=table_id or Path(path).stem,
        retrieved=retrieved,
        where_place=lambda place: f"dimension.{geo_name}.category.index.{place}",
        where_value=lambda pos: f"value[{pos}]",
        attrs=attrs,
    )


def _table_indicator(doc: dict[str, Any], path: Path) -> indicators.Indicator:
    label = str(doc.get("label") or Path(path).stem)
    return indicators.by_label(label)


def _indicator(
    dims: dict[str, _Dimension],
    others: list[str],
    metric_ids: list[str],
    picks: list[int],
    doc: dict[str, Any],
    path: Path,
) -> indicators.Indicator:
    """The indicator of one combination of categories: the metric's (known or as published) plus the others'."""
    parts_id: list[str] = []
    parts_name: list[str] = []
    unit = ""
    base: indicators.Indicator | None = None
    for dim_id, pick in zip(others, picks):
        dim = dims[dim_id]
        if dim_id in metric_ids and base is None:
            base = indicators.by_code(dim.codes[pick], dim.labels[pick])
            unit = base.unit if base.known else dim.units[pick]
        else:
            parts_id.append(f"{dimension_key(dim_id)}_{indicators.slug(dim.codes[pick])}")
            parts_name.append(dim.labels[pick])
    if base is None:
        base = _table_indicator(doc, path)
        unit = base.unit
    ident = "_".join([base.id, *parts_id])
    label = ", ".join([base.name, *parts_name])
    return indicators.Indicator(ident, label, unit, base.source, base.known)
