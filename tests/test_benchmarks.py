"""The benchmark's synthetic inputs are valid data: the gate passes them and the row count is as planned."""

from __future__ import annotations

import datetime as dt
import sys

from kpi.inputs.gate import run_gate
from kpi.paths import PROJECT_ROOT

sys.path.insert(0, str(PROJECT_ROOT / "benchmarks"))
from synthetic import make


def test_synthetic_folder_passes_the_gate_with_the_planned_rows(tmp_path):
    rows = make(tmp_path / "syn", copies=3, extra_years=2)
    assert rows == 57 * 3 * (7 + 2 * 2)
    result = run_gate(tmp_path / "syn", dt.date(2022, 12, 31))
    assert result.passed, [f.message() for f in result.hard_failures]
    obs = result.inputs["observations"]
    assert len(obs) == rows and obs.indicator_id.str.contains("__k0002").any()
    assert obs.period_end.min() == dt.datetime(2018, 6, 30)
