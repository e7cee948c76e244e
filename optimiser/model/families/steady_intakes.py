"""Steady intakes: a small price on every year-to-year change in a provider's commissions (optional)."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.families.stability import yearly_intakes
from optimiser.model.parts import Role, RowFamily, add_rows, has_free, lin

_KEY = ("provider", "route", "year")
CHANGE_UP = RowFamily("intake_rise_def", "intake rise", _KEY, "starts", Role.DEFINITION)
CHANGE_DOWN = RowFamily("intake_fall_def", "intake fall", _KEY, "starts", Role.DEFINITION)
ROWS = (CHANGE_UP, CHANGE_DOWN)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """With kappa = intake_change_weight > 0 (weighted WTE-years per start of change; min_shortfall
    plans only), X[p,k,y] = sum_r starts[p,r,k,y], for the cells of the stability rows (every (p,k)
    of provider_routes and year max(F, y0+1) .. y0+H-1 in which either year has starts; X of a
    frozen year is its baseline), intake_change[p,k,y] >= 0 (starts) is |X[p,k,y] - X[p,k,y-1]|:

        intake_change[p,k,y] >= X[p,k,y] - X[p,k,y-1]
        intake_change[p,k,y] >= X[p,k,y-1] - X[p,k,y]

    and the objective adds kappa * sum intake_change (undiscounted). A steady ramp from one level to
    another costs the same as any other path between them, so the term picks, among plans whose gap is
    nearly the same, the one whose intakes move least, and it does not stop a programme growing.
    """
    weight = data.config.intake_change_weight
    if data.mode != "plan" or weight <= 0 or m.objective_name != "min_shortfall":
        return
    cells = [(cell, now, before) for cell, now, before in yearly_intakes(m, data)
             if has_free([(1.0, v) for v in now + before])]
    m.intake_change = pyo.Var([cell for cell, _now, _before in cells], domain=pyo.NonNegativeReals)
    rise, fall = {}, {}
    for cell, now, before in cells:
        change = m.intake_change[cell]
        step = [(1.0, v) for v in now] + [(-1.0, v) for v in before]
        rise[cell] = lin([(1.0, change)] + [(-c, v) for c, v in step]) >= 0
        fall[cell] = lin([(1.0, change)] + step) >= 0
        m.penalties.append((weight, change))
    add_rows(m, CHANGE_UP, rise)
    add_rows(m, CHANGE_DOWN, fall)
