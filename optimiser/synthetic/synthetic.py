"""Synthetic scenarios from one network to all of England (and Wales), for benchmarks and for
trying the engine where real data is not to hand.

`generate(preset, seed)` returns a `RawScenario` (every cell text) in the scenario format of
`inputs/data_dictionary.csv`. Every figure is derived from the West Midlands default ("the
template"): staff groups, routes, rates, costs, skill mix and settings are copied; staff,
starts, provider caps and capacities are scaled per million residents to the preset's regions,
with seeded noise; capacities and the budget are sized from the generated status quo the same
way as the template's (see `inputs/synthetic/README.md`, which documents every quantity).

The same seed always gives the same scenario. Noise is drawn from streams keyed by the seed and
the thing it perturbs (a region, a link, a provider kind), so a region's figures are the same in
every preset that contains it.
"""

from __future__ import annotations

import math
import tomllib
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from optimiser.basics.locations import DEFAULT_SCENARIO_DIR, SYNTHETIC_DIR
from optimiser.scenario.io import RawScenario, load_raw, write_folder, write_workbook
from optimiser.scenario.regions import region_graph, travel_reach
from optimiser.scenario.validation import validate_raw

PRESETS_PATH = SYNTHETIC_DIR / "presets.toml"
GEOGRAPHIES = {
    "england": (SYNTHETIC_DIR / "england_icbs.csv", None),
    "wales": (SYNTHETIC_DIR / "wales_health_boards.csv", SYNTHETIC_DIR / "wales_links.csv"),
}
FORMS = ("folder", "workbook")
EARTH_RADIUS_KM = 6371.0


# --- settings and reference data -------------------------------------------------------------


@cache
def settings() -> dict:
    """presets.toml as a dict (read once)."""
    return tomllib.loads(PRESETS_PATH.read_text(encoding="utf-8"))


def preset_names() -> list[str]:
    return list(settings()["presets"])


def _preset(name: str) -> dict:
    presets = settings()["presets"]
    key = str(name).strip().upper()
    if key not in presets:
        raise ValueError(f"unknown preset {name!r}: choose one of {', '.join(presets)}")
    return {"name": key, **presets[key]}


def _rng(seed: int, *keys: str) -> np.random.Generator:
    """A noise stream for one purpose: the same seed and keys always draw the same numbers."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def _reference_regions(geography: str) -> pd.DataFrame:
    path, _ = GEOGRAPHIES[geography]
    df = pd.read_csv(path, dtype={"region": str, "name": str, "nhs_region": str})
    df["population_m"] = df["population_thousands"] / 1000.0
    return df


def _regions(preset: dict) -> pd.DataFrame:
    """The preset's regions: id, name, parent (NHS region or nation), population_m, lat, lon."""
    df = _reference_regions(preset["geography"])
    if "regions" in preset:
        df = df[df["region"].isin(preset["regions"])]
    elif "nhs_region" in preset:
        df = df[df["nhs_region"] == preset["nhs_region"]]
    return df.rename(columns={"nhs_region": "parent"}).reset_index(drop=True)


# --- the template ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """The West Midlands default, typed, with its residents in millions (the per-million base)."""

    raw: RawScenario
    t: dict[str, pd.DataFrame]
    population_m: float

    @property
    def start_year(self) -> int:
        return int(self.raw.config["start_year"])

    def per_million(self, table: str, by: str, value: str, blank_year_only: bool = False) -> pd.Series:
        df = self.t[table]
        if blank_year_only:
            df = df[df["year"].isna()]
        return df.groupby(by)[value].sum() / self.population_m

    def zeroed_routes(self) -> set[str]:
        """Routes whose start-year slot is filled by the pipeline already in training (template
        baseline sets their start-year starts to 0): their start-year cohort is in flight."""
        b = self.t["baseline_starts"]
        hit = b[(b["year"] == self.start_year) & (b["starts"] == 0)]
        return set(hit["route"])


