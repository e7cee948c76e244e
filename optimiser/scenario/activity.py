"""Demand as a scenario states it (model.md, "Demand from activity"): examinations by region,
modality and year, each staff group's WTE demand from them, and every group's demand in the
measured years. Computed once here from typed tables, for validation (which groups have demand)
and for any reader that needs the demand a scenario implies.

    exams[r,q,y] = exams0[r,q] * (1 + growth_q)**(y - y0)    (a dated row replaces its year only;
                                                            a (region, modality) with only dated
                                                            rows has no examinations otherwise)
    d_q[g,r,y]   = exams[r,q,y] * minutes_per_exam[q,g] / (60 * clinical_hours_per_wte_g)
    d[g,r,y]     = sum_q d_q[g,r,y] for a group with workload rows, else establishment_wte grown
                   at demand_growth; an explicit demand.csv row replaces d[g,r,y]

Growth is 0 for a modality without a modalities.csv row. All values in WTE; years as given.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

MINUTES_PER_HOUR = 60


def _rows(df: pd.DataFrame, *columns: str) -> list[tuple]:
    return list(zip(*(df[c].tolist() for c in columns), strict=True))


def workload_groups(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Staff groups whose demand comes from activity (they have at least one workload row)."""
    return set(tables["workload"]["staff_group"])


def exams(tables: dict[str, pd.DataFrame], start_year: int,
          years: Iterable[int]) -> dict[tuple[str, str, int], float]:
    """Examinations per year, keyed (region, modality, year), for `years`."""
    years = list(years)
    growth = {q: float(g) for q, g in _rows(tables["modalities"], "modality", "growth")
              if not math.isnan(g)}
    out: dict[tuple[str, str, int], float] = {}
    rows = _rows(tables["activity"], "region", "modality", "year", "exams")
    for r, q, year, n in rows:
        if math.isnan(year):
            for y in years:
                out[(r, q, y)] = float(n) * (1 + growth.get(q, 0.0)) ** (y - start_year)
    wanted = set(years)
    for r, q, year, n in rows:
        if not math.isnan(year) and int(year) in wanted:
            out[(r, q, int(year))] = float(n)
    return out


def modality_demand(tables: dict[str, pd.DataFrame], start_year: int,
                    years: Iterable[int]) -> dict[tuple[str, str, str, int], float]:
    """d_q: WTE each workload group needs for each modality, keyed (group, region, modality, year)."""
    hours = {g: float(h) for g, h in _rows(tables["staff_groups"], "staff_group", "clinical_hours_per_wte")
             if h > 0}  # a bad cell (blank, 0) is a validation error, never a division by zero
    minutes: dict[str, list[tuple[str, float]]] = {}
    for q, g, m in _rows(tables["workload"], "modality", "staff_group", "minutes_per_exam"):
        minutes.setdefault(q, []).append((g, float(m)))
    out: dict[tuple[str, str, str, int], float] = {}
    for (r, q, y), n in exams(tables, start_year, years).items():
        for g, m in minutes.get(q, []):
            if g in hours:
                out[(g, r, q, y)] = n * m / (MINUTES_PER_HOUR * hours[g])
    return out


def demand_wte(tables: dict[str, pd.DataFrame], start_year: int,
               years: Iterable[int]) -> dict[tuple[str, str, int], float]:
    """d[g,r,y] for every staff group, workforce region and year in `years` (zeros included)."""
    years = list(years)
    from_activity = workload_groups(tables)
    growth = dict(_rows(tables["staff_groups"], "staff_group", "demand_growth"))
    out: dict[tuple[str, str, int], float] = {}
    for g, r, est in _rows(tables["workforce"], "staff_group", "region", "establishment_wte"):
        if g in from_activity or g not in growth:
            continue
        for y in years:
            out[(g, r, y)] = float(est) * (1 + float(growth[g])) ** (y - start_year)
    regions = tables["regions"]["region"].tolist()
    for g in from_activity & set(growth):
        for r in regions:
            for y in years:
                out[(g, r, y)] = 0.0
    for (g, r, _q, y), d in modality_demand(tables, start_year, years).items():
        if (g, r, y) in out:
            out[(g, r, y)] += d
    wanted = set(years)
    for g, r, year, d in _rows(tables["demand"], "staff_group", "region", "year", "demand_wte"):
        if not math.isnan(year) and int(year) in wanted:
            out[(g, r, int(year))] = float(d)
    return out


DEMAND_BY_MODALITY_COLUMNS = ["staff_group", "region", "modality", "year", "exams", "demand_wte"]


def demand_by_modality(scenario) -> pd.DataFrame:
    """The work each staff group's activity-driven demand is made of: one row per group, region,
    modality and stock year (the baseline and every measured year), with the examinations and the
    WTE they need (d_q above). Empty when no group has workload rows. `scenario`: a validated
    optimiser.Scenario (its typed tables and config)."""
    t, cfg = scenario.tables, scenario.config
    if "workload" not in t or t["workload"].empty:
        return pd.DataFrame(columns=DEMAND_BY_MODALITY_COLUMNS)
    years = cfg.stock_years
    n = exams(t, cfg.start_year, years)
    rows = [(g, r, q, y, n.get((r, q, y), 0.0), wte)
            for (g, r, q, y), wte in modality_demand(t, cfg.start_year, years).items()]
    return (pd.DataFrame(rows, columns=DEMAND_BY_MODALITY_COLUMNS)
            .sort_values(["staff_group", "region", "modality", "year"]).reset_index(drop=True))
