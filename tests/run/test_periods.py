"""Period parsing, labels and the periods that have params."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.errors import UsageError
from kpi.run.periods import latest_period, parse_period, periods_with_params


class TestParsePeriod:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("2023-06-30", dt.date(2023, 6, 30)),
            ("31.12.2022", dt.date(2022, 12, 31)),
            (" 2021-12-31 ", dt.date(2021, 12, 31)),
        ],
    )
    def test_accepted(self, text, expected):
        assert parse_period(text) == expected

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("2023-07-15", "not a period end"),
            ("15.7.2023", "not a period end"),
            ("2023-06-31", "not a date"),
            ("kesäkuu", "not a date"),
        ],
    )
    def test_rejected(self, text, message):
        with pytest.raises(UsageError, match=message):
            parse_period(text)


class TestPeriodsWithParams:
    def test_project_params(self):
        periods = periods_with_params()
        assert periods[0] == dt.date(2021, 6, 30) and latest_period() == dt.date(2023, 12, 31) == periods[-1]
        assert len(periods) == 6

    def test_ignores_other_files_and_fails_clearly_when_empty(self, tmp_path):
        (tmp_path / "default.yaml").write_text("{}", encoding="utf-8")
        assert periods_with_params(tmp_path) == []
        with pytest.raises(UsageError, match="no period params"):
            latest_period(tmp_path)
