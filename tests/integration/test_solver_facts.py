"""What the solver found out reaches the results: the dual bound, the relax-and-round phases, HiGHS's
own words, and that an infeasible verdict was confirmed with presolve off."""

import pytest
from scenarios import make, route

import optimiser
from optimiser.basics.status import Status

pytestmark = pytest.mark.integration


def test_a_plan_carries_its_dual_bound_and_rounding_phases(example_dir):
    plan = optimiser.solve(optimiser.load_scenario(example_dir), with_status_quo=False, gap=1e-6)
    assert plan.status == Status.OPTIMAL == "optimal" and plan.feasible
    assert plan.dual_bound is not None and plan.dual_bound <= plan.objective + 1e-6
    assert plan.dual_bound >= plan.objective * (1 - 1e-6) - 1e-6  # within the gap asked for
    assert plan.phases["relax_seconds"] > 0 and plan.phases["rounding_box"] == "floor to ceiling"
    assert plan.solver_status  # HiGHS's words, whichever run gave the answer
    summary = plan.summary_dict()
    assert summary["dual_bound"] == plan.dual_bound and summary["presolve_rechecked"] is False
    assert summary["rounding_box"] == "floor to ceiling" and summary["relax_seconds"] > 0


def test_an_infeasible_verdict_says_it_was_confirmed_with_presolve_off():
    t = {"routes": [route(cost_per_start=1000)], "budget": [dict(budget_gbp=5000)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=10, min_starts=8)]}
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.status == Status.INFEASIBLE and not plan.feasible
    assert plan.presolve_rechecked and plan.summary_dict()["presolve_rechecked"] is True
    assert plan.message == "infeasible, confirmed with presolve off: the hard limits cannot all be met"
    assert plan.solver_status == "Infeasible"
