"""One tiny instance per constraint family, each with its optimum derived by hand.

Base (tests/scenarios.py): region a, group rad with 100 WTE in post against 120 establishment,
no leavers, flat demand, horizon 2025-2027 (shortfall counts in 2026, 2027, 2028). Route ug takes
one year and completes everyone, so a start in year y is one more WTE from y+1. The status quo
(no starts) is short 20 WTE in each of 3 years = 60 WTE-years.
"""

import numpy as np
import pytest
from scenarios import group, make, route

import optimiser

pytestmark = pytest.mark.integration

# family module (optimiser/model/build.FAMILIES) -> the tests here that show it binding
BEHAVIOUR: dict[str, list[str]] = {}


def behaviour_of(*families: str):
    """Record that the decorated test shows these constraint families at work."""
    def record(test):
        for family in families:
            BEHAVIOUR.setdefault(family, []).append(test.__name__)
        return test
    return record


def shortfall(scenario, **kw) -> float:
    plan = optimiser.solve(scenario, with_status_quo=False, **kw)
    assert plan.status == "optimal", plan.message
    return plan.weighted_shortfall


@behaviour_of('stock', 'balances')
def test_status_quo_of_base_is_sixty():
    assert optimiser.project(make()).weighted_shortfall == pytest.approx(60)


@behaviour_of('training')
def test_provider_cap_binds():
    # 10 starts in 2025 -> 110 in 2026 (short 10); 10 more in 2026 -> 120: total 10.
    assert shortfall(make()) == pytest.approx(10)
    # A cap of 20 closes the gap at once.
    assert shortfall(make({"provider_routes": [dict(provider="p", route="ug", max_starts=20)]})) == pytest.approx(0)


@behaviour_of('training')
def test_year_specific_cap_overrides_the_blank_year_row():
    # 2025 capped at 0: nothing arrives in 2026 (short 20); 10 in 2026 and 2027: short 10 in 2027, 0 in 2028.
    rows = [dict(provider="p", route="ug", max_starts=10, year=""), dict(provider="p", route="ug", max_starts=0, year=2025)]
    assert shortfall(make({"provider_routes": rows})) == pytest.approx(30)


@behaviour_of('placements')
def test_placement_weeks_bind():
    # 10 weeks per learner, 50 weeks a year -> 5 starts a year: short 15 + 10 + 5 = 30.
    t = {"routes": [route(placement_weeks=10)], "placement_capacity": [dict(region="a", placement_weeks=50)]}
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(30)
    placement = plan.binding.query("constraint == 'placement_capacity'")
    assert placement["binding"].all()
    # One more week in 2025 is 0.1 start, arriving for 3 measured years: 0.3 WTE-years.
    assert placement.set_index("year").loc[2025, "value_of_one_more"] == pytest.approx(0.3)


@behaviour_of('educators')
def test_educators_bind_and_funded_posts_relieve_them():
    # 0.1 educator WTE per learner, 0.5 WTE -> 5 starts a year: 30, as for placements.
    t = {"routes": [route(educator_load=0.1)], "educator_capacity": [dict(region="a", educator_wte=0.5)]}
    assert shortfall(make(t)) == pytest.approx(30)
    # Up to 0.5 extra educator WTE a year doubles that to the provider cap of 10: back to 10.
    assert shortfall(make(t, max_extra_educator_wte=0.5, educator_cost_per_wte=1)) == pytest.approx(10)


@behaviour_of('educators', 'coverage')
def test_extra_educators_come_out_of_the_educator_group():
    # Educators drawn from rad: each extra educator WTE in 2026-2027 leaves rad's own work.
    regions = [dict(region="a", name="Region A", educator_group="rad")]
    t = {"regions": regions, "routes": [route(educator_load=0.1)], "educator_capacity": [dict(region="a", educator_wte=0.5)]}
    plan = optimiser.solve(make(t, max_extra_educator_wte=0.5), with_status_quo=False)
    # Funding 0.5 in 2025 only costs nothing in staff (2025 is not measured): 10 starts -> 110.
    # In 2026, 0.5 WTE away buys 5 more WTE in 2027: worth it; 2027's starts help only 2028.
    # Derivation: x25=10 (v25=.5), x26=10 (v26=.5: own 2026 = 109.5, short 10.5), x27 = 0: short 10.5 + 0 + 0.
    assert plan.weighted_shortfall == pytest.approx(10.5)


