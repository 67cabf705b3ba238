"""load_strategy: typed objects from the embedded file, and a clear message for each kind of broken file."""

from __future__ import annotations

import copy

import pytest
import yaml

from kpi.errors import StrategyError
from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW, STRATEGY_FILE_NAME


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load((DATA_RAW / STRATEGY_FILE_NAME).read_text(encoding="utf-8"))


def load_mutated(tmp_path, raw, mutate):
    data = copy.deepcopy(raw)
    mutate(data)
    path = tmp_path / "strategia.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_strategy(path)


def first_indicator(data):
    return data["goals"][0]["measures"][0]["indicators"][0]


class TestLoadStrategy:
    def test_embedded_file_loads_into_typed_objects(self):
        s = load_strategy(DATA_RAW / STRATEGY_FILE_NAME)
        ind = s.indicator("toimintakulut_per_asukas")
        assert (ind.unit, ind.direction, ind.kind, ind.frequency) == ("€/asukas", "lower_better", "flow", "half_year")
        assert isinstance(ind.baseline, float)
        assert s.measure(ind.measure_id).goal_id == "H1"
        assert s.goal("H1").pillar_id == "hyvinvointi"
        assert s.measure("H3-M2").milestone.due.isoformat() == "2022-12-31"
        assert s.indicator("tyotyytyvaisyys").frequency == "year"
        with pytest.raises(KeyError):
            s.indicator("no_such_indicator")

    def test_frames_have_one_row_per_entity(self):
        s = load_strategy(DATA_RAW / STRATEGY_FILE_NAME)
        assert len(s.goals_frame()) == 15 and len(s.actions_frame()) == 40 and len(s.measures_frame()) == 44
        assert len(s.indicators_frame()) == len(s.indicators)
        targets = s.targets_frame()
        band = targets[targets.indicator_id == "yritystontti_hinta"]
        assert band.target.isna().all() and (band.target_low == 3.0).all() and (band.target_high == 5.0).all()

    def test_ids_are_unique_across_the_file(self):
        s = load_strategy(DATA_RAW / STRATEGY_FILE_NAME)
        ids = [x.id for x in (*s.goals, *s.actions, *s.measures, *s.indicators, *s.programmes)]
        assert len(ids) == len(set(ids))


BROKEN = [
    (
        "unknown pillar",
        lambda d: d["goals"][0].update(pillar="hyvinvionti"),
        ["goals[0] H1", "unknown pillar 'hyvinvionti'", "known: hyvinvointi, elinvoima, identiteetti"],
    ),
    ("duplicate id", lambda d: d["goals"][1].update(id="H1"), ["duplicate id 'H1'", "goals[1]"]),
    ("goal without a measure", lambda d: d["goals"][2].update(measures=[]), ["goals[2] H3", "goal without a measure"]),
    (
        "indicator without unit",
        lambda d: first_indicator(d).pop("unit"),
        ["indicators[0] toimintakulut_per_asukas", "'unit' is missing"],
    ),
    ("empty unit", lambda d: first_indicator(d).update(unit="  "), ["'unit' must be non-empty text"]),
    (
        "bad direction",
        lambda d: first_indicator(d).update(direction="up"),
        ["direction 'up' is not one of higher_better, lower_better, target_band"],
    ),
    ("bad kind", lambda d: first_indicator(d).update(kind="level"), ["kind 'level' is not one of flow, stock"]),
    (
        "target outside years",
        lambda d: first_indicator(d)["targets"].update({2030: 1}),
        ["target year 2030 is outside the strategy years"],
    ),
    (
        "band low above high",
        lambda d: d["goals"][1]["measures"][0]["indicators"][2]["targets"].update({2021: [5, 3]}),
        ["yritystontti_hinta", "target band 2021 has low 5 above high 3"],
    ),
    (
        "band target not a pair",
        lambda d: d["goals"][1]["measures"][0]["indicators"][2]["targets"].update({2021: 4}),
        ["target 2021 of a target_band must be [low, high]"],
    ),
    ("text target", lambda d: first_indicator(d)["targets"].update({2021: "paljon"}), ["target 2021 must be a number"]),
    ("unknown key (typo)", lambda d: first_indicator(d).update(unti="€"), ["unknown key 'unti'"]),
    (
        "unknown responsible area",
        lambda d: d["goals"][0]["measures"][0].update(responsible_area="tekninen"),
        ["unknown responsible area 'tekninen'"],
    ),
    (
        "measure with neither",
        lambda d: d["goals"][0]["measures"][0].pop("indicators"),
        ["H1-M1", "either 'indicators'"],
    ),
    (
        "real target without source",
        lambda d: first_indicator(d).update(example_targets=[2021]),
        ["need a 'target_source'"],
    ),
    (
        "example years without target",
        lambda d: first_indicator(d).update(example_targets=[2019]),
        ["'example_targets' must list years that have a target"],
    ),
    (
        "series break of unknown indicator",
        lambda d: d["series_breaks"][0]["indicators"].append("nope"),
        ["series_breaks[0]", "unknown indicator 'nope'"],
    ),
    (
        "baseline not a period end",
        lambda d: d.update(baseline_period_end="2020-11-30"),
        ["baseline_period_end", "30.6 or 31.12"],
    ),
    ("missing programmes", lambda d: d.pop("programmes"), ["'programmes' is missing"]),
]


