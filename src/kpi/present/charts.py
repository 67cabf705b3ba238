"""Charts a reader gets at a glance: seaborn figures embedded as PNG with a Finnish alt text and the numbers beside them."""

from __future__ import annotations

import base64
import html
import io
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")  # no display on the machines; figures are only ever written as PNG

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.legend import Legend
from PIL import Image

# seaborn imports scipy.stats and scipy.cluster (about 1,4 s, in each of the five workbook kernels) only for
# kernel densities and clustered heatmaps, which these charts never draw; without them seaborn falls back to its
# bundled code. Hidden only during the import, so scipy imported later in the same kernel works as usual.
_hidden = [name for name in ("scipy.stats", "scipy.cluster") if name not in sys.modules]
sys.modules.update(dict.fromkeys(_hidden))  # type: ignore[arg-type]  # None: "not installed"
try:
    import seaborn as sns
finally:
    for _name in _hidden:
        del sys.modules[_name]

from kpi import fi  # noqa: E402
from kpi.present.pages import html_table  # noqa: E402

STATUS_ORDER = list(fi.STATUSES)
PALETTE = {s: fi.STATUS_COLOURS[s][0] for s in STATUS_ORDER}
# Hatching as well as colour: statuses stay apart in greyscale print and for colour-blind readers.
HATCH = {"toteutunut": "", "osittain toteutunut": "//", "ei toteutunut": "xx", "ei arvioitavissa": ".."}
BLUE, GREY = "#0072B2", "#555555"

sns.set_theme(style="whitegrid", context="notebook", font_scale=0.95)
# Narrow figures with large type: on a 390 px phone a chart shrinks to about 0,6× and must stay legible.
WIDTH = 5.2
# The resolution of the PNG; a page shows a chart at its own width, so 9 pt type is about 14 px.
DPI = 110
# More colours than this and a figure is stored as RGBA, not with a palette (the charts have a few hundred).
PALETTE_LIMIT = 4096
# The goal overview: a line of this many characters per goal (id and the start of its name), this tall a row.
GOAL_LABEL_CHARS, GOAL_ROW_INCHES = 30, 0.3


class FinnishTicks(matplotlib.ticker.Formatter):
    """Axis labels with a decimal comma, a space between thousands and as many decimals as the tick step needs.

    A fixed number of decimals would label the steps of 21,0 … 22,0 as "21, 22, 22" on a flat series.
    """

    ticks: tuple[float, ...] = ()

    def set_locs(self, locs) -> None:  # matplotlib hands over all tick positions before labelling each
        self.ticks = tuple(locs)

    def __call__(self, value: float, pos=None) -> str:
        steps = [b - a for a, b in zip(self.ticks, self.ticks[1:]) if b > a]
        step = min(steps) if steps else 1.0
        decimals = next((d for d in range(4) if abs(round(step, d) - step) < 1e-9 * max(1.0, step)), 4)
        return fi.number(value, decimals)


def figure_html(
    fig: plt.Figure, *, alt: str, caption: str, data: pd.DataFrame | None = None, notes: list[str] | None = None
) -> str:
    """A figure as an accessible HTML block: the PNG inline, `alt` stating its finding, the numbers in a table.

    The table behind the chart is in a collapsed ``<details>`` so a screen-reader user (or anyone) can
    read the exact values; the PNG is embedded as a data URL so the page stays self-contained.
    """
    src = base64.b64encode(_png(fig)).decode("ascii")
    table = ""
    if data is not None:
        table = f"<details><summary>Kaavion luvut taulukkona</summary>{html_table(data, 'Luvut: ' + caption, notes=notes)}</details>"
    return (
        f'<figure class="kpi-figure"><img src="data:image/png;base64,{src}" alt="{html.escape(alt)}" '
        f'style="max-width:100%;height:auto"><figcaption>{html.escape(caption)}</figcaption>{table}</figure>'
    )


