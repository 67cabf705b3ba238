"""The chart images: the PNG is the drawn figure in a third of the bytes, and no label is cut off or run over."""

from __future__ import annotations

import base64
import datetime as dt
import io
import re

import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from kpi.inputs.datasets import load_inputs
from kpi.measures import changes as ch
from kpi.measures import status as st
from kpi.paths import DATA_RAW
from kpi.present import charts

IMAGE = re.compile(r'<figure class="kpi-figure"><img src="data:image/png;base64,([^"]+)" alt="([^"]*)" ')


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def goal_chart(inputs) -> plt.Figure:
    s = inputs.strategy
    rules = st.StatusRules()
    period = dt.date(2023, 12, 31)
    ind = st.indicator_statuses(s, inputs["observations"], period, rules=rules)
    ms = st.milestone_statuses(s, inputs["milestones"], period, rules=rules)
    goals = st.goal_statuses(s, st.measure_statuses(s, ind, ms, rules=rules), rules=rules)
    return charts.goal_status_chart(goals, {g.id: g.name for g in s.goals})


def drawn_rgba(fig: plt.Figure) -> np.ndarray:
    fig.set_dpi(charts.DPI)
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba()).copy()
    plt.close(fig)
    return rgba


def test_the_png_is_the_drawn_chart_with_a_palette(inputs):
    """Stored pixel for pixel but for a few antialiased edge shades (this one has 263 colours), at DPI."""
    rgba = drawn_rgba(goal_chart(inputs))
    found = IMAGE.match(charts.figure_html(goal_chart(inputs), alt="Tila", caption="Tila"))
    assert found and found[2] == "Tila"
    data = base64.b64decode(found[1])
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG" and image.mode == "P"
    assert image.size == (round(charts.WIDTH * charts.DPI), rgba.shape[0])
    assert round(image.info["dpi"][0]) == charts.DPI
    differ = (np.asarray(image.convert("RGBA")) != rgba).any(axis=2)
    assert differ.sum() < 0.0001 * differ.size and not differ[0, 0]  # the white background stays white
    as_rgba = io.BytesIO()
    Image.fromarray(rgba).save(as_rgba, format="png")
    assert len(data) < 0.5 * len(as_rgba.getvalue())  # about a third of the bytes of an RGBA PNG


def test_palette_keeps_the_frequent_colours_and_maps_rare_edge_shades_to_the_nearest():
    rng = np.random.default_rng(17)
    rgba = np.full((40, 50, 4), 255, np.uint8)
    flat = rng.integers(0, 256, (255, 3), dtype=np.uint8)
    for k, colour in enumerate(flat):  # 255 flat colours, four pixels each, and the white background
        rgba.reshape(-1, 4)[4 * k : 4 * k + 4, :3] = colour
    rare = rgba.reshape(-1, 4)[1900:1920]  # 20 single-pixel shades, each next to a flat colour
    rare[:, :3] = np.clip(flat[:20].astype(int) + 1, 0, 255)
    image = Image.open(io.BytesIO(charts._palette_png(rgba)))
    assert image.mode == "P"
    back = np.asarray(image.convert("RGBA")).reshape(-1, 4)
    exact = np.ones(len(back), bool)
    exact[1900:1920] = False
    assert np.array_equal(back[exact], rgba.reshape(-1, 4)[exact])
    assert np.abs(back[~exact].astype(int) - rgba.reshape(-1, 4)[~exact].astype(int)).max() <= 1


def test_a_picture_with_too_many_colours_is_stored_as_it_is():
    rgba = np.random.default_rng(17).integers(0, 256, (80, 80, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    image = Image.open(io.BytesIO(charts._palette_png(rgba)))
    assert image.mode == "RGBA" and np.array_equal(np.asarray(image), rgba)


def test_a_transparent_figure_keeps_its_alpha():
    rgba = np.zeros((10, 10, 4), np.uint8)
    rgba[2:5, 2:5] = (0, 114, 178, 255)
    image = Image.open(io.BytesIO(charts._palette_png(rgba)))
    assert np.array_equal(np.asarray(image.convert("RGBA")), rgba)


def drawn_ticklabels(axis) -> list:
    low, high = sorted(axis.get_view_interval())
    return [
        t.label1 for t in axis.get_major_ticks() if low - 1e-9 <= t.get_loc() <= high + 1e-9 and t.label1.get_text()
    ]


@pytest.mark.parametrize(
    ("indicator_id", "period"),
    [
        ("tapaturmat_vahingot_lkm", dt.date(2023, 12, 31)),  # a name on two lines, a legend of three rows
        ("uudet_yritykset_lkm", dt.date(2023, 6, 30)),  # 30.6. totals against half the year's target
        ("tuloveroprosentti", dt.date(2023, 6, 30)),  # a series break at the last point, "sarjakatko" on the right
        ("yritystontti_hinta", dt.date(2023, 12, 31)),  # a target range
        ("virkistysreitit_tyytyvaisyys", dt.date(2022, 12, 31)),  # the longest unit, "asteikko 1–5"
        ("lahiruoka_osuus", dt.date(2021, 6, 30)),  # a short series
    ],
)
def test_trend_chart_labels_stay_inside_and_clear_of_the_legend(inputs, indicator_id, period):
    indicator = inputs.strategy.indicator(indicator_id)
    points = ch.series(inputs.strategy, inputs["observations"], indicator_id, until=period)
    fig = charts.trend_chart(points, title=indicator.name, unit=indicator.unit, flow=indicator.kind == "flow")
    fig.canvas.draw()
    ax, figure = fig.axes[0], fig.bbox
    legend = ax.get_legend()
    dates = drawn_ticklabels(ax.xaxis)
    texts = [*dates, *drawn_ticklabels(ax.yaxis), ax.title, ax.yaxis.label, *ax.texts, *legend.get_texts()]
    for t in texts:
        box = t.get_window_extent()
        inside = box.x0 >= -0.5 and box.y0 >= -0.5 and box.x1 <= figure.x1 + 0.5 and box.y1 <= figure.y1 + 0.5
        assert inside, f"{indicator_id}: {t.get_text()!r} at {box.extents} runs off the {figure.extents} figure"
    assert len(dates) == len(points) - (indicator.kind == "flow") * points.value.isna().sum()
    # the legend under the dates, not over them; the title above the plot
    assert legend.get_window_extent().y1 <= min(t.get_window_extent().y0 for t in dates)
    assert ax.title.get_window_extent().y0 >= ax.bbox.y1
    plt.close(fig)
