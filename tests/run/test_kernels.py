"""Warm kernels: a reused kernel gives every page exactly as a kernel of its own would; a spoiled one is replaced.

The first part runs every workbook of 30.6.2022 and 31.12.2022 twice through papermill: each in a fresh kernel
(``reuse=False``), and all of them one after another in one kernel that has already run another workbook, and
compares the HTML pages nbconvert makes of them. The second part runs small workbooks that leave things behind.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import nbformat
import pytest

from kpi.errors import NotebookError
from kpi.inputs.gate import save_result
from kpi.inputs.gate.run import run_gate
from kpi.inputs.processed import write_processed
from kpi.inputs.strategy import load_strategy
from kpi.paths import DATA_RAW, NOTEBOOKS_DIR
from kpi.run.kernels import KernelPool, workbook_imports
from kpi.run.params import load_params
from kpi.run.publish import Report, execute_notebooks, export_html, reports, workbooks

PERIODS = (dt.date(2022, 6, 30), dt.date(2022, 12, 31))
PAGES = [r.name for r in reports(load_strategy(DATA_RAW / "strategia.yaml"))]
pytestmark = pytest.mark.xdist_group("kernels")


def period_params(period: dt.date, folder) -> dict:
    """What `kpi run` hands the workbooks of a period: its parameters, the gate's result and a change list."""
    result = run_gate(DATA_RAW, period)
    assert result.passed
    gate_file = save_result(result, folder / f"gate-{period}.pickle")
    changes = folder / f"changes-{period}.json"
    changes.write_text(
        json.dumps({"version": 1, "previous_version": None, "version_changes": None, "period_changes": []}),
        encoding="utf-8",
    )
    return {**load_params(period), "changes_file": str(changes), "gate_file": str(gate_file)}, result


def pages_of(executed) -> dict[str, str]:
    # the cell ids nbformat gives the injected parameters cell are random: the only part that may differ
    return {nb.name: re.sub(r'id="cell-id=[0-9a-f-]+"', "", export_html(nb.path, title=nb.name)) for nb in executed}


@pytest.fixture(scope="module")
def both_ways(tmp_path_factory):
    """(period, page) → (HTML from a fresh kernel, HTML from a reused kernel), and the reused pool's replacements."""
    folder = tmp_path_factory.mktemp("kernels")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("KPI_PROCESSED_DIR", str(folder / "processed"))  # where the kernels' workbooks read the data
        contexts = {}
        for period in PERIODS:
            params, result = period_params(period, folder)
            write_processed(result.inputs, folder / "processed")
            contexts[period] = (params, reports(result.inputs.strategy))

        def run(pool, period, pages, label):
            params, _ = contexts[period]
            return execute_notebooks(
                params,
                reports=pages,
                data_dir=DATA_RAW,
                workdir=folder / label / period.isoformat(),
                failed_dir=folder / "failed",
                kernels=pool,
            )

        fresh, reused = {}, {}
        with KernelPool(workbooks(NOTEBOOKS_DIR), cwd=NOTEBOOKS_DIR, size=2, reuse=False) as pool:
            for period in PERIODS:
                fresh[period] = pages_of(run(pool, period, contexts[period][1], "fresh"))
        with KernelPool(workbooks(NOTEBOOKS_DIR), cwd=NOTEBOOKS_DIR, size=1) as pool:
            # one kernel for everything; it first runs another workbook, so that every page compared below is
            # made in a kernel that has run at least one workbook before
            last = contexts[PERIODS[-1]][1][-1]
            run(pool, PERIODS[-1], [last], "warm-up")
            pids = set(pool.pids())
            for period in reversed(PERIODS):
                reused[period] = pages_of(run(pool, period, contexts[period][1], "reused"))
            assert set(pool.pids()) == pids, "the kernel was replaced, so nothing was reused"
            replaced = list(pool.replaced)
    return fresh, reused, replaced


@pytest.mark.parametrize("period", PERIODS, ids=str)
@pytest.mark.parametrize("page", PAGES)
def test_a_reused_kernel_makes_the_same_page_as_a_fresh_one(both_ways, period, page):
    fresh, reused, replaced = both_ways
    assert replaced == []
    assert len(fresh[period][page]) > 10_000  # a real page, with its tables and charts
    assert reused[period][page] == fresh[period][page]


def test_the_warm_imports_are_the_workbooks_own():
    modules = workbook_imports(workbooks(NOTEBOOKS_DIR))
    assert "kpi.inputs.processed" in modules
    # `from kpi.present import charts` imports the module that sets the charts' theme: it must be warm
    assert "kpi.present.charts?" in modules
    assert "IPython.display" in modules


# --- kernels a workbook spoils -------------------------------------------------------------------------------------


def notebook(folder, name: str, *cells: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(folder / f"{name}.ipynb"))
    return Report(name, f"{name}.ipynb", name)


@pytest.fixture
def small(tmp_path):
    """A folder of small workbooks and a one-kernel pool over it; returns (run(name), pool)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    made = {
        "leave": notebook(folder, "leave", "import kpi.fi\nleftover = 42\nimport os\nprint(os.getcwd())"),
        "look": notebook(
            folder,
            "look",
            "import os\nprint('leftover' in globals(), os.getcwd())",
        ),
        "patch": notebook(folder, "patch", "import kpi.fi\nkpi.fi.number = lambda *a, **k: 'x'"),
        "fail": notebook(folder, "fail", "raise ValueError('broken on purpose')"),
        "import_new": notebook(folder, "import_new", "import kpi.present.charts"),
    }
    pool = KernelPool(sorted(folder.glob("leave.ipynb")), cwd=folder, size=1)

    def run(name: str) -> str:
        executed = execute_notebooks(
            {},
            reports=[made[name]],
            data_dir=DATA_RAW,
            workdir=tmp_path / "out",
            failed_dir=tmp_path / "failed",
            notebooks_dir=folder,
            kernels=pool,
        )
        nb = nbformat.read(str(executed[0].path), as_version=4)
        counts = " ".join(str(c.execution_count) for c in nb.cells)
        return "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", [])) + counts

    with pool:
        yield run, pool, folder


def test_a_clean_kernel_is_reused_with_an_empty_namespace_counting_from_one(small):
    run, pool, folder = small
    run("leave")
    pids = pool.pids()
    printed = run("look")
    assert pool.pids() == pids and pool.replaced == []
    leftover, cwd, count = printed.split()
    assert leftover == "False"
    assert cwd == str(folder.resolve())
    assert count == "1"  # the workbook's cell counts from 1, as in a kernel of its own (errors name cells so)


@pytest.mark.parametrize(
    ("spoiler", "reason"),
    [
        ("patch", "kpi.fi.number was changed"),
        ("fail", "its workbook failed"),
        ("import_new", "the workbook imported kpi."),
    ],
)
def test_a_spoiled_kernel_is_replaced(small, spoiler, reason):
    run, pool, _ = small
    run("leave")
    pids = pool.pids()
    if spoiler == "fail":
        with pytest.raises(NotebookError, match="broken on purpose"):
            run(spoiler)
    else:
        run(spoiler)
    assert pool.replaced and pool.replaced[0].startswith(reason)
    assert run("look").split()[0] == "False"  # the next workbook runs, in a new kernel
    assert pool.pids() and pool.pids() != pids
