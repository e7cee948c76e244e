"""Relax and round: a start and a bound for the MIP from two small solves before branch and bound.

General integers are the starts and recruits; binaries are the cohort open/close decisions.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import highspy
import numpy as np

from optimiser.solver import background
from optimiser.solver.background import BackgroundRun
from optimiser.solver.cohort_chains import (
    chain_neighbourhood,
    chain_plan,
    chains_by_rounding,
    chains_in_conflict,
)
from optimiser.solver.lifecycle import CompiledModel, seed
from optimiser.solver.outcome import relative_gap, said
from optimiser.solver.watch import PhaseStops, Watch

# Shares the relax-and-round phases may use: phase 1 of the time limit, phase 2 of what is left.
# Each phase that stops early still leaves the full branch and bound the rest.
# Phase 1 may use 70%: its root LP is an interior-point solve followed by a crossover to a vertex
# (a MIP needs a basis); on L it took 31-41 s at load 3-5 and without its point there is no plan
# at all (plain branch and bound finds none on L or XL in 120 s); half the limit cut L off at
# load 4-5 (29 Nov 2026, with the plain arm beside it: no plan). On the largest presets the
# crossover is most of it (L2 at load 4: interior point 35 s, the crossover not done 85 s later).
# Phase 1 is stopped at its share by its callback (HiGHS's own limit is checked rarely inside a
# long solve: it overran by 4-12 s on L2) and, if it has no point by then, the LP relaxation
# without crossover takes its place (`FALLBACK_SHARE`). Where no callback comes to stop it (L2 on
# highspy 1.15.1: none for over a minute after its root LP), the solve stops waiting for it
# `background.ABANDON_AFTER_S` past its share. Where phase 1 is quick (S, M, W: under a
# third) the share is unused.
# Phase 2 gets most of what is left: on the England-scale presets the rounding search keeps
# improving its plan steadily, while the full branch and bound after it rarely improves on it.
PHASE_SHARE = (0.7, 0.8)
# The LP relaxation (every integer relaxed) by interior point without crossover, when phase 1 had
# no point at its share: it must end by this share of the time limit, leaving phase 2 the rest.
# At 120 s this is too little for L2 (its interior point alone takes 35 s at load 4): with half
# the limit for phase 1 the fallback still had no point at 96 s (29 Nov 2026, load 3-4).
FALLBACK_SHARE = 0.9
# Phase 1 stops within this share of the requested gap. Step 2 fixes the cohort decisions at
# phase 1's plan, so phase 1's own gap is spent before any general integer is rounded: with phase 1
# at or below 0.29% of a 1% gap the box held a 1% plan within 3-6 s, while at 0.44-0.87% (W seed 0
# with HiGHS seeds 0, 2, 4 on 1.15.1 and 0 and 4 on 1.16.0) it searched for 75-110 s or handed
# over; the frontier's 1.25 point of the default on 1.16.0 (phase 1 at 2.0% of a 3% gap) took 117 s
# where the cold solve of that budget took 26 s (29-30 Nov 2026). S, M, L, XL and the default end
# phase 1 at the root within 0.1% of its bound, where this share changes nothing.
PHASE_ONE_GAP = 0.3
# ... and never above this gap, whatever gap is asked: at the shipped 3% gap, 0.3 of it let phase 1
# stop at 0.89% on the frontier's 1.25 point (seeded from the 1.0 plan, on highspy 1.15.1), and
# its rounding took 15.6 s, where a cold solve of that budget ended phase 1 at 0.003% and rounded
# in 3.9 s (30 Nov 2026).
PHASE_ONE_GAP_CAP = 0.003
# HiGHS's `mip_heuristic_effort` in every instance `_phase_highs` makes: both phases here and the
# robust solve's rounding box (bounded.py; the default with 5 futures: the same plan and gap, 7.7 s
# at either effort, 30 Nov 2026). Its default is 0.05. Where the binaries'
# relaxation is weak, phase 1's root heuristics stop at a poor set of cohort decisions and branch
# and bound takes hundreds of nodes to better it: W seed 0 on highspy 1.15.1 ended phase 1's root
# at 0.87% after 10.9 s and needed 1,013 nodes and 65 s to reach 0.11%; at 0.5 the root itself
# reached 0.18% in 19.7 s (on 1.16.0 with HiGHS seed 4: 0.53% at its 84 s limit, against 0.14%
# in 17 s at 1.0). Its rounding box then found a 1% plan in 5.8 s where at 0.05 it took 153 nodes
# and 21.9 s. S, M, L, XL and the default ended phase 1 at the same plan in the same time
# (30 Nov 2026, benchmarks/README.md).
HEURISTIC_EFFORT = 0.5
# Rounding neighbourhoods tried in turn (see rounding_box), and their names in the results.
# "chains" comes before "down": on L with highspy 1.16.0 the floor-to-ceiling box is empty, and the
# round-down box (24,120 general integers between their lower bound and ceiling) spent 60 s in
# HiGHS's root cut rounds for a 1.25% plan, and a box from each floor up to the upper bound 90 s
# for 1.03%; with the 2 conflicting chains of 216 freed (found in a few seconds of presolves) the
# box held a 0.96% plan after 9.5 s (30 Nov 2026).
RENS_WIDENING = (0, "chains", "down", None)
# The search for the conflicting chains may use this share of phase 2's time before the next box.
CONFLICT_SEARCH_SHARE = 0.25
# A box whose plan has not improved for this share of step 2's time is stopped (Watch.attach's
# `stall`), and step 2's time left goes to neighbourhoods of its plan over the cohort chains
# (search_chains), each also stopped once its plan has not improved for as long. On XL with
# highspy 1.16.0 the floor-to-ceiling box found a plan 1.01% from the bound after 5 s and nothing
# better in the next 70 s (18 s of cut rounds with no callback, then more); 40 of its 293 chains
# reopened gave 0.98% in 4 s (30 Nov 2026).
STALL_SHARE = 0.25
# Cohort chains reopened in each neighbourhood of the chain search.
CHAINS_PER_NEIGHBOURHOOD = 40
# A box's first plan within this many times the requested gap of the phase-1 bound stops the box,
# and the plan's RINS neighbourhood is searched first (search_rins). First plans at a 1% gap
# (30 Nov 2026): S 1.46-1.82%, M 1.51-1.74%, L 1.06% (all reach the gap in their neighbourhood);
# W 2.9-4.0%, whose neighbourhoods hold no plan at the gap, and the default 2.84-2.90%, whose
# neighbourhood on highspy 1.16.0 gave no better plan, and where the box searched again ended at
# 2.48% at the limit against 1.17% for the box left alone: those boxes run as before.
RINS_REACH = 2.5
# A box wider than floor to ceiling (used when that box is empty) gets its first plan from a
# search for any plan in it (every cost zero: HiGHS stops at its first plan, `any_plan`), which is
# then bettered in its RINS neighbourhood (search_rins) before the box is searched from the better
# plan. The wider box's own root spends seconds in cut rounds before its first plan: on L (its
# floor-to-ceiling box empty with 8 of 10 HiGHS seeds on highspy 1.15.1 and 1.16.0, 30 Nov 2026)
# the box with its conflicting cohort chains free found a first plan 3-19 s after it began, where a
# plan for any cost came in 0.5 s, 12.9% from the bound, and RINS from it reached the 1% mark
# (0.82-0.86%) 1-2 s later. The search may use up to the stall time (STALL_SHARE); without a plan
# by then the box is searched as before.
ANY_PLAN_FIRST = True
BOX_NAMES = {0: "floor to ceiling", "chains": "floor to ceiling, conflicting cohort chains free",
             "down": "lower bound to ceiling", None: "cohort decisions only"}


@dataclass
class Start:
    values: np.ndarray | None  # a plan feasible for the full model, or None
    objective: float | None
    bound: float | None  # a valid dual bound for the full model (from the relaxation)
    seconds: tuple[float, float]  # phase 1, phase 2
    box: str | None = None  # the last rounding box tried (BOX_NAMES); None: phase 2 did not run
    solver_status: str = ""  # HiGHS's words for the last phase run
    relax_nodes: int | None = None  # phase 1's branch-and-bound nodes
    # phase 2 stopped because its box's own bound showed no plan in it within the gap of the
    # phase-1 bound: the full branch and bound takes over with the time left
    handed_over: bool = False
    # phase 1's own gap (its relaxed plan against its bound): how weak the binaries' relaxation is
    # (W seed 0: 0.87%; S, L: 0.04-0.07%); it decides whether plain branch and bound goes on
    # beside the rounding (portfolio.py)
    relax_gap: float | None = None
    # what phase 1 solved: "binaries kept" (the MIP above) or, when that had no point within its
    # share, "LP without crossover" (every integer relaxed, the interior point rounded)
    relaxation: str = "binaries kept"
    # neighbourhoods of the box's plan searched over the cohort chains once the box had stalled
    # (search_chains), and how many of them gave a better plan
    chain_neighbourhoods: int = 0
    chain_improvements: int = 0
    # the RINS neighbourhood of the box's first plan (search_rins): None when not searched (the
    # first plan reached the gap, was further than RINS_REACH gaps from it, or the box was out of
    # reach), else "reached the gap", "better" or "no better"
    rins: str | None = None
    # the box's first plan came from a search for any plan in it (ANY_PLAN_FIRST), not from the box
    any_plan_first: bool = False

    def phases(self) -> dict:
        return {"relax_seconds": self.seconds[0], "round_seconds": self.seconds[1],
                "rounding_box": self.box, "relax_nodes": self.relax_nodes, "handed_over": self.handed_over,
                "relax_gap": self.relax_gap, "relaxation": self.relaxation,
                "chain_neighbourhoods": self.chain_neighbourhoods, "chain_improvements": self.chain_improvements,
                "rins": self.rins, "any_plan_first": self.any_plan_first}


def _phase_highs(compiled: CompiledModel, col_lower: np.ndarray, col_upper: np.ndarray,
                 integer: np.ndarray, time_limit: float, mip_rel_gap: float,
                 objective: np.ndarray | None = None) -> highspy.Highs:
    """A fresh HiGHS instance holding the compiled model with other column bounds and integrality
    (and other costs, `objective`, when given)."""
    h = compiled.copy(col_lower, col_upper, integer, objective)
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("mip_heuristic_effort", HEURISTIC_EFFORT)
    # The relaxations are degenerate for dual simplex (tens of thousands of pivots on the default);
    # the interior point method solves them several times faster.
    h.setOptionValue("mip_lp_solver" if integer.any() else "solver", "ipm")
    return h


def _lp_without_crossover(compiled: CompiledModel, time_limit: float) -> highspy.Highs:
    """The LP relaxation (every integer relaxed) by interior point, stopping at its interior optimum:
    no basis is needed to round it, and the crossover is what makes phase 1 slow on the largest
    models."""
    h = compiled.copy()
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("run_crossover", "off")
    return h


def rens_box(compiled: CompiledModel, relaxed: np.ndarray, free: np.ndarray, general: np.ndarray,
             widen: int | str | None) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds of the rounding neighbourhood, within each column's own bounds: cohort binaries
    fixed at the relaxed values; each general integer boxed to [floor - widen, ceil + widen] of its
    relaxed value for a number `widen`, to [its lower bound, ceil] for "down", unboxed for None."""
    lo, hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    fix = compiled.binary & free
    lo[fix] = hi[fix] = np.round(relaxed[fix])
    if widen is not None:
        hi[general] = np.minimum(hi[general], np.ceil(relaxed[general] - 1e-6) + (0 if widen == "down" else widen))
        if widen != "down":
            lo[general] = np.maximum(lo[general], np.floor(relaxed[general] + 1e-6) - widen)
    return lo, hi


