"""Finnish vocabulary and formats, the bottom of kpi: numbers, euros, per cents, dates, periods and the status scale."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Callable, Iterable

import pandas as pd

NBSP = "\u00a0"  # between thousands and before a unit, so "1 234 €" never breaks across lines
MINUS = "\u2212"  # the typographic minus of Finnish typesetting (SFS 4175)

#: The status scale used everywhere, best first (ARCHITECTURE.md: "Status scale everywhere").
TOTEUTUNUT, OSITTAIN, EI_TOTEUTUNUT, EI_ARVIOITAVISSA = (
    "toteutunut",
    "osittain toteutunut",
    "ei toteutunut",
    "ei arvioitavissa",
)
STATUSES = (TOTEUTUNUT, OSITTAIN, EI_TOTEUTUNUT, EI_ARVIOITAVISSA)

#: Numbers 0–10 written out, as Finnish text writes small counts.
NUMBER_WORDS = (
    "nolla",
    "yksi",
    "kaksi",
    "kolme",
    "neljä",
    "viisi",
    "kuusi",
    "seitsemän",
    "kahdeksan",
    "yhdeksän",
    "kymmenen",
)

# Status: a symbol and the words go with the colour, so nothing depends on seeing colours.
STATUS_SYMBOLS = {"toteutunut": "✓", "osittain toteutunut": "◐", "ei toteutunut": "✗", "ei arvioitavissa": "?"}
# Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; text on them is black
# or white as given, each pair at least 4.5:1 (WCAG 2.1 AA).
STATUS_COLOURS = {
    "toteutunut": ("#009E73", "#000000"),
    "osittain toteutunut": ("#E69F00", "#000000"),
    "ei toteutunut": ("#D55E00", "#000000"),
    "ei arvioitavissa": ("#BBBBBB", "#000000"),
}


def rounded(value: float, decimals: int) -> decimal.Decimal:
    """`value` rounded half away from zero as written (1,65 → 1,7; 2,5 → 3), as a Finnish reader rounds.

    The shortest decimal text of the float is rounded, not its binary value (1.65 is stored as 1.6499…).
    """
    return decimal.Decimal(repr(float(value))).quantize(decimal.Decimal(1).scaleb(-decimals), decimal.ROUND_HALF_UP)


def number(value: float | None, decimals: int = 1, *, empty: str = "–") -> str:
    """``1 234,5``: no-break space between thousands, decimal comma, typographic minus; `empty` for a missing value.

    Agrees with Babel's ``fi_FI`` number format (pattern ``#,##0.0…``, half-up rounding); a test compares them.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return empty
    if math.isinf(float(value)):
        return ("" if value > 0 else MINUS) + "∞"
    exact = rounded(value, decimals)
    text = f"{abs(exact):,.{decimals}f}".replace(",", NBSP).replace(".", ",")
    return (MINUS if exact < 0 else "") + text


def euros(value: float | None, *, decimals: int = 0, compact: bool = True) -> str:
    """``1 234 €``; with `compact`, a million or more as ``1,3 M€``."""
    if value is None or pd.isna(value):
        return "–"
    if compact and abs(value) >= 1_000_000:
        return f"{number(value / 1_000_000, 1)}{NBSP}M€"
    return f"{number(value, decimals)}{NBSP}€"


def percent(value: float | None, decimals: int = 1) -> str:
    """``12,3 %`` (a space before the sign, as Finnish writes it)."""
    return "–" if value is None or pd.isna(value) else f"{number(value, decimals)}{NBSP}%"


def signed_percent(value: float, decimals: int = 1) -> str:
    """``+7,4 %`` / ``−33,3 %``: a change in per cents with its sign (none when it rounds to zero)."""
    return ("+" if rounded(value, decimals) > 0 else "") + percent(value, decimals)


#: Decimals of a unit, the same for every value of it, so a column or a sentence never mixes "7,10" and "13,9":
#: counts in whole numbers (a half of an odd target in one decimal, ``1,5 kpl``), rates and 1–5 scales in one,
#: prices and millions of euros in two. A unit not listed gets its decimals from the size of the value.
UNIT_DECIMALS = {
    "kpl": 0,
    "henkilöä": 0,
    "työpaikkaa": 0,
    "vrk": 0,
    "HTV": 0,
    "€": 0,
    "€/asukas": 0,
    "€/kylä": 0,
    "pv/HTV": 1,
    "asteikko 1–5": 1,
    "M€": 2,
    "€/ateria": 2,
    "€/matka": 2,
    "€/m²": 2,
}
#: Units of things counted: whole numbers, but half of an odd target keeps its half (``1,5 kpl``).
COUNT_UNITS = frozenset({"kpl", "henkilöä", "työpaikkaa", "vrk", "HTV"})


