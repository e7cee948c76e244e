"""Uncertain effects of first-stage decisions (uncertainty.csv's retention_effect and returner_pool):
what a scope may name, and whether a row's draws can make any difference.

Both parameters are factors with a base of 1 (a scheme delivers what the plan buys; the returner
pool is the size recruitment_pool.csv gives). A plan's decisions are taken on the unperturbed
scenario; in a future, a scheme realises the drawn share f of the WTE the plan retains and the
returner pool is g times its size (docs/model.md, "Robust plans"):

    retention_effect   scope: a scheme, a staff group with a scheme, or * (every scheme)
                       f is clipped to [0, 1]: a scheme cannot deliver more than it was paid for
    returner_pool      scope: a returner route with a pool row, a region named by a returner pool
                       row, or * (every returner pool row); g is clipped at 0 (above 1 it never binds:
                       the plan's recruits are within the pool)

A row naming a scheme (a route) replaces a row naming its staff group (its region), which replaces
the * row. The checks here return (severity, message, fix) and know nothing of Issues or files;
uncertainty.py turns them into findings of check_uncertainty.
"""

from __future__ import annotations

import math

import pandas as pd

RETENTION_EFFECT = "retention_effect"
RETURNER_POOL = "returner_pool"
SHARE_EXAMPLE = "beta a=8;b=2 (mean 0.8), or a triangular shift low=-0.4;mode=-0.1;high=0"
POOL_EXAMPLE = "lognormal sigma=0.3, or a triangular shift low=-0.5;mode=0;high=0"

Finding = tuple[str, str, str]  # severity, message, fix


def _column(tables: dict[str, pd.DataFrame] | None, table: str, column: str) -> list[str]:
    t = (tables or {}).get(table)
    return [] if t is None or t.empty or column not in t.columns else [str(v) for v in t[column].tolist()]


def _hint(names) -> str:
    known = sorted(set(names))
    return ", ".join(known[:6]) + (" ..." if len(known) > 6 else "") if known else "none"


def returner_pool_rows(tables: dict[str, pd.DataFrame] | None) -> list[tuple[str, str]]:
    """(route, region or '') of every recruitment_pool row whose route is a returner route."""
    kinds = dict(zip(_column(tables, "routes", "route"), _column(tables, "routes", "kind"), strict=True))
    routes = _column(tables, "recruitment_pool", "route")
    regions = _column(tables, "recruitment_pool", "region")
    return [(k, "" if r in ("", "nan", "None") else r) for k, r in zip(routes, regions, strict=True)
            if kinds.get(k) == "returner"]


def scope_finding(parameter: str, scope: str, tables: dict[str, pd.DataFrame] | None) -> Finding | None:
    """Why `scope` cannot be a scope of `parameter` in this scenario (None: it can)."""
    if parameter == RETENTION_EFFECT:
        return _retention_scope(scope, tables)
    return _pool_scope(scope, tables)


def _retention_scope(scope: str, tables) -> Finding | None:
    schemes = _column(tables, "retention", "scheme")
    with_scheme = set(_column(tables, "retention", "staff_group"))
    if scope == "*":
        if not schemes:
            return ("warning", "retention.csv has no scheme, so retention_effect changes nothing",
                    "delete the row, or add the schemes to retention.csv")
        return None
    if scope in schemes or scope in with_scheme:
        return None
    fix = f"write * (every scheme), a scheme ({_hint(schemes)}) or a staff group with a scheme ({_hint(with_scheme)})"
    if scope in set(_column(tables, "staff_groups", "staff_group")):
        return "error", f"staff group {scope} has no retention scheme in retention.csv, so nothing to vary", fix
    return "error", "unknown retention scheme or staff group for retention_effect", fix


