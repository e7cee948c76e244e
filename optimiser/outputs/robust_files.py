"""A robust plan's run folder: the plan's usual files (the robust first stage in the unperturbed
scenario), robust.csv (weighted shortfall of each plan in each future) and robust_summary.json
(bands, VSS, EVPI, the extensive form's size and times); with the run's bundle, manifest.json and
inputs/ as a deterministic solve writes them (kind "robust": `optimiser verify` solves it again
with the recorded samples, seed and risk)."""

from __future__ import annotations

import json
from pathlib import Path

from optimiser.analysis.plan_context import PlanContext
from optimiser.analysis.story import plan_story
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.manifest import RunBundle, run_facts, write_bundle
from optimiser.outputs.reports import write_csv, write_plan_files
from optimiser.outputs.run_folders import run_files, run_folder

ROBUST_FILES = ("robust.csv", "robust_summary.json")


def robust_facts(result) -> dict:
    """What manifest.json records of a robust run: the extensive form's status, objective (what the
    robust plan minimises over the futures) and gap, the figures beside it, and the robust plan in
    the unperturbed scenario (`plan`, as a deterministic solve records its plan)."""
    s = result.summary
    keys = ("status", "objective", "mip_gap", "risk", "samples", "seed", "out_of_sample", "deterministic_objective",
            "value_of_stochastic_solution", "expected_value_of_perfect_information")
    return {**{k: s.get(k) for k in keys}, "timings_seconds": dict(s.get("seconds", {})),
            "plan": run_facts(result.plan)}


def write_robust(result, out: str | Path, *, replace: bool = False, context: PlanContext | None = None,
                 bundle: RunBundle | None = None) -> list[Path]:
    """The robust plan's folder (kind "solve": `optimiser sweep --plan`, `report` and `monitor` read it);
    with a `bundle` (optimiser/outputs/manifest.py, kind "robust"), manifest.json and inputs/ too."""
    out = Path(out)
    story = plan_story(result.plan, context)
    with run_folder(out, "solve", replace) as tmp:
        digest = write_bundle(tmp, bundle, robust_facts(result)) if bundle is not None else None
        write_plan_files(result.plan, tmp, story, context, digest)
        write_csv(result.futures, tmp / "robust.csv")
        (tmp / "robust_summary.json").write_text(json.dumps(json_safe(result.summary), indent=2) + "\n",
                                                 encoding="utf-8")
    return run_files(out)
