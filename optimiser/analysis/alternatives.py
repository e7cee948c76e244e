"""Near-optimal alternatives: plans within a slack of the best plan's objective that differ most in
one dimension a commissioner cares about (modelling to generate alternatives).

    optimiser alternatives --slack 0.02 --count 4 --vary routes

A dimension splits the plan's people (learners commissioned and staff recruited over the decision
years) into categories: `international` (international recruits, one category), `providers`
(starts by education provider), `regions` (starts placed and recruits taken in each region) or
`routes` (starts and recruits by route; shown beside international recruits too). For each category, largest first, the plan with the
fewest and then the plan with the most people in it is found among plans whose objective is
within the slack of the best (`optimiser/solver/near_optimal.py`: on the LP with the best plan's
cohort decisions fixed, so starts and recruits may be fractional), until `count` plans are found;
a push that ends at a plan already shown (the best plan may already be at that extreme) is
skipped, so every alternative differs from the others.
Each is reported with its objective, weighted shortfall and cost beside the best plan's, and its
totals in every category of the dimension, so "fewer international recruits, more
apprenticeships" can be read with what it costs in gap.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimiser.pipeline.api import BuiltPlan, build_plan, solve_built
from optimiser.results.results import PlanResult, read_costs, weighted_shortfall
from optimiser.scenario.scenario import Scenario
from optimiser.solver.near_optimal import pushed_plan

DIMENSIONS = {  # --vary: what the categories are
    "international": "international recruits",
    "providers": "starts by education provider",
    "regions": "starts placed and recruits taken by region",
    "routes": "starts and recruits by route",
}
ALTERNATIVE_COLUMNS = ["plan", "direction", "category", "status", "objective", "objective_change_pct",
                       "weighted_shortfall", "total_cost_gbp", "people_moved", "solve_seconds"]


@dataclass
class AlternativesResult:
    """`table`: one row per plan, the best first (ALTERNATIVE_COLUMNS); `totals`: the people in each
    category of the dimension for each plan (plan, category, people); `best`: the best plan."""

    dimension: str
    slack: float
    table: pd.DataFrame
    totals: pd.DataFrame
    best: PlanResult
    total_seconds: float


def _categories(built: BuiltPlan, dimension: str) -> dict[str, list[int]]:
    """Category name -> the column numbers of the decisions in it (decision years only)."""
    m, data, compiled = built.compiled.model, built.data, built.compiled
    column = compiled.column_of
    names = {**data.provider_names, **data.region_names}
    decided = set(data.decision_years) or None  # None: every year (hand-made data has no list)
    out: dict[str, list[int]] = {}

    def put(category: str, var) -> None:
        j = column.get(id(var))
        if j is not None:
            out.setdefault(category, []).append(j)

    for (provider, region, route, year), var in m.starts.items():
        if decided is not None and year not in decided:
            continue
        key = {"providers": names.get(provider, provider), "regions": names.get(region, region),
               "routes": route}.get(dimension)
        if key is not None:
            put(key, var)
    for (route, kind, region, year), var in m.recruits.items():
        if decided is not None and year not in decided:
            continue
        key = {"international": "international recruits" if kind == "international" else None,
               "regions": names.get(region, region), "routes": route}.get(dimension)
        if key is not None:
            put(key, var)
    return out


def _read(built: BuiltPlan, values: np.ndarray) -> tuple[float, float]:
    """Weighted shortfall and total cost of a plan of the built model."""
    built.compiled.load_values(values)
    m = built.compiled.model
    costs = read_costs(m)
    return weighted_shortfall(m, built.data), float(costs["gbp"].sum()) if not costs.empty else 0.0


def alternatives(scenario: Scenario, slack: float = 0.02, count: int = 4, vary: str = "routes",
                 time_limit: float | None = None, gap: float | None = None,
                 on_plan: Callable[[str], None] | None = None) -> AlternativesResult:
    """The best plan and up to `count` plans within `slack` of its objective that differ most in
    `vary` (see the module's docstring). `on_plan(name)` is told as each plan is found."""
    if vary not in DIMENSIONS:
        raise ValueError(f"vary must be one of {', '.join(DIMENSIONS)}, not {vary!r}")
    t0 = time.perf_counter()
    built = build_plan(scenario)
    best = solve_built(built, time_limit=time_limit, gap=gap)
    if not best.feasible:
        raise ValueError(f"the scenario has no plan to start from ({best.status}: {best.message})")
    time_limit = scenario.config.solver.time_limit_s if time_limit is None else time_limit
    base = best.column_values
    cats = _categories(built, vary)
    # what is shown beside the pushed categories: for international recruits, every route too,
    # so that what replaces them (or what they replace) can be read
    shown = {**cats, **_categories(built, "routes")} if vary == "international" else cats
    base_totals = {c: float(base[cols].sum()) for c, cols in cats.items()}
    rows = [("best plan", "", "", best.status, best.objective, 0.0, best.weighted_shortfall, best.total_cost_gbp,
             0.0, best.timings.get("solve_seconds", float("nan")))]
    totals = [("best plan", c, float(base[cols].sum())) for c, cols in shown.items()]
    order = sorted(cats, key=lambda c: -base_totals[c])
    found: list[np.ndarray] = [base]
    people = np.concatenate(list(cats.values())) if cats else np.zeros(0, dtype=int)
    for word, category in [(word, c) for c in order for word in ("fewer", "more")]:
        if len(rows) > count:
            break
        direction = np.zeros(built.compiled.n_cols)
        direction[cats[category]] = 1.0 if word == "fewer" else -1.0
        outcome = pushed_plan(built.compiled, base, best.objective, slack, direction, time_limit)
        name = f"{word} {category}"
        if outcome.values is None:
            rows.append((name, word, category, outcome.status, None, None, None, None, None, outcome.solve_seconds))
            continue
        values = outcome.values
        # a push that ends at a plan already shown (the best is already at that extreme) is no alternative
        if min(float(np.abs(values - v)[people].sum()) for v in found) < 0.5:
            continue
        found.append(values)
        shortfall, cost = _read(built, values)
        moved = float(np.abs(values - base)[people].sum())
        change = (outcome.objective - best.objective) / abs(best.objective) * 100 if best.objective else 0.0
        rows.append((name, word, category, outcome.status, outcome.objective, change, shortfall, cost, moved,
                     outcome.solve_seconds))
        totals += [(name, c, float(values[cols].sum())) for c, cols in shown.items()]
        if on_plan is not None:
            on_plan(name)
    built.compiled.load_values(base)  # the model holds the best plan again
    table = pd.DataFrame(rows, columns=ALTERNATIVE_COLUMNS)
    return AlternativesResult(vary, slack, table, pd.DataFrame(totals, columns=["plan", "category", "people"]),
                              best, time.perf_counter() - t0)
