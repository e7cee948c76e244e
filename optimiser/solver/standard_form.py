"""Pyomo -> standard form: the model as sparse matrices and bound vectors, with the maps back to Pyomo.

`LinearStandardFormCompiler` turns the Pyomo model into arrays once; `Highs.passModel` then takes
them whole, which costs far less than a row-by-row persistent hand-off. Nothing here changes after
compilation: the bounds a model has *now* live in its lifecycle object (lifecycle.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import highspy
import numpy as np
import pyomo.environ as pyo
import scipy.sparse  # noqa: F401  Pyomo's compiler imports it lazily: ~1 s on the first hand-off, not per model
from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

INF = highspy.kHighsInf


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


@dataclass(frozen=True)
class StandardForm:
    """The compiled model: min cost @ x + offset, row_lower <= A x <= row_upper,
    col_lower <= x <= col_upper, x integer where `integer`. Bounds are those the model was built with."""

    model: pyo.ConcreteModel
    lp: highspy.HighsLp  # the same data as HiGHS takes it
    columns: list  # Pyomo VarData per column
    rows: list  # (ConstraintData, sense) per row: 0 equality, 1 upper, -1 lower
    cost: np.ndarray
    objective_offset: float
    matrix: object  # scipy.sparse CSC matrix of the rows
    col_lower: np.ndarray
    col_upper: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray
    integer: np.ndarray  # bool per column
    binary: np.ndarray  # bool per column (integer with bounds 0..1)
    row_of: dict = field(default_factory=dict)  # id(ConstraintData) -> row numbers
    # per row, in the row's units: the constant part of its body (constants, and decisions fixed when
    # the model was built, such as a frozen year's learners in later years' budgets and placements),
    # which the compiler moves to the bounds. As written, a row's limit is its bound plus this and its
    # use is A x plus this: what binding.csv and explanations show a planner.
    row_offset: np.ndarray | None = None

    @cached_property
    def column_of(self) -> dict[int, int]:
        """id(VarData) -> its column number; a variable fixed when the model was compiled has none."""
        return {id(v): j for j, v in enumerate(self.columns)}

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
        return int(self.matrix.nnz)

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

    def objective_of(self, values: np.ndarray) -> float:
        """The objective's value at column values (offset included)."""
        return float(self.cost @ values + self.objective_offset)

    def load_values(self, values: np.ndarray) -> None:
        """Write a solution back onto the Pyomo variables (fixed variables keep their values)."""
        for var, val in zip(self.columns, values, strict=True):
            var.set_value(float(val), skip_validation=True)


def integrality(integer: np.ndarray) -> list:
    """HiGHS's integrality vector for a bool-per-column mask."""
    return [highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in integer]


def to_standard_form(m: pyo.ConcreteModel) -> StandardForm:
    """Compile the Pyomo model to arrays (the caller pauses the garbage collector: see compile_model)."""
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
        lp.integrality_ = integrality(integer)
    row_of: dict[int, list[int]] = {}
    for i, (con, _sense) in enumerate(repn.rows):
        row_of.setdefault(id(con), []).append(i)
    # the bound as the model states it, less the one the compiler wrote (about 10 ms for 8,000 rows)
    declared = np.array([pyo.value(con.lower if sense == -1 else con.upper) for con, sense in repn.rows], dtype=float)
    return StandardForm(
        model=m, lp=lp, columns=columns, rows=list(repn.rows), cost=_frozen(np.asarray(cost, dtype=float)),
        objective_offset=offset, matrix=A,
        col_lower=_frozen(col_lower), col_upper=_frozen(col_upper),
        row_lower=_frozen(row_lower), row_upper=_frozen(row_upper),
        integer=_frozen(integer), binary=_frozen(binary), row_of=row_of,
        row_offset=_frozen(declared - rhs if len(declared) else np.zeros(0)),
    )
