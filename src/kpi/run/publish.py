"""Executing the workbooks with papermill, exporting offline HTML with nbconvert, and publishing a period atomically."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.errors import NotebookError
from kpi.files import replace_folder, staging_folder, write_atomically
from kpi.paths import NOTEBOOKS_DIR, PROJECT_ROOT, display
from kpi.present.pages import IndexPeriod, decorate, index_page, navigation
from kpi.run.kernels import KERNEL_NAME, KernelPool

QUALITY_REPORT = "00_tietojen_laatu"
PILLAR_NOTEBOOK = "pilari.ipynb"
SUMMARY_NOTEBOOK = "04_seuranta.ipynb"
COMPARISON_NOTEBOOK = "05_vertailu.ipynb"


@dataclass(frozen=True)
class Report:
    """One page of a period: the executed notebook's and the HTML page's name, its workbook, title and parameters."""

    name: str  # page name: 00_tietojen_laatu.html, notebooks/00_tietojen_laatu.ipynb in the run
    notebook: str  # the workbook in notebooks/ it is executed from
    title: str  # Finnish title in the navigation and the index
    parameters: dict[str, Any] = field(default_factory=dict, hash=False)  # papermill parameters of this page

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "notebook": self.notebook, "title": self.title, "parameters": self.parameters}


def reports(strategy: Any) -> list[Report]:
    """The pages of a period in reading order, derived from the strategy's pillars.

    ``00_tietojen_laatu``, then ``01_<pillar id>`` … one page per pillar (the workbook ``pilari.ipynb`` with the
    pillar as a parameter), then the consolidated ``<NN>_seuranta`` with NN = number of pillars + 1, and last the
    comparison with peer municipalities ``<NN + 1>_vertailu``.
    """
    pillars = list(strategy.pillars)
    return [
        Report(QUALITY_REPORT, f"{QUALITY_REPORT}.ipynb", "Tietojen laatu"),
        *(Report(f"{n:02d}_{p.id}", PILLAR_NOTEBOOK, p.name, {"pillar": p.id}) for n, p in enumerate(pillars, 1)),
        Report(f"{len(pillars) + 1:02d}_seuranta", SUMMARY_NOTEBOOK, "Seuranta"),
        Report(f"{len(pillars) + 2:02d}_vertailu", COMPARISON_NOTEBOOK, "Vertailu"),
    ]


#: The pages of a version whose manifest.json predates the list of reports in it (the three pillars then).
LEGACY_REPORTS = (
    Report(QUALITY_REPORT, f"{QUALITY_REPORT}.ipynb", "Tietojen laatu"),
    *(
        Report(f"{n:02d}_{pid}", PILLAR_NOTEBOOK, title, {"pillar": pid})
        for n, (pid, title) in enumerate(
            [("hyvinvointi", "Hyvinvointi"), ("elinvoima", "Elinvoima"), ("identiteetti", "Identiteetti")], 1
        )
    ),
    Report("04_seuranta", SUMMARY_NOTEBOOK, "Seuranta"),
)


def manifest_reports(manifest: dict[str, Any]) -> list[Report]:
    """The pages of a kept version, as its manifest.json lists them (the old fixed list for an older manifest)."""
    if "reports" not in manifest:
        return list(LEGACY_REPORTS)
    return [Report(r["name"], r["notebook"], r["title"], dict(r.get("parameters", {}))) for r in manifest["reports"]]


TEMPLATES = Path(__file__).resolve().parents[1] / "present" / "templates"
FAILED_DIR_NAME = "epaonnistuneet"
VERSIONS_LINK = "versiot"  # kpi.run.versions.VERSIONS_DIR_NAME, as a link from outputs/index.html


@dataclass(frozen=True)
class ExecutedNotebook:
    name: str
    path: Path
    seconds: float


def notebook_parameters(notebook: Path, params: dict[str, Any], data_dir: Path) -> dict[str, Any]:
    """The parameters a workbook declares, taken from the merged run parameters (dates as text, paths absolute)."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    values = {**json.loads(json.dumps(params, default=str)), "data_dir": str(Path(data_dir).resolve())}
    return {k: v for k, v in values.items() if k in declared}


