"""Validation at the boundary: a pandera schema per table plus named cross-table checks.

Every finding is an `Issue` naming the file (or sheet), the spreadsheet row (header = row 1),
the column, the bad value and how to fix it. All problems are collected, never just the first.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pydantic import ValidationError

from optimiser.basics.issues import Issue, ValidationReport
from optimiser.scenario.config import ScenarioConfig
from optimiser.scenario.dictionary import ColumnSpec, TableSpec, table_specs
from optimiser.scenario.io import RawScenario
from optimiser.scenario.regions import region_graph
from optimiser.scenario.uncertainty import parse_uncertainty

# Columns that must be strictly above zero (the dictionary's `min` is inclusive).
STRICTLY_POSITIVE = {
    ("routes", "completion_rate"),
    ("links", "travel_minutes"),
    ("skill_mix", "productivity"),
}
ROUTE_KINDS = ("training", "international")


def _num(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def _column_checks(spec: ColumnSpec) -> list[pa.Check]:
    if not spec.numeric:
        return []
    checks = [
        pa.Check(lambda s: np.isfinite(_num(s)) | s.isna(), name="is_number", element_wise=False),
    ]
    if spec.type == "integer":
        checks.append(
            pa.Check(lambda s: (_num(s) % 1 == 0) | _num(s).isna(), name="is_whole")
        )
    strict = (spec.table, spec.column) in STRICTLY_POSITIVE
    if strict:
        checks.append(pa.Check(lambda s: (_num(s) > 0) | _num(s).isna(), name="gt:0"))
    if spec.min is not None and not (strict and spec.min <= 0):
        lo = spec.min
        checks.append(pa.Check(lambda s, lo=lo: (_num(s) >= lo) | _num(s).isna(), name=f"ge:{lo:g}"))
    if spec.max is not None:
        hi = spec.max
        checks.append(pa.Check(lambda s, hi=hi: (_num(s) <= hi) | _num(s).isna(), name=f"le:{hi:g}"))
    return checks


def table_schema(spec: TableSpec) -> pa.DataFrameSchema:
    """The pandera schema of one table, generated from the data dictionary."""
    return pa.DataFrameSchema(
        {
            c.column: pa.Column(
                None, nullable=not c.required, required=c.required, checks=_column_checks(c),
            )
            for c in spec.columns
        },
        strict=False,
        coerce=False,
        name=spec.name,
    )


def _schema_issue(raw: RawScenario, spec: TableSpec, case: pd.Series) -> Issue:
    where = raw.where(spec.name)
    check = str(case["check"])
    column = None if pd.isna(case["column"]) else str(case["column"])
    idx = case["index"]
    row = None if idx is None or (isinstance(idx, float) and math.isnan(idx)) else int(idx) + 2
    value = None if pd.isna(case["failure_case"]) else str(case["failure_case"])
    if check == "column_in_dataframe":
        c = spec.column(value)
        return Issue("error", "check_columns", where, f"required column '{value}' is missing",
                     f"add a column headed '{value}': {c.description}", column=value, value=value)
    col = next((c for c in spec.columns if c.column == column), None)
    unit = f" ({col.unit})" if col and col.unit else ""
    if check == "column_in_dataframe":
        c = spec.column(value)
        return Issue("error", "check_columns", where, f"required column '{value}' is missing",
                     f"add a column headed '{value}': {c.description}", column=value)
    if check == "not_nullable":
        return Issue("error", "check_required", where, "required value is blank",
                     f"fill in {col.description.lower()}{unit}", row=row, column=column)
    if check == "is_number":
        return Issue("error", "check_numbers", where, "is not a number",
                     f"write a plain number{unit}, e.g. 0.045 or 1200 (no %, units or thousands separators)",
                     row=row, column=column, value=value)
    if check == "is_whole":
        return Issue("error", "check_numbers", where, "must be a whole number",
                     f"write a whole number{unit}", row=row, column=column, value=value)
    if check == "gt:0":
        return Issue("error", "check_ranges", where, "must be above 0",
                     f"write a positive number{unit}", row=row, column=column, value=value)
    if check.startswith(("ge:", "le:")):
        bound = check[3:]
        if col and col.type == "rate":
            message = "is a rate outside [0, 1]"
            fix = "write rates as fractions between 0 and 1 (4.5% is 0.045)"
        elif check.startswith("ge:") and bound == "0":
            message = "must not be negative"
            fix = f"write 0 or a positive number{unit}"
        else:
            word = "below the smallest" if check.startswith("ge:") else "above the largest"
            message = f"is {word} allowed value {bound}"
            fix = f"write a value {'at least' if check.startswith('ge:') else 'at most'} {bound}{unit}"
        return Issue("error", "check_ranges", where, message, fix, row=row, column=column, value=value)
    return Issue("error", "check_schema", where, f"failed {check}", "correct the value",
                 row=row, column=column, value=value)


def check_files(raw: RawScenario) -> list[Issue]:
    """Required files present and not header-only; unknown columns are reported as warnings."""
    issues = []
    for name, spec in table_specs().items():
        df = raw.tables.get(name)
        loaded_badly = any(i.file == raw.where(name) for i in raw.load_issues)
        if df is None:
            if spec.required_file and not loaded_badly:
                issues.append(Issue("error", "check_files", raw.where(name), "required table is missing",
                                    f"add {raw.where(name)} with columns {', '.join(spec.required_columns)}"))
            continue
        if df.empty and spec.needs_rows:
            issues.append(Issue("error", "check_files", raw.where(name), "has a header but no rows",
                                f"add at least one row of {name.replace('_', ' ')}"))
        elif df.empty and spec.required_file:
            issues.append(Issue("warning", "check_files", raw.where(name), "has a header but no rows",
                                f"add rows if the scenario should have {name.replace('_', ' ')}"))
        known = {c.column for c in spec.columns}
        for col in df.columns:
            if col not in known:
                issues.append(Issue("warning", "check_columns", raw.where(name),
                                    f"column '{col}' is not in the data dictionary and is ignored",
                                    f"rename it to one of: {', '.join(sorted(known))}", column=col))
    return issues


def check_schemas(raw: RawScenario) -> list[Issue]:
    """Each table against its pandera schema (lazy: every failure, not the first)."""
    issues = []
    for name, df in raw.tables.items():
        spec = table_specs()[name]
        frame = df.replace("", None)
        try:
            table_schema(spec).validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            cases = exc.failure_cases
            for _, case in cases.iterrows():
                issues.append(_schema_issue(raw, spec, case))
    return issues


def check_config(raw: RawScenario) -> tuple[ScenarioConfig | None, list[Issue]]:
    """scenario.toml (or the scenario sheet): known keys, types, horizon of at least 1 year."""
    where = raw.where("scenario")
    if not raw.config and any(i.file == where for i in raw.load_issues):
        return None, []
    try:
        return ScenarioConfig.from_mapping(raw.config), []
    except ValidationError as exc:
        issues = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"]) or None
            value = err.get("input")
            issues.append(
                Issue("error", "check_config", where, err["msg"].removeprefix("Value error, "),
                      ScenarioConfig.fix_for(key), column=key,
                      value=None if isinstance(value, dict) else str(value))
            )
        return None, issues


def typed_tables(raw: RawScenario) -> dict[str, pd.DataFrame]:
    """Tables with numeric columns as numbers and blanks as missing; every dictionary column exists."""
    out = {}
    for name, spec in table_specs().items():
        df = raw.tables.get(name)
        if df is None:
            df = pd.DataFrame(columns=[c.column for c in spec.columns])
        df = df.copy()
        for c in spec.columns:
            if c.column not in df.columns:
                df[c.column] = "" if not c.numeric else None
            if c.numeric:
                df[c.column] = _num(df[c.column].replace("", None)).astype(float)
                if c.default and not c.required:
                    df[c.column] = df[c.column].fillna(float(c.default))
            else:
                df[c.column] = df[c.column].fillna("").astype(str)
        out[name] = df[[c.column for c in spec.columns]]
    return out


# --- cross-table checks ---------------------------------------------------------------------


def _rows(df: pd.DataFrame):
    for i, row in df.iterrows():
        yield int(i) + 2, row


def check_duplicate_keys(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    issues = []
    for name, spec in table_specs().items():
        df = t[name]
        if df.empty:
            continue
        keys = df[list(spec.key)].astype(object).where(df[list(spec.key)].notna(), "").astype(str)
        if name == "links":  # a link is undirected: a-b and b-a are the same link
            keys = pd.DataFrame(
                [sorted(pair) for pair in keys.itertuples(index=False)], columns=list(spec.key)
            )
        dup = keys.duplicated(keep="first")
        for i in dup[dup].index:
            first = keys.index[(keys == keys.loc[i]).all(axis=1)][0]
            shown = ", ".join(f"{k}={df.loc[i, k]!s}".replace("=nan", "=(blank)") for k in spec.key)
            issues.append(Issue("error", "check_duplicate_keys", raw.where(name),
                                f"duplicates row {int(first) + 2} ({shown})",
                                "delete one of the two rows or change its key",
                                row=int(i) + 2, column=spec.key[0]))
    return issues


def _ref(raw, table, df, column, known: set[str], what: str, source: str, *, blank_ok=False,
         severity="error") -> list[Issue]:
    issues = []
    for row, r in _rows(df):
        v = r[column]
        if v == "" and blank_ok:
            continue
        if v not in known:
            hint = ", ".join(sorted(known)[:8]) + (" ..." if len(known) > 8 else "")
            issues.append(Issue(severity, "check_references", raw.where(table),
                                f"unknown {what}",
                                f"use a {what} listed in {source} ({hint}) or add it there",
                                row=row, column=column, value=v))
    return issues


def check_references(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """Every region, staff group, route and provider named in a table is defined."""
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
    ]
    issues = []
    for table, column, known, what, source, blank_ok in refs:
        issues += _ref(raw, table, t[table], column, known, what, source, blank_ok=blank_ok)
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
                                "write training or international", row=row, column="kind", value=r["kind"]))
        if r["draws_from"] and r["draws_from"] == r["produces"]:
            issues.append(Issue("error", "check_routes", where,
                                "the route draws from the staff group it produces",
                                "blank draws_from, or name the group learners leave while training",
                                row=row, column="draws_from", value=r["draws_from"]))
        if r["kind"] == "international" and r["draws_from"]:
            issues.append(Issue("error", "check_routes", where,
                                "an international route cannot draw from a staff group",
                                "blank draws_from for international recruitment",
                                row=row, column="draws_from", value=r["draws_from"]))
    kinds = dict(zip(t["routes"]["route"], t["routes"]["kind"], strict=True))
    for row, r in _rows(t["provider_routes"]):
        if kinds.get(r["route"]) == "international":
            issues.append(Issue("error", "check_routes", raw.where("provider_routes"),
                                "international routes are not run by providers",
                                "delete the row; cap international recruits in international_capacity",
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


# Tables whose years are measured years (stock at the start of y0+1 .. y0+H), not decision years.
MEASURED_YEAR_TABLES = {"demand"}


def check_years(raw: RawScenario, t: dict[str, pd.DataFrame], config: ScenarioConfig) -> list[Issue]:
    """Years outside the planning horizon are ignored: warn so a typo does not go unseen.

    Decision and flow tables cover y0 .. y0+H-1; `demand` covers the measured years y0+1 .. y0+H
    (the start-of-year stock it is compared with)."""
    issues = []
    for name in t:
        if "year" not in t[name].columns:
            continue
        first = config.start_year + (1 if name in MEASURED_YEAR_TABLES else 0)
        last = first + config.horizon_years
        what = "the measured years" if name in MEASURED_YEAR_TABLES else "the horizon"
        for row, r in _rows(t[name]):
            y = r["year"]
            if isinstance(y, float) and not math.isnan(y) and not (first <= y < last):
                issues.append(Issue("warning", "check_years", raw.where(name),
                                    f"year is outside {what} {first}-{last - 1} and is ignored",
                                    f"use a year from {first} to {last - 1}, or blank for every year",
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
    """Baseline starts must be runnable: the provider offers the route; international rows have no provider."""
    issues = []
    kinds = dict(zip(t["routes"]["route"], t["routes"]["kind"], strict=True))
    offered = set(zip(t["provider_routes"]["provider"], t["provider_routes"]["route"], strict=True))
    where = raw.where("baseline_starts")
    for row, r in _rows(t["baseline_starts"]):
        kind = kinds.get(r["route"])
        if kind == "international" and r["provider"]:
            issues.append(Issue("error", "check_baseline_starts", where,
                                "international recruits have no provider", "blank the provider cell",
                                row=row, column="provider", value=r["provider"]))
        elif kind == "training" and not r["provider"]:
            issues.append(Issue("error", "check_baseline_starts", where,
                                "a training route needs a provider", "name the provider that runs the course",
                                row=row, column="provider"))
        elif kind == "training" and (r["provider"], r["route"]) not in offered and r["provider"] in set(t["providers"]["provider"]):
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
                                row=int(group.index[0]) + 2, column="share", value=f"{total:g}"))
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
    _, problems = parse_uncertainty(t["uncertainty"], set(t["staff_groups"]["staff_group"]), set(t["routes"]["route"]))
    return [Issue(p.severity, "check_uncertainty", raw.where("uncertainty"), p.message, p.fix,
                  row=p.row, column=p.column, value=p.value) for p in problems]


TABLE_CHECKS: tuple[Callable, ...] = (
    check_duplicate_keys, check_references, check_links, check_routes, check_cohorts,
    check_skill_mix, check_baseline_starts, check_graduate_destinations, check_regions_connected,
    check_uncertainty,
)
CONFIG_CHECKS: tuple[Callable, ...] = (check_years, check_educator_group)


def validate_raw(raw: RawScenario) -> tuple[ValidationReport, dict[str, pd.DataFrame] | None, ScenarioConfig | None]:
    """Run every check. Returns the report and, when there are no errors, the typed tables and config."""
    issues = list(raw.load_issues)
    if any(i.file in (raw.source, Path(raw.source).name) for i in raw.load_issues):
        # nothing could be opened at all: listing every missing table would bury the one problem
        return ValidationReport(source=raw.source, issues=tuple(issues)), None, None
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
    report = ValidationReport(source=raw.source, issues=tuple(issues))
    if not report.ok:
        return report, None, None
    return report, tables, config
