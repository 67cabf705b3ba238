"""Ctrl-C and SIGTERM: turned into one exception, and held back while files are being moved into place."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from kpi.errors import Interrupted

_state = threading.local()
_pending: list[int] = []  # a signal that arrived inside `uninterrupted()`, raised when it ends


def _handler(signum: int, frame: object) -> None:
    if getattr(_state, "depth", 0):
        _pending.append(signum)
        return
    raise Interrupted(signum)


def install() -> Callable[[], None]:
    """Make SIGINT and SIGTERM raise :class:`Interrupted` in the main thread; return what puts the old handlers back."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    old = {s: signal.signal(s, _handler) for s in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for s, handler in old.items():
            signal.signal(s, handler)

    return restore


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold back an interrupt until the block ends, so renames that belong together all happen or none do."""
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
        if not _state.depth and _pending:
            signum = _pending.pop()
            _pending.clear()
            raise Interrupted(signum)
