"""The comparison page's parts: Finnish tables, sentences, alt texts, source lines and charts of the city and its peers.

Everything here takes the frames of :mod:`kpi.measures.comparison` (which this module does not import: the two
meet in the workbook) and only words, formats and draws them.
"""

from __future__ import annotations

import datetime as dt
import html
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.lines import Line2D

from kpi import fi
from kpi.present.charts import BLUE, WIDTH, FinnishTicks, _laid_out, figure_html

CITY, PEER, COUNTRY = "city", "peer", "country"  # the roles of kpi.measures.comparison's frames
PEER_COLOUR = "#888888"  # thin peer lines: 3,5:1 against white, above the 3:1 graphics need (WCAG 1.4.11)
PEER_TEXT = "#444444"  # their labels: text needs 4,5:1
#: Beyond this many lines a chart labels only the city, the country and the peers at either end.
MAX_LABELS = 11
LICENCE_TEXT = "Tiedot ovat avointa dataa"
#: The key-figure strips: type size (pt), a title's wrap width at that size in half the figure, and the layout in
#: inches (legend row on top, title's gap above its strip, strip, tick labels and the gap under it, side margins,
#: gap between the two columns).
KEY_FONT, KEY_TITLE_CHARS = 9.0, 34
KEY_LEGEND, KEY_TITLE_PAD, KEY_STRIP, KEY_TICKS, KEY_SIDE, KEY_GAP = 0.4, 0.05, 0.3, 0.3, 0.15, 0.35


# ---------------------------------------------------------------- words


def _value(value: Any, unit: str, decimals: int) -> str:
    return fi.with_unit(value, unit, decimals=int(decimals)).strip()


def _difference(value: float, unit: str, decimals: int) -> str:
    """``+4,2 %-yks.``, ``−47,4 €/asukas``: a signed difference; per cents differ in percentage points."""
    if pd.isna(value):
        return "–"
    sign = "+" if fi.rounded(value, int(decimals)) > 0 else ""
    return sign + (
        f"{fi.number(value, int(decimals))}{fi.NBSP}%-yks." if unit == "%" else _value(value, unit, decimals)
    )


def _names(names: Sequence[str]) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} ja {names[-1]}"


def _count(n: int, singular: str, partitive: str) -> str:
    """``kahdeksan vertailukuntaa``: small counts written out, the noun in the case a count takes."""
    return f"{fi.NUMBER_WORDS[n] if n <= 10 else fi.number(n, 0)} {singular if n == 1 else partitive}"


def intro(city: str, peers: Sequence[str], comparison: Mapping[str, Any], *, group: str = "") -> str:
    """The sentence under the title: the city, how its peers were chosen, and who they are.

    Parameters
    ----------
    city : str
        The city's Finnish name.
    peers : sequence of str
        The peers' Finnish names, in the order of the comparison.
    comparison : mapping
        ``comparison`` of the run parameters (how the peers were chosen: listed, or a group and a population range).
    group : str
        The name of the city's group when the peers are a group (``Itä-Lappi``).
    """
    if not peers:
        return f"{city} ilman vertailukuntia: parametrien mukaisia vertailukuntia ei löytynyt."
    how = ""
    if not comparison.get("peers"):
        kind = {"seutukunta": "seutukunnan", "maakunta": "maakunnan", "kuntaryhmitys": "kuntaryhmän"}.get(
            str(comparison.get("peer_group")), ""
        )
        how = f" (muut {kind} {group} kunnat".rstrip()
        low, high = (list(comparison.get("peer_population") or [0, 0]) + [0, 0])[:2]
        if low and high:
            how += f", väkiluku {fi.number(low, 0)}–{fi.number(high, 0)}"
        elif low:
            how += f", väkiluku vähintään {fi.number(low, 0)}"
        elif high:
            how += f", väkiluku enintään {fi.number(high, 0)}"
        how += ")"
    listed = _names(peers) if len(peers) <= 12 else f"{', '.join(peers[:12])} ja {fi.number(len(peers) - 12, 0)} muuta"
    return (
        f"{city} ja {_count(len(peers), 'vertailukunta', 'vertailukuntaa')}{how} – {listed} – avointen "
        "tilastojen valossa: väestön kehitys, keskeiset tunnusluvut ja työttömyys."
    )


