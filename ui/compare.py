"""Side-by-side comparison of plans: inputs that differ and differences in shortfall, cost, allocations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from optimiser.io import RawScenario

from .diff import DIFF_COLUMNS, scenario_diff


@dataclass
class RunView:
    """One plan to compare: a label, its headline figures, result tables and (lazily) its scenario."""

    label: str
    summary: dict
    tables: dict[str, pd.DataFrame]
    load_raw: Callable[[], RawScenario | None]


HEADLINES = [
    ("status", "solver status", ""),
    ("weighted_shortfall", "weighted shortfall", "WTE-years"),
    ("status_quo_weighted_shortfall", "status quo weighted shortfall", "WTE-years"),
    ("total_shortfall_wte_years", "shortfall, unweighted", "WTE-years"),
    ("total_cost_gbp", "total cost", "GBP"),
    ("mip_gap", "MIP gap", "fraction"),
    ("budget_scale", "budget scale", "×"),
    ("objective_name", "objective", ""),
]


def headline_table(views: list[RunView]) -> pd.DataFrame:
    """A row per measure, a column per plan, and the change of each later plan from the first."""
    rows = []
    for key, name, unit in HEADLINES:
        row = {"measure": name, "unit": unit}
        for v in views:
            row[v.label] = v.summary.get(key)
        first = views[0].summary.get(key)
        for v in views[1:]:
            value = v.summary.get(key)
            if isinstance(first, int | float) and isinstance(value, int | float):
                row[f"{v.label} − {views[0].label}"] = value - first
        rows.append(row)
    return pd.DataFrame(rows)


def _format(value, unit: str) -> str:
    if value is None or isinstance(value, str):
        return "" if value is None else value
    if unit == "GBP":
        return f"£{value / 1e6:,.2f}m"
    if unit == "fraction":
        return f"{100 * value:.2f} %"
    if unit == "×":
        return f"×{value:g}"
    return f"{value:,.0f}"


def headline_display(table: pd.DataFrame) -> pd.DataFrame:
    """The headline table as text with units a planner reads at a glance (GBP m, %, WTE-years)."""
    out = table.copy()
    for col in out.columns[2:]:
        out[col] = [_format(v if not (isinstance(v, float) and pd.isna(v)) else None, u)
                    for v, u in zip(out[col], out["unit"], strict=True)]
    out["unit"] = out["unit"].replace({"GBP": "GBP m", "fraction": "%"})
    return out


def _side_by_side(views: list[RunView], frame: Callable[[dict], pd.Series], what: str) -> pd.DataFrame:
    cols = {v.label: frame(v.tables) for v in views}
    out = pd.DataFrame(cols).fillna(0.0)
    for v in views[1:]:
        out[f"{v.label} − {views[0].label}"] = out[v.label] - out[views[0].label]
    out.index.name = what
    return out.reset_index()


def _final_shortfall(tables: dict) -> pd.Series:
    p = tables.get("projection", pd.DataFrame())
    if p.empty:
        return pd.Series(dtype=float)
    return p[p["year"] == p["year"].max()].groupby("staff_group")["shortfall_wte"].sum()


def _total_shortfall(tables: dict) -> pd.Series:
    p = tables.get("projection", pd.DataFrame())
    if p.empty:
        return pd.Series(dtype=float)
    return p[p["year"] > p["year"].min()].groupby("staff_group")["shortfall_wte"].sum()


def shortfall_by_group(views: list[RunView], final_year_only: bool = False) -> pd.DataFrame:
    """Shortfall WTE per staff group (summed over measured years, or in the final year)."""
    return _side_by_side(views, _final_shortfall if final_year_only else _total_shortfall, "staff_group")


def _summed(table: str, by: str, value: str):
    """A per-plan Series: `value` summed by `by` in one of the run's result tables."""
    def f(t: dict) -> pd.Series:
        s = t.get(table, pd.DataFrame())
        return s.groupby(by)[value].sum() if not s.empty else pd.Series(dtype=float)

    return f


def starts_by_route(views: list[RunView]) -> pd.DataFrame:
    return _side_by_side(views, _summed("starts", "route", "starts"), "route")


def starts_by_region(views: list[RunView]) -> pd.DataFrame:
    return _side_by_side(views, _summed("starts", "region", "starts"), "placement region")


def recruits_by_region(views: list[RunView]) -> pd.DataFrame:
    return _side_by_side(views, _summed("international", "region", "recruits"), "region")


def cost_by_category(views: list[RunView]) -> pd.DataFrame:
    return _side_by_side(views, _summed("costs", "category", "gbp"), "cost category (GBP)")


def input_differences(views: list[RunView]) -> pd.DataFrame:
    """Every input that differs from the first plan's scenario, with the plan it differs in."""
    base = views[0].load_raw()
    frames = []
    for v in views[1:]:
        other = v.load_raw()
        if base is None or other is None:
            continue
        d = scenario_diff(base, other)
        d.insert(0, "plan", v.label)
        frames.append(d)
    if not frames:
        return pd.DataFrame(columns=["plan", *DIFF_COLUMNS])
    return pd.concat(frames, ignore_index=True)
