"""Parameter merging: default ← period ← --params ← --set, with default.yaml as the schema."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.errors import ParameterError
from kpi.run.params import complete_params, load_params, parse_override

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


class TestNumbers:
    """Numbers as an analyst types them: a decimal comma where the default is a decimal number, and no fraction
    where the default is a whole number (issue 18)."""

    @pytest.fixture()
    def numbers_dir(self, tmp_path):
        (tmp_path / "default.yaml").write_text(
            "period_end: null\nstatus:\n  tolerance_pct: 5.0\nprivacy:\n  min_count: 5\nreport:\n  commentary: ''\n",
            encoding="utf-8",
        )
        (tmp_path / "2023-06-30.yaml").write_text("period_end: 2023-06-30\n", encoding="utf-8")
        return tmp_path

    @pytest.mark.parametrize(("text", "value"), [("10,5", 10.5), ("−2,25", -2.25), ("10.5", 10.5), ("10", 10)])
    def test_decimal_comma_is_a_number_where_the_default_is_one(self, numbers_dir, text, value):
        params = load_params(PERIOD, params_dir=numbers_dir, overrides=[f"status.tolerance_pct={text}"])
        assert params["status"]["tolerance_pct"] == value

    def test_decimal_comma_in_a_params_file_too(self, numbers_dir, tmp_path):
        extra = tmp_path / "extra.yaml"
        extra.write_text("status:\n  tolerance_pct: 7,5\n", encoding="utf-8")
        assert load_params(PERIOD, params_dir=numbers_dir, extra_file=extra)["status"]["tolerance_pct"] == 7.5

    def test_text_keeps_its_comma(self, numbers_dir):
        params = load_params(PERIOD, params_dir=numbers_dir, overrides=["report.commentary=10,5"])
        assert params["report"]["commentary"] == "10,5"

    @pytest.mark.parametrize("text", ["2.5", "2,5"])
    def test_fraction_refused_where_the_default_is_a_whole_number(self, numbers_dir, text):
        with pytest.raises(ParameterError) as caught:
            load_params(PERIOD, params_dir=numbers_dir, overrides=[f"privacy.min_count={text}"])
        message = str(caught.value)
        assert "'privacy.min_count'" in message and "must be a whole number" in message and text in message

    def test_fraction_refused_in_a_params_file_too(self, numbers_dir, tmp_path):
        extra = tmp_path / "extra.yaml"
        extra.write_text("privacy:\n  min_count: 2.5\n", encoding="utf-8")
        with pytest.raises(ParameterError, match=r"extra.yaml: 'privacy.min_count' must be a whole number.*2.5"):
            load_params(PERIOD, params_dir=numbers_dir, extra_file=extra)

    def test_whole_number_written_with_a_zero_fraction_is_accepted(self, numbers_dir):
        params = load_params(PERIOD, params_dir=numbers_dir, overrides=["privacy.min_count=3.0"])
        assert params["privacy"]["min_count"] == 3 and isinstance(params["privacy"]["min_count"], int)


class TestCompleteParams:
    """What the workbooks call first: a run without a period stops at once, saying which parameter to give."""

    def test_missing_period_names_the_parameter_and_how_to_give_it(self):
        for given in ({"period_end": None}, {}, {"period_end": ""}):
            with pytest.raises(ParameterError) as caught:
                complete_params(given)
            message = str(caught.value)
            assert message.startswith("period_end puuttuu: anna kausi"), message
            assert "-p period_end 2023-12-31" in message and "params/2023-12-31.yaml" in message

    def test_given_period_is_completed_from_the_defaults(self):
        settings = complete_params({"period_end": "2022-06-30", "report": {"commentary": "x"}})
        assert settings["period_end"] == dt.date(2022, 6, 30)
        assert settings["report"]["commentary"] == "x" and settings["report"]["title"]

    def test_plain_papermill_with_default_yaml_fails_in_the_first_cell_with_the_sentence(self, tmp_path):
        import papermill as pm
        import yaml

        from kpi.paths import NOTEBOOKS_DIR, PARAMS_DIR

        params = yaml.safe_load((PARAMS_DIR / "default.yaml").read_text(encoding="utf-8"))
        with pytest.raises(pm.PapermillExecutionError) as caught:
            pm.execute_notebook(
                str(NOTEBOOKS_DIR / "04_seuranta.ipynb"),
                str(tmp_path / "out.ipynb"),
                parameters=params,
                cwd=str(NOTEBOOKS_DIR),
                progress_bar=False,
            )
        error = caught.value
        assert error.ename == "ParameterError" and "AttributeError" not in str(error)
        assert "period_end puuttuu: anna kausi, esim. papermill -p period_end 2023-12-31" in error.evalue
        # the first code cell after the injected and the default parameters
        assert error.cell_index <= 4
