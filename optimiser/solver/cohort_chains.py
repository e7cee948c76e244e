"""A plan from the LP relaxation alone, for models whose simplex is out of reach in the time limit.

On the largest v2 models (the L2 preset: 67,060 columns) neither HiGHS's branch and bound nor the
rounding's phase 1 gets past the root LP in 120 s: the dual simplex and the crossover after the
interior point stall (plain HiGHS finds no plan at all). The interior point alone solves the LP
relaxation in about 20 s. Rounding that point column by column fails, because the relaxation
opens cohorts in part: a provider's intake may sit below its minimum cohort (`cohort_open`
fractional), and the stability rows (|X[y] - X[y-1]| <= c + rho X[y-1]) chain the years, so a
cohort closed in one year may not reach its minimum the next. HiGHS's presolve proves such boxes
empty in a fraction of a second.

So the intakes are rounded a chain at a time. For each provider and route, over the decision
years, a dynamic programme picks integer intakes X[y] in {0} U [min cohort, cap] (just [0, cap]
when not gated), at least the contracted minimum, within the stability limits from the frozen
year's intake, and as close to the relaxation's intakes S[y] as it can, a start above S[y]
counting twice a start below it (more starts press on the placement and budget limits):

    cost[y][X] = min over X' allowed before X of cost[y-1][X'] + (2 (X - S[y]) if X > S[y] else S[y] - X)

Each X[y] is shared out over the cohort's placement regions as the relaxation shares it (largest
remainders), the cohort's binary is set by X[y] > 0, the other integers (recruits) are rounded
down and, where a row of integers only is then above its limit (the international share of
recruits falls with the home intakes), the largest of them are cut until it holds. With every
integer fixed, an interior-point LP gives the continuous decisions (2-3 s on L2). The result is
checked against every row before it is used; None when the model has no cohorts to round or the
rounding is not feasible.

The chains are also the unit in which an empty rounding box is opened up (`chains_in_conflict`):
on L with highspy 1.16.0 the relaxation runs Lincolnshire's and Greater Manchester's
undergraduate radiography at their caps and minimums in turn (31, 11, 31 against a year-on-year
limit of 20) with their placement regions full, so no rounding within a unit of the relaxed starts
holds a plan; freeing those two chains' starts (of 216) does.

They are also the unit of the search that improves a rounding plan once its box has stalled
(`chain_neighbourhood`, searched by rounding.search_chains): on XL with highspy 1.16.0 the
floor-to-ceiling box found a plan 1.01% from the bound after 5 s and nothing better in the next
70 s, while the plan with 40 of its 293 chains reopened (the chains' starts within a unit of their
floor and ceiling, every other integer held) gave 0.98% after 4 s and the next 40 chains 0.75%.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import highspy
import numpy as np
import scipy.sparse as sp

from optimiser.solver.lifecycle import CompiledModel

# A start above the relaxation's intake costs this many times a start below it in the rounding.
ABOVE_WEIGHT = 2.0
_NEVER = 1e18


def chain_intakes(relaxed_totals: list[float], cohorts: list, first_total: float, limit) -> list[int] | None:
    """Integer intakes for one provider's route, year after year (see the module docstring).
    `cohorts[i]`: the Cohort of year i (None: no starts that year, X = 0); `first_total`: the intake
    of the year before the first (frozen, or 0); `limit`: (c, rho, applies) or None. None when no
    sequence meets every rule."""
    caps = [int(np.floor(co.cap + 1e-9)) if co is not None else 0 for co in cohorts]
    top = max([*caps, int(round(first_total))])
    states = np.arange(top + 1, dtype=float)
    cost = np.where(states == round(first_total), 0.0, _NEVER)
    back = []
    for i, co in enumerate(cohorts):
        ok = states <= caps[i]
        if co is not None:
            ok &= states >= co.contracted - 1e-9
            if co.opened is not None:
                ok &= (states == 0) | (states >= co.min_cohort - 1e-9)
        s = relaxed_totals[i]
        if limit is not None and limit[2][i]:
            c, rho = limit[0], limit[1]
            allowed = np.abs(states[None, :] - states[:, None]) <= c + rho * states[:, None] + 1e-9
            through = np.where(allowed, cost[:, None], _NEVER)
        else:
            through = np.broadcast_to(cost[:, None], (top + 1, top + 1))
        came_from = np.argmin(through, axis=0)
        best = through[came_from, np.arange(top + 1)]
        back.append(came_from)
        away = np.where(states > s, ABOVE_WEIGHT * (states - s), s - states)
        cost = np.where(ok & (best < _NEVER), best + away, _NEVER)
    if not len(cohorts) or cost.min() >= _NEVER:
        return None
    x = int(np.argmin(cost))
    out = []
    for came_from in reversed(back):
        out.append(x)
        x = int(came_from[x])
    return out[::-1]


def _starts_columns(number: dict, cohort) -> list[int]:
    """The columns of a cohort's starts variables (none for a year without a cohort)."""
    return [number[id(v)] for v in cohort.starts if id(v) in number] if cohort is not None else []


