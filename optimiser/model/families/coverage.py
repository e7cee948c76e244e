"""Demand coverage with skill mix, and shortfall."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.families import add_rows, lin


def add_coverage(m: pyo.ConcreteModel, data: ModelData) -> None:
    """For every measured year y = y0+1 .. y0+H (WTE):

        own[g,r,y] = s[g,r,y] - sum_h a[g,h,r,y] - (v[r,y] if g is r's educator group)
        own[g,r,y] + sum_h rho[h,g] * a[h,g,r,y] + u[g,r,y] >= d[g,r,y]      for d > 0
        0 <= a[h,g,r,y] <= sigma[h,g] * d[g,r,y] / rho[h,g]                   (variable bound)
        own[g,r,y] >= 0                                                       where g gives work away

    a[h,g,r,y]: WTE of group h deployed on g's work (only where (h,g) is in skill_mix and d > 0);
    u[g,r,y] >= 0: shortfall (only where d > 0).
    """
    a_keys, a_bound = [], {}
    for h, g, share, rho in data.skill_mix:
        for r in data.regions:
            for y in data.measured_years:
                d = data.demand.get((g, r, y), 0.0)
                if d > 0 and share > 0:
                    a_keys.append((h, g, r, y))
                    a_bound[(h, g, r, y)] = share * d / rho
    m.a = pyo.Var(a_keys, domain=pyo.NonNegativeReals, bounds=lambda _m, *k: (0, a_bound[k]))
    m.u = pyo.Var(list(data.demand), domain=pyo.NonNegativeReals)
    rho = {(h, g): p for h, g, _s, p in data.skill_mix}
    received: dict[tuple[str, str, int], list] = {}
    for h, g, r, y in a_keys:
        var = m.a[h, g, r, y]
        m.own_terms[(h, r, y)].append(var)
        received.setdefault((g, r, y), []).append((rho[(h, g)], var))

    def own(g, r, y) -> list:
        return [(1.0, m.s[g, r, y])] + [(-1.0, v) for v in m.own_terms.get((g, r, y), [])]

    cover = {}
    for (g, r, y), d in data.demand.items():
        terms = own(g, r, y) + received.get((g, r, y), []) + [(1.0, m.u[g, r, y])]
        cover[(g, r, y)] = lin(terms) >= d
    add_rows(m, "demand_cover", cover, family="demand coverage", index=("staff_group", "region", "year"), unit="WTE")
    nonneg = {key: lin(own(*key)) >= 0 for key in m.own_terms if key[2] in data.measured_years}
    add_rows(m, "own_work_nonneg", nonneg, family="staff deployed elsewhere", index=("staff_group", "region", "year"), unit="WTE")
