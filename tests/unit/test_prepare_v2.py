"""prepare() for the v2 tables: years (frozen, decision, model, run-out), the frozen intake in the
index sets, retention, pool and policy-share rows with their override rules, and demand from
activity with its modality parts, each checked by hand on a small scenario."""

from __future__ import annotations

import pytest
from scenarios import group, make, route

from optimiser.model.data import prepare
from optimiser.model.levers import PolicyShare, RetentionOffer

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def scenario():
    t = {
        "regions": [dict(region="a", name="Region A"), dict(region="b", name="Region B")],
        "staff_groups": [group(leaver_rate=0.1, retirement_rate=0.04, clinical_hours_per_wte=1000, gap_cost_per_wte=9),
                         group(staff_group="sono", name="Sonographer")],
        "workforce": [dict(region="a", staff_group="rad", in_post_wte=50, establishment_wte=999),
                      dict(region="b", staff_group="sono", in_post_wte=5, establishment_wte=4)],
        "routes": [route(), route(route="intl", kind="international"), route(route="rtp", kind="returner")],
        "provider_routes": [dict(provider="p", route="ug", max_starts=10)],
        "baseline_starts": [dict(provider="p", region="a", route="ug", starts=3),
                            dict(provider="", region="b", route="rtp", year=2025, starts=2)],
        "international_capacity": [dict(region="b", max_recruits=0)],
        "retention": [
            dict(scheme="flex", staff_group="rad", applies_to="leavers", max_share=0.3, cost_per_wte=1),
            dict(scheme="flex", staff_group="rad", region="b", applies_to="leavers", max_share=0.2, cost_per_wte=2),
            dict(scheme="flex", staff_group="rad", year=2027, applies_to="leavers", max_share=0.1, cost_per_wte=3),
            dict(scheme="late", staff_group="rad", region="a", year=2026, applies_to="retirements", max_share=0.5,
                 cost_per_wte=4)],
        "recruitment_pool": [dict(route="rtp", max_recruits=6), dict(route="rtp", year=2027, max_recruits=1),
                             dict(route="rtp", region="a", max_recruits=4), dict(route="intl", region="a", max_recruits=0)],
        "policy_shares": [dict(staff_group="rad", routes="intl rtp", max_share=0.4),
                          dict(staff_group="rad", routes="rtp  intl", year=2027, max_share=0.5, min_share=0.1),
                          dict(staff_group="rad", routes="ug", year=2030, min_share=0.9)],  # not a decision year
        "modalities": [dict(modality="pf", name="Plain film", growth=0.1), dict(modality="ct", name="CT", growth=0)],
        "activity": [dict(region="a", modality="pf", exams=6000), dict(region="a", modality="ct", exams=1200),
                     dict(region="a", modality="ct", year=2027, exams=3000)],
        "workload": [dict(modality="pf", staff_group="rad", minutes_per_exam=10),
                     dict(modality="ct", staff_group="rad", minutes_per_exam=50)],
    }
    return make(t, horizon_years=3, first_decision_year=2026, run_out_years=2)


def test_years(scenario):
    d = prepare(scenario, "plan")
    assert d.years == [2025, 2026, 2027, 2028, 2029]  # model years: flows, costs, limits
    assert (d.start_years, d.decision_years, d.first_decision_year) == ([2025, 2026, 2027], [2026, 2027], 2026)
    assert d.stock_years == [2025, 2026, 2027, 2028, 2029, 2030]
    assert (d.measured_years, d.run_out_years) == ([2026, 2027, 2028, 2029, 2030], [2029, 2030])
    assert d.is_frozen(2025) and not d.is_frozen(2026)


def test_the_frozen_intake_is_in_the_index_and_decisions_start_at_f(scenario):
    d = prepare(scenario, "plan")
    assert list(d.starts_index.itertuples(index=False, name=None)) == [
        ("p", "a", "ug", 2025), ("p", "a", "ug", 2026), ("p", "a", "ug", 2027)]
    # international: no onboarding in b, pool 0 in a; returners: 2025 only where the baseline has them
    assert list(d.recruit_index.itertuples(index=False, name=None)) == [
        ("rtp", "returner", "a", 2026), ("rtp", "returner", "a", 2027),
        ("rtp", "returner", "b", 2025), ("rtp", "returner", "b", 2026), ("rtp", "returner", "b", 2027)]
    assert d.baseline_recruits == {("b", "rtp", 2025): 2.0}
    sq = prepare(scenario, "status_quo")  # the status quo continues the baseline of every start year
    assert list(sq.starts_index["year"]) == [2025, 2026, 2027] and sq.retention == []


