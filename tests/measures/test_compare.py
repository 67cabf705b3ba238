"""What changed: the period's computed figures, a change list between two runs, and between two period ends."""

from __future__ import annotations

import datetime as dt

import pytest

from kpi.inputs.datasets import load_inputs
from kpi.measures.compare import flatten, period_changes, version_changes
from kpi.measures.period import compute, snapshot, statuses
from kpi.paths import DATA_RAW
from kpi.run.params import load_params

PERIOD = dt.date(2022, 12, 31)


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def manifest(inputs, overrides=(), files=None):
    params = load_params(PERIOD, overrides=overrides)
    return {
        "params": params,
        "input_files": files or dict(inputs.file_hashes),
        "results": snapshot(compute(inputs, PERIOD, params)),
    }


class TestPeriodFigures:
    def test_compute_holds_every_frame_of_the_period(self, inputs):
        f = compute(inputs, PERIOD, load_params(PERIOD))
        assert len(f.goals) == 15 and len(f.measures) == 44 and len(f.indicators) == 57
        assert set(f.assessment.goal_id) == set(f.goals.goal_id) and not f.follow_up.empty
        assert f.coverage["values"] == 57 and f.progress["by_action"].shape[0] > 0
        assert {"category", "subject", "text"} <= set(f.findings.columns)

    def test_snapshot_is_plain_json(self, inputs):
        snap = snapshot(compute(inputs, PERIOD, load_params(PERIOD)))
        assert len(snap["goals"]) == 15 and len(snap["indicators"]) == 57
        value = snap["indicators"]["toimintakulut_per_asukas"]["value"]
        assert isinstance(value, float) and value > 0


class TestVersionChanges:
    def test_identical_runs_have_no_changes(self, inputs):
        assert version_changes(manifest(inputs), manifest(inputs), inputs.strategy).empty

    def test_tolerance_change_names_the_parameter_and_every_status_it_moved(self, inputs):
        old, new = manifest(inputs), manifest(inputs, ["status.tolerance_pct=15"])
        changes = version_changes(old, new, inputs.strategy)
        assert list(changes[changes.kind == "parametri"].subject) == ["status.tolerance_pct"]
        moved_goals = {
            g
            for g in old["results"]["goals"]
            if old["results"]["goals"][g]["status"] != new["results"]["goals"][g]["status"]
        }
        moved_indicators = {
            i
            for i in old["results"]["indicators"]
            if old["results"]["indicators"][i]["status"] != new["results"]["indicators"][i]["status"]
        }
        assert moved_goals and set(changes[changes.kind == "tavoite"].subject) == moved_goals
        assert set(changes[changes.kind == "indikaattori"].subject) == moved_indicators
        goal = changes[changes.kind == "tavoite"].iloc[0]
        assert goal.text.startswith(f"Tavoite {goal.subject} ") and f"{goal.before} → {goal.after}, koska" in goal.text
        assert "osittaisen toteutumisen raja (status.tolerance_pct) muuttui (5\u00a0% → 15\u00a0%)" in goal.text
        assert changes.kind.tolist()[0] == "tavoite"  # goals first: what the evaluation report cares about
        said = "osittaisen toteutumisen raja (status.tolerance_pct) muuttui"
        assert changes[changes.kind == "indikaattori"].text.str.contains(said, regex=False).all()
        param = changes[changes.kind == "parametri"].iloc[0]
        assert param.text == "Osittaisen toteutumisen raja (status.tolerance_pct) muuttui (5\u00a0% → 15\u00a0%)."

    def test_values_commentary_and_input_files(self, inputs):
        old = manifest(inputs)
        new = manifest(
            inputs, ["report.commentary=Uusi kommentti"], files={**old["input_files"], "havainnot.csv": "f" * 64}
        )
        new["results"]["indicators"]["toimintakulut_per_asukas"]["value"] = 99999.0
        new["results"]["indicators"]["toimintakulut_per_asukas"]["status"] = "ei toteutunut"
        changes = version_changes(old, new, inputs.strategy)
        kinds = dict(zip(changes.subject, changes.kind))
        assert kinds["report.commentary"] == "kommentti" and kinds["havainnot.csv"] == "syötetiedosto"
        value = changes[changes.kind == "arvo"].iloc[0]
        assert value.subject == "toimintakulut_per_asukas" and "99\u00a0999" in value.text
        status = changes[changes.kind == "indikaattori"].iloc[0]
        assert "koska arvo muuttui" in status.text
        assert not (changes.kind == "parametri").any()  # the commentary is its own kind, not a parameter

    @pytest.mark.parametrize(
        ("before", "after", "said"),
        [
            (None, "", None),  # never saved either time: nothing to report
            ("", None, None),
            ("", "Uusi kommentti", "Analyytikon kommentti lisättiin."),
            (None, "Uusi kommentti", "Analyytikon kommentti lisättiin."),
            ("Vanha kommentti", "Uusi kommentti", "Analyytikon kommentti muuttui."),
            ("Vanha kommentti", "", "Analyytikon kommentti poistettiin."),
        ],
    )
    def test_commentary_is_said_removed_only_when_there_was_one(self, inputs, before, after, said):
        old, new = manifest(inputs), manifest(inputs)
        old["params"] = {**old["params"], "report": {**old["params"]["report"], "commentary": before}}
        new["params"] = {**new["params"], "report": {**new["params"]["report"], "commentary": after}}
        changes = version_changes(old, new, inputs.strategy)
        assert list(changes[changes.kind == "kommentti"].text) == ([said] if said else [])

    def test_commentary_missing_from_an_older_manifest_is_not_removed(self, inputs):
        old, new = manifest(inputs), manifest(inputs)
        old["params"] = {k: v for k, v in old["params"].items() if k != "report"}
        assert (version_changes(old, new, inputs.strategy).kind != "kommentti").all()

    def test_dates_read_back_from_json_are_not_a_change(self, inputs):
        old = manifest(inputs)
        old["params"] = {**old["params"], "period_end": PERIOD.isoformat()}
        assert version_changes(old, manifest(inputs), inputs.strategy).empty


class TestPeriodChanges:
    def test_improved_and_worsened_goals_between_period_ends(self, inputs):
        rules_params = load_params(PERIOD)
        f = compute(inputs, PERIOD, rules_params)
        before = statuses(inputs, dt.date(2022, 6, 30), f.rules)[3]
        moved = period_changes(f.goals, before, inputs.strategy, period_end=PERIOD, previous_end=dt.date(2022, 6, 30))
        assert not moved.empty and set(moved.direction) <= {"parani", "heikkeni", "ei vertailukelpoinen"}
        row = moved.iloc[0]
        assert (
            row.before != row.after and "(osavuosikatsaus 1–6/2022) →" in row.text and "(tilinpäätös 2022)" in row.text
        )
        same = period_changes(f.goals, f.goals, inputs.strategy, period_end=PERIOD, previous_end=PERIOD)
        assert same.empty


def test_flatten():
    assert flatten({"a": {"b": 1, "c": {"d": [1]}}, "e": {}}) == {"a.b": 1, "a.c.d": [1], "e": {}}
