"""Clinical placement weeks."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, has_free, lin

PLACEMENT_CAPACITY = RowFamily(
    "placement_capacity", "placement weeks", ("region", "year"), "weeks", Role.LIMIT,
    one_more="one more placement week")
ROWS = (PLACEMENT_CAPACITY,)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """For each (r,y) listed in placement_capacity, y >= F (run-out years included), with learners in
    training (of every route kind) whose number a plan decides:

        sum_{p,k} placement_weeks_k * T[p,r,k,y] <= placement_weeks[r,y]     (weeks/year)

    Learners of a frozen year's intake count in T as constants.
    """
    if data.mode != "plan":
        return
    rows = {}
    for (r, y), cap in data.placement_weeks.items():
        terms = [(route.placement_weeks, var) for route, var in m.learners.get((r, y), []) if route.placement_weeks]
        if terms and has_free(terms):
            rows[(r, y)] = lin(terms) <= cap
    add_rows(m, PLACEMENT_CAPACITY, rows)
