"""What a run keeps of its result: kind, status, headline figures, timings, summary and tables.

One reader per result type: a plan (`solve`), the status quo (`project`) and a budget frontier.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimiser.model.build import DECISIONS
from optimiser.pipeline.api import FrontierResult
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.store.errors import StoreError

# the per-point tables a frontier run keeps, each as one table over every point
FRONTIER_POINT_TABLES = (*(d.table for d in DECISIONS), "projection", "costs")


@dataclass(frozen=True)
class RunContent:
    kind: str  # "plan" | "status_quo" | "frontier"
    status: str
    mip_gap: float | None
    objective: float | None
    weighted_shortfall: float | None
    total_shortfall_wte_years: float | None
    total_cost_gbp: float | None
    timings: dict  # seconds
    summary: dict
    tables: list[tuple[str, pd.DataFrame]]  # (name, table) in the order saved


def _plan_content(result: PlanResult) -> RunContent:
    tables = [*((d.table, getattr(result, d.table)) for d in DECISIONS), ("projection", result.projection),
              ("skill_mix", result.skill_mix), ("costs", result.costs), ("binding", result.binding),
              ("levers", result.levers), ("conflicts", result.conflicts)]
    timings = dict(result.timings)
    sq = result.status_quo
    if sq is not None:
        tables += [("status_quo_projection", sq.projection), ("status_quo_skill_mix", sq.skill_mix),
                   ("status_quo_costs", sq.costs)]
        timings["status_quo_build_seconds"] = sq.build_seconds
        timings["status_quo_solve_seconds"] = sq.solve_seconds
    tables.append(("assumptions", result.assumptions))
    if sq is not None:  # what `plan_from_run` needs to give the status quo back whole
        tables.append(("status_quo_summary", pd.DataFrame([{
            "status": sq.status, "objective": sq.objective, "weighted_shortfall": sq.weighted_shortfall,
            "total_shortfall_wte_years": sq.total_shortfall_wte_years}])))
    if result.column_values is not None:  # the solver's plan, to seed a re-solve of a reopened run
        tables.append(("column_values", pd.DataFrame({"value": np.asarray(result.column_values, dtype="float64")})))
    return RunContent("plan", result.status, result.mip_gap, result.objective, result.weighted_shortfall,
                      result.total_shortfall_wte_years, result.total_cost_gbp, timings,
                      result.summary_dict(), tables)


def _projection_content(result: ProjectionResult) -> RunContent:
    cost = float(result.costs["gbp"].sum()) if not result.costs.empty else 0.0
    timings = {"build_seconds": result.build_seconds, "solve_seconds": result.solve_seconds}
    summary = {"scenario": result.scenario_name, "status": result.status,
               "weighted_shortfall": result.weighted_shortfall,
               "total_shortfall_wte_years": result.total_shortfall_wte_years,
               "total_cost_gbp": cost, **timings}
    tables = [("projection", result.projection), ("skill_mix", result.skill_mix), ("costs", result.costs),
              ("summary_by_group", result.summary())]
    return RunContent("status_quo", result.status, None, None, result.weighted_shortfall,
                      result.total_shortfall_wte_years, cost, timings, summary, tables)


def _per_point(plans: tuple[PlanResult, ...], attribute: str) -> pd.DataFrame:
    """One tidy table of every frontier point's `attribute` table, with its budget_scale first."""
    frames = [getattr(p, attribute).assign(budget_scale=p.budget_scale) for p in plans]
    if not frames:
        return pd.DataFrame({"budget_scale": pd.Series(dtype=float)})
    df = pd.concat(frames, ignore_index=True)
    return df[["budget_scale", *[c for c in df.columns if c != "budget_scale"]]]


def _frontier_content(result: FrontierResult) -> RunContent:
    statuses = [p.status for p in result.plans]
    status = statuses[0] if statuses and len(set(statuses)) == 1 else ("mixed" if statuses else "empty")
    gaps = [p.mip_gap for p in result.plans if p.mip_gap is not None]
    worst_gap = max(gaps) if gaps else None
    timings = {"build_seconds": result.build_seconds, "total_seconds": result.total_seconds}
    summary = {"points": len(result.plans), "budget_scales": [p.budget_scale for p in result.plans],
               "statuses": statuses, "worst_mip_gap": worst_gap, **timings}
    tables = [("frontier", result.frontier)]
    tables += [(name, _per_point(result.plans, name)) for name in FRONTIER_POINT_TABLES]
    sq = next((p.status_quo for p in result.plans if p.status_quo is not None), None)
    if sq is not None:
        tables.append(("status_quo_projection", sq.projection))
    return RunContent("frontier", status, worst_gap, None, None, None, None, timings, summary, tables)


def run_content(result: PlanResult | ProjectionResult | FrontierResult) -> RunContent:
    """What a run of `result` keeps; anything but a run result is refused."""
    if isinstance(result, PlanResult):
        return _plan_content(result)
    if isinstance(result, ProjectionResult):
        return _projection_content(result)
    if isinstance(result, FrontierResult):
        return _frontier_content(result)
    raise StoreError(f"a {type(result).__name__} is not a run result; save the result of "
                     "optimiser.solve, optimiser.project or optimiser.frontier")