def rounding_box(compiled: CompiledModel, relaxed: np.ndarray, free: np.ndarray, general: np.ndarray,
                 widen: int | str | None, time_limit: float,
                 stop: Callable[[], bool] = lambda: False) -> tuple[np.ndarray, np.ndarray] | None:
    """The column bounds of rounding neighbourhood `widen` (RENS_WIDENING): rens_box's, or for
    "chains" the floor-to-ceiling box with the starts of the cohort chains that make it empty given
    their own bounds back (cohort_chains.chains_in_conflict, within `time_limit` seconds and until
    `stop()`); None when that box has nothing to add (no chains, or none found in time)."""
    if widen != "chains":
        return rens_box(compiled, relaxed, free, general, widen)
    lo, hi = rens_box(compiled, relaxed, free, general, 0)
    freed = chains_in_conflict(compiled, lo, hi, time_limit, stop)
    if freed is None:
        return None
    lo[freed], hi[freed] = compiled.col_lower[freed], compiled.col_upper[freed]
    return lo, hi


def relax_and_round(compiled: CompiledModel, time_limit: float, mip_rel_gap: float, watch: Watch,
                    incumbent: np.ndarray | None = None,
                    phase_one_said: Callable[[float | None, bool], None] | None = None) -> Start | None:
    """A start and a bound for the MIP in two small solves.

    Phase 1 relaxes the general integers and keeps the binaries: a small MIP whose dual bound is a
    valid bound on the full model. Phase 2 (RENS) fixes the binaries at phase 1's values and boxes
    each general integer between the floor and ceiling of its phase-1 value; HiGHS searches that
    neighbourhood until its plan is within `mip_rel_gap` of the phase-1 bound, or until its own
    bound shows no plan in it can be (the binaries fixed at phase 1's values cost too much, as on
    the Wales preset W: then it hands its plan over to the full branch and bound once the plan has
    not improved for as long as phase 1 took). A box within reach whose plan has not improved for
    STALL_SHARE of phase 2's time gives way to neighbourhoods of its plan over the cohort chains
    (search_chains) for the rest of phase 2's time. A box whose first plan is short of the mark
    but within RINS_REACH times the gap of the phase-1 bound is stopped there: the neighbourhood of the integers
    on which that plan disagrees with phase 1's point (search_rins) is searched first, and the box
    is then searched again (from the better plan) if the mark is still not reached. A known feasible
    `incumbent` (the previous point of a frontier) skips phase 2 when it is already close enough.
    `phase_one_said(relax_gap, has_point)` is told how phase 1 ended (portfolio.PlainArm).
    Returns None when the model has no free general integers (nothing to gain).
    """
    free = compiled.col_lower < compiled.col_upper
    general = compiled.integer & ~compiled.binary & free
    if not general.any():
        return None
    t0 = time.perf_counter()
    one = _phase_one(compiled, free, time_limit, mip_rel_gap, watch, t0)
    t1 = time.perf_counter()
    if phase_one_said is not None:
        phase_one_said(one.relax_gap, one.relaxed is not None)
    if one.relaxed is None or watch.cancelled or watch.settled:
        return Start(None, None, None, (t1 - t0, 0.0), solver_status=one.status, relax_nodes=one.nodes,
                     relaxation=one.relaxation)
    relaxed, bound = one.relaxed, one.bound
    if bound is not None:
        watch.bound = bound if watch.bound is None else max(bound, watch.bound)
    if one.relaxation != "binaries kept":
        # The relaxation opens cohorts in part, so the boxes below hold no plan on the models that
        # come here (L2): round the intakes a provider's route at a time first (cohort_chains.py).
        chained = chain_plan(compiled, relaxed, time_limit - (time.perf_counter() - t0))
        if chained is not None and (incumbent is None
                                    or compiled.objective_of(chained) < compiled.objective_of(incumbent)):
            incumbent = chained
        t1 = time.perf_counter()
    if incumbent is not None:
        inc_obj = compiled.objective_of(incumbent)
        if bound is not None and relative_gap(inc_obj, bound) <= mip_rel_gap:
            return Start(incumbent, inc_obj, bound, (t1 - t0, 0.0), solver_status=one.status, relax_nodes=one.nodes,
                         relax_gap=one.relax_gap, relaxation=one.relaxation)
    stop_at = None if bound is None else bound + mip_rel_gap * abs(bound) / max(1e-9, 1 - mip_rel_gap)
    stall = STALL_SHARE * PHASE_SHARE[1] * max(0.0, time_limit - (time.perf_counter() - t0))
    reach = min(0.99, RINS_REACH * mip_rel_gap)
    near = None if bound is None else bound + reach * abs(bound) / (1 - reach)
    widen, box, found, phase_two_end = _first_box(compiled, relaxed, free, general, t0, time_limit, watch,
                                                  stop_at=stop_at, patience=t1 - t0,
                                                  stall=stall if stop_at is not None else None, first_plan_within=near)
    facts = dict(box=BOX_NAMES[widen], relax_nodes=one.nodes, relax_gap=one.relax_gap, relaxation=one.relaxation,
                 any_plan_first=found.any_plan)
    values, objective, last = found.values, found.objective, found
    if found.stops.first_plan_stop and objective > stop_at:
        if not found.stops.out_of_reach and _time_left(phase_two_end, watch):
            values, objective, facts["rins"] = search_rins(compiled, relaxed, values, objective, box, phase_two_end,
                                                           stop_at, stall, watch)
        if objective > stop_at and _time_left(phase_two_end, watch):
            # the box again (from the better plan), until the mark, its stall or its hand-over
            start = values if facts.get("rins") in ("better", "reached the gap") else None
            last = _search(compiled, box, phase_two_end, watch, start, stop_at=stop_at, patience=t1 - t0, stall=stall)
            if _better(last, objective):
                values, objective = last.values, last.objective
    seconds = (t1 - t0, time.perf_counter() - t1)
    out_of_reach = last.stops.out_of_reach
    facts.update(solver_status=said(last.highs), handed_over=out_of_reach)
    if values is None:
        if incumbent is not None:
            return Start(incumbent, inc_obj, bound, seconds, **facts)
        return Start(None, None, bound, seconds, **facts)
    if incumbent is not None and inc_obj < objective:
        values, objective = incumbent, inc_obj
    # the box ended early with a plan short of the mark: it stalled (or searched its whole box)
    if (stop_at is not None and objective > stop_at and _time_left(phase_two_end, watch)
            and not out_of_reach):
        values, objective, searched, better = search_chains(
            compiled, relaxed, values, objective, box, phase_two_end, stop_at, stall, watch)
        facts.update(chain_neighbourhoods=searched, chain_improvements=better)
        seconds = (t1 - t0, time.perf_counter() - t1)
    return Start(values, objective, bound, seconds, **facts)