def data_age(latest_year: int | None, period_end: dt.date) -> str:
    """A plain statement when the newest open figure is older than the report's period ("" otherwise)."""
    if latest_year is None:
        return "Avoimia tietoja ei ole raportin kaudelta eikä sitä aiemmilta vuosilta."
    if latest_year >= period_end.year:
        return ""
    return (
        f"Uusimmat avoimet tiedot ovat vuodelta {latest_year}; raportti koskee "
        f"{fi.period_label(period_end).replace('osavuosikatsaus', 'osavuosikatsausta').replace('tilinpäätös', 'tilinpäätöstä')} "
        f"({fi.date(period_end)})."
    )


def source_line(sources: pd.DataFrame) -> str:
    """``Lähde: Tilastokeskus, kuntien avainluvut 2020–2021, CC BY 4.0.`` for the sources of a table or chart
    (:func:`kpi.measures.comparison.sources`)."""
    if not len(sources):
        return ""
    parts = []
    for r in sources.itertuples():
        years = str(r.first) if r.first == r.last else f"{r.first}–{r.last}"
        parts.append(f"{r.source} {years}, {r.licence}")
    return f"{'Lähde' if len(parts) == 1 else 'Lähteet'}: {'; '.join(parts)}."


def with_source(block: str, sources: pd.DataFrame) -> str:
    """An HTML block (a figure or a table) with its source line under it."""
    line = source_line(sources)
    return block + (f'<p class="kpi-source">{html.escape(line)}</p>' if line else "")


def findings_markdown(sentences: Sequence[str]) -> str:
    """The comparison's findings as a Markdown list (text escaped)."""
    return "\n".join(f"- {fi.escape_markdown(s)}" for s in sentences) if sentences else "Ei havaintoja."


# ---------------------------------------------------------------- tables


def population_table(summary: pd.DataFrame, base_year: int | None) -> pd.DataFrame:
    """One row per series (:attr:`PopulationIndex.summary`): population at the start and end, change and rank."""
    if not len(summary):
        return pd.DataFrame(columns=["Kunta"])
    first, last = int(summary["first"].min()), int(summary["last"].max())
    return pd.DataFrame(
        {
            "Kunta": summary.municipality,
            f"Väkiluku {first}": summary.population_first.map(lambda v: fi.number(v, 0)),
            f"Väkiluku {last}": summary.population_last.map(lambda v: fi.number(v, 0)),
            "Muutos": summary.change_pct.map(fi.signed_percent),
            f"Indeksi ({base_year} = 100)": summary.index_last.map(lambda v: fi.number(v, 1)),
            "Sija (1 = kasvoi eniten)": summary["rank"].map(lambda v: fi.number(v, 0, empty="")),
        }
    )


