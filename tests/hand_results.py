"""Results written by hand, for unit tests of what reads them (reports, bottlenecks, summaries).

One network of two regions (a, b) and two staff groups (rad, son), planned 2025-2027 by hand: the
figures are small enough to check every sum in a test on paper. Nothing here solves.
"""

from __future__ import annotations

import pandas as pd

from optimiser.results.results import PlanResult, ProjectionResult

# shortfall counts in the measured years 2026-2027; 2025 is the baseline
PROJECTION = pd.DataFrame(
    [("rad", "a", 2025, 90.0, 100.0, 90.0, 10.0), ("rad", "b", 2025, 45.0, 50.0, 45.0, 5.0),
     ("son", "a", 2025, 20.0, 20.0, 20.0, 0.0),
     ("rad", "a", 2026, 95.0, 102.0, 96.0, 6.0), ("rad", "b", 2026, 47.0, 51.0, 47.0, 4.0),
     ("son", "a", 2026, 19.0, 21.0, 19.0, 2.0),
     ("rad", "a", 2027, 99.0, 104.0, 100.0, 4.0), ("rad", "b", 2027, 50.0, 52.0, 50.0, 2.0),
     ("son", "a", 2027, 18.0, 22.0, 18.0, 4.0)],
    columns=["staff_group", "region", "year", "supply_wte", "demand_wte", "covered_wte", "shortfall_wte"])

# 2 WTE of son deployed on rad's plain-film work in a, 2026, at productivity 0.5: 1 WTE of rad's work
SKILL_MIX = pd.DataFrame([("son", "rad", "plain_film", "a", 2026, 2.0, 1.0, 0.02)],
                         columns=["covering_group", "covered_group", "modality", "region", "year", "deployed_wte",
                                  "work_wte", "share_of_work"])

BINDING_COLUMNS = ["family", "constraint", "index", "year", "limit", "used", "slack", "unit",
                   "shadow_price", "value_of_one_more", "value_of_1pct_more", "binding"]


def limit_row(family: str, constraint: str, index: str, year, limit: float, shadow_price: float,
              value_of_one_more: float, unit: str = "") -> dict:
    """One row of binding.csv for an upper limit in use to the full (slack 0).

    value_of_1pct_more = |shadow price| x |limit| x 1%, as read_binding computes it.
    """
    return dict(family=family, constraint=constraint, index=index, year=year, limit=limit, used=limit,
                slack=0.0, unit=unit, shadow_price=shadow_price, value_of_one_more=value_of_one_more,
                value_of_1pct_more=abs(shadow_price) * abs(limit) * 0.01, binding=True)


# Ranked by the gain from 1% more of each limit: placements in a (0.2) tie with educators in a (0.2),
# then placements in b (0.1), then the 2026 budget (GBP 2m x 4e-7 x 1% = 0.008). Ranked by the gain
# per unit instead, educators (2.0) and the budget (0.4 per GBP 1m) would lead.
BINDING = pd.DataFrame([
    limit_row("placement weeks", "placement_capacity", "Region A, 2026", 2026, 400.0, -0.05, 0.05, "weeks"),
    limit_row("practice educator WTE", "educator_capacity", "Region A, 2027", 2027, 10.0, -2.0, 2.0, "WTE"),
    limit_row("placement weeks", "placement_capacity", "Region B, 2026", 2026, 100.0, -0.1, 0.1, "weeks"),
    limit_row("yearly budget", "budget_yearly", "2026", 2026, 2e6, -4e-7, 0.4, "GBP"),
    # a limit with room left, and one worth less than the solver's noise: neither is a bottleneck
    {**limit_row("provider starts cap", "cohort_max", "Provider P, ug, 2026", 2026, 10.0, 0.0, 0.0, "starts"),
     "used": 6.0, "slack": 4.0, "binding": False},
    limit_row("placement weeks", "placement_capacity", "Region A, 2027", 2027, 400.0, -1e-12, 1e-12, "weeks"),
], columns=BINDING_COLUMNS)


# Where the next pound goes: a start in a (3 WTE-years for GBP 1,000) ties with the 2026 budget's shadow price
LEVERS = pd.DataFrame([("commissions", "ug", "Provider P, Region A, 2026", 1000.0, 3.0, 3000.0),
                       ("budget", "2026", "2026", 1e6, 3000.0, 3000.0)],
                      columns=["lever", "name", "where", "gbp_per_unit", "wte_years_per_unit", "wte_years_per_gbp_m"])


def status_quo() -> ProjectionResult:
    return ProjectionResult(
        scenario_name="Two ICBs by hand", status="optimal", projection=PROJECTION, skill_mix=SKILL_MIX,
        weighted_shortfall=22.0, total_shortfall_wte_years=22.0,  # 6 + 4 + 2 + 4 + 2 + 4
        costs=pd.DataFrame({"year": [2025, 2026], "category": ["training", "training"], "gbp": [1e6, 1e6]}),
        build_seconds=0.1, solve_seconds=0.2)


def plan_result(objective_name: str = "min_shortfall", with_status_quo: bool = True, **tables) -> PlanResult:
    """A feasible plan; `tables` replace any of its DataFrames (starts, binding, ...)."""
    frames = dict(
        starts=pd.DataFrame({"provider": ["p", "p"], "region": ["a", "b"], "route": ["ug", "ug"],
                             "year": [2025, 2026], "starts": [10, 4]}),
        international=pd.DataFrame({"region": ["a"], "route": ["intl"], "year": [2026], "recruits": [3]}),
        recruits=pd.DataFrame({"route": ["intl", "rtp"], "kind": ["international", "returner"], "region": ["a", "b"],
                               "year": [2026, 2026], "recruits": [3, 2]}),
        retention=pd.DataFrame({"scheme": ["flexible_working"], "staff_group": ["rad"], "region": ["a"],
                                "year": [2026], "retained_wte": [1.5]}),
        educators=pd.DataFrame({"region": ["a"], "year": [2026], "extra_educator_wte": [0.5]}),
        projection=PROJECTION,
        skill_mix=SKILL_MIX,
        costs=pd.DataFrame({"year": [2025, 2026], "category": ["training", "international"],
                            "gbp": [1.5e6, 2.5e5]}),
        binding=BINDING,
        levers=LEVERS,
        assumptions=pd.DataFrame({"setting": ["objective", "solver.time_limit_s"],
                                  "value": [objective_name, "60"]}),
    )
    frames.update(tables)
    return PlanResult(
        scenario_name="Two ICBs by hand", objective_name=objective_name, status="optimal", message="",
        objective=22.0, weighted_shortfall=22.0, total_shortfall_wte_years=22.0, total_cost_gbp=1.75e6,
        mip_gap=0.0, budget_scale=1.0, timings={"build_seconds": 0.1, "solve_seconds": 0.2},
        size={"n_vars": 40, "n_int_vars": 12, "n_cons": 30, "n_nonzeros": 90},
        status_quo=status_quo() if with_status_quo else None, **frames)
