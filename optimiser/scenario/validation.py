"""Validation at the boundary: each table against the data dictionary (schemas.py), then named
cross-table checks, all collected by `validate_raw`.

Every finding is an `Issue` naming the file (or sheet), the spreadsheet row (header = row 1) and
the row's key (its key columns as typed, e.g. "provider=uni_west, route=ug_radiography"), the
column, the bad value and how to fix it. All problems are collected, never just the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from optimiser.basics.issues import Issue, ValidationReport
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.demand_checks import (
    check_gap_cost,
    check_modalities,
    check_skill_mix_modalities,
)
from optimiser.scenario.dictionary import table_specs
from optimiser.scenario.hierarchy import check_areas
from optimiser.scenario.io import RawScenario
from optimiser.scenario.lever_checks import (
    check_policy_shares,
    check_recruitment_pool,
    check_retention,
    route_set,
)
from optimiser.scenario.regions import region_graph
from optimiser.scenario.rowwise import LISTED, listed, more_rows, references
from optimiser.scenario.rowwise import rows as _rows
from optimiser.scenario.schemas import (
    check_config,
    check_files,
    check_schemas,
    typed_tables,
)
from optimiser.scenario.text_tables import as_text_tables
from optimiser.scenario.uncertainty import parse_uncertainty, scope_sets

ROUTE_KINDS = ("training", "international", "returner")
NON_TRAINING_KINDS = ("international", "returner")  # recruits arrive in a region: no provider
RECRUITS_OF = {"international": "international recruitment", "returner": "returners"}
CAPPED_IN = {"international": "international_capacity or recruitment_pool", "returner": "recruitment_pool"}


def check_duplicate_keys(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """No two rows of a table share a key; each repeat names the first row with its key (one
    pass over the table: a dict from key to its first row)."""
    issues = []
    for name, spec in table_specs().items():
        df = t[name]
        if df.empty:
            continue
        columns = [df[c].astype(object).where(df[c].notna(), "").astype(str).tolist() for c in spec.key]
        keys: list[tuple] = list(zip(*columns, strict=True))
        if name == "links":  # a link is undirected: a-b and b-a are the same link
            keys = [tuple(sorted(k)) for k in keys]
        if name == "policy_shares":  # the selected routes are a set: order and spacing aside
            at = spec.key.index("routes")
            keys = [(*k[:at], " ".join(route_set(k[at])), *k[at + 1:]) for k in keys]
        undirected = {"links": " (a link is undirected: a-b and b-a are the same link)",
                      "policy_shares": " (routes are a set: their order does not matter)"}.get(name, "")
        first: dict[tuple, int] = {}
        repeats = 0
        for i, key in zip(df.index.tolist(), keys, strict=True):
            if key not in first:
                first[key] = int(i)
                continue
            repeats += 1
            if repeats <= LISTED + 1:  # past it, counted only (rowwise.LISTED); one more says what they are
                issues.append(Issue("error", "check_duplicate_keys", raw.where(name),
                                    f"duplicates row {first[key] + 2}{undirected}",
                                    "delete one of the two rows or change its key",
                                    row=int(i) + 2, column=spec.key[0]))
        if repeats > LISTED:
            issues[-1] = more_rows(issues[-1], repeats - LISTED, "a key an earlier row has")
    return issues


def check_references(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """Every region, staff group, route and provider named in a table is defined (the routes of
    policy_shares: lever_checks; modalities: demand_checks)."""
    regions = set(t["regions"]["region"])
    groups = set(t["staff_groups"]["staff_group"])
    routes = set(t["routes"]["route"])
    providers = set(t["providers"]["provider"])
    R, G, K, P = (raw.where(x) for x in ("regions", "staff_groups", "routes", "providers"))
    refs = [
        ("regions", "educator_group", groups, "staff group", G, True),
        ("links", "region_a", regions, "region", R, False),
        ("links", "region_b", regions, "region", R, False),
        ("workforce", "region", regions, "region", R, False),
        ("workforce", "staff_group", groups, "staff group", G, False),
        ("committed_inflows", "region", regions, "region", R, False),
        ("committed_inflows", "staff_group", groups, "staff group", G, False),
        ("routes", "produces", groups, "staff group", G, False),
        ("routes", "draws_from", groups, "staff group", G, True),
        ("providers", "region", regions, "region", R, False),
        ("provider_routes", "provider", providers, "provider", P, False),
        ("provider_routes", "route", routes, "route", K, False),
        ("placement_capacity", "region", regions, "region", R, False),
        ("educator_capacity", "region", regions, "region", R, False),
        ("international_capacity", "region", regions, "region", R, False),
        ("skill_mix", "covering_group", groups, "staff group", G, False),
        ("skill_mix", "covered_group", groups, "staff group", G, False),
        ("baseline_starts", "provider", providers, "provider", P, True),
        ("baseline_starts", "region", regions, "region", R, False),
        ("baseline_starts", "route", routes, "route", K, False),
        ("demand", "region", regions, "region", R, False),
        ("demand", "staff_group", groups, "staff group", G, False),
        ("graduate_destinations", "from_region", regions, "region", R, False),
        ("graduate_destinations", "to_region", regions, "region", R, False),
        ("regional_rates", "region", regions, "region", R, False),
        ("regional_rates", "staff_group", groups, "staff group", G, False),
        ("recruitment_pool", "route", routes, "route", K, False),
        ("recruitment_pool", "region", regions, "region", R, True),
        ("policy_shares", "staff_group", groups, "staff group", G, False),
        ("retention", "staff_group", groups, "staff group", G, False),
        ("retention", "region", regions, "region", R, True),
        ("activity", "region", regions, "region", R, False),
        ("workload", "staff_group", groups, "staff group", G, False),
    ]
    issues = []
    for table, column, known, what, source, blank_ok in refs:
        issues += references(raw, table, t[table], column, known, what, source, blank_ok=blank_ok)
    return issues


def check_links(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for row, r in _rows(t["links"]):
        if r["region_a"] == r["region_b"]:
            issues.append(Issue("error", "check_links", raw.where("links"),
                                "links a region to itself", "delete the row: a region is always reachable from itself",
                                row=row, column="region_b", value=r["region_b"]))
    return issues


def check_routes(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    where = raw.where("routes")
    for row, r in _rows(t["routes"]):
        if r["kind"] not in ROUTE_KINDS:
            issues.append(Issue("error", "check_routes", where, "unknown route kind",
                                "write training, international or returner", row=row, column="kind", value=r["kind"]))
        if r["draws_from"] and r["draws_from"] == r["produces"]:
            issues.append(Issue("error", "check_routes", where,
                                "the route draws from the staff group it produces",
                                "blank draws_from, or name the group learners leave while training",
                                row=row, column="draws_from", value=r["draws_from"]))
        if r["kind"] in NON_TRAINING_KINDS and r["draws_from"]:
            issues.append(Issue("error", "check_routes", where,
                                f"{'an' if r['kind'] == 'international' else 'a'} {r['kind']} route "
                                f"cannot draw from a staff group",
                                f"blank draws_from for {RECRUITS_OF[r['kind']]}",
                                row=row, column="draws_from", value=r["draws_from"]))
    kinds = dict(zip(t["routes"]["route"], t["routes"]["kind"], strict=True))
    for row, r in _rows(t["provider_routes"]):
        kind = kinds.get(r["route"])
        if kind in NON_TRAINING_KINDS:
            issues.append(Issue("error", "check_routes", raw.where("provider_routes"),
                                f"{kind} routes are not run by providers",
                                f"delete the row; cap {RECRUITS_OF[kind]} in {CAPPED_IN[kind]}",
                                row=row, column="route", value=r["route"]))
    return issues


def check_cohorts(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """A minimum cohort above a provider's cap can never run; a contracted minimum above it is a conflict."""
    issues = []
    min_cohort = dict(zip(t["routes"]["route"], t["routes"]["min_cohort"], strict=True))
    where = raw.where("provider_routes")
    for row, r in _rows(t["provider_routes"]):
        mc = min_cohort.get(r["route"])
        cap, lo = r["max_starts"], r["min_starts"]
        if mc is not None and not math.isnan(cap) and 0 < cap < mc:
            issues.append(Issue("warning", "check_cohorts", where,
                                f"max_starts is below the route's min_cohort of {mc:g}: this cohort can never run",
                                f"raise max_starts to at least {mc:g}, lower min_cohort in routes, or set 0",
                                row=row, column="max_starts", value=f"{cap:g}"))
        if not math.isnan(lo) and not math.isnan(cap) and lo > cap:
            issues.append(Issue("error", "check_cohorts", where,
                                f"min_starts is above max_starts ({cap:g})",
                                "lower min_starts or raise max_starts",
                                row=row, column="min_starts", value=f"{lo:g}"))
    return issues