def _png(fig: plt.Figure) -> bytes:
    """The figure drawn once at :data:`DPI`, closed, and stored as an 8-bit palette PNG.

    Not ``savefig``: with ``bbox_inches="tight"`` it draws every figure twice (the charts lay themselves out,
    :func:`_laid_out`), and its RGBA PNG spends four bytes on each pixel of a chart of a few hundred colours.
    """
    fig.set_dpi(DPI)
    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    plt.close(fig)
    return _palette_png(rgba)


def _palette_png(rgba: np.ndarray) -> bytes:
    """An RGBA image as a PNG with a palette of its 256 most frequent colours: about a third of the bytes.

    A chart is flat colours and their antialiased edges, a few hundred colours in all: up to 256 it is stored
    exactly, beyond that only the rarest edge shades (a pixel here and there) take the nearest colour kept.
    Pillow's own quantisers are no use here: they shift every colour a little, the white background included.
    """
    height, width, _ = rgba.shape
    codes, colours = pd.factorize(np.ascontiguousarray(rgba).view(np.uint32).reshape(-1))  # hashed, not sorted
    buffer = io.BytesIO()
    if len(colours) > PALETTE_LIMIT:  # a picture rather than a chart: no palette would do
        Image.fromarray(rgba).save(buffer, format="png", dpi=(DPI, DPI))
        return buffer.getvalue()
    order = np.argsort(-np.bincount(codes), kind="stable")
    kept, rest = order[:256], order[256:]
    index = np.empty(len(colours), np.uint8)
    index[kept] = np.arange(len(kept))
    palette = colours[kept].view(np.uint8).reshape(-1, 4)
    if len(rest):
        shades = colours[rest].view(np.uint8).reshape(-1, 1, 4).astype(np.int32)
        index[rest] = ((shades - palette.astype(np.int32)) ** 2).sum(axis=2).argmin(axis=1)
    image = Image.frombuffer("P", (width, height), index[codes], "raw", "P", 0, 1)
    if (palette[:, 3] == 255).all():
        image.putpalette(palette[:, :3].tobytes(), rawmode="RGB")
    else:  # a transparent figure keeps its alpha in the palette
        image.putpalette(palette.tobytes(), rawmode="RGBA")
    image.save(buffer, format="png", dpi=(DPI, DPI))
    return buffer.getvalue()


def _unlabelled(axis: Axis) -> None:
    """An axis without a title. Hidden and not placed: to place even an empty title matplotlib measures the
    axis's tick labels once more at each layout and draw (for 15 goal names, 5 % of the cost of the chart)."""
    axis.set_label_text("")
    axis.label.set_visible(False)
    axis.set_label_coords(0, 0)  # a fixed place: matplotlib no longer looks for one


def _laid_out(fig: plt.Figure, *, below: Legend | None = None) -> plt.Figure:
    """Margins fitted to the labels once, then fixed; `below`, a legend at the foot of the figure, gets its band.

    ``tight_layout`` leaves a placeholder layout engine on the figure, and a figure with an engine is laid out
    again whenever it is drawn (``savefig`` even draws it one extra time); dropping it keeps it to one layout.
    Measured at :data:`DPI`, the resolution the figure is drawn at, so the draw reuses the measurements of the
    text (matplotlib caches them per renderer, a renderer per resolution) and the margins fit the PNG exactly.
    """
    fig.set_dpi(DPI)
    if below is not None:
        below.set_in_layout(False)
    fig.tight_layout()  # no rect=: with one, tight_layout measures everything twice
    fig.set_layout_engine(None)
    if below is not None:  # the plot and its labels move up by the legend's height
        fig.subplots_adjust(bottom=fig.subplotpars.bottom + below.get_window_extent().y1 / fig.bbox.height)
    return fig