def population_series_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The numbers behind the population chart: the index by year, one column per series."""
    wide = frame.pivot_table(index="year", columns="municipality", values="index", sort=False)
    order = list(dict.fromkeys(frame.municipality))
    out = pd.DataFrame({"Vuosi": [str(y) for y in wide.index]})
    for name in order:
        out[name] = [fi.number(v, 1) for v in wide[name]]
    return out


def key_figures_table(summary: pd.DataFrame, city: str) -> pd.DataFrame:
    """One row per key figure (:attr:`KeyFigures.summary`): the city's value, the peers' median, difference, rank."""
    rows = []
    for r in summary.itertuples():
        rows.append(
            {
                "Tunnusluku": r.indicator_name,
                "Vuosi": str(r.year),
                city: _value(r.city, r.unit, r.decimals),
                "Vertailukuntien mediaani": _value(r.median, r.unit, r.decimals),
                "Ero mediaaniin": _difference(r.difference, r.unit, r.decimals),
                "Sija (1 = suurin)": f"{fi.number(r.rank, 0)}/{r.ranked}" if pd.notna(r.rank) else "–",
                "Vaihteluväli": fi.range_with_unit(r.lowest, r.highest, r.unit, decimals=int(r.decimals)),
                "Koko maa": _value(r.country, r.unit, r.decimals),
            }
        )
    return pd.DataFrame(rows)


def key_values_table(values: pd.DataFrame) -> pd.DataFrame:
    """Every municipality's value of each key figure (:attr:`KeyFigures.values`): a row per figure, a column per
    municipality, the city first."""
    out = []
    for _, rows in values.groupby("indicator", sort=False):
        first = rows.iloc[0]
        row = {"Tunnusluku": f"{_label(first)} ({first.year})"}
        for r in rows.itertuples():
            row[r.municipality] = fi.number(r.value, int(r.decimals))
        out.append(row)
    return pd.DataFrame(out)


def unemployment_table(rates: pd.DataFrame) -> pd.DataFrame:
    """Unemployment rate (%) by year, a column per municipality, the months averaged and the peers' median."""
    if not len(rates):
        return pd.DataFrame(columns=["Vuosi"])
    years = sorted(set(rates.year))
    out = pd.DataFrame({"Vuosi": [str(y) for y in years]})
    months = rates.groupby("year").months.max()
    out["Kuukausia"] = [fi.number(months[y], 0) for y in years]
    for _, rows in rates.groupby("municipality_code", sort=False):
        by_year = rows.set_index("year").rate
        out[rows.municipality.iloc[0]] = [fi.number(by_year.get(y), 1) for y in years]
    median = rates.drop_duplicates("year").set_index("year")["median"]
    if median.notna().any():
        out["Vertailukuntien mediaani"] = [fi.number(median.get(y), 1) for y in years]
    return out


def unemployment_notes(rates: pd.DataFrame, names: Sequence[str] = ()) -> list[str]:
    """What the unemployment table's numbers are, which years have fewer than twelve months, and which of the
    municipalities `names` (the city and its peers) have no monthly figures at all."""
    notes = [
        "Työttömien työnhakijoiden osuus työvoimasta = työttömät työnhakijat / työvoima × 100, vuoden niiden "
        "kuukausien keskiarvo, joilta molemmat luvut ovat (työnvälitystilasto)."
    ]
    short = rates[rates.months < 12].drop_duplicates("year")
    for r in short.itertuples():
        notes.append(f"Vuoden {r.year} luku on {fi.number(r.months, 0)} kuukauden keskiarvo.")
    absent = [n for n in names if n not in set(rates.municipality)]
    if absent:
        notes.append(f"Työnvälitystilaston kuukausilukuja ei ole vertailutiedoissa: {_names(absent)}.")
    return notes


def sources_table(sources: pd.DataFrame) -> pd.DataFrame:
    """The open data the page uses (:func:`kpi.measures.comparison.sources`): source, table, years, licence."""
    return pd.DataFrame(
        {
            "Lähde": sources.source,
            "Taulukko": sources.table_id,
            "Vuodet": [str(a) if a == b else f"{a}–{b}" for a, b in zip(sources["first"], sources["last"])],
            "Haettu": [fi.date(dt.date.fromisoformat(d)) if d else "" for d in sources.retrieved],
            "Lisenssi": sources.licence,
        }
    )


# ---------------------------------------------------------------- alt texts


