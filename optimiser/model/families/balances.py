"""The stock balance: built last, from the terms every other family added."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

STOCK_BALANCE = RowFamily("stock_balance", "stock balance", ("staff_group", "region", "year"), "WTE",
                          Role.DEFINITION)
ROWS = (STOCK_BALANCE,)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """stock[g,r,y+1] = sum of stock_terms[g,r,y+1] + stock_constant[g,r,y+1]   for y = y0 .. y0+H-1
    (WTE). Terms come from stock (decay), training (completions, mobility, upskilling draws and
    returns) and international recruitment.
    """
    rows = {}
    for g in data.groups:
        for r in data.regions:
            for y in data.years:
                key = (g, r, y + 1)
                terms = [(-c, v) for c, v in m.stock_terms[key]]
                terms.append((1.0, m.stock[key]))
                rows[key] = lin(terms) == m.stock_constant[key]
    add_rows(m, STOCK_BALANCE, rows)