def goal_status_chart(goals: pd.DataFrame, names: dict[str, str]) -> plt.Figure:
    """Horizontal bars: each goal's score (0–1), coloured and hatched by status, labelled with the status in words.

    Compact, so that the overview of all fifteen goals fits a laptop screen (about 0,3 inches a goal, 616 px for
    fifteen): one line per goal, its id and the start of its name (the goals table under the chart has the whole
    names), and type at the size of the body text when the PNG is shown at its own width.
    """
    frame = goals.assign(
        label=[textwrap.shorten(f"{g} {names.get(g, '')}", GOAL_LABEL_CHARS, placeholder="…") for g in goals.goal_id],
        value=goals.score.fillna(0),
    )
    fig, ax = plt.subplots(figsize=(WIDTH, GOAL_ROW_INCHES * len(frame) + 1.1))
    bars = ax.barh(frame.label, frame.value, color=[PALETTE[s] for s in frame.status], edgecolor="black", height=0.7)
    for bar, status in zip(bars, frame.status):
        bar.set_hatch(HATCH[status])
    for y, (value, status) in enumerate(zip(frame.value, frame.status)):
        ax.text(min(value, 1.0) + 0.02, y, fi.status_label(status), va="center", fontsize=9)
    ax.set_xlim(0, 1.75)
    ax.set_ylim(len(frame) - 0.5, -0.5)  # the first goal on top, no empty band above or below
    ax.set_xticks([0, 0.4, 0.8, 1.0], ["0", "0,4", "0,8", "1"])
    ax.tick_params(axis="both", labelsize=9)
    ax.set_xlabel("Pisteet: toteutunut 1, osittain 0,5,\nei toteutunut 0", fontsize=9)
    _unlabelled(ax.yaxis)
    return _laid_out(fig)


