"""Charts a reader gets at a glance: seaborn figures embedded as PNG with a Finnish alt text and the numbers beside them."""

from __future__ import annotations

import base64
import html
import io
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on the machines; figures are only ever written as PNG

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

# seaborn imports scipy.stats and scipy.cluster (about 1,4 s, in each of the five workbook kernels) only for
# kernel densities and clustered heatmaps, which these charts never draw; without them seaborn falls back to its
# bundled code. Hidden only during the import, so scipy imported later in the same kernel works as usual.
_hidden = [name for name in ("scipy.stats", "scipy.cluster") if name not in sys.modules]
sys.modules.update(dict.fromkeys(_hidden))
try:
    import seaborn as sns  # noqa: E402
finally:
    for _name in _hidden:
        del sys.modules[_name]

from kpi.present import fi  # noqa: E402
from kpi.present.quality import html_table  # noqa: E402

STATUS_ORDER = ["toteutunut", "osittain toteutunut", "ei toteutunut", "ei arvioitavissa"]
PALETTE = {s: fi.STATUS_COLOURS[s][0] for s in STATUS_ORDER}
# Hatching as well as colour: statuses stay apart in greyscale print and for colour-blind readers.
HATCH = {"toteutunut": "", "osittain toteutunut": "//", "ei toteutunut": "xx", "ei arvioitavissa": ".."}
BLUE, GREY = "#0072B2", "#555555"

sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
# Narrow figures with large type: on a 390 px phone a chart shrinks to about 0,6× and must stay legible.
WIDTH = 5.2


def figure_html(fig: plt.Figure, *, alt: str, caption: str, data: pd.DataFrame | None = None) -> str:
    """A figure as an accessible HTML block: the PNG inline, `alt` stating its finding, the numbers in a table.

    The table behind the chart is in a collapsed ``<details>`` so a screen-reader user (or anyone) can
    read the exact values; the PNG is embedded as a data URL so the page stays self-contained.
    """
    buffer = io.BytesIO()
    # No bbox_inches="tight": it draws every figure twice; the charts lay themselves out (_laid_out) instead.
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    src = base64.b64encode(buffer.getvalue()).decode("ascii")
    table = ""
    if data is not None:
        table = (f"<details><summary>Kaavion luvut taulukkona</summary>"
                 f"{html_table(data, 'Luvut: ' + caption)}</details>")
    return (f'<figure class="kpi-figure"><img src="data:image/png;base64,{src}" alt="{html.escape(alt)}" '
            f'style="max-width:100%;height:auto"><figcaption>{html.escape(caption)}</figcaption>{table}</figure>')


def _laid_out(fig: plt.Figure) -> plt.Figure:
    """Margins fitted to the labels once, then fixed.

    ``tight_layout`` leaves a placeholder layout engine on the figure, and ``savefig`` draws any figure that
    has an engine one extra time before the real draw; dropping it halves the cost of saving a chart.
    """
    fig.tight_layout()
    fig.set_layout_engine(None)
    return fig


def goal_status_chart(goals: pd.DataFrame, names: dict[str, str]) -> plt.Figure:
    """Horizontal bars: each goal's score (0–1), coloured and hatched by status, labelled with the status in words."""
    frame = goals.assign(label=[textwrap.shorten(f"{g} {names.get(g, '')}", 44, placeholder=" …") for g in goals.goal_id],
                         value=goals.score.fillna(0))
    frame["label"] = [textwrap.fill(label, 22) for label in frame.label]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.8 * len(frame) + 1.2))
    bars = ax.barh(frame.label, frame.value, color=[PALETTE[s] for s in frame.status], edgecolor="black")
    for bar, status in zip(bars, frame.status):
        bar.set_hatch(HATCH[status])
    for y, (value, status) in enumerate(zip(frame.value, frame.status)):
        ax.text(min(value, 1.0) + 0.02, y, fi.status_label(status), va="center", fontsize=10)
    ax.set_xlim(0, 1.9)
    ax.set_xticks([0, 0.4, 0.8, 1.0], ["0", "0,4", "0,8", "1"])
    ax.invert_yaxis()
    ax.set_xlabel("Pisteet: toteutunut 1, osittain 0,5,\nei toteutunut 0")
    ax.set_ylabel("")
    return _laid_out(fig)


