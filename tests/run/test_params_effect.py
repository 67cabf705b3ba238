"""No parameter of params/default.yaml is without effect: each is changed and the difference is seen.

CASES holds one row per leaf of ``params/default.yaml`` (nested mappings give dotted paths; lists are leaves):
the changed value as ``--set key=value`` writes it, the period where it matters, and where its effect is seen:

- ``figures``: :func:`kpi.measures.period.compute` (what the workbooks and the exports show) with the default
  parameters and with the one parameter changed, on the embedded data; a column of one of its frames differs.
- ``gate``: the data-quality gate with the period's ``quality`` parameters; the check's severity and the
  gate's verdict differ.
- ``period``: ``period_end`` is null in default.yaml and set by each ``params/<period>.yaml``; another period
  gives other figures.
  ``privacy.min_count`` is seen there too (which staff counts are hidden); its check in every published format is
  ``tests/run/test_privacy_outputs.py``.
- ``published``: only in the published pages (PUBLISHED below, one end-to-end run with default parameters and
  one with several changed together); status and finance cases that are printed have a trace there too.

A parameter added to default.yaml without a row here fails ``test_every_parameter_has_a_case``.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from kpi.inputs.datasets import load_inputs
from kpi.inputs.gate import GateResult, run_gate
from kpi.measures.period import PeriodFigures, compute
from kpi.measures.status import StatusRules, rules_fi
from kpi.paths import DATA_RAW, PARAMS_DIR
from kpi.run.params import load_params
from kpi.run.runner import run_period

MID = dt.date(2022, 6, 30)  # a 30.6.: flows against half the target, the expected share of the budget
END = dt.date(2022, 12, 31)
EARLY = dt.date(2021, 6, 30)  # the only 30.6./31.12. with a milestone "ei aloitettu"
# The two end-to-end runs share one worker, so each is made once.
pytestmark = pytest.mark.xdist_group("params_effect")


@dataclass(frozen=True)
class Case:
    value: str  # the changed value, as written after `--set key=`
    seen: str  # figures | gate | period | privacy | published
    period: dt.date | None  # the period where the change shows on the embedded data
    probe: str  # figures: "<frame>.<column>" of PeriodFigures; gate: the check id; otherwise a note
    what: str  # what differs, in words
    also: tuple[str, ...] = ()  # other --set overrides of both runs, where the parameter acts only with them


CASES: dict[str, Case] = {
    "period_end": Case("2022-06-30", "period", END, "indicators.value", "another period's params file: other values"),
    "report.title": Case("Parametritestin otsikko", "published", MID, "", "the title line at the top of every page"),
    "report.commentary": Case(
        "Talous kiristyy parametritestissä", "published", MID, "", "the commentary under 'Analyytikon kommentti'"
    ),
    "quality.soft": Case(
        "[ohjelmat.updated_year.plausible]", "gate", END, "ohjelmat.updated_year.plausible", "hard → soft: run passes"
    ),
    "quality.hard": Case(
        "[havainnot.value_for_period]", "gate", MID, "havainnot.value_for_period", "soft → hard: run stops"
    ),
    "status.tolerance_pct": Case("12", "figures", END, "indicators.status", "indicator statuses"),
    "status.flow_at_30_6": Case("full_year", "figures", MID, "indicators.status", "flow indicators' statuses"),
    "status.example_values": Case("not_assessable", "figures", END, "indicators.status", "example values unassessed"),
    "status.measure_rule": Case("mean", "figures", MID, "measures.status", "measure statuses"),
    "status.goal_full_score": Case("0.7", "figures", END, "goals.status", "goal statuses"),
    "status.goal_partial_score": Case("0.6", "figures", END, "goals.status", "goal statuses"),
    "status.goal_min_assessable": Case("1.0", "figures", MID, "goals.status", "goals become ei arvioitavissa"),
    "status.milestones.valmis": Case("ei toteutunut", "figures", END, "milestones.status", "milestone statuses"),
    "status.milestones.käynnissä": Case("toteutunut", "figures", END, "milestones.status", "milestone statuses"),
    "status.milestones.ei aloitettu": Case(
        "osittain toteutunut", "figures", EARLY, "milestones.status", "milestone statuses"
    ),
    "finance.overrun_threshold_pct": Case("7", "figures", END, "follow_up.flag", "overrun / shortfall flags"),
    "finance.expected_share_30_6": Case("40", "figures", MID, "follow_up.flag", "overrun / shortfall flags"),
    # workbook 05_vertailu: whom the city is compared with
    "comparison.municipality": Case("698", "comparison", END, "city", "another city (Rovaniemi) is compared"),
    "comparison.peers": Case("[240, 851]", "comparison", END, "peers", "two peers instead of eight"),
    "comparison.peer_group": Case(
        "maakunta", "comparison", END, "peers", "the peers of the same maakunta", ("comparison.peers=[]",)
    ),
    "comparison.peer_population": Case(
        "[5000, 0]",
        "comparison",
        END,
        "peers",
        "only the group's peers of 5 000 residents or more",
        ("comparison.peers=[]", "comparison.peer_group=maakunta"),
    ),
    # kpi fetch: what is downloaded, from where, how patiently (tests/run/test_fetch.py shows each is obeyed)
    "comparison.fetch.statfin_url": Case(
        "http://127.0.0.1:9/StatFin", "fetch", END, "statfin_url", "the StatFin address"
    ),
    "comparison.fetch.sotkanet_url": Case(
        "http://127.0.0.1:9/rest", "fetch", END, "sotkanet_url", "the Sotkanet address"
    ),
    "comparison.fetch.timeout_s": Case("5", "fetch", END, "timeout_s", "how long one answer is waited for"),
    "comparison.fetch.retries": Case("1", "fetch", END, "retries", "how often a failed request is retried"),
    "comparison.fetch.statfin_tables": Case("[]", "fetch", END, "statfin_tables", "no StatFin table is fetched"),
    "comparison.fetch.sotkanet_indicators": Case(
        "[127, 289]", "fetch", END, "sotkanet_indicators", "another indicator"
    ),
    "comparison.fetch.sotkanet_years": Case("[2010, 2022]", "fetch", END, "sotkanet_years", "other years"),
    # a unit of 4 persons is hidden at the default 5 and shown at 3
    "privacy.min_count": Case("3", "figures", END, "staff.head_count", "staff counts hidden"),
}


@dataclass(frozen=True)
class Trace:
    pages: str  # all | pillars+follow-up | follow-up
    pattern: str  # one group: the parameter's value as the page shows it; matched in <main> (the footer lists --set)
    default: frozenset[str]  # every match in the page of the default run
    changed: frozenset[str]  # … and of the run with the changed values


PUBLISHED: dict[str, Trace] = {
    "report.title": Trace(
        "all",
        r"<strong>([^<]*)</strong> · ",
        frozenset({"Kemijärven toimenpideohjelman 2021–2023 seuranta"}),
        frozenset({CASES["report.title"].value}),
    ),
    "report.commentary": Trace(
        "pillars+follow-up",
        r"<h2[^>]*>Analyytikon kommentti</h2>.*?<p>([^<]*)</p>",
        frozenset(),
        frozenset({CASES["report.commentary"].value}),
    ),
    "status.tolerance_pct": Trace(
        "pillars+follow-up",
        r"Osittain toteutunut, kun arvo poikkeaa tavoitteesta huonompaan suuntaan enintään (\S+)\s%",
        frozenset({"5"}),
        frozenset({"12"}),
    ),
    "status.flow_at_30_6": Trace(
        "pillars+follow-up",
        r"Osavuosikatsauksessa \(30\.6\.\) (kertymänä mitattavaa indikaattoria|kaikkia indikaattoreita) ",
        frozenset({"kertymänä mitattavaa indikaattoria"}),
        frozenset({"kaikkia indikaattoreita"}),
    ),
    "status.goal_full_score": Trace(
        "pillars+follow-up", r"keskiarvo vähintään (\S+) → toteutunut", frozenset({"0,80"}), frozenset({"0,70"})
    ),
    "finance.overrun_threshold_pct": Trace(
        "follow-up", r"[Oo]dotetusta yli (\S+) prosenttiyksikköä", frozenset({"2"}), frozenset({"7"})
    ),
    # the "Odotettu" column of the table of flagged account groups
    "finance.expected_share_30_6": Trace(
        "follow-up",
        r"<td[^>]*>(\d+)\s%</td><td[^>]*>[^<]*</td><td[^>]*>(?:ylitys|alitus)</td>",
        frozenset({"50"}),
        frozenset({"40"}),
    ),
}
# the end-to-end run changes these together, each to its value in CASES
E2E_OVERRIDES = [f"{path}={CASES[path].value}" for path in PUBLISHED]
E2E_PERIOD = MID


def leaf_paths(mapping: dict[str, Any], prefix: str = "") -> list[str]:
    """Dotted paths of every leaf: nested mappings are walked, lists and scalars are leaves."""
    paths = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            paths += leaf_paths(value, f"{prefix}{key}.")
        else:
            paths.append(f"{prefix}{key}")
    return paths


def param(params: dict[str, Any], path: str) -> Any:
    for part in path.split("."):
        params = params[part]
    return params


def params_for(path: str, *, changed: bool) -> dict[str, Any]:
    """The merged parameters of the case's period, as `kpi run --set path=value` would make them."""
    case = CASES[path]
    assert case.period is not None
    return load_params(case.period, overrides=[*case.also, *([f"{path}={case.value}"] if changed else [])])


