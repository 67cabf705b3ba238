"""The comparison page's parts: Finnish headers and numbers, alt texts that state the finding, sources, charts."""

from __future__ import annotations

import base64
import datetime as dt
import re
import struct

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from kpi.inputs.comparison import read_comparison
from kpi.measures import comparison as cmp
from kpi.paths import DATA_RAW
from kpi.present import comparison as view
from kpi.present.charts import figure_html

PEERS = ["240", "851", "305", "758", "732", "614", "583", "698"]
NAMES = ["Kemi", "Tornio", "Kuusamo", "Sodankylä", "Salla", "Posio", "Pelkosenniemi", "Rovaniemi"]
NB = "\u00a0"


@pytest.fixture(scope="module")
def figures():
    table = read_comparison(DATA_RAW)
    return {
        "index": cmp.population_index(table, ["320", *PEERS]),
        "key": cmp.key_figures(table, "320", PEERS),
        "rates": cmp.unemployment(table, ["320", *PEERS]),
    }


def text_of(fig: plt.Figure) -> list[str]:
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    plt.close(fig)
    return texts


class TestTables:
    def test_key_figures_table_has_finnish_headers_and_numbers(self, figures):
        t = view.key_figures_table(figures["key"].summary, "Kemijärvi")
        assert list(t.columns) == [
            "Tunnusluku",
            "Vuosi",
            "Kemijärvi",
            "Vertailukuntien mediaani",
            "Ero mediaaniin",
            "Sija (1 = suurin)",
            "Vaihteluväli",
            "Koko maa",
        ]
        row = t.set_index("Tunnusluku").loc["Vuosikate"]
        assert (row.Vuosi, row.Kemijärvi, row["Vertailukuntien mediaani"]) == (
            "2020",
            f"696{NB}€/asukas",  # euros per inhabitant in whole euros
            f"571{NB}€/asukas",
        )
        assert row["Ero mediaaniin"] == f"+125{NB}€/asukas" and row["Sija (1 = suurin)"] == "3/9"
        # a range with an unspaced en dash and the unit once
        assert row["Vaihteluväli"] == f"343–1{NB}197{NB}€/asukas"
        share = t.set_index("Tunnusluku").loc["Työllisyysaste"]
        assert share["Ero mediaaniin"] == f"\u22123,4{NB}%-yks." and share["Sija (1 = suurin)"] == "9/9"

    def test_population_table_per_municipality(self, figures):
        index = figures["index"]
        t = view.population_table(index.summary, index.base_year)
        assert list(t.columns) == [
            "Kunta",
            "Väkiluku 2000",
            "Väkiluku 2022",
            "Muutos",
            "Indeksi (2000 = 100)",
            "Sija (1 = kasvoi eniten)",
        ]
        city = t.iloc[0]
        assert (city.Kunta, city["Väkiluku 2022"], city.Muutos) == ("Kemijärvi", f"6{NB}996", f"\u221233,3{NB}%")
        assert t.iloc[-1].Kunta == "Koko maa" and t.iloc[-1].Muutos == f"+7,4{NB}%"

    def test_the_number_tables_behind_the_charts(self, figures):
        series = view.population_series_table(figures["index"].frame)
        assert list(series.columns) == ["Vuosi", "Kemijärvi", *NAMES, "Koko maa"]
        assert set(series.iloc[0, 1:]) == {"100,0"}
        values = view.key_values_table(figures["key"].values)
        assert list(values.columns) == ["Tunnusluku", "Kemijärvi", *NAMES]
        assert (
            values.iloc[0].Tunnusluku == "Vuosikate, €/asukas (2020)" and values.iloc[0].Sodankylä == f"1{NB}197"
        )  # whole euros per inhabitant

    def test_unemployment_table_says_how_many_months(self, figures):
        t = view.unemployment_table(figures["rates"]).set_index("Vuosi")
        assert t.Kuukausia["2020"] == "10" and t.Kuukausia["2019"] == "12"
        assert list(t.columns) == ["Kuukausia", "Kemijärvi", *NAMES, "Vertailukuntien mediaani"]
        assert "," in t.Kemijärvi["2020"]
        assert "Vuoden 2020 luku on 10 kuukauden keskiarvo." in view.unemployment_notes(figures["rates"])
        notes = view.unemployment_notes(figures["rates"], ["Kemijärvi", "Kemi", "Simo", "Inari"])
        assert notes[-1] == "Työnvälitystilaston kuukausilukuja ei ole vertailutiedoissa: Simo ja Inari."

    def test_sources_table_and_line(self, figures):
        sources = cmp.sources(figures["key"].values)
        assert view.source_line(sources) == "Lähde: Tilastokeskus, kuntien avainluvut 2020–2021, CC BY 4.0."
        both = cmp.sources(figures["index"].frame, figures["key"].values)
        assert view.source_line(both).startswith("Lähteet: THL Sotkanet 2000–2022, CC BY 4.0; Tilastokeskus")
        t = view.sources_table(both)
        assert list(t.columns) == ["Lähde", "Taulukko", "Vuodet", "Haettu", "Lisenssi"]
        assert t.Haettu.str.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}").all()


