"""A given plan evaluated in one scenario: its decisions held fixed in the plan model.

Every decision column is fixed; the rows that limit only decisions (budgets, capacities, cohort
sizes, stability, contracted starts; `RowFamily.limits_decisions`) are relaxed, since they cannot
change the outcome, and a plan that breaks one is reported rather than declared infeasible. The
skill mix is still chosen to minimise weighted shortfall, as in the status quo.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from optimiser.basics.status import Status
from optimiser.model.build import DECISIONS, ROW_FAMILIES
from optimiser.model.families.training import COHORT_OPEN, STARTS
from optimiser.model.parts import row_scale_of
from optimiser.pipeline import api
from optimiser.pipeline.plan_check import checked_plan
from optimiser.results.results import index_words, read_projection, weighted_shortfall
from optimiser.results.written_plan import read_plan_csvs
from optimiser.scenario.scenario import Scenario
from optimiser.solver import run

# Plan-model rows that limit only the decisions; relaxed when a given plan is evaluated.
DECISION_LIMITS = tuple(name for name, f in ROW_FAMILIES.items() if f.limits_decisions)
# A plan folder's decision files: file -> (FixedPlan attribute, key columns, value column)
PLAN_FILES = {d.file: (d.table, list(d.index), d.value) for d in DECISIONS}
# Files that plan folders written before v2 lack: read as no such decisions (their recruits are
# then those of international.csv, and no one is retained).
ADDED_IN_V2 = ("recruits.csv", "retention.csv")
PROJECTION_KEYS = ["staff_group", "region", "year"]


class SweepError(ValueError):
    """Bad sweep input (flags, uncertainty table, plan folder): the message says what to fix."""


# --- the plan held fixed -------------------------------------------------------------------


@dataclass(frozen=True)
class FixedPlan:
    """Decisions to evaluate in every future (tables as in a solve's output folder)."""

    starts: pd.DataFrame  # provider, region, route, year, starts
    international: pd.DataFrame  # region, route, year, recruits
    educators: pd.DataFrame  # region, year, extra_educator_wte
    source: str
    recruits: pd.DataFrame = field(default_factory=pd.DataFrame)  # route, kind, region, year, recruits
    retention: pd.DataFrame = field(default_factory=pd.DataFrame)  # scheme, staff_group, region, year, retained_wte


def read_plan_folder(folder: Path) -> FixedPlan:
    """The decision files of `optimiser solve --out` (starts.csv, international.csv, recruits.csv,
    retention.csv, educators.csv); every problem (file, row, column, value, fix) in one SweepError."""
    folder = Path(folder)
    csvs, problems = read_plan_csvs(folder, PLAN_FILES, optional=ADDED_IN_V2, as_text=True)
    tables: dict[str, pd.DataFrame] = {}
    for name, (attr, keys, value) in PLAN_FILES.items():
        path = folder / name
        if name not in csvs and name in ADDED_IN_V2:
            tables[attr] = pd.DataFrame({c: pd.Series(dtype=float if c in ("year", value) else str)
                                         for c in [*keys, value]})
            continue
        if name not in csvs:  # missing or unreadable: one of `problems` already
            continue
        df = csvs[name]
        missing = [c for c in [*keys, value] if c not in df.columns]
        if missing:
            problems.append(f"{path}: column(s) {', '.join(missing)} missing. Fix: keep the header "
                            f"{','.join([*keys, value])}")
            continue
        df = df[[*keys, value]].copy()
        for col in ["year", value]:
            numbers = pd.to_numeric(df[col], errors="coerce")
            for i in df.index[numbers.isna() | ~np.isfinite(numbers) | (numbers < 0)]:
                problems.append(f"{path}, row {i + 2}, column '{col}': value {df.at[i, col]!r} is not a "
                                f"non-negative number. Fix: write a plain number such as 12")
            df[col] = numbers
        tables[attr] = df
    if problems:
        raise SweepError("the plan folder has errors:\n  " + "\n  ".join(problems))
    for df in tables.values():
        df["year"] = df["year"].astype(int)
    return FixedPlan(source=str(folder), **tables)


def _column_map(compiled) -> dict[tuple[str, object], int]:
    return {(v.parent_component().name, v.index()): j for j, v in enumerate(compiled.columns)}


def _decision_values(plan: FixedPlan, cols: dict, model=None) -> tuple[dict[int, float], list[str]]:
    """Column number -> fixed value for every decision column; plan rows with no such column are problems.

    Every declared decision is fixed (to 0 where the plan has no row); each gated cohort is open
    exactly when the plan starts anyone in it. Rows of a frozen year (before first_decision_year)
    are the scenario's baseline, already fixed in `model`: they are not columns and are skipped."""
    components = {d.component for d in DECISIONS}
    values: dict[int, float] = {j: 0.0 for (name, _), j in cols.items() if name in components}
    problems = []
    cohort: dict[tuple, float] = {}
    for d in DECISIONS:
        keys = list(d.index)
        df = getattr(plan, d.table)
        if df.empty:
            continue
        for i, row in zip(df.index, df[d.columns].itertuples(index=False, name=None), strict=True):
            *key, amount = row
            key = d.key_of(tuple(int(k) if c == "year" else k for c, k in zip(keys, key, strict=True)))
            j = cols.get((d.component, key))
            if j is None and model is not None and _fixed(model, d.component, key):
                continue
            if j is None:
                if amount > 0:
                    problems.append(f"{d.file}, row {i + 2}: {', '.join(map(str, key))} is not a decision this scenario allows "
                                    "(provider does not offer the route that year, region beyond max_travel_minutes, "
                                    "no onboarding or no educator limit there). Fix: delete the row or solve the plan "
                                    "again on this scenario")
                continue
            values[j] = float(amount)
            if d is STARTS:
                p, _r, k, y = key
                cohort[(p, k, y)] = cohort.get((p, k, y), 0.0) + float(amount)
    for (name, key), j in cols.items():
        if name == COHORT_OPEN:
            values[j] = 1.0 if cohort.get(key, 0.0) > 0 else 0.0
    return values, problems


def _fixed(model, component: str, key: tuple) -> bool:
    var = getattr(model, component, None)
    return var is not None and key in var and var[key].fixed


@dataclass(frozen=True)
class Evaluation:
    """One plan in one future: status, totals and the projection's measured years."""

    status: str
    weighted_shortfall: float | None
    total_shortfall_wte_years: float | None
    projection: pd.DataFrame  # staff_group, region, year, demand_wte, shortfall_wte (years > y0)


def _measured(projection: pd.DataFrame, start_year: int) -> pd.DataFrame:
    p = projection.loc[projection["year"] > start_year, [*PROJECTION_KEYS, "demand_wte", "shortfall_wte"]]
    return p.reset_index(drop=True)


def evaluate_fixed_plan(scenario: Scenario, plan: FixedPlan) -> tuple[Evaluation, list[dict]]:
    """The plan's outcome in `scenario`, and the limits it breaks (if any)."""
    built = api.build_plan(scenario, "min_shortfall")
    compiled = built.compiled
    values, problems = _decision_values(plan, _column_map(compiled), compiled.model)
    if problems:
        raise SweepError("the plan does not fit the scenario:\n  " + "\n  ".join(problems))
    limits = compiled.rows_of(DECISION_LIMITS)
    freed = [(name, key, i, float(compiled.row_lower[i]), float(compiled.row_upper[i])) for name, key, i in limits]
    # HiGHS directly rather than solve_built: with every decision fixed there are no shadow
    # prices or bottlenecks worth reading, and it halves the time per future.
    cfg = scenario.config.solver
    with compiled.relaxed_rows([i for _, _, i in limits]), compiled.fixed_columns(values):
        outcome = run(compiled, cfg.time_limit_s, cfg.mip_rel_gap)
        refused = outcome.holds_plan and checked_plan(compiled, built.data, outcome.values,
                                                      outcome.objective).problem is not None
    if refused:  # the independent check (optimiser/pipeline/plan_check.py): a solver error, no outcome
        return Evaluation(Status.ERROR, None, None, pd.DataFrame()), []
    if not outcome.holds_plan:
        return Evaluation(outcome.status, None, None, pd.DataFrame()), []
    compiled.load_values(outcome.values)
    m, data = compiled.model, built.data
    projection = _measured(read_projection(m, data), data.start_year)
    activity = outcome.row_activity
    return (Evaluation(outcome.status, weighted_shortfall(m, data), float(projection["shortfall_wte"].sum()),
                       projection),
            _breaches(built, freed, activity))


def _breaches(built, freed, activity: np.ndarray) -> list[dict]:
    out = []
    m = built.compiled.model
    for name, key, i, lo, hi in freed:
        a = float(activity[i])
        tol = 1e-6 * max(1.0, abs(lo) if math.isfinite(lo) else 1.0, abs(hi) if math.isfinite(hi) else 1.0)
        if a > hi + tol or a < lo - tol:
            family = m.families[name]
            k = row_scale_of(m, name, key)
            limit = hi if a > hi + tol else lo
            out.append({"family": family.planner_name, "index": index_words(key, built.data) if key is not None else "whole horizon",
                        "limit": limit * k, "plan_uses": a * k, "unit": family.unit})
    return out


def evaluate_status_quo(scenario: Scenario) -> Evaluation:
    try:
        r = api.project(scenario)
    except api.InfeasibleProjection:
        return Evaluation(Status.INFEASIBLE, None, None, pd.DataFrame())
    return Evaluation(r.status, r.weighted_shortfall, r.total_shortfall_wte_years,
                      _measured(r.projection, scenario.config.start_year))


def evaluate_reoptimised(scenario: Scenario) -> Evaluation:
    r = api.solve(scenario, with_status_quo=False)
    if not r.feasible:
        return Evaluation(r.status, None, None, pd.DataFrame())
    return Evaluation(r.status, r.weighted_shortfall, r.total_shortfall_wte_years,
                      _measured(r.projection, scenario.config.start_year))

