"""Placement, educator and international-recruitment capacities and the budget, sized from the
generated status quo; start years net of what learners already in training use.

Years here are offsets from the start year (0 = y0) or "" for every year; `assembly` writes them
as calendar years.
"""

from __future__ import annotations

import math

import pandas as pd

from optimiser.synthetic.in_training import in_flight, route_table, use_by_region
from optimiser.synthetic.presets import noise, settings


def training_capacity(regions: pd.DataFrame, starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str],
                      column: str, value: str, step: float, seed: int) -> pd.DataFrame:
    """Placement weeks or educator WTE (`value`, in multiples of `step`) per region: status-quo
    steady-state use of the routes' `column` / utilisation; start years net of in-flight use."""
    sd = settings()["noise"]
    training = starts[starts["provider"] != ""]
    steady = use_by_region(training, routes, zeroed, column, None)
    max_len = int(routes["duration_years"].max())
    flights = [use_by_region(training, routes, zeroed, column, off) for off in range(max_len)]
    rows = []
    for reg in regions["region"]:
        util = noise(seed, "utilisation", column, reg).uniform(*sd["utilisation_range"])
        cap = max(step, round(steady.get(reg, 0.0) / util / step) * step)
        rows.append({"region": reg, "year": "", value: cap,
                     "notes": f"synthetic: status-quo steady-state use {steady.get(reg, 0.0):.1f} / utilisation {util:.2f}"})
        for off, by_region in enumerate(flights):
            flight = by_region.get(reg, 0.0)
            if flight > 0:
                rows.append({"region": reg, "year": off, value: max(0.0, math.floor((cap - flight) / step) * step),
                             "notes": f"synthetic: {cap:g} less {flight:.1f} used by learners who started before"})
    return pd.DataFrame(rows)


def international_capacity(regions: pd.DataFrame, starts: pd.DataFrame, routes: pd.DataFrame,
                           zeroed: set[str], seed: int) -> pd.DataFrame:
    """Recruits a region can take on a year: status-quo recruits x a seeded multiple, to 5; the
    start year net of recruits already signed (zeroed international routes)."""
    sd = settings()["noise"]
    floor = settings()["capacity"]["min_international_capacity"]
    intl = set(routes.loc[routes["kind"] == "international", "route"])
    recruits = starts[starts["route"].isin(intl)].groupby("region")["starts"].sum()
    signed = starts[starts["route"].isin(intl & zeroed)].groupby("region")["starts"].sum()
    rows = []
    for reg in regions["region"]:
        mult = noise(seed, "onboarding", reg).uniform(*sd["international_multiple"])
        cap = max(floor, 5 * round(recruits.get(reg, 0) * mult / 5))
        rows.append({"region": reg, "year": "", "max_recruits": cap,
                     "notes": f"synthetic: status-quo recruits {recruits.get(reg, 0)} a year x {mult:.2f}, to 5"})
        if signed.get(reg, 0) > 0:
            rows.append({"region": reg, "year": 0, "max_recruits": max(0, cap - signed[reg]),
                         "notes": f"synthetic: {cap} less {signed[reg]} recruits already signed"})
    return pd.DataFrame(rows)


def budget(starts: pd.DataFrame, routes: pd.DataFrame, zeroed: set[str]) -> pd.DataFrame:
    """Status-quo steady-state cost x headroom; start years net of learners already in training."""
    rt = route_table(routes)
    headroom = settings()["capacity"]["budget_headroom"]
    by = starts.groupby("route")["starts"].sum()
    steady = sum(n * (rt[k]["duration_years"] * rt[k]["cost_per_learner_year"] + rt[k]["cost_per_start"])
                 for k, n in by.items())
    blank = round(steady * headroom, -5)
    rows = [{"year": "", "budget_gbp": blank,
             "notes": f"synthetic: status-quo steady-state cost {steady:,.0f} x {headroom}, to GBP 100k"}]
    for off in range(int(routes["duration_years"].max())):
        flight = sum(n * (in_flight(int(rt[k]["duration_years"]), k in zeroed, off) * rt[k]["cost_per_learner_year"]
                          + (rt[k]["cost_per_start"] if (k in zeroed and off == 0) else 0.0))
                     for k, n in by.items())
        if flight > 0:
            rows.append({"year": off, "budget_gbp": max(0.0, round(blank - flight, -5)),
                         "notes": f"synthetic: {blank:,.0f} less {flight:,.0f} committed to learners who started before"})
    return pd.DataFrame(rows)
