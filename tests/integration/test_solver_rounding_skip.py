"""The rounding step's hand-over at once (rounding.SKIP_ROUNDING_AT): when phase 1's own gap shows
the binaries' relaxation weak, the rounding is skipped and the full branch and bound runs with
phase 1's bound. The model is tests/unit/test_solver_rounding.py's two-region cohort."""

import pytest
from test_solver_rounding import _two_region_cohort

import optimiser.solver as solver
from optimiser.solver import rounding

pytestmark = pytest.mark.integration


def test_a_phase_one_gap_above_the_threshold_hands_over_at_once(monkeypatch):
    # phase 1 ends at its optimum here (gap 0); a negative threshold puts any gap above it
    monkeypatch.setattr(rounding, "SKIP_ROUNDING_AT", -1.0)
    outcome = solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)
    assert outcome.phases["rounding_skipped"] is True
    assert outcome.phases["handed_over"] is True
    assert outcome.phases["round_seconds"] == 0.0 and outcome.phases["rounding_box"] is None
    assert outcome.status == "optimal" and outcome.objective == pytest.approx(10.0)


def test_a_phase_one_gap_below_the_threshold_keeps_the_rounding():
    outcome = solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)
    assert outcome.phases["relax_gap"] <= rounding.SKIP_ROUNDING_AT * 1e-6
    assert outcome.phases["rounding_skipped"] is False and outcome.phases["rounding_box"] is not None
