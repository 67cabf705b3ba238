"""The great-expectations adapter: one ephemeral context, a suite per frame, and GX results turned into findings."""

from __future__ import annotations

import os
import sys
import time
from functools import cache
from typing import Any

import pandas as pd

from kpi import fi
from kpi.inputs.gate.result import Finding, Sample
from kpi.inputs.readers import CELLS_DETAIL, EXTRA_CELLS, SOURCE_ROW
from kpi.inputs.suites import Check


def skip_iri_grammar() -> None:
    """Call before anything imports jsonschema (great-expectations, nbformat, papermill, nbconvert).

    jsonschema compiles an IRI grammar at import when the optional rfc3987-syntax is installed (jupyter brings
    it): about 1,5 s of every such import here, for an "iri" format check this project never uses. Marking it
    absent makes jsonschema skip that one checker.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]  # None: "not installed"


@cache
def great_expectations() -> tuple[Any, Any, float]:
    """Import great-expectations once per process; return the module, its expectations and the import seconds."""
    # GX would otherwise send usage statistics: reports are built offline and must stay that way.
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    skip_iri_grammar()
    begin = time.perf_counter()
    import great_expectations as gx
    import great_expectations.expectations as gxe

    return gx, gxe, time.perf_counter() - begin


class Validator:
    """One ephemeral great-expectations context for the whole run; validates a frame against its checks."""

    def __init__(self) -> None:
        gx, self.gxe, _ = great_expectations()
        from great_expectations.data_context.types.base import ProgressBarsConfig

        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)  # no bars in logs
        self.source = self.context.data_sources.add_pandas("kpi")
        self.gx = gx

    def _suite(self, name: str, checks: list[Check]) -> Any:
        suite = self.gx.ExpectationSuite(name=name)
        for check in checks:
            expectation = check.build(self.gxe)
            expectation.meta = {"check_id": check.id}
            suite.add_expectation(expectation)
        return suite

    def validate(self, name: str, frame: pd.DataFrame, checks: list[Check], severity: dict[str, str]) -> list[Finding]:
        if not checks:
            return []
        asset_name = name.replace(":", "_")
        asset = self.source.add_dataframe_asset(name=asset_name)
        batch = asset.add_batch_definition_whole_dataframe(asset_name).get_batch(batch_parameters={"dataframe": frame})
        # Pass or fail first (BOOLEAN_ONLY: no counts, no row lists; much cheaper when all is well, as usual),
        # then only the failing checks again with the rows that failed them.
        results = {
            r.expectation_config.meta["check_id"]: r
            for r in batch.validate(
                self._suite(asset_name, checks), result_format={"result_format": "BOOLEAN_ONLY"}
            ).results
        }
        failed = [c for c in checks if not results[c.id].success]
        if failed:
            detailed = batch.validate(
                self._suite(f"{asset_name}_failed", failed),
                result_format={"result_format": "COMPLETE", "unexpected_index_column_names": [checks[0].key]},
            )
            results.update({r.expectation_config.meta["check_id"]: r for r in detailed.results})
        findings = [_finding(c, severity[c.id], results[c.id].to_json_dict(), frame) for c in checks]
        order = {c.id: n for n, c in enumerate(checks)}
        return sorted(findings, key=lambda f: order[f.check.id])


def _finding(check: Check, severity: str, r: dict, frame: pd.DataFrame) -> Finding:
    res = r.get("result") or {}
    info = r.get("exception_info") or {}
    errors = [v.get("exception_message") for v in info.values() if isinstance(v, dict) and v.get("raised_exception")]
    if info.get("raised_exception"):
        errors.append(info.get("exception_message"))
    if errors:
        absent = check.value if check.value and check.value not in frame.columns else None
        detail = (
            f"could not be checked: column '{check.column or absent}' is missing"
            if absent
            else f"could not be checked: {errors[0]}"
        )
        return Finding(check, severity, False, detail=detail)
    if r["success"]:
        return Finding(check, severity, True, total=int(res.get("element_count") or len(frame)))
    mismatched = (res.get("details") or {}).get("mismatched")
    if mismatched is not None:  # the column-set expectation
        missing = mismatched.get("missing") or []
        present = [c for c in (res.get("observed_value") or []) if c not in (SOURCE_ROW, EXTRA_CELLS, CELLS_DETAIL)]
        return Finding(
            check,
            severity,
            False,
            unexpected=len(missing),
            detail=f"missing column{'s' if len(missing) != 1 else ''} "
            f"{', '.join(repr(m) for m in missing)} (columns in the file: "
            f"{', '.join(repr(c) for c in present)})",
        )
    keys = [row[check.key] for row in res.get("unexpected_index_list") or []]
    keys = list(dict.fromkeys(keys))
    count = int(res.get("unexpected_count") or len(keys))
    return Finding(
        check,
        severity,
        False,
        unexpected=count,
        total=int(res.get("element_count") or len(frame)),
        samples=tuple(_sample(check, frame, k) for k in keys[:5]),
    )


def _sample(check: Check, frame: pd.DataFrame, key: Any) -> Sample:
    if hasattr(key, "item"):
        key = key.item()
    if not check.value or check.value not in frame.columns:
        return Sample(key)
    if f"{check.value}_text" in frame.columns:  # the frame says in words what is wrong (frames.coverage_frames)
        row = frame.loc[frame[check.key] == key].iloc[0]
        return Sample(key, sentence=str(row[f"{check.value}_text"]), sentence_fi=str(row[f"{check.value}_text_fi"]))
    value = frame.loc[frame[check.key] == key, check.value].iloc[0]
    if hasattr(value, "item"):  # a numpy scalar: show it as the plain number it is
        value = value.item()
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return Sample(key, "empty")
    if isinstance(value, pd.Timestamp):
        text = repr(fi.date(value))
    elif check.value == "detail" or check.value.endswith("_detail") or check.key != SOURCE_ROW:
        text = str(value)
    else:
        text = repr(int(value)) if isinstance(value, float) and value.is_integer() else repr(value)
    return Sample(key, text)
