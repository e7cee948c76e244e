"""A HiGHS run in a thread of its own, so that the solve can stop waiting for it.

HiGHS can only be stopped from its callbacks, and some stretches of a MIP solve call none: on L2
with highspy 1.15.1, phase 1's MIP (relax_and_round) solved its root LP and then worked for more
than a minute with no callback at all, so it ran 46 s past its share of the limit and the LP that
takes its place when it has no point started too late to give a plan (29 Nov 2026). Run in a
`BackgroundRun`, the solve waits for it until its deadline and then goes on without it; the run
is left to end on its own at the lowest CPU priority, and its answer is not read.

Only a copy of the model may be run this way (`CompiledModel.copy`): an abandoned run still holds
its instance, so the compiled model's own instance, which later runs reuse, never is.
"""

from __future__ import annotations

import os
import threading

import highspy

from optimiser.solver.scheduler import reset_thread_scheduler

# How long the solve waits for a run it has asked to stop (at its deadline, or because the other
# arm won) before it leaves the run to end on its own: HiGHS stops at its next callback, which may
# be that long or minutes away.
ABANDON_AFTER_S = 1.0


def lowest_priority(native_id: int | None) -> None:
    """Lowest CPU priority for one thread (Linux threads have their own nice value), so that a run
    nobody waits for takes only CPU nothing else wants. Elsewhere it keeps its priority."""
    try:
        if native_id is not None:
            os.setpriority(os.PRIO_PROCESS, native_id, 19)
    except (AttributeError, OSError):
        pass


class BackgroundRun:
    """`h.run()` in a daemon thread, started at once; `wait` says whether it ended in time."""

    def __init__(self, h: highspy.Highs, name: str):
        self.h = h
        self.error: BaseException | None = None
        self.native_id: int | None = None  # the thread's id in the operating system
        self.abandoned = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.native_id = threading.get_native_id()
        try:
            self.h.run()
        except BaseException as error:  # noqa: BLE001 - raised again in the waiting thread (wait)
            self.error = error
        finally:
            try:
                self.h.clearCallbacks()  # they refer to the solve, which may have moved on
            finally:
                reset_thread_scheduler()  # this thread ends: shut its HiGHS scheduler down with it

    def wait(self, timeout: float | None) -> bool:
        """Wait up to `timeout` seconds (None: until it ends); True once the run has ended. An error
        raised by the run is raised here."""
        self._thread.join(None if timeout is None else max(0.0, timeout))
        if self._thread.is_alive():
            return False
        if self.error is not None:
            raise self.error
        return True

    def abandon(self) -> None:
        """Stop waiting: the run ends on its own (its callbacks should interrupt it at their next
        call) at the lowest CPU priority."""
        self.abandoned = True
        if self._thread.is_alive():
            lowest_priority(self.native_id)
