"""`kpi import`: official statistics files read, checked with great-expectations and merged into vertailu.csv."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.errors import DataCheckError, InputFileError
from kpi.files import write_atomically
from kpi.inputs.comparison import (
    CLASSIFICATION_FILE,
    COMPARISON_FILE,
    Merge,
    checked_frame,
    classification_of,
    merge,
    read_comparison,
    write_comparison,
    write_record,
)
from kpi.inputs.gate.validator import Validator
from kpi.inputs.open_data import detect_format, load_classification, read_open_file
from kpi.inputs.suites import Check, comparison_checks, jsonstat_checks
from kpi.paths import display


@dataclass
class Imported:
    """One file's part of an import: its format and rows, and what the reader left out."""

    path: Path
    format: str
    rows: pd.DataFrame
    notes: list[str]


_ASSETS = itertools.count(1)  # great-expectations wants a new asset name for every frame of a context


def _failures(validator: Validator, frame_name: str, frame: pd.DataFrame, checks: list[Check], file: str) -> list[str]:
    """The failed checks of `frame` as one-line messages that name `file` (the file the rows came from)."""
    named = [dataclasses.replace(c, file=file) for c in checks]
    findings = validator.validate(f"{frame_name}:{next(_ASSETS)}", frame, named, {c.id: "hard" for c in named})
    return [f.message() for f in findings if not f.passed]


def _check_jsonstat(validator: Validator, path: Path) -> None:
    """The flat value list against the product of the sizes, before the reader relies on it."""
    try:
        doc = json.loads(path.read_bytes().decode("utf-8-sig"))
        size = [int(s) for s in doc["size"]]
        values = len(doc["value"]) if isinstance(doc["value"], list) else len(doc["value"] or {})
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return  # not a readable json-stat2 document: the reader says what is wrong with it
    cells = math.prod(size)
    frame = pd.DataFrame(
        {
            "file": [path.name],
            "values": [values],
            "cells": [cells],
            "detail": [f"{values} values, size {size} makes {cells}"],
        }
    )
    problems = _failures(validator, "jsonstat", frame, jsonstat_checks(), path.name)
    if problems:
        raise DataCheckError(f"{problems[0]}; nothing was imported")


def read_files(
    paths: list[Path], data_dir: Path, *, validator: Validator | None = None
) -> tuple[list[Imported], list[str]]:
    """Read and check every file; a classification file is taken as the data folder's new classification.

    Returns the data files' rows and the classification files given (installed by :func:`import_files`).
    Raises on the first file that cannot be read or fails a check; nothing is changed then.
    """
    validator = validator or Validator()
    given_classification = [p for p in paths if p.exists() and detect_format(p) == "classification"]
    for p in paths:
        if not p.exists():
            raise InputFileError(f"{display(p)}: no such file; nothing was imported")
    if len(given_classification) > 1:
        raise InputFileError("give at most one classification file per import; nothing was imported")
    if given_classification:
        classification = load_classification(given_classification[0])
    elif (data_dir / CLASSIFICATION_FILE).exists():
        classification = classification_of(data_dir)
    else:
        raise InputFileError(
            f"{display(data_dir / CLASSIFICATION_FILE)} is missing: import Statistics Finland's municipality "
            "classification first (kpi import kuntaluokitus.csv); it maps names to codes. Nothing was imported."
        )
    imported = []
    for path in paths:
        fmt = detect_format(path)
        if fmt == "classification":
            continue
        if fmt == "pxweb_query":
            imported.append(Imported(path, fmt, pd.DataFrame(), ["a PxWeb query (what kpi fetch sends), no data"]))
            continue
        if fmt == "jsonstat2":
            _check_jsonstat(validator, path)
        sidecar = path.with_name(path.name.removesuffix(".json") + ".meta.json")
        retrieved = None
        if sidecar.exists():  # kpi fetch's record of when the file was downloaded
            try:
                retrieved = pd.Timestamp(json.loads(sidecar.read_text(encoding="utf-8"))["retrieved_at"]).date()
            except (ValueError, KeyError):
                retrieved = None
        rows = read_open_file(path, classification, retrieved=retrieved)
        notes = []
        for name, n in (rows.attrs.get("former_municipalities") or {}).items():
            notes.append(f"{name}: {n} rows left out (merged municipality)")
        if rows.attrs.get("missing"):
            notes.append(f"{rows.attrs['missing']} cells without a value left out")
        problems = _failures(
            validator, "comparison", checked_frame(rows, classification), comparison_checks(), path.name
        )
        if problems:
            raise DataCheckError(
                f"{display(path)} did not pass the checks: " + "; ".join(problems) + "; nothing was imported"
            )
        imported.append(Imported(path, fmt, rows, notes))
    return imported, [str(p) for p in given_classification]


