"""The independent plan check (optimiser/solver/check.py) in the planner's words.

After every solve the solver's plan is put back through the compiled rows, bounds and integrality
and its objective recomputed. The largest violation is named as binding.csv names a limit (the
family's planner name and the row's index in words, in the family's units) and reported in
summary.json; a plan that breaks a row, a bound or integrality beyond tolerance is a solver error,
never a plan. A plan that holds but whose objective is not the one the solver reported (seen on
highspy 1.16.0 by the hypothesis suite, 29 Nov 2026: 9.112 reported for a plan worth 9.388) is
reported with its own objective and gap, and its message says so (`objective_note`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.model.data import ModelData
from optimiser.model.parts import row_scale_of
from optimiser.results.results import index_words
from optimiser.solver.check import PlanCheck, check_plan
from optimiser.solver.lifecycle import CompiledModel


class SolverError(RuntimeError):
    """The solver's answer failed the independent check where no result can carry the error (the
    status quo projection): the message names what it breaks."""


@dataclass(frozen=True)
class CheckedPlan:
    """The check and its words: `facts` for summary.json, `problem` (None: the plan holds)."""

    check: PlanCheck
    facts: dict
    problem: str | None
    # the solver's reported objective disagrees with the plan's own (rows, bounds and integrality
    # hold): the plan stands, told with its recomputed objective (`objective_note` says so)
    objective_note: str | None = None


def _row_words(compiled: CompiledModel, data: ModelData, i: int) -> tuple[str, str, float]:
    """(planner's name with the row's index, unit, row scale) of compiled row `i`."""
    con = compiled.rows[i][0]
    component = con.parent_component()
    family = getattr(compiled.model, "families", {}).get(component.name)
    key = con.index()
    where = "whole horizon" if key is None else index_words(key, data)
    if family is None:  # a row no family declares (none today): its Pyomo name
        return f"{component.name} ({where})", "", 1.0
    return f"{family.planner_name}, {where}", family.unit, row_scale_of(compiled.model, component.name, key)


def _column_words(compiled: CompiledModel, data: ModelData, j: int) -> str:
    var = compiled.columns[j]
    key = var.index()
    where = "" if key is None else f" ({index_words(key, data)})"
    return f"decision {var.parent_component().name}{where}"


def checked_plan(compiled: CompiledModel, data: ModelData, values: np.ndarray,
                 objective: float | None) -> CheckedPlan:
    """Check the solver's plan `values` (and its reported `objective`) against the built model."""
    check = check_plan(compiled, values, objective)
    facts: dict = {"plan_check_rows": check.n_rows, "plan_check_columns": check.n_columns}
    row_name, unit, scale = ("", "", 1.0)
    if check.worst_row is not None:
        row_name, unit, scale = _row_words(compiled, data, check.worst_row)
    facts.update({
        "plan_check_largest_row_violation": check.row_violation * scale,  # in the row's planner units
        "plan_check_largest_row_violation_unit": unit,
        "plan_check_largest_relative_row_violation": check.row_relative_violation,
        "plan_check_worst_row": row_name,
        "plan_check_largest_bound_violation": check.column_violation,
        "plan_check_largest_integrality_violation": check.integrality_violation,
        "plan_check_objective_recomputed": check.objective_recomputed,
        "plan_check_objective_difference": check.objective_difference,
        "plan_check_passed": check.ok,
    })
    problems = []
    if check.row_relative_violation == np.inf and check.worst_row is None:
        problems.append("it is not one finite value per decision")
    elif check.breaks_a_row:
        problems.append(f"it breaks {row_name} by {check.row_violation * scale:,.6g} {unit} "
                        f"({check.row_relative_violation:.2e} of the limit)".replace("  ", " "))
    if check.breaks_a_bound and check.worst_column is not None:
        problems.append(f"it puts {_column_words(compiled, data, check.worst_column)} outside its bounds by "
                        f"{check.column_violation:,.6g}")
    if check.breaks_integrality and check.worst_integer_column is not None:
        problems.append(f"{_column_words(compiled, data, check.worst_integer_column)} is not a whole number "
                        f"(off by {check.integrality_violation:.3g})")
    note = None
    if not check.objective_agrees and np.isfinite(check.objective_recomputed):
        note = (f"the solver reported objective {objective:,.6f}, but the plan's own is "
                f"{check.objective_recomputed:,.6f} (recomputed from its decisions, which meet every limit): "
                "the plan is reported with its own")
    problem = None
    if problems:
        problem = ("the solver reported a plan that the independent check refuses: " + "; ".join(problems)
                   + ". It is not reported as a plan")
    return CheckedPlan(check, facts, problem, note)