@cache
def template() -> Template:
    raw = load_raw(DEFAULT_SCENARIO_DIR)
    report, tables, _ = validate_raw(raw)
    if tables is None:
        raise RuntimeError(f"the template scenario {DEFAULT_SCENARIO_DIR} has errors:\n{report.render()}")
    ref = _reference_regions("england").set_index("region")
    ids = settings()["template"]["regions"]
    return Template(raw=raw, t=tables, population_m=float(ref.loc[ids, "population_m"].sum()))


# --- travel graph ----------------------------------------------------------------------------


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _candidate_edges(regions: pd.DataFrame) -> set[tuple[int, int]]:
    """Delaunay neighbours of the hubs (all pairs when there are too few points to triangulate)."""
    n = len(regions)
    if n < 4:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    from scipy.spatial import Delaunay

    lat0 = math.radians(regions["lat"].mean())
    xy = np.c_[np.radians(regions["lon"]) * math.cos(lat0), np.radians(regions["lat"])] * EARTH_RADIUS_KM
    edges = set()
    for simplex in Delaunay(xy).simplices:
        for a in range(3):
            i, j = sorted((int(simplex[a]), int(simplex[(a + 1) % 3])))
            edges.add((i, j))
    return edges


def _england_links(regions: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Links between neighbouring hubs, travel minutes from distance; always connected."""
    cfg = settings()["travel"]
    ids = list(regions["region"])
    lat, lon = list(regions["lat"]), list(regions["lon"])

    def km(i: int, j: int) -> float:
        return _km(lat[i], lon[i], lat[j], lon[j])

    dropped = {frozenset(pair) for pair in cfg.get("drop_links", [])}
    kept = {e for e in _candidate_edges(regions)
            if km(*e) <= cfg["max_link_km"] and frozenset((ids[e[0]], ids[e[1]])) not in dropped}
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(kept)
    while not nx.is_connected(g):  # a pruned graph may split: join components by their nearest hubs
        comps = list(nx.connected_components(g))
        first = comps[0]
        e = min(((i, j) for i in first for j in range(len(ids)) if j not in first), key=lambda e: km(*e))
        e = (min(e), max(e))
        kept.add(e)
        g.add_edge(*e)
    rows = []
    for i, j in sorted(kept, key=lambda e: (ids[e[0]], ids[e[1]])):
        a, b = sorted((ids[i], ids[j]))
        d = km(i, j)
        jitter = _rng(seed, "link", a, b).uniform(1 - cfg["minutes_jitter"], 1 + cfg["minutes_jitter"])
        minutes = max(cfg["min_minutes"], 5 * round((cfg["minutes_intercept"] + cfg["minutes_per_km"] * d) * jitter / 5))
        rows.append({"region_a": a, "region_b": b, "travel_minutes": float(minutes),
                     "notes": f"synthetic: neighbouring ICB hubs {d:.0f} km apart; minutes = "
                              f"({cfg['minutes_intercept']} + {cfg['minutes_per_km']} x km) x jitter, to 5"})
    return pd.DataFrame(rows)


def _links(preset: dict, regions: pd.DataFrame, seed: int) -> pd.DataFrame:
    _, links_path = GEOGRAPHIES[preset["geography"]]
    if links_path is None:
        return _england_links(regions, seed)
    links = pd.read_csv(links_path, dtype={"region_a": str, "region_b": str, "notes": str})
    keep = set(regions["region"])
    links = links[links["region_a"].isin(keep) & links["region_b"].isin(keep)]
    return links.reset_index(drop=True)


def _travel(regions: pd.DataFrame, links: pd.DataFrame, max_minutes: float) -> tuple[dict, dict]:
    """Reach sets (as the engine computes them) and shortest travel minutes between regions."""
    g = region_graph(regions["region"], links)
    reach = travel_reach(g, max_minutes)
    minutes = dict(nx.all_pairs_dijkstra_path_length(g, weight="minutes"))
    return reach, minutes


# --- staff groups, routes, skill mix ---------------------------------------------------------


def _groups_routes_mix(derived: bool) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[dict]]:
    """Typed staff groups, routes and skill mix: the template's, plus XL's derived groups."""
    tp = template()
    groups = tp.t["staff_groups"].copy()
    routes = tp.t["routes"].copy()
    mix = tp.t["skill_mix"].copy()
    groups["notes"] = "template: as the West Midlands default (rates, weight, growth; see its NOTES.md)"
    routes["notes"] = "template: as the West Midlands default (illustrative route parameters)"
    mix["notes"] = "template: as the West Midlands default (illustrative substitution limits)"
    specs = settings()["derived_groups"] if derived else []
    new_groups, new_routes, new_mix = [], [], []
    for d in specs:
        parent = groups.set_index("staff_group").loc[d["parent"]]
        g = parent.to_dict()
        g.update(staff_group=d["staff_group"], name=d["name"],
                 demand_growth=float(parent["demand_growth"]) + d["extra_growth"],
                 notes=f"synthetic (XL): {d['share']:.0%} of {d['parent']} carved out; its rates and weight, "
                       f"demand growth +{d['extra_growth']:.0%} a year")
        new_groups.append(g)
        like = routes.set_index("route").loc[d["like"]]
        r = like.to_dict()
        r.update(route=d["route"], kind="training", produces=d["staff_group"], draws_from=d["parent"],
                 notes=f"synthetic (XL): upskilling {d['parent']} -> {d['staff_group']}; parameters copied from {d['like']}")
        if "duration_years" in d:
            r["duration_years"] = float(d["duration_years"])
        new_routes.append(r)
        new_mix.append({"covering_group": d["parent"], "covered_group": d["staff_group"],
                        "max_share": d["cover_share"], "productivity": d["cover_productivity"],
                        "notes": "synthetic (XL): the parent group may take a share of the specialist's work"})
    groups = pd.concat([groups, pd.DataFrame(new_groups)], ignore_index=True)
    routes = pd.concat([routes.reset_index(drop=True), pd.DataFrame(new_routes)], ignore_index=True)
    mix = pd.concat([mix, pd.DataFrame(new_mix)], ignore_index=True)
    return groups, routes, mix, specs


def _net_attrition(group: pd.Series) -> float:
    return float(group["leaver_rate"] + group["retirement_rate"] + group["net_churn_rate"]
                 - group["labour_market_rate"])


# --- workforce -------------------------------------------------------------------------------


def _workforce(regions: pd.DataFrame, derived: list[dict], seed: int) -> pd.DataFrame:
    """In post and establishment per region and group: template per million x residents x noise."""
    tp = template()
    noise = settings()["noise"]
    wf = tp.t["workforce"]
    in_post = wf.groupby("staff_group")["in_post_wte"].sum()
    est = wf.groupby("staff_group")["establishment_wte"].sum()
    vacancy = 1 - in_post / est
    carve = {d["parent"]: [] for d in derived}
    for d in derived:
        carve[d["parent"]].append(d)
    rows = []
    for reg in regions.itertuples(index=False):
        rng = _rng(seed, "workforce", reg.region)
        for g in tp.t["staff_groups"]["staff_group"]:
            ip = in_post[g] / tp.population_m * reg.population_m * rng.lognormal(0, noise["workforce_sigma"])
            vac = float(np.clip(vacancy[g] + rng.normal(0, noise["vacancy_sd"]), 0.0, 0.4))
            es = ip / (1 - vac)
            note = (f"synthetic: template {in_post[g] / tp.population_m:.1f} WTE per million residents x "
                    f"{reg.population_m:.2f}m x noise; vacancy rate {vac:.3f}")
            for d in carve.get(g, []):
                rows.append({"region": reg.region, "staff_group": d["staff_group"],
                             "in_post_wte": ip * d["share"], "establishment_wte": es * d["share"],
                             "notes": f"synthetic (XL): {d['share']:.0%} of {g}"})
            kept = 1 - sum(d["share"] for d in carve.get(g, []))
            rows.append({"region": reg.region, "staff_group": g, "in_post_wte": ip * kept,
                         "establishment_wte": es * kept, "notes": note})
    df = pd.DataFrame(rows)
    df["in_post_wte"] = df["in_post_wte"].round(1)
    df["establishment_wte"] = np.maximum(df["establishment_wte"].round(1), df["in_post_wte"])
    return df


# --- providers and the status quo's commissioning --------------------------------------------


def _place(kind: str, cfg: dict, regions: pd.DataFrame, reach: dict, seed: int) -> list[str]:
    """Regions that get a provider of this kind (a region may get several)."""
    pop = dict(zip(regions["region"], regions["population_m"], strict=True))
    rng = _rng(seed, "providers", kind)
    tie = dict(zip(regions["region"], rng.uniform(0.97, 1.03, len(regions)), strict=True))
    target = max(1, round(sum(pop.values()) / cfg["per_million"]))
    chosen: list[str] = []
    uncovered = set(pop) if cfg["cover"] else set()
    while uncovered:  # greedy cover: most uncovered residents in reach, own residents counted twice
        best = max(sorted(pop), key=lambda r: (sum(pop[x] for x in reach[r] & uncovered)
                                               + (pop[r] if r in uncovered else 0.0)) * tie[r])
        chosen.append(best)
        uncovered -= reach[best]
    while len(chosen) < target:  # then where residents per provider of this kind are most
        best = max(sorted(pop), key=lambda r: pop[r] / (1 + chosen.count(r)) * tie[r])
        chosen.append(best)
    return chosen


def _providers(regions: pd.DataFrame, reach: dict, routes: pd.DataFrame, derived: list[dict],
               seed: int) -> pd.DataFrame:
    """provider, name, region, kind, offers (list of routes)."""
    tp = template()
    pr = tp.t["provider_routes"]
    names = dict(zip(regions["region"], regions["name"], strict=True))
    rows = []
    for kind, cfg in settings()["providers"].items():
        offers = sorted(set(pr.loc[pr["provider"].isin(cfg["template_providers"]), "route"]))
        offers += [d["route"] for d in derived if d["offered_by"] == kind]
        offers = [k for k in offers if k in set(routes["route"])]
        seen: dict[str, int] = {}
        for region in _place(kind, cfg, regions, reach, seed):
            seen[region] = seen.get(region, 0) + 1
            suffix = "" if seen[region] == 1 else f"_{seen[region]}"
            rows.append({"provider": f"{kind}_{region}{suffix}", "kind": kind, "region": region,
                         "name": f"{cfg['label']} {seen[region]}, {names[region]} (synthetic)",
                         "offers": offers})
    return pd.DataFrame(rows)


def _round_cohort(total: float, min_cohort: float) -> int:
    """Whole starts a year that a provider can run: 0, or at least the minimum cohort."""
    n = round(total)
    if 0 < n < min_cohort:
        n = int(min_cohort) if total >= min_cohort / 2 else 0
    return int(n)


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Whole numbers pro rata to weights that add up to total (largest remainder)."""
    w = sum(weights.values())
    if total == 0 or w <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * v / w for k, v in weights.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


@dataclass
class Commissioning:
    """The generated status quo: provider_routes rows and baseline starts by provider/region/route."""

    provider_routes: pd.DataFrame  # provider, route, max_starts, notes
    starts: pd.DataFrame  # provider ('' for international), region, route, starts


def _baseline_rates(routes: pd.DataFrame, groups: pd.DataFrame, workforce: pd.DataFrame,
                    derived: list[dict], population_m: float) -> tuple[dict, dict]:
    """Baseline starts and provider caps per million residents, by route."""
    tp = template()
    base = tp.per_million("baseline_starts", "route", "starts", blank_year_only=True).to_dict()
    cap = tp.per_million("provider_routes", "route", "max_starts", blank_year_only=True).to_dict()
    g = groups.set_index("staff_group")
    r = routes.set_index("route")
    for d in derived:  # steady state: replace the specialist group's net leavers
        stock_pm = workforce.loc[workforce["staff_group"] == d["staff_group"], "in_post_wte"].sum() / population_m
        base[d["route"]] = stock_pm * max(_net_attrition(g.loc[d["staff_group"]]), 0.01) / r.loc[d["route"], "completion_rate"]
        cap[d["route"]] = 2.0 * base[d["route"]]  # template ratio of caps to baseline on upskilling routes
    return base, cap


def _commission(regions: pd.DataFrame, providers: pd.DataFrame, routes: pd.DataFrame,
                base_pm: dict, cap_pm: dict, minutes: dict, reach: dict, seed: int) -> Commissioning:
    noise = settings()["noise"]
    pop = dict(zip(regions["region"], regions["population_m"], strict=True))
    expected = {}  # (region, route) -> starts a year before rounding
    for reg in regions["region"]:
        rng = _rng(seed, "starts", reg)
        for k in routes["route"]:
            expected[reg, k] = base_pm.get(k, 0.0) * pop[reg] * rng.lognormal(0, noise["starts_sigma"])
    pr_rows, start_rows = [], []
    for route in routes.itertuples(index=False):
        k = route.route
        if route.kind == "international":
            for reg in regions["region"]:
                start_rows.append({"provider": "", "region": reg, "route": k, "starts": round(expected[reg, k])})
            continue
        offering = providers[providers["offers"].map(lambda o, k=k: k in o)]
        if offering.empty:
            continue
        share: dict[str, dict[str, float]] = {p: {} for p in offering["provider"]}
        for reg in regions["region"]:  # each region's learners go to the nearest provider(s) in reach
            near = [(minutes[reg][p_reg], p) for p, p_reg in zip(offering["provider"], offering["region"], strict=True)
                    if p_reg in reach[reg]]
            if not near:
                continue
            best = min(m for m, _ in near)
            ties = [p for m, p in near if m == best]
            for p in ties:
                share[p][reg] = 1.0 / len(ties)
        rng = _rng(seed, "caps", k)
        for p, p_reg in zip(offering["provider"], offering["region"], strict=True):
            served = sum(s * pop[r] for r, s in share[p].items())
            total = _round_cohort(sum(s * expected[r, k] for r, s in share[p].items()), route.min_cohort)
            by_region = _split(total, {r: s * expected[r, k] for r, s in share[p].items()})
            served = served if served > 0 else 0.5 * pop[p_reg]  # no catchment: a first programme at home
            cap = math.ceil(cap_pm.get(k, 0.0) * served * rng.uniform(*noise["max_starts_range"]))
            cap = max(cap, int(route.min_cohort), total)
            pr_rows.append({"provider": p, "route": k, "max_starts": cap,
                            "notes": f"synthetic: template {cap_pm.get(k, 0.0):.2f} places per million x "
                                     f"{served:.2f}m residents served x noise; status quo {total} a year"})
            start_rows += [{"provider": p, "region": r, "route": k, "starts": n} for r, n in by_region.items() if n > 0]
    return Commissioning(pd.DataFrame(pr_rows), pd.DataFrame(start_rows))


# --- pipeline, capacities, budget ------------------------------------------------------------


def _in_flight(duration: int, zeroed: bool, year_offset: int) -> int:
    """Cohorts that started before the plan (the status quo's size) still in training in y0 + offset.

    For a route whose start-year slot belongs to the pipeline, the start-year cohort counts too."""
    return max(0, duration - year_offset - (0 if zeroed else 1))


def _route_table(routes: pd.DataFrame) -> dict[str, dict]:
    return {r["route"]: r for r in routes.to_dict("records")}


def _committed(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str], y0: int) -> pd.DataFrame:
    """Completions of cohorts already in training at y0: status-quo-sized cohorts, placement region."""
    rt = _route_table(routes)
    rows: dict[tuple, float] = {}
    by = starts.groupby(["region", "route"])["starts"].sum()
    for (reg, k), n in by.items():
        r = rt[k]
        L = int(r["duration_years"])
        last = y0 + L - (1 if k in zeroed else 2)  # year during which the last in-flight cohort completes
        for c in range(y0, last + 1):
            key = (reg, r["produces"], c)
            rows[key] = rows.get(key, 0.0) + n * r["completion_rate"]
    df = pd.DataFrame([{"region": a, "staff_group": g, "year": c, "wte": round(w, 2)}
                       for (a, g, c), w in sorted(rows.items()) if w > 0])
    df["notes"] = "synthetic: cohorts started before the start year (status-quo size) x completion rate"
    return df


