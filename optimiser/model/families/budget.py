"""Budget: yearly and whole-horizon limits on spending."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.families import add_rows, lin

# Budget rows are stated in GBP thousands: coefficients near 1-60 instead of 1e4-6e4 keep the
# matrix well scaled for HiGHS (reports convert back to GBP).
BUDGET_ROW_SCALE = 1000.0


def year_cost_terms(m: pyo.ConcreteModel, y: int) -> list:
    return [t for (category, year), terms in m.cost_terms.items() if year == y for t in terms]


def add_budget(m: pyo.ConcreteModel, data: ModelData) -> None:
    """cost[y] = sum cost_per_learner_year_k * T + sum cost_per_start_k * (x + m) + educator_cost * v  (GBP)

        cost[y] <= budget[y] * budget_scale          for years listed in budget.csv
        sum_y cost[y] <= total_budget * budget_scale  when total_budget is set
    """
    if data.mode != "plan":
        return
    k = BUDGET_ROW_SCALE
    yearly = {}
    for y, cap in data.budget.items():
        yearly[y] = lin((c / k, v) for c, v in year_cost_terms(m, y)) <= cap / k
    add_rows(m, "budget_yearly", yearly, family="budget", index=("year",), unit="GBP", row_scale=k)
    if data.total_budget is not None:
        terms = [t for terms in m.cost_terms.values() for t in terms]
        m.budget_total = pyo.Constraint(expr=lin((c / k, v) for c, v in terms) <= data.total_budget / k)
        m.families["budget_total"] = {"family": "total budget", "index": (), "unit": "GBP", "row_scale": k}
