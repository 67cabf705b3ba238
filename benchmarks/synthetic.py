"""Synthetic input folders N× the embedded observations, for measuring how the gate and the KPI computations grow.

The embedded folder is copied; each indicator of strategia.yaml gets `copies` clones (standing for the same
indicator set of other municipalities: the data model has no municipality column, so a municipality's
indicators are modelled as more indicators under the same measures), and every indicator gets `extra_years`
earlier years of half-year values (copies of its 2021 rows). Every synthetic value is marked an example
value by construction: it is a copy of one.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import yaml

from kpi.paths import DATA_RAW

OBSERVATIONS = "havainnot.csv"
STRATEGY = "strategia.yaml"


def make(target: Path, *, copies: int, extra_years: int, source: Path = DATA_RAW) -> int:
    """Write a synthetic input folder to `target`; return its number of observation rows."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("README.md"))
    strategy = yaml.safe_load((source / STRATEGY).read_text(encoding="utf-8"))
    clone_ids = {}
    for goal in strategy["goals"]:
        for measure in goal["measures"]:
            originals = list(measure.get("indicators") or [])
            for j in range(1, copies):
                for ind in originals:
                    clone = {**ind, "id": f"{ind['id']}__k{j:04d}", "name": f"{ind['name']} (kunta {j})"}
                    clone_ids.setdefault(ind["id"], []).append(clone["id"])
                    measure["indicators"].append(clone)
    # the C emitter when PyYAML has it: the 1M-row folder has some 11 000 indicators
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    (target / STRATEGY).write_text(
        yaml.dump(strategy, Dumper=dumper, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )

    text = (source / OBSERVATIONS).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    ind_col, period_col = header.index("indikaattori_id"), header.index("kauden_loppu")
    extra = []
    for row in body:
        day_month, year = row[period_col].rsplit(".", 1)
        if year == "2021":
            for back in range(1, extra_years + 1):
                extra.append(row[:period_col] + [f"{day_month}.{2020 - back}"] + row[period_col + 1 :])
    body = body + extra
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    count = 0
    for row in body:
        writer.writerow(row)
        count += 1
        for clone in clone_ids.get(row[ind_col], ()):
            writer.writerow(row[:ind_col] + [clone] + row[ind_col + 1 :])
            count += 1
    (target / OBSERVATIONS).write_text(out.getvalue(), encoding="utf-8-sig")
    return count
