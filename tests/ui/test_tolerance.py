"""Whether a difference between plans is inside the solver's tolerance, checked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from ui.compare import flag_within_tolerance
from ui.tolerance import check, frontier_steps, gap_to_tell, solver_band

pytestmark = pytest.mark.ui


def run(weighted: float, objective: float | None = None, bound: float | None = None, gap: float | None = None,
        objective_name: str = "min_shortfall") -> dict:
    return {"objective_name": objective_name, "weighted_shortfall": weighted,
            "objective": weighted if objective is None else objective, "dual_bound": bound, "mip_gap": gap}


def test_the_band_is_objective_minus_bound_else_the_gap_times_the_objective():
    assert solver_band(run(1000.0, bound=980.0, gap=0.02)) == 20.0  # the bound wins: it is what was proven
    assert solver_band(run(1000.0, gap=0.02)) == pytest.approx(20.0)
    assert solver_band(run(1000.0)) is None
    assert solver_band({"objective": float("inf"), "dual_bound": 3.0}) is None


def test_a_difference_smaller_than_both_bands_together_is_within_tolerance():
    a, b = run(1000.0, bound=980.0), run(1010.0, bound=1000.0)  # bands 20 and 10
    found = check(a, b)
    assert (found.difference, found.tolerance, found.within) == (10.0, 30.0, True)
    assert "within solver tolerance" in found.sentence("P2", "P1")
    assert "±30 WTE-years" in found.sentence("P2", "P1")
    far = check(a, run(1031.0, bound=1020.0))  # differs by 31 > 20 + 11
    assert not far.within and "more than the two runs' combined optimality gap (±31" in far.sentence("P2", "P1")
    edge = check(a, run(1030.0, bound=1020.0))  # 30 is not smaller than 20 + 10
    assert not edge.within


def test_no_verdict_across_objectives_or_without_a_gap():
    assert check(run(1000.0, bound=990.0), run(990.0, bound=980.0, objective_name="min_cost")).note.startswith(
        "solved for different objectives")
    unknown = check(run(1000.0, bound=990.0), run(1001.0))
    assert not unknown.within and unknown.note == "the solver's gap is not known for both runs"
    cost = check(run(0.0, objective=5e6, bound=4.9e6, objective_name="min_cost"),
                 run(0.0, objective=5.05e6, bound=5.0e6, objective_name="min_cost"))
    assert cost.measure == "objective" and cost.within  # 50k < 100k + 50k


def test_the_gap_offered_halves_the_difference_and_is_never_looser_than_either_run():
    a, b = run(1000.0, bound=980.0, gap=0.02), run(1010.0, bound=1000.0, gap=0.0099)
    # half of 10 over (1000 + 1010), below half the tighter gap reached (0.00495)
    assert gap_to_tell(a, b) == pytest.approx(0.5 * 10 / 2010)
    assert gap_to_tell(run(1000.0, bound=990.0, gap=0.01), run(1000.0, bound=990.0, gap=0.01)) == 1e-4  # the floor


def test_frontier_steps_go_by_budget_and_flag_the_flat_ones():
    points = [run(900.0, bound=890.0), run(1000.0, bound=990.0), run(895.0, bound=885.0)]
    steps = frontier_steps(points, [1.0, 0.5, 2.0])
    assert [(low, high) for low, high, _ in steps] == [(0.5, 1.0), (1.0, 2.0)]
    assert [found.within for _, _, found in steps] == [False, True]  # -100 vs ±20; -5 vs ±20


def test_the_headline_marks_only_the_differences_inside_the_tolerance():
    shown = pd.DataFrame({"measure": ["weighted shortfall", "total cost"], "unit": ["WTE-years", "GBP m"],
                          "P1": ["1,000", "£1.00m"], "P2": ["1,010", "£1.10m"], "P2 − P1": ["10", "£0.10m"],
                          "P3": ["1,100", "£1.20m"], "P3 − P1": ["100", "£0.20m"]})
    a = run(1000.0, bound=980.0)
    out = flag_within_tolerance(shown, "P1", {"P2": check(a, run(1010.0, bound=1000.0)),
                                              "P3": check(a, run(1100.0, bound=1090.0))})
    assert out["P2 − P1"].tolist() == ["10 (within solver tolerance ±30)", "£0.10m"]
    assert out["P3 − P1"].tolist() == ["100", "£0.20m"]
