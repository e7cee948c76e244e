"""Each run on a kept HiGHS instance has a clock of its own: HiGHS's run clock otherwise counts
every earlier run of that instance, and a time limit is checked against it (restart_clock)."""

import time

import pytest
from test_solver_rounding import _two_region_cohort

import optimiser
import optimiser.solver as solver

pytestmark = pytest.mark.integration


def test_the_kept_mip_instance_times_only_its_last_run():
    compiled = solver.compile_model(_two_region_cohort())  # rounding holds no plan: the kept MIP runs

    def slow(report):
        time.sleep(0.3)  # HiGHS's clock runs while its callbacks do

    first = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6, progress=slow)
    assert not first.solver_status.startswith("rounding phase") and compiled.highs.getRunTime() >= 0.3
    second = solver.run(compiled, time_limit=30, mip_rel_gap=1e-6)
    assert not second.solver_status.startswith("rounding phase")
    assert second.objective == pytest.approx(first.objective)
    assert compiled.highs.getRunTime() <= second.solve_seconds < 0.3


def test_the_kept_lp_relaxation_times_only_its_last_run(example_dir):
    compiled = optimiser.build_plan(optimiser.load_scenario(example_dir)).compiled
    bounds = []
    for _ in range(3):
        t0 = time.perf_counter()
        bounds.append(compiled.relaxation_bound())
        last = time.perf_counter() - t0
    assert bounds[0] is not None and bounds == [bounds[0]] * 3
    assert 0 < compiled.relaxation.getRunTime() <= last
