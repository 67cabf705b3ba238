"""Readers for Finnish official open statistics (PxWeb CSV, json-stat2, Sotkanet, long CSV) into one long table."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data import sotkanet
from kpi.inputs.open_data.classification import WHOLE_COUNTRY, Classification, load_classification
from kpi.inputs.open_data.csv_tables import read_csv_table, time_column
from kpi.inputs.open_data.frame import COLUMNS, Unknown, finish
from kpi.inputs.open_data.jsonstat import is_jsonstat, read_jsonstat
from kpi.inputs.open_data.textfile import CsvTable, name, read_text, split_csv, split_header

__all__ = [
    "COLUMNS",
    "FORMATS",
    "WHOLE_COUNTRY",
    "Classification",
    "PxWebQuery",
    "detect_format",
    "load_classification",
    "load_pxweb_query",
    "read_open_file",
]

#: The formats :func:`detect_format` knows, with the words messages use for them.
FORMATS = {
    "pxweb_csv": "a PxWeb CSV download (years in the column headers or a year column)",
    "jsonstat2": "json-stat2 from the PxWeb API",
    "sotkanet": "Sotkanet data (the REST API's JSON or CSV, or the R client's CSV)",
    "long_csv": "a long CSV by municipality with a date column",
    "classification": "Statistics Finland's municipality classification",
    "pxweb_query": "a PxWeb API query (the POST body)",
}


_SAMPLE_ROWS = 2000


@dataclass(frozen=True)
class _Sniffed:
    fmt: str
    doc: Any = None  # parsed JSON
    table: CsvTable | None = None


def _unknown_format(path: Path, found: str) -> InputFileError:
    known = "; ".join(FORMATS.values())
    return InputFileError(f"{name(path)}: not a file of a known format ({found}); the known formats are: {known}")


def _sniff_json(path: Path, text: str) -> _Sniffed:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        cut = exc.pos >= len(text.rstrip()) - 1
        raise InputFileError(
            f"{name(path)}: unreadable JSON{' (the file ends in the middle of it: cut short?)' if cut else ''}: "
            f"{exc.msg} at line {exc.lineno}, column {exc.colno} (character {exc.pos} of {len(text)}); expected a "
            "complete JSON document such as json-stat2 from the PxWeb API or Sotkanet data"
        ) from None
    if is_jsonstat(doc):
        return _Sniffed("jsonstat2", doc)
    if isinstance(doc, dict) and isinstance(doc.get("dataset"), dict):
        raise InputFileError(
            f"{name(path)}: json-stat version 1 (PxWeb's 'json-stat' response) is not read; ask the API for "
            "'json-stat2' (response format json-stat2)"
        )
    if isinstance(doc, dict) and (isinstance(doc.get("query"), list) or isinstance(doc.get("selection"), list)):
        return _Sniffed("pxweb_query", doc)
    if sotkanet.is_data(doc):
        return _Sniffed("sotkanet", doc)
    if sotkanet.is_region_list(doc):
        raise InputFileError(
            f"{name(path)}: a Sotkanet region list, not data: give it with the data as sotkanet_regions=, or keep it "
            "beside the Sotkanet data file"
        )
    what = f"a JSON {type(doc).__name__}"
    if isinstance(doc, dict):
        what += f" with the keys {', '.join(list(doc)[:6])}"
    elif isinstance(doc, list):
        what += " that is empty" if not doc else f" of {type(doc[0]).__name__}s"
    raise _unknown_format(path, what)


def _sniff(path: Path, *, sample: bool = False) -> _Sniffed:
    path = Path(path)
    text = read_text(path)
    if text.lstrip()[:1] in ("{", "["):
        return _sniff_json(path, text)
    if sample:  # the first rows tell a CSV's format; reading splits the whole file
        lines = text.splitlines(keepends=True)
        text = "".join(lines[:_SAMPLE_ROWS]) if len(lines) > _SAMPLE_ROWS else text
    table = split_csv(path, text)
    lower = {h.strip().lower() for h in table.header}
    if lower & {"kunta", "municipality_code"} and (
        "municipality_name_fi" in lower or {"maakunta_code", "seutukunta_code"} <= lower
    ):
        return _Sniffed("classification", table=table)
    if sotkanet.is_sotkanet_csv(table.header):
        return _Sniffed("sotkanet", table=table)
    if len(table.header) > 1 and any(split_header(h)[1] is not None for h in table.header):
        return _Sniffed("pxweb_csv", table=table)
    year_col = time_column(table)
    if year_col is not None and len(table.header) > 2:
        dates = time_column(table, dates_only=True) is not None
        return _Sniffed("long_csv" if dates else "pxweb_csv", table=table)
    header = ", ".join(repr(h) for h in table.header[:6])
    raise _unknown_format(path, f"a CSV with the columns {header}{' …' if len(table.header) > 6 else ''} and no years")


def detect_format(path: Path) -> str:
    """Which open-data format `path` holds, judged by its content (never its name).

    Returns
    -------
    str
        One of :data:`FORMATS`: ``"pxweb_csv"`` (a CSV whose column headers hold years, "Population, 2021", or with
        a year column of years/months), ``"long_csv"`` (a CSV with a column of dates, 2006-01-01),
        ``"jsonstat2"`` (JSON with id, size, dimension and value), ``"sotkanet"`` (JSON list of indicator/region/
        year/value objects, or a CSV with primary.value or indicator/region/year/gender columns),
        ``"classification"`` (a CSV with kunta and municipality_name_fi or the groupings' codes), ``"pxweb_query"``
        (JSON with a ``query`` or ``selection`` list).

    Raises
    ------
    InputFileError
        For an empty, undecodable or unreadable file, and for content of no known format (naming the known ones).
    """
    return _sniff(Path(path), sample=True).fmt


def read_open_file(
    path: Path,
    classification: Classification,
    *,
    retrieved: dt.date | None = None,
    unknown: Unknown = "error",
    source: str | None = None,
    sotkanet_regions: Path | None = None,
    sotkanet_genders: tuple[str, ...] = sotkanet.DEFAULT_GENDERS,
    sotkanet_indicator: int | None = None,
) -> pd.DataFrame:
    """Read one open-data file into the long comparison table.

    Parameters
    ----------
    path : Path
        A PxWeb CSV download, a json-stat2 file, Sotkanet data (JSON or CSV) or a long CSV by municipality;
        :func:`detect_format` tells which.
    classification : Classification
        From :func:`load_classification`: maps names (fi/sv/en) and codes to the three-digit code and Finnish name.
    retrieved : datetime.date, optional
        When the data was fetched; a json-stat2 file's own ``updated`` date wins, and without either the file's
        modification date is used.
    unknown : {"error", "drop"}
        A municipality not in the classification (merged away since, say) raises with "error"; with "drop" its rows
        are left out and counted per name in ``attrs["dropped_municipalities"]``.
    source : str, optional
        The source to write instead of the one found (the known indicators' table, json-stat ``source``, "THL
        Sotkanet").
    sotkanet_regions : Path, optional
        Sotkanet's region list for data that gives Sotkanet region ids; by default a ``*region*.json`` beside the file.
    sotkanet_genders : tuple of str
        The Sotkanet genders to keep: ``("total",)`` by default; others add ``_male``/``_female`` to the indicator.
    sotkanet_indicator : int, optional
        The Sotkanet indicator of a CSV without an indicator column whose name does not say it (sotkanet-127-….csv).

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`COLUMNS`; rows without a value are left out and counted in ``attrs["missing"]``.
        ``attrs`` also holds ``format``, ``path``, ``dropped_municipalities`` and, where the format has them,
        ``dropped_regions`` (regions that are not municipalities), ``title`` and ``notes``.

    Raises
    ------
    InputFileError
        One message naming the file, what is wrong, where (row and column, or a json path) and what was expected.
    """
    path = Path(path)
    sniffed = _sniff(path)
    fmt = sniffed.fmt
    if fmt == "jsonstat2":
        cells = read_jsonstat(path, sniffed.doc, source=source)
    elif fmt == "sotkanet" and sniffed.table is None:
        cells = sotkanet.read_sotkanet_json(
            path, sniffed.doc, regions=sotkanet_regions, genders=sotkanet_genders, source=source
        )
    elif fmt == "sotkanet":
        assert sniffed.table is not None
        cells = sotkanet.read_sotkanet_csv(
            path,
            sniffed.table,
            regions=sotkanet_regions,
            genders=sotkanet_genders,
            indicator=sotkanet_indicator,
            source=source,
        )
    elif fmt in ("pxweb_csv", "long_csv"):
        assert sniffed.table is not None
        cells = read_csv_table(path, sniffed.table, classification, source=source)
    else:
        use = "load_classification()" if fmt == "classification" else "load_pxweb_query()"
        raise InputFileError(f"{name(path)}: {FORMATS[fmt]} holds no statistics to compare; read it with {use}")
    return finish(path, cells, classification, fmt=fmt, retrieved=retrieved, unknown=unknown)


@dataclass(frozen=True)
class PxWebQuery:
    """A PxWeb API query: the codes selected per variable and the response format asked for."""

    selection: dict[str, list[str]]
    response_format: str


def load_pxweb_query(path: Path) -> PxWebQuery:
    """Read the POST body of a PxWeb API query (v1 ``query``/``selection``/``values`` or v2
    ``selection``/``variableCode``/``valueCodes``), e.g. to see what a json-stat2 response was asked for."""
    path = Path(path)
    sniffed = _sniff(path)
    if sniffed.fmt != "pxweb_query":
        raise InputFileError(f"{name(path)}: not a PxWeb query but {FORMATS[sniffed.fmt]}")
    doc = sniffed.doc
    selection: dict[str, list[str]] = {}
    for k, item in enumerate(doc.get("query") or doc.get("selection") or []):
        if not isinstance(item, dict):
            raise InputFileError(f"{name(path)}: query[{k}] is not an object with code and selection")
        code = item.get("code", item.get("variableCode"))
        values = (item.get("selection") or {}).get("values") if "selection" in item else item.get("valueCodes")
        if code is None or not isinstance(values, list):
            raise InputFileError(
                f"{name(path)}: query[{k}] lacks its variable code or its list of values; expected "
                '{"code": …, "selection": {"filter": "item", "values": […]}}'
            )
        selection[str(code)] = [str(v) for v in values]
    response = doc.get("response") or {}
    fmt = str(response.get("format", "") if isinstance(response, dict) else "") or str(doc.get("outputFormat", ""))
    return PxWebQuery(selection, fmt)
