"""The L-shaped (Benders) decomposition of an assembled extensive form (knows no scenario).

The extensive form (`extensive.py`) is split by its blocks. The **master** keeps the first-stage
columns x, the blocks of weight 0 (the unperturbed scenario: its limits are the first stage's) and
the rows on those alone, and gets one column theta_s per future s of positive weight (multi-cut):

    mean:   min  c1.x + sum_s p_s theta_s
    CVaR_a: min  c1.x + eta + sum_s p_s z_s / (1-a),   z_s >= theta_s - eta,  z_s >= 0
    cuts:   theta_s >= Q_s(x^k) + g_s^k.(x - x^k)       (one per future per visited x^k)

**Subproblem** s is future s's rows on (x, y_s) with x fixed: an LP (the recourse holds no
integer), Q_s(x) = min c2_s.y_s + offset_s, kept in its own HiGHS instance and re-solved warm
from its last basis after the fixed bounds of x change; the reduced costs of the fixed x columns
are a subgradient g_s of Q_s. Each cut under-estimates Q_s (LP duality), so every master optimum is
a valid lower bound of the extensive form. The recourse must be complete (a future's limits on
decisions freed, its shortfall elastic): a subproblem without a solution stops the decomposition
(no feasibility cuts are written), and the caller falls back to the extensive form.

Phases: (1) the master's LP relaxation, cutting at its optima until the LP bound is within a
fraction of the gap of what its point costs (a lower bound of the extensive form's relaxation);
(2) the master as a MIP (the engine's `run`: relax and round, branch and bound), seeded with the
best first stage known, cutting at its plans until the gap between the best first stage's exact
cost and the best bound is within the gap, or time is up. Every candidate first stage (the start,
each master plan) is evaluated exactly in every future; the answer is the cheapest, its objective
exact, its bound the best master bound: the gap is honest. All solves are in this process, in
order, so a seed gives the same plan whatever executor the caller's other work uses.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from optimiser.basics.status import Status
from optimiser.solver.extensive import ExtensiveForm, _standard_form
from optimiser.solver.lifecycle import CompiledModel, new_highs
from optimiser.solver.outcome import SolveOutcome, relative_gap
from optimiser.solver.rounding import RENS_WIDENING, _phase_highs, rens_box
from optimiser.solver.run import run
from optimiser.solver.standard_form import INF, StandardForm
from optimiser.solver.watch import Watch

# The LP phase stops once its bound is within this share of the target gap of its point's cost.
LP_SHARE = 0.25
LP_ITERATIONS = 60
MIP_ROUNDS = 4
# The LP phase's share of the time limit (the MIP master rounds get the rest).
LP_TIME_SHARE = 0.5


class RecourseError(RuntimeError):
    """A future has no second stage for a first stage: the recourse is not complete."""


@dataclass
class Decomposition:
    """The answer: the first stage (values of the extensive form's columns 0..n_first-1), its exact
    objective, the best lower bound, and how the search went."""

    status: Status
    message: str
    first: np.ndarray
    objective: float
    bound: float
    losses: np.ndarray  # Q_s at `first`, per future of positive weight
    iterations: int
    seconds: dict = field(default_factory=dict)
    trace: list = field(default_factory=list)  # (phase, lower bound, best objective, seconds)

    @property
    def gap(self) -> float:
        return relative_gap(self.objective, self.bound)

    def outcome(self) -> SolveOutcome:
        """As the engine's `run` reports a solve: no bound (and no gap) when none was found."""
        bounded = bool(np.isfinite(self.bound))
        return SolveOutcome(self.status, self.message, self.objective, self.gap if bounded else None,
                            self.bound if bounded else None,
                            sum(self.seconds.values()), self.first.copy(), solver_status="decomposition",
                            phases={"decomposition_iterations": self.iterations, **self.seconds})


class _Split:
    """Which extensive column and row belongs to the master, to a future, or to the CVaR columns."""

    def __init__(self, ext: ExtensiveForm, weights: list[float]):
        n1, n = ext.n_first, ext.compiled.n_cols
        owner = np.full(n, -2, dtype=np.int64)  # -2: CVaR columns, -1: first stage, s: block s
        owner[:n1] = -1
        for s, cmap in enumerate(ext.column_maps):
            owner[cmap[cmap >= n1]] = s
        positive = np.array([w > 0 for w in weights], dtype=bool)
        self.futures = np.flatnonzero(positive).tolist()
        A = ext.compiled.matrix.tocsr()
        coo = A.tocoo()
        col_owner = owner[coo.col]
        # per row: the lowest and highest future (of positive weight) among its columns, and CVaR columns
        in_future = (col_owner >= 0) & positive[np.maximum(col_owner, 0)]
        lo = np.full(A.shape[0], np.iinfo(np.int64).max)
        hi = np.full(A.shape[0], -1)
        np.minimum.at(lo, coo.row[in_future], col_owner[in_future])
        np.maximum.at(hi, coo.row[in_future], col_owner[in_future])
        risky = np.zeros(A.shape[0], dtype=bool)
        risky[coo.row[col_owner == -2]] = True
        if ((hi >= 0) & (lo != hi) & ~risky).any():
            raise ValueError("a row of the extensive form joins two futures")
        self.row_owner = np.where(risky, -2, np.where(hi >= 0, hi, -1))  # -1: master, s: future s, -2: CVaR
        self.owner, self.A, self.n1 = owner, A, n1
        in_master = (owner == -1) | ((owner >= 0) & ~positive[np.maximum(owner, 0)])
        self.master_cols = np.flatnonzero(in_master)  # the first stage first: columns 0..n1-1


def _lp(A: sp.csr_matrix, cost, offset, col_lower, col_upper, row_lower, row_upper, integer=None) -> StandardForm:
    integer = np.zeros(A.shape[1], dtype=bool) if integer is None else integer
    return _standard_form(sp.csc_matrix(A), np.asarray(cost, float), offset, np.asarray(col_lower, float),
                          np.asarray(col_upper, float), np.asarray(row_lower, float),
                          np.asarray(row_upper, float), integer)


class _Future:
    """Future s's recourse LP over (x, y_s), in a HiGHS instance kept between first stages."""

    def __init__(self, ext: ExtensiveForm, split: _Split, s: int, form: StandardForm):
        rows = np.flatnonzero(split.row_owner == s)
        own = np.flatnonzero(split.owner == s)  # in the order of the future's own columns
        cmap = ext.column_maps[s]
        cost = form.cost[cmap >= split.n1]
        offset = float(form.objective_offset)
        self.cols = np.concatenate([np.arange(split.n1), own])
        sub = split.A[rows][:, self.cols]
        c = ext.compiled
        self.offset = offset
        form = _lp(sub, np.concatenate([np.zeros(split.n1), cost]), 0.0, c.col_lower[self.cols],
                   c.col_upper[self.cols], c.row_lower[rows], c.row_upper[rows])
        self.h = new_highs()
        self.h.passModel(form.lp)
        self.n1 = split.n1
        self.form, self.elastic = form, None
        # a bound no first stage can go below: each own column at its cheapest bound
        lo, hi = c.col_lower[own], c.col_upper[own]
        with np.errstate(invalid="ignore"):
            cheapest = np.where(cost > 0, cost * lo, np.where(cost < 0, cost * hi, 0.0))
        self.floor = float(cheapest.sum()) + offset if np.isfinite(cheapest).all() else -INF

    def solve(self, x: np.ndarray) -> tuple[float, np.ndarray] | None:
        """Q_s(x) and a subgradient (the fixed x columns' reduced costs); None when future s has
        no second stage for x."""
        idx = np.arange(self.n1, dtype=np.int32)
        self.h.changeColsBounds(self.n1, idx, x, x)
        self.h.run()
        if self.h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            # a warm basis can stall on a degenerate LP: once more from nothing before believing it
            self.h.clearSolver()
            self.h.run()
        status = self.h.getModelStatus()
        if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
            return None
        if status != highspy.HighsModelStatus.kOptimal:
            raise RecourseError(f"a future's second stage ended {self.h.modelStatusToString(status)}")
        value = float(self.h.getInfo().objective_function_value) + self.offset
        return value, np.asarray(self.h.getSolution().col_dual, dtype=float)[: self.n1]

    def infeasibility(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """V(x) = the least total violation of future s's rows at x (an LP with a slack each way per
        row), and its subgradient: V is convex and 0 exactly where x has a second stage, so
        V(x^k) + g.(x - x^k) <= 0 is a feasibility cut."""
        if self.elastic is None:
            A, n_rows = self.form.matrix, self.form.n_rows
            E = sp.hstack([A, sp.identity(n_rows), -sp.identity(n_rows)]).tocsc()
            n = A.shape[1]
            form = _lp(E, np.concatenate([np.zeros(n), np.ones(2 * n_rows)]), 0.0,
                       np.concatenate([self.form.col_lower, np.zeros(2 * n_rows)]),
                       np.concatenate([self.form.col_upper, np.full(2 * n_rows, INF)]),
                       self.form.row_lower, self.form.row_upper)
            self.elastic = new_highs()
            self.elastic.passModel(form.lp)
        idx = np.arange(self.n1, dtype=np.int32)
        self.elastic.changeColsBounds(self.n1, idx, x, x)
        self.elastic.run()
        if self.elastic.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RecourseError("a future's least violation could not be found")
        value = float(self.elastic.getInfo().objective_function_value)
        return value, np.asarray(self.elastic.getSolution().col_dual, dtype=float)[: self.n1]


def _risk(losses: np.ndarray, weights: np.ndarray, alpha: float | None) -> float:
    """The mean of the losses, or their CVaR at alpha (Rockafellar-Uryasev, the minimum at a loss)."""
    if alpha is None:
        return float(weights @ losses)
    return float(min(eta + weights @ np.maximum(losses - eta, 0.0) / (1.0 - alpha) for eta in losses))


def solve_decomposed(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float],
                     alpha: float | None, time_limit: float, mip_rel_gap: float,
                     start: np.ndarray | None = None) -> Decomposition:
    """The extensive form `ext`, assembled from the blocks `forms` with `weights` and `alpha` (as
    given to `assemble`), solved by decomposition. `start`: a solution of the master's columns in
    extensive-form order (the first stage and the weight-0 blocks; the rest is ignored), e.g. the
    deterministic plan: tried first."""
    t_all = time.perf_counter()
    deadline = t_all + time_limit
    total = sum(weights)
    weights = [w / total for w in weights]
    split = _Split(ext, weights)
    n1 = split.n1
    futures = [_Future(ext, split, s, forms[s]) for s in split.futures]
    p = np.array([weights[s] for s in split.futures])
    c1 = ext.compiled.cost[:n1]
    seconds = {"split_seconds": time.perf_counter() - t_all, "subproblem_seconds": 0.0, "master_seconds": 0.0}

    master = _Master(ext, split, p, alpha, [f.floor for f in futures])
    best = {"objective": np.inf, "first": None, "losses": None, "values": None}
    trace = []

    def visit(x: np.ndarray, master_values: np.ndarray | None) -> float:
        """Evaluate x in every future and add its cuts; a plan of the master (`master_values` given)
        is kept if it is the best so far. The exact objective at x."""
        t0 = time.perf_counter()
        if master_values is not None:  # a plan: integers exactly whole
            x = np.where(ext.compiled.integer[:n1], np.round(x), x)
        x = np.clip(x, ext.compiled.col_lower[:n1], ext.compiled.col_upper[:n1])
        results = [f.solve(x) for f in futures]
        infeasible = [k for k, r in enumerate(results) if r is None]
        for k in infeasible:
            master.add_feasibility_cut(x, *futures[k].infeasibility(x))
        seconds["subproblem_seconds"] += time.perf_counter() - t0
        if infeasible:
            master.add_cuts(x, results)
            return np.inf
        losses = np.array([q for q, _ in results])
        master.add_cuts(x, results)
        objective = float(c1 @ x) + _risk(losses, p, alpha)
        if master_values is not None and objective < best["objective"]:
            best.update(objective=objective, first=x, losses=losses, values=master_values)
        return objective

    lower = -np.inf
    if start is not None:
        visit(start[:n1], start[split.master_cols])
    # phase 1: the master's LP relaxation, cut at its optima (Q_s is convex in x: a cut at any point holds)
    iterations = 0
    lp_deadline = t_all + LP_TIME_SHARE * time_limit
    while iterations < LP_ITERATIONS and time.perf_counter() < lp_deadline:
        t0 = time.perf_counter()
        bound, values = master.solve_lp()
        seconds["master_seconds"] += time.perf_counter() - t0
        iterations += 1
        lower = max(lower, bound)
        cost_here = visit(values[:n1], None)
        trace.append(("lp", lower, best["objective"], time.perf_counter() - t_all))
        if relative_gap(best["objective"], lower) <= mip_rel_gap:
            break  # a known first stage is already within the gap
        if np.isfinite(cost_here) and relative_gap(cost_here, bound) <= LP_SHARE * mip_rel_gap:
            break  # the relaxation is solved closely enough
    # phase 2: the master as a MIP, cut at its plans
    rounds = 0
    while relative_gap(best["objective"], lower) > mip_rel_gap and rounds < MIP_ROUNDS \
            and time.perf_counter() < deadline - 1.0:
        t0 = time.perf_counter()
        out = master.solve_mip(deadline - time.perf_counter(), mip_rel_gap / 2, best["values"], best["first"])
        seconds["master_seconds"] += time.perf_counter() - t0
        rounds += 1
        iterations += 1
        if out.dual_bound is not None and np.isfinite(out.dual_bound):
            lower = max(lower, float(out.dual_bound))
        if out.values is None:
            break
        visit(out.values[:n1], out.values[: master.n_master])
        trace.append(("mip", lower, best["objective"], time.perf_counter() - t_all))
    if best["first"] is None:
        raise RecourseError("no first stage was evaluated")
    gap = relative_gap(best["objective"], lower)
    status = Status.OPTIMAL if gap <= mip_rel_gap else Status.TIME_LIMIT
    message = ("optimal within the gap" if status == Status.OPTIMAL else
               "time or rounds used up; the best first stage found is reported with its gap")
    seconds["total_seconds"] = time.perf_counter() - t_all
    return Decomposition(status, message, best["first"], best["objective"], lower, best["losses"], iterations,
                         seconds, trace)


def solve_bounded(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float],
                  alpha: float | None, time_limit: float, mip_rel_gap: float,
                  start: np.ndarray | None = None) -> Decomposition:
    """The extensive form's first stage by relax and evaluate (arguments as `solve_decomposed`).

    The bound is the extensive form's LP relaxation (interior point, no crossover: one solve, where
    the cutting planes above need dozens of master solves on the default's 3,846 first-stage
    columns). The candidates are `start` and, when that is outside the gap, the relaxation rounded
    in the engine's rounding neighbourhood (`_rounded`); each is evaluated exactly in every future
    (one small LP per future, x fixed) and the cheapest is the answer. Its gap to the bound is reported as it is:
    within `mip_rel_gap` the status is optimal, otherwise time_limit (the caller may search on)."""
    t_all = time.perf_counter()
    deadline = t_all + time_limit
    total = sum(weights)
    weights = [w / total for w in weights]
    split = _Split(ext, weights)
    n1 = split.n1
    futures = [_Future(ext, split, s, forms[s]) for s in split.futures]
    p = np.array([weights[s] for s in split.futures])
    c1 = ext.compiled.cost[:n1]
    seconds = {"split_seconds": time.perf_counter() - t_all, "subproblem_seconds": 0.0, "relaxation_seconds": 0.0}
    best = {"objective": np.inf, "first": None, "losses": None}

    def visit(x: np.ndarray) -> None:
        t0 = time.perf_counter()
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
        lo, hi = rens_box(compiled, relaxed, free, general, widen)
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


