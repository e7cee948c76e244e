"""Charts of the v2 levers and demand, each returned with the table behind it, and the run-out
years marked on every chart over time.

Run-out years (scenario.toml `run_out_years`) follow the last year with starts: no new decisions,
but learners still finish and their shortfall still counts. A grey band labelled "run-out years"
covers them, so a planner does not read the empty starts there as a collapse.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from optimiser import RawScenario

from .charts import LAYOUT, group_names, region_names

RUN_OUT_FILL = "rgba(120, 120, 120, 0.15)"


def run_out_span(run_out_years: str) -> tuple[int, int] | None:
    """(first, last) of a result's run_out_years text ("2038-2042" or "2038"); None when there are none."""
    text = (run_out_years or "").strip()
    if not text:
        return None
    first, _, last = text.partition("-")
    return int(first), int(last or first)


def mark_run_out(fig: go.Figure, span: tuple[int, int] | None) -> go.Figure:
    """A shaded band with its label over the run-out years (bars are centred on their year)."""
    if span is not None:
        fig.add_vrect(x0=span[0] - 0.5, x1=span[1] + 0.5, fillcolor=RUN_OUT_FILL, line_width=0, layer="below",
                      annotation_text="run-out years (no new starts)", annotation_position="top left",
                      annotation_font_size=11)
    return fig


def _stacked(table: pd.DataFrame, title: str, x_title: str, y_title: str, labels: dict[str, str]) -> go.Figure:
    fig = go.Figure()
    for col in table.columns:
        fig.add_bar(x=table.index, y=table[col], name=labels.get(col, col))
    fig.update_layout(barmode="stack", title=title, xaxis_title=x_title, yaxis_title=y_title, **LAYOUT)
    return fig


def _with_total(table: pd.DataFrame) -> pd.DataFrame:
    out = table.copy()
    out["total"] = out.sum(axis=1)
    return out.reset_index()


def educators_chart(educators: pd.DataFrame, raw: RawScenario | None) -> tuple[go.Figure, pd.DataFrame]:
    """Extra practice educator WTE per year, stacked by region."""
    table = educators.pivot_table(index="year", columns="region", values="extra_educator_wte", aggfunc="sum",
                                  fill_value=0)
    fig = _stacked(table, "Extra practice educators by region and year", "year", "extra educator WTE",
                   region_names(raw))
    return fig, _with_total(table)


def _scheme_kinds(raw: RawScenario | None) -> dict[str, str]:
    """Each retention scheme in words: flexible retirement when it applies to retirements, else retention."""
    if raw is None or "retention" not in raw.tables:
        return {}
    df = raw.tables["retention"]
    applies = df["applies_to"] if "applies_to" in df.columns else pd.Series([""] * len(df), index=df.index)
    return {s: ("flexible retirement (retire and return)" if a.strip() == "retirements" else "retention (fewer leavers)")
            for s, a in zip(df["scheme"], applies, strict=True)}


def retention_chart(retention: pd.DataFrame, raw: RawScenario | None, by: str) -> tuple[go.Figure, pd.DataFrame]:
    """WTE kept in post by retention and flexible-retirement schemes, per year, stacked by staff
    group or by kind of scheme."""
    if retention.empty:
        return go.Figure().update_layout(title="The plan uses no retention scheme", **LAYOUT), retention
    df = retention.assign(kind=retention["scheme"].map(_scheme_kinds(raw)).fillna("retention"))
    column = "staff_group" if by == "staff group" else "kind"
    table = df.pivot_table(index="year", columns=column, values="retained_wte", aggfunc="sum", fill_value=0)
    fig = _stacked(table, f"WTE kept in post by retention schemes, by {by} and year", "year", "WTE retained",
                   group_names(raw))
    return fig, _with_total(table)


def route_names(raw: RawScenario | None) -> dict[str, str]:
    """Route id -> routes.csv name where one is given (blank: the id in words)."""
    if raw is None or "routes" not in raw.tables or "name" not in raw.tables["routes"].columns:
        return {}
    df = raw.tables["routes"]
    return {r: n.strip() for r, n in zip(df["route"], df["name"].astype(str), strict=True) if n.strip()}