def trend_chart(points: pd.DataFrame, *, title: str, unit: str, flow: bool = False) -> plt.Figure:
    """An indicator over the period ends: the values, the year's target as a dashed line, a series break marked.

    `points` is :func:`kpi.measures.changes.series`; example values are drawn hollow. For a `flow` indicator
    (a year's total) the line joins the year-end values and the 30.6. totals are separate triangles.
    """
    if flow:  # a yearly survey or round has nothing to show at 30.6.
        points = points[(points.period_end.dt.month == 12) | points.value.notna()].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    x = [fi.date(d) for d in points.period_end]
    filled = points.is_example.map({True: "white", False: BLUE})
    if flow:
        # a 30.6. value of a yearly total covers six months: drawing it on the same line would zigzag
        year = points.period_end.dt.month == 12
        ax.plot([v for v, y in zip(x, year) if y], points.value[year], color=BLUE, linewidth=2, label="vuoden arvo")
        half = ~year & points.value.notna()
        if half.any():
            ax.scatter([v for v, h in zip(x, half) if h], points.value[half], marker="^", color=GREY, zorder=3,
                       s=36, label="1–6 kertymä")
        ax.scatter([v for v, y in zip(x, year) if y], points.value[year], color=filled[year], edgecolor=BLUE,
                   zorder=3, s=36, label="○ esimerkkiarvo")
    else:
        ax.plot(x, points.value, color=BLUE, linewidth=2, label="arvo")
        ax.scatter(x, points.value, color=filled, edgecolor=BLUE, zorder=3, s=36, label="○ esimerkkiarvo")
    if points.target_low.notna().any():
        ax.fill_between(x, points.target_low, points.target_high, color="#999999", alpha=0.25, step="mid",
                        label="tavoiteväli")
    elif points.target.notna().any():
        ax.step(x, points.target, where="mid", color=GREY, linestyle="--", linewidth=1.5, label="tavoite")
    for n, brk in enumerate(points.after_break):
        if brk:
            ax.axvline(n - 0.5, color="black", linestyle=":", linewidth=1.5)
            ax.text(n - 0.45, ax.get_ylim()[1], " sarjakatko", va="top", fontsize=9)
    ax.set_title(textwrap.fill(title, 48), fontsize=11, loc="left")
    ax.set_ylabel(unit)
    ax.tick_params(axis="x", labelrotation=30, labelsize=9)
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: fi.number(v, 0 if abs(v) >= 10 else 1)))
    ax.legend(fontsize=9, loc="best")
    return _laid_out(fig)


def budget_chart(areas: pd.DataFrame, names: dict[str, str], *, forecast: bool) -> plt.Figure:
    """Operating costs per responsibility area: budget against actual (and the year-end forecast at 30.6.)."""
    rows = []
    for r in areas.itertuples():
        rows.append({"alue": names.get(r.responsible_area, r.responsible_area), "mikä": "talousarvio",
                     "M€": r.costs_budget / 1e6})
        rows.append({"alue": names.get(r.responsible_area, r.responsible_area), "mikä": "toteuma",
                     "M€": r.costs_actual / 1e6})
        if forecast:
            rows.append({"alue": names.get(r.responsible_area, r.responsible_area), "mikä": "ennuste 31.12.",
                         "M€": r.costs_forecast / 1e6})
    frame = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.8))
    sns.barplot(frame, x="M€", y="alue", hue="mikä", palette=["#BBBBBB", BLUE, "#E69F00"][: frame["mikä"].nunique()],
                ax=ax, edgecolor="black")
    for container, hatch in zip(ax.containers, ["", "//", ".."]):
        for bar in container:
            bar.set_hatch(hatch)
    ax.set_ylabel("")
    ax.set_xlabel("Toimintakulut, M€")
    ax.legend(title="", fontsize=9)
    return _laid_out(fig)


def adjustment_chart(by_year: pd.DataFrame, *, target_eur: float, years: tuple[int, ...]) -> plt.Figure:
    """Cumulative savings of the adjustment programme by year against an even path to the target."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    labels = [str(y) for y in by_year.year]
    ax.bar(labels, by_year.cumulative_eur / 1e6, color=BLUE, edgecolor="black", label="toteutunut, kertymä")
    path = [target_eur / 1e6 * (n + 1) / len(years) for n in range(len(labels))]
    ax.plot(labels, path, color=GREY, linestyle="--", marker="s", label="tasainen polku tavoitteeseen")
    ax.axhline(target_eur / 1e6, color="black", linewidth=1)
    ax.text(len(labels) - 0.5, target_eur / 1e6, f" tavoite {fi.euros(target_eur)}", va="bottom", ha="right", fontsize=9)
    ax.set_ylabel("M€")
    ax.legend(fontsize=9, loc="upper left")
    return _laid_out(fig)
