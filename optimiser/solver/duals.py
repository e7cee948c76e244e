"""Side solves on copies of a compiled model: shadow prices of a plan's limits, and the elastic
re-solve that says how far limits would have to move for an infeasible model to have a plan."""

from __future__ import annotations

from typing import NamedTuple

import highspy
import numpy as np

from optimiser.solver.lifecycle import CompiledModel
from optimiser.solver.standard_form import INF


class ShadowPrices(NamedTuple):
    """The shadow-price LP's answer, row by row in the solver's (scaled) units.

    `bound_up` and `bound_down` are HiGHS's right-hand-side ranging: the values a row's bound may
    be raised or lowered to before the optimal basis changes, that is, the range over which the
    row's dual (its marginal value) holds. Infinite where no change of basis comes; None when
    HiGHS had no basis to range (it then says nothing rather than something wrong)."""

    row_dual: np.ndarray
    row_value: np.ndarray
    bound_up: np.ndarray | None = None
    bound_down: np.ndarray | None = None


def relaxed_duals(compiled: CompiledModel, values: np.ndarray, fix_columns: np.ndarray,
                  time_limit: float | None = None) -> ShadowPrices | None:
    """Row duals, activities and ranges of the LP with `fix_columns` fixed at `values`, other
    integers relaxed.

    Used for shadow prices: cohort open/close decisions are held at the plan's; starts and
    recruits are continuous, so a capacity row's dual is the marginal value of one more unit, and
    its ranging says for how many more units that value holds.

    `time_limit` (seconds) bounds the solve with crossover; past it the interior point's own duals
    are used, without ranging (on the L2 preset the crossover ran 60 s, the interior point 9 s).
    """
    lo = compiled.col_lower.copy()
    hi = compiled.col_upper.copy()
    fixed = np.round(values[fix_columns])
    lo[fix_columns] = fixed
    hi[fix_columns] = fixed

    def interior_point(crossover: bool) -> highspy.Highs:
        h = compiled.copy(lo, hi)
        h.setOptionValue("solver", "ipm")  # with crossover: vertex duals, ~15x fewer seconds than dual simplex here
        if not crossover:
            h.setOptionValue("run_crossover", "off")
        if time_limit is not None:
            h.setOptionValue("time_limit", max(0.01, float(time_limit)))
        h.run()
        return h

    h = interior_point(crossover=True)
    if h.getModelStatus() == highspy.HighsModelStatus.kTimeLimit:
        h = interior_point(crossover=False)
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    up = down = None
    if h.getBasis().valid:  # crossover gives a basis; ranging needs one
        status, ranging = h.getRanging()
        if status == highspy.HighsStatus.kOk and ranging.valid:
            up = np.asarray(ranging.row_bound_up.value_, dtype=float)
            down = np.asarray(ranging.row_bound_dn.value_, dtype=float)
    return ShadowPrices(np.asarray(sol.row_dual, dtype=float), np.asarray(sol.row_value, dtype=float), up, down)


def elastic_solve(compiled: CompiledModel, elastic_rows: list[int], scale: np.ndarray,
                  time_limit: float) -> np.ndarray | None:
    """Minimise the scaled violation of `elastic_rows` (all other rows hard). Returns each elastic
    row's violation (in the row's own units), or None if even that is infeasible.

    A copy of the model with no objective of its own gets one violation column per elastic row:
    an upper-bounded row gets -e (its activity may exceed the limit by e), a lower one +e."""
    n, k = compiled.n_cols, len(elastic_rows)
    h = compiled.copy(integer=compiled.integer, objective=np.zeros(n))
    rows = np.asarray(elastic_rows, dtype=np.int32)
    signs = np.where(compiled.row_upper[rows] < INF, -1.0, 1.0)
    h.addCols(k, 1.0 / np.asarray(scale, dtype=float), np.zeros(k), np.full(k, INF),
              k, np.arange(k, dtype=np.int32), rows, signs)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)[n:]
