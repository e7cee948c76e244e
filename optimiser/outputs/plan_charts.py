"""A plan's pictures (plotly), each returned with the table it draws: the map of regions with
placement flows, heat maps of starts by provider x year and shortfall by region x year, and
supply against demand per staff group. The app's Results page and the board pack draw the same.

The map needs no tile server or downloaded outline (plotly's geo maps fetch their outlines from
the internet when drawn): region hubs are placed at their latitude and longitude on plain axes,
scaled so a degree of latitude and of longitude show their true lengths at the network's latitude.
"""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from optimiser.analysis import wording as w
from optimiser.analysis.plan_context import PlanContext

BLUE, DARK, RED, PALE = "#005EB8", "#333333", "#DA291C", "#41B6E6"  # NHS identity colours
LAYOUT = dict(margin=dict(l=10, r=10, t=60, b=10), legend=dict(orientation="h", y=-0.15))
MAX_LINE_WIDTH = 14.0  # pixels: the largest flow's line


def _decided(table: pd.DataFrame, ctx: PlanContext) -> pd.DataFrame:
    if table.empty or ctx.first_decision_year is None:
        return table
    return table[table["year"] >= ctx.first_decision_year]


def placement_flows(starts: pd.DataFrame, ctx: PlanContext) -> pd.DataFrame:
    """Learners starting in decision years, by the provider's region and the placement region."""
    columns = ["from_region", "to_region", "learners"]
    s = _decided(starts, ctx)
    if s.empty:
        return pd.DataFrame(columns=columns)
    s = s.assign(from_region=s["provider"].map(ctx.provider_region).fillna(s["region"]))
    flows = s.groupby(["from_region", "region"], as_index=False)["starts"].sum()
    flows.columns = columns
    return flows[flows["learners"] > 0].sort_values("learners", ascending=False).reset_index(drop=True)


def _measured(projection: pd.DataFrame) -> pd.DataFrame:
    return projection[projection["year"] > projection["year"].min()] if not projection.empty else projection


def region_map(starts: pd.DataFrame, projection: pd.DataFrame, ctx: PlanContext) -> tuple[go.Figure, pd.DataFrame] | None:
    """Region hubs at their coordinates, sized by the plan's shortfall (WTE-years over the measured
    years), with lines from each provider's region to where its learners are placed, as wide as the
    learners; None when the scenario gives no coordinates (regions.latitude, regions.longitude)."""
    if not ctx.coordinates:
        return None
    flows = placement_flows(starts, ctx)
    short = _measured(projection).groupby("region")["shortfall_wte"].sum() if not projection.empty else pd.Series(dtype=float)
    local = flows[flows["from_region"] == flows["to_region"]].set_index("from_region")["learners"]
    away = flows[flows["from_region"] != flows["to_region"]]
    fig = go.Figure()
    top = float(away["learners"].max()) if not away.empty else 1.0
    for row in away.itertuples(index=False):
        a, b = ctx.coordinates.get(row.from_region), ctx.coordinates.get(row.to_region)
        if a is None or b is None:
            continue
        text = f"{ctx.name(row.from_region)} → {ctx.name(row.to_region)}: {w.count(row.learners)} learners placed"
        fig.add_scatter(x=[a[1], b[1]], y=[a[0], b[0]], mode="lines", hoverinfo="text", hovertext=text,
                        line=dict(color=BLUE, width=1 + (MAX_LINE_WIDTH - 1) * row.learners / top),
                        opacity=0.55, showlegend=False)
        fig.add_scatter(x=[(a[1] + b[1]) / 2], y=[(a[0] + b[0]) / 2], mode="markers", hoverinfo="text",
                        hovertext=text, marker=dict(size=10, opacity=0), showlegend=False)
    regions = list(ctx.coordinates)
    biggest = max([float(short.get(r, 0.0)) for r in regions] + [1.0])
    sizes = [14 + 36 * float(short.get(r, 0.0)) / biggest for r in regions]
    lats = [c[0] for c in ctx.coordinates.values()]
    lons = [c[1] for c in ctx.coordinates.values()]
    pad_lat, pad_lon = max(0.15, (max(lats) - min(lats)) * 0.15), max(0.8, (max(lons) - min(lons)) * 0.5)
    fig.add_scatter(
        x=[ctx.coordinates[r][1] for r in regions], y=[ctx.coordinates[r][0] for r in regions],
        mode="markers+text", text=[ctx.name(r) for r in regions],
        textposition=_label_sides(ctx, sizes, max(lats) - min(lats) + 2 * pad_lat),
        marker=dict(size=sizes, color=PALE, line=dict(color=BLUE, width=2), opacity=0.9),
        hoverinfo="text", showlegend=False, cliponaxis=False,
        hovertext=[f"{ctx.name(r)}<br>shortfall in the plan: {w.wte(short.get(r, 0.0))}"
                   f"<br>learners placed from providers in the region: {w.count(local.get(r, 0))}" for r in regions])
    mid = (min(lats) + max(lats)) / 2
    fig.update_layout(
        title="Regions at their hubs: placement flows (line width: learners placed from providers in another "
              "region) and shortfall (circle size)",
        xaxis=dict(title="longitude (degrees east)", range=[min(lons) - pad_lon, max(lons) + pad_lon],
                   constrain="domain", showgrid=True, gridcolor="#eeeeee", zeroline=False),
        yaxis=dict(title="latitude (degrees north)", range=[min(lats) - pad_lat, max(lats) + pad_lat],
                   scaleanchor="x", scaleratio=1 / math.cos(math.radians(mid)), showgrid=True,
                   gridcolor="#eeeeee", zeroline=False),
        plot_bgcolor="white", height=560, **LAYOUT)
    table = flows.assign(**{"from": flows["from_region"].map(ctx.name), "to": flows["to_region"].map(ctx.name)})
    return fig, table[["from", "to", "learners"]]


