"""The plain branch and bound beside relax and round (optimiser/solver/portfolio.py, off by default and
switched on here), and phase 1's
fallback to the LP without crossover when it has no point within its share (rounding.py).
The small model is tests/unit/test_solver_rounding.py's two-region cohort; the fallback is shown on
the synthetic preset S, whose phase 1 cannot end within a hundredth of a second."""

import threading

import pytest
from test_solver_rounding import _two_region_cohort

import optimiser
import optimiser.solver as solver
import optimiser.solver.portfolio as portfolio
import optimiser.solver.rounding as rounding
from optimiser.scenario.scenario import scenario_from_raw
from optimiser.synthetic import generate

pytestmark = pytest.mark.integration


def _arm_threads(wait_s: float = 10.0) -> list[threading.Thread]:
    """The plain arms' threads still running after up to `wait_s` (a stopped arm ends at its next
    check)."""
    arms = [t for t in threading.enumerate() if t.name == "engine-plain-branch-and-bound"]
    for t in arms:
        t.join(wait_s)
    return [t for t in arms if t.is_alive()]


@pytest.fixture
def plain_arm_on(monkeypatch):
    monkeypatch.setattr(portfolio, "PLAIN_ARM", True)  # off by default (portfolio.PLAIN_ARM)


def test_by_default_relax_and_round_runs_alone():
    outcome = solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)
    assert "plain_arm" not in outcome.phases and outcome.objective == pytest.approx(10.0)
    assert not _arm_threads(0.0)


def test_a_tight_relaxation_stops_the_plain_arm_and_the_answer_repeats_exactly(plain_arm_on):
    compiled = solver.compile_model(_two_region_cohort())
    first = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6)
    again = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6)
    assert first.phases["plain_arm"] == "stopped after phase 1"  # phase 1's gap 0: not weak
    assert "portfolio" not in first.phases  # relax and round's answer alone
    assert first.objective == again.objective == pytest.approx(10.0)
    assert (first.values == again.values).all()
    assert not _arm_threads()  # the arm's thread has ended with the solve


def test_a_weak_relaxation_keeps_the_plain_arm_and_the_answer_is_the_better_of_the_two(plain_arm_on, monkeypatch):
    monkeypatch.setattr(portfolio, "WEAK_RELAXATION", -1.0)  # every phase-1 gap counts as weak
    compiled = solver.compile_model(_two_region_cohort())
    outcome = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6)
    assert outcome.phases["plain_arm"] == "beside the rounding"
    # which arm's plan it is depends on which thread was quicker (the arm may not have started yet)
    assert outcome.phases.get("portfolio", "relax and round") in ("relax and round", "plain branch and bound")
    assert outcome.status == "optimal" and outcome.objective == pytest.approx(10.0)
    assert compiled.is_feasible(outcome.values)
    assert outcome.row_activity is not None and not _arm_threads()


def test_the_exported_numbers_are_read_back_once_per_compiled_model():
    compiled = solver.compile_model(_two_region_cohort())
    matrix, costs, _offset = portfolio._exported_form(compiled)
    assert list(costs) == pytest.approx(list(compiled.cost))
    assert portfolio._exported_form(compiled)[0] is matrix  # kept, not written again


def test_cancelling_stops_both_arms(plain_arm_on):
    compiled = solver.compile_model(_two_region_cohort())
    outcome = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6, progress=lambda report: True)
    assert outcome.status == "cancelled"
    assert not _arm_threads()


def test_phase_one_without_a_point_in_its_share_falls_back_to_the_lp_without_crossover(monkeypatch):
    built = optimiser.build_plan(scenario_from_raw(generate("S", 0)))
    monkeypatch.setattr(rounding, "PHASE_SHARE", (1e-4, 0.8))  # phase 1 stopped at once
    plan = optimiser.solve_built(built, time_limit=60, gap=0.05, explain=False)
    assert plan.phases["relaxation"] == "LP without crossover"
    assert plan.phases["relax_gap"] is None
    assert plan.feasible and plan.objective is not None
