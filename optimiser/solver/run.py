"""The MIP run: an earlier plan kept when a bound shows it is good enough, else relax and round,
then HiGHS's branch and bound seeded with that plan; progress reports, cancelling, and an
infeasible verdict re-checked with presolve off before it is believed."""

from __future__ import annotations

import logging
import time

import numpy as np

from optimiser.basics.status import Status
from optimiser.solver import portfolio
from optimiser.solver.lifecycle import CompiledModel, restart_clock, seed
from optimiser.solver.outcome import SolveOutcome, outcome_of, relative_gap, said
from optimiser.solver.portfolio import PlainArm, combine
from optimiser.solver.rounding import relax_and_round
from optimiser.solver.watch import Progress, Watch

log = logging.getLogger(__name__)


def _pressing(activity: np.ndarray, changes: dict, tol: float) -> bool:
    """Whether any changed row was within `tol` (relative) of its bound *before* the change."""
    for i, (old_lower, old_upper, _loosened) in changes.items():
        scale = tol * max(1.0, abs(activity[i]))
        if abs(activity[i] - old_upper) <= scale or abs(activity[i] - old_lower) <= scale:
            return True
    return False


def _earlier_plan(compiled: CompiledModel, incumbent: np.ndarray, changes: dict, mip_rel_gap: float,
                  t0: float) -> SolveOutcome | None:
    """The earlier plan as the answer, if the LP bound shows it is within the gap; else None.

    A re-solve (frontier step) that loosened no limit the earlier plan was pressing on: that plan
    may already be within the gap of the new LP bound (one IPM solve, ~0.15 s on the default).
    Loosening rows that had slack at the last LP optimum leaves the LP optimum unchanged
    (convexity), so that bound is reused without a solve."""
    last = compiled.last_relaxation
    if last is not None and all(c[2] for c in changes.values()) and not _pressing(last[1], changes, 1e-4):
        bound = last[0]
    else:
        bound = compiled.relaxation_bound()
    objective = compiled.objective_of(incumbent)
    if bound is None or relative_gap(objective, bound) > mip_rel_gap:
        return None
    return SolveOutcome(Status.OPTIMAL, "optimal within the gap (the earlier plan)", objective,
                        relative_gap(objective, bound), bound, time.perf_counter() - t0, incumbent,
                        solver_status=f"LP relaxation: {said(compiled.relaxation)}", row_activity=compiled.activity(incumbent),
                        phases={"earlier_plan_within_gap": True})


def run(compiled: CompiledModel, time_limit: float, mip_rel_gap: float,
        progress: Progress | None = None, incumbent: np.ndarray | None = None) -> SolveOutcome:
    """Solve the model with its current bounds.

    `incumbent`: a plan of this model from an earlier solve (ignored unless it meets the current
    bounds). MIPs first get a start and a bound from `relax_and_round`; when that plan is already
    within `mip_rel_gap` of the bound it is the answer, otherwise it seeds HiGHS's branch and bound.
    Beside them HiGHS's plain branch and bound runs in a second thread (portfolio.py), kept only
    where phase 1 shows its relaxation is weak. A `progress` callback that returns True stops
    HiGHS at its next check (status 'cancelled', with the best plan found so far if there is one)."""
    t0 = time.perf_counter()
    watch = Watch(progress, t0)
    integer = bool(compiled.integer.any())
    if incumbent is not None and not compiled.is_feasible(incumbent):
        incumbent = None
    changes = compiled.take_changed_rows()
    if incumbent is not None and integer and not _pressing(compiled.activity(incumbent), changes, 1e-6):
        kept = _earlier_plan(compiled, incumbent, changes, mip_rel_gap, t0)
        if kept is not None:
            return kept
    free = compiled.col_lower < compiled.col_upper
    rounding = integer and bool((compiled.integer & ~compiled.binary & free).any())
    arm = PlainArm(compiled, time_limit, mip_rel_gap, watch) if rounding and portfolio.PLAIN_ARM else None
    try:
        outcome = _relax_round_and_branch(compiled, time_limit, mip_rel_gap, watch, incumbent, arm)
    finally:
        plain = arm.finish() if arm is not None else None
    if arm is not None:
        outcome.phases["plain_arm"] = "stopped after phase 1" if arm.dropped else "beside the rounding"
    if plain is None:
        return outcome
    outcome = combine(outcome, plain, mip_rel_gap)
    if outcome.values is not None and outcome.row_activity is None:  # the plain arm's plan
        outcome.objective = compiled.objective_of(outcome.values)
        outcome.row_activity = compiled.activity(outcome.values)
    outcome.solve_seconds = time.perf_counter() - t0
    return outcome


