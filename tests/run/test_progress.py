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
