"""The rounding step of the solve (relax_and_round): its fallback when no rounding holds a plan.
The model is tests/unit/test_solver_rounding.py's two-region cohort."""

import pytest
from test_solver_rounding import _two_region_cohort

import optimiser.solver as solver

pytestmark = pytest.mark.integration


def test_a_relaxation_whose_rounding_holds_no_plan_still_ends_at_the_optimum():
    compiled = solver.compile_model(_two_region_cohort())
    outcome = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6)
    assert outcome.status == "optimal"
    # closed cohort: shortfall 10, no opening cost; running it could supply at most 7 < 8
    assert outcome.objective == pytest.approx(10.0)
