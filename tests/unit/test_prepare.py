"""prepare(): the model's data object from a scenario, every table path checked by hand on a small
two-region scenario (blank-year rows spread to every year and overridden by dated rows, regional
rates, demand rows, graduate destinations, committed inflows summed, status-quo index sets)."""

from __future__ import annotations

import pytest
from scenarios import group, make, route

from optimiser.model.data import prepare

pytestmark = pytest.mark.unit

Y0 = 2025  # horizon 3: decision years 2025-2027, measured years 2026-2028


@pytest.fixture(scope="module")
def scenario():
    t = {
        "regions": [dict(region="a", name="Region A", educator_group="rad"), dict(region="b", name="Region B")],
        "links": [dict(region_a="a", region_b="b", travel_minutes=50)],
        "staff_groups": [
            group(leaver_rate=0.05, retirement_rate=0.02, net_churn_rate=0.01, labour_market_rate=0.03,
                  demand_growth=0.1, target_shortfall_rate=0.2, shortfall_weight=2),
            group(staff_group="sono", name="Sonographer", leaver_rate=0.1, retirement_rate=0, demand_growth=0),
        ],
        "regional_rates": [dict(region="b", staff_group="rad", leaver_rate=0.2, retirement_rate=0.01,
                                net_churn_rate=0, labour_market_rate=0.01)],
        "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=200),
                      dict(region="b", staff_group="sono", in_post_wte=10, establishment_wte=0)],
        "demand": [dict(region="a", staff_group="rad", year=2027, demand_wte=500),
                   dict(region="b", staff_group="sono", year=2026, demand_wte=7),
                   dict(region="a", staff_group="rad", year=2040, demand_wte=1)],  # outside: ignored
        "committed_inflows": [dict(region="a", staff_group="rad", year=2027, wte=7),
                              dict(region="b", staff_group="rad", year=2024, wte=9)],  # before y0: ignored
        "routes": [route(completion_rate=0.9, duration_years=2, min_cohort=3),
                   route(route="intl", kind="international", completion_rate=0.8)],
        "providers": [dict(provider="p", name="Provider P", region="a")],
        "provider_routes": [dict(provider="p", route="ug", max_starts=10, min_starts=2),
                            dict(provider="p", route="ug", max_starts=0, year=2026, min_starts=0)],
        "baseline_starts": [dict(provider="p", region="a", route="ug", starts=6),
                            dict(provider="p", region="a", route="ug", year=2027, starts=0),
                            dict(provider="", region="b", route="intl", starts=2)],
        "graduate_destinations": [dict(from_region="a", to_region="a", share=0.75),
                                  dict(from_region="a", to_region="b", share=0.25),
                                  dict(from_region="b", to_region="b", share=1),
                                  dict(from_region="b", to_region="a", share=0)],
        "international_capacity": [dict(region="a", max_recruits=5), dict(region="b", year=2026, max_recruits=0)],
        "placement_capacity": [dict(region="a", year=2025, placement_weeks=40)],
        "educator_capacity": [dict(region="a", educator_wte=1.5)],
        "budget": [dict(budget_gbp=1000), dict(year=2027, budget_gbp=250)],
    }
    return make(t, max_extra_educator_wte=0.5, educator_cost_per_wte=1)


def test_rates_demand_and_inflows(scenario):
    d = prepare(scenario, "plan", budget_scale=2.0)
    assert (d.years, d.measured_years) == ([2025, 2026, 2027], [2026, 2027, 2028])
    # lambda = leaver + retirement + churn - labour market; the regional row replaces rad's rates in b
    assert d.net_loss_rate == pytest.approx({("rad", "a"): 0.05, ("rad", "b"): 0.2, ("sono", "a"): 0.1, ("sono", "b"): 0.1})
    assert d.in_post == {("rad", "a"): 100.0, ("rad", "b"): 0.0, ("sono", "a"): 0.0, ("sono", "b"): 10.0}
    # establishment grown at 10% a year, the 2027 demand row replacing it; b's sono has only its row
    assert d.demand == pytest.approx({("rad", "a", 2026): 220.0, ("rad", "a", 2027): 500.0,
                                      ("rad", "a", 2028): 266.2, ("sono", "b", 2026): 7.0})
    assert d.committed == {("rad", "a", 2027): 7.0}
    assert d.weight == {"rad": 2.0, "sono": 1.0} and d.target_rate == {"rad": 0.2}
    assert d.group_names == {"rad": "Radiographer", "sono": "Sonographer"}
    assert d.region_names == {"a": "Region A", "b": "Region B"} and d.educator_group == {"a": "rad"}
    assert d.provider_region == {"p": "a"} and d.provider_names == {"p": "Provider P"}
    ug = d.routes["ug"]
    assert (ug.kind, ug.draws_from, ug.duration, ug.completion, ug.min_cohort) == ("training", None, 2, 0.9, 3)
    assert d.graduate_share == {("a", "a"): 0.75, ("a", "b"): 0.25, ("b", "b"): 1.0}  # zero share dropped


def test_blank_year_rows_spread_and_dated_rows_override(scenario):
    d = prepare(scenario, "plan", budget_scale=2.0)
    assert d.max_starts == {("p", "ug", 2025): 10.0, ("p", "ug", 2026): 0.0, ("p", "ug", 2027): 10.0}
    assert d.min_starts == {("p", "ug", 2025): 2.0, ("p", "ug", 2027): 2.0}
    assert d.max_recruits == {("a", 2025): 5.0, ("a", 2026): 5.0, ("a", 2027): 5.0, ("b", 2026): 0.0}
    assert d.placement_weeks == {("a", 2025): 40.0}
    assert d.educator_wte == {("a", 2025): 1.5, ("a", 2026): 1.5, ("a", 2027): 1.5}
    assert d.budget == {2025: 2000.0, 2026: 2000.0, 2027: 500.0}  # scaled by budget_scale
    # baseline: 6 a year except the 2027 override to 0; international rows go to recruits
    assert d.baseline_starts == {("p", "a", "ug", 2025): 6.0, ("p", "a", "ug", 2026): 6.0}
    assert d.baseline_recruits == {("b", "intl", y): 2.0 for y in (2025, 2026, 2027)}
    assert d.max_extra_educator_wte == 0.5


def test_index_sets_plan_and_status_quo(scenario):
    plan = prepare(scenario, "plan")
    # p (in a) reaches a and b (50 minutes <= 60); the 2026 cap of 0 offers nothing that year
    assert list(plan.starts_index.itertuples(index=False, name=None)) == [
        ("p", "a", "ug", 2025), ("p", "b", "ug", 2025), ("p", "a", "ug", 2027), ("p", "b", "ug", 2027)]
    # every region and year except b in 2026 (onboarding 0)
    intl = ("intl", "international")
    assert list(plan.recruit_index.itertuples(index=False, name=None)) == [
        (*intl, "a", 2025), (*intl, "a", 2026), (*intl, "a", 2027), (*intl, "b", 2025), (*intl, "b", 2027)]
    sq = prepare(scenario, "status_quo")
    assert list(sq.starts_index.itertuples(index=False, name=None)) == list(sq.baseline_starts)
    assert list(sq.recruit_index.itertuples(index=False, name=None)) == [
        (k, "international", r, y) for r, k, y in sq.baseline_recruits]
    assert sq.max_extra_educator_wte == 0.0
