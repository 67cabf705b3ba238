"""Finnish formatting."""

from __future__ import annotations

import datetime as dt

import babel.dates
import babel.numbers
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
        # one name for a period, lower case as it stands mid-sentence; the long form is a heading
        assert fi.period_label(dt.date(2023, 6, 30)) == "osavuosikatsaus 1–6/2023"
        assert fi.period_label(dt.date(2023, 12, 31)) == "tilinpäätös 2023"
        assert fi.period_label(dt.date(2023, 12, 31), long=True) == "Tilinpäätös 2023 (31.12.2023)"
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


class TestAgreesWithBabel:
    """The hand-written formats are smaller than a Babel dependency at run time; these show they say the same.

    Babel (the CLDR locale data, installed with JupyterLab) writes ``fi_FI`` numbers with a no-break space between
    thousands and a decimal comma, and dates as ``d.M.y``. kpi rounds half away from zero, as Finnish readers
    round (1,65 → 1,7), so Babel is asked to do the same; kpi's minus is the typographic one (U+2212).
    """

    babel_numbers = babel.numbers
    babel_dates = babel.dates

    def babel_number(self, value, decimals):
        import decimal

        pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
        with decimal.localcontext() as context:
            context.rounding = decimal.ROUND_HALF_UP
            text = self.babel_numbers.format_decimal(decimal.Decimal(repr(value)), format=pattern, locale="fi_FI")
        return text.replace("-", fi.MINUS)

    @pytest.mark.parametrize("decimals", [0, 1, 2, 3])
    def test_numbers(self, decimals):
        import random

        rng = random.Random(20261130 + decimals)
        values = [0.0, 1.65, 2.5, -2.5, 0.125, 1_650_000 / 1e6, 999.95, -0.04, 1e9 + 0.5, 12363.0, -1234.5]
        values += [round(rng.uniform(-1e7, 1e7), rng.randint(0, 5)) for _ in range(2000)]
        for value in values:
            ours, theirs = fi.number(value, decimals), self.babel_number(value, decimals)
            if theirs.startswith(fi.MINUS) and theirs.strip(fi.MINUS + "0,") == "":
                theirs = theirs[1:]  # Babel writes "−0,0" for a value that rounds to zero; kpi writes no sign there
            assert ours == theirs, value

    def test_half_up_as_a_reader_expects(self):
        assert fi.number(1.65, 1) == "1,7" and fi.number(2.5, 0) == "3" and fi.number(-2.5, 0) == f"{fi.MINUS}3"
        assert fi.euros(1_650_000) == f"1,7{N}M€"

    @pytest.mark.parametrize("day", [dt.date(2023, 6, 30), dt.date(2023, 12, 31), dt.date(2024, 1, 5)])
    def test_dates(self, day):
        assert fi.date(day) == self.babel_dates.format_date(day, "short", locale="fi_FI")

    @pytest.mark.parametrize("moment", [dt.datetime(2026, 11, 28, 9, 5), dt.datetime(2026, 1, 2, 23, 59, 7)])
    def test_timestamps(self, moment):
        date = self.babel_dates.format_date(moment, "short", locale="fi_FI")
        time = self.babel_dates.format_time(moment, "short", locale="fi_FI")
        assert fi.timestamp(moment) == f"{date} klo {time}"  # "klo" as Finnish writes a time after a date
        seconds = self.babel_dates.format_time(moment, "medium", locale="fi_FI")
        assert fi.timestamp(moment.isoformat(), seconds=True) == f"{date} klo {seconds}"