def _relax_round_and_branch(compiled: CompiledModel, time_limit: float, mip_rel_gap: float, watch: Watch,
                            incumbent: np.ndarray | None, arm: PlainArm | None) -> SolveOutcome:
    """The rounding arm: relax and round, then HiGHS's branch and bound seeded with its plan."""
    t0 = watch.t0
    h = compiled.highs
    integer = bool(compiled.integer.any())
    start = (relax_and_round(compiled, time_limit, mip_rel_gap, watch, incumbent,
                             arm.phase_one_said if arm is not None else None) if integer else None)
    phases = {} if start is None else start.phases()
    if start is not None and start.values is not None:
        gap = relative_gap(start.objective, start.bound) if start.bound is not None else None
        within = gap is not None and gap <= mip_rel_gap
        if within or watch.cancelled or watch.settled:
            status, message = ((Status.OPTIMAL, "optimal within the gap") if within else
                               (Status.CANCELLED, "cancelled; the best plan found so far is reported"))
            return SolveOutcome(status, message, start.objective, gap, start.bound, time.perf_counter() - t0,
                                start.values, solver_status=f"rounding phase: {start.solver_status}",
                                row_activity=compiled.activity(start.values), phases=phases)
    if watch.cancelled or watch.settled:  # settled: the plain arm has the answer (portfolio.combine)
        return SolveOutcome(Status.CANCELLED, "cancelled before any feasible plan was found", None, None, None,
                            time.perf_counter() - t0, None, solver_status=f"rounding phase: {start.solver_status}",
                            phases=phases)
    remaining = max(0.01, time_limit - (time.perf_counter() - t0))
    restart_clock(h)  # the limit is this run's, not what earlier runs of this instance used
    h.setOptionValue("time_limit", float(remaining))
    h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
    h.setOptionValue("presolve", "choose")
    # A plan rounded from the LP alone (cohort_chains.py) is not handed to HiGHS: on those models its
    # branch and bound does not get past the root LP in the time, and the plan is the answer anyway
    # when it finds none better (below)
    if start is not None and start.values is not None and start.relaxation == "binaries kept":
        seed(h, start.values)
    watch.attach(h, plans=True, bounds=True, deadline=time_limit)  # HiGHS checks its own limit rarely in a long LP
    try:
        h.run()
    finally:
        h.clearCallbacks()
    outcome = outcome_of(h, time.perf_counter() - t0, integer, start.bound if start else None)
    if outcome.status == Status.INFEASIBLE:
        log.info("HiGHS reports infeasible; re-checking with presolve off")
        h.setOptionValue("presolve", "off")
        h.setOptionValue("time_limit", max(0.01, time_limit - (time.perf_counter() - t0)))
        restart_clock(h)  # also clears the solver's state
        h.run()
        outcome = outcome_of(h, time.perf_counter() - t0, integer, rechecked=True)
        h.setOptionValue("presolve", "choose")
    if outcome.status == Status.CANCELLED and not (watch.cancelled or watch.settled):  # stopped at the deadline
        outcome.status = Status.TIME_LIMIT
        outcome.message = outcome.message.replace("cancelled", "time limit reached")
    if (start is not None and start.values is not None and outcome.status != Status.INFEASIBLE
            and (outcome.values is None
                 or start.objective < outcome.objective - 1e-9 * max(1.0, abs(outcome.objective)))):
        # branch and bound found nothing better in the time left: the start's plan is the answer.
        # Only a clearly better start replaces its plan: equal objectives that differ in the last
        # digits are ties, and swapping on them made two solves of one model report different plans
        outcome.values, outcome.objective = start.values, start.objective
        outcome.mip_gap = relative_gap(start.objective, outcome.dual_bound) if outcome.dual_bound is not None else None
        outcome.message = outcome.message.replace(" before any feasible plan was found", "")
    if outcome.values is not None:
        outcome.row_activity = compiled.activity(outcome.values)
    outcome.phases = phases
    return outcome
