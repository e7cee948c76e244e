"""Charts and tables of an uncertainty sweep and of near-optimal alternatives, and the words for a
limit's range; each chart is returned with the table behind it (as in ui/charts.py)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go

from ui.charts import ALL, LAYOUT

BAND = "rgba(0, 94, 184, 0.20)"  # NHS blue, light: the P10-P90 band
PLAN_WORDS = {"status_quo": "status quo", "plan": "the plan", "reoptimised": "re-optimised in each future"}


# --- a limit's range (binding.csv's holds_for_up_to) ------------------------------------------


def holds_for_words(room, unit: str) -> str:
    """How far a limit's marginal value holds, in the limit's unit: '120 weeks', 'GBP 1,500,000',
    'no end' (the value holds however far the limit moves), 'the margin only' (a degenerate limit),
    or '' when the run has no ranging (saved before it existed, or the limit has no value)."""
    if room is None or pd.isna(room):
        return ""
    room = float(room)
    if math.isinf(room):
        return "no end"
    if room <= 1e-9:
        return "the margin only"
    number = f"{room:,.3g}" if room < 10 else f"{room:,.0f}"
    return f"GBP {number}" if unit == "GBP" else f"{number} {unit}".strip()


def with_holds_for(table: pd.DataFrame) -> pd.DataFrame:
    """The bottleneck table with binding.csv's `holds_for_up_to` number shown as 'holds for up to'
    words in each limit's unit (in the same place); a table without the column is returned as it is."""
    if "holds_for_up_to" not in table.columns:
        return table
    words = [holds_for_words(room, unit) for room, unit in zip(table["holds_for_up_to"], table["unit"], strict=True)]
    at = table.columns.get_loc("holds_for_up_to")
    out = table.drop(columns="holds_for_up_to")
    out.insert(at, "holds for up to", words)
    return out


# --- uncertainty sweep ------------------------------------------------------------------------


def band_chart(sweep, plan: str, group: str, region: str, run_out_years: list[int],
               group_label: str = "", region_label: str = "") -> tuple[go.Figure, pd.DataFrame]:
    """Shortfall over time across the sampled futures: P10-P90 shaded, P50 as a line; one region or
    all of them (the group's shortfall summed over regions in each future, then its quantiles)."""
    if region == ALL:
        df = sweep.shortfall_by_group
        df = df[(df["plan"] == plan) & (df["staff_group"] == group)]
    else:
        df = sweep.shortfall
        df = df[(df["plan"] == plan) & (df["staff_group"] == group) & (df["region"] == region)]
    table = df[["year", "p10_wte", "p50_wte", "p90_wte", "mean_wte", "futures"]].sort_values("year")
    table = table.assign(run_out_year=table["year"].isin(run_out_years)).reset_index(drop=True)
    fig = go.Figure()
    fig.add_scatter(x=table["year"], y=table["p90_wte"], name="P90", mode="lines",
                    line=dict(color="rgba(0, 94, 184, 0.5)", width=1))
    fig.add_scatter(x=table["year"], y=table["p10_wte"], name="P10 to P90 (80% of futures)", mode="lines",
                    fill="tonexty", fillcolor=BAND, line=dict(color="rgba(0, 94, 184, 0.5)", width=1))
    fig.add_scatter(x=table["year"], y=table["p50_wte"], name="P50 (median future)", mode="lines+markers",
                    line=dict(color="#005EB8", width=3))
    if run_out_years and table["run_out_year"].any():
        fig.add_vrect(x0=min(run_out_years) - 0.5, x1=max(run_out_years) + 0.5, fillcolor="#999999",
                      opacity=0.12, line_width=0, annotation_text="run-out years (no new starts)",
                      annotation_position="top left")
    fig.update_layout(title=f"Shortfall across futures: {group_label or group}, {region_label or region} "
                            f"({PLAN_WORDS.get(plan, plan)})",
                      xaxis_title="year (NHS financial year)", yaxis_title="shortfall (WTE)", **LAYOUT)
    return fig, table


def _percent(p: float) -> str:
    return "—" if pd.isna(p) else f"{100 * p:.0f}%"


