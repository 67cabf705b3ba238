"""The strategy model: pillars, goals, actions, measures and indicators loaded from strategia.yaml."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, cast

import pandas as pd

from kpi.errors import PeriodOutsideProgrammeError, StrategyError, format_problems
from kpi.paths import display
from kpi.yamlio import load_yaml

Direction = Literal["higher_better", "lower_better", "target_band"]
Kind = Literal["flow", "stock"]
Frequency = Literal["half_year", "year"]
Target = float | tuple[float, float]

DIRECTIONS: tuple[str, ...] = ("higher_better", "lower_better", "target_band")
KINDS: tuple[str, ...] = ("flow", "stock")
FREQUENCIES: tuple[str, ...] = ("half_year", "year")


@dataclass(frozen=True)
class Indicator:
    """A numeric series that measures (part of) a measure.

    ``kind`` says how a half-year value compares with a year target: a ``flow`` (costs, counts per year)
    accumulates over the year, a ``stock`` (a share, a price, a count on hand) is compared as it is.
    ``targets`` maps a year to a number, or to ``(low, high)`` when ``direction`` is ``target_band``.
    """

    id: str
    name: str
    unit: str
    direction: Direction
    kind: Kind
    frequency: Frequency
    baseline: float | None
    targets: Mapping[int, Target]
    example_targets: frozenset[int]
    target_source: str | None
    source: str
    measure_id: str
    valid_range: tuple[float | None, float | None] = (None, None)

    def target_for(self, year: int) -> Target | None:
        """Return the target of `year`, or None when the strategy sets none for it."""
        return self.targets.get(year)

    def target_is_example(self, year: int) -> bool:
        """Return True when the target of `year` is an illustrative value, not one the city set."""
        return year in self.example_targets


@dataclass(frozen=True)
class Milestone:
    """A measure followed as a milestone (valmis / käynnissä / ei aloitettu) instead of a number."""

    description: str
    due: dt.date


@dataclass(frozen=True)
class Measure:
    """A measure (mittari) of a goal: numeric indicators or one milestone, and a responsible area."""

    id: str
    name: str
    goal_id: str
    responsible_area: str
    indicators: tuple[Indicator, ...]
    milestone: Milestone | None
    personal_data: bool = False
    note: str | None = None

    @property
    def is_milestone(self) -> bool:
        return self.milestone is not None


@dataclass(frozen=True)
class Action:
    """An action (toimenpide) of a goal."""

    id: str
    name: str
    goal_id: str


@dataclass(frozen=True)
class Goal:
    """A goal (tavoite) of a pillar with its actions and measures."""

    id: str
    name: str
    pillar_id: str
    actions: tuple[Action, ...]
    measures: tuple[Measure, ...]


@dataclass(frozen=True)
class Pillar:
    """One of the strategy's pillars (Hyvinvointi, Elinvoima, Identiteetti)."""

    id: str
    name: str
    goals: tuple[Goal, ...]


@dataclass(frozen=True)
class ResponsibleArea:
    """A responsibility area (vastuualue); `valid_until` ends an area that was closed down."""

    id: str
    name: str
    valid_until: dt.date | None = None


@dataclass(frozen=True)
class Programme:
    """A cross-cutting programme (kaupunkia läpileikkaava ohjelma)."""

    id: str
    name: str


@dataclass(frozen=True)
class SeriesBreak:
    """A date after which the listed indicators are not comparable with earlier values."""

    id: str
    date: dt.date
    name: str
    description: str
    indicator_ids: tuple[str, ...]


@dataclass(frozen=True)
class FollowUpDocument:
    """A document through which the strategy is followed up (talousarvio, tilinpäätös …)."""

    id: str
    name: str
    stage: Literal["target_setting", "monitoring"]
    period_ends: tuple[str, ...] = ()


