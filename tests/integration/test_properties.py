"""Properties that must hold for any scenario, checked on random small ones (hypothesis)."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from plan_files import cap_breaches
from scenarios import make, route

import optimiser
from optimiser.outputs.reports import write_plan

pytestmark = pytest.mark.integration
FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@st.composite
def small_scenarios(draw, limits=True):
    a_post, b_post = draw(st.integers(20, 120)), draw(st.integers(20, 120))
    t = {
        "regions": [dict(region="a", name="A"), dict(region="b", name="B")],
        "links": [dict(region_a="a", region_b="b", travel_minutes=draw(st.sampled_from([20, 50])))],
        "workforce": [dict(region="a", staff_group="rad", in_post_wte=a_post, establishment_wte=a_post + draw(st.integers(0, 40))),
                      dict(region="b", staff_group="rad", in_post_wte=b_post, establishment_wte=b_post + draw(st.integers(0, 40)))],
        "routes": [route(duration_years=draw(st.integers(1, 2)), completion_rate=draw(st.sampled_from([0.6, 0.9, 1.0])),
                         cost_per_start=draw(st.sampled_from([0, 500, 1000])), cost_per_learner_year=draw(st.sampled_from([0, 800])),
                         placement_weeks=draw(st.sampled_from([0, 10])), educator_load=draw(st.sampled_from([0, 0.1])),
                         min_cohort=draw(st.sampled_from([1, 3])) if limits else 1)],
        "provider_routes": [dict(provider="p", route="ug", max_starts=draw(st.integers(2, 12)))],
        "baseline_starts": [dict(provider="p", region="a", route="ug", starts=draw(st.integers(0, 2)))],
    }
    if limits:
        t["placement_capacity"] = [dict(region=r, placement_weeks=draw(st.integers(0, 120))) for r in "ab"]
        t["educator_capacity"] = [dict(region=r, educator_wte=draw(st.sampled_from([0.3, 1.0]))) for r in "ab"]
        t["budget"] = [dict(budget_gbp=draw(st.integers(0, 12)) * 1000)]
    return make(t, horizon_years=3, graduate_retention=draw(st.sampled_from([0.5, 0.8, 1.0])))


@FAST
@given(small_scenarios(limits=False))
def test_without_limits_the_plan_never_does_worse_than_the_status_quo(scenario):
    plan = optimiser.solve(scenario)
    assert plan.status == "optimal"
    assert plan.weighted_shortfall <= plan.status_quo.weighted_shortfall + 1e-6


@FAST
@given(small_scenarios(), st.sampled_from([0.5, 1.0]), st.sampled_from([1.5, 3.0]))
def test_raising_the_budget_never_raises_the_optimal_shortfall(scenario, low, high):
    lo = optimiser.solve(scenario, budget_scale=low, with_status_quo=False)
    hi = optimiser.solve(scenario, budget_scale=high, with_status_quo=False)
    assert lo.status == hi.status == "optimal"
    assert hi.weighted_shortfall <= lo.weighted_shortfall + 1e-6


@FAST
@given(small_scenarios())
def test_starts_respect_every_cap_when_rechecked_from_the_files(tmp_path_factory, scenario):
    out = tmp_path_factory.mktemp("plan")
    plan = optimiser.solve(scenario)
    write_plan(plan, out)
    # placement weeks, educators, provider caps and budgets (tests/plan_files.py)
    assert cap_breaches(out, scenario) == []
    rt = scenario.tables["routes"].iloc[0]
    per_year = pd.read_csv(out / "starts.csv").groupby("year")["starts"].sum()
    assert all(v == 0 or v >= rt["min_cohort"] for v in per_year)
