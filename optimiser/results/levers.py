"""Where the next pound goes: every lever a plan pulls (commissions by route, recruits by route,
retention schemes, extra educators) and every yearly budget, ranked by the weighted WTE-years one
more GBP 1m would buy at the margin.

For a decision column j the gain of one more unit is what it does through the stock and flow at
the plan's marginal values (the duals y of the definition rows: stock balances, demand coverage,
own work), plus the value of any limit it adds room to (an extra educator to educator capacity, a
start this year to next year's allowed increase), net of its own objective term:

    gain_j = sum_{i definition row} a_ij * y_i + sum_{i limit row j relieves} a_ij * y_i - c_j
    per GBP 1m = gain_j / cost_j * 1e6,  cost_j = GBP per unit over every model year (undiscounted)

(in weighted WTE-years per unit). The limits a lever uses up are left out on purpose: its own cap
(provider starts, pools, a scheme's reach), the capacities it loads and the budgets are what the
planner would change to spend more on it, and each has its own shadow price in binding.csv. A
lever is shown at its best column (`where`: provider or staff group, region and year).
A yearly budget's figure is its shadow price per GBP 1m (the same as binding.csv's). Reported for
min_shortfall only, whose objective is in weighted WTE-years; the duals are those of the
shadow-price LP (cohort decisions fixed, starts and recruits continuous).
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
BUDGET_YEARLY = "budget_yearly"
BUDGETS = (BUDGET_YEARLY, "budget_total")  # the money itself: what the ranking divides by
NAMING = ("route", "scheme", "kind")  # index parts that name the lever, not where it is pulled


def _index_words(key, data: ModelData) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    names = {**data.provider_names, **data.region_names, **data.group_names}
    return ", ".join(names.get(p, str(p)) if isinstance(p, str) else str(p) for p in parts)


def read_levers(m: pyo.ConcreteModel, data: ModelData, compiled, duals: np.ndarray | None,
                binding: pd.DataFrame) -> pd.DataFrame:
    """The ranking, best first (see the module's docstring); empty without duals or under another objective."""
    if duals is None or m.objective_name != "min_shortfall":
        return pd.DataFrame(columns=LEVER_COLUMNS)
    definitions = [name for name, family in m.families.items() if family.role is Role.DEFINITION]
    limits = [name for name, family in m.families.items() if family.role is Role.LIMIT and name not in BUDGETS]
    y = np.zeros(compiled.n_rows)
    rows = [i for _, _, i in compiled.rows_of(definitions)]
    y[rows] = duals[rows]
    gain = np.asarray(compiled.matrix.T @ y, dtype=float) - compiled.cost
    limit_rows = np.asarray([i for _, _, i in compiled.rows_of(limits)], dtype=np.int64)
    if len(limit_rows):
        part = compiled.matrix.tocsr()[limit_rows]
        upper = np.isfinite(compiled.row_upper[limit_rows])
        # room is added by a negative entry in a row with an upper limit, a positive one in a lower
        y_upper = np.where(upper, duals[limit_rows], 0.0)
        y_lower = np.where(upper, 0.0, duals[limit_rows])
        gain += np.asarray(part.minimum(0).T @ y_upper + part.maximum(0).T @ y_lower, dtype=float).ravel()
    column = {id(v): j for j, v in enumerate(compiled.columns)}
    cost: dict[int, float] = {}
    for (_category, _year), terms in m.cost_terms.items():
        for c, v in terms:
            cost[id(v)] = cost.get(id(v), 0.0) + c
    best: dict[tuple[str, str], tuple] = {}
    for decision in DECISIONS:
        if not decision.lever:
            continue  # not a lever (international.csv: a view of the recruits)
        names = decision.key_names
        for key, var in getattr(m, decision.component).items():
            j = column.get(id(var))
            gbp = cost.get(id(var), 0.0)
            if j is None or gbp <= 0:
                continue
            parts = dict(zip(names, key if isinstance(key, tuple) else (key,), strict=True))
            lever = f"{parts['kind']} {decision.lever}" if "kind" in parts else decision.lever
            name = parts.get("route") or parts.get("scheme") or ""
            value = gain[j] / gbp * 1e6
            if (lever, name) not in best or value > best[(lever, name)][-1]:
                where = tuple(v for k, v in parts.items() if k not in NAMING)
                best[(lever, name)] = (lever, name, _index_words(where, data), gbp, float(gain[j]), float(value))
    out = list(best.values())
    budget = binding[binding["constraint"] == BUDGET_YEARLY] if not binding.empty else binding
    for year, value in zip(budget.get("year", []), budget.get("value_of_one_more", []), strict=True):
        if not math.isnan(value):
            out.append(("budget", str(year), str(year), 1e6, float(value), float(value)))
    df = pd.DataFrame(out, columns=LEVER_COLUMNS)
    return df.sort_values("wte_years_per_gbp_m", ascending=False, kind="stable").reset_index(drop=True)
