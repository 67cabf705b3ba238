"""The municipality classification: codes, names in Finnish, Swedish and English, and the regional groupings."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi.errors import InputFileError
from kpi.inputs.open_data.textfile import name, read_text, split_csv

#: The code of the whole country, as Statistics Finland writes it.
WHOLE_COUNTRY = "SSS"
WHOLE_COUNTRY_NAME = "Koko maa"
_WHOLE_COUNTRY_NAMES = ("koko maa", "hela landet", "whole country", "sss")

# Column names accepted for each field, first match wins (Statistics Finland's and geofi's spellings).
_CODE = ("kunta", "municipality_code", "kunta_code", "kuntakoodi", "kunta_koodi", "code", "koodi")
_NAME_FI = ("municipality_name_fi", "kunta_name", "kunta_name_fi", "nimi", "name_fi")
_NAME_SV = ("municipality_name_sv", "kunta_name_sv", "namn", "name_sv")
_NAME_EN = ("municipality_name_en", "kunta_name_en", "name_en")
#: The groupings kept with their codes and Finnish names; the first three are required (peers are picked by them).
GROUPS = ("maakunta", "seutukunta", "kuntaryhmitys", "hyvinvointialue", "kielisuhde")
_REQUIRED_GROUPS = ("maakunta", "seutukunta", "kuntaryhmitys")
_CODE_WIDTH = {"maakunta": 2, "seutukunta": 3}
#: Municipalities merged into another (code, name, merged_into, year): older statistics still name them. Their rows
#: are left out of the comparison and counted, instead of stopping an import as an unknown name would.
FORMER_FILE = Path(__file__).with_name("former_municipalities.csv")


def normal_name(text: str) -> str:
    """A name as names are compared: case-folded, NFC, dashes as '-', no spaces around them, single spaces."""
    t = unicodedata.normalize("NFC", str(text)).casefold()
    t = re.sub(r"[\u2010-\u2015\u2212]", "-", t)
    t = re.sub(r"\s*-\s*", "-", t)
    return " ".join(t.split())


def municipality_code(text: str) -> str | None:
    """The three-digit code in ``"320"``, ``"5"``, ``"KU320"``, ``"320 Kemijärvi"`` or ``"SSS"``; None otherwise."""
    t = str(text).strip()
    if re.fullmatch(r"(?i)SSS(?:\s+\S.*)?", t):
        return WHOLE_COUNTRY
    m = re.fullmatch(r"(?i)(?:KU)?(\d{1,3})(?:\s+\S.*)?", t)
    return m[1].zfill(3) if m else None


@dataclass(frozen=True)
class Classification:
    """Statistics Finland's municipality classification of one year.

    Attributes
    ----------
    path : Path
        The file it was read from.
    municipalities : pandas.DataFrame
        One row per municipality: ``municipality_code`` (three digits), ``municipality`` (Finnish name),
        ``municipality_sv``, ``municipality_en``, and for each of maakunta, seutukunta, kuntaryhmitys,
        hyvinvointialue and kielisuhde its ``<group>_code`` and ``<group>`` (Finnish name); "" where the file
        has no such column.
    year : str
        The classification's year (the ``year`` column), "" when the file does not say.
    """

    path: Path
    municipalities: pd.DataFrame
    year: str = ""
    _by_name: dict[str, str] = field(default_factory=dict, repr=False)
    _names: dict[str, str] = field(default_factory=dict, repr=False)
    _former: dict[str, str] = field(default_factory=dict, repr=False)  # normal name or code → "Honkajoki (→ 214, 2021)"

    def code_of(self, name: str) -> str | None:
        """The code of a municipality named in Finnish, Swedish or English (case and spaces do not matter),
        "SSS" for the whole country (KOKO MAA, HELA LANDET, WHOLE COUNTRY); a code (``"320"``, ``"KU320"``) is
        taken as it is when the classification has it. None when nothing matches."""
        key = normal_name(name)
        if key in _WHOLE_COUNTRY_NAMES:
            return WHOLE_COUNTRY
        found = self._by_name.get(key)
        if found is not None:
            return found
        code = municipality_code(name)
        return code if code is not None and (code == WHOLE_COUNTRY or code in self._names) else None

    def name_of(self, code: str) -> str | None:
        """The Finnish name of the municipality with `code` ("Koko maa" for "SSS"); None for an unknown code."""
        normal = municipality_code(code)
        if normal == WHOLE_COUNTRY:
            return WHOLE_COUNTRY_NAME
        return self._names.get(normal or "")

    def former(self, name: str) -> str | None:
        """For a municipality merged into another (:data:`FORMER_FILE`), how: ``"Honkajoki (liitetty 2021 kuntaan
        Kankaanpää)"``; None for any other name."""
        key = normal_name(name)
        return self._former.get(key) or self._former.get(municipality_code(name) or "")

    def codes(self) -> list[str]:
        """Every municipality code of the classification, in its order."""
        return list(self.municipalities["municipality_code"])


def _pick(columns: dict[str, int], choices: tuple[str, ...]) -> int | None:
    return next((columns[c] for c in choices if c in columns), None)


