"""The region graph: regions as nodes, travel links as edges weighted by travel minutes.

Built once here for every reader (validation's connectivity warning, the model's reach sets and
graduate destinations, the synthetic generator, the app's map).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from optimiser.basics.cells import numbers


def region_graph(regions: Iterable[str], links: pd.DataFrame | None) -> nx.Graph:
    """Regions as nodes; each link an edge with `minutes` (travel minutes, numeric or NaN when
    the cell is not a number). `links` has region_a, region_b and travel_minutes columns."""
    graph = nx.Graph()
    graph.add_nodes_from(regions)
    if links is not None and not links.empty:
        minutes = numbers(links["travel_minutes"]).astype(float).tolist()
        for a, b, m in zip(links["region_a"].tolist(), links["region_b"].tolist(), minutes, strict=True):
            graph.add_edge(a, b, minutes=m)
    return graph


def travel_reach(graph: nx.Graph, max_minutes: float) -> dict[str, set[str]]:
    """Regions within `max_minutes` of each region along shortest travel paths (itself included)."""
    return {
        r: set(nx.single_source_dijkstra_path_length(graph, r, cutoff=max_minutes, weight="minutes"))
        for r in graph.nodes
    }


def graduate_shares(graph: nx.Graph, retention: float, table: pd.DataFrame) -> dict[tuple[str, str], float]:
    """M[r', r]: `retention` stays where placed, the rest split equally among direct neighbours."""
    if not table.empty:
        return {(a, b): float(s) for a, b, s in zip(table["from_region"], table["to_region"], table["share"], strict=True) if s > 0}
    shares: dict[tuple[str, str], float] = {}
    for r in graph.nodes:
        neighbours = sorted(graph.neighbors(r))
        if not neighbours:
            shares[(r, r)] = 1.0
            continue
        if retention > 0:
            shares[(r, r)] = retention
        for n in neighbours:
            if retention < 1:
                shares[(r, n)] = (1 - retention) / len(neighbours)
    return shares
