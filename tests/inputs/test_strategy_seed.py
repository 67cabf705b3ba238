"""The strategy file encodes the seed completely: counts, and every name verbatim and in order."""

from __future__ import annotations

import re

import pytest

from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW, STRATEGY_FILE_NAME
from tests.conftest import FIXTURE_SEED, SHARED_SEED

PILLAR_HEADERS = {
    "hyvinvointi": "HYVINVOINTI TAVOITTEET TOIMENPIDE MITTARIT",
    "elinvoima": "ELINVOIMA TAVOITTEET TOIMENPITEET MITTARIT",
    "identiteetti": "IDENTITEETTI TAVOITTEET TOIMENPITEET MITTARIT",
}
END_OF_PILLARS = "KAUPUNKIA LÄPILEIKKAAVAT OHJELMAT"


def normalise(text: str) -> str:
    """Join the PDF text's line breaks: a word hyphenated at a line end rejoined ("laaja-alainen"), then
    all whitespace folded to one space. A hyphen inside a line stays as it is ("palvelu- ja seutukuntakeskus")."""
    return " ".join(re.sub(r"(\w)-[ \t]*\n\s*(\w)", r"\1-\2", text).split())


@pytest.fixture(scope="module")
def strategy():
    return load_strategy(DATA_RAW / STRATEGY_FILE_NAME)


@pytest.fixture(scope="module")
def seed(seed_text):
    return normalise(seed_text)


def pillar_section(seed: str, pillar_id: str) -> str:
    start = seed.index(PILLAR_HEADERS[pillar_id]) + len(PILLAR_HEADERS[pillar_id])
    ends = [seed.index(h, start) for h in [*PILLAR_HEADERS.values(), END_OF_PILLARS] if h in seed[start:]]
    return seed[start : min(ends)].strip()


class TestCounts:
    def test_totals_match_the_seed(self, strategy):
        assert (
            len(strategy.pillars),
            len(strategy.goals),
            len(strategy.actions),
            len(strategy.measures),
            len(strategy.programmes),
        ) == (3, 15, 40, 44, 8)

    @pytest.mark.parametrize(
        ("pillar_id", "goals", "actions", "measures"),
        [("hyvinvointi", 5, 18, 21), ("elinvoima", 5, 14, 15), ("identiteetti", 5, 8, 8)],
    )
    def test_pillar_counts(self, strategy, pillar_id, goals, actions, measures):
        pillar = next(p for p in strategy.pillars if p.id == pillar_id)
        assert len(pillar.goals) == goals
        assert sum(len(g.actions) for g in pillar.goals) == actions
        assert sum(len(g.measures) for g in pillar.goals) == measures


class TestVerbatim:
    @pytest.mark.parametrize("pillar_id", list(PILLAR_HEADERS))
    def test_every_goal_action_and_measure_in_seed_order(self, strategy, seed, pillar_id):
        """Walk the pillar's text: goal name, then '• action' for each action, then '• measure' for each measure.

        The walk must consume the whole section, so nothing in the seed is left out and nothing is added.
        """
        section = pillar_section(seed, pillar_id)
        pos = 0
        for goal in next(p for p in strategy.pillars if p.id == pillar_id).goals:
            assert section.startswith(goal.name, pos), (
                f"goal {goal.id}: expected {goal.name!r} at {section[pos : pos + 80]!r}"
            )
            pos += len(goal.name)
            for item in [*goal.actions, *goal.measures]:
                expected = f" • {item.name}"
                assert section.startswith(expected, pos), (
                    f"{item.id}: expected {expected!r} at {section[pos : pos + 80]!r}"
                )
                pos += len(expected)
            pos += 1 if section[pos : pos + 1] == " " else 0
        assert pos >= len(section), f"seed text not covered by the strategy file: {section[pos:]!r}"

    def test_bullet_count_of_the_pillars_equals_actions_plus_measures(self, strategy, seed):
        bullets = sum(pillar_section(seed, p).count("•") for p in PILLAR_HEADERS)
        assert bullets == len(strategy.actions) + len(strategy.measures) == 84

    def test_programmes_verbatim_and_in_order(self, strategy, seed):
        section = seed[seed.index(END_OF_PILLARS) : seed.index("KAUPUNKISTRATEGIAN MITTARIT")]
        listed = [b.strip() for b in section.split("•")[1:]]
        assert listed == [p.name for p in strategy.programmes]

    def test_follow_up_documents_verbatim(self, strategy, seed):
        section = seed[seed.index("KAUPUNKISTRATEGIAN MITTARIT JA TOTEUTUKSEN SEURANTA") :]
        for doc in strategy.follow_up:
            assert normalise(doc.name) in section
        assert [d.id for d in strategy.follow_up if d.stage == "target_setting"] == [
            "talousarvio_tilanne",
            "ohjelmien_tavoitteet",
        ]
        assert len([d for d in strategy.follow_up if d.stage == "monitoring"]) == 4

    def test_mission_vision_and_values(self, strategy, seed):
        assert strategy.mission in seed
        assert strategy.vision in seed
        assert "TALOUDELLISUUS • VASTUULLISUUS • YHTEISÖLLISYYS" in seed
        assert [v.upper() for v in strategy.values] == ["TALOUDELLISUUS", "VASTUULLISUUS", "YHTEISÖLLISYYS"]

    def test_committed_seed_copy_equals_the_shared_seed(self):
        if not SHARED_SEED.exists():
            pytest.skip("shared/ is not beside this checkout")
        assert FIXTURE_SEED.read_bytes() == SHARED_SEED.read_bytes()


class TestMeasuresAreOperationalised:
    def test_every_measure_has_indicators_or_a_milestone_and_a_known_area(self, strategy):
        areas = {a.id for a in strategy.responsible_areas}
        for m in strategy.measures:
            assert bool(m.indicators) != m.is_milestone, m.id
            assert m.responsible_area in areas, m.id

    def test_bundled_measure_is_split_into_indicators(self, strategy):
        ids = [i.id for i in strategy.measure("H2-M1").indicators]
        assert ids == ["yritystontti_tiedustelut", "yritystontti_myydyt", "yritystontti_hinta"]
        assert strategy.indicator("yritystontti_hinta").direction == "target_band"

    @pytest.mark.parametrize(
        ("indicator_id", "year", "target"),
        [("sopeutus_saasto_kertyma", 2023, 5.0), ("sopeutus_htv_kertyma", 2023, 50), ("lahiruoka_osuus", 2023, 30)],
    )
    def test_targets_stated_in_the_seed_are_real_not_examples(self, strategy, indicator_id, year, target):
        indicator = strategy.indicator(indicator_id)
        assert indicator.target_for(year) == target
        assert not indicator.target_is_example(year)
        assert indicator.target_source

    def test_invented_targets_are_marked_as_examples(self, strategy):
        # Every target is either marked as an example value or carries the source it comes from.
        for i in strategy.indicators:
            real_years = set(i.targets) - i.example_targets
            assert not real_years or i.target_source, i.id

    def test_series_break_of_the_sote_reform_is_marked(self, strategy):
        (brk,) = strategy.series_breaks
        assert brk.date.isoformat() == "2023-01-01"
        assert {"toimintakulut_per_asukas", "tuloveroprosentti"} <= set(brk.indicator_ids)
        assert strategy.breaks_for("tuloveroprosentti") == (brk,)
        assert strategy.breaks_for("lahiruoka_osuus") == ()
