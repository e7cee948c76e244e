"""A sweep's output folder: the quantile tables as CSV (formula text neutralised) and summary.json."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from optimiser.analysis.sweep import SweepError, SweepResult
from optimiser.basics.cells import safe_frame
from optimiser.basics.files import atomic_path

SWEEP_FILES = {
    "shortfall_quantiles.csv": "shortfall",
    "shortfall_by_group.csv": "shortfall_by_group",
    "totals.csv": "totals",
    "targets.csv": "targets",
    "target_summary.csv": "target_summary",
    "samples.csv": "samples",
    "draws.csv": "draws",
}


def _json_safe(v):
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_safe(x) for x in v]
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v


def check_out_folder(out: Path) -> None:
    """Refuse to replace a folder that holds anything but an earlier sweep's output."""
    out = Path(out)
    if out.is_file():
        raise SweepError(f"{out} is a file; give a folder for --out")
    if out.is_dir() and any(out.iterdir()):
        summary = out / "summary.json"
        try:
            kind = json.loads(summary.read_text(encoding="utf-8")).get("kind")
        except (OSError, ValueError, AttributeError):
            kind = None
        if kind != "sweep":
            raise SweepError(f"{out} already holds other files; give a new or empty folder (an earlier sweep's "
                             "folder is replaced whole)")


def write_sweep(result: SweepResult, out: str | Path) -> list[Path]:
    """The tables as CSV (formula text neutralised) plus summary.json, all moved into place at once."""
    out = Path(out)
    check_out_folder(out)
    with atomic_path(out, is_dir=True) as tmp:
        for name, attr in SWEEP_FILES.items():
            safe_frame(getattr(result, attr)).to_csv(tmp / name, index=False, lineterminator="\n", float_format="%.10g")
        text = json.dumps(_json_safe(result.summary), indent=2) + "\n"
        (tmp / "summary.json").write_text(text, encoding="utf-8")
    return sorted(out.iterdir())