def load_classification(path: Path) -> Classification:
    """Read Statistics Finland's municipality classification (the CSV of ``kunta``, names and groupings).

    Parameters
    ----------
    path : Path
        A CSV with a code column (``kunta`` or ``municipality_code``), the Finnish name
        (``municipality_name_fi``) and ``maakunta_code``, ``seutukunta_code``, ``kuntaryhmitys_code``; Swedish and
        English names and the groupings' names are used when present. Any encoding and delimiter the open-data
        readers accept.

    Returns
    -------
    Classification

    Raises
    ------
    InputFileError
        When the file cannot be read, lacks a required column, has a code that is not a municipality code or the
        same code twice.
    """
    path = Path(path)
    table = split_csv(path, read_text(path))
    columns = {h.strip().lower(): k for k, h in enumerate(table.header)}
    lower_to_header = {h.strip().lower(): h for h in table.header}
    code_col = _pick(columns, _CODE)
    fi_col = _pick(columns, _NAME_FI)
    required: dict[str, int | None] = {
        "municipality code (kunta)": code_col,
        "Finnish name (municipality_name_fi)": fi_col,
    }
    for group in _REQUIRED_GROUPS:
        required[f"{group}_code"] = columns.get(f"{group}_code")
    missing = [what for what, col in required.items() if col is None]
    if missing:
        raise InputFileError(
            f"{name(path)}: not a municipality classification: no column for {', '.join(missing)}; the columns are "
            f"{', '.join(repr(h) for h in table.header[:12])}{' …' if len(table.header) > 12 else ''}; expected "
            "Statistics Finland's classification with kunta, municipality_name_fi/sv/en and the groupings' "
            "<group>_code and <group>_name_fi columns"
        )
    assert code_col is not None and fi_col is not None
    frame = table.frame
    raw_codes = frame[code_col].astype(str).str.strip()
    codes = raw_codes.map(municipality_code)
    bad = [(int(r), c) for r, c, ok in zip(table.rows, raw_codes, codes.notna()) if not ok]
    if bad:
        sample = "; ".join(f"row {r}: {c!r}" for r, c in bad[:5])
        raise InputFileError(
            f"{name(path)}: column {table.header[code_col]!r} must hold municipality codes like 320 or 005; "
            f"{len(bad)} row{'s differ' if len(bad) > 1 else ' differs'}: {sample}"
        )
    twice = codes[codes.duplicated(keep=False)]
    if len(twice):
        groups = [
            f"{code} on rows {', '.join(str(table.rows[i]) for i in group.index)}"
            for code, group in list(twice.groupby(twice, sort=False))[:5]
        ]
        raise InputFileError(
            f"{name(path)}: a municipality code appears twice: {'; '.join(groups)}; expected one row per code"
        )

    def text(col: int | None) -> pd.Series:
        if col is None:
            return pd.Series([""] * len(frame), dtype=object)
        return frame[col].fillna("").astype(str).str.strip()

    out = pd.DataFrame(
        {
            "municipality_code": codes,
            "municipality": text(fi_col),
            "municipality_sv": text(_pick(columns, _NAME_SV)),
            "municipality_en": text(_pick(columns, _NAME_EN)),
        }
    )
    for group in GROUPS:
        group_codes = text(columns.get(f"{group}_code"))
        width = _CODE_WIDTH.get(group)
        if width:
            group_codes = group_codes.where(~group_codes.str.fullmatch(r"\d+"), group_codes.str.zfill(width))
        out[f"{group}_code"] = group_codes
        out[group] = text(columns.get(f"{group}_name_fi"))
    out = out.astype(str).reset_index(drop=True)

    by_name: dict[str, str] = {}
    clashes: list[str] = []
    name_columns = [c for c in (*_NAME_FI, *_NAME_SV, *_NAME_EN) if c in columns]
    for col in name_columns:
        for code, label in zip(codes, text(columns[col])):
            if not label:
                continue
            key = normal_name(label)
            if by_name.setdefault(key, code) != code:
                clashes.append(f"{label!r} ({lower_to_header[col]}) is {by_name[key]} and {code}")
    if clashes:
        raise InputFileError(
            f"{name(path)}: a name belongs to two municipalities: {'; '.join(clashes[:5])}; names must be unique "
            "to map names to codes"
        )
    year_col = columns.get("year")
    years = sorted(set(text(year_col))) if year_col is not None else []
    return Classification(
        path=path,
        municipalities=out,
        year=years[0] if len(years) == 1 else "",
        _by_name=by_name,
        _names=dict(zip(out["municipality_code"], out["municipality"])),
        _former=_former_municipalities(dict(zip(out["municipality_code"], out["municipality"]))),
    )


def _former_municipalities(names: dict[str, str]) -> dict[str, str]:
    import csv

    found = {}
    with open(FORMER_FILE, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            into = names.get(row["merged_into"].zfill(3), row["merged_into"])
            text = f"{row['name']} (liitetty {row['year']} kuntaan {into})"
            found[normal_name(row["name"])] = found[row["code"].zfill(3)] = text
    return found
