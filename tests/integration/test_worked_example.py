"""Acceptance test of the semantics: the worked example's optima from an independent implementation."""

import pytest

import optimiser

pytestmark = pytest.mark.integration

SQ_EAST_RADIOGRAPHERS = {2025: 150.000, 2026: 147.050, 2027: 144.256, 2028: 136.611,
                         2029: 129.370, 2030: 122.514, 2031: 116.021}


@pytest.fixture(scope="module")
def example(example_dir):
    return optimiser.load_scenario(example_dir)


def test_status_quo_supply_matches_readme(example):
    sq = optimiser.project(example)
    east = sq.projection.query("staff_group == 'radiographer' and region == 'east'").set_index("year")["supply_wte"]
    for year, wte in SQ_EAST_RADIOGRAPHERS.items():
        assert east[year] == pytest.approx(wte, abs=5e-4)
    assert sq.weighted_shortfall == pytest.approx(1533.383, abs=1e-3)


@pytest.mark.parametrize(("budget", "expected"), [(0, 1533.383), (750_000, 1137.392),
                                                  (1_500_000, 1007.496), (3_000_000, 986.546)])
def test_min_shortfall_at_budget_levels(example, budget, expected):
    plan = optimiser.solve(example, budget_scale=budget / 1_500_000, with_status_quo=False)
    assert plan.status == "optimal"
    assert plan.weighted_shortfall == pytest.approx(expected, abs=1e-3)


def test_equity_weight_objective(example):
    plan = optimiser.solve(example.with_settings(equity_weight=100), with_status_quo=False)
    assert plan.objective == pytest.approx(1058.155, abs=1e-3)


def test_frontier_reuses_one_model_and_matches_cold_solves(example):
    result = optimiser.frontier(example, [0, 0.5, 1, 2])
    assert list(result.frontier["weighted_shortfall"].round(3)) == [1533.383, 1137.392, 1007.496, 986.546]
