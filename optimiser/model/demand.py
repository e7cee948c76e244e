"""Demand for `prepare`: establishment grown at demand_growth (v1), or work from imaging activity
(examinations x minutes per examination), with each modality's part kept for skill-mix rows that
name a modality; and the skill-mix rows themselves. Plain Python over the tables' rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

DEFAULT_CLINICAL_HOURS = 1650.0  # hours of clinical work per WTE-year when the cell is blank


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


def examinations(activity: pd.DataFrame, modalities: pd.DataFrame, y0: int,
                 years: list[int]) -> dict[tuple[str, str, int], float]:
    """exams[(r, q, y)] for `years`: a blank-year row is the start-year volume grown at the
    modality's growth, exams0 * (1 + growth_q) ** (y - y0); a dated row replaces that year only.
    A (region, modality) with only dated rows has examinations in those years alone. Modalities
    not in modalities.csv (or no such table) do not grow."""
    growth = dict(zip(_column(modalities, "modality", ""), _column(modalities, "growth", 0.0), strict=True))
    out: dict[tuple[str, str, int], float] = {}
    wanted = set(years)
    rows = list(zip(_column(activity, "region", ""), _column(activity, "modality", ""),
                    _column(activity, "year", math.nan), _column(activity, "exams", 0.0), strict=True))
    for r, q, year, exams in rows:
        if isinstance(year, float) and math.isnan(year):
            g = float(growth.get(q, 0.0) or 0.0)
            for y in years:
                out[(r, q, y)] = float(exams) * (1 + g) ** (y - y0)
    for r, q, year, exams in rows:
        if not (isinstance(year, float) and math.isnan(year)) and int(year) in wanted:
            out[(r, q, int(year))] = float(exams)
    return out


def build_demand(t: dict[str, pd.DataFrame], groups: dict[str, dict], establishment: dict[tuple[str, str], float],
                 y0: int, measured: list[int]) -> Demand:
    """d[g,r,y] for y0 and the measured years, before any demand.csv row replaces it.

    A group without workload rows: establishment_wte[g,r] * (1 + demand_growth_g) ** (y - y0).
    A group with workload rows: sum_q exams[r,q,y] * minutes_per_exam[q,g] / (60 * clinical_hours_g),
    its establishment and growth ignored."""
    workload = t.get("workload")
    minutes: dict[str, list[tuple[str, float]]] = {}
    if workload is not None and not workload.empty:
        for q, g, mins in zip(workload["modality"].tolist(), workload["staff_group"].tolist(),
                              workload["minutes_per_exam"].tolist(), strict=True):
            minutes.setdefault(g, []).append((q, float(mins)))
    years = [y0, *measured]
    by_cell: dict[tuple[str, str, int], float] = {}
    for (g, r), est in establishment.items():
        if g in minutes:
            continue
        growth = float(groups[g]["demand_growth"])
        for y in measured:
            by_cell[(g, r, y)] = est * (1 + growth) ** (y - y0)
    parts: dict[tuple[str, str, str, int], float] = {}
    if minutes:
        empty = pd.DataFrame()
        exams = examinations(t.get("activity", empty), t.get("modalities", empty), y0, years)
        per_modality: dict[str, list[tuple[str, int, float]]] = {}
        for (r, q, y), n in exams.items():
            per_modality.setdefault(q, []).append((r, y, n))
        for g, rows in minutes.items():
            hours = groups[g].get("clinical_hours_per_wte", DEFAULT_CLINICAL_HOURS)
            hours = DEFAULT_CLINICAL_HOURS if hours is None or math.isnan(hours) else float(hours)
            for q, mins in rows:
                for r, y, n in per_modality.get(q, ()):
                    wte = n * mins / (60.0 * hours)
                    parts[(g, q, r, y)] = parts.get((g, q, r, y), 0.0) + wte
                    by_cell[(g, r, y)] = by_cell.get((g, r, y), 0.0) + wte
    return Demand(by_cell=by_cell, parts=parts, workload_groups=frozenset(minutes))


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