@dataclass
class PhaseOne:
    """How phase 1 ended (`_phase_one`)."""

    relaxed: np.ndarray | None  # its point (general integers relaxed), or None when it has none
    bound: float | None  # its dual bound, valid for the full model; None from an LP stopped early
    nodes: int | None  # its branch-and-bound nodes (None when abandoned)
    relax_gap: float | None  # its own gap (binaries kept only)
    relaxation: str  # Start.relaxation
    status: str  # HiGHS's words for how it ended


def _phase_one(compiled: CompiledModel, free: np.ndarray, time_limit: float, mip_rel_gap: float, watch: Watch,
               t0: float) -> PhaseOne:
    """Phase 1: the MIP with the general integers relaxed and the binaries kept, within
    PHASE_SHARE[0] of `time_limit` from `t0` (time.perf_counter()) and PHASE_ONE_GAP of
    `mip_rel_gap`, in its own thread (background.BackgroundRun: abandoned when no callback comes to
    stop it); without a point by then, the LP relaxation without crossover, by FALLBACK_SHARE."""
    binaries = bool(compiled.binary[free].any())
    h1 = _phase_highs(compiled, compiled.col_lower, compiled.col_upper, compiled.binary & free,
                      PHASE_SHARE[0] * time_limit, min(PHASE_ONE_GAP * mip_rel_gap, PHASE_ONE_GAP_CAP))
    deadline = t0 - watch.t0 + PHASE_SHARE[0] * time_limit  # seconds since the solve began
    watch.attach(h1, plans=False, bounds=True, deadline=deadline)
    phase_one = BackgroundRun(h1, "engine-relax-and-round-phase-1")
    if phase_one.wait(watch.t0 + deadline + background.ABANDON_AFTER_S - time.perf_counter()):
        info = h1.getInfo()
        nodes = int(info.mip_node_count) if binaries else 0
        has_point = info.primal_solution_status == 2
        relax_gap = float(info.mip_gap) if has_point and binaries else None
    else:  # no callback came to stop it at its share: the LP below takes its place without it
        phase_one.abandon()
        nodes, has_point, relax_gap = None, False, None
        h1 = None  # still running: not read
    relaxation = "binaries kept"
    if not has_point and not watch.cancelled:
        h1 = _lp_without_crossover(compiled, FALLBACK_SHARE * time_limit - (time.perf_counter() - t0))
        watch.attach(h1, plans=False, bounds=True, deadline=t0 - watch.t0 + FALLBACK_SHARE * time_limit)
        h1.run()
        info = h1.getInfo()
        has_point = h1.getModelStatus() == highspy.HighsModelStatus.kOptimal
        relaxation = "LP without crossover"
    status = said(h1) if h1 is not None else f"still running {background.ABANDON_AFTER_S:g} s past its share"
    if not has_point:
        return PhaseOne(None, None, nodes, relax_gap, relaxation, status)
    lp = relaxation != "binaries kept" or not binaries
    bound = info.objective_function_value if lp else info.mip_dual_bound
    if h1.getModelStatus() != highspy.HighsModelStatus.kOptimal and lp:
        bound = None  # an LP stopped early gives no bound
    return PhaseOne(np.asarray(h1.getSolution().col_value, dtype=float), bound, nodes, relax_gap, relaxation, status)


