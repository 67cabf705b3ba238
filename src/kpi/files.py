"""Writing files safely: atomic writes, hidden staging folders, and modes that follow the user's umask."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from pathlib import Path

from kpi.interrupts import uninterrupted

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux), else set and restored."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    with _UMASK_LOCK:  # os.umask can only be read by setting it; nobody else may create a file meanwhile
        current = os.umask(0o022)
        os.umask(current)
    return current


def file_mode() -> int:
    """The mode an ordinary new file gets (0644 under the usual umask 022)."""
    return 0o666 & ~umask()


def folder_mode() -> int:
    """The mode an ordinary new folder gets (0755 under the usual umask 022)."""
    return 0o777 & ~umask()


def make_readable(path: Path) -> Path:
    """Give `path` and everything under it the modes the umask gives new files and folders.

    tempfile's folders (0700) and files (0600) are private on purpose; a published folder renamed from one
    would stay private, and a web server that the analyst copies ``outputs/`` to could not read it.
    """
    path = Path(path)
    files, folders = file_mode(), folder_mode()
    if path.is_dir():
        for root, _dirs, names in os.walk(path):
            os.chmod(root, folders)
            for name in names:
                target = Path(root) / name
                if not target.is_symlink():
                    os.chmod(target, files)
    elif path.exists():
        os.chmod(path, files)
    return path


def write_atomically(path: Path, data: str | bytes) -> Path:
    """Write a file through a temporary file and a rename, so a reader never sees half a file.

    The file gets the umask's ordinary mode, as if written directly.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, file_mode())
        with uninterrupted():
            os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def staging_folder(parent: Path, prefix: str) -> Path:
    """A fresh hidden folder in `parent` (same file system, so moving it into place is a rename)."""
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    os.chmod(folder, folder_mode())
    return folder


def replace_folder(source: Path, target: Path) -> None:
    """Put folder `source` in the place of `target` with two renames; a reader sees the old or the new one whole."""
    make_readable(source)
    old = None
    with uninterrupted():  # never a moment without the folder because of Ctrl-C
        if target.exists():
            old = target.parent / f".old-{target.name}-{os.getpid()}"
            os.replace(target, old)
        try:
            os.replace(source, target)
        except BaseException:
            if old is not None:
                os.replace(old, target)  # the previous folder goes back where it was
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