@behaviour_of('training', 'budget')
def test_minimum_cohort_with_budget():
    # Gap 3; each start costs 1000, budget 5000 a year. Without a minimum cohort: 3 starts in 2025, no gap.
    t = {"workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=103)],
         "routes": [route(cost_per_start=1000)], "budget": [dict(budget_gbp=5000)]}
    assert shortfall(make(t)) == pytest.approx(0)
    # A minimum cohort of 8 costs 8000 > 5000: the course cannot run; the gap stays 3 a year.
    t["routes"] = [route(cost_per_start=1000, min_cohort=8)]
    assert shortfall(make(t)) == pytest.approx(9)


@behaviour_of('budget')
def test_yearly_and_total_budget():
    t = {"routes": [route(cost_per_start=1000)], "budget": [dict(budget_gbp=3000)]}
    # 3 starts a year: short 17 + 14 + 11 = 42.
    assert shortfall(make(t)) == pytest.approx(42)
    # A total of 5000 over the horizon, no yearly limit: 5 starts in 2025: 15 x 3 = 45.
    t2 = {"routes": [route(cost_per_start=1000)]}
    assert shortfall(make(t2, total_budget=5000)) == pytest.approx(45)


@behaviour_of('budget')
def test_total_budget_leaves_out_the_frozen_years():
    # 2025 is frozen at 2 starts (GBP 2,000, not in the total): 10,000 buys 10 starts in 2026:
    # short 18 + 8 + 8. Counting the frozen 2,000 would leave 8 starts: 18 + 10 + 10.
    t = {"routes": [route(cost_per_start=1000)],
         "baseline_starts": [dict(provider="p", region="a", route="ug", year=2025, starts=2)]}
    plan = optimiser.solve(make(t, first_decision_year=2026, total_budget=10_000), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(34)
    assert plan.total_cost_gbp == pytest.approx(12_000)  # total cost counts every model year


@behaviour_of('training', 'budget')
def test_learner_year_costs_span_the_course():
    # A two-year course at 1000 per learner-year, budget 4000 a year: learners in training <= 4.
    # Starts in 2025 complete into 2027. x25=4 then x26=0 (4 still training): short 20+16+16 = 52;
    # alternatives are no better (x25 + x26 <= 4 each year, only 2025-26 starts arrive by 2028).
    t = {"routes": [route(duration_years=2, cost_per_learner_year=1000)], "budget": [dict(budget_gbp=4000)]}
    assert shortfall(make(t)) == pytest.approx(20 + 16 + 16)


@behaviour_of('recruitment')
def test_international_onboarding_and_national_cap():
    intl = route(route="intl", kind="international", completion_rate=0.5)
    t = {"routes": [route(), intl], "provider_routes": [], "providers": [],
         "international_capacity": [dict(region="a", max_recruits=4)]}
    # 4 recruits a year at 50%: +2 WTE a year: 18 + 16 + 14 = 48.
    assert shortfall(make(t)) == pytest.approx(48)
    # A national cap of 2 a year: +1 a year: 19 + 18 + 17 = 54.
    assert shortfall(make(t, national_international_cap=2)) == pytest.approx(54)


@behaviour_of('stability')
def test_stability_limits_year_on_year_change():
    rows = [dict(provider="p", route="ug", max_starts=10, year=""), dict(provider="p", route="ug", max_starts=1, year=2025)]
    # Free: x25=1, x26=10, x27=9: short 19 + 9 + 0 = 28.
    assert shortfall(make({"provider_routes": rows})) == pytest.approx(28)
    # At most 2 more than last year: x26 <= 3, x27 <= 5: short 19 + 16 + 11 = 46.
    assert shortfall(make({"provider_routes": rows}, max_change_per_year=2)) == pytest.approx(46)


@behaviour_of('coverage')
def test_skill_mix_covers_with_surplus_staff():
    ap = group(staff_group="ap", name="Assistant practitioner")
    t = {"staff_groups": [group(), ap], "routes": [route()], "provider_routes": [],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=120),
                       dict(region="a", staff_group="ap", in_post_wte=20, establishment_wte=10)],
         "skill_mix": [dict(covering_group="ap", covered_group="rad", max_share=0.1, productivity=0.5)]}
    # 10 surplus AP at productivity 0.5 cover 5 WTE of rad work: short 15 a year = 45 (status quo too).
    sc = make(t)
    assert optimiser.project(sc).weighted_shortfall == pytest.approx(45)
    # max_share 0.02 of 120 = 2.4 WTE of rad work at most: short 17.6 a year.
    t["skill_mix"] = [dict(covering_group="ap", covered_group="rad", max_share=0.02, productivity=0.5)]
    assert optimiser.project(make(t)).weighted_shortfall == pytest.approx(3 * 17.6)


