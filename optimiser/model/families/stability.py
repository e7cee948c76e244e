"""Stability: commissioning changes gradually."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

STABILITY_UP = RowFamily(
    "stability_up", "stability (increase)", ("provider", "route", "year"), "starts", Role.LIMIT,
    one_more="one more start of year-on-year increase")
STABILITY_DOWN = RowFamily(
    "stability_down", "stability (decrease)", ("provider", "route", "year"), "starts", Role.LIMIT,
    one_more="one more start of year-on-year decrease")
ROWS = (STABILITY_UP, STABILITY_DOWN)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """When max_change_per_year D is set, for every provider p, route k and y > y0 with starts in both years:

        -D <= sum_r starts[p,r,k,y] - sum_r starts[p,r,k,y-1] <= D        (starts)
    """
    D = data.config.max_change_per_year
    if data.mode != "plan" or D is None:
        return
    totals: dict[tuple[str, str, int], list] = {}
    for key in m.starts:
        p, _r, k, y = key
        totals.setdefault((p, k, y), []).append(m.starts[key])
    up, down = {}, {}
    for (p, k, y), xs in totals.items():
        before = totals.get((p, k, y - 1))
        if before is None:
            continue
        terms = [(1.0, v) for v in xs] + [(-1.0, v) for v in before]
        up[(p, k, y)] = lin(terms) <= D
        down[(p, k, y)] = lin(terms) >= -D
    add_rows(m, STABILITY_UP, up)
    add_rows(m, STABILITY_DOWN, down)