class TestSentences:
    def test_intro_names_the_city_and_its_peers(self):
        text = view.intro("Kemijärvi", NAMES, {"peers": [240]})
        assert text.startswith("Kemijärvi ja kahdeksan vertailukuntaa – Kemi, Tornio,")
        assert "Pelkosenniemi ja Rovaniemi –" in text

    def test_intro_lists_twelve_peers_and_counts_the_rest(self):
        text = view.intro("Kemijärvi", [f"K{n}" for n in range(17)], {"peers": [1]})
        assert "Kemijärvi ja 17 vertailukuntaa – K0, K1," in text and ", K11 ja 5 muuta –" in text

    def test_intro_says_how_a_group_was_chosen(self):
        comparison = {"peers": [], "peer_group": "seutukunta", "peer_population": [1000, 5000]}
        text = view.intro("Kemijärvi", ["Posio", "Salla"], comparison, group="Itä-Lappi")
        assert "kaksi vertailukuntaa (muut seutukunnan Itä-Lappi kunnat, väkiluku 1" in text and "5\u00a0000)" in text

    @pytest.mark.parametrize(
        ("latest", "period", "expected"),
        [
            (
                2022,
                dt.date(2023, 12, 31),
                "Uusimmat avoimet tiedot ovat vuodelta 2022; raportti koskee tilinpäätöstä 2023 (31.12.2023).",
            ),
            (
                2021,
                dt.date(2022, 6, 30),
                "Uusimmat avoimet tiedot ovat vuodelta 2021; raportti koskee osavuosikatsausta 1–6/2022 (30.6.2022).",
            ),
            (2023, dt.date(2023, 12, 31), ""),
        ],
    )
    def test_data_age_only_when_the_data_is_older_than_the_period(self, latest, period, expected):
        assert view.data_age(latest, period) == expected

    def test_findings_as_an_escaped_list(self):
        assert view.findings_markdown(["Väkiluku (2022) oli <b>"]) == "- Väkiluku \\(2022\\) oli &lt;b&gt;"
        assert view.findings_markdown([]) == "Ei havaintoja."


class TestAltTexts:
    def test_population_alt_states_the_finding(self, figures):
        index = figures["index"]
        alt = view.population_alt(index.summary, index.base_year)
        assert alt.startswith("Väkiluku indeksinä 2000–2022 (2000 = 100). Kemijärvi: väkiluku laski 33,3")
        assert (
            "sija 7/9" in alt
            and "eniten kasvoi väkiluvultaan Rovaniemi (+12,7" in alt
            and "eniten väkeä menetti Salla (\u221235,1" in alt
        )
        assert "koko maa +7,4" in alt

    def test_the_last_of_the_comparison_is_said_to_be_so(self, figures):
        summary = figures["index"].summary
        worst = summary.assign(rank=summary["rank"].where(summary.municipality != "Kemijärvi", 9.0))
        assert "eniten vertailukunnista" in view.population_alt(worst, 2000)

    def test_key_figures_alt_names_where_the_city_is_highest_and_lowest(self, figures):
        alt = view.key_figures_alt(figures["key"].summary, "Kemijärvi")
        assert "kymmenen tunnuslukua" in alt
        assert (
            "Vertailun suurin arvo (Kemijärvi): lainakanta, työttömien osuus työvoimasta ja taloudellinen huoltosuhde."
            in alt
        )
        assert "Vertailun pienin arvo (Kemijärvi): työllisyysaste ja 15–64-vuotiaiden osuus väestöstä." in alt

    def test_unemployment_alt_states_the_start_end_and_rank(self, figures):
        alt = view.unemployment_alt(figures["rates"])
        assert alt.startswith("Työttömien työnhakijoiden osuus työvoimasta vuosittain 2006–2020. Kemijärvi: 18,5")
        assert "vuonna 2020 sija 5/9 (1 = suurin), vertailukuntien mediaani 15,7" in alt


