"""Sentences: Finnish counts in the change list, and the measure rule stated the same in the README, the parameters
and the printed rules."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kpi.measures.status import StatusRules, rules_fi
from kpi.present import text

ROOT = Path(__file__).resolve().parents[2]  # the checkout: README.md and params/ as committed


def changes_file(tmp_path, rows):
    path = tmp_path / "muutokset.json"
    path.write_text(json.dumps({"version": 3, "previous_version": 2, "version_changes": rows}), encoding="utf-8")
    return str(path)


class TestVersionChanges:
    @pytest.mark.parametrize(("n", "words"), [(1, "1 muutos."), (2, "2 muutosta."), (12, "12 muutosta.")])
    def test_the_count_takes_the_finnish_form(self, tmp_path, n, words):
        rows = [{"text": f"Parametri p{k}: 1 → 2."} for k in range(n)]
        said = text.version_changes_fi(changes_file(tmp_path, rows))
        assert said.startswith(f"Versio 3 verrattuna versioon 2: {words}\n\n")
        assert "changes" not in said


# The measure rule, stated once: the README's paragraph "How statuses are decided", the comment of
# status.measure_rule in params/default.yaml, and the rules the reports print (kpi.measures.status.rules_fi).
MEASURE_RULE_EN = (
    "A measure takes the status of its weakest assessable indicator: an indicator without a value for the period "
    "or without a target for the year is left out, and only a measure none of whose indicators is assessable is "
    '"ei arvioitavissa".'
)


def _one_line(path) -> str:
    return re.sub(r"\s+", " ", path.read_text(encoding="utf-8"))


class TestMeasureRuleStatedOnce:
    def test_the_readme_states_it_in_the_rules_paragraph_and_nowhere_contradicts_it(self):
        readme = _one_line(ROOT / "README.md")
        assert readme.count(MEASURE_RULE_EN) == 1
        rules = readme.index("### How statuses are decided")
        assert rules < readme.index(MEASURE_RULE_EN) < readme.index("### Exit codes")
        # the old contradiction: a missing value does not by itself make its measure "ei arvioitavissa"
        assert 'its measure becomes "ei arvioitavissa"' not in readme

    def test_the_parameter_comment_says_the_same(self):
        params = (ROOT / "params" / "default.yaml").read_text(encoding="utf-8")
        comments = " ".join(line.split("#", 1)[1].strip() for line in params.splitlines() if "#" in line)
        assert re.sub(r"\s+", " ", comments).count(MEASURE_RULE_EN) == 1

    def test_the_printed_rules_say_the_same(self):
        printed = " ".join(rules_fi(StatusRules()))
        assert "mittarin tila on sen heikoimman arvioitavan indikaattorin tila" in printed
        assert (
            "Indikaattori ei ole arvioitavissa, jos sille ei ole arvoa kaudelta tai kauden vuodelle ei ole tavoitetta"
            in printed
        )