@behaviour_of('training', 'balances')
def test_graduate_mobility_and_travel_reach():
    t = {"regions": [dict(region="a", name="A"), dict(region="b", name="B")],
         "links": [dict(region_a="a", region_b="b", travel_minutes=30)],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=100),
                       dict(region="b", staff_group="rad", in_post_wte=100, establishment_wte=110)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=4)]}
    # Placed in b (30 min away): 75% stay in b -> 3 WTE a year: short 7 + 4 + 1 = 12.
    assert shortfall(make(t, graduate_retention=0.75)) == pytest.approx(12)
    # b out of reach (20 min limit): placed in a, 25% move to b -> 1 a year: 9 + 8 + 7 = 24.
    assert shortfall(make(t, graduate_retention=0.75, max_travel_minutes=20)) == pytest.approx(24)


@behaviour_of('training', 'balances')
def test_upskilling_moves_staff_between_groups():
    sono = group(staff_group="sono", name="Sonographer")
    t = {"staff_groups": [group(), sono],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=120, establishment_wte=100),
                       dict(region="a", staff_group="sono", in_post_wte=0, establishment_wte=10)],
         "routes": [route(route="us", produces="sono", draws_from="rad", completion_rate=0.5)],
         "provider_routes": [dict(provider="p", route="us", max_starts=10)]}
    plan = optimiser.solve(make(t), with_status_quo=False)
    # 10 start in 2025: 5 complete into sono 2026, 5 return to rad; 10 more in 2026: sono 10 in 2027.
    assert plan.weighted_shortfall == pytest.approx(5)
    rad = plan.projection.query("staff_group == 'rad'").set_index("year")["supply_wte"]
    assert rad[2026] == pytest.approx(115)  # 120 - 10 starters + 5 returners


@behaviour_of('objective')
def test_equity_term_is_the_worst_shortfall_rate():
    sc = make(equity_weight=100)
    plan = optimiser.solve(sc, with_status_quo=False)
    # Same plan as without equity (10 short in 2026 of 120): z = 10/120.
    assert plan.objective == pytest.approx(10 + 100 * 10 / 120)


@behaviour_of('objective')
def test_discount_weights_later_years_less():
    # Status quo: 20 a year, discounted 1, 0.5, 0.25: 20 + 10 + 5; reports show it undiscounted: 60.
    sq = optimiser.project(make(discount=0.5))
    assert (sq.objective, sq.weighted_shortfall) == (pytest.approx(35), pytest.approx(60))
    plan = optimiser.solve(make(discount=0.5), with_status_quo=False)
    assert plan.objective == pytest.approx(10)  # only 2026 is short, weight 1


@behaviour_of('objective')
def test_min_cost_reaches_targets_at_least_cost():
    gs = [group(target_shortfall_rate=0)]
    t = {"staff_groups": gs, "routes": [route(cost_per_start=1000)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=30)]}
    plan = optimiser.solve(make(t, objective="min_cost", target_year=2027), with_status_quo=False)
    assert plan.status == "optimal"
    assert plan.total_cost_gbp == pytest.approx(20_000)  # 20 starts by 2026, none wasted


