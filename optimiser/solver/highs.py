"""The HiGHS adapter: compile the Pyomo model to matrices once, hand them to highspy in one call,
and own HiGHS's quirks (status handling, time limit, gap, threads, infeasible re-check).

Pyomo stays the modelling layer; `LinearStandardFormCompiler` turns it into sparse arrays and
`Highs.passModel` takes them whole, which costs far less than a row-by-row persistent hand-off.
The compiled model keeps its HiGHS instance so that re-solves (the budget frontier) change only
row bounds and re-use the solver.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse  # noqa: F401  Pyomo's compiler imports it lazily: ~1 s on the first hand-off, not per model
from pyomo.common.gc_manager import PauseGC
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

log = logging.getLogger(__name__)
INF = highspy.kHighsInf


@dataclass
class SolveOutcome:
    status: str  # optimal | time_limit | cancelled | infeasible | error
    message: str
    objective: float | None
    mip_gap: float | None
    dual_bound: float | None
    solve_seconds: float
    values: np.ndarray | None  # column values, in compiled column order
    presolve_rechecked: bool = False
    row_activity: np.ndarray | None = None  # row values at `values`, in compiled row order
    phases: dict = field(default_factory=dict)  # seconds of the relax-and-round start, if run

    @property
    def has_solution(self) -> bool:
        return self.values is not None


@dataclass
class CompiledModel:
    """A Pyomo model as matrices inside a HiGHS instance, with the maps back to Pyomo."""

    model: pyo.ConcreteModel
    highs: highspy.Highs
    lp: highspy.HighsLp
    columns: list  # Pyomo VarData per column
    rows: list  # (ConstraintData, sense) per row: 0 equality, 1 upper, -1 lower
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray  # bool per column
    binary: np.ndarray  # bool per column (integer with bounds 0..1)
    matrix: object  # scipy.sparse CSC matrix of the rows
    objective_offset: float
    handoff_seconds: float
    row_of: dict = field(default_factory=dict)  # id(ConstraintData) -> row numbers
    relaxation: highspy.Highs | None = None  # the LP relaxation, kept for re-solves
    changed_rows: dict = field(default_factory=dict)  # row -> (old lower, old upper, only loosened?) since the last run
    last_relaxation: tuple | None = None  # (bound, row activity) of the last LP relaxation solve

    def relaxation_bound(self) -> float | None:
        """The LP relaxation's optimum: a valid bound on the MIP, kept in its own HiGHS instance for
        re-solves after right-hand-side changes. Interior point every time: on the default a warm
        dual simplex after a budget change took 1,000-15,000 pivots (0.1-1.8 s) against IPM's 0.15 s."""
        if self.relaxation is None:
            h = copy_to_highs(self, self.col_lower, self.col_upper)
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "off")  # only the objective value is needed
            self.relaxation = h
        else:
            self.relaxation.clearSolver()
        self.relaxation.run()
        if self.relaxation.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.last_relaxation = None
            return None
        bound = float(self.relaxation.getInfo().objective_function_value)
        self.last_relaxation = (bound, np.asarray(self.relaxation.getSolution().row_value, dtype=float))
        return bound

    @property
    def n_cols(self) -> int:
        return len(self.columns)

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_integer(self) -> int:
        return int(self.integer.sum())

    @property
    def n_nonzeros(self) -> int:
        return len(self.lp.a_matrix_.value_)

    def rows_of(self, names) -> list[tuple[str, object, int]]:
        """(component name, index key, row number) of every row of the named constraint families."""
        out = []
        for name in names:
            comp = getattr(self.model, name, None)
            if comp is None:
                continue
            for key, con in comp.items():
                out.extend((name, key, i) for i in self.row_of.get(id(con), []))
        return out

    def activity(self, values: np.ndarray) -> np.ndarray:
        """Row activities A @ values."""
        return np.asarray(self.matrix @ values, dtype=float)


def _new_highs(threads: int = 1) -> highspy.Highs:
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", 0)
    return h


def compile_model(m: pyo.ConcreteModel) -> CompiledModel:
    """Compile to standard form and pass the whole matrix to a new HiGHS instance."""
    with PauseGC():  # as in build_model: collections would rescan every live model object
        return _compile(m)


