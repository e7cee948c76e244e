"""The hierarchy above the regions: regions.parent and areas.csv (area, level, parent).

A region (trust, ICB or health board: the model's unit) names its parent area in
`regions.parent`; `areas.csv` gives each area a level (network, nhs_region, nation, ...) and the
area above it, so reports can be rolled up to any level (optimiser/analysis/rollup.py). The
regions themselves are level "region"; a parent that areas.csv does not list is level "parent"
and the top of its chain. The hierarchy never changes a plan: it only groups regions in reports.
"""

from __future__ import annotations

import pandas as pd

from optimiser.basics.issues import Issue
from optimiser.scenario.io import RawScenario
from optimiser.scenario.rowwise import rows

REGION_LEVEL = "region"
UNLISTED_LEVEL = "parent"  # a regions.parent value that areas.csv does not describe


def _parents(areas: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """area -> (level, parent area or '')."""
    return {r["area"]: (r["level"], r["parent"]) for _, r in areas.iterrows()}


def area_chains(tables: dict[str, pd.DataFrame]) -> dict[str, dict[str, str]]:
    """region -> {level: area} from the region up, the region itself at level "region".

    Assumes a validated scenario (no cycles, no level twice in one chain)."""
    listed = _parents(tables["areas"])
    out = {}
    for _, r in tables["regions"].iterrows():
        chain = {REGION_LEVEL: r["region"]}
        area = r["parent"]
        while area and area not in chain.values():
            level, parent = listed.get(area, (UNLISTED_LEVEL, ""))
            chain.setdefault(level, area)
            area = parent
        out[r["region"]] = chain
    return out


def hierarchy_levels(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The levels reports can be rolled up to, from the regions up (in the order chains meet them)."""
    levels = [REGION_LEVEL]
    for chain in area_chains(tables).values():
        for level in chain:
            if level not in levels:
                levels.append(level)
    return levels


def check_areas(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """areas.csv: a parent is a listed area; no area is its own ancestor; level 'region' is the
    regions' own; no level appears twice on the way up from any region."""
    issues = []
    where = raw.where("areas")
    listed = _parents(t["areas"])
    for row, r in rows(t["areas"]):
        if r["level"] == REGION_LEVEL:
            issues.append(Issue("error", "check_areas", where, "level 'region' is the regions' own level",
                                "name the area's level, e.g. network, nhs_region or nation",
                                row=row, column="level", value=r["level"]))
        if r["parent"] and r["parent"] not in listed:
            issues.append(Issue("error", "check_areas", where, "parent is not an area of areas.csv",
                                f"add a row for area {r['parent']!r} with its level, or leave parent blank "
                                "at the top of the hierarchy", row=row, column="parent", value=r["parent"]))
        seen, area = [], r["area"]
        while area in listed and area not in seen:
            seen.append(area)
            area = listed[area][1]
        if area in seen:
            issues.append(Issue("error", "check_areas", where,
                                f"the areas' parents form a loop ({' -> '.join([*seen, area])})",
                                "give the top area of the hierarchy a blank parent",
                                row=row, column="parent", value=r["parent"]))
    if issues:
        return issues
    for row, r in rows(t["regions"]):
        levels, area = [], r["parent"]
        while area:
            level, parent = listed.get(area, (UNLISTED_LEVEL, ""))
            if level in levels:
                issues.append(Issue("error", "check_areas", raw.where("regions"),
                                    f"level {level!r} appears twice above this region (area {area!r})",
                                    "give each level of the hierarchy its own name in areas.csv",
                                    row=row, column="parent", value=r["parent"]))
                break
            levels.append(level)
            area = parent
    return issues
