"""`make bench`: one period run against the naive tool chain, all periods, an unchanged rerun, and how cost grows.

Measured in one run on this machine, alternating the two chains, medians of --repeats runs. Everything is
written to a temporary workspace (KPI_OUTPUTS_DIR, KPI_PROCESSED_DIR), so the analyst's outputs/ stays as
it is. Prints figures and ratios; asserts nothing (BENCHMARKS.md records the targets and the results).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from kpi.inputs.strategy import load_strategy  # noqa: E402
from kpi.paths import DATA_RAW, NOTEBOOKS_DIR, PARAMS_DIR  # noqa: E402
from kpi.run.publish import reports  # noqa: E402

# factor → (indicator copies, extra years): rows = 57 indicators × copies × (7 + 2 × extra years)
SCALES = {1: (1, 0), 10: (10, 0), 100: (25, 10), 1000: (100, 31), 2500: (200, 40)}


CPU: list[float] = []  # CPU seconds (user + system) of each timed command, its kernels included


def timed(cmd: list[str], env: dict[str, str]) -> float:
    """Wall seconds of a command; its CPU seconds, with every process it started and waited for, go to CPU."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    begin = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    wall = time.perf_counter() - begin
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return wall


def naive_chain(period: str, work: Path, env: dict[str, str]) -> float:
    """A GX validation script, then papermill and `jupyter nbconvert --no-input` per workbook, one after another."""
    out = work / "naive"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    begin = time.perf_counter()
    timed([str(BIN / "python"), str(ROOT / "benchmarks" / "naive_validate.py"), str(DATA_RAW), period], env)
    for report in reports(load_strategy(DATA_RAW / "strategia.yaml")):
        executed = out / f"{report.name}.ipynb"
        extra = [arg for key, value in report.parameters.items() for arg in ("-p", key, str(value))]
        timed(
            [
                str(BIN / "papermill"),
                str(NOTEBOOKS_DIR / report.notebook),
                str(executed),
                "-f",
                str(PARAMS_DIR / f"{period}.yaml"),
                *extra,
                "--cwd",
                str(NOTEBOOKS_DIR),
                "--no-progress-bar",
            ],
            env,
        )
        timed(
            [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed), "--output-dir", str(out)],
            env,
        )
    return time.perf_counter() - begin


def newest_stages(outputs: Path, period: str) -> dict[str, float]:
    versions = sorted((outputs / "versiot" / period).glob("[0-9][0-9][0-9]/ajoajat.json"))
    return dict((name, t) for name, t in json.loads(versions[-1].read_text(encoding="utf-8"))["stages"])


def newest_total(outputs: Path, period: str) -> float:
    versions = sorted((outputs / "versiot" / period).glob("[0-9][0-9][0-9]/ajoajat.json"))
    return float(json.loads(versions[-1].read_text(encoding="utf-8"))["total"])