def population_alt(summary: pd.DataFrame, base_year: int | None) -> str:
    """The population chart's finding: the city's change and rank, the peers at either end, the whole country."""
    city = summary[summary.role == CITY]
    if not len(city):
        return "Väkiluku indeksinä: kunnan väkilukua ei ole taulukossa."
    c = city.iloc[0]
    verb = "laski" if fi.rounded(c.change_pct, 1) < 0 else "kasvoi"
    ranked = summary[summary.role != COUNTRY]
    text = (
        f"Väkiluku indeksinä {c['first']}–{c['last']} ({base_year} = 100). {c.municipality}: väkiluku {verb} "
        f"{fi.percent(abs(c.change_pct))} ({fi.number(c.population_first, 0)} → {fi.number(c.population_last, 0)})"
    )
    peers = summary[summary.role == PEER]
    if len(peers):
        text += f", sija {fi.number(c['rank'], 0)}/{len(ranked)} (1 = kasvoi eniten)"
        top, bottom = peers.iloc[0], peers.iloc[-1]
        if c["rank"] == len(ranked):
            text += f", {'eniten' if verb == 'laski' else 'vähiten'} vertailukunnista"
        # the population grew or fell, not the municipality: "eniten väkeä menetti Salla"
        most = "eniten kasvoi väkiluvultaan" if top.change_pct > 0 else "vähiten väkeä menetti"
        least = "eniten väkeä menetti" if bottom.change_pct < 0 else "vähiten kasvoi väkiluvultaan"
        text += (
            f". Vertailukunnista {most} {top.municipality} ({fi.signed_percent(top.change_pct)}), "
            f"{least} {bottom.municipality} ({fi.signed_percent(bottom.change_pct)})"
        )
    country = summary[summary.role == COUNTRY]
    if len(country):
        text += f"; koko maa {fi.signed_percent(country.change_pct.iloc[0])}"
    return text + "."


def key_figures_alt(summary: pd.DataFrame, city: str) -> str:
    """The key-figure chart's finding: where the city is the highest or the lowest of the comparison."""
    if not len(summary):
        return "Tunnuslukuja ei ole taulukossa."
    highest = [r.indicator_name.lower() for r in summary.itertuples() if r.rank == 1]
    lowest = [r.indicator_name.lower() for r in summary.itertuples() if r.rank == r.ranked and r.ranked > 1]
    text = (
        f"{city} ja vertailukunnat: {_count(len(summary), 'tunnusluku', 'tunnuslukua')}, kukin omalla asteikollaan; "
        f"{city} on sininen neliö ja pystyviiva vertailukuntien mediaani."
    )
    if highest:
        # the city's name is never inflected (any city): it stands in brackets
        text += f" Vertailun suurin arvo ({city}): {_names(highest)}."
    if lowest:
        text += f" Vertailun pienin arvo ({city}): {_names(lowest)}."
    return text


def unemployment_alt(rates: pd.DataFrame) -> str:
    """The unemployment chart's finding: the city's rate at the start and end, its rank and the peers' median."""
    city = rates[rates.role == CITY]
    if not len(city):
        return "Työttömien työnhakijoiden osuus työvoimasta vuosittain: kunnan lukuja ei ole taulukossa."
    first, last = city.iloc[0], city.iloc[-1]
    text = (
        f"Työttömien työnhakijoiden osuus työvoimasta vuosittain {first.year}–{last.year}. {first.municipality}: "
        f"{fi.percent(first.rate)} "
        f"vuonna {first.year}, {fi.percent(last.rate)} vuonna {last.year}"
    )
    ranked = int((rates.year == last.year).sum())
    if ranked > 1:
        text += (
            f"; vuonna {last.year} sija {fi.number(last['rank'], 0)}/{ranked} (1 = suurin), vertailukuntien "
            f"mediaani {fi.percent(last['median'])}"
        )
    return text + "."


# ---------------------------------------------------------------- charts


def _label(row: Any) -> str:
    return f"{row.indicator_name}{', ' + row.unit if row.unit else ''}"