class TestBrokenStrategy:
    @pytest.mark.parametrize(("case", "mutate", "words"), BROKEN, ids=[b[0] for b in BROKEN])
    def test_rejected_with_a_message_naming_the_place(self, tmp_path, raw, case, mutate, words):
        with pytest.raises(StrategyError) as err:
            load_mutated(tmp_path, raw, mutate)
        message = str(err.value)
        assert "strategia.yaml" in message
        for word in words:
            assert word in message

    def test_every_problem_is_listed_not_just_the_first(self, tmp_path, raw):
        def two(d):
            d["goals"][0]["pillar"] = "x"
            first_indicator(d).pop("unit")

        with pytest.raises(StrategyError, match=r"\(2 problems\)") as err:
            load_mutated(tmp_path, raw, two)
        assert "unknown pillar 'x'" in str(err.value) and "'unit' is missing" in str(err.value)

    def test_yaml_syntax_error_names_line_and_column(self, tmp_path):
        path = tmp_path / "strategia.yaml"
        path.write_text("municipality: Kemijärvi\ngoals: [\n  - id: H1\n", encoding="utf-8")
        with pytest.raises(StrategyError, match=r"not valid YAML at line \d+, column \d+"):
            load_strategy(path)

    def test_yaml_syntax_error_is_worded_by_the_documented_parser(self, tmp_path):
        # libyaml parses good files (fast) but says "did not find expected ',' or ']'"; the message is PyYAML's
        path = tmp_path / "strategia.yaml"
        path.write_text("municipality: Kemijärvi\ngoals: [1, 2\nversion: 3\n", encoding="utf-8")
        with pytest.raises(StrategyError) as err:
            load_strategy(path)
        assert str(err.value).endswith("not valid YAML at line 3, column 8: expected ',' or ']', but got ':'")

    def test_duplicate_yaml_key_is_refused(self, tmp_path):
        path = tmp_path / "strategia.yaml"
        path.write_text("municipality: Kemijärvi\nmunicipality: Rovaniemi\n", encoding="utf-8")
        with pytest.raises(StrategyError, match=r"duplicate key 'municipality' \(first at line 1\)"):
            load_strategy(path)

    def test_missing_file(self, tmp_path):
        with pytest.raises(StrategyError, match="file not found"):
            load_strategy(tmp_path / "strategia.yaml")

    def test_not_a_mapping(self, tmp_path):
        path = tmp_path / "strategia.yaml"
        path.write_text("- just a list\n", encoding="utf-8")
        with pytest.raises(StrategyError, match="expected a mapping of keys"):
            load_strategy(path)


class TestProgrammePeriod:
    """A period whose year has no targets in the strategy is outside the programme: nothing can be assessed
    against it, so the gate and the runs stop instead of publishing a report of 'ei arvioitavissa' (issue 18)."""

    @pytest.mark.parametrize("period", ["2021-06-30", "2022-12-31", "2023-12-31"])
    def test_periods_of_the_programme_pass(self, period):
        import datetime as dt

        from kpi.inputs.strategy import outside_programme

        strategy = load_strategy(DATA_RAW / STRATEGY_FILE_NAME)
        assert strategy.target_years == (2021, 2022, 2023)
        assert outside_programme(strategy, dt.date.fromisoformat(period)) is None

    @pytest.mark.parametrize(("period", "year"), [("2024-06-30", 2024), ("2020-12-31", 2020)])
    def test_a_period_outside_names_the_years_and_what_to_do(self, period, year):
        import datetime as dt

        from kpi.inputs.strategy import outside_programme

        strategy = load_strategy(DATA_RAW / STRATEGY_FILE_NAME)
        message = outside_programme(strategy, dt.date.fromisoformat(period))
        date = dt.date.fromisoformat(period)
        assert message == (
            f"period {date.day}.{date.month}.{year} is outside the years 2021–2023 of the action programme: "
            f"data/raw/strategia.yaml has no targets for {year}. Add the targets of {year} to the strategy file, "
            "or take a new strategy file into use."
        )

    def test_a_programme_year_without_targets_is_outside_too(self, tmp_path, raw):
        import datetime as dt

        from kpi.inputs.strategy import outside_programme

        strategy = load_mutated(tmp_path, raw, lambda d: d.update(years=[2021, 2022, 2023, 2024]))
        message = outside_programme(strategy, dt.date(2024, 12, 31))
        assert message is not None and "the years 2021–2024 of the action programme" in message
        assert "has no targets for 2024" in message
