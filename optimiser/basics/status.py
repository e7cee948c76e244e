"""How a solve ended, in the engine's words, and the one answer to "does this result hold a plan".

`Status` is a `StrEnum`: each value compares equal to (and is written out as) the plain string the
output files have always carried, so `status == "optimal"` and summary.json keep working. The
solver adapter (optimiser/solver/outcome.py) is the only place that turns HiGHS's own model status
into one of these.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    OPTIMAL = "optimal"  # within the asked relative gap of the best possible plan
    TIME_LIMIT = "time_limit"  # stopped by the time limit (with or without a plan)
    CANCELLED = "cancelled"  # stopped at the planner's request (with or without a plan)
    INFEASIBLE = "infeasible"  # no plan meets every hard limit
    ERROR = "error"  # HiGHS stopped for another reason; its own words are kept beside it


# Endings after which a plan the solver found may be used. An `error` ending is not one of them
# even when HiGHS holds column values: the run did not end for a reason the engine understands.
PLAN_ENDINGS = frozenset({Status.OPTIMAL, Status.TIME_LIMIT, Status.CANCELLED})


def holds_plan(status: str, plan_found: bool) -> bool:
    """Whether a result holds a usable plan: the solver found one (`plan_found`) and stopped for a
    reason after which it can be used (optimal, time limit, or cancelled with the best plan so far)."""
    return plan_found and status in PLAN_ENDINGS
