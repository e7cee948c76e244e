"""What a solve returns, and the one place where HiGHS's model status becomes the engine's `Status`."""

from __future__ import annotations

from dataclasses import dataclass, field

import highspy
import numpy as np

from optimiser.basics.status import Status, holds_plan
from optimiser.solver.standard_form import INF

INFEASIBLE_MESSAGE = "the hard limits cannot all be met"
CONFIRMED = "infeasible, confirmed with presolve off"


@dataclass
class SolveOutcome:
    status: Status
    message: str
    objective: float | None
    mip_gap: float | None
    dual_bound: float | None
    solve_seconds: float
    values: np.ndarray | None  # column values, in compiled column order
    # HiGHS's own model status text for the run that gave this answer, after "rounding phase: " or
    # "LP relaxation: " when the answer came from one (a rounding phase the engine stopped once
    # its plan was within the gap reads "Interrupted by user")
    solver_status: str = ""
    presolve_rechecked: bool = False  # an infeasible verdict was re-checked with presolve off
    row_activity: np.ndarray | None = None  # row values at `values`, in compiled row order
    # The relax-and-round start, if it ran: relax_seconds, round_seconds, rounding_box (the name,
    # rounding.BOX_NAMES, of the last neighbourhood tried); or earlier_plan_within_gap.
    phases: dict = field(default_factory=dict)

    @property
    def holds_plan(self) -> bool:
        return holds_plan(self.status, self.values is not None)


def relative_gap(incumbent: float, bound: float) -> float:
    """HiGHS's relative gap for a minimisation: (incumbent - bound) / |incumbent|."""
    if incumbent - bound <= 1e-9 * max(1.0, abs(incumbent)):
        return 0.0
    return (incumbent - bound) / max(abs(incumbent), 1e-9)


def said(h: highspy.Highs) -> str:
    """HiGHS's words for how its last run ended (e.g. "Optimal", "Time limit reached")."""
    return h.modelStatusToString(h.getModelStatus())


def outcome_of(h: highspy.Highs, seconds: float, integer: bool, known_bound: float | None = None,
               rechecked: bool = False) -> SolveOutcome:
    """The outcome of a finished HiGHS run: HiGHS's status in the engine's terms, with its plan (if
    any), gap and dual bound. `known_bound`: a valid bound from the relax-and-round start, used when
    better than HiGHS's own; `rechecked`: this run is the presolve-off re-check of an infeasible verdict."""
    status = h.getModelStatus()
    info = h.getInfo()
    has_primal = info.primal_solution_status == 2  # kSolutionStatusFeasible
    values = np.asarray(h.getSolution().col_value, dtype=float) if has_primal else None
    objective = info.objective_function_value if has_primal else None
    gap = (info.mip_gap if integer else 0.0) if has_primal else None
    bound = info.mip_dual_bound if integer else objective
    if integer and known_bound is not None and (bound is None or abs(bound) >= INF or known_bound > bound):
        bound = known_bound  # the relax-and-round bound can be better than HiGHS's own
        if has_primal:
            gap = min(gap, relative_gap(objective, bound))
    words = h.modelStatusToString(status)

    def out(ending: Status, message: str) -> SolveOutcome:
        return SolveOutcome(ending, message, objective, gap, bound, seconds, values,
                            solver_status=words, presolve_rechecked=rechecked)

    S = highspy.HighsModelStatus
    if status == S.kOptimal:
        return out(Status.OPTIMAL, "optimal")
    if status == S.kInterrupt:
        return out(Status.CANCELLED, "cancelled" + ("; the best plan found so far is reported" if has_primal
                                                     else " before any feasible plan was found"))
    if status in (S.kTimeLimit, S.kIterationLimit, S.kSolutionLimit):
        return out(Status.TIME_LIMIT, "time limit reached" + ("" if has_primal else " before any feasible plan was found"))
    if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
        message = f"{CONFIRMED}: {INFEASIBLE_MESSAGE}" if rechecked else INFEASIBLE_MESSAGE
        return SolveOutcome(Status.INFEASIBLE, message, None, None, None, seconds, None,
                            solver_status=words, presolve_rechecked=rechecked)
    return out(Status.ERROR, f"HiGHS stopped with status {words}")
