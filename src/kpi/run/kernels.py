"""A pool of warm workbook kernels: started with the workbooks' imports while the gate runs, reused, replaced when spoiled.

Starting a kernel and importing pandas, matplotlib, seaborn and ``kpi`` costs about 2,5 s of CPU; a period has six
workbooks and ``kpi run --all`` six periods. The pool starts one kernel per core as soon as a run begins: the
gate-first rule is about data, and starting a kernel and importing libraries reads no input. Each workbook then
runs in a free kernel through papermill's own engine (nbclient accepts a started kernel manager), from a clean
namespace (:func:`kpi.run.warm.fresh`). A kernel whose workbook failed, died or changed what a namespace reset
cannot undo is shut down and a new one is started in the background.

Kernels talk over Unix sockets (``transport="ipc"``) in a private folder: TCP ports picked by one kernel
manager can be taken by another process before the kernel binds them, which left a kernel waiting 60 s for
nothing when several test workers started kernels at once.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpi.errors import NotebookError

KERNEL_NAME = "python3"
# the kernel's own warnings would otherwise fill the log
KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR"]
START_TIMEOUT = 120  # seconds for a kernel to start and import everything on a loaded machine


def workbook_imports(notebooks: Iterable[Path]) -> list[str]:
    """The modules the workbooks import at the top level of their code cells, in first-seen order.

    A name from ``from package import name`` is listed as ``package.name?``: a module to import if it is one.
    """
    import nbformat

    names: dict[str, None] = {}
    for path in notebooks:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:  # IPython magics; the workbook itself will say what is wrong
                continue
            for node in tree.body:
                if isinstance(node, ast.Import):
                    names.update(dict.fromkeys(alias.name for alias in node.names))
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    names[node.module] = None
                    # `from kpi.present import charts` imports a module too; "?": import it if it is one
                    names.update(dict.fromkeys(f"{node.module}.{alias.name}?" for alias in node.names))
    return list(names)


def _tracked_manager_class() -> type:
    from jupyter_client import AsyncKernelManager

    class TrackedKernelManager(AsyncKernelManager):
        """A kernel manager that remembers the clients nbclient makes, so that their sockets can be closed.

        Asynchronous, as nbclient's own: nbclient runs the kernel's messages on an event loop, and a blocking
        client would hold that loop while it waits, so that a kernel that died would never be noticed.
        """

        def client(self, **kwargs: Any) -> Any:
            made = super().client(**kwargs)
            self.kpi_clients.append(made)
            return made

        def own_client(self) -> Any:
            """A client the pool itself uses and closes (not one of nbclient's)."""
            return super().client()

        kpi_clients: list[Any]

    return TrackedKernelManager


@dataclass
class WarmKernel:
    """One started kernel with the workbooks' imports done."""

    manager: Any  # jupyter_client.AsyncKernelManager with a running kernel
    number: int
    runs: int = 0  # workbooks executed in it
    warm_seconds: float = 0.0
    spoiled: str = ""  # why it may not be reused ("" while it may)
    cancelled: bool = False  # the pool is closing: a warm-up or clean-up under way gives up
    started: float = field(default_factory=time.perf_counter)

    @property
    def pid(self) -> int | None:
        provisioner = getattr(self.manager, "provisioner", None)
        process = getattr(provisioner, "process", None)
        return getattr(process, "pid", None)

    def _run(self, code: str, timeout: float) -> list[str]:
        """Execute `code` silently in the kernel and return what it printed.

        Its own client on an event loop of this thread, closed here (zmq sockets belong to one thread), and a
        wait that ends within 0,2 s of the kernel dying or the pool closing (:attr:`cancelled`).
        """
        return asyncio.run(self._run_async(code, timeout))

    async def _run_async(self, code: str, timeout: float) -> list[str]:
        printed: list[str] = []
        client = self.manager.own_client()
        try:
            client.start_channels()
            await client.wait_for_ready(timeout=timeout)
            msg_id = client.execute(code, store_history=False)
            deadline = time.monotonic() + timeout
            reply = None
            while reply is None or not await self._idle(client, msg_id, printed):
                if self.cancelled:
                    raise RuntimeError("the kernel pool was closed")
                if not await self.manager.is_alive():
                    raise RuntimeError("the kernel died")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer from the kernel in {timeout:.0f} s")
                if reply is None:
                    with contextlib.suppress(queue.Empty):
                        msg = await client.get_shell_msg(timeout=0.2)
                        if msg["parent_header"].get("msg_id") == msg_id:
                            reply = msg
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError("".join(printed) or f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")
        return printed

    @staticmethod
    async def _idle(client: Any, msg_id: str, printed: list[str]) -> bool:
        """Read the kernel's output of `msg_id` that has come so far; True once the kernel said it is done."""
        while True:
            try:
                msg = await client.get_iopub_msg(timeout=0.2)
            except queue.Empty:
                return False
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream":
                printed.append(content["text"])
            elif kind == "error":
                printed.append("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return True

    def alive(self) -> bool:
        return asyncio.run(self.manager.is_alive())

    def warm(self, modules: list[str], cwd: Path) -> None:
        begin = time.perf_counter()
        self._run(f"import kpi.run.warm as _w\n_w.warm({modules!r})", START_TIMEOUT)
        self.prepare(cwd)
        self.warm_seconds = time.perf_counter() - begin

    def prepare(self, cwd: Path) -> None:
        """A clean namespace for the next workbook; marks the kernel spoiled when the last one changed too much."""
        printed = self._run(f"import kpi.run.warm as _w\n_w.fresh(get_ipython(), {str(cwd)!r})", 60)
        lines = [line for line in "".join(printed).splitlines() if line.startswith("{")]
        self.spoiled = json.loads(lines[-1])["spoiled"] if lines else "the kernel did not report its state"

    def close_clients(self) -> None:
        """Close the clients nbclient made; only in the thread that ran the workbook (zmq sockets are not shared)."""
        for client in self.manager.kpi_clients:
            with contextlib.suppress(Exception):
                client.stop_channels()
        self.manager.kpi_clients.clear()

    def shutdown(self) -> None:
        self.cancelled = True
        with contextlib.suppress(Exception):
            asyncio.run(self.manager.shutdown_kernel(now=True))


class KernelPool:
    """Warm kernels for the workbooks of one or more periods.

    Parameters
    ----------
    notebooks : iterable of Path
        The workbooks that will run; their imports are done when a kernel starts.
    cwd : Path
        The folder workbooks run in (the notebooks' folder, as papermill's ``cwd``).
    size : int, optional
        Number of kernels; one per core by default.
    reuse : bool
        False: a kernel serves one workbook and is then replaced (a fresh kernel per workbook, warm all the same).
    """

    def __init__(self, notebooks: Iterable[Path], *, cwd: Path, size: int | None = None, reuse: bool = True) -> None:
        self.notebooks = [Path(p) for p in notebooks]
        self.cwd = Path(cwd).resolve()
        self.size = max(1, size or os.cpu_count() or 1)
        self.reuse = reuse
        self._ready: queue.Queue[WarmKernel | BaseException] = queue.Queue()
        self._lock = threading.Lock()
        self._kernels: dict[int, WarmKernel] = {}  # every kernel the pool still owns
        self._threads: list[threading.Thread] = []
        self._count = 0
        self._closed = False
        self._folder: Path | None = None
        self._modules: list[str] | None = None
        self.replaced: list[str] = []  # why kernels were replaced, for the run's log and the tests
        self.warm_seconds: list[float] = []

    def __enter__(self) -> KernelPool:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> KernelPool:
        """Start the kernels and their imports in the background; returns at once."""
        if self._folder is None:
            # imported here, in the caller's thread: two threads importing jupyter_client's circular modules at
            # once fail with "partially initialized module"
            from kpi.inputs.gate.validator import skip_iri_grammar

            skip_iri_grammar()
            import jupyter_client  # noqa: F401
            import nbformat  # noqa: F401

            # parsed here, once: Python 3.11's ast is not thread-safe ("AST constructor recursion depth mismatch"
            # when two kernels' threads parsed the workbooks at the same time)
            self._modules = workbook_imports(self.notebooks)
            # connection files and sockets in a short private folder: a Unix socket path has a ~100 byte limit
            self._folder = Path(tempfile.mkdtemp(prefix="kpi-kernels-"))
            for _ in range(self.size):
                self._launch()
        return self

    def _launch(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._count += 1
            number = self._count
        thread = threading.Thread(target=self._start_one, args=(number,), name=f"kpi-kernel-{number}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _start_one(self, number: int) -> None:
        kernel = None
        try:
            manager = _tracked_manager_class()(
                kernel_name=KERNEL_NAME,
                transport="ipc",
                connection_file=str(self._folder / f"k{number}.json"),  # type: ignore[operator]
            )
            manager.kpi_clients = []
            asyncio.run(manager.start_kernel(cwd=str(self.cwd), extra_arguments=KERNEL_ARGUMENTS))
            kernel = WarmKernel(manager, number)
            with self._lock:
                self._kernels[number] = kernel
                kernel.cancelled = self._closed
            kernel.warm(self._modules or [], self.cwd)  # gives up when the pool closes meanwhile (cancelled)
            self.warm_seconds.append(kernel.warm_seconds)
            with self._lock:
                if not self._closed:
                    self._ready.put(kernel)
                    return
            self._forget(kernel)
        except BaseException as exc:  # the run that waits for a kernel gets the reason instead of waiting forever
            if kernel is not None:
                self._forget(kernel)
            self._ready.put(exc)

    def _forget(self, kernel: WarmKernel) -> None:
        with self._lock:
            self._kernels.pop(kernel.number, None)
        kernel.shutdown()

    @contextlib.contextmanager
    def kernel(self) -> Iterator[WarmKernel]:
        """A warm kernel with a clean namespace, for one workbook; given back (or replaced) afterwards.

        The workbook counts as having spoiled the kernel when it raised (a failed cell, a dead kernel, an
        interrupt); otherwise the kernel is checked and cleaned for the next workbook right away.
        """
        if self._closed:
            raise NotebookError("the workbooks' kernels were shut down (the run was stopped)")
        self.start()
        got = self._ready.get()
        if isinstance(got, NotebookError):
            raise got
        if isinstance(got, BaseException):
            self._launch()  # the next caller tries again; this one reports why
            raise NotebookError(f"could not start a Jupyter kernel for the workbooks ({got})") from got
        kernel = got
        ok = False
        try:
            yield kernel
            ok = True
        finally:
            kernel.runs += 1
            kernel.close_clients()
            self._give_back(kernel, ok)

    def _give_back(self, kernel: WarmKernel, ok: bool) -> None:
        if not self.reuse:
            kernel.spoiled = "the pool gives each workbook a kernel of its own"
        elif ok and not self._closed:
            try:
                if not kernel.alive():
                    kernel.spoiled = "the kernel died"
                else:
                    kernel.prepare(self.cwd)
            except Exception as exc:  # a kernel that cannot even be cleaned is not reused
                kernel.spoiled = f"cleaning it failed ({exc})"
        elif not ok:
            kernel.spoiled = kernel.spoiled or "its workbook failed"
        if not kernel.spoiled:
            with self._lock:  # closing meanwhile: close() has already taken the idle kernels, so this one goes here
                if not self._closed:
                    self._ready.put(kernel)
                    return
            self._forget(kernel)
        elif self._closed:
            self._forget(kernel)
        else:
            self.replaced.append(kernel.spoiled)
            self._forget(kernel)
            self._launch()

    def pids(self) -> list[int]:
        """The process ids of the kernels the pool holds (for tests and for stopping them)."""
        with self._lock:
            return [pid for k in self._kernels.values() if (pid := k.pid) is not None]

    def close(self) -> None:
        """Shut the kernels down and remove the pool's folder.

        Only the thread that holds a kernel shuts it down (zmq sockets belong to one thread): the idle kernels
        are shut down here; one still starting gives up within 0,2 s and one running a workbook is shut down by
        its workbook's thread when it ends (an interrupt kills the kernel processes first).
        """
        with self._lock:
            self._closed = True
            for kernel in self._kernels.values():
                kernel.cancelled = True
        while True:
            try:
                idle = self._ready.get_nowait()
            except queue.Empty:
                break
            if isinstance(idle, WarmKernel):
                self._forget(idle)
        for _ in range(64):  # wake every thread still waiting for a kernel: it raises instead of waiting forever
            self._ready.put(NotebookError("the workbooks' kernels were shut down (the run was stopped)"))
        for thread in self._threads:
            thread.join(timeout=30)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
