"""The `kpi` command: arguments in, one call into kpi.run, errors out as one message and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kpi import fi, interrupts
from kpi.errors import Interrupted, KpiError, UsageError
from kpi.paths import DATA_PROCESSED, DATA_RAW, NOTEBOOKS_DIR, OUTPUTS_DIR, PARAMS_DIR, QUALITY_REPORTS_DIR, display
from kpi.run.lock import run_lock
from kpi.run.params import load_params
from kpi.run.periods import check_in_programme, latest_period, parse_period, periods_with_params
from kpi.run.progress import Progress
from kpi.run.versions import list_versions, unchanged, versions_dir

if TYPE_CHECKING:
    from kpi.inputs.gate import GateResult
    from kpi.run.kernels import KernelPool
    from kpi.run.runner import PeriodResult

# pandas, great-expectations, papermill and the exporters are imported only by the commands that use them, so
# an unchanged rerun (`kpi run` when nothing changed) answers in about a second.

EXIT_CODES = """exit codes:
  0  ok
  1  anything else (a bug: please report it with the message)
  2  bad arguments or parameters
  3  the data-quality checks failed (nothing was written)
  4  a notebook failed
  5  kpi pdf / run --pdf: Chromium is missing or could not print (nothing was written)
  130, 143  interrupted by Ctrl-C or SIGTERM (nothing half-made is kept)
  141  the output was closed early (kpi checks | head): stopped quietly"""


class _Parser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of exiting, so every usage mistake gets exit code 2 and one message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n(see: {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of `kpi` (exposed for the tests and for --help)."""
    parser = _Parser(
        prog="kpi",
        description="Kemijärvi strategy follow-up: check the inputs and build the "
        "reports of a reporting period (30.6. or 31.12.).",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def period_args(p: argparse.ArgumentParser, *, allow_all: bool) -> None:
        which = p.add_mutually_exclusive_group(required=True)
        which.add_argument("--period", metavar="YYYY-MM-DD", help="period end: YYYY-06-30 or YYYY-12-31")
        which.add_argument("--latest", action="store_true", help="the newest period that has a params file")
        if allow_all:
            which.add_argument("--all", action="store_true", help="every period that has a params file")
        p.add_argument(
            "--data-dir",
            type=Path,
            default=DATA_RAW,
            metavar="DIR",
            help=f"folder of the input files (default: {display(DATA_RAW)})",
        )

    v = sub.add_parser(
        "validate",
        help="check the strategy and the data for a period; prints every problem",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    period_args(v, allow_all=False)

    r = sub.add_parser(
        "run",
        help="check the data, then build the period's outputs",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    period_args(r, allow_all=True)
    r.add_argument("--params", type=Path, metavar="FILE", help="a YAML file applied after params/<period>.yaml")
    r.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override one parameter, e.g. --set report.commentary='…' (repeatable; applied last)",
    )
    r.add_argument(
        "--force",
        action="store_true",
        help="run even when inputs, parameters and code equal the newest version's (which is otherwise kept)",
    )
    r.add_argument("--pdf", action="store_true", help="then print the published reports to A4 PDF, as `kpi pdf` does")

    vs = sub.add_parser("versions", help="list the kept versions of a period: number, state, time, what changed")
    vs.add_argument("--period", metavar="YYYY-MM-DD", required=True, help="period end: YYYY-06-30 or YYYY-12-31")
    f = sub.add_parser("final", help="mark a version of a period final and publish it as outputs/<period>/")
    f.add_argument("--period", metavar="YYYY-MM-DD", required=True, help="period end: YYYY-06-30 or YYYY-12-31")
    f.add_argument("--version", type=int, metavar="N", help="which version (default: the newest)")

    im = sub.add_parser(
        "import",
        help="read official statistics files (PxWeb CSV, json-stat2, Sotkanet …), check them and merge them into "
        "vertailu.csv of the data folder",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    im.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files to import (a classification file too)")
    im.add_argument("--data-dir", type=Path, default=DATA_RAW, metavar="DIR", help=f"(default: {display(DATA_RAW)})")
    im.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    im.add_argument(
        "--only-comparison",
        action="store_true",
        help="keep only the rows of comparison.municipality, comparison.peers and the whole country (a national "
        "monthly series is large)",
    )
    fe = sub.add_parser(
        "fetch",
        help="download the configured tables for the municipality and its peers (StatFin, Sotkanet) into "
        "<data dir>/avoin/, then import them",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fe.add_argument("--data-dir", type=Path, default=DATA_RAW, metavar="DIR", help=f"(default: {display(DATA_RAW)})")
    fe.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="overrides",
        help="override a parameter, e.g. --set comparison.fetch.statfin_url=http://127.0.0.1:8000 (repeatable)",
    )

    pd = sub.add_parser(
        "pdf",
        help="print a period's published reports to A4 PDF files in outputs/<period>/ with headless Chromium "
        "(the path in KPI_CHROMIUM, else chromium on the PATH)",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which_pdf = pd.add_mutually_exclusive_group(required=True)
    which_pdf.add_argument("--period", metavar="YYYY-MM-DD", help="period end: YYYY-06-30 or YYYY-12-31")
    which_pdf.add_argument("--latest", action="store_true", help="the newest period that has a params file")

    sub.add_parser("periods", help="list the periods that have a params file")
    sub.add_parser("checks", help="list every data-quality check: id, default severity, file, column, what it expects")
    return parser


def _periods(args: argparse.Namespace) -> list:
    """The periods of `kpi run` / `kpi validate`, each within the programme of the data's strategy."""
    if getattr(args, "all", False):
        found = periods_with_params(PARAMS_DIR)
        if not found:
            raise UsageError(f"no period params in {display(PARAMS_DIR)}")
    elif args.latest:
        found = [latest_period(PARAMS_DIR)]
    else:
        found = [parse_period(args.period)]
    # a period whose year has no targets stops here (exit 3), before a quality page, a lock or a version is made
    check_in_programme(found, args.data_dir, latest_in=PARAMS_DIR if args.latest else None)
    return found


def _coverage_line(result: PeriodResult) -> str:
    c = result.coverage
    return (
        f"{fi.date(result.period_end)} ({result.label}): {c['indicators']} indicators, {c['values']} with a value "
        f"({c['example_values']} of them example values), {c['no_data']} marked as no data; "
        # the Finnish states as the data writes them, each before its count ("0 ei aloitettu" reads wrongly)
        f"{c['milestones']} milestones (valmis {c['milestones_valmis']}, käynnissä {c['milestones_käynnissä']}, "
        f"ei aloitettu {c['milestones_ei aloitettu']})"
    )


def run_period(*args, **kwargs):
    """:func:`kpi.run.runner.run_period`, imported on first use (it brings pandas and the notebook machinery)."""
    from kpi.run.runner import run_period as run

    return run(*args, **kwargs)


def _skipped(period, number: int, folder: Path) -> None:
    print(
        f"{period.isoformat()}: nothing changed since version {number} (same input files, parameters and code); "
        f"no new version made. `kpi run --period {period.isoformat()} --force` reruns it anyway."
    )
    print(f"Reports: {display(folder)}/")


def _run_summary(result: PeriodResult) -> None:
    period = result.period_end.isoformat()
    if result.skipped:  # a skipped run names the version it matched and its folder
        _skipped(result.period_end, cast(int, result.version), cast(Path, result.report_dir))
        return
    print(f"Ran {_coverage_line(result)}")
    changes = result.version_changes
    if changes is None:
        print(f"Version {result.version} (the first of this period)")
    else:
        moved = changes[changes.kind.isin(["tavoite", "mittari", "indikaattori"])]
        print(
            f"Version {result.version}: {len(changes)} change{'' if len(changes) == 1 else 's'} since the previous "
            f"version, {len(moved)} of them status{'' if len(moved) == 1 else 'es'}"
        )
        # on the terminal the causes first (parameters, commentary, files), then what they moved
        order = ["parametri", "kommentti", "syötetiedosto", "tavoite", "mittari", "indikaattori", "arvo"]
        changes = changes.sort_values("kind", key=lambda k: k.map(order.index), kind="stable")
        for text in changes.text[:12]:
            print(f"  {text}")
        if len(changes) > 12:
            from kpi.run.publish import summary_page

            print(f"  … and {len(changes) - 12} more ({summary_page(result.reports)}.html, the Excel sheet Muutokset)")
    if result.final_version:
        print(
            f"Version {result.final_version} is final, so this run is a draft beside it: "
            f"{display(cast(Path, result.report_dir))}/"
        )
    else:
        print(
            f"Reports: {display(cast(Path, result.report_dir))}/ ({', '.join(f'{r.name}.html' for r in result.reports)}, "
            f"arviointikertomus_{period}.xlsx, havainnot_{period}.docx)"
        )


def _list_versions(period) -> int:
    found = list_versions(OUTPUTS_DIR, period)
    if not found:
        print(f"{period.isoformat()}: no versions yet")
        return 0
    print(f"{'version':<8} {'state':<10} {'made':<17} {'changes':>7}  parameters set on the command line")
    for v in found:
        made = dt.datetime.fromisoformat(v.manifest["finished"])
        changes_file = v.path / "muutokset.json"
        listed = (
            json.loads(changes_file.read_text(encoding="utf-8")).get("version_changes")
            if changes_file.exists()
            else None
        )
        print(
            f"{v.number:<8} {'final' if v.final else 'draft':<10} {fi.timestamp(made):<19}  "
            f"{'–' if listed is None else len(listed):>7}  {', '.join(v.manifest.get('overrides', [])) or '–'}"
        )
    print(f"Kept in {display(versions_dir(OUTPUTS_DIR, period))}/")
    return 0


def _fetch(args: argparse.Namespace, progress: Progress) -> int:
    """Download the configured tables (the newest period's parameters with --set), then import what came."""
    from kpi.run.fetch import FetchSettings, fetch
    from kpi.run.importing import import_files

    params = load_params(latest_period(PARAMS_DIR), params_dir=PARAMS_DIR, overrides=args.overrides)
    settings = FetchSettings.from_params(params)
    saved = fetch(settings, settings.codes(), args.data_dir, progress=progress)
    if not saved:
        print("Nothing to fetch: comparison.fetch lists no tables.")
        return 0
    # a Sotkanet region list maps region ids to municipality codes for the data beside it; it is no data itself
    _, _, text = import_files([p for p in saved if "regions" not in p.name], args.data_dir)
    print(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see ``kpi --help``).

    Output closed early (``kpi checks | head -5``) ends the command quietly with 141, as a tool ended by SIGPIPE.
    """
    try:
        try:
            return _main(argv)
        finally:
            sys.stdout.flush()  # a closed pipe shows here, inside main, rather than at exit as a traceback
    except BrokenPipeError:
        try:  # Python flushes stdout again at exit: point it at /dev/null so that nothing more is said
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # no file descriptor (a test's captured output)
            pass
        return 141  # 128 + SIGPIPE


def _main(argv: Sequence[str] | None) -> int:
    """The command line itself (main adds the quiet end of a closed output)."""
    restore = interrupts.install()
    progress = Progress()
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            build_parser().print_help()
            return 2
        if args.command == "periods":
            for period in periods_with_params(PARAMS_DIR):
                print(period.isoformat())
            return 0
        if args.command == "checks":
            from kpi.inputs.suites import all_checks

            for check in all_checks():
                column = f", column '{check.column}'" if check.column else ""
                print(f"{check.id:<48} {check.severity:<5} {check.file}{column}: {check.expected}")
            return 0
        if args.command == "versions":
            return _list_versions(parse_period(args.period))
        if args.command == "final":
            from kpi.run.runner import mark_final

            period = parse_period(args.period)  # a bad argument is refused before the lock makes outputs/
            with run_lock(OUTPUTS_DIR):
                version = mark_final(period, number=args.version, params_dir=PARAMS_DIR, outputs_dir=OUTPUTS_DIR)
            print(
                f"{args.period}: version {version.number} marked final and published as "
                f"{display(OUTPUTS_DIR / args.period)}/; a later run makes a new draft beside it"
            )
            return 0
        if args.command == "pdf":
            from kpi.run.pdf import find_chromium, published

            # a bad argument, a period not run or no Chromium: refused before the lock
            period = latest_period(PARAMS_DIR) if args.latest else parse_period(args.period)
            published(period, OUTPUTS_DIR)
            find_chromium()
            with run_lock(OUTPUTS_DIR):
                _pdf(period, progress)
            return 0
        if not args.data_dir.is_dir():
            raise UsageError(f"--data-dir {args.data_dir}: no such folder")
        if args.command == "import":
            from kpi.run.importing import import_files

            only = None
            if args.only_comparison:
                from kpi.run.fetch import FetchSettings

                params = load_params(latest_period(PARAMS_DIR), params_dir=PARAMS_DIR)
                only = set(FetchSettings.from_params(params).codes())
            _, _, text = import_files(args.paths, args.data_dir, dry_run=args.dry_run, only=only)
            print(text)
            return 0
        if args.command == "fetch":
            return _fetch(args, progress)
        if args.command == "run":
            periods = _periods(args)  # bad arguments are refused before the lock makes outputs/
            if args.pdf:
                from kpi.run.pdf import find_chromium

                find_chromium()  # a missing Chromium is said before the run, not after it
            with run_lock(OUTPUTS_DIR):
                _run(args, periods, progress)
            return 0
        from kpi.run.runner import validate_period

        for period in _periods(args):
            result = validate_period(period, data_dir=args.data_dir, reports_dir=QUALITY_REPORTS_DIR, progress=progress)
            print(cast("GateResult", result.gate).summary_text())  # set: the gate ran
            print(f"Data OK for {_coverage_line(result)}")
            print(f"Quality report: {display(result.quality_page)}")
        return 0
    except BrokenPipeError:
        raise  # the reader of the output is gone: main ends quietly
    except KpiError as exc:
        print(f"kpi: {exc}", file=sys.stderr)
        report = getattr(exc, "report_path", None)
        if report is not None:
            print(f"Quality report: {display(report)} (nothing else was written)", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        signum = exc.signum if isinstance(exc, Interrupted) else 2
        print(f"kpi: {_interrupted_text(signum, progress)}", file=sys.stderr)
        return 128 + signum
    except OSError as exc:
        # a full disk or a folder that may not be written: the runs swap their results in whole, so what was
        # published before stays as it was
        where = f"{display(Path(exc.filename))}: " if exc.filename else ""
        print(
            f"kpi: {where}{exc.strerror or exc}. Nothing half-made was kept; what was published before is as it "
            f"was. Free some space or make {display(OUTPUTS_DIR)}/ writable, then run again.",
            file=sys.stderr,
        )
        return 1
    finally:
        restore()


def _interrupted_text(signum: int, progress: Progress) -> str:
    """One line: which signal, during which step, and what the command had finished and kept."""
    import signal

    name = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}.get(signal.Signals(signum), signal.Signals(signum).name)
    during = f" during '{progress.failed_step}'" if progress.failed_step else ""
    kept = "; ".join(progress.kept) if progress.kept else "nothing"
    return (
        f"interrupted ({name}){during}. Kept: {kept}. Nothing half-made was kept: no temporary folder, no "
        "partly written period, no running workbook is left."
    )


def _pdf(period, progress: Progress) -> None:
    """`kpi pdf` and `kpi run --pdf`: print the published reports of a period and list the PDFs."""
    from kpi.run.pdf import print_period

    printed = print_period(period, outputs_dir=OUTPUTS_DIR, progress=progress)
    version = f", {printed.version}" if printed.version else ""
    print(f"PDF (A4) of {fi.date(period)} ({fi.period_label(period)}){version}: {display(printed.folder)}/")
    for report in printed.reports:
        print(f"  {report.path.name:<28} {report.pages:>3} pages  {report.title}")


def _run(args: argparse.Namespace, periods: list, progress: Progress) -> None:
    """`kpi run`: each period of the command in turn (the caller holds the lock).

    The periods share one pool of warm kernels: started by the first period that runs (while its gate runs),
    kept warm for the next ones, shut down at the end.
    """
    from kpi.run.kernels import KernelPool  # light: nothing is started, nor papermill imported, until a period runs

    pool = KernelPool(sorted(NOTEBOOKS_DIR.glob("*.ipynb")), cwd=NOTEBOOKS_DIR)  # publish.workbooks, unimported
    try:
        _run_periods(args, periods, progress, pool)
    finally:
        pool.close()


def _run_periods(args: argparse.Namespace, periods: list, progress: Progress, pool: KernelPool) -> None:
    """Run the periods; several (``--all``) overlap: the next period's gate runs while the kernels work.

    A period starts when the one before it has handed its workbooks to the kernels, and at most two run at a
    time; results are reported in period order. On a failure the periods already running end first (each keeps
    or drops its own version whole) and no later period starts; an interrupt stops the kernels at once.
    """
    if len(periods) == 1:
        period = periods[0]
        same = _unchanged(args, period)
        if same:
            _skipped(period, same.number, OUTPUTS_DIR / period.isoformat())
            index = OUTPUTS_DIR / "index.html"
        else:
            result = _run_one(args, period, progress, pool, None)
            _run_summary(result)
            index = cast(Path, result.index)
        if args.pdf:
            _pdf(period, progress)
        print(f"Index of all periods: {display(index)}")
        return
    import threading
    from concurrent.futures import Future, ThreadPoolExecutor

    running: list[tuple[dt.date, Future]] = []
    ran = [False]  # whether any period ran (then the index is written once more at the end)

    def report_oldest() -> None:
        period, future = running[0]
        _run_summary(future.result())
        running.pop(0)
        if args.pdf:
            _pdf(period, progress)

    threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="kpi-period")
    try:
        for period in periods:
            same = _unchanged(args, period)
            if same:
                while running:  # the lines stay in period order
                    report_oldest()
                _skipped(period, same.number, OUTPUTS_DIR / period.isoformat())
                if args.pdf:
                    _pdf(period, progress)
                continue
            while len(running) >= 2:  # two in flight: the older one ends before a third starts
                report_oldest()
            ran[0] = True
            handed = threading.Event()
            future = threads.submit(_run_one, args, period, progress.child(fi.date(period)), pool, handed.set)
            running.append((period, future))
            while not handed.wait(0.1) and not future.done():  # its gate first; then the next period may start
                pass
            if future.done():  # it ended before its workbooks (a failed gate): said now, before any later period
                while running:
                    report_oldest()
        while running:
            report_oldest()
    except BaseException as exc:
        if not isinstance(exc, KpiError):  # an interrupt: stop the workbooks now
            from kpi.run.publish import stop_kernels

            stop_kernels()
            pool.close()
        for _, other in running:  # what runs ends first: each period keeps or drops its version whole
            with contextlib.suppress(BaseException):
                other.result()
        raise
    finally:
        threads.shutdown(wait=True)
    index = OUTPUTS_DIR / "index.html"
    if ran[0]:  # periods that ended side by side each wrote the index; written once more, it surely lists them all
        from kpi.run.publish import write_index

        index = write_index(OUTPUTS_DIR)
    print(f"Index of all periods: {display(index)}")


def _unchanged(args: argparse.Namespace, period: dt.date):
    """The newest version of the period when nothing changed since it (and no --force), else None."""
    if args.force:
        return None
    return unchanged(
        period,
        load_params(period, params_dir=PARAMS_DIR, extra_file=args.params, overrides=args.overrides),
        data_dir=args.data_dir,
        outputs_dir=OUTPUTS_DIR,
        notebooks_dir=NOTEBOOKS_DIR,
    )


def _run_one(
    args: argparse.Namespace, period: dt.date, progress: Progress, pool: KernelPool, handed: Any
) -> PeriodResult:
    """One period of `kpi run`, in the pool's kernels; `handed` is called when its workbooks go to the kernels."""
    return run_period(
        period,
        data_dir=args.data_dir,
        params_file=args.params,
        overrides=args.overrides,
        force=args.force,
        processed_dir=DATA_PROCESSED,
        reports_dir=QUALITY_REPORTS_DIR,
        outputs_dir=OUTPUTS_DIR,
        notebooks_dir=NOTEBOOKS_DIR,
        progress=progress,
        kernels=pool,
        on_workbooks=handed,
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
