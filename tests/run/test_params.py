"""Parameter merging: default ← period ← --params ← --set, with default.yaml as the schema."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.errors import ParameterError
from kpi.run.params import load_params, parse_override

PERIOD = dt.date(2023, 6, 30)


@pytest.fixture()
def params_dir(tmp_path):
    (tmp_path / "default.yaml").write_text(
        "period_end: null\nreport:\n  title: Seuranta\n  commentary: ''\nstatus:\n  tolerance_pct: 5\n  strict: false\n",
        encoding="utf-8",
    )
    (tmp_path / "2023-06-30.yaml").write_text(
        "period_end: 2023-06-30\nreport:\n  commentary: Kevät\n", encoding="utf-8"
    )
    return tmp_path


class TestParseOverride:
    @pytest.mark.parametrize(
        ("text", "path", "value"),
        [
            ("status.tolerance_pct=7.5", ["status", "tolerance_pct"], 7.5),
            ("status.strict=true", ["status", "strict"], True),
            ("report.commentary=Hyvä kausi", ["report", "commentary"], "Hyvä kausi"),
            ("report.commentary=", ["report", "commentary"], ""),
        ],
    )
    def test_typed_values(self, text, path, value):
        assert parse_override(text) == (path, value)

    @pytest.mark.parametrize("text", ["tolerance", "=5", "a..b=1"])
    def test_malformed(self, text):
        with pytest.raises(ParameterError, match="KEY=VALUE"):
            parse_override(text)


class TestLoadParams:
    def test_layers_apply_in_order(self, params_dir, tmp_path):
        extra = tmp_path / "extra.yaml"
        extra.write_text("status:\n  tolerance_pct: 10\n", encoding="utf-8")
        params = load_params(PERIOD, params_dir=params_dir, extra_file=extra, overrides=["status.tolerance_pct=12"])
        assert params["period_end"] == PERIOD
        assert params["report"] == {"title": "Seuranta", "commentary": "Kevät"}
        assert params["status"] == {"tolerance_pct": 12, "strict": False}

    def test_unknown_key_is_refused_with_the_known_ones(self, params_dir):
        with pytest.raises(
            ParameterError, match=r"unknown parameter 'status.tolerence' \(known: status.tolerance_pct, status.strict\)"
        ):
            load_params(PERIOD, params_dir=params_dir, overrides=["status.tolerence=3"])

    def test_wrong_type_is_refused(self, params_dir):
        with pytest.raises(ParameterError, match="'status.tolerance_pct' must be a number, found 'viisi'"):
            load_params(PERIOD, params_dir=params_dir, overrides=["status.tolerance_pct=viisi"])
        with pytest.raises(ParameterError, match="'status.strict' must be true or false"):
            load_params(PERIOD, params_dir=params_dir, overrides=["status.strict=1"])

    def test_missing_period_file(self, params_dir):
        with pytest.raises(ParameterError, match="no parameters for period 2023-12-31"):
            load_params(dt.date(2023, 12, 31), params_dir=params_dir)

    def test_period_file_for_another_period(self, params_dir):
        (params_dir / "2022-12-31.yaml").write_text("period_end: 2022-06-30\n", encoding="utf-8")
        with pytest.raises(ParameterError, match="period_end is .*expected 2022-12-31"):
            load_params(dt.date(2022, 12, 31), params_dir=params_dir)

    def test_bad_yaml_names_the_file_and_line(self, params_dir, tmp_path):
        extra = tmp_path / "extra.yaml"
        extra.write_text("status: [\n", encoding="utf-8")
        with pytest.raises(ParameterError, match=r"extra.yaml: not valid YAML at line \d+"):
            load_params(PERIOD, params_dir=params_dir, extra_file=extra)

    @pytest.mark.parametrize(
        "period", ["2021-06-30", "2021-12-31", "2022-06-30", "2022-12-31", "2023-06-30", "2023-12-31"]
    )
    def test_project_params_load_for_every_period(self, period):
        assert load_params(dt.date.fromisoformat(period))["period_end"].isoformat() == period
