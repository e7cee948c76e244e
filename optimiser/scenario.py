"""The validated scenario (typed tables + settings) and the data object the model is built from.

`Scenario` is what a planner loaded; `ModelData` is everything the model needs, computed once in
pandas and networkx: years, parameters keyed by tuples, and the sparse index sets of every
decision variable. The model itself never filters a dense product.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import networkx as nx
import pandas as pd

from .config import ScenarioConfig
from .dictionary import DEFAULT_SCENARIO_DIR
from .io import RawScenario, load_raw
from .issues import ScenarioError, ValidationReport
from .validation import validate_raw


@dataclass(frozen=True)
class Scenario:
    """A scenario that passed validation. Tables are typed; `raw` keeps the text as typed."""

    config: ScenarioConfig
    tables: dict[str, pd.DataFrame]
    report: ValidationReport
    raw: RawScenario
    source: str = ""

    @property
    def name(self) -> str:
        return self.config.name

    def with_settings(self, **changes) -> Scenario:
        """A copy with some scenario.toml settings changed (validated again)."""
        data = self.config.model_dump()
        solver = data.pop("solver")
        solver.update({k: changes.pop(k) for k in list(changes) if k in solver})
        data.update(changes)
        data["solver"] = solver
        return replace(self, config=ScenarioConfig.from_mapping(data))


def validate(path: str | Path | None = None) -> ValidationReport:
    """Validate a scenario folder or workbook and return every finding."""
    raw = load_raw(path or DEFAULT_SCENARIO_DIR)
    report, _, _ = validate_raw(raw)
    return report


def scenario_from_raw(raw: RawScenario) -> Scenario:
    report, tables, config = validate_raw(raw)
    if not report.ok:
        raise ScenarioError(report)
    return Scenario(config=config, tables=tables, report=report, raw=raw, source=raw.source)


def load_scenario(path: str | Path | None = None) -> Scenario:
    """Load and validate a scenario (the embedded West Midlands default when no path is given).

    Raises `ScenarioError` carrying the full validation report when there are errors.
    """
    return scenario_from_raw(load_raw(path or DEFAULT_SCENARIO_DIR))


# --- the model's data object -----------------------------------------------------------------


def _by_year(df: pd.DataFrame, keys: list[str], value: str, years: list[int]) -> dict[tuple, float]:
    """Expand rows with a blank year to every year; rows with a year override them."""
    out: dict[tuple, float] = {}
    if df.empty:
        return out
    ys = set(years)
    blank = df[df["year"].isna()]
    for row in blank.itertuples(index=False):
        base = tuple(getattr(row, k) for k in keys)
        for y in years:
            out[(*base, y)] = float(getattr(row, value))
    for row in df[df["year"].notna()].itertuples(index=False):
        y = int(row.year)
        if y in ys:
            out[(*(getattr(row, k) for k in keys), y)] = float(getattr(row, value))
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
    graph: nx.Graph
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
    starts_index: pd.DataFrame  # provider, region, route, year: allowed x
    max_starts: dict[tuple[str, str, int], float]  # (p, k, y)
    min_starts: dict[tuple[str, str, int], float]
    recruit_index: pd.DataFrame  # region, route, year: allowed m
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


def travel_reach(graph: nx.Graph, max_minutes: float) -> dict[str, set[str]]:
    """Regions within `max_minutes` of each region along shortest travel paths (itself included)."""
    return {
        r: set(nx.single_source_dijkstra_path_length(graph, r, cutoff=max_minutes, weight="minutes"))
        for r in graph.nodes
    }


def graduate_shares(graph: nx.Graph, retention: float, table: pd.DataFrame) -> dict[tuple[str, str], float]:
    """M[r', r]: `retention` stays where placed, the rest split equally among direct neighbours."""
    if not table.empty:
        return {(a, b): float(s) for a, b, s in table[["from_region", "to_region", "share"]].itertuples(index=False) if s > 0}
    shares: dict[tuple[str, str], float] = {}
    for r in graph.nodes:
        neighbours = sorted(graph.neighbors(r))
        if not neighbours:
            shares[(r, r)] = 1.0
            continue
        if retention > 0:
            shares[(r, r)] = retention
        for n in neighbours:
            if retention < 1:
                shares[(r, n)] = (1 - retention) / len(neighbours)
    return shares


def prepare(scenario: Scenario, mode: str = "plan", budget_scale: float = 1.0) -> ModelData:
    """Turn a validated scenario into the model's data object (sparse sets and parameters)."""
    cfg = scenario.config
    t = scenario.tables
    y0, H = cfg.start_year, cfg.horizon_years
    years = list(range(y0, y0 + H))
    stock_years = list(range(y0, y0 + H + 1))
    measured = stock_years[1:]

    regions = list(t["regions"]["region"])
    groups = list(t["staff_groups"]["staff_group"])
    graph = nx.Graph()
    graph.add_nodes_from(regions)
    for a, b, minutes in t["links"][["region_a", "region_b", "travel_minutes"]].itertuples(index=False):
        graph.add_edge(a, b, minutes=float(minutes))

    sg = t["staff_groups"].set_index("staff_group")
    rate_cols = ["leaver_rate", "retirement_rate", "net_churn_rate", "labour_market_rate"]

    def lam(rates) -> float:
        return rates["leaver_rate"] + rates["retirement_rate"] + rates["net_churn_rate"] - rates["labour_market_rate"]

    group_loss = {g: float(lam(sg.loc[g, rate_cols])) for g in groups}  # one lookup per group, not per region
    net_loss = {(g, r): group_loss[g] for g in groups for r in regions}
    for row in t["regional_rates"].to_dict("records"):
        net_loss[(row["staff_group"], row["region"])] = float(lam(row))

    wf = t["workforce"]
    in_post = {(g, r): 0.0 for g in groups for r in regions}
    establishment = {}
    for row in wf.itertuples(index=False):
        in_post[(row.staff_group, row.region)] = float(row.in_post_wte)
        establishment[(row.staff_group, row.region)] = float(row.establishment_wte)
    demand = {}
    for (g, r), est in establishment.items():
        growth = float(sg.loc[g, "demand_growth"])
        for y in measured:
            demand[(g, r, y)] = est * (1 + growth) ** (y - y0)
    for row in t["demand"].itertuples(index=False):
        if y0 < row.year <= y0 + H:
            demand[(row.staff_group, row.region, int(row.year))] = float(row.demand_wte)
    demand = {k: v for k, v in demand.items() if v > 0}

    committed: dict[tuple[str, str, int], float] = {}
    for row in t["committed_inflows"].itertuples(index=False):
        y = int(row.year)
        if y0 <= y < y0 + H:
            key = (row.staff_group, row.region, y)
            committed[key] = committed.get(key, 0.0) + float(row.wte)

    routes = {
        r["route"]: Route(
            route=r["route"], kind=r["kind"], produces=r["produces"], draws_from=r["draws_from"] or None,
            duration=int(r["duration_years"]), completion=float(r["completion_rate"]),
            cost_per_learner_year=float(r["cost_per_learner_year"]), cost_per_start=float(r["cost_per_start"]),
            educator_load=float(r["educator_load"]), placement_weeks=float(r["placement_weeks"]),
            min_cohort=int(r["min_cohort"]),
        )
        for r in t["routes"].to_dict("records")
    }
    provider_region = dict(zip(t["providers"]["provider"], t["providers"]["region"], strict=True))
    reach = travel_reach(graph, cfg.max_travel_minutes)

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

    if mode == "status_quo":
        starts_index = pd.DataFrame(list(baseline_starts), columns=["provider", "region", "route", "year"])
        recruit_index = pd.DataFrame(list(baseline_recruits), columns=["region", "route", "year"])
    else:
        rows = [
            (p, r, k, y)
            for (p, k, y), cap in max_starts.items()
            if cap > 0 and p in provider_region
            for r in sorted(reach[provider_region[p]])
        ]
        starts_index = pd.DataFrame(rows, columns=["provider", "region", "route", "year"])
        max_recruits_all = _by_year(t["international_capacity"], ["region"], "max_recruits", years)
        intl = [k for k, rt in routes.items() if rt.kind == "international"]
        recruit_index = pd.DataFrame(
            [(r, k, y) for k in intl for r in regions for y in years if max_recruits_all.get((r, y), 1) > 0],
            columns=["region", "route", "year"],
        )
    if mode == "plan" and cfg.max_extra_educator_wte > 0:
        extra_educator = cfg.max_extra_educator_wte
    else:
        extra_educator = 0.0

    budget = _by_year(t["budget"].assign(scope="all"), ["scope"], "budget_gbp", years)
    return ModelData(
        config=cfg,
        mode=mode,
        start_year=y0,
        years=years,
        stock_years=stock_years,
        measured_years=measured,
        regions=regions,
        region_names=dict(zip(t["regions"]["region"], t["regions"]["name"], strict=True)),
        groups=groups,
        group_names=dict(zip(sg.index, sg["name"], strict=True)),
        provider_names=dict(zip(t["providers"]["provider"], t["providers"]["name"], strict=True)),
        routes=routes,
        provider_region=provider_region,
        graph=graph,
        graduate_share=graduate_shares(graph, cfg.graduate_retention, t["graduate_destinations"]),
        net_loss_rate=net_loss,
        in_post=in_post,
        demand=demand,
        establishment=establishment,
        committed=committed,
        weight={g: float(sg.loc[g, "shortfall_weight"]) for g in groups},
        target_rate={g: float(v) for g, v in sg["target_shortfall_rate"].items() if not math.isnan(v)},
        skill_mix=[
            (r["covering_group"], r["covered_group"], float(r["max_share"]), float(r["productivity"]))
            for r in t["skill_mix"].to_dict("records")
        ],
        educator_group={r: g for r, g in zip(t["regions"]["region"], t["regions"]["educator_group"], strict=True) if g},
        starts_index=starts_index,
        max_starts=max_starts,
        min_starts=min_starts,
        recruit_index=recruit_index,
        max_recruits=_by_year(t["international_capacity"], ["region"], "max_recruits", years),
        placement_weeks=_by_year(t["placement_capacity"], ["region"], "placement_weeks", years),
        educator_wte=_by_year(t["educator_capacity"], ["region"], "educator_wte", years),
        budget={k[1]: v * budget_scale for k, v in budget.items()},
        total_budget=None if cfg.total_budget is None else cfg.total_budget * budget_scale,
        national_international_cap=cfg.national_international_cap,
        max_extra_educator_wte=extra_educator,
        educator_cost_per_wte=cfg.educator_cost_per_wte,
        baseline_starts=baseline_starts,
        baseline_recruits=baseline_recruits,
        budget_scale=budget_scale,
    )
