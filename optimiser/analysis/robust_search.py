"""The robust plan's search on the assembled extensive form (robust.py builds it): relax and
evaluate (optimiser/solver/bounded.py, the default), the L-shaped method (benders.py), or the
extensive form as one MIP (the engine's `run`, seeded with the deterministic plan's first stage),
which also searches on from a decomposition's plan that is outside the gap."""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from optimiser.basics.status import Status
from optimiser.solver import run
from optimiser.solver.benders import solve_decomposed
from optimiser.solver.bounded import solve_bounded
from optimiser.solver.decomposition import RecourseError
from optimiser.solver.extensive import ExtensiveForm
from optimiser.solver.outcome import relative_gap
from optimiser.solver.standard_form import StandardForm

# How the robust plan is searched for; the choice is measured in benchmarks/robust.py.
METHODS = ("bounded", "decomposition", "extensive")


def warm_start(ext: ExtensiveForm, first: dict, time_limit: float) -> np.ndarray | None:
    """The extensive form's solution with the first stage fixed at `first` (each future's best
    second stage), or None when there is none."""
    compiled = ext.compiled
    fixed = {j: first.get(k, 0.0) for j, k in enumerate(ext.first_keys)}
    with compiled.fixed_columns(fixed):
        outcome = run(compiled, time_limit, 1e-9)
    return outcome.values if outcome.holds_plan else None


def optimise(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float], alpha: float | None,
             base_values: np.ndarray, det_first: dict, time_limit: float, gap: float, warm: bool, method: str,
             times: dict, step: Callable[[str], None] = lambda _step: None):
    """The robust plan's search by `method` (METHODS) on the extensive form `ext` of the blocks
    `forms` (block 0: the unperturbed scenario, weight 0) with `weights` and CVaR level `alpha`
    (None: the mean), started when `warm` from the deterministic plan (`base_values`: its column
    values in block 0; `det_first`: its first stage by key). Returns (outcome, the warm start or
    None, the method that gave the plan); seconds go into `times` (robust_solve_seconds)."""
    outcome, start, used = None, None, "extensive"
    if method != "extensive":
        t0 = time.perf_counter()
        try:
            outcome = _decomposed(ext, forms, weights, alpha, base_values if warm else None, time_limit, gap, method)
            times["robust_solve_seconds"] = time.perf_counter() - t0
            start = base_values if warm else None
            used = method
        except RecourseError as exc:
            step(f"{method} stopped ({exc}); solving the extensive form")
        if outcome is not None and outcome.status != Status.OPTIMAL:
            # not within the gap of the relaxation's bound: the extensive form searches on from it
            outcome, used = _search_on(ext, outcome, time_limit, gap, times), f"{method}, then extensive"
    if outcome is None:
        outcome, start = _extensive(ext, det_first, time_limit, gap, warm, times)
    return outcome, start, used


def first_stage_of(ext: ExtensiveForm, first: np.ndarray) -> dict:
    """First-stage key -> value, integers whole, from the extensive form's first columns."""
    return {k: (round(float(x)) if ext.compiled.integer[j] else float(x))
            for j, (k, x) in enumerate(zip(ext.first_keys, first[: ext.n_first], strict=True))}


def _decomposed(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float], alpha: float | None,
                base_values: np.ndarray | None, time_limit: float, gap: float, method: str):
    """The robust plan by relax and evaluate or the L-shaped method, started from the deterministic
    plan (its first stage and its own columns in block 0) when `base_values` are given."""
    start = None
    if base_values is not None:
        start = np.zeros(ext.compiled.n_cols)
        start[ext.column_maps[0]] = base_values
    solve = solve_bounded if method == "bounded" else solve_decomposed
    return solve(ext, forms, weights, alpha, time_limit, gap, start=start).outcome()


def _extensive(ext: ExtensiveForm, det_first: dict, time_limit: float, gap: float, warm: bool, times: dict):
    """The extensive form as one MIP, seeded with the deterministic plan's first stage when `warm`."""
    t0 = time.perf_counter()
    start = warm_start(ext, det_first, time_limit) if warm else None
    times["warm_start_seconds"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    outcome = run(ext.compiled, max(0.01, time_limit - times["warm_start_seconds"]), gap, incumbent=start)
    times["robust_solve_seconds"] = time.perf_counter() - t0
    return _kept_warm_start(ext, outcome, start), start


def _search_on(ext: ExtensiveForm, found, time_limit: float, gap: float, times: dict):
    """The extensive form as one MIP, seeded with the first stage `found` (a decomposition's
    answer outside the gap), for the time left: the better plan of the two, with the better bound."""
    spent = times["robust_solve_seconds"]
    searched, _ = _extensive(ext, first_stage_of(ext, found.values), max(0.01, time_limit - spent), gap, True,
                             times)
    times["robust_solve_seconds"] = spent + times.pop("warm_start_seconds") + times["robust_solve_seconds"]
    better = searched.holds_plan and searched.objective < found.objective - 1e-9 * abs(found.objective)
    best = searched if better else found
    bounds = [b for b in (found.dual_bound, searched.dual_bound) if b is not None and np.isfinite(b)]
    best.dual_bound = best.mip_gap = None  # unless a finite bound is known
    if bounds:
        best.dual_bound = max(bounds)
        best.mip_gap = relative_gap(best.objective, best.dual_bound)
        if best.mip_gap <= gap:
            best.status, best.message = Status.OPTIMAL, "optimal within the gap"
    return best


def _kept_warm_start(ext: ExtensiveForm, outcome, start: np.ndarray | None):
    """The solve's plan, or the warm start where the solve found none as good (a time limit hit
    before the search got back to it): the robust plan is never worse than its start."""
    if start is None:
        return outcome
    warm = ext.compiled.objective_of(start)
    if outcome.holds_plan and outcome.objective <= warm:
        return outcome
    outcome.values, outcome.objective, outcome.row_activity = start, warm, ext.compiled.activity(start)
    if outcome.status not in (Status.OPTIMAL, Status.TIME_LIMIT, Status.CANCELLED):
        outcome.status = Status.TIME_LIMIT
    outcome.message += "; the deterministic plan's first stage (the warm start) is kept: nothing better was found"
    if outcome.dual_bound is not None:
        outcome.mip_gap = relative_gap(warm, outcome.dual_bound)
    return outcome
