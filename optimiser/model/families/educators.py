"""Practice educators: the load of learners in training, and funded extra educator posts."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.families import add_rows, lin


def add_educators(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Educator capacity, for each (r,y) listed in educator_capacity with learners in training:

        sum_{p,k} educator_load_k * T[p,r,k,y] <= educator_wte[r,y] + v[r,y]      (WTE)

    v[r,y] in [0, max_extra_educator_wte] (WTE) exists only when that setting is above 0 (plan
    only), for regions with an educator limit. It costs educator_cost_per_wte * v (GBP, year y)
    and, from y0+1, is drawn from the region's educator_group: it leaves that group's own work.
    """
    plan = data.mode == "plan"
    v_keys = []
    if plan and data.max_extra_educator_wte > 0:
        v_keys = [(r, y) for (r, y) in data.educator_wte if (r, y) in m.learners]
    m.extra_educators = pyo.Var(v_keys, bounds=(0, data.max_extra_educator_wte))
    for r, y in v_keys:
        var = m.extra_educators[r, y]
        m.cost_terms[("extra educators", y)].append((data.educator_cost_per_wte, var))
        group = data.educator_group.get(r)
        if group and y > data.start_year:
            m.own_terms[(group, r, y)].append(var)
    if not plan:
        return
    rows = {}
    for (r, y), cap in data.educator_wte.items():
        terms = [(route.educator_load, var) for route, var in m.learners.get((r, y), []) if route.educator_load]
        if not terms:
            continue
        if (r, y) in m.extra_educators:
            terms.append((-1.0, m.extra_educators[r, y]))
        rows[(r, y)] = lin(terms) <= cap
    add_rows(m, "educator_capacity", rows, family="practice educator WTE", index=("region", "year"), unit="WTE")
