"""The public pipeline: scenario -> data -> model -> HiGHS -> frozen results.

The CLI and the web app call only these functions.
"""

from __future__ import annotations

import gc
import logging
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from optimiser.basics.options import number_list, number_option
from optimiser.basics.status import Status
from optimiser.model.build import ROW_FAMILIES, build_model
from optimiser.model.data import ModelData, prepare
from optimiser.model.families.budget import budget_in_rows
from optimiser.model.parts import Role, row_scale_of
from optimiser.pipeline.plan_check import SolverError, checked_plan
from optimiser.results.levers import read_levers
from optimiser.results.results import (
    PlanResult,
    ProjectionResult,
    index_words,
    read_binding,
    read_costs,
    read_decisions,
    read_projection,
    read_skill_mix,
    system_cost,
    weighted_shortfall,
    year_span,
)
from optimiser.scenario.scenario import Scenario
from optimiser.solver import (
    CompiledModel,
    Progress,
    compile_model,
    elastic_solve,
    relaxed_duals,
    run,
)
from optimiser.solver.outcome import relative_gap

log = logging.getLogger(__name__)

# Limits a planner can raise, and requirements a planner can lower, when a plan is impossible.
RAISABLE_LIMITS = tuple(name for name, f in ROW_FAMILIES.items() if f.role is Role.LIMIT)
LOWERABLE_REQUIREMENTS = tuple(name for name, f in ROW_FAMILIES.items() if f.role is Role.REQUIREMENT)


def run_numbers(time_limit: float | None = None, gap: float | None = None) -> tuple[float | None, float | None]:
    """A time limit and gap given to the pipeline, read by the one reader the CLI and the app use
    (basics.options): NaN, infinity or a value out of range raises OptionError with the CLI's
    message before any work; None keeps the scenario's own setting."""
    return (None if time_limit is None else number_option("time_limit", time_limit),
            None if gap is None else number_option("gap", gap))


class InfeasibleProjection(RuntimeError):
    pass


class ObjectiveError(ValueError):
    """The objective asked for needs inputs the scenario lacks (min_system_cost: gap costs)."""


def check_objective(data: ModelData, objective: str) -> None:
    """min_system_cost prices every WTE-year of shortfall: each group with demand needs gap_cost_per_wte."""
    if objective != "min_system_cost":
        return
    missing = sorted({g for (g, _r, _y) in data.demand} - set(data.gap_cost), key=data.groups.index)
    if missing:
        raise ObjectiveError(
            f"min_system_cost needs staff_groups.gap_cost_per_wte for every group with demand; missing for "
            f"{', '.join(missing)}. Fix: give each a cost per WTE-year of shortfall (GBP), or use another objective")


def project(scenario: Scenario, objective: str | None = None) -> ProjectionResult:
    """The status quo: baseline starts continued, no new decisions, skill mix still applied (at
    today's current_share), chosen to minimise the discounted weighted shortfall (or, under
    `min_system_cost`, the gap premium). `objective` defaults to the scenario's."""
    data = prepare(scenario, mode="status_quo")
    check_objective(data, objective or scenario.config.objective)
    t0 = time.perf_counter()
    m = build_model(data, objective)
    build = time.perf_counter() - t0
    compiled = compile_model(m)
    outcome = run(compiled, scenario.config.solver.time_limit_s, 1e-9)
    if not outcome.holds_plan:
        if outcome.status != Status.INFEASIBLE:
            raise InfeasibleProjection(f"the status quo could not be projected: {outcome.message}")
        raise InfeasibleProjection(
            "the status quo cannot be projected: the baseline starts draw more staff into upskilling "
            "than the groups they come from hold. Lower those baseline_starts rows."
        )
    checked = checked_plan(compiled, data, outcome.values, outcome.objective)
    if checked.problem is not None:
        raise SolverError(f"the status quo could not be projected: {checked.problem}")
    compiled.load_values(outcome.values)
    projection = read_projection(m, data)
    return ProjectionResult(
        scenario_name=scenario.name,
        status=outcome.status,
        projection=projection,
        weighted_shortfall=weighted_shortfall(m, data),
        total_shortfall_wte_years=float(projection.loc[projection["year"] > data.start_year, "shortfall_wte"].sum()),
        costs=read_costs(m),
        build_seconds=build,
        solve_seconds=outcome.solve_seconds,
        objective=outcome.objective,
        skill_mix=read_skill_mix(m, data),
    )


@dataclass
class BuiltPlan:
    """A plan model built and handed to HiGHS once, ready for repeated solves."""

    scenario: Scenario
    data: ModelData
    compiled: CompiledModel
    objective_name: str
    build_seconds: float


