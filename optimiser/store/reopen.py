"""A saved plan run given back as the `PlanResult` it was saved from, to show, export or re-solve.

Every table, headline figure, solver fact and timing comes from the run as stored (`content.py`
wrote them); nothing is re-computed. A run saved before the store kept the status quo's own
figures or the solver's column values gives them back from the summary, or not at all (the plan
then cannot seed a re-solve).
"""

from __future__ import annotations

import pandas as pd

from optimiser.model.build import DECISIONS
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.store.errors import StoreError

PLAN_TABLE_FIELDS = (*(d.table for d in DECISIONS), "projection", "skill_mix", "costs", "binding", "levers",
                     "conflicts", "assumptions")
SIZE_KEYS = ("n_vars", "n_int_vars", "n_cons", "n_nonzeros")
PHASE_KEYS = ("relax_seconds", "round_seconds", "rounding_box")


def _status_quo(summary: dict, timings: dict, tables: dict[str, pd.DataFrame]) -> ProjectionResult | None:
    if "status_quo_projection" not in tables:
        return None
    facts = tables.get("status_quo_summary")
    row = facts.iloc[0].to_dict() if facts is not None and not facts.empty else {}
    return ProjectionResult(
        scenario_name=summary.get("scenario", ""),
        status=str(row.get("status", "")),
        projection=tables["status_quo_projection"],
        weighted_shortfall=row.get("weighted_shortfall", summary.get("status_quo_weighted_shortfall")),
        total_shortfall_wte_years=row.get("total_shortfall_wte_years", summary.get("status_quo_shortfall_wte_years")),
        costs=tables.get("status_quo_costs", pd.DataFrame()),
        build_seconds=timings.get("status_quo_build_seconds", 0.0),
        solve_seconds=timings.get("status_quo_solve_seconds", 0.0),
        objective=row.get("objective"),
        skill_mix=tables.get("status_quo_skill_mix", pd.DataFrame()),
    )


def plan_from_run(run, tables: dict[str, pd.DataFrame]) -> PlanResult:
    """The PlanResult of a saved plan run (`run`: its RunRecord; `tables`: its saved tables)."""
    if run.kind != "plan":
        raise StoreError(f"run {run.id} is a {run.kind.replace('_', ' ')} run, not a plan; pick a plan run")
    summary = dict(run.summary)
    timings = dict(run.timings)
    values = tables.get("column_values")
    return PlanResult(
        scenario_name=summary.get("scenario", run.scenario_name),
        objective_name=summary.get("objective_name", run.options.get("objective", "")),
        status=run.status,
        message=summary.get("message", ""),
        objective=summary.get("objective"),
        weighted_shortfall=summary.get("weighted_shortfall"),
        total_shortfall_wte_years=summary.get("total_shortfall_wte_years"),
        total_cost_gbp=summary.get("total_cost_gbp"),
        mip_gap=summary.get("mip_gap"),
        budget_scale=summary.get("budget_scale", run.options.get("budget_scale", 1.0)),
        timings={k: v for k, v in timings.items() if not k.startswith("status_quo_")},
        size={k: summary[k] for k in SIZE_KEYS if summary.get(k) is not None},
        **{name: tables.get(name, pd.DataFrame()) for name in PLAN_TABLE_FIELDS},
        status_quo=_status_quo(summary, timings, tables),
        column_values=None if values is None else values["value"].to_numpy(dtype="float64"),
        dual_bound=summary.get("dual_bound"),
        presolve_rechecked=bool(summary.get("presolve_rechecked", False)),
        solver_status=summary.get("solver_status") or "",
        phases={k: summary[k] for k in PHASE_KEYS if summary.get(k) is not None},
        measured_years=summary.get("measured_years", ""),
        run_out_years=summary.get("run_out_years", ""),
        gap_premium_gbp=summary.get("gap_premium_gbp"),
        system_cost_gbp=summary.get("system_cost_gbp"),
    )
