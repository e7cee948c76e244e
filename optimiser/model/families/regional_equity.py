"""Regional equity: no region carries more than its fair share of a group's shortfall (optional)."""

from __future__ import annotations

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Role, RowFamily, add_rows, lin

EXCESS_SHORTFALL = RowFamily(
    "excess_shortfall_def", "shortfall above the region's fair share", ("staff_group", "region", "year"), "WTE",
    Role.DEFINITION)
ROWS = (EXCESS_SHORTFALL,)
DECISIONS = ()


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """With lambda = regional_equity_weight in [0, 1) (when > 0: plans under min_shortfall, and the
    status quo wherever it minimises the weighted shortfall, as the equity term), for every staff
    group g and measured year y with demand in at least two regions, D[g,y] = sum_r d[g,r,y] and
    U[g,y] = sum_r shortfall[g,r,y], excess_shortfall[g,r,y] >= 0 (WTE) is the region's shortfall
    above its fair share, the network's shortfall rate U/D applied to its own demand:

        excess_shortfall[g,r,y] >= shortfall[g,r,y] - d[g,r,y] / D[g,y] * U[g,y]       (every r with d > 0)

    and the objective adds lambda * weight_g * discount**(y-y0-1) * sum_r excess_shortfall[g,r,y]
    (weighted WTE-years, discounted as the shortfall is). sum_r excess is the WTE of the gap that
    would have to move between regions for every region to be equally short; it is 0 when they are.
    A plan gives up one weighted WTE-year of total shortfall for a fairer spread only where that
    moves more than 1 / lambda WTE-years of gap out of regions above their share. Because a region's
    excess moves by at most one WTE per WTE of its shortfall, a WTE anywhere is worth at most
    (1 + lambda) * weight_g at the margin, so shadow prices and the lever ranking keep their units;
    a penalty on the worst region's rate alone would value the worst region's WTE at D / d times
    more whenever regions tie (degenerate duals), and the ranking would chase it.
    """
    weight = data.config.regional_equity_weight
    # plans under min_shortfall; the status quo wherever it minimises the weighted shortfall
    counted = "min_shortfall" if data.mode == "plan" else ("min_shortfall", "min_cost")
    if weight <= 0 or m.objective_name not in counted:
        return
    cells: dict[tuple[str, int], list[tuple[str, float]]] = {}
    for (g, r, y), d in data.demand.items():
        cells.setdefault((g, y), []).append((r, d))
    keys = [(g, r, y) for (g, y), regions in cells.items() if len(regions) > 1 for r, _d in regions]
    m.excess_shortfall = pyo.Var(keys, domain=pyo.NonNegativeReals)
    disc = data.config.discount
    rows = {}
    for (g, y), regions in cells.items():
        if len(regions) < 2:
            continue
        total = sum(d for _r, d in regions)
        network = [m.shortfall[g, other, y] for other, _d in regions]
        scale = weight * data.weight[g] * disc ** (y - data.start_year - 1)
        for r, d in regions:
            excess = m.excess_shortfall[g, r, y]
            terms = [(1.0, excess), (-1.0, m.shortfall[g, r, y])] + [(d / total, u) for u in network]
            rows[(g, r, y)] = lin(terms) >= 0
            m.penalties.append((scale, excess))
    add_rows(m, EXCESS_SHORTFALL, rows)
