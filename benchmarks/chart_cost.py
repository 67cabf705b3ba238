"""What one chart costs: milliseconds to draw and embed it, and the bytes it adds to a page (issue 17).

Renders each chart kind the workbooks draw, on the real data of data/raw at one period end, --repeats times,
and prints per figure the median milliseconds of building the figure (the chart function, layout included),
of embedding it (`charts.figure_html`: the draw, the PNG, base64) and of both, and the bytes of the embedded
image (as a file, and as the base64 text in the page). Then, once, every chart of one pillar workbook
(notebooks/pilari.ipynb), so the images of a whole pillar page are summed.

--baseline FILE also times a copy of src/kpi/present/charts.py (say the committed one,
`git show HEAD:src/kpi/present/charts.py > /tmp/charts_head.py`), alternating with the current module figure by
figure, so that load from other processes on the machine weighs on both alike. --write DIR keeps one image of
each kind to look at. Asserts nothing; reads data/raw, writes only to --write.

    .venv/bin/python benchmarks/chart_cost.py [--repeats 15] [--period 2022-12-31] [--pillar hyvinvointi]
                                              [--baseline /tmp/charts_head.py] [--write /tmp/charts]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import datetime as dt
import importlib.util
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import matplotlib.pyplot as plt

from kpi.inputs.comparison import classification_of, read_comparison
from kpi.inputs.datasets import load_inputs
from kpi.measures import changes as ch
from kpi.measures import comparison as cmp
from kpi.measures.period import compute
from kpi.paths import DATA_RAW
from kpi.present import charts
from kpi.present import comparison as view
from kpi.run.params import complete_params

# One stock and one flow indicator of the hyvinvointi pillar: a target line, example values, 30.6. totals.
STOCK, FLOW = "lahiruoka_osuus", "uudet_yritykset_lkm"
IMAGE = re.compile(r'src="data:image/([a-z+]+);base64,([^"]+)"')
Make = Callable[[ModuleType], plt.Figure]  # a chart drawn with one version of the charts module


def kinds(period: dt.date) -> dict[str, Make]:
    """Each chart kind as the workbooks call it (04_seuranta, pilari, 05_vertailu), on the period's figures."""
    settings = complete_params({"period_end": period.isoformat()})
    inputs = load_inputs(DATA_RAW)
    strategy = inputs.strategy
    figures = compute(inputs, settings["period_end"], settings)
    goal_names = {g.id: g.name for g in strategy.goals}
    area_names = {a.id: a.name for a in strategy.responsible_areas}
    mine = figures.goals[figures.goals.pillar_id == "hyvinvointi"]
    targets, progress = figures.targets, figures.progress
    compared = cmp.compare(read_comparison(DATA_RAW), classification_of(DATA_RAW), settings["comparison"], period)

    def trend(indicator_id: str) -> Make:
        indicator = strategy.indicator(indicator_id)
        points = ch.series(strategy, inputs["observations"], indicator_id, until=period, rules=figures.rules)
        return lambda c: c.trend_chart(points, title=indicator.name, unit=indicator.unit, flow=indicator.kind == "flow")

    return {
        "goal_status (15 goals)": lambda c: c.goal_status_chart(figures.goals, goal_names),
        "goal_status (pillar)": lambda c: c.goal_status_chart(mine, goal_names),
        f"trend stock ({STOCK})": trend(STOCK),
        f"trend flow ({FLOW})": trend(FLOW),
        "staff": lambda c: c.staff_chart(figures.staff.frame),
        "budget": lambda c: c.budget_chart(figures.totals, area_names, forecast=period.month == 6),
        "adjustment": lambda c: c.adjustment_chart(progress["by_year"], target_eur=targets["target_eur"]),
        # kpi.present.comparison lays its charts out with charts._laid_out (see `using`)
        "population (vertailu)": lambda c: view.population_chart(compared.index.frame, compared.index.base_year),
        "key figures (vertailu)": lambda c: view.key_figures_chart(compared.key.values, compared.key.summary),
        "unemployment (vertailu)": lambda c: view.unemployment_chart(compared.rates),
    }


