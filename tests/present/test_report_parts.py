"""The report parts the workbooks call: tables, sentences, alt texts, charts and findings, on the embedded data."""

from __future__ import annotations

import datetime as dt

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kpi import fi
from kpi.inputs.datasets import load_inputs
from kpi.inputs.processed import open_inputs, write_processed
from kpi.inputs.quality import period_coverage
from kpi.measures import adjustment, finance
from kpi.measures import changes as ch
from kpi.measures import status as st
from kpi.measures.assessment import three_way
from kpi.measures.findings import CATEGORIES, evaluation_findings
from kpi.paths import DATA_RAW
from kpi.present import charts, tables, text

PERIODS = [dt.date(2022, 6, 30), dt.date(2023, 12, 31)]


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


@pytest.fixture(scope="module", params=PERIODS, ids=[p.isoformat() for p in PERIODS])
def period_frames(request, inputs):
    period = request.param
    s = inputs.strategy
    rules = st.StatusRules()
    ind = st.indicator_statuses(s, inputs["observations"], period, rules=rules)
    ms = st.milestone_statuses(s, inputs["milestones"], period, rules=rules)
    measures = st.measure_statuses(s, ind, ms, rules=rules)
    goals = st.goal_statuses(s, measures, rules=rules)
    return {
        "period": period,
        "ind": ind,
        "ms": ms,
        "measures": measures,
        "goals": goals,
        "changes": ch.indicator_changes(s, inputs["observations"], period),
        "assessment": three_way(s, inputs["assessments"], goals, period),
        "follow_up": finance.budget_follow_up(inputs["budget"], period),
    }


