"""Values as JSON holds them exactly, for every file a run folder writes (summary.json, manifest.json)."""

from __future__ import annotations

import math

import numpy as np


def json_safe(v):
    """A value JSON can hold exactly: NaN and infinities become null, numpy numbers plain ones,
    inside dicts and lists too (summary.json of every run folder)."""
    if isinstance(v, dict):
        return {k: json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [json_safe(x) for x in v]
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, np.integer):
        return int(v)
    return v