def pillar_figures(period: dt.date, pillar: str) -> list[Make]:
    """Every chart of notebooks/pilari.ipynb for `pillar`: the goal overview, a trend per indicator, staff."""
    settings = complete_params({"period_end": period.isoformat()})
    inputs = load_inputs(DATA_RAW)
    strategy = inputs.strategy
    figures = compute(inputs, settings["period_end"], settings)
    goal_names = {g.id: g.name for g in strategy.goals}
    mine = figures.goals[figures.goals.pillar_id == pillar]
    made: list[Make] = [lambda c: c.goal_status_chart(mine, goal_names)]
    for goal in {p.id: p for p in strategy.pillars}[pillar].goals:
        for measure in goal.measures:
            for indicator in measure.indicators:
                points = ch.series(strategy, inputs["observations"], indicator.id, until=period, rules=figures.rules)
                made.append(
                    lambda c, p=points, i=indicator: c.trend_chart(p, title=i.name, unit=i.unit, flow=i.kind == "flow")
                )
        if any(m.personal_data for m in goal.measures) and len(figures.staff.frame):
            made.append(lambda c: c.staff_chart(figures.staff.frame))
    return made


def load_baseline(path: Path) -> ModuleType:
    """Another version of kpi.present.charts, imported from a file under a name of its own."""
    spec = importlib.util.spec_from_file_location("kpi_charts_baseline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextlib.contextmanager
def using(module: ModuleType) -> Iterator[None]:
    """The comparison page's charts laid out by `module`'s _laid_out, as if it were kpi.present.charts."""
    kept = view._laid_out
    view._laid_out = module._laid_out
    try:
        yield
    finally:
        view._laid_out = kept


def once(make: Make, module: ModuleType) -> tuple[float, float, str, bytes]:
    """Build and embed one figure: (build s, embed s, image type, image bytes)."""
    with using(module):
        begin = time.perf_counter()
        fig = make(module)
        built = time.perf_counter()
        html = module.figure_html(fig, alt="x", caption="x")
        done = time.perf_counter()
    kind, data = IMAGE.search(html).groups()
    return built - begin, done - built, kind, base64.b64decode(data)


def line(name: str, runs: list[tuple[float, float, str, bytes]]) -> str:
    build = statistics.median(r[0] for r in runs) * 1000
    embed = statistics.median(r[1] for r in runs) * 1000
    total = statistics.median(r[0] + r[1] for r in runs) * 1000
    kind, image = runs[-1][2], runs[-1][3]
    return (
        f"{name:<44} {build:9.1f} {embed:9.1f} {total:9.1f} {len(image):9d} {len(base64.b64encode(image)):9d}  {kind}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="figures of each kind (median of them)")
    parser.add_argument("--period", default="2022-12-31", type=dt.date.fromisoformat)
    parser.add_argument("--pillar", default="hyvinvointi", help="pillar whose page's images are summed")
    parser.add_argument("--baseline", type=Path, help="a copy of charts.py to time against the current one")
    parser.add_argument("--write", type=Path, help="keep one image of each kind in this folder")
    args = parser.parse_args(argv)

    versions = {"": charts}
    if args.baseline:
        versions = {"baseline": load_baseline(args.baseline), "current": charts}
    made = kinds(args.period)
    for make in made.values():  # warm-up: font cache, first-use imports
        for module in versions.values():
            once(make, module)
    print(f"{'chart':<44} {'build ms':>9} {'embed ms':>9} {'total ms':>9} {'image B':>9} {'base64 B':>9}  type")
    for name, make in made.items():
        runs: dict[str, list] = {label: [] for label in versions}
        for _ in range(args.repeats):
            for label, module in versions.items():
                runs[label].append(once(make, module))
        for label in versions:
            print(line(f"{name} {label}".strip(), runs[label]))
            if args.write:
                args.write.mkdir(parents=True, exist_ok=True)
                stem = re.sub(r"\W+", "_", f"{name} {label}").strip("_")
                (args.write / f"{stem}.{runs[label][-1][2].split('+')[0]}").write_bytes(runs[label][-1][3])

    page = pillar_figures(args.period, args.pillar)
    print()
    seconds: dict[str, float] = dict.fromkeys(versions, 0.0)
    sizes: dict[str, list[int]] = {label: [] for label in versions}
    for make in page:  # chart by chart, alternating the versions
        for label, module in versions.items():
            build, embed, _, image = once(make, module)
            seconds[label] += build + embed
            sizes[label].append(len(image))
    for label in versions:
        b64 = sum(4 * ((n + 2) // 3) for n in sizes[label])
        print(
            f"pillar page {args.pillar} {args.period} {label}: {len(page)} charts, {seconds[label]:.2f} s, "
            f"images {sum(sizes[label])} B ({b64} B as base64 in the page)".replace("  ", " ")
        )
    print(f"python {sys.version.split()[0]}, repeats {args.repeats}")


if __name__ == "__main__":
    main()
