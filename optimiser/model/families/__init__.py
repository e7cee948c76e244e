"""One module per constraint family. Each `add_<family>(m, data)` documents its maths, index set
and units, creates its variables and rows, and adds its terms to the model's shared stock-flow
(`m.stock_terms`), cost (`m.cost_terms`) and own-work (`m.own_terms`) collections; the balances
that read those collections are built last."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

Terms = list[tuple[float, pyo.Var]]


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


def add_rows(m: pyo.ConcreteModel, name: str, rows: dict[Hashable, object], *, family: str,
             index: tuple[str, ...], unit: str = "", row_scale: float = 1.0) -> None:
    """Add an indexed constraint from a dict of relational expressions and register its meaning.

    `family` is the planner's name for the limit (used in binding.csv and explanations),
    `index` names the key's parts, `unit` the unit of its right-hand side, and `row_scale` how many
    of those units one unit of the row stands for (rows may be scaled for the solver's numerics).
    """
    if not rows:
        return
    keys = list(rows)
    con = pyo.Constraint(keys, rule=lambda _m, *k: rows[k[0] if len(k) == 1 else k])
    m.add_component(name, con)
    m.families[name] = {"family": family, "index": index, "unit": unit, "row_scale": row_scale}
