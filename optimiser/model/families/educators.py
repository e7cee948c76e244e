"""Practice educators: the load of learners in training, and funded extra educator posts."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Decision, Role, RowFamily, add_rows, has_free, lin

EDUCATOR_CAPACITY = RowFamily(
    "educator_capacity", "practice educator WTE", ("region", "year"), "WTE", Role.LIMIT,
    one_more="one more practice-educator WTE")
ROWS = (EDUCATOR_CAPACITY,)
EXTRA_EDUCATORS = Decision(
    "extra_educators", "educators", ("region", "year"), "extra_educator_wte", "WTE",
    "Educators", "Extra practice-educator WTE funded by region and year (drawn from the region's educator "
    "staff group).", integer=False, shown_above=1e-6, lever="extra educators")
DECISIONS = (EXTRA_EDUCATORS,)


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Educator capacity, for each (r,y) listed in educator_capacity, y >= F (run-out years included),
    with learners in training (of every route kind):

        sum_{p,k} educator_load_k * T[p,r,k,y] <= educator_wte[r,y] + extra_educators[r,y]      (WTE)

    extra_educators[r,y] in [0, max_extra_educator_wte] (WTE) exists only when that setting is above 0 (plan
    only), for regions with an educator limit, in years F .. y0+H+E-1 with learners there. It costs
    educator_cost_per_wte * extra_educators (GBP, year y) and, from y0+1, is drawn from the region's
    educator_group: it leaves that group's own work. A row with no decision in it (only a frozen
    intake's learners and no extra educators) is not written.
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
        if has_free(terms):
            rows[(r, y)] = lin(terms) <= cap
    add_rows(m, EDUCATOR_CAPACITY, rows)
