"""Inside a warm workbook kernel: the heavy imports done once, then a clean namespace for each workbook.

:mod:`kpi.run.kernels` runs these functions in the kernel (never in the ``kpi`` process). A workbook must not see
what an earlier one left behind, so before each workbook :func:`fresh` clears the IPython namespace, closes
figures, restores matplotlib's settings and the working folder, and reports whether the earlier workbook changed
anything a namespace reset cannot undo (a module's attributes, pandas options, ``sys.path``, a source file of
``kpi`` edited since it was imported); such a kernel is replaced instead of reused.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from typing import Any

_snapshot: dict[str, Any] = {}


def _kpi_modules() -> dict[str, Any]:
    return {name: module for name, module in sys.modules.items() if name.split(".")[0] == "kpi" and module}


def _attributes(module: Any) -> dict[str, int]:
    # identities, not values: a workbook that rebinds charts.WIDTH or patches a function is seen, and comparing
    # identities costs nothing even for modules holding large objects
    return {name: id(value) for name, value in vars(module).items()}


def _source_times(modules: dict[str, Any]) -> dict[str, int]:
    times = {}
    for name, module in modules.items():
        path = getattr(module, "__file__", None)
        if path:
            try:
                times[name] = os.stat(path).st_mtime_ns
            except OSError:
                times[name] = -1
    return times


def _options_text() -> str:
    import pandas as pd

    # every registered option and its value; describe_option prints, so the keys are read from the registry
    keys = sorted(pd._config.config._registered_options)
    return repr([(key, repr(pd.get_option(key))) for key in keys])


def warm(modules: list[str]) -> None:
    """Import the workbooks' modules (pandas, matplotlib, seaborn, kpi …) and remember the state to return to."""
    for name in modules:
        if name.endswith("?"):  # `from package import name`: a submodule or just a name in the package
            try:
                importlib.import_module(name[:-1])
            except ModuleNotFoundError:
                pass
        else:
            importlib.import_module(name)
    import matplotlib

    loaded = _kpi_modules()
    _snapshot.update(
        rc=dict(matplotlib.rcParams),
        modules={name: _attributes(module) for name, module in loaded.items()},
        sources=_source_times(loaded),
        options=_options_text(),
        path=list(sys.path),
        env=dict(os.environ),
    )


def spoiled() -> str:
    """What an executed workbook changed that a namespace reset cannot undo; "" when nothing."""
    for name, before in _snapshot["modules"].items():
        module = sys.modules.get(name)
        if module is None:
            return f"module {name} was removed"
        now = _attributes(module)
        changed = sorted(k for k in before.keys() & now.keys() if before[k] != now[k])
        changed += sorted(before.keys() - now.keys())
        if changed:
            return f"{name}.{changed[0]} was changed"
    loaded = _kpi_modules()
    # a kpi module first imported by a workbook ran its import-time settings (charts sets seaborn's theme) after the
    # snapshot was taken; restoring the snapshot would undo them for the next workbook, so the kernel is not reused
    new = sorted(loaded.keys() - _snapshot["modules"].keys())
    if new:
        return f"the workbook imported {new[0]}, which the warm imports did not"
    for name, mtime in _source_times(loaded).items():
        if name in _snapshot["sources"] and _snapshot["sources"][name] != mtime:
            return f"the source of {name} changed since it was imported"
    if _options_text() != _snapshot["options"]:
        return "pandas options were changed"
    if sys.path != _snapshot["path"]:
        return "sys.path was changed"
    if dict(os.environ) != _snapshot["env"]:
        return "environment variables were changed"
    return ""


def fresh(shell: Any, cwd: str) -> None:
    """Prepare the kernel for the next workbook and print ``{"spoiled": reason}`` (reason "" when it is clean).

    The namespace is cleared with a new history session, so the next workbook's cells count from 1 again, as in
    a kernel of its own (error messages name cells by that count).
    """
    import matplotlib
    import matplotlib.pyplot as plt

    reason = spoiled()
    plt.close("all")
    # only what a workbook changed: setting every key again would also re-run matplotlib's validators and warnings
    rc = matplotlib.rcParams
    rc.update({key: value for key, value in _snapshot["rc"].items() if rc.get(key) != value})
    os.chdir(cwd)
    shell.reset(new_session=True)
    print(json.dumps({"spoiled": reason}))
