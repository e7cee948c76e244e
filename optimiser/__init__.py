"""Training-place and skill-mix allocation engine for the NHS imaging workforce.

This module is the public API: the command line, the web app and other programs import only
names listed here. Names are loaded on first use (PEP 562), so `import optimiser` and
`optimiser --help` do not pay for pandas, Pyomo or HiGHS until a command needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it (layers: docs/architecture.md)
_PUBLIC = {
    # shared basics
    "Issue": "optimiser.basics.issues",
    "ScenarioError": "optimiser.basics.issues",
    "ValidationReport": "optimiser.basics.issues",
    # scenario input and validation
    "Scenario": "optimiser.scenario.scenario",
    "load_scenario": "optimiser.scenario.scenario",
    "scenario_from_raw": "optimiser.scenario.scenario",
    "validate": "optimiser.scenario.scenario",
    # results
    "PlanResult": "optimiser.results.results",
    "ProjectionResult": "optimiser.results.results",
    # the pipeline
    "FrontierResult": "optimiser.pipeline.api",
    "build_plan": "optimiser.pipeline.api",
    "explain_infeasibility": "optimiser.pipeline.api",
    "frontier": "optimiser.pipeline.api",
    "project": "optimiser.pipeline.api",
    "solve": "optimiser.pipeline.api",
    "solve_built": "optimiser.pipeline.api",
    # analysis
    "PlanRun": "optimiser.analysis.compare",
    "RunComparison": "optimiser.analysis.compare",
    "compare_runs": "optimiser.analysis.compare",
    "scenario_diff": "optimiser.analysis.compare",
}

__all__ = [
    "FrontierResult",
    "Issue",
    "PlanResult",
    "PlanRun",
    "ProjectionResult",
    "RunComparison",
    "Scenario",
    "ScenarioError",
    "ValidationReport",
    "build_plan",
    "compare_runs",
    "explain_infeasibility",
    "frontier",
    "load_scenario",
    "project",
    "scenario_diff",
    "scenario_from_raw",
    "solve",
    "solve_built",
    "validate",
]  # every key of _PUBLIC (tests/unit/test_layers.py checks)


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'optimiser' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this hook
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_PUBLIC])


if TYPE_CHECKING:  # for type checkers and editors only
    from optimiser.analysis.compare import PlanRun, RunComparison, compare_runs, scenario_diff
    from optimiser.basics.issues import Issue, ScenarioError, ValidationReport
    from optimiser.pipeline.api import (
        FrontierResult,
        build_plan,
        explain_infeasibility,
        frontier,
        project,
        solve,
        solve_built,
    )
    from optimiser.results.results import PlanResult, ProjectionResult
    from optimiser.scenario.scenario import Scenario, load_scenario, scenario_from_raw, validate
