"""Objectives: close the most weighted gap (min_shortfall) or reach targets at least cost (min_cost)."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

_CELL = ("staff_group", "region", "year")
SHORTFALL_TARGET = RowFamily("shortfall_target", "shortfall target", _CELL, "WTE", Role.REQUIREMENT,
                             one_more="one more WTE of allowed shortfall")
WORST_RATE = RowFamily("worst_rate_def", "worst shortfall rate", _CELL, "", Role.DEFINITION)
ROWS = (SHORTFALL_TARGET, WORST_RATE)
DECISIONS = ()

# min_cost: a weight per WTE-year so small it never buys WTE with money, but makes the LP report
# the true shortfall (u would otherwise float anywhere up to its target).
SHORTFALL_TIE_BREAK = 1e-6


def shortfall_terms(m: pyo.ConcreteModel, data: ModelData) -> list:
    """sum_{g,r,y} weight_g * discount**(y-y0-1) * shortfall[g,r,y]  (weighted WTE-years)."""
    disc = data.config.discount
    return [
        (data.weight[g] * disc ** (y - data.start_year - 1), m.shortfall[g, r, y])
        for (g, r, y) in data.demand
    ]


def all_cost_terms(m: pyo.ConcreteModel) -> list:
    return [t for terms in m.cost_terms.values() for t in terms]


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The objective named by `m.objective_name`:
    min_shortfall: min sum weight_g * discount**(y-y0-1) * shortfall + equity_weight * worst_rate
        + cost_weight * sum_y cost[y], with worst_rate >= shortfall[g,r,y] / d[g,r,y] when equity_weight > 0.
    min_cost: min sum_y cost[y] (GBP) s.t. shortfall[g,r,y] <= target_shortfall_rate_g * d[g,r,y] for y >= target_year.
    The status quo minimises weighted shortfall only (its decisions are fixed; skill mix still chooses).
    """
    cfg = data.config
    objective = m.objective_name
    if data.mode == "status_quo":
        m.objective = pyo.Objective(expr=lin(shortfall_terms(m, data)), sense=pyo.minimize)
        return
    if objective == "min_cost":
        targets = {
            (g, r, y): m.shortfall[g, r, y] <= data.target_rate[g] * d
            for (g, r, y), d in data.demand.items()
            if g in data.target_rate and y >= cfg.first_target_year
        }
        add_rows(m, SHORTFALL_TARGET, targets)
        terms = all_cost_terms(m) + [(SHORTFALL_TIE_BREAK * c, v) for c, v in shortfall_terms(m, data)]
        m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
        return
    terms = shortfall_terms(m, data)
    if cfg.equity_weight > 0:
        m.worst_rate = pyo.Var(domain=pyo.NonNegativeReals)
        rows = {key: lin([(1.0, m.shortfall[key]), (-d, m.worst_rate)]) <= 0 for key, d in data.demand.items()}
        add_rows(m, WORST_RATE, rows)
        terms.append((cfg.equity_weight, m.worst_rate))
    if cfg.cost_weight > 0:
        terms += [(cfg.cost_weight * c, v) for c, v in all_cost_terms(m)]
    m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
