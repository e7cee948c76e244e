"""The search that betters a stalled rounding box's plan a few cohort chains at a time
(rounding.search_chains, cohort_chains.chain_neighbourhood), and the stall rule that starts it
(Watch.attach's `stall`)."""

import time

import numpy as np
import pyomo.environ as pyo
import pytest

from optimiser.model.families.training import Cohort
from optimiser.solver import compile_model, rounding
from optimiser.solver.cohort_chains import chain_neighbourhood, chains_by_rounding
from optimiser.solver.rounding import rens_box, search_chains
from optimiser.solver.watch import Watch

pytestmark = pytest.mark.integration

YEARS = (1, 2, 3)


def _two_chains() -> pyo.ConcreteModel:
    """Providers P and Q over three years, and recruits r outside every chain. Each year's demand
    of 5 is met by starts (P's count 1, Q's 1.5), by recruits (who count every year) or left short
    at 10 a head; P's starts cost 1 each, Q's 1.2, a recruit 4. The best plan trains P 2 and Q 2 a
    year and recruits nobody (13.2)."""
    m = pyo.ConcreteModel()
    m.p = pyo.Var(YEARS, domain=pyo.NonNegativeIntegers, bounds=(0, 4))
    m.q = pyo.Var(YEARS, domain=pyo.NonNegativeIntegers, bounds=(0, 4))
    m.r = pyo.Var(domain=pyo.NonNegativeIntegers, bounds=(0, 10))
    m.short = pyo.Var(YEARS, domain=pyo.NonNegativeReals)
    m.demand = pyo.Constraint(YEARS, rule=lambda m, y: m.p[y] + 1.5 * m.q[y] + m.r + m.short[y] >= 5)
    m.obj = pyo.Objective(expr=sum(10 * m.short[y] + m.p[y] + 1.2 * m.q[y] for y in YEARS) + 4 * m.r)
    # Q first in the model's order; P's relaxed starts are the more often fractional
    m.cohort_chains = {("q", "ug"): {y: Cohort((m.q[y],), None, 0.0, 4.0, 0.0) for y in YEARS},
                       ("p", "ug"): {y: Cohort((m.p[y],), None, 0.0, 4.0, 0.0) for y in YEARS}}
    return m


def _setup():
    compiled = compile_model(_two_chains())
    cols = {v.name: j for j, v in enumerate(compiled.columns)}
    relaxed = np.zeros(compiled.n_cols)
    for y in YEARS:
        relaxed[cols[f"p[{y}]"]] = 1.5
        relaxed[cols[f"q[{y}]"]] = 2.5 if y == 1 else 2.0
    relaxed[cols["r"]] = 0.4
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    return compiled, cols, relaxed, rens_box(compiled, relaxed, free, general, 0)


def _plan(compiled, cols, p: int, q: int, r: int) -> np.ndarray:
    """A feasible plan with these starts each year and these recruits, shortfalls as they fall."""
    values = np.zeros(compiled.n_cols)
    for y in YEARS:
        values[cols[f"p[{y}]"]], values[cols[f"q[{y}]"]] = p, q
        values[cols[f"short[{y}]"]] = max(0.0, 5 - p - 1.5 * q - r)
    values[cols["r"]] = r
    assert compiled.is_feasible(values)
    return values


def test_a_neighbourhood_reopens_only_its_chains_and_keeps_the_plan_inside():
    compiled, cols, relaxed, (box_lo, box_hi) = _setup()
    chains = chains_by_rounding(compiled, relaxed)
    p_cols = sorted(cols[f"p[{y}]"] for y in YEARS)
    assert sorted(int(j) for j in chains[0]) == p_cols  # three fractional starts against one
    in_chains = np.isin(np.arange(compiled.n_cols), np.concatenate(chains))
    plan = _plan(compiled, cols, 0, 1, 1)
    lo, hi = chain_neighbourhood(compiled, relaxed, plan, box_lo, box_hi, in_chains, [chains[0]])
    for y in YEARS:
        # P's starts within a unit of the floor and ceiling of 1.5; Q's held at the plan's 1
        assert (lo[cols[f"p[{y}]"]], hi[cols[f"p[{y}]"]]) == (0, 3)
        assert (lo[cols[f"q[{y}]"]], hi[cols[f"q[{y}]"]]) == (1, 1)
        assert (lo[cols[f"short[{y}]"]], hi[cols[f"short[{y}]"]]) == (0, np.inf)
    # recruits within their rounding box [0, 1], which holds the plan's 1
    assert (lo[cols["r"]], hi[cols["r"]]) == (0, 1)
    # a plan outside the box still lies inside its neighbourhood
    lo, hi = chain_neighbourhood(compiled, relaxed, _plan(compiled, cols, 0, 0, 4), box_lo, box_hi, in_chains, [])
    assert (lo[cols["r"]], hi[cols["r"]]) == (0, 4)
    assert (lo[cols["p[1]"]], hi[cols["p[1]"]]) == (0, 0)


