"""Stock and flow: staff in post at the start of each year."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.families import add_rows, lin


def add_stock(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Stock variables, the opening stock, net losses and committed inflows.

    s[g,r,y] >= 0 (WTE at the start of year y), for g in G, r in R, y = y0 .. y0+H;
    s[g,r,y0] = in_post_wte[g,r] (fixed).
    Adds to the balance of s[g,r,y+1]: (1 - lambda[g,r]) * s[g,r,y]; the constant committed[g,r,y].
    lambda = leaver + retirement + net churn - labour market rates (fraction of start-of-year stock).
    """
    keys = [(g, r, y) for g in data.groups for r in data.regions for y in data.stock_years]
    m.s = pyo.Var(keys, domain=pyo.NonNegativeReals)
    y0 = data.start_year
    for g in data.groups:
        for r in data.regions:
            m.s[g, r, y0].fix(data.in_post[(g, r)])
            keep = 1.0 - data.net_loss_rate[(g, r)]
            for y in data.years:
                m.stock_terms[(g, r, y + 1)].append((keep, m.s[g, r, y]))
    for (g, r, y), wte in data.committed.items():
        m.stock_constant[(g, r, y + 1)] += wte


def add_stock_balance(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Built last, from every family's terms:

    s[g,r,y+1] = sum of stock_terms[g,r,y+1] + stock_constant[g,r,y+1]   for y = y0 .. y0+H-1
    (WTE). Terms come from stock (decay), training (completions, mobility, upskilling draws and
    returns) and international recruitment.
    """
    rows = {}
    for g in data.groups:
        for r in data.regions:
            for y in data.years:
                key = (g, r, y + 1)
                terms = [(-c, v) for c, v in m.stock_terms[key]]
                terms.append((1.0, m.s[key]))
                rows[key] = lin(terms) == m.stock_constant[key]
    add_rows(m, "stock_balance", rows, family="stock balance", index=("staff_group", "region", "year"), unit="WTE")
