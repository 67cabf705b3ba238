"""The naive chain's first step: a great-expectations validation script run on its own (exit 1 when data fail)."""

import datetime as dt
import sys
from pathlib import Path

from kpi.inputs.gate import run_gate

result = run_gate(Path(sys.argv[1]), dt.date.fromisoformat(sys.argv[2]))
print(result.summary_text())
sys.exit(0 if result.passed else 1)