def _share_out(total: int, weights: np.ndarray) -> np.ndarray:
    """`total` starts over the regions in proportion to `weights`, largest remainders first."""
    w = np.maximum(weights, 0.0) + 1e-9
    share = w / w.sum() * total
    whole = np.floor(share)
    whole[np.argsort(-(share - whole))[: int(round(total - whole.sum()))]] += 1
    return whole


def chain_plan(compiled: CompiledModel, relaxed: np.ndarray, time_limit: float) -> np.ndarray | None:
    """A feasible plan rounded from the relaxed point `relaxed` (see the module docstring), or None."""
    m = compiled.model
    chains = getattr(m, "cohort_chains", None)
    if not chains:
        return None
    number = compiled.column_of
    free = compiled.col_lower < compiled.col_upper
    fixed_lo, fixed_hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    rounded = np.zeros(compiled.n_cols, dtype=bool)
    limit = getattr(m, "intake_change_limit", None)
    frozen = getattr(m, "frozen_intakes", {})
    for (p, k), by_year in chains.items():
        years = list(range(min(by_year), max(by_year) + 1))
        cohorts = [by_year.get(y) for y in years]
        columns = [_starts_columns(number, co) for co in cohorts]
        totals = [float(relaxed[js].sum()) for js in columns]
        applies = None if limit is None else (limit[0], limit[1], [y >= limit[2] for y in years])
        intakes = chain_intakes(totals, cohorts, frozen.get((p, k, years[0] - 1), 0.0), applies)
        if intakes is None:
            return None
        for co, js, x in zip(cohorts, columns, intakes, strict=True):
            if co is None:
                continue
            if js:
                fixed_lo[js] = fixed_hi[js] = _share_out(x, relaxed[js])
                rounded[js] = True
            if co.opened is not None and id(co.opened) in number:
                j = number[id(co.opened)]
                fixed_lo[j] = fixed_hi[j] = float(x > 0)
                rounded[j] = True
    others = compiled.integer & free & ~rounded
    fixed_lo[others] = fixed_hi[others] = np.maximum(compiled.col_lower[others], np.floor(relaxed[others] + 1e-6))
    _cut_to_limits(compiled, fixed_lo, others)
    fixed_hi[others] = fixed_lo[others]
    h = compiled.copy(fixed_lo, fixed_hi)
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    h.setOptionValue("time_limit", max(0.01, float(time_limit)))
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    values = np.asarray(h.getSolution().col_value, dtype=float)
    values[compiled.integer] = np.round(values[compiled.integer])
    values = np.clip(values, compiled.col_lower, compiled.col_upper)
    return values if compiled.is_feasible(values) else None


def _cut_to_limits(compiled: CompiledModel, values: np.ndarray, cuttable: np.ndarray) -> None:
    """Lower the `cuttable` integers, largest first, wherever a row of integers (and fixed
    columns) only is above its upper limit; in place."""
    rows = sp.csr_array(compiled.matrix)
    settled = compiled.integer | (compiled.col_lower >= compiled.col_upper)
    pattern = rows.copy()
    pattern.data = np.ones_like(pattern.data)
    only_integers = (pattern @ (~settled).astype(float) == 0) & (np.diff(rows.indptr) > 0)
    for _ in range(10):
        activity = rows @ np.where(settled, values, 0.0)
        over = np.flatnonzero(only_integers & (activity > compiled.row_upper + 1e-6))
        if not len(over):
            return
        for i in over:
            cols, coef = rows.indices[rows.indptr[i]:rows.indptr[i + 1]], rows.data[rows.indptr[i]:rows.indptr[i + 1]]
            excess = activity[i] - compiled.row_upper[i]
            for j, a in sorted(zip(cols.tolist(), coef.tolist(), strict=True), key=lambda t: -values[t[0]]):
                if excess <= 1e-9:
                    break
                if a > 0 and cuttable[j]:
                    cut = min(values[j] - compiled.col_lower[j], np.ceil(excess / a - 1e-9))
                    values[j] -= cut
                    excess -= cut * a


def _chain_columns(compiled: CompiledModel) -> list[np.ndarray]:
    """The free starts columns of each cohort chain (a provider's route over the years), in the
    model's order; chains with none are left out."""
    chains = getattr(compiled.model, "cohort_chains", None)
    if not chains:
        return []
    number = compiled.column_of
    free = compiled.col_lower < compiled.col_upper
    out = []
    for by_year in chains.values():
        js = np.array([j for co in by_year.values() for j in _starts_columns(number, co)], dtype=int)
        js = js[free[js]] if len(js) else js
        if len(js):
            out.append(js)
    return out