def execute_notebooks(
    params: dict[str, Any],
    *,
    reports: list[Report],
    data_dir: Path,
    workdir: Path,
    failed_dir: Path,
    on_done: Callable[[ExecutedNotebook], None] | None = None,
    notebooks_dir: Path = NOTEBOOKS_DIR,
    kernels: KernelPool | None = None,
) -> list[ExecutedNotebook]:
    """Run the workbooks of a period with papermill, in parallel in warm kernels, one per core.

    Parameters
    ----------
    params : dict
        The merged run parameters.
    reports : list of Report
        The pages to make (:func:`reports` of the strategy): each report's workbook is executed as
        ``<workdir>/<name>.ipynb`` with the run parameters it declares plus the report's own parameters.
    data_dir : Path
        The input folder the workbooks read.
    workdir : Path
        Where the executed notebooks are written.
    failed_dir : Path
        Where a failing notebook is kept for the analyst to open.
    on_done : callable, optional
        Called with each finished notebook (progress lines).
    notebooks_dir : Path
        Where the workbooks are (the repository's ``notebooks/``; tests run altered copies).
    kernels : KernelPool, optional
        Warm kernels started earlier (while the gate ran, or for an earlier period); without one, a pool is
        started here and shut down at the end.

    Raises
    ------
    NotebookError
        Naming the notebook, the cell and the exception, and where the executed notebook is kept.
    """
    from kpi.inputs.gate.validator import skip_iri_grammar

    skip_iri_grammar()
    import papermill

    # papermill logs a dead kernel's last words ("Kernel died while waiting for execute reply") on stderr; what
    # went wrong reaches the analyst once, as the run's own message (NotebookError, an interrupt)
    logging.getLogger("papermill").setLevel(logging.CRITICAL)
    workdir.mkdir(parents=True, exist_ok=True)
    own = kernels is None
    pool = kernels or KernelPool(
        workbooks(notebooks_dir), cwd=notebooks_dir, size=min(len(reports), os.cpu_count() or 1)
    )
    if pool.cwd != Path(notebooks_dir).resolve():
        raise ValueError(f"the kernels run in {pool.cwd}, the workbooks are in {notebooks_dir}")

    def run(report: Report) -> ExecutedNotebook:
        name = report.name
        source = notebooks_dir / report.notebook
        target = workdir / f"{name}.ipynb"
        which = report.notebook if report.notebook == f"{name}.ipynb" else f"{report.notebook} (page {name})"
        parameters = {**notebook_parameters(source, params, data_dir), **report.parameters}
        with pool.kernel() as kernel:
            begin = time.perf_counter()
            try:
                # no cwd= here: papermill would change the working folder of this whole process (other threads
                # included) for a kernel that already runs in the notebooks' folder
                papermill.execute_notebook(
                    str(source),
                    str(target),
                    parameters=parameters,
                    progress_bar=False,
                    log_output=False,
                    kernel_name=KERNEL_NAME,
                    km=kernel.manager,
                )
            except papermill.PapermillExecutionError as exc:
                failed_dir.mkdir(parents=True, exist_ok=True)
                kept = failed_dir / f"{name}.ipynb"
                shutil.copyfile(target, kept)
                raise NotebookError(
                    f"notebook {which} failed in cell {exc.exec_count or exc.cell_index} "
                    f"({exc.ename}: {exc.evalue}); the executed notebook is kept at {display(kept)}; "
                    "nothing was published"
                ) from None
            except (RuntimeError, TimeoutError) as exc:  # nbclient's DeadKernelError is a RuntimeError
                raise NotebookError(
                    f"notebook {which}: its kernel stopped ({exc.__class__.__name__}: {exc}); nothing was published"
                ) from exc
            done = ExecutedNotebook(name, target, time.perf_counter() - begin)
        if on_done:
            on_done(done)
        return done

    # a thread per page, not per kernel: a thread that exports its page to HTML (on_done) has given its kernel
    # back already, and the next workbook should not wait for the export
    workers = max(1, len(reports))
    threads = ThreadPoolExecutor(max_workers=workers)
    try:
        pool.start()
        futures = [threads.submit(run, r) for r in reports]
        results, errors = [], []
        for future in futures:
            try:
                results.append(future.result())
            except Exception as exc:  # every workbook ends before one error is raised
                errors.append(exc)
    except BaseException:
        # Ctrl-C or SIGTERM: the kernels would run on to the end of their workbooks; stop them so that the
        # worker threads end at once and no kernel process outlives the run
        stop_kernels()
        threads.shutdown(wait=True, cancel_futures=True)
        pool.close()
        raise
    finally:
        if own:
            threads.shutdown(wait=True)
            pool.close()
    threads.shutdown(wait=True)
    # a failing workbook is what the analyst must see first (exit 4 names it); an error in the HTML export of
    # another workbook that ended earlier must not hide it
    if errors:
        raise next((e for e in errors if isinstance(e, NotebookError)), errors[0])
    return results


def workbooks(notebooks_dir: Path) -> list[Path]:
    """Every workbook of a notebooks folder (what a kernel pool imports for)."""
    return sorted(Path(notebooks_dir).glob("*.ipynb"))


def stop_kernels(grace: float = 3.0) -> list[int]:
    """End every child process of this process (the workbooks' kernels): politely first, then by force.

    Returns
    -------
    list of int
        The pids that were running.
    """
    import psutil

    children = psutil.Process().children(recursive=True)
    for child in children:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.terminate()
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    psutil.wait_procs(alive, timeout=grace)
    return [c.pid for c in children]


