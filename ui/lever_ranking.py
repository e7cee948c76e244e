"""Where the next pound goes: the plan's lever ranking (levers.csv) with plain names, best first.

Each row of the engine's table is one lever at its best place and year: the weighted WTE-years of
gap one more unit would close (from the plan's shadow prices), its cost per unit, and the two
divided: weighted WTE-years per GBP 1m. Only the naming is done here; the figures are the engine's.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from optimiser import RawScenario

from .charts import LAYOUT, group_names

KIND_WORDS = {
    "commissions": "Commission more training places",
    "retention": "Fund a retention scheme",
    "returner recruits": "Recruit returners to practice",
    "international recruits": "Recruit internationally",
    "extra educators": "Fund extra practice educators",
    "budget": "Add GBP 1m to a year's budget",
}


def _words(identifier: str) -> str:
    return identifier.replace("_", " ")


def plain_name(lever: str, name: str, raw: RawScenario | None) -> str:
    """The lever in a planner's words, from the scenario's own tables (routes, retention, staff groups)."""
    tables = raw.tables if raw is not None else {}
    groups = group_names(raw)
    if lever == "budget":
        return f"GBP 1m more in the {name} budget"
    if lever == "extra educators":
        return "Extra practice educators"
    if lever == "retention" and "retention" in tables:
        rows = tables["retention"][tables["retention"]["scheme"] == name]
        if len(rows):
            group = groups.get(rows["staff_group"].iloc[0], _words(rows["staff_group"].iloc[0]))
            applies = rows["applies_to"].iloc[0] if "applies_to" in rows.columns else ""
            kind = "flexible retirement (retire and return)" if applies == "retirements" else "retention (fewer leavers)"
            return f"{group}: {kind}"
    if "routes" in tables:
        rows = tables["routes"][tables["routes"]["route"] == name]
        if len(rows):
            produces = groups.get(rows["produces"].iloc[0], _words(rows["produces"].iloc[0]))
            verb = "trains" if lever == "commissions" else "brings"
            named = str(rows["name"].iloc[0]).strip() if "name" in rows.columns else ""  # routes.csv name, if given
            return f"{named or _words(name)} ({verb} {produces})"
    return _words(name) or KIND_WORDS.get(lever, lever)


def ranking(levers: pd.DataFrame, raw: RawScenario | None) -> pd.DataFrame:
    """The lever table best first (weighted WTE-years per GBP 1m, highest first), named plainly."""
    if levers.empty:
        return pd.DataFrame(columns=["rank", "lever", "kind", "where", "gbp_per_unit", "wte_years_per_unit",
                                     "wte_years_per_gbp_m"])
    out = levers.sort_values("wte_years_per_gbp_m", ascending=False, kind="stable").reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    out["kind"] = out["lever"].map(lambda k: KIND_WORDS.get(k, k))
    out["lever"] = [plain_name(k, str(n), raw) for k, n in zip(out["lever"], out["name"], strict=True)]
    return out[["rank", "lever", "kind", "where", "gbp_per_unit", "wte_years_per_unit", "wte_years_per_gbp_m"]]


def ranking_chart(table: pd.DataFrame, top: int = 12) -> go.Figure:
    """The best `top` levers as horizontal bars, best at the top."""
    t = table.head(top)
    fig = go.Figure(go.Bar(x=t["wte_years_per_gbp_m"][::-1], y=(t["rank"].astype(str) + ". " + t["lever"])[::-1],
                           orientation="h", hovertext=t["where"][::-1], hoverinfo="text+x", marker_color="#005EB8"))
    fig.update_layout(title="Where the next pound goes: weighted WTE-years of gap closed per GBP 1m, at the margin",
                      xaxis_title="weighted WTE-years per GBP 1m", **{**LAYOUT, "height": 140 + 30 * max(1, len(t))})
    return fig
