"""Run parameters: default.yaml ← <period>.yaml ← --params FILE ← --set key=value, merged and checked."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kpi.errors import ParameterError, UsageError
from kpi.paths import PARAMS_DIR, display
from kpi.run.periods import parse_period, periods_with_params
from kpi.yamlio import load_yaml, parse_yaml


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``key.sub=value`` into a key path and a YAML-typed value (``5`` → 5, ``true`` → True)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not key or any(not part for part in key.split(".")):
        raise ParameterError(f"--set {text!r}: write it as KEY=VALUE, e.g. --set report.commentary='Hyvä kausi'")
    return key.split("."), parse_yaml(value, origin=f"--set {key}", error=ParameterError) if value.strip() else ""


def _merge(base: dict, update: dict, *, schema: dict, origin: str, prefix: str = "") -> None:
    for key, value in update.items():
        name = f"{prefix}{key}"
        if key not in schema:
            known = ", ".join(f"{prefix}{k}" for k in schema)
            raise ParameterError(f"{origin}: unknown parameter {name!r} (known: {known})")
        expected = schema[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise ParameterError(f"{origin}: {name!r} must be a mapping of its own keys, found {value!r}")
            _merge(base.setdefault(key, {}), value, schema=expected, origin=origin, prefix=f"{name}.")
            continue
        given = value
        value = _as_number(expected, value)
        if expected is not None and value is not None and not _same_type(expected, value):
            raise ParameterError(f"{origin}: {name!r} must be {_type_name(expected)}, found {value!r}")
        if _whole(expected) and isinstance(value, float):
            if not value.is_integer():
                raise ParameterError(
                    f"{origin}: {name!r} must be a whole number, like its default {expected}; found {given}"
                )
            value = int(value)  # 3.0 is the whole number 3
        base[key] = value


# a number as Finnish Excel writes it: a decimal comma, perhaps a Unicode minus
_DECIMAL_COMMA = re.compile(r"[-\u2212]?\d+,\d+")


def _whole(expected: Any) -> bool:
    return isinstance(expected, int) and not isinstance(expected, bool)


def _as_number(expected: Any, value: Any) -> Any:
    """`value` as a number where the default is one and it is written with a decimal comma (``10,5``, which YAML
    reads as text); anything else as it is."""
    if isinstance(value, str) and isinstance(expected, int | float) and not isinstance(expected, bool):
        text = value.strip()
        if _DECIMAL_COMMA.fullmatch(text):
            return float(text.replace("\u2212", "-").replace(",", "."))
    return value


def _same_type(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool)
    if isinstance(expected, int | float):
        return isinstance(value, int | float)
    return isinstance(value, type(expected))


def _type_name(value: Any) -> str:
    return {
        bool: "true or false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dt.date: "a date YYYY-MM-DD",
    }.get(type(value), type(value).__name__)


def load_params(
    period_end: dt.date, *, params_dir: Path = PARAMS_DIR, extra_file: Path | None = None, overrides: Iterable[str] = ()
) -> dict[str, Any]:
    """Merge the parameters of one run.

    Parameters
    ----------
    period_end : datetime.date
        The period; ``params/<YYYY-MM-DD>.yaml`` must exist.
    params_dir : Path
        Folder with ``default.yaml`` and the period files.
    extra_file : Path, optional
        A further YAML file (``--params``), applied after the period file.
    overrides : iterable of str
        ``key.sub=value`` strings (``--set``), applied last.

    Returns
    -------
    dict
        The merged parameters; every key exists in ``default.yaml`` (which is the schema: a key not in it,
        or a value of another type than its default, is an error). ``period_end`` equals `period_end`.

    Raises
    ------
    ParameterError
    """
    params_dir = Path(params_dir)
    default = load_yaml(params_dir / "default.yaml", error=ParameterError)
    if not isinstance(default, dict):
        raise ParameterError(f"{display(params_dir / 'default.yaml')}: must be a mapping of parameters")
    schema = copy.deepcopy(default)
    merged = copy.deepcopy(default)
    period_file = params_dir / f"{period_end.isoformat()}.yaml"
    if not period_file.exists():
        raise ParameterError(f"no parameters for period {period_end.isoformat()}: {display(period_file)} is missing")
    layers: list[tuple[str, Any]] = [(display(period_file), load_yaml(period_file, error=ParameterError))]
    if extra_file is not None:
        layers.append((display(extra_file), load_yaml(extra_file, error=ParameterError)))
    for origin, layer in layers:
        if layer is None:
            continue
        if not isinstance(layer, dict):
            raise ParameterError(f"{origin}: must be a mapping of parameters")
        _merge(merged, layer, schema=schema, origin=origin)
    for text in overrides:
        path, value = parse_override(text)
        nested: dict[str, Any] = value
        for part in reversed(path):
            nested = {part: nested}
        _merge(merged, nested, schema=schema, origin=f"--set {text}")
    if isinstance(merged.get("period_end"), str):
        try:  # a quoted date in YAML is text; make it a date
            merged["period_end"] = parse_period(merged["period_end"])
        except UsageError as exc:
            raise ParameterError(f"{display(period_file)}: {exc}") from None
    if merged.get("period_end") != period_end:
        raise ParameterError(
            f"{display(period_file)}: period_end is {merged.get('period_end')!r}, "
            f"expected {period_end.isoformat()} (the file name's period)"
        )
    return merged


def quality_settings(period_end: dt.date, *, params_dir: Path = PARAMS_DIR) -> dict[str, list[str]]:
    """The gate's severity overrides for a period: from ``params/<period>.yaml`` when it exists, else the defaults."""
    if (Path(params_dir) / f"{period_end.isoformat()}.yaml").exists():
        params = load_params(period_end, params_dir=params_dir)
    else:
        params = load_yaml(Path(params_dir) / "default.yaml", error=ParameterError)
    quality = params.get("quality") or {}
    return {"soft": list(quality.get("soft") or []), "hard": list(quality.get("hard") or [])}


def complete_params(given: dict[str, Any], *, params_dir: Path = PARAMS_DIR) -> dict[str, Any]:
    """Fill what a notebook was given (possibly only part of a section) from ``default.yaml``, checked the same way.

    Plain ``papermill -f params/<period>.yaml`` passes each top-level key as it stands in that file, so
    ``report`` may lack ``title``; this gives the notebook the full, merged set.

    Raises
    ------
    ParameterError
        When no period is given (``papermill -f params/default.yaml``, whose ``period_end`` is null): the
        message says which parameter to give and how.
    """
    if given.get("period_end") in (None, ""):
        periods = periods_with_params(params_dir)
        example = (periods[-1] if periods else dt.date(2023, 12, 31)).isoformat()
        raise ParameterError(
            f"period_end puuttuu: anna kausi, esim. papermill -p period_end {example} … tai "
            f"papermill -f {display(Path(params_dir) / (example + '.yaml'))} … (params/default.yaml ei aseta kautta)."
        )
    default = load_yaml(Path(params_dir) / "default.yaml", error=ParameterError)
    merged = copy.deepcopy(default)
    _merge(
        merged,
        {k: v for k, v in given.items() if v is not None},
        schema=copy.deepcopy(default),
        origin="notebook parameters",
    )
    if isinstance(merged.get("period_end"), str):
        merged["period_end"] = parse_period(merged["period_end"])
    return merged