def build_plan(scenario: Scenario, objective: str | None = None, budget_scale: float = 1.0) -> BuiltPlan:
    budget_scale = number_option("budget_scale", budget_scale)  # as the CLI reads --budget-scale
    objective = objective or scenario.config.objective
    data = prepare(scenario, mode="plan", budget_scale=budget_scale)
    check_objective(data, objective)
    t0 = time.perf_counter()
    m = build_model(data, objective)
    build = time.perf_counter() - t0
    compiled = compile_model(m)
    # The model's ~1M objects live as long as the plan; left to the collector, its generation
    # scans would rescan them all while results are read (L preset: 0.9 s of reading). Frozen,
    # they are never scanned; they return to the collector when the built plan is released.
    gc.freeze()
    built = BuiltPlan(scenario, data, compiled, objective, build)
    weakref.finalize(built, gc.unfreeze)
    return built


def explain_infeasibility(built: BuiltPlan, time_limit: float) -> pd.DataFrame:
    """Elastic re-solves: how far each limit would have to rise, or each requirement fall, for a plan to exist.

    Two answers are given because either side of a conflict can move: (1) only the raisable limits
    (budgets, capacities) may stretch; (2) only the requirements (targets, contracted starts) may give.
    Each minimises the total stretch relative to the row's size, so the rows named are the fewest,
    smallest moves.
    """
    time_limit, _ = run_numbers(time_limit)
    compiled, data = built.compiled, built.data
    m = compiled.model
    out = []
    for side, names in (("raise limit", RAISABLE_LIMITS), ("lower requirement", LOWERABLE_REQUIREMENTS)):
        rows = compiled.rows_of(names)
        if not rows:
            continue
        idx = [i for _, _, i in rows]
        rhs = np.where(compiled.row_upper[idx] < np.inf, compiled.row_upper[idx], compiled.row_lower[idx])
        scale = np.maximum(1.0, np.abs(rhs))
        violation = elastic_solve(compiled, idx, scale, time_limit)
        if violation is None:
            out.append({"option": side, "family": "(none)", "index": "", "limit": None, "change": None, "unit": "",
                        "message": f"no {side.split()[1]} change alone makes a plan possible"})
            continue
        for (name, key, i), lim, v in zip(rows, rhs, violation, strict=True):
            if v > 1e-6 * max(1.0, abs(lim)):
                family = m.families[name]
                k = row_scale_of(m, name, key)
                lim, v = (lim + compiled.row_offset[i]) * k, v * k  # the limit as written, commitments in
                where = index_words(key, data) if key is not None else "whole horizon"
                change = v if side == "raise limit" else -v
                out.append({"option": side, "family": family.planner_name, "index": where, "limit": float(lim),
                            "change": float(change), "unit": family.unit,
                            "message": f"{family.planner_name}, {where}: {side.split()[0]} by {abs(change):,.2f} {family.unit} (from {lim:,.2f})"})
    return pd.DataFrame(out, columns=["option", "family", "index", "limit", "change", "unit", "message"])


def _assumptions(scenario: Scenario, objective: str, budget_scale: float, time_limit: float, gap: float) -> pd.DataFrame:
    cfg = scenario.config.model_dump()
    solver = cfg.pop("solver")
    rows = [(k, v) for k, v in cfg.items()] + [(f"solver.{k}", v) for k, v in solver.items()]
    rows += [("run.objective", objective), ("run.budget_scale", budget_scale),
             ("run.time_limit_s", time_limit), ("run.mip_rel_gap", gap), ("source", scenario.source)]
    return pd.DataFrame([(k, "" if v is None else str(v)) for k, v in rows], columns=["setting", "value"])


# The shadow-price LP's share of the solve's time limit before it gives up its crossover (duals.py)
SHADOW_PRICE_SHARE = 0.25