def _use(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str], column: str, offset: int | None) -> pd.Series:
    """Per region: steady-state use (offset None) or the in-flight cohorts' use in y0 + offset."""
    rt = _route_table(routes)

    def one(row) -> float:
        r = rt[row.route]
        L = int(r["duration_years"])
        cohorts = L if offset is None else _in_flight(L, row.route in zeroed, offset)
        return row.starts * cohorts * float(r[column])

    if starts.empty:
        return pd.Series(dtype=float)
    return starts.assign(use=[one(r) for r in starts.itertuples(index=False)]).groupby("region")["use"].sum()


def _capacity(regions: pd.DataFrame, starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str],
              column: str, value: str, step: float, seed: int) -> pd.DataFrame:
    """Placement weeks or educator WTE: baseline use / utilisation; start years net of in-flight use."""
    noise = settings()["noise"]
    training = starts[starts["provider"] != ""]
    steady = _use(training, routes, zeroed, column, None)
    max_len = int(routes["duration_years"].max())
    rows = []
    for reg in regions["region"]:
        util = _rng(seed, "utilisation", column, reg).uniform(*noise["utilisation_range"])
        cap = max(step, round(steady.get(reg, 0.0) / util / step) * step)
        rows.append({"region": reg, "year": "", value: cap,
                     "notes": f"synthetic: status-quo steady-state use {steady.get(reg, 0.0):.1f} / utilisation {util:.2f}"})
        for off in range(max_len):
            flight = _use(training, routes, zeroed, column, off).get(reg, 0.0)
            if flight > 0:
                rows.append({"region": reg, "year": off, value: max(0.0, math.floor((cap - flight) / step) * step),
                             "notes": f"synthetic: {cap:g} less {flight:.1f} used by learners who started before"})
    return pd.DataFrame(rows)


