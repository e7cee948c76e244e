"""The L-shaped (Benders) method on an assembled extensive form (decomposition.py splits it).

The master (decomposition.py) gets one column theta_s per future of positive weight (multi-cut):

    mean:   min  c1.x + sum_s p_s theta_s
    CVaR_a: min  c1.x + eta + sum_s p_s z_s / (1-a),   z_s >= theta_s - eta,  z_s >= 0
    cuts:   theta_s >= Q_s(x^k) + g_s^k.(x - x^k)       (one per future per visited x^k)
    feasibility: V_s(x^k) + v_s^k.(x - x^k) <= 0        (V_s: future s's least total violation)

Each cut under-estimates Q_s (LP duality), so every master optimum is a valid lower bound. Phases:
(1) the master's LP relaxation, cut at its optima until its bound is within a share of the gap of
what its point costs; (2) the master as a MIP (the engine's `run`), seeded with the best first stage
known, cut at its plans until the best first stage's exact cost is within the gap of the bound, or
time is up. Measured on the v2 default (3,846 first-stage columns): the LP phase tails off (N = 3:
33 master solves of 3-4 s in 120 s, still 5.6% from the best plan), so the robust solve uses
relax and evaluate (bounded.py) and this method is an option (`method="decomposition"`).
"""

from __future__ import annotations

import time

import highspy
import numpy as np
import scipy.sparse as sp

from optimiser.basics.status import Status
from optimiser.solver.decomposition import (
    Decomposition,
    RecourseError,
    _lp,
    _risk,
    _search,
    _Split,
)
from optimiser.solver.extensive import ExtensiveForm
from optimiser.solver.lifecycle import CompiledModel, new_highs
from optimiser.solver.outcome import SolveOutcome, relative_gap
from optimiser.solver.run import run
from optimiser.solver.standard_form import INF, StandardForm

# The LP phase stops once its bound is within this share of the gap of its point's cost, or after
# this many master solves.
LP_SHARE = 0.25
LP_ITERATIONS = 60
# MIP master solves at most.
MIP_ROUNDS = 4
# The LP phase's share of the time limit (the MIP master rounds get the rest).
LP_TIME_SHARE = 0.5


def solve_decomposed(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float],
                     alpha: float | None, time_limit: float, mip_rel_gap: float,
                     start: np.ndarray | None = None) -> Decomposition:
    """The extensive form `ext`, assembled from the blocks `forms` with `weights` and `alpha` (as
    given to `assemble`), solved by decomposition. `start`: a solution of the master's columns in
    extensive-form order (the first stage and the weight-0 blocks; the rest is ignored), e.g. the
    deterministic plan: tried first."""
    t_all = time.perf_counter()
    deadline = t_all + time_limit
    search = _search(ext, forms, weights)
    split, futures, p, c1, n1 = search.split, search.futures, search.p, search.c1, search.n1
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
