"""Where the next pound goes: every lever a plan pulls (commissions by route, recruits by route,
retention schemes, extra educators) and every yearly budget, ranked by what one more GBP 1m would
buy at the margin, in the objective's unit (below).

For a decision column j the gain of one more unit is what it does through the stock and flow at
the plan's marginal values (the duals y of the definition rows: stock balances, demand coverage,
own work), plus the value of any capacity it adds room to (an extra educator to educator
capacity), net of its own objective term:

    gain_j = sum_{i definition row} a_ij * y_i + sum_{i capacity row j relieves} a_ij * y_i - c_j
    per GBP 1m = gain_j / cost_j * 1e6,  cost_j = GBP per unit over every model year (undiscounted)

(in weighted WTE-years per unit). The limits a lever uses up are left out on purpose: its own cap
(provider starts, pools, a scheme's reach), the capacities it loads and the budgets are what the
planner would change to spend more on it, and each has its own shadow price in binding.csv.
Room a start adds to rows that ration starts and recruits themselves (next year's stability
allowance, a policy share's allowance for other routes) is left out too: it is worth something only
when further starts or recruits are bought, whose money is not in this lever's cost_j. Counting it
divided the value of a chain of starts by the price of one (the West Midlands default's
support-worker places read 13,756 weighted WTE-years per GBP 1m, of which 9,389 was the next year's
allowance; 4,367 is their own). A lever is shown at its best column (`where`: provider or staff
group, region and year).
A yearly budget's figure is its shadow price per GBP 1m (the same as binding.csv's). The duals are
those of the shadow-price LP (cohort decisions fixed, starts and recruits continuous).

The figures are in the objective's own unit (`LEVER_UNITS`):
- min_shortfall: weighted WTE-years of shortfall closed per GBP 1m (`wte_years_per_unit`,
  `wte_years_per_gbp_m`);
- min_cost and min_system_cost: GBP saved per GBP 1m spent on the lever, net of that GBP 1m
  (`gbp_saved_per_unit`, `gbp_saved_per_gbp_m`). Under min_system_cost the saving is the gap premium
  the lever's staff avoid (present value) less its own cost: above 0 the lever pays for itself, and
  the plan holds back from it only because a limit (its cap, a capacity, a budget) stops it. Under
  min_cost it is what the lever's staff save on the other levers that meet the targets (through the
  targets' shadow prices, and the gap premium after target_last_year) less its own cost. For a
  budget it is the objective's saving per GBP 1m more budget.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from optimiser.model.build import DECISIONS
from optimiser.model.data import ModelData
from optimiser.model.parts import Role

LEVER_COLUMNS = ["lever", "name", "where", "gbp_per_unit", "wte_years_per_unit", "wte_years_per_gbp_m"]
# The value columns and their words, by objective (the first two columns stay the same).
LEVER_UNITS = {
    "min_shortfall": ("wte_years_per_unit", "wte_years_per_gbp_m", "weighted WTE-years of shortfall it closes"),
    "min_cost": ("gbp_saved_per_unit", "gbp_saved_per_gbp_m", "GBP it saves net of its own cost"),
    "min_system_cost": ("gbp_saved_per_unit", "gbp_saved_per_gbp_m",
                        "GBP of system cost (spending plus gap premium, present value) it saves net of its own cost"),
}


def lever_columns(objective: str) -> list[str]:
    """levers.csv's columns under an objective: the value per unit and per GBP 1m in its unit."""
    per_unit, per_m, _words = LEVER_UNITS.get(objective, LEVER_UNITS["min_shortfall"])
    return [*LEVER_COLUMNS[:4], per_unit, per_m]


def lever_value(levers: pd.DataFrame, objective: str | None = None) -> tuple[str, str]:
    """(the per-GBP-1m column of a lever ranking, what it counts): the objective's when given and
    known, else whichever value column the ranking has."""
    if objective in LEVER_UNITS and LEVER_UNITS[objective][1] in levers.columns:
        return LEVER_UNITS[objective][1], LEVER_UNITS[objective][2]
    for _per_unit, per_m, words in LEVER_UNITS.values():
        if per_m in levers.columns:
            return per_m, words
    return LEVER_COLUMNS[-1], LEVER_UNITS["min_shortfall"][2]