@behaviour_of('objective')
def test_unreachable_target_is_explained():
    gs = [group(target_shortfall_rate=0)]
    t = {"staff_groups": gs, "routes": [route(cost_per_start=1000)]}
    plan = optimiser.solve(make(t, objective="min_cost", target_year=2026), with_status_quo=False)
    assert plan.status == "infeasible"
    c = plan.conflicts
    # Either the 2025 provider cap rises by 10 starts, or the 2026 target gives 10 WTE.
    cap = c[(c["option"] == "raise limit") & (c["family"] == "provider starts cap")]
    assert list(cap["index"]) == ["Provider P, ug, 2025"] and cap["change"].iloc[0] == pytest.approx(10)
    target = c[(c["option"] == "lower requirement") & (c["family"] == "shortfall target")]
    assert list(target["index"]) == ["Radiographer, Region A, 2026"]
    assert target["change"].iloc[0] == pytest.approx(-10)


@behaviour_of('training', 'budget')
def test_budget_below_contracted_minimum_is_explained():
    t = {"routes": [route(cost_per_start=1000)], "budget": [dict(budget_gbp=5000)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=10, min_starts=8)]}
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.status == "infeasible"
    c = plan.conflicts
    budget = c[c["family"] == "budget"]
    assert set(budget["index"]) == {"2025", "2026", "2027"}
    assert budget["change"].tolist() == pytest.approx([3000, 3000, 3000])
    contracted = c[c["family"] == "contracted minimum starts"]
    assert contracted["change"].tolist() == pytest.approx([-3, -3, -3])


# --- v2 families and readings ---------------------------------------------------------------

INTL = route(route="intl", kind="international")
RETURNER = route(route="rtp", kind="returner", completion_rate=0.5)


