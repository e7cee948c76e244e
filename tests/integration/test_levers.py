"""Where the next pound goes (optimiser/results/levers.py), derived by hand on the tiny scenario
of tests/scenarios.py: 100 WTE against 120, flat, no leavers; a start is one WTE from next year."""

import pytest
from scenarios import make, route

import optimiser

pytestmark = pytest.mark.integration


def test_levers_are_ranked_by_weighted_wte_years_per_gbp_million():
    # GBP 3,000 a year buys 3 starts (GBP 1,000 each): short 17, 14, 11, so one more WTE in post is
    # worth one WTE-year in each remaining year. A 2025 start gives 3 WTE-years for GBP 1,000: 3,000
    # per GBP 1m; a returner (GBP 1,000, half complete) 1.5 WTE-years: 1,500. GBP 1m more budget in
    # 2025, 2026, 2027 buys 1,000 starts arriving for 3, 2, 1 years: 3,000, 2,000, 1,000.
    rtp = route(route="rtp", kind="returner", completion_rate=0.5, cost_per_start=1000)
    t = {"routes": [route(cost_per_start=1000), rtp], "budget": [dict(budget_gbp=3000)]}
    plan = optimiser.solve(make(t), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(42)
    ranking = plan.levers
    assert ranking["wte_years_per_gbp_m"].is_monotonic_decreasing
    value = {(r["lever"], r["name"]): r["wte_years_per_gbp_m"] for _, r in ranking.iterrows()}
    assert value == pytest.approx({("commissions", "ug"): 3000, ("returner recruits", "rtp"): 1500,
                                   ("budget", "2025"): 3000, ("budget", "2026"): 2000, ("budget", "2027"): 1000})
    assert ranking.set_index("lever").loc["commissions", "where"] == "Provider P, Region A, 2025"


def test_an_extra_educator_is_worth_the_room_it_makes():
    # Educators hold starts to 5 a year (0.1 WTE each, 0.5 WTE), 6 with the 0.1 extra WTE allowed:
    # short 14, 8, 2. 0.1 extra educator WTE (GBP 100) is one more start in 2025: 3 WTE-years, 30,000
    # per GBP 1m. No budget limit: starts are free.
    t = {"routes": [route(educator_load=0.1)], "educator_capacity": [dict(region="a", educator_wte=0.5)],
         "provider_routes": [dict(provider="p", route="ug", max_starts=10)]}
    plan = optimiser.solve(make(t, max_extra_educator_wte=0.1, educator_cost_per_wte=1000), with_status_quo=False)
    best = plan.levers.set_index("lever").loc["extra educators"]
    assert (best["wte_years_per_gbp_m"], best["where"]) == (pytest.approx(30_000), "Region A, 2025")


def test_a_start_is_worth_its_own_staff_not_the_starts_next_years_allowance_would_buy():
    # 2025 is capped at 1 start and intakes may rise by 2 a year: 1, 3, 5 (short 19 + 16 + 11). A 2025
    # start (GBP 1,000) is one WTE in 2026-2028: 3 WTE-years, 3,000 per GBP 1m. It would also let 2026
    # rise by one more (worth 2 + 1 through 2027's allowance): counting that allowance, as the first v2
    # ranking did, read 6,000, the value of three starts divided by the price of one.
    rows = [dict(provider="p", route="ug", max_starts=10, year=""), dict(provider="p", route="ug", max_starts=1, year=2025)]
    t = {"routes": [route(cost_per_start=1000)], "provider_routes": rows}
    plan = optimiser.solve(make(t, max_change_per_year=2), with_status_quo=False)
    assert plan.weighted_shortfall == pytest.approx(46)
    best = plan.levers.set_index("lever").loc["commissions"]
    assert (best["wte_years_per_gbp_m"], best["where"]) == (pytest.approx(3000), "Provider P, Region A, 2025")
