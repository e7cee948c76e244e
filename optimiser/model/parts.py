"""The model's parts described as data, once (after PyPSA's `variables.csv`).

Every constraint family declares its rows as `RowFamily` values beside the code that builds them
(`ROWS` in its module), and every decision a plan reports declares itself as a `Decision`
(`DECISIONS` in its module). Everything that reads a built model derives from these
declarations instead of keeping lists of its own: binding.csv and the bottleneck wording
(optimiser/results), the infeasibility explanation and the frontier (optimiser/pipeline), the
fixed-plan evaluation of sweeps (optimiser/analysis), the output files and workbook
(optimiser/outputs). `optimiser/model/build.py` holds the table of contents that collects them.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from enum import StrEnum

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression


class Role(StrEnum):
    """What a family's rows mean to a planner, which decides who reads them."""

    LIMIT = "limit"  # a capacity or budget the planner could raise: binding.csv, bottlenecks, "raise limit"
    REQUIREMENT = "requirement"  # a requirement the planner could lower: binding.csv, "lower requirement"
    DECISION_RULE = "decision rule"  # shapes the decisions only (minimum cohort): freed when a given plan is evaluated
    DEFINITION = "definition"  # an identity of the stock and flow (balances, coverage): never relaxed or reported


def magnitude_scale(coefficients: Iterable[float]) -> float:
    """The power of ten that puts the largest |coefficient| in [10, 100) (1 for none): a row
    divided by it has numbers of the same size whatever the scenario's units and sizes (GBP 3,000
    or 3m a start), which keeps HiGHS's absolute tolerances meaningful on it. [10, 100) is the band
    the former fixed 1/1000 gave every shipped scenario (training costs of GBP 10,000-100,000), so
    their rows, and answers, are unchanged to the last digit. Kept within 1e-9..1e15 (far beyond
    any amount the data dictionary allows) so that no divisor is subnormal."""
    biggest = max((abs(c) for c in coefficients), default=0.0)
    if not 0 < biggest < math.inf:
        return 1.0
    return 10.0 ** min(15, max(-9, math.floor(math.log10(biggest)) - 1))


def row_scale_of(m: pyo.ConcreteModel, name: str, key: Hashable) -> float:
    """How many of its family's `unit`s one unit of row `name`[`key`] stands for (1 unless scaled):
    limits, activities and stretches are multiplied by it, shadow prices divided, to read in planner's units."""
    scales = getattr(m, "row_scales", {})  # a model put together outside build_model may have none
    return scales.get((name, key), m.families[name].row_scale)


@dataclass(frozen=True)
class RowFamily:
    """One indexed constraint of the model, in the planner's words.

    `name` is the Pyomo component; `planner_name` the limit as binding.csv and explanations show it;
    `index` names the key's parts; `unit` is the unit of its right-hand side; `one_more` how one
    more unit (of `per_unit` units: GBP 1m for budgets) reads; `row_scale` how many `unit`s one
    unit of the row stands for (rows may be scaled for the solver's numerics); `by_magnitude`
    rows are each divided by a power of ten of their own largest coefficient (`magnitude_scale`:
    the scenario's own sizes), recorded per row in `m.row_scales`: read a row's scale with
    `row_scale_of`, never `row_scale` alone."""

    name: str
    planner_name: str
    index: tuple[str, ...]
    unit: str
    role: Role
    one_more: str = ""
    per_unit: float = 1.0
    row_scale: float = 1.0
    by_magnitude: bool = False

    @property
    def reported(self) -> bool:
        """Shown in binding.csv and the bottleneck ranking."""
        return self.role in (Role.LIMIT, Role.REQUIREMENT)

    @property
    def limits_decisions(self) -> bool:
        """Limits only the decisions, so it is freed when a plan given from outside is evaluated."""
        return self.role is not Role.DEFINITION