class FirstBox(NamedTuple):
    """The box step 2 searched first (`_first_box`)."""

    widen: int | str | None  # its name in RENS_WIDENING
    bounds: tuple[np.ndarray, np.ndarray]  # its column bounds
    found: Found  # what its search found
    end: float  # when phase 2 ends (time.perf_counter())


def _first_box(compiled: CompiledModel, relaxed: np.ndarray, free: np.ndarray, general: np.ndarray, t0: float,
               time_limit: float, watch: Watch, stop_at: float | None, stall: float | None, **stops) -> FirstBox:
    """The first rounding box of RENS_WIDENING that is not empty, searched (`_search`, stopped at
    objective `stop_at`, after `stall` seconds without a better plan and by `stops`) for phase 2's
    share of the time left since `t0`. With a mark (`stop_at`), a box wider than floor to ceiling is
    searched for any plan first (`any_plan`, ANY_PLAN_FIRST), for up to `stall` seconds; that plan
    is returned as the box's first (`first_plan_stop`) when there is one."""
    for widen in RENS_WIDENING:
        # The floor/ceiling box can hold no integer plan when rows bind together at the relaxed
        # point (cohort minimums against placement capacity, say); each retry widens it, and the
        # last keeps only the cohort decisions fixed. An empty box is found in well under a second.
        left = PHASE_SHARE[1] * max(0.0, time_limit - (time.perf_counter() - t0))
        box = rounding_box(compiled, relaxed, free, general, widen, CONFLICT_SEARCH_SHARE * left,
                           stop=lambda: watch.cancelled or watch.settled)
        if box is None:
            continue
        phase_two_end = time.perf_counter() + PHASE_SHARE[1] * max(0.0, time_limit - (time.perf_counter() - t0))
        if ANY_PLAN_FIRST and widen != 0 and stop_at is not None:
            # its first plan from a search for any plan (then RINS from it, in relax_and_round)
            first = any_plan(compiled, box, min(phase_two_end, time.perf_counter() + (stall or 0.0)), watch)
            if first.highs.getModelStatus() == highspy.HighsModelStatus.kInfeasible:
                continue  # `found` stays the floor-to-ceiling box's (always searched first): no plan
            if first.values is not None or watch.cancelled or watch.settled:
                return FirstBox(widen, box, first, phase_two_end)
        found = _search(compiled, box, phase_two_end, watch, stop_at=stop_at, stall=stall, **stops)
        if (found.highs.getModelStatus() != highspy.HighsModelStatus.kInfeasible
                or watch.cancelled or watch.settled):
            break
    return FirstBox(widen, box, found, phase_two_end)


