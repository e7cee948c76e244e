"""HiGHS's thread scheduler, so that the engine runs whatever ran HiGHS before it in the process.

Each thread of a process has one HiGHS task scheduler, started by the first run on that thread
with that run's `threads` option (0, HiGHS's default, means a count HiGHS picks: on highspy 1.16
every core, on 1.15 half of them). A later run on the same thread that asks for another count is
refused before it solves anything: `run()` returns `kError` and the model status stays "Not Set".
So a planner's own `highspy.Highs().run()` (or another library's) in the process, before the
engine's, left every engine run there unsolved on a machine whose HiGHS default differs from the
engine's one thread: on highspy 1.16 on any machine with two cores or more, on 1.15 with four or
more.

highspy binds no way to ask the scheduler's thread count, so `EngineHighs.run` asks HiGHS itself:
when a run is refused that way, it resets this thread's scheduler with HiGHS's own call
(`Highs.resetThreadScheduler` in highspy 1.16, `Highs.resetGlobalScheduler` before; both act on
the calling thread only) and runs once more, which starts a scheduler with the engine's count.
Every engine run starts from a fresh or freshly passed model (status "Not Set"), so "error and
still Not Set" is the refusal's signature; any other error is returned as it was.
"""

from __future__ import annotations

import highspy


def reset_thread_scheduler() -> None:
    """Shut down this thread's HiGHS scheduler (waiting for its workers), so that the next run on
    the thread starts one with its own `threads`."""
    reset = getattr(highspy.Highs, "resetThreadScheduler", None) or highspy.Highs.resetGlobalScheduler
    reset(True)


class EngineHighs(highspy.Highs):
    """`highspy.Highs` whose `run` starts this thread's scheduler afresh when HiGHS refuses the run
    because the scheduler was started with another thread count (see the module's docstring)."""

    def run(self) -> highspy.HighsStatus:
        status = super().run()
        if status == highspy.HighsStatus.kError and self.getModelStatus() == highspy.HighsModelStatus.kNotset:
            reset_thread_scheduler()
            status = super().run()
        return status
