"""Returners who arrive in a sampled future whose returner pool is smaller than planned
(uncertainty.csv `returner_pool`): recruits planned above the realised pool do not arrive.

Built only where the data carry realised pools (`data.realised_pool_region`, `realised_pool_total`:
a sampled future with returner_pool rows); otherwise it adds nothing and the model is unchanged.
"""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

WITHIN_PLANNED = RowFamily(
    "arrivals_within_recruits", "returners arriving within those recruited", ("route", "kind", "region", "year"),
    "recruits", Role.DEFINITION)
REALISED_POOL_REGION = RowFamily(
    "realised_pool_region", "realised returner pool (region)", ("route", "region", "year"), "recruits",
    Role.DEFINITION)
REALISED_POOL_TOTAL = RowFamily(
    "realised_pool_total", "realised returner pool (all regions)", ("route", "year"), "recruits", Role.DEFINITION)
ROWS = (WITHIN_PLANNED, REALISED_POOL_REGION, REALISED_POOL_TOTAL)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Arrivals arrivals[k,kind,r,y] >= 0 (continuous, recruits) for every recruits[k,kind,r,y] whose
    pool has a realised size: pool(k,r,y) in realised_pool_region or pool(k,y) in realised_pool_total,
    each g x max_recruits (g drawn for the future; sampling.py):

        arrivals[k,kind,r,y] <= recruits[k,kind,r,y]                                  (recruits)
        arrivals[k,kind,r,y] <= g * pool[k,r,y];   sum_r arrivals[k,kind,r,y] <= g * pool[k,y]

    The recruits' term in the stock, c_k * recruits into stock[produces_k, r, y+L_k], becomes
    c_k * arrivals: the recruits and their cost stay (the first stage: planned and paid for), the
    stock gets only those who arrive. Every more arrival adds stock, which never raises the
    min_shortfall objective (regional equity's weight is below 1), so arrivals are
    min(recruits, g x pool) wherever that lowers the shortfall; where it lowers nothing the
    shortfall is the same either way. The rows are definitions of the future, never freed when a
    given plan is evaluated (the pool rows that limit the plan's recruits are).
    """
    region, total = data.realised_pool_region, data.realised_pool_total
    if not region and not total or not hasattr(m, "recruits"):
        return
    keys = [key for key in m.recruits if (key[0], key[2], key[3]) in region or (key[0], key[3]) in total]
    m.arrivals = pyo.Var(keys, domain=pyo.NonNegativeReals)
    within, per_region, per_route = {}, {}, {}
    for key in keys:
        k, _kind, r, y = key
        planned, arrived = m.recruits[key], m.arrivals[key]
        within[key] = lin([(1.0, arrived), (-1.0, planned)]) <= 0
        per_region.setdefault((k, r, y), []).append((1.0, arrived))
        per_route.setdefault((k, y), []).append((1.0, arrived))
        route = data.routes[k]
        terms = m.stock_terms.get((route.produces, r, y + route.duration), [])
        for i, (c, v) in enumerate(terms):  # the stock gets the arrivals in place of the recruits
            if v is planned:
                terms[i] = (c, arrived)
    add_rows(m, WITHIN_PLANNED, within)
    add_rows(m, REALISED_POOL_REGION, {key: lin(t) <= region[key] for key, t in per_region.items() if key in region})
    add_rows(m, REALISED_POOL_TOTAL, {key: lin(t) <= total[key] for key, t in per_route.items() if key in total})
