"""The gate's Finnish tables and offline HTML page."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest

from kpi.inputs.gate import Finding, GateResult, Sample, run_gate
from kpi.inputs.quality import completeness_matrix
from kpi.inputs.suites import all_checks
from kpi.paths import DATA_RAW
from kpi.present import quality as pq


@pytest.fixture(scope="module")
def result() -> GateResult:
    return run_gate(DATA_RAW, dt.date(2022, 6, 30))


class TestTables:
    def test_checks_table_is_finnish_with_symbols(self, result):
        t = pq.checks_table(result)
        assert list(t.columns) == [
            "Tiedosto",
            "Sarake",
            "Tarkistus",
            "Vakavuus",
            "Tulos",
            "Poikkeavia",
            "Esimerkit",
            "Tunnus",
        ]
        assert set(t.Tulos) == {"✓ kunnossa", "! huomautus"}
        assert set(t.Vakavuus) == {"estävä", "huomautus"}

    def test_summary_sentences(self, result):
        text = pq.summary_fi(result, examples=85)
        assert text.startswith("Osavuosikatsauksen 1–6/2022 (30.6.2022) tiedoille tehtiin")
        assert "Estäviä virheitä ei ollut" in text and "85 on esimerkkiarvoja" in text

    def test_completeness_counts(self, result):
        counts = pq.completeness_counts(completeness_matrix(result.inputs, until=dt.date(2022, 6, 30)))
        assert counts.loc["– ei tietoa", "30.6.2022"] == 7 and counts["30.6.2022"].sum() == 57


class TestPage:
    def test_offline_accessible_finnish_page(self, result):
        page = pq.render_quality_page(
            result, made_at=dt.datetime(2026, 11, 28, 9, 5), matrix=completeness_matrix(result.inputs)
        )
        assert page.startswith("<!DOCTYPE html>") and '<html lang="fi">' in page
        assert page.count("<h1>") == 1 and "Tietojen laatu – osavuosikatsaus 1–6/2022 (30.6.2022)" in page
        assert not re.search(r'(src|href)=["\']?(https?:)?//', page)  # nothing loaded from the network
        assert "<script" not in page
        assert '<th scope="col">' in page and "<caption>" in page
        assert "Tarkistettu 28.11.2026 klo 9.05" in page

    def test_text_from_input_files_is_escaped(self, result):
        check = next(c for c in all_checks() if c.id == "havainnot.indicator_id.known")
        evil = Finding(check, "hard", False, unexpected=1, samples=(Sample(5, "'<script>alert(1)</script>'"),))
        broken = dataclasses.replace(result, findings=[*result.findings, evil])
        page = pq.render_quality_page(broken, made_at=dt.datetime(2026, 11, 28))
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "✗ Tiedoissa on estäviä virheitä" in page
        # one file: "tiedostossa" (singular), and the count does not start the sentence
        assert (
            "Tiedostossa havainnot.csv on yksi estävä virhe, joten raportteja ei tehdä ennen kuin virhe on korjattu."
            in pq.summary_fi(broken)
        )
        other = next(c for c in all_checks() if c.file == "vaesto.csv")
        two = dataclasses.replace(
            broken, findings=[*broken.findings, Finding(other, "hard", False, unexpected=1, samples=())]
        )
        assert "Tiedostoissa havainnot.csv ja vaesto.csv on kaksi estävää virhettä, joten" in pq.summary_fi(two)
