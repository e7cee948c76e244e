"""The watch over a rounding phase (Watch.attach), driven by hand-made HiGHS callback events:
when a phase's own bound shows it holds no plan good enough, it hands its plan over once the plan
has stopped improving. Nothing is solved."""

import time
from types import SimpleNamespace

import pytest

from optimiser.solver.standard_form import INF
from optimiser.solver.watch import Watch

pytestmark = pytest.mark.unit


class FakeHighs:
    """Holds the functions Watch subscribes, one list per HiGHS callback."""

    def __init__(self):
        self.subscribed = {}
        for name in ("cbMipImprovingSolution", "cbMipInterrupt", "cbSimplexInterrupt", "cbIpmInterrupt"):
            setattr(self, name, SimpleNamespace(subscribe=self.subscribed.setdefault(name, []).append))

    def tick(self, plan: float = INF, bound: float = -INF) -> bool:
        """One MIP interrupt check with this incumbent and dual bound; whether the watch interrupted."""
        stopped = []
        event = SimpleNamespace(data_out=SimpleNamespace(mip_primal_bound=plan, mip_dual_bound=bound,
                                                         mip_node_count=0),
                                interrupt=lambda: stopped.append(True))
        for report in self.subscribed["cbMipInterrupt"]:
            report(event)
        return bool(stopped)


def test_a_phase_within_reach_runs_until_its_plan_reaches_stop_at():
    h, watch = FakeHighs(), Watch(None, time.perf_counter())
    seen = watch.attach(h, plans=True, bounds=False, stop_at=101.0, patience=0.0)
    assert not h.tick(bound=100.5)
    assert not h.tick(plan=105.0, bound=100.5) and not seen.out_of_reach
    assert h.tick(plan=100.9, bound=100.5)  # good enough: stop


def test_a_phase_out_of_reach_hands_its_plan_over_once_it_stops_improving():
    h, watch = FakeHighs(), Watch(None, time.perf_counter())
    seen = watch.attach(h, plans=True, bounds=False, stop_at=101.0, patience=0.2)
    assert not h.tick(bound=102.0) and seen.out_of_reach  # no plan yet: nothing to hand over
    assert not h.tick(plan=110.0, bound=102.0)  # a new plan: patience starts again
    time.sleep(0.1)
    assert not h.tick(plan=104.0, bound=102.0)  # improved: patience starts again
    time.sleep(0.12)
    assert not h.tick(plan=104.0, bound=102.0)  # 0.12 s without improvement
    time.sleep(0.1)
    assert h.tick(plan=104.0, bound=102.0)  # 0.22 s: handed over
    assert watch.best == 104.0


def test_each_phase_starts_within_reach_and_keeps_its_own_record():
    h, later, watch = FakeHighs(), FakeHighs(), Watch(None, time.perf_counter())
    seen = watch.attach(h, plans=True, bounds=False, stop_at=101.0)
    h.tick(bound=102.0)
    assert seen.out_of_reach
    seen_later = watch.attach(later, plans=True, bounds=False, stop_at=101.0)
    assert not seen_later.out_of_reach
    later.tick(bound=100.5)
    assert seen.out_of_reach and not seen_later.out_of_reach


def test_a_phase_past_its_deadline_stops_at_its_next_callback():
    h, watch = FakeHighs(), Watch(None, time.perf_counter())
    watch.attach(h, plans=False, bounds=True, deadline=0.05)
    assert not h.tick()
    time.sleep(0.06)
    assert h.tick()


def test_a_settled_solve_stops_every_phase_and_an_arm_stops_on_its_own_word():
    h, arm, watch = FakeHighs(), FakeHighs(), Watch(None, time.perf_counter())
    dropped = []
    watch.attach(h, plans=True, bounds=True)
    watch.attach(arm, plans=True, bounds=True, stop_when=lambda: bool(dropped))
    assert not h.tick() and not arm.tick()
    dropped.append(True)
    assert arm.tick() and not h.tick()  # the arm's own stop does not stop the rounding
    watch.settled = True
    assert h.tick()


def test_an_arm_without_stop_at_ignores_the_rounding_phase_being_out_of_reach():
    arm, rounding, watch = FakeHighs(), FakeHighs(), Watch(None, time.perf_counter())
    watch.attach(arm, plans=True, bounds=True, stop_when=lambda: False)
    seen = watch.attach(rounding, plans=True, bounds=False, stop_at=101.0, patience=0.0)
    rounding.tick(bound=102.0)
    assert seen.out_of_reach
    assert not arm.tick(plan=104.0, bound=100.0)  # the plain arm goes on
    assert rounding.tick(plan=104.0, bound=102.0)  # the rounding hands over


def test_the_bound_reported_is_the_best_of_every_arm():
    a, b, reports = FakeHighs(), FakeHighs(), []
    watch = Watch(lambda r: reports.append(r["bound"]), time.perf_counter() - 10)
    watch.attach(a, plans=True, bounds=True, stop_when=lambda: False)
    watch.attach(b, plans=True, bounds=False)  # a restricted neighbourhood: its bound is not valid
    a.tick(bound=100.0)
    watch.last = -1.0
    b.tick(bound=105.0)
    assert watch.bound == 100.0 and reports == [100.0, 100.0]


def test_an_lp_callback_carries_no_bound_or_plan():
    h, watch = FakeHighs(), Watch(None, time.perf_counter())
    watch.attach(h, plans=True, bounds=True)
    event = SimpleNamespace(data_out=SimpleNamespace(mip_primal_bound=0.0, mip_dual_bound=50.0, mip_node_count=0),
                            interrupt=lambda: None)
    for report in h.subscribed["cbIpmInterrupt"] + h.subscribed["cbSimplexInterrupt"]:
        report(event)
    assert watch.bound is None and watch.best is None
