"""Reports rolled up the hierarchy (regions.parent and areas.csv; optimiser/scenario/hierarchy.py):
a plan's projection, shortfall, starts, recruits, retention, educators and costs, and a monitoring
report, summed from the regions to any level (network, NHS region, nation, ...).

Sums are of the regions' figures: an area's shortfall is the sum of its regions' shortfalls (staff
in one region do not cover another region's gap in the model), and a share (variance_pct) is
recomputed from the summed plan and actual. Costs have no region in the model's cost table, so
`regional_costs` re-prices the plan's decisions by region from the scenario's unit costs; its
totals by year and category equal costs.csv (tests/integration/test_rollup.py).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from optimiser.analysis.monitor import LINE_COLUMNS, MonitorReport, flag_lines
from optimiser.analysis.plan_folder import PlanTables
from optimiser.scenario.hierarchy import REGION_LEVEL, area_chains, hierarchy_levels
from optimiser.scenario.scenario import Scenario


class RollupError(ValueError):
    """A level the scenario's hierarchy does not have."""


def region_areas(scenario: Scenario, level: str) -> dict[str, str]:
    """region -> its area at `level` ('(no <level>)' for a region whose chain has none)."""
    levels = hierarchy_levels(scenario.tables)
    if level not in levels:
        raise RollupError(f"level {level!r} is not in the scenario's hierarchy; levels: {', '.join(levels)} "
                          "(regions.parent and areas.csv define them)")
    return {r: chain.get(level, f"(no {level})") for r, chain in area_chains(scenario.tables).items()}


def roll_up(df: pd.DataFrame, areas: dict[str, str], level: str, values: list[str],
            region: str = "region") -> pd.DataFrame:
    """`df` with its `region` column replaced by the area at `level`, `values` summed over the
    other columns (columns that are neither kept nor values are dropped)."""
    if level == REGION_LEVEL:
        return df.copy()
    out = df.copy()
    out[region] = out[region].map(lambda r: areas.get(r, r) if r else r)
    keys = [c for c in out.columns if c not in values]
    return out.groupby(keys, as_index=False, sort=False, dropna=False)[values].sum()


def _scheme_cost(retention: pd.DataFrame, scheme: str, region: str, year: int) -> float:
    """A scheme's cost_per_wte in a region and year: a year row beats a blank-year row, then a
    region row beats a blank-region row (model.md, v2 "Precise readings")."""
    rows = retention[(retention["scheme"] == scheme) & retention["region"].isin([region, ""])
                     & (retention["year"].isna() | (retention["year"] == year))]
    if rows.empty:
        return 0.0
    ranked = rows.assign(_y=rows["year"].notna(), _r=rows["region"] != "").sort_values(["_y", "_r"])
    return float(ranked.iloc[-1]["cost_per_wte"])


def regional_costs(plan: PlanTables, scenario: Scenario) -> pd.DataFrame:
    """The plan's costs by region, year and category, priced from the scenario's unit costs."""
    t, routes = plan.tables, scenario.tables["routes"].set_index("route")
    last = scenario.config.model_years[-1]
    rows = []
    for (table, value) in (("starts", "starts"), ("recruits", "recruits")):
        for _, r in t[table].iterrows():
            route, n, y = routes.loc[r["route"]], float(r[value]), int(r["year"])
            kind = route["kind"]
            start_category = "training starts" if kind == "training" else f"{kind} recruitment"
            rows.append((r["region"], y, start_category, n * route["cost_per_start"]))
            for year in range(y, min(y + int(route["duration_years"]), last + 1)):
                rows.append((r["region"], year, "learners in training", n * route["cost_per_learner_year"]))
    for _, r in t["retention"].iterrows():
        cost = _scheme_cost(scenario.tables["retention"], r["scheme"], r["region"], int(r["year"]))
        rows.append((r["region"], int(r["year"]), "retention", float(r["retained_wte"]) * cost))
    for _, r in t["educators"].iterrows():
        rows.append((r["region"], int(r["year"]), "extra educators",
                     float(r["extra_educator_wte"]) * scenario.config.educator_cost_per_wte))
    df = pd.DataFrame(rows, columns=["region", "year", "category", "gbp"])
    df = df.groupby(["region", "year", "category"], as_index=False)["gbp"].sum()
    return df[df["gbp"].abs() > 0.005].reset_index(drop=True)


PROJECTION_VALUES = ["supply_wte", "demand_wte", "covered_wte", "shortfall_wte"]


def roll_up_projection(projection: pd.DataFrame, scenario: Scenario, level: str) -> dict[str, pd.DataFrame]:
    """A status quo projection (optimiser project --out) at `level`: projection and shortfall."""
    rolled = roll_up(projection, region_areas(scenario, level), level, PROJECTION_VALUES)
    shortfall = rolled.groupby(["region", "year"], as_index=False)["shortfall_wte"].sum()
    return {name: df.rename(columns={"region": level}) for name, df in
            (("projection", rolled), ("shortfall", shortfall))}


def roll_up_plan(plan: PlanTables, scenario: Scenario, level: str) -> dict[str, pd.DataFrame]:
    """A plan's reports at `level`: file name -> table (region column named after the level)."""
    areas = region_areas(scenario, level)
    t = plan.tables
    tables = {
        "projection": roll_up(t["projection"], areas, level, PROJECTION_VALUES),
        "status_quo_projection": roll_up(t["status_quo_projection"], areas, level, PROJECTION_VALUES),
        "starts": roll_up(t["starts"], areas, level, ["starts"]),
        "recruits": roll_up(t["recruits"], areas, level, ["recruits"]),
        "retention": roll_up(t["retention"], areas, level, ["retained_wte"]),
        "educators": roll_up(t["educators"], areas, level, ["extra_educator_wte"]),
        "costs": roll_up(regional_costs(plan, scenario), areas, level, ["gbp"]),
    }
    plan_sf = tables["projection"].groupby(["region", "year"], as_index=False)["shortfall_wte"].sum()
    sq_sf = tables["status_quo_projection"].groupby(["region", "year"], as_index=False)["shortfall_wte"].sum()
    tables["shortfall"] = plan_sf.merge(sq_sf, on=["region", "year"], suffixes=("", "_status_quo"))
    return {name: df.rename(columns={"region": level}) for name, df in tables.items()}


def roll_up_monitor(report: MonitorReport, scenario: Scenario, level: str) -> MonitorReport:
    """Monitoring lines summed to `level` (starts by the provider's area, without the provider)."""
    if level == REGION_LEVEL:
        return report
    areas = region_areas(scenario, level)
    lines = report.lines.drop(columns=["provider", "variance", "variance_pct", "flag"])
    lines["basis"] = lines["basis"].where(lines["measure"] != "in post",
                                          "sum over the area's regions of the plan interpolated linearly within the year")
    lines["basis"] = lines["basis"].where(lines["measure"] != "starts",
                                          "plan's starts of the route at the area's providers")
    rolled = roll_up(lines, areas, level, ["plan", "actual"])
    rolled["provider"] = ""
    rolled = flag_lines(rolled, report.amber_at, report.red_at)[LINE_COLUMNS]
    return replace(report, lines=rolled.rename(columns={"region": "region"}), level=level)
