"""One run at a time, interrupted runs that leave nothing behind, and a full or read-only outputs/ — with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from kpi import interrupts
from kpi.errors import Interrupted
from kpi.paths import PROJECT_ROOT
from kpi.run.lock import LOCK_FILE_NAME, RunLocked, run_lock

KPI = [sys.executable, "-m", "kpi.cli"]
PERIOD = "2023-06-30"


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "KPI_OUTPUTS_DIR": str(tmp_path / "outputs"),
        "KPI_PROCESSED_DIR": str(tmp_path / "processed"),
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


def holder(tmp_path: Path) -> subprocess.Popen:
    """A second real process that takes the lock of tmp_path/outputs and keeps it until it is ended."""
    code = (
        "import sys, time; from pathlib import Path; from kpi.run.lock import run_lock\n"
        f"with run_lock(Path({str(tmp_path / 'outputs')!r}), command='kpi run --all'):\n"
        "    print('held', flush=True); time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def leftovers(root: Path) -> list[str]:
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.name.startswith((".staging-", ".publish-", ".old-", ".index.")) or p.name.endswith(".tmp")
    )


class TestOneRunAtATime:
    def test_a_second_run_is_refused_with_exit_2_naming_the_holder(self, tmp_path):
        first = holder(tmp_path)
        try:
            second = subprocess.run(
                [*KPI, "run", "--period", PERIOD],
                env=env(tmp_path),
                capture_output=True,
                text=True,
                timeout=120,
                cwd=PROJECT_ROOT,
            )
        finally:
            first.terminate()
            first.wait(10)
        assert second.returncode == 2, second.stderr
        assert f"pid {first.pid}" in second.stderr and "`kpi run --all`" in second.stderr
        assert "wait until it has ended" in second.stderr and "Traceback" not in second.stderr
        assert not (tmp_path / "outputs" / PERIOD).exists() and not (tmp_path / "processed").exists()

    def test_final_is_refused_too_and_the_lock_is_free_after_the_holder_ends(self, tmp_path):
        first = holder(tmp_path)
        try:
            refused = subprocess.run(
                [*KPI, "final", "--period", PERIOD],
                env=env(tmp_path),
                capture_output=True,
                text=True,
                timeout=60,
                cwd=PROJECT_ROOT,
            )
        finally:
            first.send_signal(signal.SIGINT)  # KeyboardInterrupt: the holder leaves its block and frees the lock
            first.wait(10)
        assert refused.returncode == 2 and f"pid {first.pid}" in refused.stderr
        with run_lock(tmp_path / "outputs", say=pytest.fail):  # ended cleanly: free, and nothing to take over
            pass

    def test_a_stale_lock_of_a_killed_process_is_taken_over_with_a_message(self, tmp_path):
        first = holder(tmp_path)
        first.kill()  # SIGKILL: no cleanup, the record stays in the lock file
        first.wait(10)
        assert f'"pid": {first.pid}' in (tmp_path / "outputs" / LOCK_FILE_NAME).read_text()
        said = []
        with run_lock(tmp_path / "outputs", say=said.append):
            pass
        assert len(said) == 1 and "took over" in said[0] and f"pid {first.pid}" in said[0]

    def test_in_one_process_a_second_holder_is_refused(self, tmp_path):
        with run_lock(tmp_path), pytest.raises(RunLocked, match=f"pid {os.getpid()}"):
            with run_lock(tmp_path):
                pass


def start_run(tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [*KPI, "run", "--period", PERIOD, "--force"],
        env=env(tmp_path, KPI_PROGRESS="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_ROOT,
    )


def wait_for_line(proc: subprocess.Popen, words: str, seen: list[str]) -> None:
    for line in proc.stderr:
        seen.append(line)
        if words in line:
            return
    raise AssertionError(f"{words!r} never came:\n{''.join(seen)}")


def kernels_of(proc: subprocess.Popen, timeout: float = 60) -> list[psutil.Process]:
    """The run's kernel processes, once at least one has started."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = [c for c in psutil.Process(proc.pid).children(recursive=True) if "ipykernel" in " ".join(c.cmdline())]
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("no kernel started")