def _compile(m: pyo.ConcreteModel) -> CompiledModel:
    t0 = time.perf_counter()
    repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
    columns = repn.columns
    n = len(columns)
    A = repn.A.tocsc()
    rhs = np.asarray(repn.rhs, dtype=float)
    senses = np.array([s for _, s in repn.rows], dtype=int)
    row_lower = np.where(senses >= 0, np.where(senses == 0, rhs, -INF), rhs)
    row_upper = np.where(senses <= 0, np.where(senses == 0, rhs, INF), rhs)
    col_lower = np.array([-INF if v.lb is None else v.lb for v in columns], dtype=float)
    col_upper = np.array([INF if v.ub is None else v.ub for v in columns], dtype=float)
    integer = np.array([v.is_integer() or v.is_binary() for v in columns], dtype=bool)
    binary = integer & (col_lower >= 0) & (col_upper <= 1)
    cost = repn.c.toarray()[0] if repn.c.shape[0] else np.zeros(n)
    offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0

    lp = highspy.HighsLp()
    lp.num_col_ = n
    lp.num_row_ = len(repn.rows)
    lp.col_cost_ = cost
    lp.col_lower_ = col_lower
    lp.col_upper_ = col_upper
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    lp.offset_ = offset
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n
    lp.a_matrix_.num_row_ = len(repn.rows)
    lp.a_matrix_.start_ = A.indptr.astype(np.int32)
    lp.a_matrix_.index_ = A.indices.astype(np.int32)
    lp.a_matrix_.value_ = A.data.astype(float)
    if integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    h = _new_highs()
    h.passModel(lp)
    row_of: dict[int, list[int]] = {}
    for i, (con, _sense) in enumerate(repn.rows):
        row_of.setdefault(id(con), []).append(i)
    return CompiledModel(
        model=m, highs=h, lp=lp, columns=columns, rows=list(repn.rows),
        col_lower=col_lower, col_upper=col_upper, row_lower=row_lower, row_upper=row_upper,
        integer=integer, binary=binary, matrix=A, objective_offset=offset, handoff_seconds=time.perf_counter() - t0, row_of=row_of,
    )


def _outcome(h: highspy.Highs, seconds: float, integer: bool, known_bound: float | None = None) -> SolveOutcome:
    status = h.getModelStatus()
    info = h.getInfo()
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if has_primal else None
    objective = info.objective_function_value if has_primal else None
    gap = (info.mip_gap if integer else 0.0) if has_primal else None
    bound = info.mip_dual_bound if integer else objective
    if integer and known_bound is not None and (bound is None or abs(bound) >= INF or known_bound > bound):
        bound = known_bound  # the relax-and-round bound can be better than HiGHS's own
        if has_primal:
            gap = min(gap, relative_gap(objective, bound))
    S = highspy.HighsModelStatus
    if status == S.kOptimal:
        return SolveOutcome("optimal", "optimal", objective, gap, bound, seconds, values)
    if status == S.kInterrupt:
        msg = "cancelled" + ("; the best plan found so far is reported" if has_primal else " before any feasible plan was found")
        return SolveOutcome("cancelled", msg, objective, gap, bound, seconds, values)
    if status in (S.kTimeLimit, S.kIterationLimit, S.kSolutionLimit):
        msg = "time limit reached" + ("" if has_primal else " before any feasible plan was found")
        return SolveOutcome("time_limit", msg, objective, gap, bound, seconds, values)
    if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        return SolveOutcome("infeasible", "the hard limits cannot all be met", None, None, None, seconds, None)
    return SolveOutcome("error", f"HiGHS stopped with status {h.modelStatusToString(status)}",
                        objective, gap, bound, seconds, values)


# progress(report) receives {"elapsed_s", "incumbent", "bound", "gap", "nodes"} as HiGHS reports
# them (at most every PROGRESS_EVERY_S seconds, and at each better plan); returning True cancels.
Progress = Callable[[dict], bool | None]
PROGRESS_EVERY_S = 0.5
# Shares the relax-and-round phases may use: phase 1 of the time limit, phase 2 of what is left.
# Each phase that stops early still leaves the full branch and bound the rest.
# Phase 2 gets most of what is left: on the England-scale presets the rounding search keeps
# improving its plan steadily, while the full branch and bound after it rarely improves on it.
PHASE_SHARE = (0.5, 0.8)
# Rounding neighbourhoods tried in turn (see relax_and_round).
RENS_WIDENING = (0, "down", None)