@dataclass(frozen=True)
class Strategy:
    """The whole strategy; look-ups by id and tidy frames for the notebooks."""

    municipality: str
    title: str
    years: tuple[int, ...]
    baseline_period_end: dt.date
    mission: str
    vision: str
    values: tuple[str, ...]
    responsible_areas: tuple[ResponsibleArea, ...]
    pillars: tuple[Pillar, ...]
    series_breaks: tuple[SeriesBreak, ...]
    programmes: tuple[Programme, ...]
    follow_up: tuple[FollowUpDocument, ...]
    source_file: Path | None = field(default=None, compare=False)

    @property
    def goals(self) -> tuple[Goal, ...]:
        return tuple(g for p in self.pillars for g in p.goals)

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for g in self.goals for a in g.actions)

    @property
    def measures(self) -> tuple[Measure, ...]:
        return tuple(m for g in self.goals for m in g.measures)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        return tuple(i for m in self.measures for i in m.indicators)

    @property
    def milestones(self) -> tuple[Measure, ...]:
        return tuple(m for m in self.measures if m.is_milestone)

    @property
    def target_years(self) -> tuple[int, ...]:
        """The years for which some indicator has a target: the years a period can be assessed in."""
        return tuple(sorted({year for i in self.indicators for year in i.targets}))

    def goal(self, goal_id: str) -> Goal:
        return _lookup(self.goals, goal_id, "goal")

    def measure(self, measure_id: str) -> Measure:
        return _lookup(self.measures, measure_id, "measure")

    def indicator(self, indicator_id: str) -> Indicator:
        return _lookup(self.indicators, indicator_id, "indicator")

    def breaks_for(self, indicator_id: str) -> tuple[SeriesBreak, ...]:
        """Return the series breaks that apply to an indicator, oldest first."""
        return tuple(sorted((b for b in self.series_breaks if indicator_id in b.indicator_ids), key=lambda b: b.date))

    # Tidy frames: one row per entity, ids as columns, for parquet and the notebooks.
    def goals_frame(self) -> pd.DataFrame:
        """One row per goal: pillar, goal id and name, number of actions and measures."""
        rows = [
            {
                "pillar_id": g.pillar_id,
                "pillar": p.name,
                "goal_id": g.id,
                "goal": g.name,
                "actions": len(g.actions),
                "measures": len(g.measures),
            }
            for p in self.pillars
            for g in p.goals
        ]
        return pd.DataFrame(rows).astype({"actions": "int64", "measures": "int64"})

    def actions_frame(self) -> pd.DataFrame:
        """One row per action with its goal."""
        return pd.DataFrame([{"goal_id": a.goal_id, "action_id": a.id, "action": a.name} for a in self.actions])

    def measures_frame(self) -> pd.DataFrame:
        """One row per measure: goal, responsible area, type (indicators or milestone)."""
        rows = [
            {
                "goal_id": m.goal_id,
                "measure_id": m.id,
                "measure": m.name,
                "responsible_area": m.responsible_area,
                "type": "milestone" if m.is_milestone else "indicators",
                "indicators": len(m.indicators),
                "personal_data": m.personal_data,
                "milestone_due": pd.Timestamp(m.milestone.due) if m.milestone else pd.NaT,
            }
            for m in self.measures
        ]
        return pd.DataFrame(rows)

    def indicators_frame(self) -> pd.DataFrame:
        """One row per indicator with its definition (targets are in :meth:`targets_frame`)."""
        goal_of = {m.id: m.goal_id for m in self.measures}
        rows = [
            {
                "indicator_id": i.id,
                "measure_id": i.measure_id,
                "goal_id": goal_of[i.measure_id],
                "indicator": i.name,
                "unit": i.unit,
                "direction": i.direction,
                "kind": i.kind,
                "frequency": i.frequency,
                "baseline": i.baseline,
                "source": i.source,
                "target_source": i.target_source,
                "valid_min": i.valid_range[0],
                "valid_max": i.valid_range[1],
            }
            for i in self.indicators
        ]
        return pd.DataFrame(rows).astype({"baseline": "float64", "valid_min": "float64", "valid_max": "float64"})

    def targets_frame(self) -> pd.DataFrame:
        """One row per indicator and year: target (or band low/high) and whether it is an example value."""
        rows = []
        for i in self.indicators:
            for year, t in sorted(i.targets.items()):
                low, high = t if isinstance(t, tuple) else (None, None)
                rows.append(
                    {
                        "indicator_id": i.id,
                        "year": year,
                        "target": None if isinstance(t, tuple) else t,
                        "target_low": low,
                        "target_high": high,
                        "is_example": i.target_is_example(year),
                    }
                )
        return pd.DataFrame(rows).astype(
            {"year": "int64", "target": "float64", "target_low": "float64", "target_high": "float64"}
        )