LABEL_PLACES = ("top center", "bottom center", "middle right", "middle left", "top right", "top left",
                "bottom right", "bottom left")
CHARACTER_PX, LINE_PX, PLOT_HEIGHT_PX = 6.5, 14.0, 430.0  # a label's size and the map's height, roughly


def _label_sides(ctx: PlanContext, sizes: list[float], lat_range: float) -> list[str]:
    """Where each hub's label goes: the first place (above, below, right, left, then the corners)
    whose box, in screen pixels, overlaps no hub's circle and no label placed before it."""
    px = PLOT_HEIGHT_PX / max(lat_range, 1e-9)  # pixels per degree of latitude
    mid = math.radians(sum(c[0] for c in ctx.coordinates.values()) / max(len(ctx.coordinates), 1))
    centres = [(lon * px * math.cos(mid), lat * px) for lat, lon in ctx.coordinates.values()]
    radii = [size / 2 for size in sizes]
    taken = [(x - r, y - r, x + r, y + r) for (x, y), r in zip(centres, radii, strict=True)]
    out = []
    for (x, y), r, region in zip(centres, radii, ctx.coordinates, strict=True):
        width, height = CHARACTER_PX * len(ctx.name(region)), LINE_PX
        own = (x - r, y - r, x + r, y + r)
        chosen = LABEL_PLACES[0]
        for place in LABEL_PLACES:
            vertical, horizontal = place.split()
            left = {"center": x - width / 2, "right": x + r, "left": x - r - width}[horizontal]
            bottom = {"top": y + r, "bottom": y - r - height, "middle": y - height / 2}[vertical]
            box = (left, bottom, left + width, bottom + height)
            if not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3]
                       for b in taken if b != own):
                chosen = place
                taken.append(box)
                break
        out.append(chosen)
    return out


def _heatmap(table: pd.DataFrame, title: str, unit: str, colours: str) -> go.Figure:
    text = [[w.count(v) if abs(v) >= 10 or v == 0 else f"{v:.1f}" for v in row] for row in table.to_numpy()]
    fig = go.Figure(go.Heatmap(z=table.to_numpy(), x=[str(c) for c in table.columns], y=list(table.index),
                               colorscale=colours, text=text, texttemplate="%{text}", colorbar=dict(title=unit),
                               hovertemplate="%{y}, %{x}: %{z:,.1f} " + unit + "<extra></extra>"))
    fig.update_layout(title=title, xaxis=dict(title="year", type="category"), yaxis=dict(autorange="reversed"),
                      height=max(260, 140 + 34 * len(table)), **LAYOUT)
    return fig