# A presolve that has not proved a box empty within this many times the first proof's time (the
# box with no chain freed) is taken to leave it open: on L a proof took 0.19-0.22 s and a presolve
# that found nothing 0.48-0.72 s, 16 presolves in all.
PROOF_ALLOWANCE = 2.0


class _GiveUp(Exception):
    """The conflict search ran out of time or its solve was cancelled."""


def chains_in_conflict(compiled: CompiledModel, col_lower: np.ndarray, col_upper: np.ndarray, time_limit: float,
                       stop: Callable[[], bool] = lambda: False) -> np.ndarray | None:
    """The starts columns of a fewest set of cohort chains which, given their own bounds back, leave
    HiGHS's presolve unable to prove the box [col_lower, col_upper] empty; None when there are no
    chains, when presolve cannot prove the box empty to begin with, when freeing every chain does
    not help, or when `time_limit` (seconds) runs out or `stop()` (the solve cancelled) turns true
    first.

    A presolve proves an empty box in about 0.2 s on L (32,961 rows), so the chains are found by
    bisection rather than one at a time: the shortest run of chains (in the model's order) that,
    with those already kept, opens the box gives its last chain as one that is needed; the search
    then goes on among the chains before it until those kept open the box on their own (QuickXplain's
    progression; on L 1.16.0: 2 chains in 16 presolves, 5.6 s).
    """
    chains = _chain_columns(compiled)
    deadline = time.perf_counter() + time_limit
    proof = [time_limit]  # seconds a presolve may take: set from the first, which proves the box empty

    def empty(kept: list[np.ndarray]) -> bool:
        if time.perf_counter() > deadline or stop():
            raise _GiveUp
        lo, hi = col_lower.copy(), col_upper.copy()
        for js in kept:
            lo[js], hi[js] = compiled.col_lower[js], compiled.col_upper[js]
        h = compiled.copy(lo, hi, compiled.integer)
        h.setOptionValue("time_limit", max(0.01, min(proof[0], deadline - time.perf_counter())))
        t = time.perf_counter()
        h.presolve()
        if not kept:
            proof[0] = PROOF_ALLOWANCE * (time.perf_counter() - t)
        return h.getModelStatus() == highspy.HighsModelStatus.kInfeasible

    try:
        if not chains or not empty([]) or empty(chains):
            return None
        kept: list[np.ndarray] = []
        candidates = chains
        while empty(kept):
            if not candidates:  # presolve is not monotone in the box here: give up rather than guess
                return None
            # kept + candidates opens the box; find the shortest run of candidates that does
            shortest, longest = 1, len(candidates)
            while shortest < longest:
                mid = (shortest + longest) // 2
                if empty(kept + candidates[:mid]):
                    shortest = mid + 1
                else:
                    longest = mid
            kept.append(candidates[shortest - 1])
            candidates = candidates[: shortest - 1]
    except _GiveUp:
        return None
    return np.concatenate(kept)



def chains_by_rounding(compiled: CompiledModel, relaxed: np.ndarray) -> list[np.ndarray]:
    """The free starts columns of each cohort chain, those whose relaxed starts are most often
    fractional first (where the rounding decided most), the model's order on ties."""
    chains = _chain_columns(compiled)
    fractional = np.abs(relaxed - np.round(relaxed)) > 1e-6
    return sorted(chains, key=lambda js: -int(fractional[js].sum()))


def chain_neighbourhood(compiled: CompiledModel, relaxed: np.ndarray, plan: np.ndarray, box_lower: np.ndarray,
                        box_upper: np.ndarray, in_chains: np.ndarray,
                        reopened: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds of a neighbourhood of `plan` searched once its rounding box has stalled
    (rounding.search_chains): every integer held at the plan's value except the starts of the
    `reopened` chains, each within a unit of the floor and ceiling of its relaxed value, and the
    integers outside every chain (`in_chains` False: recruits), each within its rounding box
    [`box_lower`, `box_upper`]. The plan's own value is always inside; the continuous columns keep
    their bounds."""
    integer = compiled.integer
    lo, hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    lo[integer] = hi[integer] = np.round(plan[integer])
    outside = integer & ~compiled.binary & (compiled.col_lower < compiled.col_upper) & ~in_chains
    lo[outside] = np.minimum(box_lower[outside], lo[outside])
    hi[outside] = np.maximum(box_upper[outside], hi[outside])
    if reopened:
        js = np.concatenate(reopened)
        lo[js] = np.maximum(compiled.col_lower[js], np.minimum(np.floor(relaxed[js] + 1e-6) - 1, lo[js]))
        hi[js] = np.minimum(compiled.col_upper[js], np.maximum(np.ceil(relaxed[js] - 1e-6) + 1, hi[js]))
    return lo, hi