def _lookup(items, item_id, what):
    for item in items:
        if item.id == item_id:
            return item
    raise KeyError(f"no {what} with id {item_id!r}")


# ---------------------------------------------------------------- loading


def _years_text(years: tuple[int, ...]) -> str:
    if years and list(years) == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return ", ".join(str(y) for y in years)


def outside_programme(strategy: Strategy, period_end: dt.date) -> str | None:
    """Say why `period_end` cannot be followed up with `strategy`, or None when its year has targets.

    A period whose year has no targets lies outside the action programme: every measure would be
    "ei arvioitavissa", so the gate and the runs stop with this sentence instead of publishing such a report.
    """
    year = period_end.year
    if year in strategy.target_years:
        return None
    where = display(strategy.source_file) if strategy.source_file else "the strategy file"
    return (
        f"period {period_end.day}.{period_end.month}.{year} is outside the years {_years_text(strategy.years)} of "
        f"the action programme: {where} has no targets for {year}. Add the targets of {year} to the strategy "
        "file, or take a new strategy file into use."
    )


def check_programme_period(path: Path, period_end: dt.date) -> Strategy | None:
    """Refuse a period outside the programme of the strategy file at `path` before any data is read.

    Returns
    -------
    Strategy or None
        The loaded strategy; None when the file cannot be loaded (the quality gate then reports its problems).

    Raises
    ------
    PeriodOutsideProgrammeError
        When the period's year has no targets (:func:`outside_programme`); exit code 2.
    """
    try:
        strategy = load_strategy(path)
    except Exception:  # a missing or broken strategy is the gate's to report, with every other problem
        return None
    problem = outside_programme(strategy, period_end)
    if problem:
        raise PeriodOutsideProgrammeError(problem)
    return strategy


def load_strategy(path: Path) -> Strategy:
    """Load and check a strategy file.

    Parameters
    ----------
    path : Path
        A YAML file in the schema of ``data/raw/strategia.yaml`` (see ``data/raw/README.md``).

    Returns
    -------
    Strategy

    Raises
    ------
    StrategyError
        With every problem found, each naming where in the file it is
        (e.g. ``goals[3] H4 › measures[1] H4-M2 › indicators[0]: 'unit' is missing``).
    """
    raw = load_yaml(path, error=StrategyError)
    builder = _Builder()
    strategy = builder.strategy(raw)
    if builder.problems:
        n = len(builder.problems)
        raise StrategyError(
            format_problems(
                f"{display(path)} is not a usable strategy file ({n} problem{'s' if n > 1 else ''}):", builder.problems
            )
        )
    return replace(strategy, source_file=Path(path))


_TOP_KEYS = {
    "schema_version": True,
    "municipality": True,
    "title": True,
    "years": True,
    "baseline_period_end": True,
    "mission": True,
    "vision": True,
    "values": True,
    "responsible_areas": True,
    "pillars": True,
    "series_breaks": False,
    "goals": True,
    "programmes": True,
    "follow_up": True,
}
_GOAL_KEYS = {"id": True, "pillar": True, "name": True, "actions": True, "measures": True}
_MEASURE_KEYS = {
    "id": True,
    "name": True,
    "responsible_area": True,
    "indicators": False,
    "milestone": False,
    "personal_data": False,
    "note": False,
}
_INDICATOR_KEYS = {
    "id": True,
    "name": True,
    "unit": True,
    "direction": True,
    "kind": True,
    "frequency": False,
    "baseline": False,
    "targets": True,
    "example_targets": True,
    "target_source": False,
    "source": True,
    "valid_range": False,
}


def default_valid_range(unit: str) -> tuple[float | None, float | None]:
    """The values an indicator of `unit` can take unless the strategy file says otherwise.

    Shares lie within 0–100 %, survey scores within 1–5, sums in M€ (results, surpluses) may be negative,
    and everything else (counts, euros, days, costs per unit) is never below zero.
    """
    if unit == "%":
        return (0.0, 100.0)
    if unit.startswith("asteikko 1"):
        return (1.0, 5.0)
    if unit == "M€":
        return (None, None)
    return (0.0, None)


def _scalar(value: Any) -> bool:
    """A YAML scalar (text, number, date, true/false, null): only these can be an id, a name or a year."""
    return not isinstance(value, dict | list | set)