def of_kind(seen: str) -> list[str]:
    return [path for path, case in CASES.items() if case.seen == seen]


def test_every_parameter_has_a_case():
    default = yaml.safe_load((PARAMS_DIR / "default.yaml").read_text(encoding="utf-8"))
    leaves = leaf_paths(default)
    assert not [p for p in leaves if p not in CASES], "parameters of default.yaml without a case in CASES"
    assert not [p for p in CASES if p not in leaves], "cases of parameters that default.yaml no longer has"
    # period_end is set per period, never in default.yaml; its case is "another period gives other output"
    assert default["period_end"] is None and CASES["period_end"].seen == "period"
    assert {p for p, c in CASES.items() if c.seen == "published"} <= set(PUBLISHED)
    assert set(PUBLISHED) <= set(CASES)


@pytest.mark.parametrize("path", [p for p in CASES if p != "period_end"])
def test_the_changed_value_is_in_force_and_differs_from_the_default(path):
    before, after = param(params_for(path, changed=False), path), param(params_for(path, changed=True), path)
    assert before != after
    assert after == yaml.safe_load(CASES[path].value)  # as --set types it: numbers, lists, text


# ---------------------------------------------------------------------------------------------------------------
# in process: the figures the workbooks, the Excel workbook, the Word draft and the manifest show


