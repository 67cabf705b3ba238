"""The goal overview chart is compact: fifteen goals fit a laptop screen, one line a goal, type at body size."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.fi import STATUSES
from kpi.present import charts

DPI = 110  # charts.figure_html saves at this resolution; the page shows a chart at its own width


def goals(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "goal_id": [f"G{k}" for k in range(n)],
            "status": [STATUSES[k % 4] for k in range(n)],
            "score": [k / n if k % 4 != 3 else float("nan") for k in range(n)],
        }
    )


def test_fifteen_goals_fit_a_laptop_screen():
    names = {f"G{k}": "Oikein mitoitetut, laadukkaat ja taloudellisesti toteutetut palvelut" for k in range(15)}
    fig = charts.goal_status_chart(goals(15), names)
    width, height = fig.get_size_inches() * DPI
    assert height <= 700 and width == charts.WIDTH * DPI
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert all("\n" not in label and len(label) <= charts.GOAL_LABEL_CHARS for label in labels)
    assert labels[0].startswith("G0 Oikein mitoitetut")
    # 9 pt at 110 dpi shown at its own width ≈ 14 px: about the size of the text around it
    sizes = {t.get_fontsize() for t in fig.axes[0].get_yticklabels()} | {t.get_fontsize() for t in fig.axes[0].texts}
    assert sizes == {9.0}


def test_height_grows_with_the_goals():
    small = charts.goal_status_chart(goals(5), {}).get_size_inches()[1]
    large = charts.goal_status_chart(goals(15), {}).get_size_inches()[1]
    assert large - small == pytest.approx(10 * charts.GOAL_ROW_INCHES)
