"""Recruitment on every non-training route (international, returner): recruits allocated straight
to a region, with international onboarding caps and recruitment-pool caps."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Decision, Role, RowFamily, add_rows, lin

ONBOARDING = RowFamily(
    "international_onboarding", "international onboarding", ("region", "year"), "recruits", Role.LIMIT,
    one_more="one more international recruit onboarded")
NATIONAL_CAP = RowFamily(
    "international_national_cap", "national international cap", ("year",), "recruits", Role.LIMIT,
    one_more="one more international recruit nationally")
POOL_REGION = RowFamily(
    "recruitment_pool_region", "recruitment pool (region)", ("route", "region", "year"), "recruits", Role.LIMIT,
    one_more="one more recruit from the pool in the region")
POOL_TOTAL = RowFamily(
    "recruitment_pool_total", "recruitment pool (all regions)", ("route", "year"), "recruits", Role.LIMIT,
    one_more="one more recruit from the pooled market")
ROWS = (ONBOARDING, NATIONAL_CAP, POOL_REGION, POOL_TOTAL)
INTERNATIONAL = Decision(
    "recruits", "international", ("region", "route", "year"), "recruits", "recruits",
    "International", "International recruits by arrival region, route and year.", integer=True,
    key=("route", "kind", "region", "year"), where=(("kind", "international"),))
RECRUITS = Decision(
    "recruits", "recruits", ("route", "kind", "region", "year"), "recruits", "recruits",
    "Recruits", "Recruits on every non-training route (international, returner) by route, arrival region and "
    "year.", integer=True, lever="recruits")
DECISIONS = (INTERNATIONAL, RECRUITS)


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Recruits recruits[k,kind,r,y] (integer) on every non-training route k (kind international or
    returner), for the sparse set `data.recruit_index`: decision years F..y0+H-1 where no cap is 0;
    before F the baseline recruits, fixed. In the status quo the set is the baseline recruits, fixed.

    Onboarding:    sum_{k international} recruits[k,r,y] <= max_recruits[r,y]   (recruits/year; listed (r,y) only)
    National cap:  sum_{r, k international} recruits[k,r,y] <= national_international_cap   (when set)
    Pool, region:  recruits[k,r,y] <= pool[k,r,y];  pooled:  sum_r recruits[k,r,y] <= pool[k,y]   (recruits/year)
    (limits in decision years y >= F only).
    Stock:  + c_k * recruits[k,r,y] into stock[produces_k, r, y+L_k] (WTE; when y+L_k <= y0+H+E).
    Cost:   cost_per_start_k * recruits in year y ("<kind> recruitment") and cost_per_learner_year_k *
            recruits in each year y .. y+L_k-1 ("learners in training") (GBP).
    Learners in training: recruits count in `m.learners[(r, y')]` for y' = y .. y+L_k-1 when the route
    uses placement weeks or educators (their rows read them there).
    """
    keys = list(data.recruit_index.itertuples(index=False, name=None))
    plan = data.mode == "plan"
    m.recruits = pyo.Var(keys, domain=pyo.NonNegativeIntegers if plan else pyo.NonNegativeReals)
    last_year = data.years[-1]
    per_region: dict[tuple[str, int], list] = {}
    per_year: dict[int, list] = {}
    per_route_region: dict[tuple[str, str, int], list] = {}
    per_route: dict[tuple[str, int], list] = {}
    for key in keys:
        k, kind, r, y = key
        var = m.recruits[key]
        route = data.routes[k]
        frozen = not plan or data.is_frozen(y)
        if frozen:
            var.fix(data.baseline_recruits[(r, k, y)])
        if y + route.duration <= data.stock_years[-1]:
            m.stock_terms[(route.produces, r, y + route.duration)].append((route.completion, var))
        m.cost_terms[(f"{kind} recruitment", y)].append((route.cost_per_start, var))
        loads = route.placement_weeks or route.educator_load
        for year in range(y, min(y + route.duration, last_year + 1)):
            if route.cost_per_learner_year:
                m.cost_terms[("learners in training", year)].append((route.cost_per_learner_year, var))
            if loads:
                m.learners[(r, year)].append((route, var))
        if frozen:
            continue
        if kind == "international":
            per_region.setdefault((r, y), []).append((1.0, var))
            per_year.setdefault(y, []).append((1.0, var))
        per_route_region.setdefault((k, r, y), []).append((1.0, var))
        per_route.setdefault((k, y), []).append((1.0, var))
    if not plan:
        return
    onboarding = {
        key: lin(terms) <= data.max_recruits[key]
        for key, terms in per_region.items()
        if key in data.max_recruits
    }
    add_rows(m, ONBOARDING, onboarding)
    cap = data.national_international_cap
    if cap is not None:
        national = {y: lin(terms) <= cap for y, terms in per_year.items()}
        add_rows(m, NATIONAL_CAP, national)
    regional = {key: lin(terms) <= data.pool_region[key] for key, terms in per_route_region.items()
                if key in data.pool_region}
    add_rows(m, POOL_REGION, regional)
    pooled = {key: lin(terms) <= data.pool_total[key] for key, terms in per_route.items() if key in data.pool_total}
    add_rows(m, POOL_TOTAL, pooled)