@pytest.fixture(scope="module")
def inputs():
    return load_inputs(DATA_RAW)


def probe(figures: PeriodFigures, what: str) -> pd.Series:
    frame, column = what.split(".")
    found = getattr(figures, frame)
    return (found.frame if frame == "staff" else found)[column]  # staff: the table as published (Suppressed)


@pytest.mark.parametrize("path", of_kind("figures"))
def test_figures_differ(inputs, path):
    case = CASES[path]
    before = compute(inputs, case.period, params_for(path, changed=False))
    after = compute(inputs, case.period, params_for(path, changed=True))
    a, b = probe(before, case.probe), probe(after, case.probe)
    assert len(a) == len(b) and len(a) > 0
    assert int((a != b).sum()) > 0, f"{path}={case.value} changed nothing in {case.probe} at {case.period}"


@pytest.mark.parametrize("path", [p for p in of_kind("figures") if p.startswith("status.")])
def test_status_rules_are_printed_with_the_changed_value(path):
    """The reports print the rules in force (kpi.measures.status.rules_fi); the changed rule reads differently."""
    before = rules_fi(StatusRules.from_params(params_for(path, changed=False)))
    after = rules_fi(StatusRules.from_params(params_for(path, changed=True)))
    assert len(before) == len(after)
    assert sum(x != y for x, y in zip(before, after)) == 1