def _international_capacity(regions: pd.DataFrame, starts: pd.DataFrame, routes: pd.DataFrame,
                            zeroed: set[str], seed: int) -> pd.DataFrame:
    noise = settings()["noise"]
    floor = settings()["capacity"]["min_international_capacity"]
    intl = set(routes.loc[routes["kind"] == "international", "route"])
    recruits = starts[starts["route"].isin(intl)].groupby("region")["starts"].sum()
    signed = starts[starts["route"].isin(intl & zeroed)].groupby("region")["starts"].sum()
    rows = []
    for reg in regions["region"]:
        mult = _rng(seed, "onboarding", reg).uniform(*noise["international_multiple"])
        cap = max(floor, 5 * round(recruits.get(reg, 0) * mult / 5))
        rows.append({"region": reg, "year": "", "max_recruits": cap,
                     "notes": f"synthetic: status-quo recruits {recruits.get(reg, 0)} a year x {mult:.2f}, to 5"})
        if signed.get(reg, 0) > 0:
            rows.append({"region": reg, "year": 0, "max_recruits": max(0, cap - signed[reg]),
                         "notes": f"synthetic: {cap} less {signed[reg]} recruits already signed"})
    return pd.DataFrame(rows)


def _budget(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str]) -> pd.DataFrame:
    """Status-quo steady-state cost x headroom; start years net of learners already in training."""
    rt = _route_table(routes)
    headroom = settings()["capacity"]["budget_headroom"]
    by = starts.groupby("route")["starts"].sum()
    steady = sum(n * (rt[k]["duration_years"] * rt[k]["cost_per_learner_year"] + rt[k]["cost_per_start"])
                 for k, n in by.items())
    blank = round(steady * headroom, -5)
    rows = [{"year": "", "budget_gbp": blank,
             "notes": f"synthetic: status-quo steady-state cost {steady:,.0f} x {headroom}, to GBP 100k"}]
    for off in range(int(routes["duration_years"].max())):
        flight = sum(n * (_in_flight(int(rt[k]["duration_years"]), k in zeroed, off) * rt[k]["cost_per_learner_year"]
                          + (rt[k]["cost_per_start"] if (k in zeroed and off == 0) else 0.0))
                     for k, n in by.items())
        if flight > 0:
            rows.append({"year": off, "budget_gbp": max(0.0, round(blank - flight, -5)),
                         "notes": f"synthetic: {blank:,.0f} less {flight:,.0f} committed to learners who started before"})
    return pd.DataFrame(rows)


