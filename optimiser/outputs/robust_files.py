"""A robust plan's run folder: the plan's usual files (the robust first stage in the unperturbed
scenario), robust.csv (weighted shortfall of each plan in each future) and robust_summary.json
(bands, VSS, EVPI, the extensive form's size and times)."""

from __future__ import annotations

import json
from pathlib import Path

from optimiser.analysis.plan_context import PlanContext
from optimiser.analysis.story import plan_story
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.reports import write_csv, write_plan_files
from optimiser.outputs.run_folders import run_files, run_folder

ROBUST_FILES = ("robust.csv", "robust_summary.json")


def write_robust(result, out: str | Path, *, replace: bool = False, context: PlanContext | None = None) -> list[Path]:
    """The robust plan's folder (kind "solve": `optimiser sweep --plan`, `report` and `monitor` read it)."""
    out = Path(out)
    story = plan_story(result.plan, context)
    with run_folder(out, "solve", replace) as tmp:
        write_plan_files(result.plan, tmp, story, context)
        write_csv(result.futures, tmp / "robust.csv")
        (tmp / "robust_summary.json").write_text(json.dumps(json_safe(result.summary), indent=2) + "\n",
                                                 encoding="utf-8")
    return run_files(out)
