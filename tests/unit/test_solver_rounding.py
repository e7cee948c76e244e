"""The rounding step of the solve (relax_and_round): its neighbourhoods, built without solving.
Its fallback, which solves, is in tests/integration/test_solver_rounding_fallback.py."""

import numpy as np
import pyomo.environ as pyo
import pytest

from optimiser.solver import compile_model
from optimiser.solver.rounding import rens_box

pytestmark = pytest.mark.unit


def _two_region_cohort() -> pyo.ConcreteModel:
    """One cohort (minimum 8 learners if it runs) split over two regions whose placement capacity
    holds 2.5 and 5.5 learners. The relaxation runs it with exactly 2.5 + 5.5 = 8; no integer split
    reaches 8 (at most 2 + 5), so the cohort must close and the whole demand of 10 goes unmet."""
    m = pyo.ConcreteModel()
    m.x = pyo.Var([1, 2], domain=pyo.NonNegativeIntegers, bounds=(0, 20))
    m.open = pyo.Var(domain=pyo.Binary)
    m.shortfall = pyo.Var(domain=pyo.NonNegativeReals)
    m.cap_a = pyo.Constraint(expr=2 * m.x[1] <= 5)
    m.cap_b = pyo.Constraint(expr=2 * m.x[2] <= 11)
    m.cohort_min = pyo.Constraint(expr=m.x[1] + m.x[2] >= 8 * m.open)
    m.cohort_max = pyo.Constraint(expr=m.x[1] + m.x[2] <= 20 * m.open)
    m.cover = pyo.Constraint(expr=m.x[1] + m.x[2] + m.shortfall >= 10)
    m.obj = pyo.Objective(expr=m.shortfall + 0.01 * m.open)
    return m


def test_rounding_boxes_widen_from_floor_and_ceiling_to_rounding_down_to_binaries_only():
    compiled = compile_model(_two_region_cohort())
    cols = {v.name: j for j, v in enumerate(compiled.columns)}
    relaxed = np.zeros(compiled.n_cols)
    relaxed[cols["x[1]"]], relaxed[cols["x[2]"]], relaxed[cols["open"]] = 2.5, 5.5, 1.0
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    x1, x2, op = cols["x[1]"], cols["x[2]"], cols["open"]
    lo, hi = rens_box(compiled, relaxed, free, general, 0)
    assert (lo[x1], hi[x1], lo[x2], hi[x2], lo[op], hi[op]) == (2, 3, 5, 6, 1, 1)
    lo, hi = rens_box(compiled, relaxed, free, general, "down")
    assert (lo[x1], hi[x1], lo[x2], hi[x2]) == (0, 3, 0, 6)
    lo, hi = rens_box(compiled, relaxed, free, general, None)
    assert (lo[x1], hi[x1], lo[x2], hi[x2], lo[op], hi[op]) == (0, 20, 0, 20, 1, 1)