def trend_chart(points: pd.DataFrame, *, title: str, unit: str, flow: bool = False) -> plt.Figure:
    """An indicator over the period ends: the values, the year's target as a dashed line, a series break marked.

    `points` is :func:`kpi.measures.changes.series`; example values are drawn hollow. For a `flow` indicator
    (a year's total) the line joins the year-end values and the 30.6. totals are separate triangles.
    """
    points = points.sort_values("period_end", kind="stable").reset_index(drop=True)
    if flow:  # a yearly survey or round has nothing to show at 30.6.
        # a break that fell on a dropped 30.6. point is still drawn, before the next point kept
        span = points.after_break.cumsum()
        kept = (points.period_end.dt.month == 12) | points.value.notna()
        points = points[kept].assign(after_break=span[kept].diff().fillna(0).gt(0)).reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(WIDTH, 3.6))
    # Positions, not date strings: matplotlib orders text categories by first use, so plotting the year-end
    # values before the 30.6. ones would put every 31.12. first and the half-years after them.
    x = list(range(len(points)))
    ax.set_xticks(x, [fi.date(d) for d in points.period_end])
    # The line stops at a series break: values on either side are not comparable, so nothing joins them.
    span = points.after_break.cumsum()

    def line(on: pd.Series, label: str) -> None:
        for n, part in enumerate(span[on].unique()):
            rows = on & (span == part)
            ax.plot(
                [v for v, r in zip(x, rows) if r],
                points.value[rows],
                color=BLUE,
                linewidth=2,
                label=label if n == 0 else "_",
            )

    def dots(on: pd.Series) -> None:
        # measured values filled, example values hollow; only the hollow marker gets a legend entry (the marker
        # itself is drawn in the legend, so the label is the word alone)
        for example, face, label in ((False, BLUE, "_"), (True, "white", "esimerkkiarvo")):
            rows = on & (points.is_example == example)
            if rows.any():
                ax.scatter(
                    [v for v, r in zip(x, rows) if r],
                    points.value[rows],
                    color=face,
                    edgecolor=BLUE,
                    zorder=3,
                    s=36,
                    label=label,
                )

    if flow:
        # a 30.6. value of a yearly total covers six months: drawing it on the same line would zigzag
        year = points.period_end.dt.month == 12
        line(year, "koko vuoden arvo")
        half = ~year & points.value.notna()
        if half.any():
            ax.scatter(
                [v for v, h in zip(x, half) if h],
                points.value[half],
                marker="^",
                color=GREY,
                zorder=3,
                s=36,
                label="kertymä 1–6",
            )
        dots(year)
    else:
        line(pd.Series(True, index=points.index), "arvo")
        dots(pd.Series(True, index=points.index))
    if points.target_low.notna().any():
        ax.fill_between(
            x, points.target_low, points.target_high, color="#999999", alpha=0.25, step="mid", label="tavoiteväli"
        )
    elif points.target.notna().any():
        # A January–June total is judged against half the year's target (flow_at_30_6: prorate): the year's
        # line skips those points and the half target is marked on its own, as the number table states it.
        halved = points["halved"].fillna(False).astype(bool) if "halved" in points else pd.Series(False, index=x)
        ax.step(
            x, points.target.where(~halved), where="mid", color=GREY, linestyle="--", linewidth=1.5, label="tavoite"
        )
        if halved.any():
            ax.scatter(
                [v for v, h in zip(x, halved) if h],
                points.compared_target[halved],
                marker="_",
                color=GREY,
                s=220,
                linewidths=2,
                zorder=2,
                label="puolet vuoden tavoitteesta (30.6.)",
            )
    for n, brk in enumerate(points.after_break):
        if brk:
            ax.axvline(n - 0.5, color="black", linestyle=":", linewidth=1.5)
            ax.text(n - 0.45, ax.get_ylim()[1], " sarjakatko", va="top", fontsize=9)
    # y given: matplotlib then leaves the title where it is instead of measuring both axes' tick labels again at
    # each layout and draw to see whether they reach above the plot (they never do): same pixels, 13 % less time
    ax.set_title(textwrap.fill(title, 48), fontsize=11, loc="left", y=1.0)
    ax.set_ylabel(unit)
    _unlabelled(ax.xaxis)  # the dates say what they are
    ax.tick_params(axis="x", labelrotation=30, labelsize=9)
    ax.yaxis.set_major_formatter(FinnishTicks())
    # Below the plot, in two columns: a legend inside the axes can hide a point on a narrow phone chart. At the
    # foot of the figure, its own band: placed under the axes, a fraction of their height, it ran into the
    # dates when a long name took two lines and left an empty band when it took one.
    legend = ax.legend(
        fontsize=9, loc="lower center", bbox_to_anchor=(0.5, 0), bbox_transform=fig.transFigure, ncol=2, frameon=False
    )
    return _laid_out(fig, below=legend)


def budget_chart(areas: pd.DataFrame, names: dict[str, str], *, forecast: bool) -> plt.Figure:
    """Operating costs per responsibility area: budget against actual (and the year-end forecast at 30.6.)."""
    rows = []
    for r in areas.itertuples():
        rows.append(
            {
                "alue": names.get(r.responsible_area, r.responsible_area),
                "mikä": "talousarvio",
                "M€": r.costs_budget / 1e6,
            }
        )
        rows.append(
            {"alue": names.get(r.responsible_area, r.responsible_area), "mikä": "toteuma", "M€": r.costs_actual / 1e6}
        )
        if forecast:
            rows.append(
                {
                    "alue": names.get(r.responsible_area, r.responsible_area),
                    "mikä": "ennuste 31.12.",
                    "M€": r.costs_forecast / 1e6,
                }
            )
    frame = pd.DataFrame(rows)
    fig, ax = plt.subplots(figsize=(WIDTH, 4.0))
    sns.barplot(
        frame,
        x="M€",
        y="alue",
        hue="mikä",
        palette=["#BBBBBB", BLUE, "#E69F00"][: frame["mikä"].nunique()],
        ax=ax,
        edgecolor="black",
    )
    for container, hatch in zip(ax.containers, ["", "//", ".."]):
        for bar in container:
            bar.set_hatch(hatch)
    _unlabelled(ax.yaxis)
    ax.set_xlabel("Toimintakulut, M€")
    ax.xaxis.set_major_formatter(FinnishTicks())
    # under the chart, centred on the figure: the long area names push the axes to the right
    ax.legend(
        title="",
        fontsize=9,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=fig.transFigure,
        ncol=3,
        frameon=False,
    )
    _laid_out(fig)
    fig.subplots_adjust(bottom=fig.subplotpars.bottom + 0.08)  # a row for the legend under the axis title
    return fig