def recruits_chart(recruits: pd.DataFrame, raw: RawScenario | None = None) -> tuple[go.Figure, pd.DataFrame]:
    """Recruits by route (returners to practice, international) per year."""
    if recruits.empty:
        return go.Figure().update_layout(title="No recruits in this plan", **LAYOUT), recruits
    names = route_names(raw)
    words = recruits["route"].map(lambda r: names.get(r, r.replace("_", " ")))
    df = recruits.assign(route_kind=recruits["kind"] + ": " + words)
    table = df.pivot_table(index="year", columns="route_kind", values="recruits", aggfunc="sum", fill_value=0)
    fig = _stacked(table, "Returners and international recruits by route and arrival year", "arrival year",
                   "recruits", {})
    return fig, _with_total(table)


def demand_chart(by_modality: pd.DataFrame, group: str, region: str, raw: RawScenario | None,
                 modality_names: dict[str, str]) -> tuple[go.Figure, pd.DataFrame]:
    """One staff group's demand from imaging activity, stacked by modality (all regions or one)."""
    df = by_modality[by_modality["staff_group"] == group]
    if region != "All regions":
        df = df[df["region"] == region]
    table = df.pivot_table(index="year", columns="modality", values="demand_wte", aggfunc="sum", fill_value=0)
    fig = go.Figure()
    for col in table.columns:
        fig.add_scatter(x=table.index, y=table[col], name=modality_names.get(col, col), stackgroup="work",
                        mode="lines")
    groups, regions = group_names(raw), region_names(raw)
    fig.update_layout(title=f"{groups.get(group, group)}: demand from imaging activity, "
                            f"{regions.get(region, region)} (WTE by modality)",
                      xaxis_title="year", yaxis_title="WTE needed", **LAYOUT)
    return fig, _with_total(table)


def demand_by_group_region(by_modality: pd.DataFrame, year: int, raw: RawScenario | None) -> pd.DataFrame:
    """Activity-driven demand in one year: staff group by region (WTE), with names."""
    df = by_modality[by_modality["year"] == year]
    table = df.pivot_table(index="staff_group", columns="region", values="demand_wte", aggfunc="sum", fill_value=0)
    table = table.rename(index=group_names(raw), columns=region_names(raw))
    table["all regions"] = table.sum(axis=1)
    return table.reset_index().rename(columns={"staff_group": "staff group"})


def _pairs(skill_mix: pd.DataFrame, raw: RawScenario | None) -> pd.DataFrame:
    names = group_names(raw)
    modality = skill_mix["modality"].fillna("").astype(str)
    label = (skill_mix["covering_group"].map(lambda g: names.get(g, g)) + " doing "
             + skill_mix["covered_group"].map(lambda g: names.get(g, g)) + " work"
             + modality.map(lambda q: f" ({q.replace('_', ' ')})" if q else ""))
    return skill_mix.assign(deployment=label).groupby(["deployment", "year"], as_index=False)["deployed_wte"].sum()


def skill_mix_chart(plan: pd.DataFrame, status_quo: pd.DataFrame | None,
                    raw: RawScenario | None) -> tuple[go.Figure, pd.DataFrame]:
    """WTE deployed on another group's work, all regions, plan (solid) against status quo (dashed)."""
    if plan.empty and (status_quo is None or status_quo.empty):
        return go.Figure().update_layout(title="No skill mix in this scenario", **LAYOUT), plan
    p = _pairs(plan, raw).rename(columns={"deployed_wte": "plan_wte"})
    s = (_pairs(status_quo, raw).rename(columns={"deployed_wte": "status_quo_wte"})
         if status_quo is not None and not status_quo.empty else p[["deployment", "year"]].assign(status_quo_wte=0.0))
    table = p.merge(s, on=["deployment", "year"], how="outer").fillna(0.0).sort_values(["deployment", "year"])
    fig = go.Figure()
    palette = ["#005EB8", "#DA291C", "#009639", "#ED8B00", "#7C2855", "#00A499", "#425563", "#AE2573"]
    for i, (name, rows) in enumerate(table.groupby("deployment", sort=True)):
        colour = palette[i % len(palette)]
        fig.add_scatter(x=rows["year"], y=rows["plan_wte"], name=f"{name}: plan", line=dict(color=colour, width=3))
        fig.add_scatter(x=rows["year"], y=rows["status_quo_wte"], name=f"{name}: status quo",
                        line=dict(color=colour, dash="dash"))
    fig.update_layout(title="Skill mix: WTE deployed on another group's work (plan solid, status quo dashed)",
                      xaxis_title="year", yaxis_title="WTE deployed", **{**LAYOUT, "height": 520})
    return fig, table.reset_index(drop=True)
