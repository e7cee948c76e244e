"""build_model: the allocation model as a table of contents of its constraint families."""

from __future__ import annotations

from collections import defaultdict

import pyomo.environ as pyo
from pyomo.common.gc_manager import PauseGC

from optimiser.model.data import ModelData
from optimiser.model.families.budget import add_budget
from optimiser.model.families.coverage import add_coverage
from optimiser.model.families.educators import add_educators
from optimiser.model.families.international import add_international
from optimiser.model.families.objective import add_objective
from optimiser.model.families.placements import add_placements
from optimiser.model.families.stability import add_stability
from optimiser.model.families.stock import add_stock, add_stock_balance
from optimiser.model.families.training import add_training


def build_model(data: ModelData, objective: str | None = None) -> pyo.ConcreteModel:
    """Build the Pyomo model of docs/model.md for a plan (or, with data.mode == 'status_quo',
    the projection: decisions fixed to the baseline, no capacity or budget rows)."""
    # The build allocates ~1M small objects that are all live; the cyclic garbage collector's
    # generation scans over them cost 2-4x the build itself (L preset: 2.5 s of 3.0 s).
    with PauseGC():
        m = pyo.ConcreteModel(name=data.config.name)
        # Shared collections that families add to; balances read them last.
        m.stock_terms = defaultdict(list)  # (g, r, y) -> [(coef, var)] arriving in the stock of y
        m.stock_constant = defaultdict(float)  # (g, r, y) -> committed WTE arriving in the stock of y
        m.cost_terms = defaultdict(list)  # (category, y) -> [(GBP coef, var)]
        m.own_terms = defaultdict(list)  # (g, r, y) -> [var]: WTE of g working elsewhere
        m.learners = defaultdict(list)  # (r, y) -> [(route, x var)]: learners in training
        m.families = {}  # constraint component name -> its meaning for reports

        # stock and decisions
        add_stock(m, data)
        add_training(m, data)
        add_international(m, data)
        add_educators(m, data)
        # capacities
        add_placements(m, data)
        add_budget(m, data)
        add_stability(m, data)
        # demand, skill mix and the balances built from every family's terms
        add_coverage(m, data)
        add_stock_balance(m, data)
        add_objective(m, data, objective or data.config.objective)
        return m