# The years a table's `year` column may name (see ScenarioConfig): stock compared with demand in
# measured years; starts, recruits and their limits in start years; every other flow (committed
# arrivals, capacities, budgets) in model years, run-out years included.
MEASURED_YEAR_TABLES = {"demand", "activity"}
START_YEAR_TABLES = {"provider_routes", "baseline_starts", "international_capacity",
                     "recruitment_pool", "policy_shares", "retention"}


def _table_years(name: str, config: ScenarioConfig) -> tuple[list[int], str]:
    """The years rows of table `name` may name, and what they are called in a warning."""
    if name in MEASURED_YEAR_TABLES:
        return config.measured_years, "the measured years"
    if name in START_YEAR_TABLES or config.run_out_years == 0:
        return config.years, "the horizon"
    return config.model_years, "the model years (horizon and run-out)"


def check_years(raw: RawScenario, t: dict[str, pd.DataFrame], config: ScenarioConfig) -> list[Issue]:
    """Years outside the planning horizon are ignored: warn so a typo does not go unseen.

    Start-year tables cover y0 .. y0+H-1, other flow tables the model years y0 .. y0+H+E-1, and
    `demand` and `activity` the measured years y0+1 .. y0+H+E (the start-of-year stock they are
    compared with)."""
    issues = []
    for name in t:
        if "year" not in t[name].columns:
            continue
        years, what = _table_years(name, config)
        first, last = years[0], years[-1]
        for row, r in _rows(t[name]):
            y = r["year"]
            if isinstance(y, float) and not math.isnan(y) and not (first <= y <= last):
                issues.append(Issue("warning", "check_years", raw.where(name),
                                    f"year is outside {what} {first}-{last} and is ignored",
                                    f"use a year from {first} to {last}, or blank for every year",
                                    row=row, column="year", value=f"{y:g}"))
    return issues


