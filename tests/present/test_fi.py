"""Finnish formatting."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi import fi

N = "\u00a0"


class TestNumbers:
    @pytest.mark.parametrize(
        ("value", "decimals", "text"),
        [
            (1234.5, 1, f"1{N}234,5"),
            (1234567.25, 2, f"1{N}234{N}567,25"),
            (-3.2, 1, "\u22123,2"),
            (0, 0, "0"),
            (-0.04, 1, "0,0"),
            (None, 1, "–"),
            (float("nan"), 1, "–"),
        ],
    )
    def test_number(self, value, decimals, text):
        assert fi.number(value, decimals) == text

    @pytest.mark.parametrize(
        ("value", "text"),
        [(1234, f"1{N}234{N}€"), (1_300_000, f"1,3{N}M€"), (-2_500_000, f"\u22122,5{N}M€"), (None, "–")],
    )
    def test_euros(self, value, text):
        assert fi.euros(value) == text

    def test_percent_and_units(self):
        assert fi.percent(12.345) == f"12,3{N}%"
        assert fi.with_unit(24, "%") == f"24{N}%" and fi.with_unit(4.95, "€/ateria") == f"4,95{N}€/ateria"
        assert fi.with_unit(12723.0, "€/asukas") == f"12{N}723{N}€/asukas" and fi.with_unit(None, "kpl") == "–"


class TestDatesAndLabels:
    def test_dates_and_periods(self):
        assert fi.date(dt.date(2023, 6, 30)) == "30.6.2023"
        assert fi.period_label(dt.date(2023, 6, 30)) == "1–6/2023"
        assert fi.period_label(dt.date(2023, 12, 31)) == "Tilinpäätös 2023"
        assert fi.period_label(dt.date(2023, 6, 30), long=True) == "Osavuosikatsaus 1–6/2023 (30.6.2023)"

    @pytest.mark.parametrize(
        ("status", "label"),
        [
            ("toteutunut", "✓ toteutunut"),
            ("ei toteutunut", "✗ ei toteutunut"),
            ("osittain toteutunut", "◐ osittain toteutunut"),
            ("ei arvioitavissa", "? ei arvioitavissa"),
            (None, "–"),
        ],
    )
    def test_status_labels_carry_symbol_and_text(self, status, label):
        assert fi.status_label(status) == label

    def test_status_colours_have_aa_contrast_with_their_text(self):
        def luminance(hex_colour):
            rgb = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
            lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
            return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

        for fill, text in fi.STATUS_COLOURS.values():
            a, b = sorted([luminance(fill), luminance(text)], reverse=True)
            assert (a + 0.05) / (b + 0.05) >= 4.5

    def test_count_phrase(self):
        assert fi.count_phrase(3, 5, "tavoitteesta") == "viidestä tavoitteesta kolme"
        assert fi.count_phrase(12, 15, "tavoitteesta") == "15:stä tavoitteesta 12"