class TestCharts:
    def test_every_line_is_labelled_directly_when_there_are_few(self, figures):
        index = figures["index"]
        labels = text_of(view.population_chart(index.frame, index.base_year))
        assert sorted(labels) == sorted(["Kemijärvi", *NAMES, "Koko maa"])

    def test_with_many_peers_only_the_city_country_and_the_ends_are_labelled(self):
        frame = pd.DataFrame(
            [
                {"municipality_code": f"{n:03d}", "municipality": f"K{n}", "role": "city" if n == 0 else "peer"}
                | {"year": y, "index": 100 + n * (y - 2000)}
                for n in range(20)
                for y in (2000, 2001)
            ]
        )
        assert sorted(text_of(view.population_chart(frame, 2000))) == ["K0", "K1", "K19"]

    def test_labels_are_spread_apart_within_the_axis(self):
        placed = view._spread([5.0, 5.1, 5.2, 9.9], gap=1.0, low=0.0, high=10.0)
        ordered = sorted(placed)
        assert all(b - a >= 1.0 - 1e-9 for a, b in zip(ordered, ordered[1:])) and max(placed) <= 10.0

    def test_unemployment_and_key_figure_charts_draw(self, figures):
        assert len(text_of(view.unemployment_chart(figures["rates"]))) == 9
        fig = view.key_figures_chart(figures["key"].values, figures["key"].summary)
        assert len(fig.axes) == 10 and fig.legends
        plt.close(fig)

    @pytest.mark.parametrize("chart", ["population", "key figures", "unemployment"])
    def test_every_chart_fits_a_laptop_screen_with_labels_the_size_of_body_text(self, figures, chart):
        # issue 18: at its own size (the house dpi of figure_html) no chart is taller than a 1280 × 800 window
        # shows, and its tick labels are at most 10 pt, so the page never has to shrink the image and its type
        fig = {
            "population": lambda: view.population_chart(figures["index"].frame, figures["index"].base_year),
            "key figures": lambda: view.key_figures_chart(figures["key"].values, figures["key"].summary),
            "unemployment": lambda: view.unemployment_chart(figures["rates"]),
        }[chart]()
        fig.canvas.draw()
        ticks = [t for ax in fig.axes for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
        assert ticks and max(t.get_fontsize() for t in ticks) <= 10
        inside = fig.bbox.padded(1)  # no label runs off the image: each axes with all it draws, and the key
        boxes = [ax.get_tightbbox() for ax in fig.axes] + [key.get_window_extent() for key in fig.legends]
        assert all(inside.contains(*box.min) and inside.contains(*box.max) for box in boxes)
        png = base64.b64decode(re.search(r'base64,([^"]+)"', figure_html(fig, alt="", caption=""))[1])
        width, height = struct.unpack(">II", png[16:24])  # the PNG header: width and height in pixels
        assert width == 572 and height <= 800

    def test_figure_carries_the_alt_text_and_the_source_line(self, figures):
        index = figures["index"]
        block = view.figure(
            view.population_chart(index.frame, index.base_year),
            alt=view.population_alt(index.summary, index.base_year),
            caption="Väkiluku indeksinä",
            data=view.population_series_table(index.frame),
            sources=cmp.sources(index.frame),
        )
        assert 'alt="Väkiluku indeksinä 2000–2022' in block and "Kaavion luvut taulukkona" in block
        assert block.endswith('<p class="kpi-source">Lähde: THL Sotkanet 2000–2022, CC BY 4.0.</p>')