class TestTables:
    def test_goal_and_indicator_tables(self, inputs, period_frames):
        f = period_frames
        goals = tables.goals_table(inputs.strategy, f["goals"], f["assessment"])
        assert len(goals) == 15 and goals["Tietoihin perustuva arvio"].str.match(r"^[✓◐✗?] ").all()
        t = tables.indicator_table(inputs.strategy, "H2", f["ind"], f["changes"], inputs["observations"], f["period"])
        assert len(t) == 8 and set(t["Arvon laji"]) <= {"esimerkkiarvo", "todellinen arvo", "ei arvoa"}
        assert t[t.Indikaattori == "Yritystonttien keskimääräinen myyntihinta"].Tavoitetaso.iloc[0].startswith("3")

    def test_milestones_budget_programmes_key_figures(self, inputs, period_frames):
        f = period_frames
        assert len(tables.milestones_table(inputs.strategy, None, f["ms"])) == 6
        assert len(tables.milestones_table(inputs.strategy, "I3", f["ms"])) == 1
        names = {a.id: a.name for a in inputs.strategy.responsible_areas}
        totals = finance.area_totals(f["follow_up"])
        midyear = f["period"].month == 6
        b = tables.budget_table(totals, names, forecast=midyear)
        assert ("Toimintakulut, ennuste 31.12." in b.columns) == midyear
        flags = tables.budget_flags_table(f["follow_up"], names)
        flagged = f["follow_up"][f["follow_up"].flag != ""]
        assert len(flags) == len(flagged) and list(flags.Havainto) == list(flagged.flag)
        assert set(flags.Vastuualue) <= set(names.values())
        p = tables.programmes_table(inputs.strategy, inputs["programmes"], f["period"])
        assert len(p) == 8
        k = tables.key_figures_table(
            finance.key_figures(inputs["budget"], inputs["observations"], inputs["population"], f["period"])
        )
        # at 30.6. a period's figure says it covers January–June ("Toimintakate 1–6/2022")
        assert (f"Toimintakate 1–6/{f['period'].year}" if midyear else "Toimintakate") in set(k.Tunnusluku)
        area = tables.area_status_table(inputs.strategy, f["measures"])
        assert area.iloc[:, 1:].to_numpy().sum() == 44

    def test_adjustment_tables_and_sentence(self, inputs, period_frames):
        progress = adjustment.adjustment_progress(
            inputs["adjustment"], period_frames["period"], **adjustment.programme_targets(inputs.strategy)
        )
        names = {a.id: a.name for a in inputs.strategy.responsible_areas}
        by_year, by_action = tables.adjustment_tables(progress, names)
        assert len(by_action) >= 4 and len(by_year) >= 2
        assert set(by_action.Vastuualue) <= set(names.values())  # the areas by name, as the budget tables
        sentence = tables.adjustment_sentence(progress)
        assert sentence.startswith("Sopeuttamisohjelman säästöjä on kertynyt")
        # the pace sentence ("kertymän pitäisi olla …, joten ohjelma on … jäljessä") until the even pace has
        # reached the whole target; then it would only repeat the gap
        last = period_frames["period"] == dt.date(2023, 12, 31)
        assert ("jäljessä" in sentence) != last and ("Tasaisella tahdilla kertymän pitäisi olla" in sentence) != last
        assert "Tavoitteeseen puuttuu" in sentence
        assert "Sopeuttamisohjelman säästöjä" in text.adjustment_alt(progress)
        fig = charts.adjustment_chart(progress["by_year"], target_eur=5e6)
        assert fig.axes and fig.axes[0].get_xticklabels()  # a drawn chart with labelled years
        legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert legend == ["tasainen eteneminen tavoitteeseen", "toteutunut, kertymä"]
        plt.close(fig)

    @pytest.mark.parametrize(
        ("period", "labels", "pace_meur"),
        [
            (dt.date(2022, 6, 30), ["2021", "1–6/2022"], [5 / 3, 2.5]),
            (dt.date(2022, 12, 31), ["2021", "2022"], [5 / 3, 10 / 3]),
        ],
    )
    def test_adjustment_chart_pace_is_where_the_sentence_says(self, inputs, period, labels, pace_meur):
        # at 30.6. the even pace's last point is half a year's pace (2,5 M€), the "pitäisi olla" of the sentence
        # and the alt text; it was drawn at the year-end 3,3 M€ under the year's label (issue 18's review)
        progress = adjustment.adjustment_progress(
            inputs["adjustment"], period, **adjustment.programme_targets(inputs.strategy)
        )
        fig = charts.adjustment_chart(progress["by_year"], target_eur=5e6)
        ax = fig.axes[0]
        line = next(x for x in ax.get_lines() if x.get_label() == "tasainen eteneminen tavoitteeseen")
        assert list(line.get_ydata()) == pytest.approx(pace_meur)
        assert [t.get_text() for t in ax.get_xticklabels()] == labels
        assert line.get_ydata()[-1] * 1e6 == pytest.approx(progress["totals"]["expected_eur"])
        by_year, _ = tables.adjustment_tables(progress)
        assert by_year.Vuosi.tolist() == labels and "Kertymä tasaisella tahdilla" in by_year
        plt.close(fig)

    def test_header(self):
        h = tables.header_lines(title="T", period_end=dt.date(2023, 6, 30), example_values=3, values=50)
        assert "Osavuosikatsaus 1–6/2023" in h and "kyllä – 3 kauden 50 indikaattoriarvosta" in h
        assert "**Sisältää esimerkkiarvoja:** ei" in tables.header_lines(
            title="T", period_end=dt.date(2023, 6, 30), example_values=0, values=50
        )


