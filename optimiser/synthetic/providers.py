"""Where training providers are: how many of each kind, in which regions, offering which routes."""

from __future__ import annotations

import pandas as pd

from optimiser.synthetic.presets import noise, settings
from optimiser.synthetic.template import template


def _place(kind: str, cfg: dict, regions: pd.DataFrame, reach: dict, seed: int) -> list[str]:
    """Regions that get a provider of this kind (a region may get several)."""
    pop = dict(zip(regions["region"], regions["population_m"], strict=True))
    rng = noise(seed, "providers", kind)
    tie = dict(zip(regions["region"], rng.uniform(0.97, 1.03, len(regions)), strict=True))
    target = max(1, round(sum(pop.values()) / cfg["per_million"]))
    chosen: list[str] = []
    uncovered = set(pop) if cfg["cover"] else set()
    while uncovered:  # greedy cover: most uncovered residents in reach, own residents counted twice
        best = max(sorted(pop), key=lambda r: (sum(pop[x] for x in reach[r] & uncovered)
                                               + (pop[r] if r in uncovered else 0.0)) * tie[r])
        chosen.append(best)
        uncovered -= reach[best]
    while len(chosen) < target:  # then where residents per provider of this kind are most
        best = max(sorted(pop), key=lambda r: pop[r] / (1 + chosen.count(r)) * tie[r])
        chosen.append(best)
    return chosen


def place_providers(regions: pd.DataFrame, reach: dict, routes: pd.DataFrame, derived: list[dict],
                    seed: int) -> pd.DataFrame:
    """provider, name, region, kind, offers (list of routes): each kind of provider (presets.toml)
    offers its template providers' routes and any derived route it is named for."""
    tp = template()
    pr = tp.t["provider_routes"]
    names = dict(zip(regions["region"], regions["name"], strict=True))
    rows = []
    for kind, cfg in settings()["providers"].items():
        offers = sorted(set(pr.loc[pr["provider"].isin(cfg["template_providers"]), "route"]))
        offers += [d["route"] for d in derived if d["offered_by"] == kind]
        offers = [k for k in offers if k in set(routes["route"])]
        seen: dict[str, int] = {}
        for region in _place(kind, cfg, regions, reach, seed):
            seen[region] = seen.get(region, 0) + 1
            suffix = "" if seen[region] == 1 else f"_{seen[region]}"
            rows.append({"provider": f"{kind}_{region}{suffix}", "kind": kind, "region": region,
                         "name": f"{cfg['label']} {seen[region]}, {names[region]} (synthetic)",
                         "offers": offers})
    return pd.DataFrame(rows)