@dataclass
class Found:
    """What one search of a neighbourhood gave (`_search`)."""

    highs: highspy.Highs  # the instance searched, for its status in HiGHS's words
    values: np.ndarray | None  # its best plan, or None
    objective: float | None
    stops: PhaseStops  # what its stopping rules saw (Watch.attach)
    any_plan: bool = False  # a plan for any cost (`any_plan`): `stops.first_plan_stop` is set


def any_plan(compiled: CompiledModel, box: tuple[np.ndarray, np.ndarray], end: float, watch: Watch) -> Found:
    """A plan of the model in `box` whatever it costs, by `end` (time.perf_counter()): HiGHS on the
    box with every cost zero stops at its first plan (its bound, 0, proves it optimal), which skips
    the cut rounds a box's root spends before its first plan (ANY_PLAN_FIRST). The plan's
    objective is the model's own. Its status is kInfeasible when the box holds no plan."""
    h = _phase_highs(compiled, box[0], box[1], compiled.integer, end - time.perf_counter(), 1e-4,
                     objective=np.zeros(compiled.n_cols))
    watch.attach(h, plans=False, bounds=False)  # its objective is not the model's: no plan reported
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return Found(h, None, None, PhaseStops())
    values = np.asarray(h.getSolution().col_value, dtype=float)
    return Found(h, values, compiled.objective_of(values), PhaseStops(first_plan_stop=True), any_plan=True)