def solve_built(built: BuiltPlan, time_limit: float | None = None, gap: float | None = None,
                status_quo: ProjectionResult | None = None, explain: bool = True,
                progress: Progress | None = None, shadow_prices: bool = True,
                start: PlanResult | None = None) -> PlanResult:
    """Solve an already built plan model and read its results.

    `progress(report)` is called as HiGHS works (elapsed_s, incumbent, bound, gap, nodes); if it
    returns True the solve stops with status 'cancelled' and the best plan found so far.
    `start`: a plan of the same built model (an earlier frontier point) tried as the first incumbent.
    `shadow_prices=False` skips the LP behind binding.csv's shadow prices (frontier points)."""
    time_limit, gap = run_numbers(time_limit, gap)
    scenario, data, compiled = built.scenario, built.data, built.compiled
    time_limit = scenario.config.solver.time_limit_s if time_limit is None else time_limit
    gap = scenario.config.solver.mip_rel_gap if gap is None else gap
    incumbent = start.column_values if start is not None else None
    outcome = run(compiled, time_limit, gap, progress, incumbent=incumbent)
    timings = {"build_seconds": built.build_seconds, "handoff_seconds": compiled.handoff_seconds,
               "solve_seconds": outcome.solve_seconds}
    size = {"n_vars": compiled.n_cols, "n_int_vars": compiled.n_integer, "n_cons": compiled.n_rows,
            "n_nonzeros": compiled.n_nonzeros}
    common = dict(scenario_name=scenario.name, objective_name=built.objective_name, budget_scale=data.budget_scale,
                  timings=timings, size=size, status_quo=status_quo,
                  assumptions=_assumptions(scenario, built.objective_name, data.budget_scale, time_limit, gap),
                  status=outcome.status, message=outcome.message, solver_status=outcome.solver_status,
                  presolve_rechecked=outcome.presolve_rechecked, phases=outcome.phases)
    if not outcome.holds_plan:
        conflicts = explain_infeasibility(built, time_limit) if (outcome.status == Status.INFEASIBLE and explain) else pd.DataFrame()
        return PlanResult(objective=None, weighted_shortfall=None, total_shortfall_wte_years=None, total_cost_gbp=None,
                          mip_gap=None, dual_bound=outcome.dual_bound, conflicts=conflicts, **common)
    checked = checked_plan(compiled, data, outcome.values, outcome.objective)
    if checked.problem is not None:  # never a plan: a solver error naming what it breaks
        log.error("%s (HiGHS: %s)", checked.problem, outcome.solver_status)
        common.update(status=Status.ERROR, message=f"{checked.problem} (HiGHS said: {outcome.solver_status})")
        return PlanResult(objective=None, weighted_shortfall=None, total_shortfall_wte_years=None, total_cost_gbp=None,
                          mip_gap=None, dual_bound=outcome.dual_bound, plan_check=checked.facts, **common)
    if checked.objective_note is not None:  # HiGHS's figure is wrong, its plan is not: tell the plan's own
        log.warning("%s (HiGHS: %s)", checked.objective_note, outcome.solver_status)
        outcome.objective = checked.check.objective_recomputed
        if outcome.dual_bound is not None and np.isfinite(outcome.dual_bound):
            outcome.mip_gap = relative_gap(outcome.objective, outcome.dual_bound)
        common.update(message=f"{outcome.message}; {checked.objective_note}")
    t0 = time.perf_counter()
    m = compiled.model
    compiled.load_values(outcome.values)
    activity = outcome.row_activity
    t_duals = time.perf_counter()
    # a side solve: at most a quarter of the solve's limit with crossover (then without; duals.py)
    lp = relaxed_duals(compiled, outcome.values, compiled.binary, SHADOW_PRICE_SHARE * time_limit) if shadow_prices else None
    duals_seconds = time.perf_counter() - t_duals  # a HiGHS solve: solver time, not reading
    duals = lp[0] if lp is not None else None
    projection = read_projection(m, data)
    costs = read_costs(m)
    premium, system = system_cost(m, data) if built.objective_name == "min_system_cost" else (None, None)
    ranges = (lp.bound_up, lp.bound_down) if lp is not None and lp.bound_up is not None else None
    binding = read_binding(m, data, compiled, activity, duals, ranges)
    result = PlanResult(
        objective=outcome.objective,
        weighted_shortfall=weighted_shortfall(m, data),
        total_shortfall_wte_years=float(projection.loc[projection["year"] > data.start_year, "shortfall_wte"].sum()),
        total_cost_gbp=float(costs["gbp"].sum()) if not costs.empty else 0.0,
        mip_gap=outcome.mip_gap,
        dual_bound=outcome.dual_bound,
        **read_decisions(m),
        projection=projection,
        skill_mix=read_skill_mix(m, data),
        costs=costs,
        binding=binding,
        levers=read_levers(m, data, compiled, duals, binding),
        column_values=outcome.values,
        measured_years=year_span(data.measured_years),
        run_out_years=year_span(data.run_out_years),
        gap_premium_gbp=premium,
        system_cost_gbp=system,
        plan_check=checked.facts,
        **common,
    )
    timings["shadow_price_seconds"] = duals_seconds
    timings["results_seconds"] = time.perf_counter() - t0 - duals_seconds
    return result


