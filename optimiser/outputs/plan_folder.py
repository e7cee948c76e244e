"""A plan read back from its run folder (`optimiser solve --out`): the PlanResult its files hold.

The reverse of `write_plan`: summary.json gives the headline figures, each CSV file of PLAN_FILES
its table, status_quo_projection.csv the status quo, plan.xlsx's Assumptions sheet the settings,
plan_context.json the names (absent in folders written before it existed: identifiers are then
read as words). Nothing is re-solved. The folder's manifest (manifest.json where a run wrote
one, else run.json) is hashed so a report can say which run it describes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimiser.analysis.plan_context import PlanContext
from optimiser.outputs.reports import PLAN_FILES
from optimiser.outputs.run_folders import MANIFEST
from optimiser.results.results import PlanResult, ProjectionResult
from optimiser.results.written_plan import (
    GIVE_A_PLAN,
    PlanFolderError,  # one error for a folder that holds no plan
    plan_assumptions,
    plan_manifest,
    plan_summary,
    read_plan_csvs,
)

MANIFESTS = ("manifest.json", MANIFEST)  # the fuller manifest first, where a run wrote one


@dataclass(frozen=True)
class PlanFolder:
    result: PlanResult
    context: PlanContext | None
    manifest_file: str  # "manifest.json" or "run.json" ("" when neither reads)
    manifest_sha256: str
    written_at: str


def _manifest(folder: Path) -> tuple[str, str]:
    for name in MANIFESTS:
        path = folder / name
        if path.is_file():
            return name, hashlib.sha256(path.read_bytes()).hexdigest()
    return "", ""


def read_plan_folder(folder: str | Path) -> PlanFolder:
    """The plan in `folder`; PlanFolderError when it holds none."""
    folder = Path(folder)
    manifest = plan_manifest(folder)
    summary = plan_summary(folder)
    if "weighted_shortfall" not in summary:
        raise PlanFolderError(f"{folder}/summary.json is not a plan's summary: {GIVE_A_PLAN}")
    extra = ("status_quo_projection.csv", "status_quo_skill_mix.csv")  # a table missing is an empty one
    csvs, problems = read_plan_csvs(folder, [*PLAN_FILES, *extra], optional=[*PLAN_FILES, *extra])
    if problems:
        raise PlanFolderError(f"the plan folder {folder} has errors:\n  " + "\n  ".join(problems))

    def table(name: str) -> pd.DataFrame:
        return csvs.get(name, pd.DataFrame())

    tables = {attr: table(name) for name, attr in PLAN_FILES.items()}
    status_quo = None
    sq_projection = table("status_quo_projection.csv")
    if not sq_projection.empty:
        sq_cost = summary.get("status_quo_cost_gbp") or 0.0
        status_quo = ProjectionResult(
            scenario_name=str(summary.get("scenario", "")), status="optimal", projection=sq_projection,
            weighted_shortfall=summary.get("status_quo_weighted_shortfall"),
            total_shortfall_wte_years=summary.get("status_quo_shortfall_wte_years"),
            costs=pd.DataFrame({"year": [None], "category": ["all"], "gbp": [float(sq_cost)]}),
            build_seconds=0.0, solve_seconds=0.0, skill_mix=table("status_quo_skill_mix.csv"))
    timings = {k: v for k, v in summary.items() if k.endswith("_seconds") and v is not None}
    size = {k: v for k, v in summary.items() if k.startswith("n_") and v is not None}
    result = PlanResult(
        scenario_name=str(summary.get("scenario", "")), objective_name=str(summary.get("objective_name", "")),
        status=str(summary.get("status", "")), message=str(summary.get("message", "")),
        objective=summary.get("objective"), weighted_shortfall=summary.get("weighted_shortfall"),
        total_shortfall_wte_years=summary.get("total_shortfall_wte_years"),
        total_cost_gbp=summary.get("total_cost_gbp"), mip_gap=summary.get("mip_gap"),
        budget_scale=float(summary.get("budget_scale") or 1.0), timings=timings, size=size,
        status_quo=status_quo, assumptions=plan_assumptions(folder),
        dual_bound=summary.get("dual_bound"), solver_status=str(summary.get("solver_status", "")),
        measured_years=str(summary.get("measured_years", "")), run_out_years=str(summary.get("run_out_years", "")),
        gap_premium_gbp=summary.get("gap_premium_gbp"), system_cost_gbp=summary.get("system_cost_gbp"),
        **tables)
    name, digest = _manifest(folder)
    return PlanFolder(result, PlanContext.read(folder), name, digest,
                      str((manifest or {}).get("written_at", "")))
