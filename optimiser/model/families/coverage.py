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
    """For every measured year y = y0+1 .. y0+H+E, run-out years included (WTE):

        own[g,r,y] = stock[g,r,y] - sum_h deployed[g,h,r,y] - sum_{h,q} deployed_on_modality[g,h,q,r,y]
                     - (extra_educators[r,y] if g is r's educator group)
        own[g,r,y] + sum_h rho[h,g] * deployed[h,g,r,y] + sum_{h,q} rho[h,g,q] * deployed_on_modality[h,g,q,r,y]
                   + shortfall[g,r,y] >= d[g,r,y]                                          for d > 0
        0 <= deployed[h,g,r,y] <= share[h,g] * d[g,r,y] / rho[h,g]                        (variable bound)
        0 <= deployed_on_modality[h,g,q,r,y] <= share[h,g,q] * d_q[g,r,y] / rho[h,g,q]     (variable bound)
        own[g,r,y] >= 0                                                       where g gives work away

    share is max_share in a plan and current_share (today's practice) in the status quo. deployed
    exists for skill-mix rows without a modality, deployed_on_modality for rows naming modality q
    (only the covered group's activity-based part d_q of that modality), each only where that
    demand is positive; shortfall[g,r,y] >= 0: WTE of demand not covered (only where d > 0).
    """
    plan = data.mode == "plan"
    a_keys, a_bound, q_keys, q_bound = [], {}, [], {}
    for row in data.skill_mix:
        h, g, rho = row.covering, row.covered, row.productivity
        share = row.max_share if plan else row.current_share
        if share <= 0:
            continue
        for r in data.regions:
            for y in data.measured_years:
                d = data.demand.get((g, r, y), 0.0)
                if d <= 0:
                    continue
                if row.modality is None:
                    a_keys.append((h, g, r, y))
                    a_bound[(h, g, r, y)] = share * d / rho
                elif data.demand_parts.get((g, row.modality, r, y), 0.0) > 0:
                    key = (h, g, row.modality, r, y)
                    q_keys.append(key)
                    q_bound[key] = share * data.demand_parts[(g, row.modality, r, y)] / rho
    m.deployed = pyo.Var(a_keys, domain=pyo.NonNegativeReals, bounds=lambda _m, *k: (0, a_bound[k]))
    m.shortfall = pyo.Var(list(data.demand), domain=pyo.NonNegativeReals)
    m.deployed_on_modality = pyo.Var(q_keys, domain=pyo.NonNegativeReals, bounds=lambda _m, *k: (0, q_bound[k]))
    productivity = {(s.covering, s.covered, s.modality): s.productivity for s in data.skill_mix}
    received: dict[tuple[str, str, int], list] = {}
    for h, g, r, y in a_keys:
        var = m.deployed[h, g, r, y]
        m.own_terms[(h, r, y)].append(var)
        received.setdefault((g, r, y), []).append((productivity[(h, g, None)], var))
    for h, g, q, r, y in q_keys:
        var = m.deployed_on_modality[h, g, q, r, y]
        m.own_terms[(h, r, y)].append(var)
        received.setdefault((g, r, y), []).append((productivity[(h, g, q)], var))

    def own(g, r, y) -> list:
        return [(1.0, m.stock[g, r, y])] + [(-1.0, v) for v in m.own_terms.get((g, r, y), [])]

    cover = {}
    for (g, r, y), d in data.demand.items():
        terms = own(g, r, y) + received.get((g, r, y), []) + [(1.0, m.shortfall[g, r, y])]
        cover[(g, r, y)] = lin(terms) >= d
    add_rows(m, DEMAND_COVER, cover)
    nonneg = {key: lin(own(*key)) >= 0 for key in m.own_terms if key[2] in data.measured_years}
    add_rows(m, OWN_WORK, nonneg)