def relative_gap(incumbent: float, bound: float) -> float:
    """HiGHS's relative gap for a minimisation: (incumbent - bound) / |incumbent|."""
    if incumbent - bound <= 1e-9 * max(1.0, abs(incumbent)):
        return 0.0
    return (incumbent - bound) / max(abs(incumbent), 1e-9)


class _Watch:
    """Forwards HiGHS callbacks to a progress function across the phases of one solve, and stops
    HiGHS when the function asks to cancel or when a phase's plan is good enough (`stop_at`)."""

    def __init__(self, progress: Progress | None, t0: float):
        self.progress, self.t0 = progress, t0
        self.last = -PROGRESS_EVERY_S
        self.cancelled = False
        self.best: float | None = None  # best incumbent of any phase
        self.bound: float | None = None  # best valid dual bound of any phase

    def attach(self, h: highspy.Highs, *, plans: bool, bounds: bool, stop_at: float | None = None) -> None:
        """`plans`: this phase's incumbents are plans of the full model (not of a relaxation);
        `bounds`: its dual bound is valid for the full model (not for a restricted neighbourhood);
        `stop_at`: stop once a plan this good is found."""
        def report(e, force: bool) -> None:
            out = e.data_out
            now = time.perf_counter() - self.t0
            inc = out.mip_primal_bound if abs(out.mip_primal_bound) < INF else None
            if plans and inc is not None and (self.best is None or inc < self.best):
                self.best = inc
            if stop_at is not None and inc is not None and inc <= stop_at:
                e.interrupt()
            if self.progress is None:
                return
            if force or now - self.last >= PROGRESS_EVERY_S:
                self.last = now
                bound = out.mip_dual_bound if (bounds and abs(out.mip_dual_bound) < INF) else None
                if self.bound is not None:
                    bound = self.bound if bound is None else max(bound, self.bound)
                best = self.best
                if self.progress({"elapsed_s": now, "incumbent": best, "bound": bound,
                                  "gap": relative_gap(best, bound) if best is not None and bound is not None else None,
                                  "nodes": int(out.mip_node_count)}):
                    self.cancelled = True
            if self.cancelled:
                e.interrupt()

        h.cbMipImprovingSolution.subscribe(lambda e: report(e, True))
        h.cbMipInterrupt.subscribe(lambda e: report(e, False))
        h.cbSimplexInterrupt.subscribe(lambda e: report(e, False))
        h.cbIpmInterrupt.subscribe(lambda e: report(e, False))


def copy_to_highs(compiled: CompiledModel, col_lower: np.ndarray, col_upper: np.ndarray,
                  integer: np.ndarray | None = None) -> highspy.Highs:
    """A fresh HiGHS instance holding the compiled model's matrix, costs and current row bounds,
    with the given column bounds; integer where `integer` says (None: an LP)."""
    src = compiled.lp
    lp = highspy.HighsLp()
    for attr in ("num_col_", "num_row_", "col_cost_", "offset_", "a_matrix_"):
        setattr(lp, attr, getattr(src, attr))
    lp.row_lower_, lp.row_upper_ = compiled.row_lower, compiled.row_upper
    lp.col_lower_, lp.col_upper_ = col_lower, col_upper
    if integer is not None and integer.any():
        lp.integrality_ = [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]
    h = _new_highs()
    h.passModel(lp)
    return h


def _sub_highs(compiled: CompiledModel, col_lower: np.ndarray, col_upper: np.ndarray,
               integer: np.ndarray, time_limit: float, mip_rel_gap: float) -> highspy.Highs:
    """A fresh HiGHS instance holding the compiled model with other column bounds and integrality."""
    h = copy_to_highs(compiled, col_lower, col_upper, integer)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    # The relaxations are degenerate for dual simplex (tens of thousands of pivots on the default);
    # the interior point method solves them several times faster.
    h.setOptionValue("mip_lp_solver" if integer.any() else "solver", "ipm")
    return h


@dataclass
class _Start:
    values: np.ndarray | None  # a plan feasible for the full model, or None
    objective: float | None
    bound: float | None  # a valid dual bound for the full model (from the relaxation)
    seconds: tuple[float, float]
    widening: int | str | None = None  # the rounding box that held a plan (RENS_WIDENING), if any