class TestInterrupted:
    @pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
    def test_during_the_workbooks_stops_kernels_and_keeps_nothing(self, tmp_path, sig, code):
        proc, seen = start_run(tmp_path), []
        wait_for_line(proc, "workbooks with papermill", seen)
        kernels = kernels_of(proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
        err = "".join(seen) + err
        assert proc.returncode == code, err
        last = err.strip().splitlines()[-1]
        assert last.startswith("kpi: interrupted (") and "during 'Running" in last
        assert "updated with the checked data of 2023-06-30" in last  # the processed data was written before
        assert "Traceback" not in err
        time.sleep(0.5)
        assert not [k.pid for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
        outputs = tmp_path / "outputs"
        assert not (outputs / PERIOD).exists() and not (outputs / "versiot" / PERIOD).exists()
        assert leftovers(tmp_path) == [] and not (outputs / "index.html").exists()

    def test_during_the_gate_exits_143_and_writes_nothing(self, tmp_path):
        proc, seen = start_run(tmp_path), []
        wait_for_line(proc, "Quality gate for", seen)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        err = "".join(seen) + err
        assert proc.returncode == 143, err
        assert "interrupted (SIGTERM) during 'Quality gate for" in err and "Kept: nothing." in err
        assert "Traceback" not in err
        assert not (tmp_path / "processed").exists() and leftovers(tmp_path) == []
        assert not [p for p in (tmp_path / "outputs").iterdir() if p.name != LOCK_FILE_NAME]


class TestHeldBack:
    def test_a_signal_inside_uninterrupted_waits_until_the_block_has_ended(self, tmp_path):
        restore = interrupts.install()
        try:
            done = []
            with pytest.raises(Interrupted) as caught:
                with interrupts.uninterrupted():
                    os.kill(os.getpid(), signal.SIGTERM)
                    time.sleep(0.05)  # the handler has run by now, and held the signal back
                    done.append("renamed")
            assert done == ["renamed"] and caught.value.exit_code == 143
        finally:
            restore()


def _mount(*args: str) -> None:
    subprocess.run(["mount", *args], check=True, capture_output=True)


@pytest.fixture()
def published_copy(tmp_path):
    """A period published by a real `kpi run` into tmp_path/outputs, and the bytes of every file in it."""
    done = subprocess.run(
        [*KPI, "run", "--period", PERIOD],
        env=env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
    )
    assert done.returncode == 0, done.stderr
    return tmp_path / "outputs"


def contents(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != LOCK_FILE_NAME
    }


class TestOutputsNotWritable:
    """Real file systems: a read-only bind mount and a tmpfs too small for the next run (needs mount rights)."""

    def test_read_only_outputs_give_one_message_and_exit_1(self, published_copy, tmp_path):
        before = contents(published_copy)
        try:
            _mount("--bind", str(published_copy), str(published_copy))
        except (subprocess.CalledProcessError, FileNotFoundError):
            pytest.skip("mount is not permitted here")
        try:
            _mount("-o", "remount,bind,ro", str(published_copy))
            done = subprocess.run(
                [*KPI, "run", "--period", PERIOD, "--force"],
                env=env(tmp_path),
                capture_output=True,
                text=True,
                timeout=300,
                cwd=PROJECT_ROOT,
            )
        finally:
            subprocess.run(["umount", str(published_copy)], check=True)
        assert done.returncode == 1, done.stderr
        assert len(done.stderr.strip().splitlines()) == 1 and "Read-only file system" in done.stderr
        assert "Traceback" not in done.stderr and "what was published before is as it was" in done.stderr
        assert contents(published_copy) == before

    def test_a_full_disk_gives_one_message_exit_1_and_the_published_period_stays_whole(self, published_copy, tmp_path):
        before = contents(published_copy)
        used = sum(len(b) for b in before.values())
        small = tmp_path / "small"
        small.mkdir()
        try:
            _mount("-t", "tmpfs", "-o", f"size={used + 600_000}", "tmpfs", str(small))
        except (subprocess.CalledProcessError, FileNotFoundError):
            pytest.skip("mount is not permitted here")
        try:
            subprocess.run(["cp", "-a", f"{published_copy}/.", str(small)], check=True)
            done = subprocess.run(
                [*KPI, "run", "--period", PERIOD, "--force"],
                env=env(tmp_path, KPI_OUTPUTS_DIR=str(small)),
                capture_output=True,
                text=True,
                timeout=300,
                cwd=PROJECT_ROOT,
            )
            after, left = contents(small), leftovers(small)
            kernels = [p for p in psutil.process_iter(["cmdline"]) if str(small) in " ".join(p.info["cmdline"] or [])]
        finally:
            subprocess.run(["umount", str(small)], check=True)
        assert done.returncode == 1, done.stderr
        assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        # the quality page is made anew by every gate that passes (atomically); everything published stays as it was
        assert {k: v for k, v in after.items() if not k.startswith("laatu/")} == {
            k: v for k, v in before.items() if not k.startswith("laatu/")
        }
        assert left == [] and kernels == []