class _Master:
    """The master: the first stage, the weight-0 blocks, theta per future (CVaR: eta and z), cuts."""

    def __init__(self, ext: ExtensiveForm, split: _Split, p: np.ndarray, alpha: float | None,
                 floors: list[float]):
        c = ext.compiled
        cols = split.master_cols  # first stage first (columns 0..n1-1 come first in ext)
        rows = np.flatnonzero(split.row_owner == -1)
        n_f = len(p)
        self.n1, self.n_master, self.n_futures, self.alpha, self.p = split.n1, len(cols), n_f, alpha, p
        extra = n_f if alpha is None else 2 * n_f + 1  # theta_s [, eta, z_s]
        A = sp.hstack([split.A[rows][:, cols], sp.csr_matrix((len(rows), extra))]).tocsr()
        cost = np.concatenate([c.cost[cols], p if alpha is None else np.zeros(n_f)])
        lo = np.concatenate([c.col_lower[cols], np.asarray(floors, dtype=float)])
        hi = np.concatenate([c.col_upper[cols], np.full(n_f, INF)])
        row_lo, row_hi = c.row_lower[rows], c.row_upper[rows]
        integer = np.concatenate([c.integer[cols], np.zeros(extra, dtype=bool)])
        self.theta = self.n_master + np.arange(n_f)
        if alpha is not None:
            eta, z = self.n_master + n_f, self.n_master + n_f + 1 + np.arange(n_f)
            cost = np.concatenate([cost, [1.0], p / (1.0 - alpha)])
            lo = np.concatenate([lo, [-INF], np.zeros(n_f)])
            hi = np.concatenate([hi, np.full(n_f + 1, INF)])
            # z_s - theta_s + eta >= 0
            risk = sp.csr_matrix((np.tile([1.0, -1.0, 1.0], n_f),
                                  (np.repeat(np.arange(n_f), 3),
                                   np.column_stack([z, self.theta, np.full(n_f, eta)]).ravel())),
                                 shape=(n_f, A.shape[1]))
            A = sp.vstack([A, risk]).tocsr()
            row_lo, row_hi = np.concatenate([row_lo, np.zeros(n_f)]), np.concatenate([row_hi, np.full(n_f, INF)])
        self.base = (A, cost, lo, hi, row_lo, row_hi, integer)
        # (columns, coefficients, lower, upper, the future of an optimality cut or None)
        self.cuts: list[tuple[np.ndarray, np.ndarray, float, float, int | None]] = []
        self.h = _lp(A, cost, 0.0, lo, hi, row_lo, row_hi).lp
        self.lp = new_highs()
        self.lp.passModel(self.h)
        self.n_cols = A.shape[1]

    def admits(self, x: np.ndarray) -> bool:
        """Whether first stage x meets the master's rows (the unperturbed scenario's limits) for some
        second stage of the weight-0 blocks."""
        self.lp.changeColsBounds(self.n1, np.arange(self.n1, dtype=np.int32), x, x)
        self.lp.run()
        return self.lp.getModelStatus() == highspy.HighsModelStatus.kOptimal

    def add_cuts(self, x: np.ndarray, results: list) -> None:
        """theta_s - g_s.x >= Q_s(x) - g_s.x for each future s with a second stage at x (`results[s]`
        = (Q_s(x), g_s), or None)."""
        for s, r in enumerate(results):
            if r is None:
                continue
            q, g = r
            nz = np.flatnonzero(np.abs(g) > 1e-12)
            cols = np.concatenate([nz, [self.theta[s]]]).astype(np.int32)
            coef = np.concatenate([-g[nz], [1.0]])
            self._add(cols, coef, q - float(g[nz] @ x[nz]), INF, s)

    def add_feasibility_cut(self, x: np.ndarray, violation: float, g: np.ndarray) -> None:
        """g.x <= g.x^k - V(x^k): the first stages where that future can have a second stage."""
        nz = np.flatnonzero(np.abs(g) > 1e-12)
        self._add(nz.astype(np.int32), g[nz], -INF, float(g[nz] @ x[nz]) - violation, None)

    def _add(self, cols: np.ndarray, coef: np.ndarray, lower: float, upper: float, future: int | None) -> None:
        self.cuts.append((cols, coef, lower, upper, future))
        self.lp.addRow(lower, upper, len(cols), cols, coef)

    def solve_lp(self) -> tuple[float, np.ndarray]:
        self.lp.run()
        if self.lp.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            raise RecourseError(f"the master LP ended {self.lp.modelStatusToString(self.lp.getModelStatus())}")
        return float(self.lp.getInfo().objective_function_value), np.asarray(self.lp.getSolution().col_value)

    def solve_mip(self, time_limit: float, gap: float, master_values: np.ndarray | None,
                  first: np.ndarray | None) -> SolveOutcome:
        """The master with its cuts as a MIP, by the engine's `run`, seeded where a start is known."""
        A, cost, lo, hi, row_lo, row_hi, integer = self.base
        if self.cuts:
            data = np.concatenate([c[1] for c in self.cuts])
            cols = np.concatenate([c[0] for c in self.cuts])
            rws = np.repeat(np.arange(len(self.cuts)), [len(c[0]) for c in self.cuts])
            C = sp.csr_matrix((data, (rws, cols)), shape=(len(self.cuts), self.n_cols))
            A = sp.vstack([A, C]).tocsr()
            row_lo = np.concatenate([row_lo, [c[2] for c in self.cuts]])
            row_hi = np.concatenate([row_hi, [c[3] for c in self.cuts]])
        compiled = CompiledModel(_lp(A, cost, 0.0, lo, hi, row_lo, row_hi, integer), 0.0)
        incumbent = None
        if master_values is not None and first is not None:
            incumbent = self._completed(A, master_values, first)
        return run(compiled, max(0.5, time_limit), gap, incumbent=incumbent)

    def _completed(self, A: sp.csr_matrix, master_values: np.ndarray, first: np.ndarray) -> np.ndarray:
        """A master point from a known first stage: theta_s the highest of its cuts (CVaR: the best eta, z)."""
        v = np.zeros(self.n_cols)
        v[: self.n_master] = master_values
        v[: self.n1] = first
        theta = np.full(self.n_futures, -INF)
        for cols, coef, lower, _upper, s in self.cuts:
            if s is not None:
                theta[s] = max(theta[s], lower - float(coef[:-1] @ v[cols[:-1]]))
        v[self.theta] = theta
        if self.alpha is not None:
            eta = min(theta, key=lambda e: e + self.p @ np.maximum(theta - e, 0) / (1 - self.alpha))
            v[self.n_master + self.n_futures] = eta
            v[self.n_master + self.n_futures + 1:] = np.maximum(theta - eta, 0.0)
        return v
