"""An assembled extensive form split by its blocks, for the methods that solve it future by future
(knows no scenario): `bounded.py` (relax and evaluate, the robust solve's default) and `benders.py`
(the L-shaped method).

The **master** part is the first-stage columns x, the blocks of weight 0 (the unperturbed
scenario: its limits are the first stage's) and the rows on those alone. **Future** s is its rows
on (x, y_s) with x fixed: an LP (the recourse holds no integer), Q_s(x) = min c2_s.y_s + offset_s,
kept in its own HiGHS instance and re-solved warm from its last basis after the fixed bounds of x
change; the reduced costs of the fixed x columns are a subgradient of Q_s. The objective of a first
stage x is c1.x + the mean (or the CVaR at alpha) of Q_s(x) over the futures, exactly what the
extensive form gives x with each future's best second stage. All solves are in this process, in
order, so a seed gives the same plan whatever executor the caller's other work uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np
import scipy.sparse as sp

from optimiser.basics.status import Status
from optimiser.solver.extensive import ExtensiveForm, _standard_form
from optimiser.solver.lifecycle import new_highs
from optimiser.solver.outcome import SolveOutcome, relative_gap
from optimiser.solver.standard_form import INF, StandardForm


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


@dataclass
class _Search:
    """What both searches (benders.py, bounded.py) start from: the extensive form split into its
    first stage and one LP per future of positive weight, the futures' probabilities p (summing to
    1) and the first stage's costs c1."""

    split: _Split
    futures: list[_Future]
    p: np.ndarray
    c1: np.ndarray

    @property
    def n1(self) -> int:
        return self.split.n1


def _search(ext: ExtensiveForm, forms: list[StandardForm], weights: list[float]) -> _Search:
    total = sum(weights)
    weights = [w / total for w in weights]
    split = _Split(ext, weights)
    futures = [_Future(ext, split, s, forms[s]) for s in split.futures]
    return _Search(split, futures, np.array([weights[s] for s in split.futures]), ext.compiled.cost[:split.n1])


def _risk(losses: np.ndarray, weights: np.ndarray, alpha: float | None) -> float:
    """The mean of the losses, or their CVaR at alpha (Rockafellar-Uryasev, the minimum at a loss)."""
    if alpha is None:
        return float(weights @ losses)
    return float(min(eta + weights @ np.maximum(losses - eta, 0.0) / (1.0 - alpha) for eta in losses))
