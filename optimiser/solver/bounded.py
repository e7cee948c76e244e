"""Relax and evaluate: the robust solve's search on an assembled extensive form (decomposition.py
splits it; knows no scenario).

The bound is the extensive form's LP relaxation (interior point, no crossover: one solve). The
candidates are the caller's start (the deterministic plan) and, when that is outside the gap of the
bound, the relaxation made whole in the engine's rounding neighbourhood. Each candidate is evaluated
exactly in every future (one small LP per future, the first stage fixed: about 0.07 s on the
default), and the cheapest is the answer, with its exact objective and its gap to the bound as they
are: within the gap the status is optimal, otherwise time_limit (the caller may search on).
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from optimiser.basics.status import Status
from optimiser.solver.decomposition import (
    Decomposition,
    RecourseError,
    _risk,
    _search,
)
from optimiser.solver.extensive import ExtensiveForm
from optimiser.solver.outcome import relative_gap
from optimiser.solver.rounding import (
    CONFLICT_SEARCH_SHARE,
    RENS_WIDENING,
    _phase_highs,
    rounding_box,
)
from optimiser.solver.standard_form import StandardForm
from optimiser.solver.watch import Watch


def solve_bounded(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float],
                  alpha: float | None, time_limit: float, mip_rel_gap: float,
                  start: np.ndarray | None = None) -> Decomposition:
    """The extensive form `ext`, assembled from the blocks `forms` with `weights` and `alpha` (as
    given to `assemble`), by relax and evaluate (the module docstring). `start`: a solution of the
    first-stage columns in extensive-form order (the rest is ignored), e.g. the deterministic plan.
    Raises RecourseError when neither candidate has a second stage in every future."""
    t_all = time.perf_counter()
    deadline = t_all + time_limit
    search = _search(ext, forms, weights)
    futures, p, c1, n1 = search.futures, search.p, search.c1, search.n1
    seconds = {"split_seconds": time.perf_counter() - t_all, "subproblem_seconds": 0.0, "relaxation_seconds": 0.0}
    best = {"objective": np.inf, "first": None, "losses": None}

    def visit(x: np.ndarray) -> None:
        t0 = time.perf_counter()
        x = np.where(ext.compiled.integer[:n1], np.round(x), x)  # whole, as the plan is written
        results = [f.solve(x) for f in futures]
        seconds["subproblem_seconds"] += time.perf_counter() - t0
        if any(r is None for r in results):
            return  # some future has no second stage for x: not a robust plan
        losses = np.array([q for q, _ in results])
        objective = float(c1 @ x) + _risk(losses, p, alpha)
        if objective < best["objective"]:
            best.update(objective=objective, first=x, losses=losses)

    if start is not None:
        visit(np.asarray(start[:n1], dtype=float))
    t0 = time.perf_counter()
    h = ext.compiled.copy()  # integrality dropped: the LP relaxation
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("time_limit", max(1.0, time_limit - (time.perf_counter() - t_all)))
    h.run()
    seconds["relaxation_seconds"] = time.perf_counter() - t0
    lower = -np.inf
    if h.getModelStatus() == highspy.HighsModelStatus.kOptimal:
        lower = float(h.getInfo().objective_function_value)
        relaxed = np.asarray(h.getSolution().col_value, dtype=float)
        if relative_gap(best["objective"], lower) > mip_rel_gap:
            t0 = time.perf_counter()
            x = _rounded(ext, relaxed, lower, mip_rel_gap, deadline - time.perf_counter())
            seconds["rounding_seconds"] = time.perf_counter() - t0
            if x is not None:
                visit(x)
    if best["first"] is None:
        raise RecourseError("neither the start nor the rounded relaxation is a plan for every future")
    gap = relative_gap(best["objective"], lower)
    status = Status.OPTIMAL if gap <= mip_rel_gap else Status.TIME_LIMIT
    message = ("optimal within the gap (relax and evaluate)" if status == Status.OPTIMAL else
               "the best first stage found is reported with its gap to the LP relaxation's bound")
    seconds["total_seconds"] = time.perf_counter() - t_all
    return Decomposition(status, message, best["first"], best["objective"], lower, best["losses"], 1, seconds, [])


def _rounded(ext: ExtensiveForm, relaxed: np.ndarray, bound: float, gap: float, time_limit: float) -> np.ndarray | None:
    """The relaxation's first stage made whole by the engine's rounding neighbourhood (rounding.py:
    cohort binaries fixed at their rounded values, each general integer between the floor and
    ceiling of its relaxed value, widened as there when it holds no plan), searched by HiGHS on the extensive form until a plan within the
    gap of the bound is found or the time is up; its first stage, or None."""
    compiled = ext.compiled
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    t0 = time.perf_counter()
    for widen in RENS_WIDENING:  # each wider box is tried when the last holds no plan at all
        box = rounding_box(compiled, relaxed, free, general, widen,
                           CONFLICT_SEARCH_SHARE * max(0.0, time_limit - (time.perf_counter() - t0)))
        if box is None:
            continue
        lo, hi = box
        h = _phase_highs(compiled, lo, hi, compiled.integer, max(1.0, time_limit - (time.perf_counter() - t0)), 1e-4)
        watch = Watch(None, t0)
        watch.attach(h, plans=True, bounds=False, stop_at=bound + gap * abs(bound) / max(1e-9, 1 - gap))
        try:
            h.run()
        finally:
            h.clearCallbacks()
        if h.getModelStatus() != highspy.HighsModelStatus.kInfeasible:
            break
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)[: ext.n_first]
