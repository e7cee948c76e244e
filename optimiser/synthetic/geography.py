"""A preset's regions, the links between them and the travel minutes they imply.

England's links join neighbouring ICB hubs (Delaunay neighbours within a distance, minutes from
distance with seeded jitter); Wales's links are a reference table.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd

from optimiser.scenario.regions import region_graph, travel_reach
from optimiser.synthetic.presets import SYNTHETIC_DIR, noise, settings

# geography -> (regions file, links file or None to derive links from the hubs)
GEOGRAPHIES = {
    "england": (SYNTHETIC_DIR / "england_icbs.csv", None),
    "wales": (SYNTHETIC_DIR / "wales_health_boards.csv", SYNTHETIC_DIR / "wales_links.csv"),
}
EARTH_RADIUS_KM = 6371.0


def reference_regions(geography: str) -> pd.DataFrame:
    """Every region of a geography, with its residents in millions (population_m)."""
    path, _ = GEOGRAPHIES[geography]
    df = pd.read_csv(path, dtype={"region": str, "name": str, "nhs_region": str})
    df["population_m"] = df["population_thousands"] / 1000.0
    return df


def preset_regions(preset: dict) -> pd.DataFrame:
    """The preset's regions: id, name, parent (NHS region or nation), population_m, lat, lon."""
    df = reference_regions(preset["geography"])
    if "regions" in preset:
        df = df[df["region"].isin(preset["regions"])]
    elif "nhs_region" in preset:
        df = df[df["nhs_region"] == preset["nhs_region"]]
    return df.rename(columns={"nhs_region": "parent"}).reset_index(drop=True)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def _candidate_edges(regions: pd.DataFrame) -> set[tuple[int, int]]:
    """Delaunay neighbours of the hubs (all pairs when there are too few points to triangulate)."""
    n = len(regions)
    if n < 4:
        return {(i, j) for i in range(n) for j in range(i + 1, n)}
    from scipy.spatial import Delaunay

    lat0 = math.radians(regions["lat"].mean())
    xy = np.c_[np.radians(regions["lon"]) * math.cos(lat0), np.radians(regions["lat"])] * EARTH_RADIUS_KM
    edges = set()
    for simplex in Delaunay(xy).simplices:
        for a in range(3):
            i, j = sorted((int(simplex[a]), int(simplex[(a + 1) % 3])))
            edges.add((i, j))
    return edges


def _england_links(regions: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Links between neighbouring hubs, travel minutes from distance; always connected."""
    cfg = settings()["travel"]
    ids = list(regions["region"])
    lat, lon = list(regions["lat"]), list(regions["lon"])

    def km(i: int, j: int) -> float:
        return _km(lat[i], lon[i], lat[j], lon[j])

    dropped = {frozenset(pair) for pair in cfg.get("drop_links", [])}
    kept = {e for e in _candidate_edges(regions)
            if km(*e) <= cfg["max_link_km"] and frozenset((ids[e[0]], ids[e[1]])) not in dropped}
    g = nx.Graph()
    g.add_nodes_from(range(len(ids)))
    g.add_edges_from(kept)
    while not nx.is_connected(g):  # a pruned graph may split: join components by their nearest hubs
        comps = list(nx.connected_components(g))
        first = comps[0]
        e = min(((i, j) for i in first for j in range(len(ids)) if j not in first), key=lambda e: km(*e))
        e = (min(e), max(e))
        kept.add(e)
        g.add_edge(*e)
    rows = []
    for i, j in sorted(kept, key=lambda e: (ids[e[0]], ids[e[1]])):
        a, b = sorted((ids[i], ids[j]))
        d = km(i, j)
        jitter = noise(seed, "link", a, b).uniform(1 - cfg["minutes_jitter"], 1 + cfg["minutes_jitter"])
        minutes = max(cfg["min_minutes"], 5 * round((cfg["minutes_intercept"] + cfg["minutes_per_km"] * d) * jitter / 5))
        rows.append({"region_a": a, "region_b": b, "travel_minutes": float(minutes),
                     "notes": f"synthetic: neighbouring ICB hubs {d:.0f} km apart; minutes = "
                              f"({cfg['minutes_intercept']} + {cfg['minutes_per_km']} x km) x jitter, to 5"})
    return pd.DataFrame(rows)


def preset_links(preset: dict, regions: pd.DataFrame, seed: int) -> pd.DataFrame:
    """region_a, region_b, travel_minutes, notes between the preset's regions."""
    _, links_path = GEOGRAPHIES[preset["geography"]]
    if links_path is None:
        return _england_links(regions, seed)
    links = pd.read_csv(links_path, dtype={"region_a": str, "region_b": str, "notes": str})
    keep = set(regions["region"])
    links = links[links["region_a"].isin(keep) & links["region_b"].isin(keep)]
    return links.reset_index(drop=True)


def travel(regions: pd.DataFrame, links: pd.DataFrame, max_minutes: float) -> tuple[dict, dict]:
    """Reach sets (as the engine computes them) and shortest travel minutes between regions."""
    g = region_graph(regions["region"], links)
    reach = travel_reach(g, max_minutes)
    minutes = dict(nx.all_pairs_dijkstra_path_length(g, weight="minutes"))
    return reach, minutes