def _pressing(activity: np.ndarray, changes: dict, tol: float) -> bool:
    """Whether any changed row was within `tol` (relative) of its bound *before* the change."""
    for i, (old_lower, old_upper, _loosened) in changes.items():
        scale = tol * max(1.0, abs(activity[i]))
        if abs(activity[i] - old_upper) <= scale or abs(activity[i] - old_lower) <= scale:
            return True
    return False


def is_feasible(compiled: CompiledModel, values: np.ndarray, tol: float = 1e-6) -> bool:
    """Whether column values satisfy the compiled model's current bounds, rows and integrality."""
    if len(values) != compiled.n_cols:
        return False
    act = compiled.activity(values)
    slack = tol * np.maximum(1.0, np.abs(act))
    ints = values[compiled.integer]
    return bool(np.all(values >= compiled.col_lower - tol) and np.all(values <= compiled.col_upper + tol)
                and np.all(act >= compiled.row_lower - slack) and np.all(act <= compiled.row_upper + slack)
                and np.all(np.abs(ints - np.round(ints)) <= tol))


def _rens_box(compiled: CompiledModel, relaxed: np.ndarray, free: np.ndarray, general: np.ndarray,
              widen: int | str | None) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds of the rounding neighbourhood, within each column's own bounds: cohort binaries
    fixed at the relaxed values; each general integer boxed to [floor - widen, ceil + widen] of its
    relaxed value for a number `widen`, to [its lower bound, ceil] for "down", unboxed for None."""
    lo, hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    fix = compiled.binary & free
    lo[fix] = hi[fix] = np.round(relaxed[fix])
    if widen is not None:
        hi[general] = np.minimum(hi[general], np.ceil(relaxed[general] - 1e-6) + (0 if widen == "down" else widen))
        if widen != "down":
            lo[general] = np.maximum(lo[general], np.floor(relaxed[general] + 1e-6) - widen)
    return lo, hi


def relax_and_round(compiled: CompiledModel, time_limit: float, mip_rel_gap: float, watch: _Watch,
                    incumbent: np.ndarray | None = None) -> _Start | None:
    """A start and a bound for the MIP in two small solves (general integers are the starts and
    recruits; binaries are the cohort open/close decisions).

    Phase 1 relaxes the general integers and keeps the binaries: a small MIP whose dual bound is a
    valid bound on the full model. Phase 2 (RENS) fixes the binaries at phase 1's values and boxes
    each general integer between the floor and ceiling of its phase-1 value; HiGHS searches that
    neighbourhood until its plan is within `mip_rel_gap` of the phase-1 bound. A known feasible
    `incumbent` (the previous point of a frontier) skips phase 2 when it is already close enough.
    Returns None when the model has no free general integers (nothing to gain).
    """
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    if not general.any():
        return None
    t0 = time.perf_counter()
    h1 = _sub_highs(compiled, compiled.col_lower, compiled.col_upper, compiled.binary & free,
                    PHASE_SHARE[0] * time_limit, mip_rel_gap)
    watch.attach(h1, plans=False, bounds=True)
    h1.run()
    t1 = time.perf_counter()
    info = h1.getInfo()
    if info.primal_solution_status != 2 or watch.cancelled:
        return _Start(None, None, None, (t1 - t0, 0.0))
    relaxed = np.asarray(h1.getSolution().col_value, dtype=float)
    bound = info.mip_dual_bound if compiled.binary[free].any() else info.objective_function_value
    if h1.getModelStatus() != highspy.HighsModelStatus.kOptimal and not compiled.binary[free].any():
        bound = None  # an LP stopped early gives no bound
    watch.bound = bound
    if incumbent is not None:
        inc_obj = float(compiled.lp.col_cost_ @ incumbent + compiled.objective_offset)
        if bound is not None and relative_gap(inc_obj, bound) <= mip_rel_gap:
            return _Start(incumbent, inc_obj, bound, (t1 - t0, 0.0))
    stop_at = None if bound is None else bound + mip_rel_gap * abs(bound) / max(1e-9, 1 - mip_rel_gap)
    h2 = None
    for widen in RENS_WIDENING:
        # The floor/ceiling box can hold no integer plan when rows bind together at the relaxed
        # point (cohort minimums against placement capacity, say); each retry widens it, and the
        # last keeps only the cohort decisions fixed. An empty box is found in well under a second.
        spent = time.perf_counter() - t0
        lo, hi = _rens_box(compiled, relaxed, free, general, widen)
        h2 = _sub_highs(compiled, lo, hi, compiled.integer, PHASE_SHARE[1] * max(0.0, time_limit - spent), 1e-4)
        watch.attach(h2, plans=True, bounds=False, stop_at=stop_at)
        h2.run()
        if h2.getModelStatus() != highspy.HighsModelStatus.kInfeasible or watch.cancelled:
            break
    t2 = time.perf_counter()
    box = "binaries only" if widen is None else widen
    if h2.getInfo().primal_solution_status != 2:
        if incumbent is not None:
            return _Start(incumbent, inc_obj, bound, (t1 - t0, t2 - t1), box)
        return _Start(None, None, bound, (t1 - t0, t2 - t1), box)
    values = np.asarray(h2.getSolution().col_value, dtype=float)
    objective = h2.getInfo().objective_function_value
    if incumbent is not None and inc_obj < objective:
        values, objective = incumbent, inc_obj
    return _Start(values, objective, bound, (t1 - t0, t2 - t1), box)


def run(compiled: CompiledModel, time_limit: float, mip_rel_gap: float,
        progress: Progress | None = None, warm_start: bool = True,
        incumbent: np.ndarray | None = None) -> SolveOutcome:
    """Solve; an 'infeasible' answer is re-checked with presolve off before it is believed.

    MIPs first get a start and a bound from `relax_and_round`; when that plan is already within
    `mip_rel_gap` of the bound it is the answer, otherwise it seeds HiGHS's branch and bound.
    A `progress` callback that returns True stops HiGHS at its next check (status 'cancelled',
    with the best plan found so far if there is one)."""
    t0 = time.perf_counter()
    watch = _Watch(progress, t0)
    h = compiled.highs
    integer = bool(compiled.integer.any())
    if incumbent is not None and not is_feasible(compiled, incumbent):
        incumbent = None
    changes, compiled.changed_rows = compiled.changed_rows, {}
    if incumbent is not None and integer and not _pressing(compiled.activity(incumbent), changes, 1e-6):
        # A re-solve (frontier step) that loosened no limit the earlier plan was pressing on: that
        # plan may already be within the gap of the new LP bound (one IPM solve, ~0.15 s here).
        # Loosening rows that had slack at the last LP optimum leaves the LP optimum unchanged
        # (convexity), so that bound is reused without a solve.
        last = compiled.last_relaxation
        if (last is not None and all(c[2] for c in changes.values())
                and not _pressing(last[1], changes, 1e-4)):
            bound = last[0]
        else:
            bound = compiled.relaxation_bound()
        inc_obj = float(compiled.lp.col_cost_ @ incumbent + compiled.objective_offset)
        if bound is not None and relative_gap(inc_obj, bound) <= mip_rel_gap:
            return SolveOutcome("optimal", "optimal within the gap (the earlier plan)", inc_obj,
                                relative_gap(inc_obj, bound), bound, time.perf_counter() - t0, incumbent,
                                row_activity=compiled.activity(incumbent), phases={"relaxation_only": True})
    start = relax_and_round(compiled, time_limit, mip_rel_gap, watch, incumbent) if (integer and warm_start) else None
    phases = {} if start is None else {"relax_seconds": start.seconds[0], "round_seconds": start.seconds[1],
                                       "round_widening": start.widening}
    if start is not None and start.values is not None:
        gap = relative_gap(start.objective, start.bound) if start.bound is not None else None
        if watch.cancelled or (gap is not None and gap <= mip_rel_gap):
            status = "cancelled" if (watch.cancelled and (gap is None or gap > mip_rel_gap)) else "optimal"
            return SolveOutcome(status, "optimal within the gap" if status == "optimal" else "cancelled; the best plan found so far is reported",
                                start.objective, gap, start.bound, time.perf_counter() - t0, start.values,
                                row_activity=compiled.activity(start.values), phases=phases)
    if watch.cancelled:
        return SolveOutcome("cancelled", "cancelled before any feasible plan was found", None, None, None,
                            time.perf_counter() - t0, None, phases=phases)
    remaining = max(0.01, time_limit - (time.perf_counter() - t0))
    h.setOptionValue("time_limit", float(remaining))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("presolve", "choose")
    if start is not None and start.values is not None:
        sol = highspy.HighsSolution()
        sol.col_value = list(start.values)
        sol.value_valid = True
        h.setSolution(sol)
    watch.attach(h, plans=True, bounds=True)
    try:
        h.run()
    finally:
        h.clearCallbacks()
    outcome = _outcome(h, time.perf_counter() - t0, integer, start.bound if start else None)
    if outcome.status == "infeasible":
        log.info("HiGHS reports infeasible; re-checking with presolve off")
        h.setOptionValue("presolve", "off")
        h.clearSolver()
        h.run()
        outcome = _outcome(h, time.perf_counter() - t0, integer)
        outcome.presolve_rechecked = True
        h.setOptionValue("presolve", "choose")
    if outcome.values is not None:
        outcome.row_activity = compiled.activity(outcome.values)
    outcome.phases = phases
    return outcome


def load_values(compiled: CompiledModel, values: np.ndarray) -> None:
    """Write a solution back onto the Pyomo variables (fixed variables keep their values)."""
    for var, val in zip(compiled.columns, values, strict=True):
        var.set_value(float(val), skip_validation=True)


def set_row_upper(compiled: CompiledModel, rows: list[int], upper: list[float]) -> None:
    """Change right-hand sides in place (re-solves keep the built model and the solver)."""
    for i, ub in zip(rows, upper, strict=True):
        old = compiled.changed_rows.get(int(i), (compiled.row_lower[i], compiled.row_upper[i], True))
        compiled.changed_rows[int(i)] = (old[0], old[1], old[2] and ub >= compiled.row_upper[i])
        compiled.row_upper[i] = ub
        compiled.highs.changeRowBounds(int(i), float(compiled.row_lower[i]), float(ub))
        if compiled.relaxation is not None:
            compiled.relaxation.changeRowBounds(int(i), float(compiled.row_lower[i]), float(ub))


def relaxed_duals(compiled: CompiledModel, values: np.ndarray, fix_columns: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Row duals and activities of the LP with `fix_columns` fixed at `values`, other integers relaxed.

    Used for shadow prices: cohort open/close decisions are held at the plan's; starts and
    recruits are continuous, so a capacity row's dual is the marginal value of one more unit.
    """
    lo = compiled.col_lower.copy()
    hi = compiled.col_upper.copy()
    fixed = np.round(values[fix_columns])
    lo[fix_columns] = fixed
    hi[fix_columns] = fixed
    h = copy_to_highs(compiled, lo, hi)
    h.setOptionValue("solver", "ipm")  # with crossover: vertex duals, ~15x fewer seconds than dual simplex here
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    return np.asarray(sol.row_dual, dtype=float), np.asarray(sol.row_value, dtype=float)


