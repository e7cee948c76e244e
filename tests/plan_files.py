"""The caps of a scenario re-checked against a plan from its written files alone (starts.csv,
recruits.csv, educators.csv, costs.csv): placement weeks and educators used by the learners in
training, international onboarding and the national cap, recruitment pools, provider starts caps,
yearly and total budgets. The caps are the scenario's as prepared for the model (ModelData); what
the plan uses is summed here from the files, with none of the model's code.

`cap_breaches(out, scenario)` returns one sentence per cap the files break ([] when none).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pandas as pd

from optimiser.model.data import prepare

ABSOLUTE = 1e-4  # decisions below the files' shown_above threshold are left out of them
RELATIVE = 1e-6


def _over(used: float, cap: float) -> bool:
    return used > cap + RELATIVE * max(1.0, abs(cap)) + ABSOLUTE


def _read(out: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = Path(out) / name
    if not path.is_file() or path.stat().st_size == 0:
        return pd.DataFrame(columns=columns)
    df = pd.read_csv(path, keep_default_na=False, na_values=[""])
    return df if not df.empty else pd.DataFrame(columns=columns)


def learners_in_training(starts: pd.DataFrame, recruits: pd.DataFrame, routes: dict) -> dict:
    """(region, route, year) -> learners in training that year: every start (and every recruit on a
    route with placements or educators) of the L years up to it, L the route's duration."""
    learners: dict = defaultdict(float)
    rows = [(r.region, r.route, int(r.year), float(r.starts)) for r in starts.itertuples()]
    rows += [(r.region, r.route, int(r.year), float(r.recruits)) for r in recruits.itertuples()
             if routes[r.route].placement_weeks > 0 or routes[r.route].educator_load > 0]
    for region, route, year, n in rows:
        for y in range(year, year + routes[route].duration):
            learners[(region, route, y)] += n
    return learners


def cap_breaches(out: Path, scenario, budget_scale: float = 1.0) -> list[str]:
    data = prepare(scenario, mode="plan", budget_scale=budget_scale)
    first = data.first_decision_year
    starts = _read(out, "starts.csv", ["provider", "region", "route", "year", "starts"])
    recruits = _read(out, "recruits.csv", ["route", "kind", "region", "year", "recruits"])
    educators = _read(out, "educators.csv", ["region", "year", "extra_educator_wte"])
    costs = _read(out, "costs.csv", ["year", "category", "gbp"])
    learners = learners_in_training(starts, recruits, data.routes)
    weeks, load = defaultdict(float), defaultdict(float)
    for (region, route, year), n in learners.items():
        weeks[(region, year)] += data.routes[route].placement_weeks * n
        load[(region, year)] += data.routes[route].educator_load * n
    extra = {(r.region, int(r.year)): float(r.extra_educator_wte) for r in educators.itertuples()}
    found = []
    for (region, year), cap in data.placement_weeks.items():
        if year >= first and _over(weeks[(region, year)], cap):
            found.append(f"placement weeks, {region}, {year}: {weeks[(region, year)]:,.3f} > {cap:,.3f}")
    for (region, year), cap in data.educator_wte.items():
        funded = cap + extra.get((region, year), 0.0)
        if year >= first and _over(load[(region, year)], funded):
            found.append(f"educators, {region}, {year}: {load[(region, year)]:,.3f} WTE > {funded:,.3f}")
    for (region, year), more in extra.items():
        if _over(more, data.max_extra_educator_wte):
            found.append(f"extra educators, {region}, {year}: {more} > {data.max_extra_educator_wte}")
    decided = recruits[recruits["year"] >= first]
    international = decided[decided["kind"] == "international"]
    onboarded = international.groupby(["region", "year"])["recruits"].sum()
    for (region, year), cap in data.max_recruits.items():
        if year >= first and _over(float(onboarded.get((region, year), 0.0)), cap):
            found.append(f"international onboarding, {region}, {year}: {onboarded[(region, year)]} > {cap}")
    if data.national_international_cap is not None:
        for year, n in international.groupby("year")["recruits"].sum().items():
            if _over(n, data.national_international_cap):
                found.append(f"national international cap, {year}: {n} > {data.national_international_cap}")
    by_route_region = decided.groupby(["route", "region", "year"])["recruits"].sum()
    for (route, region, year), cap in data.pool_region.items():
        if year >= first and _over(float(by_route_region.get((route, region, year), 0.0)), cap):
            found.append(f"recruitment pool, {route}, {region}, {year}: {by_route_region[(route, region, year)]} > {cap}")
    by_route = decided.groupby(["route", "year"])["recruits"].sum()
    for (route, year), cap in data.pool_total.items():
        if year >= first and _over(float(by_route.get((route, year), 0.0)), cap):
            found.append(f"recruitment pool, {route}, {year}: {by_route[(route, year)]} > {cap}")
    cohorts = starts.groupby(["provider", "route", "year"])["starts"].sum()
    for (provider, route, year), cap in data.max_starts.items():
        if _over(float(cohorts.get((provider, route, year), 0.0)), cap):
            found.append(f"provider starts cap, {provider}, {route}, {year}: {cohorts[(provider, route, year)]} > {cap}")
    spent = costs.groupby("year")["gbp"].sum()
    for year, cap in data.budget.items():
        if year >= first and _over(float(spent.get(year, 0.0)), cap):
            found.append(f"budget, {year}: GBP {spent[year]:,.0f} > {cap:,.0f}")
    if data.total_budget is not None:
        total = float(spent[(spent.index >= first) & (spent.index <= data.years[-1])].sum())
        if _over(total, data.total_budget):
            found.append(f"total budget: GBP {total:,.0f} > {data.total_budget:,.0f}")
    return found