def solve(scenario: Scenario, objective: str | None = None, budget_scale: float = 1.0,
          time_limit: float | None = None, gap: float | None = None, with_status_quo: bool = True,
          progress: Progress | None = None, phase: Callable[[str], None] | None = None) -> PlanResult:
    """Optimise the plan and report it beside the status quo (see `solve_built` for `progress`).

    `phase(step)` is called as each step starts: "projecting the status quo", "building the
    model", "optimising". An exception it raises stops the solve there (the app's cancel)."""
    # every number checked before the status quo is projected: a bad one costs no work
    budget_scale = number_option("budget_scale", budget_scale)
    time_limit, gap = run_numbers(time_limit, gap)
    step = phase or (lambda _step: None)
    if with_status_quo:
        step("projecting the status quo")
    sq = project(scenario, objective) if with_status_quo else None
    step("building the model")
    built = build_plan(scenario, objective, budget_scale)
    step("optimising")
    return solve_built(built, time_limit, gap, status_quo=sq, progress=progress)


@dataclass(frozen=True)
class FrontierResult:
    frontier: pd.DataFrame  # budget_scale, status, weighted_shortfall, total_shortfall_wte_years, total_cost_gbp, ...
    plans: tuple[PlanResult, ...]
    build_seconds: float
    total_seconds: float


def frontier(scenario: Scenario, budget_scales: list[float], time_limit: float | None = None,
             gap: float | None = None, shadow_prices: bool = False,
             progress: Callable[[int, int, PlanResult], None] | None = None) -> FrontierResult:
    """min_shortfall at several budget levels, re-using one built model: only the budget rows'
    right-hand sides change between points (the solver keeps the model). See `frontier_built`."""
    budget_scales = number_list("budget_scale", budget_scales)  # before any work, as the CLI's --budget-scales
    time_limit, gap = run_numbers(time_limit, gap)
    t0 = time.perf_counter()
    sq = project(scenario)
    built = build_plan(scenario, "min_shortfall", 1.0)
    result = frontier_built(built, budget_scales, sq, time_limit, gap, shadow_prices, progress)
    return replace(result, total_seconds=time.perf_counter() - t0)


def frontier_built(built: BuiltPlan, budget_scales: list[float], status_quo: ProjectionResult,
                   time_limit: float | None = None, gap: float | None = None, shadow_prices: bool = False,
                   progress: Callable[[int, int, PlanResult], None] | None = None) -> FrontierResult:
    """The built plan's objective at several budget levels (`built` has budget_scale 1).

    Points are solved from the smallest budget up, each seeded with the previous plan (still
    feasible when the budget only grows); rows come back in the order asked. `progress(done, total,
    plan)` is called after each point. The budget rows and `built.data` are put back afterwards,
    also when a point or `progress` raises."""
    if built.data.budget_scale != 1.0:
        raise ValueError(f"a frontier scales the budgets of a plan built at budget_scale 1, not {built.data.budget_scale}")
    budget_scales = number_list("budget_scale", budget_scales)
    time_limit, gap = run_numbers(time_limit, gap)
    t0 = time.perf_counter()
    compiled, base_data = built.compiled, built.data
    money = budget_in_rows(compiled.model, base_data)
    rows = compiled.rows_of(tuple({name for name, _ in money}))
    budget_rows = [i for _, _, i in rows]
    base = compiled.row_upper[budget_rows].copy()
    # the budget moves with the scale; costs already committed (on the right-hand side) do not
    per_scale = np.array([money[name, key] for name, key, _ in rows])
    scales = sorted(set(budget_scales))
    by_scale: dict[float, PlanResult] = {}
    previous: PlanResult | None = None
    try:
        for n, scale in enumerate(scales, start=1):
            built.data = _with_scale(base_data, scale)
            with compiled.row_bounds(budget_rows, upper=base + (scale - 1.0) * per_scale):
                plan = solve_built(built, time_limit, gap, status_quo=status_quo, explain=False,
                                   shadow_prices=shadow_prices, start=previous)
                by_scale[scale] = plan
                previous = plan if plan.feasible else previous
                if progress is not None:
                    progress(n, len(scales), plan)
    finally:
        built.data = base_data
    plans = tuple(by_scale[s] for s in budget_scales)
    rows = [{"budget_scale": s, "status": p.status,
             "budget_gbp": float(sum(base_data.budget.values()) * s),
             "weighted_shortfall": p.weighted_shortfall, "total_shortfall_wte_years": p.total_shortfall_wte_years,
             "total_cost_gbp": p.total_cost_gbp, "mip_gap": p.mip_gap, "solve_seconds": p.timings["solve_seconds"],
             "status_quo_weighted_shortfall": status_quo.weighted_shortfall}
            for s, p in zip(budget_scales, plans, strict=True)]
    return FrontierResult(pd.DataFrame(rows), plans, built.build_seconds, time.perf_counter() - t0)


def _with_scale(data: ModelData, scale: float) -> ModelData:
    """The data object of an unscaled build (budget_scale 1) with its budgets scaled."""
    return replace(data, budget={y: b * scale for y, b in data.budget.items()},
                   total_budget=None if data.total_budget is None else data.total_budget * scale,
                   budget_scale=scale)
