"""The SHA-256 of a validated scenario in a canonical form: its settings with every default filled
in, and every table's columns and typed cells (numbers as numbers, blanks as null), keys sorted.

Two scenarios that validate to the same settings and tables have the same hash, however they were
typed ("1.0" or "1", a folder or a workbook) and wherever they came from; any change of a value
the model reads changes it. A run's manifest records it (optimiser/outputs/manifest.py), and
`optimiser verify` checks that the inputs copied into a run folder still validate to it.
"""

from __future__ import annotations

import hashlib
import json
import math

import numpy as np

from optimiser.scenario.scenario import Scenario


def _cell(value):
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None  # NaN: a blank cell
    return str(value)


def scenario_hash(scenario: Scenario) -> str:
    """sha256 (hex) of the validated scenario's canonical JSON (settings and typed tables)."""
    canonical = {
        "settings": scenario.config.model_dump(mode="json"),
        "tables": {name: {"columns": [str(c) for c in df.columns],
                          "rows": [[_cell(v) for v in row] for row in df.itertuples(index=False, name=None)]}
                   for name, df in scenario.tables.items()},
    }
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
