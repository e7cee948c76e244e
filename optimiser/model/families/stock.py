"""Stock and flow: staff in post at the start of each year."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData

ROWS = ()  # the stock balance is built last, from every family's terms: families/balances.py
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Stock variables, the opening stock, net losses and committed inflows.

    stock[g,r,y] >= 0 (WTE at the start of year y), for g in G, r in R, y = y0 .. y0+H;
    stock[g,r,y0] = in_post_wte[g,r] (fixed).
    Adds to the balance of stock[g,r,y+1]: (1 - lambda[g,r]) * stock[g,r,y]; the constant committed[g,r,y].
    lambda = leaver + retirement + net churn - labour market rates (fraction of start-of-year stock).
    """
    keys = [(g, r, y) for g in data.groups for r in data.regions for y in data.stock_years]
    m.stock = pyo.Var(keys, domain=pyo.NonNegativeReals)
    y0 = data.start_year
    for g in data.groups:
        for r in data.regions:
            m.stock[g, r, y0].fix(data.in_post[(g, r)])
            keep = 1.0 - data.net_loss_rate[(g, r)]
            for y in data.years:
                m.stock_terms[(g, r, y + 1)].append((keep, m.stock[g, r, y]))
    for (g, r, y), wte in data.committed.items():
        m.stock_constant[(g, r, y + 1)] += wte