def _spread(targets: list[float], gap: float, low: float, high: float) -> list[float]:
    """Label heights near `targets` but at least `gap` apart, kept within low–high (in data units)."""
    order = sorted(range(len(targets)), key=lambda k: targets[k])
    placed = [0.0] * len(targets)
    previous = low - gap
    for k in order:
        previous = max(targets[k], previous + gap)
        placed[k] = previous
    overshoot = placed[order[-1]] - high if order else 0.0
    if overshoot > 0:  # push the stack down from the top, never below `low` (a tight chart overlaps a little)
        following = high + gap
        for k in reversed(order):
            following = min(placed[k], following - gap)
            placed[k] = max(following, low)
    return placed


def _lines(frame: pd.DataFrame, *, y: str, ylabel: str, height: float = 4.0, base: float | None = None) -> plt.Figure:
    """Lines by year with a direct label at each line's end: the city thick and blue, peers thin grey, the whole
    country dashed black. With many peers only those at either end are labelled."""
    fig, ax = plt.subplots(figsize=(WIDTH, height))
    series = list(frame.groupby("municipality_code", sort=False))
    peers = [rows for _, rows in series if rows.role.iloc[0] == PEER]
    ends = sorted(peers, key=lambda r: r[y].iloc[-1])
    labelled_peers = {id(r) for r in (peers if len(series) <= MAX_LABELS else [ends[0], ends[-1]] if ends else [])}
    labels = []
    for _, rows in series:
        role = rows.role.iloc[0]
        style: dict[str, Any] = {
            CITY: {"color": BLUE, "linewidth": 2.8, "zorder": 4},
            COUNTRY: {"color": "black", "linewidth": 1.6, "linestyle": "--", "zorder": 3},
        }.get(role, {"color": PEER_COLOUR, "linewidth": 1.0, "zorder": 2})
        ax.plot(rows.year, rows[y], **style)
        if role != PEER or id(rows) in labelled_peers:
            labels.append((rows.municipality.iloc[0], float(rows.year.iloc[-1]), float(rows[y].iloc[-1]), role))
    if base is not None:
        ax.axhline(base, color="#BBBBBB", linewidth=0.8, zorder=1)
    low, high = ax.get_ylim()
    fontsize = 9.5
    gap = (high - low) * (fontsize * 1.3 / 72) / (height * 0.75)
    heights = _spread([v for _, _, v, _ in labels], gap, low, high)
    for (name, x, v, role), at in zip(labels, heights):
        ax.annotate(
            name,
            xy=(x, v),
            xytext=(x + 0.6, at),
            textcoords="data",
            va="center",
            fontsize=fontsize,
            fontweight="bold" if role == CITY else "normal",
            color={CITY: BLUE, COUNTRY: "black"}.get(role, PEER_TEXT),
            annotation_clip=False,
            arrowprops={"arrowstyle": "-", "color": "#999999", "linewidth": 0.6} if abs(at - v) > gap / 2 else None,
        )
    ax.set_ylim(low, high)
    years = sorted(set(frame.year))
    step = max(1, round(len(years) / 6))
    ax.set_xticks(years[::step], [str(v) for v in years[::step]])
    ax.set_xlim(years[0] - 0.3, years[-1] + 0.3)
    ax.set_ylabel(ylabel, fontsize=10)
    ax.yaxis.set_major_formatter(FinnishTicks())
    ax.tick_params(axis="both", labelsize=fontsize)  # the line labels' size: seaborn's ticks would be 10,45 pt
    return _laid_out(fig)


def population_chart(frame: pd.DataFrame, base_year: int | None) -> plt.Figure:
    """Population as an index (base year = 100) of the city, its peers and the whole country
    (:attr:`PopulationIndex.frame`)."""
    return _lines(frame, y="index", ylabel=f"Väkiluku, indeksi {base_year} = 100", base=100.0)


def unemployment_chart(rates: pd.DataFrame) -> plt.Figure:
    """The yearly unemployment rate of the city and its peers (:func:`kpi.measures.comparison.unemployment`)."""
    return _lines(rates, y="rate", ylabel="Työttömien osuus työvoimasta, %")


