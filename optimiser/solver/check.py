"""An independent check of a solver's plan: the column values put back through the compiled rows,
bounds and integrality in numpy, and the objective recomputed from the costs.

HiGHS 1.13-1.15 have open reports of plans marked optimal that break a row; this check trusts
nothing HiGHS says about its own answer. It reads only the standard form (`CompiledModel`: the
matrix, the current bounds, the integer mask, the costs) and knows no scenario: naming a row in
the planner's words is the pipeline's job (optimiser/pipeline/plan_check.py).

A violation is measured in the row's (or column's) own units and relative to the size of the
bound it breaks, `max(1, |bound|)`, the same scale HiGHS's feasibility tolerances use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from optimiser.solver.lifecycle import CompiledModel

# A plan breaking a row or bound by more than this, relative to max(1, |bound|), is no plan. HiGHS
# works to 1e-7 (primal feasibility, on its scaled model) and 1e-6 (MIP feasibility); ten times
# the looser leaves room for the unscaling without letting a real break through.
RELATIVE_TOLERANCE = 1e-5
# An integer decision further than this from a whole number was not solved as one.
INTEGRALITY_TOLERANCE = 1e-5
# The objective HiGHS reports and the one recomputed from its plan may differ by this, relatively.
OBJECTIVE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class PlanCheck:
    """What the check found. Violations are >= 0 (0: nothing broken); `worst_row` and `worst_column`
    are the row and column numbers of the largest relative violation (None when nothing is broken)."""

    row_violation: float  # the largest row violation, in the compiled row's units
    row_relative_violation: float  # the same, divided by max(1, |bound|)
    worst_row: int | None
    column_violation: float  # the largest bound violation of a column
    column_relative_violation: float
    worst_column: int | None
    integrality_violation: float  # the largest distance of an integer decision from a whole number
    worst_integer_column: int | None
    objective_recomputed: float  # costs @ plan + offset
    objective_reported: float | None
    n_rows: int
    n_columns: int

    @property
    def objective_difference(self) -> float:
        """|reported - recomputed| objective (0 when none was reported)."""
        if self.objective_reported is None:
            return 0.0
        return abs(self.objective_reported - self.objective_recomputed)

    @property
    def objective_agrees(self) -> bool:
        return self.objective_difference <= OBJECTIVE_TOLERANCE * max(1.0, abs(self.objective_recomputed))

    @property
    def breaks_a_row(self) -> bool:
        return self.row_relative_violation > RELATIVE_TOLERANCE

    @property
    def breaks_a_bound(self) -> bool:
        return self.column_relative_violation > RELATIVE_TOLERANCE

    @property
    def breaks_integrality(self) -> bool:
        return self.integrality_violation > INTEGRALITY_TOLERANCE

    @property
    def ok(self) -> bool:
        """Whether the plan meets every row, bound and integrality, and its objective is the one reported."""
        return not (self.breaks_a_row or self.breaks_a_bound or self.breaks_integrality) and self.objective_agrees


def _worst(values: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> tuple[float, float, int | None]:
    """(absolute, relative violation, position) of the largest relative break of lower <= values <= upper."""
    if not len(values):
        return 0.0, 0.0, None
    below = np.where(np.isfinite(lower), lower - values, 0.0)
    above = np.where(np.isfinite(upper), values - upper, 0.0)
    broken = np.maximum(np.maximum(below, above), 0.0)
    bound = np.where(below >= above, lower, upper)
    relative = broken / np.maximum(1.0, np.abs(np.where(np.isfinite(bound), bound, 0.0)))
    i = int(np.argmax(relative))
    if relative[i] <= 0.0:
        return 0.0, 0.0, None
    return float(broken[i]), float(relative[i]), i


def check_plan(compiled: CompiledModel, values: np.ndarray, objective: float | None = None) -> PlanCheck:
    """Check column `values` against the model's current rows, bounds and integrality, and recompute
    its objective (compared with the reported `objective`). Values that are not finite, or not one
    per column, break everything (relative violation inf)."""
    values = np.asarray(values, dtype=float)
    n_rows, n_cols = compiled.n_rows, compiled.n_cols
    if values.shape != (n_cols,) or not np.all(np.isfinite(values)):
        return PlanCheck(np.inf, np.inf, None, np.inf, np.inf, None, np.inf, None, np.nan, objective, n_rows, n_cols)
    # HiGHS's infinite bound (1e30 in highspy) counts as no bound
    def finite(a: np.ndarray) -> np.ndarray:
        return np.where(np.abs(a) >= 1e30, np.nan, a)

    activity = compiled.activity(values)
    row_abs, row_rel, row = _worst(activity, finite(compiled.row_lower), finite(compiled.row_upper))
    col_abs, col_rel, col = _worst(values, finite(compiled.col_lower), finite(compiled.col_upper))
    integer = np.flatnonzero(compiled.integer)
    if len(integer):
        distance = np.abs(values[integer] - np.round(values[integer]))
        k = int(np.argmax(distance))
        int_violation, int_col = float(distance[k]), (int(integer[k]) if distance[k] > 0 else None)
    else:
        int_violation, int_col = 0.0, None
    return PlanCheck(row_abs, row_rel, row, col_abs, col_rel, col, int_violation, int_col,
                     compiled.objective_of(values), objective, n_rows, n_cols)
