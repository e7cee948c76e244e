"""The answer of the two arms (optimiser/solver/portfolio.py `combine`), from hand-made outcomes:
the arm that reached the gap first, else the better plan, always with the better bound. Nothing is
solved."""

import numpy as np
import pytest

from optimiser.basics.status import Status
from optimiser.solver.outcome import SolveOutcome
from optimiser.solver.portfolio import ArmResult, combine

pytestmark = pytest.mark.unit


def _outcome(status, objective, bound, message="") -> SolveOutcome:
    values = None if objective is None else np.array([objective])
    return SolveOutcome(status, message, objective, None, bound, 1.0, values, row_activity=values,
                        phases={"relax_seconds": 1.0})


def test_no_arm_result_leaves_the_engine_answer_as_it_is():
    engine = _outcome(Status.OPTIMAL, 100.0, 99.5)
    assert combine(engine, None, 0.01) is engine


def test_the_plain_arm_that_reached_the_gap_wins_over_the_interrupted_rounding():
    engine = _outcome(Status.CANCELLED, 103.0, 99.0)
    plain = ArmResult(_outcome(Status.OPTIMAL, 100.5, 99.6), nodes=50, reached_gap=True)
    out = combine(engine, plain, 0.01)
    assert out.objective == 100.5 and out.status == Status.OPTIMAL
    assert out.phases["portfolio"] == "plain branch and bound" and out.phases["relax_seconds"] == 1.0
    assert out.dual_bound == 99.6 and out.mip_gap == pytest.approx((100.5 - 99.6) / 100.5)
    assert out.row_activity is None  # run() computes it on the compiled model


def test_the_rounding_that_reached_the_gap_first_wins_with_the_better_bound():
    engine = _outcome(Status.OPTIMAL, 100.8, 99.9)
    plain = ArmResult(_outcome(Status.CANCELLED, 100.2, 100.0), nodes=3, reached_gap=False)
    out = combine(engine, plain, 0.01)
    assert out.objective == 100.8 and out.phases["portfolio"] == "relax and round"
    assert out.dual_bound == 100.0 and out.mip_gap == pytest.approx(0.8 / 100.8)


def test_at_the_time_limit_the_better_plan_wins():
    engine = _outcome(Status.TIME_LIMIT, 102.0, 99.0)
    better = ArmResult(_outcome(Status.TIME_LIMIT, 101.0, 98.0), nodes=9, reached_gap=False)
    assert combine(engine, better, 0.01).objective == 101.0
    engine = _outcome(Status.TIME_LIMIT, 102.0, 99.0)
    worse = ArmResult(_outcome(Status.TIME_LIMIT, 103.0, 98.0), nodes=9, reached_gap=False)
    assert combine(engine, worse, 0.01).objective == 102.0


def test_a_plan_from_either_beats_none():
    engine = _outcome(Status.TIME_LIMIT, None, 99.0)
    plain = ArmResult(_outcome(Status.TIME_LIMIT, 104.0, 98.0), nodes=1, reached_gap=False)
    out = combine(engine, plain, 0.01)
    assert out.objective == 104.0 and out.dual_bound == 99.0
