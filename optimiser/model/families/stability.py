"""Stability: commissioning changes gradually."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, has_free, lin

STABILITY_UP = RowFamily(
    "stability_up", "stability (increase)", ("provider", "route", "year"), "starts", Role.LIMIT,
    one_more="one more start of year-on-year increase")
STABILITY_DOWN = RowFamily(
    "stability_down", "stability (decrease)", ("provider", "route", "year"), "starts", Role.LIMIT,
    one_more="one more start of year-on-year decrease")
ROWS = (STABILITY_UP, STABILITY_DOWN)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """With c = max_change_per_year and rho = max_change_share (when either is set; c = 0 when only
    rho is), X[p,k,y] = sum_r starts[p,r,k,y], for every (p,k) in provider_routes and every year y
    with max(F, y0+1) <= y <= y0+H-1:

        X[p,k,y] - (1 + rho) * X[p,k,y-1] <= c        (starts)
        X[p,k,y] - (1 - rho) * X[p,k,y-1] >= -c       i.e. |X[y] - X[y-1]| <= c + rho * X[y-1]

    X of a frozen year is its baseline starts (fixed); X of a year without starts is 0. Rows with
    no decided start in them are left out (nothing a plan could change).
    """
    limit = data.config.intake_change_limit
    if data.mode != "plan" or limit is None:
        return
    c, rho = limit
    # (c, rho, first year with a row): read by the rounding of a relaxed plan (cohort_chains.py)
    m.intake_change_limit = (float(c), float(rho), max(data.first_decision_year, data.start_year + 1))
    up, down = {}, {}
    for cell, now, before in yearly_intakes(m, data):
        up_terms = [(1.0, v) for v in now] + [(-(1.0 + rho), v) for v in before]
        down_terms = [(1.0, v) for v in now] + [(-(1.0 - rho), v) for v in before]
        if not has_free(up_terms):
            continue
        up[cell] = lin(up_terms) <= c
        down[cell] = lin(down_terms) >= -c
    add_rows(m, STABILITY_UP, up)
    add_rows(m, STABILITY_DOWN, down)


def yearly_intakes(m: pyo.ConcreteModel, data: ModelData) -> list[tuple[tuple[str, str, int], list, list]]:
    """(cell (p, k, y), the starts variables of X[p,k,y], those of X[p,k,y-1]) for every (p,k) in
    provider_routes and every year max(F, y0+1) .. y0+H-1 in which either year has starts; a frozen
    year's starts are fixed variables."""
    totals: dict[tuple[str, str, int], list] = {}
    for key in m.starts:
        p, _r, k, y = key
        totals.setdefault((p, k, y), []).append(m.starts[key])
    first = max(data.first_decision_year, data.start_year + 1)
    cells = [cell for cell in totals if cell[2] >= first]
    offered = dict.fromkeys((p, k) for p, k, _y in data.max_starts)
    seen = set(cells)
    cells += [(p, k, y) for p, k in offered for y in data.decision_years
              if y >= first and (p, k, y) not in seen and (p, k, y - 1) in totals]
    return [(cell, totals.get(cell, []), totals.get((cell[0], cell[1], cell[2] - 1), [])) for cell in cells]