def _shown(table: pd.DataFrame) -> pd.DataFrame:
    """A heat map's numbers as a table: a column per year, named as text like its first column."""
    out = table.reset_index()
    out.columns = [str(c) for c in out.columns]
    return out


def starts_heatmap(starts: pd.DataFrame, ctx: PlanContext) -> tuple[go.Figure, pd.DataFrame]:
    """Learner starts by provider and route (rows) and year (columns), decision years."""
    s = _decided(starts, ctx)
    if s.empty:
        return go.Figure().update_layout(title="No training starts in this plan", **LAYOUT), pd.DataFrame()
    s = s.assign(row=s["provider"].map(ctx.name) + ", " + s["route"].map(ctx.name))
    table = s.pivot_table(index="row", columns="year", values="starts", aggfunc="sum", fill_value=0)
    table = table.loc[table.sum(axis=1).sort_values(ascending=False).index]
    table.index.name = "provider, route"
    return _heatmap(table, "Learner starts by provider, route and year", "starts", "Blues"), _shown(table)


def shortfall_heatmap(projection: pd.DataFrame, ctx: PlanContext, group: str | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """Shortfall (WTE, every staff group or one) by region and year, measured years."""
    p = _measured(projection)
    if group is not None:
        p = p[p["staff_group"] == group]
    if p.empty:
        return go.Figure().update_layout(title="No shortfall to show", **LAYOUT), pd.DataFrame()
    table = p.assign(row=p["region"].map(ctx.name)).pivot_table(index="row", columns="year", values="shortfall_wte",
                                                               aggfunc="sum", fill_value=0.0)
    table.index.name = "region"
    who = "every staff group" if group is None else ctx.name(group)
    return _heatmap(table, f"Shortfall by region and year (WTE, {who})", "WTE", "Reds"), _shown(table)


def supply_demand_panels(projection: pd.DataFrame, status_quo: pd.DataFrame | None, ctx: PlanContext,
                         columns: int = 3) -> tuple[go.Figure, pd.DataFrame]:
    """Supply against demand per staff group over the network, plan and status quo: one panel each."""
    groups = list(dict.fromkeys(projection["staff_group"])) if not projection.empty else []
    if not groups:
        return go.Figure().update_layout(title="No projection to show", **LAYOUT), pd.DataFrame()
    plan = projection.groupby(["staff_group", "year"])[["supply_wte", "demand_wte"]].sum()
    sq = status_quo.groupby(["staff_group", "year"])["supply_wte"].sum() if status_quo is not None and not status_quo.empty else None
    rows = -(-len(groups) // columns)
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=[ctx.name(g) for g in groups],
                        vertical_spacing=0.5 / max(rows, 1), horizontal_spacing=0.06)
    for i, g in enumerate(groups):
        r, c = i // columns + 1, i % columns + 1
        d = plan.loc[g]
        first = i == 0
        fig.add_scatter(x=d.index, y=d["demand_wte"], name="Demand", line=dict(color=DARK, width=2),
                        legendgroup="d", showlegend=first, row=r, col=c)
        fig.add_scatter(x=d.index, y=d["supply_wte"], name="Supply: plan", line=dict(color=BLUE, width=2),
                        legendgroup="p", showlegend=first, row=r, col=c)
        if sq is not None and g in sq.index.get_level_values(0):
            s = sq.loc[g]
            fig.add_scatter(x=s.index, y=s.values, name="Supply: status quo", line=dict(color=RED, dash="dash"),
                            legendgroup="s", showlegend=first, row=r, col=c)
    fig.update_annotations(font_size=12)  # the panel titles: long group names fit their panel
    fig.update_layout(title="Supply against demand by staff group (WTE, whole network)", height=230 * rows + 140,
                      **{**LAYOUT, "margin": dict(l=10, r=10, t=110, b=10),
                         "legend": dict(orientation="h", y=0.99, yanchor="top", x=1, xanchor="right",
                                        yref="container")})
    table = plan.reset_index()
    if sq is not None:
        table = table.merge(sq.rename("status_quo_supply_wte").reset_index(), on=["staff_group", "year"], how="left")
    table["staff_group"] = table["staff_group"].map(ctx.name)
    return fig, table