def test_retention_rows_override_by_region_then_year(scenario):
    offers = {(o.scheme, o.region, o.year): o for o in prepare(scenario, "plan").retention}
    assert set(offers) == {("flex", r, y) for r in "ab" for y in (2026, 2027)} | {("late", "a", 2026)}
    assert offers[("flex", "a", 2026)] == RetentionOffer("flex", "rad", "a", 2026, "leavers", 0.3, 1.0)
    assert offers[("flex", "b", 2026)].max_share == 0.2  # the region row replaces the blank one
    assert offers[("flex", "b", 2027)].max_share == 0.1  # the year row wins over the region row
    assert offers[("late", "a", 2026)].applies_to == "retirements"
    assert prepare(scenario, "plan").loss_rate[("rad", "retirements")] == 0.04


def test_pool_rows_by_key_and_year(scenario):
    d = prepare(scenario, "plan")
    assert d.pool_total == {("rtp", 2026): 6.0, ("rtp", 2027): 1.0}  # the dated row replaces 2027's
    assert d.pool_region == {("rtp", "a", 2026): 4.0, ("rtp", "a", 2027): 4.0,
                             ("intl", "a", 2026): 0.0, ("intl", "a", 2027): 0.0}


def test_policy_shares_keyed_by_group_and_set_of_routes(scenario):
    assert prepare(scenario, "plan").policy_shares == [
        PolicyShare("rad", ("intl", "rtp"), 2026, None, 0.4), PolicyShare("rad", ("intl", "rtp"), 2027, 0.1, 0.5)]


def test_demand_from_activity_with_modality_parts(scenario):
    d = prepare(scenario, "plan")
    # plain film 6000 x 1.1**(y-2025) exams at 10 minutes, 1000 hours a WTE; CT 1200 at 50 (3000 in 2027 only)
    pf = {y: 6000 * 1.1 ** (y - 2025) * 10 / 60_000 for y in range(2025, 2031)}
    ct = {y: (3000 if y == 2027 else 1200) * 50 / 60_000 for y in range(2025, 2031)}
    for y in range(2026, 2031):
        assert d.demand_parts[("rad", "pf", "a", y)] == pytest.approx(pf[y])
        assert d.demand[("rad", "a", y)] == pytest.approx(pf[y] + ct[y])
    assert d.establishment[("rad", "a")] == pytest.approx(pf[2025] + ct[2025])  # not the 999 establishment
    assert d.demand[("sono", "b", 2030)] == 4.0 and d.gap_cost == {"rad": 9.0}


def test_demand_by_modality_lists_each_groups_work_by_modality_with_the_exams(scenario):
    from optimiser import demand_by_modality

    table = demand_by_modality(scenario).set_index(["staff_group", "region", "modality", "year"])
    # the stock years 2025..2030; hand-worked as in the test above
    assert sorted(table.index.get_level_values("year").unique()) == list(range(2025, 2031))
    assert table.loc[("rad", "a", "pf", 2028), "exams"] == pytest.approx(6000 * 1.1 ** 3)
    assert table.loc[("rad", "a", "pf", 2028), "demand_wte"] == pytest.approx(6000 * 1.1 ** 3 * 10 / 60_000)
    assert table.loc[("rad", "a", "ct", 2027), "demand_wte"] == pytest.approx(3000 * 50 / 60_000)
    assert set(table.index.get_level_values("staff_group")) == {"rad"}  # sono has no workload rows
    d = prepare(scenario, "plan")
    for (g, r, y), wte in d.demand.items():
        if g == "rad":
            assert table.xs((g, r, y), level=["staff_group", "region", "year"])["demand_wte"].sum() == pytest.approx(wte)
