"""Budget: yearly and whole-horizon limits on spending."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import (
    Role,
    RowFamily,
    add_row,
    add_rows,
    has_free,
    lin,
    magnitude_scale,
    row_scale_of,
)

# Budget rows are stated in GBP x a power of ten of each row's own largest cost (coefficients in
# [10, 100) instead of up to 1e7 GBP) so that the matrix is well scaled for HiGHS whatever the
# scenario's sizes; reports convert back to GBP (parts.row_scale_of).
BUDGET_YEARLY = RowFamily("budget_yearly", "budget", ("year",), "GBP", Role.LIMIT,
                          one_more="GBP 1m more budget", per_unit=1e6, by_magnitude=True)
BUDGET_TOTAL = RowFamily("budget_total", "total budget", (), "GBP", Role.LIMIT,
                         one_more="GBP 1m more total budget", per_unit=1e6, by_magnitude=True)
ROWS = (BUDGET_YEARLY, BUDGET_TOTAL)
DECISIONS = ()


def year_cost_terms(m: pyo.ConcreteModel, y: int) -> list:
    return [t for (category, year), terms in m.cost_terms.items() if year == y for t in terms]


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """cost[y] = sum cost_per_learner_year_k * T + sum cost_per_start_k * (starts + recruits)
               + educator_cost * extra_educators + sum cost_per_wte_s * retained     (GBP, model years)

        cost[y] <= budget[y] * budget_scale                  for years F.. listed in budget.csv (run-out included)
        sum_{y=F..y0+H+E-1} cost[y] <= total_budget * budget_scale   when total_budget is set

    A frozen year's intake costs money in later years (its learners) and counts there; rows with no
    decision in them are not written.
    """
    if data.mode != "plan":
        return
    yearly, scales = {}, {}
    for y, cap in data.budget.items():
        terms = year_cost_terms(m, y)
        if terms and not has_free(terms):
            continue
        scales[y] = k = magnitude_scale(lin(terms).linear_coefs)
        yearly[y] = lin((c / k, v) for c, v in terms) <= cap / k
    add_rows(m, BUDGET_YEARLY, yearly, scales)
    if data.total_budget is not None:
        first = data.first_decision_year
        terms = [t for (_category, y), terms in m.cost_terms.items() if y >= first for t in terms]
        k = magnitude_scale(lin(terms).linear_coefs)
        add_row(m, BUDGET_TOTAL, lin((c / k, v) for c, v in terms) <= data.total_budget / k, k)


def budget_in_rows(m: pyo.ConcreteModel, data: ModelData) -> dict[tuple[str, object], float]:
    """Each written budget row's budget, in the row's own scaled units: {(component, key): budget / k},
    key the year (None for the total). This, not the row's right-hand side, is what budget_scale
    multiplies: the solver's right-hand side is budget / k less the costs already committed (fixed
    decisions of frozen years, moved there by the standard form), and those do not scale. A
    re-solve at scale s puts each row's upper bound at rhs(1) + (s - 1) * budget / k (the frontier)."""
    out = {}
    for name, key, cap in ([(BUDGET_YEARLY.name, y, b) for y, b in data.budget.items()]
                           + [(BUDGET_TOTAL.name, None, data.total_budget)]):
        comp = getattr(m, name, None)
        if comp is not None and cap is not None and key in comp:
            out[name, key] = cap / row_scale_of(m, name, key)
    return out