def test_another_period_gives_other_figures(inputs):
    case = CASES["period_end"]
    other = dt.date.fromisoformat(case.value)
    before = load_params(case.period)
    after = load_params(other)
    assert (before["period_end"], after["period_end"]) == (case.period, other)
    a = probe(compute(inputs, case.period, before), case.probe)
    b = probe(compute(inputs, other, after), case.probe)
    assert len(a) == len(b) and int((a.fillna(-1) != b.fillna(-1)).sum()) > 0


# ---------------------------------------------------------------------------------------------------------------
# the quality gate: quality.soft / quality.hard change a check's severity and so the gate's verdict


@pytest.fixture(scope="module")
def gate_data(tmp_path_factory) -> dict[str, Path]:
    """The data each gate case runs on: quality.soft needs a hard check that fails (a programme 'updated' in 2030)."""
    broken = tmp_path_factory.mktemp("gate") / "raw"
    shutil.copytree(DATA_RAW, broken, ignore=shutil.ignore_patterns("README.md"))
    path = broken / "ohjelmat.csv"
    text = path.read_text(encoding="utf-8-sig")
    assert ";2019;" in text
    path.write_text(text.replace(";2019;", ";2030;", 1), encoding="utf-8-sig")
    return {"quality.soft": broken, "quality.hard": DATA_RAW}


def gate(path: str, data_dir: Path, *, changed: bool) -> GateResult:
    quality = params_for(path, changed=changed)["quality"]
    return run_gate(data_dir, CASES[path].period, soft=quality["soft"], hard=quality["hard"])


def severity(result: GateResult, check_id: str) -> tuple[str, bool]:
    (finding,) = [f for f in result.findings if f.check.id == check_id]
    return finding.severity, finding.passed


@pytest.mark.parametrize("path", of_kind("gate"))
def test_gate_severity_and_verdict_differ(gate_data, path):
    check = CASES[path].probe
    before, after = gate(path, gate_data[path], changed=False), gate(path, gate_data[path], changed=True)
    if path == "quality.soft":  # a hard check made soft: the run goes on, the rows are only flagged
        assert severity(before, check) == ("hard", False) and not before.passed
        assert [f.check.id for f in before.hard_failures] == [check]
        assert severity(after, check) == ("soft", False) and after.passed
        assert check in {f.check.id for f in after.soft_findings}
    else:  # a soft check made hard: the run stops
        assert severity(before, check) == ("soft", False) and before.passed
        assert severity(after, check) == ("hard", False) and not after.passed
        assert [f.check.id for f in after.hard_failures] == [check]


# ---------------------------------------------------------------------------------------------------------------
# end to end: one period with the default parameters, one with several changed together (2 runs, ~25 s each)


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> dict[str, tuple[Path, list[str]]]:
    """The published folder and page names of each run, in separate output folders."""
    runs = {}
    for name, overrides in [("default", []), ("changed", E2E_OVERRIDES)]:
        root = tmp_path_factory.mktemp(name)
        result = run_period(
            E2E_PERIOD,
            overrides=overrides,
            outputs_dir=root / "outputs",
            processed_dir=root / "processed",
            reports_dir=root / "outputs" / "laatu",
        )
        assert result.report_dir == root / "outputs" / E2E_PERIOD.isoformat()
        runs[name] = (result.report_dir, [r.name for r in result.reports])
    return runs


def main_part(folder: Path, name: str) -> str:
    """The page's content between <main> and </main>: not the navigation, not the footer (which lists --set)."""
    page = (folder / f"{name}.html").read_text(encoding="utf-8")
    found = re.search(r"<main>(.*)</main>", page, flags=re.S)
    assert found, f"{name}.html has no <main>"
    return found.group(1)


