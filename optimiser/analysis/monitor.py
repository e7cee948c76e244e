"""A plan against what really happened: one line per measure and place, with the variance, its
share of the plan and a red/amber/green flag.

- in post (WTE): each dated actual (a monthly ESR extract) against the plan's stock, which the
  plan gives on 1 April of each year; between two 1 Aprils the plan is interpolated linearly by
  days, and each line says so (`basis`);
- starts by provider, route and year (summed over placement regions), recruits by route, region
  and year, WTE retained by staff group, region and year, spend by category and year: for every
  year the actuals table covers, each plan line and each actual line (a missing one counts as 0).

Flags compare |actual - plan| / plan with the actuals' settings amber_at and red_at (either way:
under- and over-delivery both mean the plan is not being followed); a line planned at 0 is green
when the actual is 0 too and red otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimiser.analysis.plan_folder import PlanTables
from optimiser.scenario.actuals import Actuals, financial_year_start
from optimiser.scenario.scenario import Scenario

LINE_COLUMNS = ["measure", "staff_group", "region", "provider", "route", "category", "year", "date",
                "plan", "actual", "variance", "variance_pct", "flag", "unit", "basis"]
MEASURES = {  # measure -> unit
    "in post": "WTE", "starts": "starts", "recruits": "recruits", "retained": "WTE", "spend": "GBP",
}
FLAGS = ("red", "amber", "green")


@dataclass(frozen=True)
class MonitorReport:
    scenario_name: str
    lines: pd.DataFrame  # LINE_COLUMNS
    amber_at: float
    red_at: float
    as_of: str
    level: str = "region"

    def counts(self) -> pd.DataFrame:
        """Lines per measure and flag."""
        if self.lines.empty:
            return pd.DataFrame(columns=["measure", *FLAGS])
        table = self.lines.groupby(["measure", "flag"]).size().unstack(fill_value=0)
        return table.reindex(columns=list(FLAGS), fill_value=0).reset_index()


def flag_lines(lines: pd.DataFrame, amber_at: float, red_at: float) -> pd.DataFrame:
    """variance, variance_pct and flag from plan and actual."""
    lines = lines.copy()
    lines["variance"] = lines["actual"] - lines["plan"]
    planned = lines["plan"].abs() > 1e-9
    lines["variance_pct"] = np.where(planned, lines["variance"] / lines["plan"].where(planned, 1.0), np.nan)
    share = lines["variance_pct"].abs()
    unplanned = ~planned & (lines["actual"].abs() > 1e-9)
    lines["flag"] = np.select([unplanned | (share >= red_at - 1e-12), share >= amber_at - 1e-12],
                              ["red", "amber"], "green")
    return lines


def _in_post(plan: PlanTables, actuals: Actuals) -> pd.DataFrame:
    act = actuals.tables["actual_in_post"]
    if act.empty:
        return pd.DataFrame(columns=LINE_COLUMNS)
    stock = plan.tables["projection"].set_index(["staff_group", "region", "year"])["supply_wte"]
    rows = []
    for _, r in act.iterrows():
        date = r["date"]
        year = date.year if date >= financial_year_start(date.year) else date.year - 1
        start, end = financial_year_start(year), financial_year_start(year + 1)
        s0 = stock.get((r["staff_group"], r["region"], year), np.nan)
        if date == start:
            value, basis = s0, f"plan's stock on 1 April {year}"
        else:
            s1 = stock.get((r["staff_group"], r["region"], year + 1), np.nan)
            share = (date - start).days / (end - start).days
            value = s0 + share * (s1 - s0)
            basis = (f"interpolated linearly {share:.0%} of the way from 1 April {year} ({s0:,.1f}) "
                     f"to 1 April {year + 1} ({s1:,.1f})")
        rows.append({"measure": "in post", "staff_group": r["staff_group"], "region": r["region"], "year": year,
                     "date": date.strftime("%Y-%m-%d"), "plan": float(value), "actual": float(r["in_post_wte"]),
                     "basis": basis})
    return pd.DataFrame(rows)


def _compare(measure: str, plan_df: pd.DataFrame, act_df: pd.DataFrame, keys: list[str],
             plan_value: str, act_value: str, basis: str) -> pd.DataFrame:
    """Plan and actual summed by `keys`, over the years the actuals cover (absent = 0)."""
    years = sorted(set(act_df["year"].astype(int)))
    if not years:
        return pd.DataFrame(columns=LINE_COLUMNS)
    p = plan_df.copy()
    p["year"] = p["year"].astype(int)
    p = p[p["year"].isin(years)].groupby(keys)[plan_value].sum().rename("plan")
    a = act_df.copy()
    a["year"] = a["year"].astype(int)
    a = a.groupby(keys)[act_value].sum().rename("actual")
    both = pd.concat([p, a], axis=1).fillna(0.0).reset_index()
    both["measure"] = measure
    both["basis"] = basis
    return both


def monitor(plan: PlanTables, scenario: Scenario, actuals: Actuals) -> MonitorReport:
    """Every measure the actuals give, plan against actual, flagged."""
    t, a = plan.tables, actuals.tables
    home = dict(zip(scenario.tables["providers"]["provider"], scenario.tables["providers"]["region"], strict=True))
    starts_act = a["actual_starts"].copy()
    starts = _compare("starts", t["starts"], starts_act, ["provider", "route", "year"], "starts", "starts",
                      "plan's starts of the provider and route, summed over placement regions")
    if not starts.empty:
        starts["region"] = starts["provider"].map(home).fillna("")  # the provider's region, for roll-ups
    retained_plan = t["retention"][["staff_group", "region", "year", "retained_wte"]]
    parts = [
        _in_post(plan, actuals),
        starts,
        _compare("recruits", t["recruits"], a["actual_recruits"], ["route", "region", "year"], "recruits", "recruits",
                 "plan's recruits of the route arriving in the region"),
        _compare("retained", retained_plan, a["actual_retained"], ["staff_group", "region", "year"], "retained_wte",
                 "retained_wte", "plan's WTE kept by retention schemes, summed over schemes"),
        _compare("spend", t["costs"], a["actual_spend"], ["category", "year"], "gbp", "gbp",
                 "plan's cost of the category in the year"),
    ]
    lines = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(not p.empty for p in parts) \
        else pd.DataFrame(columns=LINE_COLUMNS)
    lines = lines.reindex(columns=LINE_COLUMNS)
    for col in ("staff_group", "region", "provider", "route", "category", "date"):
        lines[col] = lines[col].fillna("").astype(str)
    lines["unit"] = lines["measure"].map(MEASURES)
    lines = flag_lines(lines, actuals.amber_at, actuals.red_at)[LINE_COLUMNS]
    order = {m: i for i, m in enumerate(MEASURES)}
    lines = lines.sort_values(["measure", "year", "date", "staff_group", "region", "provider", "route", "category"],
                              key=lambda s: s.map(order) if s.name == "measure" else s).reset_index(drop=True)
    return MonitorReport(scenario.name, lines, actuals.amber_at, actuals.red_at, actuals.as_of)
