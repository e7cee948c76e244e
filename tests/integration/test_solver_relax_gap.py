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


def test_phase_one_is_asked_for_a_share_of_the_gap_with_more_heuristics(monkeypatch):
    # step 2 fixes the cohort decisions at phase 1's plan, so phase 1 must leave the rounding part
    # of the gap (the default's frontier point at 1.25 on highspy 1.16.0: 117 s with phase 1 at the
    # full gap, 10.5 s at half of it), and both phases' heuristics must work harder (W seed 0:
    # 1,013 nodes after phase 1's root at HiGHS's default effort, the root alone at the engine's)
    from optimiser.solver import rounding

    asked = []
    made = rounding._phase_highs

    def recording(compiled, lo, hi, integer, time_limit, mip_rel_gap, objective=None):
        h = made(compiled, lo, hi, integer, time_limit, mip_rel_gap, objective)
        asked.append((mip_rel_gap, h.getOptions().mip_heuristic_effort))
        return h

    monkeypatch.setattr(rounding, "_phase_highs", recording)
    solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=0.02)
    assert 0 < rounding.PHASE_ONE_GAP < 1
    assert asked[0][0] == pytest.approx(min(rounding.PHASE_ONE_GAP * 0.02, rounding.PHASE_ONE_GAP_CAP))
    assert rounding.PHASE_ONE_GAP_CAP < rounding.PHASE_ONE_GAP * 0.02  # the cap binds at this gap
    assert len(asked) >= 2  # phase 1 and at least one rounding box
    assert rounding.HEURISTIC_EFFORT != 0.05  # HiGHS's default
    assert all(effort == pytest.approx(rounding.HEURISTIC_EFFORT) for _gap, effort in asked)
