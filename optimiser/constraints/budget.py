"""Budget: yearly and whole-horizon limits on spending."""

from __future__ import annotations

import pyomo.environ as pyo

from ..scenario import ModelData
from . import add_rows, lin


def year_cost_terms(m: pyo.ConcreteModel, y: int) -> list:
    return [t for (category, year), terms in m.cost_terms.items() if year == y for t in terms]


def add_budget(m: pyo.ConcreteModel, data: ModelData) -> None:
    """cost[y] = sum cost_per_learner_year_k * T + sum cost_per_start_k * (x + m) + educator_cost * v  (GBP)

        cost[y] <= budget[y] * budget_scale          for years listed in budget.csv
        sum_y cost[y] <= total_budget * budget_scale  when total_budget is set
    """
    if data.mode != "plan":
        return
    yearly = {}
    for y, cap in data.budget.items():
        yearly[y] = lin(year_cost_terms(m, y)) <= cap
    add_rows(m, "budget_yearly", yearly, family="budget", index=("year",), unit="GBP")
    if data.total_budget is not None:
        terms = [t for terms in m.cost_terms.values() for t in terms]
        m.budget_total = pyo.Constraint(expr=lin(terms) <= data.total_budget)
        m.families["budget_total"] = {"family": "total budget", "index": (), "unit": "GBP"}
