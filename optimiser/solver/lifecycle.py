"""A built model's life in HiGHS: its standard form, the HiGHS instances that hold it, and every
change of its bounds.

`CompiledModel` is the only writer of row and column bounds. `set_bounds` keeps the bound arrays,
the MIP instance, the kept LP relaxation and the changed-rows bookkeeping of re-solves in step;
the context managers change bounds for a while and put them back on exit, exceptions included:

    with compiled.row_bounds(budget_rows, upper=base + 0.5 * budget):   # a frontier point at 1.5
        run(compiled, ...)
    with compiled.relaxed_rows(limit_rows), compiled.fixed_columns(plan):   # a given plan
        run(compiled, ...)

The bound arrays it shows (`row_lower`, `row_upper`, `col_lower`, `col_upper`) are read-only views
of the current bounds; writing into them raises. Fresh HiGHS instances (the rounding phases,
shadow prices, elastic re-solves) are copies made by `copy`, with the current row bounds.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import highspy
import numpy as np
import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.solver.scheduler import EngineHighs
from optimiser.solver.standard_form import INF, StandardForm, integrality, to_standard_form

# Threads of every HiGHS instance the engine makes (and of the benchmark's plain HiGHS). Set, not
# left to HiGHS: 1.16 turned its parallel MIP on by default, and one thread with a fixed seed
# makes every run repeat exactly, whatever the machine.
THREADS = 1
# HiGHS's random seed for every engine run (its default, 0). Runs repeat exactly for one seed;
# another seed sends branch and bound down another path (the benchmark's `--highs-seed` measures
# how much that alone moves a preset's time to the gap).
RANDOM_SEED = 0


_made_one = False  # whether this process has made a highspy.Highs yet (see _quiet_highs)


def _quiet_highs() -> highspy.Highs:
    """A new `EngineHighs` (scheduler.py), the first one of a process with the file behind stdout shut off: highspy
    1.16 prints its banner there while it makes a process's first instance, before `output_flag`
    can be set, and the planner's command output would start with it."""
    global _made_one
    if _made_one:
        return EngineHighs()
    _made_one = True
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):  # no stdout to protect
        return EngineHighs()
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return EngineHighs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def highs_version() -> str:
    """HiGHS's own version, without its banner on stdout (see _quiet_highs)."""
    return _quiet_highs().version()


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance; `THREADS` threads and a fixed seed so that every run repeats exactly,
    whatever thread count an earlier HiGHS run in this thread started its scheduler with."""
    h = _quiet_highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", THREADS)
    h.setOptionValue("random_seed", RANDOM_SEED)
    return h


def restart_clock(h: highspy.Highs) -> None:
    """Zero HiGHS's clocks before another run on a kept instance; the model, its bounds and the
    options stay. HiGHS's run clock counts every run an instance has made (`getRunTime`), and an LP
    run's time limit is checked against it: a kept LP stops at once when earlier runs used the
    limit up (highspy 1.15.1 and 1.16.0 alike; the MIP solver's own timer restarts, but its
    presolve and reported times read the total). highspy binds no `zeroAllClocks`;
    `releaseMemory` zeroes every clock but drops the model and the solver's state, so the model
    is passed back as it stands (5-10 ms on the L preset). Nothing else is lost: each MIP run
    starts afresh anyway, and the kept LP is re-solved from scratch (IPM)."""
    lp = h.getLp()
    h.releaseMemory()
    h.passModel(lp)


def seed(h: highspy.Highs, values: np.ndarray) -> None:
    """Give HiGHS `values` (a feasible plan, in column order) as its starting incumbent."""
    sol = highspy.HighsSolution()
    sol.col_value = list(values)
    sol.value_valid = True
    h.setSolution(sol)


def _read_only(a: np.ndarray) -> np.ndarray:
    view = a.view()
    view.flags.writeable = False
    return view


def _from_form(name: str) -> property:
    return property(lambda self: getattr(self.form, name), doc=f"The standard form's `{name}`.")


class CompiledModel:
    """A Pyomo model compiled to standard form and handed to HiGHS, with the bounds it has now."""

    model = _from_form("model")
    columns = _from_form("columns")
    rows = _from_form("rows")
    row_of = _from_form("row_of")
    row_offset = _from_form("row_offset")
    column_of = _from_form("column_of")
    integer = _from_form("integer")
    binary = _from_form("binary")
    matrix = _from_form("matrix")
    cost = _from_form("cost")
    objective_offset = _from_form("objective_offset")
    n_cols = _from_form("n_cols")
    n_rows = _from_form("n_rows")
    n_integer = _from_form("n_integer")
    n_nonzeros = _from_form("n_nonzeros")

    def __init__(self, form: StandardForm, handoff_seconds: float):
        self.form = form
        self.handoff_seconds = handoff_seconds  # compilation and hand-off to HiGHS
        self._row_lower, self._row_upper = form.row_lower.copy(), form.row_upper.copy()
        self._col_lower, self._col_upper = form.col_lower.copy(), form.col_upper.copy()
        self._views = tuple(_read_only(a) for a in (self._row_lower, self._row_upper,
                                                    self._col_lower, self._col_upper))
        self.highs = new_highs()  # the MIP instance, kept for re-solves: its options are run's, its bounds ours
        self.highs.passModel(form.lp)
        self.relaxation: highspy.Highs | None = None  # the LP relaxation, made at its first use
        # (bound of the last LP relaxation solve, row activity at its optimum), while it still holds
        self.last_relaxation: tuple[float, np.ndarray] | None = None
        # row -> its bounds before its first change since the last take_changed_rows (the last run)
        self._rows_before: dict[int, tuple[float, float]] = {}

    # --- reading -------------------------------------------------------------------------------

    @property
    def row_lower(self) -> np.ndarray:
        """Current lower bounds of the rows (read-only)."""
        return self._views[0]

    @property
    def row_upper(self) -> np.ndarray:
        """Current upper bounds of the rows (read-only)."""
        return self._views[1]

    @property
    def col_lower(self) -> np.ndarray:
        """Current lower bounds of the columns (read-only)."""
        return self._views[2]

    @property
    def col_upper(self) -> np.ndarray:
        """Current upper bounds of the columns (read-only)."""
        return self._views[3]

    def rows_of(self, names) -> list[tuple[str, object, int]]:
        return self.form.rows_of(names)

    def activity(self, values: np.ndarray) -> np.ndarray:
        return self.form.activity(values)

    def objective_of(self, values: np.ndarray) -> float:
        return self.form.objective_of(values)

    def load_values(self, values: np.ndarray) -> None:
        self.form.load_values(values)

    def is_feasible(self, values: np.ndarray, tol: float = 1e-6) -> bool:
        """Whether column values satisfy the current bounds, rows and integrality."""
        if len(values) != self.n_cols:
            return False
        act = self.activity(values)
        slack = tol * np.maximum(1.0, np.abs(act))
        ints = values[self.integer]
        return bool(np.all(values >= self._col_lower - tol) and np.all(values <= self._col_upper + tol)
                    and np.all(act >= self._row_lower - slack) and np.all(act <= self._row_upper + slack)
                    and np.all(np.abs(ints - np.round(ints)) <= tol))

    # --- the one writer of bounds ------------------------------------------------------------

    def set_bounds(self, *, rows=(), row_lower=None, row_upper=None,
                   columns=(), col_lower=None, col_upper=None) -> None:
        """Give `rows` (row numbers) and `columns` (column numbers) new bounds: a number for all of
        them or one per row/column; None keeps that side. The arrays, the MIP instance and the kept
        relaxation change together; changed rows are remembered for the next `run` (see
        `take_changed_rows`), and any column change retires the kept relaxation's optimum."""
        rows = np.asarray(rows, dtype=np.int32).reshape(-1)
        columns = np.asarray(columns, dtype=np.int32).reshape(-1)
        new_rows = self._new_bounds(rows, self._row_lower, self._row_upper, row_lower, row_upper)
        new_cols = self._new_bounds(columns, self._col_lower, self._col_upper, col_lower, col_upper)
        if len(rows):
            for i, lo, hi in zip(rows.tolist(), self._row_lower[rows].tolist(), self._row_upper[rows].tolist(),
                                 strict=True):
                self._rows_before.setdefault(i, (lo, hi))
            self._row_lower[rows], self._row_upper[rows] = new_rows
            lo, hi = self._row_lower[rows], self._row_upper[rows]
            for h in self._instances():
                h.changeRowsBounds(len(rows), rows, lo, hi)
        if len(columns):
            self._col_lower[columns], self._col_upper[columns] = new_cols
            lo, hi = self._col_lower[columns], self._col_upper[columns]
            for h in self._instances():
                h.changeColsBounds(len(columns), columns, lo, hi)
            self.last_relaxation = None

    @staticmethod
    def _new_bounds(index: np.ndarray, lower_now: np.ndarray, upper_now: np.ndarray,
                    lower, upper) -> tuple[np.ndarray, np.ndarray]:
        """Checked before anything is written, so that a bad call changes nothing."""
        def side(given, now: np.ndarray) -> np.ndarray:
            if given is None:
                return now[index]
            return np.broadcast_to(np.asarray(given, dtype=float), index.shape).copy()

        if len(index) and (index.min() < 0 or index.max() >= len(lower_now)):
            raise IndexError(f"bounds given for numbers outside 0..{len(lower_now) - 1}")
        return side(lower, lower_now), side(upper, upper_now)

    def _instances(self) -> list[highspy.Highs]:
        return [self.highs] if self.relaxation is None else [self.highs, self.relaxation]

    def take_changed_rows(self) -> dict[int, tuple[float, float, bool]]:
        """Rows whose bounds differ from those at the last call, as row -> (lower then, upper then,
        only loosened?); the record starts afresh. `run` calls this once per solve."""
        before, self._rows_before = self._rows_before, {}
        out = {}
        for i, (lo, hi) in before.items():
            now_lo, now_hi = self._row_lower[i], self._row_upper[i]
            if now_lo != lo or now_hi != hi:
                out[i] = (lo, hi, bool(now_lo <= lo and now_hi >= hi))
        return out

    # --- changes that are put back -----------------------------------------------------------

    @contextmanager
    def row_bounds(self, rows, lower=None, upper=None) -> Iterator[None]:
        """Rows with other bounds (as `set_bounds`) until the block ends; then exactly as before,
        whatever was set on them meanwhile."""
        rows = np.asarray(rows, dtype=np.int32).reshape(-1)
        saved = self._row_lower[rows].copy(), self._row_upper[rows].copy()
        self.set_bounds(rows=rows, row_lower=lower, row_upper=upper)
        try:
            yield
        finally:
            self.set_bounds(rows=rows, row_lower=saved[0], row_upper=saved[1])

    def relaxed_rows(self, rows):
        """Rows with no bounds at all until the block ends (limits a given plan may break)."""
        return self.row_bounds(rows, lower=-INF, upper=INF)

    @contextmanager
    def column_bounds(self, columns, lower=None, upper=None) -> Iterator[None]:
        """Columns with other bounds (as `set_bounds`) until the block ends; then exactly as before."""
        columns = np.asarray(columns, dtype=np.int32).reshape(-1)
        saved = self._col_lower[columns].copy(), self._col_upper[columns].copy()
        self.set_bounds(columns=columns, col_lower=lower, col_upper=upper)
        try:
            yield
        finally:
            self.set_bounds(columns=columns, col_lower=saved[0], col_upper=saved[1])

    def fixed_columns(self, values: Mapping[int, float]):
        """Columns held at the given values (column number -> value) until the block ends."""
        columns = np.array(sorted(values), dtype=np.int32)
        fixed = np.array([values[j] for j in columns.tolist()], dtype=float)
        return self.column_bounds(columns, lower=fixed, upper=fixed)

    # --- other HiGHS instances ---------------------------------------------------------------

    def copy(self, col_lower: np.ndarray | None = None, col_upper: np.ndarray | None = None,
             integer: np.ndarray | None = None, objective: np.ndarray | None = None) -> highspy.Highs:
        """A fresh HiGHS instance with the matrix and current row bounds; column bounds as given
        (default: current); integer where `integer` says (None: an LP); the model's costs, or
        `objective` (no offset) instead."""
        src = self.form.lp
        lp = highspy.HighsLp()
        for attr in ("num_col_", "num_row_", "a_matrix_"):
            setattr(lp, attr, getattr(src, attr))
        if objective is None:
            lp.col_cost_, lp.offset_ = src.col_cost_, src.offset_
        else:
            lp.col_cost_ = objective
        lp.row_lower_, lp.row_upper_ = self._row_lower, self._row_upper
        lp.col_lower_ = self._col_lower if col_lower is None else col_lower
        lp.col_upper_ = self._col_upper if col_upper is None else col_upper
        if integer is not None and integer.any():
            lp.integrality_ = integrality(integer)
        h = new_highs()
        h.passModel(lp)
        return h

    def relaxation_bound(self) -> float | None:
        """The LP relaxation's optimum: a valid bound on the MIP, kept in its own HiGHS instance for
        re-solves after right-hand-side changes. Interior point every time: on the default a warm
        dual simplex after a budget change took 1,000-15,000 pivots (0.1-1.8 s) against IPM's 0.15 s."""
        if self.relaxation is None:
            h = self.copy()
            h.setOptionValue("solver", "ipm")
            h.setOptionValue("run_crossover", "off")  # only the objective value is needed
            self.relaxation = h
        else:
            restart_clock(self.relaxation)  # also clears the solver's state
        self.relaxation.run()
        if self.relaxation.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            self.last_relaxation = None
            return None
        bound = float(self.relaxation.getInfo().objective_function_value)
        self.last_relaxation = (bound, np.asarray(self.relaxation.getSolution().row_value, dtype=float))
        return bound


def compile_model(m: pyo.ConcreteModel) -> CompiledModel:
    """Compile to standard form and pass the whole matrix to a new HiGHS instance."""
    with PauseGC():  # as in build_model: collections would rescan every live model object
        t0 = time.perf_counter()
        compiled = CompiledModel(to_standard_form(m), 0.0)
        compiled.handoff_seconds = time.perf_counter() - t0
    return compiled
