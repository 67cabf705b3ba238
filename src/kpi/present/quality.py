"""The data-quality gate's results for readers: Finnish tables, a Finnish summary and an offline HTML page."""

from __future__ import annotations

import datetime as dt
import html

import pandas as pd

from kpi import fi
from kpi.inputs.gate import GateResult
from kpi.inputs.quality import COMPLETENESS_CODES
from kpi.present.csp import CSP_META
from kpi.present.pages import PAGE_CSS, html_table
from kpi.present.summary import period_genitive

SEVERITY_FI = {"hard": "estävä", "soft": "huomautus"}
# Status is never shown by colour alone: a symbol and a word go with it.
OUTCOME_FI = {"passed": "✓ kunnossa", "failed": "✗ virhe", "flagged": "! huomautus"}
# One meaning per symbol across the reports: ○ is an example value as in the charts (◐ is "osittain toteutunut").
COMPLETENESS_FI = {"value": "● arvo", "example": "○ esimerkkiarvo", "no_data": "– ei tietoa", "missing": "✗ puuttuu"}


#: The keys of strategia.yaml are English; the Finnish reader gets the word, and the key to find in the file.
STRATEGY_KEYS_FI = {
    "measures": "mittarit",
    "actions": "toimenpiteet",
    "unit": "yksikkö",
    "targets": "tavoitteet",
    "responsible_area": "vastuualue",
}


def _column_fi(column: object, file: object) -> object:
    """``yksikkö (unit)`` for a key of strategia.yaml; the column of any other file as the file names it."""
    if file == "strategia.yaml" and column in STRATEGY_KEYS_FI:
        return f"{STRATEGY_KEYS_FI[str(column)]} ({column})"
    return column


def _outcome(passed: bool, severity: str) -> str:
    return OUTCOME_FI["passed" if passed else "failed" if severity == "hard" else "flagged"]


def checks_table(result: GateResult) -> pd.DataFrame:
    """Every check with its outcome, in Finnish: file, column, what is checked, severity, outcome, rows, examples."""
    f = result.findings_frame()
    return pd.DataFrame(
        {
            "Tiedosto": f.file,
            "Sarake": [_column_fi(c, file) for c, file in zip(f.column, f.file)],
            "Tarkistus": f.expected_fi,
            "Vakavuus": f.severity.map(SEVERITY_FI),
            "Tulos": [_outcome(p, s) for p, s in zip(f.passed, f.severity)],
            "Poikkeavia": f.unexpected.where(~f.passed, 0).astype(int),
            "Esimerkit": f.samples_fi.where(~f.passed, ""),
            "Tunnus": f.check_id,
        }
    )


def suite_summary(result: GateResult) -> pd.DataFrame:
    """One row per file: checks, passed, errors, remarks."""
    f = result.findings_frame()
    f = f.assign(error=~f.passed & (f.severity == "hard"), remark=~f.passed & (f.severity == "soft"))
    out = f.groupby("file", sort=False).agg(
        Tarkistuksia=("passed", "size"),
        Kunnossa=("passed", "sum"),
        Virheitä=("error", "sum"),
        Huomautuksia=("remark", "sum"),
    )
    out = out.astype(int).reset_index().rename(columns={"file": "Tiedosto"})
    out.insert(
        1,
        "Tila",
        [_outcome(e == 0 and h == 0, "hard" if e else "soft") for e, h in zip(out.Virheitä, out.Huomautuksia)],
    )
    return out


