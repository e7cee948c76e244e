"""A re-plan's run folder: the plan's own files (as optimiser solve writes them) plus what the
re-plan changed and why: changes.csv, why.csv (the actuals that moved), in_training.csv (learners
carried in from before the re-plan year), in_post_correction.csv and replan.json."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from optimiser.analysis.replan import Replan
from optimiser.basics.cells import safe_frame
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.manifest import RunBundle, run_facts, write_bundle
from optimiser.outputs.reports import write_plan_files
from optimiser.outputs.run_folders import run_files, run_folder


def _csv(df: pd.DataFrame, path: Path) -> None:
    safe_frame(df).to_csv(path, index=False, lineterminator="\n", float_format="%.10g")


def write_replan(replan: Replan, actuals_source: str, out: str | Path, *, replace: bool = False,
                 bundle: RunBundle | None = None) -> list[Path]:
    """`bundle`: the re-plan's inputs (its scenario, the plan folder and the actuals), for
    manifest.json and inputs/, so that `optimiser verify` can make it again (outputs/verify.py)."""
    with run_folder(out, "replan", replace) as tmp:
        digest = write_bundle(tmp, bundle, run_facts(replan.result)) if bundle is not None else None
        write_plan_files(replan.result, tmp, manifest_sha256=digest)
        _csv(replan.changes, tmp / "changes.csv")
        _csv(replan.why, tmp / "why.csv")
        _csv(replan.in_training, tmp / "in_training.csv")
        _csv(replan.in_post_correction, tmp / "in_post_correction.csv")
        facts = {"from_year": replan.from_year, "actuals": actuals_source,
                 "first_decision_year": replan.scenario.config.first_decision,
                 "intake_of_frozen_years": replan.sources,
                 "in_post_correction_wte": float(replan.in_post_correction["correction_wte"].sum()),
                 "learners_in_training_carried": float(replan.in_training["learners"].sum())}
        (tmp / "replan.json").write_text(json.dumps(json_safe(facts), indent=2) + "\n", encoding="utf-8")
    return run_files(out)


def write_rollup(tables: dict[str, pd.DataFrame], out: str | Path, *, replace: bool = False) -> list[Path]:
    """A run's reports rolled up a level: one CSV per report (optimiser rollup)."""
    with run_folder(out, "rollup", replace) as tmp:
        for name, df in tables.items():
            _csv(df, tmp / f"{name}.csv")
    return run_files(out)