def pages_of(trace: Trace, names: list[str]) -> list[str]:
    follow_up = [n for n in names if n.endswith("_seuranta")]
    assert len(names) >= 3 and names[0] == "00_tietojen_laatu" and len(follow_up) == 1
    # the comparison page (<NN + 1>_vertailu) comes after the follow-up and shows only the title of these
    pillars_and_follow_up = names[1 : names.index(follow_up[0]) + 1]
    return {"all": names, "pillars+follow-up": pillars_and_follow_up, "follow-up": follow_up}[trace.pages]


@pytest.mark.parametrize("path", list(PUBLISHED))
def test_published_pages_show_the_changed_value(published, path):
    trace = PUBLISHED[path]
    for run, expected in [("default", trace.default), ("changed", trace.changed)]:
        folder, names = published[run]
        for name in pages_of(trace, names):
            shown = set(re.findall(trace.pattern, main_part(folder, name), flags=re.S))
            assert shown == expected, f"{run} run, {name}.html: {path} shown as {shown}, expected {set(expected)}"


def test_budget_sentence_says_the_expected_share(published):
    # the follow-up's sentence on the budget states the share the costs were compared with
    for run, share in [("default", "50"), ("changed", "40")]:
        folder, names = published[run]
        follow_up = next(n for n in names if n.endswith("_seuranta"))
        found = re.findall(r"talousarviosta \(odotettu (\d+)\s%\)", main_part(folder, follow_up))
        # the Tiivistelmä, the budget sentence and the chart's alt text
        assert len(found) == 3 and set(found) == {share}, (run, found)


def planned_downloads(settings) -> list[tuple]:
    """What `kpi fetch` would ask, in order: each request's address and query, and how patiently it is made."""
    import json

    from kpi.run.fetch import statfin_query

    codes = settings.codes()
    plan: list[tuple] = [
        ("statfin", f"{settings.statfin_url}/{t.path}", json.dumps(statfin_query(t, codes), sort_keys=True))
        for t in settings.statfin_tables
    ]
    plan += [("sotkanet", settings.sotkanet_url, i, settings.sotkanet_years) for i in settings.sotkanet_indicators]
    return [*plan, ("patience", settings.timeout_s, settings.retries)]


@pytest.mark.parametrize("path", of_kind("fetch"))
def test_fetch_asks_otherwise(path):
    from kpi.run.fetch import FetchSettings

    before = FetchSettings.from_params(params_for(path, changed=False))
    after = FetchSettings.from_params(params_for(path, changed=True))
    assert getattr(before, CASES[path].probe) != getattr(after, CASES[path].probe)
    assert planned_downloads(before) != planned_downloads(after)


def compared(params: dict[str, Any]) -> dict[str, Any]:
    """Whom workbook 05_vertailu compares, and its key-figure table (a refused combination as its message)."""
    from kpi.errors import ParameterError
    from kpi.inputs.comparison import classification_of, read_comparison
    from kpi.measures import comparison as cmp

    table, classification = read_comparison(DATA_RAW), classification_of(DATA_RAW)
    try:
        city = cmp.city_code(params["comparison"], classification)
        peers = cmp.peer_codes(params["comparison"], classification, table)
    except ParameterError as exc:
        return {"city": None, "peers": str(exc), "key": None}
    return {"city": city, "peers": peers, "key": cmp.key_figures(table, city, peers).summary.to_json()}


@pytest.mark.parametrize("path", of_kind("comparison"))
def test_the_comparison_differs(path):
    case = CASES[path]
    before, after = compared(params_for(path, changed=False)), compared(params_for(path, changed=True))
    assert before[case.probe] != after[case.probe]
    if after["key"] is not None and before["key"] is not None:
        assert before["key"] != after["key"]  # the page's key figures (median, rank) follow
