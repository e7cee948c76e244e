"""Plain branch and bound beside relax and round: a portfolio of two arms, one thread each.
Off unless `PLAIN_ARM` is set (see there: on a shared two-core machine it lost).

Relax and round wins by a wide margin where phase 1's relaxation (general integers relaxed,
binaries kept) is tight: S, M, L, W seed 3, the v1 and v2 defaults. Where it is weak (the Wales
preset W seed 0: phase 1's own gap 0.87% against 0.04-0.07% elsewhere) the rounding box holds no
plan within the gap and plain HiGHS sometimes gets there first. Phase 1's gap is known only once
phase 1 ends, and by then plain HiGHS would have had phase 1's seconds; so the plain arm starts
with the solve, in a second thread (`Highs.run` releases the GIL; each arm's callbacks take it
back), and phase 1's gap decides whether it goes on:

- phase 1's gap at most `WEAK_RELAXATION` of the requested gap: the plain arm is stopped and its
  work thrown away. The answer is relax and round's alone and repeats exactly from run to run.
- phase 1's gap above that, or no phase-1 point (its share of the time ran out): both arms go on;
  the first to reach the gap wins and the other is interrupted through its callback; the answer
  is the better plan of the two, with the better bound. Which arm wins depends on how the machine
  shares its cores, so these answers are not repeatable (each arm on its own is).

The plain arm solves the model as HiGHS's own MPS writer and reader give it back: the numbers a
planner who exports the model and runs HiGHS gets (the benchmark's plain HiGHS). The compiled
model differs from it in the last printed digit of some coefficients, and that alone sends HiGHS's
branch and bound down another path (W seed 0 on 1.15.1: 1.27% at 120 s in memory, 0.89% at node
50 from the file); the arm takes plain HiGHS's path so that the engine is never behind it. The
round trip is made once per compiled model (the matrix and costs never change; bounds are taken
from the compiled model at each run).
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass

import highspy
import numpy as np

from optimiser.basics.status import Status
from optimiser.solver import background
from optimiser.solver.background import lowest_priority
from optimiser.solver.lifecycle import CompiledModel, new_highs
from optimiser.solver.outcome import SolveOutcome, outcome_of, relative_gap
from optimiser.solver.scheduler import reset_thread_scheduler
from optimiser.solver.watch import Watch

log = logging.getLogger(__name__)

# Whether MIP solves run the plain arm at all. Off: measured on the shared two-core machine (29 Nov
# 2026, load 3-9, benchmarks/README.md "What decided W") it made no preset better and W seed 0 and
# L worse: the arm's thread slowed phase 1 (W: 20-40 s alone, 60 s beside it) and itself got
# 24 nodes in 120 s where plain HiGHS with the two threads reached 1% at node 50 in 52 s. Kept
# for machines with cores to spare (the benchmark's `--plain-arm` measures it).
PLAIN_ARM = False
# The plain arm goes on beside the rounding only when phase 1's own gap exceeds this share of the
# requested gap (W seed 0: 0.87% against a 1% gap; S, M, L, the defaults: 0.04-0.07%).
WEAK_RELAXATION = 0.5
# A stopped arm ends at HiGHS's next MIP callback, which never comes inside an LP solve: plain
# branch and bound's root LP on L took longer than the whole solve. The solve waits
# `background.ABANDON_AFTER_S` for it, then leaves it to end on its own at the lowest CPU priority
# (its answer unused).
# HiGHS threads an engine solve uses at once with the plain arm: the two arms, one each (lifecycle.THREADS).
THREADS_IN_ALL = 2


@dataclass
class ArmResult:
    outcome: SolveOutcome
    nodes: int
    reached_gap: bool  # finished within the requested gap (not stopped, not out of time)


def _exported_form(compiled: CompiledModel) -> tuple:
    """(matrix, costs, offset) as HiGHS reads them back from its own MPS file of this model; made
    once per compiled model."""
    kept = getattr(compiled, "_exported_form", None)
    if kept is None:
        h = compiled.copy(integer=compiled.integer)
        fd, path = tempfile.mkstemp(prefix="engine-plain-", suffix=".mps")
        os.close(fd)
        try:
            h.writeModel(path)
            back = new_highs()  # silent, to read into
            back.readModel(path)
        finally:
            os.unlink(path)
        lp = back.getLp()
        if lp.num_col_ != compiled.n_cols or lp.num_row_ != compiled.n_rows:
            kept = (None, None, None)  # not the same shape (should not happen): use the model as it is
        else:
            kept = (lp.a_matrix_, lp.col_cost_, lp.offset_)
        compiled._exported_form = kept
    return kept


def _plain_highs(compiled: CompiledModel) -> highspy.Highs:
    """The full MIP with the compiled model's current bounds, the exported numbers where they were
    read back, HiGHS's defaults otherwise (one thread, fixed seed: lifecycle.new_highs)."""
    matrix, costs, offset = _exported_form(compiled)
    h = compiled.copy(integer=compiled.integer)
    if matrix is not None:
        lp = h.getLp()
        lp.a_matrix_, lp.col_cost_, lp.offset_ = matrix, costs, offset
        h.passModel(lp)
    return h