BUDGET_YEARLY = "budget_yearly"
BUDGETS = (BUDGET_YEARLY, "budget_total")  # the money itself: what the ranking divides by
# Limits on starts and recruits themselves: the room a start adds to them buys nothing until more
# starts or recruits are paid for, so it is no part of a lever's own gain per pound.
RATIONING = ("stability_up", "stability_down", "policy_share_max", "policy_share_min")
NAMING = ("route", "scheme", "kind")  # index parts that name the lever, not where it is pulled


def _index_words(key, data: ModelData) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    names = {**data.provider_names, **data.region_names, **data.group_names}
    return ", ".join(names.get(p, str(p)) if isinstance(p, str) else str(p) for p in parts)


def _row_numbers(compiled, names: list[str]) -> np.ndarray:
    """The row numbers of the named constraint families (`rows_of` without the keys: faster)."""
    row_of, out = compiled.row_of, []
    for name in names:
        component = getattr(compiled.model, name, None)
        if component is not None:
            for con in component.values():
                out.extend(row_of.get(id(con), ()))
    return np.asarray(out, dtype=np.int64)


def read_levers(m: pyo.ConcreteModel, data: ModelData, compiled, duals: np.ndarray | None,
                binding: pd.DataFrame) -> pd.DataFrame:
    """The ranking, best first, in the objective's unit (see the module's docstring); empty without duals."""
    columns = lever_columns(m.objective_name)
    if duals is None:
        return pd.DataFrame(columns=columns)
    others = [name for name, family in m.families.items() if family.role is not Role.DEFINITION]
    limits = [name for name, family in m.families.items()
              if family.role is Role.LIMIT and name not in BUDGETS and name not in RATIONING]
    y = np.array(duals, dtype=float)  # the definition rows' duals: every row but the other families'
    y[_row_numbers(compiled, others)] = 0.0
    gain = np.asarray(compiled.matrix.T @ y, dtype=float) - compiled.cost
    limit_rows = _row_numbers(compiled, limits)
    if len(limit_rows):
        part = compiled.matrix.tocsr()[limit_rows]
        upper = np.isfinite(compiled.row_upper[limit_rows])
        # room is added by a negative entry in a row with an upper limit, a positive one in a lower
        y_upper = np.where(upper, duals[limit_rows], 0.0)
        y_lower = np.where(upper, 0.0, duals[limit_rows])
        gain += np.asarray(part.minimum(0).T @ y_upper + part.maximum(0).T @ y_lower, dtype=float).ravel()
    per_column = gain.tolist()  # plain floats: numpy scalars cost more than the loop's own work
    column = compiled.column_of
    cost: dict[int, float] = {}
    for terms in m.cost_terms.values():
        for c, v in terms:
            if c:
                key = id(v)
                cost[key] = cost.get(key, 0.0) + c
    best: dict[tuple[str, str], tuple[float, tuple, float, float]] = {}  # (lever, name) -> value, key, GBP, gain
    for decision in DECISIONS:
        if not decision.lever:
            continue  # not a lever (international.csv: a view of the recruits)
        names = decision.key_names
        at = {n: i for i, n in enumerate(names)}
        name_at = at.get("route", at.get("scheme"))
        kind_at = at.get("kind")
        for key, var in getattr(m, decision.component).items():
            gbp = cost.get(id(var), 0.0)
            j = column.get(id(var)) if gbp > 0 else None
            if j is None:
                continue
            parts = key if isinstance(key, tuple) else (key,)
            group = (decision.lever if kind_at is None else f"{parts[kind_at]} {decision.lever}",
                     "" if name_at is None else parts[name_at])
            value = per_column[j] / gbp * 1e6
            held = best.get(group)
            if held is None or value > held[0]:
                best[group] = (value, tuple(p for n, p in zip(names, parts, strict=True) if n not in NAMING),
                               gbp, per_column[j])
    out = [(lever, name, _index_words(where, data), gbp, float(g), float(value))
           for (lever, name), (value, where, gbp, g) in best.items()]
    yearly = binding["constraint"].to_numpy() == BUDGET_YEARLY if not binding.empty else []
    years = binding["year"].to_numpy()[yearly] if len(yearly) else []
    values = binding["value_of_one_more"].to_numpy()[yearly] if len(yearly) else []
    for year, value in zip(years, values, strict=True):
        if not math.isnan(value):
            out.append(("budget", str(year), str(year), 1e6, float(value), float(value)))
    df = pd.DataFrame(out, columns=columns)
    return df.sort_values(columns[-1], ascending=False, kind="stable").reset_index(drop=True)