@dataclass(frozen=True)
class Decision:
    """A decision variable a plan reports: its Pyomo component and its output table.

    The table is `PlanResult.<table>`, `<table>.csv` and the workbook sheet `sheet`, with columns
    `index` + `value` (in `unit`); rows with a value at or below `shown_above` are left out.
    `integer` decisions are read rounded to whole numbers. `description` says what a row means
    (the workbook's "How to read this").

    A table may show part of a variable another table shows whole: `key` then names the variable's
    index parts (default: `index`) and `where` fixes those the table leaves out, which selects its
    rows (international.csv: the recruits of kind international, without the kind column).
    `lever` names the kind of lever the decision is for the planner ("commissions", "retention", ...)
    where the plan ranks where the next pound goes (optimiser/results/levers.py); blank for a view."""

    component: str
    table: str
    index: tuple[str, ...]
    value: str
    unit: str
    sheet: str
    description: str
    integer: bool
    shown_above: float = 0.0
    key: tuple[str, ...] = ()
    where: tuple[tuple[str, object], ...] = ()
    lever: str = ""

    @property
    def file(self) -> str:
        return f"{self.table}.csv"

    @property
    def columns(self) -> list[str]:
        return [*self.index, self.value]

    @property
    def key_names(self) -> tuple[str, ...]:
        """The names of the variable's index parts."""
        return self.key or self.index

    def row_of(self, key: tuple) -> tuple | None:
        """The table's index columns for a variable key, or None when `where` leaves the key out."""
        if not self.key and not self.where:
            return key
        parts = dict(zip(self.key_names, key, strict=True))
        if any(parts[name] != value for name, value in self.where):
            return None
        return tuple(parts[name] for name in self.index)

    def key_of(self, row: tuple) -> tuple:
        """The variable key of a table row's index columns (the inverse of `row_of`)."""
        if not self.key and not self.where:
            return row
        parts = dict(self.where) | dict(zip(self.index, row, strict=True))
        return tuple(parts[name] for name in self.key_names)


def lin(terms: Iterable[tuple[float, object]], constant: float = 0.0) -> LinearExpression:
    """A linear expression from (coefficient, variable) pairs, built without operator overloading.

    A variable listed more than once gets one term with the coefficients summed in the order
    given (as the compiler would sum them): budget and cost rows list a start once per cost
    category and year in training, a quarter of all terms on the L preset, and every term is
    a Pyomo object to create and then compile."""
    at: dict[int, int] = {}
    coefs, variables = [], []
    for c, v in terms:
        i = at.setdefault(id(v), len(coefs))
        if i == len(coefs):
            coefs.append(c)
            variables.append(v)
        else:
            coefs[i] += c
    return LinearExpression(constant=constant, linear_coefs=coefs, linear_vars=variables)


def has_free(terms: Iterable[tuple[float, object]]) -> bool:
    """Whether any variable among the terms is free: a row of fixed variables only (learners of a
    frozen year's intake) is a constant that no decision can change, so it is not written."""
    return any(not v.fixed for _c, v in terms)


def add_rows(m: pyo.ConcreteModel, family: RowFamily, rows: dict[Hashable, object],
             scales: dict[Hashable, float] | None = None) -> None:
    """Add `family`'s indexed constraint from a dict of relational expressions and record it in
    `m.families` (component name -> RowFamily), in build order, with each row's scale (`scales`,
    for a BY_MAGNITUDE family) in `m.row_scales`. Nothing is added for no rows."""
    if not rows:
        return
    con = pyo.Constraint(list(rows), rule=lambda _m, *k: rows[k[0] if len(k) == 1 else k])
    m.add_component(family.name, con)
    m.families[family.name] = family
    if scales:
        _row_scales(m).update({(family.name, key): k for key, k in scales.items()})


def add_row(m: pyo.ConcreteModel, family: RowFamily, row: object, scale: float | None = None) -> None:
    """Add `family` as a single, unindexed constraint (a whole-horizon limit)."""
    m.add_component(family.name, pyo.Constraint(expr=row))
    m.families[family.name] = family
    if scale is not None:
        _row_scales(m)[(family.name, None)] = scale


def _row_scales(m: pyo.ConcreteModel) -> dict:
    """m.row_scales, made on first use (build_model makes it; a model put together elsewhere may not)."""
    if not hasattr(m, "row_scales"):
        m.row_scales = {}
    return m.row_scales