def export_html(executed: Path, *, title: str) -> str:
    """An executed notebook as one self-contained HTML page: no code cells, no prompts, nothing from the network."""
    from kpi.inputs.gate.validator import skip_iri_grammar

    skip_iri_grammar()
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="kpi_offline",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        # the "¶" heading links read as a bare pilcrow to a screen reader
        exclude_anchor_links=True,
    )
    exporter.language_code = "fi"
    nb = nbformat.read(str(executed), as_version=4)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def relabel(folder: Path, period_end: dt.date, periods: list[dt.date], *, root: str, version: str) -> None:
    """Rewrite the navigation of every report in `folder` (after a move or a change of final version).

    The pages are those its ``manifest.json`` lists (:func:`manifest_reports`).
    """
    manifest = folder / "manifest.json"
    titles = {
        r.name: r.title
        for r in manifest_reports(json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {})
    }
    for name in titles:
        path = folder / f"{name}.html"
        page = decorate(
            path.read_text(encoding="utf-8"),
            nav=navigation(period_end, name, periods, titles=titles, root=root, version=version),
        )
        path.write_text(page, encoding="utf-8")


def git_commit() -> str | None:
    """The project's commit, with "-dirty" when the working tree has changes; None outside a git checkout."""
    try:
        out = subprocess.run(
            ["git", "describe", "--always", "--dirty", "--abbrev=12"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def publish(version_dir: Path, target: Path, *, period_end: dt.date, periods: list[dt.date], version: str) -> None:
    """Publish a kept version as ``outputs/<period>/``: copied to a hidden folder, relabelled, then renamed in.

    The folder it replaces is a copy of an earlier version (kept under ``versiot/``), so it is removed;
    both renames stay within one file system, so a reader sees either the old or the new folder whole.
    """
    staging = staging_folder(target.parent, f".publish-{target.name}-")
    try:
        shutil.copytree(version_dir, staging, dirs_exist_ok=True)
        relabel(staging, period_end, periods, root="../", version=version)
        replace_folder(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def make_staging(outputs_dir: Path, period_end: dt.date) -> Path:
    """A fresh hidden folder beside the published ones, on the same file system so the swap is a rename."""
    return staging_folder(outputs_dir, f".staging-{period_end.isoformat()}-")


def summary_page(pages: Sequence[Report]) -> str:
    """The consolidated follow-up among a version's pages (the last page in versions made before 05_vertailu)."""
    return next((r.name for r in pages if r.notebook == SUMMARY_NOTEBOOK), pages[-1].name)


def write_index(outputs_dir: Path) -> Path:
    """Regenerate ``outputs/index.html``: the goals × periods status matrix (from each period's ``manifest.json``:
    ``results.goals`` and ``goal_names``), then every published period with its reports, version, goal statuses and
    run time.

    A period marked final shows its final version; a newer draft run after that is linked beside it. The title is
    the newest period's report title (``report.title``), the pillars those of its pillar pages.
    """
    from kpi.run.versions import final_marked_at, list_versions

    periods = []
    title, pillars = "Toimenpideohjelman seuranta", []
    goal_names: dict[str, str] = {}  # the matrix's rows: the newest period's goals, then any only older ones had
    for n, manifest_path in enumerate(sorted(outputs_dir.glob("20??-??-??/manifest.json"), reverse=True)):
        m = json.loads(manifest_path.read_text(encoding="utf-8"))
        p = dt.date.fromisoformat(m["period_end"])
        pages = manifest_reports(m)
        if n == 0:
            title = m.get("params", {}).get("report", {}).get("title") or title
            pillars = [r.title for r in pages if "pillar" in r.parameters]
        goals = {gid: r.get("status", "") for gid, r in m.get("results", {}).get("goals", {}).items()}
        for gid in goals:  # the newest name a manifest has; one written before goal_names has none
            if not goal_names.get(gid):
                goal_names[gid] = m.get("goal_names", {}).get(gid, "")
        versions = list_versions(outputs_dir, p)
        final = next((v for v in versions if v.final), None)
        newer = [v for v in versions if m.get("version") and v.number > m["version"]]
        periods.append(
            IndexPeriod(
                period_end=p,
                pages=[(f"{p.isoformat()}/{r.name}.html", r.title) for r in pages],
                finished=dt.datetime.fromisoformat(m["finished"]),
                goal_statuses=m.get("goal_statuses", {}),
                example_values=bool(m.get("example_values")),
                goals=goals,
                summary_href=f"{p.isoformat()}/{summary_page(pages)}.html",
                version=m.get("version"),
                final_marked=final_marked_at(outputs_dir, p) if final and final.number == m.get("version") else None,
                newer_draft=(
                    f"{VERSIONS_LINK}/{p.isoformat()}/{newer[-1].number:03d}/"
                    f"{summary_page(manifest_reports(newer[-1].manifest))}.html",
                    newer[-1].number,
                    dt.datetime.fromisoformat(newer[-1].manifest["finished"]),
                )
                if newer
                else None,
            )
        )
    page = index_page(periods, title=title, pillars=pillars, now=dt.datetime.now(), goal_names=goal_names)
    return write_atomically(outputs_dir / "index.html", page)
