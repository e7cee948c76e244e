"""Training-place and skill-mix allocation engine for the NHS imaging workforce.

Public API: load a scenario, project the status quo, optimise a plan, trace the budget frontier.
"""

from .api import (
    FrontierResult,
    build_plan,
    explain_infeasibility,
    frontier,
    project,
    solve,
    solve_built,
)
from .compare import PlanRun, RunComparison, compare_runs, scenario_diff
from .issues import Issue, ScenarioError, ValidationReport
from .results import PlanResult, ProjectionResult
from .scenario import Scenario, load_scenario, scenario_from_raw, validate

__all__ = [
    "FrontierResult", "Issue", "PlanResult", "ProjectionResult", "Scenario", "ScenarioError",
    "ValidationReport", "build_plan", "explain_infeasibility", "frontier", "load_scenario",
    "project", "scenario_from_raw", "solve", "solve_built", "validate",
    "PlanRun", "RunComparison", "compare_runs", "scenario_diff",
]
__version__ = "0.1.0"
