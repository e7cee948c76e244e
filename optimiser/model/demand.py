"""Demand for `prepare`: establishment grown at demand_growth (v1), or work from imaging activity
(examinations x minutes per examination), with each modality's part kept for skill-mix rows that
name a modality; and the skill-mix rows themselves. Plain Python over the tables' rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from optimiser.scenario.activity import modality_demand, workload_groups


@dataclass(frozen=True)
class SkillMix:
    """One skill-mix row: `covering` WTE may do up to `max_share` (the status quo: `current_share`)
    of `covered`'s demand, or of its `modality` part when one is named; one WTE of `covering`
    does `productivity` WTE of that work."""

    covering: str
    covered: str
    modality: str | None
    max_share: float
    productivity: float
    current_share: float


@dataclass(frozen=True)
class Demand:
    """Demand in WTE: `by_cell[(g, r, y)]` for y0 and every measured year (d > 0 only) and, for
    groups with workload rows, `parts[(g, q, r, y)]`: the part that comes from modality q."""

    by_cell: dict[tuple[str, str, int], float]
    parts: dict[tuple[str, str, str, int], float]
    workload_groups: frozenset[str]


def _column(df: pd.DataFrame, name: str, default) -> list:
    return df[name].tolist() if name in df.columns else [default] * len(df)


def build_demand(t: dict[str, pd.DataFrame], groups: dict[str, dict], establishment: dict[tuple[str, str], float],
                 y0: int, measured: list[int]) -> Demand:
    """d[g,r,y] for y0 and the measured years, before any demand.csv row replaces it.

    A group without workload rows: establishment_wte[g,r] * (1 + demand_growth_g) ** (y - y0).
    A group with workload rows: sum_q d_q[g,r,y], d_q = exams[r,q,y] * minutes_per_exam[q,g] /
    (60 * clinical_hours_g) (optimiser/scenario/activity.py, the one statement of that formula),
    its establishment and growth ignored."""
    from_activity = workload_groups(t)
    by_cell: dict[tuple[str, str, int], float] = {}
    for (g, r), est in establishment.items():
        if g in from_activity:
            continue
        growth = float(groups[g]["demand_growth"])
        for y in measured:
            by_cell[(g, r, y)] = est * (1 + growth) ** (y - y0)
    parts: dict[tuple[str, str, str, int], float] = {}
    if from_activity:
        for (g, r, q, y), wte in modality_demand(t, y0, [y0, *measured]).items():
            parts[(g, q, r, y)] = wte
            by_cell[(g, r, y)] = by_cell.get((g, r, y), 0.0) + wte
    return Demand(by_cell=by_cell, parts=parts, workload_groups=frozenset(from_activity))


def skill_mix_rows(skill_mix: pd.DataFrame) -> list[SkillMix]:
    """The skill-mix table as rows; a blank modality is all of the covered group's work and a blank
    current_share is max_share."""
    out = []
    for h, g, q, share, rho, current in zip(
        skill_mix["covering_group"].tolist(), skill_mix["covered_group"].tolist(),
        _column(skill_mix, "modality", ""), skill_mix["max_share"].tolist(), skill_mix["productivity"].tolist(),
        _column(skill_mix, "current_share", math.nan), strict=True,
    ):
        current = float(share) if current is None or math.isnan(current) else float(current)
        out.append(SkillMix(h, g, q or None, float(share), float(rho), current))
    return out