def elastic_solve(compiled: CompiledModel, elastic_rows: list[int], scale: np.ndarray,
                  time_limit: float) -> np.ndarray | None:
    """Minimise the scaled violation of `elastic_rows` (all other rows hard). Returns each elastic
    row's violation (in the row's own units), or None if even that is infeasible."""
    src = compiled.lp
    n, k = src.num_col_, len(elastic_rows)
    h = _new_highs()
    lp = highspy.HighsLp()
    lp.num_col_ = n + k
    lp.num_row_ = src.num_row_
    lp.col_cost_ = np.concatenate([np.zeros(n), 1.0 / scale])
    lp.col_lower_ = np.concatenate([compiled.col_lower, np.zeros(k)])
    lp.col_upper_ = np.concatenate([compiled.col_upper, np.full(k, INF)])
    lp.row_lower_ = compiled.row_lower
    lp.row_upper_ = compiled.row_upper
    A = src.a_matrix_
    starts = np.asarray(A.start_, dtype=np.int64)
    index = list(A.index_)
    value = list(A.value_)
    new_starts = list(starts)
    for i in elastic_rows:
        # an upper-bounded row gets -e (its activity may exceed the limit by e); a lower one +e
        index.append(i)
        value.append(-1.0 if compiled.row_upper[i] < INF else 1.0)
        new_starts.append(new_starts[-1] + 1)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n + k
    lp.a_matrix_.num_row_ = src.num_row_
    lp.a_matrix_.start_ = np.asarray(new_starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.asarray(value, dtype=float)
    if compiled.integer.any():
        lp.integrality_ = list(src.integrality_) + [highspy.HighsVarType.kContinuous] * k
    h.passModel(lp)
    h.setOptionValue("time_limit", float(time_limit))
    h.setOptionValue("mip_rel_gap", 1e-6)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return None
    return np.asarray(h.getSolution().col_value, dtype=float)[n:]
