"""The engine solves whatever thread count an earlier HiGHS run on the same thread started HiGHS's
scheduler with (optimiser/solver/scheduler.py). HiGHS keeps one scheduler per thread, so each case
runs on a thread of its own: a fresh scheduler, whatever this test process ran before."""

import threading

import highspy
import numpy as np
import pytest
from test_solver_rounding import _two_region_cohort

import optimiser
import optimiser.solver as solver
from optimiser.basics.status import Status

pytestmark = pytest.mark.integration


def _plain_highs_run(threads: int | None) -> highspy.HighsModelStatus:
    """A planner's own HiGHS run of a one-row MIP, HiGHS's defaults but `threads` if given."""
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    if threads is not None:
        h.setOptionValue("threads", threads)
    h.addVar(0, 10)
    h.addVar(0, 10)
    h.changeColCost(0, -1)
    h.changeColCost(1, -2)
    h.addRow(-highspy.kHighsInf, 7, 2, np.array([0, 1], dtype=np.int32), np.array([1.0, 1.0]))
    h.changeColIntegrality(0, highspy.HighsVarType.kInteger)
    h.run()
    return h.getModelStatus()


def _on_a_thread_of_its_own(job):
    out = {}

    def target():
        try:
            out["value"] = job()
        except BaseException as e:  # noqa: BLE001 - re-raised on the test's thread
            out["error"] = e

    t = threading.Thread(target=target)
    t.start()
    t.join()
    if "error" in out:
        raise out["error"]
    return out["value"]


# None: HiGHS's default thread count (every core on highspy 1.16, half of them on 1.15: the
# scenario of tests/unit/test_tiers.py); 2: another count than the engine's one on any version.
@pytest.mark.parametrize("first_threads", [None, 2])
def test_the_engine_solves_after_a_plain_highs_run_with_another_thread_count(first_threads):
    def plain_then_engine():
        plain = _plain_highs_run(first_threads)
        return plain, solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)

    plain, outcome = _on_a_thread_of_its_own(plain_then_engine)
    assert plain == highspy.HighsModelStatus.kOptimal
    assert outcome.status == Status.OPTIMAL, outcome.solver_status
    assert outcome.objective == pytest.approx(10.0)  # the cohort cannot run: all 10 unmet


def test_a_whole_plan_with_shadow_prices_after_a_plain_highs_run_on_two_threads(example_dir):
    def plain_then_plan():
        _plain_highs_run(2)
        return optimiser.solve(optimiser.load_scenario(example_dir))  # status quo, plan, shadow prices

    plan = _on_a_thread_of_its_own(plain_then_plan)
    assert plan.status == Status.OPTIMAL and plan.status_quo is not None
    assert plan.binding["shadow_price"].notna().any()


def test_a_plain_highs_run_after_the_engine_still_runs_on_highs_defaults():
    def engine_then_plain():
        solver.run(solver.compile_model(_two_region_cohort()), time_limit=30, mip_rel_gap=1e-6)
        return _plain_highs_run(None)

    assert _on_a_thread_of_its_own(engine_then_plain) == highspy.HighsModelStatus.kOptimal
