"""One writer at a time: a lock on outputs/ (and data/processed/) held by a run for as long as it writes."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kpi import fi
from kpi.errors import UsageError
from kpi.paths import display

LOCK_FILE_NAME = ".kpi-ajo.lock"


class RunLocked(UsageError):
    """Another `kpi` process holds the lock (exit code 2: try again when it has ended)."""


def _holder(fh: IO[str]) -> dict:
    fh.seek(0)
    try:
        return json.loads(fh.read() or "{}")
    except ValueError:
        return {}


def _describe(holder: dict) -> str:
    started = holder.get("started")
    when = f", started {fi.timestamp(started, seconds=True)}" if started else ""
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}: `{holder.get('command', 'kpi')}`{when}"


@contextmanager
def run_lock(
    outputs_dir: Path,
    *,
    command: str | None = None,
    say: Callable[[str], None] = lambda text: print(text, file=sys.stderr),
) -> Iterator[Path]:
    """Hold the lock of `outputs_dir` for the block; refuse at once when another process holds it.

    The operating system releases the lock when its process ends, however it ends, so a lock file left by a
    process that was killed is only a record: the next run takes it over and says so.

    Raises
    ------
    RunLocked
        Naming the process that holds the lock (its pid, command and start time).
    """
    outputs_dir = Path(outputs_dir)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    path = outputs_dir / LOCK_FILE_NAME
    fh = open(path, "a+", encoding="utf-8")  # held open for the whole block: closing it frees the lock
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(
                f"another kpi run is writing {display(outputs_dir)}/ and the processed data "
                f"({_describe(_holder(fh))}); wait until it has ended, then run this again"
            ) from None
        left = _holder(fh)
        if left:
            say(
                f"kpi: took over the lock of {display(outputs_dir)}/ left by a run whose process is gone "
                f"({_describe(left)}); its unfinished work was not kept"
            )
        fh.seek(0)
        fh.truncate()
        fh.write(
            json.dumps(
                {
                    "pid": os.getpid(),
                    "host": socket.gethostname(),
                    "command": command or " ".join(["kpi", *sys.argv[1:]]),
                    "started": dt.datetime.now().isoformat(timespec="seconds"),
                }
            )
        )
        fh.flush()
        try:
            yield path
        finally:
            fh.seek(0)
            fh.truncate()  # an empty file is a free lock; a process killed before this leaves its record
            fh.flush()
    finally:
        fh.close()