def check_skill_mix(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for row, r in _rows(t["skill_mix"]):
        if r["covering_group"] == r["covered_group"]:
            issues.append(Issue("error", "check_skill_mix", raw.where("skill_mix"),
                                "a staff group cannot cover its own work",
                                "name two different staff groups", row=row,
                                column="covered_group", value=r["covered_group"]))
    return issues


def check_baseline_starts(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """Baseline starts must be runnable: the provider offers the route; international and returner
    rows (recruits into a region) have no provider."""
    issues = []
    kinds = dict(zip(t["routes"]["route"], t["routes"]["kind"], strict=True))
    offered = set(zip(t["provider_routes"]["provider"], t["provider_routes"]["route"], strict=True))
    providers = set(t["providers"]["provider"])
    where = raw.where("baseline_starts")
    for row, r in _rows(t["baseline_starts"]):
        kind = kinds.get(r["route"])
        if kind in NON_TRAINING_KINDS and r["provider"]:
            issues.append(Issue("error", "check_baseline_starts", where,
                                f"{kind} recruits have no provider",
                                "blank the provider cell (the row gives recruits into its region)",
                                row=row, column="provider", value=r["provider"]))
        elif kind == "training" and not r["provider"]:
            issues.append(Issue("error", "check_baseline_starts", where,
                                "a training route needs a provider", "name the provider that runs the course",
                                row=row, column="provider"))
        elif kind == "training" and (r["provider"], r["route"]) not in offered and r["provider"] in providers:
            issues.append(Issue("error", "check_baseline_starts", where,
                                f"provider does not offer route {r['route']} in provider_routes",
                                "add the route to provider_routes or correct the provider",
                                row=row, column="route", value=r["route"]))
    return issues


def check_graduate_destinations(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    df = t["graduate_destinations"]
    for region, group in df.groupby("from_region"):
        total = group["share"].sum()
        if abs(total - 1) > 1e-6:
            issues.append(Issue("error", "check_graduate_destinations", raw.where("graduate_destinations"),
                                f"shares from {region} add up to {total:g}, not 1",
                                "make each from_region's shares sum to 1",
                                row=int(group.index[0]) + 2, column="share", value=f"{total:g}",
                                key=f"from_region={region}"))
    return issues


def check_regions_connected(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """A region with no link is allowed (its providers place locally) but worth a warning when there are links."""
    g = region_graph(t["regions"]["region"], t["links"])
    if len(g) < 2 or g.number_of_edges() == 0:
        return []
    lonely = [n for n in g.nodes if g.degree(n) == 0]
    return [Issue("warning", "check_links", raw.where("links"), f"region {n} has no travel link",
                  "add a link if learners or graduates can move to or from it") for n in lonely]


def check_educator_group(raw: RawScenario, t: dict[str, pd.DataFrame], config: ScenarioConfig) -> list[Issue]:
    if config.max_extra_educator_wte <= 0:
        return []
    issues = []
    for row, r in _rows(t["regions"]):
        if not r["educator_group"]:
            issues.append(Issue("warning", "check_educator_group", raw.where("regions"),
                                "no educator_group: funded extra educators will not reduce any staff group",
                                "name the staff group practice educators are drawn from (e.g. the radiographers)",
                                row=row, column="educator_group"))
    return issues


def check_uncertainty(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """uncertainty.csv (sweeps only): known parameters, scopes that exist, distributions with
    complete, numeric and well-shaped arguments (see optimiser/uncertainty.py)."""
    _, problems = parse_uncertainty(t["uncertainty"], set(t["staff_groups"]["staff_group"]), set(t["routes"]["route"]),
                                   scope_sets(t)["modalities"], t)
    return [Issue(p.severity, "check_uncertainty", raw.where("uncertainty"), p.message, p.fix,
                  row=p.row, column=p.column, value=p.value) for p in problems]


TABLE_CHECKS: tuple[Callable, ...] = (
    check_duplicate_keys, check_references, check_links, check_routes, check_cohorts,
    check_skill_mix, check_baseline_starts, check_graduate_destinations, check_regions_connected,
    check_uncertainty, check_retention, check_recruitment_pool, check_policy_shares,
    check_modalities, check_skill_mix_modalities, check_areas,
)
CONFIG_CHECKS: tuple[Callable, ...] = (check_years, check_educator_group, check_gap_cost)


def validate_raw(raw: RawScenario) -> tuple[ValidationReport, dict[str, pd.DataFrame] | None, ScenarioConfig | None]:
    """Run every check. Returns the report and, when there are no errors, the typed tables and config."""
    issues = list(raw.load_issues)
    if any(i.file in (raw.source, Path(raw.source).name) for i in raw.load_issues):
        # nothing could be opened at all: listing every missing table would bury the one problem
        return ValidationReport(source=raw.source, issues=tuple(issues)), None, None
    raw, shape_issues = as_text_tables(raw)  # a RawScenario built elsewhere, as load_raw makes one
    issues += shape_issues
    issues += check_files(raw)
    config, config_issues = check_config(raw)
    issues += config_issues
    issues += check_schemas(raw)
    # Cross-table checks need every file and column; bad cells are read as missing there.
    structural_ok = not any(
        i.severity == "error" and i.rule in ("check_files", "check_columns") for i in issues
    )
    tables = None
    if structural_ok:
        tables = typed_tables(raw)
        for check in TABLE_CHECKS:
            issues += check(raw, tables)
        if config is not None:
            for check in CONFIG_CHECKS:
                issues += check(raw, tables, config)
    report = ValidationReport(source=raw.source, issues=tuple(_with_row_keys(raw, listed(issues))))
    if not report.ok:
        return report, None, None
    return report, tables, config


def _with_row_keys(raw: RawScenario, issues: list[Issue]) -> list[Issue]:
    """Name each row-level issue's row by its table's key cells as typed (see RawScenario.row_key)."""
    table_at = {raw.where(name): name for name in table_specs()}
    wanted: dict[str, set[int]] = {}
    for i in issues:
        if i.row is not None and i.key is None and i.file in table_at:
            wanted.setdefault(table_at[i.file], set()).add(i.row)
    keys = {name: raw.row_keys(name, rows) for name, rows in wanted.items()}  # one pass per table
    out = []
    for i in issues:
        if i.row is not None and i.key is None and i.file in table_at:
            name = table_at[i.file]
            i = Issue(i.severity, i.rule, i.file, i.message, i.fix, i.row, i.column, i.value,
                      keys[name].get(i.row))  # not dataclasses.replace: ~10x faster per issue
        out.append(i)
    return out
