"""The frames the suites run on: each typed table with its derived columns, the strategy as tables, and the
frames that tie the files together (coverage of the period, totals against the sum of their parts)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from kpi import fi
from kpi.inputs.derived import adjustment_by_year, staff_totals
from kpi.inputs.strategy import Strategy
from kpi.inputs.suites import ACCOUNT_GROUPS


def table_frame(name: str, frame: pd.DataFrame, strategy: Strategy, period_end: dt.date) -> pd.DataFrame:
    """One typed table with the derived columns its own checks read (month-day of the period end, ranges …)."""
    f = frame.copy()
    f["period_md"] = _per_value(f.period_end, lambda d: d.strftime("%m-%d"))
    f["example_at_period"] = f.is_example & (f.period_end == pd.Timestamp(period_end))
    derive = DERIVED.get(name)
    return derive(f, strategy) if derive else f


def _observations_frame(obs: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    ind = {i.id: i for i in strategy.indicators}
    # an unknown id is reported by its own check; do not report it again as a wrong unit or range
    known = obs.indicator_id.isin(list(ind)).to_numpy(dtype=bool)
    obs["expected_unit"] = pd.Series(obs.indicator_id.map({k: i.unit for k, i in ind.items()}), dtype="object").where(
        known, obs.unit.astype("object")
    )
    wrong_unit = (obs.unit.astype("object") != obs.expected_unit).to_numpy(dtype=bool)
    # the details are shown only for failing rows: written for those rows alone (a million rows stay cheap)
    obs["unit_detail"] = _detail(
        obs, wrong_unit, lambda r: f"{r.unit!r} for {r.indicator_id} (the strategy says {r.expected_unit!r})"
    )
    low = obs.indicator_id.map({k: i.valid_range[0] for k, i in ind.items()}).astype("float64")
    high = obs.indicator_id.map({k: i.valid_range[1] for k, i in ind.items()}).astype("float64")
    obs["in_range"] = obs.value.isna() | ((low.isna() | (obs.value >= low)) & (high.isna() | (obs.value <= high)))
    obs["range_detail"] = _detail(
        obs.assign(low=low, high=high),
        ~obs.in_range.to_numpy(dtype=bool),
        lambda r: (
            f"{r.value:g} for {r.indicator_id} (valid: {'' if pd.isna(r.low) else f'{r.low:g}'}…"
            f"{'' if pd.isna(r.high) else f'{r.high:g}'})"
        ),
    )
    obs["value_xor_no_data"] = obs.value.notna() != obs.no_data
    return obs


def _population_frame(pop: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    pop = pop.sort_values("period_end")
    previous = pop.population.shift(1).astype("float64")
    pop["change_pct"] = (pop.population.astype("float64") / previous - 1) * 100
    pop["change_detail"] = [
        f"{p} (previous {'' if pd.isna(q) else int(q)}, {'' if pd.isna(c) else f'{c:+.1f} %'})"
        for p, q, c in zip(pop.population, previous, pop.change_pct)
    ]
    return pop


def _budget_frame(budget: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    budget["forecast_ok"] = ~((budget.period_md == "06-30") & budget.forecast.isna())
    return budget


def _programmes_frame(programmes: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    programmes["period_year"] = programmes.period_end.dt.year
    return programmes


def _staff_frame(staff: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    respondents, heads = staff.respondents.astype("float64"), staff.head_count.astype("float64")
    staff["respondents_ok"] = respondents.isna() | heads.isna() | (respondents <= heads)
    staff["respondents_detail"] = _detail(
        staff, ~staff.respondents_ok.to_numpy(dtype=bool), lambda r: f"{r.respondents} of {r.head_count} ({r.unit})"
    )
    # respondents > 0 ⇔ a score; 0 respondents with no score is a survey nobody answered
    staff["survey_ok"] = (respondents.fillna(0) > 0) == staff.satisfaction.notna()
    return staff


#: The derived columns a typed table's own checks need beyond the common ones, per table.
DERIVED = {
    "staff": _staff_frame,
    "observations": _observations_frame,
    "population": _population_frame,
    "budget": _budget_frame,
    "programmes": _programmes_frame,
}


def _per_value(column: pd.Series, func: Any) -> pd.Series:
    """`func` applied to each distinct value of `column` once (missing values stay missing), spread to every row."""
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    mapped = pd.Series([func(u) for u in uniques] + [None], dtype="object")
    return pd.Series(mapped.to_numpy()[codes], index=column.index, dtype="object")


def _detail(frame: pd.DataFrame, rows: Any, func: Any) -> pd.Series:
    """A sample text for the rows a check refuses (`rows`, a boolean mask): `func` of each such row, '' elsewhere."""
    detail = pd.Series("", index=frame.index, dtype="object")
    if rows.any():
        detail[rows] = [func(r) for r in frame[rows].itertuples(index=False)]
    return detail


def strategy_frames(strategy: Strategy) -> dict[str, pd.DataFrame]:
    indicators = strategy.indicators_frame()
    targets = strategy.targets_frame().merge(indicators[["indicator_id", "valid_min", "valid_max"]], on="indicator_id")
    values = targets.target.fillna(targets.target_low)
    values_high = targets.target.fillna(targets.target_high)
    targets["in_range"] = (targets.valid_min.isna() | (values >= targets.valid_min)) & (
        targets.valid_max.isna() | (values_high <= targets.valid_max)
    )
    targets["range_detail"] = [f"{y}: {v:g}" for y, v in zip(targets.year, values)]
    measures = strategy.measures_frame()
    areas = {a.id for a in strategy.responsible_areas}
    measures["area_known"] = measures.responsible_area.isin(sorted(areas))
    return {
        "strategy:goals": strategy.goals_frame(),
        "strategy:indicators": indicators,
        "strategy:targets": targets,
        "strategy:measures": measures,
    }


def coverage_frames(
    tables: dict[str, pd.DataFrame], strategy: Strategy, period_end: dt.date
) -> dict[str, pd.DataFrame]:
    """The frames of the checks for the requested period: rows at the period per indicator, milestone, responsibility
    area and account group …, each with ``rows_at_period_text`` (and ``_fi``) saying in words what is missing."""
    stamp = pd.Timestamp(period_end)
    p = fi.date(period_end)
    obs = tables["observations"]
    now = obs[obs.period_end == stamp]
    rows_now = now.indicator_id.value_counts()
    with_value = obs[obs.value.notna() & (obs.period_end <= stamp)]
    latest = with_value.groupby("indicator_id").period_end.max()
    indicator_coverage = _worded(
        [
            {
                "indicator_id": i.id,
                "rows_at_period": int(rows_now.get(i.id, 0)),
                "latest_value": fi.date(latest.get(i.id)) or "no value",
            }
            for i in strategy.indicators
        ],
        [(f"for indicator {i.id} ({i.name})", f"indikaattorille {i.id} ({i.name})") for i in strategy.indicators],
        p,
    )

    ms = tables["milestones"]
    ms_now = ms[ms.period_end == stamp].measure_id.value_counts()
    milestone_coverage = _worded(
        [{"measure_id": m.id, "rows_at_period": int(ms_now.get(m.id, 0))} for m in strategy.milestones],
        [
            (f"for milestone measure {m.id} ({m.name})", f"virstanpylväälle {m.id} ({m.name})")
            for m in strategy.milestones
        ],
        p,
        what=("status", "tilaa", "statuses", "tilaa"),
    )
    pop = tables["population"]
    population_coverage = _worded(
        [{"period": p, "rows_at_period": int((pop.period_end == stamp).sum())}],
        [("for the population", "väkiluvulle")],
        p,
    )
    budget = tables["budget"]
    b_now = budget[budget.period_end == stamp].groupby(["responsible_area", "account_group"]).size()
    active = [a for a in strategy.responsible_areas if a.valid_until is None or a.valid_until >= period_end]
    budget_coverage = _worded(
        [
            {"area_group": f"{a.id} / {g}", "rows_at_period": int(b_now.get((a.id, g), 0))}
            for a in active
            for g in ACCOUNT_GROUPS
        ],
        [
            (
                f"for responsibility area / account group {a.id} / {g}",
                f"vastuualueelle / tiliryhmälle {a.id} / {g}",
            )
            for a in active
            for g in ACCOUNT_GROUPS
        ],
        p,
    )
    ass = tables["assessments"]
    a_now = ass[ass.period_end == stamp].goal_id.value_counts()
    assessment_coverage = _worded(
        [{"goal_id": g.id, "rows_at_period": int(a_now.get(g.id, 0))} for g in strategy.goals],
        [(f"for goal {g.id} ({g.name})", f"tavoitteelle {g.id} ({g.name})") for g in strategy.goals],
        p,
        what=("assessment", "arviota", "assessments", "arviota"),
    )
    staff_coverage = _worded(
        [{"period": p, "rows_at_period": int((tables["staff"].period_end == stamp).sum())}],
        [("for the staff by unit", "henkilöstölle yksiköittäin")],
        p,
    )
    return {
        "staff_coverage": staff_coverage,
        "indicator_coverage": indicator_coverage,
        "milestone_coverage": milestone_coverage,
        "population_coverage": population_coverage,
        "budget_coverage": budget_coverage,
        "assessment_coverage": assessment_coverage,
        "consistency": consistency_frame(tables),
    }


def _worded(
    rows: list[dict[str, Any]],
    whom: list[tuple[str, str]],
    period: str,
    *,
    what: tuple[str, str, str, str] = ("row", "riviä", "rows", "riviä"),
) -> pd.DataFrame:
    """A coverage frame with ``rows_at_period_text`` and ``rows_at_period_text_fi``: what is missing (or doubled)
    for the period, in words ("no row for 31.12.2022 for indicator lahiruoka_osuus (Lähiruoan osuus …)")."""
    one, one_fi, many, many_fi = what
    frame = pd.DataFrame(rows)
    counts = [int(r["rows_at_period"]) for r in rows]
    frame["rows_at_period_text"] = [
        f"no {one} for {period} {en}" if n == 0 else f"{n} {many} for {period} {en}" for n, (en, _) in zip(counts, whom)
    ]
    frame["rows_at_period_text_fi"] = [
        f"ei {one_fi} kaudelle {period} {fi_}" if n == 0 else f"{n} {many_fi} kaudelle {period} {fi_}"
        for n, (_, fi_) in zip(counts, whom)
    ]
    return frame


def consistency_frame(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Given totals against the sum of their parts, for every period end where both are present.

    Returns
    -------
    pandas.DataFrame
        ``check``, ``given``, ``computed``, ``abs_difference``, ``tolerance``, ``detail``. Rows: costs per
        resident (``toimintakulut_per_asukas`` = the budget's operating costs / population, ±1 € for
        rounding) and the adjustment programme's cumulative savings and person-years (= the per-year totals
        of ``sopeuttamisohjelma.xlsx`` up to this period, :func:`kpi.inputs.derived.adjustment_by_year`, the
        same the reports use; ±0,01 M€ / ±0,5 HTV); the city's sick-leave days per person-year and job
        satisfaction from the units of ``henkilosto.csv`` (:func:`kpi.inputs.derived.staff_totals`).
    """
    obs = tables["observations"].dropna(subset=["value"]).set_index(["indicator_id", "period_end"]).value
    budget = tables["budget"]
    costs = budget[budget.account_group != "Toimintatuotot"].groupby("period_end").actual.sum()
    pop = tables["population"].drop_duplicates("period_end").set_index("period_end").population.astype("float64")
    rows = []

    def add(indicator_id: str, period: pd.Timestamp, computed: float, tolerance: float) -> None:
        given = obs.get((indicator_id, period))
        if given is None or pd.isna(computed):
            return
        rows.append(
            {
                "check": f"{indicator_id} {fi.date(period)}",
                "given": float(given),
                "computed": float(computed),
                "abs_difference": abs(float(given) - float(computed)),
                "tolerance": tolerance,
                "detail": f"given {float(given):g}, computed from its parts {float(computed):g}",
            }
        )

    for period in costs.index:
        if period in pop.index:
            add("toimintakulut_per_asukas", period, round(costs[period] / pop[period]), 1.0)
    adj = tables["adjustment"]
    for period in sorted(adj.period_end.unique()):
        # the per-year totals of measures.adjustment, from the one function both use
        by_year = adjustment_by_year(adj, pd.Timestamp(period).date())
        add("sopeutus_saasto_kertyma", period, by_year.realised_eur.sum() / 1e6, 0.01)
        add("sopeutus_htv_kertyma", period, by_year.realised_htv.sum(), 0.5)
    for period, units in tables["staff"].groupby("period_end"):
        # the city's figures are the units' totals: ±0,1 day for rounding, ±0,05 for unit means given to 0,1
        figures = staff_totals(units)
        add("sairauspoissaolot_pv_htv", period, figures["sick_days_per_htv"], 0.1)
        add("tyotyytyvaisyys", period, figures["satisfaction"], 0.05)
    return pd.DataFrame(rows, columns=["check", "given", "computed", "abs_difference", "tolerance", "detail"])