def worker(cmd: list[str], env: dict[str, str]) -> tuple[float, dict]:
    """Wall seconds of one scaling worker and what it reported (its timings and its own peak memory)."""
    begin = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return time.perf_counter() - begin, json.loads(done.stdout.strip().splitlines()[-1])


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--period", default="2022-12-31")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each chain (median reported; at least 3)")
    parser.add_argument("--scales", default="1,10,100,1000,2500", help="observation factors for the scaling part")
    parser.add_argument("--skip", default="", help="comma list of parts to skip: chains,all,charts,scaling")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    work = Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    env = {
        **os.environ,
        "KPI_OUTPUTS_DIR": str(work / "outputs"),
        "KPI_PROCESSED_DIR": str(work / "processed"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    kpi = str(BIN / "kpi")
    print(
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.platform()}; workspace {work}"
    )
    print(
        f"Period {args.period}; {args.repeats} run{'s' if args.repeats != 1 else ''} of each chain, alternating; medians."
        + (
            " Fewer than 3 runs: a quick check that the benchmark works, not figures to quote."
            if args.repeats < 3
            else ""
        )
        + "\n"
    )

    if "chains" not in skip:
        timed([kpi, "run", "--period", args.period, "--force"], env)  # warm-up: caches, .pyc, the first version
        naive, ours, stages, cpu = [], [], [], []
        for k in range(args.repeats):
            naive.append(naive_chain(args.period, work, env))
            ours.append(timed([kpi, "run", "--period", args.period, "--force"], env))
            cpu.append(CPU[-1])
            stages.append(newest_stages(work / "outputs", args.period))
            print(f"  run {k + 1}: naive chain {naive[-1]:6.1f} s   kpi run --force {ours[-1]:6.1f} s", flush=True)
        a, b = median(naive), median(ours)
        print(f"\n(a) naive chain (GX script, papermill + nbconvert CLI per workbook): {a:6.1f} s")
        print(f"(b) kpi run --period {args.period} --force:                          {b:6.1f} s")
        print(f"ratio (a)/(b): {a / b:.2f}×   (target ≥ 4×; target for (b) < 7 s)")
        cores = os.cpu_count() or 1
        print(
            f"CPU of (b), kernels included: median {median(cpu):.1f} s; on {cores} cores no schedule can end "
            f"before {median(cpu) / cores:.1f} s\n"
        )
        print("Stages of (b), medians (workbooks run in warm kernels, one per core, so they overlap):")
        for name in stages[0]:
            print(f"  {name:<62} {median([s.get(name, 0.0) for s in stages]):6.2f} s")
        print(f"\nBytes per page of {args.period} (what is copied to the intranet):")
        pages = sorted((work / "outputs" / args.period).glob("*.html"))
        for page in pages:
            print(f"  {page.name:<28} {page.stat().st_size:>10,} B")
        print(f"  {'all pages':<28} {sum(p.stat().st_size for p in pages):>10,} B")
        unchanged = [timed([kpi, "run", "--period", args.period], env) for _ in range(5)]
        print(
            f"\nUnchanged rerun (kpi run --period {args.period}, nothing changed; 5 runs): median "
            f"{median(unchanged):.2f} s (target < 2 s)\n"
        )

    if "all" not in skip:
        periods = subprocess.run([kpi, "periods"], env=env, capture_output=True, text=True).stdout.split()
        walls = [timed([kpi, "run", "--all", "--force"], env) for _ in range(max(1, args.repeats // 2))]
        print(
            f"kpi run --all --force ({len(periods)} period ends with params; {len(walls)} run"
            f"{'s' if len(walls) > 1 else ''}): median {median(walls):.1f} s (target < 25 s); CPU "
            f"{median(CPU[-len(walls) :]):.1f} s, so at least {median(CPU[-len(walls) :]) / (os.cpu_count() or 1):.1f} s "
            "on these cores"
        )
        # each period's own stages; periods overlap (the next one's gate beside the kernels), so they add up to more
        totals = [newest_total(work / "outputs", p) for p in periods]
        print(
            "  per period (its own steps, overlapping the next): "
            + ", ".join(f"{p} {t:.1f} s" for p, t in zip(periods, totals))
        )
        again = [timed([kpi, "run", "--all"], env) for _ in range(3)]
        print(f"kpi run --all when nothing changed (3 runs): median {median(again):.2f} s\n")

    if "charts" not in skip:
        print("Charts, one figure at a time (benchmarks/chart_cost.py):", flush=True)
        done = subprocess.run(
            [
                str(BIN / "python"),
                str(ROOT / "benchmarks" / "chart_cost.py"),
                "--repeats",
                "5",
                "--period",
                args.period,
            ],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        print(done.stdout if done.returncode == 0 else f"  chart_cost.py failed:\n{done.stderr[-2000:]}")

    if "scaling" not in skip:
        print("Gate (great-expectations) + KPI computations on synthetic inputs, one fresh process each:")
        print(
            f"  {'factor':>6} {'rows':>9} {'indicators':>10} {'wall':>7} {'read+type':>9} {'GX checks':>9} "
            f"{'compute':>7} {'gate+KPI':>8} {'µs/row':>7} {'peak MiB':>8}"
        )
        for factor in [int(f) for f in args.scales.split(",")]:
            copies, years = SCALES[factor]
            folder = work / f"synthetic-{factor}"
            if factor == 1:
                folder = DATA_RAW
            else:
                from synthetic import make

                make(folder, copies=copies, extra_years=years)
            cmd = [str(BIN / "python"), str(ROOT / "benchmarks" / "scale_worker.py"), str(folder), args.period]
            wall, m = worker(cmd, env)
            print(
                f"  {factor:>5}× {m['rows']:>9,} {m['indicators']:>10,} {wall:>6.1f}s {m['read_and_type']:>8.1f}s "
                f"{m['validate']:>8.1f}s {m['compute']:>6.1f}s {m['gate_and_compute']:>7.1f}s "
                f"{1e6 * m['gate_and_compute'] / m['rows']:>7.1f} {m['peak_mib']:>8}",
                flush=True,
            )
            if folder != DATA_RAW:
                shutil.rmtree(folder, ignore_errors=True)
        print("  (gate+KPI excludes the great-expectations import, the same at every size; target at 1 M rows < 10 s)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
