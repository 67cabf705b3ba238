"""What the gate keeps between periods of one process: only what no period changes, and never a stale file.

`kpi run --all` reads, types and checks each file once (kpi.inputs.gate.run._once, keyed by the file's sha256);
these tests check that a file changed between two gates is read again, that a period gets its own copy of the
typed tables, and that the findings are those of a gate that shares nothing.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from kpi.inputs.gate.run import forget_shared, run_gate
from kpi.paths import DATA_RAW

PERIODS = (dt.date(2022, 6, 30), dt.date(2022, 12, 31))


def messages(result):
    return [(f.check.id, f.severity, f.passed, f.message()) for f in result.findings]


@pytest.fixture
def data(tmp_path):
    shutil.copytree(DATA_RAW, tmp_path / "raw")
    forget_shared()
    yield tmp_path / "raw"
    forget_shared()


def test_a_second_period_gets_the_findings_of_a_gate_that_shares_nothing(data):
    shared = [run_gate(data, p) for p in PERIODS]  # the second one reuses the first one's files
    alone = []
    for period in PERIODS:
        forget_shared()
        alone.append(run_gate(data, period))
    assert [messages(r) for r in shared] == [messages(r) for r in alone]
    for a, b in zip(shared, alone):
        assert set(a.inputs.tables) == set(b.inputs.tables)
        for name in a.inputs.tables:
            assert a.inputs[name].equals(b.inputs[name]), name


def test_a_file_changed_between_two_gates_is_read_and_checked_again(data):
    assert run_gate(data, PERIODS[1]).passed
    path = data / "havainnot.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace(";12363;", ";12.363;"), encoding="utf-8-sig")  # a thousands point: refused
    again = run_gate(data, PERIODS[1])
    assert not again.passed
    assert any("havainnot.csv" in f.message() for f in again.hard_failures)


def test_each_period_gets_its_own_copy_of_the_typed_tables(data):
    first = run_gate(data, PERIODS[0]).inputs
    first["observations"].loc[:, "value"] = -1.0  # a workbook or a computation changing its frame in place
    second = run_gate(data, PERIODS[1]).inputs
    assert (second["observations"]["value"] != -1.0).any()