class PlainArm:
    """HiGHS's own branch and bound on the full model in a second thread, from the solve's start."""

    def __init__(self, compiled: CompiledModel, time_limit: float, mip_rel_gap: float, watch: Watch):
        self.compiled, self.time_limit, self.mip_rel_gap, self.watch = compiled, time_limit, mip_rel_gap, watch
        self.dropped = False  # phase 1 showed the rounding is on its way: the arm's work is not used
        self.spoken = False  # phase 1 has ended (until then the arm's answer waits, so that an
        # answer of the rounding's own kind never depends on which thread was quicker)
        self.result: ArmResult | None = None
        self.error: BaseException | None = None
        self.native_id: int | None = None  # the arm thread's id in the operating system
        self._thread = threading.Thread(target=self._run, name="engine-plain-branch-and-bound", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.native_id = threading.get_native_id()
        try:
            h = _plain_highs(self.compiled)
            spent = time.perf_counter() - self.watch.t0
            h.setOptionValue("time_limit", max(0.01, self.time_limit - spent))
            h.setOptionValue("mip_rel_gap", float(self.mip_rel_gap))
            self.watch.attach(h, plans=True, bounds=True, stop_when=self._stop)
            if self._stop():
                return
            try:
                h.run()
            finally:
                h.clearCallbacks()
            outcome = outcome_of(h, time.perf_counter() - self.watch.t0, True)
            reached = (h.getModelStatus() == highspy.HighsModelStatus.kOptimal
                       and outcome.mip_gap is not None and outcome.mip_gap <= self.mip_rel_gap)
            self.result = ArmResult(outcome, int(h.getInfo().mip_node_count), reached)
            if reached and self.spoken and not self.dropped:
                self.watch.settled = True  # the rounding arm stops at its next callback
        except BaseException as error:  # noqa: BLE001 - the rounding arm's answer stands (finish)
            self.error = error
        finally:
            reset_thread_scheduler()  # this thread ends: shut its HiGHS scheduler down with it

    def _stop(self) -> bool:
        return self.dropped or self.watch.settled or self.watch.cancelled

    def phase_one_said(self, relax_gap: float | None, has_point: bool) -> None:
        """Phase 1 has ended: drop the arm unless its relaxation was weak or it gave no point."""
        self.spoken = True
        if has_point and (relax_gap is None or relax_gap <= WEAK_RELAXATION * self.mip_rel_gap):
            self.dropped = True
            self._yield_the_cpu()
        elif self.result is not None and self.result.reached_gap:
            self.watch.settled = True  # the arm got there during phase 1: the rounding does not start

    def _yield_the_cpu(self) -> None:
        """A stopped arm still inside an LP solve takes only CPU nothing else wants."""
        if self._thread.is_alive():
            lowest_priority(self.native_id)

    def finish(self) -> ArmResult | None:
        """Stop the arm (if still running) and return its result unless dropped. A racing arm is
        waited for (it is in branch and bound, whose callbacks come often); a dropped or cancelled
        one for `background.ABANDON_AFTER_S` at most, then left to end on its own."""
        self.watch.settled = True
        if self.dropped or self.watch.cancelled:
            self._yield_the_cpu()
            self._thread.join(background.ABANDON_AFTER_S)
        else:
            self._thread.join()
        if self._thread.is_alive():
            return None
        if self.error is not None:
            log.warning("the plain branch and bound beside the rounding failed: %r", self.error)
        if self.dropped or self.error is not None:
            return None
        return self.result


def combine(engine: SolveOutcome, arm: ArmResult | None, mip_rel_gap: float) -> SolveOutcome:
    """The answer of the two arms: the better plan (the one that reached the gap first, if only one
    did) with the better of their bounds; `phases["portfolio"]` says which arm's plan it is."""
    if arm is None:
        return engine
    plain = arm.outcome
    facts = {"portfolio": "relax and round", "plain_nodes": arm.nodes}
    bounds = [b for b in (engine.dual_bound, plain.dual_bound) if b is not None and np.isfinite(b)]
    bound = max(bounds) if bounds else None
    engine_first = engine.status == Status.OPTIMAL
    take_plain = plain.values is not None and (
        engine.values is None
        or (arm.reached_gap and not engine_first)
        or (not arm.reached_gap and not engine_first and plain.objective < engine.objective))
    chosen = plain if take_plain else engine
    if take_plain:
        facts["portfolio"] = "plain branch and bound"
        chosen.row_activity = None
    chosen.phases = {**engine.phases, **facts}
    if bound is not None and chosen.objective is not None:
        chosen.dual_bound, chosen.mip_gap = bound, relative_gap(chosen.objective, bound)
    return chosen
