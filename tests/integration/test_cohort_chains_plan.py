"""A plan rounded from the LP relaxation alone (cohort_chains.py), on the small v2 preset S2: the
path the solve takes when phase 1 of the rounding has no point within its share of the time."""

import threading

import numpy as np
import pytest

import optimiser
from optimiser.scenario.scenario import scenario_from_raw
from optimiser.solver import background, rounding
from optimiser.solver.background import BackgroundRun
from optimiser.solver.cohort_chains import chain_plan
from optimiser.synthetic import generate

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def built():
    return optimiser.build_plan(scenario_from_raw(generate("S2", 0)))


def test_the_rounded_relaxation_is_a_plan_that_meets_every_row(built):
    compiled = built.compiled
    lp = rounding._lp_without_crossover(compiled, 60)
    lp.run()
    relaxed = np.asarray(lp.getSolution().col_value)
    bound = lp.getInfo().objective_function_value
    values = chain_plan(compiled, relaxed, 60)
    assert values is not None
    assert compiled.is_feasible(values)
    assert compiled.objective_of(values) >= bound - 1e-6 * abs(bound)
    # every gated cohort is either closed or at least its minimum
    m = compiled.model
    number = compiled.column_of
    for by_year in m.cohort_chains.values():
        for cohort in by_year.values():
            total = sum(values[number[id(v)]] for v in cohort.starts if id(v) in number)
            if cohort.opened is not None and total > 0:
                assert total >= cohort.min_cohort - 1e-6


def test_a_solve_whose_phase_one_has_no_point_still_reports_a_plan(built, monkeypatch):
    monkeypatch.setattr(rounding, "PHASE_SHARE", (0.0, rounding.PHASE_SHARE[1]))  # phase 1 stopped at once
    plan = optimiser.solve_built(built, time_limit=10, gap=0.01, explain=False)
    assert plan.phases["relaxation"] == "LP without crossover"
    assert plan.objective is not None and plan.status in ("optimal", "time_limit")


def test_a_phase_one_that_answers_no_callback_is_left_behind_and_the_solve_ends(built, monkeypatch):
    # L2 on highspy 1.15.1: phase 1 called no callback for over a minute after its root LP, so its
    # deadline could not stop it. Here its thread is held before it starts and the solve waits for
    # it no time at all: the LP without crossover must take its place while it is still running.
    held = threading.Event()
    runs = []

    class Held(BackgroundRun):
        def _run(self):
            runs.append(self)
            held.wait(60)
            super()._run()

    monkeypatch.setattr(rounding, "BackgroundRun", Held)
    monkeypatch.setattr(background, "ABANDON_AFTER_S", -1e6)
    plan = optimiser.solve_built(built, time_limit=20, gap=0.01, explain=False)
    assert len(runs) == 1 and runs[0].abandoned
    assert plan.phases["relaxation"] == "LP without crossover"
    assert plan.phases["relax_nodes"] is None
    assert plan.objective is not None and plan.status in ("optimal", "time_limit")
    assert built.compiled.is_feasible(plan.column_values)
    held.set()  # phase 1 now runs: its deadline is long past, so its first callback stops it
    assert runs[0].wait(30)