def _search(compiled: CompiledModel, box: tuple[np.ndarray, np.ndarray], end: float, watch: Watch,
            start: np.ndarray | None = None, **stops) -> Found:
    """HiGHS over the neighbourhood `box` (column bounds; every integer kept integer) until `end`
    (time.perf_counter()) or its own gap of 0.01%, from plan `start` when given, and stopped as
    Watch.attach's `stops` (stop_at, patience, stall, first_plan_within) say."""
    h = _phase_highs(compiled, box[0], box[1], compiled.integer, end - time.perf_counter(), 1e-4)
    if start is not None:
        seed(h, start)
    seen = watch.attach(h, plans=True, bounds=False, **stops)
    h.run()
    if h.getInfo().primal_solution_status != 2:
        return Found(h, None, None, seen)
    return Found(h, np.asarray(h.getSolution().col_value, dtype=float), h.getInfo().objective_function_value, seen)


def _better(found: Found, objective: float | None) -> bool:
    """Whether the search found a plan better than `objective` (beyond rounding noise)."""
    return found.objective is not None and (
        objective is None or found.objective < objective - 1e-9 * max(1.0, abs(objective)))


def _time_left(end: float, watch: Watch) -> bool:
    """Whether step 2 may go on: before `end` (time.perf_counter()), not cancelled, not settled."""
    return time.perf_counter() < end and not (watch.cancelled or watch.settled)


