"""Progress lines: shown when enabled (a terminal), silent otherwise, failures reported."""

from __future__ import annotations

import io

import pytest

from kpi.run.progress import Progress


class TestProgress:
    def test_enabled_prints_step_start_and_end_with_times(self):
        stream = io.StringIO()
        progress = Progress(stream, enabled=True)
        with progress.step("Reading data"):
            pass
        lines = stream.getvalue().splitlines()
        assert lines[0].endswith("Reading data …") and "Reading data: done (" in lines[1]
        assert lines[1].startswith("[") and " s]" in lines[1]
        assert [name for name, _ in progress.timings] == ["Reading data"]

    def test_disabled_for_a_file_or_pipe(self):
        stream = io.StringIO()  # not a terminal
        with Progress(stream).step("Reading data"):
            pass
        assert stream.getvalue() == ""

    def test_failure_is_reported_and_reraised(self):
        stream = io.StringIO()
        with pytest.raises(RuntimeError), Progress(stream, enabled=True).step("Checking"):
            raise RuntimeError("boom")
        assert "Checking: failed after" in stream.getvalue()


class TestChild:
    """`kpi run --all` runs two periods side by side, each with a child of the command's Progress."""

    def test_lines_are_marked_with_the_period_and_times_kept_apart(self):
        stream = io.StringIO()
        parent = Progress(stream, enabled=True)
        first, second = parent.child("30.6.2022"), parent.child("31.12.2022")
        with first.step("Quality gate"):
            pass
        with second.step("Writing processed data"):
            pass
        first.kept.append("version 1 of 30.6.2022")
        lines = stream.getvalue().splitlines()
        assert "] 30.6.2022: Quality gate …" in lines[0] and "] 31.12.2022: Writing processed data …" in lines[2]
        assert [n for n, _ in first.timings] == ["Quality gate"] and [n for n, _ in second.timings] == [
            "Writing processed data"
        ]
        assert parent.timings == [] and parent.kept == ["version 1 of 30.6.2022"]

    def test_the_step_a_child_fails_in_is_the_commands_too(self):
        parent = Progress(io.StringIO(), enabled=False)
        child = parent.child("31.12.2022")
        with pytest.raises(KeyboardInterrupt), child.step("Running 6 workbooks"):
            raise KeyboardInterrupt
        assert parent.failed_step == "Running 6 workbooks"
