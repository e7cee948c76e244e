"""The model's data object: everything the model needs, computed once from a validated scenario
in pandas and networkx (years, parameters keyed by tuples, and the sparse index sets of every
decision variable). The model itself never filters a dense product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from optimiser.model.demand import SkillMix, build_demand, skill_mix_rows
from optimiser.model.levers import (
    PolicyShare,
    RetentionOffer,
    policy_shares,
    pool_caps,
    realised_pools,
    retention_offers,
)
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
    """Everything `build_model` reads. Built by `prepare`; never mutated.

    Years (y0 = start_year, H = horizon_years, E = run_out_years, F = first decision year):
    `years` are the model years y0 .. y0+H+E-1 (flows, learners in training, costs, capacity and
    budget rows); `start_years` y0 .. y0+H-1 have starts and recruits, fixed to the baseline
    before F (and in every year in the status quo); `decision_years` F .. y0+H-1; `stock_years`
    y0 .. y0+H+E; `measured_years` y0+1 .. y0+H+E, of which `run_out_years` are after y0+H.
    A v1 scenario has E = 0 and F = y0: start, decision and model years are the same."""

    config: ScenarioConfig
    mode: str  # "plan" | "status_quo"
    start_year: int
    years: list[int]  # model years y0 .. y0+H+E-1
    stock_years: list[int]  # y0 .. y0+H+E
    measured_years: list[int]  # y0+1 .. y0+H+E
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
    skill_mix: list[SkillMix]
    educator_group: dict[str, str]
    starts_index: pd.DataFrame  # provider, region, route, year: allowed (or, before F, fixed) starts
    max_starts: dict[tuple[str, str, int], float]  # (p, k, y), decision years
    min_starts: dict[tuple[str, str, int], float]
    recruit_index: pd.DataFrame  # route, kind, region, year: allowed (or fixed) recruits, every non-training route
    max_recruits: dict[tuple[str, int], float]  # international onboarding, (r, y)
    placement_weeks: dict[tuple[str, int], float]  # (r, y), model years from F
    educator_wte: dict[tuple[str, int], float]  # (r, y), model years from F
    budget: dict[int, float]  # model years from F
    total_budget: float | None
    national_international_cap: float | None
    max_extra_educator_wte: float
    educator_cost_per_wte: float
    baseline_starts: dict[tuple[str, str, str, int], float] = field(default_factory=dict)
    baseline_recruits: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (r, k, y)
    budget_scale: float = 1.0
    first_decision_year: int = 0  # F (prepare sets it; 0 only in hand-made objects)
    start_years: list[int] = field(default_factory=list)  # y0 .. y0+H-1
    decision_years: list[int] = field(default_factory=list)  # F .. y0+H-1
    run_out_years: list[int] = field(default_factory=list)  # measured years y0+H+1 .. y0+H+E
    demand_parts: dict[tuple[str, str, str, int], float] = field(default_factory=dict)  # (g, q, r, y) -> WTE
    retention: list[RetentionOffer] = field(default_factory=list)  # plan only
    loss_rate: dict[tuple[str, str], float] = field(default_factory=dict)  # (g, leavers|retirements) -> rate
    pool_region: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (k, r, y) -> recruits
    pool_total: dict[tuple[str, int], float] = field(default_factory=dict)  # (k, y) -> recruits
    # a sampled future's realised returner pools (uncertainty.csv returner_pool; empty otherwise)
    realised_pool_region: dict[tuple[str, str, int], float] = field(default_factory=dict)  # (k, r, y) -> recruits
    realised_pool_total: dict[tuple[str, int], float] = field(default_factory=dict)  # (k, y) -> recruits
    policy_shares: list[PolicyShare] = field(default_factory=list)
    gap_cost: dict[str, float] = field(default_factory=dict)  # g -> GBP per WTE-year of shortfall

    def is_frozen(self, year: int) -> bool:
        """A start year before F: its starts and recruits are the baseline, fixed."""
        return year < self.first_decision_year


def net_loss_rate(rates: dict) -> float:
    """lambda = leaver + retirement + net churn - labour market rates (fraction of the stock a year)."""
    return rates["leaver_rate"] + rates["retirement_rate"] + rates["net_churn_rate"] - rates["labour_market_rate"]


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def prepare(scenario: Scenario, mode: str = "plan", budget_scale: float = 1.0) -> ModelData:
    """Turn a validated scenario into the model's data object (sparse sets and parameters)."""
    cfg = scenario.config
    t = scenario.tables
    y0 = cfg.start_year
    F = cfg.first_decision
    years = cfg.model_years
    start_years = cfg.years
    decision_years = cfg.decision_years
    measured = cfg.measured_years
    stock_years = [y0, *measured]

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
    grown = build_demand(t, sg, establishment, y0, measured)
    demand = {k: v for k, v in grown.by_cell.items() if k[2] != y0}
    for g in grown.workload_groups:  # the y0 row of the projection: activity-based demand
        for r in regions:
            establishment.pop((g, r), None)
    establishment.update({(g, r): v for (g, r, y), v in grown.by_cell.items() if y == y0})
    for g, r, year, wte in _rows(t["demand"], "staff_group", "region", "year", "demand_wte"):
        if y0 < year <= stock_years[-1]:
            demand[(g, r, int(year))] = float(wte)
    demand = {k: v for k, v in demand.items() if v > 0}

    committed: dict[tuple[str, str, int], float] = {}
    for g, r, year, wte in _rows(t["committed_inflows"], "staff_group", "region", "year", "wte"):
        y = int(year)
        if y0 <= y <= years[-1]:
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
    max_starts = _by_year(pr, ["provider", "route"], "max_starts", decision_years)
    min_starts = {k: v for k, v in _by_year(pr, ["provider", "route"], "min_starts", decision_years).items() if v > 0}

    baseline_starts: dict[tuple[str, str, str, int], float] = {}
    baseline_recruits: dict[tuple[str, str, int], float] = {}
    bs = t["baseline_starts"]
    for key, starts in _by_year(bs, ["provider", "region", "route"], "starts", start_years).items():
        p, r, k, y = key
        if starts <= 0:
            continue
        if routes[k].kind != "training":
            baseline_recruits[(r, k, y)] = baseline_recruits.get((r, k, y), 0.0) + starts
        else:
            baseline_starts[key] = starts

    recruiting = [k for k, rt in routes.items() if rt.kind != "training"]
    max_recruits = _by_year(t["international_capacity"], ["region"], "max_recruits", decision_years)
    pool_region, pool_total = pool_caps(t.get("recruitment_pool"), decision_years)
    realised_region, realised_total = realised_pools(t.get("recruitment_pool"), decision_years)
    if mode == "status_quo":
        starts_index = pd.DataFrame(list(baseline_starts), columns=["provider", "region", "route", "year"])
        recruit_rows = [(k, routes[k].kind, r, y) for (r, k, y) in baseline_recruits]
    else:
        reach = travel_reach(graph, cfg.max_travel_minutes)
        frozen = [key for key in baseline_starts if key[3] < F]
        rows = frozen + [
            (p, r, k, y)
            for (p, k, y), cap in max_starts.items()
            if cap > 0 and p in provider_region
            for r in sorted(reach[provider_region[p]])
        ]
        starts_index = pd.DataFrame(rows, columns=["provider", "region", "route", "year"])

        def allowed(k: str, r: str, y: int) -> bool:
            if y < F:
                return (r, k, y) in baseline_recruits
            if routes[k].kind == "international" and max_recruits.get((r, y), 1) <= 0:
                return False
            return pool_region.get((k, r, y), 1) > 0 and pool_total.get((k, y), 1) > 0

        recruit_rows = [(k, routes[k].kind, r, y) for k in recruiting for r in regions for y in start_years
                        if allowed(k, r, y)]
    recruit_index = pd.DataFrame(recruit_rows, columns=["route", "kind", "region", "year"])
    if mode == "plan" and cfg.max_extra_educator_wte > 0:
        extra_educator = cfg.max_extra_educator_wte
    else:
        extra_educator = 0.0

    def from_f(values: dict) -> dict:
        """Limits are imposed from the first decision year on."""
        return {k: v for k, v in values.items() if k[-1] >= F}

    budget = {y: v for (y,), v in _by_year(t["budget"], [], "budget_gbp", years).items() if y >= F}
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
        skill_mix=skill_mix_rows(t["skill_mix"]),
        educator_group={r: g for r, _name, g in region_rows if g},
        starts_index=starts_index,
        max_starts=max_starts,
        min_starts=min_starts,
        recruit_index=recruit_index,
        max_recruits=max_recruits,
        placement_weeks=from_f(_by_year(t["placement_capacity"], ["region"], "placement_weeks", years)),
        educator_wte=from_f(_by_year(t["educator_capacity"], ["region"], "educator_wte", years)),
        budget={y: v * budget_scale for y, v in budget.items()},
        total_budget=None if cfg.total_budget is None else cfg.total_budget * budget_scale,
        national_international_cap=cfg.national_international_cap,
        max_extra_educator_wte=extra_educator,
        educator_cost_per_wte=cfg.educator_cost_per_wte,
        baseline_starts=baseline_starts,
        baseline_recruits=baseline_recruits,
        budget_scale=budget_scale,
        first_decision_year=F,
        start_years=start_years,
        decision_years=decision_years,
        run_out_years=measured[len(start_years):],
        demand_parts={k: v for k, v in grown.parts.items() if k[3] != y0},
        retention=retention_offers(t.get("retention"), regions, decision_years) if mode == "plan" else [],
        loss_rate={(g, stream): float(row[column]) for g, row in sg.items()
                   for stream, column in (("leavers", "leaver_rate"), ("retirements", "retirement_rate"))},
        pool_region=pool_region,
        pool_total=pool_total,
        realised_pool_region=realised_region,
        realised_pool_total=realised_total,
        policy_shares=policy_shares(t.get("policy_shares"), decision_years),
        gap_cost={g: v for g, row in sg.items() if (v := _number(row.get("gap_cost_per_wte"))) is not None},
    )
