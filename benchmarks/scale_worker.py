"""One scaling measurement in a fresh process: the gate (great-expectations) and the KPI computations on a data folder.

Prints one JSON line; the parent reads this process's peak memory from the operating system.
"""

import datetime as dt
import json
import resource
import sys
import time
from pathlib import Path

begin = time.perf_counter()
from kpi.inputs.gate import great_expectations, run_gate  # noqa: E402
from kpi.measures.period import compute  # noqa: E402
from kpi.run.params import load_params  # noqa: E402

great_expectations()
imported = time.perf_counter()
period = dt.date.fromisoformat(sys.argv[2])
result = run_gate(Path(sys.argv[1]), period)
gated = time.perf_counter()
figures = compute(result.inputs, period, load_params(period))
computed = time.perf_counter()
print(
    json.dumps(
        {
            "passed": result.passed,
            "rows": len(result.inputs["observations"]),
            "indicators": len(figures.indicators),
            "import": imported - begin,
            # run_gate's "validate" is all of it; "read and type" the part outside great-expectations
            "read_and_type": result.seconds["read and type"],
            "validate": result.seconds["validate"] - result.seconds["read and type"],
            "compute": computed - gated,
            "gate_and_compute": computed - imported,
            # Linux reports KiB: this process's largest resident size, inputs and GX included
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        }
    )
)