class TestSentencesAndCharts:
    def test_goal_summary_and_alt(self, inputs, period_frames):
        goals = period_frames["goals"]
        summary = text.goals_summary_fi(goals.status)
        assert summary.startswith("Tavoitteita on 15: niistä ") and summary.endswith(".")
        names = {g.id: g.name for g in inputs.strategy.goals}
        alt = text.goal_chart_alt(goals, names)
        assert alt.startswith("Pylväskaavio 15 tavoitteen tilasta") and "Heikoin:" in alt
        html = charts.figure_html(
            charts.goal_status_chart(goals, names), alt=alt, caption="Tila", data=pd.DataFrame({"a": [1]})
        )
        assert html.startswith('<figure class="kpi-figure"><img src="data:image/png;base64,')
        assert "<details><summary>Kaavion luvut taulukkona</summary>" in html

    @pytest.mark.parametrize(
        ("indicator_id", "words"),
        [
            ("lahiruoka_osuus", ["Lähiruoan osuus ruokapalveluiden tuotannosta: arvo nousi", "jäi saavuttamatta"]),
            ("tuloveroprosentti", ["laski", "sarjakatko"]),
            ("yritystontti_hinta", ["tavoitevälin sisällä"]),
            ("osallistuva_budjetointi_ehdotukset", ["laski"]),
        ],
    )
    def test_trend_alt_states_the_finding(self, inputs, indicator_id, words):
        indicator = inputs.strategy.indicator(indicator_id)
        points = ch.series(inputs.strategy, inputs["observations"], indicator_id)
        alt = text.trend_alt(indicator, points)
        for word in words:
            assert word in alt
        charts.figure_html(
            charts.trend_chart(points, title=indicator.name, unit=indicator.unit, flow=indicator.kind == "flow"),
            alt=alt,
            caption="x",
            data=tables.series_table(points, indicator.unit),
        )

    def test_flow_alt_at_30_6_sets_the_half_year_against_half_the_target(self, inputs):
        indicator = inputs.strategy.indicator("uudet_yritykset_lkm")
        points = ch.series(inputs.strategy, inputs["observations"], indicator.id, until=dt.date(2022, 6, 30))
        alt = text.trend_alt(indicator, points)
        year_end = points[points.period_end.dt.month == 12].dropna(subset=["value"])
        latest = points.iloc[-1]
        assert alt.startswith(
            f"Uudet yritykset: arvo nousi {fi.with_unit(year_end.value.iloc[0], 'kpl')} (31.12.2020) → "
            f"{fi.with_unit(year_end.value.iloc[-1], 'kpl')} (31.12.2021)."
        )
        assert f"Tammi–kesäkuun 2022 kertymä oli {fi.with_unit(latest.value, 'kpl')}." in alt
        # "puolet vuoden tavoitteesta jäi saavuttamatta" would say the other half was reached
        assert f"Puolivuotistavoite (puolet vuoden tavoitteesta, {fi.with_unit(latest.target / 2, 'kpl')})" in alt
        assert "Puolet vuoden tavoitteesta" not in alt
        # under flow_at_30_6: full_year the status rules compare with the whole year's target, and so does the alt
        whole = text.trend_alt(
            indicator,
            ch.series(
                inputs.strategy,
                inputs["observations"],
                indicator.id,
                until=dt.date(2022, 6, 30),
                rules=st.StatusRules(flow_at_30_6="full_year"),
            ),
        )
        assert f"Vuoden tavoite {fi.with_unit(latest.target, 'kpl')} jäi saavuttamatta." in whole

    def test_axis_labels_have_the_decimals_their_step_needs(self):
        ticks = charts.FinnishTicks()
        assert ticks.format_ticks([20.5, 21.0, 21.5, 22.0]) == ["20,5", "21,0", "21,5", "22,0"]
        assert ticks.format_ticks([0.25, 0.5, 0.75]) == ["0,25", "0,50", "0,75"]
        assert ticks.format_ticks([4000, 6000, 8000]) == ["4\u00a0000", "6\u00a0000", "8\u00a0000"]

    def test_only_example_values_are_hollow_and_in_the_legend(self, inputs):
        import matplotlib.pyplot as plt

        points = ch.series(inputs.strategy, inputs["observations"], "tuloveroprosentti", until=dt.date(2022, 6, 30))
        assert points.is_example.tolist() == [True, True, True, False]  # the 2022 rate is a real figure
        fig = charts.trend_chart(points, title="x", unit="%")
        ax = fig.axes[0]
        dots = {
            c.get_label(): (len(c.get_offsets()), {tuple(f[:3].round(3)) for f in c.get_facecolor()})
            for c in ax.collections
        }
        assert dots["esimerkkiarvo"] == (3, {(1.0, 1.0, 1.0)}) and dots["_"][0] == 1
        assert dots["_"][1] != {(1.0, 1.0, 1.0)}
        assert [t.get_text() for t in ax.get_legend().get_texts()] == ["arvo", "esimerkkiarvo", "tavoite"]
        plt.close(fig)

    def test_flow_chart_keeps_the_period_ends_in_time_order(self, inputs):
        """Year totals and 30.6. totals share one time axis; the sote break sits between 31.12.2022 and 30.6.2023."""
        import matplotlib.pyplot as plt

        points = ch.series(inputs.strategy, inputs["observations"], "toimintakulut_per_asukas")
        fig = charts.trend_chart(points.iloc[::-1], title="x", unit="€/asukas", flow=True)
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert labels == ["31.12.2020", "30.6.2021", "31.12.2021", "30.6.2022", "31.12.2022", "30.6.2023", "31.12.2023"]
        # the year values are joined up to the break and not across it
        value_lines = [
            line for line in ax.get_lines() if line.get_linestyle() == "-" and line.get_color() == charts.BLUE
        ]
        assert [[labels[int(x)] for x in line.get_xdata()] for line in value_lines] == [
            ["31.12.2020", "31.12.2021", "31.12.2022"],
            ["31.12.2023"],
        ]
        assert [t.get_text() for t in ax.get_legend().get_texts()].count("koko vuoden arvo") == 1
        breaks = [line.get_xdata()[0] for line in ax.get_lines() if line.get_linestyle() == ":"]
        assert breaks == [4.5]
        plt.close(fig)

    def test_flow_chart_marks_the_half_target_at_30_6(self, inputs):
        """At 30.6. a January–June total is judged against half the year's target: the chart shows that half, not
        the year's target, at the 30.6. points (issue 18: the reader saw 32 where the status was decided on 16)."""
        import matplotlib.pyplot as plt

        points = ch.series(inputs.strategy, inputs["observations"], "uudet_yritykset_lkm", until=dt.date(2022, 6, 30))
        fig = charts.trend_chart(points, title="x", unit="kpl", flow=True)
        ax = fig.axes[0]
        labels = [t.get_text() for t in ax.get_xticklabels()]
        half_at = labels.index("30.6.2022")
        target_line = next(line for line in ax.get_lines() if line.get_linestyle() == "--")
        assert pd.isna(target_line.get_ydata()[half_at])  # the year's target is not drawn at 30.6.
        marks = next(c for c in ax.collections if c.get_label() == "puolet vuoden tavoitteesta (30.6.)")
        (x, y), year_target = marks.get_offsets()[-1], points.target.iloc[-1]
        assert int(x) == half_at and y == pytest.approx(year_target / 2)
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert "puolet vuoden tavoitteesta (30.6.)" in legend
        assert {"koko vuoden arvo", "kertymä 1–6"} <= set(legend)
        plt.close(fig)

    def test_budget_sentence_chart_and_alt(self, inputs, period_frames):
        names = {a.id: a.name for a in inputs.strategy.responsible_areas}
        totals = finance.area_totals(period_frames["follow_up"])
        sentence = text.budget_sentence(totals, period_frames["period"])
        half = period_frames["period"].month == 6
        assert sentence.startswith("Toimintakuluja kertyi 1.1.–30.6." if half else "Toimintakulut olivat ")
        assert "muutetusta talousarviosta" in sentence
        assert ("ennuste" in sentence) == (period_frames["period"].month == 6)
        assert "Suurin kulujen toteutumisaste:" in text.budget_alt(totals, names, period_frames["period"])
        fig = charts.budget_chart(totals, names, forecast=period_frames["period"].month == 6)
        labels = [t.get_text() for t in fig.axes[0].get_yticklabels() + fig.axes[0].get_xticklabels()]
        assert any(name in labels for name in names.values())  # one bar per responsibility area, named
        plt.close(fig)

    def test_charts_are_drawn_once_when_saved(self, inputs, monkeypatch):
        """A chart keeps no layout engine, so savefig draws it once (a kept engine costs a second full draw)."""
        import matplotlib.figure

        points = ch.series(inputs.strategy, inputs["observations"], "lahiruoka_osuus")
        fig = charts.trend_chart(points, title="x", unit="%")
        assert fig.get_layout_engine() is None
        draws = []
        real_draw = matplotlib.figure.Figure.draw
        monkeypatch.setattr(matplotlib.figure.Figure, "draw", lambda self, r: draws.append(1) or real_draw(self, r))
        charts.figure_html(fig, alt="x", caption="x")
        assert len(draws) == 1

    def test_scipy_is_hidden_only_while_seaborn_loads(self):
        import sys

        import scipy.stats

        assert sys.modules["scipy.stats"] is scipy.stats and scipy.stats.norm.cdf(0) == 0.5

    def test_markdown_escaping(self):
        assert (
            fi.escape_markdown("<script>alert(1)</script> *x*") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt; \\*x\\*"
        )


