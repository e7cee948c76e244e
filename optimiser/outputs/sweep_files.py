"""A sweep's output folder: the quantile tables as CSV (formula text neutralised), summary.json
and run.json, swapped into place whole (optimiser/outputs/run_folders.py)."""

from __future__ import annotations

import json
from pathlib import Path

from optimiser.analysis.sweep import SweepError, SweepResult
from optimiser.basics.cells import safe_frame
from optimiser.basics.files import DestinationError
from optimiser.outputs.json_values import json_safe
from optimiser.outputs.manifest import RunBundle, run_facts, write_bundle
from optimiser.outputs.run_folders import run_files, run_folder

SWEEP_FILES = {
    "shortfall_quantiles.csv": "shortfall",
    "shortfall_by_group.csv": "shortfall_by_group",
    "totals.csv": "totals",
    "targets.csv": "targets",
    "target_summary.csv": "target_summary",
    "samples.csv": "samples",
    "draws.csv": "draws",
}


def write_sweep(result: SweepResult, out: str | Path, *, replace: bool = False,
                bundle: RunBundle | None = None) -> list[Path]:
    """The tables as CSV (formula text neutralised) plus summary.json, all moved into place at once;
    manifest.json and inputs/ with a `bundle` (optimiser/outputs/manifest.py)."""
    try:
        with run_folder(out, "sweep", replace) as tmp:
            if bundle is not None:
                write_bundle(tmp, bundle, run_facts(result))
            for name, attr in SWEEP_FILES.items():
                safe_frame(getattr(result, attr)).to_csv(tmp / name, index=False, lineterminator="\n",
                                                         float_format="%.10g")
            text = json.dumps(json_safe(result.summary), indent=2) + "\n"
            (tmp / "summary.json").write_text(text, encoding="utf-8")
    except DestinationError as exc:
        raise SweepError(str(exc)) from None
    return run_files(out)
