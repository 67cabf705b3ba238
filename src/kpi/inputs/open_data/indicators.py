"""The known indicators (indicators.yaml): published labels, json-stat codes and Sotkanet ids to id, name and unit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kpi.errors import KpiError
from kpi.yamlio import load_yaml

INDICATORS_FILE = Path(__file__).with_name("indicators.yaml")


@dataclass(frozen=True)
class Indicator:
    """One indicator as the long table names it: a stable id, a Finnish name, a unit, and its source when known."""

    id: str
    name: str
    unit: str
    source: str = ""
    known: bool = True


def label_key(label: str) -> str:
    """A label as labels are compared: without case, accents, underscores or extra spaces; "euroa/asukas" and
    "€/invånare" written as "€/asukas"."""
    t = unicodedata.normalize("NFKD", str(label).casefold())
    t = "".join(c for c in t if not unicodedata.combining(c))
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t).replace("_", " ")
    t = re.sub(r"\s*-\s*", "-", t)
    t = re.sub(r"\beuroa?\s*/\s*(asukas|invanare)\b", "€/asukas", t).replace("€/invanare", "€/asukas")
    return " ".join(t.split())


def slug(text: str) -> str:
    """A snake_case id from any text: ASCII letters and digits joined by underscores."""
    t = unicodedata.normalize("NFKD", str(text).casefold())
    t = "".join(c for c in t if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "_", t).strip("_") or "x"


@dataclass(frozen=True)
class Registry:
    """The contents of indicators.yaml, indexed by label key, json-stat code and Sotkanet number."""

    by_label: dict[str, Indicator]
    by_code: dict[str, Indicator]
    by_sotkanet: dict[int, Indicator]
    sources: dict[str, str]  # indicator id → source of its table


@cache
def registry() -> Registry:
    """Read indicators.yaml once."""
    data = load_yaml(INDICATORS_FILE, error=KpiError)
    tables = {key: str(value.get("source", "")) for key, value in (data.get("tables") or {}).items()}
    by_label: dict[str, Indicator] = {}
    by_code: dict[str, Indicator] = {}
    by_sotkanet: dict[int, Indicator] = {}
    sources: dict[str, str] = {}
    for entry in data["indicators"]:
        source = tables.get(str(entry.get("table", "")), "")
        item = Indicator(str(entry["id"]), str(entry["name"]), str(entry.get("unit") or ""), source)
        sources[item.id] = source
        for label in entry.get("labels", []):
            key = label_key(label)
            if by_label.setdefault(key, item) != item:
                raise KpiError(f"{INDICATORS_FILE}: the label {label!r} is given to two indicators")
        for code in entry.get("codes", []):
            by_code[str(code).casefold()] = item
        for number in entry.get("sotkanet", []):
            by_sotkanet[int(number)] = item
    return Registry(by_label, by_code, by_sotkanet, sources)


_UNIT_WORDS = {
    "%": "%",
    "eur per capita": "€/asukas",
    "€/asukas": "€/asukas",
    "persons": "henkilöä",
    "henkiloa": "henkilöä",
    "personer": "henkilöä",
    "eur": "€",
    "euroa": "€",
    "€": "€",
    "1000 eur": "1 000 €",
    "1 000 euroa": "1 000 €",
    "1000 euroa": "1 000 €",
    "1 000 €": "1 000 €",
}


def guess_unit(label: str) -> str:
    """The unit a published label ends with ("…, %" → "%", "…, EUR per capita" → "€/asukas"), "" when none."""
    last = label_key(label.rsplit(",", 1)[-1]) if "," in label else ""
    return _UNIT_WORDS.get(last, "")


def by_label(label: str) -> Indicator:
    """The indicator published under `label` (any of its languages); an unknown label gets a slug id, the label as
    its name and the unit its last comma-separated part names."""
    found = registry().by_label.get(label_key(label))
    if found is not None:
        return found
    return Indicator(slug(label), label.strip(), guess_unit(label), "", known=False)


def by_code(code: str, label: str) -> Indicator:
    """The indicator of a json-stat content code (or, failing that, its label); else the code's slug and the label."""
    found = registry().by_code.get(str(code).casefold()) or registry().by_label.get(label_key(label))
    if found is not None:
        return found
    return Indicator(slug(code), label.strip() or str(code), guess_unit(label), "", known=False)


def by_sotkanet(number: int, title: str = "") -> Indicator:
    """The indicator of a Sotkanet indicator number; else ``sotkanet_<n>`` named by `title` when given."""
    found = registry().by_sotkanet.get(int(number))
    if found is not None:
        return found
    return Indicator(f"sotkanet_{int(number)}", title.strip() or f"Sotkanet-indikaattori {int(number)}", "", "", False)