class TestFindings:
    def test_every_category_from_the_embedded_data(self, inputs, period_frames):
        f = period_frames
        findings = evaluation_findings(
            assessment=f["assessment"],
            measures=f["measures"],
            measure_names={m.id: m.name for m in inputs.strategy.measures},
            follow_up=f["follow_up"],
            area_names={},
            coverage=period_coverage(inputs, f["period"]),
            period_end=f["period"],
        )
        assert set(findings.category) <= set(CATEGORIES) and (findings.text.str.len() > 20).all()
        assert "Tietojen laatu" in set(findings.category)
        if f["period"].month == 12:
            assert "Arviot poikkeavat tiedoista" in set(findings.category)

    def test_overruns_are_sentences(self):
        follow = pd.DataFrame(
            {
                "responsible_area": ["tekn"],
                "account_group": ["Palvelujen ostot"],
                "flag": ["ylitys"],
                "realisation_pct": [56.25],
                "expected_pct": [50.0],
            }
        )
        findings = evaluation_findings(
            assessment=pd.DataFrame(columns=["goal_id", "goal", "data", "disagree", "sentence"]),
            measures=pd.DataFrame(columns=["measure_id", "status", "reason"]),
            measure_names={},
            follow_up=follow,
            area_names={"tekn": "Tekn. palvelut"},
            coverage={},
            period_end=dt.date(2022, 6, 30),
        )
        # a point in the area name stays a point; one no-break space before each per cent sign
        assert findings.text.tolist() == [
            f"Tekn. palvelut – palvelujen ostot: toteuma {fi.percent(56.25)} talousarviosta "
            "on odotettua suurempi (odotettu 50\u00a0%)."
        ]


class TestOpenInputs:
    def test_processed_data_is_used_only_when_made_from_the_same_files(self, inputs, tmp_path, data_copy):
        processed = tmp_path / "processed"
        write_processed(load_inputs(data_copy), processed)
        same = open_inputs(data_copy, processed)
        assert same.file_hashes == inputs.file_hashes and len(same["observations"]) == len(inputs["observations"])
        (processed / "observations.parquet").write_bytes(b"broken")  # proves the parquet path is not taken below
        (data_copy / "arviot.csv").write_bytes((data_copy / "arviot.csv").read_bytes() + b"\r\n")
        changed = open_inputs(data_copy, processed)
        assert len(changed["observations"]) == len(inputs["observations"])
