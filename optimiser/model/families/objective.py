"""Objectives: close the most weighted gap (min_shortfall), reach targets at least cost (min_cost),
or spend least on staff and on covering the gap (min_system_cost)."""

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
    """sum_{g,r,y} weight_g * discount**(y-y0-1) * shortfall[g,r,y] over every measured year
    (weighted WTE-years, discounted: what min_shortfall minimises)."""
    disc = data.config.discount
    return [
        (data.weight[g] * disc ** (y - data.start_year - 1), m.shortfall[g, r, y])
        for (g, r, y) in data.demand
    ]


def reported_shortfall_terms(m: pyo.ConcreteModel, data: ModelData) -> list:
    """sum_{g,r,y} weight_g * shortfall[g,r,y] over every measured year, run-out included, undiscounted:
    the "weighted shortfall" that reports show (the same as the objective's when discount is 1)."""
    return [(data.weight[g], m.shortfall[g, r, y]) for (g, r, y) in data.demand]


def gap_premium_terms(m: pyo.ConcreteModel, data: ModelData) -> list:
    """sum_{g,r,y} discount**(y-y0) * gap_cost_per_wte_g * shortfall[g,r,y] (GBP, present value)."""
    disc = data.config.discount
    return [
        (disc ** (y - data.start_year) * data.gap_cost.get(g, 0.0), m.shortfall[g, r, y])
        for (g, r, y) in data.demand
    ]


def present_cost_terms(m: pyo.ConcreteModel, data: ModelData) -> list:
    """sum_y discount**(y-y0) * cost[y] over every model year (GBP, present value)."""
    disc = data.config.discount
    return [(disc ** (y - data.start_year) * c, v) for (_category, y), terms in m.cost_terms.items() for c, v in terms]


def all_cost_terms(m: pyo.ConcreteModel) -> list:
    return [t for terms in m.cost_terms.values() for t in terms]


def _worst_rate(m: pyo.ConcreteModel, data: ModelData) -> list:
    """The equity term equity_weight * worst_rate, worst_rate >= shortfall[g,r,y] / d[g,r,y] (every
    measured year), when equity_weight > 0."""
    weight = data.config.equity_weight
    if weight <= 0:
        return []
    m.worst_rate = pyo.Var(domain=pyo.NonNegativeReals)
    rows = {key: lin([(1.0, m.shortfall[key]), (-d, m.worst_rate)]) <= 0 for key, d in data.demand.items()}
    add_rows(m, WORST_RATE, rows)
    return [(weight, m.worst_rate)]


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """The objective named by `m.objective_name` (y over the measured years y0+1 .. y0+H+E, costs over
    the model years y0 .. y0+H+E-1, frozen and run-out years included):
    min_shortfall: min sum weight_g * discount**(y-y0-1) * shortfall + equity_weight * worst_rate
        + cost_weight * sum_y cost[y] + the optional families' penalties (`m.penalties`: the regional
        equity and steady-intake terms), with worst_rate >= shortfall[g,r,y] / d[g,r,y] when equity_weight > 0.
    min_cost: min sum_y cost[y] (GBP) s.t. shortfall[g,r,y] <= target_shortfall_rate_g * d[g,r,y] for every
        measured y from target_year to target_last_year (default: the last measured year, run-out included).
    min_system_cost: min sum_y discount**(y-y0) * cost[y] + sum discount**(y-y0) * gap_cost_per_wte_g *
        shortfall[g,r,y] (GBP, present value); no targets, no equity or cost weight.
    The status quo (decisions fixed; skill mix still chooses) minimises the discounted weighted
    shortfall plus the equity term, or under min_system_cost the gap premium; never targets.
    """
    cfg = data.config
    objective = m.objective_name
    if objective == "min_system_cost":
        terms = gap_premium_terms(m, data)
        if data.mode == "plan":
            terms = present_cost_terms(m, data) + terms
        m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
        return
    if data.mode == "status_quo":
        terms = shortfall_terms(m, data) + _worst_rate(m, data) + m.penalties
        m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
        return
    if objective == "min_cost":
        targets = {
            (g, r, y): m.shortfall[g, r, y] <= data.target_rate[g] * d
            for (g, r, y), d in data.demand.items()
            if g in data.target_rate and cfg.first_target_year <= y <= cfg.last_target_year
        }
        add_rows(m, SHORTFALL_TARGET, targets)
        terms = all_cost_terms(m) + [(SHORTFALL_TIE_BREAK * c, v) for c, v in shortfall_terms(m, data)]
        m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
        return
    terms = shortfall_terms(m, data) + _worst_rate(m, data) + m.penalties
    if cfg.cost_weight > 0:
        terms += [(cfg.cost_weight * c, v) for c, v in all_cost_terms(m)]
    m.objective = pyo.Objective(expr=lin(terms), sense=pyo.minimize)