def import_files(
    paths: list[Path], data_dir: Path, *, dry_run: bool = False, only: set[str] | None = None
) -> tuple[list[Imported], Merge | None, str]:
    """Read, check and merge `paths` into ``<data_dir>/vertailu.csv`` (also its classification, when one is given).

    Returns the files read, the merge (None when nothing but a classification was given) and a report: rows
    added / changed / unchanged per indicator. With `dry_run` nothing is written. Re-importing a file changes nothing.
    `only` keeps the rows of these municipality codes (and of the whole country, SSS) and leaves the rest out.
    """
    data_dir = Path(data_dir)
    validator = Validator()
    imported, classifications = read_files(paths, data_dir, validator=validator)
    for item in imported:
        if only is None or not len(item.rows):
            continue
        keep = item.rows.municipality_code.isin(sorted(only | {"SSS"}))
        if (~keep).any():
            item.notes.append(f"{int((~keep).sum())} rows of other municipalities left out (--only-comparison)")
            item.rows = item.rows[keep]
    lines = []
    for item in imported:
        what = f"{item.path.name}: {item.format}, {len(item.rows)} rows"
        lines.append(what + "".join(f"; {n}" for n in item.notes))
    data = [i.rows for i in imported if len(i.rows)]
    result = None
    if data:
        incoming = pd.concat(data, ignore_index=True)
        twice = incoming.duplicated(["municipality_code", "indicator", "period"], keep=False)
        differing = incoming[twice].groupby(["municipality_code", "indicator", "period"]).value.nunique()
        if (differing > 1).any():
            (code, indicator, period) = differing[differing > 1].index[0]
            raise DataCheckError(
                f"the files give two different values for municipality {code}, {indicator}, {period}; expected one "
                "value each. Nothing was imported."
            )
        existing = read_comparison(data_dir)
        if len(existing):
            classification = (
                load_classification(Path(classifications[0])) if classifications else classification_of(data_dir)
            )
            problems = _failures(
                validator, "comparison", checked_frame(existing, classification), comparison_checks(), COMPARISON_FILE
            )
            if problems:
                raise DataCheckError(
                    f"{display(data_dir / COMPARISON_FILE)} itself does not pass the checks: "
                    + "; ".join(problems)
                    + "; fix or remove it first. Nothing was imported."
                )
        result = merge(existing, incoming)
        width = max(len(k) for k in result.counts)
        lines.append(f"{'indicator':<{width}}  added  changed  unchanged")
        for indicator, c in sorted(result.counts.items()):
            lines.append(f"{indicator:<{width}}  {c['added']:>5}  {c['changed']:>7}  {c['unchanged']:>9}")
        total = {k: sum(c[k] for c in result.counts.values()) for k in ("added", "changed", "unchanged")}
        lines.append(
            f"{'total':<{width}}  {total['added']:>5}  {total['changed']:>7}  {total['unchanged']:>9}"
            + (" row" if sum(total.values()) == 1 else " rows")
        )
    if dry_run:
        lines.append("Dry run: nothing was written.")
        return imported, result, "\n".join(lines)
    if classifications:
        target = data_dir / CLASSIFICATION_FILE
        if not target.exists() or target.read_bytes() != Path(classifications[0]).read_bytes():
            write_atomically(target, Path(classifications[0]).read_bytes())
            lines.append(f"Classification installed: {display(target)}")
    if result is not None and result.changed_anything:
        lines.append(f"Written: {display(write_comparison(data_dir, result.table))}")
    elif result is not None:
        lines.append(f"Nothing changed in {display(data_dir / COMPARISON_FILE)}.")
    if result is not None or classifications:
        # the merged table is the checked old rows and the checked new ones, one per key: the gate need not
        # read 20 000 rows again while neither file changes
        write_record(data_dir, dt.datetime.now().isoformat(timespec="seconds"))
    return imported, result, "\n".join(lines)