def completeness_table(matrix: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """The completeness matrix with symbols and words instead of codes, period ends as Finnish dates."""
    out = matrix.replace(COMPLETENESS_FI)
    out.columns = [fi.date(c) for c in out.columns]
    out.index = [f"{names.get(i, i)} ({i})" if names else i for i in out.index]
    out.index.name = "Indikaattori"
    return out


def completeness_counts(matrix: pd.DataFrame) -> pd.DataFrame:
    """Per period end: how many indicators have a value, an example value, a no-data mark or nothing."""
    counts = matrix.apply(lambda col: col.value_counts()).reindex(list(COMPLETENESS_CODES)).fillna(0).astype(int)
    counts.index = [COMPLETENESS_FI[c] for c in counts.index]
    counts.columns = [fi.date(c) for c in counts.columns]
    counts.index.name = "Tieto"
    return counts


def freshness_table(freshness: pd.DataFrame) -> pd.DataFrame:
    """Source files with their latest period end and whether they cover the period, in Finnish."""
    return pd.DataFrame(
        {
            "Tiedosto": freshness.file,
            "Sisältö": freshness.title,
            "Viimeisin kausi": freshness.latest_period_end.map(fi.date),
            "Rivejä kaudelta": freshness.rows_at_period,
            "Kattaa kauden": freshness.covers_period.map({True: "✓ kyllä", False: "✗ ei"}),
            "Tarkiste (sha256)": freshness.sha256,
        }
    )


def summary_fi(result: GateResult, *, examples: int | None = None) -> str:
    """A few Finnish sentences on the gate's outcome, generated from the findings."""
    f = result.findings_frame()
    period = period_genitive(result.period_end)
    errors, remarks = len(result.hard_failures), len(result.soft_findings)
    text = [
        f"{period[0].upper()}{period[1:]} tiedoille tehtiin {len(f)} tarkistusta, joista {int(f.passed.sum())} "
        "oli kunnossa."
    ]
    if errors:
        files = sorted({x.check.file for x in result.hard_failures})
        # one file is "tiedostossa", several "tiedostoissa"; the count does not start the sentence
        where = f"Tiedostossa {files[0]}" if len(files) == 1 else f"Tiedostoissa {_names(files)}"
        text.append(
            f"{where} on {_count(errors, 'estävä virhe', 'estävää virhettä')}, joten raportteja ei tehdä ennen kuin "
            f"{'virhe on' if errors == 1 else 'virheet on'} korjattu."
        )
    else:
        text.append("Estäviä virheitä ei ollut, joten tiedot voidaan raportoida.")
    if remarks:
        what = "Huomautus" if remarks == 1 else f"{_words(remarks).capitalize()} huomautusta"
        text.append(f"{what} (kuten esimerkkiarvot tai puuttuvat kauden arvot) merkitään raportteihin.")
    if examples:
        text.append(f"Kauden riveistä {examples} on esimerkkiarvoja; ne on merkitty raportteihin.")
    return " ".join(text)


def _count(n: int, one: str, many: str) -> str:
    return f"{_words(n)} {one if n == 1 else many}"


def _words(n: int) -> str:
    """A count as Finnish text writes it: in words up to ten, in digits above."""
    return fi.NUMBER_WORDS[n] if 0 <= n <= 10 else str(n)


def _names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " ja " + items[-1]


def render_quality_page(result: GateResult, *, made_at: dt.datetime, matrix: pd.DataFrame | None = None) -> str:
    """A self-contained Finnish HTML page of the gate's results (no scripts, no external resources).

    Parameters
    ----------
    result : GateResult
    made_at : datetime.datetime
        When the check ran (shown in the footer).
    matrix : pandas.DataFrame, optional
        :func:`kpi.inputs.quality.completeness_matrix`, when the inputs could be read.

    Returns
    -------
    str
        The page; every text from the input files is HTML-escaped.
    """
    period = fi.date(result.period_end)
    ok = result.passed
    status = "✓ Tiedot läpäisivät tarkistukset" if ok else "✗ Tiedoissa on estäviä virheitä: raportteja ei tehty"
    parts = [
        f"<h1>Tietojen laatu – {fi.period_label(result.period_end)} ({period})</h1>",
        f'<p class="status {"ok" if ok else "fail"}">{status}</p>',
        f"<p>{html.escape(summary_fi(result))}</p>",
        "<h2>Yhteenveto tiedostoittain</h2>",
        html_table(suite_summary(result), "Tarkistukset tiedostoittain"),
    ]
    checks = checks_table(result)
    failed = checks[checks.Tulos != OUTCOME_FI["passed"]]
    if len(failed):
        parts += [
            "<h2>Virheet ja huomautukset</h2>",
            "<p>Rivinumerot ovat tiedoston rivejä sellaisina kuin Excel ne näyttää (otsikkorivi on rivi 1).</p>",
            html_table(failed, "Virheet ja huomautukset"),
        ]
    if matrix is not None:
        parts += [
            "<h2>Indikaattoreiden kattavuus</h2>",
            html_table(completeness_counts(matrix), "Kattavuus kausittain", index=True),
        ]
    parts += ["<h2>Kaikki tarkistukset</h2>", html_table(checks, "Kaikki tarkistukset")]
    footer = (
        f"Tarkistettu {fi.timestamp(made_at)}. Tiedot: {html.escape(str(result.data_dir))}. "
        "Sivu ei lataa mitään verkosta."
    )
    return (
        '<!DOCTYPE html>\n<html lang="fi"><head><meta charset="utf-8">'
        f'{CSP_META}<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Tietojen laatu {period}</title><style>{PAGE_CSS}</style></head>"
        f"<body><main>{''.join(parts)}</main><footer>{footer}</footer></body></html>\n"
    )


def example_values_table(examples: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """:func:`kpi.inputs.quality.example_values` in Finnish; the ids of the Kohde column (each part of
    ``konsernihallinto / Toimintatuotot``) shown as `names` gives them, e.g. ``Konsernihallinto / Toimintatuotot``."""
    labels = names or {}
    return pd.DataFrame(
        {
            "Tiedosto": examples.file,
            "Rivi": examples.row.astype(int),
            "Kohde": [" / ".join(labels.get(part, part) for part in str(item).split(" / ")) for item in examples.item],
            "Arvo": examples.value.str.replace(".", ",", regex=False),
        }
    )


def stale_indicators_table(freshness: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Indicators whose latest value is older than the period (or that have none), in Finnish."""
    old = freshness[freshness.months_old.isna() | (freshness.months_old > 0)]
    return pd.DataFrame(
        {
            "Indikaattori": [f"{names.get(i, i)} ({i})" for i in old.indicator_id],
            "Lähde": old.source,
            "Viimeisin arvo": old.latest_value_period.map(lambda d: fi.date(d) if d else "ei arvoa"),
            "Ikä kuukausina": old.months_old.map(lambda m: "" if pd.isna(m) else str(int(m))),
        }
    )


def remarks_table(result: GateResult) -> pd.DataFrame:
    """Only the soft findings (huomautukset) of :func:`checks_table`."""
    table = checks_table(result)
    return table[table.Tulos == OUTCOME_FI["flagged"]].drop(columns=["Vakavuus", "Tulos"])
