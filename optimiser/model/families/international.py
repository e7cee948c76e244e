"""International recruitment: recruits allocated straight to a region."""

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
ROWS = (ONBOARDING, NATIONAL_CAP)
RECRUITS = Decision(
    "recruits", "international", ("region", "route", "year"), "recruits", "recruits",
    "International", "International recruits by arrival region, route and year.", integer=True)
DECISIONS = (RECRUITS,)


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Recruits recruits[r,k,y] (integer) on international routes k, for the sparse set `data.recruit_index`.

    Onboarding:    sum_k recruits[r,k,y] <= max_recruits[r,y]               (recruits/year; listed (r,y) only)
    National cap:  sum_{r,k} recruits[r,k,y] <= national_international_cap   (recruits/year; when set)
    Stock:  + c_k * recruits[r,k,y] into stock[produces_k, r, y+L_k] (WTE; when y+L_k <= y0+H).
    Cost:   cost_per_start_k * recruits[r,k,y] in year y (GBP).
    In the status quo the set is the baseline recruits, fixed.
    """
    keys = list(data.recruit_index.itertuples(index=False, name=None))
    plan = data.mode == "plan"
    m.recruits = pyo.Var(keys, domain=pyo.NonNegativeIntegers if plan else pyo.NonNegativeReals)
    per_region: dict[tuple[str, int], list] = {}
    per_year: dict[int, list] = {}
    for key in keys:
        r, k, y = key
        var = m.recruits[key]
        route = data.routes[k]
        if not plan:
            var.fix(data.baseline_recruits[key])
        if y + route.duration <= data.stock_years[-1]:
            m.stock_terms[(route.produces, r, y + route.duration)].append((route.completion, var))
        m.cost_terms[("international recruitment", y)].append((route.cost_per_start, var))
        per_region.setdefault((r, y), []).append((1.0, var))
        per_year.setdefault(y, []).append((1.0, var))
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
