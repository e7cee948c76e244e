"""The rounding box with conflicting cohort chains freed (rounding_box "chains",
cohort_chains.chains_in_conflict): found with HiGHS's presolve, so it lives with the solves."""

import time

import highspy
import numpy as np
import pyomo.environ as pyo
import pytest

from optimiser.model.families.training import Cohort
from optimiser.solver import compile_model
from optimiser.solver.cohort_chains import chains_in_conflict
from optimiser.solver.rounding import RENS_WIDENING, _first_box, any_plan, rens_box, rounding_box
from optimiser.solver.watch import Watch

pytestmark = pytest.mark.integration


def _three_chains(with_chains: bool = True, need: float = 4) -> pyo.ConcreteModel:
    """Three providers' chains. A's relaxed starts are 2.5 in region 1 (whose placements hold 2.5)
    and 0 in region 2; B's 1.5 (its region holds 1.5); together they must reach 4. Rounded within a
    unit, A gives at most 2 and B at most 1: the box is empty. Freeing B does not help (its region
    caps it at 1); freeing A lets its region-2 starts rise to 1. C is unrelated."""
    m = pyo.ConcreteModel()
    m.a = pyo.Var([1, 2], domain=pyo.NonNegativeIntegers, bounds=(0, 20))
    m.b = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 20))
    m.c = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 20))
    m.shortfall = pyo.Var(domain=pyo.NonNegativeReals)
    m.region_1 = pyo.Constraint(expr=2 * m.a[1] <= 5)
    m.region_b = pyo.Constraint(expr=2 * m.b <= 3)
    m.together = pyo.Constraint(expr=m.a[1] + m.a[2] + m.b >= need)
    m.demand_c = pyo.Constraint(expr=m.c + m.shortfall >= 0.5)
    m.obj = pyo.Objective(expr=m.shortfall + 0.1 * (m.a[1] + m.a[2] + m.b + m.c))
    if with_chains:
        # B first, so the bisection has to pass over it to find A
        m.cohort_chains = {("b", "ug"): {2024: Cohort((m.b,), None, 0.0, 20.0, 0.0)},
                           ("a", "ug"): {2024: Cohort((m.a[1], m.a[2]), None, 0.0, 20.0, 0.0)},
                           ("c", "ug"): {2024: Cohort((m.c,), None, 0.0, 20.0, 0.0)}}
    return m


def _point(compiled, values: dict[str, float]) -> np.ndarray:
    cols = {v.name: j for j, v in enumerate(compiled.columns)}
    relaxed = np.zeros(compiled.n_cols)
    for name, x in values.items():
        relaxed[cols[name]] = x
    return relaxed, cols


RELAXED = {"a[1]": 2.5, "a[2]": 0.0, "b": 1.5, "c": 0.5}


def test_only_the_conflicting_chain_is_freed_and_its_box_holds_a_plan():
    compiled = compile_model(_three_chains())
    relaxed, cols = _point(compiled, RELAXED)
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    lo0, hi0 = rens_box(compiled, relaxed, free, general, 0)
    freed = chains_in_conflict(compiled, lo0, hi0, 30)
    assert sorted(int(j) for j in freed) == sorted([cols["a[1]"], cols["a[2]"]])
    lo, hi = rounding_box(compiled, relaxed, free, general, "chains", 30)
    assert (lo[cols["a[2]"]], hi[cols["a[2]"]]) == (0, 20)
    assert (lo[cols["b"]], hi[cols["b"]], lo[cols["c"]], hi[cols["c"]]) == (1, 2, 0, 1)
    h = compiled.copy(lo, hi, compiled.integer)
    h.run()
    values = np.asarray(h.getSolution().col_value)
    assert compiled.is_feasible(values)
    assert values[cols["a[2]"]] >= 1 - 1e-6  # the plan uses the freed chain's other region
    # and the floor-to-ceiling box really is empty
    h0 = compiled.copy(lo0, hi0, compiled.integer)
    h0.run()
    assert h0.getInfo().primal_solution_status != 2


def test_the_chains_box_is_skipped_when_it_cannot_help():
    # no chains declared (as on the robust solve's extensive form): nothing to free
    compiled = compile_model(_three_chains(with_chains=False))
    relaxed, _ = _point(compiled, RELAXED)
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    assert rounding_box(compiled, relaxed, free, general, "chains", 30) is None
    # the floor-to-ceiling box already holds a plan: there is no conflict to look for
    compiled = compile_model(_three_chains())
    relaxed, _ = _point(compiled, {"a[1]": 2.0, "a[2]": 1.0, "b": 1.0, "c": 0.5})
    assert rounding_box(compiled, relaxed, free, general, "chains", 30) is None
    # no time to search, or the solve cancelled
    relaxed, _ = _point(compiled, RELAXED)
    assert rounding_box(compiled, relaxed, free, general, "chains", 0.0) is None
    assert rounding_box(compiled, relaxed, free, general, "chains", 30, stop=lambda: True) is None
    assert rounding_box(compiled, relaxed, free, general, "chains", 30, stop=lambda: False) is not None
    assert RENS_WIDENING.index("chains") == RENS_WIDENING.index(0) + 1


def test_a_plan_for_any_cost_opens_the_chains_box_and_an_empty_box_says_so():
    compiled = compile_model(_three_chains())
    relaxed, cols = _point(compiled, RELAXED)
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    watch = Watch(None, time.perf_counter())
    empty = any_plan(compiled, rens_box(compiled, relaxed, free, general, 0), time.perf_counter() + 30, watch)
    assert empty.values is None and empty.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible
    box = rounding_box(compiled, relaxed, free, general, "chains", 30)
    found = any_plan(compiled, box, time.perf_counter() + 30, watch)
    assert found.any_plan and found.stops.first_plan_stop
    assert compiled.is_feasible(found.values)
    assert np.all(found.values >= box[0] - 1e-6) and np.all(found.values <= box[1] + 1e-6)
    # its objective is the model's, not the zero costs it was searched with
    assert found.objective == pytest.approx(compiled.objective_of(found.values)) and found.objective > 0.4


def test_the_first_box_past_an_empty_one_starts_from_a_plan_for_any_cost():
    compiled = compile_model(_three_chains())
    relaxed, _ = _point(compiled, RELAXED)
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    t0 = time.perf_counter()
    stops = dict(stop_at=0.5, patience=1.0, stall=5.0, first_plan_within=0.6)
    widen, box, found, end = _first_box(compiled, relaxed, free, general, t0, 30.0, Watch(None, t0), **stops)
    assert widen == "chains" and found.any_plan and compiled.is_feasible(found.values)
    assert end > time.perf_counter()
    # without a mark (no bound from phase 1) the box is searched as before
    widen, _, found, _ = _first_box(compiled, relaxed, free, general, t0, 30.0, Watch(None, t0),
                                    **{**stops, "stop_at": None})
    assert widen == "chains" and not found.any_plan and compiled.is_feasible(found.values)


def test_when_every_box_is_empty_the_first_box_has_no_plan_and_no_error():
    # a need no plan meets (A at most 2 + 20, B at most 1): every box, the widest too, is empty
    compiled = compile_model(_three_chains(need=30))
    relaxed, _ = _point(compiled, RELAXED)
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    t0 = time.perf_counter()
    widen, _, found, _ = _first_box(compiled, relaxed, free, general, t0, 30.0, Watch(None, t0),
                                    stop_at=0.5, patience=1.0, stall=5.0, first_plan_within=0.6)
    assert widen is RENS_WIDENING[-1] and found.values is None and not found.any_plan
