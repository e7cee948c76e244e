"""Plans almost as good as the best: another objective pushed as far as it will go while the
model's own objective stays within a slack of the best plan's (modelling to generate alternatives,
as PyPSA's near-optimal analysis does it):

    minimise  d.x                                  (d: +1 or -1 on the columns of one dimension)
    subject to  c.x + offset <= z* + slack |z*|    (z*: the best plan's objective)
                the model's rows and bounds; the cohort open/close decisions held at the best plan's;
                starts and recruits continuous

This is the LP the shadow prices and ranges are read from (`duals.py`), with the objective row
added: one interior-point solve per alternative (4-5 s on the default). The integer version was
tried first and measured (29 Nov 2026): HiGHS's branch and bound found no plan better in d than
the best plan in a minute, from the best plan or from a rounded LP point (the objective row leaves
a thin sliver of integer plans and the stability rows between years make rounding into it fail),
and a weighted sum c.x + lambda d.x solved by the engine's own run needed its MIP gap (1-3%) to be
well below the slack to say anything. So an alternative's starts and recruits may be fractional:
it shows what the plan could trade within the slack, to be re-solved as a plan with the change
fixed (a scenario edit) once a commissioner picks one.
"""

from __future__ import annotations

import time

import highspy
import numpy as np

from optimiser.basics.status import Status
from optimiser.solver.lifecycle import CompiledModel
from optimiser.solver.outcome import SolveOutcome, outcome_of


def cohorts_fixed(compiled: CompiledModel, best: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Column bounds with the cohort open/close decisions held at the best plan's."""
    lo, hi = compiled.col_lower.copy(), compiled.col_upper.copy()
    lo[compiled.binary] = hi[compiled.binary] = np.round(best[compiled.binary])
    return lo, hi


def pushed_plan(compiled: CompiledModel, best: np.ndarray, best_objective: float, slack: float,
                direction: np.ndarray, time_limit: float) -> SolveOutcome:
    """The LP plan (see the module's docstring) lowest in `direction`.x whose objective is within
    `slack` (a share: 0.02 = 2%) of `best_objective`, the best plan `best`'s cohorts kept.
    The outcome's `objective` is the model's own objective of that plan."""
    t0 = time.perf_counter()
    lo, hi = cohorts_fixed(compiled, best)
    h = compiled.copy(lo, hi, objective=np.asarray(direction, dtype=float))
    nonzero = np.flatnonzero(compiled.cost).astype(np.int32)
    cap = best_objective + slack * abs(best_objective) - compiled.objective_offset
    h.addRow(-highspy.kHighsInf, float(cap), len(nonzero), nonzero, compiled.cost[nonzero])
    h.setOptionValue("solver", "ipm")
    h.setOptionValue("time_limit", max(float(time_limit), 0.01))
    h.run()
    outcome = outcome_of(h, time.perf_counter() - t0, integer=False)
    if outcome.values is None:
        return outcome
    values = outcome.values[: compiled.n_cols]
    outcome.values = values
    outcome.objective = compiled.objective_of(values)
    outcome.row_activity = compiled.activity(values)
    outcome.mip_gap = None
    if outcome.status is Status.OPTIMAL and outcome.objective > best_objective + slack * abs(best_objective) * (1 + 1e-6) + 1e-6:
        outcome.status, outcome.message = Status.ERROR, "the alternative's objective is outside the slack"
    return outcome
