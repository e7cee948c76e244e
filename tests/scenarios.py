"""Scenarios built in code for tests whose optimum is derived by hand.

`tiny()` is one region 'a', one staff group 'rad' with no leavers and flat demand, one provider
'p' offering a one-year route 'ug' that completes every learner: each start adds exactly one WTE
to next year's stock. Tests override pieces and derive the optimum on paper.
"""

from __future__ import annotations

import copy

import pandas as pd

from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.io import RawScenario
from optimiser.scenario.scenario import Scenario, scenario_from_raw

GROUP = dict(staff_group="rad", name="Radiographer", shortfall_weight=1, leaver_rate=0, retirement_rate=0,
             net_churn_rate=0, labour_market_rate=0, demand_growth=0)
ROUTE = dict(route="ug", kind="training", produces="rad", draws_from="", duration_years=1, completion_rate=1,
             cost_per_learner_year=0, cost_per_start=0, educator_load=0, placement_weeks=0, min_cohort=1)


def base_tables() -> dict[str, list[dict]]:
    return {
        "regions": [dict(region="a", name="Region A")],
        "links": [],
        "staff_groups": [dict(GROUP)],
        "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=120)],
        "routes": [dict(ROUTE)],
        "providers": [dict(provider="p", name="Provider P", region="a")],
        "provider_routes": [dict(provider="p", route="ug", max_starts=10)],
    }


BASE_CONFIG = dict(name="tiny", start_year=2025, horizon_years=3, objective="min_shortfall",
                   graduate_retention=1.0, max_travel_minutes=60, discount=1.0, equity_weight=0.0,
                   cost_weight=0.0, solver={"time_limit_s": 30, "mip_rel_gap": 1e-9})


def raw_from(tables: dict[str, list[dict]], config: dict) -> RawScenario:
    specs = table_specs()
    frames = {}
    for name, rows in tables.items():
        cols = [c.column for c in specs[name].columns]
        present = [c for c in cols if c in {k for r in rows for k in r}] or [c.column for c in specs[name].columns if c.required]
        df = pd.DataFrame([{c: ("" if r.get(c) is None else str(r.get(c, ""))) for c in present} for r in rows],
                          columns=present, dtype=str)
        frames[name] = df
    return RawScenario(source="<test>", form="folder", config=copy.deepcopy(config), tables=frames)


def make(tables: dict[str, list[dict]] | None = None, **config) -> Scenario:
    t = base_tables()
    if tables:
        t.update(tables)
    cfg = dict(BASE_CONFIG)
    cfg.update(config)
    return scenario_from_raw(raw_from(t, cfg))


def route(**kw) -> dict:
    r = dict(ROUTE)
    r.update(kw)
    return r


def group(**kw) -> dict:
    g = dict(GROUP)
    g.update(kw)
    return g


# West Midlands radiographers as one region (the ESR analysis): net attrition and yearly inflows
LAMBDA = 0.0452 + 0.0124 + 0.0146 - 0.0186  # 0.0536: WMIN radiographer net attrition
INFLOW = {2023: 197, 2024: 204, 2025: 210, 2026: 210}


def one_region(uncertainty: list[dict], establishment: float = 4000.0, **group_changes) -> Scenario:
    """WMIN radiographers as one region (1,880 WTE, ESR rates and inflows), flat demand of 4,000 WTE
    so that shortfall = 4,000 - supply in every year (no skill mix, no decisions)."""
    g = group(staff_group="rad", name="Radiographer", leaver_rate=0.0452, retirement_rate=0.0124,
              net_churn_rate=0.0146, labour_market_rate=0.0186, demand_growth=0.0, target_shortfall_rate=0.45)
    g.update(group_changes)
    t = {"regions": [dict(region="wm", name="West Midlands")], "staff_groups": [g],
         "workforce": [dict(region="wm", staff_group="rad", in_post_wte=1880, establishment_wte=establishment)],
         "committed_inflows": [dict(region="wm", staff_group="rad", year=y, wte=w) for y, w in INFLOW.items()],
         "routes": [], "providers": [], "provider_routes": [], "uncertainty": uncertainty}
    return make(t, start_year=2023, horizon_years=4)


def uncertainty_row(parameter="leaver_rate", scope="*", distribution="normal", arguments="sd=0.005") -> dict:
    """One row of uncertainty.csv."""
    return dict(parameter=parameter, scope=scope, distribution=distribution, arguments=arguments)
