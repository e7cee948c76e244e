"""Retention and flexible-retirement schemes: staff who would have left during a year stay."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Decision, Role, RowFamily, add_rows, lin

RETENTION_CAP = RowFamily(
    "retention_cap", "retention scheme reach", ("scheme", "staff_group", "region", "year"), "WTE", Role.LIMIT,
    one_more="one more WTE the scheme could retain")
RETENTION_STREAM = RowFamily(
    "retention_stream", "losses retainable", ("staff_group", "region", "stream", "year"), "WTE",
    Role.DECISION_RULE)
ROWS = (RETENTION_CAP, RETENTION_STREAM)
RETAINED = Decision(
    "retained", "retention", ("scheme", "staff_group", "region", "year"), "retained_wte", "WTE",
    "Retention", "WTE retained by each retention or flexible-retirement scheme, by region and year: staff who "
    "would have left or retired during the year and stay.", integer=False, shown_above=1e-6, lever="retention")
DECISIONS = (RETAINED,)


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Retained WTE retained[s,g,r,y] >= 0 (continuous) for every scheme s of group g offered in region
    r and decision year y (F <= y <= y0+H-1; plan only: the status quo has no retention):

        retained[s,g,r,y] <= max_share_s * rate_{g,stream_s} * stock[g,r,y]                     (WTE)
        sum_{s of g with stream q} retained[s,g,r,y] <= rate_{g,q} * stock[g,r,y]                (WTE)
        stock[g,r,y+1] += sum_s f_s * retained[s,g,r,y];   cost[y] += cost_per_wte_s * retained ("retention", GBP)

    rate_{g,leavers} = leaver_rate_g, rate_{g,retirements} = retirement_rate_g (the staff_groups rates).
    The stream row is written only where the schemes' max_shares sum above 1 (otherwise the scheme
    rows imply it). A retained WTE is then ordinary stock, subject to lambda like anyone else.
    f_s = 1 (the scheme delivers what it is paid for) except in a sampled future with a
    retention_effect row, where f_s is the scheme's drawn realised share: the WTE retained and its
    cost are the plan's (first stage), the stock gets f_s of it.
    """
    offers = data.retention
    keys = [(o.scheme, o.staff_group, o.region, o.year) for o in offers]
    m.retained = pyo.Var(keys, domain=pyo.NonNegativeReals)
    caps = {}
    streams: dict[tuple[str, str, str, int], list] = {}
    shares: dict[tuple[str, str, str, int], float] = {}
    for o, key in zip(offers, keys, strict=True):
        var = m.retained[key]
        stock = m.stock[o.staff_group, o.region, o.year]
        rate = data.loss_rate[(o.staff_group, o.applies_to)]
        caps[key] = lin([(1.0, var), (-o.max_share * rate, stock)]) <= 0
        cell = (o.staff_group, o.region, o.applies_to, o.year)
        streams.setdefault(cell, []).append((1.0, var))
        shares[cell] = shares.get(cell, 0.0) + o.max_share
        # a sampled future may realise only a share of what the plan buys (uncertainty.csv retention_effect)
        m.stock_terms[(o.staff_group, o.region, o.year + 1)].append((o.realised_share, var))
        m.cost_terms[("retention", o.year)].append((o.cost_per_wte, var))
    add_rows(m, RETENTION_CAP, caps)
    rows = {
        cell: lin([*terms, (-data.loss_rate[(cell[0], cell[2])], m.stock[cell[0], cell[1], cell[3]])]) <= 0
        for cell, terms in streams.items()
        if shares[cell] > 1.0
    }
    add_rows(m, RETENTION_STREAM, rows)