def target_table(sweep, plan: str, groups: dict[str, str]) -> pd.DataFrame:
    """Per staff group with a target: the target and the chance it is met in every year from the
    target year (futures without a solution count as misses), formatted as percentages."""
    s = sweep.target_summary
    s = s[s["plan"] == plan]
    return pd.DataFrame({
        "staff group": [groups.get(g, g) for g in s["staff_group"]],
        "target: shortfall at most (share of demand)": [_percent(r) for r in s["target_shortfall_rate"]],
        "chance of meeting it in every year": [_percent(p) for p in s["probability_all_met"]],
    })


def target_years_table(sweep, plan: str, groups: dict[str, str], regions: dict[str, str],
                       run_out_years: list[int]) -> pd.DataFrame:
    """The chance of meeting each group's target in each region and year (run-out years marked)."""
    t = sweep.targets
    t = t[t["plan"] == plan]
    if t.empty:
        return pd.DataFrame()
    wide = t.pivot_table(index=["staff_group", "region"], columns="year", values="probability_met", aggfunc="first")
    wide.columns = [f"{y} (run-out)" if y in run_out_years else str(y) for y in wide.columns]
    wide = wide.apply(lambda col: col.map(_percent)).reset_index()
    wide["staff_group"] = wide["staff_group"].map(lambda g: groups.get(g, g))
    wide["region"] = wide["region"].map(lambda r: regions.get(r, r))
    return wide.rename(columns={"staff_group": "staff group"})


def totals_table(sweep) -> pd.DataFrame:
    """Weighted and unweighted shortfall over the whole run: P10/P50/P90 across futures beside the
    unperturbed scenario's figure."""
    t = sweep.totals.copy()
    t["plan"] = t["plan"].map(lambda p: PLAN_WORDS.get(p, p))
    t["measure"] = t["measure"].map({"weighted_shortfall": "weighted shortfall (WTE-years)",
                                     "total_shortfall_wte_years": "shortfall, unweighted (WTE-years)"})
    for c in ("p10", "p50", "p90", "mean", "unperturbed"):
        t[c] = t[c].map(lambda v: "—" if v is None or pd.isna(v) else f"{v:,.0f}")
    return t.rename(columns={"unperturbed": "as entered (no uncertainty)"})


# --- near-optimal alternatives ----------------------------------------------------------------


def _gbp(v) -> str:
    return "—" if v is None or pd.isna(v) else f"£{v / 1e6:,.2f}m"


def _number(v, fmt: str) -> str:
    return "—" if v is None or pd.isna(v) else format(v, fmt)


def alternatives_side_by_side(table: pd.DataFrame) -> pd.DataFrame:
    """One column per plan (the best first): its status, objective change, weighted shortfall, cost and
    the people moved from the best plan."""
    rows = {
        "status": list(table["status"]),
        "objective change vs best (%)": [_number(v, "+z.2f") for v in table["objective_change_pct"]],
        "weighted shortfall (WTE-years)": [_number(v, "z,.1f") for v in table["weighted_shortfall"]],
        "total cost": [_gbp(v) for v in table["total_cost_gbp"]],
        "people moved from the best plan": [_number(v, "z,.1f") for v in table["people_moved"]],
    }
    out = pd.DataFrame(rows, index=list(table["plan"])).T
    return out.rename_axis("measure").reset_index()


def alternatives_totals(totals: pd.DataFrame, plans: list[str]) -> tuple[go.Figure, pd.DataFrame]:
    """People per category for each plan: a grouped bar chart and the table behind it."""
    wide = totals.pivot_table(index="category", columns="plan", values="people", aggfunc="sum", sort=False)
    wide = wide[[p for p in plans if p in wide.columns]]
    fig = go.Figure()
    for plan in wide.columns:
        fig.add_bar(x=list(wide.index), y=wide[plan], name=plan)
    fig.update_layout(barmode="group", title="People in each category, by plan",
                      xaxis_title="category", yaxis_title="people (starts and recruits over the decision years)",
                      **LAYOUT)
    return fig, wide.round(1).reset_index()
