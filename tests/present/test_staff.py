"""The staff table, chart and alt text keep the markers of hidden figures and never draw a hidden unit."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.inputs.processed import open_inputs
from kpi.measures.privacy import staff_by_unit
from kpi.paths import DATA_PROCESSED, DATA_RAW
from kpi.present import charts, tables, text


@pytest.fixture(scope="module")
def staff():
    inputs = open_inputs(DATA_RAW, DATA_PROCESSED)
    names = {a.id: a.name for a in inputs.strategy.responsible_areas}
    return staff_by_unit(inputs["staff"], names, dt.date(2022, 12, 31), min_count=5).frame


def test_table_has_finnish_numbers_and_keeps_markers(staff):
    table = tables.staff_table(staff).set_index("Yksikkö")
    assert table.loc["Museo", "Henkilöstö"] == "< 5" and table.loc["Museo", "HTV"] == "x"
    assert table.loc["Koko henkilöstö", "Sairauspoissaolopäivät"] == "11\u00a0018"
    assert table.loc["Koko henkilöstö", "Sairauspoissaolot pv/HTV"] == "18,4"


def test_chart_draws_no_bar_for_a_hidden_unit_and_names_it(staff):
    fig = charts.staff_chart(staff)
    ax = fig.axes[0]
    widths = {label.get_text(): bar.get_width() for label, bar in zip(ax.get_yticklabels(), ax.patches)}
    assert widths["Museo"] == 0 and widths["Vanhuspalvelut"] == pytest.approx(22.9, abs=0.05)
    labels = [t.get_text() for t in ax.texts]
    assert labels.count("piilotettu") == 4 and "koko henkilöstö 18,4" in labels


def test_alt_text_states_the_finding_and_the_hidden_units(staff):
    alt = text.staff_alt(staff)
    assert "eniten yksikössä Vanhuspalvelut (22,9)" in alt and "vähiten yksikössä Lukio (11,0)" in alt
    assert "koko henkilöstössä 18,4" in alt and "Tietosuojan vuoksi on piilotettu neljän yksikön luvut" in alt