def _search(plan, stop_at, watch=None, end_in=30.0):
    compiled, cols, relaxed, box = _setup()
    watch = watch or Watch(None, time.perf_counter())
    return search_chains(compiled, relaxed, plan(compiled, cols), compiled.objective_of(plan(compiled, cols)), box,
                         time.perf_counter() + end_in, stop_at, 5.0, watch)


def test_the_search_reopens_chains_in_turn_until_a_whole_round_gives_nothing(monkeypatch):
    monkeypatch.setattr(rounding, "CHAINS_PER_NEIGHBOURHOOD", 1)
    start = lambda compiled, cols: _plan(compiled, cols, 0, 1, 1)  # noqa: E731
    plan, objective, searched, better = _search(start, -np.inf)
    # from 82.6: P (reopened first) rises to 3 while Q is held at 1 (16.6); Q to 2 and the recruit
    # goes (16.2); P back to 2 (13.2); then neither chain alone does better, and the search ends
    # after a whole round without a better plan
    compiled, cols, _, _ = _setup()
    assert objective == pytest.approx(compiled.objective_of(plan))
    assert compiled.is_feasible(plan)
    assert (searched, better) == (5, 3)
    assert objective == pytest.approx(13.2)  # the best plan: P 2, Q 2 each year, no recruits
    assert plan[cols["r"]] == 0


def test_the_search_stops_at_the_mark_or_when_cancelled(monkeypatch):
    monkeypatch.setattr(rounding, "CHAINS_PER_NEIGHBOURHOOD", 1)
    start = lambda compiled, cols: _plan(compiled, cols, 0, 1, 1)  # noqa: E731
    _, objective, searched, better = _search(start, 40.0)
    assert (searched, better) == (1, 1) and objective <= 40.0
    cancelled = Watch(None, time.perf_counter())
    cancelled.cancelled = True
    _, objective, searched, _ = _search(start, -np.inf, cancelled)
    assert searched == 0
    _, _, searched, _ = _search(start, -np.inf, end_in=-1.0)
    assert searched == 0


def _knapsack() -> pyo.ConcreteModel:
    """Forty items into three knapsacks of half their total weight: HiGHS finds plans before its
    optimum, and calls back in between."""
    rng = np.random.default_rng(0)
    weight, value = rng.integers(20, 60, size=(3, 40)), rng.integers(10, 80, size=40)
    m = pyo.ConcreteModel()
    m.x = pyo.Var(range(40), domain=pyo.Binary)
    m.cap = pyo.Constraint(range(3), rule=lambda m, k: sum(int(weight[k, i]) * m.x[i] for i in range(40))
                           <= int(weight[k].sum() // 2))
    m.obj = pyo.Objective(expr=-sum(int(value[i]) * m.x[i] for i in range(40)))
    return m


def test_a_stalled_phase_is_stopped_by_callback_or_by_its_moved_time_limit():
    compiled = compile_model(_knapsack())
    watch = Watch(None, time.perf_counter())
    runs = []
    for stall in (0.0, None):  # stopped as soon as it has a plan; no stall rule
        h = compiled.copy(compiled.col_lower, compiled.col_upper, compiled.integer)
        h.setOptionValue("time_limit", 1000.0)
        watch.attach(h, plans=True, bounds=False, stall=stall)
        h.run()
        runs.append((h.getModelStatus().name, h.getInfo().objective_function_value, h.getOptionValue("time_limit")[1]))
    (status, first, limit), (status_after, best, limit_after) = runs
    assert status in ("kInterrupt", "kTimeLimit") and first > best + 1
    assert limit < 1.0  # HiGHS's own limit was moved to the first plan's time (it checks it in cut rounds)
    assert status_after == "kOptimal" and limit_after == 1000.0