@behaviour_of('retention')
def test_retention_keeps_leavers_up_to_each_scheme_and_the_stream():
    # 10% leave a year and no one starts: 90, 81, 72.9 in post against 120: short 30 + 39 + 47.1.
    t = {"staff_groups": [group(leaver_rate=0.1)], "provider_routes": []}
    assert optimiser.project(make(t)).weighted_shortfall == pytest.approx(116.1)
    # Keeping half the leavers (at no cost) loses 5% a year: 95, 90.25, 85.7375.
    scheme = dict(scheme="flex", staff_group="rad", applies_to="leavers", max_share=0.5, cost_per_wte=1000)
    assert shortfall(make({**t, "retention": [scheme]})) == pytest.approx(25 + 29.75 + 34.2625)
    # GBP 4,000 a year retains 4 WTE: 94, 0.9 * 94 + 4 = 88.6, 83.74.
    budget = [dict(budget_gbp=4000)]
    assert shortfall(make({**t, "retention": [scheme], "budget": budget})) == pytest.approx(26 + 31.4 + 36.26)
    # Two schemes of 80% each cannot keep more than every leaver: the stock holds at 100.
    both = [dict(scheme, max_share=0.8), dict(scheme, scheme="other", max_share=0.8)]
    plan = optimiser.solve(make({**t, "retention": both}), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(60)
    assert plan.retention.groupby("year")["retained_wte"].sum().tolist() == pytest.approx([10, 10, 10])
    assert set(plan.costs["category"]) == {"retention"}


@behaviour_of('recruitment')
def test_returners_are_capped_by_pools_not_by_onboarding():
    t = {"routes": [RETURNER], "provider_routes": [], "providers": [],
         "international_capacity": [dict(region="a", max_recruits=0)],  # international only
         "recruitment_pool": [dict(route="rtp", max_recruits=6)]}
    # 6 returners a year at 50%: +3 WTE a year: 17 + 14 + 11 = 42.
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(42)
    assert plan.recruits[["route", "kind"]].drop_duplicates().values.tolist() == [["rtp", "returner"]]
    assert plan.international.empty
    # A region row of 4 applies as well as the pooled row: +2 a year: 18 + 16 + 14 = 48.
    t["recruitment_pool"] += [dict(route="rtp", region="a", max_recruits=4)]
    assert shortfall(make(t)) == pytest.approx(48)
    # A dated row replaces the blank-year row of its key in that year: 2025 region cap 0: 20 + 18 + 16.
    t["recruitment_pool"] += [dict(route="rtp", region="a", year=2025, max_recruits=0)]
    assert shortfall(make(t)) == pytest.approx(54)


@behaviour_of('arrivals')
def test_returners_planned_above_a_realised_pool_do_not_arrive():
    """A future whose returner pool is half its size (uncertainty.csv returner_pool, drawn at 0.5):
    the plan's 6 returners a year stay planned and paid for, 3 arrive."""
    from scenarios import uncertainty_row

    from optimiser.analysis.evaluate import FixedPlan, evaluate_fixed_plan
    from optimiser.analysis.sampling import sample_scenario
    from optimiser.analysis.sweep import uncertain_inputs

    t = {"routes": [RETURNER], "provider_routes": [], "providers": [],
         "recruitment_pool": [dict(route="rtp", max_recruits=6)],
         "uncertainty": [uncertainty_row("returner_pool", "rtp", "uniform", "low=0.5;high=0.5;effect=value")]}
    base = make(t)
    plan = optimiser.solve(base, with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(42)  # 6 a year at 50%: 17 + 14 + 11
    future, draws = sample_scenario(base, uncertain_inputs(base), np.random.SeedSequence(0))
    assert draws["sampled_value"].tolist() == [0.5]
    fixed = FixedPlan(plan.starts, plan.international, plan.educators, "test", recruits=plan.recruits,
                      retention=plan.retention)
    # 3 arrive a year at 50%: +1.5 WTE a year: 18.5 + 17 + 15.5 = 51
    assert evaluate_fixed_plan(future, fixed)[0].weighted_shortfall == pytest.approx(51)
    # the built future has the arrivals in the stock in place of the recruits; the base has none
    built = optimiser.build_plan(future, "min_shortfall")
    assert len(built.compiled.model.arrivals) == 3 and not hasattr(optimiser.build_plan(base).compiled.model, "arrivals")


@behaviour_of('policy_shares')
def test_policy_shares_bound_routes_shares_of_new_supply():
    t = {"routes": [route(), INTL], "international_capacity": [dict(region="a", max_recruits=3)]}
    # Free: 10 starts + 3 recruits in 2025 (113), 7 in 2026: short 7.
    assert shortfall(make(t)) == pytest.approx(7)
    # International at least half of new supply: starts <= recruits <= 3: 6 a year: 14 + 8 + 2.
    t["policy_shares"] = [dict(staff_group="rad", routes="intl", min_share=0.5)]
    assert shortfall(make(t)) == pytest.approx(24)
    # International at most 20%: recruits <= starts / 4 <= 2.5: 12 in 2025, 8 in 2026: short 8.
    t["policy_shares"] = [dict(staff_group="rad", routes="intl", max_share=0.2)]
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(8)
    assert plan.international.set_index("year")["recruits"].get(2025, 0) <= 2


@behaviour_of('training', 'stability')
def test_frozen_years_keep_the_baseline_and_intakes_move_by_a_share():
    frozen = {"baseline_starts": [dict(provider="p", region="a", route="ug", year=2025, starts=2)]}
    # Free: 10 in 2025 and 2026: short 10. Frozen 2025 at its baseline 2: 18, then 10 and 8: 18 + 8 = 26.
    assert shortfall(make(frozen)) == pytest.approx(10)
    plan = optimiser.solve(make(frozen, first_decision_year=2026), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(26)
    assert plan.starts.query("year == 2025")["starts"].tolist() == [2]
    # Intakes move by half of last year's at most: 2 -> 3 -> 4: short 18 + 15 + 11.
    assert shortfall(make(frozen, first_decision_year=2026, max_change_share=0.5)) == pytest.approx(44)
    # ... plus 4 a year: 2 -> 7 -> 10 (cap): short 18 + 11 + 1.
    sc = make(frozen, first_decision_year=2026, max_change_share=0.5, max_change_per_year=4)
    assert shortfall(sc) == pytest.approx(30)


@behaviour_of('budget', 'coverage')
def test_run_out_years_measure_late_starts_and_count_their_learners_costs():
    # A 3-year course: only 2025's starts arrive by 2028. With 2 run-out years 2026's and 2027's
    # arrive in 2029 and 2030 (demand 125 in 2030): 2025 and 2026 starts 10, 2027 starts 5.
    t = {"routes": [route(duration_years=3, cost_per_learner_year=1000)],
         "demand": [dict(region="a", staff_group="rad", year=2030, demand_wte=125)]}
    plan = optimiser.solve(make(t, run_out_years=2), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(20 + 20 + 10)
    assert plan.projection.groupby("year")["run_out"].first().to_dict() == {
        2025: False, 2026: False, 2027: False, 2028: False, 2029: True, 2030: True}
    # 2029 is a run-out year, and 2027's learners are still in training: a 2029 budget of 3000 leaves
    # 3 of them: 2030 is 2 short.
    t["budget"] = [dict(year=2029, budget_gbp=3000)]
    assert shortfall(make(t, run_out_years=2)) == pytest.approx(52)


@behaviour_of('objective')
def test_min_system_cost_buys_staff_while_the_gap_premium_is_dearer():
    # A start costs 1500 and is one WTE from the next year on. At GBP 1,000 per WTE-year of gap,
    # 2025 starts save 3000 and 2026 starts 2000: 10 each, short 10 in 2026: 10,000 + 30,000.
    t = {"routes": [route(cost_per_start=1500)], "staff_groups": [group(gap_cost_per_wte=1000)]}
    plan = optimiser.solve(make(t, objective="min_system_cost"))
    assert plan.objective == pytest.approx(40_000)
    assert (plan.gap_premium_gbp, plan.system_cost_gbp) == (pytest.approx(10_000), pytest.approx(40_000))
    # At GBP 700, 2026 starts save 1400 < 1500: only 2025's 10, short 10 a year: 21,000 + 15,000.
    t["staff_groups"] = [group(gap_cost_per_wte=700)]
    assert optimiser.solve(make(t, objective="min_system_cost")).objective == pytest.approx(36_000)


@behaviour_of('coverage')
def test_modality_skill_mix_and_todays_share_in_the_status_quo():
    # rad's demand comes from activity: 60,000 plain films and 60,000 CT at 60 minutes, 1,000 hours a
    # WTE: 60 + 60 WTE. 10 reporters may do 5% of plain film (3 WTE); today they do 2% (1.2 WTE).
    rep = group(staff_group="rep", name="Reporter")
    t = {"staff_groups": [group(clinical_hours_per_wte=1000), rep], "provider_routes": [],
         "workforce": [dict(region="a", staff_group="rad", in_post_wte=100, establishment_wte=0),
                       dict(region="a", staff_group="rep", in_post_wte=10, establishment_wte=0)],
         "activity": [dict(region="a", modality="pf", exams=60_000), dict(region="a", modality="ct", exams=60_000)],
         "workload": [dict(modality="pf", staff_group="rad", minutes_per_exam=60),
                      dict(modality="ct", staff_group="rad", minutes_per_exam=60)],
         "skill_mix": [dict(covering_group="rep", covered_group="rad", modality="pf", max_share=0.05,
                            productivity=1, current_share=0.02)]}
    plan = optimiser.solve(make(t))
    assert plan.status_quo.weighted_shortfall == pytest.approx(3 * 18.8)
    assert plan.weighted_shortfall == pytest.approx(3 * 17)
    # Without the modality the 5% is of all 120 WTE of rad's work: 6 WTE.
    t["skill_mix"][0]["modality"] = ""
    assert shortfall(make(t)) == pytest.approx(3 * 14)


@behaviour_of('objective')
def test_min_cost_targets_can_stop_at_the_horizon():
    # As test_min_cost_reaches_targets_at_least_cost, with one run-out year whose demand (200) no plan
    # can reach (at most 30 starts a year in 2025-2027: 190 WTE): the contract's targets, run-out
    # years included, cannot be met; counted to target_last_year 2028 they cost the 20 starts again.
    t = {"staff_groups": [group(target_shortfall_rate=0)], "routes": [route(cost_per_start=1000)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=30)],
         "demand": [dict(region="a", staff_group="rad", year=2029, demand_wte=200)]}
    config = dict(objective="min_cost", target_year=2027, run_out_years=1)
    assert optimiser.solve(make(t, **config), with_status_quo=False).status == "infeasible"
    plan = optimiser.solve(make(t, target_last_year=2028, **config), with_status_quo=False)
    assert plan.total_cost_gbp == pytest.approx(20_000)


@behaviour_of('objective')
def test_min_cost_prices_the_gap_after_its_last_target_year():
    # Targets (rate 0) from 2027 to target_last_year 2028 need 20 starts (GBP 1,000 each); the run-out
    # year 2029 has no target and a demand of 150. Without a gap cost nothing values 2029: 20 starts.
    # With gap_cost_per_wte 2,000 each start (one WTE in 2029) saves 2,000 for 1,000: 30 more (2029 met),
    # objective 50,000. At 500 a start saves less than it costs: 20 starts, 20,000 + 500 x 30.
    t = {"routes": [route(cost_per_start=1000)], "provider_routes": [dict(provider="p", route="ug", max_starts=30)],
         "demand": [dict(region="a", staff_group="rad", year=2029, demand_wte=150)]}
    config = dict(objective="min_cost", target_year=2027, target_last_year=2028, run_out_years=1)
    for gap_cost, spent, objective in ((None, 20_000, 20_000), (2000, 50_000, 50_000), (500, 20_000, 35_000)):
        t["staff_groups"] = [group(target_shortfall_rate=0, gap_cost_per_wte=gap_cost)]
        plan = optimiser.solve(make(t, **config), with_status_quo=False)
        assert plan.total_cost_gbp == pytest.approx(spent), gap_cost
        assert plan.objective == pytest.approx(objective, abs=0.01), gap_cost


@behaviour_of('regional_equity')
def test_regional_equity_spreads_the_gap_at_its_price():
    # Regions a and b, each 20 short of 120 in 2026 (one measured year). Starts (GBP 1,000, one WTE)
    # reach only a; international recruits (GBP 1,000, half arrive) reach both; GBP 10,000 in all.
    # Without the term: 10 starts, a short 10, b 20: 30, fair shares 15 each, b 5 above its share.
    # Each start swapped for a recruit in b adds 0.5 to the gap and takes 0.75 off b's excess, so the
    # swap pays once lambda > 2/3. lambda 0.5: objective 30 + 0.5 * 5. lambda 0.8: 6 swaps, a 16, b 17
    # short (33), fair 16.5, excess 0.5: 33 + 0.8 * 0.5 (7 swaps: 33.5 + 0.8 * 0.25).
    workforce = [dict(region=r, staff_group="rad", in_post_wte=100, establishment_wte=120) for r in "ab"]
    t = {"regions": [dict(region="a", name="Region A"), dict(region="b", name="Region B")], "workforce": workforce,
         "routes": [route(cost_per_start=1000), route(route="intl", kind="international", completion_rate=0.5,
                                                      cost_per_start=1000)],
         "budget": [dict(budget_gbp=10_000)]}
    config = dict(horizon_years=1, graduate_retention=1.0)
    fair = optimiser.solve(make(t, regional_equity_weight=0.5, **config), with_status_quo=False)
    assert (fair.weighted_shortfall, fair.objective) == (pytest.approx(30), pytest.approx(32.5))
    fair = optimiser.solve(make(t, regional_equity_weight=0.8, **config))
    assert (fair.weighted_shortfall, fair.objective) == (pytest.approx(33), pytest.approx(33.4))
    short = fair.projection.query("year == 2026").set_index("region")["shortfall_wte"].to_dict()
    assert short == {"a": pytest.approx(16), "b": pytest.approx(17)}
    # The status quo is 20 short in each: equally short, no excess.
    assert fair.status_quo.objective == pytest.approx(40)


@behaviour_of('steady_intakes')
def test_steady_intakes_price_each_change_in_commissions():
    # 2025's intake is frozen at 2; free, 10 starts in 2026 and 8+ in 2027 leave 18 + 8 short (26).
    # At 0.5 a start of change that plan keeps 2027 at 10 (its oversupply is free): 26 + 0.5 * 8.
    # At 4 a start of change, raising 2026 and 2027 by k each costs 4k and saves 3k of gap (2k from
    # 2026's, k from 2027's): 2, 2, 2: 18 + 16 + 14. (At 3 every k ties.)
    frozen = {"baseline_starts": [dict(provider="p", region="a", route="ug", year=2025, starts=2)]}
    config = dict(first_decision_year=2026)
    steady = optimiser.solve(make(frozen, intake_change_weight=0.5, **config), with_status_quo=False)
    assert (steady.weighted_shortfall, steady.objective) == (pytest.approx(26), pytest.approx(30))
    assert steady.starts.groupby("year")["starts"].sum().to_dict() == {2025: 2, 2026: 10, 2027: 10}
    flat = optimiser.solve(make(frozen, intake_change_weight=4, **config), with_status_quo=False)
    assert (flat.weighted_shortfall, flat.objective) == (pytest.approx(48), pytest.approx(48))
    assert flat.starts.groupby("year")["starts"].sum().to_dict() == {2025: 2, 2026: 2, 2027: 2}


@behaviour_of('steady_intakes')
def test_steady_intakes_price_each_change_in_gbp_under_the_cost_objectives():
    # 2025's intake is frozen at 2 (GBP 2,000, in every plan). min_cost, target rate 0 from 2027: 18 starts
    # in 2026 (GBP 1,000 each) and none in 2027 (2028 is met): 34 starts of change. At GBP 100 a start of
    # change: 20,000 + 3,400. At GBP 2,000 keeping 2027 at 18 costs 18,000 and saves 36,000 of change:
    # 38,000 + 16 x 2,000. min_system_cost (gap GBP 5,000 a WTE-year): the same starts; 2026's 18 short
    # cost 90,000 of premium.
    frozen = {"baseline_starts": [dict(provider="p", region="a", route="ug", year=2025, starts=2)],
              "routes": [route(cost_per_start=1000)], "provider_routes": [dict(provider="p", route="ug", max_starts=30)],
              "staff_groups": [group(target_shortfall_rate=0, gap_cost_per_wte=5000)]}
    config = dict(first_decision_year=2026, target_year=2027)
    for objective, price, spent, total, per_year in (
            ("min_cost", 100, 20_000, 23_400, {2025: 2, 2026: 18}),
            ("min_cost", 2000, 38_000, 70_000, {2025: 2, 2026: 18, 2027: 18}),
            ("min_system_cost", 0, 20_000, 110_000, {2025: 2, 2026: 18}),
            ("min_system_cost", 2000, 38_000, 160_000, {2025: 2, 2026: 18, 2027: 18})):
        plan = optimiser.solve(make(frozen, objective=objective, intake_change_cost=price, **config),
                               with_status_quo=False)
        assert (plan.total_cost_gbp, plan.objective) == (pytest.approx(spent), pytest.approx(total, abs=0.01))
        assert plan.starts.groupby("year")["starts"].sum().to_dict() == per_year, (objective, price)
    # The weighted-WTE price does not reach the cost objectives, nor the GBP price min_shortfall.
    plan = optimiser.solve(make(frozen, objective="min_cost", intake_change_weight=50, **config), with_status_quo=False)
    assert plan.objective == pytest.approx(20_000, abs=0.01)


def test_every_family_has_a_behaviour_test():
    """Adding a family to the model's table of contents needs a hand-derived test here."""
    from optimiser.model.build import FAMILIES

    names = [family.__name__.rsplit(".", 1)[-1] for family in FAMILIES]
    assert [n for n in names if n not in BEHAVIOUR] == []
    assert sorted(n for n in BEHAVIOUR if n not in names) == []  # no test names a family that is gone
