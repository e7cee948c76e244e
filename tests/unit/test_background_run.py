"""background.py: a run the solve can stop waiting for (no solver: a stand-in for HiGHS)."""

import threading

import pytest

from optimiser.solver.background import BackgroundRun

pytestmark = pytest.mark.unit


class StandIn:
    """Blocks in `run` until released; raises `error` if given."""

    def __init__(self, error: BaseException | None = None):
        self.release, self.error, self.cleared = threading.Event(), error, False

    def run(self):
        self.release.wait(30)
        if self.error is not None:
            raise self.error

    def clearCallbacks(self):  # noqa: N802 - highspy's name
        self.cleared = True


def test_a_run_not_ended_by_its_deadline_is_left_to_end_on_its_own():
    h = StandIn()
    run = BackgroundRun(h, "test-run")
    assert not run.wait(0.05)
    run.abandon()
    assert run.abandoned
    h.release.set()
    assert run.wait(10)
    assert h.cleared  # its callbacks refer to a solve that has moved on


def test_an_error_in_the_run_is_raised_where_it_is_waited_for():
    h = StandIn(RuntimeError("HiGHS failed"))
    h.release.set()
    with pytest.raises(RuntimeError, match="HiGHS failed"):
        BackgroundRun(h, "test-run").wait(10)