def adjustment_chart(by_year: pd.DataFrame, *, target_eur: float) -> plt.Figure:
    """Cumulative savings of the adjustment programme by year against an even pace to the target
    (``measures.adjustment.adjustment_progress(...)["by_year"]``: a 30.6. period's own year is labelled 1–6 and
    set against half a year's pace)."""
    fig, ax = plt.subplots(figsize=(WIDTH, 3.2))
    labels = [f"1–6/{y}" if partial else str(y) for y, partial in zip(by_year.year, by_year.partial, strict=True)]
    ax.bar(labels, by_year.cumulative_eur / 1e6, color=BLUE, edgecolor="black", label="toteutunut, kertymä")
    ax.plot(
        labels,
        by_year.expected_eur / 1e6,
        color=GREY,
        linestyle="--",
        marker="s",
        label="tasainen eteneminen tavoitteeseen",
    )
    ax.axhline(target_eur / 1e6, color="black", linewidth=1)
    ax.text(
        len(labels) - 0.5, target_eur / 1e6, f" tavoite {fi.euros(target_eur)}", va="bottom", ha="right", fontsize=9
    )
    ax.set_ylabel("M€")
    _unlabelled(ax.xaxis)  # years
    ax.yaxis.set_major_formatter(FinnishTicks())
    ax.legend(fontsize=9, loc="upper left")
    return _laid_out(fig)


def staff_chart(staff: pd.DataFrame) -> plt.Figure:
    """Sick-leave days per person-year by unit, with the whole staff as a dashed line; hidden units say so in
    words instead of a bar (``measures.privacy.staff_by_unit(...).frame``)."""
    units = staff[~staff.is_total.astype(bool)].reset_index(drop=True)
    total = staff[staff.is_total.astype(bool)].sick_days_per_htv
    values = [None if isinstance(v, str) or pd.isna(v) else float(v) for v in units.sick_days_per_htv]
    labels = [textwrap.shorten(u, 30, placeholder=" …") for u in units.unit]
    fig, ax = plt.subplots(figsize=(WIDTH, 0.42 * len(units) + 1.4))
    ax.barh(labels, [v or 0 for v in values], color=BLUE, edgecolor="black")
    top = max([v for v in values if v is not None] + [1.0])
    for y, v in enumerate(values):
        ax.text((v or 0) + top * 0.02, y, "piilotettu" if v is None else fi.number(v, 1), va="center", fontsize=9)
    if len(total) and not isinstance(total.iloc[0], str) and pd.notna(total.iloc[0]):
        ax.axvline(float(total.iloc[0]), color=GREY, linestyle="--", linewidth=1.5)
        # left of the line, so the label never runs off the figure's right edge
        ax.text(
            float(total.iloc[0]) - top * 0.02,
            -0.9,
            f"koko henkilöstö {fi.number(total.iloc[0], 1)}",
            color="#333333",
            fontsize=9,
            ha="right",
        )
    ax.set_xlim(0, top * 1.3)
    ax.set_ylim(len(units) - 0.5, -1.3)
    ax.set_xlabel("Sairauspoissaolopäiviä / HTV")
    _unlabelled(ax.yaxis)
    ax.xaxis.set_major_formatter(FinnishTicks())
    return _laid_out(fig)
