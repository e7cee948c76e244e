"""The v2 lever tables resolved to model years for `prepare`: retention schemes, recruitment
pools and policy shares, each with its override rules (contract "Precise readings"):

- retention: a scheme's row with a region replaces its blank-region row there, a row with a year
  replaces its blank-year row that year, and the year row wins when both fit; a scheme with only
  year rows exists only in those years;
- recruitment pools: rows keyed by (route, region or blank); a year row replaces the blank-year
  row of the same key; pooled (blank-region) and region rows are separate limits that all apply;
- policy shares: rows keyed by (staff group, set of routes); a year row replaces the blank-year
  row of the same key.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class RetentionOffer:
    """One scheme in one region and decision year, after overrides: up to `max_share` of the
    `applies_to` loss stream (leavers or retirements) of `staff_group`, at `cost_per_wte` GBP."""

    scheme: str
    staff_group: str
    region: str
    year: int
    applies_to: str
    max_share: float
    cost_per_wte: float
    realised_share: float = 1.0  # of the WTE retained (paid for), the share that stays: below 1 only in a sampled future


@dataclass(frozen=True)
class PolicyShare:
    """Bounds on the share of `routes` in all starts and recruits producing `staff_group` in `year`."""

    staff_group: str
    routes: tuple[str, ...]
    year: int
    min_share: float | None
    max_share: float | None


def _blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _rows(df: pd.DataFrame | None, *columns: str) -> list[tuple]:
    if df is None or df.empty:
        return []
    return list(zip(*(df[c].tolist() for c in columns), strict=True))


def retention_offers(retention: pd.DataFrame | None, regions: list[str], years: list[int]) -> list[RetentionOffer]:
    """Every (scheme, region, decision year) a scheme covers, with the row that applies there:
    (region, year) > (blank, year) > (region, blank) > (blank, blank)."""
    rows = _rows(retention, "scheme", "staff_group", "region", "year", "applies_to", "max_share", "cost_per_wte")
    realised = _realised(retention, "realised_share", len(rows))
    by_scheme: dict[str, dict[tuple[str, int | None], tuple]] = {}
    for (scheme, g, r, year, applies, share, cost), f in zip(rows, realised, strict=True):
        key = ("" if _blank(r) else r, None if _blank(year) else int(year))
        by_scheme.setdefault(scheme, {})[key] = (g, applies, float(share), float(cost), f)
    out = []
    for scheme, table in by_scheme.items():
        for r in regions:
            for y in years:
                row = table.get((r, y)) or table.get(("", y)) or table.get((r, None)) or table.get(("", None))
                if row is None:
                    continue
                g, applies, share, cost, f = row
                out.append(RetentionOffer(scheme, g, r, y, applies, share, cost, 1.0 if _blank(f) else float(f)))
    return out


def pool_caps(pools: pd.DataFrame | None, years: list[int]) -> tuple[dict[tuple[str, str, int], float],
                                                                   dict[tuple[str, int], float]]:
    """(caps on one region's recruits {(route, region, year): recruits},
    caps on a route's total over all regions {(route, year): recruits}) for the decision years."""
    by_key: dict[tuple[str, str], dict[int | None, float]] = {}
    for k, r, year, cap in _rows(pools, "route", "region", "year", "max_recruits"):
        by_key.setdefault((k, "" if _blank(r) else r), {})[None if _blank(year) else int(year)] = float(cap)
    regional: dict[tuple[str, str, int], float] = {}
    total: dict[tuple[str, int], float] = {}
    for (k, r), caps in by_key.items():
        for y in years:
            cap = caps.get(y, caps.get(None))
            if cap is None:
                continue
            if r:
                regional[(k, r, y)] = cap
            else:
                total[(k, y)] = cap
    return regional, total


def _realised(df: pd.DataFrame | None, column: str, n: int) -> list:
    """A sampled future's realised factors (optimiser/analysis/sampling.py), blank where none was drawn;
    a scenario as read has no such column."""
    return [None] * n if df is None or df.empty or column not in df.columns else df[column].tolist()


def realised_pools(pools: pd.DataFrame | None, years: list[int]) -> tuple[dict[tuple[str, str, int], float],
                                                                        dict[tuple[str, int], float]]:
    """The returner pools a sampled future realises (max_recruits x the drawn factor), as pool_caps
    gives the planned ones, for the rows with a factor; empty for a scenario as read."""
    if pools is None or pools.empty or "realised_factor" not in pools.columns:
        return {}, {}
    drawn = pools[[not _blank(f) for f in pools["realised_factor"].tolist()]]
    return pool_caps(drawn.assign(max_recruits=drawn["max_recruits"] * drawn["realised_factor"]), years)


def policy_shares(shares: pd.DataFrame | None, years: list[int]) -> list[PolicyShare]:
    """Every (group, selected routes, decision year) with a minimum or maximum share."""
    by_key: dict[tuple[str, tuple[str, ...]], dict[int | None, tuple]] = {}
    for g, routes, year, lo, hi in _rows(shares, "staff_group", "routes", "year", "min_share", "max_share"):
        selected = tuple(sorted(set(str(routes).split())))  # a set: the order written does not matter
        by_key.setdefault((g, selected), {})[None if _blank(year) else int(year)] = (
            None if _blank(lo) else float(lo), None if _blank(hi) else float(hi))
    out = []
    for (g, selected), rows in by_key.items():
        for y in years:
            bounds = rows.get(y, rows.get(None))
            if bounds is None or bounds == (None, None):
                continue
            out.append(PolicyShare(g, selected, y, *bounds))
    return out
