"""Plotly charts of a plan, each returned with the table behind it.

Every function takes result tables (tidy DataFrames from optimiser.results.results) and returns
(figure, table): the page shows the figure and, in an expander, exactly the numbers drawn.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import plotly.graph_objects as go

from optimiser import RawScenario, holds_plan
from optimiser import region_graph as optimiser_region_graph

ALL = "All regions"
UNKNOWN_TRAVEL_MINUTES = 60.0  # a link whose time is not a number is drawn as an hour long
LAYOUT = dict(margin=dict(l=10, r=10, t=50, b=10), legend=dict(orientation="h", y=-0.2), height=420)


def _names(raw: RawScenario | None, table: str, key: str) -> dict[str, str]:
    if raw is None or table not in raw.tables:
        return {}
    df = raw.tables[table]
    return dict(zip(df[key], df["name"], strict=True)) if "name" in df.columns else {}


def region_names(raw: RawScenario | None) -> dict[str, str]:
    return _names(raw, "regions", "region")


def provider_names(raw: RawScenario | None) -> dict[str, str]:
    return _names(raw, "providers", "provider")


def group_names(raw: RawScenario | None) -> dict[str, str]:
    return _names(raw, "staff_groups", "staff_group")


def supply_demand(plan: pd.DataFrame, status_quo: pd.DataFrame | None, group: str, region: str,
                  group_label: str = "", region_label: str = "") -> tuple[go.Figure, pd.DataFrame]:
    """Supply against demand over time for one staff group in one region (or all), plan and status quo."""
    def pick(df: pd.DataFrame) -> pd.DataFrame:
        df = df[df["staff_group"] == group]
        if region != ALL:
            df = df[df["region"] == region]
        return df.groupby("year")[["supply_wte", "demand_wte", "shortfall_wte"]].sum()

    p = pick(plan)
    table = pd.DataFrame({"demand_wte": p["demand_wte"], "plan_supply_wte": p["supply_wte"],
                          "plan_shortfall_wte": p["shortfall_wte"]})
    if status_quo is not None and not status_quo.empty:
        s = pick(status_quo)
        table["status_quo_supply_wte"] = s["supply_wte"]
        table["status_quo_shortfall_wte"] = s["shortfall_wte"]
    table = table.reset_index()
    fig = go.Figure()
    fig.add_scatter(x=table["year"], y=table["demand_wte"], name="Demand (establishment)",
                    line=dict(color="#333333", width=3))
    fig.add_scatter(x=table["year"], y=table["plan_supply_wte"], name="Supply: optimised plan",
                    line=dict(color="#005EB8", width=3))
    if "status_quo_supply_wte" in table:
        fig.add_scatter(x=table["year"], y=table["status_quo_supply_wte"], name="Supply: status quo",
                        line=dict(color="#DA291C", dash="dash"))
    fig.update_layout(title=f"{group_label or group}: {region_label or region}", xaxis_title="year (NHS financial year)",
                      yaxis_title="WTE", **LAYOUT)
    return fig, table


def starts_chart(starts: pd.DataFrame, colour_by: str, labels: dict[str, str] | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """Learner starts per year, stacked by provider, placement region or route."""
    if starts.empty:
        return go.Figure().update_layout(title="No training starts in this plan", **LAYOUT), starts
    table = starts.pivot_table(index="year", columns=colour_by, values="starts", aggfunc="sum", fill_value=0)
    fig = go.Figure()
    for col in table.columns:
        fig.add_bar(x=table.index, y=table[col], name=(labels or {}).get(col, col))
    fig.update_layout(barmode="stack", title=f"Learner starts by {colour_by.replace('_', ' ')} and year",
                      xaxis_title="start year", yaxis_title="starts (learners)", **LAYOUT)
    out = table.copy()
    out["total"] = out.sum(axis=1)
    return fig, out.reset_index()


def international_chart(intl: pd.DataFrame, labels: dict[str, str] | None = None) -> tuple[go.Figure, pd.DataFrame]:
    if intl.empty:
        return go.Figure().update_layout(title="No international recruits in this plan", **LAYOUT), intl
    table = intl.pivot_table(index="year", columns="region", values="recruits", aggfunc="sum", fill_value=0)
    fig = go.Figure()
    for col in table.columns:
        fig.add_bar(x=table.index, y=table[col], name=(labels or {}).get(col, col))
    fig.update_layout(barmode="stack", title="International recruits by arrival region and year",
                      xaxis_title="arrival year", yaxis_title="recruits", **LAYOUT)
    out = table.copy()
    out["total"] = out.sum(axis=1)
    return fig, out.reset_index()


def region_graph(raw: RawScenario, starts: pd.DataFrame, projection: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """The engine's region graph (optimiser.region_graph, drawn with a networkx layout) with placement
    flows: learners at a provider in one region placed in another. Node size = the region's
    shortfall in the final year."""
    names = region_names(raw)
    g = optimiser_region_graph(raw.tables["regions"]["region"], raw.tables.get("links"))
    for _, _, edge in g.edges(data=True):  # nearer regions pull harder; a blank time counts as an hour
        minutes = edge["minutes"]
        edge["weight"] = 1.0 / max(minutes if minutes == minutes else UNKNOWN_TRAVEL_MINUTES, 1.0)
    pos = nx.spring_layout(g, seed=7, weight="weight")
    provider_region = dict(zip(raw.tables["providers"]["provider"], raw.tables["providers"]["region"], strict=True))
    flows = pd.DataFrame(columns=["from_region", "to_region", "starts"])
    if not starts.empty:
        s = starts.assign(from_region=starts["provider"].map(provider_region))
        flows = s.groupby(["from_region", "region"], as_index=False)["starts"].sum().rename(columns={"region": "to_region"})
    final = projection[projection["year"] == projection["year"].max()] if not projection.empty else projection
    short = final.groupby("region")["shortfall_wte"].sum() if not final.empty else pd.Series(dtype=float)
    fig = go.Figure()
    for a, b in g.edges:
        fig.add_scatter(x=[pos[a][0], pos[b][0]], y=[pos[a][1], pos[b][1]], mode="lines",
                        line=dict(color="#cccccc", width=1), hoverinfo="skip", showlegend=False)
    top = max(1.0, float(flows["starts"].max()) if not flows.empty else 1.0)
    for row in flows.itertuples(index=False):
        if row.from_region == row.to_region or row.from_region not in pos or row.to_region not in pos:
            continue
        (x0, y0), (x1, y1) = pos[row.from_region], pos[row.to_region]
        fig.add_annotation(x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y",
                           showarrow=True, arrowhead=2, arrowsize=1, arrowcolor="#005EB8",
                           arrowwidth=1 + 5 * row.starts / top, opacity=0.7)
        fig.add_scatter(x=[(x0 + x1) / 2], y=[(y0 + y1) / 2], mode="markers", marker=dict(size=8, opacity=0),
                        hovertext=f"{names.get(row.from_region, row.from_region)} → {names.get(row.to_region, row.to_region)}: "
                                  f"{row.starts:,.0f} learners placed", hoverinfo="text", showlegend=False)
    local = flows[flows["from_region"] == flows["to_region"]].set_index("from_region")["starts"] if not flows.empty else pd.Series(dtype=float)
    nodes = list(g.nodes)
    size = [14 + 30 * float(short.get(n, 0.0)) / max(1.0, float(short.max()) if len(short) else 1.0) for n in nodes]
    fig.add_scatter(
        x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text",
        text=[names.get(n, n) for n in nodes], textposition="top center",
        marker=dict(size=size, color="#41B6E6", line=dict(color="#005EB8", width=2)),
        hovertext=[f"{names.get(n, n)}<br>shortfall in final year: {short.get(n, 0.0):,.1f} WTE"
                   f"<br>learners placed locally: {local.get(n, 0):,.0f}" for n in nodes],
        hoverinfo="text", showlegend=False)
    fig.update_layout(title="Regions, travel links and placement flows (arrows: provider region → placement region)",
                      xaxis=dict(visible=False, range=_padded([p[0] for p in pos.values()], 0.35)),
                      yaxis=dict(visible=False, range=_padded([p[1] for p in pos.values()], 0.15)),
                      **{**LAYOUT, "height": 520})
    table = flows.assign(from_name=flows["from_region"].map(names), to_name=flows["to_region"].map(names))
    return fig, table.sort_values("starts", ascending=False).reset_index(drop=True)


def _padded(values: list[float], share: float) -> list[float]:
    """An axis range with room for the node labels on either side."""
    lo, hi = min(values, default=-1.0), max(values, default=1.0)
    pad = max(hi - lo, 1.0) * share
    return [lo - pad, hi + pad]


def frontier_chart(frontier: pd.DataFrame) -> tuple[go.Figure, pd.DataFrame]:
    """Weighted shortfall against budget over the points that hold a plan (optimiser.holds_plan)."""
    has_plan = pd.Series([holds_plan(status, found) for status, found in
                          zip(frontier["status"], frontier["weighted_shortfall"].notna(), strict=True)],
                         index=frontier.index, dtype=bool)
    ok = frontier.loc[has_plan]
    money = ok["budget_gbp"].gt(0).any()
    x = ok["budget_gbp"] / 1e6 if money else ok["budget_scale"]
    fig = go.Figure()
    fig.add_scatter(x=x, y=ok["weighted_shortfall"], mode="lines+markers", name="optimised plan",
                    line=dict(color="#005EB8", width=3),
                    hovertext=[f"budget x{s:g}" for s in ok["budget_scale"]])
    if len(frontier):
        fig.add_hline(y=float(frontier["status_quo_weighted_shortfall"].iloc[0]), line_dash="dash",
                      line_color="#DA291C", annotation_text="status quo")
    fig.update_layout(title="Budget frontier: weighted shortfall against budget",
                      xaxis_title="yearly budgets summed (GBP m)" if money else "budget scale",
                      yaxis_title="weighted shortfall (WTE-years)", **LAYOUT)
    return fig, frontier


def bottleneck_chart(bottlenecks: pd.DataFrame, sentences: list[str], top: int = 15) -> tuple[go.Figure, pd.DataFrame]:
    """Limits ranked by the weighted gap a 1% increase would close."""
    b = bottlenecks.head(top).copy()
    b["meaning"] = sentences[: len(b)]
    label = b["family"] + ": " + b["index"].astype(str)
    fig = go.Figure(go.Bar(x=b["value_of_1pct_more"][::-1], y=label[::-1], orientation="h",
                           hovertext=b["meaning"][::-1], hoverinfo="text", marker_color="#005EB8"))
    fig.update_layout(title="Bottlenecks: weighted WTE-years of gap closed by a 1% larger limit",
                      xaxis_title="weighted WTE-years per 1% more", **{**LAYOUT, "height": 120 + 28 * max(1, len(b))})
    cols = ["family", "index", "limit", "used", "unit", "value_of_one_more", "value_of_1pct_more",
            "holds_for_up_to", "meaning"]
    return fig, b[[c for c in cols if c in b.columns]].reset_index(drop=True)  # runs saved before ranging lack it