def unit_decimals(value: float, unit: str) -> int:
    """The decimals `value` is written with in `unit` (:data:`UNIT_DECIMALS`; a whole-number unit shows a
    fraction with one decimal, ``1,5 kpl``); for another unit, by size: ``1 234``, ``12,3``, ``1,23``."""
    fixed = UNIT_DECIMALS.get(unit)
    if unit in COUNT_UNITS:
        return 0 if rounded(value, 1) == rounded(value, 0) else 1
    if fixed is not None:
        return fixed
    return 0 if float(value).is_integer() or abs(value) >= 100 else 1 if abs(value) >= 10 else 2


def with_unit(value: float | None, unit: str, *, decimals: int | None = None) -> str:
    """A value in its unit: euros and percentages as above, others ``12,5 kpl``; decimals by unit
    (:func:`unit_decimals`). A scale is named after the number: ``3,6 (asteikolla 1–5)``."""
    if value is None or pd.isna(value):
        return "–"
    if decimals is None:
        decimals = unit_decimals(value, unit)
    if unit == "%":
        return percent(value, decimals)
    if unit.startswith("asteikko "):
        return f"{number(value, decimals)} (asteikolla {unit.removeprefix('asteikko ')})"
    return f"{number(value, decimals)}{NBSP}{unit}"


def range_with_unit(low: float | None, high: float | None, unit: str, *, decimals: int | None = None) -> str:
    """A range the Finnish way, an unspaced en dash and the unit once: ``3–5 €/m²``, ``11,3–19,7 %``."""
    if low is None or pd.isna(low) or high is None or pd.isna(high):
        return "–"
    if decimals is None:
        decimals = max(unit_decimals(low, unit), unit_decimals(high, unit))
    return f"{number(low, decimals)}–{with_unit(high, unit, decimals=decimals)}"


def euro_scale(values: Iterable[float | None], *, decimals: int = 2) -> Callable[[float | None], str]:
    """One scale for amounts read together (a column, a sentence): all in M€ with `decimals` when the largest
    is a million or more, otherwise all in whole euros. Returns the formatter."""
    finite = [abs(float(v)) for v in values if v is not None and not pd.isna(v)]
    if finite and max(finite) >= 1_000_000:
        return lambda v: "–" if v is None or pd.isna(v) else f"{number(v / 1_000_000, decimals)}{NBSP}M€"
    return lambda v: euros(v, compact=False)


def date(value: dt.date | pd.Timestamp | None) -> str:
    """``30.6.2023``: a date the Finnish way, without leading zeros ('' for a missing date); Babel's fi_FI short date."""
    if value is None or pd.isna(value):
        return ""
    return f"{value.day}.{value.month}.{value.year}"


def timestamp(value: dt.datetime | str, *, seconds: bool = False) -> str:
    """``3.6.2023 klo 9.05``: a moment the Finnish way (an ISO text is read first); Babel's fi_FI date and time."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    time = f"{value.hour}.{value.minute:02d}" + (f".{value.second:02d}" if seconds else "")
    return f"{date(value)} klo {time}"


def is_half_year(period_end: dt.date | pd.Timestamp) -> bool:
    """True for a 30.6. period end (January–June), False for 31.12. (the whole year)."""
    return period_end.month == 6


def period_label(period_end: dt.date, *, long: bool = False) -> str:
    """The name of a period: ``osavuosikatsaus 1–6/2023`` or ``tilinpäätös 2023`` (lower case, as it stands
    mid-sentence); with `long`, a heading with the date: ``Osavuosikatsaus 1–6/2023 (30.6.2023)``."""
    name = f"osavuosikatsaus 1–6/{period_end.year}" if is_half_year(period_end) else f"tilinpäätös {period_end.year}"
    return f"{name[0].upper()}{name[1:]} ({date(period_end)})" if long else name


def status_label(status: str | None) -> str:
    """``✓ toteutunut`` — the symbol and the words of a status."""
    if not status:
        return "–"
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip()


def count_phrase(n: int, total: int, noun: str) -> str:
    """``Viidestä tavoitteesta kolme`` style counts for generated text: numbers 1–10 written out."""
    words = NUMBER_WORDS
    elatives = [
        "nollasta",
        "yhdestä",
        "kahdesta",
        "kolmesta",
        "neljästä",
        "viidestä",
        "kuudesta",
        "seitsemästä",
        "kahdeksasta",
        "yhdeksästä",
        "kymmenestä",
    ]
    of = elatives[total] if total <= 10 else f"{total}:stä"
    return f"{of} {noun} {words[n] if n <= 10 else n}"


_MARKDOWN_SPECIALS = "\\`*_{}[]()#+!|"


def escape_markdown(value: object) -> str:
    """Text from an input file made safe for a Markdown cell: HTML escaped, Markdown's own characters backslashed.

    A commentary or a name containing ``<script>`` then shows as text and runs nothing.
    """
    import html

    text = html.escape(str(value), quote=False)
    return "".join(f"\\{c}" if c in _MARKDOWN_SPECIALS else c for c in text)
