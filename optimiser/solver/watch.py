"""Progress reports and cancelling: HiGHS's callbacks forwarded to the planner's progress function."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy

from optimiser.solver.outcome import relative_gap
from optimiser.solver.standard_form import INF

# progress(report) receives {"elapsed_s", "incumbent", "bound", "gap", "nodes"} as HiGHS reports
# them (at most every PROGRESS_EVERY_S seconds, and at each better plan); returning True cancels.
# It may be called from a solver thread (phase 1 runs in its own: background.py), one call at a time.
Progress = Callable[[dict], bool | None]
PROGRESS_EVERY_S = 0.5


@dataclass
class PhaseStops:
    """What one attached phase's own stopping rules saw (Watch.attach returns it): read after its
    run. Each phase has its own, so two phases running at once (the rounding and the plain branch
    and bound beside it) never read each other's."""

    out_of_reach: bool = False  # its own bound showed it holds no plan as good as `stop_at`
    first_plan_stop: bool = False  # it stopped at its first plan (`first_plan_within`)


class Watch:
    """Forwards HiGHS callbacks to a progress function across the phases of one solve (and the
    plain branch and bound beside them, portfolio.py, which reports from its own thread), and
    stops HiGHS when the function asks to cancel, when a phase's plan is good enough (`stop_at`),
    when it passes its `deadline`, or when its `stop_when` says so (the other arm has won)."""

    def __init__(self, progress: Progress | None, t0: float):
        self.progress, self.t0 = progress, t0
        self.last = -PROGRESS_EVERY_S
        self.cancelled = False
        self.best: float | None = None  # best incumbent of any phase
        self.bound: float | None = None  # best valid dual bound of any phase
        self.settled = False  # one arm of the portfolio has its answer: the other stops
        self._calling = threading.Lock()  # one progress call at a time, whichever arm reports

    def attach(self, h: highspy.Highs, *, plans: bool, bounds: bool, stop_at: float | None = None,
               patience: float = 0.0, deadline: float | None = None,
               stop_when: Callable[[], bool] | None = None, stall: float | None = None,
               first_plan_within: float | None = None) -> PhaseStops:
        """`plans`: this phase's incumbents are plans of the full model (not of a relaxation);
        `bounds`: its dual bound is valid for the full model (not for a restricted neighbourhood);
        `stop_at`: stop once a plan this good is found. If this phase's own dual bound shows it
        holds no such plan (the returned `out_of_reach`), it stops once it has a plan that has not improved
        for `patience` seconds: its plan seeds the next phase, which has a chance.
        `deadline`: seconds since the solve began after which it stops at its next callback (HiGHS's
        own time limit is checked rarely inside a long interior-point solve); `stop_when`: stop once
        this returns True (default: once the solve is `settled`); `stall`: stop once it has a plan that
        has not improved for this many seconds, whatever its bound says: at a callback, and through
        HiGHS's own time limit, moved to `stall` seconds on at each better plan (no callback comes
        from HiGHS's cut rounds, where it does check its clock: 18 s of them on XL's rounding box);
        `first_plan_within`: stop at its first plan if that plan is at most this (the returned
        `first_plan_stop` says so afterwards), the same two ways; a later plan does not stop it."""
        seen = PhaseStops()
        moves_limit = stall is not None or first_plan_within is not None
        time_limit = h.getOptionValue("time_limit")[1] if moves_limit else None
        phase_best = [INF, time.perf_counter() - self.t0]  # this phase's best plan and when it was found
        stop_when = stop_when or (lambda: self.settled)

        def report(e, force: bool, mip: bool = True) -> None:
            out = e.data_out
            now = time.perf_counter() - self.t0
            inc = out.mip_primal_bound if mip and abs(out.mip_primal_bound) < INF else None
            if plans and inc is not None and (self.best is None or inc < self.best):
                self.best = inc
            if inc is not None and inc < phase_best[0]:
                if first_plan_within is not None and phase_best[0] == INF and inc <= first_plan_within:
                    seen.first_plan_stop = True
                    h.setOptionValue("time_limit", min(time_limit, h.getRunTime()))
                phase_best[:] = [inc, now]
                if stall is not None and not seen.first_plan_stop:  # options are read as HiGHS runs: the new limit holds at once
                    h.setOptionValue("time_limit", min(time_limit, h.getRunTime() + stall))
            if seen.first_plan_stop:
                e.interrupt()
            if stop_at is not None and inc is not None and inc <= stop_at:
                e.interrupt()
            if stop_at is not None and stop_at < out.mip_dual_bound < INF:
                seen.out_of_reach = True
            if stop_at is not None and seen.out_of_reach and inc is not None and now - phase_best[1] >= patience:
                e.interrupt()
            if stall is not None and inc is not None and now - phase_best[1] >= stall:
                e.interrupt()
            if (deadline is not None and now > deadline) or stop_when():
                e.interrupt()
            if mip and bounds and abs(out.mip_dual_bound) < INF and (self.bound is None or out.mip_dual_bound > self.bound):
                self.bound = out.mip_dual_bound  # valid for the full model, whichever arm found it
            if self.progress is None:
                return
            with self._calling:
                if force or now - self.last >= PROGRESS_EVERY_S:
                    self.last = now
                    bound, best = self.bound, self.best
                    if self.progress({"elapsed_s": now, "incumbent": best, "bound": bound,
                                      "gap": relative_gap(best, bound) if best is not None and bound is not None else None,
                                      "nodes": int(out.mip_node_count)}):
                        self.cancelled = True
            if self.cancelled:
                e.interrupt()

        h.cbMipImprovingSolution.subscribe(lambda e: report(e, True))
        h.cbMipInterrupt.subscribe(lambda e: report(e, False))
        # an LP's callbacks carry no MIP bound: theirs is not read
        h.cbSimplexInterrupt.subscribe(lambda e: report(e, False, mip=False))
        h.cbIpmInterrupt.subscribe(lambda e: report(e, False, mip=False))
        return seen
