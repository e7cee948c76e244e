"""A built plan is left exactly as it was after a frontier or a fixed-plan evaluation on it, also
when one fails half-way: the next solve of that plan is the solve of a fresh build."""

import numpy as np
import pytest

import optimiser
from optimiser.analysis.evaluate import DECISION_LIMITS
from optimiser.pipeline.api import frontier_built
from optimiser.solver import run

pytestmark = pytest.mark.integration


def snapshot(compiled) -> dict[str, np.ndarray]:
    """Row and column bounds as the compiled model, its MIP instance and its kept LP relaxation hold them."""
    out = {"rows": np.array([compiled.row_lower, compiled.row_upper]),
           "cols": np.array([compiled.col_lower, compiled.col_upper])}
    for name, h in (("mip", compiled.highs), ("relaxation", compiled.relaxation)):
        lp = h.getLp()
        out[f"{name} rows"] = np.array([lp.row_lower_, lp.row_upper_])
        out[f"{name} cols"] = np.array([lp.col_lower_, lp.col_upper_])
    return out


class Stop(Exception):
    pass


@pytest.fixture
def example(example_dir):
    return optimiser.load_scenario(example_dir)


def test_an_exception_mid_frontier_leaves_the_built_plan_as_it_was(example):
    built = optimiser.build_plan(example, "min_shortfall")
    built.compiled.relaxation_bound()  # keep an LP relaxation, so that its bounds are checked too
    before, data = snapshot(built.compiled), built.data
    budget_rows = [i for _, _, i in built.compiled.rows_of(("budget_yearly",))]
    seen = []

    def stop_after_two(done, total, plan):
        # the point's budget rows are still scaled while it is reported, in every HiGHS instance
        seen.append(snapshot(built.compiled))
        if done == 2:
            raise Stop

    with pytest.raises(Stop):
        frontier_built(built, [0.5, 0.75, 2.0], optimiser.project(example), progress=stop_after_two)
    assert len(seen) == 2
    for key in ("rows", "mip rows", "relaxation rows"):
        np.testing.assert_array_equal(seen[1][key][1][budget_rows], before[key][1][budget_rows] * 0.75, err_msg=key)
    after = snapshot(built.compiled)
    for key in before:
        np.testing.assert_array_equal(before[key], after[key], err_msg=key)
    assert built.data is data
    # the next solve of the plan is that of the unchanged model: the worked example's 1.5m optimum
    plan = optimiser.solve_built(built)
    assert plan.status == "optimal" and plan.weighted_shortfall == pytest.approx(1007.496, abs=1e-3)


def test_a_fixed_plan_evaluated_on_a_built_plan_leaves_it_as_it_was(example):
    built = optimiser.build_plan(example, "min_shortfall")
    compiled = built.compiled
    best = optimiser.solve_built(built)
    compiled.relaxation_bound()
    before = snapshot(compiled)
    limits = [i for _, _, i in compiled.rows_of(DECISION_LIMITS)]
    # twice the optimal plan's starts and recruits (cohorts open as they were): over budget, so
    # it needs the limits relaxed
    doubled = {j: round(v) * (1 if compiled.binary[j] else 2)
               for j, v in enumerate(best.column_values) if compiled.integer[j]}
    with compiled.relaxed_rows(limits), compiled.fixed_columns(doubled):
        outcome = run(compiled, 30, 1e-9)
    assert outcome.holds_plan
    assert all(outcome.values[j] == v for j, v in doubled.items())
    after = snapshot(compiled)
    for key in before:
        np.testing.assert_array_equal(before[key], after[key], err_msg=key)
    again = optimiser.solve_built(built)
    assert again.status == "optimal" and again.weighted_shortfall == pytest.approx(best.weighted_shortfall, abs=1e-6)
