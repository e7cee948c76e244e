"""The model's data object: everything the model needs, computed once from a validated scenario
in pandas and networkx (years, parameters keyed by tuples, and the sparse index sets of every
decision variable). The model itself never filters a dense product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.regions import graduate_shares, region_graph, travel_reach
from optimiser.scenario.scenario import Scenario


def _rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    """The columns' values row by row as plain Python tuples. Column lists are built once per
    column: pandas' row iterators (itertuples, iterrows, to_dict) cost far more on these small
    string-typed tables than the work done with the rows."""
    return list(zip(*(df[c].tolist() for c in columns), strict=True))


def _records(df: pd.DataFrame) -> list[dict]:
    """Every row as a dict of plain Python values (as `to_dict("records")`, faster)."""
    names = list(df.columns)
    return [dict(zip(names, row, strict=True)) for row in _rows(df, *names)]


def _by_year(df: pd.DataFrame, keys: list[str], value: str, years: list[int]) -> dict[tuple, float]:
    """Expand rows with a blank year to every year; rows with a year override them. Keys are
    (*keys, year); with no key columns, (year,)."""
    out: dict[tuple, float] = {}
    if df.empty:
        return out
    ys = set(years)
    rows = _rows(df, *keys, "year", value)
    for *base, year, v in rows:
        if math.isnan(year):
            for y in years:
                out[(*base, y)] = float(v)
    for *base, year, v in rows:
        if not math.isnan(year) and int(year) in ys:
            out[(*base, int(year))] = float(v)
    return out


@dataclass(frozen=True)
class Route:
    route: str
    kind: str
    produces: str
    draws_from: str | None
    duration: int
    completion: float
    cost_per_learner_year: float
    cost_per_start: float
    educator_load: float
    placement_weeks: float
    min_cohort: int


@dataclass(frozen=True)
class ModelData:
    """Everything `build_model` reads. Built by `prepare`; never mutated."""

    config: ScenarioConfig
    mode: str  # "plan" | "status_quo"
    start_year: int
    years: list[int]  # decision years y0 .. y0+H-1
    stock_years: list[int]  # y0 .. y0+H
    measured_years: list[int]  # y0+1 .. y0+H
    regions: list[str]
    region_names: dict[str, str]
    groups: list[str]
    group_names: dict[str, str]
    provider_names: dict[str, str]
    routes: dict[str, Route]
    provider_region: dict[str, str]
    graduate_share: dict[tuple[str, str], float]  # (placed in, takes post in) -> share
    net_loss_rate: dict[tuple[str, str], float]  # (g, r) -> lambda
    in_post: dict[tuple[str, str], float]
    demand: dict[tuple[str, str, int], float]  # measured years, d > 0 only
    establishment: dict[tuple[str, str], float]  # demand at the start of y0
    committed: dict[tuple[str, str, int], float]
    weight: dict[str, float]
    target_rate: dict[str, float]
    skill_mix: list[tuple[str, str, float, float]]  # (covering h, covered g, max_share, productivity)
    educator_group: dict[str, str]
    starts_index: pd.DataFrame  # provider, region, route, year: allowed starts
    max_starts: dict[tuple[str, str, int], float]  # (p, k, y)
    min_starts: dict[tuple[str, str, int], float]
    recruit_index: pd.DataFrame  # region, route, year: allowed recruits
    max_recruits: dict[tuple[str, int], float]
    placement_weeks: dict[tuple[str, int], float]
    educator_wte: dict[tuple[str, int], float]
    budget: dict[int, float]
    total_budget: float | None
    national_international_cap: float | None
    max_extra_educator_wte: float
    educator_cost_per_wte: float
    baseline_starts: dict[tuple[str, str, str, int], float] = field(default_factory=dict)
    baseline_recruits: dict[tuple[str, str, int], float] = field(default_factory=dict)
    budget_scale: float = 1.0


def net_loss_rate(rates: dict) -> float:
    """lambda = leaver + retirement + net churn - labour market rates (fraction of the stock a year)."""
    return rates["leaver_rate"] + rates["retirement_rate"] + rates["net_churn_rate"] - rates["labour_market_rate"]


def prepare(scenario: Scenario, mode: str = "plan", budget_scale: float = 1.0) -> ModelData:
    """Turn a validated scenario into the model's data object (sparse sets and parameters)."""
    cfg = scenario.config
    t = scenario.tables
    y0, H = cfg.start_year, cfg.horizon_years
    years = list(range(y0, y0 + H))
    stock_years = list(range(y0, y0 + H + 1))
    measured = stock_years[1:]

    regions = t["regions"]["region"].tolist()
    graph = region_graph(regions, t["links"])

    groups = t["staff_groups"]["staff_group"].tolist()
    sg = {row["staff_group"]: row for row in _records(t["staff_groups"])}  # staff group -> its row
    group_loss = {g: float(net_loss_rate(row)) for g, row in sg.items()}
    net_loss = {(g, r): group_loss[g] for g in groups for r in regions}
    for row in _records(t["regional_rates"]):
        net_loss[(row["staff_group"], row["region"])] = float(net_loss_rate(row))

    in_post = {(g, r): 0.0 for g in groups for r in regions}
    establishment = {}
    for g, r, wte, est in _rows(t["workforce"], "staff_group", "region", "in_post_wte", "establishment_wte"):
        in_post[(g, r)] = float(wte)
        establishment[(g, r)] = float(est)
    demand = {}
    for (g, r), est in establishment.items():
        growth = float(sg[g]["demand_growth"])
        for y in measured:
            demand[(g, r, y)] = est * (1 + growth) ** (y - y0)
    for g, r, year, wte in _rows(t["demand"], "staff_group", "region", "year", "demand_wte"):
        if y0 < year <= y0 + H:
            demand[(g, r, int(year))] = float(wte)
    demand = {k: v for k, v in demand.items() if v > 0}

    committed: dict[tuple[str, str, int], float] = {}
    for g, r, year, wte in _rows(t["committed_inflows"], "staff_group", "region", "year", "wte"):
        y = int(year)
        if y0 <= y < y0 + H:
            committed[(g, r, y)] = committed.get((g, r, y), 0.0) + float(wte)

    routes = {
        r["route"]: Route(
            route=r["route"], kind=r["kind"], produces=r["produces"], draws_from=r["draws_from"] or None,
            duration=int(r["duration_years"]), completion=float(r["completion_rate"]),
            cost_per_learner_year=float(r["cost_per_learner_year"]), cost_per_start=float(r["cost_per_start"]),
            educator_load=float(r["educator_load"]), placement_weeks=float(r["placement_weeks"]),
            min_cohort=int(r["min_cohort"]),
        )
        for r in _records(t["routes"])
    }
    providers = _rows(t["providers"], "provider", "region", "name")
    provider_region = {p: r for p, r, _name in providers}

    pr = t["provider_routes"]
    max_starts = _by_year(pr, ["provider", "route"], "max_starts", years)
    min_starts = {k: v for k, v in _by_year(pr, ["provider", "route"], "min_starts", years).items() if v > 0}

    baseline_starts: dict[tuple[str, str, str, int], float] = {}
    baseline_recruits: dict[tuple[str, str, int], float] = {}
    bs = t["baseline_starts"]
    for key, starts in _by_year(bs, ["provider", "region", "route"], "starts", years).items():
        p, r, k, y = key
        if starts <= 0:
            continue
        if routes[k].kind == "international":
            baseline_recruits[(r, k, y)] = baseline_recruits.get((r, k, y), 0.0) + starts
        else:
            baseline_starts[key] = starts

    max_recruits = _by_year(t["international_capacity"], ["region"], "max_recruits", years)
    if mode == "status_quo":
        starts_index = pd.DataFrame(list(baseline_starts), columns=["provider", "region", "route", "year"])
        recruit_index = pd.DataFrame(list(baseline_recruits), columns=["region", "route", "year"])
    else:
        reach = travel_reach(graph, cfg.max_travel_minutes)
        rows = [
            (p, r, k, y)
            for (p, k, y), cap in max_starts.items()
            if cap > 0 and p in provider_region
            for r in sorted(reach[provider_region[p]])
        ]
        starts_index = pd.DataFrame(rows, columns=["provider", "region", "route", "year"])
        intl = [k for k, rt in routes.items() if rt.kind == "international"]
        recruit_index = pd.DataFrame(
            [(r, k, y) for k in intl for r in regions for y in years if max_recruits.get((r, y), 1) > 0],
            columns=["region", "route", "year"],
        )
    if mode == "plan" and cfg.max_extra_educator_wte > 0:
        extra_educator = cfg.max_extra_educator_wte
    else:
        extra_educator = 0.0

    budget = {y: v for (y,), v in _by_year(t["budget"], [], "budget_gbp", years).items()}
    region_rows = _rows(t["regions"], "region", "name", "educator_group")
    return ModelData(
        config=cfg,
        mode=mode,
        start_year=y0,
        years=years,
        stock_years=stock_years,
        measured_years=measured,
        regions=regions,
        region_names={r: name for r, name, _g in region_rows},
        groups=groups,
        group_names={g: row["name"] for g, row in sg.items()},
        provider_names={p: name for p, _r, name in providers},
        routes=routes,
        provider_region=provider_region,
        graduate_share=graduate_shares(graph, cfg.graduate_retention, t["graduate_destinations"]),
        net_loss_rate=net_loss,
        in_post=in_post,
        demand=demand,
        establishment=establishment,
        committed=committed,
        weight={g: float(row["shortfall_weight"]) for g, row in sg.items()},
        target_rate={g: float(row["target_shortfall_rate"]) for g, row in sg.items()
                     if not math.isnan(row["target_shortfall_rate"])},
        skill_mix=[
            (h, g, float(share), float(rho))
            for h, g, share, rho in _rows(t["skill_mix"], "covering_group", "covered_group", "max_share", "productivity")
        ],
        educator_group={r: g for r, _name, g in region_rows if g},
        starts_index=starts_index,
        max_starts=max_starts,
        min_starts=min_starts,
        recruit_index=recruit_index,
        max_recruits=max_recruits,
        placement_weeks=_by_year(t["placement_capacity"], ["region"], "placement_weeks", years),
        educator_wte=_by_year(t["educator_capacity"], ["region"], "educator_wte", years),
        budget={y: v * budget_scale for y, v in budget.items()},
        total_budget=None if cfg.total_budget is None else cfg.total_budget * budget_scale,
        national_international_cap=cfg.national_international_cap,
        max_extra_educator_wte=extra_educator,
        educator_cost_per_wte=cfg.educator_cost_per_wte,
        baseline_starts=baseline_starts,
        baseline_recruits=baseline_recruits,
        budget_scale=budget_scale,
    )
