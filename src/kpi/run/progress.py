"""Progress lines for long work: the step, its elapsed time and the total, shown on a terminal, silent in logs."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO


class Progress:
    """Prints ``[  1,2 s] step … done (0,4 s)`` lines to a terminal; prints nothing when output is a file or pipe.

    Parameters
    ----------
    stream : file-like
        Where the lines go (stderr by default, so stdout keeps only the results).
    enabled : bool, optional
        Force on or off; by default on only when `stream` is a terminal (or as ``KPI_PROGRESS=1``/``0`` says).
    """

    def __init__(self, stream: TextIO | None = None, *, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        forced = os.environ.get("KPI_PROGRESS", "")  # 1 or 0: show or hide the lines whatever the stream is
        if enabled is None and forced in ("0", "1"):
            enabled = forced == "1"
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.started = time.perf_counter()
        self.timings: list[tuple[str, float]] = []
        self.failed_step: str | None = None  # the innermost step an exception left, for the interrupt message
        self.kept: list[str] = []  # what the command has finished and kept so far ("version 3 of 31.12.2022")
        self.label = ""  # set on a child: the period its lines are about
        self.parent: Progress | None = None

    def child(self, label: str) -> Progress:
        """The progress of one of several periods run side by side: its own step times, its lines marked `label`.

        What it keeps and the step it fails in are the parent's too, so an interrupt names both.
        """
        other = Progress(self.stream, enabled=self.enabled)
        other.started, other.kept, other.label, other.parent = self.started, self.kept, label, self
        return other

    def _say(self, text: str) -> None:
        if self.enabled:
            total = time.perf_counter() - self.started
            mark = f"{self.label}: " if self.label else ""
            print(f"[{_seconds(total):>7}] {mark}{text}", file=self.stream, flush=True)

    def note(self, text: str) -> None:
        """One line about work that runs beside other work (a notebook finishing in parallel, say)."""
        self._say(text)

    @contextmanager
    def step(self, text: str) -> Iterator[None]:
        """Time a step; announce it at the start and report its duration at the end (or that it failed)."""
        begin = time.perf_counter()
        try:  # the announcement too: a Ctrl-C right after it belongs to this step
            self._say(f"{text} …")
            yield
        except BaseException:
            self.failed_step = self.failed_step or text
            if self.parent is not None:
                self.parent.failed_step = self.parent.failed_step or text
            self._say(f"{text}: failed after {_seconds(time.perf_counter() - begin)}")
            raise
        elapsed = time.perf_counter() - begin
        self.timings.append((text, elapsed))
        self._say(f"{text}: done ({_seconds(elapsed)})")

    def timed(self, text: str, seconds: float) -> None:
        """Record a step that was timed elsewhere (in a worker thread) and say it."""
        self.timings.append((text, seconds))
        self._say(f"{text}: done ({_seconds(seconds)})")


def _seconds(value: float) -> str:
    return f"{value:.1f} s".replace(".", ",")
