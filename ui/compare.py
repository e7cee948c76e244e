"""Compare page presentation: the engine's headline table (optimiser.compare_runs) as planner-readable text."""

from __future__ import annotations

import pandas as pd


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


def flag_within_tolerance(shown: pd.DataFrame, reference: str, checks: dict) -> pd.DataFrame:
    """The displayed headline with each difference inside the solver's tolerance marked as such
    (`checks`: later plan's label -> ui.tolerance.ToleranceCheck against `reference`)."""
    out = shown.copy()
    for later, found in checks.items():
        column = f"{later} − {reference}"
        if found.within and column in out.columns:
            row = out["measure"] == found.measure
            out.loc[row, column] = out.loc[row, column] + f" (within solver tolerance ±{found.tolerance:,.0f})"
    return out