def _pool_scope(scope: str, tables) -> Finding | None:
    pools = returner_pool_rows(tables)
    if scope == "*":
        if not pools:
            return ("warning", "no returner route has a pool in recruitment_pool.csv, so returner_pool changes nothing",
                    "delete the row, or add the returner pool to recruitment_pool.csv")
        return None
    pooled_routes = {k for k, _r in pools}
    pooled_regions = {r for _k, r in pools if r}
    if scope in pooled_routes or scope in pooled_regions:
        return None
    fix = (f"write * (every returner pool), a returner route with a pool ({_hint(pooled_routes)}) or a region "
           f"with a returner pool row ({_hint(pooled_regions)})")
    kinds = dict(zip(_column(tables, "routes", "route"), _column(tables, "routes", "kind"), strict=True))
    if kinds.get(scope) == "returner":
        return ("error", f"returner route {scope} has no row in recruitment_pool.csv, so there is no pool to vary",
                f"add its pool (max_recruits) to recruitment_pool.csv, or {fix[6:]}")
    if scope in kinds:
        return ("error", f"route {scope} is a {kinds[scope]} route: returner_pool varies the pools of returner routes",
                fix)
    if scope in set(_column(tables, "regions", "region")):
        return ("error", f"no returner pool row of recruitment_pool.csv is for region {scope} (a pooled row, "
                         "blank region, is varied by its route or *)", fix)
    return "error", "unknown returner route or region for returner_pool", fix


def _draw_range(distribution: str, a: dict[str, float]) -> tuple[float, float, float]:
    """(low, centre, high) of the draws: exact for bounded distributions, +/- 3 spreads otherwise."""
    if distribution == "normal":
        return a["mean"] - 3 * a["sd"], a["mean"], a["mean"] + 3 * a["sd"]
    if distribution == "lognormal":
        return math.exp(a["mu"] - 3 * a["sigma"]), math.exp(a["mu"]), math.exp(a["mu"] + 3 * a["sigma"])
    if distribution == "uniform":
        return a["low"], (a["low"] + a["high"]) / 2, a["high"]
    if distribution == "triangular":
        return a["low"], (a["low"] + a["mode"] + a["high"]) / 3, a["high"]
    return 0.0, a["a"] / (a["a"] + a["b"]), 1.0  # beta


def support_finding(parameter: str, distribution: str, args: dict[str, float], effect: str) -> Finding | None:
    """Why a well-formed row of `parameter` cannot make the difference it is meant to (None: it can).
    The factor is 1 + draw (effect shift), 1 x draw (scale) or the draw (value)."""
    low, centre, high = (1.0 + v if effect == "shift" else v for v in _draw_range(distribution, args))
    if parameter == RETENTION_EFFECT:
        if low >= 1.0:
            return ("error", f"every draw gives a realised share of at least 1 ({low:.3g} or more): clipped to 1, "
                             "no scheme ever delivers less than the plan buys", f"draw shares below 1, e.g. {SHARE_EXAMPLE}")
        if high <= 0.0:
            return ("error", f"every draw gives a realised share of at most 0 ({high:.3g} or less): no scheme would "
                             "retain anyone in any future", f"draw shares between 0 and 1, e.g. {SHARE_EXAMPLE}")
        if centre >= 1.0:
            return ("warning", f"the draws centre on a realised share of {centre:.3g}: at least half are clipped "
                               "to 1 (a full effect), so the spread is mostly lost", f"centre the share below 1, e.g. {SHARE_EXAMPLE}")
        return None
    if high <= 0.0:
        return ("error", f"every draw gives a pool factor of at most 0 ({high:.3g} or less): no returner would "
                         "arrive in any future", f"draw positive factors, e.g. {POOL_EXAMPLE}")
    if low >= 1.0:
        return ("warning", f"every draw gives a pool factor of at least 1 ({low:.3g} or more): the plan's recruits "
                           "are within the pool, so they always arrive and the row changes nothing",
                f"draw factors below 1 too, e.g. {POOL_EXAMPLE}")
    return None
