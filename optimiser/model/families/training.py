"""Training starts at providers: cohorts, learners in training, completions and upskilling."""

from __future__ import annotations

from dataclasses import dataclass

import pyomo.environ as pyo

from optimiser.model.data import ModelData
from optimiser.model.parts import Decision, Role, RowFamily, add_rows, lin

_COHORT = ("provider", "route", "year")
COHORT_MIN = RowFamily("cohort_min", "minimum cohort", _COHORT, "starts", Role.DECISION_RULE)
COHORT_MAX = RowFamily("cohort_max", "provider starts cap", _COHORT, "starts", Role.LIMIT,
                       one_more="one more start allowed")
CONTRACTED_STARTS = RowFamily("contracted_starts", "contracted minimum starts", _COHORT, "starts",
                              Role.REQUIREMENT, one_more="one fewer contracted start")
ROWS = (COHORT_MIN, COHORT_MAX, CONTRACTED_STARTS)
STARTS = Decision("starts", "starts", ("provider", "region", "route", "year"), "starts", "learners",
                  "Starts", "Learners to start on each training route, by provider, placement region and year.",
                  integer=True, lever="commissions")
DECISIONS = (STARTS,)
COHORT_OPEN = "cohort_open"  # binary per gated cohort: fixed from the starts when a plan is evaluated


@dataclass(frozen=True)
class Cohort:
    """One provider's intake on one route in one decision year, as the rounding of a relaxed plan
    needs it (optimiser/solver/cohort_chains.py): the starts variables summed, whether it is gated
    by a cohort_open binary (`opened`, None when min_cohort <= 1), the minimum cohort (starts, 0
    when not gated), the cap and the contracted minimum (starts)."""

    starts: tuple
    opened: object | None
    min_cohort: float
    cap: float
    contracted: float


# m.cohort_chains: (provider, route) -> {decision year: Cohort}, written here for every cohort of a
# plan; m.frozen_intakes: (provider, route, year) -> the fixed starts of a frozen year (starts).
# Read only by the rounding of a relaxed plan; nothing else may append to them.


def add(m: pyo.ConcreteModel, data: ModelData) -> None:
    """Starts starts[p,r,k,y] (integer learners) and what they do to stock, capacity and cost.

    Index: the sparse set `data.starts_index` (p offers k in decision year y with max_starts > 0, r
    within max_travel_minutes of p's region; before the first decision year F, the baseline starts,
    fixed). In the status quo the set is the baseline starts of every start year, fixed.
    Cohorts (plan only, decision years y >= F), for (p,k,y) with max_starts > 0:
        min_cohort_k > 1:  min_cohort_k * cohort_open[p,k,y] <= sum_r starts[p,r,k,y] <= max_starts[p,k,y] * cohort_open[p,k,y]
        otherwise:         sum_r starts[p,r,k,y] <= max_starts[p,k,y]
        contracted:        sum_r starts[p,r,k,y] >= min_starts[p,k,y]
    Learners in training T[p,r,k,y] = sum_{y'=max(y0,y-L_k+1)..y} starts[p,r,k,y'], for model years y
    (run-out years included), feed `m.learners` (placements, educators) and the cost
    sum_y cost_per_learner_year_k * T + cost_per_start_k * starts (GBP).
    Stock (WTE), for a start in year y completing into the stock of y+L_k (only when y+L_k <= y0+H+E):
        not upskilling:  + M[r,r'] * c_k * starts   into stock[produces, r', y+L_k]
        upskilling:      + c_k * starts into stock[produces, r, y+L_k];  - starts from stock[draws_from, r, y+1];
                         + (1 - c_k) * starts back into stock[draws_from, r, y+L_k]
    """
    idx = data.starts_index
    keys = list(idx.itertuples(index=False, name=None))
    plan = data.mode == "plan"
    m.starts = pyo.Var(keys, domain=pyo.NonNegativeIntegers if plan else pyo.NonNegativeReals)
    last_stock_year = data.stock_years[-1]
    shares_from: dict[str, list[tuple[str, float]]] = {}  # placed region -> [(destination, share)]
    for (placed, dest), share in data.graduate_share.items():
        shares_from.setdefault(placed, []).append((dest, share))
    by_cohort: dict[tuple[str, str, int], list] = {}
    m.frozen_intakes = {}
    for key in keys:
        p, r, k, y = key
        route = data.routes[k]
        var = m.starts[key]
        if not plan or data.is_frozen(y):
            var.fix(data.baseline_starts[key])
            m.frozen_intakes[(p, k, y)] = m.frozen_intakes.get((p, k, y), 0.0) + float(data.baseline_starts[key])
        else:
            by_cohort.setdefault((p, k, y), []).append(var)
        for year in range(y, min(y + route.duration, data.years[-1] + 1)):
            m.learners[(r, year)].append((route, var))
        m.cost_terms[("training starts", y)].append((route.cost_per_start, var))
        done = y + route.duration
        if route.draws_from:
            m.stock_terms[(route.draws_from, r, y + 1)].append((-1.0, var))
            if done <= last_stock_year:
                m.stock_terms[(route.produces, r, done)].append((route.completion, var))
                m.stock_terms[(route.draws_from, r, done)].append((1.0 - route.completion, var))
        elif done <= last_stock_year:
            for dest, share in shares_from.get(r, ()):
                m.stock_terms[(route.produces, dest, done)].append((share * route.completion, var))
    for (_r, year), items in m.learners.items():
        for route, var in items:
            m.cost_terms[("learners in training", year)].append((route.cost_per_learner_year, var))
    if not plan:
        return

    gated = [c for c in by_cohort if data.routes[c[1]].min_cohort > 1]
    m.add_component(COHORT_OPEN, pyo.Var(gated, domain=pyo.Binary))
    lower, upper, contracted = {}, {}, {}
    for cohort, xs in by_cohort.items():
        p, k, y = cohort
        cap = data.max_starts[cohort]
        terms = [(1.0, v) for v in xs]
        if cohort in m.cohort_open:
            lower[cohort] = lin(terms + [(-data.routes[k].min_cohort, m.cohort_open[cohort])]) >= 0
            upper[cohort] = lin(terms + [(-cap, m.cohort_open[cohort])]) <= 0
        else:  # a row, not a variable bound, so the cap gets a shadow price and can be stretched
            upper[cohort] = lin(terms) <= cap
        if data.min_starts.get(cohort, 0) > 0:
            contracted[cohort] = lin(terms) >= data.min_starts[cohort]
    m.cohort_chains = {}
    gates = {cohort: m.cohort_open[cohort] for cohort in gated}
    for (p, k, y), xs in by_cohort.items():
        gate = gates.get((p, k, y))
        m.cohort_chains.setdefault((p, k), {})[y] = Cohort(
            tuple(xs), gate, float(data.routes[k].min_cohort) if gate is not None else 0.0,
            float(data.max_starts[(p, k, y)]), float(data.min_starts.get((p, k, y), 0.0)))
    add_rows(m, COHORT_MIN, lower)
    add_rows(m, COHORT_MAX, upper)
    add_rows(m, CONTRACTED_STARTS, contracted)
