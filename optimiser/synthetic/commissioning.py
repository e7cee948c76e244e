"""The status quo's commissioning: starts a year by provider, region and route, and each
provider's cap on a route, from the template's rates per million residents with seeded noise."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from optimiser.synthetic.presets import noise, settings
from optimiser.synthetic.template import template


def _round_cohort(total: float, min_cohort: float) -> int:
    """Whole starts a year that a provider can run: 0, or at least the minimum cohort."""
    n = round(total)
    if 0 < n < min_cohort:
        n = int(min_cohort) if total >= min_cohort / 2 else 0
    return int(n)


def _split(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Whole numbers pro rata to weights that add up to total (largest remainder)."""
    w = sum(weights.values())
    if total == 0 or w <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: total * v / w for k, v in weights.items()}
    out = {k: math.floor(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (out[k] - exact[k], k))[: total - sum(out.values())]:
        out[k] += 1
    return out


@dataclass
class Commissioning:
    """The generated status quo: provider_routes rows and baseline starts by provider/region/route."""

    provider_routes: pd.DataFrame  # provider, route, max_starts, notes
    starts: pd.DataFrame  # provider ('' for international), region, route, starts


def _net_attrition(group: pd.Series) -> float:
    return float(group["leaver_rate"] + group["retirement_rate"] + group["net_churn_rate"]
                 - group["labour_market_rate"])


def baseline_rates(routes: pd.DataFrame, groups: pd.DataFrame, workforce: pd.DataFrame,
                   derived: list[dict], population_m: float) -> tuple[dict, dict]:
    """Baseline starts and provider caps per million residents, by route."""
    tp = template()
    base = tp.per_million("baseline_starts", "route", "starts").to_dict()
    cap = tp.per_million("provider_routes", "route", "max_starts").to_dict()
    g = groups.set_index("staff_group")
    r = routes.set_index("route")
    for d in derived:  # steady state: replace the specialist group's net leavers
        stock_pm = workforce.loc[workforce["staff_group"] == d["staff_group"], "in_post_wte"].sum() / population_m
        base[d["route"]] = stock_pm * max(_net_attrition(g.loc[d["staff_group"]]), 0.01) / r.loc[d["route"], "completion_rate"]
        cap[d["route"]] = 2.0 * base[d["route"]]  # template ratio of caps to baseline on upskilling routes
    return base, cap


def commission(regions: pd.DataFrame, providers: pd.DataFrame, routes: pd.DataFrame,
               base_pm: dict, cap_pm: dict, minutes: dict, reach: dict, seed: int) -> Commissioning:
    """Each region's expected starts (rate per million x residents x noise) go to the nearest
    provider(s) of the route in reach, rounded to whole cohorts; caps from the template's places
    per million residents served, never below the status quo or the minimum cohort."""
    sd = settings()["noise"]
    pop = dict(zip(regions["region"], regions["population_m"], strict=True))
    expected = {}  # (region, route) -> starts a year before rounding
    for reg in regions["region"]:
        rng = noise(seed, "starts", reg)
        for k in routes["route"]:
            expected[reg, k] = base_pm.get(k, 0.0) * pop[reg] * rng.lognormal(0, sd["starts_sigma"])
    pr_rows, start_rows = [], []
    for route in routes.itertuples(index=False):
        k = route.route
        if route.kind == "international":
            for reg in regions["region"]:
                start_rows.append({"provider": "", "region": reg, "route": k, "starts": round(expected[reg, k])})
            continue
        offering = providers[providers["offers"].map(lambda o, k=k: k in o)]
        if offering.empty:
            continue
        share: dict[str, dict[str, float]] = {p: {} for p in offering["provider"]}
        for reg in regions["region"]:  # each region's learners go to the nearest provider(s) in reach
            near = [(minutes[reg][p_reg], p) for p, p_reg in zip(offering["provider"], offering["region"], strict=True)
                    if p_reg in reach[reg]]
            if not near:
                continue
            best = min(m for m, _ in near)
            ties = [p for m, p in near if m == best]
            for p in ties:
                share[p][reg] = 1.0 / len(ties)
        rng = noise(seed, "caps", k)
        for p, p_reg in zip(offering["provider"], offering["region"], strict=True):
            served = sum(s * pop[r] for r, s in share[p].items())
            total = _round_cohort(sum(s * expected[r, k] for r, s in share[p].items()), route.min_cohort)
            by_region = _split(total, {r: s * expected[r, k] for r, s in share[p].items()})
            served = served if served > 0 else 0.5 * pop[p_reg]  # no catchment: a first programme at home
            cap = math.ceil(cap_pm.get(k, 0.0) * served * rng.uniform(*sd["max_starts_range"]))
            cap = max(cap, int(route.min_cohort), total)
            pr_rows.append({"provider": p, "route": k, "max_starts": cap,
                            "notes": f"synthetic: template {cap_pm.get(k, 0.0):.2f} places per million x "
                                     f"{served:.2f}m residents served x noise; status quo {total} a year"})
            start_rows += [{"provider": p, "region": r, "route": k, "starts": n} for r, n in by_region.items() if n > 0]
    return Commissioning(pd.DataFrame(pr_rows), pd.DataFrame(start_rows))