# --- assembling the scenario -----------------------------------------------------------------


def _text(value) -> str:
    """A cell as a planner would type it: blanks blank, whole numbers without '.0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value == "":
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        v = float(value)
        return str(int(v)) if v == int(v) and abs(v) < 1e15 else f"{v:.10g}"
    return str(value)


def _as_text(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = pd.DataFrame({c: [_text(v) for v in df[c]] for c in columns})
    return out.reset_index(drop=True)


def _year_cells(df: pd.DataFrame, y0: int) -> pd.DataFrame:
    """Capacity tables use year offsets internally; blank stays blank."""
    df = df.copy()
    df["year"] = [("" if v == "" else y0 + int(v)) for v in df["year"]]
    return df


def generate(preset: str, seed: int = 0) -> RawScenario:
    """The synthetic scenario `preset` (S, M, L, XL, W) for `seed`, every cell as text."""
    p = _preset(preset)
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number of 0 or more, not {seed!r}")
    seed = int(seed)
    tp = template()
    y0 = tp.start_year
    regions = _regions(p)
    links = _links(p, regions, seed)
    reach, minutes = _travel(regions, links, p["max_travel_minutes"])
    groups, routes, mix, derived = _groups_routes_mix(p["derived_groups"])
    zeroed = tp.zeroed_routes()
    workforce = _workforce(regions, derived, seed)
    providers = _providers(regions, reach, routes, derived, seed)
    base_pm, cap_pm = _baseline_rates(routes, groups, workforce, derived, float(regions["population_m"].sum()))
    com = _commission(regions, providers, routes, base_pm, cap_pm, minutes, reach, seed)
    starts = com.starts

    educator_group = tp.t["regions"]["educator_group"].iloc[0]
    regions_t = regions.assign(educator_group=educator_group,
                               notes=[f"synthetic: {n}; residents {m:.2f}m (approximate); hub {la:.2f}, {lo:.2f}"
                                      for n, m, la, lo in zip(regions["notes"], regions["population_m"],
                                                              regions["lat"], regions["lon"], strict=True)])
    baseline = starts.assign(year="", notes="synthetic: status quo, template starts per million x residents x noise")
    pipeline = baseline[baseline["route"].isin(zeroed)].assign(
        year=y0, starts=0, notes="synthetic: start-year slot filled by the pipeline already in training")
    baseline_t = pd.concat([baseline, pipeline], ignore_index=True)

    config = {k: v for k, v in tp.raw.config.items()}
    config["solver"] = dict(tp.raw.config.get("solver", {}))
    config.update(name=f"Synthetic {p['name']}: {p['description']} (seed {seed})",
                  horizon_years=int(p["horizon_years"]), max_travel_minutes=p["max_travel_minutes"])

    tables = {
        "regions": _as_text(regions_t, ["region", "name", "parent", "educator_group", "notes"]),
        "links": _as_text(links, ["region_a", "region_b", "travel_minutes", "notes"]),
        "staff_groups": _as_text(groups, list(tp.t["staff_groups"].columns)),
        "workforce": _as_text(workforce, ["region", "staff_group", "in_post_wte", "establishment_wte", "notes"]),
        "committed_inflows": _as_text(_committed(starts, routes, zeroed, y0),
                                      ["region", "staff_group", "year", "wte", "notes"]),
        "routes": _as_text(routes, list(tp.t["routes"].columns)),
        "providers": _as_text(providers.assign(notes=providers["kind"].map(
            lambda k: f"synthetic: offers the routes of template provider(s) {', '.join(settings()['providers'][k]['template_providers'])}")),
            ["provider", "name", "region", "notes"]),
        "provider_routes": _as_text(com.provider_routes, ["provider", "route", "max_starts", "notes"]),
        "placement_capacity": _as_text(_year_cells(_capacity(regions, starts, routes, zeroed, "placement_weeks",
                                                             "placement_weeks", 10.0, seed), y0),
                                       ["region", "year", "placement_weeks", "notes"]),
        "educator_capacity": _as_text(_year_cells(_capacity(regions, starts, routes, zeroed, "educator_load",
                                                            "educator_wte", 0.1, seed), y0),
                                      ["region", "year", "educator_wte", "notes"]),
        "international_capacity": _as_text(_year_cells(_international_capacity(regions, starts, routes, zeroed, seed), y0),
                                           ["region", "year", "max_recruits", "notes"]),
        "skill_mix": _as_text(mix, ["covering_group", "covered_group", "max_share", "productivity", "notes"]),
        "budget": _as_text(_year_cells(_budget(starts, routes, zeroed), y0), ["year", "budget_gbp", "notes"]),
        "baseline_starts": _as_text(baseline_t, ["provider", "region", "route", "year", "starts", "notes"]),
    }
    # educator WTE rounding to 0.1 leaves float noise (0.30000000000000004): print it to 0.1
    for name in ("educator_capacity",):
        tables[name]["educator_wte"] = [f"{float(v):.1f}".rstrip("0").rstrip(".") for v in tables[name]["educator_wte"]]
    return RawScenario(source=f"synthetic preset {p['name']} (seed {seed})", form="folder", config=config,
                       tables=tables)


def _check_destination(dst: Path, form: str) -> None:
    if form not in FORMS:
        raise ValueError(f"form must be one of {', '.join(FORMS)}, not {form!r}")
    if form == "workbook" and dst.suffix.lower() != ".xlsx":
        raise ValueError(f"a workbook needs a path ending in .xlsx, not {dst}")
    if form == "folder" and dst.suffix.lower() == ".xlsx":
        raise ValueError(f"{dst} ends in .xlsx: use form='workbook' or give a folder path")


def _write(raw: RawScenario, dst: Path, form: str) -> None:
    report, _, _ = validate_raw(raw)
    if not report.ok:  # never expected: the generator's tests validate every preset
        raise RuntimeError(f"generated scenario does not validate:\n{report.render()}")
    (write_workbook if form == "workbook" else write_folder)(raw, dst)


def write_preset(preset: str, dst: str | Path, seed: int = 0, form: str = "folder") -> Path:
    """Generate `preset` and write it atomically as a folder or an .xlsx workbook. Returns dst."""
    dst = Path(dst)
    _check_destination(dst, form)
    _write(generate(preset, seed), dst, form)
    return dst


def describe(raw: RawScenario) -> str:
    t = raw.tables
    return (f"{len(t['regions'])} regions, {len(t['links'])} links, {len(t['staff_groups'])} staff groups, "
            f"{len(t['routes'])} routes, {len(t['providers'])} providers, {raw.config['horizon_years']} years")
