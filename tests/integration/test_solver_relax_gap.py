"""Phase 1's own gap in the solve's phases (`relax_gap`): its relaxed plan against its bound, the
measure of how weak the binaries' relaxation is (benchmarks/README.md, "What decided W").
The model is tests/unit/test_solver_rounding.py's two-region cohort."""

import pytest
from test_solver_rounding import _two_region_cohort

import optimiser.solver as solver

pytestmark = pytest.mark.integration


def test_phase_one_records_its_own_gap():
    outcome = solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)
    # phase 1 (the cohort binary kept, x relaxed) ends at its optimum: open, x = 2.5 + 5.5, shortfall 2
    assert outcome.phases["relax_gap"] == pytest.approx(0.0, abs=1e-6)
    assert outcome.phases["rounding_box"] is not None