def rins_box(compiled: CompiledModel, relaxed: np.ndarray, plan: np.ndarray,
             box: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds of the RINS neighbourhood of `plan` in rounding box `box`: every integer on
    which the plan and phase 1's point `relaxed` agree (the plan's value is the nearest integer to
    the relaxed one) held at the plan's value; the others keep the box's bounds. The plan lies
    inside it."""
    lo, hi = box[0].copy(), box[1].copy()
    agree = compiled.integer & (np.abs(plan - relaxed) < 0.5)
    lo[agree] = hi[agree] = np.clip(np.round(plan[agree]), box[0][agree], box[1][agree])
    return lo, hi


def search_rins(compiled: CompiledModel, relaxed: np.ndarray, plan: np.ndarray, objective: float,
                box: tuple[np.ndarray, np.ndarray], end: float, stop_at: float, stall: float,
                watch: Watch) -> tuple[np.ndarray, float, str]:
    """Better `plan` (the box's first, objective `objective`) in its RINS neighbourhood (rins_box):
    HiGHS searches it from the plan until a plan reaches `stop_at`, its own bound shows none can
    (patience 0: the box, which holds more, is searched next), its plan has not improved for
    `stall` seconds, or `end`. The box's own root spends seconds in cut rounds before its sub-MIP
    heuristic finds such a plan; this neighbourhood, a third of the box's free integers, is
    searched in a fraction of a second (S: the mark in 0.1 s after a first plan at 0.2 s, where the
    box took 3.5 s; M 0.3 s against 16 s; L on highspy 1.15.1 0.527% in 1.6 s where the box stalled
    at 1.061%; W's first plans, 2.9-4.0% from the bound, are too far: the neighbourhood is out of
    reach within 0.1 s; 30 Nov 2026). Returns the plan, its objective and the outcome: "reached
    the gap", "better" or "no better"."""
    found = _search(compiled, rins_box(compiled, relaxed, plan, box), end, watch, plan,
                    stop_at=stop_at, patience=0.0, stall=stall)
    if not _better(found, objective):
        return plan, objective, "no better"
    return found.values, found.objective, "reached the gap" if found.objective <= stop_at else "better"


def search_chains(compiled: CompiledModel, relaxed: np.ndarray, plan: np.ndarray, objective: float,
                  box: tuple[np.ndarray, np.ndarray], end: float, stop_at: float, stall: float,
                  watch: Watch) -> tuple[np.ndarray, float, int, int]:
    """Better `plan` (objective `objective`, found in rounding box `box`) a few cohort chains at a
    time: each neighbourhood (cohort_chains.chain_neighbourhood) reopens CHAINS_PER_NEIGHBOURHOOD
    chains, those the rounding decided most first, and HiGHS searches it from the plan until a plan
    reaches `stop_at`, or its plan has not improved for `stall` seconds. The search ends at `stop_at`,
    at `end` (time.perf_counter()), when the solve is cancelled or settled, or once every chain has
    been reopened since the last better plan. Returns the plan, its objective, the neighbourhoods
    searched and how many of them gave a better plan."""
    chains = chains_by_rounding(compiled, relaxed)
    in_chains = np.zeros(compiled.n_cols, dtype=bool)
    if chains:
        in_chains[np.concatenate(chains)] = True
    step = min(CHAINS_PER_NEIGHBOURHOOD, len(chains))
    first = unimproved = searched = better = 0
    while (chains and unimproved < len(chains) and objective > stop_at and end - time.perf_counter() > 0
           and not (watch.cancelled or watch.settled)):
        reopened = [chains[(first + i) % len(chains)] for i in range(step)]
        first = (first + step) % len(chains)
        neighbourhood = chain_neighbourhood(compiled, relaxed, plan, box[0], box[1], in_chains, reopened)
        found = _search(compiled, neighbourhood, end, watch, plan, stop_at=stop_at, patience=stall, stall=stall)
        searched += 1
        if _better(found, objective):
            plan, objective = found.values, found.objective
            better += 1
            unimproved = 0
        else:
            unimproved += step
    return plan, objective, searched, better