def key_figures_chart(values: pd.DataFrame, summary: pd.DataFrame) -> plt.Figure:
    """One strip per key figure, each on its own scale: the peers as grey dots, the city as a large blue diamond,
    the peers' median as a vertical line (:class:`KeyFigures`).

    Two strips side by side, so that ten key figures fit a laptop screen (under 600 px at the house dpi) with the
    titles at 9 pt: each row of the grid is as tall as its longer title needs, laid out here in inches.
    """
    figures = list(values.groupby("indicator", sort=False))
    median = summary.set_index("indicator")["median"]
    titles = [textwrap.fill(f"{_label(rows.iloc[0])} ({rows.iloc[0].year})", KEY_TITLE_CHARS) for _, rows in figures]
    line = KEY_FONT * 1.25 / 72  # one line of a title, inches
    lines = [max(t.count("\n") + 1 for t in titles[r : r + 2]) for r in range(0, len(titles), 2)]
    rows_inches = [n * line + KEY_TITLE_PAD + KEY_STRIP + KEY_TICKS for n in lines]
    height = KEY_LEGEND + sum(rows_inches)
    fig = plt.figure(figsize=(WIDTH, height))
    column = (WIDTH - 2 * KEY_SIDE - KEY_GAP) / 2
    for k, ((indicator, rows), title) in enumerate(zip(figures, titles)):
        row, col = divmod(k, 2)
        bottom = height - KEY_LEGEND - sum(rows_inches[: row + 1]) + KEY_TICKS
        ax = fig.add_axes(
            ((KEY_SIDE + col * (column + KEY_GAP)) / WIDTH, bottom / height, column / WIDTH, KEY_STRIP / height)
        )
        peers, city = rows[rows.role == PEER], rows[rows.role == CITY]
        ax.scatter(peers.value, [0] * len(peers), s=26, color=PEER_COLOUR, edgecolor="white", zorder=2)
        ax.scatter(city.value, [0] * len(city), s=80, marker="D", color=BLUE, edgecolor="black", zorder=3)
        if pd.notna(median.get(indicator)):
            ax.axvline(float(median[indicator]), color="black", linewidth=1.2, ymin=0.15, ymax=0.85, zorder=1)
        ax.set_yticks([])
        ax.set_ylim(-1, 1)
        ax.margins(x=0.06)
        ax.set_title(title, fontsize=KEY_FONT, loc="left", pad=KEY_TITLE_PAD * 72, linespacing=1.1)
        ax.xaxis.set_major_formatter(FinnishTicks())
        # two to four short ticks (steps of 1, 2 or 5, no 12,5): a half-width strip has room for no more
        ax.xaxis.set_major_locator(plt.MaxNLocator(4, steps=[1, 2, 5, 10]))
        ax.tick_params(axis="x", labelsize=KEY_FONT, pad=1, length=0)
        ax.grid(axis="y", visible=False)
    key = [
        Line2D(
            [], [], marker="D", color=BLUE, markeredgecolor="black", linestyle="", markersize=7, label=city_name(values)
        ),
        Line2D([], [], marker="o", color=PEER_COLOUR, linestyle="", markersize=6, label="vertailukunta"),
        Line2D([], [], color="black", linewidth=1.2, label="vertailukuntien mediaani"),
    ]
    fig.legend(handles=key, loc="upper center", ncol=3, fontsize=KEY_FONT, frameon=False, bbox_to_anchor=(0.5, 1.0))
    return fig


def city_name(frame: pd.DataFrame) -> str:
    """The city's name in a frame of :mod:`kpi.measures.comparison` (the row whose role is city)."""
    names = frame.municipality[frame.role == CITY]
    return str(names.iloc[0]) if len(names) else ""


def figure(fig: plt.Figure, *, alt: str, caption: str, data: pd.DataFrame, sources: pd.DataFrame, **kw: Any) -> str:
    """:func:`kpi.present.charts.figure_html` with the figure's source line under it."""
    return with_source(figure_html(fig, alt=alt, caption=caption, data=data, **kw), sources)
