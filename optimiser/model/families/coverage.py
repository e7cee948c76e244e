"""Demand coverage with skill mix, and shortfall."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

_CELL = ("staff_group", "region", "year")
DEMAND_COVER = RowFamily("demand_cover", "demand coverage", _CELL, "WTE", Role.DEFINITION)
OWN_WORK = RowFamily("own_work_nonneg", "staff deployed elsewhere", _CELL, "WTE", Role.DEFINITION)
ROWS = (DEMAND_COVER, OWN_WORK)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """For every measured year y = y0+1 .. y0+H (WTE):

        own[g,r,y] = stock[g,r,y] - sum_h deployed[g,h,r,y] - (extra_educators[r,y] if g is r's educator group)
        own[g,r,y] + sum_h rho[h,g] * deployed[h,g,r,y] + shortfall[g,r,y] >= d[g,r,y]      for d > 0
        0 <= deployed[h,g,r,y] <= sigma[h,g] * d[g,r,y] / rho[h,g]                   (variable bound)
        own[g,r,y] >= 0                                                       where g gives work away

    deployed[h,g,r,y]: WTE of group h deployed on g's work (only where (h,g) is in skill_mix and d > 0);
    shortfall[g,r,y] >= 0: WTE of demand not covered (only where d > 0).
    """
    a_keys, a_bound = [], {}
    for h, g, share, rho in data.skill_mix:
        for r in data.regions:
            for y in data.measured_years:
                d = data.demand.get((g, r, y), 0.0)
                if d > 0 and share > 0:
                    a_keys.append((h, g, r, y))
                    a_bound[(h, g, r, y)] = share * d / rho
    m.deployed = pyo.Var(a_keys, domain=pyo.NonNegativeReals, bounds=lambda _m, *k: (0, a_bound[k]))
    m.shortfall = pyo.Var(list(data.demand), domain=pyo.NonNegativeReals)
    rho = {(h, g): p for h, g, _s, p in data.skill_mix}
    received: dict[tuple[str, str, int], list] = {}
    for h, g, r, y in a_keys:
        var = m.deployed[h, g, r, y]
        m.own_terms[(h, r, y)].append(var)
        received.setdefault((g, r, y), []).append((rho[(h, g)], var))

    def own(g, r, y) -> list:
        return [(1.0, m.stock[g, r, y])] + [(-1.0, v) for v in m.own_terms.get((g, r, y), [])]

    cover = {}
    for (g, r, y), d in data.demand.items():
        terms = own(g, r, y) + received.get((g, r, y), []) + [(1.0, m.shortfall[g, r, y])]
        cover[(g, r, y)] = lin(terms) >= d
    add_rows(m, DEMAND_COVER, cover)
    nonneg = {key: lin(own(*key)) >= 0 for key in m.own_terms if key[2] in data.measured_years}
    add_rows(m, OWN_WORK, nonneg)
