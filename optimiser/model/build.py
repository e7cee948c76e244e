"""build_model: the allocation model as a table of contents of its constraint families."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.model.data import ModelData
from optimiser.model.families import (
    arrivals,
    balances,
    budget,
    coverage,
    educators,
    objective,
    placements,
    policy_shares,
    recruitment,
    regional_equity,
    retention,
    stability,
    steady_intakes,
    stock,
    training,
)
from optimiser.model.parts import Decision, RowFamily

# The table of contents, in build order. Adding a family is one module in families/ (its `add`,
# `ROWS` and `DECISIONS`), one line here and one behaviour test (tests/integration/test_families.py).
FAMILIES = (
    stock,  # staff in post, net losses, committed inflows
    training,  # starts, cohorts, learners in training, completions, upskilling
    recruitment,  # recruits on non-training routes: onboarding, national and pool caps
    arrivals,  # a sampled future's realised returner pools: recruits above them do not arrive
    retention,  # retention and flexible-retirement schemes
    educators,  # practice-educator capacity and funded extra educators
    placements,  # clinical placement weeks
    budget,  # yearly and whole-horizon spending limits
    stability,  # year-on-year change in commissioning
    steady_intakes,  # optional price on year-to-year changes in commissioning
    policy_shares,  # bounds on routes' shares of a group's new supply
    coverage,  # demand met by own staff and skill mix; shortfall
    balances,  # the stock balance, from every family's terms
    regional_equity,  # optional: the worst region's shortfall rate per group and year
    objective,  # min_shortfall, min_cost or min_system_cost
)

ROW_FAMILIES: dict[str, RowFamily] = {f.name: f for family in FAMILIES for f in family.ROWS}
DECISIONS: tuple[Decision, ...] = tuple(d for family in FAMILIES for d in family.DECISIONS)


def build_model(data: ModelData, objective_name: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model of docs/model.md for a plan (or, with data.mode == 'status_quo',
    the projection: decisions fixed to the baseline, no capacity or budget rows)."""
    # The build allocates ~1M small objects that are all live; the cyclic garbage collector's
    # generation scans over them cost 2-4x the build itself (L preset: 2.5 s of 3.0 s).
    with PauseGC():
        m = pyo.ConcreteModel(name=data.config.name)
        m.objective_name = objective_name or data.config.objective
        # Shared collections that families append to; the balances and the objective read them last.
        # (g, r, y) -> [(coefficient, variable)]: WTE arriving in the stock at the start of year y
        m.stock_terms = defaultdict(list)
        # (g, r, y) -> WTE: committed inflows (learners already in training) arriving in year y
        m.stock_constant = defaultdict(float)
        # (category, y) -> [(GBP per unit, variable)]: spending in year y, by cost category
        m.cost_terms = defaultdict(list)
        # (g, r, y) -> [variable]: WTE of group g in region r working elsewhere in year y
        m.own_terms = defaultdict(list)
        # (r, y) -> [(Route, starts variable)]: learners in training in region r in year y
        m.learners = defaultdict(list)
        # [(coefficient, variable)]: terms min_shortfall adds to its objective (weighted WTE-years)
        m.penalties = []
        # component name -> RowFamily, in build order (written by parts.add_rows only)
        m.families = {}
        # (component name, key) -> how many units one unit of a row scaled by its magnitude stands for
        m.row_scales = {}
        for family in FAMILIES:
            family.add(m, data)
        return m
