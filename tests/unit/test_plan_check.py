"""The independent plan check (optimiser/solver/check.py, optimiser/pipeline/plan_check.py): a plan
put back through the compiled rows, bounds and integrality in numpy, its objective recomputed, and
the worst row named in the planner's words. Models are compiled here, never solved."""

import numpy as np
import pyomo.environ as pyo
import pytest

from optimiser.model.parts import Role, RowFamily, add_rows
from optimiser.pipeline.plan_check import checked_plan
from optimiser.solver import compile_model
from optimiser.solver.check import RELATIVE_TOLERANCE, check_plan

pytestmark = pytest.mark.unit

CAP = RowFamily("cap", "placement weeks", ("region", "year"), "weeks", Role.LIMIT, row_scale=10.0)
NEED = RowFamily("need", "contracted starts", ("route",), "starts", Role.REQUIREMENT)


class _Data:
    """The few ModelData names index_words reads."""
    region_names = {"a": "Region A"}
    group_names: dict = {}
    provider_names: dict = {}


def _model() -> pyo.ConcreteModel:
    """x1 + x2 <= 12 (placement weeks of region a in 2026, scaled by 10), x2 + x3 >= 4, x in 0..10,
    x1 and x2 integer."""
    m = pyo.ConcreteModel()
    m.families = {}
    m.x = pyo.Var([1, 2, 3], domain=lambda _m, i: pyo.NonNegativeIntegers if i < 3 else pyo.NonNegativeReals,
                  bounds=(0, 10))
    add_rows(m, CAP, {("a", 2026): m.x[1] + m.x[2] <= 12})
    add_rows(m, NEED, {"ug": m.x[2] + m.x[3] >= 4})
    m.obj = pyo.Objective(expr=m.x[1] + 2 * m.x[2] + 3 * m.x[3] + 5)
    return m


def _values(compiled, by_index: dict[int, float]) -> np.ndarray:
    return np.array([by_index[v.index()] for v in compiled.columns], dtype=float)


def test_a_plan_meeting_every_row_passes_and_its_objective_is_recomputed():
    compiled = compile_model(_model())
    values = _values(compiled, {1: 8, 2: 4, 3: 0})
    check = check_plan(compiled, values, objective=8 + 8 + 5)
    assert check.ok and check.row_violation == 0 and check.worst_row is None
    assert check.objective_recomputed == pytest.approx(21.0)


def test_the_largest_break_of_a_row_is_found_and_named_in_the_planners_words():
    compiled = compile_model(_model())
    values = _values(compiled, {1: 10, 2: 5, 3: 0})  # 15 > 12: the cap broken by 3 (30 weeks)
    check = check_plan(compiled, values, objective=compiled.objective_of(values))
    assert check.breaks_a_row and not check.ok
    assert check.row_violation == pytest.approx(3.0)
    assert check.row_relative_violation == pytest.approx(3.0 / 12)
    named = checked_plan(compiled, _Data(), values, compiled.objective_of(values))
    assert named.facts["plan_check_worst_row"] == "placement weeks, Region A, 2026"
    assert named.facts["plan_check_largest_row_violation"] == pytest.approx(30.0)  # in weeks, scale undone
    assert "placement weeks, Region A, 2026" in named.problem and "30 weeks" in named.problem


def test_a_requirement_broken_a_hair_within_tolerance_passes_and_beyond_it_does_not():
    compiled = compile_model(_model())
    within = _values(compiled, {1: 0, 2: 2, 3: 2 - 2 * RELATIVE_TOLERANCE})  # short of 4 by half the tolerance
    assert check_plan(compiled, within).ok
    beyond = _values(compiled, {1: 0, 2: 2, 3: 2 - 8 * RELATIVE_TOLERANCE})
    check = check_plan(compiled, beyond)
    assert check.breaks_a_row
    assert checked_plan(compiled, _Data(), beyond, None).facts["plan_check_worst_row"] == "contracted starts, ug"


def test_bounds_integrality_and_a_wrong_objective_are_each_caught():
    compiled = compile_model(_model())
    above = _values(compiled, {1: 11, 2: 0, 3: 4})  # x1 <= 10 broken; the cap row still holds at 11
    assert check_plan(compiled, above).breaks_a_bound
    fraction = _values(compiled, {1: 1.5, 2: 2, 3: 2})
    check = check_plan(compiled, fraction)
    assert check.breaks_integrality and check.integrality_violation == pytest.approx(0.5)
    assert "not a whole number" in checked_plan(compiled, _Data(), fraction, None).problem
    good = _values(compiled, {1: 1, 2: 2, 3: 2})
    wrong = check_plan(compiled, good, objective=compiled.objective_of(good) + 0.01)
    assert not wrong.objective_agrees and not wrong.ok
    # a plan that holds but whose reported objective is wrong stands, told with its own objective
    told = checked_plan(compiled, _Data(), good, compiled.objective_of(good) + 0.01)
    assert told.problem is None
    assert "but the plan's own is" in told.objective_note and told.facts["plan_check_objective_difference"] > 0


@pytest.mark.parametrize("values", [np.array([1.0, 2.0]), np.array([1.0, np.nan, 2.0])])
def test_values_that_are_not_one_finite_number_per_column_are_no_plan(values):
    compiled = compile_model(_model())
    named = checked_plan(compiled, _Data(), values, 1.0)
    assert not named.check.ok
    assert "not one finite value per decision" in named.problem
