"""The data-quality gate: every input read and checked with great-expectations before anything is computed.

``result`` (what was found), ``frames`` (what the suites run on), ``validator`` (the great-expectations
adapter) and ``run`` (the order of work); the names below are the gate's public face.
"""

from kpi.inputs.gate.frames import DERIVED, consistency_frame
from kpi.inputs.gate.result import DataQualityError, Finding, GateResult, Sample, load_result, save_result
from kpi.inputs.gate.run import gate_result, run_gate
from kpi.inputs.gate.validator import Validator, great_expectations

__all__ = [
    "DERIVED",
    "DataQualityError",
    "Finding",
    "GateResult",
    "Sample",
    "Validator",
    "consistency_frame",
    "gate_result",
    "great_expectations",
    "load_result",
    "run_gate",
    "save_result",
]