def _named(where: str, raw: Any) -> str:
    """Add an entity's id to its location ('goals[3]' → 'goals[3] H4') so messages say which one is meant."""
    entity_id = raw.get("id") if isinstance(raw, dict) else None
    return f"{where} {entity_id}" if isinstance(entity_id, str) and entity_id.strip() else where


class _Builder:
    """Turns the parsed YAML into typed objects while collecting every problem with its location."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.ids: dict[str, str] = {}

    # -- small checkers; each returns a usable default so that checking can go on
    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}" if where else text)

    def mapping(self, value: Any, where: str, keys: dict[str, bool]) -> dict:
        if not isinstance(value, dict):
            self.problem(where, f"expected a mapping of keys, found {type(value).__name__}")
            return {}
        for key in value:
            if key not in keys:
                self.problem(where, f"unknown key {key!r} (allowed: {', '.join(keys)})")
        for key, required in keys.items():
            if required and key not in value:
                self.problem(where, f"{key!r} is missing")
        return value

    def text(self, value: Any, where: str, key: str) -> str:
        v = value.get(key)
        if v is None:
            return ""  # a missing required key is reported by mapping(); an optional one is simply empty
        if not isinstance(v, str | int | float) or isinstance(v, bool) or not str(v).strip():
            self.problem(where, f"{key!r} must be non-empty text")
            return ""
        return " ".join(str(v).split())

    def number(self, v: Any, where: str, what: str) -> float | None:
        if isinstance(v, bool) or not isinstance(v, int | float):
            self.problem(where, f"{what} must be a number, found {v!r}")
            return None
        return float(v)

    def date(self, v: Any, where: str, what: str) -> dt.date | None:
        if isinstance(v, dt.date):
            return v
        try:
            return dt.date.fromisoformat(str(v))
        except ValueError:
            self.problem(where, f"{what} must be a date YYYY-MM-DD, found {v!r}")
            return None

    def items(self, value: Any, where: str, key: str, *, required: bool = True) -> list:
        v = value.get(key)
        if v is None:
            return []
        if not isinstance(v, list) or (required and not v):
            self.problem(where, f"{key!r} must be a non-empty list")
            return []
        return v

    def register(self, entity_id: Any, where: str, what: str) -> str:
        if not isinstance(entity_id, str) or not entity_id.strip():
            self.problem(where, f"{what} id must be non-empty text, found {entity_id!r}")
            return ""
        if entity_id in self.ids:
            self.problem(where, f"duplicate id {entity_id!r} (already used by {self.ids[entity_id]})")
        else:
            self.ids[entity_id] = f"{what} at {where}"
        return entity_id

    # -- the schema
    def strategy(self, raw: Any) -> Strategy:
        top = self.mapping(raw, "", _TOP_KEYS)
        raw_years: list = top["years"] if isinstance(top.get("years"), list) else []
        years = tuple(y for y in raw_years if isinstance(y, int) and not isinstance(y, bool))
        if not years or len(years) != len(raw_years):
            self.problem("years", "must be a list of years, e.g. [2021, 2022, 2023]")
        self.years = years
        baseline = self.date(top.get("baseline_period_end"), "baseline_period_end", "baseline_period_end")
        if baseline and (baseline.month, baseline.day) not in ((6, 30), (12, 31)):
            self.problem("baseline_period_end", "a period end is 30.6 or 31.12")
        values = top.get("values") or []
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.problem("values", "must be a list of names")
            values = []

        areas = []
        for n, a in enumerate(self.items(top, "", "responsible_areas")):
            where = f"responsible_areas[{n}]"
            a = self.mapping(a, where, {"id": True, "name": True, "valid_until": False})
            until = self.date(a["valid_until"], where, "valid_until") if a.get("valid_until") else None
            areas.append(
                ResponsibleArea(
                    self.register(a.get("id"), where, "responsible area"), self.text(a, where, "name"), until
                )
            )
        self.area_ids = {a.id for a in areas}

        pillar_specs = []
        for n, p in enumerate(self.items(top, "", "pillars")):
            where = f"pillars[{n}]"
            p = self.mapping(p, where, {"id": True, "name": True})
            pillar_specs.append((self.register(p.get("id"), where, "pillar"), self.text(p, where, "name")))
        pillar_ids = [pid for pid, _ in pillar_specs]

        goals = [self.goal(g, n, pillar_ids) for n, g in enumerate(self.items(top, "", "goals"))]
        pillars = tuple(Pillar(pid, name, tuple(g for g in goals if g.pillar_id == pid)) for pid, name in pillar_specs)
        for p in pillars:
            if not p.goals:
                self.problem(f"pillar {p.id!r}", "has no goals")

        indicator_ids = {i.id for g in goals for m in g.measures for i in m.indicators}
        breaks = []
        for n, b in enumerate(self.items(top, "", "series_breaks", required=False)):
            where = f"series_breaks[{n}]"
            b = self.mapping(
                b, where, {"id": True, "date": True, "name": True, "description": True, "indicators": True}
            )
            ids = self.items(b, where, "indicators")
            for iid in ids:
                if not _scalar(iid) or iid not in indicator_ids:
                    self.problem(where, f"unknown indicator {iid!r}")
            breaks.append(
                SeriesBreak(
                    self.register(b.get("id"), where, "series break"),
                    self.date(b.get("date"), where, "date") or dt.date.min,
                    self.text(b, where, "name"),
                    self.text(b, where, "description"),
                    tuple(ids),
                )
            )

        programmes = []
        for n, p in enumerate(self.items(top, "", "programmes")):
            where = f"programmes[{n}]"
            p = self.mapping(p, where, {"id": True, "name": True})
            programmes.append(Programme(self.register(p.get("id"), where, "programme"), self.text(p, where, "name")))

        follow_up = []
        fu = self.mapping(top.get("follow_up", {}), "follow_up", {"target_setting": True, "monitoring": True})
        for stage in ("target_setting", "monitoring"):
            for n, d in enumerate(self.items(fu, "follow_up", stage)):
                where = f"follow_up.{stage}[{n}]"
                d = self.mapping(d, where, {"id": True, "name": True, "period_ends": False})
                follow_up.append(
                    FollowUpDocument(
                        self.register(d.get("id"), where, "follow-up document"),
                        self.text(d, where, "name"),
                        stage,
                        tuple(self.items(d, where, "period_ends", required=False)),
                    )
                )

        return Strategy(
            municipality=self.text(top, "", "municipality"),
            title=self.text(top, "", "title"),
            years=years,
            baseline_period_end=baseline or dt.date.min,
            mission=self.text(top, "", "mission"),
            vision=self.text(top, "", "vision"),
            values=tuple(values),
            responsible_areas=tuple(areas),
            pillars=pillars,
            series_breaks=tuple(breaks),
            programmes=tuple(programmes),
            follow_up=tuple(follow_up),
        )

    def goal(self, raw: Any, n: int, pillar_ids: list[str]) -> Goal:
        where = _named(f"goals[{n}]", raw)
        g = self.mapping(raw, where, _GOAL_KEYS)
        gid = self.register(g.get("id"), where, "goal")
        pillar = g.get("pillar")
        if "pillar" in g and (not _scalar(pillar) or pillar not in pillar_ids):
            self.problem(where, f"unknown pillar {pillar!r} (known: {', '.join(map(str, pillar_ids))})")
        actions = []
        for k, a in enumerate(self.items(g, where, "actions")):
            w = f"{where} › actions[{k}]"
            a = self.mapping(a, w, {"id": True, "name": True})
            actions.append(Action(self.register(a.get("id"), w, "action"), self.text(a, w, "name"), gid))
        if "measures" in g and not g.get("measures"):
            self.problem(where, "goal without a measure: 'measures' must list at least one")
        measures = [
            self.measure(m, f"{where} › measures[{k}]", gid)
            for k, m in enumerate(self.items(g, where, "measures", required=False))
        ]
        return Goal(gid, self.text(g, where, "name"), str(pillar), tuple(actions), tuple(measures))

    def measure(self, raw: Any, where: str, goal_id: str) -> Measure:
        where = _named(where, raw)
        m = self.mapping(raw, where, _MEASURE_KEYS)
        mid = self.register(m.get("id"), where, "measure")
        area = m.get("responsible_area")
        if "responsible_area" in m and (not _scalar(area) or area not in self.area_ids):
            self.problem(where, f"unknown responsible area {area!r} (known: {', '.join(sorted(self.area_ids))})")
        has_ind, has_ms = bool(m.get("indicators")), bool(m.get("milestone"))
        if has_ind == has_ms:
            self.problem(where, "a measure needs either 'indicators' (a non-empty list) or a 'milestone', not both")
        indicators = tuple(
            self.indicator(i, f"{where} › indicators[{k}]", mid)
            for k, i in enumerate(self.items(m, where, "indicators", required=False))
        )
        milestone = None
        if has_ms:
            ms = self.mapping(m["milestone"], f"{where} › milestone", {"description": True, "due": True})
            milestone = Milestone(
                self.text(ms, f"{where} › milestone", "description"),
                self.date(ms.get("due"), f"{where} › milestone", "due") or dt.date.min,
            )
        personal = m.get("personal_data", False)
        if not isinstance(personal, bool):
            self.problem(where, "'personal_data' must be true or false")
        return Measure(
            mid,
            self.text(m, where, "name"),
            goal_id,
            str(area),
            indicators,
            milestone,
            bool(personal),
            self.text(m, where, "note") or None,
        )

    def indicator(self, raw: Any, where: str, measure_id: str) -> Indicator:
        where = _named(where, raw)
        i = self.mapping(raw, where, _INDICATOR_KEYS)
        iid = self.register(i.get("id"), where, "indicator")
        unit = self.text(i, where, "unit")
        direction = i.get("direction")
        if "direction" in i and (not _scalar(direction) or direction not in DIRECTIONS):
            self.problem(where, f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
        kind = i.get("kind")
        if "kind" in i and (not _scalar(kind) or kind not in KINDS):
            self.problem(where, f"kind {kind!r} is not one of {', '.join(KINDS)}")
        frequency = i.get("frequency", "half_year")
        if not _scalar(frequency) or frequency not in FREQUENCIES:
            self.problem(where, f"frequency {frequency!r} is not one of {', '.join(FREQUENCIES)}")
        baseline = self.number(i["baseline"], where, "baseline") if i.get("baseline") is not None else None
        targets: dict[int, Target] = {}
        raw_targets = i.get("targets")
        if "targets" in i and (not isinstance(raw_targets, dict) or not raw_targets):
            self.problem(where, "'targets' must map years to values, e.g. {2021: 10, 2022: 12}")
            raw_targets = {}
        for year, t in (raw_targets or {}).items():
            if not _scalar(year) or year not in self.years:
                self.problem(where, f"target year {year!r} is outside the strategy years {list(self.years)}")
                continue
            if direction == "target_band":
                if not (isinstance(t, list) and len(t) == 2):
                    self.problem(where, f"target {year} of a target_band must be [low, high], found {t!r}")
                    continue
                low, high = (self.number(x, where, f"target {year}") for x in t)
                if low is not None and high is not None:
                    if low > high:
                        self.problem(where, f"target band {year} has low {low:g} above high {high:g}")
                    targets[year] = (low, high)
            else:
                value = self.number(t, where, f"target {year}")
                if value is not None:
                    targets[year] = value
        example = i.get("example_targets")
        if "example_targets" in i and (
            not isinstance(example, list)
            or not all(_scalar(y) for y in example)
            or not set(example) <= set(raw_targets or {})
        ):
            self.problem(where, f"'example_targets' must list years that have a target, found {example!r}")
            example = []
        target_source = self.text(i, where, "target_source") or None
        if example is not None and raw_targets and set(raw_targets) - set(example or []) and not target_source:
            self.problem(
                where, "targets that are not example values need a 'target_source' saying where they come from"
            )
        valid_range = default_valid_range(unit)
        if "valid_range" in i:
            bounds = i["valid_range"]
            if not (isinstance(bounds, list) and len(bounds) == 2):
                self.problem(where, f"'valid_range' must be [min, max] (null for no limit), found {bounds!r}")
            else:
                low, high = (None if b is None else self.number(b, where, "valid_range") for b in bounds)
                valid_range = (low, high)
        # a direction or kind outside the vocabulary is a problem above; the file is refused before it is used
        return Indicator(
            iid,
            self.text(i, where, "name"),
            unit,
            cast(Direction, direction),
            cast(Kind, kind),
            frequency,
            baseline,
            targets,
            frozenset(example or []),
            target_source,
            self.text(i, where, "source"),
            measure_id,
            valid_range,
        )
