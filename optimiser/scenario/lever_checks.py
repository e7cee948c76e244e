"""Cross-table checks of the v2 supply levers (model.md, "v2 additions"): retention schemes,
recruitment pools and policy shares of new supply. Each finding names the file, row, column,
value and a fix; validation.py runs them with the other checks."""

from __future__ import annotations

import math

import pandas as pd

from optimiser.basics.issues import Issue
from optimiser.scenario.io import RawScenario
from optimiser.scenario.rowwise import known_hint, rows, unknown

LOSS_STREAMS = ("leavers", "retirements")  # retention.applies_to: leaver_rate or retirement_rate


def route_set(cell: str) -> tuple[str, ...]:
    """policy_shares.routes as the set it means: identifiers separated by spaces, order aside."""
    return tuple(sorted(set(cell.split())))


def check_retention(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """A known loss stream; one scheme reduces one group's losses of one stream (its rows differ
    only by region and year, which override its blank-region and blank-year rows)."""
    issues = []
    where = raw.where("retention")
    first: dict[str, tuple[int, pd.Series]] = {}
    for row, r in rows(t["retention"]):
        if r["applies_to"] not in LOSS_STREAMS:
            issues.append(Issue("error", "check_retention", where, "unknown loss stream",
                                "write leavers (the scheme reduces leaver_rate losses) or "
                                "retirements (retirement_rate losses)",
                                row=row, column="applies_to", value=r["applies_to"]))
        if r["scheme"] not in first:
            first[r["scheme"]] = (row, r)
            continue
        first_row, f = first[r["scheme"]]
        for column in ("staff_group", "applies_to"):
            if r[column] != f[column]:
                issues.append(Issue(
                    "error", "check_retention", where,
                    f"scheme {r['scheme']} has {column} {f[column]} in row {first_row}: "
                    f"a scheme's rows differ only by region and year",
                    f"write {f[column]} here, or give this row a scheme name of its own",
                    row=row, column=column, value=r[column]))
    return issues


def check_recruitment_pool(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """A pool caps the recruits of an international or returner route, never a training route."""
    kinds = dict(zip(t["routes"]["route"], t["routes"]["kind"], strict=True))
    return [Issue("error", "check_recruitment_pool", raw.where("recruitment_pool"),
                  f"route {r['route']} is a training route: a pool caps the recruits of an "
                  f"international or returner route",
                  "cap a training route's starts with max_starts in provider_routes, or name an "
                  "international or returner route here",
                  row=row, column="route", value=r["route"])
            for row, r in rows(t["recruitment_pool"]) if kinds.get(r["route"]) == "training"]


def check_policy_shares(raw: RawScenario, t: dict[str, pd.DataFrame]) -> list[Issue]:
    """Selected routes exist and produce the group; min_share is at most max_share; a row with
    neither bound has no effect unless it replaces its blank-year row in its year."""
    issues = []
    where = raw.where("policy_shares")
    produces = dict(zip(t["routes"]["route"], t["routes"]["produces"], strict=True))
    groups = set(t["staff_groups"]["staff_group"])  # an unknown group: check_references' finding
    df = t["policy_shares"]
    undated = {(g, route_set(k)) for g, k, y in zip(df["staff_group"], df["routes"], df["year"], strict=True)
               if math.isnan(y)}
    hint = None
    for row, r in rows(df):
        for route in r["routes"].split():
            if route not in produces:
                hint = hint if hint is not None else known_hint(produces)
                issues.append(unknown(raw, "policy_shares", row, "routes", route, hint,
                                      "route", raw.where("routes")))
            elif produces[route] != r["staff_group"] and r["staff_group"] in groups:
                issues.append(Issue(
                    "error", "check_policy_shares", where,
                    f"route {route} produces {produces[route]}, not {r['staff_group']}: the "
                    f"selected routes must produce the row's staff group",
                    f"remove {route} from routes, or set staff_group to {produces[route]}",
                    row=row, column="routes", value=route))
        lo, hi = r["min_share"], r["max_share"]
        if lo > hi:  # False when either is blank (NaN)
            issues.append(Issue("error", "check_policy_shares", where,
                                f"min_share is above max_share ({hi:g}): no plan can meet both",
                                "lower min_share or raise max_share",
                                row=row, column="min_share", value=f"{lo:g}"))
        replaces = not math.isnan(r["year"]) and (r["staff_group"], route_set(r["routes"])) in undated
        if math.isnan(lo) and math.isnan(hi) and not replaces:
            issues.append(Issue("warning", "check_policy_shares", where,
                                "neither min_share nor max_share is given: the row has no effect",
                                "give min_share, max_share or both (fractions), or delete the row",
                                row=row, column="min_share"))
    return issues
